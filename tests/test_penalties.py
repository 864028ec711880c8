"""Every prox checked by Moreau's identity, its optimality condition and brute force."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize

from sksparse_struct._structure import check_graph, check_groups
from sksparse_struct.penalties import GraphFused, SparseGroupL2, WeightedL1, soft_threshold

P = 7
GROUPS = check_groups([[0, 1, 2], [3, 4]], P)  # features 5 and 6 are ungrouped
vectors = arrays(np.float64, P, elements=st.floats(-10, 10, allow_subnormal=False))
steps = st.floats(0.01, 5.0)


def _penalties():
    c = np.array([0.3, 0.0, 1.0, 0.5, 0.2, 0.7, 0.0])
    return {
        "l1": WeightedL1(c),
        "group": SparseGroupL2(0.0, np.array([1.5, 0.8]), GROUPS),
        "sparse-group": SparseGroupL2(c, np.array([1.5, 0.8]), GROUPS),
        "group-zero-weight": SparseGroupL2(0.4, np.array([0.0, 2.0]), GROUPS),
    }


PENALTIES = _penalties()


def _prox_objective(h, v, step):
    return lambda x: h.value(x) + np.sum((x - v) ** 2) / (2 * step)


@pytest.mark.parametrize("name", sorted(PENALTIES))
@settings(max_examples=60, deadline=None)
@given(v=vectors, step=steps)
def test_prox_optimality_condition(name, v, step):
    """x = prox_{step h}(v)  <=>  (v - x) / step in the subdifferential of h at x."""
    h = PENALTIES[name]
    x = h.prox(v, step)
    assert np.max(h.subdiff_distance(x, (v - x) / step)) <= 1e-9 * (1 + np.max(np.abs(v)) / step)


@pytest.mark.parametrize("name", sorted(PENALTIES))
@settings(max_examples=40, deadline=None)
@given(a=vectors, b=vectors, step=steps)
def test_prox_is_firmly_nonexpansive(name, a, b, step):
    h = PENALTIES[name]
    pa, pb = h.prox(a, step), h.prox(b, step)
    assert np.sum((pa - pb) ** 2) <= np.dot(pa - pb, a - b) + 1e-9


@pytest.mark.parametrize("name", sorted(PENALTIES))
@pytest.mark.parametrize("seed", range(5))
def test_prox_against_brute_force(name, seed):
    rng = np.random.default_rng(seed)
    h = PENALTIES[name]
    v, step = 2 * rng.standard_normal(P), rng.uniform(0.2, 2.0)
    f = _prox_objective(h, v, step)
    x = h.prox(v, step)
    best = min(
        (minimize(f, x0, method="Powell", options={"xtol": 1e-10, "ftol": 1e-14, "maxiter": 100000})
         for x0 in (v, np.zeros(P), x + 0.1 * rng.standard_normal(P))),
        key=lambda r: r.fun,
    )
    assert f(x) <= best.fun + 1e-10
    np.testing.assert_allclose(x, best.x, atol=1e-4)


@pytest.mark.parametrize("name", sorted(PENALTIES))
@pytest.mark.parametrize("seed", range(3))
def test_moreau_envelope_gradient(name, seed):
    """Moreau: the envelope e(v) = min_x h(x) + |x - v|^2/(2s) has gradient (v - prox(v)) / s."""
    rng = np.random.default_rng(seed)
    h = PENALTIES[name]
    v, step, eps = 2 * rng.standard_normal(P), 0.7, 1e-6

    def envelope(u):
        x = h.prox(u, step)
        return _prox_objective(h, u, step)(x)

    numerical = np.array([(envelope(v + eps * e) - envelope(v - eps * e)) / (2 * eps) for e in np.eye(P)])
    np.testing.assert_allclose(numerical, (v - h.prox(v, step)) / step, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(v=vectors, step=steps)
def test_moreau_decomposition_with_explicit_projections(v, step):
    """v = prox_{s h}(v) + projection of v onto s * (unit ball of the dual norm)."""
    c = np.array([0.3, 0.0, 1.0, 0.5, 0.2, 0.7, 0.0])
    np.testing.assert_allclose(WeightedL1(c).prox(v, step) + np.clip(v, -step * c, step * c), v, atol=1e-12)

    lam = np.array([1.5, 0.8])
    grp = SparseGroupL2(0.0, lam, GROUPS)
    projection = v.copy()
    for g, idx in enumerate(([0, 1, 2], [3, 4])):
        norm = np.linalg.norm(v[idx])
        projection[idx] *= min(1.0, step * lam[g] / norm) if norm > 0 else 1.0
    projection[[5, 6]] = 0.0  # ungrouped features carry no penalty: dual ball is {0}
    np.testing.assert_allclose(grp.prox(v, step) + projection, v, atol=1e-12)


@pytest.mark.parametrize("name", sorted(PENALTIES))
@pytest.mark.parametrize("seed", range(4))
def test_dual_norm_is_the_zeroing_threshold(name, seed):
    """prox_{t h}(g) = 0 exactly when t >= dual norm of g."""
    h = PENALTIES[name]
    g = np.random.default_rng(seed).standard_normal(P)
    if name == "l1":
        g[[1, 6]] = 0.0  # zero-weight coordinates: otherwise no t zeroes them
    elif name == "group":
        g[[5, 6]] = 0.0
    else:
        g[6] = 0.0
    t = h.dual_norm(g)
    assert np.isfinite(t) and t > 0
    np.testing.assert_array_equal(h.prox(g, t * (1 + 1e-9)), 0.0)
    assert np.any(h.prox(g, t * (1 - 1e-6)) != 0)


def test_dual_norm_infinite_when_unpenalized_coordinate_moves():
    g = np.ones(P)
    assert WeightedL1(np.r_[np.ones(P - 1), 0.0]).dual_norm(g) == np.inf
    assert SparseGroupL2(0.0, np.array([1.0, 1.0]), GROUPS).dual_norm(g) == np.inf


def test_subdiff_distance_zero_only_at_optimum_of_separable_problem():
    h = SparseGroupL2(np.full(P, 0.3), np.array([1.0, 0.5]), GROUPS)
    x = np.array([1.0, 0.0, -2.0, 0.0, 0.0, 0.5, 0.0])
    g = 0.3 * np.sign(x) + np.r_[x[:3] / np.linalg.norm(x[:3]), 0, 0, 0, 0]
    g[1], g[3], g[4], g[6] = 0.2, 0.3, 0.1, -0.3  # inside their subdifferentials
    assert np.max(h.subdiff_distance(x, g)) <= 1e-12
    g[5] += 0.1
    np.testing.assert_allclose(np.max(h.subdiff_distance(x, g)), 0.1)


def test_soft_threshold():
    np.testing.assert_array_equal(soft_threshold(np.array([-3.0, -0.5, 0.0, 2.0]), 1.0), [-2.0, 0.0, 0.0, 1.0])


def test_graph_fused_value_and_image_prox():
    graph = check_graph(np.array([[0, 1, 2.0], [1, 2, 1.0]]), 3)
    fused = GraphFused(graph, 0.5)
    w = np.array([1.0, 3.0, -1.0])
    assert fused.value(w) == pytest.approx(0.5 * (2.0 * 2.0 + 1.0 * 4.0))
    np.testing.assert_allclose(fused.image_penalty.prox(fused.linear_map @ w, 1.0), [-1.0, 3.5])


def test_dual_norm_with_zero_l1_weight_where_the_gradient_is_zero():
    """A group with no group weight: the l1 part alone zeroes it, at max_j |g_j| / c_j."""
    h = SparseGroupL2(np.array([0.0, 1.0]), np.array([0.0]), check_groups([[0, 1]], 2))
    g = np.array([0.0, 2.0])
    assert h.dual_norm(g) == pytest.approx(2.0)
    np.testing.assert_array_equal(h.prox(g, 2.0 * (1 + 1e-9)), 0.0)


def test_feature_units_follow_the_order_of_the_subdifferential_distances():
    """Groups {4, 1} and {3}, ungrouped 0, 2, 5: units 0 and 1, then 2, 3, 4 in order."""
    from sksparse_struct._structure import check_groups
    from sksparse_struct.penalties import SparseGroupL2

    penalty = SparseGroupL2(0.1, np.array([1.0, 1.0]), check_groups([[4, 1], [3]], 6))
    np.testing.assert_array_equal(penalty.feature_units(6), [2, 0, 3, 1, 0, 4])
    np.testing.assert_array_equal(SparseGroupL2(0.1, None, None).feature_units(3), [0, 1, 2])

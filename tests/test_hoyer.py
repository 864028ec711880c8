"""Hoyer-square measures, their gradients and the per-neuron group proxes."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from sksparse_struct.penalties import (GroupHoyerSquare, HoyerSquare, SparseGroupL2,
                                       group_hoyer_square, group_hoyer_square_grad, hoyer_square,
                                       hoyer_square_grad, neuron_group_penalty)


def _dense(rng, shape=(7, 5)):
    return rng.standard_normal(shape)


def test_hoyer_square_closed_forms():
    # one nonzero entry: 1; k equal magnitudes: k (the two ends of the range)
    assert hoyer_square(np.array([0.0, -2.5, 0.0])) == pytest.approx(1.0)
    assert hoyer_square(np.array([1.0, -1.0, 1.0, 0.0, 1.0])) == pytest.approx(4.0)
    assert hoyer_square(np.ones((3, 4))) == pytest.approx(12.0)
    # one nonzero column: 1; G equal-norm columns: G
    W = np.zeros((4, 3))
    W[:, 1] = [1.0, 2.0, 0.0, -2.0]
    assert group_hoyer_square(W) == pytest.approx(1.0)
    assert group_hoyer_square(np.eye(3)) == pytest.approx(3.0)
    # [[3, 1], [4, 0]]: column norms 5 and 1 -> 36 / 26; row norms sqrt(10), 4
    M = np.array([[3.0, 1.0], [4.0, 0.0]])
    assert group_hoyer_square(M) == pytest.approx(36 / 26)
    assert group_hoyer_square(M, axis=1) == pytest.approx((np.sqrt(10) + 4) ** 2 / 26)


@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    W = _dense(rng)
    for func, grad_func, kwargs in ((hoyer_square, hoyer_square_grad, {}),
                                    (group_hoyer_square, group_hoyer_square_grad, {"axis": 0}),
                                    (group_hoyer_square, group_hoyer_square_grad, {"axis": 1})):
        value, grad = grad_func(W, **kwargs)
        assert value == pytest.approx(func(W, **kwargs))
        numeric = approx_fprime(W.ravel(), lambda w: func(w.reshape(W.shape), **kwargs), 1e-7)
        np.testing.assert_allclose(grad.ravel(), numeric, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("c", [3.0, -0.01, 1e6])
def test_scale_invariance_range_and_euler_identity(c):
    rng = np.random.default_rng(1)
    W = _dense(rng, (20, 6))
    W[rng.random(W.shape) < 0.5] = 0.0
    for func, grad_func, n_units in ((hoyer_square, hoyer_square_grad, W.size),
                                     (group_hoyer_square, group_hoyer_square_grad, W.shape[1])):
        assert func(c * W) == pytest.approx(func(W), rel=1e-10)
        assert 1.0 <= func(W) <= n_units
        value, grad = grad_func(W)
        # degree-0 homogeneity: <W, grad> = 0, relative to the sizes involved
        assert abs(np.sum(W * grad)) <= 1e-10 * np.linalg.norm(W) * np.linalg.norm(grad)


def test_zero_weights_and_zero_groups_give_no_nan():
    for shape in ((5,), (4, 3)):
        value, grad = hoyer_square_grad(np.zeros(shape))
        assert value == 0.0 and np.all(grad == 0) and grad.shape == shape
    value, grad = group_hoyer_square_grad(np.zeros((4, 3)))
    assert value == 0.0 and np.all(grad == 0)
    W = np.zeros((4, 3))
    W[:, 0] = [1.0, 0.0, 2.0, 0.0]
    with np.errstate(all="raise"):
        value, grad = group_hoyer_square_grad(W)
        _, grad_hs = hoyer_square_grad(W)
    assert np.all(np.isfinite(grad)) and np.all(grad[:, 1:] == 0) and value == pytest.approx(1.0)
    assert np.all(np.isfinite(grad_hs)) and np.all(grad_hs[W == 0] == 0)


def test_float32_stays_float32():
    W = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    assert hoyer_square_grad(W)[1].dtype == np.float32
    assert group_hoyer_square_grad(W)[1].dtype == np.float32
    assert neuron_group_penalty(6, 0.1, l1_ratio=0.5, dtype=np.float32).prox(W, 0.1).dtype \
        == np.float32


def _prox_by_definition(v, lam, c, step):
    """Per column: soft threshold at step*c, then block shrinkage at step*lam (closed form)."""
    u = np.sign(v) * np.maximum(np.abs(v) - step * c, 0.0)
    norms = np.linalg.norm(u, axis=0)
    scale = np.where(norms > step * lam, 1 - step * lam / np.where(norms > 0, norms, 1), 0.0)
    return u * scale


@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 1.0])
def test_neuron_prox_is_per_column_and_satisfies_moreau(l1_ratio):
    rng = np.random.default_rng(2)
    n_in, n_out, alpha, step = 9, 6, 0.4, 0.7
    V = rng.standard_normal((n_in, n_out))
    V[:, 2] *= 0.01  # this neuron must vanish
    penalty = neuron_group_penalty(n_in, alpha, l1_ratio=l1_ratio)
    assert isinstance(penalty, SparseGroupL2)
    P = penalty.prox(V, step)
    expected = _prox_by_definition(V, alpha * (1 - l1_ratio) * np.sqrt(n_in), alpha * l1_ratio,
                                   step)
    np.testing.assert_allclose(P, expected, atol=1e-12)
    assert np.all(P[:, 2] == 0)
    # the prox column j must not depend on the other columns
    np.testing.assert_allclose(penalty.prox(V[:, :1], step)[:, 0], P[:, 0])
    # Moreau: v = prox_{s h}(v) + s prox_{h*/s}(v/s), and the second term is the projection
    # of v onto s * dh(0): for the group lasso the ball of radius s*lam per column
    residual = V - P
    if l1_ratio == 0.0:
        lam = alpha * np.sqrt(n_in)
        norms = np.linalg.norm(V, axis=0)
        projection = V * np.minimum(1.0, step * lam / norms)
        np.testing.assert_allclose(residual, projection, atol=1e-12)
    if l1_ratio == 1.0:  # the lasso: projection onto the box [-s c, s c]
        np.testing.assert_allclose(residual, np.clip(V, -step * alpha, step * alpha),
                                   atol=1e-12)
    # in every case the residual is a subgradient of s*h at P (optimality of the prox)
    for j in range(n_out):
        one = neuron_group_penalty(n_in, alpha, l1_ratio=l1_ratio)
        assert np.max(one.subdiff_distance(P[:, j], residual[:, j] / step)) < 1e-10


def test_neuron_prox_value_is_one_per_neuron():
    W = np.array([[3.0, 0.0, 1.0], [4.0, 0.0, -1.0]])
    penalty = neuron_group_penalty(2, 2.0, l1_ratio=0.25)
    expected = 2.0 * (0.25 * np.abs(W).sum(axis=0) + 0.75 * np.sqrt(2) * np.linalg.norm(W, axis=0))
    np.testing.assert_allclose(penalty.value(W), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_penalty_classes_are_alpha_times_the_functions(dtype):
    W = np.random.default_rng(3).standard_normal((7, 4)).astype(dtype)
    for pen, value_and_grad in [(HoyerSquare(0.3), hoyer_square_grad),
                                (GroupHoyerSquare(0.3), group_hoyer_square_grad),
                                (GroupHoyerSquare(0.3, axis=1),
                                 lambda W: group_hoyer_square_grad(W, axis=1))]:
        value, grad = value_and_grad(W)
        assert pen.value(W) == pytest.approx(0.3 * value, rel=1e-12)
        g = pen.gradient(W)
        assert g.dtype == dtype
        np.testing.assert_allclose(g, 0.3 * grad, rtol=1e-6)
        both = pen.value_and_gradient(W)
        assert both[0] == pytest.approx(pen.value(W)) and np.array_equal(both[1], g)
        assert pen.value(np.zeros_like(W)) == 0 and not np.any(pen.gradient(np.zeros_like(W)))

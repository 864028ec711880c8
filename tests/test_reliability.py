"""Reliability at the edges: concurrent fits, exact zeros at alpha_max, unambiguous graph
forms, nonconvex starts, extreme scales and clear errors for malformed input."""

import threading
import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import MultiTaskLasso
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_info

from sksparse_struct import (
    GroupGraphLasso,
    GroupGraphLogisticRegression,
    SparseReducedRankRegression,
    group_graph_alpha_max,
    make_sparse_reduced_rank_regression,
    reduced_rank_alpha_max,
)
from sksparse_struct._structure import check_graph
from sksparse_struct.reduced_rank._penalties import row_penalty
from sksparse_struct.reduced_rank._problem import ReducedRankProblem
from sksparse_struct.solvers.alternating import alternating_minimization



def _thread_settings():
    return [(info["internal_api"], info["filepath"], info["num_threads"])
            for info in threadpool_info()]


def _rrr_objective(model, X, Y):
    """The SparseReducedRankRegression objective for the penalties used here, with numpy."""
    R = Y - X @ model.coef_.T - model.intercept_
    t = np.linalg.norm(model.B_, axis=1)
    a = model.alpha
    if model.penalty == "lq":
        pen = a * t**model.q
    elif model.penalty == "mcp":
        g = model.gamma or 3.0
        pen = np.where(t <= g * a, a * t - t**2 / (2 * g), g * a**2 / 2)
    elif model.penalty == "scad":
        g = model.gamma or 3.7
        pen = np.where(t <= a, a * t, np.where(t <= g * a, (2 * g * a * t - t**2 - a**2)
                                               / (2 * (g - 1)), (g + 1) * a**2 / 2))
    else:
        pen = a * t
    return (R**2).sum() / (2 * X.shape[0]) + pen.sum()


# ----------------------------------------------------------------------------- 1. threads

def test_concurrent_fits_equal_serial_fits_and_keep_thread_settings():
    # the scenario of the report: three fits with a graph term at once, n=300, p=200
    rng = np.random.default_rng(0)
    n, p = 300, 200
    X = rng.standard_normal((n, p))
    y = X[:, :10].sum(axis=1) + rng.standard_normal(n)
    groups = np.repeat(np.arange(20), 10)
    Y = np.column_stack([y, X[:, 10:13].sum(axis=1)])

    def fit(i):
        if i == 3:  # and a reduced-rank fit alongside
            return SparseReducedRankRegression(rank=1, alpha=0.05).fit(X[:, :50], Y).coef_
        return GroupGraphLasso(0.05 * (i + 1), groups=groups,
                               graph=nx.path_graph(p)).fit(X, y).coef_

    before = _thread_settings()
    serial = [fit(i) for i in range(4)]
    assert _thread_settings() == before
    results = [None] * 4

    def run(i):
        results[i] = fit(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _thread_settings() == before
    for got, expected in zip(results, serial):
        # the setup may run with another BLAS thread count: equal up to round-off
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)
        np.testing.assert_array_equal(got != 0, expected != 0)


# ----------------------------------------------------------------------------- 2. alpha_max

@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


DIABETES_GROUPS = [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]
DIABETES_GRAPH = nx.Graph([(0, 1), (1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (8, 9)])


@pytest.mark.parametrize("l1_reg", [0.0, 0.5])
def test_zero_at_alpha_max_with_a_graph_term(diabetes, l1_reg):
    X, y = diabetes
    kw = dict(groups=DIABETES_GROUPS, graph=DIABETES_GRAPH, l1_reg=l1_reg)
    amax = group_graph_alpha_max(X, y, **kw)
    for factor in (1 + 1e-6, 1 + 1e-9, 2.0):
        model = GroupGraphLasso(amax * factor, **kw).fit(X, y)
        assert not model.coef_.any()
        assert model.convergence_["converged"]
        # the certificate of zero is exact, not a tolerance
        assert model.convergence_["kkt_violation"] <= 1e-12 * np.abs(X.T @ (y - y.mean())).max()
    below = GroupGraphLasso(amax * 0.99, **kw).fit(X, y)
    assert below.coef_.any()


@pytest.mark.parametrize("seed", range(4))
def test_zero_at_alpha_max_on_random_weighted_graphs(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 12))
    y = X[:, :4] @ rng.uniform(1, 2, 4) + rng.standard_normal(40)
    graph = nx.gnm_random_graph(12, 15, seed=seed)
    for j, k in graph.edges:
        graph[j][k]["weight"] = float(rng.uniform(0.2, 2.0))
    kw = dict(groups=rng.integers(0, 4, 12), graph=graph)
    amax = group_graph_alpha_max(X, y, **kw)
    assert not GroupGraphLasso(amax * (1 + 1e-6), **kw).fit(X, y).coef_.any()


def test_alpha_max_with_a_graph_and_no_groups_on_a_small_scale():
    # found by the property tests: the LP's bound and the certified F(v) differed by more
    # than rtol (HiGHS's feasibility tolerance at this scale) and the cutting-plane step,
    # which needs groups, failed
    X = np.array([
        [3.54053933e-04, 1.78374106e-05, 0.00000000e+00, 0.00000000e+00],
        [-1.15892986e-03, 0.00000000e+00, -1.48471719e-03, 1.24405678e-03],
        [9.52132210e-04, -3.30299072e-04, 0.00000000e+00, -2.35076728e-03],
        [-2.12688912e-04, -4.75248702e-04, 0.00000000e+00, 1.02559900e-03],
        [0.00000000e+00, 0.00000000e+00, 1.11071168e-06, 0.00000000e+00],
        [-5.57647309e-04, -4.18368029e-04, 0.00000000e+00, 5.31295754e-04],
        [0.00000000e+00, -8.26248365e-04, 0.00000000e+00, 0.00000000e+00],
        [1.60089170e-04, 0.00000000e+00, 5.17360307e-04, 0.00000000e+00],
        [0.00000000e+00, -8.06392688e-04, 0.00000000e+00, 1.25602946e-03],
        [1.28460138e-03, 0.00000000e+00, 0.00000000e+00, -1.32572948e-04],
        [7.95531488e-04, -1.16425486e-03, 3.96934004e-04, 0.00000000e+00],
        [-5.35064654e-04, 0.00000000e+00, 0.00000000e+00, 0.00000000e+00],
        [-1.02463261e-03, 0.00000000e+00, 1.82148786e-03, 0.00000000e+00],
        [0.00000000e+00, 0.00000000e+00, 0.00000000e+00, 1.14769993e-03],
        [0.00000000e+00, 0.00000000e+00, 0.00000000e+00, 0.00000000e+00],
    ])
    y = np.array([-0.69993386, 0.33954854, -0.01032050, -0.45481937, -0.15358243, 0.07631902, 0.39292438, 0.61763994, -0.46383895, 0.26691994, 0.36213087, -0.35953666, 0.03518213, -0.33956398, 0.32924996])
    sample_weight = np.array([1.00000000, 1.00000000, 1.45843738, 1.25008841, 1.38058771, 1.60250297, 0.00000000, 2.21407897, 1.45282756, 1.89455398, 2.37721446, 0.00000000, 2.07493320, 0.00000000, 1.66532722])
    kw = dict(graph=nx.Graph([(0, 1), (1, 3), (2, 3)]), l1_reg=1.0, graph_reg=2.0)
    amax = group_graph_alpha_max(X, y, sample_weight=sample_weight, **kw)
    at = GroupGraphLasso(amax * (1 + 1e-6), **kw).fit(X, y, sample_weight=sample_weight)
    assert not at.coef_.any()
    below = GroupGraphLasso(amax * 0.9, **kw).fit(X, y, sample_weight=sample_weight)
    assert below.coef_.any()


def test_zero_at_alpha_max_with_features_that_no_penalty_absorbs():
    # found by the property tests: features 0, 2, 3 and 4 have no l1 weight and no group,
    # so only the graph term can balance their gradient, exactly; alpha_max was inf and
    # coef_ of the order of 1e-15 instead of 0
    X = np.array([
        [-0.27728925, -1.51226201, 0.0, 0.0, 0.0],
        [-0.57347757, 0.0, -1.68613524, 0.0, -0.62568446],
        [1.87459156, 0.37562382, -0.71852079, 2.46596511, 1.32452427],
        [0.0, -1.0192391, 0.0, 0.0, 1.38073234],
        [-0.35445394, 1.3726817, 0.0, 1.19042372, 0.0],
        [-1.43876815, -1.4904768, -0.51580864, 0.0, 0.15411148],
        [0.0, 0.0, -0.98804725, -0.52816325, 0.0],
        [-0.30792264, -0.20691328, 0.0, 0.0, 0.48889682],
        [0.0, 0.0, -1.87581911, -1.61381178, 0.0],
        [-0.21641145, 1.04220096, 0.0, 0.0, 0.0],
        [0.0, 0.50763263, -0.72094863, 0.43515881, 0.0],
        [0.0, 0.0, 0.0, 2.27836828, 0.0],
        [0.0, 0.0, -0.36415307, 0.0, 1.08984563],
        [0.71239089, 0.0, 0.0, -1.01734984, -2.22824332],
        [0.0, 1.00053955, 0.0, 0.0, 0.82864035],
        [1.09931873, 0.0, 0.28822328, -0.11941072, 0.0],
        [0.0, 0.0, -1.13764101, 0.0, 0.0],
        [0.0, 0.40873377, 0.0, 0.0, 1.87298901],
        [0.0, 0.2286857, 0.93119995, 0.0, 0.50538075],
        [-0.10986533, 0.75820456, 0.91787933, 0.0, 0.0],
    ])
    y = np.array([2.02247648, 1.2254088, -3.05725908, 1.50001329, -1.07151866, 5.66656814,
                  0.04559173, 1.94789697, -0.44027323, -1.03434393, -0.89954837, -0.42932096,
                  -0.28321589, -1.10410067, -1.74621891, -2.12109111, 0.01104146, -0.25476146,
                  0.06714062, -0.85956888])
    kw = dict(groups=[[1]], graph=nx.Graph([(0, 1), (0, 3), (1, 2), (1, 3), (2, 4), (3, 4)]),
              graph_reg=0.5, fit_intercept=False)
    amax = group_graph_alpha_max(X, y, **kw)
    assert np.isfinite(amax)
    for tol in (1e-4, 1e-8):
        assert not GroupGraphLasso(amax * (1 + 1e-6), tol=tol, **kw).fit(X, y).coef_.any()
    assert GroupGraphLasso(amax * 0.99, **kw).fit(X, y).coef_.any()


# ----------------------------------------------------------------------------- 3. graph forms

@pytest.mark.parametrize("p", [2, 3])
def test_dense_square_graph_array_is_refused_as_ambiguous(p):
    adjacency = np.ones((p, p)) - np.eye(p)
    X, y = np.random.default_rng(0).standard_normal((10, p)), np.arange(10.0)
    with pytest.raises(ValueError, match="graph is a dense array of shape"):
        GroupGraphLasso(0.1, graph=adjacency).fit(X, y)
    with pytest.raises(ValueError, match="csr_matrix"):
        check_graph(adjacency, p)


def test_sparse_adjacency_and_networkx_graph_of_a_small_array_agree():
    adjacency = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    from_nx = GroupGraphLasso(0.01, graph=nx.from_numpy_array(adjacency)).fit(X, y).coef_
    from_sparse = GroupGraphLasso(0.01, graph=sp.csr_matrix(adjacency)).fit(X, y).coef_
    edges = GroupGraphLasso(0.01, graph=np.array([[0, 1], [1, 2]])).fit(X, y).coef_
    np.testing.assert_allclose(from_sparse, from_nx, rtol=1e-12)
    np.testing.assert_allclose(edges, from_nx, rtol=1e-12)


# ----------------------------------------------------------------------------- 4. starts

@pytest.fixture(scope="module")
def rrr_data():
    return make_sparse_reduced_rank_regression(n_samples=100, n_features=50, n_targets=10,
                                               rank=2, n_informative=5, random_state=0)


def test_lq_warm_start_down_a_path_leaves_zero(rrr_data):
    X, Y, _ = rrr_data
    amax = reduced_rank_alpha_max(X, Y)
    path = SparseReducedRankRegression(rank=2, penalty="lq", warm_start=True)
    for factor in (1.0, 0.3, 0.1, 0.03, 0.01):
        path.set_params(alpha=factor * amax).fit(X, Y)
    cold = SparseReducedRankRegression(rank=2, penalty="lq", alpha=0.01 * amax).fit(X, Y)
    assert path.support_.any()
    assert _rrr_objective(path, X, Y) <= _rrr_objective(cold, X, Y) * (1 + 1e-9)


def _sparse_wide_problem(seed):
    rng = np.random.default_rng(seed)
    n, p, q = 40, 120, 5
    X = sp.random(n, p, density=0.1, random_state=seed, format="csr")
    B = np.zeros((p, q))
    B[:5] = 3 * rng.standard_normal((5, q))
    return X, X @ B + 0.5 * rng.standard_normal((n, q))


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
@pytest.mark.parametrize("seed", [0, 2])
def test_mcp_scad_on_sparse_wide_designs_beat_the_reduced_rank_start(penalty, seed):
    X, Y = _sparse_wide_problem(seed)
    alpha = 0.3 * reduced_rank_alpha_max(X, Y)
    model = SparseReducedRankRegression(rank=2, alpha=alpha, penalty=penalty).fit(X, Y)
    # the alternation from the reduced-rank fit, the former default start
    problem = ReducedRankProblem.build(X, Y, random_state=check_random_state(0))
    B0, A0 = problem.reduced_rank_fit(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # it keeps spurious rows, slowly
        old = alternating_minimization(problem, row_penalty(penalty, alpha), B0, A0,
                                       max_iter=200, tol=1e-4)
    assert _rrr_objective(model, X.toarray(), Y) < 0.9 * old.objective_path[-1]


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_mcp_scad_give_zero_above_alpha_max(rrr_data, penalty):
    X, Y, _ = rrr_data
    amax = reduced_rank_alpha_max(X, Y, penalty=penalty)
    model = SparseReducedRankRegression(rank=2, alpha=amax * (1 + 1e-9), penalty=penalty)
    assert not model.fit(X, Y).support_.any()


# ----------------------------------------------------------------------------- 5. scale

def _small_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((30, 6))
    return X, X[:, :2].sum(axis=1) + rng.standard_normal(30)


@pytest.mark.parametrize("scale", [1e160, 1e-170])
def test_group_graph_lasso_rejects_unrepresentable_scales(scale):
    X, y = _small_problem()
    with pytest.raises(ValueError, match="X has entries of magnitude.*rescale X"):
        GroupGraphLasso(0.1, groups=[0, 0, 1, 1, 2, 2]).fit(X * scale, y)
    with pytest.raises(ValueError, match="y has entries of magnitude.*rescale y"):
        GroupGraphLasso(0.1, groups=[0, 0, 1, 1, 2, 2]).fit(X, y * scale)
    with pytest.raises(ValueError, match="X has entries"):
        group_graph_alpha_max(X * scale, y, groups=[0, 0, 1, 1, 2, 2])


def test_reduced_rank_rejects_unrepresentable_scales():
    X, y = _small_problem()
    Y = np.column_stack([y, -y])
    with pytest.raises(ValueError, match="X has entries of magnitude.*rescale X"):
        SparseReducedRankRegression(rank=1, alpha=0.1).fit(X * 1e200, Y)
    with pytest.raises(ValueError, match="X has entries"):
        reduced_rank_alpha_max(X * 1e200, Y)
    with pytest.raises(ValueError, match="X has entries"):
        SparseReducedRankRegression(rank=1, alpha=0.1).fit(sp.csr_matrix(X * 1e200), Y)


@pytest.mark.parametrize("scale", [1e100, 1e-100])
def test_extreme_but_representable_scales_fit_exactly(scale):
    # the objective is invariant under X -> c X, w -> w / c, alpha -> c alpha
    X, y = _small_problem()
    kw = dict(groups=[0, 0, 1, 1, 2, 2], graph=nx.path_graph(6), tol=1e-8)
    ref = GroupGraphLasso(0.1, **kw).fit(X, y).coef_
    scaled = GroupGraphLasso(0.1 * scale, **kw).fit(X * scale, y).coef_ * scale
    np.testing.assert_allclose(scaled, ref, rtol=1e-6, atol=1e-9)
    Y = np.column_stack([y, y + X[:, 3]])
    ref = SparseReducedRankRegression(rank=1, alpha=0.1).fit(X, Y).coef_
    scaled = SparseReducedRankRegression(rank=1, alpha=0.1 * scale).fit(X * scale, Y).coef_
    np.testing.assert_allclose(scaled * scale, ref, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("scale", [1e3, 1e80, 1e-80])
def test_logistic_fit_is_invariant_to_the_scale_of_x(scale, n_classes):
    # the same invariance for the logistic loss; its unpenalized intercept has the curvature of a
    # column of ones, not that of X: with one step for both it stayed at its start from a scale
    # of 1e3 on (0.10 away from the optimum, with the fit reported converged), and from 1e80
    # the step bound overflowed and the backtracking never ended
    X, y = _small_problem()
    labels = np.digitize(y + np.random.default_rng(1).standard_normal(y.size),
                         np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1]))
    kw = dict(groups=[0, 0, 1, 1, 2, 2], graph=nx.path_graph(6), tol=1e-7, max_iter=20000)
    ref = GroupGraphLogisticRegression(0.01, **kw).fit(X, labels)
    scaled = GroupGraphLogisticRegression(0.01 * scale, **kw).fit(X * scale, labels)
    assert scaled.convergence_["converged"]
    np.testing.assert_allclose(scaled.coef_ * scale, ref.coef_, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(scaled.intercept_, ref.intercept_, rtol=1e-4, atol=1e-6)


def test_logistic_rejects_unrepresentable_scales():
    X, y = _small_problem()
    with pytest.raises(ValueError, match="X has entries of magnitude.*rescale X"):
        GroupGraphLogisticRegression(0.01).fit(X * 1e160, y > 0)


def test_proximal_gradient_stops_when_the_loss_is_not_finite():
    from sksparse_struct.penalties import WeightedL1
    from sksparse_struct.solvers import Quadratic, accelerated_proximal_gradient

    class Overflowing(Quadratic):  # finite at the start, infinite at every trial step
        def value_from_state(self, x, hx):
            return 0.0 if not np.any(x) else np.inf

    smooth = Overflowing(hess=lambda x: x, linear=np.ones(3), lipschitz=1.0)
    result = accelerated_proximal_gradient(smooth, WeightedL1(0.1), np.zeros(3), max_iter=50)
    assert not result.converged and result.n_iter == 1


# ----------------------------------------------------------------------------- 6. errors

@pytest.mark.parametrize("groups, error, match", [
    ([0, None, 1, 1], TypeError, r"groups labels.*entry 1 is None"),
    ([0, "a", 1, 1], TypeError, r"groups labels.*entry 1 is 'a'"),
    ([[0, 1], 2, 3], ValueError, r"groups must be either.*not a mix"),
    (np.array([[0], [0], [1], [1]]), ValueError, r"groups has shape \(4, 1\).*ravel"),
])
def test_malformed_groups_name_the_parameter(groups, error, match):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 4)), rng.standard_normal(10)
    with pytest.raises(error, match=match):
        GroupGraphLasso(0.1, groups=groups).fit(X, y)


@pytest.mark.parametrize("weight", [1e-320, 1e-300, 1e300])
def test_sample_weights_of_any_representable_scale(weight):
    X, y = _small_problem()
    kw = dict(groups=[0, 0, 1, 1, 2, 2], graph=nx.path_graph(6))
    ref = GroupGraphLasso(0.1, **kw).fit(X, y)
    model = GroupGraphLasso(0.1, **kw).fit(X, y, sample_weight=np.full(30, weight))
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_concave_penalties_at_huge_alpha(penalty):
    X, y = _small_problem()
    Y = np.column_stack([y, -y])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = SparseReducedRankRegression(rank=1, alpha=1e156, penalty=penalty).fit(X, Y)
    assert not model.coef_.any()
    assert np.isfinite(model.objective_path_).all()


@pytest.mark.parametrize("y", [np.array(["a", "b"] * 15), ["a", "b"] * 15,
                               np.array(["a", "b"] * 15, dtype=object)])
def test_string_targets_name_y(y):
    X, _ = _small_problem()
    for model in (GroupGraphLasso(0.1), SparseReducedRankRegression(rank=1, alpha=0.1)):
        with pytest.raises(ValueError, match="y must hold numbers"):
            model.fit(X, y)


def test_cvxpy_solver_on_a_complete_graph_with_l1():
    # cvxpy's default choice (OSQP) stopped at its iteration limit here
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 30))
    y = X[:, :3].sum(axis=1) + rng.standard_normal(50)
    kw = dict(graph=nx.complete_graph(30), l1_reg=1.0, group_reg=0.0)
    alpha = 0.01 * group_graph_alpha_max(X, y, **kw)
    ref = GroupGraphLasso(alpha, tol=1e-8, max_iter=100000, **kw).fit(X, y)
    model = GroupGraphLasso(alpha, solver="cvxpy", **kw).fit(X, y)
    assert model.convergence_["objective"] == pytest.approx(ref.convergence_["objective"],
                                                            rel=1e-7)


# ----------------------------------------------------------------------------- 7. minor

def test_gamma_is_ignored_by_penalties_without_one(rrr_data):
    X, Y, _ = rrr_data
    ref = SparseReducedRankRegression(rank=2, alpha=0.5).fit(X, Y)
    for gamma in (0.5, -1.0):
        model = SparseReducedRankRegression(rank=2, alpha=0.5, gamma=gamma).fit(X, Y)
        np.testing.assert_array_equal(model.coef_, ref.coef_)
    with pytest.raises(ValueError, match="penalty='mcp' needs gamma > 1"):
        SparseReducedRankRegression(rank=2, alpha=0.5, penalty="mcp", gamma=0.5).fit(X, Y)


def test_tight_tol_matches_multitask_lasso_without_warnings():
    # an ill-conditioned p > n design: an early B-step ran out of inner iterations, the
    # next ones, warm-started, finished; only the last one decides the warning
    X, Y, _ = make_sparse_reduced_rank_regression(n_samples=30, n_features=40, n_targets=3,
                                                  rank=2, n_informative=5, correlation=0.9,
                                                  random_state=0)
    alpha = 0.01 * reduced_rank_alpha_max(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = SparseReducedRankRegression(rank=3, alpha=alpha, tol=1e-10,
                                            max_iter=5000).fit(X, Y)
    ref = MultiTaskLasso(alpha=alpha, tol=1e-12, max_iter=100000).fit(X, Y)
    assert _rrr_objective(model, X, Y) == pytest.approx(_rrr_objective(
        _as_group_lasso(ref, alpha), X, Y), rel=1e-9)


class _as_group_lasso:
    """A MultiTaskLasso fit seen as a full-rank SparseReducedRankRegression."""

    penalty = "group_lasso"

    def __init__(self, mtl, alpha):
        self.coef_, self.intercept_, self.alpha = mtl.coef_, mtl.intercept_, alpha
        self.B_ = mtl.coef_.T  # row norms of B A^T equal those of B for orthonormal A

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from sksparse_struct._losses import LeastSquares
from sksparse_struct._structure import check_graph
from sksparse_struct.penalties import WeightedL1
from sksparse_struct.solvers import NormalEquations, admm, kkt_violation


def _loss(n, p, *, sparse=False, intercept=True, weights=False, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) < 0.5] = 0.0
        X = sp.csr_matrix(X)
    y = rng.standard_normal(n)
    sw = rng.uniform(0.5, 2.0, n) if weights else None
    return LeastSquares(X, y, sw, intercept)


def _dense_Z(loss):
    X = loss.X.toarray() if sp.issparse(loss.X) else loss.X
    return loss.sqrt_w[:, None] * (X - loss.x_mean)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weights", [False, True])
def test_loss_products_match_dense_design(sparse, weights):
    loss = _loss(15, 9, sparse=sparse, weights=weights)
    Z = _dense_Z(loss)
    rng = np.random.default_rng(1)
    w, v, W = rng.standard_normal(9), rng.standard_normal(15), rng.standard_normal((9, 3))
    np.testing.assert_allclose(loss.matvec(w), Z @ w)
    np.testing.assert_allclose(loss.matvec(W), Z @ W)
    np.testing.assert_allclose(loss.rmatvec(v), Z.T @ v)
    np.testing.assert_allclose(loss.gram(), Z.T @ Z, atol=1e-12)
    d = rng.uniform(0.5, 2, 9)
    np.testing.assert_allclose(loss.scaled_kernel(d), Z @ np.diag(d) @ Z.T, atol=1e-12)
    np.testing.assert_allclose(loss.dense_transpose(slice(3, 8)), Z.T[:, 3:8])
    np.testing.assert_allclose(loss.frobenius_sq(), np.sum(Z**2))


def test_loss_gradient_by_finite_differences():
    loss = _loss(20, 6, weights=True)
    w = np.random.default_rng(3).standard_normal(6)
    eps = 1e-6
    numerical = [(loss.value(w + eps * e) - loss.value(w - eps * e)) / (2 * eps) for e in np.eye(6)]
    np.testing.assert_allclose(loss.gradient(w), numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("form", ["primal", "dual"])
@pytest.mark.parametrize("metric_kind", ["identity", "diagonal", "graph"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("shape", [(12, 30), (30, 12)])
def test_normal_equations_solve(form, metric_kind, sparse, shape):
    n, p = shape
    loss = _loss(n, p, sparse=sparse, weights=True)
    rng = np.random.default_rng(0)
    if metric_kind == "identity":
        P = sp.identity(p)
    elif metric_kind == "diagonal":
        P = sp.diags(rng.uniform(0.5, 3.0, p))
    else:
        D = check_graph(np.column_stack([rng.integers(0, p, 2 * p), rng.integers(0, p, 2 * p)]), p).incidence
        P = sp.identity(p) + D.T @ D
    system = NormalEquations(loss, P, form=form)
    Z = _dense_Z(loss)
    b = rng.standard_normal(p)
    for rho in (0.3, 4.0, 0.3):
        system.set_rho(rho)
        expected = np.linalg.solve(Z.T @ Z + rho * P.toarray(), b)
        np.testing.assert_allclose(system.solve(b), expected, rtol=1e-8, atol=1e-10)


def test_zero_penalty_gives_least_squares():
    loss = _loss(40, 8, intercept=False)
    result = admm(loss, [(None, WeightedL1(0.0))], tol=1e-10, max_iter=5000)
    expected = np.linalg.lstsq(loss.X, loss.target / loss.sqrt_w, rcond=None)[0]
    np.testing.assert_allclose(result.coef, expected, atol=1e-7)


def test_l1_matches_lasso_and_certificate():
    loss = _loss(50, 20, intercept=False)
    y = loss.target / loss.sqrt_w
    ref = Lasso(alpha=0.05, fit_intercept=False, tol=1e-12, max_iter=100000).fit(loss.X, y)
    blocks = [(None, WeightedL1(0.05))]
    result = admm(loss, blocks, tol=1e-10, max_iter=10000)
    np.testing.assert_allclose(result.coef, ref.coef_, atol=1e-7)
    # the multipliers certify optimality; a wrong point is caught
    lam = [result.state.rho * result.state.u[0]]
    assert kkt_violation(loss, blocks, result.coef, lam) < 1e-7
    assert kkt_violation(loss, blocks, result.coef + 0.01, lam) > 1e-3


def test_warm_start_from_solution_stops_at_once():
    loss = _loss(50, 20)
    blocks = [(None, WeightedL1(0.05))]
    first = admm(loss, blocks, tol=1e-8, max_iter=10000)
    again = admm(loss, blocks, tol=1e-8, max_iter=10000, state=first.state)
    assert again.n_iter <= 2 < first.n_iter
    np.testing.assert_allclose(again.coef, first.coef, atol=1e-9)


def test_adaptive_rho_recovers_from_a_bad_start():
    loss = _loss(60, 30)
    blocks = [(None, WeightedL1(0.05))]
    with pytest.warns(ConvergenceWarning):
        fixed = admm(loss, blocks, rho=1e-4, adaptive_rho=False, tol=1e-6, max_iter=2000)
    adaptive = admm(loss, blocks, rho=1e-4, tol=1e-6, max_iter=2000)
    assert adaptive.converged and not fixed.converged
    reference = admm(loss, blocks, tol=1e-10, max_iter=10000)
    np.testing.assert_allclose(adaptive.coef, reference.coef, atol=1e-5)


def test_anderson_acceleration_same_solution_fewer_iterations():
    from sksparse_struct import make_group_graph_regression
    from sksparse_struct.linear_model._problem import GroupGraphProblem

    X, y, _, groups, graph = make_group_graph_regression(100, 200, 20, 3, random_state=0)
    problem = GroupGraphProblem.build(
        X, y, None, groups=groups, graph=graph, group_weights=None, feature_names=None,
        l1_reg=0.0, group_reg=1.0, graph_reg=1.0, fit_intercept=True,
    )
    alpha = 0.09 * problem.alpha_max()
    plain = admm(problem.loss, problem.blocks(alpha), acceleration=0, tol=1e-8, max_iter=20000)
    fast = admm(problem.loss, problem.blocks(alpha), acceleration=10, tol=1e-8, max_iter=20000)
    assert plain.converged and fast.converged
    assert fast.n_iter < plain.n_iter / 2
    np.testing.assert_allclose(fast.objective, plain.objective, rtol=1e-8)
    np.testing.assert_array_equal(fast.coef != 0, plain.coef != 0)


def test_anderson_mixing_solves_linear_fixed_point_exactly():
    """On an affine map G(v) = M v + c, mixing with memory >= dim finds the fixed point."""
    from sksparse_struct.solvers._anderson import AndersonMixing

    rng = np.random.default_rng(0)
    Q = np.linalg.qr(rng.standard_normal((4, 4)))[0]
    M = Q @ np.diag([0.99, 0.95, 0.9, 0.5]) @ Q.T  # slow plain iteration
    c = rng.standard_normal(4)
    fixed_point = np.linalg.solve(np.eye(4) - M, c)
    mixing, v = AndersonMixing(memory=4, regularization=0.0), np.zeros(4)
    for _ in range(6):
        v = mixing.extrapolate(v, M @ v + c)
    np.testing.assert_allclose(v, fixed_point, atol=1e-8)


def _separable_problem(n, p, n_groups, l1, seed):
    from sksparse_struct import make_group_graph_regression
    from sksparse_struct.linear_model._problem import GroupGraphProblem

    X, y, _, groups, _ = make_group_graph_regression(n, p, n_groups, 3, random_state=seed)
    # a few ungrouped features (only the l1 term acts on them) when l1 > 0
    listed = [np.flatnonzero(groups == g).tolist() for g in range(n_groups)]
    if l1:
        listed[-1] = listed[-1][:-3]
    problem = GroupGraphProblem.build(
        X, y, None, groups=listed, graph=None, group_weights=None, feature_names=None,
        l1_reg=l1, group_reg=1.0, graph_reg=0.0, fit_intercept=True,
    )
    return problem


@pytest.mark.parametrize("l1", [0.0, 0.5])
@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.02])
def test_working_set_matches_plain_admm(l1, fraction):
    from sksparse_struct.solvers import working_set_admm

    problem = _separable_problem(80, 300, 60, l1, seed=1)
    alpha = fraction * problem.alpha_max()
    penalty = problem.separable_penalty(alpha)
    plain = admm(problem.loss, [(None, penalty)], tol=1e-10, max_iter=50000)
    ws = working_set_admm(problem.loss, penalty, tol=1e-10, max_iter=50000)
    assert ws.converged
    np.testing.assert_allclose(ws.objective, plain.objective, rtol=1e-9)
    np.testing.assert_array_equal(ws.coef != 0, plain.coef != 0)
    np.testing.assert_allclose(ws.coef, plain.coef, atol=1e-7)
    # its multipliers certify optimality on the full problem
    lam = [ws.state.rho * ws.state.u[0]]
    assert kkt_violation(problem.loss, [(None, penalty)], ws.coef, lam) < 1e-7 * alpha


def test_working_set_zero_solution_without_iterations():
    from sksparse_struct.solvers import working_set_admm

    problem = _separable_problem(40, 50, 10, 0.0, seed=0)
    ws = working_set_admm(problem.loss, problem.separable_penalty(1.01 * problem.alpha_max()))
    assert ws.converged and ws.n_iter == 0
    np.testing.assert_array_equal(ws.coef, 0.0)


def test_working_set_warm_start_and_budget():
    from sksparse_struct.solvers import working_set_admm

    problem = _separable_problem(80, 300, 60, 0.0, seed=2)
    penalty = problem.separable_penalty(0.1 * problem.alpha_max())
    cold = working_set_admm(problem.loss, penalty, tol=1e-8, max_iter=50000)
    warm = working_set_admm(problem.loss, penalty, tol=1e-8, max_iter=50000, state=cold.state)
    assert warm.n_iter < cold.n_iter
    with pytest.warns(ConvergenceWarning, match="working sets did not converge"):
        working_set_admm(problem.loss, penalty, tol=1e-8, max_iter=3)

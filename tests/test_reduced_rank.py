"""SparseReducedRankRegression: reductions to sklearn / closed forms / cvxpy, invariants,
sklearn API and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, LinearRegression, MultiTaskLasso
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sksparse_struct import (
    SparseReducedRankRegression,
    make_sparse_reduced_rank_regression,
    reduced_rank_alpha_max,
)
from sksparse_struct.penalties import MCP, SCAD, Lq, LogPenalty
from sksparse_struct.reduced_rank._problem import ReducedRankProblem

ALL_PENALTIES = ["group_lasso", "adaptive_group_lasso", "mcp", "scad", "log", "lq"]


@pytest.fixture(scope="module")
def data():
    return make_sparse_reduced_rank_regression(n_samples=80, n_features=20, n_targets=6, rank=2,
                                               n_informative=5, snr=2.0, random_state=0)


def _centred(X, Y):
    return X - X.mean(axis=0), Y - Y.mean(axis=0)


def _penalty_of_norms(model, t):
    """P_alpha(t) written from the docstring's table, independently of the estimator's code."""
    a = model.alpha
    if model.penalty == "group_lasso":
        return a * t
    if model.penalty == "mcp":
        g = model.gamma or 3.0
        return np.where(t <= g * a, a * t - t**2 / (2 * g), g * a**2 / 2)
    if model.penalty == "scad":
        g = model.gamma or 3.7
        return np.where(t <= a, a * t, np.where(t <= g * a, (2 * g * a * t - t**2 - a**2)
                                               / (2 * (g - 1)), (g + 1) * a**2 / 2))
    if model.penalty == "log":
        return a * np.log(1 + t / model.epsilon)
    return a * t**model.q


def _objective(model, X, Y):
    R = Y - X @ model.coef_.T - model.intercept_
    return (R**2).sum() / (2 * X.shape[0]) + _penalty_of_norms(
        model, np.linalg.norm(model.B_, axis=1)).sum()


# ----------------------------------------------------------------------------- invariants

@pytest.mark.parametrize("penalty", ALL_PENALTIES)
@pytest.mark.parametrize("sparse", [False, True])
def test_orthonormal_and_monotone(data, penalty, sparse):
    X, Y, _ = data
    Xs = sp.csr_matrix(X) if sparse else X
    amax = reduced_rank_alpha_max(X, Y)
    alpha = 0.005 if penalty == "adaptive_group_lasso" else 0.1 * amax
    m = SparseReducedRankRegression(rank=2, alpha=alpha, penalty=penalty, tol=1e-8,
                                    max_iter=500).fit(Xs, Y)
    np.testing.assert_allclose(m.A_.T @ m.A_, np.eye(2), atol=1e-10)
    path = m.objective_path_
    assert path.shape == (m.n_iter_ + 1,)
    assert np.all(np.diff(path) <= 0)
    assert path[-1] < path[0]
    np.testing.assert_allclose(m.coef_, (m.B_ @ m.A_.T).T, atol=1e-12)
    np.testing.assert_array_equal(m.support_, np.linalg.norm(m.B_, axis=1) > 0)
    if penalty != "adaptive_group_lasso":
        assert path[-1] == pytest.approx(_objective(m, X, Y), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(4, 30), p=st.integers(1, 25), q=st.integers(1, 6), seed=st.integers(0, 10**6),
       penalty=st.sampled_from(ALL_PENALTIES), fraction=st.floats(0.0, 1.2),
       fit_intercept=st.booleans())
def test_invariants_on_random_problems(n, p, q, seed, penalty, fraction, fit_intercept):
    # includes p > n (singular Gram matrix), single outputs and alpha above alpha_max
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10.0, size=p)
    Y = X @ rng.standard_normal((p, q)) + rng.standard_normal((n, q))
    rank = int(rng.integers(1, min(p, q) + 1))
    alpha = fraction * reduced_rank_alpha_max(X, Y, fit_intercept=fit_intercept)
    if penalty == "adaptive_group_lasso":
        alpha *= 1e-2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # max_iter may be reached; an increase may not
        m = SparseReducedRankRegression(rank=rank, alpha=alpha, penalty=penalty,
                                        fit_intercept=fit_intercept).fit(X, Y)
    assert not [w for w in caught if "increased" in str(w.message)]
    np.testing.assert_allclose(m.A_.T @ m.A_, np.eye(rank), atol=1e-10)
    path = m.objective_path_
    assert np.all(np.isfinite(path))
    assert np.all(np.diff(path) <= 0)
    assert m.coef_.shape == (q, p) and np.all(np.isfinite(m.coef_))
    if penalty != "adaptive_group_lasso":  # the recorded objective is the objective of the fit
        assert path[-1] == pytest.approx(_objective(m, X, Y), rel=1e-8, abs=1e-12)


def test_adaptive_weights_with_a_constant_feature(data):
    """A zero row of the reduced-rank fit has an infinite weight: it stays at zero, at no cost."""
    X, Y, _ = data
    X = X.copy()
    X[:, 4] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = SparseReducedRankRegression(rank=2, alpha=0.005,
                                        penalty="adaptive_group_lasso").fit(X, Y)
    assert np.all(np.isfinite(m.objective_path_)) and m.n_iter_ < 200
    assert not m.support_[4]


def test_default_tol_is_accurate_on_a_correlated_design():
    """The B-step stops on a duality gap, not on a small step, so that an ill-conditioned
    Gram matrix does not stop it early (full rank: the problem is MultiTaskLasso's)."""
    rng = np.random.default_rng(1)
    n, p, q = 200, 60, 3
    X = rng.standard_normal((n, 1)) + 0.01 * rng.standard_normal((n, p))  # nearly collinear
    X[:, 30:] = rng.standard_normal((n, 30))
    C = np.zeros((p, q))
    C[:10] = rng.standard_normal((10, q))
    Y = X @ C + 0.1 * rng.standard_normal((n, q))
    alpha = 1e-3 * reduced_rank_alpha_max(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a B-step may use all its budget
        ours = SparseReducedRankRegression(rank=q, alpha=alpha).fit(X, Y)
    ref = MultiTaskLasso(alpha=alpha, tol=1e-12, max_iter=200000).fit(X, Y)

    def objective(coef, intercept):
        R = Y - X @ coef.T - intercept
        return 0.5 / n * np.sum(R**2) + alpha * np.linalg.norm(coef, axis=0).sum()

    assert objective(ours.coef_, ours.intercept_) <= objective(ref.coef_, ref.intercept_) * (1 + 1e-4)


def test_sparse_and_dense_agree(data):
    X, Y, _ = data
    kw = dict(rank=2, alpha=0.3, penalty="scad", tol=1e-12, max_iter=5000)
    dense = SparseReducedRankRegression(**kw).fit(X, Y)
    sparse = SparseReducedRankRegression(**kw).fit(sp.csc_matrix(X), Y)
    # same objective to round-off; the stationary point is approached slowly by the alternation
    assert sparse.objective_path_[-1] == pytest.approx(dense.objective_path_[-1], rel=1e-10)
    np.testing.assert_array_equal(dense.support_, sparse.support_)
    np.testing.assert_allclose(dense.coef_, sparse.coef_, atol=1e-6)
    np.testing.assert_allclose(dense.intercept_, sparse.intercept_, atol=1e-6)


# ----------------------------------------------------------------------------- reductions

@pytest.mark.parametrize("fraction", [0.03, 0.2, 0.6])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_full_rank_group_lasso_is_multitask_lasso(data, fraction, fit_intercept):
    X, Y, _ = data
    n = X.shape[0]
    alpha = fraction * reduced_rank_alpha_max(X, Y, fit_intercept=fit_intercept)
    ref = MultiTaskLasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14,
                         max_iter=200000).fit(X, Y)
    m = SparseReducedRankRegression(rank=Y.shape[1], alpha=alpha, fit_intercept=fit_intercept,
                                    tol=1e-12, max_iter=1000).fit(X, Y)

    def objective(coef, intercept):
        R = Y - X @ coef.T - intercept
        return (R**2).sum() / (2 * n) + alpha * np.linalg.norm(coef, axis=0).sum()

    ours, theirs = objective(m.coef_, m.intercept_), objective(ref.coef_, ref.intercept_)
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert ours <= theirs * (1 + 1e-9)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(m.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_array_equal(m.support_, ref.coef_.any(axis=0))


@pytest.mark.parametrize("rank", [1, 2, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_alpha_zero_is_reduced_rank_regression(data, rank, fit_intercept):
    X, Y, _ = data
    Xc, Yc = _centred(X, Y) if fit_intercept else (X, Y)
    C_ols = np.linalg.lstsq(Xc, Yc, rcond=None)[0]
    _, _, Vt = np.linalg.svd(Xc @ C_ols, full_matrices=False)
    V = Vt[:rank].T
    C_rrr = C_ols @ V @ V.T
    m = SparseReducedRankRegression(rank=rank, alpha=0.0, fit_intercept=fit_intercept,
                                    tol=1e-12).fit(X, Y)
    np.testing.assert_allclose(m.coef_, C_rrr.T, atol=1e-8)
    if rank == Y.shape[1]:
        ols = LinearRegression(fit_intercept=fit_intercept).fit(X, Y)
        np.testing.assert_allclose(m.coef_, ols.coef_, atol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("duplicated", [False, True])
def test_fewer_samples_than_features_uses_the_minimum_norm_solution(sparse, fit_intercept,
                                                                    weighted, duplicated):
    # n < p: the Gram matrix is singular and the start is computed from the n x n kernel;
    # it must be the rank-r projection of the minimum-norm least squares, as from lstsq,
    # also when repeated rows (with other targets) make the kernel itself singular
    rng = np.random.default_rng(3)
    n, p, q, rank = 30, 70, 6, 2
    X = rng.standard_normal((n, p)) + 5.0  # feature means: the centring matters
    X[rng.random((n, p)) < 0.5] = 0.0
    if duplicated:
        X[15:] = X[:15]
    Y = rng.standard_normal((n, q))
    sw = rng.uniform(0.2, 3.0, n) if weighted else np.ones(n)
    s = sw / sw.sum()
    Xc, Yc = (X - s @ X, Y - s @ Y) if fit_intercept else (X, Y)
    Z, T = np.sqrt(s)[:, None] * Xc, np.sqrt(s)[:, None] * Yc
    C_ols = np.linalg.lstsq(Z, T, rcond=None)[0]
    V = np.linalg.svd(Z @ C_ols, full_matrices=False)[2][:rank].T
    X_in = sp.csr_matrix(X) if sparse else X
    problem = ReducedRankProblem.build(X_in, Y, sample_weight=sw if weighted else None,
                                       fit_intercept=fit_intercept,
                                       random_state=np.random.RandomState(0))
    B, A = problem.reduced_rank_fit(rank)
    np.testing.assert_allclose(B @ A.T, C_ols @ V @ V.T, atol=1e-8)
    # the step of the B-step's proximal gradient is at most 1 / lambda_max(G)
    assert problem.lipschitz >= np.linalg.eigvalsh(Z.T @ Z)[-1]
    m = SparseReducedRankRegression(rank=rank, alpha=0.0, fit_intercept=fit_intercept,
                                    tol=1e-12).fit(X_in, Y, sample_weight=sw if weighted else None)
    np.testing.assert_allclose(m.coef_, (C_ols @ V @ V.T).T, atol=1e-8)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.4])
def test_single_output_rank_one_is_lasso(data, alpha):
    X, Y, _ = data
    y = Y[:, 0]
    ref = Lasso(alpha=alpha, tol=1e-14, max_iter=200000).fit(X, y)
    m = SparseReducedRankRegression(rank=1, alpha=alpha, tol=1e-12, max_iter=1000).fit(X, y)
    assert m.coef_.shape == (X.shape[1],) and np.ndim(m.intercept_) == 0
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-6)
    assert m.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)
    assert m.predict(X).shape == y.shape
    # a 2-d y with one column gives 2-d outputs and the same model
    m2 = SparseReducedRankRegression(rank=1, alpha=alpha, tol=1e-12, max_iter=1000)
    m2.fit(X, y[:, None])
    assert m2.coef_.shape == (1, X.shape[1]) and m2.predict(X).shape == (X.shape[0], 1)
    np.testing.assert_allclose(m2.coef_[0], m.coef_, atol=1e-10)


def test_full_rank_adaptive_group_lasso_matches_cvxpy(data):
    cp = pytest.importorskip("cvxpy")
    X, Y, _ = data
    n, q = Y.shape
    Xc, Yc = _centred(X, Y)
    C_ols = np.linalg.lstsq(Xc, Yc, rcond=None)[0]  # reduced-rank fit at rank q = OLS
    weights = np.linalg.norm(C_ols, axis=1) ** -2.0
    alpha = 0.002
    m = SparseReducedRankRegression(rank=q, alpha=alpha, penalty="adaptive_group_lasso",
                                    tol=1e-12, max_iter=2000).fit(X, Y)
    C = cp.Variable(C_ols.shape)
    obj = (cp.sum_squares(Yc - Xc @ C) / (2 * n)
           + alpha * cp.sum(cp.multiply(weights, cp.norm(C, 2, axis=1))))
    cp.Problem(cp.Minimize(obj)).solve(solver=cp.CLARABEL)
    ours = (np.sum((Yc - Xc @ m.coef_.T) ** 2) / (2 * n)
            + alpha * weights @ np.linalg.norm(m.coef_, axis=0))
    assert ours == pytest.approx(obj.value, rel=1e-6)
    assert m.objective_path_[-1] == pytest.approx(ours, rel=1e-9)
    np.testing.assert_allclose(m.coef_.T, C.value, atol=1e-4)


@pytest.mark.parametrize("penalty, extra", [("mcp", {"gamma": 2.0}), ("scad", {}),
                                            ("log", {"epsilon": 0.5}), ("lq", {"q": 0.5})])
def test_concave_penalties_reach_a_stationary_point(data, penalty, extra):
    # first-order conditions of the B-subproblem (A fixed at A_), written with numpy:
    # nonzero rows: grad_j + P'(||B_j||) B_j / ||B_j|| = 0;  zero rows: ||grad_j|| <= P'(0+)
    X, Y, _ = data
    n = X.shape[0]
    alpha = 0.15 * reduced_rank_alpha_max(X, Y)
    m = SparseReducedRankRegression(rank=2, alpha=alpha, penalty=penalty, tol=1e-13,
                                    max_iter=5000, **extra).fit(X, Y)
    pen = {"mcp": MCP, "scad": SCAD, "log": LogPenalty, "lq": Lq}[penalty](alpha, *extra.values())
    Xc, Yc = _centred(X, Y)
    grad = Xc.T @ (Xc @ m.B_ - Yc @ m.A_) / n
    norms = np.linalg.norm(m.B_, axis=1)
    on = norms > 0
    assert 0 < on.sum() < X.shape[1]
    resid = grad[on] + pen.derivative(norms[on])[:, None] * m.B_[on] / norms[on, None]
    scale = np.linalg.norm(Xc.T @ Yc @ m.A_ / n)
    assert np.abs(resid).max() <= 1e-6 * scale
    assert np.all(np.linalg.norm(grad[~on], axis=1) <= pen.derivative(0.0) * (1 + 1e-8))
    # and A_ is the Procrustes solution for B_ (one SVD, written out here)
    U, _, Vt = np.linalg.svd(Yc.T @ Xc @ m.B_, full_matrices=False)
    np.testing.assert_allclose(m.A_, U @ Vt, atol=1e-6)


@pytest.mark.parametrize("penalty, kw", [("group_lasso", {}),
                                         ("adaptive_group_lasso", {"rank": 2})])
def test_alpha_max_convex(data, penalty, kw):
    X, Y, _ = data
    Xc, Yc = _centred(X, Y)
    amax = reduced_rank_alpha_max(X, Y, penalty=penalty, **kw)
    if penalty == "group_lasso":
        expected = np.linalg.norm(Xc.T @ Yc, axis=1).max() / X.shape[0]
        assert amax == pytest.approx(expected, rel=1e-12)
        assert not MultiTaskLasso(alpha=amax).fit(X, Y).coef_.any()
        assert MultiTaskLasso(alpha=0.9 * amax, tol=1e-10).fit(X, Y).coef_.any()
    at = SparseReducedRankRegression(rank=2, alpha=amax * (1 + 1e-9), penalty=penalty).fit(X, Y)
    assert not at.coef_.any() and not at.support_.any()
    below = SparseReducedRankRegression(rank=2, alpha=0.95 * amax, penalty=penalty).fit(X, Y)
    assert below.support_.any()


@pytest.mark.parametrize("penalty, extra", [("mcp", {}), ("scad", {}), ("log", {"epsilon": 0.3})])
def test_alpha_max_concave_zero_is_a_fixed_point(data, penalty, extra):
    # for a concave penalty B = 0 is stationary above alpha_max (not necessarily reached
    # from the reduced-rank start): started at B = 0 with any orthonormal A, it stays there,
    # while just below alpha_max it leaves zero
    X, Y, _ = data
    Xc, Yc = _centred(X, Y)
    amax = reduced_rank_alpha_max(X, Y, penalty=penalty, **extra)
    slope = extra.get("epsilon", 1.0)  # alpha / P'(0+)
    expected = slope * np.linalg.norm(Xc.T @ Yc, axis=1).max() / X.shape[0]
    assert amax == pytest.approx(expected, rel=1e-12)
    A0 = np.linalg.qr(np.random.default_rng(0).standard_normal((Y.shape[1], 2)))[0]
    for factor, moves in [(1 + 1e-9, False), (0.9, True)]:
        m = SparseReducedRankRegression(rank=2, alpha=factor * amax, penalty=penalty,
                                        warm_start=True, **extra)
        m.B_, m.A_ = np.zeros((X.shape[1], 2)), A0
        m.fit(X, Y)
        assert m.support_.any() == moves


def test_alpha_max_rejects_lq(data):
    X, Y, _ = data
    with pytest.raises(ValueError, match="lq"):
        reduced_rank_alpha_max(X, Y, penalty="lq")


def test_concave_penalty_estimates_better_than_group_lasso():
    # the seed paper's claim on one problem, each penalty at its best alpha of a common grid
    X, Y, coef = make_sparse_reduced_rank_regression(n_samples=200, random_state=1)
    amax = reduced_rank_alpha_max(X, Y)
    best = {}
    for penalty in ("group_lasso", "mcp"):
        errors = [np.linalg.norm(SparseReducedRankRegression(rank=3, alpha=f * amax,
                                                             penalty=penalty).fit(X, Y).coef_
                                 - coef) for f in (0.02, 0.05, 0.1, 0.15, 0.2)]
        best[penalty] = min(errors) / np.linalg.norm(coef)
    assert best["mcp"] < best["group_lasso"]


# ----------------------------------------------------------------------------- sklearn API

@parametrize_with_checks([
    SparseReducedRankRegression(),
    SparseReducedRankRegression(penalty="mcp", alpha=0.1),
    SparseReducedRankRegression(penalty="lq", alpha=0.1),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_grid_search_clone_pickle(data):
    X, Y, _ = data
    grid = GridSearchCV(SparseReducedRankRegression(penalty="scad"),
                        {"alpha": [0.05, 0.2, 0.5], "rank": [1, 2, 3]}, cv=3).fit(X, Y)
    assert grid.best_params_["rank"] in (1, 2, 3)
    best = grid.best_estimator_
    assert clone(best).get_params() == best.get_params()
    again = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(again.predict(X), best.predict(X))


def test_predict_transform_score(data):
    X, Y, _ = data
    m = SparseReducedRankRegression(rank=2, alpha=0.1).fit(X, Y)
    np.testing.assert_allclose(m.transform(X), X @ m.B_)
    np.testing.assert_allclose(m.predict(X), m.transform(X) @ m.A_.T + m.intercept_)
    assert m.score(X, Y) == pytest.approx(r2_score(Y, m.predict(X)))
    assert m.get_feature_names_out().tolist() == ["sparsereducedrankregression0",
                                                  "sparsereducedrankregression1"]
    # the latent factors feed a pipeline
    pipe = make_pipeline(SparseReducedRankRegression(rank=2, alpha=0.1), LinearRegression())
    assert pipe.fit(X, Y).predict(X).shape == Y.shape


def test_warm_start_reduces_iterations(data):
    X, Y, _ = data
    kw = dict(rank=2, penalty="mcp", tol=1e-10, max_iter=1000)
    cold = SparseReducedRankRegression(alpha=0.2, **kw).fit(X, Y)
    warm = SparseReducedRankRegression(alpha=0.2, warm_start=True, **kw).fit(X, Y)
    n_first = warm.n_iter_
    warm.fit(X, Y)
    assert warm.n_iter_ < n_first
    assert warm.objective_path_[0] == pytest.approx(cold.objective_path_[-1], rel=1e-9)


def test_convergence_warning(data):
    X, Y, _ = data
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        SparseReducedRankRegression(rank=2, alpha=0.1, penalty="mcp", max_iter=1,
                                    tol=1e-15).fit(X, Y)


def test_verbose(data, capsys):
    X, Y, _ = data
    SparseReducedRankRegression(rank=2, alpha=0.1, verbose=1).fit(X, Y)
    assert "objective" in capsys.readouterr().out


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("params, message", [
    ({"rank": 0}, "rank"),
    ({"rank": 7}, "rank=7 must be <= min"),
    ({"alpha": -1.0}, "alpha"),
    ({"penalty": "lasso"}, "penalty"),
    ({"penalty": "mcp", "gamma": 1.0}, "gamma"),
    ({"penalty": "scad", "gamma": 1.5}, "gamma > 2"),
    ({"penalty": "lq", "q": 1.0}, "'q'"),
    ({"penalty": "lq", "q": 0.0}, "'q'"),
    ({"penalty": "log", "epsilon": 0.0}, "epsilon"),
])
def test_invalid_parameters(data, params, message):
    X, Y, _ = data
    with pytest.raises(ValueError, match=message):
        SparseReducedRankRegression(**params).fit(X, Y)


def test_one_dimensional_y_needs_rank_one(data):
    X, Y, _ = data
    with pytest.raises(ValueError, match="single target"):
        SparseReducedRankRegression(rank=2).fit(X, Y[:, 0])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("where", ["X", "y"])
def test_nan_inf_rejected(data, bad, where):
    X, Y, _ = data
    X, Y = X.copy(), Y.copy()
    (X if where == "X" else Y)[3, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        SparseReducedRankRegression().fit(X, Y)


def test_inputs_not_modified(data):
    X, Y, _ = data
    Xs = sp.csr_matrix(X)
    X0, Y0, Xs0 = X.copy(), Y.copy(), Xs.copy()
    for Xin in (X, Xs):
        SparseReducedRankRegression(rank=2, alpha=0.1, penalty="adaptive_group_lasso").fit(Xin, Y)
    reduced_rank_alpha_max(X, Y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    assert (Xs != Xs0).nnz == 0


# ----------------------------------------------------------------------------- data and demo

def test_make_sparse_reduced_rank_regression():
    X, Y, coef = make_sparse_reduced_rank_regression(n_samples=4000, n_features=8, n_targets=5,
                                                     rank=2, n_informative=3, correlation=0.6,
                                                     snr=2.0, random_state=0)
    assert X.shape == (4000, 8) and Y.shape == (4000, 5) and coef.shape == (5, 8)
    assert np.flatnonzero(coef.any(axis=0)).tolist() == [0, 1, 2]
    assert np.linalg.matrix_rank(coef) == 2
    corr = np.corrcoef(X, rowvar=False)
    np.testing.assert_allclose(np.diag(corr, 1), 0.6, atol=0.05)
    np.testing.assert_allclose(np.diag(corr, 3), 0.6**3, atol=0.05)
    noise = Y - X @ coef.T
    snr = np.sqrt(np.mean((X @ coef.T) ** 2)) / noise.std()
    assert snr == pytest.approx(2.0, rel=0.05)
    again = make_sparse_reduced_rank_regression(n_samples=4000, n_features=8, n_targets=5, rank=2,
                                                n_informative=3, correlation=0.6, snr=2.0,
                                                random_state=0)
    np.testing.assert_array_equal(again[1], Y)


@pytest.mark.parametrize("kw, message", [({"rank": 11}, "rank"),
                                         ({"n_informative": 60}, "n_informative"),
                                         ({"correlation": 1.0}, "correlation"),
                                         ({"snr": 0}, "snr")])
def test_make_sparse_reduced_rank_regression_bad_input(kw, message):
    with pytest.raises(ValueError, match=message):
        make_sparse_reduced_rank_regression(**kw)

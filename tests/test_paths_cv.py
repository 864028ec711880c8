"""Regularization paths and the CV estimators, against independent fits of the base estimators."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from joblib import parallel_backend
from sklearn.metrics import accuracy_score
from sklearn.model_selection import KFold, StratifiedKFold

from sksparse_struct import (
    GroupGraphLasso,
    GroupGraphLassoCV,
    GroupGraphLogisticRegression,
    GroupGraphLogisticRegressionCV,
    SparseReducedRankRegression,
    SparseReducedRankRegressionCV,
    group_graph_alpha_max,
    group_graph_path,
    make_group_graph_regression,
    make_sparse_reduced_rank_regression,
)

TIGHT = {"tol": 1e-8, "max_iter": 50000}


def _regression(seed=0, sparse=False):
    X, y, coef, groups, graph = make_group_graph_regression(
        n_samples=90, n_features=24, n_groups=6, n_informative_groups=2, random_state=seed)
    return (sp.csr_matrix(X) if sparse else X), y, groups, graph


def _classification(seed=0, n_classes=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((120, 12))
    W = np.zeros((12, n_classes))
    W[:4] = rng.standard_normal((4, n_classes)) * 2
    y = np.argmax(X @ W + rng.gumbel(size=(120, n_classes)), axis=1)
    return X, y


@pytest.mark.parametrize("with_graph, sparse", [(True, False), (False, False), (True, True)])
def test_least_squares_path_equals_independent_fits(with_graph, sparse):
    X, y, groups, graph = _regression(1, sparse)
    kwargs = {"groups": groups, "graph": graph if with_graph else None, "graph_reg": 0.5}
    alphas, coefs, intercepts, records = group_graph_path(X, y, n_alphas=12, **kwargs, **TIGHT)
    assert coefs.shape == (24, 12) and intercepts.shape == (12,)
    exact = group_graph_alpha_max(X, y, **kwargs)
    if with_graph:  # a certified upper bound, below the alpha_max of the group term alone
        assert exact * (1 - 1e-9) <= alphas[0] <= group_graph_alpha_max(X, y, groups=groups)
    else:
        assert alphas[0] == pytest.approx(exact)
    assert np.all(coefs[:, 0] == 0)
    for i in (3, 7, 11):
        model = GroupGraphLasso(alphas[i], **kwargs, **TIGHT).fit(X, y)
        np.testing.assert_allclose(coefs[:, i], model.coef_, atol=1e-5)
        assert intercepts[i] == pytest.approx(model.intercept_, abs=1e-5)
        assert records[i]["objective"] == pytest.approx(model.convergence_["objective"],
                                                        rel=1e-7)
    assert all(r["converged"] for r in records)


def test_path_is_cheaper_than_independent_fits():
    X, y, groups, graph = _regression(2)
    kwargs = {"groups": groups, "graph": graph, "graph_reg": 0.5, "tol": 1e-6}
    alphas, _, _, records = group_graph_path(X, y, n_alphas=15, **kwargs)
    cold = sum(GroupGraphLasso(a, **kwargs).fit(X, y).n_iter_ for a in alphas[1:])
    assert sum(r["n_iter"] for r in records) < cold


def test_group_path_reuses_the_factorizations_of_recurring_working_sets(monkeypatch):
    """Along a group-lasso path the same working set recurs: its normal equations are
    factorized once, and the path is the same as when every restricted solve builds its own."""
    import sys

    working_set = sys.modules["sksparse_struct.solvers.working_set"]
    X, y, coef, groups, graph = make_group_graph_regression(
        n_samples=60, n_features=120, n_groups=12, n_informative_groups=3, random_state=4)
    built = []
    init = working_set.NormalEquations.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(working_set.NormalEquations, "__init__", counting_init)
    cached = group_graph_path(X, y, n_alphas=30, groups=groups)
    n_cached = len(built)
    solves = sum(r["n_iter"] > 0 for r in cached[3])
    built.clear()
    get = working_set.RestrictedSystems.get

    def get_without_reuse(self, *args):
        self._entries.clear()
        return get(self, *args)

    monkeypatch.setattr(working_set.RestrictedSystems, "get", get_without_reuse)
    fresh = group_graph_path(X, y, n_alphas=30, groups=groups)
    assert len(built) >= solves and n_cached < len(built) / 2
    np.testing.assert_array_equal(cached[1], fresh[1])
    assert [r["n_iter"] for r in cached[3]] == [r["n_iter"] for r in fresh[3]]


def test_restricted_systems_are_kept_by_working_set_most_recent_first():
    from sksparse_struct._losses import LeastSquares
    from sksparse_struct.solvers import RestrictedSystems

    X, y, *_ = make_group_graph_regression(n_samples=30, n_features=12, n_groups=4,
                                           n_informative_groups=1, random_state=0)
    loss = LeastSquares(X, y)
    cache = RestrictedSystems(maxsize=2)
    a, b, c = np.arange(3), np.arange(3, 6), np.arange(6, 9)
    first = cache.get(loss, a)
    np.testing.assert_array_equal(first[0].X, X[:, a])
    assert cache.get(loss, a.copy()) is first  # the same features: the same entry
    second = cache.get(loss, b)
    cache.get(loss, a)  # a is now the most recent
    cache.get(loss, c)  # evicts b, the least recent
    assert len(cache) == 2 and cache.get(loss, a) is first
    assert cache.get(loss, b) is not second and len(cache) == 2  # b was rebuilt
    # the columns and the factorization count towards the byte budget
    sub_loss, system = cache.get(loss, a)
    system.set_rho(1.0)
    assert cache.nbytes() >= sub_loss.X.nbytes + 2 * system._gram.nbytes + X[:, b].nbytes
    # a budget below one entry keeps only the most recent one, which is in use
    small = RestrictedSystems(maxsize=4, max_bytes=1)
    kept = small.get(loss, a)
    assert small.get(loss, b) is not kept and len(small) == 1
    assert small.get(loss, a) is not kept  # rebuilt: it had been evicted
    # another loss (other data) never gets the entries of the first one
    other = LeastSquares(2.0 * X, y)
    sub_other, _ = cache.get(other, a)
    np.testing.assert_array_equal(sub_other.X, 2.0 * X[:, a])
    assert len(cache) == 1


def test_path_scales_the_multipliers_by_the_ratio_of_alphas(monkeypatch):
    """With a graph term, the ADMM multipliers handed from one alpha to the next are scaled
    by the ratio of the alphas (they lie in the subdifferentials of alpha * h_k)."""
    import sys

    from sksparse_struct.linear_model._path import build_path_problem
    from sksparse_struct.linear_model._solve import LeastSquaresWarmStart, solve_least_squares

    solve = sys.modules["sksparse_struct.linear_model._solve"]
    X, y, groups, graph = _regression(3)
    _, problem = build_path_problem(X, y, None, "squared", groups=groups, graph=graph,
                                    group_weights=None, l1_reg=0.0, group_reg=1.0,
                                    graph_reg=0.5, fit_intercept=True)
    _, _, warm = solve_least_squares(problem, 0.2, tol=1e-6, max_iter=5000)
    starts = []
    admm = solve.admm

    def recording_admm(loss, blocks, *, state=None, **kwargs):
        starts.append(state)
        return admm(loss, blocks, state=state, **kwargs)

    monkeypatch.setattr(solve, "admm", recording_admm)
    solve_least_squares(problem, 0.1, warm=warm, tol=1e-6, max_iter=5000)
    assert warm.alpha == 0.2 and starts[-1] is not warm.state
    for scaled, u in zip(starts[-1].u, warm.state.u):
        np.testing.assert_allclose(scaled, 0.5 * u, rtol=1e-15)
    np.testing.assert_array_equal(starts[-1].x, warm.state.x)
    # an unknown alpha (an estimator's warm start) hands the state on as it is
    solve_least_squares(problem, 0.1, warm=LeastSquaresWarmStart(warm.state), tol=1e-6,
                        max_iter=5000)
    assert starts[-1] is warm.state


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_path_equals_independent_fits(n_classes):
    X, y = _classification(3, n_classes)
    kwargs = {"groups": np.arange(12) // 3, "graph": nx.path_graph(12), "graph_reg": 0.3}
    alphas, coefs, intercepts, records = group_graph_path(X, y, loss="logistic", n_alphas=6,
                                                          eps=0.05, **kwargs, **TIGHT)
    n_out = 1 if n_classes == 2 else n_classes
    assert coefs.shape == (n_out, 12, 6) and intercepts.shape == (n_out, 6)
    for i in (2, 5):
        model = GroupGraphLogisticRegression(alphas[i], **kwargs, **TIGHT).fit(X, y)
        np.testing.assert_allclose(coefs[:, :, i], model.coef_, atol=1e-4)


def test_lasso_cv_matches_manual_cross_validation():
    X, y, groups, graph = _regression(4)
    kwargs = {"groups": groups, "graph": graph, "graph_reg": 0.5}
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    cv = GroupGraphLassoCV(n_alphas=6, cv=folds, **kwargs, **TIGHT).fit(X, y)
    assert cv.mse_path_.shape == (6, 3)
    for i in (1, 4):
        for k, (train, test) in enumerate(folds):
            model = GroupGraphLasso(cv.alphas_[i], **kwargs, **TIGHT).fit(X[train], y[train])
            mse = np.mean((model.predict(X[test]) - y[test]) ** 2)
            assert cv.mse_path_[i, k] == pytest.approx(mse, rel=1e-5)
    assert cv.alpha_ == cv.alphas_[np.argmin(cv.mse_path_.mean(axis=1))]
    refit = GroupGraphLasso(cv.alpha_, **kwargs, **TIGHT).fit(X, y)
    np.testing.assert_allclose(cv.coef_, refit.coef_, atol=1e-7)
    np.testing.assert_allclose(cv.predict(X), refit.predict(X), atol=1e-6)


def test_lasso_cv_sample_weights_and_parallel_folds_agree():
    X, y, groups, _ = _regression(5)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, X.shape[0])
    serial = GroupGraphLassoCV(n_alphas=5, cv=3, groups=groups).fit(X, y, sample_weight=sw)
    with parallel_backend("threading"):
        parallel = GroupGraphLassoCV(n_alphas=5, cv=3, groups=groups, n_jobs=2).fit(
            X, y, sample_weight=sw)
    np.testing.assert_allclose(serial.mse_path_, parallel.mse_path_, rtol=1e-10)
    unweighted = GroupGraphLassoCV(n_alphas=5, cv=3, groups=groups).fit(X, y)
    assert not np.allclose(serial.mse_path_, unweighted.mse_path_)


def test_logistic_cv_matches_manual_cross_validation_and_reports_progress(capsys):
    X, y = _classification(6)
    labels = np.array(["a", "b", "c"])[y]
    kwargs = {"groups": np.arange(12) // 3}
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, labels))
    cv = GroupGraphLogisticRegressionCV(n_alphas=5, cv=folds, verbose=1, **kwargs,
                                        **TIGHT).fit(X, labels)
    assert "fold 3 done" in capsys.readouterr().out
    assert cv.scores_.shape == (3, 5)
    for i in (0, 3):
        for k, (train, test) in enumerate(folds):
            model = GroupGraphLogisticRegression(cv.alphas_[i], **kwargs, **TIGHT).fit(
                X[train], labels[train])
            assert cv.scores_[k, i] == pytest.approx(
                accuracy_score(labels[test], model.predict(X[test])))
    assert cv.alpha_ == cv.alphas_[np.argmax(cv.scores_.mean(axis=0))]
    np.testing.assert_array_equal(cv.classes_, ["a", "b", "c"])
    np.testing.assert_allclose(cv.predict_proba(X).sum(axis=1), 1.0)


def test_logistic_cv_custom_scoring():
    X, y = _classification(7, 2)
    cv = GroupGraphLogisticRegressionCV(n_alphas=4, cv=3, scoring="neg_log_loss").fit(X, y)
    assert np.all(cv.scores_ < 0)


def test_reduced_rank_sample_weight_equals_repeated_rows_and_zero_weight_drops_rows():
    X, Y, _ = make_sparse_reduced_rank_regression(n_samples=60, n_features=15, n_targets=8,
                                                  rank=2, n_informative=4, random_state=0)
    counts = np.random.default_rng(1).integers(0, 4, size=60)
    params = {"rank": 2, "alpha": 0.05, "tol": 1e-10, "max_iter": 2000}
    weighted = SparseReducedRankRegression(**params).fit(X, Y, sample_weight=counts)
    repeated = SparseReducedRankRegression(**params).fit(np.repeat(X, counts, axis=0),
                                                         np.repeat(Y, counts, axis=0))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-6)
    with pytest.raises(ValueError, match="[Nn]egative"):
        SparseReducedRankRegression().fit(X, Y, sample_weight=-np.ones(60))


def test_reduced_rank_cv_matches_manual_cross_validation():
    X, Y, _ = make_sparse_reduced_rank_regression(n_samples=80, n_features=20, n_targets=10,
                                                  rank=2, n_informative=5, random_state=2)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    cv = SparseReducedRankRegressionCV(ranks=[1, 2, 4], n_alphas=4, cv=folds).fit(X, Y)
    assert cv.mse_path_.shape == (3, 4, 3)
    assert cv.rank_ == 2
    r, i, (train, test) = 1, 2, folds[1]
    warm = SparseReducedRankRegression(rank=2, warm_start=True)
    for alpha in cv.alphas_[:i + 1]:  # the same warm-started sequence as the fold's path
        warm.set_params(alpha=alpha).fit(X[train], Y[train])
    mse = np.mean((warm.predict(X[test]) - Y[test]) ** 2)
    assert cv.mse_path_[r, i, 1] == pytest.approx(mse, rel=1e-8)
    best = SparseReducedRankRegression(rank=cv.rank_, alpha=cv.alpha_).fit(X, Y)
    np.testing.assert_allclose(cv.predict(X), best.predict(X), atol=1e-10)
    assert cv.transform(X).shape == (80, cv.rank_)


@pytest.mark.parametrize("est, kwargs, match", [
    (GroupGraphLassoCV, {"alphas": [-1.0, 0.1]}, "non-negative"),
    (GroupGraphLassoCV, {"graph": nx.path_graph(24), "graph_reg": 1.0}, "alphas explicitly"),
    (SparseReducedRankRegressionCV, {"ranks": [50]}, "ranks"),
    (SparseReducedRankRegressionCV, {"penalty": "lq"}, "alphas explicitly"),
])
def test_bad_parameters_are_named(est, kwargs, match):
    X, y, _, _ = _regression(8)
    Y = np.column_stack([y, -y]) if est is SparseReducedRankRegressionCV else y
    with pytest.raises(ValueError, match=match):
        est(cv=3, **kwargs).fit(X, Y)


@pytest.mark.parametrize("est", [GroupGraphLassoCV, GroupGraphLogisticRegressionCV,
                                 SparseReducedRankRegressionCV])
@pytest.mark.parametrize("zero_rows, part", [(slice(30, None), "training"),
                                             (slice(0, 30), "held-out")])
def test_a_fold_without_weighted_samples_is_named(est, zero_rows, part):
    # KFold(4) without shuffling holds out rows 0-29 in fold 1: zero weights on rows 30-119
    # leave its training part unweighted, zero weights on rows 0-29 its held-out part
    X, y = _classification(3, n_classes=2)
    if est is SparseReducedRankRegressionCV:
        y = np.column_stack([X[:, 0], X[:, 1] - X[:, 2]])
    elif est is GroupGraphLassoCV:
        y = X[:, 0] + X[:, 1]
    weight = np.ones(X.shape[0])
    weight[zero_rows] = 0.0
    X_before, weight_before = X.copy(), weight.copy()
    cv = list(KFold(4).split(X))
    with pytest.raises(ValueError, match=f"CV fold 1 has no {part} sample of positive"):
        est(cv=cv).fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(weight, weight_before)

"""GroupGraphLogisticRegression: against an independent cvxpy model, sklearn, and its certificates."""

import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksparse_struct import (
    GroupGraphLogisticRegression,
    GroupGraphLogisticRegressionCV,
    group_graph_logistic_alpha_max,
)
from sksparse_struct._losses import BinaryLogistic, MultinomialLogistic

from ._reference import cvxpy_group_graph_logistic, logistic_objective, random_structure

TIGHT = {"tol": 1e-9, "max_iter": 100000}


def _data(seed, n=80, p=10, n_classes=2, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) < 0.6] = 0.0
    W = np.zeros((p, n_classes))
    W[:3] = rng.standard_normal((3, n_classes)) * 2
    y = np.argmax(X @ W + rng.gumbel(size=(n, n_classes)), axis=1)
    return (sp.csr_matrix(X) if sparse else X), y, rng


def _unpack(model):
    """The fitted model as (W of shape (p, K'), b) in the reference's layout."""
    return model.coef_.T, model.intercept_


@pytest.mark.parametrize("seed, n_classes, terms, sparse, weighted", [
    (0, 2, "group", False, False),
    (1, 2, "group+graph+l1", False, True),
    (2, 3, "group", False, False),
    (3, 3, "group+graph", True, False),
    (4, 4, "l1+graph", False, True),
    (5, 2, "graph", True, True),
])
def test_matches_independent_cvxpy_model(seed, n_classes, terms, sparse, weighted):
    pytest.importorskip("cvxpy")
    X, y, rng = _data(seed, n_classes=n_classes, sparse=sparse)
    groups, edges = random_structure(X.shape[1], rng, n_groups=4, ungrouped=2, weighted=True)
    sw = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    params = {"l1_reg": 0.5 if "l1" in terms else 0.0,
              "group_reg": 1.0 if "group" in terms else 0.0,
              "graph_reg": 0.3 if "graph" in terms else 0.0}
    graph = nx.Graph()
    graph.add_nodes_from(range(X.shape[1]))
    graph.add_weighted_edges_from(edges)
    alpha = 0.02
    model = GroupGraphLogisticRegression(alpha, groups=groups, graph=graph, **params,
                                         **TIGHT).fit(X, y, sample_weight=sw)
    W_ref, b_ref, obj_ref = cvxpy_group_graph_logistic(
        X, y, alpha, groups=groups, edges=edges, sample_weight=sw, **params)
    W, b = _unpack(model)
    ours = logistic_objective(X, y, W, b, alpha, groups=groups, edges=edges, sample_weight=sw,
                              **params)
    assert ours <= obj_ref * (1 + 1e-6)
    assert model.convergence_["objective"] == pytest.approx(ours, rel=1e-10)
    # the same support as the reference, where the reference is clearly non-zero / zero
    ref_rows = np.abs(W_ref).max(axis=1)
    rows = np.abs(W).max(axis=1)
    assert np.all(rows[ref_rows > 1e-4] > 0)
    assert np.all(rows[ref_rows < 1e-8] == 0)
    # an unpenalized feature's multinomial coefficients are defined up to a shift across
    # classes (the softmax ignores it): compare the rows centred across classes
    centre = (lambda M: M - M.mean(axis=1, keepdims=True)) if n_classes > 2 else (lambda M: M)
    np.testing.assert_allclose(centre(W), centre(W_ref), atol=2e-4)


def test_binary_reduces_to_sklearn_l1_logistic_regression():
    X, y, _ = _data(6, n=120, p=8)
    C = 0.5
    ref = LogisticRegression(l1_ratio=1.0, C=C, solver="saga", tol=1e-12,
                             max_iter=200000).fit(X, y)
    ours = GroupGraphLogisticRegression(1.0 / (C * X.shape[0]), l1_reg=1.0, **TIGHT).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_array_equal(ours.coef_ == 0, np.abs(ref.coef_) < 1e-9)


def test_multinomial_reduces_to_sklearn_l1_logistic_regression():
    X, y, _ = _data(7, n=150, p=6, n_classes=3)
    C = 0.3
    ref = LogisticRegression(l1_ratio=1.0, C=C, solver="saga", tol=1e-12,
                             max_iter=200000).fit(X, y)
    ours = GroupGraphLogisticRegression(1.0 / (C * X.shape[0]), l1_reg=1.0, **TIGHT).fit(X, y)
    # the multinomial model is defined up to a shift of the intercepts (unpenalized)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)


def test_kkt_certificate_without_graph():
    X, y, rng = _data(8, n_classes=3)
    groups = [[0, 1, 2], [3, 4], [5, 6, 7]]
    model = GroupGraphLogisticRegression(0.03, groups=groups, l1_reg=0.2, **TIGHT).fit(X, y)
    loss = MultinomialLogistic(X, y, 3)
    theta = np.concatenate([model.coef_.T.ravel(), model.intercept_])
    grad = loss.gradient(theta)
    # intercept: stationary; coefficients: -grad in alpha * subdifferential of the penalty
    assert np.max(np.abs(grad[loss.n_coef:])) < 1e-7
    W_grad = grad[:loss.n_coef].reshape(-1, 3)
    for idx in groups:
        block, g = model.coef_.T[idx], W_grad[idx]
        lam = 0.03 * np.sqrt(len(idx))
        c = 0.03 * 0.2
        if np.any(block):
            expected = -(lam * block / np.linalg.norm(block) + c * np.sign(block))
            mask = block != 0
            assert np.max(np.abs(g[mask] - expected[mask])) < 1e-6
        else:
            soft = np.sign(-g) * np.maximum(np.abs(g) - c, 0.0)
            assert np.linalg.norm(soft) <= lam + 1e-7


@pytest.mark.parametrize("n_classes, with_graph", [(2, False), (3, False), (2, True), (3, True)])
def test_alpha_max_zeroes_the_coefficients(n_classes, with_graph):
    X, y, rng = _data(9, n_classes=n_classes)
    groups = np.arange(10) // 2
    graph = nx.path_graph(10) if with_graph else None
    kwargs = {"groups": groups, "graph": graph, "graph_reg": 0.5}
    amax = group_graph_logistic_alpha_max(X, y, **kwargs)
    above = GroupGraphLogisticRegression(amax * (1 + 1e-6), **kwargs, **TIGHT).fit(X, y)
    assert np.all(above.coef_ == 0)
    below = GroupGraphLogisticRegression(amax * 0.9, **kwargs, **TIGHT).fit(X, y)
    assert np.any(below.coef_ != 0)


def test_loss_gradients_match_finite_differences():
    X, y, rng = _data(10, n=30, p=5, n_classes=3)
    sw = rng.uniform(0.5, 2.0, 30)
    for loss in (BinaryLogistic(X, (y == 1).astype(int), sw), MultinomialLogistic(X, y, 3, sw)):
        theta = rng.standard_normal(loss.size)
        grad = loss.gradient(theta)
        eps = 1e-6
        fd = np.array([(loss.value(theta + eps * e) - loss.value(theta - eps * e)) / (2 * eps)
                       for e in np.eye(loss.size)])
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)
        # the Lipschitz bound holds along random directions
        for _ in range(5):
            d = rng.standard_normal(loss.size)
            assert np.linalg.norm(loss.gradient(theta + d) - grad) <= loss.lipschitz * \
                np.linalg.norm(d) * 1.05


def test_sparse_and_dense_agree_and_inputs_are_not_modified():
    X, y, _ = _data(11, n_classes=3, sparse=True)
    Xd = X.toarray()
    X_copy, y_copy = Xd.copy(), y.copy()
    kwargs = {"groups": np.arange(10) // 2, "graph": nx.path_graph(10), "graph_reg": 0.2}
    a = GroupGraphLogisticRegression(0.02, **kwargs, **TIGHT).fit(X, y)
    b = GroupGraphLogisticRegression(0.02, **kwargs, **TIGHT).fit(Xd, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
    np.testing.assert_array_equal(Xd, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_string_labels_probabilities_and_decision_function():
    X, y, _ = _data(12, n_classes=3)
    labels = np.array(["cat", "dog", "eel"])[y]
    model = GroupGraphLogisticRegression(0.01, groups=np.arange(10) // 2).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["cat", "dog", "eel"])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(proba, axis=1)])
    assert model.coef_.shape == (3, 10) and model.intercept_.shape == (3,)
    binary = GroupGraphLogisticRegression(0.01).fit(X, labels == "dog")
    assert binary.coef_.shape == (1, 10)
    scores = binary.decision_function(X)
    np.testing.assert_allclose(binary.predict_proba(X)[:, 1], 1 / (1 + np.exp(-scores)))


def test_sample_weight_equals_repeating_rows():
    X, y, rng = _data(13, n=40)
    counts = rng.integers(1, 4, size=40)
    kwargs = {"groups": np.arange(10) // 2, **TIGHT}
    weighted = GroupGraphLogisticRegression(0.02, **kwargs).fit(X, y, sample_weight=counts)
    repeated = GroupGraphLogisticRegression(0.02, **kwargs).fit(np.repeat(X, counts, axis=0),
                                                                np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-7)


def test_warm_start_and_convergence_warning():
    X, y, _ = _data(14, n_classes=3)
    model = GroupGraphLogisticRegression(0.02, groups=np.arange(10) // 2, warm_start=True,
                                         tol=1e-8, max_iter=100000).fit(X, y)
    cold_iter = model.n_iter_
    model.set_params(alpha=0.019).fit(X, y)
    fresh = GroupGraphLogisticRegression(0.019, groups=np.arange(10) // 2, tol=1e-8,
                                         max_iter=100000).fit(X, y)
    assert model.n_iter_ < fresh.n_iter_
    assert cold_iter > 0
    with pytest.warns(ConvergenceWarning, match="did not reach tol in 3 iterations"):
        GroupGraphLogisticRegression(0.001, max_iter=3).fit(X, y)


@pytest.mark.parametrize("y, match", [
    (np.linspace(0, 1, 80), "continuous"),
    (np.zeros(80), "1 class .* at least two classes"),
])
def test_bad_targets(y, match):
    X, _, _ = _data(15)
    with pytest.raises(ValueError, match=match):
        GroupGraphLogisticRegression().fit(X, y)


def test_bad_inputs_name_the_problem():
    X, y, _ = _data(16)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GroupGraphLogisticRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="[Nn]egative"):
        GroupGraphLogisticRegression().fit(X, y, sample_weight=-np.ones(80))
    with pytest.raises(ValueError, match="alpha"):
        GroupGraphLogisticRegression(alpha=-1.0).fit(X, y)


def test_pipeline_grid_search_and_cross_val_score():
    X, y, _ = _data(17, n=120, n_classes=3)
    pipe = make_pipeline(StandardScaler(), GroupGraphLogisticRegression(groups=np.arange(10) // 2))
    search = GridSearchCV(pipe, {"groupgraphlogisticregression__alpha": [0.005, 0.05]}, cv=3)
    search.fit(X, y)
    assert search.best_score_ > 0.5
    scores = cross_val_score(GroupGraphLogisticRegression(0.01), X, y, cv=3,
                             scoring="accuracy")
    assert np.all(np.isfinite(scores))


def test_cvxpy_solver_option_agrees():
    pytest.importorskip("cvxpy")
    X, y, _ = _data(18, n_classes=3)
    kwargs = {"groups": np.arange(10) // 2, "graph": nx.path_graph(10), "graph_reg": 0.3}
    ours = GroupGraphLogisticRegression(0.02, **kwargs, **TIGHT).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = GroupGraphLogisticRegression(0.02, solver="cvxpy", **kwargs).fit(X, y)
    assert ours.convergence_["objective"] <= ref.convergence_["objective"] * (1 + 1e-6)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-3)


@pytest.mark.parametrize("seed", range(4))
def test_default_tol_gives_the_support_of_a_tight_tol(seed):
    X, y, rng = _data(30 + seed, n_classes=2 + seed % 2)
    groups, edges = random_structure(X.shape[1], rng, n_groups=3, ungrouped=2, weighted=True)
    graph = nx.Graph()
    graph.add_nodes_from(range(X.shape[1]))
    graph.add_weighted_edges_from(edges)
    kwargs = {"groups": groups, "graph": graph, "graph_reg": 0.3 * (seed % 2), "l1_reg": 0.2}
    default = GroupGraphLogisticRegression(0.02, **kwargs).fit(X, y)
    tight = GroupGraphLogisticRegression(0.02, **kwargs, tol=1e-10, max_iter=200000).fit(X, y)
    # the supports agree, up to coefficients on the verge of zero (below 1e-3 of the largest)
    differ = (default.coef_ != 0) != (tight.coef_ != 0)
    largest = np.abs(tight.coef_).max()
    assert np.all(np.abs(default.coef_[differ]) <= 1e-3 * largest)
    assert np.all(np.abs(tight.coef_[differ]) <= 1e-3 * largest)


def test_column_name_groups_through_a_pipeline_need_pandas_output():
    pd = pytest.importorskip("pandas")
    X, y, _ = _data(40)
    names = [f"gene{j}" for j in range(X.shape[1])]
    df = pd.DataFrame(X, columns=names)
    groups = [names[:3], names[3:6]]
    graph = nx.Graph([(names[0], names[1])])
    pipe = make_pipeline(StandardScaler(), GroupGraphLogisticRegression(0.02, groups=groups,
                                                                        graph=graph))
    with pytest.raises(ValueError, match=r'set_output\(transform="pandas"\)'):
        pipe.fit(df, y)
    pipe.set_output(transform="pandas").fit(df, y)
    direct = GroupGraphLogisticRegression(0.02, groups=[[0, 1, 2], [3, 4, 5]],
                                          graph=nx.Graph([(0, 1)])).fit(
        StandardScaler().fit_transform(X), y)
    np.testing.assert_allclose(pipe[-1].coef_, direct.coef_, atol=1e-8)


@pytest.mark.parametrize("n_classes, fraction", [(3, 0.95), (2, 0.99), (3, 0.7)])
def test_near_alpha_max_with_a_graph_the_inexact_prox_does_not_stop_early(n_classes, fraction):
    """A step that the loose early prox made fail is retried more accurately, not taken for
    convergence (it stopped at iteration 1 with zero coefficients)."""
    pytest.importorskip("cvxpy")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 6))
    y = rng.integers(0, n_classes, 60)
    groups, edges = [[0, 1], [2, 3], [4, 5]], [(0, 1, 1.0), (2, 3, 1.0), (3, 4, 1.0)]
    kwargs = {"groups": groups, "graph": np.array([e[:2] for e in edges]), "l1_reg": 0.3}
    alpha = fraction * group_graph_logistic_alpha_max(X, y, **kwargs)
    model = GroupGraphLogisticRegression(alpha, **kwargs).fit(X, y)  # the default tol
    _, _, obj_ref = cvxpy_group_graph_logistic(X, y, alpha, groups=groups, edges=edges,
                                               l1_reg=0.3, group_reg=1.0, graph_reg=1.0)
    assert model.convergence_["converged"]
    assert model.convergence_["gradient_mapping"] <= model.convergence_["threshold"]
    assert model.convergence_["objective"] <= obj_ref * (1 + 1e-6)
    assert np.any(model.coef_ != 0)


def test_cv_log_loss_with_a_fold_that_misses_a_class():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(62, 5))
    y = np.r_[np.zeros(30), np.ones(30), [2, 2]].astype(int)
    X[y == 1] += 1.0
    cv = GroupGraphLogisticRegressionCV(n_alphas=3, cv=3, scoring="neg_log_loss",
                                        l1_reg=1.0).fit(X, y)
    assert np.all(np.isfinite(cv.scores_)) and np.all(cv.scores_ < 0)

import pickle
import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksparse_struct import GroupGraphLasso, group_graph_alpha_max, make_group_graph_regression

from ._reference import cvxpy_group_graph, group_graph_objective, random_structure

pytest.importorskip("cvxpy")

TIGHT = dict(tol=1e-9, max_iter=50000)


def _graph_of(edges, p):
    graph = nx.Graph()
    graph.add_nodes_from(range(p))
    graph.add_weighted_edges_from(edges)
    return graph


# one random problem per case: (n, p, fit_intercept, l1_reg, weighted edges,
# custom group weights, sample weights, sparse X, ungrouped features)
CASES = {
    "n<p": (30, 60, True, 0.0, False, False, False, False, 0),
    "n>p": (80, 24, True, 0.0, False, False, False, False, 0),
    "no-intercept": (40, 30, False, 0.0, False, False, False, False, 0),
    "l1": (40, 30, True, 0.5, False, False, False, False, 0),
    "weighted-edges": (40, 30, True, 0.0, True, False, False, False, 0),
    "group-weights": (40, 30, True, 0.0, False, True, False, False, 0),
    "sample-weights": (40, 30, True, 0.0, False, False, True, False, 0),
    "sparse-X": (50, 40, True, 0.3, True, False, True, True, 0),
    "sparse-X-n<p": (25, 60, True, 0.0, False, False, False, True, 0),
    "ungrouped+l1": (40, 30, True, 1.0, True, True, False, False, 6),
    "all-options": (35, 45, False, 0.7, True, True, True, True, 5),
}


def _random_problem(case, seed):
    n, p, intercept, l1, weighted, custom_gw, use_sw, sparse_x, ungrouped = CASES[case]
    rng = np.random.default_rng(seed)
    groups, edges = random_structure(p, rng, ungrouped=ungrouped, weighted=weighted)
    X = rng.standard_normal((n, p))
    if sparse_x:
        X[rng.random((n, p)) < 0.6] = 0.0
    w_true = np.zeros(p)
    for idx in groups[:2]:
        w_true[idx] = rng.choice([-2.0, 2.0])
    y = X @ w_true + 0.5 * rng.standard_normal(n) + 3.0
    params = dict(
        groups=groups, graph=_graph_of(edges, p), l1_reg=l1, group_reg=1.0, graph_reg=0.5,
        group_weights=rng.uniform(0.5, 3.0, len(groups)) if custom_gw else None,
        fit_intercept=intercept,
    )
    sw = rng.uniform(0.1, 3.0, n) if use_sw else None
    return (sp.csr_matrix(X) if sparse_x else X), y, sw, params, edges


def _check_against_cvxpy(case, seed, fraction):
    X, y, sw, params, edges = _random_problem(case, seed)
    alpha = fraction * group_graph_alpha_max(X, y, sample_weight=sw, **params)
    model = GroupGraphLasso(alpha, **params, **TIGHT).fit(X, y, sample_weight=sw)
    w_ref, b_ref = cvxpy_group_graph(
        X, y, alpha, groups=params["groups"], group_weights=params["group_weights"],
        edges=edges, l1_reg=params["l1_reg"], group_reg=1.0, graph_reg=0.5,
        sample_weight=sw, fit_intercept=params["fit_intercept"],
    )
    objective = dict(groups=params["groups"], group_weights=params["group_weights"], edges=edges,
                     l1_reg=params["l1_reg"], group_reg=1.0, graph_reg=0.5, sample_weight=sw)
    ours = group_graph_objective(X, y, model.coef_, model.intercept_, alpha, **objective)
    ref = group_graph_objective(X, y, w_ref, b_ref, alpha, **objective)
    assert ours <= ref * (1 + 1e-6), (ours, ref)
    assert abs(ours - ref) <= 1e-6 * abs(ref)
    # the package's own record of the objective is the same number
    np.testing.assert_allclose(model.convergence_["objective"], ours, rtol=1e-10)
    scale = np.max(np.abs(w_ref))
    ref_support = np.abs(w_ref) > 1e-5 * scale
    np.testing.assert_array_equal(model.coef_ != 0, ref_support)
    np.testing.assert_allclose(model.coef_, w_ref, atol=1e-4 * scale)
    if params["fit_intercept"]:
        assert abs(model.intercept_ - b_ref) <= 1e-4 * max(1.0, abs(b_ref))
    return model


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed, fraction", [(0, 0.3), (1, 0.1)])
def test_matches_cvxpy(case, seed, fraction):
    _check_against_cvxpy(case, seed, fraction)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed", range(2, 12))
def test_matches_cvxpy_many(case, seed):
    fraction = np.random.default_rng(seed).uniform(0.05, 0.8)
    _check_against_cvxpy(case, seed, fraction)


def test_kkt_certificate_at_solution():
    X, y, sw, params, _ = _random_problem("all-options", 3)
    alpha = 0.2 * group_graph_alpha_max(X, y, sample_weight=sw, **params)
    loose = GroupGraphLasso(alpha, **params, tol=1e-3).fit(X, y, sample_weight=sw)
    tight = GroupGraphLasso(alpha, **params, **TIGHT).fit(X, y, sample_weight=sw)
    gradient_scale = alpha  # the multipliers are of the order of the penalty weights
    assert tight.convergence_["converged"]
    assert tight.convergence_["kkt_violation"] < 1e-6 * gradient_scale
    assert loose.convergence_["kkt_violation"] > tight.convergence_["kkt_violation"]


def test_singleton_groups_without_graph_equal_lasso():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 20))
    y = X[:, :3] @ [1.0, -2.0, 1.5] + 0.3 * rng.standard_normal(60)
    ours = GroupGraphLasso(0.1, groups=np.arange(20), **TIGHT).fit(X, y)
    ref = Lasso(alpha=0.1, tol=1e-12, max_iter=100000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-7)
    # and the l1 term alone is the same problem
    l1 = GroupGraphLasso(0.1, l1_reg=1.0, **TIGHT).fit(X, y)
    np.testing.assert_allclose(l1.coef_, ref.coef_, atol=1e-7)
    np.testing.assert_array_equal(ours.coef_ != 0, ref.coef_ != 0)


@pytest.mark.parametrize(
    "structure",
    [
        dict(graph=None, l1_reg=0.0),
        dict(graph=None, l1_reg=0.7),
        dict(graph="g", l1_reg=0.0),
        dict(graph="g", l1_reg=0.5),
        dict(graph="g", l1_reg=1.0, groups=None),
    ],
    ids=["group", "sparse-group", "group+graph", "all", "l1+graph"],
)
def test_alpha_max_is_tight(structure):
    X, y, coef, groups, graph = make_group_graph_regression(40, 30, 6, 2, random_state=0)
    params = dict(groups=groups, graph=graph)
    params.update(structure)
    if params["graph"] == "g":
        params["graph"] = graph
    amax = group_graph_alpha_max(X, y, **params)
    assert np.isfinite(amax) and amax > 0
    above = GroupGraphLasso(amax * (1 + 1e-4), **params, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(above.coef_, 0.0)
    below = GroupGraphLasso(amax * 0.97, **params, **TIGHT).fit(X, y)
    assert np.any(below.coef_ != 0)
    far_above = GroupGraphLasso(10 * amax, **params).fit(X, y)
    np.testing.assert_array_equal(far_above.coef_, 0.0)
    np.testing.assert_allclose(far_above.intercept_, y.mean())


def test_alpha_max_infinite_for_graph_term_alone():
    X, y, _, _, graph = make_group_graph_regression(40, 20, 4, 1, random_state=1)
    assert group_graph_alpha_max(X, y, graph=graph) == np.inf


def test_dense_and_sparse_agree():
    X, y, sw, params, _ = _random_problem("sample-weights", 5)
    dense = GroupGraphLasso(0.05, **params, **TIGHT).fit(X, y, sample_weight=sw)
    sparse = GroupGraphLasso(0.05, **params, **TIGHT).fit(sp.csr_matrix(X), y, sample_weight=sw)
    csc = GroupGraphLasso(0.05, **params, **TIGHT).fit(sp.csc_matrix(X), y, sample_weight=sw)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
    np.testing.assert_allclose(csc.coef_, dense.coef_, atol=1e-7)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-7)
    np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), atol=1e-6)


def test_sample_weights_equal_repetition():
    rng = np.random.default_rng(2)
    X, y, _, groups, graph = make_group_graph_regression(30, 12, 3, 1, random_state=2)
    counts = rng.integers(1, 4, size=30)
    params = dict(groups=groups, graph=graph, graph_reg=0.3, **TIGHT)
    weighted = GroupGraphLasso(0.1, **params).fit(X, y, sample_weight=counts)
    repeated = GroupGraphLasso(0.1, **params).fit(np.repeat(X, counts, 0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)


def test_warm_start_takes_fewer_iterations():
    X, y, _, groups, graph = make_group_graph_regression(100, 200, 20, 3, random_state=0)
    amax = group_graph_alpha_max(X, y, groups=groups, graph=graph)
    params = dict(groups=groups, graph=graph, tol=1e-6)
    warm = GroupGraphLasso(0.1 * amax, warm_start=True, **params).fit(X, y)
    warm.set_params(alpha=0.09 * amax).fit(X, y)
    cold = GroupGraphLasso(0.09 * amax, **params).fit(X, y)
    assert warm.n_iter_ < cold.n_iter_
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-4)


def test_permuting_features_permutes_coef():
    X, y, sw, params, edges = _random_problem("weighted-edges", 7)
    p = X.shape[1]
    perm = np.random.default_rng(0).permutation(p)
    inv = np.argsort(perm)  # new index of old feature j is inv[j]
    permuted = dict(params)
    permuted["groups"] = [sorted(inv[g].tolist()) for g in params["groups"]]
    permuted["graph"] = _graph_of([(inv[j], inv[k], a) for j, k, a in edges], p)
    a = GroupGraphLasso(0.05, **params, **TIGHT).fit(X, y)
    b = GroupGraphLasso(0.05, **permuted, **TIGHT).fit(X[:, perm], y)
    np.testing.assert_allclose(b.coef_, a.coef_[perm], atol=1e-7)


def test_convergence_warning_when_max_iter_too_small():
    X, y, _, groups, graph = make_group_graph_regression(50, 40, 8, 2, random_state=0)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = GroupGraphLasso(0.05, groups=groups, graph=graph, max_iter=3).fit(X, y)
    assert model.n_iter_ == 3 and not model.convergence_["converged"]


def test_pipeline_gridsearch_clone_pickle():
    X, y, _, groups, graph = make_group_graph_regression(120, 30, 6, 2, random_state=0)
    pipe = make_pipeline(StandardScaler(), GroupGraphLasso(groups=groups, graph=graph))
    search = GridSearchCV(pipe, {"groupgraphlasso__alpha": [0.01, 0.1, 1.0],
                                 "groupgraphlasso__graph_reg": [0.0, 0.5]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["groupgraphlasso__alpha"] < 1.0
    assert search.best_score_ > 0.5
    model = search.best_estimator_[-1]
    clone_ = clone(model)
    assert not hasattr(clone_, "coef_")
    assert sorted(clone_.get_params()["graph"].edges) == sorted(graph.edges)
    restored = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(restored.predict(X), search.best_estimator_.predict(X))


def test_dataframe_with_named_graph_and_groups():
    pd = pytest.importorskip("pandas")
    X, y, _, groups, graph = make_group_graph_regression(60, 12, 3, 1, random_state=0)
    names = [f"gene{j}" for j in range(12)]
    df = pd.DataFrame(X, columns=names)
    named_graph = nx.relabel_nodes(graph, dict(enumerate(names)))
    named_groups = [[names[j] for j in np.flatnonzero(groups == g)] for g in range(3)]
    by_name = GroupGraphLasso(0.05, groups=named_groups, graph=named_graph, **TIGHT).fit(df, y)
    by_index = GroupGraphLasso(0.05, groups=groups, graph=graph, **TIGHT).fit(X, y)
    np.testing.assert_allclose(by_name.coef_, by_index.coef_, atol=1e-8)
    np.testing.assert_array_equal(by_name.feature_names_in_, names)


def test_cvxpy_solver_matches_admm():
    X, y, sw, params, _ = _random_problem("l1", 4)
    admm = GroupGraphLasso(0.05, **params, **TIGHT).fit(X, y, sample_weight=sw)
    ref = GroupGraphLasso(0.05, **params, solver="cvxpy").fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ref.coef_, admm.coef_, atol=1e-5)
    np.testing.assert_allclose(ref.convergence_["objective"], admm.convergence_["objective"],
                               rtol=1e-6)


def test_cvxpy_solver_without_cvxpy_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_cvxpy(name, *args, **kwargs):
        if name == "cvxpy" or name.startswith("cvxpy."):
            raise ImportError("No module named 'cvxpy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cvxpy)
    monkeypatch.delitem(__import__("sys").modules, "cvxpy", raising=False)
    X, y, _, groups, _ = make_group_graph_regression(20, 8, 2, 1, random_state=0)
    with pytest.raises(ImportError, match="pip install cvxpy"):
        GroupGraphLasso(0.1, groups=groups, solver="cvxpy").fit(X, y)


# ---------------------------------------------------------------------------
# bad input


@pytest.fixture
def data():
    X, y, _, groups, graph = make_group_graph_regression(30, 10, 2, 1, random_state=0)
    return X, y, groups, graph


@pytest.mark.parametrize(
    "mutate, error, match",
    [
        (lambda X, y: (np.where(np.eye(30, 10) > 0, np.nan, X), y), ValueError, "NaN"),
        (lambda X, y: (np.where(np.eye(30, 10) > 0, np.inf, X), y), ValueError, "infinity"),
        (lambda X, y: (X, np.r_[y[:-1], np.nan]), ValueError, "NaN"),
        (lambda X, y: (X, y[:-1]), ValueError, "inconsistent numbers of samples"),
    ],
    ids=["nan-X", "inf-X", "nan-y", "shape"],
)
def test_bad_data(data, mutate, error, match):
    X, y, groups, graph = data
    Xb, yb = mutate(X, y)
    with pytest.raises(error, match=match):
        GroupGraphLasso(groups=groups, graph=graph).fit(Xb, yb)


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(alpha=-1.0), ValueError, "'alpha' parameter"),
        (dict(groups=[0, 1, 2]), ValueError, "one label per feature"),
        (dict(groups=[[0, 1, 2], [2, 3]]), ValueError, "disjoint.*\\[2\\]"),
        (dict(groups=[[0, 1], []]), ValueError, "empty"),
        (dict(groups=[[0, 12]]), ValueError, "do not exist.*12"),
        (dict(groups=np.arange(10), group_weights=-np.ones(10)), ValueError, "non-negative"),
        (dict(groups=np.arange(10), group_weights=np.ones(3)), ValueError, "one weight per group"),
        (dict(graph=nx.path_graph(12)), ValueError, "do not exist.*10"),
        (dict(graph=nx.DiGraph([(0, 1)])), TypeError, "undirected"),
        (dict(graph=np.array([[0, 1, -2.0]])), ValueError, "non-negative"),
        (dict(graph=np.array([[0, 1, 2, 3]])), ValueError, "shape"),
        (dict(graph=np.array([[0, 1.5]])), ValueError, "integer"),
        (dict(graph=sp.csr_matrix(np.triu(np.ones((10, 10))))), ValueError, "symmetric"),
        (dict(graph=sp.identity(4)), ValueError, r"\(10, 10\)"),
        (dict(graph_reg=-1), ValueError, "'graph_reg' parameter"),
        (dict(solver="lbfgs"), ValueError, "'solver' parameter"),
        (dict(tol=0), ValueError, "'tol' parameter"),
    ],
)
def test_bad_parameters(data, params, error, match):
    X, y, _, _ = data
    with pytest.raises(error, match=match):
        GroupGraphLasso(**params).fit(X, y)


def test_negative_edge_weight_in_networkx_graph(data):
    X, y, _, _ = data
    graph = nx.Graph()
    graph.add_edge(0, 1, weight=-0.5)
    with pytest.raises(ValueError, match="non-negative"):
        GroupGraphLasso(graph=graph).fit(X, y)


def test_negative_sample_weight(data):
    X, y, groups, _ = data
    with pytest.raises(ValueError, match="[Nn]egative"):
        GroupGraphLasso(groups=groups).fit(X, y, sample_weight=-np.ones(30))


def test_inputs_are_not_modified(data):
    X, y, groups, graph = data
    Xs = sp.csr_matrix(X)
    sw = np.linspace(0.5, 2, 30)
    copies = [a.copy() for a in (X, y, groups, sw)] + [Xs.copy()]
    edges_before = sorted(graph.edges(data=True))
    GroupGraphLasso(0.1, groups=groups, graph=graph, l1_reg=0.2).fit(X, y, sample_weight=sw)
    GroupGraphLasso(0.1, groups=groups, graph=graph).fit(Xs, y, sample_weight=sw)
    for before, after in zip(copies[:4], (X, y, groups, sw)):
        np.testing.assert_array_equal(before, after)
    assert (copies[4] != Xs).nnz == 0
    assert sorted(graph.edges(data=True)) == edges_before


@pytest.mark.parametrize("n, p", [(300, 400), (300, 100)], ids=["n<p", "n>p"])
@pytest.mark.parametrize("use_graph", [False, True], ids=["groups", "groups+graph"])
def test_fit_does_not_densify_sparse_X(monkeypatch, n, p, use_graph):
    X, y, _, groups, graph = make_group_graph_regression(n, p, 6, 1, random_state=0)
    Xs = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0))
    for cls in (sp.csr_matrix, sp.csc_matrix, sp.coo_matrix):
        original = cls.toarray

        def guarded(self, *args, _original=original, **kwargs):
            # products such as the n x n kernel may be densified, X itself not
            if self.shape in ((n, p), (p, n)):
                raise AssertionError("sparse X was densified")
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "toarray", guarded)
    model = GroupGraphLasso(0.1, groups=groups, graph=graph if use_graph else None).fit(Xs, y)
    assert model.convergence_["converged"]


def test_verbose_prints_progress(capsys):
    X, y, _, groups, graph = make_group_graph_regression(30, 10, 2, 1, random_state=0)
    GroupGraphLasso(0.1, groups=groups, graph=graph, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "[ADMM] iter" in out and "objective" in out


def test_no_warning_on_default_fit():
    X, y, _, groups, graph = make_group_graph_regression(200, 100, 10, 2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GroupGraphLasso(0.05, groups=groups, graph=graph).fit(X, y)


def _cvxpy_alpha_max(X, y, groups, edges, l1_reg, graph_reg):
    """alpha_max from its definition: the smallest t with g in t * subdifferential(0)."""
    import cvxpy as cp

    Xc, yc = X - X.mean(axis=0), y - y.mean()
    g = Xc.T @ yc / X.shape[0]
    p, m = X.shape[1], len(edges)
    D = np.zeros((m, p))
    for e, (j, k, _) in enumerate(edges):
        D[e, j], D[e, k] = 1.0, -1.0
    a = np.array([w for _, _, w in edges])
    t, v, s = cp.Variable(), cp.Variable(m), cp.Variable(p)  # s: the l1 part of the subgradient
    constraints = [cp.abs(v) <= t * graph_reg * a, cp.abs(s) <= t * l1_reg]
    r = g - D.T @ v - s
    grouped = np.zeros(p, dtype=bool)
    for idx in groups:
        constraints.append(cp.norm(r[idx], 2) <= t * np.sqrt(len(idx)))
        grouped[idx] = True
    if np.any(~grouped):
        constraints.append(r[np.flatnonzero(~grouped)] == 0)
    cp.Problem(cp.Minimize(t), constraints).solve(solver=cp.CLARABEL)
    return t.value


@pytest.mark.parametrize("with_groups", [False, True], ids=["l1+graph", "group+l1+graph"])
@pytest.mark.parametrize("seed", range(3))
def test_alpha_max_matches_its_definition(with_groups, seed):
    rng = np.random.default_rng(seed)
    groups, edges = random_structure(30, rng, weighted=True)
    X = rng.standard_normal((40, 30))
    y = X[:, :5].sum(axis=1) + rng.standard_normal(40)
    params = dict(graph=_graph_of(edges, 30), l1_reg=0.5, graph_reg=0.7)
    if with_groups:
        params["groups"] = groups
    ours = group_graph_alpha_max(X, y, **params)
    ref = _cvxpy_alpha_max(X, y, groups if with_groups else [], edges, 0.5, 0.7)
    # exact without groups (a linear program); a certified upper bound with them
    assert ref * (1 - 1e-6) <= ours <= ref * (1 + (1e-3 if with_groups else 1e-6))


@pytest.mark.parametrize("l1, use_sw, sparse_x, intercept", [
    (0.0, False, False, True), (0.4, True, False, True), (0.0, True, True, False),
    (0.7, False, True, True),
], ids=["group", "sparse-group+weights", "sparse-X-no-intercept", "sparse-group+sparse-X"])
@pytest.mark.parametrize("fraction", [0.3, 0.05])
def test_matches_cvxpy_without_graph(l1, use_sw, sparse_x, intercept, fraction):
    """The separable case runs ADMM on working sets of groups."""
    rng = np.random.default_rng(int(fraction * 100) + int(10 * l1))
    n, p = 40, 90
    # ungrouped features only with l1: unpenalized ones would make alpha_max infinite
    groups, _ = random_structure(p, rng, n_groups=30, ungrouped=6 if l1 else 0)
    X = rng.standard_normal((n, p))
    if sparse_x:
        X[rng.random((n, p)) < 0.5] = 0.0
    w_true = np.zeros(p)
    w_true[groups[0]] = 2.0
    y = X @ w_true + rng.standard_normal(n)
    sw = rng.uniform(0.2, 2.0, n) if use_sw else None
    Xf = sp.csr_matrix(X) if sparse_x else X
    params = dict(groups=groups, l1_reg=l1, fit_intercept=intercept)
    alpha = fraction * group_graph_alpha_max(Xf, y, sample_weight=sw, **params)
    model = GroupGraphLasso(alpha, **params, **TIGHT).fit(Xf, y, sample_weight=sw)
    w_ref, b_ref = cvxpy_group_graph(X, y, alpha, groups=groups, l1_reg=l1, group_reg=1.0,
                                     sample_weight=sw, fit_intercept=intercept)
    objective = dict(groups=groups, l1_reg=l1, group_reg=1.0, sample_weight=sw)
    ours = group_graph_objective(X, y, model.coef_, model.intercept_, alpha, **objective)
    ref = group_graph_objective(X, y, w_ref, b_ref, alpha, **objective)
    assert abs(ours - ref) <= 1e-6 * abs(ref)
    np.testing.assert_array_equal(model.coef_ != 0, np.abs(w_ref) > 1e-5 * np.abs(w_ref).max())
    assert model.convergence_["kkt_violation"] < 1e-6 * alpha

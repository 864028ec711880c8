"""Property-based tests: valid problems of every structure give finite, certified solutions
no worse than an independent reference, without touching their inputs; malformed input
gives a ValueError or TypeError that names the offending parameter.

The default suite draws a fixed set of examples (derandomized, so CI is reproducible);
``pytest -m slow`` draws many more, at random.
"""

import copy
import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import MultiTaskLasso

from sksparse_struct import GroupGraphLasso, SparseReducedRankRegression, group_graph_alpha_max

from ._reference import cvxpy_group_graph, group_graph_objective

PROFILES = [
    pytest.param(dict(max_examples=30, derandomize=True), id="default"),
    pytest.param(dict(max_examples=1000), id="many", marks=pytest.mark.slow),
]
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

# Tolerances the tests hold the estimators to (the fits use tol=1e-8 / 1e-10), relative to
# the gradient at zero (certificates) or to the larger of the reference objective and the
# objective at zero. SparseReducedRankRegression's B_ is optimal for the A of the previous
# iteration, not exactly for A_: its stationarity at A_ gets a looser bound.
CERTIFICATE_RTOL = 1e-5
STATIONARITY_RTOL = 1e-4
OBJECTIVE_RTOL = 1e-6


def _run(profile, strategy, check):
    settings(deadline=None, suppress_health_check=_HEALTH, **profile)(given(strategy)(check))()


def _frozen(value):
    """A deep copy to compare against after a fit (graphs and sparse matrices included)."""
    return copy.deepcopy(value)


def _same(a, b):
    if sp.issparse(a):
        return sp.issparse(b) and a.shape == b.shape and (a != b).nnz == 0
    if isinstance(a, nx.Graph):
        return nx.utils.graphs_equal(a, b)
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


# ----------------------------------------------------------------------------- group + graph

def _draw_design(draw, n, p):
    """A random generator and a dense (n, p) design of a drawn scale, half zeros or not."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, p)) * draw(st.sampled_from([1.0, 1e-3, 1e3]))
    if draw(st.booleans()):
        X[rng.random((n, p)) < 0.5] = 0.0
    return rng, X


@st.composite
def group_graph_problems(draw):
    """A valid GroupGraphLasso problem, with its structure also in raw form for the reference."""
    n, p = draw(st.integers(6, 30)), draw(st.integers(1, 10))
    rng, X = _draw_design(draw, n, p)
    y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.5)) + 0.5 * rng.standard_normal(n)
    if draw(st.booleans()):
        y = y * 1e3
    raw_groups, groups, group_weights = [], None, None
    group_kind = draw(st.sampled_from(["none", "labels", "names", "lists"]))
    if group_kind in ("labels", "names"):
        labels = rng.integers(0, max(1, p // 2) + 1, p)
        uniq = np.unique(labels)
        raw_groups = [np.flatnonzero(labels == g).tolist() for g in uniq]
        groups = np.array([f"g{v}" for v in labels]) if group_kind == "names" else labels
    elif group_kind == "lists":  # some features left ungrouped
        perm = rng.permutation(p)[: draw(st.integers(1, p))]
        cuts = np.sort(rng.choice(np.arange(1, perm.size), size=min(perm.size - 1, 2),
                                  replace=False)) if perm.size > 1 else []
        raw_groups = [sorted(g.tolist()) for g in np.split(perm, cuts)]
        groups = [list(g) for g in raw_groups]
    if raw_groups and draw(st.booleans()):  # weights, some of them zero
        group_weights = rng.uniform(0.0, 2.0, len(raw_groups))
        group_weights[rng.random(len(raw_groups)) < 0.3] = 0.0
    pairs = [(j, k) for j in range(p) for k in range(j + 1, p)]
    chosen = [pairs[i] for i in np.flatnonzero(rng.random(len(pairs)) < 0.3)]
    weights = (rng.uniform(0.0, 2.0, len(chosen)) if draw(st.booleans())
               else np.ones(len(chosen)))
    edges = [(j, k, float(a)) for (j, k), a in zip(chosen, weights)]
    graph_kind = draw(st.sampled_from(["none", "networkx", "sparse", "edges"]))
    graph = None
    if graph_kind == "networkx":
        graph = nx.Graph()
        graph.add_nodes_from(range(p))  # isolated nodes included
        graph.add_weighted_edges_from(edges)
    elif graph_kind == "sparse":
        graph = sp.csr_matrix((weights, ([j for j, _ in chosen], [k for _, k in chosen])),
                              shape=(p, p))
        graph = (graph + graph.T).tocsr()
        edges = [(j, k, a) for j, k, a in edges if a != 0]  # a zero entry is no edge
    elif graph_kind == "edges" and (len(edges), 3) != (p, p):
        graph = np.array([[j, k, a] for j, k, a in edges]).reshape(-1, 3)
    if graph is None:
        edges = []
    sample_weight = None
    if draw(st.booleans()):
        sample_weight = rng.uniform(0.0, 3.0, n)
        sample_weight[rng.random(n) < 0.2] = 0.0
        sample_weight[:2] = 1.0  # two samples with weight: the centred loss is not void
    if draw(st.booleans()):
        X = (sp.csr_matrix if draw(st.booleans()) else sp.csc_matrix)(X)
    regs = dict(l1_reg=draw(st.sampled_from([0.0, 0.3, 1.0])),
                group_reg=draw(st.sampled_from([0.0, 1.0])) if raw_groups else 1.0,
                graph_reg=draw(st.sampled_from([0.0, 0.5, 2.0])) if edges else 1.0)
    return dict(X=X, y=y, sample_weight=sample_weight, groups=groups, graph=graph,
                group_weights=group_weights, fit_intercept=draw(st.booleans()),
                fraction=draw(st.sampled_from([1e-3, 0.05, 0.3, 0.9, 1.0 + 1e-6, 2.0])),
                raw_groups=raw_groups, edges=edges, **regs)


def _check_group_graph(problem):
    X, y, sw = problem["X"], problem["y"], problem["sample_weight"]
    structure = {k: problem[k] for k in ("groups", "graph", "group_weights", "l1_reg",
                                         "group_reg", "graph_reg", "fit_intercept")}
    before = {k: _frozen(v) for k, v in [("X", X), ("y", y), ("sample_weight", sw),
                                          ("groups", problem["groups"]),
                                          ("graph", problem["graph"]),
                                          ("group_weights", problem["group_weights"])]}
    Xd = X.toarray() if sp.issparse(X) else X
    s = np.ones(len(y)) if sw is None else sw * len(y) / sw.sum()
    ym = s @ y / s.sum() if problem["fit_intercept"] else 0.0
    xm = s @ Xd / s.sum() if problem["fit_intercept"] else 0.0
    scale = float(np.max(np.abs((Xd - xm).T @ (s * (y - ym))) / len(y), initial=0.0))
    amax = group_graph_alpha_max(X, y, sample_weight=sw, **structure)
    alpha = problem["fraction"] * (amax if np.isfinite(amax) else scale)
    model = GroupGraphLasso(alpha, tol=1e-8, max_iter=20000, **structure)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, sample_weight=sw)
    for name, value in before.items():
        assert _same(value, {"X": X, "y": y, "sample_weight": sw, "groups": problem["groups"],
                             "graph": problem["graph"],
                             "group_weights": problem["group_weights"]}[name]), name
    if not model.convergence_["converged"]:
        return
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    assert model.convergence_["kkt_violation"] <= CERTIFICATE_RTOL * max(scale, 1e-300)
    if np.isfinite(amax) and alpha >= amax:
        assert not model.coef_.any()
    reference = dict(groups=problem["raw_groups"], group_weights=problem["group_weights"],
                     edges=problem["edges"], l1_reg=problem["l1_reg"],
                     group_reg=problem["group_reg"] if problem["raw_groups"] else 0.0,
                     graph_reg=problem["graph_reg"] if problem["edges"] else 0.0,
                     sample_weight=sw)
    ours = group_graph_objective(Xd, y, model.coef_, model.intercept_, alpha, **reference)
    try:
        w, b = cvxpy_group_graph(Xd, y, alpha, fit_intercept=problem["fit_intercept"],
                                 **reference)
    except Exception:  # the reference solver failed: nothing to compare with
        return
    if w is None or not np.all(np.isfinite(w)):
        return
    theirs = group_graph_objective(Xd, y, w, b, alpha, **reference)
    zero = group_graph_objective(Xd, y, np.zeros(Xd.shape[1]), ym, alpha, **reference)
    assert ours <= theirs + OBJECTIVE_RTOL * max(abs(theirs), abs(zero))


@pytest.mark.parametrize("profile", PROFILES)
def test_group_graph_lasso_on_valid_problems(profile):
    _run(profile, group_graph_problems(), _check_group_graph)


# ----------------------------------------------------------------------------- reduced rank

ALL_PENALTIES = ["group_lasso", "adaptive_group_lasso", "mcp", "scad", "log", "lq"]


@st.composite
def reduced_rank_problems(draw):
    n, p, q = draw(st.integers(8, 30)), draw(st.integers(1, 8)), draw(st.integers(1, 4))
    rng, X = _draw_design(draw, n, p)
    C = rng.standard_normal((p, q)) * (rng.random((p, 1)) < 0.5)
    Y = X @ C + 0.5 * rng.standard_normal((n, q))
    if q == 1 and draw(st.booleans()):
        Y = Y[:, 0]
    penalty = draw(st.sampled_from(ALL_PENALTIES))
    params = dict(rank=draw(st.integers(1, min(p, q))), penalty=penalty,
                  fit_intercept=draw(st.booleans()))
    if penalty in ("mcp", "scad"):
        params["gamma"] = draw(st.sampled_from([None, 2.5, 6.0]))
    if penalty == "log":
        params["epsilon"] = draw(st.sampled_from([0.1, 1.0]))
    if penalty == "lq":
        params["q"] = draw(st.sampled_from([0.3, 0.5, 0.8]))
    if draw(st.booleans()):
        X = sp.csr_matrix(X)
    return dict(X=X, Y=Y, params=params,
                fraction=draw(st.sampled_from([0.0, 0.01, 0.1, 0.5, 1.0 + 1e-6])))


def _derivative(model, t):
    """P'(t) of the penalty, written from the docstring's table (t > 0)."""
    a, pen = model.alpha, model.penalty
    if pen == "mcp":
        return np.maximum(a - t / (model.gamma or 3.0), 0.0)
    if pen == "scad":
        g = model.gamma or 3.7
        return np.where(t <= a, a, np.maximum(g * a - t, 0.0) / (g - 1))
    if pen == "log":
        return a / (model.epsilon + t)
    if pen == "lq":
        return a * model.q * t ** (model.q - 1)
    return np.full_like(t, a)


def _check_reduced_rank(problem):
    X, Y, params = problem["X"], problem["Y"], problem["params"]
    before = (_frozen(X), Y.copy())
    Xd = X.toarray() if sp.issparse(X) else X
    Y2 = Y.reshape(len(Y), -1)
    Xc = Xd - Xd.mean(axis=0) if params["fit_intercept"] else Xd
    Yc = Y2 - Y2.mean(axis=0) if params["fit_intercept"] else Y2
    n = len(Y)
    scale = float(np.max(np.linalg.norm(Xc.T @ Yc, axis=1) / n, initial=0.0))
    alpha = problem["fraction"] * scale
    if params["penalty"] == "log":
        alpha *= params["epsilon"]
    model = SparseReducedRankRegression(alpha=alpha, tol=1e-10, max_iter=2000, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, Y)
    assert _same(before[0], X) and np.array_equal(before[1], Y)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return
    B, A = model.B_, model.A_
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
    np.testing.assert_allclose(A.T @ A, np.eye(model.rank), atol=1e-8)
    assert np.all(np.diff(model.objective_path_) <= 1e-12 * abs(model.objective_path_[0]))
    if params["penalty"] == "adaptive_group_lasso":
        return  # weights from the reduced-rank fit: no independent certificate here
    # stationarity of the B-subproblem at A_ (numpy, from the objective's definition)
    grad = Xc.T @ (Xc @ B - Yc @ A) / n
    norms = np.linalg.norm(B, axis=1)
    on = norms > 0
    resid = grad[on] + _derivative(model, norms[on])[:, None] * B[on] / norms[on, None]
    slack = STATIONARITY_RTOL * max(scale, 1e-300)
    assert np.all(np.abs(resid) <= slack)
    if params["penalty"] != "lq" and alpha > 0:  # lq: P'(0+) is infinite
        slope0 = alpha / params.get("epsilon", 1.0) if params["penalty"] == "log" else alpha
        assert np.all(np.linalg.norm(grad[~on], axis=1) <= slope0 * (1 + 1e-6) + slack)
    if alpha > 0 and problem["fraction"] > 1 and params["penalty"] not in ("lq", "log"):
        assert not model.support_.any()
    if params["penalty"] == "group_lasso" and model.rank == Y2.shape[1] and alpha > 0:
        # the full-rank group lasso is sklearn's MultiTaskLasso (an independent solver)
        ref = MultiTaskLasso(alpha=alpha, fit_intercept=params["fit_intercept"], tol=1e-12,
                             max_iter=100000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ref.fit(Xd, Y2)

        def objective(coef, intercept):
            R = Y2 - Xd @ coef.T - intercept
            return (R**2).sum() / (2 * n) + alpha * np.linalg.norm(coef, axis=0).sum()

        coef = model.coef_.reshape(Y2.shape[1], -1)
        ours = objective(coef, model.intercept_)
        theirs = objective(ref.coef_, ref.intercept_)
        assert ours <= theirs + OBJECTIVE_RTOL * max(abs(theirs), (Yc**2).sum() / (2 * n))


@pytest.mark.parametrize("profile", PROFILES)
def test_reduced_rank_on_valid_problems(profile):
    _run(profile, reduced_rank_problems(), _check_reduced_rank)


# ----------------------------------------------------------------------------- malformed

def _corruptions(p):
    """``(parameter, fit keyword changes)``: one malformed input each."""
    return [
        ("groups", dict(groups=list(range(p - 1)))),
        ("groups", dict(groups=[0, None] + [1] * (p - 2))),
        ("groups", dict(groups=[[0, 1]] + list(range(2, p)))),
        ("groups", dict(groups=np.zeros((p, 1), dtype=int))),
        ("groups", dict(groups=[[0, 1], [1, 2]])),
        ("groups", dict(groups=[[0, p + 3]])),
        ("groups", dict(groups=[[0], []])),
        ("groups", dict(groups=[0.0, np.nan] + [1.0] * (p - 2))),
        ("group_weights", dict(groups=[0] * p, group_weights=[1.0, 2.0])),
        ("group_weights", dict(groups=[0] * p, group_weights=[-1.0])),
        ("group_weights", dict(group_weights=[1.0])),
        ("graph", dict(graph=nx.Graph([(0, p + 5)]))),
        ("graph", dict(graph=nx.Graph([(0, 1, {"weight": -1.0})]))),
        ("graph", dict(graph=nx.Graph([(0, 1, {"weight": np.nan})]))),
        ("graph", dict(graph=nx.DiGraph([(0, 1)]))),
        ("graph", dict(graph=np.ones((p, p)))),
        ("graph", dict(graph=np.array([[0, 1, 1, 1]]))),
        ("graph", dict(graph=sp.identity(p + 1, format="csr"))),
        ("graph", dict(graph="path")),
        ("sample_weight", dict(sample_weight="negative")),
        ("sample_weight", dict(sample_weight="zeros")),
        ("sample_weight", dict(sample_weight="short")),
        ("alpha", dict(alpha=-1.0)),
        ("l1_reg", dict(l1_reg=-0.5)),
        ("y", dict(y="strings")),
        ("X", dict(X="nan")),
        ("X", dict(X="huge")),
        ("y", dict(y="huge")),
    ]


@st.composite
def malformed_group_graph_inputs(draw):
    n, p = draw(st.integers(5, 15)), draw(st.integers(4, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
    name, change = draw(st.sampled_from(_corruptions(p)))
    fit = dict(X=X, y=y, sample_weight=None)
    params = {}
    for key, value in change.items():
        if key == "sample_weight":
            fit[key] = {"negative": -np.ones(n), "zeros": np.zeros(n),
                        "short": np.ones(n - 1)}[value]
        elif key == "X":
            bad = X.copy()
            bad[0, 0] = np.nan if value == "nan" else 1e200
            fit[key] = bad
        elif key == "y":
            fit[key] = np.array(["a"] * n) if value == "strings" else y * 1e200
        else:
            params[key] = value
    return name, params, fit


def _check_malformed_group_graph(case):
    name, params, fit = case
    model = GroupGraphLasso(**{"alpha": 0.1, **params})
    with pytest.raises((ValueError, TypeError)) as info:
        model.fit(fit["X"], fit["y"], sample_weight=fit["sample_weight"])
    assert name in str(info.value), (name, str(info.value))


@pytest.mark.parametrize("profile", PROFILES)
def test_group_graph_lasso_malformed_input_names_the_parameter(profile):
    _run(profile, malformed_group_graph_inputs(), _check_malformed_group_graph)


@st.composite
def malformed_reduced_rank_inputs(draw):
    n, p, q = draw(st.integers(5, 15)), draw(st.integers(2, 6)), draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X, Y = rng.standard_normal((n, p)), rng.standard_normal((n, q))
    name, params, data = draw(st.sampled_from([
        ("rank", dict(rank=min(p, q) + 1), None),
        ("rank", dict(rank=0), None),
        ("alpha", dict(alpha=-1.0), None),
        ("penalty", dict(penalty="l0"), None),
        ("gamma", dict(penalty="mcp", gamma=0.5), None),
        ("gamma", dict(penalty="scad", gamma=1.5), None),
        ("q", dict(penalty="lq", q=1.5), None),
        ("epsilon", dict(penalty="log", epsilon=0.0), None),
        ("y", {}, "strings"),
        ("X", {}, "nan"),
        ("X", {}, "huge"),
    ]))
    if data == "strings":
        Y = np.array([["a"] * q] * n)
    elif data is not None:
        X = X.copy()
        X[0, 0] = np.nan if data == "nan" else 1e200
    return name, params, X, Y


def _check_malformed_reduced_rank(case):
    name, params, X, Y = case
    with pytest.raises((ValueError, TypeError)) as info:
        SparseReducedRankRegression(**params).fit(X, Y)
    assert name in str(info.value), (name, str(info.value))


@pytest.mark.parametrize("profile", PROFILES)
def test_reduced_rank_malformed_input_names_the_parameter(profile):
    _run(profile, malformed_reduced_rank_inputs(), _check_malformed_reduced_rank)

"""``tol`` is an optimality certificate: checked at the returned solutions, computed here from X and y."""

import warnings

import networkx as nx
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sksparse_struct import (GroupGraphLasso, SparseReducedRankRegression, group_graph_alpha_max,
                             make_sparse_reduced_rank_regression, reduced_rank_alpha_max)

from ._reference import random_structure

SHAPES = [(40, 100), (120, 30)]


def _problem(seed, shape, *, graph):
    rng = np.random.default_rng(seed)
    n, p = shape
    X = rng.standard_normal((n, p))
    groups, edges = random_structure(p, rng, n_groups=p // 5, weighted=True, edge_prob=0.05)
    w = np.zeros(p)
    w[groups[0]] = 1.5
    y = X @ w + rng.standard_normal(n) + 2.0
    params = dict(groups=groups, graph=None, group_reg=1.0)
    if graph:
        g = nx.Graph()
        g.add_nodes_from(range(p))
        g.add_weighted_edges_from(edges)
        params.update(graph=g, graph_reg=0.3, l1_reg=0.5)
    return X, y, params


def _gradient_and_scale(X, y, coef):
    """Gradient of (1/2n)||y_c - X_c w||^2 at coef, and its max norm at w = 0."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = X.shape[0]
    return -Xc.T @ (yc - Xc @ coef) / n, np.abs(Xc.T @ yc).max() / n


def _group_certificate(groups, alpha, grad, coef):
    """Largest distance of -grad to the subdifferential of alpha * sum_g sqrt|g| ||w_g||."""
    worst = 0.0
    for g in groups:
        weight = alpha * np.sqrt(len(g))
        norm = np.linalg.norm(coef[g])
        if norm == 0:
            worst = max(worst, np.linalg.norm(grad[g]) - weight)
        else:
            worst = max(worst, np.linalg.norm(grad[g] + weight * coef[g] / norm))
    return worst


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("fraction", [0.5, 0.1])
def test_group_lasso_certificate_at_most_tol_times_the_gradient_at_zero(seed, shape, fraction):
    X, y, params = _problem(seed, shape, graph=False)
    alpha = fraction * group_graph_alpha_max(X, y, **params)
    previous = np.inf
    for tol in (1e-3, 1e-5, 1e-7):
        model = GroupGraphLasso(alpha, tol=tol, max_iter=100000, **params).fit(X, y)
        grad, scale = _gradient_and_scale(X, y, model.coef_)
        certificate = _group_certificate(params["groups"], alpha, grad, model.coef_)
        assert model.convergence_["converged"]
        assert certificate <= tol * scale * (1 + 1e-9) + 1e-14 * scale
        np.testing.assert_allclose(model.convergence_["kkt_threshold"], tol * scale, rtol=1e-10)
        assert certificate <= previous  # tightening tol tightens the certificate
        previous = certificate


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("shape", SHAPES)
def test_graph_certificate_at_most_tol_times_the_gradient_at_zero(seed, shape):
    X, y, params = _problem(seed, shape, graph=True)
    alpha = 0.2 * group_graph_alpha_max(X, y, **params)
    records = []
    for tol in (1e-3, 1e-5, 1e-7):
        model = GroupGraphLasso(alpha, tol=tol, max_iter=100000, **params).fit(X, y)
        _, scale = _gradient_and_scale(X, y, model.coef_)
        assert model.convergence_["converged"]
        assert model.convergence_["kkt_violation"] <= tol * scale
        records.append(model.convergence_["kkt_violation"])
    assert records[2] < records[0]


@pytest.mark.parametrize("graph", [False, True])
def test_too_few_iterations_is_not_converged_and_warns(graph):
    X, y, params = _problem(0, (40, 100), graph=graph)
    alpha = 0.05 * group_graph_alpha_max(X, y, **params)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = GroupGraphLasso(alpha, tol=1e-8, max_iter=3, **params).fit(X, y)
    assert not model.convergence_["converged"]


def _b_step_gap(X, Y, B, A, alpha):
    """Duality gap of min_B 1/(2n)||Y_c A - X_c B||^2 + alpha sum_j ||B_j|| (A fixed), and F(B, A)."""
    n = X.shape[0]
    Xc, Yc = X - X.mean(axis=0), Y - Y.mean(axis=0)
    M = Yc @ A
    R = M - Xc @ B
    penalty = alpha * np.linalg.norm(B, axis=1).sum()
    primal = 0.5 * np.sum(R**2) / n + penalty
    theta = R / max(1.0, np.linalg.norm(Xc.T @ R, axis=1).max() / (n * alpha))
    dual = (np.sum(M * theta) - 0.5 * np.sum(theta**2)) / n
    objective = 0.5 * np.sum((Yc - Xc @ B @ A.T) ** 2) / n + penalty
    return primal - dual, objective


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("shape", [(60, 100, 12), (200, 30, 12)])
def test_reduced_rank_gap_at_most_tol_times_the_objective(seed, shape):
    n, p, q = shape
    X, Y, _ = make_sparse_reduced_rank_regression(n, p, q, rank=3, n_informative=6,
                                                  random_state=seed)
    alpha = 0.2 * reduced_rank_alpha_max(X, Y)
    gaps = []
    for tol in (1e-3, 1e-5, 1e-7):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model = SparseReducedRankRegression(rank=3, alpha=alpha, tol=tol,
                                                max_iter=5000).fit(X, Y)
        gap, objective = _b_step_gap(X, Y, model.B_, model.A_, alpha)
        np.testing.assert_allclose(objective, model.objective_path_[-1], rtol=1e-9)
        assert gap <= tol * objective * (1 + 1e-6) + 1e-12 * objective
        gaps.append(gap)
    assert gaps[2] < gaps[0]


def test_reduced_rank_too_few_iterations_warns():
    X, Y, _ = make_sparse_reduced_rank_regression(60, 100, 12, rank=3, n_informative=6,
                                                  random_state=0)
    alpha = 0.05 * reduced_rank_alpha_max(X, Y)
    with pytest.warns(ConvergenceWarning, match="did not converge in max_iter=1"):
        SparseReducedRankRegression(rank=3, alpha=alpha, tol=1e-9, max_iter=1).fit(X, Y)


@pytest.fixture(scope="module")
def fused_cell():
    """A cell of the speed grid (100 x 500, 5% of the groups active, sparse X, alpha =
    alpha_max / 50) where 23 coordinates are held at zero by the graph term, with the
    support of its fit at tol=1e-10."""
    from sksparse_struct._benchmark_speed import _alpha_max, make_data

    data = make_data("graph", (100, 500), 0.05, "sparse", seed=0)
    params = dict(alpha=0.02 * _alpha_max("graph", data, True), groups=data["labels"],
                  graph=data["graph"], max_iter=200000)
    tight = GroupGraphLasso(**params, tol=1e-10).fit(data["X"], data["y"]).coef_
    return data, params, tight != 0


@pytest.mark.parametrize("tol", [1e-4, 1e-5])
def test_default_tol_gives_the_support_of_a_tight_tol_with_a_graph(fused_cell, tol):
    """Fused by the graph prox to exact zeros of the separable prox, the coordinates held at
    zero by the graph term are zero at the default tol too, as at tol=1e-10 (390 non-zeros
    against 367 before)."""
    data, params, support = fused_cell
    coef = GroupGraphLasso(**params, tol=tol).fit(data["X"], data["y"]).coef_
    np.testing.assert_array_equal(coef != 0, support)

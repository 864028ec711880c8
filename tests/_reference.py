"""Independent reference implementations for the tests.

Written from the objective's definition only (explicit intercept variable,
raw group lists and edge lists), sharing no code with the package.
"""

import numpy as np


def group_graph_objective(X, y, w, b, alpha, *, groups=(), group_weights=None, edges=(),
                          l1_reg=0.0, group_reg=0.0, graph_reg=0.0, sample_weight=None):
    """The GroupGraphLasso objective evaluated with plain numpy."""
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    r = y - np.asarray(X @ w).ravel() - b
    value = 0.5 / n * np.sum(s * r**2) + alpha * l1_reg * np.sum(np.abs(w))
    for g, idx in enumerate(groups):
        omega = np.sqrt(len(idx)) if group_weights is None else group_weights[g]
        value += alpha * group_reg * omega * np.linalg.norm(w[list(idx)])
    for j, k, a in edges:
        value += alpha * graph_reg * a * abs(w[j] - w[k])
    return value


def cvxpy_group_graph(X, y, alpha, *, groups=(), group_weights=None, edges=(), l1_reg=0.0,
                      group_reg=0.0, graph_reg=0.0, sample_weight=None, fit_intercept=True):
    """Solve the GroupGraphLasso objective with cvxpy; returns (w, b)."""
    import cvxpy as cp

    n, p = X.shape
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    expr = 0.5 / n * cp.sum(cp.multiply(s, cp.square(y - X @ w - b)))
    if l1_reg:
        expr += alpha * l1_reg * cp.norm1(w)
    for g, idx in enumerate(groups):
        omega = np.sqrt(len(idx)) if group_weights is None else group_weights[g]
        expr += alpha * group_reg * omega * cp.norm(w[list(idx)], 2)
    if graph_reg:
        for j, k, a in edges:
            expr += alpha * graph_reg * a * cp.abs(w[j] - w[k])
    cp.Problem(cp.Minimize(expr)).solve(solver=cp.CLARABEL, tol_gap_abs=1e-9,
                                        tol_gap_rel=1e-9, tol_feas=1e-9)
    return np.asarray(w.value), float(b.value) if fit_intercept else 0.0


def random_structure(p, rng, *, n_groups=None, ungrouped=0, edge_prob=0.15, weighted=False):
    """Random disjoint groups (as lists, some features left out) and a random edge list."""
    perm = rng.permutation(p)
    grouped = perm[: p - ungrouped]
    n_groups = n_groups or max(1, p // 4)
    cuts = np.sort(rng.choice(np.arange(1, len(grouped)), size=n_groups - 1, replace=False))
    groups = [sorted(g.tolist()) for g in np.split(grouped, cuts)]
    j, k = np.triu_indices(p, 1)
    keep = rng.random(j.size) < edge_prob
    weights = rng.uniform(0.2, 2.0, keep.sum()) if weighted else np.ones(keep.sum())
    edges = list(zip(j[keep].tolist(), k[keep].tolist(), weights.tolist()))
    return groups, edges


class QuadraticLoss:
    """``0.5 x'Gx - b'x`` for one column ``b``: what ``solvers.kkt_violation`` needs of a loss."""

    def __init__(self, gram, b):
        self.gram, self.b = gram, b

    def value(self, x):
        return 0.5 * x @ self.gram @ x - self.b @ x

    def gradient(self, x):
        return self.gram @ x - self.b

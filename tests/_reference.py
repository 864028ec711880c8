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


def cvxpy_group_graph_logistic(X, y, alpha, *, groups=(), group_weights=None, edges=(),
                               l1_reg=0.0, group_reg=0.0, graph_reg=0.0, sample_weight=None,
                               fit_intercept=True):
    """Solve the GroupGraphLogisticRegression objective with cvxpy from its definition.

    ``y`` holds class indices 0..K-1. Two classes: one coefficient vector and
    the loss log(1 + exp(-(2y-1) eta)); more: a (p, K) matrix and the
    multinomial loss. Returns (W of shape (p, K'), b of shape (K',), objective).
    """
    import cvxpy as cp

    n, p = X.shape
    K = int(np.max(y)) + 1
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    k = 1 if K == 2 else K
    W = cp.Variable((p, k))
    b = cp.Variable(k) if fit_intercept else np.zeros(k)
    eta = X @ W + (cp.reshape(b, (1, k), order="C") if fit_intercept else 0.0)
    if K == 2:
        sign = 2.0 * y - 1.0
        losses = cp.logistic(-cp.multiply(sign, eta[:, 0]))
    else:
        onehot = np.eye(K)[y]
        losses = cp.log_sum_exp(eta, axis=1) - cp.sum(cp.multiply(onehot, eta), axis=1)
    expr = cp.sum(cp.multiply(s / n, losses))
    if l1_reg:
        expr += alpha * l1_reg * cp.sum(cp.abs(W))
    for g, idx in enumerate(groups):
        omega = np.sqrt(len(idx)) if group_weights is None else group_weights[g]
        expr += alpha * group_reg * omega * cp.norm(W[list(idx), :], "fro")
    if graph_reg:
        for j, kk, a in edges:
            expr += alpha * graph_reg * a * cp.sum(cp.abs(W[j, :] - W[kk, :]))
    prob = cp.Problem(cp.Minimize(expr))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return np.asarray(W.value), (np.asarray(b.value) if fit_intercept else np.zeros(k)), prob.value


def logistic_objective(X, y, W, b, alpha, *, groups=(), group_weights=None, edges=(),
                       l1_reg=0.0, group_reg=0.0, graph_reg=0.0, sample_weight=None):
    """The GroupGraphLogisticRegression objective with plain numpy (W of shape (p, K'))."""
    from scipy.special import logsumexp

    n = X.shape[0]
    K = int(np.max(y)) + 1
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    eta = np.asarray(X @ W) + b
    if K == 2:
        losses = np.logaddexp(0.0, -(2.0 * y - 1.0) * eta[:, 0])
    else:
        losses = logsumexp(eta, axis=1) - eta[np.arange(n), y]
    value = np.sum(s / n * losses) + alpha * l1_reg * np.sum(np.abs(W))
    for g, idx in enumerate(groups):
        omega = np.sqrt(len(idx)) if group_weights is None else group_weights[g]
        value += alpha * group_reg * omega * np.linalg.norm(W[list(idx), :])
    for j, k, a in edges:
        value += alpha * graph_reg * a * np.sum(np.abs(W[j, :] - W[k, :]))
    return value

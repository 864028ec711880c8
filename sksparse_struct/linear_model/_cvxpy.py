"""Reference model of the group + graph objective in cvxpy (``solver="cvxpy"``)."""

import numpy as np
import scipy.sparse as sp

from .._optional import import_cvxpy


def solve_with_cvxpy(problem, alpha, *, solver=None, verbose=False):
    """Solve ``problem`` at ``alpha`` with cvxpy and return ``w``.

    The intercept is profiled out exactly as in the ADMM path (centred,
    weighted design), so both solve the same finite-dimensional problem.
    """
    cp = import_cvxpy()
    loss = problem.loss
    n, p = loss.shape
    w = cp.Variable(p)
    # Z w = R (X w - 1 m.w): written with X itself so that sparse X stays sparse
    Zw = cp.multiply(loss.sqrt_w, loss.X @ w - loss.x_mean @ w)
    terms = [0.5 * cp.sum_squares(Zw - loss.target)]
    if problem.l1_reg > 0:
        terms.append(alpha * problem.l1_reg * cp.norm1(w))
    groups = problem.groups
    if groups is not None and problem.group_reg > 0:
        # one norm atom for all groups (one per group takes cvxpy minutes to compile at
        # thousands of groups): gather w into a (n_groups, largest size) zero-padded matrix
        G, m = groups.n_groups, int(groups.sizes.max())
        slot = np.arange(groups.indices.size) - groups.expand(groups.ptr[:-1])
        group = np.repeat(np.arange(G), groups.sizes)
        gather = sp.csr_matrix((np.ones(groups.indices.size), (slot * G + group, groups.indices)),
                               shape=(G * m, p))
        padded = cp.reshape(gather @ w, (G, m), order="F")  # row g holds w_g
        weights = alpha * problem.group_reg * groups.weights
        terms.append(cp.sum(cp.multiply(weights, cp.norm(padded, 2, axis=1))))
    if problem.has_graph_term:
        a = alpha * problem.graph_reg * problem.graph.weights
        terms.append(cp.norm1(cp.multiply(a, problem.graph.incidence @ w)))
    prob = cp.Problem(cp.Minimize(cp.sum(terms)))
    prob.solve(solver=solver, verbose=verbose)
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"cvxpy did not solve the problem: status {prob.status}")
    return np.asarray(w.value, dtype=float)

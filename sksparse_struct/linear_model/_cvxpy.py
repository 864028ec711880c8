"""Reference model of the group + graph objective in cvxpy (``solver="cvxpy"``)."""

import numpy as np
import scipy.sparse as sp

from .._optional import import_cvxpy


def solve_with_cvxpy(problem, alpha, *, solver=None, verbose=False):
    """Solve ``problem`` at ``alpha`` with cvxpy and return ``w``.

    ``solver=None`` tries Clarabel (when installed), then cvxpy's default choice.

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
    # Clarabel (interior point) first: cvxpy's default for this QP is OSQP, whose
    # iteration limit stops it on dense graphs (status user_limit); then cvxpy's choice
    candidates = [solver] if solver is not None else [
        *([cp.CLARABEL] if cp.CLARABEL in cp.installed_solvers() else []), None]
    statuses = []
    for name in candidates:
        try:
            prob.solve(solver=name, verbose=verbose)
        except cp.error.SolverError as exc:
            statuses.append(f"{name or 'default'}: {exc}")
            continue
        if prob.status in ("optimal", "optimal_inaccurate"):
            return np.asarray(w.value, dtype=float)
        statuses.append(f"{name or 'default'}: status {prob.status}")
    raise RuntimeError(
        f"cvxpy did not solve the problem ({'; '.join(statuses)}); use solver='admm'"
    )

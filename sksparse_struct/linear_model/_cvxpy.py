"""Reference models of the group + graph objectives in cvxpy (``solver="cvxpy"``)."""

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
    terms += _penalty_terms(cp, problem, alpha, w)
    _solve(cp, cp.Problem(cp.Minimize(cp.sum(terms))), solver, verbose)
    return np.asarray(w.value, dtype=float)


def solve_logistic_with_cvxpy(problem, alpha, *, solver=None, verbose=False):
    """Solve the penalized logistic ``problem`` at ``alpha``; returns ``[vec(W), b]``."""
    cp = import_cvxpy()
    loss = problem.loss
    n, p = loss.shape
    K = loss.n_outputs
    W = cp.Variable((p, K))
    b = cp.Variable(K) if loss.fit_intercept else np.zeros(K)
    eta = loss.X @ W + cp.reshape(b, (1, K), order="C") if loss.fit_intercept else loss.X @ W
    if K == 1:  # log(1 + e^eta) - y eta
        per_sample = cp.logistic(eta[:, 0]) - cp.multiply(loss.target[:, 0], eta[:, 0])
    else:  # logsumexp(eta) - eta_y
        per_sample = cp.log_sum_exp(eta, axis=1) - cp.sum(cp.multiply(loss.target, eta), axis=1)
    terms = [loss.row_weights @ per_sample]
    terms += _penalty_terms(cp, problem, alpha, cp.vec(W, order="C"))
    _solve(cp, cp.Problem(cp.Minimize(cp.sum(terms))), solver, verbose)
    coef = np.asarray(W.value, dtype=float).ravel()
    return np.concatenate([coef, np.asarray(b.value, dtype=float)]) if loss.fit_intercept else coef


def _penalty_terms(cp, problem, alpha, w):
    """The l1, group and graph terms of ``problem`` on the penalized parameters ``w``."""
    terms = []
    if problem.l1_reg > 0:
        terms.append(alpha * problem.l1_reg * cp.norm1(w))
    if problem.groups is not None and problem.group_reg > 0:
        groups = problem.groups.blockwise(problem.n_blocks, problem.n_coef)
        # one norm atom for all groups (one per group takes cvxpy minutes to compile at
        # thousands of groups): gather w into a (n_groups, largest size) zero-padded matrix
        G, m = groups.n_groups, int(groups.sizes.max())
        slot = np.arange(groups.indices.size) - groups.expand(groups.ptr[:-1])
        group = np.repeat(np.arange(G), groups.sizes)
        gather = sp.csr_matrix((np.ones(groups.indices.size), (slot * G + group, groups.indices)),
                               shape=(G * m, problem.n_coef))
        padded = cp.reshape(gather @ w, (G, m), order="F")  # row g holds w_g
        weights = alpha * problem.group_reg * groups.weights
        terms.append(cp.sum(cp.multiply(weights, cp.norm(padded, 2, axis=1))))
    if problem.has_graph_term:
        fused = problem.graph_penalty(alpha, penalized_only=True)
        terms.append(cp.norm1(cp.multiply(fused.strength * fused.graph.weights,
                                          fused.linear_map @ w)))
    return terms


def _solve(cp, prob, solver, verbose):
    # Clarabel (interior point) first: cvxpy's default for these problems may be OSQP, whose
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
            return
        statuses.append(f"{name or 'default'}: status {prob.status}")
    raise RuntimeError(
        f"cvxpy did not solve the problem ({'; '.join(statuses)}); use the default solver"
    )

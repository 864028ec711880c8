r"""ADMM for many quadratic problems that share their Hessian.

Solves, for every column :math:`b_q` of a matrix ``B`` at once,

.. math::

    \min_x \; \tfrac12 x^\top G x - b_q^\top x + \sum_k h_k(K_k x),

with the same splitting as :func:`~sksparse_struct.solvers.admm` (scaled form,
over-relaxation). Every problem has the same x-update matrix
:math:`G + \rho P`, :math:`P = \sum_k K_k^\top K_k`, so one Cholesky
factorization serves every right-hand side and every iteration: an iteration
is one product with the cached inverse (two triangular solves for large m),
sparse products with the :math:`K_k` and the (batched) proxes, all level-3
or vectorized work with no Python loop over problems. ``rho`` is shared by
the problems of a batch (one rho per problem would need one factorization
each); problems stop individually on their own relative residuals and leave
the batch when they do, and the hard ones left after many iterations get a
rho (and a factorization) of their own by residual balancing.

This is the solver behind sparse-representation classifiers, where every
query is coded over one dictionary ``D`` (``G = D D^T``, ``b_q = D x_q``).
"""

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import cho_factor, cho_solve
from sklearn.exceptions import ConvergenceWarning

from .._protocol import require
from ._threads import single_threaded_blas

__all__ = ["BatchedADMMResult", "SharedFactorization", "batched_admm"]

_EXPLICIT_INVERSE_MAX = 4096


class SharedFactorization:
    """Cholesky factorization of ``G + rho P``, computed once and shared by all batches.

    Parameters
    ----------
    gram : ndarray of shape (m, m)
        The symmetric positive semi-definite Hessian ``G``.
    maps : list of scipy.sparse matrix or None
        The linear maps ``K_k`` of the penalties (None for the identity).
    rho : float, default=None
        ADMM penalty parameter; the mean diagonal of ``G`` when None (the
        curvature of a typical coordinate, so that the x-update weighs loss
        and constraints alike).
    """

    def __init__(self, gram, maps, rho=None):
        m = gram.shape[0]
        metric = sp.csr_matrix((m, m))
        for K in maps:
            metric = metric + (sp.identity(m, format="csr") if K is None else (K.T @ K).tocsr())
        # a floor relative to nothing but representability: a gram of scale 1e-200 is valid
        self.rho = float(rho) if rho is not None else max(float(np.mean(np.diag(gram))),
                                                          np.finfo(float).tiny)
        self.metric = metric
        factor = cho_factor(gram + self.rho * metric.toarray(), lower=True, check_finite=False)
        # a solve with k right-hand sides is then one matrix product: a level-3 product
        # runs several times faster than the two triangular solves it replaces, and rho P
        # (P >= I) bounds the condition number; beyond _EXPLICIT_INVERSE_MAX the m x m
        # inverse would cost too much memory and the factor is used directly
        if m <= _EXPLICIT_INVERSE_MAX:
            self._inverse = cho_solve(factor, np.eye(m), check_finite=False)
            self._factor = None
        else:
            self._inverse, self._factor = None, factor

    def solve(self, rhs):
        if self._inverse is not None:
            return self._inverse @ rhs
        return cho_solve(self._factor, rhs, check_finite=False)


@dataclass
class BatchedADMMResult:
    """Outcome of :func:`batched_admm`, one column per problem.

    ``coef`` is the split variable of the first (identity) block, which
    carries the exact zeros of its prox; ``multipliers`` are the dual
    variables :math:`\\lambda_k = \\rho u_k` of the constraints
    :math:`K_k x = z_k` (an optimality certificate with ``coef``).
    """

    coef: np.ndarray
    multipliers: list
    points: list
    n_iter: np.ndarray
    converged: np.ndarray


def _apply(K, x):
    return x if K is None else K @ x


def _column_norms(v):
    return np.sqrt(np.einsum("ij,ij->j", v, v))


def batched_admm(gram, rhs, blocks, *, factorization=None, max_iter=500, tol=1e-4,
                 relaxation=1.6, check_every=5, adapt_every=100, warn=True):
    """Solve one problem per column of ``rhs`` (see the module docstring).

    Parameters
    ----------
    gram : ndarray of shape (m, m)
    rhs : ndarray of shape (m, k)
        One linear term :math:`b_q` per column.
    blocks : list of (K, h)
        ``K`` a scipy.sparse matrix of shape (r, m) or None for the identity;
        the first block must be the identity. ``h`` has ``prox(V, step)``
        acting on a batch ``V`` of shape (r, k), one problem per column, and
        ``select_columns(keep)`` when its weights differ between columns.
    factorization : SharedFactorization, optional
        Built from ``gram`` and the maps of ``blocks`` when None.
    max_iter : int
    tol : float
        Relative tolerance of each problem's primal residual
        :math:`\\|Kx - z\\|` and dual residual :math:`\\rho\\|K^\\top(z - z_{prev})\\|`
        (Boyd et al., 2011, §3.3.1), with absolute floors proportional to
        :math:`\\|b_q\\|` so that a problem solved by ``x = 0`` stops too.
    relaxation : float in (0, 2)
    check_every : int
        Residuals are measured every ``check_every`` iterations; converged
        problems then leave the batch.
    adapt_every : int
        Every ``adapt_every`` iterations (a multiple of ``check_every``), the
        problems still in the batch get a new ``rho`` when the median ratio of
        their normalized primal and dual residuals is off by more than 5
        (residual balancing, Boyd et al., 2011, §3.4.1; at most 10 times).
    warn : bool
        Issue a ConvergenceWarning when some problem did not converge (callers
        that solve batches in worker processes warn once themselves, from
        ``converged``).

    Returns
    -------
    BatchedADMMResult
    """
    if blocks[0][0] is not None:
        raise ValueError("the first block of batched_admm must act on x itself (K=None)")
    for _, h in blocks:
        require(h, ("prox",), role="penalty", solver="batched_admm")
    m, k = rhs.shape
    if m == 0:  # no unknowns: every problem is solved by the empty vector
        return BatchedADMMResult(coef=np.zeros((0, k)), multipliers=[np.zeros((0, k))],
                                 points=[np.zeros((0, k))], n_iter=np.zeros(k, dtype=np.intp),
                                 converged=np.ones(k, dtype=bool))
    system = factorization or SharedFactorization(gram, [K for K, _ in blocks])
    rho = system.rho
    n_adapt, max_adapt = 0, 10
    final_rho = np.full(k, rho)  # each problem's rho when it stopped: its multipliers are rho u
    transposes = [None if K is None else K.T.tocsr() for K, _ in blocks]
    z = [np.zeros((m if K is None else K.shape[0], k)) for K, _ in blocks]
    u = [np.zeros_like(zk) for zk in z]
    n_iter = np.zeros(k, dtype=np.intp)
    converged = np.zeros(k, dtype=bool)
    curvature = max(float(np.mean(np.diag(gram))), np.finfo(float).tiny)
    scale = _column_norms(rhs)
    floor_dual = 1e-3 * scale
    floor_pri = 1e-3 * scale / curvature * np.sqrt(sum(zk.shape[0] for zk in z) / m)

    active = np.arange(k)
    B, zs, us = rhs, z, u
    # small products: BLAS threads only add synchronization (see _threads)
    with single_threaded_blas():
        for it in range(1, max_iter + 1):
            x = system.solve(
                B + rho * sum(_apply(Kt, zk - uk) for Kt, zk, uk in zip(transposes, zs, us)))
            check = it % check_every == 0 or it == max_iter
            z_new, r_sq, kx_sq, z_sq, dz = [], 0.0, 0.0, 0.0, []
            for (K, h), zk, uk in zip(blocks, zs, us):
                kx = _apply(K, x)
                x_hat = relaxation * kx + (1.0 - relaxation) * zk
                zk_new = h.prox(x_hat + uk, 1.0 / rho)
                uk += x_hat - zk_new  # in place: us are views of this batch's own arrays
                if check:
                    r_sq = r_sq + np.einsum("ij,ij->j", kx - zk_new, kx - zk_new)
                    kx_sq = kx_sq + np.einsum("ij,ij->j", kx, kx)
                    z_sq = z_sq + np.einsum("ij,ij->j", zk_new, zk_new)
                    dz.append(zk_new - zk)
                z_new.append(zk_new)
            zs = z_new
            n_iter[active] = it
            if not check:
                continue
            s_norm = rho * _column_norms(sum(_apply(Kt, d) for Kt, d in zip(transposes, dz)))
            dual_norm = rho * _column_norms(sum(_apply(Kt, uk) for Kt, uk in zip(transposes, us)))
            primal_scale = np.sqrt(np.maximum(kx_sq, z_sq)) + floor_pri[active]
            dual_scale = dual_norm + floor_dual[active]
            # compared, not divided: a query with b = 0 has zero scales and stops at once
            done = (np.sqrt(r_sq) <= tol * primal_scale) & (s_norm <= tol * dual_scale)
            if it % adapt_every == 0 and n_adapt < max_adapt and not np.all(done):
                # the problems left are the hard ones: balance their residuals with a
                # rho of their own (one refactorization; the finished ones keep theirs)
                with np.errstate(divide="ignore", invalid="ignore"):
                    balance = np.sqrt((np.sqrt(r_sq) / primal_scale) / (s_norm / dual_scale))
                ratio = float(np.median(np.nan_to_num(balance[~done], nan=1.0, posinf=1e2)))
                if ratio > 5.0 or ratio < 0.2:
                    ratio = float(np.clip(ratio, 1e-2, 1e2))
                    rho *= ratio
                    system = SharedFactorization(gram, [K for K, _ in blocks], rho=rho)
                    for uk in us:
                        uk /= ratio
                    n_adapt += 1
            if np.any(done):
                finished = active[done]
                converged[finished] = True
                final_rho[finished] = rho
                for full, part in zip(z, zs):
                    full[:, finished] = part[:, done]
                for full, part in zip(u, us):
                    full[:, finished] = part[:, done]
                keep = ~done
                active = active[keep]
                if active.size == 0:
                    break
                B = B[:, keep]
                # penalties whose weights differ per column follow the batch
                blocks = [(K, h.select_columns(keep) if hasattr(h, "select_columns") else h)
                          for K, h in blocks]
                zs = [zk[:, keep] for zk in zs]
                us = [uk[:, keep] for uk in us]
    if active.size:  # the problems still in the batch at max_iter
        final_rho[active] = rho
        for full, part in zip(z, zs):
            full[:, active] = part
        for full, part in zip(u, us):
            full[:, active] = part
    if warn and not np.all(converged):
        warnings.warn(
            f"ADMM did not converge in {max_iter} iterations for {np.sum(~converged)} of {k} "
            f"problems (tol={tol:g}); increase max_iter or tol.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return BatchedADMMResult(coef=z[0], multipliers=[final_rho * uk for uk in u], points=z,
                             n_iter=n_iter, converged=converged)

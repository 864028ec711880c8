"""Cached solves of ``(Z.T Z + rho P) x = b`` for a changing ``rho``.

Every ADMM x-update of a least-squares loss split on linear maps ``K_k`` is
such a solve with ``P = sum_k K_k.T K_k``. Two factorizations, picked by shape:

* ``"primal"`` (p <= n): Cholesky of the dense p x p matrix; refactored when rho
  changes (Gram matrix computed once).
* ``"dual"`` (p > n): Woodbury identity around ``rho P``,

      (rho P + Z.T Z)^{-1} = (1/rho) [P^{-1} - P^{-1} Z.T (rho I + K)^{-1} Z P^{-1}],

  with ``K = Z P^{-1} Z.T`` (n x n) computed once; a change of rho costs one
  n x n Cholesky. ``P`` is diagonal when every map is a coordinate selection,
  otherwise (graph incidence) it is sparse and factorized once by SuperLU.
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg import cho_factor, cho_solve
from scipy.sparse.linalg import splu

from ._threads import single_threaded_blas

__all__ = ["NormalEquations"]


class NormalEquations:
    """Solver of ``(Z.T Z + rho P) x = b`` with factorizations reused across calls.

    Parameters
    ----------
    loss : LeastSquares
        Provides products with Z, its Gram matrix and kernel.
    metric : scipy.sparse matrix of shape (p, p)
        The symmetric positive definite ``P``.
    form : {"auto", "primal", "dual"}
        "auto" picks "primal" when p <= n.
    """

    def __init__(self, loss, metric, form="auto"):
        n, p = loss.shape
        self.loss = loss
        self.form = ("primal" if p <= n else "dual") if form == "auto" else form
        metric = sp.csc_matrix(metric)
        offdiag = metric - sp.diags(metric.diagonal())
        self._diag = metric.diagonal() if offdiag.nnz == 0 else None
        self.rho = None
        if self.form == "primal":
            self._gram = loss.gram()
            self._metric = self._diag if self._diag is not None else metric.toarray()
        else:
            if self._diag is not None:
                self._kernel = loss.scaled_kernel(1.0 / self._diag)
            else:
                self._metric_lu = splu(metric, permc_spec="MMD_AT_PLUS_A")
                self._kernel = self._graph_kernel(loss)

    def _graph_kernel(self, loss, block=64):
        """``Z P^{-1} Z.T``, built from blocks of samples so that only a (p, block)
        slice of ``Z.T`` is ever dense (SuperLU solves many right-hand sides
        fastest in blocks of tens of columns)."""
        n = loss.shape[0]
        K = np.empty((n, n))
        with single_threaded_blas():  # the triangular solves are level-2 work
            for start in range(0, n, block):
                rows = slice(start, min(start + block, n))
                K[:, rows] = loss.matvec(self._metric_solve(loss.dense_transpose(rows)))
        return 0.5 * (K + K.T)

    def _metric_solve(self, b):
        if self._diag is not None:
            return b / (self._diag if b.ndim == 1 else self._diag[:, None])
        return self._metric_lu.solve(b)

    def set_rho(self, rho):
        """Refactorize for a new ``rho`` (no-op when unchanged)."""
        if rho == self.rho:
            return
        self.rho = rho
        if self.form == "primal":
            A = self._gram.copy()
            if self._diag is not None:
                A[np.diag_indices_from(A)] += rho * self._diag
            else:
                A += rho * self._metric
            self._factor = cho_factor(A, lower=True, check_finite=False)
        else:
            A = self._kernel.copy()
            A[np.diag_indices_from(A)] += rho
            self._factor = cho_factor(A, lower=True, check_finite=False)

    def solve(self, b):
        if self.form == "primal":
            return cho_solve(self._factor, b, check_finite=False)
        y = self._metric_solve(b)
        correction = self.loss.rmatvec(cho_solve(self._factor, self.loss.matvec(y), check_finite=False))
        return (y - self._metric_solve(correction)) / self.rho

r"""The sparse reduced-rank problem in Gram form: the two steps of its alternating minimization.

With the intercept profiled out (:class:`~sksparse_struct._losses.LeastSquares`,
``Z`` the centred and scaled design, ``T`` the centred and scaled targets),
the objective is

.. math::

    F(B, A) = \tfrac12 \|T - Z B A^\top\|_F^2 + \sum_j P(\|B_j\|_2), \qquad A^\top A = I_r .

Because :math:`A^\top A = I_r`,

.. math::

    \|T - Z B A^\top\|_F^2 = \|T\|_F^2 - 2\,\mathrm{tr}(B^\top Z^\top T A)
        + \mathrm{tr}(B^\top G B), \qquad G = Z^\top Z,

so both steps of the alternation only need ``G`` (p x p) and ``Z^T T`` (p x q),
computed once from X: an iteration costs O(p^2 r + p q r), whatever n.

* A-step: :math:`\max_A \mathrm{tr}(A^\top T^\top Z B)` over orthonormal A is
  the orthogonal Procrustes problem, :math:`A = U V^\top` from the thin SVD
  :math:`T^\top Z B = U S V^\top`.
* B-step: a multi-task group lasso with target ``T A``,
  :math:`\tfrac12 \mathrm{tr}(B^\top G B) - \mathrm{tr}(B^\top Z^\top T A) + \sum_j w_j \|B_j\|_2`,
  with :math:`w_j = P'(\|B_j\|)` at the current B (local linear approximation,
  Zou & Li, 2008; exact for the group lasso), solved by monotone FISTA warm
  started at the current B, on a working set of rows (few rows are
  selected, so most iterations touch a small block of G). The weighted
  problem majorizes F at the current B and the solver never increases it,
  so F never increases.

The alternation itself is :func:`sksparse_struct.solvers.alternating.alternating_minimization`.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve, eigh
from scipy.sparse.linalg import eigsh

from .._losses import LeastSquares
from ..penalties.group import RowGroupL2, row_norms
from ..solvers.proximal_gradient import Quadratic, accelerated_proximal_gradient
from ..solvers.working_set import working_set

__all__ = ["ReducedRankProblem"]

# Inner FISTA iterations per B-step; the outer loop warm-starts the next B-step anyway.
_MAX_INNER_ITER = 1000
# Rows of the first working set when B starts (almost) all zero, and the most rounds
# of a B-step (the set doubles each round: 30 rounds cover any p).
_INITIAL_WORKING_SET = 10
_MAX_ROUNDS = 30
# Power iteration is cheaper than a full eigendecomposition above this size.
_DENSE_EIG_MAX = 300


@dataclass
class ReducedRankProblem:
    """Data of the problem in Gram form (see module doc); X is only read here.

    Attributes
    ----------
    loss : LeastSquares
        The centred loss (gives the intercept).
    gram : ndarray of shape (p, p)
        ``Z^T Z``.
    cross : ndarray of shape (p, q)
        ``Z^T T``.
    target_gram : ndarray of shape (q, q)
        ``T^T T`` (duality gaps of the B-step need ``||T A||_F^2``).
    lipschitz : float
        Largest eigenvalue of ``gram``.

    When ``gram`` is singular because there are too few samples
    (``n - fit_intercept < p``), the Lipschitz constant and the minimum-norm
    least squares of :meth:`reduced_rank_fit` come from the n x n kernel
    :math:`ZZ^\top`, whose non-zero eigenvalues are those of ``gram``: an
    n x n eigenproblem instead of a p x p one.
    """

    loss: LeastSquares
    gram: np.ndarray
    cross: np.ndarray
    target_gram: np.ndarray
    lipschitz: float
    max_inner_iter: int = _MAX_INNER_ITER
    # C_ols of reduced_rank_fit, computed once: the cold start of a warm fit asks again
    _ols_cache: np.ndarray = field(default=None, init=False, repr=False)
    # the rows of the last working set and the Lipschitz bound of their Gram block: the
    # set is often the same from one outer iteration to the next
    _lipschitz_cache: tuple = field(default=(None, None), init=False, repr=False)

    @classmethod
    def build(cls, X, Y, *, sample_weight=None, fit_intercept=True, random_state=None):
        loss = LeastSquares(X, Y, sample_weight, fit_intercept=fit_intercept)
        gram = loss.gram()
        gram = 0.5 * (gram + gram.T)
        n, p = loss.shape
        # the largest eigenvalue of G, from the smaller of G and the kernel Z Z^T (same
        # non-zero spectrum), with a margin above the rounding of either and eigsh's
        # tolerance: the step must stay at most 1/L
        operator = loss.scaled_kernel(np.ones(p)) if _kernel_side(loss) else gram
        if operator.shape[0] <= _DENSE_EIG_MAX:
            top = eigh(operator, eigvals_only=True, subset_by_index=[operator.shape[0] - 1] * 2,
                       overwrite_a=operator is not gram, check_finite=False)[0]
        else:
            v0 = random_state.uniform(-1.0, 1.0, size=operator.shape[0])
            top = eigsh(operator, k=1, which="LA", v0=v0, return_eigenvectors=False, tol=1e-6)[0]
        del operator
        cross = loss.rmatvec(loss.target)
        return cls(loss, gram, cross, loss.target.T @ loss.target,
                   max(float(top) * (1.0 + 1e-5), 1e-300))

    def loss_value(self, B, A):
        rows = np.flatnonzero(row_norms(B))  # B is row-sparse: only its support counts
        Bs = B[rows]
        fit = (np.sum(Bs * (self.gram[np.ix_(rows, rows)] @ Bs))
               - 2.0 * np.sum(Bs * (self.cross[rows] @ A)))
        return 0.5 * max(float(np.trace(self.target_gram)) + fit, 0.0)

    def reduced_rank_fit(self, rank):
        r"""Classic reduced-rank regression: :math:`BA^\top` is the rank-r projection of OLS.

        ``C_ols = G^+ Z^T T`` (Cholesky when G is positive definite, else the
        minimum-norm solution from an eigendecomposition: of the kernel,
        :math:`C_{ols} = Z^\top (ZZ^\top)^+ T`, when n < p); the right singular
        vectors of the fitted values :math:`Z C_{ols}` are the eigenvectors of
        :math:`C_{ols}^\top G C_{ols} = (Z^\top T)^\top C_{ols}`.
        """
        if self._ols_cache is None:
            self._ols_cache = self._least_squares()
        C_ols = self._ols_cache
        fitted_sq = self.cross.T @ C_ols
        _, vecs = eigh(0.5 * (fitted_sq + fitted_sq.T))
        A = vecs[:, ::-1][:, :rank]
        return C_ols @ A, A

    def _least_squares(self):
        """The minimum-norm ``C_ols = G^+ Z^T T`` (see :meth:`reduced_rank_fit`)."""
        p = self.gram.shape[0]
        eps = np.finfo(float).eps
        if _kernel_side(self.loss):
            # K = Z Z^T (n x n) is formed in p-term sums: p * eps is its rounding, as for G
            evals, V = eigh(self.loss.scaled_kernel(np.ones(p)), overwrite_a=True,
                            check_finite=False)
            keep = evals > max(evals[-1], 0.0) * p * eps
            V = V[:, keep]
            return self.loss.rmatvec(V @ ((V.T @ self.loss.target) / evals[keep, None]))
        largest = max(float(np.max(np.diag(self.gram), initial=0.0)), 1e-300)
        cutoff = p * eps * largest
        try:
            factor = cho_factor(self.gram, lower=True)
            # enough samples, but a tiny pivot means G is singular up to round-off (e.g.
            # collinear features): use the pseudo-inverse
            well_posed = np.min(np.diag(factor[0])) ** 2 > cutoff
        except LinAlgError:
            well_posed = False
        if well_posed:
            C_ols = cho_solve(factor, self.cross)
        else:
            evals, evecs = eigh(self.gram)
            keep = evals > max(evals[-1], 0.0) * p * eps
            C_ols = evecs[:, keep] @ ((evecs[:, keep].T @ self.cross) / evals[keep, None])
        return C_ols

    def a_step(self, B):
        rows = np.flatnonzero(row_norms(B))
        U, _, Vt = np.linalg.svd(self.cross[rows].T @ B[rows], full_matrices=False)
        return U @ Vt

    def b_step(self, B, A, weights, tol):
        r"""Weighted group-lasso B-step from B, on growing working sets of rows.

        The working-set driver is :func:`sksparse_struct.solvers.working_set.working_set`
        (its growth rule is documented there): it starts at the non-zero rows
        of B and adds the zero rows that violate their optimality condition
        :math:`\|(GB - Z^\top T A)_j\|_2 \le w_j` by more than ``tol``
        relative to :math:`\|Z^\top T A\|_F`, the worst first. Rows outside
        the working set stay at zero, so each restricted solve starts at the
        current B and the objective never increases. Rows with an infinite
        weight are never added. Each restricted solve runs until its duality
        gap (:func:`_duality_gap`) is at most ``tol`` times its objective plus
        :math:`\tfrac12(\|T\|_F^2 - \|TA\|_F^2)` (the objective of the fit, the
        scale of the alternation's stopping rule): the gradient-mapping test
        alone stops far from the optimum when G is ill conditioned.

        Returns
        -------
        B : ndarray
        n_inner : int
            Inner (FISTA) iterations.
        converged : bool
            Whether the last restricted solve reached its gap within the budget
            and no row outside violates its condition.
        """
        target = self.cross @ A
        target_sq = float(np.sum(A * (self.target_gram @ A)))  # ||T A||_F^2
        # 0.5 ||T||^2 - 0.5 ||T A||^2: with it the B-step objective is that of the fit,
        # the scale of the stopping rule of the alternation
        outside_span = 0.5 * max(float(np.trace(self.target_gram)) - target_sq, 0.0)
        start = np.where(((row_norms(B) > 0) & np.isfinite(weights))[:, None], B, 0.0)

        def support(B):
            return row_norms(B) > 0

        def violations(B):
            rows = np.flatnonzero(row_norms(B))
            grad = self.gram[:, rows] @ B[rows] - target
            with np.errstate(divide="ignore", invalid="ignore"):
                # relative to the weight: the duality gap of the B-step grows with the
                # largest ratio ||grad_j|| / w_j (its dual point is rescaled by it)
                relative = row_norms(grad) / weights - 1.0
            return np.where(np.isnan(relative), -np.inf, relative)  # infinite weights

        def solve_restricted(working, B, budget):
            rows = np.flatnonzero(working)
            gram = self.gram if rows.size == B.shape[0] else self.gram[np.ix_(rows, rows)]
            quadratic = Quadratic(gram.__matmul__, target[rows], self._lipschitz_of(rows, gram))
            penalty = RowGroupL2(weights[rows])
            B_rows = B[rows]  # B is zero outside its support, which is in the working set
            inner_tol, budget, previous, n_iter = tol, self.max_inner_iter, np.inf, 0
            while True:
                result = accelerated_proximal_gradient(quadratic, penalty, B_rows,
                                                       max_iter=budget, tol=inner_tol)
                B_rows = result.x
                n_iter += result.n_iter
                budget -= result.n_iter
                gap, primal = _duality_gap(gram, target[rows], target_sq, B_rows, weights[rows])
                # done at the gap, or when FISTA no longer improves: the primal is then
                # at round-off, and so is the dual point computed from it
                if (gap <= tol * max(primal + outside_span, np.finfo(float).tiny)
                        or result.objective >= previous):
                    ok = True
                    break
                if budget <= 0:
                    ok = False
                    break
                previous, inner_tol = result.objective, inner_tol / 10.0
            B = np.zeros_like(B)
            B[rows] = B_rows
            return B, n_iter, ok

        result = working_set(start, n_units=B.shape[0], support=support, violations=violations,
                             solve_restricted=solve_restricted,
                             threshold=tol,
                             initial_size=_INITIAL_WORKING_SET, max_rounds=_MAX_ROUNDS)
        return result.point, result.n_iter, result.converged

    def stationarity_gap(self, B, A, weights):
        r"""Duality gap and primal value of the B-step problem at ``(B, A)`` with these weights.

        The B-step problem is the weighted group lasso in B with A fixed,
        :math:`\tfrac12\|TA - ZB\|_F^2 + \sum_j w_j \|B_j\|_2` (Gram form,
        :func:`_duality_gap`), over all rows. A zero gap at ``A = a_step(B)`` and
        the weights of the penalty's tangent at B makes ``(B, A)`` a stationary
        point of the alternation (the A-step is exact).
        """
        rows = np.flatnonzero(row_norms(B))
        target = self.cross @ A
        target_sq = float(np.sum(A * (self.target_gram @ A)))
        GB = self.gram[:, rows] @ B[rows]
        return _duality_gap(self.gram, target, target_sq, B, weights, GB=GB)

    def _lipschitz_of(self, rows, gram):
        """Largest eigenvalue of the principal submatrix ``gram`` of G on ``rows`` (at most that of G)."""
        k = gram.shape[0]
        if k == self.gram.shape[0] or k > _DENSE_EIG_MAX:
            return self.lipschitz
        cached_rows, value = self._lipschitz_cache
        if cached_rows is not None and np.array_equal(cached_rows, rows):
            return value
        value = max(float(np.linalg.eigvalsh(gram)[-1]), 1e-300)
        self._lipschitz_cache = (rows.copy(), value)
        return value


def _duality_gap(G, C, target_sq, B, w, GB=None):
    r"""Duality gap of :math:`\min_B \tfrac12\|Y - ZB\|_F^2 + \sum_j w_j \|B_j\|_2` in Gram form.

    ``G = Z^T Z``, ``C = Z^T Y``, ``target_sq = ||Y||_F^2``; returns the gap and
    the primal value. The dual point is the residual :math:`R = Y - ZB`
    rescaled into the dual feasible set :math:`\|Z_j^\top\theta\| \le w_j`
    (Mairal et al.; as sklearn's MultiTaskLasso). Rows with :math:`w_j = 0`
    require :math:`Z_j^\top \theta = 0`: R is first projected off the span
    of those columns (a solve with their small Gram block). Rows with an
    infinite weight are zero and constrain nothing. ``GB`` is ``G @ B`` when
    already known (e.g. from the non-zero rows only).
    """
    if GB is None:
        GB = G @ B
    ZtR = C - GB
    r_sq = max(target_sq - 2.0 * np.sum(B * C) + np.sum(B * GB), 0.0)
    norms = row_norms(B)
    nonzero = norms > 0
    primal = 0.5 * r_sq + float(w[nonzero] @ norms[nonzero])
    y_dot_r = target_sq - np.sum(B * C)
    free = w == 0
    if np.any(free):
        M = np.linalg.lstsq(G[np.ix_(free, free)], ZtR[free], rcond=None)[0]
        r_sq -= np.sum(ZtR[free] * M)
        y_dot_r -= np.sum(C[free] * M)
        ZtR = ZtR - G[:, free] @ M
    penalized = ~free
    scale = max(1.0, float(np.max(row_norms(ZtR[penalized]) / w[penalized], initial=0.0)))
    dual = (y_dot_r - 0.5 * max(r_sq, 0.0) / scale) / scale  # no scale**2: it may overflow
    return primal - dual, primal


def _kernel_side(loss):
    """Whether the Gram matrix is singular for want of samples: then use the n x n kernel."""
    n, p = loss.shape
    return n - int(loss.fit_intercept) < p

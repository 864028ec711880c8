r"""Working sets: one driver, and its use around ADMM for a separable (l1 + group) penalty.

For a problem whose penalty is separable over *units* (groups, ungrouped
coordinates, rows of a matrix), a unit held at zero is optimal iff the
gradient of the loss there lies in the subdifferential of its penalty at
zero, a check that costs one gradient for all units at once. Solutions are
sparse, so the solver runs on a small *working set* of units (the problem
restricted to them, the other units held at zero) that grows with the units
that violate their optimality condition, as in celer and skglm (Massias,
Gramfort & Salmon, 2018). Outside the working set every unit is zero, so each
restricted solution is a point of the full problem.

:func:`working_set` is the driver; what varies between problems is given to
it as callables (the violations of the units at the current point, the
support of the current point, and the restricted solve from the current
point) and a threshold. Its growth rule, the only one in the package:

* the first working set has ``max(initial_size, 2 |S_0|)`` units, ``S_0`` the
  support (non-zero units) of the start;
* every later one keeps the support of the current point and is filled up to
  twice the size of the previous working set;
* the units added are the worst violators outside the support, largest
  violation first, and only those whose violation exceeds ``threshold`` (at
  least one is added per round): a unit within the threshold is never added;
* the loop stops when no unit outside the support violates its condition by
  more than ``threshold`` after at least one restricted solve (or at once when
  the start is zero and nothing violates: zero is then optimal).

:func:`working_set_admm` uses it for least squares with the l1 + group
penalty; :meth:`sksparse_struct.reduced_rank._problem.ReducedRankProblem.b_step`
for the row-group lasso in Gram form. The restricted solvers and their
stopping rules are theirs.
"""

import warnings
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from .._protocol import require
from ._normal_equations import NormalEquations
from .admm import ADMMResult, ADMMState, admm, objective

__all__ = ["RestrictedSystems", "WorkingSetResult", "working_set", "working_set_admm"]


@dataclass
class WorkingSetResult:
    """Outcome of :func:`working_set`.

    ``point`` is the last point (what ``solve_restricted`` returned), ``units``
    the last working set (boolean, over all units), ``violation`` the largest
    violation outside the support at ``point`` and ``converged`` whether it is
    at most the threshold with the last restricted solve converged.
    """

    point: object
    units: np.ndarray
    n_iter: int
    n_rounds: int
    converged: bool
    violation: float


def working_set(point, *, n_units, support, violations, solve_restricted, threshold,
                initial_size=10, max_rounds=50, max_iter=None, warn=False,
                name="working set", verbose=0):
    """Solve a problem separable over units on growing working sets (rule in the module doc).

    Parameters
    ----------
    point : object
        The start, opaque to the driver (handed to the callables).
    n_units : int
    support : callable
        ``support(point)``: boolean array of shape (n_units,), the non-zero units.
    violations : callable
        ``violations(point)``: array of shape (n_units,), how much each unit
        violates its optimality condition at ``point`` (<= 0 or a distance
        when it is met; only the units outside the support are read).
    solve_restricted : callable
        ``solve_restricted(units, point, budget)``: solve the problem restricted
        to the boolean mask ``units`` from ``point``, within ``budget``
        iterations (None: the solver's own); returns ``(point, n_iter, converged)``
        with every unit outside ``units`` zero.
    threshold : float
        A unit whose violation is at most ``threshold`` is optimal enough.
    initial_size : int
        Size of the first working set when the start has a small support.
    max_rounds : int
    max_iter : int, optional
        Total iterations of the restricted solves over all rounds; the loop
        stops (not converged) when they are spent. None: no total budget.
    warn : bool
        Warn with a ConvergenceWarning when not converged.
    name : str
        Prefix of the messages.
    verbose : int

    Returns
    -------
    WorkingSetResult
    """
    active = np.asarray(support(point), dtype=bool)
    size = max(initial_size, 2 * int(active.sum()))
    units = active.copy()
    total, n_rounds, solved, last_converged = 0, 0, False, True
    converged, worst = False, np.inf
    while True:
        outside = np.array(violations(point), dtype=float)
        outside[active] = -np.inf
        worst = max(float(np.max(outside, initial=-np.inf)), 0.0)
        if worst <= threshold and (solved or not active.any()):
            converged = last_converged  # optimal outside (at once: the start is zero and optimal)
            break
        if n_rounds >= max_rounds or (max_iter is not None and total >= max_iter):
            break
        candidates = np.flatnonzero(outside > threshold)
        n_new = max(size - int(active.sum()), 1)
        worst_first = candidates[np.argsort(outside[candidates], kind="stable")[::-1][:n_new]]
        units = active.copy()
        units[worst_first] = True
        budget = None if max_iter is None else max(max_iter - total, 1)
        point, n_iter, last_converged = solve_restricted(units, point, budget)
        total += n_iter
        n_rounds += 1
        solved = True
        active = np.asarray(support(point), dtype=bool)
        if verbose:
            print(f"[{name}] round {n_rounds}: {int(units.sum())} units in the set, "
                  f"{int(active.sum())} non-zero, {n_iter} iterations, "
                  f"largest violation outside before it {worst:.2e}")
        size = 2 * max(int(units.sum()), 1)
    if warn and not converged:
        warnings.warn(
            f"{name} did not converge in {total} iterations and {n_rounds} rounds (largest "
            f"optimality violation outside the working set {worst:.2e}, threshold "
            f"{threshold:.2e}); increase max_iter or tol.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return WorkingSetResult(point, units, total, n_rounds, converged, worst)


class RestrictedSystems:
    """The restricted losses and normal equations of the last working sets, kept for reuse.

    Along a path of alphas the same working set comes back often (33 distinct
    sets among the 99 restricted solves of a 100-alpha group-lasso path at
    n=400, p=1000): its restricted loss (a copy of its columns) and the
    factorization of its normal equations (a Gram or kernel matrix, and the
    Cholesky factor of the current rho) are the costly part of a restricted
    solve, so the ``maxsize`` most recent ones are kept, keyed by the features of the set,
    as long as their arrays take at most ``max_bytes`` together (the most
    recent one is always kept: it is in use). The entries belong to one loss:
    a call with another loss empties the cache first.
    """

    def __init__(self, maxsize=4, max_bytes=2**28):
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._entries = OrderedDict()  # most recent last
        self._loss = None

    def __len__(self):
        return len(self._entries)

    def nbytes(self):
        """Bytes of the arrays held (restricted columns, Gram or kernel matrices, factors)."""
        return sum(_nbytes(sub_loss.X, *vars(system).values())
                   for sub_loss, system in self._entries.values())

    def get(self, loss, features):
        """``(restricted loss, NormalEquations)`` of ``loss`` on ``features``, built when absent
        (the normal equations of a separable penalty: ``Z_S^T Z_S + rho I``)."""
        if loss is not self._loss:
            self._entries.clear()
            self._loss = loss
        key = features.tobytes()
        entry = self._entries.pop(key, None)
        if entry is None:
            sub_loss = loss.restrict(features)
            metric = sp.identity(features.size, format="csr")
            entry = (sub_loss, NormalEquations(sub_loss, metric))
        self._entries[key] = entry
        # sizes are read now, not at creation: a factor is built at its first solve
        while len(self._entries) > 1 and (len(self._entries) > self.maxsize
                                          or self.nbytes() > self.max_bytes):
            self._entries.popitem(last=False)
        return entry


def _nbytes(*objects):
    """Bytes of the numpy and scipy.sparse arrays among ``objects`` (tuples looked into)."""
    total = 0
    for obj in objects:
        if isinstance(obj, tuple):
            total += _nbytes(*obj)
        elif isinstance(obj, np.ndarray):
            total += obj.nbytes
        elif sp.issparse(obj):
            total += sum(getattr(obj, name).nbytes for name in ("data", "indices", "indptr")
                         if hasattr(obj, name))
    return total


class _ADMMPoint:
    """Point of :func:`working_set_admm`: coefficients, their gradient and ADMM's rho."""

    __slots__ = ("w", "grad", "rho", "result")

    def __init__(self, w, grad, rho, result=None):
        self.w, self.grad, self.rho, self.result = w, grad, rho, result


def working_set_admm(loss, penalty, *, state=None, max_iter=1000, tol=1e-4, initial_size=10,
                     max_rounds=50, certificate_tol=None, systems=None, verbose=0):
    r"""ADMM on growing working sets (:func:`working_set`) for ``loss + penalty`` (a :class:`SparseGroupL2`).

    The violation of a unit is ``penalty.subdiff_distance`` of the negative
    gradient at the current point, the threshold ``tol * ||Z^T t||_inf``
    (the gradient of the loss at zero).

    Parameters
    ----------
    loss : LeastSquares
    penalty : SparseGroupL2
    state : ADMMState, optional
        A previous solution of a related problem on all features (identity
        block only); its non-zero units start in the working set.
    max_iter : int
        Total ADMM iterations over all rounds.
    tol : float
        Relative tolerance of the residuals of each ADMM solve, and of the
        optimality of the units left out, relative to ``||Z^T t||_inf``.
    initial_size : int
        Units in the first working set when the start is all zero.
    max_rounds : int
        Maximum number of working-set rounds.
    certificate_tol : float, optional
        When given, each restricted ADMM also runs until its optimality
        certificate (the largest ``subdiff_distance`` of the negative gradient
        at its split variable) is at most ``certificate_tol * ||Z^T t||_inf``;
        the result then has the full problem's certificate below that bound.
    systems : RestrictedSystems, optional
        The factorizations of earlier working sets of the same loss (e.g. the
        previous alphas of a path), reused and updated; when None, only the
        working set in use is kept.
    verbose : int

    Returns
    -------
    ADMMResult
        On all features: ``coef``, a full-size ``state`` (``u = -grad / rho``,
        the multipliers of the identity block) and the total iterations.
    """
    require(penalty, ("value", "prox", "subdiff_distance", "unit_sizes", "feature_units",
                      "restrict"), role="separable penalty", solver="working_set_admm")
    require(loss, ("restrict",), role="least-squares loss", solver="working_set_admm")
    n, p = loss.shape
    sizes = penalty.unit_sizes(p)
    feature_unit = penalty.feature_units(p)
    scale = max(float(np.max(np.abs(loss.rmatvec(loss.target)), initial=0.0)), 1e-300)
    certificate_threshold = None if certificate_tol is None else certificate_tol * scale
    systems = RestrictedSystems(maxsize=1) if systems is None else systems

    def support(point):
        active = np.zeros(sizes.size, dtype=bool)
        active[feature_unit[point.w != 0]] = True
        return active

    def violations(point):
        return penalty.subdiff_distance(point.w, -point.grad)

    def solve_restricted(units, point, budget):
        features, sub_penalty = penalty.restrict(units, p)
        sub_loss, system = systems.get(loss, features)
        sub_rho = point.rho if point.rho is not None else max(
            sub_loss.frobenius_sq() / features.size, np.finfo(float).tiny)
        sub_state = ADMMState(x=point.w[features], z=[point.w[features]],
                              u=[-point.grad[features] / sub_rho], rho=sub_rho)
        certificate = None
        if certificate_threshold is not None:
            def certificate(coef, points, multipliers):
                return float(np.max(sub_penalty.subdiff_distance(coef, -sub_loss.gradient(coef)),
                                    initial=0.0))
        with warnings.catch_warnings():
            # the driver reports non-convergence once, for the whole problem
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = admm(sub_loss, [(None, sub_penalty)], state=sub_state, system=system,
                          max_iter=budget,
                          tol=tol, certificate=certificate,
                          certificate_threshold=certificate_threshold, verbose=verbose)
        w = np.zeros(p)
        w[features] = result.coef
        return _ADMMPoint(w, loss.gradient(w), result.state.rho, result), result.n_iter, \
            result.converged

    start = np.zeros(p) if state is None else state.x.copy()
    point = _ADMMPoint(start, loss.gradient(start), None if state is None else state.rho)
    out = working_set(point, n_units=sizes.size, support=support, violations=violations,
                      solve_restricted=solve_restricted, threshold=tol * scale,
                      initial_size=initial_size, max_rounds=max_rounds, max_iter=max_iter,
                      warn=True, name="ADMM with working sets", verbose=verbose)
    point, result = out.point, out.point.result
    rho = point.rho
    if rho is None:  # no ADMM solve was needed
        rho = max(loss.frobenius_sq() / p, np.finfo(float).tiny)
    return ADMMResult(
        coef=point.w,
        state=ADMMState(x=point.w, z=[point.w], u=[-point.grad / rho], rho=rho),
        n_iter=out.n_iter,
        converged=out.converged,
        primal_residual=0.0 if result is None else result.primal_residual,
        dual_residual=0.0 if result is None else result.dual_residual,
        objective=objective(loss, [(None, penalty)], point.w),
    )

r"""Alternating minimization of a loss of two blocks (B, A) plus a penalty of the rows of B.

Each iteration takes a B-step, the problem's own solver for ``B`` with the
penalty majorized by its tangent at the current row norms (local linear
approximation, Zou & Li, 2008: exact for a norm, a majorizer for a concave
penalty of a norm, so the step never increases the objective), then an
A-step, the exact minimizer over ``A``. The objective is therefore
non-increasing; an increase computed in floating point is round-off at a
stationary point, the iteration is discarded and the loop stops. The
reduced-rank regression (``reduced_rank/_problem.py``) is the problem that
provides these steps.
"""

import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._protocol import require
from ..penalties.group import row_norms

__all__ = ["AlternatingResult", "alternate_from_starts", "alternating_minimization"]

_PROBLEM_NEEDS = ("loss_value", "b_step", "a_step", "stationarity_gap", "target_gram",
                  "max_inner_iter")


@dataclass
class AlternatingResult:
    B: np.ndarray
    A: np.ndarray
    objective_path: list
    n_iter: int
    converged: bool



def alternating_minimization(problem, penalty, B, A, *, max_iter, tol, verbose=0,
                             name="alternating minimization"):
    """Alternate B-steps (majorized penalty) and A-steps from ``(B, A)``.

    ``problem`` provides ``loss_value(B, A)``, ``b_step(B, A, weights, tol)``
    (returning the new B, its inner iterations and whether they converged),
    ``a_step(B)``, ``stationarity_gap(B, A, weights)`` (the duality gap and
    the primal value of the B-step problem at B), ``target_gram`` (the scale
    of round-off) and ``max_inner_iter``; ``name`` prefixes the messages.

    ``penalty`` has ``value(t)`` and ``derivative(t)`` on the row norms ``t``.
    Stops at a certified stationary point: when, after an iteration, the
    duality gap of the B-step problem at the new ``(B, A)`` (A the exact
    A-step of B, the weights the tangent of the penalty at B) is at most
    ``tol`` times the objective (``loss_value + penalty``) there, or when an
    iteration leaves the objective unchanged in floating point (round-off: a
    ``tol`` below the floor of the gap, about ``1e-8``, ends there); warns
    with a ConvergenceWarning after ``max_iter`` iterations otherwise. Both
    steps cannot increase the objective; an increase computed in floating
    point is round-off at a stationary point, so that iteration is discarded
    and the loop stops (the recorded path is non-increasing).
    """
    require(problem, _PROBLEM_NEEDS, role="two-block problem", solver="alternating_minimization")
    require(penalty, ("value", "derivative"), role="penalty of the row norms",
            solver="alternating_minimization")
    objective = problem.loss_value(B, A) + penalty.value(row_norms(B))
    path = [objective]
    converged, inner_converged = False, True
    certificate = np.inf
    start = time.perf_counter()
    for it in range(1, max_iter + 1):
        B_new, n_inner, inner_ok = problem.b_step(B, A, penalty.derivative(row_norms(B)), tol)
        A_new = problem.a_step(B_new)
        new = problem.loss_value(B_new, A_new) + penalty.value(row_norms(B_new))
        if verbose:
            print(f"[{name}] iter {it:4d}  objective {new:.10g}  "
                  f"inner iters {n_inner:4d}  "
                  f"selected {int(np.count_nonzero(row_norms(B_new)))}  "
                  f"{time.perf_counter() - start:.2f}s")
        if new > objective:
            # both steps are descent steps: an increase is round-off at a stationary point,
            # whose scale is that of ||T||^2 (the Gram form of the loss cancels against it)
            if new - objective > 1e-10 * max(abs(objective), float(np.trace(problem.target_gram))):
                warnings.warn(
                    f"{name}: the objective increased by "
                    f"{new - objective:.3e} in iteration {it}; the iteration is discarded.",
                    ConvergenceWarning,
                )
            converged, it = True, it - 1
            break
        B, A = B_new, A_new
        # only the B-step of the returned B matters: an earlier one that ran out of inner
        # iterations was continued, warm-started, by the next
        inner_converged = inner_ok
        path.append(new)
        gap, _ = problem.stationarity_gap(B, A, penalty.derivative(row_norms(B)))
        certificate = gap / max(abs(new), np.finfo(float).tiny)
        if certificate <= tol or new >= objective:
            # certified, or an iteration that no longer decreases the objective at all:
            # round-off, where the gap stays at its floor (the B-step's gradient is then
            # accurate to about the square root of the machine precision)
            converged = True
            break
        objective = new
    if converged and not inner_converged:
        warnings.warn(
            f"{name}: the last B-step stopped at its {problem.max_inner_iter} "
            f"inner iterations with a duality gap above tol={tol}; the result may be "
            "inaccurate.",
            ConvergenceWarning,
        )
    if not converged:
        warnings.warn(
            f"{name} did not converge in max_iter={max_iter} iterations "
            f"(last duality gap of the B-step relative to the objective {certificate:.2e} "
            f"> tol={tol}); increase max_iter or tol.",
            ConvergenceWarning,
        )
    return AlternatingResult(B, A, path, it, converged)


def alternate_from_starts(problem, penalty, start, *, surrogate=None, cold_start=None,
                          max_iter, tol, verbose=0, name="alternating minimization"):
    """:func:`alternating_minimization` from ``start``, as a start policy asks.

    With a ``surrogate`` penalty (convex), the alternation first minimizes the
    surrogate from ``start`` and then ``penalty`` from that solution. With a
    ``cold_start`` (a callable returning ``(B, A)``), it also runs from there
    and returns the result of lower objective. The result is never worse than
    the point the returned alternation started from (its objective path is
    non-increasing).
    """
    if surrogate is not None:
        start = _quiet_alternation(problem, surrogate, start, max_iter=max_iter, tol=tol)
    result = alternating_minimization(problem, penalty, *start, max_iter=max_iter, tol=tol,
                                      verbose=verbose, name=name)
    if cold_start is not None:
        other = alternating_minimization(problem, penalty, *cold_start(), max_iter=max_iter,
                                         tol=tol, verbose=verbose, name=name)
        if other.objective_path[-1] < result.objective_path[-1]:
            result = other
    return result


def _quiet_alternation(problem, penalty, start, *, max_iter, tol):
    """``(B, A)`` of an alternation used as a start only: its convergence is not the fit's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = alternating_minimization(problem, penalty, *start, max_iter=max_iter, tol=tol)
    return result.B, result.A

r"""Working sets around ADMM for a separable (l1 + group) penalty.

For ``min_w 0.5 ||Z w - t||^2 + h(w)`` with ``h`` separable over units (groups
and ungrouped coordinates), a unit held at zero is optimal iff the gradient
at ``w`` lies in the subdifferential of ``h`` there, a check that costs one
product ``Z^T r`` for all units at once. Solutions are sparse, so ADMM runs
on a small working set of units (a restricted problem on those columns of
X only: its factorization is small) that grows with the units that violate
their optimality condition, the worst first, as in celer and skglm
(Massias, Gramfort & Salmon, 2018). Outside the working set every unit is
zero, so each restricted solution is a point of the full problem, and the
loop stops when no unit outside the working set violates its condition by
more than ``tol`` relative to the gradient at zero.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._protocol import require
from .admm import ADMMResult, ADMMState, admm, objective

__all__ = ["working_set_admm"]


def working_set_admm(loss, penalty, *, state=None, max_iter=1000, tol=1e-4, initial_size=10,
                     max_rounds=50, verbose=0):
    """ADMM on growing working sets for ``loss + penalty`` (a :class:`SparseGroupL2`).

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
        Tolerance of each ADMM solve, and of the optimality of the units left
        out, relative to ``||Z^T t||_inf``.
    initial_size : int
        Units in the first working set when the start is all zero.
    max_rounds : int
        Maximum number of working-set rounds.
    verbose : int

    Returns
    -------
    ADMMResult
        On all features: ``coef``, a full-size ``state`` (``u = -grad / rho``,
        the multipliers of the identity block) and the total iterations.
    """
    require(penalty, ("value", "prox", "subdiff_distance", "unit_sizes", "restrict"),
            role="separable penalty", solver="working_set_admm")
    require(loss, ("restrict",), role="least-squares loss", solver="working_set_admm")
    n, p = loss.shape
    sizes = penalty.unit_sizes(p)
    unit_of = np.repeat(np.arange(sizes.size), sizes)
    in_unit_order, _ = penalty.restrict(np.ones(sizes.size, dtype=bool), p)
    feature_unit = np.empty(p, dtype=np.intp)
    feature_unit[in_unit_order] = unit_of

    w = np.zeros(p) if state is None else state.x.copy()
    rho = None if state is None else state.rho
    grad = loss.gradient(w)
    threshold = tol * max(float(np.max(np.abs(loss.rmatvec(loss.target)), initial=0.0)), 1e-300)
    active = np.zeros(sizes.size, dtype=bool)
    active[feature_unit[w != 0]] = True
    size = max(initial_size, 2 * int(active.sum()))
    total, result, worst = 0, None, 0.0
    converged = False
    for round_ in range(1, max_rounds + 1):
        violation = penalty.subdiff_distance(w, -grad)
        outside = violation.copy()
        outside[active] = 0.0
        worst = float(np.max(outside, initial=0.0))
        if worst <= threshold and (result is not None or not active.any()):
            # optimal outside the working set (w = 0 at once when alpha >= alpha_max)
            converged = result is None or result.converged
            break
        # keep the active units, add the worst violators up to the working-set size
        candidates = np.flatnonzero(outside > threshold)
        n_new = max(size - int(active.sum()), 1)
        keep = active.copy()
        keep[candidates[np.argsort(outside[candidates])[::-1][:n_new]]] = True
        features, sub_penalty = penalty.restrict(keep, p)
        sub_loss = loss.restrict(features)
        sub_rho = rho if rho is not None else max(sub_loss.frobenius_sq() / features.size,
                                                       np.finfo(float).tiny)
        sub_state = ADMMState(x=w[features], z=[w[features]], u=[-grad[features] / sub_rho],
                              rho=sub_rho)
        with warnings.catch_warnings():
            # the outer loop reports non-convergence once, for the whole problem
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = admm(sub_loss, [(None, sub_penalty)], state=sub_state,
                          max_iter=max(max_iter - total, 1), tol=tol, verbose=verbose)
        total += result.n_iter
        rho = result.state.rho
        w = np.zeros(p)
        w[features] = result.coef
        grad = loss.gradient(w)
        active = np.zeros(sizes.size, dtype=bool)
        active[feature_unit[w != 0]] = True
        if verbose:
            print(f"[working set] round {round_}: {int(keep.sum())} units in the set, "
                  f"{int(active.sum())} non-zero, {result.n_iter} ADMM iterations, "
                  f"largest violation outside {worst:.2e}")
        size = 2 * max(int(keep.sum()), 1)
        if total >= max_iter:
            # out of iterations: converged only if this last solve left nothing outside
            outside = penalty.subdiff_distance(w, -grad)
            outside[active] = 0.0
            worst = float(np.max(outside, initial=0.0))
            converged = result.converged and worst <= threshold
            break
    if not converged:
        warnings.warn(
            f"ADMM with working sets did not converge in {total} iterations and {round_} "
            f"rounds (largest optimality violation {worst:.2e}, threshold {threshold:.2e}); "
            "increase max_iter or tol.",
            ConvergenceWarning,
            stacklevel=2,
        )
    if rho is None:  # no ADMM solve was needed
        rho = max(loss.frobenius_sq() / p, np.finfo(float).tiny)
    return ADMMResult(
        coef=w,
        state=ADMMState(x=w, z=[w], u=[-grad / rho], rho=rho),
        n_iter=total,
        converged=converged,
        primal_residual=0.0 if result is None else result.primal_residual,
        dual_residual=0.0 if result is None else result.dual_residual,
        objective=objective(loss, [(None, penalty)], w),
    )

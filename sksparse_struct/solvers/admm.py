r"""ADMM for a least-squares loss plus penalties of linear maps.

Solves

.. math::

    \min_x \; \tfrac12 \|Z x - t\|_2^2 + \sum_k h_k(K_k x)

by splitting :math:`z_k = K_k x` (Boyd et al., 2011, scaled form):

.. math::

    x &\leftarrow (Z^\top Z + \rho P)^{-1}\big(Z^\top t + \rho \textstyle\sum_k K_k^\top (z_k - u_k)\big),
        \quad P = \textstyle\sum_k K_k^\top K_k \\
    \hat x_k &\leftarrow \gamma K_k x + (1 - \gamma) z_k \qquad \text{(over-relaxation)} \\
    z_k &\leftarrow \mathrm{prox}_{h_k/\rho}(\hat x_k + u_k) \\
    u_k &\leftarrow u_k + \hat x_k - z_k .

The solver only needs ``prox`` and ``value`` from each penalty; ``rho`` is
adapted by residual balancing (normalized residuals, as OSQP does), which
costs one refactorization of the cached normal equations.
"""

import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.sparse.linalg import lsqr
from sklearn.exceptions import ConvergenceWarning

from .._protocol import require
from ._anderson import AndersonMixing
from ._fused_zeros import FusedZeros
from ._normal_equations import NormalEquations
from ._threads import single_threaded_blas

__all__ = ["ADMMState", "ADMMResult", "admm", "kkt_violation"]

# the x-update solves normal equations: the loss must be least squares in this form
_LOSS_NEEDS = ("shape", "target", "matvec", "rmatvec", "frobenius_sq", "value", "gradient")


@dataclass
class ADMMState:
    """Iterates that warm-start a later solve: x, the split variables z_k, scaled duals u_k and rho."""

    x: np.ndarray
    z: list
    u: list
    rho: float


@dataclass
class ADMMResult:
    """Outcome of :func:`admm`.

    ``coef`` is the split variable of the first identity block when there is
    one (it carries the exact zeros the prox produced), with the zeros the
    proxes imply together (:class:`~sksparse_struct.solvers._fused_zeros.FusedZeros`)
    when that point is the one certified, else ``x``.
    """

    coef: np.ndarray
    state: ADMMState
    n_iter: int
    converged: bool
    primal_residual: float
    dual_residual: float
    objective: float


def _apply(K, x):
    return x if K is None else K @ x


def _apply_t(K, v):
    return v if K is None else K.T @ v


def _metric(blocks, p):
    """``P = sum_k K_k.T K_k`` as a sparse (p, p) matrix."""
    P = sp.csr_matrix((p, p))
    for K, _ in blocks:
        P = P + (sp.identity(p, format="csr") if K is None else (K.T @ K).tocsr())
    return P


def objective(loss, blocks, x):
    """``loss(x) + sum_k h_k(K_k x)``."""
    return loss.value(x) + sum(h.value(_apply(K, x)) for K, h in blocks)


def kkt_violation(loss, blocks, x, multipliers, points=None):
    r"""Optimality certificate of ``x`` with multipliers :math:`\lambda_k`.

    Returns the largest of the stationarity residual
    :math:`\|\nabla f(x) + \sum_k K_k^\top \lambda_k\|_\infty` and the distances
    :math:`\mathrm{dist}(\lambda_k, \partial h_k(p_k))`, with the points
    :math:`p_k = K_k x` unless ``points`` are given (ADMM's split variables
    ``z_k``, which carry the exact zeros). Zero exactly at a primal-dual solution.
    """
    if points is None:
        points = [_apply(K, x) for K, _ in blocks]
    stationarity = loss.gradient(x) + sum(_apply_t(K, lam) for (K, _), lam in zip(blocks, multipliers))
    viol = float(np.max(np.abs(stationarity), initial=0.0))
    for (_, h), lam, point in zip(blocks, multipliers, points):
        viol = max(viol, float(np.max(h.subdiff_distance(point, lam), initial=0.0)))
    return viol


def _snap_negligible(loss, blocks, coef, tol):
    """Zero the small entries of ``coef`` when that does not increase the objective.

    It runs on the split variable, and on it with the zeros that the prox
    outputs imply (:class:`FusedZeros`: coordinates fused by the graph term's
    prox to an exact zero of the separable prox). It remains for the zeros
    that no prox output gives: a cluster held at zero by the graph term whose every coordinate has
    its separable multiplier exactly on the boundary of the subdifferential
    (without any l1 weight, a group of a zero cluster that the graph term
    keeps at zero: ``test_matches_cvxpy`` with group weights), where the prox
    only approaches zero at the rate of the residuals. The sizes
    ``tol**e * max|coef|`` only choose which entries to try, from the largest
    down; the first that does not increase the objective is kept. With a
    certificate threshold, :func:`admm` computes its certificate at the
    snapped point and stops only when that point meets it: the zeros returned
    are certified, not only thresholded.
    """
    value = objective(loss, blocks, coef)
    magnitude = np.abs(coef)
    largest = np.max(magnitude, initial=0.0)
    for exponent in (0.5, 0.75, 1.0):
        small = (coef != 0) & (magnitude <= tol**exponent * largest)
        if not np.any(small):
            continue
        snapped = np.where(small, 0.0, coef)
        snapped_value = objective(loss, blocks, snapped)
        if snapped_value <= value:
            return snapped, snapped_value
    return coef, value


def _zero_certificate(blocks, b0, multipliers, tol, *, margins=(1e-9, 0.0)):
    r"""Multipliers proving that ``x = 0`` is optimal, or None.

    ``multipliers`` are those of ``blocks[1:]`` (the identity block's follows
    from stationarity).

    ``x = 0`` is optimal iff there are :math:`\lambda_k \in \partial h_k(0)`
    (``k >= 1``) with :math:`\lambda_0 = Z^\top t - \sum_{k \ge 1} K_k^\top
    \lambda_k \in \partial h_0(0)` (stationarity at 0). For image penalties that
    are weighted l1 norms (attribute ``weights``: :math:`\partial h_k(0)` is the box
    :math:`|\lambda_k| \le c_k`) and a positively homogeneous ``h_0`` (then
    :math:`\mathrm{prox}_{h_0}(v) = v - \Pi_{\partial h_0(0)}(v)`), the ADMM
    multipliers are clipped to their boxes and, if the certificate fails but by at
    most ``sqrt(tol)`` relative to :math:`\|Z^\top t\|_\infty`, refined by L-BFGS-B
    on :math:`\tfrac12 \mathrm{dist}(\lambda_0, (1-\mu)\,\partial h_0(0))^2` over
    the boxes shrunk by :math:`1 - \mu` (the margin ``mu`` makes the point found
    lie inside, not on, the boundary). On coordinates whose subdifferential at 0
    is ``{0}`` the multipliers are then moved by least squares (staying in their
    boxes) to meet :math:`\lambda_{0,j} = 0`. The certificate is exact up to the
    round-off of computing :math:`\lambda_0`: every returned :math:`\lambda_k`
    lies in its box and ``h_0.subdiff_distance`` of :math:`\lambda_0` at 0 is
    zero, or, on coordinates whose subdifferential at 0 is ``{0}`` (no l1
    weight, no group), below that round-off.

    Near ``alpha_max`` the multipliers of a graph term make :math:`\lambda_0`
    sit on the boundary of :math:`\partial h_0(0)`, so the prox of ``h_0`` only
    approaches zero at the rate of the residuals; this certificate gives the
    exact zeros instead (and, at or above ``alpha_max``, ``x = 0`` itself).
    """
    if (len(blocks) < 2 or blocks[0][0] is not None
            or not all(hasattr(h, "weights") for _, h in blocks[1:])):
        return None  # without a linear map the prox itself gives the exact zeros
    h0 = blocks[0][1]
    D = sp.vstack([K for K, _ in blocks[1:]], format="csr")
    Dt = D.T.tocsr()
    box = np.concatenate([np.broadcast_to(np.asarray(h.weights, dtype=float), (K.shape[0],))
                          for K, h in blocks[1:]])
    zero = np.zeros_like(b0)
    eps = np.finfo(float).eps
    # coordinates with the subdifferential {0} at 0 (no l1 weight, no group): there
    # (D^T lam)_j must equal b0_j, which no iterative solver meets to the last bit
    free = np.flatnonzero(h0.prox(np.ones_like(b0), 1.0) == 1.0)
    Dt_free = Dt[free]
    terms = 1.0 + np.diff(Dt.indptr)  # summands of each entry of b0 - D^T lam

    def matched(lam):
        """``lam`` moved by least squares to meet the free coordinates, if it stays in the box."""
        if not free.size:
            return lam
        step = lsqr(Dt_free, b0[free] - Dt_free @ lam, atol=0.0, btol=0.0,
                    iter_lim=10 * lam.size)[0]
        return lam + step if np.all(np.abs(lam + step) <= box) else lam

    def violation(lam):
        # what is left at the round-off of b0 - D^T lam counts as met
        worst = float(np.max(h0.subdiff_distance(zero, b0 - Dt @ lam), initial=0.0))
        roundoff = 2 * eps * terms * (np.abs(b0) + abs(Dt) @ np.abs(lam))
        return worst if worst > float(np.linalg.norm(roundoff)) else 0.0

    def certificate(lam):
        return [b0 - Dt @ lam, *np.split(lam, np.cumsum([K.shape[0] for K, _ in blocks[1:]])[:-1])]

    lam = matched(np.clip(np.concatenate(multipliers), -box, box))
    worst = violation(lam)
    if worst == 0.0:
        return certificate(lam)
    if worst > np.sqrt(tol) * float(np.max(np.abs(b0), initial=0.0)):
        return None  # x = 0 is far from optimal: not worth a refinement
    start = lam
    for margin in margins:
        shrink = 1.0 - margin

        def fun(lam):
            r = h0.prox((b0 - Dt @ lam) / shrink, 1.0)
            return 0.5 * float(r @ r), -(D @ r) / shrink

        res = minimize(fun, np.clip(start, -shrink * box, shrink * box), jac=True,
                       method="L-BFGS-B", bounds=np.column_stack([-shrink * box, shrink * box]),
                       options={"maxiter": 2000, "ftol": 1e-30,
                                "gtol": 1e-14 * float(np.linalg.norm(b0))})
        lam = matched(np.clip(res.x, -box, box))
        if violation(lam) == 0.0:
            return certificate(lam)
        start = res.x
    return None


def admm(
    loss,
    blocks,
    *,
    state=None,
    system=None,
    rho=None,
    max_iter=1000,
    tol=1e-4,
    relaxation=1.6,
    adaptive_rho=True,
    adapt_every=10,
    acceleration=10,
    certificate=None,
    certificate_threshold=None,
    max_tightenings=10,
    verbose=0,
):
    """Run ADMM on ``loss + sum_k h_k(K_k x)``.

    Parameters
    ----------
    loss : LeastSquares
    blocks : list of (K, h)
        ``K`` a scipy.sparse matrix of shape (m_k, p), or None for the identity;
        ``h`` a penalty with ``prox(v, step)`` and ``value(v)``.
    state : ADMMState, optional
        Warm start (x, z, u, rho) from an earlier solve of a related problem.
    system : NormalEquations, optional
        Cached factorizations to reuse (e.g. along a path of alphas); built
        when None.
    rho : float, optional
        Initial penalty parameter; defaults to ``||Z||_F^2 / p``.
    max_iter : int
    tol : float
        Relative tolerance on the primal residual ``||K x - z||`` and on the
        dual residual ``rho ||sum_k K_k.T (z_k - z_k_prev)||`` (Boyd et al., 2011, §3.3.1):
        the cheap inner test, and the whole stopping rule without a
        ``certificate_threshold``.
    relaxation : float in (0, 2)
        Over-relaxation parameter gamma; 1.5-1.8 is usually fastest.
    adaptive_rho : bool
        Balance primal and dual residuals by rescaling rho every
        ``adapt_every`` iterations.
    acceleration : int
        Memory of the Anderson acceleration of the (z, u) iteration; 0
        disables it. An accelerated point is kept only if its fixed-point
        residual is no larger than that of the plain iterate it replaced.
    certificate : callable, optional
        ``certificate(coef, points, multipliers) -> float``, an optimality
        certificate of the point ``coef`` that would be returned (the split
        variable of the identity block, which carries the prox's exact zeros,
        else ``x``), with ``points`` the split variables ``z_k`` (``coef``
        first when the first block is the identity) and ``multipliers`` the
        ``rho * u_k``; default :func:`kkt_violation`, one gradient of the loss.
        When it meets the threshold, it is computed once more for that point
        with the zeros the proxes imply (:class:`FusedZeros`: only where the
        identity block's subdifferential distance stays within
        ``certificate_threshold``, the units of the default certificate),
        which is returned instead when it meets the threshold too.
    certificate_threshold : float, optional
        When given, ADMM stops only when the certificate is at most this
        (absolute) value: each time the residual test passes, the certificate
        is computed; above the threshold, the residual tolerance is halved
        (at most ``max_tightenings`` times; then the certificate is
        checked at every pass of the residual test) and the iterations go on.
        ``converged`` then means that the certificate met the threshold.
    max_tightenings : int
    verbose : int
        Print progress every ``max(1, 100 // verbose)`` iterations.

    Returns
    -------
    ADMMResult
    """
    require(loss, _LOSS_NEEDS, role="least-squares loss", solver="admm")
    for _, h in blocks:
        require(h, ("value", "prox"), role="penalty", solver="admm")
    n, p = loss.shape
    b0 = loss.rmatvec(loss.target)
    if max_iter is None:
        max_iter = 1000
    identity_first = bool(blocks) and blocks[0][0] is None

    def coef_of(x, z):
        return z[0] if identity_first else x

    def points_of(coef, z):
        return [coef, *z[1:]] if identity_first else z

    fused_zeros = FusedZeros(blocks, p)

    def with_fused_zeros(coef, z, multiplier, guard):
        """``coef`` with the zeros the proxes imply and its negligible entries zeroed (see
        :func:`_snap_negligible`), with its objective; None when the proxes imply no zero
        or, with ``guard``, when these zeros raise the objective by more than rounding."""
        zeroed = fused_zeros(coef, z, multiplier, certificate_threshold or 0.0)
        if zeroed is coef:
            return None
        if guard:
            value = objective(loss, blocks, coef)
            if objective(loss, blocks, zeroed) > value + 64 * np.finfo(float).eps * abs(value):
                return None
        return _snap_negligible(loss, blocks, zeroed, tol)

    if certificate_threshold is not None and certificate is None:
        def certificate(coef, points, multipliers):
            return kkt_violation(loss, blocks, coef, multipliers, points=points)
    if system is None:
        system = NormalEquations(loss, _metric(blocks, p))
    # trace of Z^T Z per coordinate, floored at the smallest normal float (not at a constant
    # such as 1e-12: X of scale 1e-100 has a curvature of 1e-200)
    mean_curvature = max(loss.frobenius_sq() / p, np.finfo(float).tiny)
    if state is None:
        z = [np.zeros(p if K is None else K.shape[0]) for K, _ in blocks]
        u = [np.zeros_like(zk) for zk in z]
        rho = rho if rho is not None else mean_curvature
    else:
        rho = state.rho
        z = [zk.copy() for zk in state.z]
        u = [uk.copy() for uk in state.u]
    system.set_rho(rho)
    bounds = np.cumsum([zk.size for zk in z] * 2)[:-1]
    transposes = [None if K is None else K.T.tocsr() for K, _ in blocks]  # built once, used twice per iteration

    def unpack(v):
        parts = np.split(v, bounds)
        return parts[: len(blocks)], parts[len(blocks):]

    # absolute floors so that a solution at x = 0 (alpha >= alpha_max) still stops
    scale_grad = float(np.linalg.norm(b0)) or 1.0
    scale_x = scale_grad / mean_curvature
    m_total = sum(zk.size for zk in z)
    floor_pri = 1e-3 * scale_x * np.sqrt(m_total / p)
    floor_dual = 1e-3 * scale_grad

    def step(z, u):
        """One (over-relaxed) ADMM iteration from (z, u), with its residuals."""
        rhs = b0 + rho * sum(_apply(Kt, zk - uk) for Kt, zk, uk in zip(transposes, z, u))
        x = system.solve(rhs)
        z_new, u_new, dz = [], [], []
        r_sq = Kx_sq = z_sq = 0.0
        for (K, h), zk, uk in zip(blocks, z, u):
            Kx = _apply(K, x)
            x_hat = relaxation * Kx + (1.0 - relaxation) * zk
            zk_new = h.prox(x_hat + uk, 1.0 / rho)
            z_new.append(zk_new)
            u_new.append(uk + x_hat - zk_new)
            dz.append(zk_new - zk)
            r_sq += float(np.sum((Kx - zk_new) ** 2))
            Kx_sq += float(np.sum(Kx**2))
            z_sq += float(np.sum(zk_new**2))
        r_norm = np.sqrt(r_sq)
        s_norm = rho * float(np.linalg.norm(sum(_apply(Kt, d) for Kt, d in zip(transposes, dz))))
        dual_norm = rho * float(np.linalg.norm(sum(_apply(Kt, uk) for Kt, uk in zip(transposes, u_new))))
        scales = (max(np.sqrt(Kx_sq), np.sqrt(z_sq)) + floor_pri, dual_norm + floor_dual)
        return x, z_new, u_new, r_norm, s_norm, scales

    mixing = AndersonMixing(memory=acceleration) if acceleration else None
    print_every = max(1, 100 // verbose) if verbose else 0
    start = time.perf_counter()
    converged = False
    it = 0
    r_norm = s_norm = np.inf
    residual_tol, n_tightenings, last_certificate = tol, 0, np.nan
    n_adapt = 0
    # (z, u) is the latest plain iterate (the z_k are prox outputs, with their
    # exact zeros); (zs, us) the point the next step starts from, which is
    # (z, u) or its Anderson extrapolation
    zs, us = z, u
    accelerated, last_fp_residual = False, np.inf
    with single_threaded_blas():
        while it < max_iter:
            it += 1
            x, z_new, u_new, r_norm, s_norm, (primal_scale, dual_scale) = step(zs, us)
            v, g = np.concatenate(zs + us), np.concatenate(z_new + u_new)
            fp_residual = float(np.linalg.norm(g - v))
            if accelerated and fp_residual > last_fp_residual:
                # safeguard: the extrapolated point did worse than the plain iterate; resume from it
                zs, us, accelerated = z, u, False
                mixing.reset()
                continue
            z, u, last_fp_residual = z_new, u_new, fp_residual

            if print_every and (it % print_every == 0 or it == 1):
                obj = objective(loss, blocks, z[0] if blocks[0][0] is None else x)
                print(
                    f"[ADMM] iter {it:5d}  objective {obj:.8e}  primal {r_norm:.2e}  "
                    f"dual {s_norm:.2e}  rho {rho:.3g}  {time.perf_counter() - start:.2f}s"
                )
            if r_norm <= residual_tol * primal_scale and s_norm <= residual_tol * dual_scale:
                if certificate_threshold is None:
                    converged = True
                    break
                # the point without the fused zeros decides when to stop, as it did before
                # them (a fusion can be transient: the point with them may stall); at the
                # stop, the point with them is returned when it is certified too
                multipliers = [rho * uk for uk in u]
                snapped, snapped_value = _snap_negligible(loss, blocks, coef_of(x, z), tol)
                last_certificate = certificate(snapped, points_of(snapped, z), multipliers)
                if last_certificate <= certificate_threshold:
                    converged = True
                    fused = with_fused_zeros(coef_of(x, z), z,
                                             multipliers[0] if identity_first else None, False)
                    if fused is not None and certificate(
                            fused[0], points_of(fused[0], z), multipliers) <= certificate_threshold:
                        snapped, snapped_value = fused
                    break
                if n_tightenings < max_tightenings:
                    residual_tol, n_tightenings = residual_tol / 2.0, n_tightenings + 1

            zs, us, accelerated = z, u, False
            if adaptive_rho and it % adapt_every == 0 and n_adapt < 50:
                ratio = np.sqrt((r_norm / primal_scale) / max(s_norm / dual_scale, 1e-300))
                if ratio > 5.0 or ratio < 0.2:
                    ratio = float(np.clip(ratio, 1e-3, 1e3))
                    rho *= ratio
                    u = [uk / ratio for uk in u]
                    zs, us = z, u
                    system.set_rho(rho)
                    n_adapt += 1
                    if mixing is not None:
                        mixing.reset()  # the map changed with rho: old differences are stale
                    continue
            if mixing is not None:
                zs, us = unpack(mixing.extrapolate(v, g))
                accelerated = True

    if certificate_threshold is not None and converged:
        coef, obj = snapped, snapped_value  # the point whose certificate was checked
    else:
        # not certified (or no certificate asked): with the fused zeros unless they raise
        # the objective
        coef, obj = (with_fused_zeros(coef_of(x, z), z, rho * u[0] if identity_first else None,
                                      True)
                     or _snap_negligible(loss, blocks, coef_of(x, z), tol))
    zero_multipliers = _zero_certificate(blocks, b0, [rho * uk for uk in u[1:]], tol)
    if zero_multipliers is not None:  # x = 0 is optimal, exactly: return it with its multipliers
        x, coef = np.zeros(p), np.zeros(p)
        z = [np.zeros_like(zk) for zk in z]
        u = [lam / rho for lam in zero_multipliers]
        obj, converged = objective(loss, blocks, coef), True
    if not converged:
        certified = "" if certificate_threshold is None else (
            f", optimality certificate {last_certificate:.2e} against "
            f"{certificate_threshold:.2e}")
        warnings.warn(
            f"ADMM did not converge in {max_iter} iterations (primal residual "
            f"{r_norm:.2e}, dual residual {s_norm:.2e}, tol={tol:g}{certified}); increase "
            "max_iter or tol.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return ADMMResult(
        coef=coef,
        state=ADMMState(x=x, z=z, u=u, rho=rho),
        n_iter=it,
        converged=converged,
        primal_residual=float(r_norm),
        dual_residual=float(s_norm),
        objective=obj,
    )

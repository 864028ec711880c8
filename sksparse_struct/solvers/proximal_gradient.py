r"""Accelerated proximal gradient for a smooth loss plus a penalty.

Solves

.. math::

    \min_x \; f(x) + h(x)

with FISTA (Beck & Teboulle, 2009), step ``1/L``, backtracking on ``L`` when
the given Lipschitz bound is too small, and a function-value restart
(O'Donoghue & Candès, 2015): a step that would increase ``f + h`` is rejected
and the momentum reset, so the iterates decrease monotonically from ``x0``.
Callers that majorize a harder objective rely on that: the result is never
worse than the start.

The loss provides a *linear state* ``S(x)`` (``H x`` for a quadratic, the
linear predictor ``X x`` for a generalized linear model) from which its
value and gradient follow: the state of the extrapolated point is the same
combination of the states of ``x_k`` and ``x_{k-1}`` as the point is of
them, so one product with the data per iteration is enough. The stopping
rule is the norm of the gradient mapping ``L (y - x_{k+1})``, an optimality
measure for convex ``h`` (zero exactly at a minimizer), relative to a scale
(by default the norm of the gradient at 0).
"""

from dataclasses import dataclass

import numpy as np

from .._protocol import require

__all__ = ["Quadratic", "ProxGradResult", "accelerated_proximal_gradient"]

_SMOOTH_NEEDS = ("state", "value_from_state", "gradient_from_state", "lipschitz")
# an inexact prox whose steps keep failing after this much tightening is at round-off
_MIN_TIGHTENING = 1e-24


@dataclass
class Quadratic:
    """``f(x) = 0.5 <x, H x> - <b, x>`` with ``H`` given as a product.

    Attributes
    ----------
    hess : callable
        ``x -> H @ x`` for ``x`` of the shape of ``linear``.
    linear : ndarray
        ``b``.
    lipschitz : float
        An upper bound of the largest eigenvalue of ``H`` (``H`` is positive semi-definite).
    """

    hess: object
    linear: np.ndarray
    lipschitz: float

    def state(self, x):
        return self.hess(x)

    def value_from_state(self, x, hx):
        return 0.5 * float(np.vdot(x, hx)) - float(np.vdot(self.linear, x))

    def gradient_from_state(self, x, hx):
        return hx - self.linear


@dataclass
class ProxGradResult:
    x: np.ndarray
    objective: float
    n_iter: int
    converged: bool
    gradient_mapping: float = 0.0


def accelerated_proximal_gradient(smooth, penalty, x0, *, max_iter=1000, tol=1e-6, scale=None):
    r"""Minimize ``smooth + penalty`` from ``x0`` with restarted, monotone FISTA.

    Parameters
    ----------
    smooth : object
        The loss: ``state(x)`` (linear in ``x``), ``value_from_state(x, s)``,
        ``gradient_from_state(x, s)`` and ``lipschitz`` (a Lipschitz bound of
        the gradient, increased by backtracking when too small), e.g.
        :class:`Quadratic` or the logistic losses. An optional ``metric``
        (positive, per parameter, 1 on every parameter the penalty acts on)
        makes the steps those of the quadratic model
        :math:`\tfrac{L}{2} \sum_i m_i d_i^2`: the logistic losses give their
        unpenalized intercepts the ratio of their curvature to that of X.
    penalty : object
        With ``value(x)`` and ``prox(v, step)``; non-negative with ``value(0) = 0``.
        A penalty whose prox is iterative exposes ``gap_tol``, the duality gap
        its prox stops at (half the squared error bound); it is set at each
        iteration to a tenth of the last step length (squared, halved), and
        never above that of the final stopping step ``tol * scale / L``.
    x0 : ndarray
        Start (warm start); not modified.
    max_iter : int
    tol : float
        Stop when ``L ||y - x_next||_M <= tol * scale``, with
        :math:`\|d\|_M^2 = \sum_i m_i d_i^2` (``m`` the metric).
    scale : float, optional
        Scale of the stopping rule; default the norm of the gradient at 0.

    Returns
    -------
    ProxGradResult
        ``x`` is a prox output (it carries the penalty's exact zeros).
    """
    require(smooth, _SMOOTH_NEEDS, role="smooth loss", solver="accelerated_proximal_gradient")
    require(penalty, ("value", "prox"), role="penalty", solver="accelerated_proximal_gradient")
    zero = np.zeros_like(x0, dtype=float)
    g0 = smooth.gradient_from_state(zero, smooth.state(zero))
    if not np.any(g0):  # f convex, minimized at 0, and h >= 0 = h(0): zero is a minimizer
        return ProxGradResult(zero, smooth.value_from_state(zero, smooth.state(zero)), 0, True)
    if scale is None:
        scale = float(np.linalg.norm(g0))
    L = float(smooth.lipschitz)
    # per-parameter step scales (1 on the penalized parameters): an unpenalized intercept
    # takes steps of its own curvature, not of that of X (at a feature scale of 1e3 a
    # common step left the intercept where it started)
    metric = np.asarray(getattr(smooth, "metric", 1.0), dtype=float)
    x = np.array(x0, dtype=float)
    sx = smooth.state(x)
    fx = smooth.value_from_state(x, sx) + penalty.value(x)
    y, sy, t, momentum = x, sx, 1.0, False
    converged, mapping = False, np.inf
    it = 0
    inexact = hasattr(penalty, "gap_tol")
    tightening = 1.0  # of the inexact prox, after a step it made fail (see below)
    for it in range(1, max_iter + 1):
        if inexact:
            # an iterative prox, accurate to a tenth of the last step (its gap bounds half the
            # squared error), and of the final stopping step: loose early, tight at the end
            step_length = max(mapping if np.isfinite(mapping) else scale, tol * scale) / L
            penalty.gap_tol = 0.5 * (0.1 * step_length) ** 2 * tightening
        f_y = smooth.value_from_state(y, sy)
        grad_y = smooth.gradient_from_state(y, sy)
        while True:  # backtracking: the quadratic upper model at y must hold at z
            z = penalty.prox(y - grad_y / (L * metric), 1.0 / L)
            sz = smooth.state(z)
            f_z = smooth.value_from_state(z, sz)
            d = z - y
            model = f_y + float(np.vdot(grad_y, d)) + 0.5 * L * float(np.vdot(metric * d, d))
            if f_z <= model + 1e-12 * (abs(f_y) + abs(model)):
                break
            L *= 2.0
            if not np.isfinite(L):  # the loss is not finite near y: no step makes the model hold
                return ProxGradResult(x, fx, it, False, mapping)
        fz = f_z + penalty.value(z)
        # the gradient mapping L M d in the dual norm of the metric M: scale-invariant per block
        mapping = L * float(np.sqrt(np.vdot(metric * d, d)))
        if fz <= fx:
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            beta = (t - 1.0) / t_next
            y, sy = z + beta * (z - x), sz + beta * (sz - sx)
            x, sx, fx, t, momentum = z, sz, fz, t_next, True
            if mapping <= tol * scale:
                converged = True
                break
        elif momentum:  # restart: next step is a plain proximal gradient step from x
            y, sy, t, momentum = x, sx, 1.0, False
        elif inexact and tightening > _MIN_TIGHTENING:
            # a plain step with an exact prox cannot increase f + h: this one was the error
            # of the prox; retry it (and every later one) more accurately
            tightening *= 1e-4
        else:  # a plain step from x cannot decrease f + h any more (round-off level)
            converged = not inexact or mapping <= tol * scale
            break
    return ProxGradResult(x, fx, it, converged, mapping)

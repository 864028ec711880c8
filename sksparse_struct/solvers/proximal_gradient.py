r"""Accelerated proximal gradient for a quadratic plus a penalty.

Solves

.. math::

    \min_x \; f(x) + h(x), \qquad f(x) = \tfrac12 \langle x, Hx\rangle - \langle b, x\rangle,

with FISTA (Beck & Teboulle, 2009), step ``1/L`` for ``L >= ||H||_2``, and a
function-value restart (O'Donoghue & Candès, 2015): a step that would
increase ``f + h`` is rejected and the momentum reset, so the iterates
decrease monotonically from ``x0``. Callers that majorize a harder
objective rely on that: the result is never worse than the start.

``f`` is a quadratic so that one product with ``H`` per iteration is enough:
``H y`` at the extrapolated point is the same combination of ``H x_k`` and
``H x_{k-1}`` as ``y`` is of ``x_k`` and ``x_{k-1}``. The stopping rule is the
norm of the gradient mapping ``L (y - x_{k+1})``, an optimality measure for
convex ``h``, relative to ``||b||`` (the gradient at 0).
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["Quadratic", "ProxGradResult", "accelerated_proximal_gradient"]


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

    def value_from_product(self, x, hx):
        return 0.5 * float(np.vdot(x, hx)) - float(np.vdot(self.linear, x))


@dataclass
class ProxGradResult:
    x: np.ndarray
    objective: float
    n_iter: int
    converged: bool


def accelerated_proximal_gradient(quadratic, penalty, x0, *, max_iter=1000, tol=1e-6):
    """Minimize ``quadratic + penalty`` from ``x0`` with restarted, monotone FISTA.

    Parameters
    ----------
    quadratic : Quadratic
    penalty : object
        With ``value(x)`` and ``prox(v, step)``; non-negative with ``value(0) = 0``.
    x0 : ndarray
        Start (warm start); not modified.
    max_iter : int
    tol : float
        Stop when ``||L (y - x_next)|| <= tol * ||b||``.

    Returns
    -------
    ProxGradResult
    """
    b = quadratic.linear
    scale = float(np.linalg.norm(b))
    if scale == 0.0:  # f >= 0 = f(0) and h >= 0 = h(0): zero is a minimizer
        zero = np.zeros_like(x0)
        return ProxGradResult(zero, 0.0, 0, True)
    L = quadratic.lipschitz
    step = 1.0 / L
    x = np.array(x0, dtype=float)
    hx = quadratic.hess(x)
    fx = quadratic.value_from_product(x, hx) + penalty.value(x)
    y, hy, t, momentum = x, hx, 1.0, False
    converged = False
    for it in range(1, max_iter + 1):
        z = penalty.prox(y - step * (hy - b), step)
        hz = quadratic.hess(z)
        fz = quadratic.value_from_product(z, hz) + penalty.value(z)
        mapping = L * float(np.linalg.norm(y - z))
        if fz <= fx:
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            beta = (t - 1.0) / t_next
            y, hy = z + beta * (z - x), hz + beta * (hz - hx)
            x, hx, fx, t, momentum = z, hz, fz, t_next, True
            if mapping <= tol * scale:
                converged = True
                break
        elif momentum:  # restart: next step is a plain proximal gradient step from x
            y, hy, t, momentum = x, hx, 1.0, False
        else:  # a plain step from x cannot decrease f + h any more (round-off level)
            converged = True
            break
    return ProxGradResult(x, fx, it, converged)

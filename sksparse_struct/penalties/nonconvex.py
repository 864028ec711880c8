r"""Concave penalties of a magnitude: MCP, SCAD, log and lq.

Each penalty is :math:`h(x) = \sum_j P(|x_j|)` with :math:`P` non-decreasing and
concave on :math:`[0, \infty)`, :math:`P(0) = 0`. Besides ``value`` and ``prox``,
each exposes ``derivative(t)`` = :math:`P'(t)` (right derivative at 0), the
slope of the tangent line used by the local linear approximation (Zou & Li,
2008): :math:`P(t) \le P(t_0) + P'(t_0)(t - t_0)`, so a concave penalty of a
norm is majorized by a weighted l1 / group-l2 penalty that touches it at
:math:`t_0`. Applied to the norm of a group, ``prox`` gives the group prox:
:math:`\mathrm{prox}(v) = \frac{v}{\|v\|}\,\mathrm{prox}(\|v\|)`.

The prox of a non-convex ``P`` (scalar problem
:math:`\min_{x \ge 0} \tfrac12 (x - |v|)^2 + s P(x)`) is found exactly by
evaluating the objective at every candidate minimizer (0, the breakpoints of
``P`` and the stationary point of each smooth piece) and keeping the best;
for large steps this is a thresholding with a jump, which the candidates
handle without case analysis.
"""

import numpy as np

__all__ = ["MCP", "SCAD", "LogPenalty", "Lq"]


class _ConcavePenalty:
    """Shared ``value`` / ``prox`` from the scalar ``_p`` and the candidate points."""

    def _p(self, t):
        raise NotImplementedError

    def _candidates(self, a, step):
        """Possible minimizers of ``(x - a)^2 / 2 + step * P(x)`` over ``x >= 0``."""
        raise NotImplementedError

    def value(self, x):
        return float(np.sum(self._p(np.abs(x))))

    def prox(self, v, step):
        r"""``argmin_x h(x) + ||x - v||^2 / (2 step)``, coordinate-wise (one minimizer on ties)."""
        v = np.asarray(v, dtype=float)
        a = np.abs(v)
        cand = np.stack([np.broadcast_to(c, a.shape) for c in self._candidates(a, step)])
        with np.errstate(over="ignore"):  # far candidates (breakpoints at a huge alpha) lose
            obj = 0.5 * (cand - a) ** 2 + step * self._p(cand)
        best = np.take_along_axis(cand, np.argmin(obj, axis=0)[None], axis=0)[0]
        return np.sign(v) * best

    def _slope_at_zero(self):
        """:math:`P'(0^+)` (infinite for lq)."""
        return float(self.derivative(0.0))

    def subdiff_distance(self, x, g):
        r"""Distance of ``g`` to the (Fréchet) subdifferential of :math:`h` at ``x``, per coordinate.

        :math:`\{P'(|x_j|)\,\mathrm{sign}(x_j)\}` when :math:`x_j \ne 0`,
        :math:`[-P'(0^+), P'(0^+)]` at 0: zero exactly at a stationary point.
        """
        x, g = np.asarray(x, dtype=float), np.asarray(g, dtype=float)
        slope = self.derivative(np.where(x != 0, np.abs(x), 1.0))  # used where x != 0 only
        at_zero = np.maximum(np.abs(g) - self._slope_at_zero(), 0.0)
        return np.where(x != 0, np.abs(g - slope * np.sign(x)), at_zero)

    def dual_norm(self, g):
        """Smallest ``t`` with ``g`` in ``t`` times the subdifferential at 0: ``max|g| / P'(0+)``.

        0 for lq, whose subdifferential at 0 is the whole line.
        """
        slope = self._slope_at_zero()
        top = float(np.max(np.abs(g), initial=0.0))
        return 0.0 if np.isinf(slope) else top / slope if slope > 0 else (np.inf if top else 0.0)


def _check_positive(name, value):
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")


class MCP(_ConcavePenalty):
    r"""Minimax concave penalty (Zhang, 2010).

    .. math::

        P(t) = \begin{cases} \alpha t - \frac{t^2}{2\gamma} & t \le \gamma\alpha \\
        \frac{\gamma\alpha^2}{2} & t > \gamma\alpha \end{cases},
        \qquad P'(t) = \Big(\alpha - \frac{t}{\gamma}\Big)_+ .

    Parameters
    ----------
    alpha : float
        Penalty strength, >= 0.
    gamma : float
        Concavity, > 1 (the penalty tends to the l1 norm as gamma grows).

    Examples
    --------
    The prox is firm thresholding: zero below ``alpha``, the identity above
    ``gamma * alpha``, linear in between.

    >>> import numpy as np
    >>> from sksparse_struct.penalties import MCP
    >>> penalty = MCP(alpha=1.0, gamma=3.0)
    >>> penalty.prox(np.array([0.5, 2.0, 10.0]), step=1.0)
    array([ 0. ,  1.5, 10. ])
    >>> penalty.derivative(np.array([0.0, 1.5, 4.0]))
    array([1. , 0.5, 0. ])
    """

    def __init__(self, alpha, gamma=3.0):
        if alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {alpha}")
        if not gamma > 1:
            raise ValueError(f"MCP needs gamma > 1, got gamma={gamma}")
        self.alpha, self.gamma = alpha, gamma

    def _p(self, t):
        # m (alpha - m / (2 gamma)) with m = min(t, gamma alpha): both pieces in one
        # expression that never squares alpha (alpha**2 overflows from 1e155 on)
        m = np.minimum(t, self.gamma * self.alpha)
        return m * (self.alpha - m / (2 * self.gamma))

    def derivative(self, t):
        return np.maximum(self.alpha - np.asarray(t, dtype=float) / self.gamma, 0.0)

    def _candidates(self, a, step):
        lam, g = self.alpha, self.gamma
        knot = g * lam
        out = [0.0, knot, np.maximum(a, knot)]
        if g > step:  # first piece strictly convex: its stationary point (firm thresholding)
            out.append(np.clip((a - step * lam) / (1.0 - step / g), 0.0, knot))
        return out


class SCAD(_ConcavePenalty):
    r"""Smoothly clipped absolute deviation penalty (Fan & Li, 2001).

    .. math::

        P(t) = \begin{cases} \alpha t & t \le \alpha \\
        \frac{2\gamma\alpha t - t^2 - \alpha^2}{2(\gamma - 1)} & \alpha < t \le \gamma\alpha \\
        \frac{(\gamma + 1)\alpha^2}{2} & t > \gamma\alpha \end{cases},
        \qquad P'(t) = \min\Big(\alpha, \frac{(\gamma\alpha - t)_+}{\gamma - 1}\Big).

    Parameters
    ----------
    alpha : float
        Penalty strength, >= 0.
    gamma : float
        Concavity, > 2 (3.7 is Fan & Li's choice).

    Examples
    --------
    Soft thresholding up to ``2 * alpha``, the identity above ``gamma * alpha``:

    >>> import numpy as np
    >>> from sksparse_struct.penalties import SCAD
    >>> penalty = SCAD(alpha=1.0)
    >>> penalty.prox(np.array([0.5, 2.0, 10.0]), step=1.0)
    array([ 0.,  1., 10.])
    >>> penalty.value(np.array([0.5, 10.0]))  # alpha * 0.5 + (gamma + 1) * alpha**2 / 2
    2.85
    """

    def __init__(self, alpha, gamma=3.7):
        if alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {alpha}")
        if not gamma > 2:
            raise ValueError(f"SCAD needs gamma > 2, got gamma={gamma}")
        self.alpha, self.gamma = alpha, gamma

    def _p(self, t):
        # alpha m - ((m - alpha)_+)^2 / (2 (gamma - 1)) with m = min(t, gamma alpha): the
        # three pieces in one expression that never squares alpha (it overflows from 1e155 on)
        lam, g = self.alpha, self.gamma
        m = np.minimum(t, g * lam)
        return lam * m - np.maximum(m - lam, 0.0) ** 2 / (2 * (g - 1))

    def derivative(self, t):
        lam, g = self.alpha, self.gamma
        t = np.asarray(t, dtype=float)
        return np.minimum(lam, np.maximum(g * lam - t, 0.0) / (g - 1))

    def _candidates(self, a, step):
        lam, g = self.alpha, self.gamma
        out = [0.0, lam, g * lam, np.clip(a - step * lam, 0.0, lam), np.maximum(a, g * lam)]
        if g - 1 > step:  # middle piece strictly convex
            x = (a - step * g * lam / (g - 1)) / (1.0 - step / (g - 1))
            out.append(np.clip(x, lam, g * lam))
        return out


class LogPenalty(_ConcavePenalty):
    r"""Log penalty :math:`P(t) = \alpha \log(1 + t/\epsilon)` (Candès, Wakin & Boyd, 2008).

    :math:`P'(t) = \alpha / (\epsilon + t)`; small ``epsilon`` approaches the l0 penalty.

    Parameters
    ----------
    alpha : float
        Penalty strength, >= 0.
    epsilon : float
        Scale, > 0.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import LogPenalty
    >>> penalty = LogPenalty(alpha=1.0, epsilon=1.0)
    >>> penalty.value(np.array([np.e - 1]))
    1.0
    >>> penalty.prox(np.array([0.5, 5.0]), step=1.0)
    array([0.        , 4.82842712])
    """

    def __init__(self, alpha, epsilon=1.0):
        if alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {alpha}")
        _check_positive("epsilon", epsilon)
        self.alpha, self.epsilon = alpha, epsilon

    def _p(self, t):
        return self.alpha * np.log1p(t / self.epsilon)

    def derivative(self, t):
        return self.alpha / (self.epsilon + np.asarray(t, dtype=float))

    def _candidates(self, a, step):
        # stationary points solve x^2 + (eps - a) x + (step*alpha - a*eps) = 0
        eps = self.epsilon
        disc = (a + eps) ** 2 - 4 * step * self.alpha
        root = np.sqrt(np.maximum(disc, 0.0))
        real = disc >= 0
        return [0.0] + [np.where(real, np.maximum(0.5 * (a - eps + sgn * root), 0.0), 0.0)
                        for sgn in (1.0, -1.0)]


class Lq(_ConcavePenalty):
    r"""Bridge penalty :math:`P(t) = \alpha t^q` with :math:`0 < q < 1` (Frank & Friedman, 1993).

    :math:`P'(t) = \alpha q t^{q-1}`, infinite at 0: once a coordinate (or a
    group) is zero, the local linear approximation keeps it at zero.

    Parameters
    ----------
    alpha : float
        Penalty strength, >= 0.
    q : float
        Exponent in (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import Lq
    >>> penalty = Lq(alpha=1.0, q=0.5)
    >>> penalty.value(np.array([4.0, 9.0]))
    5.0
    >>> penalty.derivative(np.array([1.0, 4.0]))
    array([0.5 , 0.25])
    """

    _n_bisect = 100

    def __init__(self, alpha, q=0.5):
        if alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {alpha}")
        if not 0 < q < 1:
            raise ValueError(f"lq needs 0 < q < 1, got q={q}")
        self.alpha, self.q = alpha, q

    def _p(self, t):
        return self.alpha * np.power(t, self.q)

    def derivative(self, t):
        with np.errstate(divide="ignore"):
            return self.alpha * self.q * np.power(np.asarray(t, dtype=float), self.q - 1)

    def _candidates(self, a, step):
        # x > 0 is stationary iff phi(x) = x + step*alpha*q*x^(q-1) equals a; phi is convex
        # with its minimum at x_min, and the local minimizer is the root on [x_min, a].
        c = step * self.alpha * self.q
        if c == 0:
            return [0.0, a]
        x_min = (c * (1 - self.q)) ** (1 / (2 - self.q))
        lo = np.full_like(a, x_min)
        hi = np.maximum(a, x_min)
        for _ in range(self._n_bisect):
            mid = 0.5 * (lo + hi)
            above = mid + c * mid ** (self.q - 1) > a
            hi = np.where(above, mid, hi)
            lo = np.where(above, lo, mid)
        exists = x_min + c * x_min ** (self.q - 1) <= a
        return [0.0, np.where(exists, hi, 0.0)]

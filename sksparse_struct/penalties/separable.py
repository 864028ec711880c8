"""Penalties that act on each coordinate separately."""

import numpy as np

__all__ = ["WeightedL1", "soft_threshold"]


def soft_threshold(v, threshold):
    """Proximal operator of ``threshold * |x|``: ``sign(v) * max(|v| - threshold, 0)``."""
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


class WeightedL1:
    r"""Weighted l1 norm :math:`h(x) = \sum_j c_j |x_j|` with :math:`c_j \ge 0`.

    Parameters
    ----------
    weights : float or ndarray of shape (n,)
        The non-negative coefficients :math:`c_j` (penalty strength included).
    """

    def __init__(self, weights):
        self.weights = weights

    def value(self, x):
        return float(np.sum(self.weights * np.abs(x)))

    def prox(self, v, step):
        r"""``argmin_x h(x) + ||x - v||^2 / (2 step)``: soft thresholding at ``step * c``."""
        return soft_threshold(v, step * self.weights)

    def subdiff_distance(self, x, g):
        r"""Distance of ``g`` to :math:`\partial h(x)`, coordinate by coordinate.

        :math:`\partial h(x)_j = \{c_j\,\mathrm{sign}(x_j)\}` when :math:`x_j \neq 0`,
        :math:`[-c_j, c_j]` otherwise.
        """
        c = np.broadcast_to(self.weights, np.shape(x))
        return np.where(x != 0, np.abs(g - c * np.sign(x)), np.maximum(np.abs(g) - c, 0.0))

    def dual_norm(self, g):
        r"""Smallest :math:`t` such that ``g`` lies in :math:`t\,\partial h(0)`."""
        g = np.abs(g)
        c = np.broadcast_to(self.weights, g.shape)
        if np.any((c == 0) & (g > 0)):
            return np.inf
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.max(np.where(g > 0, g / c, 0.0), initial=0.0))

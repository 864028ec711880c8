"""Penalties that act on each coordinate separately."""

import numpy as np

__all__ = ["WeightedL1", "along_rows", "soft_threshold"]


def along_rows(weights, v):
    """``weights`` (one per coordinate) shaped to broadcast against ``v``.

    A 2-d ``v`` of shape (n, k) is a batch of k independent problems, one per
    column, so per-coordinate weights of shape (n,) apply along its rows.
    """
    weights = np.asarray(weights)
    if weights.ndim == 1 and np.ndim(v) == 2:
        return weights[:, None]
    return weights


def soft_threshold(v, threshold):
    """Proximal operator of ``threshold * |x|``: ``sign(v) * max(|v| - threshold, 0)``.

    Parameters
    ----------
    v : ndarray
        Point at which the operator is evaluated.
    threshold : float or ndarray broadcastable to ``v``
        Non-negative thresholds.

    Returns
    -------
    x : ndarray
        ``v`` shrunk towards zero by ``threshold``, exactly zero where
        ``|v| <= threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import soft_threshold
    >>> soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0)
    array([-1.,  0.,  2.])
    """
    v = np.asarray(v)
    out = np.abs(v).astype(np.result_type(v, threshold, 0.0), copy=False)
    if out.ndim == 0 or np.broadcast_shapes(np.shape(threshold), out.shape) != out.shape:
        return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)
    # in place: one temporary instead of four (this runs after every step of the networks)
    out -= threshold
    np.maximum(out, 0, out=out)
    return np.copysign(out, v, out=out)


class WeightedL1:
    r"""Weighted l1 norm :math:`h(x) = \sum_j c_j |x_j|` with :math:`c_j \ge 0`.

    Every method also takes a batch: ``x`` of shape (n, k) holds k problems,
    one per column (``weights`` of shape (n,) are shared by all columns),
    and ``value`` returns one value per column.

    Parameters
    ----------
    weights : float or ndarray of shape (n,) or (n, k)
        The non-negative coefficients :math:`c_j` (penalty strength included).

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import WeightedL1
    >>> penalty = WeightedL1(np.array([1.0, 0.5, 0.0]))
    >>> penalty.value(np.array([2.0, -2.0, 3.0]))
    3.0
    >>> penalty.prox(np.array([2.0, -2.0, 3.0]), step=1.0)
    array([ 1. , -1.5,  3. ])
    """

    def __init__(self, weights):
        self.weights = weights

    def value(self, x):
        """:math:`h(x)`; for a batch, one value per column.

        A zero coordinate costs nothing, also under an infinite weight (a
        coordinate held at zero: ``inf * 0`` is taken as 0, not NaN).
        """
        with np.errstate(invalid="ignore"):
            terms = along_rows(self.weights, x) * np.abs(x)
        terms = np.where(x != 0, terms, 0.0)
        return terms.sum(axis=0) if np.ndim(x) == 2 else float(np.sum(terms))

    def derivative(self, t):
        r"""Slope :math:`c_j` of the penalty of a magnitude :math:`t_j \ge 0`.

        As for the concave penalties, so that the local linear approximation of
        a penalty on norms (the reduced-rank alternation) takes the lasso too:
        it is its own tangent.
        """
        return np.broadcast_to(self.weights, np.shape(t)).astype(float)

    def select_columns(self, keep):
        """The penalty of the batch columns ``keep`` (weights of shape (n, k) are per column)."""
        return WeightedL1(self.weights[:, keep]) if np.ndim(self.weights) == 2 else self

    def prox(self, v, step):
        r"""``argmin_x h(x) + ||x - v||^2 / (2 step)``: soft thresholding at ``step * c``."""
        if np.ndim(self.weights) == 0 and self.weights == 0:  # no shrinkage: a copy of v
            v = np.asarray(v)
            return v.astype(v.dtype if np.issubdtype(v.dtype, np.floating) else float)
        return soft_threshold(v, step * along_rows(self.weights, v))

    def subdiff_distance(self, x, g):
        r"""Distance of ``g`` to :math:`\partial h(x)`, coordinate by coordinate.

        :math:`\partial h(x)_j = \{c_j\,\mathrm{sign}(x_j)\}` when :math:`x_j \neq 0`,
        :math:`[-c_j, c_j]` otherwise.
        """
        c = np.broadcast_to(along_rows(self.weights, x), np.shape(x))
        return np.where(x != 0, np.abs(g - c * np.sign(x)), np.maximum(np.abs(g) - c, 0.0))

    def dual_norm(self, g):
        r"""Smallest :math:`t` such that ``g`` lies in :math:`t\,\partial h(0)`."""
        g = np.abs(g)
        c = np.broadcast_to(along_rows(self.weights, g), g.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            # a coordinate with weight 0 and g != 0 can never be zeroed: inf
            ratio = np.where(g > 0, np.where(c > 0, g / c, np.inf), 0.0)
        if g.ndim == 2:  # a batch: one value per column
            return np.max(ratio, axis=0, initial=0.0)
        return float(np.max(ratio, initial=0.0))

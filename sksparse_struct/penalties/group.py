"""Penalties on disjoint groups of coordinates: group l2 and sparse group."""

import numpy as np

from .._structure import Groups
from .separable import WeightedL1, along_rows, soft_threshold

__all__ = ["RowGroupL2", "SparseGroupL2", "row_norms"]


class SparseGroupL2:
    r"""Sparse group penalty on disjoint groups.

    .. math::

        h(x) = \sum_j c_j |x_j| + \sum_g \lambda_g \|x_g\|_2

    Coordinates in no group get only the l1 term. ``c = 0`` gives the group
    lasso, ``lambda = 0`` (or no groups) the weighted lasso.

    Parameters
    ----------
    l1_weights : float or ndarray of shape (n,)
        Non-negative :math:`c_j`.
    group_weights : ndarray of shape (n_groups,)
        Non-negative :math:`\lambda_g` (penalty strength included).
    groups : Groups or None
        Canonical groups from :func:`sksparse_struct._structure.check_groups`.

    Notes
    -----
    For disjoint groups the prox is exactly the composition of soft
    thresholding and block shrinkage (Friedman, Hastie & Tibshirani, 2010):

    .. math::

        \mathrm{prox}_{s h}(v)_g = \Big(1 - \frac{s\lambda_g}{\|u_g\|_2}\Big)_+ u_g,
        \qquad u = \mathrm{sign}(v)\,(|v| - s c)_+ .

    Examples
    --------
    The group lasso on two groups of two coordinates: the prox shrinks the
    first group by ``1 - 1/5`` and zeroes the second, whose norm is below 1.

    >>> import numpy as np
    >>> from sksparse_struct._structure import check_groups
    >>> from sksparse_struct.penalties import SparseGroupL2
    >>> penalty = SparseGroupL2(0.0, np.array([1.0, 1.0]), check_groups([0, 0, 1, 1], 4))
    >>> penalty.prox(np.array([3.0, 4.0, 0.3, 0.4]), step=1.0)
    array([2.4, 3.2, 0. , 0. ])
    """

    def __init__(self, l1_weights, group_weights, groups):
        self.l1 = WeightedL1(l1_weights)
        self.group_weights = group_weights
        self.groups = groups

    def scaled(self, factor):
        """The same penalty multiplied by ``factor``."""
        lam = None if self.group_weights is None else factor * self.group_weights
        return SparseGroupL2(factor * self.l1.weights, lam, self.groups)

    def _ungrouped(self, n_features):
        mask = np.ones(n_features, dtype=bool)
        if self.has_groups():
            mask[self.groups.indices] = False
        return np.flatnonzero(mask)

    def unit_sizes(self, n_features):
        """Sizes of the units of :meth:`subdiff_distance`: the groups, then one per ungrouped coordinate."""
        sizes = self.groups.sizes if self.has_groups() else np.empty(0, dtype=np.intp)
        return np.concatenate([sizes, np.ones(self._ungrouped(n_features).size, dtype=np.intp)])

    def feature_units(self, n_features):
        """The unit (in :meth:`unit_sizes` order) of each coordinate, shape (n_features,)."""
        sizes = self.unit_sizes(n_features)
        in_unit_order, _ = self.restrict(np.ones(sizes.size, dtype=bool), n_features)
        units = np.empty(n_features, dtype=np.intp)
        units[in_unit_order] = np.repeat(np.arange(sizes.size), sizes)
        return units

    def restrict(self, keep, n_features):
        """The penalty on the units ``keep`` (boolean, in :meth:`subdiff_distance` order) only.

        Returns
        -------
        features : ndarray of int
            The original indices of the features kept; feature ``i`` of the
            restricted problem is ``features[i]``.
        penalty : SparseGroupL2
            The penalty of the restricted problem.
        """
        n_groups = self.groups.n_groups if self.has_groups() else 0
        keep_groups, keep_single = keep[:n_groups], keep[n_groups:]
        grouped = (self.groups.indices[self.groups.expand(keep_groups)] if n_groups
                   else np.empty(0, dtype=np.intp))
        features = np.concatenate([grouped, self._ungrouped(n_features)[keep_single]])
        l1 = self.l1.weights
        l1 = l1[features] if np.ndim(l1) else l1
        if not n_groups:
            return features, SparseGroupL2(l1, None, None)
        sizes = self.groups.sizes[keep_groups]
        groups = Groups(np.arange(grouped.size), np.concatenate([[0], np.cumsum(sizes)]),
                        self.groups.weights[keep_groups], features.size)
        return features, SparseGroupL2(l1, self.group_weights[keep_groups], groups)

    def has_groups(self):
        return self.groups is not None and self.groups.n_groups > 0

    def select_columns(self, keep):
        """The penalty of the batch columns ``keep`` (l1 weights of shape (n, k) are per column)."""
        l1 = self.l1.select_columns(keep)
        return self if l1 is self.l1 else SparseGroupL2(l1.weights, self.group_weights, self.groups)

    def _group_norms(self, x):
        """Group norms: shape (n_groups,), or (n_groups, k) for a batch of k columns."""
        return self.groups.column_norms(x) if np.ndim(x) == 2 else self.groups.norms(x)

    def value(self, x):
        """:math:`h(x)`; for a batch (``x`` of shape (n, k)), one value per column."""
        val = self.l1.value(x)
        if self.has_groups():
            val = val + along_rows(self.group_weights, x).T @ self._group_norms(x)
            val = val.ravel() if np.ndim(x) == 2 else float(val)
        return val

    def prox(self, v, step):
        """Prox of ``step * h``; a batch ``v`` of shape (n, k) is k problems, one per column."""
        u = self.l1.prox(v, step)
        if not self.has_groups():
            return u
        norms = self._group_norms(u)
        lam = along_rows(self.group_weights, u)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(norms > 0, np.maximum(1.0 - step * lam / norms, 0.0), 0.0)
        self.groups.scale(u, shrink.astype(u.dtype, copy=False))
        return u

    def subdiff_distance(self, x, g):
        r"""Distance of ``g`` to :math:`\partial h(x)`, per group and per ungrouped coordinate.

        Returns an array whose entries are the distances for each group
        followed by those of the ungrouped coordinates; its max is the
        optimality violation.
        """
        coord = self.l1.subdiff_distance(x, g)
        if not self.has_groups():
            return coord
        idx, groups = self.groups.indices, self.groups
        lam = groups.expand(self.group_weights)
        xg, gg = x[idx], g[idx]
        norms = groups.norms(x)
        active = groups.expand(norms > 0)
        # active group: the group term has the single gradient lambda x_g / ||x_g||
        with np.errstate(divide="ignore", invalid="ignore"):
            direction = np.where(active, xg / groups.expand(norms), 0.0)
        c = np.broadcast_to(self.l1.weights, np.shape(x))[idx]
        residual_active = WeightedL1(c).subdiff_distance(xg, gg - lam * direction)
        dist_active = np.sqrt(np.add.reduceat(residual_active**2, groups.ptr[:-1]))
        # inactive group: distance of g_g to the set {l1 box} + {lambda ball}
        excess = np.sqrt(np.add.reduceat(soft_threshold(gg, c) ** 2, groups.ptr[:-1]))
        dist_zero = np.maximum(excess - self.group_weights, 0.0)
        per_group = np.where(norms > 0, dist_active, dist_zero)
        return np.concatenate([per_group, coord[self._ungrouped(np.shape(x)[0])]])

    def dual_norm(self, g, *, n_bisect=100):
        r"""Smallest :math:`t` with ``g`` in :math:`t\,\partial h(0)`.

        For a group this is the root of :math:`\|S_{tc}(g_g)\|_2 = t\lambda_g`
        (``S`` soft thresholding), which is decreasing in ``t``; all groups are
        bisected at once.
        """
        g = np.asarray(g, dtype=float)
        if not self.has_groups():
            return self.l1.dual_norm(g)
        idx, groups = self.groups.indices, self.groups
        ungrouped = self._ungrouped(g.shape[0])
        c_all = np.broadcast_to(self.l1.weights, g.shape)
        t_ungrouped = WeightedL1(c_all[ungrouped]).dual_norm(g[ungrouped])
        c, gg, lam = c_all[idx], g[idx], self.group_weights

        def excess(t):
            st = soft_threshold(gg, groups.expand(t) * c)
            return np.sqrt(np.add.reduceat(st**2, groups.ptr[:-1])) - t * lam

        # upper bracket: the group term alone (or the l1 term alone) zeroes the group
        with np.errstate(divide="ignore", invalid="ignore"):
            t_group = np.where(lam > 0, groups.norms(g) / lam, np.inf)
            # the l1 term alone zeroes the group at max_j |g_j| / c_j (over g_j != 0)
            ratio = np.where(np.abs(gg) > 0, np.abs(gg) / c, 0.0)
            t_l1 = np.maximum.reduceat(ratio, groups.ptr[:-1])
        hi = np.minimum(t_group, t_l1)
        if np.any(~np.isfinite(hi)):
            return np.inf
        lo = np.zeros_like(hi)
        for _ in range(n_bisect):
            mid = 0.5 * (lo + hi)
            above = excess(mid) > 0
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
        return float(max(np.max(hi, initial=0.0), t_ungrouped))


def row_norms(B):
    """Euclidean norm of each row of a 2-d array."""
    return np.sqrt(np.einsum("ij,ij->i", B, B))


class RowGroupL2:
    r"""Weighted group lasso on the rows of a (p, r) matrix: :math:`\sum_j w_j \|B_j\|_2`.

    :class:`SparseGroupL2` without its l1 part, with the rows of a matrix as
    groups, stored as the matrix itself: the prox is a row-wise shrinkage with
    no index gathering, for solvers that apply it at every inner iteration
    (the reduced-rank B-step).

    Parameters
    ----------
    weights : ndarray of shape (p,)
        Non-negative :math:`w_j` (penalty strength included).

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import RowGroupL2
    >>> pen = RowGroupL2(np.array([1.0, 10.0]))
    >>> B = np.array([[3.0, 4.0], [0.3, 0.4]])
    >>> pen.value(B)
    10.0
    >>> pen.prox(B, 1.0)  # the first row shrinks by 1, the second vanishes
    array([[2.4, 3.2],
           [0. , 0. ]])
    """

    def __init__(self, weights):
        self.weights = weights

    def value(self, B):
        return float(self.weights @ row_norms(B))

    def prox(self, V, step):
        """Row-wise block shrinkage of ``V`` by ``step * weights``."""
        # (||v|| - s w)_+ / ||v|| written so that a zero row divides 0 by a tiny number
        norms = row_norms(V)
        shrink = (np.maximum(norms - step * self.weights, 0.0)
                  / np.maximum(norms, np.finfo(float).tiny))
        return V * shrink[:, None]

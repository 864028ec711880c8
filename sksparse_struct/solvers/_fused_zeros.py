r"""The exact zeros that the prox outputs of an ADMM point imply together.

On ``loss + h_0(x) + sum_k h_k(K_k x)``, the prox of the identity block gives
exact zeros of ``x``, and the prox of an image block exact zeros of rows of
``K_k x``. A row with two entries set to zero (an edge of a graph term,
``x_j - x_k = 0``) fuses its two coordinates, so a coordinate fused, through
such rows, to an exact zero of the identity block's prox is zero too. The
separable prox alone never gives these zeros: the multiplier of a coordinate
held at zero by the graph term lies exactly on the boundary of the separable
subdifferential, and that prox only approaches zero at the rate of the
residuals, at any tolerance. No threshold on the coefficients enters: every
zero returned is implied by prox outputs.

Given the identity block's multiplier, a cluster is kept as it is when zeroing
it would put that multiplier outside the subdifferential of a unit of ``h_0``
(a group that stays non-zero while some of its members are zeroed): the
optimality certificate would reject that point.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["FusedZeros"]


class FusedZeros:
    """``coef`` with the zeros that the split variables ``z`` (one per block) imply.

    Parameters
    ----------
    blocks : list of (K, h)
        As for :func:`~sksparse_struct.solvers.admm`; zeros are implied when
        the first block is the identity and an image block has rows of two
        entries.
    p : int
        Number of coordinates.
    """

    def __init__(self, blocks, p):
        self.p = p
        self.h0 = blocks[0][1] if blocks and blocks[0][0] is None else None
        self.edges = []  # per block after the first: None, or its two-entry rows and their ends
        for K, _ in blocks[1:] if self.h0 is not None else ():
            if K is None:  # another identity block: no rows to fuse
                self.edges.append(None)
                continue
            K = sp.csr_matrix(K, copy=True)  # eliminate_zeros below must not touch the caller's
            K.eliminate_zeros()
            double = np.flatnonzero(np.diff(K.indptr) == 2)
            starts = K.indptr[double]
            self.edges.append((double, K.indices[starts], K.indices[starts + 1]))
        # coordinate -> its unit of h0.subdiff_distance; without it no multiplier check
        has_edges = any(e is not None for e in self.edges)
        self.unit_of = (self.h0.feature_units(p)
                        if has_edges and hasattr(self.h0, "feature_units") else None)

    def __call__(self, coef, z, multiplier=None, allowed=0.0):
        """``coef`` with the implied zeros (``coef`` itself when there are none).

        With ``multiplier`` (the identity block's; ignored when the penalty's units
        are not known), every cluster that touches a unit whose subdifferential
        zeroing would put ``multiplier`` farther from than ``allowed`` (and than at
        ``coef``) is not zeroed: ``allowed`` is in the units of
        ``subdiff_distance``, as the default certificate of ADMM is.
        """
        zero = coef == 0
        if not (np.any(zero) and any(e is not None for e in self.edges)):
            return coef
        heads, tails = [], []
        for edges, zk in zip(self.edges, z[1:]):
            if edges is not None:
                rows, head, tail = edges
                fused = zk[rows] == 0
                heads.append(head[fused])
                tails.append(tail[fused])
        heads, tails = np.concatenate(heads), np.concatenate(tails)
        if not np.any(zero[heads] != zero[tails]):
            return coef  # no fused link joins a zero to a non-zero: no cluster has both
        n_clusters, cluster = connected_components(
            sp.coo_matrix((np.ones(heads.size), (heads, tails)), shape=(self.p, self.p)),
            directed=False)
        held = np.bincount(cluster, weights=zero, minlength=n_clusters) > 0
        held &= np.bincount(cluster, weights=~zero, minlength=n_clusters) > 0  # else nothing to do
        if not np.any(held):
            return coef
        x = np.where(held[cluster], 0.0, coef)
        if multiplier is not None and self.unit_of is not None:
            rounding = 8 * np.finfo(float).eps * float(np.max(np.abs(multiplier), initial=0.0))
            before = np.maximum(self.h0.subdiff_distance(coef, multiplier), allowed) + rounding
            while np.any(held):
                worse = self.h0.subdiff_distance(x, multiplier) > before
                released = np.unique(cluster[worse[self.unit_of]])
                if not np.any(held[released]):
                    break
                held[released] = False
                x = np.where(held[cluster], 0.0, coef)
        return x if np.any(held) else coef

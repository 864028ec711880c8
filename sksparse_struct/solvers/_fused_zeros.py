r"""The exact zeros that the prox outputs of an ADMM point imply together.

On ``loss + h_0(x) + sum_k h_k(K_k x)``, the prox of the identity block gives
exact zeros of ``x``, and the prox of an image block exact zeros of rows of
``K_k x``. A row with two entries set to zero (an edge of a graph term,
``x_j - x_k = 0``) fuses its two coordinates, so a coordinate fused, through
such rows, to an exact zero of the identity block's prox is zero as well.
The separable prox alone never gives these zeros: the multiplier of a
coordinate held at zero by the graph term lies exactly on the boundary of the
separable subdifferential, and that prox only approaches zero at the rate of
the residuals, at any tolerance. No threshold enters here: every zero
returned was produced by a prox.
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
        As for :func:`~sksparse_struct.solvers.admm` (``K`` None for the identity).
    p : int
        Number of coordinates.
    """

    def __init__(self, blocks, p):
        self.p = p
        self.rows = []  # per block: None (identity), or its two-entry rows and their ends
        for K, _ in blocks:
            if K is None:
                self.rows.append(None)
                continue
            K = sp.csr_matrix(K)
            K.eliminate_zeros()
            double = np.flatnonzero(np.diff(K.indptr) == 2)
            starts = K.indptr[double]
            self.rows.append((double, np.column_stack([K.indices[starts], K.indices[starts + 1]])))

    def __call__(self, coef, z):
        zero = coef == 0
        pairs = [rows[1][zk[rows[0]] == 0] for rows, zk in zip(self.rows, z) if rows is not None]
        if not (np.any(zero) and any(len(pair) for pair in pairs)):
            return coef
        pairs = np.concatenate(pairs)
        fused = sp.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])),
                              shape=(self.p, self.p))
        _, cluster = connected_components(fused, directed=False)
        held = np.zeros(cluster.max() + 1, dtype=bool)
        held[cluster[zero]] = True
        return np.where(held[cluster], 0.0, coef)

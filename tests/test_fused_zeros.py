"""The zeros that the prox outputs of an ADMM point imply together (solvers/_fused_zeros.py)."""

import numpy as np
import scipy.sparse as sp

from sksparse_struct.solvers._fused_zeros import FusedZeros


def _chain(p):
    """Incidence rows e_j - e_{j+1} of the chain 0 - 1 - ... - p-1."""
    e = np.arange(p - 1)
    return sp.csr_matrix((np.r_[np.ones(p - 1), -np.ones(p - 1)], (np.r_[e, e], np.r_[e, e + 1])),
                         shape=(p - 1, p))


def test_a_cluster_fused_to_an_exact_zero_is_zero():
    coef = np.array([0.0, 1e-9, -2e-9, 0.5, 0.5, 3e-9])
    # edges (0,1), (1,2) and (3,4) fused by the graph prox; (2,3) and (4,5) not
    z = [coef, np.array([0.0, 0.0, 0.3, 0.0, 0.2])]
    out = FusedZeros([(None, None), (_chain(6), None)], 6)(coef, z)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0, 0.5, 0.5, 3e-9])
    assert coef[1] == 1e-9  # the input is not modified


def test_nothing_changes_without_a_fused_edge_or_an_exact_zero():
    fused = FusedZeros([(None, None), (_chain(4), None)], 4)
    coef = np.array([1e-9, 2e-9, 0.1, 0.2])
    assert fused(coef, [coef, np.array([0.0, 0.1, 0.1])]) is coef  # no exact zero
    with_zero = np.array([0.0, 2e-9, 0.1, 0.2])
    np.testing.assert_array_equal(fused(with_zero, [with_zero, np.array([0.1, 0.1, 0.1])]),
                                  with_zero)  # no fused edge


def test_rows_of_other_lengths_fuse_nothing():
    """Only a row with two entries is an edge: a row zero over three coordinates fuses none."""
    K = sp.csr_matrix(np.array([[1.0, 1.0, 1.0, 0.0]]))
    coef = np.array([0.0, 1e-9, -1e-9, 0.3])
    out = FusedZeros([(None, None), (K, None)], 4)(coef, [coef, np.array([0.0])])
    np.testing.assert_array_equal(out, coef)

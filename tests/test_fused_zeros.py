"""The zeros that the prox outputs of an ADMM point imply together (solvers/_fused_zeros.py)."""

import numpy as np
import scipy.sparse as sp

from sksparse_struct._structure import check_groups
from sksparse_struct.penalties import SparseGroupL2, WeightedL1
from sksparse_struct.solvers._fused_zeros import FusedZeros


def _chain(p):
    """Incidence rows e_j - e_{j+1} of the chain 0 - 1 - ... - p-1."""
    e = np.arange(p - 1)
    return sp.csr_matrix((np.r_[np.ones(p - 1), -np.ones(p - 1)], (np.r_[e, e], np.r_[e, e + 1])),
                         shape=(p - 1, p))


def _blocks(K, separable=None):
    return [(None, separable or SparseGroupL2(0.1, None, None)), (K, WeightedL1(0.2))]


def test_a_cluster_fused_to_an_exact_zero_is_zero():
    coef = np.array([0.0, 1e-9, -2e-9, 0.5, 0.5, 3e-9])
    # edges (0,1), (1,2) and (3,4) fused by the graph prox; (2,3) and (4,5) not
    z = [coef, np.array([0.0, 0.0, 0.3, 0.0, 0.2])]
    out = FusedZeros(_blocks(_chain(6)), 6)(coef, z)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0, 0.5, 0.5, 3e-9])
    assert coef[1] == 1e-9  # the input is not modified


def test_nothing_changes_without_a_fused_edge_or_an_exact_zero():
    fused = FusedZeros(_blocks(_chain(4)), 4)
    coef = np.array([1e-9, 2e-9, 0.1, 0.2])
    assert fused(coef, [coef, np.array([0.0, 0.1, 0.1])]) is coef  # no exact zero
    with_zero = np.array([0.0, 2e-9, 0.1, 0.2])
    assert fused(with_zero, [with_zero, np.array([0.1, 0.1, 0.1])]) is with_zero  # no fused edge


def test_rows_of_other_lengths_fuse_nothing():
    """Only a row with two entries is an edge: a row zero over three coordinates fuses none."""
    K = sp.csr_matrix(np.array([[1.0, 1.0, 1.0, 0.0]]))
    coef = np.array([0.0, 1e-9, -1e-9, 0.3])
    assert FusedZeros(_blocks(K), 4)(coef, [coef, np.array([0.0])]) is coef


def test_a_zero_the_certificate_would_reject_is_not_made():
    """Coordinate 1 is fused to the zero 0, but its group {0, 1, 2} stays non-zero and its
    multiplier is the group's gradient there: zeroed, it would leave the subdifferential."""
    separable = SparseGroupL2(0.0, np.array([1.0]), check_groups([0, 0, 0], 3))
    fused = FusedZeros(_blocks(_chain(3), separable), 3)
    coef = np.array([0.0, 0.1, 0.5])
    z = [coef, np.array([0.0, 0.4])]
    multiplier = coef / np.linalg.norm(coef)  # in the subdifferential at coef (distance 0)
    assert fused(coef, z, multiplier) is coef
    # allowed up to the distance zeroing causes (0.196): then the zero is made
    np.testing.assert_array_equal(fused(coef, z, multiplier, allowed=0.2), [0.0, 0.0, 0.5])
    np.testing.assert_array_equal(fused(coef, z), [0.0, 0.0, 0.5])  # without a multiplier

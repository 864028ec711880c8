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


def test_units_follow_the_order_of_the_subdifferential_distances():
    """Groups {4, 1} and {3}, ungrouped 0, 2, 5: a zero that would leave group {4, 1}
    non-zero with its zeroed member's group multiplier is refused; the same zero in the
    ungrouped coordinates is made. The caller's incidence matrix is left as it was."""
    separable = SparseGroupL2(0.0, np.array([1.0, 1.0]), check_groups([[4, 1], [3]], 6))
    K = sp.csr_matrix((np.r_[np.ones(2), -np.ones(2)], (np.r_[0, 1, 0, 1], np.r_[0, 2, 1, 5])),
                      shape=(2, 6))  # rows x_0 - x_1 and x_2 - x_5
    before = (K.data.copy(), K.indices.copy(), K.indptr.copy())
    fused = FusedZeros([(None, separable), (K, WeightedL1(0.2))], 6)
    coef = np.array([0.0, 0.1, 0.0, 0.7, 0.5, 1e-9])
    multiplier = np.zeros(6)
    multiplier[[4, 1]] = coef[[4, 1]] / np.linalg.norm(coef[[4, 1]])  # group {4, 1} active
    multiplier[3] = 1.0
    out = fused(coef, [coef, np.zeros(2)], multiplier)
    np.testing.assert_array_equal(out, [0.0, 0.1, 0.0, 0.7, 0.5, 0.0])
    for a, b in zip(before, (K.data, K.indices, K.indptr)):
        np.testing.assert_array_equal(a, b)


def test_a_second_identity_block_fuses_nothing():
    coef = np.array([0.0, 1e-9, 0.2])
    blocks = [(None, SparseGroupL2(0.1, None, None)), (None, WeightedL1(0.1)),
              (_chain(3), WeightedL1(0.2))]
    out = FusedZeros(blocks, 3)(coef, [coef, coef, np.array([0.0, 0.3])])
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.2])

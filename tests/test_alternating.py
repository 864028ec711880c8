"""The reduced-rank alternation on its raw iterates: each half-step is a descent step."""

import numpy as np
import pytest
import scipy.sparse as sp

from sksparse_struct import make_sparse_reduced_rank_regression, reduced_rank_alpha_max
from sksparse_struct.penalties.group import row_norms
from sksparse_struct.reduced_rank._penalties import PENALTIES, adaptive_weights, row_penalty
from sksparse_struct.reduced_rank._problem import ReducedRankProblem
from sksparse_struct.solvers import alternating_minimization


def _objective(problem, penalty, B, A):
    return problem.loss_value(B, A) + penalty.value(row_norms(B))


@pytest.mark.parametrize("penalty_name", PENALTIES)
@pytest.mark.parametrize("seed, sparse", [(0, False), (1, True)])
def test_every_b_step_and_a_step_decreases_the_objective(penalty_name, seed, sparse):
    X, Y, _ = make_sparse_reduced_rank_regression(n_samples=60, n_features=40, n_targets=12,
                                                  rank=2, n_informative=6, random_state=seed)
    X = sp.csr_matrix(X) if sparse else X
    problem = ReducedRankProblem.build(X, Y, random_state=np.random.default_rng(seed))
    amax = reduced_rank_alpha_max(X, Y, penalty="group_lasso")
    B, A = problem.reduced_rank_fit(2)
    adaptive = adaptive_weights(row_norms(B), 2.0) if penalty_name == "adaptive_group_lasso" \
        else None
    penalty = row_penalty(penalty_name, 0.2 * amax, adaptive=adaptive)
    scale = float(np.trace(problem.target_gram))
    value = _objective(problem, penalty, B, A)
    for _ in range(15):  # the raw iterates, with no step discarded
        B, _, _ = problem.b_step(B, A, penalty.derivative(row_norms(B)), 1e-8)
        after_b = _objective(problem, penalty, B, A)
        assert after_b <= value + 1e-12 * scale
        A = problem.a_step(B)
        after_a = _objective(problem, penalty, B, A)
        assert after_a <= after_b + 1e-12 * scale
        np.testing.assert_allclose(A.T @ A, np.eye(2), atol=1e-12)
        value = after_a
    result = alternating_minimization(problem, penalty, *problem.reduced_rank_fit(2),
                                      max_iter=200, tol=1e-10)
    assert result.converged
    assert result.objective_path[-1] <= value + 1e-8 * scale


def test_non_convergence_warning_reports_the_last_certificate():
    from sklearn.exceptions import ConvergenceWarning

    from sksparse_struct import SparseReducedRankRegression

    X, Y, _ = make_sparse_reduced_rank_regression(random_state=0)
    with pytest.warns(ConvergenceWarning,
                      match=r"relative to the objective (\d\.\d\de-\d\d)") as record:
        SparseReducedRankRegression(rank=2, alpha=0.05, max_iter=2, tol=1e-12).fit(X, Y)
    message = next(str(w.message) for w in record if "did not converge" in str(w.message))
    assert "objective 0.00e+00" not in message

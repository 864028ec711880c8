"""The working-set driver on toy separable problems whose solutions are known independently."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from sksparse_struct.solvers import working_set


def _lasso_cd(X, y, lam, w, columns, n_sweeps=2000, tol=1e-13):
    """Coordinate descent on ``0.5/n ||y - X w||^2 + lam ||w||_1`` over ``columns`` (the rest fixed)."""
    n = X.shape[0]
    w = w.copy()
    r = y - X @ w
    norms = (X**2).sum(axis=0) / n
    n_iter = 0
    for _ in range(n_sweeps):
        n_iter += 1
        delta = 0.0
        for j in columns:
            old = w[j]
            rho = X[:, j] @ r / n + norms[j] * old
            w[j] = np.sign(rho) * max(abs(rho) - lam, 0.0) / norms[j]
            if w[j] != old:
                r -= X[:, j] * (w[j] - old)
                delta = max(delta, abs(w[j] - old))
        if delta <= tol:
            break
    return w, n_iter


def _lasso_driver(X, y, lam, *, threshold, log=None, **kwargs):
    n, p = X.shape

    def violations(w):
        return np.abs(X.T @ (y - X @ w)) / n - lam

    def solve(units, w, budget):
        if log is not None:
            log.append((units.copy(), w.copy(), violations(w)))
        return (*_lasso_cd(X, y, lam, w, np.flatnonzero(units)), True)

    return working_set(np.zeros(p), n_units=p, support=lambda w: w != 0, violations=violations,
                       solve_restricted=solve, threshold=threshold, **kwargs)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(50, 200), (200, 30)])
def test_driver_equals_the_full_solve(seed, shape):
    rng = np.random.default_rng(seed)
    n, p = shape
    X = rng.standard_normal((n, p))
    y = X[:, :5] @ rng.standard_normal(5) + 0.5 * rng.standard_normal(n)
    lam = 0.1 * np.abs(X.T @ y).max() / n
    result = _lasso_driver(X, y, lam, threshold=1e-12, initial_size=4)
    reference = Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=100000).fit(X, y).coef_
    assert result.converged
    np.testing.assert_allclose(result.point, reference, atol=1e-8)
    assert np.array_equal(result.point != 0, np.abs(reference) > 1e-10)
    # fewer units than p were ever solved for at once when the solution is sparse
    assert result.units.sum() < p or p <= 30


def test_units_within_the_threshold_are_never_added_and_growth_is_worst_first():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 120))
    y = X[:, :10] @ rng.standard_normal(10) + 0.1 * rng.standard_normal(80)
    lam = 0.02 * np.abs(X.T @ y).max() / 80
    threshold = 1e-3 * lam
    log = []
    result = _lasso_driver(X, y, lam, threshold=threshold, log=log, initial_size=3)
    assert result.converged and result.n_rounds == len(log) >= 2
    previous_size = None
    for units, w, violation in log:
        support = w != 0
        added = units & ~support
        assert np.all(violation[added] > threshold)  # only violators are added
        outside = ~units & ~support
        # worst first: every violator left out is no worse than every unit added
        assert np.max(violation[outside], initial=-np.inf) <= np.min(violation[added])
        assert np.all(units[support])  # the support is kept
        # the size doubles (or all violators are taken)
        target = max(3, 2 * int(support.sum())) if previous_size is None else 2 * previous_size
        n_violators = int(np.sum(violation[~support] > threshold))
        assert units.sum() == max(support.sum() + min(target - support.sum(), n_violators),
                                  support.sum() + 1)
        previous_size = int(units.sum())


def test_orthogonal_design_first_set_is_the_largest_correlations():
    # X = sqrt(n) I: the violation of feature j at zero is |y_j| / sqrt(n) - lam
    n = 16
    X = np.sqrt(n) * np.eye(n)
    y = np.arange(1.0, n + 1.0)[np.random.default_rng(1).permutation(n)]
    log = []
    result = _lasso_driver(X, y, 4.0 / np.sqrt(n) - 1e-9, threshold=0.0, log=log,
                           initial_size=3)
    first = np.flatnonzero(log[0][0])
    assert set(first) == set(np.argsort(y)[-3:])
    # 0.5/n ||y - X w||^2 = 0.5 ||y / sqrt(n) - w||^2: w is a soft thresholding
    expected = np.sign(y) * np.maximum(np.abs(y) / np.sqrt(n) - (4.0 / np.sqrt(n) - 1e-9), 0.0)
    np.testing.assert_allclose(result.point, expected, atol=1e-12)


def test_zero_start_optimal_solves_nothing():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 20))
    y = rng.standard_normal(30)
    lam = 1.01 * np.abs(X.T @ y).max() / 30
    log = []
    result = _lasso_driver(X, y, lam, threshold=0.0, log=log)
    assert result.converged and result.n_rounds == 0 and not log
    assert not np.any(result.point)


def test_non_convergence_warns():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 100))
    y = X[:, :20] @ rng.standard_normal(20)
    lam = 0.01 * np.abs(X.T @ y).max() / 60
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        result = _lasso_driver(X, y, lam, threshold=0.0, initial_size=1, max_rounds=1,
                               warn=True)
    assert not result.converged and result.n_rounds == 1
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        result = _lasso_driver(X, y, lam, threshold=0.0, initial_size=1, max_iter=1,
                               warn=True)
    assert not result.converged
    # a restricted solve that did not converge makes the whole result not converged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = working_set(np.zeros(3), n_units=3, support=lambda w: w != 0,
                             violations=lambda w: np.where(w != 0, 0.0, 1.0),
                             solve_restricted=lambda units, w, budget: (units * 1.0, 1, False),
                             threshold=0.5)
    assert not result.converged and result.n_rounds == 1

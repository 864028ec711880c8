"""Regularization paths of the group + graph penalty, for least squares and logistic losses."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import validate_data

from .._validation import validate_fit_data
from ..solvers import RestrictedSystems
from ..solvers._threads import blas_threads_by_size
from ._group_graph_lasso import _STRUCTURE_CONSTRAINTS
from ._logistic import _build_problem
from ._problem import GroupGraphProblem
from ._solve import LeastSquaresWarmStart, logistic_start, solve_least_squares, solve_logistic

__all__ = ["alpha_grid", "group_graph_path"]


def alpha_grid(alpha_max, n_alphas, eps):
    """``n_alphas`` values from ``alpha_max`` down to ``eps * alpha_max``, log-spaced.

    ``[0]`` when ``alpha_max`` is 0 (the loss is already minimized at zero
    coefficients: every alpha gives the same model).
    """
    if alpha_max == 0:
        return np.zeros(1)
    if not np.isfinite(alpha_max) or alpha_max < 0:
        raise ValueError(
            f"alpha_max is {alpha_max}: no alpha zeroes every coefficient (e.g. a graph term "
            "alone does not shrink a connected component's mean); pass alphas explicitly")
    return np.geomspace(alpha_max, alpha_max * eps, n_alphas)


def build_path_problem(X, y, sample_weight, loss, *, feature_names=None, **structure):
    """``(classes or None, problem)`` of ``loss`` ("squared" or "logistic") on validated data."""
    if loss == "squared":
        return None, GroupGraphProblem.build(X, y, sample_weight, feature_names=feature_names,
                                             **structure)
    return _build_problem(X, y, sample_weight, feature_names=feature_names, **structure)


def solve_path(problem, alphas, *, alpha_max=None, tol, max_iter, verbose=0):
    """Solve ``problem`` at each of the decreasing ``alphas``, each from the previous solution.

    At ``alpha >= alpha_max`` (when given: a certified bound, see
    :meth:`GroupGraphProblem.alpha_max`) the solution is zero with its
    intercept, and is not computed. Returns the parameters (one row per
    alpha: ``w`` for least squares, ``[vec(W), b]`` for logistic) and one
    convergence record per alpha.
    """
    params, records = [], []
    least_squares = not hasattr(problem.loss, "n_outputs")
    # the working sets of a least-squares path recur from one alpha to the next: keep their
    # factorizations for the whole path
    warm = LeastSquaresWarmStart(restricted=RestrictedSystems()) if least_squares else None
    zero = np.zeros(problem.loss.shape[1]) if least_squares else logistic_start(problem.loss)
    start = time.perf_counter()
    for i, alpha in enumerate(alphas):
        if alpha_max is not None and alpha >= alpha_max:
            theta = zero.copy()
            record = {"converged": True, "n_iter": 0, "objective": problem.objective(theta, alpha)}
        elif least_squares:
            theta, record, warm = solve_least_squares(problem, alpha, warm=warm, tol=tol,
                                                      max_iter=max_iter)
        else:
            theta, record = solve_logistic(problem, alpha, start=warm, tol=tol,
                                           max_iter=max_iter)
            warm = theta
        params.append(theta)
        records.append(record)
        if verbose:
            print(f"[path] alpha {i + 1}/{len(alphas)} = {alpha:.4g}: "
                  f"{np.count_nonzero(theta[:problem.n_coef])} non-zero, "
                  f"{record['n_iter']} iterations, {time.perf_counter() - start:.2f}s")
    return np.asarray(params), records


@validate_params(
    {"X": ["array-like", "sparse matrix"], "y": ["array-like"],
     "loss": [StrOptions({"squared", "logistic"})],
     "alphas": [None, "array-like"],
     "n_alphas": [Interval(Integral, 1, None, closed="left")],
     "eps": [Interval(Real, 0, 1, closed="neither")],
     **_STRUCTURE_CONSTRAINTS,
     "sample_weight": ["array-like", None],
     "tol": [Interval(Real, 0, None, closed="neither")],
     "max_iter": [Interval(Integral, 1, None, closed="left")],
     "verbose": ["verbose"]},
    prefer_skip_nested_validation=True,
)
@blas_threads_by_size
def group_graph_path(X, y, *, loss="squared", alphas=None, n_alphas=100, eps=1e-3, groups=None,
                     graph=None, group_reg=1.0, graph_reg=1.0, l1_reg=0.0, group_weights=None,
                     fit_intercept=True, sample_weight=None, tol=1e-4, max_iter=5000,
                     verbose=0):
    """Coefficients of the group + graph model along a decreasing sequence of alphas.

    Solves the objective of :class:`GroupGraphLasso` (``loss="squared"``) or
    of :class:`GroupGraphLogisticRegression` (``loss="logistic"``) at each
    alpha, warm started from the previous solution (the first alpha of the
    default grid, alpha_max or its bound, gives zero coefficients without a
    solve). Least squares reuses one
    factorization of the normal equations for the whole path (they do not
    depend on alpha) and, without a graph term, works on working sets of
    groups, so that the solutions near ``alpha_max`` cost a few small solves.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Targets (``"squared"``) or class labels (``"logistic"``).
    loss : {"squared", "logistic"}, default="squared"
    alphas : array-like, default=None
        The alphas, sorted in decreasing order here; default ``n_alphas``
        values from alpha_max down to ``eps * alpha_max``, log-spaced. With a
        graph term the grid starts at a certified upper bound of alpha_max
        (all coefficients are zero there) that costs about one fit, where the
        exact value (:func:`group_graph_alpha_max`) costs many.
    n_alphas : int, default=100
    eps : float, default=1e-3
    groups, graph, group_reg, graph_reg, l1_reg, group_weights, fit_intercept
        The structure parameters of :class:`GroupGraphLasso`.
    sample_weight : array-like of shape (n_samples,), default=None
    tol : float, default=1e-4
        Tolerance of each fit, with the estimators' meaning.
    max_iter : int, default=5000
        Iterations of each fit.
    verbose : int, default=0
        Print one line per alpha when > 0.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray
        ``(n_features, n_alphas)`` for least squares, ``(n_outputs, n_features,
        n_alphas)`` for logistic (one output for two classes), as in
        sklearn's ``lasso_path`` / ``coef_`` shapes.
    intercepts : ndarray of shape (n_alphas,) or (n_outputs, n_alphas)
    records : list of dict
        One per alpha: ``converged``, ``n_iter``, ``objective`` and, for the
        alphas that were solved (not those certified zero), the solver's
        certificate (``kkt_violation`` or ``gradient_mapping``).

    Examples
    --------
    >>> from sksparse_struct import group_graph_path, make_group_graph_regression
    >>> X, y, coef, groups, graph = make_group_graph_regression(
    ...     n_samples=80, n_features=30, n_groups=6, n_informative_groups=2, random_state=0)
    >>> alphas, coefs, intercepts, records = group_graph_path(
    ...     X, y, groups=groups, graph=graph, n_alphas=10)
    >>> coefs.shape
    (30, 10)
    >>> int((coefs[:, 0] != 0).sum()), all(r["converged"] for r in records)
    (0, True)
    """
    holder = BaseEstimator()
    if loss == "squared":
        X, y = validate_fit_data(holder, X, y)
    else:
        X, y = validate_data(holder, X, y, accept_sparse=("csr", "csc"), dtype=np.float64)
    _, problem = build_path_problem(
        X, y, sample_weight, loss, feature_names=getattr(holder, "feature_names_in_", None),
        groups=groups, graph=graph, group_weights=group_weights, l1_reg=l1_reg,
        group_reg=group_reg, graph_reg=graph_reg, fit_intercept=fit_intercept)
    alpha_max = None
    if alphas is None:
        alpha_max = problem.alpha_max_bound()
        alphas = alpha_grid(alpha_max, n_alphas, eps)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=float))[::-1]
        if np.any(alphas < 0):
            raise ValueError("alphas must be non-negative")
    params, records = solve_path(problem, alphas, alpha_max=alpha_max, tol=tol,
                                 max_iter=max_iter, verbose=verbose)
    if loss == "squared":
        intercepts = np.array([problem.loss.intercept(w) for w in params], dtype=float)
        return alphas, params.T, intercepts, records
    W = params[:, :problem.n_coef].reshape(len(alphas), X.shape[1], -1)
    b = np.array([problem.loss.split(theta)[1] for theta in params])
    return alphas, np.transpose(W, (2, 1, 0)), b.T, records

"""SparseReducedRankRegression: row-sparse, low-rank multi-output linear regression."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._losses import LeastSquares
from .._validation import validate_sample_weight, validate_fit_data, validate_predict_data
from ..solvers._threads import blas_threads_by_size, single_threaded_blas
from ._penalties import PENALTIES, adaptive_weights, row_penalty, start_policy
from ..penalties.group import row_norms
from ..solvers.alternating import alternate_from_starts
from ._problem import ReducedRankProblem

__all__ = ["SparseReducedRankRegression", "reduced_rank_alpha_max"]

_SHAPE_CONSTRAINTS = {
    "gamma": [None, Real],  # checked against the penalty in _check_shape_parameters
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "q": [Interval(Real, 0, 1, closed="neither")],
    "adaptive_power": [Interval(Real, 0, None, closed="neither")],
}


def _check_rank(rank, n_features, n_targets):
    if rank > min(n_features, n_targets):
        what = "y has a single target (1-d y)" if n_targets == 1 else f"y has {n_targets} targets"
        raise ValueError(
            f"rank={rank} must be <= min(n_features, n_targets) = {min(n_features, n_targets)}: "
            f"X has {n_features} features and {what}"
        )


def _check_shape_parameters(penalty, gamma):
    # gamma is ignored by the other penalties, whatever its value
    if penalty == "mcp" and gamma is not None and not gamma > 1:
        raise ValueError(f"penalty='mcp' needs gamma > 1, got gamma={gamma}")
    if penalty == "scad" and gamma is not None and not gamma > 2:
        raise ValueError(f"penalty='scad' needs gamma > 2, got gamma={gamma}")


@validate_params(
    {"X": ["array-like", "sparse matrix"], "Y": ["array-like"],
     "penalty": [StrOptions(set(PENALTIES))], "rank": [Interval(Integral, 1, None, closed="left")],
     "epsilon": _SHAPE_CONSTRAINTS["epsilon"], "adaptive_power": _SHAPE_CONSTRAINTS["adaptive_power"],
     "fit_intercept": ["boolean"], "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
@blas_threads_by_size
def reduced_rank_alpha_max(X, Y, *, penalty="group_lasso", rank=1, epsilon=1.0,
                           adaptive_power=2.0, fit_intercept=True, sample_weight=None):
    r"""Smallest ``alpha`` at which ``B = 0`` is optimal for :class:`SparseReducedRankRegression`.

    ``B = 0`` is a stationary point, whatever ``A``, iff
    :math:`\|(Z^\top T A)_j\|_2 \le P'(0^+)\, w_j` for every row ``j``; the
    largest left-hand side over orthonormal ``A`` is :math:`\|(Z^\top T)_j\|_2`
    (``A`` spanning that row), hence

    .. math::  \alpha_{\max} = \max_j \frac{\|(Z^\top T)_j\|_2}{c\, w_j}
        = \max_j \frac{\|X_{c,j}^\top Y_c\|_2}{n\, c\, w_j},

    with :math:`X_c, Y_c` the centred data, :math:`c = P'(0^+)/\alpha` (1 for the
    group lasso, MCP and SCAD, :math:`1/\epsilon` for the log penalty) and
    :math:`w_j` the adaptive weights (1 unless ``penalty="adaptive_group_lasso"``).
    For the convex penalties any ``alpha >= alpha_max`` gives ``coef_ == 0``.
    For MCP, SCAD and log, ``B = 0`` is then a stationary point (a fixed point
    of the alternation); MCP and SCAD start at the group-lasso solution, which
    is zero there, while log, started at the reduced-rank fit, may stop at
    another stationary point with non-zero rows. The value equals sklearn's
    MultiTaskLasso alpha_max for ``penalty="group_lasso"``.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    Y : array-like of shape (n_samples, n_targets) or (n_samples,)
    penalty : {"group_lasso", "adaptive_group_lasso", "mcp", "scad", "log"}, default="group_lasso"
        "lq" has no such threshold (zero is a local minimizer for every alpha > 0).
    rank : int, default=1
        Rank of the reduced-rank fit giving the adaptive weights (adaptive only).
    epsilon : float, default=1.0
        Scale of the log penalty (log only).
    adaptive_power : float, default=2.0
        Exponent of the adaptive weights (adaptive only).
    fit_intercept : bool, default=True
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, rescaled to sum to n_samples.

    Returns
    -------
    alpha_max : float

    Examples
    --------
    >>> from sksparse_struct import (SparseReducedRankRegression, reduced_rank_alpha_max,
    ...                              make_sparse_reduced_rank_regression)
    >>> X, Y, coef = make_sparse_reduced_rank_regression(random_state=0)
    >>> amax = reduced_rank_alpha_max(X, Y)
    >>> bool(SparseReducedRankRegression(rank=3, alpha=amax).fit(X, Y).support_.any())
    False
    """
    if penalty == "lq":
        raise ValueError(
            "penalty='lq' has no alpha_max: zero is a local minimizer for every alpha > 0")
    X, Y = validate_fit_data(BaseEstimator(), X, Y, multi_output=True)
    Y = Y.reshape(Y.shape[0], -1)
    _check_rank(rank, X.shape[1], Y.shape[1])
    sample_weight = validate_sample_weight(sample_weight, X)
    loss = LeastSquares(X, Y, sample_weight, fit_intercept=fit_intercept)
    norms = row_norms(loss.rmatvec(loss.target))
    if penalty == "log":
        norms = norms * epsilon
    if penalty == "adaptive_group_lasso":
        problem = ReducedRankProblem.build(X, Y, sample_weight=sample_weight,
                                           fit_intercept=fit_intercept,
                                           random_state=check_random_state(0))
        B, _ = problem.reduced_rank_fit(rank)
        with np.errstate(invalid="ignore"):
            # weights ||B~_j||^-power; an infinite weight (zero row) never binds
            norms = np.where(row_norms(B) > 0, norms * row_norms(B) ** adaptive_power, 0.0)
    return float(np.max(norms, initial=0.0))


class _ReducedRankTagsMixin:
    """Tags of the reduced-rank estimators: sparse X, a required Y of one or more columns."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class SparseReducedRankRegression(_ReducedRankTagsMixin, ClassNamePrefixFeaturesOutMixin,
                                  TransformerMixin, RegressorMixin, BaseEstimator):
    r"""Row-sparse reduced-rank regression with convex or concave row penalties.

    Multi-output linear regression whose coefficient matrix is both low-rank
    (``rank`` latent factors) and row-sparse (few predictors selected).
    Minimizes, over :math:`B \in \mathbb{R}^{p\times r}`, :math:`A \in \mathbb{R}^{q\times r}`
    and :math:`\mu \in \mathbb{R}^q`,

    .. math::

        \frac{1}{2n} \|Y - \mathbf{1}\mu^\top - X B A^\top\|_F^2
        + \sum_{j=1}^p P_\alpha(\|B_j\|_2)
        \quad \text{subject to} \quad A^\top A = I_r,

    where :math:`B_j` is row ``j`` of ``B``. A zero row of ``B`` removes
    predictor ``j`` from every output; the latent factors are :math:`XB` and
    the coefficients :math:`C = BA^\top`. Penalties :math:`P_\alpha(t)`:

    ==========================  ==========================================================
    ``"group_lasso"``           :math:`\alpha t` (Chen & Huang, 2012)
    ``"adaptive_group_lasso"``  :math:`\alpha\, \|\tilde B_j\|^{-\kappa} t`, :math:`\tilde B` the
                                reduced-rank fit, :math:`\kappa` = ``adaptive_power``
    ``"mcp"``                   :math:`\alpha t - t^2/(2\gamma)` if :math:`t \le \gamma\alpha`,
                                else :math:`\gamma\alpha^2/2` (Zhang, 2010)
    ``"scad"``                  SCAD with parameter :math:`\gamma` (Fan & Li, 2001)
    ``"log"``                   :math:`\alpha \log(1 + t/\epsilon)`
    ``"lq"``                    :math:`\alpha t^q`, :math:`0 < q < 1`
    ==========================  ==========================================================

    The problem is solved by alternating minimization (Chen & Huang, 2012;
    Zhao & Palomar, 2018) started at the classic reduced-rank regression fit:
    the A-step is an orthogonal Procrustes problem (one thin SVD); since
    :math:`\|Y_c - X_c B A^\top\|_F^2 = \|Y_c A - X_c B\|_F^2 + \mathrm{const}(A)`,
    the B-step is a multi-task group lasso with target :math:`Y_c A`, with
    the concave penalties majorized by their tangent at the current row norms
    (local linear approximation, Zou & Li, 2008), solved by monotone
    accelerated proximal gradient warm-started at the current B. Everything
    computed from X (Gram matrix, its largest eigenvalue, :math:`X_c^\top Y_c`)
    is computed once, so an iteration costs :math:`O(p^2 r + pqr)`, whatever
    ``n``. The objective never increases (``objective_path_``); for concave
    penalties the result is a stationary point, not necessarily the global
    minimizer, and never worse than its start. MCP and SCAD start at the
    group-lasso solution for the same ``alpha`` (itself computed from the
    reduced-rank fit), which reached better stationary points than the
    reduced-rank fit in our measurements (sparse X, ``n_features > n_samples``).

    Parameters
    ----------
    rank : int, default=1
        Number of latent factors ``r``, ``1 <= rank <= min(n_features, n_targets)``
        (so 1 for a single output).
    alpha : float, default=1.0
        Penalty strength, >= 0; see :func:`reduced_rank_alpha_max`.
    penalty : str, default="group_lasso"
        Penalty of the row norms of ``B`` (table above): "group_lasso",
        "adaptive_group_lasso", "mcp", "scad", "log" or "lq".
    gamma : float, default=None
        Concavity of "mcp" (> 1, default 3) and "scad" (> 2, default 3.7);
        ignored by the other penalties.
    epsilon : float, default=1.0
        Scale of "log" (> 0); ignored by the other penalties.
    q : float, default=0.5
        Exponent of "lq", in (0, 1); ignored by the other penalties.
    adaptive_power : float, default=2.0
        Exponent :math:`\kappa` of the "adaptive_group_lasso" weights (> 0);
        ignored by the other penalties.
    fit_intercept : bool, default=True
        Whether to fit the unpenalized intercept :math:`\mu`.
    max_iter : int, default=200
        Maximum number of outer (A-step + B-step) iterations.
    tol : float, default=1e-4
        Tolerance of the stationarity certificate: the fit stops when the
        duality gap of the B-step problem at the returned ``(B_, A_)`` (the
        weighted group lasso in B with A fixed at ``A_``, weights the slopes
        :math:`P_\alpha'(\|B_j\|_2)` at ``B_``; exact for the group lasso) is at
        most ``tol`` times the objective above. The A-step is exact, so a small
        gap certifies a stationary point of the alternation (for the group
        lasso: of the problem over B for the returned A). A ``tol`` below the
        floor of that gap in floating point (about 1e-8 relative) ends when an
        iteration no longer changes the objective. ``tol`` is also the
        relative duality gap of each B-step and the threshold, relative to the
        weight, of its working sets.
    warm_start : bool, default=False
        Start from the previous ``B_`` and ``A_`` instead of the cold start
        (e.g. along a decreasing sequence of ``alpha``). For "lq" a zero row of
        ``B`` is a fixed point (the slope of :math:`t^q` is infinite at 0), so
        when ``B_`` has zero rows the cold start is run too and the lower
        objective is kept.
    random_state : int, RandomState instance or None, default=None
        Seeds the start vector of the power iteration that bounds the
        Lipschitz constant when ``n_features > 300``.
    verbose : int, default=0
        Print the objective at each outer iteration when > 0.

    Attributes
    ----------
    coef_ : ndarray of shape (n_targets, n_features) or (n_features,)
        :math:`C^\top = (BA^\top)^\top`; 1-d when ``y`` was 1-d.
    intercept_ : ndarray of shape (n_targets,) or float
        :math:`\mu`.
    B_ : ndarray of shape (n_features, rank)
        Row-sparse predictor loadings; ``transform`` returns :math:`XB`.
    A_ : ndarray of shape (n_targets, rank)
        Orthonormal output loadings, :math:`A^\top A = I_r`.
    support_ : ndarray of bool of shape (n_features,)
        Selected predictors (non-zero rows of ``B_``).
    objective_path_ : ndarray of shape (`n_iter_` + 1,)
        Objective at the start (reduced-rank fit, group-lasso solution for MCP
        and SCAD, or warm start) and after each outer iteration; non-increasing.
    n_iter_ : int
        Number of outer iterations.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string column names.

    See Also
    --------
    reduced_rank_alpha_max : Smallest alpha giving ``B = 0``.
    sklearn.linear_model.MultiTaskLasso : The case ``rank = n_targets`` with the group lasso.

    References
    ----------
    .. [1] L. Chen and J. Z. Huang. "Sparse reduced-rank regression for
       simultaneous dimension reduction and variable selection", Journal of
       the American Statistical Association, 107(500), 2012.
    .. [2] Z. Zhao and D. P. Palomar. "Sparse reduced rank regression with
       nonconvex regularization", IEEE Statistical Signal Processing Workshop, 2018.
    .. [3] H. Zou and R. Li. "One-step sparse estimates in nonconcave penalized
       likelihood models", Annals of Statistics, 36(4), 2008.
    .. [4] C.-H. Zhang. "Nearly unbiased variable selection under minimax
       concave penalty", Annals of Statistics, 38(2), 2010.
    .. [5] J. Fan and R. Li. "Variable selection via nonconcave penalized
       likelihood and its oracle properties", Journal of the American
       Statistical Association, 96(456), 2001.
    .. [6] A. Beck and M. Teboulle. "A fast iterative shrinkage-thresholding
       algorithm for linear inverse problems", SIAM J. Imaging Sciences, 2009.

    Examples
    --------
    >>> from sksparse_struct import (SparseReducedRankRegression, reduced_rank_alpha_max,
    ...                              make_sparse_reduced_rank_regression)
    >>> X, Y, coef = make_sparse_reduced_rank_regression(random_state=0)
    >>> alpha = 0.1 * reduced_rank_alpha_max(X, Y)
    >>> model = SparseReducedRankRegression(rank=3, alpha=alpha, penalty="mcp").fit(X, Y)
    >>> model.coef_.shape, model.transform(X).shape
    ((50, 50), (100, 3))
    >>> bool((model.support_ == coef.any(axis=0)).all())
    True
    """

    _parameter_constraints = {
        "rank": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "penalty": [StrOptions(set(PENALTIES))],
        **_SHAPE_CONSTRAINTS,
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, rank=1, alpha=1.0, *, penalty="group_lasso", gamma=None, epsilon=1.0,
                 q=0.5, adaptive_power=2.0, fit_intercept=True, max_iter=200, tol=1e-4,
                 warm_start=False, random_state=None, verbose=0):
        self.rank = rank
        self.alpha = alpha
        self.penalty = penalty
        self.gamma = gamma
        self.epsilon = epsilon
        self.q = q
        self.adaptive_power = adaptive_power
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    @blas_threads_by_size
    def fit(self, X, y, sample_weight=None):
        r"""Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; sparse X is never densified (the dense Gram
            matrix, n_features x n_features, is formed once).
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Targets; 1-d ``y`` is a single output and allows ``rank=1`` only.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights :math:`s_i`, rescaled to sum to n_samples:
            the loss becomes :math:`\frac{1}{2n}\sum_i s_i \|y_i - \mu - C^\top x_i\|_2^2`.

        Returns
        -------
        self : SparseReducedRankRegression
        """
        _check_shape_parameters(self.penalty, self.gamma)
        X, y = validate_fit_data(self, X, y, multi_output=True)
        Y = y.reshape(y.shape[0], -1)
        _check_rank(self.rank, X.shape[1], Y.shape[1])
        problem = ReducedRankProblem.build(X, Y, sample_weight=validate_sample_weight(sample_weight, X),
                                           fit_intercept=self.fit_intercept,
                                           random_state=check_random_state(self.random_state))
        warm = self._can_warm_start(X, Y)
        adaptive = self.penalty == "adaptive_group_lasso"
        if adaptive or not warm:
            B_rrr, A_rrr = problem.reduced_rank_fit(self.rank)
        weights = adaptive_weights(row_norms(B_rrr), self.adaptive_power) if adaptive else None
        penalty = row_penalty(self.penalty, self.alpha, gamma=self.gamma, epsilon=self.epsilon,
                              q=self.q, adaptive=weights)
        B, A = (self.B_, self.A_) if warm else (B_rrr, A_rrr)
        surrogate, also_cold = start_policy(self.penalty, self.alpha, B if warm else None)
        with single_threaded_blas():  # the iterations are thin products, see solvers._threads
            result = alternate_from_starts(
                problem, penalty, (B, A), surrogate=surrogate, max_iter=self.max_iter,
                cold_start=(lambda: problem.reduced_rank_fit(self.rank)) if also_cold else None,
                tol=self.tol, verbose=self.verbose, name="SparseReducedRankRegression")
        C = result.B @ result.A.T
        intercept = problem.loss.intercept(C)
        self.B_, self.A_ = result.B, result.A
        self.support_ = row_norms(result.B) > 0
        self.objective_path_ = np.asarray(result.objective_path)
        self.n_iter_ = result.n_iter
        self._n_features_out = self.rank
        if y.ndim == 1:
            self.coef_, self.intercept_ = C[:, 0].copy(), float(intercept[0])
        else:
            self.coef_, self.intercept_ = np.ascontiguousarray(C.T), intercept
        return self

    def _can_warm_start(self, X, Y):
        return (self.warm_start and hasattr(self, "B_")
                and self.B_.shape == (X.shape[1], self.rank)
                and self.A_.shape == (Y.shape[1], self.rank))

    def predict(self, X):
        """Predict with the fitted low-rank linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_targets) or (n_samples,)
            1-d when ``y`` was 1-d at fit.
        """
        X = validate_predict_data(self, X)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def transform(self, X):
        """Latent factors ``X @ B_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        factors : ndarray of shape (n_samples, rank)
        """
        X = validate_predict_data(self, X)
        return np.asarray(X @ self.B_)

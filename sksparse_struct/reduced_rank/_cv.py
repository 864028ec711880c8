"""SparseReducedRankRegressionCV: rank and alpha chosen by cross-validation."""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions

from .._validation import validate_fit_data, validate_fold_weights, validate_sample_weight
from ..linear_model._path import alpha_grid
from ..solvers._threads import blas_threads_by_size
from ._estimator import (_SHAPE_CONSTRAINTS, _ReducedRankTagsMixin, SparseReducedRankRegression,
                         reduced_rank_alpha_max)
from ._penalties import PENALTIES

__all__ = ["SparseReducedRankRegressionCV"]

_MODEL_PARAMS = ("penalty", "gamma", "epsilon", "q", "adaptive_power", "fit_intercept",
                 "max_iter", "tol", "random_state")


class SparseReducedRankRegressionCV(_ReducedRankTagsMixin, ClassNamePrefixFeaturesOutMixin,
                                    TransformerMixin, RegressorMixin, BaseEstimator):
    r"""SparseReducedRankRegression with its rank and alpha chosen by cross-validation.

    For each rank in ``ranks`` and each training fold, fits
    :class:`SparseReducedRankRegression` (see there for the objective) along
    a decreasing grid of alphas, each fit warm started from the previous one
    (``warm_start=True``), and records the held-out mean squared error
    (averaged over the targets, weighted by ``sample_weight`` when given).
    The (rank, alpha) of smallest mean error over the folds is refitted on
    all data.

    Parameters
    ----------
    ranks : array-like of int, default=(1, 2, 3)
        Ranks to try; those above ``min(n_features, n_targets)`` are dropped.
    alphas : array-like, default=None
        Alphas to try; default ``n_alphas`` values from
        :func:`reduced_rank_alpha_max` down to ``eps`` times it, log-spaced
        (``penalty="lq"`` has no alpha_max: give ``alphas``).
    n_alphas : int, default=20
    eps : float, default=1e-2
    penalty, gamma, epsilon, q, adaptive_power, fit_intercept, max_iter, tol, random_state
        As in :class:`SparseReducedRankRegression` (``tol``: each fit stops at a
        duality gap of its B-step at most ``tol`` times its objective).
    cv : int, cross-validation generator or iterable, default=None
        As in sklearn (None: 5-fold).
    n_jobs : int, default=None
        (rank, fold) pairs run in parallel through joblib.
    verbose : int, default=0
        Report each (rank, fold) as it finishes when > 0.

    Attributes
    ----------
    rank_ : int
    alpha_ : float
    ranks_ : ndarray of shape (n_ranks,)
    alphas_ : ndarray of shape (n_alphas,)
    mse_path_ : ndarray of shape (n_ranks, n_alphas, n_folds)
    coef_, intercept_, B_, A_, support_, n_iter_
        Of the refitted :class:`SparseReducedRankRegression`.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string column names.

    See Also
    --------
    SparseReducedRankRegression : The model fitted for each (rank, alpha).

    Notes
    -----
    With :math:`\hat B_{-k}(r, \alpha)` the fit without fold :math:`k`, the
    chosen pair is

    .. math::

        (\hat r, \hat\alpha) = \arg\min_{r, \alpha} \frac{1}{K} \sum_{k=1}^K
        \frac{1}{q\,|I_k|} \sum_{i \in I_k} \|y_i - \hat\mu_{-k} - \hat C_{-k}^\top x_i\|_2^2 .

    References
    ----------
    .. [1] L. Chen and J. Z. Huang. "Sparse reduced-rank regression for
       simultaneous dimension reduction and variable selection", Journal of
       the American Statistical Association, 107(500), 2012.

    Examples
    --------
    >>> from sksparse_struct import (SparseReducedRankRegressionCV,
    ...                              make_sparse_reduced_rank_regression)
    >>> X, Y, coef = make_sparse_reduced_rank_regression(random_state=0)
    >>> model = SparseReducedRankRegressionCV(ranks=[1, 3, 5], n_alphas=5, cv=3).fit(X, Y)
    >>> model.mse_path_.shape
    (3, 5, 3)
    >>> model.rank_
    3
    """

    _parameter_constraints = {
        "ranks": ["array-like"],
        "alphas": [None, "array-like"],
        "n_alphas": [Interval(Integral, 1, None, closed="left")],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "penalty": [StrOptions(set(PENALTIES))],
        **_SHAPE_CONSTRAINTS,
        "fit_intercept": ["boolean"],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, *, ranks=(1, 2, 3), alphas=None, n_alphas=20, eps=1e-2,
                 penalty="group_lasso", gamma=None, epsilon=1.0, q=0.5, adaptive_power=2.0,
                 fit_intercept=True, cv=None, n_jobs=None, max_iter=200, tol=1e-4,
                 random_state=None, verbose=0):
        self.ranks = ranks
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.penalty = penalty
        self.gamma = gamma
        self.epsilon = epsilon
        self.q = q
        self.adaptive_power = adaptive_power
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.n_jobs = n_jobs
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    def _model(self, rank, alpha, **extra):
        params = {name: getattr(self, name) for name in _MODEL_PARAMS}
        return SparseReducedRankRegression(rank=rank, alpha=alpha, **params, **extra)

    @_fit_context(prefer_skip_nested_validation=True)
    @blas_threads_by_size
    def fit(self, X, y, sample_weight=None):
        """Cross-validate ranks and alphas, then refit the best pair on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the loss and of the held-out errors.

        Returns
        -------
        self : SparseReducedRankRegressionCV
        """
        X_in = X
        X, y = validate_fit_data(self, X, y, multi_output=True)
        sample_weight = validate_sample_weight(sample_weight, X)
        Y = y.reshape(y.shape[0], -1)
        folds = list(check_cv(self.cv).split(X, Y))
        validate_fold_weights(sample_weight, folds)
        ranks = np.unique(np.asarray(self.ranks, dtype=int).ravel())
        ranks = ranks[(ranks >= 1) & (ranks <= min(X.shape[1], Y.shape[1]))]
        if ranks.size == 0:
            raise ValueError(
                f"ranks={self.ranks!r} holds no rank in [1, min(n_features, n_targets)] = "
                f"[1, {min(X.shape[1], Y.shape[1])}]")
        if self.alphas is not None:
            alphas = np.sort(np.asarray(self.alphas, dtype=float).ravel())[::-1]
            if alphas.size == 0 or np.any(alphas < 0):
                raise ValueError("alphas must be a non-empty array of non-negative values")
        elif self.penalty == "lq":
            raise ValueError("penalty='lq' has no alpha_max: give alphas explicitly")
        else:
            # the adaptive weights, hence alpha_max, depend on the rank: the grid starts at
            # the largest, where every rank gives the all-zero model
            alpha_max = max(reduced_rank_alpha_max(
                X, Y, penalty=self.penalty, rank=int(rank), epsilon=self.epsilon,
                adaptive_power=self.adaptive_power, fit_intercept=self.fit_intercept,
                sample_weight=sample_weight) for rank in (
                    ranks if self.penalty == "adaptive_group_lasso" else ranks[:1]))
            alphas = alpha_grid(alpha_max, self.n_alphas, self.eps)
        jobs = [(r, k, train, test) for r in ranks for k, (train, test) in enumerate(folds)]
        errors = Parallel(n_jobs=self.n_jobs)(
            delayed(self._fold_errors)(X, Y, sample_weight, int(r), k, train, test, alphas)
            for r, k, train, test in jobs)
        mse = np.empty((ranks.size, alphas.size, len(folds)))
        for (r, k, _, _), err in zip(jobs, errors):
            mse[np.searchsorted(ranks, r), :, k] = err
        self.ranks_, self.alphas_, self.mse_path_ = ranks, alphas, mse
        best_rank, best_alpha = np.unravel_index(np.argmin(mse.mean(axis=2)), mse.shape[:2])
        self.rank_, self.alpha_ = int(ranks[best_rank]), float(alphas[best_alpha])
        refit = self._model(self.rank_, self.alpha_).fit(X_in, y, sample_weight)
        for name in ("coef_", "intercept_", "B_", "A_", "support_", "n_iter_",
                     "objective_path_"):
            setattr(self, name, getattr(refit, name))
        self._n_features_out = self.rank_
        return self

    def _fold_errors(self, X, Y, sample_weight, rank, k, train, test, alphas):
        model = self._model(rank, alphas[0], warm_start=True)
        X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
        sw_train = None if sample_weight is None else sample_weight[train]
        sw_test = None if sample_weight is None else sample_weight[test]
        errors = []
        for alpha in alphas:
            model.set_params(alpha=alpha).fit(X_train, Y[train], sw_train)
            residual = model.predict(X_test) - Y[test]
            errors.append(np.average(np.mean(residual**2, axis=1), weights=sw_test))
        if self.verbose:
            print(f"[SparseReducedRankRegressionCV] rank {rank}, fold {k + 1} done")
        return np.asarray(errors)

    # the refitted model's attributes are ours: its predict and transform apply as they are
    predict = SparseReducedRankRegression.predict
    transform = SparseReducedRankRegression.transform

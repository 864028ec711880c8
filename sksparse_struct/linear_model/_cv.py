"""Cross-validated GroupGraphLasso and GroupGraphLogisticRegression: one path per fold."""

import inspect
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.metrics import check_scoring, make_scorer
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import validate_data

from .._validation import (validate_class_labels, validate_fit_data, validate_fold_weights,
                           validate_sample_weight)
from ..solvers._threads import blas_threads_by_size
from ._group_graph_lasso import _STRUCTURE_CONSTRAINTS, GroupGraphLasso
from ._logistic import GroupGraphLogisticRegression
from ._path import alpha_grid, build_path_problem, solve_path

__all__ = ["GroupGraphLassoCV", "GroupGraphLogisticRegressionCV"]

_CV_CONSTRAINTS = {
    "alphas": [None, "array-like"],
    "n_alphas": [Interval(Integral, 1, None, closed="left")],
    "eps": [Interval(Real, 0, 1, closed="neither")],
    **_STRUCTURE_CONSTRAINTS,
    "cv": ["cv_object"],
    "n_jobs": [Integral, None],
    "tol": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "verbose": ["verbose"],
}

_STRUCTURE_NAMES = ("groups", "graph", "group_reg", "graph_reg", "l1_reg", "group_weights",
                    "fit_intercept")


class _PathCV(BaseEstimator):
    """Shared fit of the CV estimators: an alpha grid on all data, a path per fold, a refit."""

    _loss = None  # "squared" or "logistic"

    def _structure(self):
        return {name: getattr(self, name) for name in _STRUCTURE_NAMES}

    def _alphas(self, X, y, sample_weight, feature_names, classes):
        if self.alphas is not None:
            alphas = np.sort(np.asarray(self.alphas, dtype=float).ravel())[::-1]
            if alphas.size == 0 or np.any(alphas < 0):
                raise ValueError("alphas must be a non-empty array of non-negative values")
            return alphas
        extra = {} if classes is None else {"classes": classes}
        _, problem = build_path_problem(X, y, sample_weight, self._loss,
                                        feature_names=feature_names, **self._structure(),
                                        **extra)
        if not problem.has_penalty:  # nothing to regularize: the grid is alpha = 0
            return np.zeros(1)
        return alpha_grid(problem.alpha_max_bound(), self.n_alphas, self.eps)

    def _cross_validate(self, X, y, sample_weight, classes):
        feature_names = getattr(self, "feature_names_in_", None)
        folds = list(check_cv(self.cv, y, classifier=self._loss == "logistic").split(X, y))
        validate_fold_weights(sample_weight, folds)
        alphas = self._alphas(X, y, sample_weight, feature_names, classes)
        if self.verbose:
            print(f"[{type(self).__name__}] {len(folds)} folds x {alphas.size} alphas")
        scores = Parallel(n_jobs=self.n_jobs)(
            delayed(self._score_fold)(X, y, sample_weight, train, test, alphas, feature_names,
                                      classes, k)
            for k, (train, test) in enumerate(folds))
        return alphas, np.asarray(scores)  # (n_folds, n_alphas)

    def _score_fold(self, X, y, sample_weight, train, test, alphas, feature_names, classes, k):
        sw_train = None if sample_weight is None else sample_weight[train]
        extra = {} if classes is None else {"classes": classes}
        _, problem = build_path_problem(_safe_indexing(X, train), y[train], sw_train,
                                        self._loss, feature_names=feature_names,
                                        **self._structure(), **extra)
        params, _ = solve_path(problem, alphas, tol=self.tol, max_iter=self.max_iter)
        sw_test = None if sample_weight is None else sample_weight[test]
        scores = self._score_path(problem, params, _safe_indexing(X, test), y[test], sw_test,
                                  alphas)
        if self.verbose:
            print(f"[{type(self).__name__}] fold {k + 1} done")
        return scores


class GroupGraphLassoCV(RegressorMixin, _PathCV):
    r"""GroupGraphLasso with its alpha chosen by cross-validation, as sklearn's LassoCV.

    Fits the regularization path of :class:`GroupGraphLasso` (see there for
    the objective) on each training fold, warm started along a decreasing
    grid of alphas, picks the alpha of smallest mean held-out squared error
    (weighted by ``sample_weight`` when given) and refits on all data.

    Parameters
    ----------
    alphas : array-like, default=None
        Alphas to try; default ``n_alphas`` values from alpha_max (of all the
        data; with a graph term its certified upper bound, see
        :func:`group_graph_path`) down to ``eps * alpha_max``, log-spaced (``[0]`` when no term
        is switched on; with a graph term alone alpha_max is infinite and
        ``alphas`` must be given).
    n_alphas : int, default=100
    eps : float, default=1e-3
    groups, graph, group_reg, graph_reg, l1_reg, group_weights, fit_intercept
        The structure parameters of :class:`GroupGraphLasso`.
    cv : int, cross-validation generator or iterable, default=None
        As in sklearn (None: 5-fold).
    n_jobs : int, default=None
        Folds run in parallel through joblib (so ``joblib.parallel_backend("dask")``
        spreads them over a cluster).
    tol : float, default=1e-4
        Tolerance of every fit, as in :class:`GroupGraphLasso`: the optimality
        certificate (``kkt_violation``) of each fit is at most ``tol`` times
        the max norm of the gradient of the loss at ``w = 0`` on that fit's data.
    max_iter : int, default=5000
    verbose : int, default=0
        Report the folds as they finish when > 0.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Held-out mean squared error of each alpha on each fold.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Iterations of the refit.
    convergence_ : dict
        Of the refit, as in :class:`GroupGraphLasso`.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string column names.

    Notes
    -----
    With :math:`\hat w_{-k}(\alpha), \hat b_{-k}(\alpha)` the fit without fold
    :math:`k` (sample indices :math:`I_k`), the chosen alpha is

    .. math::

        \hat\alpha = \arg\min_{\alpha} \frac{1}{K} \sum_{k=1}^K
        \frac{\sum_{i \in I_k} s_i (y_i - x_i^\top \hat w_{-k} - \hat b_{-k})^2}
        {\sum_{i \in I_k} s_i} .

    See Also
    --------
    group_graph_path : The path each fold computes.
    sklearn.linear_model.LassoCV : The same protocol for the lasso.

    References
    ----------
    .. [1] J. Friedman, T. Hastie and R. Tibshirani. "Regularization paths for
       generalized linear models via coordinate descent", J. Statistical
       Software, 33(1), 2010.

    Examples
    --------
    >>> from sksparse_struct import GroupGraphLassoCV, make_group_graph_regression
    >>> X, y, coef, groups, graph = make_group_graph_regression(
    ...     n_samples=80, n_features=20, n_groups=5, n_informative_groups=1, random_state=0)
    >>> model = GroupGraphLassoCV(groups=groups, graph=graph, n_alphas=8, cv=3).fit(X, y)
    >>> model.mse_path_.shape
    (8, 3)
    >>> bool(model.alpha_ in model.alphas_), model.score(X, y) > 0.8
    (True, True)
    """

    _loss = "squared"
    _parameter_constraints = dict(_CV_CONSTRAINTS)

    def __init__(self, *, alphas=None, n_alphas=100, eps=1e-3, groups=None, graph=None,
                 group_reg=1.0, graph_reg=1.0, l1_reg=0.0, group_weights=None,
                 fit_intercept=True, cv=None, n_jobs=None, tol=1e-4, max_iter=5000, verbose=0):
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.groups = groups
        self.graph = graph
        self.group_reg = group_reg
        self.graph_reg = graph_reg
        self.l1_reg = l1_reg
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.n_jobs = n_jobs
        self.tol = tol
        self.max_iter = max_iter
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    @blas_threads_by_size
    def fit(self, X, y, sample_weight=None):
        """Cross-validate the path, choose alpha and refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the loss and of the held-out errors.

        Returns
        -------
        self : GroupGraphLassoCV
        """
        X_in = X
        X, y = validate_fit_data(self, X, y)
        sample_weight = validate_sample_weight(sample_weight, X)
        self.alphas_, scores = self._cross_validate(X, y, sample_weight, None)
        self.mse_path_ = scores.T
        self.alpha_ = float(self.alphas_[np.argmin(self.mse_path_.mean(axis=1))])
        refit = GroupGraphLasso(self.alpha_, **self._structure(), tol=self.tol,
                                max_iter=self.max_iter).fit(X_in, y, sample_weight)
        self.coef_, self.intercept_ = refit.coef_, refit.intercept_
        self.n_iter_, self.convergence_ = refit.n_iter_, refit.convergence_
        return self

    def _score_path(self, problem, params, X_test, y_test, sw_test, alphas):
        """Held-out mean squared error of each alpha."""
        intercepts = np.array([problem.loss.intercept(w) for w in params])
        pred = np.asarray(X_test @ params.T) + intercepts
        return np.average((pred - y_test[:, None]) ** 2, axis=0, weights=sw_test)

    predict = GroupGraphLasso.predict  # the refitted model's attributes are ours

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class GroupGraphLogisticRegressionCV(LinearClassifierMixin, _PathCV):
    r"""GroupGraphLogisticRegression with its alpha chosen by cross-validation.

    As sklearn's LogisticRegressionCV: fits the regularization path of
    :class:`GroupGraphLogisticRegression` (see there for the objective) on
    each training fold (stratified by default), warm started along a
    decreasing grid of alphas, scores each alpha on the held-out fold
    (``scoring``, accuracy by default), picks the alpha of best mean score
    and refits on all data.

    Parameters
    ----------
    alphas : array-like, default=None
        Alphas to try; default ``n_alphas`` values from alpha_max down to
        ``eps * alpha_max``, log-spaced (``[0]`` when no term is switched on).
    n_alphas : int, default=20
    eps : float, default=1e-2
        Weaker penalties than ``1e-2 * alpha_max`` approach the unpenalized
        model, which has no minimizer on separable data.
    groups, graph, group_reg, graph_reg, l1_reg, group_weights, fit_intercept
        The structure parameters of :class:`GroupGraphLogisticRegression`.
    scoring : str or callable, default=None
        A scorer name or callable (``scorer(estimator, X, y)``); None: accuracy.
    cv : int, cross-validation generator or iterable, default=None
        As in sklearn (None: 5-fold stratified).
    n_jobs : int, default=None
        Folds run in parallel through joblib.
    tol : float, default=1e-4
        Tolerance of every fit, as in :class:`GroupGraphLogisticRegression`.
    max_iter : int, default=10000
    verbose : int, default=0
        Report the folds as they finish when > 0.

    Attributes
    ----------
    alpha_ : float
    alphas_ : ndarray of shape (n_alphas,)
    scores_ : ndarray of shape (n_folds, n_alphas)
        Held-out score of each alpha on each fold.
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Iterations of the refit.
    convergence_ : dict
        Of the refit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string column names.

    Notes
    -----
    With :math:`\hat W_{-k}(\alpha)` the fit without fold :math:`k`, the chosen
    alpha is :math:`\hat\alpha = \arg\max_\alpha \frac1K \sum_k
    \mathrm{score}(\hat W_{-k}(\alpha); I_k)`, the score of the held-out fold:

    .. math::

        \mathrm{accuracy}(W; I_k) = \frac{1}{|I_k|} \sum_{i \in I_k}
        \mathbb{1}\big[y_i = \arg\max_c (x_i^\top W + b)_c\big]

    by default.

    See Also
    --------
    group_graph_path : The path each fold computes (``loss="logistic"``).
    sklearn.linear_model.LogisticRegressionCV : The same protocol.

    References
    ----------
    .. [1] J. Friedman, T. Hastie and R. Tibshirani. "Regularization paths for
       generalized linear models via coordinate descent", J. Statistical
       Software, 33(1), 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct import GroupGraphLogisticRegressionCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(150, 12))
    >>> y = (X[:, 0] + X[:, 1] + 0.5 * rng.normal(size=150) > 0).astype(int)
    >>> model = GroupGraphLogisticRegressionCV(groups=np.arange(12) // 2, n_alphas=6,
    ...                                        cv=3).fit(X, y)
    >>> model.scores_.shape
    (3, 6)
    >>> model.score(X, y) > 0.85
    True
    """

    _loss = "logistic"
    _parameter_constraints = {**_CV_CONSTRAINTS, "scoring": [None, str, callable]}

    def __init__(self, *, alphas=None, n_alphas=20, eps=1e-2, groups=None, graph=None,
                 group_reg=1.0, graph_reg=1.0, l1_reg=0.0, group_weights=None,
                 fit_intercept=True, scoring=None, cv=None, n_jobs=None, tol=1e-4,
                 max_iter=10000, verbose=0):
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.groups = groups
        self.graph = graph
        self.group_reg = group_reg
        self.graph_reg = graph_reg
        self.l1_reg = l1_reg
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.n_jobs = n_jobs
        self.tol = tol
        self.max_iter = max_iter
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    @blas_threads_by_size
    def fit(self, X, y, sample_weight=None):
        """Cross-validate the path, choose alpha and refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (ints or strings), at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the loss (the held-out scores are unweighted).

        Returns
        -------
        self : GroupGraphLogisticRegressionCV
        """
        X_in = X
        X, y = validate_data(self, X, y, accept_sparse=("csr", "csc"), dtype=np.float64)
        classes, _ = validate_class_labels(y)
        if classes.size < 2:
            raise ValueError(
                f"y has 1 class ({classes[0]!r}); a classifier needs at least two classes")
        sample_weight = validate_sample_weight(sample_weight, X)
        self.classes_ = classes
        self.alphas_, self.scores_ = self._cross_validate(X, y, sample_weight, classes)
        self.alpha_ = float(self.alphas_[np.argmax(self.scores_.mean(axis=0))])
        refit = GroupGraphLogisticRegression(self.alpha_, **self._structure(), tol=self.tol,
                                             max_iter=self.max_iter).fit(X_in, y, sample_weight)
        self.coef_, self.intercept_ = refit.coef_, refit.intercept_
        self.n_iter_, self.convergence_ = refit.n_iter_, refit.convergence_
        return self

    def _score_path(self, problem, params, X_test, y_test, sw_test, alphas):
        """Held-out score of each alpha, through a model holding that alpha's solution."""
        scorer = check_scoring(GroupGraphLogisticRegression(), scoring=self.scoring)
        score_func = getattr(scorer, "_score_func", None)
        if score_func is not None and "labels" in inspect.signature(score_func).parameters:
            # a held-out fold may miss a class: tell probability scores (log loss) all the
            # classes, as sklearn's LogisticRegressionCV does
            scorer = make_scorer(score_func, greater_is_better=scorer._sign == 1,
                                 response_method=scorer._response_method,
                                 labels=self.classes_, **getattr(scorer, "_kwargs", {}))
        scores = []
        for alpha, theta in zip(alphas, params):
            model = GroupGraphLogisticRegression(alpha)
            W, b = problem.loss.split(theta)
            model.coef_, model.intercept_ = np.ascontiguousarray(W.T), b.copy()
            model.classes_, model.n_features_in_ = self.classes_, X_test.shape[1]
            scores.append(scorer(model, X_test, y_test))
        return np.asarray(scores)

    predict_proba = GroupGraphLogisticRegression.predict_proba
    predict_log_proba = GroupGraphLogisticRegression.predict_log_proba

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

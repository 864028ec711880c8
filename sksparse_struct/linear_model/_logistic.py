"""GroupGraphLogisticRegression: logistic regression with group and graph structured sparsity."""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, _fit_context
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted, validate_data

from .._losses import BinaryLogistic, MultinomialLogistic
from .._validation import _check_scale, validate_class_labels
from ..solvers._threads import blas_threads_by_size
from ._cvxpy import solve_logistic_with_cvxpy
from ._group_graph_lasso import _STRUCTURE_CONSTRAINTS
from ._problem import GroupGraphProblem, check_structure
from ._solve import solve_logistic

__all__ = ["GroupGraphLogisticRegression", "group_graph_logistic_alpha_max"]


def _build_problem(X, y, sample_weight, *, groups, graph, group_weights, feature_names,
                   l1_reg, group_reg, graph_reg, fit_intercept, classes=None):
    """Classes and the penalized logistic problem (binary or multinomial) of ``(X, y)``.

    ``classes`` (sorted) fixes the model's classes, e.g. those of the whole data
    for a cross-validation fold that misses one.
    """
    _check_scale(X, "X")  # the losses overflow beyond it (the solver would backtrack forever)
    if classes is None:
        classes, encoded = validate_class_labels(y)
    else:
        encoded = np.searchsorted(classes, y)
    if classes.size < 2:
        raise ValueError(
            f"y has 1 class ({classes[0]!r}); a classifier needs at least two classes")
    sample_weight, groups, graph = check_structure(
        X, sample_weight, groups=groups, graph=graph, group_weights=group_weights,
        feature_names=feature_names)
    if classes.size == 2:
        loss = BinaryLogistic(X, encoded, sample_weight, fit_intercept)
    else:
        loss = MultinomialLogistic(X, encoded, classes.size, sample_weight, fit_intercept)
    problem = GroupGraphProblem(loss, groups, graph, l1_reg, group_reg, graph_reg,
                                n_blocks=loss.n_outputs, n_params=loss.size)
    return classes, problem


@validate_params(
    {"X": ["array-like", "sparse matrix"], "y": ["array-like"], **_STRUCTURE_CONSTRAINTS,
     "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
@blas_threads_by_size
def group_graph_logistic_alpha_max(X, y, *, groups=None, graph=None, group_reg=1.0,
                                   graph_reg=1.0, l1_reg=0.0, group_weights=None,
                                   fit_intercept=True, sample_weight=None):
    """Smallest ``alpha`` for which :class:`GroupGraphLogisticRegression` returns ``coef_ == 0``.

    Every ``alpha`` above it gives exact zeros (at ``alpha_max`` itself the
    prox sits on its threshold and may leave round-off). Takes the data and the structure parameters of
    :class:`GroupGraphLogisticRegression`. ``coef_ = 0`` (with the intercept
    fitted to the class frequencies) is optimal iff the gradient of the loss
    there lies in ``alpha`` times the subdifferential of the penalty at 0; the
    value is computed as in :func:`group_graph_alpha_max` (exact without a
    graph term, a certified upper bound with one).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Class labels (ints or strings).
    groups, graph, group_reg, graph_reg, l1_reg, group_weights, fit_intercept
        As in :class:`GroupGraphLogisticRegression`.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    alpha_max : float
        ``inf`` when no alpha zeroes every coefficient.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct import GroupGraphLogisticRegression, group_graph_logistic_alpha_max
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 6))
    >>> y = (X[:, 0] + 0.5 * rng.normal(size=40) > 0).astype(int)
    >>> amax = group_graph_logistic_alpha_max(X, y, groups=[0, 0, 1, 1, 2, 2])
    >>> model = GroupGraphLogisticRegression(1.001 * amax, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> bool(np.all(model.coef_ == 0))
    True
    """
    holder = BaseEstimator()
    X, y = validate_data(holder, X, y, accept_sparse=("csr", "csc"), dtype=np.float64)
    _, problem = _build_problem(
        X, y, sample_weight, groups=groups, graph=graph, group_weights=group_weights,
        feature_names=getattr(holder, "feature_names_in_", None), l1_reg=l1_reg,
        group_reg=group_reg, graph_reg=graph_reg, fit_intercept=fit_intercept)
    return problem.alpha_max()


class GroupGraphLogisticRegression(LinearClassifierMixin, BaseEstimator):
    r"""Logistic regression with joint group and graph structured sparsity.

    Minimizes

    .. math::

        \frac{1}{n} \sum_{i=1}^n s_i\, \ell(y_i, x_i^\top W + b)
        + \alpha \Big( \rho_1 \sum_{j,c} |W_{jc}| + \rho_G \sum_{g} \omega_g \|W_g\|_F
        + \rho_E \sum_{(j,k) \in E} a_{jk} \sum_c |W_{jc} - W_{kc}| \Big)

    where :math:`\ell` is the binary logistic loss
    :math:`\log(1 + e^{-\tilde y\, \eta})` (:math:`\tilde y = \pm 1`, positive
    class ``classes_[1]``, ``W`` a vector) for two classes and the multinomial
    loss :math:`\log\sum_c e^{\eta_c} - \eta_{y}` for more (``W`` of shape
    (n_features, n_classes)); :math:`W_g` are the rows of the group's features
    (a feature's coefficients for all classes form its block, so a group
    selects features for every class); :math:`\rho_1` = ``l1_reg``,
    :math:`\rho_G` = ``group_reg``, :math:`\rho_E` = ``graph_reg``,
    :math:`\omega_g = \sqrt{|g|}` unless ``group_weights`` is given,
    :math:`a_{jk}` the edge weights, :math:`s` the sample weights rescaled to
    sum to ``n`` and :math:`b` an unpenalized intercept (0 when
    ``fit_intercept=False``).

    The solver is accelerated proximal gradient (FISTA with backtracking and a
    monotone restart). The prox of the l1 + group penalty is exact; with a
    graph term the prox of the whole penalty is computed by an accelerated
    dual ascent, warm started between iterations, to a duality gap tied to
    ``tol`` (:class:`~sksparse_struct.penalties.SeparablePlusFused`). Exact
    zeros come from the prox.

    Parameters
    ----------
    alpha : float, default=1.0
        Overall regularization strength, >= 0; see
        :func:`group_graph_logistic_alpha_max`.
    groups : array-like of shape (n_features,) or list of lists, default=None
        One group label per feature, or a list of disjoint lists of feature
        indices (or column names of a DataFrame X), as in
        :class:`GroupGraphLasso`. None: no group term.
    graph : networkx.Graph, sparse matrix or array-like, default=None
        Feature graph, as in :class:`GroupGraphLasso`. None: no graph term.
    group_reg : float, default=1.0
        Weight of the group term.
    graph_reg : float, default=1.0
        Weight of the graph term.
    l1_reg : float, default=0.0
        Weight of the l1 term.
    group_weights : array-like of shape (n_groups,), default=None
        The :math:`\omega_g`, >= 0. Default ``sqrt(group size)``.
    fit_intercept : bool, default=True
        Whether to fit the unpenalized intercept ``b``.
    solver : {"fista", "cvxpy"}, default="fista"
        "cvxpy" solves the same problem with cvxpy (reference solver, slow).
    max_iter : int, default=10000
        Maximum number of proximal gradient iterations.
    tol : float, default=1e-4
        Optimality certificate: the fit stops when the norm of the gradient
        mapping :math:`L(y_k - x_{k+1})` (zero exactly at a minimizer) is at
        most ``tol`` times the norm of the gradient of the loss at
        ``coef_ = 0`` with the intercept fitted there.
    warm_start : bool, default=False
        Start from the previous solution.
    verbose : int, default=0
        Print a summary of the fit when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row for two classes (the positive class is
        ``classes_[1]``), as in sklearn's LogisticRegression.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Proximal gradient iterations (0 with the cvxpy solver).
    convergence_ : dict
        ``converged``, ``objective`` (the objective above) and, with the
        default solver, ``gradient_mapping`` (the certificate) and
        ``threshold`` (``tol`` times its scale).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string column names.

    See Also
    --------
    GroupGraphLasso : The same penalty on least squares.
    group_graph_logistic_alpha_max : Smallest alpha giving all-zero coefficients.

    References
    ----------
    .. [1] A. Beck and M. Teboulle. "A fast iterative shrinkage-thresholding
       algorithm for linear inverse problems", SIAM J. Imaging Sciences, 2009.
    .. [2] L. Meier, S. van de Geer and P. Bühlmann. "The group lasso for
       logistic regression", J. Royal Statistical Society B, 70(1), 2008.
    .. [3] D. Böhning. "Multinomial logistic regression algorithm", Annals of
       the Institute of Statistical Mathematics, 44, 1992.
    .. [4] B. O'Donoghue and E. Candès. "Adaptive restart for accelerated
       gradient schemes", Foundations of Computational Mathematics, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct import GroupGraphLogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 12))
    >>> y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    >>> model = GroupGraphLogisticRegression(0.02, groups=np.arange(12) // 2).fit(X, y)
    >>> model.classes_
    array(['no', 'yes'], dtype='<U3')
    >>> np.flatnonzero(model.coef_[0]).tolist()  # the first group only
    [0, 1]
    >>> model.score(X, y) > 0.9
    True
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        **_STRUCTURE_CONSTRAINTS,
        "solver": [StrOptions({"fista", "cvxpy"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(self, alpha=1.0, *, groups=None, graph=None, group_reg=1.0, graph_reg=1.0,
                 l1_reg=0.0, group_weights=None, fit_intercept=True, solver="fista",
                 max_iter=10000, tol=1e-4, warm_start=False, verbose=0):
        self.alpha = alpha
        self.groups = groups
        self.graph = graph
        self.group_reg = group_reg
        self.graph_reg = graph_reg
        self.l1_reg = l1_reg
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    @blas_threads_by_size
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; sparse X is never densified.
        y : array-like of shape (n_samples,)
            Class labels (ints or strings), at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled to sum to n_samples.

        Returns
        -------
        self : GroupGraphLogisticRegression
        """
        X, y = validate_data(self, X, y, accept_sparse=("csr", "csc"), dtype=np.float64)
        classes, problem = _build_problem(
            X, y, sample_weight, groups=self.groups, graph=self.graph,
            group_weights=self.group_weights,
            feature_names=getattr(self, "feature_names_in_", None), l1_reg=self.l1_reg,
            group_reg=self.group_reg, graph_reg=self.graph_reg,
            fit_intercept=self.fit_intercept)
        self.classes_ = classes
        if self.solver == "cvxpy":
            theta = solve_logistic_with_cvxpy(problem, self.alpha, verbose=bool(self.verbose))
            self.n_iter_ = 0
            self.convergence_ = {"converged": True,
                                 "objective": problem.objective(theta, self.alpha)}
        else:
            theta = self._fit_fista(problem)
        W, b = problem.loss.split(theta)
        self.coef_ = np.ascontiguousarray(W.T)
        self.intercept_ = b.copy()
        self._theta = theta
        return self

    def _fit_fista(self, problem):
        previous = getattr(self, "_theta", None) if self.warm_start else None
        start = previous if previous is not None and previous.shape == (problem.loss.size,) \
            else None
        theta, record = solve_logistic(problem, self.alpha, start=start, tol=self.tol,
                                       max_iter=self.max_iter, verbose=self.verbose)
        self.n_iter_ = record.pop("n_iter")
        self.convergence_ = record
        return theta

    def predict_proba(self, X):
        """Class probabilities: the sigmoid (two classes) or softmax of the decision function.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

"""JointGroupGraphClassifier: sparse representation classification of linked data."""

import time
import warnings
from numbers import Integral, Real

import networkx as nx
import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from .._validation import validate_class_labels, validate_node_ids
from ..solvers._threads import single_threaded_blas
from ._problem import (CodingProblem, anova_weights, dictionary_graph, normalized_adjacency,
                       propagate_many, row_normalize)

__all__ = ["JointGroupGraphClassifier"]

#: nodes coded together by the cross-fitted selection (bounds its memory)
_CODING_BLOCK = 16384

#: link-trust values tried by ``"auto"``, from "ignore the links" upwards
FEATURE_PROPAGATION_GRID = (0.0, 0.5, 0.8, 1.0)
RESIDUAL_PROPAGATION_GRID = (0.0, 0.5, 0.8, 0.9)
_TEMPERATURES = np.geomspace(1e-5, 10.0, 61)


class JointGroupGraphClassifier(ClassifierMixin, BaseEstimator):
    r"""Classify linked data by a joint group + graph sparse representation.

    Each query node is coded as a sparse combination of the labelled nodes
    (the dictionary), with group sparsity over classes and graph sparsity
    over the links, and takes the class whose atoms reconstruct it (and its
    graph neighbourhood) best. This is the transductive setting: ``graph``
    and ``features`` of every node are given at construction, ``fit(X, y)``
    receives the identifiers of the labelled nodes and ``predict(X)`` those
    of the nodes to classify, so cross-validation splits nodes.

    **Representation.** Features are weighted by the square root of their
    ANOVA F statistic on the labelled nodes (``feature_weighting="anova"``),
    propagated along the links with personalized PageRank of strength
    :math:`\beta_f` (``feature_propagation``) and scaled to unit norm:

    .. math::

        H = \mathrm{rownorm}\Big((1-\beta_f)\sum_{k<K}\beta_f^k \hat S^k \tilde X
            + \beta_f^K \hat S^K \tilde X\Big),
        \qquad \hat S = (D+I)^{-1/2}(A+I)(D+I)^{-1/2},

    with :math:`K = 10` steps for :math:`\beta_f < 1` (APPNP's) and :math:`K = 2`
    at :math:`\beta_f = 1`, where nothing restarts from the node's own features
    (only the self-loops of :math:`\hat S` keep them among its neighbours'):
    :math:`H = \mathrm{rownorm}(\hat S^2 \tilde X)`, SGC's features. The
    first family keeps part of each node's own features; the second describes
    a node by its two-hop neighbourhood, where it is one node among the
    others, for graphs whose nodes' own features say less than their
    neighbours' (Wikipedia's Chameleon: see docs/benchmarks.md); more hops
    would over-smooth.

    **Code of a query.** With :math:`D` the rows of :math:`H` of the labelled
    nodes (atom :math:`j` of class :math:`c_j`), every node :math:`q` is coded by

    .. math::

        a_q = \arg\min_a \tfrac12\|h_q - D^\top a\|_2^2 + \alpha\Big(
            \sum_j \big(\mathrm{l1\_reg} + \mathrm{cross\_reg}\,d^{\ne}_j\big)|a_j|
            + \mathrm{group\_reg}\sum_{c} \sqrt{|G_c|}\,\|a_{G_c}\|_2
            + \mathrm{graph\_reg}\sum_{(j,k)\in E_=} w_{jk}\,|a_j - a_k|\Big)

    where :math:`G_c` are the atoms of class :math:`c` (group sparsity: few
    classes used), :math:`E_=` the links of the dictionary graph that join
    atoms of one class (graph sparsity: linked atoms enter together, so the
    selected atoms form few connected components), and
    :math:`d^{\ne}_j = \sum_{k:(j,k)\in E_\ne} w_{jk} / \sum_{k:(j,k)\in E} w_{jk}`
    the fraction of the links of atom :math:`j` that reach atoms of other
    classes (a convex form of a penalty on selected links across classes: an
    atom whose neighbours disagree with its label is a less reliable
    exemplar; 0 for an atom without links). The dictionary graph links two
    labelled nodes with :math:`w_{jk}=1` when they are linked and :math:`1/2`
    when they share a neighbour.

    **Decision.** The class-wise residuals
    :math:`r_{qc} = \|h_q - D_{G_c}^\top a_{q,G_c}\|_2^2` of every node are
    aggregated over its graph neighbourhood by the same propagation, of
    strength :math:`\beta_r` (``residual_propagation``):
    :math:`\hat R = \mathrm{propagate}_{\beta_r}(R)`, which joins the query
    with its neighbours (labelled neighbours, coded by themselves, vote with
    their own class). The predicted class is
    :math:`\arg\min_c \hat r_{qc}`; ``decision_function`` is
    :math:`-\hat r_{q\cdot}` and ``predict_proba`` is
    :math:`\mathrm{softmax}(-\hat r_{q\cdot}/T)` with the temperature
    :math:`T` fitted by the cross-fitted log-loss of the labelled nodes.

    **How much to trust the links** depends on the data: propagation makes
    citation graphs (homophilous) easy and hurts on hyperlink graphs whose
    links join different classes. With ``"auto"`` (default) both strengths
    are chosen at fit from the labelled nodes alone, by cross-fitted accuracy,
    and so is whether the dictionary-graph terms (fused and cross-class) are
    built from the links (``dictionary_links="auto"``): the labelled nodes
    are split in 5 stratified folds, and the nodes of each fold are coded
    over the atoms of the other folds, with feature weights fitted on those
    folds only. In two stages: :math:`\beta_f` among ``(0, 0.5, 0.8, 1)``
    without the dictionary-graph terms, then those terms at that
    :math:`\beta_f` (kept unless they lower the accuracy), on the labelled
    nodes' own held-out residuals (only labelled nodes are coded per
    candidate; the terms are tried once because on dense graphs their fused
    term makes a coding many times slower), then
    :math:`\beta_r` among ``(0, 0.5, 0.8, 0.9)`` on the aggregated ones:
    each fold's model codes every node, and the nodes of that fold are
    scored by the aggregate of those residuals. No label reaches the
    score of its own node, neither through the node's code nor through its
    neighbours' (the second stage costs one coding of every node per fold;
    it also runs for a fixed ``residual_propagation > 0``, whose cross-fitted
    scores fit the temperature of ``predict_proba``). Ties go to the weaker
    propagation and keep the dictionary links.

    Every term is switched off by a zero weight: ``group_reg=0`` (no group
    sparsity), ``graph_reg=0`` and ``cross_reg=0`` (no dictionary graph; so
    does ``dictionary_links=False``),
    ``feature_propagation=0`` and ``residual_propagation=0`` (no propagation);
    all four link terms at 0 give the features-only model.

    Without ``graph`` and ``features``, ``X`` holds the features of the
    samples themselves (no links): a group sparse representation classifier.

    Parameters
    ----------
    graph : networkx.Graph, default=None
        The links between nodes (edge attribute ``weight`` used, default 1).
        A directed graph or multigraph is converted to a simple undirected
        graph with a warning; self-loops are ignored.
    features : {array-like, sparse matrix} of shape (n_nodes, n_features), default=None
        One row per node, in ``list(graph.nodes)`` order.
    alpha : float, default=0.02
        Overall strength of the penalty (the representations have unit norm,
        so every atom leaves the code at ``alpha * l1_reg >= 1``).
    l1_reg : float, default=1.0
        Weight of the l1 term.
    group_reg : float, default=0.1
        Weight of the class-group term.
    graph_reg : float, default=0.1
        Weight of the fused term over same-class links of the dictionary graph.
    cross_reg : float, default=0.1
        Weight of the penalty on atoms linked to atoms of other classes.
    dictionary_links : "auto" or bool, default="auto"
        Whether the fused and cross-class terms are built from the links;
        ``"auto"`` keeps them unless the cross-fitted accuracy is higher
        without them (links that join different classes make both terms
        mislead).
    feature_propagation : "auto" or float in [0, 1], default="auto"
        :math:`\beta_f`; 0 uses each node's own features, 1 only those of its
        neighbourhood (two hops).
    residual_propagation : "auto" or float in [0, 1), default="auto"
        :math:`\beta_r`; 0 decides on each node's own residuals.
    feature_weighting : {"anova", None}, default="anova"
        Feature weights :math:`\sqrt{F_j}` from the labelled nodes, or none.
    solver : {"admm", "cvxpy"}, default="admm"
        ``"admm"``: all queries in batches over one cached Cholesky
        factorization; ``"cvxpy"``: one independent cvxpy model per query
        (the reference for tests; slow, for small graphs).
    tol : float, default=1e-4
        Relative tolerance of the primal and dual ADMM residuals of each query.
    max_iter : int, default=5000
        Maximum ADMM iterations per batch.
    batch_size : int, default=2048
        Queries solved together (memory grows as batch_size x n_labelled).
    n_jobs : int, default=None
        Batches solved in parallel through joblib (threads by default; any
        joblib backend, e.g. dask, through ``joblib.parallel_config``).
    verbose : int, default=0
        Print progress of the fit.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
        1 with a graph (one column of identifiers), else the number of features.
    dictionary_nodes_ : ndarray
        Identifiers of the labelled nodes (the atoms), in atom order.
    feature_propagation_, residual_propagation_ : float
        The propagation strengths used (chosen when ``"auto"``).
    dictionary_links_ : bool
        Whether the dictionary-graph terms are built from the links (chosen
        when ``"auto"``; False without a graph or with both weights 0).
    selection_ : dict
        Cross-fitted accuracy of every ``(beta_f, dictionary_links, beta_r)``
        candidate tried.
    temperature_ : float
        :math:`T` of ``predict_proba``.
    feature_weights_ : ndarray of shape (n_features,)
    codes_ : scipy.sparse.csr_matrix of shape (n_nodes, n_labelled)
        With a graph: the code of every node (labelled nodes coded by the
        full dictionary, themselves included).
    residuals_ : ndarray of shape (n_nodes, n_classes)
        With a graph: the aggregated class residuals :math:`\hat R`.
    n_iter_ : int
        Largest number of ADMM iterations of a query, over every coding of the fit.

    References
    ----------
    Wright, Yang, Ganesh, Sastry & Ma, "Robust face recognition via sparse
    representation", IEEE TPAMI 31(2), 2009 (sparse representation classification).
    Yuan & Lin, "Model selection and estimation in regression with grouped
    variables", JRSS B 68(1), 2006 (group lasso).
    Tibshirani, Saunders, Rosset, Zhu & Knight, "Sparsity and smoothness via the
    fused lasso", JRSS B 67(1), 2005; Kim & Xing, "Statistical estimation of
    correlated genome associations to a quantitative trait network", PLoS
    Genetics 5(8), 2009 (graph-fused penalties).
    Gasteiger, Bojchevski & Günnemann, "Predict then propagate: graph neural
    networks meet personalized PageRank", ICLR 2019 (propagation).
    Wu, Souza, Zhang, Fifty, Yu & Weinberger, "Simplifying graph convolutional
    networks", ICML 2019 (two-hop features).

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct import JointGroupGraphClassifier, make_linked_data
    >>> data = make_linked_data(600, n_classes=3, homophily=0.9, random_state=0,
    ...                         n_val=100, n_test=200)
    >>> train, _, test = data.splits[0]
    >>> nodes = np.arange(600).reshape(-1, 1)
    >>> clf = JointGroupGraphClassifier(data.graph, data.features).fit(nodes[train],
    ...                                                                 data.target[train])
    >>> clf.feature_propagation_ > 0  # strongly homophilous links: trusted
    True
    >>> codes = clf.encode(nodes[test[:1]])  # the labelled nodes behind one prediction
    >>> codes.shape == (1, train.size)
    True
    >>> features_only = JointGroupGraphClassifier(
    ...     data.graph, data.features, feature_propagation=0, residual_propagation=0,
    ...     graph_reg=0, cross_reg=0).fit(nodes[train], data.target[train])
    >>> bool(clf.score(nodes[test], data.target[test])
    ...      > features_only.score(nodes[test], data.target[test]))
    True
    """

    _parameter_constraints = {
        "graph": [None, nx.Graph],
        "features": [None, "array-like", "sparse matrix"],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "l1_reg": [Interval(Real, 0, None, closed="left")],
        "group_reg": [Interval(Real, 0, None, closed="left")],
        "graph_reg": [Interval(Real, 0, None, closed="left")],
        "cross_reg": [Interval(Real, 0, None, closed="left")],
        "dictionary_links": [StrOptions({"auto"}), "boolean"],
        "feature_propagation": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="both")],
        "residual_propagation": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left")],
        "feature_weighting": [StrOptions({"anova"}), None],
        "solver": [StrOptions({"admm", "cvxpy"})],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def __init__(self, graph=None, features=None, *, alpha=0.02, l1_reg=1.0, group_reg=0.1,
                 graph_reg=0.1, cross_reg=0.1, dictionary_links="auto",
                 feature_propagation="auto", residual_propagation="auto",
                 feature_weighting="anova", solver="admm",
                 tol=1e-4, max_iter=5000, batch_size=2048, n_jobs=None, verbose=0):
        self.graph = graph
        self.features = features
        self.alpha = alpha
        self.l1_reg = l1_reg
        self.group_reg = group_reg
        self.graph_reg = graph_reg
        self.cross_reg = cross_reg
        self.dictionary_links = dictionary_links
        self.feature_propagation = feature_propagation
        self.residual_propagation = residual_propagation
        self.feature_weighting = feature_weighting
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ------------------------------------------------------------------ input
    def _linked(self):
        return self.graph is not None or self.features is not None

    def _check_structure(self):
        """The graph (simple, undirected), its node index and the features, validated."""
        if self.graph is None or self.features is None:
            missing = "graph" if self.graph is None else "features"
            raise ValueError(
                f"{missing} is None: JointGroupGraphClassifier needs both graph (a "
                "networkx.Graph) and features (one row per node), or neither (then X holds "
                "the features of the samples)"
            )
        graph = self.graph
        if graph.is_directed() or graph.is_multigraph():
            warnings.warn("graph is directed or a multigraph; it is used as the simple "
                          "undirected graph nx.Graph(graph)", UserWarning, stacklevel=3)
            graph = nx.Graph(graph.to_undirected() if graph.is_directed() else graph)
        nodes = list(graph.nodes)
        features = check_array(self.features, accept_sparse="csr", dtype=np.float64,
                               input_name="features")
        if not np.any(features.data if sp.issparse(features) else features):
            raise ValueError("features are all zero: a node has nothing to be coded by")
        if features.shape[0] != len(nodes):
            raise ValueError(
                f"features has {features.shape[0]} rows but graph has {len(nodes)} nodes: "
                "features needs one row per node, in list(graph.nodes) order"
            )
        adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight",
                                             format="csr", dtype=float)
        adjacency = sp.csr_matrix(adjacency)
        if adjacency.nnz and (not np.all(np.isfinite(adjacency.data)) or adjacency.data.min() < 0):
            raise ValueError("graph edge weights must be finite and non-negative")
        adjacency.setdiag(0)
        adjacency.eliminate_zeros()
        # nodes 0..n-1 (the loaders' and generators' graphs): identifiers are rows
        contiguous = all(isinstance(v, (Integral, np.integer)) and not isinstance(v, bool)
                         and v == i for i, v in enumerate(nodes))
        index = len(nodes) if contiguous else {node: i for i, node in enumerate(nodes)}
        return nodes, index, adjacency, features

    @staticmethod
    def _unique_labelled(rows, labels):
        """One label per labelled row; a row labelled twice must agree with itself."""
        order = np.argsort(rows, kind="stable")
        rows, labels = rows[order], labels[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        starts = np.flatnonzero(first)
        conflicting = np.flatnonzero(np.minimum.reduceat(labels, starts)
                                     != np.maximum.reduceat(labels, starts))
        return rows[first], labels[first], conflicting

    # ------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the classifier on labelled nodes.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)
            Identifiers of the labelled nodes (with a graph), or, without a
            graph, the features of the samples, shape (n_samples, n_features).
        y : array-like of shape (n_samples,)
            Class labels (int or str).

        Returns
        -------
        self : JointGroupGraphClassifier
        """
        # every product here is small (one unknown per labelled node) or sparse: BLAS
        # threads only add synchronization, costly on a busy machine (see
        # solvers/_threads.py); parallelism comes from n_jobs instead
        with single_threaded_blas():
            return self._fit(X, y)

    def _fit(self, X, y):
        start = time.perf_counter()
        if self._linked():
            nodes, index, adjacency, features = self._check_structure()
            rows = validate_node_ids(X, index)
            self.n_features_in_ = 1
            self.classes_, y_enc = validate_class_labels(y)
            if rows.shape[0] != y_enc.shape[0]:
                raise ValueError(f"X has {rows.shape[0]} node identifiers but y has "
                                 f"{y_enc.shape[0]} labels")
            rows, y_enc, bad = self._unique_labelled(rows, y_enc)
            if bad.size:
                raise ValueError(f"node(s) {[nodes[rows[i]] for i in bad[:5]]} are labelled "
                                 "twice with different classes")
            self._index = index
            S = normalized_adjacency(adjacency)
            self.dictionary_nodes_ = np.array([nodes[r] for r in rows], dtype=object)
        else:
            features, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
            self.classes_, y_enc = validate_class_labels(y)
            rows = np.arange(features.shape[0])
            S = adjacency = None
            self.dictionary_nodes_ = rows
        if sp.issparse(features) and not features.has_canonical_format:
            # duplicate entries are summed by products but read one by one by f_classif
            features = features.copy()
            features.sum_duplicates()
        n_classes = self.classes_.size

        def weights(positions):
            """Feature weights fitted on the labelled nodes at ``positions`` only."""
            if self.feature_weighting != "anova":
                return np.ones(features.shape[1])
            return anova_weights(features[rows[positions]], y_enc[positions])

        every = np.arange(rows.size)
        self.feature_weights_ = weights(every)
        betas_f = self._grid(self.feature_propagation, FEATURE_PROPAGATION_GRID, S)
        betas_r = self._grid(self.residual_propagation, RESIDUAL_PROPAGATION_GRID, S)
        folds = _stratified_folds(y_enc)

        def links(positions):
            """The dictionary graph of the labelled nodes at ``positions``."""
            return None if S is None else dictionary_graph(adjacency, rows[positions])

        def build(H, positions, atoms_links):
            """The coding problem whose atoms are the labelled nodes at ``positions``."""
            return CodingProblem.build(
                H, y_enc[positions], n_classes, atoms_links, alpha=self.alpha,
                l1_reg=self.l1_reg, group_reg=self.group_reg, graph_reg=self.graph_reg,
                cross_reg=self.cross_reg)

        # what a fold's model needs besides the representation: the same for every beta_f
        fold_models = []
        for test in folds:
            train = np.setdiff1d(every, test)
            fold_models.append((test, train, weights(train), links(train)))

        def cross_fitted(PX, use_links, models=None):
            """Class residuals coded by each fold's model: the atoms of the other folds,
            with feature weights fitted on those folds only, so that no label is seen by
            the representation or the dictionary that codes its own node. Yields
            ``(test, residuals, model)``: the residuals of the fold's labelled nodes and
            the fold's ``(problem, factorization)``; given the models of an earlier call
            (same ``PX`` and links), the residuals of every node, for the aggregation of
            the second stage."""
            for f, (test, train, fold_weights, fold_links) in enumerate(fold_models):
                coded = rows[test] if models is None else np.arange(PX.shape[0])
                if train.size == 0:  # a single labelled node: nothing to code it with
                    H = _unit_rows(PX[coded], fold_weights)
                    yield test, np.asarray(H.multiply(H).sum(axis=1) if sp.issparse(H)
                                           else (H**2).sum(axis=1)).reshape(-1, 1), None
                    continue
                if models is None:
                    atoms = _unit_rows(PX[rows[train]], fold_weights)
                    problem = build(atoms, train, fold_links if use_links else None)
                    model = (problem, problem.factorization(atoms, tol=self.tol))
                else:
                    model = models[f]
                residuals = np.empty((coded.size, n_classes))
                # in blocks of nodes: the weighted unit rows of every node never exist at once
                for first in range(0, coded.size, _CODING_BLOCK):
                    block = slice(first, first + _CODING_BLOCK)
                    H = _unit_rows(PX[coded[block]], fold_weights)
                    codes, it = self._code(*model, H)
                    self.n_iter_ = max(self.n_iter_, it)
                    residuals[block] = model[0].class_residuals(H, codes)
                yield test, residuals, model

        def held_out_candidate(beta_f, PX, use_links):
            """Cross-fitted accuracy of one candidate of stage 1, with what stage 2 reuses."""
            held_out, models = np.empty((rows.size, n_classes)), []
            for test, residuals, model in cross_fitted(PX, use_links):
                held_out[test] = residuals
                models.append(model)
            accuracy = self._record(beta_f, use_links, 0.0, held_out, y_enc, start)
            return accuracy, beta_f, use_links, PX, held_out, models

        self.selection_, self.n_iter_ = {}, 0
        # stage 1: the feature propagation, then the dictionary links at that propagation,
        # by cross-fitted accuracy of the labelled nodes on their own residuals (only
        # labelled nodes are coded per candidate). The propagation is chosen without the
        # dictionary-graph terms when they are "auto": on dense graphs their fused term
        # makes a coding ten times slower or more, so it is tried once, not per propagation
        options = self._link_options(S)
        best = None
        for beta_f, PX in zip(betas_f, _propagated(features, S, betas_f)):
            candidate = held_out_candidate(beta_f, PX, options[-1])
            if best is None or candidate[0] > best[0]:  # ties to the weaker propagation
                best = candidate
        if len(options) > 1:
            candidate = held_out_candidate(best[1], best[3], options[0])
            if candidate[0] >= best[0]:  # ties keep the dictionary-graph terms
                best = candidate
        _, self.feature_propagation_, self.dictionary_links_, PX, scores, models = best
        del best
        self.residual_propagation_ = 0.0
        positive = [beta for beta in betas_r if beta > 0]
        if S is not None and positive:
            # stage 2: the residual propagation, by the accuracy of the aggregated
            # residuals of the labelled nodes, each fold's nodes aggregated over the
            # residuals of every node coded by that fold's model (beta_r = 0 is stage 1)
            aggregated = np.empty((len(positive), rows.size, n_classes))
            for test, residuals, _ in cross_fitted(PX, self.dictionary_links_, models):
                for i, propagated in enumerate(propagate_many(S, residuals, positive)):
                    aggregated[i, test] = propagated[rows[test]]
            best = None
            for beta_r in betas_r:
                candidate = aggregated[positive.index(beta_r)] if beta_r > 0 else scores
                accuracy = self._record(self.feature_propagation_, self.dictionary_links_,
                                        beta_r, candidate, y_enc, start)
                if best is None or accuracy > best[0]:  # ties to the weaker propagation
                    best = (accuracy, beta_r, candidate)
            _, self.residual_propagation_, scores = best
            del aggregated, best
        del models
        H = _unit_rows(PX, self.feature_weights_)
        del PX
        self.problem_ = problem = build(H[rows], every,
                                        links(every) if self.dictionary_links_ else None)
        self.factorization_ = factorization = problem.factorization(H, tol=self.tol)
        if S is not None:
            # every node coded once by the model of all labelled nodes
            codes, n_iter = self._code(problem, factorization, H)
            self.n_iter_ = max(self.n_iter_, n_iter)
            self.residuals_ = propagate_many(S, problem.class_residuals(H, codes),
                                             [self.residual_propagation_])[0]
            self.codes_ = sp.csr_matrix(codes.T)
        self.temperature_ = _fit_temperature(scores, y_enc)
        if self.verbose:
            print(f"[JointGroupGraphClassifier] fit done in {time.perf_counter() - start:.2f}s")
        return self

    def _record(self, beta_f, use_links, beta_r, scores, labels, start):
        """Store (and print) the cross-fitted accuracy of one candidate."""
        accuracy = float(np.mean(np.argmin(scores, axis=1) == labels))
        self.selection_[(beta_f, use_links, beta_r)] = accuracy
        if self.verbose:
            print(f"[JointGroupGraphClassifier] feature_propagation={beta_f:g} "
                  f"dictionary_links={use_links} residual_propagation={beta_r:g}: "
                  f"cross-fitted accuracy {accuracy:.4f} ({time.perf_counter() - start:.1f}s)")
        return accuracy

    def _link_options(self, S):
        """Whether the dictionary-graph terms are built from the links, for each candidate.

        With ``"auto"``, ``(True, False)``: the propagation is chosen with the last (no
        terms), then the first is tried at that propagation and kept unless it lowers the
        cross-fitted accuracy."""
        if S is None or (self.graph_reg == 0 and self.cross_reg == 0):
            return (False,)  # nothing to build: the terms are switched off
        return (True, False) if self.dictionary_links == "auto" else (bool(self.dictionary_links),)

    @staticmethod
    def _grid(value, grid, S):
        if S is None:
            return (0.0,)
        return grid if isinstance(value, str) else (float(value),)

    def _code(self, problem, factorization, queries):
        """Codes (m, k) of the rows of ``queries``, in batches, possibly in parallel."""
        k = queries.shape[0]
        chunks = [slice(s, min(s + self.batch_size, k)) for s in range(0, k, self.batch_size)]
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_solve_batch)(problem, factorization, queries[chunk], self.solver, self.tol,
                                  self.max_iter)
            for chunk in chunks)
        codes = np.hstack([r[0] for r in results])
        n_iter = max(r[1] for r in results)
        n_failed = sum(r[2] for r in results)
        if n_failed:
            warnings.warn(
                f"ADMM did not converge in {self.max_iter} iterations for {n_failed} of {k} "
                f"queries (tol={self.tol:g}); increase max_iter or tol.",
                ConvergenceWarning, stacklevel=3)
        return codes, n_iter

    # ---------------------------------------------------------------- predict
    def _query_rows(self, X):
        check_is_fitted(self)
        if self._linked():
            return validate_node_ids(X, self._index)
        return None

    def _class_residuals(self, X):
        rows = self._query_rows(X)
        if rows is not None:
            return self.residuals_[rows]
        with single_threaded_blas():
            H, codes = self._encode_features(X)
            return self.problem_.class_residuals(H, codes)

    def _encode_features(self, X):
        X = validate_data(self, X, reset=False, accept_sparse="csr", dtype=np.float64)
        H = _unit_rows(X, self.feature_weights_)
        codes, _ = self._code(self.problem_, self.factorization_, H)
        return H, codes

    def decision_function(self, X):
        """Negative aggregated class residuals :math:`-\\hat r_{q\\cdot}`, shape (n, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)
            Node identifiers (or, without a graph, features).

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            Larger is more likely; for two classes the usual (n_samples,)
            score of the second class against the first.
        """
        scores = -self._class_residuals(X)  # checks that the model is fitted
        return scores[:, 1] - scores[:, 0] if self.classes_.size == 2 else scores

    def predict_proba(self, X):
        """Class probabilities :math:`\\mathrm{softmax}(-\\hat r_{q\\cdot}/T)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return softmax(-self._class_residuals(X) / self.temperature_, axis=1)

    def predict(self, X):
        """The class of smallest aggregated residual for each node.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        residuals = self._class_residuals(X)  # checks that the model is fitted
        return self.classes_[np.argmin(residuals, axis=1)]

    def encode(self, X, return_objective=False):
        """Sparse codes of the nodes over the labelled nodes.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)
            Node identifiers (or, without a graph, features).
        return_objective : bool, default=False
            Also return each query's objective value.

        Returns
        -------
        codes : scipy.sparse.csr_matrix of shape (n_samples, n_labelled)
            Column ``j`` is the labelled node ``dictionary_nodes_[j]``.
        objective : ndarray of shape (n_samples,)
            Only with ``return_objective``.
        """
        rows = self._query_rows(X)
        if rows is not None:
            codes = self.codes_[rows]
            if not return_objective:
                return codes
            queries = self._linked_representation()[rows]
            return codes, self.problem_.objective(queries, codes.T.toarray())
        H, dense = self._encode_features(X)
        codes = sp.csr_matrix(dense.T)
        if return_objective:
            return codes, self.problem_.objective(H, dense)
        return codes

    def _linked_representation(self):
        """The representation H of every node, rebuilt from the fitted weights and strength."""
        _, _, adjacency, features = self._check_structure()
        (PX,) = _propagated(features, normalized_adjacency(adjacency), (self.feature_propagation_,))
        return _unit_rows(PX, self.feature_weights_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        linked = self._linked()
        tags.input_tags.sparse = not linked  # sparse features, never sparse identifiers
        # coding over unit-norm atoms keeps only the direction of a sample: on the
        # two-feature blobs of the common checks directions overlap between classes
        tags.classifier_tags.poor_score = not linked
        return tags


def _solve_batch(problem, factorization, queries, solver, tol, max_iter):
    """One batch of codes: (codes (m, k), largest iteration count, number not converged)."""
    if solver == "cvxpy":
        codes = np.column_stack([problem.solve_cvxpy(queries[i]) for i in range(queries.shape[0])])
        return codes, 0, 0
    result = problem.solve(queries, factorization, tol=tol, max_iter=max_iter)
    return result.coef, int(result.n_iter.max(initial=0)), int(np.sum(~result.converged))


def _propagated(features, S, betas):
    """The features propagated with each beta (``features`` itself for beta = 0).

    Propagated features are dense: they are computed in float32, half the
    memory traffic of the sparse products and far below the tolerances of the
    coding. Feature weights are applied afterwards (they commute with the
    propagation, which mixes nodes, not features), so cross-fitting needs no
    new propagation.
    """
    if S is None:
        return [features for _ in betas]
    return propagate_many(S, features, betas, dtype=np.float32)


def _unit_rows(M, weights):
    """Rows of ``M diag(weights)`` scaled to unit norm, in float64 (CSR when sparse)."""
    if sp.issparse(M):
        return row_normalize(sp.csr_matrix(M @ sp.diags(weights)))
    return row_normalize(np.asarray(M, dtype=np.float64) * weights)


def _stratified_folds(labels, n_folds=5, seed=0):
    """Positions of the labelled nodes in ``n_folds`` folds, every class spread over all.

    Deterministic (a fixed permutation within each class); fewer folds when the
    smallest class is smaller, and at least two.
    """
    counts = np.bincount(labels)
    n_folds = int(min(n_folds, max(2, counts[counts > 0].min())))
    rng = np.random.default_rng(seed)
    fold = np.empty(labels.size, dtype=np.intp)
    offset = 0  # classes continue where the previous one stopped: singletons spread too
    for c in np.flatnonzero(counts):
        members = rng.permutation(np.flatnonzero(labels == c))
        fold[members] = (offset + np.arange(members.size)) % n_folds
        offset += members.size
    return [np.flatnonzero(fold == f) for f in range(n_folds) if np.any(fold == f)]


def _fit_temperature(scores, labels):
    """Temperature of ``softmax(-scores / T)`` of least log-loss on the labelled nodes."""
    losses = [-np.mean(log_softmax(-scores / T, axis=1)[np.arange(labels.size), labels])
              for T in _TEMPERATURES]
    return float(_TEMPERATURES[int(np.argmin(losses))])

"""Canonical forms of feature groups and feature graphs.

Estimators accept groups and graphs in the forms users have at hand; everything
below the estimators works on two canonical objects only:

* :class:`Groups`: disjoint groups of feature indices in CSR-like layout
  (``indices`` sorted group by group, ``ptr`` the group boundaries), so that
  group norms are one ``np.add.reduceat`` away.
* :class:`Graph`: an oriented incidence matrix ``D`` (one row ``e_j - e_k`` per
  edge, ``scipy.sparse.csr_matrix``) and the non-negative edge weights.
"""

from dataclasses import dataclass
from functools import cached_property
from numbers import Integral, Real

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["Groups", "Graph", "check_groups", "check_graph"]


@dataclass(frozen=True)
class Groups:
    """Disjoint feature groups.

    Attributes
    ----------
    indices : ndarray of int, shape (n_grouped,)
        Feature indices, group after group.
    ptr : ndarray of int, shape (n_groups + 1,)
        Group ``g`` holds ``indices[ptr[g]:ptr[g + 1]]``.
    weights : ndarray of float, shape (n_groups,)
        Non-negative group weights ``omega_g``.
    n_features : int
        Number of features; features absent from ``indices`` are ungrouped.
    """

    indices: np.ndarray
    ptr: np.ndarray
    weights: np.ndarray
    n_features: int

    @property
    def n_groups(self):
        return len(self.ptr) - 1

    @property
    def sizes(self):
        return np.diff(self.ptr)

    @cached_property
    def covers_all_in_order(self):
        """Whether ``indices`` is ``0, 1, ..., n_features - 1``: then ``w[indices]`` is ``w``."""
        return (self.indices.size == self.n_features
                and np.array_equal(self.indices, np.arange(self.n_features)))

    def _grouped(self, w):
        return w if self.covers_all_in_order else w[self.indices]

    def norms(self, w):
        """Euclidean norm of each group of ``w`` (shape (p,) or (p, q))."""
        sq = self._grouped(w) ** 2
        if sq.ndim == 2:
            sq = sq.sum(axis=1)
        return np.sqrt(np.add.reduceat(sq, self.ptr[:-1])) if self.n_groups else sq[:0]

    def column_norms(self, W):
        """Euclidean norm of each group in each column of ``W`` (p, k): shape (n_groups, k)."""
        if not self.n_groups:
            return np.zeros((0, W.shape[1]))
        return np.sqrt(np.add.reduceat(self._grouped(W) ** 2, self.ptr[:-1], axis=0))

    def expand(self, per_group):
        """Broadcast one value per group (or one row per group) to the grouped features,
        in ``indices`` order."""
        return np.repeat(per_group, self.sizes, axis=0)

    def blockwise(self, n_blocks, n_coef):
        """The groups of a coefficient vector holding ``n_blocks`` values per feature.

        Feature ``j`` owns coefficients ``j * n_blocks .. j * n_blocks + n_blocks - 1``
        (a (p, K) matrix stored row by row), so a group keeps the whole block of
        each of its features; coefficients beyond ``p * n_blocks`` (up to ``n_coef``,
        e.g. intercepts) are ungrouped.
        """
        if n_blocks == 1 and n_coef == self.n_features:
            return self
        indices = (self.indices[:, None] * n_blocks + np.arange(n_blocks)).ravel()
        return Groups(indices, self.ptr * n_blocks, self.weights, int(n_coef))

    def scale(self, u, per_group):
        """Multiply, in place, the grouped rows of ``u`` by their group's ``per_group``."""
        if not self.covers_all_in_order:
            u[self.indices] *= self.expand(per_group)
        elif self.n_groups == 1:  # broadcasting, without a copy of u's size
            u *= per_group
        else:
            u *= self.expand(per_group)


@dataclass(frozen=True)
class Graph:
    """Weighted undirected feature graph in incidence form.

    Attributes
    ----------
    incidence : scipy.sparse.csr_matrix, shape (n_edges, n_features)
        Row ``e`` is ``e_j - e_k`` for edge ``e = (j, k)``.
    weights : ndarray of float, shape (n_edges,)
        Non-negative edge weights ``a_jk``.
    """

    incidence: sp.csr_matrix
    weights: np.ndarray

    @property
    def n_edges(self):
        return self.incidence.shape[0]

    def blockwise(self, n_blocks, n_coef):
        """The graph on a coefficient vector holding ``n_blocks`` values per feature.

        Each edge ``(j, k)`` becomes one edge per block position ``c``, between
        coefficients ``j * n_blocks + c`` and ``k * n_blocks + c`` (the incidence
        ``D kron I``), padded with zero columns up to ``n_coef``.
        """
        if n_blocks == 1 and n_coef == self.incidence.shape[1]:
            return self
        D = sp.kron(self.incidence, sp.identity(n_blocks), format="csr")
        D = sp.hstack([D, sp.csr_matrix((D.shape[0], n_coef - D.shape[1]))], format="csr")
        return Graph(D, np.repeat(self.weights, n_blocks))


def _feature_index(feature_names):
    if feature_names is None:
        return None
    return {name: i for i, name in enumerate(feature_names)}


def _to_feature_indices(items, n_features, names, what):
    """Map feature identifiers (int indices or column names) to int indices."""
    items = list(items)
    if names is not None and items and all(
        not isinstance(v, (Integral, np.integer)) or v in names for v in items
    ):
        missing = [v for v in items if v not in names]
        if not missing:
            return np.array([names[v] for v in items], dtype=np.intp)
    bad = [v for v in items if not isinstance(v, (Integral, np.integer)) or isinstance(v, bool)]
    if bad and names is None and all(isinstance(v, (str, np.str_)) for v in bad):
        raise ValueError(
            f"{what} name features by column name ({bad[0]!r}, ...), but X has no column "
            "names: it is not a DataFrame, or a step before the estimator (e.g. "
            "StandardScaler in a Pipeline) returned a numpy array. Keep the names with "
            'pipeline.set_output(transform="pandas"), or give feature indices.'
        )
    if bad:
        raise ValueError(
            f"{what} refer to features that are neither indices in [0, {n_features}) "
            f"nor column names of X: {bad[:5]}"
        )
    idx = np.asarray(items, dtype=np.intp)
    out = idx[(idx < 0) | (idx >= n_features)]
    if out.size:
        raise ValueError(
            f"{what} refer to features that do not exist: {out[:5].tolist()} "
            f"(X has {n_features} features)"
        )
    return idx


_INDEX_LISTS = (list, tuple, np.ndarray, range, set, frozenset)


def _label_kind(value):
    if isinstance(value, (str, np.str_)):
        return "string"
    if isinstance(value, (Integral, Real, np.number, np.bool_)):
        return "number"
    return None


def _group_labels(groups):
    """``groups`` as a 1-d array of sortable labels: all numbers or all strings."""
    if isinstance(groups, np.ndarray) and groups.dtype.kind in "biufUS":
        return groups
    values = list(groups)
    kinds = [_label_kind(v) for v in values]
    bad = [i for i, kind in enumerate(kinds) if kind is None or kind != kinds[0]]
    if bad:
        raise TypeError(
            "groups labels must be all numbers or all strings (one label per feature); "
            f"entry {bad[0]} is {values[bad[0]]!r}"
            + ("" if kinds[bad[0]] is None else f" but entry 0 is {values[0]!r}")
        )
    return np.asarray(values, dtype=str if kinds and kinds[0] == "string" else None)


def check_groups(groups, n_features, *, group_weights=None, feature_names=None):
    """Validate ``groups`` and return their canonical :class:`Groups` form.

    Parameters
    ----------
    groups : array-like of shape (n_features,) or list of lists
        Either one label per feature (ints or strings; every feature belongs to
        the group of its label), or a list of disjoint lists of feature indices
        (or column names); features listed in no group are left ungrouped and
        only the l1 term acts on them.
    n_features : int
    group_weights : array-like of shape (n_groups,), default=None
        Non-negative weights ``omega_g``; ``sqrt(|g|)`` when None. With labels,
        groups are ordered by sorted label.
    feature_names : array-like of str, default=None
        Column names of X, so that lists of names are accepted.

    Returns
    -------
    Groups
    """
    names = _feature_index(feature_names)
    if isinstance(groups, (str, bytes)) or not hasattr(groups, "__len__"):
        raise TypeError(
            "groups must be one label per feature or a list of lists of feature "
            f"indices, got {type(groups).__name__}"
        )
    if isinstance(groups, np.ndarray) and groups.ndim == 2 and groups.shape[1] == 1:
        # a column of labels would otherwise read as one singleton group per row
        raise ValueError(
            f"groups has shape {np.shape(groups)}: pass one label per feature as a 1-d "
            "array (groups.ravel()), or feature groups as a list of lists of indices"
        )
    is_list = [isinstance(g, _INDEX_LISTS) for g in groups]
    is_nested = len(groups) > 0 and all(is_list)
    if any(is_list) and not is_nested:
        first = is_list.index(False)
        raise ValueError(
            "groups must be either one label per feature or a list of lists of feature "
            f"indices, not a mix of both: entry {first} is {groups[first]!r}, entry "
            f"{is_list.index(True)} a list"
        )
    if is_nested:
        members = [_to_feature_indices(sorted(g) if isinstance(g, (set, frozenset)) else g,
                                       n_features, names, "groups") for g in groups]
        empty = [i for i, g in enumerate(members) if g.size == 0]
        if empty:
            raise ValueError(f"groups must not be empty; group(s) {empty[:5]} are empty")
        indices = np.concatenate(members)
        uniq, counts = np.unique(indices, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(
                "groups must be disjoint; feature(s) "
                f"{uniq[counts > 1][:5].tolist()} appear in more than one group"
            )
        sizes = np.array([g.size for g in members])
    else:
        labels = _group_labels(groups)
        if labels.ndim != 1 or labels.shape[0] != n_features:
            raise ValueError(
                f"groups given as labels must have one label per feature: expected "
                f"shape ({n_features},), got {labels.shape}"
            )
        if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
            raise ValueError("groups labels must not contain NaN or inf")
        _, inverse = np.unique(labels, return_inverse=True)
        indices = np.argsort(inverse, kind="stable")
        sizes = np.bincount(inverse)
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)

    if group_weights is None:
        weights = np.sqrt(sizes.astype(float))
    else:
        weights = np.asarray(group_weights, dtype=float)
        if weights.shape != (len(sizes),):
            raise ValueError(
                f"group_weights must have one weight per group: expected shape "
                f"({len(sizes)},), got {weights.shape}"
            )
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError("group_weights must be finite and non-negative")
    return Groups(indices.astype(np.intp), ptr, weights, int(n_features))


def _edges_from_networkx(graph, n_features, names):
    if graph.is_directed() or graph.is_multigraph():
        raise TypeError(
            "graph must be a simple undirected networkx.Graph; convert it with "
            "nx.Graph(graph) (this merges parallel edges and drops directions)"
        )
    # every node must be a feature, isolated ones too (they add no term)
    _to_feature_indices(list(graph.nodes), n_features, names, "graph nodes")
    edges = list(graph.edges(data="weight", default=1.0))
    if not edges:
        return np.empty((0, 2), dtype=np.intp), np.empty(0)
    heads, tails, weights = zip(*edges)
    j = _to_feature_indices(heads, n_features, names, "graph nodes")
    k = _to_feature_indices(tails, n_features, names, "graph nodes")
    try:
        weights = np.asarray(weights, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError("graph edge attribute 'weight' must be numeric") from exc
    return np.column_stack([j, k]), weights


def _edges_from_adjacency(adjacency, n_features):
    if adjacency.shape != (n_features, n_features):
        raise ValueError(
            f"graph adjacency must be ({n_features}, {n_features}) to match X, got "
            f"{adjacency.shape}"
        )
    adjacency = sp.csr_matrix(adjacency, dtype=float)
    asym = abs(adjacency - adjacency.T)
    if asym.nnz and asym.max() > 1e-12 * max(abs(adjacency).max(), 1.0):
        raise ValueError("graph adjacency must be symmetric (the graph is undirected)")
    upper = sp.triu(adjacency, k=1).tocoo()
    keep = upper.data != 0
    return np.column_stack([upper.row[keep], upper.col[keep]]), upper.data[keep]


def _edges_from_array(edges, n_features):
    arr = np.asarray(edges)
    if arr.shape == (n_features, n_features):
        # for n_features <= 3 this is also an edge-array shape: refuse to guess
        raise ValueError(
            f"graph is a dense array of shape {arr.shape}, which reads both as an adjacency "
            "matrix and as an edge array; dense arrays are edge arrays, so pass an adjacency "
            "as scipy.sparse.csr_matrix(graph) or networkx.from_numpy_array(graph), and edges "
            "as a networkx.Graph when there are exactly n_features of them"
        )
    if arr.ndim != 2 or arr.shape[1] not in (2, 3):
        raise ValueError(
            "graph given as an array must have shape (n_edges, 2), or (n_edges, 3) "
            f"with weights in the last column; got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iuf":
        raise TypeError("graph edge array must be numeric")
    if not np.all(np.isfinite(arr)):
        raise ValueError("graph edge array must not contain NaN or inf")
    ends = arr[:, :2]
    if arr.dtype.kind == "f" and np.any(ends != np.round(ends)):
        raise ValueError("graph edge array must hold integer feature indices in its first two columns")
    ends = ends.astype(np.intp)
    _to_feature_indices(ends.ravel(), n_features, None, "graph edges")
    weights = arr[:, 2].astype(float) if arr.shape[1] == 3 else np.ones(len(arr))
    return ends, weights


def check_graph(graph, n_features, *, feature_names=None):
    """Validate ``graph`` and return its canonical :class:`Graph` form.

    Parameters
    ----------
    graph : networkx.Graph, scipy.sparse matrix or array-like
        * ``networkx.Graph`` whose nodes are feature indices (or column names of
          X); the edge attribute ``weight`` is ``a_jk`` (1 when absent).
        * symmetric sparse adjacency of shape (n_features, n_features); the
          entries above the diagonal are the edge weights.
        * edge array of shape (n_edges, 2), or (n_edges, 3) with weights in the
          last column; every row is one term of the penalty. A dense array is
          always read as an edge array, and one of shape (n_features,
          n_features) is rejected as ambiguous (a ValueError), since it also
          reads as an adjacency matrix: pass adjacencies as sparse matrices.
    n_features : int
    feature_names : array-like of str, default=None

    Returns
    -------
    Graph
        Self-loops are dropped (they add nothing to ``|w_j - w_k|``).
    """
    names = _feature_index(feature_names)
    if isinstance(graph, nx.Graph):
        ends, weights = _edges_from_networkx(graph, n_features, names)
    elif sp.issparse(graph):
        ends, weights = _edges_from_adjacency(graph, n_features)
    elif isinstance(graph, (list, tuple, np.ndarray)):
        ends, weights = _edges_from_array(graph, n_features)
    else:
        raise TypeError(
            "graph must be a networkx.Graph, a scipy.sparse adjacency matrix or an "
            f"(n_edges, 2) edge array, got {type(graph).__name__}"
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("graph edge weights must be finite")
    if np.any(weights < 0):
        raise ValueError(
            f"graph edge weights must be non-negative; found {weights.min():g}"
        )
    keep = ends[:, 0] != ends[:, 1]
    ends, weights = ends[keep], weights[keep]
    m = len(ends)
    incidence = sp.csr_matrix(
        (np.tile([1.0, -1.0], m), (np.repeat(np.arange(m), 2), ends.ravel())),
        shape=(m, n_features),
    )
    return Graph(incidence, weights.astype(float))

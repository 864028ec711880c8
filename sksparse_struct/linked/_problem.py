r"""The coding problem of :class:`JointGroupGraphClassifier`, below the estimator.

Everything here works on node rows (positions in ``list(graph.nodes)``) and
arrays; the estimator turns identifiers and labels into them.

* :func:`propagate`: personalized-PageRank smoothing of node quantities
  along the links (features before coding, class residuals after it);
* :func:`anova_weights`: feature weights from the labelled nodes;
* :class:`CodingProblem`: the dictionary, its Gram matrix, the class groups,
  the dictionary graph and the penalties of one fit, and the batched solve of
  many queries with one cached factorization.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_selection import f_classif

from .._optional import import_cvxpy
from .._structure import Groups
from ..penalties import SparseGroupL2, WeightedL1
from ..solvers import SharedFactorization, batched_admm

__all__ = ["CodingProblem", "anova_weights", "dictionary_graph", "normalized_adjacency",
           "propagate", "propagate_many", "propagation_steps", "row_normalize"]

#: number of propagation steps: beta**10 <= 0.35 at the largest beta < 1 we select (0.9)
N_STEPS = 10
#: steps at beta = 1, where no restart is left and the result is S^K M: SGC's two hops
#: (Wu et al., 2019); more hops over-smooth
N_STEPS_NO_RESTART = 2


def propagation_steps(beta):
    """K of :func:`propagate`: ``N_STEPS`` for ``beta < 1``, ``N_STEPS_NO_RESTART`` at 1."""
    return N_STEPS_NO_RESTART if beta == 1 else N_STEPS


def normalized_adjacency(adjacency):
    r""":math:`\hat S = (D + I)^{-1/2}(A + I)(D + I)^{-1/2}`, the GCN-normalized adjacency."""
    n = adjacency.shape[0]
    A = sp.csr_matrix(adjacency, dtype=float) + sp.identity(n, format="csr")
    scale = 1.0 / np.sqrt(np.asarray(A.sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(scale) @ A @ sp.diags(scale))


def propagate(S, M, beta):
    r"""Personalized-PageRank smoothing :math:`Z \leftarrow \beta \hat S Z + (1 - \beta) M`.

    Started at :math:`Z = M` and run :math:`K` = :func:`propagation_steps` times
    (APPNP's scheme, Gasteiger et al., 2019): the result is
    :math:`(1-\beta)\sum_{k<K}\beta^k \hat S^k M + \beta^K \hat S^K M`, whose
    weights sum to one, so ``beta=0`` returns ``M`` itself and larger ``beta``
    trusts the links more. At ``beta=1`` nothing restarts from ``M`` (and no
    hop but the last is kept): :math:`\hat S^2 M`, SGC's features (Wu et al., 2019),
    for graphs whose nodes are described by their neighbours better than by
    themselves.
    """
    return propagate_many(S, M, (beta,))[0]


def propagate_many(S, M, betas, dtype=np.float64):
    r""":func:`propagate` for several ``betas`` from one sequence of products.

    Every result is a combination of the same powers :math:`\hat S^k M`, so
    the sparse products (the cost) are shared. ``dtype=np.float32`` halves
    the memory traffic when ``M`` is a large feature matrix.
    """
    if all(beta == 0 for beta in betas):
        return [M for _ in betas]
    steps = [propagation_steps(beta) for beta in betas]
    power = M.toarray() if sp.issparse(M) else np.asarray(M)
    power = power.astype(dtype, copy=False)
    S = S.astype(dtype, copy=False)  # a float64 S would upcast every product
    results = [(1.0 - beta) * power if beta else None for beta in betas]
    for k in range(1, max(steps) + 1):
        power = S @ power
        for i, (beta, n_steps) in enumerate(zip(betas, steps)):
            if beta and k <= n_steps:
                weight = beta**k if k == n_steps else (1.0 - beta) * beta**k
                results[i] += weight * power
    return [M if beta == 0 else result for beta, result in zip(betas, results)]


def row_normalize(M):
    """Rows scaled to unit Euclidean norm (zero rows stay zero); sparse stays sparse."""
    if sp.issparse(M):
        M = sp.csr_matrix(M, dtype=float)
        norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ M)
    norms = np.linalg.norm(M, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return M / norms


def anova_weights(features, labels):
    r"""Square roots of the ANOVA F statistics of the features on the labelled nodes.

    Scaling feature ``j`` by :math:`\sqrt{F_j}` makes distances between nodes
    count the words that separate classes and ignore the ones spread evenly;
    constant features get weight 0. When no feature separates the labelled
    classes (e.g. one node per class) every weight is 1.
    """
    if np.unique(labels).size < 2 or labels.size <= np.unique(labels).size:
        return np.ones(features.shape[1])
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", UserWarning)  # constant features: weight 0 below
        F, _ = f_classif(features, labels)
    # round-off can make F of a feature that separates nothing slightly negative
    F = np.maximum(np.nan_to_num(F, nan=0.0, posinf=0.0), 0.0)
    if not np.any(F > 0):
        return np.ones(features.shape[1])
    return np.sqrt(F)


def dictionary_graph(adjacency, atoms):
    r"""Weighted links among the labelled nodes ``atoms``: 1 for a link, 1/2 for two hops.

    Labelled nodes are rarely linked directly (20 per class among thousands
    of nodes), so nodes that share a neighbour are linked too, with half the
    weight. Returns the upper triangle as a COO matrix over atom positions.
    """
    rows = sp.csr_matrix(adjacency, dtype=float)[atoms]  # a new matrix: binarized, not the caller's
    rows.data[:] = 1.0
    direct = rows[:, atoms]
    two_hops = (rows @ rows.T).tocsr()
    two_hops.data[:] = 0.5
    return sp.triu(direct.maximum(two_hops), k=1).tocoo()  # k=1 drops the diagonal


@dataclass
class CodingProblem:
    r"""One query's objective, shared by all queries of a fit.

    .. math::

        \min_a \tfrac12\|h_q - D^\top a\|^2 + \alpha\Big(\sum_j c_j|a_j|
          + \mathrm{group\_reg}\sum_c \sqrt{|G_c|}\,\|a_{G_c}\|_2
          + \mathrm{graph\_reg}\sum_{(j,k)\in E_=} w_{jk}|a_j - a_k|\Big),
        \qquad c_j = \mathrm{l1\_reg} + \mathrm{cross\_reg}\,
        \frac{\sum_{k:(j,k)\in E_\ne} w_{jk}}{\sum_{k:(j,k)\in E} w_{jk}}

    ``D`` holds the representations of the labelled nodes (one row per atom),
    ``E_=`` / ``E_≠`` the dictionary-graph links that join atoms of the same /
    of different classes.
    """

    dictionary: object  # (m, p) ndarray or CSR
    atom_classes: np.ndarray  # (m,) int class of each atom
    n_classes: int
    gram: np.ndarray
    l1: np.ndarray  # c_j * alpha
    group_weights: np.ndarray  # alpha * group_reg * sqrt(|G_c|) per class that has atoms
    groups: Groups
    fused_map: object  # incidence of E_= (or None)
    fused_weights: np.ndarray  # alpha * graph_reg * w_jk

    @classmethod
    def build(cls, dictionary, atom_classes, n_classes, links, *, alpha, l1_reg, group_reg,
              graph_reg, cross_reg):
        """``links``: COO upper triangle of the dictionary graph (or None without a graph)."""
        m = dictionary.shape[0]
        gram = dictionary @ dictionary.T
        gram = gram.toarray() if sp.issparse(gram) else np.asarray(gram)
        order = np.argsort(atom_classes, kind="stable")
        sizes = np.bincount(atom_classes, minlength=n_classes)
        present = sizes > 0  # a class without atoms (in a cross-fitting fold) has no group
        groups = Groups(order.astype(np.intp), np.concatenate([[0], np.cumsum(sizes[present])]),
                        np.sqrt(sizes[present].astype(float)), m)
        cross_fraction = np.zeros(m)
        fused_map, fused_weights = None, np.empty(0)
        if links is not None and links.nnz:
            same = atom_classes[links.row] == atom_classes[links.col]
            total, cross = np.zeros(m), np.zeros(m)
            for ends in (links.row, links.col):
                np.add.at(total, ends, links.data)
                np.add.at(cross, ends[~same], links.data[~same])
            with np.errstate(invalid="ignore", divide="ignore"):
                cross_fraction = np.where(total > 0, cross / total, 0.0)
            if graph_reg > 0 and np.any(same):
                j, k, w = links.row[same], links.col[same], links.data[same]
                e = np.arange(j.size)
                fused_map = sp.csr_matrix((np.r_[np.ones(e.size), -np.ones(e.size)],
                                           (np.r_[e, e], np.r_[j, k])), shape=(e.size, m))
                fused_weights = alpha * graph_reg * w
        return cls(dictionary, atom_classes, n_classes, gram,
                   alpha * (l1_reg + cross_reg * cross_fraction),
                   alpha * group_reg * groups.weights, groups, fused_map, fused_weights)

    def rhs(self, queries):
        """Linear terms ``D h_q``, one column per query row of ``queries``."""
        B = self.dictionary @ queries.T
        return B.toarray() if sp.issparse(B) else np.asarray(B)

    def blocks(self):
        """``(K, h)`` pairs for the batched ADMM: the l1 + group block, then the fused one."""
        has_groups = np.any(self.group_weights)
        group = SparseGroupL2(self.l1, self.group_weights if has_groups else None,
                              self.groups if has_groups else None)
        blocks = [(None, group)]
        if self.fused_map is not None:
            blocks.append((self.fused_map, WeightedL1(self.fused_weights)))
        return blocks

    def factorization(self, pilot, *, tol, n_pilot=32, pilot_iter=300):
        """The cached factorization for the rho that solves a pilot sample fastest.

        ADMM's speed depends on rho by a factor of ten or more, and the best
        rho moves with alpha and the spectrum of the Gram matrix: a few
        candidates (multiples of its mean diagonal) are tried on ``n_pilot``
        rows of ``pilot`` with at most ``pilot_iter`` iterations each, and the
        one with the fewest iterations is kept.
        """
        maps = [K for K, _ in self.blocks()]
        base = max(float(np.mean(np.diag(self.gram))), np.finfo(float).tiny)
        sample = pilot[np.linspace(0, pilot.shape[0] - 1, min(n_pilot, pilot.shape[0])).astype(int)]
        best = None
        for factor in (0.3, 0.1, 1.0):
            candidate = SharedFactorization(self.gram, maps, rho=factor * base)
            iterations = self.solve(sample, candidate, tol=tol, max_iter=pilot_iter).n_iter.sum()
            if best is None or iterations < best[0]:
                best = (iterations, candidate)
        return best[1]

    def solve(self, queries, factorization, *, tol, max_iter):
        """Codes of the rows of ``queries`` (m, k), by batched ADMM."""
        return batched_admm(self.gram, self.rhs(queries), self.blocks(),
                            factorization=factorization, tol=tol, max_iter=max_iter, warn=False)

    def objective(self, queries, codes):
        """Each query's objective value (codes of shape (m, k))."""
        sq = queries.multiply(queries).sum(axis=1) if sp.issparse(queries) else (queries**2).sum(1)
        B = self.rhs(queries)
        fit = 0.5 * np.asarray(sq).ravel() - np.einsum("ij,ij->j", B, codes) \
            + 0.5 * np.einsum("ij,ij->j", codes, self.gram @ codes)
        value = fit + self.blocks()[0][1].value(codes)
        if self.fused_map is not None:
            value = value + WeightedL1(self.fused_weights).value(self.fused_map @ codes)
        return value

    def class_residuals(self, queries, codes):
        r""":math:`r_{qc} = \|h_q - D_c^\top a_{q,c}\|^2` for every query and class: (k, C)."""
        sq = queries.multiply(queries).sum(axis=1) if sp.issparse(queries) else (queries**2).sum(1)
        sq = np.asarray(sq).ravel()
        B = self.rhs(queries)
        R = np.empty((codes.shape[1], self.n_classes))
        for c in range(self.n_classes):
            members = np.flatnonzero(self.atom_classes == c)
            a = codes[members]
            quad = np.einsum("ij,ij->j", a, self.gram[np.ix_(members, members)] @ a)
            R[:, c] = sq - 2.0 * np.einsum("ij,ij->j", B[members], a) + quad
        return np.maximum(R, 0.0)

    def solve_cvxpy(self, query):
        """The independent reference: one query's objective as a cvxpy model."""
        cp = import_cvxpy()
        D = self.dictionary.toarray() if sp.issparse(self.dictionary) else self.dictionary
        h = query.toarray().ravel() if sp.issparse(query) else np.asarray(query).ravel()
        a = cp.Variable(D.shape[0])
        terms = [0.5 * cp.sum_squares(h - D.T @ a), cp.sum(cp.multiply(self.l1, cp.abs(a)))]
        present = np.unique(self.atom_classes)  # the groups, in class order
        for weight, c in zip(self.group_weights, present):
            if weight > 0:
                terms.append(weight * cp.norm(a[np.flatnonzero(self.atom_classes == c)], 2))
        if self.fused_map is not None:
            terms.append(cp.sum(cp.multiply(self.fused_weights, cp.abs(self.fused_map @ a))))
        problem = cp.Problem(cp.Minimize(cp.sum(terms)))
        problem.solve(solver="CLARABEL")
        if problem.status not in ("optimal", "optimal_inaccurate"):
            raise RuntimeError(f"cvxpy did not solve the coding problem: status {problem.status}")
        return np.asarray(a.value, dtype=float)

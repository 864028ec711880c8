"""The group + graph regularized least-squares problem, shared by the estimator,
its alpha_max helper and the cvxpy reference model."""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.utils.validation import _check_sample_weight

from .._losses import LeastSquares
from .._structure import check_graph, check_groups
from ..penalties import GraphFused, SparseGroupL2


@dataclass
class GroupGraphProblem:
    r"""``loss(w) + alpha * (l1_reg ||w||_1 + group_reg sum_g omega_g ||w_g|| + graph_reg sum a |w_j - w_k|)``.

    ``groups`` and ``graph`` are canonical (or None when the term is absent).
    """

    loss: LeastSquares
    groups: object
    graph: object
    l1_reg: float
    group_reg: float
    graph_reg: float

    @classmethod
    def build(cls, X, y, sample_weight, *, groups, graph, group_weights, feature_names,
              l1_reg, group_reg, graph_reg, fit_intercept):
        n_features = X.shape[1]
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
            if not np.any(sample_weight > 0):
                raise ValueError("sample_weight must have at least one positive entry")
        if groups is not None:
            groups = check_groups(groups, n_features, group_weights=group_weights,
                                  feature_names=feature_names)
        elif group_weights is not None:
            raise ValueError("group_weights is given but groups is None")
        if graph is not None:
            graph = check_graph(graph, n_features, feature_names=feature_names)
        loss = LeastSquares(X, y, sample_weight, fit_intercept)
        return cls(loss, groups, graph, l1_reg, group_reg, graph_reg)

    @property
    def has_graph_term(self):
        return self.graph is not None and self.graph_reg > 0 and self.graph.n_edges > 0

    def separable_penalty(self, alpha):
        """The l1 + group part, on w itself."""
        has_groups = self.groups is not None and self.group_reg > 0
        return SparseGroupL2(
            alpha * self.l1_reg,
            alpha * self.group_reg * self.groups.weights if has_groups else None,
            self.groups if has_groups else None,
        )

    def graph_penalty(self, alpha):
        return GraphFused(self.graph, alpha * self.graph_reg)

    def blocks(self, alpha):
        """``(K, h)`` pairs for :func:`~sksparse_struct.solvers.admm`; the identity block comes first."""
        blocks = [(None, self.separable_penalty(alpha))]
        if self.has_graph_term:
            fused = self.graph_penalty(alpha)
            blocks.append((fused.linear_map, fused.image_penalty))
        return blocks

    def objective(self, w, alpha):
        value = self.loss.value(w) + self.separable_penalty(alpha).value(w)
        if self.has_graph_term:
            value += self.graph_penalty(alpha).value(w)
        return value

    def alpha_max(self, *, rtol=1e-6):
        r"""Smallest alpha for which ``w = 0`` is optimal.

        ``w = 0`` is optimal iff :math:`g = Z^\top t \in \alpha\,\partial\Omega(0)`.
        Without a graph term this is the dual norm of the separable penalty.
        With one, :math:`\partial\Omega(0)` adds :math:`D^\top v` with
        :math:`|v_e| \le \mathrm{graph\_reg}\, a_e`, and alpha_max is the smallest
        ``t`` for which

        .. math::

            \min_{|v_e| \le t\,\mathrm{graph\_reg}\,a_e}
            \tfrac12 \|\mathrm{prox}_{t\Omega_1}(g - D^\top v)\|_2^2 = 0,

        (the squared distance of :math:`g - D^\top v` to :math:`t\,\partial\Omega_1(0)`,
        by Moreau's identity); ``t`` is bisected, each test a bound-constrained
        L-BFGS-B solve warm-started from the previous one. Returns ``inf``
        when no alpha zeroes ``w`` (e.g. a graph term alone cannot zero a
        vector that is constant on a connected component).
        """
        g = self.loss.rmatvec(self.loss.target)
        scale = float(np.linalg.norm(g))
        if scale == 0.0:
            return 0.0
        separable = self.separable_penalty(1.0)
        t_sep = separable.dual_norm(g)
        if not self.has_graph_term:
            return t_sep
        D = self.graph.incidence
        box = self.graph_reg * self.graph.weights

        def residual(t, v0):
            pen = self.separable_penalty(t)

            def fun(v):
                r = pen.prox(g - D.T @ v, 1.0)
                return 0.5 * float(r @ r), -(D @ r)

            res = minimize(fun, v0, jac=True, method="L-BFGS-B",
                           bounds=np.column_stack([-t * box, t * box]),
                           options={"maxiter": 5000, "ftol": 1e-30, "gtol": 1e-14 * scale})
            return np.sqrt(2 * res.fun), res.x

        feasible = lambda dist: dist <= 1e-9 * scale  # noqa: E731
        v = np.zeros(D.shape[0])
        hi = t_sep
        if not np.isfinite(hi):
            # no finite bound from the separable part: look for one by doubling
            hi = scale / max(float(np.min(box[box > 0], initial=np.inf)), 1e-300)
            for _ in range(60):
                dist, v = residual(hi, v)
                if feasible(dist):
                    break
                hi *= 2.0
            else:
                return np.inf
            v_hi = v
        else:
            v_hi = v
        lo = 0.0
        while hi - lo > rtol * hi:
            mid = 0.5 * (lo + hi)
            dist, v = residual(mid, np.clip(v_hi, -mid * box, mid * box))
            if feasible(dist):
                hi, v_hi = mid, v
            else:
                lo = mid
        return hi

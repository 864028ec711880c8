"""The group + graph regularized least-squares problem, shared by the estimator,
its alpha_max helper and the cvxpy reference model."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog, minimize, minimize_scalar
from scipy.sparse.linalg import lsqr

from .._losses import LeastSquares
from .._structure import check_graph, check_groups
from .._validation import validate_sample_weight
from ..penalties import GraphFused, SeparablePlusFused, SparseGroupL2


def check_structure(X, sample_weight, *, groups, graph, group_weights, feature_names):
    """Validated ``(sample_weight, groups, graph)`` in canonical form (None when absent)."""
    n_features = X.shape[1]
    sample_weight = validate_sample_weight(sample_weight, X)
    if groups is not None:
        groups = check_groups(groups, n_features, group_weights=group_weights,
                              feature_names=feature_names)
    elif group_weights is not None:
        raise ValueError("group_weights is given but groups is None")
    if graph is not None:
        graph = check_graph(graph, n_features, feature_names=feature_names)
    return sample_weight, groups, graph


@dataclass
class GroupGraphProblem:
    r"""``loss(w) + alpha * (l1_reg ||w||_1 + group_reg sum_g omega_g ||w_g|| + graph_reg sum a |w_j - w_k|)``.

    ``groups`` and ``graph`` are canonical (or None when the term is absent)
    and refer to the p features. The loss's parameter vector holds
    ``n_blocks`` coefficients per feature (the K classes of a multinomial
    model, stored feature by feature) followed by unpenalized parameters
    (intercepts) up to ``n_params``; the penalty acts on each feature's block
    (:meth:`Groups.blockwise`, :meth:`Graph.blockwise`).
    """

    loss: object
    groups: object
    graph: object
    l1_reg: float
    group_reg: float
    graph_reg: float
    n_blocks: int = 1
    n_params: int = None

    def __post_init__(self):
        if self.n_params is None:
            self.n_params = self.loss.shape[1] * self.n_blocks

    @classmethod
    def build(cls, X, y, sample_weight, *, groups, graph, group_weights, feature_names,
              l1_reg, group_reg, graph_reg, fit_intercept):
        """The least-squares problem of :class:`GroupGraphLasso`."""
        sample_weight, groups, graph = check_structure(
            X, sample_weight, groups=groups, graph=graph, group_weights=group_weights,
            feature_names=feature_names)
        loss = LeastSquares(X, y, sample_weight, fit_intercept)
        return cls(loss, groups, graph, l1_reg, group_reg, graph_reg)

    @property
    def n_coef(self):
        """Number of penalized parameters (``p * n_blocks``)."""
        return self.loss.shape[1] * self.n_blocks

    @property
    def has_penalty(self):
        """Whether any term of the penalty is switched on."""
        has_groups = self.groups is not None and self.group_reg > 0 and self.groups.n_groups > 0
        return self.l1_reg > 0 or has_groups or self.has_graph_term

    @property
    def has_graph_term(self):
        return self.graph is not None and self.graph_reg > 0 and self.graph.n_edges > 0

    def separable_penalty(self, alpha, *, penalized_only=False):
        """The l1 + group part; on all parameters, or on the penalized ones only."""
        size = self.n_coef if penalized_only else self.n_params
        l1 = alpha * self.l1_reg
        if size > self.n_coef:  # the unpenalized parameters get a zero l1 weight
            l1 = np.concatenate([np.full(self.n_coef, l1), np.zeros(size - self.n_coef)])
        has_groups = self.groups is not None and self.group_reg > 0
        groups = self.groups.blockwise(self.n_blocks, size) if has_groups else None
        return SparseGroupL2(
            l1,
            alpha * self.group_reg * self.groups.weights if has_groups else None,
            groups,
        )

    def graph_penalty(self, alpha, *, penalized_only=False):
        size = self.n_coef if penalized_only else self.n_params
        return GraphFused(self.graph.blockwise(self.n_blocks, size), alpha * self.graph_reg)

    def penalty(self, alpha):
        """The whole penalty on all parameters, for proximal gradient."""
        if not self.has_graph_term:
            return self.separable_penalty(alpha)
        return SeparablePlusFused(self.separable_penalty(alpha), self.graph_penalty(alpha))

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

    def alpha_max_bound(self):
        """alpha_max without a graph term; with one, a certified upper bound that costs about
        one fit (:func:`_alpha_max_bound_with_graph`): ``w = 0`` is optimal there."""
        if not self.has_graph_term:
            return self.alpha_max()
        g = -self.loss.zero_gradient()
        if not np.any(g):
            return 0.0
        fused = self.graph_penalty(1.0, penalized_only=True)
        return _alpha_max_bound_with_graph(g, self.separable_penalty(1.0, penalized_only=True),
                                           fused.linear_map, fused.strength * fused.graph.weights)

    def alpha_max(self, *, rtol=1e-6, max_rounds=100):
        r"""Smallest alpha for which ``w = 0`` is optimal.

        ``w = 0`` is optimal iff :math:`g = -\nabla f(0) \in \alpha\,\partial\Omega(0)`
        (for least squares :math:`g = Z^\top t`; the gradient is taken with the
        best intercept for ``w = 0``).
        Without a graph term this is the dual norm of the separable penalty.
        With one, :math:`\partial\Omega(0)` adds :math:`D^\top v` with
        :math:`|v_e| \le \mathrm{graph\_reg}\, a_e`, so alpha_max is

        .. math::

            \min_v F(v), \qquad F(v) = \max\Big(\max_e \frac{|v_e|}{\mathrm{graph\_reg}\,a_e},
            \;\Omega_1^\circ(g - D^\top v)\Big).

        With the l1 term only this is a linear program. Each group adds a
        second-order cone :math:`\|g_g - (D^\top v)_g - a_g\|_2 \le t\lambda_g`
        (:math:`|a_j| \le t c_j` the l1 part), which is replaced by tangent cuts
        added where the LP solution violates it. The LP optimum ``t_low`` is a
        lower bound of alpha_max and :math:`F` at its ``v`` an upper bound;
        rounds stop when they agree to ``rtol``. Cutting planes can tighten
        slowly, so after ``max_rounds`` the upper bound is refined just above
        ``t_low``: minimize the squared distance
        :math:`\tfrac12\|\mathrm{prox}_{t\Omega_1}(g - D^\top v)\|^2` of
        :math:`g - D^\top v` to :math:`t\,\partial\Omega_1(0)` (Moreau) over
        the box, by L-BFGS-B from the LP's ``v``. The value returned is always
        :math:`F(v)` for some ``v``, so ``w = 0`` is optimal there. ``inf``
        when no alpha zeroes ``w`` (a graph term alone does not shrink a
        component's mean).
        """
        g = -self.loss.zero_gradient()
        if not np.any(g):
            return 0.0
        separable = self.separable_penalty(1.0, penalized_only=True)
        if not self.has_graph_term:
            return separable.dual_norm(g)
        fused = self.graph_penalty(1.0, penalized_only=True)
        return _alpha_max_with_graph(
            g, separable, fused.linear_map, fused.strength * fused.graph.weights,
            rtol=rtol, max_rounds=max_rounds,
        )


def _zeroing_level(g, separable, Dt, box):
    """``F(v)`` of :meth:`GroupGraphProblem.alpha_max`: an alpha at which the graph
    multipliers ``v`` certify that ``w = 0`` is optimal.

    Coordinates no penalty absorbs (no l1 or group weight) need
    ``(D^T v)_j = g_j`` exactly; solvers meet that to their tolerances only:
    ``F`` first moves ``v`` onto it by least squares, then counts what is left
    at round-off as met.
    """
    m = Dt.shape[1]
    c = np.broadcast_to(separable.l1.weights, g.shape)
    free = c == 0
    if separable.has_groups():
        groups = separable.groups
        free[groups.indices] &= groups.expand(separable.group_weights) == 0
    Dt_free = Dt[free]
    terms = 1.0 + np.diff(Dt_free.indptr)

    def F(v):
        if free.any():
            v = v + lsqr(Dt_free, g[free] - Dt_free @ v, atol=0.0, btol=0.0, iter_lim=10 * m)[0]
        u = g - Dt @ v
        roundoff = 4 * np.finfo(float).eps * terms * (np.abs(g[free]) + abs(Dt_free) @ np.abs(v))
        u[free] = np.where(np.abs(u[free]) <= roundoff, 0.0, u[free])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(box > 0, np.abs(v) / box, np.where(v != 0, np.inf, 0.0))
        return max(float(np.max(ratio, initial=0.0)), separable.dual_norm(u))

    return F


def _alpha_max_bound_with_graph(g, separable, D, box):
    """A certified upper bound of alpha_max at the cost of one sparse least-squares solve.

    ``F`` (see :meth:`GroupGraphProblem.alpha_max`) is convex, so its minimum over
    the segment from ``v = 0`` (the alpha_max of the separable penalty alone) to
    the least-squares multipliers ``v_ls = argmin ||g - D^T v||`` (those of the
    graph term alone) is found by a bounded scalar search; any ``F(v)`` is an
    alpha at which ``w = 0`` is optimal.
    """
    Dt = sp.csr_matrix(D.T)
    F = _zeroing_level(g, separable, Dt, box)
    v_ls = lsqr(Dt, g, atol=1e-10, btol=1e-10, iter_lim=10 * max(D.shape))[0]
    search = minimize_scalar(lambda theta: F(theta * v_ls), bounds=(0.0, 1.0),
                             method="bounded", options={"xatol": 1e-4})
    return min(F(np.zeros_like(v_ls)), float(search.fun))


def _alpha_max_with_graph(g, separable, D, box, *, rtol, max_rounds):
    """``min_v F(v)`` (see :meth:`GroupGraphProblem.alpha_max`) by LP with cutting planes.

    LP variables ``[t, v (m), a (grouped features)]``; every constraint is
    written as ``A_ub @ x <= 0`` plus the constant ``g``.
    """
    p, m = g.size, D.shape[0]
    c = np.broadcast_to(separable.l1.weights, (p,)).astype(float)
    groups = separable.groups if separable.has_groups() else None
    grouped = groups.indices if groups is not None else np.empty(0, dtype=np.intp)
    k = grouped.size
    Dt = sp.csr_matrix(D.T)
    t_col = lambda vals: sp.csr_matrix(np.asarray(vals, dtype=float).reshape(-1, 1))  # noqa: E731
    n_var = 1 + m + k

    def block(t_coef, v_part, a_part):
        return sp.hstack([t_col(t_coef), v_part, a_part], format="csr")

    eye_m, zero_mk = sp.identity(m, format="csr"), sp.csr_matrix((m, k))
    rows = [  # |v_e| <= t box_e
        block(-box, eye_m, zero_mk),
        block(-box, -eye_m, zero_mk),
    ]
    rhs = [np.zeros(m), np.zeros(m)]
    ungrouped = np.setdiff1d(np.arange(p), grouped)
    if ungrouped.size:  # |g_j - (D^T v)_j| <= t c_j
        Dt_u = Dt[ungrouped]
        zero_uk = sp.csr_matrix((ungrouped.size, k))
        rows += [block(-c[ungrouped], -Dt_u, zero_uk), block(-c[ungrouped], Dt_u, zero_uk)]
        rhs += [-g[ungrouped], g[ungrouped]]
    if k:
        eye_k, zero_km = sp.identity(k, format="csr"), sp.csr_matrix((k, m))
        rows += [block(-c[grouped], zero_km, eye_k), block(-c[grouped], zero_km, -eye_k)]
        rhs += [np.zeros(k), np.zeros(k)]
        lam = groups.expand(separable.group_weights)
        Dt_g = Dt[grouped]
        eye_k = sp.identity(k, format="csr")
        # first cuts: |r_j| <= t lambda_g for every grouped coordinate, r = g - D^T v - a
        rows += [block(-lam, -Dt_g, -eye_k), block(-lam, Dt_g, eye_k)]
        rhs += [-g[grouped], g[grouped]]
        group_of = np.repeat(np.arange(groups.n_groups), groups.sizes)
    objective = np.zeros(n_var)
    objective[0] = 1.0
    bounds = [(0, None)] + [(None, None)] * (m + k)

    F = _zeroing_level(g, separable, Dt, box)

    upper = np.inf
    for _ in range(max_rounds):
        res = linprog(objective, A_ub=sp.vstack(rows, format="csr"), b_ub=np.concatenate(rhs),
                      bounds=bounds, method="highs")
        if res.status == 2:  # infeasible: no alpha makes w = 0 optimal
            return np.inf
        if res.status != 0:
            raise RuntimeError(f"alpha_max: the linear program failed ({res.message})")
        t_low, v, a = res.x[0], res.x[1:1 + m], res.x[1 + m:]
        u = g - Dt @ v
        upper = min(upper, F(v))
        if upper <= t_low * (1 + rtol) + 1e-300 or not k:
            # without groups the LP is the whole problem: F at its v certifies it (the two
            # differ by the LP's feasibility tolerance only)
            return upper
        # tangent cut r_g . d <= t lambda_g at the direction d = r_g / ||r_g|| of each violated group
        r = u[grouped] - a
        norms = np.sqrt(np.bincount(group_of, weights=r**2, minlength=groups.n_groups))
        violated = norms > t_low * separable.group_weights * (1 + 0.1 * rtol)
        if not np.any(violated):
            return upper
        sel = np.flatnonzero(violated[group_of])
        d = r[sel] / norms[group_of[sel]]
        cut_rows = np.searchsorted(np.flatnonzero(violated), group_of[sel])
        n_cuts = int(violated.sum())
        # r_g . d = g_g . d - (D^T v)_g . d - a_g . d
        dv = sp.csr_matrix((d, (cut_rows, sel)), shape=(n_cuts, k))
        rows.append(block(-separable.group_weights[violated], -(dv @ Dt_g), -dv))
        rhs.append(-np.bincount(cut_rows, weights=d * g[grouped][sel], minlength=n_cuts))
    for step in (rtol, 1e-5, 1e-4, 1e-3):
        t = t_low * (1 + step)
        if upper <= t * (1 + rtol):
            break
        upper = min(upper, F(_nearest_feasible(g, separable, D, box, t, v)))
    return upper


def _nearest_feasible(g, separable, D, box, t, v0):
    """``v`` in the box of radius ``t * box`` that minimizes the distance of
    ``g - D^T v`` to ``t * (unit dual ball of the separable penalty)``."""
    pen = separable.scaled(t)
    scale = float(g @ g)

    def fun(v):
        r = pen.prox(g - D.T @ v, 1.0)
        return 0.5 * float(r @ r), -(D @ r)

    res = minimize(fun, np.clip(v0, -t * box, t * box), jac=True, method="L-BFGS-B",
                   bounds=np.column_stack([-t * box, t * box]),
                   options={"maxiter": 2000, "ftol": 1e-30, "gtol": 1e-14 * np.sqrt(scale)})
    return res.x

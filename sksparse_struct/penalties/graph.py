r"""Graph-fused penalties: weighted l1 on the differences along the edges of a graph.

The prox of :math:`s(x) + \sum_e c_e |(Dx)_e|` (``s`` separable, possibly 0)
has no closed form; it is computed from its dual. With
:math:`u \in \{|u_e| \le t c_e\}`, the minimizer of the Lagrangian
:math:`\tfrac12\|x - v\|^2 + t s(x) + \langle u, Dx\rangle` is
:math:`x(u) = \mathrm{prox}_{ts}(v - D^\top u)`, the dual function is smooth
with a gradient :math:`D x(u)` that is :math:`\|D\|_2^2`-Lipschitz (prox is
1-Lipschitz), and :math:`\|D\|_2^2 \le 2 \max_j \deg(j)` for an incidence
matrix. Accelerated projected gradient ascent on ``u`` (warm started from the
previous call) stops at a duality gap

.. math::

    \mathrm{gap}(u) = \sum_e \big(t c_e |(Dx(u))_e| - u_e (Dx(u))_e\big) \ge 0,

which bounds :math:`\tfrac12\|x(u) - \mathrm{prox}(v)\|^2` (the objective is
1-strongly convex). The returned point is :math:`x(u)`, a prox output of
``s``: it carries the exact zeros of the separable part.
"""

import numpy as np

from .separable import WeightedL1

__all__ = ["GraphFused", "SeparablePlusFused"]


class GraphFused:
    r"""Graph-fused penalty :math:`\sum_{(j,k)\in E} c_{jk} |x_j - x_k| = h(Dx)`.

    ``h`` is a :class:`WeightedL1` on the image of the incidence matrix ``D``;
    solvers that split on linear maps (ADMM) use :attr:`linear_map` and
    :attr:`image_penalty`, whose prox is exact; :meth:`prox` solves the dual
    iteratively (module doc).

    Parameters
    ----------
    graph : Graph
        Canonical graph from :func:`sksparse_struct._structure.check_graph`.
    strength : float
        Multiplies the edge weights: :math:`c_{jk} = \mathrm{strength}\cdot a_{jk}`.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct._structure import check_graph
    >>> from sksparse_struct.penalties import GraphFused
    >>> pen = GraphFused(check_graph(np.array([[0, 1]]), 2), strength=1.0)
    >>> pen.value(np.array([3.0, 1.0]))
    2.0
    >>> np.round(pen.prox(np.array([3.0, 1.0]), 0.5), 6)  # each end moves by step * c
    array([2.5, 1.5])
    """

    def __init__(self, graph, strength):
        self.graph = graph
        self.strength = strength

    @property
    def linear_map(self):
        return self.graph.incidence

    @property
    def image_penalty(self):
        return WeightedL1(self.strength * self.graph.weights)

    def value(self, x):
        return self.image_penalty.value(self.linear_map @ x)

    def prox(self, v, step):
        """``argmin_x h(Dx) + ||x - v||^2 / (2 step)``, by the dual of the module doc."""
        return SeparablePlusFused(None, self).prox(v, step)


class SeparablePlusFused:
    r"""A separable penalty plus a graph-fused one: :math:`s(x) + \sum_e c_e |(Dx)_e|`.

    Parameters
    ----------
    separable : object or None
        A penalty with ``value`` and an exact ``prox`` (e.g. :class:`SparseGroupL2`);
        None for no separable part.
    fused : GraphFused
    gap_tol : float, default=1e-12
        Absolute duality gap at which :meth:`prox` stops; it bounds half the
        squared distance of the result to the exact prox.
    max_inner : int, default=2000
        Iterations of the dual ascent per call.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct._structure import check_graph
    >>> from sksparse_struct.penalties import GraphFused, SeparablePlusFused, WeightedL1
    >>> fused = GraphFused(check_graph(np.array([[0, 1]]), 2), strength=1.0)
    >>> pen = SeparablePlusFused(WeightedL1(1.0), fused)
    >>> np.round(pen.prox(np.array([3.0, 1.0]), 0.5), 6)  # fused, then soft-thresholded
    array([2., 1.])
    """

    def __init__(self, separable, fused, *, gap_tol=1e-12, max_inner=2000):
        self.separable = separable
        self.fused = fused
        self.gap_tol = gap_tol
        self.max_inner = max_inner
        self._dual = None  # warm start of the dual ascent
        self._check_every = 5  # the gap costs one more prox: not at every iteration
        D = fused.linear_map
        degree = np.bincount(D.indices, minlength=D.shape[1]) if D.nnz else np.zeros(1)
        self._dual_lipschitz = max(2.0 * float(degree.max(initial=0)), 1e-300)
        self._Dt = D.T.tocsr()

    def value(self, x):
        sep = 0.0 if self.separable is None else self.separable.value(x)
        return sep + self.fused.value(x)

    def _primal(self, v, step):
        return v.copy() if self.separable is None else self.separable.prox(v, step)

    def prox(self, v, step):
        """Approximate prox of ``step * (s + fused)`` at ``v`` (module doc), to :attr:`gap_tol`."""
        D, Dt = self.fused.linear_map, self._Dt
        if D.shape[0] == 0:
            return self._primal(v, step)
        radius = step * self.fused.strength * self.fused.graph.weights
        # a batch v of shape (p, k): the edge radii apply along the rows of u, shape (m, k)
        radius = radius.reshape((-1,) + (1,) * (np.ndim(v) - 1))
        shape = (D.shape[0],) + np.shape(v)[1:]
        u = (np.zeros(shape) if self._dual is None or self._dual.shape != shape
             else np.clip(self._dual, -radius, radius))
        inv_l = 1.0 / self._dual_lipschitz
        w, t = u, 1.0
        for it in range(1, self.max_inner + 1):
            u_next = np.clip(w + inv_l * (D @ self._primal(v - Dt @ w, step)), -radius, radius)
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            w = u_next + ((t - 1.0) / t_next) * (u_next - u)
            u, t = u_next, t_next
            if it % self._check_every == 0:
                Dx = D @ self._primal(v - Dt @ u, step)
                if float(np.sum(radius * np.abs(Dx) - u * Dx)) <= self.gap_tol:
                    break
        self._dual = u
        return self._primal(v - Dt @ u, step)

"""Graph-fused penalty: weighted l1 on the differences along the edges of a graph."""

from .separable import WeightedL1

__all__ = ["GraphFused"]


class GraphFused:
    r"""Graph-fused penalty :math:`\sum_{(j,k)\in E} c_{jk} |x_j - x_k| = h(Dx)`.

    ``h`` is a :class:`WeightedL1` on the image of the incidence matrix ``D``;
    solvers that split on linear maps use :attr:`linear_map` and :attr:`image_penalty`
    (whose prox is exact), since the prox of the composition has no closed form.

    Parameters
    ----------
    graph : Graph
        Canonical graph from :func:`sksparse_struct._structure.check_graph`.
    strength : float
        Multiplies the edge weights: :math:`c_{jk} = \mathrm{strength}\cdot a_{jk}`.

    Examples
    --------
    A chain 0 - 1 - 2: only the jump between coordinates 1 and 2 is penalized.

    >>> import numpy as np
    >>> from sksparse_struct._structure import check_graph
    >>> from sksparse_struct.penalties import GraphFused
    >>> penalty = GraphFused(check_graph(np.array([[0, 1], [1, 2]]), 3), strength=2.0)
    >>> penalty.value(np.array([1.0, 1.0, 4.0]))
    6.0
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

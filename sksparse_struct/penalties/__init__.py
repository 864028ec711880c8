"""Penalties: value, proximal operator, optimality certificate and dual norm.

Files are grouped by mathematical structure: separable (coordinate-wise),
group (disjoint blocks), graph (l1 on the image of an incidence matrix),
nonconvex (concave functions of a norm: MCP, SCAD, log, lq) and hoyer
(scale-invariant Hoyer-square measures of weight matrices, with their
gradients, and the per-neuron group proxes).
"""

from .graph import GraphFused, SeparablePlusFused
from .group import RowGroupL2, SparseGroupL2
from .hoyer import (GroupHoyerSquare, HoyerSquare, group_hoyer_square, group_hoyer_square_grad,
                    hoyer_square, hoyer_square_grad, neuron_group_penalty)
from .nonconvex import MCP, SCAD, LogPenalty, Lq
from .separable import WeightedL1, soft_threshold

__all__ = ["MCP", "SCAD", "GraphFused", "GroupHoyerSquare", "HoyerSquare", "LogPenalty", "Lq",
           "RowGroupL2", "SeparablePlusFused", "SparseGroupL2", "WeightedL1", "group_hoyer_square",
           "group_hoyer_square_grad", "hoyer_square", "hoyer_square_grad", "neuron_group_penalty",
           "soft_threshold"]

"""Penalties: value, proximal operator, optimality certificate and dual norm.

Files are grouped by mathematical structure: separable (coordinate-wise),
group (disjoint blocks), graph (l1 on the image of an incidence matrix) and
nonconvex (concave functions of a norm: MCP, SCAD, log, lq).
"""

from .graph import GraphFused, SeparablePlusFused
from .group import SparseGroupL2
from .nonconvex import MCP, SCAD, LogPenalty, Lq
from .separable import WeightedL1, soft_threshold

__all__ = ["MCP", "SCAD", "GraphFused", "LogPenalty", "Lq", "SeparablePlusFused", "SparseGroupL2",
           "WeightedL1", "soft_threshold"]

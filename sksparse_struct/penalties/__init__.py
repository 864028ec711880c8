"""Penalties: value, proximal operator, optimality certificate and dual norm.

Files are grouped by mathematical structure: separable (coordinate-wise),
group (disjoint blocks) and graph (l1 on the image of an incidence matrix).
"""

from .graph import GraphFused
from .group import SparseGroupL2
from .separable import WeightedL1, soft_threshold

__all__ = ["GraphFused", "SparseGroupL2", "WeightedL1", "soft_threshold"]

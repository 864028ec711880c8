"""Linear models with structured sparsity."""

from ._group_graph_lasso import GroupGraphLasso, group_graph_alpha_max

__all__ = ["GroupGraphLasso", "group_graph_alpha_max"]

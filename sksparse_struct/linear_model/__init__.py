"""Linear models with structured sparsity."""

from ._group_graph_lasso import GroupGraphLasso, group_graph_alpha_max
from ._logistic import GroupGraphLogisticRegression, group_graph_logistic_alpha_max

__all__ = ["GroupGraphLasso", "GroupGraphLogisticRegression", "group_graph_alpha_max",
           "group_graph_logistic_alpha_max"]

"""Linear models with structured sparsity."""

from ._cv import GroupGraphLassoCV, GroupGraphLogisticRegressionCV
from ._group_graph_lasso import GroupGraphLasso, group_graph_alpha_max
from ._logistic import GroupGraphLogisticRegression, group_graph_logistic_alpha_max
from ._path import group_graph_path

__all__ = ["GroupGraphLasso", "GroupGraphLassoCV", "GroupGraphLogisticRegression",
           "GroupGraphLogisticRegressionCV", "group_graph_alpha_max",
           "group_graph_logistic_alpha_max", "group_graph_path"]

"""sksparse_struct: structured-sparsity estimators for scikit-learn.

Public API: the estimators, their alpha_max functions and the data generators.
"""

from .datasets import make_group_graph_regression, make_sparse_reduced_rank_regression
from .linear_model import GroupGraphLasso, group_graph_alpha_max
from .reduced_rank import SparseReducedRankRegression, reduced_rank_alpha_max

__version__ = "0.1.0.dev0"

__all__ = [
    "GroupGraphLasso",
    "SparseReducedRankRegression",
    "group_graph_alpha_max",
    "make_group_graph_regression",
    "make_sparse_reduced_rank_regression",
    "reduced_rank_alpha_max",
]

"""sksparse_struct: structured-sparsity estimators for scikit-learn.

Public API: the estimators, their alpha_max functions, the data generators
and the benchmark loaders.
"""

from .datasets import (
    get_data_home,
    load_fashion_mnist,
    load_linked_dataset,
    load_mnist,
    make_group_graph_regression,
    make_linked_data,
    make_sparse_reduced_rank_regression,
)
from .linear_model import GroupGraphLasso, group_graph_alpha_max
from .linked import JointGroupGraphClassifier
from .neural_network import SparseMLPClassifier, SparseMLPRegressor
from .reduced_rank import SparseReducedRankRegression, reduced_rank_alpha_max

__version__ = "0.1.0.dev0"

__all__ = [
    "GroupGraphLasso",
    "JointGroupGraphClassifier",
    "SparseMLPClassifier",
    "SparseMLPRegressor",
    "SparseReducedRankRegression",
    "get_data_home",
    "group_graph_alpha_max",
    "load_fashion_mnist",
    "load_linked_dataset",
    "load_mnist",
    "make_group_graph_regression",
    "make_linked_data",
    "make_sparse_reduced_rank_regression",
    "reduced_rank_alpha_max",
]

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
from .linear_model import (
    GroupGraphLasso,
    GroupGraphLassoCV,
    GroupGraphLogisticRegression,
    GroupGraphLogisticRegressionCV,
    group_graph_alpha_max,
    group_graph_logistic_alpha_max,
    group_graph_path,
)
from .linked import JointGroupGraphClassifier
from .neural_network import SparseMLPClassifier, SparseMLPRegressor
from .reduced_rank import (
    SparseReducedRankRegression,
    SparseReducedRankRegressionCV,
    reduced_rank_alpha_max,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "GroupGraphLasso",
    "GroupGraphLassoCV",
    "GroupGraphLogisticRegression",
    "GroupGraphLogisticRegressionCV",
    "JointGroupGraphClassifier",
    "SparseMLPClassifier",
    "SparseMLPRegressor",
    "SparseReducedRankRegression",
    "SparseReducedRankRegressionCV",
    "get_data_home",
    "group_graph_alpha_max",
    "group_graph_logistic_alpha_max",
    "group_graph_path",
    "load_fashion_mnist",
    "load_linked_dataset",
    "load_mnist",
    "make_group_graph_regression",
    "make_linked_data",
    "make_sparse_reduced_rank_regression",
    "reduced_rank_alpha_max",
]

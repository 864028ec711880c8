"""sksparse_struct: structured-sparsity estimators for scikit-learn.

Public API: estimators, their alpha_max helpers and the data generators.
"""

from .datasets import make_group_graph_regression
from .linear_model import GroupGraphLasso, group_graph_alpha_max

__version__ = "0.1.0.dev0"

__all__ = ["GroupGraphLasso", "group_graph_alpha_max", "make_group_graph_regression"]

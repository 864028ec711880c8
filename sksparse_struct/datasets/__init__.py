"""Synthetic generators with a known truth."""

from ._reduced_rank import make_sparse_reduced_rank_regression
from ._synthetic import make_group_graph_regression

__all__ = ["make_group_graph_regression", "make_sparse_reduced_rank_regression"]

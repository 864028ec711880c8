"""Synthetic generators with a known truth, and loaders of benchmark data."""

from ._base import get_data_home
from ._images import load_fashion_mnist, load_mnist
from ._linked import load_linked_dataset, make_linked_data
from ._reduced_rank import make_sparse_reduced_rank_regression
from ._synthetic import make_group_graph_regression

__all__ = [
    "get_data_home",
    "load_fashion_mnist",
    "load_linked_dataset",
    "load_mnist",
    "make_group_graph_regression",
    "make_linked_data",
    "make_sparse_reduced_rank_regression",
]

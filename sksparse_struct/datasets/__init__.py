"""Synthetic generators with a known truth (and, later, readers of benchmark files)."""

from ._synthetic import make_group_graph_regression

__all__ = ["make_group_graph_regression"]

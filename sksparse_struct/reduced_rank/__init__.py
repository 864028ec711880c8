"""Sparse reduced-rank regression: low-rank, row-sparse multi-output linear models."""

from ._cv import SparseReducedRankRegressionCV
from ._estimator import SparseReducedRankRegression, reduced_rank_alpha_max

__all__ = ["SparseReducedRankRegression", "SparseReducedRankRegressionCV",
           "reduced_rank_alpha_max"]

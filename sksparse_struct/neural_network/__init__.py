"""Multi-layer perceptrons that prune their weights and neurons during training."""

from ._estimators import SparseMLPClassifier, SparseMLPRegressor

__all__ = ["SparseMLPClassifier", "SparseMLPRegressor"]

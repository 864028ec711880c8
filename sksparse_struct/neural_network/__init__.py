"""Multi-layer perceptrons that prune their weights and neurons during training."""

from ._estimators import PENALTY_DEFAULTS, SparseMLPClassifier, SparseMLPRegressor

__all__ = ["PENALTY_DEFAULTS", "SparseMLPClassifier", "SparseMLPRegressor"]

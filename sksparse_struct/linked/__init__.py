"""Classification of linked data (nodes of a graph with features)."""

from ._classifier import JointGroupGraphClassifier

__all__ = ["JointGroupGraphClassifier"]

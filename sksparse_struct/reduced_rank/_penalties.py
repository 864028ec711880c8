"""Penalties of the row norms of B, built from the estimator's flat parameters."""

import numpy as np

from ..penalties import MCP, SCAD, Lq, LogPenalty, WeightedL1

__all__ = ["PENALTIES", "row_penalty"]

PENALTIES = ("group_lasso", "adaptive_group_lasso", "mcp", "scad", "log", "lq")


class LinearRowPenalty:
    r""":math:`\sum_j w_j t_j`: the (adaptive) group lasso; its majorizer is itself."""

    def __init__(self, weights):
        self.weights = weights

    def value(self, t):
        # rows with an infinite weight are kept at zero by the B-step: they cost nothing
        # (and inf * 0 would be NaN)
        finite = np.isfinite(np.broadcast_to(self.weights, np.shape(t)))
        return WeightedL1(np.broadcast_to(self.weights, np.shape(t))[finite]).value(t[finite])

    def derivative(self, t):
        return np.broadcast_to(self.weights, np.shape(t)).astype(float)


def adaptive_weights(rrr_row_norms, power):
    """Chen & Huang's weights ``||B~_j||^-power`` from the reduced-rank fit (inf on zero rows)."""
    with np.errstate(divide="ignore"):
        return np.power(rrr_row_norms, -power)


def row_penalty(penalty, alpha, *, gamma=None, epsilon=1.0, q=0.5, adaptive=None):
    """Penalty object with ``value(t)`` and ``derivative(t)`` on row norms ``t``.

    ``adaptive`` are the adaptive weights (used by "adaptive_group_lasso" only).
    ``gamma=None`` means 3 for MCP and 3.7 for SCAD.
    """
    if penalty == "group_lasso":
        return LinearRowPenalty(alpha)
    if penalty == "adaptive_group_lasso":
        # a zero row of the reduced-rank fit (a constant feature) stays at zero, even at alpha=0
        return LinearRowPenalty(np.where(np.isinf(adaptive), np.inf, alpha * adaptive))
    if penalty == "mcp":
        return MCP(alpha, 3.0 if gamma is None else gamma)
    if penalty == "scad":
        return SCAD(alpha, 3.7 if gamma is None else gamma)
    if penalty == "log":
        return LogPenalty(alpha, epsilon)
    return Lq(alpha, q)

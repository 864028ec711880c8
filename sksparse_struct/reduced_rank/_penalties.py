"""Penalties of the row norms of B, built from the estimator's flat parameters."""

import numpy as np

from ..penalties import MCP, SCAD, Lq, LogPenalty, WeightedL1

__all__ = ["PENALTIES", "row_penalty", "start_policy"]

PENALTIES = ("group_lasso", "adaptive_group_lasso", "mcp", "scad", "log", "lq")


def adaptive_weights(rrr_row_norms, power):
    """Chen & Huang's weights ``||B~_j||^-power`` from the reduced-rank fit (inf on zero rows)."""
    with np.errstate(divide="ignore"):
        return np.power(rrr_row_norms, -power)


def row_penalty(penalty, alpha, *, gamma=None, epsilon=1.0, q=0.5, adaptive=None):
    """Penalty object with ``value(t)`` and ``derivative(t)`` on row norms ``t``.

    ``adaptive`` are the adaptive weights (used by "adaptive_group_lasso" only).
    ``gamma=None`` means 3 for MCP and 3.7 for SCAD.
    """
    # the (adaptive) group lasso is the weighted l1 norm of the row norms: its own majorizer
    if penalty == "group_lasso":
        return WeightedL1(alpha)
    if penalty == "adaptive_group_lasso":
        # a zero row of the reduced-rank fit (a constant feature) stays at zero, even at alpha=0
        return WeightedL1(np.where(np.isinf(adaptive), np.inf, alpha * adaptive))
    if penalty == "mcp":
        return MCP(alpha, 3.0 if gamma is None else gamma)
    if penalty == "scad":
        return SCAD(alpha, 3.7 if gamma is None else gamma)
    if penalty == "log":
        return LogPenalty(alpha, epsilon)
    return Lq(alpha, q)


def start_policy(penalty, alpha, warm_B=None):
    """How the alternation for ``penalty`` starts: ``(surrogate, also_cold)``.

    * ``surrogate``: for "mcp" and "scad" started cold, the group lasso at the
      same alpha (their slope at 0, so the tangent majorizer at ``B = 0``),
      solved first from the reduced-rank fit; the concave alternation starts
      from its solution. On sparse designs with ``n_features > n_samples`` this
      reached stationary points of lower objective (up to half) than the
      reduced-rank start, which keeps spurious rows, and in fewer iterations;
      for "log" and "lq" both starts were within 1% and the reduced-rank fit is
      kept. None otherwise.
    * ``also_cold``: for "lq" warm-started at a ``B`` with a zero row. The
      slope of ``t^q`` is infinite at 0, so a zero row is a fixed point of the
      alternation and a warm start could never select it again (down a
      decreasing path of alphas, all rows would stay at zero); the alternation
      then also runs from the cold start and the lower objective is kept.
    """
    surrogate = row_penalty("group_lasso", alpha) if (
        warm_B is None and penalty in ("mcp", "scad")) else None
    also_cold = penalty == "lq" and warm_B is not None and not np.all(np.any(warm_B, axis=1))
    return surrogate, also_cold

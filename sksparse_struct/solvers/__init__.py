"""Generic solvers: they see a loss, penalties and linear maps, never an estimator."""

from .admm import ADMMResult, ADMMState, admm, kkt_violation
from ._normal_equations import NormalEquations

__all__ = ["ADMMResult", "ADMMState", "NormalEquations", "admm", "kkt_violation"]

"""Generic solvers: they see a loss, penalties and linear maps, never an estimator."""

from ._normal_equations import NormalEquations
from .admm import ADMMResult, ADMMState, admm, kkt_violation
from .proximal_gradient import ProxGradResult, Quadratic, accelerated_proximal_gradient
from .working_set import working_set_admm

__all__ = ["ADMMResult", "ADMMState", "NormalEquations", "ProxGradResult", "Quadratic", "admm",
           "accelerated_proximal_gradient", "kkt_violation", "working_set_admm"]

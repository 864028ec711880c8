"""Generic solvers: they see a loss, penalties and linear maps, never an estimator."""

from ._normal_equations import NormalEquations
from .alternating import AlternatingResult, alternating_minimization
from .admm import ADMMResult, ADMMState, admm, kkt_violation
from .batched_admm import BatchedADMMResult, SharedFactorization, batched_admm
from .proximal_gradient import ProxGradResult, Quadratic, accelerated_proximal_gradient
from .working_set import RestrictedSystems, WorkingSetResult, working_set, working_set_admm

__all__ = ["ADMMResult", "ADMMState", "AlternatingResult", "BatchedADMMResult", "NormalEquations",
           "ProxGradResult", "Quadratic", "RestrictedSystems", "SharedFactorization", "admm",
           "accelerated_proximal_gradient", "alternating_minimization", "batched_admm",
           "kkt_violation", "working_set", "WorkingSetResult", "working_set_admm"]

"""Anderson acceleration of a fixed-point iteration ``v <- G(v)``.

Type-II Anderson mixing (Walker & Ni, 2011) with a small memory: the next
point combines the last ``G`` values with the weights that best cancel the
recent residuals ``G(v) - v`` in least squares. Splitting methods such as
ADMM converge linearly but slowly in their tails; there the residuals are
nearly collinear and the mixing removes the slow directions (Fu, Zhang & Boyd,
2019; SCS uses the same device). Callers safeguard the step.
"""

from collections import deque

import numpy as np

__all__ = ["AndersonMixing"]


class AndersonMixing:
    """Anderson extrapolation with memory ``memory``.

    Parameters
    ----------
    memory : int
        Number of past differences kept.
    regularization : float
        Tikhonov term, relative to the scale of the difference matrix, that
        keeps the small least-squares problem well posed.
    """

    def __init__(self, memory=5, regularization=1e-10):
        self.memory = memory
        self.regularization = regularization
        self.reset()

    def reset(self):
        self._d_residual = deque(maxlen=self.memory)
        self._d_value = deque(maxlen=self.memory)
        self._last = None

    def extrapolate(self, v, g):
        """Next point from the current point ``v`` and its image ``g = G(v)``."""
        f = g - v
        if self._last is not None:
            last_f, last_g = self._last
            self._d_residual.append(f - last_f)
            self._d_value.append(g - last_g)
        self._last = (f, g)
        if not self._d_residual:
            return g
        dF = np.column_stack(self._d_residual)
        gram = dF.T @ dF
        gram[np.diag_indices_from(gram)] += self.regularization * np.trace(gram) + 1e-300
        try:
            gamma = np.linalg.solve(gram, dF.T @ f)
        except np.linalg.LinAlgError:
            self.reset()
            return g
        return g - np.column_stack(self._d_value) @ gamma

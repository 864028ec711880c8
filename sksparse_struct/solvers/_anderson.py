"""Anderson acceleration of a fixed-point iteration ``v <- G(v)``.

Type-II Anderson mixing (Walker & Ni, 2011) with a small memory: the next
point combines the last ``G`` values with the weights that best cancel the
recent residuals ``G(v) - v`` in least squares. Splitting methods such as
ADMM converge linearly but slowly in their tails; there the residuals are
nearly collinear and the mixing removes the slow directions (Fu, Zhang & Boyd,
2019; SCS uses the same device). Callers safeguard the step.
"""

import numpy as np

__all__ = ["AndersonMixing"]


class AndersonMixing:
    """Anderson extrapolation with memory ``memory``.

    The last ``memory`` differences of residuals and of values are kept as the
    columns of two ring buffers, with the Gram matrix of the residual
    differences updated one column at a time: a step costs three products of
    the buffer with a vector, not a copy of the buffers and a new Gram matrix
    (the order of the columns does not change the least-squares weights).

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
        self._d_residual = self._d_value = None  # (size, memory) ring buffers
        self._gram = np.zeros((self.memory, self.memory))
        self._count = self._next = 0
        self._last = None

    def extrapolate(self, v, g):
        """Next point from the current point ``v`` and its image ``g = G(v)``."""
        f = g - v
        if self._last is not None:
            last_f, last_g = self._last
            if self._d_residual is None:
                self._d_residual = np.empty((f.size, self.memory))
                self._d_value = np.empty((f.size, self.memory))
            k = self._next
            self._d_residual[:, k] = f - last_f
            self._d_value[:, k] = g - last_g
            self._count = min(self._count + 1, self.memory)
            self._next = (k + 1) % self.memory
            row = self._d_residual[:, :self._count].T @ self._d_residual[:, k]
            self._gram[k, :self._count] = row
            self._gram[:self._count, k] = row
        self._last = (f, g)
        if not self._count:
            return g
        c = self._count
        gram = self._gram[:c, :c].copy()
        gram[np.diag_indices_from(gram)] += self.regularization * np.trace(gram) + 1e-300
        try:
            gamma = np.linalg.solve(gram, self._d_residual[:, :c].T @ f)
        except np.linalg.LinAlgError:
            self.reset()
            return g
        return g - self._d_value[:, :c] @ gamma

"""Weighted least-squares loss with an implicitly centred design.

The loss ``(1/(2n)) sum_i s_i (y_i - x_i.w - b)^2`` with the intercept ``b``
profiled out is ``0.5 * ||Z w - t||^2`` with

    Z = R (X - 1 m^T),   t = R (y - ybar),   R = diag(sqrt(s_i / n)),

``m`` and ``ybar`` the s-weighted means (zero when there is no intercept).
Z is never formed: sparse X stays sparse, and products with Z apply the
centring and the weights on the fly.
"""

import numpy as np
import scipy.sparse as sp

__all__ = ["LeastSquares"]


class LeastSquares:
    """``0.5 * ||Z w - t||^2``, the profiled weighted least-squares loss.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, p)
    y : ndarray of shape (n,) or (n, q)
    sample_weight : ndarray of shape (n,) or None
        Non-negative; rescaled to sum to ``n``.
    fit_intercept : bool
    """

    def __init__(self, X, y, sample_weight=None, fit_intercept=True):
        n = X.shape[0]
        s = np.ones(n) if sample_weight is None else sample_weight * (n / sample_weight.sum())
        self.X = X
        self.sqrt_w = np.sqrt(s / n)
        self.fit_intercept = fit_intercept
        if fit_intercept:
            self.x_mean = np.asarray(X.T @ (s / n)).ravel()
            self.y_mean = (s / n) @ y
        else:
            self.x_mean = np.zeros(X.shape[1])
            self.y_mean = np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
        self.target = self._rows(y - self.y_mean)

    def restrict(self, columns):
        """The same loss on the features ``columns`` only (the others held at zero)."""
        sub = object.__new__(LeastSquares)
        sub.__dict__.update(self.__dict__)
        sub.X = self.X[:, columns]
        sub.x_mean = self.x_mean[columns]
        return sub

    @property
    def shape(self):
        return self.X.shape

    def _rows(self, a):
        return a * (self.sqrt_w if a.ndim == 1 else self.sqrt_w[:, None])

    def matvec(self, w):
        """``Z @ w`` for w of shape (p,) or (p, k)."""
        return self._rows(np.asarray(self.X @ w) - self.x_mean @ w)

    def rmatvec(self, v):
        """``Z.T @ v`` for v of shape (n,) or (n, k)."""
        rv = self._rows(v)
        return np.asarray(self.X.T @ rv) - np.multiply.outer(self.x_mean, rv.sum(axis=0))

    def residual(self, w):
        return self.matvec(w) - self.target

    def value(self, w):
        return 0.5 * float(np.sum(self.residual(w) ** 2))

    def gradient(self, w):
        return self.rmatvec(self.residual(w))

    def intercept(self, w):
        """Unpenalized intercept ``b = ybar - m.w`` that goes with ``w``."""
        return self.y_mean - self.x_mean @ w

    def gram(self):
        """Dense ``Z.T @ Z`` of shape (p, p) (the weights sum to one, see module doc)."""
        uniform = np.all(self.sqrt_w == self.sqrt_w[0])
        if uniform:  # no weighted copy of X: scale the product instead
            Xr = self.X
        elif sp.issparse(self.X):
            Xr = self.X.multiply(self.sqrt_w[:, None]).tocsr()
        else:
            Xr = self._rows(self.X)
        G = Xr.T @ Xr
        G = G.toarray() if sp.issparse(G) else np.asarray(G)
        if uniform:
            G *= self.sqrt_w[0] ** 2
        return G - np.outer(self.x_mean, self.x_mean)

    def scaled_kernel(self, scale):
        """Dense ``Z diag(scale) Z.T`` of shape (n, n), without forming Z densely."""
        uniform = np.all(scale == scale[0])
        if uniform:  # no scaled copy of X: scale the result instead
            Xs, ms = self.X, self.x_mean
        else:
            root = np.sqrt(scale)
            Xs = self.X.multiply(root[None, :]).tocsr() if sp.issparse(self.X) else self.X * root
            ms = self.x_mean * root
        XX = Xs @ Xs.T
        XX = XX.toarray() if sp.issparse(XX) else np.asarray(XX)
        Xm = np.asarray(Xs @ ms).ravel()
        K = XX - Xm[:, None] - Xm[None, :] + ms @ ms
        K *= np.outer(self.sqrt_w, self.sqrt_w)
        return K * scale[0] if uniform else K

    def dense_transpose(self, rows=slice(None)):
        """``Z.T[:, rows]`` as a dense array, for a block of samples at a time."""
        Xb = self.X[rows]
        Xt = Xb.T.toarray() if sp.issparse(Xb) else np.array(Xb.T)
        Xt -= self.x_mean[:, None]
        return Xt * self.sqrt_w[rows]

    def frobenius_sq(self):
        """``||Z||_F^2 = sum_i (s_i/n) ||x_i||^2 - ||m||^2`` (the weights sum to one)."""
        if sp.issparse(self.X):
            row_sq = np.asarray(self.X.multiply(self.X).sum(axis=1)).ravel()
        else:
            row_sq = np.einsum("ij,ij->i", self.X, self.X)  # no n x p temporary
        return float(self.sqrt_w**2 @ row_sq - self.x_mean @ self.x_mean)

"""Losses: weighted least squares, binary and multinomial logistic.

Every loss has ``value`` and ``gradient`` and states the curvature
information its solvers use: least squares its Gram matrix and products with
the centred design (ADMM factorizes its normal equations); the logistic
losses a Lipschitz bound of their gradient and a *linear state* (the linear
predictor ``eta = X W + b``), so that accelerated proximal gradient gets the
state of an extrapolated point as the same combination of the states of the
points it combines, one product with X per iteration.

Weighted least squares
----------------------
The loss ``(1/(2n)) sum_i s_i (y_i - x_i.w - b)^2`` with the intercept ``b``
profiled out is ``0.5 * ||Z w - t||^2`` with

    Z = R (X - 1 m^T),   t = R (y - ybar),   R = diag(sqrt(s_i / n)),

``m`` and ``ybar`` the s-weighted means (zero when there is no intercept).
Z is never formed: sparse X stays sparse, and products with Z apply the
centring and the weights on the fly.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_softmax, softmax

__all__ = ["BinaryLogistic", "LeastSquares", "MultinomialLogistic"]


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

    def zero_gradient(self):
        """Gradient at ``w = 0`` (with its best intercept): ``-Z^T t``; its dual norm is alpha_max."""
        return -self.rmatvec(self.target)

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


def _rescaled_weights(sample_weight, n):
    """Sample weights rescaled to sum to ``n`` (ones when None)."""
    return np.ones(n) if sample_weight is None else sample_weight * (n / sample_weight.sum())


class _LogisticLoss:
    r"""Shared parts of the logistic losses on :math:`\theta = [\mathrm{vec}(W), b]`.

    ``W`` has shape (p, K) and is stored feature by feature (row-major), so
    that the K coefficients of a feature are contiguous: a feature's block.
    The intercept ``b`` (K values) follows when ``fit_intercept``. The loss
    is :math:`\frac1n \sum_i s_i\, \ell(\eta_i)` with :math:`\eta = XW + 1 b^\top`.
    Subclasses give :math:`\ell`, its derivative and its curvature bound.
    """

    #: bound of the second derivative of ``ell`` (the Hessian in the sense of the Loewner order)
    curvature = None

    def __init__(self, X, target, n_outputs, sample_weight=None, fit_intercept=True):
        n, p = X.shape
        self.X = X
        self.target = target
        self.n_outputs = n_outputs
        self.fit_intercept = fit_intercept
        self.row_weights = _rescaled_weights(sample_weight, n) / n
        self.n_coef = p * n_outputs
        self.size = self.n_coef + (n_outputs if fit_intercept else 0)
        self._lipschitz = None

    @property
    def shape(self):
        return self.X.shape

    def split(self, theta):
        """``(W, b)``: W of shape (p, K), b of shape (K,) (zeros without intercept)."""
        W = theta[:self.n_coef].reshape(self.X.shape[1], self.n_outputs)
        b = theta[self.n_coef:] if self.fit_intercept else np.zeros(self.n_outputs)
        return W, b

    def state(self, theta):
        """The linear predictor ``eta = X W + b``, shape (n, K); linear in theta."""
        W, b = self.split(theta)
        return np.asarray(self.X @ W) + b

    def value_from_state(self, theta, eta):
        return float(self.row_weights @ self._ell(eta))

    def gradient_from_state(self, theta, eta):
        r = self._ell_derivative(eta) * self.row_weights[:, None]
        grad_W = np.asarray(self.X.T @ r)
        if not self.fit_intercept:
            return grad_W.ravel()
        return np.concatenate([grad_W.ravel(), r.sum(axis=0)])

    def value(self, theta):
        return self.value_from_state(theta, self.state(theta))

    def gradient(self, theta):
        return self.gradient_from_state(theta, self.state(theta))

    @property
    def lipschitz(self):
        r"""Lipschitz bound of the gradient in ``W``: ``curvature * ||S^(1/2) X||_2^2``.

        The norm comes from a few power iterations (cheap, accurate to a few
        per cent); solvers that use it backtrack when it is too small. With
        the :attr:`metric` it bounds the whole gradient up to a factor 2
        (:math:`\begin{pmatrix} A & B \\ B^\top C \end{pmatrix} \preceq
        2 \begin{pmatrix} A & 0 \\ 0 & C \end{pmatrix}`), which the backtracking
        finds when it is needed.
        """
        if self._lipschitz is None:
            self._lipschitz = self.curvature * _squared_operator_norm(self.X, self.row_weights)
        return self._lipschitz

    @property
    def metric(self):
        """Step scale per parameter: 1 on ``W``, ``||S^(1/2) 1||^2 / ||S^(1/2) X||_2^2`` on ``b``.

        The curvature of the intercepts is that of a column of ones, not that
        of X: with one step for both, an intercept of data at a scale of 1e3
        moves by 1e-6 of its gradient per step.
        """
        metric = np.ones(self.size)
        if self.fit_intercept:
            metric[self.n_coef:] = (self.curvature * float(self.row_weights.sum())
                                    / self.lipschitz)
        return metric

    def intercept_at_zero(self):
        """Best intercept when ``W = 0`` (0 without intercept)."""
        raise NotImplementedError

    def zero_gradient(self):
        """Gradient with respect to ``vec(W)`` at ``W = 0`` and the best intercept there."""
        theta = np.zeros(self.size)
        if self.fit_intercept:
            theta[self.n_coef:] = self.intercept_at_zero()
        return self.gradient(theta)[:self.n_coef]


class BinaryLogistic(_LogisticLoss):
    r"""Binary logistic loss :math:`\frac1n \sum_i s_i \log(1 + e^{-\tilde y_i \eta_i})`.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, p)
    y : ndarray of shape (n,)
        Labels coded 0 / 1 (:math:`\tilde y = 2y - 1`).
    sample_weight : ndarray of shape (n,) or None
        Non-negative; rescaled to sum to ``n``.
    fit_intercept : bool
    """

    curvature = 0.25

    def __init__(self, X, y, sample_weight=None, fit_intercept=True):
        super().__init__(X, np.asarray(y, dtype=float)[:, None], 1, sample_weight, fit_intercept)

    def _ell(self, eta):
        # log(1 + e^eta) - y eta, computed without overflow
        return (np.logaddexp(0.0, eta) - self.target * eta)[:, 0]

    def _ell_derivative(self, eta):
        return expit(eta) - self.target

    def intercept_at_zero(self):
        mean = float(self.row_weights @ self.target[:, 0])
        mean = min(max(mean, 1e-300), 1.0 - 1e-16)
        return np.array([np.log(mean) - np.log1p(-mean)])


class MultinomialLogistic(_LogisticLoss):
    r"""Multinomial logistic loss :math:`\frac1n \sum_i s_i (\log\sum_c e^{\eta_{ic}} - \eta_{i y_i})`.

    Its Hessian is at most :math:`\tfrac12 I_K \otimes X^\top S X / n` (Böhning,
    1992), which gives the Lipschitz bound.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, p)
    y : ndarray of int, shape (n,)
        Class indices in ``0..n_classes-1``.
    n_classes : int
    sample_weight : ndarray of shape (n,) or None
    fit_intercept : bool
    """

    curvature = 0.5

    def __init__(self, X, y, n_classes, sample_weight=None, fit_intercept=True):
        onehot = np.zeros((X.shape[0], n_classes))
        onehot[np.arange(X.shape[0]), y] = 1.0
        super().__init__(X, onehot, n_classes, sample_weight, fit_intercept)

    def _ell(self, eta):
        return -np.sum(self.target * log_softmax(eta, axis=1), axis=1)

    def _ell_derivative(self, eta):
        return softmax(eta, axis=1) - self.target

    def intercept_at_zero(self):
        priors = np.maximum(self.row_weights @ self.target, 1e-300)
        log_priors = np.log(priors)
        return log_priors - log_priors.mean()


def _norm(v):
    """Euclidean norm without overflow: for X of scale 1e80, ``X^T X v`` has entries of 1e160."""
    largest = float(np.max(np.abs(v), initial=0.0))
    return largest * float(np.linalg.norm(v / largest)) if largest > 0 else 0.0


def _squared_operator_norm(X, row_weights, n_iter=30):
    """``||diag(sqrt(row_weights)) X||_2^2`` by power iteration on its Gram operator."""
    root = np.sqrt(row_weights)
    rng = np.random.default_rng(0)
    v = rng.standard_normal(X.shape[1])
    estimate = 0.0
    for _ in range(n_iter):
        v /= _norm(v) or 1.0
        r = root * (root * np.asarray(X @ v).ravel())
        w = np.asarray(X.T @ r).ravel()
        new = _norm(w)
        if abs(new - estimate) <= 1e-4 * new:
            estimate = new
            break
        estimate, v = new, w
    return max(estimate, 1e-300)

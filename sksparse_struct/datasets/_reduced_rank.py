"""Multi-output regression whose truth is low-rank and row-sparse."""

import numpy as np
from scipy.linalg import cholesky, toeplitz
from sklearn.utils import check_random_state

__all__ = ["make_sparse_reduced_rank_regression"]


def make_sparse_reduced_rank_regression(n_samples=100, n_features=50, n_targets=50, rank=3,
                                        n_informative=10, *, correlation=0.5, snr=1.0,
                                        random_state=None):
    r"""Sparse reduced-rank regression problem, as in Chen & Huang's (2012) simulations.

    The rows of X are :math:`N(0, \Sigma)` with :math:`\Sigma_{ij} = \rho^{|i-j|}`
    (:math:`\rho` = ``correlation``). The true coefficient matrix is
    :math:`C = B_0 A_0^\top` (n_features x n_targets), where the first
    ``n_informative`` rows of :math:`B_0` (n_features x rank) are standard
    normal and the others zero, and :math:`A_0` (n_targets x rank) has
    orthonormal columns (uniformly random). Then

    .. math::  Y = X C + E, \qquad E_{ik} \sim N(0, \sigma^2),
        \qquad \sigma = \frac{\|XC\|_F}{\mathrm{snr}\,\sqrt{n\, q}},

    so that ``snr`` is the ratio of the root mean square of the signal to
    the noise standard deviation in this sample.

    Parameters
    ----------
    n_samples, n_features, n_targets : int
    rank : int
        ``1 <= rank <= min(n_informative, n_targets)``.
    n_informative : int
        Number of non-zero rows of the truth, ``<= n_features``.
    correlation : float, default=0.5
        :math:`\rho` in (-1, 1).
    snr : float, default=1.0
        Signal-to-noise ratio, > 0.
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_targets)
    coef : ndarray of shape (n_targets, n_features)
        :math:`C^\top`, laid out like ``coef_`` of the estimators; the
        informative predictors are ``coef.any(axis=0)``.

    References
    ----------
    L. Chen and J. Z. Huang. "Sparse reduced-rank regression for simultaneous
    dimension reduction and variable selection", JASA, 107(500), 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct import make_sparse_reduced_rank_regression
    >>> X, Y, coef = make_sparse_reduced_rank_regression(random_state=0)
    >>> X.shape, Y.shape, int(coef.any(axis=0).sum()), int(np.linalg.matrix_rank(coef))
    ((100, 50), (100, 50), 10, 3)
    """
    if min(n_samples, n_features, n_targets) < 1:
        raise ValueError("n_samples, n_features and n_targets must be >= 1")
    if not 0 <= n_informative <= n_features:
        raise ValueError(
            f"n_informative must be in [0, n_features={n_features}], got {n_informative}")
    if not 1 <= rank <= min(n_informative, n_targets):
        raise ValueError(
            f"rank must be in [1, min(n_informative, n_targets)={min(n_informative, n_targets)}], "
            f"got {rank}"
        )
    if not -1 < correlation < 1:
        raise ValueError(f"correlation must be in (-1, 1), got {correlation}")
    if not snr > 0:
        raise ValueError(f"snr must be > 0, got {snr}")
    rng = check_random_state(random_state)
    gen = np.random.default_rng(rng.randint(2**31))
    root = cholesky(toeplitz(correlation ** np.arange(n_features)), lower=False)
    X = gen.standard_normal((n_samples, n_features)) @ root
    B0 = np.zeros((n_features, rank))
    B0[:n_informative] = gen.standard_normal((n_informative, rank))
    A0, _ = np.linalg.qr(gen.standard_normal((n_targets, rank)))
    C = B0 @ A0.T
    signal = X @ C
    sigma = np.linalg.norm(signal) / (snr * np.sqrt(n_samples * n_targets))
    Y = signal + sigma * gen.standard_normal((n_samples, n_targets))
    return X, Y, np.ascontiguousarray(C.T)

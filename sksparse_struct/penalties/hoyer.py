r"""Hoyer-square regularizers and per-neuron group proxes for weight matrices.

The Hoyer-square (HS) measure of a nonzero array :math:`W` with :math:`N`
entries is the squared ratio of its l1 and l2 norms,

.. math::

    HS(W) = \frac{\|W\|_1^2}{\|W\|_2^2} \in [1, N],

and its group version over groups :math:`W_g` (one per neuron: a column of a
weight matrix by default) is

.. math::

    GHS(W) = \frac{\big(\sum_g \|W_g\|_2\big)^2}{\sum_g \|W_g\|_2^2}
           = \frac{\big(\sum_g \|W_g\|_2\big)^2}{\|W\|_F^2} \in [1, G].

Both are homogeneous of degree 0 (``HS(cW) = HS(W)`` for every
:math:`c \neq 0`), differentiable wherever no entry (group) is zero, and
equal to 1 exactly when one entry (group) carries all the mass, so that
minimizing them drives entries (groups) to zero without shrinking the rest
(Yang, Wen & Li, 2020). The gradients are, with :math:`s = \|W\|_1` and
:math:`q = \|W\|_2^2`,

.. math::

    \nabla HS(W) = \frac{2s}{q}\Big(\mathrm{sign}(W) - \frac{s}{q} W\Big),
    \qquad
    \nabla GHS(W)_g = \frac{2S}{Q}\Big(\frac{W_g}{\|W_g\|_2} - \frac{S}{Q} W_g\Big),

with :math:`S = \sum_g \|W_g\|_2`, :math:`Q = \|W\|_F^2` and the subgradient
0 of :math:`\mathrm{sign}` and of :math:`W_g / \|W_g\|_2` at zero (the choice
of every automatic-differentiation framework). Degree-0 homogeneity gives
Euler's identity :math:`\langle W, \nabla HS(W) \rangle = 0`. At :math:`W = 0`
the ratio is undefined; the functions return the value 0 and the gradient 0
there, never NaN.

The per-neuron group lasso and sparse group lasso proxes
(Alvarez & Salzmann, 2016; Scardapane et al., 2017) are the package's
:class:`~sksparse_struct.penalties.SparseGroupL2` applied to a weight matrix
as a batch of columns: each column (the incoming weights of one neuron) is
one group.

References
----------
H. Yang, W. Wen and H. Li, "DeepHoyer: Learning sparser neural network with
differentiable scale-invariant sparsity measures", ICLR 2020.

J. M. Alvarez and M. Salzmann, "Learning the number of neurons in deep
networks", NIPS 2016.

S. Scardapane, D. Comminiello, A. Hussain and A. Uncini, "Group sparse
regularization for deep neural networks", Neurocomputing 241, 2017.
"""

import numpy as np

from .._structure import Groups
from .group import SparseGroupL2

__all__ = ["GroupHoyerSquare", "HoyerSquare", "group_hoyer_square", "group_hoyer_square_grad",
           "hoyer_square", "hoyer_square_grad", "neuron_group_penalty"]


def _l1_l2sq(W):
    W = np.asarray(W)
    return np.abs(W).sum(dtype=np.float64), np.vdot(W, W).real.astype(np.float64)


def hoyer_square(W):
    r"""Hoyer-square sparsity measure :math:`\|W\|_1^2 / \|W\|_2^2` of an array.

    Parameters
    ----------
    W : array-like of any shape
        All entries form one vector.

    Returns
    -------
    float
        In :math:`[1, W.size]` for a nonzero ``W``; 0 for ``W = 0``.

    See Also
    --------
    hoyer_square_grad : its value and gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import hoyer_square
    >>> hoyer_square([3.0, 0.0, 0.0]), hoyer_square([1.0, -1.0, 1.0, 1.0])
    (1.0, 4.0)
    """
    s, q = _l1_l2sq(W)
    return float(s * s / q) if q > 0 else 0.0


def hoyer_square_grad(W):
    r"""Value and gradient of :func:`hoyer_square`.

    Parameters
    ----------
    W : array-like of any shape

    Returns
    -------
    value : float
    grad : ndarray of the shape and (floating) dtype of ``W``
        :math:`\frac{2s}{q}(\mathrm{sign}(W) - \frac{s}{q}W)` with
        :math:`s = \|W\|_1`, :math:`q = \|W\|_2^2`; zero where ``W`` is zero
        entirely.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import hoyer_square_grad
    >>> value, grad = hoyer_square_grad(np.array([2.0, -1.0]))
    >>> round(value, 6), np.round(grad, 6).tolist()
    (1.8, [-0.24, -0.48])
    """
    W = np.asarray(W)
    if not np.issubdtype(W.dtype, np.floating):
        W = W.astype(np.float64)
    s, q = _l1_l2sq(W)
    if q == 0:
        return 0.0, np.zeros_like(W)
    ratio = s / q
    grad = np.sign(W)
    grad -= W.dtype.type(ratio) * W
    grad *= W.dtype.type(2.0 * ratio)
    return float(s * ratio), grad


def _group_norms(W, axis):
    """Euclidean norm of each group: ``axis`` is the axis the norm runs along."""
    return np.sqrt(np.sum(W * W, axis=axis, keepdims=True, dtype=np.float64))


def group_hoyer_square(W, axis=0):
    r"""Group Hoyer-square :math:`(\sum_g \|W_g\|_2)^2 / \|W\|_F^2` of a matrix.

    Parameters
    ----------
    W : array-like of shape (n_in, n_out)
    axis : int, default=0
        The axis each group norm runs along. With the ``coefs_`` layout of
        scikit-learn's networks (``W[i, j]`` joins input ``i`` to neuron
        ``j``), ``axis=0`` makes each column, the incoming weights of one
        neuron, a group; ``axis=1`` groups the rows (outgoing weights of one
        input).

    Returns
    -------
    float
        In :math:`[1, G]` (``G`` groups) for a nonzero ``W``; 0 for ``W = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import group_hoyer_square
    >>> W = np.array([[3.0, 0.0], [4.0, 0.0]])
    >>> group_hoyer_square(W), round(group_hoyer_square(W, axis=1), 6)
    (1.0, 1.96)
    """
    return group_hoyer_square_grad(W, axis=axis, gradient=False)[0]


def group_hoyer_square_grad(W, axis=0, *, gradient=True):
    r"""Value and gradient of :func:`group_hoyer_square`.

    Parameters
    ----------
    W : array-like of shape (n_in, n_out)
    axis : int, default=0
        See :func:`group_hoyer_square`.
    gradient : bool, default=True
        If False, the gradient is not computed (None is returned).

    Returns
    -------
    value : float
    grad : ndarray of the shape and (floating) dtype of ``W``, or None
        :math:`\frac{2S}{Q}(W_g / \|W_g\|_2 - \frac{S}{Q} W_g)` for each group;
        zero on zero groups.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import group_hoyer_square_grad
    >>> value, grad = group_hoyer_square_grad(np.array([[3.0, 1.0], [4.0, 0.0]]))
    >>> round(value, 6), abs(float(np.sum(grad * [[3.0, 1.0], [4.0, 0.0]]))) < 1e-12
    (1.384615, True)
    """
    W = np.asarray(W)
    if not np.issubdtype(W.dtype, np.floating):
        W = W.astype(np.float64)
    if W.ndim != 2:
        raise ValueError(f"group_hoyer_square expects a 2-d array, got {W.ndim} dimension(s)")
    norms = _group_norms(W, axis)
    S, Q = float(norms.sum()), float(np.sum(norms * norms))
    if Q == 0:
        return 0.0, (np.zeros_like(W) if gradient else None)
    ratio = S / Q
    if not gradient:
        return S * ratio, None
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(norms > 0, 1.0 / norms, 0.0).astype(W.dtype)
    grad = W * inv
    grad -= W.dtype.type(ratio) * W
    grad *= W.dtype.type(2.0 * ratio)
    return S * ratio, grad


class HoyerSquare:
    r"""The penalty :math:`h(W) = \alpha\, HS(W)` of the penalty protocol: value and gradient.

    Smooth almost everywhere and non-convex, it has no closed-form proximal
    operator, subdifferential distance or dual norm: it provides ``value``
    and ``gradient`` (a
    :class:`~sksparse_struct.penalties._base.SmoothPenalty`), and is used by
    gradient steps (:class:`~sksparse_struct.SparseMLPClassifier`).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import HoyerSquare
    >>> pen = HoyerSquare(0.5)
    >>> pen.value(np.array([1.0, -1.0, 1.0, 1.0])), pen.gradient(np.array([3.0, 0.0])).tolist()
    (2.0, [0.0, 0.0])
    """

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def value(self, W):
        r""":math:`\alpha\, HS(W)` (0 at ``W = 0``)."""
        return self.alpha * hoyer_square(W)

    def gradient(self, W):
        r""":math:`\alpha \nabla HS(W)`, of the shape and floating dtype of ``W``."""
        return self.value_and_gradient(W)[1]

    def value_and_gradient(self, W):
        """Both, from one pass over ``W``."""
        value, grad = hoyer_square_grad(W)
        grad *= grad.dtype.type(self.alpha)
        return self.alpha * value, grad


class GroupHoyerSquare:
    r"""The penalty :math:`h(W) = \alpha\, GHS(W)` of the penalty protocol: value and gradient.

    As :class:`HoyerSquare`, a
    :class:`~sksparse_struct.penalties._base.SmoothPenalty` (``value`` and
    ``gradient``; no prox, certificate or dual norm).

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, >= 0.
    axis : int, default=0
        See :func:`group_hoyer_square`: 0 makes each column (the incoming
        weights of one neuron) a group.

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import GroupHoyerSquare
    >>> GroupHoyerSquare(2.0).value(np.array([[3.0, 0.0], [4.0, 0.0]]))
    2.0
    """

    def __init__(self, alpha=1.0, axis=0):
        self.alpha = alpha
        self.axis = axis

    def value(self, W):
        r""":math:`\alpha\, GHS(W)` (0 at ``W = 0``)."""
        return self.alpha * group_hoyer_square(W, axis=self.axis)

    def gradient(self, W):
        r""":math:`\alpha \nabla GHS(W)`, of the shape and floating dtype of ``W``."""
        return self.value_and_gradient(W)[1]

    def value_and_gradient(self, W):
        """Both, from one pass over ``W``."""
        value, grad = group_hoyer_square_grad(W, axis=self.axis)
        grad *= grad.dtype.type(self.alpha)
        return self.alpha * value, grad


def neuron_group_penalty(n_in, alpha, *, l1_ratio=0.0, dtype=np.float64):
    r"""The (sparse) group lasso with one group per neuron, as a :class:`SparseGroupL2`.

    .. math::

        h(W) = \alpha\Big(\rho \|W\|_1
               + (1 - \rho) \sqrt{n_{in}} \sum_j \|W_{:, j}\|_2\Big)

    for a weight matrix ``W`` of shape (n_in, n_out) whose column ``j`` holds
    the incoming weights of neuron ``j``. Its ``prox(W, step)`` treats ``W``
    as ``n_out`` problems, one per column (the batch convention of the
    package's penalties), and its ``value(W)`` returns one value per neuron.

    Parameters
    ----------
    n_in : int
        Number of inputs of each neuron (the group size).
    alpha : float
        Penalty strength, >= 0.
    l1_ratio : float in [0, 1], default=0
        :math:`\rho`; 0 gives the group lasso, 1 the lasso.
    dtype : numpy dtype, default=float64
        Dtype of the weights, so that the prox of float32 weights stays float32.

    Returns
    -------
    SparseGroupL2

    Examples
    --------
    >>> import numpy as np
    >>> from sksparse_struct.penalties import neuron_group_penalty
    >>> W = np.array([[3.0, 0.1], [4.0, 0.1]])
    >>> penalty = neuron_group_penalty(2, alpha=1.0)
    >>> np.round(penalty.prox(W, 0.5 / np.sqrt(2)), 6).tolist()
    [[2.7, 0.0], [3.6, 0.0]]
    """
    dtype = np.dtype(dtype)
    groups = Groups(np.arange(n_in), np.array([0, n_in]), np.array([np.sqrt(n_in)]), n_in)
    l1 = dtype.type(alpha * l1_ratio)
    lam = np.array([alpha * (1.0 - l1_ratio) * np.sqrt(n_in)], dtype=dtype)
    return SparseGroupL2(l1, lam, groups)

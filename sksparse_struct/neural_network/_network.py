"""Numpy building blocks of the sparse networks: forward pass, Adam, penalties, compaction.

Weights follow scikit-learn's layout: ``coefs[l]`` has shape (n_in, n_out) and
``coefs[l][i, j]`` joins unit ``i`` of layer ``l`` to neuron ``j`` of layer
``l + 1``; column ``j`` is the incoming weights of neuron ``j`` (its group).
"""

import numpy as np
from scipy.special import expit

from ..penalties import WeightedL1, group_hoyer_square_grad, hoyer_square_grad
from ..penalties.hoyer import neuron_group_penalty

__all__ = ["Adam", "LayerPenalty", "compact_network", "forward", "glorot_init",
           "layer_penalties"]


def glorot_init(layer_sizes, rng, dtype):
    """Glorot-uniform weights and biases, with the bound scikit-learn uses for ReLU networks."""
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
        intercepts.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
    return coefs, intercepts


def output_activation(z, kind):
    """Apply the output activation to the logits ``z`` in place and return it."""
    if kind == "softmax":
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
    elif kind == "logistic":
        expit(z, out=z)
    return z


def forward(X, coefs, intercepts, *, out_activation="identity", keep=False):
    """Output of the ReLU network (after ``out_activation``); with ``keep``, every layer's.

    With ``keep=True`` returns ``(activations, logits)``: the inputs of every
    layer (``activations[0]`` is X) and the output before its activation.
    """
    activations = [X]
    a = X
    last = len(coefs) - 1
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        a = a @ W
        a += b
        if layer != last:
            np.maximum(a, 0, out=a)
            if keep:
                activations.append(a)
    if keep:
        return activations, a
    return output_activation(a, out_activation)


class Adam:
    """Adam (Kingma & Ba, 2015) on a list of arrays, updating them in place.

    ``mask`` (a list of boolean arrays or None per parameter) keeps pruned
    entries at zero.
    """

    def __init__(self, params, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def begin_step(self):
        """Advance the step counter; returns the bias-corrected learning rate."""
        self.t += 1
        return (self.learning_rate * np.sqrt(1.0 - self.beta_2 ** self.t)
                / (1.0 - self.beta_1 ** self.t))

    def update(self, i, param, grad, lr_t):
        """One Adam update of ``param`` (the ``i``-th parameter) with gradient ``grad``."""
        m, v = self.m[i], self.v[i]
        m *= self.beta_1
        m += (1.0 - self.beta_1) * grad
        grad *= grad
        v *= self.beta_2
        v += (1.0 - self.beta_2) * grad
        denom = np.sqrt(v)
        denom += self.epsilon
        np.divide(m, denom, out=denom)
        denom *= lr_t
        param -= denom


class LayerPenalty:
    """The penalty of one weight matrix: a smooth part (gradient) and a prox part.

    Parameters
    ----------
    kind : {"none", "l1", "group_lasso", "sparse_group_lasso", "hoyer_square",
            "group_hoyer_square"}
    alpha : float
    n_in : int
    grouped : bool
        Whether the layer's neurons form groups (hidden layers); the output
        layer's neurons cannot be removed, so group terms skip it.
    l1_ratio : float
    dtype : numpy dtype
    """

    def __init__(self, kind, alpha, n_in, grouped, l1_ratio, dtype):
        self.kind, self.alpha = kind, alpha
        self.smooth = None
        self.proximal = None
        if alpha == 0 or kind == "none":
            return
        if kind == "hoyer_square":
            self.smooth = hoyer_square_grad
        elif kind == "group_hoyer_square" and grouped:
            self.smooth = group_hoyer_square_grad
        elif kind == "l1":
            self.proximal = WeightedL1(np.dtype(dtype).type(alpha))
        elif kind == "group_lasso" and grouped:
            self.proximal = neuron_group_penalty(n_in, alpha, dtype=dtype)
        elif kind == "sparse_group_lasso":
            self.proximal = (neuron_group_penalty(n_in, alpha, l1_ratio=l1_ratio, dtype=dtype)
                             if grouped else WeightedL1(np.dtype(dtype).type(alpha * l1_ratio)))

    def value(self, W):
        """Penalty value, ``alpha`` included."""
        if self.smooth is not None:
            return self.alpha * self.smooth(W)[0]
        if self.proximal is not None:
            return float(np.sum(self.proximal.value(W)))
        return 0.0

    def add_gradient(self, W, grad):
        """Add ``alpha`` times the gradient of the smooth part to ``grad`` in place."""
        if self.smooth is not None:
            g = self.smooth(W)[1]
            g *= grad.dtype.type(self.alpha)
            grad += g

    def prox(self, W, step):
        """Proximal step of size ``step`` (returns a new array), or W when there is none."""
        if self.proximal is None:
            return W
        return self.proximal.prox(W, step).astype(W.dtype, copy=False)


def layer_penalties(kind, alpha, layer_sizes, l1_ratio, dtype):
    """One :class:`LayerPenalty` per weight matrix; the last one (output layer) is ungrouped."""
    last = len(layer_sizes) - 2
    return [LayerPenalty(kind, alpha, n_in, layer != last, l1_ratio, dtype)
            for layer, n_in in enumerate(layer_sizes[:-1])]


def compact_network(coefs, intercepts, *, placeholder=False):
    """The same function without its dead hidden neurons.

    A hidden neuron with no nonzero incoming weight outputs the constant
    ``relu(bias)``: its contribution is folded into the biases of the next
    layer and it is removed. A neuron with no nonzero outgoing weight into a
    surviving neuron contributes nothing and is removed. The result computes
    exactly the same function (up to rounding).

    Parameters
    ----------
    coefs, intercepts : lists of ndarray
    placeholder : bool, default=False
        When every neuron of a hidden layer is dead (the network is then a
        constant), keep one neuron in that layer with zero incoming and
        outgoing weights and a zero bias, so that every layer has at least
        one neuron (valid shapes for scikit-learn's networks and for
        ``hidden_layer_sizes``); it outputs 0 and changes nothing.

    Returns
    -------
    coefs, intercepts : lists of ndarray
        Copies, with the dead neurons' columns (incoming) and rows (outgoing)
        dropped.
    keep : list of ndarray of int
        For each hidden layer, the indices of its surviving neurons (empty
        for a layer with no surviving neuron, placeholder or not).
    """
    coefs = [W.copy() for W in coefs]
    intercepts = [b.copy() for b in intercepts]
    n_hidden = len(coefs) - 1
    alive = []
    # forward: constant neurons are folded into the next layer's biases
    for layer in range(n_hidden):
        W, b = coefs[layer], intercepts[layer]
        has_input = np.any(W != 0, axis=0)
        constant = np.flatnonzero(~has_input)
        if constant.size:
            value = np.maximum(b[constant], 0)
            intercepts[layer + 1] = intercepts[layer + 1] + value @ coefs[layer + 1][constant]
        alive.append(has_input)
        coefs[layer + 1] = np.where(has_input[:, None], coefs[layer + 1], 0)
    # backward: neurons that feed no surviving neuron are removed
    for layer in reversed(range(n_hidden)):
        feeds = np.any(coefs[layer + 1] != 0, axis=1)
        alive[layer] &= feeds
        coefs[layer] = np.where(alive[layer][None, :], coefs[layer], 0)
    keep = [np.flatnonzero(a) for a in alive]
    for layer, k in enumerate(keep):
        coefs[layer] = coefs[layer][:, k]
        intercepts[layer] = intercepts[layer][k]
        coefs[layer + 1] = coefs[layer + 1][k, :]
        if placeholder and k.size == 0:
            coefs[layer] = np.zeros((coefs[layer].shape[0], 1), coefs[layer].dtype)
            intercepts[layer] = np.zeros(1, intercepts[layer].dtype)
            coefs[layer + 1] = np.zeros((1, coefs[layer + 1].shape[1]), coefs[layer + 1].dtype)
    return ([np.ascontiguousarray(W) for W in coefs], [np.ascontiguousarray(b) for b in intercepts],
            keep)

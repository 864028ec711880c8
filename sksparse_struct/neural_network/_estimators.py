"""SparseMLPClassifier and SparseMLPRegressor: ReLU networks that prune themselves."""

import copy
import time
import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from ..solvers._threads import single_threaded_blas
from ._network import Adam, compact_network, forward, glorot_init, layer_penalties

__all__ = ["SparseMLPClassifier", "SparseMLPRegressor"]

#: ``penalty -> (alpha, prune_threshold)`` used when ``alpha`` / ``prune_threshold``
#: are "auto": chosen on MNIST with LeNet-300-100 and the default schedule
#: (docs/benchmarks.md), inputs scaled to [0, 1].
PENALTY_DEFAULTS = {
    "none": (0.0, 0.0),
    "l1": (0.1, 1e-2),
    "group_lasso": (0.045, 1e-2),
    "sparse_group_lasso": (0.05, 1e-2),
    "hoyer_square": (2e-4, 2e-2),
    "group_hoyer_square": (0.025, 1e-2),
}

#: ``penalty -> (fraction of max_iter trained without the penalty first, cosine decay of the
#: step during regularized training)`` used when ``warmup_epochs`` / ``regularized_decay``
#: are "auto" (docs/benchmarks.md); penalties not listed: ``(0, False)``
SCHEDULE_DEFAULTS = {
    "hoyer_square": (0.25, True),
}

_ELEMENTWISE = {"l1", "hoyer_square", "sparse_group_lasso"}
_GROUPED = {"group_lasso", "group_hoyer_square", "sparse_group_lasso"}


class _BaseSparseMLP(BaseEstimator):
    """Training, pruning, fine-tuning and compaction shared by both estimators."""

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "penalty": [StrOptions(set(PENALTY_DEFAULTS))],
        "alpha": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "prune_threshold": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "regularized_decay": ["boolean", StrOptions({"auto"})],
        "finetune_epochs": [Interval(Integral, 0, None, closed="left")],
        "finetune_decay": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "dtype": [StrOptions({"float32", "float64"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, hidden_layer_sizes=(300, 100), *, penalty="hoyer_square", alpha="auto",
                 l1_ratio=0.5, prune_threshold="auto", max_iter=40, warmup_epochs="auto",
                 regularized_decay="auto", finetune_epochs=20, finetune_decay=True,
                 batch_size=128, learning_rate_init=1e-3, tol=1e-4, n_iter_no_change=10,
                 early_stopping=False, validation_fraction=0.1, dtype="float32",
                 random_state=None, verbose=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.prune_threshold = prune_threshold
        self.max_iter = max_iter
        self.warmup_epochs = warmup_epochs
        self.regularized_decay = regularized_decay
        self.finetune_epochs = finetune_epochs
        self.finetune_decay = finetune_decay
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ parameters
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
        if not all(isinstance(s, Integral) and not isinstance(s, bool) for s in sizes) or \
                any(s < 1 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must be positive integers (one per hidden layer), got "
                f"{self.hidden_layer_sizes!r}")
        return [int(s) for s in sizes]

    def _effective_alpha(self):
        return PENALTY_DEFAULTS[self.penalty][0] if self.alpha == "auto" else float(self.alpha)

    def _effective_warmup(self):
        """Epochs without the penalty at the start of the ``max_iter`` (at most all of them)."""
        if self.warmup_epochs == "auto":
            fraction = SCHEDULE_DEFAULTS.get(self.penalty, (0.0, False))[0]
            return int(round(fraction * self.max_iter))
        return min(int(self.warmup_epochs), self.max_iter)

    def _effective_regularized_decay(self):
        if self.regularized_decay == "auto":
            return SCHEDULE_DEFAULTS.get(self.penalty, (0.0, False))[1]
        return bool(self.regularized_decay)

    def _effective_threshold(self):
        if self.prune_threshold == "auto":
            return PENALTY_DEFAULTS[self.penalty][1]
        return float(self.prune_threshold)

    # ------------------------------------------------------------------ data
    def _validate_input(self, X, y, reset):
        X, y = validate_data(self, X, y, reset=reset, dtype=[np.float64, np.float32],
                             multi_output=not self._is_classifier, y_numeric=False)
        return X.astype(self.dtype, copy=False), y

    def _check_X(self, X):
        # predictions are computed in the precision of X (float32 input: fast, float64: the
        # exact function of the float32 weights)
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=[np.float32, np.float64])

    # ------------------------------------------------------------------ training
    def _initialize(self, n_features, rng):
        self._layer_sizes = [n_features, *self._hidden_sizes(), self._n_outputs]
        self.coefs_, self.intercepts_ = glorot_init(self._layer_sizes, rng, self.dtype)
        self.n_layers_ = len(self._layer_sizes)
        self.n_outputs_ = self._n_outputs
        self.loss_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self.n_iter_ = 0
        self.t_ = 0
        self.masks_ = None

    def _batch_loss_and_delta(self, logits, target):
        """Mean data loss of a batch and its gradient with respect to the logits."""
        raise NotImplementedError

    def _epoch(self, X, target, rng, optimizer, penalties, masks):
        """One pass over the data in mini-batches; returns the mean data loss."""
        n = X.shape[0]
        batch = min(self.batch_size, n)
        order = rng.permutation(n)
        coefs, intercepts = self.coefs_, self.intercepts_
        n_layers = len(coefs)
        step = optimizer.learning_rate  # of the prox: Adam's step size (it may decay)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            activations, logits = forward(X[idx], coefs, intercepts, keep=True)
            loss, delta = self._batch_loss_and_delta(logits, target[idx])
            total += loss * idx.size
            lr_t = optimizer.begin_step()
            for layer in reversed(range(n_layers)):
                W = coefs[layer]
                grad_W = activations[layer].T @ delta
                grad_b = delta.sum(axis=0)
                if layer:
                    delta = delta @ W.T
                    delta *= activations[layer] > 0
                penalties[layer].add_gradient(W, grad_W)
                optimizer.update(2 * layer, W, grad_W, lr_t)
                optimizer.update(2 * layer + 1, intercepts[layer], grad_b, lr_t)
                if masks is not None:
                    W *= masks[layer]
                else:
                    new = penalties[layer].prox(W, step)
                    if new is not W:
                        coefs[layer] = W = new
        self.t_ += -(-n // batch)
        return total / n

    def _objective(self, data_loss, penalties):
        return data_loss + sum(p.value(W) for p, W in zip(penalties, self.coefs_))

    def _run_phase(self, name, n_epochs, X, target, validation, rng, penalties, masks,
                   decay=False):
        """Train for up to ``n_epochs``; returns True when stopped by the stopping rule.

        With ``decay``, Adam's step decays from ``learning_rate_init`` to 0 along a half
        cosine over the ``n_epochs``.
        """
        if n_epochs == 0:
            return True
        optimizer = Adam(self._parameters(), self.learning_rate_init)
        best, no_improvement, best_params = np.inf, 0, None
        use_validation = validation is not None and masks is not None
        for epoch in range(n_epochs):
            if decay:
                optimizer.learning_rate = (0.5 * self.learning_rate_init
                                           * (1 + np.cos(np.pi * epoch / n_epochs)))
            data_loss = self._epoch(X, target, rng, optimizer, penalties, masks)
            loss = self._objective(data_loss, penalties)
            self.loss_curve_.append(loss)
            self.n_iter_ += 1
            score = None
            if validation is not None:
                score = self._score_raw(*validation)
                self.validation_scores_.append(score)
            if self.verbose:
                val = "" if score is None else f", validation {self._score_name} = {score:.4f}"
                print(f"{name} epoch {epoch + 1}/{n_epochs}: loss = {loss:.6f}{val}, "
                      f"density = {self._density(self.coefs_)[0]:.4f}")
            # early stopping (validation score, best weights kept) only while fine-tuning:
            # during regularized training accuracy is traded for sparsity on purpose
            criterion = -score if use_validation else loss
            if criterion < best - self.tol:
                best, no_improvement = criterion, 0
                if use_validation:
                    best_params = [p.copy() for p in self._parameters()]
            else:
                no_improvement += 1
            if no_improvement >= self.n_iter_no_change:
                self._restore(best_params)
                return True
        self._restore(best_params)
        return False

    def _parameters(self):
        return [p for pair in zip(self.coefs_, self.intercepts_) for p in pair]

    def _restore(self, params):
        if params is None:
            return
        for layer in range(len(self.coefs_)):
            self.coefs_[layer][...] = params[2 * layer]
            self.intercepts_[layer][...] = params[2 * layer + 1]

    def _prune(self, threshold):
        """Masks of the weights kept after regularized training, applied to ``coefs_``."""
        masks = [W != 0 for W in self.coefs_]
        if self.penalty in _ELEMENTWISE:
            masks = [m & (np.abs(W) > threshold) for m, W in zip(masks, self.coefs_)]
        if self.penalty in _GROUPED:
            for layer in range(len(self.coefs_) - 1):
                dead = np.linalg.norm(self.coefs_[layer], axis=0) <= threshold
                masks[layer][:, dead] = False
                masks[layer + 1][dead, :] = False
        for W, m in zip(self.coefs_, masks):
            W *= m
        return masks

    @staticmethod
    def _density(coefs):
        nonzero = [int(np.count_nonzero(W)) for W in coefs]
        total = sum(W.size for W in coefs)
        return (sum(nonzero) / total if total else 0.0,
                [k / W.size if W.size else 0.0 for k, W in zip(nonzero, coefs)])

    def _set_structure_attributes(self):
        self.density_, self.layer_density_ = self._density(self.coefs_)
        self.n_neurons_ = [k.size for k in compact_network(self.coefs_, self.intercepts_)[2]]

    def _fit(self, X, y, incremental):
        first_call = not (incremental and hasattr(self, "coefs_"))
        X, y = self._validate_input(X, y, reset=first_call)
        target = self._encode_target(y, first_call)
        self._hidden_sizes()  # validates before any work
        rng = check_random_state(self.random_state) if first_call else self._rng
        if first_call:
            self._rng = rng
            self._initialize(X.shape[1], rng)
        alpha = self._effective_alpha()
        penalties = layer_penalties(self.penalty, alpha, self._layer_sizes, self.l1_ratio,
                                    self.dtype)
        start = time.perf_counter()
        if incremental:
            # after a full fit the mask stays fixed (fine-tuning); before, one regularized epoch
            masks = self.masks_ if getattr(self, "_pruned", False) else None
            optimizer = getattr(self, "_optimizer", None)
            if optimizer is None:
                optimizer = self._optimizer = Adam(self._parameters(), self.learning_rate_init)
            active = penalties if masks is None else layer_penalties(
                "none", 0.0, self._layer_sizes, self.l1_ratio, self.dtype)
            loss = self._epoch(X, target, rng, optimizer, active, masks)
            self.loss_curve_.append(self._objective(loss, active))
            self.n_iter_ += 1
            if masks is None:
                self.masks_ = [W != 0 for W in self.coefs_]
            self._set_structure_attributes()
            return self
        validation = None
        if self.early_stopping:
            X, X_val, target, t_val = self._validation_split(X, target, rng)
            validation = (X_val, t_val)
        none = layer_penalties("none", 0.0, self._layer_sizes, self.l1_ratio, self.dtype)
        warmup = self._effective_warmup()
        self._run_phase("warm-up", warmup, X, target, validation, rng, none, None)
        converged = self._run_phase("regularized", self.max_iter - warmup, X, target, validation,
                                    rng, penalties, None, self._effective_regularized_decay())
        self.masks_ = self._prune(self._effective_threshold())
        converged_ft = self._run_phase("fine-tuning", self.finetune_epochs, X, target,
                                       validation, rng, none, self.masks_, self.finetune_decay)
        self._pruned = True
        self.fit_time_ = time.perf_counter() - start
        self._set_structure_attributes()
        if not (converged and converged_ft):
            warnings.warn(
                f"{type(self).__name__}: the maximum number of epochs (max_iter={self.max_iter}"
                f", finetune_epochs={self.finetune_epochs}) was reached and the loss was still "
                "improving.", ConvergenceWarning)
        return self

    def _validation_split(self, X, target, rng):
        stratify = target if self._is_classifier and self._stratify_ok(target) else None
        X, X_val, target, t_val = train_test_split(
            X, target, test_size=self.validation_fraction, random_state=rng, stratify=stratify)
        if X.shape[0] < 1 or X_val.shape[0] < 1:
            raise ValueError("early_stopping needs at least one training and one validation "
                             f"sample; got {X.shape[0]} and {X_val.shape[0]} with "
                             f"validation_fraction={self.validation_fraction}")
        return X, X_val, target, t_val

    @staticmethod
    def _stratify_ok(target):
        return np.min(np.unique(target, return_counts=True)[1]) >= 2

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train with the penalty, prune, then fine-tune with the pruning mask fixed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) (or (n_samples, n_outputs) for regression)

        Returns
        -------
        self
        """
        for attr in ("_pruned", "_optimizer"):
            self.__dict__.pop(attr, None)
        with single_threaded_blas():
            return self._fit(X, y, incremental=False)

    # ------------------------------------------------------------------ inference
    def _raw_output(self, X):
        coefs = [W.astype(X.dtype, copy=False) for W in self.coefs_]
        intercepts = [b.astype(X.dtype, copy=False) for b in self.intercepts_]
        # one BLAS thread, as for training: on 2 shared cores, predicting the 10000 MNIST
        # test images took 64 ms (dense LeNet-300-100) and 17 ms (compact) with one thread,
        # 73 and 30 ms with two
        with single_threaded_blas():
            return forward(X, coefs, intercepts, out_activation=self._out_activation)

    def compact(self):
        """An equivalent fitted estimator without the dead neurons.

        Hidden neurons with no nonzero incoming weight are constants: their
        output is folded into the next layer's biases. Neurons with no nonzero
        outgoing weight do nothing. Both are removed (their columns in the
        incoming and rows in the outgoing weight matrix dropped), so the
        returned estimator computes the same predictions with smaller
        matrices; its ``hidden_layer_sizes`` is :attr:`n_neurons_`, except
        that a hidden layer with no surviving neuron (the network is then a
        constant, folded into the output biases) keeps one inert neuron
        (zero weights and bias) so that every layer has a valid size: its
        ``hidden_layer_sizes`` entry is 1 and its :attr:`n_neurons_` entry 0.

        Returns
        -------
        estimator
            A new fitted estimator of the same class.
        """
        check_is_fitted(self)
        coefs, intercepts, _ = compact_network(self.coefs_, self.intercepts_, placeholder=True)
        new = copy.deepcopy(self)
        new.hidden_layer_sizes = tuple(W.shape[1] for W in coefs[:-1])
        new.coefs_, new.intercepts_ = coefs, intercepts
        new.masks_ = [W != 0 for W in coefs]
        new._layer_sizes = [coefs[0].shape[0], *new.hidden_layer_sizes, self.n_outputs_]
        new.__dict__.pop("_optimizer", None)
        new._set_structure_attributes()
        return new

    def _sklearn_mlp(self, cls):
        est = cls(hidden_layer_sizes=tuple(W.shape[1] for W in self.coefs_[:-1]),
                  activation="relu", solver="adam", alpha=0.0, batch_size=self.batch_size,
                  learning_rate_init=self.learning_rate_init, max_iter=max(self.n_iter_, 1),
                  random_state=self.random_state)
        est.coefs_ = [W.copy() for W in self.coefs_]
        est.intercepts_ = [b.copy() for b in self.intercepts_]
        est.n_features_in_ = self.n_features_in_
        if hasattr(self, "feature_names_in_"):
            est.feature_names_in_ = self.feature_names_in_
        est.n_layers_ = len(self.coefs_) + 1
        est.n_outputs_ = self.n_outputs_
        est.out_activation_ = self._out_activation
        est.n_iter_ = self.n_iter_
        est.t_ = self.t_
        est.loss_curve_ = list(self.loss_curve_)
        est.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        est.best_loss_ = min(self.loss_curve_) if self.loss_curve_ else np.nan
        est.validation_scores_ = None
        est.best_validation_score_ = None
        return est

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


_PARAMETERS_DOC = r"""
    hidden_layer_sizes : int or sequence of int, default=(300, 100)
        Number of neurons of each hidden (ReLU) layer.
    penalty : str, default="hoyer_square"
        The sparsity regularizer :math:`P` (see the objective above): one of
        "hoyer_square", "group_hoyer_square", "l1", "group_lasso",
        "sparse_group_lasso" or "none".
    alpha : float >= 0 or "auto", default="auto"
        Strength of the penalty. "auto" takes the default of ``penalty``
        (tabled in the user guide; chosen for LeNet-300-100 on MNIST with
        inputs in [0, 1]; scale it with the data otherwise).
    l1_ratio : float in [0, 1], default=0.5
        :math:`\rho`, the l1 share of ``sparse_group_lasso``.
    prune_threshold : float >= 0 or "auto", default="auto"
        After regularized training, weights with :math:`|w| \le` threshold are
        pruned (``l1``, ``hoyer_square``, ``sparse_group_lasso``) and hidden
        neurons whose incoming weight norm :math:`\|W_{:, j}\|_2 \le`
        threshold are removed with their outgoing weights (``group_lasso``,
        ``group_hoyer_square``, ``sparse_group_lasso``). "auto" takes the
        default of ``penalty`` (user guide).
    max_iter : int, default=40
        Epochs of training before pruning: ``warmup_epochs`` without the
        penalty, then the rest with it (regularized training).
    warmup_epochs : int >= 0 or "auto", default="auto"
        How many of the ``max_iter`` epochs come first and without the
        penalty (a dense start, as from a pretrained network; at most
        ``max_iter``). "auto": a quarter of ``max_iter`` (10 of the default
        40) for ``hoyer_square``, 0 for the other penalties (user guide).
        Started from the random initialization, the scale-invariant
        Hoyer-square penalty picks the weights to keep before they carry
        information; after a dense start it keeps those that do. Not used
        by :meth:`partial_fit`.
    regularized_decay : bool or "auto", default="auto"
        Whether Adam's step (and the proximal step) decays during
        regularized training, from ``learning_rate_init`` to 0 along a half
        cosine over its ``max_iter - warmup_epochs`` epochs. "auto": True
        for ``hoyer_square``, False for the other penalties. Under a
        scale-invariant penalty the weights that stay keep growing at
        Adam's step size; the decay lets them settle before pruning.
    finetune_epochs : int, default=20
        Epochs of fine-tuning after pruning: no penalty, the pruned weights
        held at zero.
    finetune_decay : bool, default=True
        Whether the Adam step decays during fine-tuning, from
        ``learning_rate_init`` to 0 along a half cosine over
        ``finetune_epochs``.
    batch_size : int, default=128
        Mini-batch size (``min(batch_size, n_samples)`` is used).
    learning_rate_init : float, default=1e-3
        Adam's step size; also the step of the proximal operators.
    tol : float, default=1e-4
        A phase stops when its loss (or, with ``early_stopping`` while
        fine-tuning, the validation score) has not improved by ``tol`` for
        ``n_iter_no_change`` consecutive epochs.
    n_iter_no_change : int, default=10
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, report its
        score every epoch, and fine-tune until it stops improving, keeping
        the best weights.
    validation_fraction : float in (0, 1), default=0.1
    dtype : {"float32", "float64"}, default="float32"
        Precision of the weights and of the computations.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the shuffling and the validation split.
    verbose : bool, default=False
        Print, every epoch, the phase, the loss, the validation score (with
        ``early_stopping``) and the density of the weights."""

_ATTRIBUTES_DOC = r"""
    coefs_ : list of ndarray
        ``coefs_[l]`` of shape (n_units_l, n_units_{l+1}), pruned entries exactly 0.
    intercepts_ : list of ndarray
    masks_ : list of ndarray of bool
        The weights kept by pruning (``coefs_[l] != 0`` implies ``masks_[l]``).
    density_ : float
        Fraction of the weights (biases excluded) that are nonzero.
    layer_density_ : list of float
        The same fraction per weight matrix.
    n_neurons_ : list of int
        Surviving neurons per hidden layer: those with a nonzero incoming and
        a nonzero outgoing path (the sizes of :meth:`compact`).
    loss_curve_ : list of float
        Objective (data loss + penalty) after each epoch, every phase.
    validation_scores_ : list of float or None
        Validation score after each epoch when ``early_stopping``.
    n_iter_ : int
        Epochs run (every phase).
    t_ : int
        Optimizer steps (mini-batches) run.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
    fit_time_ : float
        Seconds spent by the last ``fit`` in training.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined only when X has feature names that are all strings."""

_NOTES_DOC = r"""
    Training has three stages. (1) ``max_iter`` epochs of Adam, the first
    ``warmup_epochs`` on the data loss alone, the others on the
    regularized objective: the Hoyer penalties are differentiable almost
    everywhere and enter the gradient; the lasso-type penalties are applied
    by their proximal operator (soft thresholding, per-neuron block
    shrinkage, :func:`sksparse_struct.penalties.neuron_group_penalty`) with
    step ``learning_rate_init`` after each update, so they create exact
    zeros. (2) Pruning with ``prune_threshold``. (3) ``finetune_epochs``
    epochs of Adam on the data loss alone, with the pruning mask fixed.
    Group terms act on hidden layers only (the outputs cannot be removed);
    ``hoyer_square`` and the l1 terms act on every layer.

    Inputs are not scaled: as for scikit-learn's networks, scale X first
    (pixels to [0, 1], or a StandardScaler).

    References
    ----------
    H. Yang, W. Wen and H. Li, "DeepHoyer: Learning sparser neural network
    with differentiable scale-invariant sparsity measures", ICLR 2020.

    J. M. Alvarez and M. Salzmann, "Learning the number of neurons in deep
    networks", NIPS 2016.

    S. Scardapane, D. Comminiello, A. Hussain and A. Uncini, "Group sparse
    regularization for deep neural networks", Neurocomputing 241, 2017."""

_OBJECTIVE_DOC = r"""
    .. math::

        \min_{W, b}\; LOSS + \alpha \sum_{l} P(W_l)

    over the weight matrices :math:`W_l` (shape :math:`n_{l} \times n_{l+1}`,
    column :math:`j` the incoming weights of neuron :math:`j`, one group
    :math:`g`) and biases :math:`b_l` of a ReLU network, with :math:`P` one of

    - ``l1``: :math:`\|W\|_1`;
    - ``group_lasso``: :math:`\sqrt{n_l} \sum_j \|W_{:,j}\|_2` (hidden layers);
    - ``sparse_group_lasso``: :math:`\rho \|W\|_1 + (1 - \rho) \sqrt{n_l}
      \sum_j \|W_{:,j}\|_2`;
    - ``hoyer_square``: :math:`\|W\|_1^2 / \|W\|_2^2`;
    - ``group_hoyer_square``: :math:`(\sum_j \|W_{:,j}\|_2)^2 / \|W\|_F^2`
      (hidden layers);
    - ``none``: 0."""


def _docstring(summary, loss, output, attributes, other, examples):
    """The docstring of one of the two estimators, from the shared sections."""
    return (f"""{summary}

    Minimizes {loss[0]} plus a sparsity penalty on each layer,
    """ + _OBJECTIVE_DOC.replace("LOSS", loss[1]) + f"""

    then prunes and fine-tunes (Notes). {output}

    Parameters
    ----------""" + _PARAMETERS_DOC + """

    Attributes
    ----------""" + attributes + _ATTRIBUTES_DOC + f"""

    See Also
    --------
    {other[0]} : the same for {other[1]}.
    sklearn.neural_network.{other[2]} : the dense network (:meth:`to_sklearn`).

    Notes
    -----""" + _NOTES_DOC + """

    Examples
    --------
""" + examples)


class SparseMLPClassifier(ClassifierMixin, _BaseSparseMLP):
    __doc__ = _docstring(
        "Multi-layer perceptron classifier that prunes its weights and neurons.",
        ("the mean cross-entropy", r"\frac{1}{n}\sum_i -\log p_{y_i}(x_i)"),
        "The output is a softmax (a logistic unit for two classes),\n    as in "
        "scikit-learn's MLPClassifier.",
        "\n    classes_ : ndarray of shape (n_classes,)",
        ("SparseMLPRegressor", "regression", "MLPClassifier"), r"""    >>> from sklearn.datasets import load_digits
    >>> from sksparse_struct import SparseMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = SparseMLPClassifier((100,), penalty="group_lasso", alpha=0.6,
    ...                           learning_rate_init=3e-3, max_iter=40,
    ...                           finetune_epochs=15, random_state=0)
    >>> clf = clf.fit(X[:1200] / 16, y[:1200])
    >>> bool(clf.score(X[1200:] / 16, y[1200:]) > 0.9), clf.n_neurons_[0] < 50
    (True, True)
    >>> small = clf.compact()  # the dead neurons removed: the same predictions
    >>> small.coefs_[0].shape == (64, clf.n_neurons_[0])
    True
    """)

    _is_classifier = True
    _score_name = "accuracy"

    def _encode_target(self, y, first_call):
        check_classification_targets(y)
        if first_call:
            self.classes_ = unique_labels(y) if not hasattr(self, "_partial_classes") \
                else self._partial_classes
            if self.classes_.size < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; got 1 class "
                    f"({self.classes_[0]!r}).")
            self._n_outputs = 1 if self.classes_.size == 2 else self.classes_.size
        index = np.searchsorted(self.classes_, y)
        if np.any(index >= self.classes_.size) or np.any(self.classes_[np.minimum(
                index, self.classes_.size - 1)] != y):
            raise ValueError(f"y contains labels not in classes {self.classes_.tolist()}")
        return index

    @property
    def _out_activation(self):
        return "logistic" if self.classes_.size == 2 else "softmax"

    def _validate_input(self, X, y, reset):
        X, y = super()._validate_input(X, y, reset)
        return X, column_or_1d(y, warn=True)

    def _batch_loss_and_delta(self, logits, target):
        n = logits.shape[0]
        if logits.shape[1] == 1:
            z = logits[:, 0]
            loss = float(np.mean(np.logaddexp(0, z) - target * z))
            delta = logits
            expit(z, out=z)
            z -= target
        else:
            z = logits
            z -= z.max(axis=1, keepdims=True)
            picked = z[np.arange(n), target]
            np.exp(z, out=z)
            total = z.sum(axis=1, keepdims=True)
            loss = float(np.mean(np.log(total[:, 0]) - picked))
            z /= total
            z[np.arange(n), target] -= 1
            delta = z
        delta /= n
        return loss, delta

    def _score_raw(self, X, target):
        return accuracy_score(target, self._predict_index(X))

    def _predict_index(self, X):
        out = self._raw_output(X)
        if out.shape[1] == 1:
            return (out[:, 0] > 0.5).astype(np.intp)
        return np.argmax(out, axis=1)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """One epoch of training on (X, y).

        Before :meth:`fit` (or on a fresh estimator) the epoch is regularized
        (no pruning); after :meth:`fit`, it fine-tunes the pruned network
        with the mask fixed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            All the classes; required on the first call.

        Returns
        -------
        self
        """
        if not hasattr(self, "coefs_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._partial_classes = unique_labels(classes)
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(f"classes={classes!r} is not the same as on the first call "
                             f"({self.classes_.tolist()}).")
        try:
            with single_threaded_blas():
                return self._fit(X, y, incremental=True)
        finally:
            self.__dict__.pop("_partial_classes", None)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        out = self._raw_output(self._check_X(X))
        if out.shape[1] == 1:
            out = np.hstack([1 - out, out])
        return out

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        index = self._predict_index(self._check_X(X))
        return self.classes_[index]

    def to_sklearn(self):
        """An sklearn MLPClassifier with these weights (same predictions).

        Returns
        -------
        sklearn.neural_network.MLPClassifier
            Its hidden layers have the sizes of ``coefs_``: call
            :meth:`compact` first for the smallest network.
        """
        from sklearn.neural_network import MLPClassifier

        check_is_fitted(self)
        est = self._sklearn_mlp(MLPClassifier)
        est._label_binarizer = LabelBinarizer().fit(self.classes_)
        est.classes_ = self.classes_
        return est


class SparseMLPRegressor(RegressorMixin, _BaseSparseMLP):
    __doc__ = _docstring(
        "Multi-layer perceptron regressor that prunes its weights and neurons.",
        ("half the mean squared error", r"\frac{1}{2n}\sum_i \|y_i - f(x_i)\|_2^2"),
        "The output layer is linear.", "",
        ("SparseMLPClassifier", "classification", "MLPRegressor"), r"""    >>> import numpy as np
    >>> from sksparse_struct import SparseMLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (400, 10))
    >>> y = np.abs(X[:, 0]) + X[:, 1]  # 8 of the 10 inputs are noise
    >>> reg = SparseMLPRegressor((32,), penalty="hoyer_square", alpha=1e-3,
    ...                          learning_rate_init=1e-2, max_iter=40,
    ...                          finetune_epochs=10, random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.9), reg.density_ < 0.5
    (True, True)
    """)

    _is_classifier = False
    _out_activation = "identity"
    _score_name = "R2"

    def _encode_target(self, y, first_call):
        y = np.asarray(y)
        if first_call:
            self._y_1d = y.ndim == 1
            self._n_outputs = 1 if y.ndim == 1 else y.shape[1]
        return (y.reshape(-1, 1) if y.ndim == 1 else y).astype(self.dtype, copy=False)

    def _batch_loss_and_delta(self, logits, target):
        n = logits.shape[0]
        logits -= target
        loss = 0.5 * float(np.vdot(logits, logits)) / n
        logits /= n
        return loss, logits

    def _score_raw(self, X, target):
        return r2_score(target, self._raw_output(X))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y):
        """One epoch of training on (X, y) (see :meth:`SparseMLPClassifier.partial_fit`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        with single_threaded_blas():
            return self._fit(X, y, incremental=True)

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        out = self._raw_output(self._check_X(X)).astype(np.float64, copy=False)
        return out[:, 0] if self._y_1d else out

    def to_sklearn(self):
        """An sklearn MLPRegressor with these weights (same predictions).

        Returns
        -------
        sklearn.neural_network.MLPRegressor
        """
        from sklearn.neural_network import MLPRegressor

        check_is_fitted(self)
        return self._sklearn_mlp(MLPRegressor)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

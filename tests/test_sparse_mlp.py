"""SparseMLPClassifier / SparseMLPRegressor: training, pruning, compaction, export, errors."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sksparse_struct import SparseMLPClassifier, SparseMLPRegressor, load_mnist
from sksparse_struct.neural_network._estimators import _BaseSparseMLP
from sksparse_struct.neural_network._network import compact_network

FAST = dict(max_iter=15, finetune_epochs=5, learning_rate_init=1e-2, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def _quiet_fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def test_group_lasso_removes_whole_neurons_and_keeps_accuracy(digits):
    X, y = digits
    clf = _quiet_fit(SparseMLPClassifier((100,), penalty="group_lasso", alpha=0.5, **FAST), X, y)
    dense = _quiet_fit(SparseMLPClassifier((100,), penalty="none", **FAST), X, y)
    assert clf.n_neurons_[0] < 60 and dense.n_neurons_ == [100]
    assert clf.score(X, y) > 0.95 and dense.density_ == 1.0
    # a removed neuron has no incoming and no outgoing weight, and stays so after fine-tuning
    dead = ~np.any(clf.coefs_[0] != 0, axis=0)
    assert dead.sum() == 100 - clf.n_neurons_[0]
    assert np.all(clf.coefs_[1][dead] == 0)
    for W, mask in zip(clf.coefs_, clf.masks_):
        assert np.all(W[~mask] == 0)
    assert clf.density_ == pytest.approx(
        sum(np.count_nonzero(W) for W in clf.coefs_) / sum(W.size for W in clf.coefs_))
    assert len(clf.layer_density_) == 2 and clf.layer_density_[0] < 0.6


@pytest.mark.parametrize("penalty", ["l1", "hoyer_square", "sparse_group_lasso"])
def test_elementwise_penalties_prune_weights(digits, penalty):
    X, y = digits
    clf = _quiet_fit(SparseMLPClassifier((64,), penalty=penalty, alpha=3e-3 if penalty
                                         == "hoyer_square" else 0.3, **FAST), X, y)
    assert clf.density_ < 0.5 and clf.score(X, y) > 0.9
    assert clf.coefs_[0].dtype == np.float32
    for W, mask, density in zip(clf.coefs_, clf.masks_, clf.layer_density_):
        assert np.all(W[~mask] == 0) and density == np.count_nonzero(W) / W.size


def test_compact_equals_pruned_network_in_float64(digits):
    X, y = digits
    clf = _quiet_fit(SparseMLPClassifier((60, 30), penalty="group_lasso", alpha=0.3,
                                         dtype="float64", **FAST), X, y)
    # make some neurons constants (no input but a positive bias) to exercise the folding
    clf.coefs_[0][:, :3] = 0
    clf.intercepts_[0][:3] = 0.5
    small = clf.compact()
    assert small.coefs_[0].shape[1] < 57 and list(small.hidden_layer_sizes) == small.n_neurons_
    assert sum(W.size for W in small.coefs_) < sum(W.size for W in clf.coefs_)
    np.testing.assert_allclose(small.predict_proba(X), clf.predict_proba(X), rtol=0,
                               atol=1e-10)
    np.testing.assert_array_equal(small.predict(X), clf.predict(X))
    assert small.compact().n_neurons_ == small.n_neurons_  # nothing left to remove


@pytest.mark.parametrize("dead_layer", [0, 1])
def test_compact_keeps_one_inert_neuron_in_a_layer_with_none_left(digits, dead_layer):
    X, y = digits
    clf = _quiet_fit(SparseMLPClassifier((20, 10), penalty="group_lasso", alpha=0.3,
                                         dtype="float64", **FAST), X, y)
    # every neuron of one hidden layer dead: the network is a constant, some biases positive
    clf.coefs_[dead_layer][...] = 0
    clf.intercepts_[dead_layer][:3] = 0.7
    clf._set_structure_attributes()
    assert clf.n_neurons_ == [0, 0]
    small = clf.compact()
    assert small.hidden_layer_sizes == (1, 1) and small.n_neurons_ == [0, 0]
    assert [W.shape for W in small.coefs_] == [(64, 1), (1, 1), (1, 10)]
    assert all(np.all(W == 0) for W in small.coefs_)
    np.testing.assert_allclose(small.predict_proba(X), clf.predict_proba(X), rtol=0, atol=1e-10)
    np.testing.assert_array_equal(small.predict(X), clf.predict(X))
    assert small.compact().hidden_layer_sizes == (1, 1)
    sk = small.to_sklearn()
    np.testing.assert_allclose(sk.predict_proba(X), clf.predict_proba(X), atol=1e-10)
    small.partial_fit(X, y)  # the compact estimator stays usable
    assert small.predict(X).shape == y.shape


def test_compact_network_by_hand():
    # 2 inputs -> 3 hidden -> 1 output; neuron 0 constant relu(2) = 2, neuron 2 feeds nothing
    W1 = np.array([[0.0, 1.0, 1.0], [0.0, -1.0, 2.0]])
    b1 = np.array([2.0, 0.0, 0.0])
    W2 = np.array([[3.0], [1.0], [0.0]])
    b2 = np.array([0.5])
    coefs, intercepts, keep = compact_network([W1, W2], [b1, b2])
    assert [k.tolist() for k in keep] == [[1]]
    np.testing.assert_array_equal(coefs[0], [[1.0], [-1.0]])
    np.testing.assert_array_equal(intercepts[1], [0.5 + 3.0 * 2.0])
    # nothing survives: no neuron, or one inert placeholder
    W1[:, 1:] = 0
    coefs, intercepts, keep = compact_network([W1, W2], [b1, b2])
    assert keep[0].size == 0 and coefs[0].shape == (2, 0) and coefs[1].shape == (0, 1)
    coefs, intercepts, keep = compact_network([W1, W2], [b1, b2], placeholder=True)
    assert keep[0].size == 0 and coefs[0].shape == (2, 1) and coefs[1].shape == (1, 1)
    assert not np.any(coefs[0]) and not np.any(intercepts[0]) and not np.any(coefs[1])
    np.testing.assert_array_equal(intercepts[1], [0.5 + 3.0 * 2.0])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_to_sklearn_predicts_the_same(digits, n_classes):
    X, y = digits
    keep = y < n_classes
    X, y = X[keep], y[keep]
    clf = _quiet_fit(SparseMLPClassifier((20, 10), penalty="group_lasso", alpha=0.3,
                                         dtype="float64", **FAST), X, y)
    sk = clf.compact().to_sklearn()
    assert isinstance(sk, MLPClassifier)
    np.testing.assert_allclose(sk.predict_proba(X), clf.predict_proba(X), atol=1e-10)
    np.testing.assert_array_equal(sk.predict(X), clf.predict(X))


def test_regressor_to_sklearn_and_compact():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 6))
    Y = np.c_[np.abs(X[:, 0]), X[:, 1] - X[:, 2]]
    reg = _quiet_fit(SparseMLPRegressor((30,), penalty="group_lasso", alpha=0.01,
                                        dtype="float64", **FAST), X, Y)
    assert reg.predict(X).shape == (300, 2) and reg.score(X, Y) > 0.8
    sk = reg.to_sklearn()
    assert isinstance(sk, MLPRegressor)
    np.testing.assert_allclose(sk.predict(X), reg.predict(X), atol=1e-10)
    np.testing.assert_allclose(reg.compact().predict(X), reg.predict(X), atol=1e-10)


def _objective(sk, X, y, alpha, penalty):
    from sksparse_struct.penalties import hoyer_square
    loss = log_loss(y, sk.predict_proba(X), labels=sk.classes_)
    if penalty == "hoyer_square":
        loss += alpha * sum(hoyer_square(W) for W in sk.coefs_)
    return loss


@pytest.mark.parametrize("penalty", ["none", "hoyer_square"])
def test_first_full_batch_adam_step_follows_the_true_gradient(penalty):
    # Adam's first step is -lr * g / (|g| + eps): the sign of the gradient of the objective,
    # computed here by finite differences of sklearn's log_loss on the exported network
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = rng.integers(0, 3, 40)
    alpha, lr = 0.01, 1e-4
    start = SparseMLPClassifier((4,), penalty=penalty, alpha=alpha, max_iter=0,
                                finetune_epochs=0, dtype="float64", random_state=1).fit(X, y)
    sk = start.to_sklearn()
    numeric = []
    for W in sk.coefs_:
        grad = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + 1e-6
            up = _objective(sk, X, y, alpha, penalty)
            W[idx] = old - 1e-6
            down = _objective(sk, X, y, alpha, penalty)
            W[idx] = old
            grad[idx] = (up - down) / 2e-6
        numeric.append(grad)
    stepped = SparseMLPClassifier((4,), penalty=penalty, alpha=alpha, max_iter=1,
                                  finetune_epochs=0, batch_size=40, learning_rate_init=lr,
                                  dtype="float64", prune_threshold=0.0, random_state=1)
    _quiet_fit(stepped, X, y)
    for before, after, grad in zip(start.coefs_, stepped.coefs_, numeric):
        sure = np.abs(grad) > 1e-5
        assert sure.sum() > 5
        np.testing.assert_allclose((after - before)[sure], -lr * np.sign(grad[sure]),
                                   rtol=1e-3)


@pytest.mark.parametrize("penalty, warmup, expected", [
    ("hoyer_square", 3, 3), ("hoyer_square", "auto", 2), ("hoyer_square", 20, 8),
    ("l1", "auto", 0), ("group_hoyer_square", "auto", 0), ("l1", 3, 3)])
def test_warmup_epochs_train_without_the_penalty_first(digits, penalty, warmup, expected):
    X, y = digits
    X, y = X[:300], y[:300]
    common = dict(finetune_epochs=2, learning_rate_init=1e-2, random_state=0)
    clf = _quiet_fit(SparseMLPClassifier((20,), penalty=penalty, alpha=0.05, max_iter=8,
                                         warmup_epochs=warmup, **common), X, y)
    dense = _quiet_fit(SparseMLPClassifier((20,), penalty="none", max_iter=8, **common), X, y)
    assert clf.n_iter_ == 10 and len(clf.loss_curve_) == 10
    # the warm-up epochs are those of the unpenalized network, the next one is not
    np.testing.assert_array_equal(clf.loss_curve_[:expected], dense.loss_curve_[:expected])
    if expected < 8:
        assert clf.loss_curve_[expected] != dense.loss_curve_[expected]


@pytest.mark.parametrize("penalty", ["l1", "hoyer_square"])
def test_regularized_decay_follows_a_half_cosine(digits, penalty, monkeypatch):
    X, y = digits
    X, y = X[:200], y[:200]
    seen = []
    original = _BaseSparseMLP._epoch

    def epoch(self, X, target, rng, optimizer, penalties, masks):
        if masks is None:
            seen[-1].append(optimizer.learning_rate)
        return original(self, X, target, rng, optimizer, penalties, masks)

    monkeypatch.setattr(_BaseSparseMLP, "_epoch", epoch)
    fits = {}
    for decay in (True, False, "auto"):
        seen.append([])
        fits[decay] = _quiet_fit(SparseMLPClassifier(
            (20,), penalty=penalty, alpha=1e-3, max_iter=6, warmup_epochs=2,
            regularized_decay=decay, finetune_epochs=1, learning_rate_init=1e-2,
            random_state=0), X, y)
    decayed, constant, auto = seen
    # warm-up at the full step, then 0.5 * lr * (1 + cos(pi * k / 4)) over the 4 regularized
    expected = [1e-2, 1e-2] + [0.5e-2 * (1 + np.cos(np.pi * k / 4)) for k in range(4)]
    np.testing.assert_allclose(decayed, expected, rtol=1e-12)
    assert constant == [1e-2] * 6
    assert auto == (decayed if penalty == "hoyer_square" else constant)
    assert fits[True].loss_curve_[:3] == fits[False].loss_curve_[:3]
    assert fits[True].loss_curve_[3] != fits[False].loss_curve_[3]


@pytest.mark.parametrize("params, match", [
    (dict(hidden_layer_sizes=(10, 0)), "hidden_layer_sizes"),
    (dict(hidden_layer_sizes=(10, -3)), "hidden_layer_sizes"),
    (dict(hidden_layer_sizes=(2.5,)), "hidden_layer_sizes"),
    (dict(alpha=-1.0), "alpha"),
    (dict(penalty="l0"), "penalty"),
    (dict(prune_threshold=-0.1), "prune_threshold"),
    (dict(warmup_epochs=-1), "warmup_epochs"),
    (dict(warmup_epochs="half"), "warmup_epochs"),
    (dict(regularized_decay="cosine"), "regularized_decay"),
])
def test_bad_parameters_raise_value_errors_naming_them(digits, params, match):
    X, y = digits
    with pytest.raises(ValueError, match=match):
        SparseMLPClassifier(**params, **FAST).fit(X[:50], y[:50])


def test_bad_data_raises(digits):
    X, y = digits
    X_bad = X[:50].copy()
    X_bad[3, 4] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SparseMLPClassifier(**FAST).fit(X_bad, y[:50])
    X_bad[3, 4] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SparseMLPRegressor(**FAST).fit(X_bad, y[:50].astype(float))
    with pytest.raises(ValueError, match="at least 2 classes"):
        SparseMLPClassifier(**FAST).fit(X[:50], np.zeros(50))


def test_convergence_warning_pipeline_grid_search_and_pickle(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        SparseMLPClassifier((16,), max_iter=2, finetune_epochs=1, random_state=0).fit(X, y)
    search = GridSearchCV(make_pipeline(StandardScaler(), SparseMLPClassifier(
        (16,), penalty="group_lasso", max_iter=10, finetune_epochs=2, learning_rate_init=1e-2,
        random_state=0)), {"sparsemlpclassifier__alpha": [1e-3, 10.0]}, cv=2)
    _quiet_fit(search, X[:400], y[:400])
    assert set(search.cv_results_["param_sparsemlpclassifier__alpha"]) == {1e-3, 10.0}
    best = search.best_estimator_[-1]
    assert best.alpha == 1e-3  # alpha = 10 removes every neuron: chance accuracy
    assert search.cv_results_["mean_test_score"].min() < 0.2
    restored = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))


def test_strong_group_penalty_removes_every_neuron(digits):
    X, y = digits
    clf = _quiet_fit(SparseMLPClassifier((16,), penalty="group_lasso", alpha=1.0, **FAST), X, y)
    assert clf.n_neurons_ == [0]
    small = clf.compact()  # one inert neuron keeps the shapes valid
    assert small.coefs_[0].shape == (64, 1) and small.hidden_layer_sizes == (1,)
    assert small.n_neurons_ == [0] and not np.any(small.coefs_[0])
    np.testing.assert_allclose(small.predict_proba(X[:5]), clf.predict_proba(X[:5]), atol=1e-6)


def test_verbose_reports_loss_validation_accuracy_and_density(digits, capsys):
    X, y = digits
    clf = _quiet_fit(SparseMLPClassifier((16,), penalty="l1", alpha=0.01, early_stopping=True,
                                         verbose=True, **FAST), X, y)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "epoch" in line]
    assert len(lines) == clf.n_iter_ == len(clf.loss_curve_) == len(clf.validation_scores_)
    assert "loss = " in lines[0] and "validation accuracy = " in lines[0]
    assert "density = " in lines[-1] and lines[-1].startswith("fine-tuning")


def test_partial_fit_trains_then_fine_tunes_with_fixed_mask(digits):
    X, y = digits
    clf = SparseMLPClassifier((32,), penalty="group_lasso", alpha=0.3, learning_rate_init=1e-2,
                              random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    for _ in range(5):
        clf.partial_fit(X, y, classes=np.arange(10))
    assert clf.loss_curve_[-1] < clf.loss_curve_[0] and clf.n_iter_ == 5
    _quiet_fit(clf, X, y)
    masks = [m.copy() for m in clf.masks_]
    clf.partial_fit(X, y)
    for W, m in zip(clf.coefs_, masks):
        assert np.all(W[~m] == 0)


def test_dtype_option_and_reproducibility(digits):
    X, y = digits
    a = _quiet_fit(SparseMLPClassifier((16,), dtype="float64", **FAST), X, y)
    b = _quiet_fit(SparseMLPClassifier((16,), dtype="float64", **FAST), X, y)
    assert a.coefs_[0].dtype == np.float64
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    c = _quiet_fit(SparseMLPClassifier((16,), **FAST), X.astype(np.float64), y)
    assert c.coefs_[0].dtype == np.float32


def test_load_mnist_and_a_small_pruned_network(linked_data_home, tmp_path):
    if not (linked_data_home / "mnist.npz").is_file():
        pytest.skip(f"mnist.npz not found in {linked_data_home}")
    mnist = load_mnist()
    assert mnist.X_train.shape == (60000, 784) and mnist.X_test.shape == (10000, 784)
    assert mnist.X_train.dtype == np.uint8
    # first labels and class counts from the description of the file (README_images.md)
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(mnist.y_test).tolist()[:3] == [980, 1135, 1032]
    with pytest.raises(FileNotFoundError, match="mnist.npz not found"):
        load_mnist(data_home=tmp_path)
    X, y = mnist.X_train[:3000] / 255.0, mnist.y_train[:3000]
    clf = _quiet_fit(SparseMLPClassifier((100,), penalty="group_lasso", alpha=0.5,
                                         learning_rate_init=3e-3, max_iter=10,
                                         finetune_epochs=5, random_state=0), X, y)
    assert clf.score(mnist.X_test[:2000] / 255.0, mnist.y_test[:2000]) > 0.85
    assert clf.n_neurons_[0] < 100 and clf.density_ < 0.5


@pytest.mark.slow  # reading the LZMA-compressed file takes several seconds
def test_load_fashion_mnist(linked_data_home):
    if not (linked_data_home / "fashion_mnist.npz").is_file():
        pytest.skip(f"fashion_mnist.npz not found in {linked_data_home}")
    from sksparse_struct import load_fashion_mnist
    data = load_fashion_mnist()
    assert data.y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert data.label_names[9] == "Ankle boot" and data.X_test.shape == (10000, 784)

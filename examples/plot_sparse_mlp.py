"""
===============================================
Sparse networks: accuracy against sparsity
===============================================

:class:`~sksparse_struct.SparseMLPClassifier` trains a ReLU network with a
sparsity penalty, prunes it and fine-tunes what is left. Which penalty gives
the sparsest network at a given accuracy? On the 8x8 digits bundled with
scikit-learn (no download), a 64-100-50-10 network is trained with the
element-wise penalties (l1 and the scale-invariant Hoyer-square) and the
neuron-level ones (group lasso, group Hoyer-square) over a range of
``alpha``, and each network is scored on held-out digits.

The left panel is the Pareto plot: test accuracy against the percentage of
weights left nonzero (log scale), one curve per penalty. The right panel
counts the parameters of the compact network (:meth:`compact`, dead neurons
removed): the group penalties remove whole neurons, so their networks are
also smaller and faster, not only sparse. The MNIST version of this
comparison (LeNet-300-100) is ``sksparse-struct benchmark pruning``, with
its results in docs/benchmarks.md.
"""

import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from sksparse_struct import SparseMLPClassifier  # noqa: E402

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.3,
                                                    stratify=y, random_state=0)
schedule = dict(hidden_layer_sizes=(100, 50), max_iter=40, finetune_epochs=15,
                learning_rate_init=3e-3, random_state=0)
alphas = {
    "l1": np.geomspace(0.03, 1.0, 5),
    "hoyer_square": np.geomspace(3e-4, 1e-2, 5),
    "group_lasso": np.geomspace(0.1, 0.7, 5),
    "group_hoyer_square": np.geomspace(0.01, 1.0, 5),
}

# %%
# Train every network and record its accuracy, density and compact size.
start = time.perf_counter()
rows = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    dense = SparseMLPClassifier(penalty="none", **schedule).fit(X_train, y_train)
    n_dense = sum(W.size for W in dense.coefs_)
    for penalty, grid in alphas.items():
        for alpha in grid:
            clf = SparseMLPClassifier(penalty=penalty, alpha=alpha, **schedule)
            clf.fit(X_train, y_train)
            compact = clf.compact()
            rows.append((penalty, alpha, clf.score(X_test, y_test), 100 * clf.density_,
                         clf.n_neurons_, sum(W.size for W in compact.coefs_)))
elapsed = time.perf_counter() - start

print(f"dense: accuracy {dense.score(X_test, y_test):.3f}, {n_dense} weights")
print(f"{'penalty':20s} {'alpha':>8s} {'accuracy':>8s} {'% nonzero':>9s} {'neurons':>10s} "
      f"{'compact weights':>15s}")
for penalty, alpha, acc, density, neurons, size in rows:
    print(f"{penalty:20s} {alpha:8.3g} {acc:8.3f} {density:9.2f} {str(neurons):>10s} {size:15d}")
print(f"{len(rows) + 1} networks trained in {elapsed:.1f} s")

# %%
# The Pareto plot, and the size of the compact networks.
fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
dense_acc = 100 * dense.score(X_test, y_test)
for penalty in alphas:
    # a network with every weight removed (chance accuracy) has no place on a log axis
    mine = sorted((r for r in rows if r[0] == penalty and r[3] > 0), key=lambda r: r[3])
    acc = [100 * r[2] for r in mine]
    axes[0].plot([r[3] for r in mine], acc, marker="o", label=penalty)
    axes[1].plot([100 * r[5] / n_dense for r in mine], acc, marker="o", label=penalty)
for ax in axes:
    ax.axhline(dense_acc, color="black", ls=":", label="dense network")
    ax.set_xscale("log")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(max(0, min(100 * r[2] for r in rows if r[3] > 0) - 2), 100)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
axes[0].set(xlabel="weights left nonzero (% of the dense network)",
            title="Accuracy against sparsity (digits, 64-100-50-10)")
axes[1].set(xlabel="weights of the compact network (% of the dense network)",
            title="Neuron removal: size of the compact network")
fig.tight_layout()
fig.savefig("plot_sparse_mlp.png", dpi=100)

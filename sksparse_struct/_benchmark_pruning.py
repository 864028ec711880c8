r"""The pruning benchmark behind ``sksparse-struct benchmark pruning``.

LeNet-300-100 (784-300-100-10 ReLU network) on MNIST (official split,
pixels divided by 255, float32): one
:class:`~sksparse_struct.SparseMLPClassifier` per penalty of
:data:`PENALTIES` with the defaults of the estimator (``alpha`` and
``prune_threshold`` "auto", the default schedule) and ``random_state=seed``;
``penalty="none"`` is the dense baseline. For each: test accuracy, % of the
weights nonzero, surviving neurons per hidden layer, multiply-adds per
prediction of the compact network (:meth:`compact`: dense matrices without
the dead neurons) and of its nonzero weights only, training time, and the
predict time of the 10000 test images by the compact network (best of
``repeats``), against that of the same network before compaction (the
dense baseline's shapes), the two interleaved.

Epoch speed, in one run: one epoch of every penalty against one epoch of
scikit-learn's MLPClassifier with the same layers, batch size (128), dtype
(float32) and solver (Adam, ``alpha=0``), interleaved, best of ``repeats``;
scikit-learn is timed both with the default BLAS threads and with one
thread, and the ratio is taken against the faster of the two.

``--sweep`` adds fits of ``l1`` and ``hoyer_square`` over :data:`SWEEP`
(alpha values), for the comparison at matched accuracy (accuracy against %
nonzero). ``--save PATH`` writes every result as JSON.
"""

import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._benchmark_linked import TextProgress, markdown_table
from .datasets import load_mnist
from .neural_network import SparseMLPClassifier
from .neural_network._estimators import PENALTY_DEFAULTS, SCHEDULE_DEFAULTS

__all__ = ["PENALTIES", "SWEEP", "run_benchmark"]

PENALTIES = ["none", "l1", "group_lasso", "sparse_group_lasso", "hoyer_square",
             "group_hoyer_square"]
LABELS = {"none": "dense baseline"}
#: extra alpha values of ``--sweep`` (the defaults are always in the table)
SWEEP = {"l1": [0.05, 0.2], "hoyer_square": [1e-4, 3e-4]}
LAYERS = (300, 100)


def _prepare(data):
    scale = np.float32(1 / 255)
    return (data.X_train.astype(np.float32) * scale, data.y_train,
            data.X_test.astype(np.float32) * scale, data.y_test)


def _best_time(func, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _best_times(funcs, repeats):
    """Best of ``repeats`` for each function, the calls interleaved (same machine load)."""
    best = [np.inf] * len(funcs)
    for _ in range(repeats):
        for i, func in enumerate(funcs):
            best[i] = min(best[i], _best_time(func, 1))
    return best


def measure_epoch_speed(X, y, penalties=PENALTIES, *, repeats=2, seed=0, progress=None):
    """Seconds per epoch: ours per penalty and scikit-learn's, interleaved in one run."""
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    def ours(penalty):
        return lambda: SparseMLPClassifier(LAYERS, penalty=penalty, max_iter=1,
                                           finetune_epochs=0, random_state=seed).fit(X, y)

    def sklearn(threads):
        def run():
            est = MLPClassifier(LAYERS, solver="adam", alpha=0.0, batch_size=128, max_iter=1,
                                random_state=seed)
            if threads is None:
                est.fit(X, y)
            else:
                with threadpool_limits(threads, user_api="blas"):
                    est.fit(X, y)
        return run

    jobs = [("sklearn", sklearn(None)), ("sklearn 1 thread", sklearn(1))]
    jobs += [(p, ours(p)) for p in penalties]
    times = {name: np.inf for name, _ in jobs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for r in range(repeats):
            for name, job in jobs:
                if progress:
                    progress(f"epoch speed {r + 1}/{repeats}: {name}")
                times[name] = min(times[name], _best_time(job, 1))
    return times


def _macs(coefs):
    return int(sum(W.size for W in coefs)), int(sum(np.count_nonzero(W) for W in coefs))


def fit_one(penalty, X, y, X_test, y_test, *, alpha="auto", seed=0, repeats=3, max_iter=None,
            finetune_epochs=None):
    """Fit one configuration and measure it; returns a dict of results."""
    params = {}
    if max_iter is not None:
        params["max_iter"] = max_iter
    if finetune_epochs is not None:
        params["finetune_epochs"] = finetune_epochs
    clf = SparseMLPClassifier(LAYERS, penalty=penalty, alpha=alpha, random_state=seed, **params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    fit_time = time.perf_counter() - start
    small = clf.compact()
    macs, macs_nonzero = _macs(small.coefs_)
    # the fitted network before compaction has the dense baseline's shapes and cost
    predict_time, predict_time_full = _best_times(
        [lambda: small.predict(X_test), lambda: clf.predict(X_test)], repeats)
    return dict(
        penalty=penalty, alpha=clf._effective_alpha(), threshold=clf._effective_threshold(),
        max_iter=clf.max_iter, warmup_epochs=clf._effective_warmup(),
        regularized_decay=clf._effective_regularized_decay(), finetune_epochs=clf.finetune_epochs,
        accuracy=float(clf.score(X_test, y_test)), density=clf.density_,
        layer_density=clf.layer_density_, neurons=clf.n_neurons_,
        macs=macs, macs_nonzero=macs_nonzero, fit_time=fit_time,
        predict_time=predict_time, predict_time_full=predict_time_full,
        compact_accuracy=float(small.score(X_test, y_test)))


def format_results(results):
    headers = ["penalty", "alpha", "test accuracy (%)", "nonzero weights (%)",
               "neurons (300, 100)", "multiply-adds: compact / nonzero", "training (s)",
               "predict 10k, compact (ms)", "predict speed-up vs dense"]
    rows = []
    for r in results:
        row = [LABELS.get(r["penalty"], r["penalty"]), f"{r['alpha']:g}",
               f"{100 * r['accuracy']:.2f}", f"{100 * r['density']:.2f}",
               ", ".join(map(str, r["neurons"])), f"{r['macs']:,} / {r['macs_nonzero']:,}",
               f"{r['fit_time']:.0f}", f"{1000 * r['predict_time']:.1f}",
               f"{r['predict_time_full'] / r['predict_time']:.1f}x"]
        rows.append(row)
    return markdown_table(headers, rows)


def format_speed(times):
    reference = min(times["sklearn"], times["sklearn 1 thread"])
    rows = [[name, f"{t:.2f}", f"{t / reference:.2f}"] for name, t in times.items()]
    return markdown_table(["one epoch of", "seconds", "ratio to sklearn (faster setting)"], rows)


def _status(ok):
    return "met" if ok else "MISSED"


def targets(results, times=None):
    """Lines comparing the results with the targets of the estimator."""
    by = {r["penalty"]: r for r in results if r.get("default", True)}
    lines = []
    dense = by.get("none")
    hs, l1 = by.get("hoyer_square"), by.get("l1")
    if hs:
        ok = hs["accuracy"] >= 0.98 and hs["density"] <= 0.02
        lines.append(f"- hoyer_square >= 98.0% at <= 2% nonzero: {100 * hs['accuracy']:.2f}% at "
                     f"{100 * hs['density']:.2f}% nonzero: {_status(ok)}")
    if hs and l1:
        ok = hs["density"] < l1["density"] and hs["accuracy"] >= l1["accuracy"] - 0.001
        lines.append(f"- hoyer_square sparser than l1 at (within 0.1 point of) its accuracy: "
                     f"{100 * hs['density']:.2f}% vs {100 * l1['density']:.2f}% nonzero, "
                     f"{100 * hs['accuracy']:.2f}% vs {100 * l1['accuracy']:.2f}%: {_status(ok)}")
    if dense:
        for name in ("group_lasso", "group_hoyer_square"):
            r = by.get(name)
            if not r:
                continue
            removed = 1 - r["macs"] / dense["macs"]
            loss = 100 * (dense["accuracy"] - r["accuracy"])
            ok = removed >= 0.8 and loss <= 0.5
            lines.append(f"- {name} removes >= 80% of the parameters by removing neurons at "
                         f"<= 0.5 point loss: {100 * removed:.1f}% removed, {loss:+.2f} points: "
                         f"{_status(ok)}")
        group = [by[n] for n in ("group_lasso", "group_hoyer_square") if n in by]
        if group:
            fastest = max(group, key=lambda r: r["predict_time_full"] / r["predict_time"])
            speedup = fastest["predict_time_full"] / fastest["predict_time"]
            lines.append(f"- compact network predicts >= 3x faster than the dense one: "
                         f"{speedup:.1f}x ({fastest['penalty']}): {_status(speedup >= 3)}")
    if times:
        reference = min(times["sklearn"], times["sklearn 1 thread"])
        worst = max((t / reference, name) for name, t in times.items()
                    if not name.startswith("sklearn") and name != "none")
        lines.append(f"- an epoch with a penalty <= 1.2x sklearn's MLPClassifier: worst "
                     f"{worst[0]:.2f}x ({worst[1]}): {_status(worst[0] <= 1.2)}")
    if not results:
        return "\n".join(lines)
    slowest = max(results, key=lambda r: r["fit_time"])
    lines.append(f"- every configuration trains in <= 10 minutes: slowest "
                 f"{slowest['fit_time']:.0f} s ({slowest['penalty']}): "
                 f"{_status(slowest['fit_time'] <= 600)}")
    return "\n".join(lines)


def run_benchmark(penalties=PENALTIES, *, data_home=None, speed=True, fits=True, sweep=False,
                  repeats=3, seed=0, max_iter=None, finetune_epochs=None, save=None, out=None,
                  err=None, progress=True, prog="benchmark"):
    """Run the benchmark and print its tables; returns the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        X, y, X_test, y_test = _prepare(load_mnist(data_home=data_home))
    except (FileNotFoundError, ValueError) as exc:
        print(f"{prog}: error: {exc}", file=err)
        return 2

    def say(text=""):
        print(text, file=out, flush=True)

    jobs = [(p, "auto") for p in penalties] if fits else []
    if sweep and fits:
        jobs += [(p, a) for p, alphas in SWEEP.items() for a in alphas]
    n_steps = len(jobs) + (1 if speed else 0)
    bar = TextProgress(n_steps, err, unit="steps") if progress else None
    done = 0
    times = None
    if speed:
        if bar:
            bar.update(0, "epoch speed")
        times = measure_epoch_speed(X, y, penalties, repeats=repeats, seed=seed,
                                    progress=(lambda label: bar.update(0, label)) if bar else None)
        done += 1
        say("Seconds per epoch of LeNet-300-100 on the 60000 MNIST training images (batch 128, "
            f"float32, Adam), best of {repeats}, interleaved in one run:\n")
        say(format_speed(times))
        say()
    if not jobs:
        if times:
            say("Target:\n")
            say(targets([], times))
        return 0
    schedule = SparseMLPClassifier()
    say(f"LeNet-300-100 on MNIST, defaults of SparseMLPClassifier((300, 100), penalty=...): "
        f"max_iter={max_iter or schedule.max_iter} epochs before pruning, finetune_epochs="
        f"{finetune_epochs if finetune_epochs is not None else schedule.finetune_epochs}, "
        f"batch {schedule.batch_size}, Adam lr {schedule.learning_rate_init}, float32, "
        f"random_state={seed}; alpha and prune_threshold from PENALTY_DEFAULTS "
        f"{ {p: PENALTY_DEFAULTS[p] for p in penalties} }; (warm-up share of max_iter, cosine "
        f"decay while regularized) from SCHEDULE_DEFAULTS "
        f"{ {p: SCHEDULE_DEFAULTS[p] for p in penalties if p in SCHEDULE_DEFAULTS} } "
        f"(other penalties: no warm-up, constant step).\n")
    results = []
    for penalty, alpha in jobs:
        if bar:
            bar.update(done, f"{penalty} alpha={alpha}")
        r = fit_one(penalty, X, y, X_test, y_test, alpha=alpha, seed=seed, repeats=repeats,
                    max_iter=max_iter, finetune_epochs=finetune_epochs)
        r["default"] = alpha == "auto"
        results.append(r)
        done += 1
        if bar:
            bar.update(done, f"{penalty}: {100 * r['accuracy']:.2f}%, "
                             f"{100 * r['density']:.2f}% nonzero")
    say(format_results([r for r in results if r["default"]]))
    if sweep:
        say("\nAccuracy against sparsity (matched-accuracy comparison; defaults and sweep):\n")
        say(format_results(sorted(results, key=lambda r: (r["penalty"], r["alpha"]))))
    say("\nTargets:\n")
    say(targets(results, times))
    if save:
        with open(save, "w") as handle:
            json.dump({"results": results, "epoch_seconds": times}, handle, indent=1)
        say(f"\nResults saved to {save}")
    return 0

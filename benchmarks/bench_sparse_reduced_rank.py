"""Benchmark of SparseReducedRankRegression: statistical accuracy and speed.

Two measurements, both printed as Markdown tables from a single run:

1. Accuracy over ``--replications`` simulated data sets (default 100), the
   classic design of Chen & Huang (2012): ``make_sparse_reduced_rank_regression``
   with n=100, p=50 (10 informative), q=50, rank 3, correlation 0.5, snr 1.
   Each replication draws 2n samples from one truth: the first n train, the
   other n are a validation set. For every penalty, alpha is chosen on the
   validation mean squared prediction error over a grid of fractions of
   ``reduced_rank_alpha_max`` (the group-lasso value for "lq", which has
   none); the truth is only used to score the chosen model: relative error
   ``||C_hat - C||_F / ||C||_F``, false positives and false negatives among
   the selected predictors. The rank is the true one (3) for every model.
   Reduced-rank regression (alpha = 0) is the unpenalized reference.

2. Speed against the common Python approach: the same alternation with
   sklearn's ``MultiTaskLasso`` (warm-started, Fortran-ordered centred X,
   ``copy_X=False``) as the B-step and an SVD as the A-step, both started at
   the reduced-rank fit, group lasso penalty, ``alpha = alpha_max / 10``.
   Objective ``1/(2n) ||Y_c - X_c B A^T||_F^2 + alpha sum_j ||B_j||``, scored
   from each solution. Method as in ``bench_group_graph_lasso.py``:
     a. f* = the smaller objective of the two run at tol=1e-8 (our tol: the
        relative objective decrease; the peer uses it for its outer loop and
        as MultiTaskLasso's tol);
     b. for each, the loosest tol in 1e-2, ..., 1e-8 whose objective is within
        1e-6 (relative) of f*;
     c. ``--repeats`` timed fits at those tolerances, interleaved; medians.
   The setup (everything before the first iteration: for us the Gram form of
   the data and the reduced-rank fit, for the peer ``lstsq`` and an SVD) is
   timed separately, so the table also gives the ratio of the iterations alone.
   Sizes: the default simulation, and n=5000, p=1000 (20 informative), q=200, rank 5.

Run ``python benchmarks/bench_sparse_reduced_rank.py`` (about 10 minutes on
2 cores) or with ``--quick`` for a smoke check.
"""

import argparse
import statistics
import time

import numpy as np

from _common import add_common_arguments, apply_blas_threads, print_environment, print_table
from sksparse_struct import (
    SparseReducedRankRegression,
    make_sparse_reduced_rank_regression,
    reduced_rank_alpha_max,
)
from sksparse_struct._benchmark_speed import fit_ours_rrr, fit_peer_rrr, rel, rrr_objective, \
    setup_peer_rrr
from sksparse_struct.reduced_rank._problem import ReducedRankProblem

PENALTIES = ["group_lasso", "adaptive_group_lasso", "mcp", "scad", "log", "lq"]
ALPHA_FRACTIONS = np.geomspace(1.0, 1e-3, 30)
TOL_GRID = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]
REFERENCE_TOL = 1e-8
EQUAL_OBJECTIVE_RTOL = 1e-6


# ---------------------------------------------------------------- 1. accuracy


def one_replication(seed, n, rank):
    X, Y, coef = make_sparse_reduced_rank_regression(n_samples=2 * n, rank=rank, random_state=seed)
    Xtr, Ytr, Xva, Yva = X[:n], Y[:n], X[n:], Y[n:]
    truth = coef.any(axis=0)
    results = {}

    def score(model):
        sel = model.support_
        return {"error": np.linalg.norm(model.coef_ - coef) / np.linalg.norm(coef),
                "fp": int(np.sum(sel & ~truth)), "fn": int(np.sum(~sel & truth)),
                "alpha_fraction": None}

    results["reduced-rank (alpha=0)"] = score(
        SparseReducedRankRegression(rank=rank, alpha=0.0).fit(Xtr, Ytr))
    amax_gl = reduced_rank_alpha_max(Xtr, Ytr)
    for penalty in PENALTIES:
        amax = amax_gl if penalty == "lq" else reduced_rank_alpha_max(
            Xtr, Ytr, penalty=penalty, rank=rank)
        best = None
        for frac in ALPHA_FRACTIONS:
            model = SparseReducedRankRegression(rank=rank, alpha=frac * amax, penalty=penalty)
            model.fit(Xtr, Ytr)
            val = np.mean((model.predict(Xva) - Yva) ** 2)
            if best is None or val < best[0]:
                best = (val, frac, model)
        results[penalty] = {**score(best[2]), "alpha_fraction": best[1]}
    return results


def bench_accuracy(args):
    n, rank = 100, 3
    per_model = {}
    start = time.perf_counter()
    for r in range(args.replications):
        for name, res in one_replication(args.seed + r, n, rank).items():
            per_model.setdefault(name, []).append(res)
    elapsed = time.perf_counter() - start
    gl = per_model["group_lasso"]
    rows = []
    for name, res in per_model.items():
        err = np.array([x["error"] for x in res])
        fp = np.array([x["fp"] for x in res])
        fn = np.array([x["fn"] for x in res])
        wins = np.mean(err < np.array([x["error"] for x in gl]))
        fracs = [x["alpha_fraction"] for x in res if x["alpha_fraction"] is not None]
        sem = err.std(ddof=1) / np.sqrt(err.size) if err.size > 1 else 0.0
        rows.append([name, f"{err.mean():.3f} ({sem:.3f})", f"{np.median(err):.3f}",
                     f"{fp.mean():.2f}", f"{fn.mean():.2f}",
                     f"{np.mean((fp == 0) & (fn == 0)):.2f}",
                     "" if name == "group_lasso" else f"{wins:.2f}",
                     f"{np.median(fracs):.3g}" if fracs else ""])
    return rows, elapsed


# ---------------------------------------------------------------- 2. speed


objective = rrr_objective


def fit_ours(X, Y, rank, alpha, tol):
    return fit_ours_rrr(X, Y, rank, alpha, tol)


def setup_ours(X, Y, rank):
    """Our work before the first iteration: Gram form of the data and reduced-rank fit."""
    start = time.perf_counter()
    problem = ReducedRankProblem.build(X, Y, random_state=np.random.RandomState(0))
    problem.reduced_rank_fit(rank)
    return time.perf_counter() - start


def setup_peer(X, Y, rank):
    """The peer's reduced-rank start: least squares and an SVD of the fitted values."""
    return setup_peer_rrr(X, Y, rank)


def timed_setup_peer(X, Y, rank):
    start = time.perf_counter()
    setup_peer(X, Y, rank)
    return time.perf_counter() - start


def fit_peer(X, Y, rank, alpha, tol):
    """Alternating minimization with MultiTaskLasso as the B-step (the common approach)."""
    return fit_peer_rrr(X, Y, rank, alpha, tol)


def bench_speed(n, p, q, rank, n_informative, args):
    X, Y, _ = make_sparse_reduced_rank_regression(n, p, q, rank, n_informative,
                                                  random_state=args.seed)
    Xc, Yc = X - X.mean(axis=0), Y - Y.mean(axis=0)
    alpha = reduced_rank_alpha_max(X, Y) / 10

    def run(fit):
        def at(tol):
            seconds, B, A = fit(X, Y, rank, alpha, tol)
            return seconds, objective(Xc, Yc, B, A, alpha)
        return at

    solvers = {"SparseReducedRankRegression": run(fit_ours),
               "alternating + MultiTaskLasso": run(fit_peer)}
    reference = {name: fit(REFERENCE_TOL) for name, fit in solvers.items()}
    f_star = min(f for _, f in reference.values())
    print(f"  n={n} p={p} q={q} rank={rank}: alpha={alpha:.6g}, f*={f_star:.12f}; at tol=1e-8: "
          + ", ".join(f"{name} {rel(f, f_star):+.1e} ({s:.2f} s)"
                      for name, (s, f) in reference.items()), flush=True)
    chosen = {}
    for name, fit in solvers.items():
        chosen[name] = None
        for tol in TOL_GRID:
            seconds, f = fit(tol)
            if rel(f, f_star) <= EQUAL_OBJECTIVE_RTOL:
                chosen[name] = tol
                break
    setups = {"SparseReducedRankRegression": setup_ours,
              "alternating + MultiTaskLasso": timed_setup_peer}
    times, setup_times, gaps = {name: [] for name in solvers}, {name: [] for name in solvers}, {}
    order = list(solvers)
    for r in range(args.repeats):
        for name in (order if r % 2 == 0 else order[::-1]):
            setup_times[name].append(setups[name](X, Y, rank))
            if chosen[name] is None:
                continue
            seconds, f = solvers[name](chosen[name])
            times[name].append(seconds)
            gaps[name] = rel(f, f_star)
    medians = {name: statistics.median(t) for name, t in times.items() if t}
    setup = {name: statistics.median(t) for name, t in setup_times.items()}
    rows = []
    for name in solvers:
        if chosen[name] is None:
            rows.append([name, n, p, q, rank, "not reached", "", "", "", "", ""])
            continue
        ratio = ratio_iter = ""
        if name == "SparseReducedRankRegression" and len(medians) == 2:
            peer = "alternating + MultiTaskLasso"
            ratio = f"{medians[peer] / medians[name]:.1f}"
            iterations = {k: medians[k] - setup[k] for k in (peer, name)}
            # medians of separate runs: when the setup takes (nearly) all the time the
            # difference is noise, not a duration
            if min(iterations[k] / medians[k] for k in iterations) < 0.05:
                ratio_iter = "n/a (setup is ~all)"
            else:
                ratio_iter = f"{iterations[peer] / iterations[name]:.1f}"
        rows.append([name, n, p, q, rank, f"{chosen[name]:g}", f"{gaps[name]:+.1e}",
                     f"{medians[name]:.4f}", f"{setup[name]:.4f}", ratio, ratio_iter])
    return rows


# ---------------------------------------------------------------- output


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.replications = min(args.replications, 3)
    return args


def main():
    args = parse_args()
    apply_blas_threads(args)
    print_environment(args, [], f"replications: {args.replications}")
    if not args.skip_accuracy:
        print(f"1. Accuracy over {args.replications} replications (n=100, p=50 with 10 "
              "informative, q=50, rank 3, rho=0.5, snr=1; alpha tuned on a validation set "
              "of 100)", flush=True)
        rows, elapsed = bench_accuracy(args)
        print_table(["model", "rel. error mean (s.e.)", "median", "FP", "FN", "exact support",
                     "beats group lasso", "alpha / alpha_max (median)"], rows)
        print(f"  ({elapsed:.0f} s)\n")
    if not args.skip_speed:
        sizes = [(100, 50, 50, 3, 10)] + ([(1000, 200, 40, 5, 20)] if args.quick
                                          else [(5000, 1000, 200, 5, 20)])
        print("2. Group lasso at equal objective (within "
              f"{EQUAL_OBJECTIVE_RTOL:g} of f*) against alternating + MultiTaskLasso", flush=True)
        rows = []
        for size in sizes:
            rows += bench_speed(*size, args)
        print()
        print_table(["solver", "n", "p", "q", "rank", "tol", "rel. gap to f*", "median time [s]",
                     "of which setup [s]", "peer / ours", "peer / ours after setup"], rows)


if __name__ == "__main__":
    main()

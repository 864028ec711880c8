"""Benchmark of GroupGraphLasso against cvxpy (Clarabel) and skglm.

Two measurements, both printed as tables from a single run:

1. Group + graph lasso against cvxpy.
   Data from ``make_group_graph_regression(n, p, n_groups, k)`` (groups of 10
   contiguous features, a chain inside each group plus random links between
   neighbouring groups), ``alpha = alpha_max / 10`` with ``alpha_max`` from
   ``group_graph_alpha_max`` on the same structure. The same objective

       1/(2n) ||y - X w - b||^2 + alpha (sum_g sqrt(|g|) ||w_g|| + sum_(j,k) |w_j - w_k|)

   is solved by our ADMM (median of ``--repeats`` fits, at the default
   ``tol=1e-4`` and at ``tol=1e-6``) and by cvxpy with ``solver=CLARABEL``,
   once with a vectorized cvxpy model written here (cvxpy's compile time and
   Clarabel's solve time reported separately) and once through the
   package's own reference path ``GroupGraphLasso(solver="cvxpy")``. Each
   solution is scored with the objective above at the model's own
   ``(coef_, intercept_)``; the relative difference is taken against the
   vectorized cvxpy solution.

2. Group lasso (no graph term) against ``skglm.GroupLasso`` at equal objective.
   skglm minimizes ``1/(2n) ||y - X w - b||^2 + alpha sum_g weights_g ||w_g||``;
   with ``weights_g = sqrt(|g|)`` this is our objective with ``graph=None``.
   Both fit an unpenalized intercept (skglm updates it as an extra coordinate,
   we profile it out; both are scored at their own ``(coef_, intercept_)``).
   ``alpha = alpha_max / 10`` (exact group-lasso alpha_max).
   Method:
     a. reference optimum f* = the smaller objective of the two solvers run at
        ``tol=1e-10``;
     b. for each solver, the loosest tol in 1e-2, 1e-3, ..., 1e-10 whose fit
        is within 1e-6 (relative) of f*;
     c. at those tolerances, ``--repeats`` timed fits, interleaved between
        the solvers (alternating which one goes first) so that machine noise
        hits both; the medians give the ratio skglm_time / our_time
        (> 1 means we are faster).
   skglm is JIT-compiled by numba: one small fit warms it up before any timing
   (and one small fit warms up ours, for symmetry).

Data layout: each library gets the layout it prefers, prepared outside the
timers (skglm: Fortran-ordered X, which it would otherwise convert to; ours:
the C-ordered array from the generator).

Run ``python benchmarks/bench_group_graph_lasso.py`` (3-6 minutes on 2 cores,
most of it in cvxpy) or with ``--quick`` for a smoke check on small sizes.
On a machine whose cores are busy with other work, multithreaded BLAS can make
every timing erratic; ``--blas-threads 1`` limits it (for both libraries).
"""

import argparse
import os
import statistics
import time

import numpy as np

from _common import add_common_arguments, apply_blas_threads, print_environment, print_table
from sksparse_struct import (
    GroupGraphLasso,
    group_graph_alpha_max,
    make_group_graph_regression,
)
from sksparse_struct._benchmark_speed import fit_ours_linear, linear_objective, rel, \
    scan_tolerance, solve_cvxpy, time_interleaved
from sksparse_struct._benchmark_speed import fit_skglm as _fit_skglm

REFERENCE_TOL = 1e-10
EQUAL_OBJECTIVE_RTOL = 1e-6
GROUP_SIZE = 10
OURS, SKGLM = "GroupGraphLasso", "skglm GroupLasso"


# ---------------------------------------------------------------- problem setup


def make_problem(n, p, n_informative, seed):
    """Generated data plus the structure in the forms each solver takes."""
    n_groups = p // GROUP_SIZE
    X, y, _, labels, graph = make_group_graph_regression(
        n, p, n_groups, n_informative, random_state=seed)
    # the vectorized cvxpy model and the objective below reshape w into (n_groups, size)
    contiguous = np.all(np.diff(labels) >= 0)
    assert contiguous and np.all(np.bincount(labels) == GROUP_SIZE), "need equal contiguous groups"
    edges = np.array(list(graph.edges()), dtype=np.intp)
    return dict(X=X, y=y, labels=labels, graph=graph, edges=edges, n_groups=n_groups)


def objective(prob, w, b, alpha, with_graph):
    """The benchmarked objective at (w, b), computed independently of every solver."""
    return linear_objective(prob, w, b, alpha, with_graph)


# ---------------------------------------------------------------- solvers


def fit_ours(prob, alpha, tol, with_graph):
    """One timed fit of GroupGraphLasso; returns (seconds, model, converged)."""
    return fit_ours_linear(prob, alpha, tol, with_graph, fit_intercept=True)


def fit_skglm(prob, X_fortran, alpha, tol):
    """One timed fit of skglm.GroupLasso; returns (seconds, model, converged)."""
    return _fit_skglm(X_fortran, prob["y"], prob["n_groups"], alpha, tol, fit_intercept=True)


def warm_up():
    """Compile skglm's numba kernels (and touch our code paths) on a tiny problem."""
    prob = make_problem(50, 100, 2, seed=0)
    fit_ours(prob, 0.1, 1e-4, with_graph=False)
    try:
        fit_skglm(prob, np.asfortranarray(prob["X"]), 0.1, 1e-4)
    except ImportError:
        pass


def solve_cvxpy_vectorized(prob, alpha):
    """The group + graph objective as a vectorized cvxpy model, solved by Clarabel.

    Returns (w, b, compile_seconds, clarabel_seconds, total_seconds).
    """
    total, w, b, problem = solve_cvxpy(prob, alpha, fit_intercept=True)
    return w, b, problem.compilation_time, problem.solver_stats.solve_time, total


def fit_estimator_cvxpy(prob, alpha):
    """GroupGraphLasso(solver="cvxpy"): the package's own cvxpy reference path."""
    model = GroupGraphLasso(alpha, groups=prob["labels"], graph=prob["graph"], solver="cvxpy")
    start = time.perf_counter()
    model.fit(prob["X"], prob["y"])
    return time.perf_counter() - start, model


# ---------------------------------------------------------------- benchmarks


def bench_cvxpy(n, p, args):
    """Table rows for the group + graph lasso: ours against cvxpy/Clarabel."""
    prob = make_problem(n, p, args.n_informative, args.seed)
    start = time.perf_counter()
    alpha_max = group_graph_alpha_max(prob["X"], prob["y"], groups=prob["labels"],
                                      graph=prob["graph"])
    print(f"  n={n} p={p}: alpha_max={alpha_max:.6g} (group_graph_alpha_max took "
          f"{time.perf_counter() - start:.1f} s), alpha=alpha_max/10", flush=True)
    alpha = alpha_max / 10

    w_cp, b_cp, t_compile, t_clarabel, t_cp = solve_cvxpy_vectorized(prob, alpha)
    f_cp = objective(prob, w_cp, b_cp, alpha, with_graph=True)
    print(f"  cvxpy vectorized: {t_cp:.1f} s", flush=True)

    rows, ours_seconds = [], {}
    for tol in (1e-4, 1e-6):
        fits = [fit_ours(prob, alpha, tol, with_graph=True) for _ in range(args.repeats)]
        seconds = ours_seconds[tol] = statistics.median(f[0] for f in fits)
        model = fits[-1][1]
        f_ours = objective(prob, model.coef_, model.intercept_, alpha, with_graph=True)
        # sanity check: the script's objective is the estimator's own
        assert abs(rel(f_ours, model.convergence_["objective"])) < 1e-10
        rows.append([f"GroupGraphLasso admm tol={tol:g}", n, p, f"{seconds:.3f}", "", "",
                     str(model.n_iter_), f"{f_ours:.10f}", f"{rel(f_ours, f_cp):+.1e}",
                     f"{t_cp / seconds:.0f}x", f"{t_clarabel / seconds:.0f}x"])
    rows.append(["cvxpy+Clarabel (vectorized model)", n, p, f"{t_cp:.2f}", f"{t_compile:.2f}",
                 f"{t_clarabel:.2f}", "", f"{f_cp:.10f}", "ref", "", ""])
    if not args.skip_estimator_cvxpy:
        t_est, model = fit_estimator_cvxpy(prob, alpha)
        f_est = objective(prob, model.coef_, model.intercept_, alpha, with_graph=True)
        rows.append(["GroupGraphLasso(solver='cvxpy')", n, p, f"{t_est:.2f}", "", "", "",
                     f"{f_est:.10f}", f"{rel(f_est, f_cp):+.1e}",
                     f"{t_est / ours_seconds[1e-4]:.0f}x", ""])
    return rows


def bench_skglm(n, p, args):
    """Rows for the group lasso at equal objective, plus the tolerance scans."""
    prob = make_problem(n, p, args.n_informative, args.seed)
    X_fortran = np.asfortranarray(prob["X"])
    alpha = group_graph_alpha_max(prob["X"], prob["y"], groups=prob["labels"]) / 10

    def ours(tol):
        seconds, model, converged = fit_ours(prob, alpha, tol, with_graph=False)
        f = objective(prob, model.coef_, model.intercept_, alpha, False)
        return seconds, f, converged, model.n_iter_

    def skglm(tol):
        seconds, model, converged = fit_skglm(prob, X_fortran, alpha, tol)
        f = objective(prob, model.coef_, model.intercept_, alpha, False)
        # skglm's n_iter_ is always max_iter (the length of its objective buffer)
        return seconds, f, converged, "-"

    solvers = {OURS: ours, SKGLM: skglm}
    reference = {name: fit(REFERENCE_TOL) for name, fit in solvers.items()}
    f_star = min(f for _, f, _, _ in reference.values())
    print(f"  n={n} p={p}: alpha={alpha:.6g}, f*={f_star:.12f}; at tol={REFERENCE_TOL:g}: "
          + ", ".join(f"{name} {rel(f, f_star):+.1e} ({s:.2f} s{'' if c else ', not converged'})"
                      for name, (s, f, c, _) in reference.items()), flush=True)

    chosen, traces = {}, {}
    for name, fit in solvers.items():
        chosen[name], traces[name] = scan_tolerance(lambda tol: fit(tol)[:3], f_star)
    times, last = time_interleaved(solvers, chosen, args.repeats)

    medians = {name: statistics.median(t) for name, t in times.items() if t}
    rows = []
    for name in solvers:
        if chosen[name] is None:
            rows.append([name, n, p, "not reached", "", "", "", "", ""])
            continue
        t, (f, n_iter) = times[name], last[name]
        ratio = (f"{medians[SKGLM] / medians[OURS]:.2f}"
                 if name == OURS and len(medians) == 2 else "")
        rows.append([name, n, p, f"{chosen[name]:g}", f"{rel(f, f_star):+.1e}", str(n_iter),
                     f"{medians[name]:.3f}", f"{min(t):.3f}-{max(t):.3f}", ratio])
    return rows, traces


# ---------------------------------------------------------------- output


def print_traces(size, traces):
    for name, trace in traces.items():
        steps = "; ".join(f"{tol:g}: {gap:+.1e} ({s:.2f} s{'' if c else ', nc'})"
                          for tol, s, gap, c in trace)
        print(f"  n={size[0]} p={size[1]} {name}: {steps}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--n-informative", type=int, default=5, help="groups in the true support")
    parser.add_argument("--skip-cvxpy", action="store_true", help="skip the cvxpy comparison")
    parser.add_argument("--skip-estimator-cvxpy", action="store_true",
                        help="skip timing GroupGraphLasso(solver='cvxpy') (1-2 min at full size)")
    parser.add_argument("--skip-skglm", action="store_true", help="skip the skglm comparison")
    return parser.parse_args()


def main():
    args = parse_args()
    apply_blas_threads(args)
    cvxpy_size = (200, 1000) if args.quick else (1000, 5000)
    skglm_sizes = [(200, 1000), (400, 4000)] if args.quick else [(1000, 5000), (2000, 20000)]
    print_environment(args, ["cvxpy", "clarabel", "skglm", "numba"],
                      f"informative groups: {args.n_informative}")
    warm_up()

    if not args.skip_cvxpy:
        print("1. Group + graph lasso against cvxpy (Clarabel)", flush=True)
        rows = bench_cvxpy(*cvxpy_size, args)
        print()
        print_table(["solver", "n", "p", "time [s]", "compile [s]", "Clarabel [s]", "iters",
                     "objective", "rel. diff vs cvxpy", "cvxpy total / ours",
                     "Clarabel only / ours"], rows)

    if not args.skip_skglm:
        print("2. Group lasso (graph=None) against skglm at equal objective "
              f"(within {EQUAL_OBJECTIVE_RTOL:g} of f*)", flush=True)
        rows, all_traces = [], []
        for size in skglm_sizes:
            size_rows, traces = bench_skglm(*size, args)
            rows += size_rows
            all_traces.append((size, traces))
        print("\n  tolerance scans (tol: relative gap to f*, time of that single fit):")
        for size, traces in all_traces:
            print_traces(size, traces)
        print()
        print_table(["solver", "n", "p", "tol", "rel. gap to f*", "iters", "median [s]",
                     "min-max [s]", "skglm / ours"], rows)
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

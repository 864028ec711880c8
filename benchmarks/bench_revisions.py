"""Fit times of two revisions of the package on the same problems, interleaved in one run.

Answers "did a change make any fit slower?": every problem is fitted by both
revisions at equal objective, each in its own worker process that imports
its own copy of the package (``git archive`` of each revision into a
temporary folder), the two alternating which goes first.

Problems: the cells of the speed grid (``sksparse_struct._benchmark_speed``,
the same data, alpha and intercept per cell, ``--size`` and ``--family`` as
there) and, with ``--doc-cells``, the fits of the GroupGraphLasso and
SparseReducedRankRegression speed tables of docs/benchmarks.md (n=1000,
p=5000 with a graph; n=1000, p=5000 and n=2000, p=20000 groups only; the
reduced-rank cells at n=100, p=50, q=50 and n=5000, p=1000, q=200).

Method, per problem: ``f*`` is the smaller objective of the two revisions at
a tight ``tol`` (1e-10 for the group lasso, 1e-8 with a graph and for the
reduced-rank fits); for each revision the loosest ``tol`` of the speed
grid's scan (1, 5, 2 per decade) whose objective is within 1e-6 (relative) of ``f*`` is kept, then ``--repeats``
fits at that ``tol`` are timed per revision, interleaved. The ratio is the
new median over the base median (> 1: the new revision is slower). The
objective is computed here, from the returned coefficients, never by either
revision. Problems whose ratio exceeds ``--threshold`` are timed again with
``--confirm-repeats`` fits per side, and both medians are printed.

Run ``python benchmarks/bench_revisions.py --base 705d4d1`` (the new side is
HEAD unless ``--new`` says otherwise; uncommitted changes are not measured).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import warnings

import numpy as np
import scipy.sparse as sp

from _common import add_common_arguments, print_environment, print_table
from sksparse_struct import _benchmark_speed as grid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIGHT_TOL = {"graph": 1e-8, "group": 1e-10, "rrr": 1e-8}

# The worker: imports the package from the folder given on its command line (the
# editable install of the checkout must not shadow it) and fits what it is sent.
WORKER = textwrap.dedent('''
    import json, sys, time, warnings
    root = sys.argv[1]
    sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, root)
    import networkx as nx
    import numpy as np
    import scipy.sparse as sp
    import sksparse_struct
    from sksparse_struct import GroupGraphLasso, SparseReducedRankRegression
    assert sksparse_struct.__file__.startswith(root), sksparse_struct.__file__
    data = {}

    def load(path):
        if path not in data:
            with np.load(path, allow_pickle=False) as f:
                d = dict(f)
            if "X_data" in d:
                d["X"] = sp.csr_matrix((d["X_data"], d["X_indices"], d["X_indptr"]),
                                       shape=tuple(d["X_shape"]))
            if "edges" in d:
                g = nx.Graph()
                g.add_nodes_from(range(d["X"].shape[1]))
                g.add_edges_from(map(tuple, d["edges"]))
                d["graph"] = g
            data[path] = d
        return data[path]

    print(json.dumps({"ready": sksparse_struct.__file__}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        d = load(job["data"])
        if job["family"] == "rrr":
            model = SparseReducedRankRegression(rank=job["rank"], alpha=job["alpha"],
                                                tol=job["tol"], max_iter=job["max_iter"],
                                                fit_intercept=job["fit_intercept"])
        else:
            model = GroupGraphLasso(job["alpha"], groups=d["labels"],
                                    graph=d["graph"] if job["family"] == "graph" else None,
                                    fit_intercept=job["fit_intercept"], tol=job["tol"],
                                    max_iter=job["max_iter"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            model.fit(d["X"], d["y"])
            seconds = time.perf_counter() - start
        if job["family"] == "rrr":
            out = {"B": model.B_.tolist(), "A": model.A_.tolist()}
        else:
            out = {"coef": model.coef_.tolist(), "intercept": float(model.intercept_)}
        out["seconds"] = seconds
        print(json.dumps(out), flush=True)
''')


class Worker:
    """A process that fits with the package of one folder."""

    def __init__(self, script, root):
        self.proc = subprocess.Popen([sys.executable, script, root], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self.module = json.loads(self.proc.stdout.readline())["ready"]

    def fit(self, **job):
        self.proc.stdin.write(json.dumps(job) + "\n")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker for {self.module} stopped")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def export(revision, into):
    """The package sources of ``revision`` in the folder ``into``; returns its full hash."""
    commit = subprocess.run(["git", "rev-parse", revision], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    os.makedirs(into)
    archive = subprocess.run(["git", "archive", commit, "sksparse_struct"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return commit


def save_data(path, data):
    arrays = {"y": data["y"]}
    X = data["X"]
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        arrays.update(X_data=X.data, X_indices=X.indices, X_indptr=X.indptr,
                      X_shape=np.array(X.shape))
    else:
        arrays["X"] = np.asarray(X)
    if "labels" in data:
        arrays["labels"] = data["labels"]
        arrays["edges"] = data["edges"]
    np.savez(path, **arrays)


def objective_of(problem, result):
    data, alpha = problem["data"], problem["alpha"]
    if problem["family"] == "rrr":
        return grid.rrr_objective(problem["Xc"], problem["Yc"], np.array(result["B"]),
                                  np.array(result["A"]), alpha)
    return grid.linear_objective(data, np.array(result["coef"]), result["intercept"], alpha,
                                 problem["family"] == "graph")


def compare(problem, workers, repeats, confirm_repeats, threshold):
    """Equal-objective medians of both revisions on one problem (method in the module doc)."""
    family = problem["family"]
    job = dict(family=family, data=problem["path"], alpha=problem["alpha"],
               fit_intercept=problem["fit_intercept"], rank=problem.get("rank", grid.RRR_RANK),
               max_iter=grid.MAX_ITER_RRR if family == "rrr" else grid.MAX_ITER_OURS)

    def fit(name, tol):
        """``(seconds, objective, converged, n_iter)`` as the speed grid's solvers return them
        (convergence and iterations are not compared here)."""
        result = workers[name].fit(**job, tol=tol)
        return result["seconds"], objective_of(problem, result), True, "-"

    solvers = {name: (lambda tol, name=name: fit(name, tol)) for name in workers}
    f_star = min(fit(name, TIGHT_TOL[family])[1] for name in workers)
    tols = grid.RRR_TOL_GRID if family == "rrr" else grid.TOL_GRID
    chosen = {name: grid.scan_tolerance(solvers[name], f_star, tols)[0] for name in workers}
    if any(tol is None for tol in chosen.values()):
        return dict(problem, f_star=f_star, chosen=chosen, base=None, new=None, ratio=None)

    def timed(n):
        times, _ = grid.time_interleaved(solvers, chosen, n)
        return {name: statistics.median(t) for name, t in times.items()}

    med = timed(repeats)
    out = dict(problem, f_star=f_star, chosen=chosen, base=med["base"], new=med["new"],
               ratio=med["new"] / med["base"], confirmed=None)
    if out["ratio"] > threshold and confirm_repeats:
        again = timed(confirm_repeats)
        out["confirmed"] = (again["base"], again["new"], again["new"] / again["base"])
    return out


def grid_problems(families, size, folder, seed):
    problems = []
    for i, (family, shape, support, density, fit_intercept, fraction) in enumerate(
            grid.cells_of(families, size, grid.SUPPORTS, grid.DENSITIES, grid.ALPHA_FRACTIONS,
                          grid.INTERCEPTS)):
        key = (family, shape, support, density, fit_intercept)
        if not problems or problems[-1]["key"] != key:
            data = grid.make_data(family, shape, support, density, seed)
            alpha_max = grid._alpha_max(family, data, fit_intercept)
            path = os.path.join(folder, f"problem{i}.npz")
            save_data(path, data)
        label = (f"{family} {grid._shape_label(family, shape)} {density} {support:.0%} "
                 f"alpha {fraction:g} {'intercept' if fit_intercept else 'no intercept'}")
        problems.append(_problem(family, label, data, fraction * alpha_max, fit_intercept, path,
                                 key))
    return problems


def doc_problems(folder, seed):
    """The fits of the speed tables of docs/benchmarks.md (alpha = alpha_max / 10)."""
    from sksparse_struct import (group_graph_alpha_max, make_group_graph_regression,
                                 make_sparse_reduced_rank_regression, reduced_rank_alpha_max)

    problems = []
    for n, p, with_graph in ((1000, 5000, True), (1000, 5000, False), (2000, 20000, False)):
        X, y, _, labels, graph = make_group_graph_regression(n, p, p // 10, 5, random_state=seed)
        data = dict(X=X, y=y, labels=labels, graph=graph, n_groups=p // 10,
                    edges=np.array(list(graph.edges()), dtype=np.intp))
        alpha = group_graph_alpha_max(X, y, groups=labels,
                                      graph=graph if with_graph else None) / 10
        path = os.path.join(folder, f"doc_{n}_{p}_{with_graph}.npz")
        save_data(path, data)
        family = "graph" if with_graph else "group"
        problems.append(_problem(family, f"docs: {family} n={n} p={p}", data, alpha, True, path))
    for n, p, q, rank, k in ((100, 50, 50, 3, 10), (5000, 1000, 200, 5, 20)):
        X, Y, _ = make_sparse_reduced_rank_regression(n, p, q, rank, k, random_state=seed)
        data = dict(X=X, y=Y)
        path = os.path.join(folder, f"doc_rrr_{n}.npz")
        save_data(path, data)
        problem = _problem("rrr", f"docs: rrr n={n} p={p} q={q} rank {rank}", data,
                           reduced_rank_alpha_max(X, Y) / 10, True, path)
        problem["rank"] = rank
        problems.append(problem)
    return problems


def _problem(family, label, data, alpha, fit_intercept, path, key=None):
    problem = dict(family=family, label=label, data=data, alpha=float(alpha),
                   fit_intercept=fit_intercept, path=path, key=key)
    if family == "rrr":
        problem["Xc"], problem["Yc"] = grid._centered(data["X"], data["y"], fit_intercept)
    return problem


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--base", required=True, help="the revision to compare against")
    parser.add_argument("--new", default="HEAD", help="the revision measured (default: HEAD)")
    parser.add_argument("--size", default="grid", choices=sorted(grid.SIZES))
    parser.add_argument("--family", action="append", dest="families", choices=grid.FAMILIES)
    parser.add_argument("--doc-cells", action="store_true",
                        help="also the fits of the speed tables of docs/benchmarks.md")
    parser.add_argument("--no-grid", action="store_true", help="skip the speed grid's cells")
    parser.add_argument("--threshold", type=float, default=1.10,
                        help="ratio above which a problem is timed again (default 1.10)")
    parser.add_argument("--confirm-repeats", type=int, default=7)
    args = parser.parse_args()
    size = "quick" if args.quick else args.size
    families = args.families or list(grid.FAMILIES)
    print_environment(args, ["networkx", "threadpoolctl"],
                      f"base {args.base}, new {args.new}; size {size}; families "
                      f"{', '.join(families)}; threshold {args.threshold}")
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        script = os.path.join(folder, "worker.py")
        with open(script, "w") as fh:
            fh.write(WORKER)
        commits = {name: export(rev, os.path.join(folder, name))
                   for name, rev in (("base", args.base), ("new", args.new))}
        print(f"base: {commits['base'][:10]}, new: {commits['new'][:10]}\n", flush=True)
        workers = {name: Worker(script, os.path.join(folder, name)) for name in commits}
        for name, worker in workers.items():  # each imports its own copy, not the checkout
            print(f"{name} imports {os.path.relpath(worker.module, folder)}", flush=True)
        try:
            problems = [] if args.no_grid else grid_problems(families, size, folder, args.seed)
            if args.doc_cells:
                problems += doc_problems(folder, args.seed)
            rows, ratios = [], []
            for i, problem in enumerate(problems, 1):
                cell = compare(problem, workers, args.repeats, args.confirm_repeats,
                               args.threshold)
                shown = "-" if cell["ratio"] is None else f"{cell['ratio']:.2f}"
                print(f"cell {i}/{len(problems)}: {cell['label']}: new / base {shown}",
                      file=sys.stderr, flush=True)
                confirmed = cell.get("confirmed")
                ratio = confirmed[2] if confirmed else cell["ratio"]
                if ratio is not None:
                    ratios.append((ratio, cell["label"]))
                rows.append([cell["label"], f"{cell['chosen']['base']:g}"
                             if cell["chosen"]["base"] else "-",
                             f"{cell['chosen']['new']:g}" if cell["chosen"]["new"] else "-",
                             "-" if cell["base"] is None else f"{cell['base']:.4f}",
                             "-" if cell["new"] is None else f"{cell['new']:.4f}",
                             "-" if cell["ratio"] is None else f"{cell['ratio']:.2f}",
                             "" if not confirmed else
                             f"{confirmed[0]:.4f} / {confirmed[1]:.4f} = {confirmed[2]:.2f}"])
        finally:
            for worker in workers.values():
                worker.close()
    print_table(["problem", "base tol", "new tol", "base [s]", "new [s]", "new / base",
                 f"again, {args.confirm_repeats} fits each: base / new"], rows)
    if ratios:
        values = [r for r, _ in ratios]
        worst = max(ratios)
        print(f"problems: {len(ratios)} measured of {len(rows)}; median new / base "
              f"{statistics.median(values):.2f}; above {args.threshold}: "
              f"{sum(v > args.threshold for v in values)} (after the second timing); worst "
              f"{worst[0]:.2f} ({worst[1]})")
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

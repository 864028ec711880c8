"""BLAS threads by problem size: default fits against fits whose setup keeps the library's threads.

Every public fit (the estimators, their CV twins, ``group_graph_path`` and the
``alpha_max`` helpers) runs with one BLAS thread unless its setup costs at least
``THREADED_SETUP_FLOPS`` (``sksparse_struct/solvers/_threads.py``). The
alternative, measured in the same run and interleaved, is the same code with
the threshold at 0: the iterations still run with one thread, the setup with
the library's default (the behaviour before the rule). Both columns are wall
times (median of ``--repeats``); the ratio > 1 means the rule is faster. Run it
on the machine you care about, idle and busy: the rule is for busy cores.

Run ``python benchmarks/bench_threads.py`` (about a minute on 2 cores).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sksparse_struct.solvers._threads as threads
from _common import add_common_arguments, print_environment, print_table
from sksparse_struct import (
    GroupGraphLasso,
    GroupGraphLogisticRegression,
    SparseReducedRankRegression,
    group_graph_alpha_max,
    make_group_graph_regression,
)


def cases(quick):
    shapes = [(300, 1500, 150, 30), (1000, 200, 20, 4)] if quick else [
        (300, 1500, 150, 30), (1000, 200, 20, 4), (200, 5000, 500, 25), (2000, 2000, 200, 10)]
    for n, p, n_groups, informative in shapes:
        X, y, _, groups, graph = make_group_graph_regression(n, p, n_groups, informative,
                                                             random_state=0)
        for graph_reg in (0.0, 0.5):
            structure = dict(groups=groups, graph=graph if graph_reg else None,
                             graph_reg=graph_reg)
            alpha = 0.1 * group_graph_alpha_max(X, y, **structure)
            yield (f"GroupGraphLasso {n}x{p}, graph_reg={graph_reg}, alpha_max/10",
                   lambda X=X, y=y, s=structure, a=alpha: GroupGraphLasso(a, **s).fit(X, y))
        if n * p <= 1e6:
            labels = (y > np.median(y)).astype(int)
            yield (f"GroupGraphLogisticRegression {n}x{p}, alpha=0.01",
                   lambda X=X, c=labels, g=groups: GroupGraphLogisticRegression(
                       0.01, groups=g).fit(X, c))
    rng = np.random.default_rng(0)
    for n, p, q in [(200, 400, 40), (2000, 200, 40)] + ([] if quick else [(5000, 1000, 200)]):
        X = rng.standard_normal((n, p))
        B = np.zeros((p, q))
        B[:10] = rng.standard_normal((10, q))
        Y = X @ B + rng.standard_normal((n, q))
        yield (f"SparseReducedRankRegression {n}x{p}x{q}, rank 5",
               lambda X=X, Y=Y: SparseReducedRankRegression(rank=5, alpha=0.05).fit(X, Y))
    # the README's snippet, as it is there
    X, y, _, groups, graph = make_group_graph_regression(
        n_samples=200, n_features=300, n_groups=30, n_informative_groups=3, random_state=0)
    alpha_max = group_graph_alpha_max(X, y, groups=groups, graph=graph)
    model = make_pipeline(StandardScaler(), GroupGraphLasso(groups=groups, graph=graph))
    grid = {"groupgraphlasso__alpha": alpha_max * np.geomspace(0.3, 0.01, 8)}
    yield ("README: GridSearchCV over 8 alphas, 5 folds",
           lambda: GridSearchCV(model, grid).fit(X, y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, repeats=3)
    args = parser.parse_args()
    print_environment(args, ["threadpoolctl"])
    warnings.simplefilter("ignore", ConvergenceWarning)
    rule = threads.THREADED_SETUP_FLOPS
    rows = []
    for name, fit in cases(args.quick):
        times = {"rule": [], "threaded setup": []}
        for _ in range(args.repeats):
            for mode, threshold in (("rule", rule), ("threaded setup", 0.0)):
                threads.THREADED_SETUP_FLOPS = threshold
                start = time.perf_counter()
                fit()
                times[mode].append(time.perf_counter() - start)
        threads.THREADED_SETUP_FLOPS = rule
        ours, before = np.median(times["rule"]), np.median(times["threaded setup"])
        rows.append([name, f"{ours:.3f}", f"{before:.3f}", f"{before / ours:.2f}"])
        print(f"  {name}: {ours:.3f} s against {before:.3f} s", flush=True)
    print()
    print_table(["fit", "by size [s]", "setup threaded [s]", "threaded / by size"], rows)


if __name__ == "__main__":
    main()

"""alpha_max with a graph term: the exact convex program against the certified bound of the paths.

``group_graph_alpha_max`` solves a convex program (a linear program with
cutting planes for the groups); ``group_graph_path`` and the CV estimators
start their grids at a certified upper bound instead (the best point on the
segment between the multipliers of the separable penalty alone and those of
the graph term alone: one sparse least-squares solve). For each shape and
graph weight, the table gives both values, their ratio and their times (CPU
seconds, measured back to back), and the time of one GroupGraphLasso fit at
``alpha_max / 10`` for scale.

Run ``python benchmarks/bench_alpha_max.py`` (about a minute on 2 cores).
"""

import argparse
import time

from _common import add_common_arguments, apply_blas_threads, print_environment, print_table
from sksparse_struct import GroupGraphLasso, make_group_graph_regression
from sksparse_struct.linear_model._problem import GroupGraphProblem


def cpu(fn):
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, repeats=1)
    args = parser.parse_args()
    apply_blas_threads(args)
    print_environment(args, [])
    shapes = [(150, 120)] if args.quick else [(150, 120), (400, 2000), (100, 1000)]
    rows = []
    for seed, (n, p) in enumerate(shapes):
        X, y, _, groups, graph = make_group_graph_regression(
            n_samples=n, n_features=p, n_groups=p // 10, n_informative_groups=2, noise=2.0,
            random_state=args.seed + seed)
        for graph_reg in (0.1, 1.0, 3.0):
            problem = GroupGraphProblem.build(
                X, y, None, groups=groups, graph=graph, group_weights=None, feature_names=None,
                l1_reg=0.0, group_reg=1.0, graph_reg=graph_reg, fit_intercept=True)
            t_exact, exact = cpu(problem.alpha_max)
            t_bound, bound = cpu(problem.alpha_max_bound)
            t_fit, _ = cpu(lambda: GroupGraphLasso(exact / 10, groups=groups, graph=graph,
                                                   graph_reg=graph_reg).fit(X, y))
            rows.append([f"{n} x {p}", graph_reg, f"{exact:.4g}", f"{bound:.4g}",
                         f"{bound / exact:.3f}", f"{t_exact:.2f}", f"{t_bound:.3f}",
                         f"{t_fit:.2f}"])
    print_table(["n x p", "graph_reg", "exact", "bound", "bound / exact", "exact (s)",
                 "bound (s)", "one fit at alpha_max/10 (s)"], rows)


if __name__ == "__main__":
    main()

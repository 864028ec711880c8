"""Does the default tol give the support of a tight tol? GroupGraphLasso and the logistic model.

On random problems of the tests' sizes (60 x 40 and 80 x 10, 2 to 4 classes,
random disjoint groups with ungrouped features, random weighted graphs; the
penalty cycles through group, group + graph + l1 and graph + l1), each model
is fitted at the default ``tol=1e-4`` and at ``tol=1e-10``; the table counts
the fits whose supports (non-zero pattern of ``coef_``) are equal, and the
largest magnitude of a coefficient that is non-zero in one fit and zero in
the other.

With ``--grid``, GroupGraphLasso (groups and graph) is also fitted on the
graph cells of the speed grid (``benchmarks/bench_speed.py``: groups of 10, a
chain inside each group plus random links, n x p of 100 x 500 and 500 x 100,
1%, 5% and 20% of the groups active, dense and sparse X, alpha at 0.5, 0.1 and
0.02 of alpha_max, with an intercept; ``--size issue``: 400 x 2000 and 2000 x 400), with the same count per cell and the
largest differing coefficient relative to the largest coefficient.

Run ``python benchmarks/bench_support_tol.py`` (a minute on 2 cores; ``--grid``
adds a few minutes).
"""

import argparse
import sys
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from _common import add_common_arguments, print_environment, print_table
from sksparse_struct import GroupGraphLasso, GroupGraphLogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests._reference import random_structure  # noqa: E402  (the tests' problem generator)

TERMS = [dict(group_reg=1.0, graph_reg=0.0), dict(group_reg=1.0, graph_reg=0.3, l1_reg=0.5),
         dict(group_reg=0.0, graph_reg=0.3, l1_reg=1.0)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, repeats=1)
    parser.add_argument("--problems", type=int, default=20)
    parser.add_argument("--grid", action="store_true",
                        help="also the graph cells of the speed grid (GroupGraphLasso)")
    parser.add_argument("--size", choices=("grid", "issue"), default="grid",
                        help="sizes of the speed grid used by --grid (default: grid)")
    args = parser.parse_args()
    print_environment(args, ["networkx"])
    warnings.simplefilter("ignore", ConvergenceWarning)
    results = {"GroupGraphLogisticRegression": [], "GroupGraphLasso": []}
    for seed in range(args.seed, args.seed + (3 if args.quick else args.problems)):
        rng = np.random.default_rng(seed)
        n, p = (80, 10) if seed % 2 else (60, 40)
        n_classes = 2 + seed % 3
        X = rng.standard_normal((n, p))
        W = np.zeros((p, n_classes))
        W[:3] = 2 * rng.standard_normal((3, n_classes))
        labels = np.argmax(X @ W + rng.gumbel(size=(n, n_classes)), axis=1)
        target = X[:, :3] @ rng.standard_normal(3) + rng.standard_normal(n)
        groups, edges = random_structure(p, rng, n_groups=max(2, p // 4), ungrouped=2,
                                         weighted=True)
        graph = nx.Graph()
        graph.add_nodes_from(range(p))
        graph.add_weighted_edges_from(edges)
        terms = TERMS[seed % 3]
        for est, y, alpha in ((GroupGraphLogisticRegression, labels, 0.02),
                              (GroupGraphLasso, target, 0.05)):
            default = est(alpha, groups=groups, graph=graph, **terms).fit(X, y)
            tight = est(alpha, groups=groups, graph=graph, **terms, tol=1e-10,
                        max_iter=200000).fit(X, y)
            differ = (default.coef_ != 0) != (tight.coef_ != 0)
            largest = max(np.abs(default.coef_[differ]).max(initial=0.0),
                          np.abs(tight.coef_[differ]).max(initial=0.0))
            results[est.__name__].append((not differ.any(), largest))
    rows = [[name, f"{sum(same for same, _ in r)} / {len(r)}",
             f"{max(m for _, m in r):.2g}"] for name, r in results.items()]
    print_table(["estimator", "same support at tol=1e-4 and 1e-10",
                 "largest differing coefficient"], rows)
    if args.grid:
        grid_cells(args.size, quick=args.quick)


def grid_cells(size_name="grid", quick=False):
    """The default and a tight tol on the graph cells of the speed grid."""
    from sksparse_struct._benchmark_speed import SIZES, _alpha_max, make_data

    rows = []
    supports, fractions = ((0.2,), (0.1,)) if quick else ((0.01, 0.05, 0.2), (0.5, 0.1, 0.02))
    for size in SIZES[size_name]["graph"]:
        for support in supports:
            for density in ("dense", "sparse"):
                data = make_data("graph", size, support, density, seed=0)
                alpha_max = _alpha_max("graph", data, True)
                for fraction in fractions:
                    fits = [GroupGraphLasso(fraction * alpha_max, groups=data["labels"],
                                            graph=data["graph"], tol=tol, max_iter=200000)
                            .fit(data["X"], data["y"]) for tol in (1e-4, 1e-10)]
                    default, tight = (fit.coef_ for fit in fits)
                    differ = (default != 0) != (tight != 0)
                    largest = max(np.abs(default[differ]).max(initial=0.0),
                                  np.abs(tight[differ]).max(initial=0.0))
                    rows.append([f"{size[0]} x {size[1]}", f"{support:.0%}", density,
                                 fraction, np.count_nonzero(default), np.count_nonzero(tight),
                                 "yes" if not differ.any() else "no",
                                 f"{largest / max(np.abs(tight).max(), 1e-300):.2g}"])
    print()
    print_table(["n x p", "support", "X", "alpha / alpha_max", "non-zeros at tol=1e-4",
                 "non-zeros at tol=1e-10", "same support", "largest differing / largest coefficient"],
                rows)
    same = sum(row[6] == "yes" for row in rows)
    print(f"\nGroupGraphLasso on the speed grid's graph cells: the same support in {same} of "
          f"{len(rows)} cells")


if __name__ == "__main__":
    main()

"""Benchmark of JointGroupGraphClassifier on linked data (node classification).

The benchmark itself is ``sksparse_struct._benchmark_linked`` (its docstring
states the protocol in full), also run by ``sksparse-struct benchmark
linked``; this script prints the machine first, as the other benchmarks do.

1. Accuracy. Cora and Citeseer (public Planetoid split), Texas, Wisconsin,
   Cornell (10 Geom-GCN splits) and Washington (10 generated splits). Our
   models: the joint model (defaults), group-only, graph-only, features-only,
   group + graph coding over a 10-NN cosine graph of the features, and plain
   l1 sparse representation classification on raw and on propagated
   features; baselines: logistic regression on the features, label spreading
   on the graph, SGC. Every hyperparameter (alpha for ours, C, the spreading
   strength) is chosen on the validation nodes; fits use the training nodes
   only; test accuracy, mean ± std over splits. Our baselines are compared
   with earlier measurements of the same baselines on the first 3 splits.
2. Speed on Cora (when cora is run): predict of the 1000 test nodes after
   fit, the solve of their codes (``problem_.solve`` on their
   representation), and the per-query time of the batched ADMM against the
   cvxpy reference (``problem_.solve_cvxpy``, Clarabel) on the same objective,
   interleaved in one run.
3. ``--scale`` (a separate run): ``make_linked_data(200_000, n_classes=5,
   n_features=500)`` fitted with defaults and every unlabelled node predicted.

The summary compares with the targets (joint best of our models and above
logistic regression and label spreading on every dataset; GCN / APPNP on
Cora and Citeseer, MLP on Texas / Wisconsin / Cornell; predict 1000 Cora
nodes in 1 s; 100x cvxpy per query; 200k nodes in 120 s).

Run ``python benchmarks/bench_linked.py --blas-threads 1`` (the accuracy
part is long: every model fits its alpha grid on every split), and
``python benchmarks/bench_linked.py --scale --blas-threads 1``. The files
are read from ``--data-home`` or ``SKSPARSE_STRUCT_DATA``.
"""

import argparse
import os

from _common import add_common_arguments, print_environment
from sksparse_struct._benchmark_linked import (DATASETS, METHODS, N_CVXPY_QUERIES, SCALE_NODES,
                                              run_benchmark)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--dataset", action="append", dest="datasets", metavar="NAME",
                        help=f"dataset to run, repeatable (default: {' '.join(DATASETS)})")
    parser.add_argument("--model", action="append", dest="models", metavar="NAME",
                        choices=[m.name for m in METHODS],
                        help="model to run besides the joint model, repeatable (default: all)")
    parser.add_argument("--splits", type=int, default=None, metavar="N",
                        help="at most the first N splits of each dataset (default: all)")
    parser.add_argument("--data-home", default=None, metavar="PATH",
                        help="folder of the dataset files (default: $SKSPARSE_STRUCT_DATA)")
    parser.add_argument("--skip-speed", action="store_true", help="skip the speed measurements")
    parser.add_argument("--cvxpy-queries", type=int, default=N_CVXPY_QUERIES,
                        help="Cora queries solved by cvxpy for the per-query ratio")
    parser.add_argument("--scale", action="store_true",
                        help=f"run only the {SCALE_NODES}-node scale measurement")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser.parse_args()


def main():
    args = parse_args()
    datasets = args.datasets or (["texas", "cora"] if args.quick else list(DATASETS))
    splits = args.splits or (1 if args.quick else None)
    scale_nodes = 20_000 if args.quick else SCALE_NODES
    settings = (f"scale run, {scale_nodes} nodes" if args.scale
                else f"datasets: {', '.join(datasets)}; splits: {splits or 'all'}")
    print_environment(args, ["networkx", "cvxpy", "clarabel", "threadpoolctl"], settings)
    status = run_benchmark(
        datasets, n_splits=splits, data_home=args.data_home, accuracy=not args.scale,
        models=args.models,
        speed=not (args.skip_speed or args.scale), scale=args.scale, repeats=args.repeats,
        n_cvxpy=5 if args.quick else args.cvxpy_queries, scale_nodes=scale_nodes,
        seed=args.seed, blas_threads=args.blas_threads, progress=not args.no_progress,
        prog="bench_linked.py")
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    raise SystemExit(status)


if __name__ == "__main__":
    main()

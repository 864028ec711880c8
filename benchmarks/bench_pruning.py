"""Benchmark of SparseMLPClassifier: LeNet-300-100 on MNIST that prunes itself.

The benchmark itself is ``sksparse_struct._benchmark_pruning`` (its docstring
states the protocol in full), also run by ``sksparse-struct benchmark
pruning``; this script prints the machine first, as the other benchmarks do.

1. Epoch speed: one epoch of every penalty against one epoch of
   scikit-learn's MLPClassifier (same layers, batch 128, float32, Adam),
   interleaved in one run; the ratio is against the faster of scikit-learn
   with the default BLAS threads and with one thread.
2. LeNet-300-100 (784-300-100-10) for the dense baseline, l1, group lasso,
   sparse group lasso, hoyer_square and group_hoyer_square, each with the
   estimator's defaults: test accuracy, % nonzero weights, neurons per
   hidden layer, multiply-adds per prediction of the compact network (dense
   matrices; and nonzero weights only), training time, predict time of the
   compact network on the 10000 test images and its speed-up over the dense
   baseline.
3. ``--sweep``: more alpha values for l1 and hoyer_square (accuracy against
   sparsity, for the comparison at matched accuracy).

The summary compares with the targets (hoyer_square >= 98.0% at <= 2%
nonzero and sparser than l1; group sparsity removes >= 80% of the parameters
at <= 0.5 point loss; compact network >= 3x faster at predict; an epoch
<= 1.2x scikit-learn's; every configuration trains in <= 10 minutes).

Run ``python benchmarks/bench_pruning.py`` (about 4 minutes per
configuration on 2 busy cores); mnist.npz is read from ``--data-home`` or
``SKSPARSE_STRUCT_DATA``.
"""

import argparse
import os

from _common import add_common_arguments, print_environment
from sksparse_struct._benchmark_pruning import PENALTIES, run_benchmark


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--penalty", action="append", dest="penalties", metavar="NAME",
                        choices=PENALTIES, help=f"repeatable (default: {' '.join(PENALTIES)})")
    parser.add_argument("--max-iter", type=int, default=None,
                        help="epochs before pruning, warm-up included (default: the estimator's)")
    parser.add_argument("--finetune-epochs", type=int, default=None,
                        help="fine-tuning epochs (default: the estimator's)")
    parser.add_argument("--sweep", action="store_true", help="more alphas for l1 and HS")
    parser.add_argument("--skip-speed", action="store_true", help="skip the epoch timing")
    parser.add_argument("--speed-only", action="store_true", help="only the epoch timing")
    parser.add_argument("--save", default=None, metavar="PATH", help="results as JSON")
    parser.add_argument("--data-home", default=None, metavar="PATH",
                        help="folder of mnist.npz (default: $SKSPARSE_STRUCT_DATA)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser.parse_args()


def main():
    args = parse_args()
    max_iter, finetune = args.max_iter, args.finetune_epochs
    if args.quick:
        max_iter, finetune = max_iter or 2, 1 if finetune is None else finetune
    print_environment(args, ["threadpoolctl"],
                      f"max_iter: {max_iter or 'default'}; finetune_epochs: "
                      f"{'default' if finetune is None else finetune}")
    status = run_benchmark(args.penalties or PENALTIES, data_home=args.data_home,
                           speed=not args.skip_speed, fits=not args.speed_only,
                           sweep=args.sweep, repeats=args.repeats,
                           seed=args.seed, max_iter=max_iter, finetune_epochs=finetune,
                           save=args.save, progress=not args.no_progress,
                           prog="bench_pruning.py")
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    raise SystemExit(status)


if __name__ == "__main__":
    main()

"""The ``sksparse-struct`` console script.

Subcommands:

``demo``
    Fit every estimator of the package on synthetic data with a known truth,
    print a table of support recovery and estimation error and save a figure.

``benchmark linked``
    The linked-data (node classification) benchmark: accuracy of
    JointGroupGraphClassifier variants and baselines on the citation and
    WebKB graphs of the dataset collection, and the speed of its solver.

``benchmark pruning``
    LeNet-300-100 on MNIST with SparseMLPClassifier and every penalty:
    accuracy, sparsity, surviving neurons, cost and speed of the compact
    network, and the epoch time against scikit-learn's MLPClassifier.

``benchmark speed``
    The speed grid: GroupGraphLasso against cvxpy/Clarabel (with a graph)
    and skglm's GroupLasso (groups only), SparseReducedRankRegression
    against alternating MultiTaskLasso, at equal objective over support
    sizes, shapes, dense and sparse X, alphas and intercepts, with a
    per-phase profile of each fit beside the floor of its cell.
"""

import argparse
import sys
import textwrap
from pathlib import Path

from . import __version__
from ._demo import DEMOS, format_table, new_demo_figure, run_demos

__all__ = ["main"]

DEFAULT_DEMO_OUTPUT = "sksparse_struct_demo.png"


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="sksparse-struct",
        description="Structured-sparsity estimators for scikit-learn.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="fit each estimator on synthetic data and compare it with the truth",
        description="Fit each estimator on synthetic data with known coefficients, print "
                    "the support found (true and false positives, F1), the relative "
                    "estimation error ||w - w*|| / ||w*|| and the fit time, and save a "
                    "figure of the coefficients. No data is downloaded.",
    )
    demo.add_argument("--output", type=Path, default=Path(DEFAULT_DEMO_OUTPUT), metavar="PATH",
                      help=f"where to save the figure (default: ./{DEFAULT_DEMO_OUTPUT})")
    demo.add_argument("--no-plot", action="store_true",
                      help="print the table only, draw no figure")
    demo.add_argument("--random-state", type=int, default=0, metavar="INT",
                      help="seed of the data and validation splits (default: 0)")
    demo.set_defaults(handler=_demo)
    _add_benchmark_parser(commands)
    return parser


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _add_benchmark_parser(commands):
    from ._benchmark_linked import DATASETS, METHODS

    benchmark = commands.add_parser(
        "benchmark", help="run a benchmark of the package on real data",
        description="Run a benchmark of the package and print its tables (Markdown).")
    targets = benchmark.add_subparsers(dest="target", required=True, metavar="TARGET")
    linked = targets.add_parser(
        "linked", help="node classification on citation and hyperlink graphs",
        description="Node classification with JointGroupGraphClassifier (joint model and "
                    "ablations) and baselines (logistic regression, label spreading, SGC) on "
                    "the linked-data collection (docs/datasets.md): every hyperparameter is "
                    "chosen on the validation nodes, models are fitted on the training nodes "
                    "and scored on the test nodes; mean ± std of the test accuracy over the "
                    "splits. When cora is run, the prediction and solver speed on Cora against "
                    "the cvxpy reference follow (unless --no-speed). --scale runs the fit of "
                    "200000 synthetic nodes instead. A progress bar over the splits goes to "
                    "stderr. Nothing "
                    "is downloaded: the files must be in the data folder.")
    linked.add_argument("--dataset", action="append", dest="datasets", metavar="NAME",
                        help=f"dataset to run (repeat for several; default: "
                             f"{' '.join(DATASETS)})")
    linked.add_argument("--model", action="append", dest="models", metavar="NAME",
                        choices=[m.name for m in METHODS],
                        help="model to run besides the joint model (repeat for several; "
                             "default: all): " + ", ".join(repr(m.name) for m in METHODS))
    linked.add_argument("--splits", type=_positive_int, default=None, metavar="N",
                        help="use at most the first N splits of each dataset (default: all)")
    linked.add_argument("--data-home", default=None, metavar="PATH",
                        help="folder of the dataset files (default: $SKSPARSE_STRUCT_DATA, "
                             "else ~/sksparse_struct_data)")
    linked.add_argument("--no-speed", action="store_true",
                        help="skip the speed measurements (made when cora is run)")
    linked.add_argument("--scale", action="store_true",
                        help="instead of the above, fit make_linked_data(200000, 5, 500) "
                             "with defaults and predict every unlabelled node (minutes)")
    linked.add_argument("--blas-threads", type=_positive_int, default=None, metavar="N",
                        help="limit BLAS threads (default: the library default)")
    linked.add_argument("--no-progress", action="store_true",
                        help="print no progress bar")
    linked.set_defaults(handler=_benchmark_linked)
    _add_pruning_parser(targets)


def _add_pruning_parser(targets):
    from ._benchmark_pruning import PENALTIES

    pruning = targets.add_parser(
        "pruning", help="LeNet-300-100 on MNIST: sparse and pruned networks",
        description="Train LeNet-300-100 (784-300-100-10) on MNIST with SparseMLPClassifier "
                    "for each penalty (dense baseline, l1, group lasso, sparse group lasso, "
                    "Hoyer-square, group Hoyer-square) with its defaults; print test accuracy, "
                    "%% nonzero weights, surviving neurons, multiply-adds and predict time of "
                    "the compact network, training time, the time of one epoch against "
                    "scikit-learn's MLPClassifier (one run), and the targets. A progress bar "
                    "goes to stderr. Nothing is downloaded: mnist.npz must be in the data "
                    "folder.")
    pruning.add_argument("--penalty", action="append", dest="penalties", metavar="NAME",
                         choices=PENALTIES,
                         help=f"penalty to run (repeat for several; default: "
                              f"{' '.join(PENALTIES)})")
    pruning.add_argument("--max-iter", type=_positive_int, default=None, metavar="N",
                         help="epochs before pruning, warm-up included (default: the estimator's)")
    pruning.add_argument("--finetune-epochs", type=int, default=None, metavar="N",
                         help="fine-tuning epochs (default: the estimator's)")
    pruning.add_argument("--sweep", action="store_true",
                         help="also fit l1 and hoyer_square over more alpha values")
    pruning.add_argument("--no-speed", action="store_true",
                         help="skip the epoch-time comparison with scikit-learn")
    pruning.add_argument("--speed-only", action="store_true",
                         help="only the epoch-time comparison, no full training")
    pruning.add_argument("--save", default=None, metavar="PATH",
                         help="write every result as JSON to PATH")
    pruning.add_argument("--random-state", type=int, default=0, metavar="INT",
                         help="seed of the initialization and shuffling (default: 0)")
    pruning.add_argument("--data-home", default=None, metavar="PATH",
                         help="folder of mnist.npz (default: $SKSPARSE_STRUCT_DATA, "
                              "else ~/sksparse_struct_data)")
    pruning.add_argument("--no-progress", action="store_true", help="print no progress bar")
    pruning.set_defaults(handler=_benchmark_pruning)
    _add_speed_parser(targets)


def _add_speed_parser(targets):
    from ._benchmark_speed import ALPHA_FRACTIONS, FAMILIES, SIZES, SUPPORTS

    speed = targets.add_parser(
        "speed", help="speed grid against cvxpy/Clarabel, skglm and MultiTaskLasso",
        description="Time GroupGraphLasso (with a graph: against cvxpy with Clarabel; groups "
                    "only: against skglm's GroupLasso) and SparseReducedRankRegression "
                    "(against alternating MultiTaskLasso) to reach the same objective within "
                    "1e-6 (relative), interleaved, over a grid: support fraction, n < p and "
                    "n > p, dense and sparse X, alpha as a fraction of alpha_max, with and "
                    "without intercept. Prints every cell with a profile of our fit (setup, "
                    "iterations, finishing) and the floor of the cell (one pass over the "
                    "data, or forming the Gram matrix), then the median ratio and the worst "
                    "cell per peer. A progress bar over the cells goes to stderr. Needs cvxpy "
                    "and skglm for their families.")
    speed.add_argument("--family", action="append", dest="families", metavar="NAME",
                       choices=FAMILIES,
                       help=f"family to run (repeat for several; default: {' '.join(FAMILIES)})")
    speed.add_argument("--size", choices=list(SIZES), default="grid",
                       help="problem sizes: quick (seconds), grid (the default), issue "
                            "(the sizes of the issue, hours)")
    speed.add_argument("--alpha", action="append", dest="alphas", type=float, metavar="FRACTION",
                       help="alpha / alpha_max (repeat for several; default: "
                            f"{' '.join(map(str, ALPHA_FRACTIONS))})")
    speed.add_argument("--support", action="append", dest="supports", type=float,
                       metavar="FRACTION",
                       help="fraction of the groups (rows) in the true support (repeat; "
                            f"default: {' '.join(map(str, SUPPORTS))})")
    speed.add_argument("--shape", action="append", dest="shapes", choices=["n<p", "n>p"],
                       help="the shape of the sizes (repeat; default: both)")
    speed.add_argument("--density", action="append", dest="densities",
                       choices=["dense", "sparse"], help="X (repeat; default: both)")
    speed.add_argument("--intercept", action="append", dest="intercepts",
                       choices=["yes", "no"], help="fit_intercept (repeat; default: both)")
    speed.add_argument("--repeats", type=_positive_int, default=3, metavar="N",
                       help="timed fits per solver and cell, interleaved (median; default: 3)")
    speed.add_argument("--random-state", type=int, default=0, metavar="INT",
                       help="seed of the data (default: 0)")
    speed.add_argument("--blas-threads", type=_positive_int, default=None, metavar="N",
                       help="limit BLAS threads (default: the library default)")
    speed.add_argument("--no-progress", action="store_true", help="print no progress bar")
    speed.set_defaults(handler=_benchmark_speed)


def _speed_options(args):
    """The grid options of ``benchmark speed`` (None: the default of :func:`run_benchmark`)."""
    from ._benchmark_speed import ALPHA_FRACTIONS, DENSITIES, FAMILIES, INTERCEPTS, SHAPES, \
        SUPPORTS

    return dict(
        families=tuple(args.families or FAMILIES), size=args.size,
        alpha_fractions=tuple(args.alphas or ALPHA_FRACTIONS),
        supports=tuple(args.supports or SUPPORTS),
        densities=tuple(args.densities or DENSITIES), shapes=tuple(args.shapes or SHAPES),
        intercepts=(tuple(i == "yes" for i in args.intercepts) if args.intercepts
                    else INTERCEPTS),
        repeats=args.repeats, seed=args.random_state, blas_threads=args.blas_threads,
        progress=not args.no_progress)


def _benchmark_speed(args):
    from ._benchmark_speed import run_benchmark

    options = _speed_options(args)
    return run_benchmark(options.pop("families"), **options,
                         prog="sksparse-struct benchmark speed")


def _benchmark_pruning(args):
    from ._benchmark_pruning import PENALTIES, run_benchmark

    return run_benchmark(args.penalties or PENALTIES, data_home=args.data_home,
                         speed=not args.no_speed, fits=not args.speed_only, sweep=args.sweep,
                         seed=args.random_state,
                         max_iter=args.max_iter, finetune_epochs=args.finetune_epochs,
                         save=args.save, progress=not args.no_progress,
                         prog="sksparse-struct benchmark pruning")


def _benchmark_linked(args):
    from ._benchmark_linked import DATASETS, run_benchmark

    return run_benchmark(args.datasets or DATASETS, n_splits=args.splits,
                         data_home=args.data_home, accuracy=not args.scale,
                         models=args.models,
                         speed=not (args.no_speed or args.scale), scale=args.scale,
                         blas_threads=args.blas_threads, progress=not args.no_progress,
                         prog="sksparse-struct benchmark linked")


def _demo(args):
    # fail before the fits, not after them, when the figure cannot be written
    if not args.no_plot and not args.output.parent.is_dir():
        print(f"sksparse-struct demo: error: --output: directory {args.output.parent} does not "
              "exist", file=sys.stderr)
        return 2
    figure = axes = None
    if not args.no_plot:
        try:
            figure, axes = new_demo_figure()
        except ImportError as exc:
            print(f"The figure is not drawn: {exc}", file=sys.stderr)
    for entry in DEMOS:
        print(textwrap.fill(entry.description, width=100, initial_indent="- ",
                            subsequent_indent="  ", break_on_hyphens=False))
    print(f"\nrandom_state={args.random_state}\n")
    print(format_table(run_demos(args.random_state, axes)))
    if figure is not None:
        figure.savefig(args.output, dpi=120)
        print(f"\nFigure saved to {args.output}")
    return 0


def main(argv=None):
    """Run the ``sksparse-struct`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        The exit status (argparse exits by itself on ``--help``, ``--version``
        and usage errors).
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

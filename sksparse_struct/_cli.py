"""The ``sksparse-struct`` console script.

Subcommands:

``demo``
    Fit every estimator of the package on synthetic data with a known truth,
    print a table of support recovery and estimation error and save a figure.
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
    return parser


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

"""Speed grid: GroupGraphLasso and SparseReducedRankRegression against their peers.

The benchmark itself is ``sksparse_struct._benchmark_speed`` (its docstring
states the protocol in full), also run by ``sksparse-struct benchmark
speed``; this script prints the machine first, as the other benchmarks do,
and takes the same options (``--help``), plus ``--quick`` for ``--size quick``.

Families and peers, at equal objective (within 1e-6 relative), interleaved:

* ``graph``: GroupGraphLasso with a graph term against cvxpy with Clarabel;
* ``group``: GroupGraphLasso with groups only against skglm's GroupLasso;
* ``rrr``: SparseReducedRankRegression (group lasso) against alternating
  MultiTaskLasso.

Grid: support 1%, 5%, 20% of the groups (rows); n < p and n > p; dense and
sparse X; alpha at 0.5, 0.1, 0.02 of alpha_max; with and without intercept
(72 cells per family). Each cell also gives a profile of our fit (setup,
iterations, finishing) and the floor of the cell.

Sizes (``--size``): ``quick`` (seconds), ``grid`` (the default; about 30-40
minutes for the three families on 2 busy cores) and ``issue`` (the sizes of
the issue, hours: run one family or alpha at a time).
"""

import os
import sys
from types import SimpleNamespace

from _common import print_environment
from sksparse_struct._cli import _build_parser, _speed_options
from sksparse_struct._benchmark_speed import run_benchmark


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--quick" in argv:
        argv = [a for a in argv if a != "--quick"] + ["--size", "quick"]
    args = _build_parser().parse_args(["benchmark", "speed", *argv])
    options = _speed_options(args)
    print_environment(SimpleNamespace(blas_threads=args.blas_threads, repeats=args.repeats,
                                      seed=args.random_state),
                      ["cvxpy", "clarabel", "skglm", "numba", "threadpoolctl"],
                      f"size: {args.size}")
    status = run_benchmark(options.pop("families"), **options, prog="bench_speed.py")
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    raise SystemExit(status)


if __name__ == "__main__":
    main()

"""The speed grid (``sksparse-struct benchmark speed``), on a tiny grid."""

import numpy as np
import pytest

from sksparse_struct import _benchmark_speed as bench

from .test_cli import run_main


def tables(out):
    """The Markdown tables of the output: lists of rows of stripped cells."""
    found, current = [], []
    for line in out.splitlines() + [""]:
        if line.startswith("|-"):
            continue  # the separator under the header
        if line.startswith("| "):
            current.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif current:
            found.append(current)
            current = []
    return found


def run_tiny_grid(families):
    """Every cell of one support and alpha on the quick sizes: 2 shapes x 2 densities."""
    argv = ["benchmark", "speed", "--size", "quick", "--alpha", "0.1", "--support", "0.2",
            "--intercept", "yes", "--repeats", "1"]
    for family in families:
        argv += ["--family", family]
    return run_main(argv)


def check_output(status, out, err, families):
    assert status == 0, out + err
    found = tables(out)
    grids, summary = found[:-1], found[-1]
    assert [g[0] for g in grids] == [bench.HEADERS] * len(families)
    for family, grid in zip(families, grids):
        assert len(grid) - 1 == 4  # 2 shapes x 2 densities
        column = dict(zip(grid[0], zip(*grid[1:])))
        assert set(column["family"]) == {family}
        assert set(column["X"]) == {"dense", "sparse"}
        assert all(float(r) > 0 for r in column["peer / ours"])
        assert all(float(t) > 0 for t in column["ours [s]"] + column["peer [s]"]
                   + column["floor [s]"])
        assert all(float(t) >= 0 for t in column["setup [s]"] + column["iterations [s]"])
    assert summary[0] == bench.SUMMARY_HEADERS
    assert [row[0] for row in summary[1:]] == families
    for row in summary[1:]:
        cells = dict(zip(summary[0], row))
        assert cells["cells"] == cells["measured"] == "4" and float(cells["median peer / ours"]) > 0
    # the progress bar went to stderr, one step per cell
    assert f"{4 * len(families)}/{4 * len(families)} cells" in err


def test_cli_prints_every_cell_with_positive_ratios():
    pytest.importorskip("cvxpy")
    families = ["graph", "rrr"]
    check_output(*run_tiny_grid(families), families)


@pytest.mark.slow
def test_cli_group_family_against_skglm():
    # slow only because numba compiles skglm's kernels (about 20 s) before any timing
    pytest.importorskip("skglm")
    check_output(*run_tiny_grid(["group"]), ["group"])


def test_phases_add_up_to_the_fit():
    data = bench.make_data("graph", (30, 60), 0.2, "dense", 0)
    profile = bench.profile_linear(data, 0.05, 1e-4, True, True)
    assert profile["setup"] > 0 and profile["iterations"] > 0
    assert profile["setup"] + profile["iterations"] + profile["finishing"] == pytest.approx(
        profile["total"])
    # the wrappers are removed afterwards
    from sksparse_struct.linear_model import _group_graph_lasso, _solve
    from sksparse_struct.solvers import NormalEquations
    assert _solve.NormalEquations is NormalEquations
    assert _group_graph_lasso.solve_least_squares is _solve.solve_least_squares


def test_sparse_cells_keep_the_truth():
    dense = bench.make_data("rrr", (50, 40, 6), 0.2, "dense", 0)
    sparse = bench.make_data("rrr", (50, 40, 6), 0.2, "sparse", 0)
    assert sparse["X"].nnz < 0.2 * np.prod(sparse["X"].shape)
    assert sparse["y"].shape == dense["y"].shape and sparse["k"] == dense["k"] == 8


def test_scan_takes_the_loosest_tolerance_within_reach():
    def fit(tol):
        return 0.0, 1.0 + tol, True, 0

    tol, trace = bench.scan_tolerance(fit, 1.0, tols=[1e-2, 1e-4, 1e-7, 1e-9])
    assert tol == 1e-7 and len(trace) == 3
    assert bench.scan_tolerance(fit, 1.0, tols=[1e-2])[0] is None

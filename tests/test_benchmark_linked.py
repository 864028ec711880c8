"""The linked-data benchmark (``sksparse-struct benchmark linked``), on a tiny graph."""

import contextlib
import io

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sksparse_struct import make_linked_data
from sksparse_struct import _benchmark_linked as bench
from sksparse_struct._cli import main
from sksparse_struct.linked._classifier import FEATURE_PROPAGATION_GRID


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def tiny_data():
    return make_linked_data(90, n_classes=3, n_features=30, n_train_per_class=4, n_val=20,
                            n_test=30, homophily=0.8, random_state=0)


@pytest.fixture(scope="module")
def cli_run():
    """The CLI end to end, with the loader replaced by a tiny synthetic graph."""
    calls = []

    def fake_load(names, data_home=None):
        calls.append((list(names), data_home))
        return {name: bench.Dataset.from_bunch(name, tiny_data()) for name in names}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "load_datasets", fake_load)
        result = run_main(["benchmark", "linked", "--dataset", "tiny", "--splits", "1",
                           "--data-home", "somewhere", "--no-speed"])
    return (*result, calls)


def table_rows(text):
    """First Markdown table of ``text``: {first cell: other cells}."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != len(header) or cells[0] == "model":
            break
        rows[cells[0]] = cells[1:]
    return header, rows


def test_cli_runs_the_benchmark_and_prints_the_table(cli_run):
    status, out, err, calls = cli_run
    assert status == 0, err
    assert calls == [(["tiny"], "somewhere")]
    header, rows = table_rows(out)
    assert header == ["model", "tiny (1 split)"]
    for method in bench.METHODS:
        name = method.name + ("" if method.ours else " [baseline]")
        mean, pm, std = rows[name][0].split()
        assert pm == "±" and 0 <= float(mean) <= 1 and float(std) == 0
    chosen = rows["joint: chosen (feature_propagation_, dictionary_links_, "
                  "residual_propagation_)"][0]
    beta_f, links, beta_r = (v.strip() for v in chosen.strip("()").split(","))
    assert float(beta_f) in FEATURE_PROPAGATION_GRID and float(beta_r) in (0, 0.5, 0.8, 0.9)
    assert links in ("on", "off")
    assert float(rows["joint: chosen alpha"][0]) in bench.ALPHAS
    assert float(rows["time, all models and splits [s]"][0]) >= 0
    assert "Targets:" in out and "tiny: joint best of our models" in out
    assert "Speed:" not in out
    # the progress bar goes to stderr, not into the table
    assert "[" + "#" * 30 + "] 1/1 splits" in err and "] 1/1 splits" not in out


def test_benchmark_parses_help():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        main(["benchmark", "linked", "--help"])
    assert exit_info.value.code == 0
    for option in ("--dataset", "--splits", "--data-home", "--scale"):
        assert option in out.getvalue()


@pytest.mark.parametrize("argv", [["--splits", "0"], ["--splits", "x"], []])
def test_benchmark_usage_errors(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(["benchmark"] + argv if not argv else ["benchmark", "linked"] + argv)
    assert exit_info.value.code == 2


def test_missing_dataset_is_a_clear_error_with_status_2(tmp_path):
    status, out, err = run_main(["benchmark", "linked", "--dataset", "texas",
                                 "--data-home", str(tmp_path)])
    assert status == 2 and out == ""
    assert err.startswith("sksparse-struct benchmark linked: error: texas.npz not found in")
    assert str(tmp_path) in err and "Traceback" not in err


def test_unknown_dataset_is_a_clear_error_with_status_2(tmp_path):
    status, _, err = run_main(["benchmark", "linked", "--dataset", "nosuch",
                               "--data-home", str(tmp_path)])
    assert status == 2 and "unknown linked dataset 'nosuch'" in err


def test_label_spreading_is_the_closed_form():
    graph = nx.path_graph(6)
    graph.add_node(6)  # isolated: a zero row of S
    A = nx.to_scipy_sparse_array(graph, format="csr", dtype=float)
    S = bench.spreading_adjacency(A)
    train, labels, a = np.array([0, 5]), np.array([0, 1]), 0.9
    Y = np.zeros((7, 2))
    Y[train, labels] = 1
    expected = (1 - a) * np.linalg.solve(np.eye(7) - a * S.toarray(), Y)
    np.testing.assert_allclose(bench.label_spreading(S, train, labels, 2, a), expected,
                               atol=1e-7)
    clamped = bench.label_spreading(S, train, labels, 2, a, clamp=True)
    np.testing.assert_array_equal(clamped[train], Y[train])
    assert np.argmax(clamped[1]) == 0 and np.argmax(clamped[4]) == 1


def test_knn_graph_is_symmetric_on_the_node_range():
    rng = np.random.default_rng(0)
    features = sp.csr_matrix(rng.random((40, 8)))
    graph = bench.knn_graph(features, n_neighbors=5)
    assert list(graph.nodes) == list(range(40))
    assert min(d for _, d in graph.degree) >= 5 and nx.number_of_selfloops(graph) == 0


def test_text_progress_bar():
    stream = io.StringIO()
    bar = bench.TextProgress(4, stream, width=8)
    bar.update(0, "start")
    bar.update(2, "texas split 2/4")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[........] 0/4 splits")
    assert lines[1].startswith("[####....] 2/4 splits") and lines[1].endswith("texas split 2/4")


def _results(**tests):
    return {"splits": len(next(iter(tests.values()))), "seconds": 0.0,
            "results": {name: [bench.SplitResult(test=t, val=0.0, chosen={}, seconds=0.0)
                               for t in values] for name, values in tests.items()}}


def test_paired_differences_are_per_split_against_the_joint_model():
    accuracy = {"d": _results(**{"joint": [0.80, 0.70, 0.90, 0.60],
                                 "group-only": [0.75, 0.70, 0.95, 0.50],
                                 bench.LOGREG: [0.1, 0.1, 0.1, 0.1]})}
    rows = bench.paired_differences(accuracy)
    # baselines are not among "our models"
    assert [row[:2] for row in rows] == [("d", "group-only")]
    d = np.array([0.05, 0.0, -0.05, 0.10])
    _, _, mean, se, wlt = rows[0]
    assert mean == pytest.approx(d.mean())
    assert se == pytest.approx(np.std(d, ddof=1) / 2)
    assert wlt == "2 / 1 / 1"
    # the target row of "best of our models" carries the paired standard error
    row = [r for r in bench.targets(accuracy) if r[0] == "d: joint best of our models"][0]
    assert row[3] == "met" and f"paired s.e. {se:.3f}" in row[4]


def test_cli_runs_only_the_models_asked_for():
    def fake_load(names, data_home=None):
        return {name: bench.Dataset.from_bunch(name, tiny_data()) for name in names}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "load_datasets", fake_load)
        # a name with earlier baseline measurements: their table skips the baselines not run
        status, out, err = run_main(["benchmark", "linked", "--dataset", "texas", "--splits", "1",
                                     "--no-speed", "--no-progress", "--model", "features-only"])
    assert status == 0, err
    _, rows = table_rows(out)
    assert {"joint", "features-only"} <= set(rows)
    assert not {m.name for m in bench.METHODS} - {"joint", "features-only"} & set(rows)
    assert "joint minus" in out  # the paired table
    err_io = io.StringIO()
    with contextlib.redirect_stderr(err_io), pytest.raises(SystemExit):
        main(["benchmark", "linked", "--model", "nosuch"])
    assert "invalid choice" in err_io.getvalue()

"""The ``sksparse-struct`` console script and the demo registry behind it."""

import contextlib
import importlib.metadata
import io
import re
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import Lasso

import sksparse_struct._cli
import sksparse_struct._demo
from sksparse_struct import __version__
from sksparse_struct._cli import main
from sksparse_struct._demo import DEMOS, DemoRow, format_table, select_alpha, support_scores

GROUP_GRAPH_VARIANTS = ["lasso", "group", "graph + l1", "group + graph"]


def run_main(argv):
    """Exit status, stdout and stderr of ``main(argv)``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def parse_table(text):
    """The rows of the printed table as dicts keyed by the header (columns are 2+ spaces apart)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("model "))
    header = re.split(r"\s{2,}", lines[start].strip())
    assert set(lines[start + 1]) == {"-", " "}
    rows = []
    for line in lines[start + 2:]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        assert len(cells) == len(header), line
        rows.append(dict(zip(header, cells)))
    return rows


def without_times(rows):
    return [{k: v for k, v in row.items() if k != "fit (s)"} for row in rows]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    figure = tmp_path_factory.mktemp("demo") / "demo.png"
    status, out, err = run_main(["demo", "--output", str(figure)])
    return status, out, err, figure


@pytest.fixture
def two_demos(monkeypatch):
    """The demo registry cut to its two fastest entries, one that draws and one that does not:
    for the tests of the command's options, which the full run above would make slow."""
    subset = [entry for entry in DEMOS
              if entry.name in ("SparseReducedRankRegression", "SparseMLPClassifier")]
    assert [entry.draws for entry in subset] == [True, False]
    for module in (sksparse_struct._demo, sksparse_struct._cli):
        monkeypatch.setattr(module, "DEMOS", subset)
    return {entry.name for entry in subset}


def test_demo_prints_every_model_and_saves_the_figure(demo_run):
    status, out, _, figure = demo_run
    assert status == 0
    rows = parse_table(out)
    assert {row["model"] for row in rows} == {entry.name for entry in DEMOS}
    fitted = [row["fitted"] for row in rows if row["model"] == "GroupGraphLasso"]
    assert [text.split(",")[0] for text in fitted] == GROUP_GRAPH_VARIANTS
    assert f"Figure saved to {figure}" in out

    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = pytest.importorskip("matplotlib.image").imread(figure)[..., :3]
    assert image.shape[0] > 200 and image.shape[1] > 600
    # coefficients were drawn in colour: empty axes are only white, grey and black
    assert np.mean(image.max(axis=-1) - image.min(axis=-1) > 0.2) > 0.01


def test_demo_table_is_consistent(demo_run):
    for row in parse_table(demo_run[1]):
        assert float(row["fit (s)"]) >= 0
        if row["model"] in ("JointGroupGraphClassifier", "SparseMLPClassifier"):  # accuracy only
            assert [row[key] for key in ("TP", "FP", "F1", "rel. error")] == ["-"] * 4
            assert 0 <= float(row["accuracy"]) <= 1
            continue
        tp, _, n_true = row["TP"].partition("/")
        tp, fp, f1 = int(tp), int(row["FP"]), float(row["F1"])
        assert 0 <= f1 <= 1
        if row["rel. error"] == "-":  # a classifier of a known support: its accuracy
            assert 0 <= float(row["accuracy"]) <= 1
        else:
            assert row["accuracy"] == "-" and float(row["rel. error"]) >= 0
        if n_true:
            fn = int(n_true) - tp
            assert fn >= 0
            assert f1 == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=5e-4)


def test_demo_shows_that_structure_helps(demo_run):
    rows = {row["fitted"].split(",")[0]: row for row in parse_table(demo_run[1])
            if row["model"] == "GroupGraphLasso"}
    lasso, both = rows["lasso"], rows["group + graph"]
    assert float(both["F1"]) > float(lasso["F1"])
    assert float(both["rel. error"]) < float(lasso["rel. error"])


def test_demo_shows_that_homophilous_links_help(demo_run):
    rows = [row for row in parse_table(demo_run[1]) if row["model"] == "JointGroupGraphClassifier"]
    assert [row["fitted"].split(",")[0] for row in rows] == ["joint", "features only"]
    joint, features_only = (float(row["accuracy"]) for row in rows)
    assert joint > features_only + 0.1


def test_demo_shows_networks_that_prune_themselves(demo_run):
    rows = [row for row in parse_table(demo_run[1]) if row["model"] == "SparseMLPClassifier"]
    assert [row["fitted"].split(" ")[0] for row in rows] == ["dense,", "group_lasso",
                                                            "hoyer_square"]
    dense, group, hoyer = rows
    assert "100.0% weights nonzero, 100/100 neurons" in dense["fitted"]
    assert int(group["fitted"].split(", ")[-1].split("/")[0]) < 60  # neurons removed
    assert float(hoyer["fitted"].split(", ")[1].split("%")[0]) < 30
    for row in rows:
        assert float(row["accuracy"]) > 0.93


def _rows_of(models, out):
    return without_times([row for row in parse_table(out) if row["model"] in models])


def test_demo_no_plot_writes_nothing_and_prints_the_same_table(demo_run, two_demos, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run_main(["demo", "--no-plot"])
    assert status == 0 and err == ""
    assert list(tmp_path.iterdir()) == []
    assert "Figure saved" not in out
    # everything but the fit times is a function of random_state, drawn or not
    assert {row["model"] for row in parse_table(out)} == two_demos
    assert _rows_of(two_demos, out) == _rows_of(two_demos, demo_run[1])


def test_demo_without_matplotlib_says_how_to_install_it(demo_run, two_demos, tmp_path,
                                                        monkeypatch):
    for module in ["matplotlib", "matplotlib.pyplot", "matplotlib.figure",
                   "matplotlib.backends.backend_agg"]:
        monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    figure = tmp_path / "demo.png"
    status, out, err = run_main(["demo", "--output", str(figure), "--random-state", "1"])
    assert status == 0
    assert "matplotlib" in err and "pip install sksparse_struct[plot]" in err
    assert not figure.exists()
    assert {row["model"] for row in parse_table(out)} == two_demos
    assert "random_state=1" in out
    assert _rows_of(two_demos, out) != _rows_of(two_demos, demo_run[1])


def test_demo_checks_the_output_directory_before_fitting(tmp_path):
    status, out, err = run_main(["demo", "--output", str(tmp_path / "missing" / "demo.png")])
    assert status == 2
    assert "does not exist" in err and out == ""


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"sksparse-struct {__version__}"

    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "demo" in capsys.readouterr().out

    with pytest.raises(SystemExit) as exit_info:
        main([])  # a subcommand is required
    assert exit_info.value.code == 2


def test_console_script_is_registered():
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="sksparse-struct")
    assert script.load() is main


def test_python_m_runs_the_command_line():
    result = subprocess.run([sys.executable, "-m", "sksparse_struct", "--version"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sksparse-struct {__version__}"
    usage_error = subprocess.run([sys.executable, "-m", "sksparse_struct"],
                                 capture_output=True, text=True, timeout=120)
    assert usage_error.returncode == 2 and "COMMAND" in usage_error.stderr


def test_support_scores():
    coef = np.array([0.0, 1.5, 0.0, -2.0, 0.1])
    truth = np.array([0.0, 1.0, 1.0, -1.0, 0.0])
    tp, fp, f1 = support_scores(coef, truth)
    assert (tp, fp) == (2, 1)
    assert f1 == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert support_scores(np.zeros(3), np.zeros(3)) == (0, 0, 1.0)
    assert support_scores(np.zeros(3), np.ones(3)) == (0, 0, 0.0)


def test_select_alpha_one_standard_error_rule():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 30))
    y = X[:, :5] @ np.full(5, 1.0) + 2.0 * rng.standard_normal(100)
    X_train, X_val, y_train, y_val = X[:60], X[60:], y[:60], y[60:]
    alphas = np.geomspace(1.0, 1e-3, 20)

    # the rule, computed independently with sklearn's Lasso refitted from scratch
    mse, se = [], []
    for alpha in alphas:
        squared = (y_val - Lasso(alpha=alpha).fit(X_train, y_train).predict(X_val)) ** 2
        mse.append(squared.mean())
        se.append(squared.std() / np.sqrt(squared.size))
    best = np.argmin(mse)
    expected = alphas[np.flatnonzero(mse <= mse[best] + se[best])[0]]
    assert expected > alphas[best]  # the case tells the rule from the plain minimum

    chosen = select_alpha(Lasso(), alphas, X_train, y_train, X_val, y_val)
    assert chosen == pytest.approx(expected)
    # the order of the candidates does not matter
    assert select_alpha(Lasso(), alphas[::-1], X_train, y_train, X_val, y_val) == chosen

    # nothing to predict: the empty model is as good as any
    noise = rng.standard_normal(100)
    assert select_alpha(Lasso(), alphas, X_train, noise[:60], X_val, noise[60:]) == alphas.max()


def test_format_table_aligns_columns_and_ends_with_the_time():
    rows = [DemoRow("A", "variant one", 4, 3, 1, 0.75, 0.5, 0.01),
            DemoRow("LongerName", "v2", None, 10, 0, 1.0, 0.123456, 1.5),
            DemoRow.classification("C", "v3", 0.8, 2.0)]
    lines = format_table(rows).splitlines()
    assert lines[0].split()[-3:] == ["accuracy", "fit", "(s)"]
    assert len({len(line) for line in lines[:2]}) == 1
    assert lines[2].split() == ["A", "variant", "one", "3/4", "1", "0.750", "0.500", "-", "0.010"]
    assert lines[3].split() == ["LongerName", "v2", "10", "0", "1.000", "0.123", "-", "1.500"]
    assert lines[4].split() == ["C", "v3", "-", "-", "-", "-", "0.800", "2.000"]

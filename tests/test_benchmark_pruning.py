"""The pruning benchmark (``sksparse-struct benchmark pruning``), on tiny fake images."""

import contextlib
import io
import json

import numpy as np
import pytest
from sklearn.utils import Bunch

from sksparse_struct import _benchmark_pruning as bench
from sksparse_struct._cli import main


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def fake_mnist(data_home=None):
    # two classes told apart by the brightness of the first 100 pixels
    rng = np.random.default_rng(0)
    y = np.arange(300) % 2
    X = rng.integers(0, 60, (300, 784)).astype(np.uint8)
    X[y == 1, :100] += 150
    return Bunch(X_train=X[:200], y_train=y[:200], X_test=X[200:], y_test=y[200:])


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    save = tmp_path_factory.mktemp("pruning") / "results.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "load_mnist", fake_mnist)
        result = run_main(["benchmark", "pruning", "--penalty", "none", "--penalty",
                           "group_lasso", "--max-iter", "2", "--finetune-epochs", "1",
                           "--no-speed", "--save", str(save)])
    return (*result, save)


def test_cli_runs_the_benchmark_and_prints_the_table(cli_run):
    status, out, err, save = cli_run
    assert status == 0, err
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    assert lines[0].split("|")[1].strip() == "penalty"
    assert [line.split("|")[1].strip() for line in lines[1:]] == ["dense baseline",
                                                                 "group_lasso"]
    assert "max_iter=2 epochs before pruning, finetune_epochs=1" in out
    assert "Targets:" in out and "every configuration trains in <= 10 minutes" in out
    # the progress bar went to stderr, one step per configuration
    assert "2/2 steps" in err
    results = json.loads(save.read_text())["results"]
    assert [r["penalty"] for r in results] == ["none", "group_lasso"]
    dense = results[0]
    assert dense["density"] == 1.0 and dense["neurons"] == [300, 100]
    assert dense["macs"] == 784 * 300 + 300 * 100 + 100 * 1 == dense["macs_nonzero"]
    assert dense["accuracy"] > 0.9


def test_missing_file_is_a_clear_error_with_status_2(tmp_path):
    status, out, err = run_main(["benchmark", "pruning", "--data-home", str(tmp_path)])
    assert status == 2 and out == ""
    assert err.startswith("sksparse-struct benchmark pruning: error: mnist.npz not found in")


def test_unknown_penalty_is_a_usage_error():
    with pytest.raises(SystemExit) as exc, contextlib.redirect_stderr(io.StringIO()):
        main(["benchmark", "pruning", "--penalty", "l0"])
    assert exc.value.code == 2


def _result(penalty, accuracy, density, macs, predict_time=1.0, full=1.0, fit_time=100.0):
    return dict(penalty=penalty, accuracy=accuracy, density=density, macs=macs,
                predict_time=predict_time, predict_time_full=full, fit_time=fit_time,
                default=True)


def test_targets_say_met_and_missed_with_the_numbers():
    results = [_result("none", 0.984, 1.0, 266200),
               _result("l1", 0.980, 0.03, 200000),
               _result("hoyer_square", 0.981, 0.019, 150000),
               _result("group_lasso", 0.980, 0.2, 40000, predict_time=0.2, full=1.0),
               _result("group_hoyer_square", 0.975, 0.1, 30000, fit_time=700.0)]
    times = {"sklearn": 2.0, "sklearn 1 thread": 1.0, "none": 0.9, "l1": 1.1,
             "hoyer_square": 1.3}
    lines = bench.targets(results, times).splitlines()
    text = "\n".join(lines)
    assert "98.10% at 1.90% nonzero: met" in lines[0]
    assert "1.90% vs 3.00% nonzero" in lines[1] and lines[1].endswith("met")
    assert "group_lasso" in lines[2] and "85.0% removed, +0.40 points: met" in lines[2]
    assert "group_hoyer_square" in lines[3] and lines[3].endswith("MISSED")  # 0.9 point lost
    assert "5.0x (group_lasso): met" in lines[4]
    assert "worst 1.30x (hoyer_square): MISSED" in text
    assert "slowest 700 s (group_hoyer_square): MISSED" in text

"""The README's Quick start is what CI runs, and its usage snippet runs."""

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _quick_start():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = _quick_start()
    assert len(commands) == 2
    assert "sksparse-struct demo" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci


def _usage_snippets():
    usage = (ROOT / "README.md").read_text().split("## Usage", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", usage, re.S)


def test_usage_snippets_run():
    first, second, logistic, third, fourth = _usage_snippets()
    namespace = {}
    exec(compile(first, "README.md", "exec"), namespace)
    coef, true_coef = namespace["coef"], namespace["true_coef"]
    assert set(true_coef.nonzero()[0]) <= set(coef.nonzero()[0])
    exec(compile(second, "README.md", "exec"), namespace)
    assert (namespace["selected"] == namespace["C"].any(axis=0)).all()
    assert namespace["factors"].shape == (100, 3)
    exec(compile(logistic, "README.md", "exec"), namespace)
    assert namespace["logit"].score(namespace["X"], namespace["labels"]) > 0.8
    assert namespace["proba"].shape == (3, 2)
    exec(compile(third, "README.md", "exec"), namespace)
    assert namespace["accuracy"] > 0.8
    assert namespace["codes"].shape == (namespace["test"].size,
                                        namespace["clf"].dictionary_nodes_.size)
    exec(compile(fourth, "README.md", "exec"), namespace)
    assert namespace["neurons"][0] < 50 and namespace["accuracy"] > 0.9
    np.testing.assert_array_equal(namespace["small"].predict(namespace["X"] / 16),
                                  namespace["net"].predict(namespace["X"] / 16))

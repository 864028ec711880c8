"""The README's Quick start is what CI runs, and its usage snippet runs."""

import re
from pathlib import Path

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


def test_usage_snippet_runs():
    text = (ROOT / "README.md").read_text()
    code = re.search(r"## Usage\s+```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    coef, true_coef = namespace["coef"], namespace["true_coef"]
    assert set(true_coef.nonzero()[0]) <= set(coef.nonzero()[0])

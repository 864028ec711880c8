"""The examples: sphinx-gallery headers, and each script runs and saves ``<script name>.png``."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))


def test_examples_are_found():
    assert EXAMPLES


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_has_a_gallery_header_and_names_its_figure(script):
    source = script.read_text()
    lines = ast.get_docstring(ast.parse(source)).splitlines()
    over, title, under = lines[:3]
    assert set(over) == set(under) == {"="} and len(under) >= len(title.strip()) > 0
    assert lines[3] == "" and len(lines) > 4  # a paragraph follows the title
    assert f"{script.stem}.png" in source


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_and_saves_its_figure(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the example prints its results"
    figure = tmp_path / f"{script.stem}.png"
    assert figure.is_file()
    image = pytest.importorskip("matplotlib.image").imread(figure)[..., :3]
    assert image.shape[0] > 200 and image.shape[1] > 300
    # something was drawn in colour: empty axes are only white, grey and black
    assert np.mean(image.max(axis=-1) - image.min(axis=-1) > 0.2) > 0.01


def test_linked_data_example_falls_back_to_synthetic_data(tmp_path):
    # without the benchmark file the example must still run, and say what it used instead
    script = next(path for path in EXAMPLES if path.name == "plot_linked_data.py")
    empty = tmp_path / "no-data"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg", "SKSPARSE_STRUCT_DATA": str(empty)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "texas.npz not found" in result.stdout and "make_linked_data" in result.stdout
    assert (tmp_path / "plot_linked_data.png").is_file()

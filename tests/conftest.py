"""Fixtures shared by the tests."""

from pathlib import Path

import pytest

# the linked-data benchmark files sit next to the project checkout, not inside it
LINKED_DATA_HOME = Path(__file__).resolve().parent.parent / ".." / "shared" / "datasets"


@pytest.fixture
def linked_data_home(monkeypatch):
    """Folder of the linked-data benchmark files, also set as ``SKSPARSE_STRUCT_DATA``."""
    folder = LINKED_DATA_HOME.resolve()
    if not folder.is_dir():
        pytest.skip(f"linked-data benchmark files not found at {folder}")
    monkeypatch.setenv("SKSPARSE_STRUCT_DATA", str(folder))
    return folder

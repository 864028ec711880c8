"""The documentation: every public name has a page in the API reference and a full docstring."""

import configparser
import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

import sksparse_struct

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api.rst"

# Modules whose ``__all__`` the API reference lists; the names of every other public
# subpackage must be re-exported by one of them, unless it is an internal layer below.
DOCUMENTED_MODULES = ["sksparse_struct", "sksparse_struct.penalties"]
INTERNAL_SUBPACKAGES = {
    # the generic algorithms behind the estimators: their interfaces are the estimators'
    # business, not the users', and change with them
    "sksparse_struct.solvers",
}


def _documented_names():
    """``module.name`` of every autosummary entry of docs/api.rst."""
    names, module, in_autosummary = set(), None, False
    for line in API.read_text().splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module, in_autosummary = match.group(1), False
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif in_autosummary and line.startswith("   ") and not line.strip().startswith(":"):
            names.add(f"{module}.{line.strip()}")
        elif in_autosummary and line.strip() and not line.startswith(" "):
            in_autosummary = False
    return names


def _public_names():
    """(module, name) of every name the API reference must list."""
    return [(module, name) for module in DOCUMENTED_MODULES
            for name in importlib.import_module(module).__all__]


def _public_subpackages():
    return [f"sksparse_struct.{info.name}"
            for info in pkgutil.iter_modules(sksparse_struct.__path__)
            if info.ispkg and not info.name.startswith("_")]


def test_api_reference_lists_every_public_name():
    documented = _documented_names()
    missing = [f"{module}.{name}" for module, name in _public_names()
               if f"{module}.{name}" not in documented]
    assert not missing, f"add to docs/api.rst: {missing}"


def test_api_reference_lists_only_existing_names():
    for entry in _documented_names():
        module, name = entry.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), name), entry


def test_every_public_subpackage_is_reached_by_the_reference():
    documented = {id(getattr(importlib.import_module(module), name))  # ids: some are dicts
                  for module, name in _public_names()}
    for subpackage in _public_subpackages():
        if subpackage in DOCUMENTED_MODULES or subpackage in INTERNAL_SUBPACKAGES:
            continue
        module = importlib.import_module(subpackage)
        hidden = [name for name in module.__all__
                  if id(getattr(module, name)) not in documented]
        assert not hidden, (f"{subpackage} exports {hidden}: re-export them from sksparse_struct, "
                            f"or document {subpackage} in docs/api.rst and DOCUMENTED_MODULES")


def _takes_parameters(obj):
    signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    return any(name != "self" for name in signature.parameters)


@pytest.mark.parametrize("module, name", _public_names(), ids=lambda value: value)
def test_public_docstring_has_parameters_returns_and_examples(module, name):
    obj = getattr(importlib.import_module(module), name)
    doc = ClassDoc(obj) if inspect.isclass(obj) else FunctionDoc(obj)
    assert doc["Summary"], "a one-line summary"
    if _takes_parameters(obj):
        assert doc["Parameters"], "a Parameters section"
        documented = {p.name.split(":")[0] for p in doc["Parameters"]}
        documented = {part.strip() for names in documented for part in names.split(",")}
        signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
        undocumented = [p for p in signature.parameters if p != "self" and p not in documented]
        assert not undocumented, f"parameters without an entry: {undocumented}"
    if not inspect.isclass(obj):
        assert doc["Returns"] or doc["Yields"], "a Returns section"
    examples = doctest.DocTestParser().get_examples("\n".join(doc["Examples"]))
    assert examples, "an Examples section with doctest lines (>>>)"


def test_doctests_run_with_the_test_suite():
    # the Examples sections are run by pytest's doctest collection over the package
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert "--doctest-modules" in config["tool:pytest"]["addopts"].split()
    assert "sksparse_struct" in config["tool:pytest"]["testpaths"].split()

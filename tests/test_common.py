"""scikit-learn's estimator checks over every public estimator of the package."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sksparse_struct._discovery import all_estimators


def _instances():
    for _, cls in all_estimators():
        yield cls()


def test_discovery_finds_estimators():
    names = [name for name, _ in all_estimators()]
    assert "GroupGraphLasso" in names


@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name, cls", all_estimators())
def test_docstring_has_objective_references_and_examples(name, cls):
    doc = cls.__doc__
    for section in ("Parameters", "Attributes", "References", "Examples", ".. math::"):
        assert section in doc, f"{name} docstring lacks {section}"

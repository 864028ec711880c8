"""scikit-learn's estimator checks over every public estimator of the package."""

import networkx as nx
import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sksparse_struct import (
    GroupGraphLasso,
    GroupGraphLassoCV,
    GroupGraphLogisticRegression,
    GroupGraphLogisticRegressionCV,
    JointGroupGraphClassifier,
    SparseMLPClassifier,
    SparseMLPRegressor,
    SparseReducedRankRegression,
    SparseReducedRankRegressionCV,
    make_linked_data,
)
from sksparse_struct._discovery import all_estimators

# the networks' defaults (LeNet-300-100, 60 epochs) are sized for MNIST: the checks, which
# fit hundreds of times on tiny data, use a small network and a short schedule
_SMALL_MLP = dict(hidden_layer_sizes=(16,), max_iter=30, finetune_epochs=10,
                  learning_rate_init=1e-2, random_state=0)
_SMALL = {SparseMLPClassifier: _SMALL_MLP, SparseMLPRegressor: _SMALL_MLP}


def _instances():
    for _, cls in all_estimators():
        yield cls(**_SMALL.get(cls, {}))
    # structured instances: neuron-level group sparsity, and the scale-invariant penalty
    yield SparseMLPClassifier(penalty="group_lasso", alpha=1e-3, **_SMALL_MLP)
    yield SparseMLPRegressor(penalty="group_hoyer_square", alpha=1e-3, **_SMALL_MLP)


def test_discovery_finds_estimators():
    names = [name for name, _ in all_estimators()]
    assert "GroupGraphLasso" in names


@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# every term of the penalties switched on, so that the checks reach the group prox, the
# graph splitting of ADMM and the dual prox of the logistic model, not only an unpenalized
# fit: structure on features 0 and 1, which every check's X has except the one-feature
# check; tight tolerances, since some checks compare fits to 1e-9
STRUCTURE = {"groups": [[0, 1]], "graph": np.array([[0, 1, 0.5]]), "l1_reg": 0.5,
             "graph_reg": 0.5, "tol": 1e-8}
STRUCTURED = [
    GroupGraphLasso(0.05, **STRUCTURE, max_iter=20000),
    GroupGraphLogisticRegression(0.1, **STRUCTURE, max_iter=50000),
    GroupGraphLassoCV(n_alphas=4, cv=3, **STRUCTURE, max_iter=20000),
    GroupGraphLogisticRegressionCV(alphas=[0.3, 0.1], cv=3, **STRUCTURE, max_iter=50000),
    *[SparseReducedRankRegression(alpha=0.05, penalty=penalty, tol=1e-10, max_iter=1000)
      for penalty in ("group_lasso", "adaptive_group_lasso", "mcp", "scad", "log", "lq")],
    SparseReducedRankRegressionCV(ranks=[1], n_alphas=3, cv=3, penalty="mcp", tol=1e-8),
]
_ONE_FEATURE = {"check_fit2d_1feature": "the structure names feature 1, which a one-feature "
                                        "X does not have (a ValueError that says so)"}


_ITERATIVE = ("fits with weights and with repeated rows are two iterative solves, each "
              "to its tol: they agree to about 1e-8 where this check asks 1e-9; the "
              "equivalence is tested to 1e-6 in test_logistic.py, test_paths_cv.py and "
              "test_group_graph_lasso.py")
_WEIGHT_EQUIVALENCE = {"check_sample_weight_equivalence_on_dense_data": _ITERATIVE,
                       "check_sample_weight_equivalence_on_sparse_data": _ITERATIVE}


def _structured_expected_failures(estimator):
    failures = dict(_ONE_FEATURE) if "groups" in estimator.get_params() else {}
    if not isinstance(estimator, (GroupGraphLasso, GroupGraphLogisticRegression)):
        failures.update(_WEIGHT_EQUIVALENCE)  # the CV estimators and the alternation
    return failures


@parametrize_with_checks(STRUCTURED, expected_failed_checks=_structured_expected_failures)
def test_sklearn_compatible_structured_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name, cls", all_estimators())
def test_docstring_has_objective_references_and_examples(name, cls):
    doc = cls.__doc__
    for section in ("Parameters", "Attributes", "References", "Examples", ".. math::"):
        assert section in doc, f"{name} docstring lacks {section}"


class _NamedGraph(nx.Graph):
    """A networkx.Graph whose repr has no memory address: the test ids, built from the
    estimator's repr, are then the same in every process that collects them."""

    def __repr__(self):
        return f"Graph({self.number_of_nodes()} nodes, {self.number_of_edges()} edges)"


def _linked_instance():
    """JointGroupGraphClassifier with a graph: X holds node identifiers, shape (n, 1)."""
    data = make_linked_data(30, 3, 20, homophily=0.8, n_train_per_class=3, n_val=0, n_test=10,
                            random_state=0)
    return JointGroupGraphClassifier(_NamedGraph(data.graph), data.features,
                                     feature_propagation=0.5, residual_propagation=0.5)


_NOT_IDS = "X is random sample features, not a column of node identifiers of graph"
# the checks that fail only because X must be node identifiers of graph (an (n, 1) column
# of nodes): each one feeds sample features and fit rejects them before anything else
LINKED_EXPECTED_FAILURES = {
    "check_fit_score_takes_y": _NOT_IDS,
    "check_estimators_overwrite_params": _NOT_IDS,
    "check_dont_overwrite_parameters": _NOT_IDS,
    "check_estimators_fit_returns_self": _NOT_IDS,
    "check_readonly_memmap_input": _NOT_IDS,
    "check_n_features_in_after_fitting": _NOT_IDS,
    "check_positive_only_tag_during_fit": _NOT_IDS,
    "check_estimators_dtypes": _NOT_IDS,
    "check_complex_data": "complex X is rejected as 'not nodes of graph', not as complex data",
    "check_dtype_object": _NOT_IDS,
    "check_estimators_empty_data_messages": "an (n, 0) X fails the (n, 1) identifier shape "
                                            "check, with that message",
    "check_pipeline_consistency": _NOT_IDS,
    "check_estimators_nan_inf": "NaN in X is an unknown node identifier, not a NaN feature",
    "check_estimators_pickle": _NOT_IDS,
    "check_f_contiguous_array_estimator": _NOT_IDS,
    "check_classifier_data_not_an_array": _NOT_IDS,
    "check_classifiers_one_label": _NOT_IDS,
    "check_classifiers_classes": _NOT_IDS,
    "check_classifiers_train": _NOT_IDS,
    "check_classifiers_regression_target": "X is rejected (not node identifiers) before y is "
                                           "looked at",
    "check_supervised_y_2d": _NOT_IDS,
    "check_non_transformer_estimators_n_iter": _NOT_IDS,
    "check_decision_proba_consistency": _NOT_IDS,
    "check_methods_sample_order_invariance": _NOT_IDS,
    "check_methods_subset_invariance": _NOT_IDS,
    "check_fit2d_1sample": "a (1, p) X fails the identifier shape check, not the 1-sample one",
    "check_fit2d_1feature": "an (n, 1) float X is a column of unknown node identifiers",
    "check_dict_unchanged": _NOT_IDS,
    "check_fit_idempotent": _NOT_IDS,
    "check_fit_check_is_fitted": _NOT_IDS,
    "check_n_features_in": _NOT_IDS,
    "check_fit2d_predict1d": _NOT_IDS,
    "check_requires_y_none": "X is rejected (not node identifiers) before y=None is looked at",
}


@parametrize_with_checks([_linked_instance()],
                         expected_failed_checks=lambda estimator: LINKED_EXPECTED_FAILURES)
def test_sklearn_compatible_linked_estimator(estimator, check):
    check(estimator)

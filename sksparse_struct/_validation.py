"""Input validation shared by the estimators and their alpha_max functions.

Every estimator takes dense arrays, DataFrames and CSR/CSC matrices (never
densified), as float64, and rejects NaN and inf with scikit-learn's messages.
Classifiers of linked data take node identifiers instead (an (n, 1) column).
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

__all__ = ["check_sample_weight", "validate_class_labels", "validate_fit_data",
           "validate_node_ids", "validate_predict_data"]

_SPARSE_FORMATS = ("csr", "csc")


def validate_fit_data(estimator, X, y, *, multi_output=False):
    """``(X, y)`` for ``fit``; records ``n_features_in_`` (and feature names) on ``estimator``."""
    return validate_data(estimator, X, y, accept_sparse=_SPARSE_FORMATS, dtype=np.float64,
                         y_numeric=True, multi_output=multi_output)


def validate_predict_data(estimator, X):
    """``X`` for ``predict`` / ``transform`` of a fitted ``estimator``."""
    check_is_fitted(estimator)
    return validate_data(estimator, X, reset=False, accept_sparse=_SPARSE_FORMATS,
                         dtype=np.float64)


def check_sample_weight(sample_weight, X):
    """Validated non-negative ``sample_weight`` of shape (n_samples,) with a positive entry, or None."""
    if sample_weight is None:
        return None
    sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    if not np.any(sample_weight > 0):
        raise ValueError("sample_weight must have at least one positive entry")
    return sample_weight


def validate_class_labels(y):
    """Classes and encoded labels of a classification target.

    Rejects continuous targets with scikit-learn's message, accepts int or
    str labels, and flattens an (n, 1) column with a DataConversionWarning.

    Returns
    -------
    classes : ndarray, sorted unique labels
    encoded : ndarray of int, shape (n,), positions in ``classes``
    """
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    classes, encoded = np.unique(y, return_inverse=True)
    return classes, encoded


def validate_node_ids(X, index, *, what="X"):
    """Rows of the node identifiers in ``X`` (shape (n, 1)).

    ``index`` maps node -> row, or is the number of nodes when the nodes are
    the integers ``0..n-1`` (then identifiers are their own rows, checked
    without a lookup per identifier). Raises a ValueError naming the
    identifiers that are not nodes of the graph.
    """
    if sp.issparse(X):
        raise TypeError(f"{what} must hold node identifiers, not a sparse matrix")
    ids = X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X)
    if ids.ndim != 2 or ids.shape[1] != 1:
        raise ValueError(
            f"{what} must be an array of shape (n_samples, 1) holding node identifiers of "
            f"graph, got shape {ids.shape}; reshape a 1-d array with X.reshape(-1, 1)"
        )
    if ids.shape[0] == 0:
        raise ValueError(f"{what} holds no node identifiers (0 samples)")
    ids = ids[:, 0]
    if isinstance(index, Integral):
        rows = _integer_rows(ids)
        if rows is not None:
            outside = (rows < 0) | (rows >= index)
            if np.any(outside):
                raise ValueError(
                    f"{what} holds {int(outside.sum())} identifier(s) that are not nodes of "
                    f"graph (nodes 0..{index - 1}), e.g. {ids[outside][:5].tolist()}"
                )
            return rows
        index = {i: i for i in range(index)}
    rows = np.fromiter((index.get(_hashable(v), -1) for v in ids), dtype=np.intp,
                       count=ids.size)
    missing = ids[rows < 0]
    if missing.size:
        raise ValueError(
            f"{what} holds {missing.size} identifier(s) that are not nodes of graph, e.g. "
            f"{missing[:5].tolist()}"
        )
    return rows


def _integer_rows(ids):
    """``ids`` as an int array when their dtype is numeric and every value whole, else None."""
    if ids.dtype.kind in "iu":
        return ids.astype(np.intp)
    if ids.dtype.kind == "f" and np.all(np.isfinite(ids)) and np.all(ids == np.round(ids)):
        return ids.astype(np.intp)
    return None


def _hashable(value):
    # numpy scalars hash like Python scalars; float identifiers that are whole numbers
    # (X cast to float by a pipeline step) find their integer node
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

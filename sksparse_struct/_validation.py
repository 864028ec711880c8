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

__all__ = ["validate_class_labels", "validate_fit_data", "validate_fold_weights",
           "validate_node_ids", "validate_predict_data", "validate_sample_weight"]

_SPARSE_FORMATS = ("csr", "csc")


# Data whose squares (summed over the samples and features) overflow or underflow
# float64 cannot be fitted: the Gram products, residual norms and step sizes are not
# representable. The bounds leave a margin of 1e4 on each side of sqrt(max) / sqrt(tiny).
_LARGEST_SCALE = np.sqrt(np.finfo(np.float64).max) * 1e-4
_SMALLEST_SCALE = np.sqrt(np.finfo(np.float64).tiny) * 1e4


def validate_fit_data(estimator, X, y, *, multi_output=False):
    """``(X, y)`` for ``fit``; records ``n_features_in_`` (and feature names) on ``estimator``.

    Besides scikit-learn's checks: ``y`` must be numeric (a ValueError names
    it otherwise), and X and y must have a scale whose squares float64
    represents (a ValueError says to rescale them, see ``_check_scale``).
    """
    _check_numeric_target(y)
    X, y = validate_data(estimator, X, y, accept_sparse=_SPARSE_FORMATS, dtype=np.float64,
                         y_numeric=True, multi_output=multi_output)
    _check_scale(X, "X")
    _check_scale(y, "y")
    return X, y


def _check_numeric_target(y):
    if y is None or sp.issparse(y):
        return  # scikit-learn's own checks report these
    kind = np.asarray(y).dtype.kind if hasattr(y, "dtype") or isinstance(y, (list, tuple)) else ""
    if kind in "USO":
        values = np.asarray(y, dtype=object).ravel()
        strings = [v for v in values if isinstance(v, (str, bytes))]
        if strings:
            raise ValueError(
                "y must hold numbers (these are regression estimators), got strings such as "
                f"{strings[0]!r}; for class labels use a classifier"
            )


def _check_scale(a, name):
    """Reject data whose magnitude makes sums of squares overflow or underflow float64."""
    values = a.data if sp.issparse(a) else a
    largest = float(np.max(np.abs(values), initial=0.0))
    if largest == 0.0:
        return
    size = float(np.prod(a.shape))
    if largest * np.sqrt(size) > _LARGEST_SCALE or largest < _SMALLEST_SCALE:
        raise ValueError(
            f"{name} has entries of magnitude up to {largest:.3g}: at that scale the sums of "
            f"squares of {name} are not representable in float64 (about 1e-308 to 1e308), so "
            f"the solvers cannot evaluate the loss; rescale {name}, e.g. divide it by its "
            "largest absolute value (sklearn.preprocessing.MaxAbsScaler), and scale the "
            "coefficients back"
        )


def validate_sample_weight(sample_weight, X):
    """Non-negative ``sample_weight`` with a positive entry, divided by its largest entry.

    The estimators rescale the weights to sum to ``n_samples``; dividing by the
    largest first keeps that sum finite and non-zero for any representable
    weights (1e-320 or 1e308 alike). None stays None (unit weights).
    """
    if sample_weight is None:
        return None
    try:
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    except ValueError as exc:  # some of scikit-learn's messages say "Sample weights"
        if "sample_weight" in str(exc):
            raise
        raise ValueError(f"sample_weight: {exc}") from exc
    largest = float(np.max(sample_weight, initial=0.0))
    if not largest > 0:
        raise ValueError("sample_weight must have at least one positive entry")
    return sample_weight / largest


def validate_fold_weights(sample_weight, folds):
    """Reject CV folds whose training or held-out samples all have zero weight.

    Such a fold has no model to fit, or no error to average: raising before
    any fit names the fold, where a division by zero deep in the path would not.
    """
    if sample_weight is None:
        return
    for k, (train, test) in enumerate(folds, start=1):  # numbered as the verbose output does
        for part, rows in (("training", train), ("held-out", test)):
            if not np.any(sample_weight[rows] > 0):
                raise ValueError(
                    f"CV fold {k} has no {part} sample of positive sample_weight: it has "
                    f"nothing to {'fit' if part == 'training' else 'score'}. Shuffle the folds "
                    "(KFold or StratifiedKFold with shuffle=True) or drop the samples of zero "
                    "weight.")


def validate_predict_data(estimator, X):
    """``X`` for ``predict`` / ``transform`` of a fitted ``estimator``."""
    check_is_fitted(estimator)
    return validate_data(estimator, X, reset=False, accept_sparse=_SPARSE_FORMATS,
                         dtype=np.float64)


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

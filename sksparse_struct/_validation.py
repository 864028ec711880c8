"""Input validation shared by the estimators and their alpha_max functions.

Every estimator takes dense arrays, DataFrames and CSR/CSC matrices (never
densified), as float64, and rejects NaN and inf with scikit-learn's messages.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["validate_fit_data", "validate_predict_data"]

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

"""Discovery of the public estimators, so that common checks cover every new one."""

import inspect

from sklearn.base import BaseEstimator


def all_estimators():
    """Public estimator classes of sksparse_struct, as sorted ``(name, class)`` pairs."""
    import sksparse_struct

    found = []
    for name in sksparse_struct.__all__:
        obj = getattr(sksparse_struct, name)
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator) and not inspect.isabstract(obj):
            found.append((name, obj))
    return sorted(found)

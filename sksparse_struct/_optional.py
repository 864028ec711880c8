"""Optional dependencies, imported on use with a message that says how to install them."""

import importlib


def _import(module, package, extra):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"this feature needs the optional dependency '{package}'; install it with "
            f"`pip install {package}` or `pip install sksparse_struct[{extra}]`"
        ) from exc


def import_cvxpy():
    return _import("cvxpy", "cvxpy", "cvxpy")


def import_pyplot():
    return _import("matplotlib.pyplot", "matplotlib", "plot")

"""BLAS threading for iteration loops and for the setup of small problems.

The loops of the solvers are matrix-vector products and small solves. There
BLAS threads add synchronization and no speed, and when the cores are busy
(other processes, parallel cross-validation, or the two OpenBLAS builds that
the numpy and scipy wheels each load) a multithreaded call waits for a
descheduled thread: we measured fits 40 times slower on 2 busy cores. The
loops therefore run with one BLAS thread.

The setup (Gram matrices and factorizations, level-3 BLAS) gains from threads
only when it is large: on 2 idle cores at most a factor 2, on busy ones a
loss of 1.5 to 17 times for fits of hundreds to thousands of samples and
features (``benchmarks/bench_threads.py``, docs/benchmarks.md).
:func:`blas_threads_by_size` therefore runs a whole fit with one BLAS thread
unless its setup costs at least :data:`THREADED_SETUP_FLOPS` floating-point
operations; larger fits keep the user's setting for their setup.
"""

import threading
from contextlib import contextmanager, nullcontext
from functools import lru_cache, wraps

import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded_blas", "blas_threads_by_size", "THREADED_SETUP_FLOPS"]

#: setup cost (floating-point operations of the Gram matrix and ``X^T y``, see
#: :func:`_setup_flops`) from which a fit keeps the user's BLAS threads: about a
#: second of one core
THREADED_SETUP_FLOPS = 1e10

# the BLAS thread limit belongs to the process, not to a thread: concurrent fits
# (joblib's threading backend, a web server) share one limit, taken by the first
# that enters and restored by the last that leaves; nested uses are free
_lock = threading.Lock()
_state = {"depth": 0, "limiter": None}


@lru_cache(maxsize=1)
def _controller():
    # inspecting the loaded libraries is the costly part: do it once
    return ThreadpoolController()


@contextmanager
def single_threaded_blas():
    """Context manager limiting every loaded BLAS library to one thread.

    Re-entrant and safe across threads: the user's setting is restored when
    the last of the overlapping uses ends.
    """
    with _lock:
        if _state["depth"] == 0:
            _state["limiter"] = _controller().limit(limits=1, user_api="blas")
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None


def _shape(a):
    """The shape of an array, sparse matrix, DataFrame or nested sequence; () if unknown.

    No numpy function is called on ``a``: objects that refuse numpy's dispatch
    (as sklearn's checks pass) are left to validation.
    """
    shape = getattr(a, "shape", None)
    if shape is not None:
        return tuple(shape)
    try:
        first = a[0]
        return (len(a), len(first)) if hasattr(first, "__len__") and not isinstance(first, str) \
            else (len(a),)
    except (TypeError, IndexError, KeyError):
        return ()


def _setup_flops(X, y):
    """Cost of the Gram matrix of ``X`` and of ``X^T y``: ``work(X) * (min(n, p) + q)``."""
    shape = _shape(X)
    if len(shape) != 2:
        return 0.0  # not a matrix: validation will say so
    n, p = shape
    y_shape = _shape(y)
    q = y_shape[1] if len(y_shape) == 2 else 1
    work = X.nnz if sp.issparse(X) else n * p
    return float(work) * (min(n, p) + q)


def blas_threads_by_size(fit):
    """Decorate a fit to run with one BLAS thread when its problem is small.

    The decorated callable takes ``X`` as its first argument after ``self`` for a
    method (``fit(self, X, y, ...)``) or as its first argument for a function
    (``f(X, y, ...)``); see the module doc for the rule.
    """
    is_method = fit.__code__.co_varnames[:1] == ("self",)

    @wraps(fit)
    def wrapper(*args, **kwargs):
        data = args[1:] if is_method else args
        X = data[0] if data else kwargs.get("X")
        y = data[1] if len(data) > 1 else kwargs.get("y", kwargs.get("Y"))
        small = _setup_flops(X, y) < THREADED_SETUP_FLOPS
        with single_threaded_blas() if small else nullcontext():
            return fit(*args, **kwargs)

    return wrapper

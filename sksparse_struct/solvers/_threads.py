"""BLAS threading for iteration loops.

The loops of the solvers are matrix-vector products and small solves. There
BLAS threads add synchronization and no speed, and when the cores are busy
(other processes, parallel cross-validation, or the two OpenBLAS builds that
the numpy and scipy wheels each load) a multithreaded call waits for a
descheduled thread: we measured fits 40 times slower on 2 busy cores. The
loops therefore run with one BLAS thread; the setup (Gram matrices and
factorizations, level-3 BLAS) keeps the user's setting.
"""

import threading
from contextlib import contextmanager
from functools import lru_cache

from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded_blas"]

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

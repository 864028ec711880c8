"""BLAS threading for iteration loops.

The loops of the solvers are matrix-vector products and small solves. There
BLAS threads add synchronization and no speed, and when the cores are busy
(other processes, parallel cross-validation, or the two OpenBLAS builds that
the numpy and scipy wheels each load) a multithreaded call waits for a
descheduled thread: we measured fits 40 times slower on 2 busy cores. The
loops therefore run with one BLAS thread; the setup (Gram matrices and
factorizations, level-3 BLAS) keeps the user's setting.
"""

from functools import lru_cache

from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded_blas"]


@lru_cache(maxsize=1)
def _controller():
    # inspecting the loaded libraries is the costly part: do it once
    return ThreadpoolController()


def single_threaded_blas():
    """Context manager limiting every loaded BLAS library to one thread."""
    return _controller().limit(limits=1, user_api="blas")

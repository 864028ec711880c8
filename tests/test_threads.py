"""The BLAS thread limit of the solver loops is safe across threads."""

import threading

from threadpoolctl import threadpool_info, threadpool_limits

from sksparse_struct.solvers import _threads
from sksparse_struct.solvers._threads import single_threaded_blas


def _blas_threads():
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


def test_nested_uses_limit_and_restore():
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with single_threaded_blas():
            with single_threaded_blas():
                assert set(_blas_threads()) <= {1}
            assert set(_blas_threads()) <= {1}
        assert _blas_threads() == before


class _ProcessWideLimit:
    """A BLAS whose thread count is one number for the whole process, as threadpoolctl sets it."""

    def __init__(self):
        self.threads = 2

    def limit(self, limits, user_api):
        saved, self.threads = self.threads, limits
        owner = self

        class Limiter:
            def restore_original_limits(self):
                owner.threads = saved

        return Limiter()


def test_overlapping_uses_in_threads_restore_the_users_setting(monkeypatch):
    """A enters, B enters, A leaves, B leaves: B must not restore the limit A had set."""
    blas = _ProcessWideLimit()
    monkeypatch.setattr(_threads, "_controller", lambda: blas)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def first():
        with single_threaded_blas():
            a_in.set()
            b_in.wait(5)
            seen.append(blas.threads)
        a_out.set()

    def second():
        a_in.wait(5)
        with single_threaded_blas():
            b_in.set()
            a_out.wait(5)
            seen.append(blas.threads)  # A has left, B still runs: still limited

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == [1, 1]
    assert blas.threads == 2

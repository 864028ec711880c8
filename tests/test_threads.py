"""BLAS threads: the limit of the solver loops is safe across threads, and small fits run
with one thread (sksparse_struct/solvers/_threads.py)."""

import inspect
import threading

import numpy as np
import pytest
import scipy.sparse as sp
from threadpoolctl import threadpool_info, threadpool_limits

from sksparse_struct import (
    GroupGraphLasso,
    GroupGraphLassoCV,
    GroupGraphLogisticRegression,
    GroupGraphLogisticRegressionCV,
    SparseReducedRankRegression,
    SparseReducedRankRegressionCV,
    group_graph_alpha_max,
    group_graph_logistic_alpha_max,
    group_graph_path,
    reduced_rank_alpha_max,
)
from sksparse_struct.linear_model import _problem
from sksparse_struct.solvers import _threads
from sksparse_struct.solvers._threads import _setup_flops, single_threaded_blas


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


# ----------------------------------------------------------------- threads by problem size

@pytest.fixture
def two_threads():
    """BLAS at two threads for the test, so that a limit to one can be seen."""
    if not _blas_threads():
        pytest.skip("no BLAS library reported by threadpoolctl")
    with threadpool_limits(2, user_api="blas"):
        if max(_blas_threads()) < 2:
            pytest.skip("the BLAS library runs one thread only here")
        yield


def _record_setup_threads(monkeypatch):
    """Record the BLAS threads seen while the least-squares problem is built (the setup)."""
    seen = []
    build = _problem.GroupGraphProblem.build.__func__

    def spy(cls, *args, **kwargs):
        seen.append(_blas_threads())
        return build(cls, *args, **kwargs)

    monkeypatch.setattr(_problem.GroupGraphProblem, "build", classmethod(spy))
    return seen


def test_small_fit_runs_its_setup_with_one_thread_and_restores_the_setting(two_threads,
                                                                         monkeypatch):
    seen = _record_setup_threads(monkeypatch)
    X = np.random.default_rng(0).standard_normal((50, 20))
    before = _blas_threads()
    GroupGraphLasso(0.1, groups=np.repeat(np.arange(5), 4)).fit(X, X[:, 0])
    assert seen and all(n == 1 for n in seen[0])
    assert _blas_threads() == before


def test_large_fit_keeps_the_user_setting_for_its_setup(two_threads, monkeypatch):
    seen = _record_setup_threads(monkeypatch)
    monkeypatch.setattr(_threads, "THREADED_SETUP_FLOPS", 100.0)  # every problem is "large"
    X = np.random.default_rng(0).standard_normal((50, 20))
    GroupGraphLasso(0.1, groups=np.repeat(np.arange(5), 4)).fit(X, X[:, 0])
    assert seen and max(seen[0]) >= 2


def test_setup_flops():
    X = np.ones((30, 10))
    assert _setup_flops(X, np.ones(30)) == 30 * 10 * (10 + 1)
    assert _setup_flops(X, np.ones((30, 4))) == 30 * 10 * (10 + 4)
    assert _setup_flops(X.tolist(), None) == 30 * 10 * (10 + 1)
    S = sp.random(30, 10, density=0.2, format="csr", random_state=0)
    assert _setup_flops(S, None) == S.nnz * (10 + 1)
    assert _setup_flops(np.ones(5), None) == 0.0  # not a matrix: left to validation


@pytest.mark.parametrize("fit", [
    GroupGraphLasso.fit, GroupGraphLassoCV.fit, GroupGraphLogisticRegression.fit,
    GroupGraphLogisticRegressionCV.fit, SparseReducedRankRegression.fit,
    SparseReducedRankRegressionCV.fit, group_graph_alpha_max, group_graph_logistic_alpha_max,
    group_graph_path, reduced_rank_alpha_max,
])
def test_decorated_callables_keep_their_signature(fit):
    assert hasattr(fit, "__wrapped__")
    assert inspect.signature(fit) == inspect.signature(fit.__wrapped__)

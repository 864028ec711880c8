"""Monotone FISTA on a multi-task weighted group lasso, against cvxpy."""

import numpy as np
import pytest

from sksparse_struct._structure import Groups
from sksparse_struct.penalties import SparseGroupL2
from sksparse_struct.penalties import RowGroupL2
from sksparse_struct.solvers import Quadratic, accelerated_proximal_gradient


def _problem(seed=0, n=40, p=15, r=3):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    Tgt = Z[:, :4] @ rng.standard_normal((4, r)) + 0.5 * rng.standard_normal((n, r))
    G = Z.T @ Z
    return Z, Tgt, G, Z.T @ Tgt, float(np.linalg.eigvalsh(G)[-1])


def test_row_group_lasso_is_sparse_group_l2_on_rows():
    # the same penalty as the package's SparseGroupL2 (no l1 part) with the rows as groups
    rng = np.random.default_rng(3)
    V = rng.standard_normal((6, 4))
    V[2] = 0.0
    w = rng.uniform(0.0, 2.0, size=6)
    groups = Groups(indices=np.arange(24), ptr=np.arange(0, 25, 4), weights=w, n_features=24)
    flat = SparseGroupL2(0.0, w, groups)
    pen = RowGroupL2(w)
    assert pen.value(V) == pytest.approx(flat.value(V.ravel()))
    np.testing.assert_allclose(pen.prox(V, 0.8).ravel(), flat.prox(V.ravel(), 0.8), atol=1e-14)


def test_row_group_lasso_moreau_identity():
    # v = prox_{s h}(v) + s prox_{h*/s}(v/s); h* is the indicator of the balls ||.|| <= w_j,
    # so v - prox(v) is the projection of each row onto the ball of radius s w_j
    rng = np.random.default_rng(1)
    V = rng.standard_normal((8, 3)) * 2
    w = rng.uniform(0.0, 3.0, size=8)
    step = 0.7
    P = RowGroupL2(w).prox(V, step)
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    proj = V * np.minimum(1.0, step * w[:, None] / norms)
    np.testing.assert_allclose(V - P, proj, atol=1e-12)


def test_matches_cvxpy():
    cp = pytest.importorskip("cvxpy")
    Z, Tgt, G, M, L = _problem()
    w = np.linspace(0.5, 8.0, G.shape[0])
    res = accelerated_proximal_gradient(Quadratic(G.__matmul__, M, L), RowGroupL2(w),
                                        np.zeros_like(M), max_iter=20000, tol=1e-10)
    B = cp.Variable(M.shape)
    obj = 0.5 * cp.sum_squares(Z @ B - Tgt) + cp.sum(cp.multiply(w, cp.norm(B, 2, axis=1)))
    cp.Problem(cp.Minimize(obj)).solve(solver=cp.CLARABEL)
    const = 0.5 * np.sum(Tgt**2)
    assert res.converged
    assert res.objective + const == pytest.approx(obj.value, rel=1e-7)
    np.testing.assert_allclose(res.x, B.value, atol=1e-5)
    # exact zeros where cvxpy's rows vanish
    zero = np.linalg.norm(B.value, axis=1) < 1e-6
    assert zero.any() and np.all(res.x[zero] == 0)


def test_monotone_and_warm_start():
    _, _, G, M, L = _problem(2)
    pen = RowGroupL2(np.full(G.shape[0], 3.0))
    quad = Quadratic(G.__matmul__, M, L)
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(M.shape)
    start = 0.5 * np.sum(x0 * (G @ x0)) - np.sum(M * x0) + pen.value(x0)
    for n_iter in (1, 2, 5, 30):
        res = accelerated_proximal_gradient(quad, pen, x0, max_iter=n_iter, tol=0.0)
        assert res.objective <= start
    cold = accelerated_proximal_gradient(quad, pen, np.zeros_like(M), max_iter=5000, tol=1e-8)
    warm = accelerated_proximal_gradient(quad, pen, cold.x, max_iter=5000, tol=1e-8)
    assert warm.n_iter < cold.n_iter and warm.objective <= cold.objective


def test_zero_linear_term_gives_zero():
    _, _, G, M, L = _problem()
    res = accelerated_proximal_gradient(Quadratic(G.__matmul__, np.zeros_like(M), L),
                                        RowGroupL2(np.ones(G.shape[0])), np.ones_like(M))
    assert res.converged and not res.x.any()

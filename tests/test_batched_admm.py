"""Batched ADMM (many quadratic problems over one Cholesky) and the batch penalties.

Every solution is checked against an independent cvxpy model of the
objective ``0.5 x'Gx - b'x + sum_j c_j |x_j| + sum_g lam_g ||x_g|| +
sum_e w_e |x_i - x_j|`` written here from its definition (raw index lists,
an explicit edge list, ``+inf`` l1 weights as equality constraints), and by
a KKT certificate built from the solver's own multipliers.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sksparse_struct._structure import Groups
from sksparse_struct.penalties import SparseGroupL2, WeightedL1
from sksparse_struct.solvers import kkt_violation

from ._reference import QuadraticLoss
from sksparse_struct.solvers.batched_admm import (BatchedADMMResult, SharedFactorization,
                                                  batched_admm)

cp = pytest.importorskip("cvxpy")


# --------------------------------------------------------------- random problems
class RandomProblem:
    """A batch of ``k`` problems over ``m`` coordinates, kept as raw lists for the reference."""

    def __init__(self, m, k, *, p=None, fused=False, per_column=False, n_inf=0, seed=0,
                 ungrouped=2, scales=(0.3, 1.0, 3.0)):
        rng = np.random.default_rng(seed)
        p = m + 5 if p is None else p
        self.m, self.k = m, k
        D = rng.standard_normal((m, p))
        self.dictionary = D / np.linalg.norm(D, axis=1, keepdims=True)  # unit atoms
        self.gram = self.dictionary @ self.dictionary.T
        # queries of different sizes so that columns converge at different iterations
        Q = rng.standard_normal((k, p))
        Q /= np.linalg.norm(Q, axis=1, keepdims=True)
        Q *= rng.choice(scales, size=k)[:, None]
        self.rhs = self.dictionary @ Q.T  # (m, k)
        # class groups of unequal sizes, a few coordinates in no group
        perm = rng.permutation(m)
        grouped = perm[: m - min(ungrouped, m - 1)]
        n_groups = max(1, min(4, grouped.size // 2))
        cuts = np.sort(rng.choice(np.arange(1, grouped.size), size=n_groups - 1, replace=False)) \
            if n_groups > 1 else np.array([], dtype=int)
        self.group_lists = [np.sort(g) for g in np.split(grouped, cuts)]
        sizes = np.array([g.size for g in self.group_lists])
        self.group_weights = 0.05 * np.sqrt(sizes) * rng.uniform(0.5, 2.0, n_groups)
        self.groups = Groups(np.concatenate(self.group_lists).astype(np.intp),
                             np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp),
                             np.sqrt(sizes.astype(float)), m)
        # l1 weights: shared (m,) or per column (m, k), +inf forcing zeros
        l1 = rng.uniform(0.01, 0.08, (m, k) if per_column else m)
        if n_inf:
            if per_column:
                for q in range(k):
                    l1[rng.choice(m, size=n_inf, replace=False), q] = np.inf
            else:
                l1[rng.choice(m, size=n_inf, replace=False)] = np.inf
        self.l1 = l1
        # a fused block over random edges (the classifier's same-class links)
        self.edges = []
        if fused:
            j, i = np.triu_indices(m, 1)
            keep = rng.random(j.size) < min(1.0, 3.0 / m)
            self.edges = list(zip(j[keep], i[keep], rng.uniform(0.01, 0.06, keep.sum())))
        self.fused = bool(self.edges)

    def l1_column(self, q):
        return self.l1[:, q] if np.ndim(self.l1) == 2 else self.l1

    def blocks(self, columns=None):
        """Library blocks; ``columns`` restricts per-column l1 weights to those columns."""
        l1 = self.l1
        if columns is not None and np.ndim(l1) == 2:
            l1 = l1[:, columns]
        blocks = [(None, SparseGroupL2(l1, self.group_weights, self.groups))]
        if self.fused:
            e = np.arange(len(self.edges))
            a = np.array([j for j, _, _ in self.edges])
            b = np.array([i for _, i, _ in self.edges])
            K = sp.csr_matrix((np.r_[np.ones(e.size), -np.ones(e.size)],
                               (np.r_[e, e], np.r_[a, b])), shape=(e.size, self.m))
            blocks.append((K, WeightedL1(np.array([w for _, _, w in self.edges]))))
        return blocks

    def column_blocks(self, q):
        """Vector (single-problem) blocks of column ``q``."""
        blocks = self.blocks()
        first = SparseGroupL2(self.l1_column(q), self.group_weights, self.groups)
        return [(None, first)] + blocks[1:]

    def objective(self, x, q):
        """Plain-numpy objective of column ``q`` (inf where an infinite weight meets x != 0)."""
        c = self.l1_column(q)
        if np.any(np.isinf(c) & (x != 0)):
            return np.inf
        finite = np.isfinite(c)
        value = 0.5 * x @ self.gram @ x - self.rhs[:, q] @ x + np.sum(c[finite] * np.abs(x[finite]))
        value += sum(w * np.linalg.norm(x[g]) for w, g in zip(self.group_weights, self.group_lists))
        value += sum(w * abs(x[j] - x[i]) for j, i, w in self.edges)
        return value

    def cvxpy_solutions(self):
        """Each column solved by one cvxpy model (parameters: b, finite l1 weights, zero mask)."""
        x = cp.Variable(self.m)
        b = cp.Parameter(self.m)
        c = cp.Parameter(self.m, nonneg=True)
        mask = cp.Parameter(self.m, nonneg=True)
        terms = [0.5 * cp.sum_squares(self.dictionary.T @ x), -b @ x,
                 cp.sum(cp.multiply(c, cp.abs(x)))]
        terms += [w * cp.norm(x[g], 2) for w, g in zip(self.group_weights, self.group_lists)]
        terms += [w * cp.abs(x[j] - x[i]) for j, i, w in self.edges]
        problem = cp.Problem(cp.Minimize(cp.sum(terms)), [cp.multiply(mask, x) == 0])
        out = np.empty((self.m, self.k))
        for q in range(self.k):
            weights = self.l1_column(q)
            b.value = self.rhs[:, q]
            c.value = np.where(np.isfinite(weights), weights, 0.0)
            mask.value = np.isinf(weights).astype(float)
            with warnings.catch_warnings():  # "inaccurate": judged by the objective below
                warnings.simplefilter("ignore", UserWarning)
                problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-9, tol_gap_rel=1e-9,
                              tol_feas=1e-9, max_iter=500)
            assert problem.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE), problem.status
            out[:, q] = x.value
        return out


def _kkt(problem, result, q):
    """KKT certificate of column ``q`` from the result's multipliers and split points."""
    blocks = problem.column_blocks(q)
    loss = QuadraticLoss(problem.gram, problem.rhs[:, q])
    # +inf weights: subdiff_distance computes inf * sign(0) in the branch np.where discards
    with np.errstate(invalid="ignore"):
        return kkt_violation(loss, blocks, result.coef[:, q],
                             [lam[:, q] for lam in result.multipliers],
                             points=[z[:, q] for z in result.points])


def _check_against_cvxpy(problem, result, *, supports=True):
    reference = problem.cvxpy_solutions()
    scale = np.max(np.abs(problem.rhs)) ** 2  # the objective's natural size
    for q in range(problem.k):
        ours = problem.objective(result.coef[:, q], q)
        theirs = problem.objective(np.where(np.isinf(problem.l1_column(q)), 0.0,
                                            reference[:, q]), q)
        assert abs(ours - theirs) <= 1e-6 * max(abs(theirs), 1e-3 * scale), (q, ours, theirs)
        if supports:
            x, r = result.coef[:, q], reference[:, q]
            size = np.linalg.norm(problem.rhs[:, q])  # the size of a coefficient (unit atoms)
            clear = np.abs(r) > 1e-4 * size
            assert np.all(x[clear] != 0), q
            np.testing.assert_array_equal(np.sign(x[clear]), np.sign(r[clear]))
            # what we keep is really in the support of the reference
            assert np.all(np.abs(r[np.abs(x) > 1e-4 * size]) > 1e-6 * size), q
        # solved to tol=1e-9: stationarity and multipliers within a few 1e-9 of the gradient size
        assert _kkt(problem, result, q) <= 2e-8 * max(1.0, np.sqrt(scale)), q


# (m, k, options): m atoms 5..60, k columns 1..50
CASES = {
    "m5-k1": (5, 1, dict()),
    "m5-k3-fused-inf": (5, 3, dict(fused=True, per_column=True, n_inf=1)),
    "m12-k7-fused": (12, 7, dict(fused=True)),
    "m20-k12-shared-inf": (20, 12, dict(n_inf=3)),
    "m30-k20-fused-per-column-inf": (30, 20, dict(fused=True, per_column=True, n_inf=4)),
    "m60-k50-per-column-inf": (60, 50, dict(per_column=True, n_inf=6)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_column_matches_cvxpy(name):
    m, k, options = CASES[name]
    problem = RandomProblem(m, k, seed=len(name), **options)
    result = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=50000)
    assert isinstance(result, BatchedADMMResult)
    assert result.coef.shape == (m, k) and result.converged.all()
    assert problem.fused == (len(result.multipliers) == 2)
    for q in range(k):  # +inf weights give exact zeros
        assert np.all(result.coef[np.isinf(problem.l1_column(q)), q] == 0.0)
    assert np.any(result.coef != 0)
    if m * k >= 15:
        assert np.any(result.coef == 0)  # a sparse, non-trivial case
    _check_against_cvxpy(problem, result)


@pytest.mark.parametrize("fused", [False, True])
def test_rank_deficient_gram_matches_cvxpy(fused):
    """Fewer features than atoms (G singular): objective and certificate (supports not unique)."""
    problem = RandomProblem(40, 10, p=15, fused=fused, per_column=True, n_inf=3, seed=3)
    result = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=50000)
    assert result.converged.all()
    _check_against_cvxpy(problem, result, supports=False)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(40))
def test_many_random_problems_match_cvxpy(seed):
    rng = np.random.default_rng(100 + seed)
    m, k = int(rng.integers(5, 61)), int(rng.integers(1, 51))
    options = dict(fused=bool(rng.integers(2)), per_column=bool(rng.integers(2)),
                   n_inf=int(rng.integers(0, max(1, m // 5))), ungrouped=int(rng.integers(0, 4)))
    problem = RandomProblem(m, k, seed=seed, **options)
    result = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=50000)
    assert result.converged.all()
    _check_against_cvxpy(problem, result)


def test_certificate_detects_a_wrong_point():
    problem = RandomProblem(20, 4, fused=True, seed=5)
    result = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=50000)
    assert max(_kkt(problem, result, q) for q in range(4)) < 1e-7
    result.coef[:, 0] += 1e-2
    result.points[0][:, 0] += 1e-2
    assert _kkt(problem, result, 0) > 1e-4


@pytest.mark.parametrize("options", [dict(), dict(fused=True, per_column=True, n_inf=3)],
                         ids=["shared", "fused-per-column-inf"])
def test_batch_equals_columns_one_by_one(options):
    problem = RandomProblem(25, 16, seed=11, **options)
    system = SharedFactorization(problem.gram, [K for K, _ in problem.blocks()])
    batch = batched_admm(problem.gram, problem.rhs, problem.blocks(), factorization=system,
                         tol=1e-10, max_iter=50000)
    # columns leave the batch at different iterations (exercises select_columns)
    assert np.unique(batch.n_iter).size > 1
    for q in range(problem.k):
        single = batched_admm(problem.gram, problem.rhs[:, [q]], problem.blocks(columns=[q]),
                              factorization=system, tol=1e-10, max_iter=50000)
        # the same solution (unique: G is positive definite) with the same exact zeros;
        # iteration counts may differ (rho is rebalanced per batch, on the problems left)
        np.testing.assert_allclose(single.coef[:, 0], batch.coef[:, q], rtol=0, atol=1e-9)
        # exact zeros agree where the prox alone decides; where the fused block holds an
        # entry at zero its value only approaches 0 at the rate of the residuals
        clear = (np.abs(single.coef[:, 0]) > 1e-8) | (np.abs(batch.coef[:, q]) > 1e-8)
        np.testing.assert_array_equal(single.coef[clear, 0] != 0, batch.coef[clear, q] != 0)
        if not options:
            np.testing.assert_array_equal(single.coef[:, 0] != 0, batch.coef[:, q] != 0)
        # multipliers need not be unique (fused and identity blocks overlap): both certify
        alone = RandomProblem(25, 16, seed=11, **options)
        alone.rhs, alone.k = problem.rhs[:, [q]], 1
        if np.ndim(problem.l1) == 2:
            alone.l1 = problem.l1[:, [q]]
        assert _kkt(alone, single, 0) < 1e-8
        assert _kkt(problem, batch, q) < 1e-8


def test_multipliers_certify_columns_that_left_before_a_rho_change():
    """Columns finish at different iterations; rho may be rebalanced for the ones left.

    Each column's multipliers must be those of the rho it finished with: the
    certificate holds for every column, early or late.
    """
    problem = RandomProblem(12, 7, fused=True, seed=len("m12-k7-fused"))
    result = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9,
                          max_iter=50000, adapt_every=20)
    assert result.converged.all() and np.unique(result.n_iter).size > 1
    violations = [_kkt(problem, result, q) for q in range(problem.k)]
    assert max(violations) < 1e-8, dict(zip(result.n_iter.tolist(), violations))


def test_factorization_is_reused_and_default_built():
    problem = RandomProblem(15, 6, fused=True, seed=2)
    maps = [K for K, _ in problem.blocks()]
    system = SharedFactorization(problem.gram, maps)
    np.testing.assert_allclose(system.rho, np.mean(np.diag(problem.gram)))
    metric = np.eye(15) + maps[1].T.toarray() @ maps[1].toarray()
    rhs = np.random.default_rng(0).standard_normal((15, 3))
    np.testing.assert_allclose((problem.gram + system.rho * metric) @ system.solve(rhs), rhs,
                               atol=1e-10)
    a = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=50000)
    b = batched_admm(problem.gram, problem.rhs, problem.blocks(), factorization=system, tol=1e-9,
                     max_iter=50000)
    np.testing.assert_array_equal(a.coef, b.coef)


def test_first_block_must_be_identity():
    problem = RandomProblem(10, 2, fused=True, seed=0)
    blocks = problem.blocks()
    with pytest.raises(ValueError, match="first block"):
        batched_admm(problem.gram, problem.rhs, blocks[::-1])


def test_zero_solution_stops():
    """Penalties too large for any atom: x = 0 exactly, found by the absolute floors."""
    problem = RandomProblem(12, 5, seed=4)
    blocks = [(None, SparseGroupL2(10.0, problem.group_weights, problem.groups))]
    result = batched_admm(problem.gram, problem.rhs, blocks, tol=1e-9, max_iter=1000)
    assert result.converged.all()
    np.testing.assert_array_equal(result.coef, 0.0)


def test_zero_query_converges_at_once():
    """b_q = 0 (e.g. a node with no feature): x = 0 is exact and the column stops."""
    problem = RandomProblem(10, 3, fused=True, seed=0)
    rhs = problem.rhs.copy()
    rhs[:, 1] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither a ConvergenceWarning nor 0/0 RuntimeWarnings
        result = batched_admm(problem.gram, rhs, problem.blocks(), tol=1e-6, max_iter=300)
    assert result.converged.all()
    assert result.n_iter[1] <= 5
    np.testing.assert_array_equal(result.coef[:, 1], 0.0)


def test_convergence_warning_with_two_iterations():
    problem = RandomProblem(20, 6, fused=True, seed=1)
    with pytest.warns(ConvergenceWarning, match="did not converge in 2 iterations for 6 of 6"):
        result = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=2)
    assert not result.converged.any() and np.all(result.n_iter == 2)
    # warn=False: no warning, same flags
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        quiet = batched_admm(problem.gram, problem.rhs, problem.blocks(), tol=1e-9, max_iter=2,
                             warn=False)
    assert not quiet.converged.any()


def test_inputs_not_modified():
    problem = RandomProblem(15, 8, fused=True, per_column=True, n_inf=2, seed=6)
    blocks = problem.blocks()
    gram, rhs, l1 = problem.gram.copy(), problem.rhs.copy(), problem.l1.copy()
    batched_admm(problem.gram, problem.rhs, blocks, tol=1e-8, max_iter=5000)
    np.testing.assert_array_equal(problem.gram, gram)
    np.testing.assert_array_equal(problem.rhs, rhs)
    np.testing.assert_array_equal(blocks[0][1].l1.weights, l1)


# ------------------------------------------------------- batch semantics of penalties
@st.composite
def batch_penalties(draw):
    """A SparseGroupL2 (or WeightedL1) with shared or per-column weights, +inf and 0 included."""
    n = draw(st.integers(1, 12))
    k = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    per_column = draw(st.booleans())
    l1 = rng.uniform(0.0, 2.0, (n, k) if per_column else n)
    l1[rng.random(l1.shape) < 0.15] = 0.0
    l1[rng.random(l1.shape) < 0.15] = np.inf
    kind = draw(st.sampled_from(["l1", "group", "sparse-group", "no-groups"]))
    V = rng.standard_normal((n, k)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    step = draw(st.floats(0.01, 5.0))
    if kind == "l1":
        return WeightedL1(l1), None, V, step
    perm = rng.permutation(n)
    n_grouped = int(rng.integers(1, n + 1))
    n_groups = int(rng.integers(1, n_grouped + 1))
    cuts = np.sort(rng.choice(np.arange(1, n_grouped), size=n_groups - 1, replace=False)) \
        if n_groups > 1 else np.array([], dtype=int)
    lists = [np.sort(g) for g in np.split(perm[:n_grouped], cuts)]
    sizes = np.array([g.size for g in lists])
    groups = Groups(np.concatenate(lists).astype(np.intp),
                    np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp),
                    np.sqrt(sizes.astype(float)), n)
    lam = rng.uniform(0.0, 3.0, n_groups)
    lam[rng.random(n_groups) < 0.2] = 0.0
    if kind == "group":
        l1 = np.zeros_like(l1)
    if kind == "no-groups":
        return SparseGroupL2(l1, None, None), None, V, step
    return SparseGroupL2(l1, lam, groups), lists, V, step


def _column_penalty(h, q):
    weights = h.l1.weights if isinstance(h, SparseGroupL2) else h.weights
    w = weights[:, q] if np.ndim(weights) == 2 else weights
    if isinstance(h, SparseGroupL2):
        return SparseGroupL2(w, h.group_weights, h.groups)
    return WeightedL1(w)


def _with_l1(h, weights):
    if isinstance(h, SparseGroupL2):
        return SparseGroupL2(weights, h.group_weights, h.groups)
    return WeightedL1(weights)


@settings(max_examples=150, deadline=None)
@given(batch_penalties())
def test_batch_prox_and_value_equal_column_wise(case):
    h, _, V, step = case
    V_before = V.copy()
    P = h.prox(V, step)
    np.testing.assert_array_equal(V, V_before)  # the input batch is not modified
    assert P.shape == V.shape
    weights = h.l1.weights if isinstance(h, SparseGroupL2) else h.weights
    # value: +inf weights (whose coordinates the prox zeroes) count 0 there, by 0 * inf := 0
    finite = _with_l1(h, np.where(np.isinf(weights), 0.0, weights))
    assert np.all(P[np.isinf(_l1_matrix(h, V))] == 0.0)
    values = finite.value(P)
    assert np.shape(values) == (V.shape[1],) and np.all(np.isfinite(values))
    for q in range(V.shape[1]):
        hq = _column_penalty(h, q)
        np.testing.assert_allclose(P[:, q], hq.prox(V[:, q].copy(), step), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(values[q], _column_penalty(finite, q).value(P[:, q]),
                                   rtol=1e-12, atol=1e-12)


def _l1_matrix(h, V):
    weights = h.l1.weights if isinstance(h, SparseGroupL2) else h.weights
    return np.broadcast_to(weights if np.ndim(weights) == 2 else np.asarray(weights)[:, None],
                           V.shape)


@settings(max_examples=150, deadline=None)
@given(batch_penalties())
def test_batch_prox_moreau_identity(case):
    r"""Moreau: ``v = prox_{sh}(v) + s y``, ``y`` in ``C = \partial h(0)`` and ``<y, p> = h(p)``.

    ``h`` is a norm-like (positively homogeneous) penalty, so the conjugate
    is the indicator of ``C`` and ``y = (v - p) / s`` is the projection of
    ``v / s`` onto ``C``: ``y`` in ``C`` (``|y_j| <= c_j`` off the groups, and
    on a group ``dist(y_g, box) = ||S_c(y_g)|| <= lam_g``) and
    ``<y, p> = h(p)``, all computed here from the definitions.
    """
    h, lists, V, step = case
    P = h.prox(V, step)
    Y = (V - P) / step
    C = _l1_matrix(h, V)
    assert np.all(P[np.isinf(C)] == 0.0)
    tol = 1e-9 * (1.0 + np.max(np.abs(V)) / step)
    grouped = np.zeros(V.shape[0], dtype=bool)
    for g, lam in zip(lists or [], getattr(h, "group_weights", None) if lists else []):
        grouped[g] = True
        excess = np.sign(Y[g]) * np.maximum(np.abs(Y[g]) - C[g], 0.0)
        assert np.all(np.linalg.norm(excess, axis=0) <= lam + tol)
    assert np.all(np.abs(Y[~grouped]) <= C[~grouped] + tol)
    for q in range(V.shape[1]):
        p, y, c = P[:, q], Y[:, q], C[:, q]
        value = np.sum(c[p != 0] * np.abs(p[p != 0]))
        if lists:
            value += sum(lam * np.linalg.norm(p[g]) for g, lam in zip(lists, h.group_weights))
        np.testing.assert_allclose(y @ p, value, rtol=1e-9, atol=tol * (1 + np.sum(np.abs(p))))


@settings(max_examples=60, deadline=None)
@given(batch_penalties(), st.data())
def test_select_columns(case, data):
    h, _, V, step = case
    k = V.shape[1]
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=k, max_size=k)))
    sub = h.select_columns(keep)
    np.testing.assert_allclose(sub.prox(V[:, keep], step), h.prox(V, step)[:, keep], rtol=1e-13,
                               atol=1e-13)
    weights = h.l1.weights if isinstance(h, SparseGroupL2) else h.weights
    sub_weights = sub.l1.weights if isinstance(sub, SparseGroupL2) else sub.weights
    if np.ndim(weights) == 2:
        np.testing.assert_array_equal(sub_weights, weights[:, keep])
    else:
        assert sub is h  # shared weights: nothing to select
    # twice in a row (the solver shrinks the batch repeatedly)
    idx = np.flatnonzero(keep)
    if idx.size > 1:
        second = np.zeros(idx.size, dtype=bool)
        second[::2] = True
        np.testing.assert_allclose(sub.select_columns(second).prox(V[:, idx[second]], step),
                                   h.prox(V, step)[:, idx[second]], rtol=1e-13, atol=1e-13)


def test_weighted_l1_batch_subdiff_distance_per_column():
    rng = np.random.default_rng(0)
    w = rng.uniform(0.1, 1.0, 5)
    X = rng.standard_normal((5, 5))
    X[rng.random((5, 5)) < 0.4] = 0.0
    G = rng.standard_normal((5, 5))
    batch = WeightedL1(w).subdiff_distance(X, G)
    for q in range(5):
        np.testing.assert_allclose(batch[:, q], WeightedL1(w).subdiff_distance(X[:, q], G[:, q]))


@pytest.mark.parametrize("k", [3, 2])
def test_weighted_l1_batch_dual_norm(k):
    """WeightedL1 documents that every method takes a batch (one problem per column)."""
    w = np.array([1.0, 10.0, 100.0])
    G = np.zeros((3, k))
    G[2, 0] = 1.0  # column 0 needs t = 1/100, the others t = 0
    expected = [WeightedL1(w).dual_norm(G[:, q]) for q in range(k)]
    result = WeightedL1(w).dual_norm(G)
    np.testing.assert_allclose(result, expected)  # one value per column


def test_tiny_scale_problems_are_solved_like_unit_scale_ones():
    """rho is floored at representability, not at an absolute 1e-12 that a gram of scale
    1e-200 would fall under (the batch would stop at x = 0)."""
    rng = np.random.default_rng(7)
    Z = rng.standard_normal((30, 12))
    gram, rhs = Z.T @ Z, Z.T @ rng.standard_normal((30, 3))
    blocks = [(None, WeightedL1(0.5))]
    unit = batched_admm(gram, rhs, blocks, tol=1e-10, max_iter=20000)
    scale = 1e-100
    tiny = batched_admm(gram * scale**2, rhs * scale**2, [(None, WeightedL1(0.5 * scale**2))],
                        tol=1e-10, max_iter=20000)
    assert tiny.converged.all() and np.any(unit.coef != 0)
    np.testing.assert_allclose(tiny.coef, unit.coef, rtol=1e-6, atol=1e-9)

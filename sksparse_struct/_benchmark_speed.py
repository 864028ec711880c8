r"""The speed grid behind ``sksparse-struct benchmark speed``.

Three families of problems, each against its peer, on a grid of shapes:

``graph``
    :class:`~sksparse_struct.GroupGraphLasso` with groups of 10 contiguous
    features and the graph of ``make_group_graph_regression`` (a chain inside
    each group plus random links) against cvxpy with Clarabel (default
    settings) on the same objective
    ``1/(2n) ||y - X w - b||^2 + alpha (sum_g sqrt(|g|) ||w_g|| + sum_(j,k) |w_j - w_k|)``.
``group``
    The same without the graph term, against ``skglm.GroupLasso`` with
    ``weights_g = sqrt(|g|)`` (the same objective).
``rrr``
    :class:`~sksparse_struct.SparseReducedRankRegression` (group lasso
    penalty) against the common alternation with scikit-learn's
    ``MultiTaskLasso`` as the B-step and an SVD as the A-step, both started
    at the reduced-rank fit; objective
    ``1/(2n) ||Y_c - X_c B A^T||_F^2 + alpha sum_j ||B_j||``.

The grid: fraction of the groups (rows for ``rrr``) in the true support
(:data:`SUPPORTS`), two shapes (n < p and n > p, :data:`SIZES`), dense and
sparse X (a random :data:`SPARSE_DENSITY` of the entries of the generated X,
rescaled to keep the column variance; y is the same truth plus the same
noise), ``alpha`` at :data:`ALPHA_FRACTIONS` of alpha_max (exact, or the
certified bound of ``group_graph_alpha_max`` with a graph; computed with the
cell's intercept setting) and with and without an intercept.

Method in each cell (as in ``benchmarks/bench_group_graph_lasso.py``):

1. the reference optimum f*: for ``group`` and ``rrr`` the smaller objective
   of the two solvers at their tightest tolerance (:data:`REFERENCE_TOL`);
   for ``graph`` the objective of cvxpy's solution;
2. for each tolerance-driven solver, the loosest tol of :data:`TOL_GRID`
   whose fit is within :data:`EQUAL_OBJECTIVE_RTOL` (relative) of f*
   (cvxpy runs at its defaults);
3. ``repeats`` timed fits of each solver at that tol, interleaved
   (alternating which goes first); the ratio is peer median / our median
   (> 1: we are faster). Every objective is computed here from the
   solution, not taken from a solver.

Profile of our fit (one extra fit at the chosen tol, with timers wrapped
around library functions for that fit only; the timed fits run unwrapped):

* setup: building the problem (validation, structure, loss:
  ``GroupGraphProblem.build`` / ``ReducedRankProblem.build``) plus, with a
  graph, the factorization of the normal equations (``NormalEquations``),
  and for ``rrr`` the reduced-rank start (``reduced_rank_fit``);
* iterations: the solver loop (``solve_least_squares`` without the
  factorization / ``alternate_from_starts``);
* finishing: the rest of ``fit`` (the KKT record, coefficients, intercept,
  attributes).

The floor of a cell: one pass ``X.T @ (X @ v)`` (``graph`` and ``group``)
or forming the Gram matrix and ``X.T @ Y`` (``rrr``), best of 3.
"""

import statistics
import sys
import time
import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._benchmark_pruning import _best_time

__all__ = ["ALPHA_FRACTIONS", "FAMILIES", "SIZES", "SUPPORTS", "run_benchmark",
           "scan_tolerance", "time_interleaved"]

FAMILIES = ("graph", "group", "rrr")
PEERS = {"graph": "cvxpy+Clarabel", "group": "skglm GroupLasso",
         "rrr": "alternating MultiTaskLasso"}
#: target of peer time / our time per family
TARGETS = {"graph": 100.0, "group": 1.0, "rrr": 5.0}
#: our time / floor target of ``rrr`` (stated by the issue at n=5000, p=1000, q=200)
RRR_FLOOR_TARGET = 5.0
SUPPORTS = (0.01, 0.05, 0.2)
ALPHA_FRACTIONS = (0.5, 0.1, 0.02)
DENSITIES = ("dense", "sparse")
INTERCEPTS = (True, False)
SPARSE_DENSITY = 0.1
GROUP_SIZE = 10
RRR_RANK = 5
# 1, 5, 2 steps per decade: with decades only, a certified stop could be charged
# for far more accuracy than 1e-6 needs (graph, 400 x 2000: tol 2e-4 reaches it in
# 145 ADMM iterations, 1e-4 takes 592)
TOL_GRID = [float(f"{c}e-{k + (c > 1)}") for k in range(2, 11) for c in (1, 5, 2)][:-2]
RRR_TOL_GRID = TOL_GRID[:TOL_GRID.index(1e-8) + 1]
REFERENCE_TOL = {"group": 1e-10, "rrr": 1e-8}
EQUAL_OBJECTIVE_RTOL = 1e-6
MAX_ITER_OURS = 20_000  # ADMM iterations; far above what any fit here needs
# skglm outer (working-set) iterations; its default of 50 can stop tight fits early
MAX_ITER_SKGLM = 1_000
MAX_ITER_RRR = 1_000

#: (n, p) per shape for ``graph`` and ``group``, (n, p, q) for ``rrr``; rank 5
SIZES = {
    "quick": {"graph": [(40, 100), (200, 50)], "group": [(50, 200), (200, 50)],
              "rrr": [(40, 60, 10), (200, 30, 10)]},
    "grid": {"graph": [(100, 500), (500, 100)], "group": [(300, 1500), (1500, 300)],
             "rrr": [(200, 400, 40), (2000, 200, 40)]},
    "issue": {"graph": [(400, 2000), (2000, 400)], "group": [(1000, 5000), (5000, 1000)],
              "rrr": [(1000, 2000, 200), (5000, 1000, 200)]},
}


def rel(a, ref):
    return (a - ref) / abs(ref)


# ----------------------------------------------------------------------------- method


def scan_tolerance(fit, f_star, tols=TOL_GRID, rtol=EQUAL_OBJECTIVE_RTOL):
    """Loosest tol of ``tols`` at which ``fit(tol)`` is within ``rtol`` of f*.

    ``fit(tol)`` returns ``(seconds, objective, converged, ...)``. Returns
    ``(tol or None, trace)`` with trace entries ``(tol, seconds, rel_gap, converged)``.
    """
    trace = []
    for tol in tols:
        seconds, f, converged = fit(tol)[:3]
        gap = rel(f, f_star)
        trace.append((tol, seconds, gap, converged))
        if gap <= rtol:
            return tol, trace
    return None, trace


def time_interleaved(solvers, chosen, repeats):
    """``repeats`` timed fits per solver at its chosen tol, alternating which goes first
    so that slow phases of the machine hit both. ``solvers[name](tol)`` returns
    ``(seconds, objective, converged, n_iter)``; solvers whose chosen tol is None
    are skipped. Returns the times and the last fit's (objective, n_iter) per solver."""
    times = {name: [] for name in solvers}
    last = {}
    order = list(solvers)
    for r in range(repeats):
        for name in (order if r % 2 == 0 else order[::-1]):
            if chosen[name] is not None:
                seconds, f, _, n_iter = solvers[name](chosen[name])
                times[name].append(seconds)
                last[name] = (f, n_iter)
    return times, last


@contextmanager
def phase_timers(patches):
    """Accumulate the time spent in library callables while the block runs.

    ``patches`` is a list of ``(owner, attribute, phase)``; classmethods,
    functions and classes (their construction) are wrapped on ``owner`` and
    restored on exit. Yields the dict phase -> seconds.
    """
    spent = {}
    saved = []

    def timed(func, phase):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[phase] = spent.get(phase, 0.0) + time.perf_counter() - start
        return wrapper

    try:
        for owner, name, phase in patches:
            original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            saved.append((owner, name, original))
            if isinstance(original, classmethod):
                setattr(owner, name, classmethod(timed(original.__func__, phase)))
            else:
                setattr(owner, name, timed(original, phase))
        yield spent
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


# ----------------------------------------------------------------------------- data


def _sparsify(X, rng):
    mask = sp.random(*X.shape, density=SPARSE_DENSITY, format="csr", random_state=rng,
                     data_rvs=np.ones)
    return mask.multiply(X).tocsr() / np.sqrt(SPARSE_DENSITY)


def make_data(family, size, support, density, seed):
    """Data of one cell: X, y (Y), and for the linear families the groups and graph."""
    from .datasets import make_group_graph_regression, make_sparse_reduced_rank_regression

    rng = np.random.RandomState(seed)
    if family == "rrr":
        n, p, q = size
        k = max(RRR_RANK, round(support * p))  # the generator needs rank <= informative rows
        X, Y, coef = make_sparse_reduced_rank_regression(n, p, q, RRR_RANK, k, random_state=seed)
        if density == "sparse":
            C = coef.T  # coef is (q, p), as coef_ of scikit-learn
            noise = Y - X @ C
            X = _sparsify(X, rng)
            Y = np.asarray(X @ C) + noise
        return dict(X=X, y=Y, k=k, n_units=p)
    n, p = size
    n_groups = p // GROUP_SIZE
    k = max(1, round(support * n_groups))
    X, y, coef, labels, graph = make_group_graph_regression(n, p, n_groups, k, random_state=seed)
    assert np.all(np.diff(labels) >= 0) and np.all(np.bincount(labels) == GROUP_SIZE)
    if density == "sparse":
        noise = y - X @ coef
        X = _sparsify(X, rng)
        y = np.asarray(X @ coef) + noise
    edges = np.array(list(graph.edges()), dtype=np.intp)
    return dict(X=X, y=y, k=k, n_units=n_groups, labels=labels, graph=graph, edges=edges,
                n_groups=n_groups)


def _centered(X, Y, fit_intercept):
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    if fit_intercept:
        return X - X.mean(axis=0), Y - Y.mean(axis=0)
    return X.copy(), Y


def linear_objective(data, w, b, alpha, with_graph):
    """The group (+ graph) objective at (w, b), computed independently of every solver."""
    X, y = data["X"], data["y"]
    r = y - np.asarray(X @ w) - b
    group_norms = np.linalg.norm(w.reshape(data["n_groups"], GROUP_SIZE), axis=1)
    value = 0.5 * float(r @ r) / X.shape[0] + alpha * np.sqrt(GROUP_SIZE) * float(group_norms.sum())
    if with_graph:
        j, k = data["edges"].T
        value += alpha * float(np.abs(w[j] - w[k]).sum())
    return value


def rrr_objective(Xc, Yc, B, A, alpha):
    """``1/(2n) ||Y_c - X_c B A^T||_F^2 + alpha sum_j ||B_j||`` (centred data with an intercept)."""
    R = Yc - (Xc @ B) @ A.T
    return 0.5 * np.sum(R**2) / Xc.shape[0] + alpha * np.sum(np.linalg.norm(B, axis=1))


# ----------------------------------------------------------------------------- solvers


def fit_ours_linear(data, alpha, tol, with_graph, fit_intercept):
    """One timed GroupGraphLasso fit; returns (seconds, model, converged)."""
    from .linear_model import GroupGraphLasso

    model = GroupGraphLasso(alpha, groups=data["labels"],
                            graph=data["graph"] if with_graph else None,
                            fit_intercept=fit_intercept, tol=tol, max_iter=MAX_ITER_OURS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is read from convergence_ instead
        start = time.perf_counter()
        model.fit(data["X"], data["y"])
        seconds = time.perf_counter() - start
    return seconds, model, bool(model.convergence_["converged"])


def fit_skglm(X, y, n_groups, alpha, tol, fit_intercept=True):
    """One timed skglm.GroupLasso fit (groups of GROUP_SIZE contiguous features,
    weights sqrt(GROUP_SIZE)); returns (seconds, model, converged)."""
    from skglm import GroupLasso

    groups = [list(range(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)) for g in range(n_groups)]
    model = GroupLasso(groups=groups, alpha=alpha, weights=np.full(n_groups, np.sqrt(GROUP_SIZE)),
                       tol=tol, max_iter=MAX_ITER_SKGLM, fit_intercept=fit_intercept)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return seconds, model, converged


def _incidence(edges, p):
    """Oriented incidence matrix: one row e_j - e_k per edge (j, k)."""
    m = len(edges)
    rows = np.repeat(np.arange(m), 2)
    vals = np.tile([1.0, -1.0], m)
    return sp.csr_matrix((vals, (rows, edges.ravel())), shape=(m, p))


def solve_cvxpy(data, alpha, fit_intercept):
    """The group + graph objective as a vectorized cvxpy model solved by Clarabel.

    Returns (seconds, w, b, problem) with the time of ``problem.solve`` (compile +
    solve; ``problem.compilation_time`` and ``problem.solver_stats.solve_time`` split it).
    """
    import cvxpy as cp

    X, y, n_groups = data["X"], data["y"], data["n_groups"]
    n, p = X.shape
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    group_norms = cp.norm(cp.reshape(w, (n_groups, GROUP_SIZE), order="C"), 2, axis=1)
    expr = (cp.sum_squares(y - X @ w - b) / (2 * n)
            + alpha * np.sqrt(GROUP_SIZE) * cp.sum(group_norms)
            + alpha * cp.norm1(_incidence(data["edges"], p) @ w))
    problem = cp.Problem(cp.Minimize(expr))
    start = time.perf_counter()
    problem.solve(solver=cp.CLARABEL)
    seconds = time.perf_counter() - start
    if problem.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"cvxpy status {problem.status}")
    return (seconds, np.asarray(w.value, dtype=float), float(b.value) if fit_intercept else 0.0,
            problem)


def fit_ours_rrr(X, Y, rank, alpha, tol, fit_intercept=True):
    """One timed SparseReducedRankRegression fit; returns (seconds, B, A)."""
    from .reduced_rank import SparseReducedRankRegression

    model = SparseReducedRankRegression(rank=rank, alpha=alpha, tol=tol, max_iter=MAX_ITER_RRR,
                                        fit_intercept=fit_intercept)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y)
    return time.perf_counter() - start, model.B_, model.A_


def setup_peer_rrr(X, Y, rank, fit_intercept=True):
    """The alternation's reduced-rank start: least squares and an SVD of the fitted values.
    Returns the (centred when ``fit_intercept``) Fortran-ordered X, Y, and B, A."""
    if fit_intercept:
        X, Y = X - X.mean(axis=0), Y - Y.mean(axis=0)
    Xc = np.asfortranarray(X)
    C_ols = np.linalg.lstsq(Xc, Y, rcond=None)[0]
    A = np.linalg.svd(Xc @ C_ols, full_matrices=False)[2][:rank].T
    return Xc, Y, C_ols @ A, A


def fit_peer_rrr(X, Y, rank, alpha, tol, fit_intercept=True, max_outer=1000):
    """Alternating minimization with MultiTaskLasso as the B-step (the common approach);
    X must be dense (MultiTaskLasso takes no sparse X). Returns (seconds, B, A)."""
    from sklearn.linear_model import MultiTaskLasso

    start = time.perf_counter()
    Xc, Yc, B, A = setup_peer_rrr(X, Y, rank, fit_intercept)
    mtl = MultiTaskLasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=100000,
                         warm_start=True, copy_X=False)
    f_old = rrr_objective(Xc, Yc, B, A, alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(max_outer):
            mtl.coef_ = np.ascontiguousarray(B.T)  # warm start the B-step
            B = mtl.fit(Xc, Yc @ A).coef_.T
            U, _, Vt = np.linalg.svd(Yc.T @ (Xc @ B), full_matrices=False)
            A = U @ Vt
            f = rrr_objective(Xc, Yc, B, A, alpha)
            if f_old - f <= tol * f:
                break
            f_old = f
    return time.perf_counter() - start, B, A


def warm_up(densities=DENSITIES, intercepts=INTERCEPTS):
    """Compile skglm's numba kernels for the layouts the grid uses (and touch our code
    paths) on a tiny problem."""
    data = make_data("group", (50, 100), 0.1, "dense", 0)
    fit_ours_linear(data, 0.1, 1e-4, False, True)
    layouts = {"dense": np.asfortranarray(data["X"]), "sparse": sp.csc_matrix(data["X"])}
    for X in (layouts[d] for d in densities):
        for fit_intercept in intercepts:
            try:
                fit_skglm(X, data["y"], data["n_groups"], 0.1, 1e-4, fit_intercept)
            except ImportError:
                return


# ----------------------------------------------------------------------------- profile


def profile_linear(data, alpha, tol, with_graph, fit_intercept):
    """Seconds of our fit's phases (setup, iterations, finishing) and its total."""
    from .linear_model import _group_graph_lasso, _problem, _solve

    patches = [(_problem.GroupGraphProblem, "build", "build"),
               (_solve, "NormalEquations", "factorization"),
               (_group_graph_lasso, "solve_least_squares", "solve")]
    with phase_timers(patches) as spent:
        total = fit_ours_linear(data, alpha, tol, with_graph, fit_intercept)[0]
    setup = spent.get("build", 0.0) + spent.get("factorization", 0.0)
    iterations = spent.get("solve", 0.0) - spent.get("factorization", 0.0)
    return dict(setup=setup, iterations=iterations, finishing=total - setup - iterations,
                total=total)


def profile_rrr(X, Y, alpha, tol, fit_intercept):
    from .reduced_rank import _estimator, _problem

    patches = [(_problem.ReducedRankProblem, "build", "build"),
               (_problem.ReducedRankProblem, "reduced_rank_fit", "start"),
               (_estimator, "alternate_from_starts", "solve")]
    with phase_timers(patches) as spent:
        total = fit_ours_rrr(X, Y, RRR_RANK, alpha, tol, fit_intercept)[0]
    # a cold start inside the solver loop is counted in both "start" and "solve": keep it in setup
    setup = spent.get("build", 0.0) + spent.get("start", 0.0)
    iterations = spent.get("solve", 0.0)
    return dict(setup=setup, iterations=iterations, finishing=total - setup - iterations,
                total=total)


def floor_pass(X):
    """One pass over the data: ``X.T @ (X @ v)``, best of 3."""
    v = np.random.RandomState(0).standard_normal(X.shape[1])
    return _best_time(lambda: X.T @ (X @ v), 3)


def floor_gram(X, Y):
    """Forming the Gram matrix and ``X.T @ Y``, best of 3."""
    return _best_time(lambda: (X.T @ X, X.T @ Y), 3)


# ----------------------------------------------------------------------------- cells


def _cell(family, size, support, density, alpha_fraction, fit_intercept, data, alpha,
          times, chosen, last, f_star, profile, floor, note=""):
    ours, peer = "ours", "peer"
    med = {name: statistics.median(t) for name, t in times.items() if t}
    ratio = med[peer] / med[ours] if len(med) == 2 else None
    return dict(family=family, size=size, support=support, k=data["k"], n_units=data["n_units"],
                density=density, alpha_fraction=alpha_fraction, fit_intercept=fit_intercept,
                alpha=alpha, f_star=f_star, tol_ours=chosen.get(ours), tol_peer=chosen.get(peer),
                seconds_ours=med.get(ours), seconds_peer=med.get(peer),
                gap_ours=rel(last[ours][0], f_star) if ours in last else None,
                gap_peer=rel(last[peer][0], f_star) if peer in last else None,
                n_iter_ours=last[ours][1] if ours in last else None,
                ratio=ratio, profile=profile, floor=floor, note=note)


def run_linear_cell(family, size, support, density, data, alpha_fraction, fit_intercept,
                    alpha_max, repeats):
    with_graph = family == "graph"
    alpha = alpha_fraction * alpha_max
    X = data["X"]

    def ours(tol):
        seconds, model, converged = fit_ours_linear(data, alpha, tol, with_graph, fit_intercept)
        return (seconds, linear_objective(data, model.coef_, model.intercept_, alpha, with_graph),
                converged, model.n_iter_)

    if with_graph:
        def peer(tol):
            seconds, w, b, _ = solve_cvxpy(data, alpha, fit_intercept)
            return seconds, linear_objective(data, w, b, alpha, True), True, "-"

        first = peer(None)
        f_star = first[1]
        chosen = {"ours": scan_tolerance(ours, f_star)[0], "peer": "default"}
    else:
        X_peer = np.asfortranarray(X) if not sp.issparse(X) else sp.csc_matrix(X)

        def peer(tol):
            seconds, model, converged = fit_skglm(X_peer, data["y"], data["n_groups"], alpha, tol,
                                                  fit_intercept)
            b = model.intercept_ if fit_intercept else 0.0
            return seconds, linear_objective(data, model.coef_, b, alpha, False), converged, "-"

        reference = [fit(REFERENCE_TOL["group"]) for fit in (ours, peer)]
        f_star = min(r[1] for r in reference)
        chosen = {"ours": scan_tolerance(ours, f_star)[0], "peer": scan_tolerance(peer, f_star)[0]}
    times, last = time_interleaved({"ours": ours, "peer": peer}, chosen, repeats)
    profile = (profile_linear(data, alpha, chosen["ours"], with_graph, fit_intercept)
               if chosen["ours"] is not None else None)
    return _cell(family, size, support, density, alpha_fraction, fit_intercept, data, alpha,
                 times, chosen, last, f_star, profile, floor_pass(X))


def run_rrr_cell(size, support, density, data, alpha_fraction, fit_intercept, alpha_max,
                 repeats):
    X, Y = data["X"], data["y"]
    alpha = alpha_fraction * alpha_max
    X_dense = X.toarray() if sp.issparse(X) else X
    Xc, Yc = _centered(X, Y, fit_intercept)

    def ours(tol):
        seconds, B, A = fit_ours_rrr(X, Y, RRR_RANK, alpha, tol, fit_intercept)
        return seconds, rrr_objective(Xc, Yc, B, A, alpha), True, "-"

    def peer(tol):
        seconds, B, A = fit_peer_rrr(X_dense, Y, RRR_RANK, alpha, tol, fit_intercept)
        return seconds, rrr_objective(Xc, Yc, B, A, alpha), True, "-"

    reference = [fit(REFERENCE_TOL["rrr"]) for fit in (ours, peer)]
    f_star = min(r[1] for r in reference)
    chosen = {name: scan_tolerance(fit, f_star, RRR_TOL_GRID)[0]
              for name, fit in (("ours", ours), ("peer", peer))}
    times, last = time_interleaved({"ours": ours, "peer": peer}, chosen, repeats)
    profile = (profile_rrr(X, Y, alpha, chosen["ours"], fit_intercept)
               if chosen["ours"] is not None else None)
    return _cell("rrr", size, support, density, alpha_fraction, fit_intercept, data, alpha,
                 times, chosen, last, f_star, profile, floor_gram(X, Y))


def _alpha_max(family, data, fit_intercept):
    from .linear_model import group_graph_alpha_max
    from .reduced_rank import reduced_rank_alpha_max

    if family == "rrr":
        return reduced_rank_alpha_max(data["X"], data["y"], fit_intercept=fit_intercept)
    return group_graph_alpha_max(data["X"], data["y"], groups=data["labels"],
                                 graph=data["graph"] if family == "graph" else None,
                                 fit_intercept=fit_intercept)


SHAPES = ("n<p", "n>p")  # the order of the sizes in SIZES


def cells_of(families, size, supports, densities, alpha_fractions, intercepts, shapes=SHAPES):
    """Every cell of the grid, in running order, as (family, size, support, density,
    fit_intercept, alpha_fraction)."""
    return [(family, shape, support, density, fit_intercept, fraction)
            for family in families
            for label, shape in zip(SHAPES, SIZES[size][family]) if label in shapes
            for support in supports for density in densities for fit_intercept in intercepts
            for fraction in alpha_fractions]


def run_grid(families=FAMILIES, *, size="grid", supports=SUPPORTS, densities=DENSITIES,
             alpha_fractions=ALPHA_FRACTIONS, intercepts=INTERCEPTS, shapes=SHAPES, repeats=3,
             seed=0, progress=None, on_cell=None):
    """Measure every cell; returns the list of cell dicts (see :func:`_cell`).

    ``progress(done, total, label)`` is called after each cell and ``on_cell(cell)``
    with each finished cell.
    """
    todo = cells_of(families, size, supports, densities, alpha_fractions, intercepts, shapes)
    if "group" in families:
        warm_up(densities, intercepts)
    results, cache = [], {}
    for done, (family, shape, support, density, fit_intercept, fraction) in enumerate(todo, 1):
        key = (family, shape, support, density)
        try:
            if key not in cache:
                cache.clear()  # one data set at a time
                cache[key] = {"data": make_data(family, shape, support, density, seed)}
            entry = cache[key]
            if fit_intercept not in entry:
                entry[fit_intercept] = _alpha_max(family, entry["data"], fit_intercept)
            args = (shape, support, density, entry["data"], fraction, fit_intercept,
                    entry[fit_intercept], repeats)
            cell = (run_rrr_cell(*args) if family == "rrr"
                    else run_linear_cell(family, *args))
        except Exception as exc:  # noqa: BLE001 - a failed cell is reported, the grid goes on
            cell = dict(family=family, size=shape, support=support, density=density,
                        alpha_fraction=fraction, fit_intercept=fit_intercept, ratio=None,
                        note=f"failed: {type(exc).__name__}: {exc}"[:120])
        results.append(cell)
        if on_cell is not None:
            on_cell(cell)
        if progress is not None:
            progress(done, len(todo), f"{family} {'x'.join(map(str, shape))}")
    return results


# ----------------------------------------------------------------------------- output

HEADERS = ["family", "shape", "X", "support", "alpha/alpha_max", "intercept", "our tol",
           "peer tol", "ours [s]", "peer [s]", "peer / ours", "setup [s]", "iterations [s]",
           "finishing [s]", "floor [s]", "ours / floor", "note"]


def _fmt(value, spec):
    return "" if value is None else format(value, spec)


def _shape_label(family, size):
    return (f"n={size[0]} p={size[1]}" + (f" q={size[2]}" if family == "rrr" else ""))


def cell_row(cell):
    prof = cell.get("profile") or {}
    target = TARGETS[cell["family"]]
    note = cell.get("note", "")
    if cell.get("ratio") is None and not note:
        note = "not reached: " + ", ".join(
            name for name, key in (("ours", "tol_ours"), ("peer", "tol_peer"))
            if cell.get(key) is None)
    elif cell.get("ratio") is not None and cell["ratio"] < target:
        miss = f"misses {target:g}x by {target / cell['ratio']:.2f}x"
        note = f"{note}; {miss}" if note else miss
    ours_floor = (cell["seconds_ours"] / cell["floor"]
                  if cell.get("seconds_ours") and cell.get("floor") else None)
    support = (f"{cell['support']:.0%} ({cell['k']}/{cell['n_units']})" if "k" in cell
               else f"{cell['support']:.0%}")
    return [cell["family"], _shape_label(cell["family"], cell["size"]), cell["density"], support,
            f"{cell['alpha_fraction']:g}", "yes" if cell["fit_intercept"] else "no",
            _fmt(cell.get("tol_ours"), "g"), str(cell.get("tol_peer") or ""),
            _fmt(cell.get("seconds_ours"), ".4f"), _fmt(cell.get("seconds_peer"), ".4f"),
            _fmt(cell.get("ratio"), ".2f"), _fmt(prof.get("setup"), ".4f"),
            _fmt(prof.get("iterations"), ".4f"), _fmt(prof.get("finishing"), ".4f"),
            _fmt(cell.get("floor"), ".2e"), _fmt(ours_floor, ".0f"), note]


def summary(cells):
    """Per family: cells, median ratio, worst cell, cells meeting the target."""
    rows = []
    for family in FAMILIES:
        mine = [c for c in cells if c["family"] == family]
        if not mine:
            continue
        measured = [c for c in mine if c.get("ratio") is not None]
        target = TARGETS[family]
        if not measured:
            rows.append([family, PEERS[family], len(mine), 0, "", "", f">= {target:g}x", ""])
            continue
        worst = min(measured, key=lambda c: c["ratio"])
        ratios = [c["ratio"] for c in measured]
        worst_label = (f"{worst['ratio']:.2f} ({_shape_label(family, worst['size'])}, "
                       f"{worst['density']}, {worst['support']:.0%}, "
                       f"alpha={worst['alpha_fraction']:g}, "
                       f"intercept {'yes' if worst['fit_intercept'] else 'no'})")
        meets = sum(r >= target for r in ratios)
        rows.append([family, PEERS[family], len(mine), len(measured),
                     f"{statistics.median(ratios):.2f}", worst_label, f">= {target:g}x",
                     f"{meets}/{len(measured)}" + ("" if meets < len(measured) else " (holds)")])
    return rows


SUMMARY_HEADERS = ["family", "peer", "cells", "measured", "median peer / ours", "worst cell",
                   "target", "cells meeting it"]


def run_benchmark(families=FAMILIES, *, size="grid", supports=SUPPORTS, densities=DENSITIES,
                  alpha_fractions=ALPHA_FRACTIONS, intercepts=INTERCEPTS, shapes=SHAPES,
                  repeats=3, seed=0, blas_threads=None, progress=True,
                  prog="sksparse-struct benchmark speed", stream=None):
    """Run the grid and print one table per family and the summary (Markdown).

    Returns the exit status (0; 1 when a cell failed).
    """
    from ._benchmark_linked import TextProgress, markdown_table

    out = sys.stdout if stream is None else stream

    def say(text=""):
        print(text, file=out, flush=True)

    limit = None
    if blas_threads:
        from threadpoolctl import threadpool_limits

        limit = threadpool_limits(blas_threads)
    todo = cells_of(families, size, supports, densities, alpha_fractions, intercepts, shapes)
    say(f"{prog}: size '{size}', {len(todo)} cells; repeats {repeats}, seed {seed}, "
        f"BLAS threads {blas_threads or 'library default'}")
    for family in families:
        say(f"  {family} against {PEERS[family]}: shapes "
            + ", ".join(_shape_label(family, s)
                        for label, s in zip(SHAPES, SIZES[size][family]) if label in shapes))
    say(f"  supports {', '.join(f'{s:.0%}' for s in supports)}; X {', '.join(densities)} "
        f"(sparse: {SPARSE_DENSITY:.0%} of the entries); alpha/alpha_max "
        f"{', '.join(map(str, alpha_fractions))}; intercept "
        f"{', '.join('yes' if i else 'no' for i in intercepts)}\n")
    bar = TextProgress(len(todo), unit="cells").update if progress else None

    def on_cell(cell):
        say("cell: " + " | ".join(str(c) for c in cell_row(cell)))

    try:
        cells = run_grid(families, size=size, supports=supports, densities=densities,
                         alpha_fractions=alpha_fractions, intercepts=intercepts, shapes=shapes,
                         repeats=repeats,
                         seed=seed, progress=(lambda d, t, label: bar(d, label)) if bar else None,
                         on_cell=on_cell)
    finally:
        if limit is not None:
            limit.restore_original_limits()
    for family in families:
        rows = [cell_row(c) for c in cells if c["family"] == family]
        if rows:
            say(f"\n{family}: ours against {PEERS[family]} (target peer / ours >= "
                f"{TARGETS[family]:g})\n")
            say(markdown_table(HEADERS, rows))
    say("\nSummary\n")
    say(markdown_table(SUMMARY_HEADERS, summary(cells)))
    return 1 if any(c.get("note", "").startswith("failed") for c in cells) else 0

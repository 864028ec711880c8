"""Benchmark of the regularization paths, the CV estimators and the logistic model.

Every comparison is timed in one run, the two sides interleaved (alternating
which goes first, ``--repeats`` times, medians), so that machine noise hits
both; ratios > 1 mean we are faster.

1. Path against a loop of single fits: ``group_graph_path`` (one warm-started
   path, one factorization) against ``GroupGraphLasso`` fitted independently
   at each alpha of the same grid, with and without a graph term; and the
   path against one fit at its smallest alpha (the costliest fit of the grid),
   so that the path's cost reads as a number of such fits; small supports
   (5 of 100 and 2 of 40 groups informative) and large ones (20% of them).
2. CV against grid search: ``GroupGraphLassoCV`` (one path per fold) against
   ``GridSearchCV(GroupGraphLasso, alphas)`` with the same folds and grid, and,
   on the group-only case, against ``GridSearchCV(skglm.GroupLasso, alphas)``.
   The chosen alphas are printed: all three must choose the same one.
3. The logistic model against its peers at equal objective: with l1 only,
   against scikit-learn's ``LogisticRegression(l1_ratio=1, solver="saga")``
   (the same objective with ``C = 1 / (alpha n)``); with groups and a graph,
   against cvxpy with Clarabel. Each side runs at the loosest tolerance whose
   objective is within 1e-6 (relative) of the better of both at a tight
   tolerance.

Data: ``make_group_graph_regression`` (groups of 10 features, a chain inside
each group plus random links between neighbouring groups); the classification
target is the sign of the regression target. Run
``python benchmarks/bench_paths.py`` (a few minutes on 2 cores) or ``--quick``.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold

from _common import add_common_arguments, apply_blas_threads, print_environment, print_table
from sksparse_struct import (
    GroupGraphLasso,
    GroupGraphLassoCV,
    GroupGraphLogisticRegression,
    group_graph_logistic_alpha_max,
    group_graph_path,
    make_group_graph_regression,
)
from sksparse_struct.linear_model._logistic import _build_problem

warnings.simplefilter("ignore", ConvergenceWarning)
TOLS = [10.0 ** -k for k in range(2, 11)]


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def interleaved(a, b, repeats):
    """Median seconds of ``a`` and ``b``, run alternately."""
    ta, tb = [], []
    for r in range(repeats):
        for name in ("ab" if r % 2 == 0 else "ba"):
            (ta if name == "a" else tb).append(timed(a if name == "a" else b)[0])
    return statistics.median(ta), statistics.median(tb)


def data(n, p, seed, n_informative=None):
    X, y, coef, groups, graph = make_group_graph_regression(
        n_samples=n, n_features=p, n_groups=p // 10,
        n_informative_groups=n_informative or max(2, p // 200), noise=2.0, random_state=seed)
    return X, y, groups, graph


def path_vs_loop(shapes, n_alphas, repeats, seed):
    """``shapes``: (n, p, informative groups) triples."""
    rows = []
    for n, p, k in shapes:
        X, y, groups, graph = data(n, p, seed, k)
        for label, structure in (("group + graph", dict(groups=groups, graph=graph)),
                                 ("group only", dict(groups=groups))):
            alphas = group_graph_path(X, y, n_alphas=n_alphas, **structure)[0]

            def path():
                return group_graph_path(X, y, alphas=alphas, **structure)

            def loop():
                return [GroupGraphLasso(a, **structure).fit(X, y) for a in alphas]

            def smallest():
                return GroupGraphLasso(alphas[-1], **structure).fit(X, y)

            t_path, t_loop = interleaved(path, loop, repeats)
            t_path_again, t_smallest = interleaved(path, smallest, repeats)
            rows.append([f"{n} x {p}", f"{k} of {p // 10}", label, n_alphas, f"{t_path:.2f}",
                         f"{t_loop:.2f}",
                         f"{t_loop / t_path:.1f}", f"{t_smallest:.3f}",
                         f"{t_path_again / t_smallest:.1f}"])
    print("### Path against independent fits\n")
    print("(last two columns: one fit at the smallest alpha, and the path's time in such fits,\n"
          "timed again interleaved with it)\n")
    print_table(["n x p", "informative groups", "penalty", "alphas", "path (s)",
                 "loop of fits (s)", "ratio",
                 "fit at smallest alpha (s)", "path / that fit"], rows)


def cv_vs_grid_search(shape, n_alphas, repeats, seed):
    n, p = shape
    X, y, groups, graph = data(n, p, seed)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    rows = []
    for label, structure in (("group + graph", dict(groups=groups, graph=graph)),
                             ("group only", dict(groups=groups))):
        alphas = group_graph_path(X, y, n_alphas=n_alphas, **structure)[0]
        ours = GroupGraphLassoCV(alphas=alphas, cv=folds, **structure)
        grid = GridSearchCV(GroupGraphLasso(**structure), {"alpha": list(alphas)}, cv=folds,
                            scoring="neg_mean_squared_error")
        t_ours, t_grid = interleaved(lambda: ours.fit(X, y), lambda: grid.fit(X, y), repeats)
        rows.append([label, "GridSearchCV(GroupGraphLasso)", f"{t_ours:.2f}", f"{t_grid:.2f}",
                     f"{t_grid / t_ours:.1f}",
                     f"{ours.alpha_:.4g} / {grid.best_params_['alpha']:.4g}"])
        if "graph" not in structure:
            try:
                from skglm import GroupLasso
            except ImportError:
                continue
            size = 10
            skglm_groups = [list(range(g * size, (g + 1) * size)) for g in range(p // size)]
            Xf = np.asfortranarray(X)
            peer = GridSearchCV(
                GroupLasso(groups=skglm_groups, weights=np.full(p // size, np.sqrt(size)),
                           fit_intercept=True, tol=1e-4),
                {"alpha": list(alphas)}, cv=folds, scoring="neg_mean_squared_error")
            GroupLasso(groups=skglm_groups, alpha=alphas[0]).fit(Xf[:40], y[:40])  # numba warm-up
            t_ours, t_peer = interleaved(lambda: ours.fit(X, y), lambda: peer.fit(Xf, y),
                                         repeats)
            rows.append([label, "GridSearchCV(skglm GroupLasso)", f"{t_ours:.2f}",
                         f"{t_peer:.2f}", f"{t_peer / t_ours:.1f}",
                         f"{ours.alpha_:.4g} / {peer.best_params_['alpha']:.4g}"])
    print(f"### CV ({n} x {p}, 5 folds, {n_alphas} alphas, refit included)\n")
    print_table(["penalty", "peer", "ours (s)", "peer (s)", "ratio", "alpha chosen (ours / peer)"],
                rows)


def logistic_objective(model, problem, alpha):
    theta = np.concatenate([model.coef_.T.ravel(), np.ravel(model.intercept_)])
    return problem.objective(theta, alpha)


def loosest(fit, problem, alpha, target):
    """(tol, model) of the loosest tolerance within 1e-6 of ``target``."""
    for tol in TOLS:
        model = fit(tol)
        if logistic_objective(model, problem, alpha) <= target * (1 + 1e-6):
            return tol, model
    return TOLS[-1], model


def logistic_vs_peers(shapes, repeats, seed):
    rows = []
    for n, p in shapes:
        X, y_reg, groups, graph = data(n, p, seed)
        y = (y_reg > np.median(y_reg)).astype(int)
        # l1 only: sklearn's saga solves the same objective with C = 1 / (alpha n)
        kwargs = dict(l1_reg=1.0, group_reg=0.0)
        alpha = 0.1 * group_graph_logistic_alpha_max(X, y, **kwargs)
        _, problem = _build_problem(X, y, None, groups=None, graph=None, group_weights=None,
                                    feature_names=None, fit_intercept=True, graph_reg=0.0,
                                    **kwargs)

        def ours(tol):
            return GroupGraphLogisticRegression(alpha, tol=tol, max_iter=100000,
                                                **kwargs).fit(X, y)

        def saga(tol):
            return LogisticRegression(l1_ratio=1.0, C=1.0 / (alpha * n), solver="saga", tol=tol,
                                      max_iter=100000).fit(X, y)

        target = min(logistic_objective(ours(1e-10), problem, alpha),
                     logistic_objective(saga(1e-10), problem, alpha))
        tol_ours, _ = loosest(ours, problem, alpha, target)
        tol_saga, _ = loosest(saga, problem, alpha, target)
        t_ours, t_saga = interleaved(lambda: ours(tol_ours), lambda: saga(tol_saga), repeats)
        rows.append([f"{n} x {p}", "l1", "sklearn saga", f"{tol_ours:g}", f"{tol_saga:g}",
                     f"{t_ours:.3f}", f"{t_saga:.3f}", f"{t_saga / t_ours:.1f}"])
        # group + graph: cvxpy with Clarabel
        kwargs = dict(groups=groups, graph=graph)
        alpha = 0.1 * group_graph_logistic_alpha_max(X, y, **kwargs)
        _, problem = _build_problem(X, y, None, groups=groups, graph=graph, group_weights=None,
                                    feature_names=None, fit_intercept=True, l1_reg=0.0,
                                    group_reg=1.0, graph_reg=1.0)

        def ours_graph(tol):
            return GroupGraphLogisticRegression(alpha, tol=tol, max_iter=100000,
                                                **kwargs).fit(X, y)

        t_cvx, ref = timed(lambda: GroupGraphLogisticRegression(alpha, solver="cvxpy",
                                                                **kwargs).fit(X, y))
        target = min(logistic_objective(ours_graph(1e-10), problem, alpha),
                     logistic_objective(ref, problem, alpha))
        tol_ours, _ = loosest(ours_graph, problem, alpha, target)
        t_ours = statistics.median(timed(lambda: ours_graph(tol_ours))[0] for _ in range(repeats))
        rows.append([f"{n} x {p}", "group + graph", "cvxpy (Clarabel)", f"{tol_ours:g}", "-",
                     f"{t_ours:.3f}", f"{t_cvx:.3f}", f"{t_cvx / t_ours:.1f}"])
    print("### GroupGraphLogisticRegression at equal objective (alpha = alpha_max / 10)\n")
    print_table(["n x p", "penalty", "peer", "our tol", "peer tol", "ours (s)", "peer (s)",
                 "ratio"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, repeats=3)
    args = parser.parse_args()
    apply_blas_threads(args)
    print_environment(args, ["cvxpy", "clarabel", "skglm"])
    if args.quick:
        path_vs_loop([(100, 200, 2)], 20, 1, args.seed)
        cv_vs_grid_search((100, 200), 10, 1, args.seed)
        logistic_vs_peers([(100, 50)], 1, args.seed)
        return
    # small supports (5 of 100 and 2 of 40 groups) and large ones (20%)
    path_vs_loop([(400, 1000, 5), (1000, 400, 2), (400, 1000, 20), (1000, 400, 8)], 100,
                 args.repeats, args.seed)
    cv_vs_grid_search((400, 1000), 30, args.repeats, args.seed)
    logistic_vs_peers([(400, 200), (1000, 100)], args.repeats, args.seed)


if __name__ == "__main__":
    main()

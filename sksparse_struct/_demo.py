"""The demonstrations behind ``sksparse-struct demo``.

Each estimator of the package fits synthetic data with a known truth: the
regressors' true coefficients, so the table can score the support they find
and their estimation error, and the classifier's held-out labels, so it can
score its test accuracy.

The demos form a registry, :data:`DEMOS`: a :class:`DemoEntry` names an
estimator, describes its data and holds a function
``run(random_state, ax=None)`` that fits the estimator (in one or several
variants), returns one :class:`DemoRow` per fitted variant and, for entries
that draw, draws on the matplotlib axis it is given. Adding an estimator to
the demo means writing one such function and appending one entry.

Regularization strengths are chosen without looking at the truth (for
GroupGraphLasso: on a validation split, by the one-standard-error rule of
:func:`select_alpha`; for JointGroupGraphClassifier: by cross-fitting on the
labelled nodes, inside ``fit``).
"""

import time
from dataclasses import dataclass
from typing import Callable

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._optional import import_pyplot
from .datasets import (make_group_graph_regression, make_linked_data,
                       make_sparse_reduced_rank_regression)
from .linear_model import (GroupGraphLasso, GroupGraphLassoCV, GroupGraphLogisticRegressionCV,
                           group_graph_alpha_max)
from .linked import JointGroupGraphClassifier
from .neural_network import SparseMLPClassifier
from .reduced_rank import (SparseReducedRankRegression, SparseReducedRankRegressionCV,
                           reduced_rank_alpha_max)

__all__ = [
    "DEMOS", "DemoEntry", "DemoRow", "format_table", "new_demo_figure", "run_demos",
    "select_alpha", "support_scores",
]


def support_scores(coef, true_coef):
    """Compare the support of ``coef`` with the support of ``true_coef``.

    Parameters
    ----------
    coef, true_coef : array-like of the same shape
        Estimated and true coefficients; an entry is in the support when it
        is non-zero. Estimators whose unit of selection is not one entry
        (e.g. a row of a coefficient matrix) pass one norm per unit.

    Returns
    -------
    true_positives, false_positives : int
    f1 : float
        ``2 TP / (2 TP + FP + FN)``; 1 when both supports are empty.
    """
    found = np.asarray(coef) != 0
    true = np.asarray(true_coef) != 0
    tp = int(np.sum(found & true))
    fp = int(np.sum(found & ~true))
    fn = int(np.sum(~found & true))
    denominator = 2 * tp + fp + fn
    return tp, fp, 2 * tp / denominator if denominator else 1.0


@dataclass(frozen=True)
class DemoRow:
    """One line of the demo table: a fitted model scored against the truth.

    A regressor's row scores the support it found and its coefficients, and
    has no accuracy; a classifier's row scores its predicted labels, and has
    no support scores. A score a row does not have is None.

    Attributes
    ----------
    model : str
        Estimator name.
    fitted : str
        What was fitted: the variant and its regularization strength.
    n_true : int or None
        Size of the true support; None when the entry does not report it.
    true_positives, false_positives : int or None
    f1 : float or None
        F1 score of the support found.
    relative_error : float or None
        ``||w - w*|| / ||w*||``.
    fit_time : float
        Seconds taken by the final fit.
    accuracy : float or None, default=None
        Fraction of the test samples classified correctly.
    """

    model: str
    fitted: str
    n_true: int | None
    true_positives: int | None
    false_positives: int | None
    f1: float | None
    relative_error: float | None
    fit_time: float
    accuracy: float | None = None

    @classmethod
    def score(cls, model, fitted, coef, true_coef, fit_time):
        """Build a regressor's row from estimated and true coefficients."""
        tp, fp, f1 = support_scores(coef, true_coef)
        error = np.linalg.norm(np.ravel(coef) - np.ravel(true_coef)) / np.linalg.norm(true_coef)
        return cls(model, fitted, int(np.count_nonzero(true_coef)), tp, fp, f1,
                   float(error), fit_time)

    @classmethod
    def classification(cls, model, fitted, accuracy, fit_time):
        """Build a classifier's row from its test accuracy."""
        return cls(model, fitted, None, None, None, None, None, fit_time, float(accuracy))


@dataclass(frozen=True)
class DemoEntry:
    """A registered demo.

    Attributes
    ----------
    name : str
        The estimator it shows.
    description : str
        The data and the protocol, printed above the table.
    run : callable
        ``run(random_state, ax=None) -> list of DemoRow``.
    draws : bool
        Whether ``run`` draws on ``ax``; the figure has one axis per entry
        that draws.
    """

    name: str
    description: str
    run: Callable
    draws: bool = False


def select_alpha(estimator, alphas, X_train, y_train, X_val, y_val):
    """Choose ``alpha`` on a validation set by the one-standard-error rule.

    The estimator is fitted along ``alphas`` (largest first, warm-started
    when it supports ``warm_start``); the choice is the largest alpha whose
    validation mean squared error is within one standard error of the
    smallest one. The alpha of smallest validation error is tuned for
    prediction and lets in many false features; the rule trades a
    statistically insignificant loss of accuracy for a sparser model.

    Parameters
    ----------
    estimator : regressor with an ``alpha`` parameter
        Cloned, not modified.
    alphas : array-like of float
        Candidate values.
    X_train, y_train, X_val, y_val : array-like

    Returns
    -------
    alpha : float
    """
    model = clone(estimator)
    if "warm_start" in model.get_params():
        model.set_params(warm_start=True)
    alphas = np.sort(np.asarray(alphas, dtype=float))[::-1]
    means, errors = [], []
    for alpha in alphas:
        model.set_params(alpha=alpha).fit(X_train, y_train)
        squared = (np.asarray(y_val) - model.predict(X_val)) ** 2
        means.append(squared.mean())
        errors.append(squared.std() / np.sqrt(squared.size))
    best = int(np.argmin(means))
    chosen = next(i for i, mean in enumerate(means) if mean <= means[best] + errors[best])
    return float(alphas[chosen])


# The regime of the GroupGraphLasso demo: more features than samples and a
# truth that follows both structures (a few whole groups, constant along the
# graph), where the structure should pay off.
_GGL_DATA = dict(n_samples=150, n_features=200, n_groups=20, n_informative_groups=2, noise=2.0)
_GGL_VALIDATION = 1 / 3
_GGL_GRID = np.geomspace(1.0, 1e-2, 15)  # fractions of each variant's alpha_max


def _group_graph_variants(groups, graph):
    """The four penalties compared: (name, GroupGraphLasso structure parameters)."""
    return [
        ("lasso", dict(l1_reg=1.0, group_reg=0.0)),
        ("group", dict(groups=groups, group_reg=1.0)),
        # a graph term alone fuses coefficients but never zeroes them: l1 selects
        ("graph + l1", dict(graph=graph, graph_reg=1.0, l1_reg=1.0, group_reg=0.0)),
        ("group + graph", dict(groups=groups, graph=graph, group_reg=1.0, graph_reg=1.0)),
    ]


def _group_graph_lasso_demo(random_state, ax=None):
    X, y, true_coef, groups, graph = make_group_graph_regression(
        **_GGL_DATA, random_state=random_state)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=_GGL_VALIDATION, random_state=random_state)
    rows, estimates = [], {}
    for name, structure in _group_graph_variants(groups, graph):
        alpha_max = group_graph_alpha_max(X_train, y_train, **structure)
        alpha = select_alpha(GroupGraphLasso(**structure), alpha_max * _GGL_GRID,
                             X_train, y_train, X_val, y_val)
        start = time.perf_counter()
        model = GroupGraphLasso(alpha, **structure).fit(X, y)
        fit_time = time.perf_counter() - start
        fitted = f"{name}, alpha={alpha / alpha_max:.3f} alpha_max"
        rows.append(DemoRow.score("GroupGraphLasso", fitted, model.coef_, true_coef, fit_time))
        estimates[name] = model.coef_
    if ax is not None:
        _draw_coefficients(ax, true_coef, estimates, groups)
    return rows


def _draw_models_image(ax, truth, estimates, *, cmap, vmin, colorbar_label):
    """One row per model (the truth first, set apart by a line), one column per feature.

    A black dot marks every non-zero entry, since small values are nearly the
    colour of zero.
    """
    names = ["truth", *estimates]
    image = np.vstack([truth, *estimates.values()])
    limit = np.max(np.abs(image))
    shown = ax.imshow(image, aspect="auto", cmap=cmap, vmin=vmin * limit, vmax=limit,
                      interpolation="nearest")
    rows, columns = np.nonzero(image)
    ax.scatter(columns, rows, s=2, color="black", marker="s", linewidths=0)
    ax.axhline(0.5, color="black", linewidth=1.0)
    ax.set_yticks(range(len(names)), names)
    ax.figure.colorbar(shown, ax=ax, label=colorbar_label, pad=0.01)


def _draw_coefficients(ax, true_coef, estimates, groups):
    """Signed coefficients of the groups that some model (or the truth) selects.

    The other groups are zero in every row, so they are left out: the columns
    are the features of the groups shown, in order, ticked by feature range.
    """
    groups = np.asarray(groups)
    nonzero = np.any(np.vstack([true_coef, *estimates.values()]) != 0, axis=0)
    shown = np.flatnonzero(np.isin(groups, groups[nonzero]))
    _draw_models_image(ax, true_coef[shown], {name: coef[shown] for name, coef in
                                              estimates.items()},
                       cmap="RdBu_r", vmin=-1, colorbar_label="coefficient")
    starts = np.flatnonzero(np.r_[True, np.diff(groups[shown]) != 0])
    ends = np.r_[starts[1:], shown.size] - 1
    for boundary in starts[1:] - 0.5:
        ax.axvline(boundary, color="0.6", linewidth=0.8)
    ax.set_xticks((starts + ends) / 2, [f"{shown[a]}-{shown[b]}" for a, b in zip(starts, ends)],
                  fontsize=8)
    ax.tick_params(axis="x", length=0)
    ax.set_xlabel(f"features of the {starts.size} groups (of {np.unique(groups).size}) with a "
                  "non-zero true or estimated coefficient; the others are zero in every row")
    ax.set_title("GroupGraphLasso: true and estimated coefficients (dots: non-zero)")


# alpha / alpha_max per penalty: the medians of the validation-tuned values over the 100
# replications of benchmarks/bench_sparse_reduced_rank.py (lq: of the group-lasso alpha_max,
# since lq has no threshold of its own)
_SRRR_ALPHA_FRACTION = {"group_lasso": 0.028, "adaptive_group_lasso": 0.0016, "mcp": 0.073,
                        "scad": 0.057, "log": 0.045, "lq": 0.036}
_SRRR_RANK = 3


def _sparse_reduced_rank_demo(random_state, ax=None):
    X, Y, true_coef = make_sparse_reduced_rank_regression(random_state=random_state)
    informative = true_coef.any(axis=0)  # the unit of selection is a predictor
    rows, row_norms = [], {}
    for penalty, fraction in _SRRR_ALPHA_FRACTION.items():
        alpha_max = reduced_rank_alpha_max(
            X, Y, penalty="group_lasso" if penalty == "lq" else penalty, rank=_SRRR_RANK)
        model = SparseReducedRankRegression(rank=_SRRR_RANK, alpha=fraction * alpha_max,
                                            penalty=penalty)
        start = time.perf_counter()
        model.fit(X, Y)
        fit_time = time.perf_counter() - start
        tp, fp, f1 = support_scores(model.support_, informative)
        error = np.linalg.norm(model.coef_ - true_coef) / np.linalg.norm(true_coef)
        rows.append(DemoRow("SparseReducedRankRegression",
                            f"{penalty}, alpha={fraction} alpha_max", int(informative.sum()),
                            tp, fp, f1, float(error), fit_time))
        row_norms[penalty] = np.linalg.norm(model.coef_, axis=0)
    if ax is not None:
        _draw_models_image(ax, np.linalg.norm(true_coef, axis=0), row_norms, cmap="Oranges",
                           vmin=0, colorbar_label="row norm")
        ax.set_xlabel(f"predictor j (the first {int(informative.sum())} are informative)")
        ax.set_title(r"SparseReducedRankRegression, rank 3, one fit per penalty: row norms "
                     r"$\|C_j\|_2$ of $C = BA^\top$ (dots: selected)")
    return rows


_CV_FOLDS = 5


def _group_graph_lasso_cv_demo(random_state, ax=None):
    X, y, true_coef, groups, graph = make_group_graph_regression(
        **_GGL_DATA, random_state=random_state)
    start = time.perf_counter()
    model = GroupGraphLassoCV(groups=groups, graph=graph, n_alphas=30, cv=_CV_FOLDS).fit(X, y)
    return [DemoRow.score("GroupGraphLassoCV", f"group + graph, alpha_={model.alpha_:.3g}",
                          model.coef_, true_coef, time.perf_counter() - start)]


def _logistic_cv_demo(random_state, ax=None):
    X, y, true_coef, groups, graph = make_group_graph_regression(
        **_GGL_DATA, random_state=random_state)
    # a binary target from the same linear model: the logistic twin selects the same groups
    noise = np.random.default_rng(random_state).standard_normal(X.shape[0])
    labels = (X @ true_coef + _GGL_DATA["noise"] * noise > 0).astype(int)
    start = time.perf_counter()
    model = GroupGraphLogisticRegressionCV(groups=groups, graph=graph, n_alphas=5,
                                           cv=3).fit(X, labels)
    fit_time = time.perf_counter() - start
    tp, fp, f1 = support_scores(model.coef_[0], true_coef)
    # a classifier of a known support: the support scores, and the held-out accuracy of
    # the chosen alpha (its mean over the folds)
    return [DemoRow("GroupGraphLogisticRegressionCV",
                    f"group + graph, sign(Xw + noise), alpha_={model.alpha_:.3g}",
                    int(np.count_nonzero(true_coef)), tp, fp, f1, None, fit_time,
                    float(model.scores_.mean(axis=0).max()))]


def _reduced_rank_cv_demo(random_state, ax=None):
    X, Y, true_coef = make_sparse_reduced_rank_regression(random_state=random_state)
    informative = true_coef.any(axis=0)
    start = time.perf_counter()
    model = SparseReducedRankRegressionCV(ranks=(1, 2, 3, 4, 5), n_alphas=8,
                                          cv=_CV_FOLDS).fit(X, Y)
    fit_time = time.perf_counter() - start
    tp, fp, f1 = support_scores(model.support_, informative)
    error = np.linalg.norm(model.coef_ - true_coef) / np.linalg.norm(true_coef)
    return [DemoRow("SparseReducedRankRegressionCV",
                    f"group_lasso, rank_={model.rank_}, alpha_={model.alpha_:.3g}",
                    int(informative.sum()), tp, fp, f1, float(error), fit_time)]


# The regime of the JointGroupGraphClassifier demo: homophilous links (most join two nodes
# of one class) and features too noisy to classify well alone, where the links should pay off.
_LINKED_DATA = dict(n_nodes=500, n_classes=4, n_features=200, homophily=0.8,
                    n_train_per_class=20, n_val=0, n_test=400)
_LINKED_VARIANTS = {
    "joint": {},
    "features only": dict(feature_propagation=0, residual_propagation=0, graph_reg=0,
                          cross_reg=0),
}


def _linked_classifier_demo(random_state, ax=None):
    data = make_linked_data(**_LINKED_DATA, random_state=random_state)
    train, _, test = data.splits[0]
    nodes = np.arange(data.target.size).reshape(-1, 1)  # X holds node identifiers
    rows, recalls = [], {}
    for name, variant in _LINKED_VARIANTS.items():
        model = JointGroupGraphClassifier(data.graph, data.features, **variant)
        start = time.perf_counter()
        model.fit(nodes[train], data.target[train])
        fit_time = time.perf_counter() - start
        correct = model.predict(nodes[test]) == data.target[test]
        fitted = (f"{name}, auto link trust: features {model.feature_propagation_:g}, "
                  f"dictionary links {'on' if model.dictionary_links_ else 'off'}, "
                  f"residuals {model.residual_propagation_:g}" if not variant
                  else f"{name}, no propagation")
        rows.append(DemoRow.classification("JointGroupGraphClassifier", fitted, correct.mean(),
                                           fit_time))
        recalls[fitted] = [correct.mean()] + [correct[data.target[test] == c].mean()
                                            for c in range(_LINKED_DATA["n_classes"])]
    if ax is not None:
        _draw_accuracies(ax, recalls, data.label_names, data.homophily)
    return rows


def _draw_accuracies(ax, recalls, label_names, homophily):
    """Grouped bars of test accuracy, overall and within each class, one colour per variant.

    ``recalls`` maps the table label of a variant to its accuracy on all test
    nodes followed by its accuracy within each class.
    """
    groups = ["all", *label_names]
    positions = np.arange(len(groups))
    width = 0.8 / len(recalls)
    handles = []
    for k, ((name, values), colour) in enumerate(zip(recalls.items(), ["tab:red", "0.6"])):
        bars = ax.bar(positions + (k - (len(recalls) - 1) / 2) * width, values, width,
                      color=colour, edgecolor="black", linewidth=0.6, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
        handles.append(bars)
    handles.append(ax.axhline(1 / len(label_names), color="black", linestyle=":", linewidth=1,
                              label=f"chance (1/{len(label_names)})"))
    ax.set_xticks(positions, groups)
    ax.set_ylim(0, 1.25)  # room for the legend above the bars
    ax.set_yticks(np.linspace(0, 1, 6))  # no tick behind the legend
    ax.set_xlabel("test nodes: all, then by true class (accuracy within a class is its recall)")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"JointGroupGraphClassifier on make_linked_data (edge homophily "
                 f"{homophily:.2f}): joint model and features only")
    ax.legend(handles=handles, loc="upper center", ncols=len(handles), fontsize=9)


# A small schedule for the 1797 digits: one hidden layer of 100 neurons, larger steps
_MLP_SCHEDULE = dict(hidden_layer_sizes=(100,), max_iter=40, finetune_epochs=15,
                     learning_rate_init=3e-3)
_MLP_VARIANTS = {"none": None, "group_lasso": 0.6, "hoyer_square": 7e-4}


def _sparse_mlp_demo(random_state, ax=None):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.3, stratify=y, random_state=random_state)
    rows = []
    for penalty, alpha in _MLP_VARIANTS.items():
        model = SparseMLPClassifier(penalty=penalty, alpha=alpha or 0.0, **_MLP_SCHEDULE,
                                    random_state=random_state)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        fit_time = time.perf_counter() - start
        name = "dense" if alpha is None else f"{penalty} alpha={alpha:g}"
        fitted = (f"{name}, {100 * model.density_:.1f}% weights nonzero, "
                  f"{model.n_neurons_[0]}/100 neurons")
        rows.append(DemoRow.classification("SparseMLPClassifier", fitted,
                                           model.score(X_test, y_test), fit_time))
    return rows


DEMOS = [
    DemoEntry(
        "GroupGraphLasso",
        "GroupGraphLasso on make_group_graph_regression: {n_samples} samples, {n_features} "
        "features in {n_groups} groups, {n_informative_groups} informative neighbouring "
        "groups, noise {noise}; alpha chosen on a {val:.0%} validation split "
        "(one-standard-error rule, grid from alpha_max down to alpha_max/100), then refitted "
        "on all samples.".format(**_GGL_DATA, val=_GGL_VALIDATION),
        _group_graph_lasso_demo,
        draws=True,
    ),
    DemoEntry(
        "SparseReducedRankRegression",
        "SparseReducedRankRegression (rank 3) on make_sparse_reduced_rank_regression with "
        "its defaults, one fit per penalty at a fixed fraction of alpha_max (the median of "
        "validation-tuned values in the benchmark); support: the predictors selected.",
        _sparse_reduced_rank_demo,
        draws=True,
    ),
    DemoEntry(
        "JointGroupGraphClassifier",
        "JointGroupGraphClassifier on make_linked_data: {n_nodes} nodes in {n_classes} "
        "classes, {n_features} features, edge homophily {homophily}, {n_train_per_class} "
        "labelled nodes per class, {n_test} test nodes; the joint model (propagation "
        "strengths chosen by cross-fitting on the labelled nodes) against the features-only "
        "ablation (no propagation, graph_reg=0, cross_reg=0); scored by test "
        "accuracy.".format(**_LINKED_DATA),
        _linked_classifier_demo,
        draws=True,
    ),
    DemoEntry(
        "GroupGraphLassoCV",
        "GroupGraphLassoCV on the GroupGraphLasso data: alpha chosen by {folds}-fold "
        "cross-validation over 30 alphas on all samples, then refitted (the fit time includes "
        "the cross-validation).".format(folds=_CV_FOLDS),
        _group_graph_lasso_cv_demo,
    ),
    DemoEntry(
        "GroupGraphLogisticRegressionCV",
        "GroupGraphLogisticRegressionCV on the GroupGraphLasso features with a binary target, "
        "the sign of the regression target plus noise of the same level: alpha chosen by "
        "3-fold cross-validation (accuracy) over 5 alphas; support: the features "
        "selected; accuracy: the mean held-out accuracy at the chosen alpha.",
        _logistic_cv_demo,
    ),
    DemoEntry(
        "SparseReducedRankRegressionCV",
        "SparseReducedRankRegressionCV on the SparseReducedRankRegression data: rank (1 to "
        "5) and alpha (8 values) chosen by {folds}-fold cross-validation.".format(
            folds=_CV_FOLDS),
        _reduced_rank_cv_demo,
    ),
    DemoEntry(
        "SparseMLPClassifier",
        "SparseMLPClassifier (64-100-10 ReLU network) on scikit-learn's bundled 8x8 digits "
        "(pixels / 16, a stratified 70/30 split): dense, neuron-level group lasso and "
        "Hoyer-square, each trained with the penalty, pruned and fine-tuned "
        "({max_iter} + {finetune_epochs} epochs, Adam step {learning_rate_init}); scored "
        "by test accuracy.".format(**_MLP_SCHEDULE),
        _sparse_mlp_demo,
    ),
]


def new_demo_figure():
    """A figure with one axis per registered demo that draws, rendered by the Agg backend.

    Raises
    ------
    ImportError
        When matplotlib is missing, with the command that installs it.
    """
    import_pyplot()
    # the object-oriented API draws with Agg without switching pyplot's global backend
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n_axes = sum(entry.draws for entry in DEMOS)
    figure = Figure(figsize=(10, 3.2 * n_axes), layout="constrained")
    FigureCanvasAgg(figure)
    return figure, list(figure.subplots(n_axes, 1, squeeze=False)[:, 0])


def run_demos(random_state=0, axes=None):
    """Run every registered demo.

    Parameters
    ----------
    random_state : int
        Seeds the data and the validation splits: everything but the fit
        times is a function of it.
    axes : sequence of matplotlib axes, default=None
        One per entry of :data:`DEMOS` that draws, in order; None draws nothing.

    Returns
    -------
    rows : list of DemoRow
    """
    free_axes = iter(axes if axes is not None else [])
    rows = []
    for entry in DEMOS:
        rows.extend(entry.run(random_state, ax=next(free_axes, None) if entry.draws else None))
    return rows


def _number(value, spec):
    """``value`` formatted by ``spec``, or "-" for a score the row does not have."""
    return "-" if value is None else format(value, spec)


_COLUMNS = [
    ("model", lambda r: r.model),
    ("fitted", lambda r: r.fitted),
    ("TP", lambda r: _number(r.true_positives, "d")
        + ("" if r.true_positives is None or r.n_true is None else f"/{r.n_true}")),
    ("FP", lambda r: _number(r.false_positives, "d")),
    ("F1", lambda r: _number(r.f1, ".3f")),
    ("rel. error", lambda r: _number(r.relative_error, ".3f")),
    ("accuracy", lambda r: _number(r.accuracy, ".3f")),
    ("fit (s)", lambda r: f"{r.fit_time:.3f}"),  # last: the one column that is not reproducible
]


def format_table(rows):
    """Plain-text table of demo rows, text columns left-aligned, numbers right-aligned."""
    cells = [[header for header, _ in _COLUMNS]]
    cells += [[cell(row) for _, cell in _COLUMNS] for row in rows]
    widths = [max(len(line[j]) for line in cells) for j in range(len(_COLUMNS))]

    def render(line):
        return "  ".join(
            text.ljust(width) if j < 2 else text.rjust(width)
            for j, (text, width) in enumerate(zip(line, widths))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(cells[0]), rule, *map(render, cells[1:])])

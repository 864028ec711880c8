"""The prox of the graph-fused penalties (dual ascent) and the penalty protocol."""

import networkx as nx
import numpy as np
import pytest

from sksparse_struct._structure import check_graph, check_groups
from sksparse_struct import penalties
from sksparse_struct.penalties import (
    MCP,
    SCAD,
    GraphFused,
    GroupHoyerSquare,
    HoyerSquare,
    LogPenalty,
    Lq,
    SeparablePlusFused,
    SparseGroupL2,
    WeightedL1,
)
from sksparse_struct.penalties import _base
from sksparse_struct.penalties._base import (
    CertifiedPenalty,
    Penalty,
    SmoothPenalty,
    ThresholdPenalty,
)
from sksparse_struct.solvers import accelerated_proximal_gradient, admm, working_set_admm

P = 25


def _structure(seed):
    graph = check_graph(nx.gnp_random_graph(P, 0.2, seed=seed), P)
    groups = check_groups(np.arange(P) // 5, P)
    return graph, groups


def _penalty(seed, separable=True):
    graph, groups = _structure(seed)
    weights = np.random.default_rng(seed).uniform(0.2, 2.0, graph.n_edges)
    graph = type(graph)(graph.incidence, weights)
    fused = GraphFused(graph, 0.3)
    sep = SparseGroupL2(0.2, 0.4 * groups.weights, groups) if separable else None
    return SeparablePlusFused(sep, fused, gap_tol=1e-13, max_inner=200000), graph, groups


@pytest.mark.parametrize("seed, separable", [(0, True), (1, True), (2, False), (3, False)])
def test_prox_matches_cvxpy(seed, separable):
    cp = pytest.importorskip("cvxpy")
    pen, graph, groups = _penalty(seed, separable)
    v, step = 2 * np.random.default_rng(seed).standard_normal(P), 0.8
    x = pen.prox(v, step)
    xv = cp.Variable(P)
    terms = 0.3 * cp.norm1(cp.multiply(graph.weights, graph.incidence @ xv))
    if separable:
        terms += 0.2 * cp.norm1(xv) + sum(
            0.4 * groups.weights[g] * cp.norm(xv[groups.indices[groups.ptr[g]:groups.ptr[g + 1]]])
            for g in range(groups.n_groups))
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(xv - v) + step * terms))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)

    def objective(z):
        return 0.5 * np.sum((z - v) ** 2) + step * pen.value(z)

    assert objective(x) <= objective(xv.value) + 1e-9
    np.testing.assert_allclose(x, xv.value, atol=1e-5)
    if separable:  # exact zeros from the separable prox where the reference vanishes
        assert np.all(x[np.abs(xv.value) < 1e-9] == 0)


def test_prox_certificate_moreau_and_nonexpansive():
    pen, graph, _ = _penalty(4, separable=False)
    rng = np.random.default_rng(4)
    step = 0.6
    a, b = 2 * rng.standard_normal(P), 2 * rng.standard_normal(P)
    pa = pen.prox(a, step)
    u = pen._dual
    # Moreau: a - prox(a) = D^T u with u in the dual box and complementary to D prox(a)
    radius = step * 0.3 * graph.weights
    np.testing.assert_allclose(a - pa, graph.incidence.T @ u, atol=1e-7)
    assert np.all(np.abs(u) <= radius + 1e-12)
    Dx = graph.incidence @ pa
    assert np.sum(radius * np.abs(Dx) - u * Dx) <= 1e-12
    pb = pen.prox(b, step)
    assert np.sum((pa - pb) ** 2) <= np.dot(pa - pb, a - b) + 1e-8


def test_graph_fused_prox_fuses_two_nodes_exactly():
    pen = GraphFused(check_graph(np.array([[0, 1]]), 2), strength=1.0)
    np.testing.assert_allclose(pen.prox(np.array([3.0, 1.0]), 0.5), [2.5, 1.5])
    np.testing.assert_allclose(pen.prox(np.array([3.0, 1.0]), 2.0), [2.0, 2.0])


def test_every_penalty_provides_what_the_protocol_table_claims():
    graph, groups = _structure(0)
    fused = GraphFused(graph, 1.0)
    certified = [WeightedL1(1.0), SparseGroupL2(0.1, groups.weights, groups),
                 MCP(1.0), SCAD(1.0), LogPenalty(1.0), Lq(1.0)]
    for pen in certified:
        assert isinstance(pen, ThresholdPenalty), type(pen).__name__
    for pen in (fused, SeparablePlusFused(None, fused)):
        assert isinstance(pen, Penalty) and not isinstance(pen, CertifiedPenalty)
    for pen in (HoyerSquare(1.0), GroupHoyerSquare(1.0)):
        assert isinstance(pen, SmoothPenalty) and not isinstance(pen, Penalty)


def _protocol_table():
    """The rows of the table in the docstring of penalties/_base.py: class -> {method: cell}."""
    lines = _base.__doc__.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("=====")]
    header = lines[rules[0] + 1].split()[1:]
    rows, answers = {}, None
    for line in lines[rules[1] + 1:rules[2]]:
        cells = line.split()
        names = [n.split("`")[1] for n in cells if n.startswith(":class:")]
        # a line without answers continues the class list of the row above
        answers = [c for c in cells if not c.startswith(":class:")] or answers
        for name in names:
            rows[name] = dict(zip(header, answers))
    return rows


def test_the_protocol_table_lists_every_penalty_class_with_its_methods():
    rows = _protocol_table()
    classes = {name for name in penalties.__all__ if name[0].isupper()}
    assert set(rows) == classes
    for name, cells in rows.items():
        cls = getattr(penalties, name)
        for method, cell in cells.items():
            assert callable(getattr(cls, method, None)) == (cell != "no"), (name, method)


def test_solvers_name_the_missing_method():
    graph, _ = _structure(0)
    fused = GraphFused(graph, 1.0)

    class ValueOnly:
        def value(self, x):
            return 0.0

    from sksparse_struct._losses import LeastSquares
    rng = np.random.default_rng(0)
    loss = LeastSquares(rng.standard_normal((10, P)), rng.standard_normal(10))
    with pytest.raises(TypeError, match=r"working_set_admm needs a separable penalty with "
                                        r"subdiff_distance\(\), unit_sizes\(\), "
                                        r"feature_units\(\), restrict\(\)"):
        working_set_admm(loss, fused)
    with pytest.raises(TypeError, match=r"admm needs a penalty with prox\(\); ValueOnly"):
        admm(loss, [(None, ValueOnly())])
    with pytest.raises(TypeError, match=r"accelerated_proximal_gradient needs a smooth loss"):
        accelerated_proximal_gradient(object(), WeightedL1(1.0), np.zeros(3))


def test_batched_prox_equals_the_prox_of_each_column():
    graph = check_graph(np.array([[0, 1, 1.0], [1, 2, 0.1]]), 4)
    V = np.array([[3.0, 1.0, 0.5], [1.0, 3.0, -2.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    for pen in (GraphFused(graph, 1.0), SeparablePlusFused(WeightedL1(0.2), GraphFused(graph, 1.0),
                                                           gap_tol=1e-16, max_inner=100000)):
        batch = pen.prox(V, 0.5)
        columns = np.column_stack([SeparablePlusFused(pen.separable if hasattr(pen, "separable")
                                                      else None, GraphFused(graph, 1.0),
                                                      gap_tol=1e-16, max_inner=100000)
                                   .prox(V[:, k], 0.5) for k in range(V.shape[1])])
        np.testing.assert_allclose(batch, columns, atol=1e-6)

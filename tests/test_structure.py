import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sksparse_struct._structure import check_graph, check_groups


def test_labels_partition_every_feature():
    groups = check_groups(np.array(["b", "a", "b", "c", "a"]), 5)
    members = [sorted(groups.indices[groups.ptr[g]:groups.ptr[g + 1]]) for g in range(3)]
    assert members == [[1, 4], [0, 2], [3]]  # ordered by sorted label
    np.testing.assert_allclose(groups.weights, np.sqrt([2, 2, 1]))


def test_lists_leave_unlisted_features_ungrouped():
    groups = check_groups([[4, 1], (0,), range(5, 7)], 8, group_weights=[1, 2, 3])
    assert groups.n_groups == 3 and set(groups.indices) == {0, 1, 4, 5, 6}
    np.testing.assert_array_equal(groups.weights, [1, 2, 3])


def test_group_norms_and_expand():
    groups = check_groups([0, 1, 0, 1, 1], 5)
    w = np.array([3.0, 1.0, 4.0, 2.0, 2.0])
    np.testing.assert_allclose(groups.norms(w), [5.0, 3.0])
    W = np.column_stack([w, w])
    np.testing.assert_allclose(groups.norms(W), np.sqrt(2) * np.array([5.0, 3.0]))
    np.testing.assert_array_equal(groups.expand([7, 8]), [7, 7, 8, 8, 8])


def test_groups_by_column_name():
    names = np.array(["x", "y", "z"])
    groups = check_groups([["z", "x"], ["y"]], 3, feature_names=names)
    assert sorted(groups.indices[:2]) == [0, 2]


@pytest.mark.parametrize(
    "groups, error, match",
    [
        ("abc", TypeError, "one label per feature"),
        (5, TypeError, "one label per feature"),
        ([0, 1], ValueError, r"shape \(4,\)"),
        ([[0, 1], [1, 2]], ValueError, r"disjoint.*\[1\]"),
        ([[0, 7]], ValueError, "do not exist.*7"),
        ([[0, -1]], ValueError, "do not exist"),
        ([["a"]], ValueError, "no column names"),
        ([[0], []], ValueError, "empty"),
        ([0.0, np.nan, 1.0, 1.0], ValueError, "NaN"),
    ],
)
def test_malformed_groups(groups, error, match):
    with pytest.raises(error, match=match):
        check_groups(groups, 4)


@pytest.mark.parametrize("weights", [[1.0, -1.0], [1.0, np.inf], [1.0]])
def test_bad_group_weights(weights):
    with pytest.raises(ValueError, match="group_weights"):
        check_groups([0, 0, 1, 1], 4, group_weights=weights)


def _edges(graph):
    D = graph.incidence.toarray()
    ends = [tuple(sorted((int(np.flatnonzero(r == 1)[0]), int(np.flatnonzero(r == -1)[0])))) for r in D]
    return sorted(zip(ends, graph.weights.tolist()))


def test_graph_forms_agree():
    nxg = nx.Graph()
    nxg.add_nodes_from(range(4))
    nxg.add_edge(0, 1, weight=2.0)
    nxg.add_edge(2, 1)
    nxg.add_edge(3, 3)  # self-loop: contributes nothing, dropped
    adjacency = sp.csr_matrix(([2.0, 2.0, 1.0, 1.0], ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(4, 4))
    array = np.array([[0, 1, 2.0], [1, 2, 1.0]])
    expected = [((0, 1), 2.0), ((1, 2), 1.0)]
    for form in (nxg, adjacency, array):
        assert _edges(check_graph(form, 4)) == expected
    assert _edges(check_graph(np.array([[0, 1], [1, 2]]), 4)) == [((0, 1), 1.0), ((1, 2), 1.0)]


def test_incidence_rows_are_differences():
    graph = check_graph(nx.path_graph(4), 4)
    w = np.array([1.0, 3.0, 6.0, 10.0])
    np.testing.assert_allclose(np.sort(np.abs(graph.incidence @ w)), [2.0, 3.0, 4.0])


def test_graph_over_column_names():
    names = np.array(["a", "b", "c"])
    graph = check_graph(nx.Graph([("a", "c")]), 3, feature_names=names)
    assert _edges(graph) == [((0, 2), 1.0)]


@pytest.mark.parametrize(
    "graph, error, match",
    [
        (nx.DiGraph([(0, 1)]), TypeError, "undirected"),
        (nx.MultiGraph([(0, 1)]), TypeError, "undirected"),
        (nx.Graph([(0, 9)]), ValueError, "do not exist.*9"),
        (nx.Graph([("a", 1)]), ValueError, "neither indices|no column names"),
        (nx.Graph([(0, 1, {"weight": -1})]), ValueError, "non-negative"),
        (nx.Graph([(0, 1, {"weight": np.nan})]), ValueError, "finite"),
        (nx.Graph([(0, 1, {"weight": "heavy"})]), TypeError, "numeric"),
        (sp.csr_matrix(np.triu(np.ones((4, 4)), 1)), ValueError, "symmetric"),
        (sp.csr_matrix(-np.ones((4, 4))), ValueError, "non-negative"),
        (sp.identity(3), ValueError, r"\(4, 4\)"),
        (np.array([0, 1]), ValueError, "shape"),
        (np.array([[0, 4]]), ValueError, "do not exist"),
        (np.array([[0, np.nan]]), ValueError, "NaN"),
        (np.array([["a", "b"]]), TypeError, "numeric"),
        ("graph", TypeError, "networkx.Graph"),
    ],
)
def test_malformed_graphs(graph, error, match):
    with pytest.raises(error, match=match):
        check_graph(graph, 4)


def test_isolated_node_that_is_not_a_feature():
    graph = nx.Graph([(0, 1)])
    graph.add_node(11)
    with pytest.raises(ValueError, match="11"):
        check_graph(graph, 4)


def test_empty_graph():
    graph = check_graph(nx.empty_graph(3), 3)
    assert graph.n_edges == 0 and graph.incidence.shape == (0, 3)


def test_edgeless_graph_with_nodes_that_are_not_features():
    with pytest.raises(ValueError, match="do not exist"):
        check_graph(nx.empty_graph(12), 4)

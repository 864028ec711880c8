import networkx as nx
import numpy as np
import pytest

from sksparse_struct import make_group_graph_regression


def test_truth_is_a_connected_run_of_constant_groups():
    X, y, coef, groups, graph = make_group_graph_regression(80, 60, 12, 3, noise=0.0, random_state=3)
    assert X.shape == (80, 60) and y.shape == (80,) and groups.shape == (60,)
    np.testing.assert_allclose(y, X @ coef)
    active = np.unique(groups[coef != 0])
    assert active.size == 3 and np.all(np.diff(active) == 1)
    for g in active:  # constant within a selected group, magnitude in coef_range
        values = coef[groups == g]
        assert np.all(values == values[0]) and 1.0 <= abs(values[0]) <= 2.0
    assert np.all(coef[~np.isin(groups, active)] == 0)
    assert nx.is_connected(graph.subgraph(np.flatnonzero(coef)))
    assert nx.is_connected(graph) and set(graph.nodes) == set(range(60))


def test_chain_inside_groups_and_links_between_neighbours():
    _, _, _, groups, graph = make_group_graph_regression(10, 40, 4, 1, n_links=3, random_state=0)
    for j, k in graph.edges:
        assert abs(groups[j] - groups[k]) <= 1
        if groups[j] == groups[k]:
            assert abs(j - k) == 1
    between = sum(groups[j] != groups[k] for j, k in graph.edges)
    assert 1 <= between <= 3 * 3


def test_reproducible_and_seed_dependent():
    a = make_group_graph_regression(20, 10, 2, 1, random_state=0)
    b = make_group_graph_regression(20, 10, 2, 1, random_state=0)
    c = make_group_graph_regression(20, 10, 2, 1, random_state=1)
    np.testing.assert_array_equal(a[0], b[0])
    assert sorted(a[4].edges) == sorted(b[4].edges)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_groups=0), "n_groups"),
        (dict(n_groups=11), "n_groups"),
        (dict(n_informative_groups=5), "n_informative_groups"),
        (dict(noise=-1.0), "noise"),
        (dict(coef_range=(2.0, 1.0)), "coef_range"),
    ],
)
def test_bad_arguments(kwargs, match):
    params = dict(n_samples=20, n_features=10, n_groups=4, n_informative_groups=1)
    params.update(kwargs)
    with pytest.raises(ValueError, match=match):
        make_group_graph_regression(**params)

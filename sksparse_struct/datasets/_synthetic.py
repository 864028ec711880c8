"""Synthetic problems with a known structured-sparse truth."""

import networkx as nx
import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_group_graph_regression"]


def _feature_graph(labels, n_groups, n_links, rng):
    """Chain inside each group plus ``n_links`` random links between neighbouring groups."""
    graph = nx.Graph()
    graph.add_nodes_from(range(labels.size))
    same = labels[1:] == labels[:-1]
    chain = np.flatnonzero(same)
    graph.add_edges_from(zip(chain.tolist(), (chain + 1).tolist()))
    starts = np.searchsorted(labels, np.arange(n_groups + 1))
    for g in range(n_groups - 1):
        left = rng.integers(starts[g], starts[g + 1], size=n_links)
        right = rng.integers(starts[g + 1], starts[g + 2], size=n_links)
        graph.add_edges_from(zip(left.tolist(), right.tolist()))
    return graph


def make_group_graph_regression(n_samples=200, n_features=100, n_groups=10,
                                n_informative_groups=2, *, n_links=2, noise=1.0,
                                coef_range=(1.0, 2.0), random_state=None):
    r"""Regression problem whose truth is sparse in groups and smooth along a graph.

    Features are split into ``n_groups`` contiguous groups of (nearly) equal
    size. The feature graph is a chain inside each group plus ``n_links``
    random links between every pair of neighbouring groups, so neighbouring
    groups are connected. The true support is a run of
    ``n_informative_groups`` neighbouring groups (a connected patch of the
    graph); within a selected group every coefficient has the same value,
    of random sign and magnitude in ``coef_range``, so the truth is constant
    along every edge inside a group. Then

    .. math::  y = X w^\star + \varepsilon, \qquad X_{ij}, \varepsilon_i/\sigma \sim N(0, 1).

    Parameters
    ----------
    n_samples, n_features : int
    n_groups : int
        Number of groups, ``1 <= n_groups <= n_features``.
    n_informative_groups : int
        Number of groups with non-zero coefficients, ``<= n_groups``.
    n_links : int, default=2
        Random links between each pair of neighbouring groups.
    noise : float, default=1.0
        Standard deviation :math:`\sigma` of the Gaussian noise.
    coef_range : (float, float), default=(1.0, 2.0)
        Range of the magnitude of the non-zero coefficients.
    random_state : int, RandomState instance or None

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
        The true coefficients :math:`w^\star`.
    groups : ndarray of int of shape (n_features,)
        Group label of each feature.
    graph : networkx.Graph
        Feature graph over the indices ``0..n_features-1``.

    Examples
    --------
    >>> from sksparse_struct import make_group_graph_regression
    >>> X, y, coef, groups, graph = make_group_graph_regression(50, 20, 4, 1, random_state=0)
    >>> X.shape, graph.number_of_nodes(), int((coef != 0).sum())
    ((50, 20), 20, 5)
    """
    if not 1 <= n_groups <= n_features:
        raise ValueError(f"n_groups must be in [1, n_features={n_features}], got {n_groups}")
    if not 0 <= n_informative_groups <= n_groups:
        raise ValueError(
            f"n_informative_groups must be in [0, n_groups={n_groups}], got {n_informative_groups}"
        )
    if n_samples < 1 or n_links < 0 or noise < 0:
        raise ValueError("n_samples must be >= 1, n_links and noise must be >= 0")
    low, high = coef_range
    if not 0 <= low <= high:
        raise ValueError(f"coef_range must satisfy 0 <= low <= high, got {coef_range}")
    rng = check_random_state(random_state)
    gen = np.random.default_rng(rng.randint(2**31))
    labels = np.arange(n_features) * n_groups // n_features
    graph = _feature_graph(labels, n_groups, n_links, gen)

    first = gen.integers(0, n_groups - n_informative_groups + 1)
    chosen = np.arange(first, first + n_informative_groups)
    values = gen.choice([-1.0, 1.0], size=n_informative_groups) * gen.uniform(low, high, n_informative_groups)
    per_group = np.zeros(n_groups)
    per_group[chosen] = values
    coef = per_group[labels]

    X = gen.standard_normal((n_samples, n_features))
    y = X @ coef + noise * gen.standard_normal(n_samples)
    return X, y, coef, labels, graph

"""Linked-data (node classification) benchmarks: the real collection and a generator.

Every dataset is a graph whose nodes are documents (papers, web pages) with
sparse bag-of-words features and one class label each; the task is to
predict the labels of some nodes from the labels of others, the features
and the links.
"""

import json
import numbers
import textwrap
import warnings
from typing import NamedTuple

import networkx as nx
import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch, check_random_state

from ._base import load_verified_npz

__all__ = ["load_linked_dataset", "make_linked_data"]

_COLLECTION = ("the sksparse_struct linked-data benchmark collection described in "
               "docs/datasets.md")


class _Entry(NamedTuple):
    file: str
    sha256: str
    description: str


_REGISTRY = {
    "cora": _Entry(
        "cora.npz", "b19300123e394a13cc0d02773081483e483be2d0c55f6df638fa9720aac3fa2d",
        "Cora citation graph, Planetoid version with the public split"),
    "citeseer": _Entry(
        "citeseer.npz", "dd3734b5b8cf40b5cb10f92772f23209248cdebb7a2063c6c2d291486649039d",
        "CiteSeer citation graph, Planetoid version with the public split"),
    "pubmed_partial": _Entry(
        "pubmed_partial.npz",
        "ec720ba91f9337040efaafcee42a0417e917dbff4eab6ef3dea686882ac9de04",
        "PubMed diabetes citation graph, Planetoid version with the public split; "
        "features incomplete"),
    "cora_linqs": _Entry(
        "cora_linqs.npz", "3eed035cff2947ed3b6fe1991ef273f110e82e8a5d231479ffd13dd9102d0a8a",
        "Cora citation graph, LINQS release (node order of the .content file)"),
    "citeseer_linqs": _Entry(
        "citeseer_linqs.npz",
        "029898458cfeae0e3867897bb20a9d7e6481ba12d3278fad5ea91fd939d2a26b",
        "CiteSeer citation graph, LINQS release (node order of the .content file)"),
    "cornell": _Entry(
        "cornell.npz", "b64fb88ffeba3763f62f7927c92331700768fcd5e2397136c8703fd0457e76e9",
        "WebKB Cornell hyperlink graph, Geom-GCN version (features and labels are Texas's)"),
    "texas": _Entry(
        "texas.npz", "076104747722e1b4e6defba20feaf38964fc61baa71f89e0c73497920649c801",
        "WebKB Texas hyperlink graph, Geom-GCN version"),
    "wisconsin": _Entry(
        "wisconsin.npz", "46a5eaf3d61a9d579e4284c6b2f49f2f5a39b2f37cf6442cb9dfdc8f5ea0952c",
        "WebKB Wisconsin hyperlink graph, Geom-GCN version"),
    "washington": _Entry(
        "washington.npz", "05dc118f439e6055fc53e5646cf37689edbc51301b51f4057972f8b2ac2e9c26",
        "WebKB Washington hyperlink graph, LINQS release (Geom-GCN has no Washington)"),
    "actor": _Entry(
        "actor.npz", "e240f74a5f80b149a74c7443db63ba8058036b5e2f1d063c8ad6c1caa00379fc",
        'Actor co-occurrence graph, Geom-GCN version ("film")'),
    "chameleon": _Entry(
        "chameleon.npz", "1fa500248cdc120ff90bee9d36a80e723cb4b096a7a6f89a7c578d575c6726d9",
        "Wikipedia chameleon page graph, Geom-GCN version"),
    "squirrel": _Entry(
        "squirrel.npz", "c70921c9b9b0323de0c81a01af31b9c4a5711890b79888712357b87a19bdb120",
        "Wikipedia squirrel page graph, Geom-GCN version"),
    "cornell_linqs": _Entry(
        "cornell_linqs.npz", "e199437af8c49aaab00c706944c2365f52e167623140eb860974e15b370f139c",
        "WebKB Cornell hyperlink graph, LINQS release"),
    "texas_linqs": _Entry(
        "texas_linqs.npz", "ac83499556466065fba245db42195df0ad303081f8eb8625bcaef2c77177f4cc",
        "WebKB Texas hyperlink graph, LINQS release"),
    "wisconsin_linqs": _Entry(
        "wisconsin_linqs.npz",
        "56073d1c97d6287c0ba77a5a560443e555a37ca5103d4fb2a13f5084df0c538c",
        "WebKB Wisconsin hyperlink graph, LINQS release"),
}

_WEBKB_LINQS_CAVEAT = (
    "The 10 splits are not a published split: they are stratified random 60/20/20 "
    "splits generated for this collection (split s uses numpy.random.default_rng(s)).")
_GEOM_GCN_CAVEAT = (
    "Despite their file names (0.6_0.2), the released Geom-GCN splits are about "
    "48% / 32% / 20% train / validation / test.")
_NO_CLASS_NAMES = (
    "The classes have no names, so label_names are the strings '0'..'{last}'.")

_CAVEATS = {
    "citeseer": [
        "15 nodes appear in the citation graph but not in the LINQS content file: they "
        "have all-zero features and target -1 (no label), and are in no split. PyG and "
        "DGL silently give them class 0."],
    "pubmed_partial": [
        "FEATURES INCOMPLETE: only the 1060 rows with feature_rows_available == True (the "
        "60 training and 1000 test nodes) are real TF-IDF rows; every other row is a zero "
        "placeholder, because the Planetoid file ind.pubmed.allx could not be obtained. "
        "Do not use the features for feature-based PubMed results. The graph, all labels "
        "and the public split are complete."],
    "cora_linqs": [
        "Paper IDs and link directions are not available (rebuilt from a processed copy "
        "of the LINQS release). The nodes are those of 'cora', reordered."],
    "citeseer_linqs": [
        "Paper IDs and link directions are not available (rebuilt from a processed copy "
        "of the LINQS release). Links to the 15 cited papers without content are dropped; "
        "48 nodes are isolated."],
    "cornell": [
        "The features, labels and label names are those of the Texas pages: in the "
        "Geom-GCN source the Cornell feature/label file is byte-identical to the Texas one "
        "(same git blob b24f9e51...), so this file has the Cornell graph and splits with "
        "the Texas pages' features and labels. It is kept as distributed because PyG "
        "WebKB('Cornell') and published Geom-GCN-protocol Cornell numbers use exactly "
        "this. For genuine Cornell pages use 'cornell_linqs'.",
        _GEOM_GCN_CAVEAT],
    "texas": [_GEOM_GCN_CAVEAT],
    "wisconsin": [_GEOM_GCN_CAVEAT],
    "actor": [_GEOM_GCN_CAVEAT, _NO_CLASS_NAMES],
    "chameleon": [
        "Features and labels come from the yandex-research/heterophilous-graphs copy, "
        "whose edges and masks equal Geom-GCN's (same node order); this is the original, "
        "not the 'filtered', version. Labels are 5 bins of monthly page traffic.",
        _GEOM_GCN_CAVEAT, _NO_CLASS_NAMES],
    "squirrel": [
        "Features and labels come from the yandex-research/heterophilous-graphs copy, "
        "whose edges and masks equal Geom-GCN's (same node order); this is the original, "
        "not the 'filtered', version. Labels are 5 bins of monthly page traffic.",
        _GEOM_GCN_CAVEAT, _NO_CLASS_NAMES],
    "washington": [_WEBKB_LINQS_CAVEAT],
    "cornell_linqs": [_WEBKB_LINQS_CAVEAT],
    "texas_linqs": [_WEBKB_LINQS_CAVEAT],
    "wisconsin_linqs": [_WEBKB_LINQS_CAVEAT],
}

_REQUIRED_KEYS = ("X_data", "X_indices", "X_indptr", "X_shape", "y", "edges", "info")
_INDEX_SPLIT_KEYS = ("train_idx", "val_idx", "test_idx")
_MASK_SPLIT_KEYS = ("train_masks", "val_masks", "test_masks")


# ----------------------------------------------------------------------------- loading

def _registry_entry(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in _REGISTRY:
        raise ValueError(
            f"unknown linked dataset {name!r}; valid names are {', '.join(_REGISTRY)}")
    return _REGISTRY[name]


def _require(condition, file_name, problem):
    if not condition:
        raise ValueError(f"{file_name} is malformed: {problem}")


def _features(file_name, arrays):
    """CSR float64 feature matrix, with its structure fully checked."""
    shape = arrays["X_shape"]
    _require(shape.shape == (2,), file_name, f"X_shape has shape {shape.shape}, not (2,)")
    try:
        features = sp.csr_matrix(
            (arrays["X_data"].astype(np.float64), arrays["X_indices"], arrays["X_indptr"]),
            shape=tuple(int(s) for s in shape))
        features.check_format(full_check=True)
    except ValueError as exc:
        raise ValueError(f"{file_name} is malformed: bad feature matrix: {exc}") from exc
    return features


def _n_classes(file_name, target, arrays):
    """Number of classes; ``target`` must be -1 (no label) or a class index."""
    _require(target.ndim == 1 and np.issubdtype(target.dtype, np.integer), file_name,
             "y is not a 1-d integer array")
    n_classes = (len(arrays["label_names"]) if "label_names" in arrays
                 else int(target.max(initial=-1)) + 1)
    _require(np.all((target >= -1) & (target < n_classes)), file_name,
             f"y has values outside -1..{n_classes - 1}")
    return n_classes


def _check_edges(file_name, edges, n_nodes):
    """Edges are stored once as ``u < v`` (so no self-loops), in range and unique."""
    _require(edges.ndim == 2 and edges.shape[1] == 2 and np.issubdtype(edges.dtype, np.integer),
             file_name, f"edges has shape {edges.shape} and dtype {edges.dtype}")
    _require(np.all((edges[:, 0] >= 0) & (edges[:, 0] < edges[:, 1]) & (edges[:, 1] < n_nodes)),
             file_name, f"edges are not pairs 0 <= u < v < {n_nodes}")
    codes = edges[:, 0] * n_nodes + edges[:, 1]
    _require(np.unique(codes).size == codes.size, file_name, "edges has duplicates")


def _index_split(file_name, arrays, target):
    """The one Planetoid split ``(train, val, test)``, all labelled and disjoint."""
    parts = tuple(arrays[key] for key in _INDEX_SPLIT_KEYS)
    for key, part in zip(_INDEX_SPLIT_KEYS, parts):
        _require(part.ndim == 1 and np.issubdtype(part.dtype, np.integer)
                 and np.all((part >= 0) & (part < target.size)), file_name,
                 f"{key} is not a 1-d array of node indices")
        _require(np.all(target[part] >= 0), file_name, f"{key} has unlabelled nodes")
    merged = np.concatenate(parts)
    _require(np.unique(merged).size == merged.size, file_name,
             "train_idx, val_idx and test_idx overlap or repeat nodes")
    return [tuple(part.astype(np.int64) for part in parts)]


def _mask_splits(file_name, arrays, n_nodes):
    """One ``(train, val, test)`` per row of the (n_splits, n) masks, disjoint in each row."""
    masks = tuple(arrays[key] for key in _MASK_SPLIT_KEYS)
    for key, mask in zip(_MASK_SPLIT_KEYS, masks):
        _require(mask.dtype == bool and mask.ndim == 2 and mask.shape == masks[0].shape
                 and mask.shape[1] == n_nodes, file_name,
                 f"{key} is not a boolean array of shape (n_splits, {n_nodes})")
    _require(np.all(sum(mask.astype(np.int64) for mask in masks) <= 1), file_name,
             "a node is in two of train_masks, val_masks and test_masks of one split")
    return [tuple(np.flatnonzero(mask[s]).astype(np.int64) for mask in masks)
            for s in range(masks[0].shape[0])]


def _splits(file_name, arrays, target):
    """The splits of the file: one (Planetoid), one per mask row, or none."""
    for keys in (_INDEX_SPLIT_KEYS, _MASK_SPLIT_KEYS):
        present = [key for key in keys if key in arrays]
        _require(len(present) in (0, len(keys)), file_name,
                 f"has {', '.join(present)} but not all of {', '.join(keys)}")
    if _INDEX_SPLIT_KEYS[0] in arrays:
        return _index_split(file_name, arrays, target)
    if _MASK_SPLIT_KEYS[0] in arrays:
        return _mask_splits(file_name, arrays, target.size)
    return []


def _graph(n_nodes, edges):
    """Undirected graph on ``0..n_nodes-1`` in order, isolated nodes included."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n_nodes))
    graph.add_edges_from(edges.tolist())
    return graph


def _wrap(text, indent=""):
    # no breaks at hyphens: repository names such as geom-gcn must stay whole
    return textwrap.fill(text, width=79, initial_indent=indent,
                         subsequent_indent=" " * len(indent), break_on_hyphens=False)


def _split_text(info, splits, planetoid):
    if not splits:
        return ("none: the file has no train/validation/test split, so `splits` is an "
                "empty list; draw your own, e.g. with "
                "sklearn.model_selection.StratifiedShuffleSplit.")
    sizes = " / ".join(str(part.size) for part in splits[0])
    kind = ("the public Planetoid split" if planetoid
            else f"{len(splits)} splits; the first one")
    return f"{kind} has {sizes} train / validation / test nodes. {info['splits'].rstrip('.')}."


def _source_text(info):
    commit = info["source_commit"]
    if isinstance(commit, dict):  # one commit per source repository
        commits = "commits " + ", ".join(f"{key} {value}" for key, value in commit.items())
    else:
        commits = f"commit {commit}"
    return (f"Source: {info['source_repo']} at {commits}; files "
            f"{'; '.join(info['source_paths'])}.")


def _describe(name, bunch, arrays):
    """The DESCR text: what the dataset is, its size, split, provenance and caveats."""
    entry = _REGISTRY[name]
    info = json.loads(str(arrays["info"]))
    n_nodes, n_features = bunch.features.shape
    classes = ("unnamed" if "label_names" not in arrays
               else "; ".join(f"{k}: {label}" for k, label in enumerate(bunch.label_names)))
    title = f"{name} ({entry.file})"
    paragraphs = [
        f"{title}\n{'=' * len(title)}",
        _wrap(f"{entry.description}. Version: {info['version']}."),
        _wrap(f"{n_nodes} nodes, {n_features} features, "
              f"{bunch.graph.number_of_edges()} undirected edges, "
              f"{len(bunch.label_names)} classes ({classes})."),
        _wrap("Split: " + _split_text(info, bunch.splits, _INDEX_SPLIT_KEYS[0] in arrays)),
        _wrap(_source_text(info)),
        "Papers:\n" + "\n".join(_wrap(citation, "- ") for citation in info["citation"]),
    ]
    caveats = [text.format(last=len(bunch.label_names) - 1) for text in _CAVEATS.get(name, [])]
    if caveats:
        paragraphs.append("Caveats:\n" + "\n".join(_wrap(text, "- ") for text in caveats))
    return "\n\n".join(paragraphs) + "\n"


def load_linked_dataset(name, *, data_home=None):
    """Load one linked-data (node classification) benchmark of the collection.

    The files are not downloaded: they must be in the data home (see
    :func:`get_data_home`), and each is checked against its sha256 before
    use. ``docs/datasets.md`` describes the collection.

    Parameters
    ----------
    name : str
        One of ``'cora'``, ``'citeseer'``, ``'pubmed_partial'`` (Planetoid
        versions, one public split each); ``'cora_linqs'``,
        ``'citeseer_linqs'`` (LINQS releases, no split); ``'cornell'``,
        ``'texas'``, ``'wisconsin'``, ``'actor'``, ``'chameleon'``,
        ``'squirrel'`` (Geom-GCN versions, 10 splits each); ``'washington'``,
        ``'cornell_linqs'``, ``'texas_linqs'``, ``'wisconsin_linqs'`` (LINQS
        WebKB releases, 10 generated stratified splits each).
    data_home : str, path-like or None, default=None
        Folder holding the files; see :func:`get_data_home`.

    Returns
    -------
    data : sklearn.utils.Bunch
        With the fields

        features : scipy.sparse.csr_matrix of float64, shape (n_nodes, n_features)
            One row per node.
        graph : networkx.Graph
            Undirected graph on the nodes ``0..n_nodes-1`` (in that order,
            isolated nodes included).
        target : ndarray of int64, shape (n_nodes,)
            Class of each node; -1 for the 15 unlabelled Citeseer nodes
            (``'citeseer'`` only), which are in no split.
        label_names : ndarray of str, shape (n_classes,)
            Class names; ``'0'``, ``'1'``, ... for the datasets whose classes
            have no names (actor, chameleon, squirrel).
        splits : list of (train_idx, val_idx, test_idx)
            Disjoint int64 node-index arrays: one split for the Planetoid
            files, ten for the Geom-GCN and LINQS WebKB files, none (an empty
            list) for ``'cora_linqs'`` and ``'citeseer_linqs'``.
        DESCR : str
            Size, split, source, papers and caveats of the dataset.
        name : str
            The ``name`` asked for.
        feature_rows_available : ndarray of bool, shape (n_nodes,)
            ``'pubmed_partial'`` only: the rows of ``features`` that are real;
            all other rows are zero placeholders.

    Raises
    ------
    TypeError
        If ``name`` is not a str.
    ValueError
        If ``name`` is unknown, or the file's sha256 or content is not the
        expected one.
    FileNotFoundError
        If the file is not in the data home.

    Warns
    -----
    UserWarning
        For ``'pubmed_partial'``, whose features are incomplete.

    Examples
    --------
    >>> from sksparse_struct import load_linked_dataset
    >>> cora = load_linked_dataset("cora")  # doctest: +SKIP
    >>> cora.features.shape, cora.graph.number_of_edges(), len(cora.splits)  # doctest: +SKIP
    ((2708, 1433), 5278, 1)
    """
    entry = _registry_entry(name)
    arrays = load_verified_npz(entry.file, entry.sha256, collection=_COLLECTION,
                               data_home=data_home)
    missing = [key for key in _REQUIRED_KEYS if key not in arrays]
    _require(not missing, entry.file, f"keys {', '.join(missing)} are missing")
    features = _features(entry.file, arrays)
    target = arrays["y"]
    _require(target.shape == (features.shape[0],), entry.file,
             f"y has shape {target.shape} but X_shape has {features.shape[0]} rows")
    n_classes = _n_classes(entry.file, target, arrays)
    _check_edges(entry.file, arrays["edges"], target.size)
    label_names = (arrays["label_names"].astype(str) if "label_names" in arrays
                   else np.array([str(k) for k in range(n_classes)]))
    data = Bunch(features=features, graph=_graph(target.size, arrays["edges"]),
                 target=target.astype(np.int64), label_names=label_names,
                 splits=_splits(entry.file, arrays, target), name=name)
    data.DESCR = _describe(name, data, arrays)
    if "X_row_available" in arrays:
        available = arrays["X_row_available"]
        _require(available.dtype == bool and available.shape == target.shape, entry.file,
                 "X_row_available is not a boolean array with one entry per node")
        data.feature_rows_available = available
        warnings.warn(
            f"{name}: the features are incomplete; only the {int(available.sum())} rows "
            "with feature_rows_available == True are real, the others are zero "
            "placeholders. Do not use the features for feature-based results.",
            UserWarning, stacklevel=2)
    return data


# --------------------------------------------------------------------------- generator

def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_real(name, value, low, high=np.inf):
    """A finite real number in [low, high] (NaN and inf fail the comparisons)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not (low <= value <= high and np.isfinite(value))):
        bound = f"in [{low}, {high}]" if np.isfinite(high) else f"finite and >= {low}"
        raise ValueError(f"{name} must be a number {bound}, got {value!r}")
    return float(value)


def _class_blocks(labels, n_classes):
    """Nodes grouped by class (``order``), and where each class starts in ``order``."""
    order = np.argsort(labels, kind="stable")
    counts = np.bincount(labels, minlength=n_classes)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return order, starts, counts


def _linked_edges(labels, n_classes, n_edges, homophily, gen):
    """``(m, 2)`` unique ``u < v`` edges; each endpoint pair is same-class w.p. ``homophily``."""
    n_nodes = labels.size
    order, starts, counts = _class_blocks(labels, n_classes)
    u = gen.integers(0, n_nodes, size=n_edges)
    block_start, block_size = starts[labels[u]], counts[labels[u]]
    inside = block_start + (gen.random(n_edges) * block_size).astype(np.int64)
    # uniform position outside u's block: draw among the n - size others, then skip the block
    outside = (gen.random(n_edges) * (n_nodes - block_size)).astype(np.int64)
    outside += np.where(outside >= block_start, block_size, 0)
    v = order[np.where(gen.random(n_edges) < homophily, inside, outside)]
    low, high = np.minimum(u, v), np.maximum(u, v)
    codes = np.unique(low[low != high] * np.int64(n_nodes) + high[low != high])
    return np.column_stack((codes // n_nodes, codes % n_nodes))


def _topic_features(labels, n_features, n_classes, words_per_node, feature_signal, gen):
    """Binary CSR bag of words: each draw from the node's class topic w.p. ``feature_signal``."""
    n_nodes = labels.size
    topic_size = n_features // n_classes
    shape = (n_nodes, words_per_node)
    topical = labels[:, None] * topic_size + gen.integers(0, topic_size, size=shape)
    words = np.where(gen.random(shape) < feature_signal, topical,
                     gen.integers(0, n_features, size=shape))
    words.sort(axis=1)
    # a word drawn twice is one entry: keep the first of each run in the sorted rows
    keep = np.ones(shape, dtype=bool)
    keep[:, 1:] = words[:, 1:] != words[:, :-1]
    indptr = np.concatenate(([0], np.cumsum(keep.sum(axis=1))))
    indices = words[keep]
    return sp.csr_matrix((np.ones(indices.size), indices, indptr), shape=(n_nodes, n_features))


def _planetoid_split(labels, n_classes, n_train_per_class, n_val, n_test, gen):
    """``n_train_per_class`` random nodes per class, then ``n_val`` and ``n_test`` others."""
    _, starts, _ = _class_blocks(labels, n_classes)
    shuffled = gen.permutation(labels.size)
    by_class = shuffled[np.argsort(labels[shuffled], kind="stable")]
    rank_in_class = np.arange(labels.size) - starts[labels[by_class]]
    train = by_class[rank_in_class < n_train_per_class]
    rest = gen.permutation(by_class[rank_in_class >= n_train_per_class])
    val, test = rest[:n_val], rest[n_val:n_val + n_test]
    return [(np.sort(train), np.sort(val), np.sort(test))]


def _edge_homophily(labels, edges):
    """Fraction of edges joining two nodes of the same class (NaN without edges)."""
    if len(edges) == 0:
        return float("nan")
    return float(np.mean(labels[edges[:, 0]] == labels[edges[:, 1]]))


def make_linked_data(n_nodes=2000, n_classes=5, n_features=500, *, homophily=0.8,
                     average_degree=4.0, words_per_node=20, feature_signal=0.3,
                     n_train_per_class=20, n_val=500, n_test=1000, random_state=None):
    r"""Synthetic linked dataset: class-structured links and topical bag-of-words features.

    A stand-in for the citation and hyperlink benchmarks of
    :func:`load_linked_dataset`, with the same fields, where the strength of
    the link signal (``homophily``) and of the feature signal
    (``feature_signal``) are known and tunable.

    The labels are balanced: :math:`y_i = \pi(i) \bmod K` for a uniformly
    random permutation :math:`\pi` of the :math:`n` nodes. The graph has
    :math:`m = \mathrm{round}(n d / 2)` candidate edges :math:`\{u_e, v_e\}`,

    .. math::

        u_e \sim \mathcal{U}\{1..n\}, \quad b_e \sim \mathrm{Bernoulli}(h), \quad
        v_e \mid b_e \sim
        \begin{cases}
            \mathcal{U}\{j : y_j = y_{u_e}\} & b_e = 1, \\
            \mathcal{U}\{j : y_j \neq y_{u_e}\} & b_e = 0,
        \end{cases}

    from which self-loops and duplicates are removed, so that the measured
    edge homophily :math:`|\{\{u, v\} \in E : y_u = y_v\}| / |E|` is close
    to :math:`h` (``homophily``; with :math:`h = 0` no edge joins two nodes
    of the same class). Class :math:`c` owns the topic
    :math:`W_c = \{cT, \dots, (c + 1)T - 1\}`, :math:`T = \lfloor p / K \rfloor`,
    and each node draws :math:`L` words

    .. math::

        w_{il} \sim s\, \mathcal{U}(W_{y_i}) + (1 - s)\, \mathcal{U}\{0..p-1\},
        \quad l = 1..L, \qquad X_{ij} = \mathbb{1}[j \in \{w_{i1}, \dots, w_{iL}\}],

    a mixture with weight :math:`s` (``feature_signal``) on the topic of its
    class. With :math:`s = 0` the features carry no class information.

    Everything is vectorized and sparse: memory and time are linear in
    :math:`n d + n L`.

    Parameters
    ----------
    n_nodes : int, default=2000
        Number of nodes :math:`n`, ``>= n_classes``.
    n_classes : int, default=5
        Number of classes :math:`K`, ``>= 2``.
    n_features : int, default=500
        Vocabulary size :math:`p`, ``>= n_classes``; the last
        ``n_features % n_classes`` words belong to no topic.
    homophily : float, default=0.8
        Probability :math:`h` in [0, 1] that a candidate edge joins two nodes
        of the same class.
    average_degree : float, default=4.0
        :math:`d \ge 0`; the graph has about :math:`n d / 2` edges.
    words_per_node : int, default=20
        Words :math:`L \ge 1` drawn per node (a word drawn twice is one entry).
    feature_signal : float, default=0.3
        Probability :math:`s` in [0, 1] that a word is drawn from the topic of
        the node's class.
    n_train_per_class : int, default=20
        Training nodes per class (``>= 1``), as in the Planetoid splits.
    n_val, n_test : int, default=500, 1000
        Validation and test nodes (``>= 0``), drawn from the other nodes.
    random_state : int, RandomState instance or None

    Returns
    -------
    data : sklearn.utils.Bunch
        With the fields

        features : scipy.sparse.csr_matrix of float64, shape (n_nodes, n_features)
            0/1 entries.
        graph : networkx.Graph
            Undirected graph on the nodes ``0..n_nodes-1`` (in that order).
        target : ndarray of int64, shape (n_nodes,)
            Class of each node.
        label_names : ndarray of str
            ``'class 0'``, ``'class 1'``, ...
        splits : list of one (train_idx, val_idx, test_idx)
            Disjoint sorted int64 node-index arrays.
        homophily : float
            Measured edge homophily of the graph (NaN if it has no edges).
        DESCR : str
            The generator and its parameters.
        name : str
            ``'synthetic'``.

    Raises
    ------
    ValueError
        If a parameter is out of range (the message names it), or if the
        nodes do not suffice for the split.

    Examples
    --------
    >>> from sksparse_struct import make_linked_data
    >>> data = make_linked_data(1000, 4, 200, homophily=0.9, n_val=200, n_test=400,
    ...                         random_state=0)
    >>> data.features.shape, data.graph.number_of_nodes(), round(data.homophily, 1)
    ((1000, 200), 1000, 0.9)
    >>> [part.size for part in data.splits[0]]
    [80, 200, 400]
    """
    n_classes = _check_int("n_classes", n_classes, 2)
    n_nodes = _check_int("n_nodes", n_nodes, n_classes)
    n_features = _check_int("n_features", n_features, n_classes)
    homophily = _check_real("homophily", homophily, 0.0, 1.0)
    average_degree = _check_real("average_degree", average_degree, 0.0)
    words_per_node = _check_int("words_per_node", words_per_node, 1)
    feature_signal = _check_real("feature_signal", feature_signal, 0.0, 1.0)
    n_train_per_class = _check_int("n_train_per_class", n_train_per_class, 1)
    n_val = _check_int("n_val", n_val, 0)
    n_test = _check_int("n_test", n_test, 0)
    if n_train_per_class > n_nodes // n_classes:
        raise ValueError(
            f"n_train_per_class={n_train_per_class} exceeds the size of the smallest class "
            f"({n_nodes // n_classes} nodes with n_nodes={n_nodes}, n_classes={n_classes})")
    n_split = n_train_per_class * n_classes + n_val + n_test
    if n_split > n_nodes:
        raise ValueError(
            f"the split needs n_train_per_class * n_classes + n_val + n_test = {n_split} "
            f"nodes but n_nodes={n_nodes}")
    gen = np.random.default_rng(check_random_state(random_state).randint(2**31))

    labels = gen.permutation(np.arange(n_nodes) % n_classes)
    edges = _linked_edges(labels, n_classes, round(n_nodes * average_degree / 2), homophily,
                          gen)
    features = _topic_features(labels, n_features, n_classes, words_per_node,
                               feature_signal, gen)
    splits = _planetoid_split(labels, n_classes, n_train_per_class, n_val, n_test, gen)
    measured = _edge_homophily(labels, edges)
    descr = (
        f"Synthetic linked data (make_linked_data): {n_nodes} nodes, {n_features} features, "
        f"{len(edges)} undirected edges, {n_classes} balanced classes. Edge homophily "
        f"{measured:.3f} (asked {homophily}), average degree asked {average_degree}; "
        f"{words_per_node} words per node, each from the class topic with probability "
        f"{feature_signal}. One split: {n_train_per_class} train nodes per class, "
        f"{n_val} validation and {n_test} test nodes.")
    return Bunch(features=features, graph=_graph(n_nodes, edges), target=labels.astype(np.int64),
                 label_names=np.array([f"class {c}" for c in range(n_classes)]), splits=splits,
                 homophily=measured, DESCR=_wrap(descr) + "\n", name="synthetic")

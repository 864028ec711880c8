"""Linked-data benchmarks: the data home, the checked loader and the synthetic generator."""

import hashlib
import json
import os
import time
import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.neighbors import NearestCentroid

from sksparse_struct import get_data_home, load_linked_dataset, make_linked_data
from sksparse_struct.datasets import _base, _linked

# name: nodes, features, undirected edges, classes, splits, sizes of every split,
# class counts (labelled nodes) -- the verified numbers of the collection's README
EXPECTED = {
    "cora": (2708, 1433, 5278, 7, 1, (140, 500, 1000), [351, 217, 418, 818, 426, 298, 180]),
    "citeseer": (3327, 3703, 4552, 6, 1, (120, 500, 1000), [249, 590, 668, 701, 596, 508]),
    "pubmed_partial": (19717, 500, 44324, 3, 1, (60, 500, 1000), [4103, 7739, 7875]),
    "cora_linqs": (2708, 1433, 5278, 7, 0, None, [298, 418, 818, 426, 217, 180, 351]),
    "citeseer_linqs": (3312, 3703, 4536, 6, 0, None, [596, 249, 701, 668, 590, 508]),
    "cornell": (183, 1703, 277, 5, 10, (87, 59, 37), [33, 1, 18, 101, 30]),
    "texas": (183, 1703, 279, 5, 10, (87, 59, 37), [33, 1, 18, 101, 30]),
    "wisconsin": (251, 1703, 450, 5, 10, (120, 80, 51), [10, 70, 118, 32, 21]),
    "washington": (230, 1703, 366, 5, 10, (138, 45, 47), [66, 27, 107, 21, 9]),
    "actor": (7600, 932, 26659, 5, 10, (3648, 2432, 1520), [853, 1337, 1630, 1815, 1965]),
    "chameleon": (2277, 2325, 31371, 5, 10, (1092, 729, 456), [456, 460, 453, 521, 387]),
    "squirrel": (5201, 2089, 198353, 5, 10, (2496, 1664, 1041),
                 [1042, 1040, 1039, 1040, 1040]),
    "cornell_linqs": (195, 1703, 283, 5, 10, (116, 39, 40), [42, 32, 83, 19, 19]),
    "texas_linqs": (187, 1703, 280, 5, 10, (113, 38, 36), [34, 31, 103, 18, 1]),
    "wisconsin_linqs": (265, 1703, 459, 5, 10, (159, 52, 54), [76, 35, 122, 22, 10]),
}
ISOLATED = {"cora": 0, "citeseer": 48, "pubmed_partial": 0, "citeseer_linqs": 48,
            "cornell_linqs": 0, "texas_linqs": 2, "washington": 13, "wisconsin_linqs": 3}
CORA_SHA256 = "b19300123e394a13cc0d02773081483e483be2d0c55f6df638fa9720aac3fa2d"
ignore_pubmed_warning = pytest.mark.filterwarnings("ignore:pubmed_partial:UserWarning")


# ------------------------------------------------------------------ real files

@ignore_pubmed_warning
@pytest.mark.parametrize("name", EXPECTED)
def test_counts_match_the_verified_numbers(linked_data_home, name):
    n_nodes, n_features, n_edges, n_classes, n_splits, sizes, counts = EXPECTED[name]
    data = load_linked_dataset(name)
    assert sp.issparse(data.features) and data.features.format == "csr"
    assert data.features.dtype == np.float64
    assert data.features.shape == (n_nodes, n_features)
    assert data.graph.number_of_edges() == n_edges
    assert data.target.dtype == np.int64 and data.target.shape == (n_nodes,)
    assert len(data.label_names) == n_classes and data.label_names.dtype.kind == "U"
    np.testing.assert_array_equal(np.bincount(data.target[data.target >= 0]), counts)
    assert len(data.splits) == n_splits
    for split in data.splits:
        assert tuple(part.size for part in split) == sizes
    assert data.name == name and name in data.DESCR and str(n_edges) in data.DESCR


@ignore_pubmed_warning
@pytest.mark.parametrize("name", EXPECTED)
def test_graph_on_all_nodes_in_order_and_disjoint_labelled_splits(linked_data_home, name):
    data = load_linked_dataset(name)
    n_nodes = data.target.size
    assert list(data.graph.nodes) == list(range(n_nodes))
    assert nx.number_of_selfloops(data.graph) == 0
    if name in ISOLATED:
        assert nx.number_of_isolates(data.graph) == ISOLATED[name]
    for train, val, test in data.splits:
        for part in (train, val, test):
            assert part.dtype == np.int64 and np.all(data.target[part] >= 0)
        merged = np.concatenate((train, val, test))
        assert np.unique(merged).size == merged.size


@pytest.mark.parametrize("name, per_class", [("cora", 20), ("citeseer", 20)])
def test_planetoid_public_split_has_20_training_nodes_per_class(linked_data_home, name,
                                                                per_class):
    data = load_linked_dataset(name)
    train, val, test = data.splits[0]
    assert np.all(np.bincount(data.target[train]) == per_class)
    np.testing.assert_array_equal(train, np.arange(train.size))
    np.testing.assert_array_equal(val, train.size + np.arange(500))


def test_citeseer_unlabelled_nodes_have_no_features_and_no_split(linked_data_home):
    data = load_linked_dataset("citeseer")
    unlabelled = np.flatnonzero(data.target == -1)
    assert unlabelled.size == 15
    assert data.features[unlabelled].nnz == 0
    assert not np.isin(unlabelled, np.concatenate(data.splits[0])).any()
    assert "-1" in data.DESCR


def test_linqs_cora_citeseer_have_no_split_and_say_so(linked_data_home):
    for name in ("cora_linqs", "citeseer_linqs"):
        data = load_linked_dataset(name)
        assert data.splits == []
        assert "empty list" in data.DESCR


def test_unnamed_classes_get_their_index_as_name(linked_data_home):
    data = load_linked_dataset("chameleon")
    assert list(data.label_names) == ["0", "1", "2", "3", "4"]


def test_cornell_descr_states_the_texas_features(linked_data_home):
    cornell, texas = load_linked_dataset("cornell"), load_linked_dataset("texas")
    assert (cornell.features != texas.features).nnz == 0  # the known bug of the source
    assert "Texas" in cornell.DESCR and "cornell_linqs" in cornell.DESCR


def test_pubmed_partial_warns_and_marks_the_real_rows(linked_data_home):
    with pytest.warns(UserWarning, match="incomplete"):
        data = load_linked_dataset("pubmed_partial")
    available = data.feature_rows_available
    assert available.dtype == bool and int(available.sum()) == 1060
    assert data.features[~available].nnz == 0
    train, _, test = data.splits[0]
    assert available[train].all() and available[test].all()
    assert "INCOMPLETE" in data.DESCR


def test_environment_variable_and_argument_both_select_the_folder(linked_data_home,
                                                                  monkeypatch, tmp_path):
    assert load_linked_dataset("texas").features.shape == (183, 1703)  # from the variable
    monkeypatch.setenv("SKSPARSE_STRUCT_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="SKSPARSE_STRUCT_DATA"):
        load_linked_dataset("texas")
    assert load_linked_dataset("texas", data_home=linked_data_home).graph.number_of_edges() == 279
    assert load_linked_dataset("texas", data_home=str(linked_data_home)).name == "texas"


# ------------------------------------------------------------- without the files

def test_a_file_with_another_checksum_is_rejected(tmp_path):
    path = tmp_path / "cora.npz"
    np.savez(path, y=np.arange(3))
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ValueError) as info:
        load_linked_dataset("cora", data_home=tmp_path)
    message = str(info.value)
    assert CORA_SHA256 in message and actual in message and "cora.npz" in message
    assert "corrupt" in message


def test_missing_file_message_names_file_folder_and_its_origin(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError) as info:
        load_linked_dataset("squirrel", data_home=tmp_path)
    message = str(info.value)
    assert "squirrel.npz" in message and str(tmp_path) in message
    assert "data_home argument" in message and "docs/datasets.md" in message

    monkeypatch.setenv("SKSPARSE_STRUCT_DATA", str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError, match="environment variable") as info:
        load_linked_dataset("squirrel")
    assert str(tmp_path / "absent") in str(info.value) and "does not exist" in str(info.value)

    monkeypatch.delenv("SKSPARSE_STRUCT_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="default") as info:
        load_linked_dataset("squirrel")
    assert str(tmp_path / "sksparse_struct_data") in str(info.value)


def test_data_home_precedence_argument_then_environment_then_default(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SKSPARSE_STRUCT_DATA", raising=False)
    assert get_data_home() == tmp_path / "sksparse_struct_data"
    monkeypatch.setenv("SKSPARSE_STRUCT_DATA", "~/from_env")
    assert get_data_home() == tmp_path / "from_env"
    assert get_data_home("~/given") == tmp_path / "given"
    assert get_data_home(tmp_path / "p") == tmp_path / "p"
    assert isinstance(get_data_home(str(tmp_path)), Path)
    assert not (tmp_path / "sksparse_struct_data").exists()  # nothing created


def test_checksum_is_computed_once_per_unchanged_file(tmp_path, monkeypatch):
    path = tmp_path / "small.npz"
    np.savez(path, a=np.arange(4))
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    calls = []
    hash_file = _base._sha256
    monkeypatch.setattr(_base, "_sha256", lambda p: calls.append(p) or hash_file(p))
    for _ in range(3):
        arrays = _base.load_verified_npz("small.npz", sha256, collection="c",
                                         data_home=tmp_path)
    np.testing.assert_array_equal(arrays["a"], np.arange(4))
    assert len(calls) == 1
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    _base.load_verified_npz("small.npz", sha256, collection="c", data_home=tmp_path)
    assert len(calls) == 2


def test_name_is_checked():
    with pytest.raises(TypeError, match="str"):
        load_linked_dataset(3)
    with pytest.raises(ValueError, match="cora, citeseer, pubmed_partial.*wisconsin_linqs"):
        load_linked_dataset("pubmed")


def _fake_file(path, drop=(), **changes):
    """A tiny valid collection file: 5 nodes (node 4 isolated), 2 classes, 2 mask splits."""
    features = sp.csr_matrix(np.eye(5, 3, dtype=np.float32))
    train = np.array([[1, 1, 0, 0, 0], [0, 0, 1, 1, 0]], dtype=bool)
    val = np.array([[0, 0, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=bool)
    info = dict(version="v", source_repo="owner/repo", source_commit="abc",
                source_paths=["a.txt"], citation=["A. Author. Title. 2000."], splits="masks")
    arrays = dict(X_data=features.data, X_indices=features.indices,
                  X_indptr=features.indptr.astype(np.int64), X_shape=np.array([5, 3]),
                  y=np.array([0, 1, 0, 1, 1]), edges=np.array([[0, 1], [1, 3], [2, 3]]),
                  info=np.array(json.dumps(info)), train_masks=train, val_masks=val,
                  test_masks=~(train | val))
    arrays.update(changes)
    for key in drop:
        del arrays[key]
    np.savez(path, **arrays)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _register_fake(monkeypatch, tmp_path, drop=(), **changes):
    sha256 = _fake_file(tmp_path / "fake.npz", drop, **changes)
    monkeypatch.setitem(_linked._REGISTRY, "texas", _linked._Entry("fake.npz", sha256, "Fake"))


def test_a_registered_file_is_assembled_into_the_bunch(tmp_path, monkeypatch):
    _register_fake(monkeypatch, tmp_path)
    data = load_linked_dataset("texas", data_home=tmp_path)
    assert set(data) == {"features", "graph", "target", "label_names", "splits", "DESCR",
                         "name"}
    assert list(data.graph.nodes) == [0, 1, 2, 3, 4] and data.graph.degree[4] == 0
    assert sorted(data.graph.edges) == [(0, 1), (1, 3), (2, 3)]
    np.testing.assert_array_equal(data.features.toarray(), np.eye(5, 3))
    assert list(data.label_names) == ["0", "1"]
    assert len(data.splits) == 2
    np.testing.assert_array_equal(data.splits[1][0], [2, 3])
    np.testing.assert_array_equal(data.splits[1][2], [1, 4])
    assert "owner/repo" in data.DESCR and "A. Author" in data.DESCR


@pytest.mark.parametrize("changes, match", [
    (dict(y=np.array([0, 1, 0, 1])), "y has shape"),
    (dict(y=np.array([0, 1, 0, 1, -2])), "outside"),
    (dict(edges=np.array([[1, 0]])), "u < v"),
    (dict(edges=np.array([[0, 5]])), "u < v"),
    (dict(edges=np.array([[0, 1], [0, 1]])), "duplicates"),
    (dict(X_indptr=np.array([0, 1, 2])), "feature matrix"),
    (dict(train_masks=np.ones((2, 5), dtype=bool)), "two of"),
    (dict(val_masks=np.zeros((2, 4), dtype=bool)), "val_masks"),
    (dict(train_idx=np.array([0])), "not all of"),
    (dict(drop=("info",)), "info"),
    (dict(drop=("test_masks",)), "not all of"),
])
def test_malformed_content_is_rejected(tmp_path, monkeypatch, changes, match):
    _register_fake(monkeypatch, tmp_path, **changes)
    with pytest.raises(ValueError, match=match):
        load_linked_dataset("texas", data_home=tmp_path)


# -------------------------------------------------------------------- generator

def _measured_homophily(data):
    edges = np.array(data.graph.edges)
    return np.mean(data.target[edges[:, 0]] == data.target[edges[:, 1]])


def test_generator_fields_and_shapes():
    data = make_linked_data(600, 3, 90, n_train_per_class=10, n_val=100, n_test=200,
                            random_state=0)
    assert set(data) == {"features", "graph", "target", "label_names", "splits", "DESCR",
                         "name", "homophily"}
    assert data.features.format == "csr" and data.features.dtype == np.float64
    assert data.features.shape == (600, 90) and set(np.unique(data.features.data)) == {1.0}
    assert data.features.has_canonical_format
    assert np.all(data.features.getnnz(axis=1) >= 1) and data.features.getnnz(axis=1).max() <= 20
    assert list(data.graph.nodes) == list(range(600))
    assert nx.number_of_selfloops(data.graph) == 0
    assert 0.9 * 1200 <= data.graph.number_of_edges() <= 1200  # n d / 2 minus duplicates
    assert data.target.dtype == np.int64 and np.all(np.bincount(data.target) == 200)
    assert list(data.label_names) == ["class 0", "class 1", "class 2"]
    assert data.homophily == pytest.approx(_measured_homophily(data))
    assert "600 nodes" in data.DESCR


def test_generator_is_reproducible_and_seed_dependent():
    kwargs = dict(n_nodes=300, n_features=50, n_val=50, n_test=100)
    a, b = make_linked_data(**kwargs, random_state=1), make_linked_data(**kwargs, random_state=1)
    c = make_linked_data(**kwargs, random_state=2)
    assert (a.features != b.features).nnz == 0 and sorted(a.graph.edges) == sorted(b.graph.edges)
    np.testing.assert_array_equal(a.target, b.target)
    for part_a, part_b in zip(a.splits[0], b.splits[0]):
        np.testing.assert_array_equal(part_a, part_b)
    assert not np.array_equal(a.target, c.target)
    assert sorted(a.graph.edges) != sorted(c.graph.edges)


@pytest.mark.parametrize("homophily", [0.1, 0.5, 0.9])
def test_measured_homophily_is_close_to_the_target(homophily):
    data = make_linked_data(5000, homophily=homophily, random_state=0)
    assert abs(_measured_homophily(data) - homophily) < 0.05
    assert data.homophily == pytest.approx(_measured_homophily(data))


@pytest.mark.parametrize("homophily, same", [(0.0, 0.0), (1.0, 1.0)])
def test_extreme_homophily_joins_only_other_or_only_same_classes(homophily, same):
    data = make_linked_data(500, n_val=0, n_test=0, homophily=homophily, random_state=0)
    assert _measured_homophily(data) == same


def test_no_edges_with_zero_average_degree():
    data = make_linked_data(200, n_val=10, n_test=10, average_degree=0, random_state=0)
    assert data.graph.number_of_nodes() == 200 and data.graph.number_of_edges() == 0
    assert np.isnan(data.homophily)


def _nearest_centroid_accuracy(feature_signal):
    data = make_linked_data(3000, 5, 500, feature_signal=feature_signal, n_train_per_class=50,
                            n_val=0, n_test=1000, random_state=0)
    train, _, test = data.splits[0]
    model = NearestCentroid().fit(data.features[train], data.target[train])
    return model.score(data.features[test], data.target[test])


def test_features_carry_the_class_signal_only_when_asked():
    assert _nearest_centroid_accuracy(0.5) > 0.8
    assert abs(_nearest_centroid_accuracy(0.0) - 0.2) < 0.06  # chance level with 5 classes


def test_split_is_disjoint_sized_as_asked_and_stratified_in_train():
    data = make_linked_data(1000, 4, n_train_per_class=30, n_val=200, n_test=300,
                            random_state=3)
    train, val, test = data.splits[0]
    assert (train.size, val.size, test.size) == (120, 200, 300)
    assert np.all(np.bincount(data.target[train]) == 30)
    merged = np.concatenate((train, val, test))
    assert np.unique(merged).size == merged.size and merged.max() < 1000
    for part in (train, val, test):
        assert part.dtype == np.int64 and np.all(np.diff(part) > 0)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_nodes=3), "n_nodes"),
    (dict(n_nodes=100.0), "n_nodes"),
    (dict(n_classes=1), "n_classes"),
    (dict(n_classes=True), "n_classes"),
    (dict(n_features=2), "n_features"),
    (dict(homophily=-0.1), "homophily"),
    (dict(homophily=1.5), "homophily"),
    (dict(homophily=float("nan")), "homophily"),
    (dict(average_degree=-1.0), "average_degree"),
    (dict(average_degree=float("inf")), "average_degree"),
    (dict(words_per_node=0), "words_per_node"),
    (dict(feature_signal=2.0), "feature_signal"),
    (dict(feature_signal="0.3"), "feature_signal"),
    (dict(n_train_per_class=0), "n_train_per_class"),
    (dict(n_train_per_class=21), "n_train_per_class"),
    (dict(n_val=-1), "n_val"),
    (dict(n_test=-5), "n_test"),
    (dict(n_val=50, n_test=1), "n_val \\+ n_test"),
])
def test_bad_parameters_raise_value_errors_naming_them(kwargs, match):
    params = dict(n_nodes=100, n_classes=5, n_features=20, n_val=0, n_test=0)
    params.update(kwargs)
    with pytest.raises(ValueError, match=match):
        make_linked_data(**params)


def test_memory_stays_far_below_one_dense_node_by_node_array():
    n_nodes = 40_000
    tracemalloc.start()
    try:
        make_linked_data(n_nodes, random_state=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < n_nodes * n_nodes / 8  # a dense boolean n x n array takes n * n bytes


@pytest.mark.slow
def test_two_hundred_thousand_nodes_in_seconds():
    start = time.perf_counter()
    data = make_linked_data(200_000, random_state=0)
    elapsed = time.perf_counter() - start
    assert elapsed < 20, f"make_linked_data(200_000) took {elapsed:.1f} s"
    assert data.graph.number_of_nodes() == 200_000
    assert abs(data.homophily - 0.8) < 0.01

"""The data home shared by every loader, and checksum-verified access to its files.

Nothing is ever downloaded: the loaders read files that the user has put in
the data home, and check them against the sha256 recorded in the package.
"""

import hashlib
import os
from pathlib import Path

import numpy as np

__all__ = ["get_data_home", "load_verified_npz"]

DATA_HOME_ENV = "SKSPARSE_STRUCT_DATA"
_DEFAULT_DATA_HOME = "~/sksparse_struct_data"
_CHUNK_SIZE = 1 << 20

# (resolved path, size, mtime in ns) -> sha256 of the content, so that loading the
# same unchanged file again in this process does not read it twice.
_DIGESTS = {}


def _resolve_data_home(data_home):
    """``(folder, where the folder came from)``; the second item is for error messages."""
    if data_home is not None:
        return Path(data_home).expanduser(), "the data_home argument"
    # an empty variable is treated as unset, as shells make it easy to export one
    from_env = os.environ.get(DATA_HOME_ENV)
    if from_env:
        return Path(from_env).expanduser(), f"the {DATA_HOME_ENV} environment variable"
    return Path(_DEFAULT_DATA_HOME).expanduser(), "the default"


def get_data_home(data_home=None):
    """Folder in which the dataset loaders look for their files.

    The folder is ``data_home`` if given, else the environment variable
    ``SKSPARSE_STRUCT_DATA`` (when set and non-empty), else
    ``~/sksparse_struct_data``. A leading ``~`` is expanded. Nothing is
    created.

    Parameters
    ----------
    data_home : str, path-like or None, default=None

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> from pathlib import Path
    >>> from sksparse_struct import get_data_home
    >>> get_data_home("~/benchmarks") == Path.home() / "benchmarks"
    True
    """
    return _resolve_data_home(data_home)[0]


def _sha256(path):
    """Hex sha256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cached_sha256(path):
    """``_sha256(path)``, computed once per (path, size, mtime) in this process."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = _sha256(path)
    return _DIGESTS[key]


def load_verified_npz(file_name, sha256, *, collection, data_home=None):
    """Arrays of the ``.npz`` file ``file_name`` of the data home, after a checksum check.

    Parameters
    ----------
    file_name : str
        Name of the file inside the data home.
    sha256 : str
        Expected hex sha256 of the file.
    collection : str
        What the file belongs to, with where it is described, for the
        message raised when the file is missing.
    data_home : str, path-like or None, default=None
        See :func:`get_data_home`.

    Returns
    -------
    dict of str to ndarray
        Every array of the file, read with ``np.load(path, allow_pickle=False)``.

    Raises
    ------
    FileNotFoundError
        If the file is not in the data home; the message says where the
        loader looked, why there, and how to provide the file.
    ValueError
        If the sha256 of the file is not ``sha256``.
    """
    folder, origin = _resolve_data_home(data_home)
    path = folder / file_name
    if not path.is_file():
        absent = "" if folder.is_dir() else " (that folder does not exist)"
        raise FileNotFoundError(
            f"{file_name} not found in {folder.absolute()}{absent}, the data folder given by "
            f"{origin}. The file belongs to {collection}; nothing is downloaded. Put "
            f"{file_name} in that folder, or pass data_home= or set {DATA_HOME_ENV} to the "
            f"folder that holds it."
        )
    actual = _cached_sha256(path)
    if actual != sha256:
        raise ValueError(
            f"{path.absolute()} has sha256 {actual}, expected {sha256}: the file is corrupt "
            f"or a different version of {file_name}. Copy it again from {collection}."
        )
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}

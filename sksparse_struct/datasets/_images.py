"""Image benchmarks: MNIST and Fashion-MNIST, read from the data home.

Each file holds the official train/test split as uint8 arrays (pixels 0..255,
each 28x28 image flattened row by row): ``X_train`` (60000, 784),
``y_train`` (60000,), ``X_test`` (10000, 784), ``y_test`` (10000,).
"""

from sklearn.utils import Bunch

from ._base import load_verified_npz

__all__ = ["load_fashion_mnist", "load_mnist"]

_COLLECTION = "the image benchmarks described in docs/datasets.md (MNIST and Fashion-MNIST)"

_MNIST_SHA256 = "58c05ffd9880e3b6ddfe8c74b89ccc40c0da6f6152f4c5203a7c6a12919c2344"
_FASHION_SHA256 = "a8451d24243bbb6fa362c5c0af30607223f9416a4f43c866bb5910d89ea3e901"

_FASHION_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                  "Sneaker", "Bag", "Ankle boot"]

_DESCR = """{title}
{underline}

{n_train} training and {n_test} test images of 28x28 grey pixels (uint8, 0..255,
flattened row by row: X.reshape(-1, 28, 28) gives the images), 10 classes, the
official train/test split in the official order. Nothing is normalized: divide
by 255 for pixels in [0, 1].

Source: {source}
"""


def _load_images(file_name, sha256, data_home, title, source, label_names):
    arrays = load_verified_npz(file_name, sha256, collection=_COLLECTION, data_home=data_home)
    for key, shape in (("X_train", (None, 784)), ("X_test", (None, 784))):
        if arrays[key].ndim != 2 or arrays[key].shape[1] != shape[1]:
            raise ValueError(f"{file_name}: {key} has shape {arrays[key].shape}, expected "
                             "(n, 784)")
    descr = _DESCR.format(title=title, underline="=" * len(title),
                          n_train=arrays["X_train"].shape[0], n_test=arrays["X_test"].shape[0],
                          source=source)
    return Bunch(X_train=arrays["X_train"], y_train=arrays["y_train"],
                 X_test=arrays["X_test"], y_test=arrays["y_test"],
                 label_names=list(label_names), DESCR=descr)


def load_mnist(data_home=None):
    """The MNIST handwritten digits, official train/test split.

    Reads ``mnist.npz`` from the data home (nothing is downloaded) after
    checking its sha256.

    Parameters
    ----------
    data_home : str, path-like or None, default=None
        See :func:`sksparse_struct.get_data_home`.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``X_train`` uint8 (60000, 784), ``y_train`` uint8 (60000,),
        ``X_test`` uint8 (10000, 784), ``y_test`` uint8 (10000,),
        ``label_names`` (the strings "0".."9") and ``DESCR``.

    Raises
    ------
    FileNotFoundError
        If ``mnist.npz`` is not in the data home.
    ValueError
        If its checksum is wrong.

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning
    applied to document recognition", Proc. IEEE 86(11), 1998.

    Examples
    --------
    >>> from sksparse_struct import load_mnist
    >>> mnist = load_mnist()  # doctest: +SKIP
    >>> mnist.X_train.shape, mnist.X_test.shape  # doctest: +SKIP
    ((60000, 784), (10000, 784))
    """
    return _load_images("mnist.npz", _MNIST_SHA256, data_home, "MNIST handwritten digits",
                        "Y. LeCun, C. Cortes and C. J. C. Burges, The MNIST database of "
                        "handwritten digits.", [str(k) for k in range(10)])


def load_fashion_mnist(data_home=None):
    """Fashion-MNIST (Zalando article images), official train/test split.

    Reads ``fashion_mnist.npz`` from the data home (nothing is downloaded)
    after checking its sha256; the parameter, the layout of the arrays and
    the errors are those of :func:`load_mnist`.

    Parameters
    ----------
    data_home : str, path-like or None, default=None

    Returns
    -------
    data : sklearn.utils.Bunch
        As :func:`load_mnist`, with the 10 article types as ``label_names``.

    References
    ----------
    H. Xiao, K. Rasul and R. Vollgraf, "Fashion-MNIST: a novel image dataset for
    benchmarking machine learning algorithms", arXiv:1708.07747, 2017.

    Examples
    --------
    >>> from sksparse_struct import load_fashion_mnist
    >>> fashion = load_fashion_mnist()  # doctest: +SKIP
    >>> fashion.label_names[:2]  # doctest: +SKIP
    ['T-shirt/top', 'Trouser']
    """
    return _load_images("fashion_mnist.npz", _FASHION_SHA256, data_home,
                        "Fashion-MNIST", "H. Xiao, K. Rasul and R. Vollgraf, Fashion-MNIST, "
                        "arXiv:1708.07747, 2017 (MIT licence, Zalando SE).", _FASHION_NAMES)

"""Load MNIST from a local folder, a user cache, or (with internet) public mirrors.

Where the four files are looked for, in order:

1. the folder named by the environment variable ``MNIST_DIR`` (CI and
   offline classrooms point it at a shared copy);
2. the user cache, ``$MNIST_CACHE_DIR`` or else ``~/.cache/training-techniques/mnist``;
3. otherwise the canonical ``.gz`` files are downloaded into the cache with
   pooch from the first public mirror that answers, checked against their
   md5 sums, with a progress bar, and written atomically (pooch downloads to
   a temporary file and renames it only once the hash matches).

Whatever the source, the decompressed bytes are checked against their
sha256 sums before use, so a truncated, corrupt or altered file is reported
by name and never used. Nothing is pickled; parsed arrays are kept in memory
only, so loading twice in one session costs nothing and prints nothing.
"""

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from common.cache import user_cache_dir
from common.checks import require_int

ENV_DIR = "MNIST_DIR"
ENV_CACHE = "MNIST_CACHE_DIR"

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# name: (md5 of the canonical .gz file, sha256 of its decompressed content, shape)
FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", (60000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
                     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", (60000,)),
    "test_images": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", (10000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", (10000,)),
}

IDX_MAGIC = {1: 0x00000801, 3: 0x00000803}  # unsigned bytes, 1 or 3 dimensions


class MnistError(RuntimeError):
    """A data file is missing, corrupt, or could not be downloaded."""


def cache_dir():
    """The folder for downloaded files: ``$MNIST_CACHE_DIR``, else ``mnist`` in the book's user cache folder."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    return user_cache_dir("mnist")


def parse_idx(data, name, expected_shape=None):
    """Turn the bytes of an IDX file into a uint8 array, checking header and length.

    The header is a magic number (0x0801 for labels, 0x0803 for images), then
    one big-endian 32-bit size per dimension; the pixels or labels follow.
    """
    if len(data) < 8:
        raise MnistError(f"{name}: {len(data)} bytes is too short for an IDX header (truncated file?)")
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    if ndim not in IDX_MAGIC or magic != IDX_MAGIC[ndim]:
        raise MnistError(f"{name}: bad IDX magic number 0x{magic:08x}; not an MNIST file of unsigned bytes")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise MnistError(f"{name}: truncated inside its header")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    expected_len = header_len + int(np.prod(shape))
    if len(data) != expected_len:
        raise MnistError(
            f"{name}: the header announces shape {shape} ({expected_len} bytes) but the file has "
            f"{len(data)} bytes: truncated or corrupt; delete it and load again"
        )
    if expected_shape is not None and shape != tuple(expected_shape):
        raise MnistError(f"{name}: shape {shape}, expected {tuple(expected_shape)}")
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(shape)


def read_checked(path, sha256=None, expected_shape=None):
    """Decompress one ``.gz`` IDX file, check its content hash and parse it."""
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise MnistError(f"{path}: cannot be decompressed ({error}); the file is corrupt or truncated, "
                         "delete it and load again") from error
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise MnistError(f"{path}: content sha256 {digest} differs from the expected {sha256}; "
                             "the file is corrupt or not the MNIST file; delete it and load again")
    return parse_idx(data, path.name, expected_shape)


def _download(filename, md5, folder):
    """Fetch one canonical file into ``folder`` from the first mirror that answers."""
    try:
        import pooch
    except ImportError as error:  # pragma: no cover - pooch is a dependency
        raise MnistError("pooch is needed to download MNIST: pip install pooch") from error
    pooch.get_logger().setLevel("WARNING")
    errors = []
    for mirror in MIRRORS:
        try:
            return Path(pooch.retrieve(mirror + filename, known_hash=f"md5:{md5}", fname=filename,
                                       path=folder, progressbar=True))
        except Exception as error:  # a dead mirror, no network, or a wrong hash: try the next one
            errors.append(f"{mirror}: {type(error).__name__}: {error}")
    raise MnistError(
        f"could not download {filename} (no network?). Tried:\n  " + "\n  ".join(errors)
        + f"\nPut the four MNIST .gz files in a folder and set {ENV_DIR} to it, or copy them into {folder}."
    )


def locate(filename, md5, download=True):
    """Path of one MNIST file: ``$MNIST_DIR``, then the cache, then a download."""
    env = os.environ.get(ENV_DIR)
    if env:
        path = Path(env).expanduser() / filename
        if path.is_file():
            return path
        raise MnistError(f"{ENV_DIR}={env} is set but {path} does not exist; "
                         f"put the four MNIST .gz files there or unset {ENV_DIR}")
    path = cache_dir() / filename
    if path.is_file():
        return path
    if not download:
        raise MnistError(f"{filename} was not found in {cache_dir()}; set {ENV_DIR} to a folder with the "
                         "MNIST .gz files or allow the download")
    return _download(filename, md5, cache_dir())


@lru_cache(maxsize=1)
def _load_raw():
    """The four uint8 arrays, located, checked and parsed once per process."""
    arrays = {}
    for name, (filename, md5, sha256, shape) in FILES.items():
        arrays[name] = read_checked(locate(filename, md5), sha256, shape)
    for array in arrays.values():
        array.flags.writeable = False  # shared by every caller: keep it intact
    return arrays


def _one_hot(labels, n_classes=10):
    out = np.zeros((labels.size, n_classes), dtype=np.float32)
    out[np.arange(labels.size), labels] = 1.0
    return out


def load_mnist(normalize=True, flatten=True, one_hot_label=False, n_train=None, n_test=None):
    """Return ``(x_train, t_train), (x_test, t_test)``: 60000 and 10000 samples.

    normalize: pixels as float32 in [0, 1] (else uint8 in 0..255).
    flatten: images as rows of 784 values (else arrays of shape (N, 1, 28, 28)).
    one_hot_label: labels as (N, 10) one-hot float32 rows (else uint8 digits).
    n_train, n_test: only the first n samples of each set (None: all of them;
    0: none). An experiment on a subset then converts only what it uses.
    The arrays are fresh copies: changing them does not change later loads.
    """
    raw = _load_raw()
    available = {"train": len(raw["train_labels"]), "test": len(raw["test_labels"])}
    n = {part: available[part] if value is None else require_int(f"n_{part}", value, 0, available[part])
         for part, value in (("train", n_train), ("test", n_test))}

    def images(x):
        if normalize:
            x = x.astype(np.float32)
            x /= np.float32(255.0)  # in place: one large array, not two
        else:
            x = x.copy()
        return x.reshape(len(x), 784) if flatten else x.reshape(len(x), 1, 28, 28)

    def labels(t):
        return _one_hot(t) if one_hot_label else t.copy()

    return tuple((images(raw[f"{part}_images"][:n[part]]), labels(raw[f"{part}_labels"][:n[part]]))
                 for part in ("train", "test"))


def fetch(download=True):
    """Make sure the four files are available (``make lab`` / ``make test`` call this); return their folder."""
    folder = None
    for filename, md5, sha256, shape in FILES.values():
        path = locate(filename, md5, download=download)
        read_checked(path, sha256, shape)
        folder = path.parent
    return folder


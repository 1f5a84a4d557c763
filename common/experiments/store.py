"""Results kept between sections: a run made in one section is read, not made again, in the next.

Chapter 5's sections all start from section 5.1's random search of 100
trials, and section 1.7 continues section 1.6's MNIST runs. Rather than
train those networks again in every section, :func:`remembered` keeps the
results of a named computation in a JSON file and reads them back when the
same computation is asked for again::

    coarse = remembered("random search", lambda: run_search(trials, problem),
                        spec={"trials": 100, "seed": 0, ...}, arrays=[problem.x_train, ...])

The file's name is a digest of everything the result depends on: the name,
the ``spec`` (the settings, as JSON), the bytes of the ``arrays`` (the data),
the source of the library (every ``.py`` file of ``common`` and ``dataset``),
numpy's version and the OpenBLAS kernel chosen by the environment. Change
any of them and the computation runs again. A result read back is the result
computed, bit for bit: JSON writes every float with all its digits.

The files go to the folder named by the environment variable
``BOOK_RESULTS_DIR``, else to ``training-techniques/results`` in the user's
cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``). The book's checks
(``make nbval``, ``make execute``) give each pass a new, empty folder, so every
pass computes each result once, in the first section that needs it. Results
are lists, dicts, strings, numbers, ``None`` and numpy arrays (stored with
their dtype). No pickle: a result file is data, never code.
"""

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from common.cache import user_cache_dir

_LIBRARY = Path(__file__).resolve().parents[2]
_SOURCES = ("common", "dataset")
_ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")     # read, never set: they change the numbers


def results_dir():
    """The folder of the result files: ``$BOOK_RESULTS_DIR``, else the user's cache folder."""
    if os.environ.get("BOOK_RESULTS_DIR"):
        return Path(os.environ["BOOK_RESULTS_DIR"])
    return user_cache_dir("results")


@functools.cache
def _library_digest():
    """A digest of the library's source, read once per process: the code that runs is the code
    imported at start, and every lookup and write needs it."""
    digest = hashlib.sha256()
    for package in _SOURCES:
        for path in sorted((_LIBRARY / package).rglob("*.py")):
            digest.update(path.relative_to(_LIBRARY).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(*arrays):
    """A digest of ``arrays``: their dtypes, shapes and bytes (a quarter of a second for MNIST's 60,000 images)."""
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()


def _path(name, spec, data):
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a stored result needs a name (a non-empty string)")
    digest = hashlib.sha256()
    digest.update(json.dumps([name, spec, data], sort_keys=True, default=repr).encode())
    digest.update(_library_digest().encode())
    digest.update(json.dumps([np.__version__, [os.environ.get(v) for v in _ENVIRONMENT]]).encode())
    return results_dir() / f"{digest.hexdigest()[:32]}.json"


def _encode(value):
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot store an array of dtype {value.dtype}")
        return {"__array__": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a stored dict needs string keys")
        if "__array__" in value:
            raise TypeError("'__array__' is reserved as a key")
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}: results are lists, dicts, numbers, strings and arrays")


def _decode(value):
    if isinstance(value, dict):
        if "__array__" in value:
            return np.array(value["__array__"], dtype=np.dtype(value["dtype"])).reshape(value["shape"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


MISSING = object()


def lookup(name, spec, data=""):
    """The result kept for ``name``, ``spec`` and ``data`` (a :func:`fingerprint`), or ``MISSING``.

    A file that cannot be read counts as missing.
    """
    try:
        return _decode(json.loads(_path(name, spec, data).read_text(encoding="utf-8"))["result"])
    except (OSError, ValueError, KeyError):
        return MISSING


def keep(name, spec, result, data=""):
    """Write ``result`` for ``name``, ``spec`` and ``data``; return it as :func:`lookup` will read it.

    The file is written whole or not at all (a temporary file, then renamed).
    """
    path = _path(name, spec, data)
    text = json.dumps({"name": name, "spec": spec, "result": _encode(result)}, default=repr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as file:
        file.write(text)
    os.replace(file.name, path)
    return _decode(_encode(result))


def remembered(name, compute, *, spec, arrays=()):
    """``compute()``, or the result it gave before for the same ``name``, ``spec`` and ``arrays``.

    name: what is computed, in words (part of the key, and of the file).
    spec: JSON-able settings that, with the arrays, decide the result.
    arrays: the data the computation reads (hashed byte for byte).
    Tuples come back as lists, in the first call as in the later ones.
    """
    data = fingerprint(*arrays)
    result = lookup(name, spec, data)
    return keep(name, spec, compute(), data) if result is MISSING else result

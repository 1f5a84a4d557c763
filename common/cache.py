"""The book's folder in this user's cache: ``$XDG_CACHE_HOME/training-techniques``, else
``~/.cache/training-techniques``.

Downloaded MNIST files, figures written where the package's own folder is read-only, and
stored results each live in a subfolder of it (unless an environment variable names another).
"""

import os
from pathlib import Path


def user_cache_dir(name, environ=None):
    """``<cache>/training-techniques/<name>``, where ``<cache>`` is ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    environ = os.environ if environ is None else environ
    cache = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "training-techniques" / name

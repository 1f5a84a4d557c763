"""The book's plotting style: one color per method, small multiples, saved figures, smoothed curves.

Every chapter draws with these helpers so that, say, Adam is the same color
in chapter 1's contour plot and in its MNIST loss curves.
"""

import os
import uuid
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from common.cache import user_cache_dir

# One color per method or setting, used across the whole book.
COLORS = {
    "SGD": "#1f77b4",
    "Momentum": "#ff7f0e",
    "Nesterov": "#8c564b",
    "AdaGrad": "#2ca02c",
    "RMSprop": "#9467bd",
    "AdaDelta": "#e377c2",
    "Adam": "#d62728",
    "AdamW": "#7f7f7f",
    "SGD, η = 0.1": "#17becf",
    # initial weights (chapter 2)
    "std=1": "#bcbd22",
    "std=0.01": "#1f77b4",
    "Xavier": "#ff7f0e",
    "LeCun": "#8c564b",
    "He": "#2ca02c",
    # with and without a technique (chapters 3 and 4)
    "Batch Normalization": "#d62728",
    "Normal (without BatchNorm)": "#1f77b4",
    "Layer Normalization": "#9467bd",
    "train": "#1f77b4",
    "test": "#ff7f0e",
    "validation": "#2ca02c",
    # searches (chapter 5)
    "grid search": "#1f77b4",
    "random search": "#d62728",
    "successive halving": "#2ca02c",
    "Hyperband": "#9467bd",
    "Optuna (TPE)": "#ff7f0e",
}

FIGSIZE = (6.4, 4.0)          # one plot
FIGSIZE_WIDE = (10.0, 4.0)    # two plots side by side


def user_images_dir(environ=None):
    """A folder of this user's own for figures: ``$XDG_CACHE_HOME/training-techniques/images``,
    else ``~/.cache/training-techniques/images``."""
    return user_cache_dir("images", environ)


def _writable(folder):
    """True when figures can be written in ``folder``: it is a writable folder, or could be created as one."""
    folder = Path(folder)
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def choose_images_dir(environ=None, book_images=None, writable=_writable):
    """Where figures go, by this rule:

    1. ``BOOK_IMAGES_DIR`` when the environment sets it (the test suite does, so
       that checking the book never rewrites its figures);
    2. else the book's ``images/`` beside ``chapters/``, when the package runs from
       a copy of the repository (an editable install) and that folder is writable;
    3. else :func:`user_images_dir`, a folder of the user's own: the package is
       installed (a wheel: no ``images/`` beside it) or the repository is shared
       read-only (a JupyterHub), and 40 learners must not overwrite each other's figures.
    """
    environ = os.environ if environ is None else environ
    if environ.get("BOOK_IMAGES_DIR"):
        return Path(environ["BOOK_IMAGES_DIR"])
    root = Path(__file__).resolve().parents[2]
    book_images = root / "images" if book_images is None else Path(book_images)
    if (book_images.parent / "chapters").is_dir() and writable(book_images):
        return book_images
    return user_images_dir(environ)


IMAGES_DIR = choose_images_dir()


def color(name):
    """The book's color for ``name``, a method or setting of COLORS; a KeyError names the known ones."""
    try:
        return COLORS[name]
    except KeyError:
        raise KeyError(f"no book color for {name!r}; known names: {sorted(COLORS)}") from None


def small_multiples(n, ncols=4, size=2.6, sharex=True, sharey=True, **kwargs):
    """A grid of ``n`` small axes (extra axes hidden); returns (fig, flat list of axes)."""
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 0.85),
                             sharex=sharex, sharey=sharey, squeeze=False, **kwargs)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def save_figure(fig, name, dpi=100):
    """Save ``fig`` as ``<IMAGES_DIR>/<name>.png`` (``images/`` in the repository, the prose refers to
    these files; see :func:`choose_images_dir`); return the path."""
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    path = IMAGES_DIR / f"{name}.png"
    # A temporary file of its own (two runs of a chapter may save at once), renamed
    # into place only when complete: never a half-written figure. savefig creates it, so it
    # gets the usual permissions (a tempfile would be private, 0600, and so would the figure).
    tmp = IMAGES_DIR / f".{name}.{os.getpid()}.{uuid.uuid4().hex}.png"
    try:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def smooth_curve(x, window_len=11, beta=2.0):
    """Smooth a noisy curve (e.g. a loss per iteration) with a Kaiser window.

    The ends are padded by reflection, so the result has the same length as
    ``x``. window_len = 11 and beta = 2 match the original book's figures.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"smooth_curve expects a 1-D curve, got shape {x.shape}")
    half = window_len // 2
    if x.size <= half:
        return x.copy()
    window = np.kaiser(window_len, beta)
    padded = np.pad(x, half, mode="reflect")
    return np.convolve(padded, window / window.sum(), mode="valid")

"""The book's plotting style: one colour per method, small multiples, saved figures.

Every chapter draws with these helpers so that, say, Adam is the same colour
in chapter 1's contour plot and in its MNIST loss curves.
"""

import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

# One colour per method or setting, used across the whole book.
COLORS = {
    "SGD": "#1f77b4",
    "Momentum": "#ff7f0e",
    "Nesterov": "#8c564b",
    "AdaGrad": "#2ca02c",
    "RMSprop": "#9467bd",
    "AdaDelta": "#e377c2",
    "Adam": "#d62728",
    "AdamW": "#7f7f7f",
    # initial weights (chapter 2)
    "std=0.01": "#1f77b4",
    "Xavier": "#ff7f0e",
    "LeCun": "#8c564b",
    "He": "#2ca02c",
    # with and without a technique (chapters 3 and 4)
    "Batch Normalization": "#d62728",
    "Normal (without BatchNorm)": "#1f77b4",
    "train": "#1f77b4",
    "test": "#ff7f0e",
    "validation": "#2ca02c",
}

FIGSIZE = (6.4, 4.0)          # one plot
FIGSIZE_WIDE = (10.0, 4.0)    # two plots side by side
IMAGES_DIR = Path(__file__).resolve().parent.parent / "images"


def color(name):
    """The book's colour for ``name`` (a method or setting); grey if it has none."""
    return COLORS.get(name, "#7f7f7f")


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
    """Save ``fig`` as ``images/<name>.png`` (the prose refers to these files); return the path."""
    IMAGES_DIR.mkdir(exist_ok=True)
    path = IMAGES_DIR / f"{name}.png"
    # A temporary file of its own (two runs of a chapter may save at once), renamed
    # into place only when complete: never a half-written figure.
    with tempfile.NamedTemporaryFile(dir=IMAGES_DIR, prefix=f".{name}.", suffix=".png", delete=False) as tmp:
        pass
    try:
        fig.savefig(tmp.name, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        os.replace(tmp.name, path)
    except BaseException:
        os.unlink(tmp.name)
        raise
    return path

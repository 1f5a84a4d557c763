"""Chapter 2's figures: activations per layer, gradients per layer, MNIST loss curves.

Each function draws one figure from numbers the section has computed, saves
it as ``images/<save_as>.png`` when ``save_as`` is given, and returns the
figure; the section ends the cell with ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np

from common.display.plot import FIGSIZE, color, save_figure, small_multiples, smooth_curve

# The color of each initialization, by the part of a setting's label after the comma.
_INIT_COLORS = {"std 1": "std=1", "std 0.01": "std=0.01", "Xavier": "Xavier", "LeCun": "LeCun", "He": "He"}
_TITLES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}


def _finish(fig, save_as):
    if save_as:
        save_figure(fig, save_as)
    return fig


def activation_histograms(activations, settings, save_as=None):
    """One row of histograms per setting, one column per layer.

    activations: {label: [array per hidden layer]}; settings: (label,
    activation, weight_init_std) triples, in row order. The x range suits
    the activation: [0, 1] for sigmoid, [-1, 1] for tanh, [0, m] for ReLU
    with m the largest ReLU value shown. ReLU's exact zeros are left out of
    the bars (their fraction is written in the panel). The y axis is the
    fraction of all the layer's values that fall in a bin.
    """
    depth = len(next(iter(activations.values())))
    relu_top = max((float(a.max()) for label, act, _ in settings if act == "relu" for a in activations[label]),
                   default=1.0)
    ranges = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, float(np.ceil(relu_top)))}
    ticks = {"sigmoid": [0, 0.5, 1], "tanh": [-1, 0, 1], "relu": [0, ranges["relu"][1] / 2, ranges["relu"][1]]}
    fig, axes = small_multiples(len(settings) * depth, ncols=depth, size=2.1, sharex="row", sharey="row")
    for row, (label, activation, _) in enumerate(settings):
        bins = np.linspace(*ranges[activation], 41)
        tallest = 0.0
        for k, a in enumerate(activations[label]):
            ax = axes[row * depth + k]
            values = a.ravel()
            note = f"std {a.std():.2g}"
            if activation == "relu":
                note += f"\nzeros {np.mean(values == 0):.0%}"
                values = values[values > 0]
            counts, _ = np.histogram(values, bins=bins)
            ax.stairs(counts / a.size, bins, fill=True, color="#4c72b0")
            tallest = max(tallest, counts.max() / a.size)
            ax.text(0.97, 0.95, note, transform=ax.transAxes, ha="right", va="top", fontsize=7)
            if row == 0:
                ax.set_title(f"layer {k + 1}")
            if k == 0:
                ax.set_ylabel(f"{label}\nfraction", fontsize=8)
            if row == len(settings) - 1 or settings[row + 1][1] != activation:
                ax.set_xlabel(f"{_TITLES[activation]} activation")
            ax.tick_params(labelsize=7)
        axes[row * depth].set_ylim(0, 1.4 * tallest)          # head room for the notes
        axes[row * depth].set_xticks(ticks[activation])      # shared along the row
        axes[row * depth].yaxis.set_major_locator(plt.MaxNLocator(3))
    n_inputs, width = next(iter(activations.values()))[0].shape
    fig.suptitle(f"Activations of {depth} hidden layers ({width} units, {n_inputs} inputs ~ N(0, 1))", y=0.93)
    fig.subplots_adjust(hspace=0.45, wspace=0.12)
    return _finish(fig, save_as)


def gradients_per_layer(signal_std, grad_W, settings, save_as=None):
    """Two rows of log plots, one column per activation: the std of dL/dz and the mean |dL/dW| per layer.

    signal_std, grad_W: {label: [value per hidden layer]}; settings as for
    :func:`activation_histograms`; each initialization keeps the book's color.
    """
    activations = list(dict.fromkeys(act for _, act, _ in settings))
    depth = len(next(iter(grad_W.values())))
    layers = np.arange(1, depth + 1)
    fig, axes = plt.subplots(2, len(activations), figsize=(10.0, 6.0), sharex=True, sharey="row", squeeze=False)
    for col, activation in enumerate(activations):
        for label, act, _ in settings:
            if act != activation:
                continue
            init = label.split(", ")[1]
            style = dict(color=color(_INIT_COLORS[init]), marker="o", label=init)
            axes[0, col].plot(layers, signal_std[label], **style)
            axes[1, col].plot(layers, grad_W[label], **style)
        axes[0, col].set_title(_TITLES[activation])
        axes[1, col].set_xlabel("hidden layer (1 = next to the input)")
        axes[0, col].legend(fontsize=8)
    for ax in axes.ravel():
        ax.set_yscale("log")
        ax.set_xticks(layers)
    axes[0, 0].set_ylabel("std of dL/dz (signal)")
    axes[1, 0].set_ylabel("mean |dL/dW|")
    fig.suptitle("Gradients per layer at initialization (log scale)")
    fig.tight_layout()
    return _finish(fig, save_as)


def loss_curves(curves, title, save_as=None):
    """Smoothed training loss per iteration, one line per name, with the uniform guess ln 10 for reference.

    curves: {name: losses (iterations,)}; names are colors of the book (plot.COLORS).
    """
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for name, curve in curves.items():
        ax.plot(smooth_curve(curve), color=color(name), label=name)
    ax.axhline(np.log(10), color="black", linestyle=":", linewidth=1, zorder=0, label="ln 10 (uniform guess)")
    ax.set_xlabel("iteration (mini-batch of 128)")
    ax.set_ylabel("training loss (cross-entropy, smoothed)")
    ax.set_title(title)
    ax.set_ylim(0, 2.5)
    ax.legend()
    return _finish(fig, save_as)

"""The figures of chapter 4 (regularization): each function draws one figure and saves it.

The sections call one function per figure, so the page shows the experiment,
not the matplotlib. Every function returns the figure (already saved to
``images/`` under ``name``); the section ends the cell with ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np

from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, save_figure


def _accuracy_curves(ax, history, label, linestyle="-", alpha=1.0, marker=None, splits=("train", "test")):
    """Train and test accuracy of one Trainer history, colored by split."""
    for split in splits:
        ax.plot(history["epochs"], history[f"{split}_acc"], linestyle=linestyle, marker=marker, markersize=4,
                color=color(split), alpha=alpha, label=f"{split} ({label})")


def accuracy_curves(curves, title, name, reference=None):
    """Train and test accuracy against the epoch.

    curves: {label: history} drawn solid (the first) or dotted with markers
    (the others); reference: an optional (label, history) drawn dashed and
    faint, for comparison.
    """
    fig, ax = plt.subplots(figsize=FIGSIZE)
    if reference is not None:
        _accuracy_curves(ax, reference[1], reference[0], linestyle="--", alpha=0.45)
    for k, (label, history) in enumerate(curves.items()):
        _accuracy_curves(ax, history, label, linestyle="-" if k == 0 else ":", marker=None if k == 0 else "o")
    ax.set(title=title, xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
    ax.legend(loc="lower right", fontsize=7)
    save_figure(fig, name)
    return fig


def sweep(values, train, validation, xlabel, title, name, chosen=None):
    """Final train and validation accuracy against a hyperparameter, one dot per seed and the mean.

    values: the hyperparameter values (plotted at equal spacing); train,
    validation: {value: array of one accuracy per seed}; chosen: the value
    picked on validation data, marked.
    """
    fig, ax = plt.subplots(figsize=FIGSIZE)
    positions = np.arange(len(values))
    for split, accuracies in (("train", train), ("validation", validation)):
        means = [np.mean(accuracies[v]) for v in values]
        for position, v in zip(positions, values):
            ax.plot(np.full(len(accuracies[v]), position), accuracies[v], ".", color=color(split), alpha=0.4)
        seeds = len(accuracies[values[0]])
        ax.plot(positions, means, "o-", color=color(split), label=f"{split} (mean of {seeds} seeds)")
    if chosen is not None:
        ax.axvline(values.index(chosen), color="0.5", linestyle="--", label=f"chosen on validation: {chosen}")
    ax.set_xticks(positions, [str(v) for v in values])
    ax.set(title=title, xlabel=xlabel, ylabel="accuracy", ylim=(0, 1.02))
    ax.legend(loc="lower left", fontsize=8)
    save_figure(fig, name)
    return fig


def seed_dots(values, title, ylabel, name):
    """One column of dots per method (one dot per seed) with the mean ± sd; values: {label: array}."""
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for position, seeds in enumerate(values.values()):
        ax.plot(np.full(len(seeds), position), seeds, "o", color=color("test"), alpha=0.5)
        ax.errorbar(position, np.mean(seeds), yerr=np.std(seeds, ddof=1), fmt="_", markersize=20, capsize=6,
                    color="black")
    ax.set_xticks(range(len(values)), list(values))
    ax.set(title=title, ylabel=ylabel)
    save_figure(fig, name)
    return fig


def unit_balls(solutions, outlines, center, curvature, name):
    """The loss's level sets and each unit ball, with the constrained minimum inside it.

    solutions: {norm: w}; outlines: {norm: 2 x k boundary points}; the loss
    is (w - center)^T curvature (w - center).
    """
    grid = np.linspace(-1.6, 2.6, 200)
    g1, g2 = np.meshgrid(grid, grid)
    deltas = np.stack([g1 - center[0], g2 - center[1]], axis=-1)
    loss_grid = np.einsum("...i,ij,...j->...", deltas, curvature, deltas)
    fig, axes = plt.subplots(1, len(solutions), figsize=(11, 3.8), sharey=True)
    for ax, (norm, w) in zip(axes, solutions.items()):
        level = (w - center) @ curvature @ (w - center)
        ax.contour(g1, g2, loss_grid, levels=[level * f for f in (0.25, 0.6, 1.0, 1.6, 2.5)], colors="0.6",
                   linewidths=0.8)
        ax.fill(*outlines[norm], color=color("SGD"), alpha=0.25)
        ax.plot(*outlines[norm], color=color("SGD"))
        ax.plot(*center, "x", color="black", label="minimum of the loss")
        ax.plot(*w, "o", color=color("Adam"), label="minimum inside the ball")
        ax.set(title=f"{norm} unit ball: w = ({w[0]:.2f}, {w[1]:.2f})", xlabel="$w_1$", aspect="equal")
        ax.axhline(0, color="0.85", lw=0.6, zorder=0)
        ax.axvline(0, color="0.85", lw=0.6, zorder=0)
    axes[0].set_ylabel("$w_2$")
    axes[0].legend(loc="lower left", fontsize=8)
    save_figure(fig, name)
    return fig


def penalty_weights(weights, lambdas, w_true, name):
    """Bar chart of the fitted weights of each penalty against the true weights; weights: {penalty: w}."""
    fig, axes = plt.subplots(1, len(weights), figsize=(12, 3.2), sharey=True)
    features = np.arange(len(w_true))
    for ax, (penalty, w) in zip(axes, weights.items()):
        lam = lambdas[penalty]
        ax.bar(features, w, color=color("SGD"))
        ax.plot(features, w_true, "o", mfc="none", color=color("Adam"), markersize=5, label="true weight")
        ax.set(title=penalty + (f", λ = {lam}" if lam else " (least squares)"), xlabel="feature index")
        ax.axhline(0, color="black", lw=0.6)
    axes[0].set_ylabel("weight")
    axes[0].legend(fontsize=8)
    save_figure(fig, name)
    return fig


def ensemble(mask_counts, difference, agreement, name):
    """How the average of K thinned networks approaches the scaled network (two panels)."""
    fig, (ax_diff, ax_agree) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    ax_diff.loglog(mask_counts, [difference[k] for k in mask_counts], "o-", color=color("SGD"))
    ax_diff.set(title="Average of K thinned networks vs scaled network", xlabel="number of masks K",
                ylabel="mean |difference| of softmax outputs")
    ax_agree.semilogx(mask_counts, [agreement[k] for k in mask_counts], "o-", color=color("SGD"))
    ax_agree.set(title="Agreement with the scaled network", xlabel="number of masks K",
                 ylabel="fraction of the test images", ylim=(0.5, 1.0))
    save_figure(fig, name)
    return fig


def augmented_digits(examples, variants, labels, name):
    """Each example digit (a row) and its random variants (columns)."""
    fig, axes = plt.subplots(len(examples), 1 + len(variants), figsize=(6.2, 7.4))
    for row in range(len(examples)):
        for col, images in enumerate([examples, *variants]):
            axes[row, col].imshow(images[row].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            axes[row, col].set(xticks=[], yticks=[])
        axes[row, 0].set_ylabel(f"label {labels[row]}")
    axes[0, 0].set_title("original", fontsize=9)
    for col in range(1, 1 + len(variants)):
        axes[0, col].set_title(f"variant {col}", fontsize=9)
    fig.suptitle("Random shifts (up to 2 pixels) and rotations (up to 10°)")
    save_figure(fig, name)
    return fig


def early_stopping(full, stopped, patience, name):
    """Validation accuracy of the runs trained to the end (thin lines) and where the patience rule stopped.

    full: the histories of the full-length runs; stopped: the histories of
    the same runs with the rule (its 'best_epoch' and 'stopped_at').
    """
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for k, (history, short) in enumerate(zip(full, stopped)):
        ax.plot(history["epochs"], history["validation_acc"], color=color("validation"), alpha=0.6,
                label="validation, trained to the end" if k == 0 else None)
        ax.plot(history["epochs"], history["train_acc"], color=color("train"), alpha=0.35,
                label="train (noisy labels)" if k == 0 else None)
        best = short["epochs"].index(short["best_epoch"])
        ax.plot(short["best_epoch"], short["validation_acc"][best], "o", color="black", markersize=5,
                label="best epoch: weights restored" if k == 0 else None)
        ax.plot(short["stopped_at"], short["validation_acc"][-1], "x", color="black", markersize=6,
                label=f"stopped ({patience} epochs without a new best)" if k == 0 else None)
    ax.set(title="30 % wrong training labels: stop with patience", xlabel="epoch", ylabel="accuracy",
           ylim=(0, 1.02))
    ax.legend(loc="lower right", fontsize=7)
    save_figure(fig, name)
    return fig


def adamw_rows(row_ratio, inked_share, name):
    """||W1 row|| after / before per input pixel: one image per method, then against the pixel's ink share.

    row_ratio: {method: array (seeds, 784)}.
    """
    methods = list(row_ratio)
    fig, axes = plt.subplots(1, len(methods) + 1, figsize=(4.2 * (len(methods) + 1), 3.8), layout="constrained")
    for ax, method in zip(axes[:-1], methods):
        image = ax.imshow(row_ratio[method].mean(axis=0).reshape(28, 28), cmap="viridis", vmin=0, vmax=1.1)
        ax.set(title=f"{method}:\n||W1 row|| after / before", xticks=[], yticks=[])
    fig.colorbar(image, ax=axes[:-1], shrink=0.8)
    for method in methods:
        method_color = color("AdamW" if method.startswith("AdamW") else "Adam")
        axes[-1].plot(inked_share, row_ratio[method].mean(axis=0), ".", color=method_color, alpha=0.5, label=method)
    axes[-1].set(title="Shrink factor against pixel use", xlabel="share of the 300 images with ink in the pixel",
                 ylabel="||W1 row|| after / before")
    axes[-1].legend(fontsize=8)
    save_figure(fig, name)
    return fig

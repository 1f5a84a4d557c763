"""Figures of chapter 1's MNIST sections (1.6 to 1.10): loss curves, seeds, update-to-weight ratios, schedules.

Each function draws one figure from results given as plain dicts
``{label: values}`` and returns it; the section saves and shows it. Colors
come from :func:`common.display.plot.color`, so a method has the same color
everywhere in the book; settings without a book color (the schedules) get
theirs from :data:`SCHEDULE_COLORS`.
"""

import matplotlib.pyplot as plt
import numpy as np

from common.display.plot import COLORS, FIGSIZE, FIGSIZE_WIDE, small_multiples, smooth_curve

# The learning-rate settings of section 1.9: constants in blues (darker = larger), schedules in warm colors.
SCHEDULE_COLORS = {
    "η = 0.1": "#9ecae1",
    "η = 0.2": "#3182bd",
    "η = 0.4": "#08306b",
    "step decay from 0.4": "0.4",
    "cosine from 0.4": "#e6550d",
    "cosine from 0.8": "#fdae6b",
    "warm-up + cosine from 0.8": "#756bb1",
}


def line_color(label):
    """The book's color of ``label``; 'SGD, η = 0.01' is SGD's; schedules from SCHEDULE_COLORS; else grey."""
    if label in COLORS:
        return COLORS[label]
    if label.startswith("SGD, η = 0.01"):
        return COLORS["SGD"]
    return SCHEDULE_COLORS.get(label, "0.5")


def running_mean(losses, window=100):
    """Mean of each ``window`` consecutive values of a 1-D curve: (n,) -> (n - window + 1,)."""
    losses = np.asarray(losses, dtype=np.float64)
    return np.convolve(losses, np.ones(window) / window, mode="valid")


def loss_small_multiples(losses, ncols=4, ylim=(0.02, 3.0), title=None):
    """One small panel per method: its smoothed loss curve in color, the other methods' in light grey.

    losses: {label: loss per iteration (1-D)}; smoothing as in the original book
    (:func:`common.display.plot.smooth_curve`); log scale, shared axes.
    """
    smoothed = {label: smooth_curve(curve) for label, curve in losses.items()}
    fig, axes = small_multiples(len(smoothed), ncols=ncols, size=2.7, layout="constrained")
    for ax, (label, curve) in zip(axes, smoothed.items()):
        for other, other_curve in smoothed.items():
            if other != label:
                ax.plot(other_curve, color="0.82", lw=0.7)
        ax.plot(curve, color=line_color(label), lw=1.0)
        ax.set_title(label, fontsize=10)
        ax.set_yscale("log")
        ax.set_ylim(*ylim)
    for ax in axes[-ncols:]:                      # the lowest panel of each column
        ax.xaxis.set_tick_params(labelbottom=True)
        ax.set_xlabel("iteration")
    for ax in axes[::ncols]:
        ax.set_ylabel("training loss (smoothed)")
    if title:
        fig.suptitle(title)
    return fig


def seed_dots(panels, log_panels=(), title=None):
    """Side-by-side panels of results over seeds: one dot per seed, black mean ± standard deviation.

    panels: {y-axis label: {label: values over seeds}}; log_panels: the y labels drawn on a log scale.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=FIGSIZE_WIDE, layout="constrained", squeeze=False)
    for ax, (ylabel, values) in zip(axes[0], panels.items()):
        for position, (label, seeds) in enumerate(values.items()):
            seeds = np.asarray(seeds, dtype=np.float64)
            ax.plot(np.full(len(seeds), position), seeds, "o", color=line_color(label), alpha=0.7, ms=5)
            ax.errorbar(position + 0.2, seeds.mean(), yerr=seeds.std(ddof=1) if len(seeds) > 1 else 0,
                        fmt="_", color="black", ms=14, capsize=4)
        ax.set_xticks(range(len(values)), [label.replace(" + ", " +\n").replace(" from", "\nfrom")
                                           for label in values], rotation=20, fontsize=8)
        ax.set_ylabel(ylabel)
        if ylabel in log_panels:
            ax.set_yscale("log")
    if title:
        fig.suptitle(title)
    return fig


def loss_and_test_dots(seed_loss, seed_test):
    """:func:`seed_dots` of an MNIST comparison over seeds: the mean loss of the last 100 updates (log
    scale) and the test accuracy after 2,000 updates, one dot per seed."""
    loss = "mean loss of the last 100 updates"
    return seed_dots({loss: seed_loss, "test accuracy after 2,000 updates": seed_test}, log_panels=(loss,),
                     title="MNIST, five seeds per rule (dots); black: mean ± standard deviation over the seeds")


def update_ratio_figure(ratios, summarise_from, rule_of_thumb=1e-3):
    """Update-to-weight ratios over the first updates (left) and per weight matrix (right).

    ratios: {label: array (seeds, updates, weight matrices)} of ||dW|| / ||W||.
    Left: the median over the matrices per update, mean over seeds, band from lowest to highest
    seed. Right: per matrix, the median over updates ``summarise_from + 1`` to the last, one dot per seed.
    """
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    labels = list(ratios)
    for position, (label, r) in enumerate(ratios.items()):
        r = np.asarray(r)
        seeds, updates, matrices = r.shape
        steps = np.arange(1, updates + 1)
        per_update = np.median(r, axis=2)
        axes[0].semilogy(steps, per_update.mean(axis=0), color=line_color(label), label=label, lw=1.2)
        axes[0].fill_between(steps, per_update.min(axis=0), per_update.max(axis=0), color=line_color(label),
                             alpha=0.2, lw=0)
        per_matrix = np.median(r[:, summarise_from:, :], axis=1)
        x = np.arange(1, matrices + 1) + (position - (len(labels) - 1) / 2) * 0.15
        for seed_values in per_matrix:
            axes[1].plot(x, seed_values, "o", ms=3, alpha=0.6, color=line_color(label))
        axes[1].plot([], [], "o", color=line_color(label), label=label)
    for ax in axes:
        ax.axhline(rule_of_thumb, color="0.3", ls="--", lw=1)
    axes[0].axvspan(summarise_from + 1, updates, color="0.92", zorder=0)
    axes[0].set(xlabel="update", ylabel="‖ΔW‖ / ‖W‖ (median over the weight matrices)",
                title=f"per update: mean of {seeds} seeds, band: lowest to highest")
    axes[0].legend(fontsize=8)
    axes[1].set_yscale("log")
    axes[1].set_xticks(range(1, matrices + 1), [f"W{k}" for k in range(1, matrices + 1)])
    axes[1].set(xlabel=f"weight matrix (W1: input, W{matrices}: output)",
                ylabel=f"median ‖ΔW‖ / ‖W‖, updates {summarise_from + 1}–{updates}",
                title=f"per weight matrix, one dot per seed (dashed: {rule_of_thumb:g})")
    return fig


def schedule_shapes(rates, title=None):
    """The learning rate against the update number: rates {label: array of rates, one per update}."""
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    for label, values in rates.items():
        ax.plot(values, color=line_color(label), lw=1.5, label=label)
    ax.set(xlabel="update t", ylabel=r"learning rate $\eta_t$", title=title)
    ax.legend(fontsize=8)
    return fig


def schedule_runs(losses, end_loss, window=100, title=None):
    """Training curves of schedules (left) and the loss at the end, one dot per seed (right).

    losses: {label: array (seeds, iterations)}, drawn as the mean over seeds of the running
    mean over ``window`` updates; end_loss: {label: values over seeds}.
    """
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    for label, runs in losses.items():
        curves = np.array([running_mean(run, window) for run in np.asarray(runs)])
        axes[0].plot(np.arange(window, window + curves.shape[1]), curves.mean(axis=0), lw=1.3,
                     color=line_color(label), label=label)
    axes[0].set(yscale="log", xlabel="update",
                ylabel=f"mini-batch loss, running mean of {window}, mean of the seeds", title="training curves")
    axes[0].legend(fontsize=8)
    for position, (label, seeds) in enumerate(end_loss.items()):
        seeds = np.asarray(seeds, dtype=np.float64)
        axes[1].plot(np.full(len(seeds), position), seeds, "o", color=line_color(label), alpha=0.7, ms=5)
        axes[1].errorbar(position + 0.2, seeds.mean(), yerr=seeds.std(ddof=1), fmt="_", color="black", ms=14,
                         capsize=4)
    axes[1].set_xticks(range(len(end_loss)), [label.replace(" + ", " +\n").replace(" from", "\nfrom")
                                              for label in end_loss], fontsize=8)
    axes[1].set(ylabel="loss on 10,000 training images, end", title="end of training: seeds (dots), mean ± sd")
    if title:
        fig.suptitle(title)
    return fig

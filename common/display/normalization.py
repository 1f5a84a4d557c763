"""Figures of chapter 3 (Batch Normalization): each function draws one figure and returns it.

The sections call them in one line and save the figure with
:func:`common.display.plot.save_figure`; the drawing code stays out of the
reader's way.
"""

import matplotlib.pyplot as plt
import numpy as np

from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, small_multiples

BN, PLAIN, LN = "Batch Normalization", "Normal (without BatchNorm)", "Layer Normalization"
MARKERS = {BN: "o-", LN: "^-", PLAIN: "s--"}


def batchnorm_graph():
    """The nine nodes of BatchNorm's forward pass (section 3.1) as boxes and arrows."""
    fig, ax = plt.subplots(figsize=(14, 3.8))
    ax.set_xlim(-0.5, 14.9)
    ax.set_ylim(-1.0, 3.0)
    ax.axis("off")
    node_style = {"boxstyle": "round,pad=0.35", "facecolor": "#fde9d9", "edgecolor": "#d62728"}
    value_style = {"boxstyle": "round,pad=0.3", "facecolor": "#e8f0fb", "edgecolor": "#1f77b4"}
    X, MEAN1, SUB, SQUARE = (0.0, 1.0), (1.4, 2.2), (2.8, 1.0), (4.4, 2.2)
    MEAN2, SQRT, RECIP = (6.1, 2.2), (7.9, 2.2), (9.6, 2.2)
    MUL1, MUL2, ADD, OUT, GAMMA, BETA = (10.8, 1.0), (12.2, 1.0), (13.6, 1.0), (14.7, 1.0), (12.2, -0.5), (13.6, -0.5)
    nodes = [(MEAN1, "① mean"), (SUB, "② −"), (SQUARE, "③ (·)²"), (MEAN2, "④ mean"), (SQRT, "⑤ √(· + ε)"),
             (RECIP, "⑥ 1/·"), (MUL1, "⑦ ×"), (MUL2, "⑧ ×"), (ADD, "⑨ +")]
    boxes = {}  # position -> the box drawn there, so that arrows stop at its border
    for (x_pos, y_pos), label in nodes:
        boxes[x_pos, y_pos] = ax.text(x_pos, y_pos, label, ha="center", va="center", fontsize=11, bbox=node_style)
    for (x_pos, y_pos), label in [(X, "$x$"), (GAMMA, r"$\gamma$"), (BETA, r"$\beta$"), (OUT, "out")]:
        boxes[x_pos, y_pos] = ax.text(x_pos, y_pos, label, ha="center", va="center", fontsize=12, bbox=value_style)
    fig.canvas.draw()  # lay out the boxes before the arrows are clipped to them
    edges = [  # (from, to, label on the arrow)
        (X, MEAN1, ""), (X, SUB, "$x$"), (MEAN1, SUB, r"$\mu$"), (SUB, SQUARE, "$x_c$"),
        (SQUARE, MEAN2, "$x_c^2$"), (MEAN2, SQRT, r"$\sigma^2$"), (SQRT, RECIP, r"$\sigma$"),
        (RECIP, MUL1, r"$1/\sigma$"), (SUB, MUL1, "$x_c$"), (MUL1, MUL2, r"$\hat{x}$"),
        (GAMMA, MUL2, ""), (MUL2, ADD, "$y$"), (BETA, ADD, ""), (ADD, OUT, ""),
    ]
    for start, end, label in edges:
        ax.annotate("", xy=end, xytext=start,
                    arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.3, "shrinkA": 2, "shrinkB": 2,
                                "patchA": boxes[start].get_bbox_patch(), "patchB": boxes[end].get_bbox_patch()})
        if label:
            mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            horizontal = start[1] == end[1]
            ax.text(mid_x + (0 if horizontal else 0.12), mid_y + 0.12, label, ha="center" if horizontal else "left",
                    va="bottom", fontsize=11, color="#1f77b4")
    ax.annotate("", xy=(1.0, -0.75), xytext=(10.0, -0.75),
                arrowprops={"arrowstyle": "-|>", "color": "#d62728", "lw": 1.2, "ls": "--"})
    ax.text(5.5, -0.62, "backward pass: gradients flow from right to left, node ⑨ first",
            ha="center", va="bottom", fontsize=10, color="#d62728")
    ax.set_title("Batch Normalization as a computational graph (train mode, per feature)")
    return fig


def gradient_check_bars(errors, title, threshold=1e-6):
    """Bar chart of the max relative error per parameter {name: error} (log scale), with the threshold."""
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.bar(list(errors), list(errors.values()), color=color(BN))
    ax.axhline(threshold, color="black", ls="--", lw=1, label=f"threshold {threshold:g}")
    ax.set_yscale("log")
    ax.set_ylim(1e-13, 1e-3)
    ax.set_ylabel("max relative error (log scale)")
    ax.set_title(title)
    ax.legend()
    return fig


def running_statistics(running_means, running_vars, data_mean, data_var, units=3):
    """Running mean and variance (steps, units) of the first ``units`` units against the data's (dashed)."""
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
    steps = np.arange(1, len(running_means) + 1)
    for unit in range(units):
        line, = axes[0].plot(steps, running_means[:, unit], lw=1.2, label=f"unit {unit}")
        axes[0].axhline(data_mean[unit], color=line.get_color(), ls="--", lw=1)
        axes[1].plot(steps, running_vars[:, unit], lw=1.2, color=line.get_color(), label=f"unit {unit}")
        axes[1].axhline(data_var[unit], color=line.get_color(), ls="--", lw=1)
    axes[0].set_title("running mean (solid), data mean (dashed)")
    axes[1].set_title("running variance (solid), data variance (dashed)")
    for ax in axes:
        ax.set_xlabel("training step (batch of 100)")
        ax.legend()
    axes[0].set_ylabel("mean of pre-activation")
    axes[1].set_ylabel("variance of pre-activation")
    return fig


def weight_scales_grid(scales, curves):
    """Train accuracy per epoch at each weight scale, {label: (scales, epochs + 1)}, in a 4x4 grid."""
    fig, axes = small_multiples(len(scales), ncols=4, size=2.7)
    for k, ax in enumerate(axes):
        for name, curve in curves.items():
            ax.plot(np.arange(curve.shape[1]), curve[k], color=color(name), lw=1.8 if name == BN else 1.5,
                    ls="-" if name == BN else "--", label=name)
        ax.set_title(f"w = {scales[k]:.1e}", fontsize=10)
        ax.set_ylim(0, 1.05)
        if k % 4 == 0:
            ax.set_ylabel("train accuracy")
        if k >= len(scales) - 4:
            ax.set_xlabel("epoch")
    axes[0].legend(loc="upper left", fontsize=7)
    fig.suptitle("Train accuracy on 1000 MNIST images, 5 hidden layers × 100 ReLU, SGD η = 0.01, "
                 "by initial weight scale w")
    fig.tight_layout()
    return fig


def final_accuracy_over_seeds(scales, final):
    """Final accuracy {label: (seeds, scales)} against the weight scale: single seeds and mean ± sd."""
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for name, values in final.items():
        n_seeds = values.shape[0]
        ax.plot(np.tile(scales, n_seeds), values.ravel(), ".", color=color(name), alpha=0.4)
        ax.errorbar(scales, values.mean(axis=0), yerr=values.std(axis=0, ddof=1), color=color(name), capsize=3,
                    fmt=MARKERS[name], label=f"{name}: mean ± sd")
    ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
    ax.axvline(np.sqrt(2 / 100), color="black", lw=1, ls="-.", label="He scale √(2/100)")
    ax.set(xscale="log", ylim=(0, 1.05), xlabel="initial weight scale w (log scale)",
           ylabel="train accuracy after 20 epochs",
           title=f"Final accuracy over {n_seeds} seeds (dots: single seeds)")
    ax.legend(fontsize=8, loc="center", bbox_to_anchor=(0.5, 0.45))
    return fig


def warmup(scales, accuracy_by_start, variance, running_var):
    """Left: inference-mode accuracy per epoch {start label: (scales, epochs + 1)}, one line style per start.
    Right: the variance of layer 1's pre-activations and its running variance (scales, epochs + 1)."""
    fig, (ax_acc, ax_var) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    shades = plt.cm.viridis(np.linspace(0, 0.9, len(scales)))
    styles = ["-", ":"]
    for style, (start, accuracy) in zip(styles, accuracy_by_start.items()):
        for k, shade in enumerate(shades):
            ax_acc.plot(accuracy[k], color=shade, ls=style,
                        label=f"w = {scales[k]:.1e}" if style == "-" else None)
        ax_acc.plot([], [], color="black", ls=style, label=start)
    epochs = np.arange(variance.shape[1])
    for k, shade in enumerate(shades):
        ax_var.plot(epochs, variance[k], color=shade)
        ax_var.plot(epochs, running_var[k], color=shade, ls="--")
    ax_var.plot([], [], color="black", label="variance of the pre-activations")
    ax_var.plot([], [], color="black", ls="--", label="running variance (start 1)")
    ax_var.axhline(1e-5, color="grey", lw=1, ls=":", label="ε")
    ax_acc.set(xlabel="epoch (10 steps)", ylabel="train accuracy, inference mode", ylim=(0, 1.05),
               title="what the grid shows, by running-variance start")
    ax_var.set(xlabel="epoch (10 steps)", ylabel="layer 1, median over units (log scale)", yscale="log",
               title="the variance to learn, and the estimate")
    ax_acc.legend(fontsize=7, ncol=2)
    ax_var.legend(fontsize=7)
    return fig


def learning_rate_sweep(learning_rates, held_out, threshold):
    """Held-out accuracy {label: (seeds, learning rates)}: single runs, mean ± sd, the 'still trains' line."""
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for name, acc in held_out.items():
        mean, sd = acc.mean(axis=0), acc.std(axis=0, ddof=1)
        ax.plot(np.tile(learning_rates, len(acc)), acc.ravel(), ".", color=color(name), alpha=0.35)
        ax.plot(learning_rates, mean, MARKERS[name], color=color(name), label=f"{name}: mean ± sd")
        ax.fill_between(learning_rates, mean - sd, mean + sd, color=color(name), alpha=0.2)
    ax.axhline(threshold, color="black", lw=1, ls="-.", label=f"'still trains' ({threshold})")
    ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
    n_seeds = len(next(iter(held_out.values())))
    ax.set(xscale="log", ylim=(0, 1), xlabel="learning rate η (log scale)",
           ylabel="validation accuracy after 5 epochs",
           title=f"784-100×5-10, He, 1000 images, SGD: {n_seeds} seeds (dots: single runs)")
    ax.legend(fontsize=8, loc="lower left")
    return fig


def weight_norm_growth(learning_rates, growth):
    """Left: ||W_end|| / ||W_start|| per hidden layer, growth (seeds, learning rates, layers).
    Right: the effective learning rate eta / growth^2 at the end against eta."""
    fig, (ax_growth, ax_step) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    shades = plt.cm.viridis(np.linspace(0, 0.9, growth.shape[2]))
    for i, shade in enumerate(shades):
        ax_growth.plot(learning_rates, growth[:, :, i].mean(axis=0), "o-", color=shade, label=f"W{i + 1}")
    ax_growth.set(xscale="log", xlabel="learning rate η (log scale)", ylabel="‖W‖ after 50 steps / ‖W‖ at the start",
                  title="BatchNorm network: the hidden weights grow")
    ax_growth.legend(fontsize=8)
    effective = (np.asarray(learning_rates)[None, :, None] / growth**2).mean(axis=2)   # (seeds, learning rates)
    ax_step.errorbar(learning_rates, effective.mean(axis=0), yerr=effective.std(axis=0, ddof=1), fmt="o-",
                     capsize=3, color=color(BN), label="η / growth² at the end (mean ± sd over seeds)")
    ax_step.plot(learning_rates, learning_rates, "k--", lw=1, label="η (no growth)")
    ax_step.set(xscale="log", yscale="log", xlabel="learning rate η (log scale)",
                ylabel="effective learning rate at the end (log scale)", title="...so the effective step falls")
    ax_step.legend(fontsize=8)
    return fig


def batch_size_comparison(batch_sizes, accuracy):
    """Held-out accuracy {label: (seeds, batch sizes)} against the batch size: mean ± sd per method."""
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for name, acc in accuracy.items():
        mean, sd = acc.mean(axis=0), acc.std(axis=0, ddof=1)
        ax.plot(batch_sizes, mean, MARKERS[name], color=color(name), label=f"{name}: mean ± sd")
        ax.fill_between(batch_sizes, mean - sd, mean + sd, color=color(name), alpha=0.2)
    ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
    n_seeds = len(next(iter(accuracy.values())))
    ax.set(ylim=(0, 1), xlabel="batch size B (log scale); η = 0.3·B/64, 3 epochs",
           ylabel="held-out accuracy (inference mode)", title=f"784-100×3-10, 1000 images, {n_seeds} seeds")
    ax.legend(fontsize=8, loc="lower right")
    return fig

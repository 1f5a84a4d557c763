"""Figures of chapter 1, sections 1-5: optimizers on 2-D surfaces, and the batch-size panels.

Each function draws one figure of the book from numbers a section has
computed (it computes nothing that a section asserts) and returns the figure,
so that a plot cell reads ``fig = contour_with_paths(...); save_figure(fig, ...); plt.show()``.
Colors come from :func:`common.display.plot.color`: one color per method
across the book.
"""

import matplotlib.pyplot as plt
import numpy as np

from common.display.animation import path_animation_html
from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, small_multiples
from common.toy_problems import BOWL_START, bowl, bowl_gradient, descend, distance

BOWL_VIEW = dict(xlim=(-8, 8), ylim=(-3, 3), levels=np.geomspace(0.05, 12, 8))
SADDLE_VIEW = dict(xlim=(-10, 10), ylim=(-1.5, 1.5), levels=np.linspace(-4.5, 2, 9), minimum=None)
ROSENBROCK_VIEW = dict(xlim=(-2, 2), ylim=(-1, 3), levels=np.geomspace(0.3, 1000, 8), minimum=(1, 1))


def draw_surface(ax, f, xlim, ylim, levels, minimum=(0, 0)):
    """Contour lines of f(x, y) on ax, and a cross at `minimum` (None: no cross)."""
    x, y = np.meshgrid(np.linspace(*xlim, 240), np.linspace(*ylim, 160))
    ax.contour(x, y, f(x, y), levels=levels, colors="0.8", linewidths=0.6, negative_linestyles="solid")
    if minimum is not None:
        ax.plot(*minimum, "+", color="black", ms=8)
    ax.set(xlim=xlim, ylim=ylim, xlabel="x", ylabel="y")


def draw_path(ax, path, name, label=None, **kwargs):
    """A path, shape (steps + 1, 2), in the color of method `name`; a dot per step for short paths."""
    style = "o-" if len(path) <= 60 else "-"
    ax.plot(path[:, 0], path[:, 1], style, ms=2.5, lw=1, color=color(name), label=label or name, **kwargs)


def contour_with_paths(paths, title, surface=bowl, view=BOWL_VIEW, ax=None):
    """One contour panel with several paths; paths {label: (method name, path)}. Returns the figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    else:
        fig = ax.figure
    draw_surface(ax, surface, **view)
    for label, (name, path) in paths.items():
        draw_path(ax, path, name, label=label)
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title)
    return fig


def gradient_field_and_path(path, label):
    """Left: the normalized -gradient of the bowl on a grid; right: `path` (an SGD run) on the bowl."""
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    draw_surface(axes[0], bowl, **BOWL_VIEW)
    gx, gy = np.meshgrid(np.linspace(-7, 7, 11), np.linspace(-2.5, 2.5, 6))  # (0, 0) left out: no gradient there
    u, v = bowl_gradient(np.array([gx, gy]))
    length = np.hypot(u, v)
    axes[0].quiver(gx, gy, -u / length, -v / length, color="0.35", width=0.005, scale=20)
    axes[0].set_title("−∇f (normalized): mostly across the bowl")
    contour_with_paths({label: ("SGD", path)}, "30 steps of SGD from (−7, 2)", ax=axes[1])
    return fig


def paths_and_distance(paths, title="paths, 30 steps"):
    """Left: paths on the bowl; right: their distance to the minimum per step (log scale).

    paths: {label: (method name, path)}.
    """
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    contour_with_paths(paths, title, ax=axes[0])
    for label, (name, path) in paths.items():
        axes[1].semilogy(distance(path), "o-", ms=3, color=color(name), label=label)
    axes[1].set(xlabel="step", ylabel="distance to the minimum", title="distance to the minimum")
    axes[1].legend(fontsize=8)
    return fig


def adagrad_figure(path, effective_step, label="AdaGrad, η = 1.5"):
    """Left: AdaGrad's path on the bowl; right: its effective step η/(√h + ε) per coordinate, shape (steps, 2)."""
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    contour_with_paths({label: ("AdaGrad", path)}, "AdaGrad on the bowl", ax=axes[0])
    steps = np.arange(1, len(effective_step) + 1)
    axes[1].semilogy(steps, effective_step[:, 0], "o-", ms=3, color=color("AdaGrad"), label="x")
    axes[1].semilogy(steps, effective_step[:, 1], "s--", ms=3, color=color("AdaGrad"), label="y")
    axes[1].set(xlabel="step", ylabel=r"effective learning rate $\eta / \sqrt{h}$",
                title="AdaGrad's effective step only shrinks")
    axes[1].legend()
    return fig


def recovery_figure(steps_to_recover, jumps):
    """Steps needed to follow a jumping target against the step of the jump; {method: [steps per jump]}."""
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    for name, steps in steps_to_recover.items():
        ax.plot(jumps, steps, "o-", color=color(name), label=name)
    ax.set(xscale="log", xlabel="steps before the target jumps (J)", ylabel="steps to get within 0.5 again",
           title="Online learning: AdaGrad reacts ever more slowly")
    ax.set_xticks(jumps, [str(j) for j in jumps])
    ax.tick_params(axis="x", which="minor", labelbottom=False)
    ax.legend()
    return fig


def path_panels(panels, surface=bowl, view=BOWL_VIEW, ncols=3, size=3.4):
    """Small multiples, one path per panel; panels {title: (method name, path)}."""
    fig, axes = small_multiples(len(panels), ncols=ncols, size=size)
    for ax, (title, (name, path)) in zip(axes, panels.items()):
        draw_surface(ax, surface, **view)
        draw_path(ax, path, name)
        ax.set_title(title, fontsize=10)
    return fig


def adam_bias_figure(t, uncorrected_ratio, adam_path, uncorrected_path):
    """Left: step / η of uncorrected Adam for a constant gradient, against t; right: both paths on the bowl."""
    fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
    axes[0].semilogx(t, uncorrected_ratio, color=color("Adam"), label="without correction")
    axes[0].axhline(1, color="0.4", ls="--", label="with correction")
    axes[0].set(xlabel="step t", ylabel="step size / η (constant gradient)",
                title="Adam's step for a constant gradient (β₁ = 0.9, β₂ = 0.999)")
    axes[0].legend()
    contour_with_paths({"Adam, η = 0.3": ("Adam", adam_path)}, "the first steps without correction are too large",
                       ax=axes[1])
    axes[1].plot(uncorrected_path[:, 0], uncorrected_path[:, 1], "o--", ms=2.5, lw=1, color="0.3",
                 label="without bias correction")
    axes[1].legend(loc="upper right", fontsize=8)
    return fig


def all_methods(paths, surface, view, title, legend_loc="upper right", loss_scale="log", step_scale="linear",
                mark=None):
    """Small multiples: one panel per method {name: path}, plus a panel of f along every path.

    mark: a point (x, y) to mark with an x in every panel (the saddle point), or None.
    """
    fig, axes = small_multiples(len(paths) + 1, ncols=4, size=2.7, sharex=False, sharey=False)
    for ax, (name, path) in zip(axes, paths.items()):
        draw_surface(ax, surface, **view)
        draw_path(ax, path, name)
        if mark is not None:
            ax.plot(*mark, "x", color="black", ms=7)
        ax.set_title(name, fontsize=10)
    for name, path in paths.items():
        axes[-1].plot(surface(path[:, 0], path[:, 1]), color=color(name), label=name, lw=1.2)
    axes[-1].set(xlabel="step", ylabel="f(x, y)", yscale=loss_scale, xscale=step_scale)
    axes[-1].legend(fontsize=6, loc=legend_loc)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def race_html(paths, title="seven optimizers, 30 steps on the bowl"):
    """The race on the bowl as HTML + JavaScript (play button and slider); paths {method name: path}."""
    fig, ax = plt.subplots(figsize=(6.4, 3.0), layout="constrained")
    draw_surface(ax, bowl, **BOWL_VIEW)
    for name in paths:   # legend entries only: the moving marks are drawn by the browser
        ax.plot([], [], color=color(name), lw=1.6, label=name)
    ax.legend(fontsize=8, loc="upper right", ncol=4, frameon=False)
    ax.set_title(title)
    html = path_animation_html(fig, ax, paths, {name: color(name) for name in paths},
                               alt="seven optimizers racing on the bowl")
    plt.close(fig)
    return html


def race_strip(paths, snapshots=(3, 8, 15, 30)):
    """Stills of the race: every method's path up to each step of `snapshots`, one panel per step."""
    fig, axes = plt.subplots(1, len(snapshots), figsize=(12, 2.6), layout="constrained")
    for ax, step in zip(axes, snapshots):
        draw_surface(ax, bowl, xlim=(-8, 8), ylim=(-2.6, 2.6), levels=np.geomspace(0.05, 8, 8))
        for name, path in paths.items():
            ax.plot(path[:step + 1, 0], path[:step + 1, 1], "-", lw=1, color=color(name), alpha=0.6)
            ax.plot(*path[step], "o", ms=5, color=color(name), label=name)
        ax.set_title(f"after {step} steps", fontsize=10)
    axes[0].legend(fontsize=7, loc="lower left", ncol=2)
    fig.suptitle("The race on the bowl (stills of the animation)")
    return fig


def momentum_sliders(optimizer_class):
    """Two ipywidgets sliders (η, α) that redraw 30 steps of `optimizer_class` on the bowl.

    Returns the widget, or None when ipywidgets is not installed (then nothing is shown).
    Run headless, the widget has no visible effect.
    """
    try:
        import ipywidgets as widgets
    except ImportError:   # ipywidgets is optional
        return None

    def redraw(lr=0.1, momentum=0.9):
        with np.errstate(over="ignore", invalid="ignore"):   # a step beyond the edge of stability overflows
            path = descend(optimizer_class(lr=lr, momentum=momentum), bowl_gradient, BOWL_START)
        fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
        draw_surface(ax, bowl, **BOWL_VIEW)
        draw_path(ax, path, optimizer_class.__name__)
        ax.set_title(f"η = {lr:.3g}, α = {momentum:.3f}: distance after 30 steps {distance(path)[-1]:.3g}",
                     fontsize=9)
        plt.show()

    return widgets.interactive(
        redraw,
        lr=widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.3, step=0.025, description="η"),
        momentum=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.005, readout_format=".3f",
                                     description="α"),
    )


def momentum_map(lrs, alphas, rate, lambda_max, marks, runs):
    """Left: the map of Momentum's rate r(η, α) on the bowl; right: measured distances and predicted slopes.

    lrs, alphas: the 1-D grids; rate: r on the grid, shape (len(alphas), len(lrs));
    lambda_max: the largest curvature (the dashed edge η = 2(1 + α)/λ_max);
    marks: {label: (η, α, marker, color)}; runs: {label: (color, distances, first step of the fit, r)}.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    ax = axes[0]
    lr_grid, alpha_grid = np.meshgrid(lrs, alphas)
    filled = ax.contourf(lr_grid, alpha_grid, np.ma.masked_where(rate >= 1, rate),
                         levels=[0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0], cmap="viridis")
    ax.contourf(lr_grid, alpha_grid, (rate >= 1).astype(float), levels=[0.5, 1.5], colors="0.8")
    ax.plot(2 * (1 + alphas) / lambda_max, alphas, "k--", lw=1, label=r"edge $\eta = 2(1 + \alpha)/\lambda_{\max}$")
    ax.text(1.55, 0.15, "diverges", fontsize=9, rotation=90)
    for label, (lr, alpha, marker, mark_color) in marks.items():
        ax.plot(lr, alpha, marker, color=mark_color, mec="black" if mark_color == "white" else mark_color,
                ms=14 if marker == "*" else 8, label=label)
    ax.set(xscale="log", xlabel="learning rate η", ylabel="momentum α",
           title="r(η, α) on the bowl: the error's factor per step")
    ax.legend(fontsize=7, loc="upper left")
    fig.colorbar(filled, ax=ax, label="r")
    for label, (line_color, dist, first, r) in runs.items():
        axes[1].semilogy(dist, color=line_color, lw=1.2, label=label)
        k = np.arange(first, len(dist))
        axes[1].semilogy(k, dist[first] * r ** (k - first), "--", color="0.3", lw=0.8)
    axes[1].plot([], [], "--", color="0.3", lw=0.8, label="slope of rᵏ (predicted)")
    axes[1].set(xlabel="step", ylabel="distance to the minimum", title="measured distance and predicted rate",
                ylim=(1e-30, 20))
    axes[1].legend(fontsize=8)
    return fig


def noisy_bowl(paths, balls, formula_lines, sigmas, ball_by_sigma, sgd_formula_by_sigma):
    """The noise-ball figure: four paths of seed 0, the balls forming, and the ball against σ.

    paths: {label: array (steps + 1, seeds, 2)} for the four labels shown (method name before the comma);
    balls: {label: mean noise ball}; formula_lines: {label: predicted ball} drawn dotted;
    ball_by_sigma: {method name: ball per σ}; sgd_formula_by_sigma: the formula of SGD with η/σ per σ.
    """
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.6), layout="constrained")
    labels = list(paths)
    for ax, label in zip(axes.ravel(), labels):
        draw_surface(ax, bowl, **BOWL_VIEW)
        path = paths[label][:, 0]                                  # seed 0
        ax.plot(path[:, 0], path[:, 1], "-", lw=0.4, alpha=0.6, color=color(label.split(",")[0]))
        ax.set_title(f"{label}: ball {balls[label]:.2f}", fontsize=9)
    ax = axes[1, 1]
    n = len(next(iter(paths.values())))
    steps = np.arange(n)
    window = np.ones(50) / 50
    for label, style in zip(labels, ["-", "--", "-", "-"]):
        squared = np.convolve(np.sum(paths[label] ** 2, axis=2).mean(axis=1), window, mode="same")
        ax.loglog(steps[25:-25], squared[25:-25], style, lw=1, color=color(label.split(",")[0]), label=label)
    for value in formula_lines.values():
        ax.axhline(value, color="0.3", ls=":", lw=1)
    ax.set(xlabel="step", ylabel="squared distance (mean of the seeds)", title="the noise balls form (dotted: formula)")
    ax.legend(fontsize=7, loc="lower left")
    ax = axes[1, 2]
    for name, values in ball_by_sigma.items():
        ax.loglog(sigmas, values, "o-", color=color(name), label=f"{name}, η = 0.1")
    ax.loglog(sigmas, sgd_formula_by_sigma, ":", color="0.3", label="formula of SGD with η/σ")
    ax.set(xlabel="noise σ", ylabel="noise ball", title="SGD's ball grows as σ², Adam's as σ")
    ax.set_xticks(sigmas, [str(sigma) for sigma in sigmas])
    ax.tick_params(axis="x", which="minor", labelbottom=False)
    ax.legend(fontsize=8)
    fig.suptitle(f"The bowl with noisy gradients (σ = 1 unless stated): paths of seed 0, {n - 1:,} steps from (−7, 2)")
    return fig


VARIANT_COLORS = ("#1f77b4", "#d62728", "#7f7f7f")


def batch_size_panels(runs, batch_sizes, noise, sigma2, seconds_per_update):
    """The four panels of section 1: loss per update (a) and per example (b), noise (c) and cost (d).

    runs: {label: (updates done, losses)}; batch_sizes: {label: B};
    noise: {B: measured E|g_B - grad L|²}; sigma2: σ²; seconds_per_update: {B: seconds}.
    """
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.2), layout="constrained")
    for (label, (done, losses)), line_color in zip(runs.items(), VARIANT_COLORS):
        style = dict(color=line_color, label=label, marker=".", ms=3, lw=1)
        axes[0, 0].plot(np.maximum(done, 0.5), losses, **style)
        axes[0, 1].plot(np.maximum(done * batch_sizes[label], 0.5), losses, **style)
    axes[0, 0].set(xscale="log", xlabel="updates", ylabel="training loss (2,000 images)",
                   title="(a) per update: B = 64 is as good as the full batch", ylim=(0, 3))
    axes[0, 1].set(xscale="log", xlabel="examples seen (updates × B)", ylabel="training loss (2,000 images)",
                   title="(b) per example, smaller batches win", ylim=(0, 3), xlim=(30, None))
    b = np.array(sorted(noise))
    axes[1, 0].loglog(b, [noise[k] for k in b], "o", color="#d62728", label="measured")
    axes[1, 0].loglog(b, sigma2 / b, "-", color="0.4", label=r"$\sigma^2 / B$")
    axes[1, 0].set(xlabel="batch size B", ylabel=r"$\mathbb{E}\,\|g_B - \nabla L\|^2$",
                   title="(c) gradient noise falls as 1/B")
    b = np.array(sorted(seconds_per_update))
    axes[1, 1].loglog(b, [seconds_per_update[k] * 1e6 for k in b], "o-", color="#1f77b4", label="per update")
    axes[1, 1].loglog(b, [seconds_per_update[k] / k * 1e6 for k in b], "s--", color="#ff7f0e", label="per example")
    axes[1, 1].set(xlabel="batch size B", ylabel="time (µs, measured by make bench)", title="(d) cost of one update")
    for ax in axes.ravel():
        ax.legend(fontsize=8)
    fig.suptitle("Softmax regression on 2,000 MNIST images, plain gradient descent, η = 0.1")
    return fig

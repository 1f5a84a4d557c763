"""The figures of chapter 5 (hyperparameter search), out of the sections' way.

Each function draws one figure from results that a section computed, saves
it as ``images/<name>.png`` when the prose refers to it, and returns the
figure; the section's cell ends with ``plt.show()``. The results are the
dicts of :func:`common.experiments.random_search.run_search` ('lr', 'weight_decay',
'val_acc', 'val_curve', 'train_curve', ...).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, save_figure, small_multiples


def best_curves(results, n=20, name="05_best_curves"):
    """Small multiples of the ``n`` best trials' accuracy per epoch: validation solid, training dashed."""
    best = sorted(results, key=lambda r: (-r["val_acc"], r["trial"]))[:n]
    fig, axes = small_multiples(n, ncols=5, size=2.3)
    for rank, (ax, r) in enumerate(zip(axes, best), 1):
        epochs = np.arange(len(r["val_curve"]))
        ax.plot(epochs, r["val_curve"], color=color("validation"), label="validation")
        ax.plot(epochs, r["train_curve"], "--", color=color("train"), label="training")
        ax.set_title(f"#{rank}  η={r['lr']:.1e}  λ={r['weight_decay']:.0e}", fontsize=8)
        ax.set_ylim(0, 1)
    for ax in axes[-5:]:
        ax.set_xlabel("epoch")
    for ax in axes[::5]:
        ax.set_ylabel("accuracy")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"The best {n} of {len(results)} random trials: accuracy after each epoch")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def search_scatter(results, top=5, name="05_random_search_scatter"):
    """Every trial as a dot at (log10 η, log10 λ), colored by validation accuracy; the ``top`` best circled."""
    log_lr = np.log10([r["lr"] for r in results])
    log_wd = np.log10([r["weight_decay"] for r in results])
    val = np.array([r["val_acc"] for r in results])
    best = np.argsort(-val, kind="stable")[:top]
    fig, ax = plt.subplots(figsize=FIGSIZE)
    points = ax.scatter(log_lr, log_wd, c=val, cmap="viridis", vmin=0, vmax=1, s=30)
    ax.scatter(log_lr[best], log_wd[best], s=120, facecolors="none", edgecolors="red", label=f"top {top}")
    ax.axvline(-3, color="grey", linestyle=":", label="η = 1e-3")
    fig.colorbar(points, ax=ax, label="validation accuracy")
    ax.set_xlabel("log10 learning rate η")
    ax.set_ylabel("log10 weight decay λ")
    ax.set_title(f"Random search: {len(results)} trials")
    ax.legend(loc="lower left", fontsize=8)
    save_figure(fig, name)
    return fig


def random_vs_grid(grid_results, random_results, name="05_random_vs_grid"):
    """Where a grid and a random search of the same budget put their trials, and what each saw."""
    searches = {"grid search": grid_results, "random search": random_results}
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.0))
    for ax, (label, results) in zip(axes, searches.items()):
        x = np.log10([r["lr"] for r in results])
        y = np.log10([r["weight_decay"] for r in results])
        ax.scatter(x, y, color=color(label), s=30)
        ax.plot(x, np.full_like(x, -8.35), "|", color=color(label), markersize=12)   # the η values, projected
        ax.set_xlim(-6, -2)
        ax.set_ylim(-8.5, -4)
        ax.set_xlabel("log10 learning rate η")
        ax.set_ylabel("log10 weight decay λ")
        ax.set_title(f"{label}: {len(results)} trials, {len({r['lr'] for r in results})} values of η")
    for (label, results), marker in zip(searches.items(), ("s", "o")):
        best = max(r["val_acc"] for r in results)
        axes[2].scatter(np.log10([r["lr"] for r in results]), [r["val_acc"] for r in results], color=color(label),
                        marker=marker, s=25, alpha=0.8, label=f"{label} (best {best:.2f})")
    axes[2].set_xlabel("log10 learning rate η")
    axes[2].set_ylabel("validation accuracy")
    axes[2].set_ylim(0, 1)
    axes[2].set_title("What each search saw")
    axes[2].legend(fontsize=8)
    fig.suptitle("Random against grid search at the same budget (Bergstra & Bengio 2012)")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def coarse_to_fine(coarse, fine, fine_space, name="05_coarse_to_fine"):
    """Left: the coarse and the fine trials in the search space, with the fine range; right: accuracy against η."""
    log_lr = np.log10([r["lr"] for r in coarse])
    log_wd = np.log10([r["weight_decay"] for r in coarse])
    val = np.array([r["val_acc"] for r in coarse])
    fine_lr = np.log10([r["lr"] for r in fine])
    fine_wd = np.log10([r["weight_decay"] for r in fine])
    fine_val = np.array([r["val_acc"] for r in fine])
    (lr_low, lr_high), (wd_low, wd_high) = (np.log10(fine_space[key]) for key in ("lr", "weight_decay"))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
    ax1.scatter(log_lr, log_wd, c="lightgrey", s=20, label=f"coarse ({len(coarse)} trials)")
    points = ax1.scatter(fine_lr, fine_wd, c=fine_val, cmap="viridis", vmin=0, vmax=1, s=25,
                         label=f"fine ({len(fine)} trials)")
    ax1.add_patch(Rectangle((lr_low, wd_low), lr_high - lr_low, wd_high - wd_low, fill=False, linestyle="--",
                            edgecolor="black", label="fine range"))
    ax1.axvline(-2, color="grey", linestyle=":", label="upper edge of the coarse η range")
    fig.colorbar(points, ax=ax1, label="validation accuracy")
    ax1.set_xlabel("log10 learning rate η")
    ax1.set_ylabel("log10 weight decay λ")
    ax1.set_title("Where the trials were")
    ax1.legend(fontsize=7, loc="lower left")
    ax2.scatter(log_lr, val, color="grey", s=15, label="coarse")
    ax2.scatter(fine_lr, fine_val, color=color("validation"), s=15, label="fine")
    ax2.set_xlabel("log10 learning rate η")
    ax2.set_ylabel("validation accuracy")
    ax2.set_ylim(0, 1)
    ax2.set_title("Validation accuracy against η")
    ax2.legend(fontsize=8)
    fig.suptitle("Coarse to fine: a second search in the region of the best trials")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


RUNG_COLORS = {1: "#c7c7c7", 3: "#9ecae1", 9: "#3182bd", 27: "#08306b"}


def halving_replay(curves, halving, highlight=(), name="05_successive_halving"):
    """Each trial's validation curve: solid while successive halving trained it, dotted after it was dropped.

    curves: (trials, epochs + 1) array; halving: the result of
    :func:`common.experiments.halving.successive_halving` on them; highlight:
    trials drawn in orange when dropped (e.g. the best ones at the end).
    """
    curves = np.asarray(curves)
    last_epoch = curves.shape[1] - 1
    reached = {i: max(rung.epochs for rung in halving.rungs if i in rung.trials) for i in range(len(curves))}
    epochs = np.arange(last_epoch + 1)
    fig, ax = plt.subplots(figsize=FIGSIZE_WIDE)
    for i in sorted(reached, key=lambda i: reached[i]):   # the survivors last, on top
        last = reached[i]
        c = "red" if i == halving.winner else RUNG_COLORS.get(last, "black")
        ax.plot(epochs[:last + 1], curves[i, :last + 1], color=c, lw=2.5 if i == halving.winner else 1.0)
        if last < last_epoch:
            marked = i in highlight
            ax.plot(epochs[last:], curves[i, last:], ":", color="#ff7f0e" if marked else c,
                    lw=1.5 if marked else 0.8, alpha=1.0 if marked else 0.4)
    for rung in halving.rungs:
        ax.axvline(rung.epochs, color="grey", lw=0.8, linestyle="--")
        ax.text(rung.epochs, 0.97, f" {len(rung.trials)} trials", fontsize=8, va="top")
    final = halving.rungs[-1].epochs
    handles = [plt.Line2D([], [], color=RUNG_COLORS.get(rung.epochs, "black"),
                          label=f"dropped after {rung.epochs} epoch{'s' if rung.epochs > 1 else ''}")
               for rung in halving.rungs[:-1]]
    handles += [plt.Line2D([], [], color=RUNG_COLORS.get(final, "black"), label=f"trained to {final} epochs"),
                plt.Line2D([], [], color="red", lw=2.5, label="the pick"),
                plt.Line2D([], [], color="#ff7f0e", linestyle=":", label="dropped, yet among the best at the end")]
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.62, 0.98))
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.set_ylim(0, 1)
    sizes = " → ".join(str(len(rung.trials)) for rung in halving.rungs)
    ax.set_title(f"Successive halving replayed on {len(curves)} recorded trials: {sizes}, "
                 f"{halving.epochs_spent} epochs")
    fig.tight_layout()
    save_figure(fig, name)
    return fig


def budget_plot(random_epochs, random_best, points, name="05_budget"):
    """The best accuracy random search finds for a budget of epochs, and where other searches land.

    random_epochs: budgets (epochs); random_best: (budgets, draws) best accuracies of random search;
    points: [(label, epochs, picks, marker)] with picks one best accuracy per draw.
    """
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.plot(random_epochs, random_best.mean(axis=1), color=color("random search"),
            label=f"random search (mean of {random_best.shape[1]} draws)")
    ax.fill_between(random_epochs, *np.percentile(random_best, [25, 75], axis=1), color=color("random search"),
                    alpha=0.15, label="random search, middle half of the draws")
    for label, epochs, picks, marker in points:
        c = color("Hyperband" if label == "Hyperband" else "successive halving")
        ax.vlines(epochs, *np.percentile(picks, [25, 75]), color=c, lw=1.5)     # the middle half of the draws
        ax.plot(epochs, np.mean(picks), marker, color=c, markersize=11 if marker == "*" else 7, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("epochs trained by the whole search")
    ax.set_ylabel("best validation accuracy after 27 epochs")
    ax.set_title("The best setting found for a budget of epochs")
    ax.legend(fontsize=8, loc="upper left")
    save_figure(fig, name)
    return fig


def optuna_searches(searches, random_best_by_trials, startup=10, edge=-2, name="05_optuna"):
    """Left: where TPE put each search's trials (η per trial number); right: best score against epochs spent.

    searches: [(results, epochs_trained)] of :func:`common.experiments.optuna_search.optuna_search`;
    random_best_by_trials: the expected best validation accuracy of random search with 1, 2, ... trials.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
    points = None
    for index, (results, _) in enumerate(searches):
        number = np.arange(1, len(results) + 1) + (index - len(searches) // 2) * 0.12   # a small offset per search
        done = np.array([r["pruned_at"] is None for r in results])
        scores = np.array([r["val_acc"] for r in results])
        log_lr = np.log10([r["lr"] for r in results])
        ax1.scatter(number[~done], log_lr[~done], marker="x", color="grey", s=18,
                    label="stopped by the pruner" if index == 0 else None)
        points = ax1.scatter(number[done], log_lr[done], c=scores[done], cmap="viridis", vmin=0, vmax=1, s=22,
                             label="trained to the end" if index == 0 else None)
    fig.colorbar(points, ax=ax1, label="validation accuracy after 50 epochs")
    ax1.axvline(startup + 0.5, color="black", linestyle="--", lw=0.8)   # random start-up before it, TPE after it
    ax1.axhline(edge, color="red", linestyle=":", lw=1.0, label="upper edge of the box")
    ax1.set_xlabel(f"trial number ({len(searches)} searches)")
    ax1.set_ylabel("log10 learning rate η")
    ax1.set_ylim(-6.1, -1.9)
    ax1.set_title("Where TPE put its trials (TPE right of the dashed line)", fontsize=10)
    ax1.legend(fontsize=8, loc="lower right")
    epochs_per_trial = len(searches[0][0][0]["val_curve"]) - 1 if searches and searches[0][0] else 50
    full = np.arange(1, len(random_best_by_trials) + 1) * epochs_per_trial
    ax2.plot(full, random_best_by_trials, color=color("random search"), label="random search (expected best)")
    for index, (results, _) in enumerate(searches):
        spent = np.cumsum([len(r["val_curve"]) - 1 for r in results])
        best_so_far = np.maximum.accumulate([r["val_acc"] if r["pruned_at"] is None else 0.0 for r in results])
        ax2.step(spent, best_so_far, where="post", color=color("Optuna (TPE)"), alpha=0.8,
                 label=f"Optuna, TPE + median pruner ({len(searches)} seeds)" if index == 0 else None)
    ax2.set_xlim(0, 2000)
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("epochs trained by the search")
    ax2.set_ylabel("best validation accuracy so far")
    ax2.set_title("Best score found against epochs spent")
    ax2.legend(fontsize=8, loc="lower right")
    fig.suptitle(f"Optuna on the chapter's problem: {len(searches)} searches of {len(searches[0][0])} trials")
    fig.tight_layout()
    save_figure(fig, name)
    return fig

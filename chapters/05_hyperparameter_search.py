# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Chapter 5 — Hyperparameter search
#
# A network learns its weights from data. Some numbers it cannot learn: the
# learning rate $\eta$, the weight decay $\lambda$, the number and width of
# the layers, the batch size. These are **hyperparameters**: we choose them,
# train, look at the result, and choose again. This chapter makes that loop
# systematic, honest and fast.
#
# **Learning goals.** After this chapter you can
#
# - explain why hyperparameters are chosen on **validation data** and why the
#   **test data** are used once, at the very end;
# - run a **random search on a log scale** and read its results: a sorted
#   table, learning curves, a scatter plot of the search space;
# - narrow a search from **coarse to fine**;
# - explain, with numbers, why random search usually beats **grid search** at
#   the same budget (Bergstra & Bengio 2012);
# - run trials **in parallel** on all cores, each with its own seed, and get
#   exactly the results of a sequential run;
# - spend a **budget** of epochs where it pays, with **successive halving**
#   (Jamieson & Talwalkar 2016) and **Hyperband** (Li et al. 2018), and name
#   their weakness;
# - run the same search with **Optuna** (Akiba et al. 2019): a **TPE** model
#   that learns where to look (Bergstra et al. 2011) and a **pruner** that
#   stops poor trials early.
#
# The experiment is the one of the original book ("Deep Learning from
# Scratch", ch. 6): 500 MNIST images, a network of 6 hidden layers of 100
# units, plain SGD for 50 epochs, 100 random trials. Sections 7 and 8 go
# beyond the original.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np
import optuna
from matplotlib.patches import Rectangle

from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, save_figure, small_multiples
from common.display.report import approx, seed_summary
from common.experiments.halving import hyperband_brackets, successive_halving
from common.experiments.optuna_search import optuna_search_task
from common.experiments.parallel import run_parallel
from common.experiments.random_search import (
    ORIGINAL_SPACE,
    Trial,
    format_table,
    grid_trials,
    log_grid,
    log_uniform,
    narrow_space,
    original_problem,
    random_trials,
    run_search,
    run_trial,
    sort_results,
    train_setting,
)
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD
from dataset.mnist import load_mnist

SEED = 0
(x_all, t_all), (x_test, t_test) = load_mnist()

# %% [markdown]
# ## 1. Training, validation and test data
#
# The training data set the weights. To choose hyperparameters we need a
# second, separate set, because accuracy on the training data rewards a
# network that memorises them: a setting that overfits would look best.
#
# Why not the test data? Because choosing *is* fitting. If we try 100
# settings and keep the one with the best test accuracy, part of its lead is
# luck on those particular test images, and its test accuracy is no longer an
# honest estimate of how it does on new data. The test set must stay unseen
# until the choices are made. So we split three ways:
#
# | data | used for | how often |
# |---|---|---|
# | training | fitting the weights | every step |
# | **validation** | choosing hyperparameters | after every trial |
# | test | the final, honest estimate | once |
#
# We hold out 20 % of the training data as validation data, as in the
# original. Shuffle first: a data file may be ordered (by class, by writer, by
# date), and the last 20 % of an ordered file is not like the rest.
# `train_validation_split` shuffles with our generator, then holds out.

# %%
N_SAMPLES = 500            # as in the original: a small training set, so that overfitting is visible
# The whole search problem, as the benchmarks run it too (common/experiments/random_search.py):
problem = original_problem(x_all, t_all, n_samples=N_SAMPLES, validation_ratio=0.2, seed=SEED)
x_train, t_train, x_val, t_val = problem.x_train, problem.t_train, problem.x_val, problem.t_val
assert len(np.unique(t_train)) == len(np.unique(t_val)) == 10   # every digit is in both sets
print("training:", x_train.shape, " validation:", x_val.shape, " test (kept aside):", x_test.shape)

# %% [markdown]
# ## 2. One trial
#
# A **trial** trains one network with one setting of the hyperparameters and
# reports its validation accuracy. We search over two of them, as in the
# original: the learning rate $\eta$ of SGD and the weight decay $\lambda$
# (chapter 4), each drawn on a **log scale**:
#
# $$\eta = 10^{u},\quad u \sim U(-6, -2), \qquad\qquad \lambda = 10^{v},\quad v \sim U(-8, -4).$$
#
# Why a log scale? We do not know whether a good $\eta$ is 0.005 or 0.00005;
# we know its *order of magnitude* matters. Drawing the exponent uniformly
# gives every decade the same number of trials. Drawing $\eta$ itself
# uniformly from $[10^{-6}, 10^{-2}]$ would spend almost all trials in the top
# decade (exercise 2 asks how many). In code, `log_uniform` is one line:
# `10 ** rng.uniform(np.log10(low), np.log10(high))`.
#
# Everything else is fixed, as in the original: 6 hidden layers of 100 ReLU
# units with He initial weights, SGD, 50 epochs of mini-batches of 100 (four
# updates per epoch, 200 in all). Two deviations: we draw each epoch's
# mini-batches from a fresh shuffle (the book's `Trainer` default) where the
# original samples with replacement, and we compute in **float32**, twice as
# fast as float64 here; the accuracies we compare differ by whole images out
# of 100, far above float32 rounding.

# %%
print(problem.hidden_size_list, problem.activation, problem.weight_init_std, problem.epochs, problem.batch_size,
      np.dtype(problem.dtype))
print(ORIGINAL_SPACE)

# %% [markdown]
# Here is the function that runs one trial, from `common/experiments/random_search.py`,
# and the training it calls. Note the first line of `run_trial`: **one
# generator, made from the trial's own seed, decides everything random in
# the trial** — the sampled $\eta$ and $\lambda$, the initial weights and the
# order of the mini-batches.

# %%
print(inspect.getsource(run_trial))
print(inspect.getsource(train_setting))

# %% [markdown]
# ## 3. A hundred trials, in parallel
#
# The trials do not depend on each other, so they can run at the same time,
# one per core. Threads would help little: numpy lets go of Python's global
# lock during a matrix product, but our products are small, and the Python
# code between them runs one thread at a time. We use **processes** from the
# standard library, a `concurrent.futures.ProcessPoolExecutor`, through the
# book's `run_parallel(function, tasks, shared=...)`
# (`common/experiments/parallel.py`), which every chapter uses for its
# independent runs. A search is one call:
#
# ```python
# results = run_parallel(run_trial, trials, shared=problem)   # = run_search(trials, problem)
# ```
#
# Four details make this fast and reproducible:
#
# 1. **One worker per core** (`os.cpu_count()`, or fewer if this process
#    may use only some of the cores; at most one per trial), and each worker
#    uses a single BLAS thread. Two workers with two BLAS threads each would
#    fight over two cores.
# 2. **The data travel once per worker**: the pool's *initializer* stores
#    the shared problem (data included) in each worker when it starts; a
#    trial then travels as a seed and a few numbers, not as 1.5 MB of images.
# 3. **Importable functions**: `run_trial` lives in a module, not in this
#    notebook. On macOS and Windows a new process does not
#    inherit the notebook's memory (the 'spawn' start method): it imports the
#    function by name, and a function defined in a notebook has no module to
#    be imported from.
# 4. **One seed per trial**: `np.random.SeedSequence(SEED).spawn(100)` makes
#    100 child seeds that are statistically independent of each other. Trial
#    $i$ always gets child $i$, so its result does not depend on which worker
#    runs it, or when. Seeding trial $i$ with `SEED + i` would also be
#    reproducible, but two searches would then share seeds (trial 1 of a
#    search seeded 0 is trial 0 of a search seeded 1); `spawn` derives
#    streams that are independent by construction.
#
# **Predict before you run.** $\eta$ is drawn from four decades,
# $10^{-6}$ to $10^{-2}$. About how many of the 100 trials will have
# $\eta \geq 10^{-3}$?

# %%
N_TRIALS = 100
coarse_trials = random_trials(N_TRIALS, ORIGINAL_SPACE, seed=SEED)   # children of SeedSequence(SEED).spawn(100)
coarse = run_search(coarse_trials, problem)                           # in parallel, one worker per core
print("trials with η ≥ 1e-3:", sum(r["lr"] >= 1e-3 for r in coarse), "of", len(coarse))

# %% [markdown]
# About a quarter, one decade of four. Now the promise: the parallel search
# gives the same results as a sequential one, bit for bit. Each trial does the
# same arithmetic in the same order wherever it runs: same seed, same code,
# one BLAS thread. (With a different number of BLAS threads, sums inside a
# matrix product are added in a different order, and the last digits
# change.) A sequential rerun
# of all 100 trials would take about as long as everything else in this
# chapter, so we rerun the first 10 in this process, one after the other, and
# compare everything — settings, final accuracies and the 51-point curves.
# (Exercise 5 invites you to check all 100.)

# %%
N_CHECK = 10
sequential = run_search(coarse_trials[:N_CHECK], problem, workers=1)   # same function, no pool
assert sequential == coarse[:N_CHECK]                                   # every number identical, curves included
assert format_table(sequential) == format_table(coarse[:N_CHECK])      # so the two tables are equal
print(f"parallel and sequential results of trials 0-{N_CHECK - 1} are identical:", sequential == coarse[:N_CHECK])

# %% [markdown]
# ## 4. Reading the results
#
# The five trials with the best final validation accuracy, and the sixth
# for comparison. Accuracies come out of training, so they print as ``≈``
# numbers: on another computer the last digit may differ (see the README).
# Which trial is first, second or third among near-equal scores can differ
# too, so we list the five best in trial order, and we check that the fifth
# is clearly ahead of the sixth, by more than any such wobble: then every
# machine finds the same five.

# %%
# NBVAL_TOLERANCE abs=0.03
ranked = sort_results(coarse)
top5 = sorted(ranked[:5], key=lambda r: r["trial"])
lead = ranked[4]["val_acc"] - ranked[5]["val_acc"]
assert lead > 0.04, lead                   # the best five are clearly ahead of the rest
print(format_table(top5, ranked=False))
print("the sixth best:", approx(ranked[5]["val_acc"], 2), " lead of the fifth over it:", approx(lead, 2))

# %% [markdown]
# Every one of them has a learning rate near the upper end of the range.
# We check that, and we check the other side: how well did the trials with
# $\eta < 10^{-3}$ do?

# %%
# NBVAL_TOLERANCE abs=0.03
top5_lr = sorted(r["lr"] for r in top5)
assert all(lr >= 1e-3 for lr in top5_lr), top5_lr          # all of the top 5 trials have η ≥ 1e-3
best_small_lr = max(r["val_acc"] for r in coarse if r["lr"] < 1e-3)
assert best_small_lr < 0.3                                  # with η < 1e-3, 200 steps barely beat guessing (0.1)
print("η of the top 5, smallest first:", [float(f"{lr:.2e}") for lr in top5_lr])
print("best validation accuracy with η < 1e-3:", approx(best_small_lr, 2))

# %% [markdown]
# With only 200 updates, a small learning rate has no time to get anywhere.
# The learning curves of the best 20 trials show more (validation solid,
# training dashed):

# %%
best20 = sort_results(coarse)[:20]
fig, axes = small_multiples(20, ncols=5, size=2.3)
for rank, (ax, r) in enumerate(zip(axes, best20), 1):
    epochs = np.arange(len(r["val_curve"]))
    ax.plot(epochs, r["val_curve"], color=color("validation"), label="validation")
    ax.plot(epochs, r["train_curve"], "--", color=color("train"), label="training")
    ax.set_title(f"#{rank}  η={r['lr']:.1e}  λ={r['weight_decay']:.0e}", fontsize=8)
    ax.set_ylim(0, 1)
for ax in axes[15:]:
    ax.set_xlabel("epoch")
for ax in axes[::5]:
    ax.set_ylabel("accuracy")
axes[0].legend(fontsize=7, loc="upper left")
fig.suptitle("The best 20 of 100 random trials: accuracy after each epoch")
fig.tight_layout()
save_figure(fig, "05_best_curves")
plt.show()

# %% [markdown]
# Three things to see. The best trials are still climbing at epoch 50: a
# larger $\eta$ (or more epochs) would help. We check it for the top five
# (one image of the 100 is one point of accuracy, so we check their mean gain):

# %%
# NBVAL_TOLERANCE abs=0.03
climb = float(np.mean([r["val_curve"][50] - r["val_curve"][40] for r in top5]))
assert climb > 0.03, climb    # on average the top 5 gain more than 3 points between epochs 40 and 50
print("validation accuracy of the top 5 (by trial), epoch 40 -> 50:",
      {r["trial"]: (approx(r["val_curve"][40], 2), approx(r["val_curve"][50], 2)) for r in top5})
print("mean gain over those 10 epochs:", approx(climb, 2))

# %% [markdown]
# The gap between training and
# validation opens as accuracy rises: 400 images are easy to
# memorise. Further down, curves that start late or stay flat belong to
# smaller learning rates.
#
# The scatter plot shows all 100 trials in the search space, one dot each,
# coloured by validation accuracy:

# %%
log_lr = np.log10([r["lr"] for r in coarse])
log_wd = np.log10([r["weight_decay"] for r in coarse])
val = np.array([r["val_acc"] for r in coarse])
top = np.argsort(-val, kind="stable")[:5]

fig, ax = plt.subplots(figsize=FIGSIZE)
points = ax.scatter(log_lr, log_wd, c=val, cmap="viridis", vmin=0, vmax=1, s=30)
ax.scatter(log_lr[top], log_wd[top], s=120, facecolors="none", edgecolors="red", label="top 5")
ax.axvline(-3, color="grey", linestyle=":", label="η = 1e-3")
fig.colorbar(points, ax=ax, label="validation accuracy")
ax.set_xlabel("log10 learning rate η")
ax.set_ylabel("log10 weight decay λ")
ax.set_title("Random search: 100 trials")
ax.legend(loc="lower left", fontsize=8)
save_figure(fig, "05_random_search_scatter")
plt.show()

# %% [markdown]
# The colour changes from left to right, hardly from bottom to top: in this
# range **the learning rate decides, the weight decay barely matters**. A
# correlation over the 100 trials puts a number on it:

# %%
# NBVAL_TOLERANCE abs=0.05
corr_lr = float(np.corrcoef(log_lr, val)[0, 1])
corr_wd = float(np.corrcoef(log_wd, val)[0, 1])
assert corr_lr > 0.6 and abs(corr_wd) < 0.2      # accuracy follows log η, not log λ
print("correlation of validation accuracy with log η:", approx(corr_lr, 2), " with log λ:", approx(corr_wd, 2))

# %% [markdown]
# $\lambda \leq 10^{-4}$ is simply too small to matter here: the penalty
# $\frac{\lambda}{2}\sum\lVert W\rVert^2$ adds at most about 0.1 to a loss
# near 1, and its pull on the weights, $\lambda W$ per step, is tiny over 200
# steps. Keep this in mind for section 6.
#
# ## 5. Coarse to fine
#
# The first search was *coarse*: wide ranges, to find the region worth
# looking at. A second, *fine* search spends the next trials in that region.
# A simple rule: take the best 5 trials, and for each hyperparameter span
# their values, widened by half a decade on each side.
#
# The rule may reach beyond the first range, and here it should: the best
# trials crowd against the upper edge $\eta = 10^{-2}$, and their curves were
# still climbing, so the good region may continue above it. Too large a
# learning rate would make training diverge; the fine search will tell.

# %%
fine_space = narrow_space(coarse, top=5, margin=0.5)   # the same five on every machine (checked in section 4)
decades = {name: float(np.log10(high / low)) for name, (low, high) in fine_space.items()}
assert decades["lr"] < 1.5 and fine_space["lr"][1] > 1e-2     # η: about one decade, reaching past 1e-2
assert decades["weight_decay"] > 3.5                           # λ: hardly narrowed at all
print({name: (float(f"{low:.2e}"), float(f"{high:.2e}")) for name, (low, high) in fine_space.items()})

# %% [markdown]
# The fine search, and its results in four bands of $\eta$, each a quarter
# of the new range on a log scale:

# %%
# NBVAL_TOLERANCE abs=0.03
N_FINE = 50
fine = run_search(random_trials(N_FINE, fine_space, seed=SEED + 1), problem)
edges = np.geomspace(*fine_space["lr"], 5)
print(f"{'η from':>9} {'to':>9} {'trials':>6} {'best val acc':>12} {'mean val acc':>12}")
for low, high in zip(edges[:-1], edges[1:]):
    band = [r["val_acc"] for r in fine if low <= r["lr"] < high]
    print(f"{low:9.2e} {high:9.2e} {len(band):6d} {approx(max(band)):12.2f} {approx(np.mean(band)):12.2f}")

# %% [markdown]
# The range of $\eta$ shrank from four decades to about one, and moved up.
# The range of $\lambda$ did not shrink at all: its best values were spread
# over the whole range, which is what an unimportant hyperparameter looks
# like. Did the fine search pay off?

# %%
# NBVAL_TOLERANCE abs=0.06
GOOD = 0.7
coarse_share = float(np.mean([r["val_acc"] >= GOOD for r in coarse]))
fine_share = float(np.mean([r["val_acc"] >= GOOD for r in fine]))
coarse_best, fine_best = sort_results(coarse)[0]["val_acc"], sort_results(fine)[0]["val_acc"]
assert fine_share > 3 * coarse_share          # far more fine trials land in the good region
assert fine_best > coarse_best                # and the best of them beats the coarse search's best
print(f"share of trials with validation accuracy ≥ {GOOD}: coarse", approx(coarse_share, 2),
      " fine", approx(fine_share, 2))
print("best validation accuracy: coarse", approx(coarse_best, 2), " fine", approx(fine_best, 2))

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
fine_lr = np.log10([r["lr"] for r in fine])
fine_wd = np.log10([r["weight_decay"] for r in fine])
fine_val = np.array([r["val_acc"] for r in fine])
(lr_low, lr_high), (wd_low, wd_high) = (np.log10(fine_space[name]) for name in ("lr", "weight_decay"))
ax1.scatter(log_lr, log_wd, c="lightgrey", s=20, label="coarse (100 trials)")
points = ax1.scatter(fine_lr, fine_wd, c=fine_val, cmap="viridis", vmin=0, vmax=1, s=25, label="fine (50 trials)")
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
save_figure(fig, "05_coarse_to_fine")
plt.show()

# %% [markdown]
# On the right, accuracy keeps rising with $\eta$ past $10^{-2}$ and levels
# off around 0.8; no trial above $10^{-2}$ diverged:

# %%
# NBVAL_TOLERANCE abs=0.03
above = [r for r in fine if r["lr"] > 1e-2]
worst_above = min(r["val_acc"] for r in above)
assert worst_above > 0.7               # every fine trial with η > 1e-2 trained well: none diverged
print(len(above), "fine trials with η > 1e-2; their validation accuracy: worst", approx(worst_above, 2),
      " mean", approx(np.mean([r["val_acc"] for r in above]), 2))

# %% [markdown]
# The best fine trials are close. With 100 validation images one image is
# one percentage point, and the standard error of an accuracy $p$ measured
# on $n$ images is $\sqrt{p(1-p)/n}$, about 0.035 here. Two such accuracies
# differ by chance with a standard error $\sqrt 2$ times larger, about 0.05,
# and a difference counts as significant only beyond about two of those,
# 0.1. The best five differ by far less:

# %%
# NBVAL_TOLERANCE abs=0.03
top5_val = [r["val_acc"] for r in sort_results(fine)[:5]]
p = top5_val[0]
standard_error = float(np.sqrt(p * (1 - p) / len(t_val)))
significant = 2 * np.sqrt(2) * standard_error
assert max(top5_val) - min(top5_val) < significant - 0.04   # no difference among the top 5 is significant
print("top 5 validation accuracies:", [approx(v, 2) for v in top5_val],
      " standard error:", approx(standard_error, 3), " significant difference:", approx(significant, 2))

# %% [markdown]
# And this standard error counts only one kind of chance: which 100 images
# happen to be in the validation set. Training adds another. The same setting
# trained again with another seed (other initial weights, another order of
# mini-batches) ends with another score. We can measure that second kind
# directly: train each of the five best settings again, from 5 fresh seeds
# each, on the same training and validation images. Only the seed changes.
#
# **Predict before you run.** Will the five settings keep their scores? Will
# the best one stay best?

# %%
# NBVAL_TOLERANCE abs=0.03
N_RESEEDS = 5
top5 = sort_results(fine)[:5]
children = np.random.SeedSequence(SEED + 5).spawn(len(top5) * N_RESEEDS)   # fresh seeds, none used before
reseeded_trials = [Trial(i, child, fixed={"lr": top5[i // N_RESEEDS]["lr"],
                                          "weight_decay": top5[i // N_RESEEDS]["weight_decay"]})
                   for i, child in enumerate(children)]
reseeded_val = np.array([r["val_acc"] for r in run_search(reseeded_trials, problem)]).reshape(len(top5), N_RESEEDS)
first_val = np.array([r["val_acc"] for r in top5])
seed_spread = float(reseeded_val.std(axis=1, ddof=1).mean())     # one setting, five seeds
print(f"{'rank in the search':>18} {'score in the search':>20} {'mean of 5 new seeds':>20} {'lowest':>7} {'highest':>8}")
for rank, (first, again) in enumerate(zip(first_val, reseeded_val), 1):
    print(f"{rank:>18} {approx(first):>20.2f} {approx(again.mean()):>20.2f} {approx(again.min()):>7.2f} "
          f"{approx(again.max()):>8.2f}")
print("spread of one setting's score over seeds (standard deviation, mean over the five):", approx(seed_spread, 3))
print(f"mean score of the five: in the search {approx(first_val.mean()):.2f}, "
      f"on new seeds {approx(reseeded_val.mean()):.2f}")
assert seed_spread > 0.01                                  # training noise is real: the seed moves the score
assert reseeded_val.mean() < first_val.mean() - 0.02       # chosen as the best, they score lower on new seeds
assert np.ptp(reseeded_val.mean(axis=1)) < significant      # the five remain indistinguishable

# %% [markdown]
# Trained again, the five settings score lower on average than they did in
# the search. Nothing about them changed but the seed: they were chosen
# *because* their first score was high, and part of a high score is luck,
# which a new seed does not repeat. This is the **optimism of choosing**,
# measured on the same images with everything else fixed. Their means on
# the new seeds stay within a few points of each other, and the first-placed
# setting need not come first again. The search has found a good *region*;
# which trial wins inside it is partly luck.
#
# ## 6. Random search or grid search?
#
# The obvious alternative to random search is a grid: with a budget of 25
# trials, 5 values of $\eta$ times 5 values of $\lambda$. Bergstra & Bengio
# (2012) showed why random search usually wins. When only some
# hyperparameters matter (here: $\eta$), a $5 \times 5$ grid tries only **5
# distinct values** of the one that matters, each 5 times over with
# different values of one that doesn't. Random search with the same 25 trials
# tries **25 distinct values** of every hyperparameter.
#
# For a fair comparison both get the same box. The grid takes the centres of
# 5 equal cells of each range on a log scale, so that each grid point stands
# for an equal share of the box, as each random point does on average. (A
# grid through the end points would put one column exactly on the edge
# $\eta = 10^{-2}$; here that happens to be where the good values are, but a
# search cannot count on that.) For the random side we need no new trials:
# the first 25 trials of our coarse search *are* a random search of 25 trials,
# since each trial was drawn on its own.
#
# **Predict before you run.** Which will find the better validation accuracy?

# %%
N_BUDGET = 25
grid = {"lr": log_grid(*ORIGINAL_SPACE["lr"], 5), "weight_decay": log_grid(*ORIGINAL_SPACE["weight_decay"], 5)}
grid_results = run_search(grid_trials(grid, seed=SEED + 2), problem)
random_results = coarse[:N_BUDGET]             # a random search of its own, with the same budget
assert len(grid_results) == len(random_results) == N_BUDGET
print("grid values of η:", [float(f"{lr:.2e}") for lr in grid["lr"]])

# %%
# NBVAL_TOLERANCE abs=0.03
distinct = {name: len({r["lr"] for r in results}) for name, results in
            (("grid", grid_results), ("random", random_results))}
best = {name: float(sort_results(results)[0]["val_acc"]) for name, results in
        (("grid", grid_results), ("random", random_results))}
assert distinct["random"] > distinct["grid"]   # random search tries more distinct η values at the same budget
assert best["random"] > best["grid"]           # and here it found the better setting
print("distinct values of η tried:", distinct)
print("best validation accuracy:", {k: approx(v, 2) for k, v in best.items()})

# %%
GRID_COLOR, RANDOM_COLOR = "#1f77b4", "#d62728"
fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.0))
for ax, name, results, c in ((axes[0], "grid", grid_results, GRID_COLOR),
                             (axes[1], "random", random_results, RANDOM_COLOR)):
    x = np.log10([r["lr"] for r in results])
    y = np.log10([r["weight_decay"] for r in results])
    ax.scatter(x, y, color=c, s=30)
    ax.plot(x, np.full_like(x, -8.35), "|", color=c, markersize=12)   # the η values tried, projected
    ax.set_xlim(-6, -2)
    ax.set_ylim(-8.5, -4)
    ax.set_xlabel("log10 learning rate η")
    ax.set_ylabel("log10 weight decay λ")
    ax.set_title(f"{name} search: {N_BUDGET} trials, {distinct[name]} values of η")
for name, results, c, marker in (("grid", grid_results, GRID_COLOR, "s"),
                                 ("random", random_results, RANDOM_COLOR, "o")):
    drawn = ", trials 0-24" if name == "random" else ""   # one draw of 25 random trials from the coarse search
    axes[2].scatter(np.log10([r["lr"] for r in results]), [r["val_acc"] for r in results], color=c,
                    marker=marker, s=25, alpha=0.8, label=f"{name}{drawn} (best {best[name]:.2f})")
axes[2].set_xlabel("log10 learning rate η")
axes[2].set_ylabel("validation accuracy")
axes[2].set_ylim(0, 1)
axes[2].set_title("What each search saw")
axes[2].legend(fontsize=8)
fig.suptitle("Random against grid search at the same budget (Bergstra & Bengio 2012)")
fig.tight_layout()
save_figure(fig, "05_random_vs_grid")
plt.show()

# %% [markdown]
# The grid sees the accuracy-against-$\eta$ curve at 5 points; its best
# column, $\eta = 10^{-2.4}$, was the closest it could get to the good
# region. Each column holds 5 trials that differ only in $\lambda$, which
# hardly matters, and in the seed: 4 of every 5 grid trials repeat a value of
# $\eta$ already tried. Random search sees the curve at 25 points. The more hyperparameters
# there are, and the fewer of them matter, the larger this advantage.
#
# But the best scores above come from one comparison: one grid against one
# random search, trials 0-24. Another 25 random trials might have missed the
# good region. How often does a random search of 25 trials beat this grid? We
# need no new training to find out: the 100 coarse trials were drawn
# independently, so any 25 of them form a random search of their own. We draw
# 2000 such sets of 25 (a seeded generator picks them) and count how often
# the best of the set beats the grid's best.

# %%
# NBVAL_TOLERANCE abs=0.1
# (a tolerance for a share of draws: one coarse trial crossing the grid's best moves it by about 0.06)
N_DRAWS = 2000
coarse_val = np.array([r["val_acc"] for r in coarse])
draw_rng = np.random.default_rng(SEED + 4)
wins = [coarse_val[draw_rng.choice(N_TRIALS, size=N_BUDGET, replace=False)].max() > best["grid"]
        for _ in range(N_DRAWS)]
random_wins = float(np.mean(wins))
assert random_wins > 0.6        # most random searches of 25 trials beat the grid, well above one half
assert np.sum(coarse_val > best["grid"]) < 10   # only a handful of the 100 coarse trials beat the grid's best
print(f"share of {N_DRAWS} random searches of {N_BUDGET} trials (drawn from the 100) that beat the grid's best:",
      approx(random_wins, 2))

# %% [markdown]
# Most random searches, about three in four, beat the grid. The others drew
# none of the handful of coarse trials that scored above the grid's best. So
# "random search beats the grid" is a statement about chances: here they
# clearly favour random search, but it is no certainty.
#
# ## 7. Searching with a budget: successive halving and Hyperband
#
# Every trial so far trained for the full 50 epochs, however it looked on the
# way. The 100 coarse trials cost 5 000 epochs, and the three in four with
# $\eta < 10^{-3}$ ended near chance (section 4). A search has a **budget**,
# which we count here in epochs of training summed over all its trials, and
# it can spend it better: a little training for many settings, more only for
# those that look promising.
#
# **Successive halving** (Jamieson & Talwalkar 2016) does this in rounds
# called **rungs**. Start $n$ trials with a small budget of $r$ epochs each
# and rank them by validation accuracy. Keep the best third and train them
# on to $3r$ epochs; rank again, keep a third, train on to $9r$; and so on,
# until one trial is left or the budget reaches the most that any trial may
# get, $R$. (The papers call the factor 3 η, a letter this chapter already
# uses for the learning rate.) Rung $i$ holds $n_i = \lfloor n/3^i \rfloor$
# trials at $r_i = 3^i r$ epochs, and since a promoted trial goes on from
# where it stopped, the search costs
#
# $$E = \sum_i n_i\,(r_i - r_{i-1}) \text{ epochs},\qquad r_{-1} = 0 .$$
#
# With $n = 81$, $r = 1$ and $R = 27$ that is
# $81 \cdot 1 + 27 \cdot 2 + 9 \cdot 6 + 3 \cdot 18 = 243$ epochs: a look at
# 81 settings for the price of 9 trials of 27 epochs. Every rung after the
# first costs the same 54 epochs, a third of the trials each trained three
# times as long.
#
# We need no new training to try it. Every coarse trial recorded its
# validation accuracy after each epoch (its `val_curve`, the curves of
# section 4), so we can replay successive halving on those curves and see
# what it would have kept and what it would have spent. Here is the
# algorithm as a short loop. The book's tested version is
# `successive_halving` in `common/experiments/halving.py`; the rest of the
# chapter uses that one, and we check that the two agree on the chapter's
# curves.

# %%
def halving(curves, budget, factor, max_epochs):
    """Successive halving on recorded curves: (winner, epochs spent, [(epochs, trials) per rung])."""
    alive, trained, spent, rungs = list(range(len(curves))), 0, 0, []
    while True:
        spent += len(alive) * (budget - trained)                       # each one trains on from where it stopped
        rungs.append((budget, alive))
        ranked = sorted(alive, key=lambda i: (-curves[i][budget], i))  # best first at this budget; ties: lower index
        if len(alive) == 1 or budget == max_epochs:
            return ranked[0], spent, rungs
        alive = sorted(ranked[:max(1, len(alive) // factor)])         # keep the best third (at least one)
        trained, budget = budget, min(budget * factor, max_epochs)


coarse_curves = [r["val_curve"] for r in coarse]    # 51 accuracies per trial: before training, then after each epoch
for first_budget, max_epochs in ((1, 27), (3, 27), (9, 27), (2, 50)):
    library = successive_halving(coarse_curves, first_budget, 3, max_epochs=max_epochs)
    assert halving(coarse_curves, first_budget, 3, max_epochs) == (
        library.winner, library.epochs_spent, [(rung.epochs, list(rung.trials)) for rung in library.rungs])
print("the loop above and common.experiments.halving.successive_halving agree on the 100 coarse curves")

# %% [markdown]
# We replay it on the first 81 coarse trials, a random search of 81 trials
# in its own right (each trial was drawn on its own), with $R = 27 = 3^3$
# epochs. The curves go on to 50, but with a power of 3 every rung lands on
# a whole epoch: 1, 3, 9, 27. In this section every trial is judged by its
# validation accuracy after 27 epochs, random ones included.
#
# **Predict before you run.** After one epoch (four updates of SGD) the
# curves of section 4 have hardly left chance. Will successive halving still
# find the best of the 81 trials?

# %%
R, FACTOR, N_HALVING = 27, 3, 81
curves_R = np.array([r["val_curve"][:R + 1] for r in coarse])     # each trial's accuracy after 0, 1, ..., 27 epochs
halved = successive_halving(curves_R[:N_HALVING], 1, FACTOR)       # from 1 epoch; the budget stops at R = 27
print(f"{'rung':>4} {'trials':>6} {'epochs each':>11} {'epochs trained in this rung':>28}")
previous = 0
for i, rung in enumerate(halved.rungs):
    print(f"{i:>4} {len(rung.trials):>6} {rung.epochs:>11} {len(rung.trials) * (rung.epochs - previous):>28}")
    previous = rung.epochs
assert halved.epochs_spent == 243 == 9 * R
print(f"epochs trained: {halved.epochs_spent} = {halved.epochs_spent // R} trials of {R} epochs, for {N_HALVING} settings")

# %%
# NBVAL_TOLERANCE abs=0.03
final_R = curves_R[:N_HALVING, R]                # the accuracy of each of the 81 after 27 epochs
picked = final_R[halved.winner]                  # the winner's accuracy at its final budget, 27 epochs
assert picked == final_R.max()                   # successive halving kept the best of the 81 to the end
print("successive halving's pick after 27 epochs:", approx(picked, 2),
      " the best of all 81 after 27 epochs:", approx(final_R.max(), 2))

# %% [markdown]
# It did, for 243 epochs instead of the $81 \times 27 = 2\,187$ that
# training every trial to the end would cost. The figure shows how
# (`images/05_successive_halving.png`): each line is one trial, solid while it
# was being trained, dotted after it was dropped. The dotted parts are what
# successive halving never sees; we know them only because the coarse search
# trained every trial to the end.

# %%
reached = {i: max(rung.epochs for rung in halved.rungs if i in rung.trials) for i in range(N_HALVING)}
top5_R = np.argsort(-final_R, kind="stable")[:5]   # the five best of the 81 after 27 epochs
RUNG_COLORS = {1: "#c7c7c7", 3: "#9ecae1", 9: "#3182bd", 27: "#08306b"}
epochs_R = np.arange(R + 1)
fig, ax = plt.subplots(figsize=FIGSIZE_WIDE)
for i in sorted(range(N_HALVING), key=lambda i: reached[i]):   # the survivors last, on top
    last = reached[i]
    c = "red" if i == halved.winner else RUNG_COLORS[last]
    ax.plot(epochs_R[:last + 1], curves_R[i, :last + 1], color=c, lw=2.5 if i == halved.winner else 1.0)
    if last < R:
        dropped_top = i in top5_R
        ax.plot(epochs_R[last:], curves_R[i, last:], ":", color="#ff7f0e" if dropped_top else c,
                lw=1.5 if dropped_top else 0.8, alpha=1.0 if dropped_top else 0.4)
for rung in halved.rungs:
    ax.axvline(rung.epochs, color="grey", lw=0.8, linestyle="--")
    ax.text(rung.epochs, 0.97, f" {len(rung.trials)} trials", fontsize=8, va="top")
handles = [plt.Line2D([], [], color=RUNG_COLORS[e], label=f"dropped after {e} epoch{'s' if e > 1 else ''}")
           for e in (1, 3, 9)]
handles += [plt.Line2D([], [], color=RUNG_COLORS[27], label="trained to 27 epochs"),
            plt.Line2D([], [], color="red", lw=2.5, label="the pick"),
            plt.Line2D([], [], color="#ff7f0e", linestyle=":", label="dropped, yet among the 5 best at 27 epochs")]
ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.62, 0.98))
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_ylim(0, 1)
ax.set_title("Successive halving replayed on 81 recorded trials: 81 → 27 → 9 → 3, 243 epochs")
fig.tight_layout()
save_figure(fig, "05_successive_halving")
plt.show()

# %% [markdown]
# The pick survived the first rung, but the first rung could hardly tell.
# Half of the coarse trials have a learning rate so small that their
# network does not change a single prediction in 27 epochs: the curve is
# flat, at whatever accuracy its random initial weights happened to give,
# from about 0.04 to 0.19. After one epoch, such a lucky untrained network
# outranks a good setting that has not got going yet, and the cut went
# through the middle of them: some of the five best trials at 27 epochs
# (orange) were dropped there. How much does an early score say about the
# score after 27 epochs? The correlation over the 100 trials, the flat
# curves, and the five best with their first and last scores:

# %%
# NBVAL_TOLERANCE abs=0.05
agreement = {e: float(np.corrcoef(curves_R[:, e], curves_R[:, R])[0, 1]) for e in (1, 3, 9)}
assert agreement[1] < 0.4 and agreement[9] > 0.7        # one epoch says little, nine say a lot
print("correlation of the accuracy after e epochs with the accuracy after 27:",
      {e: approx(value, 2) for e, value in agreement.items()})
flat = np.ptp(curves_R, axis=1) == 0                     # not one prediction changed in 27 epochs
assert 0.3 < flat.mean() < 0.7 and curves_R[flat, 0].max() > 0.15   # about half; some start well above 0.1
print("share of the 100 trials with a flat curve:", approx(flat.mean(), 2), " their accuracy: from",
      approx(curves_R[flat, 0].min(), 2), "to", approx(curves_R[flat, 0].max(), 2))
finalists = halved.rungs[-1].trials
assert any(coarse[i]["lr"] < 1e-4 for i in finalists)   # one of the three trained to 27 epochs has η < 1e-4
print("accuracy after 27 epochs of the 3 trials trained that far:",
      sorted((approx(curves_R[i, R], 2) for i in finalists), reverse=True))
sorted_R = np.sort(final_R)[::-1]
assert sorted_R[4] - sorted_R[5] > 0.04                  # the five best are clearly ahead: the same five everywhere
dropped_first = [i for i in top5_R if i not in halved.rungs[1].trials]
assert len(dropped_first) >= 1                           # some of the five best were dropped after one epoch
print(f"{'trial':>5} {'η':>9} {'after 1 epoch':>13} {'after 27 epochs':>15}")
for i in sorted(top5_R):
    print(f"{i:>5} {coarse[i]['lr']:>9.2e} {approx(curves_R[i, 1]):>13.2f} {approx(curves_R[i, R]):>15.2f}")
assert curves_R[top5_R, 1].max() < curves_R[flat, 0].max()   # after one epoch, below the luckiest flat curve

# %% [markdown]
# Look at the accuracies after one epoch: 0.11 to 0.15, within a few images
# of each other and below the best flat curves. And of the three trials that
# successive halving trained to 27 epochs, one has $\eta < 10^{-4}$: a
# network that never learned, kept for the luck of its initial weights.
#
# This is the weakness of successive halving: a **slow starter** is judged
# by its first epochs and can be dropped, though it would have ended among
# the best, while a lucky non-starter goes on. On this problem the first
# epochs say little (a correlation of about 0.2 after one epoch, 0.8 after
# nine), because every curve starts flat. A larger first budget judges
# better but saves less. Is the saving worth the risk? As in section 6, we
# ask the 100 recorded trials: we draw
# 2000 sets of 81 of them, run successive halving on each, and give random
# search the same number of epochs, in trials of 27 epochs, drawn from the
# same 100. Both report the accuracy after 27 epochs of the trial they pick.
#
# **Predict before you run.** Which first budget, 1, 3 or 9 epochs, beats
# random search most often?

# %%
# NBVAL_TOLERANCE abs=0.1
# (shares of 2000 draws; one trial's score moving by an image moves a share by a few hundredths)
N_BUDGET_DRAWS = 2000
halving_draws = {}
for first_budget in (1, 3, 9):
    budget_rng = np.random.default_rng(SEED + 6)          # the same 2000 sets of 81 for every first budget
    picks, randoms, found = [], [], []
    for _ in range(N_BUDGET_DRAWS):
        subset = budget_rng.choice(N_TRIALS, size=N_HALVING, replace=False)
        outcome = successive_halving(curves_R[subset], first_budget, FACTOR)
        picks.append(curves_R[subset[outcome.winner], R])
        found.append(picks[-1] == curves_R[subset, R].max())
        same_epochs = budget_rng.choice(N_TRIALS, size=outcome.epochs_spent // R, replace=False)
        randoms.append(curves_R[same_epochs, R].max())
    picks, randoms = np.array(picks), np.array(randoms)
    halving_draws[first_budget] = {"epochs": outcome.epochs_spent, "found": float(np.mean(found)),
                                   "better": float(np.mean(picks > randoms)), "tie": float(np.mean(picks == randoms)),
                                   "worse": float(np.mean(picks < randoms)), "picks": picks, "randoms": randoms}
print(f"{'first':>5} {'epochs':>6} {'random':>6} {'found the best':>14} {'halving':>7} {'tie':>5} {'random':>6}"
      f" {'mean best':>9} {'mean best':>9}")
print(f"{'epoch':>5} {'':>6} {'trials':>6} {'of its 81':>14} {'better':>7} {'':>5} {'better':>6}"
      f" {'halving':>9} {'random':>9}")
for first_budget, d in halving_draws.items():
    print(f"{first_budget:>5} {d['epochs']:>6} {d['epochs'] // R:>6} {approx(d['found']):>14.2f} "
          f"{approx(d['better']):>7.2f} {approx(d['tie']):>5.2f} {approx(d['worse']):>6.2f} "
          f"{approx(d['picks'].mean()):>9.2f} {approx(d['randoms'].mean()):>9.2f}")
h1, h3, h9 = (halving_draws[b] for b in (1, 3, 9))
assert (h1["epochs"], h3["epochs"], h9["epochs"]) == (243, 567, 1215)
assert 0.5 < h1["found"] < 1                                      # from 1 epoch: the best of its 81 in most draws
assert h1["better"] > 0.6 and h1["better"] > 4 * h1["worse"]     # from 1 epoch: far more often better than random
assert h1["found"] < h3["found"] - 0.05 and h3["found"] <= h9["found"]   # a later first rung judges better...
assert h9["better"] < h1["better"] - 0.2                          # ...but costs more, and random search catches up

# %% [markdown]
# From one epoch, successive halving picked a better trial than random
# search at the same cost in about four draws of five, and a worse one in
# about one of ten: it looked at 81 settings where random search looked at 9.
# It found the best of its own 81 in most draws, not all: the draws where the
# best trial was a slow starter. Starting at 3 or 9 epochs finds that trial
# more often, but the search then costs 567 or 1 215 epochs, random search
# gets 21 or 45 trials for the same price, and the advantage shrinks.
#
# **Hyperband** (Li et al. 2018) declines to bet on one first budget. It
# runs successive halving several times, in **brackets**, from the most
# aggressive (many trials, judged after one epoch) to none at all (a few
# trials trained fully: random search). With $s_{\max}$ the largest $s$ such
# that $3^s \le R$, bracket $s = s_{\max}, \ldots, 0$ starts
# $n_s = \lceil \frac{s_{\max}+1}{s+1}\, 3^s \rceil$ trials at $R/3^s$
# epochs, so that every bracket costs about the same; the search returns the
# best of the brackets' winners. For $R = 27$, from
# `hyperband_brackets(27)` (`common/experiments/halving.py`):

# %%
brackets = hyperband_brackets(R, FACTOR)
print(f"{'bracket s':>9} {'trials':>6} {'first budget':>12}   {'rungs (trials × epochs)':<30} {'epochs':>6}")
hyperband_epochs = 0
for s, bracket in zip(range(len(brackets) - 1, -1, -1), brackets):
    budgets = [0] + [epochs for _, epochs in bracket.rungs]
    cost = sum(n * (epochs - before) for (n, epochs), before in zip(bracket.rungs, budgets))
    hyperband_epochs += cost
    rungs_text = " → ".join(f"{n} × {epochs}" for n, epochs in bracket.rungs)
    print(f"{s:>9} {bracket.n_trials:>6} {bracket.min_epochs:>12}   {rungs_text:<30} {cost:>6}")
print("in all:", sum(b.n_trials for b in brackets), "trials,", hyperband_epochs, "epochs")

# %% [markdown]
# Bracket 3 is the successive halving above on 27 trials; bracket 0 is a
# random search of 4 trials. We replay Hyperband on the recorded curves
# too: each draw shuffles the 100 trials and hands disjoint slices to the
# brackets (27, 12, 6 and 4 trials). Random search gets the same budget,
# rounded up to whole trials: $\lceil 357 / 27 \rceil = 14$ trials.

# %%
# NBVAL_TOLERANCE abs=0.1
hyperband_rng = np.random.default_rng(SEED + 7)
hyperband_picks, hyperband_randoms, winning_bracket = [], [], []
random_trials_same = -(-hyperband_epochs // R)                 # ceil(357 / 27) = 14
for _ in range(N_BUDGET_DRAWS):
    order, start, winners = hyperband_rng.permutation(N_TRIALS), 0, []
    for bracket in brackets:
        subset = order[start:start + bracket.n_trials]
        start += bracket.n_trials
        outcome = successive_halving(curves_R[subset], bracket.min_epochs, FACTOR)
        assert [(len(rung.trials), rung.epochs) for rung in outcome.rungs] == list(bracket.rungs)
        winners.append(curves_R[subset[outcome.winner], R])
    hyperband_picks.append(max(winners))
    winning_bracket.append(len(brackets) - 1 - int(np.argmax(winners)))     # the bracket s of the pick
    same_epochs = hyperband_rng.choice(N_TRIALS, size=random_trials_same, replace=False)
    hyperband_randoms.append(curves_R[same_epochs, R].max())
hyperband_picks, hyperband_randoms = np.array(hyperband_picks), np.array(hyperband_randoms)
hb_better = float(np.mean(hyperband_picks > hyperband_randoms))
hb_worse = float(np.mean(hyperband_picks < hyperband_randoms))
print(f"Hyperband ({hyperband_epochs} epochs) against random search ({random_trials_same} trials of {R} epochs):",
      "better", approx(hb_better, 2), " tie", approx(1 - hb_better - hb_worse, 2), " worse", approx(hb_worse, 2))
print("mean best after 27 epochs: Hyperband", approx(hyperband_picks.mean(), 2),
      " random", approx(hyperband_randoms.mean(), 2),
      " successive halving from 1 epoch (243 epochs)", approx(h1["picks"].mean(), 2))
supplied = {s: float(np.mean(np.array(winning_bracket) == s)) for s in range(len(brackets) - 1, -1, -1)}
print("share of draws in which each bracket supplied the pick:", {s: approx(v, 2) for s, v in supplied.items()})
assert min(supplied.values()) > 0.05 and max(supplied.values()) < 0.5   # every bracket sometimes, none mostly
assert hb_better > 0.5 and hb_better > hb_worse + 0.2        # Hyperband beats random search at the same budget
assert h1["picks"].mean() > hyperband_picks.mean() + 0.01     # here the aggressive bracket alone did better, cheaper

# %% [markdown]
# Hyperband beat random search at the same budget in most draws. On this
# problem, though, the most aggressive bracket alone, successive halving from
# one epoch, found better trials on average and cost 243 epochs instead of
# 357: the other brackets are insurance against misleading early scores,
# and here the insurance cost more than it paid. Every bracket supplied the
# pick in some draws, none in most, so no single first budget would have been
# safe to bet on in advance. On a problem whose early scores mislead more,
# that insurance is what keeps the search from dropping the best settings.
#
# The figure puts the numbers together: the mean best accuracy (after 27
# epochs) that random search finds for a given number of epochs, and where
# successive halving and Hyperband land at their cost
# (`images/05_budget.png`).

# %%
budget_rng = np.random.default_rng(SEED + 8)
random_trial_counts = np.arange(1, 51)
random_best = np.array([[curves_R[budget_rng.choice(N_TRIALS, size=k, replace=False), R].max()
                         for _ in range(500)] for k in random_trial_counts])
SH_COLOR, HYPERBAND_COLOR = "#2ca02c", "#9467bd"
fig, ax = plt.subplots(figsize=FIGSIZE)
ax.plot(random_trial_counts * R, random_best.mean(axis=1), color=RANDOM_COLOR, label="random search (mean of 500 draws)")
ax.fill_between(random_trial_counts * R, *np.percentile(random_best, [25, 75], axis=1), color=RANDOM_COLOR,
                alpha=0.15, label="random search, middle half of the draws")
points = [(f"successive halving from {b} epoch" + ("s" if b > 1 else ""), halving_draws[b]["epochs"],
           halving_draws[b]["picks"], marker, SH_COLOR) for b, marker in ((1, "o"), (3, "s"), (9, "D"))]
points.append(("Hyperband", hyperband_epochs, hyperband_picks, "*", HYPERBAND_COLOR))
for label, epochs, picks, marker, c in points:
    ax.vlines(epochs, *np.percentile(picks, [25, 75]), color=c, lw=1.5)     # the middle half of the 2000 draws
    ax.plot(epochs, picks.mean(), marker, color=c, markersize=11 if marker == "*" else 7, label=label)
ax.set_xscale("log")
ax.set_xlabel("epochs trained by the whole search")
ax.set_ylabel("best validation accuracy after 27 epochs")
ax.set_title("The best setting found for a budget of epochs")
ax.legend(fontsize=8, loc="upper left")
save_figure(fig, "05_budget")
plt.show()

# %% [markdown]
# ## 8. A search that learns: Optuna's TPE and the median pruner
#
# Random search draws every trial from the same distribution, whatever the
# earlier trials found: in section 5 we narrowed the range by hand. A
# **sequential model-based** search does the narrowing itself: it fits a
# model to the trials so far and draws the next one where the model expects
# good scores. **Optuna** (Akiba et al. 2019), a widely used library for
# hyperparameter search, does this by default with the **tree-structured
# Parzen estimator**, TPE (Bergstra et al. 2011). For each hyperparameter,
# say $x = \log_{10} \eta$:
#
# 1. sort the finished trials by score and split them: the best 10 % are
#    *good* (Optuna's default), the rest *bad*;
# 2. fit a density to each group: $l(x)$ to the good trials, $g(x)$ to the
#    bad ones. A Parzen estimator is a sum of small Gaussian bumps, one per
#    trial, plus a broad one over the whole range;
# 3. draw 24 candidates from $l(x)$ and run the one with the largest ratio
#    $l(x)/g(x)$: where good trials are dense and bad ones rare. Bergstra et
#    al. showed that, under this model, the largest ratio is also the
#    largest expected improvement over the score that separates good from
#    bad.
#
# The first 10 trials have nothing to learn from and are drawn at random,
# from the same log-uniform ranges as ours. After them, each trial depends on
# the scores of all trials before it, so the trials of one search run one
# after the other: we cannot hand 30 of them to 30 cores at once, as in
# section 3. (Optuna can run several trials at the same time, but each is
# then chosen without knowing the results of those still running.) What
# stays independent is whole searches with different seeds: we run 5, side
# by side, one per process.
#
# Optuna can also stop hopeless trials early, with a **pruner**. A trial
# reports its validation accuracy after every epoch, and the **median
# pruner** stops it when its best accuracy so far is below the median of the
# finished trials' accuracies after the same epoch (once 5 trials have
# finished). It is the idea of successive halving applied to one trial at a
# time, against a bar that rises as the search finds better trials. Section 7
# showed that one epoch says almost nothing here, so we give the pruner a
# **warm-up** of 5 epochs (`n_warmup_steps=5`): no trial is stopped before
# its sixth epoch. TPE counts a pruned trial among the bad ones (here it
# always is: the pruner starts only after 5 finished trials, and the good
# group holds at most 3).
#
# The objective that `optuna_search` (`common/experiments/optuna_search.py`) gives
# Optuna, in short:
#
# ```python
# def objective(trial):                                   # Optuna calls it once per trial
#     lr = trial.suggest_float("lr", 1e-6, 1e-2, log=True)  # TPE proposes, on a log scale
#     weight_decay = trial.suggest_float("weight_decay", 1e-8, 1e-4, log=True)
#     network = ...                                       # as in run_trial
#     for epoch in range(1, 51):
#         ...                                             # one epoch of SGD
#         trial.report(validation_accuracy, epoch)        # for the pruner
#         if trial.should_prune():
#             raise optuna.TrialPruned()
#     return validation_accuracy
#
# study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)
# study.optimize(objective, n_trials=30)
# ```
#
# Each search runs 30 trials, at most $30 \times 50 = 1\,500$ epochs; five
# of them take about 13 s on two cores. `optuna_search_task`
# (`common/experiments/optuna_search.py`) lets `run_parallel` hand one whole
# search to each process.
#
# **Predict before you run.** Where will TPE put its 20 trials after the
# random 10? What share of the epochs will the pruner save?

# %%
print("Optuna's defaults: random start-up trials of TPE:",
      inspect.signature(optuna.samplers.TPESampler).parameters["n_startup_trials"].default,
      " finished trials the median pruner waits for:",
      inspect.signature(optuna.pruners.MedianPruner).parameters["n_startup_trials"].default)
N_OPTUNA, OPTUNA_SEEDS, WARMUP_EPOCHS = 30, range(5), 5
optuna_tasks = [{"n_trials": N_OPTUNA, "seed": seed, "pruner": optuna.pruners.MedianPruner(n_warmup_steps=WARMUP_EPOCHS)}
                for seed in OPTUNA_SEEDS]
searches = run_parallel(optuna_search_task, optuna_tasks, shared=problem)   # five whole searches, one per process
assert [len(results) for results, _ in searches] == [N_OPTUNA] * len(OPTUNA_SEEDS)
print(f"{len(searches)} searches of {N_OPTUNA} trials, seeds {list(OPTUNA_SEEDS)}; at most",
      N_OPTUNA * problem.epochs, "epochs each")

# %% [markdown]
# On another computer the trials after the first 10 differ: each proposal
# depends on earlier scores, and one validation image more or less in one
# score changes every proposal that follows. So we look at what holds
# across the five searches, pooled: where the trials went, and what the
# pruner saved.

# %%
# NBVAL_TOLERANCE abs=0.1
STARTUP = 10
optuna_lr = np.array([[r["lr"] for r in results] for results, _ in searches])          # seeds × trials
start_share = float(np.mean(optuna_lr[:, :STARTUP] >= 1e-3))
tpe_share = float(np.mean(optuna_lr[:, STARTUP:] >= 1e-3))
assert tpe_share > 0.6 and tpe_share > 2 * start_share       # TPE moves most of its trials to η ≥ 1e-3
print("share of trials with η ≥ 1e-3: random start-up (trials 1-10)", approx(start_share, 2),
      " chosen by TPE (trials 11-30)", approx(tpe_share, 2), " (random search: 0.25)")
stopped = float(np.mean([r["pruned_at"] is not None for results, _ in searches for r in results]))
trained = np.array([epochs for _, epochs in searches])
saved = 1 - trained / (N_OPTUNA * problem.epochs)
assert 0.3 < saved.mean() < 0.7 and saved.min() > 0.2     # about half the epochs saved, a good share in every search
print("trials stopped by the pruner:", approx(stopped, 2), f" epochs saved, of {N_OPTUNA} full trials:",
      approx(saved.mean(), 2), f"(lowest of the five searches {approx(saved.min()):.2f})")

# %% [markdown]
# Of the 20 trials that TPE chose in each search, about three in four have
# $\eta \geq 10^{-3}$, three times the share of random search; and the
# pruner saved about half the epochs that 30 full trials would take. Did that find better settings? We compare each
# search's best validation accuracy (after 50 epochs, of the trials it trained
# to the end) with random search at the same budget, drawn from the 100
# coarse trials as in section 6: with the same number of trials (30, which
# costs more epochs than any Optuna search used) and with the same number
# of epochs (the search's epochs over 50, rounded up to full trials).

# %%
# NBVAL_TOLERANCE abs=0.05
optuna_best = np.array([max(r["val_acc"] for r in results if r["pruned_at"] is None) for results, _ in searches])
compare_rng = np.random.default_rng(SEED + 9)
random_same_trials = np.array([coarse_val[compare_rng.choice(N_TRIALS, size=N_OPTUNA, replace=False)].max()
                               for _ in range(N_BUDGET_DRAWS)])
random_same_epochs = np.array([[coarse_val[compare_rng.choice(N_TRIALS, size=-(-epochs // problem.epochs),
                                                              replace=False)].max() for _ in range(N_BUDGET_DRAWS)]
                               for epochs in trained])   # ceil(epochs / 50) full trials: never less than Optuna's
print(seed_summary({"Optuna, best of 30 trials": optuna_best}, digits=2))
print("random search, 30 trials:           mean best", approx(random_same_trials.mean(), 2),
      f"({N_BUDGET_DRAWS} draws from the 100 coarse trials; the best of all 100: {approx(coarse_val.max(), 2)})")
print("random search, same epochs:         mean best", approx(random_same_epochs.mean(), 2))
assert optuna_best.mean() > random_same_trials.mean() + 0.05          # better than random with as many trials,
assert np.all(optuna_best > random_same_trials.mean() + 0.02)         # in every one of the five searches,
assert trained.max() < N_OPTUNA * problem.epochs                      # for fewer epochs than 30 full trials
assert random_same_epochs.mean() < random_same_trials.mean()          # random search with Optuna's epochs: worse
assert np.all(optuna_best > random_same_epochs.mean(axis=1) + 0.05)   # each seed: better than random at its epochs

# %%
OPTUNA_COLOR = "#ff7f0e"
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
for seed_index, (results, _) in enumerate(searches):
    number = np.arange(1, N_OPTUNA + 1) + (seed_index - 2) * 0.12            # a small offset per seed
    done = np.array([r["pruned_at"] is None for r in results])
    scores = np.array([r["val_acc"] for r in results])
    ax1.scatter(number[~done], np.log10(optuna_lr[seed_index][~done]), marker="x", color="grey", s=18,
                label="stopped by the pruner" if seed_index == 0 else None)
    points = ax1.scatter(number[done], np.log10(optuna_lr[seed_index][done]), c=scores[done], cmap="viridis",
                         vmin=0, vmax=1, s=22, label="trained to the end" if seed_index == 0 else None)
fig.colorbar(points, ax=ax1, label="validation accuracy after 50 epochs")
ax1.axvline(STARTUP + 0.5, color="black", linestyle="--", lw=0.8)   # random start-up before it, TPE after it
ax1.axhline(-3, color="grey", linestyle=":", lw=0.8)
ax1.set_xlabel("trial number (5 searches)")
ax1.set_ylabel("log10 learning rate η")
ax1.set_ylim(-6, -2)
ax1.set_title("Where TPE put its trials (TPE right of the dashed line)", fontsize=10)
ax1.legend(fontsize=8, loc="lower right")
order_rng = np.random.default_rng(SEED + 10)
random_orders = np.array([np.maximum.accumulate(coarse_val[order_rng.permutation(N_TRIALS)]) for _ in range(500)])
full_epochs = np.arange(1, N_TRIALS + 1) * problem.epochs
ax2.plot(full_epochs, random_orders.mean(axis=0), color=RANDOM_COLOR, label="random search (mean of 500 orders)")
ax2.fill_between(full_epochs, *np.percentile(random_orders, [25, 75], axis=0), color=RANDOM_COLOR, alpha=0.15)
for seed_index, (results, _) in enumerate(searches):
    spent = np.cumsum([len(r["val_curve"]) - 1 for r in results])
    best_so_far = np.maximum.accumulate([r["val_acc"] if r["pruned_at"] is None else 0.0 for r in results])
    ax2.step(spent, best_so_far, where="post", color=OPTUNA_COLOR, alpha=0.8,
             label="Optuna, TPE + median pruner (5 seeds)" if seed_index == 0 else None)
ax2.set_xlim(0, 2000)
ax2.set_ylim(0, 1)
ax2.set_xlabel("epochs trained by the search")
ax2.set_ylabel("best validation accuracy so far")
ax2.set_title("Best score found against epochs spent")
ax2.legend(fontsize=8, loc="lower right")
fig.suptitle("Optuna on the chapter's problem: 5 searches of 30 trials")
fig.tight_layout()
save_figure(fig, "05_optuna")
plt.show()

# %% [markdown]
# Each of the five searches found a better setting than random search
# finds on average with the same number of trials, and spent fewer epochs
# doing so; against random search with the same epochs the lead is larger
# still (`images/05_optuna.png`, right). On the left, the first 10 trials of
# each search are spread over all four decades; after them, most trials
# crowd into the top decade, the region that section 5's fine search
# reached by hand. TPE did the coarse-to-fine step by itself.
#
# Three cautions before crediting TPE with the whole lead. First, a search
# that tries the good corner a dozen times reports the largest of a dozen
# noisy scores there: section 5 measured how optimistic such a maximum is,
# about five points on fresh seeds. Second, five searches on one problem
# with two hyperparameters, one of which hardly matters, is a small test;
# Bergstra et al. (2011) and Akiba et al. (2019) report larger ones. Third,
# TPE gives up what made random search easy: its trials must run one after
# the other, and the exact trials differ from one computer to the next.

# %% [markdown]
# ## 9. Retrain a good setting and test once
#
# The searches are over. Which single trial scored best is partly luck on
# 100 validation images (section 5), and on another computer a different
# trial of the top few may come first. So we do not crown one trial: we take
# the centre of the region that the searches found good, the geometric mean
# of $\eta$ and of $\lambda$ over the fine trials with $\eta > 10^{-2}$ (all
# of which trained well), and train that setting once more:
#
# - on **all 500 labelled images** (training + validation): the validation
#   data have done their job and are worth more as training data. With 5
#   batches per epoch instead of 4, 50 epochs now make 250 updates instead of
#   200, a small change in the direction the curves asked for;
# - with a **fresh seed**: a trial's seed is part of its luck.
#
# Then, for the first and only time, we look at the test set: 10 000 images
# the search never saw.

# %%
# NBVAL_TOLERANCE abs=0.03
region = [r for r in fine if r["lr"] > 1e-2]
lr_final = float(np.exp(np.mean(np.log([r["lr"] for r in region]))))
wd_final = float(np.exp(np.mean(np.log([r["weight_decay"] for r in region]))))
print(f"chosen: η = {lr_final:.2e}, λ = {wd_final:.2e}, the centre of the {len(region)} fine trials with η > 1e-2")
region_val = float(np.mean([r["val_acc"] for r in region]))
best_val = max(r["val_acc"] for r in coarse + fine)
print("their validation accuracy:", approx(region_val, 2), " the best of all 150 trials:", approx(best_val, 2))
x_labelled, t_labelled = np.concatenate([x_train, x_val]), np.concatenate([t_train, t_val])
rng = np.random.default_rng(SEED + 3)
final_net = MultiLayerNet(784, [100] * 6, 10, activation="relu", weight_init_std="he",
                          weight_decay_lambda=wd_final, rng=rng, dtype=np.float32)
Trainer(final_net, SGD(lr=lr_final), x_labelled, t_labelled, epochs=50, batch_size=100, rng=rng).train()
test_acc = final_net.accuracy(x_test, t_test)          # the one and only look at the test set
print("test accuracy:", approx(test_acc, 3))
assert test_acc > 0.75                                  # the chosen setting generalises well beyond chance
assert test_acc < best_val - 0.04                       # well below the best validation score of the 150 trials

# %% [markdown]
# The test accuracy is clearly below the best validation accuracy of the 150
# trials, although the final network saw 25 % more training data. That is
# what the **optimism of choosing** leads us to expect: the best of 150
# scores, each measured on 100 images after one training run, owes part of
# its lead to luck, on those images and with its seed.
#
# But this comparison illustrates the optimism; it does not measure it. Too
# much changed between the two numbers: the final network has a new seed,
# trained on 500 images instead of 400, with 250 updates instead of 200, at a
# setting (the centre of the region) that no trial used, and it was scored on
# 10 000 other images instead of 100. Each of these changes can move the
# score, by amounts we did not measure here. Section 5 measured the optimism
# properly, changing nothing but the seed: the five best settings lost about
# five points on fresh seeds. The mean over the whole
# good region is a less optimistic forecast, since it averages 17 scores
# instead of picking the largest of 150. And the number we report is
# the test accuracy: measured once, after all choices were made, it is an
# honest estimate for the network we report.
#
# ## Summary
#
# - Hyperparameters are chosen on **validation data** held out from the
#   training data (shuffle, then hold out 20 %). The **test data** are used
#   once, at the end; a score used for choosing is optimistic.
# - **Random search on a log scale** gives every decade the same number of
#   trials. On the original problem, the top 5 of 100 trials all had
#   $\eta \geq 10^{-3}$; the learning rate decided, the weight decay (up to
#   $10^{-4}$) hardly mattered.
# - **Coarse to fine**: a second search around the best trials, allowed to
#   move past the edge of the first range, put half its trials in the good
#   region and found a better setting.
# - A score used for choosing is **optimistic**: trained again from fresh
#   seeds, the five best settings scored about five points lower, and the
#   first-placed one did not come first again. The seed moves one setting's
#   score by a few points, nearly as much as the validation images do.
# - At the same budget, **random search usually beats a grid**: it tries 25
#   distinct values of the learning rate instead of 5, and about three in four
#   random searches of 25 trials found a better setting than the grid
#   (Bergstra & Bengio 2012).
# - Independent trials run **in parallel processes**, one per core. With one
#   child seed per trial (`SeedSequence.spawn`) and the worker functions in an
#   importable module, the parallel search returns exactly the results of a
#   sequential one.
# - **Successive halving** (Jamieson & Talwalkar 2016) spends a budget of
#   epochs where it pays: many trials for an epoch, the best third for three
#   times as long, and so on. Replayed on the recorded curves, it looked at 81
#   settings for the price of 9 full trials (of 27 epochs) and beat random
#   search at the same cost in about four draws of five. Its weakness: early
#   scores mislead. Here one epoch said almost nothing, some of the best
#   trials were dropped after it, and a network that never learned was kept
#   to the end. **Hyperband** (Li et al. 2018) hedges with several brackets of
#   different first budgets; it beat random search too, but on this problem
#   the aggressive bracket alone did better for less.
# - **Optuna** (Akiba et al. 2019) with **TPE** (Bergstra et al. 2011) learns
#   where to look: after 10 random trials it put about three in four trials
#   at $\eta \geq 10^{-3}$ and did the coarse-to-fine step by itself, and
#   the **median pruner** (with a warm-up of 5 epochs) saved about half the
#   epochs. In each of 5 searches of 30 trials it found a better setting
#   than random search does on average with as many trials. The price: its
#   trials run one after the other, and the exact trials differ from one
#   computer to the next.
#
# ## Exercises
#
# **Exercise 1 — sampling on a log scale by hand.** Complete
# `my_log_uniform(rng, low, high, size)` so that it returns `size` samples of
# $10^{u}$ with $u$ uniform between $\log_{10}$ `low` and $\log_{10}$
# `high`, drawing with `rng.uniform` exactly once. The self-check compares it
# with `common.experiments.random_search.log_uniform` on the same seed and checks that each
# decade gets its share.

# %% jupyter={"source_hidden": true} tags=["solution"]
def my_log_uniform(rng, low, high, size):
    # BEGIN SOLUTION
    return 10.0 ** rng.uniform(np.log10(low), np.log10(high), size)
    # END SOLUTION


# %% tags=["self-check"]
mine = my_log_uniform(np.random.default_rng(1), 1e-6, 1e-2, 20000)
reference = log_uniform(np.random.default_rng(1), 1e-6, 1e-2, size=20000)
np.testing.assert_allclose(mine, reference, rtol=1e-12)
per_decade = np.histogram(np.log10(mine), bins=[-6, -5, -4, -3, -2])[0] / mine.size
assert np.allclose(per_decade, 0.25, atol=0.02), per_decade
print("Exercise 1: correct")

# %% [markdown]
# **Exercise 2 — why not a linear scale?** If $\eta$ were drawn uniformly
# from $[10^{-6}, 10^{-2}]$, what fraction of the trials would have
# $\eta < 10^{-3}$? And what fraction with the log scale of this chapter?
# Work both out on paper and set `fraction_linear` and `fraction_log`; the
# self-check simulates 100 000 draws of each.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
fraction_linear = (1e-3 - 1e-6) / (1e-2 - 1e-6)   # the interval below 1e-3 is a tenth of the length
fraction_log = 3 / 4                               # three of the four decades
# END SOLUTION

# %% tags=["self-check"]
check_rng = np.random.default_rng(2)
linear = check_rng.uniform(1e-6, 1e-2, 100_000)
logscale = log_uniform(check_rng, 1e-6, 1e-2, size=100_000)
assert abs(fraction_linear - np.mean(linear < 1e-3)) < 0.005, fraction_linear
assert abs(fraction_log - np.mean(logscale < 1e-3)) < 0.005, fraction_log
print("Exercise 2: correct. Linear scale:", round(fraction_linear, 3), " log scale:", round(fraction_log, 3))

# %% [markdown]
# So a linear scale would put about 90 % of the trials in the top decade and
# leave the three lower decades, $10^{-6}$ to $10^{-3}$, with a tenth of the
# trials between them: a search that cannot tell $10^{-5}$ from $10^{-4}$.
#
# **Exercise 3 — coarse to fine.** Write `my_narrow_space(results, names,
# top, margin)`: sort the results by validation accuracy (best first), take
# the best `top`, and return for each name the range from the smallest to the
# largest of their values, widened by `margin` decades on each side
# (`{name: (low, high)}`). The self-check compares with
# `common.experiments.random_search.narrow_space` on this chapter's coarse search.

# %% jupyter={"source_hidden": true} tags=["solution"]
def my_narrow_space(results, names, top, margin):
    # BEGIN SOLUTION
    best = sorted(results, key=lambda r: -r["val_acc"])[:top]
    space = {}
    for name in names:
        exponents = [np.log10(r[name]) for r in best]
        space[name] = (10.0 ** (min(exponents) - margin), 10.0 ** (max(exponents) + margin))
    return space
    # END SOLUTION


# %% tags=["self-check"]
for top_k, margin in ((5, 0.5), (10, 0.25), (1, 0.1)):
    mine = my_narrow_space(coarse, ("lr", "weight_decay"), top_k, margin)
    reference = narrow_space(coarse, ("lr", "weight_decay"), top=top_k, margin=margin)
    for name in ("lr", "weight_decay"):
        np.testing.assert_allclose(mine[name], reference[name], rtol=1e-9, err_msg=f"{name}, top={top_k}")
print("Exercise 3: correct")

# %% [markdown]
# **Exercise 4 — how many trials?** Suppose the settings that are "good
# enough" fill 5 % of the search space (measured by the sampling
# distribution). Each random trial lands there with probability 0.05,
# independently. Write `trials_needed(share, confidence)`: the smallest
# number of trials $n$ such that at least one of them lands in the good
# region with probability at least `confidence`. (A well-known rule of thumb
# for 5 % and 95 % says 60 trials; it is usually traced to Alice Zheng,
# *Evaluating Machine Learning Models*, O'Reilly 2015. Your function gives the
# exact number.)

# %% jupyter={"source_hidden": true} tags=["solution"]
def trials_needed(share, confidence):
    # BEGIN SOLUTION
    # P(no hit in n trials) = (1 - share)^n <= 1 - confidence
    n = int(np.ceil(np.log(1 - confidence) / np.log(1 - share)))
    while (1 - share) ** (n - 1) <= 1 - confidence:   # guard against rounding up one too far
        n -= 1
    return n
    # END SOLUTION


# %% tags=["self-check"]
n = trials_needed(0.05, 0.95)
assert 1 - 0.95**n >= 0.95 > 1 - 0.95 ** (n - 1), n          # n trials suffice, n - 1 do not
assert trials_needed(0.5, 0.75) == 2 and trials_needed(0.1, 0.5) == 7
hits = np.random.default_rng(3).random((20000, n)) < 0.05     # 20000 simulated searches of n trials
assert np.mean(hits.any(axis=1)) > 0.94
print("Exercise 4: correct.", n, "random trials find the best 5 % with probability", round(1 - 0.95**n, 3))

# %% [markdown]
# **Exercise 5 — why one seed per trial?** Section 3 showed that the
# parallel search gives the sequential results, for the first 10 trials. (To
# check all 100, about 30 s on one core, uncomment the first lines of the
# self-check.) This holds because every trial makes its generator from its own
# seed. Suppose instead that all the trials a worker runs drew from one
# generator, made once per worker. Find out what would change, on a problem
# small enough to run in a blink: `tiny_trial(rng)` below is a trial in
# miniature, which draws $\eta$ on a log scale, then takes 20 noisy gradient
# steps on $w^2/2$.
#
# 1. Write `run_tiny_trials(order, shared)`: run the trials whose indices are
#    listed in `order`, one after the other, and return `{index: result}`.
#    With `shared=False`, trial `i` makes its own generator,
#    `np.random.default_rng(TINY_SEEDS[i])`. With `shared=True`, one
#    generator, `np.random.default_rng(SEED)`, made once per call, serves the
#    trials in turn.
# 2. Run trials 0 and 1 in the order `[0, 1]`, as a sequential search does,
#    and in the order `[1, 0]`, as a pool's schedule might, once with each kind
#    of generator. Set `same_with_own_seeds` and `same_with_shared` to whether
#    the two orders gave the same results.
#
# Which kind of generator lets a parallel run give the sequential results,
# and why?

# %%
TINY_SEEDS = np.random.SeedSequence(SEED).spawn(2)   # one child seed per tiny trial


def tiny_trial(rng):
    """A trial in miniature: draw η on a log scale, take 20 noisy gradient steps on w²/2; return (η, w)."""
    lr = log_uniform(rng, 1e-2, 1)
    w = float(rng.normal())                           # the "initial weight"
    for _ in range(20):
        w -= lr * (w + 0.1 * float(rng.normal()))     # the gradient of w²/2 is w; the noise plays the mini-batch
    return lr, w


# %% jupyter={"source_hidden": true} tags=["solution"]
def run_tiny_trials(order, shared):
    # BEGIN SOLUTION
    one_generator = np.random.default_rng(SEED)
    results = {}
    for index in order:
        rng = one_generator if shared else np.random.default_rng(TINY_SEEDS[index])
        results[index] = tiny_trial(rng)
    return results
    # END SOLUTION


# BEGIN SOLUTION
same_with_own_seeds = run_tiny_trials([0, 1], shared=False) == run_tiny_trials([1, 0], shared=False)
same_with_shared = run_tiny_trials([0, 1], shared=True) == run_tiny_trials([1, 0], shared=True)
# Own seeds: a trial's numbers come from its own generator, whatever ran before it, so any order and any
# worker give the sequential results. A shared generator hands out its numbers in the order the trials run:
# the first trial to run gets the first numbers. In a pool that order depends on the schedule, so a trial's
# η, initial weights and mini-batches would depend on which trials its worker ran before it.
# END SOLUTION

# %% tags=["self-check"]
# To check all 100 trials of section 3, uncomment the next two lines (about 30 s on one core):
# assert run_search(coarse_trials, problem, workers=1) == coarse
# print("all 100 trials identical")
reference_own = {i: tiny_trial(np.random.default_rng(seed)) for i, seed in enumerate(TINY_SEEDS)}
reference_generator = np.random.default_rng(SEED)
reference_first, reference_second = tiny_trial(reference_generator), tiny_trial(reference_generator)
assert run_tiny_trials([0, 1], shared=False) == reference_own, "shared=False: trial i uses default_rng(TINY_SEEDS[i])"
assert run_tiny_trials([1], shared=False) == {1: reference_own[1]}, "shared=False: trial i uses default_rng(TINY_SEEDS[i])"
assert run_tiny_trials([0, 1], shared=True) == {0: reference_first, 1: reference_second}, \
    "shared=True: make default_rng(SEED) once per call; each trial continues where the previous one stopped"
assert run_tiny_trials([1], shared=True) == {1: reference_first}, \
    "shared=True: the first trial to run draws the generator's first numbers"
in_both_orders = {shared: run_tiny_trials([1, 0], shared) == run_tiny_trials([0, 1], shared) for shared in (False, True)}
assert same_with_own_seeds == in_both_orders[False], "same_with_own_seeds: do orders [0, 1] and [1, 0] agree?"
assert same_with_shared == in_both_orders[True], "same_with_shared: do orders [0, 1] and [1, 0] agree?"
print("Exercise 5: correct")

# %% [markdown]
# ## Terms introduced in this chapter
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | hyperparameter | ハイパーパラメータ | 超参数 | a setting chosen before training (learning rate, weight decay, layer sizes), not learned from the data |
# | training data | 訓練データ | 训练数据 | the samples the weights are fitted on |
# | test data | テストデータ | 测试数据 | samples kept unseen until the end, for one honest estimate of performance |
# | trial | 試行 | 试验 | one training run with one setting of the hyperparameters |
# | random search | ランダムサーチ | 随机搜索 | choosing each trial's hyperparameters at random from given distributions |
# | grid search | グリッドサーチ | 网格搜索 | trying every combination of a few fixed values per hyperparameter |
# | log scale (log-uniform sampling) | 対数スケール（対数一様分布） | 对数尺度（对数均匀采样） | drawing the exponent uniformly, so that every decade gets the same share of trials |
# | coarse-to-fine search | 粗密探索 | 由粗到精搜索 | a wide first search, then a narrower one around the best trials |
# | search space | 探索空間 | 搜索空间 | the ranges (and distributions) the hyperparameters are drawn from |
# | seed sequence | シードシーケンス | 种子序列 | numpy's tool to derive many independent child seeds from one seed |
# | worker process | ワーカープロセス | 工作进程 | a separate process of a pool that runs trials in parallel |
# | selection bias (optimism of the winner) | 選択バイアス | 选择偏差 | the best of many noisy scores overestimates the true score of its setting |
# | budget (of a search) | 予算（探索の計算予算） | 预算（搜索的计算预算） | what a search may spend in all, here the epochs of training summed over its trials |
# | successive halving | 逐次半減法（Successive Halving） | 连续减半（Successive Halving） | train many trials briefly, keep the best fraction (a third here), train those longer, and repeat |
# | rung | ラング（段） | 梯级（rung） | one round of successive halving: the trials still in the race, all trained to the same budget |
# | slow starter | スロースターター（序盤の遅い試行） | 慢启动者（起步慢的试验） | a trial that scores poorly early but well at the end; early stopping rules may drop it |
# | Hyperband | Hyperband（ハイパーバンド） | Hyperband | runs successive halving in several brackets with different first budgets, and returns the best of their winners |
# | bracket (Hyperband) | ブラケット | 分组（bracket） | one run of successive halving inside Hyperband, with its own number of trials and first budget |
# | sequential model-based optimization | 逐次モデルベース最適化 | 序贯模型优化（SMBO） | a search that fits a model to the trials so far and chooses the next trial from it |
# | TPE (tree-structured Parzen estimator) | 木構造Parzen推定器（TPE） | 树结构Parzen估计器（TPE） | models the good and the bad trials with two densities l(x) and g(x), and proposes where l(x)/g(x) is large |
# | Optuna | Optuna | Optuna | an open-source library for hyperparameter search (Akiba et al. 2019), with TPE as its default sampler |
# | pruning (of trials) | 枝刈り | 剪枝 | stopping a trial early, from the scores it reports during training |
# | median pruner | 中央値枝刈り（MedianPruner） | 中位数剪枝器（MedianPruner） | stops a trial whose best score so far is below the median of earlier trials' scores at the same step |
# | warm-up (of a pruner) | ウォームアップ | 预热期 | the first steps of a trial, during which the pruner may not stop it |
#
# See the whole [glossary](glossary.md).

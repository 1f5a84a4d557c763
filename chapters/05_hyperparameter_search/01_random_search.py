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
# # 5.1 Random search on a log scale
#
# A network learns its weights from data. Some numbers it cannot learn: the
# learning rate $\eta$, the weight decay $\lambda$, the number and width of
# the layers. These are **hyperparameters**: we choose them, train, look at
# the result, and choose again. This section makes that loop systematic.
#
# **Learning goals.** After this section you can
#
# - explain why hyperparameters are chosen on **validation data**, and why the
#   **test data** are used once, at the very end;
# - read the code of a **random search on a log scale** and run one;
# - read its results: a table, learning curves, a map of the search space;
# - explain why random search usually beats **grid search** at the same
#   budget (Bergstra & Bengio 2012), and compute how often it does.
#
# The experiment is the one of the original book ("Deep Learning from
# Scratch", ch. 6): 500 MNIST images, a network of 6 hidden layers of 100
# units, plain SGD for 50 epochs, 100 random trials.

# %% jupyter={"source_hidden": true} tags=["remove-cell"]
# Opened alone (Binder, Colab, a JupyterHub)? Install the book's package first.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("common") is None:
    source = os.environ.get("BOOK_PACKAGE", "git+https://github.com/OWNER/training-techniques@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()

# %%
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np

from common.display.report import approx
from common.display.search_plots import best_curves, random_vs_grid, search_scatter
from common.display.source import show
from common.experiments.random_search import (
    ORIGINAL_SPACE,
    format_table,
    grid_trials,
    log_grid,
    log_uniform,
    original_problem,
    random_trials,
    run_search,
    run_trial,
    sort_results,
)
from dataset.mnist import load_mnist

SEED = 0
(x_all, t_all), _ = load_mnist()   # the test images stay unloaded here: section 5.2 looks at them once

# %% [markdown]
# ## Training, validation and test data
#
# The training data set the weights. To choose hyperparameters we need a
# second, separate set, because accuracy on the training data rewards a
# network that memorizes them: a setting that overfits would look best.
#
# Why not the test data? Because choosing *is* fitting. If we keep the best
# of 100 settings by test accuracy, part of its lead is luck on those test
# images, and its test accuracy is no longer an honest estimate. So we split
# three ways:
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
# `original_problem` takes the first 500 images, shuffles them with a seeded
# generator, then holds out the last fifth.

# %%
problem = original_problem(x_all, t_all, n_samples=500, validation_ratio=0.2, seed=SEED)
assert len(np.unique(problem.t_train)) == len(np.unique(problem.t_val)) == 10   # every digit is in both sets
print("training:", problem.x_train.shape, " validation:", problem.x_val.shape)
print("network:", problem.hidden_size_list, problem.activation, problem.weight_init_std,
      " epochs:", problem.epochs, " batch:", problem.batch_size, " precision:", np.dtype(problem.dtype))

# %% [markdown]
# ## One trial
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
# gives every decade the same share of trials. (Exercise 1 asks what a
# uniform draw of $\eta$ itself would do.)
#
# Everything else is fixed, as in the original: 6 hidden layers of 100 ReLU
# units with He initial weights, SGD, 50 epochs of mini-batches of 100 (four
# updates per epoch, 200 in all). Two deviations: each epoch's mini-batches
# come from a fresh shuffle (the book's `Trainer` default) where the original
# samples with replacement, and we compute in **float32**; the accuracies we
# compare differ by whole images out of 100, far above float32 rounding.
#
# Here is the random search, as the library runs it. `random_trials` gives
# each trial its own child seed; `run_trial` turns one trial into a trained
# network and its scores. Its first line is the rule of the whole chapter:
# **one generator, made from the trial's own seed, decides everything random
# in the trial**, the sampled $\eta$ and $\lambda$, the initial weights and
# the order of the mini-batches.

# %%
show(log_uniform, random_trials, run_trial, docstring=False)

# %% [markdown]
# `train_setting` builds the `MultiLayerNet`, trains it with the `Trainer` of
# chapter 1 and records the accuracy on the training and validation data
# before training and after every epoch (51 points per curve). The search
# itself is one line, `run_search(trials, problem)`, which hands the trials
# to `run_parallel(run_trial, trials, shared=problem)`: the trials do not
# depend on each other, so they run side by side, one process per core, and
# come back in trial order. Appendix 5.5 shows how, and why the result is
# the same as a loop over the trials. With `remember=True` the results are
# also kept on disk (`common/experiments/store.py`): sections 5.2 to 5.4
# start from this search and read them back instead of training the 100
# networks again. Any change to the trials, the data or the library's code
# trains them again.
#
# **Predict before you run.** $\eta$ is drawn from four decades,
# $10^{-6}$ to $10^{-2}$. About how many of the 100 trials will have
# $\eta \geq 10^{-3}$?

# %%
coarse = run_search(random_trials(100, ORIGINAL_SPACE, seed=SEED), problem, remember=True)   # 100 trials
print("trials with η ≥ 1e-3:", sum(r["lr"] >= 1e-3 for r in coarse), "of", len(coarse))

# %% [markdown]
# About a quarter, one decade of four. (The sampled values come from the
# seeds alone: they are the same on every computer.)
#
# ## Reading the results
#
# The five trials with the best final validation accuracy, in trial order,
# and the sixth for comparison. Accuracies come out of training, so they
# print as ≈ numbers: on another computer the last digit may differ. We
# check that the fifth is clearly ahead of the sixth, so that every computer
# finds the same five.

# %% tolerance={"abs": 0.03}
ranked = sort_results(coarse)
top5 = sorted(ranked[:5], key=lambda r: r["trial"])
lead = ranked[4]["val_acc"] - ranked[5]["val_acc"]
assert lead > 0.04, lead                   # the best five are clearly ahead of the rest
print(format_table(top5, ranked=False))
print("the sixth best:", approx(ranked[5]["val_acc"], 2), " lead of the fifth over it:", approx(lead, 2))

# %% [markdown]
# Every one of them has a learning rate in the top decade of the range,
# between $10^{-3}$ and the upper bound $10^{-2}$. And the other side: how
# well did the trials with $\eta < 10^{-3}$ do?

# %% tolerance={"abs": 0.03}
top5_lr = sorted(r["lr"] for r in top5)
assert all(1e-3 <= lr <= 1e-2 for lr in top5_lr), top5_lr   # the top 5 all have η in the top decade
best_small_lr = max(r["val_acc"] for r in coarse if r["lr"] < 1e-3)
assert best_small_lr < 0.3                                  # with η < 1e-3, 200 steps barely beat guessing (0.1)
print("η of the top 5, smallest first:", [float(f"{lr:.2e}") for lr in top5_lr])
print("best validation accuracy with η < 1e-3:", approx(best_small_lr, 2))

# %% [markdown]
# With only 200 updates, a small learning rate has no time to get anywhere.
# The learning curves of the best 20 trials show more
# (`images/05_best_curves.png`; validation solid, training dashed):

# %%
best_curves(coarse, n=20)
plt.show()

# %% [markdown]
# The best trials are still climbing at epoch 50: a larger $\eta$, or more
# epochs, would help. We check it for the top five, and we look at the gap
# between training and validation accuracy, which opens as accuracy rises.

# %% tolerance={"abs": 0.03}
climb = float(np.mean([r["val_curve"][50] - r["val_curve"][40] for r in top5]))
gap = float(np.mean([r["train_acc"] - r["val_acc"] for r in top5]))
highest_train = max(r["train_acc"] for r in coarse)
assert climb > 0.03, climb        # on average the top 5 gain more than 3 points between epochs 40 and 50
assert 0.05 < gap < 0.2, gap      # a gap of about a tenth has opened
assert highest_train < 0.95       # yet no trial has memorized its 400 training images
print("mean validation gain of the top 5 from epoch 40 to 50:", approx(climb, 2))
print("mean gap, training minus validation accuracy, of the top 5:", approx(gap, 2))
print("highest training accuracy of all 100 trials:", approx(highest_train, 2))

# %% [markdown]
# A gap of about a tenth has opened, but no trial memorizes its 400 training
# images within 200 updates: even the best training accuracy is well short
# of 1. Overfitting is on its way, not there yet.
#
# The map of the search space shows all 100 trials, one dot each, colored
# by validation accuracy (`images/05_random_search_scatter.png`):

# %%
search_scatter(coarse, top=5)
plt.show()

# %% [markdown]
# The color changes from left to right, hardly from bottom to top: in this
# range **the learning rate decides, the weight decay barely matters**. A
# correlation over the 100 trials puts a number on it:

# %% tolerance={"abs": 0.05}
log_lr = np.log10([r["lr"] for r in coarse])
log_wd = np.log10([r["weight_decay"] for r in coarse])
val = np.array([r["val_acc"] for r in coarse])
corr_lr, corr_wd = float(np.corrcoef(log_lr, val)[0, 1]), float(np.corrcoef(log_wd, val)[0, 1])
assert corr_lr > 0.6 and abs(corr_wd) < 0.2      # accuracy follows log η, not log λ
print("correlation of validation accuracy with log η:", approx(corr_lr, 2), " with log λ:", approx(corr_wd, 2))

# %% [markdown]
# $\lambda \leq 10^{-4}$ is simply too small to matter here: the pull of the
# penalty on the weights, $\lambda W$ per step, is tiny over 200 steps.
#
# ## Random search or grid search?
#
# The obvious alternative to random search is a grid: with a budget of 25
# trials, 5 values of $\eta$ times 5 values of $\lambda$. Bergstra & Bengio
# (2012) showed why random search usually wins. When only some
# hyperparameters matter (here: $\eta$), a $5 \times 5$ grid tries only **5
# distinct values** of the one that matters, each 5 times over with
# different values of one that does not. Random search with the same 25
# trials tries **25 distinct values** of every hyperparameter.
#
# For a fair comparison both get the same box. The grid takes the centers of
# 5 equal cells of each range on a log scale, so that each grid point stands
# for an equal share of the box, as each random point does on average. Its
# trials get their own seeds (`seed=2`, a seed no other search of this
# chapter uses). For the random side we need no new trials: the first 25 of
# our 100 *are* a random search of 25 trials, since each was drawn on its own.
#
# **Predict before you run.** Which will find the better validation accuracy?

# %% tolerance={"abs": 0.03}
GRID_SEED = 2
grid = {"lr": log_grid(*ORIGINAL_SPACE["lr"], 5), "weight_decay": log_grid(*ORIGINAL_SPACE["weight_decay"], 5)}
grid_results = run_search(grid_trials(grid, seed=GRID_SEED), problem)
random_results = coarse[:25]                  # a random search of its own, with the same budget
distinct = {"grid": len({r["lr"] for r in grid_results}), "random": len({r["lr"] for r in random_results})}
best = {"grid": max(r["val_acc"] for r in grid_results), "random": max(r["val_acc"] for r in random_results)}
assert distinct == {"grid": 5, "random": 25}
assert best["random"] > best["grid"] + 0.04   # here random search found the better setting, by more than a wobble
print("grid values of η:", [float(f"{lr:.2e}") for lr in grid["lr"]])
print("distinct values of η tried:", distinct)
print("best validation accuracy:", {k: approx(v, 2) for k, v in best.items()})

# %%
random_vs_grid(grid_results, random_results)
plt.show()

# %% [markdown]
# The grid sees the accuracy-against-$\eta$ curve at 5 points
# (`images/05_random_vs_grid.png`); its best column, $\eta = 10^{-2.4}$,
# was the closest it could get to the good region. Each column holds 5
# trials that differ only in $\lambda$, which hardly matters, and in the
# seed. Random search sees the curve at 25 points. The more hyperparameters
# there are, and the fewer of them matter, the larger this advantage.
#
# But that is one comparison: one grid against one random search. Another 25
# random trials might have missed the good region. How often does a random
# search of 25 trials beat this grid? The 100 trials were drawn
# independently, so any 25 of them form a random search of their own, and we
# can count exactly. If $k$ of the 100 trials beat the grid's best, a set of
# 25 drawn from the 100 misses all of them with probability
# $\binom{100-k}{25} / \binom{100}{25}$ (a hypergeometric probability), so
#
# $$P(\text{random search beats the grid}) = 1 - \binom{100-k}{25}\Big/\binom{100}{25}.$$

# %% tolerance={"abs": 0.1}
better_than_grid = int(np.sum(val > best["grid"]))     # trials of the 100 that beat the grid's best
p_random_wins = 1 - math.comb(100 - better_than_grid, 25) / math.comb(100, 25)
assert 3 <= better_than_grid <= 8                       # only a handful of the 100 beat the grid
assert 0.6 < p_random_wins < 0.9                        # most random searches of 25 trials beat the grid
print("probability that a random search of 25 of them beats the grid:", approx(p_random_wins, 3))

# %% [markdown]
# Most random searches of 25 trials beat this grid, well over half of them;
# the others draw none of the handful of trials that scored above the grid's
# best. So "random search beats the grid" is a statement about chances: here
# they clearly favor random search, but it is no certainty.
#
# ## Summary
#
# - Hyperparameters are chosen on **validation data** held out from the
#   training data (shuffle, then hold out 20 %). The **test data** are used
#   once, at the end.
# - **Random search on a log scale** gives every decade the same share of
#   trials. Each trial makes one generator from its own child seed, and that
#   generator decides everything random in it.
# - On the original problem, the top 5 of 100 trials all had $\eta$ in the
#   top decade, $10^{-3}$ to $10^{-2}$; the learning rate decided, the
#   weight decay (up to $10^{-4}$) hardly mattered. The best curves were still
#   climbing at epoch 50, and no trial had memorized its training images.
# - At the same budget, **random search usually beats a grid**: it tries 25
#   distinct values of the learning rate instead of 5; the chance that a random
#   search of 25 trials beats this grid follows exactly from how many of the
#   100 trials beat it (Bergstra & Bengio 2012).
#
# ## Exercises
#
# ### Exercise 1: why not a linear scale?
#
# If $\eta$ were drawn uniformly from $[10^{-6}, 10^{-2}]$, what fraction of
# the trials would have $\eta < 10^{-3}$? And what fraction with the log
# scale of this section? Work both out on paper and set `fraction_linear` and
# `fraction_log` (three decimals are enough). The self-check simulates 100 000
# draws of each.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
fraction_linear = (1e-3 - 1e-6) / (1e-2 - 1e-6)   # the interval below 1e-3 is about a tenth of the length
fraction_log = 3 / 4                               # three of the four decades
# END SOLUTION

# %% tags=["self-check"]
answers = {"fraction_linear": float(fraction_linear), "fraction_log": float(fraction_log)}
check_rng = np.random.default_rng(2)
simulated = {"fraction_linear": np.mean(check_rng.uniform(1e-6, 1e-2, 100_000) < 1e-3),
             "fraction_log": np.mean(10 ** check_rng.uniform(-6, -2, 100_000) < 1e-3)}
for name, value in answers.items():
    assert abs(value - simulated[name]) < 0.005, f"{name} does not match the simulation: try again"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: how many trials?
#
# Suppose the settings that are "good enough" fill 5 % of the search space
# (measured by the sampling distribution). Each random trial lands there with
# probability 0.05, independently. Write `trials_needed(share, confidence)`:
# the smallest number of trials $n$ such that at least one of them lands in
# the good region with probability at least `confidence`. (A well-known rule
# of thumb for 5 % and 95 % says 60 trials; it is usually traced to Alice
# Zheng, *Evaluating Machine Learning Models*, O'Reilly 2015. Your function
# gives the exact number.)

# %% jupyter={"source_hidden": true} tags=["solution"]
def trials_needed(share, confidence):
    # BEGIN SOLUTION
    n = 1
    while 1 - (1 - share) ** n < confidence:   # P(at least one hit in n trials)
        n += 1
    return n
    # END SOLUTION


# %% tags=["self-check"]
for share, confidence in ((0.05, 0.95), (0.5, 0.75), (0.1, 0.5), (0.2, 0.99), (0.01, 0.9)):
    n = trials_needed(share, confidence)
    assert isinstance(n, (int, np.integer)), "return a whole number of trials"
    assert 1 - (1 - share) ** n >= confidence, f"share={share}, confidence={confidence}: too few trials"
    assert n == 1 or 1 - (1 - share) ** (n - 1) < confidence, f"share={share}, confidence={confidence}: fewer suffice"
print("Exercise 2: correct")

# %% [markdown]
# ### Exercise 3: the expected best of a random search
#
# The probability above asked whether a random search of 25 trials beats a
# bar. Often we want more: the *expected* best score of a random search of
# $k$ trials, drawn without replacement from $n$ recorded scores. Write
# `expected_best(scores, k)` that computes it exactly, with no random draws.
# Hint: sort the scores; the $j$-th smallest (from $j = 1$) is the best of a
# set of $k$ exactly when the set holds it and $k - 1$ of the $j - 1$ below
# it. The self-check compares your function with a count over every possible
# set on small inputs, and with a simulation on this section's 100 scores.

# %% jupyter={"source_hidden": true} tags=["solution"]
def expected_best(scores, k):
    # BEGIN SOLUTION
    ordered = np.sort(np.asarray(scores, dtype=float))
    n = len(ordered)
    weights = [math.comb(j - 1, k - 1) for j in range(1, n + 1)]   # sets of k whose best is the j-th smallest
    return float(np.dot(ordered, weights) / math.comb(n, k))
    # END SOLUTION


# %% tags=["self-check"]
check_rng = np.random.default_rng(3)
for n, k in ((5, 1), (6, 3), (7, 7), (8, 4)):
    scores = check_rng.integers(0, 10, n) / 10          # ties included
    mine = expected_best(scores, k)
    every_set = np.mean([max(subset) for subset in itertools.combinations(scores, k)])
    assert abs(mine - every_set) < 1e-9, f"n={n}, k={k}: not the mean over every set of {k}"
mine = expected_best(val, 25)
simulated = np.mean([val[check_rng.choice(100, 25, replace=False)].max() for _ in range(20_000)])
assert abs(mine - simulated) < 0.003, "on the 100 scores of this section the function disagrees with a simulation"
print("Exercise 3: correct")

# %% [markdown]
# ## Terms introduced in this section
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
# | search space | 探索空間 | 搜索空间 | the ranges (and distributions) the hyperparameters are drawn from |
#
# See the whole [glossary](../glossary.md).

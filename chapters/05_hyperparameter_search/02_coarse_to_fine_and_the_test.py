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
# # 5.2 Coarse to fine, the optimism of choosing, and the test
#
# Section 5.1 ran a *coarse* search: wide ranges, 100 trials, to find the
# region worth looking at. This section spends more trials in that region,
# asks how much of a winning score is luck, and ends the search the only
# honest way: one look at the test data.
#
# **Learning goals.** After this section you can
#
# - narrow a search from **coarse to fine**, and let it move past the edge of
#   the first range when the best trials crowd against it;
# - name the two kinds of chance in a validation score, the images and the
#   seed, and compare settings scored on the *same* images in pairs;
# - measure the **optimism of choosing**: the winners of a search score lower
#   when trained again;
# - retrain a chosen setting on all labelled data and **test once**.

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
import matplotlib.pyplot as plt
import numpy as np

from common.display.report import approx
from common.display.search_plots import coarse_to_fine
from common.display.source import show
from common.experiments.random_search import (
    ORIGINAL_SPACE,
    Trial,
    narrow_space,
    original_problem,
    random_trials,
    run_search,
    sort_results,
)
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD
from dataset.mnist import load_mnist

SEED = 0
(x_all, t_all), (x_test, t_test) = load_mnist()
problem = original_problem(x_all, t_all, n_samples=500, validation_ratio=0.2, seed=SEED)
coarse = run_search(random_trials(100, ORIGINAL_SPACE, seed=SEED), problem, remember=True)   # 5.1's search

# %% [markdown]
# ## Coarse to fine
#
# A second, *fine* search spends its trials where the coarse one found good
# scores. A simple rule: take the best 5 trials and, for each
# hyperparameter, span their values, widened by half a decade on each side:

# %%
show(narrow_space, docstring=False)

# %% [markdown]
# The rule may reach beyond the first range, and here it should: the best
# trials of section 5.1 crowd against the upper edge $\eta = 10^{-2}$, and
# their curves were still climbing, so the good region may continue above
# it. Too large a learning rate would make training diverge; the fine search
# will tell.

# %%
fine_space = narrow_space(coarse, top=5, margin=0.5)   # the same five on every computer (checked in 5.1)
decades = {name: float(np.log10(high / low)) for name, (low, high) in fine_space.items()}
assert decades["lr"] < 1.5 and fine_space["lr"][1] > 1e-2     # η: about one decade, reaching past 1e-2
assert decades["weight_decay"] > 3.5                           # λ: hardly narrowed at all
print({name: (float(f"{low:.2e}"), float(f"{high:.2e}")) for name, (low, high) in fine_space.items()})

# %% [markdown]
# The fine search: 50 trials with their own seeds (`seed=1`), and their
# results in four bands of $\eta$, each a quarter of the new range on a log
# scale:

# %% tolerance={"abs": 0.03}
FINE_SEED = 1
fine = run_search(random_trials(50, fine_space, seed=FINE_SEED), problem)
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

# %% tolerance={"abs": 0.06}
GOOD = 0.7
coarse_share = float(np.mean([r["val_acc"] >= GOOD for r in coarse]))
fine_share = float(np.mean([r["val_acc"] >= GOOD for r in fine]))
coarse_best, fine_best = sort_results(coarse)[0]["val_acc"], sort_results(fine)[0]["val_acc"]
assert fine_share > 3 * coarse_share          # far more fine trials land in the good region
assert fine_best > coarse_best + 0.04         # and the best of them beats the coarse search's best
print(f"share of trials with validation accuracy ≥ {GOOD}: coarse", approx(coarse_share, 2),
      " fine", approx(fine_share, 2))
print("best validation accuracy: coarse", approx(coarse_best, 2), " fine", approx(fine_best, 2))

# %%
coarse_to_fine(coarse, fine, fine_space)
plt.show()

# %% [markdown]
# On the right of `images/05_coarse_to_fine.png`, accuracy keeps rising with
# $\eta$ past $10^{-2}$ and levels off; no trial above $10^{-2}$ diverged, and
# on average they beat the fine trials below $10^{-2}$:

# %% tolerance={"abs": 0.03}
above = [r["val_acc"] for r in fine if r["lr"] > 1e-2]
below = [r["val_acc"] for r in fine if r["lr"] <= 1e-2]
assert min(above) > 0.7                        # every fine trial with η > 1e-2 trained well: none diverged
assert np.mean(above) > np.mean(below) + 0.1   # and past the old edge they do better on average
print(len(above), "fine trials with η > 1e-2; their validation accuracy: worst", approx(min(above), 2),
      " mean", approx(np.mean(above), 2), "; mean of the fine trials below 1e-2:", approx(np.mean(below), 2))

# %% [markdown]
# ## Two kinds of chance
#
# The best fine trials are close. How much of their order is chance?
#
# The first kind of chance is *which* 100 images happen to be in the
# validation set. An accuracy $p$ measured on $n$ images estimates the
# accuracy on all unseen images with a standard error of
# $\sqrt{p(1-p)/n}$: one image is one percentage point here, and the error
# is a few of them.

# %% tolerance={"abs": 0.03}
top5_val = [r["val_acc"] for r in sort_results(fine)[:5]]
standard_error = float(np.sqrt(top5_val[0] * (1 - top5_val[0]) / len(problem.t_val)))
assert 0.02 < standard_error < 0.05
print("top 5 validation accuracies:", [approx(v, 2) for v in top5_val],
      " standard error of one of them:", approx(standard_error, 3))

# %% [markdown]
# That error says how far one score may be from the setting's accuracy on
# new images. It does not say whether two settings differ: all our trials
# are scored on the *same* 100 images, so that draw of images is shared and
# largely cancels in a difference. Treating two scores as if they came from
# independent sets of images would overstate the noise between them.
#
# The second kind of chance is the seed. The same setting trained again
# (other initial weights, another order of mini-batches) ends with another
# score on the same images. We measure it directly: train each of the five
# best fine settings again, from 5 fresh seeds each (`seed=5`), on the same
# training and validation images. Only the seed changes, so each setting is
# compared with itself, in pairs: its score in the search against its scores
# on new seeds.
#
# **Predict before you run.** Will the five settings keep their scores? Will
# the best one stay best?

# %% tolerance={"abs": 0.03}
RESEED_SEED, N_RESEEDS = 5, 5
top5 = sort_results(fine)[:5]
children = np.random.SeedSequence(RESEED_SEED).spawn(len(top5) * N_RESEEDS)   # fresh seeds, none used before
reseeded_trials = [Trial(i, child, fixed={"lr": top5[i // N_RESEEDS]["lr"],
                                          "weight_decay": top5[i // N_RESEEDS]["weight_decay"]})
                   for i, child in enumerate(children)]
reseeded = np.array([r["val_acc"] for r in run_search(reseeded_trials, problem)]).reshape(len(top5), N_RESEEDS)
first = np.array([r["val_acc"] for r in top5])
means = reseeded.mean(axis=1)
print(f"{'rank in the search':>18} {'score in the search':>20} {'mean of 5 new seeds':>20} {'lowest':>7} {'highest':>8}")
for rank, (score, again) in enumerate(zip(first, reseeded), 1):
    print(f"{rank:>18} {approx(score):>20.2f} {approx(again.mean()):>20.2f} {approx(again.min()):>7.2f} "
          f"{approx(again.max()):>8.2f}")
seed_spread = float(reseeded.std(axis=1, ddof=1).mean())       # one setting, five seeds, the same images
drops = first - means                                           # paired: each setting against itself
drop_error = float(drops.std(ddof=1) / np.sqrt(len(drops)))
difference_error = seed_spread * np.sqrt(2 / N_RESEEDS)         # two settings' 5-seed means, the same images
print("spread of one setting's score over seeds (standard deviation):", approx(seed_spread, 3))
print("drop from the search to new seeds: mean", approx(drops.mean(), 3), "± standard error", approx(drop_error, 3))
print("the five means span", approx(np.ptp(means), 3), "; standard error of a difference of two of them:",
      approx(difference_error, 3))
assert seed_spread > 0.01                                       # training noise is real: the seed moves the score
assert drops.mean() > 0.03 and drops.mean() > 3 * drop_error    # chosen as the best, they score lower again
assert np.ptp(means) < 3 * difference_error                     # and on new seeds they are not told apart

# %% [markdown]
# Trained again, the five settings score lower than they did in the search,
# by several points on average and by many times the standard error of that
# paired drop. Nothing about them changed but the seed: they were chosen
# *because* their first score was high, and part of a high score is luck,
# which a new seed does not repeat. This is the **optimism of choosing**,
# measured on the same images with everything else fixed.
#
# On the new seeds the five means lie within less than three standard
# errors of a difference of each other: the data do not tell them apart, and
# the first-placed setting need not come first again. The search has found
# a good *region*; which trial wins inside it is partly luck.
#
# ## Retrain a good setting and test once
#
# The searches are over. We do not crown one trial: we take the center of
# the region that the fine search found good, the geometric mean of $\eta$
# and of $\lambda$ over the fine trials with $\eta > 10^{-2}$ (all of which
# trained well), and train that setting once more:
#
# - on **all 500 labelled images** (training + validation): the validation
#   data have done their job and are worth more as training data. With 5
#   batches per epoch instead of 4, 50 epochs now make 250 updates instead of
#   200, a small change in the direction the curves asked for;
# - with a **fresh seed** (`3`): a trial's seed is part of its luck.
#
# Then, for the first and only time, we look at the test set: 10 000 images
# the search never saw.

# %% tolerance={"abs": 0.03}
FINAL_SEED = 3
region = [r for r in fine if r["lr"] > 1e-2]
lr_final = float(np.exp(np.mean(np.log([r["lr"] for r in region]))))
wd_final = float(np.exp(np.mean(np.log([r["weight_decay"] for r in region]))))
print(f"chosen: η = {lr_final:.2e}, λ = {wd_final:.2e}, the center of the {len(region)} fine trials with η > 1e-2")
region_val = float(np.mean([r["val_acc"] for r in region]))
best_val = max(r["val_acc"] for r in coarse + fine)
print("their mean validation accuracy:", approx(region_val, 2), " the best of all 150 trials:", approx(best_val, 2))
x_labelled = np.concatenate([problem.x_train, problem.x_val])
t_labelled = np.concatenate([problem.t_train, problem.t_val])
rng = np.random.default_rng(FINAL_SEED)
final_net = MultiLayerNet(784, [100] * 6, 10, activation="relu", weight_init_std="he",
                          weight_decay_lambda=wd_final, rng=rng, dtype=np.float32)
Trainer(final_net, SGD(lr=lr_final), x_labelled, t_labelled, epochs=50, batch_size=100, rng=rng).train()
test_acc = final_net.accuracy(x_test, t_test)          # the one and only look at the test set
print("test accuracy:", approx(test_acc, 3))
assert test_acc > 0.75                                  # the chosen setting generalizes well beyond chance
assert test_acc < best_val - 0.04                       # well below the best validation score of the 150 trials

# %% [markdown]
# The test accuracy is clearly below the best validation accuracy of the 150
# trials, although the final network saw 25 % more training data. That is
# what the optimism of choosing leads us to expect: the best of 150 scores,
# each measured on 100 images after one training run, owes part of its lead
# to luck, on those images and with its seed.
#
# But this comparison illustrates the optimism; it does not measure it. Too
# much changed between the two numbers: a new seed, 500 images instead of
# 400, 250 updates instead of 200, a setting (the center of the region) that
# no trial used, and 10 000 other images instead of 100. The reseeded
# comparison above measured the optimism properly, changing nothing but the
# seed. The mean over the whole good region is a less optimistic forecast,
# since it averages many scores instead of picking the largest. And the
# number we report is the test accuracy: measured once, after all choices
# were made, it is an honest estimate for the network we report.
#
# ## Summary
#
# - **Coarse to fine**: a second search around the best trials, allowed to
#   move past the edge of the first range, put far more of its trials in the
#   good region and found a better setting; past the old edge, accuracy kept
#   rising.
# - A validation score carries two kinds of chance: the draw of the
#   validation images, and the seed. Settings scored on the same images are
#   compared in pairs; the seed's share we measured by training again.
# - A score used for choosing is **optimistic**: trained again from fresh
#   seeds, the five best settings scored lower, and they could not be told
#   apart. A search finds a good region; the winner inside it is partly luck.
# - Retrain the chosen setting on all labelled data with a fresh seed, and
#   look at the **test data once**, at the end.
#
# ## Exercises
#
# ### Exercise 1: the optimism of the winner, simulated
#
# Suppose $n$ settings are all equally good, with a true accuracy of 0.8, and
# each trial measures its setting with noise: score $= 0.8 + \sigma z$, $z$
# standard normal. The search keeps the highest score. Write
# `winner_optimism(n, sigma, repeats, rng)` that simulates `repeats` searches
# with the generator `rng` and returns the mean of (winning score $-$ 0.8).
# Before you run it, predict: the optimism of a search of 50 such settings
# with $\sigma = 0.03$ is closest to
#
# - `"a"`: 0.01 (a third of one trial's noise);
# - `"b"`: 0.07 (about two trials' noise);
# - `"c"`: 0.15 (five times one trial's noise).
#
# Set `prediction` to `"a"`, `"b"` or `"c"`. The self-check runs your
# function, compares it with the exact expectation, and then checks your
# prediction against that expectation.

# %% jupyter={"source_hidden": true} tags=["solution"]
def winner_optimism(n, sigma, repeats, rng):
    # BEGIN SOLUTION
    scores = 0.8 + sigma * rng.standard_normal((repeats, n))
    return float(np.mean(scores.max(axis=1) - 0.8))
    # END SOLUTION


# BEGIN SOLUTION
prediction = "b"          # the highest of 50 standard normal draws averages about 2.25
# END SOLUTION


# %% tags=["self-check"]
from common.exercises import check_choice


def expected_max_of_normals(n):
    """E[max of n standard normal draws]: the integral of x d(Phi(x)^n), on a fine grid."""
    x = np.linspace(-12.0, 12.0, 240_001)
    density = np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(x))])
    return float(np.sum((x[1:] + x[:-1]) / 2 * np.diff(cdf**n)))


single = winner_optimism(1, 0.03, 20_000, np.random.default_rng(0))
many = winner_optimism(50, 0.03, 20_000, np.random.default_rng(1))
again = winner_optimism(50, 0.03, 20_000, np.random.default_rng(1))
assert many == again, "draw every random number from rng, so that the same generator gives the same result"
assert abs(single) < 0.002, "with a single setting there is nothing to choose: check the n = 1 case"
assert abs(many - 0.03 * expected_max_of_normals(50)) < 0.002, (
    f"the search of 50 settings gives {'too large' if many > 0.03 * expected_max_of_normals(50) else 'too small'} "
    "an optimism: keep the highest of the n scores in each search")


def facts():
    optimism = 0.03 * expected_max_of_normals(50)
    closest = min((0.01, 0.07, 0.15), key=lambda value: abs(value - optimism))
    return {"a": closest == 0.01, "b": closest == 0.07, "c": closest == 0.15}


check_choice(prediction, facts, exercise=1,
             hint="your function is right: compare what it returns for n = 50 with the three values")

# %% [markdown]
# ### Exercise 2: comparing two networks on the same images
#
# Two networks are scored on the same $n$ images; `correct_a` and
# `correct_b` are boolean arrays, True where a network classifies an image
# correctly. Write `difference_error(correct_a, correct_b)`: the standard
# error of the difference of their accuracies, estimated **in pairs**, image
# by image. The self-check compares it with a bootstrap (resampling the
# images) and checks that it is smaller than the error that treats the two
# accuracies as independent when the networks err on the same images.

# %% jupyter={"source_hidden": true} tags=["solution"]
def difference_error(correct_a, correct_b):
    # BEGIN SOLUTION
    per_image = np.asarray(correct_a, dtype=float) - np.asarray(correct_b, dtype=float)
    return float(per_image.std(ddof=1) / np.sqrt(len(per_image)))
    # END SOLUTION


# %% tags=["self-check"]
check_rng = np.random.default_rng(4)
hard = check_rng.random(400) < 0.2                                  # images both networks tend to get wrong
correct_a = ~hard & (check_rng.random(400) < 0.95)
correct_b = ~hard & (check_rng.random(400) < 0.90)
mine = difference_error(correct_a, correct_b)
resampled = check_rng.integers(0, 400, (20_000, 400))
bootstrap = float(np.std(correct_a[resampled].mean(axis=1) - correct_b[resampled].mean(axis=1)))
assert abs(mine - bootstrap) < 0.05 * bootstrap, "the error does not match resampling the images"
p_a, p_b = correct_a.mean(), correct_b.mean()
assert mine < np.sqrt(p_a * (1 - p_a) / 400 + p_b * (1 - p_b) / 400), "pair the images: the error should shrink"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | coarse-to-fine search | 粗密探索 | 由粗到精搜索 | a wide first search, then a narrower one around the best trials |
# | selection bias (optimism of the winner) | 選択バイアス | 选择偏差 | the best of many noisy scores overestimates the true score of its setting |
# | standard error | 標準誤差 | 标准误差 | the standard deviation of an estimate (here an accuracy measured on n images) across repeated samples |
#
# See the whole [glossary](../glossary.md).

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
# # 1.8 The adaptive rules against a well-stepped SGD
#
# Section 1.7 found that most of plain SGD's handicap on MNIST was its step:
# at $\eta = 0.1$, Momentum's effective step, SGD ends at Momentum's level.
# Is that all there is? In section 1.6, from one seed, AdaGrad and Adam ended
# lowest of the original book's four rules. If what they offer were only a
# better default step, SGD at $\eta = 0.1$ should catch up with them too.
# This section trains them from the same five seeds and measures the gap in
# a unit that says whether it is large: the spread between seeds.
#
# **Learning goals.** After this section you can
#
# - measure a gap between two methods in units of the spread between seeds
#   (the pooled standard deviation);
# - use the pairing of runs: within a seed, two rules start from the same
#   weights and see the same batches;
# - say what AdaGrad and Adam buy on this network beyond a good default step.

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

from common.display.curves import loss_and_test_dots
from common.display.plot import save_figure
from common.display.report import approx, loss_and_test_summary
from common.experiments.mnist_runs import loss_and_test, train_side_by_side
from common.optimizers import SGD, AdaGrad, Adam
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()

# %% [markdown]
# The experiment is that of sections 1.6 and 1.7: the same network and
# training, the same five pairs of seeds (initial weights, mini-batches).
# Runs already made on this machine are read back from the results store:
# SGD at $\eta = 0.1$ from section 1.7, and the first seed of AdaGrad and Adam
# from section 1.6. The other trainings run side by side.

# %% tolerance={"abs": 0.005, "rel": 0.15}
SEEDS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]          # (initial weights, mini-batches), as in section 1.7
RULES = {"SGD, η = 0.1": SGD(lr=0.1), "AdaGrad": AdaGrad(lr=0.01), "Adam": Adam(lr=0.001)}
five_seeds = train_side_by_side(RULES, seeds=SEEDS, train=(x_train, t_train), test=(x_test, t_test),
                                remember=True)
seed_loss, seed_test = loss_and_test(five_seeds)           # {rule: five values, one per seed}
print(loss_and_test_summary(seed_loss, seed_test))

# %% [markdown]
# The same table as a figure (`images/01_mnist_adaptive_seeds.png`):

# %%
fig = loss_and_test_dots(seed_loss, seed_test)
save_figure(fig, "01_mnist_adaptive_seeds")
plt.show()

# %% [markdown]
# ## A gap in units of the seed spread
#
# Both adaptive rules end below SGD on average. Is the gap large? Its size
# in loss says little by itself; what matters is how it compares with the
# spread between seeds of one rule, the difference that chance alone makes.
# We measure each gap in **pooled standard deviations**: the square root of
# the mean of the two rules' variances over the seeds. A gap of one pooled
# standard deviation could come from the draw of seeds; a gap of several
# hardly can, and we also check it seed by seed.

# %% tolerance={"rel": 0.35}
step = seed_loss["SGD, η = 0.1"]
pooled_sd = {name: np.sqrt((step.var(ddof=1) + seed_loss[name].var(ddof=1)) / 2) for name in ("AdaGrad", "Adam")}
below = {name: 1 - seed_loss[name].mean() / step.mean() for name in ("AdaGrad", "Adam")}
gap_in_sd = {name: (step.mean() - seed_loss[name].mean()) / pooled_sd[name] for name in ("AdaGrad", "Adam")}
print("below SGD at 0.1, on average:", {name: f"{approx(100 * v, 0)} %" for name, v in below.items()},
      " the gap in seed standard deviations:", {name: approx(v, 1) for name, v in gap_in_sd.items()})
assert all(np.all(seed_loss[name] < step) for name in ("AdaGrad", "Adam"))    # every seed: below SGD at 0.1
assert all(0.17 < v < 0.36 for v in below.values())                           # by a fifth to a third
assert all(2 < v for v in gap_in_sd.values())                                 # more than two seed sd

# %% [markdown]
# AdaGrad and Adam end below SGD at $\eta = 0.1$ in every seed, on average by
# the percentages printed above (between a fifth and a third), a gap of more
# than two pooled standard deviations. Their per-parameter steps buy
# something a single global step does not, even a well-chosen one. Chapter 5
# tunes learning rates systematically, and section 1.9 adds schedules;
# whether a tuned SGD would close this gap is a question for those tools.
#
# The pooled standard deviation treats the five runs of each rule as
# independent draws. They are not quite: within a seed, both rules start
# from the same initial weights and see the same mini-batches, so part of a
# seed's luck is shared. Exercise 1 measures the gap seed by seed, in pairs.

# %% [markdown]
# ## Summary
#
# - A gap between two methods is large or small only against the spread
#   between seeds of one method; the pooled standard deviation is the square
#   root of the mean of the two rules' variances over the seeds.
# - On MNIST, AdaGrad and Adam end below SGD at $\eta = 0.1$ (Momentum's
#   effective step) in each of five seeds, by a fifth to a third on average,
#   more than two pooled standard deviations: their advantage is more than a
#   good default step.
# - Within a seed, the rules share initial weights and mini-batches, so they
#   can be compared in pairs, seed by seed.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: compare in pairs
#
# Write `paired_gap(a, b)`: `a` and `b` hold one value per seed for two
# rules, in the same order of seeds. It returns the mean of the per-seed
# differences `a - b` divided by the standard deviation of those differences
# (with `ddof=1`): the gap measured against how much the *difference*, not
# each rule, varies from seed to seed.
#
# Then predict, before you run the check: for SGD at $\eta = 0.1$ against
# AdaGrad, the paired gap is
#
# - `"a"`: larger than the pooled gap printed above, by more than 10 %;
# - `"b"`: within 10 % of it;
# - `"c"`: smaller than it, by more than 10 %.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`. The self-check tests your
# function on made-up values, then checks your prediction with it on this
# section's runs.

# %% jupyter={"source_hidden": true} tags=["solution"]
def paired_gap(a, b):
    """The mean of the per-seed differences a - b over their standard deviation (ddof=1)."""
    # BEGIN SOLUTION
    differences = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    return float(differences.mean() / differences.std(ddof=1))
    # END SOLUTION


# BEGIN SOLUTION
prediction = "a"            # AdaGrad's per-seed differences from SGD vary far less than either rule
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice

luck = np.array([0.30, 0.10, 0.50, 0.20, 0.40])            # each seed's luck, shared by both rules
made_up_a, made_up_b = luck + np.array([0.05, 0.07, 0.04, 0.06, 0.08]), luck
assert abs(paired_gap(made_up_a, made_up_b) - 3.794733192) < 1e-6, (
    "not the mean of the per-seed differences over their standard deviation (ddof=1)")
assert abs(paired_gap(made_up_a + 1.0, made_up_b + 1.0) - paired_gap(made_up_a, made_up_b)) < 1e-9, (
    "luck shared by both rules in a seed should cancel")


def facts():
    ratio = paired_gap(step, seed_loss["AdaGrad"]) / gap_in_sd["AdaGrad"]
    return {"a": ratio > 1.1, "b": 0.9 <= ratio <= 1.1, "c": ratio < 0.9}


check_choice(prediction, facts, exercise=1,
             hint="print the per-seed differences of the two rules next to each rule's own values")

# %% [markdown]
# ### Exercise 2: how strong is "in every seed"?
#
# Suppose a rule were no better than SGD. Within each seed, which of the two
# ends lower would then be a matter of luck, each as likely as the other.
# How often would the rule still end below SGD in every one of five seeds?
# Write `chance_all_below(n_seeds, repeats, rng)`: simulate `repeats`
# experiments of `n_seeds` seeds, drawing each seed's difference between the
# two rules from a standard normal distribution with the generator `rng`, and
# return the fraction of experiments in which the rule ends below in every
# seed.
#
# Predict first: for five seeds, that fraction is closest to
#
# - `"a"`: 1 in 5;
# - `"b"`: 1 in 30;
# - `"c"`: 1 in 1,000.
#
# Set `prediction_2` to `"a"`, `"b"` or `"c"`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def chance_all_below(n_seeds, repeats, rng):
    """The fraction of `repeats` simulated experiments in which all `n_seeds` differences are negative."""
    # BEGIN SOLUTION
    differences = rng.standard_normal((repeats, n_seeds))
    return float(np.mean(np.all(differences < 0, axis=1)))
    # END SOLUTION


# BEGIN SOLUTION
prediction_2 = "b"          # each seed is a coin flip, and the five flips are independent
# END SOLUTION

# %% tags=["self-check"]
one = chance_all_below(1, 200_000, np.random.default_rng(0))
two = chance_all_below(2, 200_000, np.random.default_rng(1))
four = chance_all_below(4, 200_000, np.random.default_rng(2))
assert four == chance_all_below(4, 200_000, np.random.default_rng(2)), (
    "draw every random number from rng, so that the same generator gives the same result")
assert abs(one - 0.5) < 0.006, "with one seed, the rule ends below in about half the experiments: check n_seeds = 1"
assert abs(two - one**2) < 0.006 and abs(four - two**2) < 0.004, (
    "count an experiment only when the rule ends below in every one of its seeds")


def facts():
    five = chance_all_below(5, 200_000, np.random.default_rng(3))
    closest = min((1 / 5, 1 / 30, 1 / 1000), key=lambda value: abs(np.log(value / five)))
    return {"a": closest == 1 / 5, "b": closest == 1 / 30, "c": closest == 1 / 1000}


check_choice(prediction_2, facts, exercise=2, name="prediction_2",
             hint="run your function for five seeds and compare with the three fractions")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | pooled standard deviation | プールされた標準偏差 | 合并标准差 | the spread of two groups of runs taken together, here the square root of the mean of their two variances; a gap between two means is measured in it |
# | paired comparison | 対応のある比較 | 配对比较 | comparing two results measured on the same samples (here: runs that share a seed's initial weights and batches), difference by difference, so that what they share cancels |
#
# See the whole [glossary](../glossary.md).

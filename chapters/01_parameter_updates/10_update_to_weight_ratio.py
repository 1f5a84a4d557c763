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
# # 1.10 The update-to-weight ratio (optional)
#
# In section 1.7 it took extra trainings of 2,000 updates each to find that
# SGD at $\eta = 0.01$ was too cautious on MNIST. A cheaper sign is visible
# within the first hundred updates: how much one update changes the weights,
# relative to their size. This optional section measures it for the runs of
# sections 1.7 and 1.8 and shows what it can and cannot tell.
#
# **Learning goals.** After this section you can
#
# - compute the update-to-weight ratio of every weight matrix during
#   training, by adding two lines to the training loop;
# - use it to flag a learning rate that is far too small or too large
#   within a hundred updates;
# - explain why Momentum's ratio is smaller than that of SGD with the same
#   effective step, and why the ratio is read for orders of magnitude only.

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
import copy

import matplotlib.pyplot as plt
import numpy as np

from common.display.curves import update_ratio_figure
from common.display.plot import save_figure
from common.display.report import approx, seed_summary
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD, Adam, Momentum
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist()

# %% [markdown]
# ## The ratio
#
# For each weight matrix $W$ compare the size of one update with the size of
# the weights:
#
# $$r = \frac{\lVert \Delta W \rVert}{\lVert W \rVert},$$
#
# with $\Delta W$ the change that one update makes and $\lVert\cdot\rVert$
# the Frobenius norm (the square root of the sum of squares). A rule of
# thumb from the CS231n course notes (Karpathy) is that $r$ should be about
# $10^{-3}$: much smaller and the learning rate is probably too low (at
# $r = 10^{-4}$ a layer needs thousands of updates to change noticeably),
# much larger and it is probably too high.
#
# Measuring it takes two more lines in the training loop of section 1.6:
# keep a copy of the weights before the update, and compare after.

# %%
def train_recording_ratios(network, optimizer, x, t, iterations, batch_size, rng):
    """Section 1.6's loop, plus ||W_after - W_before|| / ||W_before|| of every weight matrix at every update.

    Returns the losses (iterations,) and the ratios (iterations, weight matrices).
    """
    losses, ratios = [], []
    for _ in range(iterations):
        batch = rng.choice(len(x), batch_size)
        loss, grads = network.loss_and_gradient(x[batch], t[batch])
        before = {key: network.params[key].copy() for key in network.weight_keys}
        optimizer.update(network.params, grads)
        ratios.append([np.linalg.norm(network.params[key] - W) / np.linalg.norm(W) for key, W in before.items()])
        losses.append(loss)
    return losses, np.array(ratios)


def five_layer_network(seed):
    return MultiLayerNet(784, [100, 100, 100, 100], 10, activation="relu", weight_init_std="he",
                         rng=np.random.default_rng(seed), dtype=np.float32)


# %% [markdown]
# We replay the first 150 updates of four settings of sections 1.7 and 1.8, SGD at
# $\eta = 0.01$ and $0.1$, Momentum and Adam, from the same five pairs of
# seeds, and check on the first seed that the losses are the Trainer's.
#
# **Predict before you run:** which of the four sit near $10^{-3}$? Momentum
# moves like SGD at $\eta = 0.1$ on a steady gradient; will its ratio be the
# same as SGD's at $0.1$?

# %%
UPDATES, SUMMARIZE_FROM = 150, 50          # record 150 updates; summarize updates 51 to 150
SEEDS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]          # (initial weights, mini-batches), as in section 1.7
SETTINGS = {"SGD, η = 0.01": SGD(lr=0.01), "SGD, η = 0.1": SGD(lr=0.1),
            "Momentum": Momentum(lr=0.01, momentum=0.9), "Adam": Adam(lr=0.001)}
update_ratio = {label: [] for label in SETTINGS}           # label: one (updates, matrices) array per seed
for init_seed, batch_seed in SEEDS:
    for label, optimizer in SETTINGS.items():
        rule = copy.deepcopy(optimizer)                         # a fresh copy: no state from another run
        losses, ratios = train_recording_ratios(five_layer_network(init_seed), rule, x_train, t_train,
                                                iterations=UPDATES, batch_size=128,
                                                rng=np.random.default_rng(batch_seed))
        update_ratio[label].append(ratios)
        if init_seed == 0:
            history = Trainer(five_layer_network(0), copy.deepcopy(optimizer), x_train, t_train,
                              iterations=UPDATES, batch_size=128, sampling="replacement",
                              rng=np.random.default_rng(1)).train()
            assert history["train_loss"] == losses
update_ratio = {label: np.array(r) for label, r in update_ratio.items()}    # (seeds, updates, matrices)
print(f"{len(SETTINGS)} settings x {len(SEEDS)} seeds x {UPDATES} updates; the losses of the first seed "
      "are the Trainer's")

# %% tolerance={"abs": 0.05, "rel": 0.1}
typical = {label: np.median(r[:, SUMMARIZE_FROM:, :], axis=(1, 2)) for label, r in update_ratio.items()}
per_layer = {label: np.median(r[:, SUMMARIZE_FROM:, :], axis=1) for label, r in update_ratio.items()}  # (seeds, 5)
print(f"update-to-weight ratio, in units of 1e-3: median over the 5 weight matrices and updates "
      f"{SUMMARIZE_FROM + 1} to {UPDATES}")
print(seed_summary({label: 1e3 * t for label, t in typical.items()}, digits=2))
assert np.all(typical["SGD, η = 0.01"] < 0.6e-3)                     # every seed: well below 1e-3
assert all(np.all((0.7e-3 < typical[name]) & (typical[name] < 2.5e-3)) for name in ("Momentum", "Adam"))
assert np.all(typical["SGD, η = 0.1"] > 3e-3)                        # every seed: several times above

# %%
fig = update_ratio_figure(update_ratio, SUMMARIZE_FROM)
fig.suptitle("Update-to-weight ratio on MNIST, 784-100-100-100-100-10, batch 128, first 150 updates")
save_figure(fig, "01_update_ratio")
plt.show()

# %% [markdown]
# The ratio (`images/01_update_ratio.png`) separates the four at once, in
# every seed. SGD at $\eta = 0.01$ changes its weights per update by a
# fraction well below the rule of thumb; Momentum and Adam, which trained
# well at their default settings, sit close to $10^{-3}$. A hundred updates
# would have flagged $\eta = 0.01$ as cautious, without a sweep.
#
# The layers differ, and the ratio is best read per layer:

# %% tolerance={"rel": 0.15}
spread = {label: layers.mean(axis=0).max() / layers.mean(axis=0).min() for label, layers in per_layer.items()}
print("largest over smallest ratio among the 5 weight matrices (mean of the seeds):",
      {label: approx(s, 1) for label, s in spread.items()})
assert all(2 < s < 5 for s in spread.values())                      # the layers differ by 2 to 5 times
for label in ("SGD, η = 0.01", "SGD, η = 0.1"):                      # plain SGD: first and last matrix move most
    assert np.all(np.minimum(per_layer[label][:, 0], per_layer[label][:, 4]) > per_layer[label][:, 1:4].max(axis=1))

# %% [markdown]
# The layers' ratios differ by the factors printed above; with plain SGD the
# first and the last weight matrix move most relative to their size, in
# every seed.
#
# ## What the ratio does not tell
#
# Two observations make it a rule of thumb rather than a law. SGD at
# $\eta = 0.1$ sits several times above $10^{-3}$, and in section 1.7 it
# trained as well as Momentum. And Momentum, with the same effective step as
# SGD at $0.1$, has much smaller ratios:

# %% tolerance={"rel": 0.1}
shorter_steps = typical["SGD, η = 0.1"] / typical["Momentum"]
print("SGD at 0.1 over Momentum, per seed: from", approx(shorter_steps.min(), 1), "to",
      approx(shorter_steps.max(), 1), "; sqrt((1 + 0.9) / (1 - 0.9)) =", round(np.sqrt(1.9 / 0.1), 2))
assert np.all((3 < shorter_steps) & (shorter_steps < 6))        # about four times shorter steps, every seed

# %% [markdown]
# The noisy bowl of section 1.5 showed the reason. For pure noise,
# Momentum's velocity averages the mini-batch noise out of each step (its
# steps are $\sqrt{(1+\alpha)/(1-\alpha)} \approx 4.36$ times shorter than
# SGD's at the same effective step), while its position drifts as far. The
# ratio measures the size of the steps, and much of a mini-batch step is
# noise. So read it for orders of magnitude: $10^{-5}$ means nothing is
# learning, $10^{-1}$ means the weights are being thrown around, and a ratio
# a few times below $10^{-3}$ suggests trying a larger $\eta$.

# %% [markdown]
# ## Summary
#
# - The **update-to-weight ratio** $\lVert\Delta W\rVert/\lVert W\rVert$ of
#   each weight matrix costs two lines in the training loop and shows within
#   a hundred updates whether the learning rate is far off; the rule of
#   thumb is about $10^{-3}$.
# - On MNIST, in each of five seeds, SGD at $\eta = 0.01$ sits well below
#   $10^{-3}$ (it was the slow one in section 1.6), Momentum and Adam close
#   to it, SGD at $\eta = 0.1$ several times above (and it trained well).
# - The layers differ by a few times; with plain SGD the first and last
#   weight matrices move most.
# - Momentum's ratio is about four times smaller than SGD's at the same
#   effective step: its velocity shortens the noisy steps, not the drift.
#   The ratio measures steps, noise included: read it for orders of
#   magnitude.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: Adam with ten times the step
#
# **Predict first.** Adam's step per weight is of the order of $\eta$,
# whatever the gradient's scale. With $\eta = 0.01$ instead of $0.001$,
# where will its median ratio (updates 51 to 150, five seeds) lie?
#
# - `"a"`: below $3\cdot10^{-3}$ (about where it was);
# - `"b"`: between $3\cdot10^{-3}$ and $3\cdot10^{-2}$;
# - `"c"`: above $3\cdot10^{-2}$.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`; the self-check measures it.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    measured = np.median([train_recording_ratios(five_layer_network(i), Adam(lr=0.01), x_train, t_train, UPDATES,
                                                 128, np.random.default_rng(b))[1][SUMMARIZE_FROM:] for i, b in SEEDS])
    return {"a": measured < 3e-3, "b": 3e-3 <= measured < 3e-2, "c": measured >= 3e-2}


check_choice(prediction, facts, exercise=1, hint="how does Adam's step depend on eta?")

# %% [markdown]
# ### Exercise 2: a learning rate from the ratio
#
# Find the SGD learning rate at which the median ratio over updates 51 to
# 150 (first seed, all five weight matrices) is $10^{-3}$, to within 20 %,
# using only `train_recording_ratios`: write `median_ratio(lr)`, then search
# over $\eta$ (bisection on $\log\eta$ works; the ratio grows with $\eta$).
# Put your result in `lr_for_one_in_a_thousand`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def median_ratio(lr):
    """Median update-to-weight ratio of SGD at `lr` over updates 51 to 150, first seed."""
    # BEGIN SOLUTION
    _, ratios = train_recording_ratios(five_layer_network(0), SGD(lr=lr), x_train, t_train, UPDATES, 128,
                                       np.random.default_rng(1))
    return float(np.median(ratios[SUMMARIZE_FROM:]))
    # END SOLUTION


# BEGIN SOLUTION
low, high = np.log(0.01), np.log(0.1)       # the ratio is below 1e-3 at 0.01 and above it at 0.1
for _ in range(8):
    middle = (low + high) / 2
    low, high = (middle, high) if median_ratio(np.exp(middle)) < 1e-3 else (low, middle)
lr_for_one_in_a_thousand = float(np.exp((low + high) / 2))
# END SOLUTION

# %% tags=["self-check"]
your_lr = float(lr_for_one_in_a_thousand)
assert 0 < your_lr < 1, "a learning rate between 0 and 1"
_, check_ratios = train_recording_ratios(five_layer_network(0), SGD(lr=your_lr), x_train, t_train, UPDATES, 128,
                                         np.random.default_rng(1))
assert 0.8e-3 <= np.median(check_ratios[SUMMARIZE_FROM:]) <= 1.25e-3, (
    "at your learning rate the median ratio is not within 20 % of 1e-3: search further")
print("Exercise 2: correct. Compare your rate with SGD's 0.01 and Momentum's effective 0.1.")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | update-to-weight ratio | 更新量と重みの比 | 更新量与权重之比 | ‖ΔW‖/‖W‖ of one weight matrix in one update; about 10⁻³ is a rule of thumb for a reasonable learning rate |
# | Frobenius norm | フロベニウスノルム | 弗罗贝尼乌斯范数 | the square root of the sum of the squares of a matrix's entries |
#
# See the whole [glossary](../glossary.md).

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
# # 3.4 What BatchNorm buys: a larger learning rate, and why
#
# Section 3.2 kept the original's $\eta = 0.01$ and asked whether BatchNorm
# rescues a bad weight scale. In practice the larger gain is another: a
# network with BatchNorm tolerates a much larger learning rate. Ioffe &
# Szegedy (2015) raised the initial learning rate of their Inception network
# 5 and 30 times once it had BatchNorm, and reached the original accuracy in
# 14 times fewer training steps. This section measures the same effect on
# our small problem, and weighs three accounts of why it happens.
#
# **Learning goals.** After this section you can
#
# - run a learning-rate sweep with and without BatchNorm, and report its
#   result honestly: as a range the grid can resolve, with the best learning
#   rate chosen on one set of images and scored on another;
# - explain internal covariate shift, and why Santurkar et al. (2018) found a
#   smoother loss instead;
# - show that SGD grows scale-invariant weights and so lowers their effective
#   learning rate, and say what weight decay does to such weights.

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

from common.display.normalization import learning_rate_sweep, weight_norm_growth
from common.display.plot import save_figure
from common.display.report import approx, seed_summary
from common.experiments.normalization_runs import BN, PLAIN, sweep_learning_rates
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist()

# %% [markdown]
# ## The learning-rate sweep
#
# **Settings.** The network of section 3.2 (784-100×5-10, ReLU), started at
# the He scale so that the plain network starts well too; the first 1000
# training images; SGD with mini-batches of 100 for 5 epochs (50 updates);
# seven learning rates $\eta$ = 0.01, 0.03, 0.1, …, 10, about a factor of 3
# apart; with and without BatchNorm, from the same 5 pairs of seeds (initial
# weights, mini-batches): 70 runs. Two sets of images that are never trained
# on: the next 1000 (**validation**), on which we compare learning rates and
# choose, and the 1000 after those (**test**), which no choice looks at.
# Accuracies are in inference mode. Runs that overflow (loss NaN) are part
# of the result.
#
# *Predict before you run:* the plain network learns best at some $\eta$.
# How many times larger may $\eta$ be with BatchNorm before it, too, fails?

# %% tolerance={"abs": 0.05}
LEARNING_RATES = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
SEEDS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]      # (initial weights, mini-batches)
sweep = sweep_learning_rates(x_train, t_train, LEARNING_RATES, SEEDS)

TRAINS = 0.4                                          # "still trains": mean validation accuracy, four times chance
mean_validation = {name: acc.mean(axis=0) for name, acc in sweep.validation.items()}
largest = {name: max(lr for lr, m in zip(LEARNING_RATES, means) if m >= TRAINS)
           for name, means in mean_validation.items()}
assert largest == {BN: 3.0, PLAIN: 0.3}, largest
for name, lr in largest.items():
    above = LEARNING_RATES[LEARNING_RATES.index(lr) + 1]
    print(f"{name}: still trains at η = {lr}, fails at η = {above}")
print("mean validation accuracy per η:")
for name, means in mean_validation.items():
    print(f"  {name:28s}", [approx(m, 2) for m in means])

# %%
save_figure(learning_rate_sweep(LEARNING_RATES, sweep.validation, TRAINS), "03_learning_rate_sweep")
plt.show()

# %% [markdown]
# How much larger, then? On this grid the largest learning rate that still
# trains is 3 with BatchNorm and 0.3 without: ten times. But the grid cannot
# say more than that each limit lies between the last $\eta$ that trains and
# the next one, so the true ratio is somewhere between $3/1 = 3$ and
# $10/0.3 \approx 33$. "An order of magnitude, give or take a factor of three"
# is what these 70 runs support (`images/03_learning_rate_sweep.png`).
#
# **Which network is better at its best?** Picking each network's best $\eta$
# by its validation accuracy and reporting that same accuracy is optimistic:
# of seven learning rates, the best looks good partly by luck on those 1000
# images (chapter 5 measures this optimism). So we choose on the validation
# images and report the test images, which the choice never saw.

# %% tolerance={"abs": 0.03}
chosen = {name: LEARNING_RATES[int(np.argmax(means))] for name, means in mean_validation.items()}
at_chosen = {name: sweep.test[name][:, LEARNING_RATES.index(chosen[name])] for name in chosen}
gap = at_chosen[BN].mean() - at_chosen[PLAIN].mean()
assert chosen[PLAIN] == 0.1 and chosen[BN] in (0.3, 1.0), chosen
assert gap > 0.03 and np.all(at_chosen[BN] > at_chosen[PLAIN].max()), at_chosen     # better, seed by seed
print("learning rate chosen on the validation images:", chosen)
print("test accuracy at the chosen η:")
print(seed_summary(at_chosen))
print("BatchNorm's advantage on the test images:", approx(gap, 3))

# %% [markdown]
# Chosen on validation and scored on fresh images, BatchNorm ends ahead at its
# best learning rate in every seed. And the original's $\eta = 0.01$ of
# section 3.2 is far below the best for either network: a fair comparison of
# two methods tunes the learning rate of each.
#
# ## Why does BatchNorm help? Three accounts
#
# **Internal covariate shift.** Ioffe & Szegedy (2015) named the problem they
# set out to solve: as the parameters of the early layers change, the
# distribution of every later layer's inputs shifts, so each layer must keep
# adapting to a moving target. They called this **internal covariate shift**
# and designed BatchNorm to remove it by fixing each feature's mean and
# variance. It is the account of the original paper and the original book.
#
# **A smoother loss landscape.** Santurkar, Tsipras, Ilyas & Mądry (2018) put
# that account to a test. They added random noise *after* each BatchNorm
# layer, a random mean and variance for every unit, changing at every step, so
# that the layers' input distributions shifted more than without BatchNorm;
# the network still trained about as well as with BatchNorm alone. By their
# measure, networks with BatchNorm had no less internal covariate shift. What
# BatchNorm did was to make the loss and its gradient change more slowly as the
# weights move (smaller Lipschitz constants). The gradient measured at one
# point then stays a good guide over a longer step, so a larger step is safe:
# the **smoothness** of the loss explains what the sweep measured.
#
# **Scale invariance and the effective learning rate.** Section 3.2 showed
# that the gradient of a weight matrix followed by BatchNorm is orthogonal to
# it, so plain SGD only grows it, $\lVert W - \eta\nabla L\rVert^2 =
# \lVert W\rVert^2 + \eta^2\lVert\nabla L\rVert^2$, the faster the larger
# $\eta$; as the weights grow, the effective learning rate
# $\eta/\lVert W\rVert^2$ falls. A too-large $\eta$ partly corrects itself
# (Arora, Li & Lyu 2019 call it "auto rate-tuning"). The sweep recorded, for
# each BatchNorm run, how much its hidden weights grew.
#
# *Predict before you run:* at $\eta = 3$ and at $\eta = 10$, by how much do
# the hidden weights grow in 50 steps, and which ends with the larger
# effective learning rate?

# %% tolerance={"rel": 0.3}
layer_mean_growth = sweep.growth.mean(axis=2)                             # (seed, η): mean over W1..W5
effective = np.array(LEARNING_RATES)[None, :, None] / sweep.growth**2     # η / growth², per layer
end_step = np.median(effective.mean(axis=2), axis=0)                      # per η: median over seeds
at = {lr: LEARNING_RATES.index(lr) for lr in (0.1, 1.0, 3.0, 10.0)}

assert np.all(sweep.growth > 1 - 1e-3)                                    # the hidden weights never shrink
assert np.all(sweep.growth[:, :at[0.1] + 1] < 1.01)                       # at η <= 0.1 they barely grow
assert 1.1 < layer_mean_growth[:, at[3.0]].mean() < 1.5                   # at η = 3 by about a quarter
assert np.median(layer_mean_growth[:, at[10.0]]) > 2                      # at η = 10 more than twice
assert end_step[at[10.0]] < end_step[at[3.0]]                             # ...and ends with the smaller step
print("growth of the hidden weights' norms in 50 steps (mean over layers, median over seeds):",
      {lr: approx(np.median(layer_mean_growth[:, at[lr]]), 3) for lr in (1.0, 3.0, 10.0)})
print("effective learning rate at the end, η / growth² (median over seeds):",
      {lr: approx(end_step[at[lr]], 2) for lr in (3.0, 10.0)})

# %%
save_figure(weight_norm_growth(LEARNING_RATES, sweep.growth), "03_weight_norm_growth")
plt.show()

# %% [markdown]
# Up to $\eta = 0.1$ the weights hardly move in norm; at $\eta = 3$ they grow
# by about a quarter in 50 steps, at $\eta = 10$ to more than twice their
# size, so that by the end the $\eta = 10$ network steps *less*, relative to
# its weights, than the $\eta = 3$ network
# (`images/03_weight_norm_growth.png`). The tuning has limits: it acts only
# after the first large steps, and the last layer, which no BatchNorm
# follows, is not protected at all.
#
# **Weight decay under BatchNorm.** Van Laarhoven (2017) drew a consequence
# for weight decay (chapter 4). For a layer followed by BatchNorm the penalty
# $\frac\lambda2\lVert W\rVert^2$ cannot prefer simpler functions, since any
# $cW$ computes the same one. What it does is shrink $\lVert W\rVert$, against
# the growth above, and so keep the effective learning rate high: on those
# weights weight decay is a learning-rate control, not a regularizer.
#
# None of the three accounts is the whole story, but the last two rest on
# measurements: BatchNorm's main gift is an easier optimization at larger
# steps, not stable distributions as such.
#
# ## Summary
#
# - With BatchNorm the network still trains at learning rates about ten times
#   larger than without (on a grid of factor 3: between 3 and 33 times), and at
#   the learning rate chosen on validation images it is more accurate on test
#   images, in every seed.
# - Internal covariate shift, the original motivation, did not survive
#   Santurkar et al.'s test; a smoother loss did.
# - Scale-invariant weights grow under SGD, fastest at large $\eta$, which
#   lowers their effective learning rate $\eta/\lVert W\rVert^2$; weight decay
#   raises it again.
#
# ## Exercises
#
# ### Exercise 1: choose on one set, report on another
#
# Write `choose_then_report(validation, test, learning_rates)`: given arrays of
# shape (seeds, learning rates), return the learning rate with the highest
# mean validation accuracy and the mean *test* accuracy there. Then compare,
# for each network, the mean validation accuracy at the chosen learning rate
# with the test accuracy your function reports.

# %% jupyter={"source_hidden": true} tags=["solution"]
def choose_then_report(validation, test, learning_rates):
    # BEGIN SOLUTION
    best = int(np.argmax(np.mean(validation, axis=0)))
    return learning_rates[best], float(np.mean(np.asarray(test)[:, best]))
    # END SOLUTION


# %% tags=["self-check"]
toy_validation = np.array([[0.5, 0.9, 0.7], [0.6, 0.8, 0.9]])
toy_test = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
toy = choose_then_report(toy_validation, toy_test, [1, 2, 3])
assert toy[0] == 2, "choose by the mean over seeds of the validation accuracy"
assert abs(toy[1] - 0.35) < 1e-12, "report the mean test accuracy at the chosen learning rate"
for name in (BN, PLAIN):
    lr, score = choose_then_report(sweep.validation[name], sweep.test[name], LEARNING_RATES)
    assert lr == chosen[name] and abs(score - at_chosen[name].mean()) < 1e-12, name
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: the growth from the gradient
#
# Section 3.2's right triangle says $\lVert W_{t+1}\rVert^2 = \lVert W_t\rVert^2
# + \eta^2\lVert\nabla L_t\rVert^2$. Write `norm_growth(norm_start, lr,
# gradient_norms)` that returns the norm after the steps whose gradient norms
# are listed, using only that formula. Then predict: if every gradient norm is
# proportional to $1/\lVert W\rVert$, does a ten times larger $\eta$ make the
# weights grow more or less than ten times as fast?

# %% jupyter={"source_hidden": true} tags=["solution"]
def norm_growth(norm_start, lr, gradient_norms):
    # BEGIN SOLUTION
    squared = norm_start**2 + lr**2 * np.sum(np.square(gradient_norms))
    return float(np.sqrt(squared))
    # END SOLUTION


# %% tags=["self-check"]
assert abs(norm_growth(3.0, 1.0, [4.0]) - 5.0) < 1e-12, "one step with legs 3 and 4 gives 5"
assert abs(norm_growth(1.0, 0.5, [2.0, 2.0, 2.0, 2.0]) - np.sqrt(5.0)) < 1e-12, "add eta^2 |g|^2 for every step"
rng_check = np.random.default_rng(71)
W = rng_check.standard_normal((30, 20))
norms, current = [], W.copy()
for _ in range(5):                         # five steps along directions orthogonal to the current W
    g = rng_check.standard_normal(W.shape)
    g -= np.sum(g * current) / np.sum(current * current) * current
    norms.append(np.linalg.norm(g))
    current = current - 0.3 * g
assert abs(norm_growth(np.linalg.norm(W), 0.3, norms) - np.linalg.norm(current)) < 1e-9, \
    "your norm differs from the norm after five orthogonal steps"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | Definition |
# |---|---|---|---|
# | learning-rate sweep | 学習率スイープ | 学习率扫描 | Training the same setting at a grid of learning rates (usually spaced on a log scale) to see where it learns best and where it fails. |
# | internal covariate shift | 内部共変量シフト | 内部协变量偏移 | The change in the distribution of a layer's inputs while the parameters of the layers before it change; the problem BatchNorm was designed to remove (Ioffe & Szegedy 2015). |
# | loss-landscape smoothness | 損失地形の滑らかさ | 损失曲面的平滑性 | How little the loss and its gradient change when the weights move (small Lipschitz constants); BatchNorm increases it, which makes larger steps safe (Santurkar et al. 2018). |
#
# See the whole [glossary](../glossary.md).

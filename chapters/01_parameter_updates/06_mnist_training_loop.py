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
# # 1.6 MNIST: the training loop and the seven rules
#
# Sections 1.2 to 1.4 watched the seven update rules on surfaces of two
# parameters. Now they train a real network: the MNIST experiment of the
# original book ("Deep Learning from Scratch", chapter 6), extended to all
# seven rules. First we write the training loop itself, the dozen lines that
# every later experiment runs.
#
# **Learning goals.** After this section you can
#
# - write a mini-batch training loop (sample a batch, loss and gradient,
#   update, record the loss) and say what the library's `Trainer` adds;
# - compare the seven rules fairly on MNIST (same initial weights, same
#   mini-batches) and read the result from numbers less noisy than the last
#   point of a loss curve.

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

from common.display.curves import loss_small_multiples
from common.display.plot import save_figure, smooth_curve
from common.display.report import approx
from common.display.source import show
from common.experiments.mnist_runs import mean_of_last, train_side_by_side
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD, AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()

# %% [markdown]
# ## The training loop
#
# Training a network is the same four steps, repeated:
#
# 1. **sample** a mini-batch: `batch_size` random indices into the 60,000
#    training images;
# 2. compute the **loss and its gradient** on that batch (one forward and one
#    backward pass);
# 3. let the optimizer **update** the parameters, in place;
# 4. **record** the loss, to see whether training is working.
#
# As in the original book, every batch is drawn independently, with
# replacement: the same image may appear twice in one batch, and some images
# are never drawn. The randomness comes from a `numpy.random.Generator`
# passed in, so the same seed gives the same batches.

# %%
def train(network, optimizer, x, t, iterations, batch_size, rng):
    """Mini-batch training; returns the loss of every mini-batch, measured before its update."""
    losses = []
    for _ in range(iterations):
        batch = rng.choice(len(x), batch_size)               # batch_size indices, with replacement
        loss, grads = network.loss_and_gradient(x[batch], t[batch])
        optimizer.update(network.params, grads)              # changes network.params in place
        losses.append(loss)
    return losses


# %% [markdown]
# The network is the original's: 784 inputs, four hidden layers of 100 ReLU
# units with He initial weights, 10 outputs. It computes in single precision
# (`float32`, about seven significant digits, far more than the noise of a
# mini-batch gradient needs), which roughly halves the time of a step. We
# train it for 2,000 updates on mini-batches of 128 with SGD at
# $\eta = 0.01$. The initial weights come from seed 0, the mini-batches
# from seed 1.

# %% tolerance={"rel": 0.1}
def five_layer_network(seed):
    return MultiLayerNet(784, [100, 100, 100, 100], 10, activation="relu", weight_init_std="he",
                         rng=np.random.default_rng(seed), dtype=np.float32)


losses = train(five_layer_network(0), SGD(lr=0.01), x_train, t_train, iterations=2000, batch_size=128,
               rng=np.random.default_rng(1))
print(f"{len(losses)} updates; loss of the first batch {approx(losses[0], 3)}, "
      f"mean of the last 100 {approx(np.mean(losses[-100:]), 3)}")
assert abs(losses[0] - np.log(10)) < 0.2        # a fresh network guesses: about ln 10 = 2.303
assert np.mean(losses[-100:]) < 0.3 * losses[0]  # and it learns

# %% [markdown]
# The first loss is close to $\ln 10 \approx 2.303$, the cross-entropy of a
# network that gives each of the ten digits about the same probability.
#
# The rest of the book trains with the library's `Trainer`
# (`common/experiments/trainer.py`). It runs this loop, and adds what a
# longer experiment needs: epochs, evaluation on held-out data, learning-rate
# schedules, a warning when the loss stops being finite. Its batches come
# from this generator:

# %%
show(Trainer._batches)

# %% [markdown]
# `sampling="replacement"` draws each batch exactly as our loop does. The
# default, `"shuffle"`, walks through a fresh permutation of the data every
# epoch, so each image is seen once per epoch. Same seeds, same settings:
# the Trainer must give exactly the same 2,000 losses as our loop.

# %%
history = Trainer(five_layer_network(0), SGD(lr=0.01), x_train, t_train, iterations=2000, batch_size=128,
                  sampling="replacement", rng=np.random.default_rng(1)).train()
print("the Trainer's losses are the loop's, all 2,000 of them, bit for bit:", history["train_loss"] == losses)
assert history["train_loss"] == losses

# %% [markdown]
# ## Seven rules on MNIST
#
# The settings of the original book for its four rules, and common settings
# for the other three:
#
# | rule | setting on MNIST |
# |---|---|
# | SGD | $\eta = 0.01$ (original) |
# | Momentum | $\eta = 0.01$, $\alpha = 0.9$ (original) |
# | Nesterov | $\eta = 0.01$, $\alpha = 0.9$ (as Momentum) |
# | AdaGrad | $\eta = 0.01$ (original) |
# | RMSprop | $\eta = 0.001$ (a common default), decay rate $\rho = 0.9$ (Hinton's suggestion) |
# | AdaDelta | decay rate $\rho = 0.95$, $\epsilon = 10^{-6}$ (Zeiler's values) |
# | Adam | $\eta = 0.001$, $\beta_1 = 0.9$, $\beta_2 = 0.999$ (original) |
#
# For a fair race every rule starts from the **same initial weights** (seed
# 0) and sees the **same mini-batches** (seed 1). The conditions are data:
# a dict from a name to an optimizer. `train_side_by_side` runs, for each
# name and seed, a fresh network, a fresh copy of the optimizer and the
# `Trainer`; the runs are independent, so it trains them side by side on the
# machine's cores (`common/experiments/mnist_runs.py`). With `remember=True`
# it also keeps each run's losses and test accuracy in a results store
# (`common/experiments/store.py`): sections 1.7 and 1.8 continue these runs and read
# them back instead of training them again.
#
# **Predict before you run:** the original book found SGD clearly slowest.
# Will the three rules it did not test (Nesterov, RMSprop, AdaDelta) land
# with the fast group or with SGD?

# %%
RULES = {
    "SGD": SGD(lr=0.01),
    "Momentum": Momentum(lr=0.01, momentum=0.9),
    "Nesterov": Nesterov(lr=0.01, momentum=0.9),
    "AdaGrad": AdaGrad(lr=0.01),
    "RMSprop": RMSprop(lr=0.001, decay_rate=0.9),
    "AdaDelta": AdaDelta(decay_rate=0.95, eps=1e-6),
    "Adam": Adam(lr=0.001),
}
seed_0 = train_side_by_side(RULES, seeds=[(0, 1)], train=(x_train, t_train), test=(x_test, t_test),
                            remember=True)
mnist_losses = {name: runs.losses[0] for name, runs in seed_0.items()}

# %%
fig = loss_small_multiples(mnist_losses, title="MNIST, 784-100-100-100-100-10 ReLU, batch 128, seed 0")
save_figure(fig, "01_mnist_optimizers")
plt.show()

# %% [markdown]
# Each panel of `images/01_mnist_optimizers.png` shows one rule's loss,
# smoothed as in the original book, with the other six in grey. SGD's curve
# sits above all the others from the first hundred updates to the end.
#
# The last value of a smoothed curve is itself noisy (it depends on the last
# few batches), so we compare the mean loss of the last 100 updates too,
# and the accuracy on the 10,000 test images.

# %% tolerance={"rel": 0.4}
final_smoothed = {name: float(smooth_curve(curve)[-1]) for name, curve in mnist_losses.items()}
print("last value of the smoothed curve:", {name: approx(v, 3) for name, v in final_smoothed.items()})
assert max(final_smoothed, key=final_smoothed.get) == "SGD"                       # SGD ends highest
assert all(final_smoothed["SGD"] > 2 * v for name, v in final_smoothed.items() if name != "SGD")

# %% tolerance={"abs": 0.005, "rel": 0.1}
last_mean = {name: float(mean_of_last(curve)) for name, curve in mnist_losses.items()}
test_accuracy = {name: float(runs.test_accuracy[0]) for name, runs in seed_0.items()}
print("mean loss of the last 100 updates:", {name: approx(v, 3) for name, v in last_mean.items()})
print("test accuracy:", {name: approx(v, 3) for name, v in test_accuracy.items()})
others = [name for name in RULES if name != "SGD"]
assert all(last_mean["SGD"] > 2 * last_mean[name] for name in others)    # SGD: more than twice each other rule
assert min(test_accuracy, key=test_accuracy.get) == "SGD"                  # and the lowest test accuracy
assert max(test_accuracy[n] for n in others) - min(test_accuracy[n] for n in others) < 0.02  # the six: close

# %% [markdown]
# SGD is the outlier: its mean loss over the last 100 updates is more than
# twice that of every other rule, and its test accuracy is the lowest. The
# three rules the original book did not test land with the fast group. The
# other six end within two percentage points of each other in test
# accuracy. As in the original, AdaGrad is among the fastest: 2,000 updates
# are not enough for its ever-shrinking step to hurt.
#
# This is one draw: one initial network, one sequence of batches. Would
# another seed give another ranking, and does SGD lose because of its rule
# or because of its step size? Section 1.7 answers both questions.

# %% [markdown]
# ## Summary
#
# - The training loop is four steps: sample a mini-batch, compute loss and
#   gradient, `optimizer.update(network.params, grads)`, record the loss.
#   The library's `Trainer` runs the same loop: same seeds and settings, the
#   same losses bit for bit. Later sections use it.
# - For a fair race, every rule starts from the same initial weights and
#   sees the same mini-batches; `train_side_by_side` trains one fresh
#   network per rule and seed on the machine's cores.
# - On MNIST (784-100-100-100-100-10 ReLU, batch 128, 2,000 updates, seed
#   0), plain SGD at the original $\eta = 0.01$ ends with more than twice
#   the mean loss of each of the other six rules over the last 100 updates,
#   and with the lowest test accuracy; the other six end within two
#   percentage points of each other in test accuracy. Nesterov, RMSprop
#   and AdaDelta, which the original book did not test, land with the fast
#   group.
# - The last point of a loss curve is noisy: compare the mean of the last
#   100 losses, and the accuracy on held-out test images.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: a learning-rate range test
#
# How would you find a sensible learning rate without a sweep of full
# trainings? A **learning-rate range test** (Smith 2017) trains once, for a
# few hundred updates, while raising $\eta$ geometrically from very small to
# very large, and records the loss after each. The loss stays flat while
# $\eta$ is too small, falls once $\eta$ is large enough to learn, and shoots
# up when $\eta$ is too large. A good $\eta$ lies where the loss falls
# steeply, below the point where it turns back up.
#
# Write `range_test`: it starts from `five_layer_network(0)` and SGD, and
# for update $k = 0, 1, \dots$, `steps` $- 1$ sets the learning rate to
# $\eta_k = $ `start` $\cdot$ `factor`$^k$ (from $10^{-4}$ up to about
# 0.6 with the defaults) and makes one update of our `train`
# loop's kind (a batch of 128 drawn with replacement from `rng`). It
# returns the learning rates and the losses, one per update. Then look at
# your curve (plot `smooth_curve(losses)` against the rates, log x axis)
# and set `chosen_lr`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def range_test(start=1e-4, factor=1.045, steps=200, batch_size=128, rng=None):
    """One short training with eta_k = start * factor**k at update k; returns (rates, losses)."""
    # BEGIN SOLUTION
    network, optimizer = five_layer_network(0), SGD(lr=start)
    rates, losses = [], []
    for k in range(steps):
        optimizer.lr = start * factor ** k
        batch = rng.choice(len(x_train), batch_size)
        loss, grads = network.loss_and_gradient(x_train[batch], t_train[batch])
        optimizer.update(network.params, grads)
        rates.append(optimizer.lr)
        losses.append(loss)
    return np.array(rates), np.array(losses)
    # END SOLUTION


rates, range_losses = range_test(rng=np.random.default_rng(1))
# BEGIN SOLUTION
smoothed = smooth_curve(range_losses)
chosen_lr = float(rates[np.argmin(smoothed)] / 10)    # a tenth of the rate where the loss is lowest
# END SOLUTION

# %% tags=["self-check"]
your_rates, your_losses, your_lr = np.asarray(rates, dtype=float), np.asarray(range_losses, dtype=float), chosen_lr
assert your_rates.shape == your_losses.shape == (200,), "one learning rate and one loss per update, 200 updates"
assert np.all(np.diff(your_rates) > 0), "the learning rate must rise at every update"
assert np.allclose(your_rates, 1e-4 * 1.045 ** np.arange(200)), "eta_k = start * factor ** k, from k = 0"
reference = Trainer(five_layer_network(0), SGD(lr=1e-4), x_train, t_train, iterations=200, batch_size=128,
                    sampling="replacement", rng=np.random.default_rng(1),
                    schedule=lambda k: 1e-4 * 1.045 ** k).train()["train_loss"]
assert np.allclose(your_losses, reference, rtol=1e-5), (
    "not the losses of one update per rate: draw each batch with rng.choice, set the rate before the update")
curve = smooth_curve(your_losses)
learning = your_rates[np.argmax(curve < 0.9 * curve[:10].mean())]      # where the loss starts to fall
lowest = your_rates[np.argmin(curve)]                                  # where it is lowest
assert learning / 2 <= float(your_lr) <= lowest, (
    "your chosen rate is outside the range where the loss falls: look at the curve again")
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: sampling with replacement
#
# Our loop draws each batch of 128 independently, with replacement. In 468
# updates it draws $468 \cdot 128 = 59{,}904$ indices, about one epoch's
# worth. Which fraction of the 60,000 training images does it draw at least
# once? Work it out on paper (each draw misses a given image with
# probability $1 - 1/60{,}000$), then set `fraction_seen` to your formula's
# value. The self-check draws the batches and counts.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
fraction_seen = 1 - (1 - 1 / 60_000) ** (468 * 128)      # about 1 - 1/e
# END SOLUTION

# %% tags=["self-check"]
your_fraction = float(fraction_seen)
draws = np.random.default_rng(1)
seen = np.zeros(60_000, dtype=bool)
for _ in range(468):
    seen[draws.choice(60_000, 128)] = True
assert abs(your_fraction - seen.mean()) < 0.005, (
    "not what the draws give: the chance that one image is never drawn is (1 - 1/60000) ** draws")
print("Exercise 2: correct. With sampling='shuffle' the Trainer draws every image once per epoch instead.")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | training loop | 学習ループ | 训练循环 | the repeated steps of training: sample a mini-batch, compute loss and gradient, update the parameters, record the loss |
# | learning-rate range test | 学習率レンジテスト | 学习率范围测试 | one short training with a geometrically rising learning rate, read for the range in which the loss falls (Smith 2017) |
#
# See the whole [glossary](../glossary.md).

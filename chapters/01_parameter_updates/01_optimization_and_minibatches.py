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
# # 1.1 Training is optimization: batch, stochastic and mini-batch gradient descent
#
# Backpropagation tells us, for every weight of a network, which way is
# downhill: the gradient of the loss. It does not tell us how far to go, nor
# what to do when "downhill" changes from one step to the next. That is the
# job of the **optimizer**, the rule that turns gradients into parameter
# updates. This section sets up the problem and answers the first practical
# question: how many training examples should one gradient use?
#
# **Learning goals.** After this section you can
#
# - say why training is an optimization problem without a closed-form answer,
#   and what an optimizer is allowed to use (values and gradients, nothing
#   more);
# - explain why a network's loss is not convex, using the twins obtained by
#   reordering hidden units;
# - compare batch, stochastic and mini-batch gradient descent by progress per
#   update, progress per example, gradient noise and cost;
# - explain why mini-batch gradient descent is today's default.

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
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from common.display.plot import save_figure
from common.display.report import approx
from common.display.surfaces import batch_size_panels
from common.networks import MultiLayerNet
from common.optimizers import SGD, Adam
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist()

# %% [markdown]
# ## Training is optimization
#
# A network with parameters $W$ (all weights and biases, flattened into one
# long vector) has a training loss
#
# $$L(W) = \frac{1}{N}\sum_{i=1}^{N} \ell_i(W),$$
#
# the average over the $N$ training examples of the loss $\ell_i$ on example
# $i$ (here, cross-entropy). Training means finding a $W$ that makes $L$
# small. Three things make that hard:
#
# - **Size.** The network of this chapter's MNIST experiment (784 inputs, four
#   hidden layers of 100 units, 10 outputs) has over a hundred thousand
#   parameters. We cannot look at the surface $L(W)$, let alone search it on a
#   grid.
# - **No closed form.** Setting $\nabla L(W) = 0$ gives a system of nonlinear
#   equations with no formula for its solution (unlike linear least squares).
# - **Non-convexity.** Reorder the hidden units of a layer (permute the
#   columns of the weights into the layer and the rows of the weights out of
#   it) and the network computes exactly the same function. So every minimum
#   has many twins: $100!$ per hidden layer of 100 units. If the loss were
#   convex, the straight line between two minima would stay at the minimum
#   value; for a network, the point halfway between twins is typically much
#   worse. The surface has many valleys, with ridges and saddle points
#   between them.
#
# We check the first and the last point. For the last we train a small
# network (784 → 50 → 10) for 300 steps with the Adam optimizer (section 1.3),
# then compare it with its twin and with the point halfway between the two.
#
# A number printed with a leading ≈, like these losses, comes out of
# training. Its last digits depend on the processor that computed it (the
# order in which a matrix product adds up its terms is the CPU's choice, and
# training amplifies such tiny differences), so read it as a measurement, not
# as an exact value.

# %% tolerance={"abs": 0.02, "rel": 0.1}
mnist_net = MultiLayerNet(784, [100] * 4, 10, activation="relu", weight_init_std="he")
n_parameters = sum(p.size for p in mnist_net.params.values())
print("parameters of the MNIST network:", n_parameters)
assert n_parameters > 100_000


def small_net():
    return MultiLayerNet(784, [50], 10, activation="relu", weight_init_std="he", rng=np.random.default_rng(0))


x_few, t_few = x_train[:2000], t_train[:2000]
trained, optimizer, rng = small_net(), Adam(lr=0.01), np.random.default_rng(0)
for _ in range(300):
    batch = rng.integers(0, len(x_few), 100)
    optimizer.update(trained.params, trained.gradient(x_few[batch], t_few[batch]))

twin, midway = small_net(), small_net()
order = np.arange(50)[::-1]                      # hidden units in reverse order
twin.params["W1"][...] = trained.params["W1"][:, order]
twin.params["b1"][...] = trained.params["b1"][order]
twin.params["W2"][...] = trained.params["W2"][order, :]
twin.params["b2"][...] = trained.params["b2"]
for key in midway.params:
    midway.params[key][...] = (trained.params[key] + twin.params[key]) / 2

losses = {name: float(n.loss(x_few, t_few)) for name, n in [("trained", trained), ("twin", twin),
                                                            ("halfway", midway)]}
print("loss on the 2,000 training images:", {k: approx(v, 3) for k, v in losses.items()})
assert np.allclose(trained.predict(x_few), twin.predict(x_few))  # the twin computes the same function
assert losses["halfway"] > 10 * losses["trained"]                # the point between them is much worse

# %% [markdown]
# The twin has the same loss (it computes the same function), and the point
# halfway between the two is far worse: a ridge lies between two equally
# good valleys.
#
# So an optimizer works with local information only. At the current point it
# can ask for the loss and, thanks to backpropagation, for the gradient
# $\nabla L(W)$ at about the cost of one forward and one backward pass. Every
# method in this chapter is a rule
#
# $$W \leftarrow W + \Delta W\bigl(\text{the gradients seen so far}\bigr),$$
#
# and they differ only in how $\Delta W$ is built. The simplest choice is a
# small step against the gradient, $\Delta W = -\eta\, \nabla L$, with the
# **learning rate** $\eta$: gradient descent.

# %% [markdown]
# ## Batch, stochastic and mini-batch gradient descent
#
# The gradient of $L$ is the average of the per-example gradients,
# $\nabla L = \frac1N \sum_i \nabla \ell_i$. We need not compute all $N$ of them
# for every step: the average over a random **mini-batch** $B$ of $|B|$
# examples,
#
# $$g_B = \frac{1}{|B|} \sum_{i \in B} \nabla \ell_i(W),$$
#
# is an unbiased estimate of $\nabla L$. Its error shrinks as the batch grows:
# for examples drawn independently, the mean squared error is
#
# $$\mathbb{E}\,\lVert g_B - \nabla L \rVert^2 = \frac{\sigma^2}{|B|},\qquad
# \sigma^2 = \frac1N \sum_i \lVert \nabla \ell_i - \nabla L \rVert^2 .$$
#
# Three classic choices follow. **Batch** gradient descent uses all $N$
# examples per step (exact gradient, expensive steps). **Stochastic**
# gradient descent (SGD) in the strict sense uses one example (cheap, very
# noisy steps). **Mini-batch** gradient descent sits between, with tens to
# hundreds of examples. (Today "SGD" usually means the mini-batch version; so
# does the rest of this book.)
#
# We train the same small model in all three ways: softmax regression (a
# network with no hidden layer, 7,850 parameters) on 2,000 MNIST images, with
# the same learning rate $\eta = 0.1$. The loop is short enough to read in
# full. Each pass over the data (an **epoch**) uses a fresh random order.

# %%
rng = np.random.default_rng(0)
subset = rng.choice(len(x_train), 2000, replace=False)
x_small, t_small = x_train[subset].astype(np.float64), t_train[subset]
N_SMALL = len(x_small)
CHECKPOINTS = np.unique(np.round(np.geomspace(1, 10_000, 41)).astype(int))  # 10 per decade


def train_gradient_descent(batch_size, updates, lr=0.1, seed=1):
    """Softmax regression trained by plain gradient descent on mini-batches of `batch_size`.

    Returns (updates done, loss on all 2,000 images) at the checkpoints.
    """
    net = MultiLayerNet(784, [], 10, weight_init_std=0.0)  # no hidden layer: softmax regression
    optimizer = SGD(lr=lr)
    rng = np.random.default_rng(seed)
    done, losses = [0], [net.loss(x_small, t_small)]
    order, position = rng.permutation(N_SMALL), 0
    for update in range(1, updates + 1):
        if position + batch_size > N_SMALL:              # epoch finished: reshuffle
            order, position = rng.permutation(N_SMALL), 0
        batch = order[position:position + batch_size]
        position += batch_size
        _, grads = net.loss_and_gradient(x_small[batch], t_small[batch])
        optimizer.update(net.params, grads)
        if update in CHECKPOINTS or update == updates:
            done.append(update)
            losses.append(net.loss(x_small, t_small))
    return np.array(done), np.array(losses)


VARIANTS = {  # name: (batch size, number of updates)
    "batch (B = 2000)": (N_SMALL, 50),
    "mini-batch (B = 64)": (64, 1000),
    "stochastic (B = 1)": (1, 10_000),
}
runs = {name: train_gradient_descent(b, u) for name, (b, u) in VARIANTS.items()}

# %% [markdown]
# Besides the loss we measure the two quantities that decide the race: how
# noisy $g_B$ is, and how much one update costs. The noise is measured at the
# starting point ($W = 0$) by drawing 300 random batches of each size with
# replacement and comparing with the full gradient; $\sigma^2$ comes from all
# 2,000 per-example gradients.

# %%
def flat_gradient(net, idx):
    _, grads = net.loss_and_gradient(x_small[idx], t_small[idx])
    return np.concatenate([g.ravel() for g in grads.values()])


probe = MultiLayerNet(784, [], 10, weight_init_std=0.0)
full_gradient = flat_gradient(probe, np.arange(N_SMALL))
sigma2 = np.mean([np.sum((flat_gradient(probe, [i]) - full_gradient) ** 2) for i in range(N_SMALL)])

BATCH_SIZES = [1, 4, 16, 64, 256]
rng = np.random.default_rng(2)
noise = {b: np.mean([np.sum((flat_gradient(probe, rng.integers(0, N_SMALL, b)) - full_gradient) ** 2)
                     for _ in range(300)]) for b in BATCH_SIZES}
ratio = {b: noise[b] / (sigma2 / b) for b in BATCH_SIZES}
print("measured noise / (sigma^2 / B):", {b: round(float(r), 2) for b, r in ratio.items()})
assert all(0.8 < r < 1.25 for r in ratio.values()), ratio  # the noise falls as 1/B

# %% [markdown]
# Timings differ from run to run, so this section does not measure them: the
# time of one update of this model (forward, backward, SGD step) was measured
# by `make bench` (`benchmarks/batch_cost.py`), and we read its result.

# %%
cost = json.loads(Path("../../benchmarks/batch_cost.json").read_text())
seconds_per_update = {int(b): s for b, s in cost["seconds_per_update"].items()}
per_example = {b: s / b for b, s in seconds_per_update.items()}
print("timings measured on", cost["measured_on"], "on", cost["machine"])
assert seconds_per_update[64] < 8 * seconds_per_update[1]          # 64 examples cost far less than 64 single ones
assert min(per_example, key=per_example.get) == 64                 # the lowest cost per example
assert per_example[256] > per_example[64] and per_example[2000] > per_example[64]  # beyond it, no more savings

# %%
fig = batch_size_panels(runs, {name: b for name, (b, _) in VARIANTS.items()}, noise, sigma2, seconds_per_update)
save_figure(fig, "01_batch_sizes")
plt.show()


# %% tolerance={"abs": 0.01}
def loss_after(name, *, updates=None, examples=None):
    """Loss of run `name` after a number of updates or of examples seen (interpolated on a log scale)."""
    done, losses = runs[name]
    x = done if updates is not None else done * VARIANTS[name][0]
    return float(np.interp(np.log(updates or examples), np.log(np.maximum(x, 0.5)), losses))


per_update = {name: loss_after(name, updates=50) for name in runs}
per_example_seen = {name: loss_after(name, examples=10_000) for name in runs}
print("loss after 50 updates:        ", {k: approx(v, 3) for k, v in per_update.items()})
print("loss after 10,000 examples:   ", {k: approx(v, 3) for k, v in per_example_seen.items()})
batch, mini, single = runs
assert abs(per_update[mini] - per_update[batch]) < 0.05 * per_update[batch]        # (a) B = 64 is as good as B = 2000
assert per_update[single] > 2 * per_update[batch]                                  # (a) B = 1 is far worse
assert runs[single][1].max() > np.log(10)                                          # ... and first goes uphill
assert per_example_seen[single] < per_example_seen[mini] < per_example_seen[batch]  # (b)

# %% [markdown]
# Read the four panels of `images/01_batch_sizes.png` together.
#
# - **(a) Per update**, a mini-batch of 64 does as well as the exact
#   gradient over all 2,000 images: its estimate is already good enough, and
#   more precision buys no progress. A single example is far worse. Its steps
#   point in noisy directions, and at first the loss even rises above its
#   starting value $\ln 10$ (the loss of a network that gives every class the
#   same probability).
# - **(b) Per example seen**, the order reverses: the stochastic version has
#   made 10,000 small improvements when the batch version has made 5 exact
#   ones. Nearby examples carry redundant information (many MNIST "1"s look
#   alike), so looking at all of them before moving wastes work.
# - **(c)** The noise of $g_B$ falls as $\sigma^2/B$: 64 examples cut it
#   64-fold.
# - **(d)** But on a computer, 64 examples do **not** cost 64 times one
#   example (panel (d) shows the machine named above; `make bench`
#   measures yours). A single-example update is dominated by fixed costs (Python,
#   function calls, the overhead of small matrix products); a vectorised
#   matrix product handles a few dozen rows for little more than the price of
#   one. On this machine the cost per example is lowest at $B = 64$; beyond
#   it, the cost per example stops falling and the cost per update grows
#   with $B$.
#
# Mini-batch gradient descent takes the best of both: as much progress per
# update as the full batch (a), far more progress per example seen (b), a
# 64-fold smaller noise than single examples (c) and the lowest cost per
# example (d). On a GPU the flat part of (d) extends much further, which
# is why batch sizes from 32 to a few hundred are today's default. Some of
# the remaining noise may even help, by shaking the parameters out of sharp
# minima (Keskar et al. 2017).
#
# From now on the question is what to do with $g$, the (mini-batch)
# gradient. The next sections study that on surfaces small enough to see.

# %% [markdown]
# ## Summary
#
# - Training minimizes a non-convex loss in $10^5$ or more dimensions with
#   only values and gradients; reordering hidden units gives twin minima with
#   a worse point between them.
# - Batch gradient descent takes exact, expensive steps; stochastic gradient
#   descent (one example) takes cheap, noisy ones; mini-batch gradient
#   descent sits between.
# - The noise of a mini-batch gradient falls as $\sigma^2/B$, while the cost
#   of an update grows far more slowly than $B$ up to a few hundred examples.
# - Per update, a mini-batch of 64 does as well as the full batch; per example
#   seen, it does far better. That is why mini-batches are the default.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: the epoch loop
#
# Write a generator `epoch_batches(n, batch_size, epochs, rng)` that yields
# index arrays of `batch_size` examples: for each epoch, a fresh random
# order of `range(n)` (from `rng.permutation`) cut into consecutive batches,
# with an incomplete last batch dropped. This is the batching of
# `train_gradient_descent` above, written as its own piece.

# %% jupyter={"source_hidden": true} tags=["solution"]
def epoch_batches(n, batch_size, epochs, rng):
    # BEGIN SOLUTION
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            yield order[start:start + batch_size]
    # END SOLUTION


# %% tags=["self-check"]
your_batches = [np.asarray(b) for b in epoch_batches(10, 3, 2, np.random.default_rng(5))]
assert len(your_batches) == 6, "10 examples in batches of 3 make 3 full batches per epoch; 2 epochs"
assert all(b.shape == (3,) for b in your_batches), "every batch should hold batch_size indices"
for first in (0, 3):
    seen = np.concatenate(your_batches[first:first + 3])
    assert len(set(seen.tolist())) == 9 and set(seen.tolist()) <= set(range(10)), \
        "within one epoch, no example should appear twice"
assert not np.array_equal(np.concatenate(your_batches[:3]), np.concatenate(your_batches[3:])), \
    "each epoch should use a fresh random order"
reference = np.random.default_rng(5)
expected = [reference.permutation(10)[:9] for _ in range(2)]
assert np.array_equal(np.concatenate(your_batches), np.concatenate(expected)), \
    "take each epoch's order from rng.permutation(n), one call per epoch"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: another twin
#
# Write `permuted_twin(net, order)` that returns a new network (built with
# `small_net()`) whose hidden units are those of `net` in the order `order`
# (a permutation of `range(50)`). Which weights and biases must be permuted,
# and along which axis? The self-check uses a random permutation and also
# measures the point halfway between `trained` and your twin.

# %% jupyter={"source_hidden": true} tags=["solution"]
def permuted_twin(net, order):
    # BEGIN SOLUTION
    copy = small_net()
    copy.params["W1"][...] = net.params["W1"][:, order]
    copy.params["b1"][...] = net.params["b1"][order]
    copy.params["W2"][...] = net.params["W2"][order, :]
    copy.params["b2"][...] = net.params["b2"]
    return copy
    # END SOLUTION


# %% tags=["self-check"]
random_order = np.random.default_rng(11).permutation(50)
your_twin = permuted_twin(trained, random_order)
assert your_twin is not trained, "return a new network, not the trained one"
assert np.allclose(your_twin.predict(x_few), trained.predict(x_few)), \
    "your twin computes a different function: check which axis of W1 and W2 you permute"
assert not np.allclose(your_twin.params["W1"], trained.params["W1"]), "the hidden units are not reordered"
between = small_net()
for key in between.params:
    between.params[key][...] = (trained.params[key] + your_twin.params[key]) / 2
assert between.loss(x_few, t_few) > 10 * losses["trained"], "the point between the twins should be much worse"
print("Exercise 2: correct (same function, and a ridge between the twins)")

# %% [markdown]
# ### Exercise 3: predict the cost
#
# **Predict first.** Panel (d) gives the time of one update. To see 10,000
# examples, SGD with $B = 1$ makes 10,000 updates and a mini-batch of
# $B = 64$ makes about 156. Compared with $B = 64$, the single examples need
#
# - `"a"`: less time (each of their updates is cheaper);
# - `"b"`: more, but at most 4 times as much;
# - `"c"`: more than 4 times as much.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`; the self-check computes the
# answer from `seconds_per_update`, the timings of `batch_cost.json`. Then
# compare with how much progress each makes in those 10,000 examples
# (panel (b)).

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# One update of 64 examples takes less than twice the time of an update of one (panel (d)):
# 156 such updates cost far less than 10,000 single ones (about 35 times less on the machine of
# batch_cost.json).
prediction = "c"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    ratio = (10_000 * seconds_per_update[1]) / (10_000 / 64 * seconds_per_update[64])   # time of B = 1 / of B = 64
    return {"a": ratio < 1, "b": 1 <= ratio <= 4, "c": ratio > 4}


check_choice(prediction, facts, exercise=3,
             hint="for each batch size, multiply the time of one update by the number of updates")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | optimization | 最適化 | 最优化 | finding parameters that minimize (or maximize) a function, here the training loss |
# | optimizer | 最適化手法（オプティマイザ） | 优化器 | the rule that turns gradients into parameter updates (SGD, Momentum, Adam, …) |
# | learning rate | 学習率 | 学习率 | η, the factor that scales a gradient into a step |
# | gradient descent (batch) | 勾配降下法（バッチ） | 梯度下降法（批量） | stepping against the exact gradient of the loss over all training examples |
# | stochastic gradient descent (SGD) | 確率的勾配降下法 | 随机梯度下降 | stepping against the gradient of one example or a random mini-batch |
# | mini-batch | ミニバッチ | 小批量 | a small random subset of the training data used for one update |
# | epoch | エポック | 轮次（epoch） | one pass over all training examples |
#
# See the whole [glossary](../glossary.md).

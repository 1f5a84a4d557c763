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
# # 2.2 Gradients per layer, and the MNIST comparison
#
# Section 2.1 followed the signal forward through a deep stack. Learning
# needs the other direction too: the gradient must reach the first layers.
# This section measures it layer by layer, then trains the MNIST network of
# the original book ("Deep Learning from Scratch", ch. 6) from each rule.
#
# **Learning goals.** After this section you can
#
# - predict from the backward recursion by what factor each layer scales the
#   gradient, and recognize a vanishing or exploding gradient in a
#   measurement;
# - say what Xavier's rule leaves of a sigmoid network's gradient;
# - run the MNIST comparison of std 0.01, Xavier, LeCun and He over five
#   seeds, and say what it shows and what it does not.

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

from common.display.activations import gradients_per_layer, loss_curves
from common.display.report import seed_summary
from common.display.source import show
from common.experiments.initialization_runs import SETTINGS, probe, train_mnist, train_side_by_side
from common.networks import MultiLayerNet
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist(n_test=0)   # the test set is not needed in this section

# %% [markdown]
# ## The backward view
#
# Backpropagation multiplies the gradient, layer by layer, by $W^\top$ and by
# the slope of the activation. With $\partial L/\partial z_l$ the
# *backpropagated signal* at layer $l$ (one row per input),
#
# $$\frac{\partial L}{\partial z_l} = \Big(\frac{\partial L}{\partial z_{l+1}}
# W_{l+1}^\top\Big) \odot f'(z_l), \qquad \frac{\partial L}{\partial W_l} =
# a_{l-1}^\top \frac{\partial L}{\partial z_l}.$$
#
# The variance argument of section 2.1, run backwards, says that each layer
# scales the signal by about $\sigma\sqrt{n_\text{out}}$ times a typical
# slope. If that factor is below 1, the gradient **vanishes** on its way to
# the input and the first layers barely learn; above 1, it **explodes**. The
# weight gradient also carries the layer's input $a_{l-1}$, so tiny
# activations give tiny weight gradients too.
#
# The `probe` of section 2.1 keeps the signal of every layer on its way back.
# For the same seven stacks we plot, per layer, the std of the signal and
# the mean $|\partial L/\partial W_l|$.

# %%
results = {label: probe(activation, std) for label, activation, std in SETTINGS}
signal = {label: [float(s.std()) for s in r["signals"]] for label, r in results.items()}
grad_W = {label: r["grad_W"] for label, r in results.items()}

gradients_per_layer(signal, grad_W, SETTINGS, save_as="02_gradients_per_layer")
plt.show()

# %% [markdown]
# The same numbers as tables. To compare the settings, the second table
# divides each layer's signal by layer 5's.

# %%
ratio = {label: g[0] / g[-1] for label, g in grad_W.items()}          # layer 1 relative to layer 5
signal_rel = {label: [v / s[-1] for v in s] for label, s in signal.items()}

print("mean |dL/dW| per layer           layer 1  layer 2  layer 3  layer 4  layer 5   1 / 5")
for label, g in grad_W.items():
    print(f"  {label:30s}" + "".join(f"{v:9.1e}" for v in g) + f"{ratio[label]:9.1g}")
print("std of dL/dz relative to layer 5 layer 1  layer 2  layer 3  layer 4  layer 5")
for label, s in signal_rel.items():
    print(f"  {label:30s}" + "".join(f"{v:9.2g}" for v in s))

# %%
# The signal shrinks at every layer on the way back, to less than half by layer 1, in five settings ...
for label in ("sigmoid, std 0.01", "sigmoid, Xavier", "tanh, Xavier", "ReLU, std 0.01", "ReLU, Xavier"):
    s = signal_rel[label]
    assert all(s[k] < 0.95 * s[k + 1] for k in range(4)) and s[0] < 0.5, (label, s)
# ... and keeps its size in two: every layer within a factor 1.25 of layer 5 with sigmoid std 1 and ReLU He.
for label in ("sigmoid, std 1", "ReLU, He"):
    assert all(0.8 < v < 1.25 for v in signal_rel[label]), (label, signal_rel[label])
# Per layer on the way back, the sigmoid signal shrinks about 40-fold with std 0.01 and about 4-fold with Xavier.
for label, low, high in [("sigmoid, std 0.01", 30, 50), ("sigmoid, Xavier", 3, 6)]:
    s = signal_rel[label]
    assert all(low < s[k + 1] / s[k] < high for k in range(4)), (label, s)
# Sigmoid: layer 1's weight gradient is below a thousandth of layer 5's with Xavier, far below with std 0.01.
assert ratio["sigmoid, Xavier"] < 1e-3 and ratio["sigmoid, std 0.01"] < 1e-5, ratio
# Sigmoid, std 1: layer 1's weight gradient is below half of layer 5's, although the signal is not.
assert ratio["sigmoid, std 1"] < 0.5, ratio
# Tanh with Xavier, ReLU with Xavier and He: the weight gradients of the five layers within a factor 2.5.
for label in ("tanh, Xavier", "ReLU, Xavier", "ReLU, He"):
    assert max(grad_W[label]) < 2.5 * min(grad_W[label]), (label, grad_W[label])
# ReLU with std 0.01: every layer's weight gradient between 1e-9 and 1e-8, and in each layer
# between 300 000 and 3 million times smaller than with He ("about a million").
assert all(1e-9 < g < 1e-8 for g in grad_W["ReLU, std 0.01"]), grad_W["ReLU, std 0.01"]
assert all(3e5 < he / g < 3e6 for he, g in zip(grad_W["ReLU, He"], grad_W["ReLU, std 0.01"])), grad_W

# %% [markdown]
# What the numbers say (`images/02_gradients_per_layer.png`):
#
# - **Sigmoid with Xavier** loses the gradient on the way back: the signal
#   shrinks about 4-fold per layer, and layer 1's weight gradient is below a
#   thousandth of layer 5's. This is the sigmoid's slope, at most
#   $\tfrac14$: Glorot's rule assumes a slope of 1 at 0, and it does not
#   keep a sigmoid network's gradient. With std 0.01 the signal shrinks far
#   faster, about 40-fold per layer.
# - **Sigmoid with std 1** keeps the signal's size: its units are mostly
#   saturated, but its weights, ten times Xavier's, make up for that. Layer
#   1's weight gradient is still only a fraction of layer 5's, because of the
#   layers' inputs (the optional section 2.3 takes it apart).
# - **Tanh with Xavier** and **ReLU with He** keep the weight gradients of
#   the five layers within a factor of about 2. With He the signal too is
#   flat: the rule works in both directions. (Layer 1 gets about half of the
#   others' weight gradient: its input $x$ has mean 0, while the ReLU outputs
#   feeding layers 2–5 are all positive.) With tanh the signal shrinks
#   mildly, as tanh's slope is below 1 away from 0, and the larger
#   activations of the early layers make up for it.
# - **ReLU with Xavier** loses about $\sqrt2$ in the signal per layer,
#   mirroring its activations; their product keeps its weight gradient
#   roughly flat over these five layers.
# - **ReLU with std 0.01**: the signal vanishes towards the input and the
#   activations towards the output. In $a_{l-1}^\top\,\partial L/\partial z_l$
#   the two balance, and every layer of this stack gets a weight gradient
#   near $10^{-9}$, about a million times smaller than with He.

# %% [markdown]
# ## MNIST: std 0.01, Xavier, LeCun, He
#
# As in the original: 784 inputs, 4 hidden layers of 100 ReLU units, 10
# outputs; SGD with η = 0.01; mini-batches of 128 drawn with replacement;
# 2000 iterations. Three initializations as in the original, std 0.01, Xavier
# and He, plus LeCun's $\sqrt{1/n}$, which is what the original's "Xavier"
# curve used.
#
# Before training, the gradients of this network on one mini-batch of 128
# MNIST images, per layer, with the ratio of the update η × gradient to the
# weights it changes:

# %%
RULES = {"std=0.01": 0.01, "Xavier": "xavier", "LeCun": "lecun", "He": "he"}

rng = np.random.default_rng(0)
batch = rng.choice(len(x_train), 128)
start = {}
for name, rule in RULES.items():
    net = MultiLayerNet(784, [100] * 4, 10, activation="relu", weight_init_std=rule, rng=np.random.default_rng(0))
    _, grads = net.loss_and_gradient(x_train[batch], t_train[batch])
    g = [float(np.abs(grads[f"W{k}"]).mean()) for k in range(1, 6)]
    w = [float(np.abs(net.params[f"W{k}"]).mean()) for k in range(1, 6)]
    start[name] = {"gradient": g, "update / weight": [0.01 * gk / wk for gk, wk in zip(g, w)]}

for quantity, title in [("gradient", "mean |gradient|"), ("update / weight", "η × mean |gradient| / mean |weight|")]:
    print(f"{title}, layers W1..W5")
    for name, row in start.items():
        print(f"  {name:9s}" + "".join(f"{v:9.1e}" for v in row[quantity]))

# std 0.01: every weight gradient below 1e-6, more than 1000 times smaller than the smallest of He's.
assert max(start["std=0.01"]["gradient"]) < 1e-6, start["std=0.01"]
assert max(start["std=0.01"]["gradient"]) < 1e-3 * min(start["He"]["gradient"]), start
# ... so one update changes a weight by less than a millionth of its size (He: more than a ten-thousandth).
assert max(start["std=0.01"]["update / weight"]) < 1e-6 < 1e-4 < min(start["He"]["update / weight"]), start

# %% [markdown]
# On MNIST, the std 0.01 network's weight gradients are of order $10^{-7}$,
# and an update moves each weight by less than a millionth of its size. The
# other rules start with gradients thousands of times larger.
#
# The training run, one rule and one seed: one generator draws the initial
# weights and then the mini-batches, and the `Trainer` (the training loop of
# section 1.6) does the rest. The networks compute in `float32`.

# %%
show(train_mnist)

# %% [markdown]
# We train every rule from five seeds. `train_side_by_side(RULES, seeds, ...)`
# is the loop `[train_mnist(rule, seed, ...) for seed in seeds]` for each
# rule, with the runs spread over the machine's cores (`run_parallel`); the
# runs are independent, so the result is the same as the plain loop.
#
# **Predict before you run.** The loss of a 10-class classifier that outputs
# uniform probabilities is $\ln 10 \approx 2.30$. Which curves will leave it?

# %%
losses = train_side_by_side(RULES, seeds=range(5), x_train=x_train, t_train=t_train)   # {name: (5, 2000)}
loss_curves({name: curves[0] for name, curves in losses.items()},
            "MNIST, 4 x 100 ReLU, SGD η = 0.01, seed 0", save_as="02_mnist_initial_weights")
plt.show()

# %% [markdown]
# The picture of the original book, reproduced for seed 0
# (`images/02_mnist_initial_weights.png`). One seed is one draw of weights
# and one sequence of mini-batches; the table compares the five seeds by the
# mean training loss of the last 100 iterations, which is less noisy than
# the end of a smoothed curve.

# %% tolerance={"abs": 0.01, "rel": 0.05}
last = {name: curves[:, -100:].mean(axis=1) for name, curves in losses.items()}   # one value per seed
print("mean training loss of the last 100 iterations, over 5 seeds:")
print(seed_summary(last))

assert np.all(abs(last["std=0.01"] - np.log(10)) < 0.01), last      # std 0.01 never leaves ln 10
assert np.all(last["He"] < last["Xavier"] - 0.03), last              # every seed: He below Xavier ...
assert np.all(last["He"] < last["LeCun"] - 0.03), last               # ... and below LeCun
assert 0 < last["LeCun"].mean() - last["Xavier"].mean() < 0.05, last  # within a few hundredths

# %% [markdown]
# With std 0.01 the loss stays at $\ln 10$ in every seed: the network outputs
# the same uniform guess for every image, as the tiny gradients predicted.
# Xavier and LeCun learn, and end within a few hundredths of each other
# (their weights differ only in the first and last layers). He ends lowest
# in every seed.
#
# What this shows is narrower than "He learns fastest". All four rules ran
# at the original's step, η = 0.01, tuned for none of them, for 2000 updates.
# He's larger weights give larger gradients (the table above), and a larger
# step might let Xavier catch up; we have not measured that. What the
# measurements of this chapter do give is a reason to expect the gap to grow
# with depth: with ReLU, Xavier's square layers lose a factor $\sqrt2$ of the
# scale per layer, forward and backward, and He's keep it (exercise 2). He et al.
# (2015) report a 30-layer ReLU network that did not learn when started with
# std $\sqrt{1/n_\text{in}}$, this book's LeCun rule (they call it
# "Xavier"), and did learn with theirs.

# %% [markdown]
# ## Summary
#
# - On the way back each layer scales the gradient by about
#   $\sigma\sqrt{n_\text{out}}$ times the activation's slope; below 1 the
#   gradient vanishes towards the input, above 1 it explodes. A weight
#   gradient also carries the layer's input.
# - ReLU with He keeps the backpropagated signal's scale in every layer;
#   ReLU with Xavier loses about $\sqrt2$ per layer. Sigmoid with Xavier loses about 4-fold
#   per layer: Glorot's rule does not suit the sigmoid.
# - On MNIST (4 × 100 ReLU, SGD η = 0.01, 2000 updates, five seeds): std 0.01
#   does not learn at all, its gradients being of order $10^{-7}$; Xavier and
#   LeCun end close together; He ends lowest in every seed, at a step tuned
#   for none of them. Chapter 3 removes much of this sensitivity by
#   normalizing the activations during training.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: The factor per layer
#
# Write `relu_signal_factor(weight_std, n_out)`: the factor by which one ReLU
# layer with weights of std `weight_std`, feeding `n_out` units, multiplies
# the std of the backpropagated signal on its way back (on average). The
# self-check compares it with the factors `probe` measures in ReLU stacks of
# several widths and stds.

# %% jupyter={"source_hidden": true} tags=["solution"]
def relu_signal_factor(weight_std, n_out):
    # BEGIN SOLUTION
    # dL/da = dL/dz_next W^T sums n_out terms: variance n_out sigma^2 Var(dL/dz_next).
    # The ReLU passes half of it (slope 1 on half the inputs, 0 on the other half).
    return weight_std * np.sqrt(n_out / 2)
    # END SOLUTION


# %% tags=["self-check"]
CASES = [(0.01, 100), (0.1, 100), (0.3, 100), (0.05, 400), (0.1, 25)]   # (weight std, width)
yours = [float(relu_signal_factor(std, width)) for std, width in CASES]
for (std, width), mine in zip(CASES, yours):
    s = [float(x.std()) for x in probe("relu", std, width=width)["signals"]]
    measured = (s[0] / s[-1]) ** (1 / 4)                    # average factor over the four steps back
    assert abs(mine / measured - 1) < 0.1, (f"weight std {std}, width {width}: your factor is "
                                            f"{'too large' if mine > measured else 'too small'}")
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: Twenty layers
#
# Take a ReLU stack of 20 hidden layers of 100 units, started with Xavier's
# rule. How large is the std of layer 1's backpropagated signal compared with
# layer 20's? Set `prediction` to one letter:
#
# - `"a"`: about the same (between 0.5 and 2 times);
# - `"b"`: between $10^{-4}$ and $10^{-2}$ times;
# - `"c"`: below $10^{-6}$ times.
#
# The self-check runs `probe("relu", "xavier", depth=20)`.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# Xavier's square layers have n sigma^2 = 1: each ReLU layer scales the signal by about
# 1/sqrt(2), so 19 steps give about 2^(-19/2), a little over a thousandth.
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    deep = [float(s.std()) for s in probe("relu", "xavier", depth=20)["signals"]]
    first_to_last = deep[0] / deep[-1]
    return {"a": 0.5 < first_to_last < 2, "b": 1e-4 < first_to_last < 1e-2, "c": first_to_last < 1e-6}


check_choice(prediction, facts, exercise=2, hint="apply the factor per layer of exercise 1 nineteen times")

# %% [markdown]
# ### Exercise 3: Too large
#
# Now start the 5-layer ReLU stack with std 1. Set `prediction` to one
# letter:
#
# - `"a"`: the signal vanishes towards the input, as with std 0.01;
# - `"b"`: the signal keeps its size, as with He;
# - `"c"`: the signal grows towards the input, more than 1000-fold from
#   layer 5 to layer 1 (an exploding gradient).

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# sigma sqrt(n_out / 2) = sqrt(50), about 7 per layer: four steps back give about 2500.
prediction = "c"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    big = [float(s.std()) for s in probe("relu", 1.0)["signals"]]
    growth = big[0] / big[-1]
    return {"a": growth < 0.5, "b": 0.5 <= growth <= 2, "c": growth > 1000}


check_choice(prediction, facts, exercise=3, hint="compute the factor per layer of exercise 1 for std 1")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | backpropagated signal | 逆伝播される勾配 | 反向传播信号 | ∂L/∂z of a layer, the gradient that backpropagation hands to the layer below |
# | vanishing gradient | 勾配消失 | 梯度消失 | gradients that shrink layer by layer on the way back, so the first layers barely learn |
# | exploding gradient | 勾配爆発 | 梯度爆炸 | gradients that grow layer by layer on the way back, making updates unstable |
#
# See the whole [glossary](../glossary.md).

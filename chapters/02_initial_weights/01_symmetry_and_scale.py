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
# # 2.1 Symmetry and the scale of the weights
#
# Before the first update, every weight already has a value. This section
# asks why the initial weights must be random, and how large they should be
# for the signal to keep a useful size through the layers.
#
# **Learning goals.** After this section you can
#
# - explain why all-zero or all-equal weights fail (symmetry), and show it;
# - predict from one variance formula how the scale of the weights shapes the
#   activations of a deep stack: saturation, collapse, or a steady spread;
# - state and derive the LeCun, Xavier (Glorot) and He rules, and say which
#   activation each was derived for;
# - read the activation histograms of the original book ("Deep Learning from
#   Scratch", ch. 6).

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

import common.initialization
from common.display.activations import activation_histograms
from common.display.report import approx
from common.display.source import show
from common.experiments.initialization_runs import SETTINGS, probe
from common.initialization import init_std
from common.networks import MultiLayerNet
from common.optimizers import SGD
from dataset.mnist import load_mnist

(x_tiny, t_tiny), _ = load_mnist(n_train=300, n_test=0)   # 300 training images are all this section needs

# %% [markdown]
# ## Why not zero, or all equal?
#
# If all weights of a layer have the same value (zero is the extreme case),
# every hidden unit computes the same function of the input and outputs the
# same value. In the backward pass each unit receives the same gradient,
# since the weights leaving it are equal too; the same gradient gives the
# same update, and the weights are equal again. By induction a layer of $m$
# units behaves like **one** unit copied $m$ times, for ever. This is the
# *symmetry* problem; random initial weights break it.
#
# We check it on a tiny network, 784 → 8 sigmoid units → 10, trained with
# gradient descent (η = 1) for 100 steps on 300 MNIST images, from three
# starts: every weight 0, every weight 0.01, random weights with std 0.01
# (biases 0). We measure the largest difference between any column of $W_1$
# (the weights *into* a unit) and the first column, and likewise for the
# rows of $W_2$ (the weights *out of* a unit).

# %% tolerance={"abs": 0.03}
def unit_spread(W, axis):
    """Largest |difference| between any unit's weights and the first unit's (columns: axis=1, rows: axis=0)."""
    first = W.take([0], axis=axis)
    return float(np.abs(W - first).max())


def train_tiny(start, steps=100, lr=1.0, seed=0):
    """784-8-10 sigmoid net; start is a number (every weight set to it) or None (random, std 0.01)."""
    net = MultiLayerNet(784, [8], 10, activation="sigmoid", weight_init_std=0.01, rng=np.random.default_rng(seed))
    if start is not None:
        for key in ("W1", "W2"):
            net.params[key][...] = start   # in place: the layers hold the same arrays
    optimizer = SGD(lr=lr)
    for _ in range(steps):
        _, grads = net.loss_and_gradient(x_tiny, t_tiny)
        optimizer.update(net.params, grads)
    return net


symmetry = {}
for name, start in [("all zero", 0.0), ("all 0.01", 0.01), ("random, std 0.01", None)]:
    net = train_tiny(start)
    symmetry[name] = {"W1 columns differ by": unit_spread(net.params["W1"], axis=1),
                      "W2 rows differ by": unit_spread(net.params["W2"], axis=0),
                      "train accuracy": net.accuracy(x_tiny, t_tiny)}

print("start              W1 columns differ by  W2 rows differ by  train accuracy")
for name, row in symmetry.items():
    # A constant start's spreads are 0 (checked below); everything else comes out of training.
    shown = [approx(v) if key == "train accuracy" or name.startswith("random") else v for key, v in row.items()]
    print(f"{name:17s}" + "".join(f"{v:.3f}".rjust(19) for v in shown))

# Constant starts: after 100 updates the 8 hidden units are still identical (to rounding).
for name in ("all zero", "all 0.01"):
    assert symmetry[name]["W1 columns differ by"] < 1e-12, symmetry[name]
    assert symmetry[name]["W2 rows differ by"] < 1e-12, symmetry[name]
# A random start breaks the symmetry: the units have become clearly different ...
assert symmetry["random, std 0.01"]["W1 columns differ by"] > 0.1, symmetry
assert symmetry["random, std 0.01"]["W2 rows differ by"] > 0.1, symmetry
# ... and the network fits the 300 images far better than copies of one unit do.
for name in ("all zero", "all 0.01"):
    assert symmetry["random, std 0.01"]["train accuracy"] > symmetry[name]["train accuracy"] + 0.3, symmetry

# %% [markdown]
# The constant starts' weights did change, yet every column of $W_1$ still
# equals the first, and every row of $W_2$ too: eight copies of one unit,
# with a training accuracy to match. The random start fits the images far
# better. Initial weights must be random; the question is *how large*.

# %% [markdown]
# ## How the scale of the weights propagates
#
# A hidden unit computes $z_j = \sum_{i=1}^{n} a_i W_{ij}$ (bias 0 at the
# start), then $a'_j = f(z_j)$. Here $n$ is the number of inputs of the
# layer, its **fan-in**. Draw the weights independently with mean 0 and
# variance $\sigma^2$, independent of the inputs. Each term $a_i W_{ij}$ then
# has mean 0 and variance $\sigma^2\,\mathbb{E}[a_i^2]$, and the terms are
# uncorrelated, so
#
# $$\operatorname{Var}(z_j) = n\,\sigma^2\,\mathbb{E}[a^2].$$
#
# It is the *second moment* $\mathbb{E}[a^2]$ that enters, not the variance
# of $a$; for sigmoid outputs, with a mean near 0.5, the two differ a lot
# (exercise 2).
#
# The product $n\sigma^2$ is the knob. If $\operatorname{Var}(z)$ grows from
# layer to layer, a sigmoid or tanh **saturates**: its outputs are pinned at
# its limits, where its slope is near 0. If it shrinks, every unit sits in
# the same small region and the signal fades.

# %% [markdown]
# The three classic rules choose $\sigma$ so that the scale stays put:
#
# | rule | $\sigma$ | derived for |
# |---|---|---|
# | LeCun (LeCun et al. 1998) | $\sqrt{1/n_\text{in}}$ | activations with slope 1 at 0, such as tanh |
# | Xavier / Glorot (Glorot & Bengio 2010) | $\sqrt{2/(n_\text{in}+n_\text{out})}$ | the same (tested with tanh and softsign) |
# | He (He et al. 2015) | $\sqrt{2/n_\text{in}}$ | ReLU |
#
# - **LeCun.** Near 0, tanh is the identity, so $\mathbb{E}[a^2]\approx
#   \operatorname{Var}(z_\text{previous})$, and $n\sigma^2 = 1$ keeps the
#   variance constant.
# - **Glorot.** The backward pass computes $\partial L/\partial a_i =
#   \sum_j W_{ij}\,\partial L/\partial z_j$, a sum over the $n_\text{out}$
#   units the input feeds. The same argument gives
#   $\operatorname{Var}(\partial L/\partial a) =
#   n_\text{out}\sigma^2\operatorname{Var}(\partial L/\partial z)$, constant
#   when $\sigma^2 = 1/n_\text{out}$. Glorot and Bengio take the compromise
#   $\sigma^2 = 2/(n_\text{in} + n_\text{out})$, drawn from a uniform
#   distribution with that variance; the normal form used here is a later
#   library convention.
# - **He.** A ReLU zeroes the negative half of a symmetric $z$, so
#   $\mathbb{E}[\operatorname{relu}(z)^2] = \tfrac12\operatorname{Var}(z)$. To
#   make up for the lost half, $n\sigma^2 = 2$.
#
# LeCun's and Glorot's arguments assume a slope of 1 at 0. The sigmoid's is
# $\tfrac14$ and its mean is near 0.5, so neither argument holds for a
# sigmoid network. Glorot and Bengio found the logistic sigmoid unsuited to
# deep networks with random initialization, because of its mean. Section 2.2
# measures what Xavier's rule leaves of a sigmoid network's gradient.

# %% [markdown]
# **A note on names.** The original book calls $\sqrt{1/n}$ "the Xavier
# initial value" (and accepts `"sigmoid"` for it); in general that is
# LeCun's rule, equal to Glorot's only when $n_\text{in} = n_\text{out}$.
# This book's library keeps the aliases `"sigmoid"` and `"relu"` for readers
# of the original, but the first does not make Glorot's rule fit a sigmoid.
# Here is the library's code, the one every network of this book calls:

# %%
show(common.initialization)

# %% [markdown]
# For the layers of the MNIST network of section 2.2:

# %%
for fan_in, fan_out in [(784, 100), (100, 100), (100, 10)]:
    stds = {rule: round(init_std(rule, fan_in, fan_out), 4) for rule in ("lecun", "xavier", "he")}
    print(f"{fan_in:3d} -> {fan_out:3d}:", stds)

# %% [markdown]
# For the square 100 → 100 layers LeCun and Xavier agree (0.1). They differ
# in the first layer (784 → 100) and the last (100 → 10). He is $\sqrt2$
# times LeCun everywhere.

# %% [markdown]
# ## Activations in a deep stack
#
# The original book's experiment: 1000 inputs from $N(0, 1)$ pass through 5
# hidden layers of 100 units (biases 0), for seven settings: sigmoid with
# std 1, std 0.01 and Xavier; tanh with Xavier; ReLU with std 0.01, Xavier
# and He. `probe` runs one forward and one backward pass through such a
# stack (the softmax layer on top only provides a loss for section 2.2).

# %%
show(probe)

# %% [markdown]
# **Predict before you run.** With $n = 100$: where do the sigmoid
# activations end up with std 1 ($n\sigma^2 = 100$)? With std 0.01? By what
# factor should a ReLU activation shrink per layer with std 0.01?

# %%
results = {label: probe(activation, std) for label, activation, std in SETTINGS}
acts = {label: r["activations"] for label, r in results.items()}
act_std = {label: [float(a.std()) for a in layers] for label, layers in acts.items()}

print("std of the activations, layers 1..5")
for label, stds in act_std.items():
    print(f"  {label:18s}", [float(f"{s:.2g}") for s in stds])

# %% [markdown]
# One row per setting, one column per layer; the y axis is the fraction of
# the layer's 100 000 values in a bin. For ReLU the exact zeros (units that
# are off) are left out of the bars; the panel gives their fraction.

# %%
activation_histograms(acts, SETTINGS, save_as="02_activation_histograms")
plt.show()

# %% [markdown]
# Row by row (`images/02_activation_histograms.png`):
#
# - **Sigmoid, std 1.** $n\sigma^2 = 100$: most outputs pile up near 0 and
#   1, where the slope $s(1-s)$ is nearly 0 (saturation).
# - **Sigmoid, std 0.01.** $n\sigma^2 = 0.01$: from layer 2 on, every value
#   sits next to 0.5. A hundred units that all output 0.5 are no more
#   expressive than one.
# - **Sigmoid, Xavier.** A broad spread in every layer, as in the original
#   book. (The jagged bars of the deeper layers hide a problem: see the
#   optional section 2.3.)
# - **Tanh, Xavier.** Symmetric around 0 and broad; the spread narrows
#   layer by layer, as tanh flattens large inputs.
# - **ReLU, std 0.01.** The scale shrinks by about $\sqrt{n\sigma^2/2} =
#   \sqrt{0.005} \approx 1/14$ per layer, down to about $10^{-6}$ by layer 5.
# - **ReLU, Xavier.** For these square layers $n\sigma^2 = 1$, but the ReLU
#   keeps only half of the second moment, so the scale shrinks by about
#   $1/\sqrt2$ per layer.
# - **ReLU, He.** $n\sigma^2 = 2$ makes up for the lost half: the scale
#   stays about the same in every layer.
#
# The three ReLU rows are scaled copies of one another: from the same seed,
# std $\sigma$ gives $\sigma/\sigma_\text{He}$ times He's weights, and since
# $\operatorname{relu}(cz) = c\,\operatorname{relu}(z)$ for $c > 0$, layer $k$
# is $(\sigma/\sigma_\text{He})^k$ times He's layer $k$. The checks below
# state these readings as numbers.

# %%
def near_limits(a, margin=0.05):
    """Fraction of sigmoid outputs within `margin` of 0 or of 1."""
    return float(np.mean((a < margin) | (a > 1 - margin)))


def rms(a):
    """Root mean square, the square root of the second moment E[a^2] that the variance formula uses."""
    return float(np.sqrt(np.mean(a * a)))


# Sigmoid, std 1: more than half of the last layer's activations are within 0.05 of 0 or 1.
saturated = near_limits(acts["sigmoid, std 1"][-1])
assert saturated > 0.5, saturated
# Sigmoid, std 0.01: from layer 2 on, at least 99 % of the values lie within 0.05 of 0.5.
near_half = [float(np.mean(np.abs(a - 0.5) < 0.05)) for a in acts["sigmoid, std 0.01"]]
assert min(near_half[1:]) > 0.99, near_half
# Sigmoid and tanh with Xavier: no saturation, a broad spread in every layer; tanh's narrows layer by layer.
assert all(near_limits(a) < 0.01 for a in acts["sigmoid, Xavier"]), "sigmoid, Xavier saturates"
assert min(act_std["sigmoid, Xavier"]) > 0.1 and min(act_std["tanh, Xavier"]) > 0.3, act_std
assert all(b < a for a, b in zip(act_std["tanh, Xavier"], act_std["tanh, Xavier"][1:])), act_std["tanh, Xavier"]

# ReLU: the factor by which each layer changes the scale (rms of layer k+1 / rms of layer k),
# and its average over the four steps from layer 1 to layer 5 (geometric mean).
factors = {label: [rms(b) / rms(a) for a, b in zip(acts[label], acts[label][1:])]
           for label in ("ReLU, std 0.01", "ReLU, Xavier", "ReLU, He")}
average = {label: (rms(acts[label][-1]) / rms(acts[label][0])) ** (1 / 4) for label in factors}
assert 1 / 16 < average["ReLU, std 0.01"] < 1 / 12.5, average   # about 1/14
assert 0.64 < average["ReLU, Xavier"] < 0.78, average           # about 1/√2 ≈ 0.71
assert 0.9 < average["ReLU, He"] < 1.1, average                 # about 1
# The three ReLU rows are scaled copies: layer k with std σ is (σ / σ_He)^k times layer k with He.
for label, std in [("ReLU, std 0.01", 0.01), ("ReLU, Xavier", init_std("xavier", 100, 100))]:
    c = std / init_std("he", 100, 100)
    for k, (a, b) in enumerate(zip(acts[label], acts["ReLU, He"]), start=1):
        assert np.abs(a - c**k * b).max() < 1e-9 * np.abs(a).max(), (label, k)

print("sigmoid, std 1: fraction of layer-5 values within 0.05 of 0 or 1:", round(saturated, 2))
print("sigmoid, std 0.01: fraction within 0.05 of 0.5, layers 1..5:", [round(f, 3) for f in near_half])
print("ReLU: factor by which each layer changes the scale, layers 1->2, ..., 4->5, and their average")
for label, f in factors.items():
    print(f"  {label:15s}", [float(f"{v:.2g}") for v in f], f"average {average[label]:.2g}")

# %% [markdown]
# On average over the four layers the factors agree with the formula (about
# $1/14$, $1/\sqrt2$ and 1). Single layers scatter around those values: each
# is one draw of $100 \times 100$ weights, the formula an average over draws.
# Section 2.2 follows the gradient back through the same stacks.

# %% [markdown]
# ## Summary
#
# - Constant initial weights keep all units of a layer identical for ever;
#   random weights break the symmetry. Biases can start at 0.
# - The pre-activation variance is $n\sigma^2\,\mathbb{E}[a^2]$: the product
#   $n\sigma^2$ decides whether the signal grows (sigmoid and tanh saturate),
#   shrinks (every unit outputs nearly the same value), or keeps its scale.
# - LeCun $\sqrt{1/n_\text{in}}$ and Xavier (Glorot)
#   $\sqrt{2/(n_\text{in}+n_\text{out})}$ were derived for activations with
#   slope 1 at 0, such as tanh, not for the sigmoid; He $\sqrt{2/n_\text{in}}$
#   for ReLU. The original book's "Xavier" is LeCun's rule.
# - With ReLU, He keeps the scale of the activations layer after layer;
#   Xavier loses about $1/\sqrt2$ per layer, std 0.01 about $1/14$.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: Does a random bias break the symmetry?
#
# Keep every weight of the tiny network above at 0.01, but give the hidden
# biases `b1` random values (std 0.1), and train it as before. What happens
# to the columns of $W_1$ (weights into a unit) and the rows of $W_2$
# (weights out of a unit)? Set `prediction` to one letter:
#
# - `"a"`: both stay equal for ever: the biases do not enter the weight
#   gradients, so the units stay identical;
# - `"b"`: the rows of $W_2$ become different, but the columns of $W_1$ stay
#   equal for ever, since every column sees the same input pixels;
# - `"c"`: the rows of $W_2$ differ after the first update; the columns of
#   $W_1$ are still equal after it, and differ from the second update on;
# - `"d"`: the rows of $W_2$ and the columns of $W_1$ both differ after the
#   first update.
#
# Hint: the gradient of softmax with cross-entropy, $y - t$, sums to 0 over
# the classes.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# Different biases give different pre-activations z_j, hence different outputs a_j:
# the gradient of W2, a^T (y - t), differs from row to row in the first update.
# W1's gradient needs the signal (y - t) W2^T. While every entry of W2 equals 0.01,
# unit j receives 0.01 * sum_k (y_k - t_k) = 0: W1 gets no gradient in the first update.
# From the second update on the rows of W2 differ, the signal differs per unit,
# and so do the columns of W1. Any difference between units breaks the symmetry.
prediction = "c"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def unit_spreads_with_random_bias(steps=100, seed=1):
    """After each update: (W1 columns differ by, W2 rows differ by), from weights 0.01 and random b1."""
    rng = np.random.default_rng(seed)
    net = MultiLayerNet(784, [8], 10, activation="sigmoid", weight_init_std=0.01, rng=rng)
    net.params["W1"][...] = 0.01
    net.params["W2"][...] = 0.01
    net.params["b1"][...] = 0.1 * rng.standard_normal(8)
    optimizer = SGD(lr=1.0)
    spreads = []
    for _ in range(steps):
        optimizer.update(net.params, net.gradient(x_tiny, t_tiny))
        spreads.append((unit_spread(net.params["W1"], axis=1), unit_spread(net.params["W2"], axis=0)))
    return spreads


def facts():
    """What each option says, as a fact about the run."""
    equal = [(w1 < 1e-12, w2 < 1e-12) for w1, w2 in unit_spreads_with_random_bias()]   # after update 1, 2, ...
    return {"a": equal[-1] == (True, True),
            "b": equal[-1] == (True, False),
            "c": equal[0] == (True, False) and not any(w1 for w1, _ in equal[1:]),
            "d": equal[0] == (False, False)}


check_choice(prediction, facts, options="abcd", exercise=1,
             hint="train it yourself and compare W1's columns and W2's rows after each update")

# %% [markdown]
# ### Exercise 2: The variance of a pre-activation
#
# The inputs $a$ of a layer have mean $\mu$ and variance $v$; the $n$
# weights into a unit are independent, with mean 0 and std $\sigma$. Derive
# $\operatorname{Var}(z)$ for $z = \sum_i a_i W_i$ and write
# `preactivation_variance(n, weight_std, input_mean, input_var)`. The
# self-check feeds sigmoid outputs through random weights and compares your
# formula with the measured variance. Why would $n\sigma^2 v$ be badly wrong
# here?

# %% jupyter={"source_hidden": true} tags=["solution"]
def preactivation_variance(n, weight_std, input_mean, input_var):
    # BEGIN SOLUTION
    # Var(a W) = E[a^2] E[W^2] - (E[a] E[W])^2 = (v + mu^2) sigma^2, since E[W] = 0;
    # the n terms are uncorrelated (independent weights with mean 0), so the variances add.
    # Using v alone forgets mu^2 = 0.25, several times larger than v for sigmoid outputs.
    return n * weight_std**2 * (input_var + input_mean**2)
    # END SOLUTION


# %% tags=["self-check"]
def measured_preactivation_variance(n=200, weight_std=0.05, seed=3):
    """Var(z) over many units, with a (100, n) batch of sigmoid outputs as input; also their mean and variance."""
    rng = np.random.default_rng(seed)
    a = 1 / (1 + np.exp(-rng.standard_normal((100, n))))        # sigmoid outputs
    W = weight_std * rng.standard_normal((n, 20000))             # many units: a precise measurement
    return float((a @ W).var()), float(a.mean()), float(a.var())


def check_formula(n, weight_std, seed):
    """Your formula against the measured variance; the measurement stays inside this function."""
    measured, mu, v = measured_preactivation_variance(n, weight_std, seed)
    mine = float(preactivation_variance(n, weight_std, mu, v))
    assert abs(mine / measured - 1) < 0.05, (f"n = {n}, weight std {weight_std}: your formula gives {mine:.4f}, "
                                             f"more than 5 % {'above' if mine > measured else 'below'} the measured "
                                             "variance")


for n, weight_std, seed in [(200, 0.05, 3), (50, 0.2, 4)]:
    check_formula(n, weight_std, seed)
print("Exercise 2: correct")

# %% [markdown]
# ### Exercise 3: He's rule for a leaky ReLU
#
# A leaky ReLU passes negative inputs with a small slope $\alpha$:
# $f(z) = z$ for $z > 0$ and $f(z) = \alpha z$ otherwise ($\alpha = 0$ is
# the ReLU, $\alpha = 1$ the identity). Derive the weight std that keeps the
# second moment of the activations constant from layer to layer, as He did
# for the ReLU, and write `leaky_relu_std(n, slope)` for fan-in `n`. The
# self-check passes leaky-ReLU activations through a layer of 4000 units
# with your std, for several widths and slopes, and measures whether the
# second moment stays put (within 2.5 %).

# %% jupyter={"source_hidden": true} tags=["solution"]
def leaky_relu_std(n, slope):
    # BEGIN SOLUTION
    # For a symmetric z, half the mass is kept as is and half scaled by slope:
    # E[f(z)^2] = (1 + slope^2) / 2 * Var(z). Keep n sigma^2 (1 + slope^2) / 2 = 1.
    return np.sqrt(2.0 / ((1.0 + slope**2) * n))
    # END SOLUTION


# %% tags=["self-check"]
CASES = [(100, 0.0), (100, 0.5), (400, 0.3), (400, 1.0), (200, 0.2)]   # (width, slope)
your_stds = [float(leaky_relu_std(n, slope)) for n, slope in CASES]


def leaky_second_moment_gain(weight_std, width, slope, units=4000, seed=5):
    """E[a'^2] / E[a^2] through one leaky-ReLU layer of `units` units with weights of std `weight_std`."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((200, width))
    a = np.where(z > 0, z, slope * z)                      # leaky-ReLU activations as the layer's input
    z = a @ (weight_std * rng.standard_normal((width, units)))
    return float(np.mean(np.where(z > 0, z, slope * z) ** 2) / np.mean(a * a))


for (n, slope), std in zip(CASES, your_stds):
    assert np.isfinite(std) and std > 0, f"width {n}, slope {slope}: the std must be a positive number"
    gain = leaky_second_moment_gain(std, n, slope)
    assert abs(gain - 1) < 0.025, (f"width {n}, slope {slope}: with your std the activations "
                                   f"{'grow' if gain > 1 else 'shrink'} from layer to layer")
print("Exercise 3: correct")

# %% [markdown]
# ### Exercise 4: Tanh with He
#
# What happens to the tanh stack above started with He instead of Xavier?
# Set `prediction` to one letter:
#
# - `"a"`: the activations collapse towards 0 even faster than with Xavier;
# - `"b"`: the spread levels off and stays larger than with Xavier, with less
#   than a tenth of the values of layer 5 beyond ±0.9 (mild saturation);
# - `"c"`: most activations of layer 5 saturate beyond ±0.9, as with sigmoid
#   std 1.
#
# Hint: $n\sigma^2 = 2$, and $\tanh(z)^2 < z^2$ for every $z \ne 0$.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# With n sigma^2 = 2 the variance would double per layer if tanh were linear; tanh's
# flattening pulls it back, and the two balance at a fixed point: a steady spread,
# larger than Xavier's, with only the tails beyond +-0.9.
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    """What each option says, as a fact about the run."""
    tanh_he = probe("tanh", "he")["activations"]
    beyond = float(np.mean(np.abs(tanh_he[-1]) > 0.9))
    spread_he = [float(a.std()) for a in tanh_he]
    spread_xavier = act_std["tanh, Xavier"]
    return {"a": (spread_he[-1] < spread_xavier[-1]
                  and spread_he[-1] / spread_he[0] < spread_xavier[-1] / spread_xavier[0]),
            "b": (all(h > x for h, x in zip(spread_he, spread_xavier)) and abs(spread_he[-1] / spread_he[-2] - 1) < 0.05
                  and 0.01 < beyond < 0.1),
            "c": beyond > 0.5}


check_choice(prediction, facts, exercise=4,
             hint="compare the spreads of probe('tanh', 'he') and probe('tanh', 'xavier')")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | weight initialization | 重みの初期値 | 权重初始化（权重初始值） | the weights' values before the first update, drawn at random with a chosen scale |
# | symmetry breaking | 対称性の破れ | 对称性破缺 | making the units of a layer differ (by random initial weights) so that they can learn different things |
# | fan-in / fan-out | ファンイン / ファンアウト | 扇入 / 扇出 | the number of inputs of a unit (n_in) / of units an input feeds (n_out) |
# | activation (value) | アクティベーション（活性化関数の出力） | 激活值 | the output of an activation function, the input of the next layer |
# | pre-activation | 活性化前の値 | 预激活（值） | the weighted sum z = aW + b that enters the activation function |
# | saturation | 飽和 | 饱和 | an activation pinned near its limits (0 or 1 for sigmoid, ±1 for tanh), where its slope is nearly 0 |
# | expressiveness | 表現力 | 表现力（表达能力） | the variety of functions a network can compute; lost when all units output the same value |
# | LeCun initialization | LeCunの初期値 | LeCun初始化 | weights with std √(1/n_in), for activations with slope 1 at 0 (tanh); the original book's "Xavier" |
# | Xavier (Glorot) initialization | Xavierの初期値 | Xavier初始化 | weights with std √(2/(n_in + n_out)), balancing forward and backward variance for activations with slope 1 at 0 (tanh); not suited to sigmoid |
# | He initialization | Heの初期値 | He初始化 | weights with std √(2/n_in), making up for the half a ReLU sets to zero |
#
# See the whole [glossary](../glossary.md).

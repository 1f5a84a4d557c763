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
# # 2.3 Inside the sigmoid (optional)
#
# Two observations of sections 2.1 and 2.2 deserve a closer look, and both
# come from the sigmoid's outputs having a mean near 0.5. The histograms of
# "sigmoid, Xavier" look healthy, yet its gradient vanishes; and "sigmoid,
# std 1" keeps its backpropagated signal, yet layer 1's weight gradient is a
# fraction of layer 5's. The main path does not need this section.
#
# **Learning goals.** After this section you can
#
# - tell the spread of a layer's values *across inputs* from the spread of
#   all its values, and measure it;
# - explain why Xavier's rule keeps the histograms of a sigmoid stack broad
#   while the information about the input fades;
# - take a weight gradient apart into the part the inputs share and the rest.

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
import numpy as np

from common.experiments.initialization_runs import probe

results = {label: probe("sigmoid", std) for label, std in [("std 1", 1.0), ("std 0.01", 0.01), ("Xavier", "xavier")]}

# %% [markdown]
# ## The spread across inputs
#
# The std of all 100 000 values of "sigmoid, std 0.01" stays near 0.012 from
# layer 2 on (section 2.1). That spread does not come from the inputs: each
# unit sits at its *own* constant near 0.5, whatever the input, because its
# incoming weights, multiplied by inputs near 0.5, add up to a slightly
# different number for each unit. What carries information about the input is
# how a unit's value changes *from one input to another*: its std over the
# inputs, averaged over the units.

# %%
def spread_across_inputs(a):
    """How much a unit's value changes from one input to another: the std over inputs, averaged over units."""
    return float(a.std(axis=0).mean())


spread = {label: [spread_across_inputs(a) for a in r["activations"]] for label, r in results.items()}
total = {label: [float(a.std()) for a in r["activations"]] for label, r in results.items()}
print("sigmoid: std of all values  /  spread across inputs, layers 1..5")
for label in ("std 0.01", "Xavier"):
    print(f"  {label:9s}", [float(f"{s:.2g}") for s in total[label]], [float(f"{s:.2g}") for s in spread[label]])

factor = {label: [b / a for a, b in zip(s, s[1:])] for label, s in spread.items()}
# std 0.01: the spread across inputs falls by 35 to 45 times per layer, to below 1e-7 by layer 5 ...
assert all(1 / 45 < f < 1 / 35 for f in factor["std 0.01"]) and spread["std 0.01"][-1] < 1e-7, factor
# ... while the std of all values stays above 0.01.
assert min(total["std 0.01"]) > 0.01, total
# Xavier: the spread across inputs falls by 3.5 to 5 times per layer, although all values keep a std above 0.1.
assert all(1 / 5 < f < 1 / 3.5 for f in factor["Xavier"]) and min(total["Xavier"]) > 0.1, (factor, total)

# %% [markdown]
# With std 0.01 the spread across inputs falls about 40-fold per layer, down
# to about $10^{-8}$ by layer 5, while the std of all values stays above 0.01:
# that std measures the differences *between units*, not between inputs.
#
# The same measure tells a subtler story for Xavier. Its histograms look
# healthy, yet the spread across inputs still falls about fourfold per layer.
# By layer 4 each of the 100 units has settled at its own, nearly fixed value:
# the histogram is made of 100 narrow clumps, hence the jagged bars of
# section 2.1's figure. The broad histogram hides that the layer no longer
# tells the inputs apart, and the backward signal of section 2.2 fades at
# about the same rate. Exercise 1 asks you for the factor.

# %% [markdown]
# ## Sigmoid with std 1: where layer 1's gradient goes
#
# With std 1 the backpropagated signal keeps its size in every layer, yet
# layer 1's weight gradient is a fraction of layer 5's (section 2.2). The
# cause is the layers' inputs. The weight gradient of layer $l$ is $a_{l-1}^\top
# \delta_l$ with $\delta_l = \partial L/\partial z_l$. Split every input into
# its mean over the batch and the rest, $a_{l-1} = \bar a_{l-1} + (a_{l-1} -
# \bar a_{l-1})$. The mean part gives $\bar a_{l-1}^\top \sum_n \delta_{l,n}$:
# the mean input times the bias gradient, the part of the signal that all
# inputs share. For layers 2 to 5 the inputs are sigmoid outputs with a mean
# near 0.5, and that part dominates; layer 1's input $x$ has mean 0 and gets
# none of it.

# %%
sigmoid_1 = results["std 1"]
bias_grad = [s.sum(axis=0) for s in sigmoid_1["signals"]]           # dL/db_l, the signal summed over inputs
mean_part = [float(np.abs(np.outer(a.mean(axis=0), b)).mean())       # |mean input x bias gradient|, layers 2..5
             for a, b in zip(sigmoid_1["activations"][:-1], bias_grad[1:])]
share = [m / g for m, g in zip(mean_part, sigmoid_1["grad_W"][1:])]
bias_size = [float(np.abs(b).mean()) for b in bias_grad]
print("layers 2..5: mean part / whole weight gradient:", [round(s, 2) for s in share])
print("mean |bias gradient|, layers 1..5:", [float(f"{b:.2g}") for b in bias_size])
print("mean |dL/dW|, layers 1..5:", [float(f"{g:.2g}") for g in sigmoid_1["grad_W"]])

# In layers 2-5 the mean part is the weight gradient, within 10 % ...
assert all(abs(s - 1) < 0.1 for s in share), share
# ... and the bias gradient, the shared part of the signal, grows at every layer from 1 to 5.
assert all(bias_size[k] < bias_size[k + 1] for k in range(4)), bias_size

# %% [markdown]
# In layers 2 to 5 the mean part *is* the weight gradient, within 10 %. The
# bias gradient grows from layer 1 to layer 5: the part of the signal that
# all inputs share fades on its way back, even though the signal as a whole
# does not. Layer 1, with inputs of mean 0, keeps only the rest.
#
# The lesson reaches beyond the sigmoid. Inputs with a large common mean make
# a layer's weight gradient mostly the mean input times its bias gradient.
# Centered activations avoid that; it is one reason LeCun et al. (1998)
# recommend tanh over the logistic sigmoid.

# %% [markdown]
# ## Summary
#
# - The spread of a layer's values across inputs is what carries the input;
#   the std of all values can stay large while it vanishes.
# - With Xavier, a sigmoid stack keeps broad histograms, but its spread
#   across inputs falls about fourfold per layer, as its gradient does.
# - A weight gradient $a^\top\delta$ on inputs with a large mean is mostly
#   the mean input times the bias gradient; with sigmoid std 1 that shared
#   part fades towards the input.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: The factor of a sigmoid layer
#
# Near $z = 0$ a sigmoid is a straight line. Write
# `sigmoid_spread_factor(weight_std, n)`: the factor by which one sigmoid
# layer with fan-in `n` and weights of std `weight_std` multiplies the spread
# across inputs, when the pre-activations stay near 0. The self-check
# compares it with the factors measured in sigmoid stacks started with
# several stds.

# %% jupyter={"source_hidden": true} tags=["solution"]
def sigmoid_spread_factor(weight_std, n):
    # BEGIN SOLUTION
    # A change da in the inputs changes z by da W: its std grows by weight_std * sqrt(n).
    # Near 0 the sigmoid's slope is s(0) (1 - s(0)) = 1/4.
    return weight_std * np.sqrt(n) / 4
    # END SOLUTION


# %% tags=["self-check"]
STDS = [0.01, 0.03, 0.1]
yours = [float(sigmoid_spread_factor(std, 100)) for std in STDS]
for std, mine in zip(STDS, yours):
    s = [spread_across_inputs(a) for a in probe("sigmoid", std)["activations"]]
    measured = (s[-1] / s[0]) ** (1 / 4)                     # average factor over the four layers
    assert abs(mine / measured - 1) < 0.1, (f"weight std {std}: your factor is "
                                            f"{'too large' if mine > measured else 'too small'}")
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: Tanh with Xavier
#
# Tanh's slope at 0 is 1, not $\tfrac14$, and its outputs are centered. How
# does the spread across inputs of the tanh stack of section 2.1 (Xavier)
# change from layer to layer? Set `prediction` to one letter:
#
# - `"a"`: it falls about fourfold per layer, as with the sigmoid;
# - `"b"`: it shrinks by less than a third per layer (a factor between 2/3
#   and 1);
# - `"c"`: it grows from layer to layer.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# With Xavier's square layers weight_std * sqrt(n) = 1 and tanh's slope is 1 at 0: the spread
# would keep its size if tanh were linear; tanh flattens large values, so it shrinks a little.
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    tanh_spread = [spread_across_inputs(a) for a in probe("tanh", "xavier")["activations"]]
    steps = [b / a for a, b in zip(tanh_spread, tanh_spread[1:])]
    return {"a": all(1 / 5 < f < 1 / 3 for f in steps), "b": all(2 / 3 < f < 1 for f in steps),
            "c": all(f > 1 for f in steps)}


check_choice(prediction, facts, exercise=2, hint="measure spread_across_inputs for probe('tanh', 'xavier')")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | spread across inputs | 入力間のばらつき | 输入间的离散度 | the std of a unit's value over the inputs, averaged over the units: how much a layer still tells the inputs apart |
# | centered activations | 中心化された活性 | 中心化激活 | activations with mean near 0, such as tanh's; inputs with a large common mean make weight gradients copies of bias gradients |
#
# See the whole [glossary](../glossary.md).

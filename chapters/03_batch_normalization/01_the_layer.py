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
# # 3.1 The Batch Normalization layer: forward, backward, gradient check, two modes
#
# Chapter 2 chose the scale of the initial weights so that every layer's
# signal keeps its size at the *start* of training. **Batch Normalization**
# (Ioffe & Szegedy, 2015) keeps it throughout: it normalizes the
# pre-activations of every layer on every mini-batch. This section builds the
# layer and checks it.
#
# **Learning goals.** After this section you can
#
# - write the forward pass and say where the layer sits (Affine → BatchNorm →
#   activation) and why the Affine layer before it needs no bias;
# - derive the backward pass node by node from the computational graph, and
#   read the compact form the library runs;
# - check gradients so that the check can fail, and say which bugs a batch of
#   one sample cannot catch;
# - tell training mode (batch statistics) from inference mode (running
#   statistics).

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

from common.display.normalization import batchnorm_graph, gradient_check_bars
from common.display.plot import save_figure
from common.display.source import show
from common.gradient import gradient_check, numerical_gradient, relative_error
from common.layers import BatchNormalization, Normalization
from common.networks import MultiLayerNetExtend
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()

# %% [markdown]
# ## The algorithm
#
# Take a mini-batch of $N$ inputs $x_1, \dots, x_N$ to the layer, each a
# vector of $D$ features; everything is done feature by feature:
#
# $$
# \mu = \frac1N\sum_{n=1}^N x_n, \qquad
# \sigma^2 = \frac1N\sum_{n=1}^N (x_n-\mu)^2, \qquad
# \hat x_n = \frac{x_n-\mu}{\sqrt{\sigma^2+\varepsilon}}, \qquad
# y_n = \gamma\,\hat x_n + \beta .
# $$
#
# - $\mu$ and $\sigma^2$ are the **mini-batch statistics**, the mean and the
#   (divide-by-$N$) variance of each feature over the batch.
# - $\hat x$ has mean 0 and variance (almost) 1 over the batch, whatever the
#   scale of the weights that produced $x$. The small $\varepsilon$ ($10^{-5}$
#   here, as in PyTorch; the original book uses $10^{-6}$) keeps the division
#   finite when a feature is constant.
# - $\gamma$ (scale) and $\beta$ (shift) are learned, one per feature,
#   starting at 1 and 0. They give back the freedom the normalization took:
#   with $\gamma = \sqrt{\sigma^2+\varepsilon}$ and $\beta = \mu$ the layer is
#   the identity.
#
# As in the paper and the original book, `MultiLayerNetExtend(use_batchnorm=True)`
# puts the layer between the Affine layer and the activation, in every
# hidden layer. The forward pass as a chain of small steps, one node of the
# computational graph per line:

# %%
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch Normalization in train mode, one elementary step per line.  x: (N, D); gamma, beta: (D,)."""
    n = x.shape[0]
    mu = x.sum(axis=0) / n        # node 1: mean
    xc = x - mu                   # node 2: center
    sq = xc**2                    # node 3: square
    var = sq.sum(axis=0) / n      # node 4: mean of squares = variance
    std = np.sqrt(var + eps)      # node 5: standard deviation
    inv_std = 1.0 / std           # node 6: reciprocal
    x_hat = xc * inv_std          # node 7: normalize
    y = gamma * x_hat             # node 8: scale
    out = y + beta                # node 9: shift
    cache = {"n": n, "xc": xc, "std": std, "inv_std": inv_std, "x_hat": x_hat, "gamma": gamma}
    return out, cache


rng = np.random.default_rng(0)
x = 3.0 + 2.0 * rng.standard_normal((8, 5))      # 8 samples, 5 features, far from mean 0 and variance 1
gamma = 1.0 + 0.1 * rng.standard_normal(5)
beta = 0.1 * rng.standard_normal(5)

out, cache = batchnorm_forward(x, gamma, beta)
assert np.allclose(BatchNormalization(gamma, beta).forward(x, train=True), out, rtol=0, atol=1e-12)  # = library
x_hat = cache["x_hat"]
assert np.allclose(x_hat.mean(axis=0), 0, atol=1e-12) and np.allclose(x_hat.var(axis=0), 1, atol=1e-5)
print("input  mean, var of feature 0:", round(float(x[:, 0].mean()), 3), round(float(x[:, 0].var()), 3))
print("x_hat  mean, var of feature 0:", round(float(x_hat[:, 0].mean()), 3), round(float(x_hat[:, 0].var()), 3))

# %% [markdown]
# ## The backward pass, node by node
#
# The figure shows the nine nodes. Two values are used twice: $x$ feeds the
# mean (node ①) and the subtraction (②), and $x_c$ feeds the square (③) and
# the normalization (⑦). Where a value branches, its gradient is the *sum* of
# the gradients coming back along the branches.

# %%
save_figure(batchnorm_graph(), "03_computational_graph")
plt.show()

# %% [markdown]
# Write $\bar v$ for $\partial L/\partial v$; the backward pass starts from
# $\overline{\text{out}}$ (`dout`, shape $(N, D)$). A sum over the batch in
# the forward pass (nodes ① and ④) becomes a broadcast backward, and a value
# broadcast to every sample ($\mu$, $\sigma$, $\gamma$, $\beta$) gets a sum.
#
# | node | forward | backward |
# |---|---|---|
# | ⑨ | $\text{out} = y + \beta$ | $\bar\beta = \sum_n \overline{\text{out}}_n$, $\ \bar y = \overline{\text{out}}$ |
# | ⑧ | $y = \gamma\hat x$ | $\bar\gamma = \sum_n \bar y_n \hat x_n$, $\ \bar{\hat x} = \gamma\,\bar y$ |
# | ⑦ | $\hat x = x_c \cdot (1/\sigma)$ | $\overline{x_c}^{(1)} = \bar{\hat x}/\sigma$, $\ \overline{(1/\sigma)} = \sum_n \bar{\hat x}_n x_{c,n}$ |
# | ⑥ | $1/\sigma$ | $\bar\sigma = -\overline{(1/\sigma)}/\sigma^2$ |
# | ⑤ | $\sigma = \sqrt{\sigma^2+\varepsilon}$ | $\overline{\sigma^2} = \bar\sigma / (2\sigma)$ |
# | ④ | $\sigma^2 = \frac1N\sum_n x_{c,n}^2$ | $\overline{x_{c,n}^2} = \overline{\sigma^2}/N$ for every $n$ |
# | ③ | $x_c^2$ | $\overline{x_c}^{(2)} = 2x_c\,\overline{x_c^2}$ |
# | ② | $x_c = x - \mu$ | $\overline{x_c} = \overline{x_c}^{(1)} + \overline{x_c}^{(2)}$, $\ \bar x^{(1)} = \overline{x_c}$, $\ \bar\mu = -\sum_n \overline{x_{c,n}}$ |
# | ① | $\mu = \frac1N\sum_n x_n$ | $\bar x^{(2)}_n = \bar\mu/N$, $\ \bar x = \bar x^{(1)} + \bar x^{(2)}$ |
#
# The code is the table, one line per entry:

# %%
def batchnorm_backward_staged(dout, cache):
    """Backward pass of batchnorm_forward, node by node (9 to 1). Returns dx, dgamma, dbeta."""
    n, xc, std, inv_std, x_hat, gamma = (cache[k] for k in ("n", "xc", "std", "inv_std", "x_hat", "gamma"))
    dbeta = dout.sum(axis=0)                    # 9: out = y + beta
    dy = dout
    dgamma = np.sum(dy * x_hat, axis=0)         # 8: y = gamma * x_hat
    dx_hat = dy * gamma
    dxc_1 = dx_hat * inv_std                    # 7: x_hat = xc * inv_std  (first use of xc)
    dinv_std = np.sum(dx_hat * xc, axis=0)
    dstd = -dinv_std / std**2                   # 6: inv_std = 1 / std
    dvar = dstd / (2.0 * std)                   # 5: std = sqrt(var + eps)
    dsq = np.broadcast_to(dvar / n, xc.shape)   # 4: var = sum(sq) / n
    dxc_2 = 2.0 * xc * dsq                      # 3: sq = xc ** 2  (second use of xc)
    dxc = dxc_1 + dxc_2                         # 2: xc = x - mu; the two branches of xc add up
    dx_1 = dxc
    dmu = -np.sum(dxc, axis=0)
    dx_2 = np.broadcast_to(dmu / n, xc.shape)   # 1: mu = sum(x) / n
    dx = dx_1 + dx_2                            # the two branches of x add up
    return dx, dgamma, dbeta


# %% [markdown]
# ## The compact form, and the library's code
#
# Collapse the nine steps: write $s = 1/\sqrt{\sigma^2+\varepsilon}$ and
# $g_n = \bar{\hat x}_n = \gamma\,\overline{\text{out}}_n$. Using
# $x_n - \mu = \hat x_n / s$ and $\sum_n (x_n - \mu) = 0$,
#
# $$
# \overline{\sigma^2} = -\tfrac12 s^2 \sum_n g_n \hat x_n , \qquad
# \bar\mu = -s\sum_n g_n , \qquad
# \bar x_n = \frac{s}{N}\Big(N g_n - \sum_m g_m - \hat x_n \sum_m g_m \hat x_m\Big).
# $$
#
# Read it as: take the gradient $g$, remove its mean over the batch (the
# path through $\mu$) and its component along $\hat x$ (the path through
# $\sigma^2$), scale by $s$. This is what the library runs. `BatchNormalization`
# inherits the backward pass from `Normalization`, which it shares with
# Layer Normalization (section 3.5):

# %%
show(BatchNormalization, Normalization)

# %% [markdown]
# `_scale_shift_backward` is nodes ⑨ and ⑧; `_normalize_backward` is the
# compact formula. The staged and the library's backward passes must agree to
# rounding error:

# %%
dout = rng.standard_normal(x.shape)
dx_staged, dgamma_staged, dbeta_staged = batchnorm_backward_staged(dout, cache)
layer = BatchNormalization(gamma, beta)
layer.forward(x, train=True)
dx_library = layer.backward(dout)

agreement = {"dx": relative_error(dx_staged, dx_library), "dgamma": relative_error(dgamma_staged, layer.dgamma),
             "dbeta": relative_error(dbeta_staged, layer.dbeta)}
assert all(err < 1e-12 for err in agreement.values()), agreement
print("staged and library agree to 1e-12:", {name: err < 1e-12 for name, err in agreement.items()})

# %% [markdown]
# **No bias before BatchNorm.** The compact form gives
# $\sum_n \bar x_n = 0$ for every batch, since $\sum_n \hat x_n = 0$. A bias
# $b$ of the Affine layer before BatchNorm would have exactly this gradient,
# $\bar b = \sum_n \bar x_n = 0$, and adding it changes nothing in the forward
# pass either (the mean subtraction removes it). So the library builds those
# Affine layers without a bias; $\beta$ does its job. Both facts, checked:

# %%
b = rng.standard_normal(5)
out_with_bias, cache_with_bias = batchnorm_forward(x + b, gamma, beta)
bias_gradient = batchnorm_backward_staged(dout, cache_with_bias)[0].sum(axis=0)
assert np.allclose(out_with_bias, out, rtol=0, atol=1e-12)
assert np.max(np.abs(bias_gradient)) < 1e-12 * np.max(np.abs(dx_staged))
print("the bias changes the output:", bool(np.max(np.abs(out_with_bias - out)) > 1e-12),
      "| its gradient is zero to rounding:", bool(np.max(np.abs(bias_gradient)) < 1e-12))

# %% [markdown]
# ## A gradient check that can fail
#
# Two hand derivations can share a mistake. The gradient check compares
# backpropagation with central differences $\big(f(\theta+h)-f(\theta-h)\big)/2h$
# and reports the **relative error**
# $\max|a-b| \,/\, \max(10^{-8}, \max(|a|+|b|))$. In float64 with
# $h = 10^{-5}$ a correct gradient gives about $10^{-10}$, a wrong one
# something near 1.
#
# As a loss for the layer alone take $f = \sum_{n,d} \text{out}_{nd}\, w_{nd}$
# for a fixed random $w$, so that $\overline{\text{out}} = w$. The function
# below returns the relative error of a backward pass's $\bar x$ on a fresh
# batch of $N$ samples.

# %%
def dx_error(backward, n, seed=1):
    """Relative error of backward(w, cache)'s dx against central differences, on a batch of n samples."""
    rng = np.random.default_rng(seed)
    x = 3.0 + 2.0 * rng.standard_normal((n, 5))
    w = rng.standard_normal((n, 5))
    numerical = numerical_gradient(lambda: float(np.sum(batchnorm_forward(x, gamma, beta)[0] * w)), x)
    return relative_error(backward(w, batchnorm_forward(x, gamma, beta)[1]), numerical)


def staged_dx(dout, cache):
    return batchnorm_backward_staged(dout, cache)[0]


def library_dx(dout, cache):
    layer = BatchNormalization(cache["gamma"], beta)
    layer.forward(cache["xc"] + 3.0, train=True)   # any input with these centered values
    return layer.backward(dout)


errors_10 = {"staged": dx_error(staged_dx, 10), "library": dx_error(library_dx, 10)}
assert max(errors_10.values()) < 1e-8, errors_10
print("N = 10, relative error of dx below 1e-8:", {name: err < 1e-8 for name, err in errors_10.items()})

# %% [markdown]
# Now two wrong backward passes. The commonest bug treats $\mu$ and $\sigma$
# as constants: $\bar x = \gamma\,\overline{\text{out}}/\sqrt{\sigma^2+\varepsilon}$,
# the path through node ⑦ alone. A subtler one keeps the mean path but drops
# the path through $\sigma^2$ (nodes ③ to ⑥), the last term of the compact
# form.
#
# *Predict before you run:* with a batch of one sample, $\hat x = 0$ for
# every feature and the layer outputs $\beta$ whatever its input, so the true
# $\bar x$ is zero. Which of the two bugs does a check on one sample catch?

# %%
def dx_constant_statistics(dout, cache):
    """Bug: mu and sigma treated as constants."""
    return cache["gamma"] * dout * cache["inv_std"]


def dx_without_variance_path(dout, cache):
    """Bug: the path through sigma^2 forgotten (the x_hat term of the compact form)."""
    g, n = cache["gamma"] * dout, cache["n"]
    return cache["inv_std"] / n * (n * g - g.sum(axis=0))


bug_errors = {name: {n: dx_error(bug, n) for n in (1, 10)}
              for name, bug in {"constant statistics": dx_constant_statistics,
                                "no variance path": dx_without_variance_path}.items()}
assert bug_errors["constant statistics"][1] > 0.5 and bug_errors["constant statistics"][10] > 0.1
assert bug_errors["no variance path"][1] == 0.0 and bug_errors["no variance path"][10] > 0.1
for name, errors in bug_errors.items():
    print(f"{name:20s} relative error at N = 1: {errors[1]:.2f}, at N = 10: {errors[10]:.2f}")

# %% [markdown]
# With $\mu$ and $\sigma$ constant, one sample gives
# $\bar x = \gamma\,\overline{\text{out}}/\sqrt{\varepsilon}$, large where
# the truth is zero: even a batch of one catches it. The forgotten variance
# path multiplies $\hat x$, which is zero for one sample, so there the wrong
# code returns the right zeros and passes. Every term that multiplies $\hat x$
# (the whole $\gamma$ gradient, the variance path) is invisible at $N = 1$.
# With 10 samples both bugs fail by orders of magnitude. This is why the
# library's `gradient_check` refuses a batch of fewer than two samples, and
# refuses an all-zero gradient.
#
# **A network.** The same check on a 784-100-100-10 network with BatchNorm
# in both hidden layers, on 10 MNIST images in float64. For the large weight
# matrices it checks 200 random entries each (all entries of the others).

# %%
net = MultiLayerNetExtend(784, [100, 100], 10, use_batchnorm=True, rng=np.random.default_rng(1))
x_check, t_check = x_train[:10].astype(np.float64), t_train[:10]
network_errors = gradient_check(net, x_check, t_check, max_entries=200, rng=np.random.default_rng(2))
assert max(network_errors.values()) < 1e-6, network_errors
print("parameters:", list(network_errors))
print("max relative error < 1e-6 for every parameter:", all(err < 1e-6 for err in network_errors.values()))
save_figure(gradient_check_bars(network_errors, "Gradient check, 784-100-100-10 with BatchNorm, batch of 10"),
            "03_gradient_check")
plt.show()

# %% [markdown]
# ## Training mode and inference mode
#
# In training each sample is normalized with the statistics of *its*
# mini-batch, so its output depends on which other samples share the batch.
# At inference we want one answer per sample, even for a batch of one. So the
# layer keeps **running statistics**, exponential moving averages updated at
# every training step with momentum $m = 0.9$,
#
# $$
# \mu_\text{run} \leftarrow m\,\mu_\text{run} + (1-m)\,\mu, \qquad
# \sigma^2_\text{run} \leftarrow m\,\sigma^2_\text{run} + (1-m)\,\sigma^2 ,
# $$
#
# and in inference mode (`train=False`) uses them in place of $\mu$ and
# $\sigma^2$. The library starts them at 0 and 1 (PyTorch does the same; the
# original book starts both at 0); section 3.3 shows what that start costs
# and how to remove it. Here, a layer fed 100 batches of 100 pre-activations
# $z = xW$ (MNIST images, a fixed random $W$, 5 units), then both modes on one
# batch, and one sample in two different batches:

# %%
rng = np.random.default_rng(5)
z = x_train[:10000].astype(np.float64) @ (0.1 * rng.standard_normal((784, 5)))
bn = BatchNormalization(np.ones(5), np.zeros(5))
for start in range(0, len(z), 100):
    bn.forward(z[start:start + 100], train=True)

batch = z[:100]
out_train, out_infer = bn.forward(batch, train=True), bn.forward(batch, train=False)
out_infer_alone = bn.forward(batch[:1], train=False)
out_train_other_batch = bn.forward(np.vstack([batch[:1], z[100:199]]), train=True)
assert not np.allclose(out_train, out_infer)                      # the two modes differ
assert np.allclose(out_infer_alone[0], out_infer[0])              # inference: a sample ignores its batch mates
assert not np.allclose(out_train_other_batch[0], out_train[0])    # training: it depends on them
print("max |training-mode output - inference output| on one batch:",
      round(float(np.abs(out_train - out_infer).max()), 2))
print("sample 0 in another batch, change of its output: training",
      round(float(np.abs(out_train_other_batch[0] - out_train[0]).max()), 2),
      "| inference", round(float(np.abs(out_infer_alone[0] - out_infer[0]).max()), 2))

# %% [markdown]
# The modes differ by the noise of one batch's statistics. A network with
# BatchNorm must therefore be switched to inference mode for evaluation: the
# library's `accuracy` and the `Trainer`'s evaluations do this.
#
# ## Summary
#
# - BatchNorm normalizes each feature over the mini-batch to mean 0 and
#   variance 1, then scales by $\gamma$ and shifts by $\beta$. It sits between
#   the Affine layer and the activation; that Affine layer needs no bias.
# - The backward pass follows the graph node by node and collapses to
#   $\bar x = \frac{s}{N}\big(N g - \sum g - \hat x\sum g\hat x\big)$, the
#   library's code; both agree to $10^{-12}$.
# - A gradient check needs several samples: at $N = 1$ every term that
#   multiplies $\hat x$ vanishes, so a forgotten variance path passes, while
#   treating $\mu$ and $\sigma$ as constants fails even there. At $N = 10$
#   both fail, and the correct layer and network pass below $10^{-6}$.
# - Training mode uses the batch's statistics; inference mode uses running
#   averages.
#
# ## Exercises
#
# ### Exercise 1: a bug that one sample misses
#
# Write `my_buggy_dx(dout, x_hat, inv_std, gamma)`, a backward pass for
# $\bar x$ with one planted mistake, *different* from the forgotten variance
# path above, that a gradient check on one sample passes and one on ten
# samples fails. (`x_hat` is $(N, D)$; `inv_std` is $s$, shape $(D,)$.) The
# self-check plants it into a network's BatchNorm layers and checks the
# network's gradient of $W_1$ at $N = 1$ and $N = 10$.

# %% jupyter={"source_hidden": true} tags=["solution"]
def my_buggy_dx(dout, x_hat, inv_std, gamma):
    # BEGIN SOLUTION
    # The x_hat term with the wrong sign: invisible when x_hat = 0.
    g, n = gamma * dout, len(dout)
    return inv_std / n * (n * g - g.sum(axis=0) + x_hat * np.sum(g * x_hat, axis=0))
    # END SOLUTION


# %% tags=["self-check"]
def _planted_w1_error(n):
    """Relative error of W1's gradient in a BatchNorm network whose BatchNorm layers use my_buggy_dx."""
    class Planted(BatchNormalization):
        def backward(self, dout):
            super().backward(dout)                                    # dgamma, dbeta as usual
            return my_buggy_dx(dout, self.x_hat, self.inv_std, self.gamma)

    net = MultiLayerNetExtend(784, [20, 20], 10, use_batchnorm=True, rng=np.random.default_rng(33))
    for name, layer in net.layers.items():
        if name.startswith("BatchNorm"):
            layer.__class__ = Planted
    x, t = x_train[100:100 + n].astype(np.float64), t_train[100:100 + n]
    entries = 20 * 400 + np.arange(40)                                # W1's rows of two central pixels
    numerical = net.numerical_gradient(x, t, indices={key: [] for key in net.params} | {"W1": entries})["W1"]
    return relative_error(net.loss_and_gradient(x, t)[1]["W1"].reshape(-1)[entries], numerical)


rng_check = np.random.default_rng(34)
xs, ws = 3.0 + 2.0 * rng_check.standard_normal((10, 5)), rng_check.standard_normal((10, 5))
_, cache_ex = batchnorm_forward(xs, gamma, beta)
answer = my_buggy_dx(ws, cache_ex["x_hat"], cache_ex["inv_std"], gamma)
assert np.shape(answer) == (10, 5), "return dx with the shape of dout"
assert not np.allclose(answer, dx_without_variance_path(ws, cache_ex)), \
    "this is the forgotten variance path from the text: plant a different mistake"
assert _planted_w1_error(10) > 1e-3, "at N = 10 the check passes: your backward pass is not wrong there"
assert _planted_w1_error(1) < 1e-6, "a batch of one catches this bug: choose one that one sample cannot see"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: fold BatchNorm into the Affine layer
#
# In inference mode BatchNorm is a fixed affine map per feature, so
# Affine (no bias) → BatchNorm can be replaced by one Affine layer with
# weights $W'$ and bias $b'$, which saves work at inference. Write
# `fold_batchnorm(W, bn)` returning `(W_folded, b_folded)` such that
# `x @ W_folded + b_folded` equals `bn.forward(x @ W, train=False)`. The
# layer's attributes are `gamma`, `beta`, `running_mean`, `running_var`, `eps`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def fold_batchnorm(W, bn):
    # BEGIN SOLUTION
    a = bn.gamma / np.sqrt(bn.running_var + bn.eps)
    return W * a, bn.beta - bn.running_mean * a
    # END SOLUTION


# %% tags=["self-check"]
rng_check = np.random.default_rng(41)
W_ex = 0.1 * rng_check.standard_normal((784, 5))
bn_ex = BatchNormalization(1.0 + 0.2 * rng_check.standard_normal(5), 0.1 * rng_check.standard_normal(5))
for start in range(0, 2000, 100):                       # train the running statistics on MNIST batches
    bn_ex.forward(x_train[start:start + 100].astype(np.float64) @ W_ex, train=True)
W_folded, b_folded = fold_batchnorm(W_ex, bn_ex)
x_new = x_test[:50].astype(np.float64)
assert np.shape(W_folded) == (784, 5) and np.shape(b_folded) == (5,), "W_folded is (784, 5), b_folded is (5,)"
assert np.allclose(x_new @ W_folded + b_folded, bn_ex.forward(x_new @ W_ex, train=False), atol=1e-10), \
    "the folded layer differs from Affine -> BatchNorm in inference mode"
print("Exercise 2: correct")

# %% [markdown]
# ### Exercise 3: predict, then run
#
# The 784-100-100-10 network above (all $\beta = 0$ at the start) computes
# its gradients in training mode on a batch of **one** image. Which
# parameters get a non-zero gradient?
#
# - `"a"`: all of them;
# - `"b"`: only the last bias $b_3$;
# - `"c"`: $W_3$ and $b_3$;
# - `"d"`: none.
#
# Set `prediction` to `"a"`, `"b"`, `"c"` or `"d"`, then run the self-check.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"   # x_hat = 0, so every ReLU input is beta = 0, where its slope is 0: only b3 learns
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    nonzero = {key for key, grad in net.loss_and_gradient(x_check[:1], t_check[:1])[1].items() if np.any(grad)}
    return {"a": nonzero == set(net.params), "b": nonzero == {"b3"}, "c": nonzero == {"W3", "b3"},
            "d": nonzero == set()}


check_choice(prediction, facts, options="abcd", exercise=3,
             hint="work out x_hat for one sample, then what each ReLU sees")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | Definition |
# |---|---|---|---|
# | Batch Normalization | バッチ正規化 (Batch Norm) | 批归一化 (批量归一化) | A layer that normalizes each feature over the mini-batch to mean 0 and variance 1, then scales by γ and shifts by β. |
# | mini-batch statistics | ミニバッチ統計量 | 小批量统计量 | The mean and variance of each feature computed over the current mini-batch. |
# | normalization | 正規化 | 归一化 | Subtracting a mean and dividing by a standard deviation so that values have mean 0 and variance 1. |
# | scale and shift (γ, β) | スケールとシフト (γ, β) | 缩放与平移 (γ, β) | Learned per-feature parameters applied after normalization, restoring the layer's freedom of range. |
# | computational graph | 計算グラフ | 计算图 | A computation drawn as nodes (elementary operations) and edges (values), used to derive the backward pass. |
# | backward pass | 逆伝播 (誤差逆伝播法) | 反向传播 | Computing the gradients of the loss node by node from the output back to the inputs. |
# | gradient check | 勾配確認 | 梯度检验 | Comparing backpropagated gradients with central-difference numerical gradients. |
# | relative error | 相対誤差 | 相对误差 | The largest absolute difference divided by the largest sum of absolute values (with a floor), the gradient check's scale-free measure of disagreement. |
# | running mean / running variance | 移動平均 / 移動分散 | 滑动平均 / 滑动方差 | Exponential moving averages of the batch statistics, used in place of them at inference. |
# | training mode / inference mode | 学習モード / 推論モード | 训练模式 / 推理模式 | Using the batch's statistics (training) or the running statistics (inference) in BatchNorm. |
# | epsilon (ε) | イプシロン (ε, 微小定数) | ε (小常数) | A small constant added to the variance so that the division stays finite. |
#
# See the whole [glossary](../glossary.md).

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
# # Chapter 3 — Batch Normalization
#
# Chapter 2 showed that the distribution of a network's activations depends
# on the scale of its initial weights: too small and every layer's signal
# shrinks towards zero, too large and the units saturate or the signal
# explodes. Choosing the scale well (Xavier, He) fixes the *start* of
# training. **Batch Normalization** (Ioffe & Szegedy, 2015) goes further: it
# normalizes the pre-activations of every layer, on every mini-batch,
# throughout training.
#
# **Learning goals.** After this chapter you can
#
# 1. write the Batch Normalization forward pass and say where the layer sits
#    in a network (Affine → BatchNorm → activation) and why the Affine layer
#    before it needs no bias;
# 2. draw its computational graph and derive the backward pass node by node,
#    then simplify it to the compact form the library uses;
# 3. check gradients of the layer and of a whole network correctly, and
#    explain why a batch of one sample proves nothing;
# 4. explain the difference between training mode (batch statistics) and
#    inference mode (running statistics);
# 5. read the classic experiment of 16 weight scales, with and without
#    BatchNorm, and explain both what BatchNorm fixes and what it does not;
# 6. measure what BatchNorm buys in practice (a larger learning rate) and
#    weigh three accounts of why it works (internal covariate shift, a
#    smoother loss, the effective learning rate of scale-invariant weights);
# 7. say where BatchNorm breaks (tiny batches) and use Layer Normalization
#    instead.

# %%
import matplotlib.pyplot as plt
import numpy as np

from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, save_figure, small_multiples
from common.display.report import approx, seed_summary
from common.experiments.classic import Run, batch_norm_test, build_network, by_label, seed_pairs, train_run
from common.experiments.parallel import run_parallel
from common.experiments.trainer import Trainer
from common.gradient import gradient_check, layer_gradient_check, numerical_gradient, relative_error
from common.layers import BatchNormalization, LayerNormalization
from common.networks import MultiLayerNetExtend
from common.optimizers import SGD
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()
print(x_train.shape, x_train.dtype, t_train.shape)

# %% [markdown]
# ## 1. The algorithm
#
# Take a mini-batch of $N$ inputs $x_1, \dots, x_N$ to the layer (each a
# vector of $D$ features; everything below is done feature by feature).
# Batch Normalization computes
#
# $$
# \mu = \frac1N\sum_{n=1}^N x_n, \qquad
# \sigma^2 = \frac1N\sum_{n=1}^N (x_n-\mu)^2, \qquad
# \hat x_n = \frac{x_n-\mu}{\sqrt{\sigma^2+\varepsilon}}, \qquad
# y_n = \gamma\,\hat x_n + \beta .
# $$
#
# * $\mu$ and $\sigma^2$ are the **mini-batch statistics**: the mean and the
#   (biased, divide-by-$N$) variance of each feature over the batch.
# * $\hat x$ has mean 0 and variance (almost) 1 over the batch, whatever the
#   scale of the weights that produced $x$. The small constant
#   $\varepsilon$ ($10^{-5}$ in our library, as in PyTorch; the
#   original book uses $10^{-6}$) keeps the division finite when a feature
#   is constant over the batch.
# * $\gamma$ (scale) and $\beta$ (shift) are learned parameters, one per
#   feature, initialised to 1 and 0. They give the network back the freedom
#   the normalization took away: with $\gamma = \sqrt{\sigma^2+\varepsilon}$
#   and $\beta = \mu$ the layer would be the identity.
#
# **Where it sits.** As in the original paper and the original book, our
# `MultiLayerNetExtend(use_batchnorm=True)` puts it between the Affine layer
# and the activation: Affine → BatchNorm → ReLU, in every hidden layer.
#
# **No bias before it.** An Affine layer computes $xW + b$. BatchNorm then
# subtracts the batch mean, and the mean of $xW + b$ is the mean of $xW$
# plus $b$: the bias cancels out exactly. It cannot change the output, so
# its gradient is exactly zero and it would never learn; $\beta$ does its
# job. The library therefore builds the hidden Affine layers without a bias
# (the parameters are `W1, gamma1, beta1, ..., WL, bL`). We verify the "exactly
# zero" in section 3.
#
# Below, the forward pass written as a chain of small steps. Each step is one
# node of the computational graph that follows; the `cache` keeps what the
# backward pass will need.

# %%
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch Normalization in train mode, one elementary step per line.  x: (N, D); gamma, beta: (D,)."""
    n = x.shape[0]
    mu = x.sum(axis=0) / n        # node 1: mean
    xc = x - mu                   # node 2: centre
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
x = 3.0 + 2.0 * rng.standard_normal((8, 5))      # a batch of 8 samples, 5 features, far from mean 0 / variance 1
gamma = 1.0 + 0.1 * rng.standard_normal(5)
beta = 0.1 * rng.standard_normal(5)

out, cache = batchnorm_forward(x, gamma, beta)
layer = BatchNormalization(gamma, beta)            # the library's layer
assert np.allclose(layer.forward(x, train=True), out, rtol=0, atol=1e-12)
x_hat = cache["x_hat"]
# after normalization every feature has mean 0 and variance 1 over the batch (up to eps)
assert np.allclose(x_hat.mean(axis=0), 0, atol=1e-12) and np.allclose(x_hat.var(axis=0), 1, atol=1e-5)
print("input  mean, var of feature 0:", round(float(x[:, 0].mean()), 3), round(float(x[:, 0].var()), 3))
print("x_hat  mean, var of feature 0:", round(float(x_hat[:, 0].mean()), 3), round(float(x_hat[:, 0].var()), 3))

# %% [markdown]
# ## 2. The computational graph and the backward pass
#
# The figure shows the nine nodes of `batchnorm_forward`. Data flow left to
# right; gradients flow right to left. Note the two places where a value is
# used twice: $x$ feeds both the mean (node 1) and the subtraction (node 2),
# and the centred value $x_c$ feeds both the squaring (node 3) and the
# normalization (node 7). Where a value branches, its gradient is the *sum*
# of the gradients that come back along the branches.

# %% jupyter={"source_hidden": true}
# Drawing code for the graph (matplotlib boxes and arrows); the picture matters, not this code.
def draw_batchnorm_graph():
    fig, ax = plt.subplots(figsize=(14, 3.8))
    ax.set_xlim(-0.5, 14.9)
    ax.set_ylim(-1.0, 3.0)
    ax.axis("off")
    node_style = {"boxstyle": "round,pad=0.35", "facecolor": "#fde9d9", "edgecolor": "#d62728"}
    value_style = {"boxstyle": "round,pad=0.3", "facecolor": "#e8f0fb", "edgecolor": "#1f77b4"}
    X, MEAN1, SUB, SQUARE, MEAN2, SQRT, RECIP = (0.0, 1.0), (1.4, 2.2), (2.8, 1.0), (4.4, 2.2), (6.1, 2.2), (7.9, 2.2), (9.6, 2.2)
    MUL1, MUL2, ADD, OUT, GAMMA, BETA = (10.8, 1.0), (12.2, 1.0), (13.6, 1.0), (14.7, 1.0), (12.2, -0.5), (13.6, -0.5)
    nodes = [(MEAN1, "① mean"), (SUB, "② −"), (SQUARE, "③ (·)²"), (MEAN2, "④ mean"), (SQRT, "⑤ √(· + ε)"),
             (RECIP, "⑥ 1/·"), (MUL1, "⑦ ×"), (MUL2, "⑧ ×"), (ADD, "⑨ +")]
    boxes = {}  # position -> the box drawn there, so that arrows stop at its border
    for (x_pos, y_pos), label in nodes:
        boxes[x_pos, y_pos] = ax.text(x_pos, y_pos, label, ha="center", va="center", fontsize=11, bbox=node_style)
    for (x_pos, y_pos), label in [(X, "$x$"), (GAMMA, r"$\gamma$"), (BETA, r"$\beta$"), (OUT, "out")]:
        boxes[x_pos, y_pos] = ax.text(x_pos, y_pos, label, ha="center", va="center", fontsize=12, bbox=value_style)
    fig.canvas.draw()  # lay out the boxes before the arrows are clipped to them
    edges = [  # (from, to, label on the arrow)
        (X, MEAN1, ""), (X, SUB, "$x$"), (MEAN1, SUB, r"$\mu$"), (SUB, SQUARE, "$x_c$"),
        (SQUARE, MEAN2, "$x_c^2$"), (MEAN2, SQRT, r"$\sigma^2$"), (SQRT, RECIP, r"$\sigma$"),
        (RECIP, MUL1, r"$1/\sigma$"), (SUB, MUL1, "$x_c$"), (MUL1, MUL2, r"$\hat{x}$"),
        (GAMMA, MUL2, ""), (MUL2, ADD, "$y$"), (BETA, ADD, ""), (ADD, OUT, ""),
    ]
    for start, end, label in edges:
        ax.annotate("", xy=end, xytext=start,
                    arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.3, "shrinkA": 2, "shrinkB": 2,
                                "patchA": boxes[start].get_bbox_patch(), "patchB": boxes[end].get_bbox_patch()})
        if label:
            mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            horizontal = start[1] == end[1]
            ax.text(mid_x + (0 if horizontal else 0.12), mid_y + 0.12, label, ha="center" if horizontal else "left",
                    va="bottom", fontsize=11, color="#1f77b4")
    ax.annotate("", xy=(1.0, -0.75), xytext=(10.0, -0.75),
                arrowprops={"arrowstyle": "-|>", "color": "#d62728", "lw": 1.2, "ls": "--"})
    ax.text(5.5, -0.62, "backward pass: gradients flow from right to left, node ⑨ first",
            ha="center", va="bottom", fontsize=10, color="#d62728")
    ax.set_title("Batch Normalization as a computational graph (train mode, per feature)")
    return fig


fig = draw_batchnorm_graph()
save_figure(fig, "03_computational_graph")
plt.show()

# %% [markdown]
# ### Node by node
#
# Write $\bar v$ for $\partial L/\partial v$, the gradient of the loss with
# respect to a value $v$; the backward pass starts from
# $\overline{\text{out}}$ (called `dout`, shape $(N, D)$). Walking the graph
# backwards, each node multiplies the incoming gradient by its local
# derivative. A sum over the batch in the forward pass (nodes 1 and 4)
# becomes a broadcast in the backward pass, and a broadcast in the forward
# pass ($\mu$, $\sigma$, $\gamma$, $\beta$ are used by every sample) becomes
# a sum over the batch.
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
    """Backward pass of batchnorm_forward, node by node (⑨ to ①). Returns dx, dgamma, dbeta."""
    n, xc, std, inv_std, x_hat, gamma = (cache[k] for k in ("n", "xc", "std", "inv_std", "x_hat", "gamma"))
    dbeta = dout.sum(axis=0)                    # ⑨ out = y + beta
    dy = dout
    dgamma = np.sum(dy * x_hat, axis=0)         # ⑧ y = gamma * x_hat
    dx_hat = dy * gamma
    dxc_1 = dx_hat * inv_std                    # ⑦ x_hat = xc * inv_std  (first use of xc)
    dinv_std = np.sum(dx_hat * xc, axis=0)
    dstd = -dinv_std / std**2                   # ⑥ inv_std = 1 / std
    dvar = dstd / (2.0 * std)                   # ⑤ std = sqrt(var + eps)
    dsq = np.broadcast_to(dvar / n, xc.shape)   # ④ var = sum(sq) / n
    dxc_2 = 2.0 * xc * dsq                      # ③ sq = xc ** 2  (second use of xc)
    dxc = dxc_1 + dxc_2                         # ② xc = x - mu: the two branches of xc add up
    dx_1 = dxc
    dmu = -np.sum(dxc, axis=0)
    dx_2 = np.broadcast_to(dmu / n, xc.shape)   # ① mu = sum(x) / n
    dx = dx_1 + dx_2                            # the two branches of x add up
    return dx, dgamma, dbeta


# %% [markdown]
# ### The compact form
#
# Nine steps are easy to check but wasteful. Collapse them: write
# $s = 1/\sqrt{\sigma^2+\varepsilon}$ and $g_n = \bar{\hat x}_n = \gamma\,\overline{\text{out}}_n$.
# Using $x_n - \mu = \hat x_n / s$,
#
# $$
# \overline{\sigma^2} = \sum_n g_n (x_n-\mu)\left(-\tfrac12\right)s^3 = -\tfrac12 s^2 \sum_n g_n \hat x_n ,
# \qquad
# \bar\mu = -s\sum_n g_n + \overline{\sigma^2}\cdot\left(-\tfrac2N\right)\underbrace{\sum_n (x_n-\mu)}_{=0}
#         = -s\sum_n g_n ,
# $$
#
# $$
# \bar x_n = s\,g_n + \overline{\sigma^2}\,\frac{2(x_n-\mu)}{N} + \frac{\bar\mu}{N}
# = \frac{s}{N}\Big(N g_n - \sum_m g_m - \hat x_n \sum_m g_m \hat x_m\Big).
# $$
#
# This is one line of numpy, and it is what `common.layers.BatchNormalization.backward`
# computes. Read it as: take the gradient $g$, remove its mean over the
# batch and almost all of its component along $\hat x$, scale by $s$.
# Two consequences follow, for every batch. Since $\sum_n \hat x_n = 0$,
# $\sum_n \bar x_n = 0$ exactly. And since
# $\sum_n \hat x_n^2 = N\sigma^2/(\sigma^2+\varepsilon) = N(1-\varepsilon s^2)$,
# not $N$,
#
# $$
# \sum_n \bar x_n \hat x_n = \varepsilon s^2 \cdot s\sum_n g_n \hat x_n ,
# $$
#
# which is zero only for $\varepsilon = 0$. With $\varepsilon > 0$ it is
# small, the factor $\varepsilon s^2 = \varepsilon/(\sigma^2+\varepsilon)$
# is between $2.6\cdot10^{-6}$ and $1.1\cdot10^{-5}$ for the features of our batch,
# but it is not zero.
#
# Both implementations must agree to rounding error, and the two sums must
# be what the formulas say:

# %%
dout = rng.standard_normal(x.shape)
dx_staged, dgamma_staged, dbeta_staged = batchnorm_backward_staged(dout, cache)

layer = BatchNormalization(gamma, beta)
layer.forward(x, train=True)
dx_compact = layer.backward(dout)

agreement = {
    "dx": relative_error(dx_staged, dx_compact),
    "dgamma": relative_error(dgamma_staged, layer.dgamma),
    "dbeta": relative_error(dbeta_staged, layer.dbeta),
}
assert all(err < 1e-12 for err in agreement.values()), agreement   # staged and compact agree to ~1e-12
print({name: err < 1e-12 for name, err in agreement.items()})

s, g = cache["inv_std"], dout * gamma                                    # the s and g of the formulas
sum_dx, sum_dx_x_hat = dx_compact.sum(axis=0), np.sum(dx_compact * x_hat, axis=0)
assert np.max(np.abs(sum_dx)) < 1e-12 * np.max(np.abs(dx_compact))         # sum_n dx_n = 0 (rounding only)
predicted = layer.eps * s**2 * (s * np.sum(g * x_hat, axis=0))
assert np.allclose(sum_dx_x_hat, predicted, rtol=1e-8, atol=0)              # sum_n dx_n x_hat_n = eps s^2 * s sum g x_hat
assert np.min(np.abs(sum_dx_x_hat)) > 1e-9 * np.max(np.abs(dx_compact))    # ...far above rounding: not zero
_, cache_no_eps = batchnorm_forward(x, gamma, beta, eps=0.0)
dx_no_eps = batchnorm_backward_staged(dout, cache_no_eps)[0]
assert np.max(np.abs(np.sum(dx_no_eps * cache_no_eps["x_hat"], axis=0))) < 1e-12 * np.max(np.abs(dx_no_eps))  # eps = 0
assert 2.5e-6 < np.min(layer.eps * s**2) and np.max(layer.eps * s**2) < 1.1e-5     # the factor, as in the text
print("sum_n dx_n x_hat_n = eps s^2 * s sum_n g_n x_hat_n:", bool(np.allclose(sum_dx_x_hat, predicted, rtol=1e-8)),
      "| eps s^2 per feature:", [f"{v:.1e}" for v in layer.eps * s**2])

# %% [markdown]
# ## 3. Why the bias before BatchNorm is useless
#
# The compact form says $\sum_n \bar x_n = 0$. If the Affine layer before
# BatchNorm had a bias $b$, its gradient would be
# $\bar b = \sum_n \bar x_n$, the same sum: exactly zero, for every batch
# and every loss. And in the forward pass, adding $b$ changes nothing.
# Both statements, checked:

# %%
b = rng.standard_normal(5)
out_with_bias, cache_with_bias = batchnorm_forward(x + b, gamma, beta)
dx_with_bias, _, _ = batchnorm_backward_staged(dout, cache_with_bias)
bias_gradient = dx_with_bias.sum(axis=0)

assert np.allclose(out_with_bias, out, rtol=0, atol=1e-12)          # the bias does not change the output
assert np.max(np.abs(bias_gradient)) < 1e-12 * np.max(np.abs(dx_with_bias))   # its gradient is zero (rounding only)
print("output changed by the bias:", bool(np.max(np.abs(out_with_bias - out)) > 1e-12))
print("bias gradient is zero (to rounding):", bool(np.max(np.abs(bias_gradient)) < 1e-12))

# %% [markdown]
# ## 4. Gradient check
#
# Agreement between two hand derivations is not proof: both could share a
# mistake. The gradient check compares backpropagation with central
# differences $\big(f(\theta+h)-f(\theta-h)\big)/2h$ and reports, for each
# parameter, the **relative error** $\max|a-b| \,/\, \max(10^{-8}, \max(|a|+|b|))$.
# In float64 with $h = 10^{-5}$ a correct gradient gives about $10^{-10}$; a
# wrong one gives something near 1.
#
# **The layer.** As a loss take $f = \sum_{n,d} \text{out}_{nd}\, w_{nd}$ for a fixed
# random $w$, so that $\overline{\text{out}} = w$. We differentiate with
# respect to $x$, $\gamma$ and $\beta$ on the batch of 8 samples, and check
# the staged and the compact backward passes alike.

# %%
w = rng.standard_normal(x.shape)


def layer_loss():
    return float(np.sum(batchnorm_forward(x, gamma, beta)[0] * w))


numerical = {"x": numerical_gradient(layer_loss, x),
             "gamma": numerical_gradient(layer_loss, gamma),
             "beta": numerical_gradient(layer_loss, beta)}
staged = dict(zip(("x", "gamma", "beta"), batchnorm_backward_staged(w, batchnorm_forward(x, gamma, beta)[1])))
# The library's layer, checked the same way by common.gradient.layer_gradient_check (the tests use it too).
compact = layer_gradient_check(BatchNormalization(gamma, beta), x, train=True, rng=np.random.default_rng(7))

layer_errors = {}
for name in numerical:
    assert np.max(np.abs(numerical[name])) > 1e-3, name          # the gradients are not zero
    layer_errors[f"{name} (staged)"] = relative_error(staged[name], numerical[name])
    layer_errors[f"{name} (compact)"] = compact[name]
assert max(layer_errors.values()) < 1e-6, layer_errors
print({name: f"{err:.0e}" if err > 1e-6 else "< 1e-6" for name, err in layer_errors.items()})

# %% [markdown]
# **A network.** Next, a 784-100-100-10 network with BatchNorm in both
# hidden layers (parameters `W1, gamma1, beta1, W2, gamma2, beta2, W3, b3`),
# on a batch of 10 MNIST images, in float64. Central differences cost two
# forward passes per entry, so for the large weight matrices we check 200
# randomly chosen entries each (all entries of the smaller parameters):
# about a thousand partial derivatives, a fraction of a second.
# `gradient_check` raises an error if backpropagation returns an all-zero
# gradient for any parameter.

# %%
net = MultiLayerNetExtend(784, [100, 100], 10, use_batchnorm=True, rng=np.random.default_rng(1))
x_check, t_check = x_train[:10].astype(np.float64), t_train[:10]
network_errors = gradient_check(net, x_check, t_check, max_entries=200, rng=np.random.default_rng(2))
_, analytic = net.loss_and_gradient(x_check, t_check)

assert all(np.max(np.abs(analytic[key])) > 1e-6 for key in net.params)   # no parameter has a zero gradient
assert max(network_errors.values()) < 1e-6, network_errors                # backprop matches central differences
print("parameters:", list(network_errors))
print("max relative error < 1e-6:", all(err < 1e-6 for err in network_errors.values()))

fig, ax = plt.subplots(figsize=FIGSIZE)
ax.bar(list(network_errors), list(network_errors.values()), color=color("Batch Normalization"))
ax.axhline(1e-6, color="black", ls="--", lw=1, label="threshold 1e-6")
ax.set_yscale("log")
ax.set_ylim(1e-13, 1e-3)
ax.set_ylabel("max relative error (log scale)")
ax.set_title("Gradient check, 784-100-100-10 with BatchNorm, batch of 10")
ax.legend()
save_figure(fig, "03_gradient_check")
plt.show()

# %% [markdown]
# All errors are several orders of magnitude below the threshold (the exact
# values, which depend on rounding, are in the figure).
#
# ### Why a batch of one proves nothing
#
# With $N = 1$ the batch mean is the sample itself, so $x_c = 0$,
# $\sigma^2 = 0$ and $\hat x = 0/\sqrt{\varepsilon} = 0$ for every feature:
# the layer outputs $\beta$ whatever it is fed. (Without $\varepsilon$ it
# would be $0/0$.) Every layer after the first BatchNorm sees the same
# input for any image, the loss no longer depends on $W_1$, $\gamma_1$,
# $W_2$, ... — and backpropagation and central differences agree that all
# these gradients are zero. (Here even the $\beta$'s and $W_3$ get zero
# gradients: with $\beta = 0$ every ReLU input is exactly 0, where the ReLU's
# slope is 0. Only the last bias $b_3$ still learns.) A gradient check on one sample compares zeros
# with zeros and "passes", even for a backward pass that is completely
# wrong.

# %%
loss_a, grads_one = net.loss_and_gradient(x_check[:1], t_check[:1])
some_entries = {key: np.random.default_rng(3).choice(p.size, min(p.size, 200), replace=False)
                for key, p in net.params.items()}
numerical_one = net.numerical_gradient(x_check[:1], t_check[:1], indices=some_entries)

assert np.all(net.layers["BatchNorm1"].x_hat == 0)                    # every normalized value is zero
other_image = x_check[1:2]
assert np.allclose(net.predict(other_image, train=True), net.predict(x_check[:1], train=True))  # output ignores input
zero_keys = [key for key, grad in grads_one.items() if not np.any(grad)]
assert {"W1", "gamma1", "W2", "gamma2"} <= set(zero_keys)
assert not np.any(numerical_one["W1"])                                 # central differences agree: zero
print("parameters whose gradient is exactly zero on a batch of one:", zero_keys)
print("relative error of W1 on a batch of one:",
      relative_error(grads_one["W1"].reshape(-1)[some_entries["W1"]], numerical_one["W1"]), "(zeros compared with zeros)")
try:
    gradient_check(net, x_check[:1], t_check[:1])
except ValueError as error:
    print("gradient_check refuses:", error)

# %% [markdown]
# ## 5. Training mode and inference mode
#
# In training, each sample is normalized with the statistics of *its*
# mini-batch, so its output depends on which other samples share the batch.
# At inference we want a deterministic answer per sample, even for a batch of
# one. So the layer keeps **running statistics**, exponential moving averages
# updated at every training step,
#
# $$
# \mu_\text{run} \leftarrow m\,\mu_\text{run} + (1-m)\,\mu_\text{batch}, \qquad
# \sigma^2_\text{run} \leftarrow m\,\sigma^2_\text{run} + (1-m)\,\sigma^2_\text{batch}, \qquad m = 0.9,
# $$
#
# starting from 0 and 1, and in inference mode (`train=False`) uses them in
# place of the batch statistics.
#
# To watch them converge, feed one BatchNorm layer the pre-activations
# $z = xW$ of 10 000 MNIST images through a fixed random $W$ (5 units), in
# shuffled batches of 100, for two epochs (200 steps). The data's own
# statistics are the mean and variance of $z$ over all 10 000 images.
#
# *Predict before you run:* after 200 steps with $m = 0.9$, how much of the
# starting values (0 and 1) is left in the running statistics?

# %%
rng = np.random.default_rng(5)
z = x_train[:10000].astype(np.float64) @ (0.1 * rng.standard_normal((784, 5)))
data_mean, data_var = z.mean(axis=0), z.var(axis=0)

bn = BatchNormalization(np.ones(5), np.zeros(5))
batch_size = 100
running_means, running_vars = [], []
for _ in range(2):                      # two epochs
    order = rng.permutation(len(z))
    for start in range(0, len(z), batch_size):
        bn.forward(z[order[start:start + batch_size]], train=True)
        running_means.append(bn.running_mean.copy())
        running_vars.append(bn.running_var.copy())
running_means, running_vars = np.array(running_means), np.array(running_vars)

mean_gap = np.abs(bn.running_mean - data_mean) / np.sqrt(data_var)
var_gap = np.abs(bn.running_var - data_var) / data_var
assert mean_gap.max() < 0.1          # the running mean is within 0.1 standard deviations of the data's mean
assert var_gap.max() < 0.1           # the running variance is within 10 % of the data's variance
print("left of the initial values after 200 steps: 0.9**200 =", f"{0.9**200:.0e}")
print("max |running mean - data mean| / data std:", round(float(mean_gap.max()), 3))
print("max |running var - data var| / data var:  ", round(float(var_gap.max()), 3))

fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
steps = np.arange(1, len(running_means) + 1)
for unit in range(3):
    line, = axes[0].plot(steps, running_means[:, unit], lw=1.2, label=f"unit {unit}")
    axes[0].axhline(data_mean[unit], color=line.get_color(), ls="--", lw=1)
    axes[1].plot(steps, running_vars[:, unit], lw=1.2, color=line.get_color(), label=f"unit {unit}")
    axes[1].axhline(data_var[unit], color=line.get_color(), ls="--", lw=1)
axes[0].set_title("running mean (solid), data mean (dashed)")
axes[1].set_title("running variance (solid), data variance (dashed)")
for ax in axes:
    ax.set_xlabel("training step (batch of 100)")
    ax.legend()
axes[0].set_ylabel("mean of pre-activation")
axes[1].set_ylabel("variance of pre-activation")
save_figure(fig, "03_running_statistics")
plt.show()

# %% [markdown]
# After about 30 steps ($0.9^{30} \approx 0.04$) the start is forgotten, and
# the running statistics then wander around the data's statistics with the
# noise of roughly the last ten batches. One detail: the library averages the
# *biased* batch variance (divide by $N$), whose expectation is
# $\frac{N-1}{N}\sigma^2$, 1 % low for $N = 100$; PyTorch uses the unbiased
# estimate for its running variance. Either is fine at this batch size.
#
# Now the two modes side by side. On the same batch, the outputs differ
# (batch statistics vs running statistics); and only in inference mode is a
# sample's output independent of the other samples in its batch.

# %%
batch = z[:100]
out_train = bn.forward(batch, train=True)
out_infer = bn.forward(batch, train=False)
out_infer_alone = bn.forward(batch[:1], train=False)
out_train_other_batch = bn.forward(np.vstack([batch[:1], z[100:199]]), train=True)

assert not np.allclose(out_train, out_infer)                      # the two modes give different outputs
assert np.allclose(out_infer_alone[0], out_infer[0])              # inference: a sample's output ignores its batch mates
assert not np.allclose(out_train_other_batch[0], out_train[0])    # training: it depends on them
print("max |train-mode output - inference output| on one batch:", round(float(np.abs(out_train - out_infer).max()), 2))
fresh = BatchNormalization(np.ones(5), np.zeros(5))
print("same, for a fresh layer (running stats 0 and 1):",
      round(float(np.abs(fresh.forward(batch, train=True) - fresh.forward(batch, train=False)).max()), 2))

# %% [markdown]
# With converged running statistics the two modes differ by the noise of one
# batch's statistics; with a fresh layer the difference is huge. This is why
# a network with BatchNorm must be switched to inference mode for
# evaluation, and why it must have seen enough training batches first. (The
# `accuracy` method and the `Trainer`'s evaluations use inference mode.)
#
# ## 6. BatchNorm makes a layer blind to the scale of its weights
#
# Multiply the weights $W$ of a layer followed by BatchNorm by $c > 0$:
# the pre-activations, their mean and their standard deviation all scale by
# $c$, and $\hat x$ does not change (up to $\varepsilon$). So the loss does
# not change. But the gradient does: since $L(cW) = L(W)$, differentiating
# gives $\nabla L(cW) = \nabla L(W)/c$. The *relative* size of an SGD step,
# $\eta\lVert\nabla L\rVert/\lVert W\rVert$, is therefore divided by $c^2$:
# large weights learn slowly, tiny weights take huge relative steps. This
# **effective learning rate** (van Laarhoven 2017; Hoffer et al. 2018)
# matters for the experiment that follows.
#
# *Predict before you run:* multiply the five hidden weight matrices of a
# BatchNorm network by 10. What happens to the loss, and to their gradients?

# %%
net = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=0.05, use_batchnorm=True,
                          rng=np.random.default_rng(6))
x_batch, t_batch = x_train[:100].astype(np.float64), t_train[:100]
loss_1, grads_1 = net.loss_and_gradient(x_batch, t_batch)
c = 10.0
hidden = [f"W{i}" for i in range(1, 6)]
for key in hidden:
    net.params[key] *= c                 # in place: the layers hold the same arrays
loss_c, grads_c = net.loss_and_gradient(x_batch, t_batch)

gradient_ratio = {key: float(np.linalg.norm(grads_c[key]) / np.linalg.norm(grads_1[key])) for key in hidden}
assert abs(loss_c - loss_1) < 1e-3 * loss_1                                  # the loss does not change
assert all(abs(ratio * c - 1) < 0.01 for ratio in gradient_ratio.values())  # each hidden gradient is divided by c
print("loss before and after scaling the hidden weights by 10:", round(loss_1, 4), round(loss_c, 4))
print("gradient norm ratio per hidden layer:", {key: round(r, 3) for key, r in gradient_ratio.items()})

# %% [markdown]
# ## 7. The classic experiment: 16 weight scales, with and without BatchNorm
#
# **Settings, as in the original** (chapter 6 of "Deep Learning from
# Scratch"): the first 1000 MNIST training images; 5 hidden layers of 100
# ReLU units; SGD with $\eta = 0.01$; mini-batches of 100 (10 steps per
# epoch); 20 epochs; the initial weights of *every* layer drawn with standard
# deviation $w$ for 16 values $w$ = `np.logspace(0, -4, 16)`, from 1 down to
# $10^{-4}$. For each $w$ we train the network with BatchNorm and the plain
# one from the **same initial weights** (seed $k$ for the $k$-th scale; the
# BatchNorm network only lacks the hidden biases, which start at zero
# anyway) and the same sequence of mini-batches, and record the accuracy on
# the 1000 training images before training and after every epoch.
#
# **Our choices, stated.** Mini-batches are drawn by shuffling each epoch
# (every image once per epoch; the original draws with replacement — it
# makes no difference to the conclusions). The networks compute in
# **float32**, a precision choice that halves the run time (32 trainings
# here); gradient checks above use float64. With `evaluate=True` and no
# test set, the `Trainer` records the accuracy on the training images
# themselves, before training and after every epoch, in inference mode
# (for the BatchNorm network: with the running statistics).
#
# *Predict before you run:* at which scales will the plain network learn at
# all? Chapter 2's He scale for a layer of 100 inputs is $\sqrt{2/100} \approx 0.14$.

# %%
# NBVAL_TOLERANCE abs=0.05
x_small, t_small = x_train[:1000], t_train[:1000]
scales = np.logspace(0, -4, 16)
EPOCHS = 20


# 32 runs as data (common/experiments/classic.py, shared with the benchmarks): at scale k, initial
# weights from seed k and mini-batches from seed 1000 + k, with and without BatchNorm.
runs = batch_norm_test(scales=scales, epochs=EPOCHS)
print(runs[0].network, runs[0].trainer, "on the first", runs[0].n_train, "images")
# The plain network overflows at the largest scales (its loss becomes NaN): a result, not noise,
# so the runs record divergence without a warning. The 32 trainings run side by side.
trained = run_parallel(train_run, runs, shared=(x_train, t_train, None, None), description="runs")
curves = by_label(trained, lambda result: result.history["train_acc"])   # shape (16 scales, 21 evaluations)
last_losses = by_label(trained, lambda result: result.history["train_loss"][-1])   # (16 scales,)
final = {name: c[:, -1] for name, c in curves.items()}
print("final train accuracy (w from 1 down to 1e-4):")
for name, accuracies in final.items():
    print(f"  {name:28s}", [approx(a, 2) for a in accuracies])

# %%
fig, axes = small_multiples(16, ncols=4, size=2.7)
epochs = np.arange(EPOCHS + 1)
for k, ax in enumerate(axes):
    ax.plot(epochs, curves["Batch Normalization"][k], color=color("Batch Normalization"), lw=1.8,
            label="Batch Normalization")
    ax.plot(epochs, curves["Normal (without BatchNorm)"][k], color=color("Normal (without BatchNorm)"), lw=1.5,
            ls="--", label="Normal (without BatchNorm)")
    ax.set_title(f"w = {scales[k]:.1e}", fontsize=10)
    ax.set_ylim(0, 1.05)
    if k % 4 == 0:
        ax.set_ylabel("train accuracy")
    if k >= 12:
        ax.set_xlabel("epoch")
axes[0].legend(loc="upper left", fontsize=7)
fig.suptitle("Train accuracy on 1000 MNIST images, 5 hidden layers × 100 ReLU, SGD η = 0.01, by initial weight scale w")
fig.tight_layout()
save_figure(fig, "03_weight_scales_grid")
plt.show()

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
for name, accuracies in final.items():
    ax.plot(scales, accuracies, "o-" if name == "Batch Normalization" else "s--", color=color(name), label=name)
ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
ax.axvline(np.sqrt(2 / 100), color="black", lw=1, ls="-.", label="He scale √(2/100)")
ax.set_xscale("log")
ax.set_ylim(0, 1.05)
ax.set_xlabel("initial weight scale w (standard deviation, log scale)")
ax.set_ylabel("train accuracy after 20 epochs")
ax.set_title("Final accuracy against the weight scale")
ax.legend(fontsize=8, loc="center", bbox_to_anchor=(0.5, 0.45))
save_figure(fig, "03_final_accuracy_vs_scale")
plt.show()

# %% [markdown]
# **What the figures show.** The plain network (dashed) learns only in a
# narrow window of scales around the He value: at the two largest scales its
# activations overflow and training breaks down completely (the loss is NaN;
# a NaN network's accuracy, 0.097, is just the share of the digit it then
# always predicts); below $w \approx 0.1$ the signal dies on its way through
# the five layers: the network barely learns at $w \approx 0.09$ and predicts
# one class at every smaller scale. With BatchNorm (solid) the network learns
# at every scale but the smallest, and reaches (nearly) 100 % training
# accuracy over a range of more than a decade of scales. The checks:

# %%
# NBVAL_TOLERANCE abs=1
bn_final, plain_final = final["Batch Normalization"], final["Normal (without BatchNorm)"]
wins = int(np.sum(bn_final > plain_final))
learns = {name: int(np.sum(acc >= 0.4)) for name, acc in final.items()}   # four times chance
near_100 = {name: int(np.sum(acc >= 0.99)) for name, acc in final.items()}
diverged = [k for k in range(16) if not np.isfinite(last_losses["Normal (without BatchNorm)"][k])]
losses_at = [k for k in range(16) if bn_final[k] < plain_final[k]]

assert wins >= 12, wins                                              # BatchNorm ends higher at (at least) 12 of 16 scales
assert losses_at == [2, 3], losses_at                                # it loses only at w = 0.29 and 0.16
assert learns["Batch Normalization"] >= 14 and learns["Normal (without BatchNorm)"] <= 3, learns
assert near_100["Batch Normalization"] >= 5 and near_100["Normal (without BatchNorm)"] <= 1, near_100  # ~100 %
assert diverged == [0, 1], diverged                                  # the plain net overflows at w = 1 and 0.54
print(f"BatchNorm ends with the higher train accuracy at {approx(wins):.0f} of 16 scales")
print("scales with final accuracy >= 0.4: ", ", ".join(f"{name} {approx(n):.0f}" for name, n in learns.items()))
print("scales with final accuracy >= 0.99:", ", ".join(f"{name} {approx(n):.0f}" for name, n in near_100.items()))

# %%
# NBVAL_TOLERANCE abs=0.03
mean_final = {name: float(acc.mean()) for name, acc in final.items()}
spread = {name: float(acc.std()) for name, acc in final.items()}
assert mean_final["Batch Normalization"] > 2.5 * mean_final["Normal (without BatchNorm)"], mean_final  # far better
assert 0.67 < spread["Batch Normalization"] / spread["Normal (without BatchNorm)"] < 1.5, spread  # similar std
print("mean final accuracy over the 16 scales:", {name: approx(m, 2) for name, m in mean_final.items()})
print("standard deviation of the final accuracies across scales:", {name: approx(v, 2) for name, v in spread.items()})

# %% [markdown]
# **Five seeds at every other scale.** Each scale above is one run: one draw
# of initial weights and mini-batches. To see whether the pattern depends on
# the draw, we train again at every other scale ($w$ = 1, 0.29, 0.086, …,
# $1.8\cdot10^{-4}$), from four more seeds each, with and without BatchNorm:
# 64 more runs of a fraction of a second each, side by side.

# %%
# NBVAL_TOLERANCE abs=0.06
SEED_SCALES = list(range(0, 16, 2))                 # indices of every other scale
N_SEEDS = 5                                          # seed 0 is the run above
more_runs = [run for s in range(1, N_SEEDS)
             for run in batch_norm_test(scales=scales[SEED_SCALES], epochs=EPOCHS,
                                        seeds=[(k + 100 * s, 1000 + k + 100 * s) for k in SEED_SCALES])]
repeated = run_parallel(train_run, more_runs, shared=(x_train, t_train, None, None), description="seeds")
seed_final = {name: np.empty((N_SEEDS, len(SEED_SCALES))) for name in final}   # (seed, scale)
for name in final:
    seed_final[name][0] = final[name][SEED_SCALES]
for index, result in enumerate(repeated):           # order: seed, scale, (BatchNorm, plain)
    seed, position = divmod(index // 2, len(SEED_SCALES))
    seed_final[result.run.label][1 + seed, position] = result.history["train_acc"][-1]
bn_seeds, plain_seeds = seed_final["Batch Normalization"], seed_final["Normal (without BatchNorm)"]
print(f"{'w':>8} {'BatchNorm: mean ± sd':>22} {'without: mean ± sd':>20}   (final train accuracy, {N_SEEDS} seeds)")
for position, k in enumerate(SEED_SCALES):
    b, p = bn_seeds[:, position], plain_seeds[:, position]
    print(f"{scales[k]:8.1e} {approx(b.mean()):>14.2f} ± {approx(b.std(ddof=1)):.2f} "
          f"{approx(p.mean()):>12.2f} ± {approx(p.std(ddof=1)):.2f}")

he_position = SEED_SCALES.index(2)                                       # w = 0.29, twice the He scale
assert all(np.flatnonzero(bn_seeds[s] < plain_seeds[s]).tolist() == [he_position] for s in range(N_SEEDS))
assert np.all(bn_seeds.mean(axis=0) > 0.3)           # BatchNorm: at least three times chance at every scale
assert np.sum(plain_seeds.mean(axis=0) > 0.4) == 1   # the plain network: at one scale only

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
for name, values in seed_final.items():
    w = scales[SEED_SCALES]
    ax.plot(np.repeat(w, N_SEEDS), values.T.ravel(), ".", color=color(name), alpha=0.4)
    ax.errorbar(w, values.mean(axis=0), yerr=values.std(axis=0, ddof=1), color=color(name), capsize=3,
                marker="o" if name == "Batch Normalization" else "s", ls="-" if name == "Batch Normalization" else "--",
                label=f"{name}: mean ± sd")
ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
ax.set(xscale="log", ylim=(0, 1.05), xlabel="initial weight scale w (log scale)",
       ylabel="train accuracy after 20 epochs", title=f"Final accuracy over {N_SEEDS} seeds (dots: single seeds)")
ax.legend(fontsize=8, loc="center", bbox_to_anchor=(0.5, 0.45))
save_figure(fig, "03_final_accuracy_seeds")
plt.show()

# %% [markdown]
# Seed by seed the pattern is the same: in each of the five seeds the plain
# network is better only at $w = 0.29$, about twice the He scale, and BatchNorm
# is better at the seven other scales. Averaged over the seeds, BatchNorm
# reaches at least three times chance at every scale, the plain network four
# times chance at one. The seeds move the BatchNorm network's accuracy by a
# few points at the large and the small scales, where it is still learning
# after 20 epochs; the plain network's failures (0.10 or 0.12 at most scales)
# are the same for every seed.

# %% [markdown]
# **The flat start at small $w$ is a warm-up, not slow learning.** From
# $w \approx 0.025$ down to $1.8\cdot10^{-4}$ the BatchNorm curves stay near
# chance for a few epochs and then jump. These curves are inference-mode
# accuracies, computed with the running statistics, and those start at mean 0
# and variance 1 and are updated with momentum $m = 0.9$: after $k$ training
# steps the initial values still weigh $0.9^k$ ($0.35$ after the first epoch
# of 10 steps, $0.04$ after three). At small $w$ the pre-activations'
# variance is of order $10^{-3}$, so for dozens of steps the running variance
# is many times too large. Inference mode divides by its square root, every
# normalized value shrinks, and the network predicts one class for every
# image (accuracy ≈ 0.12, the share of one digit). The curve jumps when
# $0.9^k$ has fallen to about the variance itself: at the scales from
# $7.4\cdot10^{-3}$ to $3.4\cdot10^{-4}$ after 50 to 70 steps ($0.9^k$ from
# $0.005$ to $0.0006$); at $w \approx 0.025$, whose pre-activations vary
# more, after about 30.
#
# Meanwhile the network learns from the first epoch: the loss of the
# training batches, which the `Trainer` records in training mode (batch
# statistics) before each update, falls well below $2.30$, the least loss on
# these 1000 images of a network that gives every image the same scores (the
# entropy of their labels, close to $\ln 10$). Only at $w = 1.8\cdot10^{-4}$
# is the flat start partly real: there the training-mode loss, too, stays at
# $2.30$ for three epochs, since the pre-activations' variance starts below
# $\varepsilon$ (see the smallest scale below). Checked on the histories
# recorded above, without training again:

# %%
# NBVAL_TOLERANCE abs=0.05
bn_runs = [result for result in trained if result.run.label == "Batch Normalization"]  # one per scale
steps_per_epoch = 10                                              # 1000 images in batches of 100


def batch_loss(k, epoch):
    """Mean loss of the training batches of an epoch at scale k (training mode, before each update)."""
    return float(np.mean(bn_runs[k].history["train_loss"][(epoch - 1) * steps_per_epoch:epoch * steps_per_epoch]))


def jump_epoch(k):
    """The first epoch after which the inference-mode accuracy at scale k reaches 0.4."""
    return int(np.argmax(np.array(bn_runs[k].history["train_acc"]) >= 0.4))


warming_up = range(8, 14)                                         # w = 7.4e-3 down to 3.4e-4
accuracy_epochs_1_to_3 = max(max(bn_runs[k].history["train_acc"][1:4]) for k in warming_up)   # inference mode
loss_epoch_3 = max(batch_loss(k, 3) for k in warming_up)                                       # training mode
running_var = float(np.median(np.concatenate([bn_runs[k].network.layers[f"BatchNorm{i}"].running_var
                                              for k in warming_up for i in range(1, 6)])))
label_share = np.bincount(t_small, minlength=10) / len(t_small)
same_scores_loss = float(-np.sum(label_share * np.log(label_share)))  # the least loss of equal scores for all
untrained = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=scales[14], use_batchnorm=True,
                                rng=np.random.default_rng(14), dtype=np.float32)   # w = 1.8e-4, as in its run
start_var_smallest = float(untrained.layers["Affine1"].forward(x_small).var(axis=0).mean())

assert accuracy_epochs_1_to_3 < 0.25                          # inference mode: near chance for three epochs...
assert loss_epoch_3 < 2.0 < same_scores_loss                  # ...while training mode already does far better
assert all(4 <= jump_epoch(k) <= 8 for k in warming_up)       # the jump: after 50 to 70 steps in our run
assert 5e-4 < running_var < 5e-3, running_var                 # the variance to learn: of order 1e-3...
assert 0.9 ** 70 < running_var < 0.9 ** 50, running_var       # ...which 0.9^k reaches between steps 50 and 70
assert 2 <= jump_epoch(6) <= 4                                # w = 0.025: after about 30 steps
assert batch_loss(14, 3) > 2.2 and start_var_smallest < 1e-5  # w = 1.8e-4: slow in training mode too, var < eps
print("w from 7.4e-3 to 3.4e-4, epochs 1 to 3: highest inference-mode accuracy", approx(accuracy_epochs_1_to_3, 2),
      "| highest mean training-mode batch loss in epoch 3:", approx(loss_epoch_3, 2),
      f"(equal scores for every image: at least {same_scores_loss:.3f})")
print("median running variance of their BatchNorm units after training:", f"{approx(running_var):.0e}")
print("w = 1.8e-4: mean batch loss in epoch 3", approx(batch_loss(14, 3), 2),
      "| layer 1 pre-activation variance at the start:", f"{start_var_smallest:.0e}")

# %% [markdown]
# Both views side by side, for the six scales of the warm-up: the
# inference-mode accuracy that the grid shows (left) and the loss of the
# training batches, computed with the batches' own statistics (right).

# %%
fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
shades = plt.cm.viridis(np.linspace(0, 0.9, len(warming_up)))
for shade, k in zip(shades, warming_up):
    ax_acc.plot(epochs, bn_runs[k].history["train_acc"], color=shade, label=f"w = {scales[k]:.1e}")
    ax_loss.plot(epochs[1:], [batch_loss(k, e) for e in epochs[1:]], color=shade)
ax_loss.axhline(same_scores_loss, color="grey", ls=":", label="equal scores for every image")
ax_acc.set(xlabel="epoch", ylabel="train accuracy, inference mode (running statistics)", ylim=(0, 1.05),
           title="what the grid shows")
ax_loss.set(xlabel="epoch", ylabel="mean loss of the epoch's batches, training mode",
            title="what the network is learning meanwhile")
ax_acc.legend(fontsize=7)
ax_loss.legend(fontsize=7)
save_figure(fig, "03_warmup")
plt.show()

# %% [markdown]
# **What the numbers say, and what they do not.**
#
# * BatchNorm ends higher at 13 of the 16 scales in our run (the check asks
#   for at least 12). It loses at the two scales where the plain network
#   happens to be well initialized ($w \approx 0.29$ and $0.16$, around the He
#   value), and at the smallest scale both stay near chance (≈ 0.12).
# * In our run the plain network gets above 40 % at 2 scales, the BatchNorm
#   network at 15. Averaged over the 16 scales, i.e. for a scale chosen at
#   random on a log scale between $10^{-4}$ and 1, BatchNorm reaches about
#   three times the plain network's accuracy.
# * But within 20 epochs BatchNorm does **not** make the result independent of
#   the scale: the standard deviation of its final accuracies across scales
#   (≈ 0.25) is about the same as the plain network's (≈ 0.27). The plain
#   network's accuracies vary less than one might think only because it fails
#   in the same way at most scales; BatchNorm's vary because it ends low at
#   both ends of the range.
#
# Both ends have a reason we have already met:
#
# * **Large $w$: a small effective learning rate.** Section 6 showed that
#   BatchNorm makes the hidden layers' relative step size proportional to
#   $1/w^2$. At $w = 1$, seven times the hidden layers' He scale, their weights move
#   about fifty times more slowly, relative to their size, than at the He
#   scale; 200 steps are not enough (the last layer, which BatchNorm does not
#   protect, also starts with large logits).
# * **Tiny $w$: $\varepsilon$ takes over.** BatchNorm divides by
#   $\sqrt{\sigma^2+\varepsilon}$. If the pre-activations' variance is far
#   below $\varepsilon = 10^{-5}$, $\hat x$ is not normalized at all but
#   shrunk by $\sigma/\sqrt{\varepsilon}$, and each layer shrinks the signal
#   further. Let us measure it at $w = 10^{-4}$, and train that network again
#   with $\varepsilon = 10^{-8}$ (set on its BatchNorm layers).

# %%
# NBVAL_TOLERANCE abs=0.02
net = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=1e-4, use_batchnorm=True,
                          rng=np.random.default_rng(15), dtype=np.float32)
net.predict(x_small, train=True)
x_hat_std = {i: float(net.layers[f"BatchNorm{i}"].x_hat.std(axis=0).mean()) for i in range(1, 6)}
layer1_var = float(net.layers["Affine1"].forward(x_small).var(axis=0).mean())

small_eps_run = batch_norm_test(scales=[1e-4], seeds=[(15, 1015)], epochs=EPOCHS, batchnorm_eps=1e-8)[0]
curve_small_eps = train_run(small_eps_run, (x_train, t_train, None, None)).history["train_acc"]
assert layer1_var < 0.1 * 1e-5                        # layer 1's pre-activation variance is far below eps
assert x_hat_std[1] < 0.5                                            # so x_hat is not normalized (std 1)...
assert all(x_hat_std[i + 1] < 0.5 * x_hat_std[i] for i in range(1, 5))  # ...and the signal shrinks in every layer
assert bn_final[15] < 0.15 < 0.3 < curve_small_eps[-1]             # with eps = 1e-8 the same network learns
print("layer 1 pre-activation variance at w = 1e-4:", f"{layer1_var:.0e}", "(eps = 1e-5)")
print("std of x_hat in layer 1 (1 if normalized):", round(x_hat_std[1], 2))
print("shrink factor of that std from each layer to the next:",
      [round(x_hat_std[i] / x_hat_std[i + 1]) for i in range(1, 5)])
print("final train accuracy at w = 1e-4 with eps = 1e-5:", approx(bn_final[15], 2),
      "with eps = 1e-8:", approx(curve_small_eps[-1], 2))

# %% [markdown]
# So the last panel of the grid is an artefact of $\varepsilon$: with a
# smaller value the network at $w = 10^{-4}$ learns too (the original book's
# $\varepsilon = 10^{-6}$ lies in between). $\varepsilon$ is a safety margin chosen for pre-activations of
# ordinary size; a weight scale of $10^{-4}$ is far outside that.

# %% [markdown]
# ## 8. Beyond the original: what BatchNorm buys — a larger learning rate
#
# Section 7 kept the original's $\eta = 0.01$ and asked whether BatchNorm
# rescues a bad weight scale. In practice the more important gain is another
# one: a network with BatchNorm tolerates a much larger learning rate. Ioffe &
# Szegedy (2015) raised the initial learning rate of their Inception network
# 5 and 30 times once it had BatchNorm, and reached the original network's
# accuracy in 14 times fewer training steps. Here is the same question on our
# small problem.
#
# **Settings.** The network of section 7 (784-100×5-10, ReLU), but started at
# the He scale, so that the plain network starts well too; the first 1000
# training images; SGD with mini-batches of 100 for 5 epochs (50 updates),
# at seven learning rates $\eta$ = 0.01, 0.03, 0.1, …, 10 (a factor of about
# 3 apart); with and without BatchNorm, from the same 5 pairs of seeds
# (initial weights, mini-batches): 70 runs. We measure the accuracy on
# **held-out** images, the next 1000 training images, which are never trained
# on (in inference mode: BatchNorm uses its running statistics). A run that
# overflows (loss NaN) is part of the result, so the runs record divergence
# without a warning (`on_divergence="ignore"`).
#
# *Predict before you run:* the plain network learns best at some $\eta$.
# How many times larger may $\eta$ be with BatchNorm before it, too, fails?

# %%
# NBVAL_TOLERANCE abs=0.05
LEARNING_RATES = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
SWEEP_SEEDS = seed_pairs(5)                          # (init_seed, batch_seed): (0, 1), (2, 3), ...
WITH_AND_WITHOUT = {"Batch Normalization": {"use_batchnorm": True}, "Normal (without BatchNorm)": {}}
sweep_runs = [Run(name, network={"hidden_size_list": [100] * 5, "weight_init_std": "he", **option},
                  optimizer=("SGD", {"lr": lr}),
                  trainer={"epochs": 5, "batch_size": 100, "evaluate_every": 5, "on_divergence": "ignore"},
                  n_train=1000, n_validation=1000, init_seed=init_seed, batch_seed=batch_seed)
              for init_seed, batch_seed in SWEEP_SEEDS for lr in LEARNING_RATES
              for name, option in WITH_AND_WITHOUT.items()]
swept = run_parallel(train_run, sweep_runs, shared=(x_train, t_train, None, None), description="learning rates")
held_out = {name: np.empty((len(SWEEP_SEEDS), len(LEARNING_RATES))) for name in WITH_AND_WITHOUT}  # (seed, eta)
for result in swept:
    seed = SWEEP_SEEDS.index((result.run.init_seed, result.run.batch_seed))
    held_out[result.run.label][seed, LEARNING_RATES.index(result.run.optimizer[1]["lr"])] = \
        result.history["validation_acc"][-1]

TRAINS = 0.4                                         # "still trains": mean held-out accuracy of four times chance
mean_held_out = {name: acc.mean(axis=0) for name, acc in held_out.items()}
largest = {name: max(lr for lr, m in zip(LEARNING_RATES, means) if m >= TRAINS) for name, means in mean_held_out.items()}
best_at = {name: LEARNING_RATES[int(np.argmax(means))] for name, means in mean_held_out.items()}
bn_held_out, plain_held_out = held_out["Batch Normalization"], held_out["Normal (without BatchNorm)"]
at_1 = LEARNING_RATES.index(1.0)

assert largest == {"Batch Normalization": 3.0, "Normal (without BatchNorm)": 0.3}, largest  # 10 times larger
assert best_at["Normal (without BatchNorm)"] == 0.1 and best_at["Batch Normalization"] in (0.3, 1.0), best_at
assert mean_held_out["Batch Normalization"].max() > mean_held_out["Normal (without BatchNorm)"].max() + 0.03
assert np.all(bn_held_out[:, at_1] > 0.7) and np.all(plain_held_out[:, at_1] < 0.35)   # at eta = 1, seed by seed
assert all(means[0] < means.max() - 0.2 for means in mean_held_out.values())   # section 7's 0.01: far too small
print(f"largest η whose mean held-out accuracy is at least {TRAINS}: BatchNorm {largest['Batch Normalization']}, "
      f"without {largest['Normal (without BatchNorm)']}")
print("held-out accuracy at each network's best η (BatchNorm: 0.3 or 1, without: 0.1):")
print(seed_summary({"Batch Normalization": bn_held_out[:, LEARNING_RATES.index(best_at["Batch Normalization"])],
                    "Normal (without BatchNorm)": plain_held_out[:, LEARNING_RATES.index(0.1)]}))
print("at η = 1:")
print(seed_summary({"Batch Normalization": bn_held_out[:, at_1]}))

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
for name, acc in held_out.items():
    mean, sd = acc.mean(axis=0), acc.std(axis=0, ddof=1)
    ax.plot(np.repeat(LEARNING_RATES, len(SWEEP_SEEDS)), acc.T.ravel(), ".", color=color(name), alpha=0.35)
    ax.plot(LEARNING_RATES, mean, "o-" if name == "Batch Normalization" else "s--", color=color(name),
            label=f"{name}: mean ± sd")
    ax.fill_between(LEARNING_RATES, mean - sd, mean + sd, color=color(name), alpha=0.2)
ax.axhline(TRAINS, color="black", lw=1, ls="-.", label=f"'still trains' ({TRAINS})")
ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
ax.set(xscale="log", ylim=(0, 1), xlabel="learning rate η (log scale)",
       ylabel="held-out accuracy after 5 epochs",
       title=f"784-100×5-10, He, 1000 images, SGD: {len(SWEEP_SEEDS)} seeds (dots: single runs)")
ax.legend(fontsize=8, loc="lower left")
save_figure(fig, "03_learning_rate_sweep")
plt.show()

# %% [markdown]
# The figure (`images/03_learning_rate_sweep.png`) and the checks say:
#
# * The plain network learns best at $\eta = 0.1$. At $0.3$ it still
#   learns on average, but erratically (the wide band), and at $\eta = 1$
#   every one of its runs fails, while every BatchNorm run at $\eta = 1$ reaches
#   more than 70 % on the held-out images.
# * With BatchNorm the mean stays above 0.4 up to $\eta = 3$: a learning rate
#   **10 times** larger than the largest at which the plain network still
#   trains. Only at $\eta = 10$ does it fail too.
# * At its best $\eta$ (0.3 or 1) BatchNorm also ends higher than the plain
#   network at its best, by about 7 points after these 50 updates. And the
#   original's $\eta = 0.01$ of section 7 was far below the best for either
#   network: a fair comparison of two methods tunes the learning rate of each.
#
# ## 9. Why does BatchNorm help? Three accounts
#
# **Internal covariate shift.** Ioffe & Szegedy (2015) named the problem
# they set out to solve: as the parameters of the early layers change, the
# distribution of the inputs of every later layer shifts, so each layer must
# keep adapting to a moving target. They called this **internal covariate
# shift** and designed BatchNorm to remove it, by fixing the mean and variance
# of each feature. The account is intuitive, and it is the one in the
# original paper and the original book.
#
# **A smoother loss landscape.** Santurkar, Tsipras, Ilyas & Mądry (2018,
# "How Does Batch Normalization Help Optimization?") tested that account and
# found it wanting. They added random noise *after* each BatchNorm layer, a
# random mean and variance for every unit that changed at every step, so that
# the distributions of the layers' inputs shifted more than without
# BatchNorm; the network still trained about as well as with BatchNorm alone,
# and far better than without it. And by their measure of internal covariate
# shift, networks with BatchNorm had no less of it, sometimes more. What
# BatchNorm did was to make the loss and its gradient
# change more slowly as the weights move (in mathematical terms: smaller
# Lipschitz constants of the loss and of its gradient). Then the gradient
# measured at one point stays a good guide over a longer step, so a larger
# step is safe: the **smoothness** of the loss landscape explains directly
# what section 8 measured.
#
# **Scale invariance and the effective learning rate.** Section 6 showed that
# a layer followed by BatchNorm is blind to the scale of its weights,
# $L(cW) = L(W)$, so that $\nabla L(cW) = \nabla L(W)/c$ and the relative step
# is proportional to $\eta/\lVert W\rVert^2$. Differentiating
# $L(cW) = L(W)$ with respect to $c$ at $c = 1$ gives one more fact:
# $\langle W, \nabla_W L\rangle = 0$, the gradient is **orthogonal** to the
# weights. After an SGD step the new weights $W - \eta\nabla L$ are the
# hypotenuse of a right triangle whose legs are $W$ and $\eta\nabla L$, and
# by Pythagoras
#
# $$
# \lVert W - \eta\nabla L\rVert^2 = \lVert W\rVert^2 + \eta^2\lVert\nabla L\rVert^2 :
# $$
#
# plain SGD can only *grow* the weights, the faster the larger $\eta$, and as
# they grow the **effective learning rate** $\eta/\lVert W\rVert^2$ falls. A
# too-large $\eta$ partly corrects itself (Arora, Li & Lyu 2019 call this
# "auto rate-tuning"). Both facts, checked: the orthogonality on the float64
# network of section 6 (the last layer, which no BatchNorm follows, is not
# scale-invariant), and the growth on the BatchNorm networks of section 8,
# against their initial weights (rebuilt from their seeds).
#
# *Predict before you run:* at $\eta = 3$ and at $\eta = 10$, by how much do
# the hidden weights grow in 50 steps, and which of the two ends with the
# larger effective learning rate?

# %%
# NBVAL_TOLERANCE rel=0.05
HIDDEN_WEIGHTS = [f"W{i}" for i in range(1, 6)]
net_6 = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=0.05, use_batchnorm=True,
                            rng=np.random.default_rng(6))   # section 6's network (float64), on its batch of 100
_, grads_6 = net_6.loss_and_gradient(x_batch, t_batch)
cosine = {key: float(np.sum(net_6.params[key] * grads_6[key])
                     / (np.linalg.norm(net_6.params[key]) * np.linalg.norm(grads_6[key]))) for key in net_6.weight_keys}
assert all(abs(cosine[key]) < 1e-5 for key in HIDDEN_WEIGHTS)  # W1..W5: the gradient is orthogonal to the weights
assert abs(cosine["W6"]) > 0.01                               # the last layer: not scale-invariant, not orthogonal

growth = np.empty((len(SWEEP_SEEDS), len(LEARNING_RATES), len(HIDDEN_WEIGHTS)))   # ||W_end|| / ||W_start||
for result in swept:
    if result.run.label == "Batch Normalization":
        start = build_network(result.run)                    # the same initial weights, from the run's seed
        growth[SWEEP_SEEDS.index((result.run.init_seed, result.run.batch_seed)),
               LEARNING_RATES.index(result.run.optimizer[1]["lr"])] = [
            np.linalg.norm(result.network.params[key]) / np.linalg.norm(start.params[key]) for key in HIDDEN_WEIGHTS]
effective = np.array(LEARNING_RATES)[None, :, None] / growth**2   # eta / (growth)^2: the step at the end, relative
layer_mean_growth = growth.mean(axis=2)                          # (seed, eta)
end_step = np.median(effective.mean(axis=2), axis=0)             # per eta: median over seeds of the layers' mean
at_3, at_10 = LEARNING_RATES.index(3.0), LEARNING_RATES.index(10.0)

assert np.all(growth > 1 - 1e-3)                                 # the hidden weights never shrink
assert np.all(growth[:, :LEARNING_RATES.index(0.1) + 1] < 1.01)  # at eta <= 0.1 they barely grow
assert 1.1 < layer_mean_growth[:, at_3].mean() < 1.5             # at eta = 3 by about a quarter
assert np.median(layer_mean_growth[:, at_10]) > 2                # at eta = 10 more than twice
assert end_step[at_10] < end_step[at_3] < 3.0                    # ...and eta = 10 ends with the smaller step
print("cos(W, gradient) below 1e-5 in every hidden layer:", all(abs(cosine[key]) < 1e-5 for key in HIDDEN_WEIGHTS),
      "| last layer:", f"{approx(cosine['W6']):.3f}")
print("growth of the hidden weights' norms (mean over layers and seeds): η = 1:",
      approx(layer_mean_growth[:, at_1].mean(), 3), "η = 3:", approx(layer_mean_growth[:, at_3].mean(), 3))
print("effective learning rate at the end, η / growth², at η = 3:", approx(end_step[at_3], 2),
      "| at η = 10 more than twice the growth and a smaller effective learning rate than at η = 3:",
      bool(np.median(layer_mean_growth[:, at_10]) > 2 and end_step[at_10] < end_step[at_3]))

# %%
fig, (ax_growth, ax_step) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
shades = plt.cm.viridis(np.linspace(0, 0.9, len(HIDDEN_WEIGHTS)))
for shade, (i, key) in zip(shades, enumerate(HIDDEN_WEIGHTS)):
    ax_growth.plot(LEARNING_RATES, growth[:, :, i].mean(axis=0), "o-", color=shade, label=key)
ax_growth.set(xscale="log", xlabel="learning rate η (log scale)", ylabel="‖W‖ after 50 steps / ‖W‖ at the start",
              title="BatchNorm network: the hidden weights grow")
ax_growth.legend(fontsize=8)
step_mean, step_sd = effective.mean(axis=2).mean(axis=0), effective.mean(axis=2).std(axis=0, ddof=1)
ax_step.errorbar(LEARNING_RATES, step_mean, yerr=step_sd, fmt="o-", capsize=3, color=color("Batch Normalization"),
                 label="η / growth² at the end (mean ± sd over seeds)")
ax_step.plot(LEARNING_RATES, LEARNING_RATES, "k--", lw=1, label="η (no growth)")
ax_step.set(xscale="log", yscale="log", xlabel="learning rate η (log scale)",
            ylabel="effective learning rate at the end (log scale)", title="...so the effective step falls")
ax_step.legend(fontsize=8)
save_figure(fig, "03_weight_norm_growth")
plt.show()

# %% [markdown]
# Up to $\eta = 0.1$ the weights hardly move in norm; at $\eta = 3$ they grow
# by about a quarter in 50 steps, and at $\eta = 10$ to more than twice their
# size, so that by the end the $\eta = 10$ network steps *less*, relative
# to its weights, than the $\eta = 3$ network
# (`images/03_weight_norm_growth.png`). Auto-tuning has limits: it acts only
# after the weights have grown, that is after the first large steps, and the
# last layer, which no BatchNorm follows, is not protected at all.
#
# **Weight decay under BatchNorm.** The same picture changes what weight
# decay (chapter 4) does. Van Laarhoven (2017, "L2 Regularization versus
# Batch and Weight Normalization") pointed out that for a layer followed by
# BatchNorm the L2 penalty $\frac\lambda2\lVert W\rVert^2$ cannot regularize
# the function the network computes: any $cW$ computes the same function, so
# the penalty does not prefer simpler functions. What it does is shrink
# $\lVert W\rVert$, against the growth above, and thereby keep the effective
# learning rate $\eta/\lVert W\rVert^2$ high. On the weights that BatchNorm
# follows, weight decay acts as a learning-rate control, not as a regularizer.
#
# None of the three accounts is the whole story, but the last two rest on
# measurements (Santurkar et al.'s and the ones above): BatchNorm's main gift
# is an easier optimization at larger steps, not stable distributions as such.
#
# ## 10. Where BatchNorm breaks: small batches, and Layer Normalization
#
# BatchNorm's statistics come from the mini-batch. With a batch of 100 the
# mean and variance of each feature are good estimates; with a batch of 2 they
# are little more than noise, and at inference the running averages of those
# noisy estimates stand in for them. Memory limits force such small batches
# in practice (large images, video, detection), and Wu & He (2018) showed
# that the error of BatchNorm networks rises steeply as the batch per device
# shrinks.
#
# **Layer Normalization** (Ba, Kiros & Hinton 2016) removes the batch from the
# formula: it normalizes each *sample* over its own features, instead of
# each *feature* over the batch. For an input $x$ of shape $(N, D)$, $N$
# samples of $D$ features:
#
# | | Batch Normalization | Layer Normalization |
# |---|---|---|
# | mean | $\mu_d = \frac1N\sum_{n=1}^N x_{nd}$ (one per feature) | $\mu_n = \frac1D\sum_{d=1}^D x_{nd}$ (one per sample) |
# | variance | $\sigma_d^2 = \frac1N\sum_{n}(x_{nd}-\mu_d)^2$ | $\sigma_n^2 = \frac1D\sum_{d}(x_{nd}-\mu_n)^2$ |
# | normalize | $\hat x_{nd} = (x_{nd}-\mu_d)/\sqrt{\sigma_d^2+\varepsilon}$ | $\hat x_{nd} = (x_{nd}-\mu_n)/\sqrt{\sigma_n^2+\varepsilon}$ |
# | scale, shift | $y_{nd} = \gamma_d\hat x_{nd} + \beta_d$ | $y_{nd} = \gamma_d\hat x_{nd} + \beta_d$ (the same) |
# | inference | running statistics | the same formula: no running statistics |
#
# The backward pass is BatchNorm's compact form with the sums taken over the
# features instead of the batch. The library has it as
# `common.layers.LayerNormalization`, and `MultiLayerNetExtend(...,
# use_layernorm=True)` puts it where BatchNorm was: Affine → LayerNorm →
# activation. (The Affine layers keep their biases: LayerNorm removes only
# the mean of a bias over the features, not its differences between
# features.) First the properties, then the gradient check, as in section 4:

# %%
rng = np.random.default_rng(50)
x_ln = 3.0 + 2.0 * rng.standard_normal((8, 5))        # a batch of 8 samples, 5 features, as in section 1
gamma_ln, beta_ln = 1.0 + 0.1 * rng.standard_normal(5), 0.1 * rng.standard_normal(5)
layer_norm = LayerNormalization(gamma_ln, beta_ln)
out_ln = layer_norm.forward(x_ln, train=True)
x_hat_ln = layer_norm.x_hat
assert np.allclose(x_hat_ln.mean(axis=1), 0, atol=1e-12) and np.allclose(x_hat_ln.var(axis=1), 1, atol=1e-4)  # rows
assert np.allclose(layer_norm.forward(x_ln[:1], train=True), out_ln[:1])       # a sample alone: the same output
assert np.allclose(layer_norm.forward(x_ln, train=False), out_ln)              # training and inference: the same
assert np.any(layer_norm.forward(x_ln[:1], train=True) != beta_ln)             # a batch of one is not all beta

ln_layer_errors = layer_gradient_check(LayerNormalization(gamma_ln, beta_ln), x_ln, rng=np.random.default_rng(51))
ln_net = MultiLayerNetExtend(784, [100, 100], 10, use_layernorm=True, rng=np.random.default_rng(52))
ln_network_errors = gradient_check(ln_net, x_check, t_check, max_entries=200, rng=np.random.default_rng(53))
assert max(ln_layer_errors.values()) < 1e-6, ln_layer_errors
assert max(ln_network_errors.values()) < 1e-6, ln_network_errors
print("x_hat: mean 0 and variance 1 in every row (sample), not in every column:",
      bool(np.allclose(x_hat_ln.mean(axis=1), 0, atol=1e-12)), bool(not np.allclose(x_hat_ln.mean(axis=0), 0)))
print("layer, max relative error < 1e-6:", {name: bool(err < 1e-6) for name, err in ln_layer_errors.items()})
print("784-100-100-10 with LayerNorm, parameters:", list(ln_network_errors))
print("network, max relative error < 1e-6:", all(err < 1e-6 for err in ln_network_errors.values()))

# %% [markdown]
# A sample's output does not depend on its batch mates, training and
# inference compute the same thing, and a batch of one is normalized
# properly (unlike BatchNorm's, section 4). Every gradient, of the layer and
# of the network, agrees with central differences in float64.
#
# **The experiment.** BatchNorm, LayerNorm and the plain network at batch
# sizes $B$ = 2, 4, 8, 16, 32, 64. *Settings:* 784-100-100-100-10 ReLU (three
# hidden layers rather than five: tiny batches mean many steps, and this
# keeps the 90 runs to a few seconds), He initialization, the first 1000
# images, 3 epochs at every batch size, held-out accuracy on the next 1000
# images, 5 seeds. *Same epochs, learning rate proportional to $B$:*
# $\eta = 0.3\cdot B/64$, from 0.0094 at $B = 2$ (1500 steps) to 0.3 at
# $B = 64$ (45 steps). A step of SGD averages the gradients of $B$ images, so
# with $\eta \propto B$ every image moves the weights by the same amount, and
# every run sees every image three times: the **linear scaling rule** (Goyal
# et al. 2017). Without normalization the batch size should then matter
# little, and the plain network is the control.
#
# *Predict before you run:* which of the three suffers at $B = 2$, and by how
# much?

# %%
# NBVAL_TOLERANCE abs=0.1
# (wide: BatchNorm at B = 2 learns erratically, and its mean moved by 0.04 when the pixels moved by one float32 step)
BATCH_SIZES = [2, 4, 8, 16, 32, 64]
NORMALIZATIONS = {"Batch Normalization": {"use_batchnorm": True}, "Layer Normalization": {"use_layernorm": True},
                  "Normal (without BatchNorm)": {}}
method_color = {name: color(name) for name in NORMALIZATIONS}
batch_runs = [Run(name, network={"hidden_size_list": [100] * 3, "weight_init_std": "he", **option},
                  optimizer=("SGD", {"lr": 0.3 * batch_size / 64}),
                  trainer={"epochs": 3, "batch_size": batch_size, "evaluate_every": 3, "on_divergence": "ignore"},
                  n_train=1000, n_validation=1000, init_seed=init_seed, batch_seed=batch_seed)
              for init_seed, batch_seed in SWEEP_SEEDS for batch_size in BATCH_SIZES
              for name, option in NORMALIZATIONS.items()]
by_batch = run_parallel(train_run, batch_runs, shared=(x_train, t_train, None, None), description="batch sizes")
batch_acc = {name: np.empty((len(SWEEP_SEEDS), len(BATCH_SIZES))) for name in NORMALIZATIONS}   # (seed, B)
last_epoch_loss = {name: np.empty((len(SWEEP_SEEDS), len(BATCH_SIZES))) for name in NORMALIZATIONS}
for result in by_batch:
    position = (SWEEP_SEEDS.index((result.run.init_seed, result.run.batch_seed)),
                BATCH_SIZES.index(result.run.trainer["batch_size"]))
    batch_acc[result.run.label][position] = result.history["validation_acc"][-1]
    losses = result.history["train_loss"]                      # per step, training mode, before each update
    last_epoch_loss[result.run.label][position] = np.mean(losses[-len(losses) // 3:])
bn_b, ln_b, plain_b = (batch_acc[name] for name in NORMALIZATIONS)
mean_b = {name: acc.mean(axis=0) for name, acc in batch_acc.items()}
print(f"held-out accuracy, mean ± sd over {len(SWEEP_SEEDS)} seeds:")
print(f"{'B':>4}" + "".join(f"{name:>30}" for name in NORMALIZATIONS))
for j, batch_size in enumerate(BATCH_SIZES):
    print(f"{batch_size:>4}" + "".join(f"{approx(acc[:, j].mean()):>22.3f} ± {approx(acc[:, j].std(ddof=1)):.3f}"
                                       for acc in batch_acc.values()))

assert np.all(ln_b[:, 0] > bn_b[:, 0] + 0.25)                     # B = 2: LayerNorm far ahead, seed by seed
assert min(mean_b["Layer Normalization"][0], mean_b["Normal (without BatchNorm)"][0]) > 0.75   # both above 75 %
assert mean_b["Batch Normalization"][0] < 0.5 < 0.8 < mean_b["Batch Normalization"][-1]   # BatchNorm collapses at 2
assert mean_b["Batch Normalization"][1] < mean_b["Batch Normalization"][-1] - 0.02        # and is still behind at 4
assert np.ptp(mean_b["Layer Normalization"][:4]) < 0.05           # LayerNorm: the same from B = 2 to 16
for j in range(2, len(BATCH_SIZES)):                              # from B = 8 up BatchNorm is as good or better
    assert mean_b["Batch Normalization"][j] > max(mean_b["Layer Normalization"][j],
                                                  mean_b["Normal (without BatchNorm)"][j]) - 0.02, BATCH_SIZES[j]
assert mean_b["Batch Normalization"][-1] > max(mean_b["Layer Normalization"][-1],
                                               mean_b["Normal (without BatchNorm)"][-1]) + 0.03   # and at 64, better

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
for name, acc in batch_acc.items():
    mean, sd = acc.mean(axis=0), acc.std(axis=0, ddof=1)
    ax.plot(BATCH_SIZES, mean, {"Batch Normalization": "o-", "Layer Normalization": "^-"}.get(name, "s--"),
            color=method_color[name], label=f"{name}: mean ± sd")
    ax.fill_between(BATCH_SIZES, mean - sd, mean + sd, color=method_color[name], alpha=0.2)
ax.axhline(0.1, color="grey", lw=1, ls=":", label="chance (10 %)")
ax.set_xscale("log", base=2)
ax.set_xticks(BATCH_SIZES, [str(b) for b in BATCH_SIZES])
ax.set(ylim=(0, 1), xlabel="batch size B (log scale); η = 0.3·B/64, 3 epochs",
       ylabel="held-out accuracy (inference mode)",
       title=f"784-100×3-10, 1000 images, {len(SWEEP_SEEDS)} seeds")
ax.legend(fontsize=8, loc="lower right")
save_figure(fig, "03_batch_size_layernorm")
plt.show()

# %% [markdown]
# At batch size 2 BatchNorm collapses to below one half held-out accuracy,
# while LayerNorm and the plain network stay above 75 %; at 4 BatchNorm is
# still a few points behind its best. From 8 up it is as good as or better
# than the other two, and at 64 (45 steps of $\eta = 0.3$) clearly better:
# there its tolerance of a large step pays off again. LayerNorm's accuracy
# hardly depends on the batch size up to 16
# (`images/03_batch_size_layernorm.png`); at 64 it and the plain network fall
# behind, because the linear scaling rule gives them large steps but only 45
# of them.
#
# **Why $B = 2$ fails.** Two suspects: the training itself, where each
# sample is normalized with the statistics of a batch of two, and the
# inference, where the running statistics stand in for them. The library's
# running variance averages the biased batch variance (section 5), whose
# expectation is $\frac{N-1}{N}\sigma^2$: at $N = 2$ half the true variance. So
# in the first BatchNorm layer the running variance should be about half the
# variance of the pre-activations over the training images; if that were the
# culprit, multiplying it by $N/(N-1) = 2$ should repair the accuracy. And
# the loss of the training batches, computed with the batches' own
# statistics, tells whether the network learns at all.

# %%
# NBVAL_TOLERANCE abs=0.1
x_held_out, t_held_out = x_train[1000:2000], t_train[1000:2000]
variance_ratio, rescaled_acc = [], []
for result in by_batch:
    if result.run.label == "Batch Normalization" and result.run.trainer["batch_size"] == 2:
        network = result.network
        z1 = network.layers["Affine1"].forward(x_small.astype(network.dtype))
        variance_ratio.append(float(np.median(network.layers["BatchNorm1"].running_var / z1.var(axis=0))))
        for i in range(1, 4):
            network.layers[f"BatchNorm{i}"].running_var *= 2.0            # N / (N - 1) at N = 2
        rescaled_acc.append(network.accuracy(x_held_out, t_held_out))
loss_at_2 = {name: losses[:, 0] for name, losses in last_epoch_loss.items()}

assert 0.35 < np.mean(variance_ratio) < 0.65, variance_ratio                 # the running variance: about half
assert abs(np.mean(rescaled_acc) - bn_b[:, 0].mean()) < 0.05, rescaled_acc   # rescaling it changes little
assert loss_at_2["Batch Normalization"].mean() > 1.9                          # near ln 10 = 2.30: barely learning
assert loss_at_2["Layer Normalization"].mean() < 0.5 and loss_at_2["Normal (without BatchNorm)"].mean() < 0.5
print("B = 2, BatchNorm: running variance / variance of the pre-activations (layer 1):",
      approx(np.mean(variance_ratio), 2))
print("held-out accuracy with the running variance as is:", approx(bn_b[:, 0].mean(), 2),
      "| multiplied by 2:", approx(np.mean(rescaled_acc), 2))
print(f"mean loss of the training batches in the last epoch (ln 10 = {np.log(10):.2f}):",
      ", ".join(f"{name} {approx(loss.mean()):.2f}" for name, loss in loss_at_2.items()))

# %% [markdown]
# The running variance is indeed about half the true one, but correcting it
# changes nothing that matters: the failure is in training. Even with its own
# batch statistics the BatchNorm network ends the last epoch with a loss
# near $\ln 10 \approx 2.30$, the loss of guessing, where LayerNorm and the
# plain network are below 0.5. Exercise 2 below shows why: with two samples
# $\hat x = \pm 1$ in every feature, the larger of the two samples gets $+1$
# and the other $-1$. Each BatchNorm layer passes on one bit per feature, and
# the two samples of a batch leave it as mirror images of each other, however
# different the digits. Larger batches carry more information (at 4 the
# network learns, but less well), and from 8 or 16 on the noise of the batch
# statistics no longer hurts; it even regularizes a little, as Ioffe &
# Szegedy noted.
#
# So: BatchNorm for ordinary batch sizes; where the batch must be small, or
# where a batch's samples are not independent, a normalization without the
# batch. LayerNorm is the standard one in recurrent networks and transformers
# (Vaswani et al. 2017); for images, Group Normalization (Wu & He 2018)
# normalizes groups of channels per sample, between LayerNorm and its
# per-channel cousin, Instance Normalization.

# %% [markdown]
# ## Summary
#
# * Batch Normalization normalizes each feature over the mini-batch to mean 0
#   and variance 1, then applies a learned scale $\gamma$ and shift $\beta$.
#   It sits between the Affine layer and the activation; the Affine layer
#   before it needs no bias, whose gradient would be exactly zero.
# * Its backward pass follows from the computational graph node by node; it
#   simplifies to
#   $\bar x = \frac{s}{N}\big(N g - \sum g - \hat x\sum g\hat x\big)$, and
#   both forms agree to $10^{-12}$.
# * Gradient checks need a batch of several samples: with one sample every
#   normalized value is zero, most gradients vanish, and zeros match zeros.
#   With 10 samples, every parameter's relative error is far below $10^{-6}$.
# * Training mode uses the batch's statistics; inference mode uses running
#   averages, which converge to the data's statistics within a few dozen
#   steps (more when the variances are far below the starting value 1: the
#   flat start of the BatchNorm curves at small weight scales).
# * In the classic 16-scale experiment BatchNorm ends higher at most scales
#   (13 of 16 in our run) and learns at nearly all of them (15, against 2 for
#   the plain network). It does not make training independent of the scale
#   within 20 epochs: large weights lower
#   the effective learning rate, and weights so small that the
#   pre-activations' variance falls below $\varepsilon$ are not normalized.
# * What it buys in practice is a larger learning rate: with He
#   initialization and 50 steps, the plain network still trains (mean
#   held-out accuracy ≥ 0.4) up to $\eta = 0.3$, the BatchNorm network up to
#   $\eta = 3$, ten times more; and at its best $\eta$ BatchNorm ends about 7
#   points higher (5 seeds each).
# * Why it works: the original account, less **internal covariate shift**, did
#   not survive the test of Santurkar et al. (2018), who found instead a
#   **smoother loss landscape**. Scale invariance adds a third mechanism: the
#   gradient is orthogonal to the weights, so SGD grows $\lVert W\rVert$ and
#   lowers the **effective learning rate** $\eta/\lVert W\rVert^2$ by itself
#   (at $\eta = 10$ the weights more than double in 50 steps); weight decay,
#   which cannot regularize scale-invariant weights, raises it again
#   (van Laarhoven 2017).
# * BatchNorm breaks at tiny batches: at batch size 2 (same epochs, $\eta
#   \propto B$) its held-out accuracy falls below 0.5, because with two
#   samples each feature is normalized to $\pm1$ and the network hardly
#   learns, not because of the (halved) running variance. **Layer
#   Normalization** normalizes each sample over its features, needs no
#   batch and no running statistics, passes the same gradient check, and
#   keeps about 0.84 at every batch size from 2 to 16; from batch size 8 up
#   BatchNorm is as good or better.
#
# ## Exercises
#
# Each exercise has a solution cell (collapsed; try first) and a self-check
# cell that tells you whether your answer is right.
#
# **Exercise 1 — the gradients of $\gamma$ and $\beta$.** From
# $\text{out}_n = \gamma\hat x_n + \beta$, derive $\bar\gamma$ and
# $\bar\beta$ and write them in numpy, given `dout` and `x_hat` of shape
# $(N, D)$.

# %% jupyter={"source_hidden": true} tags=["solution"]
def gamma_beta_gradients(dout, x_hat):
    """Return (dgamma, dbeta), each of shape (D,)."""
    # BEGIN SOLUTION
    # gamma and beta are shared by all N samples: their gradients sum over the batch.
    dgamma = np.sum(dout * x_hat, axis=0)
    dbeta = np.sum(dout, axis=0)
    return dgamma, dbeta
    # END SOLUTION


# %% tags=["self-check"]
rng = np.random.default_rng(31)
x_ex = 2.0 + rng.standard_normal((6, 4))
layer = BatchNormalization(rng.standard_normal(4), rng.standard_normal(4))
layer.forward(x_ex, train=True)
dout_ex = rng.standard_normal((6, 4))
layer.backward(dout_ex)
dgamma_ex, dbeta_ex = gamma_beta_gradients(dout_ex, layer.x_hat)
assert np.shape(dgamma_ex) == (4,) and np.shape(dbeta_ex) == (4,), "each gradient has one entry per feature"
assert np.allclose(dbeta_ex, layer.dbeta), "dbeta is wrong: beta is added to every sample"
assert np.allclose(dgamma_ex, layer.dgamma), "dgamma is wrong: gamma multiplies x_hat in every sample"
print("Exercise 1: correct")

# %% [markdown]
# **Exercise 2 — a batch of two.** For a batch of exactly two samples, work
# out $\hat x$ on paper (hint: with two samples, each centred value is plus
# or minus half their difference). Then write `two_sample_x_hat(x, eps)` that
# returns $\hat x$ for a batch `x` of shape $(2, D)$ *by your formula*,
# without computing a mean or a variance. What does it mean for the
# information that the layer passes on?

# %% jupyter={"source_hidden": true} tags=["solution"]
def two_sample_x_hat(x, eps=1e-5):
    """x_hat of BatchNorm for a batch of two samples, x of shape (2, D)."""
    # BEGIN SOLUTION
    # x_c = +-d with d = (x0 - x1) / 2, sigma^2 = d^2, so x_hat = +-d / sqrt(d^2 + eps):
    # +1 for the larger sample and -1 for the smaller one, whenever |d| >> sqrt(eps).
    # The layer passes on only which of the two samples is larger, one bit per feature.
    d = (x[0] - x[1]) / 2.0
    first = d / np.sqrt(d * d + eps)
    return np.stack([first, -first])
    # END SOLUTION


# %% tags=["self-check"]
rng = np.random.default_rng(32)
first_sample = rng.standard_normal(50)
x_pair = np.stack([first_sample, first_sample + rng.choice([-1, 1], 50) * rng.uniform(0.5, 5, 50)])
layer = BatchNormalization(np.ones(50), np.zeros(50))
layer.forward(x_pair, train=True)
answer = two_sample_x_hat(x_pair)
assert np.shape(answer) == (2, 50), "return an array of shape (2, D)"
assert np.allclose(answer, layer.x_hat, atol=1e-9), "your x_hat differs from the layer's"
assert np.allclose(np.abs(answer), 1, atol=1e-3), "each normalized value should be +1 or -1 (up to eps)"
print("Exercise 2: correct — with two samples, x_hat is +1 for the larger and -1 for the smaller, in every feature")

# %% [markdown]
# **Exercise 3 — BatchNorm before or after the activation?** Our networks use
# Affine → BatchNorm → ReLU, as Ioffe & Szegedy did; many practitioners put
# it after the activation instead. (a) Write `batchnorm_after_activation(net)`
# that reorders the layers of a `MultiLayerNetExtend(use_batchnorm=True)` so
# that each hidden layer is Affine → ReLU → BatchNorm (hint: `net.layers`
# is an `OrderedDict`; the parameters do not change, since layers and
# `net.params` share their arrays). (b) *Predict first:* trained as in
# section 7 at $w = 0.05$, does only one placement learn, or both? Then
# measure it. Train both placements from the same start: the network
# `MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=0.05, use_batchnorm=True, rng=np.random.default_rng(35), dtype=np.float32)`
# (reordered for "after"), `SGD(lr=0.01)`, and a `Trainer` on
# `x_small, t_small` for `EPOCHS` epochs, `batch_size=100`,
# `rng=np.random.default_rng(36)`. Store the final train accuracies
# (`net.accuracy(x_small, t_small)`) in a dict `final_by_placement` with the
# keys `"before"` and `"after"`. The self-check trains the same two networks
# and compares your numbers with its own.

# %% jupyter={"source_hidden": true} tags=["solution"]
from collections import OrderedDict


def batchnorm_after_activation(net):
    """Reorder net.layers in place to Affine -> activation -> BatchNorm in every hidden layer; return net."""
    # BEGIN SOLUTION
    reordered = OrderedDict()
    for name, layer in net.layers.items():
        if name.startswith("BatchNorm"):
            continue                                  # moved behind its activation below
        reordered[name] = layer
        if name.startswith("Activation"):
            i = name[len("Activation"):]
            reordered[f"BatchNorm{i}"] = net.layers[f"BatchNorm{i}"]
    net.layers = reordered
    return net
    # END SOLUTION


# BEGIN SOLUTION
# Both learn: normalizing after the ReLU also keeps every layer's input at a fixed scale.
final_by_placement = {}
for where in ("before", "after"):
    network = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=0.05, use_batchnorm=True,
                                  rng=np.random.default_rng(35), dtype=np.float32)
    if where == "after":
        batchnorm_after_activation(network)
    Trainer(network, SGD(lr=0.01), x_small, t_small, epochs=EPOCHS, batch_size=100,
            rng=np.random.default_rng(36)).train()
    final_by_placement[where] = network.accuracy(x_small, t_small)
# END SOLUTION

# %% tags=["self-check"]
# NBVAL_TOLERANCE abs=0.02
reordered = batchnorm_after_activation(MultiLayerNetExtend(784, [100] * 2, 10, use_batchnorm=True))
expected = ["Affine1", "Activation1", "BatchNorm1", "Affine2", "Activation2", "BatchNorm2", "Affine3"]
assert list(reordered.layers) == expected, f"layer order is {list(reordered.layers)}"
small = batchnorm_after_activation(MultiLayerNetExtend(784, [20, 20], 10, use_batchnorm=True,
                                                       rng=np.random.default_rng(33)))
errors = gradient_check(small, x_check, t_check, max_entries=50, rng=np.random.default_rng(34))
assert max(errors.values()) < 1e-6, "the reordered network's gradients are wrong: did you keep every layer once?"

reference = {}                           # the same two trainings, to compare your numbers with
for placement in ("before", "after"):
    model = MultiLayerNetExtend(784, [100] * 5, 10, use_batchnorm=True, weight_init_std=0.05,
                                dtype=np.float32, rng=np.random.default_rng(35))
    if placement == "after":
        batchnorm_after_activation(model)
    trainer = Trainer(model, SGD(lr=0.01), x_small, t_small, batch_size=100, epochs=EPOCHS,
                      rng=np.random.default_rng(36))
    trainer.train()
    reference[placement] = model.accuracy(x_small, t_small)
assert isinstance(final_by_placement, dict) and set(final_by_placement) == {"before", "after"}, \
    'final_by_placement is a dict with the keys "before" and "after"'
for placement in ("before", "after"):
    assert abs(final_by_placement[placement] - reference[placement]) < 0.005, (   # 5 of the 1000 images
        f'final_by_placement["{placement}"] is not what the training described in (b) gives: '
        "check the weight scale, the two seeds, float32, the epochs and, for \"after\", the reordering")
before, after = reference["before"], reference["after"]
assert min(before, after) > 0.9 and abs(before - after) < 0.1, reference  # the text below: both learn
assert after > before, reference         # the text below: "after" learns a little faster on this problem
print("final train accuracy, BatchNorm before / after the activation:", approx(before, 2), approx(after, 2))
print("Exercise 3: correct")

# %% [markdown]
# Both placements work here (and the "after" placement is a little faster on
# this small problem). The original paper argued for normalizing the Affine
# output, whose distribution is closer to Gaussian; in practice both are
# used, and which is better depends on the network.
#
# **Exercise 4 — folding BatchNorm into the Affine layer for inference.** In
# inference mode BatchNorm is a fixed affine map per feature, so
# Affine (no bias) → BatchNorm can be replaced by a single Affine layer with
# weights $W'$ and bias $b'$. Write `fold_batchnorm(W, bn)` returning
# `(W_folded, b_folded)` such that `x @ W_folded + b_folded` equals
# `bn.forward(x @ W, train=False)`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def fold_batchnorm(W, bn):
    """Return (W_folded, b_folded) equal to Affine(W, no bias) -> bn in inference mode."""
    # BEGIN SOLUTION
    # bn(z) = gamma * (z - mean) / sqrt(var + eps) + beta = z * a + (beta - mean * a), a = gamma / sqrt(var + eps)
    a = bn.gamma / np.sqrt(bn.running_var + bn.eps)
    return W * a, bn.beta - bn.running_mean * a
    # END SOLUTION


# %% tags=["self-check"]
rng = np.random.default_rng(41)
W_ex = 0.1 * rng.standard_normal((784, 5))
bn_ex = BatchNormalization(1.0 + 0.2 * rng.standard_normal(5), 0.1 * rng.standard_normal(5))
for start in range(0, 2000, 100):                       # train the running statistics on MNIST batches
    bn_ex.forward(x_train[start:start + 100].astype(np.float64) @ W_ex, train=True)
W_folded, b_folded = fold_batchnorm(W_ex, bn_ex)
x_new = x_test[:50].astype(np.float64)
assert np.shape(W_folded) == (784, 5) and np.shape(b_folded) == (5,), "W_folded is (784, 5), b_folded is (5,)"
assert np.allclose(x_new @ W_folded + b_folded, bn_ex.forward(x_new @ W_ex, train=False), atol=1e-10), \
    "the folded layer differs from Affine -> BatchNorm in inference mode"
print("Exercise 4: correct")

# %% [markdown]
# ## Terms introduced in this chapter
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
# | weight scale | 重みのスケール | 权重尺度 | The standard deviation w of the initial weights. |
# | scale invariance | スケール不変性 | 尺度不变性 | A layer followed by BatchNorm gives the same output when its weights are multiplied by c > 0. |
# | effective learning rate | 実効学習率 | 有效学习率 | The step size relative to the weights' size, η/‖W‖² for weights followed by BatchNorm: it falls as plain SGD grows ‖W‖ and rises when weight decay shrinks it. |
# | learning-rate sweep | 学習率スイープ | 学习率扫描 | Training the same setting at a grid of learning rates (usually spaced on a log scale) to see where it learns best and where it fails. |
# | internal covariate shift | 内部共変量シフト | 内部协变量偏移 | The change in the distribution of a layer's inputs while the parameters of the layers before it change; the problem BatchNorm was designed to remove (Ioffe & Szegedy 2015). |
# | loss-landscape smoothness | 損失地形の滑らかさ | 损失曲面的平滑性 | How little the loss and its gradient change when the weights move (small Lipschitz constants); BatchNorm increases it, which makes larger steps safe (Santurkar et al. 2018). |
# | Layer Normalization | レイヤー正規化 (層正規化) | 层归一化 | A layer that normalizes each sample over its own features to mean 0 and variance 1, then scales by γ and shifts by β; it needs no batch and no running statistics. |
# | linear scaling rule | 線形スケーリング則 | 线性缩放规则 | Making the learning rate proportional to the batch size, so that each sample moves the weights by the same amount at every batch size (Goyal et al. 2017). |
# | epsilon (ε) | イプシロン (ε, 微小定数) | ε (小常数) | A small constant added to the variance so that the division stays finite. |
#
# See the whole [glossary](glossary.md).

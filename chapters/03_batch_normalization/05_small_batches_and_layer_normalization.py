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
# # 3.5 Where BatchNorm breaks: small batches, and Layer Normalization
#
# BatchNorm's statistics come from the mini-batch. With a batch of 100 the
# mean and variance of each feature are good estimates; with a batch of 2
# they are little more than noise. Memory limits force such small batches in
# practice (large images, video, detection), and Wu & He (2018) showed that
# the error of BatchNorm networks rises steeply as the batch per device
# shrinks. This section measures where it breaks on our problem, and builds
# the standard way out.
#
# **Learning goals.** After this section you can
#
# - write Layer Normalization as BatchNorm with the roles of the axes swapped,
#   and check its gradients;
# - run a batch-size experiment that keeps the epochs and the step per image
#   fixed (the linear scaling rule), and count what an epoch really contains;
# - explain why BatchNorm fails at a batch of two, and tell a failure of
#   training from a failure of the running statistics.

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

from common.display.normalization import batch_size_comparison
from common.display.plot import save_figure
from common.display.report import approx
from common.display.source import show
from common.experiments.normalization_runs import BN, LN, PLAIN, batch_size_study
from common.experiments.trainer import Trainer
from common.gradient import gradient_check, layer_gradient_check
from common.layers import BatchNormalization, LayerNormalization
from common.networks import MultiLayerNetExtend
from common.optimizers import SGD
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist()

# %% [markdown]
# ## Layer Normalization
#
# **Layer Normalization** (Ba, Kiros & Hinton 2016) removes the batch from the
# formula: it normalizes each *sample* over its own features instead of each
# *feature* over the batch. For an input $x$ of $N$ samples and $D$ features:
#
# | | Batch Normalization | Layer Normalization |
# |---|---|---|
# | mean | $\mu_d = \frac1N\sum_{n=1}^N x_{nd}$ (one per feature) | $\mu_n = \frac1D\sum_{d=1}^D x_{nd}$ (one per sample) |
# | variance | $\sigma_d^2 = \frac1N\sum_{n}(x_{nd}-\mu_d)^2$ | $\sigma_n^2 = \frac1D\sum_{d}(x_{nd}-\mu_n)^2$ |
# | normalize | $\hat x_{nd} = (x_{nd}-\mu_d)/\sqrt{\sigma_d^2+\varepsilon}$ | $\hat x_{nd} = (x_{nd}-\mu_n)/\sqrt{\sigma_n^2+\varepsilon}$ |
# | scale, shift | $y_{nd} = \gamma_d\hat x_{nd} + \beta_d$ | the same |
# | inference | running statistics | the same formula: no running statistics |
#
# The backward pass is BatchNorm's compact form (section 3.1) with the sums
# taken over the features instead of the batch: the library's
# `LayerNormalization` uses the same `Normalization` base, with `axis=1`.

# %%
show(LayerNormalization)

# %% [markdown]
# `MultiLayerNetExtend(..., use_layernorm=True)` puts it where BatchNorm was:
# Affine → LayerNorm → activation. The Affine layers keep their biases:
# LayerNorm removes only the mean of a bias over the features, not its
# differences between features. The properties, then the gradient check of
# the layer and of a 784-100-100-10 network on 10 images, as in section 3.1:

# %%
rng = np.random.default_rng(50)
x = 3.0 + 2.0 * rng.standard_normal((8, 5))
gamma, beta = 1.0 + 0.1 * rng.standard_normal(5), 0.1 * rng.standard_normal(5)
layer = LayerNormalization(gamma, beta)
out = layer.forward(x, train=True)
assert np.allclose(layer.x_hat.mean(axis=1), 0, atol=1e-12) and np.allclose(layer.x_hat.var(axis=1), 1, atol=1e-4)
assert np.allclose(layer.forward(x[:1], train=True), out[:1])       # a sample alone: the same output
assert np.allclose(layer.forward(x, train=False), out)              # training and inference: the same
layer_errors = layer_gradient_check(LayerNormalization(gamma, beta), x, rng=np.random.default_rng(51))
net = MultiLayerNetExtend(784, [100, 100], 10, use_layernorm=True, rng=np.random.default_rng(52))
network_errors = gradient_check(net, x_train[:10].astype(np.float64), t_train[:10], max_entries=200,
                                rng=np.random.default_rng(53))
assert max(layer_errors.values()) < 1e-6 and max(network_errors.values()) < 1e-6
print("x_hat has mean 0 in every row (sample):", bool(np.allclose(layer.x_hat.mean(axis=1), 0, atol=1e-12)),
      "| in every column:", bool(np.allclose(layer.x_hat.mean(axis=0), 0, atol=1e-12)))
print("layer, max relative error < 1e-6:", {name: bool(err < 1e-6) for name, err in layer_errors.items()})
print("network parameters:", list(network_errors))
print("network, max relative error < 1e-6:", all(err < 1e-6 for err in network_errors.values()))

# %% [markdown]
# ## The experiment: batch sizes from 2 to 64
#
# BatchNorm, LayerNorm and the plain network at batch sizes $B$ = 2, 4, 8,
# 16, 32, 64. *Settings:* 784-100-100-100-10 ReLU (three hidden layers rather
# than five: tiny batches mean many steps), He initialization, the first 1000
# images, 3 epochs, held-out accuracy on the next 1000 images, 5 seeds.
# *Learning rate proportional to $B$:* $\eta = 0.3\cdot B/64$. A step of SGD
# averages the gradients of $B$ images, so with $\eta \propto B$ every image
# used moves the weights by the same amount: the **linear scaling rule**
# (Goyal et al. 2017). Without normalization the batch size should then
# matter little, and the plain network is the control.
#
# One detail decides what "3 epochs" means. The `Trainer` makes an epoch of
# $\lfloor 1000/B\rfloor$ batches from a fresh shuffle, so when $B$ does not
# divide 1000 the last few images of each shuffle are left out:

# %%
BATCH_SIZES = [2, 4, 8, 16, 32, 64]
for batch_size in BATCH_SIZES:
    steps = 1000 // batch_size
    print(f"B = {batch_size:2d}: {steps:3d} updates per epoch, {steps * batch_size:4d} of 1000 images per epoch,"
          f" {3 * steps:4d} updates in all")

# %% [markdown]
# At $B$ = 16 and 32 an epoch uses 992 images, at 64 only 960 (a different
# 40 each epoch), and the 64-batch runs make 45 updates against 1500 at
# $B = 2$. *Predict before you run:* which of the three networks suffers at
# $B = 2$, and by how much?

# %% tolerance={"abs": 0.1}
SEEDS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
study = batch_size_study(x_train, t_train, BATCH_SIZES, SEEDS)
mean_b = {name: acc.mean(axis=0) for name, acc in study.accuracy.items()}
print("held-out accuracy, mean ± sd over 5 seeds:")
print(f"{'B':>4}" + "".join(f"{name:>30}" for name in study.accuracy))
for j, batch_size in enumerate(BATCH_SIZES):
    print(f"{batch_size:>4}" + "".join(f"{approx(acc[:, j].mean()):>22.3f} ± {approx(acc[:, j].std(ddof=1)):.3f}"
                                       for acc in study.accuracy.values()))

bn_b, ln_b = study.accuracy[BN], study.accuracy[LN]
assert np.all(ln_b[:, 0] > bn_b[:, 0] + 0.25)                          # B = 2: LayerNorm far ahead, seed by seed
assert min(mean_b[LN][0], mean_b[PLAIN][0]) > 0.75
assert mean_b[BN][0] < 0.5 < 0.8 < mean_b[BN][-1]                       # BatchNorm collapses at B = 2
assert mean_b[BN][1] < mean_b[BN][-1] - 0.02                            # and is still behind at 4
assert np.ptp(mean_b[LN][:4]) < 0.05                                    # LayerNorm: the same from 2 to 16
for j in range(2, len(BATCH_SIZES)):                                    # from B = 8 up: BatchNorm as good or better
    assert mean_b[BN][j] > max(mean_b[LN][j], mean_b[PLAIN][j]) - 0.02, BATCH_SIZES[j]
assert mean_b[BN][-1] > max(mean_b[LN][-1], mean_b[PLAIN][-1]) + 0.03

# %%
save_figure(batch_size_comparison(BATCH_SIZES, study.accuracy), "03_batch_size_layernorm")
plt.show()

# %% [markdown]
# At $B = 2$ BatchNorm collapses below one half, while LayerNorm and the plain
# network stay above 75 %; at 4 BatchNorm is still a few points behind its
# best. From 8 up it is as good as or better than the other two, and at 64
# (45 steps of $\eta = 0.3$) clearly better: its tolerance of a large step
# pays off again. LayerNorm hardly depends on the batch size up to 16
# (`images/03_batch_size_layernorm.png`); at 64 it and the plain network fall
# behind, with large steps but only 45 of them.
#
# ## Why $B = 2$ fails
#
# Two suspects: training, where each sample is normalized with the statistics
# of a batch of two, and inference, where the running statistics stand in for
# them. The library's running variance averages the biased batch variance,
# whose expectation is $\frac{N-1}{N}\sigma^2$: at $N = 2$ half the true
# variance. If that were the culprit, multiplying it by 2 should repair the
# accuracy. And the loss of the training batches, computed with the batches'
# own statistics, tells whether the network learns at all.

# %% tolerance={"abs": 0.1}
x_small, x_held_out, t_held_out = x_train[:1000], x_train[1000:2000], t_train[1000:2000]
variance_ratio, rescaled = [], []
for network in study.smallest_batch_networks:                      # BatchNorm at B = 2, one per seed
    z1 = network.layers["Affine1"].forward(x_small.astype(network.dtype))
    variance_ratio.append(float(np.median(network.layers["BatchNorm1"].running_var / z1.var(axis=0))))
    for i in range(1, 4):
        network.layers[f"BatchNorm{i}"].running_var *= 2.0         # N / (N - 1) at N = 2
    rescaled.append(network.accuracy(x_held_out, t_held_out))
loss_at_2 = {name: losses[:, 0].mean() for name, losses in study.last_epoch_loss.items()}

assert 0.35 < np.mean(variance_ratio) < 0.65, variance_ratio                # about half
assert abs(np.mean(rescaled) - bn_b[:, 0].mean()) < 0.05, rescaled          # rescaling changes little
assert loss_at_2[BN] > 1.9 and max(loss_at_2[LN], loss_at_2[PLAIN]) < 0.5   # training itself fails
print("running variance / variance of the pre-activations (layer 1):", approx(np.mean(variance_ratio), 2))
print("held-out accuracy with the running variance as is:", approx(bn_b[:, 0].mean(), 2),
      "| multiplied by 2:", approx(np.mean(rescaled), 2))
print(f"mean loss of the training batches in the last epoch (ln 10 = {np.log(10):.2f}):",
      ", ".join(f"{name} {approx(loss):.2f}" for name, loss in loss_at_2.items()))

# %% [markdown]
# The running variance is indeed about half the true one, but correcting it
# changes nothing that matters: the failure is in training. Even with its own
# batch statistics the BatchNorm network ends near $\ln 10 \approx 2.30$, the
# loss of guessing, where the other two are below 0.5. Exercise 1 shows why:
# with two samples, $\hat x = \pm 1$ in every feature. Each BatchNorm layer
# passes on one bit per feature, and the two samples of a batch leave it as
# mirror images, however different the digits. Larger batches carry more
# information, and from 8 or 16 on the noise of the batch statistics no
# longer hurts.
#
# So: BatchNorm for ordinary batch sizes; where the batch must be small, or
# its samples are not independent, a normalization without the batch.
# LayerNorm is the standard one in recurrent networks and transformers
# (Vaswani et al. 2017); for images, Group Normalization (Wu & He 2018)
# normalizes groups of channels per sample.
#
# ## Summary
#
# - Layer Normalization normalizes each sample over its features: no batch,
#   no running statistics, the same computation in training and inference,
#   and BatchNorm's backward pass with the sums over the other axis.
# - With the epochs and the step per image fixed, BatchNorm collapses at a
#   batch of 2 and lags at 4, while LayerNorm stays flat up to 16; from 8 up
#   BatchNorm is as good or better.
# - The failure at $B = 2$ is in training, not in the running variance: two
#   samples normalize to $\pm1$.
#
# ## Exercises
#
# ### Exercise 1: a batch of two
#
# Work out $\hat x$ on paper for a batch of exactly two samples (hint: each
# centered value is plus or minus half their difference). Then write
# `two_sample_x_hat(x, eps)` that returns $\hat x$ for `x` of shape $(2, D)$
# *by your formula*, without computing a mean or a variance.

# %% jupyter={"source_hidden": true} tags=["solution"]
def two_sample_x_hat(x, eps=1e-5):
    # BEGIN SOLUTION
    d = (x[0] - x[1]) / 2.0
    first = d / np.sqrt(d * d + eps)
    return np.stack([first, -first])
    # END SOLUTION


# %% tags=["self-check"]
rng_check = np.random.default_rng(32)
first_sample = rng_check.standard_normal(50)
x_pair = np.stack([first_sample, first_sample + rng_check.choice([-1, 1], 50) * rng_check.uniform(0.5, 5, 50)])
answer = two_sample_x_hat(x_pair)
reference = BatchNormalization(np.ones(50), np.zeros(50))
reference.forward(x_pair, train=True)
assert np.shape(answer) == (2, 50), "return an array of shape (2, D)"
assert np.allclose(answer, reference.x_hat, atol=1e-9), "your x_hat differs from the layer's"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: BatchNorm before or after the activation?
#
# Our networks use Affine → BatchNorm → ReLU, as Ioffe & Szegedy did; many
# practitioners put it after the activation. Write
# `batchnorm_after_activation(net)` that reorders the layers of a
# `MultiLayerNetExtend(use_batchnorm=True)` in place to Affine → ReLU →
# BatchNorm in every hidden layer and returns the network (`net.layers` is an
# `OrderedDict`; layers and `net.params` share their arrays). The self-check
# checks the order and the gradients, then trains both placements once, from
# the same start, on 1000 images for 20 epochs at $w = 0.05$: both learn. One
# run cannot say which placement is faster; with five seeds, try it.

# %% jupyter={"source_hidden": true} tags=["solution"]
def batchnorm_after_activation(net):
    # BEGIN SOLUTION
    from collections import OrderedDict

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


# %% tags=["self-check"]
reordered = batchnorm_after_activation(MultiLayerNetExtend(784, [100] * 2, 10, use_batchnorm=True))
expected = ["Affine1", "Activation1", "BatchNorm1", "Affine2", "Activation2", "BatchNorm2", "Affine3"]
assert list(reordered.layers) == expected, "the layer order is not Affine -> Activation -> BatchNorm"
small = batchnorm_after_activation(MultiLayerNetExtend(784, [20, 20], 10, use_batchnorm=True,
                                                       rng=np.random.default_rng(33)))
errors = gradient_check(small, x_train[:10].astype(np.float64), t_train[:10], max_entries=50,
                        rng=np.random.default_rng(34))
assert max(errors.values()) < 1e-6, "the reordered network's gradients are wrong: did you keep every layer once?"
final = {}
for placement in ("before", "after"):
    model = MultiLayerNetExtend(784, [100] * 5, 10, use_batchnorm=True, weight_init_std=0.05,
                                dtype=np.float32, rng=np.random.default_rng(35))
    if placement == "after":
        batchnorm_after_activation(model)
    Trainer(model, SGD(lr=0.01), x_small, t_train[:1000], epochs=20, rng=np.random.default_rng(36)).train()
    final[placement] = model.accuracy(x_small, t_train[:1000])
assert min(final.values()) > 0.9, "one placement did not learn: check the reordering"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | Definition |
# |---|---|---|---|
# | Layer Normalization | レイヤー正規化 (層正規化) | 层归一化 | A layer that normalizes each sample over its own features to mean 0 and variance 1, then scales by γ and shifts by β; it needs no batch and no running statistics. |
# | linear scaling rule | 線形スケーリング則 | 线性缩放规则 | Making the learning rate proportional to the batch size, so that each sample moves the weights by the same amount at every batch size (Goyal et al. 2017). |
#
# See the whole [glossary](../glossary.md).

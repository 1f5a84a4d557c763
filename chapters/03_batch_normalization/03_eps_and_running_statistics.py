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
# # 3.3 ε and the running statistics (optional)
#
# Two details of the layer shape the 16-scale grid of section 3.2 at its
# small scales: the running statistics, which inference mode uses, and
# $\varepsilon$, which BatchNorm adds to the variance. This section measures
# both. The main path does not need it; section 3.4 does not build on it.
#
# **Learning goals.** After this section you can
#
# - say how fast the running statistics forget their start, and what the
#   library's start (mean 0, variance 1) costs when the true variance is tiny;
# - explain the flat starts of the BatchNorm curves in the 16-scale grid with
#   measured variances, and remove them;
# - say what happens when the pre-activations' variance falls below
#   $\varepsilon$.

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

from common.display.normalization import running_statistics, warmup
from common.display.plot import save_figure
from common.display.report import approx
from common.experiments.normalization_runs import BN, weight_scale_study
from common.layers import BatchNormalization
from common.networks import MultiLayerNetExtend
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist()

# %% [markdown]
# ## How fast the running statistics forget their start
#
# With momentum $m = 0.9$, after $k$ training steps the starting values still
# weigh $m^k$ in the running statistics: $0.9^{10} \approx 0.35$ after one
# epoch of 10 steps, $0.9^{30} \approx 0.04$ after three. To watch it, feed
# one layer the pre-activations $z = xW$ of 10 000 MNIST images through a
# fixed random $W$ (5 units), in shuffled batches of 100, for two epochs.
#
# *Predict before you run:* after 200 steps, how far are the running
# statistics from the data's mean and variance?

# %%
rng = np.random.default_rng(5)
z = x_train[:10000].astype(np.float64) @ (0.1 * rng.standard_normal((784, 5)))
data_mean, data_var = z.mean(axis=0), z.var(axis=0)
bn = BatchNormalization(np.ones(5), np.zeros(5))
running_means, running_vars = [], []
for _ in range(2):                      # two epochs
    order = rng.permutation(len(z))
    for start in range(0, len(z), 100):
        bn.forward(z[order[start:start + 100]], train=True)
        running_means.append(bn.running_mean.copy())
        running_vars.append(bn.running_var.copy())

mean_gap = np.abs(bn.running_mean - data_mean) / np.sqrt(data_var)
var_gap = np.abs(bn.running_var - data_var) / data_var
assert mean_gap.max() < 0.1 and var_gap.max() < 0.1
print("left of the start after 200 steps: 0.9**200 =", f"{0.9**200:.0e}")
print("max |running mean - data mean| / data std:", round(float(mean_gap.max()), 3))
print("max |running var - data var| / data var:  ", round(float(var_gap.max()), 3))
save_figure(running_statistics(np.array(running_means), np.array(running_vars), data_mean, data_var),
            "03_running_statistics")
plt.show()

# %% [markdown]
# After a few dozen steps the start is forgotten and the running statistics
# wander around the data's with the noise of roughly the last ten batches. One
# more detail: the library averages the *biased* batch variance (divide by
# $N$), whose expectation is $\frac{N-1}{N}\sigma^2$, 1 % low at $N = 100$.
#
# ## The warm-up in the 16-scale grid
#
# Here the data's variance was of order 1, like the start. In the 16-scale
# experiment it is not. At initialization the variance of layer 1's
# pre-activations is about $w^2$ times the summed pixel variance of the
# images; and the weights then grow, as section 3.2 derived: at tiny $w$ the
# effective learning rate $\eta/\lVert W\rVert^2$ is huge. We train the
# BatchNorm runs of section 3.2 again (same seeds) at the nine scales from
# $w = 0.025$ down to $1.8\cdot10^{-4}$, recording after every epoch the median
# over units of layer 1's pre-activation variance and of its running
# variance. And we train them a second time with the running variance started
# at 0, as the original book does.
#
# *Predict before you run:* training mode never reads the running
# statistics. What changes between the two starts: the training, the
# inference-mode accuracy, or both?

# %% tolerance={"rel": 0.5}
WARM = list(range(6, 15))                                         # w = 0.025 down to 1.8e-4
SCALES = np.logspace(0, -4, 16)[WARM]
by_start = {start: weight_scale_study(x_train, t_train, WARM, methods=[BN], running_var_start=start,
                                      record_variance=True) for start in (1.0, 0.0)}
variance = by_start[1.0].variance[BN][0]                          # (9 scales, 21 evaluations)
running_var = by_start[1.0].running_var[BN][0]
accuracy = {f"running variance starts at {start:g}": study.accuracy[BN][0] for start, study in by_start.items()}


def jump_epoch(curve):
    """The first epoch after which the inference-mode accuracy reaches 0.4."""
    return int(np.argmax(curve >= 0.4))


jumps = {start: [jump_epoch(curve) for curve in study.accuracy[BN][0]] for start, study in by_start.items()}
same_training = bool(np.array_equal(by_start[1.0].batch_loss[BN], by_start[0.0].batch_loss[BN]))
assert same_training                                                      # the same training, bit for bit
assert all(variance[k, 0] < 1e-5 for k in (7, 8)) and variance[6, 0] > 1e-5   # below eps from w = 3.4e-4 down
assert np.all(variance[6:, -1] > 10 * variance[6:, 0])                    # it grows, at small w tenfold and more
assert all(3 <= j <= 8 for j in jumps[1.0][2:8]), jumps                   # start 1: flat for 3 to 8 epochs
assert all(j <= 2 for j in jumps[0.0][:8]), jumps                         # start 0: learning shows at once
assert jumps[0.0][8] >= 4                                                 # except at w = 1.8e-4
print("the same batch losses with both starts:", same_training)
print("layer 1, median variance of the pre-activations:")
print(f"{'w':>8} {'at the start':>13} {'after 1 epoch':>14} {'after 20':>9}")
for k, w in enumerate(SCALES):
    print(f"{w:8.1e} {variance[k, 0]:13.0e} {approx(variance[k, 1]):>14.1e} {approx(variance[k, -1]):>9.1e}")

# %% tolerance={"abs": 0.1}
print("inference-mode accuracy after 2 epochs (20 steps), running variance started at 1 / at 0:")
for k, w in enumerate(SCALES):
    print(f"{w:8.1e}  {approx(by_start[1.0].accuracy[BN][0, k, 2], 2)} / {approx(by_start[0.0].accuracy[BN][0, k, 2], 2)}")

# %%
save_figure(warmup(SCALES, accuracy, variance, running_var), "03_warmup")
plt.show()

# %% [markdown]
# The table and `images/03_warmup.png` tell the story in numbers. At the
# start, layer 1's pre-activation variance lies between about $10^{-2}$ (at
# $w = 0.025$) and $10^{-6}$, below $\varepsilon = 10^{-5}$ from
# $w = 3.4\cdot10^{-4}$ down. Within a few epochs the weights grow and the
# variance rises, at the small scales by one to three orders of magnitude. The
# running variance, meanwhile, falls from 1 as $0.9^k$. Until it has come
# down to about the variance itself, inference mode divides by a standard
# deviation many times too large, every normalized value shrinks, and the
# network predicts one class for every image: the flat start. For a variance
# of order $10^{-3}$ that takes $k \approx \ln 10^{-3} / \ln 0.9 \approx 66$
# steps, six or seven epochs.
#
# The network learns all along: the two starts give the same batch losses,
# bit for bit, because training mode never reads the running statistics.
# Started at 0, the running variance is an average of batch variances from the
# first step (too small by the factor $1 - 0.9^k$, which only enlarges the
# normalized values), and the learning shows after one or two epochs. Only at
# $w = 1.8\cdot10^{-4}$ is the flat start partly real: there the variance stays
# below $\varepsilon$ for the first epochs, and training itself is slow.
# Exercise 1 removes the start entirely, by the bias correction of chapter 1's
# Adam.
#
# ## Below ε: the smallest scale
#
# At $w = 10^{-4}$ both networks of the grid stayed at chance. BatchNorm
# divides by $\sqrt{\sigma^2+\varepsilon}$: when $\sigma^2 \ll \varepsilon$,
# $\hat x$ is not normalized but shrunk by about $\sigma/\sqrt\varepsilon$, and
# each layer shrinks the signal further. We measure it on the untrained
# network, then train the five seeds of section 3.2's scheme at this scale
# with $\varepsilon = 10^{-5}$ and with $\varepsilon = 10^{-8}$.

# %% tolerance={"abs": 0.1}
net = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=1e-4, use_batchnorm=True,
                          rng=np.random.default_rng(15), dtype=np.float32)
net.predict(x_train[:1000], train=True)
x_hat_std = [float(net.layers[f"BatchNorm{i}"].x_hat.std(axis=0).mean()) for i in range(1, 6)]
layer1_var = float(np.median((x_train[:1000] @ net.params["W1"]).var(axis=0)))
final_by_eps = {eps: weight_scale_study(x_train, t_train, [15], seeds=range(5), methods=[BN], batchnorm_eps=eps,
                                        evaluate_every=20).accuracy[BN][:, 0, -1] for eps in (1e-5, 1e-8)}

assert layer1_var < 0.1 * 1e-5 and x_hat_std[0] < 0.5
assert all(x_hat_std[i + 1] < 0.5 * x_hat_std[i] for i in range(4))      # shrinks in every layer
assert np.all(final_by_eps[1e-5] < 0.2) and np.all(final_by_eps[1e-8] > 0.3)   # seed by seed
print("layer 1 pre-activation variance at w = 1e-4:", f"{layer1_var:.0e}", "(eps = 1e-5)")
print("std of x_hat per layer (1 if normalized):", [round(s, 3) for s in x_hat_std])
for eps, finals in final_by_eps.items():
    print(f"eps = {eps:.0e}: final train accuracy over 5 seeds {approx(finals.mean(), 2)}",
          f"(lowest {approx(finals.min(), 2)}, highest {approx(finals.max(), 2)})")

# %% [markdown]
# In every seed the network at $w = 10^{-4}$ stays near chance with
# $\varepsilon = 10^{-5}$ and learns with $\varepsilon = 10^{-8}$. The last
# panel of the grid is an artefact of $\varepsilon$, a safety margin chosen
# for pre-activations of ordinary size; the original book's $10^{-6}$ lies in
# between.
#
# ## Summary
#
# - The running statistics forget their start as $m^k$; with $m = 0.9$ a few
#   dozen steps suffice when the data's variance is of order 1.
# - At small weight scales the variance to learn is $10^{-6}$ to $10^{-3}$ and
#   growing with the weights; a running variance started at 1 needs six or
#   seven epochs to come down, and until then inference mode predicts one
#   class. Training is unaffected. Starting at 0 (the original book), or
#   correcting the bias, removes the flat start.
# - Below $\varepsilon$ BatchNorm stops normalizing and shrinks the signal
#   layer by layer; a smaller $\varepsilon$ lets the network at $w = 10^{-4}$
#   learn, in all five seeds.
#
# ## Exercises
#
# ### Exercise 1: bias-corrected running statistics
#
# Adam (chapter 1) starts its moving averages at 0 and divides by
# $1 - \beta^t$. Do the same here: write a subclass
# `BiasCorrectedBatchNorm(BatchNormalization)` whose running mean and variance
# start at 0, count the training steps $t$, and whose inference mode uses
# $\mu_\text{run}/(1-m^t)$ and $\sigma^2_\text{run}/(1-m^t)$. After one training
# step its inference output must equal the training output on that batch.

# %% jupyter={"source_hidden": true} tags=["solution"]
class BiasCorrectedBatchNorm(BatchNormalization):
    # BEGIN SOLUTION
    def __init__(self, gamma, beta, momentum=0.9, eps=1e-5):
        super().__init__(gamma, beta, momentum, eps, running_mean=np.zeros_like(gamma),
                         running_var=np.zeros_like(gamma))
        self.steps = 0

    def forward(self, x, train=True):
        if train:
            self.steps += 1
            return super().forward(x, train=True)
        correction = 1.0 - self.momentum**self.steps
        std = np.sqrt(self.running_var / correction + self.eps)
        self.train, self.inv_std = False, 1.0 / std
        self.x_hat = (x - self.running_mean / correction) / std
        return self.gamma * self.x_hat + self.beta
    # END SOLUTION


# %% tags=["self-check"]
rng_check = np.random.default_rng(61)
layer = BiasCorrectedBatchNorm(np.ones(4), np.zeros(4))
batches = [1e-3 * rng_check.standard_normal((50, 4)) + 1e-3 * k for k in range(5)]
out_train = layer.forward(batches[0], train=True)
assert np.allclose(layer.forward(batches[0], train=False), out_train, atol=1e-9), \
    "after one step, inference should use exactly that batch's statistics"
for batch in batches[1:]:
    layer.forward(batch, train=True)
weights = 0.1 * 0.9 ** np.arange(4, -1, -1) / (1 - 0.9**5)              # the exact weighted average
mean = sum(w * b.mean(axis=0) for w, b in zip(weights, batches))
var = sum(w * b.var(axis=0) for w, b in zip(weights, batches))
probe = rng_check.standard_normal((3, 4)) * 1e-3
assert np.allclose(layer.forward(probe, train=False), (probe - mean) / np.sqrt(var + layer.eps), atol=1e-6), \
    "after five steps, inference should use the bias-corrected averages"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: how long is the warm-up?
#
# Write `steps_to_forget(m, fraction)`, the least number of steps $k$ after
# which a start weighted $m^k$ has fallen to at most `fraction`. Use it to
# predict the flat start of a running variance started at 1 when the variance
# to learn is $10^{-4}$ (PyTorch's `momentum=0.1` is our $m = 0.9$).

# %% jupyter={"source_hidden": true} tags=["solution"]
def steps_to_forget(m, fraction):
    # BEGIN SOLUTION
    return int(np.ceil(np.log(fraction) / np.log(m) - 1e-12))
    # END SOLUTION


# %% tags=["self-check"]
for m, fraction in [(0.9, 1e-3), (0.9, 1e-4), (0.99, 0.5), (0.5, 0.25), (0.999, 1e-2)]:
    k = steps_to_forget(m, fraction)
    assert isinstance(k, (int, np.integer)), "return a whole number of steps"
    assert m**k <= fraction * (1 + 1e-12) and m ** (k - 1) > fraction, f"m = {m}, fraction = {fraction}: wrong k"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | Definition |
# |---|---|---|---|
# | warm-up of the running statistics | 移動統計量のウォームアップ | 滑动统计量的预热 | The first training steps during which the running mean and variance still carry their starting values, so that inference mode normalizes with wrong statistics. |
# | bias correction | バイアス補正 | 偏差校正 | Dividing a moving average started at 0 by 1 − m^t, so that it is an unbiased weighted average from the first step. |
#
# See the whole [glossary](../glossary.md).

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
# # 3.2 Scale invariance and the classic experiment: 16 weight scales
#
# Section 3.1 built the layer. Here we ask what it does to training: a layer
# followed by BatchNorm no longer cares about the scale of its weights, and
# that changes how SGD moves them. Then the original book's experiment: the
# same network at 16 initial weight scales, with and without BatchNorm.
#
# **Learning goals.** After this section you can
#
# - show that the loss of a BatchNorm network does not change when a hidden
#   weight matrix is multiplied by $c > 0$, while its gradient is divided by $c$;
# - derive that the gradient is orthogonal to those weights, so that plain SGD
#   can only make them grow, and define the effective learning rate
#   $\eta/\lVert W\rVert^2$;
# - read the 16-scale experiment, with and without BatchNorm, over five seeds,
#   and explain what BatchNorm fixes there and what it does not.

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

from common.display.normalization import final_accuracy_over_seeds, weight_scales_grid
from common.display.plot import save_figure
from common.display.report import approx
from common.experiments.normalization_runs import BN, PLAIN, weight_scale_study
from common.networks import MultiLayerNetExtend
from dataset.mnist import load_mnist

(x_train, t_train), _ = load_mnist()

# %% [markdown]
# ## BatchNorm makes a layer blind to the scale of its weights
#
# Multiply the weights $W$ of a layer followed by BatchNorm by $c > 0$: the
# pre-activations, their batch mean and their standard deviation all scale by
# $c$, and $\hat x$ does not change (up to $\varepsilon$). So the loss does not
# change, $L(cW) = L(W)$. Differentiating both sides with respect to $W$ gives
# $c\,\nabla L(cW) = \nabla L(W)$: the gradient is divided by $c$.
#
# *Predict before you run:* multiply the five hidden weight matrices of a
# BatchNorm network by 10. What happens to the loss and to their gradients?

# %%
net = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=0.05, use_batchnorm=True,
                          rng=np.random.default_rng(6))
x_batch, t_batch = x_train[:100].astype(np.float64), t_train[:100]
HIDDEN = [f"W{i}" for i in range(1, 6)]
loss_1, grads_1 = net.loss_and_gradient(x_batch, t_batch)
c = 10.0
for key in HIDDEN:
    net.params[key] *= c                 # in place: the layers hold the same arrays
loss_c, grads_c = net.loss_and_gradient(x_batch, t_batch)
for key in HIDDEN:
    net.params[key] /= c                 # back to the start

gradient_ratio = {key: float(np.linalg.norm(grads_c[key]) / np.linalg.norm(grads_1[key])) for key in HIDDEN}
assert abs(loss_c - loss_1) < 1e-3 * loss_1
assert all(abs(ratio * c - 1) < 0.01 for ratio in gradient_ratio.values())
print("loss before and after scaling the hidden weights by 10:", round(loss_1, 4), round(loss_c, 4))
print("gradient norm ratio per hidden layer:", {key: round(r, 3) for key, r in gradient_ratio.items()})

# %% [markdown]
# ## The gradient is orthogonal to the weights, so SGD grows them
#
# Differentiate $L(cW) = L(W)$ with respect to $c$ instead, at $c = 1$:
# $\langle W, \nabla_W L\rangle = 0$. The gradient of a scale-invariant
# weight matrix is **orthogonal** to it. An SGD step $W - \eta\nabla L$ is
# then the hypotenuse of a right triangle with legs $W$ and $\eta\nabla L$:
#
# $$
# \lVert W - \eta\nabla L\rVert^2 = \lVert W\rVert^2 + \eta^2\lVert\nabla L\rVert^2 .
# $$
#
# Plain SGD can only make these weights *grow*. And since the loss ignores
# their scale, what matters is the step relative to their size,
# $\eta\lVert\nabla L\rVert/\lVert W\rVert$; with $\nabla L \propto 1/\lVert W\rVert$
# this is proportional to $\eta/\lVert W\rVert^2$, the **effective learning
# rate** (van Laarhoven 2017; Hoffer et al. 2018). Small weights take huge
# relative steps and grow fast; large weights move slowly. The last layer,
# which no BatchNorm follows, is not scale-invariant. Checked on the network
# above, in float64:

# %%
cosine = {key: float(np.sum(net.params[key] * grads_1[key])
                     / (np.linalg.norm(net.params[key]) * np.linalg.norm(grads_1[key]))) for key in net.weight_keys}
assert all(abs(cosine[key]) < 1e-5 for key in HIDDEN)      # W1..W5: orthogonal
assert abs(cosine["W6"]) > 0.01                            # the last layer: not
print("|cos(W, gradient)| below 1e-5 for W1..W5:", all(abs(cosine[key]) < 1e-5 for key in HIDDEN),
      "| W6:", round(cosine["W6"], 3))

# %% [markdown]
# ## The classic experiment
#
# **Settings, as in the original** (chapter 6 of "Deep Learning from
# Scratch"): the first 1000 MNIST training images; 5 hidden layers of 100
# ReLU units; SGD with $\eta = 0.01$; mini-batches of 100 (10 steps per
# epoch); 20 epochs; the initial weights of *every* layer drawn with standard
# deviation $w$ for 16 values `np.logspace(0, -4, 16)`, from 1 down to
# $10^{-4}$. At each $w$ both networks start from the same initial weights
# and see the same mini-batches. We record the accuracy on the 1000 training
# images before training and after every epoch, in inference mode.
#
# **Where we differ, stated.** Mini-batches come from a shuffle each epoch
# (the original draws with replacement); the networks compute in float32;
# $\varepsilon = 10^{-5}$ (the original's is $10^{-6}$); and the running
# variance starts at 1, not at 0 as in the original. The last two matter at
# the smallest scales, and section 3.3 (optional) measures how.
#
# *Predict before you run:* at which scales will the plain network learn at
# all? Chapter 2's He scale for 100 inputs is $\sqrt{2/100} \approx 0.14$.

# %% tolerance={"abs": 0.05}
SCALES = np.logspace(0, -4, 16)
EPOCHS = 20
study = weight_scale_study(x_train, t_train, range(16), seeds=[0], epochs=EPOCHS)
curves = {name: accuracy[0] for name, accuracy in study.accuracy.items()}    # (16 scales, 21 evaluations)
final = {name: curve[:, -1] for name, curve in curves.items()}
print("final train accuracy, w from 1 down to 1e-4:")
for name, accuracies in final.items():
    print(f"  {name:28s}", [approx(a, 2) for a in accuracies])

# %%
save_figure(weight_scales_grid(SCALES, curves), "03_weight_scales_grid")
plt.show()

# %% [markdown]
# The plain network (dashed) learns only near the He scale. At the two
# largest scales its activations overflow (the loss becomes NaN, and the
# accuracy is the share of the one digit it then predicts); below
# $w \approx 0.1$ the signal dies on its way through five layers and the
# network predicts one class. With BatchNorm (solid) the network learns at
# almost every scale, and reaches (nearly) 100 % over more than a decade of
# scales. The counts, for this one seed:

# %%
wins = int(np.sum(final[BN] > final[PLAIN] + 0.02))                        # higher by more than 2 points
learns = {name: int(np.sum(acc >= 0.4)) for name, acc in final.items()}     # four times chance
near_100 = {name: int(np.sum(acc >= 0.99)) for name, acc in final.items()}
diverged = [k for k in range(16) if not np.isfinite(study.batch_loss[PLAIN][0, k, -1])]
assert wins >= 12 and learns[BN] >= 14 and learns[PLAIN] <= 3 and near_100[BN] >= 5, (wins, learns, near_100)
assert diverged == [0, 1], diverged                          # the plain network overflows at w = 1 and 0.54
print(f"BatchNorm ends more than 2 points higher at {wins} of 16 scales")
print("scales with final accuracy >= 0.4: ", ", ".join(f"{name} {n}" for name, n in learns.items()))
print("scales with final accuracy >= 0.99:", ", ".join(f"{name} {n}" for name, n in near_100.items()))

# %% [markdown]
# **Five seeds.** One run per scale is one draw of initial weights and
# mini-batches. We train again at every other scale ($w$ = 1, 0.29, 0.086,
# …, $1.8\cdot10^{-4}$) from four more seeds each, with and without BatchNorm,
# and put the first seed's runs beside them.

# %% tolerance={"abs": 0.06}
EVERY_OTHER = list(range(0, 16, 2))
more = weight_scale_study(x_train, t_train, EVERY_OTHER, seeds=[1, 2, 3, 4], epochs=EPOCHS, evaluate_every=EPOCHS)
seed_final = {name: np.vstack([final[name][EVERY_OTHER], more.accuracy[name][:, :, -1]]) for name in final}
print(f"{'w':>8} {'BatchNorm: mean ± sd':>22} {'without: mean ± sd':>20}   (final train accuracy, 5 seeds)")
for j, k in enumerate(EVERY_OTHER):
    b, p = seed_final[BN][:, j], seed_final[PLAIN][:, j]
    print(f"{SCALES[k]:8.1e} {approx(b.mean()):>14.2f} ± {approx(b.std(ddof=1)):.2f} "
          f"{approx(p.mean()):>12.2f} ± {approx(p.std(ddof=1)):.2f}")

he_position = EVERY_OTHER.index(2)                       # w = 0.29, about twice the He scale
assert all(np.flatnonzero(seed_final[BN][s] < seed_final[PLAIN][s]).tolist() == [he_position] for s in range(5))
assert np.all(seed_final[BN].mean(axis=0) > 0.3)         # BatchNorm: three times chance at every scale
assert np.sum(seed_final[PLAIN].mean(axis=0) > 0.4) == 1  # the plain network: at one scale only

# %%
save_figure(final_accuracy_over_seeds(SCALES[EVERY_OTHER], seed_final), "03_final_accuracy_seeds")
plt.show()

# %% [markdown]
# In each of the five seeds the plain network is better only at $w = 0.29$,
# about twice the He scale, and BatchNorm is better at the seven other
# scales. Averaged over seeds, BatchNorm reaches at least three times chance
# at every scale, the plain network four times chance at one
# (`images/03_final_accuracy_seeds.png`).
#
# **What BatchNorm does not fix.** Within 20 epochs its result still depends
# on the scale: it ends low at both ends of the range, for two reasons.
#
# - **Large $w$: a small effective learning rate.** The hidden layers'
#   effective learning rate is $\eta/\lVert W\rVert^2$. At $w = 1$, seven
#   times the He scale, it is about fifty times smaller than at the He scale,
#   and 200 steps are not enough; the last layer, which BatchNorm does not
#   protect, also starts with large scores.
# - **Tiny $w$: $\varepsilon$ takes over.** When the pre-activations' variance
#   falls below $\varepsilon$, BatchNorm divides by about $\sqrt\varepsilon$
#   instead of their standard deviation, and no longer normalizes.
#
# The grid shows one more feature: from $w \approx 0.025$ down, the BatchNorm
# curves stay near chance for a few epochs and then jump. That is not slow
# learning but the running statistics catching up with weights that grow, as
# above; section 3.3 (optional) takes it apart, with $\varepsilon$.
#
# ## Summary
#
# - A layer followed by BatchNorm is scale-invariant: $L(cW) = L(W)$, its
#   gradient scales by $1/c$ and is orthogonal to $W$.
# - So plain SGD only grows those weights, and their effective learning rate
#   is $\eta/\lVert W\rVert^2$: tiny weights take huge relative steps, large
#   weights creep.
# - In the classic experiment BatchNorm learns at almost every scale from 1 to
#   $10^{-4}$, where the plain network learns only near the He scale; over five
#   seeds, the plain network wins only at $w = 0.29$.
# - BatchNorm does not make training independent of the scale: large weights
#   learn slowly, and below $\varepsilon$ the normalization stops.
#
# ## Exercises
#
# ### Exercise 1: the norm after a step, without taking the step
#
# Write `norm_after_sgd_step(W, grad, lr)` that returns
# $\lVert W - \eta\nabla L\rVert$ for a gradient orthogonal to $W$ *without*
# forming $W - \eta\nabla L$ (use the right triangle). The self-check compares
# it with the real step on the hidden weights of the network above.

# %% jupyter={"source_hidden": true} tags=["solution"]
def norm_after_sgd_step(W, grad, lr):
    # BEGIN SOLUTION
    return float(np.sqrt(np.sum(W * W) + lr**2 * np.sum(grad * grad)))
    # END SOLUTION


# %% tags=["self-check"]
for key in HIDDEN:
    for lr in (0.1, 10.0):
        mine = norm_after_sgd_step(net.params[key], grads_1[key], lr)
        assert np.isfinite(mine), "return a finite number"
        assert abs(mine - np.linalg.norm(net.params[key] - lr * grads_1[key])) < 1e-4 * mine, \
            f"{key}, lr = {lr}: your norm differs from the norm after the real step"
probe = np.array([[3.0, 0.0]]), np.array([[0.0, 4.0]])
assert abs(norm_after_sgd_step(*probe, 1.0) - 5.0) < 1e-12, "a right triangle with legs 3 and 4"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: why does the BatchNorm network learn slowly at $w = 1$?
#
# - `"a"`: its gradients explode;
# - `"b"`: its hidden layers' effective learning rate $\eta/\lVert W\rVert^2$
#   is small;
# - `"c"`: $\varepsilon$ dominates the variance;
# - `"d"`: the running statistics have not converged (then only inference
#   mode would lag, and the loss in training mode would fall as fast as at
#   the He scale).
#
# Set `prediction` to `"a"`, `"b"`, `"c"` or `"d"`, then run the self-check,
# which measures each of them.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    """Each option as a measurement: at w = 1 against the He scale, on the batch above and in the study."""
    nets = {scale: MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=scale, use_batchnorm=True,
                                       rng=np.random.default_rng(0)) for scale in (1.0, "he")}
    grads = {scale: net_.loss_and_gradient(x_batch, t_batch)[1] for scale, net_ in nets.items()}
    gradient_norm = {scale: np.mean([np.linalg.norm(grads[scale][key]) for key in HIDDEN[1:]]) for scale in nets}
    relative_step = {scale: np.mean([np.linalg.norm(grads[scale][key]) / np.linalg.norm(nets[scale].params[key])
                                     for key in HIDDEN[1:]]) for scale in nets}
    z_var = float(np.var(x_batch @ nets[1.0].params["W1"], axis=0).min())
    he_index = int(np.argmin(np.abs(SCALES - np.sqrt(2 / 100))))
    late_loss = study.batch_loss[BN][0, :, -20:].mean(axis=1)               # training mode, last 20 batches
    return {"a": gradient_norm[1.0] > 3 * gradient_norm["he"],
            "b": relative_step[1.0] < relative_step["he"] / 3,
            "c": z_var < 1e-5,                                               # BatchNorm's eps
            "d": late_loss[0] <= 1.25 * late_loss[he_index]}


check_choice(prediction, facts, options="abcd", exercise=2,
             hint="measure each option at w = 1 and at the He scale: the hidden layers' gradient norms, "
                  "their gradients relative to their weights, the pre-activations' variance, and the "
                  "training-mode loss in the study")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | Definition |
# |---|---|---|---|
# | weight scale | 重みのスケール | 权重尺度 | The standard deviation w of the initial weights. |
# | scale invariance | スケール不変性 | 尺度不变性 | A layer followed by BatchNorm gives the same output when its weights are multiplied by c > 0. |
# | effective learning rate | 実効学習率 | 有效学习率 | The step size relative to the weights' size, η/‖W‖² for weights followed by BatchNorm: it falls as plain SGD grows ‖W‖ and rises when weight decay shrinks it. |
#
# See the whole [glossary](../glossary.md).

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
# # Chapter 4 — Regularization
#
# A network with over a hundred thousand weights can memorize a few hundred
# training images. It then scores 100 % on them and much less on images it has
# never seen: it **overfits**. This chapter provokes overfitting on purpose and
# fights it with the two classic remedies of "Deep Learning from Scratch"
# (chapter 6), **weight decay** and **dropout**, and looks at what the penalties
# behind them do to the weights. Then it goes beyond the original: **data
# augmentation**, **early stopping** on validation data, and weight decay with
# Adam (**AdamW**).
#
# **Learning goals.** After this chapter you can
#
# 1. recognise overfitting in the train and test accuracy curves and measure it
#    as the *generalization gap* (train accuracy minus test accuracy);
# 2. add weight decay to the loss and to the gradient, and see what too little
#    and too much of it do;
# 3. tell the L1, L2 and L∞ penalties apart by their unit balls and by the
#    weights they produce (L1 makes weights exactly zero);
# 4. explain dropout in train and inference modes, why the original book's
#    scaling and "inverted" dropout agree in expectation and why they still
#    train differently;
# 5. read dropout as a cheap ensemble of many thinned networks;
# 6. raise the test accuracy with data augmentation (random shifts and
#    rotations of the digits), where weight decay and dropout only narrow the gap;
# 7. stop training early at an epoch chosen on validation data, and say why an
#    epoch chosen on the test data gives an optimistic score;
# 8. explain why an L2 penalty under Adam is not weight decay, and what AdamW's
#    decoupled decay does instead;
# 9. read the L2 and L1 penalties as Gaussian and Laplace priors on the weights.

# %%
from dataclasses import replace
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from common.augmentation import augment
from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, save_figure
from common.display.report import approx, seed_summary
from common.experiments.classic import (
    build_network,
    by_label,
    overfit_dropout,
    overfit_weight_decay,
    seed_pairs,
    train_run,
)
from common.experiments.parallel import run_parallel
from common.functions import softmax
from common.layers import Dropout
from common.networks import MultiLayerNet, MultiLayerNetExtend
from common.optimizers import SGD
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()

# %% [markdown]
# ## 1. Overfitting on purpose
#
# The original provokes overfitting with two choices: very little data and a
# big network. We take the same settings:
#
# | setting | value |
# |---|---|
# | training data | the first 300 MNIST training images |
# | network | 784 → 6 hidden layers × 100 (ReLU, He initialization) → 10, i.e. 7 Affine layers |
# | optimizer | SGD, η = 0.01, mini-batches of 100 |
# | length | 200 epochs (3 updates each), accuracy on the 300 training and all 10000 test images after every epoch |
#
# About the epoch count: the original loops until it has evaluated 201 times,
# once after the first update of every epoch, and calls that "201 epochs". Our
# `Trainer` evaluates once before training and after each epoch, so 200 epochs
# of training give the same 201 points (600 updates against the original's 601).
# Our mini-batches are drawn by shuffling each epoch, so every image is used
# once per epoch; the original draws each batch with replacement.
#
# **Speed.** Every evaluation runs the network on the 10000 test images, and this
# chapter makes about 600 of them: evaluation, not training, dominates its run
# time. We therefore build the networks in single precision
# (`dtype=np.float32`), which halves the cost; accuracy is a count of correct
# answers and does not need float64.
#
# Each run below starts from the same initial weights (seed `SEED_INIT`) and sees
# the same mini-batches (seed `SEED_BATCHES`), so the only difference between the
# runs is the regularizer.

# %%
SEED_INIT, SEED_BATCHES = 0, 1
x_small, t_small = x_train[:300], t_train[:300]
HIDDEN = [100] * 6


MNIST = (x_train, t_train, x_test, t_test)
SEEDS = [(SEED_INIT, SEED_BATCHES)]


# The runs are data, in common/experiments/classic.py (shared with the benchmarks).
def decay_run(weight_decay_lambda, evaluate_every=1):
    """The 300-image run with the L2 penalty lambda; accuracies every `evaluate_every` epochs."""
    return overfit_weight_decay(lambdas=[weight_decay_lambda], evaluate_every=evaluate_every, seeds=SEEDS)[0]


def dropout_run(inverted, evaluate_every=1):
    """The 300-image run with dropout 0.2 after every hidden layer, 300 epochs."""
    return overfit_dropout(inverted=[inverted], evaluate_every=evaluate_every, seeds=SEEDS)[0]


print(decay_run(0.0))


def final(history):
    """Final train accuracy, test accuracy and their gap: measurements, printed ≈ and rounded."""
    train_acc, test_acc = history["train_acc"][-1], history["test_acc"][-1]
    return {"train": approx(train_acc, 3), "test": approx(test_acc, 3), "gap": approx(train_acc - test_acc, 3)}


def gap(history):
    return history["train_acc"][-1] - history["test_acc"][-1]


# %% [markdown]
# **Predict before you run.** With 300 images and about 130 000 weights, where
# will the training accuracy end up after 200 epochs? And the test accuracy?

# %%
# NBVAL_TOLERANCE abs=0.03
_, history_plain, net_plain = train_run(decay_run(0.0), MNIST)
print("without regularization:", final(history_plain))

# %%
def plot_accuracy(ax, history, label, linestyle="-", alpha=1.0, marker=None):
    for split in ("train", "test"):
        ax.plot(history["epochs"], history[f"{split}_acc"], linestyle=linestyle, marker=marker,
                markersize=4, color=color(split), alpha=alpha, label=f"{split} ({label})")


fig, ax = plt.subplots(figsize=FIGSIZE)
plot_accuracy(ax, history_plain, "no regularization")
ax.set(title="Overfitting: 300 training images, 7-layer network",
       xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
ax.legend(loc="lower right")
save_figure(fig, "04_overfitting")
plt.show()

# %% [markdown]
# The training accuracy climbs to 100 % within about 100 epochs; the test
# accuracy stalls in the mid-seventies. After that point the network learns
# nothing that carries over to new images: it has memorized the 300.

# %%
# NBVAL_TOLERANCE abs=0.03
train_plain, test_plain = history_plain["train_acc"][-1], history_plain["test_acc"][-1]
assert train_plain >= 0.99, train_plain              # the training set is (almost) memorized
assert train_plain - test_plain > 0.2, gap(history_plain)  # ...and the test accuracy lags far behind
print("gap without regularization:", approx(gap(history_plain), 3))

# %% [markdown]
# ## 2. Weight decay
#
# Overfitting networks tend to have large weights: large weights let the
# network bend its decision boundaries sharply around individual training
# images. **Weight decay** adds a penalty on the size of the weights to the loss,
#
# $$L_\lambda(W) = L(W) + \frac{\lambda}{2}\sum_{l} \lVert W_l \rVert_2^2 ,$$
#
# summed over the weight matrices of all layers (the biases are not penalized,
# as in the original). Its gradient adds $\lambda W_l$ to each weight gradient,
# so one SGD step becomes
#
# $$W \leftarrow W - \eta(\nabla_W L + \lambda W) = (1 - \eta\lambda)\,W - \eta\nabla_W L :$$
#
# before each ordinary step, every weight shrinks by the factor $1-\eta\lambda$,
# which is where the name comes from. `MultiLayerNet(weight_decay_lambda=λ)` does
# both: `loss` adds the penalty, `loss_and_gradient` adds $\lambda W$ (Exercise 2
# asks you to check the gradient). The loss with the penalty exceeds the loss
# without it by exactly $\frac\lambda2\sum\lVert W\rVert^2$:

# %%
def make_decay_net(weight_decay_lambda):
    return build_network(decay_run(weight_decay_lambda))


def squared_weight_norm(network):
    """sum over layers of ||W_l||^2 (biases excluded)."""
    return sum(float(np.sum(value.astype(np.float64) ** 2))
               for key, value in network.params.items() if key.startswith("W"))


probe_plain, probe_decay = make_decay_net(0.0), make_decay_net(0.1)   # same initial weights
loss_difference = probe_decay.loss(x_small, t_small) - probe_plain.loss(x_small, t_small)
penalty = 0.5 * 0.1 * squared_weight_norm(probe_plain)
assert abs(loss_difference - penalty) < 1e-3 * penalty, (loss_difference, penalty)
print({"penalty at initialization": round(penalty, 2), "loss difference": round(float(loss_difference), 2)})

# %% [markdown]
# At He initialization the penalty is about 61 with λ = 0.1, some 25 times the
# cross-entropy of a random guess (ln 10 ≈ 2.3): from the first step, shrinking
# the weights is a large part of what SGD does.
#
# Now the overfitting experiment again, with λ = 0.1 as in the original. To
# keep the chapter fast we evaluate every second epoch (101 points instead of
# 201); the training itself is unchanged, because evaluation draws no random
# numbers.

# %%
# NBVAL_TOLERANCE abs=0.03
_, history_decay, net_decay = train_run(decay_run(0.1, evaluate_every=2), MNIST)
print("weight decay λ = 0.1:", final(history_decay))

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
plot_accuracy(ax, history_plain, "no regularization", linestyle="--", alpha=0.45)
plot_accuracy(ax, history_decay, "weight decay λ=0.1")
ax.set(title="Weight decay λ = 0.1 against no regularization",
       xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
ax.legend(loc="lower right", fontsize=8)
save_figure(fig, "04_weight_decay")
plt.show()

# %%
# NBVAL_TOLERANCE abs=0.03
shrink_decay = gap(history_plain) - gap(history_decay)
assert shrink_decay > 0.03, shrink_decay                  # weight decay shrinks the gap...
assert history_decay["train_acc"][-1] < 0.97             # ...because the training set is no longer memorized
assert history_decay["test_acc"][-1] < test_plain        # ...and here it does not raise the test accuracy
print({"gap without": approx(gap(history_plain), 3), "gap with λ=0.1": approx(gap(history_decay), 3),
       "shrink": approx(shrink_decay, 3)})

# %% [markdown]
# With λ = 0.1 the network no longer reaches 100 % on the training images, and
# the gap shrinks by about 0.07. Look at *how* it shrinks, though: the training
# accuracy came down to meet the test accuracy, and the test accuracy itself did
# not improve (it even dropped a little). A smaller gap means the training score
# is a more honest estimate of the test score; it does not by itself mean a
# better model. With only 300 images there is a limit to what any regularizer can
# recover.
#
# ### How much weight decay?
#
# λ is a hyperparameter. We train with a few values and keep only the end point,
# so `evaluate_every=200` evaluates just before and after training (two test
# evaluations instead of 201). λ = 0 and λ = 0.1 were trained above with the same
# seeds, so we reuse them. Evaluation does not consume random numbers, so the
# runs would be identical either way.
#
# **Predict before you run.** What happens to the gap at λ = 0.3? Is a smaller
# gap there good news?

# %%
# NBVAL_TOLERANCE abs=0.03 rel=0.03
lambdas = [0.0, 0.03, 0.1, 0.2, 0.3]
runs = {0.0: (net_plain, history_plain), 0.1: (net_decay, history_decay)}
new_runs = [decay_run(lam, evaluate_every=200) for lam in lambdas if lam not in runs]
for result in run_parallel(train_run, new_runs, shared=MNIST, description="λ"):   # side by side
    runs[result.run.network["weight_decay_lambda"]] = (result.network, result.history)

table = {lam: {**final(history), "sum ||W||^2": approx(squared_weight_norm(network), 1)}
         for lam, (network, history) in runs.items()}
for lam in lambdas:
    print(f"λ = {lam:<5}", table[lam])

# %%
fig, (ax_acc, ax_gap) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE)
positions = np.arange(len(lambdas))
for split in ("train", "test"):
    ax_acc.plot(positions, [table[lam][split] for lam in lambdas], "o-", color=color(split), label=split)
ax_acc.set(title="Final accuracy after 200 epochs", xlabel="weight decay λ", ylabel="accuracy", ylim=(0, 1.02))
ax_acc.legend()
ax_gap.bar(positions, [table[lam]["gap"] for lam in lambdas], color=color("test"))
ax_gap.set(title="Generalization gap (train − test)", xlabel="weight decay λ", ylabel="accuracy difference")
for ax in (ax_acc, ax_gap):
    ax.set_xticks(positions, [str(lam) for lam in lambdas])
save_figure(fig, "04_weight_decay_lambda")
plt.show()

# %%
# NBVAL_TOLERANCE abs=0.03
gaps = [table[lam]["gap"] for lam in lambdas]
norms = [table[lam]["sum ||W||^2"] for lam in lambdas]
assert all(later <= earlier + 0.01 for earlier, later in zip(gaps, gaps[1:])), gaps  # more decay, smaller gap
assert all(later < earlier for earlier, later in zip(norms, norms[1:])), norms      # more decay, smaller weights
assert table[0.03]["train"] >= 0.99                                                 # small λ still memorizes
assert abs(table[0.03]["test"] - table[0.0]["test"]) < 0.03                        # ...with about the same test accuracy
assert table[0.2]["train"] < 0.5 and table[0.3]["train"] < 0.2                      # large λ: hardly anything learned
assert table[0.3]["gap"] < 0.05                                                    # ...and so almost no gap
predicted = runs[0.3][0].predict(x_test).argmax(axis=1)
assert np.all(predicted == predicted[0])                                            # λ = 0.3: one class for every image
print("the gap falls from", gaps[0], "to", gaps[-1], "as λ grows from 0 to 0.3")

# %% [markdown]
# Read the table from top to bottom:
#
# * λ = 0.03 keeps the weights smaller but still memorizes the training set;
#   the test accuracy stays within a point or so (in our run slightly up).
# * λ = 0.1 (the original's value) stops the memorization and narrows the gap,
#   at the price of two points of test accuracy.
# * At λ = 0.2 and 0.3 the penalty wins: the weights collapse, and at λ = 0.3 the
#   network predicts the same class for every image (about 11 % test accuracy).
#   The gap is tiny because there is nothing left to generalize. This is
#   **underfitting**, the opposite failure. Note how abrupt the change is between
#   λ = 0.1 and 0.2.
#
# So "the gap shrinks" is a useful diagnostic but a bad objective: the goal is
# test accuracy, and the gap is smallest for a network that has learned nothing.
# Choosing λ properly needs data that is neither training nor test data — the
# validation set of chapter 5.

# %% [markdown]
# ## 3. Norms and what their penalties do to weights
#
# Weight decay penalizes the squared **L2 norm**. Two other norms appear as
# penalties too:
#
# $$\lVert w\rVert_1 = \sum_i |w_i|, \qquad
#   \lVert w\rVert_2 = \Big(\sum_i w_i^2\Big)^{1/2}, \qquad
#   \lVert w\rVert_\infty = \max_i |w_i| .$$
#
# Their **unit balls** $\{w : \lVert w\rVert \le 1\}$ in two dimensions are a
# diamond, a disc and a square. Minimizing a loss plus a penalty is
# equivalent (for a suitable radius) to minimizing the loss *inside* a ball of
# that norm (a Lagrange multiplier argument). The solution is where the loss's
# level sets first touch the ball, and the ball's shape decides where that is.
# Below, the same quadratic loss with its unconstrained minimum at (2, 1.5) is
# minimized inside each unit ball by projected gradient descent (a gradient step,
# then back to the nearest point of the ball).

# %%
def soft_threshold(v, threshold):
    """sign(v) * max(|v| - threshold, 0): the proximal step of threshold * ||.||_1."""
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


def project_l1_ball(v, radius=1.0):
    """Nearest point to v with ||w||_1 <= radius (Duchi et al. 2008): a soft threshold."""
    if np.abs(v).sum() <= radius:
        return v.copy()
    sorted_abs = np.sort(np.abs(v))[::-1]
    cumulative = np.cumsum(sorted_abs)
    k = np.arange(1, len(v) + 1)
    last = np.nonzero(sorted_abs * k > cumulative - radius)[0][-1]
    return soft_threshold(v, (cumulative[last] - radius) / (last + 1))


PROJECT = {
    "L1": project_l1_ball,
    "L2": lambda v: v / max(1.0, np.linalg.norm(v)),
    "L∞": lambda v: np.clip(v, -1.0, 1.0),
}
BALL_OUTLINE = {  # boundary of each unit ball, as (x, y) points
    "L1": np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]]).T,
    "L2": np.array([np.cos(np.linspace(0, 2 * np.pi, 200)), np.sin(np.linspace(0, 2 * np.pi, 200))]),
    "L∞": np.array([[1, 1], [-1, 1], [-1, -1], [1, -1], [1, 1]]).T,
}
center = np.array([2.0, 1.5])                  # minimum of the loss without constraint
curvature = np.array([[1.0, 0.3], [0.3, 0.5]])  # loss (w - center)^T A (w - center)


def quadratic_loss(w):
    return (w - center) @ curvature @ (w - center)


def minimize_in_ball(project, steps=500):
    w = np.zeros(2)
    step = 0.5 / np.linalg.eigvalsh(curvature).max()
    for _ in range(steps):
        w = project(w - step * 2 * curvature @ (w - center))
    return w


ball_solutions = {name: minimize_in_ball(project) for name, project in PROJECT.items()}
print({name: np.round(w, 3).tolist() for name, w in ball_solutions.items()})

# %%
grid = np.linspace(-1.6, 2.6, 200)
g1, g2 = np.meshgrid(grid, grid)
deltas = np.stack([g1 - center[0], g2 - center[1]], axis=-1)
loss_grid = np.einsum("...i,ij,...j->...", deltas, curvature, deltas)
fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), sharey=True)
for ax, (name, w) in zip(axes, ball_solutions.items()):
    ax.contour(g1, g2, loss_grid, levels=[quadratic_loss(w) * f for f in (0.25, 0.6, 1.0, 1.6, 2.5)],
               colors="0.6", linewidths=0.8)
    ax.fill(*BALL_OUTLINE[name], color=color("SGD"), alpha=0.25)
    ax.plot(*BALL_OUTLINE[name], color=color("SGD"))
    ax.plot(*center, "x", color="black", label="minimum of the loss")
    ax.plot(*w, "o", color=color("Adam"), label="minimum inside the ball")
    ax.set(title=f"{name} unit ball: w = ({w[0]:.2f}, {w[1]:.2f})", xlabel="$w_1$", aspect="equal")
    ax.axhline(0, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0, color="0.85", lw=0.6, zorder=0)
axes[0].set_ylabel("$w_2$")
axes[0].legend(loc="lower left", fontsize=8)
save_figure(fig, "04_unit_balls")
plt.show()

# %%
w_l1, w_l2, w_linf = ball_solutions["L1"], ball_solutions["L2"], ball_solutions["L∞"]
assert abs(w_l1[1]) < 1e-9 and abs(w_l1[0] - 1) < 1e-9       # L1: a corner, one weight exactly 0
assert min(abs(w_l2)) > 0.3                                   # L2: both weights non-zero, shrunk
assert np.allclose(abs(w_linf), 1.0)                          # L∞: a corner, all weights equally large

# %% [markdown]
# The corners decide. The L1 ball has its corners *on the axes*, so the level
# sets usually touch it at a corner, where some coordinates are exactly zero:
# L1 produces **sparse** weights. The L2 ball is round, with no preferred
# point; the solution keeps both coordinates and just shrinks them. The L∞
# ball has its corners on the diagonals, where all coordinates have the same
# magnitude: L∞ pulls the largest weights down to a common level. What it does
# to the smaller ones is not fixed by the ball; the next example shows that they
# can move either way.
#
# ### The same effect on a small model
#
# Now a model with 20 weights: linear regression $y = Xw + \text{noise}$ on 50
# samples, where only 4 of the 20 features matter. We minimize
# $\frac{1}{2n}\lVert Xw - y\rVert^2 + \text{penalty}(w)$ with
# **proximal gradient descent**: a gradient step on the data term, then the
# *proximal step* of the penalty, which solves
# $\min_w \tfrac12\lVert w - v\rVert^2 + \eta\,\text{penalty}(w)$ exactly:
#
# * L2, $\frac\lambda2\lVert w\rVert_2^2$: $w = v/(1+\eta\lambda)$, a uniform
#   shrink, like weight decay's factor $1-\eta\lambda$;
# * L1, $\lambda\lVert w\rVert_1$: the **soft threshold**
#   $w_i = \operatorname{sign}(v_i)\max(|v_i| - \eta\lambda, 0)$, which sets every
#   small weight to exactly zero;
# * L∞, $\lambda\lVert w\rVert_\infty$: $w = v - \eta\lambda\,P_1(v/\eta\lambda)$
#   with $P_1$ the projection onto the L1 unit ball (Moreau's decomposition);
#   it clips the largest weights to a common magnitude.
#
# The step size is $\eta = 1/L$, where $L$ is the largest eigenvalue of
# $X^\top X/n$ (the classic safe step for this loss).

# %%
rng = np.random.default_rng(4)
n_samples, n_features = 50, 20
X = rng.standard_normal((n_samples, n_features))
w_true = np.zeros(n_features)
relevant = rng.choice(n_features, 4, replace=False)
w_true[relevant] = [3.0, -2.0, 1.5, -1.0]
y = X @ w_true + 0.5 * rng.standard_normal(n_samples)
step = n_samples / np.linalg.norm(X, 2) ** 2


def prox_linf(v, threshold):
    return v - threshold * project_l1_ball(v / threshold)


PROX = {  # name: (lambda, proximal step of lambda * penalty for a step size eta)
    "none": (0.0, lambda v, t: v),
    "L1": (0.3, soft_threshold),
    "L2": (0.3, lambda v, t: v / (1.0 + t)),
    "L∞": (3.0, prox_linf),
}


def fit_proximal(prox, lam, steps=1000):
    w = np.zeros(n_features)
    for _ in range(steps):
        grad = X.T @ (X @ w - y) / n_samples
        w = prox(w - step * grad, step * lam)
    return w


weights = {name: fit_proximal(prox, lam) for name, (lam, prox) in PROX.items()}
NEAR_ZERO = 1e-3
near_zero = {name: int(np.sum(np.abs(w) < NEAR_ZERO)) for name, w in weights.items()}
print("weights with |w| < 0.001 (16 of the 20 features are irrelevant):", near_zero)

# %%
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2), sharey=True)
for ax, (name, w) in zip(axes, weights.items()):
    lam = PROX[name][0]
    ax.bar(np.arange(n_features), w, color=color("SGD"))
    ax.plot(np.arange(n_features), w_true, "o", mfc="none", color=color("Adam"), markersize=5, label="true weight")
    ax.set(title=f"{name}" + (f", λ = {lam}" if lam else " (least squares)"), xlabel="feature index")
    ax.axhline(0, color="black", lw=0.6)
axes[0].set_ylabel("weight")
axes[0].legend(fontsize=8)
save_figure(fig, "04_penalty_weights")
plt.show()

# %%
assert near_zero["L1"] >= 14 and near_zero["L2"] == 0 and near_zero["none"] == 0   # L1 is sparse, L2 is not
assert np.all(weights["L1"][relevant] != 0)                 # ...and keeps the 4 features that matter
assert np.sum(weights["L1"] == 0) >= 14                      # exact zeros, not just small numbers
largest = np.sort(np.abs(weights["L∞"]))[-4:]
assert largest.max() - largest.min() < 1e-6, largest         # L∞: the 4 largest weights share one magnitude
print({"exact zeros with L1": int(np.sum(weights["L1"] == 0)),
       "common magnitude of the 4 largest with L∞": round(float(largest.max()), 3)})

least_squares = weights["none"]
length = {name: float(np.linalg.norm(weights[name])) for name in ("none", "L2")}
grew = {name: int(np.sum(np.abs(weights[name]) > np.abs(least_squares))) for name in ("L2", "L∞")}
assert length["L2"] < length["none"], length                                      # L2 shrinks the vector...
assert np.all(np.abs(weights["L2"][relevant]) < np.abs(least_squares[relevant]))  # ...and the 4 weights that matter,
assert grew == {"L2": 9, "L∞": 12}, grew                                         # ...but not every weight (nor L∞)
eigenvalues, eigenvectors = np.linalg.eigh(X.T @ X / n_samples)
direction_shrink = eigenvalues / (eigenvalues + PROX["L2"][0])                     # s / (s + λ), each below 1
assert np.allclose(eigenvectors.T @ weights["L2"], direction_shrink * (eigenvectors.T @ least_squares))
print({"||w||_2 least squares": round(length["none"], 3), "||w||_2 with L2": round(length["L2"], 3),
       "weights larger in magnitude than least squares": grew,
       "shrink factors along the eigenvectors": [round(float(direction_shrink.min()), 2),
                                                 round(float(direction_shrink.max()), 2)]})

# %% [markdown]
# The picture matches the geometry: L1 keeps the four relevant features and sets
# the other sixteen to exactly zero (feature selection, the "lasso" of
# Tibshirani 1996). L2 zeroes none and shrinks the weight vector as a whole:
# its length falls from 4.14 to 2.94 and all four relevant weights shrink. It
# does not shrink every weight, though: 9 of the 20, all of them irrelevant,
# come out *larger* in magnitude than without a penalty. Only the proximal step
# $v/(1+\eta\lambda)$ is a uniform shrink; the fitted solution balances it
# against the data term. Along each eigenvector of $X^\top X/n$, with
# eigenvalue $s$, the L2 solution is the least-squares one times
# $s/(s+\lambda)$ (here between 0.33 and 0.89): every *direction* shrinks,
# those the data pin down least the most, and a single weight, which mixes
# several directions, can grow. L∞ caps the four largest at one common
# magnitude and moves the others either way: 12 of the 20 grow.
#
# The zeros come from the proximal step. Plain (sub)gradient descent on
# $\lambda\lVert w\rVert_1$, which uses $\lambda\operatorname{sign}(w)$ as the
# gradient, pushes small weights towards zero but jumps across it step after
# step; with a decreasing step size they end *near* zero, not at it:

# %%
def fit_subgradient_l1(lam, steps=3000):
    w = np.zeros(n_features)
    for k in range(steps):
        grad = X.T @ (X @ w - y) / n_samples + lam * np.sign(w)
        w = w - step / np.sqrt(1 + k) * grad
    return w


w_subgradient = fit_subgradient_l1(0.3)
irrelevant = np.setdiff1d(np.arange(n_features), relevant)
assert np.all(np.abs(w_subgradient[irrelevant]) < 0.01)   # nearly zero...
assert np.sum(w_subgradient == 0) <= 2                    # ...but (almost) never exactly zero
print({"largest irrelevant weight": round(float(np.abs(w_subgradient[irrelevant]).max()), 4),
       "exact zeros": int(np.sum(w_subgradient == 0))})

# %% [markdown]
# In a neural network trained by SGD, an L1 penalty therefore gives many
# *small* weights rather than exact zeros, unless the update includes the soft
# threshold. Weight decay (L2) remains the usual choice for networks: it is
# smooth and cheap; with plain SGD it multiplies all weights by the same factor
# $1-\eta\lambda$ at every step.
#
# ### The penalties as prior beliefs
#
# A penalty can also be read as a belief about the weights held before seeing
# any data, a **prior**: minimizing the average cross-entropy over $N$ images
# plus $\frac\lambda2\lVert w\rVert_2^2$ finds the most probable weights given
# the data (the **MAP estimate**, maximum a posteriori) when each weight is
# believed to be drawn from a Gaussian with mean 0 and variance $1/(N\lambda)$,
# because the penalty is, up to a constant and the factor $N$, the negative log
# of that density. The same reasoning turns $\lambda\lVert w\rVert_1$ into a
# **Laplace prior**, density $\propto e^{-N\lambda|w|}$, whose sharp peak at 0 is
# the probabilistic face of the L1 ball's corners (Goodfellow et al. 2016,
# sections 5.6.1 and 7.1.2).
#
# ## 4. Dropout
#
# **Dropout** (Hinton et al. 2012; Srivastava et al. 2014) attacks overfitting
# from another side. In every training step, each hidden unit is switched off
# with probability $p$ (the `dropout_ratio`): its output is multiplied by a
# random mask $m \in \{0, 1\}$ with $P(m = 1) = 1 - p$. The network cannot rely
# on any single unit, because that unit may be missing in the next step. At
# inference no unit is dropped, so the layer must compensate for the fact that
# all units are now present. There are two ways:
#
# * the original book (and the first dropout papers): train with $h \cdot m$, and
#   at inference output $(1-p)\,h$, the expected value of $h \cdot m$;
#   `Dropout(inverted=False)`;
# * **inverted dropout** (today's libraries): train with $h \cdot m / (1-p)$,
#   whose expected value is $h$, and at inference output $h$ unchanged;
#   `Dropout(inverted=True)`, our default.
#
# In both cases the training output equals the inference output *in
# expectation*. Here is one layer with $p = 0.2$ on ten units:

# %%
h = np.arange(1.0, 11.0).reshape(1, 10)
for inverted in (False, True):
    layer = Dropout(0.2, inverted=inverted, rng=np.random.default_rng(2))
    print(f"inverted={inverted!s:<5}  train:", layer.forward(h, train=True).round(2).ravel().tolist())
    print(f"{'':15}  inference:", layer.forward(h, train=False).round(2).ravel().tolist())

# %% [markdown]
# The same mask (same seed) drops two of the ten units, those holding 3 and 8,
# in both conventions. The kept units are left as they are (original) or
# multiplied by 1/0.8 = 1.25 (inverted); at inference the original multiplies
# everything by 0.8 and the inverted version changes nothing.
#
# **Check: equal in expectation.** We push one vector of 100 activations through
# 20000 independent masks and compare the mean of the training outputs with the
# inference output. Each unit's mean has a relative standard error of
# $\sqrt{p/(1-p)}/\sqrt{20000} \approx 0.35\,\%$, so we allow a relative error of
# 1 % (about three standard errors) for the whole vector.

# %%
activations = np.abs(np.random.default_rng(5).standard_normal((1, 100)))
repeated = np.repeat(activations, 20000, axis=0)     # 20000 rows = 20000 masks
TOLERANCE = 0.01
expectation_error = {}
for inverted in (False, True):
    layer = Dropout(0.2, inverted=inverted, rng=np.random.default_rng(6))
    mean_train = layer.forward(repeated, train=True).mean(axis=0)
    inference = layer.forward(activations, train=False).ravel()
    expectation_error[f"inverted={inverted}"] = float(np.linalg.norm(mean_train - inference)
                                                      / np.linalg.norm(inference))
assert all(error < TOLERANCE for error in expectation_error.values()), expectation_error
print({k: round(v, 4) for k, v in expectation_error.items()}, "both below", TOLERANCE)

# %% [markdown]
# ### Equal in expectation, different in training
#
# The two conventions are not interchangeable during training, though. In the
# original convention, every training-mode dropout layer passes on only 80 % of
# the signal *on average*; after six of them, the scores reaching the softmax are
# $0.8^6 \approx 0.26$ times those of the inverted network with the same weights
# and masks. Smaller scores mean a flatter softmax and smaller gradients in the
# early layers: with the same η, the original convention takes smaller steps.

# %%
def make_dropout_net(inverted):
    return build_network(dropout_run(inverted))


batch_x, batch_t = x_small[:100], t_small[:100]
probe_original, probe_inverted = make_dropout_net(False), make_dropout_net(True)  # same weights, same masks
scores_original = probe_original.predict(batch_x, train=True)
scores_inverted = probe_inverted.predict(batch_x, train=True)
score_ratio = float(np.linalg.norm(scores_original) / np.linalg.norm(scores_inverted))
assert abs(score_ratio - 0.8 ** 6) < 1e-3, score_ratio
_, grads_original = probe_original.loss_and_gradient(batch_x, batch_t)
_, grads_inverted = probe_inverted.loss_and_gradient(batch_x, batch_t)
gradient_ratio = float(np.linalg.norm(grads_original["W1"]) / np.linalg.norm(grads_inverted["W1"]))
assert gradient_ratio < 0.5, gradient_ratio
print({"score ratio (original / inverted)": round(score_ratio, 4), "0.8^6": round(0.8 ** 6, 4),
       "||dW1|| ratio": round(gradient_ratio, 3)})

# %% [markdown]
# (Biases start at zero and ReLU satisfies $\mathrm{relu}(ax) = a\,\mathrm{relu}(x)$
# for $a > 0$, so at initialization the ratio is exactly $0.8^6$.)
#
# ### Dropout at the original settings
#
# As in the original: dropout ratio 0.2 after every hidden layer, the original
# scaling (`dropout_inverted=False`), the same 300 images and network, SGD
# η = 0.01, and "301 epochs". The original's 301 are again evaluations; we train
# 300 epochs, which gives 301 points (900 updates against the original's 903).
#
# To see the training-speed difference, we also train the inverted version with
# the same seeds, evaluating only every 25 epochs to save time.
#
# **Predict before you run.** Will the dropout network reach 100 % training
# accuracy in 300 epochs?

# %%
# NBVAL_TOLERANCE abs=0.03
dropout_runs = [dropout_run(inverted=False), dropout_run(inverted=True, evaluate_every=25)]
(_, history_dropout, net_dropout), (_, history_inverted, net_inverted) = run_parallel(
    train_run, dropout_runs, shared=MNIST, description="dropout")
print("dropout 0.2, original scaling:", final(history_dropout))
print("dropout 0.2, inverted:        ", final(history_inverted))

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
plot_accuracy(ax, history_plain, "no regularization", linestyle="--", alpha=0.45)
plot_accuracy(ax, history_dropout, "dropout 0.2, original scaling")
plot_accuracy(ax, history_inverted, "dropout 0.2, inverted", linestyle=":", marker="o")
ax.set(title="Dropout (ratio 0.2) against no regularization", xlabel="epoch", ylabel="accuracy",
       ylim=(0, 1.02))
ax.legend(loc="lower right", fontsize=7)
save_figure(fig, "04_dropout")
plt.show()

# %%
# NBVAL_TOLERANCE abs=0.03
shrink_dropout = gap(history_plain) - gap(history_dropout)
assert history_dropout["train_acc"][-1] < 0.9                      # no memorization in 300 epochs
assert shrink_dropout > 0.08, shrink_dropout                       # dropout shrinks the gap
assert history_inverted["train_acc"][-1] > history_dropout["train_acc"][-1] + 0.2  # inverted learns faster
assert abs(gap(history_inverted) - gap(history_plain)) < 0.05       # ...and ends with almost the plain gap
plain_gap_100 = history_plain["train_acc"][100] - history_plain["test_acc"][100]
assert abs(plain_gap_100 - gap(history_plain)) < 0.03                # the plain gap is stable after epoch 100
print({"gap without": approx(gap(history_plain), 3), "gap with dropout": approx(gap(history_dropout), 3),
       "shrink": approx(shrink_dropout, 3)})

# %% [markdown]
# With the original scaling, the training accuracy rises slowly and stays far
# from 100 %, and the gap is about half of the unregularized one. (The
# unregularized run stopped at epoch 200, but its gap has hardly moved since
# epoch 100, so comparing end points is fair.) But again, look
# at the test accuracy: it is *lower* than without dropout, and still rising.
# Part of the smaller gap is simply that this network has not finished learning.
# A fairer comparison takes the unregularized run at the epoch where it had the
# same training accuracy:

# %%
# NBVAL_TOLERANCE abs=0.03 rel=0.1
dropout_train = history_dropout["train_acc"][-1]
matched = next(i for i, acc in enumerate(history_plain["train_acc"]) if acc >= dropout_train)
matched_gap = history_plain["train_acc"][matched] - history_plain["test_acc"][matched]
print({"epoch of the plain run with the same train accuracy": approx(history_plain["epochs"][matched], 0),
       "its train accuracy": approx(history_plain["train_acc"][matched], 3),
       "its gap": approx(matched_gap, 3), "dropout's gap": approx(gap(history_dropout), 3)})
assert abs(matched_gap - gap(history_dropout)) < shrink_dropout / 2   # most of the shrink is slower fitting

# %% [markdown]
# At equal training accuracy the two gaps are much closer (about 0.15 against
# 0.13): with 300 images, a
# dropout ratio of 0.2 and this learning rate, most of what dropout buys here is
# slower fitting. The inverted version, whose larger effective steps we measured
# above, fits the training set almost completely in the same 300 epochs, and its
# gap ends close to the unregularized one. Dropout pays off more clearly with
# wider networks, more data and longer training, where it is a standard tool;
# this experiment is deliberately small.
#
# ### Dropout as an implicit ensemble
#
# Every mask defines a *thinned* network, a subnetwork with some units removed;
# with 600 hidden units there are $2^{600}$ of them, all sharing one set of
# weights. Training with dropout trains a random member of this family at each
# step. An **ensemble** would average the predictions of all members; the scaled
# network at inference is a one-pass approximation of that average (the *weight
# scaling inference rule*, as Goodfellow et al. 2016 call it).
#
# We can test the approximation directly on the dropout network we just trained:
# average the softmax outputs of $K$ masked forward passes (training mode) and
# compare with the scaled network's softmax output, on 500 test images.

# %%
# NBVAL_TOLERANCE rel=0.05
x_probe = x_test[:500]
probs_scaled = softmax(net_dropout.predict(x_probe, train=False).astype(np.float64))
mask_counts = [1, 2, 4, 8, 16, 32, 64, 128, 256]
running_sum = np.zeros_like(probs_scaled)
difference, agreement = {}, {}
for k in range(1, mask_counts[-1] + 1):
    running_sum += softmax(net_dropout.predict(x_probe, train=True).astype(np.float64))
    if k in mask_counts:
        average = running_sum / k
        difference[k] = float(np.mean(np.abs(average - probs_scaled)))
        agreement[k] = float(np.mean(average.argmax(axis=1) == probs_scaled.argmax(axis=1)))
print({k: approx(difference[k], 4) for k in mask_counts})
print({k: approx(agreement[k], 3) for k in mask_counts})

# %%
fig, (ax_diff, ax_agree) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
ax_diff.loglog(mask_counts, [difference[k] for k in mask_counts], "o-", color=color("SGD"))
ax_diff.set(title="Average of K thinned networks vs scaled network",
            xlabel="number of masks K", ylabel="mean |difference| of softmax outputs")
ax_agree.semilogx(mask_counts, [agreement[k] for k in mask_counts], "o-", color=color("SGD"))
ax_agree.set(title="Agreement with the scaled network", xlabel="number of masks K",
             ylabel="fraction of the 500 test images", ylim=(0.5, 1.0))
save_figure(fig, "04_dropout_ensemble")
plt.show()

# %%
# NBVAL_TOLERANCE rel=0.05
assert difference[16] < difference[1] and difference[256] < 0.6 * difference[1], difference  # it approaches
assert agreement[256] >= 0.85 and agreement[1] < 0.75, agreement  # many masks agree on the class, one does not
print({"difference K=1": approx(difference[1], 4), "difference K=256": approx(difference[256], 4),
       "agreement K=256": approx(agreement[256], 3)})

# %% [markdown]
# One thinned network alone (K = 1) picks a different class from the scaled
# network on about a third of the images; the average of 256 thinned networks
# agrees with it on about 90 %, and the mean difference of the softmax outputs
# halves. It levels off instead of falling to zero: the random part of the
# difference shrinks like $1/\sqrt K$, but the network is nonlinear, so the
# scaled network is an approximation of the ensemble's mean, not the mean
# itself, and that systematic part remains. (With a single hidden layer
# feeding a softmax output, the scaled network's prediction is exactly the
# renormalized *geometric* mean of all members' predictions; Hinton et al.
# 2012.) The approximation is what makes dropout cheap: one forward pass at
# test time instead of hundreds.
#
# ### Five seeds: what weight decay and dropout did, and did not do
#
# Every MNIST comparison in this chapter so far rests on one seed: one
# draw of initial weights, of mini-batches and of dropout masks. We train the
# plain network, λ = 0.1 and dropout at the original settings again from four
# more seeds, evaluating only after the last epoch (which does not change
# the training), and look at the two claims of the chapter: each narrows the
# gap, and neither raises the test accuracy.

# %%
# NBVAL_TOLERANCE abs=0.03
SEEDS_5 = seed_pairs(5)                                  # (0, 1) is the runs above
more_runs = [run for seeds in SEEDS_5[1:] for run in
             overfit_weight_decay(lambdas=(0.0, 0.1), epochs=200, evaluate_every=200, seeds=[seeds])
             + overfit_dropout(inverted=(False,), epochs=300, evaluate_every=300, seeds=[seeds])]
labels = {"λ = 0.0": "no regularization", "λ = 0.1": "weight decay λ = 0.1",
          "dropout, original scaling": "dropout 0.2"}
repeated = run_parallel(train_run, more_runs, shared=MNIST, description="seeds")
more_test = by_label(repeated, lambda result: result.history["test_acc"][-1])
more_gap = by_label(repeated, lambda result: gap(result.history))
first = dict(zip(labels, (history_plain, history_decay, history_dropout)))   # seed 0: the runs above
seed_test = {labels[run]: np.r_[first[run]["test_acc"][-1], more_test[run]] for run in labels}
seed_gap = {labels[run]: np.r_[gap(first[run]), more_gap[run]] for run in labels}
print("gap (train - test accuracy) over 5 seeds:")
print(seed_summary(seed_gap))
print("test accuracy:")
print(seed_summary(seed_test))

plain_gap, plain_test = seed_gap["no regularization"], seed_test["no regularization"]
for label in ("weight decay λ = 0.1", "dropout 0.2"):
    assert np.all(seed_gap[label] < plain_gap - 0.03), label     # every seed: a smaller gap...
    assert np.all(seed_test[label] < plain_test), label          # ...and a lower test accuracy

# %% [markdown]
# Seed by seed, both regularizers narrow the gap, and in every seed the test
# accuracy ends *lower* than without them, by two to seven points for
# weight decay and by more than twenty for dropout at the original settings
# (it has not finished fitting). With 300 images, neither of the two classic
# regularizers made the network better on new images; they made its training
# score a more honest forecast. Both *constrain* the network; neither gives it
# anything new to learn from. The next section does.
#
# ## 5. Data augmentation: new images from old ones
#
# The real limit of this experiment is the 300 images. **Data augmentation**
# makes more of them: it trains on random changes of the training images that
# keep their labels. A 3 shifted two pixels to the left, or turned by eight
# degrees, is still a 3. LeCun et al. (1998) already trained their MNIST
# networks on distorted copies of the training digits, and Simard et al. (2003)
# made such distortions a standard tool for handwriting.
#
# We use two changes, both in `common/augmentation.py` (numpy only, a whole
# batch at once):
#
# * a **shift** by whole pixels, $x'_{i,j} = x_{i-d_y,\,j-d_x}$ (0 where that is
#   outside the frame), with $d_x$ and $d_y$ drawn uniformly from
#   $\{-2, \dots, 2\}$;
# * a **rotation** about the centre by an angle drawn uniformly from
#   $[-10°, 10°]$: each output pixel takes the input's value at the point that
#   the rotation moves onto it, interpolated between the four pixels around
#   that point (bilinear interpolation).
#
# `augment(x, rng, max_shift=2, max_degrees=10)` rotates each image of a batch
# and then shifts it, with its own random draw. The Trainer calls it on every
# training mini-batch (`Trainer(augment=...)`), so the network practically
# never sees the same image twice: every epoch brings 300 new variants of the
# 300 digits. Evaluation sees the images as they are. Here are six training
# digits and five random variants of each:

# %%
AUGMENT = partial(augment, max_shift=2, max_degrees=10)   # picklable: it can travel to worker processes
examples = x_small[:6]
variants = [AUGMENT(examples, np.random.default_rng(seed)) for seed in range(5)]   # five independent draws
fig, axes = plt.subplots(len(examples), 1 + len(variants), figsize=(6.2, 7.4))
for row in range(len(examples)):
    for col, images in enumerate([examples, *variants]):
        axes[row, col].imshow(images[row].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        axes[row, col].set(xticks=[], yticks=[])
    axes[row, 0].set_ylabel(f"label {t_small[row]}")
axes[0, 0].set_title("original", fontsize=9)
for col in range(1, 1 + len(variants)):
    axes[0, col].set_title(f"variant {col}", fontsize=9)
fig.suptitle("Random shifts (up to 2 pixels) and rotations (up to 10°)")
save_figure(fig, "04_augmented_digits")
plt.show()
assert all(v.shape == examples.shape and v.dtype == examples.dtype for v in variants)
assert all(not np.array_equal(v, examples) for v in variants)   # each draw changes the batch

# %% [markdown]
# The digits in `images/04_augmented_digits.png` move and tilt a little; none
# becomes another digit. (A 6 turned by 180° would be a 9: the changes must be
# small enough to keep the label.)
#
# We train the network of section 1 on the same 300 images, from the same five
# seeds as above, with augmentation and otherwise unchanged. One thing does
# change: a network that never sees the same image twice fits its training
# data more slowly (after 200 epochs it is still short of 95 % training
# accuracy, where the plain network had memorized everything), so we train
# **300 epochs** (900 updates). Augmentation is not free, either: the random
# shifts and rotations of a batch cost about as much time as the update
# itself. The first seed evaluates every 20 epochs, for the figure; the other
# four only at the end (evaluation does not change training).
#
# **Predict before you run.** Weight decay and dropout narrowed the gap by
# lowering the training accuracy. What will augmentation do to the training
# accuracy, and to the test accuracy?

# %%
# NBVAL_TOLERANCE abs=0.03
AUGMENTED_EPOCHS = 300
augmented_runs = [replace(run, label="data augmentation", trainer={
                      **run.trainer, "augment": AUGMENT, "evaluate_every": 20 if k == 0 else AUGMENTED_EPOCHS})
                  for k, run in enumerate(overfit_weight_decay(lambdas=(0.0,), epochs=AUGMENTED_EPOCHS,
                                                               seeds=SEEDS_5))]
augmented = run_parallel(train_run, augmented_runs, shared=MNIST, description="augmentation")
history_augmented = augmented[0].history                          # the first seed, every 20 epochs
seed_test["data augmentation"] = np.array([result.history["test_acc"][-1] for result in augmented])
seed_gap["data augmentation"] = np.array([gap(result.history) for result in augmented])
augmented_train = np.array([result.history["train_acc"][-1] for result in augmented])
compared = ("no regularization", "data augmentation")
print("test accuracy over 5 seeds:")
print(seed_summary({label: seed_test[label] for label in compared}))
print("gap (train - test accuracy):")
print(seed_summary({label: seed_gap[label] for label in compared}))
print("train accuracy with augmentation (on the 300 original images):")
print(seed_summary({"data augmentation": augmented_train}))

# %%
# NBVAL_TOLERANCE abs=0.03
augmentation_gain = seed_test["data augmentation"] - plain_test
assert np.all(augmentation_gain > 0.02), augmentation_gain         # every seed: a higher test accuracy...
assert augmentation_gain.mean() > 0.05, augmentation_gain          # ...by several points on average
for label in ("weight decay λ = 0.1", "dropout 0.2"):               # ...where weight decay and dropout lowered it
    assert np.all(seed_test["data augmentation"] > seed_test[label] + 0.05), label
assert np.all(seed_gap["data augmentation"] < plain_gap - 0.05)     # the gap narrows too
assert np.all(augmented_train < 0.995)                              # the 300 originals are not memorized
plain_late_gain = history_plain["test_acc"][-1] - history_plain["test_acc"][150]
assert plain_late_gain < 0.015                                      # the plain run crawls: 50 epochs, < 0.015
train_at_200 = history_augmented["train_acc"][history_augmented["epochs"].index(200)]
assert train_at_200 < 0.95, train_at_200                            # augmented data are fitted more slowly
print({"mean gain in test accuracy": approx(augmentation_gain.mean(), 3),
       "smallest gain of one seed": approx(augmentation_gain.min(), 3),
       "plain run, test gain from epoch 150 to 200": approx(plain_late_gain, 3),
       "first seed with augmentation, train accuracy at epoch 200": approx(train_at_200, 3)})

# %%
methods = ["no regularization", "weight decay λ = 0.1", "dropout 0.2", "data augmentation"]
fig, (ax_curve, ax_seeds) = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
plot_accuracy(ax_curve, history_plain, "no regularization", linestyle="--", alpha=0.45)
plot_accuracy(ax_curve, history_augmented, "augmentation", marker="o")
ax_curve.set(title="First seed: with and without augmentation", xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
ax_curve.legend(loc="lower right", fontsize=7)
for position, label in enumerate(methods):
    values = seed_test[label]
    ax_seeds.plot(np.full(len(values), position), values, "o", color=color("test"), alpha=0.5)
    ax_seeds.errorbar(position, values.mean(), yerr=values.std(ddof=1), fmt="_", markersize=20, capsize=6,
                      color="black")
ax_seeds.set_xticks(range(len(methods)), ["none", "weight decay\nλ = 0.1", "dropout 0.2", "augmentation"])
ax_seeds.set(title="Test accuracy, 5 seeds (mean ± sd)", ylabel="test accuracy")
save_figure(fig, "04_augmentation")
plt.show()

# %% [markdown]
# Augmentation is the first method in this chapter that makes the network
# better on new images: over five seeds the test accuracy rises from about 0.75
# to about 0.82, in every seed, by four to nine points. The gap narrows too,
# but *the other way round* from weight decay and dropout: the test accuracy
# came up, and the training accuracy (measured on the 300 originals) stayed
# high, about 0.95. The extra 100 epochs do not explain it: in its last 50
# epochs the plain run's test accuracy (first seed) rose by less than 0.015,
# a crawl next to gains of four to nine points, because once its 300 images
# are memorized their gradients are nearly zero.
#
# The difference is information. Weight decay and dropout express a preference
# (small weights, redundant units) and can only trade training accuracy for
# robustness. Augmentation adds knowledge that the data did not contain: that a
# digit's class does not change when it moves by a pixel or tilts a little.
# Where such knowledge exists, it is usually worth more than any penalty; where
# it is wrong (a flip that turns a 2 into a mirrored 2, a rotation that turns a
# 6 into a 9), it teaches the network wrong answers.
#
# ## 6. Early stopping, chosen on validation data
#
# **Early stopping** treats the number of epochs as a hyperparameter: keep the
# weights of the epoch where the accuracy on held-out data was best.
# Exercise 4 below picks that epoch by looking at the test accuracy and
# explains why that is cheating. Here is the honest procedure. The held-out
# data are **validation data**: images that are neither trained on nor used
# for the final test. We take the 1000 training images after the first 300
# (`Run(n_validation=1000)`), evaluate on them and on the test set every 10
# epochs, choose the epoch by the validation accuracy alone, and only then
# read off the test accuracy at that epoch. (Keeping the weights of every
# evaluated epoch, or training again to the chosen epoch with the same seeds,
# gives that network; the Trainer records the accuracies, which is all we
# need here.)
#
# On section 1's clean labels there is little to stop: the test accuracy
# never fell. Its last value is its best, or nearly:

# %%
# NBVAL_TOLERANCE abs=0.03
clean_best, clean_last = max(history_plain["test_acc"]), history_plain["test_acc"][-1]
assert clean_best - clean_last < 0.01        # clean labels: the end is (nearly) the best epoch
print({"best test accuracy of section 1's run": approx(clean_best, 3), "at epoch 200": approx(clean_last, 3)})

# %% [markdown]
# Early stopping pays when the later epochs learn something harmful. We give
# the network something harmful to learn: 90 of the 300 training labels (30 %)
# are replaced by another class, drawn at random (**label noise**). The
# validation and test labels stay correct. A network that can memorize 300
# images can memorize wrong labels too (Zhang et al. 2017 fitted even
# completely random labels), but it learns the patterns shared by many
# examples first and the exceptions later (Arpit et al. 2017). So the test
# accuracy should rise while the network learns the digits and fall while it
# learns the wrong labels.

# %%
N_WRONG, SEED_NOISE = 90, 12
noise_rng = np.random.default_rng(SEED_NOISE)
wrong = noise_rng.choice(300, N_WRONG, replace=False)
t_noisy = t_train.copy()
t_noisy[wrong] = (t_train[wrong] + noise_rng.integers(1, 10, N_WRONG)) % 10   # another class, never the right one
assert np.sum(t_noisy != t_train) == N_WRONG and np.array_equal(t_noisy[300:], t_train[300:])
print(f"{N_WRONG} of the 300 training labels are wrong; the validation and test labels are correct")

# %% [markdown]
# **Predict before you run.** At which epochs will the validation accuracy
# peak? And the training accuracy, measured on the noisy labels?

# %%
# NBVAL_TOLERANCE abs=0.03
noisy_runs = [replace(run, label="30 % wrong labels", n_validation=1000)
              for run in overfit_weight_decay(lambdas=(0.0,), epochs=200, evaluate_every=10, seeds=SEEDS_5)]
noisy = [result.history for result in run_parallel(train_run, noisy_runs, shared=(x_train, t_noisy, x_test, t_test),
                                                   description="wrong labels")]


def chosen(history, split):
    """Index of the first evaluation with the highest accuracy on ``split`` ('validation' or 'test')."""
    return int(np.argmax(history[f"{split}_acc"]))


stopped_honest = np.array([h["test_acc"][chosen(h, "validation")] for h in noisy])    # epoch chosen on validation
stopped_on_test = np.array([h["test_acc"][chosen(h, "test")] for h in noisy])         # chosen on test: the best
noisy_last = np.array([h["test_acc"][-1] for h in noisy])
noisy_train = np.array([h["train_acc"][-1] for h in noisy])
print(seed_summary({"train accuracy on the noisy labels, epoch 200": noisy_train,
                    "test accuracy, epoch 200": noisy_last,
                    "test accuracy, epoch chosen on validation": stopped_honest,
                    "test accuracy, epoch chosen on test": stopped_on_test}))
print("gain of stopping on validation, and the overstatement of choosing on test:")
print(seed_summary({"chosen on validation - epoch 200": stopped_honest - noisy_last,
                    "chosen on test - chosen on validation": stopped_on_test - stopped_honest}))
assert np.all(noisy_train > 0.95)                           # the wrong labels are memorized too...
assert np.all(stopped_honest > noisy_last + 0.01)           # ...and stopping early, on validation, beats the end
assert (stopped_honest - noisy_last).mean() > 0.015
assert np.all(stopped_on_test >= stopped_honest)            # choosing on test can only report more...
assert (stopped_on_test - stopped_honest).mean() < 0.02     # ...here a little more

# %%
# NBVAL_TOLERANCE abs=60
epoch_of = {split: [h["epochs"][chosen(h, split)] for h in noisy] for split in ("validation", "test")}
print(seed_summary({f"epoch chosen on {split}": epochs for split, epochs in epoch_of.items()}, digits=0))
assert all(50 <= epoch <= 180 for epoch in epoch_of["validation"])   # before the end of training

# %%
fig, ax = plt.subplots(figsize=FIGSIZE)
epochs = np.array(noisy[0]["epochs"])
for split, name in (("train", "train (noisy labels)"), ("validation", "validation"), ("test", "test")):
    curves = np.array([h[f"{split}_acc"] for h in noisy])
    ax.plot(epochs, curves.mean(axis=0), color=color(split), label=f"{name}, mean of 5 seeds")
    ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=color(split), alpha=0.2)
ax.plot(epoch_of["validation"], stopped_honest, "o", color="black", markersize=5,
        label="test accuracy at the epoch chosen on validation")
ax.set(title="30 % wrong training labels: stop where validation peaks", xlabel="epoch", ylabel="accuracy",
       ylim=(0, 1.02))
ax.legend(loc="lower right", fontsize=7)
save_figure(fig, "04_early_stopping")
plt.show()

# %% [markdown]
# The network ends up fitting almost all 300 labels, the 90 wrong ones
# included, and pays for it: the test accuracy peaks near 0.6 around epoch
# 100 and then falls by a few points (`images/04_early_stopping.png`; the
# bands span the five seeds). The validation accuracy, on images the choice
# is allowed to see, peaks at similar epochs, between about 90 and 150, so
# stopping where it peaks raises the final test accuracy in every seed, by
# about 2.5 points on average. Here early stopping is a regularizer that
# improves accuracy on new data, at the price of 1000 held-out images; with
# clean labels it would have changed little.
#
# **Why choosing on test is optimistic.** The test accuracy at the epoch chosen
# on the test data is, by construction, the largest of 21 test readings: it can
# never be below the honest number and is above it whenever the two data sets
# disagree about the epoch. Part of each reading is luck: 10000 test images
# measure an accuracy near 0.6 only to about
# $\sqrt{0.6 \cdot 0.4 / 10000} \approx 0.005$ (one binomial standard
# deviation), and the maximum picks the luckiest. Here the overstatement is
# small, below 0.02 on average and zero in the seeds where both data sets
# pick the same epoch, because the peak is clear and the test set is large. It grows with the number of choices made on the same data: in
# chapter 5 the five best of many hyperparameter trials score lower on average
# when they are trained again from new seeds. And the size is not the point:
# once the test set has chosen something, no unbiased estimate of the accuracy
# on new data is left.
#
# ## 7. Weight decay with Adam: an L2 penalty, or decoupled decay (AdamW)
#
# Section 2 used a fact of plain SGD: adding $\lambda W$ to the gradient and
# multiplying $W$ by $1-\eta\lambda$ are the same step. With Adam they are not
# (Loshchilov & Hutter 2019). Adam divides each weight's step by the root of
# the running mean of its squared gradients (chapter 1):
#
# $$w_i \leftarrow w_i - \eta\,\frac{\hat m_i}{\sqrt{\hat v_i} + \epsilon} .$$
#
# With an L2 penalty, the penalty's gradient $\lambda w_i$ enters $\hat m_i$ and
# $\hat v_i$ like any other gradient, and so it is divided by $\sqrt{\hat v_i}$
# as well. A weight whose data gradients have been large is hardly decayed; a
# weight whose data gradients have been small is decayed hard. In the extreme,
# a weight with no data gradient at all has $g_i = \lambda w_i$, so
# $\hat m_i / \sqrt{\hat v_i} \approx \operatorname{sign}(w_i)$: it moves by
# about $\eta$ towards 0 at every step, *whatever* $\lambda$ is.
#
# **Decoupled weight decay** takes the decay out of the gradient and applies it
# after the Adam step, as a factor:
#
# $$w_i \leftarrow w_i - \eta\,\frac{\hat m_i}{\sqrt{\hat v_i} + \epsilon} - \eta\lambda\, w_i ,$$
#
# so every weight shrinks by the same factor $1-\eta\lambda$ per step, as with
# SGD. This is **AdamW**, `AdamW(decoupled_weight_decay=λ, decayed_keys=...)`
# in `common/optimizers.py`; `decayed_keys` names the weight matrices, so that
# the biases are not decayed, as with the penalty. (The paper multiplies
# $\lambda$ by the schedule's factor rather than by $\eta$; libraries such as
# PyTorch multiply by $\eta$, as we do.)
#
# The MNIST digits give us weights with no data gradient for free. A pixel that
# is 0 in every training image sends nothing through its row of $W_1$, so
# $\partial L / \partial W_1[i, :] = x_i\,\delta = 0$: only the decay moves
# that row.

# %%
blank = np.all(x_small == 0, axis=0)           # pixels that are 0 in all 300 training images
inked_share = np.mean(x_small > 0, axis=0)     # in how many of the 300 images each pixel has ink
print(f"{int(blank.sum())} of the 784 pixels are blank in every one of the 300 training images")

# %% [markdown]
# We train the 300-image network with Adam (η = 0.001) for 100 epochs (300
# updates), five seeds, with λ = 0.1 (section 2's value) either as an L2 penalty
# (`weight_decay_lambda=0.1` with `Adam`) or as decoupled decay (`AdamW` with
# `decoupled_weight_decay=0.1`), and compare each row of $W_1$ after training
# with the same row at initialization.
#
# **Predict before you run.** By what factor will AdamW have shrunk the rows
# of the blank pixels after 300 updates? And Adam with the L2 penalty?

# %%
# NBVAL_TOLERANCE abs=0.03
ADAM_LR, ADAM_LAMBDA, ADAM_EPOCHS = 0.001, 0.1, 100
weight_keys = tuple(f"W{layer}" for layer in range(1, len(HIDDEN) + 2))   # W1 ... W7, not the biases
adam_variants = {
    "Adam + L2 penalty": ({"weight_decay_lambda": ADAM_LAMBDA}, ("Adam", {"lr": ADAM_LR})),
    "AdamW": ({"weight_decay_lambda": 0.0},
              ("AdamW", {"lr": ADAM_LR, "decoupled_weight_decay": ADAM_LAMBDA, "decayed_keys": weight_keys})),
}
adam_runs = [replace(run, label=label, network={**run.network, **network}, optimizer=optimizer)
             for run in overfit_weight_decay(lambdas=(0.0,), epochs=ADAM_EPOCHS, evaluate_every=ADAM_EPOCHS,
                                             seeds=SEEDS_5)
             for label, (network, optimizer) in adam_variants.items()]


def row_shrink(result):
    """||W1[i, :]|| after training / before, for each of the 784 input pixels i."""
    before = build_network(result.run).params["W1"].astype(np.float64)    # the same initial weights again
    after = result.network.params["W1"].astype(np.float64)
    return np.linalg.norm(after, axis=1) / np.linalg.norm(before, axis=1)


adam_trained = run_parallel(train_run, adam_runs, shared=MNIST, description="Adam / AdamW")
row_ratio = by_label(adam_trained, row_shrink)                                    # (5 seeds, 784 pixels)
adam_test = by_label(adam_trained, lambda result: result.history["test_acc"][-1])
adam_train = by_label(adam_trained, lambda result: result.history["train_acc"][-1])
blank_mean = {label: ratios[:, blank].mean(axis=1) for label, ratios in row_ratio.items()}
inked_mean = {label: ratios[:, ~blank].mean(axis=1) for label, ratios in row_ratio.items()}
print("||W1 row|| after / before, mean over the rows of each kind:")
print(seed_summary({f"{label}, {kind} pixels": values[label] for label in adam_variants
                    for kind, values in (("blank", blank_mean), ("inked", inked_mean))}))
print("train accuracy:")
print(seed_summary(adam_train))
print("test accuracy:")
print(seed_summary(adam_test))

# %%
# NBVAL_TOLERANCE abs=0.1
updates = ADAM_EPOCHS * 3                                    # 300 images, batches of 100
decay_factor = (1 - ADAM_LR * ADAM_LAMBDA) ** updates
print(f"(1 - ηλ)^{updates} = {decay_factor:.4f}")
for ratios in row_ratio["AdamW"]:                            # every seed, every blank row: exactly the decay factor
    assert np.allclose(ratios[blank], decay_factor, rtol=1e-4), ratios[blank]
l2_blank, l2_inked = blank_mean["Adam + L2 penalty"], inked_mean["Adam + L2 penalty"]
assert np.all(l2_blank < 0.05), l2_blank                     # L2 through Adam: the blank rows are wiped out...
assert np.all(l2_inked > 0.1), l2_inked                      # ...while the others keep more...
assert np.all(l2_inked > 5 * l2_blank)                       # ...far more
assert np.all(inked_mean["AdamW"] > decay_factor)             # AdamW: the data gradient outweighs the decay
use_correlation = np.corrcoef(inked_share[~blank], row_ratio["Adam + L2 penalty"].mean(axis=0)[~blank])[0, 1]
assert use_correlation > 0.3, use_correlation               # L2 through Adam: more ink, less decay
print("correlation of ink share and shrink factor over the inked pixels, Adam + L2:", approx(use_correlation, 2))
assert np.all(adam_train["Adam + L2 penalty"] < 0.99)       # L2 through Adam at λ = 0.1 underfits...
assert np.all(adam_test["AdamW"] > adam_test["Adam + L2 penalty"] + 0.03)   # ...and AdamW is ahead, every seed

# %%
fig, axes = plt.subplots(1, 3, figsize=(12.5, 3.8), layout="constrained")
fig.get_layout_engine().set(wspace=0.12)
for ax, label in zip(axes[:2], adam_variants):
    image = ax.imshow(row_ratio[label].mean(axis=0).reshape(28, 28), cmap="viridis", vmin=0, vmax=1.1)
    ax.set(title=f"{label}:\n||W1 row|| after / before, per pixel", xticks=[], yticks=[])
fig.colorbar(image, ax=axes[:2], shrink=0.8)
for label in adam_variants:
    axes[2].plot(inked_share, row_ratio[label].mean(axis=0), ".", color=color(label.split()[0]), alpha=0.5,
                 label=label)
axes[2].set(title="Shrink factor against pixel use", xlabel="share of the 300 images with ink in the pixel",
            ylabel="||W1 row|| after / before")
axes[2].legend(fontsize=8)
save_figure(fig, "04_adamw")
plt.show()

# %% [markdown]
# `images/04_adamw.png` shows both effects. Under AdamW every blank row has
# shrunk by exactly $(1 - \eta\lambda)^{300} = 0.9704$, in every seed, and the
# inked rows grew a little where the data pushed them. The decay itself treats
# every weight alike. Under Adam with the L2 penalty, the blank rows are almost
# wiped out (to under 1 % of their initial length) while the inked rows keep
# about 17 %; the more often a pixel has ink, the larger its gradient history
# and the less its weights are decayed (the rising cloud on the right).
#
# The same λ therefore means very different things. Through Adam, λ = 0.1 is
# strong enough to make the network underfit (training accuracy below 1, and
# a test accuracy several points below AdamW's in every seed); decoupled, its
# decay shrinks the weights by only 3 % over 300 steps. Loshchilov & Hutter (2019) found that
# decoupling also makes the best λ less dependent on the learning rate, and
# that AdamW generalizes better than Adam with an L2 penalty on their image
# classification tasks; it is the usual way to regularize with Adam today. The
# exercise of choosing λ for each of them would need validation data, as in
# section 6.
#
# ## Summary
#
# * With 300 images and a 7-layer network, training accuracy reaches 100 %
#   while test accuracy stalls near 75 %: overfitting, a generalization gap of
#   about 0.25.
# * **Weight decay** adds $\frac\lambda2\lVert W\rVert^2$ to the loss and
#   $\lambda W$ to the gradient, shrinking every weight by $1-\eta\lambda$ per
#   step. λ = 0.1 shrank the gap by about 0.07; larger λ shrinks it further
#   until the network learns nothing (λ = 0.2 and 0.3). Over five seeds, λ =
#   0.1 and dropout each narrowed the gap and lowered the test accuracy.
# * Penalties differ by the shape of their unit balls: **L1** has corners on the
#   axes and gives exactly zero weights (with a proximal step), **L2** shrinks
#   the weight vector as a whole but not every weight (9 of 20 grew in our
#   regression), **L∞** caps the largest ones at a common magnitude and may move
#   the others either way.
# * **Dropout** drops each hidden unit with probability $p$ while training. The
#   original scales by $1-p$ at inference, inverted dropout by $1/(1-p)$ while
#   training: equal in expectation (checked within 1 %), but the original
#   convention shrinks the training signal and trains more slowly at the same η.
# * At the original settings dropout halved the gap, mostly by slowing the
#   fit. The scaled network approximates the average of many thinned networks
#   (an implicit ensemble).
# * Read as beliefs, the L2 penalty is a Gaussian **prior** on the weights and
#   the L1 penalty a Laplace prior; the penalized fit is the **MAP estimate**.
# * **Data augmentation** (random shifts of up to 2 pixels and rotations of up
#   to 10°, new for every mini-batch) is the first method in this chapter that
#   raises the test accuracy: from about 0.75 to about 0.82 over five seeds,
#   higher in every seed, after 300 epochs instead of 200. It adds knowledge
#   (a moved digit keeps its class) instead of constraining the network.
# * **Early stopping** chooses the epoch on **validation data** and only then
#   reads the test accuracy. With 30 % wrong labels the test accuracy falls
#   once the network memorizes them, and stopping at the validation peak
#   raised it in every seed. Choosing the epoch on the test data can only
#   report a higher number, and leaves no unbiased one.
# * With Adam, an L2 penalty is not weight decay: its gradient is divided by
#   $\sqrt{\hat v}$, so weights with a small gradient history are decayed much
#   more (blank-pixel rows of $W_1$ fell to under 1 % of their length, the
#   others to about 17 %). **AdamW** decays every weight by the same factor
#   $1-\eta\lambda$ per step (with η = 0.001 and λ = 0.1, exactly
#   $0.9999^{300} \approx 0.9704$ for the blank rows after 300 steps) and, at
#   the same λ, ended several points higher in test accuracy.
# * A smaller gap is a diagnostic, not the goal; the goal is accuracy on new
#   data, and choosing λ, $p$ or the stopping epoch needs a validation set
#   (chapter 5). Weight decay and dropout narrowed the gap here by lowering the
#   training accuracy; data augmentation narrowed it by raising the test
#   accuracy.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1 — how fast does weight decay shrink?
#
# Work it out on paper first: with SGD, η = 0.01 and λ = 0.1, by what factor is
# every weight multiplied in one step, apart from the ordinary gradient step
# $-\eta\nabla_W L$? And how many steps (ignoring the data gradient) halve a
# weight? Set the two numbers (the number of steps rounded to the nearest
# integer); the self-check takes one real SGD step of a network.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
shrink_factor = 1 - 0.01 * 0.1                               # (1 - eta * lambda) = 0.999
steps_to_halve = round(float(np.log(0.5) / np.log(shrink_factor)))  # about 693
# END SOLUTION

# %% tags=["self-check"]
def check_exercise_1():
    x, t = x_small[:20].astype(np.float64), t_small[:20]
    net = MultiLayerNet(784, [30], 10, weight_decay_lambda=0.1, rng=np.random.default_rng(10))
    data_only = MultiLayerNet(784, [30], 10, weight_decay_lambda=0.0, rng=np.random.default_rng(10))
    before = net.params["W1"].copy()
    data_gradient = data_only.gradient(x, t)["W1"].copy()
    SGD(lr=0.01).update(net.params, net.gradient(x, t))
    observed = (net.params["W1"] + 0.01 * data_gradient) / before   # undo the ordinary step
    assert np.allclose(observed, shrink_factor, rtol=1e-9), f"one step multiplies W by {observed.flat[0]:.6f}"
    assert steps_to_halve == round(float(np.log(0.5) / np.log(observed.flat[0]))), "count the steps again"
    print(f"Exercise 1: correct — a weight that gets no data gradient halves in {steps_to_halve} steps "
          f"(about {steps_to_halve // 3} epochs of our 300-image runs)")


check_exercise_1()

# %% [markdown]
# ### Exercise 2 — the weight decay gradient
#
# Write `weight_decay_gradient(params, weight_decay_lambda)` that returns a dict
# with the term weight decay adds to each **weight** gradient (keys `W1`, `W2`,
# …), and nothing for the biases. The self-check compares
# `grads_with_decay - grads_without_decay` of two `MultiLayerNet`s with the same
# weights against your answer.

# %% jupyter={"source_hidden": true} tags=["solution"]
def weight_decay_gradient(params, weight_decay_lambda):
    # BEGIN SOLUTION
    return {key: weight_decay_lambda * value for key, value in params.items() if key.startswith("W")}
    # END SOLUTION


# %% tags=["self-check"]
def check_exercise_2():
    x, t = x_small[:20].astype(np.float64), t_small[:20]
    with_decay = MultiLayerNet(784, [30, 30], 10, weight_decay_lambda=0.1, rng=np.random.default_rng(7))
    without = MultiLayerNet(784, [30, 30], 10, weight_decay_lambda=0.0, rng=np.random.default_rng(7))
    grads_with, grads_without = with_decay.gradient(x, t), without.gradient(x, t)
    answer = weight_decay_gradient(with_decay.params, 0.1)
    assert sorted(answer) == ["W1", "W2", "W3"], f"expected keys W1, W2, W3, got {sorted(answer)}"
    for key in answer:
        assert np.allclose(grads_with[key] - grads_without[key], answer[key], atol=1e-12), key
    for key in ("b1", "b2", "b3"):
        assert np.allclose(grads_with[key], grads_without[key]), f"{key} should not be decayed"
    print("Exercise 2: correct")


check_exercise_2()

# %% [markdown]
# ### Exercise 3 — when is dropout the identity?
#
# Predict, without running anything. Take a `MultiLayerNetExtend` with
# `use_dropout=True`, a dropout ratio $p$ and either convention
# (`dropout_inverted=True` or `False`), built with the same seed as a plain
# `MultiLayerNet`: (a) are its training-mode scores equal to its inference-mode
# scores, and (b) are its gradients equal to the plain network's? Write
# `predict_dropout(dropout_ratio, inverted)` returning your answers to (a) and
# (b) as a pair of booleans. The self-check runs the experiment for several
# ratios, including 0, in both conventions, and tells you only whether all your
# predictions hold.

# %% jupyter={"source_hidden": true} tags=["solution"]
def predict_dropout(dropout_ratio, inverted):
    # BEGIN SOLUTION
    nothing_dropped = dropout_ratio == 0     # every mask is all ones, and 1 - 0 = 1 / (1 - 0) = 1
    return nothing_dropped, nothing_dropped  # any p > 0 drops units while training, in either convention
    # END SOLUTION


# %% tags=["self-check"]
def check_exercise_3():
    x, t = x_small[:20].astype(np.float64), t_small[:20]
    grads_plain = MultiLayerNet(784, [30, 30], 10, rng=np.random.default_rng(8)).gradient(x, t)
    all_hold = True
    for dropout_ratio in (0.0, 0.1, 0.5):
        for inverted in (False, True):
            network = MultiLayerNetExtend(784, [30, 30], 10, use_dropout=True, dropout_ratio=dropout_ratio,
                                          dropout_inverted=inverted, rng=np.random.default_rng(8))
            scores_equal = np.array_equal(network.predict(x, train=True), network.predict(x, train=False))
            grads = network.gradient(x, t)
            gradients_equal = all(np.allclose(grads[key], grads_plain[key]) for key in grads_plain)
            prediction = predict_dropout(dropout_ratio, inverted)
            assert (isinstance(prediction, tuple) and len(prediction) == 2
                    and all(isinstance(answer, (bool, np.bool_)) for answer in prediction)), \
                "return a pair of booleans, (a) then (b)"
            all_hold = all_hold and (bool(prediction[0]), bool(prediction[1])) == (scores_equal, gradients_equal)
    assert all_hold, "some of your predictions disagree with the experiment"
    print("Exercise 3: correct — all 6 predictions hold")


check_exercise_3()

# %% [markdown]
# ### Exercise 4 — early stopping, and why not like this
#
# **Early stopping** ends training at the epoch where the accuracy on held-out
# data is best. Write `best_epoch(history)` returning the epoch (from
# `history["epochs"]`) of the highest `test_acc`, the first one if there are
# ties, and use it on `history_plain`.
#
# Then think about what you did: you chose the epoch by looking at the test
# data, so the test accuracy at that epoch is no longer an unbiased estimate of
# performance on new data; you have fitted a hyperparameter (the number of
# epochs) to the test set. Doing this is cheating. Section 6 does it properly,
# choosing the epoch on a **validation set** carved out of the training data
# and only then reading the test accuracy; chapter 5 does the same for other
# hyperparameters, touching the test set once at the end.

# %% jupyter={"source_hidden": true} tags=["solution"]
def best_epoch(history):
    # BEGIN SOLUTION
    return history["epochs"][int(np.argmax(history["test_acc"]))]
    # END SOLUTION


# %% tags=["self-check"]
# NBVAL_TOLERANCE abs=0.02 rel=0.1
def check_exercise_4():
    toy = {"epochs": [0, 5, 10, 15], "test_acc": [0.1, 0.7, 0.7, 0.6], "train_acc": [0.1, 0.8, 0.9, 1.0]}
    assert best_epoch(toy) == 5, "the first epoch with the highest test accuracy is 5"
    epoch = best_epoch(history_plain)
    best = max(history_plain["test_acc"])
    assert history_plain["test_acc"][history_plain["epochs"].index(epoch)] == best
    print(f"Exercise 4: correct — best epoch {approx(epoch):.0f} with test accuracy {approx(best):.4f}",
          "(chosen on test data: optimistic!)")


check_exercise_4()

# %% [markdown]
# ### Exercise 5 — the max-norm constraint
#
# Srivastava et al. (2014) combined dropout with a **max-norm** constraint: after
# every update, each hidden unit's incoming weight vector (a *column* of `W`,
# shape (fan_in, fan_out)) is scaled down to L2 norm `c` if it is longer, and
# left alone otherwise. It is the projection onto an L2 ball, column by column,
# like the L2 projection of section 3. Write `max_norm(W, c)` returning the
# constrained copy.

# %% jupyter={"source_hidden": true} tags=["solution"]
def max_norm(W, c):
    # BEGIN SOLUTION
    norms = np.linalg.norm(W, axis=0, keepdims=True)
    return W * np.minimum(1.0, c / np.maximum(norms, 1e-12))
    # END SOLUTION


# %% tags=["self-check"]
def check_exercise_5():
    W = np.array([[3.0, 0.1, 0.0], [4.0, 0.2, 0.0]])   # column norms 5, 0.22, 0
    constrained = max_norm(W, 1.0)
    assert constrained.shape == W.shape, "keep the shape (fan_in, fan_out)"
    assert np.allclose(constrained[:, 0], [0.6, 0.8]), "a long column is scaled to norm c, direction kept"
    assert np.allclose(constrained[:, 1:], W[:, 1:]), "short (and zero) columns are unchanged"
    big = np.random.default_rng(9).standard_normal((100, 50)) * 3
    assert np.all(np.linalg.norm(max_norm(big, 2.0), axis=0) <= 2.0 + 1e-9)
    print("Exercise 5: correct")


check_exercise_5()

# %% [markdown]
# ## Terms introduced in this chapter
#
# | English | 日本語 | 中文 | Definition |
# |---|---|---|---|
# | overfitting | 過学習 | 过拟合 | Fitting the training data so closely that accuracy on new data suffers. |
# | underfitting | 学習不足 | 欠拟合 | Failing to fit even the training data, e.g. because a regularizer is too strong. |
# | generalization gap | 汎化ギャップ | 泛化差距 | Training accuracy minus test accuracy (or test loss minus training loss). |
# | regularization | 正則化 | 正则化 | Any change to training that aims at better accuracy on new data rather than on the training data. |
# | weight decay | 荷重減衰 | 权值衰减 | Shrinking the weights by the factor 1 − ηλ at every step. With plain SGD this is the same as adding the L2 penalty ½λ‖W‖² to the loss; with momentum or Adam the optimizer transforms the penalty's gradient λW and the two differ (AdamW decouples them). |
# | norm | ノルム | 范数 | A length of a vector; L1: sum of absolute values, L2: Euclidean length, L∞: largest absolute value. |
# | unit ball | 単位球 | 单位球 | The set of vectors whose norm is at most 1; its shape shows which weights a penalty favours. |
# | sparsity | スパース性 | 稀疏性 | Having many weights exactly zero, as the L1 penalty produces. |
# | proximal gradient method | 近接勾配法 | 近端梯度法 | A gradient step on the smooth loss followed by the exact minimization step (prox) of the penalty. |
# | soft thresholding | ソフト閾値処理 | 软阈值 | The prox of the L1 penalty: move each weight towards zero by a fixed amount, stopping at zero. |
# | dropout | ドロップアウト | 丢弃法（Dropout，随机失活） | Randomly switching off hidden units with probability p at every training step. |
# | inverted dropout | 逆ドロップアウト（inverted dropout） | 反向随机失活（inverted dropout） | Dropout that scales the kept units by 1/(1 − p) while training, so inference needs no scaling. |
# | ensemble | アンサンブル学習 | 集成学习 | Averaging the predictions of several models; dropout approximates an ensemble of thinned networks. |
# | early stopping | 早期終了 | 早停 | Ending training at the epoch of best accuracy on validation data. |
# | max-norm constraint | 最大ノルム制約 | 最大范数约束 | Rescaling each unit's incoming weight vector to norm at most c after every update. |
# | prior | 事前分布 | 先验分布 | A probability distribution over the weights that states what is believed before seeing data; a Gaussian prior gives the L2 penalty, a Laplace prior the L1 penalty. |
# | MAP estimate | MAP推定（最大事後確率推定） | 最大后验估计（MAP估计） | The most probable weights given the data and the prior: the minimum of the negative log-likelihood plus the negative log-prior. |
# | data augmentation | データ拡張 | 数据增强 | Training on random label-preserving changes of the training images (here shifts and small rotations), drawn anew for every mini-batch. |
# | bilinear interpolation | 双線形補間 | 双线性插值 | A value between pixel centres computed from the four pixels around it, linearly along each axis. |
# | validation data | 検証データ | 验证数据 | Held-out samples, neither trained on nor used for the final test, on which hyperparameters such as the stopping epoch are chosen. |
# | label noise | ラベルノイズ | 标签噪声 | Wrong labels among the training data. |
# | decoupled weight decay | 分離型荷重減衰（decoupled weight decay） | 解耦权值衰减 | Multiplying the weights by 1 − ηλ after the optimizer's step, outside the gradient, so that an adaptive optimizer such as Adam does not rescale the decay. |
# | AdamW | AdamW | AdamW | Adam with decoupled weight decay (Loshchilov & Hutter 2019). |
#
# See the whole [glossary](glossary.md).

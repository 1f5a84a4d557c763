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
# # Chapter 1 — Parameter updates
#
# Backpropagation tells us, for every weight of a network, which way is
# downhill: the gradient of the loss. It does not tell us how far to go, nor
# what to do when "downhill" changes from one step to the next. That is the
# job of the **optimizer**, the rule that turns gradients into parameter
# updates. This chapter builds the seven rules in `common/optimizers.py` one at
# a time, each from a weakness of the one before, and watches every one of them
# work: on a two-dimensional surface you can see, and on a real network
# learning MNIST.
#
# **Learning goals.** After this chapter you can
#
# - say why training is an optimization problem without a closed-form answer,
#   and what an optimizer is allowed to use (values and gradients, nothing
#   more);
# - explain why mini-batch gradient descent is today's default: nearly the
#   progress per update of the full batch, at a small fraction of its cost;
# - predict from the curvature of a surface when plain SGD zig-zags and which
#   learning rates make it diverge;
# - write down and explain Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta and
#   Adam, including Adam's bias correction and why the library's "folded" Adam
#   is the same rule;
# - read the MNIST comparison of the original book ("Deep Learning from
#   Scratch", ch. 6), extended to all seven rules, and choose an optimizer for a
#   new problem.

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from common.display.animation import path_animation_html
from common.display.plot import FIGSIZE, FIGSIZE_WIDE, color, save_figure, small_multiples, smooth_curve
from common.display.report import approx, seed_summary
from common.experiments.classic import (
    OPTIMIZER_SETTINGS,
    optimizer_compare_mnist,
    seed_pairs,
    sgd_learning_rates,
    train_run,
)
from common.experiments.parallel import run_parallel
from common.networks import MultiLayerNet
from common.optimizers import SGD, AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()
plt.rcParams["figure.dpi"] = 80  # keeps this figure-rich notebook small; images/ gets 100 dpi copies

# %% [markdown]
# ## 1. Training is optimization
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
# We check both points. For the second we train a small network (784 → 50 →
# 10) for a few hundred steps, with the Adam optimizer of section 9, and
# compare it with its twin and with the point halfway between the two.
#
# A number printed with a leading ≈, like these losses, comes out of
# training. Its last digits depend on the processor that computed it (the
# order in which a matrix product adds up its terms is the CPU's choice, and
# training amplifies such tiny differences), so read it as a measurement, not
# as an exact value.

# %%
# NBVAL_TOLERANCE abs=0.02 rel=0.1
mnist_net = MultiLayerNet(784, [100] * 4, 10, activation="relu", weight_init_std="he")
n_parameters = sum(p.size for p in mnist_net.params.values())
print("parameters of the MNIST network:", n_parameters)
layer_sizes = [784, 100, 100, 100, 100, 10]
assert n_parameters == sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes, layer_sizes[1:]))  # weights + biases


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
assert losses["halfway"] > 3 * losses["trained"]                 # the point between them is much worse

# %% [markdown]
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
# ## 2. Batch, stochastic and mini-batch gradient descent
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
VARIANT_COLORS = dict(zip(VARIANTS, ["#1f77b4", "#d62728", "#7f7f7f"]))
runs = {name: train_gradient_descent(b, u) for name, (b, u) in VARIANTS.items()}

# %% [markdown]
# Besides the loss we measure the two quantities that decide the race: how
# noisy $g_B$ is, and how much one update costs. The noise is measured at the
# starting point ($W = 0$) by drawing 300 random batches of each size with
# replacement and comparing with the full gradient; $\sigma^2$ comes from all
# 2,000 per-example gradients. The cost is the best of several timings of one
# update (forward, backward, step).

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

# %%
# Timings differ from run to run, so this chapter does not measure them: the time of one update
# of this model (forward, backward, SGD step) was measured by `make bench`, benchmarks/batch_cost.py.
cost = json.loads(Path("../benchmarks/batch_cost.json").read_text())
seconds_per_update = {int(b): s for b, s in cost["seconds_per_update"].items()}
TIMED_BATCH_SIZES = sorted(seconds_per_update)
per_example = {b: s / b for b, s in seconds_per_update.items()}
print("timings measured on", cost["measured_on"], "on", cost["machine"])
assert seconds_per_update[64] < 8 * seconds_per_update[1]          # 64 examples cost far less than 64 single ones
assert per_example[1024] > 0.5 * per_example[256]                 # from a few hundred on, no more savings

# %%
fig, axes = plt.subplots(2, 2, figsize=(10, 7.2), layout="constrained")
for name, (batch_size, _) in VARIANTS.items():
    done, losses = runs[name]
    style = dict(color=VARIANT_COLORS[name], label=name, marker=".", ms=3, lw=1)
    axes[0, 0].plot(np.maximum(done, 0.5), losses, **style)
    axes[0, 1].plot(np.maximum(done * batch_size, 0.5), losses, **style)
axes[0, 0].set(xscale="log", xlabel="updates", ylabel="training loss (2,000 images)",
               title="(a) per update: B = 64 is as good as the full batch", ylim=(0, 3))
axes[0, 1].set(xscale="log", xlabel="examples seen (updates × B)", ylabel="training loss (2,000 images)",
               title="(b) per example, smaller batches win", ylim=(0, 3), xlim=(30, None))
b = np.array(BATCH_SIZES)
axes[1, 0].loglog(b, [noise[k] for k in BATCH_SIZES], "o", color="#d62728", label="measured")
axes[1, 0].loglog(b, sigma2 / b, "-", color="0.4", label=r"$\sigma^2 / B$")
axes[1, 0].set(xlabel="batch size B", ylabel=r"$\mathbb{E}\,\|g_B - \nabla L\|^2$",
               title="(c) gradient noise falls as 1/B")
b = np.array(TIMED_BATCH_SIZES)
axes[1, 1].loglog(b, [seconds_per_update[k] * 1e6 for k in TIMED_BATCH_SIZES], "o-", color="#1f77b4",
                  label="per update")
axes[1, 1].loglog(b, [per_example[k] * 1e6 for k in TIMED_BATCH_SIZES], "s--", color="#ff7f0e",
                  label="per example")
axes[1, 1].set(xlabel="batch size B", ylabel="time (µs, measured by make bench)", title="(d) cost of one update")
for ax in axes.ravel():
    ax.legend(fontsize=8)
fig.suptitle("Softmax regression on 2,000 MNIST images, plain gradient descent, η = 0.1")
save_figure(fig, "01_batch_sizes")
plt.show()


# %%
# NBVAL_TOLERANCE abs=0.01
# (float64 softmax regression, a convex problem: the runs barely move from one CPU to another)
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
# Read the four panels together.
#
# - **(a) Per update**, a mini-batch of 64 does as well as the exact
#   gradient over all 2,000 images: its estimate is already good enough, and
#   more precision buys no progress. A single example is far worse. Its steps
#   point in noisy directions, and at first the loss even rises above its
#   starting value $\ln 10 \approx 2.30$.
# - **(b) Per example seen**, the order reverses: the stochastic version has
#   made 10,000 small improvements when the batch version has made 5 exact
#   ones. Nearby examples carry redundant information (many MNIST "1"s look
#   alike), so looking at all of them before moving wastes work.
# - **(c)** The noise of $g_B$ falls exactly as $\sigma^2/B$: 64 examples cut it
#   64-fold.
# - **(d)** But on a computer, 64 examples do **not** cost 64 times one
#   example (panel (d) shows the machine named above; `make bench`
#   measures yours). A single-example update is dominated by fixed costs (Python,
#   function calls, the overhead of small matrix products); a vectorised
#   matrix product handles a few dozen rows for little more than the price of
#   one. From about a hundred examples on, the cost per example stops falling
#   and the cost per update grows with $B$.
#
# Mini-batch gradient descent takes the best of both: as much progress per
# update as the full batch (a), far more progress per example seen (b), a
# 64-fold smaller noise than single examples (c) and the lowest cost per
# example (d). On a GPU the flat part of (d) extends much further, which is
# why batch sizes from 32 to a few hundred are today's default. Some of the
# remaining noise may even help, by shaking the parameters out of sharp
# minima (Keskar et al. 2017).
#
# From now on the question is what to do with $g$, the (mini-batch)
# gradient. We study that on surfaces small enough to see.

# %% [markdown]
# ## 3. SGD and the anisotropic bowl
#
# Plain SGD steps against the gradient:
#
# $$W \leftarrow W - \eta \,\frac{\partial L}{\partial W}.$$
#
# Its weakness shows on the bowl
#
# $$f(x, y) = \frac{x^2}{20} + y^2, \qquad \nabla f = \Bigl(\frac{x}{10},\ 2y\Bigr),$$
#
# whose minimum is at the origin. The bowl is twenty times more curved in $y$
# than in $x$: its second derivatives are $0.1$ and $2$, and their ratio, the
# **condition number**, is 20. The loss surfaces of deep networks have such
# badly scaled directions too, usually with far larger ratios. As in the
# original book, we start at
# $(-7, 2)$ and take 30 steps.
#
# The gradient does not point at the minimum: at $(-7, 2)$ it is
# $(-0.7, 4)$, almost straight along $y$.

# %%
BOWL_START = (-7.0, 2.0)


def bowl(x, y):
    return x ** 2 / 20 + y ** 2


def bowl_gradient(w):
    return np.array([w[0] / 10, 2 * w[1]])


def descend(optimizer, gradient, start, steps=30):
    """Apply `steps` updates of `optimizer` to the 2-D point `start`; return the path, shape (steps + 1, 2)."""
    params = {"w": np.array(start, dtype=float)}
    path = [params["w"].copy()]
    for _ in range(steps):
        optimizer.update(params, {"w": gradient(params["w"])})
        path.append(params["w"].copy())
    return np.array(path)


def draw_surface(ax, f, xlim, ylim, levels, minimum=(0, 0)):
    """Contour lines of f(x, y) and a cross at the minimum."""
    x, y = np.meshgrid(np.linspace(*xlim, 240), np.linspace(*ylim, 160))
    ax.contour(x, y, f(x, y), levels=levels, colors="0.8", linewidths=0.6, negative_linestyles="solid")
    if minimum is not None:
        ax.plot(*minimum, "+", color="black", ms=8)
    ax.set(xlim=xlim, ylim=ylim, xlabel="x", ylabel="y")


def draw_path(ax, path, name, label=None, **kwargs):
    """A path in the method's colour; a dot per step for short paths."""
    style = "o-" if len(path) <= 60 else "-"
    ax.plot(path[:, 0], path[:, 1], style, ms=2.5, lw=1, color=color(name), label=label or name, **kwargs)


BOWL_VIEW = dict(xlim=(-8, 8), ylim=(-3, 3), levels=np.geomspace(0.05, 12, 8))

sgd_path = descend(SGD(lr=0.95), bowl_gradient, BOWL_START)

fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
draw_surface(axes[0], bowl, **BOWL_VIEW)
gx, gy = np.meshgrid(np.linspace(-7, 7, 11), np.linspace(-2.5, 2.5, 6))  # (0, 0) left out: no gradient there
u, v = bowl_gradient(np.array([gx, gy]))
length = np.hypot(u, v)
axes[0].quiver(gx, gy, -u / length, -v / length, color="0.35", width=0.005, scale=20)
axes[0].set_title("−∇f (normalised): mostly across the bowl")
draw_surface(axes[1], bowl, **BOWL_VIEW)
draw_path(axes[1], sgd_path, "SGD", label="SGD, η = 0.95")
axes[1].legend(loc="upper right")
axes[1].set_title("30 steps of SGD from (−7, 2)")
save_figure(fig, "01_sgd_zigzag")
plt.show()

# %% [markdown]
# Because the bowl is a sum of one term per coordinate, each coordinate of
# the SGD update evolves on its own:
#
# $$x \leftarrow x - \eta\,\frac{x}{10} = (1 - 0.1\,\eta)\,x, \qquad
# y \leftarrow y - \eta \cdot 2y = (1 - 2\eta)\,y.$$
#
# With $\eta = 0.95$ the factor for $y$ is $-0.9$: $y$ flips sign at every
# step and shrinks slowly. That is the zig-zag. The factor for $x$ is $0.905$:
# $x$ crawls towards 0. We cannot fix both with one $\eta$. A step small
# enough for the steep direction ($|1 - 2\eta| < 1$, i.e. $\eta < 1$) is tiny
# for the flat one, whose progress per step is at best $0.1\eta < 0.1$. The
# condition number sets the speed of SGD.

# %%
y_steps = np.diff(sgd_path[:, 1])
sign_changes = int(np.sum(np.sign(y_steps[1:]) != np.sign(y_steps[:-1])))
print("SGD: sign changes of the y-step in 30 steps:", sign_changes, "of 29 possible")
assert sign_changes == 29                                                   # a perfect zig-zag
assert np.allclose(sgd_path[-1], [-7 * 0.905 ** 30, 2 * (-0.9) ** 30], rtol=1e-12)  # the two factors
print("SGD after 30 steps: (x, y) =", np.round(sgd_path[-1], 3).tolist(),
      " distance to the minimum:", round(float(np.linalg.norm(sgd_path[-1])), 3))

# %% [markdown]
# ## 4. Momentum
#
# Picture a ball rolling on the surface. The gradient is a force that changes
# its **velocity** $v$; friction slowly takes speed away; the position follows
# the velocity (Polyak 1964):
#
# $$v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}, \qquad W \leftarrow W + v.$$
#
# $\alpha \in [0, 1)$ is the momentum coefficient (1 minus the friction),
# usually 0.9, and $\alpha = 0$ gives back SGD. Two effects follow from the
# formula:
#
# - In a direction where the gradient keeps its sign, steps add up. On a
#   constant slope $g$ the velocity tends to $-\eta g/(1-\alpha)$: ten times the
#   SGD step for $\alpha = 0.9$.
# - In a direction where the gradient flips sign at every step, the
#   contributions cancel and the oscillation is damped.
#
# Both help on the bowl: speed along the flat $x$, calm along the steep $y$.
# The original book's setting is $\eta = 0.1$, $\alpha = 0.9$.

# %%
momentum_path = descend(Momentum(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START)


def distance(path):
    return np.linalg.norm(path, axis=1)


def y_sign_changes(path):
    steps = np.diff(path[:, 1])
    return int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))


fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
draw_surface(axes[0], bowl, **BOWL_VIEW)
draw_path(axes[0], sgd_path, "SGD", label="SGD, η = 0.95", alpha=0.5)
draw_path(axes[0], momentum_path, "Momentum", label="Momentum, η = 0.1, α = 0.9")
axes[0].legend(loc="upper right", fontsize=8)
axes[0].set_title("paths, 30 steps")
for name, path in [("SGD", sgd_path), ("Momentum", momentum_path)]:
    axes[1].semilogy(distance(path), "o-", ms=3, color=color(name), label=name)
axes[1].set(xlabel="step", ylabel="distance to the minimum", title="distance to the minimum")
axes[1].legend()
save_figure(fig, "01_momentum")
plt.show()

# %%
closest = {name: float(distance(p).min()) for name, p in [("SGD", sgd_path), ("Momentum", momentum_path)]}
final = {name: float(distance(p)[-1]) for name, p in [("SGD", sgd_path), ("Momentum", momentum_path)]}
print("y-step sign changes:", {"SGD": y_sign_changes(sgd_path), "Momentum": y_sign_changes(momentum_path)})
print("closest approach in 30 steps:", {k: round(v, 3) for k, v in closest.items()})
print("distance after 30 steps:     ", {k: round(v, 3) for k, v in final.items()})
assert y_sign_changes(momentum_path) <= 6            # no zig-zag: y changes direction only a few times
assert closest["Momentum"] < closest["SGD"] / 2      # it gets much closer to the minimum ...
assert final["Momentum"] > final["SGD"]              # ... but at step 30 it has overshot and is swinging back

# %% [markdown]
# The ball does what the formula promised. The step-by-step zig-zag is gone
# (the $y$-step changes direction 4 times instead of 29; what is left is a
# slow swing), and the speed gathered along $x$ takes Momentum, within 30
# steps, more than twice as close to the minimum as SGD ever gets.
#
# It also shows momentum's weakness: a ball does not stop where the valley is
# lowest. It overshoots, swings back and spirals in, so at step 30 it happens
# to be farther away than SGD. With $\alpha = 0.9$ the swing dies out slowly,
# by a factor $\sqrt{\alpha} \approx 0.95$ per step, while SGD's error in $x$
# shrinks by 0.905 per step: on this mild bowl, in the long run, the
# original settings let SGD win. They are not tuned for it. For a quadratic
# with curvatures between $\mu$ and $L$ (here 0.1 and 2, condition number
# $\kappa = L/\mu = 20$) Polyak (1964) found the best pair,
#
# $$\eta = \frac{4}{(\sqrt L + \sqrt \mu)^2} \approx 1.34, \qquad
# \alpha = \Bigl(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Bigr)^2 \approx 0.40,$$
#
# which shrinks the error by $(\sqrt\kappa-1)/(\sqrt\kappa+1) \approx 0.63$
# per step, against $(\kappa-1)/(\kappa+1) \approx 0.90$ for the best SGD.
# The gap grows with $\kappa$: that square root is why momentum matters on
# badly conditioned problems.

# %%
L_curv, mu_curv = 2.0, 0.1
kappa = L_curv / mu_curv
best_momentum = Momentum(lr=4 / (np.sqrt(L_curv) + np.sqrt(mu_curv)) ** 2,
                         momentum=((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
tuned_path = descend(best_momentum, bowl_gradient, BOWL_START)
print(f"Polyak's setting: eta = {best_momentum.lr:.3f}, alpha = {best_momentum.momentum:.3f};",
      f"distance after 30 steps: {distance(tuned_path)[-1]:.1e}")
assert distance(tuned_path)[-1] < 1e-3 * distance(sgd_path)[-1]   # a thousand times closer than SGD

# %% [markdown]
# ## 5. Nesterov momentum: look ahead, then correct
#
# Momentum computes the gradient where the ball *is*, then adds the velocity.
# But the ball will move by about $\alpha v$ anyway, so it is better to
# evaluate the gradient where it is *about to be* (Nesterov 1983, in the form
# of Sutskever et al. 2013):
#
# $$v \leftarrow \alpha v - \eta\, \nabla L(W + \alpha v), \qquad W \leftarrow W + v.$$
#
# If the look-ahead point is already past the bottom of the valley, its
# gradient points back and brakes the ball one step earlier than plain
# momentum would.
#
# An optimizer's `update(params, grads)` only receives the gradient at the
# stored parameters, not at a look-ahead point. The fix (Bengio et al. 2013):
# store the look-ahead point $\tilde W = W + \alpha v$ instead of $W$. Writing
# the rule for $\tilde W$ and using $v_{\text{new}} - \alpha v = -\eta \nabla L(\tilde W)$
# gives
#
# $$v \leftarrow \alpha v - \eta\, \nabla L(\tilde W), \qquad
# \tilde W \leftarrow \tilde W + \alpha v - \eta\, \nabla L(\tilde W),$$
#
# which needs only the gradient at the stored point. That is what
# `common.optimizers.Nesterov` does (exercise 1 checks the equivalence). We use
# the same $\eta = 0.1$, $\alpha = 0.9$ as for Momentum.

# %%
nesterov_path = descend(Nesterov(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START)

fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
draw_surface(ax, bowl, **BOWL_VIEW)
draw_path(ax, momentum_path, "Momentum", label="Momentum, η = 0.1, α = 0.9")
draw_path(ax, nesterov_path, "Nesterov", label="Nesterov, η = 0.1, α = 0.9")
ax.legend(loc="upper right", fontsize=8)
ax.set_title("Nesterov brakes earlier than Momentum")
save_figure(fig, "01_nesterov")
plt.show()

print("closest approach:", {"Momentum": round(float(distance(momentum_path).min()), 3),
                            "Nesterov": round(float(distance(nesterov_path).min()), 3)})
print("distance after 30 steps:", {"Momentum": round(float(distance(momentum_path)[-1]), 3),
                                   "Nesterov": round(float(distance(nesterov_path)[-1]), 3)})
assert distance(nesterov_path).min() < distance(momentum_path).min()
assert distance(nesterov_path)[-1] < distance(momentum_path)[-1]
print("deepest swing below y = 0:", {"Momentum": round(float(momentum_path[:, 1].min()), 3),
                                     "Nesterov": round(float(nesterov_path[:, 1].min()), 3)})
assert abs(nesterov_path[:, 1].min()) < 0.7 * abs(momentum_path[:, 1].min())  # smaller swings in y

# %% [markdown]
# Same settings, tighter path: Nesterov's swings are smaller, it comes closer
# to the minimum and it is closer after 30 steps. The look-ahead costs
# nothing extra: one gradient per step, as before.

# %% [markdown]
# ## 6. AdaGrad: a learning rate per parameter
#
# Momentum fixes the *direction* problem by averaging. Another idea is to fix
# the *scale*: give every parameter its own step size, small where gradients
# have been large and large where they have been small (Duchi et al. 2011).
# AdaGrad keeps the running sum of squared gradients, element by element
# ($\odot$):
#
# $$h \leftarrow h + \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}, \qquad
# W \leftarrow W - \eta \,\frac{1}{\sqrt{h} + \epsilon} \odot \frac{\partial L}{\partial W}.$$
#
# ($\epsilon = 10^{-7}$ only prevents a division by zero.) The **effective
# learning rate** of a parameter is $\eta/(\sqrt h + \epsilon)$. In the very
# first step $\sqrt h = |g|$, so every parameter moves by exactly $\eta$,
# whatever the size of its gradient. On the bowl this removes the twenty-fold
# imbalance between $x$ and $y$ at once. The original book uses
# $\eta = 1.5$.

# %%
adagrad = AdaGrad(lr=1.5)
adagrad_path = [np.array(BOWL_START)]
effective_step = []   # eta / (sqrt(h) + eps) for (x, y) after each update
params = {"w": np.array(BOWL_START)}
for _ in range(30):
    adagrad.update(params, {"w": bowl_gradient(params["w"])})
    adagrad_path.append(params["w"].copy())
    effective_step.append(adagrad.lr / (np.sqrt(adagrad.h["w"]) + adagrad.eps))
adagrad_path, effective_step = np.array(adagrad_path), np.array(effective_step)

fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
draw_surface(axes[0], bowl, **BOWL_VIEW)
draw_path(axes[0], adagrad_path, "AdaGrad", label="AdaGrad, η = 1.5")
axes[0].legend(loc="upper right")
axes[0].set_title("AdaGrad on the bowl")
steps = np.arange(1, 31)
axes[1].semilogy(steps, effective_step[:, 0], "o-", ms=3, color=color("AdaGrad"), label="x")
axes[1].semilogy(steps, effective_step[:, 1], "s--", ms=3, color=color("AdaGrad"), label="y")
axes[1].set(xlabel="step", ylabel=r"effective learning rate $\eta / \sqrt{h}$",
            title="AdaGrad's effective step only shrinks")
axes[1].legend()
save_figure(fig, "01_adagrad")
plt.show()

# %%
first_step = np.abs(adagrad_path[1] - adagrad_path[0])
print("first step |dx|, |dy|:", np.round(first_step, 6).tolist())
print("effective step for x, y: after step 1", np.round(effective_step[0], 3).tolist(),
      " after step 30", np.round(effective_step[-1], 3).tolist())
assert np.allclose(first_step, 1.5, rtol=1e-6)                   # both coordinates move by eta at first
assert np.all(np.diff(effective_step, axis=0) <= 0)              # never grows: h only accumulates
assert np.all(effective_step[:, 1] < effective_step[:, 0])      # the steep y gets the smaller step
assert effective_step[-1, 0] < 0.6 * effective_step[0, 0]        # x's step has shrunk by almost half

# %% [markdown]
# The first step moves both coordinates by $1.5$, and after that the
# steep $y$ direction, whose squared gradients piled up fastest, gets the
# smaller effective step: the zig-zag is gone and the path runs almost
# straight to the minimum.
#
# The right panel shows the catch. $h$ only grows, so the effective step only
# shrinks: for $x$ it has almost halved after 30 steps. (For $y$ it stopped
# shrinking as soon as $y$ reached 0, where the gradient vanishes; but it
# will never grow back.) On a fixed problem that works as an automatic
# annealing of the learning rate. In **online learning**, where the data keep
# coming and may change, it hurts: with noisy gradients $h$ grows in
# proportion to the number of steps $t$, the effective step shrinks like
# $1/\sqrt t$, and the longer AdaGrad has run, the slower it reacts to a change.
#
# We measure this on a one-parameter problem: follow a target $c$ from noisy
# gradients $g = (w - c) + \text{noise}$ (unit Gaussian noise), where the target
# jumps from 0 to 3 after $J$ steps. We count the steps needed to get back
# within 0.5 of the target, for a jump after $J = 250$, 1000 and 4000 steps.
# For comparison we add RMSprop, the next section's method (with $\eta = 0.05$,
# $\rho = 0.99$).

# %%
def steps_to_recover(optimizer, jump_after, seed=0):
    """Track a target that jumps from 0 to 3 after `jump_after` steps, from noisy gradients.

    Returns the steps needed after the jump to get within 0.5 of the target, the effective
    step eta / (sqrt(h) + eps) at the jump, and the RMS error over the 200 steps before it.
    """
    rng = np.random.default_rng(seed)
    params = {"w": np.array(0.0)}
    target, errors = 0.0, []
    for t in range(jump_after + 2000):
        if t == jump_after:
            target = 3.0
            step_at_jump = float(optimizer.lr / (np.sqrt(optimizer.h["w"]) + optimizer.eps))
        optimizer.update(params, {"w": params["w"] - target + rng.standard_normal()})
        errors.append(float(params["w"]) - target)
        if t >= jump_after and abs(errors[-1]) < 0.5:
            rms_before = float(np.sqrt(np.mean(np.square(errors[jump_after - 200:jump_after]))))
            return t - jump_after + 1, step_at_jump, rms_before
    raise RuntimeError("did not recover")


JUMPS = [250, 1000, 4000]
ONLINE = {"AdaGrad": lambda: AdaGrad(lr=1.0), "RMSprop": lambda: RMSprop(lr=0.05, decay_rate=0.99)}
recovery = {name: {j: steps_to_recover(make(), j) for j in JUMPS} for name, make in ONLINE.items()}
for name, rows in recovery.items():
    print(f"{name:8s} steps to recover:", [r[0] for r in rows.values()],
          " effective step at the jump:", [round(r[1], 4) for r in rows.values()],
          " RMS error before the jump:", [round(r[2], 3) for r in rows.values()])

fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
for name, rows in recovery.items():
    ax.plot(JUMPS, [r[0] for r in rows.values()], "o-", color=color(name), label=name)
ax.set(xscale="log", xlabel="steps before the target jumps (J)", ylabel="steps to get within 0.5 again",
       title="Online learning: AdaGrad reacts ever more slowly")
ax.set_xticks(JUMPS, [str(j) for j in JUMPS])
ax.tick_params(axis="x", which="minor", labelbottom=False)
ax.legend()
save_figure(fig, "01_adagrad_online")
plt.show()

# %%
adagrad_steps = [recovery["AdaGrad"][j][0] for j in JUMPS]
rmsprop_steps = [recovery["RMSprop"][j][0] for j in JUMPS]
assert adagrad_steps[0] < adagrad_steps[1] < adagrad_steps[2]       # the later the jump, the slower
assert adagrad_steps[2] > 3 * adagrad_steps[0]
assert max(rmsprop_steps) < 1.5 * min(rmsprop_steps)                 # RMSprop: about the same every time
step_ratio = recovery["AdaGrad"][250][1] / recovery["AdaGrad"][4000][1]
assert 3 < step_ratio < 5, step_ratio   # 16 times more steps -> effective step about sqrt(16) = 4 times smaller
assert recovery["AdaGrad"][4000][2] < recovery["RMSprop"][4000][2]   # but before a late jump it jitters less

# %% [markdown]
# After 250 steps AdaGrad recovers a little faster than RMSprop; after 4,000
# it needs about four times as long as after 250, because its effective step
# has shrunk about $\sqrt{4000/250} = 4$-fold. RMSprop's reaction time does
# not depend on how long it has run. The shrinking step has one benefit:
# before a late jump AdaGrad sits closer to the target (its RMS error is
# smaller), the automatic annealing at work. For a problem that never
# changes that is welcome; for one that does, it is fatal in the long run.
# That is the next method's motivation.

# %% [markdown]
# ## 7. RMSprop: forget old gradients
#
# RMSprop (Tieleman & Hinton 2012, from a lecture of Hinton's online course
# rather than a paper) replaces AdaGrad's
# sum by an **exponential moving average** with decay rate $\rho$:
#
# $$h \leftarrow \rho h + (1-\rho)\, \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}, \qquad
# W \leftarrow W - \eta \,\frac{1}{\sqrt{h} + \epsilon} \odot \frac{\partial L}{\partial W}.$$
#
# A gradient $k$ steps old enters $h$ with weight $(1-\rho)\rho^k$, so $h$
# estimates the mean squared gradient over roughly the last $1/(1-\rho)$
# steps ($\rho = 0.9$: 10 steps; $\rho = 0.99$: 100). $\sqrt h$ is the
# root mean square (RMS) of recent gradients, hence the name. The step no
# longer shrinks for ever: it follows the recent scale of the gradient.
#
# The decay rate sets how long $h$ remembers.
#
# - **Too low forgets.** With $\rho = 0$, $h = g \odot g$ and the step is
#   $\eta\, g/|g| = \eta \operatorname{sign}(g)$: every parameter moves by
#   exactly $\eta$, near the minimum as well as far from it, so the method
#   keeps jumping around the minimum instead of settling.
# - **High remembers long.** With $\rho$ near 1, $h$ averages over many
#   steps, so when the scale of the gradient changes (new data, a target that
#   moves), $h$ needs about $1/(1-\rho)$ steps to follow. And $h$ starts at 0:
#   after the first step $h = (1-\rho)g^2$ and the step is
#   $\eta/\sqrt{1-\rho}$, ten times $\eta$ for $\rho = 0.99$. It takes about
#   $1/(1-\rho)$ steps before $h$ is a fair estimate (Adam will fix exactly
#   this).
#
# On the bowl, with $\eta = 0.3$, we also recompute the **effective step**
# $\eta/(\sqrt h + \epsilon)$ of every update from the gradients along the path:

# %%
RHOS = [0.0, 0.9, 0.99]
rmsprop_paths = {rho: descend(RMSprop(lr=0.3, decay_rate=rho), bowl_gradient, BOWL_START) for rho in RHOS}

fig, axes = small_multiples(3, ncols=3, size=3.4)
for ax, rho in zip(axes, RHOS):
    draw_surface(ax, bowl, **BOWL_VIEW)
    draw_path(ax, rmsprop_paths[rho], "RMSprop")
    ax.set_title(f"RMSprop, η = 0.3, ρ = {rho}", fontsize=10)
save_figure(fig, "01_rmsprop_decay")
plt.show()

# %%
def effective_steps(path, rho, lr=0.3, eps=1e-7):
    """eta / (sqrt(h) + eps) of each RMSprop update along a bowl `path`, shape (steps, 2)."""
    h, steps = np.zeros(2), []
    for w in path[:-1]:
        h = rho * h + (1 - rho) * bowl_gradient(w) ** 2
        steps.append(lr / (np.sqrt(h) + eps))
    return np.array(steps)


first_steps = {rho: np.abs(p[1] - p[0]) for rho, p in rmsprop_paths.items()}
final_distance = {rho: float(distance(p)[-1]) for rho, p in rmsprop_paths.items()}
effective = {rho: effective_steps(p, rho) for rho, p in rmsprop_paths.items()}
print("first step |dx|, |dy|:", {rho: np.round(s, 3).tolist() for rho, s in first_steps.items()})
print("distance after 30 steps:", {rho: float(f"{d:.3g}") for rho, d in final_distance.items()})
print("effective step, smallest and largest over the 30 steps:",
      {rho: {axis: np.round([e[:, i].min(), e[:, i].max()], 2).tolist() for i, axis in enumerate("xy")}
       for rho, e in effective.items() if rho > 0})
for rho, s in first_steps.items():
    assert np.allclose(s, 0.3 / np.sqrt(1 - rho), rtol=1e-5)  # first step eta / sqrt(1 - rho) in each coordinate
    gradients = np.array([bowl_gradient(w) for w in rmsprop_paths[rho][:-1]])
    assert np.allclose(np.diff(rmsprop_paths[rho], axis=0), -effective[rho] * gradients)  # the path, step by step
sign_steps = np.abs(np.diff(rmsprop_paths[0.0], axis=0))
assert np.allclose(sign_steps[sign_steps > 1e-9], 0.3, rtol=1e-5)  # rho = 0: every move is +-eta (sign descent)
assert final_distance[0.0] > 0.1                                   # ... and it cannot settle
assert final_distance[0.99] < 1e-4 and final_distance[0.99] < 1e-3 * final_distance[0.9]  # the long memory is closest
assert final_distance[0.9] > 0.1 and rmsprop_paths[0.9][-1, 0] < -0.1                     # rho = 0.9: still short in x
ratio_99, ratio_9 = (effective[rho].max(axis=0) / effective[rho].min(axis=0) for rho in (0.99, 0.9))
assert np.all(ratio_99 < 1.3)   # rho = 0.99: almost a fixed learning rate per coordinate
assert np.all(ratio_9 > 2)      # rho = 0.9: the effective step changes more than twofold

# %% [markdown]
# With $\rho = 0$ every move is exactly $\pm 0.3$ per coordinate, and the
# path ends hopping around the minimum. With $\rho = 0.99$ the first step is
# $0.3/\sqrt{0.01} = 3$ per coordinate, a wild jump across the valley, and
# yet this path ends closest by far: $5 \cdot 10^{-6}$ from the minimum,
# against $0.15$ for $\rho = 0.9$. Its $h$ changes slowly, so its effective
# step stays almost fixed (about 4 in $x$, 0.7 in $y$) and RMSprop works like
# gradient descent with one well-suited learning rate per coordinate, whose
# steps shrink with the gradient as the path closes in. With $\rho = 0.9$,
# $h$ follows the falling gradient within about 10 steps, its effective step
# changes two- to fourfold, and after 30 steps the path is still creeping
# along $x$.
#
# So on a fixed bowl a long memory does not hurt; here it even helps. The
# gradients that $h$ remembers come from the same surface. A long memory
# costs something when the problem changes under the optimizer, as when the
# target jumped in section 6: then $h$ keeps the old scale of the gradient for
# about $1/(1-\rho)$ steps, and AdaGrad, whose memory never fades, reacts ever
# more slowly. On the bowl below we use $\eta = 0.3$ and $\rho = 0.9$, the
# decay rate Hinton suggested in his lecture (6e) and the one used on MNIST in
# section 12, although $\rho = 0.99$ would do better there.

# %% [markdown]
# ## 8. AdaDelta: no learning rate (almost)
#
# Zeiler (2012) noticed that the units do not match. If $W$ is in metres and
# $L$ in joules, then $\partial L/\partial W$ is in joules per metre, and
# SGD's $\eta \,\partial L/\partial W$ is a length only if $\eta$ carries the
# units m²/J. In AdaGrad and RMSprop $g/\sqrt h$ has no units, so $\eta$
# must be a length: a global scale we have to guess. Newton's method gets the
# units right, $\Delta W = -g / \frac{\partial^2 L}{\partial W^2}$, and
# $1/\frac{\partial^2 L}{\partial W^2} \approx \Delta W / g$. AdaDelta follows
# that hint and replaces $\eta$ by the RMS of the recent updates themselves:
#
# $$\begin{aligned}
# E[g^2] &\leftarrow \rho\, E[g^2] + (1-\rho)\, g \odot g \\
# \Delta W &= -\frac{\sqrt{E[\Delta W^2] + \epsilon}}{\sqrt{E[g^2] + \epsilon}} \odot g \\
# E[\Delta W^2] &\leftarrow \rho\, E[\Delta W^2] + (1-\rho)\, \Delta W \odot \Delta W \\
# W &\leftarrow W + \Delta W
# \end{aligned}$$
#
# with the paper's $\rho = 0.95$, $\epsilon = 10^{-6}$ ($\epsilon$ inside both
# roots). There is no $\eta$, but $\epsilon$ has taken its place. At the
# start $E[\Delta W^2] = 0$, so the first step is
#
# $$|\Delta W_1| = \frac{\sqrt{\epsilon}\,|g|}{\sqrt{(1-\rho)g^2 + \epsilon}}
# \approx \sqrt{\frac{\epsilon}{1-\rho}} \approx 0.0045,$$
#
# and later steps are built from the earlier ones. That is a fine size for the
# weights of a network (He initial weights have a standard deviation of 0.05
# to 0.14 in our MNIST network), and a crawl on a bowl 7 units wide.

# %%
ADADELTA_EPS = [1e-6, 1e-3, 1e-1]
adadelta_paths = {eps: descend(AdaDelta(decay_rate=0.9, eps=eps), bowl_gradient, BOWL_START)
                  for eps in ADADELTA_EPS}
paper_path = descend(AdaDelta(decay_rate=0.95, eps=1e-6), bowl_gradient, BOWL_START)

fig, axes = small_multiples(3, ncols=3, size=3.4)
for ax, eps in zip(axes, ADADELTA_EPS):
    draw_surface(ax, bowl, **BOWL_VIEW)
    draw_path(ax, adadelta_paths[eps], "AdaDelta")
    ax.set_title(f"AdaDelta, ρ = 0.9, ε = {eps:g}", fontsize=10)
save_figure(fig, "01_adadelta_eps")
plt.show()

# %%
g0 = np.abs(bowl_gradient(np.array(BOWL_START)))
predicted = np.sqrt(1e-6) * g0 / np.sqrt((1 - 0.95) * g0 ** 2 + 1e-6)
print("paper settings: first step", np.round(np.abs(paper_path[1] - paper_path[0]), 5).tolist(),
      " distance travelled in 30 steps:", round(float(np.linalg.norm(paper_path[-1] - paper_path[0])), 3))
print("distance to the minimum after 30 steps, by eps:",
      {eps: round(float(distance(p)[-1]), 3) for eps, p in adadelta_paths.items()})
assert np.allclose(np.abs(paper_path[1] - paper_path[0]), predicted, rtol=1e-9)  # the formula above
assert np.linalg.norm(paper_path[-1] - paper_path[0]) < 0.5                      # a crawl on this bowl
assert distance(adadelta_paths[1e-1])[-1] < 1                                    # a larger eps gets there

# %% [markdown]
# So AdaDelta is not free of a scale: $\epsilon$ sets the size of its first
# steps, and since every later step is built from the RMS of the earlier
# ones, small beginnings stay small for a long time. On the bowl we use
# $\rho = 0.9$, $\epsilon = 0.1$; on MNIST the paper's values work well,
# because the weights there are small numbers.

# %% [markdown]
# ## 9. Adam: momentum plus RMSprop, corrected
#
# Adam (Kingma & Ba 2015) keeps two moving averages: of the gradient (the
# **first moment**, a momentum term) and of its square (the **second
# moment**, as in RMSprop):
#
# $$m \leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1-\beta_2)\, g \odot g,$$
#
# with $\beta_1 = 0.9$, $\beta_2 = 0.999$. Both start at 0, and that biases
# them towards 0. If the gradient were a constant $g$, then after $t$ steps
#
# $$m_t = (1-\beta_1)\sum_{k=1}^{t} \beta_1^{t-k} g = (1-\beta_1^t)\, g, \qquad v_t = (1-\beta_2^t)\, g^2 .$$
#
# Dividing by those factors removes the bias. That is Adam's **bias
# correction**:
#
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
# W \leftarrow W - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.$$
#
# This is Algorithm 1 of the paper, with a small constant $\epsilon$ against
# division by zero.
#
# **The folded form.** The library (like the paper's "more efficient" variant
# in its section 2) never forms $\hat m$ and $\hat v$. It folds both
# corrections into the learning rate and updates with the raw moments, adding
# its own constant, which the paper calls $\hat\epsilon$ (the library's `eps`):
#
# $$\eta_t = \eta\, \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}, \qquad W \leftarrow W - \eta_t\, \frac{m_t}{\sqrt{v_t} + \hat\epsilon}.$$
#
# Are the two the same rule? Substitute $\hat m_t$ and $\sqrt{\hat v_t} = \sqrt{v_t}/\sqrt{1-\beta_2^t}$
# into the corrected step and multiply numerator and denominator by $\sqrt{1-\beta_2^t}$:
#
# $$\eta\, \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}
# = \eta\, \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t} \cdot \frac{m_t}{\sqrt{v_t} + \epsilon\sqrt{1-\beta_2^t}}
# = \eta_t\, \frac{m_t}{\sqrt{v_t} + \epsilon\sqrt{1-\beta_2^t}} .$$
#
# This is the folded step exactly when $\hat\epsilon = \epsilon \sqrt{1-\beta_2^t}$,
# that is when Algorithm 1 uses $\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}$
# at step $t$ (and trivially when both are 0). With one constant for both,
# the two forms differ only in where the tiny $\epsilon$ sits. We check it
# numerically: a direct implementation of Algorithm 1 against the library's
# `Adam`, on the bowl, for 300 steps.

# %%
def adam_corrected(gradient, start, steps, lr, beta1=0.9, beta2=0.999, eps=1e-8,
                   bias_correction=True, eps_of_folded_form=False):
    """Adam written with m_hat and v_hat, as in Algorithm 1 of Kingma & Ba; returns the path.

    By default it adds the constant eps to sqrt(v_hat), as Algorithm 1 does.
    eps_of_folded_form=True adds eps_t = eps / sqrt(1 - beta2^t) instead, which makes it the
    folded form with eps_hat = eps (the library's Adam);
    bias_correction=False uses the raw moments m and v (to see what the correction does).
    """
    w = np.array(start, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    path = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient(w)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = (m / (1 - beta1 ** t), v / (1 - beta2 ** t)) if bias_correction else (m, v)
        eps_t = eps / np.sqrt(1 - beta2 ** t) if eps_of_folded_form else eps
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps_t)
        path.append(w.copy())
    return np.array(path)


folded = descend(Adam(lr=0.3), bowl_gradient, BOWL_START, steps=300)
corrected = adam_corrected(bowl_gradient, BOWL_START, 300, lr=0.3, eps_of_folded_form=True)
algorithm_1 = adam_corrected(bowl_gradient, BOWL_START, 300, lr=0.3)   # constant eps = 1e-8, as the library's
folded_no_eps = descend(Adam(lr=0.3, eps=0.0), bowl_gradient, BOWL_START, steps=300)
corrected_no_eps = adam_corrected(bowl_gradient, BOWL_START, 300, lr=0.3, eps=0.0)

assert np.abs(folded - corrected).max() < 1e-12                # folded = Algorithm 1 with eps_t
assert np.abs(folded_no_eps - corrected_no_eps).max() < 1e-12  # and with eps = 0
assert 1e-7 < np.abs(folded - algorithm_1).max() < 1e-5        # one constant for both: close, not equal
print("folded and bias-corrected Adam agree to 1e-12 over 300 steps:", True)

# %% [markdown]
# The paths agree to better than $10^{-12}$, that is, to rounding error.
# Algorithm 1 with the constant $\epsilon = 10^{-8}$, the value of the
# library's $\hat\epsilon$, leaves a difference between $10^{-7}$ and
# $10^{-5}$ once the gradients become tiny: harmless, but it shows that
# $\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}$ is the exact translation.
#
# **What the correction does.** Without it, the first step with a constant
# gradient would be $\eta\, m_1/\sqrt{v_1} = \eta\,(1-\beta_1)/\sqrt{1-\beta_2}
# \approx 3.16\,\eta$ per coordinate: *larger*, not smaller, because $v$ is
# biased towards zero even more than $m$. With the correction every step of a
# constant gradient is exactly $\eta$. The ratio of the uncorrected to the
# corrected step, $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$, even grows for a while
# before it decays to 1.

# %%
t = np.arange(1, 3001)
uncorrected_ratio = (1 - 0.9 ** t) / np.sqrt(1 - 0.999 ** t)
uncorrected_path = adam_corrected(bowl_gradient, BOWL_START, 30, lr=0.3, bias_correction=False)
adam_path = descend(Adam(lr=0.3), bowl_gradient, BOWL_START)

fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
axes[0].semilogx(t, uncorrected_ratio, color=color("Adam"), label="without correction")
axes[0].axhline(1, color="0.4", ls="--", label="with correction")
axes[0].set(xlabel="step t", ylabel="step size / η (constant gradient)",
            title="Adam's step for a constant gradient (β₁ = 0.9, β₂ = 0.999)")
axes[0].legend()
draw_surface(axes[1], bowl, **BOWL_VIEW)
draw_path(axes[1], adam_path, "Adam", label="Adam, η = 0.3")
axes[1].plot(uncorrected_path[:, 0], uncorrected_path[:, 1], "o--", ms=2.5, lw=1, color="0.3",
             label="without bias correction")
axes[1].legend(loc="upper right", fontsize=8)
axes[1].set_title("the first steps without correction are too large")
save_figure(fig, "01_adam_bias_correction")
plt.show()

# %%
print("uncorrected / corrected step: t = 1:", round(float(uncorrected_ratio[0]), 3),
      " largest:", round(float(uncorrected_ratio.max()), 2), "at t =", int(t[uncorrected_ratio.argmax()]),
      " t = 1000:", round(float(uncorrected_ratio[999]), 3))
print("first step |dx|, |dy| with correction:", np.round(np.abs(adam_path[1] - adam_path[0]), 4).tolist(),
      " without:", np.round(np.abs(uncorrected_path[1] - uncorrected_path[0]), 4).tolist())
first_uncorrected = np.abs(uncorrected_path[1] - uncorrected_path[0])
assert np.allclose(first_uncorrected, 0.3 * (1 - 0.9) / np.sqrt(1 - 0.999), rtol=1e-6)  # eta (1-beta1)/sqrt(1-beta2)
assert np.allclose(np.abs(adam_path[1] - adam_path[0]), 0.3, rtol=1e-6)       # corrected: exactly eta
# The curve of the figure, measured: uncorrected Adam (eta = 1) on the slope f(w) = w, whose gradient is always 1.
on_a_slope = adam_corrected(lambda w: np.ones_like(w), [0.0], 3000, lr=1.0, eps=0.0, bias_correction=False)
measured_ratio = -np.diff(on_a_slope[:, 0])
assert np.allclose(measured_ratio, uncorrected_ratio, rtol=1e-9)               # the formula for the ratio
assert 3 < measured_ratio[:100].min() and measured_ratio.max() < 6.6           # 3 to 6.5 times eta at first
assert 0 < measured_ratio.argmax() and 1.2 < measured_ratio[999] < 1.3         # grows, then a quarter at t = 1000
assert uncorrected_path[2, 1] < 0 < adam_path[:6, 1].min()                     # uncorrected: across y = 0 at once

# %% [markdown]
# For a constant gradient, the uncorrected Adam takes steps three to six and
# a half times too large over its first hundred steps, and even after 1,000
# steps they are still a quarter too large. On the bowl it jumps across the
# $y = 0$ line in its second step, while the corrected Adam is still well
# above it after five.
# On a network such early jumps can throw the weights into a bad region before
# the moving averages have settled. The correction costs nothing, so every
# implementation uses it.

# %% [markdown]
# ## 10. Seven methods, three surfaces
#
# Now all seven side by side, 30 steps from $(-7, 2)$ on the bowl. The four
# classic settings are those of the original book; the other three are ours,
# chosen above:
#
# | method | setting on the bowl |
# |---|---|
# | SGD | η = 0.95 (original) |
# | Momentum | η = 0.1, α = 0.9 (original) |
# | Nesterov | η = 0.1, α = 0.9 (as Momentum) |
# | AdaGrad | η = 1.5 (original) |
# | RMSprop | η = 0.3, ρ = 0.9 |
# | AdaDelta | ρ = 0.9, ε = 0.1 (no η) |
# | Adam | η = 0.3, β₁ = 0.9, β₂ = 0.999 (original) |
#
# **Predict before you run:** which methods will still zig-zag, which will
# overshoot in $x$, and which will end closest to the minimum?

# %%
BOWL_SETTINGS = {
    "SGD": lambda: SGD(lr=0.95),
    "Momentum": lambda: Momentum(lr=0.1, momentum=0.9),
    "Nesterov": lambda: Nesterov(lr=0.1, momentum=0.9),
    "AdaGrad": lambda: AdaGrad(lr=1.5),
    "RMSprop": lambda: RMSprop(lr=0.3, decay_rate=0.9),
    "AdaDelta": lambda: AdaDelta(decay_rate=0.9, eps=0.1),
    "Adam": lambda: Adam(lr=0.3),
}
bowl_paths = {name: descend(make(), bowl_gradient, BOWL_START) for name, make in BOWL_SETTINGS.items()}


def draw_all(paths, surface, view, title, legend_loc="upper right"):
    """Small multiples: one panel per method, plus a panel of f along every path."""
    fig, axes = small_multiples(len(paths) + 1, ncols=4, size=2.7, sharex=False, sharey=False)
    for ax, (name, path) in zip(axes, paths.items()):
        draw_surface(ax, surface, **view)
        draw_path(ax, path, name)
        ax.set_title(name, fontsize=10)
    for name, path in paths.items():
        axes[-1].plot(surface(path[:, 0], path[:, 1]), color=color(name), label=name, lw=1.2)
    axes[-1].set(xlabel="step", ylabel="f(x, y)")
    axes[-1].legend(fontsize=6, loc=legend_loc)
    fig.suptitle(title)
    fig.tight_layout()
    return fig, axes


fig, axes = draw_all(bowl_paths, bowl, BOWL_VIEW, "f(x, y) = x²/20 + y², 30 steps from (−7, 2)")
axes[-1].set_yscale("log")
save_figure(fig, "01_bowl_paths")
plt.show()

# %%
def y_travel(path):
    """Total distance moved in y: 2 for a straight descent from y = 2, much more for a zig-zag."""
    return float(np.abs(np.diff(path[:, 1])).sum())


print(f"{'method':9s} {'travel in y':>12s} {'closest approach':>17s} {'distance at step 30':>20s}")
for name, path in bowl_paths.items():
    print(f"{name:9s} {y_travel(path):12.2f} {distance(path).min():17.3f} {distance(path)[-1]:20.3f}")
bowl_final = {name: distance(path)[-1] for name, path in bowl_paths.items()}
assert all(y_travel(bowl_paths["SGD"]) > 3 * y_travel(p) for name, p in bowl_paths.items() if name != "SGD")
assert min(bowl_final, key=bowl_final.get) == "AdaGrad"                       # AdaGrad ends closest
assert all(bowl_paths[name][:, 0].max() > 0.1 for name in ("Momentum", "Nesterov", "Adam"))  # overshoot in x

# %% [markdown]
# Only SGD zig-zags: its $y$ coordinate travels 36 units to descend 2, four
# times as much as any other method's. The momentum methods (Momentum,
# Nesterov and, through $\beta_1$, Adam) swing past the minimum in $x$ and
# come back. The methods that rescale each coordinate (AdaGrad, RMSprop,
# AdaDelta) run almost straight in, and AdaGrad ends closest.
#
# But this bowl is the best case for per-coordinate scaling: its steep and
# flat directions are exactly the coordinate axes. Turn it by 45°, so that
# both directions mix $x$ and $y$, start from the correspondingly turned
# point, and run the same settings again.

# %%
turn = np.array([[np.cos(np.pi / 4), -np.sin(np.pi / 4)], [np.sin(np.pi / 4), np.cos(np.pi / 4)]])


def turned_bowl_gradient(w):
    """Gradient of the bowl turned by 45 degrees, f(w) = bowl(turn^T w)."""
    return turn @ bowl_gradient(turn.T @ w)


turned_final = {name: distance(descend(make(), turned_bowl_gradient, turn @ np.array(BOWL_START)))[-1]
                for name, make in BOWL_SETTINGS.items()}
print("distance at step 30, bowl turned by 45°:", {k: round(float(v), 3) for k, v in turned_final.items()})
for name in ("SGD", "Momentum", "Nesterov"):
    assert np.isclose(turned_final[name], bowl_final[name], rtol=1e-9)   # exactly the same run, turned
for name in ("AdaGrad", "RMSprop", "AdaDelta", "Adam"):
    assert turned_final[name] > 2 * bowl_final[name]                    # much worse when the axes do not fit

# %% [markdown]
# SGD, Momentum and Nesterov do exactly the same as before, turned: their
# updates are linear in the gradient, so they do not care how the surface
# sits in the coordinates. The adaptive methods end three to fifteen times
# farther away than on the aligned bowl, because a step size per *coordinate*
# cannot fix a badly scaled direction that is not a coordinate. In a network
# the difficult directions are rarely aligned with single weights, which is
# one reason why adaptive methods are not a free win.
#
# ### A saddle point
#
# In many dimensions, points where the gradient vanishes are far more often
# saddles (down in some directions, up in others) than minima (Dauphin et al.
# 2014). Near a saddle the gradient is tiny, and plain gradient methods move
# slowly. Turn the bowl's flat direction upside down,
#
# $$f(x, y) = -\frac{x^2}{20} + y^2,$$
#
# and start just off the ridge, at $(-0.01, 1)$, with the settings of the
# table above.

# %%
SADDLE_START = (-0.01, 1.0)


def saddle(x, y):
    return -x ** 2 / 20 + y ** 2


def saddle_gradient(w):
    return np.array([-w[0] / 10, 2 * w[1]])


SADDLE_VIEW = dict(xlim=(-10, 10), ylim=(-1.5, 1.5), levels=np.linspace(-4.5, 2, 9), minimum=None)
saddle_paths = {name: descend(make(), saddle_gradient, SADDLE_START) for name, make in BOWL_SETTINGS.items()}
fig, axes = draw_all(saddle_paths, saddle, SADDLE_VIEW, "f(x, y) = −x²/20 + y², 30 steps from (−0.01, 1)",
                     legend_loc="lower left")
for ax in axes[:-1]:
    ax.plot(0, 0, "x", color="black", ms=7)   # the saddle point
save_figure(fig, "01_saddle_paths")
plt.show()

# %%
escaped = {name: bool(abs(path[-1, 0]) > 2) for name, path in saddle_paths.items()}
print("|x| after 30 steps:", {name: round(float(abs(p[-1, 0])), 2) for name, p in saddle_paths.items()})
print("escaped (|x| > 2):", escaped)
assert [name for name, e in escaped.items() if e] == ["AdaGrad", "RMSprop", "Adam"]
assert all(abs(saddle_paths[name][-1, 0]) < 0.5 for name in ("SGD", "Momentum", "Nesterov", "AdaDelta"))
sgd_long = descend(SGD(lr=0.95), saddle_gradient, SADDLE_START, steps=100)
sgd_escape_step = int(np.argmax(np.abs(sgd_long[:, 0]) > 2))
print("SGD reaches |x| > 2 after", sgd_escape_step, "steps")
assert sgd_escape_step == int(np.ceil(np.log(2 / 0.01) / np.log(1 + 0.095)))  # x grows by 1.095 per step
# AdaDelta moves x like gradient descent with eta = 1: x grows by 1 + 1/10 per step
assert np.isclose(abs(saddle_paths["AdaDelta"][-1, 0]), 0.01 * 1.1 ** 30, rtol=0.05)

# %% [markdown]
# The methods that divide by the size of the gradient escape: AdaGrad,
# RMSprop and Adam turn the tiny slope $-x/10 \approx 0.001$ into a full-size
# step. SGD, Momentum and Nesterov move in proportion to that tiny slope. They
# do escape in the end (the distance from the ridge grows by a factor
# $1 + 0.095$ per SGD step, so SGD needs 59 steps to reach $|x| > 2$), but
# far later. AdaDelta is stuck too, for a subtler reason: with gradients
# this small, its $\epsilon = 0.1$ dominates both square roots, and its step
# becomes $\sqrt{\epsilon}/\sqrt{\epsilon}\cdot g = g$, plain gradient
# descent with $\eta = 1$. (AdaGrad's and RMSprop's $\epsilon = 10^{-7}$ is
# far below the gradient, so they do normalize it.) In a real network, a saddle can show up as a loss
# curve that stalls on a plateau for a while, then drops again.
#
# ### A curved valley: Rosenbrock's function
#
# $$f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$$
#
# has its minimum at $(1, 1)$ at the bottom of a long, narrow, curved valley.
# Its curvature at the minimum is about 1000 across the valley and 0.4 along
# it: a condition number near 2,500, much worse than the bowl's 20. SGD must
# keep $\eta < 2/1000$ to stay stable across the valley, which makes it crawl
# along it. The bowl settings are far too large here, so we state new ones.
# SGD gets $\eta = 10^{-3}$, the best value of the grid $10^{-5}, 10^{-4.5},
# \dots, 10^{0.5}$ after 1,000 steps (checked below). Momentum and Nesterov
# get the same $\eta$ (with $\alpha = 0.9$), to show what momentum alone
# adds. AdaGrad ($\eta = 1$) and RMSprop ($\eta = 0.01$, $\rho = 0.9$) get
# values that did best on the same grid in our trials, AdaDelta the paper's
# $\rho = 0.95$, $\epsilon = 10^{-6}$, and Adam $\eta = 0.1$. 1,000 steps
# from the classic start $(-1.2, 1)$:

# %%
ROSENBROCK_START = (-1.2, 1.0)


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def rosenbrock_gradient(w):
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


hessian_at_minimum = np.array([[802.0, -400.0], [-400.0, 200.0]])
curvatures = np.linalg.eigvalsh(hessian_at_minimum)
print("curvatures at the minimum:", np.round(curvatures, 3).tolist(),
      " condition number:", round(float(curvatures[1] / curvatures[0])))

ROSENBROCK_SETTINGS = {
    "SGD": lambda: SGD(lr=1e-3),
    "Momentum": lambda: Momentum(lr=1e-3, momentum=0.9),
    "Nesterov": lambda: Nesterov(lr=1e-3, momentum=0.9),
    "AdaGrad": lambda: AdaGrad(lr=1.0),
    "RMSprop": lambda: RMSprop(lr=0.01, decay_rate=0.9),
    "AdaDelta": lambda: AdaDelta(decay_rate=0.95, eps=1e-6),
    "Adam": lambda: Adam(lr=0.1),
}
rosenbrock_paths = {name: descend(make(), rosenbrock_gradient, ROSENBROCK_START, steps=1000)
                    for name, make in ROSENBROCK_SETTINGS.items()}
ROSENBROCK_VIEW = dict(xlim=(-2, 2), ylim=(-1, 3), levels=np.geomspace(0.3, 1000, 8), minimum=(1, 1))
fig, axes = draw_all(rosenbrock_paths, rosenbrock, ROSENBROCK_VIEW,
                     "Rosenbrock's function, 1,000 steps from (−1.2, 1)", legend_loc="lower left")
axes[-1].set(yscale="log", xscale="log")
save_figure(fig, "01_rosenbrock_paths")
plt.show()

# %%
to_minimum = {name: float(np.linalg.norm(p[-1] - 1)) for name, p in rosenbrock_paths.items()}
GRID = 10.0 ** np.arange(-5, 0.75, 0.5)
with np.errstate(over="ignore", invalid="ignore"):   # the larger learning rates are meant to overflow
    sgd_grid = {lr: descend(SGD(lr=lr), rosenbrock_gradient, ROSENBROCK_START, steps=1000)[-1] for lr in GRID}
sgd_grid_loss = {lr: rosenbrock(*w) if np.all(np.isfinite(w)) else np.inf for lr, w in sgd_grid.items()}
assert np.isclose(min(sgd_grid_loss, key=sgd_grid_loss.get), 1e-3)   # SGD's setting is the best of the grid
assert sgd_grid_loss[GRID[np.isclose(GRID, 1e-2)][0]] == np.inf      # and ten times more diverges
print("distance to (1, 1) after 1,000 steps:", {k: round(v, 3) for k, v in to_minimum.items()})
assert to_minimum["SGD"] > 1                                                     # still far along the valley
assert all(to_minimum[name] < 0.05 for name in ("Momentum", "Nesterov", "Adam"))  # at the minimum
assert all(to_minimum[name] < to_minimum["SGD"] for name in to_minimum if name != "SGD")  # all beat SGD

# %% [markdown]
# SGD follows the valley floor but, held back by the steep walls, covers
# only part of it in 1,000 steps. Momentum and Nesterov, at the *same*
# learning rate, build up speed along the floor and arrive; so does Adam.
# AdaGrad's steps have shrunk before it gets there, and RMSprop and AdaDelta
# are on their way. The ranking differs from the bowl's. That is the first
# hint of this chapter's conclusion: no method wins everywhere.

# %% [markdown]
# ## 11. The race
#
# The same seven runs on the bowl, step by step: press *play*, or drag the
# slider. Each dot is a method's current point, and its tail shows the last
# four steps.
#
# (How it is made: matplotlib draws the contour picture once, and the dots
# and tails are SVG shapes that a few lines of JavaScript move,
# `common.display.animation.path_animation_html`. matplotlib's own
# `FuncAnimation(...).to_jshtml()` would store one image per frame, ten times
# the size of this whole animation.)

# %%
# NBVAL_IGNORE_OUTPUT
# The output is an animation: a PNG picture (as base64 text) with SVG marks moved by JavaScript.
# It is an image, and nbval never compares images; its bytes depend on the machine's font rendering.
fig, ax = plt.subplots(figsize=(6.4, 3.0), layout="constrained")
draw_surface(ax, bowl, **BOWL_VIEW)
for name in bowl_paths:   # legend entries only: the moving marks are drawn by the browser
    ax.plot([], [], color=color(name), lw=1.6, label=name)
ax.legend(fontsize=8, loc="upper right", ncol=4, frameon=False)
ax.set_title("seven optimizers, 30 steps on the bowl")
race = path_animation_html(fig, ax, bowl_paths, {name: color(name) for name in bowl_paths},
                           alt="seven optimizers racing on the bowl")
plt.close(fig)
display(HTML(race))

# %%
SNAPSHOTS = [3, 8, 15, 30]
fig, axes = plt.subplots(1, len(SNAPSHOTS), figsize=(12, 2.6), layout="constrained")
for ax, step in zip(axes, SNAPSHOTS):
    draw_surface(ax, bowl, xlim=(-8, 8), ylim=(-2.6, 2.6), levels=np.geomspace(0.05, 8, 8))
    for name, path in bowl_paths.items():
        ax.plot(path[:step + 1, 0], path[:step + 1, 1], "-", lw=1, color=color(name), alpha=0.6)
        ax.plot(*path[step], "o", ms=5, color=color(name), label=name)
    ax.set_title(f"after {step} steps", fontsize=10)
axes[0].legend(fontsize=7, loc="lower left", ncol=2)
fig.suptitle("The race on the bowl (stills of the animation)")
save_figure(fig, "01_race_strip")
plt.show()

# %% [markdown]
# **Try it yourself.** In a live notebook the cell below shows two sliders,
# for Momentum's $\eta$ and $\alpha$, and redraws its 30-step path on the
# bowl. Try Polyak's $\eta \approx 1.34$, $\alpha \approx 0.40$; look for
# the settings that stop the overshoot, and for the largest $\eta$ that does
# not diverge for a given $\alpha$. (Run headless, for instance by nbval, it
# draws nothing visible and does no harm.)

# %%
# NBVAL_IGNORE_OUTPUT
# The output is a widget view (two sliders and a plot) that only a live notebook can show;
# its text form depends on the front end, so there is nothing to compare.
try:
    import ipywidgets as widgets
except ImportError:   # ipywidgets is optional: without it this cell does nothing
    widgets = None


def show_momentum(lr=0.1, momentum=0.9):
    path = descend(Momentum(lr=lr, momentum=momentum), bowl_gradient, BOWL_START)
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    draw_surface(ax, bowl, **BOWL_VIEW)
    draw_path(ax, path, "Momentum")
    ax.set_title(f"η = {lr:.3g}, α = {momentum:.2f}: distance after 30 steps {distance(path)[-1]:.3g}")
    plt.show()


if widgets is not None:
    display(widgets.interactive(
        show_momentum,
        lr=widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.3, step=0.05, description="η"),
        momentum=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="α"),
    ))

# %% [markdown]
# ## 12. MNIST: the seven rules on a real network
#
# Now the experiment of the original book, extended to all seven rules: a
# five-layer network (784 → 100 → 100 → 100 → 100 → 10, ReLU, He initial
# weights), mini-batches of 128 images drawn at random from the 60,000
# training images, 2,000 updates. The settings:
#
# | method | setting on MNIST |
# |---|---|
# | SGD | η = 0.01 (original) |
# | Momentum | η = 0.01, α = 0.9 (original) |
# | Nesterov | η = 0.01, α = 0.9 (as Momentum) |
# | AdaGrad | η = 0.01 (original) |
# | RMSprop | η = 0.001 (a common default), ρ = 0.9 (Hinton's suggestion) |
# | AdaDelta | ρ = 0.95, ε = 10⁻⁶ (Zeiler's values) |
# | Adam | η = 0.001, β₁ = 0.9, β₂ = 0.999 (original) |
#
# For a fair race, every method starts from the **same initial weights**
# (one seed) and sees the **same sequence of mini-batches** (one seed for the
# sampling, the same for every method). The networks compute in single
# precision (`dtype=np.float32`): that roughly halves the time of a step,
# and the 7 × 2,000 steps take about 15 seconds of one core; the seven runs
# are independent, so `run_parallel` trains them side by side on all the
# machine's cores, each from its own seeds, with the same results. Single
# precision has
# about seven significant digits, far more than the noise of a mini-batch
# gradient; training does not need more.
#
# **Predict before you run:** the original book found SGD clearly slowest.
# Will the three methods it did not test (Nesterov, RMSprop, AdaDelta) land
# with the fast group or with SGD?

# %%
# The runs are data (common/experiments/classic.py, shared with the benchmarks): one per optimizer.
for name, (_, settings) in OPTIMIZER_SETTINGS.items():
    print(f"{name:9s}", settings)
INIT_SEED, SAMPLING_SEED = 0, 1
runs = optimizer_compare_mnist(optimizers=list(OPTIMIZER_SETTINGS), seeds=[(INIT_SEED, SAMPLING_SEED)])
print(runs[0].network, runs[0].trainer)

# Seven independent trainings, side by side on the machine's cores.
trained = run_parallel(train_run, runs, shared=(x_train, t_train, x_test, t_test), description="optimizers")
mnist_losses = {result.run.label: np.array(result.history["train_loss"]) for result in trained}
mnist_test_acc = {result.run.label: result.history["final_test_acc"] for result in trained}

# %%
WINDOW = 100
fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
for name, losses in mnist_losses.items():
    axes[0].plot(smooth_curve(losses), color=color(name), label=name, lw=1)
    running_mean = np.convolve(losses, np.ones(WINDOW) / WINDOW, mode="valid")
    axes[1].plot(np.arange(WINDOW, len(losses) + 1), running_mean, color=color(name), label=name, lw=1.5)
axes[0].set(xlabel="iteration", ylabel="training loss (smoothed)", ylim=(0, 1),
            title="as in the original: smooth_curve, linear scale")
axes[1].set(xlabel="iteration", ylabel=f"mean training loss of the last {WINDOW} iterations", yscale="log",
            title=f"running mean over {WINDOW} iterations, log scale")
axes[0].legend()
fig.suptitle("MNIST, 784-100-100-100-100-10 ReLU, batch 128: loss per iteration")
save_figure(fig, "01_mnist_optimizers")
plt.show()

# %%
# NBVAL_TOLERANCE rel=0.4
# The last value of a lightly smoothed curve is noisy: from one CPU to another it moved by up to a quarter.
final_loss = {name: float(smooth_curve(losses)[-1]) for name, losses in mnist_losses.items()}
factor = {name: final_loss["SGD"] / final_loss[name] for name in ("Momentum", "AdaGrad", "Adam")}
print("final smoothed loss:", {name: approx(v, 3) for name, v in final_loss.items()})
print("SGD's final loss divided by:", {k: approx(v, 1) for k, v in factor.items()})
assert max(final_loss, key=final_loss.get) == "SGD"     # SGD ends with the highest smoothed loss
assert all(f > 2 for f in factor.values()), factor     # Momentum, AdaGrad, Adam end at least 2x lower
assert all(final_loss[name] < final_loss["SGD"] / 2 for name in ("Nesterov", "RMSprop", "AdaDelta"))

# %%
# NBVAL_TOLERANCE rel=0.1
last_mean = {name: float(losses[-WINDOW:].mean()) for name, losses in mnist_losses.items()}
print(f"mean loss of the last {WINDOW} iterations:", {name: approx(v, 3) for name, v in last_mean.items()})
assert max(last_mean, key=last_mean.get) == "SGD"      # the same outlier without the noise
adaptive, momentum_pair = ("AdaGrad", "RMSprop", "AdaDelta", "Adam"), ("Momentum", "Nesterov")
assert max(last_mean[n] for n in adaptive) < min(last_mean[n] for n in momentum_pair)  # two groups

# %%
# NBVAL_TOLERANCE abs=0.01
print("test accuracy:", {name: approx(v, 3) for name, v in mnist_test_acc.items()})
others = {name: acc for name, acc in mnist_test_acc.items() if name != "SGD"}
assert min(mnist_test_acc, key=mnist_test_acc.get) == "SGD"  # SGD has the lowest test accuracy
assert max(others.values()) - min(others.values()) < 0.02, others  # the other six: close together

# %% [markdown]
# SGD is the clear outlier: after 2,000 updates its loss is still about three
# to five times that of every other method, and its test accuracy is the
# lowest. The other six end close together. The last value of the lightly
# smoothed curve (left) is noisy: their order by it changes with the seed
# (rerun with other values of `INIT_SEED` and `SAMPLING_SEED`), and the value
# itself moved by up to a quarter from one processor to another (`make kernels`). Averaged over
# the last 100 iterations (right) two groups appear in this run: the four
# adaptive methods end a little below Momentum and Nesterov (five seeds,
# below, confirm it for AdaGrad and Adam). On test accuracy all six are
# within a percentage point or so of each other. As in the original book,
# AdaGrad is among the fastest here: 2,000 updates are not enough for its
# shrinking step to hurt.
#
# Why is SGD so slow? On the bowl and in Rosenbrock's valley the answer was
# the surface: one learning rate must be small enough for the steepest
# direction and is then too small for the flat ones. On MNIST there is a
# simpler suspect. On a steady gradient, Momentum with $\eta = 0.01$ and
# $\alpha = 0.9$ moves like SGD with $\eta/(1-\alpha) = 0.1$: ten times
# SGD's step. Before blaming the surface we give SGD the same step, with
# everything else as above (same initial weights, same mini-batches):

# %%
# NBVAL_TOLERANCE rel=0.1
sweep = run_parallel(train_run, sgd_learning_rates(lrs=(0.03, 0.1), seeds=[(INIT_SEED, SAMPLING_SEED)]),
                     shared=(x_train, t_train, x_test, t_test), description="learning rates")
sgd_last_mean = {"SGD, η = 0.01": last_mean["SGD"]}
sgd_last_mean.update({r.run.label: float(np.mean(r.history["train_loss"][-WINDOW:])) for r in sweep})
print("mean training loss of the last 100 iterations:", {k: approx(v, 3) for k, v in sgd_last_mean.items()},
      " Momentum:", approx(last_mean["Momentum"], 3))
assert sgd_last_mean["SGD, η = 0.1"] < 1.25 * last_mean["Momentum"]      # SGD with Momentum's step: as good
assert sgd_last_mean["SGD, η = 0.01"] > 2 * sgd_last_mean["SGD, η = 0.1"]  # the small step was the handicap

# %% [markdown]
# **One run is one draw.** Everything so far rests on one initial network and
# one sequence of mini-batches. Another seed gives other curves, and a
# difference between two methods means something only if it is larger than
# the difference between two seeds of the same method. So we train the
# original book's four methods and SGD at $\eta = 0.1$ again from four more
# seeds: five seeds in all, the first being the run above. Within a seed,
# every method starts from the same weights and sees the same batches. The
# 20 new trainings run side by side.

# %%
# NBVAL_TOLERANCE abs=0.005 rel=0.15
SEEDS = seed_pairs(5)                      # (0, 1) is the run above; four more (init_seed, batch_seed) pairs
METHODS = ("SGD", "Momentum", "AdaGrad", "Adam", "SGD, η = 0.1")
more_seeds = (optimizer_compare_mnist(optimizers=METHODS[:4], seeds=SEEDS[1:])
              + sgd_learning_rates(lrs=(0.1,), seeds=SEEDS[1:]))
repeated = run_parallel(train_run, more_seeds, shared=(x_train, t_train, x_test, t_test), description="seeds")
seed_loss = {name: [last_mean[name]] for name in METHODS[:4]} | {"SGD, η = 0.1": [sgd_last_mean["SGD, η = 0.1"]]}
seed_test = {name: [mnist_test_acc[name]] for name in METHODS[:4]}
seed_test["SGD, η = 0.1"] = [next(r.history["final_test_acc"] for r in sweep if r.run.label == "SGD, η = 0.1")]
for result in repeated:
    seed_loss[result.run.label].append(float(np.mean(result.history["train_loss"][-WINDOW:])))
    seed_test[result.run.label].append(result.history["final_test_acc"])
seed_loss = {name: np.array(values) for name, values in seed_loss.items()}   # 5 values each, one per seed
seed_test = {name: np.array(values) for name, values in seed_test.items()}
print(f"mean training loss of the last {WINDOW} iterations, over {len(SEEDS)} seeds:")
print(seed_summary(seed_loss))
print("test accuracy:")
print(seed_summary(seed_test))

slow = seed_loss["SGD"]
assert all(np.all(slow > 2 * seed_loss[name]) for name in METHODS[1:])       # every seed: SGD at 0.01 > 2x the rest
assert np.all(seed_loss["AdaGrad"] < seed_loss["Momentum"])                  # every seed: adaptive below Momentum
assert np.all(seed_loss["Adam"] < seed_loss["Momentum"])
assert all(np.all(seed_test["SGD"] < seed_test[name] - 0.015) for name in METHODS[1:])  # SGD at 0.01: lowest test
ratio = seed_loss["SGD, η = 0.1"].mean() / seed_loss["Momentum"].mean()
assert 0.8 < ratio < 1.2, ratio                                              # SGD at 0.1 ≈ Momentum, on average

# %%
fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
for ax, values, label in ((axes[0], seed_loss, f"mean training loss of the last {WINDOW} iterations"),
                          (axes[1], seed_test, "test accuracy after 2,000 updates")):
    for position, (name, seeds) in enumerate(values.items()):
        ax.plot(np.full(len(seeds), position), seeds, "o", color=color(name), alpha=0.6, ms=5)
        ax.errorbar(position + 0.2, seeds.mean(), yerr=seeds.std(ddof=1), fmt="_", color="black", ms=14,
                    capsize=4)
    ax.set_xticks(range(len(values)), list(values), rotation=20)
    ax.set(ylabel=label)
axes[0].set_yscale("log")
fig.suptitle(f"MNIST, {len(SEEDS)} seeds per method (dots); black: mean ± standard deviation over the seeds")
save_figure(fig, "01_mnist_seeds")
plt.show()

# %% [markdown]
# Over five seeds the picture holds, and it holds seed by seed: in every one,
# SGD at $\eta = 0.01$ ends with at least twice the loss of each other
# method (about three times, on average) and the lowest test accuracy, and
# AdaGrad and Adam end below Momentum. The spread between seeds of one method
# is much smaller than these gaps. With the step that Momentum takes, plain
# SGD ends as low as Momentum: on average within a few percent of it, and on
# some seeds above, on others below.
#
# On this network the difference was mostly the size of the step, not the
# shape of the surface: SGD at $\eta = 0.01$ was simply ten times too
# cautious. What Momentum and the adaptive methods buy on MNIST is that they
# work well at their default settings; SGD needs its learning rate tuned
# (chapter 5 does that systematically). On surfaces with very different
# curvatures, like the valley above, no single step suits SGD, and there the
# others' advantage is real.

# %% [markdown]
# ## 13. Which optimizer to use?
#
# There is no method that wins everywhere: the ranking changed from the bowl
# to the turned bowl, to Rosenbrock's valley and to MNIST, and a method's
# setting matters as much as its formula. A few rules of thumb that
# practice has confirmed:
#
# - **Adam is a strong default.** Its step per weight is of the order of
#   $\eta$ whatever the scale of the gradient, so $\eta = 10^{-3}$ works on
#   many problems with little tuning, and it crosses flat regions and saddles
#   quickly. (With weight decay, prefer its variant AdamW, Loshchilov & Hutter
#   2019, also in `common.optimizers`.)
# - **SGD with momentum is still common**, especially for image models, where
#   with a tuned learning-rate schedule it often generalizes a little better
#   than Adam (Wilson et al. 2017). It needs more tuning of $\eta$.
# - **RMSprop** is Adam without momentum and without bias correction; it
#   remains popular for recurrent networks and reinforcement learning.
# - **AdaGrad** suits convex problems and sparse features (rare words, rare
#   categories get large steps), not long non-stationary training.
# - **AdaDelta** is rarely chosen today; its $\epsilon$ is a learning rate in
#   disguise.
#
# Whatever you choose, the learning rate is the hyperparameter to tune first
# (chapter 5 shows how). Plain SGD without momentum did fine on the mild
# bowl and fell far behind in Rosenbrock's badly conditioned valley; on
# MNIST it fell behind at $\eta = 0.01$ and caught up at $\eta = 0.1$.

# %% [markdown]
# ## Summary
#
# - Training minimizes a non-convex loss in $10^5$ or more dimensions with only
#   values and gradients. Mini-batches make each gradient cheap (vectorised
#   cost per example falls) and good enough (noise $\sigma^2/B$).
# - **SGD** steps against the gradient; on a surface with condition number
#   $\kappa$ it zig-zags across the steep directions and crawls along the flat
#   ones, and it diverges for $\eta > 2/\lambda_{\max}$.
# - **Momentum** averages gradients into a velocity: speed where they agree,
#   damping where they alternate, at the price of overshoot. **Nesterov**
#   evaluates the gradient at the look-ahead point and brakes earlier.
# - **AdaGrad** scales each parameter by its accumulated gradient size; its
#   step only shrinks, which slows it on long or changing problems.
#   **RMSprop** forgets old gradients with decay $\rho$; **AdaDelta** replaces
#   $\eta$ by the RMS of past steps, with $\epsilon$ as a hidden scale.
# - **Adam** = momentum + RMSprop + bias correction. The library's folded
#   step (rate $\eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)$, constant $\hat\epsilon$)
#   equals the bias-corrected form of the paper's Algorithm 1 with
#   $\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}$ (checked to $10^{-12}$);
#   without the correction the first steps are 3–6.5 times too large.
# - On MNIST, plain SGD at the original $\eta = 0.01$ ends with a loss several
#   times higher than every other rule after 2,000 updates, in each of five
#   seeds; the others are close together. Given Momentum's effective step, $\eta = 0.1$, SGD ends as
#   low as Momentum: there its handicap was the step size. Adam is a strong
#   default, SGD with momentum a strong alternative.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: Nesterov from Momentum
#
# Write one step of Nesterov momentum **in its original form** (Sutskever et
# al. 2013): evaluate the gradient at the look-ahead point $W + \alpha v$,
# then $v \leftarrow \alpha v - \eta \nabla f(W + \alpha v)$ and
# $W \leftarrow W + v$. Starting from Momentum's code, only the point where
# the gradient is taken changes. The cell then takes 30 steps on the bowl,
# and the self-check compares them with the library's `Nesterov`, which
# stores the look-ahead point $W + \alpha v$ instead of $W$ (section 5).

# %% jupyter={"source_hidden": true} tags=["solution"]
def nesterov_step(w, v, gradient, lr=0.1, momentum=0.9):
    """One step of Nesterov momentum in Sutskever's form; returns the new (w, v)."""
    # BEGIN SOLUTION
    v = momentum * v - lr * gradient(w + momentum * v)
    w = w + v
    # END SOLUTION
    return w, v


w, v = np.array(BOWL_START), np.zeros(2)
my_w, my_v = [w], [v]
for _ in range(30):
    w, v = nesterov_step(w, v, bowl_gradient)
    my_w.append(w)
    my_v.append(v)
my_w, my_v = np.array(my_w), np.array(my_v)

# %% tags=["self-check"]
library = descend(Nesterov(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START)
assert np.allclose(library, my_w + 0.9 * my_v, rtol=0, atol=1e-12), \
    "not the same rule as the library's: check where you take the gradient"
assert not np.allclose(my_w, descend(Momentum(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START))
print("Exercise 1: correct (the library stores W + alpha v)")

# %% [markdown]
# ### Exercise 2: the largest stable SGD step
#
# Find, by experiment, the largest learning rate for which SGD still
# converges on the bowl from $(-7, 2)$ (say: ends within 0.01 of the minimum
# after 500 steps), to two decimals. Then explain the number from the
# curvature: write the update of $y$ as $y \leftarrow (1 - \eta \lambda)\,y$
# with $\lambda$ the second derivative in $y$, and find when $|1 - \eta\lambda| < 1$.
# Put your explanation in `explanation`; the self-check tests the number.

# %% jupyter={"source_hidden": true} tags=["solution"]
def converges(lr):
    return distance(descend(SGD(lr=lr), bowl_gradient, BOWL_START, steps=500))[-1] < 0.01


# BEGIN SOLUTION
low, high = 0.5, 1.5          # converges at 0.5, not at 1.5
for _ in range(30):           # bisection
    middle = (low + high) / 2
    low, high = (middle, high) if converges(middle) else (low, middle)
largest_stable_lr = low
explanation = ("y <- (1 - 2 lr) y: the curvature in y is lambda = 2, and |1 - 2 lr| < 1 needs lr < 2/lambda = 1. "
               "In x the curvature is 0.1, which would allow lr < 20: the steepest direction sets the limit.")
# END SOLUTION
print("largest stable learning rate:", round(largest_stable_lr, 2))

# %% tags=["self-check"]
def sgd_ends_near_minimum(lr):
    with np.errstate(over="ignore", invalid="ignore"):   # a learning rate far too large overflows
        return bool(distance(descend(SGD(lr=lr), bowl_gradient, BOWL_START, steps=500))[-1] < 0.01)


your_lr = float(largest_stable_lr)
assert your_lr > 0, "a learning rate is a positive number"
assert sgd_ends_near_minimum(your_lr), (
    "with your learning rate SGD does not end within 0.01 of the minimum after 500 steps: it is too large")
assert not sgd_ends_near_minimum(your_lr + 0.01), (
    "SGD still converges at your learning rate + 0.01: the largest stable one is higher")
print("Exercise 2: correct (the limit is 2 / 2 = 1 for convergence at all; a little less within 500 steps)")

# %% [markdown]
# ### Exercise 3: Adam without momentum
#
# **Predict first.** What does $\beta_1 = 0$ (no first-moment averaging) do to
# Adam's path on the bowl (η = 0.3, 30 steps from $(-7, 2)$)?
#
# - A: it still swings past the minimum in $x$, as with $\beta_1 = 0.9$;
# - B: it approaches $x = 0$ from one side without overshooting, and ends
#   farther from the minimum than with $\beta_1 = 0.9$ after 30 steps;
# - C: it diverges.
#
# Set `prediction` to "A", "B" or "C" and run the self-check, which runs the
# experiment. Then explain: what is Adam with $\beta_1 = 0$?

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "B"
# With beta1 = 0, m = g: Adam becomes RMSprop (rho = beta2) with bias correction. Nothing carries
# it past the minimum, so x approaches 0 from one side; its steps (about 0.3 at first) shrink as
# the gradient falls below the long-memory RMS of beta2 = 0.999, so after 30 steps it is still at
# x = -1.15, farther away than the momentum version, which overshoots but gets closer.
# END SOLUTION

# %% tags=["self-check"]
no_momentum = descend(Adam(lr=0.3, beta1=0.0), bowl_gradient, BOWL_START)
with_momentum = descend(Adam(lr=0.3, beta1=0.9), bowl_gradient, BOWL_START)
overshoots = bool(no_momentum[:, 0].max() > 0)
outcome = "C" if not np.all(np.isfinite(no_momentum)) or distance(no_momentum)[-1] > 10 else (
    "A" if overshoots else "B")
assert with_momentum[:, 0].max() > 0 and distance(no_momentum)[-1] > distance(with_momentum)[-1]
largest_x, end_distance = float(no_momentum[:, 0].max()), float(distance(no_momentum)[-1])
what_to_look_at = {
    "A": f"does it swing past x = 0? The largest x it reaches is {largest_x:.2f}",
    "B": f"does it stay at x < 0 and end farther away? Its largest x is {largest_x:.2f}, and after 30 steps "
         f"it is {end_distance:.2f} from the minimum, against {distance(with_momentum)[-1]:.2f} with beta1 = 0.9",
    "C": f"does it diverge? After 30 steps it is {end_distance:.2f} from the minimum",
}
assert prediction in what_to_look_at, 'set prediction to "A", "B" or "C"'
assert prediction == outcome, f"not what the experiment shows ({what_to_look_at[prediction]}); plot no_momentum"
print("Exercise 3: correct")

# %% [markdown]
# ### Exercise 4: AdaDelta's hidden learning rate
#
# Section 8 showed that AdaDelta's first step is
# $\sqrt{\epsilon}\,|g|/\sqrt{(1-\rho)g^2 + \epsilon}$. Find the $\epsilon$
# that makes the first step in $x$ on the bowl exactly 0.5 (with
# $\rho = 0.9$; at the start $g_x = -0.7$). Solve the formula for $\epsilon$
# by hand, then check it with the library.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# step^2 ((1 - rho) g^2 + eps) = eps g^2  =>  eps = step^2 (1 - rho) g^2 / (g^2 - step^2)
g, step, rho = 0.7, 0.5, 0.9
eps_for_half_step = step ** 2 * (1 - rho) * g ** 2 / (g ** 2 - step ** 2)
# END SOLUTION
print("eps:", round(eps_for_half_step, 5))

# %% tags=["self-check"]
first_x_step = abs(descend(AdaDelta(decay_rate=0.9, eps=eps_for_half_step), bowl_gradient, BOWL_START, 1)[1, 0] + 7)
assert abs(first_x_step - 0.5) < 1e-9, f"your eps gives a first step of {first_x_step:.4f}"
print("Exercise 4: correct")

# %% [markdown]
# ## Terms introduced in this chapter
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
# | condition number | 条件数 | 条件数 | ratio of the largest to the smallest curvature; large values make SGD zig-zag and crawl |
# | momentum | モーメンタム | 动量 | a velocity that accumulates past gradients, v ← αv − η∇L |
# | Nesterov accelerated gradient | ネステロフの加速勾配法 | Nesterov 加速梯度 | momentum with the gradient taken at the look-ahead point W + αv |
# | adaptive learning rate | 適応的学習率 | 自适应学习率 | a step size per parameter, set from the history of its gradients (AdaGrad, RMSprop, Adam) |
# | effective learning rate | 実効学習率 | 有效学习率 | the step size a parameter actually gets once everything that scales η is included, e.g. η/√h in AdaGrad (or η/‖W‖² under BatchNorm, ch. 3) |
# | exponential moving average | 指数移動平均 | 指数移动平均 | an average in which a value k steps old has weight (1 − ρ)ρᵏ |
# | bias correction | バイアス補正 | 偏差修正 | Adam's division by 1 − βᵗ that removes the pull of zero-initialised averages towards zero |
# | saddle point | 鞍点 | 鞍点 | a point with zero gradient that is a minimum in some directions and a maximum in others |
#
# See the whole [glossary](glossary.md).

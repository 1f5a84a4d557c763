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
# - compute, for any learning rate and momentum, how fast Momentum converges
#   on a quadratic (the spectral radius of the heavy-ball iteration), and read
#   Polyak's best setting and the edge of divergence off a map;
# - explain why noisy gradients stop every method with a constant step in a
#   "noise ball" whose size grows with the step, and why Momentum does not
#   average the noise away;
# - read the MNIST comparison of the original book ("Deep Learning from
#   Scratch", ch. 6), extended to all seven rules, and choose an optimizer for a
#   new problem;
# - check a learning rate early with the update-to-weight ratio, and beat the
#   best constant learning rate with a schedule (step decay, cosine annealing,
#   warm-up).

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
    Run,
    build_network,
    by_label,
    optimizer_compare_mnist,
    seed_pairs,
    sgd_learning_rates,
    train_run,
)
from common.experiments.parallel import run_parallel
from common.networks import MultiLayerNet
from common.optimizers import OPTIMIZERS, SGD, AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from common.schedules import Constant, Cosine, StepDecay, Warmup, schedule_values
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
# badly conditioned problems. (Section 12 derives these numbers and maps
# the rate for every pair of $\eta$ and $\alpha$.)

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
# section 14, although $\rho = 0.99$ would do better there.

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
# ## 12. A map of Momentum's speed
#
# Section 4 quoted Polyak's best setting for the bowl, and the slider at the
# end of this section lets you try any other. On a quadratic we need not
# try: Momentum's speed has a formula, and we can draw it for every pair
# $(\eta, \alpha)$ at once.
#
# The bowl's gradient is $(\lambda_1 x,\ \lambda_2 y)$ with the curvatures
# $\lambda_1 = 0.1$ and $\lambda_2 = 2$, so each coordinate moves on its own.
# Take one coordinate $w$ with curvature $\lambda$. Momentum's velocity is
# its last step, $v_k = w_k - w_{k-1}$, so the update
# $v \leftarrow \alpha v - \eta\lambda w$, $w \leftarrow w + v$ reads
#
# $$w_{k+1} = w_k - \eta\lambda\, w_k + \alpha\,(w_k - w_{k-1}):$$
#
# a gradient step plus $\alpha$ times the previous step. This is the
# **heavy-ball method** in the form Polyak (1964) wrote it. The state is the
# pair $(w_k, w_{k-1})$, and each step multiplies it by the same matrix:
#
# $$\begin{pmatrix} w_{k+1} \\ w_k \end{pmatrix} =
# \begin{pmatrix} 1+\alpha-\eta\lambda & -\alpha \\ 1 & 0 \end{pmatrix}
# \begin{pmatrix} w_k \\ w_{k-1} \end{pmatrix}.$$
#
# After many steps the error shrinks, per step, by the largest absolute
# value of the matrix's eigenvalues, its **spectral radius** $\rho$. The
# eigenvalues $z$ solve $z^2 - b z + \alpha = 0$ with $b = 1+\alpha-\eta\lambda$:
#
# - if $b^2 \ge 4\alpha$ the roots are real, and the larger $|z|$ is
#   $\bigl(|b| + \sqrt{b^2 - 4\alpha}\bigr)/2$;
# - otherwise they are a complex pair whose product is $\alpha$, so
#   $|z| = \sqrt\alpha$: the coordinate spirals in at a speed set by
#   $\alpha$ alone (the $\sqrt{0.9} \approx 0.95$ of section 4).
#
# On the bowl $\rho(\eta, \alpha)$ is the larger of the two coordinates'
# values. Three facts follow from the formula:
#
# - **Plain SGD** ($\alpha = 0$) has $\rho = \max_\lambda |1 - \eta\lambda|$,
#   smallest at $\eta = 2/(\lambda_{\min} + \lambda_{\max}) \approx 0.952$,
#   where $\rho = (\kappa - 1)/(\kappa + 1) \approx 0.905$. The original
#   book's $\eta = 0.95$ for SGD on this bowl sits almost exactly there.
# - **Polyak's setting** puts both coordinates on a double root
#   ($b^2 = 4\alpha$): $\eta = 4/(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2$,
#   $\alpha = \bigl((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\bigr)^2$, and
#   $\rho = \sqrt\alpha = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$.
# - **The edge of stability.** For $0 \le \alpha < 1$, $\rho < 1$ exactly when
#   $0 < \eta < 2(1+\alpha)/\lambda_{\max}$; at the edge, $z = -1$ is a root.
#   Momentum *widens* the range of stable learning rates: on the bowl up to
#   $\eta = 1.9$ for $\alpha = 0.9$, against $\eta = 1$ for SGD.
#
# The function below computes $\rho$; we check it against numpy's
# eigenvalues of the matrix, then against the three facts.

# %%
BOWL_CURVATURES = (mu_curv, L_curv)   # 0.1 and 2, the second derivatives of x²/20 and y²


def heavy_ball_rate(lr, momentum, curvatures=BOWL_CURVATURES):
    """Spectral radius of Momentum (the heavy ball) on a quadratic with these curvatures.

    For each curvature lam, the largest |z| with z² - (1 + momentum - lr lam) z + momentum = 0;
    then the largest over the curvatures. lr and momentum may be arrays (they broadcast).
    """
    lr, momentum = np.asarray(lr, dtype=float), np.asarray(momentum, dtype=float)
    rate = np.zeros(np.broadcast(lr, momentum).shape)
    for curvature in curvatures:
        b = 1 + momentum - lr * curvature
        discriminant = b ** 2 - 4 * momentum
        real_roots = (np.abs(b) + np.sqrt(np.maximum(discriminant, 0))) / 2
        rate = np.maximum(rate, np.where(discriminant >= 0, real_roots, np.sqrt(momentum)))  # complex: sqrt(alpha)
    return rate


rng = np.random.default_rng(0)
some_lrs, some_alphas = 10 ** rng.uniform(-3, 0.3, 200), rng.uniform(0, 0.99, 200)
by_eigenvalues = [max(np.abs(np.linalg.eigvals([[1 + a - lr * c, -a], [1, 0]])).max() for c in BOWL_CURVATURES)
                  for lr, a in zip(some_lrs, some_alphas)]
assert np.allclose(heavy_ball_rate(some_lrs, some_alphas), by_eigenvalues, rtol=0, atol=1e-9)

sqrt_kappa = np.sqrt(kappa)
POLYAK = (best_momentum.lr, best_momentum.momentum)          # section 4's setting
BEST_SGD = (2 / (mu_curv + L_curv), 0.0)
print(f"best SGD:  eta = {BEST_SGD[0]:.4f}, alpha = 0,     rho = {heavy_ball_rate(*BEST_SGD):.4f}"
      f"   (kappa - 1)/(kappa + 1) = {(kappa - 1) / (kappa + 1):.4f}")
print(f"Polyak:    eta = {POLYAK[0]:.4f}, alpha = {POLYAK[1]:.4f}, rho = {heavy_ball_rate(*POLYAK):.4f}"
      f"   (sqrt(kappa) - 1)/(sqrt(kappa) + 1) = {(sqrt_kappa - 1) / (sqrt_kappa + 1):.4f}")
print(f"the bowl's settings: SGD eta = 0.95: rho = {heavy_ball_rate(0.95, 0.0):.4f};",
      f"Momentum eta = 0.1, alpha = 0.9: rho = {heavy_ball_rate(0.1, 0.9):.4f} = sqrt(0.9)")
assert abs(heavy_ball_rate(*BEST_SGD) - (kappa - 1) / (kappa + 1)) < 1e-12
assert abs(heavy_ball_rate(*POLYAK) - (sqrt_kappa - 1) / (sqrt_kappa + 1)) < 1e-9
assert abs(heavy_ball_rate(0.1, 0.9) - np.sqrt(0.9)) < 1e-12          # both coordinates spiral: rho = sqrt(alpha)

# The map over the slider's ranges: eta from 1e-3 to 10^0.3 (log scale), alpha from 0 to 0.99.
map_lrs, map_alphas = np.geomspace(1e-3, 10 ** 0.3, 301), np.linspace(0, 0.99, 199)
LR, ALPHA = np.meshgrid(map_lrs, map_alphas)
rate_map = heavy_ball_rate(LR, ALPHA)
edge = 2 * (1 + ALPHA) / L_curv
assert np.all(rate_map[LR > edge] >= 1) and np.all(rate_map[LR < edge] < 1)  # diverges exactly beyond the edge
assert rate_map.min() > heavy_ball_rate(*POLYAK)                             # no point of the map beats Polyak's
edge_at_polyak = 2 * (1 + POLYAK[1]) / L_curv
print(f"the edge at Polyak's alpha: eta = {edge_at_polyak:.4f}; Polyak's eta is "
      f"{100 * (1 - POLYAK[0] / edge_at_polyak):.1f}% below it")
assert 0.95 * edge_at_polyak < POLYAK[0] < edge_at_polyak                 # less than 5 % inside the edge
assert heavy_ball_rate(0.1, 0.9) > heavy_ball_rate(*BEST_SGD)              # the original Momentum: slower than best SGD

# %% [markdown]
# **Predict before you run:** on the map below, where does the original
# setting $\eta = 0.1$, $\alpha = 0.9$ lie, and does it converge faster or
# slower than the best plain SGD? The cell also runs three settings for a
# few hundred steps and fits the slope of $\log(\text{distance})$ against
# the step: the measured factor per step.

# %%
def fitted_rate(path, first, last):
    """The measured factor per step: exp of the slope of log(distance to the minimum) over steps first..last."""
    steps = np.arange(first, last + 1)
    return float(np.exp(np.polyfit(steps, np.log(distance(path)[steps]), 1)[0]))


RATE_RUNS = {  # name: (eta, alpha, first and last step of the fit); alpha = 0 is plain SGD
    "SGD, η = 0.95": (0.95, 0.0, (50, 300)),
    "Momentum, η = 0.1, α = 0.9": (0.1, 0.9, (100, 600)),
    "Polyak, η = 1.336, α = 0.403": (*POLYAK, (50, 300)),
}
RATE_COLORS = dict(zip(RATE_RUNS, [color("SGD"), color("Momentum"), "black"]))
rate_paths, measured_rate = {}, {}
for name, (lr, alpha, (first, last)) in RATE_RUNS.items():
    rate_paths[name] = descend(Momentum(lr=lr, momentum=alpha), bowl_gradient, BOWL_START, steps=last)
    measured_rate[name] = fitted_rate(rate_paths[name], first, last)
    print(f"{name:29s} predicted rho = {heavy_ball_rate(lr, alpha):.4f}, measured {measured_rate[name]:.4f}")
    assert abs(np.log(measured_rate[name]) / np.log(heavy_ball_rate(lr, alpha)) - 1) < 0.03  # within 3 %

spiral_band = (map_lrs > 0.03) & (map_lrs < 1.85)                     # at alpha = 0.9 ...
assert np.all(rate_map[np.isclose(map_alphas, 0.9)][0, spiral_band] == np.sqrt(0.9))  # ... rho = sqrt(0.9), whatever eta

slider_lrs, slider_alphas = np.meshgrid(10 ** np.linspace(-3, 0.3, 133), np.linspace(0, 0.99, 199))  # the slider's positions
on_slider = heavy_ball_rate(slider_lrs, slider_alphas)
best = np.unravel_index(on_slider.argmin(), on_slider.shape)
print(f"best slider position: eta = {slider_lrs[best]:.3f}, alpha = {slider_alphas[best]:.3f}, rho = {on_slider[best]:.4f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
ax = axes[0]
filled = ax.contourf(LR, ALPHA, np.ma.masked_where(rate_map >= 1, rate_map),
                     levels=[0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0], cmap="viridis")
ax.contourf(LR, ALPHA, (rate_map >= 1).astype(float), levels=[0.5, 1.5], colors="0.8")
ax.plot(2 * (1 + map_alphas) / L_curv, map_alphas, "k--", lw=1, label=r"edge $\eta = 2(1 + \alpha)/\lambda_{\max}$")
ax.text(1.55, 0.15, "diverges", fontsize=9, rotation=90)
ax.plot(*BEST_SGD, "o", color=color("SGD"), ms=8, label=f"best SGD, ρ = {heavy_ball_rate(*BEST_SGD):.3f}")
ax.plot(0.1, 0.9, "s", color=color("Momentum"), ms=7, label=f"original Momentum, ρ = {heavy_ball_rate(0.1, 0.9):.3f}")
ax.plot(*POLYAK, "*", color="white", mec="black", ms=14, label=f"Polyak, ρ = {heavy_ball_rate(*POLYAK):.3f}")
ax.set(xscale="log", xlabel="learning rate η", ylabel="momentum α",
       title="ρ(η, α) on the bowl: the error's factor per step")
ax.legend(fontsize=7, loc="upper left")
fig.colorbar(filled, ax=ax, label="ρ")
for name, path in rate_paths.items():
    lr, alpha, (first, last) = RATE_RUNS[name]
    axes[1].semilogy(distance(path), color=RATE_COLORS[name], lw=1.2, label=name)
    k = np.arange(first, last + 1)
    axes[1].semilogy(k, distance(path)[first] * heavy_ball_rate(lr, alpha) ** (k - first), "--", color="0.3", lw=0.8)
axes[1].plot([], [], "--", color="0.3", lw=0.8, label="slope of ρᵏ (predicted)")
axes[1].set(xlabel="step", ylabel="distance to the minimum", title="measured distance and predicted rate",
            ylim=(1e-30, 20))
axes[1].legend(fontsize=8)
save_figure(fig, "01_momentum_map")
plt.show()

# %% [markdown]
# The map is `images/01_momentum_map.png`. Read it from the bottom. Along
# $\alpha = 0$ (plain SGD) the rate falls to $0.905$ at $\eta \approx 0.95$
# and the walk ends at $\eta = 1$, where SGD starts to diverge. Raising
# $\alpha$ moves that edge to the right (dashed line) and, at learning rates
# near 1, lowers $\rho$, down to Polyak's $0.634$ at $\eta = 1.336$,
# $\alpha = 0.403$: less than 5% inside the edge. The fastest setting uses
# the steep direction to its limit, so a small error in the curvature
# estimate would tip it over. Higher up, in a wide band of learning rates,
# the contours run horizontally: both coordinates spiral, and
# $\rho = \sqrt\alpha$ whatever $\eta$. The original setting sits there, at
# $\rho = \sqrt{0.9} = 0.949$: slower in the long run than the best SGD,
# which is what section 4 saw.
#
# The measured distances (right) fall at the predicted slopes. At Polyak's
# point each coordinate has a double root, so its error shrinks like
# $k\rho^k$ rather than $\rho^k$; a fit from step 50 on still sees a little
# of that factor $k$ and measures $0.639$ instead of $0.634$.
#
# **Try it yourself.** In a live notebook the cell below shows two sliders,
# for Momentum's $\eta$ and $\alpha$, redraws the 30-step path on the bowl
# and prints $\rho$ from the map. Walk across the map: start at the
# original $(0.1, 0.9)$, where the path spirals; move to Polyak's point (the
# nearest slider position is $\eta = 1.334$, $\alpha = 0.405$, with
# $\rho = 0.636$), where it dives straight in; then push $\eta$ past the
# edge $2(1+\alpha)/\lambda_{\max} = 1 + \alpha$ and watch it diverge. (Run
# headless, for instance by nbval, the cell draws nothing visible and does
# no harm.)

# %%
# NBVAL_IGNORE_OUTPUT
# The output is a widget view (two sliders and a plot) that only a live notebook can show;
# its text form depends on the front end, so there is nothing to compare.
try:
    import ipywidgets as widgets
except ImportError:   # ipywidgets is optional: without it this cell does nothing
    widgets = None


def show_momentum(lr=0.1, momentum=0.9):
    with np.errstate(over="ignore", invalid="ignore"):   # beyond the edge the path overflows
        path = descend(Momentum(lr=lr, momentum=momentum), bowl_gradient, BOWL_START)
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    draw_surface(ax, bowl, **BOWL_VIEW)
    draw_path(ax, path, "Momentum")
    ax.set_title(f"η = {lr:.3g}, α = {momentum:.3f}: ρ = {heavy_ball_rate(lr, momentum):.3f}, "
                 f"distance after 30 steps {distance(path)[-1]:.3g}", fontsize=9)
    plt.show()


if widgets is not None:
    display(widgets.interactive(
        show_momentum,
        lr=widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.3, step=0.025, description="η"),
        momentum=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.005, readout_format=".3f",
                                     description="α"),
    ))

# %% [markdown]
# ## 13. Noisy gradients: the noise ball
#
# So far every gradient was exact. On MNIST it is not: a mini-batch
# gradient is the true gradient plus noise whose mean square falls as
# $\sigma^2/B$ (section 2). We add such noise to the bowl. Every step now
# sees
#
# $$g = \nabla f(w) + \sigma\,\xi, \qquad \xi \sim \mathcal N(0, I),$$
#
# with $\sigma = 1$ and a fresh $\xi$ per step from a seeded generator.
#
# Near the minimum the gradient vanishes but the noise does not, so no
# method with a constant step converges: each one settles into a cloud
# around the minimum, a **noise ball**. For SGD, one coordinate with
# curvature $\lambda$ moves by $w \leftarrow (1 - \eta\lambda)\,w - \eta\sigma\xi$.
# Once the cloud has formed, a step leaves the variance $v$ of $w$
# unchanged: $v = (1-\eta\lambda)^2 v + \eta^2\sigma^2$, so
#
# $$v = \frac{\eta\sigma^2}{\lambda\,(2 - \eta\lambda)} \approx \frac{\eta\,\sigma^2}{2\lambda}.$$
#
# The ball grows in proportion to $\eta$, and it is widest along the flat
# direction ($\lambda = 0.1$, that is $x$). The same calculation for
# Momentum, with the state $(w_k, w_{k-1})$ of section 12, gives
#
# $$v = \frac{\eta\sigma^2\,(1+\alpha)}{\lambda\,(1-\alpha)\,\bigl(2(1+\alpha) - \eta\lambda\bigr)}
# \approx \frac{\eta}{1-\alpha}\cdot\frac{\sigma^2}{2\lambda}:$$
#
# for small steps, SGD's ball with $\eta$ replaced by the effective step
# $\eta/(1-\alpha)$. (Yuan, Ying & Sayed 2016 show this equivalence of
# momentum and plain SGD with noisy gradients in general.)
#
# **Predict before you run:** Momentum's velocity averages about the last
# $1/(1-\alpha) = 10$ gradients, and averaging reduces noise. Give it the
# same effective step as SGD at $\eta = 0.1$, that is $\eta = 0.01$ with
# $\alpha = 0.9$. Will its noise ball be smaller than SGD's? And its steps?
#
# We run each method from $(-7, 2)$ for 5,000 steps with 10 noise seeds
# (seeds 0 to 9, one generator each), and measure the noise ball as the
# mean squared distance to the minimum over steps 1,001 to 5,000. These
# paths involve no BLAS sums, so their numbers are exact on every CPU.

# %%
NOISE_SIGMA, NOISE_SEEDS, NOISE_STEPS, BURN_IN = 1.0, range(10), 5000, 1000


def noisy_descend(optimizer, sigma=NOISE_SIGMA, steps=NOISE_STEPS, seeds=NOISE_SEEDS):
    """Paths on the bowl from the gradients (0.1 x, 2 y) + sigma * N(0, I): shape (steps + 1, seeds, 2).

    All seeds run at once, as rows of one array: the update rules work element by element,
    so each row follows its own path (Adam keeps its m and v per element).
    """
    noise = np.stack([np.random.default_rng(seed).standard_normal((steps, 2)) for seed in seeds], axis=1)
    params = {"w": np.tile(np.array(BOWL_START), (len(seeds), 1))}
    path = [params["w"].copy()]
    for k in range(steps):
        optimizer.update(params, {"w": np.array(BOWL_CURVATURES) * params["w"] + sigma * noise[k]})
        path.append(params["w"].copy())
    return np.array(path)


def noise_ball(path):
    """Mean squared distance to the minimum after the burn-in: one value per seed."""
    return np.sum(path[BURN_IN + 1:] ** 2, axis=2).mean(axis=0)


def mean_step(path):
    """Mean length of a step after the burn-in, over steps and seeds."""
    return float(np.sqrt(np.sum(np.diff(path[BURN_IN:], axis=0) ** 2, axis=2)).mean())


def ball_theory(lr, momentum=0.0, sigma=NOISE_SIGMA):
    """The noise ball E|w|^2 of SGD (momentum = 0) or Momentum on the bowl, from the formulas above."""
    c, a = np.array(BOWL_CURVATURES), momentum
    return float(np.sum(lr * sigma ** 2 * (1 + a) / (c * (1 - a) * (2 * (1 + a) - lr * c))))


NOISY = {  # label: (optimizer, predicted ball or None)
    "SGD, η = 0.05": (SGD(lr=0.05), ball_theory(0.05)),
    "SGD, η = 0.1": (SGD(lr=0.1), ball_theory(0.1)),
    "SGD, η = 0.2": (SGD(lr=0.2), ball_theory(0.2)),
    "Momentum, η = 0.01, α = 0.9": (Momentum(lr=0.01, momentum=0.9), ball_theory(0.01, 0.9)),
    "Momentum, η = 0.1, α = 0.9": (Momentum(lr=0.1, momentum=0.9), ball_theory(0.1, 0.9)),
    "Adam, η = 0.1": (Adam(lr=0.1), None),
}
noisy_paths = {label: noisy_descend(optimizer) for label, (optimizer, _) in NOISY.items()}
balls = {label: noise_ball(path) for label, path in noisy_paths.items()}
print(f"{'':28s} {'noise ball, 10 seeds':>22s} {'formula':>8s} {'mean step':>10s}")
for label, (_, predicted) in NOISY.items():
    formula = f"{predicted:8.3f}" if predicted else f"{'':8s}"
    print(f"{label:28s} {balls[label].mean():12.3f} ± {balls[label].std(ddof=1):.3f} {formula} "
          f"{mean_step(noisy_paths[label]):10.4f}")

mean_ball = {label: float(b.mean()) for label, b in balls.items()}
for label, (_, predicted) in NOISY.items():
    if predicted:
        assert abs(mean_ball[label] / predicted - 1) < 0.1, label              # the formulas, within 10 %
assert 1.7 < mean_ball["SGD, η = 0.1"] / mean_ball["SGD, η = 0.05"] < 2.3    # twice the step, twice the ball
assert 1.7 < mean_ball["SGD, η = 0.2"] / mean_ball["SGD, η = 0.1"] < 2.3
same_step = mean_ball["Momentum, η = 0.01, α = 0.9"] / mean_ball["SGD, η = 0.1"]
assert 0.9 < same_step < 1.1, same_step                        # same effective step: the same ball
assert 8 < mean_ball["Momentum, η = 0.1, α = 0.9"] / mean_ball["SGD, η = 0.1"] < 12   # same eta: ten times the ball
shorter = mean_step(noisy_paths["SGD, η = 0.1"]) / mean_step(noisy_paths["Momentum, η = 0.01, α = 0.9"])
assert abs(shorter / np.sqrt((1 + 0.9) / (1 - 0.9)) - 1) < 0.1, shorter   # but steps sqrt(19) = 4.4 times shorter

# %% [markdown]
# The formulas hold: SGD's ball doubles with $\eta$, and Momentum at
# $\eta = 0.01$, $\alpha = 0.9$ ends in the same ball as SGD at $\eta = 0.1$.
# Momentum does not average the noise away. Its velocity does average the
# gradients: its steps are $\sqrt{(1+\alpha)/(1-\alpha)} = \sqrt{19} \approx 4.4$
# times shorter than SGD's (in the velocity, noise terms of opposite signs
# cancel, while a steady drift adds up). But consecutive steps are then
# correlated, and the position wanders just as far. At the bowl's setting $\eta = 0.1$, Momentum's ball is ten times
# SGD's.
#
# Adam's ball at $\sigma = 1$ is close to SGD's at the same $\eta$, which
# is no coincidence. Near the minimum Adam's gradients are mostly noise, so
# $\sqrt{\hat v} \approx \sigma$: Adam moves like Momentum with the gradient
# divided by $\sigma$, that is like SGD with the learning rate $\eta/\sigma$.
# Its ball should then be about $(\eta/\sigma)\,\sigma^2/(2\lambda)$ per
# coordinate: proportional to $\sigma$, not to $\sigma^2$, and its steps
# should keep the same length whatever the noise. We check with
# $\sigma$ from 0.25 to 2.

# %%
SIGMAS = (0.25, 0.5, 1.0, 2.0)
by_sigma = {name: {sigma: noisy_descend(make(), sigma=sigma) for sigma in SIGMAS}
            for name, make in {"SGD": lambda: SGD(lr=0.1), "Adam": lambda: Adam(lr=0.1)}.items()}
ball_by_sigma = {name: np.array([noise_ball(paths[s]).mean() for s in SIGMAS]) for name, paths in by_sigma.items()}
step_by_sigma = {name: np.array([mean_step(paths[s]) for s in SIGMAS]) for name, paths in by_sigma.items()}
adam_as_sgd = np.array([ball_theory(0.1 / sigma, sigma=sigma) for sigma in SIGMAS])   # SGD with eta / sigma
for name in by_sigma:
    print(f"{name:4s} eta = 0.1, sigma = {SIGMAS}: noise ball {np.round(ball_by_sigma[name], 3).tolist()},",
          f"mean step {np.round(step_by_sigma[name], 4).tolist()}")
print("formula of SGD with eta / sigma:", np.round(adam_as_sgd, 3).tolist())
growth = {name: balls[1:] / balls[:-1] for name, balls in ball_by_sigma.items()}   # per doubling of sigma
assert np.allclose(growth["SGD"], 4, rtol=0.01)                # SGD: twice the noise, four times the ball
assert np.all((1.6 < growth["Adam"]) & (growth["Adam"] < 2.5))  # Adam: about twice
assert step_by_sigma["Adam"].max() < 1.15 * step_by_sigma["Adam"].min()          # Adam's steps: the same length,
assert np.all((0.2 * 0.1 < step_by_sigma["Adam"]) & (step_by_sigma["Adam"] < 0.35 * 0.1))  # about 0.3 eta
assert np.allclose(step_by_sigma["SGD"][1:] / step_by_sigma["SGD"][:-1], 2, rtol=0.05)  # SGD's: proportional to sigma
assert np.all(np.abs(ball_by_sigma["Adam"] / adam_as_sgd - 1) < 0.15)           # Adam ~ SGD with eta / sigma

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 6.6), layout="constrained")
NOISY_SHOWN = ["SGD, η = 0.1", "Momentum, η = 0.01, α = 0.9", "Momentum, η = 0.1, α = 0.9", "Adam, η = 0.1"]
for ax, label in zip(axes.ravel(), NOISY_SHOWN):
    draw_surface(ax, bowl, **BOWL_VIEW)
    path = noisy_paths[label][:, 0]                                  # seed 0
    ax.plot(path[:, 0], path[:, 1], "-", lw=0.4, alpha=0.6, color=color(label.split(",")[0]))
    ax.set_title(f"{label}: ball {mean_ball[label]:.2f}", fontsize=9)
ax = axes[1, 1]
steps = np.arange(NOISE_STEPS + 1)
window = np.ones(50) / 50
for label, style in zip(NOISY_SHOWN, ["-", "--", "-", "-"]):
    squared = np.convolve(np.sum(noisy_paths[label] ** 2, axis=2).mean(axis=1), window, mode="same")
    ax.loglog(steps[25:-25], squared[25:-25], style, lw=1, color=color(label.split(",")[0]), label=label)
for label in ("SGD, η = 0.1", "Momentum, η = 0.1, α = 0.9"):
    ax.axhline(NOISY[label][1], color="0.3", ls=":", lw=1)
ax.set(xlabel="step", ylabel="squared distance (mean of 10 seeds)", title="the noise balls form (dotted: formula)")
ax.legend(fontsize=7, loc="lower left")
ax = axes[1, 2]
for name in ball_by_sigma:
    ax.loglog(SIGMAS, ball_by_sigma[name], "o-", color=color(name), label=f"{name}, η = 0.1")
ax.loglog(SIGMAS, adam_as_sgd, ":", color="0.3", label="formula of SGD with η/σ")
ax.set(xlabel="noise σ", ylabel="noise ball", title="SGD's ball grows as σ², Adam's as σ")
ax.set_xticks(SIGMAS, [str(sigma) for sigma in SIGMAS])
ax.tick_params(axis="x", which="minor", labelbottom=False)
ax.legend(fontsize=8)
fig.suptitle("The bowl with noisy gradients (σ = 1 unless stated): paths of seed 0, 5,000 steps from (−7, 2)")
save_figure(fig, "01_noisy_bowl")
plt.show()

# %% [markdown]
# In `images/01_noisy_bowl.png`, every path runs to the minimum and then
# stays in a cloud, shaped like the bowl: wide along the flat $x$, thin along
# the steep $y$. SGD's ball grows fourfold when $\sigma$ doubles, Adam's
# only twofold, as the formula of SGD with $\eta/\sigma$ predicts. Adam's
# steps keep the same length, about $0.03 = 0.3\,\eta$, whatever the noise: its
# division by $\sqrt{\hat v}$ rescales the noise to a fixed size, so a
# constant $\eta$ sets a floor to its jitter that no quietening of the
# gradients removes.
#
# What this means for training: with a constant step, a noisy optimizer
# trades speed for precision. A large step reaches the region of the
# minimum quickly and then jitters in a large ball; a small step jitters
# less but takes long to arrive. Momentum does not escape the trade (at the
# same effective step its ball is the same), and neither does Adam. The way
# out is to change the step during training, large first and small at the
# end: a learning-rate schedule, section 15.

# %% [markdown]
# ## 14. MNIST: the seven rules on a real network
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
first_loss = last_mean | sgd_last_mean                      # seed 0: the runs above
first_test = mnist_test_acc | {result.run.label: result.history["final_test_acc"] for result in sweep}
more_loss = by_label(repeated, lambda result: np.mean(result.history["train_loss"][-WINDOW:]))
more_test = by_label(repeated, lambda result: result.history["final_test_acc"])
seed_loss = {name: np.r_[first_loss[name], more_loss[name]] for name in METHODS}   # 5 values each, one per seed
seed_test = {name: np.r_[first_test[name], more_test[name]] for name in METHODS}
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
# ### A diagnostic: the update-to-weight ratio
#
# It took a sweep of learning rates, 2,000 updates each, to find that SGD at
# $\eta = 0.01$ was too cautious. A cheaper sign is visible within the first
# hundred updates. For each weight matrix $W$, compare the size of one
# update with the size of the weights:
#
# $$r = \frac{\lVert \Delta W \rVert}{\lVert W \rVert},$$
#
# with $\Delta W$ the change that one update makes and $\lVert\cdot\rVert$
# the Frobenius norm (the root of the sum of squares). Karpathy's rule of
# thumb (in the CS231n course notes) is that $r$ should be about $10^{-3}$:
# much smaller and the learning rate is probably too low (at $r = 10^{-4}$
# it takes thousands of updates to change a layer noticeably), much larger
# and it is probably too high.
#
# We measure $r$ for SGD at $\eta = 0.01$ and at $0.1$, for Momentum and
# for Adam, in each of the five weight matrices, over the first 150 updates
# of the five-seed runs above. The loop below replays those updates (same
# initial weights, same mini-batches; it checks that its losses are the
# Trainer's), which costs a few seconds.
#
# **Predict before you run:** which of the four sit near $10^{-3}$? Momentum
# moves like SGD at $\eta = 0.1$ on a steady gradient; will its ratio be the
# same as SGD's at $0.1$?

# %%
# NBVAL_TOLERANCE abs=0.05 rel=0.1
RATIO_UPDATES, RATIO_FROM = 150, 50            # record 150 updates; summarise updates 51 to 150
ratio_runs = (sgd_learning_rates(lrs=(0.01, 0.1), seeds=SEEDS)
              + optimizer_compare_mnist(optimizers=("Momentum", "Adam"), seeds=SEEDS))
stored = {(r.run.label, r.run.init_seed): r.history for r in [*trained, *sweep, *repeated]}
stored.update({("SGD, η = 0.01", seed): history for (label, seed), history in stored.items() if label == "SGD"})
update_ratio = {}                              # label: one array (updates, weight matrices) per seed
for run in ratio_runs:
    network, (name, settings) = build_network(run), run.optimizer
    optimizer, batches = OPTIMIZERS[name](**settings), np.random.default_rng(run.batch_seed)
    weights = [key for key in network.params if key.startswith("W")]
    ratios, losses = np.empty((RATIO_UPDATES, len(weights))), []
    for i in range(RATIO_UPDATES):
        batch = batches.choice(len(x_train), run.trainer["batch_size"])   # with replacement, as the Trainer
        loss, grads = network.loss_and_gradient(x_train[batch], t_train[batch])
        before = [network.params[key].copy() for key in weights]
        optimizer.update(network.params, grads)
        ratios[i] = [np.linalg.norm(network.params[key] - old) / np.linalg.norm(old)
                     for key, old in zip(weights, before)]
        losses.append(loss)
    assert np.allclose(losses, stored[run.label, run.init_seed]["train_loss"][:RATIO_UPDATES], rtol=1e-4)
    update_ratio.setdefault(run.label, []).append(ratios)
update_ratio = {label: np.array(r) for label, r in update_ratio.items()}   # (seeds, updates, weight matrices)
typical = {label: np.median(r[:, RATIO_FROM:, :], axis=(1, 2)) for label, r in update_ratio.items()}
per_layer = {label: np.median(r[:, RATIO_FROM:, :], axis=1) for label, r in update_ratio.items()}  # (seeds, 5)
print(f"update-to-weight ratio, in units of 1e-3: median over the {len(weights)} weight matrices and "
      f"updates {RATIO_FROM + 1} to {RATIO_UPDATES}")
print(seed_summary({label: 1e3 * t for label, t in typical.items()}, digits=2))

assert np.all(typical["SGD, η = 0.01"] < 0.6e-3)                      # every seed: well below 1e-3
assert all(np.all((0.7e-3 < typical[name]) & (typical[name] < 2.5e-3)) for name in ("Momentum", "Adam"))
assert np.all(typical["SGD, η = 0.1"] > 3e-3)                         # every seed: several times above
shorter_steps = typical["SGD, η = 0.1"] / typical["Momentum"]
assert np.all((3 < shorter_steps) & (shorter_steps < 6)), shorter_steps  # same effective step, ~4x shorter steps
spread = {label: layers.mean(axis=0).max() / layers.mean(axis=0).min() for label, layers in per_layer.items()}
assert all(2 < s < 5 for s in spread.values()), spread               # the layers differ by a factor of about 3
for label in ("SGD, η = 0.01", "SGD, η = 0.1"):                       # plain SGD: first and last layer move most
    assert np.all(np.minimum(per_layer[label][:, 0], per_layer[label][:, 4]) > per_layer[label][:, 1:4].max(axis=1))

# %%
RATIO_COLORS = {"SGD, η = 0.01": color("SGD"), "SGD, η = 0.1": color("SGD, η = 0.1"),
                "Momentum": color("Momentum"), "Adam": color("Adam")}
fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
updates = np.arange(1, RATIO_UPDATES + 1)
for label, r in update_ratio.items():
    layer_median = np.median(r, axis=2)                               # (seeds, updates)
    axes[0].semilogy(updates, layer_median.mean(axis=0), color=RATIO_COLORS[label], label=label, lw=1.2)
    axes[0].fill_between(updates, layer_median.min(axis=0), layer_median.max(axis=0), color=RATIO_COLORS[label],
                         alpha=0.2, lw=0)
for ax in axes:
    ax.axhline(1e-3, color="0.3", ls="--", lw=1)
axes[0].axvspan(RATIO_FROM + 1, RATIO_UPDATES, color="0.9", zorder=0)
axes[0].set(xlabel="update", ylabel="‖ΔW‖ / ‖W‖ (median over the 5 layers)",
            title="per update: mean of 5 seeds, band: lowest to highest")
axes[0].legend(fontsize=8)
for position, (label, layers) in enumerate(per_layer.items()):
    x = np.arange(1, layers.shape[1] + 1) + (position - 1.5) * 0.15
    for seed_values in layers:
        axes[1].plot(x, seed_values, "o", ms=3, alpha=0.6, color=RATIO_COLORS[label])
    axes[1].plot([], [], "o", color=RATIO_COLORS[label], label=label)
axes[1].set_yscale("log")
axes[1].set_xticks(range(1, 6), [f"W{k}" for k in range(1, 6)])
axes[1].set(xlabel="weight matrix (W1: input, W5: output)", ylabel=f"median ‖ΔW‖ / ‖W‖, updates {RATIO_FROM + 1}–150",
            title="per layer, one dot per seed (dashed: 10⁻³)")
fig.suptitle("Update-to-weight ratio on MNIST, 784-100-100-100-100-10, batch 128 (the runs above, replayed)")
save_figure(fig, "01_update_ratio")
plt.show()

# %% [markdown]
# The ratio (`images/01_update_ratio.png`) separates the four at once, in
# every seed. SGD at $\eta = 0.01$ changes its weights by about $0.4 \cdot 10^{-3}$
# of their size per update, two to three times less than the rule of thumb;
# Momentum and Adam, which trained well at their default settings, sit at
# $1.2$ to $1.5 \cdot 10^{-3}$. A hundred updates would have flagged
# $\eta = 0.01$ as cautious, without a sweep. The layers differ by a factor
# of about three (with plain SGD the first and the last matrix move most,
# relative to their size), so it pays to look at each layer and not only at
# an average.
#
# Two observations make it a rule of thumb rather than a law. SGD at
# $\eta = 0.1$ sits about five times above $10^{-3}$ and still trained as
# well as Momentum. And Momentum, with the same effective step as SGD at
# $0.1$, has ratios about four times smaller: the noisy bowl of section 13
# showed the reason. Its velocity averages the noise of the mini-batch
# gradients out of each step (for pure noise, steps
# $\sqrt{(1+\alpha)/(1-\alpha)} \approx 4.4$ times shorter), while its
# position drifts as fast. The ratio measures the size of the steps, and
# much of a mini-batch step is noise. Read it for orders of magnitude:
# $10^{-5}$ means nothing is learning, $10^{-1}$ means the weights are being
# thrown around, and $0.4 \cdot 10^{-3}$ suggests trying a larger $\eta$.

# %% [markdown]
# ## 15. Learning-rate schedules
#
# Section 13 ended with a dilemma: a large constant step reaches the region
# of the minimum quickly and then jitters in a large noise ball; a small one
# jitters less but arrives late. A **learning-rate schedule** takes the
# best of both: the learning rate becomes a function of the update number,
# $\eta_t$, large at first and small at the end. Three shapes are common:
#
# - **Step decay**: $\eta_t = \eta_0\,\gamma^{\lfloor t/s \rfloor}$, the rate
#   multiplied by $\gamma$ (often 0.1) every $s$ updates. He et al. (2016)
#   trained their residual networks so, dividing $\eta$ by 10 at fixed
#   points of training.
# - **Cosine annealing** (Loshchilov & Hutter 2017):
#   $\eta_t = \eta_0\,\bigl(1 + \cos(\pi t/T)\bigr)/2$, from $\eta_0$ smoothly
#   down to 0 at the last update $T$.
# - **Linear warm-up** (Goyal et al. 2017): $\eta_t = \eta_0\,(t+1)/W$ for
#   the first $W$ updates, then the schedule. It protects the first updates,
#   made from random initial weights where gradients can be large and
#   erratic, from the full $\eta_0$.
#
# `common.schedules` has them as small objects called with the update number,
# `schedule(t) -> lr`; `schedule_values(schedule, T)` lists a whole run for
# plotting, and the Trainer's `schedule=` sets `optimizer.lr = schedule(t)`
# before update $t$.

# %%
SCHEDULE_UPDATES = 2000
SHAPES = {
    "constant 0.2": Constant(0.2),
    "step decay from 0.4, ÷10 at 1,000": StepDecay(0.4, step=1000, factor=0.1),
    "cosine from 0.4": Cosine(0.4, total=SCHEDULE_UPDATES),
    "warm-up (200) + cosine from 0.8": Warmup(Cosine(0.8, total=SCHEDULE_UPDATES), warmup=200),
}
SCHEDULE_COLORS = {"η = 0.1": "#9ecae1", "η = 0.2": "#3182bd", "η = 0.4": "#08306b", "cosine from 0.4": "#e6550d",
                   "cosine from 0.8": "#fdae6b", "warm-up + cosine from 0.8": "#756bb1"}
fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
for (label, schedule), line_color in zip(SHAPES.items(), ["#3182bd", "0.4", "#e6550d", "#756bb1"]):
    ax.plot(schedule_values(schedule, SCHEDULE_UPDATES), color=line_color, lw=1.5, label=label)
ax.set(xlabel="update t", ylabel=r"learning rate $\eta_t$", title="Learning-rate schedules over 2,000 updates")
ax.legend(fontsize=8)
save_figure(fig, "01_schedules")
plt.show()

cosine_rates = schedule_values(SHAPES["cosine from 0.4"], SCHEDULE_UPDATES)
print("cosine from 0.4: mean rate", round(float(cosine_rates.mean()), 6), " first", cosine_rates[0],
      " middle", round(float(cosine_rates[1000]), 6), " last", f"{cosine_rates[-1]:.2e}")
assert np.isclose(cosine_rates.mean(), 0.2 * (SCHEDULE_UPDATES + 1) / SCHEDULE_UPDATES, rtol=1e-12)  # = 0.2001
assert np.isclose(SHAPES["warm-up (200) + cosine from 0.8"](0), 0.8 / 200, rtol=1e-12)   # first update: 1/200 of the peak

# %% [markdown]
# `images/01_schedules.png` shows the shapes. The cosine from 0.4 has the
# mean rate $0.4\,(T+1)/(2T) = 0.2001$: over the run it moves the weights by
# the same total step size as the constant 0.2. It only takes that step
# early and gives it back at the end.
#
# **The experiment.** A network with one hidden layer (784 → 100 → 10,
# ReLU, He initial weights, float32), plain SGD, 2,000 updates on
# mini-batches of only 20 images drawn with replacement from all 60,000.
# The small batches make the gradients noisy (section 2), the situation of
# section 13. Three constant rates, 0.1, 0.2 and 0.4, bracket the best
# constant. Against them run cosine annealing from 0.4 (twice the middle
# constant, with its mean rate), and from 0.8 with and without a warm-up of
# 200 updates. Five seeds (initial weights and mini-batches) per setting:
# 30 runs side by side, about 13 CPU-seconds. We measure the loss on the
# first 10,000 training images after training (a fixed set, so the number
# does not depend on the last few mini-batches) and the test accuracy.
#
# **Predict before you run:** the cosine run spends its first thousand
# updates above 0.2, and its first 667 above 0.3. Will it end above or
# below the best constant rate?

# %%
# NBVAL_TOLERANCE abs=0.015 rel=0.1
SCHEDULE_SETTINGS = {  # label: (learning rate, schedule or None)
    "η = 0.1": (0.1, None),
    "η = 0.2": (0.2, None),
    "η = 0.4": (0.4, None),
    "cosine from 0.4": (0.4, SHAPES["cosine from 0.4"]),
    "cosine from 0.8": (0.8, Cosine(0.8, total=SCHEDULE_UPDATES)),
    "warm-up + cosine from 0.8": (0.8, SHAPES["warm-up (200) + cosine from 0.8"]),
}
schedule_runs = [
    Run(label, network={"hidden_size_list": [100], "activation": "relu", "weight_init_std": "he"},
        optimizer=("SGD", {"lr": lr}),
        trainer={"iterations": SCHEDULE_UPDATES, "batch_size": 20, "sampling": "replacement"}
        | ({"schedule": schedule} if schedule is not None else {}),
        final_test=True, init_seed=init_seed, batch_seed=batch_seed)
    for init_seed, batch_seed in SEEDS for label, (lr, schedule) in SCHEDULE_SETTINGS.items()]
print(schedule_runs[3].trainer)
scheduled = run_parallel(train_run, schedule_runs, shared=(x_train, t_train, x_test, t_test), description="schedules")

x_fixed, t_fixed = x_train[:10_000], t_train[:10_000]
end_loss = by_label(scheduled, lambda result: float(result.network.loss(x_fixed, t_fixed)))   # {label: 5 seeds}
end_test = by_label(scheduled, lambda result: result.history["final_test_acc"])
print("loss on the first 10,000 training images after 2,000 updates:")
print(seed_summary(end_loss))
print("test accuracy:")
print(seed_summary(end_test))

CONSTANTS = ("η = 0.1", "η = 0.2", "η = 0.4")
cosine = end_loss["cosine from 0.4"]
best_constant_per_seed = np.min([end_loss[label] for label in CONSTANTS], axis=0)
best_constant_mean = min(end_loss[label].mean() for label in CONSTANTS)
assert np.all(cosine < 0.95 * best_constant_per_seed)        # every seed: below all three constants, by > 5 %
assert cosine.mean() < 0.85 * best_constant_mean              # on average: more than 15 % below the best constant
assert end_test["cosine from 0.4"].mean() > max(end_test[label].mean() for label in CONSTANTS) + 0.005
assert cosine.std(ddof=1) < 0.5 * min(end_loss[label].std(ddof=1) for label in CONSTANTS)   # and far less spread
assert end_loss["η = 0.1"].mean() > 1.1 * max(end_loss["η = 0.2"].mean(), end_loss["η = 0.4"].mean())
assert abs(end_loss["η = 0.4"].mean() / end_loss["η = 0.2"].mean() - 1) < 0.2   # 0.2 and 0.4: close on average
assert np.all(end_loss["warm-up + cosine from 0.8"] < 0.85 * end_loss["cosine from 0.8"])  # warm-up: every seed
assert abs(end_loss["warm-up + cosine from 0.8"].mean() / cosine.mean() - 1) < 0.15  # ... close to the cosine from 0.4
assert len({int(np.argmax(end_loss[label])) for label in CONSTANTS}) == 1   # one seed ends highest at every constant

# %% [markdown]
# Why does the peak of 0.8 need its warm-up? We look at the first updates
# of those runs, and at the hidden units after training: a ReLU unit whose
# input is negative for every one of the 10,000 training images outputs 0
# for all of them, gets no gradient, and never learns again (a **dead
# ReLU**).

# %%
# NBVAL_TOLERANCE abs=5 rel=0.25
def dead_units(network, x=x_fixed):
    """Hidden ReLU units of a one-hidden-layer network that output 0 for every image of x."""
    return int(np.sum((x @ network.params["W1"] + network.params["b1"]).max(axis=0) <= 0))


EARLY = 50
early_peak = by_label(scheduled, lambda result: max(result.history["train_loss"][:EARLY]))   # of the first 50
dead = by_label(scheduled, lambda result: dead_units(result.network))
print("dead hidden units (of 100) after training:")
print(seed_summary({label: dead[label] for label in ("cosine from 0.8", "warm-up + cosine from 0.8")}, digits=0))
assert all(25 <= d <= 55 for d in dead["cosine from 0.8"])                      # a third to a half die
assert all(w < d / 2 for w, d in zip(dead["warm-up + cosine from 0.8"], dead["cosine from 0.8"]))
assert max(dead["warm-up + cosine from 0.8"]) <= 15                            # with warm-up, a few
assert all(peak > 3.5 for peak in early_peak["cosine from 0.8"])     # the loss jumps from about 2.4 to above 3.5
assert all(peak < 3 for peak in early_peak["warm-up + cosine from 0.8"])        # not with the warm-up

# %%
fig, axes = plt.subplots(1, 2, figsize=FIGSIZE_WIDE, layout="constrained")
curves = by_label(scheduled, lambda result: np.convolve(result.history["train_loss"], np.ones(WINDOW) / WINDOW,
                                                         mode="valid"))
for label in ("η = 0.2", "η = 0.4", "cosine from 0.4", "cosine from 0.8", "warm-up + cosine from 0.8"):
    axes[0].plot(np.arange(WINDOW, SCHEDULE_UPDATES + 1), np.mean(curves[label], axis=0), lw=1.3,
                 color=SCHEDULE_COLORS[label], label=label)
axes[0].set(yscale="log", xlabel="update", ylabel=f"mini-batch loss, running mean of {WINDOW}, mean of 5 seeds",
            title="training curves")
axes[0].legend(fontsize=8)
for position, (label, seeds) in enumerate(end_loss.items()):
    axes[1].plot(np.full(len(seeds), position), seeds, "o", color=SCHEDULE_COLORS[label], alpha=0.7, ms=5)
    axes[1].errorbar(position + 0.2, seeds.mean(), yerr=seeds.std(ddof=1), fmt="_", color="black", ms=14, capsize=4)
axes[1].set_xticks(range(len(end_loss)), [label.replace(" + ", " +\n").replace(" from", "\nfrom") for label in end_loss],
                   fontsize=8)
axes[1].set(ylabel="loss on 10,000 training images, end", title="end of training: 5 seeds (dots), mean ± sd")
fig.suptitle("MNIST, 784-100-10 ReLU, plain SGD, batch 20, 2,000 updates: constant rates and schedules")
save_figure(fig, "01_schedules_mnist")
plt.show()

# %% [markdown]
# The schedule wins (`images/01_schedules_mnist.png`). Cosine annealing
# from 0.4 ends with a loss about a fifth below the best constant rate; in
# every seed it ends below all three constants, and its test accuracy is
# about one point higher. The large early steps find the low region
# quickly; as the rate falls towards 0, the noise ball of section 13
# shrinks and the weights settle near the bottom of that region. The spread
# over seeds is many times smaller too: a constant rate ends wherever its
# noise ball happens to carry it at the last update (one seed, the third,
# ends highest at all three constant rates), an annealed run ends settled.
# Among the constants, 0.1 is too slow, and 0.2 and 0.4 end close on
# average: the larger step gets further and jitters more.
#
# A peak of 0.8 is too much for the first updates of a fresh network.
# Without a warm-up, the loss jumps within the first 50 updates from about
# 2.4 to above 3.5, and at the end a third to a half of the 100 hidden units
# are dead: capacity lost for good. With 200 updates of warm-up the same
# peak does little harm: the first updates stay calm, only a few units die,
# and the run ends close to the cosine from 0.4. Warm-up matters most where
# the peak rate is high or the first gradients are large, as with very
# large batches (Goyal et al. 2017) and for Adam on transformers (Vaswani
# et al. 2017).

# %% [markdown]
# ## 16. Which optimizer to use?
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
#   than Adam (Wilson et al. 2017). It needs more tuning of $\eta$; on a
#   quadratic, section 12's map shows how $\eta$ and $\alpha$ work together.
# - **RMSprop** is Adam without momentum and without bias correction; it
#   remains popular for recurrent networks and reinforcement learning.
# - **AdaGrad** suits convex problems and sparse features (rare words, rare
#   categories get large steps), not long non-stationary training.
# - **AdaDelta** is rarely chosen today; its $\epsilon$ is a learning rate in
#   disguise.
#
# Whatever you choose, the learning rate is the hyperparameter to tune first
# (chapter 5 shows how). The update-to-weight ratio tells within a hundred
# updates whether it is far off, and a schedule that decays it over the run
# (cosine, with a warm-up when the peak is high) usually beats any constant
# rate. Plain SGD without momentum did fine on the mild bowl and fell far
# behind in Rosenbrock's badly conditioned valley; on MNIST it fell behind at
# $\eta = 0.01$ and caught up at $\eta = 0.1$.

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
# - On a quadratic, Momentum is the **heavy-ball** iteration
#   $w_{k+1} = w_k - \eta\lambda w_k + \alpha(w_k - w_{k-1})$; its speed is the
#   **spectral radius** $\rho(\eta, \alpha)$ of a 2×2 matrix per curvature.
#   The map of $\rho$ shows the best SGD ($\rho = (\kappa-1)/(\kappa+1) = 0.905$
#   on the bowl), Polyak's setting ($\rho = (\sqrt\kappa-1)/(\sqrt\kappa+1) = 0.634$,
#   less than 5% inside the edge of divergence $\eta = 2(1+\alpha)/\lambda_{\max}$)
#   and the band where $\rho = \sqrt\alpha$ whatever $\eta$; measured runs
#   follow it within 3%.
# - **AdaGrad** scales each parameter by its accumulated gradient size; its
#   step only shrinks, which slows it on long or changing problems.
#   **RMSprop** forgets old gradients with decay $\rho$; **AdaDelta** replaces
#   $\eta$ by the RMS of past steps, with $\epsilon$ as a hidden scale.
# - **Adam** = momentum + RMSprop + bias correction. The library's folded
#   step (rate $\eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)$, constant $\hat\epsilon$)
#   equals the bias-corrected form of the paper's Algorithm 1 with
#   $\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}$ (checked to $10^{-12}$);
#   without the correction the first steps are 3–6.5 times too large.
# - With **noisy gradients** and a constant step, every method ends in a
#   **noise ball** around the minimum, $\approx \eta\sigma^2/(2\lambda)$ per
#   direction for SGD. Momentum's ball is SGD's at the effective step
#   $\eta/(1-\alpha)$: its velocity shortens the steps ($\sqrt{19} \approx 4.4$
#   times for $\alpha = 0.9$) but not the wandering. Adam's ball grows as
#   $\sigma$, not $\sigma^2$, and its steps keep a length of about $0.3\,\eta$.
# - On MNIST, plain SGD at the original $\eta = 0.01$ ends with a loss several
#   times higher than every other rule after 2,000 updates, in each of five
#   seeds; the others are close together. Given Momentum's effective step, $\eta = 0.1$, SGD ends as
#   low as Momentum: there its handicap was the step size. Adam is a strong
#   default, SGD with momentum a strong alternative.
# - The **update-to-weight ratio** $\lVert\Delta W\rVert/\lVert W\rVert$ shows
#   a poor learning rate within a hundred updates: about $0.4\cdot10^{-3}$ for
#   SGD at $\eta = 0.01$, $1.2$–$1.5\cdot10^{-3}$ for Momentum and Adam
#   (the rule of thumb is $10^{-3}$), $5\cdot10^{-3}$ for SGD at $\eta = 0.1$.
#   It measures the steps, noise included, so read it for orders of magnitude.
# - A **learning-rate schedule** takes large steps early and small ones late.
#   On a one-hidden-layer network with noisy batches of 20, cosine annealing
#   from 0.4 ends with a training loss about a fifth below the best constant
#   rate (below all three constants in each of five seeds) and about one point
#   more test accuracy. A peak of 0.8 needs a **warm-up**: without it a third
#   to a half of the hidden units die in the first updates.

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
# | heavy-ball method | 重球法（ヘビーボール法） | 重球法 | Polyak's momentum method, w_{k+1} = w_k − η∇f(w_k) + α(w_k − w_{k−1}): a gradient step plus α times the previous step |
# | spectral radius | スペクトル半径 | 谱半径 | the largest absolute value of a matrix's eigenvalues; for a linear iteration, the factor by which the error shrinks per step in the long run |
# | noise ball | ノイズボール | 噪声球 | the region around a minimum in which an optimizer with a constant step keeps wandering because its gradients are noisy; its size grows with the step |
# | update-to-weight ratio | 更新量と重みの比 | 更新量与权重之比 | ‖ΔW‖/‖W‖ of one layer in one update; about 10⁻³ is a rule of thumb for a reasonable learning rate |
# | learning-rate schedule | 学習率スケジュール | 学习率调度 | the learning rate as a function of the update number, η_t, usually large at first and small at the end |
# | step decay | ステップ減衰 | 阶梯衰减 | a schedule that multiplies η by a factor γ (e.g. 0.1) every s updates: η_t = η₀ γ^⌊t/s⌋ |
# | cosine annealing | コサインアニーリング | 余弦退火 | a schedule that lowers η smoothly from η₀ to 0 over T updates: η_t = η₀ (1 + cos(πt/T))/2 |
# | warm-up | ウォームアップ | 预热（warm-up） | raising η linearly from a small value to its peak over the first updates, before the main schedule |
# | dead ReLU | 死んだReLU（dying ReLU） | 死亡ReLU | a ReLU unit whose input is negative for every example: it outputs 0, gets no gradient and never learns again |
#
# See the whole [glossary](glossary.md).

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
# # 1.2 SGD, Momentum and Nesterov on the bowl
#
# Gradient descent steps against the gradient. This section watches it do so
# on a surface we can see, finds the weakness that every later method tries
# to fix, and builds the first fix: a ball with momentum, and Nesterov's
# version of it that looks ahead.
#
# **Learning goals.** After this section you can
#
# - read the library's `SGD`, `Momentum` and `Nesterov` and match each line to
#   its formula;
# - predict from the curvatures of a surface when plain SGD zig-zags, how fast
#   it crawls, and which learning rates make it diverge;
# - explain what momentum adds (speed where gradients agree, damping where
#   they alternate) and what it costs (overshoot);
# - explain why the library's Nesterov stores the look-ahead point, and
#   convert between the two forms.

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

from common.display.plot import save_figure
from common.display.source import show
from common.display.surfaces import contour_with_paths, gradient_field_and_path, paths_and_distance
from common.optimizers import SGD, Momentum, Nesterov
from common.toy_problems import BOWL_CURVATURES, BOWL_START, bowl_gradient, descend, distance

# %% [markdown]
# ## SGD and the anisotropic bowl
#
# Plain SGD steps against the gradient:
#
# $$W \leftarrow W - \eta \,\frac{\partial L}{\partial W}.$$
#
# In the library, as in every optimizer of `common.optimizers`, the rule is
# one line in a method that updates the arrays of `params` in place (a
# network holds references to the same arrays):

# %%
show(SGD)

# %% [markdown]
# Its weakness shows on the bowl
#
# $$f(x, y) = \frac{x^2}{20} + y^2, \qquad \nabla f = \Bigl(\frac{x}{10},\ 2y\Bigr),$$
#
# whose minimum is at the origin. Its second derivatives, the curvatures, are
# $\lambda_{\min} = 0.1$ along $x$ and $\lambda_{\max} = 2$ along $y$; their
# ratio, the **condition number** $\kappa = \lambda_{\max}/\lambda_{\min}$,
# is 20. The loss surfaces of deep networks have such badly scaled
# directions too, usually with far larger ratios. As in the original book
# ("Deep Learning from Scratch", ch. 6), we start at $(-7, 2)$ and take 30
# steps. At the start the gradient is $(-0.7, 4)$: it points almost straight
# across the bowl, not at the minimum.
#
# The bowl, its gradient and the loop that runs an optimizer on it live in
# `common/toy_problems.py`. The loop is the training loop of a network with
# a single "weight", the point $(x, y)$:

# %%
show(descend)

# %%
sgd_path = descend(SGD(lr=0.95), bowl_gradient, BOWL_START)
fig = gradient_field_and_path(sgd_path, "SGD, η = 0.95")
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
# enough for the steep direction ($|1 - 2\eta| < 1$, that is $\eta < 1$) is
# tiny for the flat one, whose progress per step is at best $0.1\eta < 0.1$.
# The condition number sets the speed of SGD.

# %%
def y_sign_changes(path):
    """How often the y-step changes sign along a path: 29 of 29 in 30 steps is a perfect zig-zag."""
    steps = np.diff(path[:, 1])
    return int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))


print("SGD: sign changes of the y-step in 30 steps:", y_sign_changes(sgd_path), "of 29 possible")
assert y_sign_changes(sgd_path) == 29                                               # a perfect zig-zag
assert np.allclose(sgd_path[-1], [-7 * 0.905 ** 30, 2 * (-0.9) ** 30], rtol=1e-12)  # the two factors
print("SGD after 30 steps: (x, y) =", np.round(sgd_path[-1], 3).tolist(),
      " distance to the minimum:", round(float(distance(sgd_path)[-1]), 3))

# %% [markdown]
# ## Momentum
#
# Picture a ball rolling on the surface. The gradient is a force that changes
# its **velocity** $v$; friction slowly takes speed away; the position follows
# the velocity (Polyak 1964):
#
# $$v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}, \qquad W \leftarrow W + v.$$
#
# $\alpha \in [0, 1)$ is the momentum coefficient (1 minus the friction),
# usually 0.9, and $\alpha = 0$ gives back SGD. In the library the velocity
# is a dict of arrays, one per parameter, created as zeros at the first
# update:

# %%
show(Momentum)

# %% [markdown]
# Two effects follow from the formula:
#
# - In a direction where the gradient keeps its sign, steps add up. On a
#   constant slope $g$ the velocity tends to $-\eta g/(1-\alpha)$: ten times the
#   SGD step for $\alpha = 0.9$.
# - In a direction where the gradient flips sign at every step, the
#   contributions cancel and the oscillation is damped.
#
# Both should help on the bowl: speed along the flat $x$, calm along the
# steep $y$. The original book's setting is $\eta = 0.1$, $\alpha = 0.9$.

# %%
momentum_path = descend(Momentum(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START)
fig = paths_and_distance({"SGD, η = 0.95": ("SGD", sgd_path), "Momentum, η = 0.1, α = 0.9": ("Momentum", momentum_path)})
save_figure(fig, "01_momentum")
plt.show()

# %%
closest = {"SGD": float(distance(sgd_path).min()), "Momentum": float(distance(momentum_path).min())}
final = {"SGD": float(distance(sgd_path)[-1]), "Momentum": float(distance(momentum_path)[-1])}
print("y-step sign changes:", {"SGD": y_sign_changes(sgd_path), "Momentum": y_sign_changes(momentum_path)})
print("closest approach in 30 steps:", {k: round(v, 3) for k, v in closest.items()})
print("distance after 30 steps:     ", {k: round(v, 3) for k, v in final.items()})
assert y_sign_changes(momentum_path) == 4            # no zig-zag: y changes direction only 4 times
assert closest["Momentum"] < closest["SGD"] / 2      # it gets more than twice as close to the minimum ...
assert final["Momentum"] > final["SGD"]              # ... but ends farther away than SGD

longer = descend(Momentum(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START, steps=60)
turn = int(longer[:, 0].argmax())
print("Momentum: x after 30 steps", round(float(momentum_path[-1, 0]), 3),
      "(its largest x in 30 steps is at step", int(momentum_path[:, 0].argmax()), ");",
      "in a 60-step run x is largest at step", turn, "and then falls back to", round(float(longer[-1, 0]), 3))
assert momentum_path[-1, 0] > 0 and momentum_path[:, 0].argmax() == 30  # past x = 0, still moving away at step 30
assert turn == 35 and longer[-1, 0] < longer[turn, 0]                     # it turns back at step 35

# %% [markdown]
# The ball does what the formula promised. The step-by-step zig-zag is gone
# (the $y$-step changes direction 4 times instead of 29; what is left is a
# slow swing), and the speed gathered along $x$ takes Momentum, within 30
# steps, more than twice as close to the minimum as SGD ever gets.
#
# It also shows momentum's weakness: a ball does not stop where the valley is
# lowest. It rolls past $x = 0$, and at step 30 it is still moving away from
# the minimum, so it ends farther away than SGD. A longer run shows it
# turning back at step 35 and spiralling in.
#
# The original settings are not tuned for this bowl. For a quadratic with
# curvatures between $\lambda_{\min}$ and $\lambda_{\max}$ Polyak (1964)
# found the best pair,
#
# $$\eta = \frac{4}{\bigl(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}\bigr)^2}, \qquad
# \alpha = \Bigl(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Bigr)^2,$$
#
# which shrinks the error by $(\sqrt\kappa-1)/(\sqrt\kappa+1)$ per step in
# the long run, against $(\kappa-1)/(\kappa+1)$ for the best SGD. The gap
# grows with $\kappa$: that square root is why momentum matters on badly
# conditioned problems. (Section 1.5, optional, derives these rates and maps
# them for every pair of $\eta$ and $\alpha$.)

# %%
lambda_min, lambda_max = BOWL_CURVATURES
kappa = lambda_max / lambda_min
best_momentum = Momentum(lr=4 / (np.sqrt(lambda_max) + np.sqrt(lambda_min)) ** 2,
                         momentum=((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
tuned_path = descend(best_momentum, bowl_gradient, BOWL_START)
print(f"Polyak's setting: eta = {best_momentum.lr:.3f}, alpha = {best_momentum.momentum:.3f};",
      f"distance after 30 steps: {distance(tuned_path)[-1]:.1e} (SGD: {distance(sgd_path)[-1]:.3f})")
print(f"factor per step: Polyak {(np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1):.3f},",
      f"best SGD {(kappa - 1) / (kappa + 1):.3f}")
assert distance(tuned_path)[-1] < 1e-3 * distance(sgd_path)[-1]   # a thousand times closer than SGD

# %% [markdown]
# ## Nesterov momentum: look ahead, then correct
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
# (with the new $v$) which needs only the gradient at the stored point. That
# is what the library's `Nesterov` does:

# %%
show(Nesterov)

# %% [markdown]
# So the points a `Nesterov` optimizer visits, and the path drawn below, are
# the look-ahead points $\tilde W$, not the $W$ of Sutskever's form
# (Exercise 1 recovers those). Both sequences end at the same minimum, since
# $\tilde W - W = \alpha v$ goes to zero with the velocity. We use the same
# $\eta = 0.1$, $\alpha = 0.9$ as for Momentum.

# %%
nesterov_path = descend(Nesterov(lr=0.1, momentum=0.9), bowl_gradient, BOWL_START)
fig = contour_with_paths({"Momentum, η = 0.1, α = 0.9": ("Momentum", momentum_path),
                          "Nesterov (look-ahead points), η = 0.1, α = 0.9": ("Nesterov", nesterov_path)},
                         "Nesterov brakes earlier than Momentum")
save_figure(fig, "01_nesterov")
plt.show()

# %%
print("closest approach:", {"Momentum": round(float(distance(momentum_path).min()), 3),
                            "Nesterov": round(float(distance(nesterov_path).min()), 3)})
print("distance after 30 steps:", {"Momentum": round(float(distance(momentum_path)[-1]), 3),
                                   "Nesterov": round(float(distance(nesterov_path)[-1]), 3)})
print("deepest swing below y = 0:", {"Momentum": round(float(momentum_path[:, 1].min()), 3),
                                     "Nesterov": round(float(nesterov_path[:, 1].min()), 3)})
assert distance(nesterov_path).min() < distance(momentum_path).min()
assert distance(nesterov_path)[-1] < distance(momentum_path)[-1]
assert abs(nesterov_path[:, 1].min()) < 0.7 * abs(momentum_path[:, 1].min())  # smaller swings in y

# %% [markdown]
# Same settings, tighter path: Nesterov's swings in $y$ are smaller, it comes
# closer to the minimum and it is closer after 30 steps. The look-ahead costs
# nothing extra: one gradient per step, as before.

# %% [markdown]
# ## Summary
#
# - **SGD**, $W \leftarrow W - \eta\,\partial L/\partial W$, multiplies the
#   error along a direction of curvature $\lambda$ by $1 - \eta\lambda$ per
#   step. With condition number $\kappa$ it zig-zags across the steep
#   directions and crawls along the flat ones.
# - **Momentum** accumulates gradients into a velocity: speed where they
#   agree, damping where they alternate, at the price of overshoot. Tuned
#   (Polyak's setting), it shrinks the error by $(\sqrt\kappa-1)/(\sqrt\kappa+1)$
#   per step instead of $(\kappa-1)/(\kappa+1)$.
# - **Nesterov** takes the gradient at the look-ahead point $W + \alpha v$
#   and brakes earlier. The library stores that look-ahead point, so its
#   `update` needs only the gradient at the stored parameters.
# - `descend` runs any optimizer on a 2-D surface through the same
#   `update(params, grads)` that trains a network.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: Nesterov from Momentum
#
# Write one step of Nesterov momentum **in Sutskever's form**: evaluate the
# gradient at the look-ahead point $W + \alpha v$, then
# $v \leftarrow \alpha v - \eta \nabla f(W + \alpha v)$ and
# $W \leftarrow W + v$. Starting from Momentum's code, only the point where
# the gradient is taken changes. Write it with numpy arrays, without the
# library's optimizers. The self-check takes 30 steps on the bowl and
# compares them with the library's `Nesterov`, using the relation between
# the two forms.

# %% jupyter={"source_hidden": true} tags=["solution"]
def nesterov_step(w, v, gradient, lr=0.1, momentum=0.9):
    """One step of Nesterov momentum in Sutskever's form; returns the new (w, v)."""
    # BEGIN SOLUTION
    v = momentum * v - lr * gradient(w + momentum * v)
    w = w + v
    # END SOLUTION
    return w, v


# %% tags=["self-check"]
def refuse(self, params, grads):
    raise AssertionError("write the update with numpy yourself: nesterov_step may not call a library optimizer")


library_classes = {cls for used in (SGD, Momentum, Nesterov) for cls in used.__mro__ if cls is not object}
library_updates = {cls: cls.__dict__.get("update") for cls in library_classes}
for cls in library_updates:
    cls.update = refuse
try:
    w, v = np.array(BOWL_START), np.zeros(2)
    your_w, your_v = [w], [v]
    for _ in range(30):
        w, v = nesterov_step(w, v, bowl_gradient)
        your_w.append(np.asarray(w, dtype=float))
        your_v.append(np.asarray(v, dtype=float))
finally:
    for cls, original in library_updates.items():
        if original is None:
            delattr(cls, "update")
        else:
            cls.update = original
your_w, your_v = np.array(your_w), np.array(your_v)
assert your_w.shape == (31, 2), "nesterov_step should return the new point w (shape (2,)) and velocity v"
assert not np.allclose(your_w, momentum_path), "this is plain Momentum: take the gradient at the look-ahead point"
assert np.allclose(nesterov_path, your_w + 0.9 * your_v, rtol=0, atol=1e-12), \
    "not the same rule as the library's: check where you take the gradient and how you update v and w"
print("Exercise 1: correct (the library stores W + alpha v)")

# %% [markdown]
# ### Exercise 2: the largest stable SGD step
#
# Find the largest learning rate for which SGD still converges on the bowl
# from $(-7, 2)$, in the sense of `converges` below (within 0.01 of the
# minimum after 500 steps). Write `largest_true(predicate, low, high)`: a
# **bisection** that assumes `predicate(low)` is true and `predicate(high)`
# false, halves the interval until it is shorter than `tolerance`, and
# returns the largest value where the predicate held. The self-check tries
# your bisection on a test predicate first, then on `converges`.
#
# Then, on paper: write the update of $y$ as $y \leftarrow (1 - \eta\lambda)\,y$
# with $\lambda$ the curvature in $y$, and find when $|1 - \eta\lambda| < 1$.
# Which direction sets the limit, and why does the number you found sit a
# little below that bound?

# %%
def converges(lr):
    """True when 500 SGD steps with this learning rate end within 0.01 of the bowl's minimum."""
    with np.errstate(over="ignore", invalid="ignore"):   # a learning rate far too large overflows
        return bool(distance(descend(SGD(lr=lr), bowl_gradient, BOWL_START, steps=500))[-1] < 0.01)


# %% jupyter={"source_hidden": true} tags=["solution"]
def largest_true(predicate, low, high, tolerance=1e-4):
    # BEGIN SOLUTION
    while high - low > tolerance:
        middle = (low + high) / 2
        if predicate(middle):
            low = middle
        else:
            high = middle
    return low
    # END SOLUTION


# %% tags=["self-check"]
calls = []


def below_threshold(x):
    calls.append(x)
    return x <= 0.3721


test_value = float(largest_true(below_threshold, 0.0, 1.0))
assert below_threshold(test_value) and test_value > 0.3721 - 1e-3, \
    "on a test predicate your function does not return the largest value where it holds"
assert len(calls) < 60, "a bisection needs far fewer evaluations: halve the interval each time"
your_lr = float(largest_true(converges, 0.5, 1.5))
assert converges(your_lr), "SGD does not converge at the value you found: it is too large"
assert not converges(your_lr + 0.01), "SGD still converges 0.01 above the value you found: search higher"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | condition number | 条件数 | 条件数 | ratio of the largest to the smallest curvature, κ = λ_max/λ_min; large values make SGD zig-zag and crawl |
# | momentum | モーメンタム | 动量 | a velocity that accumulates past gradients, v ← αv − η∇L |
# | Nesterov accelerated gradient | ネステロフの加速勾配法 | Nesterov 加速梯度 | momentum with the gradient taken at the look-ahead point W + αv |
#
# See the whole [glossary](../glossary.md).

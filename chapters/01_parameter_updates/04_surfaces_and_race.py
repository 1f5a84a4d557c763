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
# # 1.4 Seven methods on three surfaces, and a race
#
# Sections 1.2 and 1.3 built seven update rules, one at a time. Now they
# meet: on the bowl, on the same bowl turned by 45°, at a saddle point and in
# Rosenbrock's curved valley. The ranking changes from surface to surface.
#
# **Learning goals.** After this section you can
#
# - predict, from an update rule, which methods zig-zag, which cross the
#   minimum, and which run straight in on the bowl;
# - explain why per-coordinate step sizes help only when the badly scaled
#   directions are the coordinate axes;
# - explain why dividing by the gradient's size helps at a saddle point;
# - say why no method wins on every surface.

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
from IPython.display import HTML, display

from common.display.plot import save_figure
from common.display.surfaces import (
    BOWL_VIEW,
    ROSENBROCK_VIEW,
    SADDLE_VIEW,
    all_methods,
    momentum_sliders,
    race_html,
    race_strip,
)
from common.optimizers import SGD, AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from common.toy_problems import (
    BOWL_START,
    ROSENBROCK_MINIMUM,
    ROSENBROCK_START,
    SADDLE_START,
    bowl,
    bowl_gradient,
    descend,
    distance,
    rosenbrock,
    rosenbrock_gradient,
    saddle,
    saddle_gradient,
)

# %% [markdown]
# ## The bowl
#
# All seven side by side, 30 steps from $(-7, 2)$ on the bowl
# $f = x^2/20 + y^2$. The four classic settings are those of the original
# book; the other three are ours, chosen in sections 1.2 and 1.3:
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
# cross the minimum in $x$, and which will end closest to the minimum?

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
fig = all_methods(bowl_paths, bowl, BOWL_VIEW, "f(x, y) = x²/20 + y², 30 steps from (−7, 2)")
save_figure(fig, "01_bowl_paths")
plt.show()


# %%
def y_travel(path):
    """Total distance moved in y: 2 for a straight descent from y = 2, much more for a zig-zag."""
    return float(np.abs(np.diff(path[:, 1])).sum())


print(f"{'method':9s} {'travel in y':>12s} {'largest x (step)':>17s} {'distance at step 30':>20s}")
for name, path in bowl_paths.items():
    print(f"{name:9s} {y_travel(path):12.2f} {path[:, 0].max():11.3f} ({int(path[:, 0].argmax()):2d})"
          f" {distance(path)[-1]:20.3f}")
bowl_final = {name: distance(path)[-1] for name, path in bowl_paths.items()}
travel_ratio = min(y_travel(bowl_paths["SGD"]) / y_travel(p) for name, p in bowl_paths.items() if name != "SGD")
print(f"SGD's travel in y / the largest other method's: {travel_ratio:.1f}")
assert 3.5 < travel_ratio < 4.5                                                     # four times as much
assert min(bowl_final, key=bowl_final.get) == "AdaGrad"                             # AdaGrad ends closest
crossing = ("Momentum", "Nesterov", "Adam")
assert all(bowl_paths[name][:, 0].max() > 0.1 for name in crossing)                 # they cross x = 0 ...
assert all(bowl_paths[name][:, 0].argmax() == 30 for name in crossing)              # ... still moving away at 30
assert all(bowl_paths[name][:, 0].max() <= 0 for name in BOWL_SETTINGS if name not in crossing)  # the others do not

# %% [markdown]
# Only SGD zig-zags: its $y$ coordinate travels about four times as far as
# any other method's. The momentum methods (Momentum, Nesterov and, through
# $\beta_1$, Adam) carry their speed past the minimum in $x$: each crosses
# $x = 0$, and at step 30 each is still moving away, at its largest $x$ so
# far. (Section 1.2 followed Momentum further: it turns back at step 35.)
# The methods that rescale each coordinate without momentum (AdaGrad,
# RMSprop, AdaDelta) never cross $x = 0$, and AdaGrad ends closest.
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
worse = {name: turned_final[name] / bowl_final[name] for name in ("AdaGrad", "RMSprop", "AdaDelta", "Adam")}
print("distance at step 30, bowl turned by 45°:", {k: round(float(v), 3) for k, v in turned_final.items()})
print("turned / aligned, adaptive methods:", {k: round(float(v), 1) for k, v in worse.items()})
for name in ("SGD", "Momentum", "Nesterov"):
    assert np.isclose(turned_final[name], bowl_final[name], rtol=1e-9)   # exactly the same run, turned
assert all(2.9 < w < 14.5 for w in worse.values())                      # 3 to 14 times farther

# %% [markdown]
# SGD, Momentum and Nesterov do exactly the same as before, turned: their
# updates are linear in the gradient, so they do not care how the surface
# sits in the coordinates. The adaptive methods end three to fourteen times
# farther away than on the aligned bowl, because a step size per *coordinate*
# cannot fix a badly scaled direction that is not a coordinate. In a network
# the difficult directions are rarely aligned with single weights, which is
# one reason why adaptive methods are not a free win.
#
# ## A saddle point
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
saddle_paths = {name: descend(make(), saddle_gradient, SADDLE_START) for name, make in BOWL_SETTINGS.items()}
fig = all_methods(saddle_paths, saddle, SADDLE_VIEW, "f(x, y) = −x²/20 + y², 30 steps from (−0.01, 1)",
                  legend_loc="lower left", loss_scale="linear", mark=(0, 0))
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
# RMSprop and Adam turn the tiny slope $x/10$ (0.001 at the start) into a
# full-size step. SGD, Momentum and Nesterov move in proportion to that tiny
# slope. They do escape in the end (the distance from the ridge grows by a
# factor $1.095$ per SGD step, so SGD needs 59 steps to reach $|x| > 2$), but
# far later. AdaDelta is stuck too, for a subtler reason: with gradients this
# small, its $\epsilon = 0.1$ dominates both square roots, and its step
# becomes $\sqrt{\epsilon}/\sqrt{\epsilon}\cdot g = g$, plain gradient
# descent with $\eta = 1$. In a real network, a saddle can show up as a loss
# curve that stalls on a plateau for a while, then drops again.
#
# ## A curved valley: Rosenbrock's function
#
# $$f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$$
#
# has its minimum at $(1, 1)$ at the bottom of a long, narrow, curved valley.
# SGD must keep $\eta$ below $2/\lambda_{\max}$ to stay stable across the
# valley, which makes it crawl along it. The bowl settings are far too large
# here, so we state new ones. SGD, AdaGrad and RMSprop ($\rho = 0.9$) get
# the best learning rate of the grid $10^{-5}, 10^{-4.5}, \dots, 10^{0.5}$
# after 1,000 steps (checked below). Momentum and Nesterov get SGD's $\eta$
# (with $\alpha = 0.9$), to show what momentum alone adds; AdaDelta gets the
# paper's $\rho = 0.95$, $\epsilon = 10^{-6}$, and Adam $\eta = 0.1$.
# 1,000 steps from the classic start $(-1.2, 1)$:

# %%
hessian_at_minimum = np.array([[802.0, -400.0], [-400.0, 200.0]])   # second derivatives of f at (1, 1)
curvatures = np.linalg.eigvalsh(hessian_at_minimum)
print("curvatures at the minimum:", np.round(curvatures, 3).tolist(),
      " condition number:", round(float(curvatures[1] / curvatures[0])))
assert curvatures[1] / curvatures[0] > 100 * 20   # over a hundred times the bowl's

GRID = 10.0 ** np.arange(-5, 0.75, 0.5)
GRID_SEARCHED = {"SGD": lambda lr: SGD(lr=lr), "AdaGrad": lambda lr: AdaGrad(lr=lr),
                 "RMSprop": lambda lr: RMSprop(lr=lr, decay_rate=0.9)}
best_lr = {}
with np.errstate(over="ignore", invalid="ignore"):   # the larger learning rates are meant to overflow
    for name, make in GRID_SEARCHED.items():
        ends = {lr: descend(make(lr), rosenbrock_gradient, ROSENBROCK_START, steps=1000)[-1] for lr in GRID}
        final_f = {lr: rosenbrock(*w) if np.all(np.isfinite(w)) else np.inf for lr, w in ends.items()}
        best_lr[name] = float(min(final_f, key=final_f.get))
        if name == "SGD":
            sgd_diverges_at = float(min(lr for lr, f in final_f.items() if f == np.inf))
print("best learning rate of the grid:", {name: float(f"{lr:.3g}") for name, lr in best_lr.items()},
      f"; SGD diverges from {sgd_diverges_at:.3g} on")

ROSENBROCK_SETTINGS = {
    "SGD": lambda: SGD(lr=best_lr["SGD"]),
    "Momentum": lambda: Momentum(lr=best_lr["SGD"], momentum=0.9),
    "Nesterov": lambda: Nesterov(lr=best_lr["SGD"], momentum=0.9),
    "AdaGrad": lambda: AdaGrad(lr=best_lr["AdaGrad"]),
    "RMSprop": lambda: RMSprop(lr=best_lr["RMSprop"], decay_rate=0.9),
    "AdaDelta": lambda: AdaDelta(decay_rate=0.95, eps=1e-6),
    "Adam": lambda: Adam(lr=0.1),
}
rosenbrock_paths = {name: descend(make(), rosenbrock_gradient, ROSENBROCK_START, steps=1000)
                    for name, make in ROSENBROCK_SETTINGS.items()}
fig = all_methods(rosenbrock_paths, rosenbrock, ROSENBROCK_VIEW, "Rosenbrock's function, 1,000 steps from (−1.2, 1)",
                  legend_loc="lower left", step_scale="log")
save_figure(fig, "01_rosenbrock_paths")
plt.show()

# %%
to_minimum = {name: float(distance(p, ROSENBROCK_MINIMUM)[-1]) for name, p in rosenbrock_paths.items()}
print("distance to (1, 1) after 1,000 steps:", {k: round(v, 3) for k, v in to_minimum.items()})
assert np.isclose(best_lr["SGD"], 1e-3) and np.isclose(best_lr["AdaGrad"], 1.0) and np.isclose(best_lr["RMSprop"], 1e-2)
assert to_minimum["SGD"] > 1                                                      # still far along the valley
assert all(to_minimum[name] < 0.05 for name in ("Momentum", "Nesterov", "Adam"))  # at the minimum
assert all(to_minimum[name] < to_minimum["SGD"] for name in to_minimum if name != "SGD")  # all beat SGD
assert all(0.25 < to_minimum[name] < 0.6 for name in ("AdaGrad", "RMSprop", "AdaDelta"))  # on their way

# %% [markdown]
# Its curvature at the minimum is about 1,000 across the valley and 0.4
# along it (printed above), a condition number over a hundred times the
# bowl's 20. SGD follows the valley floor but, held back by the steep walls,
# covers only part of it in 1,000 steps. Momentum and Nesterov, at the
# *same* learning rate, build up speed along the floor and arrive; so does
# Adam. AdaGrad, RMSprop and AdaDelta are on their way, 0.27 to 0.57 from
# the minimum. The ranking differs from the bowl's: no method wins
# everywhere.

# %% [markdown]
# ## The race
#
# The same seven runs on the bowl, step by step: press *play*, or drag the
# slider. Each dot is a method's current point, and its tail shows the last
# four steps. (matplotlib draws the contour picture once; the dots and tails
# are SVG shapes that a few lines of JavaScript move,
# `common.display.animation.path_animation_html`.)

# %% tags=["nbval-ignore-output"]
display(HTML(race_html(bowl_paths)))

# %%
fig = race_strip(bowl_paths, snapshots=(3, 8, 15, 30))
save_figure(fig, "01_race_strip")
plt.show()

# %% [markdown]
# **Try it yourself.** In a live notebook the cell below shows two sliders,
# for Momentum's $\eta$ and $\alpha$, and redraws the 30-step path on the
# bowl. Start at the original $(0.1, 0.9)$, where the path spirals; lower
# $\alpha$ and raise $\eta$ towards 1.3 and watch it dive in; then push
# $\eta$ further until it diverges. (Section 1.5, optional, maps where each
# setting lands.) Run headless, the cell draws nothing and does no harm.

# %% tags=["nbval-ignore-output"]
sliders = momentum_sliders(Momentum)
if sliders is not None:
    display(sliders)

# %% [markdown]
# ## Summary
#
# - On the aligned bowl only SGD zig-zags; the momentum methods cross the
#   minimum in $x$; the per-coordinate methods run straight in.
# - Turned by 45°, the bowl leaves SGD, Momentum and Nesterov unchanged and
#   makes the adaptive methods end 3 to 14 times farther away: a step size
#   per coordinate fixes only axis-aligned scaling.
# - At a saddle, the methods that divide by the gradient's size (AdaGrad,
#   RMSprop, Adam) escape quickly; methods whose step is proportional to the
#   gradient escape late.
# - In Rosenbrock's valley, momentum carries SGD's learning rate to the
#   minimum. No method wins on every surface.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: a bowl at any angle
#
# Write `rotated_bowl_gradient(w, angle)`: the gradient of the bowl turned
# by `angle` radians, $f(w) = \text{bowl}(R^\top w)$ with $R$ the rotation
# by `angle`. Use the chain rule rather than the code of
# `turned_bowl_gradient` above, and write $R$ yourself. The self-check
# compares with numerical derivatives of $f$ at several points and angles.

# %% jupyter={"source_hidden": true} tags=["solution"]
def rotated_bowl_gradient(w, angle):
    # BEGIN SOLUTION
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rotation @ bowl_gradient(rotation.T @ np.asarray(w, dtype=float))
    # END SOLUTION


# %% tags=["self-check"]
def rotated_bowl(w, angle):
    c, s = np.cos(angle), np.sin(angle)
    x, y = c * w[0] + s * w[1], -s * w[0] + c * w[1]   # R^T w
    return bowl(x, y)


check_rng = np.random.default_rng(8)
for angle in (0.0, 0.3, np.pi / 4, 2.0):
    for w in check_rng.uniform(-5, 5, size=(3, 2)):
        yours = np.asarray(rotated_bowl_gradient(w, angle), dtype=float)
        numerical = np.array([(rotated_bowl(w + d, angle) - rotated_bowl(w - d, angle)) / 2e-6
                              for d in (np.array([1e-6, 0.0]), np.array([0.0, 1e-6]))])
        assert yours.shape == (2,), "return the gradient as an array of shape (2,)"
        assert np.allclose(yours, numerical, rtol=1e-5, atol=1e-7), \
            "your gradient differs from the numerical one: check R versus R^T in the chain rule"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: AdaDelta at the saddle, the paper's ε
#
# **Predict first.** AdaDelta with $\epsilon = 0.1$ stayed at the saddle.
# With the paper's setting, $\rho = 0.95$ and $\epsilon = 10^{-6}$, started
# at $(-0.01, 1)$ for 30 steps, where does it end?
#
# - `"a"`: it escapes ($|x| > 2$), like RMSprop;
# - `"b"`: it stays near the ridge ($|x| < 0.5$);
# - `"c"`: it diverges.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`. Then explain with the first-step
# formula of section 1.3.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# The first step is about sqrt(eps / (1 - rho)) = 0.0045, and later steps are built from the
# earlier ones: with eps = 1e-6 AdaDelta crawls. Dividing by the gradient's RMS is not enough when
# the numerator, the RMS of past steps, starts at sqrt(eps).
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    paper_saddle = descend(AdaDelta(decay_rate=0.95, eps=1e-6), saddle_gradient, SADDLE_START)
    diverged = not np.all(np.isfinite(paper_saddle))
    end_x = abs(paper_saddle[-1, 0])
    return {"a": not diverged and end_x > 2, "b": not diverged and end_x < 0.5, "c": diverged}


check_choice(prediction, facts, exercise=2, hint="run AdaDelta(decay_rate=0.95, eps=1e-6) from SADDLE_START, "
                                                 "plot its path on the saddle and look at x")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | saddle point | 鞍点 | 鞍点 | a point with zero gradient that is a minimum in some directions and a maximum in others |
#
# See the whole [glossary](../glossary.md).

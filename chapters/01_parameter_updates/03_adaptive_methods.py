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
# # 1.3 Adaptive methods: AdaGrad, RMSprop, AdaDelta and Adam
#
# Momentum fixes SGD's *direction* problem by averaging. Another idea fixes
# the *scale*: give every parameter its own step size, small where gradients
# have been large. This section builds four such rules, each from a weakness
# of the one before, ending with Adam, which adds momentum back in.
#
# **Learning goals.** After this section you can
#
# - read the library's `AdaGrad`, `RMSprop`, `AdaDelta` and `Adam` and match
#   each line to its formula;
# - compute a parameter's effective learning rate, and say what AdaGrad's
#   first step equalizes and what it does not;
# - explain why AdaGrad's ever-shrinking step hurts when the problem changes,
#   and what RMSprop's decay rate $\rho$ trades;
# - find AdaDelta's hidden scale;
# - derive Adam's bias correction and its effect on the first steps.

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
from common.display.surfaces import adagrad_figure, adam_bias_figure, path_panels, recovery_figure
from common.optimizers import AdaDelta, AdaGrad, Adam, RMSprop
from common.toy_problems import BOWL_CURVATURES, BOWL_START, bowl_gradient, descend, distance

# %% [markdown]
# ## AdaGrad: a learning rate per parameter
#
# AdaGrad (Duchi et al. 2011) keeps the running sum of squared gradients,
# element by element ($\odot$):
#
# $$h \leftarrow h + \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}, \qquad
# W \leftarrow W - \eta \,\frac{1}{\sqrt{h} + \epsilon} \odot \frac{\partial L}{\partial W}.$$
#
# ($\epsilon = 10^{-7}$ only prevents a division by zero.)

# %%
show(AdaGrad)

# %% [markdown]
# The **effective learning rate** of a parameter is $\eta/(\sqrt h + \epsilon)$.
# In the very first step $\sqrt h = |g|$, so every parameter moves by
# exactly $\eta$, whatever the size of its gradient. On the bowl that
# equalizes the *gradients*: at $(-7, 2)$ they are $0.7$ in $x$ and $4$ in
# $y$. It does not equalize the *curvatures*, which differ twentyfold. What
# decides how a coordinate of curvature $\lambda$ behaves under a step size
# $\eta'$ is the product $\eta'\lambda$ (section 1.2: the error is multiplied
# by $1 - \eta'\lambda$). We record the effective step after every update;
# the original book uses $\eta = 1.5$.

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

fig = adagrad_figure(adagrad_path, effective_step)
save_figure(fig, "01_adagrad")
plt.show()

# %%
start_gradient = np.abs(bowl_gradient(BOWL_START))
first_step = np.abs(adagrad_path[1] - adagrad_path[0])
products = effective_step[0] * np.array(BOWL_CURVATURES)   # effective step times curvature, x and y
shrink_x = effective_step[-1, 0] / effective_step[0, 0]
print("gradient at the start |g_x|, |g_y|:", start_gradient.tolist(),
      f" ratio {start_gradient[1] / start_gradient[0]:.1f}")
print("first step |dx|, |dy|:", np.round(first_step, 6).tolist())
print("effective step for x, y: after step 1", np.round(effective_step[0], 3).tolist(),
      " after step 30", np.round(effective_step[-1], 3).tolist())
print("effective step times curvature after step 1:", np.round(products, 3).tolist(),
      f" ratio {products[1] / products[0]:.2f} (curvatures: ratio 20)")
print(f"x's effective step after 30 steps: {shrink_x:.2f} of its first value")
assert np.allclose(first_step, 1.5, rtol=1e-6)                   # both coordinates move by eta at first
assert 3.4 < products[1] / products[0] < 3.6                      # still 3.5 times apart, not 1
assert np.all(np.diff(effective_step, axis=0) <= 0)              # never grows: h only accumulates
assert np.all(effective_step[:, 1] < effective_step[:, 0])      # the steep y always gets the smaller step
assert 0.5 < shrink_x < 0.6                                       # x's step has shrunk to 0.55 of its first value

# %% [markdown]
# The first step moves both coordinates by $1.5$; after it, $y$'s effective
# step is 5.7 times smaller than $x$'s. Measured against the curvatures, the
# imbalance has shrunk from 20 to 3.5: milder, not removed. The path runs far
# more directly to the minimum than SGD's, with no zig-zag.
#
# The right panel shows the catch. $h$ only grows, so the effective step only
# shrinks: for $x$ it is down to 0.55 of its first value after 30 steps. On
# a fixed problem that anneals the learning rate for free. In **online
# learning**, where the data keep coming and may change, it hurts: with noisy
# gradients $h$ grows in proportion to the number of steps $t$, the effective
# step shrinks like $1/\sqrt t$, and AdaGrad reacts ever more slowly. We
# measure that after the next method.

# %% [markdown]
# ## RMSprop: forget old gradients
#
# RMSprop (Tieleman & Hinton 2012, from a lecture of Hinton's online course
# rather than a paper) replaces AdaGrad's sum by an **exponential moving
# average** with decay rate $\rho$:
#
# $$h \leftarrow \rho h + (1-\rho)\, \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}, \qquad
# W \leftarrow W - \eta \,\frac{1}{\sqrt{h} + \epsilon} \odot \frac{\partial L}{\partial W}.$$

# %%
show(RMSprop)

# %% [markdown]
# A gradient $k$ steps old enters $h$ with weight $(1-\rho)\rho^k$, so $h$
# estimates the mean squared gradient over roughly the last $1/(1-\rho)$
# steps ($\rho = 0.9$: 10 steps; $\rho = 0.99$: 100). $\sqrt h$ is the root
# mean square (RMS) of recent gradients, hence the name.
#
# - **Too low forgets.** With $\rho = 0$, $h = g \odot g$ and the step is
#   $\eta\, g/|g| = \eta \operatorname{sign}(g)$: every parameter moves by
#   exactly $\eta$, near the minimum as well as far from it, so the method
#   keeps jumping around the minimum instead of settling.
# - **High remembers long.** With $\rho$ near 1, when the scale of the
#   gradient changes, $h$ needs about $1/(1-\rho)$ steps to follow. And $h$
#   starts at 0: the first step is $\eta/\sqrt{1-\rho}$ per coordinate, ten
#   times $\eta$ for $\rho = 0.99$ (Adam will fix exactly this).
#
# On the bowl, with $\eta = 0.3$, we also recompute the effective step
# $\eta/(\sqrt h + \epsilon)$ of every update from the gradients along the path.

# %%
RHOS = [0.0, 0.9, 0.99]
rmsprop_paths = {rho: descend(RMSprop(lr=0.3, decay_rate=rho), bowl_gradient, BOWL_START) for rho in RHOS}
fig = path_panels({f"RMSprop, η = 0.3, ρ = {rho}": ("RMSprop", path) for rho, path in rmsprop_paths.items()})
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
assert np.all(ratio_99 < 1.3)                       # rho = 0.99: almost a fixed learning rate per coordinate
assert np.all((2 < ratio_9) & (ratio_9 < 4.5))      # rho = 0.9: the effective step changes two- to fourfold

# %% [markdown]
# With $\rho = 0$ every move is exactly $\pm 0.3$ per coordinate, and the
# path ends hopping around the minimum. With $\rho = 0.99$ the first step is
# 3 per coordinate, a wild jump, and yet this path ends closest by far: its
# effective step stays almost fixed, like gradient descent with one
# well-suited learning rate per coordinate. With $\rho = 0.9$ the effective
# step changes two- to fourfold, and after 30 steps the path is still
# creeping along $x$.
#
# So on a fixed bowl a long memory does not hurt. It costs something when
# the problem changes. A one-parameter test: follow a target $c$ from noisy
# gradients $g = (w - c) + \text{noise}$ (unit Gaussian, seeded); the target
# jumps from 0 to 3 after $J$ steps; count the steps needed to get back
# within 0.5, for $J = 250$, 1000 and 4000. AdaGrad ($\eta = 1$) meets
# RMSprop ($\eta = 0.05$, $\rho = 0.99$).

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
fig = recovery_figure({name: [r[0] for r in rows.values()] for name, rows in recovery.items()}, JUMPS)
save_figure(fig, "01_adagrad_online")
plt.show()

# %%
adagrad_steps = [recovery["AdaGrad"][j][0] for j in JUMPS]
rmsprop_steps = [recovery["RMSprop"][j][0] for j in JUMPS]
print(f"AdaGrad: steps to recover after J = 4000 / after J = 250: {adagrad_steps[2] / adagrad_steps[0]:.2f};",
      f"effective step at J = 250 / at J = 4000: {recovery['AdaGrad'][250][1] / recovery['AdaGrad'][4000][1]:.2f}")
assert adagrad_steps[0] < rmsprop_steps[0]                          # early on, AdaGrad is a little faster
assert adagrad_steps[0] < adagrad_steps[1] < adagrad_steps[2]       # the later the jump, the slower
assert 3.5 < adagrad_steps[2] / adagrad_steps[0] < 4.5              # about four times as long
assert max(rmsprop_steps) < 1.5 * min(rmsprop_steps)                 # RMSprop: about the same every time
step_ratio = recovery["AdaGrad"][250][1] / recovery["AdaGrad"][4000][1]
assert 3.5 < step_ratio < 4.5, step_ratio   # 16 times more steps -> effective step about sqrt(16) = 4 times smaller
assert recovery["AdaGrad"][4000][2] < recovery["RMSprop"][4000][2]   # but before a late jump it jitters less

# %% [markdown]
# After 250 steps AdaGrad recovers a little faster than RMSprop; after 4,000
# it needs about four times as long, because its effective step has shrunk
# about $\sqrt{4000/250} = 4$-fold. RMSprop's reaction time does not depend
# on how long it has run. The shrinking step has one benefit: before a late
# jump AdaGrad sits closer to the target (its RMS error is smaller), the
# automatic annealing at work. For a problem that never changes that is
# welcome; for one that does, it is fatal in the long run.

# %% [markdown]
# ## AdaDelta: no learning rate (almost)
#
# Zeiler (2012) noticed that the units do not match: in AdaGrad and RMSprop
# $g/\sqrt h$ has no units, so $\eta$ must carry the units of $W$, a global
# scale we have to guess. Newton's method gets the units right,
# $\Delta W = -g / \frac{\partial^2 L}{\partial W^2}$, and
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
# roots).

# %%
show(AdaDelta)

# %% [markdown]
# There is no $\eta$, but $\epsilon$ has taken its place. At the start
# $E[\Delta W^2] = 0$, so the first step is
#
# $$|\Delta W_1| = \frac{\sqrt{\epsilon}\,|g|}{\sqrt{(1-\rho)g^2 + \epsilon}},$$
#
# close to $\sqrt{\epsilon/(1-\rho)}$ when $g^2$ is much larger than $\epsilon$;
# later steps are built from the earlier ones. That is a fine size for the
# weights of a network (He initial weights of our MNIST network have a
# standard deviation between $\sqrt{2/784}$ and $\sqrt{2/100}$), and a crawl on
# a bowl 7 units wide. We run the paper's setting and three values of
# $\epsilon$ with $\rho = 0.9$.

# %%
ADADELTA_EPS = [1e-6, 1e-3, 1e-1]
adadelta_paths = {eps: descend(AdaDelta(decay_rate=0.9, eps=eps), bowl_gradient, BOWL_START)
                  for eps in ADADELTA_EPS}
paper_path = descend(AdaDelta(decay_rate=0.95, eps=1e-6), bowl_gradient, BOWL_START)
fig = path_panels({f"AdaDelta, ρ = 0.9, ε = {eps:g}": ("AdaDelta", path) for eps, path in adadelta_paths.items()})
save_figure(fig, "01_adadelta_eps")
plt.show()

# %%
g0 = np.abs(bowl_gradient(BOWL_START))
predicted = np.sqrt(1e-6) * g0 / np.sqrt((1 - 0.95) * g0 ** 2 + 1e-6)
print("paper settings: first step", np.round(np.abs(paper_path[1] - paper_path[0]), 5).tolist(),
      f" (sqrt(eps / (1 - rho)) = {np.sqrt(1e-6 / 0.05):.5f});",
      "distance travelled in 30 steps:", round(float(np.linalg.norm(paper_path[-1] - paper_path[0])), 3))
print(f"He initial weights: standard deviation from {np.sqrt(2 / 784):.3f} to {np.sqrt(2 / 100):.3f}")
print("distance to the minimum after 30 steps, by eps:",
      {eps: round(float(distance(p)[-1]), 3) for eps, p in adadelta_paths.items()})
assert np.allclose(np.abs(paper_path[1] - paper_path[0]), predicted, rtol=1e-9)  # the formula above
assert np.linalg.norm(paper_path[-1] - paper_path[0]) < 0.5                      # a crawl on this bowl
assert distance(adadelta_paths[1e-1])[-1] < 1                                    # a larger eps gets there

# %% [markdown]
# So AdaDelta is not free of a scale: $\epsilon$ sets the size of its first
# steps, and since every later step is built from the RMS of the earlier
# ones, small beginnings stay small for a long time. On the bowl we use
# $\rho = 0.9$, $\epsilon = 0.1$ from now on; on MNIST the paper's values work
# well, because the weights there are small numbers.

# %% [markdown]
# ## Adam: momentum plus RMSprop, corrected
#
# Adam (Kingma & Ba 2015) keeps two moving averages: of the gradient (the
# **first moment** $m$, a momentum term) and of its square (the **second
# moment** $s$, as in RMSprop; the paper and the library call it $v$, which
# in this book is Momentum's velocity):
#
# $$m \leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad s \leftarrow \beta_2 s + (1-\beta_2)\, g \odot g,$$
#
# with $\beta_1 = 0.9$, $\beta_2 = 0.999$. Both start at 0, and that biases
# them towards 0. If the gradient were a constant $g$, then after $t$ steps
#
# $$m_t = (1-\beta_1)\sum_{k=1}^{t} \beta_1^{t-k} g = (1-\beta_1^t)\, g, \qquad s_t = (1-\beta_2^t)\, g^2 .$$
#
# Dividing by those factors removes the bias. That is Adam's **bias
# correction** (Algorithm 1 of the paper):
#
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat s_t = \frac{s_t}{1-\beta_2^t}, \qquad
# W \leftarrow W - \eta\, \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}.$$
#
# The library, like the paper's "more efficient" variant, folds both
# corrections into $\eta_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)$ and steps
# with the raw moments, $W \leftarrow W - \eta_t\, m_t/(\sqrt{s_t} + \hat\epsilon)$:

# %%
show(Adam)

# %% [markdown]
# **Aside: where $\epsilon$ sits.** Substituting $\hat m_t$ and $\hat s_t$
# into the corrected step gives
# $\eta_t\, m_t / (\sqrt{s_t} + \epsilon\sqrt{1-\beta_2^t})$: the folded step
# exactly when $\hat\epsilon = \epsilon\sqrt{1-\beta_2^t}$. With one constant
# for both, the two forms differ only in where the tiny $\epsilon$ sits. The
# function below writes Algorithm 1 out; with $\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}$
# it must reproduce the library's path.

# %%
def adam_corrected(gradient, start, steps, lr, beta1=0.9, beta2=0.999, eps=1e-8,
                   bias_correction=True, eps_of_folded_form=False):
    """Adam written with m_hat and s_hat, as in Algorithm 1 of Kingma & Ba; returns the path.

    eps_of_folded_form=True adds eps_t = eps / sqrt(1 - beta2^t) to sqrt(s_hat) instead of eps
    (the library's folded form); bias_correction=False uses the raw moments m and s.
    """
    w = np.array(start, dtype=float)
    m, s = np.zeros_like(w), np.zeros_like(w)
    path = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient(w)
        m = beta1 * m + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        m_hat, s_hat = (m / (1 - beta1 ** t), s / (1 - beta2 ** t)) if bias_correction else (m, s)
        eps_t = eps / np.sqrt(1 - beta2 ** t) if eps_of_folded_form else eps
        w = w - lr * m_hat / (np.sqrt(s_hat) + eps_t)
        path.append(w.copy())
    return np.array(path)


folded = descend(Adam(lr=0.3), bowl_gradient, BOWL_START, steps=300)
corrected = adam_corrected(bowl_gradient, BOWL_START, 300, lr=0.3, eps_of_folded_form=True)
algorithm_1 = adam_corrected(bowl_gradient, BOWL_START, 300, lr=0.3)   # constant eps = 1e-8, as the library's
print(f"largest difference over 300 steps: with eps_t {np.abs(folded - corrected).max():.0e},",
      f"with one constant eps {np.abs(folded - algorithm_1).max():.0e}")
assert np.abs(folded - corrected).max() < 1e-12                # folded = Algorithm 1 with eps_t
assert 1e-7 < np.abs(folded - algorithm_1).max() < 1e-5        # one constant for both: close, not equal

# %% [markdown]
# **What the correction does.** Without it, the first step with a constant
# gradient would be $\eta\, m_1/\sqrt{s_1} = \eta\,(1-\beta_1)/\sqrt{1-\beta_2}$
# per coordinate: *larger*, not smaller, because $s$ is biased towards zero
# even more than $m$. With the correction every step of a constant gradient
# is exactly $\eta$. The ratio of the uncorrected to the corrected step,
# $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$, even grows for a while before it decays
# to 1.

# %%
t = np.arange(1, 3001)
uncorrected_ratio = (1 - 0.9 ** t) / np.sqrt(1 - 0.999 ** t)
uncorrected_path = adam_corrected(bowl_gradient, BOWL_START, 30, lr=0.3, bias_correction=False)
adam_path = descend(Adam(lr=0.3), bowl_gradient, BOWL_START)
fig = adam_bias_figure(t, uncorrected_ratio, adam_path, uncorrected_path)
save_figure(fig, "01_adam_bias_correction")
plt.show()

# %%
print("uncorrected / corrected step: t = 1:", round(float(uncorrected_ratio[0]), 3),
      " largest:", round(float(uncorrected_ratio.max()), 2), "at t =", int(t[uncorrected_ratio.argmax()]),
      " t = 100:", round(float(uncorrected_ratio[99]), 2), " t = 1000:", round(float(uncorrected_ratio[999]), 3))
print("first step |dx|, |dy| with correction:", np.round(np.abs(adam_path[1] - adam_path[0]), 4).tolist(),
      " without:", np.round(np.abs(uncorrected_path[1] - uncorrected_path[0]), 4).tolist())
print("y after 2 steps without correction:", round(float(uncorrected_path[2, 1]), 3),
      "; smallest y of the first 5 steps with correction:", round(float(adam_path[:6, 1].min()), 3))
first_uncorrected = np.abs(uncorrected_path[1] - uncorrected_path[0])
assert np.allclose(first_uncorrected, 0.3 * (1 - 0.9) / np.sqrt(1 - 0.999), rtol=1e-6)  # eta (1-beta1)/sqrt(1-beta2)
assert np.allclose(np.abs(adam_path[1] - adam_path[0]), 0.3, rtol=1e-6)       # corrected: exactly eta
# The curve of the figure, measured: uncorrected Adam (eta = 1) on the slope f(w) = w, whose gradient is always 1.
on_a_slope = adam_corrected(lambda w: np.ones_like(w), [0.0], 3000, lr=1.0, eps=0.0, bias_correction=False)
measured_ratio = -np.diff(on_a_slope[:, 0])
assert np.allclose(measured_ratio, uncorrected_ratio, rtol=1e-9)               # the formula for the ratio
assert 3 < measured_ratio[:100].min() and measured_ratio.max() < 6.6           # 3 to 6.5 times eta at first
assert 1.2 < measured_ratio[999] < 1.3                                          # a quarter too large at t = 1000
assert uncorrected_path[2, 1] < 0 < adam_path[:6, 1].min()                     # uncorrected: across y = 0 at once

# %% [markdown]
# For a constant gradient, the uncorrected Adam takes steps three to six and
# a half times too large over its first hundred steps, and still a quarter
# too large after 1,000. On the bowl it jumps across $y = 0$ in its second
# step, while the corrected Adam stays above it for at least five. On a
# network such early jumps can throw the weights into a bad region. The
# correction costs nothing, so every implementation uses it.

# %% [markdown]
# ## Summary
#
# - **AdaGrad** divides each step by the root of the summed squared
#   gradients. Its first step is $\eta$ in every coordinate: that equalizes
#   gradient sizes, not curvatures. Its step only shrinks, which slows it on
#   long or changing problems.
# - **RMSprop** uses an exponential moving average with decay $\rho$: a low
#   $\rho$ forgets (sign descent at $\rho = 0$), a high one reacts slowly.
# - **AdaDelta** replaces $\eta$ by the RMS of past steps; its $\epsilon$ is a
#   hidden scale that sets the size of the first steps.
# - **Adam** = momentum + RMSprop + bias correction. The library's folded step
#   equals Algorithm 1 with $\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}$;
#   without the correction the first steps are 3 to 6.5 times too large.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: AdaGrad's effective step
#
# Write `adagrad_effective_steps(gradients, lr, eps=1e-7)`: for an array of
# gradients of shape (steps, n), one row per update, return the effective
# step $\eta/(\sqrt h + \epsilon)$ of each coordinate **after** each update,
# shape (steps, n). Use numpy only, not the library's optimizers. The
# self-check compares with the state of the library's `AdaGrad` fed the same
# gradients.

# %% jupyter={"source_hidden": true} tags=["solution"]
def adagrad_effective_steps(gradients, lr, eps=1e-7):
    # BEGIN SOLUTION
    h = np.cumsum(np.asarray(gradients, dtype=float) ** 2, axis=0)
    return lr / (np.sqrt(h) + eps)
    # END SOLUTION


# %% tags=["self-check"]
test_gradients = np.random.default_rng(3).normal(size=(40, 3)) * [0.1, 1.0, 10.0]
saved_update = AdaGrad.__dict__.get("update")


def refuse(self, params, grads):
    raise AssertionError("compute h with numpy yourself: do not call AdaGrad")


AdaGrad.update = refuse
try:
    yours = np.asarray(adagrad_effective_steps(test_gradients, lr=0.5), dtype=float)
finally:
    if saved_update is None:
        del AdaGrad.update
    else:
        AdaGrad.update = saved_update
reference, params, expected = AdaGrad(lr=0.5), {"w": np.zeros(3)}, []
for g in test_gradients:
    reference.update(params, {"w": g})
    expected.append(reference.lr / (np.sqrt(reference.h["w"]) + reference.eps))
assert yours.shape == test_gradients.shape, "return one row per update and one column per coordinate"
assert np.allclose(yours, expected, rtol=1e-12), "not AdaGrad's effective step: is h the sum of ALL squared gradients so far?"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: Adam without momentum
#
# **Predict first.** What does $\beta_1 = 0$ (no averaging of the gradient)
# do to Adam's path on the bowl ($\eta = 0.3$, 30 steps from $(-7, 2)$)?
#
# - `"a"`: it still crosses $x = 0$, as with $\beta_1 = 0.9$;
# - `"b"`: it approaches $x = 0$ from one side without crossing, and ends
#   farther from the minimum than with $\beta_1 = 0.9$ after 30 steps;
# - `"c"`: it diverges.
#
# Set `prediction` to `"a"`, `"b"` or `"c"` and run the self-check, which runs the
# experiment. Then explain: what is Adam with $\beta_1 = 0$?

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# With beta1 = 0, m = g: Adam becomes RMSprop (rho = beta2) with bias correction. Nothing carries
# it past the minimum, so x approaches 0 from one side; its steps shrink as the gradient falls below
# the long-memory RMS of beta2 = 0.999, so after 30 steps it is farther away than the momentum version.
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    no_momentum = descend(Adam(lr=0.3, beta1=0.0), bowl_gradient, BOWL_START)
    with_momentum = descend(Adam(lr=0.3, beta1=0.9), bowl_gradient, BOWL_START)
    diverged = not np.all(np.isfinite(no_momentum)) or distance(no_momentum)[-1] > 10
    crosses = bool(no_momentum[:, 0].max() > 0)
    return {"a": not diverged and crosses,
            "b": not diverged and not crosses and distance(no_momentum)[-1] > distance(with_momentum)[-1],
            "c": diverged}


check_choice(prediction, facts, exercise=2, hint="run Adam with beta1=0.0 and with beta1=0.9 on the bowl, "
                                                 "then plot both paths and compare")

# %% [markdown]
# ### Exercise 3: AdaDelta's hidden learning rate
#
# The first step of AdaDelta is $\sqrt{\epsilon}\,|g|/\sqrt{(1-\rho)g^2 + \epsilon}$.
# Find the $\epsilon$ that makes the first step in $x$ on the bowl exactly
# 0.5, with $\rho = 0.9$ (at the start $g_x = -0.7$). Solve the formula for
# $\epsilon$ by hand and set `eps_for_half_step`; the self-check runs the
# library's `AdaDelta` with it.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
# step^2 ((1 - rho) g^2 + eps) = eps g^2  =>  eps = step^2 (1 - rho) g^2 / (g^2 - step^2)
g, step, rho = 0.7, 0.5, 0.9
eps_for_half_step = step ** 2 * (1 - rho) * g ** 2 / (g ** 2 - step ** 2)
# END SOLUTION

# %% tags=["self-check"]
your_eps = float(eps_for_half_step)
assert your_eps > 0, "eps must be positive"
first_x_step = abs(descend(AdaDelta(decay_rate=0.9, eps=your_eps), bowl_gradient, BOWL_START, 1)[1, 0] - BOWL_START[0])
assert abs(first_x_step - 0.5) < 1e-9, "with your eps the first step in x is not 0.5: check your algebra"
print("Exercise 3: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | adaptive learning rate | 適応的学習率 | 自适应学习率 | a step size per parameter, set from the history of its gradients (AdaGrad, RMSprop, Adam) |
# | effective learning rate | 実効学習率 | 有效学习率 | the step size a parameter actually gets once everything that scales η is included, e.g. η/√h in AdaGrad (or η/‖W‖² under BatchNorm, ch. 3) |
# | exponential moving average | 指数移動平均 | 指数移动平均 | an average in which a value k steps old has weight (1 − ρ)ρᵏ |
# | bias correction | バイアス補正 | 偏差修正 | Adam's division by 1 − βᵗ that removes the pull of zero-initialized averages towards zero |
#
# See the whole [glossary](../glossary.md).

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
# # 1.5 The speed of Momentum and the noise ball (optional)
#
# This section goes deeper than the main path needs. On a quadratic,
# Momentum's speed has a formula, and we can draw it for every pair
# $(\eta, \alpha)$ at once. Then we add noise to the gradients, as mini-batches
# do, and see why no method with a constant step reaches the minimum.
#
# **Learning goals.** After this section you can
#
# - write Momentum on a quadratic as the heavy-ball iteration and compute its
#   rate of convergence, the spectral radius of a 2×2 matrix;
# - read Polyak's best setting and the edge of divergence off a map of that
#   rate;
# - explain why noisy gradients leave every constant-step method in a noise
#   ball whose size grows with the step;
# - explain why Momentum does not average the noise away, and why Adam's
#   ball grows more slowly with the noise.
#
# **Notation.** In this section $r$ is a spectral radius (the factor per
# step); $\rho$ stays the decay rate of RMSprop and AdaDelta.

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

from common.display.plot import color, save_figure
from common.display.surfaces import momentum_map, noisy_bowl
from common.optimizers import SGD, Adam, Momentum, Nesterov
from common.toy_problems import BOWL_CURVATURES, BOWL_START, bowl_gradient, descend, distance

# %% [markdown]
# ## A map of Momentum's speed
#
# The bowl's gradient is $(\lambda_{\min} x,\ \lambda_{\max} y)$ with the
# curvatures $\lambda_{\min} = 0.1$ and $\lambda_{\max} = 2$, so each
# coordinate moves on its own. Take one coordinate $w$ with curvature
# $\lambda$. Momentum's velocity is its last step, $v_k = w_k - w_{k-1}$, so
# the update $v \leftarrow \alpha v - \eta\lambda w$, $w \leftarrow w + v$
# reads
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
# value of the matrix's eigenvalues, its **spectral radius** $r$. The
# eigenvalues $z$ solve $z^2 - b z + \alpha = 0$ with $b = 1+\alpha-\eta\lambda$:
#
# - if $b^2 \ge 4\alpha$ the roots are real, and the larger $|z|$ is
#   $\bigl(|b| + \sqrt{b^2 - 4\alpha}\bigr)/2$;
# - otherwise they are a complex pair whose product is $\alpha$, so
#   $|z| = \sqrt\alpha$: the coordinate spirals in at a speed set by
#   $\alpha$ alone.
#
# On the bowl $r(\eta, \alpha)$ is the larger of the two coordinates'
# values. Three facts follow from the formula, with $\kappa = \lambda_{\max}/\lambda_{\min}$:
#
# - **Plain SGD** ($\alpha = 0$) has $r = \max_\lambda |1 - \eta\lambda|$,
#   smallest at $\eta = 2/(\lambda_{\min} + \lambda_{\max})$, where
#   $r = (\kappa - 1)/(\kappa + 1)$.
# - **Polyak's setting** (section 1.2) puts both coordinates on a double root
#   ($b^2 = 4\alpha$), and $r = \sqrt\alpha = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$.
# - **The edge of stability.** For $0 \le \alpha < 1$, $r < 1$ exactly when
#   $0 < \eta < 2(1+\alpha)/\lambda_{\max}$; at the edge, $z = -1$ is a root.
#   Momentum *widens* the range of stable learning rates.
#
# The function below computes $r$; we check it against numpy's eigenvalues
# of the matrix, then against the three facts.

# %%
def heavy_ball_rate(lr, momentum, curvatures=BOWL_CURVATURES):
    """Spectral radius r of Momentum (the heavy ball) on a quadratic with these curvatures.

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

lambda_min, lambda_max = BOWL_CURVATURES
kappa = lambda_max / lambda_min
sqrt_kappa = np.sqrt(kappa)
POLYAK = (4 / (np.sqrt(lambda_max) + np.sqrt(lambda_min)) ** 2, ((sqrt_kappa - 1) / (sqrt_kappa + 1)) ** 2)
BEST_SGD = (2 / (lambda_min + lambda_max), 0.0)
print(f"best SGD:  eta = {BEST_SGD[0]:.4f}, alpha = 0,      r = {heavy_ball_rate(*BEST_SGD):.4f}"
      f"   (kappa - 1)/(kappa + 1) = {(kappa - 1) / (kappa + 1):.4f}")
print(f"Polyak:    eta = {POLYAK[0]:.4f}, alpha = {POLYAK[1]:.4f}, r = {heavy_ball_rate(*POLYAK):.4f}"
      f"   (sqrt(kappa) - 1)/(sqrt(kappa) + 1) = {(sqrt_kappa - 1) / (sqrt_kappa + 1):.4f}")
print(f"the bowl's settings: SGD eta = 0.95: r = {heavy_ball_rate(0.95, 0.0):.4f};",
      f"Momentum eta = 0.1, alpha = 0.9: r = {heavy_ball_rate(0.1, 0.9):.4f} = sqrt(0.9)")
print(f"edge of stability on the bowl: SGD eta = {2 / lambda_max:g}; Momentum with alpha = 0.9: eta = {2 * 1.9 / lambda_max:g}")
assert abs(heavy_ball_rate(*BEST_SGD) - (kappa - 1) / (kappa + 1)) < 1e-12
assert abs(heavy_ball_rate(*POLYAK) - (sqrt_kappa - 1) / (sqrt_kappa + 1)) < 1e-9
assert abs(heavy_ball_rate(0.1, 0.9) - np.sqrt(0.9)) < 1e-12          # both coordinates spiral: r = sqrt(alpha)

# The map over the slider's ranges: eta from 1e-3 to 10^0.3 (log scale), alpha from 0 to 0.99.
map_lrs, map_alphas = np.geomspace(1e-3, 10 ** 0.3, 301), np.linspace(0, 0.99, 199)
LR, ALPHA = np.meshgrid(map_lrs, map_alphas)
rate_map = heavy_ball_rate(LR, ALPHA)
edge = 2 * (1 + ALPHA) / lambda_max
assert np.all(rate_map[LR > edge] >= 1) and np.all(rate_map[LR < edge] < 1)  # diverges exactly beyond the edge
assert rate_map.min() > heavy_ball_rate(*POLYAK)                             # no point of the map beats Polyak's
edge_at_polyak = 2 * (1 + POLYAK[1]) / lambda_max
print(f"the edge at Polyak's alpha: eta = {edge_at_polyak:.4f}; Polyak's eta is "
      f"{100 * (1 - POLYAK[0] / edge_at_polyak):.1f}% below it")
assert 0.95 * edge_at_polyak < POLYAK[0] < edge_at_polyak                 # less than 5 % inside the edge
assert heavy_ball_rate(0.1, 0.9) > heavy_ball_rate(*BEST_SGD)              # the original Momentum: slower than best SGD

# %% [markdown]
# The original book's $\eta = 0.95$ for SGD on this bowl sits almost exactly
# at the best SGD step, and Momentum with $\alpha = 0.9$ stays stable up to
# $\eta = 1.9$, against 1 for SGD.
#
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
rate_paths, measured_rate = {}, {}
for name, (lr, alpha, (first, last)) in RATE_RUNS.items():
    rate_paths[name] = descend(Momentum(lr=lr, momentum=alpha), bowl_gradient, BOWL_START, steps=last)
    measured_rate[name] = fitted_rate(rate_paths[name], first, last)
    print(f"{name:29s} predicted r = {heavy_ball_rate(lr, alpha):.4f}, measured {measured_rate[name]:.4f}")
    assert abs(np.log(measured_rate[name]) / np.log(heavy_ball_rate(lr, alpha)) - 1) < 0.03  # within 3 %

spiral_band = (map_lrs > 0.03) & (map_lrs < 1.85)                     # at alpha = 0.9 ...
assert np.all(rate_map[np.isclose(map_alphas, 0.9)][0, spiral_band] == np.sqrt(0.9))  # ... r = sqrt(0.9), whatever eta

slider_lrs, slider_alphas = np.meshgrid(10 ** np.linspace(-3, 0.3, 133), np.linspace(0, 0.99, 199))  # section 1.4's sliders
on_slider = heavy_ball_rate(slider_lrs, slider_alphas)
best = np.unravel_index(on_slider.argmin(), on_slider.shape)
print(f"best slider position: eta = {slider_lrs[best]:.3f}, alpha = {slider_alphas[best]:.3f}, r = {on_slider[best]:.4f}")

fig = momentum_map(
    map_lrs, map_alphas, rate_map, lambda_max,
    marks={f"best SGD, r = {heavy_ball_rate(*BEST_SGD):.3f}": (*BEST_SGD, "o", color("SGD")),
           f"original Momentum, r = {heavy_ball_rate(0.1, 0.9):.3f}": (0.1, 0.9, "s", color("Momentum")),
           f"Polyak, r = {heavy_ball_rate(*POLYAK):.3f}": (*POLYAK, "*", "white")},
    runs={name: (line_color, distance(rate_paths[name]), RATE_RUNS[name][2][0], heavy_ball_rate(*RATE_RUNS[name][:2]))
          for name, line_color in zip(RATE_RUNS, [color("SGD"), color("Momentum"), "black"])},
)
save_figure(fig, "01_momentum_map")
plt.show()

# %% [markdown]
# The map is `images/01_momentum_map.png`. Read it from the bottom. Along
# $\alpha = 0$ (plain SGD) the rate falls to $0.905$ near $\eta = 0.95$ and
# the color ends at $\eta = 1$, where SGD starts to diverge. Raising
# $\alpha$ moves that edge to the right (dashed line) and, at learning rates
# near 1, lowers $r$, down to Polyak's $0.6345$: less than 5% inside the
# edge. The fastest setting uses the steep direction to its limit, so a
# small error in the curvature estimate would tip it over. Higher up, in a
# wide band of learning rates, the contours run horizontally: both
# coordinates spiral, and $r = \sqrt\alpha$ whatever $\eta$. The original
# setting sits there, at $r = 0.9487$: slower in the long run than the best
# SGD, which is what section 1.2 saw.
#
# The measured distances (right) fall at the predicted slopes. At Polyak's
# point each coordinate has a double root, so its error shrinks like
# $k r^k$ rather than $r^k$; a fit from step 50 on still sees a little of
# that factor $k$ and measures a slightly larger rate. On the sliders of
# section 1.4 the nearest position to Polyak's point is printed above.

# %% [markdown]
# ## Noisy gradients: the noise ball
#
# So far every gradient was exact. On MNIST it is not: a mini-batch gradient
# is the true gradient plus noise whose mean square falls as $\sigma^2/B$
# (section 1.1). We add such noise to the bowl. Every step now sees
#
# $$g = \nabla f(w) + \sigma\,\xi, \qquad \xi \sim \mathcal N(0, I),$$
#
# with $\sigma = 1$ and a fresh $\xi$ per step from a seeded generator.
#
# Near the minimum the gradient vanishes but the noise does not, so no
# method with a constant step converges: each one settles into a cloud
# around the minimum, a **noise ball**. For SGD, one coordinate with
# curvature $\lambda$ moves by $w \leftarrow (1 - \eta\lambda)\,w - \eta\sigma\xi$.
# Once the cloud has formed, a step leaves $\mathbb{E}[w^2]$ unchanged:
# $\mathbb{E}[w^2] = (1-\eta\lambda)^2\, \mathbb{E}[w^2] + \eta^2\sigma^2$, so
#
# $$\mathbb{E}[w^2] = \frac{\eta\sigma^2}{\lambda\,(2 - \eta\lambda)},$$
#
# close to $\eta\sigma^2/(2\lambda)$ for small $\eta\lambda$. The ball grows in
# proportion to $\eta$, and it is widest along the flat direction. The same
# calculation for Momentum, with the state $(w_k, w_{k-1})$, gives
#
# $$\mathbb{E}[w^2] = \frac{\eta\sigma^2\,(1+\alpha)}{\lambda\,(1-\alpha)\,\bigl(2(1+\alpha) - \eta\lambda\bigr)}:$$
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
# mean squared distance to the minimum over steps 1,001 to 5,000.

# %%
NOISE_SIGMA, NOISE_SEEDS, NOISE_STEPS, BURN_IN = 1.0, range(10), 5000, 1000


def noisy_descend(optimizer, sigma=NOISE_SIGMA, steps=NOISE_STEPS, seeds=NOISE_SEEDS):
    """Paths on the bowl from the gradients (0.1 x, 2 y) + sigma * N(0, I): shape (steps + 1, seeds, 2).

    All seeds run at once, as rows of one array: the update rules work element by element,
    so each row follows its own path (Adam keeps its moments per element).
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
ten_times = mean_ball["Momentum, η = 0.1, α = 0.9"] / mean_ball["SGD, η = 0.1"]
assert 8 < ten_times < 12, ten_times                           # same eta: ten times the ball
shorter = mean_step(noisy_paths["SGD, η = 0.1"]) / mean_step(noisy_paths["Momentum, η = 0.01, α = 0.9"])
print(f"Momentum (eta = 0.1) / SGD (eta = 0.1) ball: {ten_times:.1f};",
      f"SGD's steps / Momentum's (same effective step): {shorter:.2f}, sqrt(19) = {np.sqrt(19):.2f}")
assert abs(shorter / np.sqrt((1 + 0.9) / (1 - 0.9)) - 1) < 0.1, shorter   # steps sqrt(19) times shorter

# %% [markdown]
# The formulas hold: SGD's ball doubles with $\eta$, and Momentum at
# $\eta = 0.01$, $\alpha = 0.9$ ends in the same ball as SGD at $\eta = 0.1$.
# Momentum does not average the noise away. Its velocity does average the
# gradients: its steps are about $\sqrt{(1+\alpha)/(1-\alpha)} = \sqrt{19}$
# times shorter than SGD's (noise terms of opposite signs cancel in the
# velocity, while a steady drift adds up). But consecutive steps are then
# correlated, and the position wanders just as far. At the bowl's setting
# $\eta = 0.1$, Momentum's ball is about ten times SGD's.
#
# Adam's ball at $\sigma = 1$ is close to SGD's at the same $\eta$, which is
# no coincidence. Near the minimum Adam's gradients are mostly noise, so the
# root of its second moment is close to $\sigma$: Adam moves like Momentum
# with the gradient divided by $\sigma$, that is like SGD with the learning
# rate $\eta/\sigma$. Its ball should then be about
# $(\eta/\sigma)\,\sigma^2/(2\lambda)$ per coordinate: proportional to
# $\sigma$, not to $\sigma^2$, and its steps should keep the same length
# whatever the noise. We check with $\sigma$ from 0.25 to 2.

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
growth = {name: values[1:] / values[:-1] for name, values in ball_by_sigma.items()}   # per doubling of sigma
print("growth of the ball per doubling of sigma:", {name: np.round(g, 2).tolist() for name, g in growth.items()})
assert np.allclose(growth["SGD"], 4, rtol=0.01)                # SGD: twice the noise, four times the ball
assert np.all((1.6 < growth["Adam"]) & (growth["Adam"] < 2.5))  # Adam: about twice
assert step_by_sigma["Adam"].max() < 1.15 * step_by_sigma["Adam"].min()          # Adam's steps: the same length,
assert np.all((0.2 * 0.1 < step_by_sigma["Adam"]) & (step_by_sigma["Adam"] < 0.35 * 0.1))  # 0.2 to 0.35 eta
assert np.allclose(step_by_sigma["SGD"][1:] / step_by_sigma["SGD"][:-1], 2, rtol=0.05)  # SGD's: proportional to sigma
assert np.all(np.abs(ball_by_sigma["Adam"] / adam_as_sgd - 1) < 0.15)           # Adam ~ SGD with eta / sigma

# %%
SHOWN = ["SGD, η = 0.1", "Momentum, η = 0.01, α = 0.9", "Momentum, η = 0.1, α = 0.9", "Adam, η = 0.1"]
fig = noisy_bowl({label: noisy_paths[label] for label in SHOWN}, mean_ball,
                 {label: NOISY[label][1] for label in ("SGD, η = 0.1", "Momentum, η = 0.1, α = 0.9")},
                 SIGMAS, ball_by_sigma, adam_as_sgd)
save_figure(fig, "01_noisy_bowl")
plt.show()

# %% [markdown]
# In `images/01_noisy_bowl.png`, every path runs to the minimum and then
# stays in a cloud shaped like the bowl: wide along the flat $x$, thin along
# the steep $y$. SGD's ball grows fourfold when $\sigma$ doubles, Adam's
# only about twofold, as the formula of SGD with $\eta/\sigma$ predicts.
# Adam's steps keep the same length, between $0.2\,\eta$ and $0.35\,\eta$,
# whatever the noise: its division by the root of the second moment
# rescales the noise to a fixed size, so a constant $\eta$ sets a floor to
# its jitter that no quietening of the gradients removes.
#
# What this means for training: with a constant step, a noisy optimizer
# trades speed for precision. A large step reaches the region of the minimum
# quickly and then jitters in a large ball; a small step jitters less but
# takes long to arrive. Momentum does not escape the trade (at the same
# effective step its ball is the same), and neither does Adam. The way out
# is to change the step during training, large first and small at the end:
# a learning-rate schedule (section 1.9).

# %% [markdown]
# ## Summary
#
# - On a quadratic, Momentum is the **heavy-ball** iteration
#   $w_{k+1} = w_k - \eta\lambda w_k + \alpha(w_k - w_{k-1})$; its speed is
#   the **spectral radius** $r(\eta, \alpha)$ of a 2×2 matrix per curvature.
# - The map of $r$ shows the best SGD ($r = (\kappa-1)/(\kappa+1)$), Polyak's
#   setting ($r = (\sqrt\kappa-1)/(\sqrt\kappa+1)$, less than 5% inside the
#   edge of divergence $\eta = 2(1+\alpha)/\lambda_{\max}$) and the band where
#   $r = \sqrt\alpha$ whatever $\eta$; measured runs follow it within 3%.
# - With **noisy gradients** and a constant step, every method ends in a
#   **noise ball** around the minimum, $\eta\sigma^2/(\lambda(2-\eta\lambda))$
#   per direction for SGD. Momentum's ball is SGD's at the effective step
#   $\eta/(1-\alpha)$: its velocity shortens the steps but not the wandering.
#   Adam's ball grows as $\sigma$, not $\sigma^2$.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: the speed of Nesterov
#
# On one coordinate of curvature $\lambda$, the library's `Nesterov` (which
# stores the look-ahead point, section 1.2) follows
#
# $$w_{k+1} = (1+\alpha)(1-\eta\lambda)\, w_k - \alpha(1-\eta\lambda)\, w_{k-1}.$$
#
# Write `nesterov_rate(lr, momentum, curvatures)`: build the 2×2 matrix of
# this iteration for each curvature, take the largest absolute eigenvalue
# (`np.linalg.eigvals`), and return the largest over the curvatures (for
# scalar `lr` and `momentum`). The self-check compares with exact values and
# with runs of the library's `Nesterov`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def nesterov_rate(lr, momentum, curvatures=BOWL_CURVATURES):
    # BEGIN SOLUTION
    rates = []
    for curvature in curvatures:
        shrink = 1 - lr * curvature
        matrix = np.array([[(1 + momentum) * shrink, -momentum * shrink], [1.0, 0.0]])
        rates.append(np.abs(np.linalg.eigvals(matrix)).max())
    return float(max(rates))
    # END SOLUTION


# %% tags=["self-check"]
SETTINGS = [(0.1, 0.9), (0.5, 0.5), (0.9, 0.3)]
your_rates = [float(nesterov_rate(lr, a)) for lr, a in SETTINGS]
for (lr, a), yours in zip(SETTINGS, your_rates):
    exact = max(np.abs(np.roots([1, -(1 + a) * (1 - lr * c), a * (1 - lr * c)])).max() for c in BOWL_CURVATURES)
    assert abs(yours - exact) < 1e-9, "not the spectral radius of the iteration: check the matrix"
    run = descend(Nesterov(lr=lr, momentum=a), bowl_gradient, BOWL_START, steps=400)
    measured = fitted_rate(run, 100, 300)
    assert abs(np.log(measured) / np.log(yours) - 1) < 0.05, "your rate does not match the library's Nesterov"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: which is fastest?
#
# **Predict first**, from the formulas of this section and without running
# anything: which of these converges fastest on the bowl in the long run?
#
# - `"a"`: Momentum, $\eta = 0.1$, $\alpha = 0.9$;
# - `"b"`: Momentum, $\eta = 0.5$, $\alpha = 0.5$;
# - `"c"`: SGD, $\eta = 0.95$.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`; the self-check uses `heavy_ball_rate`.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    rates = {"a": float(heavy_ball_rate(0.1, 0.9)), "b": float(heavy_ball_rate(0.5, 0.5)),
             "c": float(heavy_ball_rate(0.95, 0.0))}
    return {letter: rate < min(r for other, r in rates.items() if other != letter) for letter, rate in rates.items()}


check_choice(prediction, facts, exercise=2, hint="compute r for each setting (which roots are real?)")

# %% [markdown]
# ### Exercise 3: Momentum in louder noise
#
# **Predict first.** Momentum with $\eta = 0.01$, $\alpha = 0.9$ ended in SGD's
# ball. If the noise doubles ($\sigma = 2$), its ball
#
# - `"a"`: doubles, as Adam's does;
# - `"b"`: grows fourfold, as SGD's does;
# - `"c"`: stays the same, because the velocity averages the noise.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`; the self-check runs it.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    louder = noise_ball(noisy_descend(Momentum(lr=0.01, momentum=0.9), sigma=2.0)).mean()
    growth = louder / mean_ball["Momentum, η = 0.01, α = 0.9"]
    closest = min({"a": 2.0, "b": 4.0, "c": 1.0}.items(), key=lambda item: abs(np.log(growth / item[1])))[0]
    return {letter: letter == closest for letter in "abc"}


check_choice(prediction, facts, exercise=3, hint="is Momentum's update linear in the gradient?")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | heavy-ball method | 重球法（ヘビーボール法） | 重球法 | Polyak's momentum method, w_{k+1} = w_k − η∇f(w_k) + α(w_k − w_{k−1}): a gradient step plus α times the previous step |
# | spectral radius | スペクトル半径 | 谱半径 | the largest absolute value of a matrix's eigenvalues; for a linear iteration, the factor by which the error shrinks per step in the long run |
# | noise ball | ノイズボール | 噪声球 | the region around a minimum in which an optimizer with a constant step keeps wandering because its gradients are noisy; its size grows with the step |
#
# See the whole [glossary](../glossary.md).

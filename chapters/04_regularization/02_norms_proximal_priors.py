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
# # 4.2 Norms, proximal steps and priors (optional)
#
# Weight decay penalizes the squared L2 norm of the weights. Why that norm, and
# what would others do? This optional section compares the L1, L2 and L∞
# penalties on two small problems where everything can be seen: a
# two-dimensional quadratic and a linear regression with 20 weights. It then
# reads the penalties as beliefs about the weights. The main path (section
# 4.3) does not need it.
#
# **Learning goals.** After this section you can
#
# - tell the L1, L2 and L∞ penalties apart by their unit balls and by the
#   weights they produce (L1 makes weights exactly zero);
# - write the proximal step of each penalty and say why plain subgradient
#   descent on L1 gives small weights but not zeros;
# - read the L2 and L1 penalties as Gaussian and Laplace priors on the weights.

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

from common.display.regularization import penalty_weights, unit_balls

# %% [markdown]
# ## Three norms and their unit balls
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
# minimized inside each unit ball by projected gradient descent: a gradient
# step, then back to the nearest point of the ball.

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
center = np.array([2.0, 1.5])                  # minimum of the loss without constraint
curvature = np.array([[1.0, 0.3], [0.3, 0.5]])  # loss (w - center)^T A (w - center)


def minimize_in_ball(project, steps=500):
    w = np.zeros(2)
    step = 0.5 / np.linalg.eigvalsh(curvature).max()
    for _ in range(steps):
        w = project(w - step * 2 * curvature @ (w - center))
    return w


ball_solutions = {name: minimize_in_ball(project) for name, project in PROJECT.items()}
print({name: np.round(w, 3).tolist() for name, w in ball_solutions.items()})
w_l1, w_l2, w_linf = ball_solutions["L1"], ball_solutions["L2"], ball_solutions["L∞"]
assert abs(w_l1[1]) < 1e-9 and abs(w_l1[0] - 1) < 1e-9       # L1: a corner, one weight exactly 0
assert min(abs(w_l2)) > 0.3                                   # L2: both weights non-zero, shrunk
assert np.allclose(abs(w_linf), 1.0)                          # L∞: a corner, all weights equally large

# %%
outlines = {
    "L1": np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]]).T,
    "L2": np.array([np.cos(np.linspace(0, 2 * np.pi, 200)), np.sin(np.linspace(0, 2 * np.pi, 200))]),
    "L∞": np.array([[1, 1], [-1, 1], [-1, -1], [1, -1], [1, 1]]).T,
}
unit_balls(ball_solutions, outlines, center, curvature, "04_unit_balls")
plt.show()

# %% [markdown]
# The corners decide (`images/04_unit_balls.png`). The L1 ball has its corners
# *on the axes*, so the level sets usually touch it at a corner, where some
# coordinates are exactly zero: L1 produces **sparse** weights. The L2 ball is
# round, with no preferred point; the solution keeps both coordinates and
# shrinks them. The L∞ ball has its corners on the diagonals, where all
# coordinates have the same magnitude: L∞ pulls the largest weights down to a
# common level. What it does to the smaller ones is not fixed by the ball; the
# next example shows that they can move either way.
#
# ## The same effect on a small model: proximal steps
#
# Now a model with 20 weights: linear regression $y = Xw + \text{noise}$ on 50
# samples, where only 4 of the 20 features matter. We minimize
# $\frac{1}{2n}\lVert Xw - y\rVert^2 + \text{penalty}(w)$ with
# **proximal gradient descent**: a gradient step on the data term, then the
# *proximal step* of the penalty, which solves
# $\min_w \tfrac12\lVert w - v\rVert^2 + \eta\,\text{penalty}(w)$ exactly:
#
# - L2, $\frac\lambda2\lVert w\rVert_2^2$: $w = v/(1+\eta\lambda)$, a uniform
#   shrink, like weight decay's factor $1-\eta\lambda$;
# - L1, $\lambda\lVert w\rVert_1$: the **soft threshold**
#   $w_i = \operatorname{sign}(v_i)\max(|v_i| - \eta\lambda, 0)$, which sets every
#   small weight to exactly zero;
# - L∞, $\lambda\lVert w\rVert_\infty$: $w = v - \eta\lambda\,P_1(v/\eta\lambda)$
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
exact_zeros = {name: int(np.sum(w == 0)) for name, w in weights.items()}
print("weights exactly 0 (16 of the 20 features are irrelevant):", exact_zeros)

# %%
penalty_weights(weights, {name: lam for name, (lam, _) in PROX.items()}, w_true, "04_penalty_weights")
plt.show()

# %%
assert exact_zeros["L1"] >= 14 and exact_zeros["L2"] == 0 and exact_zeros["none"] == 0  # L1 sparse, L2 not
assert np.all(weights["L1"][relevant] != 0)                  # ...and L1 keeps the 4 features that matter
largest = np.sort(np.abs(weights["L∞"]))[-4:]
assert largest.max() - largest.min() < 1e-6, largest          # L∞: the 4 largest weights share one magnitude
print({"common magnitude of the 4 largest with L∞": round(float(largest.max()), 3)})

least_squares = weights["none"]
length = {name: float(np.linalg.norm(weights[name])) for name in ("none", "L2")}
grew = {name: np.abs(weights[name]) > np.abs(least_squares) + 1e-9 for name in ("L2", "L∞")}
assert length["L2"] < length["none"], length                                      # L2 shrinks the vector...
assert np.all(np.abs(weights["L2"][relevant]) < np.abs(least_squares[relevant]))  # ...and the 4 weights that matter,
assert grew["L2"].any() and not grew["L2"][relevant].any()                        # ...but some irrelevant ones grow
eigenvalues, eigenvectors = np.linalg.eigh(X.T @ X / n_samples)
direction_shrink = eigenvalues / (eigenvalues + PROX["L2"][0])                     # s / (s + λ), each below 1
assert np.allclose(eigenvectors.T @ weights["L2"], direction_shrink * (eigenvectors.T @ least_squares))
print({"||w||_2 least squares": round(length["none"], 2), "||w||_2 with L2": round(length["L2"], 2),
       "weights larger in magnitude than least squares": {name: int(g.sum()) for name, g in grew.items()},
       "shrink factors along the eigenvectors": [round(float(direction_shrink.min()), 2),
                                                 round(float(direction_shrink.max()), 2)]})

# %% [markdown]
# The picture matches the geometry (`images/04_penalty_weights.png`): L1 keeps
# the four relevant features and sets most of the others to exactly zero
# (feature selection, the "lasso" of Tibshirani 1996). L2 zeroes none and
# shrinks the weight vector as a whole, and all four relevant weights shrink.
# It does not shrink every weight, though: some of the irrelevant ones come
# out *larger* in magnitude than without a penalty (the count is printed
# above). Only the proximal step $v/(1+\eta\lambda)$ is a uniform shrink; the
# fitted solution balances it against the data term. Along each eigenvector
# of $X^\top X/n$, with eigenvalue $s$, the L2 solution is the least-squares
# one times $s/(s+\lambda)$ (the last assert above checks this against the
# fitted weights): every *direction* shrinks, those the data pin down least
# the most, and a single weight, which mixes several directions, can grow.
# L∞ caps the four largest at one common magnitude and moves the others
# either way.
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
# smooth and cheap, and with plain SGD it multiplies all weights by the same
# factor $1-\eta\lambda$ at every step.
#
# ## The penalties as prior beliefs
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
# ## Summary
#
# - Penalties differ by the shape of their unit balls: L1 has corners on the
#   axes and gives exactly zero weights (with a proximal step), L2 shrinks
#   every direction but not every weight, L∞ caps the largest weights at a
#   common magnitude and may move the others either way.
# - A proximal step solves the penalty's part of the problem exactly; the
#   soft threshold is what makes L1's zeros exact.
# - Read as beliefs, the L2 penalty is a Gaussian prior on the weights and the
#   L1 penalty a Laplace prior; the penalized fit is the MAP estimate.
#
# ## Exercises
#
# ### Exercise 1: the proximal step of L2
#
# Show on paper that $\min_w \tfrac12\lVert w - v\rVert^2 + \tfrac{t}{2}\lVert
# w\rVert^2$ is solved by $w = v/(1+t)$. Then write `prox_l2(v, t)` and
# `prox_l1(v, t)` (the proximal steps of $\frac t2\lVert w\rVert_2^2$ and
# $t\lVert w\rVert_1$) in numpy. The self-check compares them with a
# brute-force minimization on a grid.

# %% jupyter={"source_hidden": true} tags=["solution"]
def prox_l2(v, t):
    # BEGIN SOLUTION
    return np.asarray(v, dtype=float) / (1.0 + t)
    # END SOLUTION


def prox_l1(v, t):
    # BEGIN SOLUTION
    v = np.asarray(v, dtype=float)
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)
    # END SOLUTION


# %% tags=["self-check"]
candidates = np.linspace(-3, 3, 60001)            # a fine grid of w for one coordinate
for v_check, t_check in ((1.7, 0.5), (-0.3, 0.5), (0.2, 2.0), (-2.5, 0.1)):
    your_l2, your_l1 = float(prox_l2(np.array([v_check]), t_check)[0]), float(prox_l1(np.array([v_check]), t_check)[0])
    best_l2 = candidates[np.argmin(0.5 * (candidates - v_check) ** 2 + 0.5 * t_check * candidates ** 2)]
    best_l1 = candidates[np.argmin(0.5 * (candidates - v_check) ** 2 + t_check * np.abs(candidates))]
    assert abs(your_l2 - best_l2) < 1e-3, f"prox_l2 does not minimize the objective for v={v_check}, t={t_check}"
    assert abs(your_l1 - best_l1) < 1e-3, f"prox_l1 does not minimize the objective for v={v_check}, t={t_check}"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: how strong must L1 be?
#
# Predict, then check: in the regression above, which is the smallest λ on the
# grid 0.01, 0.03, 0.1, 0.3, 1 at which the L1 fit (`fit_proximal(soft_threshold,
# λ)`) sets *every one* of the 16 irrelevant weights to exactly zero? Set
# `smallest_lambda` to your answer; the self-check fits the model.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
smallest_lambda = 0.3
# END SOLUTION

# %% tags=["self-check"]
your_lambda = float(smallest_lambda)
grid = [0.01, 0.03, 0.1, 0.3, 1.0]
assert your_lambda in grid, "choose a value of the grid"
all_zero = [bool(np.all(fit_proximal(soft_threshold, lam)[irrelevant] == 0)) for lam in grid]
assert all_zero[grid.index(your_lambda)] and not any(all_zero[:grid.index(your_lambda)]), \
    "not the smallest λ of the grid with all 16 irrelevant weights exactly 0"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | norm | ノルム | 范数 | A length of a vector; L1: sum of absolute values, L2: Euclidean length, L∞: largest absolute value. |
# | unit ball | 単位球 | 单位球 | The set of vectors whose norm is at most 1; its shape shows which weights a penalty favors. |
# | sparsity | スパース性 | 稀疏性 | Having many weights exactly zero, as the L1 penalty produces. |
# | proximal gradient method | 近接勾配法 | 近端梯度法 | A gradient step on the smooth loss followed by the exact minimization step (prox) of the penalty. |
# | soft thresholding | ソフト閾値処理 | 软阈值 | The prox of the L1 penalty: move each weight towards zero by a fixed amount, stopping at zero. |
# | prior | 事前分布 | 先验分布 | A probability distribution over the weights that states what is believed before seeing data; a Gaussian prior gives the L2 penalty, a Laplace prior the L1 penalty. |
# | MAP estimate | MAP推定（最大事後確率推定） | 最大后验估计（MAP估计） | The most probable weights given the data and the prior: the minimum of the negative log-likelihood plus the negative log-prior. |
#
# See the whole [glossary](../glossary.md).

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
# # 4.5 Weight decay with Adam: an L2 penalty, or decoupled decay (AdamW)
#
# Section 4.1 used a fact of plain SGD: adding $\lambda W$ to the gradient and
# multiplying $W$ by $1-\eta\lambda$ are the same step. With Adam they are not
# (Loshchilov & Hutter 2019). This section shows why, on weights that get no
# data gradient at all, and then compares the two ways of decaying under Adam
# with plain Adam, each at a λ chosen on validation data.
#
# **Learning goals.** After this section you can
#
# - explain why an L2 penalty under Adam is not weight decay: Adam rescales
#   its gradient, weight by weight;
# - write AdamW's decoupled decay and predict what it does to a weight with
#   no data gradient;
# - compare regularizers fairly: a control without regularization, each
#   method's λ chosen on validation data, the test data read once.

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
import inspect

import matplotlib.pyplot as plt
import numpy as np

from common.display.regularization import adamw_rows
from common.display.report import approx, seed_summary
from common.display.source import show
from common.experiments.classic import build_network, by_label, seed_pairs
from common.experiments.regularization_runs import N_VALIDATION, adam_runs, train_runs
from common.optimizers import Adam, AdamW
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()
MNIST = (x_train, t_train, x_test, t_test)

# %% [markdown]
# ## Why an L2 penalty is not weight decay under Adam
#
# Adam divides each weight's step by the root of the running mean of its
# squared gradients (chapter 1):
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
# SGD. This is **AdamW**. In the library it is three lines on top of Adam;
# `decayed_keys` names the weight matrices, so that the biases are not
# decayed, as with the penalty:

# %%
show(AdamW)

# %% [markdown]
# (The paper multiplies $\lambda$ by the schedule's factor rather than by
# $\eta$; libraries such as PyTorch multiply by $\eta$, as we do. So our λ is
# not the paper's: what matters is the product $\eta\lambda$, the fraction of
# each weight removed per step.)
#
# The MNIST digits give us weights with no data gradient for free. A pixel that
# is 0 in every training image sends nothing through its row of $W_1$, so
# $\partial L / \partial W_1[i, :] = x_i\,\delta = 0$: only the decay moves
# that row.

# %%
x_small = x_train[:300]
blank = np.all(x_small == 0, axis=0)           # pixels that are 0 in all 300 training images
inked_share = np.mean(x_small > 0, axis=0)     # in how many of the 300 images each pixel has ink
print(f"{int(blank.sum())} of the 784 pixels are blank in every one of the 300 training images")

# %% [markdown]
# ## The experiment
#
# The 300-image network of section 4.1, trained with Adam (η = 0.001) for 100
# epochs (300 updates), from five seeds, in three ways:
#
# - **Adam**, no decay at all: the control;
# - **Adam + L2**: the penalty $\frac\lambda2\sum\lVert W\rVert^2$ in the loss,
#   λ ∈ {0.001, 0.01, 0.1};
# - **AdamW**: decoupled decay, λ ∈ {0.1, 1, 10}.
#
# The two grids differ because the two λ mean different things. With
# η = 0.001, AdamW at λ = 0.1 removes $\eta\lambda = 10^{-4}$ of each weight per
# step, 3 % over 300 steps: barely a regularizer. λ = 1 and 10 remove 26 % and
# 95 %. As in sections 4.1 and 4.3, each run reports its accuracy on the 1000
# validation images after its own 300, and each method's λ is chosen there.
#
# **Predict before you run.** By what factor will AdamW have shrunk the rows
# of the blank pixels after 300 updates, at each λ? And Adam with the L2
# penalty?

# %% tolerance={"abs": 0.03}
ADAM_LR, UPDATES = 0.001, 300
VARIANTS = {"Adam": (0.0, "Adam", {})}
VARIANTS.update({f"Adam + L2, λ = {lam}": (lam, "Adam", {}) for lam in (0.001, 0.01, 0.1)})
VARIANTS.update({f"AdamW, λ = {lam}": (0.0, "AdamW", {"decoupled_weight_decay": lam}) for lam in (0.1, 1, 10)})
SEEDS = seed_pairs(5)
trained = train_runs(adam_runs(VARIANTS, SEEDS, lr=ADAM_LR), MNIST)
validation = by_label(trained, lambda result: result.history["validation_acc"][-1])
train = by_label(trained, lambda result: result.history["train_acc"][-1])
print(f"validation accuracy on {N_VALIDATION} held-out images:")
print(seed_summary(validation))
chosen = {method: max((label for label in VARIANTS if label.startswith(method + ",")),
                      key=lambda label: validation[label].mean()) for method in ("Adam + L2", "AdamW")}
print("chosen on validation data:", "; ".join(chosen.values()))

# %% [markdown]
# First the mechanism. For each run, the length of each row of $W_1$ after
# training divided by its length at initialization, averaged over the blank
# rows and over the inked ones:

# %% tolerance={"abs": 0.02, "rel": 0.05}
def row_shrink(result):
    """||W1[i, :]|| after training / before, for each of the 784 input pixels i."""
    before = build_network(result.run).params["W1"].astype(np.float64)    # the same initial weights again
    after = result.network.params["W1"].astype(np.float64)
    return np.linalg.norm(after, axis=1) / np.linalg.norm(before, axis=1)


row_ratio = by_label(trained, row_shrink)                                 # {label: (5 seeds, 784 pixels)}
for label in VARIANTS:
    print(f"{label:<20} blank rows {approx(row_ratio[label][:, blank].mean(), 3):<8} "
          f"inked rows {approx(row_ratio[label][:, ~blank].mean(), 3)}")

# %%
for label, (_, name, settings) in VARIANTS.items():
    blank_rows = row_ratio[label][:, blank]
    if name == "AdamW":            # every blank row, every seed: exactly the decay factor
        factor = (1 - ADAM_LR * settings["decoupled_weight_decay"]) ** UPDATES
        assert np.allclose(blank_rows, factor, rtol=1e-3), label
        print(f"{label}: blank rows exactly (1 - ηλ)^{UPDATES} = {factor:.4f}")
    elif label == "Adam":          # no gradient, no decay: Adam does not move them at all
        assert np.array_equal(blank_rows, np.ones_like(blank_rows)), label
    else:                          # the penalty through Adam: wiped out, at every λ of the grid
        assert np.all(blank_rows.mean(axis=1) < 0.1), label

# %% [markdown]
# Under AdamW every blank row has shrunk by exactly $(1 - \eta\lambda)^{300}$,
# in every seed: the decay treats every weight alike. Plain Adam leaves them
# exactly where they started (no gradient, no step). Under Adam with the L2
# penalty the blank rows are almost wiped out at *every* λ of the grid, even
# at λ = 0.001, as the sign argument above predicts: 300 steps of about
# η = 0.001 each exceed the size of a He-initialized weight of $W_1$
# (standard deviation $\sqrt{2/784} \approx 0.05$). The inked rows keep far
# more: the more often a pixel has ink, the larger its gradient history and
# the less its weights are decayed (`images/04_adamw.png`, right).

# %%
adamw_rows({label: row_ratio[label] for label in chosen.values()}, inked_share, "04_adamw")
plt.show()

# %% [markdown]
# Now the verdict, on the test data, once: plain Adam and the chosen setting
# of each method, seed by seed.

# %% tolerance={"abs": 0.02}
networks = {(result.run.label, result.run.init_seed): result.network for result in trained}
compared = ["Adam", *chosen.values()]
test = {label: np.array([networks[label, init_seed].accuracy(x_test, t_test) for init_seed, _ in SEEDS])
        for label in compared}
print(seed_summary(test))
gain_adamw = test[chosen["AdamW"]] - test["Adam"]
gain_l2 = test[chosen["Adam + L2"]] - test["Adam"]
print(seed_summary({"AdamW - Adam": gain_adamw, "Adam + L2 - Adam": gain_l2}))
assert chosen == {"Adam + L2": "Adam + L2, λ = 0.001", "AdamW": "AdamW, λ = 1"}, chosen
assert np.sum(gain_adamw > 0) >= 4 and gain_adamw.mean() > 0.005, gain_adamw   # AdamW: higher, nearly every seed
assert abs(gain_l2.mean()) < 0.005, gain_l2                              # the L2 penalty: no clear change

# %% [markdown]
# With each λ chosen on validation data, AdamW beat plain Adam on the test
# data by about a point on average (the gain per seed is printed above). The L2 penalty did not: its best λ is
# the smallest of the grid, and even there it ends level with plain Adam. The
# reason is visible above: through Adam, the penalty mostly erases the weights
# of rarely used inputs, whatever λ is, while a λ large enough to restrain the
# other weights (0.1) already makes the network underfit. Decoupled, the decay
# is one knob that shrinks every weight alike.
#
# Loshchilov & Hutter (2019) found the same on their image classification
# tasks, and that decoupling also makes the best λ less dependent on the
# learning rate; AdamW is the usual way to regularize with Adam today.
#
# ## Summary
#
# - Under Adam, the gradient $\lambda W$ of an L2 penalty is divided by
#   $\sqrt{\hat v}$: weights with a small gradient history are decayed hard
#   (the blank-pixel rows of $W_1$ were wiped out at every λ tried), the
#   others hardly.
# - AdamW multiplies every weight by $1-\eta\lambda$ per step, outside the
#   gradient: the blank rows shrank by exactly $(1-\eta\lambda)^{300}$.
# - With λ chosen on validation data and plain Adam as the control, AdamW
#   raised the test accuracy by about a point; Adam + L2 did not change it. At
#   η = 0.001, a decay of λ = 0.1 (ηλ = 10⁻⁴) barely regularizes.
#
# ## Exercises
#
# ### Exercise 1: AdamW by hand
#
# Write `adamw_step(w, grad, m, v, t, lr, decay, beta1=0.9, beta2=0.999,
# eps=1e-8)` for one parameter array: update the moments, correct their bias
# for step `t` (counted from 1), take Adam's step and then the decoupled decay,
# and return the new `(w, m, v)`. Use numpy only. The self-check runs ten steps
# on fixed gradients and compares your weights with the library's `AdamW`.

# %% jupyter={"source_hidden": true} tags=["solution"]
def adamw_step(w, grad, m, v, t, lr, decay, beta1=0.9, beta2=0.999, eps=1e-8):
    # BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    w = w - lr * decay * w
    return w, m, v
    # END SOLUTION


# %% tags=["self-check"]
your_code = inspect.getsource(adamw_step)
assert "AdamW(" not in your_code and "Adam(" not in your_code, "write the step with numpy, not the library's optimizer"
rng_check = np.random.default_rng(31)
w_start = rng_check.standard_normal((3, 4))
gradients = [rng_check.standard_normal((3, 4)) for _ in range(10)]
w_yours, m, v = w_start.copy(), np.zeros_like(w_start), np.zeros_like(w_start)
for t, grad in enumerate(gradients, start=1):
    w_yours, m, v = adamw_step(w_yours, grad, m, v, t, lr=0.01, decay=0.5)
params = {"W": w_start.copy()}
library = AdamW(lr=0.01, decoupled_weight_decay=0.5)
for grad in gradients:
    library.update(params, {"W": grad})
assert np.shape(w_yours) == w_start.shape, "return the weights in their shape"
assert np.allclose(w_yours, params["W"], rtol=1e-6, atol=1e-9), \
    "after ten steps your weights differ from AdamW's: check the bias correction and where the decay comes"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: a weight without data
#
# Under Adam with an L2 penalty λ, a weight $w$ gets no data gradient, only
# $\lambda w$. After its first step (with bias correction), how far has it
# moved, roughly?
#
# - `"a"`: about $\eta\lambda\lvert w\rvert$, as with SGD;
# - `"b"`: about $\eta$, whatever λ and $w$ are;
# - `"c"`: not at all, because Adam ignores the penalty.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`. The self-check measures one step of the
# library's `Adam` on such weights for several λ.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    """Each option as a fact about one step of Adam, for three λ and three weights."""
    moves, sgd_like = [], []
    for lam in (1e-3, 1e-1, 10.0):
        weights = {"W": np.array([0.05, -0.2, 1.0])}
        start = weights["W"].copy()
        Adam(lr=0.001).update(weights, {"W": lam * weights["W"]})
        moves.append(np.abs(weights["W"] - start) / 0.001)          # the move in units of eta
        sgd_like.append(lam * np.abs(start))                         # eta lambda |w|, in units of eta
    moves = np.array(moves)
    return {"a": np.allclose(moves, sgd_like, rtol=0.1), "b": np.allclose(moves, 1.0, rtol=0.02),   # eps: under 1 %
            "c": np.allclose(moves, 0.0)}


check_choice(prediction, facts, exercise=2, hint="compute m̂ / √v̂ for a gradient λw")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | decoupled weight decay | 分離型荷重減衰（decoupled weight decay） | 解耦权值衰减 | Multiplying the weights by 1 − ηλ after the optimizer's step, outside the gradient, so that an adaptive optimizer such as Adam does not rescale the decay. |
# | AdamW | AdamW | AdamW | Adam with decoupled weight decay (Loshchilov & Hutter 2019). |
#
# See the whole [glossary](../glossary.md).

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
# # 1.9 Learning-rate schedules, warm-up, and choosing an optimizer
#
# Section 1.5 ended with a dilemma: with noisy gradients, a large constant
# step reaches the region of the minimum quickly and then jitters in a large
# noise ball; a small step jitters less but arrives late. A
# **learning-rate schedule** takes the best of both: the learning rate
# becomes a function of the update number, $\eta_t$, large at first and
# small at the end. This section builds three common schedules, tests them
# on MNIST over five seeds, and closes the chapter with advice on choosing an
# optimizer.
#
# **Learning goals.** After this section you can
#
# - write step decay, cosine annealing and a linear warm-up as functions of
#   the update number;
# - explain why a decaying learning rate ends lower than any constant one
#   when the gradients are noisy;
# - say what a warm-up protects against, and measure it (dead ReLU units);
# - choose an optimizer and a learning rate for a new problem, and say which
#   claims behind that choice this chapter has measured.

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

from common.display.curves import schedule_runs, schedule_shapes
from common.display.plot import save_figure
from common.display.report import approx, seed_summary
from common.display.source import show
from common.experiments.mnist_runs import build_network, dead_units, train_side_by_side
from common.experiments.trainer import Trainer
from common.optimizers import SGD
from common.schedules import Constant, Cosine, StepDecay, Warmup, schedule_values
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()

# %% [markdown]
# ## Three schedules
#
# - **Step decay**: $\eta_t = \eta_0\,\gamma^{\lfloor t/s \rfloor}$, the rate
#   multiplied by $\gamma$ (often 0.1) every $s$ updates. He et al. (2016)
#   trained their residual networks so, dividing $\eta$ by 10 at fixed
#   points of training.
# - **Cosine annealing** (Loshchilov & Hutter 2017):
#   $\eta_t = \eta_0\,\bigl(1 + \cos(\pi t/T)\bigr)/2$, from $\eta_0$ at
#   $t = 0$ smoothly down to 0 at the end of training, $t = T$.
# - **Linear warm-up** (Goyal et al. 2017): for the first $T_w$ updates,
#   $\eta_t$ is the schedule's rate times $(t+1)/T_w$, then the schedule
#   itself. It protects the first updates, made from random initial weights
#   where gradients can be large and erratic, from the full rate.
#
# In `common.schedules` each is a small object called with the update
# number, `schedule(t) -> lr`. The Trainer's `schedule=` sets
# `optimizer.lr = schedule(t)` before update $t$. Here is the library's code:

# %%
show(StepDecay, Cosine, Warmup, docstring=False)

# %% [markdown]
# `schedule_values(schedule, T)` lists the rates of a whole run, for
# plotting (`images/01_schedules.png`):

# %%
UPDATES = 2000
SHAPES = {
    "η = 0.2": Constant(0.2),
    "step decay from 0.4": StepDecay(0.4, step=1000, factor=0.1),
    "cosine from 0.4": Cosine(0.4, total=UPDATES),
    "warm-up + cosine from 0.8": Warmup(Cosine(0.8, total=UPDATES), warmup=200),
}
rates = {label: schedule_values(schedule, UPDATES) for label, schedule in SHAPES.items()}
fig = schedule_shapes(rates, title="Learning-rate schedules over 2,000 updates")
save_figure(fig, "01_schedules")
plt.show()

# %%
cosine_rates = rates["cosine from 0.4"]
print("cosine from 0.4: first rate", cosine_rates[0], " mean rate", round(float(cosine_rates.mean()), 6),
      " at update 1000", round(float(cosine_rates[1000]), 6))
print("warm-up over T_w = 200 updates: first rate", rates["warm-up + cosine from 0.8"][0], "=", 0.8 / 200)
assert np.isclose(cosine_rates.mean(), 0.4 * (UPDATES + 1) / (2 * UPDATES), rtol=1e-12)  # = 0.2001

# %% [markdown]
# The cosine from 0.4 has the mean rate $0.4\,(T+1)/(2T) = 0.2001$ over
# $T = 2{,}000$ updates: in total it moves the weights by the same step size
# as the constant 0.2. It only takes its steps early and gives them back at
# the end.
#
# ## The experiment
#
# A network with one hidden layer (784 → 100 → 10, ReLU, He initial
# weights), plain SGD, 2,000 updates on mini-batches of only 20 images
# drawn with replacement. The small batches make the gradients noisy
# (section 1.1). Three constant rates, 0.1, 0.2 and 0.4, bracket the best
# constant. Against them run cosine annealing from 0.4, and from 0.8 with and
# without a warm-up of $T_w = 200$ updates. Five seeds (initial weights,
# mini-batches) per setting, 30 runs side by side. After training we
# measure the loss on the first 10,000 training images (a fixed set, so the
# number does not depend on the last few mini-batches) and the test
# accuracy.
#
# **Predict before you run:** the cosine run spends its first thousand
# updates above 0.2. Will it end above or below the best constant rate?

# %% tolerance={"abs": 0.015, "rel": 0.1}
ONE_HIDDEN_LAYER = {"hidden_size_list": [100], "activation": "relu", "weight_init_std": "he"}
SEEDS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]          # (initial weights, mini-batches)
SETTINGS = {"η = 0.1": SGD(lr=0.1), "η = 0.2": SGD(lr=0.2), "η = 0.4": SGD(lr=0.4),
            "cosine from 0.4": SGD(lr=0.4), "cosine from 0.8": SGD(lr=0.8), "warm-up + cosine from 0.8": SGD(lr=0.8)}
SCHEDULES = {"cosine from 0.4": Cosine(0.4, total=UPDATES), "cosine from 0.8": Cosine(0.8, total=UPDATES),
             "warm-up + cosine from 0.8": Warmup(Cosine(0.8, total=UPDATES), warmup=200)}
runs = train_side_by_side(SETTINGS, SEEDS, train=(x_train, t_train), test=(x_test, t_test),
                          network=ONE_HIDDEN_LAYER, schedules=SCHEDULES, keep_networks=True,
                          iterations=UPDATES, batch_size=20, sampling="replacement")

x_fixed, t_fixed = x_train[:10_000], t_train[:10_000]
end_loss = {label: np.array([network.loss(x_fixed, t_fixed) for network in r.networks]) for label, r in runs.items()}
end_test = {label: r.test_accuracy for label, r in runs.items()}
print("loss on the first 10,000 training images after 2,000 updates:")
print(seed_summary(end_loss))
print("test accuracy:")
print(seed_summary(end_test))

# %% [markdown]
# The claims, checked seed by seed where they say so:

# %% tolerance={"rel": 0.1}
CONSTANTS = ("η = 0.1", "η = 0.2", "η = 0.4")
cosine = end_loss["cosine from 0.4"]
best_constant = min(CONSTANTS, key=lambda label: end_loss[label].mean())
below_best = 1 - cosine.mean() / end_loss[best_constant].mean()
print(f"best constant on average: {best_constant}; cosine from 0.4 ends {approx(100 * below_best, 0)} % below it; "
      f"test accuracy {approx(100 * (end_test['cosine from 0.4'].mean() - end_test[best_constant].mean()), 1)} "
      "points higher")
assert np.all(cosine < np.min([end_loss[label] for label in CONSTANTS], axis=0))   # every seed: below all three
assert 0.15 < below_best < 0.25                                  # about a fifth below the best constant
assert end_test["cosine from 0.4"].mean() > max(end_test[label].mean() for label in CONSTANTS) + 0.005
assert cosine.std(ddof=1) < 0.5 * min(end_loss[label].std(ddof=1) for label in CONSTANTS)   # far less spread
assert end_loss["η = 0.1"].mean() > 1.1 * max(end_loss["η = 0.2"].mean(), end_loss["η = 0.4"].mean())
assert best_constant == "η = 0.2"

# %% [markdown]
# The schedule wins. Cosine annealing from 0.4 ends below all three
# constant rates in every seed, on average by the percentage printed above
# relative to the best constant, and with higher test accuracy. The large
# early steps find the low region quickly; as the rate falls towards 0, the
# noise ball of section 1.5 shrinks and the weights settle near the bottom
# of that region. The spread over seeds is many times smaller too: a
# constant rate ends wherever its noise ball happens to carry it at the last
# update; an annealed run ends settled.
#
# Among the constants, 0.1 is too slow, and 0.2 ends lowest on average.
# The larger 0.4 does not help: it ends higher on average than 0.2, and its
# seeds spread more.

# %% tolerance={"abs": 0.01, "rel": 0.1}
print("η = 0.4 over η = 0.2: mean of the seeds", approx(end_loss["η = 0.4"].mean() / end_loss["η = 0.2"].mean(), 2),
      "; standard deviation over the seeds", approx(end_loss["η = 0.4"].std(ddof=1), 3), "against",
      approx(end_loss["η = 0.2"].std(ddof=1), 3))
assert end_loss["η = 0.4"].mean() > end_loss["η = 0.2"].mean()
assert end_loss["η = 0.4"].std(ddof=1) > end_loss["η = 0.2"].std(ddof=1)

# %% [markdown]
# ## Why the peak of 0.8 needs its warm-up
#
# Cosine annealing from 0.8 without warm-up ends well above the cosine from
# 0.4; with a warm-up it ends close to it. We look at the first updates. A
# ReLU unit whose input is negative for every image outputs 0 for all of
# them, gets no gradient, and never learns again: a **dead ReLU**. Counting
# them on the 10,000 fixed images is one line:

# %%
show(dead_units)

# %% [markdown]
# We count them after 50 updates and at the end. For the count after 50
# updates we train the same networks again (same seeds, same schedule) for
# 50 updates only; their 50 losses are those of the full runs' first 50,
# which the cell checks.

# %% tolerance={"abs": 5, "rel": 0.25}
EARLY = 50
early_dead, early_peak = {}, {}
for label in ("cosine from 0.8", "warm-up + cosine from 0.8"):
    early_dead[label], early_peak[label] = [], []
    for seed, (init_seed, batch_seed) in enumerate(SEEDS):
        network = build_network(ONE_HIDDEN_LAYER, init_seed)
        history = Trainer(network, SGD(lr=0.8), x_train, t_train, iterations=EARLY, batch_size=20,
                          sampling="replacement", rng=np.random.default_rng(batch_seed),
                          schedule=SCHEDULES[label]).train()
        assert np.array_equal(history["train_loss"], runs[label].losses[seed, :EARLY])   # the same first updates
        early_dead[label].append(dead_units(network, x_fixed))
        early_peak[label].append(max(history["train_loss"]))
end_dead = {label: [dead_units(network, x_fixed) for network in runs[label].networks] for label in early_dead}
print(f"dead hidden units (of 100) after {EARLY} updates:")
print(seed_summary(early_dead, digits=0))
print("at the end of training:")
print(seed_summary(end_dead, digits=0))
print(f"highest mini-batch loss in the first {EARLY} updates:")
print(seed_summary(early_peak, digits=1))
assert all(22 <= d <= 38 for d in early_dead["cosine from 0.8"])           # a quarter to a third, by update 50
assert all(30 <= d <= 52 for d in end_dead["cosine from 0.8"])             # a third to a half at the end
assert max(early_dead["warm-up + cosine from 0.8"]) <= 2                  # with warm-up: hardly any by update 50
assert max(end_dead["warm-up + cosine from 0.8"]) <= 15                   # and few at the end
assert min(early_peak["cosine from 0.8"]) > 3.5                           # the loss jumps above its start
assert max(early_peak["warm-up + cosine from 0.8"]) < 3

# %% [markdown]
# Without a warm-up, the first updates at a rate near 0.8 throw the loss from
# about $\ln 10 \approx 2.3$ to above 3.5 within 50 updates, and by then
# about a quarter to a third of the 100 hidden units are dead. More die
# later: at the end a third to a half are gone, capacity lost for good. With 200
# updates of warm-up hardly any die in the first 50 updates, few by the end,
# and the run ends close to the cosine from 0.4. Warm-up matters most where
# the peak rate is high or the first gradients are large, as with very
# large batches (Goyal et al. 2017) and for Adam on transformers (Vaswani
# et al. 2017). The curves, averaged over the seeds
# (`images/01_schedules_mnist.png`):

# %%
fig = schedule_runs({label: runs[label].losses for label in
                     ("η = 0.2", "η = 0.4", "cosine from 0.4", "cosine from 0.8", "warm-up + cosine from 0.8")},
                    end_loss, title="MNIST, 784-100-10 ReLU, plain SGD, batch 20, 2,000 updates")
save_figure(fig, "01_schedules_mnist")
plt.show()

# %% [markdown]
# ## Which optimizer to use?
#
# No rule wins everywhere: the ranking changed from the bowl to Rosenbrock's
# valley and to MNIST (sections 1.4 and 1.6), and a rule's setting matters as
# much as its formula. A few rules of thumb that practice has confirmed:
#
# - **Adam is a strong default.** Its step per weight is of the order of
#   $\eta$ whatever the scale of the gradient, so $\eta = 10^{-3}$ works on
#   many problems with little tuning. On MNIST (section 1.8) it ended below
#   SGD even when SGD had Momentum's effective step. With weight decay, prefer
#   its variant AdamW (Loshchilov & Hutter 2019, in `common.optimizers`).
# - **SGD with momentum is still common**, especially for image models, where
#   with a tuned learning-rate schedule it often generalizes a little better
#   than Adam (Wilson et al. 2017). It needs more tuning of $\eta$ and
#   $\alpha$.
# - **RMSprop** is Adam without momentum and without bias correction; it
#   remains popular for recurrent networks and reinforcement learning.
# - **AdaGrad** suits convex problems and sparse features (rare words and
#   rare categories get large steps), not long training on changing data.
# - **AdaDelta** is rarely chosen today; its $\epsilon$ is a learning rate
#   in disguise.
#
# Whatever you choose, the learning rate is the hyperparameter to tune
# first (chapter 5 shows how), and a schedule that decays it over the run,
# with a warm-up when the peak is high, usually beats any constant rate,
# as it did here.

# %% [markdown]
# ## Summary
#
# - A **learning-rate schedule** makes $\eta$ a function of the update
#   number: step decay $\eta_0\gamma^{\lfloor t/s\rfloor}$, cosine annealing
#   $\eta_0(1+\cos(\pi t/T))/2$, and a linear **warm-up** over the first
#   $T_w$ updates in front of either.
# - On a one-hidden-layer network with noisy batches of 20, cosine annealing
#   from 0.4 (the same mean rate as the constant 0.2) ends below all three
#   constant rates in each of five seeds, about a fifth below the best of
#   them on average, with higher test accuracy and a far smaller spread over
#   seeds. Among the constants, 0.2 ends lowest on average; 0.4 ends higher
#   and spreads more.
# - A peak of 0.8 without warm-up throws the loss above 3.5 within 50
#   updates, and about a quarter to a third of the hidden units are dead by
#   then (a third to a half at the end). With a warm-up of 200 updates hardly any
#   die, and the run ends close to the cosine from 0.4.
# - Adam is a strong default, SGD with momentum a strong alternative with a
#   tuned schedule; the learning rate is the first thing to tune.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: warm-up and cosine, written by you
#
# Write `warmup_cosine(t, peak, total, warmup)`, the learning rate of update
# $t$ (from 0) for a linear warm-up over the first `warmup` updates in front
# of cosine annealing from `peak` to 0 at update `total`, with the
# conventions of this section: the cosine runs on the same clock as the
# warm-up (it is not delayed by it), and after `total` the rate stays at 0.
# Write the formulas yourself, with `math` or `numpy`: the self-check
# compares your rates with the library's at fixed update numbers, and rejects
# a function that calls the library's schedules.

# %% jupyter={"source_hidden": true} tags=["solution"]
def warmup_cosine(t, peak, total, warmup):
    """Linear warm-up over `warmup` updates, then cosine annealing from `peak` to 0 at `total`."""
    # BEGIN SOLUTION
    rate = peak * (1 + np.cos(np.pi * min(t, total) / total)) / 2
    return rate * (t + 1) / warmup if t < warmup else rate
    # END SOLUTION


# %% tags=["self-check"]
CHECKED = [(t, 0.8, 2000, 200) for t in (0, 1, 99, 198, 199, 200, 201, 1000, 1999, 2000, 2500)] + [
    (t, 0.1, 50, 10) for t in (0, 9, 10, 25, 49, 50)]
your_rates = [float(warmup_cosine(*args)) for args in CHECKED]
code = inspect.getsource(warmup_cosine)
assert not any(name in code for name in ("Warmup", "Cosine", "schedules", "schedule_values")), (
    "write the formulas yourself: do not call the library's schedules")
reference = [Warmup(Cosine(peak, total=total), warmup=warmup)(t) for t, peak, total, warmup in CHECKED]
wrong = [args for args, yours, ref in zip(CHECKED, your_rates, reference) if not np.isclose(yours, ref, rtol=1e-9)]
assert not wrong, f"your rate differs from the expected one at (t, peak, total, warmup) = {wrong[0]}"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: step decay, predict then run
#
# **Predict first.** Step decay from 0.4, divided by 10 at update 1,000
# (the grey line of the schedule figure), on the same five seeds. Where does
# its loss on the 10,000 fixed images end, on average?
#
# - `"a"`: below the cosine from 0.4;
# - `"b"`: between the cosine from 0.4 and the best constant rate;
# - `"c"`: above the best constant rate.
#
# Set `prediction` to `"a"`, `"b"` or `"c"`; the self-check trains the five runs
# and compares.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
prediction = "b"
# END SOLUTION

# %% tags=["self-check"]
from common.exercises import check_choice


def facts():
    step_runs = train_side_by_side({"step decay": SGD(lr=0.4)}, SEEDS, train=(x_train, t_train),
                                   network=ONE_HIDDEN_LAYER, schedules={"step decay": SHAPES["step decay from 0.4"]},
                                   keep_networks=True, iterations=UPDATES, batch_size=20, sampling="replacement")
    step_loss = np.mean([network.loss(x_fixed, t_fixed) for network in step_runs["step decay"].networks])
    cosine, constant = end_loss["cosine from 0.4"].mean(), end_loss[best_constant].mean()
    return {"a": step_loss < cosine, "b": cosine <= step_loss < constant,
            "c": step_loss >= constant and step_loss >= cosine}


check_choice(prediction, facts, exercise=2,
             hint="plot the schedule and think about the last 1,000 updates")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | learning-rate schedule | 学習率スケジュール | 学习率调度 | the learning rate as a function of the update number, η_t, usually large at first and small at the end |
# | step decay | ステップ減衰 | 阶梯衰减 | a schedule that multiplies η by a factor γ (e.g. 0.1) every s updates: η_t = η₀ γ^⌊t/s⌋ |
# | cosine annealing | コサインアニーリング | 余弦退火 | a schedule that lowers η smoothly from η₀ to 0 over T updates: η_t = η₀ (1 + cos(πt/T))/2 |
# | warm-up | ウォームアップ | 预热（warm-up） | raising η linearly from a small value to its peak over the first T_w updates, before the main schedule |
# | dead ReLU | 死んだReLU（dying ReLU） | 死亡ReLU | a ReLU unit whose input is negative for every example: it outputs 0, gets no gradient and never learns again |
#
# See the whole [glossary](../glossary.md).

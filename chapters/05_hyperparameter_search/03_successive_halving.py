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
# # 5.3 Successive halving and Hyperband
#
# Every trial of sections 5.1 and 5.2 trained for the full 50 epochs, however
# it looked on the way. The 100 coarse trials cost 5 000 epochs, and those
# with $\eta < 10^{-3}$, most of them, ended near chance. A search has a
# **budget**, which we count here in epochs of training summed over all its
# trials, and it can spend it better: a little training for many settings,
# more only for those that look promising.
#
# **Learning goals.** After this section you can
#
# - read the loop of **successive halving** (Karnin et al. 2013; Jamieson &
#   Talwalkar 2016) and compute what it costs;
# - replay it on recorded learning curves, and name its weakness, the
#   **slow starter**;
# - build the brackets of **Hyperband** (Li et al. 2018) from its formula,
#   and say what they insure against.

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

from common.display.report import approx
from common.display.search_plots import budget_plot, halving_replay
from common.display.source import show
from common.experiments.halving import hyperband_brackets, successive_halving
from common.experiments.random_search import ORIGINAL_SPACE, original_problem, random_trials, run_search
from dataset.mnist import load_mnist

SEED = 0
(x_all, t_all), _ = load_mnist()
problem = original_problem(x_all, t_all, n_samples=500, validation_ratio=0.2, seed=SEED)
coarse = run_search(random_trials(100, ORIGINAL_SPACE, seed=SEED), problem, remember=True)   # 5.1's search

# %% [markdown]
# ## Successive halving
#
# Successive halving (Karnin et al. 2013, for choosing the best of many
# options with few samples; Jamieson & Talwalkar 2016, for hyperparameters)
# works in rounds called **rungs**. Start $n$ trials with a small budget of
# $r$ epochs each and rank them by validation accuracy. Keep the best third
# and train them on to $3r$ epochs; rank again, keep a third, train on to
# $9r$; and so on, until one trial is left or the budget reaches the most
# that any trial may get, $R$. (The papers call the factor 3 η, a letter this
# book already uses for the learning rate; the code calls it `eta`.) Rung $i$
# holds $n_i = \lfloor n/3^i \rfloor$ trials at $r_i = 3^i r$ epochs, and
# since a promoted trial goes on from where it stopped, the search costs
#
# $$E = \sum_i n_i\,(r_i - r_{i-1}) \text{ epochs},\qquad r_{-1} = 0 .$$
#
# With $n = 81$, $r = 1$ and $R = 27$ that is
# $81 \cdot 1 + 27 \cdot 2 + 9 \cdot 6 + 3 \cdot 18 = 243$ epochs: a look at
# 81 settings for the price of 9 trials of 27 epochs.
#
# We need no new training to try it. Every trial of the coarse search
# recorded its validation accuracy after each epoch (its `val_curve`), so we
# can replay successive halving on those curves and see what it would have
# kept and what it would have spent. Here is the library's function. After
# checking its inputs, the loop at the end is the whole algorithm: charge the
# epochs of this rung, record it, rank, stop or keep the best third.

# %%
show(successive_halving, docstring=False)

# %% [markdown]
# We replay it on the first 81 coarse trials, a random search of 81 trials
# in its own right, with $R = 27 = 3^3$ epochs: with a power of 3, every rung
# lands on a whole epoch, 1, 3, 9, 27. In this section every trial is judged
# by its validation accuracy after 27 epochs, random ones included.
#
# **Predict before you run.** After one epoch (four updates of SGD) the
# curves of section 5.1 have hardly left chance. Will successive halving
# still find the best of the 81 trials?

# %%
R, FACTOR, N_HALVING = 27, 3, 81
curves = np.array([r["val_curve"][:R + 1] for r in coarse])     # each trial's accuracy after 0, 1, ..., 27 epochs
halved = successive_halving(curves[:N_HALVING], 1, FACTOR)       # from 1 epoch; the budget stops at R = 27
print(f"{'rung':>4} {'trials':>6} {'epochs each':>11} {'epochs trained in this rung':>28}")
previous = 0
for i, rung in enumerate(halved.rungs):
    print(f"{i:>4} {len(rung.trials):>6} {rung.epochs:>11} {len(rung.trials) * (rung.epochs - previous):>28}")
    previous = rung.epochs
print(f"epochs trained: {halved.epochs_spent} = {halved.epochs_spent // R} trials of {R} epochs, for {N_HALVING} settings")

# %% tolerance={"abs": 0.03}
final = curves[:N_HALVING, R]                    # the accuracy of each of the 81 after 27 epochs
picked = final[halved.winner]
assert picked == final.max()                     # successive halving kept the best of the 81 to the end
print("successive halving's pick after 27 epochs:", approx(picked, 2),
      " the best of all 81 after 27 epochs:", approx(final.max(), 2))

# %% [markdown]
# It did, for 243 epochs instead of the $81 \times 27 = 2\,187$ that
# training every trial to the end would cost. The figure shows how
# (`images/05_successive_halving.png`): each line is one trial, solid while it
# was being trained, dotted after it was dropped. The dotted parts are what
# successive halving never sees; we know them only because the coarse search
# trained every trial to the end.

# %%
top5_at_R = np.argsort(-final, kind="stable")[:5]   # the five best of the 81 after 27 epochs
halving_replay(curves[:N_HALVING], halved, highlight=set(top5_at_R))
plt.show()

# %% [markdown]
# The pick survived the first rung, but the first rung could hardly tell.
# About half of the coarse trials have a learning rate so small that their
# validation accuracy never moves in 27 epochs: the curve is flat, at
# whatever accuracy its random initial weights happened to give. After one
# epoch, such a lucky untrained network outranks a good setting that has not
# got going yet, and some of the five best trials at 27 epochs (orange) were
# dropped there. How much does an early score say about the score after 27
# epochs? The correlation over the 100 trials, the flat curves, and the five
# best with their first and last scores:

# %% tolerance={"abs": 0.05}
agreement = {e: float(np.corrcoef(curves[:, e], curves[:, R])[0, 1]) for e in (1, 3, 9)}
assert agreement[1] < 0.4 and agreement[9] > 0.7        # one epoch says little, nine say a lot
print("correlation of the accuracy after e epochs with the accuracy after 27:",
      {e: approx(value, 2) for e, value in agreement.items()})
flat = np.ptp(curves, axis=1) == 0                       # the same accuracy after every epoch, from 0 to 27
assert 0.3 < flat.mean() < 0.7 and curves[flat, 0].max() > 0.15   # about half; some start well above 0.1
print("share of the 100 trials with a flat curve:", approx(flat.mean(), 2), " their accuracy: from",
      approx(curves[flat, 0].min(), 2), "to", approx(curves[flat, 0].max(), 2))
finalists = halved.rungs[-1].trials
assert any(flat[i] for i in finalists)                   # one of the three trained to 27 epochs never moved
print("accuracy after 27 epochs of the 3 trials trained that far:",
      sorted((approx(curves[i, R], 2) for i in finalists), reverse=True))
ordered = np.sort(final)[::-1]
assert ordered[4] - ordered[5] > 0.04                    # the five best are clearly ahead: the same five everywhere
assert any(i not in halved.rungs[1].trials for i in top5_at_R)   # some of the five best were dropped after one epoch
print(f"{'trial':>5} {'η':>9} {'after 1 epoch':>13} {'after 27 epochs':>15}")
for i in sorted(top5_at_R):
    print(f"{i:>5} {coarse[i]['lr']:>9.2e} {approx(curves[i, 1]):>13.2f} {approx(curves[i, R]):>15.2f}")
assert curves[top5_at_R, 1].max() < curves[flat, 0].max()   # after one epoch, below the luckiest flat curve

# %% [markdown]
# Look at the accuracies after one epoch: within a few images of each other
# and below the best flat curves. And of the three trials that successive
# halving trained to 27 epochs, one never moved at all: a network that did
# not learn, kept for the luck of its initial weights.
#
# This is the weakness of successive halving: a **slow starter** is judged
# by its first epochs and can be dropped, though it would have ended among
# the best, while a lucky non-starter goes on. A larger first budget judges
# better but saves less. Is the saving worth the risk? We ask the 100
# recorded trials: we draw 2000 sets of 81 of them, run successive halving on
# each, and give random search the same number of epochs, in trials of 27
# epochs, drawn from the same 100. Both report the accuracy after 27 epochs of
# the trial they pick.
#
# **Predict before you run.** Which first budget, 1, 3 or 9 epochs, beats
# random search most often?

# %% tolerance={"abs": 0.1}
N_DRAWS = 2000
draws = {}
for first_budget in (1, 3, 9):
    draw_rng = np.random.default_rng(6)                  # the same 2000 sets of 81 for every first budget
    picks, randoms, found = [], [], []
    for _ in range(N_DRAWS):
        subset = draw_rng.choice(100, size=N_HALVING, replace=False)
        outcome = successive_halving(curves[subset], first_budget, FACTOR)
        picks.append(curves[subset[outcome.winner], R])
        found.append(picks[-1] == curves[subset, R].max())
        same_epochs = draw_rng.choice(100, size=outcome.epochs_spent // R, replace=False)
        randoms.append(curves[same_epochs, R].max())
    picks, randoms = np.array(picks), np.array(randoms)
    draws[first_budget] = {"epochs": outcome.epochs_spent, "found": float(np.mean(found)),
                           "better": float(np.mean(picks > randoms)), "tie": float(np.mean(picks == randoms)),
                           "worse": float(np.mean(picks < randoms)), "picks": picks}
print(f"{'first':>5} {'epochs':>6} {'random':>6} {'found the best':>14} {'halving':>7} {'tie':>5} {'random':>6}"
      f" {'mean best':>9}")
print(f"{'epoch':>5} {'':>6} {'trials':>6} {'of its 81':>14} {'better':>7} {'':>5} {'better':>6} {'halving':>9}")
for first_budget, d in draws.items():
    print(f"{first_budget:>5} {d['epochs']:>6} {d['epochs'] // R:>6} {approx(d['found']):>14.2f} "
          f"{approx(d['better']):>7.2f} {approx(d['tie']):>5.2f} {approx(d['worse']):>6.2f} "
          f"{approx(d['picks'].mean()):>9.2f}")
h1, h3, h9 = (draws[b] for b in (1, 3, 9))
assert 0.5 < h1["found"] < 1                                      # from 1 epoch: the best of its 81 in most draws
assert h1["better"] > 0.6 and h1["better"] > 4 * h1["worse"]     # from 1 epoch: far more often better than random
assert h1["found"] < h3["found"] - 0.05 and h3["found"] <= h9["found"]   # a later first rung judges better...
assert h9["better"] < h1["better"] - 0.2                          # ...but costs more, and random search catches up

# %% [markdown]
# From one epoch, successive halving picked a better trial than random
# search at the same cost in most draws, and a worse one rarely: it looked at
# 81 settings where random search looked at 9. It found the best of its own
# 81 in most draws, not all: the draws where the best trial was a slow
# starter. Starting at 3 or 9 epochs finds that trial more often, but the
# search then costs 567 or 1 215 epochs, random search gets 21 or 45 trials
# for the same price, and the advantage shrinks.
#
# ## Hyperband
#
# **Hyperband** (Li et al. 2018) declines to bet on one first budget. It
# runs successive halving several times, in **brackets**, from the most
# aggressive (many trials, judged after one epoch) to none at all (a few
# trials trained fully: random search). With $s_{\max}$ the largest $s$ such
# that $3^s \le R$, bracket $s = s_{\max}, \ldots, 0$ starts
# $n_s = \lceil \frac{s_{\max}+1}{s+1}\, 3^s \rceil$ trials at $R/3^s$
# epochs, so that every bracket costs about the same; the search returns the
# best of the brackets' winners. For $R = 27$:

# %%
brackets = hyperband_brackets(R, FACTOR)
print(f"{'bracket s':>9} {'trials':>6} {'first budget':>12}   {'rungs (trials × epochs)':<30} {'epochs':>6}")
hyperband_epochs = 0
for s, bracket in zip(range(len(brackets) - 1, -1, -1), brackets):
    budgets = [0] + [epochs for _, epochs in bracket.rungs]
    cost = sum(n * (epochs - before) for (n, epochs), before in zip(bracket.rungs, budgets))
    hyperband_epochs += cost
    rungs_text = " → ".join(f"{n} × {epochs}" for n, epochs in bracket.rungs)
    print(f"{s:>9} {bracket.n_trials:>6} {bracket.min_epochs:>12}   {rungs_text:<30} {cost:>6}")
print("in all:", sum(b.n_trials for b in brackets), "trials,", hyperband_epochs, "epochs")

# %% [markdown]
# Bracket 3 is successive halving on 27 trials; bracket 0 is a random search
# of 4 trials. We replay Hyperband on the recorded curves too: each draw
# shuffles the 100 trials and hands disjoint slices to the brackets (27, 12,
# 6 and 4 trials). Random search gets the same budget, rounded up to whole
# trials: $\lceil 357 / 27 \rceil = 14$ trials.

# %% tolerance={"abs": 0.1}
hyperband_rng = np.random.default_rng(7)
hyperband_picks, hyperband_randoms, winning_bracket = [], [], []
random_same = -(-hyperband_epochs // R)                      # ceil(357 / 27) = 14
for _ in range(N_DRAWS):
    order, start, winners = hyperband_rng.permutation(100), 0, []
    for bracket in brackets:
        subset = order[start:start + bracket.n_trials]
        start += bracket.n_trials
        outcome = successive_halving(curves[subset], bracket.min_epochs, FACTOR)
        assert [(len(rung.trials), rung.epochs) for rung in outcome.rungs] == list(bracket.rungs)
        winners.append(curves[subset[outcome.winner], R])
    hyperband_picks.append(max(winners))
    winning_bracket.append(len(brackets) - 1 - int(np.argmax(winners)))     # the bracket s of the pick
    hyperband_randoms.append(curves[hyperband_rng.choice(100, size=random_same, replace=False), R].max())
hyperband_picks, hyperband_randoms = np.array(hyperband_picks), np.array(hyperband_randoms)
hb_better = float(np.mean(hyperband_picks > hyperband_randoms))
hb_worse = float(np.mean(hyperband_picks < hyperband_randoms))
print(f"Hyperband ({hyperband_epochs} epochs) against random search ({random_same} trials of {R} epochs):",
      "better", approx(hb_better, 2), " tie", approx(1 - hb_better - hb_worse, 2), " worse", approx(hb_worse, 2))
print("mean best after 27 epochs: Hyperband", approx(hyperband_picks.mean(), 2),
      " random", approx(hyperband_randoms.mean(), 2),
      " successive halving from 1 epoch (243 epochs)", approx(h1["picks"].mean(), 2))
supplied = {s: float(np.mean(np.array(winning_bracket) == s)) for s in range(len(brackets) - 1, -1, -1)}
print("share of draws in which each bracket supplied the pick:", {s: approx(v, 2) for s, v in supplied.items()})
assert min(supplied.values()) > 0.05 and max(supplied.values()) < 0.5   # every bracket sometimes, none mostly
assert hb_better > 0.5 and hb_better > hb_worse + 0.2        # Hyperband beats random search at the same budget
assert h1["picks"].mean() > hyperband_picks.mean() + 0.01     # here the aggressive bracket alone did better, cheaper

# %% [markdown]
# Hyperband beat random search at the same budget in most draws. On this
# problem, though, the most aggressive bracket alone, successive halving from
# one epoch, found better trials on average and cost 243 epochs instead of
# 357: the other brackets are insurance against misleading early scores,
# and here the insurance cost more than it paid. Every bracket supplied the
# pick in some draws, none in most, so no single first budget would have been
# safe to bet on in advance. The figure puts it together: the mean best
# accuracy (after 27 epochs) that random search finds for a number of epochs,
# and where successive halving and Hyperband land (`images/05_budget.png`).

# %%
budget_rng = np.random.default_rng(8)
trial_counts = np.arange(1, 51)
random_best = np.array([[curves[budget_rng.choice(100, size=k, replace=False), R].max() for _ in range(500)]
                        for k in trial_counts])
points = [(f"successive halving from {b} epoch" + ("s" if b > 1 else ""), draws[b]["epochs"], draws[b]["picks"],
           marker) for b, marker in ((1, "o"), (3, "s"), (9, "D"))]
points.append(("Hyperband", hyperband_epochs, hyperband_picks, "*"))
budget_plot(trial_counts * R, random_best, points)
plt.show()

# %% [markdown]
# ## Summary
#
# - A search has a **budget**, here epochs summed over its trials.
#   **Successive halving** (Karnin et al. 2013; Jamieson & Talwalkar 2016)
#   trains many trials briefly, keeps the best third, trains those three
#   times as long, and repeats. Replayed on the recorded curves, it looked at
#   81 settings for the price of 9 full trials (of 27 epochs) and beat random
#   search at the same cost in most draws.
# - Its weakness: early scores mislead. Here one epoch said little, some of
#   the best trials were dropped after it (**slow starters**), and a network
#   that never learned was kept to the end.
# - **Hyperband** (Li et al. 2018) hedges with several **brackets** of
#   different first budgets. It beat random search too, but on this problem
#   the aggressive bracket alone did better for less.
#
# ## Exercises
#
# ### Exercise 1: successive halving, by you
#
# Write `my_halving(curves, min_epochs, eta, max_epochs)` for recorded
# curves (`curves[i][e]` is trial $i$'s accuracy after $e$ epochs). Return
# `(winner, epochs_spent)`. Follow the rules of this section: rank the trials
# still in the race by their accuracy at the current budget (ties: the lower
# trial index first), keep the best $\lfloor n/\text{eta} \rfloor$ (at least
# one), multiply the budget by `eta` (at most `max_epochs`), stop when one
# trial is left or the budget has reached `max_epochs`, and charge a promoted
# trial only the epochs it trains on top of what it had. Write the loop
# yourself; the self-check compares your results with the library's on the
# recorded curves and on random ones, without showing them.

# %% jupyter={"source_hidden": true} tags=["solution"]
def my_halving(curves, min_epochs, eta, max_epochs):
    # BEGIN SOLUTION
    alive, budget, trained, spent = list(range(len(curves))), min_epochs, 0, 0
    while True:
        spent += len(alive) * (budget - trained)
        ranked = sorted(alive, key=lambda i: (-curves[i][budget], i))
        if len(alive) == 1 or budget == max_epochs:
            return ranked[0], spent
        alive = ranked[:max(1, len(alive) // eta)]
        trained, budget = budget, min(budget * eta, max_epochs)
    # END SOLUTION


# %% tags=["self-check"]
def calls_library(function, name):
    """True when ``function`` (or a function inside it) refers to the library's ``name``."""
    stack = [function.__code__]
    while stack:
        code = stack.pop()
        if name in code.co_names:
            return True
        stack.extend(const for const in code.co_consts if hasattr(const, "co_names"))
    return False


assert not calls_library(my_halving, "successive_halving"), "write the loop yourself, without successive_halving"
check_rng = np.random.default_rng(9)
cases = [(curves, 1, 3, 27), (curves, 3, 3, 27), (curves[:50], 2, 2, 20), (curves, 1, 4, 27)]
cases += [(np.round(check_rng.random((n, 31)), 1), b, eta, top)            # random curves, with many ties
          for n, b, eta, top in ((10, 1, 2, 30), (40, 2, 3, 30), (7, 5, 2, 25), (1, 1, 3, 9))]
for data, min_epochs, eta, max_epochs in cases:
    mine = my_halving([list(curve) for curve in data], min_epochs, eta, max_epochs)
    library = successive_halving(data, min_epochs, eta, max_epochs=max_epochs)
    assert tuple(mine) == (library.winner, library.epochs_spent), \
        f"{len(data)} trials, min_epochs={min_epochs}, eta={eta}, max_epochs={max_epochs}: a different result"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: the Hyperband table from its formula
#
# Write `my_brackets(max_epochs, eta)` that returns, for each bracket
# $s = s_{\max}, \ldots, 0$, a pair `(n, r)`: the number of trials it starts
# and their first budget in epochs, from the formula of this section, with
# $R$ = `max_epochs` a power of `eta`. Use whole-number arithmetic where you
# can (floating-point logarithms may put $3^3 = 27$ just below 27). The
# self-check compares your table with the library's for several $R$.

# %% jupyter={"source_hidden": true} tags=["solution"]
def my_brackets(max_epochs, eta):
    # BEGIN SOLUTION
    s_max = 0
    while eta ** (s_max + 1) <= max_epochs:
        s_max += 1
    table = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))          # ceil((s_max + 1) / (s + 1) * eta^s), in integers
        table.append((n, max_epochs // eta**s))
    return table
    # END SOLUTION


# %% tags=["self-check"]
assert not calls_library(my_brackets, "hyperband_brackets"), "use the formula, not hyperband_brackets"
for max_epochs, eta in ((27, 3), (81, 3), (243, 3), (16, 2), (64, 4), (3, 3), (1, 3)):
    mine = [tuple(int(v) for v in pair) for pair in my_brackets(max_epochs, eta)]
    library = [(b.n_trials, b.min_epochs) for b in hyperband_brackets(max_epochs, eta)]
    assert mine == library, f"R={max_epochs}, eta={eta}: a different table"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | budget (of a search) | 予算（探索の計算予算） | 预算（搜索的计算预算） | what a search may spend in all, here the epochs of training summed over its trials |
# | successive halving | 逐次半減法（Successive Halving） | 连续减半（Successive Halving） | train many trials briefly, keep the best fraction (a third here), train those longer, and repeat |
# | rung | ラング（段） | 梯级（rung） | one round of successive halving: the trials still in the race, all trained to the same budget |
# | slow starter | スロースターター（序盤の遅い試行） | 慢启动者（起步慢的试验） | a trial that scores poorly early but well at the end; early stopping rules may drop it |
# | Hyperband | Hyperband（ハイパーバンド） | Hyperband | runs successive halving in several brackets with different first budgets, and returns the best of their winners |
# | bracket (Hyperband) | ブラケット | 分组（bracket） | one run of successive halving inside Hyperband, with its own number of trials and first budget |
#
# See the whole [glossary](../glossary.md).

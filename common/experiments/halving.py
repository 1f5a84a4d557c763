"""Successive halving and Hyperband, replayed on learning curves that a search has recorded (chapter 5).

:func:`successive_halving` decides which trials deserve more epochs, and
:func:`hyperband_brackets` lays out Hyperband's brackets of halving runs.
Both work on the validation curves of :func:`common.experiments.random_search.run_search`,
so they train nothing themselves.
"""

import math
from dataclasses import dataclass

import numpy as np

from common.checks import require_int, require_positive_int


@dataclass(frozen=True)
class Rung:
    """One round of successive halving: every trial in ``trials`` has been trained ``epochs`` epochs.

    ``scores`` are their validation accuracies after that many epochs, in the order of ``trials``
    (increasing trial index).
    """

    epochs: int
    trials: tuple
    scores: tuple


@dataclass(frozen=True)
class Halving:
    """The outcome of :func:`successive_halving`: its rungs, the winning trial and the epochs it trained."""

    rungs: tuple
    winner: int
    epochs_spent: int


def successive_halving(curves, min_epochs, eta=3, *, max_epochs=None):
    """Successive halving (Jamieson & Talwalkar 2016) replayed on recorded validation curves.

    curves: one validation-accuracy curve per trial, indexed by epoch (entry e
    after e epochs, entry 0 before training), e.g. the 'val_curve' of
    :func:`run_search`'s results. max_epochs: the most epochs a trial may
    get; None means every curve's last epoch (the curves must then have the
    same length); otherwise each curve needs at least max_epochs + 1 entries.

    Every trial starts with a budget of ``min_epochs``. At each rung, the
    trials still in the race are scored by their accuracy after ``budget``
    epochs; the best floor(n / eta) of them (at least 1) go on, ties broken
    by the lower trial index, and the budget is multiplied by ``eta``
    (at most max_epochs). The race ends at the rung where one trial is left
    or the budget has reached max_epochs; the winner is the best trial of
    that last rung (the lower index on a tie), trained to that rung's budget.
    Epochs spent: a trial promoted from budget b to b' trains b' - b more
    epochs (it goes on from where it stopped), so the total is the sum over
    rungs of (trials in the rung) x (budget - previous budget).
    A trial that starts slowly is judged by its early epochs and can be
    dropped even if it would have been the best at the end: the price of
    the saving.
    """
    curves = [np.asarray(curve, dtype=np.float64) for curve in curves]
    if not curves:
        raise ValueError("curves is empty: there are no trials")
    for i, curve in enumerate(curves):
        if curve.ndim != 1 or len(curve) < 2:
            raise ValueError(f"curves[{i}] must be a list of accuracies, one per epoch from 0, got shape {curve.shape}")
    if max_epochs is None:
        lengths = {len(curve) for curve in curves}
        if len(lengths) > 1:
            raise ValueError(f"the curves have different lengths {sorted(lengths)}: give max_epochs")
        max_epochs = lengths.pop() - 1
    max_epochs = require_positive_int("max_epochs", max_epochs)
    for i, curve in enumerate(curves):
        if len(curve) < max_epochs + 1:
            raise ValueError(f"curves[{i}] has {len(curve)} entries, max_epochs={max_epochs} needs {max_epochs + 1}")
    min_epochs = require_positive_int("min_epochs", min_epochs)
    if min_epochs > max_epochs:
        raise ValueError(f"min_epochs={min_epochs} is more than max_epochs={max_epochs}")
    eta = require_int("eta", eta, 2)

    survivors, budget, previous_budget = list(range(len(curves))), min_epochs, 0
    rungs, epochs_spent = [], 0
    while True:
        epochs_spent += len(survivors) * (budget - previous_budget)
        rungs.append(Rung(budget, tuple(survivors), tuple(float(curves[i][budget]) for i in survivors)))
        ranked = sorted(survivors, key=lambda i: (-curves[i][budget], i))   # best first, then lower index
        if len(survivors) == 1 or budget == max_epochs:
            return Halving(tuple(rungs), ranked[0], epochs_spent)
        survivors = sorted(ranked[:max(1, len(survivors) // eta)])
        previous_budget, budget = budget, min(budget * eta, max_epochs)


@dataclass(frozen=True)
class Bracket:
    """One bracket of Hyperband: successive halving from ``n_trials`` trials at ``min_epochs`` epochs.

    ``rungs`` lists (trials, epochs) per rung, down to the last one at max_epochs.
    """

    n_trials: int
    min_epochs: int
    rungs: tuple


def hyperband_brackets(max_epochs, eta=3):
    """The brackets of Hyperband (Li et al. 2018) for a budget of ``max_epochs`` (R) per trial.

    With s_max the largest s such that eta^s <= R, bracket s = s_max, ..., 0
    starts n = ceil((s_max + 1) / (s + 1) * eta^s) trials at r = R / eta^s
    epochs, and its rung i = 0..s keeps floor(n / eta^i) trials at
    r * eta^i epochs: each bracket spends about the same total budget, from
    many trials judged early (s = s_max) to a few trained fully (s = 0, plain
    random search). When R is a power of eta every budget is a whole number
    of epochs, and running :func:`successive_halving` with the bracket's
    ``min_epochs`` and eta on n trials reproduces its rungs; otherwise the
    budgets are rounded to the nearest whole epoch (at least 1).
    E.g. R = 81, eta = 3 gives the paper's table: 81 trials from 1 epoch,
    34 from 3, 15 from 9, 8 from 27 and 5 from 81.
    """
    max_epochs = require_positive_int("max_epochs", max_epochs)
    eta = require_int("eta", eta, 2)
    s_max = 0
    while eta ** (s_max + 1) <= max_epochs:
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = math.ceil((s_max + 1) * eta**s / (s + 1))
        rungs = tuple((n // eta**i, max(1, math.floor(max_epochs / eta ** (s - i) + 0.5))) for i in range(s + 1))
        brackets.append(Bracket(n, rungs[0][1], rungs))
    return brackets

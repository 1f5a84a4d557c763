"""Hyperparameter search: random and grid trials in parallel processes, successive halving, Optuna (chapter 5).

A *trial* trains one network with one setting of the hyperparameters (the
learning rate ``lr`` of SGD and the weight decay ``weight_decay``) and records
its accuracy on the training and validation data after every epoch.

Every trial carries its own child seed, one of
``np.random.SeedSequence(seed).spawn(n)``. The generator made from that child
alone decides the trial's sampled hyperparameters, its initial weights and its
mini-batch order. A trial's result therefore does not depend on which process
runs it, or when: a parallel search returns exactly the table of a sequential
one.

The function that a worker process runs, :func:`run_trial`, lives here, in
an importable module, and not in a notebook: with the 'spawn' start method
(the default on macOS and Windows) and 'forkserver' (Linux, from Python 3.14)
a worker finds it by importing this module. The problem, data included,
travels to each worker once, when it starts, not once per trial
(:func:`common.experiments.parallel.run_parallel`).

Beyond random search: :func:`successive_halving` and :func:`hyperband_brackets`
decide which trials deserve more epochs, computed on learning curves that a
search has already recorded (so they train nothing themselves), and
:func:`optuna_search` runs the same problem with Optuna's TPE sampler and
median pruner.
"""

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from common.display.report import approx
from common.experiments.data import train_validation_split
from common.experiments.parallel import run_parallel
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet, positive_int
from common.optimizers import SGD

# The search space of the original book (ch. 6): lr = 10^U(-6, -2), weight decay = 10^U(-8, -4).
ORIGINAL_SPACE = {"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}
HYPERPARAMETERS = ("lr", "weight_decay")


def log_uniform(rng, low, high, size=None):
    """Sample ``10 ** U(log10 low, log10 high)``: every decade in [low, high] is equally likely.

    ``rng`` is a numpy Generator; returns a Python float, or an array when ``size`` is given.
    """
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high for a log scale, got low={low}, high={high}")
    exponent = rng.uniform(np.log10(low), np.log10(high), size)
    return float(10.0 ** exponent) if size is None else 10.0 ** exponent


def log_grid(low, high, n):
    """``n`` values evenly spaced on a log scale: the centres of ``n`` equal cells of [low, high].

    Centres, not end points: each grid value stands for an equal share of the
    range, as each random value does on average. E.g. log_grid(1e-6, 1e-2, 4)
    gives 10^-5.5, 10^-4.5, 10^-3.5, 10^-2.5.
    """
    edges = np.linspace(np.log10(low), np.log10(high), n + 1)
    return [float(10.0 ** e) for e in (edges[:-1] + edges[1:]) / 2]


@dataclass(frozen=True)
class Trial:
    """One trial to run: its number, its child seed, and its hyperparameters.

    ``space`` {name: (low, high)}: hyperparameters sampled log-uniformly from
    the trial's own generator (random search). ``fixed`` {name: value}:
    hyperparameters given as they are (grid search). Together they must name
    exactly 'lr' and 'weight_decay'.
    """

    index: int
    seed: np.random.SeedSequence
    space: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)


def random_trials(n, space=None, seed=0):
    """``n`` random-search trials; trial i gets the i-th child of ``SeedSequence(seed).spawn(n)``.

    ``space`` {name: (low, high)} defaults to ORIGINAL_SPACE. The values are
    drawn inside each trial from its own generator, so trial i is the same
    whether or not the other trials exist, and in whichever process it runs.
    """
    space = dict(ORIGINAL_SPACE if space is None else space)
    children = np.random.SeedSequence(seed).spawn(n)
    return [Trial(i, child, space=space) for i, child in enumerate(children)]


def grid_trials(grid, seed=0):
    """One trial per combination of ``grid`` {name: list of values}, each with its own child seed.

    The child seed decides only the initial weights and the mini-batch order.
    """
    combinations = list(itertools.product(*grid.values()))
    children = np.random.SeedSequence(seed).spawn(len(combinations))
    return [Trial(i, child, fixed=dict(zip(grid, values)))
            for i, (child, values) in enumerate(zip(children, combinations))]


@dataclass(frozen=True)
class SearchProblem:
    """The part of every trial that does not change: data, network shape and training length.

    Defaults are the original book's search (ch. 6): 6 hidden layers of 100
    ReLU units with He initial weights, plain SGD, 50 epochs of mini-batches
    of 100. ``dtype`` is the network's precision (float32 or float64).
    """

    x_train: np.ndarray
    t_train: np.ndarray
    x_val: np.ndarray
    t_val: np.ndarray
    hidden_size_list: tuple = (100,) * 6
    output_size: int = 10
    activation: str = "relu"
    weight_init_std: str = "he"
    epochs: int = 50
    batch_size: int = 100
    dtype: type = np.float64


def train_setting(problem, settings, rng, on_evaluation=None):
    """Train ``problem``'s network with ``settings`` {'lr', 'weight_decay'}, all randomness from ``rng``.

    Returns a result dict: 'lr', 'weight_decay', 'val_acc' and 'train_acc'
    (after the last epoch trained), 'val_curve' and 'train_curve' (before
    training and after each epoch). A learning rate so large that the loss
    overflows gives a poor accuracy, not a warning. ``on_evaluation``: see
    the Trainer (Optuna's pruner stops a trial through it; 'stopped_at' is
    then the epoch where training stopped, or None).
    """
    p = problem
    network = MultiLayerNet(p.x_train.shape[1], p.hidden_size_list, p.output_size, activation=p.activation,
                            weight_init_std=p.weight_init_std, weight_decay_lambda=settings["weight_decay"], rng=rng,
                            dtype=p.dtype)
    history = Trainer(network, SGD(lr=settings["lr"]), p.x_train, p.t_train, validation=(p.x_val, p.t_val),
                      epochs=p.epochs, batch_size=p.batch_size, rng=rng, on_divergence="ignore",
                      on_evaluation=on_evaluation).train()
    result = {"lr": settings["lr"], "weight_decay": settings["weight_decay"],
              "val_acc": history["validation_acc"][-1], "train_acc": history["train_acc"][-1],
              "val_curve": history["validation_acc"], "train_curve": history["train_acc"]}
    if on_evaluation is not None:
        result["stopped_at"] = history["stopped_at"]
    return result


def run_trial(trial, problem):
    """Train one network for ``trial`` on ``problem``; return a dict of results.

    Keys: 'trial' and those of :func:`train_setting`.
    """
    rng = np.random.default_rng(trial.seed)  # the only source of randomness of this trial
    settings = dict(trial.fixed)
    for name, (low, high) in trial.space.items():
        settings[name] = log_uniform(rng, low, high)
    if sorted(settings) != sorted(HYPERPARAMETERS):
        raise ValueError(f"trial {trial.index} sets {sorted(settings)}, expected {list(HYPERPARAMETERS)}")
    return {"trial": trial.index, **train_setting(problem, settings, rng)}


def run_search(trials, problem, workers=None, start_method=None, progress=None):
    """Run ``trials`` on ``problem``; return their results in trial order.

    The trials run side by side with :func:`common.experiments.parallel.run_parallel`:
    workers: number of processes, by default one per available core;
    ``workers=1`` runs them one after the other in this process (the
    sequential reference). start_method: 'fork', 'spawn', 'forkserver' or
    None for the platform's default. progress: a progress bar (see run_parallel).
    """
    return run_parallel(run_trial, trials, shared=problem, workers=workers, start_method=start_method,
                        progress=progress, description="trials")


def sort_results(results):
    """Results sorted by final validation accuracy, best first (ties: lower trial number first)."""
    return sorted(results, key=lambda r: (-r["val_acc"], r["trial"]))


def format_table(results, rows=None, ranked=True):
    """A plain-text table of ``results``; ``rows`` limits its length.

    ranked: sort best first and number the rows; False keeps the given order.
    The accuracies come out of training and print as ``≈`` numbers
    (:mod:`common.display.report`); the trial and its hyperparameters are exact.
    """
    ordered = (sort_results(results) if ranked else list(results))[:rows]
    rank = f"{'rank':>4} " if ranked else ""
    lines = [f"{rank}{'trial':>5} {'lr':>9} {'weight decay':>12} {'val acc':>7} {'train acc':>9}"]
    for position, r in enumerate(ordered, 1):
        rank = f"{position:>4} " if ranked else ""
        lines.append(f"{rank}{r['trial']:>5} {r['lr']:>9.2e} {r['weight_decay']:>12.2e} "
                     f"{approx(r['val_acc']):>7.2f} {approx(r['train_acc']):>9.2f}")
    return "\n".join(lines)


def narrow_space(results, names=HYPERPARAMETERS, top=10, margin=0.25):
    """Coarse to fine: a new log-scale range per hyperparameter around the ``top`` best trials.

    For each name the new range spans the top trials' values, widened by
    ``margin`` decades on each side: [min / 10^margin, max * 10^margin]. It may
    reach beyond the old range, which is right when the best values sit at
    its edge. Returns {name: (low, high)}.
    """
    best = sort_results(results)[:top]
    space = {}
    for name in names:
        exponents = np.log10([r[name] for r in best])
        space[name] = (float(10.0 ** (exponents.min() - margin)), float(10.0 ** (exponents.max() + margin)))
    return space


def original_problem(x, t, n_samples=500, validation_ratio=0.2, seed=0):
    """Chapter 5's search problem, the original book's: the first ``n_samples`` images, shuffled with
    ``seed`` and split into training and validation data; 6 hidden layers of 100 ReLU units (He),
    50 epochs of mini-batches of 100, float32."""
    (x_train, t_train), (x_val, t_val) = train_validation_split(x[:n_samples], t[:n_samples], validation_ratio,
                                                                rng=np.random.default_rng(seed))
    return SearchProblem(x_train, t_train, x_val, t_val, hidden_size_list=(100,) * 6, epochs=50, batch_size=100,
                         dtype=np.float32)


# --- successive halving and Hyperband, on recorded learning curves -------------------------------------------

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


def _check_eta(eta):
    if isinstance(eta, bool) or not isinstance(eta, (int, np.integer)) or eta < 2:
        raise ValueError(f"eta must be an integer >= 2, got {eta!r}")
    return int(eta)


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
    max_epochs = positive_int("max_epochs", max_epochs)
    for i, curve in enumerate(curves):
        if len(curve) < max_epochs + 1:
            raise ValueError(f"curves[{i}] has {len(curve)} entries, max_epochs={max_epochs} needs {max_epochs + 1}")
    min_epochs = positive_int("min_epochs", min_epochs)
    if min_epochs > max_epochs:
        raise ValueError(f"min_epochs={min_epochs} is more than max_epochs={max_epochs}")
    eta = _check_eta(eta)

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
    max_epochs = positive_int("max_epochs", max_epochs)
    eta = _check_eta(eta)
    s_max = 0
    while eta ** (s_max + 1) <= max_epochs:
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = math.ceil((s_max + 1) * eta**s / (s + 1))
        rungs = tuple((n // eta**i, max(1, math.floor(max_epochs / eta ** (s - i) + 0.5))) for i in range(s + 1))
        brackets.append(Bracket(n, rungs[0][1], rungs))
    return brackets


# --- Optuna ------------------------------------------------------------------------------------------------------

def optuna_search(problem, n_trials, seed=0, space=None, pruner=True):
    """The search of :func:`run_search` with Optuna: TPE proposes each trial, a pruner stops poor ones early.

    Runs ``n_trials`` trials one after the other on ``problem``; Optuna's
    TPESampler(seed=seed) proposes lr and weight_decay log-uniformly in
    ``space`` {name: (low, high)} (default ORIGINAL_SPACE) from the results
    of the trials before. Trial i takes its initial weights and mini-batches
    from the i-th child of SeedSequence(seed).spawn(n_trials), as a random
    trial does, and trains as run_trial does (:func:`train_setting`), with
    the validation accuracy reported to Optuna after every epoch through the
    Trainer's ``on_evaluation``. ``pruner``: True for optuna's
    MedianPruner() (once 5 trials have completed, stop a trial whose best
    accuracy so far is below the median of the completed trials' accuracies
    after the same epoch), False for none, or any optuna pruner object.
    Sequential and seeded, so the same call gives the same results.

    Returns (results, epochs_trained): one dict per trial in trial order,
    with the keys of run_search's results (the accuracies and curves up to
    the epoch where training stopped) and 'pruned_at' (that epoch, or None
    for a trial trained to the end); epochs_trained is the sum of the epochs
    every trial trained.
    """
    # Imported here: optuna takes a while to import, and only this function needs it.
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    n_trials = positive_int("n_trials", n_trials)
    space = dict(ORIGINAL_SPACE if space is None else space)
    if sorted(space) != sorted(HYPERPARAMETERS):
        raise ValueError(f"space names {sorted(space)}, expected {list(HYPERPARAMETERS)}")
    for name, (low, high) in space.items():
        if not 0 < low < high:
            raise ValueError(f"space[{name!r}] = ({low}, {high}): need 0 < low < high for a log scale")
    if pruner is True:
        pruner = optuna.pruners.MedianPruner()
    elif pruner is False:
        pruner = optuna.pruners.NopPruner()
    elif not isinstance(pruner, optuna.pruners.BasePruner):
        raise ValueError(f"pruner must be True, False or an optuna pruner, got {pruner!r}")
    children = np.random.SeedSequence(seed).spawn(n_trials)
    results = []

    def objective(optuna_trial):
        settings = {name: optuna_trial.suggest_float(name, low, high, log=True) for name, (low, high) in space.items()}

        def report(epoch, history):
            optuna_trial.report(history["validation_acc"][-1], epoch)
            return optuna_trial.should_prune()

        trained = train_setting(problem, settings, np.random.default_rng(children[optuna_trial.number]), report)
        pruned_at = trained.pop("stopped_at")
        result = {"trial": optuna_trial.number, **trained, "pruned_at": pruned_at}
        results.append(result)
        if result["pruned_at"] is not None:
            raise optuna.TrialPruned()
        return result["val_acc"]

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)
    study.optimize(objective, n_trials=n_trials)
    return results, sum(len(r["val_curve"]) - 1 for r in results)


def optuna_search_task(task, problem):
    """``optuna_search(problem, **task)``: one whole Optuna search, as a task of ``run_parallel``.

    task: the keyword arguments of :func:`common.experiments.search.optuna_search`
    ({'n_trials': ..., 'seed': ..., and optionally 'space', 'pruner'}; an
    optuna pruner object travels to the worker by pickling). problem: the
    SearchProblem, shared by all tasks. Returns (results, epochs_trained), as
    optuna_search does; each search is seeded, so a worker returns what a
    sequential call would.
    """
    if not isinstance(task, dict) or "n_trials" not in task:
        raise ValueError(f"task must be a dict of optuna_search's keyword arguments with 'n_trials', got {task!r}")
    if "problem" in task:
        raise ValueError("task must not contain 'problem': the problem is the shared data of run_parallel")
    return optuna_search(problem, **task)

"""Random and grid hyperparameter search, its trials run in parallel processes (chapter 5).

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

Successive halving and Hyperband are in :mod:`common.experiments.halving`, Optuna in
:mod:`common.experiments.optuna_search`.
"""

import dataclasses
import itertools
from dataclasses import dataclass, field

import numpy as np

from common.display.report import approx
from common.experiments.data import train_validation_split
from common.experiments.parallel import run_parallel
from common.experiments.store import remembered
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
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
    """``n`` values evenly spaced on a log scale: the centers of ``n`` equal cells of [low, high].

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


def run_search(trials, problem, workers=None, start_method=None, progress=None, remember=False):
    """Run ``trials`` on ``problem``; return their results in trial order.

    The trials run side by side with :func:`common.experiments.parallel.run_parallel`:
    workers: number of processes, by default one per available core;
    ``workers=1`` runs them one after the other in this process (the
    sequential reference). start_method: 'fork', 'spawn', 'forkserver' or
    None for the platform's default. progress: a progress bar (see run_parallel).
    remember: keep the results in the results store (:mod:`common.experiments.store`),
    so that a later section asking for the same trials on the same problem reads
    them instead of training again (the results do not depend on the workers).
    """
    def search():
        return run_parallel(run_trial, trials, shared=problem, workers=workers, start_method=start_method,
                            progress=progress, description="trials")

    if not remember:
        return search()
    trials = list(trials)
    spec = {"trials": [[t.index, t.seed.entropy, list(t.seed.spawn_key), t.seed.pool_size, t.space, t.fixed]
                       for t in trials],
            "problem": {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem)
                        if not isinstance(getattr(problem, f.name), np.ndarray)}}
    return remembered("random search", search, spec=spec,
                      arrays=[problem.x_train, problem.t_train, problem.x_val, problem.t_val])


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

"""Hyperparameter search with Optuna: TPE proposes each trial, a median pruner stops poor ones (chapter 5).

The problem, the search space and the training of a trial are those of
:mod:`common.experiments.random_search`, so the two searches can be compared.
"""

import numpy as np

from common.checks import require_positive_int
from common.experiments.random_search import HYPERPARAMETERS, ORIGINAL_SPACE, train_setting


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
    n_trials = require_positive_int("n_trials", n_trials)
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

    task: the keyword arguments of :func:`optuna_search`
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

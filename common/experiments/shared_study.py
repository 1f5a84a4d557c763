"""One Optuna study filled by several worker processes at once, through a database (chapter 5, section 5.5).

A study kept in a relational database (Optuna's RDB storage) can be filled by
any number of workers, on one machine or many: each worker loads the study by
name, asks it for trials and writes their results back. The database hands
out the trial numbers, so no two workers get the same one. SQLite, a file,
serves the workers of one machine; PostgreSQL or MySQL serve workers on many
machines, with the same code and another storage URL.
"""

import os

import numpy as np

from common.experiments.random_search import ORIGINAL_SPACE, train_setting


def study_worker(task, problem):
    """Run ``task['n_trials']`` trials of an existing study in a database; return this worker's process id.

    task: {'storage': a database URL every worker can reach ('sqlite:///path/study.db' on one machine,
    'postgresql://user@host/dbname' across machines), 'study_name', 'n_trials', 'seed', 'sampler_seed'}.
    problem: a :class:`common.experiments.random_search.SearchProblem`. TPE (seeded with this worker's
    'sampler_seed') proposes lr and weight_decay log-uniformly in ORIGINAL_SPACE; the trial trains as
    :func:`common.experiments.random_search.run_trial` does, its initial weights and mini-batches drawn from
    ``SeedSequence(seed, spawn_key=(number,))``, the ``number``-th child of ``SeedSequence(seed)``, where
    ``number`` is the trial number the database assigned: unique across workers, so no two trials share a
    seed, and a trial's result does not depend on the worker that ran it. Each trial records the worker's
    process id as its user attribute 'worker'.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    missing = {"storage", "study_name", "n_trials", "seed", "sampler_seed"} - set(task)
    if missing:
        raise ValueError(f"task is missing {sorted(missing)}")
    study = optuna.load_study(study_name=task["study_name"], storage=task["storage"],
                              sampler=optuna.samplers.TPESampler(seed=task["sampler_seed"]))

    def objective(trial):
        settings = {name: trial.suggest_float(name, low, high, log=True)
                    for name, (low, high) in ORIGINAL_SPACE.items()}
        trial.set_user_attr("worker", os.getpid())
        rng = np.random.default_rng(np.random.SeedSequence(task["seed"], spawn_key=(trial.number,)))
        return train_setting(problem, settings, rng)["val_acc"]

    study.optimize(objective, n_trials=task["n_trials"])
    return os.getpid()

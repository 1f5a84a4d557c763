"""Several Optuna searches side by side with optuna_search_task (common/experiments/optuna_search.py, chapter 5)."""

import multiprocessing

import optuna
import pytest

from common.experiments.optuna_search import optuna_search, optuna_search_task
from common.experiments.parallel import run_parallel
from common.experiments.random_search import SearchProblem

SPACE = {"lr": (1e-3, 1.0), "weight_decay": (1e-8, 1e-4)}


@pytest.fixture
def tiny_problem(blobs):
    """Three blobs in 8 dimensions, a net with one hidden layer of 10: a trial takes milliseconds."""
    x, t = blobs(n=150)
    return SearchProblem(x[:120], t[:120], x[120:], t[120:], hidden_size_list=(10,), output_size=3,
                         epochs=4, batch_size=20)


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_searches_in_parallel_give_the_sequential_results(start_method, tiny_problem):
    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{start_method} is not available here")
    tasks = [{"n_trials": 8, "seed": seed, "space": SPACE,
              "pruner": optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)} for seed in (0, 1, 2)]
    parallel = run_parallel(optuna_search_task, tasks, shared=tiny_problem, workers=2, start_method=start_method)
    sequential = [optuna_search(tiny_problem, **task) for task in tasks]
    assert parallel == sequential
    assert [len(results) for results, _ in parallel] == [8, 8, 8]
    assert parallel[0][0] != parallel[1][0], "another seed, another search"
    assert any(r["pruned_at"] is not None for results, _ in parallel for r in results), "the pruner object arrived"


def test_a_task_is_optuna_search_with_keyword_arguments(tiny_problem):
    task = {"n_trials": 3, "seed": 5, "space": SPACE, "pruner": False}
    assert optuna_search_task(task, tiny_problem) == optuna_search(tiny_problem, 3, seed=5, space=SPACE, pruner=False)


@pytest.mark.parametrize("task, message", [
    ((3, 0), "task must be a dict of optuna_search's keyword arguments with 'n_trials'"),
    ({"seed": 0}, "task must be a dict of optuna_search's keyword arguments with 'n_trials'"),
    ({"n_trials": 2, "problem": None}, "task must not contain 'problem'"),
])
def test_bad_tasks_are_named(task, message, tiny_problem):
    with pytest.raises(ValueError, match=message):
        optuna_search_task(task, tiny_problem)

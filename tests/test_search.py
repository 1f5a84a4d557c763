import multiprocessing
import warnings

import numpy as np
import pytest

from common.experiments import search
from common.experiments.search import (
    ORIGINAL_SPACE,
    SearchProblem,
    Trial,
    format_table,
    grid_trials,
    log_grid,
    log_uniform,
    narrow_space,
    random_trials,
    run_search,
    run_trial,
    sort_results,
)


@pytest.fixture
def tiny_problem(blobs):
    """Three blobs in 8 dimensions, a net with one hidden layer of 10: a trial takes milliseconds."""
    def make(dtype=np.float64):
        x, t = blobs(n=150)
        return SearchProblem(x[:120], t[:120], x[120:], t[120:], hidden_size_list=(10,), output_size=3,
                             epochs=3, batch_size=20, dtype=dtype)
    return make


SPACE = {"lr": (1e-3, 1.0), "weight_decay": (1e-8, 1e-4)}


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_parallel_search_gives_exactly_the_sequential_results(start_method, tiny_problem):
    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{start_method} is not available here")
    trials = random_trials(6, SPACE, seed=3)
    sequential = run_search(trials, tiny_problem(), workers=1)
    parallel = run_search(trials, tiny_problem(), workers=2, start_method=start_method)
    assert parallel == sequential
    assert format_table(parallel) == format_table(sequential)
    assert [r["trial"] for r in parallel] == list(range(6))


def test_a_trial_depends_only_on_its_own_seed(tiny_problem):
    few = run_search(random_trials(3, SPACE, seed=5), tiny_problem(), workers=1)
    many = run_search(random_trials(8, SPACE, seed=5), tiny_problem(), workers=1)
    assert many[:3] == few
    assert len({r["lr"] for r in many}) == 8  # different children, different samples


def test_trial_results_have_curves_and_the_search_learns(tiny_problem):
    results = run_search(random_trials(4, {"lr": (0.1, 0.3), "weight_decay": (1e-8, 1e-6)}, seed=0),
                         tiny_problem(), workers=1)
    for r in results:
        assert len(r["val_curve"]) == len(r["train_curve"]) == 3 + 1
        assert r["val_acc"] == r["val_curve"][-1] and r["train_acc"] == r["train_curve"][-1]
        assert 0.1 <= r["lr"] <= 0.3
    assert max(r["val_acc"] for r in results) > 0.8


def test_a_float32_problem_trains_a_float32_network_that_learns(tiny_problem, monkeypatch):
    networks = []

    class Recorded(search.MultiLayerNet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            networks.append(self)

    monkeypatch.setattr(search, "MultiLayerNet", Recorded)
    grid = grid_trials({"lr": [0.1], "weight_decay": [1e-6]}, seed=0)
    (result,) = run_search(grid, tiny_problem(np.float32), workers=1)
    (net,) = networks
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert net.predict(tiny_problem().x_val).dtype == np.float32
    assert result["val_curve"][0] < 0.7 < 0.9 < result["val_acc"]   # chance is 1/3
    assert result["train_acc"] > 0.9
    (reference,) = run_search(grid, tiny_problem(np.float64), workers=1)
    assert abs(result["val_acc"] - reference["val_acc"]) <= 2 / 30, "float32 and float64 end up close"


def test_a_diverging_trial_gives_a_poor_accuracy_not_a_warning(tiny_problem):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (result,) = run_search(grid_trials({"lr": [1e8], "weight_decay": [0.0]}), tiny_problem(), workers=1)
    assert result["val_acc"] < 0.6


def test_run_trial_needs_both_hyperparameters(tiny_problem):
    with pytest.raises(ValueError, match="expected"):
        run_trial(Trial(0, np.random.SeedSequence(0), fixed={"lr": 0.1}), tiny_problem())


def test_original_problem_is_chapter_5s(blobs):
    x, t = blobs(n=600, features=784, classes=10, seed=1)
    problem = search.original_problem(x, t, seed=0)
    assert (len(problem.x_train), len(problem.x_val)) == (400, 100)
    assert (problem.hidden_size_list, problem.epochs, problem.batch_size) == ((100,) * 6, 50, 100)
    assert np.dtype(problem.dtype) == np.float32


def test_log_uniform_spreads_samples_evenly_over_decades():
    rng = np.random.default_rng(0)
    samples = log_uniform(rng, 1e-6, 1e-2, size=40000)
    assert samples.min() >= 1e-6 and samples.max() <= 1e-2
    per_decade = np.histogram(np.log10(samples), bins=[-6, -5, -4, -3, -2])[0] / samples.size
    np.testing.assert_allclose(per_decade, 0.25, atol=0.01)
    assert isinstance(log_uniform(rng, 1e-6, 1e-2), float)
    with pytest.raises(ValueError, match="low < high"):
        log_uniform(rng, 0.0, 1.0)


def test_log_grid_takes_cell_centres():
    np.testing.assert_allclose(log_grid(1e-6, 1e-2, 4), [10**-5.5, 10**-4.5, 10**-3.5, 10**-2.5])


def test_grid_trials_cover_every_combination_with_distinct_seeds():
    trials = grid_trials({"lr": [0.1, 0.2, 0.3], "weight_decay": [0.0, 1e-5]}, seed=0)
    assert [(t.fixed["lr"], t.fixed["weight_decay"]) for t in trials] == [
        (0.1, 0.0), (0.1, 1e-5), (0.2, 0.0), (0.2, 1e-5), (0.3, 0.0), (0.3, 1e-5)]
    assert len({tuple(t.seed.generate_state(2)) for t in trials}) == 6
    assert all(t.space == {} for t in trials)


def test_random_trials_default_to_the_original_space():
    trials = random_trials(2)
    assert trials[0].space == ORIGINAL_SPACE and trials[0].fixed == {}


def fake(trial, lr, weight_decay, val_acc):
    return {"trial": trial, "lr": lr, "weight_decay": weight_decay, "val_acc": val_acc, "train_acc": val_acc}


def test_sorting_and_table():
    results = [fake(0, 1e-3, 1e-6, 0.5), fake(1, 1e-2, 1e-5, 0.9), fake(2, 1e-4, 1e-7, 0.5)]
    assert [r["trial"] for r in sort_results(results)] == [1, 0, 2]
    table = format_table(results, rows=2).splitlines()
    assert len(table) == 3 and table[1].split()[:2] == ["1", "1"] and "1.00e-02" in table[1]
    assert table[1].split()[-2:] == ["≈0.90", "≈0.90"]           # accuracies come out of training
    unranked = format_table(results, ranked=False).splitlines()
    assert "rank" not in unranked[0] and [line.split()[0] for line in unranked[1:]] == ["0", "1", "2"]


def test_narrow_space_spans_the_best_trials_with_a_margin():
    results = [fake(0, 1e-3, 1e-6, 0.8), fake(1, 1e-2, 1e-5, 0.9), fake(2, 1e-5, 1e-8, 0.1)]
    space = narrow_space(results, top=2, margin=0.5)
    np.testing.assert_allclose(space["lr"], (1e-3 / 10**0.5, 1e-2 * 10**0.5))
    np.testing.assert_allclose(space["weight_decay"], (1e-6 / 10**0.5, 1e-5 * 10**0.5))

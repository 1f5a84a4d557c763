import multiprocessing
import warnings

import numpy as np
import pytest

from common.experiments import random_search
from common.experiments.halving import hyperband_brackets, successive_halving
from common.experiments.optuna_search import optuna_search
from common.experiments.random_search import (
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

    class Recorded(random_search.MultiLayerNet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            networks.append(self)

    monkeypatch.setattr(random_search, "MultiLayerNet", Recorded)
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
    problem = random_search.original_problem(x, t, seed=0)
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


# --- successive halving and Hyperband -----------------------------------------------------------------------

def rising(final, epochs=9):
    """A made-up validation curve from 0.1 before training up to ``final`` after ``epochs`` epochs, linearly."""
    return list(np.linspace(0.1, final, epochs + 1))


def test_successive_halving_of_nine_trials_by_hand():
    finals = [0.50, 0.90, 0.60, 0.80, 0.55, 0.95, 0.70, 0.85, 0.65]
    outcome = successive_halving([rising(f) for f in finals], min_epochs=1, eta=3)
    assert [(rung.epochs, rung.trials) for rung in outcome.rungs] == [
        (1, tuple(range(9))),      # all nine after 1 epoch: the straight lines keep their order
        (3, (1, 5, 7)),            # the best three, 0.95, 0.90, 0.85 at the end, listed by index
        (9, (5,)),                 # the best one, trained to the end
    ]
    assert outcome.winner == 5
    assert outcome.epochs_spent == 9 * 1 + 3 * (3 - 1) + 1 * (9 - 3) == 21   # instead of 9 * 9 = 81
    assert outcome.rungs[1].scores == pytest.approx([rising(0.90)[3], rising(0.95)[3], rising(0.85)[3]])


def test_successive_halving_drops_a_late_bloomer():
    curves = [rising(f) for f in (0.50, 0.90, 0.60, 0.80, 0.55, 0.95, 0.70, 0.85, 0.65)]
    curves.append([0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99])   # slow start, the best at the end
    outcome = successive_halving(curves, min_epochs=1, eta=3)
    assert 9 not in outcome.rungs[1].trials, "judged after one epoch, when it looked worst"
    assert outcome.winner == 5 and max(range(10), key=lambda i: curves[i][-1]) == 9


def test_successive_halving_breaks_ties_by_trial_index_and_keeps_at_least_one():
    flat = [[0.1, 0.5, 0.5, 0.5]] * 5   # five equal trials, eta 3: keep floor(5 / 3) = 1, the first
    outcome = successive_halving(flat, min_epochs=1, eta=3)
    assert [rung.trials for rung in outcome.rungs] == [(0, 1, 2, 3, 4), (0,)]
    assert outcome.winner == 0 and outcome.epochs_spent == 5 * 1 + 1 * 2
    two = successive_halving([rising(0.5), rising(0.6)], min_epochs=1, eta=3)   # floor(2 / 3) = 0, but 1 goes on
    assert [rung.trials for rung in two.rungs] == [(0, 1), (1,)] and two.winner == 1


def test_successive_halving_stops_at_max_epochs():
    curves = [rising(f, epochs=10) for f in (0.3, 0.9, 0.5, 0.7)]
    outcome = successive_halving(curves, min_epochs=3, eta=2)     # budgets 3, 6, then 12 capped at 10
    assert [(rung.epochs, len(rung.trials)) for rung in outcome.rungs] == [(3, 4), (6, 2), (10, 1)]
    assert outcome.epochs_spent == 4 * 3 + 2 * 3 + 1 * 4
    ten = [rising(0.1 * i + 0.05) for i in range(10)]
    outcome = successive_halving(ten, min_epochs=1, eta=3, max_epochs=3)
    # budget 3 is the maximum: the race ends there with three trials, the best of them wins
    assert [(rung.epochs, rung.trials) for rung in outcome.rungs] == [(1, tuple(range(10))), (3, (7, 8, 9))]
    assert outcome.winner == 9 and outcome.epochs_spent == 10 * 1 + 3 * 2


@pytest.mark.parametrize("curves, kwargs, message", [
    ([], {}, "curves is empty"),
    ([[0.1, 0.2], [0.1, 0.2, 0.3]], {}, r"different lengths \[2, 3\]: give max_epochs"),
    ([[0.1, 0.2], [0.1, 0.2, 0.3]], {"max_epochs": 2}, r"curves\[0\] has 2 entries, max_epochs=2 needs 3"),
    ([[0.1, 0.2, 0.3]], {"min_epochs": 3}, "min_epochs=3 is more than max_epochs=2"),
    ([[0.1, 0.2, 0.3]], {"min_epochs": 0}, "min_epochs must be a positive integer, got 0"),
    ([[0.1, 0.2, 0.3]], {"eta": 1}, "eta must be an integer >= 2, got 1"),
    ([0.1, 0.2], {}, r"curves\[0\] must be a list of accuracies"),
])
def test_successive_halving_names_bad_input(curves, kwargs, message):
    with pytest.raises(ValueError, match=message):
        successive_halving(curves, **{"min_epochs": 1, **kwargs})


def test_hyperband_brackets_are_the_papers_table():
    brackets = hyperband_brackets(81, eta=3)   # Li et al. 2018, Table 1
    assert [(b.n_trials, b.min_epochs) for b in brackets] == [(81, 1), (34, 3), (15, 9), (8, 27), (5, 81)]
    assert brackets[0].rungs == ((81, 1), (27, 3), (9, 9), (3, 27), (1, 81))
    assert brackets[1].rungs == ((34, 3), (11, 9), (3, 27), (1, 81))
    assert brackets[3].rungs == ((8, 27), (2, 81))
    assert [b.rungs for b in hyperband_brackets(10, eta=3)] == [   # R not a power of eta: rounded budgets
        ((9, 1), (3, 3), (1, 10)), ((5, 3), (1, 10)), ((3, 10),)]
    with pytest.raises(ValueError, match="eta must be an integer >= 2"):
        hyperband_brackets(81, eta=1.5)


def test_successive_halving_runs_each_hyperband_bracket():
    rng = np.random.default_rng(0)
    for bracket in hyperband_brackets(27, eta=3):
        curves = [rising(f, epochs=27) for f in rng.uniform(0.5, 1.0, bracket.n_trials)]
        outcome = successive_halving(curves, bracket.min_epochs, eta=3)
        assert [(len(rung.trials), rung.epochs) for rung in outcome.rungs] == list(bracket.rungs)


# --- Optuna ---------------------------------------------------------------------------------------------------

def test_optuna_search_is_reproducible_and_prunes(tiny_problem):
    results, epochs = optuna_search(tiny_problem(), 12, seed=0, space=SPACE)
    again, epochs_again = optuna_search(tiny_problem(), 12, seed=0, space=SPACE)
    assert again == results and epochs_again == epochs
    assert [r["trial"] for r in results] == list(range(12))
    pruned = [r for r in results if r["pruned_at"] is not None]
    assert pruned, "the median pruner stopped some trials"
    assert all(r["trial"] >= 5 for r in pruned), "not before 5 trials have completed"
    for r in results:
        trained = r["pruned_at"] or 3
        assert len(r["val_curve"]) == len(r["train_curve"]) == trained + 1
        assert r["val_acc"] == r["val_curve"][-1] and r["train_acc"] == r["train_curve"][-1]
        assert SPACE["lr"][0] <= r["lr"] <= SPACE["lr"][1]
    assert epochs == sum((r["pruned_at"] or 3) for r in results) < 12 * 3
    assert max(r["val_acc"] for r in results) > 0.8
    other, _ = optuna_search(tiny_problem(), 12, seed=1, space=SPACE)
    assert [r["lr"] for r in other] != [r["lr"] for r in results]


def test_an_optuna_trial_trains_as_run_trial_does(tiny_problem):
    results, epochs = optuna_search(tiny_problem(), 3, seed=4, space=SPACE, pruner=False)
    assert epochs == 3 * 3 and all(r["pruned_at"] is None for r in results)
    children = np.random.SeedSequence(4).spawn(3)
    for r in results:
        fixed = {"lr": r["lr"], "weight_decay": r["weight_decay"]}
        reference = run_trial(Trial(r["trial"], children[r["trial"]], fixed=fixed), tiny_problem())
        assert {**reference, "pruned_at": None} == r, "epoch by epoch, the same batches as one run"


def test_optuna_search_names_bad_settings(tiny_problem):
    with pytest.raises(ValueError, match="n_trials must be a positive integer, got 0"):
        optuna_search(tiny_problem(), 0)
    with pytest.raises(ValueError, match=r"space names \['lr'\], expected"):
        optuna_search(tiny_problem(), 2, space={"lr": (1e-3, 1.0)})
    with pytest.raises(ValueError, match=r"space\['lr'\] = \(0.0, 1.0\): need 0 < low < high"):
        optuna_search(tiny_problem(), 2, space={**SPACE, "lr": (0.0, 1.0)})
    with pytest.raises(ValueError, match="pruner must be True, False or an optuna pruner"):
        optuna_search(tiny_problem(), 2, pruner="median")


def test_a_remembered_search_is_read_back_and_a_new_seed_trains_again(tiny_problem, tmp_path, monkeypatch):
    problem = tiny_problem()
    monkeypatch.setenv("BOOK_RESULTS_DIR", str(tmp_path))
    calls = []
    parallel = random_search.run_parallel
    monkeypatch.setattr(random_search, "run_parallel", lambda *a, **k: calls.append(1) or parallel(*a, **k))
    trials = random_trials(3, SPACE, seed=4)
    fresh = run_search(trials, problem, workers=1)
    kept = run_search(trials, problem, workers=1, remember=True)
    read = run_search(random_trials(3, SPACE, seed=4), problem, workers=2, remember=True)
    assert fresh == kept == read and len(calls) == 2       # the third call trained nothing
    run_search(random_trials(3, SPACE, seed=5), problem, workers=1, remember=True)
    assert len(calls) == 3

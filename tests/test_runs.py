"""run_parallel: the same results in the same order for any number of workers; the classic runs."""

import multiprocessing
import os

import numpy as np
import pytest

from common.experiments import classic
from common.experiments.parallel import run_parallel


def noisy_sum(task, shared):
    """A task that draws random numbers from its own seed and reads the shared array."""
    index, seed = task
    return index, float(shared[index] + np.random.default_rng(seed).standard_normal())


def blas_threads(task, shared):
    return os.environ.get("OPENBLAS_NUM_THREADS")


START_METHODS = [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]


@pytest.mark.parametrize("start_method", START_METHODS)
def test_results_are_identical_and_in_order_for_one_and_two_workers(start_method):
    tasks = [(i, 100 + i) for i in range(9)]
    shared = np.arange(9.0) * 10
    one = run_parallel(noisy_sum, tasks, shared=shared, workers=1, progress=False)
    two = run_parallel(noisy_sum, tasks, shared=shared, workers=2, start_method=start_method, progress=False)
    assert one == two
    assert [index for index, _ in two] == list(range(9))


def test_workers_use_one_blas_thread():
    if "spawn" not in multiprocessing.get_all_start_methods():
        pytest.skip("spawn is not available here")
    assert run_parallel(blas_threads, range(2), workers=2, start_method="spawn", progress=False) == ["1", "1"]


def test_no_tasks_no_work():
    assert run_parallel(noisy_sum, [], shared=None, progress=False) == []


def test_a_progress_bar_can_be_switched_off_by_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("BOOK_PROGRESS", "0")
    run_parallel(noisy_sum, [(0, 1)], shared=np.zeros(1), workers=1)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("BOOK_PROGRESS", "1")
    run_parallel(noisy_sum, [(0, 1)], shared=np.zeros(1), workers=1, description="tasks")
    assert "tasks" in capsys.readouterr().err


def tiny_runs():
    """Two classic runs, cut down to a few iterations on 784-wide synthetic data."""
    runs = classic.optimizer_compare_mnist(optimizers=("SGD", "Adam"), seeds=[(0, 1), (2, 3)])
    return [classic.Run(r.label, network={**r.network, "hidden_size_list": [8]}, optimizer=r.optimizer,
                        trainer={**r.trainer, "iterations": 5, "batch_size": 16}, final_test=True,
                        init_seed=r.init_seed, batch_seed=r.batch_seed) for r in runs]


def test_classic_runs_are_identical_for_one_and_two_workers(blobs):
    x, t = blobs(n=120, features=784, classes=10, seed=4)
    data = (x[:80], t[:80], x[80:], t[80:])
    one = run_parallel(classic.train_run, tiny_runs(), shared=data, workers=1, progress=False)
    two = run_parallel(classic.train_run, tiny_runs(), shared=data, workers=2, progress=False)
    assert [r.run for r in one] == [r.run for r in two] == tiny_runs()
    for a, b in zip(one, two):
        assert a.history == b.history
        for key in a.network.params:
            np.testing.assert_array_equal(a.network.params[key], b.network.params[key])
    assert one[0].history != one[2].history          # another seed, another run


def test_the_classic_definitions_keep_the_original_settings():
    sgd = classic.optimizer_compare_mnist()[0]
    assert (sgd.label, sgd.optimizer, sgd.trainer["iterations"], sgd.trainer["batch_size"]) == \
        ("SGD", ("SGD", {"lr": 0.01}), 2000, 128)
    assert [r.label for r in classic.optimizer_compare_mnist()] == ["SGD", "Momentum", "AdaGrad", "Adam"]
    bn = classic.batch_norm_test()
    assert len(bn) == 32 and bn[0].network["use_batchnorm"] and not bn[1].network["use_batchnorm"]
    assert (bn[5].init_seed, bn[5].batch_seed, bn[5].n_train) == (2, 1002, 1000)
    decay, = classic.overfit_weight_decay()
    assert decay.network["weight_decay_lambda"] == 0.1 and decay.n_train == 300 and decay.trainer["epochs"] == 200
    dropout, = classic.overfit_dropout()
    assert dropout.network["dropout_ratio"] == 0.2 and not dropout.network["dropout_inverted"]
    assert dropout.trainer["epochs"] == 300


def test_the_evaluation_scores_chunks_on_threads_and_gives_the_sequential_result(blobs, monkeypatch):
    from common.experiments import evaluation
    from common.networks import MultiLayerNetExtend

    chunk = evaluation.INFERENCE_CHUNK
    x, t = blobs(n=3 * chunk + 17, features=20, classes=4, seed=2)
    net = MultiLayerNetExtend(20, [16], 4, use_batchnorm=True, use_dropout=True, rng=np.random.default_rng(0))
    sizes = []
    predict = net.predict
    monkeypatch.setattr(net, "predict", lambda x, train=False: sizes.append((len(x), train)) or predict(x, train))
    results = {}
    for threads in (1, 2, 3):
        monkeypatch.setattr(evaluation, "evaluation_threads", lambda threads=threads: threads)
        sizes.clear()
        results[threads] = evaluation.accuracy(net, x, t)
        assert sorted(sizes) == sorted([(chunk, False)] * 3 + [(17, False)]), threads
    assert results[1] == results[2] == results[3]
    counts = sum(np.count_nonzero(predict(x[i:i + chunk]).argmax(axis=1) == t[i:i + chunk])
                 for i in range(0, len(x), chunk))
    assert results[1] == counts / len(x)
    assert abs(results[1] - net.accuracy(x, t)) <= 2 / len(x), "the network's own accuracy, up to rounding"


def test_a_single_run_shows_its_iterations_unless_switched_off(blobs, monkeypatch, capsys):
    x, t = blobs(n=120, features=784, classes=10, seed=4)
    run = tiny_runs()[0]
    monkeypatch.setenv("BOOK_PROGRESS", "1")
    classic.train_run(run, (x[:80], t[:80], x[80:], t[80:]))
    assert "iterations" in capsys.readouterr().err
    monkeypatch.setenv("BOOK_PROGRESS", "0")
    classic.train_run(run, (x[:80], t[:80], x[80:], t[80:]))
    assert capsys.readouterr().err == ""


def test_the_sgd_learning_rate_sweep_differs_from_the_comparison_only_in_the_rate():
    base, = classic.optimizer_compare_mnist(optimizers=("SGD",))
    sweep = classic.sgd_learning_rates(lrs=(0.03, 0.1))
    assert [r.optimizer for r in sweep] == [("SGD", {"lr": 0.03}), ("SGD", {"lr": 0.1})]
    assert all((r.network, r.trainer, r.init_seed, r.batch_seed) == (base.network, base.trainer, 0, 1) for r in sweep)


def test_the_data_of_some_runs_are_the_images_they_use(monkeypatch):
    asked = []
    monkeypatch.setattr("dataset.mnist.load_mnist", lambda **kw: asked.append(kw) or ((None, None), (None, None)))
    classic.mnist_data(classic.batch_norm_test())
    classic.mnist_data(classic.overfit_weight_decay())
    classic.mnist_data(classic.weight_init_compare())
    classic.mnist_data(classic.optimizer_compare_mnist())
    assert asked == [{"n_train": 1000, "n_test": 0}, {"n_train": 300, "n_test": None},
                     {"n_train": None, "n_test": 0}, {"n_train": None, "n_test": None}]


def test_a_run_on_more_images_than_the_data_hold_is_refused(blobs):
    x, t = blobs(n=120, features=784, classes=10, seed=4)
    run = classic.batch_norm_test()[0]
    with pytest.raises(ValueError, match="uses 1000 training images but the data hold 120"):
        classic.train_run(run, (x, t, x[:0], t[:0]))


def test_validation_images_follow_the_training_images_and_are_never_trained_on(blobs):
    from dataclasses import replace

    x, t = blobs(n=120, features=784, classes=10, seed=4)
    run = replace(tiny_runs()[0], n_train=60, n_validation=40, trainer={"epochs": 2, "batch_size": 20},
                  final_test=False)
    result = classic.train_run(run, (x, t, x[:0], t[:0]))
    assert result.history["validation_acc"][-1] == result.network.accuracy(x[60:100], t[60:100])
    assert result.history["train_acc"][-1] == result.network.accuracy(x[:60], t[:60])
    with pytest.raises(ValueError, match="uses 140 training images but the data hold 120"):
        classic.train_run(replace(run, n_validation=80), (x, t, x[:0], t[:0]))
    with pytest.raises(ValueError, match="n_validation needs n_train"):
        classic.train_run(replace(run, n_train=None), (x, t, x[:0], t[:0]))


def test_by_label_groups_one_value_per_run_in_order():
    from types import SimpleNamespace

    trained = [SimpleNamespace(run=SimpleNamespace(label=label), value=value)
               for label, value in [("b", 1.0), ("a", 2.0), ("b", 3.0), ("a", 4.0)]]
    grouped = classic.by_label(trained, lambda result: result.value)
    assert list(grouped) == ["b", "a"]                       # labels in order of first appearance
    np.testing.assert_array_equal(grouped["b"], [1.0, 3.0])
    np.testing.assert_array_equal(grouped["a"], [2.0, 4.0])
    rows = classic.by_label(trained, lambda result: [result.value, -result.value])
    assert rows["a"].shape == (2, 2)                         # arrays per run stack into rows


def test_remembered_runs_are_read_back_per_condition_and_seed(tmp_path, monkeypatch):
    from common.experiments import mnist_runs
    from common.experiments.mnist_runs import train_side_by_side
    from common.optimizers import SGD, Momentum

    monkeypatch.setenv("BOOK_RESULTS_DIR", str(tmp_path))
    trained = []
    parallel = mnist_runs.run_parallel
    monkeypatch.setattr(mnist_runs, "run_parallel",
                        lambda f, tasks, **k: trained.extend(tasks) or parallel(f, tasks, **k))
    rng = np.random.default_rng(0)
    x, t = rng.random((64, 784)).astype(np.float32), rng.integers(0, 10, 64)
    small = {"hidden_size_list": [5], "activation": "relu", "weight_init_std": "he"}
    options = {"network": small, "iterations": 4, "batch_size": 8, "sampling": "replacement"}
    plain = train_side_by_side({"SGD": SGD(0.1), "Momentum": Momentum(0.1)}, [(0, 1)], (x, t), (x, t), **options)
    first = train_side_by_side({"SGD": SGD(0.1), "Momentum": Momentum(0.1)}, [(0, 1)], (x, t), (x, t),
                               remember=True, **options)
    assert len(trained) == 4
    # A subset under another label, with one more seed: only the new seed trains.
    again = train_side_by_side({"plain SGD": SGD(0.1)}, [(0, 1), (2, 3)], (x, t), (x, t), remember=True, **options)
    assert len(trained) == 5 and (trained[-1].init_seed, trained[-1].optimizer.lr) == (2, 0.1)
    assert np.array_equal(again["plain SGD"].losses[0], plain["SGD"].losses[0])
    assert np.array_equal(first["Momentum"].losses, plain["Momentum"].losses)
    assert first["SGD"].test_accuracy[0] == plain["SGD"].test_accuracy[0]
    # Another learning rate is another run.
    train_side_by_side({"SGD": SGD(0.2)}, [(0, 1)], (x, t), (x, t), remember=True, **options)
    assert len(trained) == 6
    with pytest.raises(ValueError, match="not networks"):
        train_side_by_side({"SGD": SGD(0.1)}, [(0, 1)], (x, t), remember=True, keep_networks=True, **options)

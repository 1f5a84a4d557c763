"""Chapter 1's MNIST experiments (sections 1.6 to 1.9): conditions as data, runs side by side on the cores.

A section writes its conditions as a plain dict, ``{"SGD": SGD(lr=0.01), ...}``,
and a list of seeds, and calls :func:`train_side_by_side`. For every seed and
every condition it builds a fresh network from the seed of the initial
weights, gives it its own copy of the optimizer (fresh state), and trains it
with :class:`~common.experiments.trainer.Trainer` on mini-batches drawn from
the seed of the mini-batches. Sequentially that is::

    for init_seed, batch_seed in seeds:
        for label, optimizer in conditions.items():
            network = MultiLayerNet(784, hidden, 10, rng=np.random.default_rng(init_seed), ...)
            history = Trainer(network, copy.deepcopy(optimizer), x_train, t_train,
                              rng=np.random.default_rng(batch_seed), ...).train()

The runs are independent, so :func:`~common.experiments.parallel.run_parallel`
trains them on worker processes, with the same results as that loop.
Section 1.6 shows that the Trainer's losses are those of the loop written
out on its page.
"""

import copy
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from common.experiments import store
from common.experiments.parallel import run_parallel
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet

# Section 1.6's network, as in the original book's chapter 6: 784-100-100-100-100-10, ReLU, He initial weights.
FIVE_LAYER_NET = {"hidden_size_list": [100, 100, 100, 100], "activation": "relu", "weight_init_std": "he"}
# Its training, as in the original: 2,000 updates on mini-batches of 128 drawn with replacement.
ORIGINAL_TRAINING = {"iterations": 2000, "batch_size": 128, "sampling": "replacement"}


@dataclass(frozen=True)
class _Task:
    label: str
    optimizer: object
    schedule: object
    network: dict
    trainer: dict
    init_seed: int
    batch_seed: int
    dtype: str = "float32"
    keep_network: bool = False


class SeedRuns(NamedTuple):
    """The runs of one condition, one row per seed.

    losses: (seeds, iterations), the loss of each mini-batch before its update;
    test_accuracy: (seeds,), after training (NaN without test data);
    networks: the trained networks, one per seed (only with ``keep_networks=True``, else empty).
    """

    losses: np.ndarray
    test_accuracy: np.ndarray
    networks: list


def build_network(network, init_seed, dtype="float32"):
    """A fresh ``MultiLayerNet(784, hidden, 10, **network)`` with initial weights from ``init_seed``."""
    options = dict(network)
    hidden = options.pop("hidden_size_list")
    return MultiLayerNet(784, hidden, 10, rng=np.random.default_rng(init_seed), dtype=np.dtype(dtype), **options)


def _train(task, data):
    x_train, t_train, x_test, t_test = data
    network = build_network(task.network, task.init_seed, task.dtype)
    trainer = Trainer(network, copy.deepcopy(task.optimizer), x_train, t_train,
                      rng=np.random.default_rng(task.batch_seed), schedule=task.schedule, progress=False,
                      **task.trainer)
    losses = np.array(trainer.train()["train_loss"])
    accuracy = network.accuracy(x_test, t_test) if x_test is not None else float("nan")
    return losses, accuracy, network if task.keep_network else None


def _settings(value):
    """A JSON-able description of an optimizer or schedule: its class and its settings, nested ones too."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_settings(v) for v in value]
    if isinstance(value, dict):
        if value:
            raise ValueError("remember needs fresh optimizers: this one has state from earlier updates")
        return {}
    if hasattr(value, "__dict__"):
        return [type(value).__name__, {k: _settings(v) for k, v in sorted(vars(value).items())}]
    raise TypeError(f"remember cannot describe a {type(value).__name__} setting")


def _spec(task):
    return {"optimizer": _settings(task.optimizer), "schedule": _settings(task.schedule), "network": task.network,
            "trainer": task.trainer, "seeds": [task.init_seed, task.batch_seed], "dtype": task.dtype}


def train_side_by_side(conditions, seeds, train, test=None, *, network=None, schedules=None, keep_networks=False,
                       remember=False, description="runs", **trainer):
    """Train one network per condition and seed, side by side on the machine's cores.

    conditions: {label: optimizer}; each run gets its own deep copy, so no state is shared.
    seeds: [(init_seed, batch_seed), ...]: the initial weights and the mini-batches of each
    run; within a seed every condition starts from the same weights and sees the same batches.
    train, test: (x, t) pairs; the test accuracy is measured once, after training.
    network: keyword arguments of ``MultiLayerNet`` besides its sizes (default FIVE_LAYER_NET).
    schedules: {label: learning-rate schedule} for the conditions that have one.
    keep_networks: also return the trained networks (for measurements after training).
    remember: keep each run's losses and test accuracy in the results store
    (:mod:`common.experiments.store`), and read back the runs kept before: a run is
    the same run when its optimizer and schedule (class and settings), network,
    training, seeds and data are (its label does not matter). Not with keep_networks.
    trainer: keyword arguments of ``Trainer`` (default ORIGINAL_TRAINING).
    Returns {label: SeedRuns}, in the order of ``conditions``.
    """
    conditions, seeds, schedules = dict(conditions), [tuple(seed) for seed in seeds], dict(schedules or {})
    if not conditions or not seeds:
        raise ValueError("train_side_by_side needs at least one condition and one seed")
    unknown = sorted(set(schedules) - set(conditions))
    if unknown:
        raise ValueError(f"schedules for labels that are not conditions: {unknown}")
    if any(len(seed) != 2 for seed in seeds):
        raise ValueError(f"each seed is a pair (init_seed, batch_seed), got {seeds}")
    network = dict(FIVE_LAYER_NET if network is None else network)
    trainer = dict(ORIGINAL_TRAINING if not trainer else trainer)
    tasks = [_Task(label, optimizer, schedules.get(label), network, trainer, init_seed, batch_seed,
                   keep_network=keep_networks)
             for init_seed, batch_seed in seeds for label, optimizer in conditions.items()]
    x_test, t_test = test if test is not None else (None, None)
    shared = (*train, x_test, t_test)
    if remember and keep_networks:
        raise ValueError("remember keeps losses and accuracies, not networks: use one or the other")
    if not remember:
        results = run_parallel(_train, tasks, shared=shared, description=description)
    else:
        data = store.fingerprint(*(a for a in shared if a is not None))
        results = [store.lookup("MNIST run", _spec(task), data) for task in tasks]
        missing = [i for i, result in enumerate(results) if result is store.MISSING]
        trained = run_parallel(_train, [tasks[i] for i in missing], shared=shared, description=description)
        for i, result in zip(missing, trained):
            results[i] = store.keep("MNIST run", _spec(tasks[i]), list(result[:2]), data) + [None]
    grouped = {label: [] for label in conditions}
    for task, result in zip(tasks, results):
        grouped[task.label].append(result)
    return {label: SeedRuns(np.array([r[0] for r in runs]), np.array([r[1] for r in runs]),
                            [r[2] for r in runs] if keep_networks else [])
            for label, runs in grouped.items()}


def loss_and_test(runs, window=100):
    """From ``train_side_by_side``'s result, two dicts {label: one value per seed}: the mean loss of
    the last ``window`` updates (:func:`mean_of_last`) and the test accuracy after training."""
    return ({label: mean_of_last(seed_runs.losses, window) for label, seed_runs in runs.items()},
            {label: seed_runs.test_accuracy for label, seed_runs in runs.items()})


def mean_of_last(losses, window=100):
    """The mean of the last ``window`` mini-batch losses of each run: (seeds, iterations) -> (seeds,)."""
    losses = np.asarray(losses, dtype=np.float64)
    if losses.shape[-1] < window:
        raise ValueError(f"{losses.shape[-1]} losses, fewer than the window of {window}")
    return losses[..., -window:].mean(axis=-1)


def dead_units(network, x):
    """Hidden ReLU units of the first hidden layer that output 0 for every row of ``x`` (their input is <= 0)."""
    return int(np.sum((x @ network.params["W1"] + network.params["b1"]).max(axis=0) <= 0))

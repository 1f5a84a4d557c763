"""The classic MNIST experiments of the original book's chapter 6, as data: a list of runs each.

A :class:`Run` says everything about one training run: the network, the
optimizer, the training loop, the seeds. :func:`train_run` trains one run;
chapters 1 to 4 and the benchmarks build their runs with the functions below
and train them side by side with
``run_parallel(train_run, runs, shared=mnist_data())``, so a chapter and its
benchmark run one definition. Each function's defaults are the original
book's settings; a chapter may ask for more methods or more seeds.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from common.checks import require_positive_int
from common.experiments.evaluation import accuracy
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNetExtend
from common.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class Run:
    """One training run on MNIST, as data.

    label: the name in tables and figures. network: keyword arguments of
    ``MultiLayerNetExtend`` besides the 784 inputs and 10 outputs.
    optimizer: (name in ``common.optimizers.OPTIMIZERS``, settings).
    trainer: keyword arguments of ``Trainer`` (epochs or iterations, batch_size, ...).
    n_train: train on the first n training images (None: all 60000).
    n_validation: hold out the next n training images (after the first
    n_train) as validation data, evaluated with the training data
    ('validation_acc'); they are never trained on. Needs n_train.
    test: evaluate on the 10000 test images during training ('test_acc');
    final_test: measure the test accuracy once, after training ('final_test_acc').
    init_seed: seed of the initial weights (and of dropout masks).
    batch_seed: seed of the mini-batches; None draws them from the generator of
    the initial weights, after them.
    dtype: the network's precision.
    """

    label: str
    network: dict = field(default_factory=dict)
    optimizer: tuple = ("SGD", {"lr": 0.01})
    trainer: dict = field(default_factory=dict)
    n_train: int = None
    n_validation: int = 0
    test: bool = False
    final_test: bool = False
    init_seed: int = 0
    batch_seed: int = 1
    dtype: str = "float32"


class Trained(NamedTuple):
    """What :func:`train_run` returns: the run, its Trainer history and the trained network."""

    run: Run
    history: dict
    network: MultiLayerNetExtend


def mnist_data(runs=None):
    """The shared data of every run: (x_train, t_train, x_test, t_test).

    runs: the runs that will use the data; then only the training images they
    train on are loaded, and the test images only if one of them is tested.
    """
    from dataset.mnist import load_mnist

    n_train = n_test = None
    if runs is not None:
        runs = list(runs)
        n_train = (None if any(run.n_train is None for run in runs)
                   else max(run.n_train + run.n_validation for run in runs))
        n_test = None if any(run.test or run.final_test for run in runs) else 0
    (x_train, t_train), (x_test, t_test) = load_mnist(n_train=n_train, n_test=n_test)
    return x_train, t_train, x_test, t_test


def build_network(run, rng=None):
    """The network of ``run`` with its initial weights (from ``rng``, by default a generator seeded with init_seed)."""
    rng = np.random.default_rng(run.init_seed) if rng is None else rng
    network = dict(run.network)
    hidden = network.pop("hidden_size_list")
    return MultiLayerNetExtend(784, hidden, 10, rng=rng, dtype=np.dtype(run.dtype), **network)


def train_run(run, data):
    """Train ``run`` on ``data`` = (x_train, t_train, x_test, t_test); return a :class:`Trained`."""
    x_train, t_train, x_test, t_test = data
    rng = np.random.default_rng(run.init_seed)
    network = build_network(run, rng)
    name, settings = run.optimizer
    batches = rng if run.batch_seed is None else np.random.default_rng(run.batch_seed)
    if run.n_validation and run.n_train is None:
        raise ValueError(f"run {run.label!r}: n_validation needs n_train (the validation images follow them)")
    needed = (run.n_train or 0) + run.n_validation
    if needed > len(x_train):
        raise ValueError(f"run {run.label!r} uses {needed} training images but the data hold {len(x_train)}")
    x, t = x_train[:run.n_train], t_train[:run.n_train]
    validation = (x_train[run.n_train:needed], t_train[run.n_train:needed]) if run.n_validation else None
    trainer = Trainer(network, OPTIMIZERS[name](**settings), x, t, validation=validation,
                      test=(x_test, t_test) if run.test else None, rng=batches, progress=None, **run.trainer)
    history = trainer.train()
    if run.final_test:
        history["final_test_acc"] = accuracy(network, x_test, t_test)
    return Trained(run, history, network)


def by_label(trained, measure):
    """Group the results of several runs by their label: {label: np.array([measure(result), ...])}.

    trained: the :class:`Trained` results of run_parallel(train_run, runs);
    measure(result) -> a number (or an array) per run. Labels come in the
    order they first appear; within a label, the runs' order (e.g. one value
    per seed).
    """
    grouped = {}
    for result in trained:
        grouped.setdefault(result.run.label, []).append(measure(result))
    return {label: np.array(values) for label, values in grouped.items()}


def seed_pairs(n):
    """``n`` (init_seed, batch_seed) pairs, every seed different: (0, 1), (2, 3), (4, 5), ...

    The first pair is the one of the chapters' single runs, so a study over
    seeds can reuse that run as its first seed.
    """
    return [(2 * k, 2 * k + 1) for k in range(require_positive_int("n", n))]


# The original book's four optimizers and chapter 1's three more (settings in chapter 1, section 14).
OPTIMIZER_SETTINGS = {
    "SGD": ("SGD", {"lr": 0.01}),
    "Momentum": ("Momentum", {"lr": 0.01, "momentum": 0.9}),
    "Nesterov": ("Nesterov", {"lr": 0.01, "momentum": 0.9}),
    "AdaGrad": ("AdaGrad", {"lr": 0.01}),
    "RMSprop": ("RMSprop", {"lr": 0.001, "decay_rate": 0.9}),
    "AdaDelta": ("AdaDelta", {"decay_rate": 0.95, "eps": 1e-6}),
    "Adam": ("Adam", {"lr": 0.001}),
}
ORIGINAL_OPTIMIZERS = ("SGD", "Momentum", "AdaGrad", "Adam")


def optimizer_compare_mnist(optimizers=ORIGINAL_OPTIMIZERS, seeds=((0, 1),)):
    """784-100x4-10 ReLU, He, batches of 128 drawn with replacement, 2000 iterations, float32.

    One run per optimizer and (init_seed, batch_seed) pair; every optimizer
    starts from the same weights and sees the same batches. Test accuracy after training.
    """
    return [Run(name, network={"hidden_size_list": [100] * 4, "activation": "relu", "weight_init_std": "he"},
                optimizer=OPTIMIZER_SETTINGS[name],
                trainer={"iterations": 2000, "batch_size": 128, "sampling": "replacement"},
                final_test=True, init_seed=init_seed, batch_seed=batch_seed)
            for init_seed, batch_seed in seeds for name in optimizers]


INITIALIZATIONS = {"std=0.01": 0.01, "Xavier": "xavier", "LeCun": "lecun", "He": "he"}


def weight_init_compare(initializations=("std=0.01", "Xavier", "He"), seeds=(0,)):
    """784-100x4-10 ReLU, SGD lr 0.01, batches of 128 with replacement, 2000 iterations, float32.

    The mini-batches continue the generator of the initial weights (one seed per run).
    """
    return [Run(name, network={"hidden_size_list": [100] * 4, "activation": "relu",
                               "weight_init_std": INITIALIZATIONS[name]},
                trainer={"iterations": 2000, "batch_size": 128, "sampling": "replacement"},
                init_seed=seed, batch_seed=None)
            for seed in seeds for name in initializations]


WEIGHT_SCALES = tuple(float(w) for w in np.logspace(0, -4, 16))


def batch_norm_test(scales=WEIGHT_SCALES, seeds=None, epochs=20, batchnorm_eps=1e-5):
    """The first 1000 images, 784-100x5-10 ReLU, SGD lr 0.01, batch 100, 20 epochs, float32,
    with and without BatchNorm, for each weight scale; training accuracy after every epoch.

    seeds: one (init_seed, batch_seed) per scale; by default scale k uses (k, 1000 + k), as in chapter 3.
    batchnorm_eps: the eps of the BatchNorm layers.
    The plain network diverges at the largest scales on purpose: no warning.
    """
    seeds = seeds or [(k, 1000 + k) for k in range(len(scales))]
    runs = []
    for scale, (init_seed, batch_seed) in zip(scales, seeds):
        for label, use_batchnorm in (("Batch Normalization", True), ("Normal (without BatchNorm)", False)):
            runs.append(Run(label, network={"hidden_size_list": [100] * 5, "weight_init_std": float(scale),
                                            "use_batchnorm": use_batchnorm, "batchnorm_eps": batchnorm_eps},
                            trainer={"epochs": epochs, "batch_size": 100, "evaluate": True,
                                     "on_divergence": "ignore"},
                            n_train=1000, init_seed=init_seed, batch_seed=batch_seed))
    return runs


OVERFIT_NETWORK = {"hidden_size_list": [100] * 6, "activation": "relu", "weight_init_std": "he"}


def overfit_weight_decay(lambdas=(0.1,), epochs=200, evaluate_every=2, seeds=((0, 1),)):
    """The first 300 images, 784-100x6-10 ReLU He, SGD lr 0.01, batch 100, float32, L2 penalty lambda;
    training and test accuracy every ``evaluate_every`` epochs."""
    return [Run(f"λ = {lam}", network={**OVERFIT_NETWORK, "weight_decay_lambda": lam},
                trainer={"epochs": epochs, "batch_size": 100, "evaluate_every": evaluate_every},
                n_train=300, test=True, init_seed=init_seed, batch_seed=batch_seed)
            for init_seed, batch_seed in seeds for lam in lambdas]


def overfit_dropout(inverted=(False,), ratio=0.2, epochs=300, evaluate_every=1, seeds=((0, 1),)):
    """The first 300 images, 784-100x6-10 ReLU He with dropout after every hidden layer, SGD lr 0.01,
    batch 100, float32; ``inverted=False`` is the original's scaling at inference."""
    return [Run("dropout, inverted" if inv else "dropout, original scaling",
                network={**OVERFIT_NETWORK, "use_dropout": True, "dropout_ratio": ratio, "dropout_inverted": inv},
                trainer={"epochs": epochs, "batch_size": 100, "evaluate_every": evaluate_every},
                n_train=300, test=True, init_seed=init_seed, batch_seed=batch_seed)
            for init_seed, batch_seed in seeds for inv in inverted]


def sgd_learning_rates(lrs=(0.01, 0.03, 0.1), seeds=((0, 1),)):
    """Plain SGD at several learning rates, otherwise optimizer_compare_mnist's runs (chapter 1).

    Momentum with eta = 0.01 and alpha = 0.9 moves, on a steady gradient, like SGD with
    eta / (1 - alpha) = 0.1: this sweep tells a small step from a hard surface.
    """
    base = optimizer_compare_mnist(optimizers=("SGD",), seeds=seeds)
    return [Run(f"SGD, η = {lr}", network=run.network, optimizer=("SGD", {"lr": lr}), trainer=run.trainer,
                final_test=True, init_seed=run.init_seed, batch_seed=run.batch_seed)
            for run in base for lr in lrs]

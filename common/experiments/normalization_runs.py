"""The experiments of chapter 3 (Batch Normalization) as functions that return arrays.

Each function builds its runs (:class:`common.experiments.classic.Run`),
trains them side by side with :func:`common.experiments.parallel.run_parallel`
and hands back the numbers a section plots and checks, arranged by method,
seed and setting, so that the sections show the experiment, not the plumbing.
The training data are passed in (the first images of ``x_train``), so a
section that perturbs them (``tools/another_cpu.py``) perturbs every run.
"""

from dataclasses import dataclass, replace

import numpy as np

from common.experiments.classic import WEIGHT_SCALES, Run, batch_norm_test, build_network, train_run
from common.experiments.parallel import run_parallel
from common.experiments.trainer import Trainer
from common.optimizers import SGD

BN, PLAIN, LN = "Batch Normalization", "Normal (without BatchNorm)", "Layer Normalization"


def scale_seeds(k, seed):
    """(init_seed, batch_seed) of scale index ``k`` (0..15) at seed number ``seed``: (k + 100 s, 1000 + k + 100 s).

    Seed 0 gives (k, 1000 + k), the classic experiment's single run at every scale.
    """
    return k + 100 * seed, 1000 + k + 100 * seed


@dataclass
class ScaleStudy:
    """Results of :func:`weight_scale_study`, each {label: array (seeds, scales, ...)}.

    accuracy: train accuracy in inference mode before training and after each epoch (..., epochs + 1).
    batch_loss: the loss of each training batch, training mode, before its update (..., iterations).
    variance, running_var: with ``record_variance``, the median over units of the variance of layer 1's
    pre-activations over the training images, and of BatchNorm1's running variance, at the same times as
    ``accuracy`` (..., epochs + 1); empty otherwise.
    """

    accuracy: dict
    batch_loss: dict
    variance: dict
    running_var: dict


def _scale_task(task, data):
    """Train one run of the weight-scale experiment; return its curves (a worker of run_parallel)."""
    run, running_var_start, record_variance = task
    x_train, t_train = data
    network = build_network(run)
    normalizations = [layer for name, layer in network.layers.items() if name.startswith("BatchNorm")]
    for layer in normalizations:
        layer.running_var[...] = running_var_start
    x, t = x_train[:run.n_train], t_train[:run.n_train]
    variance, running_var = [], []

    def record(epoch=None, history=None):
        z = np.asarray(x, dtype=network.dtype) @ network.params["W1"]   # layer 1's pre-activations
        variance.append(float(np.median(z.var(axis=0))))
        running_var.append(float(np.median(normalizations[0].running_var)) if normalizations else np.nan)
        return False                                                   # never stop training

    if record_variance:
        record()
    trainer = Trainer(network, SGD(**run.optimizer[1]), x, t, rng=np.random.default_rng(run.batch_seed),
                      on_evaluation=record if record_variance else None, **run.trainer)
    history = trainer.train()
    return run.label, history["train_acc"], history["train_loss"], variance, running_var


def weight_scale_study(x_train, t_train, scale_indices, seeds=(0,), *, epochs=20, batchnorm_eps=1e-5,
                       running_var_start=1.0, methods=(BN, PLAIN), record_variance=False, evaluate_every=1):
    """The classic experiment (chapter 3): train at the scales ``WEIGHT_SCALES[k]`` for k in ``scale_indices``.

    Settings of :func:`common.experiments.classic.batch_norm_test` (the original book's): the first 1000
    images, 784-100x5-10 ReLU, SGD lr 0.01, batches of 100, float32; at scale k and seed number s the
    seeds :func:`scale_seeds` (k, s), the same for both methods. ``running_var_start``: the value the
    BatchNorm layers' running variance starts from (the library's 1.0; the original book's 0.0).
    ``evaluate_every``: evaluate every k-th epoch only (``epochs`` records the start and the end alone).
    Returns a :class:`ScaleStudy`.
    """
    scale_indices = list(scale_indices)
    tasks = []
    for seed in seeds:
        runs = batch_norm_test(scales=[WEIGHT_SCALES[k] for k in scale_indices], epochs=epochs,
                               seeds=[scale_seeds(k, seed) for k in scale_indices], batchnorm_eps=batchnorm_eps)
        tasks += [(replace(run, trainer={**run.trainer, "evaluate_every": evaluate_every}), running_var_start,
                   record_variance) for run in runs if run.label in methods]
    results = run_parallel(_scale_task, tasks, shared=(x_train[:1000], t_train[:1000]), description="runs")
    shape = (len(seeds), len(scale_indices))
    fields = [{name: [] for name in methods} for _ in range(4)]
    for label, *values in results:
        for field, value in zip(fields, values):
            field[label].append(value)
    arrays = [{name: np.array(values).reshape(shape + np.shape(values[0])) for name, values in field.items()}
              for field in fields]
    return ScaleStudy(*arrays)


@dataclass
class Sweep:
    """Results of :func:`sweep_learning_rates`, {label: array (seeds, learning rates)} unless said otherwise.

    validation: accuracy on the validation images (the 1000 after the training images).
    test: accuracy on the next 1000 images (2000 to 2999), used by nothing that chooses.
    growth: BatchNorm network only, ||W_end|| / ||W_start|| of each hidden weight matrix (seeds, rates, layers).
    """

    validation: dict
    test: dict
    growth: np.ndarray


def sweep_run(label, lr, init_seed, batch_seed, epochs=5):
    """One run of the learning-rate sweep: 784-100x5-10 ReLU, He, 1000 images, batches of 100, SGD ``lr``."""
    option = {"use_batchnorm": True} if label == BN else {}
    return Run(label, network={"hidden_size_list": [100] * 5, "weight_init_std": "he", **option},
               optimizer=("SGD", {"lr": lr}),
               trainer={"epochs": epochs, "batch_size": 100, "evaluate_every": epochs, "on_divergence": "ignore"},
               n_train=1000, n_validation=1000, init_seed=init_seed, batch_seed=batch_seed)


def _sweep_task(run, data):
    x_train, t_train = data
    result = train_run(run, (x_train, t_train, None, None))
    network = result.network
    with np.errstate(over="ignore", invalid="ignore"):
        test = network.accuracy(x_train[2000:3000], t_train[2000:3000])
    growth = []
    if run.label == BN:
        start = build_network(run)                           # the same initial weights, from the run's seed
        growth = [float(np.linalg.norm(network.params[f"W{i}"]) / np.linalg.norm(start.params[f"W{i}"]))
                  for i in range(1, 6)]
    return result.history["validation_acc"][-1], test, growth


def sweep_learning_rates(x_train, t_train, learning_rates, seed_pairs):
    """Train with and without BatchNorm at every learning rate and (init_seed, batch_seed) pair; a :class:`Sweep`."""
    runs = [sweep_run(label, lr, init_seed, batch_seed)
            for init_seed, batch_seed in seed_pairs for lr in learning_rates for label in (BN, PLAIN)]
    results = run_parallel(_sweep_task, runs, shared=(x_train[:3000], t_train[:3000]), description="runs")
    shape = (len(seed_pairs), len(learning_rates))
    validation = {label: np.empty(shape) for label in (BN, PLAIN)}
    test = {label: np.empty(shape) for label in (BN, PLAIN)}
    growth = np.empty(shape + (5,))
    for index, (run, (validation_acc, test_acc, norms)) in enumerate(zip(runs, results)):
        position = divmod(index // 2, len(learning_rates))
        validation[run.label][position] = validation_acc
        test[run.label][position] = test_acc
        if run.label == BN:
            growth[position] = norms
    return Sweep(validation, test, growth)


@dataclass
class BatchSizeStudy:
    """Results of :func:`batch_size_study`, {label: array (seeds, batch sizes)}, and the BatchNorm networks
    trained at the smallest batch size (one per seed), for a closer look.

    accuracy: held-out accuracy (images 1000 to 1999, inference mode) after training.
    last_epoch_loss: mean loss of the training batches of the last epoch (training mode, before each update).
    """

    accuracy: dict
    last_epoch_loss: dict
    smallest_batch_networks: list


NORMALIZATION_OPTIONS = {BN: {"use_batchnorm": True}, LN: {"use_layernorm": True}, PLAIN: {}}


def _batch_size_task(run, data):
    x_train, t_train = data
    result = train_run(run, (x_train, t_train, None, None))
    losses = result.history["train_loss"]
    return result.history["validation_acc"][-1], float(np.mean(losses[-len(losses) // 3:])), result.network


def batch_size_study(x_train, t_train, batch_sizes, seed_pairs, *, epochs=3, lr_at_64=0.3):
    """784-100x3-10 ReLU, He, 1000 images, ``epochs`` epochs, SGD with lr = lr_at_64 * B / 64, for each method.

    One epoch is 1000 // B updates. Returns a :class:`BatchSizeStudy`.
    """
    runs = [Run(label, network={"hidden_size_list": [100] * 3, "weight_init_std": "he", **option},
                optimizer=("SGD", {"lr": lr_at_64 * batch_size / 64}),
                trainer={"epochs": epochs, "batch_size": batch_size, "evaluate_every": epochs,
                         "on_divergence": "ignore"},
                n_train=1000, n_validation=1000, init_seed=init_seed, batch_seed=batch_seed)
            for init_seed, batch_seed in seed_pairs for batch_size in batch_sizes
            for label, option in NORMALIZATION_OPTIONS.items()]
    results = run_parallel(_batch_size_task, runs, shared=(x_train[:2000], t_train[:2000]), description="runs")
    shape = (len(seed_pairs), len(batch_sizes))
    accuracy = {label: np.empty(shape) for label in NORMALIZATION_OPTIONS}
    last_epoch_loss = {label: np.empty(shape) for label in NORMALIZATION_OPTIONS}
    smallest = []
    for index, (run, (acc, loss, network)) in enumerate(zip(runs, results)):
        position = divmod(index // len(NORMALIZATION_OPTIONS), len(batch_sizes))
        accuracy[run.label][position] = acc
        last_epoch_loss[run.label][position] = loss
        if run.label == BN and position[1] == 0:
            smallest.append(network)
    return BatchSizeStudy(accuracy, last_epoch_loss, smallest)


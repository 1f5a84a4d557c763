"""Chapter 2's experiments: one pass through a fresh deep stack, and the MNIST comparison of weight rules.

``probe`` runs one forward and one backward pass through a stack of
hidden layers that no update has touched yet, and keeps what each layer saw
(sections 2.1 to 2.3). ``train_mnist`` is one MNIST training run of the
original book's comparison; ``train_side_by_side`` runs it for every rule
and seed on the machine's cores (section 2.2).
"""

import numpy as np

from common.experiments.parallel import run_parallel
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD

# The seven stacks of section 2.1: (label, activation, weight_init_std).
SETTINGS = (
    ("sigmoid, std 1", "sigmoid", 1.0),
    ("sigmoid, std 0.01", "sigmoid", 0.01),
    ("sigmoid, Xavier", "sigmoid", "xavier"),
    ("tanh, Xavier", "tanh", "xavier"),
    ("ReLU, std 0.01", "relu", 0.01),
    ("ReLU, Xavier", "relu", "xavier"),
    ("ReLU, He", "relu", "he"),
)


def probe(activation, weight_init_std, seed=0, depth=5, width=100, n_inputs=1000):
    """One forward and one backward pass through a fresh stack of ``depth`` hidden layers of ``width`` units.

    The inputs are ``n_inputs`` rows drawn from N(0, 1); on top of the hidden
    layers sits a 10-class softmax layer (same rule), scored against random
    labels, only to have a loss to backpropagate. Returns a dict of lists,
    one entry per hidden layer l = 1..depth:
    'activations' a_l (n_inputs, width), 'signals' dL/dz_l (n_inputs, width),
    'grad_W' the mean |dL/dW_l|.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_inputs, width))
    t = rng.integers(0, 10, n_inputs)
    net = MultiLayerNet(width, [width] * depth, 10, activation=activation,
                        weight_init_std=weight_init_std, rng=rng)
    net.loss(x, t, train=True)                  # forward
    dout = net.last_layer.backward(1.0)          # backward, layer by layer,
    signals = {}                                 # keeping dL/dz_l, what leaves activation l backwards
    for name, layer in reversed(net.layers.items()):
        dout = layer.backward(dout)
        if name.startswith("Activation"):
            signals[int(name.removeprefix("Activation"))] = dout
    hidden = range(1, depth + 1)
    return {
        "activations": [net.layers[f"Affine{k + 1}"].x for k in hidden],   # the input of the next layer
        "signals": [signals[k] for k in hidden],
        "grad_W": [float(np.abs(net.layers[f"Affine{k}"].dW).mean()) for k in hidden],
    }


def train_mnist(weight_init_std, seed, x_train, t_train, lr=0.01, iterations=2000):
    """The original book's comparison, one run: 784-100x4-10 ReLU, SGD, batches of 128 drawn with replacement.

    The network computes in float32; one generator, seeded with ``seed``,
    draws the initial weights and then the mini-batches. Returns the loss
    of every mini-batch (an array of ``iterations`` values).
    """
    rng = np.random.default_rng(seed)
    network = MultiLayerNet(784, [100] * 4, 10, activation="relu", weight_init_std=weight_init_std,
                            rng=rng, dtype=np.float32)
    trainer = Trainer(network, SGD(lr=lr), x_train, t_train, iterations=iterations,
                      batch_size=128, sampling="replacement", rng=rng)
    return np.array(trainer.train()["train_loss"])


def _train_task(task, data):
    weight_init_std, seed, lr = task
    return train_mnist(weight_init_std, seed, *data, lr=lr)


def train_side_by_side(rules, seeds, x_train, t_train, lr=0.01):
    """``{name: [train_mnist(rule, seed, ...) for seed in seeds] for name, rule in rules.items()}``, on every core.

    rules: {name: weight_init_std}. The runs are independent (each carries its
    seed), so the result is the same as the loop written in the docstring.
    Returns {name: array (len(seeds), iterations)}.
    """
    seeds = list(seeds)
    tasks = [(rule, seed, lr) for rule in rules.values() for seed in seeds]
    curves = run_parallel(_train_task, tasks, shared=(x_train, t_train), description="MNIST runs")
    return {name: np.array(curves[i * len(seeds):(i + 1) * len(seeds)]) for i, name in enumerate(rules)}

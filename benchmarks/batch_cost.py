"""The time of one update of softmax regression against the batch size (chapter 1, figure panel (d)).

Timings differ from run to run, so the chapter does not measure them: it
reads ``benchmarks/batch_cost.json``, written here by ``make bench`` (or
``python -m benchmarks batch_cost``), and says on which machine they were taken.
"""

import json
import time
from datetime import date
from pathlib import Path

import numpy as np

from common.networks import MultiLayerNet
from common.optimizers import SGD
from dataset.mnist import load_mnist

RESULT = Path(__file__).resolve().parent / "batch_cost.json"
BATCH_SIZES = [1, 4, 16, 64, 256, 1024, 2000]


def time_one_update(network, x, t, repeat=5, number=10):
    """Best time in seconds of one update (forward, backward, SGD step with lr = 0) on ``x, t``."""
    optimizer = SGD(lr=0.0)   # lr = 0: a real update that leaves the network where it is
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            _, grads = network.loss_and_gradient(x, t)
            optimizer.update(network.params, grads)
        best = min(best, (time.perf_counter() - start) / number)
    return best


def run(machine="unknown machine"):
    """Measure every batch size on chapter 1's 2,000 images, write RESULT, return the measurements."""
    (x_train, t_train), _ = load_mnist()
    subset = np.random.default_rng(0).choice(len(x_train), 2000, replace=False)
    x, t = x_train[subset].astype(np.float64), t_train[subset]
    network = MultiLayerNet(784, [], 10, weight_init_std=0.0)
    seconds = {str(b): time_one_update(network, x[:b], t[:b]) for b in BATCH_SIZES}
    result = {"measured_on": date.today().isoformat(), "machine": machine, "seconds_per_update": seconds}
    tmp = RESULT.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    tmp.replace(RESULT)
    return result

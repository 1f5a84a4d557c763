"""One training step of the 784-100-100-100-100-10 network at batch 128, against plain matrix multiplies."""

import time

import numpy as np

from common.networks import MultiLayerNet
from common.optimizers import SGD

SIZES = [784, 100, 100, 100, 100, 10]
BATCH = 128


def step_flops(sizes=SIZES, batch=BATCH):
    """Multiply-add FLOPs of one step: forward x W, backward x^T dout and dout W^T (not for the first layer)."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    forward = sum(2 * batch * a * b for a, b in pairs)
    weight_grads = forward
    input_grads = sum(2 * batch * a * b for a, b in pairs[1:])
    return forward + weight_grads + input_grads


def best_time(function, repeat=5, number=200):
    """Best of ``repeat`` runs of ``number`` calls, in seconds per call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def measure(dtype):
    rng = np.random.default_rng(0)
    net = MultiLayerNet(784, SIZES[1:-1], 10, weight_init_std="he", rng=rng, dtype=dtype)
    x = rng.random((BATCH, 784)).astype(dtype)
    t = rng.integers(0, 10, BATCH)
    optimizer = SGD(lr=0.01)

    def train_step():
        optimizer.update(net.params, net.gradient(x, t))

    weights = [rng.random((a, b)).astype(dtype) for a, b in zip(SIZES[:-1], SIZES[1:])]
    activations = [x] + [rng.random((BATCH, b)).astype(dtype) for b in SIZES[1:]]

    def matmuls_only():
        for i, w in enumerate(weights):
            activations[i] @ w
        for i in reversed(range(len(weights))):
            activations[i].T @ activations[i + 1]
            if i > 0:
                activations[i + 1] @ weights[i].T

    step = best_time(train_step)
    matmul = best_time(matmuls_only)
    flops = step_flops()
    return {"dtype": np.dtype(dtype).name, "step_us": step * 1e6, "gflops": flops / step / 1e9,
            "matmul_gflops": flops / matmul / 1e9, "share": matmul / step}


def run():
    rows = [measure(np.float64), measure(np.float32)]
    for r in rows:
        print(f"{r['dtype']}: {r['step_us']:.0f} us per step, {r['gflops']:.1f} GFLOP/s, "
              f"{100 * r['share']:.0f} % of the matrix-multiply throughput ({r['matmul_gflops']:.1f} GFLOP/s)")
    return rows

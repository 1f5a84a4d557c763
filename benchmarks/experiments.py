"""The classic experiments of the original book's chapter 6, at their original settings.

Each function runs one experiment end to end (data loading included) and
returns a one-line summary of its result, so a benchmark that skipped work
would show it. The precision matches the chapters: float32 where the chapter
says so.
"""

import numpy as np

from common.display.plot import smooth_curve
from common.experiments.trainer import Trainer
from common.gradient import gradient_check
from common.networks import MultiLayerNet, MultiLayerNetExtend
from common.optimizers import SGD, AdaGrad, Adam, Momentum
from dataset.mnist import load_mnist


def mnist():
    (x_train, t_train), (x_test, t_test) = load_mnist()
    return x_train, t_train, x_test, t_test


def _final_smoothed_loss(network, optimizer, x, t, seed):
    history = Trainer(network, optimizer, x, t, iterations=2000, batch_size=128,
                      sampling="replacement", rng=np.random.default_rng(seed)).train()
    return float(smooth_curve(history["train_loss"])[-1])


def optimizer_compare_mnist():
    """784-100x4-10, ReLU, He, batch 128, 2000 iterations; the original's four optimizers (float32)."""
    x_train, t_train, _, _ = mnist()
    optimizers = {"SGD": SGD(lr=0.01), "Momentum": Momentum(lr=0.01, momentum=0.9),
                  "AdaGrad": AdaGrad(lr=0.01), "Adam": Adam(lr=0.001)}
    final = {}
    for name, optimizer in optimizers.items():
        net = MultiLayerNet(784, [100] * 4, 10, weight_init_std="he", rng=np.random.default_rng(0), dtype=np.float32)
        final[name] = _final_smoothed_loss(net, optimizer, x_train, t_train, seed=1)
    return "final smoothed loss " + ", ".join(f"{k} {v:.3f}" for k, v in final.items())


def weight_init_compare():
    """784-100x4-10, ReLU, SGD lr 0.01, batch 128, 2000 iterations; std 0.01 vs Xavier vs He (float32)."""
    x_train, t_train, _, _ = mnist()
    final = {}
    for name, init in {"std=0.01": 0.01, "Xavier": "xavier", "He": "he"}.items():
        net = MultiLayerNet(784, [100] * 4, 10, weight_init_std=init, rng=np.random.default_rng(0), dtype=np.float32)
        final[name] = _final_smoothed_loss(net, SGD(lr=0.01), x_train, t_train, seed=1)
    return "final smoothed loss " + ", ".join(f"{k} {v:.3f}" for k, v in final.items())


def batch_norm_gradient_check():
    """784-100-100-10 with BatchNorm, a batch of 10 (not 1), 200 sampled entries per parameter, float64."""
    x_train, t_train, _, _ = mnist()
    net = MultiLayerNetExtend(784, [100, 100], 10, use_batchnorm=True, rng=np.random.default_rng(0))
    errors = gradient_check(net, x_train[:10], t_train[:10], max_entries=200, rng=np.random.default_rng(1))
    worst = max(errors, key=errors.get)
    assert errors[worst] < 1e-6, errors
    return f"max relative error {errors[worst]:.1e} ({worst}) over {len(errors)} parameters"


def batch_norm_test():
    """1000 samples, 784-100x5-10, SGD lr 0.01, batch 100, 20 epochs, 16 weight scales, with and without BN.

    float32, as in chapter 3.
    """
    x_train, t_train, _, _ = mnist()
    x, t = x_train[:1000], t_train[:1000]
    wins = 0
    for scale in np.logspace(0, -4, 16):
        final = []
        for use_batchnorm in (True, False):
            net = MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=scale, use_batchnorm=use_batchnorm,
                                      rng=np.random.default_rng(0), dtype=np.float32)
            with np.errstate(over="ignore", invalid="ignore"):  # the plain net diverges at the largest scales
                history = Trainer(net, SGD(lr=0.01), x, t, epochs=20, batch_size=100, evaluate=True,
                                  rng=np.random.default_rng(1), on_divergence="ignore").train()
            final.append(history["train_acc"][-1])
        wins += final[0] > final[1]
    return f"BatchNorm ends higher at {wins} of 16 scales"


def _overfit(network, epochs):
    x_train, t_train, x_test, t_test = mnist()
    history = Trainer(network, SGD(lr=0.01), x_train[:300], t_train[:300], test=(x_test, t_test), epochs=epochs,
                      batch_size=100, rng=np.random.default_rng(1)).train()
    train_acc, test_acc = history["train_acc"][-1], history["test_acc"][-1]
    return f"{len(history['test_acc'])} evaluations; train {train_acc:.3f}, test {test_acc:.3f}"


def overfit_weight_decay():
    """300 samples, 784-100x6-10, SGD lr 0.01, batch 100, 201 evaluations, weight decay 0.1 (float32)."""
    net = MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=0.1, rng=np.random.default_rng(0), dtype=np.float32)
    return _overfit(net, epochs=200)


def overfit_dropout():
    """300 samples, 784-100x6-10, SGD lr 0.01, batch 100, 301 evaluations, dropout ratio 0.2 (float32).

    The original's convention, scaling at inference, as in chapter 4.
    """
    net = MultiLayerNetExtend(784, [100] * 6, 10, use_dropout=True, dropout_ratio=0.2, dropout_inverted=False,
                              rng=np.random.default_rng(0), dtype=np.float32)
    return _overfit(net, epochs=300)


def hyperparameter_optimization():
    """500 samples (20 % validation), 784-100x6-10, SGD, 50 epochs, 100 random trials on every core (float32)."""
    from common.experiments.data import train_validation_split
    from common.experiments.search import ORIGINAL_SPACE, SearchProblem, random_trials, run_search, sort_results

    x_train, t_train, _, _ = mnist()
    (x, t), (x_val, t_val) = train_validation_split(x_train[:500], t_train[:500], validation_ratio=0.2,
                                                    rng=np.random.default_rng(0))
    problem = SearchProblem(x, t, x_val, t_val, epochs=50, batch_size=100, dtype=np.float32)
    best = sort_results(run_search(random_trials(100, ORIGINAL_SPACE, seed=0), problem))[0]
    return (f"best validation accuracy {best['val_acc']:.2f} at lr {best['lr']:.1e}, "
            f"weight decay {best['weight_decay']:.1e}")


EXPERIMENTS = {f.__name__: f for f in (optimizer_compare_mnist, weight_init_compare, batch_norm_gradient_check,
                                       batch_norm_test, overfit_weight_decay, overfit_dropout,
                                       hyperparameter_optimization)}

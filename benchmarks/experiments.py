"""The classic experiments of the original book's chapter 6, at their original settings.

Each function runs one experiment end to end (data loading included) and
returns a one-line summary of its result, so a benchmark that skipped work
would show it. The runs are the chapters' own: they come from
``common.experiments.classic`` (chapter 5's search from
``common.experiments.random_search``) and train side by side on every core with
``run_parallel``, as in the chapters.
"""

import numpy as np

from common.display.plot import smooth_curve
from common.experiments import classic
from common.experiments.parallel import run_parallel
from common.gradient import gradient_check
from common.networks import MultiLayerNetExtend
from dataset.mnist import load_mnist


def _train(runs):
    return run_parallel(classic.train_run, runs, shared=classic.mnist_data(runs), progress=False)


def _final_smoothed_losses(trained):
    return ", ".join(f"{r.run.label} {smooth_curve(r.history['train_loss'])[-1]:.3f}" for r in trained)


def optimizer_compare_mnist():
    """784-100x4-10, ReLU, He, batch 128, 2000 iterations; the original's four optimizers (float32)."""
    return "final smoothed loss " + _final_smoothed_losses(_train(classic.optimizer_compare_mnist()))


def weight_init_compare():
    """784-100x4-10, ReLU, SGD lr 0.01, batch 128, 2000 iterations; std 0.01 vs Xavier vs He (float32)."""
    return "final smoothed loss " + _final_smoothed_losses(_train(classic.weight_init_compare()))


def batch_norm_gradient_check():
    """784-100-100-10 with BatchNorm, a batch of 10 (not 1), 200 sampled entries per parameter, float64."""
    (x_train, t_train), _ = load_mnist(n_train=10, n_test=0)
    net = MultiLayerNetExtend(784, [100, 100], 10, use_batchnorm=True, rng=np.random.default_rng(0))
    errors = gradient_check(net, x_train[:10], t_train[:10], max_entries=200, rng=np.random.default_rng(1))
    worst = max(errors, key=errors.get)
    assert errors[worst] < 1e-6, errors
    return f"max relative error {errors[worst]:.1e} ({worst}) over {len(errors)} parameters"


def batch_norm_test():
    """1000 samples, 784-100x5-10, SGD lr 0.01, batch 100, 20 epochs, 16 weight scales, with and without BN.

    float32, as in chapter 3.
    """
    trained = _train(classic.batch_norm_test())
    final = [r.history["train_acc"][-1] for r in trained]
    wins = sum(with_bn > plain for with_bn, plain in zip(final[0::2], final[1::2]))
    return f"BatchNorm ends higher at {wins} of 16 scales"


def _overfit(runs):
    (result,) = _train(runs)
    train_acc, test_acc = result.history["train_acc"][-1], result.history["test_acc"][-1]
    return f"{len(result.history['test_acc'])} evaluations; train {train_acc:.3f}, test {test_acc:.3f}"


def overfit_weight_decay():
    """300 samples, 784-100x6-10, SGD lr 0.01, batch 100, 201 evaluations, weight decay 0.1 (float32)."""
    return _overfit(classic.overfit_weight_decay(evaluate_every=1))


def overfit_dropout():
    """300 samples, 784-100x6-10, SGD lr 0.01, batch 100, 301 evaluations, dropout ratio 0.2 (float32).

    The original's convention, scaling at inference, as in chapter 4.
    """
    return _overfit(classic.overfit_dropout())


def hyperparameter_optimization():
    """500 samples (20 % validation), 784-100x6-10, SGD, 50 epochs, 100 random trials on every core (float32)."""
    from common.experiments.random_search import (
        ORIGINAL_SPACE,
        original_problem,
        random_trials,
        run_search,
        sort_results,
    )

    (x_train, t_train), _ = load_mnist(n_train=500, n_test=0)
    problem = original_problem(x_train, t_train, n_samples=500, seed=0)
    best = sort_results(run_search(random_trials(100, ORIGINAL_SPACE, seed=0), problem, progress=False))[0]
    return (f"best validation accuracy {best['val_acc']:.2f} at lr {best['lr']:.1e}, "
            f"weight decay {best['weight_decay']:.1e}")


EXPERIMENTS = {f.__name__: f for f in (optimizer_compare_mnist, weight_init_compare, batch_norm_gradient_check,
                                       batch_norm_test, overfit_weight_decay, overfit_dropout,
                                       hyperparameter_optimization)}

"""Chapter 4's sweeps as data: the classic 300-image runs with held-out validation images.

The runs of :mod:`common.experiments.classic` evaluate on the test images
during training. To *choose* a hyperparameter (λ, the dropout ratio, the
decay of AdamW) a section needs the same runs scored on validation data
instead: images of the MNIST training set after the first 300, never
trained on. :func:`on_validation` turns a run into that form, evaluating
only at the end of training; the test images are then touched once, by the
section, for the setting it chose. :func:`train_runs` trains a list of runs
side by side on every core.
"""

from dataclasses import replace

from common.experiments.classic import overfit_dropout, overfit_weight_decay, train_run
from common.experiments.parallel import run_parallel

N_VALIDATION = 1000


def on_validation(run, n_validation=N_VALIDATION, label=None):
    """``run`` scored on the ``n_validation`` training images after its own, once at the end, never on test."""
    if run.n_train is None:
        raise ValueError(f"run {run.label!r} trains on all images: there are none left to validate on")
    epochs = run.trainer["epochs"]
    return replace(run, label=run.label if label is None else label, n_validation=n_validation, test=False,
                   final_test=False, trainer={**run.trainer, "evaluate_every": epochs})


def decay_sweep(lambdas, seeds, epochs=200):
    """The 300-image runs of ``overfit_weight_decay`` for each λ and seed pair, scored on validation data.

    Labelled by λ (a float), seed by seed in the order of ``seeds``.
    """
    return [on_validation(run, label=lam) for seed in seeds
            for lam, run in zip(lambdas, overfit_weight_decay(lambdas=lambdas, epochs=epochs, seeds=[seed]))]


def dropout_sweep(ratios, seeds, inverted=True, epochs=300):
    """The 300-image dropout runs (``overfit_dropout``) for each dropout ratio p and seed pair, on validation data.

    Labelled by p (a float). p = 0 keeps every unit: the plain network, trained as long.
    """
    return [on_validation(overfit_dropout(inverted=(inverted,), ratio=p, epochs=epochs, seeds=[seed])[0], label=p)
            for seed in seeds for p in ratios]


def adam_runs(variants, seeds, epochs=100, lr=0.001):
    """The 300-image network trained with Adam-type optimizers, scored on validation data.

    variants: {label: (weight_decay_lambda of the network's L2 penalty, optimizer name, extra optimizer settings)};
    AdamW's ``decayed_keys`` are set to the weight matrices W1 ... W7 (never the biases).
    """
    weight_keys = tuple(f"W{layer}" for layer in range(1, 8))
    runs = []
    for seed in seeds:
        base = overfit_weight_decay(lambdas=(0.0,), epochs=epochs, seeds=[seed])[0]
        for label, (penalty, name, settings) in variants.items():
            settings = {"lr": lr, **settings}
            if name == "AdamW":
                settings["decayed_keys"] = weight_keys
            runs.append(on_validation(replace(base, network={**base.network, "weight_decay_lambda": penalty},
                                              optimizer=(name, settings)), label=label))
    return runs


def train_runs(runs, data):
    """Train ``runs`` side by side (one process per core) on ``data`` = (x_train, t_train, x_test, t_test)."""
    return run_parallel(train_run, runs, shared=data)

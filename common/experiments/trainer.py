"""A seeded mini-batch training loop with per-epoch evaluation (chapters 1 to 5)."""

import contextlib
import warnings

import numpy as np

from common.checks import require_finite, require_positive_int
from common.experiments.evaluation import accuracy
from common.experiments.progress import progress_bar
from common.functions import label_indices
from common.random import as_generator

ON_DIVERGENCE = ("warn", "ignore")


def _checked_data(name, x, t, network, dtype):
    """``x`` cast once to the network's dtype and ``t`` as class indices, both checked."""
    x = np.asarray(x)
    if len(x) == 0:
        raise ValueError(f"{name}: there are no samples")
    if x.ndim != 2:
        raise ValueError(f"{name}: x must be 2-D (samples, features), got shape {x.shape}")
    require_finite(f"{name}: x", x)
    classes = getattr(network, "output_size", None)
    t = np.asarray(t)
    if len(t) != len(x):
        raise ValueError(f"{name}: x has {len(x)} samples but t has {len(t)}")
    if classes is not None:
        try:
            t = label_indices(t, len(x), classes)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    return x.astype(dtype, copy=False), t


class Trainer:
    """Train ``network`` with ``optimizer`` on mini-batches and record the history.

    Length of training: ``epochs`` (passes over the data) or ``iterations``
    (updates); one epoch is max(1, N // batch_size) iterations.
    Sampling: 'shuffle' draws each epoch's batches from a fresh permutation
    (every sample once per epoch); 'replacement' draws every batch
    independently, as the original book's ``np.random.choice`` does.
    Evaluation: ``validation=(x_val, t_val)`` and/or ``test=(x_test, t_test)``
    record the accuracy on those data and on the training data before
    training and after each epoch, so 200 epochs give 201 points;
    ``evaluate=True`` without them records the training accuracy alone.
    ``evaluate_every=k`` evaluates every k-th epoch instead (and always after
    the last complete one), for experiments that need only the end point.
    Divergence: the first iteration whose loss is not finite is recorded as
    'diverged_at'; ``on_divergence='warn'`` (default) also warns once,
    'ignore' does not, and silences numpy's overflow warnings too (for
    experiments that study divergence on purpose). Training goes on either way.

    ``train()`` returns a dict: 'train_loss' (one per iteration, the loss of
    the mini-batch before its update), 'train_acc', 'validation_acc',
    'test_acc' (one per evaluation, for the data given), 'epochs' (the epoch
    of each evaluation) and 'diverged_at' (an iteration, or None).
    The data are checked and cast to the network's dtype once.
    ``progress``: a progress bar over the iterations (True, False, or None for
    the environment's choice, see :func:`common.experiments.progress.progress_bar`).
    ``schedule``: a learning-rate schedule (:mod:`common.schedules`): before
    update t (from 0) the Trainer sets ``optimizer.lr = schedule(t)`` and
    records it in history['lr'].
    ``augment``: a function ``augment(x_batch, rng) -> x_batch`` applied to
    every training mini-batch (e.g. :func:`common.augmentation.augment`),
    drawing from the Trainer's generator; evaluation sees the data as given.
    ``on_evaluation``: a function ``on_evaluation(epoch, history) -> bool``
    called after each evaluation during training (epoch >= 1); when it
    returns True, training stops there and history['stopped_at'] = epoch
    (None if it never does). Early stopping and pruning hook in here.
    """

    def __init__(self, network, optimizer, x_train, t_train, *, epochs=None, iterations=None, batch_size=100,
                 sampling="shuffle", validation=None, test=None, evaluate=None, evaluate_every=1, rng=None,
                 on_divergence="warn", progress=False, schedule=None, augment=None, on_evaluation=None):
        if (epochs is None) == (iterations is None):
            raise ValueError("give exactly one of epochs or iterations")
        if sampling not in ("shuffle", "replacement"):
            raise ValueError(f"sampling must be 'shuffle' or 'replacement', got {sampling!r}")
        if on_divergence not in ON_DIVERGENCE:
            raise ValueError(f"on_divergence must be one of {ON_DIVERGENCE}, got {on_divergence!r}")
        dtype = getattr(network, "dtype", np.float64)
        self.network = network
        self.optimizer = optimizer
        self.x_train, self.t_train = _checked_data("training data", x_train, t_train, network, dtype)
        self.held_out = {}
        for name, data in (("validation", validation), ("test", test)):
            if data is not None:
                if len(data) != 2:
                    raise ValueError(f"{name} must be a pair (x, t)")
                self.held_out[name] = _checked_data(f"{name} data", *data, network, dtype)
        self.batch_size = min(require_positive_int("batch_size", batch_size), len(self.x_train))
        self.iterations_per_epoch = max(1, len(self.x_train) // self.batch_size)
        if iterations is not None:
            self.iterations = require_positive_int("iterations", iterations)
        else:
            self.iterations = require_positive_int("epochs", epochs) * self.iterations_per_epoch
        self.sampling = sampling
        self.evaluate_every = require_positive_int("evaluate_every", evaluate_every)
        self.evaluate = bool(self.held_out) if evaluate is None else evaluate
        self.rng = as_generator(rng)
        self.on_divergence = on_divergence
        self.progress = progress
        if schedule is not None and not hasattr(optimizer, "lr"):
            raise ValueError(f"{type(optimizer).__name__} has no learning rate: a schedule cannot apply to it")
        self.schedule = schedule
        self.augment = augment
        if on_evaluation is not None and not self.evaluate:
            raise ValueError("on_evaluation needs evaluations: give validation or test data, or evaluate=True")
        self.on_evaluation = on_evaluation

    def _batches(self):
        """Yield index arrays of mini-batches, forever."""
        n = len(self.x_train)
        while True:
            if self.sampling == "replacement":
                for _ in range(self.iterations_per_epoch):
                    yield self.rng.choice(n, self.batch_size)
            else:
                order = self.rng.permutation(n)
                for start in range(0, self.iterations_per_epoch * self.batch_size, self.batch_size):
                    yield order[start:start + self.batch_size]

    def train(self):
        history = {"train_loss": [], "train_acc": [], "epochs": [], "diverged_at": None}
        history.update({f"{name}_acc": [] for name in self.held_out})
        if self.schedule is not None:
            history["lr"] = []
        if self.on_evaluation is not None:
            history["stopped_at"] = None
        if self.evaluate:
            self._evaluate(history, 0)
        quiet = self.on_divergence == "ignore"
        bar = progress_bar(self.iterations, "iterations", self.progress)
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore") if quiet else contextlib.nullcontext():
                self._loop(history, bar)
        finally:
            if bar is not None:
                bar.close()
        return history

    def _loop(self, history, bar):
        batches = self._batches()
        for i in range(1, self.iterations + 1):
            x, t = self._next_batch(batches)                   # sampling, then augmentation
            self._schedule_lr(i - 1, history)
            loss, grads = self.network.loss_and_gradient(x, t)
            self.optimizer.update(self.network.params, grads)
            self._record_loss(i, loss, history)
            if bar is not None:
                bar.update()
            if self._evaluation_due(i) and self._evaluate(history, i // self.iterations_per_epoch):
                return                                          # on_evaluation stopped training

    def _next_batch(self, batches):
        idx = next(batches)
        x = self.x_train[idx]
        if self.augment is not None:
            x = self.augment(x, self.rng)
        return x, self.t_train[idx]

    def _schedule_lr(self, t, history):
        if self.schedule is not None:
            self.optimizer.lr = self.schedule(t)
            history["lr"].append(self.optimizer.lr)

    def _record_loss(self, i, loss, history):
        """Record the loss of iteration ``i``; the first that is not finite is 'diverged_at' (and a warning)."""
        history["train_loss"].append(loss)
        if history["diverged_at"] is None and not np.isfinite(loss):
            history["diverged_at"] = i
            if self.on_divergence == "warn":
                warnings.warn(f"training diverged: the loss is {loss} at iteration {i} "
                              f"(is the learning rate too large?)", RuntimeWarning, stacklevel=4)

    def _evaluation_due(self, i):
        """After iteration ``i``: the end of an epoch that is evaluated (every evaluate_every-th, and the last)?"""
        epoch, rest = divmod(i, self.iterations_per_epoch)
        last = i + self.iterations_per_epoch > self.iterations
        return self.evaluate and rest == 0 and (epoch % self.evaluate_every == 0 or last)

    def _evaluate(self, history, epoch):
        """Record the accuracies after ``epoch`` epochs; True if ``on_evaluation`` stops training there."""
        history["train_acc"].append(accuracy(self.network, self.x_train, self.t_train))
        for name, (x, t) in self.held_out.items():
            history[f"{name}_acc"].append(accuracy(self.network, x, t))
        history["epochs"].append(epoch)
        if epoch > 0 and self.on_evaluation is not None and self.on_evaluation(epoch, history):
            history["stopped_at"] = epoch
            return True
        return False

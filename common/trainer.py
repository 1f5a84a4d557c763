"""A seeded mini-batch training loop with per-epoch evaluation (chapters 1 to 5)."""

import sys

import numpy as np

from common.random import as_generator


class Trainer:
    """Train ``network`` with ``optimizer`` on mini-batches and record the history.

    Length of training: ``epochs`` (passes over the data) or ``iterations``
    (updates); one epoch is max(1, N // batch_size) iterations.
    Sampling: 'shuffle' draws each epoch's batches from a fresh permutation
    (every sample once per epoch); 'replacement' draws every batch
    independently, as the original book's ``np.random.choice`` does.
    Evaluation: when ``x_test`` is given (test or validation data) the
    accuracy on it and on the training data (its first
    ``evaluate_sample_num`` samples if set) is recorded before training and
    after each epoch, so 200 epochs give 201 points. ``evaluate_every=k``
    evaluates every k-th epoch instead (and always after the last one), for
    experiments that need only the end point. Without ``x_test``, pass
    ``evaluate=True`` to record the training accuracy alone.

    ``train()`` returns a dict of lists: 'train_loss' (one per iteration, the
    loss of the mini-batch before its update), 'train_acc' and 'test_acc'
    (one per evaluation), and 'epochs' (the epoch of each evaluation).
    The data are cast once to the network's dtype.
    """

    def __init__(self, network, optimizer, x_train, t_train, x_test=None, t_test=None,
                 epochs=None, iterations=None, batch_size=100, sampling="shuffle",
                 evaluate_sample_num=None, evaluate_every=1, evaluate=None, rng=None, progress=False):
        if (epochs is None) == (iterations is None):
            raise ValueError("give exactly one of epochs or iterations")
        if sampling not in ("shuffle", "replacement"):
            raise ValueError(f"sampling must be 'shuffle' or 'replacement', got {sampling!r}")
        if len(x_train) != len(t_train):
            raise ValueError(f"x_train has {len(x_train)} samples but t_train has {len(t_train)}")
        if (x_test is None) != (t_test is None):
            raise ValueError("give both x_test and t_test, or neither")
        dtype = getattr(network, "dtype", np.float64)
        self.network = network
        self.optimizer = optimizer
        self.x_train = np.asarray(x_train).astype(dtype, copy=False)
        self.t_train = np.asarray(t_train)
        self.x_test = None if x_test is None else np.asarray(x_test).astype(dtype, copy=False)
        self.t_test = t_test
        self.batch_size = min(batch_size, len(self.x_train))
        self.iterations_per_epoch = max(1, len(self.x_train) // self.batch_size)
        self.iterations = iterations if iterations is not None else epochs * self.iterations_per_epoch
        self.sampling = sampling
        self.evaluate_sample_num = evaluate_sample_num
        self.evaluate_every = evaluate_every
        self.evaluate = (x_test is not None) if evaluate is None else evaluate
        self.rng = as_generator(rng)
        self.progress = progress

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

    def _evaluate(self, history, epoch):
        k = self.evaluate_sample_num
        x_train, t_train = (self.x_train, self.t_train) if k is None else (self.x_train[:k], self.t_train[:k])
        history["train_acc"].append(self.network.accuracy(x_train, t_train))
        if self.x_test is not None:
            history["test_acc"].append(self.network.accuracy(self.x_test, self.t_test))
        history["epochs"].append(epoch)

    def train(self):
        history = {"train_loss": [], "train_acc": [], "test_acc": [], "epochs": []}
        evaluate = self.evaluate
        if evaluate:
            self._evaluate(history, 0)
        bar = None
        if self.progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.iterations, file=sys.stderr, leave=False)
        batches = self._batches()
        for i in range(1, self.iterations + 1):
            idx = next(batches)
            loss, grads = self.network.loss_and_gradient(self.x_train[idx], self.t_train[idx])
            self.optimizer.update(self.network.params, grads)
            history["train_loss"].append(loss)
            epoch, end_of_epoch = divmod(i, self.iterations_per_epoch)
            if evaluate and end_of_epoch == 0 and (epoch % self.evaluate_every == 0 or i == self.iterations):
                self._evaluate(history, epoch)
            if bar is not None:
                bar.update()
        if bar is not None:
            bar.close()
        return history

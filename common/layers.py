"""Layers, each with ``forward`` and ``backward`` (chapter 1 onwards).

Shapes: N is the batch size, D the input width, M the output width.
``forward`` caches what ``backward`` needs; ``backward(dout)`` returns the
gradient with respect to the layer's input and stores parameter gradients
as attributes (``dW``, ``db``, ``dgamma``, ``dbeta``). ``infer(x)`` is the
inference-mode forward pass without caching anything, so it can run on
several threads at once (see ``MultiLayerNet.accuracy``).
"""

import numpy as np

from common.functions import log_softmax
from common.random import as_generator


class Affine:
    """out = x @ W + b.   x: (N, D), W: (D, M), b: (M,) or None -> out: (N, M).

    ``b=None`` leaves the bias out (used before Batch Normalization, whose
    beta plays its part: a bias there would have a gradient of exactly zero).

    ``need_input_grad=False`` skips dx = dout @ W.T in ``backward`` (and
    returns None): the first layer of a network has no one to pass it to.
    """

    def __init__(self, W, b, need_input_grad=True):
        self.W = W
        self.b = b
        self.need_input_grad = need_input_grad
        self.x = None
        self.dW = None
        self.db = None

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"x has shape {x.shape}: {x.shape[-1]} features, the layer expects (N, {self.W.shape[0]})"
            )
        self.x = x
        return self.infer(x)

    def infer(self, x):
        out = x @ self.W
        if self.b is not None:
            out += self.b
        return out

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = None if self.b is None else dout.sum(axis=0)
        if not self.need_input_grad:
            return None
        return dout @ self.W.T


class Relu:
    """out = max(0, x); backward passes dout where x > 0 and 0 elsewhere."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0)

    def infer(self, x):
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self.mask


class Sigmoid:
    """out = 1 / (1 + exp(-x)); backward: dout * out * (1 - out)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = self.infer(x)
        return self.out

    def infer(self, x):
        # exp of a large positive number overflows to inf, and 1/(1+inf) is the
        # correct limit 0; silence only that harmless warning.
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-x))

    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)


class Tanh:
    """out = tanh(x); backward: dout * (1 - out**2)."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def infer(self, x):
        return np.tanh(x)

    def backward(self, dout):
        return dout * (1.0 - self.out * self.out)


ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


class SoftmaxWithLoss:
    """Softmax followed by the mean cross-entropy, fused.

    forward(x, t): x (N, C) scores, t labels (N,) as indices or (N, C)
    one-hot; returns the scalar loss -1/N sum_n log softmax(x)[n, t_n],
    computed with log-softmax (no log of 0, no epsilon).
    backward(): (softmax(x) - onehot(t)) / N, of shape (N, C).
    """

    def __init__(self):
        self.y = None
        self.t = None
        self.loss = None

    def forward(self, x, t):
        t = np.asarray(t)
        if t.ndim == 2:
            if t.shape != x.shape:
                raise ValueError(f"one-hot labels have shape {t.shape}, the scores have {x.shape}")
            t = t.argmax(axis=1)
        elif t.shape != (x.shape[0],):
            raise ValueError(f"labels have shape {t.shape}, expected ({x.shape[0]},) or {x.shape}")
        log_p = log_softmax(x)
        self.y = np.exp(log_p)
        self.t = t
        self.loss = float(-log_p[np.arange(x.shape[0]), t].mean())
        return self.loss

    def backward(self, dout=1.0):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1.0
        dx *= dout / n
        return dx


class BatchNormalization:
    """Batch Normalization (Ioffe & Szegedy 2015) for 2-D input (chapter 3).

    Train mode:  mu = mean(x), var = mean((x - mu)**2) over the batch,
                 x_hat = (x - mu) / sqrt(var + eps), out = gamma * x_hat + beta,
                 and running_mean/var <- momentum * running + (1 - momentum) * batch.
    Inference:   the running statistics replace the batch ones.

    ``eps`` = 1e-5 (the value PyTorch and Keras use; the original book uses 1e-6)
    keeps the division finite when a feature is constant over the batch.
    The variance is the biased one (divide by N), in training and in the
    running estimate alike.
    x: (N, D), gamma, beta: (D,).
    """

    def __init__(self, gamma, beta, momentum=0.9, eps=1e-5, running_mean=None, running_var=None):
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.eps = eps
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.ones_like(gamma) if running_var is None else running_var
        self.x_hat = None
        self.inv_std = None
        self.dgamma = None
        self.dbeta = None

    def forward(self, x, train=True):
        if x.ndim != 2:
            raise ValueError(f"BatchNormalization expects 2-D input (N, D), got shape {x.shape}")
        if train:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc * xc, axis=0)
            self.inv_std = 1.0 / np.sqrt(var + self.eps)
            self.x_hat = xc * self.inv_std
            self.running_mean *= self.momentum
            self.running_mean += (1.0 - self.momentum) * mu
            self.running_var *= self.momentum
            self.running_var += (1.0 - self.momentum) * var
            return self.gamma * self.x_hat + self.beta
        return self.infer(x)

    def infer(self, x):
        """Normalize with the running statistics (inference mode)."""
        return self.gamma * ((x - self.running_mean) / np.sqrt(self.running_var + self.eps)) + self.beta

    def backward(self, dout):
        """Compact form: dx = inv_std / N * (N dx_hat - sum(dx_hat) - x_hat sum(dx_hat x_hat))."""
        n = dout.shape[0]
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(dout * self.x_hat, axis=0)
        dx_hat = dout * self.gamma
        return (self.inv_std / n) * (
            n * dx_hat - dx_hat.sum(axis=0) - self.x_hat * np.sum(dx_hat * self.x_hat, axis=0)
        )


class Dropout:
    """Dropout (Srivastava et al. 2014) with a seeded generator (chapter 4).

    Each unit is kept with probability 1 - dropout_ratio in train mode.
    ``inverted=True`` (the modern convention) divides the kept units by
    1 - dropout_ratio while training and does nothing at inference;
    ``inverted=False`` (the original book's convention) leaves training
    unscaled and multiplies by 1 - dropout_ratio at inference. Both give the
    same expected output.
    """

    def __init__(self, dropout_ratio=0.5, inverted=True, rng=None):
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"dropout_ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.inverted = inverted
        self.rng = as_generator(rng)
        self.mask = None

    def forward(self, x, train=True):
        keep = 1.0 - self.dropout_ratio
        if train:
            self.mask = self.rng.random(x.shape, dtype=np.float32) >= self.dropout_ratio
            out = x * self.mask
            if self.inverted:
                out *= 1.0 / keep
            return out
        self.mask = None
        return self.infer(x)

    def infer(self, x):
        return x if self.inverted else x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        if self.mask is None:  # after an inference-mode forward pass
            return dout if self.inverted else dout * (1.0 - self.dropout_ratio)
        dx = dout * self.mask
        if self.inverted:
            dx *= 1.0 / (1.0 - self.dropout_ratio)
        return dx

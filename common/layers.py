"""Layers, each with ``forward`` and ``backward`` (chapter 1 onwards).

Every layer follows one protocol, written out in :class:`Layer`:

- ``forward(x, train=True)`` computes the output and keeps what ``backward``
  needs. ``train`` matters only to the layers that behave differently while
  training (BatchNormalization, Dropout); the others ignore it.
- ``backward(dout)`` takes the gradient of the loss with respect to the
  output and returns the gradient with respect to the input. Gradients of the
  layer's parameters are kept as attributes (``dW``, ``db``, ``dgamma``,
  ``dbeta``, the names of the original book) and, by parameter name, in
  ``grads``.
- ``params`` maps parameter names to the arrays the layer uses (the network
  holds the same arrays, so an optimizer updating the network's updates the
  layer's); ``buffers`` maps names to state that is not trained (BatchNorm's
  running statistics).

Shapes: N is the batch size, D the input width, M the output width.
A forward pass computes its output from its arguments alone (what it keeps
for ``backward`` is written, never read back), so inference-mode forward
passes may run on several threads at once.

The layers: Affine; the activations Relu, Sigmoid and Tanh; SoftmaxWithLoss
(the loss at the end); BatchNormalization and LayerNormalization (sharing
:class:`Normalization`); Dropout.
"""

import numpy as np

from common.checks import require_range
from common.functions import label_indices, log_softmax, mean_negative_log, relu, sigmoid, tanh
from common.random import as_generator


class Layer:
    """The layer protocol: ``forward(x, train)``, ``backward(dout)``, ``params``, ``grads``, ``buffers``."""

    params = property(lambda self: {})
    grads = property(lambda self: {})
    buffers = property(lambda self: {})

    def forward(self, x, train=True):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError


class Affine(Layer):
    """A fully connected layer: out = x @ W + b.

    forward:  x (N, D) -> out (N, M), with W (D, M) and b (M,) or None.
    backward: dout (N, M) -> dx (N, D); dW = x.T @ dout (D, M), db = sum of dout over N (M,).

    ``b=None`` leaves the bias out (used before Batch Normalization, whose
    beta plays its part: a bias there would have a gradient of exactly zero).
    ``need_input_grad=False`` skips dx = dout @ W.T in ``backward`` (and
    returns None): the first layer of a network has no one to pass it to.
    """

    def __init__(self, W, b=None, need_input_grad=True):
        self.W = W
        self.b = b
        self.need_input_grad = need_input_grad
        self.x = self.dW = self.db = None

    params = property(lambda self: {"W": self.W} if self.b is None else {"W": self.W, "b": self.b})
    grads = property(lambda self: {"W": self.dW} if self.b is None else {"W": self.dW, "b": self.db})

    def forward(self, x, train=True):
        if x.ndim != 2 or x.shape[1] != self.W.shape[0]:
            raise ValueError(f"x has shape {x.shape}: {x.shape[-1] if x.ndim else 0} features, "
                             f"the layer expects (N, {self.W.shape[0]})")
        self.x = x
        out = x @ self.W
        if self.b is not None:
            out += self.b
        return out

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = None if self.b is None else dout.sum(axis=0)
        return dout @ self.W.T if self.need_input_grad else None


class Relu(Layer):
    """out = max(0, x).   forward: x (N, D) -> (N, D);  backward: dout where x > 0, else 0."""

    def forward(self, x, train=True):
        self.mask = x > 0
        return relu(x)

    def backward(self, dout):
        return dout * self.mask


class Sigmoid(Layer):
    """out = 1 / (1 + exp(-x)).   forward: (N, D) -> (N, D);  backward: dout * out * (1 - out)."""

    def forward(self, x, train=True):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)


class Tanh(Layer):
    """out = tanh(x).   forward: (N, D) -> (N, D);  backward: dout * (1 - out**2)."""

    def forward(self, x, train=True):
        self.out = tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out * self.out)


ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


class SoftmaxWithLoss:
    """Softmax followed by the mean cross-entropy, fused: the loss at the end of a network.

    forward(x, t): scores x (N, C) and labels t, (N,) indices or (N, C)
    one-hot -> the scalar loss -1/N sum_n log softmax(x)[n, t_n], computed
    with log-softmax (no log of 0, no epsilon).
    backward(dout=1): -> (softmax(x) - onehot(t)) * dout / N, shape (N, C).
    """

    def __init__(self):
        self.y = self.t = self.loss = None

    def forward(self, x, t):
        self.t = label_indices(t, *x.shape)
        log_y = log_softmax(x)
        self.y = np.exp(log_y)                   # softmax(x), kept for backward
        self.loss = mean_negative_log(log_y, self.t)
        return self.loss

    def backward(self, dout=1.0):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1.0
        dx *= dout / n
        return dx


class Normalization(Layer):
    """What Batch and Layer Normalization share: out = gamma * x_hat + beta, and the backward pass.

    x_hat = (x - mean) * inv_std, with the mean and the (biased) variance taken
    over n values along one axis: the batch for BatchNorm, the features for
    LayerNorm. The subclass's forward sets ``x_hat`` and ``inv_std``.
    """

    def __init__(self, gamma, beta, eps=1e-5):
        self.gamma = gamma
        self.beta = beta
        self.eps = eps
        self.x_hat = self.inv_std = self.dgamma = self.dbeta = None

    params = property(lambda self: {"gamma": self.gamma, "beta": self.beta})
    grads = property(lambda self: {"gamma": self.dgamma, "beta": self.dbeta})

    def _scale_shift_backward(self, dout):
        """dbeta = sum(dout), dgamma = sum(dout * x_hat) over the batch; returns dx_hat = dout * gamma."""
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(dout * self.x_hat, axis=0)
        return dout * self.gamma

    def _normalize_backward(self, dx_hat, axis):
        """dx through the statistics: inv_std / n * (n dx_hat - sum(dx_hat) - x_hat sum(dx_hat x_hat)) over ``axis``."""
        n = dx_hat.shape[axis]
        return (self.inv_std / n) * (
            n * dx_hat
            - dx_hat.sum(axis=axis, keepdims=True)
            - self.x_hat * np.sum(dx_hat * self.x_hat, axis=axis, keepdims=True)
        )


class BatchNormalization(Normalization):
    """Batch Normalization (Ioffe & Szegedy 2015) for 2-D input (chapter 3).

    forward: x (N, D) -> out (N, D), with gamma, beta (D,).
      train=True:  mu = mean(x), var = mean((x - mu)**2) over the batch,
                   x_hat = (x - mu) / sqrt(var + eps), out = gamma * x_hat + beta,
                   and running_mean/var <- momentum * running + (1 - momentum) * batch.
      train=False: the running statistics replace the batch ones.
    backward: dout (N, D) -> dx (N, D); dgamma = sum(dout * x_hat), dbeta = sum(dout).
      After a training forward pass dx includes the path through the batch
      statistics (compact form below); after an inference pass they are constants.

    ``eps`` = 1e-5 (the value PyTorch and Keras use; the original book uses 1e-6)
    keeps the division finite when a feature is constant over the batch.
    The variance is the biased one (divide by N), in training and in the
    running estimate alike.
    """

    def __init__(self, gamma, beta, momentum=0.9, eps=1e-5, running_mean=None, running_var=None):
        super().__init__(gamma, beta, eps)
        self.momentum = momentum
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.ones_like(gamma) if running_var is None else running_var
        self.train = None

    buffers = property(lambda self: {"running_mean": self.running_mean, "running_var": self.running_var})

    def forward(self, x, train=True):
        if x.ndim != 2:
            raise ValueError(f"BatchNormalization expects 2-D input (N, D), got shape {x.shape}")
        if train:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc * xc, axis=0)
            self.running_mean *= self.momentum
            self.running_mean += (1.0 - self.momentum) * mu
            self.running_var *= self.momentum
            self.running_var += (1.0 - self.momentum) * var
            inv_std = 1.0 / np.sqrt(var + self.eps)
            x_hat = xc * inv_std
        else:
            std = np.sqrt(self.running_var + self.eps)
            inv_std = 1.0 / std
            x_hat = (x - self.running_mean) / std
        self.train, self.inv_std, self.x_hat = train, inv_std, x_hat
        return self.gamma * x_hat + self.beta

    def backward(self, dout):
        """After training: the compact form over the batch (axis 0); after inference: dx_hat * inv_std."""
        dx_hat = self._scale_shift_backward(dout)
        if not self.train:
            return dx_hat * self.inv_std
        return self._normalize_backward(dx_hat, axis=0)


class LayerNormalization(Normalization):
    """Layer Normalization (Ba, Kiros & Hinton 2016) for 2-D input.

    forward: x (N, D) -> out (N, D), with gamma, beta (D,). Each sample is
      normalized over its own D features:
      mu_n = mean(x[n]), var_n = mean((x[n] - mu_n)**2),
      x_hat = (x - mu) / sqrt(var + eps), out = gamma * x_hat + beta.
    backward: dout (N, D) -> dx (N, D); dgamma = sum(dout * x_hat), dbeta = sum(dout) over N.

    The statistics belong to one sample, not to the batch, so a sample's
    output does not depend on the others, training and inference compute the
    same thing (``train`` is ignored), and there are no running statistics.
    It is Batch Normalization's formula with the roles of the axes swapped:
    the backward pass is BatchNorm's compact form with sums over the features.
    ``eps`` = 1e-5 as in BatchNormalization; the variance is the biased one (divide by D).
    """

    def forward(self, x, train=True):
        if x.ndim != 2:
            raise ValueError(f"LayerNormalization expects 2-D input (N, D), got shape {x.shape}")
        xc = x - x.mean(axis=1, keepdims=True)
        var = np.mean(xc * xc, axis=1, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + self.eps)   # (N, 1): one scale per sample
        x_hat = xc * inv_std
        self.inv_std, self.x_hat = inv_std, x_hat
        return self.gamma * x_hat + self.beta

    def backward(self, dout):
        """The compact form over each sample's features (axis 1)."""
        return self._normalize_backward(self._scale_shift_backward(dout), axis=1)


class Dropout(Layer):
    """Dropout (Srivastava et al. 2014) with a seeded generator (chapter 4).

    forward: x (N, D) -> (N, D); backward: dout (N, D) -> dx (N, D), through the same mask.
    Each unit is kept with probability 1 - dropout_ratio in train mode.
    ``inverted=True`` (the modern convention) divides the kept units by
    1 - dropout_ratio while training and does nothing at inference;
    ``inverted=False`` (the original book's convention) leaves training
    unscaled and multiplies by 1 - dropout_ratio at inference. Both give the
    same expected output.
    """

    def __init__(self, dropout_ratio=0.5, inverted=True, rng=None):
        self.dropout_ratio = require_range("dropout_ratio", dropout_ratio, 0.0, 1.0, high_open=True)
        self.inverted = inverted
        self.rng = as_generator(rng)
        self.mask = None

    def forward(self, x, train=True):
        self.mask = self.rng.random(x.shape, dtype=np.float32) >= self.dropout_ratio if train else None
        return self.through_mask(x)

    def backward(self, dout):
        return self.through_mask(dout)      # forward is linear in x: the same map carries dout back

    def through_mask(self, x):
        """Training: x * mask, divided by keep if inverted. Inference: x, or x * keep if not inverted."""
        keep = 1.0 - self.dropout_ratio
        if self.mask is None:
            return x if self.inverted else x * keep
        return x * self.mask * (1.0 / keep) if self.inverted else x * self.mask

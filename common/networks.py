"""Fully connected networks for MNIST-sized problems (chapters 1 to 5).

``MultiLayerNet`` is Affine -> activation, repeated, then Affine -> softmax
with cross-entropy. ``MultiLayerNetExtend`` adds Batch Normalization (before
the activation) and Dropout (after it). Parameters live in ``net.params``
under the keys W1, b1, ..., WL, bL (and gamma1, beta1, ... with BatchNorm);
layers hold references to the same arrays, so optimizers update in place.
"""

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from common.gradient import numerical_gradient
from common.layers import ACTIVATIONS, Affine, BatchNormalization, Dropout, SoftmaxWithLoss
from common.random import as_generator
from common.util import available_cores

# Inference on many samples (accuracy on the 10000 test images, every epoch)
# is split into chunks of a fixed size that run on parallel threads: numpy
# releases the GIL inside matrix products, so each core multiplies its own
# chunk. The chunk size, not the number of cores, decides the arithmetic, so
# the results are the same on every machine.
INFERENCE_CHUNK = 1250
_threads = None


def _thread_pool():
    global _threads
    if _threads is None:
        _threads = ThreadPoolExecutor(max_workers=available_cores())
    return _threads


INIT_RULES = {
    # name: (description, function of fan_in and fan_out giving the std)
    "xavier": ("Glorot & Bengio 2010, normal: sqrt(2 / (fan_in + fan_out))",
               lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out))),
    "lecun": ("LeCun 1998: sqrt(1 / fan_in), the original book's 'Xavier'",
              lambda fan_in, fan_out: np.sqrt(1.0 / fan_in)),
    "he": ("He et al. 2015: sqrt(2 / fan_in)",
           lambda fan_in, fan_out: np.sqrt(2.0 / fan_in)),
}
INIT_ALIASES = {"glorot": "xavier", "sigmoid": "xavier", "relu": "he"}


def init_std(weight_init_std, fan_in, fan_out):
    """Standard deviation of the initial weights of one (fan_in, fan_out) layer.

    ``weight_init_std`` is a positive number (used as is) or one of the names
    'xavier'/'glorot'/'sigmoid' (Glorot's normal rule, sqrt(2/(fan_in+fan_out))),
    'lecun' (sqrt(1/fan_in), which the original book calls "Xavier") or
    'he'/'relu' (sqrt(2/fan_in)). Chapter 2 explains all three.
    """
    if isinstance(weight_init_std, str):
        name = INIT_ALIASES.get(weight_init_std.lower(), weight_init_std.lower())
        if name not in INIT_RULES:
            valid = sorted(set(INIT_RULES) | set(INIT_ALIASES))
            raise ValueError(f"unknown weight_init_std {weight_init_std!r}; use a number or one of {valid}")
        return float(INIT_RULES[name][1](fan_in, fan_out))
    std = float(weight_init_std)
    if not std >= 0:
        raise ValueError(f"weight_init_std must be a non-negative number, got {weight_init_std}")
    return std


class MultiLayerNet:
    """A fully connected network with softmax cross-entropy loss.

    input_size: width of x (784 for MNIST); hidden_size_list: widths of the
    hidden layers, e.g. [100, 100, 100, 100]; output_size: number of classes.
    activation: 'relu', 'sigmoid' or 'tanh'.
    weight_init_std: a number or 'xavier'/'sigmoid', 'lecun', 'he'/'relu' (see init_std).
    weight_decay_lambda: lambda of the L2 penalty lambda/2 * sum ||W||^2 (chapter 4).
    rng: Generator or seed for the initial weights. dtype: float64 (default) or float32.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0.0, rng=None, dtype=np.float64):
        self._build(input_size, hidden_size_list, output_size, activation, weight_init_std,
                    weight_decay_lambda, rng, dtype, use_batchnorm=False, use_dropout=False,
                    dropout_ratio=0.0, dropout_inverted=True)

    def _build(self, input_size, hidden_size_list, output_size, activation, weight_init_std,
               weight_decay_lambda, rng, dtype, use_batchnorm, use_dropout, dropout_ratio,
               dropout_inverted):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        rng = as_generator(rng)
        self.input_size = input_size
        self.hidden_size_list = list(hidden_size_list)
        self.output_size = output_size
        self.activation = activation
        self.weight_init_std = weight_init_std
        self.weight_decay_lambda = weight_decay_lambda
        self.use_batchnorm = use_batchnorm
        self.use_dropout = use_dropout
        self.dropout_ratio = dropout_ratio
        self.hidden_layer_num = len(self.hidden_size_list)

        sizes = [input_size] + self.hidden_size_list + [output_size]
        self.params = {}
        for i in range(1, len(sizes)):
            fan_in, fan_out = sizes[i - 1], sizes[i]
            std = init_std(weight_init_std, fan_in, fan_out)
            self.params[f"W{i}"] = (std * rng.standard_normal((fan_in, fan_out))).astype(self.dtype)
            if not (use_batchnorm and i < len(sizes) - 1):
                self.params[f"b{i}"] = np.zeros(fan_out, dtype=self.dtype)

        self.layers = OrderedDict()
        for i in range(1, len(sizes)):
            self.layers[f"Affine{i}"] = Affine(self.params[f"W{i}"], self.params.get(f"b{i}"),
                                               need_input_grad=(i > 1))
            if i == len(sizes) - 1:
                break
            if use_batchnorm:
                self.params[f"gamma{i}"] = np.ones(sizes[i], dtype=self.dtype)
                self.params[f"beta{i}"] = np.zeros(sizes[i], dtype=self.dtype)
                self.layers[f"BatchNorm{i}"] = BatchNormalization(self.params[f"gamma{i}"],
                                                                  self.params[f"beta{i}"])
            self.layers[f"Activation{i}"] = ACTIVATIONS[activation]()
            if use_dropout:
                self.layers[f"Dropout{i}"] = Dropout(dropout_ratio, inverted=dropout_inverted, rng=rng)
        self.last_layer = SoftmaxWithLoss()

    def _as_input(self, x):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.input_size:
            width = x.shape[-1] if x.ndim else 0
            raise ValueError(f"x has {width} features (shape {x.shape}), the first layer expects {self.input_size}")
        return x.astype(self.dtype, copy=False)

    def predict(self, x, train=False):
        """Scores (N, output_size) before softmax. ``train`` switches BatchNorm and Dropout."""
        x = self._as_input(x)
        for layer in self.layers.values():
            if isinstance(layer, (BatchNormalization, Dropout)):
                x = layer.forward(x, train)
            else:
                x = layer.forward(x)
        return x

    def _weight_decay(self):
        if not self.weight_decay_lambda:
            return 0.0
        total = sum(float(np.sum(self.params[f"W{i}"] ** 2)) for i in range(1, self.hidden_layer_num + 2))
        return 0.5 * self.weight_decay_lambda * total

    def loss(self, x, t, train=False):
        """Cross-entropy of the predictions plus lambda/2 * sum of ||W||^2."""
        return self.last_layer.forward(self.predict(x, train), t) + self._weight_decay()

    def infer(self, x):
        """Inference-mode scores, like ``predict(x)``, but caching nothing (thread-safe)."""
        for layer in self.layers.values():
            x = layer.infer(x)
        return x

    def accuracy(self, x, t):
        """Fraction of samples whose highest score is the label (inference mode).

        Inputs of more than INFERENCE_CHUNK rows are evaluated chunk by chunk
        on parallel threads.
        """
        x = self._as_input(x)
        t = np.asarray(t)
        if t.ndim != 1:
            t = t.argmax(axis=1)
        if len(x) <= INFERENCE_CHUNK:
            return float(np.mean(self.infer(x).argmax(axis=1) == t))
        starts = range(0, len(x), INFERENCE_CHUNK)
        correct = _thread_pool().map(
            lambda i: int(np.count_nonzero(self.infer(x[i:i + INFERENCE_CHUNK]).argmax(axis=1)
                                           == t[i:i + INFERENCE_CHUNK])), starts)
        return sum(correct) / len(x)

    def loss_and_gradient(self, x, t, train=True):
        """Loss and gradients by backpropagation, from one forward and one backward pass.

        Returns (loss, grads) where grads has the keys of ``params``; dW
        includes the weight decay term lambda * W.
        """
        loss = self.loss(x, t, train)
        dout = self.last_layer.backward(1.0)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {}
        for i in range(1, self.hidden_layer_num + 2):
            affine = self.layers[f"Affine{i}"]
            grads[f"W{i}"] = affine.dW
            if self.weight_decay_lambda:
                grads[f"W{i}"] += self.weight_decay_lambda * self.params[f"W{i}"]
            if affine.b is not None:
                grads[f"b{i}"] = affine.db
            if self.use_batchnorm and i <= self.hidden_layer_num:
                grads[f"gamma{i}"] = self.layers[f"BatchNorm{i}"].dgamma
                grads[f"beta{i}"] = self.layers[f"BatchNorm{i}"].dbeta
        return loss, grads

    def gradient(self, x, t):
        """Gradients of the training loss by backpropagation (dict keyed like ``params``)."""
        return self.loss_and_gradient(x, t)[1]

    def numerical_gradient(self, x, t, train=True, h=1e-5, indices=None):
        """Central-difference gradients of ``loss(x, t, train)``; slow, for checking only.

        ``indices``: optional {key: flat positions or None}; for a key with
        positions only those partial derivatives are computed and returned.
        BatchNorm running statistics are restored afterwards, so checking does
        not disturb the network.
        """
        saved = {name: (layer.running_mean.copy(), layer.running_var.copy())
                 for name, layer in self.layers.items()
                 if isinstance(layer, BatchNormalization)}

        def loss_of_params():
            return self.loss(x, t, train)

        indices = indices or {}
        grads = {key: numerical_gradient(loss_of_params, param, h, indices.get(key))
                 for key, param in self.params.items()}
        for name, (mean, var) in saved.items():
            self.layers[name].running_mean[...] = mean
            self.layers[name].running_var[...] = var
        return grads


class MultiLayerNetExtend(MultiLayerNet):
    """``MultiLayerNet`` with optional Batch Normalization and Dropout (chapters 3 and 4).

    use_batchnorm: Affine -> BatchNorm -> activation in every hidden layer.
    Those Affine layers have no bias: BatchNorm subtracts the batch mean, so a
    bias there cancels out (its gradient is exactly zero) and beta takes its
    role. The parameters are then W1, gamma1, beta1, ..., WL, bL.
    use_dropout, dropout_ratio: Dropout after every hidden activation.
    dropout_inverted: True (scale while training) or False (the original
    book's scaling at inference); see :class:`common.layers.Dropout`.
    Dropout masks come from the same ``rng`` as the initial weights.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0.0, use_dropout=False,
                 dropout_ratio=0.5, use_batchnorm=False, dropout_inverted=True, rng=None,
                 dtype=np.float64):
        self._build(input_size, hidden_size_list, output_size, activation, weight_init_std,
                    weight_decay_lambda, rng, dtype, use_batchnorm=use_batchnorm,
                    use_dropout=use_dropout, dropout_ratio=dropout_ratio,
                    dropout_inverted=dropout_inverted)

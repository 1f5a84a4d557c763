"""Fully connected networks for MNIST-sized problems (chapters 1 to 5).

``MultiLayerNet`` is Affine -> activation, repeated, then Affine -> softmax
with cross-entropy. ``MultiLayerNetExtend`` adds Batch or Layer Normalization
(before the activation) and Dropout (after it). Parameters live in ``net.params``
under the keys W1, b1, ..., WL, bL (and gamma1, beta1, ... with a normalization);
the layers hold the same arrays, so optimizers update in place.
``net.weight_keys`` names the weight matrices, the parameters that weight
decay acts on (not the biases, gamma or beta).
"""

from collections import OrderedDict

import numpy as np

from common.checks import require_finite, require_positive_int, require_range
from common.functions import label_indices
from common.gradient import buffers_restored, numerical_gradient
from common.initialization import init_std
from common.layers import ACTIVATIONS, Affine, BatchNormalization, Dropout, LayerNormalization, SoftmaxWithLoss
from common.random import as_generator


class MultiLayerNet:
    """A fully connected network with softmax cross-entropy loss.

    input_size: width of x (784 for MNIST); hidden_size_list: widths of the
    hidden layers, e.g. [100, 100, 100, 100]; output_size: number of classes.
    The options are keyword-only:
    activation: 'relu', 'sigmoid' or 'tanh'.
    weight_init_std: a number or 'xavier'/'sigmoid', 'lecun', 'he'/'relu'
    (see :mod:`common.initialization`).
    weight_decay_lambda: lambda of the L2 penalty lambda/2 * sum ||W||^2 added
    to the loss (chapter 4); its gradient adds lambda * W to each weight's.
    rng: Generator or seed for the initial weights. dtype: float64 (default) or float32.
    """

    def __init__(self, input_size, hidden_size_list, output_size, *, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0.0, rng=None, dtype=np.float64):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.input_size = require_positive_int("input_size", input_size)
        self.hidden_size_list = [require_positive_int(f"hidden_size_list[{i}]", size)
                                 for i, size in enumerate(hidden_size_list)]
        self.output_size = require_positive_int("output_size", output_size)
        self.activation = activation
        self.weight_init_std = weight_init_std
        self.weight_decay_lambda = require_range("weight_decay_lambda", weight_decay_lambda, 0.0, np.inf,
                                                 high_open=True)
        rng = as_generator(rng)

        self.layers = OrderedDict()
        self.params = {}
        self.param_owners = {}          # key -> (layer, the layer's name for it): where gradients come from
        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        depth = len(sizes) - 1
        for i in range(1, depth + 1):
            W = (init_std(weight_init_std, sizes[i - 1], sizes[i])
                 * rng.standard_normal((sizes[i - 1], sizes[i]))).astype(self.dtype)
            if i < depth:
                self.add_hidden_layer(i, W, rng)
            else:
                self.add_affine(i, W)
        self.last_layer = SoftmaxWithLoss()
        self.weight_keys = tuple(f"W{i}" for i in range(1, depth + 1))

    def add_hidden_layer(self, i, W, rng):
        """Hidden layer ``i``: Affine -> activation."""
        self.add_affine(i, W)
        self.add_layer(f"Activation{i}", ACTIVATIONS[self.activation]())

    def add_affine(self, i, W, bias=True):
        """Affine layer ``i``: weights W{i} and, if ``bias``, zero biases b{i}. Layer 1 passes no dx back."""
        b = np.zeros(W.shape[1], self.dtype) if bias else None
        keys = {"W": f"W{i}", "b": f"b{i}"} if bias else {"W": f"W{i}"}
        self.add_layer(f"Affine{i}", Affine(W, b, need_input_grad=i > 1), **keys)

    def add_layer(self, name, layer, **keys):
        """Append ``layer``; ``keys`` gives the network's key of each of its parameters, e.g. W="W1", b="b1"."""
        self.layers[name] = layer
        for param_name, key in keys.items():
            self.params[key] = layer.params[param_name]
            self.param_owners[key] = (layer, param_name)

    def predict(self, x, train=False):
        """Scores (N, output_size) before softmax, from x (N, input_size).

        ``train`` is passed to every layer: BatchNorm uses the batch's
        statistics and Dropout drops units only when it is True.
        """
        x = require_finite("x", np.asarray(x).astype(self.dtype, copy=False))
        for layer in self.layers.values():
            x = layer.forward(x, train)
        return x

    def weight_penalty(self):
        """lambda/2 * sum of ||W||^2 over the weight matrices (0 without weight decay)."""
        if not self.weight_decay_lambda:
            return 0.0
        total = sum(float(np.sum(self.params[key] ** 2)) for key in self.weight_keys)
        return 0.5 * self.weight_decay_lambda * total

    def loss(self, x, t, train=False):
        """Cross-entropy of the predictions plus lambda/2 * sum of ||W||^2."""
        return self.last_layer.forward(self.predict(x, train), t) + self.weight_penalty()

    def accuracy(self, x, t):
        """Fraction of samples whose highest score is the label, in inference mode.

        x: (N, input_size); t: labels (N,) or one-hot (N, output_size).
        """
        x = np.asarray(x)
        if len(x) == 0:
            raise ValueError("accuracy of no samples: x is empty")
        t = label_indices(t, len(x), self.output_size)
        return int(np.count_nonzero(self.predict(x).argmax(axis=1) == t)) / len(x)

    def loss_and_gradient(self, x, t, train=True):
        """Loss and gradients by backpropagation, from one forward and one backward pass.

        Returns (loss, grads) where grads has the keys of ``params``; the
        gradient of each weight includes the weight decay term lambda * W.
        """
        loss = self.loss(x, t, train)
        dout = self.last_layer.backward(1.0)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {key: layer.grads[name] for key, (layer, name) in self.param_owners.items()}
        if self.weight_decay_lambda:
            for key in self.weight_keys:
                grads[key] += self.weight_decay_lambda * self.params[key]
        return loss, grads

    def gradient(self, x, t):
        """Gradients of the training loss by backpropagation (dict keyed like ``params``)."""
        return self.loss_and_gradient(x, t)[1]

    def numerical_gradient(self, x, t, train=True, h=1e-5, indices=None):
        """Central-difference gradients of ``loss(x, t, train)``; slow, for checking only.

        ``indices``: optional {key: flat positions or None}; for a key with
        positions only those partial derivatives are computed and returned.
        The layers' buffers (BatchNorm's running statistics) are restored
        afterwards, so checking does not disturb the network.
        """
        indices = indices or {}
        with buffers_restored(self.layers.values()):
            return {key: numerical_gradient(lambda: self.loss(x, t, train), param, h, indices.get(key))
                    for key, param in self.params.items()}


class MultiLayerNetExtend(MultiLayerNet):
    """``MultiLayerNet`` with optional Batch or Layer Normalization and Dropout (chapters 3 and 4).

    Takes the options of ``MultiLayerNet`` and, keyword-only:
    use_batchnorm: Affine -> BatchNorm -> activation in every hidden layer.
    Those Affine layers have no bias: BatchNorm subtracts the batch mean, so a
    bias there cancels out (its gradient is exactly zero) and beta takes its
    role. The parameters are then W1, gamma1, beta1, ..., WL, bL.
    batchnorm_eps: the eps of every BatchNorm layer (1e-5; chapter 3 shows what it does).
    use_layernorm: Affine -> LayerNorm -> activation in every hidden layer
    (not together with use_batchnorm). Those Affine layers keep their bias:
    LayerNorm subtracts each sample's mean over its features, which removes
    only the mean of b over the features, not b's differences between
    features. The parameters are then W1, b1, gamma1, beta1, ..., WL, bL.
    use_dropout, dropout_ratio: Dropout after every hidden activation.
    dropout_inverted: True (scale while training) or False (the original
    book's scaling at inference); see :class:`common.layers.Dropout`.
    Dropout masks come from the same ``rng`` as the initial weights.
    """

    def __init__(self, input_size, hidden_size_list, output_size, *, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0.0, use_dropout=False, dropout_ratio=0.5,
                 use_batchnorm=False, batchnorm_eps=1e-5, use_layernorm=False, dropout_inverted=True, rng=None,
                 dtype=np.float64):
        if use_batchnorm and use_layernorm:
            raise ValueError("use_batchnorm and use_layernorm are both True: choose one normalization")
        self.use_batchnorm = use_batchnorm
        self.batchnorm_eps = batchnorm_eps
        self.use_layernorm = use_layernorm
        self.use_dropout = use_dropout
        self.dropout_ratio = dropout_ratio
        self.dropout_inverted = dropout_inverted
        super().__init__(input_size, hidden_size_list, output_size, activation=activation,
                         weight_init_std=weight_init_std, weight_decay_lambda=weight_decay_lambda, rng=rng, dtype=dtype)

    def add_hidden_layer(self, i, W, rng):
        """Hidden layer ``i``: Affine -> BatchNorm or LayerNorm (if asked) -> activation -> Dropout (if asked)."""
        n = W.shape[1]
        self.add_affine(i, W, bias=not self.use_batchnorm)     # before BatchNorm, beta takes the bias's place
        if self.use_batchnorm:
            bn = BatchNormalization(np.ones(n, self.dtype), np.zeros(n, self.dtype), eps=self.batchnorm_eps)
            self.add_layer(f"BatchNorm{i}", bn, gamma=f"gamma{i}", beta=f"beta{i}")
        if self.use_layernorm:
            ln = LayerNormalization(np.ones(n, self.dtype), np.zeros(n, self.dtype))
            self.add_layer(f"LayerNorm{i}", ln, gamma=f"gamma{i}", beta=f"beta{i}")
        self.add_layer(f"Activation{i}", ACTIVATIONS[self.activation]())
        if self.use_dropout:
            self.add_layer(f"Dropout{i}", Dropout(self.dropout_ratio, inverted=self.dropout_inverted, rng=rng))

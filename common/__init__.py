"""Shared building blocks of *Training Techniques for Neural Networks, from scratch*.

What the book teaches, one small module per idea, as in the classic "Deep
Learning from Scratch" code:

- :mod:`common.functions`      activation functions, softmax, cross-entropy, checked labels
- :mod:`common.layers`         layers with ``forward(x, train)`` and ``backward(dout)``
- :mod:`common.initialization` initial weights: Xavier (Glorot), LeCun and He
- :mod:`common.networks`       ``MultiLayerNet`` and ``MultiLayerNetExtend``
- :mod:`common.optimizers`     SGD, Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta, Adam, AdamW
- :mod:`common.schedules`      learning-rate schedules: constant, step decay, cosine, warm-up
- :mod:`common.augmentation`   random shifts and rotations of MNIST images
- :mod:`common.gradient`       numerical gradients and the gradient check
- :mod:`common.random`         seeds to ``numpy.random.Generator`` objects
- :mod:`common.checks`         the checks of settings at the edges, each error naming its setting

These modules import numpy and each other only (a test checks it).

The machinery that runs experiments, in :mod:`common.experiments`: the
``Trainer``, data splits, parallel runs, hyperparameter search.

How results are shown, in :mod:`common.display`: plotting style, the
animation of chapter 1, and ``approx`` for numbers that come out of training.

The self-checks of multiple-choice exercises, in :mod:`common.exercises`
(``check_choice``; standard library only, neither core nor machinery).

Import what you use explicitly, e.g. ``from common.optimizers import Adam``.
"""

__version__ = "1.1.0"

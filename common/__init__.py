"""Shared building blocks of *Training Techniques for Neural Networks, from scratch*.

One small module per idea, as in the classic "Deep Learning from Scratch" code:

- :mod:`common.functions`  activation functions, softmax and cross-entropy
- :mod:`common.layers`     layers with ``forward`` and ``backward``
- :mod:`common.networks`   ``MultiLayerNet`` and ``MultiLayerNetExtend``
- :mod:`common.optimizers` SGD, Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta, Adam, AdamW
- :mod:`common.gradient`   numerical gradients and the gradient check
- :mod:`common.trainer`    a seeded mini-batch training loop with per-epoch evaluation
- :mod:`common.util`       smoothing, shuffling and splitting data
- :mod:`common.plot`       the book's plotting style (one colour per method)
- :mod:`common.animation`  light HTML/SVG animations of 2-D optimization paths (chapter 1)
- :mod:`common.search`     random and grid hyperparameter search in parallel processes (chapter 5)
- :mod:`common.random`     seeds to ``numpy.random.Generator`` objects

Import what you use explicitly, e.g. ``from common.optimizers import Adam``.
"""

__version__ = "1.0.0"

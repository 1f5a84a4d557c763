"""The machinery that runs experiments: the training loop, data splits, parallel runs, search.

- :mod:`common.experiments.trainer`  ``Trainer``: seeded mini-batch training with evaluation
- :mod:`common.experiments.data`     shuffling and train/validation splits
- :mod:`common.experiments.parallel` ``run_parallel``: independent runs side by side on every core
- :mod:`common.experiments.classic`  the classic MNIST experiments as data, for the chapters and the benchmarks
- :mod:`common.experiments.search`   random and grid hyperparameter search in parallel (chapter 5),
  successive halving and Hyperband on recorded curves, Optuna's TPE with pruning
"""

"""The machinery that runs experiments: the training loop, data splits, parallel runs, search.

- :mod:`common.experiments.trainer`  ``Trainer``: seeded mini-batch training with evaluation
- :mod:`common.experiments.data`     shuffling and train/validation splits
- :mod:`common.experiments.parallel` cores and single-threaded BLAS for worker processes
- :mod:`common.experiments.search`   random and grid hyperparameter search in parallel (chapter 5)
"""

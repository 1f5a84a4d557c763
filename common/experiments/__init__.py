"""The machinery that runs experiments: the training loop, data splits, parallel runs, search.

- :mod:`common.experiments.trainer`       ``Trainer``: seeded mini-batch training with evaluation
- :mod:`common.experiments.evaluation`    accuracy on many samples, in chunks on parallel threads
- :mod:`common.experiments.progress`      the progress bar of long loops
- :mod:`common.experiments.cores`         the cores this process may use
- :mod:`common.experiments.data`          shuffling and train/validation splits
- :mod:`common.experiments.parallel`      ``run_parallel``: independent runs side by side on every core
- :mod:`common.experiments.classic`       the classic MNIST experiments as data, for the chapters and the benchmarks
- :mod:`common.experiments.random_search` random and grid hyperparameter search in parallel (chapter 5)
- :mod:`common.experiments.halving`       successive halving and Hyperband on recorded curves
- :mod:`common.experiments.optuna_search` Optuna's TPE sampler with a median pruner

The teaching core (``common.functions`` ... ``common.gradient``) never imports from here.

Importing this package limits BLAS to the cores this process may use (affinity mask and
container CPU quota) unless OMP/OPENBLAS/MKL_NUM_THREADS is set: see
:func:`common.experiments.cores.cap_blas_threads`. The workers of ``run_parallel`` use one each.
"""

from common.experiments.cores import cap_blas_threads

cap_blas_threads()

"""Small helpers: smoothing curves, shuffling and splitting data."""

import os

import numpy as np

from common.random import as_generator


def smooth_curve(x, window_len=11, beta=2.0):
    """Smooth a noisy curve (e.g. a loss per iteration) with a Kaiser window.

    The ends are padded by reflection, so the result has the same length as
    ``x``. window_len = 11 and beta = 2 match the original book's figures.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"smooth_curve expects a 1-D curve, got shape {x.shape}")
    half = window_len // 2
    if x.size <= half:
        return x.copy()
    window = np.kaiser(window_len, beta)
    padded = np.pad(x, half, mode="reflect")
    return np.convolve(padded, window / window.sum(), mode="valid")


def shuffle_dataset(x, t, rng=None):
    """Return copies of ``x`` and ``t`` shuffled by the same random permutation."""
    if len(x) != len(t):
        raise ValueError(f"x has {len(x)} samples but t has {len(t)}")
    order = as_generator(rng).permutation(len(x))
    return x[order], t[order]


def train_validation_split(x, t, validation_ratio=0.2, rng=None):
    """Shuffle, then hold out ``validation_ratio`` of the samples (chapter 5).

    Returns (x_train, t_train), (x_val, t_val). The validation set is used to
    choose hyperparameters; the test set is touched once, at the very end.
    """
    if not 0.0 < validation_ratio < 1.0:
        raise ValueError(f"validation_ratio must be between 0 and 1, got {validation_ratio}")
    x, t = shuffle_dataset(x, t, rng)
    n_val = int(round(len(x) * validation_ratio))
    return (x[n_val:], t[n_val:]), (x[:n_val], t[:n_val])


def available_cores():
    """Cores this process may use (``os.process_cpu_count``, else the affinity mask, else ``os.cpu_count``)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1

"""Activation functions, softmax and cross-entropy, numerically stable (chapter 1 onwards).

All functions work on numpy arrays of any float dtype and keep that dtype.
Labels are given as class indices, shape (N,), or as one-hot rows, shape
(N, C); :func:`label_indices` turns either into checked indices.
"""

import numpy as np


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), elementwise, without overflow.

    For x >= 0 the textbook form is used; for x < 0 the equal form
    exp(x) / (1 + exp(x)), so ``exp`` never sees a large positive argument.
    """
    x = np.asarray(x)
    out = np.empty_like(x, dtype=np.result_type(x, np.float32))
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])
    out[~positive] = exp_x / (1.0 + exp_x)
    return out


def relu(x):
    """max(0, x), elementwise."""
    return np.maximum(x, 0)


def tanh(x):
    """Hyperbolic tangent, elementwise."""
    return np.tanh(x)


def log_softmax(x):
    """log(softmax(x)) along the last axis, stable: x - max - log(sum(exp(x - max)))."""
    x = np.asarray(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(x):
    """exp(x_k) / sum_j exp(x_j) along the last axis, after subtracting the max."""
    x = np.asarray(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    exp_x = np.exp(shifted)
    return exp_x / exp_x.sum(axis=-1, keepdims=True)


def label_indices(t, n_samples, n_classes):
    """Class indices (n_samples,) from labels ``t`` given as indices (N,) or one-hot rows (N, C).

    Raises ValueError naming the problem: a shape that does not match the
    scores, labels that are not integers, or labels outside 0..n_classes-1
    (a negative label would silently index from the end).
    """
    t = np.asarray(t)
    if t.ndim == 2:
        if t.shape != (n_samples, n_classes):
            raise ValueError(f"one-hot labels have shape {t.shape}, the scores have ({n_samples}, {n_classes})")
        return t.argmax(axis=1)
    if t.shape != (n_samples,):
        raise ValueError(f"labels have shape {t.shape}, expected ({n_samples},) or ({n_samples}, {n_classes})")
    if t.dtype.kind not in "iub":
        if t.dtype.kind != "f" or not np.all(np.isfinite(t)) or np.any(t != np.round(t)):
            raise ValueError(f"labels must be integer class indices, got dtype {t.dtype}")
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1} for {n_classes} classes, "
                         f"got values from {t.min()} to {t.max()}")
    return t.astype(np.intp, copy=False)


def softmax_cross_entropy(x, t):
    """Mean cross-entropy of softmax(x) against labels ``t``, from scores ``x``.

    Uses log-softmax, so it is exact and finite for any finite scores (no
    log of 0, no epsilon). x: (N, C) scores; t: (N,) indices or (N, C) one-hot.
    """
    x = np.asarray(x)
    return mean_negative_log(log_softmax(x), label_indices(t, *x.shape))


def mean_negative_log(log_probs, idx):
    """-mean over n of log_probs[n, idx[n]]: the cross-entropy, from log-probabilities (N, C) and class indices (N,)."""
    return float(-np.mean(log_probs[np.arange(log_probs.shape[0]), idx]))

"""Numerical gradients and the gradient check (chapter 3 uses it most).

The check compares backpropagation with central differences
(f(x + h) - f(x - h)) / 2h on a batch of several samples and reports, per
parameter, the relative error max|a - b| / max(1e-8, max(|a| + |b|)).
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f()`` with respect to array ``x``.

    ``x`` is changed in place one element at a time and restored, so ``f``
    reads it directly (as a network's loss reads its parameters).
    h = 1e-5 balances truncation (~h^2) and rounding (~1e-16 / h) in float64.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat_x = x.reshape(-1)  # a view: writing to it changes x
    flat_grad = grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = f()
        flat_x[i] = original - h
        f_minus = f()
        flat_x[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b, floor=1e-8):
    """max|a - b| / max(floor, max(|a| + |b|)): 0 when equal, about 1 when unrelated."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)) / max(floor, float(np.max(np.abs(a) + np.abs(b)))))


def gradient_check(network, x, t, train=True, h=1e-5):
    """Relative error between backprop and numerical gradients, one number per parameter.

    Use a batch of several samples: with BatchNorm a batch of one normalizes
    every value to exactly zero, and the check would compare zeros with zeros.
    Returns {key: relative error}; also raises if backprop's gradients are
    all zero, which would make any check pass.
    """
    if np.asarray(x).shape[0] < 2:
        raise ValueError("gradient_check needs a batch of at least 2 samples")
    numerical = network.numerical_gradient(x, t, train=train, h=h)
    _, analytic = network.loss_and_gradient(x, t, train=train)
    errors = {}
    for key in network.params:
        if not np.any(analytic[key]) and not np.any(numerical[key]):
            raise ValueError(f"the gradient of {key!r} is all zero: the check would prove nothing")
        errors[key] = relative_error(analytic[key], numerical[key])
    return errors

"""Numerical gradients and the gradient check (chapter 3 uses it most).

The check compares backpropagation with central differences
(f(x + h) - f(x - h)) / 2h on a batch of several samples and reports, per
parameter, the relative error max|a - b| / max(1e-8, max(|a| + |b|)).
"""

from contextlib import contextmanager

import numpy as np

from common.random import as_generator


@contextmanager
def buffers_restored(layers):
    """Give back the ``layers``' buffers (BatchNorm's running statistics) as they were, on leaving."""
    saved = [(buffer, buffer.copy()) for layer in layers for buffer in layer.buffers.values()]
    try:
        yield
    finally:
        for buffer, value in saved:
            buffer[...] = value


def numerical_gradient(f, x, h=1e-5, indices=None):
    """Central-difference gradient of the scalar function ``f()`` with respect to array ``x``.

    ``x`` is changed in place one element at a time and restored, so ``f``
    reads it directly (as a network's loss reads its parameters).
    h = 1e-5 balances truncation (~h^2) and rounding (~1e-16 / h) in float64.
    ``indices``: flat positions to differentiate at (returns only those
    partial derivatives, in that order); None means every element (returns
    an array shaped like ``x``).
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x is an array of {x.dtype}: x + h would be rounded; give a float array")
    flat_x = x.reshape(-1)  # a view: writing to it changes x
    positions = range(flat_x.size) if indices is None else indices
    values = np.empty(len(positions), dtype=np.float64)
    for k, i in enumerate(positions):
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = f()
        flat_x[i] = original - h
        f_minus = f()
        flat_x[i] = original
        values[k] = (f_plus - f_minus) / (2 * h)
    return values.reshape(x.shape) if indices is None else values


def relative_error(a, b, floor=1e-8):
    """max|a - b| / max(floor, max(|a| + |b|)): 0 when equal, about 1 when unrelated."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)) / max(floor, float(np.max(np.abs(a) + np.abs(b)))))


def _refuse_all_zero(name, grad):
    """An all-zero backprop gradient would make any comparison pass: refuse it, naming the parameter."""
    if not np.any(grad):
        raise ValueError(f"the gradient of {name!r} is all zero: the check would prove nothing")


def gradient_check(network, x, t, train=True, h=1e-5, max_entries=None, rng=None):
    """Relative error between backprop and numerical gradients, one number per parameter.

    Use a batch of several samples: with BatchNorm a batch of one normalizes
    every value to exactly zero, and the check would compare zeros with zeros.
    ``max_entries``: check at most this many randomly chosen entries of each
    parameter (drawn with ``rng``), which keeps a check of a 784-100-100-10
    network to seconds; None checks every entry.
    Returns {key: relative error}; raises if backprop's gradient of a
    parameter is all zero, which would make any check pass.
    """
    if np.asarray(x).shape[0] < 2:
        raise ValueError("gradient_check needs a batch of at least 2 samples")
    _, analytic = network.loss_and_gradient(x, t, train=train)
    analytic = {key: np.array(grad, dtype=np.float64) for key, grad in analytic.items()}
    indices = None
    if max_entries is not None:
        rng = as_generator(rng)
        indices = {key: (None if p.size <= max_entries else np.sort(rng.choice(p.size, max_entries, replace=False)))
                   for key, p in network.params.items()}
    numerical = network.numerical_gradient(x, t, train=train, h=h, indices=indices)
    errors = {}
    for key in network.params:
        _refuse_all_zero(key, analytic[key])
        chosen = analytic[key] if indices is None or indices[key] is None else analytic[key].reshape(-1)[indices[key]]
        errors[key] = relative_error(chosen, numerical[key])
    return errors


def layer_gradient_check(layer, x, train=True, h=1e-5, rng=None):
    """Relative errors of one layer's ``backward`` against central differences.

    The loss is f = sum(forward(x) * w) for a fixed random w, so that the
    gradient arriving at the layer's output is w. Returns {'x': error of dx,
    name: error of each parameter's gradient}; 'x' is left out for a layer
    that returns no input gradient. Buffers (BatchNorm's running statistics)
    are restored afterwards. The layer's forward pass must not be random:
    check Dropout with ``train=False`` or with its mask fixed.
    """
    rng = as_generator(rng)
    x = np.array(x, dtype=np.float64)
    with buffers_restored([layer]):
        w = rng.standard_normal(layer.forward(x, train).shape)
        analytic = {"x": layer.backward(w)}
        analytic.update({name: np.array(grad, dtype=np.float64) for name, grad in layer.grads.items()})

        def f():
            return float(np.sum(layer.forward(x, train) * w))

        numerical = {"x": numerical_gradient(f, x, h)}
        numerical.update({name: numerical_gradient(f, param, h) for name, param in layer.params.items()})
    errors = {}
    for name, grad in analytic.items():
        if grad is None:
            continue
        _refuse_all_zero(name, grad)
        errors[name] = relative_error(grad, numerical[name])
    return errors

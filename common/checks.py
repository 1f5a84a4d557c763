"""Checks of the settings that arrive at the library's edges, each raising an error that names the setting.

One line per setting keeps a class readable as its algorithm, e.g.
``self.momentum = require_range("momentum", momentum, 0.0, 1.0, high_open=True)``.
Each check returns the value it accepted.
"""

import math

import numpy as np


def require_int(name, value, low, high=None):
    """``value`` as an int; a ValueError naming ``name`` unless it is an integer from ``low`` (to ``high``)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or (
            high is not None and value > high):
        wanted = "a positive integer" if (low, high) == (1, None) else (
            f"an integer >= {low}" if high is None else f"an integer from {low} to {high}")
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def require_positive_int(name, value):
    """``value`` as an int; a ValueError naming ``name`` unless it is an integer >= 1."""
    return require_int(name, value, 1)


def require_range(name, value, low, high, low_open=False, high_open=False):
    """``value`` unchanged; a ValueError naming ``name`` unless ``low <= value <= high`` (``<`` on an open end)."""
    is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not is_number or math.isnan(value) or (value <= low if low_open else value < low) or (
            value >= high if high_open else value > high):
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return value


def require_finite(name, x):
    """``x`` unchanged; a ValueError naming ``name`` if the array holds NaN or infinite values."""
    finite = np.isfinite(x)
    if not finite.all():
        raise ValueError(f"{name} holds {finite.size - np.count_nonzero(finite)} NaN or infinite values")
    return x

"""The checks of settings at the library's edges: what they accept, and errors that name the setting."""

import math

import numpy as np
import pytest

from common.checks import require_finite, require_int, require_positive_int, require_range


def test_accepted_values_come_back():
    assert require_positive_int("n", np.int64(3)) == 3 and type(require_positive_int("n", np.int64(3))) is int
    assert require_int("n", 0, 0) == 0 and require_int("n", 5, 0, 5) == 5
    assert require_range("lr", 0.0, 0.0, math.inf, high_open=True) == 0.0
    x = np.ones(3)
    assert require_finite("x", x) is x


@pytest.mark.parametrize("call, message", [
    (lambda: require_positive_int("batch_size", 0), "batch_size must be a positive integer, got 0"),
    (lambda: require_positive_int("batch_size", 2.0), "batch_size must be a positive integer, got 2.0"),
    (lambda: require_positive_int("batch_size", True), "batch_size must be a positive integer, got True"),
    (lambda: require_int("eta", 1, 2), "eta must be an integer >= 2, got 1"),
    (lambda: require_int("n_test", 11, 0, 10), "n_test must be an integer from 0 to 10, got 11"),
    (lambda: require_range("momentum", 1.0, 0.0, 1.0, high_open=True), r"momentum must be in \[0.0, 1.0\), got 1.0"),
    (lambda: require_range("eps", 0, 0.0, 1.0, low_open=True), r"eps must be in \(0.0, 1.0\], got 0"),
    (lambda: require_range("lr", float("nan"), 0.0, 1.0), r"lr must be in \[0.0, 1.0\], got nan"),
    (lambda: require_range("lr", "0.1", 0.0, 1.0), r"lr must be in \[0.0, 1.0\], got '0.1'"),
    (lambda: require_range("lr", True, 0.0, 1.0), r"lr must be in \[0.0, 1.0\], got True"),
    (lambda: require_finite("x", np.array([1.0, np.nan, np.inf])), "x holds 2 NaN or infinite values"),
])
def test_errors_name_the_setting_and_what_it_must_be(call, message):
    with pytest.raises(ValueError, match=message):
        call()

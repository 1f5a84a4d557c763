"""The numerical gradient, the relative error, and the checks built on them."""

import numpy as np
import pytest

from common.gradient import gradient_check, layer_gradient_check, numerical_gradient, relative_error
from common.layers import Affine
from common.networks import MultiLayerNet


def test_relative_error_golden_values():
    a = np.linspace(1.0, 2.0, 3)                 # 1, 1.5, 2
    assert relative_error(a, a) == 0.0
    assert relative_error(a, a + 0.04) == pytest.approx(0.04 / 4.04, rel=1e-14)  # max|a-b| / max(|a|+|b|)
    assert relative_error(a, -a) == 1.0           # unrelated (opposite) gradients give about 1
    assert relative_error(np.zeros(3), np.full(3, 1e-9)) == pytest.approx(1e-9 / 1e-8)  # the floor


def test_relative_error_names_a_shape_mismatch():
    with pytest.raises(ValueError, match=r"cannot compare shapes \(3,\) and \(2,\)"):
        relative_error(np.zeros(3), np.zeros(2))


def test_numerical_gradient_of_a_cubic_and_x_is_restored():
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    original = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * original**2, atol=1e-9)   # central differences: error h^2 = 1e-10
    np.testing.assert_array_equal(x, original)
    some = numerical_gradient(lambda: float(np.sum(x**3)), x, indices=[5, 0])
    np.testing.assert_allclose(some, [3.0, 3.0], atol=1e-9)         # x.flat[5] = 1, x.flat[0] = -1


def test_gradient_check_of_a_sample_of_entries_uses_the_rng(rng):
    x, t = rng.standard_normal((4, 30)), rng.integers(0, 3, 4)
    net = MultiLayerNet(30, [20], 3, rng=rng)
    errors = gradient_check(net, x, t, max_entries=10, rng=np.random.default_rng(0))
    assert set(errors) == set(net.params) and max(errors.values()) < 1e-6, errors


def test_gradient_check_refuses_an_all_zero_gradient(rng):
    net = MultiLayerNet(4, [3], 2, rng=rng)
    net.params["W2"][...] = 0.0  # nothing flows back to the first layer
    with pytest.raises(ValueError, match="the gradient of 'W1' is all zero"):
        gradient_check(net, rng.standard_normal((3, 4)), np.array([0, 1, 1]))


def test_layer_gradient_check_is_reproducible_from_its_rng(rng):
    layer = Affine(rng.standard_normal((4, 3)), rng.standard_normal(3))
    x = rng.standard_normal((5, 4))
    assert layer_gradient_check(layer, x, rng=1) == layer_gradient_check(layer, x, rng=1)


def test_numerical_gradient_refuses_an_integer_array():
    from common.gradient import numerical_gradient

    x = np.arange(3)
    with pytest.raises(TypeError, match="x is an array of int64"):
        numerical_gradient(lambda: float(np.sum(x ** 2)), x)

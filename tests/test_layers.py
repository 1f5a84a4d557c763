"""Every layer's backward pass against central differences, in float64."""

import numpy as np
import pytest

from common.gradient import numerical_gradient, relative_error
from common.layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss, Tanh

TOL = 1e-6


def check_input_gradient(layer, x, rng, forward=None):
    """Compare layer.backward with the numerical gradient of sum(forward(x) * w) for a fixed random w."""
    forward = forward or layer.forward
    w = rng.standard_normal(forward(x).shape)
    forward(x)
    dx = layer.backward(w)
    numeric = numerical_gradient(lambda: float(np.sum(forward(x) * w)), x)
    assert np.any(dx != 0), "the input gradient is all zero: the check would prove nothing"
    assert relative_error(dx, numeric) < TOL
    return w


def test_affine_gradients(rng):
    x = rng.standard_normal((5, 4))
    layer = Affine(rng.standard_normal((4, 3)), rng.standard_normal(3))
    w = check_input_gradient(layer, x, rng)
    layer.forward(x)
    layer.backward(w)
    f = lambda: float(np.sum(layer.forward(x) * w))
    assert relative_error(layer.dW, numerical_gradient(f, layer.W)) < TOL
    assert relative_error(layer.db, numerical_gradient(f, layer.b)) < TOL


def test_first_affine_skips_the_input_gradient(rng):
    layer = Affine(rng.standard_normal((4, 3)), np.zeros(3), need_input_grad=False)
    layer.forward(rng.standard_normal((2, 4)))
    assert layer.backward(np.ones((2, 3))) is None
    assert layer.dW.shape == (4, 3)


def test_affine_names_both_widths(rng):
    layer = Affine(np.zeros((784, 10)), np.zeros(10))
    with pytest.raises(ValueError, match="783 features.*784"):
        layer.forward(np.zeros((2, 783)))


@pytest.mark.parametrize("layer_class", [Relu, Sigmoid, Tanh])
def test_activation_gradients(layer_class, rng):
    x = rng.standard_normal((6, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink, where the derivative is undefined
    check_input_gradient(layer_class(), x, rng)


def test_softmax_with_loss_gradient(rng):
    x = rng.standard_normal((7, 4))
    t = rng.integers(0, 4, 7)
    layer = SoftmaxWithLoss()
    layer.forward(x, t)
    dx = layer.backward()
    numeric = numerical_gradient(lambda: layer.forward(x, t), x)
    assert relative_error(dx, numeric) < TOL
    # one-hot labels give the same loss and gradient
    layer.forward(x, np.eye(4)[t])
    np.testing.assert_allclose(layer.backward(), dx)


def test_softmax_with_loss_names_a_label_shape_mismatch():
    with pytest.raises(ValueError, match="labels have shape"):
        SoftmaxWithLoss().forward(np.zeros((3, 4)), np.zeros(2, dtype=int))


def test_batchnorm_gradients_on_a_batch_of_several(rng):
    x = rng.standard_normal((8, 5)) * 3 + 1
    layer = BatchNormalization(rng.standard_normal(5), rng.standard_normal(5))
    w = check_input_gradient(layer, x, rng)
    layer.forward(x)
    layer.backward(w)
    f = lambda: float(np.sum(layer.forward(x) * w))
    assert relative_error(layer.dgamma, numerical_gradient(f, layer.gamma)) < TOL
    assert relative_error(layer.dbeta, numerical_gradient(f, layer.beta)) < TOL


def test_batchnorm_normalizes_in_training_and_uses_running_statistics_at_inference(rng):
    layer = BatchNormalization(np.ones(3), np.zeros(3), momentum=0.9)
    x = rng.standard_normal((64, 3)) * [1.0, 5.0, 0.1] + [2.0, -3.0, 0.5]
    out = layer.forward(x, train=True)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, atol=1e-3)  # eps = 1e-5 against var = 0.01
    for _ in range(200):  # the running statistics converge to the data's
        layer.forward(rng.standard_normal((64, 3)) * [1.0, 5.0, 0.1] + [2.0, -3.0, 0.5], train=True)
    np.testing.assert_allclose(layer.running_mean, [2.0, -3.0, 0.5], atol=0.2)
    np.testing.assert_allclose(np.sqrt(layer.running_var), [1.0, 5.0, 0.1], rtol=0.1)
    inference = layer.forward(x, train=False)
    assert not np.allclose(inference, out)  # a different normalization than the batch's own
    np.testing.assert_allclose(inference.mean(axis=0), 0.0, atol=0.3)


def test_batchnorm_of_one_sample_is_all_zero():
    layer = BatchNormalization(np.ones(4), np.zeros(4))
    np.testing.assert_array_equal(layer.forward(np.array([[1.0, 2.0, 3.0, 4.0]])), 0.0)


@pytest.mark.parametrize("inverted", [True, False])
def test_dropout_train_and_inference_agree_in_expectation(inverted):
    x = np.full((2000, 50), 2.0)
    layer = Dropout(0.2, inverted=inverted, rng=np.random.default_rng(0))
    train_out = layer.forward(x, train=True)
    kept = train_out != 0
    assert abs(kept.mean() - 0.8) < 0.01
    test_out = layer.forward(x, train=False)
    assert abs(train_out.mean() - test_out.mean()) < 0.01
    if inverted:
        np.testing.assert_array_equal(test_out, x)
        np.testing.assert_allclose(train_out[kept], 2.0 / 0.8)
    else:
        np.testing.assert_allclose(test_out, 1.6)
        np.testing.assert_array_equal(train_out[kept], 2.0)


def test_dropout_backward_uses_the_same_mask(rng):
    layer = Dropout(0.5, rng=rng)
    x = rng.standard_normal((10, 10))
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx != 0, out != 0)


def test_dropout_masks_are_reproducible_from_the_seed():
    a = Dropout(0.5, rng=np.random.default_rng(7)).forward(np.ones((4, 6)))
    b = Dropout(0.5, rng=np.random.default_rng(7)).forward(np.ones((4, 6)))
    np.testing.assert_array_equal(a, b)


def test_dropout_rejects_a_ratio_of_one():
    with pytest.raises(ValueError, match="dropout_ratio"):
        Dropout(1.0)

"""Every layer's backward pass against central differences (float64), and the layer protocol."""

import warnings

import numpy as np
import pytest

from common.gradient import layer_gradient_check, numerical_gradient, relative_error
from common.layers import (
    Affine,
    BatchNormalization,
    Dropout,
    Layer,
    LayerNormalization,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

TOL = 1e-7

LAYERS = {
    "Affine": lambda rng: Affine(rng.standard_normal((5, 3)), rng.standard_normal(3)),
    "Relu": lambda rng: Relu(),
    "Sigmoid": lambda rng: Sigmoid(),
    "Tanh": lambda rng: Tanh(),
    "BatchNormalization": lambda rng: BatchNormalization(rng.standard_normal(5), rng.standard_normal(5)),
    "LayerNormalization": lambda rng: LayerNormalization(rng.standard_normal(5), rng.standard_normal(5)),
    "Dropout": lambda rng: Dropout(0.3, rng=rng),
}


def away_from_zero(x):
    """Move entries off ReLU's kink at 0, where the derivative is undefined and a difference quotient straddles it."""
    x[np.abs(x) < 1e-3] = 0.5
    return x


# --- the protocol -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("train", [True, False])
def test_every_layer_follows_the_protocol(name, train, rng):
    layer = LAYERS[name](rng)
    assert isinstance(layer, Layer)
    x = rng.standard_normal((4, 5))
    out = layer.forward(x, train=train)
    assert out.shape == (4, 3) if name == "Affine" else out.shape == x.shape
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == x.shape
    assert isinstance(layer.params, dict) and isinstance(layer.buffers, dict)
    assert set(layer.grads) == set(layer.params)
    for key, grad in layer.grads.items():
        assert grad.shape == layer.params[key].shape, key
    assert not hasattr(layer, "infer"), "inference is forward(x, train=False)"


def test_train_flag_matters_only_where_it_should(rng):
    x = rng.standard_normal((6, 5))
    for name in ("Affine", "Relu", "Sigmoid", "Tanh", "LayerNormalization"):
        layer = LAYERS[name](rng)
        np.testing.assert_array_equal(layer.forward(x, train=True), layer.forward(x, train=False), err_msg=name)
    for name in ("BatchNormalization", "Dropout"):
        layer = LAYERS[name](rng)
        assert not np.allclose(layer.forward(x, train=True), layer.forward(x, train=False)), name


def test_the_base_class_leaves_forward_and_backward_to_subclasses():
    with pytest.raises(NotImplementedError):
        Layer().forward(np.zeros((1, 1)))
    with pytest.raises(NotImplementedError):
        Layer().backward(np.zeros((1, 1)))
    assert Layer().params == Layer().grads == Layer().buffers == {}


# --- gradient checks ------------------------------------------------------------------------------------------

def test_affine_gradients(rng):
    layer = Affine(rng.standard_normal((4, 3)), rng.standard_normal(3))
    errors = layer_gradient_check(layer, rng.standard_normal((5, 4)), rng=rng)
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < TOL, errors


def test_affine_without_bias_has_only_a_weight_gradient(rng):
    layer = Affine(rng.standard_normal((4, 3)))
    assert set(layer.params) == {"W"}
    errors = layer_gradient_check(layer, rng.standard_normal((5, 4)), rng=rng)
    assert set(errors) == {"x", "W"} and max(errors.values()) < TOL, errors


def test_first_affine_skips_the_input_gradient(rng):
    layer = Affine(rng.standard_normal((4, 3)), np.zeros(3), need_input_grad=False)
    layer.forward(rng.standard_normal((2, 4)))
    assert layer.backward(np.ones((2, 3))) is None
    assert layer.dW.shape == (4, 3)
    errors = layer_gradient_check(layer, rng.standard_normal((5, 4)), rng=rng)
    assert set(errors) == {"W", "b"}, "no input gradient to check"
    assert max(errors.values()) < TOL, errors


def test_affine_names_both_widths(rng):
    layer = Affine(np.zeros((784, 10)), np.zeros(10))
    with pytest.raises(ValueError, match="783 features.*784"):
        layer.forward(np.zeros((2, 783)))


@pytest.mark.parametrize("layer_class", [Relu, Sigmoid, Tanh])
@pytest.mark.parametrize("train", [True, False])
def test_activation_gradients(layer_class, train, rng):
    x = away_from_zero(rng.standard_normal((6, 5)) * 2)
    errors = layer_gradient_check(layer_class(), x, train=train, rng=rng)
    assert set(errors) == {"x"}
    assert errors["x"] < TOL, errors


def test_activation_golden_values():
    x = np.linspace(-2.0, 2.0, 5)  # -2, -1, 0, 1, 2
    np.testing.assert_array_equal(Relu().forward(x), [0.0, 0.0, 0.0, 1.0, 2.0])
    np.testing.assert_allclose(Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(Tanh().forward(x), np.tanh(x), rtol=1e-15)
    sigmoid = Sigmoid()
    sigmoid.forward(x)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(sigmoid.backward(np.ones(5)), s * (1 - s), rtol=1e-14)


def test_sigmoid_layer_is_stable_for_huge_inputs():
    # the layer uses common.functions.sigmoid, which never calls exp on a large positive number
    layer = Sigmoid()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise"):
            out = layer.forward(np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_array_equal(out, [[0.0, 0.5, 1.0]])
    assert Sigmoid().forward(np.zeros((1, 2), dtype=np.float32)).dtype == np.float32


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


def test_softmax_with_loss_golden_value():
    # scores 0 and log 3 for two classes: p = (1/4, 3/4); label 1 costs -log(3/4), gradient (p - onehot) / N
    layer = SoftmaxWithLoss()
    assert layer.forward(np.array([[0.0, np.log(3.0)]]), np.array([1])) == pytest.approx(-np.log(0.75), rel=1e-14)
    np.testing.assert_allclose(layer.backward(), [[0.25, -0.25]], rtol=1e-14)


def test_softmax_with_loss_names_a_label_shape_mismatch():
    with pytest.raises(ValueError, match="labels have shape"):
        SoftmaxWithLoss().forward(np.zeros((3, 4)), np.zeros(2, dtype=int))


def batchnorm_with_running_statistics(rng, d=5):
    """A BatchNorm layer whose running statistics are not the trivial start (0, 1)."""
    return BatchNormalization(rng.standard_normal(d), rng.standard_normal(d),
                              running_mean=rng.standard_normal(d), running_var=rng.uniform(0.5, 2.0, d))


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_gradients(train, rng):
    x = rng.standard_normal((8, 5)) * 3 + 1
    layer = batchnorm_with_running_statistics(rng)
    running = {key: value.copy() for key, value in layer.buffers.items()}
    errors = layer_gradient_check(layer, x, train=train, rng=rng)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < TOL, errors
    for key, value in layer.buffers.items():  # the check restores the running statistics
        np.testing.assert_array_equal(value, running[key], err_msg=key)


def test_batchnorm_inference_gradient_treats_the_statistics_as_constants(rng):
    x = rng.standard_normal((8, 5)) * 3 + 1
    layer = batchnorm_with_running_statistics(rng)
    dout = rng.standard_normal((8, 5))
    layer.forward(x, train=True)
    dx_train = layer.backward(dout)
    layer.forward(x, train=False)
    dx_inference = layer.backward(dout)
    # inference: out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta, a fixed affine map per feature
    np.testing.assert_allclose(dx_inference, dout * layer.gamma / np.sqrt(layer.running_var + layer.eps), rtol=1e-14)
    assert relative_error(dx_train, dx_inference) > 0.1, "the training gradient goes through the batch statistics"
    # in training the input gradient of every feature sums to zero over the batch (the mean is subtracted)
    np.testing.assert_allclose(dx_train.sum(axis=0), 0.0, atol=1e-12)


def test_batchnorm_golden_values():
    # two samples per feature: x_hat = +-1 (up to eps), then gamma * x_hat + beta
    x = np.linspace(0.0, 3.0, 4).reshape(2, 2)  # [[0, 1], [2, 3]]: mean (1, 2), variance (1, 1)
    layer = BatchNormalization(np.array([2.0, 1.0]), np.array([0.0, 10.0]), momentum=0.5, eps=0.0)
    np.testing.assert_allclose(layer.forward(x), [[-2.0, 9.0], [2.0, 11.0]], rtol=1e-15)
    np.testing.assert_allclose(layer.running_mean, [0.5, 1.0])   # 0.5 * 0 + 0.5 * (1, 2)
    np.testing.assert_allclose(layer.running_var, [1.0, 1.0])    # 0.5 * 1 + 0.5 * (1, 1)
    # inference: (x - running_mean) / sqrt(running_var) = [[-0.5, 0], [1.5, 2]], then gamma and beta
    np.testing.assert_allclose(layer.forward(x, train=False), [[-1.0, 10.0], [3.0, 12.0]], rtol=1e-15)


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
    before = {key: value.copy() for key, value in layer.buffers.items()}
    inference = layer.forward(x, train=False)
    for key, value in layer.buffers.items():
        np.testing.assert_array_equal(value, before[key], err_msg=f"inference changed {key}")
    assert not np.allclose(inference, out)  # a different normalization than the batch's own
    np.testing.assert_allclose(inference.mean(axis=0), 0.0, atol=0.3)


def test_batchnorm_of_one_sample_is_all_zero():
    layer = BatchNormalization(np.ones(4), np.zeros(4))
    np.testing.assert_array_equal(layer.forward(np.array([[1.0, 2.0, 3.0, 4.0]])), 0.0)


def test_batchnorm_names_a_wrong_input_shape():
    with pytest.raises(ValueError, match=r"2-D input.*\(5,\)"):
        BatchNormalization(np.ones(5), np.zeros(5)).forward(np.zeros(5))


# --- layer normalization -------------------------------------------------------------------------------------

@pytest.mark.parametrize("train", [True, False])
def test_layernorm_gradients(train, rng):
    x = rng.standard_normal((6, 5)) * 3 + 1
    layer = LayerNormalization(rng.standard_normal(5), rng.standard_normal(5))
    errors = layer_gradient_check(layer, x, train=train, rng=rng)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < TOL, errors
    assert layer.buffers == {}, "no running statistics"


def test_layernorm_golden_values():
    # each row has two features: x_hat = +-1 (eps = 0), then gamma * x_hat + beta, whatever the other rows hold
    x = np.array([[1.0, 3.0], [0.0, 4.0]])  # means 2 and 2, variances 1 and 4
    layer = LayerNormalization(np.array([2.0, 1.0]), np.array([0.0, 10.0]), eps=0.0)
    np.testing.assert_allclose(layer.forward(x), [[-2.0, 11.0], [-2.0, 11.0]], rtol=1e-15)
    # BatchNorm normalizes the columns instead: means (0.5, 3.5), variances (0.25, 0.25)
    batchnorm = BatchNormalization(np.array([2.0, 1.0]), np.array([0.0, 10.0]), eps=0.0)
    np.testing.assert_allclose(batchnorm.forward(x), [[2.0, 9.0], [-2.0, 11.0]], rtol=1e-15)


def test_layernorm_treats_each_sample_alone(rng):
    layer = LayerNormalization(rng.standard_normal(7), rng.standard_normal(7))
    x = rng.standard_normal((5, 7)) * [[1.0], [10.0], [0.1], [3.0], [1.0]] + 2.0
    batch = layer.forward(x, train=True)
    for n in range(5):   # a batch of one gives the same row as the batch of five
        np.testing.assert_allclose(layer.forward(x[n:n + 1], train=True)[0], batch[n], rtol=1e-14, atol=1e-14)
    np.testing.assert_array_equal(layer.forward(x, train=False), batch)   # training and inference agree
    x_hat = (batch - layer.beta) / layer.gamma
    np.testing.assert_allclose(x_hat.mean(axis=1), 0.0, atol=1e-12)       # every row: mean 0, variance 1
    np.testing.assert_allclose(x_hat.var(axis=1), 1.0, rtol=1e-3)
    # the input gradient of every sample sums to zero over its features (its own mean is subtracted)
    np.testing.assert_allclose(layer.backward(rng.standard_normal((5, 7))).sum(axis=1), 0.0, atol=1e-12)


def test_layernorm_keeps_the_dtype_and_names_a_wrong_input_shape():
    layer = LayerNormalization(np.ones(3, dtype=np.float32), np.zeros(3, dtype=np.float32))
    assert layer.forward(np.linspace(0, 1, 6, dtype=np.float32).reshape(2, 3)).dtype == np.float32
    with pytest.raises(ValueError, match=r"2-D input.*\(3,\)"):
        layer.forward(np.zeros(3))


# --- dropout --------------------------------------------------------------------------------------------------

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


@pytest.mark.parametrize("inverted", [True, False])
def test_dropout_backward_uses_the_same_mask(inverted, rng):
    layer = Dropout(0.5, inverted=inverted, rng=rng)
    x = rng.standard_normal((10, 10))
    out = layer.forward(x, train=True)
    mask = layer.mask.copy()
    assert 0 < mask.mean() < 1
    dout = rng.standard_normal((10, 10))
    dx = layer.backward(dout)
    scale = 2.0 if inverted else 1.0
    np.testing.assert_array_equal(out, x * mask * scale)
    np.testing.assert_array_equal(dx, dout * mask * scale)  # the derivative of the forward map, mask and all


@pytest.mark.parametrize("inverted", [True, False])
def test_dropout_gradient_check_in_inference_mode(inverted, rng):
    errors = layer_gradient_check(Dropout(0.3, inverted=inverted, rng=rng), rng.standard_normal((4, 5)),
                                  train=False, rng=rng)
    assert errors["x"] < TOL, errors


def test_dropout_gradient_check_with_a_fixed_mask(rng):
    layer = Dropout(0.5, rng=rng)
    layer.forward(np.ones((4, 5)), train=True)
    mask = layer.mask.copy()
    layer.rng = type("FixedMask", (), {"random": lambda self, shape, dtype: np.where(mask, 1.0, 0.0)})()
    errors = layer_gradient_check(layer, rng.standard_normal((4, 5)), train=True, rng=rng)
    assert errors["x"] < TOL, errors
    np.testing.assert_array_equal(layer.mask, mask)


def test_dropout_masks_are_reproducible_from_the_seed():
    a = Dropout(0.5, rng=np.random.default_rng(7)).forward(np.ones((4, 6)))
    b = Dropout(0.5, rng=np.random.default_rng(7)).forward(np.ones((4, 6)))
    c = Dropout(0.5, rng=np.random.default_rng(8)).forward(np.ones((4, 6)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c), "a different seed gives a different mask"


@pytest.mark.parametrize("ratio", [1.0, -0.1])
def test_dropout_rejects_a_ratio_outside_zero_to_one(ratio):
    with pytest.raises(ValueError, match="dropout_ratio"):
        Dropout(ratio)


# --- the check itself -----------------------------------------------------------------------------------------

def test_layer_gradient_check_catches_a_wrong_backward(rng):
    layer = Tanh()
    layer.backward = lambda dout: dout * (1.0 - layer.out)  # forgot to square
    errors = layer_gradient_check(layer, rng.standard_normal((4, 3)), rng=rng)
    assert errors["x"] > 1e-2


def test_layer_gradient_check_refuses_an_all_zero_gradient(rng):
    x = -np.abs(rng.standard_normal((3, 4))) - 0.1  # every input negative: ReLU's gradient is all zero
    with pytest.raises(ValueError, match="'x' is all zero"):
        layer_gradient_check(Relu(), x, rng=rng)

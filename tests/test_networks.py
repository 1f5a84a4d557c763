"""Gradient checks of both networks, and their errors."""

import numpy as np
import pytest

from common.gradient import gradient_check
from common.networks import MultiLayerNet, MultiLayerNetExtend, init_std

TOL = 1e-6


def small_batch(rng, n=6, d=5, classes=3):
    return rng.standard_normal((n, d)), rng.integers(0, classes, n)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("weight_decay_lambda", [0.0, 0.1])
def test_multilayernet_gradient_check(activation, weight_decay_lambda, rng):
    x, t = small_batch(rng)
    net = MultiLayerNet(5, [6, 4], 3, activation=activation, weight_init_std=0.5,
                        weight_decay_lambda=weight_decay_lambda, rng=rng)
    errors = gradient_check(net, x, t)
    assert set(errors) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert max(errors.values()) < TOL, errors


def test_batchnorm_network_gradient_check_on_several_samples(rng):
    x, t = small_batch(rng, n=8)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_batchnorm=True, weight_init_std=0.5,
                              activation="tanh", weight_decay_lambda=0.05, rng=rng)
    errors = gradient_check(net, x, t)
    assert set(errors) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"}
    assert max(errors.values()) < TOL, errors


def test_dropout_network_gradient_check_in_inference_mode(rng):
    x, t = small_batch(rng)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_dropout=True, dropout_ratio=0.3,
                              dropout_inverted=False, activation="sigmoid", weight_init_std=0.5, rng=rng)
    errors = gradient_check(net, x, t, train=False)
    assert max(errors.values()) < TOL, errors


def test_sampled_gradient_check_of_a_full_size_batchnorm_network(rng):
    x, t = rng.random((6, 784)), rng.integers(0, 10, 6)
    net = MultiLayerNetExtend(784, [20, 20], 10, use_batchnorm=True, rng=rng)
    errors = gradient_check(net, x, t, max_entries=40, rng=rng)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < TOL, errors


def test_a_broken_backward_pass_fails_the_check(rng):
    x, t = small_batch(rng, n=8)
    net = MultiLayerNetExtend(5, [6], 3, use_batchnorm=True, rng=rng)
    layer = net.layers["BatchNorm1"]
    correct_backward = layer.backward
    layer.backward = lambda dout: correct_backward(dout) * 1.01  # a 1 % error upstream of W1
    errors = gradient_check(net, x, t)
    assert errors["W1"] > 1e-3 and errors["W2"] < TOL


def test_numerical_gradient_leaves_running_statistics_unchanged(rng):
    x, t = small_batch(rng, n=8)
    net = MultiLayerNetExtend(5, [4], 3, use_batchnorm=True, rng=rng)
    net.loss(x, t, train=True)
    before = net.layers["BatchNorm1"].running_mean.copy()
    net.numerical_gradient(x, t)
    np.testing.assert_array_equal(net.layers["BatchNorm1"].running_mean, before)


def test_gradient_check_refuses_a_single_sample(rng):
    net = MultiLayerNetExtend(5, [4], 3, use_batchnorm=True, rng=rng)
    with pytest.raises(ValueError, match="at least 2"):
        gradient_check(net, *small_batch(rng, n=1))


def test_layers_share_the_parameter_arrays(rng):
    net = MultiLayerNet(5, [4], 3, rng=rng)
    assert net.layers["Affine1"].W is net.params["W1"]
    net.params["W1"] -= 1.0  # an in-place update is seen by the layer
    assert net.layers["Affine1"].W is net.params["W1"]


def test_same_seed_same_network():
    a = MultiLayerNet(5, [4], 3, rng=np.random.default_rng(3))
    b = MultiLayerNet(5, [4], 3, rng=np.random.default_rng(3))
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_end_to_end(dtype, rng):
    net = MultiLayerNetExtend(5, [4], 3, use_batchnorm=True, dtype=dtype, rng=rng)
    x, t = small_batch(rng)
    loss, grads = net.loss_and_gradient(x, t)
    assert all(p.dtype == dtype for p in net.params.values())
    assert all(g.dtype == dtype for g in grads.values())
    assert net.predict(x).dtype == dtype


def test_initial_weight_rules():
    assert init_std("he", 100, 50) == pytest.approx(np.sqrt(2 / 100))
    assert init_std("relu", 100, 50) == pytest.approx(np.sqrt(2 / 100))
    assert init_std("xavier", 100, 50) == pytest.approx(np.sqrt(2 / 150))
    assert init_std("sigmoid", 100, 50) == pytest.approx(np.sqrt(2 / 150))
    assert init_std("lecun", 100, 50) == pytest.approx(np.sqrt(1 / 100))
    assert init_std(0.01, 100, 50) == 0.01
    net = MultiLayerNet(2000, [1000], 10, weight_init_std="he", rng=np.random.default_rng(0))
    assert net.params["W1"].std() == pytest.approx(np.sqrt(2 / 2000), rel=0.01)


def test_bad_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'selu'.*relu"):
        MultiLayerNet(5, [4], 3, activation="selu")
    with pytest.raises(ValueError, match="unknown weight_init_std 'kaiming'.*he"):
        MultiLayerNet(5, [4], 3, weight_init_std="kaiming")


def test_wrong_input_width_names_both_numbers(rng):
    net = MultiLayerNet(784, [4], 10, rng=rng)
    with pytest.raises(ValueError, match="783 features.*784"):
        net.predict(np.zeros((2, 783)))


def test_accuracy_with_index_and_one_hot_labels(rng):
    net = MultiLayerNet(5, [4], 3, rng=rng)
    x, _ = small_batch(rng, n=20)
    t = net.predict(x).argmax(axis=1)
    assert net.accuracy(x, t) == 1.0
    assert net.accuracy(x, np.eye(3)[t]) == 1.0
    assert net.accuracy(x, (t + 1) % 3) == 0.0


def test_chunked_threaded_accuracy_equals_the_plain_computation(rng):
    from common import networks

    net = MultiLayerNetExtend(20, [30, 30], 4, use_batchnorm=True, use_dropout=True, dropout_inverted=False, rng=rng)
    x = rng.standard_normal((3 * networks.INFERENCE_CHUNK + 17, 20))
    net.loss_and_gradient(x[:50], rng.integers(0, 4, 50))  # move the running statistics off their start
    t = rng.integers(0, 4, len(x))
    plain = float(np.mean(net.predict(x).argmax(axis=1) == t))
    assert net.accuracy(x, t) == plain
    np.testing.assert_array_equal(net.infer(x[:10]), net.predict(x[:10]))

"""Gradient checks of both networks, and their errors."""

from collections import OrderedDict

import numpy as np
import pytest

from common.gradient import gradient_check
from common.initialization import init_std
from common.networks import MultiLayerNet, MultiLayerNetExtend
from common.optimizers import SGD

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


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_network_gradient_check_on_several_samples(train, rng):
    x, t = small_batch(rng, n=8)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_batchnorm=True, weight_init_std=0.5,
                              activation="tanh", weight_decay_lambda=0.05, rng=rng)
    for _ in range(3):  # running statistics away from their start (0, 1), so that inference mode differs
        net.loss(rng.standard_normal((8, 5)) * 2 + 1, t, train=True)
    errors = gradient_check(net, x, t, train=train)
    assert set(errors) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("train", [True, False])
def test_layernorm_network_gradient_check(train, rng):
    x, t = small_batch(rng)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_layernorm=True, weight_init_std=0.5, activation="tanh",
                              weight_decay_lambda=0.05, rng=rng)
    for key in ("gamma1", "beta1", "gamma2", "beta2", "b1", "b2"):   # away from the trivial start (1, 0)
        net.params[key][...] = rng.standard_normal(net.params[key].shape)
    errors = gradient_check(net, x, t, train=train)
    assert set(errors) == {"W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"}
    assert max(errors.values()) < TOL, errors


def test_layernorm_network_layers_and_the_bias_that_does_not_cancel(rng):
    net = MultiLayerNetExtend(5, [6, 4], 3, use_layernorm=True, rng=rng)
    assert list(net.layers) == ["Affine1", "LayerNorm1", "Activation1", "Affine2", "LayerNorm2", "Activation2",
                                "Affine3"]
    assert net.params["gamma1"] is net.layers["LayerNorm1"].gamma and net.params["b1"] is net.layers["Affine1"].b
    assert net.weight_keys == ("W1", "W2", "W3")
    x, t = small_batch(rng)
    _, grads = net.loss_and_gradient(x, t)
    # LayerNorm removes the mean of b over the features, and only that: the gradient of b has no mean
    # component, but is not zero
    np.testing.assert_allclose(grads["b1"].sum(), 0.0, atol=1e-12)
    assert np.abs(grads["b1"]).max() > 1e-3


def test_a_layernorm_network_scores_each_sample_alone_and_learns(rng, blobs):
    net = MultiLayerNetExtend(8, [16], 3, use_layernorm=True, rng=rng)
    x, t = blobs(n=120)
    np.testing.assert_allclose(net.predict(x[:1], train=True)[0], net.predict(x, train=True)[0], rtol=1e-12)
    np.testing.assert_array_equal(net.predict(x, train=True), net.predict(x, train=False))
    before = net.accuracy(x, t)
    optimizer = SGD(lr=0.1)
    for step in range(60):
        batch = slice(20 * (step % 6), 20 * (step % 6 + 1))
        optimizer.update(net.params, net.gradient(x[batch], t[batch]))
    assert before < 0.7 and net.accuracy(x, t) > 0.9


def test_batchnorm_and_layernorm_together_are_refused():
    with pytest.raises(ValueError, match="use_batchnorm and use_layernorm are both True"):
        MultiLayerNetExtend(5, [4], 3, use_batchnorm=True, use_layernorm=True)


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
    net = MultiLayerNetExtend(5, [4], 3, use_batchnorm=True, rng=rng)
    owners = {"W1": ("Affine1", "W"), "gamma1": ("BatchNorm1", "gamma"), "beta1": ("BatchNorm1", "beta"),
              "W2": ("Affine2", "W"), "b2": ("Affine2", "b")}
    assert set(net.params) == set(owners)
    for key, (layer, name) in owners.items():
        assert net.params[key] is net.layers[layer].params[name], key
    x = rng.standard_normal((3, 5))
    before = net.predict(x)
    SGD(lr=0.5).update(net.params, {key: np.ones_like(p) for key, p in net.params.items()})
    assert not np.allclose(net.predict(x), before), "an optimizer's in-place update reaches the layers"
    np.testing.assert_array_equal(net.layers["Affine2"].b, -0.5)


def test_same_seed_same_network():
    a = MultiLayerNet(5, [4], 3, rng=np.random.default_rng(3))
    b = MultiLayerNet(5, [4], 3, rng=np.random.default_rng(3))
    c = MultiLayerNet(5, [4], 3, rng=np.random.default_rng(4))
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.params["W1"], c.params["W1"]), "another seed, other weights"


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


def test_accuracy_is_the_fraction_of_top_scores_that_are_the_label(rng):
    net = MultiLayerNetExtend(20, [30, 30], 4, use_batchnorm=True, use_dropout=True, dropout_inverted=False, rng=rng)
    net.loss_and_gradient(rng.standard_normal((50, 20)), rng.integers(0, 4, 50))  # move the running statistics
    x = rng.standard_normal((3000, 20))
    t = rng.integers(0, 4, len(x))
    plain = float(np.mean(net.predict(x).argmax(axis=1) == t))
    assert 0.1 < plain < 0.9, "labels that are partly right, so that a wrong count would show"
    assert net.accuracy(x, t) == plain


def test_a_network_has_no_infer_and_predict_runs_every_layer_with_the_train_flag(rng):
    net = MultiLayerNetExtend(5, [6, 4], 3, use_batchnorm=True, use_dropout=True, rng=rng)
    assert not hasattr(net, "infer") and not any(hasattr(layer, "infer") for layer in net.layers.values())
    calls = []
    for name, layer in net.layers.items():
        def spy(x, train=True, name=name, forward=layer.forward):
            calls.append((name, train))
            return forward(x, train)
        layer.forward = spy
    x, t = small_batch(rng)
    for train in (True, False):
        calls.clear()
        net.predict(x, train=train)
        assert calls == [(name, train) for name in net.layers], train
    calls.clear()
    net.predict(x)
    assert {train for _, train in calls} == {False}, "predict defaults to inference"
    calls.clear()
    net.accuracy(x, t)
    assert len(calls) == len(net.layers) and {train for _, train in calls} == {False}
    calls.clear()
    net.loss_and_gradient(x, t)
    assert len(calls) == len(net.layers) and {train for _, train in calls} == {True}


def test_inference_is_deterministic_and_training_is_not(rng):
    net = MultiLayerNetExtend(5, [6], 3, use_dropout=True, dropout_ratio=0.5, rng=rng)
    x, _ = small_batch(rng)
    np.testing.assert_array_equal(net.predict(x), net.predict(x))
    assert not np.array_equal(net.predict(x, train=True), net.predict(x, train=True)), "a new dropout mask"


def batchnorm_after_activation(net):
    """Chapter 3, exercise 3: Affine -> activation -> BatchNorm in every hidden layer, same layer objects."""
    reordered = OrderedDict()
    for name, layer in net.layers.items():
        if not name.startswith("BatchNorm"):
            reordered[name] = layer
        if name.startswith("Activation"):
            number = name[len("Activation"):]
            reordered[f"BatchNorm{number}"] = net.layers[f"BatchNorm{number}"]
    net.layers = reordered
    return net


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_reordered_layers_keep_the_gradients_right(activation, rng):
    x, t = small_batch(rng, n=8)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_batchnorm=True, activation=activation, weight_init_std=0.5, rng=rng)
    before = net.predict(x, train=True)
    batchnorm_after_activation(net)
    assert list(net.layers) == ["Affine1", "Activation1", "BatchNorm1", "Affine2", "Activation2", "BatchNorm2",
                                "Affine3"]
    assert not np.allclose(net.predict(x, train=True), before), "the order is the one that runs"
    errors = gradient_check(net, x, t)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < TOL, errors
    errors = gradient_check(net, x, t, train=False)
    assert max(errors.values()) < TOL, errors


def test_weight_keys_name_the_weight_matrices_only(rng):
    assert MultiLayerNet(5, [4, 4], 3, rng=rng).weight_keys == ("W1", "W2", "W3")
    net = MultiLayerNetExtend(5, [4, 4], 3, use_batchnorm=True, rng=rng)
    assert net.weight_keys == ("W1", "W2", "W3")
    assert all(net.params[key].ndim == 2 for key in net.weight_keys)
    assert all(net.params[key].ndim == 1 for key in set(net.params) - set(net.weight_keys))


def test_weight_penalty_golden_value():
    net = MultiLayerNet(2, [2], 2, weight_decay_lambda=0.1)
    for i, key in enumerate(net.weight_keys, start=1):
        net.params[key][...] = np.linspace(0.0, 1.0, 4).reshape(2, 2) * i  # sum of squares 14/9, times i^2
    net.params["b1"][...] = 100.0  # biases carry no penalty
    assert net.weight_penalty() == pytest.approx(0.5 * 0.1 * (14 / 9) * (1 + 4), rel=1e-14)
    x, t = np.linspace(-1, 1, 6).reshape(3, 2), np.array([0, 1, 1])
    assert net.loss(x, t) == pytest.approx(net.last_layer.forward(net.predict(x), t) + net.weight_penalty())
    assert MultiLayerNet(2, [2], 2).weight_penalty() == 0.0


@pytest.mark.parametrize("hidden, message", [
    ([4, 0], r"hidden_size_list\[1\] must be a positive integer, got 0"),
    ([4, -3], r"hidden_size_list\[1\] must be a positive integer, got -3"),
    ([4.5], r"hidden_size_list\[0\] must be a positive integer, got 4.5"),
    ([True], r"hidden_size_list\[0\] must be a positive integer, got True"),
])
def test_bad_hidden_sizes_are_named(hidden, message):
    with pytest.raises(ValueError, match=message):
        MultiLayerNet(5, hidden, 3)


@pytest.mark.parametrize("sizes, message", [
    ((5, [4], 0), "output_size must be a positive integer, got 0"),
    ((5, [4], 2.0), "output_size must be a positive integer, got 2.0"),
    ((0, [4], 3), "input_size must be a positive integer, got 0"),
])
def test_bad_input_and_output_sizes_are_named(sizes, message):
    with pytest.raises(ValueError, match=message):
        MultiLayerNetExtend(*sizes, use_batchnorm=True)


def test_other_bad_options_are_named():
    with pytest.raises(ValueError, match=r"weight_decay_lambda must be in \[0.0, inf\), got -0.1"):
        MultiLayerNet(5, [4], 3, weight_decay_lambda=-0.1)
    with pytest.raises(ValueError, match="dtype must be float32 or float64, got float16"):
        MultiLayerNet(5, [4], 3, dtype=np.float16)
    with pytest.raises(ValueError, match="dropout_ratio"):
        MultiLayerNetExtend(5, [4], 3, use_dropout=True, dropout_ratio=1.0)
    with pytest.raises(TypeError):
        MultiLayerNet(5, [4], 3, "relu")  # the options are keyword-only


def test_accuracy_and_loss_check_the_labels(rng):
    net = MultiLayerNet(5, [4], 10, rng=rng)
    x = rng.standard_normal((3, 5))
    with pytest.raises(ValueError, match=r"0\.\.9 for 10 classes, got values from 0 to 12"):
        net.accuracy(x, np.array([0, 12, 3]))
    with pytest.raises(ValueError, match="got values from -1"):
        net.accuracy(x, np.array([0, -1, 3]))
    with pytest.raises(ValueError, match="integer class indices"):
        net.loss(x, np.array([0.5, 1.0, 3.0]))
    with pytest.raises(ValueError, match=r"labels have shape \(2,\)"):
        net.loss_and_gradient(x, np.array([0, 1]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_input_is_named_not_scored(bad, rng):
    net = MultiLayerNet(5, [4], 3, rng=rng)
    x, t = small_batch(rng)
    x[2, 1] = bad
    with pytest.raises(ValueError, match="x holds 1 NaN or infinite values"):
        net.predict(x)
    with pytest.raises(ValueError, match="x holds 1 NaN or infinite values"):
        net.accuracy(x, t)
    with pytest.raises(ValueError, match="x holds 1 NaN or infinite values"):
        net.loss_and_gradient(x, t)


def test_a_dropout_ratio_of_one_is_refused_through_the_network():
    with pytest.raises(ValueError, match=r"dropout_ratio must be in \[0.0, 1.0\), got 1.0"):
        MultiLayerNetExtend(5, [4], 3, use_dropout=True, dropout_ratio=1.0)
    with pytest.raises(ValueError, match=r"dropout_ratio must be in \[0.0, 1.0\), got -0.1"):
        MultiLayerNetExtend(5, [4], 3, use_dropout=True, dropout_ratio=-0.1)


def test_parameter_keys_are_stated_per_layer(rng):
    net = MultiLayerNetExtend(5, [4, 4], 3, use_layernorm=True, use_dropout=True, rng=rng)
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]
    assert list(net.layers) == ["Affine1", "LayerNorm1", "Activation1", "Dropout1", "Affine2", "LayerNorm2",
                                "Activation2", "Dropout2", "Affine3"]
    for key, (layer, name) in net.param_owners.items():
        assert net.params[key] is layer.params[name], key

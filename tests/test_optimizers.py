"""Update rules against values derived by hand, state reuse, errors, and learning."""

import math

import numpy as np
import pytest

from common.networks import MultiLayerNet, MultiLayerNetExtend
from common.optimizers import OPTIMIZERS, SGD, AdaDelta, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSprop

G = np.array([0.5, 0.25])  # a constant gradient, so every step can be worked out on paper


def run(optimizer, steps, grad=G):
    params = {"W": np.array([1.0, -2.0])}
    array = params["W"]
    path = []
    for _ in range(steps):
        optimizer.update(params, {"W": grad.copy()})
        path.append(params["W"].copy())
    assert params["W"] is array, "the update must change the array in place"
    return path


def test_sgd():
    # W <- W - 0.1 g: 1 - 0.05 = 0.95, then 0.90; -2 - 0.025 = -2.025, then -2.05
    np.testing.assert_allclose(run(SGD(lr=0.1), 2), [[0.95, -2.025], [0.90, -2.05]])


def test_momentum():
    # v1 = -0.1 g = (-0.05, -0.025);                  W1 = (0.95, -2.025)
    # v2 = 0.9 v1 - 0.1 g = (-0.095, -0.0475);        W2 = (0.855, -2.0725)
    # v3 = 0.9 v2 - 0.1 g = (-0.1355, -0.06775);      W3 = (0.7195, -2.14025)
    np.testing.assert_allclose(run(Momentum(lr=0.1, momentum=0.9), 3),
                               [[0.95, -2.025], [0.855, -2.0725], [0.7195, -2.14025]])


def test_nesterov():
    # v1 = (-0.05, -0.025); W1 = W + 0.9 v1 - 0.1 g = (1 - 0.045 - 0.05, -2 - 0.0225 - 0.025)
    # v2 = (-0.095, -0.0475); W2 = W1 + 0.9 v2 - 0.1 g = (0.905 - 0.0855 - 0.05, -2.0475 - 0.04275 - 0.025)
    np.testing.assert_allclose(run(Nesterov(lr=0.1, momentum=0.9), 2),
                               [[0.905, -2.0475], [0.7695, -2.11525]])


def test_nesterov_equals_the_look_ahead_definition():
    # Sutskever et al.: v <- a v - lr grad(theta + a v); theta <- theta + v, on f = 0.5 * k * theta^2.
    k, lr, a = np.array([1.0, 10.0]), 0.05, 0.9
    theta, v = np.array([1.0, 1.0]), np.zeros(2)
    params = {"W": theta + a * v}  # the stored, look-ahead point
    optimizer = Nesterov(lr=lr, momentum=a)
    for _ in range(5):
        v = a * v - lr * k * (theta + a * v)
        theta = theta + v
        optimizer.update(params, {"W": k * params["W"]})
        np.testing.assert_allclose(params["W"], theta + a * v, rtol=1e-12)


def test_adagrad():
    # h1 = g^2: step = lr g / |g| = 0.1; h2 = 2 g^2: step = 0.1 / sqrt(2)
    path = run(AdaGrad(lr=0.1, eps=0.0), 2)
    step2 = 0.1 / math.sqrt(2)
    np.testing.assert_allclose(path, [[0.9, -2.1], [0.9 - step2, -2.1 - step2]])


def test_rmsprop():
    # rho = 0.5: h1 = 0.5 g^2, step 0.1 sqrt(2); h2 = 0.75 g^2, step 0.1 / sqrt(0.75)
    path = run(RMSprop(lr=0.1, decay_rate=0.5, eps=0.0), 2)
    s1, s2 = 0.1 * math.sqrt(2), 0.1 / math.sqrt(0.75)
    np.testing.assert_allclose(path, [[1 - s1, -2 - s1], [1 - s1 - s2, -2 - s1 - s2]])


def test_adadelta():
    # Zeiler's algorithm 1, one coordinate at a time with scalars
    rho, eps = 0.5, 1e-6
    expected, w = [], [1.0, -2.0]
    eg, ex = [0.0, 0.0], [0.0, 0.0]
    for _ in range(3):
        for i, g in enumerate(G):
            eg[i] = rho * eg[i] + (1 - rho) * g * g
            dx = -math.sqrt(ex[i] + eps) / math.sqrt(eg[i] + eps) * g
            ex[i] = rho * ex[i] + (1 - rho) * dx * dx
            w[i] += dx
        expected.append(list(w))
    np.testing.assert_allclose(run(AdaDelta(decay_rate=rho, eps=eps), 3), expected, rtol=1e-12)
    # the first step is about sqrt(eps / (1 - rho)) in size, whatever the gradient's scale
    assert abs(expected[0][0] - 1.0) == pytest.approx(math.sqrt(eps / 0.5), rel=1e-3)


def test_adam_moves_lr_per_step_under_a_constant_gradient():
    # with bias correction m_hat = g and v_hat = g^2 at every step, so the step is lr * sign(g)
    np.testing.assert_allclose(run(Adam(lr=0.1, eps=0.0), 3), [[0.9, -2.1], [0.8, -2.2], [0.7, -2.3]])


def test_adam_first_steps_with_changing_gradients():
    grads = [np.array([1.0]), np.array([-2.0])]
    optimizer = Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=0.0)
    params = {"w": np.array([0.0])}
    m = v = 0.0
    w = 0.0
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g[0]
        v = 0.999 * v + 0.001 * g[0] ** 2
        w -= 0.1 * (m / (1 - 0.9**t)) / math.sqrt(v / (1 - 0.999**t))
        optimizer.update(params, {"w": g})
        assert params["w"][0] == pytest.approx(w, rel=1e-12)


def test_adamw_decays_only_the_decayed_keys():
    params = {"W": np.array([1.0]), "b": np.array([1.0])}
    AdamW(lr=0.1, decoupled_weight_decay=0.5, decayed_keys=["W"]).update(
        params, {"W": np.array([0.0]), "b": np.array([0.0])})
    assert params["W"][0] == pytest.approx(1.0 - 0.1 * 0.5, rel=1e-15)
    assert params["b"][0] == 1.0


def test_adamw_without_decayed_keys_decays_everything():
    params = {"W": np.array([1.0]), "b": np.array([2.0])}
    AdamW(lr=0.1, decoupled_weight_decay=0.5).update(params, {"W": np.array([0.0]), "b": np.array([0.0])})
    np.testing.assert_allclose([params["W"][0], params["b"][0]], [0.95, 1.9], rtol=1e-15)


def test_adamw_decays_exactly_the_weight_matrices_of_a_batchnorm_network():
    # zero gradients: the Adam step is 0 (m = v = 0), so only the decay moves anything
    net = MultiLayerNetExtend(4, [5, 3], 2, use_batchnorm=True, rng=np.random.default_rng(0))
    for key, param in net.params.items():
        if key not in net.weight_keys:
            param[...] = np.linspace(-1.0, 1.0, param.size)  # gamma, beta, b: non-zero, so a decay would show
    assert net.weight_keys == ("W1", "W2", "W3")
    before = {key: param.copy() for key, param in net.params.items()}
    lr, wd = 0.1, 0.3
    AdamW(lr=lr, decoupled_weight_decay=wd, decayed_keys=net.weight_keys).update(
        net.params, {key: np.zeros_like(param) for key, param in net.params.items()})
    for key in net.params:
        if key in net.weight_keys:
            np.testing.assert_allclose(net.params[key], before[key] * (1 - lr * wd), rtol=1e-15, err_msg=key)
        else:
            np.testing.assert_array_equal(net.params[key], before[key], err_msg=f"{key} must not decay")
    assert set(net.params) - set(net.weight_keys) == {"gamma1", "beta1", "gamma2", "beta2", "b3"}


def test_adamw_names_an_unknown_decayed_key():
    optimizer = AdamW(decayed_keys=["W1", "W9"])
    with pytest.raises(ValueError, match=r"decayed_keys names \['W9'\], which params does not have"):
        optimizer.update({"W1": np.zeros(2)}, {"W1": np.zeros(2)})


def test_adamw_equals_adam_without_decay():
    adam, adamw = Adam(lr=0.1), AdamW(lr=0.1, decoupled_weight_decay=0.0)
    np.testing.assert_array_equal(run(adam, 3, grad=np.linspace(-1, 1, 2)), run(adamw, 3, grad=np.linspace(-1, 1, 2)))


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(lr=-1), r"lr must be in \[0.0, inf\), got -1"),
    (lambda: SGD(lr=float("nan")), "lr must be in"),
    (lambda: SGD(lr=float("inf")), r"lr must be in \[0.0, inf\), got inf"),
    (lambda: SGD(lr="0.1"), r"lr must be in \[0.0, inf\), got '0.1'"),
    (lambda: Momentum(momentum=-0.1), r"momentum must be in \[0.0, 1.0\), got -0.1"),
    (lambda: Nesterov(momentum=1.0), r"momentum must be in \[0.0, 1.0\), got 1.0"),
    (lambda: AdaGrad(eps=-1e-7), r"eps must be in \[0.0, inf\)"),
    (lambda: RMSprop(decay_rate=1.5), r"decay_rate must be in \[0.0, 1.0\), got 1.5"),
    (lambda: AdaDelta(eps=0), r"eps must be in \(0.0, inf\), got 0"),
    (lambda: AdaDelta(decay_rate=1), r"decay_rate must be in \[0.0, 1.0\), got 1"),
    (lambda: Adam(beta1=1), r"beta1 must be in \[0.0, 1.0\), got 1"),
    (lambda: Adam(beta2=-0.5), r"beta2 must be in \[0.0, 1.0\), got -0.5"),
    (lambda: Adam(lr=-0.001), "lr must be in"),
    (lambda: AdamW(decoupled_weight_decay=-0.01), r"decoupled_weight_decay must be in \[0.0, inf\)"),
    (lambda: AdamW(beta1=1.0), "beta1 must be in"),
])
def test_settings_outside_their_range_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_settings_at_the_edge_of_their_range_are_accepted():
    # lr = 0 and momentum = 0 are valid (no step; plain SGD); eps = 0 works wherever g != 0
    np.testing.assert_array_equal(run(SGD(lr=0), 1), [[1.0, -2.0]])
    np.testing.assert_allclose(run(Momentum(lr=0.1, momentum=0), 2), run(SGD(lr=0.1), 2), rtol=1e-15)
    Adam(beta1=0.0, beta2=0.0, eps=0.0)
    RMSprop(decay_rate=0.0)


def test_state_survives_and_is_per_key():
    optimizer = Momentum(lr=0.1, momentum=0.9)
    first = run(optimizer, 1)
    assert set(optimizer.v) == {"W"}
    velocity = optimizer.v["W"].copy()
    params = {"W": first[0].copy()}
    optimizer.update(params, {"W": G.copy()})  # a second call continues from the stored velocity
    np.testing.assert_allclose(params["W"], first[0] + 0.9 * velocity - 0.1 * G)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_scalar_parameters_work_for_two_dimensional_toys(name):
    # Python floats in, float64 arithmetic throughout: the same path as with float64 arrays
    optimizer, reference = OPTIMIZERS[name](), OPTIMIZERS[name]()
    params = {"x": -7.0, "y": 2.0}
    arrays = {"x": np.array(-7.0), "y": np.array(2.0)}
    for _ in range(3):
        optimizer.update(params, {"x": -0.7, "y": 4.0})
        reference.update(arrays, {"x": np.array(-0.7), "y": np.array(4.0)})
    for key in params:
        assert np.asarray(params[key]).dtype == np.float64, key
        assert params[key] == pytest.approx(float(arrays[key]), rel=1e-15, abs=0), key
    assert params["x"] != -7.0 and params["y"] != 2.0


def test_adam_on_python_floats_is_exact_to_float64():
    params = {"x": -7.0, "y": 2.0}
    Adam(lr=0.3, eps=0.0).update(params, {"x": -0.7, "y": 4.0})  # the first step is lr * sign(g)
    # (float32 state, as numpy 2 gives for a Python float unless asked, would be off by ~1e-8)
    assert params["x"] == pytest.approx(-6.7, rel=1e-15) and params["y"] == pytest.approx(1.7, rel=1e-15)


def test_float32_parameters_keep_float32_state_and_values():
    params = {"W": np.linspace(-1, 1, 4, dtype=np.float32)}
    optimizer = Adam(lr=0.1)
    optimizer.update(params, {"W": np.ones(4, dtype=np.float32)})
    assert params["W"].dtype == np.float32 and optimizer.m["W"].dtype == np.float32


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_bad_keys_and_shapes_are_named(name):
    optimizer = OPTIMIZERS[name]()
    params = {"W1": np.zeros((2, 3)), "b1": np.zeros(3)}
    with pytest.raises(ValueError, match="grads is missing key 'b1'"):
        optimizer.update(params, {"W1": np.zeros((2, 3))})
    with pytest.raises(ValueError, match="grads has key 'W9'"):
        optimizer.update(params, {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W9": np.zeros(1)})
    with pytest.raises(ValueError, match=r"grads\['W1'\] has shape \(3, 2\)"):
        optimizer.update(params, {"W1": np.zeros((3, 2)), "b1": np.zeros(3)})


def test_state_shape_mismatch_is_named():
    optimizer = Adam()
    optimizer.update({"W": np.zeros(3)}, {"W": np.ones(3)})
    with pytest.raises(ValueError, match="params\\['W'\\] has shape \\(4,\\)"):
        optimizer.update({"W": np.zeros(4)}, {"W": np.ones(4)})


SETTINGS = {
    "SGD": lambda: SGD(lr=0.1), "Momentum": lambda: Momentum(lr=0.05), "Nesterov": lambda: Nesterov(lr=0.05),
    "AdaGrad": lambda: AdaGrad(lr=0.1), "RMSprop": lambda: RMSprop(lr=0.01), "AdaDelta": AdaDelta,
    "Adam": lambda: Adam(lr=0.01), "AdamW": lambda: AdamW(lr=0.01),
}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_a_network_learns_through_each_optimizer(name, blobs):
    x, t = blobs(n=300, features=10, seed=1)
    rng = np.random.default_rng(1)
    net = MultiLayerNet(10, [16], 3, rng=rng)
    optimizer = SETTINGS[name]()
    before = net.loss(x, t)
    for _ in range(300):
        idx = rng.choice(300, 32)
        optimizer.update(net.params, net.gradient(x[idx], t[idx]))
    assert net.loss(x, t) < 0.5 * before
    assert net.accuracy(x, t) > 0.9


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_integer_parameter_arrays_are_named(name):
    params = {"W1": np.zeros((2, 3)), "b1": np.zeros(3, dtype=np.int64)}
    grads = {"W1": np.ones((2, 3)), "b1": np.ones(3)}
    with pytest.raises(TypeError, match=r"params\['b1'\] is an array of int64: .* must hold floats"):
        OPTIMIZERS[name]().update(params, grads)
    np.testing.assert_array_equal(params["W1"], 0.0)    # refused before anything changed

"""Update rules against values derived by hand, state reuse, errors, and learning."""

import math

import numpy as np
import pytest

from common.networks import MultiLayerNet
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


def test_adamw_decays_weights_but_not_biases():
    params = {"W": np.array([1.0]), "b": np.array([1.0])}
    AdamW(lr=0.1, weight_decay=0.5).update(params, {"W": np.array([0.0]), "b": np.array([0.0])})
    assert params["W"][0] == pytest.approx(1.0 - 0.1 * 0.5)
    assert params["b"][0] == 1.0


def test_state_survives_and_is_per_key():
    optimizer = Momentum(lr=0.1, momentum=0.9)
    first = run(optimizer, 1)
    assert set(optimizer.v) == {"W"}
    velocity = optimizer.v["W"].copy()
    params = {"W": first[0].copy()}
    optimizer.update(params, {"W": G.copy()})  # a second call continues from the stored velocity
    np.testing.assert_allclose(params["W"], first[0] + 0.9 * velocity - 0.1 * G)


def test_scalar_parameters_work_for_two_dimensional_toys():
    params = {"x": -7.0, "y": 2.0}
    Adam(lr=0.3).update(params, {"x": -0.7, "y": 4.0})
    assert params["x"] == pytest.approx(-6.7) and params["y"] == pytest.approx(1.7)


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
def test_a_network_learns_through_each_optimizer(name):
    rng = np.random.default_rng(1)
    centers = rng.standard_normal((3, 10)) * 2
    t = rng.integers(0, 3, 300)
    x = centers[t] + rng.standard_normal((300, 10))
    net = MultiLayerNet(10, [16], 3, rng=rng)
    optimizer = SETTINGS[name]()
    before = net.loss(x, t)
    for _ in range(300):
        idx = rng.choice(300, 32)
        optimizer.update(net.params, net.gradient(x[idx], t[idx]))
    assert net.loss(x, t) < 0.5 * before
    assert net.accuracy(x, t) > 0.9

"""Parameter-update rules (chapter 1).

Every optimizer has one method, ``update(params, grads)``, that changes the
arrays in ``params`` in place (networks hold references to the same arrays).
``params`` and ``grads`` are dicts with the same keys and shapes; a missing
or extra key, or a shape that differs, raises an error naming the key.
State (velocities, running averages) is created per key on the first call and
kept across calls, so one optimizer object trains one model.
The learning rate is the attribute ``lr`` of every optimizer that has one
(all but AdaDelta), read at each update: a schedule
(:mod:`common.schedules`) changes it between updates.

Notation: g is the gradient, eta the learning rate (``lr``), and all
operations are elementwise. Settings outside their valid range (a negative
learning rate, a decay rate of 1, ...) raise a ValueError naming the setting
and its range, as torch.optim does.
"""

import math

import numpy as np

from common.checks import require_range


class Optimizer:
    """Base class: ``update`` checks the arguments, then updates each parameter with ``update_one``."""

    def update(self, params, grads):
        check_params_and_grads(params, grads)
        self.begin_step()
        for key in params:
            self.update_one(key, params, grads[key])
        return params

    def begin_step(self):
        """What happens once per update, before the parameters (Adam counts its steps here)."""

    def update_one(self, key, params, grad):
        raise NotImplementedError

    def state(self, store, key, like):
        """The state array ``store[key]``, created as zeros shaped like ``like`` on first use."""
        value = store.get(key)
        if value is None:
            # At least float32, and float64 for a Python float (a 2-D toy): result_type(-7.0, float32) alone
            # would be float32, since numpy 2 treats a Python scalar as "weak".
            value = store[key] = np.zeros_like(like, dtype=np.result_type(np.asarray(like).dtype, np.float32))
        elif value.shape != np.shape(like):
            raise ValueError(f"params[{key!r}] has shape {np.shape(like)} but this optimizer's state for it has "
                             f"shape {value.shape}: use a new optimizer for a new model")
        return value

    def __repr__(self):
        settings = ", ".join(f"{k}={v}" for k, v in vars(self).items() if not isinstance(v, dict))
        return f"{type(self).__name__}({settings})"


def check_params_and_grads(params, grads):
    """Raise an error naming the first key that is missing, extra, of the wrong shape, or not a float array."""
    for key in {**params, **grads}:          # every key of either, params' first
        if key not in grads:
            raise ValueError(f"grads is missing key {key!r}")
        if key not in params:
            raise ValueError(f"grads has key {key!r} that params does not have")
        param, grad = params[key], grads[key]
        if np.shape(param) != np.shape(grad):
            raise ValueError(f"grads[{key!r}] has shape {np.shape(grad)} but params[{key!r}] has shape "
                             f"{np.shape(param)}")
        if isinstance(param, np.ndarray) and param.dtype.kind not in "fc":
            raise TypeError(f"params[{key!r}] is an array of {param.dtype}: the update is written into it in place, "
                            f"so it must hold floats (e.g. params[{key!r}].astype(float))")


class SGD(Optimizer):
    """Stochastic gradient descent: W <- W - eta g."""

    def __init__(self, lr=0.01):
        self.lr = require_range("lr", lr, 0.0, math.inf, high_open=True)

    def update_one(self, key, params, grad):
        params[key] -= self.lr * grad


class Momentum(Optimizer):
    """Polyak's heavy ball: v <- alpha v - eta g,  W <- W + v."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = require_range("lr", lr, 0.0, math.inf, high_open=True)
        self.momentum = require_range("momentum", momentum, 0.0, 1.0, high_open=True)
        self.v = {}

    def update_one(self, key, params, grad):
        v = self.state(self.v, key, params[key])
        v *= self.momentum
        v -= self.lr * grad
        params[key] += v


class Nesterov(Momentum):
    """Nesterov momentum (Sutskever et al. 2013), written for the look-ahead point.

    The definition evaluates g at W + alpha v. Storing the look-ahead point
    instead of W (Bengio et al. 2013) turns it into an update that needs only
    the gradient at the stored parameters:
        v <- alpha v - eta g,   W <- W + alpha v - eta g   (with the new v).
    The settings and the state are Momentum's.
    """

    def update_one(self, key, params, grad):
        v = self.state(self.v, key, params[key])
        step = self.lr * grad
        v *= self.momentum
        v -= step
        params[key] += self.momentum * v - step


class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al. 2011): h <- h + g*g,  W <- W - eta g / (sqrt(h) + eps).

    eps = 1e-7 sits outside the square root (as in the original book) and only
    guards the first steps against division by zero.
    """

    def __init__(self, lr=0.01, eps=1e-7):
        self.lr = require_range("lr", lr, 0.0, math.inf, high_open=True)
        self.eps = require_range("eps", eps, 0.0, math.inf, high_open=True)
        self.h = {}

    def update_one(self, key, params, grad):
        h = self.state(self.h, key, params[key])
        h += grad * grad
        params[key] -= self.lr * grad / (np.sqrt(h) + self.eps)


class RMSprop(Optimizer):
    """RMSprop (Hinton 2012): h <- rho h + (1 - rho) g*g,  W <- W - eta g / (sqrt(h) + eps).

    ``decay_rate`` is rho (0.99 as in the original book); eps = 1e-7 outside the root.
    """

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-7):
        self.lr = require_range("lr", lr, 0.0, math.inf, high_open=True)
        self.decay_rate = require_range("decay_rate", decay_rate, 0.0, 1.0, high_open=True)
        self.eps = require_range("eps", eps, 0.0, math.inf, high_open=True)
        self.h = {}

    def update_one(self, key, params, grad):
        h = self.state(self.h, key, params[key])
        h *= self.decay_rate
        h += (1.0 - self.decay_rate) * grad * grad
        params[key] -= self.lr * grad / (np.sqrt(h) + self.eps)


class AdaDelta(Optimizer):
    """AdaDelta (Zeiler 2012), which has no global learning rate.

        E[g2]  <- rho E[g2] + (1 - rho) g*g
        dW      = - sqrt(E[dW2] + eps) / sqrt(E[g2] + eps) * g
        E[dW2] <- rho E[dW2] + (1 - rho) dW*dW
        W      <- W + dW
    eps sits inside both square roots, as in the paper (rho = 0.95, eps = 1e-6).
    The ratio of the two RMS values gives the step the units of W.
    """

    def __init__(self, decay_rate=0.95, eps=1e-6):
        self.decay_rate = require_range("decay_rate", decay_rate, 0.0, 1.0, high_open=True)
        self.eps = require_range("eps", eps, 0.0, math.inf, low_open=True, high_open=True)
        self.mean_sq_grad = {}
        self.mean_sq_delta = {}

    def update_one(self, key, params, grad):
        rho = self.decay_rate
        mean_sq_grad = self.state(self.mean_sq_grad, key, params[key])
        mean_sq_delta = self.state(self.mean_sq_delta, key, params[key])
        mean_sq_grad *= rho
        mean_sq_grad += (1.0 - rho) * grad * grad
        delta = -np.sqrt(mean_sq_delta + self.eps) / np.sqrt(mean_sq_grad + self.eps) * grad
        mean_sq_delta *= rho
        mean_sq_delta += (1.0 - rho) * delta * delta
        params[key] += delta


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) with bias correction, in the paper's efficient form.

        m <- beta1 m + (1 - beta1) g,     v <- beta2 v + (1 - beta2) g*g
        W <- W - eta_t m / (sqrt(v) + eps),  eta_t = eta sqrt(1 - beta2^t) / (1 - beta1^t)
    Folding both corrections into eta_t equals eta m_hat / (sqrt(v_hat) + eps')
    with m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t), for a slightly
    rescaled eps' (chapter 1 derives and checks it). eps = 1e-8 outside the root.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = require_range("lr", lr, 0.0, math.inf, high_open=True)
        self.beta1 = require_range("beta1", beta1, 0.0, 1.0, high_open=True)
        self.beta2 = require_range("beta2", beta2, 0.0, 1.0, high_open=True)
        self.eps = require_range("eps", eps, 0.0, math.inf, high_open=True)
        self.iter = 0
        self.m = {}
        self.v = {}

    def begin_step(self):
        """t <- t + 1, and eta_t for this step's parameters."""
        self.iter += 1
        self.lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)

    def update_one(self, key, params, grad):
        m = self.state(self.m, key, params[key])
        v = self.state(self.v, key, params[key])
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad * grad
        params[key] -= self.lr_t * m / (np.sqrt(v) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    After the Adam step, W <- W - eta * decoupled_weight_decay * W. Unlike the
    L2 penalty of ``MultiLayerNet(weight_decay_lambda=...)``, which enters the
    gradient and is then rescaled by Adam, this shrinks the weights directly.
    ``decayed_keys`` names the parameters to decay: pass a network's
    ``weight_keys`` to decay its weight matrices and leave biases and
    BatchNorm's gamma and beta alone; None decays every parameter.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, decoupled_weight_decay=0.01, decayed_keys=None):
        super().__init__(lr, beta1, beta2, eps)
        self.decoupled_weight_decay = require_range("decoupled_weight_decay", decoupled_weight_decay, 0.0,
                                                    math.inf, high_open=True)
        self.decayed_keys = None if decayed_keys is None else frozenset(decayed_keys)

    def update(self, params, grads):
        if self.decayed_keys is not None and not self.decayed_keys <= params.keys():
            raise ValueError(f"decayed_keys names {sorted(self.decayed_keys - params.keys())}, "
                             f"which params does not have")
        return super().update(params, grads)

    def update_one(self, key, params, grad):
        super().update_one(key, params, grad)
        if self.decayed_keys is None or key in self.decayed_keys:
            params[key] -= self.lr * self.decoupled_weight_decay * params[key]


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta, Adam, AdamW)}

"""Two-dimensional toy problems for watching optimizers move (chapter 1, sections 2-5).

Three surfaces f(x, y), each with its gradient and the start used in the book:

* the anisotropic bowl ``bowl``: f = x²/20 + y², curvatures 0.1 and 2, start (-7, 2)
  (as in "Deep Learning from Scratch", ch. 6);
* the saddle ``saddle``: f = -x²/20 + y², start (-0.01, 1), just off the ridge;
* Rosenbrock's valley ``rosenbrock``: f = (1 - x)² + 100 (y - x²)², minimum (1, 1),
  start (-1.2, 1).

The surface functions take x and y separately (numbers or arrays of any shape,
for contour plots); the gradients take one point ``w`` of shape (2,) (or (2, ...)
for many points at once) and return an array of the same shape.

``descend`` runs any optimizer of :mod:`common.optimizers` on such a surface
through its ordinary ``update(params, grads)``: the same code that trains a
network moves the point.
"""

import numpy as np

BOWL_START = (-7.0, 2.0)
BOWL_CURVATURES = (0.1, 2.0)  # the second derivatives of x²/20 and y²: lambda_min and lambda_max
SADDLE_START = (-0.01, 1.0)
ROSENBROCK_START = (-1.2, 1.0)
ROSENBROCK_MINIMUM = (1.0, 1.0)


def bowl(x, y):
    """The anisotropic bowl f(x, y) = x²/20 + y², minimum 0 at the origin."""
    return x ** 2 / 20 + y ** 2


def bowl_gradient(w):
    """Gradient of the bowl at w = (x, y): (x/10, 2y)."""
    w = np.asarray(w, dtype=float)
    return np.array([w[0] / 10, 2 * w[1]])


def saddle(x, y):
    """The saddle f(x, y) = -x²/20 + y²: down along x, up along y, flat at the origin."""
    return -x ** 2 / 20 + y ** 2


def saddle_gradient(w):
    """Gradient of the saddle at w = (x, y): (-x/10, 2y)."""
    w = np.asarray(w, dtype=float)
    return np.array([-w[0] / 10, 2 * w[1]])


def rosenbrock(x, y):
    """Rosenbrock's function f(x, y) = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def rosenbrock_gradient(w):
    """Gradient of Rosenbrock's function at w = (x, y)."""
    x, y = np.asarray(w, dtype=float)
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


def descend(optimizer, gradient, start, steps=30):
    """Apply `steps` updates of `optimizer` to the 2-D point `start`; return the path, shape (steps + 1, 2)."""
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    params = {"w": np.array(start, dtype=float)}
    path = [params["w"].copy()]
    for _ in range(steps):
        optimizer.update(params, {"w": gradient(params["w"])})
        path.append(params["w"].copy())
    return np.array(path)


def distance(path, minimum=(0.0, 0.0)):
    """Distance of every point of `path` (shape (n, 2)) to `minimum`: shape (n,)."""
    return np.linalg.norm(np.asarray(path, dtype=float) - np.asarray(minimum, dtype=float), axis=-1)

"""Data augmentation of MNIST images in numpy: small random shifts and rotations.

Each function takes a batch of flattened images x (N, 784), rows of 28 x 28
pixels, and returns a new array of the same shape; the input is never
changed. Float input keeps its dtype; integer pixels come back as float32.
Pixels that come from outside the image are 0 (MNIST's background).
The whole batch is transformed at once, with no Python loop over images:
one gather of N x 784 values for a shift, four for a rotation.

- ``shift(x, dx, dy)`` / ``random_shift(x, rng, max_shift)``: whole pixels, dx to the right, dy down.
- ``rotate(x, degrees)`` / ``random_rotation(x, rng, max_degrees)``: about the center,
  counterclockwise as the image is shown, with bilinear interpolation.
- ``augment(x, rng, max_shift, max_degrees)``: a random rotation, then a random shift.

The random versions draw one shift or angle per image from ``rng``, a
``numpy.random.Generator``: the same generator state gives the same batch.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from common.checks import require_int, require_range

SIDE = 28
CENTRE = (SIDE - 1) / 2       # 13.5: the middle of the 28 x 28 grid of pixel centers
# A rotated pixel comes from at most half a diagonal, 13.5 * sqrt(2) < 19.1, from the center: from
# row or column -5.6 to 32.6. Seven rows and columns of zeros around the image hold every pixel that
# bilinear interpolation can reach, whatever the angle, so no index ever needs clipping.
ROTATION_PAD = 7


def _checked_images(x):
    """``x`` as an array of 28 x 28 images (N, 28, 28) in a float dtype; a ValueError for any other shape."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != SIDE * SIDE:
        raise ValueError(f"x must be MNIST rows of shape (N, {SIDE * SIDE}), got shape {x.shape}")
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    return x.reshape(-1, SIDE, SIDE).astype(dtype, copy=False)


def _per_image(name, values, n):
    """``values`` (a number, or one per image) as an array (n,); a ValueError naming ``name`` otherwise."""
    values = np.broadcast_to(np.asarray(values), (n,)) if np.ndim(values) == 0 else np.asarray(values)
    if values.shape != (n,):
        raise ValueError(f"{name} must be a number or one value per image, shape ({n},), got shape {values.shape}")
    return values


def shift(x, dx, dy):
    """Shift each image by whole pixels: dx to the right, dy down (negative: left, up), filling with 0.

    x (N, 784); dx, dy: integers, one each or one per image (N,). No
    wrap-around: what leaves the 28 x 28 frame is lost.
    out[n, i, j] = image_n[i - dy_n, j - dx_n], or 0 where that is outside.
    """
    images = _checked_images(x)
    n = len(images)
    dx, dy = (_per_image(name, v, n) for name, v in (("dx", dx), ("dy", dy)))
    if not (np.issubdtype(dx.dtype, np.integer) and np.issubdtype(dy.dtype, np.integer)):
        raise ValueError(f"dx and dy must be whole pixels (integers), got {dx.dtype} and {dy.dtype}")
    pad = int(min(max(np.abs(dx).max(initial=0), np.abs(dy).max(initial=0)), SIDE))
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)))
    # windows[n, a, b] is the 28 x 28 view of padded image n starting at row a, column b, i.e. image n
    # shifted down by pad - a and right by pad - b; clipping to pad is the same as shifting out entirely.
    windows = sliding_window_view(padded, (SIDE, SIDE), axis=(1, 2))
    rows, cols = pad - np.clip(dy, -pad, pad), pad - np.clip(dx, -pad, pad)
    return windows[np.arange(n), rows, cols].reshape(n, SIDE * SIDE)


def rotate(x, degrees):
    """Rotate each image about its center by ``degrees`` (counterclockwise as shown), bilinear, zeros outside.

    x (N, 784); degrees: a number, or one angle per image (N,).
    Output pixel (i, j), at (y, x) = (i - c, j - c) from the center c = 13.5,
    takes the value of the input at row c + x sin(a) + y cos(a), column
    c + x cos(a) - y sin(a) (the inverse rotation), interpolated between the
    four pixels around that point: along the row with the column's fractional
    part fc, then between the two rows with the row's fractional part fr.
    A multiple of 90 degrees moves every pixel onto another pixel (up to
    rounding in sin and cos): 90 degrees is np.rot90 of each image.
    The coordinates are computed in the images' dtype (float32: to ~4e-6 pixel).
    """
    images = _checked_images(x)
    n, dtype = len(images), images.dtype
    angle = np.deg2rad(_per_image("degrees", degrees, n).astype(np.float64))
    if not np.all(np.isfinite(angle)):
        raise ValueError("degrees must be finite numbers")
    cos, sin = (f(angle).astype(dtype)[:, None, None] for f in (np.cos, np.sin))
    offsets = np.arange(SIDE, dtype=dtype) - CENTRE
    y, x_ = offsets[:, None], offsets[None, :]
    width = SIDE + 2 * ROTATION_PAD
    padded = np.zeros((n, width, width), dtype=dtype)
    padded[:, ROTATION_PAD:-ROTATION_PAD, ROTATION_PAD:-ROTATION_PAD] = images
    flat = padded.reshape(-1)
    # Where each output pixel comes from (N, 28, 28), in the padded image's coordinates, split into a
    # whole pixel (row, col) and a fraction in [0, 1) (fr, fc). In place: fewer temporaries, faster.
    fr = (CENTRE + ROTATION_PAD) + x_ * sin + y * cos
    fc = (CENTRE + ROTATION_PAD) + x_ * cos - y * sin
    row, col = np.floor(fr), np.floor(fc)
    fr -= row
    fc -= col
    # The top-left neighbour as a position in the flattened batch of padded images; the other three
    # neighbours are at +1, +width and +width+1, read through views of ``flat`` shifted by as much.
    row *= width
    row += col                  # whole numbers below 42 * 42: exact in float32
    top_left = row.astype(np.intp) + (np.arange(n) * width * width)[:, None, None]
    top = _between(flat[top_left], flat[1:][top_left], fc)
    bottom = _between(flat[width:][top_left], flat[width + 1:][top_left], fc)
    return _between(top, bottom, fr).reshape(n, SIDE * SIDE)


def _between(a, b, fraction):
    """Linear interpolation a + fraction * (b - a), written into ``b`` (a fresh array of the caller's)."""
    b -= a
    b *= fraction
    b += a
    return b


def random_shift(x, rng, max_shift=2):
    """Shift each image by dx, dy drawn uniformly from the integers -max_shift..max_shift (see ``shift``).

    x (N, 784) -> (N, 784); rng: a numpy Generator (one draw of (N, 2) integers).
    """
    n = len(_checked_images(x))
    max_shift = require_int("max_shift", max_shift, 0)
    dx, dy = rng.integers(-max_shift, max_shift + 1, size=(2, n))
    return shift(x, dx, dy)


def random_rotation(x, rng, max_degrees=10):
    """Rotate each image by an angle drawn uniformly from [-max_degrees, max_degrees] (see ``rotate``).

    x (N, 784) -> (N, 784); rng: a numpy Generator (one draw of N angles).
    """
    n = len(_checked_images(x))
    max_degrees = require_range("max_degrees", max_degrees, 0.0, np.inf, high_open=True)
    return rotate(x, rng.uniform(-max_degrees, max_degrees, size=n))


def augment(x, rng, max_shift=2, max_degrees=10):
    """A random rotation of each image, then a random shift: random_shift(random_rotation(x)).

    x (N, 784) -> (N, 784); the angles are drawn from ``rng`` before the shifts.
    """
    return random_shift(random_rotation(x, rng, max_degrees), rng, max_shift)

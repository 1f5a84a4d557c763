"""Shifts and rotations of MNIST rows: known pixels land where expected, seeds reproduce, inputs stay."""

import numpy as np
import pytest

from common.augmentation import augment, random_rotation, random_shift, rotate, shift


def lit(row, col, n=1, dtype=np.float64):
    """n images, each black but for one pixel of value 1 at (row, col), as MNIST rows (n, 784)."""
    x = np.zeros((n, 28, 28), dtype=dtype)
    x[:, row, col] = 1.0
    return x.reshape(n, 784)


def bars(n=20):
    """n images of a vertical bar with soft edges, a crude '1': a shape that a rotation changes."""
    x = np.zeros((n, 28, 28))
    x[:, 6:22, 12:16] = 1.0
    x[:, 6:22, [11, 16]] = 0.5
    return x.reshape(n, 784)


def position(image):
    """(row, col) of the one lit pixel of an MNIST row."""
    (rows, cols) = np.nonzero(image.reshape(28, 28))
    assert len(rows) == 1, "exactly one lit pixel"
    return int(rows[0]), int(cols[0])


# --- shifts ---------------------------------------------------------------------------------------------------

def test_shift_moves_a_lit_pixel_exactly():
    out = shift(lit(10, 12), dx=3, dy=-2)          # 3 to the right, 2 up
    assert position(out[0]) == (8, 15) and out.sum() == 1.0
    moved = shift(lit(10, 12, n=3), dx=np.array([0, -4, 2]), dy=np.array([1, 0, -3]))
    assert [position(image) for image in moved] == [(11, 12), (10, 8), (7, 14)]


def test_shift_does_not_wrap_around():
    assert not shift(lit(0, 27), dx=1, dy=0).any(), "a pixel pushed out on the right does not come back on the left"
    assert not shift(lit(5, 5), dx=0, dy=40).any()
    image = np.arange(784.0).reshape(1, 784)
    out = shift(image, dx=-2, dy=0).reshape(28, 28)
    np.testing.assert_array_equal(out[:, :26], image.reshape(28, 28)[:, 2:])
    np.testing.assert_array_equal(out[:, 26:], 0.0)


def test_random_shift_moves_each_image_by_its_own_draw():
    x = lit(14, 13, n=200)
    out = random_shift(x, np.random.default_rng(3), max_shift=2)
    dx, dy = np.random.default_rng(3).integers(-2, 3, size=(2, 200))   # the documented draw
    assert [position(image) for image in out] == [(14 + b, 13 + a) for a, b in zip(dx, dy)]
    assert {int(a) for a in dx} == {-2, -1, 0, 1, 2}, "every shift in the range occurs"


# --- rotations ------------------------------------------------------------------------------------------------

def test_rotation_by_zero_is_the_identity(rng):
    x = rng.random((5, 784))
    np.testing.assert_array_equal(rotate(x, 0.0), x)
    np.testing.assert_array_equal(random_rotation(x, rng, max_degrees=0), x)


@pytest.mark.parametrize("dtype, atol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_rotation_by_90_degrees_is_a_quarter_turn_counterclockwise(dtype, atol, rng):
    out = rotate(lit(5, 20, dtype=dtype), 90.0)
    # pixel (i, j) of the output comes from (j, 27 - i): (5, 20) lands on (7, 5)
    assert out.reshape(28, 28)[7, 5] == pytest.approx(1.0, abs=atol)
    np.testing.assert_allclose(out, lit(7, 5), atol=atol)
    x = rng.random((4, 784)).astype(dtype)
    np.testing.assert_allclose(rotate(x, 90.0).reshape(4, 28, 28), np.rot90(x.reshape(4, 28, 28), axes=(1, 2)),
                               atol=atol)
    np.testing.assert_allclose(rotate(x, [90.0, -90.0, 180.0, 270.0]).reshape(4, 28, 28),
                               [np.rot90(image, k) for k, image in zip([1, -1, 2, 3], x.reshape(4, 28, 28))],
                               atol=atol)


def test_rotation_interpolates_between_pixels():
    # Under 45 degrees output pixel (13, 13), at (y, x) = (-0.5, -0.5) from the centre 13.5, comes from
    # row 13.5 - sqrt(1/2) = 12.79, column 13.5: from pixel (13, 13) with weight fr (1 - fc) = 0.79 * 0.5
    out = rotate(lit(13, 13), 45.0).reshape(28, 28)
    assert out[13, 13] == pytest.approx((1.5 - np.sqrt(0.5)) * 0.5, rel=1e-12)
    assert np.count_nonzero(out > 1e-9) >= 4 and out.max() < 1.0, "spread over the pixels around"


def test_small_rotations_roughly_keep_the_ink():
    x = bars()
    out = random_rotation(x, np.random.default_rng(0), max_degrees=10)
    ink = out.sum(axis=1) / x.sum(axis=1)
    np.testing.assert_allclose(ink, 1.0, atol=0.03)
    assert not np.allclose(out, x), "the bars did turn"
    assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-12, "bilinear weights are convex"


# --- augment, and what every function promises --------------------------------------------------------------

def test_augment_is_a_random_rotation_then_a_random_shift():
    x = bars(8)
    rng = np.random.default_rng(5)
    expected = random_shift(random_rotation(x, rng, max_degrees=10), rng, max_shift=2)
    np.testing.assert_array_equal(augment(x, np.random.default_rng(5)), expected)
    np.testing.assert_array_equal(augment(x, np.random.default_rng(5), max_shift=0, max_degrees=0), x)


@pytest.mark.parametrize("function", [random_shift, random_rotation, augment])
def test_same_seed_same_batch_and_the_input_untouched(function, rng):
    x = rng.random((6, 784)).astype(np.float32)
    original = x.copy()
    a = function(x, np.random.default_rng(1))
    b = function(x, np.random.default_rng(1))
    c = function(x, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c), "another seed, other shifts or angles"
    np.testing.assert_array_equal(x, original)
    assert a.shape == x.shape and a.dtype == np.float32 and not np.shares_memory(a, x)


@pytest.mark.parametrize("function", [lambda x: shift(x, 1, 0), lambda x: rotate(x, 10.0),
                                      lambda x: augment(x, np.random.default_rng(0))])
def test_dtypes(function):
    assert function(np.zeros((2, 784))).dtype == np.float64
    assert function(np.zeros((2, 784), dtype=np.float32)).dtype == np.float32
    pixels = function(np.full((2, 784), 255, dtype=np.uint8))
    assert pixels.dtype == np.float32 and pixels.max() == 255.0, "integer pixels come back as float32"


@pytest.mark.parametrize("shape", [(784,), (2, 783), (2, 28, 28)])
def test_wrong_shapes_are_named(shape):
    for call in (lambda x: shift(x, 1, 1), lambda x: rotate(x, 5.0),
                 lambda x: augment(x, np.random.default_rng(0))):
        with pytest.raises(ValueError, match=r"MNIST rows of shape \(N, 784\), got shape"):
            call(np.zeros(shape))


@pytest.mark.parametrize("call, message", [
    (lambda x: random_shift(x, np.random.default_rng(0), max_shift=-1), "max_shift must be an integer >= 0, got -1"),
    (lambda x: random_shift(x, np.random.default_rng(0), max_shift=1.5), "max_shift must be an integer >= 0"),
    (lambda x: random_rotation(x, np.random.default_rng(0), max_degrees=-5), r"max_degrees must be in \[0.0, inf\)"),
    (lambda x: random_rotation(x, np.random.default_rng(0), max_degrees=np.inf),
     r"max_degrees must be in \[0.0, inf\), got inf"),
    (lambda x: shift(x, 1.5, 0), "dx and dy must be whole pixels"),
    (lambda x: shift(x, [1, 2, 3], 0), r"dx must be a number or one value per image, shape \(2,\)"),
    (lambda x: rotate(x, np.nan), "degrees must be finite"),
])
def test_bad_settings_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.zeros((2, 784)))

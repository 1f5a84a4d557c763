"""The path animation: pixel positions, frames, determinism and errors."""

import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from common.display.animation import path_animation_html

PATHS = {"a": np.array([[0.0, 0.0], [5.0, 5.0], [10.0, 10.0]]),
         "b": np.array([[10.0, 0.0], [5.0, 2.0], [0.0, 4.0]])}
COLORS = {"a": "#1f77b4", "b": "red"}


@pytest.fixture
def picture():
    fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
    ax.set(xlim=(0, 10), ylim=(0, 10))
    yield fig, ax
    plt.close(fig)


def frames_of(html):
    return json.loads(re.search(r"const paths = (\[.*?\]);", html).group(1))


def test_points_land_on_the_data_positions(picture):
    fig, ax = picture
    html = path_animation_html(fig, ax, PATHS, COLORS)
    width, height = fig.canvas.get_width_height()
    assert f'width="{width}" height="{height}"' in html
    frames = frames_of(html)
    assert len(frames) == 2 and all(len(f) == 3 for f in frames)
    # data (0, 0) is the lower left corner of the axes, (10, 10) the upper right; SVG's y points down
    box = ax.get_window_extent()
    np.testing.assert_allclose(frames[0][0], [box.x0, height - box.y0], atol=0.06)
    np.testing.assert_allclose(frames[0][2], [box.x1, height - box.y1], atol=0.06)


def test_static_picture_shows_the_last_frame(picture):
    fig, ax = picture
    html = path_animation_html(fig, ax, PATHS, COLORS, tail=1)
    frames = frames_of(html)
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', html)
    np.testing.assert_allclose([[float(x), float(y)] for x, y in circles], [f[-1] for f in frames], atol=0.06)
    assert html.count("<polyline") == 2 and 'stroke="red"' in html
    assert 'max="2" value="2"' in html  # a slider over steps 0..2


def test_deterministic(picture):
    fig, ax = picture
    assert path_animation_html(fig, ax, PATHS, COLORS) == path_animation_html(fig, ax, PATHS, COLORS)


def test_errors(picture):
    fig, ax = picture
    with pytest.raises(ValueError, match="same number of points"):
        path_animation_html(fig, ax, {"a": PATHS["a"], "b": PATHS["b"][:2]}, COLORS)
    with pytest.raises(ValueError, match="no entry for 'b'"):
        path_animation_html(fig, ax, PATHS, {"a": "blue"})
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        path_animation_html(fig, ax, {"a": np.zeros(3)}, COLORS)

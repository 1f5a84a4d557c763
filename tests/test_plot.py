"""The plotting helpers: colours, saved figures, smoothed curves."""

import importlib
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from common.display import plot
from common.display.plot import COLORS, color, small_multiples, smooth_curve
from common.optimizers import OPTIMIZERS


def test_a_known_name_has_its_colour():
    assert color("Adam") == COLORS["Adam"] == "#d62728"
    assert color("SGD") == "#1f77b4"


def test_every_optimizer_has_a_colour_of_its_own():
    colours = [color(name) for name in OPTIMIZERS]
    assert len(set(colours)) == len(colours)


def test_an_unknown_name_raises_a_key_error_listing_the_known_ones():
    with pytest.raises(KeyError, match="no book color for 'Adamax'; known names: .*'AdaDelta'.*'Adam'.*'SGD'"):
        color("Adamax")


@pytest.fixture
def figure():
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [1, 0])
    yield fig
    plt.close(fig)


def test_save_figure_writes_a_png_and_leaves_no_temporary_file(figure, tmp_path, monkeypatch):
    images = tmp_path / "images" / "nested"
    monkeypatch.setattr(plot, "IMAGES_DIR", images)
    path = plot.save_figure(figure, "01_test")
    assert path == images / "01_test.png"
    assert path.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in images.iterdir()) == ["01_test.png"]
    plot.save_figure(figure, "01_test")  # saving again replaces the file
    assert sorted(p.name for p in images.iterdir()) == ["01_test.png"]


def test_save_figure_gives_the_usual_file_permissions(figure, tmp_path, monkeypatch):
    monkeypatch.setattr(plot, "IMAGES_DIR", tmp_path)
    umask = os.umask(0o022)
    os.umask(umask)
    path = plot.save_figure(figure, "mode")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask, "as open() would create it, not a private temp file"


def test_a_failed_save_leaves_the_old_figure_and_no_temporary_file(figure, tmp_path, monkeypatch):
    monkeypatch.setattr(plot, "IMAGES_DIR", tmp_path)
    path = plot.save_figure(figure, "kept")
    old = path.read_bytes()

    def broken_savefig(fname, **kwargs):
        Path(fname).write_bytes(b"half a png")
        raise OSError("disk full")

    monkeypatch.setattr(figure, "savefig", broken_savefig)
    with pytest.raises(OSError, match="disk full"):
        plot.save_figure(figure, "kept")
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.png"]


def test_images_dir_comes_from_book_images_dir(tmp_path, monkeypatch, figure):
    try:
        monkeypatch.setenv("BOOK_IMAGES_DIR", str(tmp_path / "elsewhere"))
        reloaded = importlib.reload(plot)
        assert reloaded.IMAGES_DIR == tmp_path / "elsewhere"
        assert reloaded.save_figure(figure, "x") == tmp_path / "elsewhere" / "x.png"
        monkeypatch.delenv("BOOK_IMAGES_DIR")
        assert importlib.reload(plot).IMAGES_DIR == Path(plot.__file__).resolve().parents[2] / "images"
    finally:
        monkeypatch.undo()
        importlib.reload(plot)


def test_figures_go_to_the_books_images_folder_when_it_is_writable(tmp_path):
    (tmp_path / "chapters").mkdir()
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert plot.choose_images_dir(env, tmp_path / "images", writable=lambda folder: True) == tmp_path / "images"
    assert plot.choose_images_dir({**env, "BOOK_IMAGES_DIR": str(tmp_path / "set")}, tmp_path / "images",
                                  writable=lambda folder: True) == tmp_path / "set"


def test_figures_go_to_a_folder_of_the_users_own_when_the_books_is_read_only_or_absent(tmp_path, monkeypatch):
    (tmp_path / "chapters").mkdir()
    user = tmp_path / "cache" / "training-techniques" / "images"
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    asked = []
    read_only = lambda folder: asked.append(folder) or False   # noqa: E731
    assert plot.choose_images_dir(env, tmp_path / "images", writable=read_only) == user
    assert asked == [tmp_path / "images"]
    # An installed wheel: no chapters/ beside the package, so never site-packages/images.
    installed = tmp_path / "site-packages" / "images"
    assert plot.choose_images_dir(env, installed, writable=lambda folder: True) == user
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert plot.user_images_dir({}) == tmp_path / "home" / ".cache" / "training-techniques" / "images"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_not_writable(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    assert plot._writable(folder) and plot._writable(folder / "images")   # can be created
    folder.chmod(0o555)
    try:
        assert not plot._writable(folder) and not plot._writable(folder / "images")
    finally:
        folder.chmod(0o755)


def test_a_file_in_the_way_is_not_a_writable_folder(tmp_path):
    (tmp_path / "images").write_text("not a folder")
    assert not plot._writable(tmp_path / "images")
    assert not plot._writable(tmp_path / "images" / "below")


def test_small_multiples_hides_the_spare_axes():
    fig, axes = small_multiples(5, ncols=4)
    try:
        assert len(axes) == 5 and len(fig.axes) == 8
        assert [ax.get_visible() for ax in fig.axes] == [True] * 5 + [False] * 3
    finally:
        plt.close(fig)


def test_smooth_curve_keeps_length_and_reduces_noise():
    rng = np.random.default_rng(0)
    noisy = np.linspace(2, 0, 500) + rng.normal(0, 0.3, 500)
    smooth = smooth_curve(noisy)
    assert smooth.shape == noisy.shape
    assert np.std(np.diff(smooth)) < 0.2 * np.std(np.diff(noisy))
    np.testing.assert_allclose(smooth_curve(np.full(50, 3.0)), 3.0)
    # a straight line stays straight away from the ends (the window is symmetric)
    line = np.linspace(0.0, 1.0, 30)
    np.testing.assert_allclose(smooth_curve(line)[5:-5], line[5:-5], atol=1e-12)


def test_smooth_curve_of_a_short_or_bad_curve():
    np.testing.assert_array_equal(smooth_curve([1.0, 5.0, 2.0]), [1.0, 5.0, 2.0])
    with pytest.raises(ValueError, match=r"1-D curve, got shape \(2, 2\)"):
        smooth_curve(np.zeros((2, 2)))

"""The MNIST loader: the real files (when present) and small synthetic IDX files."""

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from dataset import mnist
from dataset.mnist import MnistError, load_mnist, parse_idx, read_checked

SHARED = Path(__file__).resolve().parents[2] / "shared" / "mnist"


def idx_bytes(array):
    """The IDX encoding of a uint8 array: magic, big-endian sizes, then the data."""
    header = (0x0800 + array.ndim).to_bytes(4, "big")
    header += b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_gz(path, data):
    with gzip.open(path, "wb") as f:
        f.write(data)
    return path


@pytest.fixture
def images():
    return np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28).astype(np.uint8)


def test_a_valid_idx_file_round_trips(tmp_path, images):
    data = idx_bytes(images)
    path = write_gz(tmp_path / "x.gz", data)
    out = read_checked(path, hashlib.sha256(data).hexdigest(), (3, 28, 28))
    np.testing.assert_array_equal(out, images)


def test_a_truncated_file_is_named(tmp_path, images):
    path = write_gz(tmp_path / "train-images-idx3-ubyte.gz", idx_bytes(images)[:-10])
    with pytest.raises(MnistError, match="train-images-idx3-ubyte.gz.*truncated"):
        read_checked(path)


def test_a_cut_gzip_stream_is_named(tmp_path, images):
    good = write_gz(tmp_path / "good.gz", idx_bytes(images)).read_bytes()
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(MnistError, match="t10k-labels-idx1-ubyte.gz.*corrupt or truncated"):
        read_checked(path)


def test_altered_content_fails_the_checksum(tmp_path, images):
    data = idx_bytes(images)
    altered = bytearray(data)
    altered[-1] ^= 0xFF
    path = write_gz(tmp_path / "train-labels-idx1-ubyte.gz", bytes(altered))
    with pytest.raises(MnistError, match="train-labels-idx1-ubyte.gz.*sha256"):
        read_checked(path, hashlib.sha256(data).hexdigest())


def test_a_bad_magic_number_is_reported():
    with pytest.raises(MnistError, match="magic"):
        parse_idx(b"\x00\x00\x09\x01" + b"\x00" * 8, "x")


def test_a_wrong_shape_is_reported(images):
    with pytest.raises(MnistError, match=r"shape \(3, 28, 28\), expected \(60000, 28, 28\)"):
        parse_idx(idx_bytes(images), "x", (60000, 28, 28))


def test_mnist_dir_without_the_files_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    with pytest.raises(MnistError, match="MNIST_DIR=.*does not exist"):
        mnist.locate("train-images-idx3-ubyte.gz", "0" * 32)


def test_offline_with_no_files_tells_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("MNIST_CACHE_DIR", str(tmp_path / "cache"))
    # port 9 (discard) on this machine refuses the connection at once: a stand-in for no network
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/a/", "http://127.0.0.1:9/b/"))
    with pytest.raises(MnistError, match="(?s)could not download train-labels-idx1-ubyte.gz.*set MNIST_DIR") as info:
        mnist.locate("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432")
    assert "127.0.0.1:9/a/:" in str(info.value) and "127.0.0.1:9/b/:" in str(info.value)  # both mirrors tried
    leftovers = list((tmp_path / "cache").glob("*")) if (tmp_path / "cache").exists() else []
    assert leftovers == [], f"half-written files left behind: {leftovers}"


def test_the_cache_is_used_when_mnist_dir_is_unset(tmp_path, monkeypatch, images):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("MNIST_CACHE_DIR", str(tmp_path))
    path = write_gz(tmp_path / "t10k-labels-idx1-ubyte.gz", idx_bytes(images))
    assert mnist.locate("t10k-labels-idx1-ubyte.gz", "0" * 32, download=False) == path


needs_mnist = pytest.mark.skipif(not (SHARED / "train-images-idx3-ubyte.gz").exists() and not mnist.os.environ.get(
    "MNIST_DIR"), reason="no local MNIST folder")


@needs_mnist
def test_real_mnist_shapes_and_statistics(monkeypatch):
    if not mnist.os.environ.get("MNIST_DIR"):
        monkeypatch.setenv("MNIST_DIR", str(SHARED))
    (x_train, t_train), (x_test, t_test) = load_mnist()
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert float(x_train.mean()) == pytest.approx(0.1307, abs=1e-4)
    assert float(x_train.std()) == pytest.approx(0.3081, abs=1e-4)
    np.testing.assert_array_equal(np.bincount(t_train), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    assert t_test.shape == (10000,)
    (raw, _), _ = load_mnist(normalize=False)
    assert raw.dtype == np.uint8 and float(raw.mean()) == pytest.approx(33.318, abs=1e-3)
    (images, labels), _ = load_mnist(flatten=False, one_hot_label=True)
    assert images.shape == (60000, 1, 28, 28) and labels.shape == (60000, 10)
    np.testing.assert_array_equal(labels.argmax(axis=1), t_train)


@needs_mnist
def test_loading_twice_prints_nothing_and_returns_independent_copies(monkeypatch, capsys):
    if not mnist.os.environ.get("MNIST_DIR"):
        monkeypatch.setenv("MNIST_DIR", str(SHARED))
    (a, _), _ = load_mnist()
    a[0, 0] = 123.0
    (b, _), _ = load_mnist()
    assert b[0, 0] == 0.0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@needs_mnist
def test_a_subset_is_the_first_rows_of_the_whole_set(monkeypatch):
    if not mnist.os.environ.get("MNIST_DIR"):
        monkeypatch.setenv("MNIST_DIR", str(SHARED))
    (x_all, t_all), (x_test_all, _) = load_mnist()
    (x, t), (x_test, t_test) = load_mnist(n_train=300, n_test=0)
    np.testing.assert_array_equal(x, x_all[:300])
    np.testing.assert_array_equal(t, t_all[:300])
    assert x_test.shape == (0, 784) and t_test.shape == (0,)
    (_, _), (x_test, _) = load_mnist(n_train=0, n_test=10)
    np.testing.assert_array_equal(x_test, x_test_all[:10])


@pytest.mark.parametrize("n_train", [-1, 60001, 2.5, True])
def test_a_subset_size_outside_the_set_is_refused(monkeypatch, n_train):
    monkeypatch.setattr(mnist, "_load_raw", lambda: {
        "train_images": np.zeros((60000, 28, 28), np.uint8), "train_labels": np.zeros(60000, np.uint8),
        "test_images": np.zeros((10000, 28, 28), np.uint8), "test_labels": np.zeros(10000, np.uint8)})
    with pytest.raises(ValueError, match="n_train must be an integer from 0 to 60000"):
        load_mnist(n_train=n_train)

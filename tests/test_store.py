"""The results store: computed once per key, read back bit for bit, never stale, never half written."""

import json

import numpy as np
import pytest

from common.experiments import store
from common.experiments.store import remembered


@pytest.fixture(autouse=True)
def results_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_RESULTS_DIR", str(tmp_path / "results"))
    return tmp_path / "results"


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_computes_once_and_reads_back_the_same_bits():
    rng = np.random.default_rng(0)
    value = {"losses": rng.standard_normal((3, 5)).astype(np.float32), "acc": [0.1 + 0.2, float("nan")],
             "best": np.float64(1 / 3), "label": "SGD", "stopped_at": None, "count": np.int64(7)}
    compute = Counter(value)
    first = remembered("runs", compute, spec={"seeds": [0, 1]})
    again = remembered("runs", compute, spec={"seeds": [0, 1]})
    assert compute.calls == 1
    for result in (first, again):
        assert result["losses"].dtype == np.float32 and result["losses"].shape == (3, 5)
        assert np.array_equal(result["losses"], value["losses"])
        assert result["acc"][0] == 0.1 + 0.2 and np.isnan(result["acc"][1])
        assert result["best"] == 1 / 3 and result["count"] == 7 and result["stopped_at"] is None


@pytest.mark.parametrize("change", ["name", "spec", "array"])
def test_any_change_of_the_key_computes_again(change):
    data = np.arange(6.0)
    compute = Counter([1.0])
    remembered("runs", compute, spec={"lr": 0.1}, arrays=[data])
    other = data.copy()
    if change == "array":
        other[3] = np.nextafter(other[3], 10)       # one float step, as another CPU might give
    remembered("other runs" if change == "name" else "runs", compute,
               spec={"lr": 0.2} if change == "spec" else {"lr": 0.1}, arrays=[other])
    assert compute.calls == 2


def test_a_change_of_the_library_computes_again(monkeypatch):
    compute = Counter([1.0])
    remembered("runs", compute, spec={})
    monkeypatch.setattr(store, "_library_digest", lambda: "another library")
    remembered("runs", compute, spec={})
    assert compute.calls == 2


def test_the_blas_kernel_is_part_of_the_key(monkeypatch):
    compute = Counter([1.0])
    remembered("runs", compute, spec={})
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")
    remembered("runs", compute, spec={})
    assert compute.calls == 2


def test_a_damaged_file_is_computed_again(results_dir):
    compute = Counter({"a": 1})
    remembered("runs", compute, spec={})
    (path,) = results_dir.glob("*.json")
    path.write_text('{"result": {"a": 1', encoding="utf-8")          # cut short
    assert remembered("runs", compute, spec={}) == {"a": 1}
    assert compute.calls == 2
    assert json.loads(path.read_text(encoding="utf-8"))["result"] == {"a": 1}


def test_what_cannot_be_stored_is_refused_and_nothing_is_written(results_dir):
    with pytest.raises(TypeError, match="cannot store a object"):
        remembered("runs", lambda: {"network": object()}, spec={})
    with pytest.raises(TypeError, match="string keys"):
        remembered("runs", lambda: {1: 2.0}, spec={})
    with pytest.raises(ValueError, match="needs a name"):
        remembered(" ", lambda: 1, spec={})
    assert not results_dir.exists() or not any(results_dir.iterdir())


def test_the_default_folder_is_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("BOOK_RESULTS_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert store.results_dir() == tmp_path / "training-techniques" / "results"


def test_mnist_figures_and_results_share_the_book_cache_folder(tmp_path, monkeypatch):
    from common.display import plot
    from dataset import mnist

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BOOK_RESULTS_DIR", raising=False)
    monkeypatch.delenv(mnist.ENV_CACHE, raising=False)
    book = tmp_path / "training-techniques"
    assert (mnist.cache_dir(), plot.user_images_dir(), store.results_dir()) == (
        book / "mnist", book / "images", book / "results")

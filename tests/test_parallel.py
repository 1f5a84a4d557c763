"""Cores and single-threaded BLAS for worker processes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.experiments.cores import cpu_quota
from common.experiments.parallel import BLAS_THREAD_VARIABLES, available_cores, default_workers, single_threaded_blas


def test_available_cores_is_a_positive_count_no_larger_than_the_machine():
    cores = available_cores()
    assert isinstance(cores, int) and 1 <= cores <= os.cpu_count()


@pytest.mark.parametrize("n_tasks, cores, expected", [(3, 2, 3), (4, 2, 4), (5, 2, 2), (100, 2, 2),
                                                      (1, 2, 1), (2, 1, 1), (7, 4, 7), (9, 4, 4)])
def test_default_workers_share_the_cores_when_a_last_round_would_leave_one_idle(n_tasks, cores, expected):
    assert default_workers(n_tasks, cores) == expected


def test_single_threaded_blas_sets_and_then_restores_the_variables(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    for name in BLAS_THREAD_VARIABLES[1:]:
        monkeypatch.delenv(name, raising=False)
    with single_threaded_blas():
        assert all(os.environ[name] == "1" for name in BLAS_THREAD_VARIABLES)
    assert os.environ["OMP_NUM_THREADS"] == "8"
    assert all(name not in os.environ for name in BLAS_THREAD_VARIABLES[1:])


def test_single_threaded_blas_restores_after_an_error(monkeypatch):
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    with pytest.raises(RuntimeError), single_threaded_blas():
        raise RuntimeError
    assert os.environ["MKL_NUM_THREADS"] == "4"


# cgroup v2's cpu.max, planted: the container's CPU quota caps the worker count.
@pytest.mark.parametrize("text, quota", [("max 100000\n", None), ("200000 100000\n", 2), ("150000 100000", 2),
                                         ("50000 100000", 1), ("6400000 100000", 64), ("300000", 3)])
def test_cpu_quota_reads_cpu_max(tmp_path, text, quota):
    (tmp_path / "cpu.max").write_text(text)
    assert cpu_quota(tmp_path / "cpu.max") == quota


def test_available_cores_is_capped_by_the_quota(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("100000 100000\n")
    assert available_cores(cpu_max) == 1
    cpu_max.write_text("max 100000\n")
    assert available_cores(cpu_max) == available_cores(tmp_path / "absent") == len(os.sched_getaffinity(0))
    cpu_max.write_text(f"{1000 * 100000} 100000\n")   # a quota above the affinity mask: the mask decides
    assert available_cores(cpu_max) == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("text", ["", "lots 100000", "100000 0", "-1 100000", "1 2 3"])
def test_a_malformed_cpu_max_is_named(tmp_path, text):
    (tmp_path / "cpu.max").write_text(text)
    with pytest.raises(ValueError, match="cpu.max"):
        cpu_quota(tmp_path / "cpu.max")


def _blas_threads(task, shared):
    """The thread counts of the BLAS libraries numpy loads, in this process."""
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_info

    return sorted({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"})


def _in_fresh_python(code, **env):
    """Run ``code`` in a new Python without the BLAS thread variables (as a hub's kernel), plus ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES} | env
    done = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


MANY_CORES = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 cores to tell 1 thread from many")


@MANY_CORES
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_each_worker_uses_one_blas_thread_even_when_its_parent_uses_several(start_method):
    code = ("from threadpoolctl import threadpool_limits; from common.experiments.parallel import run_parallel; "
            "from tests.test_parallel import _blas_threads; threadpool_limits(2, user_api='blas'); "
            f"print(_blas_threads(0, 0), run_parallel(_blas_threads, [1, 2], workers=2, start_method={start_method!r},"
            " progress=False))")
    assert _in_fresh_python(code) == "[2] [[1], [1]]"


@MANY_CORES
def test_the_sequential_reference_also_uses_one_blas_thread_and_restores_the_parents():
    # Bit-identical to the workers' results even where the notebook's process runs several threads (a hub).
    code = ("from threadpoolctl import threadpool_limits; from common.experiments.parallel import run_parallel; "
            "from tests.test_parallel import _blas_threads; threadpool_limits(2, user_api='blas'); "
            "print(run_parallel(_blas_threads, [1, 2], workers=1, progress=False), _blas_threads(0, 0))")
    assert _in_fresh_python(code) == "[[1], [1]] [2]"


@MANY_CORES
def test_blas_is_capped_at_the_available_cores_unless_the_environment_chose():
    code = ("import common.experiments.cores as c; from tests.test_parallel import _blas_threads; "
            "before = _blas_threads(0, 0); print(before, c.cap_blas_threads(cores=1), _blas_threads(0, 0))")
    assert _in_fresh_python(code) == f"[{len(os.sched_getaffinity(0))}] 1 [1]"
    assert _in_fresh_python(code, OPENBLAS_NUM_THREADS="2") == "[2] None [2]"


def test_importing_the_experiments_caps_blas():
    init = (Path(__file__).resolve().parents[1] / "common" / "experiments" / "__init__.py").read_text()
    assert "\ncap_blas_threads()" in init

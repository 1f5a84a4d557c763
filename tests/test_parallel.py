"""Cores and single-threaded BLAS for worker processes."""

import os

import pytest

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

"""How much of the machine this process may use: its cores, and whether it is a worker of ``run_parallel``."""

import math
import multiprocessing
import os
from pathlib import Path

# cgroup v2's CPU limit of this container (a JupyterHub's per-user quota): "max 100000" (no limit)
# or "<quota> <period>" in microseconds, e.g. "200000 100000" for two cores' worth of time.
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_quota(cpu_max=CPU_MAX):
    """Cores' worth of CPU time the cgroup v2 quota allows (``cpu.max``), rounded up; None when unlimited.

    None also when the file is absent or unreadable (no cgroup v2, another OS). A malformed file
    raises a ValueError naming it: a wrong worker count should not pass unnoticed.
    """
    try:
        text = Path(cpu_max).read_text().strip()
    except OSError:
        return None
    fields = text.split()
    if len(fields) not in (1, 2):
        raise ValueError(f"{cpu_max}: expected '<quota|max> [<period>]', got {text!r}")
    if fields[0] == "max":
        return None
    try:
        quota, period = int(fields[0]), int(fields[1]) if len(fields) == 2 else 100000
    except ValueError:
        raise ValueError(f"{cpu_max}: expected '<quota|max> [<period>]', got {text!r}") from None
    if quota <= 0 or period <= 0:
        raise ValueError(f"{cpu_max}: quota and period must be positive, got {text!r}")
    return max(1, math.ceil(quota / period))


def available_cores(cpu_max=CPU_MAX):
    """Cores this process may use: the affinity mask (``os.process_cpu_count``, else
    ``os.sched_getaffinity``, else ``os.cpu_count``), capped by the container's CPU quota (cgroup v2
    ``cpu.max``), so that on a hub giving each user 2 cores of a 64-core machine ``run_parallel``
    starts 2 workers, not 64."""
    if hasattr(os, "process_cpu_count"):
        cores = os.process_cpu_count() or 1
    elif hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0)) or 1
    else:
        cores = os.cpu_count() or 1
    quota = cpu_quota(cpu_max)
    return cores if quota is None else min(cores, quota)


BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def cap_blas_threads(environ=None, cores=None):
    """Limit the BLAS thread pools loaded in this process to ``cores`` (default :func:`available_cores`),
    unless the environment chose a count (one of BLAS_THREAD_VARIABLES is set, as the Makefile does).

    OpenBLAS starts one thread per core it sees, and it sees the whole machine, not a
    container's CPU quota: in a JupyterHub kernel on a 64-core node with a 2-core quota it
    would run 64 threads. ``import common.experiments`` calls this once. Returns the limit
    applied, or None when the environment decides.
    """
    environ = os.environ if environ is None else environ
    if any(environ.get(name) for name in BLAS_THREAD_VARIABLES):
        return None
    import numpy  # noqa: F401  (loads the BLAS library, so that threadpoolctl finds it)
    from threadpoolctl import threadpool_limits

    cores = available_cores() if cores is None else cores
    threadpool_limits(limits=cores, user_api="blas")
    return cores


def in_worker_process():
    """True in a process started by ``multiprocessing`` (a worker of run_parallel): it has a core of its own."""
    return multiprocessing.parent_process() is not None

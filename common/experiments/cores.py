"""How much of the machine this process may use: its cores, and whether it is a worker of ``run_parallel``."""

import multiprocessing
import os


def available_cores():
    """Cores this process may use (``os.process_cpu_count``, else the affinity mask, else ``os.cpu_count``)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def in_worker_process():
    """True in a process started by ``multiprocessing`` (a worker of run_parallel): it has a core of its own."""
    return multiprocessing.parent_process() is not None

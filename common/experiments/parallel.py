"""Independent runs on every core: ``run_parallel``, with one BLAS thread per worker process."""

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager

from common.networks import INFERENCE_CHUNK

BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def available_cores():
    """Cores this process may use (``os.process_cpu_count``, else the affinity mask, else ``os.cpu_count``)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@contextmanager
def single_threaded_blas():
    """Start worker processes with one BLAS thread each, so that n workers use n cores, not n².

    The variables reach workers started by 'spawn' or 'forkserver'; a
    'fork' worker inherits the BLAS library as already set up in the parent
    (the Makefile exports OPENBLAS_NUM_THREADS=1).
    """
    saved = {name: os.environ.get(name) for name in BLAS_THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(BLAS_THREAD_VARIABLES, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# The function and the shared data of this worker process, set once by _init_worker.
_worker = {}


def _init_worker(function, shared):
    _worker["function"], _worker["shared"] = function, shared


def _call(task):
    return _worker["function"](task, _worker["shared"])


def progress_bar(total, description=None, progress=None):
    """A tqdm progress bar of ``total`` steps on stderr, or None.

    progress: True or False, or None for "unless the environment sets
    BOOK_PROGRESS=0" (the Makefile does, for stored and checked outputs).
    Never inside a worker process of run_parallel: the parent shows the bar.
    """
    if progress is None:
        progress = os.environ.get("BOOK_PROGRESS", "1") != "0"
    if not progress or _worker or not total:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, file=sys.stderr, leave=False)


def default_workers(n_tasks, cores=None):
    """Worker processes for ``n_tasks`` independent tasks on ``cores`` (default: the available cores).

    One per core; but on several cores, one per task when there are at most
    twice as many tasks as cores, so that the cores share the last tasks
    instead of one core idling while another finishes them.
    """
    cores = available_cores() if cores is None else cores
    return n_tasks if 1 < cores and n_tasks <= 2 * cores else cores


def run_parallel(function, tasks, shared=None, workers=None, start_method=None, progress=None, description=None):
    """``[function(task, shared) for task in tasks]``, computed on worker processes.

    Use it for independent runs: each task must carry everything random about
    it (its seeds), so that a result does not depend on which process runs it
    or when. The results are then identical whatever the number of workers,
    and come back in the order of ``tasks``.

    shared: read-only data that every call needs (the training images); it
    reaches each worker once, when the worker starts, not once per task.
    workers: number of processes, at most one per task; ``workers=1`` calls
    ``function`` in this process (the sequential reference). By default
    :func:`default_workers`: 3 runs on 2 cores get 3 processes, which share
    the cores and finish together in 1.5 times the time of one run, not 2.
    Each worker uses one BLAS thread.
    start_method: 'fork', 'spawn', 'forkserver' or None for the platform's
    default. With 'spawn' (macOS, Windows) ``function`` must live in an
    importable module, not in a notebook.
    progress: show a progress bar (tqdm) while tasks finish; None shows one
    unless the environment sets BOOK_PROGRESS=0.
    """
    tasks = list(tasks)
    workers = max(1, min(default_workers(len(tasks)) if workers is None else workers, len(tasks)))
    bar = progress_bar(len(tasks), description, progress)
    try:
        if workers == 1:
            results = []
            for task in tasks:
                results.append(function(task, shared))
                if bar is not None:
                    bar.update()
            return results
        context = multiprocessing.get_context(start_method)
        results = [None] * len(tasks)
        with single_threaded_blas(), ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                                          initargs=(function, shared)) as pool:
            futures = {pool.submit(_call, task): index for index, task in enumerate(tasks)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if bar is not None:
                    bar.update()
        return results
    finally:
        if bar is not None:
            bar.close()


_thread_pools = {}


def _thread_pool(threads):
    if threads not in _thread_pools:
        _thread_pools[threads] = ThreadPoolExecutor(max_workers=threads)
    return _thread_pools[threads]


def evaluation_threads():
    """Threads for one evaluation: every core in the main process, one inside a worker of run_parallel."""
    return 1 if _worker else available_cores()


def threaded_accuracy(network, x, t):
    """``network.accuracy(x, t)`` with the chunks of INFERENCE_CHUNK rows scored on parallel threads.

    numpy releases the GIL inside matrix products, so each core scores its own
    chunk; the chunks and the sum are those of ``accuracy``, so the result is
    identical. Inside a worker process one thread is used.
    """
    threads = evaluation_threads()
    if threads == 1 or len(x) <= INFERENCE_CHUNK:
        return network.accuracy(x, t)
    return network.accuracy(x, t, map_chunks=_thread_pool(threads).map)

"""Independent runs on every core: ``run_parallel``, with one BLAS thread per worker process.

Each worker uses one BLAS thread, whatever starts it: a 'spawn' or 'forkserver' worker
reads the variables set by :func:`single_threaded_blas` before it loads numpy, and a
'fork' worker, which inherits the parent's BLAS thread pool (in a JupyterHub kernel,
one thread per core of the whole machine), limits it to one thread when it starts
(threadpoolctl, in the worker's initializer). n workers then use n cores, not n × cores.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager

from common.experiments.cores import BLAS_THREAD_VARIABLES, available_cores
from common.experiments.progress import progress_bar


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
    one_blas_thread()
    _worker["function"], _worker["shared"] = function, shared


def one_blas_thread():
    """Limit every BLAS and OpenMP thread pool loaded in this process to one thread (for good)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _call(task):
    return _worker["function"](task, _worker["shared"])


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
    ``function`` in this process (the sequential reference), with one BLAS
    thread for the calls, as in a worker. By default
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
        if workers == 1:   # here, with one BLAS thread like a worker: the same sums, so the same results
            from threadpoolctl import threadpool_limits

            results = []
            with threadpool_limits(limits=1):
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

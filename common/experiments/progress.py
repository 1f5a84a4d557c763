"""A progress bar for long loops (the Trainer's iterations, run_parallel's tasks)."""

import os
import sys

from common.experiments.cores import in_worker_process


def progress_bar(total, description=None, progress=None):
    """A tqdm progress bar of ``total`` steps on stderr, or None.

    progress: True or False, or None for "unless the environment sets
    BOOK_PROGRESS=0" (the Makefile does, for stored and checked outputs).
    Never inside a worker process of run_parallel: the parent shows the bar.
    """
    if progress is None:
        progress = os.environ.get("BOOK_PROGRESS", "1") != "0"
    if not progress or in_worker_process() or not total:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, file=sys.stderr, leave=False)

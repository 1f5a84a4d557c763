"""Accuracy on many samples, scored in chunks on parallel threads: the Trainer's evaluation.

The network's own ``accuracy(x, t)`` scores all samples at once. Here the
samples are scored INFERENCE_CHUNK rows at a time, which bounds the memory of
the activations, and the chunks run on one thread per core (numpy releases
the GIL inside matrix products; a network's inference-mode forward pass
keeps no state that a second thread could disturb). The chunks and their sum
do not depend on the number of threads, so neither does the result; inside a
worker process of run_parallel one thread is used.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from common.experiments.cores import available_cores, in_worker_process
from common.functions import label_indices

INFERENCE_CHUNK = 1250
_thread_pools = {}


def evaluation_threads():
    """Threads for one evaluation: every core in the main process, one inside a worker process."""
    return 1 if in_worker_process() else available_cores()


def accuracy(network, x, t):
    """``network.accuracy(x, t)``, computed INFERENCE_CHUNK rows at a time with the network's ``predict``."""
    x = np.asarray(x)
    if len(x) <= INFERENCE_CHUNK:
        return network.accuracy(x, t)
    t = label_indices(t, len(x), network.output_size)

    def correct(start):
        rows = slice(start, start + INFERENCE_CHUNK)
        return int(np.count_nonzero(network.predict(x[rows]).argmax(axis=1) == t[rows]))

    threads = evaluation_threads()
    if threads > 1 and threads not in _thread_pools:
        _thread_pools[threads] = ThreadPoolExecutor(max_workers=threads)
    chunk_map = map if threads == 1 else _thread_pools[threads].map
    return sum(chunk_map(correct, range(0, len(x), INFERENCE_CHUNK))) / len(x)

# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5.5 Parallel trials and scaling out (appendix, optional)
#
# Sections 5.1 to 5.4 ran their trials with one call, `run_search(trials,
# problem)`, and promised that the parallel run gives exactly the results of
# a loop over the trials. This appendix shows how that works on one machine,
# and how the same search outgrows one machine: an Optuna study kept in a
# database and filled by several workers at once. Nothing later depends on
# it.
#
# **Learning goals.** After this section you can
#
# - run independent trials in **worker processes**, one per core, with one
#   BLAS thread each, and say why the worker function must live in a module;
# - seed each trial with its own **child seed** (`SeedSequence.spawn`) so that
#   the parallel results equal the sequential ones, and say why `SEED + i`
#   is worse;
# - fill one Optuna **study in a database** from several workers at once, and
#   check that no trial is lost or duplicated.

# %% jupyter={"source_hidden": true} tags=["remove-cell"]
# Opened alone (Binder, Colab, a JupyterHub)? Install the book's package first.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("common") is None:
    source = os.environ.get("BOOK_PACKAGE", "git+https://github.com/OWNER/training-techniques@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()

# %%
import os
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import optuna

from common.display.source import show
from common.experiments.parallel import run_parallel, single_threaded_blas
from common.experiments.random_search import (
    ORIGINAL_SPACE,
    log_uniform,
    original_problem,
    random_trials,
    run_search,
    train_setting,
)
from common.experiments.shared_study import study_worker
from dataset.mnist import load_mnist

optuna.logging.set_verbosity(optuna.logging.WARNING)
SEED = 0
(x_all, t_all), _ = load_mnist()
problem = original_problem(x_all, t_all, n_samples=500, validation_ratio=0.2, seed=SEED)

# %% [markdown]
# ## Trials on every core
#
# The trials of a random search do not depend on each other, so they can run
# at the same time, one per core. Threads would help little: numpy lets go
# of Python's global lock during a matrix product, but our products are
# small, and the Python code between them runs one thread at a time. So
# the book uses **processes**, through `run_parallel(function, tasks,
# shared=...)`, which every chapter uses for its independent runs:

# %%
show(run_parallel, docstring=False)

# %% [markdown]
# Four details make it fast and reproducible:
#
# 1. **One worker per core** (at most one per task), and each worker uses a
#    single BLAS thread (`single_threaded_blas`, below). Two workers with two
#    BLAS threads each would fight over two cores.
# 2. **The data travel once per worker**: the pool's *initializer* stores
#    the shared problem (data included) in each worker when it starts; a
#    trial then travels as a seed and a few numbers, not as 1.5 MB of images.
# 3. **Importable functions**: `run_trial` lives in a module, not in a
#    notebook. On macOS and Windows a new process does not inherit the
#    notebook's memory (the 'spawn' start method): it imports the function by
#    name, and a function defined in a notebook has no module to be imported
#    from.
# 4. **One seed per trial**: trial $i$ always gets child $i$ of
#    `SeedSequence(SEED).spawn(n)`, so its result does not depend on which
#    worker runs it, or when.

# %%
show(single_threaded_blas)

# %% [markdown]
# Why one BLAS thread is also a matter of results, not only of speed: with
# another number of threads, the sums inside a matrix product are added in
# another order, the last bits change, and training amplifies them into a
# different second decimal of an accuracy. One thread per worker, on every
# run, keeps the arithmetic of a trial the same wherever it runs.
#
# So the promise: the same trials, once in parallel and once one after the
# other in this process (`workers=1`, also with one BLAS thread), give the
# same numbers, bit for bit,
# curves included. We check 10 trials.

# %%
trials = random_trials(100, ORIGINAL_SPACE, seed=SEED)[:10]    # the first 10 trials of section 5.1's search
parallel = run_search(trials, problem)                         # one worker per core
sequential = run_search(trials, problem, workers=1)            # the same function, no pool
assert parallel == sequential                                  # every number identical, curves included
print("parallel and sequential results of trials 0-9 identical:", parallel == sequential)

# %% [markdown]
# ## Why `spawn`, not `SEED + i`
#
# Seeding trial $i$ with `SEED + i` would also be reproducible, but two
# searches would share seeds: trial 1 of a search seeded 0 is trial 0 of a
# search seeded 1, with the same initial weights and mini-batches. `spawn`
# derives child seeds that are independent by construction: each child
# carries its parent's seed and its own index, its *spawn key*.

# %%
plus_i = {(search, i): search + i for search in (0, 1) for i in range(3)}
print("SEED + i: trial 1 of search 0 and trial 0 of search 1 get the seeds",
      plus_i[(0, 1)], "and", plus_i[(1, 0)])
children = {search: random_trials(3, seed=search) for search in (0, 1)}
first_words = {(search, t.index): int(t.seed.generate_state(1)[0]) for search in (0, 1) for t in children[search]}
assert len(set(first_words.values())) == 6                      # six trials, six different streams
print("spawn: spawn keys", [t.seed.spawn_key for t in children[0]], "of seed 0 and",
      [t.seed.spawn_key for t in children[1]], "of seed 1; all six streams differ")

# %% [markdown]
# ## Outgrowing one machine: a study in a database
#
# An Optuna search of section 5.4 ran its trials one after the other, in one
# process, and kept the study in memory. To use more cores than one machine
# has, keep the study in a **database** instead (Optuna's *RDB storage*): any
# number of workers, on any number of machines, load the study by name, ask
# it for trials and write their results back. The database hands out the
# trial numbers, so no two workers get the same one, and each TPE proposal
# sees every trial finished so far, whichever worker ran it.
#
# On one machine the database can be a SQLite file; across machines it is a
# server such as PostgreSQL, and the only change is the storage URL,
# `postgresql://user@host/dbname` instead of `sqlite:///path/study.db`. Each
# machine then runs the same worker function against that URL. Here is the
# worker:

# %%
show(study_worker, docstring=False)

# %% [markdown]
# A trial's seed comes from the trial number the database assigned,
# `SeedSequence(seed, spawn_key=(number,))`: the same child that
# `SeedSequence(seed).spawn(n)[number]` would give, without knowing $n$ in
# advance. So a trial's training depends on its number and its proposed
# setting, not on the worker. Each worker seeds its own TPE sampler
# (`sampler_seed`): two samplers with the same seed would propose the same
# start-up trials.
#
# We create a study in a SQLite file in a temporary directory, and start two
# worker processes at once, 6 trials each, through `run_parallel` with
# `workers=2` (the same two processes even on a machine with one core).

# %%
N_PER_WORKER, STUDY_SEED = 6, 20          # 20: a seed no other search of this chapter uses
with tempfile.TemporaryDirectory() as folder:
    storage = f"sqlite:///{Path(folder) / 'study.db'}"
    optuna.create_study(study_name="chapter5", storage=storage, direction="maximize")
    tasks = [{"storage": storage, "study_name": "chapter5", "n_trials": N_PER_WORKER, "seed": STUDY_SEED,
              "sampler_seed": worker} for worker in range(2)]
    worker_ids = run_parallel(study_worker, tasks, shared=problem, workers=2)
    study = optuna.load_study(study_name="chapter5", storage=storage)
    stored = study.get_trials()
numbers = sorted(t.number for t in stored)
by_worker = Counter(t.user_attrs["worker"] for t in stored)
assert len(set(worker_ids)) == 2 and os.getpid() not in worker_ids          # two processes, neither this one
assert numbers == list(range(2 * N_PER_WORKER))                             # every trial once: none lost or doubled
assert all(t.state == optuna.trial.TrialState.COMPLETE for t in stored)
assert sorted(by_worker.values()) == [N_PER_WORKER, N_PER_WORKER] and set(by_worker) == set(worker_ids)
spans = [(min(t.datetime_start for t in stored if t.user_attrs["worker"] == w),
          max(t.datetime_complete for t in stored if t.user_attrs["worker"] == w)) for w in worker_ids]
assert max(start for start, _ in spans) < min(end for _, end in spans)      # the two workers ran at the same time
print("trials in the study:", len(stored), " numbers:", numbers)
print("trials per worker process:", sorted(by_worker.values()), " all complete, the workers' runs overlapped")

# %% [markdown]
# Both workers' trials landed in one study, numbered 0 to 11 with none
# missing or doubled, and the two workers ran at the same time. Last, the
# claim that a trial's result depends only on its number and setting: we
# train the first trial again, here in the notebook's process, from the
# seed its number gives.

# %%
first = min(stored, key=lambda t: t.number)
again = train_setting(problem, first.params,
                      np.random.default_rng(np.random.SeedSequence(STUDY_SEED, spawn_key=(first.number,))))
assert again["val_acc"] == first.value          # the same accuracy, whichever process trains it
print("trial", first.number, "trained again in this process gives the accuracy the worker stored:",
      again["val_acc"] == first.value)

# %% [markdown]
# The same code scales out. With PostgreSQL as storage, start one such
# worker on each of many machines; each asks the database for the next trial,
# trains it with its own cores, and writes the result back. What does not
# scale is the model's knowledge: a worker's proposal cannot use the results
# of trials still running elsewhere, so 100 workers at once behave more like
# a random search than like TPE.
#
# ## Summary
#
# - Independent trials run in **worker processes**, one per core, each with
#   one BLAS thread; the data reach each worker once; the worker function
#   lives in an importable module.
# - With one **child seed** per trial (`SeedSequence.spawn`), the parallel
#   search returns exactly the results of a sequential one. `SEED + i` would
#   make searches share seeds.
# - An Optuna study in a **database** (SQLite on one machine, PostgreSQL
#   across machines) is filled by many workers at once: the database numbers
#   the trials, and every trial landed in the study once.
#
# ## Exercises
#
# ### Exercise 1: why one seed per trial?
#
# Suppose instead that all the trials a worker runs drew from one generator,
# made once per worker. Find out what would change, on a problem small
# enough to run in a blink: `tiny_trial(rng)` below is a trial in miniature,
# which draws $\eta$ on a log scale, then takes 20 noisy gradient steps on
# $w^2/2$.
#
# 1. Write `run_tiny_trials(order, shared)`: run the trials whose indices are
#    listed in `order`, one after the other, and return `{index: result}`.
#    With `shared=False`, trial `i` makes its own generator,
#    `np.random.default_rng(TINY_SEEDS[i])`. With `shared=True`, one
#    generator, `np.random.default_rng(SEED)`, made once per call, serves the
#    trials in turn.
# 2. Run trials 0 and 1 in the order `[0, 1]`, as a sequential search does,
#    and in the order `[1, 0]`, as a pool's schedule might, once with each kind
#    of generator. Set `same_with_own_seeds` and `same_with_shared` to whether
#    the two orders gave the same results.
#
# Which kind of generator lets a parallel run give the sequential results,
# and why?

# %%
TINY_SEEDS = np.random.SeedSequence(SEED).spawn(2)   # one child seed per tiny trial


def tiny_trial(rng):
    """A trial in miniature: draw η on a log scale, take 20 noisy gradient steps on w²/2; return (η, w)."""
    lr = log_uniform(rng, 1e-2, 1)
    w = float(rng.normal())                           # the "initial weight"
    for _ in range(20):
        w -= lr * (w + 0.1 * float(rng.normal()))     # the gradient of w²/2 is w; the noise plays the mini-batch
    return lr, w


# %% jupyter={"source_hidden": true} tags=["solution"]
def run_tiny_trials(order, shared):
    # BEGIN SOLUTION
    one_generator = np.random.default_rng(SEED)
    results = {}
    for index in order:
        rng = one_generator if shared else np.random.default_rng(TINY_SEEDS[index])
        results[index] = tiny_trial(rng)
    return results
    # END SOLUTION


# BEGIN SOLUTION
same_with_own_seeds = run_tiny_trials([0, 1], shared=False) == run_tiny_trials([1, 0], shared=False)
same_with_shared = run_tiny_trials([0, 1], shared=True) == run_tiny_trials([1, 0], shared=True)
# Own seeds: a trial's numbers come from its own generator, whatever ran before it. A shared generator
# hands out its numbers in the order the trials run, which in a pool depends on the schedule.
# END SOLUTION

# %% tags=["self-check"]
answers = {"same_with_own_seeds": bool(same_with_own_seeds), "same_with_shared": bool(same_with_shared)}
reference_own = {i: tiny_trial(np.random.default_rng(seed)) for i, seed in enumerate(TINY_SEEDS)}
reference_generator = np.random.default_rng(SEED)
reference_first, reference_second = tiny_trial(reference_generator), tiny_trial(reference_generator)
assert run_tiny_trials([0, 1], shared=False) == reference_own, "shared=False: trial i uses default_rng(TINY_SEEDS[i])"
assert run_tiny_trials([1], shared=False) == {1: reference_own[1]}, "shared=False: trial i uses default_rng(TINY_SEEDS[i])"
assert run_tiny_trials([0, 1], shared=True) == {0: reference_first, 1: reference_second}, \
    "shared=True: make default_rng(SEED) once per call; each trial continues where the previous one stopped"
assert run_tiny_trials([1], shared=True) == {1: reference_first}, \
    "shared=True: the first trial to run draws the generator's first numbers"
in_both_orders = {shared: run_tiny_trials([1, 0], shared) == run_tiny_trials([0, 1], shared) for shared in (False, True)}
assert answers["same_with_own_seeds"] == in_both_orders[False], "same_with_own_seeds: do orders [0, 1] and [1, 0] agree?"
assert answers["same_with_shared"] == in_both_orders[True], "same_with_shared: do orders [0, 1] and [1, 0] agree?"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: how often do `SEED + i` seeds collide?
#
# A project runs searches seeded $0, 1, \ldots, S-1$, each of $n$ trials, and
# seeds trial $i$ of the search seeded $s$ with $s + i$. Write
# `shared_seed_trials(S, n)`: how many trials, over all the searches, use a
# seed that some *other* search also uses? Work it out with sets (or on
# paper); the self-check compares with a direct count for several $S$ and
# $n$.

# %% jupyter={"source_hidden": true} tags=["solution"]
def shared_seed_trials(S, n):
    # BEGIN SOLUTION
    users = Counter()
    for s in range(S):
        for seed in set(range(s, s + n)):
            users[seed] += 1
    return sum(1 for s in range(S) for i in range(n) if users[s + i] > 1)
    # END SOLUTION


# %% tags=["self-check"]
def direct_count(S, n):
    seeds = {s: [s + i for i in range(n)] for s in range(S)}
    return sum(any(seed in seeds[other] for other in seeds if other != s) for s in seeds for seed in seeds[s])


for S, n in ((1, 5), (2, 3), (3, 100), (10, 4), (5, 1), (20, 25)):
    assert shared_seed_trials(S, n) == direct_count(S, n), f"S={S}, n={n}: a different count"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | worker process | ワーカープロセス | 工作进程 | a separate process of a pool that runs trials in parallel |
# | seed sequence | シードシーケンス | 种子序列 | numpy's tool to derive many independent child seeds from one seed |
# | spawn key | スポーンキー | 派生键（spawn key） | the index path that makes a child seed of a SeedSequence differ from its parent and siblings |
# | RDB storage (Optuna) | RDBストレージ | RDB存储 | a relational database (SQLite, PostgreSQL, MySQL) that keeps an Optuna study, so that many workers can fill it at once |
#
# See the whole [glossary](../glossary.md).

"""Learning-rate schedules: the learning rate as a function of the iteration.

A schedule is called with the iteration t = 0, 1, 2, ... (the number of
updates made before this one) and returns the learning rate of update t:
``schedule(t) -> lr``. ``total`` is the number of updates of the whole run.
A training loop applies it by setting ``optimizer.lr = schedule(t)`` before
update t. Every optimizer of :mod:`common.optimizers` that has a learning rate
keeps it in the attribute ``lr`` (SGD, Momentum, Nesterov, AdaGrad, RMSprop,
Adam, AdamW; Adam and AdamW fold their bias correction into it at each
update). AdaDelta has no learning rate, so schedules do not apply to it.

- ``Constant(lr)``:                 lr_t = lr
- ``StepDecay(lr, step, factor)``:  lr_t = lr * factor ** (t // step)
- ``Cosine(lr, total, final_lr)``:  lr_t = final + (lr - final) * (1 + cos(pi * min(t, total) / total)) / 2
- ``Warmup(schedule, warmup)``:     lr_t = schedule(t) * (t + 1) / warmup for t < warmup, then schedule(t)

``schedule_values(schedule, total)`` gives the learning rates of a whole run,
for plotting. Schedules are frozen dataclasses: their settings print, compare
and cannot change behind a training run's back.
"""

import math
from dataclasses import dataclass

import numpy as np

from common.checks import require_int, require_positive_int, require_range


@dataclass(frozen=True)
class Schedule:
    """What every schedule with a learning rate shares: ``lr``, a finite number > 0 (zeros would train nothing)."""

    lr: float

    def __post_init__(self):
        require_range("lr", self.lr, 0.0, math.inf, low_open=True, high_open=True)


@dataclass(frozen=True)
class Constant(Schedule):
    """The same learning rate at every iteration: lr_t = lr."""

    def __call__(self, iteration):
        require_int("the iteration", iteration, 0)
        return float(self.lr)


@dataclass(frozen=True)
class StepDecay(Schedule):
    """Multiply the learning rate by ``factor`` every ``step`` iterations: lr_t = lr * factor ** (t // step).

    E.g. StepDecay(0.1, step=1000, factor=0.1): 0.1 for t = 0..999, 0.01 for t = 1000..1999, ...
    """

    step: int
    factor: float = 0.1

    def __post_init__(self):
        super().__post_init__()
        require_positive_int("step", self.step)
        require_range("factor", self.factor, 0.0, 1.0, low_open=True)

    def __call__(self, iteration):
        return float(self.lr * self.factor ** (require_int("the iteration", iteration, 0) // self.step))


@dataclass(frozen=True)
class Cosine(Schedule):
    """Cosine annealing (Loshchilov & Hutter 2017, without restarts) from ``lr`` down to ``final_lr``.

    lr_t = final_lr + (lr - final_lr) * (1 + cos(pi * t / total)) / 2, with t
    clipped to ``total``: lr at t = 0, the midpoint (lr + final_lr) / 2 at
    t = total / 2, final_lr from t = total on.
    """

    total: int
    final_lr: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        require_positive_int("total", self.total)
        require_range("final_lr", self.final_lr, 0.0, self.lr)

    def __call__(self, iteration):
        t = min(require_int("the iteration", iteration, 0), self.total)
        return float(self.final_lr + (self.lr - self.final_lr) * (1.0 + math.cos(math.pi * t / self.total)) / 2.0)


@dataclass(frozen=True)
class Warmup:
    """A linear warm-up in front of another schedule (Goyal et al. 2017).

    lr_t = schedule(t) * (t + 1) / warmup for t < warmup, then schedule(t):
    the first update uses 1/warmup of the schedule's rate, update warmup - 1
    the full rate. The wrapped schedule runs on the same clock (it is not
    delayed by the warm-up), so Warmup(Cosine(lr, total), warmup) still
    reaches final_lr at t = total.
    """

    schedule: object
    warmup: int

    def __post_init__(self):
        if not callable(self.schedule):
            raise ValueError(f"schedule must be callable as schedule(iteration), got {self.schedule!r}")
        require_positive_int("warmup", self.warmup)

    def __call__(self, iteration):
        t = require_int("the iteration", iteration, 0)
        lr = self.schedule(t)
        return lr * (t + 1) / self.warmup if t < self.warmup else lr


def schedule_values(schedule, total):
    """The learning rates of iterations 0, 1, ..., total - 1 as an array (total,), for plotting."""
    return np.array([schedule(t) for t in range(require_positive_int("total", total))])

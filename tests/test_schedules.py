"""Learning-rate schedules against values derived by hand, and the ``lr`` attribute they set."""

import dataclasses
import math

import numpy as np
import pytest

from common.optimizers import OPTIMIZERS
from common.schedules import Constant, Cosine, StepDecay, Warmup, schedule_values


def test_constant():
    assert Constant(0.1)(0) == Constant(0.1)(10**6) == 0.1


def test_step_decay_golden_values():
    schedule = StepDecay(0.1, step=10, factor=0.5)
    assert [schedule(t) for t in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025], rel=1e-15)
    assert StepDecay(1.0, step=3)(6) == pytest.approx(0.01, rel=1e-15)   # default factor 0.1, two steps


def test_cosine_golden_values():
    schedule = Cosine(0.1, total=100)
    assert schedule(0) == pytest.approx(0.1, rel=1e-15)
    assert schedule(25) == pytest.approx(0.1 * (1 + math.sqrt(0.5)) / 2, rel=1e-14)   # cos(pi/4) = sqrt(1/2)
    assert schedule(50) == pytest.approx(0.05, rel=1e-14)
    assert schedule(100) == pytest.approx(0.0, abs=1e-17)
    assert schedule(150) == schedule(100), "past total the schedule stays at final_lr"
    floor = Cosine(0.1, total=100, final_lr=0.01)
    assert [floor(t) for t in (0, 50, 100, 200)] == pytest.approx([0.1, 0.055, 0.01, 0.01], rel=1e-14)
    values = schedule_values(schedule, 101)
    assert np.all(np.diff(values) < 0), "strictly decreasing up to total"


def test_warmup_golden_values():
    schedule = Warmup(Constant(0.1), warmup=4)
    assert [schedule(t) for t in range(6)] == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rel=1e-15)
    cosine = Cosine(0.2, total=20)
    warm = Warmup(cosine, warmup=5)
    assert warm(0) == pytest.approx(cosine(0) / 5, rel=1e-15)
    assert warm(2) == pytest.approx(cosine(2) * 3 / 5, rel=1e-15)
    assert [warm(t) for t in range(4, 25)] == [cosine(t) for t in range(4, 25)], "the same clock after the warm-up"


def test_schedule_values_for_plotting():
    values = schedule_values(StepDecay(1.0, step=2, factor=0.5), 5)
    assert isinstance(values, np.ndarray) and values.shape == (5,)
    np.testing.assert_array_equal(values, [1.0, 1.0, 0.5, 0.5, 0.25])
    with pytest.raises(ValueError, match="total must be a positive integer, got 0"):
        schedule_values(Constant(0.1), 0)


def test_schedules_are_frozen_and_print_their_settings():
    schedule = StepDecay(0.1, step=10)
    assert repr(schedule) == "StepDecay(lr=0.1, step=10, factor=0.1)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.lr = 1.0


@pytest.mark.parametrize("make, message", [
    (lambda: Constant(0.0), r"lr must be in \(0.0, inf\), got 0.0"),
    (lambda: Constant(-0.1), r"lr must be in \(0.0, inf\)"),
    (lambda: Constant("0.1"), r"lr must be in \(0.0, inf\), got '0.1'"),
    (lambda: StepDecay(0.1, step=0), "step must be a positive integer, got 0"),
    (lambda: StepDecay(0.1, step=2.5), "step must be a positive integer, got 2.5"),
    (lambda: StepDecay(0.1, step=10, factor=0.0), r"factor must be in \(0.0, 1.0\], got 0.0"),
    (lambda: StepDecay(0.1, step=10, factor=1.5), r"factor must be in \(0.0, 1.0\], got 1.5"),
    (lambda: Cosine(0.1, total=0), "total must be a positive integer, got 0"),
    (lambda: Cosine(0.1, total=10, final_lr=0.2), r"final_lr must be in \[0.0, 0.1\], got 0.2"),
    (lambda: Warmup(0.1, warmup=5), "schedule must be callable"),
    (lambda: Warmup(Constant(0.1), warmup=0), "warmup must be a positive integer, got 0"),
])
def test_bad_settings_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("iteration", [-1, 1.0, True])
def test_the_iteration_is_a_whole_number_from_zero(iteration):
    for schedule in (Constant(0.1), StepDecay(0.1, 5), Cosine(0.1, 10), Warmup(Constant(0.1), 3)):
        with pytest.raises(ValueError, match="the iteration must be an integer >= 0"):
            schedule(iteration)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_but_adadelta_reads_lr_at_each_update(name):
    """What a training loop with a schedule does: set ``optimizer.lr`` before each update."""
    if name == "AdaDelta":
        assert not hasattr(OPTIMIZERS[name](), "lr"), "AdaDelta has no learning rate to schedule"
        return
    changed, built = OPTIMIZERS[name](lr=1.0), OPTIMIZERS[name](lr=0.01)
    changed.lr = 0.01                     # setting lr is the same as building with it: nothing derived is cached
    a, b = ({"W": np.linspace(-1.0, 1.0, 6).reshape(2, 3)} for _ in range(2))
    for t in range(3):
        grads = {"W": np.sin(np.arange(6.0) + t).reshape(2, 3)}
        changed.update(a, grads)
        built.update(b, grads)
    np.testing.assert_array_equal(a["W"], b["W"])
    assert not np.array_equal(a["W"], np.linspace(-1.0, 1.0, 6).reshape(2, 3))


def test_sgd_under_a_schedule_golden_value():
    schedule = Warmup(StepDecay(0.4, step=2, factor=0.5), warmup=2)   # 0.2, 0.4, 0.2, 0.2, 0.1
    optimizer = OPTIMIZERS["SGD"](lr=1.0)
    params = {"w": np.array([1.0])}
    for t in range(5):
        optimizer.lr = schedule(t)
        optimizer.update(params, {"w": np.array([1.0])})
    np.testing.assert_allclose(params["w"], [1.0 - (0.2 + 0.4 + 0.2 + 0.2 + 0.1)], rtol=1e-15)

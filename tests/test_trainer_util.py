import numpy as np
import pytest

from common.networks import MultiLayerNet
from common.optimizers import SGD
from common.random import as_generator
from common.trainer import Trainer
from common.util import shuffle_dataset, smooth_curve, train_validation_split


def blobs(n=240, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((3, 8)) * 2
    t = rng.integers(0, 3, n)
    return centers[t] + rng.standard_normal((n, 8)), t


def make_trainer(seed=0, **kwargs):
    x, t = blobs()
    net = MultiLayerNet(8, [10], 3, rng=np.random.default_rng(seed))
    settings = dict(epochs=5, batch_size=40, rng=np.random.default_rng(seed))
    settings.update(kwargs)
    return Trainer(net, SGD(lr=0.1), x[:200], t[:200], x[200:], t[200:], **settings)


def test_trainer_records_one_loss_per_iteration_and_one_accuracy_per_epoch_plus_the_start():
    history = make_trainer().train()
    assert len(history["train_loss"]) == 5 * (200 // 40)
    assert history["epochs"] == [0, 1, 2, 3, 4, 5]
    assert len(history["train_acc"]) == len(history["test_acc"]) == 6
    assert history["test_acc"][-1] > history["test_acc"][0]
    assert history["train_loss"][-1] < history["train_loss"][0]


@pytest.mark.parametrize("sampling", ["shuffle", "replacement"])
def test_trainer_is_reproducible(sampling):
    a = make_trainer(sampling=sampling).train()
    b = make_trainer(sampling=sampling).train()
    assert a == b


def test_trainer_can_evaluate_every_few_epochs_and_always_at_the_end():
    history = make_trainer(epochs=7, evaluate_every=3).train()
    assert history["epochs"] == [0, 3, 6, 7]


def test_trainer_can_record_training_accuracy_alone():
    x, t = blobs()
    history = Trainer(MultiLayerNet(8, [10], 3), SGD(lr=0.1), x, t, epochs=3, batch_size=40, evaluate=True).train()
    assert len(history["train_acc"]) == 4 and history["test_acc"] == []


def test_trainer_by_iterations_without_evaluation():
    x, t = blobs()
    trainer = Trainer(MultiLayerNet(8, [10], 3), SGD(), x, t, iterations=7, batch_size=16)
    history = trainer.train()
    assert len(history["train_loss"]) == 7 and history["test_acc"] == []


def test_trainer_argument_errors():
    x, t = blobs()
    net = MultiLayerNet(8, [10], 3)
    with pytest.raises(ValueError, match="exactly one of epochs or iterations"):
        Trainer(net, SGD(), x, t)
    with pytest.raises(ValueError, match="240 samples but t_train has 239"):
        Trainer(net, SGD(), x, t[:-1], epochs=1)
    with pytest.raises(ValueError, match="sampling"):
        Trainer(net, SGD(), x, t, epochs=1, sampling="random")


def test_smooth_curve_keeps_length_and_reduces_noise():
    rng = np.random.default_rng(0)
    noisy = np.linspace(2, 0, 500) + rng.normal(0, 0.3, 500)
    smooth = smooth_curve(noisy)
    assert smooth.shape == noisy.shape
    assert np.std(np.diff(smooth)) < 0.2 * np.std(np.diff(noisy))
    np.testing.assert_allclose(smooth_curve(np.full(50, 3.0)), 3.0)


def test_shuffle_keeps_pairs_together():
    x = np.arange(10)[:, None] * np.ones((1, 3))
    t = np.arange(10)
    xs, ts = shuffle_dataset(x, t, np.random.default_rng(0))
    np.testing.assert_array_equal(xs[:, 0], ts)
    assert not np.array_equal(ts, t)


def test_train_validation_split_holds_out_twenty_percent():
    x, t = blobs(500)
    (x_train, t_train), (x_val, t_val) = train_validation_split(x, t, 0.2, np.random.default_rng(0))
    assert len(x_val) == 100 and len(x_train) == 400
    all_rows = np.concatenate([x_train, x_val])
    assert sorted(map(tuple, all_rows)) == sorted(map(tuple, x))


def test_as_generator():
    g = np.random.default_rng(5)
    assert as_generator(g) is g
    assert as_generator(3).random() == np.random.default_rng(3).random()
    assert as_generator(None).random() == np.random.default_rng(0).random()
    with pytest.raises(TypeError, match="Generator"):
        as_generator("seed")

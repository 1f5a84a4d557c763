"""The Trainer: what it records, reproducibility, its argument checks and divergence."""

import warnings

import numpy as np
import pytest

from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD


@pytest.fixture
def data(blobs):
    """240 blob samples: the first 200 to train on, the last 40 held out."""
    return blobs(n=240)


def make_trainer(data, seed=0, **kwargs):
    x, t = data
    net = MultiLayerNet(8, [10], 3, rng=np.random.default_rng(seed))
    settings = dict(epochs=5, batch_size=40, validation=(x[200:], t[200:]), rng=np.random.default_rng(seed))
    settings.update(kwargs)
    return Trainer(net, SGD(lr=0.1), x[:200], t[:200], **settings)


def test_trainer_records_one_loss_per_iteration_and_one_accuracy_per_epoch_plus_the_start(data):
    history = make_trainer(data).train()
    assert set(history) == {"train_loss", "train_acc", "validation_acc", "epochs", "diverged_at"}
    assert len(history["train_loss"]) == 5 * (200 // 40)
    assert history["epochs"] == [0, 1, 2, 3, 4, 5]
    assert len(history["train_acc"]) == len(history["validation_acc"]) == 6
    assert history["validation_acc"][0] < 0.7 < 0.9 < history["validation_acc"][-1]   # chance is 1/3
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]
    assert history["diverged_at"] is None


def test_the_recorded_accuracies_are_the_networks(data):
    x, t = data
    trainer = make_trainer(data, test=(x[:50], t[:50]))
    history = trainer.train()
    assert history["validation_acc"][-1] == trainer.network.accuracy(x[200:], t[200:])
    assert history["test_acc"][-1] == trainer.network.accuracy(x[:50], t[:50])
    assert history["train_acc"][-1] == trainer.network.accuracy(x[:200], t[:200])


def test_validation_and_test_are_recorded_only_when_given(data):
    x, t = data
    history = make_trainer(data, validation=None, test=(x[200:], t[200:])).train()
    assert "validation_acc" not in history and len(history["test_acc"]) == 6
    history = make_trainer(data, validation=None).train()
    assert "validation_acc" not in history and "test_acc" not in history
    assert history["train_acc"] == [] and history["epochs"] == []


@pytest.mark.parametrize("sampling", ["shuffle", "replacement"])
def test_trainer_is_reproducible_from_its_seed(sampling, data):
    a = make_trainer(data, sampling=sampling).train()
    b = make_trainer(data, sampling=sampling).train()
    c = make_trainer(data, sampling=sampling, rng=np.random.default_rng(1)).train()
    assert a == b
    assert a["train_loss"] != c["train_loss"], "the rng decides the mini-batches"


def test_shuffle_sampling_visits_every_sample_once_per_epoch(data, monkeypatch):
    trainer = make_trainer(data, epochs=2, batch_size=40)
    seen = []
    loss_and_gradient = trainer.network.loss_and_gradient
    monkeypatch.setattr(trainer.network, "loss_and_gradient",
                        lambda x, t: seen.append(x.copy()) or loss_and_gradient(x, t))
    trainer.train()
    epochs = [np.concatenate(seen[:5]), np.concatenate(seen[5:])]
    for rows in epochs:
        assert sorted(map(tuple, rows)) == sorted(map(tuple, trainer.x_train))
    assert not np.array_equal(epochs[0], epochs[1]), "a fresh permutation each epoch"


def test_trainer_can_evaluate_every_few_epochs_and_always_at_the_end(data):
    history = make_trainer(data, epochs=7, evaluate_every=3).train()
    assert history["epochs"] == [0, 3, 6, 7]
    assert len(history["validation_acc"]) == 4


def test_trainer_can_record_training_accuracy_alone(data):
    x, t = data
    history = Trainer(MultiLayerNet(8, [10], 3), SGD(lr=0.1), x, t, epochs=3, batch_size=40, evaluate=True).train()
    assert len(history["train_acc"]) == 4 and history["train_acc"][-1] > 0.9
    assert "validation_acc" not in history and "test_acc" not in history


def test_trainer_by_iterations_without_evaluation(data):
    x, t = data
    history = Trainer(MultiLayerNet(8, [10], 3), SGD(), x, t, iterations=7, batch_size=16).train()
    assert len(history["train_loss"]) == 7 and history["train_acc"] == [] and history["epochs"] == []


def test_a_batch_larger_than_the_data_is_the_whole_data(data):
    x, t = data
    trainer = Trainer(MultiLayerNet(8, [10], 3), SGD(), x, t, epochs=2, batch_size=1000)
    assert trainer.batch_size == 240 and trainer.iterations == 2


def test_data_are_cast_once_to_the_networks_dtype(data):
    x, t = data
    trainer = Trainer(MultiLayerNet(8, [10], 3, dtype=np.float32), SGD(), x, t, epochs=1, batch_size=40,
                      validation=(x, np.eye(3)[t]))
    assert trainer.x_train.dtype == np.float32 and trainer.held_out["validation"][0].dtype == np.float32
    np.testing.assert_array_equal(trainer.held_out["validation"][1], t)  # one-hot labels become indices
    history = trainer.train()
    assert all(np.isfinite(history["train_loss"]))


# --- clear errors -----------------------------------------------------------------------------------------------

def trainer_error(data, message, x=None, t=None, **kwargs):
    x_all, t_all = data
    settings = dict(epochs=1)
    settings.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Trainer(MultiLayerNet(8, [10], 3), SGD(), x_all if x is None else x, t_all if t is None else t, **settings)


def test_length_of_training_is_given_once(data):
    trainer_error(data, "exactly one of epochs or iterations", epochs=None)
    trainer_error(data, "exactly one of epochs or iterations", iterations=5)


@pytest.mark.parametrize("setting, value", [
    ("batch_size", 0), ("batch_size", -5), ("batch_size", 2.5), ("epochs", 0), ("epochs", True),
    ("iterations", 0), ("evaluate_every", 0),
])
def test_counts_must_be_positive_integers(setting, value, data):
    settings = {setting: value}
    if setting == "iterations":
        settings["epochs"] = None
    trainer_error(data, f"{setting} must be a positive integer, got {value!r}", **settings)


def test_a_sampling_typo_is_named(data):
    trainer_error(data, "sampling must be 'shuffle' or 'replacement', got 'shufle'", sampling="shufle")


def test_an_on_divergence_typo_is_named(data):
    trainer_error(data, r"on_divergence must be one of \('warn', 'ignore'\), got 'raise'", on_divergence="raise")


def test_held_out_data_must_be_a_pair(data):
    x, t = data
    trainer_error(data, r"validation must be a pair \(x, t\)", validation=(x, t, t))
    trainer_error(data, r"validation must be a pair \(x, t\)", validation=x)   # 240 rows are not a pair
    trainer_error(data, r"test must be a pair \(x, t\)", test=(x,))


def test_mismatched_lengths_are_named(data):
    x, t = data
    trainer_error(data, "training data: x has 240 samples but t has 239", t=t[:-1])
    trainer_error(data, "validation data: x has 40 samples but t has 39", validation=(x[:40], t[:39]))


def test_non_finite_inputs_are_refused(data):
    x, t = data
    bad = x.copy()
    bad[3, 2] = np.nan
    bad[7, 0] = np.inf
    trainer_error(data, "training data: x holds 2 NaN or infinite values", x=bad)
    trainer_error(data, "test data: x holds 2 NaN or infinite values", test=(bad, t))


def test_inputs_must_be_two_dimensional(data):
    x, t = data
    trainer_error(data, r"training data: x must be 2-D \(samples, features\), got shape \(240, 2, 4\)",
                  x=x.reshape(240, 2, 4))


@pytest.mark.parametrize("labels, message", [
    (lambda t: np.where(t == 2, 12, t), r"0\.\.2 for 3 classes, got values from 0 to 12"),   # out of range
    (lambda t: t - 1, r"0\.\.2 for 3 classes, got values from -1"),                          # negative
    (lambda t: t + 0.5, "labels must be integer class indices, got dtype float64"),          # not integers
    (lambda t: np.eye(4)[t], r"one-hot labels have shape \(240, 4\), the scores have \(240, 3\)"),  # wrong shape
])
def test_bad_labels_are_refused_before_training(labels, message, data):
    x, t = data
    trainer_error(data, message, t=labels(t))
    trainer_error(data, message, validation=(x, labels(t)))


# --- divergence -------------------------------------------------------------------------------------------------

ITERATIONS = 40


def diverging_trainer(data, on_divergence):
    """Plain SGD at lr = 1e6 on a ReLU net: the scores grow ~1e12-fold a step and overflow within 30 steps."""
    x, t = data
    net = MultiLayerNet(8, [10], 3, rng=np.random.default_rng(0))
    return Trainer(net, SGD(lr=1e6), x, t, iterations=ITERATIONS, batch_size=40, evaluate=True,
                   rng=np.random.default_rng(0), on_divergence=on_divergence)


def test_divergence_warns_once_naming_the_iteration_and_training_goes_on(data):
    trainer = diverging_trainer(data, "warn")
    with pytest.warns(RuntimeWarning, match="iteration") as caught, np.errstate(all="ignore"):
        history = trainer.train()
    first = history["diverged_at"]
    assert first is not None and 1 < first < ITERATIONS
    losses = np.array(history["train_loss"])
    assert np.all(np.isfinite(losses[:first - 1])) and not np.isfinite(losses[first - 1])
    assert len(caught) == 1, [str(w.message) for w in caught]
    assert f"at iteration {first} " in str(caught[0].message)
    assert caught[0].filename == __file__, "the warning points at the caller of train()"
    assert len(history["train_loss"]) == ITERATIONS
    assert history["epochs"] == list(range(ITERATIONS // 6 + 1))  # 240 // 40 = 6 iterations an epoch


def test_divergence_is_recorded_silently_with_ignore(data):
    reference = diverging_trainer(data, "warn")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        expected = reference.train()["diverged_at"]
    trainer = diverging_trainer(data, "ignore")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error")
        history = trainer.train()
    assert history["diverged_at"] == expected is not None
    assert len(history["train_loss"]) == ITERATIONS


def test_a_schedule_sets_the_learning_rate_before_every_update(data):
    from common.optimizers import AdaDelta
    from common.schedules import StepDecay

    trainer = make_trainer(data, epochs=2, schedule=StepDecay(0.1, step=3, factor=0.5))
    history = trainer.train()                  # 2 epochs of 5 updates
    assert history["lr"] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]
    assert trainer.optimizer.lr == 0.0125
    x, t = data
    with pytest.raises(ValueError, match="AdaDelta has no learning rate"):
        Trainer(MultiLayerNet(8, [10], 3), AdaDelta(), x, t, epochs=1, schedule=StepDecay(0.1, step=3))


def test_a_constant_schedule_trains_exactly_as_no_schedule(data):
    from common.schedules import Constant

    plain = make_trainer(data).train()
    scheduled = make_trainer(data, schedule=Constant(0.1)).train()
    assert scheduled.pop("lr") == [0.1] * 25
    assert scheduled == plain


def test_augmentation_changes_the_training_batches_only(data):
    seen = []

    def flip(x, rng):
        seen.append(x.copy())
        return -x

    x, t = data
    trainer = make_trainer(data, epochs=1, augment=flip)
    history = trainer.train()
    assert len(seen) == 5 and all(batch.shape == (40, 8) for batch in seen)
    assert history["train_acc"][-1] == trainer.network.accuracy(x[:200], t[:200])   # evaluated on the data as given
    assert make_trainer(data, epochs=1).train()["train_loss"] != history["train_loss"]


def test_on_evaluation_sees_each_epoch_and_can_stop_training(data):
    seen = []

    def stop_after_three(epoch, history):
        seen.append((epoch, len(history["validation_acc"])))
        return epoch == 3

    full = make_trainer(data).train()
    history = make_trainer(data, on_evaluation=stop_after_three).train()
    assert seen == [(1, 2), (2, 3), (3, 4)]                 # after each epoch's evaluation, not before training
    assert history["stopped_at"] == 3 and history["epochs"] == [0, 1, 2, 3]
    assert history["train_loss"] == full["train_loss"][:3 * 5]   # the same run, cut after epoch 3
    assert make_trainer(data, on_evaluation=lambda epoch, history: False).train()["stopped_at"] is None
    with pytest.raises(ValueError, match="on_evaluation needs evaluations"):
        make_trainer(data, validation=None, on_evaluation=stop_after_three)

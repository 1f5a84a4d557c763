"""Shuffling and splitting data sets, and seeds turned into generators."""

import numpy as np
import pytest

from common.experiments.data import shuffle_dataset, train_validation_split
from common.random import as_generator


def test_shuffle_keeps_pairs_together():
    x = np.arange(10)[:, None] * np.ones((1, 3))
    t = np.arange(10)
    xs, ts = shuffle_dataset(x, t, np.random.default_rng(0))
    np.testing.assert_array_equal(xs[:, 0], ts)
    assert not np.array_equal(ts, t)
    assert sorted(ts) == list(t)
    np.testing.assert_array_equal(t, np.arange(10), err_msg="the inputs are not shuffled in place")


def test_shuffle_is_reproducible_from_the_seed():
    x, t = np.arange(20)[:, None], np.arange(20)
    a, b, c = (shuffle_dataset(x, t, seed)[1] for seed in (3, 3, 4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_shuffle_names_a_length_mismatch():
    with pytest.raises(ValueError, match="x has 3 samples but t has 2"):
        shuffle_dataset(np.zeros((3, 2)), np.zeros(2))


def test_train_validation_split_holds_out_twenty_percent(blobs):
    x, t = blobs(n=500)
    (x_train, t_train), (x_val, t_val) = train_validation_split(x, t, 0.2, np.random.default_rng(0))
    assert len(x_val) == len(t_val) == 100 and len(x_train) == len(t_train) == 400
    all_rows = np.concatenate([x_train, x_val])
    assert sorted(map(tuple, all_rows)) == sorted(map(tuple, x)), "every sample exactly once"
    row_of = {tuple(row): label for row, label in zip(x, t)}
    assert all(row_of[tuple(row)] == label for row, label in zip(all_rows, np.concatenate([t_train, t_val])))
    assert not np.array_equal(x_val, x[:100]), "shuffled before the split"


@pytest.mark.parametrize("ratio", [0.0, 1.0, -0.2, 1.5])
def test_train_validation_split_names_a_bad_ratio(ratio):
    with pytest.raises(ValueError, match=f"validation_ratio must be between 0 and 1, got {ratio}"):
        train_validation_split(np.zeros((10, 2)), np.zeros(10), ratio)


def test_as_generator():
    g = np.random.default_rng(5)
    assert as_generator(g) is g
    assert as_generator(3).random() == np.random.default_rng(3).random()
    assert as_generator(np.random.SeedSequence(3)).random() == np.random.default_rng(3).random()
    assert as_generator(None).random() == np.random.default_rng(0).random(), "None is the book's seed, 0"
    with pytest.raises(TypeError, match="Generator"):
        as_generator("seed")

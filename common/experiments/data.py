"""Shuffling and splitting data sets (chapter 5 holds out validation data)."""

from common.random import as_generator


def shuffle_dataset(x, t, rng=None):
    """Return copies of ``x`` and ``t`` shuffled by the same random permutation."""
    if len(x) != len(t):
        raise ValueError(f"x has {len(x)} samples but t has {len(t)}")
    order = as_generator(rng).permutation(len(x))
    return x[order], t[order]


def train_validation_split(x, t, validation_ratio=0.2, rng=None):
    """Shuffle, then hold out ``validation_ratio`` of the samples (chapter 5).

    Returns (x_train, t_train), (x_val, t_val). The validation set is used to
    choose hyperparameters; the test set is touched once, at the very end.
    """
    if not 0.0 < validation_ratio < 1.0:
        raise ValueError(f"validation_ratio must be between 0 and 1, got {validation_ratio}")
    x, t = shuffle_dataset(x, t, rng)
    n_val = int(round(len(x) * validation_ratio))
    return (x[n_val:], t[n_val:]), (x[:n_val], t[:n_val])

"""One place that turns a seed into a :class:`numpy.random.Generator`.

Every random thing in the book (initial weights, dropout masks, mini-batch
sampling, data shuffles) takes an explicit generator, so a chapter that is
executed twice prints the same numbers.
"""

import numpy as np

DEFAULT_SEED = 0


def as_generator(rng=None):
    """Return ``rng`` if it is a Generator, else a new one seeded with ``rng``.

    ``None`` means the book's default seed (0), never fresh OS entropy: results
    are reproducible unless you ask otherwise.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        rng = DEFAULT_SEED
    if isinstance(rng, (int, np.integer, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"expected a numpy.random.Generator, a SeedSequence, an int seed or None, got {type(rng).__name__}"
    )

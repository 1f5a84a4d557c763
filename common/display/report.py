"""Printing numbers that come out of training: ``≈0.253`` rather than ``0.253``.

A training run adds up millions of products, and the order of those sums
depends on the CPU: OpenBLAS picks its matrix kernel by processor, and numpy
its vector code. The last bits differ, training amplifies them, and a final
accuracy printed as 0.179 on one laptop reads 0.178 on another. Such a number
is printed with a leading ``≈`` so that the reader, and the book's tests, know
it is a measurement, not an exact value::

    >>> print(f"gap: {approx(0.17853):.3f}")
    gap: ≈0.179
    >>> {"train": approx(0.998)}
    {'train': ≈0.998}

The notebook check (``tools/nbval_approx.py``) compares a ``≈`` number within
the tolerance its cell declares, and every other number exactly.
"""

import re

MARK = "≈"
# A format spec split into what pads the whole text and what formats the number.
_SPEC = re.compile(r"(?P<align>.?[<>=^])?(?P<sign>[-+ ]?)(?P<z>z?)(?P<alt>#?)(?P<zero>0?)(?P<width>\d*)(?P<rest>.*)",
                   re.S)


class Approx(float):
    """A float that prints with a leading ``≈``; arithmetic on it gives plain floats."""

    def __format__(self, spec):
        parts = _SPEC.fullmatch(spec).groupdict()
        number_spec = parts["sign"] + parts["z"] + parts["alt"] + parts["rest"]
        number = float.__format__(self, number_spec) if number_spec else float.__repr__(self)
        align = parts["align"] or ">"
        return format(MARK + number, (align if align[-1] != "=" else ">") + parts["width"])

    def __repr__(self):
        return MARK + float.__repr__(self)

    __str__ = __repr__


def approx(value, digits=None):
    """``value`` as an :class:`Approx`, rounded to ``digits`` decimals when given."""
    value = float(value)
    return Approx(round(value, digits) if digits is not None else value)


def loss_and_test_summary(seed_loss, seed_test):
    """The two tables of an MNIST comparison over seeds: the mean loss of the last 100 updates, then
    the test accuracy (each a :func:`seed_summary`)."""
    seeds = len(next(iter(seed_loss.values())))
    return (f"mean loss of the last 100 updates, over {seeds} seeds:\n{seed_summary(seed_loss)}\n"
            f"test accuracy:\n{seed_summary(seed_test)}")


def seed_summary(values, digits=3):
    """One line per label: mean ± standard deviation over seeds, then the lowest and highest value.

    ``values`` {label: [one value per seed]}; the numbers print with ``≈``.
    The spread is the standard deviation of the seeds' values (ddof=1): how
    much one run may differ from another, not the uncertainty of the mean.
    """
    width = max(len(label) for label in values)
    lines = []
    for label, seeds in values.items():
        seeds = [float(v) for v in seeds]
        mean = sum(seeds) / len(seeds)
        spread = (sum((v - mean) ** 2 for v in seeds) / (len(seeds) - 1)) ** 0.5 if len(seeds) > 1 else 0.0
        lines.append(f"{label:<{width}}  {approx(mean):.{digits}f} ± {approx(spread):.{digits}f}  "
                     f"(lowest {approx(min(seeds)):.{digits}f}, highest {approx(max(seeds)):.{digits}f}, "
                     f"{len(seeds)} seeds)")
    return "\n".join(lines)

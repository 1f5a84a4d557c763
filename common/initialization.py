"""Initial weights: the scale of the random numbers a layer starts from (chapter 2).

A rule gives the standard deviation of a layer's normally distributed initial
weights from its fan-in n_in (inputs per unit) and fan-out n_out:

- 'xavier' (alias 'glorot', 'sigmoid'): sqrt(2 / (n_in + n_out)), Glorot &
  Bengio (2010) in the normal form that libraries use (the paper gives the
  uniform distribution with this variance);
- 'lecun': sqrt(1 / n_in), LeCun et al. (1998), which the original book
  calls "Xavier";
- 'he' (alias 'relu'): sqrt(2 / n_in), He et al. (2015), for ReLU.
"""

import math

RULES = {
    "xavier": lambda fan_in, fan_out: math.sqrt(2.0 / (fan_in + fan_out)),
    "lecun": lambda fan_in, fan_out: math.sqrt(1.0 / fan_in),
    "he": lambda fan_in, fan_out: math.sqrt(2.0 / fan_in),
}
ALIASES = {"glorot": "xavier", "sigmoid": "xavier", "relu": "he"}


def init_std(weight_init_std, fan_in, fan_out):
    """Standard deviation of the initial weights of one (fan_in, fan_out) layer.

    ``weight_init_std`` is a non-negative number (used as is) or a rule name:
    'xavier'/'glorot'/'sigmoid', 'lecun', 'he'/'relu' (see the module docstring).
    """
    if isinstance(weight_init_std, str):
        name = ALIASES.get(weight_init_std.lower(), weight_init_std.lower())
        if name not in RULES:
            valid = sorted(set(RULES) | set(ALIASES))
            raise ValueError(f"unknown weight_init_std {weight_init_std!r}; use a number or one of {valid}")
        return float(RULES[name](fan_in, fan_out))
    std = float(weight_init_std)
    if not std >= 0:
        raise ValueError(f"weight_init_std must be a non-negative number, got {weight_init_std}")
    return std

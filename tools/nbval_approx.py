"""nbval, tolerant of ``≈`` numbers: what the notebook check compares, and how.

The rule (also in README.md, "What the tests check"):

* Every output is compared, text for text, as nbval does.
* One exception: a number written with a leading ``≈`` (``≈0.253``, printed
  by :func:`common.display.report.approx`) is a result of training. Its last digits
  depend on the CPU's BLAS and vector kernels, so it is compared within the
  tolerance that its cell declares in its metadata, ``"tolerance"``::

      {"abs": 0.02}                 |new - stored| <= 0.02
      {"rel": 0.1}                  |new - stored| <= 0.1 * |stored|
      {"abs": 0.02, "rel": 0.1}     either bound suffices

  In a chapter's ``.py`` (jupytext percent format) it stands on the cell's
  ``# %%`` line: ``# %% tolerance={"abs": 0.02, "rel": 0.1}``.
  The claim that such a number supports is asserted in the same cell with a
  margin wider than the tolerance, so a reader's machine that moves the
  number within its tolerance still passes the assert.
* Everything else is exact: the words around the numbers, numbers without
  ``≈`` (settings, analytic values, exact algorithms, counts), how many ``≈``
  numbers there are and where they stand.
* A cell whose output holds a ``≈`` number but that declares no tolerance
  fails, and so does a cell that declares a tolerance but prints no ``≈``
  number (``tests/test_chapters.py``), so a tolerance never hides anything.
* Other nbval markers are cell tags, never comments in the code: ``nbval-ignore-output``,
  ``nbval-skip``, ``raises-exception`` (nbval reads them; ``tests/test_chapters.py``
  fails on any ``# NBVAL_...`` comment in a code cell).

How: when the new output of a cell matches the stored one under this rule,
the new ``≈`` numbers are replaced by the stored ones before nbval's own
comparison runs; otherwise nbval reports the difference, with a line naming
each number that left its tolerance. Loaded by the root ``conftest.py``.

To see how far the numbers move on a machine (``make kernels`` does this
for five OpenBLAS kernels), set ``NBVAL_APPROX_LOG`` to a file: each ``≈``
number compared is appended to it as a line of JSON.
"""

import copy
import json
import math
import os
import re
from collections import defaultdict

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan"
APPROX = re.compile(rf"≈({NUMBER})")
MARKER = re.compile(r"^\s*#\s*NBVAL_\w+", re.MULTILINE)
BOUNDS = ("abs", "rel")
HOW = 'declare it as cell metadata, in the .py: # %% tolerance={"abs": 0.02, "rel": 0.1} (either key)'


class ToleranceError(ValueError):
    """A cell's ``tolerance`` metadata cannot be read."""


def declared_tolerance(metadata, source=""):
    """The ``{'abs': a, 'rel': r}`` that a cell's metadata declares, or None when it declares none.

    ``metadata`` is the cell's metadata; ``source``, its code, is read only to
    reject the old ``# NBVAL_TOLERANCE`` comment with a clear error.
    """
    if source and re.search(r"^\s*#\s*NBVAL_TOLERANCE\b", source, re.MULTILINE):
        raise ToleranceError(f"the cell declares its tolerance in a '# NBVAL_TOLERANCE' comment; {HOW}")
    if "tolerance" not in metadata:
        return None
    declared = metadata["tolerance"]
    if not isinstance(declared, dict) or not declared:
        raise ToleranceError(f"tolerance metadata {declared!r} is not a mapping of abs and/or rel; {HOW}")
    unknown = sorted(set(declared) - set(BOUNDS))
    if unknown:
        raise ToleranceError(f"tolerance metadata has unknown keys {unknown}: only 'abs' and 'rel' are read")
    for key, value in declared.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
            raise ToleranceError(f"tolerance metadata {key}={value!r}: a bound is a number >= 0")
    if not any(declared.values()):
        raise ToleranceError(f"tolerance metadata {declared!r} allows no movement at all: print the number "
                             "without ≈, or declare a bound > 0")
    return {key: float(declared.get(key, 0.0)) for key in BOUNDS}


def bound(stored, tolerance):
    """How far a number may move from ``stored``: the larger of the absolute and the relative bound."""
    return max(tolerance["abs"], tolerance["rel"] * abs(stored))


def within(stored, new, tolerance):
    """True when ``new`` lies within ``tolerance`` of ``stored`` (absolute or relative bound)."""
    if math.isnan(stored) or math.isnan(new):
        return math.isnan(stored) and math.isnan(new)
    if math.isinf(stored) or math.isinf(new):
        return stored == new
    # The slack absorbs the binary rounding of printed decimals.
    return abs(new - stored) <= bound(stored, tolerance) * (1 + 1e-9)


def compare_text(stored, new, tolerance):
    """Problems found comparing ``new`` text with ``stored`` under the rule; [] when they agree.

    Text outside the ``≈`` numbers must be identical; the ``≈`` numbers must
    pair up one to one and each lie within ``tolerance`` (None: none declared).
    """
    stored_parts, new_parts = APPROX.split(stored), APPROX.split(new)
    if len(stored_parts) == 1 and len(new_parts) == 1:
        return [] if stored == new else ["the text differs"]
    if tolerance is None:
        return [f"the output has ≈ numbers, but the cell declares no tolerance: {HOW}"]
    if len(stored_parts) != len(new_parts):
        return [f"{len(stored_parts) // 2} ≈ numbers stored, {len(new_parts) // 2} printed now"]
    if stored_parts[0::2] != new_parts[0::2]:
        return ["the text around the ≈ numbers differs"]
    problems = []
    for old, now in zip(stored_parts[1::2], new_parts[1::2]):
        if not within(float(old), float(now), tolerance):
            problems.append(f"≈{now} is outside the tolerance {_describe(tolerance)} of the stored ≈{old}")
    return problems


def _describe(tolerance):
    return " ".join(f"{key}={value:g}" for key, value in tolerance.items() if value)


def _text_slots(outputs):
    """{(kind, name): [(container, key), ...]}: where each output keeps its comparable text, in order."""
    slots = defaultdict(list)
    for output in outputs:
        if output.get("output_type") == "stream":
            slots["stream", output.get("name")].append((output, "text"))
        for mime, value in output.get("data", {}).items():
            if isinstance(value, str):
                slots["data", mime].append((output["data"], mime))
    return slots


def _log(record):
    path = os.environ.get("NBVAL_APPROX_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")


def reconcile(stored_outputs, new_outputs, tolerance, where=None):
    """``(outputs, problems)``: a copy of ``new_outputs`` whose agreeing ``≈`` texts are the stored ones.

    Texts that hold no ``≈`` number are left alone for nbval to compare.
    ``problems`` lists every ``≈`` text that does not agree, and why.
    """
    new_outputs = copy.deepcopy(new_outputs)
    stored_slots, new_slots = _text_slots(stored_outputs), _text_slots(new_outputs)
    problems = []
    for key, stored_list in stored_slots.items():
        for (stored_box, stored_key), (new_box, new_key) in zip(stored_list, new_slots.get(key, [])):
            stored_text, new_text = stored_box[stored_key], new_box[new_key]
            if "≈" not in stored_text and "≈" not in new_text:
                continue
            found = compare_text(stored_text, new_text, tolerance)
            if where is not None and tolerance is not None:
                stored_numbers, new_numbers = APPROX.findall(stored_text), APPROX.findall(new_text)
                if len(stored_numbers) == len(new_numbers):
                    _log({"cell": where, "tolerance": tolerance, "stored": stored_numbers, "new": new_numbers})
            if found:
                problems.extend(f"{key[1]}: {problem}" for problem in found)
            else:
                new_box[new_key] = stored_text
    return new_outputs, problems


def _install():
    from nbval.plugin import IPyNbCell

    if getattr(IPyNbCell, "_approx_installed", False):
        return
    nbval_compare = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        try:
            tolerance = declared_tolerance(self.cell.metadata, self.cell.source)
        except ToleranceError as error:
            self.comparison_traceback = [str(error)]
            return False
        where = f"{self.fspath.dirpath().basename}/{self.fspath.basename}::{self.cell_num}"
        test, problems = reconcile(ref, test, tolerance, where=where)
        same = nbval_compare(self, test, ref, skip_compare)
        if problems:
            self.comparison_traceback.extend(["≈ numbers:"] + [f"  {problem}" for problem in problems])
            return False
        return same

    IPyNbCell.compare_outputs = compare_outputs
    IPyNbCell._approx_installed = True


def pytest_configure(config):
    if getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False):
        _install()

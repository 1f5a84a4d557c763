"""The self-check of a multiple-choice exercise: ``check_choice``.

A multiple-choice exercise asks the learner to set a variable (``prediction``) to one letter;
its self-check runs the experiment and says whether the letter describes what happened. Done
naively, the check leaves its verdict in the notebook (a dict of which option holds, the
letter it expects) and may name the right letter in its message. ``check_choice`` avoids all
three:

1. it reads the learner's letter first, case-insensitive, and rejects anything else with a
   message that lists the allowed letters, before the experiment runs;
2. it calls ``facts()``, a function the self-check passes in, which runs the experiment and
   returns, for each letter, whether that option holds; the dict lives and dies inside
   ``check_choice``, so nothing of the verdict stays in the notebook's namespace;
3. a wrong letter raises ``AssertionError`` with the self-check's hint, which must not name
   an option (the hint is checked for quoted or bracketed letters);
4. it makes sure the run matches exactly one option (else the exercise itself is broken and
   the learner is asked to report it) and prints ``Exercise N: correct`` on a right answer.

Example, in a self-check cell::

    def facts():
        growth = run_the_experiment()
        return {"a": growth < 0.5, "b": 0.5 <= growth <= 2, "c": growth > 1000}

    check_choice(prediction, facts, exercise=3, hint="compute the factor per layer for std 1")

This module is not part of the teaching core; it imports the standard library only.
"""

import re

__all__ = ["check_choice", "read_choice", "ExerciseError"]


class ExerciseError(RuntimeError):
    """The exercise itself is broken (its run matches no option, or several): not the learner's fault."""


def _letters_text(letters):
    quoted = [f'"{letter}"' for letter in letters]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _normalize_options(options):
    letters = [str(letter).strip().lower() for letter in options]
    if len(letters) < 2 or any(not re.fullmatch(r"[a-z]", letter) for letter in letters):
        raise ValueError(f"options must be two or more single letters, got {list(options)!r}")
    if len(set(letters)) != len(letters):
        raise ValueError(f"options repeat a letter: {list(options)!r}")
    return letters


def read_choice(answer, options, name="prediction"):
    """The learner's ``answer`` as a lower-case letter of ``options``; else ``AssertionError`` naming the letters."""
    letters = _normalize_options(options)
    if isinstance(answer, str) and answer.strip().lower() in letters:
        return answer.strip().lower()
    raise AssertionError(f"set {name} to one letter, {_letters_text(letters)} (upper or lower case), "
                         f"not {answer!r}")


def _hint_names_an_option(hint, letters):
    group = "".join(letters)
    pattern = rf"[\"'(\[]\s*[{group}]\s*[\"')\]]|\boption\s+[{group}]\b|\bletter\s+[{group}]\b"
    return re.search(pattern, hint, flags=re.IGNORECASE) is not None


def check_choice(answer, facts, *, options="abc", exercise, hint, name="prediction"):
    """Check a multiple-choice answer against ``facts()``, without leaving or showing the verdict.

    answer:   what the learner set (a letter of ``options``, either case, surrounding spaces allowed).
    facts:    a function of no arguments that runs the experiment and returns ``{letter: bool}``,
              one entry per option, True where the option describes the run. It is called only
              after ``answer`` has been read and found well-formed.
    options:  the allowed letters, e.g. ``"abc"`` or ``("a", "b", "c", "d")``.
    exercise: the exercise's number, for the messages.
    hint:     what to look at when the answer is wrong; it must not name an option
              (``ValueError`` if it quotes or brackets one of the letters).
    name:     the variable the learner sets, for the format message.

    Raises ``AssertionError`` on a malformed or wrong answer and :class:`ExerciseError` when the
    run matches no option or several; returns None after printing ``Exercise N: correct``.
    """
    letters = _normalize_options(options)
    if _hint_names_an_option(hint, letters):
        raise ValueError(f"exercise {exercise}: the hint names an option, which may give the answer away: {hint!r}")
    choice = read_choice(answer, letters, name)
    holds = facts()
    if not isinstance(holds, dict):
        raise ExerciseError(f"exercise {exercise}: facts() should return a dict of letter -> bool")
    holds = {str(letter).strip().lower(): bool(value) for letter, value in holds.items()}
    if sorted(holds) != sorted(letters):
        raise ExerciseError(f"exercise {exercise}: facts() gives the options {sorted(holds)}, "
                            f"the exercise offers {letters}: please report this")
    if sum(holds.values()) != 1:
        raise ExerciseError(f"exercise {exercise}: the run should match exactly one option, it matches "
                            f"{sum(holds.values())}: please report this")
    if not holds[choice]:
        raise AssertionError(f"Exercise {exercise}: not quite: {hint}")
    print(f"Exercise {exercise}: correct")

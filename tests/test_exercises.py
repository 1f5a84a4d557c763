"""``common.exercises.check_choice``: the answer read first, the verdict neither shown nor left behind."""

import re

import pytest

from common.exercises import ExerciseError, check_choice, read_choice

HINT = "compare the spreads of the two runs"


def facts_b():
    return {"a": False, "b": True, "c": False}


@pytest.mark.parametrize("answer", ["b", "B", " b ", "B\n"])
def test_a_right_letter_in_either_case_passes(answer, capsys):
    check_choice(answer, facts_b, exercise=2, hint=HINT)
    assert capsys.readouterr().out == "Exercise 2: correct\n"


@pytest.mark.parametrize("answer", ["a", "C", " c"])
def test_a_wrong_letter_fails_without_naming_the_right_one(answer):
    with pytest.raises(AssertionError) as info:
        check_choice(answer, facts_b, exercise=2, hint=HINT)
    message = str(info.value)
    assert message == f"Exercise 2: not quite: {HINT}"
    assert not re.search(r"\bb\b", message, flags=re.IGNORECASE), message   # the right letter, as a word
    assert "True" not in message and "False" not in message and "{" not in message


@pytest.mark.parametrize("answer", ["d", "ab", "", "option b", None, 2, ["b"]])
def test_a_malformed_answer_is_refused_before_the_experiment_runs(answer):
    ran = []

    def facts():
        ran.append(True)
        return facts_b()

    with pytest.raises(AssertionError, match=r'set prediction to one letter, "a", "b" or "c"'):
        check_choice(answer, facts, exercise=1, hint=HINT)
    assert ran == [], "facts() ran before the answer was read"


def test_the_format_message_names_the_variable_and_every_letter():
    with pytest.raises(AssertionError, match=r'set answer to one letter, "a", "b", "c" or "d" .* not \'e\''):
        read_choice("e", "abcd", name="answer")
    assert read_choice(" D ", ("a", "b", "c", "d")) == "d"


@pytest.mark.parametrize("holds, count", [({"a": False, "b": False, "c": False}, 0),
                                          ({"a": True, "b": True, "c": False}, 2)])
def test_a_run_that_matches_no_option_or_several_is_reported_not_blamed_on_the_learner(holds, count):
    for answer in "abc":
        with pytest.raises(ExerciseError, match=f"matches {count}: please report this"):
            check_choice(answer, lambda: holds, exercise=1, hint=HINT)


def test_facts_must_cover_exactly_the_offered_letters():
    with pytest.raises(ExerciseError, match="please report this"):
        check_choice("a", lambda: {"a": True, "b": False}, exercise=1, hint=HINT)
    with pytest.raises(ExerciseError, match="dict"):
        check_choice("a", lambda: "a", exercise=1, hint=HINT)


@pytest.mark.parametrize("hint", ['it is not "b"', "think of (c)", "option a is wrong", "not 'A'", "letter c"])
def test_a_hint_that_names_an_option_is_refused(hint):
    with pytest.raises(ValueError, match="names an option"):
        check_choice("a", facts_b, exercise=1, hint=hint)


def test_the_verdict_does_not_stay_in_the_callers_namespace():
    namespace = {"check_choice": check_choice, "facts_b": facts_b, "prediction": "b"}
    before = set(namespace)
    exec("check_choice(prediction, facts_b, exercise=1, hint='look again')", namespace)
    assert set(namespace) - before == {"__builtins__"}
    namespace["prediction"] = "a"
    with pytest.raises(AssertionError):
        exec("check_choice(prediction, facts_b, exercise=1, hint='look again')", namespace)
    assert set(namespace) - before == {"__builtins__"}


def test_bad_options_are_refused():
    for options in ("a", "aa", ("a", "bc"), ("1", "2")):
        with pytest.raises(ValueError, match="options"):
            read_choice("a", options)


def test_the_helper_imports_the_standard_library_only():
    """Self-checks import it in every section: it must load neither numpy's machinery nor the experiments."""
    import ast
    from pathlib import Path

    import common.exercises

    tree = ast.parse(Path(common.exercises.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"re"}, imported

"""The notebook check's rule: ``≈`` numbers within the cell's tolerance, everything else exact."""

import re
import textwrap
from pathlib import Path

import jupytext
import nbformat
import pytest

from common.display.report import Approx, approx
from tools.nbval_approx import ToleranceError, compare_text, declared_tolerance, reconcile, within

ROOT = Path(__file__).resolve().parent.parent
TOL = {"abs": 0.02, "rel": 0.0}


def test_approx_prints_the_mark_and_stays_a_float():
    value = approx(0.17853)
    assert f"{value:.3f}" == "≈0.179"
    assert repr({"gap": approx(0.178534, 3)}) == "{'gap': ≈0.179}"
    assert str(approx(2.5)) == "≈2.5" and f"{approx(2.5)}" == "≈2.5"
    assert f"|{value:>8.2f}|{value:<7.1f}|{value:.1e}|" == "|   ≈0.18|≈0.2   |≈1.8e-01|"   # widths pad the whole
    assert isinstance(value, float) and value + 1 == pytest.approx(1.17853)
    assert type(value + 1) is float and not isinstance(value * 2, Approx)


def test_declared_tolerance_is_read_from_cell_metadata():
    assert declared_tolerance({}) is None
    assert declared_tolerance({"tags": ["hide-input"]}, "x = 1\nprint(x)") is None
    assert declared_tolerance({"tolerance": {"abs": 0.02}}) == {"abs": 0.02, "rel": 0.0}
    assert declared_tolerance({"tolerance": {"rel": 0.1, "abs": 1e-3}}) == {"abs": 0.001, "rel": 0.1}
    assert declared_tolerance({"tolerance": {"abs": 60}}) == {"abs": 60.0, "rel": 0.0}


@pytest.mark.parametrize("metadata, problem", [
    ({"tolerance": 0.02}, "not a mapping"),
    ({"tolerance": {}}, "not a mapping"),
    ({"tolerance": {"abs": "two"}}, "abs='two'"),
    ({"tolerance": {"rel": -0.1}}, "rel=-0.1"),
    ({"tolerance": {"abs": True}}, "abs=True"),
    ({"tolerance": {"rel": float("inf")}}, "rel=inf"),
    ({"tolerance": {"absolute": 0.02}}, "unknown keys"),
    ({"tolerance": {"abs": 0, "rel": 0}}, "allows no movement"),
], ids=["number", "empty", "text", "negative", "bool", "infinite", "unknown-key", "zero"])
def test_bad_tolerance_metadata_is_a_clear_error(metadata, problem):
    with pytest.raises(ToleranceError, match=re.escape(problem)):
        declared_tolerance(metadata)


def test_the_old_comment_form_is_refused_with_the_new_form_named():
    with pytest.raises(ToleranceError, match=r"NBVAL_TOLERANCE.*# %% tolerance="):
        declared_tolerance({}, "# NBVAL_TOLERANCE abs=0.02\nprint(x)")


def test_jupytext_writes_the_metadata_from_the_cell_line():
    notebook = jupytext.reads('# %% tolerance={"rel": 0.1} tags=["nbval-ignore-output"]\nprint(1)\n',
                              fmt="py:percent")
    assert declared_tolerance(notebook.cells[0].metadata) == {"abs": 0.0, "rel": 0.1}


def test_within_absolute_relative_and_special_values():
    assert within(0.179, 0.178, TOL) and within(0.179, 0.199, TOL)
    assert not within(0.179, 0.2, TOL)
    assert within(100.0, 109.0, {"abs": 0.0, "rel": 0.1}) and not within(100.0, 111.0, {"abs": 0.0, "rel": 0.1})
    assert within(float("nan"), float("nan"), TOL) and not within(float("nan"), 0.1, TOL)
    assert within(float("inf"), float("inf"), TOL) and not within(float("inf"), 1e300, TOL)


def test_perturbed_training_numbers_pass():
    stored = "λ = 0.1   {'train': ≈0.757, 'test': ≈0.579, 'gap': ≈0.179}\n"
    new = "λ = 0.1   {'train': ≈0.759, 'test': ≈0.581, 'gap': ≈0.178}\n"
    assert compare_text(stored, new, TOL) == []
    assert compare_text("loss ≈2.3e-03", "loss ≈2.31e-03", {"abs": 0.0, "rel": 0.05}) == []


def test_a_number_outside_its_tolerance_fails_and_is_named():
    problems = compare_text("gap ≈0.179, train ≈0.99", "gap ≈0.25, train ≈0.99", TOL)
    assert problems == ["≈0.25 is outside the tolerance abs=0.02 of the stored ≈0.179"]


def test_a_changed_exact_value_or_sentence_fails():
    stored = "λ = 0.1: gap ≈0.179"
    assert compare_text(stored, "λ = 0.2: gap ≈0.179", TOL)           # a setting is exact
    assert compare_text(stored, "λ = 0.1: shrink ≈0.179", TOL)        # so are the words
    assert compare_text(stored, "λ = 0.1: gap 0.179", TOL)            # a ≈ number must stay marked
    assert compare_text(stored, "λ = 0.1: gap ≈0.179 ≈0.1", TOL)      # and counted
    assert compare_text("13 of 16 scales", "12 of 16 scales", TOL)    # plain numbers are exact
    assert compare_text("13 of 16 scales", "13 of 16 scales", None) == []


def test_approx_numbers_need_a_declared_tolerance():
    problems = compare_text("acc ≈0.97", "acc ≈0.97", None)
    assert problems and "declares no tolerance" in problems[0] and "tolerance=" in problems[0]


def outputs(text, html=None):
    data = {"text/plain": text} if html is None else {"text/plain": text, "text/html": html}
    return [nbformat.v4.new_output("stream", name="stdout", text=text),
            nbformat.v4.new_output("execute_result", data=data, execution_count=1)]


def test_reconcile_copies_stored_text_only_where_it_agrees():
    stored = outputs("acc ≈0.970\n", html="<td>≈0.970</td>")
    new = outputs("acc ≈0.975\n", html="<td>≈0.975</td>")
    fixed, problems = reconcile(stored, new, TOL)
    assert problems == []
    assert fixed[0]["text"] == "acc ≈0.970\n" and fixed[1]["data"]["text/html"] == "<td>≈0.970</td>"
    assert new[0]["text"] == "acc ≈0.975\n"   # the new outputs themselves are not changed
    fixed, problems = reconcile(stored, outputs("acc ≈0.900\n", html="<td>≈0.970</td>"), TOL)
    assert fixed[0]["text"] == "acc ≈0.900\n" and len(problems) == 2
    assert problems[0].startswith("stdout: ≈0.900 is outside")


NOTEBOOK_CELL = """\
from common.display.report import approx
print(f"setting 0.1, accuracy {{approx({value}):.3f}}")
"""


TOLERANCE_METADATA = {"tolerance": {"abs": 0.02}}


def notebook_with(folder, stored_text, value, source=NOTEBOOK_CELL, metadata=TOLERANCE_METADATA):
    cell = nbformat.v4.new_code_cell(source.format(value=value), execution_count=1, metadata=metadata)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "check.ipynb"
    nbformat.write(notebook, path)
    return path


def run_nbval(pytester, path):
    pytester.makeconftest(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        pytest_plugins = ["tools.nbval_approx"]
    """))
    return pytester.runpytest_subprocess("--nbval", "--nbval-current-env", "-p", "no:cacheprovider", str(path))


@pytest.mark.parametrize("value, stored, passes", [
    (0.9731, "setting 0.1, accuracy ≈0.970\n", True),     # another CPU: within the tolerance
    (0.9000, "setting 0.1, accuracy ≈0.970\n", False),    # a broken result
    (0.9700, "setting 0.2, accuracy ≈0.970\n", False),    # a changed exact value
], ids=["perturbed-passes", "broken-claim-fails", "exact-change-fails"])
def test_through_nbval(pytester, value, stored, passes):
    """End to end: pytest --nbval on a one-cell notebook, with this project's conftest."""
    result = run_nbval(pytester, notebook_with(pytester.path, stored, value))
    result.assert_outcomes(passed=1 if passes else 0, failed=0 if passes else 1)
    if value == 0.9:
        result.stdout.fnmatch_lines(["*≈0.900 is outside the tolerance abs=0.02 of the stored ≈0.970*"])


@pytest.mark.parametrize("metadata, message", [
    ({}, "*declares no tolerance*"),
    ({"tolerance": {"abs": "0.02"}}, "*tolerance metadata abs='0.02'*"),
], ids=["no-tolerance-fails", "bad-metadata-fails"])
def test_through_nbval_a_missing_or_bad_tolerance_fails(pytester, metadata, message):
    path = notebook_with(pytester.path, "setting 0.1, accuracy ≈0.970\n", 0.97, metadata=metadata)
    result = run_nbval(pytester, path)
    result.assert_outcomes(passed=0, failed=1)
    result.stdout.fnmatch_lines([message])


def test_through_nbval_the_tags_replace_the_comment_markers(pytester):
    """nbval reads nbval-ignore-output and nbval-skip from the cell tags (its find_metadata_tags)."""
    ignored = nbformat.v4.new_code_cell("print(2)", execution_count=1, metadata={"tags": ["nbval-ignore-output"]})
    ignored.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    skipped = nbformat.v4.new_code_cell("raise SystemExit", execution_count=2, metadata={"tags": ["nbval-skip"]})
    notebook = nbformat.v4.new_notebook(cells=[ignored, skipped])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, pytester.path / "tags.ipynb")
    result = run_nbval(pytester, pytester.path / "tags.ipynb")
    result.assert_outcomes(passed=1, skipped=1)

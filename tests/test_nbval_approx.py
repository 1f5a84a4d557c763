"""The notebook check's rule: ``≈`` numbers within the cell's tolerance, everything else exact."""

import textwrap
from pathlib import Path

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


def test_declared_tolerance():
    assert declared_tolerance("x = 1\nprint(x)") is None
    assert declared_tolerance("# NBVAL_TOLERANCE abs=0.02\nprint(x)") == {"abs": 0.02, "rel": 0.0}
    assert declared_tolerance("#NBVAL_TOLERANCE rel=0.1 abs=1e-3") == {"abs": 0.001, "rel": 0.1}
    for bad in ("# NBVAL_TOLERANCE", "# NBVAL_TOLERANCE abs=two", "# NBVAL_TOLERANCE 0.02",
                "# NBVAL_TOLERANCE abs=0.1\n# NBVAL_TOLERANCE abs=0.2"):
        with pytest.raises(ToleranceError, match="NBVAL_TOLERANCE"):
            declared_tolerance(bad)


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
    assert problems and "NBVAL_TOLERANCE" in problems[0]


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
# NBVAL_TOLERANCE abs=0.02
from common.display.report import approx
print(f"setting 0.1, accuracy {{approx({value}):.3f}}")
"""


def notebook_with(folder, stored_text, value, source=NOTEBOOK_CELL):
    cell = nbformat.v4.new_code_cell(source.format(value=value), execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "check.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize("value, stored, passes", [
    (0.9731, "setting 0.1, accuracy ≈0.970\n", True),     # another CPU: within the tolerance
    (0.9000, "setting 0.1, accuracy ≈0.970\n", False),    # a broken result
    (0.9700, "setting 0.2, accuracy ≈0.970\n", False),    # a changed exact value
], ids=["perturbed-passes", "broken-claim-fails", "exact-change-fails"])
def test_through_nbval(pytester, value, stored, passes):
    """End to end: pytest --nbval on a one-cell notebook, with this project's conftest."""
    path = notebook_with(pytester.path, stored, value)
    pytester.makeconftest(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        pytest_plugins = ["tools.nbval_approx"]
    """))
    result = pytester.runpytest_subprocess("--nbval", "--nbval-current-env", "-p", "no:cacheprovider", str(path))
    result.assert_outcomes(passed=1 if passes else 0, failed=0 if passes else 1)
    if value == 0.9:
        result.stdout.fnmatch_lines(["*≈0.900 is outside the tolerance abs=0.02 of the stored ≈0.970*"])


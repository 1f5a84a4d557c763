"""Every chapter pair is in sync and every notebook is fully executed.

nbval compares stored outputs; a code cell without an execution count is run
but never compared, so an unexecuted notebook would "pass" while checking
nothing. These tests make that impossible.
"""


import jupytext
import nbformat
import pytest

from tools.chapters import chapter_sources
from tools.nbval_approx import APPROX, declared_tolerance

PAIRS = chapter_sources()


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_chapters():
    assert PAIRS, "no chapters/NN_name.py found"


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_pair_is_in_sync(py):
    ipynb = py.with_suffix(".ipynb")
    assert ipynb.exists(), f"{py.name} has no paired {ipynb.name}: run make execute"
    from_py = jupytext.read(py)
    from_ipynb = jupytext.read(ipynb)
    sources_py = [cell.source for cell in code_cells(from_py)]
    sources_ipynb = [cell.source for cell in code_cells(from_ipynb)]
    assert sources_py == sources_ipynb, f"{py.name} and {ipynb.name} differ in code: run make execute"
    markdown_py = [cell.source for cell in from_py.cells if cell.cell_type == "markdown"]
    markdown_ipynb = [cell.source for cell in from_ipynb.cells if cell.cell_type == "markdown"]
    assert markdown_py == markdown_ipynb, f"{py.name} and {ipynb.name} differ in text: run make execute"
    # Textually identical, metadata included: JupyterLab refuses a pair whose newer .ipynb differs.
    assert jupytext.writes(from_ipynb, fmt="py:percent") == py.read_text(encoding="utf-8"), (
        f"{py.name} is not in jupytext's layout of {ipynb.name}: run make sync")


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_notebook_is_executed_in_order(py):
    notebook = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    counts = [cell.execution_count for cell in code_cells(notebook)]
    assert None not in counts, f"{py.stem}: {counts.count(None)} code cells were never executed"
    assert counts == list(range(1, len(counts) + 1)), f"{py.stem} was not executed top to bottom in one run"
    errors = [o for cell in code_cells(notebook) for o in cell.outputs if o.output_type == "error"
              and "raises-exception" not in cell.metadata.get("tags", [])]
    assert not errors, f"{py.stem} has error outputs: {[e.ename for e in errors]}"


def output_texts(cell):
    for output in cell.outputs:
        if "text" in output:
            yield output.text
        for value in output.get("data", {}).values():
            if isinstance(value, str):
                yield value


@pytest.mark.parametrize("py", PAIRS, ids=lambda p: p.stem)
def test_approx_numbers_and_tolerances_go_together(py):
    """A cell that prints ≈ numbers declares its tolerance; a cell that declares one prints ≈ numbers."""
    notebook = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    for index, cell in enumerate(code_cells(notebook)):
        tolerance = declared_tolerance(cell.source)
        marked = any(APPROX.search(text) for text in output_texts(cell))
        where = f"{py.stem}, code cell {index} ({cell.source.splitlines()[0][:60]!r})"
        assert not (marked and tolerance is None), f"{where} prints ≈ numbers but declares no NBVAL_TOLERANCE"
        assert not (tolerance is not None and not marked), f"{where} declares NBVAL_TOLERANCE but prints no ≈ number"

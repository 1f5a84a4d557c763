"""Student copies: solutions gone, self-checks kept, and each copy runs up to its first exercise."""


import nbformat
import pytest

from tools import launch
from tools.chapters import chapter_notebooks, is_section
from tools.student import STUB, SolutionMarkerError, solution_blocks, strip_solution, student_copy, write_copies

CHAPTERS = chapter_notebooks()


def name(path):
    return f"{path.parent.name}/{path.stem}" if is_section(path) else path.stem


def test_strip_solution_keeps_the_frame_and_the_indentation():
    source = "def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n\nprint(f(1))"
    assert strip_solution(source) == f"def f(x):\n    {STUB}\n\nprint(f(1))"
    assert solution_blocks(source) == ["    return 2 * x"]


@pytest.mark.parametrize("source, problem", [
    ("x = 1", "no '# BEGIN SOLUTION'"),
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_bad_markers_are_reported(source, problem):
    with pytest.raises(SolutionMarkerError, match=problem):
        strip_solution(source)


def meaningful_lines(block):
    """Lines of a solution that would give the answer away (not blank, not a bare keyword)."""
    return [line.strip() for line in block.splitlines()
            if len(line.strip()) > 12 and not line.strip().startswith("#")]


@pytest.mark.parametrize("path", CHAPTERS, ids=name)
def test_student_copy_hides_solutions_and_keeps_self_checks(path):
    original = nbformat.read(path, as_version=4)
    copy = student_copy(original, path.name)
    solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
    checks = [c for c in original.cells if "self-check" in c.metadata.get("tags", [])]
    least = 1 if is_section(path) else 3   # a section: 2-4 exercises, one at least with learner code
    assert len([c for c in solutions if c.cell_type == "code"]) >= least, f"fewer than {least} solution cells"
    assert len(checks) >= least
    # The exercise cells of the copy (solution frames and self-checks) must not hold the answer: not
    # most of a solution's lines. The teaching code elsewhere on the page may share lines with it (the
    # loop the exercise varies), and a self-check may share a generic line ("for curve in curves:").
    exercise_code = "\n".join(c.source for c in copy.cells if c.cell_type == "code"
                              and {"solution", "self-check"} & set(c.metadata.get("tags", []))).replace(STUB, "")
    for cell in solutions:
        if cell.cell_type == "code":
            for block in solution_blocks(cell.source):
                lines = meaningful_lines(block)
                shared = [line for line in lines if line in exercise_code]
                assert len(shared) * 2 <= len(lines), f"solution text leaks: {shared}"
    assert [c.source for c in copy.cells if "self-check" in c.metadata.get("tags", [])] == [c.source for c in checks]
    if is_section(path):  # the launch cell stays, collapsed: a copy opened alone installs the package too
        assert launch.problems(copy) == []
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in copy.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", CHAPTERS, ids=name)
def test_student_copy_runs_up_to_the_first_exercise(path, tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    copy = student_copy(nbformat.read(path, as_version=4), path.name)
    first = next(i for i, c in enumerate(copy.cells) if "solution" in c.metadata.get("tags", []))
    client = NotebookClient(copy, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    assert "NotImplementedError" in str(info.value)
    failed = [i for i, c in enumerate(copy.cells) if c.cell_type == "code"
              and any(o.output_type == "error" for o in c.get("outputs", []))
              and "raises-exception" not in c.metadata.get("tags", [])]
    # A solution that is a statement fails where it stands; one that is a function body fails when the
    # self-check right after it calls the function. Nothing before the first exercise may fail.
    allowed = {first, next(i for i in range(first + 1, len(copy.cells)) if copy.cells[i].cell_type == "code")}
    assert len(failed) == 1 and failed[0] in allowed, (
        f"the first error should come from the first exercise (cells {sorted(allowed)}), got cells {failed}")


def test_copies_keep_the_layout_with_overviews_and_glossary(tmp_path):
    source = tmp_path / "book" / "01_a"
    source.mkdir(parents=True)
    cells = [nbformat.v4.new_markdown_cell("# A\n\n[glossary](../glossary.md)"),
             nbformat.v4.new_code_cell("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION",
                                       metadata={"tags": ["solution"]}, execution_count=1)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), source / "01_first.ipynb")
    (source / "00_overview.md").write_text("# Chapter A\n\n[first](01_first.ipynb)\n")
    out = tmp_path / "student"
    written = write_copies([source / "01_first.ipynb"], out)
    assert {p.relative_to(out).as_posix() for p in written} >= {"01_a/01_first.ipynb", "01_a/00_overview.md"}
    copy = nbformat.read(out / "01_a" / "01_first.ipynb", as_version=4)
    assert STUB in copy.cells[1].source and "return 1" not in copy.cells[1].source
    assert (out / "01_a" / "00_overview.md").read_text() == (source / "00_overview.md").read_text()

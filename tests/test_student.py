"""Student copies: solutions gone, self-checks kept, and each copy runs up to its first exercise."""


import nbformat
import pytest

from tools.chapters import chapter_notebooks
from tools.student import STUB, SolutionMarkerError, solution_blocks, strip_solution, student_copy

CHAPTERS = chapter_notebooks()


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


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_copy_hides_solutions_and_keeps_self_checks(path):
    original = nbformat.read(path, as_version=4)
    copy = student_copy(original, path.name)
    solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
    checks = [c for c in original.cells if "self-check" in c.metadata.get("tags", [])]
    assert len([c for c in solutions if c.cell_type == "code"]) >= 3, "a chapter has at least three exercises"
    assert len(checks) >= 3
    copied_code = "\n".join(c.source for c in copy.cells if c.cell_type == "code")
    for cell in solutions:
        if cell.cell_type == "code":
            for block in solution_blocks(cell.source):
                for line in meaningful_lines(block):
                    assert line not in copied_code.replace(STUB, ""), f"solution text leaks: {line!r}"
    assert [c.source for c in copy.cells if "self-check" in c.metadata.get("tags", [])] == [c.source for c in checks]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in copy.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
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

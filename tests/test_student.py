"""Student copies: solutions gone, self-checks kept, and each copy runs up to its first exercise."""

import re

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


# Lines of a solution that give nothing away wherever they appear: blank, a bare keyword, brackets
# (closing a call), one bare name (a continued expression's last operand, e.g. "total,").
TRIVIAL_LINES = {"", "return", "pass", "else:", "try:", "finally:", "continue", "break"}
TRIVIAL_SHAPES = re.compile(r"^(?:[()\[\]{},:]*|\w+,?)$")

# The few solution lines that legitimately appear elsewhere in a student copy, per section, each with
# its reason. The test fails on a line not listed here, and on a listed line that no longer repeats.
ALLOWED_REPEATS = {
    "01_parameter_updates/05_momentum_speed_and_noise_ball": {
        "for curvature in curvatures:": "the loop over the bowl's curvatures, as heavy_ball_rate in the text has it",
    },
    "01_parameter_updates/06_mnist_training_loop": {
        "optimizer.update(network.params, grads)": "the update of the section's train loop, which the exercise varies",
        "losses.append(loss)": "the recording of the section's train loop, which the exercise varies",
    },
    "01_parameter_updates/07_fair_comparison": {
        "for _ in range(steps):": "a loop over the steps, which the self-check's reference run writes too",
    },
    "01_parameter_updates/10_update_to_weight_ratio": {
        "np.random.default_rng(1))": "the end of a call with the first seed, which the exercise and its check name",
    },
    "05_hyperparameter_search/04_optuna": {
        "for curve in curves:": "the self-check's Optuna replay walks the trials in the same order",
        "for epoch in range(1, len(curve)):": "the self-check's Optuna replay reports the same epochs",
        "stop = epoch": "the self-check's Optuna replay records a stop the same way",
    },
}


def telling_lines(block):
    """The stripped lines of a solution block that would give something away (not trivial)."""
    lines = [line.strip() for line in block.splitlines()]
    return [line for line in lines if line not in TRIVIAL_LINES and not TRIVIAL_SHAPES.match(line)]


def leaked_lines(original, copy):
    """Every telling line of a solution block of ``original`` that occurs anywhere in ``copy``'s cells."""
    text = "\n".join(cell.source for cell in copy.cells).replace(STUB, "")
    return {line for cell in original.cells if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])
            for block in solution_blocks(cell.source) for line in telling_lines(block)
            if re.search(rf"(?<![\w.]){re.escape(line)}(?!\w)", text)}   # whole tokens: not "return n" in "return np"


def test_a_repeated_solution_line_is_found_and_a_trivial_one_is_not():
    code = nbformat.v4.new_code_cell
    original = nbformat.v4.new_notebook(cells=[
        code("for x in xs:\n    total = 0", metadata={}),
        code("def f(x):\n    # BEGIN SOLUTION\n    total = 2 * x\n    return (\n        total\n    )\n"
             "    # END SOLUTION", metadata={"tags": ["solution"]})])
    assert leaked_lines(original, student_copy(original)) == set()
    original.cells[0].source = "y = 1  # total = 2 * xs, not the answer"
    assert leaked_lines(original, student_copy(original)) == set()
    original.cells[0].source = "y = 1  # total = 2 * x, the answer in a comment"
    assert leaked_lines(original, student_copy(original)) == {"total = 2 * x"}


@pytest.mark.parametrize("path", CHAPTERS, ids=name)
def test_student_copy_hides_solutions_and_keeps_self_checks(path):
    original = nbformat.read(path, as_version=4)
    copy = student_copy(original, path.name)
    solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
    checks = [c for c in original.cells if "self-check" in c.metadata.get("tags", [])]
    least = 1 if is_section(path) else 3   # a section: 2-4 exercises, one at least with learner code
    assert len([c for c in solutions if c.cell_type == "code"]) >= least, f"fewer than {least} solution cells"
    assert len(checks) >= least
    # No telling line of a solution appears anywhere in the copy (text, teaching code, frames, self-checks),
    # except the listed repeats; and every listed repeat still occurs (else the list is out of date).
    allowed = ALLOWED_REPEATS.get(name(path), {})
    leaked = leaked_lines(original, copy)
    extra, stale = sorted(leaked - set(allowed)), sorted(set(allowed) - leaked)
    assert not extra, f"solution lines appear in the student copy: {extra}"
    assert not stale, f"ALLOWED_REPEATS lists lines that no longer repeat: {stale}"
    assert [c.source for c in copy.cells if "self-check" in c.metadata.get("tags", [])] == [c.source for c in checks]
    if is_section(path):  # the launch cell stays, collapsed: a copy opened alone installs the package too
        assert launch.problems(copy) == []
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in copy.cells if c.cell_type == "code")


def first_exercise(copy):
    """The index of the first solution cell of a student copy."""
    return next(i for i, c in enumerate(copy.cells) if "solution" in c.metadata.get("tags", []))


@pytest.mark.parametrize("path", CHAPTERS, ids=name)
def test_student_copy_is_the_checked_section_up_to_the_first_exercise(path):
    # Up to its first exercise a copy is the section's own code, cell for cell: nbval runs exactly these
    # cells in every check, so the copy runs that far wherever the section passes nbval.
    original = nbformat.read(path, as_version=4)
    copy = student_copy(original, path.name)
    first = first_exercise(copy)
    assert [(c.cell_type, c.source) for c in copy.cells[:first]] == \
        [(c.cell_type, c.source) for c in original.cells[:first]]
    assert STUB in copy.cells[first].source, "the first exercise's solution cell has no stub in the copy"


# Executing a copy runs its section again, so the run itself is tested on one short section of each
# chapter that needs no other section's results; the test above ties every other copy to its nbval run.
RUN_ONE_PER_CHAPTER = ["01_parameter_updates/02_sgd_momentum_nesterov", "02_initial_weights/03_inside_the_sigmoid",
                       "03_batch_normalization/01_the_layer", "04_regularization/02_norms_proximal_priors",
                       "05_hyperparameter_search/05_parallel_trials_and_scaling"]


def test_the_sections_run_are_sections_of_the_book():
    assert sorted(RUN_ONE_PER_CHAPTER) == sorted(name(p) for p in CHAPTERS if name(p) in RUN_ONE_PER_CHAPTER)
    assert len({section.split("/")[0] for section in RUN_ONE_PER_CHAPTER}) == len({p.parent for p in CHAPTERS})


@pytest.mark.parametrize("path", [p for p in CHAPTERS if name(p) in RUN_ONE_PER_CHAPTER], ids=name)
def test_student_copy_runs_up_to_the_first_exercise(path, tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    copy = student_copy(nbformat.read(path, as_version=4), path.name)
    first = first_exercise(copy)
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

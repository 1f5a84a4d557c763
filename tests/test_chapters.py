"""Every notebook of the book: its pair in sync, fully executed, and (for sections) in the shape of a section.

nbval compares stored outputs; a code cell without an execution count is run
but never compared, so an unexecuted notebook would "pass" while checking
nothing. These tests make that impossible. The shape of a section (learning
goals, at most 2,200 words, summary, exercises, a self-check of the learner's
code, solution cells without output) and of a chapter folder (an overview that
links every section) is defined in ``tools/sections.py``; the old single-file
chapters ``chapters/NN_name.py`` are exempt from it until they are moved.
"""

import jupytext
import nbformat
import pytest

from tools import launch, sections
from tools.chapters import chapter_folders, chapter_sources, is_section, superseded_sources
from tools.nbval_approx import APPROX, ToleranceError, declared_tolerance

PAIRS = chapter_sources()
SECTIONS = [path for path in PAIRS if is_section(path)]
FOLDERS = chapter_folders()


def name(path):
    return f"{path.parent.name}/{path.stem}" if is_section(path) else path.stem


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def executed(py):
    return nbformat.read(py.with_suffix(".ipynb"), as_version=4)


def test_there_are_chapters():
    assert PAIRS, "no chapters/NN_name/MM_topic.py (nor chapters/NN_name.py) found"


def test_no_single_file_chapter_is_left_beside_its_sections():
    left = [path.name for path in superseded_sources()]
    assert not left, f"these chapters are now folders of sections: delete {left} and their .ipynb"


@pytest.mark.parametrize("py", PAIRS, ids=name)
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


@pytest.mark.parametrize("py", PAIRS, ids=name)
def test_notebook_is_executed_in_order(py):
    notebook = executed(py)
    code = code_cells(notebook)
    counts = [cell.execution_count for cell in code]
    assert None not in counts, f"{name(py)}: {counts.count(None)} code cells were never executed"
    if code and launch.is_launch_cell(code[0]) and counts[:2] == [1, 1]:
        counts = counts[1:]  # the launch cell was run alone (python -m tools.launch --execute), the rest in one run
    assert counts == list(range(1, len(counts) + 1)), f"{name(py)} was not executed top to bottom in one run"
    errors = [o for cell in code_cells(notebook) for o in cell.outputs if o.output_type == "error"
              and "raises-exception" not in cell.metadata.get("tags", [])]
    assert not errors, f"{name(py)} has error outputs: {[e.ename for e in errors]}"


def output_texts(cell):
    for output in cell.outputs:
        if "text" in output:
            yield output.text
        for value in output.get("data", {}).values():
            if isinstance(value, str):
                yield value


def tolerance_problems(notebook, label="notebook"):
    """Cells that print ≈ numbers without a tolerance, declare one without printing any, or declare a bad one."""
    problems = []
    for index, cell in enumerate(code_cells(notebook)):
        where = f"{label}, code cell {index} ({(cell.source.splitlines() or [''])[0][:60]!r})"
        try:
            tolerance = declared_tolerance(cell.metadata, cell.source)
        except ToleranceError as error:
            problems.append(f"{where}: {error}")
            continue
        marked = any(APPROX.search(text) for text in output_texts(cell))
        if marked and tolerance is None:
            problems.append(f"{where} prints ≈ numbers but declares no tolerance (# %% tolerance={{...}})")
        if tolerance is not None and not marked:
            problems.append(f"{where} declares a tolerance but prints no ≈ number")
    return problems


@pytest.mark.parametrize("py", PAIRS, ids=name)
def test_approx_numbers_and_tolerances_go_together(py):
    """A cell that prints ≈ numbers declares its tolerance; a cell that declares one prints ≈ numbers."""
    problems = tolerance_problems(executed(py), name(py))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("py", PAIRS, ids=name)
def test_no_nbval_comment_markers_in_code(py):
    problems = sections.marker_problems(jupytext.read(py))
    assert not problems, f"{name(py)}: " + "; ".join(problems)


@pytest.mark.parametrize("py", SECTIONS, ids=name)
def test_section_has_the_shape_of_a_section(py):
    problems = sections.shape_problems(executed(py))
    assert not problems, f"{name(py)}: " + "; ".join(problems)


@pytest.mark.parametrize("py", SECTIONS, ids=name)
def test_multiple_choice_self_checks_use_check_choice(py):
    problems = sections.choice_problems(jupytext.read(py))
    assert not problems, f"{name(py)}: " + "; ".join(problems)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: folder.name)
def test_chapter_folder_has_an_overview_of_its_sections(folder):
    assert sections.section_sources(folder), f"{folder.name} holds no section MM_topic.py"
    problems = sections.overview_problems(folder, lambda path: sections.title(jupytext.read(path)))
    assert not problems, "; ".join(problems)


# The checks themselves, on small notebooks made here.


def section(goals=True, words=0, summary=True, exercises=2, check=True, solution_output=False, terms=True,
            launch_cell=True, empty_cell=False):
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md("# A section\n\n" + ("## Learning goals\n\n- one\n- two\n" if goals else "Some text.\n"))]
    if words:
        cells.append(md(" ".join(["word"] * words)))
    if empty_cell:
        cells.append(md(""))
    if launch_cell:
        cells.append(launch.new_cell())
    cells.append(code("x = 1", execution_count=1))
    if summary:
        cells.append(md("## Summary\n\n- what we saw"))
    for number in range(1, exercises + 1):
        cells.append(md(f"### Exercise {number}: predict"))
    solution = code("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION", execution_count=2,
                    metadata={"tags": ["solution"]})
    if solution_output:
        solution.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    cells.append(solution)
    cells.append(code("assert f() == 1", execution_count=3, metadata={"tags": ["self-check" if check else "x"]}))
    if terms:
        cells.append(md("## Terms introduced in this section\n\n| English | 日本語 | 中文 | definition |"))
    return nbformat.v4.new_notebook(cells=cells)


def test_a_well_formed_section_passes():
    assert sections.shape_problems(section()) == []
    assert sections.prose_words(section(words=100)) == sections.prose_words(section()) + 100


@pytest.mark.parametrize("changes, problem", [
    ({"goals": False}, "no learning goals"),
    ({"words": sections.MAX_WORDS}, "words of prose"),
    ({"summary": False}, "no summary"),
    ({"exercises": 1}, "1 exercises"),
    ({"exercises": 5}, "5 exercises"),
    ({"check": False}, "learner's code"),
    ({"solution_output": True}, "has stored output"),
    ({"terms": False}, "Terms introduced"),
    ({"launch_cell": False}, "not the launch cell"),
    ({"empty_cell": True}, "empty cells"),
])
def test_each_missing_part_of_a_section_is_named(changes, problem):
    problems = sections.shape_problems(section(**changes))
    assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize("change", ["source", "collapsed", "tags"])
def test_a_launch_cell_that_differs_from_the_generated_one_is_found(change):
    notebook = section()
    cell = code_cells(notebook)[0]
    if change == "source":
        cell.source = cell.source.replace("@main", "@develop")
    elif change == "collapsed":
        del cell.metadata["jupyter"]
    else:
        cell.metadata["tags"] = []
    assert sections.shape_problems(notebook) == [
        "the first code cell is not the launch cell (python -m tools.launch --write, then make sync)"]


def test_the_launch_cell_comes_from_the_repository_setting_and_write_puts_it_first(tmp_path):
    settings = {"repository": "https://github.com/someone/book", "branch": "edition-2"}
    source = launch.cell_source(settings)
    assert 'os.environ.get("BOOK_PACKAGE", "git+https://github.com/someone/book@edition-2")' in source
    assert launch.cell_source() != source and launch.package_source() in launch.cell_source()
    py = tmp_path / "01_x.py"
    header = SECTIONS[0].read_text(encoding="utf-8").split("# ---\n\n", 1)[0] + "# ---\n\n"  # the sections' own
    py.write_text(header + "# %% [markdown]\n# # Title\n\n# %%\nx = 1\n\n# %%\ny = 2\n")
    assert launch.write([py], settings) == [py]
    cells = jupytext.read(py).cells
    assert [cell.cell_type for cell in cells] == ["markdown", "code", "code", "code"]
    assert launch.is_launch_cell(cells[1], settings) and cells[2].source == "x = 1"
    first = py.read_text()
    assert launch.write([py], settings) == [] and py.read_text() == first  # once only
    assert launch.write([py]) == [py]  # another setting: the old launch cell is replaced, not kept
    cells = jupytext.read(py).cells
    assert len(cells) == 4 and launch.is_launch_cell(cells[1]) and not launch.is_launch_cell(cells[1], settings)


def test_nbval_comment_markers_are_found_and_tags_are_not():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nprint(1)"),
        nbformat.v4.new_code_cell("print(2)", metadata={"tags": ["nbval-ignore-output"]}),
        nbformat.v4.new_markdown_cell("Markdown may name # NBVAL_SKIP.")])
    assert sections.marker_problems(notebook) == [
        "code cell 0 holds '# NBVAL_IGNORE_OUTPUT': use the cell tag or the tolerance metadata"]


def choice_section(solution, check):
    code = nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(cells=[
        code(f"# BEGIN SOLUTION\n{solution}\n# END SOLUTION", metadata={"tags": ["solution"]}),
        code(check, metadata={"tags": ["self-check"]})])


HELPER_CHECK = "check_choice(prediction, facts, exercise=1, hint='look again')"


def test_a_multiple_choice_check_through_check_choice_passes():
    assert sections.choice_problems(choice_section('prediction = "b"', HELPER_CHECK)) == []
    assert sections.choice_problems(choice_section("x = 'bc'", "assert x == 'bc'")) == []   # not one letter


@pytest.mark.parametrize("solution, check, problem", [
    ('prediction = "B"', HELPER_CHECK, "letters are lower case"),
    ('prediction = "b"', "assert prediction == outcome()", "does not call check_choice"),
    ("answer_2 = 'c'", "assert answer_2 in 'abc'", "does not call check_choice"),
    ('prediction = "b"', HELPER_CHECK + "\nanswer = prediction.strip().upper()", "'.upper()'"),
    ('prediction = "b"', HELPER_CHECK + '\nholds = {"a": True}', "'holds ='"),
    ('prediction = "b"', HELPER_CHECK + "\noutcome = 'a'", "'outcome ='"),
    ('prediction = "b"', HELPER_CHECK + "\n    truth = 'a'", "'truth ='"),
])
def test_a_home_made_multiple_choice_check_is_named(solution, check, problem):
    problems = sections.choice_problems(choice_section(solution, check))
    assert len(problems) == 1 and problem in problems[0], problems


def test_tolerances_without_approx_numbers_and_the_reverse_are_found():
    code = nbformat.v4.new_code_cell
    printed = [nbformat.v4.new_output("stream", name="stdout", text="acc ≈0.97\n")]
    cells = [code("a", outputs=printed), code("b", metadata={"tolerance": {"abs": 0.01}}),
             code("c", outputs=printed, metadata={"tolerance": {"abs": 0.01}}),
             code("d", outputs=printed, metadata={"tolerance": {"abs": "x"}})]
    problems = tolerance_problems(nbformat.v4.new_notebook(cells=cells))
    assert len(problems) == 3
    assert "cell 0" in problems[0] and "declares no tolerance" in problems[0]
    assert "cell 1" in problems[1] and "prints no ≈ number" in problems[1]
    assert "cell 3" in problems[2] and "abs='x'" in problems[2]


def test_overview_checks(tmp_path):
    folder = tmp_path / "01_chapter"
    folder.mkdir()
    for stem in ("01_basics", "02_deeper"):
        (folder / f"{stem}.py").write_text("")
        (folder / f"{stem}.ipynb").write_text("")
    titles = {"01_basics.py": "Basics", "02_deeper.py": "Deeper (optional)"}
    read_title = lambda path: titles[path.name]  # noqa: E731
    assert sections.overview_problems(folder, read_title) == ["01_chapter has no 00_overview.md"]
    overview = folder / "00_overview.md"
    overview.write_text("# Chapter\n\n1. [Basics](01_basics.ipynb)\n2. [Deeper](02_deeper.ipynb), optional\n")
    assert sections.overview_problems(folder, read_title) == []
    overview.write_text("Chapter\n\n1. [Basics](01_basics.ipynb), optional\n2. [Deeper](02_deeper.ipynb)\n"
                        "[gone](03_gone.ipynb)")
    assert sections.overview_problems(folder, read_title) == [
        "00_overview.md has no title ('# ...')",
        "00_overview.md links to 03_gone.ipynb, which does not exist",
        "the overview marks 01_basics.ipynb optional, but its title does not say '(optional)'",
        "02_deeper.ipynb is optional (its title says so), but the overview does not say so"]
    overview.write_text("# Chapter\n\n[Basics](01_basics.ipynb)\n")
    assert sections.overview_problems(folder, read_title) == ["00_overview.md does not link to 02_deeper.ipynb"]

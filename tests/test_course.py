"""The nbgrader course (tools/course.py): metadata from the tags, and the whole cycle on one section.

The cycle: generate the assignment of section 2.3, submit the teacher's source as one learner
(full marks on every autograded test), the untouched release as another (zero on every test,
and the grader does not crash), and the teacher's answers with exercise 2 answered wrongly
as a third (zero on exercise 2 only); then write the feedback.
"""

import subprocess
import sys

import nbformat
import pytest

from tools.chapters import CHAPTERS_DIR, ROOT
from tools.course import CourseError, assignment_id, points, points_table, source_notebook
from tools.student import solution_blocks

SECTION = CHAPTERS_DIR / "02_initial_weights" / "03_inside_the_sigmoid.ipynb"
WRONG = {"exercise-2-answer": 'prediction = "a"'}   # 2.3's exercise 2: the answer is b


def cell(cell_type, source, *cell_tags):
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata={"tags": list(cell_tags)} if cell_tags else {})


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def test_the_tags_become_nbgrader_metadata():
    nb = source_notebook(notebook(
        cell("markdown", "# Section"),
        cell("code", "x = 1"),
        cell("code", "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION", "solution"),
        cell("code", "assert f() == 1", "self-check"),
        cell("markdown", "Because ...", "solution"),
    ))
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    assert meta == [
        {"schema_version": 3, "solution": False, "grade": False, "locked": True, "grade_id": "cell-00"},
        {"schema_version": 3, "solution": False, "grade": False, "locked": True, "grade_id": "cell-01"},
        {"schema_version": 3, "solution": True, "grade": False, "locked": False, "grade_id": "exercise-1-answer"},
        {"schema_version": 3, "solution": False, "grade": True, "locked": True, "points": 1,
         "grade_id": "exercise-1-check"},
        {"schema_version": 3, "solution": True, "grade": True, "locked": False, "points": 1,
         "grade_id": "exercise-2-written"},
    ]


@pytest.mark.parametrize("cells, message", [
    ((cell("code", "x = 1"),), "no cell tagged 'solution'"),
    ((cell("code", "x = 1", "solution"),), "without a '# BEGIN SOLUTION'"),
    ((cell("code", "assert True", "self-check"),), "after an exercise"),
    ((cell("code", "# BEGIN SOLUTION\nx = 1\n# END SOLUTION", "solution", "self-check"),), "both"),
])
def test_a_section_that_cannot_be_graded_is_named(cells, message):
    with pytest.raises(CourseError, match=message):
        source_notebook(notebook(*cells), "x.ipynb")


def test_assignment_ids_name_chapter_and_section():
    assert assignment_id(SECTION) == "02-03_inside_the_sigmoid"


def course(tmp_path, *args):
    done = subprocess.run([sys.executable, "-m", "tools.course", *args, "--course", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# nbgrader 0.9.5's gradebook models, on SQLAlchemy 2: not ours to fix.
@pytest.mark.filterwarnings("ignore:User-placed attribute Grade:sqlalchemy.exc.SADeprecationWarning")
def test_the_whole_cycle_on_one_section(tmp_path):
    aid = assignment_id(SECTION)
    course(tmp_path, "assignments", str(SECTION))
    source = nbformat.read(tmp_path / "source" / aid / SECTION.name, as_version=4)
    release = nbformat.read(tmp_path / "release" / aid / SECTION.name, as_version=4)
    released_text = "\n".join(c.source for c in release.cells)
    answers = [block for c in source.cells if c.cell_type == "code" for block in solution_blocks(c.source)]
    leaked = [line for a in answers for line in a.splitlines() if line.strip() and line.strip() in released_text]
    assert answers and not leaked, leaked
    assert all(not c.get("outputs") for c in release.cells)

    wrong = nbformat.from_dict(source)
    for c in wrong.cells:
        c.source = WRONG.get(c.metadata["nbgrader"]["grade_id"], c.source)
    for learner, nb in [("teacher-copy", source), ("untouched", release), ("wrong-exercise-2", wrong)]:
        folder = tmp_path / "submitted" / learner / aid
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / SECTION.name)
    printed = course(tmp_path, "autograde")

    table = points(tmp_path)
    checks = sorted(c.metadata["nbgrader"]["grade_id"] for c in source.cells if c.metadata["nbgrader"]["grade"])
    assert checks == ["exercise-1-check", "exercise-2-check"]
    assert table == {
        ("teacher-copy", aid): {name: (1.0, 1.0) for name in checks},
        ("untouched", aid): {name: (0.0, 1.0) for name in checks},
        ("wrong-exercise-2", aid): {"exercise-1-check": (1.0, 1.0), "exercise-2-check": (0.0, 1.0)},
    }
    assert printed.strip() == points_table(table)
    print(printed)

    feedback = course(tmp_path, "feedback").split()
    assert sorted(feedback) == sorted(str(tmp_path / "feedback" / learner / aid / SECTION.with_suffix(".html").name)
                                      for learner in ("teacher-copy", "untouched", "wrong-exercise-2"))

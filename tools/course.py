"""The book as an nbgrader course: ``python -m tools.course {assignments,autograde,feedback} [--course DIR]``.

``assignments [SECTION ...]`` writes an nbgrader course folder (default ``build/course/``,
generated, never committed) and one assignment per section (every section by default)::

    build/course/nbgrader_config.py
    build/course/source/<assignment>/<MM_topic>.ipynb     the teacher's version, with nbgrader metadata
    build/course/release/<assignment>/<MM_topic>.ipynb    the learners' version (nbgrader generate_assignment)

The assignment of section N.M is ``NN-MM_topic`` (``02-03_inside_the_sigmoid``). The
nbgrader metadata comes from the cells' tags:

- a code cell tagged ``solution`` is an autograded answer: the learner edits it;
  its ``# BEGIN SOLUTION`` / ``# END SOLUTION`` blocks are nbgrader's delimiters,
  replaced in the release by the same stub as ``tools/student.py`` writes;
- a code cell tagged ``self-check`` is an autograder test, locked, worth
  POINTS points: it raises (AssertionError, NameError, NotImplementedError...)
  on a missing or wrong answer, so nbgrader gives it 0, else full points;
- a Markdown cell tagged ``solution`` (a written answer) is a manually graded
  answer worth POINTS points: the release shows "YOUR ANSWER HERE";
- every other cell is locked (read-only, and restored from the source when grading).

``autograde`` grades every submission in ``build/course/submitted/<learner>/<assignment>/``
(nbgrader autograde: each notebook is executed with its locked cells restored) and
prints the points of each learner per exercise; ``feedback`` writes each graded
submission as HTML in ``build/course/feedback/``. Figures drawn while grading go to
``build/course/images/``, never over the book's ``images/``.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

import nbformat

from tools.chapters import ROOT, chapter_notebooks
from tools.student import STUB, solution_blocks, tags

COURSE = ROOT / "build" / "course"
COURSE_ID = "training-techniques"
POINTS = 1
SCHEMA_VERSION = 3

CONFIG = f'''# Written by tools/course.py (make assignments): the book's sections as an nbgrader course.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{COURSE_ID}"
# The stub learners see in place of a solution: the same as the book's student copies.
c.ClearSolutions.code_stub = {{"python": {STUB!r}}}
# A section runs its experiments in full when graded: allow the slowest cell 15 minutes.
c.ExecutePreprocessor.timeout = 900
'''


class CourseError(ValueError):
    """A section that cannot become an assignment, or a course folder in an unexpected state."""


def assignment_id(section):
    """``chapters/02_initial_weights/03_inside_the_sigmoid.ipynb`` -> ``02-03_inside_the_sigmoid``."""
    section = Path(section)
    return f"{section.parent.name[:2]}-{section.stem}"


def _nbgrader(**fields):
    return {"schema_version": SCHEMA_VERSION, **fields}


def source_notebook(notebook, name="notebook"):
    """The teacher's nbgrader version of a section: nbgrader metadata from the tags, outputs cleared.

    Exercises are numbered in the order of their answer cells: ``exercise-K-answer`` (the
    code a learner writes), ``exercise-K-check`` (its self-check, the autograder test),
    ``exercise-K-written`` (a written answer). Every other cell is ``cell-NN``, locked.
    """
    nb = nbformat.from_dict(notebook)
    exercise, checks = 0, 0
    for index, cell in enumerate(nb.cells):
        cell_tags = tags(cell)
        where = f"{name}, cell {index}"
        if "solution" in cell_tags and "self-check" in cell_tags:
            raise CourseError(f"{where}: tagged both 'solution' and 'self-check'")
        if "solution" in cell_tags:
            exercise += 1
            if cell.cell_type == "code":
                if not solution_blocks(cell.source):
                    raise CourseError(f"{where}: a 'solution' cell without a '# BEGIN SOLUTION' block")
                cell.metadata["nbgrader"] = _nbgrader(solution=True, grade=False, locked=False,
                                                      grade_id=f"exercise-{exercise}-answer")
            else:
                cell.metadata["nbgrader"] = _nbgrader(solution=True, grade=True, locked=False, points=POINTS,
                                                      grade_id=f"exercise-{exercise}-written")
            jupyter = cell.metadata.get("jupyter", {})
            jupyter.pop("source_hidden", None)   # learners must see their answer cell
            if not jupyter:
                cell.metadata.pop("jupyter", None)
        elif "self-check" in cell_tags:
            if exercise == 0 or cell.cell_type != "code":
                raise CourseError(f"{where}: a 'self-check' must be a code cell after an exercise's answer")
            checks += 1
            cell.metadata["nbgrader"] = _nbgrader(solution=False, grade=True, locked=True, points=POINTS,
                                                  grade_id=f"exercise-{exercise}-check")
        else:
            cell.metadata["nbgrader"] = _nbgrader(solution=False, grade=False, locked=True,
                                                  grade_id=f"cell-{index:02d}")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if exercise == 0:
        raise CourseError(f"{name}: no cell tagged 'solution', nothing to grade")
    nb.metadata.pop("widgets", None)
    return nb


def _write_notebook(nb, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)


def use_course_environment(course):
    """Set this process's environment for grading (the kernels nbgrader starts inherit it): figures under
    the course folder, no progress bars, one BLAS thread unless already chosen."""
    os.environ.update(BOOK_IMAGES_DIR=str(Path(course).resolve() / "images"), BOOK_PROGRESS="0",
                      PYDEVD_DISABLE_FILE_VALIDATION="1")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    # nbgrader calls the alembic command of its environment (the gradebook's schema).
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(course):
    """nbgrader's API on the course folder, configured by its ``nbgrader_config.py`` (one import of nbgrader
    for every assignment and learner: nbgrader takes seconds to import)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    course = Path(course).resolve()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(config=config)


def _check(result, what):
    if not result["success"]:
        raise CourseError(f"nbgrader {what} failed:\n{result.get('log', '')}\n{result.get('error', '')}")
    return result


def make_assignments(sections, course=COURSE):
    """Write the course folder's config and each section's source, then generate the release; the ids."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    use_course_environment(course)
    api = nbgrader_api(course)
    ids = []
    for section in sections:
        section = Path(section).with_suffix(".ipynb")
        aid = assignment_id(section)
        source = source_notebook(nbformat.read(section, as_version=4), section.name)
        folder = course / "source" / aid
        if folder.exists():
            shutil.rmtree(folder)
        _write_notebook(source, folder / section.name)
        _check(api.generate_assignment(aid, force=True), f"generate_assignment {aid}")
        ids.append(aid)
    return ids


def submissions(course=COURSE):
    """(learner, assignment) for every folder ``submitted/<learner>/<assignment>/``, sorted."""
    submitted = Path(course) / "submitted"
    if not submitted.is_dir():
        return []
    return sorted((learner.name, assignment.name) for learner in submitted.iterdir() if learner.is_dir()
                  for assignment in learner.iterdir() if assignment.is_dir())


def autograde(course=COURSE):
    """nbgrader autograde for every submission; then the points, see :func:`points`."""
    found = submissions(course)
    if not found:
        raise CourseError(f"no submission in {Path(course) / 'submitted'}/<learner>/<assignment>/")
    use_course_environment(course)
    api = nbgrader_api(course)
    for learner, aid in found:
        _check(api.autograde(aid, learner, force=True, create=True), f"autograde {aid} for {learner}")
    return points(course)


def points(course=COURSE):
    """{(learner, assignment): {grade_id: (score, max_score)}} for every graded cell in the gradebook."""
    from nbgrader.api import Gradebook

    table = {}
    with Gradebook(f"sqlite:///{Path(course).resolve() / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                cells = table.setdefault((submission.student.id, assignment.name), {})
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        cells[grade.name] = (grade.score, grade.max_score)
    return table


def points_table(table):
    """The points as text: one row per learner and assignment, one column per graded cell, then the total."""
    lines = []
    for (learner, aid), cells in sorted(table.items()):
        names = sorted(cells, key=lambda name: [int(p) if p.isdigit() else p for p in name.split("-")])
        scores = "  ".join(f"{name.removesuffix('-check').replace('exercise-', 'ex')}: {_score(cells[name])}"
                           for name in names)
        total = sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())
        lines.append(f"{learner:18s} {aid:36s} {scores}  total: {_score(total)}")
    return "\n".join(lines)


def _score(pair):
    score, most = pair
    return f"{score:g}/{most:g}"


def feedback(course=COURSE):
    """nbgrader generate_feedback for every graded submission; the HTML files written."""
    use_course_environment(course)
    api = nbgrader_api(course)
    for learner, aid in submissions(course):
        _check(api.generate_feedback(aid, learner, force=True), f"generate_feedback {aid} for {learner}")
    return sorted((Path(course) / "feedback").rglob("*.html"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["assignments", "autograde", "feedback"])
    parser.add_argument("sections", nargs="*", type=Path, help="sections (assignments only; default: every one)")
    parser.add_argument("--course", type=Path, default=COURSE)
    args = parser.parse_args(argv)
    try:
        if args.command == "assignments":
            for aid in make_assignments(args.sections or chapter_notebooks(), args.course):
                print(f"{args.course / 'release' / aid}")
        elif args.command == "autograde":
            print(points_table(autograde(args.course)))
        else:
            for path in feedback(args.course):
                print(path)
    except CourseError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()

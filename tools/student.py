"""Student copies of the book: ``python -m tools.student [--out student] [chapters/NN_name/MM_topic.ipynb ...]``.

In each copy:
- every code cell tagged ``solution`` keeps its frame (the ``def`` line, the
  comments around the answer) but each block between ``# BEGIN SOLUTION`` and
  ``# END SOLUTION`` becomes ``raise NotImplementedError(...)``;
- markdown cells tagged ``solution`` (worked answers) are removed;
- ``self-check`` cells stay, so learners can test their answers;
- all outputs and execution counts are cleared.
The copies go to a folder that git ignores (``student/`` by default), in the
layout of ``chapters/`` (``student/NN_name/MM_topic.ipynb``), with each copied
chapter's ``00_overview.md`` and the glossary beside them, so that the links
between them work; ``student/`` sits beside ``images/`` as ``chapters/`` does.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

from tools.chapters import CHAPTERS_DIR, OVERVIEW, chapter_notebooks, is_section

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
STUB = 'raise NotImplementedError("Exercise: replace this line with your answer")'


class SolutionMarkerError(ValueError):
    """A solution cell whose markers are missing or unbalanced."""


def strip_solution(source, where="cell"):
    """Replace each BEGIN/END SOLUTION block of ``source`` with a stub at the same indentation."""
    out, inside, found = [], False, False
    for number, line in enumerate(source.splitlines(), start=1):
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise SolutionMarkerError(f"{where}, line {number}: BEGIN SOLUTION inside another solution block")
            inside, found = True, True
            out.append(begin.group("indent") + STUB)
        elif END.match(line):
            if not inside:
                raise SolutionMarkerError(f"{where}, line {number}: END SOLUTION without BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionMarkerError(f"{where}: BEGIN SOLUTION is never closed")
    if not found:
        raise SolutionMarkerError(f"{where}: a cell tagged 'solution' has no '# BEGIN SOLUTION' block")
    return "\n".join(out)


def solution_blocks(source):
    """The text of every BEGIN/END SOLUTION block in ``source`` (for leak checks)."""
    blocks, current = [], None
    for line in source.splitlines():
        if BEGIN.match(line):
            current = []
        elif END.match(line) and current is not None:
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def student_copy(notebook, name="notebook"):
    """Return a new notebook: solutions removed, outputs cleared, self-checks kept."""
    copy = nbformat.from_dict(notebook)
    cells = []
    for index, cell in enumerate(copy.cells):
        is_solution = "solution" in tags(cell)
        if cell.cell_type == "markdown" and is_solution:
            continue
        if cell.cell_type == "code":
            if is_solution:
                cell.source = strip_solution(cell.source, f"{name}, cell {index}")
                cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    copy.cells = cells
    copy.metadata.pop("widgets", None)
    return copy


def target_of(path, out):
    """Where the copy of ``path`` goes: its place under chapters/, or its folder and name when outside it."""
    path = Path(path).resolve()
    if path.is_relative_to(CHAPTERS_DIR):
        return Path(out) / path.relative_to(CHAPTERS_DIR)
    return Path(out) / (path.parent.name if is_section(path) else "") / path.name


def write_copies(notebooks, out):
    """Write the student copy of each notebook, and the overviews and glossary beside them; the paths written."""
    out = Path(out)
    written = []
    for path in notebooks:
        path = Path(path)
        copy = student_copy(nbformat.read(path, as_version=4), path.name)
        target = target_of(path, out)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        nbformat.write(copy, tmp)
        tmp.replace(target)
        written.append(target)
        overview = path.parent / OVERVIEW
        if is_section(path) and overview.exists() and not (target.parent / OVERVIEW).exists():
            shutil.copyfile(overview, target.parent / OVERVIEW)
            written.append(target.parent / OVERVIEW)
    glossary = CHAPTERS_DIR / "glossary.md"
    if glossary.exists():
        shutil.copyfile(glossary, out / "glossary.md")
        written.append(out / "glossary.md")
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=Path("student"))
    args = parser.parse_args(argv)
    notebooks = args.notebooks or chapter_notebooks()
    if not notebooks:
        sys.exit("no sections found")
    for target in write_copies(notebooks, args.out):
        print(target)


if __name__ == "__main__":
    main()

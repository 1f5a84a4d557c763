"""The shape of a section and of a chapter folder, as the tests check it (``tests/test_chapters.py``).

A section (``chapters/NN_name/MM_topic.py``) is one idea for one sitting:

* learning goals near the top: a short list (at least two items) under a line that says
  "Learning goals" (or "Goals", "you will learn", "by the end of this section"), in one of the
  first :data:`GOALS_WITHIN` cells;
* at most :data:`MAX_WORDS` words of markdown prose (``len(text.split())`` over the markdown cells);
* a summary (a heading "Summary") and, after it, 2 to 4 exercises (headings "Exercise 1", ...);
  at least one exercise runs the learner's code: a code cell tagged ``solution`` followed by a
  code cell tagged ``self-check``; every ``solution`` code cell's stored output is empty, so the
  executed notebook does not show the answer;
* last, the table "Terms introduced in this section" (read by ``tools/glossary.py``);
* its first code cell is the launch cell of ``tools/launch.py``, exactly (it installs the book's
  package when the notebook is opened alone);
* no empty cell.

A chapter folder has ``00_overview.md``: a title (``# ...``), a link to every section's ``.ipynb``,
the word "optional" on the line of each section whose title says "(optional)" (or "(appendix,
optional)"), and on no other section's line, and no link to a file that does not exist.

A multiple-choice exercise (a ``solution`` code cell that sets a variable to one letter) writes
the letter in lower case, and its ``self-check`` cell calls ``common.exercises.check_choice``,
which reads the answer first and leaves no verdict behind; no self-check cell builds its own
verdict (``.upper()``/``.lower()`` on the answer, ``holds =``, ``outcome =``, ``truth =``):
:func:`choice_problems`.

No code cell of the book holds an nbval comment marker (``# NBVAL_...``): markers are cell tags
(``nbval-ignore-output``, ``nbval-skip``, ``raises-exception``) and tolerances cell metadata
(``tools/nbval_approx.py``). Each check returns a list of problems, empty when all is well.
"""

import re
from pathlib import Path

from tools import launch
from tools.chapters import OVERVIEW, section_sources

MAX_WORDS = 2200
GOALS_WITHIN = 4
EXERCISES = (2, 4)
GOALS = re.compile(r"learning goals|^\W*goals\b|you will learn|you will be able to|by the end of this section",
                   re.IGNORECASE | re.MULTILINE)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE)
SUMMARY = re.compile(r"^#+\s*(?:summary|in summary|recap)\b", re.IGNORECASE | re.MULTILINE)
EXERCISE = re.compile(r"^#+\s*exercise\s+\d+", re.IGNORECASE | re.MULTILINE)
TERMS = re.compile(r"^#+\s*Terms introduced in this (?:section|chapter)", re.MULTILINE)
NBVAL_COMMENT = re.compile(r"#\s*NBVAL_\w*")
LETTER_ANSWER = re.compile(r"""^\s*(?P<name>\w+)\s*=\s*(?P<quote>["'])(?P<letter>[A-Za-z])(?P=quote)""", re.MULTILINE)
HOMEMADE_VERDICT = re.compile(r"\.(?:upper|lower)\(\)|^\s*(?:holds|outcome|truth)\s*=|\bholds\[", re.MULTILINE)
CHOICE_HELPER = "check_choice("
LINK = re.compile(r"\]\(([^)\s]+)\)")
OPTIONAL = "(optional)"


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def markdown_text(notebook):
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def prose_words(notebook):
    """Words of markdown prose: ``len(text.split())`` over the markdown cells."""
    return sum(len(cell.source.split()) for cell in notebook.cells if cell.cell_type == "markdown")


def title(notebook):
    """The first level-1 heading of a notebook, or ''."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1)
    return ""


def is_optional(text):
    """True when a title says the section is optional: "(optional)", or the word in a parenthesis."""
    return bool(re.search(r"\([^)]*\boptional\b[^)]*\)", text, flags=re.IGNORECASE))


def _first(pattern, cells):
    return next((i for i, cell in enumerate(cells) if cell.cell_type == "markdown" and pattern.search(cell.source)),
                None)


def shape_problems(notebook):
    """What a section lacks: goals, word budget, summary, exercises, learner code, empty solution outputs,
    the launch cell first."""
    cells, problems = notebook.cells, list(launch.problems(notebook))
    if not title(notebook):
        problems.append("no title: the first markdown cell should start with '# ...'")
    empty = [index for index, cell in enumerate(cells) if not cell.source.strip()]
    if empty:
        problems.append(f"empty cells (a reader sees a blank block): {empty}")
    goals = [cell for cell in cells[:GOALS_WITHIN] if cell.cell_type == "markdown" and GOALS.search(cell.source)]
    if not any(len(LIST_ITEM.findall(cell.source)) >= 2 for cell in goals):
        problems.append(f"no learning goals (a list of at least two under 'Learning goals') "
                        f"in the first {GOALS_WITHIN} cells")
    words = prose_words(notebook)
    if words > MAX_WORDS:
        problems.append(f"{words} words of prose, more than {MAX_WORDS}: split the section or cut")
    summary = _first(SUMMARY, cells)
    exercises = [i for i, cell in enumerate(cells) if cell.cell_type == "markdown"
                 for _ in EXERCISE.findall(cell.source)]
    if summary is None:
        problems.append("no summary (a heading 'Summary')")
    if not EXERCISES[0] <= len(exercises) <= EXERCISES[1]:
        problems.append(f"{len(exercises)} exercises (headings 'Exercise N'); a section has "
                        f"{EXERCISES[0]} to {EXERCISES[1]}")
    elif summary is not None and exercises[0] < summary:
        problems.append("an exercise comes before the summary: the summary, then the exercises")
    terms = _first(TERMS, cells)
    if terms is None:
        problems.append("no table 'Terms introduced in this section'")
    elif exercises and terms < exercises[-1]:
        problems.append("the terms table comes before the last exercise: it comes last")
    code = [cell for cell in cells if cell.cell_type == "code"]
    pairs = [i for i, cell in enumerate(code[:-1]) if "solution" in tags(cell) and "self-check" in tags(code[i + 1])]
    if not pairs:
        problems.append("no exercise runs the learner's code: a 'solution' code cell followed by a 'self-check' one")
    for index, cell in enumerate(code):
        if "solution" in tags(cell) and cell.get("outputs"):
            problems.append(f"code cell {index} (solution) has stored output: a solution cell prints nothing")
    return problems


def marker_problems(notebook):
    """Code cells that hold an nbval comment marker (``# NBVAL_...``)."""
    problems = []
    for index, cell in enumerate(cell for cell in notebook.cells if cell.cell_type == "code"):
        for marker in NBVAL_COMMENT.findall(cell.source):
            problems.append(f"code cell {index} holds '{marker}': use the cell tag or the tolerance metadata")
    return problems


def choice_problems(notebook):
    """Multiple-choice self-checks that do not use ``check_choice``, letters in upper case, home-made verdicts."""
    problems = []
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for index, cell in enumerate(code):
        if "self-check" in tags(cell):
            for match in HOMEMADE_VERDICT.finditer(cell.source):
                problems.append(f"code cell {index} (self-check) holds '{match.group(0).strip()}': "
                                "use common.exercises.check_choice for a multiple-choice answer")
        if "solution" not in tags(cell):
            continue
        for match in LETTER_ANSWER.finditer(cell.source):
            name, letter = match.group("name"), match.group("letter")
            if letter != letter.lower():
                problems.append(f"code cell {index} (solution) sets {name} = {letter!r}: letters are lower case")
            following = code[index + 1] if index + 1 < len(code) else None
            if following is None or "self-check" not in tags(following) or CHOICE_HELPER not in following.source:
                problems.append(f"code cell {index} (solution) sets {name} to a letter, but the self-check after it "
                                "does not call check_choice")
    return problems


def overview_problems(folder, read_title):
    """What a chapter folder's ``00_overview.md`` lacks. ``read_title(path)`` gives a section's title."""
    folder = Path(folder)
    page = folder / OVERVIEW
    if not page.exists():
        return [f"{folder.name} has no {OVERVIEW}"]
    text = page.read_text(encoding="utf-8")
    problems = []
    if not re.search(r"^#\s+\S", text, flags=re.MULTILINE):
        problems.append(f"{OVERVIEW} has no title ('# ...')")
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:|#", target):
            continue
        if not (folder / target.split("#")[0]).exists():
            problems.append(f"{OVERVIEW} links to {target}, which does not exist")
    lines = text.splitlines()
    for source in section_sources(folder):
        name = source.with_suffix(".ipynb").name
        linking = [line for line in lines if re.search(rf"\]\((?:\./)?{re.escape(name)}(?:#[^)]*)?\)", line)]
        if not linking:
            problems.append(f"{OVERVIEW} does not link to {name}")
            continue
        optional = is_optional(read_title(source))
        marked = any("optional" in line.lower() for line in linking)
        if optional and not marked:
            problems.append(f"{name} is optional (its title says so), but the overview does not say so")
        elif marked and not optional:
            problems.append(f"the overview marks {name} optional, but its title does not say '{OPTIONAL}'")
    return problems

"""Where the book's notebooks are, defined once: ``python -m tools.chapters [PATH ...]`` prints them.

The book is a folder of chapters, each a folder of sections::

    chapters/NN_name/00_overview.md     what the sections teach, in what order, which are optional
    chapters/NN_name/MM_topic.py        a section: the source, jupytext percent format (MM = 01, 02, ...)
    chapters/NN_name/MM_topic.ipynb     the same section, executed

Until a chapter is moved into its folder it is a single pair ``chapters/NN_name.py`` /
``chapters/NN_name.ipynb`` (the old layout). A chapter folder that holds sections
replaces the single file of the same name: that file is no longer listed (a
test asks for it to be deleted), so no chapter is checked twice.

The Makefile, the tools and the tests all take the list from here. The Makefile
calls this module with the system ``python3`` before any environment exists, so
it imports only the standard library.

Command line (paths relative to the repository root, one per line)::

    python -m tools.chapters                       every section's .py, in reading order
    python -m tools.chapters chapters/01_parameter_updates chapters/02_x/03_y.ipynb
                                                   the sections a folder holds, or one section
    python -m tools.chapters --overviews           every chapter folder's 00_overview.md
    python -m tools.chapters --lab-page            the page ``make lab`` opens, relative to chapters/
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = ROOT / "chapters"
STEM = "[0-9][0-9]_*"  # NN_name or MM_topic
PATTERN = STEM + ".py"
OVERVIEW = "00_overview.md"


class SelectionError(ValueError):
    """A path given on the command line (``make ... CHAPTERS=...``) that names no section."""


def chapter_folders(directory=CHAPTERS_DIR):
    """The chapter folders ``NN_name/``, in order (with or without sections yet)."""
    return sorted(path for path in Path(directory).glob(STEM) if path.is_dir())


def section_sources(folder):
    """The sections ``MM_topic.py`` of one chapter folder, in order (``00_`` is the overview's number)."""
    return sorted(path for path in Path(folder).glob(PATTERN) if not path.name.startswith("00_"))


def is_section(path):
    """True for a section ``chapters/NN_name/MM_topic.py`` (or .ipynb), False for an old single-file chapter."""
    return Path(path).parent.name[:2].isdigit()


def single_file_sources(directory=CHAPTERS_DIR):
    """The old single-file chapters ``NN_name.py`` still listed: those whose folder holds no section yet."""
    return [path for path in sorted(Path(directory).glob(PATTERN))
            if not section_sources(path.with_suffix(""))]


def superseded_sources(directory=CHAPTERS_DIR):
    """Old single-file chapters whose folder now holds sections: left over, to be deleted."""
    return [path for path in sorted(Path(directory).glob(PATTERN)) if section_sources(path.with_suffix(""))]


def chapter_sources(directory=CHAPTERS_DIR):
    """Every notebook's .py source, in reading order: each chapter's sections, or its single file."""
    sources = [section for folder in chapter_folders(directory) for section in section_sources(folder)]
    sources += single_file_sources(directory)
    return sorted(sources, key=lambda path: (path.relative_to(directory).parts[0][:2], path.as_posix()))


def chapter_notebooks(directory=CHAPTERS_DIR):
    """The .ipynb notebooks of :func:`chapter_sources` that exist, in order."""
    return [path.with_suffix(".ipynb") for path in chapter_sources(directory)
            if path.with_suffix(".ipynb").exists()]


def overviews(directory=CHAPTERS_DIR):
    """Each chapter folder's overview page, ``NN_name/00_overview.md`` (whether it exists yet or not)."""
    return [folder / OVERVIEW for folder in chapter_folders(directory)]


def select(paths, directory=CHAPTERS_DIR):
    """The sources that ``paths`` name: a section's .py or .ipynb, an old chapter, or a chapter folder.

    Relative paths are taken from the repository root (the Makefile's folder).
    Raises :class:`SelectionError` for a path that names nothing.
    """
    selected = []
    for given in paths:
        path = Path(given)
        path = path if path.is_absolute() else ROOT / path
        if path.is_dir():
            found = section_sources(path)
        elif path.suffix in (".py", ".ipynb") and path.with_suffix(".py").exists():
            found = [path.with_suffix(".py")]
        else:
            found = []
        if not found:
            raise SelectionError(f"{given}: no section there (give a chapter folder, or a section's .py or .ipynb)")
        selected += [source for source in found if source not in selected]
    return selected


def lab_page(directory=CHAPTERS_DIR):
    """The page ``make lab`` opens, relative to ``directory``: the first overview, else the first notebook."""
    for page in overviews(directory):
        if page.exists():
            return page.relative_to(directory).as_posix()
    notebooks = chapter_notebooks(directory)
    return notebooks[0].relative_to(directory).as_posix() if notebooks else ""


def relative(path):
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def main(argv=None):
    """Print the selected sources (or the overviews, or the lab page), one per line."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--overviews"]:
        lines = [relative(page) for page in overviews() if page.exists()]
    elif argv[:1] == ["--lab-page"]:
        lines = [lab_page()]
    else:
        try:
            lines = [relative(path) for path in (select(argv) if argv else chapter_sources())]
        except SelectionError as error:
            sys.stderr.write(f"tools.chapters: {error}\n")
            return 1
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the chapters are, defined once: ``python -m tools.chapters`` prints them.

A chapter is a pair ``chapters/NN_name.py`` (the source, jupytext percent
format) and ``chapters/NN_name.ipynb`` (executed). The Makefile, the tools and
the tests all take the list from here. The Makefile calls this module with the
system ``python3`` before any environment exists, so it imports only the
standard library.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = ROOT / "chapters"
STEM = "[0-9][0-9]_*"  # NN_name
PATTERN = STEM + ".py"


def chapter_sources(directory=CHAPTERS_DIR):
    """The chapters' .py sources, in order."""
    return sorted(Path(directory).glob(PATTERN))


def chapter_notebooks(directory=CHAPTERS_DIR):
    """The chapters' .ipynb notebooks that exist, in order."""
    return sorted(Path(directory).glob(STEM + ".ipynb"))


def main():
    """Print the chapter sources one per line, relative to the repository root."""
    for path in chapter_sources():
        sys.stdout.write(path.relative_to(ROOT).as_posix() + "\n")


if __name__ == "__main__":
    main()

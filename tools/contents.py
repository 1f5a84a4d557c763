"""The README's table of contents, one row per section: ``python -m tools.contents [--write README.md]``.

Each chapter's title comes from its ``00_overview.md`` (its first ``# `` heading),
each section's from its notebook, and each Run All time from
``build/runtimes.json`` (``make runtimes``); a section not measured yet shows
"—". Without ``--write`` the table is printed; with it, the table under the
README's "## Contents" heading is replaced (the rest of the file is kept).
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

from tools.chapters import CHAPTERS_DIR, OVERVIEW, ROOT, chapter_notebooks, is_section
from tools.runtimes import DEFAULT, key, load
from tools.sections import title

HEADER = ["| chapter | section | Run All |", "| --- | --- | ---: |"]


def duration(seconds):
    """A Run All time as the table shows it: whole seconds, and "< 1 s" for a section that takes less."""
    return "< 1 s" if seconds < 1 else f"{seconds:.0f} s"


def link(path, root=ROOT):
    return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()


def rows(runtimes, chapters_dir=CHAPTERS_DIR):
    """The table's lines: header, then one row per section (the chapter named on its first row), then the total."""
    lines, previous, total, missing = list(HEADER), None, 0.0, 0
    root = Path(chapters_dir).parent
    for path in chapter_notebooks(chapters_dir):
        notebook = nbformat.read(path, as_version=4)
        chapter = path.parent if is_section(path) else path
        cell = ""
        if chapter != previous:
            overview = chapter / OVERVIEW
            if is_section(path) and overview.exists():
                heading = re.search(r"^#\s+(.+?)\s*$", overview.read_text(encoding="utf-8"), flags=re.MULTILINE)
                cell = f"[{heading.group(1) if heading else chapter.name}]({link(overview, root)})"
            else:
                cell = chapter.name if is_section(path) else f"[{title(notebook)}]({link(path, root)})"
            previous = chapter
        record = runtimes.get(key(path))
        if record is None:
            seconds, missing = "—", missing + 1
        else:
            seconds, total = duration(record["seconds"]), total + record["seconds"]
        section = f"[{title(notebook)}]({link(path, root)})" if is_section(path) else "(one notebook)"
        lines.append(f"| {cell} | {section} | {seconds} |")
    count = len(lines) - len(HEADER)
    together = "—" if missing == count else f"{total:.0f} s" + (f" ({missing} not measured)" if missing else "")
    lines.append(f"| | all {count} sections | {together} |")
    return lines, missing


def replace_table(text, table):
    """``text`` (the README) with the first table under '## Contents' replaced by the ``table`` lines."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if re.match(r"##\s+Contents\s*$", line))
        first = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("|"))
    except StopIteration:
        raise ValueError("no table under a '## Contents' heading") from None
    if any(lines[i].startswith("#") for i in range(start + 1, first)):
        raise ValueError("no table under a '## Contents' heading") from None
    last = first
    while last < len(lines) and lines[last].startswith("|"):
        last += 1
    return "\n".join(lines[:first] + table + lines[last:]) + ("\n" if text.endswith("\n") else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtimes", type=Path, default=DEFAULT)
    parser.add_argument("--write", type=Path, help="the README whose Contents table to replace")
    args = parser.parse_args(argv)
    table, missing = rows(load(args.runtimes))
    if missing:
        print(f"{missing} sections have no time in {args.runtimes}: run make runtimes", file=sys.stderr)
    if args.write:
        args.write.write_text(replace_table(args.write.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"wrote the Contents table of {args.write} ({len(table) - len(HEADER) - 1} sections)")
    else:
        print("\n".join(table))


if __name__ == "__main__":
    main()

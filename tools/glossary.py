"""The book's glossary, compiled from the sections: ``python -m tools.glossary [--check]``.

Each section ends with "Terms introduced in this section" (an old single-file
chapter: "... in this chapter"): a table English | 日本語 | 中文 | definition.
This tool gathers the rows of every section, in reading order, into
``chapters/glossary.md``, sorted alphabetically, each term with an anchor and
a link back to the first section that introduces it (``1.3`` is section 3 of
chapter 1). Sections link to the glossary as ``../glossary.md``. ``--check``
exits 1 when the file is not up to date.
"""

import re
import sys

import jupytext

from tools.chapters import CHAPTERS_DIR, ROOT, chapter_sources, is_section

GLOSSARY = CHAPTERS_DIR / "glossary.md"
HEADING = re.compile(r"^#+\s*Terms introduced in this (?:section|chapter)", re.MULTILINE)


def anchor(term):
    """The id a term gets on the glossary page: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def terms_of(path):
    """(english, japanese, chinese, definition) rows of a section's (or old chapter's) terms table."""
    notebook = jupytext.read(path)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and HEADING.search(cell.source):
            rows = []
            for line in cell.source.splitlines():
                cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
                if len(cells) != 4 or set(cells[0]) <= set("-: ") or cells[0].lower() == "english":
                    continue
                rows.append(tuple(cells))
            return rows
    return []


def label(path):
    """How the glossary names a notebook: ``1.3`` for section 3 of chapter 1, ``2`` for an old chapter."""
    if is_section(path):
        return f"{int(path.parent.name[:2])}.{int(path.name[:2])}"
    return str(int(path.name[:2]))


def render(sources=None, chapters_dir=CHAPTERS_DIR):
    """``(text, number of terms)`` of ``chapters_dir/glossary.md``, from ``sources`` (default: every section)."""
    entries = {}
    for path in chapter_sources(chapters_dir) if sources is None else sources:
        page = path.with_suffix(".ipynb").relative_to(chapters_dir).as_posix()
        for english, japanese, chinese, definition in terms_of(path):
            key = english.lower()
            if key not in entries:  # the first section that introduces a term defines it
                entries[key] = (english, japanese, chinese, definition, label(path), page)
    lines = ["# Glossary", "",
             "Every term the sections introduce, in English, Japanese and Chinese, with a one-line definition "
             "and the section that explains it (1.3 is section 3 of chapter 1). This page is generated from "
             "the sections' own tables by `python -m tools.glossary`; edit the sections, not this file.", "",
             "| English | 日本語 | 中文 | definition | section |", "| --- | --- | --- | --- | --- |"]
    for key in sorted(entries):
        english, japanese, chinese, definition, where, page = entries[key]
        lines.append(f'| <a id="{anchor(english)}"></a>**{english}** | {japanese} | {chinese} | {definition} | '
                     f"[{where}]({page}) |")
    lines += ["", f"{len(entries)} terms."]
    return "\n".join(lines) + "\n", len(entries)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text, count = render()
    if "--check" in argv:
        if not GLOSSARY.exists() or GLOSSARY.read_text(encoding="utf-8") != text:
            sys.exit(f"{GLOSSARY.relative_to(ROOT)} is out of date: run python -m tools.glossary")
        print(f"glossary up to date ({count} terms)")
        return
    GLOSSARY.write_text(text, encoding="utf-8")
    print(f"wrote {GLOSSARY.relative_to(ROOT)} ({count} terms)")


if __name__ == "__main__":
    main()

"""The book's glossary, compiled from the chapters: ``python -m tools.glossary [--check]``.

Each chapter ends with a section "Terms introduced in this chapter": a table
English | 日本語 | 中文 | definition. This tool gathers the rows of every
chapter into ``chapters/glossary.md``, sorted alphabetically, each term with
an anchor and a link back to the chapter that introduces it. ``--check``
exits 1 when the file is not up to date.
"""

import re
import sys

import jupytext

from tools.chapters import CHAPTERS_DIR, ROOT, chapter_sources

GLOSSARY = CHAPTERS_DIR / "glossary.md"
HEADING = re.compile(r"^#+\s*Terms introduced in this chapter", re.MULTILINE)


def anchor(term):
    """The id a term gets on the glossary page: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def terms_of(path):
    """(english, japanese, chinese, definition) rows of a chapter's glossary table."""
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


def render():
    entries = {}
    for path in chapter_sources():
        number = int(path.name[:2])
        for english, japanese, chinese, definition in terms_of(path):
            key = english.lower()
            if key not in entries:  # the first chapter that introduces a term defines it
                entries[key] = (english, japanese, chinese, definition, number, path.with_suffix(".ipynb").name)
    lines = ["# Glossary", "",
             "Every term the chapters introduce, in English, Japanese and Chinese, with a one-line definition "
             "and the chapter that explains it. This page is generated from the chapters' own tables by "
             "`python -m tools.glossary`; edit the chapters, not this file.", "",
             "| English | 日本語 | 中文 | definition | chapter |", "| --- | --- | --- | --- | --- |"]
    for key in sorted(entries):
        english, japanese, chinese, definition, number, page = entries[key]
        lines.append(f'| <a id="{anchor(english)}"></a>**{english}** | {japanese} | {chinese} | {definition} | '
                     f"[{number}]({page}) |")
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

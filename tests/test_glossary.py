"""The glossary: complete, up to date with the chapters, and linked from every chapter."""

from pathlib import Path

import jupytext
import pytest

from tools import glossary
from tools.chapters import chapter_sources

CHAPTERS = chapter_sources()


def test_glossary_is_generated_from_the_chapters_and_up_to_date():
    text, count = glossary.render()
    assert count >= 40, f"only {count} terms"
    assert glossary.GLOSSARY.read_text(encoding="utf-8") == text, "run python -m tools.glossary"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_terms_and_links_to_the_glossary(path: Path):
    rows = glossary.terms_of(path)
    assert len(rows) >= 5, f"{path.name} lists {len(rows)} glossary terms"
    assert all(all(cell for cell in row) for row in rows), "every term needs all four columns"
    markdown = "\n".join(c.source for c in jupytext.read(path).cells if c.cell_type == "markdown")
    assert "(glossary.md" in markdown, f"{path.name} does not link to the glossary"

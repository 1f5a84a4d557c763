"""The glossary: complete, up to date with the sections, and linked from every section."""

from pathlib import Path

import jupytext
import pytest

from tools import glossary
from tools.chapters import chapter_folders, chapter_sources, is_section, section_sources

SOURCES = chapter_sources()


def test_glossary_is_generated_from_the_sections_and_up_to_date():
    text, count = glossary.render()
    assert count >= 40, f"only {count} terms"
    assert glossary.GLOSSARY.read_text(encoding="utf-8") == text, "run python -m tools.glossary"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}" if is_section(p) else p.stem)
def test_every_section_has_terms_and_links_to_the_glossary(path: Path):
    rows = glossary.terms_of(path)
    assert len(rows) >= (1 if is_section(path) else 5), f"{path.name} lists {len(rows)} glossary terms"
    assert all(all(cell for cell in row) for row in rows), "every term needs all four columns"
    markdown = "\n".join(c.source for c in jupytext.read(path).cells if c.cell_type == "markdown")
    link = "(../glossary.md" if is_section(path) else "(glossary.md"
    assert link in markdown, f"{path.name} does not link to the glossary as {link}...)"


@pytest.mark.parametrize("folder", [f for f in chapter_folders() if section_sources(f)], ids=lambda f: f.name)
def test_every_chapter_introduces_terms(folder):
    count = sum(len(glossary.terms_of(path)) for path in section_sources(folder))
    assert count >= 5, f"the sections of {folder.name} introduce {count} terms"


def test_the_first_section_that_introduces_a_term_defines_it_and_is_linked(tmp_path):
    table = ("## Terms introduced in this section\n\n"
             "| English | 日本語 | 中文 | definition |\n| --- | --- | --- | --- |\n")
    first = tmp_path / "01_a" / "02_two.py"
    later = tmp_path / "02_b" / "01_one.py"
    old = tmp_path / "03_c.py"
    for path, row in [(first, "| Momentum | モーメンタム | 动量 | velocity \\| decay |"),
                      (later, "| momentum | x | y | another definition |\n| Adam | アダム | Adam | adaptive |"),
                      (old, "| Dropout | ドロップアウト | 丢弃法 | random zeros |")]:
        path.parent.mkdir(exist_ok=True)
        heading = table if path != old else table.replace("section", "chapter")
        path.write_text("# %% [markdown]\n" + "".join(f"# {line}\n" if line else "#\n"
                                                       for line in (heading + row).splitlines()))
    assert glossary.terms_of(first) == [("Momentum", "モーメンタム", "动量", "velocity | decay")]
    assert [glossary.label(p) for p in (first, later, old)] == ["1.2", "2.1", "3"]
    text, count = glossary.render([first, later, old], tmp_path)
    assert count == 3
    assert "velocity | decay | [1.2](01_a/02_two.ipynb) |" in text and "another definition" not in text
    assert "[2.1](02_b/01_one.ipynb)" in text and "[3](03_c.ipynb)" in text

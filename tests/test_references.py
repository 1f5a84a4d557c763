"""The bibliography (book/references.bib) has an entry for every paper the sections cite.

The sections cite by author and year in the text ("Kingma & Ba (2015)", "(Ioffe & Szegedy,
2015)", "Srivastava et al. 2014"); each citation's first author and year must match an entry's
first author and year. The references page (tools/site.py) lists every entry.
"""

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "book" / "references.bib"
CHAPTERS = Path(__import__("os").environ.get("BOOK_CHAPTERS", ROOT / "chapters"))

NAME = r"(?:[Vv]an |[Dd]e )?[A-Z][\w'-]+"
CITATION = re.compile(
    rf"(?<![\w.])({NAME})((?:, {NAME})*,? (?:&|and) {NAME}| et al\.)?,? \(?((?:19|20)\d\d)\)?(?!\d)")
# Capitalized words before a year that are not authors (a publisher, a benchmark's name).
NOT_AUTHORS = {"O'Reilly"}


def ascii_name(name):
    """'Mądry' -> 'madry', 'van Laarhoven' -> 'laarhoven', '{\\L}ukasz' -> 'lukasz'."""
    name = re.sub(r"\\[a-zA-Z]+\s*|[{}\\'\"`~^]", "", name).replace("\u0142", "l").replace("\u0141", "L")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return name.lower().removeprefix("van ").removeprefix("de ").replace(" ", "")


def bib_entries(text):
    """{key: (first author's surname, year)} of a BibTeX file."""
    entries = {}
    for match in re.finditer(r"@\w+\{([^,]+),(.*?)\n\}", text, re.S):
        key, body = match.groups()
        author = re.search(r"author = \{(.+)\},?\n", body).group(1)
        first = author.split(" and ")[0]
        surname = first.split(",")[0] if "," in first else first.split()[-1]
        year = re.search(r"year = \{(\d{4})\}", body).group(1)
        entries[key] = (ascii_name(surname), year)
    return entries


def citations(text):
    """{(first author's surname, year)} cited in a text."""
    text = re.sub(r"\s*\n#?\s*", " ", text)  # a citation may run across lines of a .py's comments
    found = set()
    for first, _, year in CITATION.findall(text):
        if first in NOT_AUTHORS:
            continue
        found.add((ascii_name(first), year))
    return found


def chapter_texts(chapters=CHAPTERS):  # BOOK_CHAPTERS=... checks another tree
    return {p: p.read_text() for p in sorted(chapters.glob("*/*.py")) + sorted(chapters.glob("*/*.md"))}


def test_citations_are_recognized():
    text = ("Adam (Kingma & Ba 2015) and Santurkar, Tsipras, Ilyas & Mądry (2018); Srivastava et al. (2014) "
            "(Ioffe & Szegedy, 2015); Jamieson &\n# Talwalkar 2016; (TPE, Bergstra et al. 2011) van Laarhoven 2017; "
            "a batch of 2000; Zheng, *Book*, O'Reilly 2015.")
    assert citations(text) == {("kingma", "2015"), ("santurkar", "2018"), ("srivastava", "2014"),
                               ("ioffe", "2015"), ("laarhoven", "2017"),
                               ("jamieson", "2016"), ("bergstra", "2011")}


def test_every_entry_is_complete_and_keys_are_unique():
    text = BIB.read_text()
    entries = bib_entries(text)
    assert len(entries) == len(re.findall(r"^@", text, re.M)) >= 40
    for match in re.finditer(r"@(\w+)\{([^,]+),(.*?)\n\}", text, re.S):
        kind, key, body = match.groups()
        assert "title = {" in body, key
        assert any(f"{field} = {{" in body for field in ("journal", "booktitle", "publisher", "howpublished")), key


@pytest.mark.skipif(not any(CHAPTERS.glob("*/*.py")), reason="no sections in chapters/")
def test_every_cited_paper_is_in_the_bibliography():
    known = set(bib_entries(BIB.read_text()).values())
    missing = {}
    for path, text in chapter_texts().items():
        for cite in citations(text) - known:
            missing.setdefault(cite, path.relative_to(CHAPTERS).as_posix())
    assert not missing, f"cited but not in {BIB.name}: {missing}"

"""The bibliography (book/references.bib) has an entry for every paper the sections cite.

The sections cite by author and year in the text ("Kingma & Ba (2015)", "(Ioffe & Szegedy,
2015)", "Srivastava et al. 2014"); each citation's first author and year must match an entry's
first author and year. The references page (tools/site.py) lists every entry.
"""

import os
import re
from pathlib import Path

import pytest

from tools.references import bib_entries, citations, link_citations

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "book" / "references.bib"
CHAPTERS = Path(os.environ.get("BOOK_CHAPTERS", ROOT / "chapters"))  # BOOK_CHAPTERS=... checks another tree

def chapter_texts(chapters=CHAPTERS):
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


def test_citations_link_to_their_entries():
    entries = {"kingma2015adam": ("kingma", "2015"), "a1998x": ("lecun", "1998"), "b1998y": ("lecun", "1998")}
    text = "Adam (Kingma & Ba 2015); `Kingma & Ba 2015`; LeCun et al. (1998); $x_{2015}$"
    assert link_citations(text, "../../references.html", entries) == (
        'Adam (<a class="citation-link" href="../../references.html#kingma2015adam">Kingma &amp; Ba 2015</a>); '
        "`Kingma & Ba 2015`; LeCun et al. (1998); $x_{2015}$")

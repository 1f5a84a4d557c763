"""Citations by author and year ("Kingma & Ba (2015)", "(Ioffe & Szegedy, 2015)", "Srivastava
et al. 2014") and the bibliography, book/references.bib.

:func:`citations` finds the (first author, year) pairs a text cites; :func:`bib_entries` reads
each entry's key, first author and year; :func:`link_citations` turns each citation in a
section's Markdown into a link to its entry on the references page (tools/site.py does this
for the website; tests/test_references.py checks that every citation has an entry).
"""

import html
import re
import unicodedata
from pathlib import Path

BIB = Path(__file__).resolve().parent.parent / "book" / "references.bib"

NAME = r"(?:[Vv]an\s+|[Dd]e\s+)?[A-Z][\w'-]+"
CITATION = re.compile(
    rf"(?<![\w.])({NAME})((?:,\s+{NAME})*,?\s+(?:&|and)\s+{NAME}|\s+et\s+al\.)?,?\s+\(?((?:19|20)\d\d)\)?(?!\d)")
# Capitalized words before a year that are not authors (a publisher).
NOT_AUTHORS = {"O'Reilly"}


def ascii_name(name):
    """'Mądry' -> 'madry', 'van Laarhoven' -> 'laarhoven', '{\\L}ukasz' -> 'lukasz'."""
    name = re.sub(r"\\[a-zA-Z]+\s*|[{}\\'\"`~^]", "", name).replace("\u0142", "l").replace("\u0141", "L")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"^(van|de)\s+", "", name.lower())
    return name.replace(" ", "")


def bib_entries(text=None):
    """{key: (first author's surname, year)} of a BibTeX file's text (default: book/references.bib)."""
    text = BIB.read_text() if text is None else text
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
    """{(first author's surname, year)} cited in a text (a .py's comment lines are joined first)."""
    text = re.sub(r"\s*\n#?\s*", " ", text)
    return {(ascii_name(first), year) for first, _, year in CITATION.findall(text) if first not in NOT_AUTHORS}


def link_citations(markdown, href, entries=None):
    """``markdown`` with each citation that has exactly one entry linked to ``href + '#' + key``
    (an HTML link, so it works inside tables too); code spans and math are left alone."""
    entries = bib_entries() if entries is None else entries
    keys = {}
    for key, cite in entries.items():
        keys.setdefault(cite, []).append(key)

    def link(match):
        first, _, year = match.groups()
        found = keys.get((ascii_name(first), year), [])
        if first in NOT_AUTHORS or len(found) != 1:
            return match[0]
        start = match[0].index(first)  # "(Kingma & Ba 2015)": the parenthesis before stays outside
        text, after = match[0][start:], ""
        if text.endswith(")") and "(" not in text:  # "(Kingma & Ba 2015)": its closing parenthesis too
            text, after = text[:-1], ")"
        return f'{match[0][:start]}<a class="citation-link" href="{href}#{found[0]}">{html.escape(text)}</a>{after}'

    parts = re.split(r"(```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|\[[^\]\n]*\]\([^)\n]*\))", markdown, flags=re.S)
    return "".join(part if i % 2 else CITATION.sub(link, part) for i, part in enumerate(parts))

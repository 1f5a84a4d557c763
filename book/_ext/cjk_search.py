"""English full-text search that also finds Japanese and Chinese words.

Sphinx's English index takes a run of letters as one word, so a run of kana or kanji
such as バッチ正規化 is only found when the query is the whole run. This splitter adds
every substring of a CJK run (runs are short: table cells of the glossary, a few terms in
the text), so a query for 正規化 or 批归一化 finds the page too. English words are
stemmed and filtered as before; the search page splits a query the same way (on
anything but letters and digits), so no JavaScript changes are needed.
"""

import re

from sphinx.search import languages
from sphinx.search.en import SearchEnglish

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
LONGEST = 12  # substrings of up to this many characters are indexed


def cjk_terms(run):
    """Every substring of a run of CJK characters, from two characters up to LONGEST (and the run)."""
    terms = {run}
    for i in range(len(run)):
        for j in range(i + 2, min(len(run), i + LONGEST) + 1):
            terms.add(run[i:j])
    return terms


class SearchEnglishCJK(SearchEnglish):
    lang = "en"

    def split(self, input):
        words = super().split(input)
        extra = []
        for run in CJK.findall(input):
            extra.extend(sorted(cjk_terms(run)))
        return words + extra

    def word_filter(self, word):
        return bool(CJK.fullmatch(word)) or super().word_filter(word)


def setup(app):
    languages["en"] = SearchEnglishCJK
    return {"parallel_read_safe": True, "parallel_write_safe": True}

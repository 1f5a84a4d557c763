"""The static site: every page builds, and in headless Chromium every page loads, figures show,
formulas typeset and the console stays free of errors."""

import re

import pytest

from tools import check_site, html
from tools.chapters import chapter_notebooks


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pages = html.build(out)
    return out, pages


def test_every_chapter_the_glossary_and_the_contents_are_built(site):
    out, pages = site
    names = {p.name for p in pages}
    chapters = {p.with_suffix(".html").name for p in chapter_notebooks()}
    assert chapters and chapters <= names
    assert {"index.html", "glossary.html"} <= names
    index = (out / "index.html").read_text()
    assert all(f'href="{name}"' in index for name in chapters)
    for page in pages:
        text = page.read_text()
        external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']https?://[^\"']+", text)
        assert not external, f"{page.name} loads from the internet: {external[:3]}"


def test_links_between_files_become_links_between_pages():
    assert html.rewrite_links("[g](glossary.md#adam) ![f](../images/a.png) [c](01_parameter_updates.ipynb)") == (
        "[g](glossary.html#adam) ![f](images/a.png) [c](01_parameter_updates.html)")


@pytest.mark.skipif(not check_site.browser_available(), reason="needs Debian's chromium and chromium-driver")
def test_every_page_works_in_headless_chromium(site):
    out, pages = site
    results = check_site.check(out)
    problems = {name: p for name, (facts, p) in results.items() if p}
    assert not problems, problems
    for name, (facts, _) in results.items():
        if name[:2].isdigit():
            assert facts["images"] >= 3, f"{name} shows only {facts['images']} figures"
            assert facts["typeset"] > 0, f"{name} has no typeset formulas"

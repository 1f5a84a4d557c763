"""The static site: every section, overview, the glossary and the contents are built, every link of the site
leads to a file, and in headless Chromium every page loads, figures show, formulas typeset and the console
stays free of errors."""

import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

from tools import check_site, html
from tools.chapters import chapter_notebooks, overviews


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pages = html.build(out)
    return out, pages


def test_every_section_overview_the_glossary_and_the_contents_are_built(site):
    out, pages = site
    names = {p.relative_to(out).as_posix() for p in pages}
    sections = {html.page_of(p) for p in chapter_notebooks()}
    assert sections and sections <= names
    assert {html.page_of(p) for p in overviews() if p.exists()} <= names
    assert {"index.html", "chapters/glossary.html"} <= names
    index = (out / "index.html").read_text()
    assert all(f'href="{name}"' in index for name in sections)
    for page in pages:
        text = page.read_text()
        external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']https?://[^\"']+", text)
        assert not external, f"{page.name} loads from the internet: {external[:3]}"
    assert html.broken_links(out) == []


def test_links_between_files_become_links_between_pages(tmp_path):
    folder = tmp_path / "chapters" / "01_a"
    folder.mkdir(parents=True)
    for name in ("01_first.py", "01_first.ipynb", "02_second.py", "00_overview.md"):
        (folder / name).write_text("")
    (tmp_path / "chapters" / "glossary.md").write_text("")
    text = ("[g](../glossary.md#adam) ![f](../../images/a.png) [s](02_second.ipynb) [o](00_overview.md) "
            "[py](01_first.py#top) [web](https://example.org/a.md) [gone](03_gone.ipynb) [here](#goals)")
    assert html.rewrite_links(text, folder) == (
        "[g](../glossary.html#adam) ![f](../../images/a.png) [s](02_second.html) [o](00_overview.html) "
        "[py](01_first.html#top) [web](https://example.org/a.md) [gone](03_gone.ipynb) [here](#goals)")


def small_book(root):
    """A chapter of two executed sections, an overview, a glossary, a figure and a page they link to."""
    folder = root / "chapters" / "01_demo"
    folder.mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "dot.png").write_bytes(Path(__file__).resolve().parent.parent.joinpath(
        "images", "01_bowl_paths.png").read_bytes())
    (root / "notes").mkdir()
    (root / "notes" / "more.md").write_text("# More\n\nA page that a section links to. " * 5)
    for number, title in [(1, "1.1 First"), (2, "1.2 Second (optional)")]:
        text = (f"# {title}\n\nA formula $x^2$, a [figure](../../images/dot.png), [more](../../notes/more.md), "
                "the [glossary](../glossary.md) and the [overview](00_overview.md).\n\n"
                "![a figure](../../images/dot.png)")
        cell = nbformat.v4.new_code_cell("print(1)", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text), cell])
        nbformat.write(notebook, folder / f"0{number}_s{number}.ipynb")
        (folder / f"0{number}_s{number}.py").write_text("")
    (folder / "00_overview.md").write_text("# 1 — Demo\n\n1. [First](01_s1.ipynb)\n2. [Second](02_s2.ipynb), "
                                           "optional\n")
    (root / "chapters" / "glossary.md").write_text("# Glossary\n\n[1.1](01_demo/01_s1.ipynb)\n")
    return root / "chapters"


def test_a_small_book_becomes_a_site_of_linked_pages(tmp_path):
    out = tmp_path / "site"
    pages = html.build(out, small_book(tmp_path / "book"))
    assert [p.relative_to(out).as_posix() for p in pages] == [
        "index.html", "chapters/01_demo/00_overview.html", "chapters/01_demo/01_s1.html",
        "chapters/01_demo/02_s2.html", "chapters/glossary.html", "notes/more.html"]
    assert html.broken_links(out) == []
    section = (out / "chapters/01_demo/01_s1.html").read_text()
    for link in ("../../index.html", "../glossary.html", "00_overview.html", "02_s2.html",
                 "../../images/dot.png", "../../notes/more.html", "../../mathjax/MathJax.js"):
        assert link in section, link
    index = (out / "index.html").read_text()
    assert 'href="chapters/01_demo/00_overview.html">1 — Demo<' in index
    assert 'href="chapters/01_demo/02_s2.html">1.2 Second (optional)<' in index
    (out / "chapters/01_demo/02_s2.html").unlink()
    assert ("chapters/01_demo/01_s1.html", "02_s2.html") in html.broken_links(out)


needs_browser = pytest.mark.skipif(not check_site.browser_available(),
                                   reason="needs Debian's chromium and chromium-driver")


@needs_browser
def test_every_page_works_in_headless_chromium(site):
    out, pages = site
    results = check_site.check(out)
    problems = {name: p for name, (facts, p) in results.items() if p}
    assert not problems, problems
    by_chapter = defaultdict(lambda: [0, 0])
    for name, (facts, _) in results.items():
        parts = name.split("/")
        if parts[0] == "chapters" and parts[1][:2].isdigit():
            by_chapter[parts[1].removesuffix(".html")][0] += facts["images"]
            by_chapter[parts[1].removesuffix(".html")][1] += facts["typeset"]
    assert by_chapter
    for chapter, (images, formulas) in by_chapter.items():
        assert images >= 3, f"{chapter} shows only {images} figures"
        assert formulas > 0, f"{chapter} has no typeset formulas"


@needs_browser
def test_the_browser_check_reports_a_broken_page(tmp_path):
    out = tmp_path / "site"
    html.build(out, small_book(tmp_path / "book"))
    (out / "images" / "dot.png").write_bytes(b"not a png")
    results = check_site.check(out)
    assert set(results) == {"index.html", "chapters/01_demo/00_overview.html", "chapters/01_demo/01_s1.html",
                            "chapters/01_demo/02_s2.html", "chapters/glossary.html", "notes/more.html"}
    assert not results["index.html"][1]
    assert any("images did not load" in problem for problem in results["chapters/01_demo/01_s1.html"][1])

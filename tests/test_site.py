"""The book's website (tools/site.py, book/conf.py): what the public site leaves out, the
contents from the folder layout, the one repository setting, and, where Chromium is installed,
every page of a real build checked in headless Chromium (tools/check_site.py)."""

import json
import re

import pytest

from tools import check_site, launch, site

ROOT = site.ROOT


def notebook(*cells):
    return {"cells": list(cells), "metadata": {"widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}


def code(source, tags=(), outputs=(), **jupyter):
    metadata = {"tags": list(tags)}
    if jupyter:
        metadata["jupyter"] = jupyter
    return {"cell_type": "code", "source": source, "metadata": metadata, "outputs": list(outputs),
            "execution_count": 1}


def test_the_public_site_has_no_solutions_and_the_teachers_edition_has_them():
    nb = notebook(code("answer = 1", ["solution"]), code("check(answer)", ["self-check"]))
    public = [c["source"] for c in site.stage_notebook(nb)["cells"]]
    teacher = [c["source"] for c in site.stage_notebook(nb, solutions=True)["cells"]]
    assert public == ["check(answer)"]
    assert teacher == ["answer = 1", "check(answer)"]


def test_collapsed_cells_get_a_toggle_and_widgets_a_note():
    widget = {"output_type": "display_data", "metadata": {},
              "data": {"text/plain": "interactive(...)", site.WIDGET: {"model_id": "x"}}}
    nb = notebook(code("plot()", source_hidden=True), code("slider()", outputs=[widget]))
    cells = site.stage_notebook(nb)["cells"]
    assert "hide-input" in cells[0]["metadata"]["tags"]
    assert cells[1]["outputs"] == [] and "live kernel" in cells[2]["source"]
    assert "widgets" not in site.stage_notebook(nb)["metadata"]  # its renderer would come from a CDN


def test_the_launch_cell_is_staged_as_it_is_for_myst_nb_to_remove():
    staged = site.stage_notebook(notebook(dict(launch.new_cell())))["cells"][0]
    assert launch.is_launch_cell(staged)  # remove-cell only: no hide-input, the download keeps it exact


def test_contents_follow_the_folders(tmp_path):
    for chapter, sections in {"01_a": ["01_x", "02_y"], "02_b": ["01_z"]}.items():
        (tmp_path / chapter).mkdir()
        (tmp_path / chapter / "00_overview.md").write_text(f"# Chapter {chapter}\n")
        for name in sections:
            (tmp_path / chapter / f"{name}.ipynb").write_text(json.dumps(notebook()))
            (tmp_path / chapter / f"{name}.py").write_text("")
    (tmp_path / "glossary.md").write_text("# Glossary\n")
    (tmp_path / "01_a" / "03_scratch.ipynb").write_text(json.dumps(notebook()))  # no .py: not a section
    found = [(c.name, [s.name for s in ss]) for c, ss in site.contents(tmp_path)]
    assert found == [("01_a", ["01_x.ipynb", "02_y.ipynb"]), ("02_b", ["01_z.ipynb"])]
    src = tmp_path / "src"
    assert site.stage(tmp_path, src) == 2 + 3 + 3  # overviews, sections, index + glossary + references
    assert "01_x\n02_y\n```" in (src / "chapters" / "01_a" / "00_overview.md").read_text()
    assert (src / "chapters" / "01_a" / "01_x.py").exists()


def test_a_section_not_executed_yet_is_named(tmp_path):
    (tmp_path / "01_a").mkdir()
    (tmp_path / "01_a" / "00_overview.md").write_text("# A\n")
    (tmp_path / "01_a" / "01_x.py").write_text("")
    with pytest.raises(FileNotFoundError, match="01_x.ipynb not there"):
        site.contents(tmp_path)


def test_the_contents_are_the_sections_of_tools_chapters():
    from tools.chapters import chapter_sources, is_section

    listed = [s.with_suffix(".py") for _, sections in site.contents(ROOT / "chapters") for s in sections]
    assert listed == [path for path in chapter_sources() if is_section(path)]


def page(root, name, body):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    up = "../" * name.count("/")
    path.write_text(f"<html><head><link rel='stylesheet' href='{up}_static/a.css'></head><body>{body}</body></html>")


def test_the_link_check_finds_each_planted_broken_link(tmp_path):
    with pytest.raises(FileNotFoundError, match="no .html pages"):
        check_site.link_problems(tmp_path)
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "a.css").write_text("")
    (tmp_path / "_static" / "macros.html").write_text("<a href=\"{{ pathto('x') }}\">theme template</a>")
    page(tmp_path, "index.html", '<h1 id="top">Book</h1><a href="chapters/one.html#goals">1</a>'
         '<a href="chapters/">contents</a><a href="#top">up</a><a href="https://example.org/x.html">out</a>'
         '<a href="mailto:a@b.c">mail</a><a href="#">nothing</a>')
    page(tmp_path, "chapters/index.html", '<a href="../index.html">home</a><a name="old">named anchor</a>')
    page(tmp_path, "chapters/one.html", '<h2 id="goals">Goals</h2><img src="../_images/fig.png">'
         '<a href="../index.html#top">home</a><a href="index.html#old">old</a>')
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "fig.png").write_bytes(b"")
    assert check_site.link_problems(tmp_path) == []
    page(tmp_path, "chapters/two.html", '<a href="one.html#gone">a</a><a href="three.html">b</a>'
         '<img src="../_images/missing.png"><a href="#nowhere">c</a><a href="../../outside.html">d</a>'
         '<a href="one.html?x=1#goals">fine</a>')
    assert check_site.link_problems(tmp_path) == [
        "chapters/two.html: one.html#gone (no anchor #gone in chapters/one.html)",
        "chapters/two.html: three.html (no such file in the site)",
        "chapters/two.html: ../_images/missing.png (no such file in the site)",
        "chapters/two.html: #nowhere (no anchor #nowhere in chapters/two.html)",
        "chapters/two.html: ../../outside.html (no such file in the site)"]


def test_one_repository_setting_drives_the_launch_links_and_the_readme_badge():
    settings = site.settings()
    assert settings["repository"].startswith("https://github.com/")
    assert f"({site.binder_url(settings)})" in (ROOT / "README.md").read_text()
    assert check_site.launch_problems([], "chapters/01_a/02_b.html", settings["repository"], "main")


def test_a_repository_url_that_is_not_github_is_refused(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project.urls]\nRepository = "https://example.org/x"\n')
    with pytest.raises(ValueError, match="github.com/OWNER/NAME"):
        site.settings(tmp_path / "pyproject.toml")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    try:
        site.contents(ROOT / "chapters")
    except FileNotFoundError as error:
        pytest.skip(str(error))
    out = tmp_path_factory.mktemp("site")
    pages = site.build(out, work=tmp_path_factory.mktemp("site-src"))
    return out, pages


def test_every_section_is_a_page_and_nothing_loads_from_the_internet(built):
    out, pages = built
    names = {p.relative_to(out).as_posix() for p in pages}
    for chapter, sections in site.contents(ROOT / "chapters"):
        assert f"chapters/{chapter.name}/00_overview.html" in names
        assert {f"chapters/{chapter.name}/{s.stem}.html" for s in sections} <= names
    assert {"index.html", "chapters/glossary.html", "references.html", "search.html"} <= names
    for page in pages:
        external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']https?://[^\"']+", page.read_text())
        assert not external, f"{page.name} loads from the internet: {external[:3]}"


def test_every_internal_link_of_the_built_site_resolves(built):
    out, _ = built
    assert check_site.link_problems(out) == []


def test_the_launch_cell_is_left_out_of_the_pages_and_kept_in_the_downloads(built):
    out, pages = built
    assert not [page.name for page in pages if launch.ENV in page.read_text()]
    assert launch.ENV not in (out / "searchindex.js").read_text()
    downloads = sorted((out / "_sources" / "chapters").glob("*/*.ipynb"))
    assert len(downloads) == sum(len(sections) for _, sections in site.contents(ROOT / "chapters"))
    for path in downloads:
        first = next(cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code")
        assert launch.is_launch_cell(dict(first, source="".join(first["source"]))), f"{path.name} lost its launch cell"


@pytest.mark.skipif(not check_site.browser_available(), reason="needs Debian's chromium and chromium-driver")
def test_every_page_works_in_headless_chromium(built):
    out, _ = built
    results, search = check_site.check(out)
    problems = {name: p for name, (facts, p) in results.items() if p}
    assert not problems, problems
    assert not any(search.values()), search
    sections = [facts for name, (facts, _) in results.items() if check_site.is_section(name)]
    assert sections and all(facts["launch"] for facts in sections)

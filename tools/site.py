"""The book's website: the executed sections, rendered by Sphinx + MyST-NB + sphinx-book-theme.

``python -m tools.site [--chapters DIR] [--out site] [--solutions]`` stages a copy of the
chapters in ``build/site-src/chapters`` and runs ``sphinx-build`` on it with ``book/conf.py``:

- the contents are the book's files as ``tools/chapters.py`` defines them: one chapter per
  ``NN_name/`` folder, its ``00_overview.md`` first, then its sections ``MM_topic.py`` in order,
  shown from their executed ``.ipynb`` (a section's title says "(optional)" when it is; the
  sidebar shows that title);
- no notebook is executed: the pages show the outputs stored in the notebooks;
- cells tagged ``solution`` are left out (the public site) unless ``--solutions``
  (the teacher's edition); self-check cells stay;
- cells collapsed in JupyterLab (``jupyter.source_hidden``) are collapsed on the page with
  a toggle (MyST-NB's ``hide-input`` tag); the launch cell (tag ``remove-cell``) is left out;
- a widget, which needs a live kernel, is replaced by a note that says so;
- each citation by author and year links to its entry on the references page
  (book/references.bib, tools/references.py);
- each section's ``.py`` is offered for download beside its ``.ipynb``.

The repository URL for the launch buttons (Binder, Colab, JupyterHub) and the source
links is ``[project.urls] Repository`` in pyproject.toml (see :func:`settings`).
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools.chapters import OVERVIEW, chapter_folders, section_sources
from tools.references import link_citations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "book"
WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("```{note}\nThe output above is an interactive widget: it needs a live kernel. "
               "Launch this section (the rocket button at the top of the page) or open it in "
               "JupyterLab to use it.\n```")


def settings(pyproject=ROOT / "pyproject.toml"):
    """The site's settings from pyproject.toml: the repository URL (``[project.urls] Repository``,
    the one setting behind the launch buttons, the source links and the README's Binder badge),
    its branch and an optional JupyterHub (``[tool.book]``)."""
    data = tomllib.loads(Path(pyproject).read_text())
    url = data["project"]["urls"]["Repository"].rstrip("/")
    book = data.get("tool", {}).get("book", {})
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"[project.urls] Repository must be https://github.com/OWNER/NAME, not {url!r}")
    return {"repository": url, "branch": book.get("branch", "main"),
            "jupyterhub": os.environ.get("BOOK_JUPYTERHUB_URL", book.get("jupyterhub", ""))}


def binder_url(settings):
    """The Binder link of the README badge: JupyterLab on the learners' copies (student/, written by
    the repository's postBuild), built from the repository URL."""
    owner_name = settings["repository"].removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_name}/{settings['branch']}?urlpath=lab/tree/student"


def contents(chapters):
    """[(chapter folder, [section notebooks])] in reading order: the chapter folders and their sections
    as ``tools.chapters`` lists them, each section as its executed ``.ipynb``."""
    chapters = Path(chapters)
    found = []
    for folder in chapter_folders(chapters):
        if not (folder / OVERVIEW).exists():
            raise FileNotFoundError(f"{folder} has no {OVERVIEW}")
        sections = [source.with_suffix(".ipynb") for source in section_sources(folder)]
        missing = [section.name for section in sections if not section.exists()]
        if missing:
            raise FileNotFoundError(f"{folder}: {', '.join(missing)} not there (make execute writes it)")
        found.append((folder, sections))
    if not found:
        raise FileNotFoundError(f"no chapter folders (NN_name/) in {chapters}")
    return found


def title(path):
    """The first '# ' heading of a Markdown file or a notebook."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text()
    match = re.search(r"^# (.+)$", text, re.M)
    return match.group(1).strip() if match else path.stem


def stage_notebook(nb, solutions=False, references=None):
    """A copy of notebook ``nb`` (a dict) as the site shows it; ``references``: the relative URL
    of the references page, to link each citation to its entry (None: citations stay text)."""
    nb = copy.deepcopy(nb)
    nb["metadata"].pop("widgets", None)  # widget state would load its renderer from a CDN
    cells = []
    for cell in nb["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "solution" in tags and not solutions:
            continue
        if cell["cell_type"] == "markdown" and references:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = link_citations(source, references)
        jupyter = cell["metadata"].get("jupyter", {})
        if jupyter.get("source_hidden") and "hide-input" not in tags and "remove-cell" not in tags:
            tags.append("hide-input")
        if jupyter.get("outputs_hidden") and "hide-output" not in tags:
            tags.append("hide-output")
        widget = False
        for output in cell.get("outputs", []):
            if WIDGET in output.get("data", {}):
                widget = True
                output["data"] = {k: v for k, v in output["data"].items() if k not in (WIDGET, "text/plain")}
        if widget:
            cell["outputs"] = [o for o in cell["outputs"] if o.get("data", True)]
        cells.append(cell)
        if widget:
            cells.append({"cell_type": "markdown", "id": f"{cell.get('id', 'cell')}-widget-note", "metadata": {},
                          "source": WIDGET_NOTE})
    nb["cells"] = cells
    return nb


def toctree(entries, caption=None, hidden=True):
    lines = ["", "```{toctree}"]
    if caption:
        lines.append(f":caption: {caption}")
    if hidden:
        lines.append(":hidden:")
    lines.append(":maxdepth: 1")
    lines += ["", *entries, "```", ""]
    return "\n".join(lines)


def index_page(chapter_list, repository):
    """The front page: the README's introduction, the chapters, and the toctree of the whole book."""
    readme = (ROOT / "README.md").read_text()
    intro = readme.split("\n## ", 1)[0]
    intro = re.sub(r"\]\(#([^)]*)\)", rf"]({repository}#\1)", intro)  # anchors of the README on GitHub
    lines = [intro.strip(), "", "## Chapters", ""]
    for folder, sections in chapter_list:
        lines.append(f"- [{title(folder / '00_overview.md')}](chapters/{folder.name}/00_overview.md) "
                     f"({len(sections)} sections)")
    lines.append("- [Glossary](chapters/glossary.md) and [references](references.md)")
    entries = [f"chapters/{folder.name}/00_overview" for folder, _ in chapter_list]
    lines.append(toctree(entries, caption="Chapters"))
    lines.append(toctree(["chapters/glossary", "references"], caption="Back matter"))
    return "\n".join(lines)


REFERENCES_PAGE = """# References

The papers and books the sections cite by author and year, e.g. "Kingma & Ba (2015)",
by first author; each citation in a section links to its entry here.

```{bibliography}
:all:
```
"""


def stage(chapters, src, solutions=False):
    """Write the Sphinx source tree of the book to ``src`` (emptied first)."""
    chapters = Path(chapters)
    if src.exists():
        shutil.rmtree(src)
    (src / "chapters").mkdir(parents=True)
    chapter_list = contents(chapters)
    pages = 0
    for folder, sections in chapter_list:
        dest = src / "chapters" / folder.name
        dest.mkdir()
        overview = (folder / "00_overview.md").read_text()
        overview = link_citations(overview, "../../references.html")
        (dest / "00_overview.md").write_text(overview + toctree([s.stem for s in sections]))
        pages += 1
        for section in sections:
            nb = stage_notebook(json.loads(section.read_text()), solutions=solutions,
                                references="../../references.html")
            (dest / section.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1))
            py = section.with_suffix(".py")
            if py.exists():
                shutil.copy2(py, dest / py.name)
            pages += 1
    glossary = (chapters / "glossary.md").read_text()
    # A link to a chapter written as its former single notebook (NN_name.ipynb) opens its overview.
    glossary = re.sub(r"\]\((\d\d_[a-z0-9_]+)\.ipynb\)",
                      lambda m: f"]({m[1]}/00_overview.md)" if (chapters / m[1]).is_dir() else m[0], glossary)
    (src / "chapters" / "glossary.md").write_text(link_citations(glossary, "../references.html"))
    (src / "references.md").write_text(REFERENCES_PAGE)
    (src / "index.md").write_text(index_page(chapter_list, settings()["repository"]))
    return pages + 3


def build(out, chapters=ROOT / "chapters", solutions=False, work=ROOT / "build" / "site-src", quiet=True):
    """Stage the book and build it with Sphinx into ``out``; returns the list of .html pages."""
    out, work = Path(out), Path(work)
    stage(chapters, work, solutions=solutions)
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(CONF), "-W", "--keep-going",
           "-d", str(work.parent / "site-doctrees"), str(work), str(out)]
    if quiet:
        cmd.insert(5, "-q")
    env = dict(os.environ, BOOK_SOLUTIONS="1" if solutions else "0")
    subprocess.run(cmd, check=True, env=env)
    # The .py of each section, for the download menu (book/conf.py adds the entry).
    for py in (work / "chapters").glob("*/*.py"):
        target = out / "_sources" / py.relative_to(work)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(py, target)
    return sorted(p for p in out.rglob("*.html") if "_static" not in p.parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=Path, default=ROOT / "chapters",
                        help="the chapters folder to build from (default: the repository's chapters/)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    parser.add_argument("--solutions", action="store_true",
                        help="keep the exercise solutions (the teacher's edition)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        pages = build(args.out, chapters=args.chapters, solutions=args.solutions)
    except subprocess.CalledProcessError:
        sys.exit("sphinx-build reported problems (above)")
    edition = "teacher's edition, with solutions" if args.solutions else "public edition, no solutions"
    print(f"{args.out}: {len(pages)} pages ({edition}) in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

"""The book as a static site: ``python -m tools.html [--out site]``.

Renders the executed chapters (outputs as stored, nothing is re-run), the
glossary and a contents page with nbconvert, into a folder that works
offline: figures are copied beside the pages, MathJax is served from the
copy that the ``jupyter-server-mathjax`` package ships, and no page loads a
script from the internet. Interactive widgets cannot work in a static page;
their outputs are replaced by a note.
"""

import argparse
import re
import shutil
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from tools.chapters import CHAPTERS_DIR, ROOT, chapter_notebooks

TEMPLATES = Path(__file__).resolve().parent / "templates"
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"  # see templates/book/index.html.j2
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "(An interactive widget: run this chapter in JupyterLab to use it.)"


def chapter_title(notebook):
    """The first level-1 heading of a notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return "Untitled"


def chapter_summary(notebook):
    """The first paragraph after the title, for the contents page."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", cell.source) if p.strip()]
            for paragraph in paragraphs:
                if not paragraph.startswith("#"):
                    return " ".join(paragraph.split())
    return ""


def rewrite_links(text):
    """Links between files of the repository become links between pages of the site."""
    text = text.replace("../images/", "images/")
    text = re.sub(r"\(glossary\.md(#[^)]*)?\)", lambda m: f"(glossary.html{m.group(1) or ''})", text)
    return re.sub(r"\((\d\d_[a-z0-9_]+)\.(?:ipynb|py)(#[^)]*)?\)", lambda m: f"({m.group(1)}.html{m.group(2) or ''})",
                  text)


# matplotlib's inline animations link Font Awesome from a CDN for their button icons; the site
# draws those icons with Unicode characters instead (see templates/book/index.html.j2).
EXTERNAL_STYLESHEET = re.compile(r"<link[^>]*href=[\"']https?://[^>]*>", flags=re.IGNORECASE)


def prepare(notebook):
    """A copy fit for a static page: links rewritten, widget outputs replaced by a note, no external CSS."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_MIME in data:
                    output["data"] = {"text/plain": WIDGET_NOTE}
                elif "text/html" in data:
                    html = data["text/html"]
                    html = "".join(html) if isinstance(html, list) else html
                    data["text/html"] = EXTERNAL_STYLESHEET.sub("", html)
    return notebook


def markdown_notebook(text, title):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(rewrite_links(text))]
    notebook.metadata["title"] = title
    return notebook


def exporter():
    html = HTMLExporter(template_name="book", extra_template_basedirs=[str(TEMPLATES)])
    html.mathjax_url = MATHJAX_URL
    html.exclude_input_prompt = True
    html.exclude_output_prompt = True
    return html


def contents_page(chapters):
    lines = ["# Training Techniques for Neural Networks, from scratch", "",
             "An executable textbook: every claim is backed by an experiment that runs in seconds and is checked.",
             "", "| chapter | what you learn |", "| --- | --- |"]
    for page, title, summary in chapters:
        lines.append(f"| [{title}]({page}) | {summary} |")
    lines += ["", "The [glossary](glossary.html) gives every term in English, Japanese and Chinese with a "
              "one-line definition."]
    return markdown_notebook("\n".join(lines), "Contents")


def build(out):
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    import jupyter_server_mathjax

    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out / "mathjax")
    if (ROOT / "images").exists():
        shutil.copytree(ROOT / "images", out / "images")
    html = exporter()
    paths = chapter_notebooks()
    notebooks = [nbformat.read(path, as_version=4) for path in paths]
    titles = [chapter_title(nb) for nb in notebooks]
    pages = [path.with_suffix(".html").name for path in paths]
    written = []
    for i, notebook in enumerate(notebooks):
        resources = {"metadata": {"name": titles[i], "path": str(CHAPTERS_DIR)},
                     "book_prev": (pages[i - 1], titles[i - 1]) if i > 0 else ("index.html", "Contents"),
                     "book_next": (pages[i + 1], titles[i + 1]) if i + 1 < len(paths) else ("glossary.html",
                                                                                           "Glossary")}
        body, _ = html.from_notebook_node(prepare(notebook), resources=resources)
        (out / pages[i]).write_text(body, encoding="utf-8")
        written.append(pages[i])
    glossary = CHAPTERS_DIR / "glossary.md"
    if glossary.exists():
        body, _ = html.from_notebook_node(markdown_notebook(glossary.read_text(encoding="utf-8"), "Glossary"),
                                          resources={"metadata": {"name": "Glossary"}})
        (out / "glossary.html").write_text(body, encoding="utf-8")
        written.append("glossary.html")
    chapters = [(pages[i], titles[i], chapter_summary(notebooks[i])) for i in range(len(paths))]
    body, _ = html.from_notebook_node(contents_page(chapters), resources={"metadata": {"name": "Contents"}})
    (out / "index.html").write_text(body, encoding="utf-8")
    written.insert(0, "index.html")
    return [out / name for name in written]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    for page in build(args.out):
        print(page.relative_to(ROOT) if page.is_relative_to(ROOT) else page)


if __name__ == "__main__":
    main()

"""The book as a static site: ``python -m tools.html [--out site]``.

Renders the executed sections (outputs as stored, nothing is re-run), each
chapter's overview, the glossary and a contents page with nbconvert, into a
folder that works offline. The site mirrors the repository, so that the links
between files stay the same links, only ``.ipynb``, ``.py`` and ``.md`` become
``.html``::

    site/index.html                                   contents: the chapters and their sections
    site/chapters/NN_name/00_overview.html            a chapter's overview
    site/chapters/NN_name/MM_topic.html               a section (an old single-file chapter: chapters/NN_name.html)
    site/chapters/glossary.html
    site/images/, site/mathjax/                       figures; MathJax from jupyter-server-mathjax's copy

No page loads a script from the internet. Interactive widgets cannot work in
a static page; their outputs are replaced by a note. :func:`broken_links`
lists every link of the site that points to no file.
"""

import argparse
import os
import re
import shutil
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from tools.chapters import CHAPTERS_DIR, OVERVIEW, ROOT, chapter_notebooks, is_section

TEMPLATES = Path(__file__).resolve().parent / "templates"
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"  # see templates/book/index.html.j2
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "(An interactive widget: run this section in JupyterLab to use it.)"
TITLE = "Training Techniques for Neural Networks, from scratch"


def chapter_title(notebook):
    """The first level-1 heading of a notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return "Untitled"


def markdown_title(text):
    """The first level-1 heading of a Markdown text, or ''."""
    match = re.search(r"^#\s+(.+?)\s*$", text, flags=re.MULTILINE)
    return match.group(1) if match else ""


LINK = re.compile(r"(\]\(|href=[\"'])(?![a-z]+:|#|/)([^)\s\"'#]+)((?:#[^)\s\"']*)?)(?=[)\"'])")
PAGE_SUFFIXES = (".ipynb", ".py", ".md")


def linked_files(text, folder, root=ROOT):
    """The files under ``root`` that the relative links of ``text`` (written in ``folder``) point to."""
    found = []
    for match in LINK.finditer(text):
        target = (Path(folder) / match.group(2)).resolve()
        if target.is_relative_to(Path(root).resolve()) and target.is_file():
            found.append(target)
    return found


def rewrite_links(text, folder=CHAPTERS_DIR):
    """Relative links to a notebook, its source or a Markdown page become links to its page (``.html``).

    ``folder`` is where the text stands in the repository; a link to a file that does not
    exist there is left alone (and :func:`broken_links` reports it).
    """
    def page(match):
        target = (Path(folder) / match.group(2)).resolve()
        if target.suffix in PAGE_SUFFIXES and (target.exists() or target.with_suffix(".py").exists()):
            return f"{match.group(1)}{Path(match.group(2)).with_suffix('.html').as_posix()}{match.group(3)}"
        return match.group(0)

    return LINK.sub(page, text)


# matplotlib's inline animations link Font Awesome from a CDN for their button icons; the site
# draws those icons with Unicode characters instead (see templates/book/index.html.j2).
EXTERNAL_STYLESHEET = re.compile(r"<link[^>]*href=[\"']https?://[^>]*>", flags=re.IGNORECASE)


def prepare(notebook, folder=CHAPTERS_DIR):
    """A copy fit for a static page: links rewritten, widget outputs replaced by a note, no external CSS."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source, folder)
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


def markdown_notebook(text, title, folder=None):
    """A one-cell notebook of Markdown ``text`` (its links rewritten as written in ``folder``, if given)."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(text if folder is None else rewrite_links(text, folder))]
    notebook.metadata["title"] = title
    return notebook


def exporter():
    html = HTMLExporter(template_name="book", extra_template_basedirs=[str(TEMPLATES)])
    html.exclude_input_prompt = True
    html.exclude_output_prompt = True
    return html


def relative_url(target, page):
    """The URL of site file ``target`` from the page ``page`` (both relative to the site's root)."""
    return Path(os.path.relpath(target, Path(page).parent)).as_posix()


def page_of(path, root=ROOT):
    """The site path (relative to its root) of a repository file: chapters/... with .html."""
    return Path(path).resolve().relative_to(Path(root).resolve()).with_suffix(".html").as_posix()


class Page:
    """One page of the site: where it goes, its title, the notebook to render and the file it comes from."""

    def __init__(self, path, title, notebook, source):
        self.path, self.title, self.notebook, self.source = path, title, notebook, Path(source)


def markdown_page(path, root=ROOT, title=None):
    text = Path(path).read_text(encoding="utf-8")
    title = title or markdown_title(text) or Path(path).stem
    return Page(page_of(path, root), title, markdown_notebook(text, title, Path(path).parent), path)


def chapters_and_pages(chapters_dir=CHAPTERS_DIR):
    """``(chapters, pages)``: for the contents, [(title, overview page or None, [(page, title)])], and the
    pages in reading order: each chapter's overview, then its sections (or its single notebook)."""
    chapters, pages, folder, root = [], [], None, Path(chapters_dir).parent
    for path in chapter_notebooks(chapters_dir):
        notebook = nbformat.read(path, as_version=4)
        title = chapter_title(notebook)
        if is_section(path):
            if path.parent != folder:
                folder = path.parent
                overview = folder / OVERVIEW
                if overview.exists():
                    pages.append(markdown_page(overview, root))
                    chapters.append((pages[-1].title, pages[-1].path, []))
                else:
                    chapters.append((folder.name, None, []))
            chapters[-1][2].append((page_of(path, root), title))
        else:
            folder = None
            chapters.append((title, page_of(path, root), []))
        pages.append(Page(page_of(path, root), title, prepare(notebook, path.parent), path))
    return chapters, pages


def contents_page(chapters):
    lines = [f"# {TITLE}", "",
             "An executable textbook: every claim is backed by an experiment that runs in seconds and is checked.",
             "Each chapter is a short overview and a few sections, each one idea for one sitting.", ""]
    for title, overview, sections in chapters:
        lines.append(f"## [{title}]({overview})" if overview else f"## {title}")
        lines.append("")
        lines += [f"{number}. [{section}]({page})" for number, (page, section) in enumerate(sections, start=1)]
        lines.append("")
    lines += ["The [glossary](chapters/glossary.html) gives every term in English, Japanese and Chinese with a "
              "one-line definition."]
    return markdown_notebook("\n".join(lines), "Contents")


def render(html, notebook, page, title, prev=None, next=None, root=ROOT):
    """The HTML of one page; ``prev``/``next`` are (site path, title) or None."""
    html.mathjax_url = relative_url(MATHJAX_URL, page)
    resources = {"metadata": {"name": title, "path": str(Path(root) / Path(page).parent)},
                 "book_root": relative_url("index.html", page)[: -len("index.html")],
                 "book_prev": (relative_url(prev[0], page), prev[1]) if prev else None,
                 "book_next": (relative_url(next[0], page), next[1]) if next else None}
    body, _ = html.from_notebook_node(notebook, resources=resources)
    return body


def build(out, chapters_dir=CHAPTERS_DIR):
    """Write the site of the book in ``chapters_dir`` into ``out`` (emptied first); the pages written, contents
    first. The figures come from ``images/`` beside ``chapters_dir``."""
    root = Path(chapters_dir).resolve().parent
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    import jupyter_server_mathjax

    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out / "mathjax")
    if (root / "images").exists():
        shutil.copytree(root / "images", out / "images")
    html = exporter()
    chapters, pages = chapters_and_pages(chapters_dir)
    glossary = Path(chapters_dir) / "glossary.md"
    if glossary.exists():
        pages.append(markdown_page(glossary, root, "Glossary"))
    pages.insert(0, Page("index.html", "Contents", contents_page(chapters), root / "index.md"))
    # Other files the pages link to: a Markdown file becomes a page too (benchmarks/RESULTS.md),
    # anything else but a notebook is copied as it is (a library module, a JSON file). A link to
    # a notebook that is not a page of the book stays broken, and broken_links reports it.
    done = {page.source.resolve() for page in pages}
    queue = list(pages)
    while queue:
        page = queue.pop(0)
        for target in linked_files(markdown_of(page.source), page.source.parent, root):
            if target in done or target.with_suffix(".py") in done or target.with_suffix(".ipynb") in done:
                continue
            done.add(target)
            if target.suffix == ".md":
                pages.append(markdown_page(target, root))
                queue.append(pages[-1])
            elif target.suffix != ".ipynb" and not (out / target.relative_to(root)).exists():
                (out / target.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, out / target.relative_to(root))
    written = []
    for i, page in enumerate(pages):
        prev = (pages[i - 1].path, pages[i - 1].title) if i > 0 else None
        next = (pages[i + 1].path, pages[i + 1].title) if i + 1 < len(pages) else None
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(html, page.notebook, page.path, page.title, prev, next, root), encoding="utf-8")
        written.append(target)
    return written


def markdown_of(path):
    """The Markdown text of a repository file: a notebook's markdown cells, or a .md file ('' otherwise)."""
    path = Path(path)
    if path.suffix == ".ipynb" and path.exists():
        return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    if path.suffix == ".md" and path.exists():
        return path.read_text(encoding="utf-8")
    return ""


REFERENCE = re.compile(r"<(?:a|img|script|link)\b[^>]*?\b(?:href|src)=[\"']([^\"']+)[\"']", flags=re.IGNORECASE)


def broken_links(out):
    """``(page, link)`` for every relative link or source in the site's pages that points to no file."""
    out = Path(out)
    broken = []
    for page in sorted(out.rglob("*.html")):
        if "mathjax" in page.relative_to(out).parts:
            continue
        for link in REFERENCE.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#|//", link):
                continue
            target = link.split("#")[0].split("?")[0]
            if target and not (page.parent / target).exists():
                broken.append((page.relative_to(out).as_posix(), link))
    return broken


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    parser.add_argument("--chapters", type=Path, default=CHAPTERS_DIR, help="the book's chapters/ folder")
    args = parser.parse_args(argv)
    for page in build(args.out, args.chapters):
        print(page.relative_to(ROOT) if page.is_relative_to(ROOT) else page)
    broken = broken_links(args.out)
    for page, link in broken:
        print(f"{page}: broken link {link}")
    if broken:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

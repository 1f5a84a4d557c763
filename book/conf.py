"""Sphinx configuration of the book's website (built by `make html`, i.e. `python -m tools.site`).

The source tree is staged by tools/site.py from chapters/ (build/site-src); the repository
URL behind the launch buttons and source links is `[project.urls] Repository` in
pyproject.toml, read by tools.site.settings.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "_ext"), str(HERE.parent)]

from tools.site import settings  # noqa: E402

SETTINGS = settings()
SOLUTIONS = os.environ.get("BOOK_SOLUTIONS") == "1"

project = "Training Techniques for Neural Networks, from scratch"
author = "the authors"
copyright = "2026 The Training Techniques authors"
# The licences, in every page's footer (LICENSE, LICENSE-CONTENT).
LICENCE_FOOTER = ('<p class="book-licence">Text and figures: <a href="https://creativecommons.org/licenses/by/4.0/">'
                  'CC BY 4.0</a>. Code: MIT License.</p>')
language = "en"

extensions = [
    "myst_nb",
    "sphinxcontrib.bibtex",
    "sphinx-mathjax-offline",
    "cjk_search",
    "download_py",
]

exclude_patterns = ["**/.ipynb_checkpoints", "**/*.py"]
master_doc = "index"

# Notebooks are never executed: the site shows the outputs stored in the executed sections.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "html_image", "html_admonition"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

bibtex_bibfiles = [str(HERE / "references.bib")]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
bibtex_cite_id = "{key}"

html_theme = "sphinx_book_theme"
html_title = "Training Techniques" + (" (teacher's edition)" if SOLUTIONS else "")
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_js_files = ["search_math.js"]   # search summaries read formulas as text, not LaTeX source
html_favicon = "_static/favicon.svg"  # else the browser asks for /favicon.ico (a 404 in the console)
html_context = {"default_mode": "light"}  # else the theme logs "invalid theme mode" on a first visit
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = True
html_theme_options = {
    "repository_url": SETTINGS["repository"],
    "repository_branch": SETTINGS["branch"],
    "path_to_docs": "chapters",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "extra_footer": LICENCE_FOOTER,
    "launch_buttons": {
        "notebook_interface": "jupyterlab",
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "jupyterhub_url": SETTINGS["jupyterhub"],
    },
}

"""The launch cell: every section's first code cell, so that a notebook opened alone finds the book's package.

A section launched from the website (Binder, Colab, a JupyterHub) or downloaded on its own runs
in an environment that may not have the project installed. Its first code cell, generated here
from the one repository setting (``[project.urls] Repository`` and ``[tool.book] branch`` in
pyproject.toml, read by :func:`tools.site.settings`), installs the project with pip when
``common`` cannot be imported; the environment variable ``BOOK_PACKAGE`` names another source
(a local path, a wheel, another ``git+`` URL), as ``tests/test_launch.py`` does. Where the
project is installed (``make setup``, Binder's environment.yml) the cell does nothing and
prints nothing. MNIST needs nothing here: the loader downloads it on first use.

The cell is collapsed in JupyterLab (``jupyter.source_hidden``) and left out of the website
(the MyST-NB tag ``remove-cell``); ``tools/sections.py`` checks that every section's first
code cell is exactly this one.

``python -m tools.launch``                 print the cell
``python -m tools.launch --write [PY ...]`` put it in every section's .py (or those given): it replaces
                                          a first code cell tagged ``remove-cell``, else it goes right
                                          before the first code cell; then ``make sync``
``python -m tools.launch --execute NB ...`` run the launch cell of each executed .ipynb alone, in a
                                          fresh kernel, and store its execution count and (empty) output,
                                          so that the notebook need not be executed again whole
"""

import argparse
import copy
import sys
from pathlib import Path

ENV = "BOOK_PACKAGE"
TAG = "remove-cell"
METADATA = {"jupyter": {"source_hidden": True}, "tags": [TAG]}


def package_source(settings=None):
    """What pip installs by default: ``git+<repository>@<branch>``."""
    if settings is None:
        from tools.site import settings as read_settings
        settings = read_settings()
    return f"git+{settings['repository']}@{settings['branch']}"


def cell_source(settings=None):
    """The launch cell's code."""
    return f"""\
# Opened alone (Binder, Colab, a JupyterHub)? Install the book's package first.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("common") is None:
    source = os.environ.get("{ENV}", "{package_source(settings)}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()"""


def new_cell(settings=None):
    import nbformat

    return nbformat.v4.new_code_cell(cell_source(settings), metadata=dict(METADATA, tags=[TAG]))


def is_launch_cell(cell, settings=None):
    """True when ``cell`` is the generated launch cell: its code, collapsed, tagged ``remove-cell``."""
    metadata = cell.get("metadata", {})
    return (cell.get("cell_type") == "code" and cell.get("source") == cell_source(settings)
            and metadata.get("jupyter") == METADATA["jupyter"] and metadata.get("tags") == METADATA["tags"])


def problems(notebook, settings=None):
    """[] when the first code cell of ``notebook`` is the launch cell, else what is wrong."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not code:
        return ["no code cell: the first one should be the launch cell"]
    if not is_launch_cell(code[0], settings):
        return ["the first code cell is not the launch cell (python -m tools.launch --write, then make sync)"]
    return []


def insert(notebook, settings=None):
    """``notebook`` with the launch cell as its first code cell (an older one, tagged ``remove-cell``, replaced)."""
    cells = notebook.cells
    first = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), len(cells))
    if first < len(cells) and TAG in cells[first].metadata.get("tags", []):
        del cells[first]
    cells.insert(first, new_cell(settings))
    return notebook


def write(sources, settings=None):
    """Put the launch cell in each section's .py (atomically); the paths that changed."""
    import jupytext

    changed = []
    for path in map(Path, sources):
        text = path.read_text(encoding="utf-8")
        updated = jupytext.writes(insert(jupytext.reads(text, fmt="py:percent"), settings), fmt="py:percent")
        if updated != text:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(updated, encoding="utf-8")
            tmp.replace(path)
            changed.append(path)
    return changed


def execute(notebooks, settings=None):
    """Run each executed notebook's launch cell alone in a fresh kernel and store its count and outputs."""
    import nbformat
    from nbclient import NotebookClient

    for path in map(Path, notebooks):
        notebook = nbformat.read(path, as_version=4)
        if problems(notebook, settings):
            raise ValueError(f"{path}: " + "; ".join(problems(notebook, settings)))
        cell = next(cell for cell in notebook.cells if cell.cell_type == "code")
        alone = nbformat.v4.new_notebook(cells=[copy.deepcopy(cell)], metadata=copy.deepcopy(notebook.metadata))
        NotebookClient(alone, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        cell.execution_count, cell.outputs = alone.cells[0].execution_count, alone.cells[0].outputs
        tmp = path.with_name(path.name + ".tmp")
        nbformat.write(notebook, tmp)
        tmp.replace(path)


def main(argv=None):
    from tools.chapters import chapter_sources, is_section, relative

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="put the cell in the sections' .py files")
    group.add_argument("--execute", action="store_true", help="run the launch cell of the given .ipynb alone")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.execute:
        if not args.paths:
            parser.error("--execute needs the executed notebooks (.ipynb) to update")
        execute(args.paths)
    elif args.write:
        sources = args.paths or [path for path in chapter_sources() if is_section(path)]
        for path in write(sources):
            print(f"{relative(path)}: launch cell written")
    else:
        print(cell_source())
    return 0


if __name__ == "__main__":
    sys.exit(main())

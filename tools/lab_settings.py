"""JupyterLab opens the .py sections as notebooks: ``python -m tools.lab_settings [--prefix PREFIX]``.

Sets jupytext's "Jupytext Notebook" as the default viewer of Python files, and
(unless one is set already) the rendered "Markdown Preview" for Markdown files,
so that a chapter's ``00_overview.md`` opens as a page whose links open the
sections, in ``PREFIX/share/jupyter/lab/settings/overrides.json``, where PREFIX
is the environment (``sys.prefix``, so the setting stays inside it). Other
settings already in the file are kept. ``make setup`` and ``make lab`` run it.
"""

import argparse
import json
import sys
from pathlib import Path

PLUGIN = "@jupyterlab/docmanager-extension:plugin"
VIEWER = "Jupytext Notebook"
MARKDOWN_VIEWER = "Markdown Preview"


def overrides_path(prefix):
    """The overrides file of the JupyterLab installed under ``prefix``."""
    return Path(prefix, "share", "jupyter", "lab", "settings", "overrides.json")


def write(path):
    """Merge the default-viewer settings into the JSON file at ``path`` (created if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = json.loads(path.read_text()) if path.exists() else {}
    viewers = settings.setdefault(PLUGIN, {}).setdefault("defaultViewers", {})
    viewers["python"] = VIEWER
    viewers.setdefault("markdown", MARKDOWN_VIEWER)
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default=sys.prefix, help="the environment (default: this Python's)")
    args = parser.parse_args(argv)
    write(overrides_path(args.prefix))


if __name__ == "__main__":
    main()

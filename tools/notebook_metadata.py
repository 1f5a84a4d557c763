"""Executed notebooks without run-to-run noise: ``python -m tools.notebook_metadata NOTEBOOK...``.

After execution a notebook's metadata holds two things that change on every
run without being a result: the random ids of the live widget models
(``widgets``) and the Python patch version of the machine
(``language_info.version``). This removes exactly those, in place, so that
executing a chapter twice changes no byte. ``make execute`` runs it.
"""

import argparse

import nbformat


def clean(notebook):
    """Drop ``widgets`` and ``language_info.version`` from the notebook's metadata."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata.get("language_info", {}).pop("version", None)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        nbformat.write(clean(nbformat.read(path, as_version=4)), path)


if __name__ == "__main__":
    main()

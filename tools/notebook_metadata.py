"""Executed notebooks without run-to-run noise: ``python -m tools.notebook_metadata NOTEBOOK...``.

After execution a notebook holds four things that change from run to run
without being a result: where the kernel happened to cut a cell's printed
text into stream outputs (merged here, as nbval merges them), the state of the live widget models (metadata
``widgets``), the random ``model_id`` by which a widget output refers to its
model, and the Python patch version of the machine (``language_info.version``).
This drops the first and the last and replaces each ``model_id`` by one made
from the output's position, in place, so that executing a chapter twice
changes no byte. (Without the stored state a widget shows only in a live
kernel, with or without the original id.) ``make execute`` runs it.
"""

import argparse

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def merge_streams(outputs):
    """``outputs`` with each run of consecutive stream outputs of one name (stdout, stderr) joined into one."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def clean(notebook):
    """Drop ``widgets`` and ``language_info.version``; number the widget outputs' model ids by position."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata.get("language_info", {}).pop("version", None)
    for cell in notebook.cells:
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)
    for cell_index, cell in enumerate(notebook.cells):
        for output_index, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                view["model_id"] = f"cell{cell_index}-output{output_index}"
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        nbformat.write(clean(nbformat.read(path, as_version=4)), path)


if __name__ == "__main__":
    main()

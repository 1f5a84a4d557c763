"""Run All of each section, timed: ``python -m tools.runtimes [--out build/runtimes.json] [NOTEBOOK ...]``.

For each notebook, one at a time: a kernel is started (not timed), then every
cell is executed in order, as JupyterLab's Run All does, and the clock runs
from the first cell to the last. Nothing is written back to the notebook
(figures go where ``BOOK_IMAGES_DIR`` says; ``make runtimes`` sends them to
``build/``). The seconds and the words of prose of each section are merged
into the JSON file (so measuring a few sections again keeps the others), and a
Markdown table of the notebooks measured is printed. ``make runtimes`` runs it
with the Makefile's environment; run it on a quiet machine. ``python -m
tools.contents`` turns the file into the README's table of contents.
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import nbformat

from tools.chapters import ROOT, chapter_notebooks
from tools.sections import prose_words

DEFAULT = ROOT / "build" / "runtimes.json"


def run_all_seconds(path, timeout=900):
    """Seconds from the first cell to the last of ``path``, executed in a kernel started beforehand."""
    from nbclient import NotebookClient

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def key(path):
    """How a notebook is named in the file: its path from the repository root."""
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def load(path=DEFAULT):
    """``{notebook: {"seconds": s, "words": w}}`` from a runtimes file ({} when there is none)."""
    path = Path(path)
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["sections"]


def table(records):
    """A Markdown table: section, words of prose, Run All seconds, and the total."""
    lines = ["| section | words | Run All (s) |", "| --- | ---: | ---: |"]
    for name, record in records.items():
        lines.append(f"| {name} | {record['words']} | {record['seconds']:.1f} |")
    total = sum(record["seconds"] for record in records.values())
    lines.append(f"| total ({len(records)} sections) | {sum(r['words'] for r in records.values())} | {total:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every section")
    parser.add_argument("--out", type=Path, default=DEFAULT)
    parser.add_argument("--fastest", action="store_true",
                        help="keep the faster of this measurement and the one already in the file: other jobs on a "
                             "shared machine only ever slow a run down, so the fastest of several runs is the best "
                             "estimate of a quiet machine")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or chapter_notebooks()
    if not notebooks:
        sys.exit("no sections found")
    records = load(args.out)
    measured = {}
    for path in notebooks:
        print(f"Run All: {key(path)}", file=sys.stderr, flush=True)
        notebook = nbformat.read(path, as_version=4)
        seconds = round(run_all_seconds(path), 2)
        if args.fastest and key(path) in records:
            seconds = min(seconds, records[key(path)]["seconds"])
        measured[key(path)] = {"seconds": seconds, "words": prose_words(notebook)}
        records.update(measured)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        ordered = dict(sorted(records.items()))
        machine = {"machine": platform.machine(), "processor": platform.processor(),
                   "python": platform.python_version(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        args.out.write_text(json.dumps({"machine": machine, "sections": ordered}, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    print(table(measured))


if __name__ == "__main__":
    main()

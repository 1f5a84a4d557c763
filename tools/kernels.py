"""How far the ``≈`` numbers moved: a summary of ``make kernels`` (by hand, never in CI).

``make kernels`` runs nbval over every chapter once per OpenBLAS kernel with
``NBVAL_APPROX_LOG`` set, so that each ``≈`` number compared is logged (see
``tools/nbval_approx.py``). This prints, for each cell, the largest movement
of its numbers as a share of its tolerance, per kernel: below 1 passes, and a
share near 1 says the tolerance is tight.

    python -m tools.kernels build/kernels
"""

import argparse
import json
from collections import defaultdict
from pathlib import Path

from tools.nbval_approx import bound


def movement(record):
    """The largest |new - stored| of one logged text, as a share of its tolerance."""
    tolerance = record["tolerance"]
    worst = 0.0
    for stored, new in zip(record["stored"], record["new"]):
        stored, new = float(stored), float(new)
        allowed = bound(stored, tolerance)
        worst = max(worst, abs(new - stored) / allowed if allowed else float(new != stored))
    return worst


def summarize(folder):
    """{cell: {run: largest share}} over the ``*.jsonl`` logs in ``folder`` (one per run)."""
    table = defaultdict(dict)
    for log in sorted(Path(folder).glob("*.jsonl")):
        for line in log.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            runs = table[record["cell"]]
            runs[log.stem] = max(runs.get(log.stem, 0.0), movement(record))
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="the folder of NBVAL_APPROX_LOG files, one per kernel")
    args = parser.parse_args(argv)
    table = summarize(args.folder)
    runs = sorted({run for cells in table.values() for run in cells})
    print("| cell | " + " | ".join(runs) + " |")
    print("| --- |" + " ---: |" * len(runs))
    for cell in sorted(table, key=lambda c: (c.split("::")[0], int(c.split("::")[1]))):
        print(f"| {cell} | " + " | ".join(f"{table[cell].get(run, float('nan')):.2f}" for run in runs) + " |")


if __name__ == "__main__":
    main()

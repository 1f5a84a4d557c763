"""``python -m benchmarks NAME``: run one benchmark and print its wall time last.

NAME is ``step``, ``batch_cost`` (writes ``benchmarks/batch_cost.json`` for
chapter 1), one of the classic experiments (``python -m benchmarks list``),
or ``all``, which runs every benchmark and writes ``benchmarks/RESULTS.md``.
"""

import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# Seconds, on a 2-core machine: the original book's scripts (which use both cores through OpenBLAS
# threads), ours before independent runs went side by side (one core), and the target (4x the original).
ORIGINAL = {"optimizer_compare_mnist": 23, "weight_init_compare": 14, "batch_norm_test": 16,
            "overfit_weight_decay": 15, "overfit_dropout": 28, "hyperparameter_optimization": 82}
BEFORE = {"optimizer_compare_mnist": 9.9, "weight_init_compare": 6.2, "batch_norm_gradient_check": 0.5,
          "batch_norm_test": 9.1, "overfit_weight_decay": 4.8, "overfit_dropout": 7.2,
          "hyperparameter_optimization": 15.0}
TARGETS = {"optimizer_compare_mnist": 5.5, "weight_init_compare": 3.5, "batch_norm_gradient_check": 5,
           "batch_norm_test": 4, "overfit_weight_decay": 3.7, "overfit_dropout": 7, "hyperparameter_optimization": 20}


def run_one(name):
    if name == "step":
        from benchmarks import step

        start = time.perf_counter()
        step.run()
    elif name == "batch_cost":
        from benchmarks import batch_cost

        start = time.perf_counter()
        print(batch_cost.run(machine()))
    else:
        from benchmarks.experiments import EXPERIMENTS

        if name not in EXPERIMENTS:
            sys.exit(f"unknown benchmark {name!r}; choose step, all, or one of {sorted(EXPERIMENTS)}")
        start = time.perf_counter()
        print(EXPERIMENTS[name]())
    print(f"wall time: {time.perf_counter() - start:.2f} s")


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy as np

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}; "
            f"OPENBLAS_NUM_THREADS={threads}")


def run_all():
    """Each benchmark in a fresh process (no warm caches shared between them); write RESULTS.md."""
    from benchmarks.experiments import EXPERIMENTS

    lines = ["# Benchmark results", "", f"Measured on {date.today().isoformat()}: {machine()}.",
             "Regenerate with `make bench`. Wall times include loading MNIST (about 0.5 s).", "",
             "## One training step (784-100-100-100-100-10, batch 128, gradient + SGD update)", "",
             "| precision | time per step | GFLOP/s | matrix-multiply GFLOP/s, same shapes | share |",
             "| --- | --- | --- | --- | --- |"]
    from benchmarks import step

    for r in step.run():
        lines.append(f"| {r['dtype']} | {r['step_us']:.0f} µs | {r['gflops']:.1f} | {r['matmul_gflops']:.1f} | "
                     f"{100 * r['share']:.0f} % |")
    from benchmarks import batch_cost

    cost = batch_cost.run(machine())["seconds_per_update"]
    lines += ["", "## One update of softmax regression by batch size (chapter 1, panel (d))", "",
              "| batch size | " + " | ".join(cost) + " |", "| --- |" + " --- |" * len(cost),
              "| µs per update | " + " | ".join(f"{1e6 * s:.0f}" for s in cost.values()) + " |"]
    from common.experiments.parallel import available_cores

    lines += ["", "## Classic experiments at the original settings", "",
              f"Independent runs train side by side on {available_cores()} cores (`run_parallel`), the same runs "
              "as the chapters' (`common.experiments.classic`). Original: the original book's scripts on this kind "
              "of machine; before: ours on one core.", "",
              "| experiment | original | before | wall time | target | result |",
              "| --- | --- | --- | --- | --- | --- |"]
    for name in EXPERIMENTS:
        out = subprocess.run([sys.executable, "-m", "benchmarks", name], capture_output=True, text=True, check=True)
        result, wall = out.stdout.strip().splitlines()[-2:]
        seconds = float(wall.split()[-2])
        print(f"{name}: {seconds:.1f} s ({result})")
        original = f"{ORIGINAL[name]} s" if name in ORIGINAL else "–"
        lines.append(f"| {name} | {original} | {BEFORE[name]} s | {seconds:.1f} s | ≤ {TARGETS[name]} s | {result} |")
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if sys.argv[1] == "all":
        run_all()
    elif sys.argv[1] == "list":
        from benchmarks.experiments import EXPERIMENTS

        print("\n".join(["step", "batch_cost", *EXPERIMENTS]))
    else:
        run_one(sys.argv[1])

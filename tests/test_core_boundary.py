"""The teaching core imports numpy and itself only: never the machinery, the display, tqdm, threads or processes."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ("functions", "layers", "initialization", "networks", "optimizers", "gradient", "random", "schedules",
        "augmentation", "checks")
STANDARD_LIBRARY = {"math", "collections", "contextlib", "dataclasses"}   # plain language support, no machinery


def imported_names(path):
    """Every module named by an import statement of ``path``, at any depth (imports inside functions too)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module)
    return names


@pytest.mark.parametrize("module", CORE)
def test_a_core_module_imports_numpy_itself_and_a_little_standard_library(module):
    for name in imported_names(ROOT / "common" / f"{module}.py"):
        top = name.split(".")[0]
        allowed = (top == "numpy" or top in STANDARD_LIBRARY
                   or (top == "common" and name.split(".")[1:2] and name.split(".")[1] in CORE))
        assert allowed, f"common/{module}.py imports {name}"


def test_importing_the_core_loads_no_machinery():
    code = ("import sys, numpy; before = set(sys.modules); "
            + "; ".join(f"import common.{module}" for module in CORE)
            + "; print('\\n'.join(sorted(set(sys.modules) - before)))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    assert "common.networks" in loaded and "common.checks" in loaded, "the check must see the core's modules"
    forbidden = ("common.experiments", "common.display", "dataset", "tqdm", "threading", "concurrent",
                 "multiprocessing", "matplotlib", "optuna")
    assert not [name for name in loaded if name.split(".")[0] in forbidden or name.startswith(forbidden)], loaded

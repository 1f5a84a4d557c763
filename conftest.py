"""pytest configuration for the whole project: nbval's comparison, tolerant of ``≈`` numbers.

The notebooks that nbval re-executes inherit this process's environment:
progress bars (``run_parallel``, ``Trainer``) are switched off there, as in
``make execute``, because a bar is not a result and would be compared.
"""

import os
from pathlib import Path

import pytest

pytest_plugins = ["tools.nbval_approx", "pytester"]

os.environ.setdefault("BOOK_PROGRESS", "0")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """One xdist group per chapter folder for the sections, one per file for everything else.

    With ``--dist loadgroup`` (the Makefile's) a chapter's sections then run on one worker, in
    order, so a result that a section leaves in the results store (common/experiments/store.py)
    is there when the next section asks for it; a test file's items stay together, as before.
    """
    for item in items:
        path = Path(str(item.path))
        group = path.parent.name if path.suffix == ".ipynb" else path.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))

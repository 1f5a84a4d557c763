"""pytest configuration for the whole project: nbval's comparison, tolerant of ``≈`` numbers.

The notebooks that nbval re-executes inherit this process's environment:
progress bars (``run_parallel``, ``Trainer``) are switched off there, as in
``make execute``, because a bar is not a result and would be compared.
"""

import os

pytest_plugins = ["tools.nbval_approx", "pytester"]

os.environ.setdefault("BOOK_PROGRESS", "0")

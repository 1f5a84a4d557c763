"""pytest configuration for the whole project: nbval's comparison, tolerant of ``≈`` numbers.

The notebooks that nbval re-executes inherit this process's environment:
progress bars (``run_parallel``, ``Trainer``) are switched off there, as in
``make execute``, because a bar is not a result and would be compared.
"""

import os

pytest_plugins = ["tools.nbval_approx", "pytester"]

os.environ.setdefault("BOOK_PROGRESS", "0")


def chapter_scope(nodeid):
    """The unit of work of a test under xdist: a section's chapter folder, or a test's file."""
    file = nodeid.split("::", 1)[0]
    return file.rsplit("/", 1)[0] if file.endswith(".ipynb") else file


def pytest_xdist_make_scheduler(config, log):
    """xdist hands out whole chapters (and whole test files): a chapter's sections run on one worker,
    in order, so a result that a section leaves in the results store (common/experiments/store.py)
    is there when the next section asks for it, and a notebook's cells never leave its kernel."""
    from xdist.scheduler import LoadScopeScheduling

    class ByChapter(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return chapter_scope(nodeid)

    return ByChapter(config, log)

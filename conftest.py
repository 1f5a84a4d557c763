"""pytest configuration for the whole project: nbval's comparison, tolerant of ``≈`` numbers."""

pytest_plugins = ["tools.nbval_approx", "pytester"]

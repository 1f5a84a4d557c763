"""A section opened alone, where the book's package is not installed, installs it with its launch cell and runs.

As on Colab or a JupyterHub: a fresh virtual environment (no system site-packages, no project)
with only a Jupyter kernel (ipykernel) runs one light section, 2.3, driven cell by cell by
nbclient from this environment, in a folder that holds nothing but the notebook. The launch cell
(tools/launch.py) finds no ``common`` and pip-installs the project; ``BOOK_PACKAGE`` points it at
a copy of this repository's package files in place of the ``git+`` URL of pyproject.toml. Then
every later cell must run: the section's asserts and self-checks hold.

A kernel in the fresh environment, rather than the section run as a script, because the
sections are notebooks (displays, figures, the kernel's own ``sys.executable`` for pip): this is
how a reader runs it. Offline: pip installs from a wheel folder, ``build/launch-wheels``,
downloaded from the package index once (the locked versions, requirements-lock.txt) and reused
with ``--no-index`` afterwards. It takes about a minute (most of it pip); set
``BOOK_SKIP_LAUNCH_TEST=1`` to skip it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import launch
from tools.chapters import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SECTION = ROOT / "chapters" / "02_initial_weights" / "03_inside_the_sigmoid.ipynb"
WHEELS = ROOT / "build" / "launch-wheels"
LOCK = ROOT / "requirements-lock.txt"
PACKAGE_FILES = ["pyproject.toml", "README.md", "common", "dataset"]  # what pip needs to build the project

pytestmark = pytest.mark.skipif(os.environ.get("BOOK_SKIP_LAUNCH_TEST") == "1",
                                reason="BOOK_SKIP_LAUNCH_TEST=1")


def wheelhouse():
    """The wheels of the kernel, the project's dependencies and its build backend, downloaded once."""
    done = WHEELS / ".complete"
    if not done.exists():
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())
        wanted = ["ipykernel", "setuptools>=64", *project["project"]["dependencies"]]
        tmp = WHEELS.with_name(WHEELS.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                        "-d", str(tmp), "-c", str(LOCK), *wanted], check=True)
        (tmp / ".complete").touch()
        shutil.rmtree(WHEELS, ignore_errors=True)
        tmp.replace(WHEELS)
    return WHEELS


def offline_pip_env(wheels):
    """Environment variables that make every pip (the launch cell's too) install the locked versions offline."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_CONSTRAINT": str(LOCK),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def fresh_environment(folder, pip_env):
    """A new virtual environment with a Jupyter kernel and nothing of the project; its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "ipykernel"], check=True,
                   env=dict(os.environ, **pip_env))
    return python


def kernel_env(venv, pip_env, package, images):
    """The kernel's environment: this one's, without anything that would let it import the project."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONHOME")}
    path = [part for part in env.get("PATH", "").split(os.pathsep) if Path(sys.prefix) not in Path(part).parents]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env.update(pip_env, **{launch.ENV: str(package), "BOOK_IMAGES_DIR": str(images), "BOOK_PROGRESS": "0"})
    return env


def test_a_section_opened_alone_installs_the_package_and_runs(tmp_path):
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    pip_env = offline_pip_env(wheelhouse())
    venv = tmp_path / "venv"
    python = fresh_environment(venv, pip_env)
    package, work = tmp_path / "repository", tmp_path / "work"
    env = kernel_env(venv, pip_env, package, tmp_path / "images")
    work.mkdir()

    def importable():
        probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('common') is None)"
        return subprocess.run([str(python), "-c", probe], cwd=work, env=env).returncode == 0

    assert not importable(), "the fresh environment can already import common"
    package.mkdir()
    for name in PACKAGE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, package / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, package / name)
    notebook = nbformat.read(SECTION, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert launch.is_launch_cell(code[0]), f"{SECTION.name}: its first code cell is not the launch cell"
    for cell in code:
        cell.outputs, cell.execution_count = [], None

    kernels = tmp_path / "kernels"
    (kernels / "fresh").mkdir(parents=True)
    (kernels / "fresh" / "kernel.json").write_text(json.dumps(
        {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "fresh venv", "language": "python"}))
    manager = AsyncKernelManager(kernel_name="fresh", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(notebook, km=manager, timeout=900, record_timing=False,
                            resources={"metadata": {"path": str(work)}})
    client.execute(env=env)  # raises at the first error

    counts = [cell.execution_count for cell in code]
    assert counts == list(range(1, len(code) + 1)), "not every code cell ran"
    assert importable(), "the launch cell did not install the project"
    where = subprocess.run([str(python), "-c", "import common; print(common.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv), f"common came from {where}, not from the fresh environment"

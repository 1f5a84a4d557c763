"""The learners' handout: ``python -m tools.handout [--out build/handout] [--wheel WHEEL]``.

It writes a folder and a zip of it (``build/handout/`` and ``build/handout.zip``) that run
without the repository::

    README.md                       how to install, where MNIST goes, the licences
    training_techniques-*.whl       the book's package (common/, dataset/): no solutions in it
    constraints.txt                 the versions the book was executed with (optional, Python 3.11)
    LICENSE, LICENSE-CONTENT
    chapters/NN_name/MM_topic.ipynb student copies (tools/student.py): solutions removed, outputs cleared
    chapters/NN_name/00_overview.md
    chapters/glossary.md

The wheel is built with ``pip wheel --no-deps`` (from a copy of the package's sources) unless
``--wheel`` gives one; its files are checked: only the packages ``common`` and ``dataset`` and
the wheel's metadata.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tools.chapters import ROOT, chapter_notebooks
from tools.student import write_copies

HANDOUT = ROOT / "build" / "handout"
PACKAGES = ("common", "dataset")

README = """# Training Techniques for Neural Networks, from scratch: the handout

The book's sections as notebooks for you to work in: the exercises are left for
you (each answer cell raises `NotImplementedError` until you write your answer),
and the `self-check` cell after each exercise tells you whether your answer is
right. Chapter overviews: `chapters/NN_name/00_overview.md`; the glossary:
`chapters/glossary.md`.

## Install (once)

With Python 3.10 or later, in this folder:

    python -m venv .venv
    .venv/bin/pip install "./{wheel}[notebooks]"

(on Windows: `.venv\\Scripts\\pip`). That installs the book's package
(`common`, `dataset`) and JupyterLab. To get exactly the versions the book was
executed with (Python 3.11), add `-c constraints.txt` to the second command.

## MNIST

Sections that train on MNIST read the four files `train-images-idx3-ubyte.gz`,
`train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
`t10k-labels-idx1-ubyte.gz`:

- from the folder named by the environment variable `MNIST_DIR`, when it is
  set (your teacher may give you such a folder, or a copy of the files);
- else from `~/.cache/training-techniques/mnist` (or `MNIST_CACHE_DIR`): the
  first section that needs them downloads them there (about 11 MB) and checks
  them; `.venv/bin/python -m dataset` does it beforehand.

## Work

    .venv/bin/jupyter lab chapters

Open a section, run its cells in order (Run All works too: it stops at the first
exercise you have not done). Figures the sections save go to
`~/.cache/training-techniques/images` (or to `BOOK_IMAGES_DIR` when set).

## Licence

The code (the package in the wheel and the code cells) is under the MIT
License (`LICENSE`); the text and the figures are under CC BY 4.0,
https://creativecommons.org/licenses/by/4.0/ (`LICENSE-CONTENT`).
"""


class HandoutError(ValueError):
    """A wheel that holds more than the book's packages, or a build that failed."""


# What the wheel is built from: copied to a temporary folder first, so that the build's
# own folders (build/, *.egg-info) never land in the repository and two builds never collide.
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT", *PACKAGES)


def build_wheel(out):
    """``pip wheel --no-deps .`` into ``out``, from a copy of the package's sources; the wheel's path."""
    out.mkdir(parents=True, exist_ok=True)
    source = out / "source"
    for name in WHEEL_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copyfile(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                           "--quiet", "--wheel-dir", str(out), str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise HandoutError(f"pip wheel failed:\n{done.stdout}\n{done.stderr}")
    wheels = sorted(out.glob("training_techniques-*.whl"))
    if len(wheels) != 1:
        raise HandoutError(f"expected one wheel in {out}, found {[w.name for w in wheels]}")
    return wheels[0]


def wheel_contents(wheel):
    """The top-level names in ``wheel`` other than its metadata, e.g. {'common', 'dataset'}."""
    with zipfile.ZipFile(wheel) as archive:
        return {name.split("/")[0] for name in archive.namelist() if ".dist-info/" not in name}


def check_wheel(wheel):
    """Raise HandoutError unless ``wheel`` holds only the packages common and dataset (no chapters, no tools)."""
    extra = wheel_contents(wheel) - set(PACKAGES)
    if extra:
        raise HandoutError(f"{wheel.name} holds more than {PACKAGES}: {sorted(extra)}")


def build_handout(out=HANDOUT, notebooks=None, wheel=None):
    """Write the handout folder ``out`` and ``out.zip`` (each replaced whole, never half-written); the zip."""
    out = Path(out)
    notebooks = chapter_notebooks() if notebooks is None else notebooks
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp:
        staging = Path(tmp) / out.name
        staging.mkdir()
        wheel = build_wheel(Path(tmp) / "wheel") if wheel is None else Path(wheel)
        check_wheel(wheel)
        shutil.copyfile(wheel, staging / wheel.name)
        write_copies(notebooks, staging / "chapters")
        for name in ("LICENSE", "LICENSE-CONTENT"):
            shutil.copyfile(ROOT / name, staging / name)
        shutil.copyfile(ROOT / "requirements-lock.txt", staging / "constraints.txt")
        (staging / "README.md").write_text(README.format(wheel=wheel.name), encoding="utf-8")
        archive = Path(tmp) / "handout.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(staging.rglob("*")):
                zipped.write(path, Path(out.name) / path.relative_to(staging))
        if out.exists():
            shutil.rmtree(out)
        staging.replace(out)
        archive.replace(out.with_suffix(".zip"))
    return out.with_suffix(".zip")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="sections (default: every one)")
    parser.add_argument("--out", type=Path, default=HANDOUT)
    parser.add_argument("--wheel", type=Path, help="a wheel of the project already built")
    args = parser.parse_args(argv)
    try:
        archive = build_handout(args.out, args.notebooks or None, args.wheel)
    except HandoutError as error:
        sys.exit(str(error))
    files = sorted(p for p in args.out.rglob("*") if p.is_file())
    print(f"{args.out}: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB; "
          f"{archive}: {archive.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

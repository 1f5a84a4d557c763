"""The learners' handout (tools/handout.py) runs a section without the repository.

The handout of section 2.3 is built into a temporary folder; a new virtual environment gets
the handout's wheel and nothing of the repository; a kernel of that environment then runs
the student copy, cell by cell, from the handout's folder: every cell runs, each exercise's
exercise fails with NotImplementedError until it is answered (in its answer cell, or in its
self-check when the answer is a function to write), and, answered with the teacher's
solution, every self-check passes.

Offline: the third-party packages (numpy, matplotlib, ipykernel, nbclient ...) are not
downloaded again; the new environment reads them from the project's environment through a
path entry, which does not run that environment's editable-install hook, so ``common`` and
``dataset`` come from the wheel only (the test checks it in the kernel).
"""

import json
import os
import site
import subprocess
import sys
import zipfile

import nbformat
import pytest

from tools.chapters import CHAPTERS_DIR, ROOT
from tools.handout import HandoutError, build_handout, check_wheel, wheel_contents

SECTION = CHAPTERS_DIR / "02_initial_weights" / "03_inside_the_sigmoid.ipynb"

# Runs in the new environment's Python: executes the student copy cell by cell in one kernel.
DRIVER = r'''
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

student_path, answers_path, venv = sys.argv[1:4]
student = nbformat.read(student_path, as_version=4)
answers = json.load(open(answers_path))          # {cell id: the teacher's source}
client = NotebookClient(student, timeout=600, kernel_name="python3", allow_errors=False)
report = {"cells": 0, "stubs": [], "answered": 0}
with client.setup_kernel():
    for index, cell in enumerate(student.cells):
        if cell.cell_type != "code":
            continue
        report["cells"] += 1
        if cell.id in answers:
            # Unanswered, the exercise fails with NotImplementedError: in its answer cell, or (a function
            # to write) in the self-check that follows.
            check = student.cells[index + 1]
            try:
                client.execute_cell(cell, index)
                client.execute_cell(nbformat.from_dict(check), index + 1)
                report["stubs"].append(None)
            except CellExecutionError as error:
                report["stubs"].append(error.ename)
            cell.source = answers[cell.id]
            report["answered"] += 1
        client.execute_cell(cell, index)
    # Where the kernel found the book's packages (a cell of its own: nbclient stores a cell at its index).
    probe = nbformat.v4.new_code_cell(
        "import common, dataset, sys, json; print(json.dumps([common.__file__, dataset.__file__, sys.executable]))")
    student.cells.append(probe)
    client.execute_cell(probe, len(student.cells) - 1)
    report["where"] = json.loads(probe.outputs[0]["text"])
print(json.dumps(report))
'''


def test_the_wheel_check_refuses_more_than_the_books_packages(tmp_path):
    wheel = tmp_path / "training_techniques-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ("common/__init__.py", "dataset/__init__.py", "training_techniques-1.0.0.dist-info/METADATA"):
            archive.writestr(name, "")
    check_wheel(wheel)
    with zipfile.ZipFile(wheel, "a") as archive:
        archive.writestr("chapters/01_x/01_y.ipynb", "{}")
    with pytest.raises(HandoutError, match="chapters"):
        check_wheel(wheel)


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout") / "handout"
    archive = build_handout(out, [SECTION])
    return out, archive


def test_the_handout_holds_the_student_copy_the_wheel_and_the_instructions(handout):
    out, archive = handout
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    wheel = "training_techniques-1.0.0-py3-none-any.whl"
    assert files == ["LICENSE", "LICENSE-CONTENT", "README.md", "chapters/02_initial_weights/00_overview.md",
                     "chapters/02_initial_weights/03_inside_the_sigmoid.ipynb", "chapters/glossary.md",
                     "constraints.txt", wheel]
    assert wheel_contents(out / wheel) == {"common", "dataset"}
    readme = (out / "README.md").read_text()
    assert f'pip install "./{wheel}[notebooks]"' in readme and "MNIST_DIR" in readme
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(n.removeprefix("handout/") for n in zipped.namelist() if not n.endswith("/")) == files


def test_a_section_of_the_handout_runs_in_a_new_environment_without_the_repository(handout, tmp_path):
    out, _ = handout
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--disable-pip-version-check", str(next(out.glob("*.whl")))], check=True)
    # The project's third-party packages, as a plain path entry (its .pth hooks are not run).
    with open(os.path.join(target, "borrowed.pth"), "w") as pth:
        pth.write("\n".join(site.getsitepackages()) + "\n")

    student = out / "chapters" / "02_initial_weights" / SECTION.name
    teacher = nbformat.read(SECTION, as_version=4)
    answers = {c.id: c.source for c in teacher.cells if "solution" in c.metadata.get("tags", [])
               and c.cell_type == "code"}
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    (tmp_path / "driver.py").write_text(DRIVER)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BOOK_IMAGES_DIR", "VIRTUAL_ENV")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), BOOK_PROGRESS="0",
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    done = subprocess.run([str(python), str(tmp_path / "driver.py"), str(student), str(tmp_path / "answers.json"),
                           str(venv)], cwd=student.parent, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    common_file, dataset_file, executable = report["where"]
    assert common_file.startswith(target) and dataset_file.startswith(target), report["where"]
    assert executable == str(python) and not common_file.startswith(str(ROOT))
    assert len(answers) == 2 and report["answered"] == len(answers)
    assert report["stubs"] == ["NotImplementedError"] * len(answers)
    assert report["cells"] == sum(c.cell_type == "code" for c in teacher.cells)

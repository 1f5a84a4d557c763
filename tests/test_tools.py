"""The build machinery: the chapter list, the lab settings, the metadata cleaner and ``make help``."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from tools import chapters, lab_settings, notebook_metadata

ROOT = chapters.ROOT
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args, tmp_path):
    """``make -s ARGS`` in the repository, with a throw-away VENV: a recipe that set up would create it."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "CHAPTERS", "CONDA_DEFAULT_ENV"}}
    venv = tmp_path / "venv"
    result = subprocess.run(["make", "-s", f"VENV={venv}", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not venv.exists(), f"make {' '.join(args)} set up an environment"
    return result.stdout


def makefile_rules():
    """The .PHONY targets and every explicit rule's target in the Makefile."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    phony = re.search(r"^\.PHONY:(.*)$", text, flags=re.MULTILINE).group(1).split()
    rules = re.findall(r"^([A-Za-z][A-Za-z0-9_-]*):(?!=)", text, flags=re.MULTILINE)
    return phony, rules


# chapters


def test_the_chapter_list_is_the_numbered_sources_in_order():
    sources = chapters.chapter_sources()
    assert sources and sources == sorted(sources)
    assert all(re.fullmatch(r"\d\d_\w+\.py", path.name) and path.parent == chapters.CHAPTERS_DIR
               for path in sources)
    assert [path.stem for path in chapters.chapter_notebooks()] == [path.stem for path in sources]


def test_chapter_pattern_skips_other_files(tmp_path):
    for name in ["02_b.py", "01_a.py", "01_a.ipynb", "glossary.md", "1_short.py", "helper.py", "01_a.txt"]:
        (tmp_path / name).write_text("")
    assert [p.name for p in chapters.chapter_sources(tmp_path)] == ["01_a.py", "02_b.py"]
    assert [p.name for p in chapters.chapter_notebooks(tmp_path)] == ["01_a.ipynb"]


def test_chapters_module_prints_the_list_and_imports_only_the_standard_library():
    result = subprocess.run([sys.executable, "-m", "tools.chapters"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [p.relative_to(ROOT).as_posix() for p in chapters.chapter_sources()]
    # The Makefile runs it with the system python3, before any environment exists.
    tree = ast.parse((ROOT / "tools" / "chapters.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


@needs_make
def test_makefile_takes_its_chapter_list_from_the_module(tmp_path):
    printed = make("--eval", "print-chapters: ; @echo $(CHAPTERS)", "print-chapters", tmp_path=tmp_path)
    assert printed.split() == [p.relative_to(ROOT).as_posix() for p in chapters.chapter_sources()]


# lab settings


def test_lab_settings_are_written_into_a_new_environment(tmp_path):
    lab_settings.main(["--prefix", str(tmp_path)])
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(path.read_text()) == {lab_settings.PLUGIN: {"defaultViewers": {"python": "Jupytext Notebook"}}}


def test_lab_settings_are_merged_without_losing_other_settings(tmp_path):
    path = lab_settings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    before = {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        lab_settings.PLUGIN: {"autosave": False,
                              "defaultViewers": {"markdown": "Markdown Preview", "python": "Editor"}},
    }
    path.write_text(json.dumps(before))
    lab_settings.main(["--prefix", str(tmp_path)])
    expected = {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        lab_settings.PLUGIN: {"autosave": False,
                              "defaultViewers": {"markdown": "Markdown Preview", "python": "Jupytext Notebook"}},
    }
    assert json.loads(path.read_text()) == expected
    lab_settings.main(["--prefix", str(tmp_path)])  # running it again changes nothing
    assert json.loads(path.read_text()) == expected


# notebook metadata


def test_metadata_cleaner_removes_exactly_widgets_and_the_python_version(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7", "mimetype": "text/x-python",
                          "codemirror_mode": {"name": "ipython", "version": 3}},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"ab12": {}}}},
        "jupytext": {"formats": "ipynb,py:percent"},
    })
    cell = nbformat.v4.new_code_cell("print(1)", execution_count=1, metadata={"tags": ["keep"]})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title"), cell]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)

    notebook_metadata.main([str(path)])

    expected = json.loads(nbformat.writes(notebook))
    del expected["metadata"]["widgets"]
    del expected["metadata"]["language_info"]["version"]
    cleaned = json.loads(path.read_text())
    assert cleaned == expected
    assert cleaned["metadata"]["language_info"]["codemirror_mode"]["version"] == 3


def test_widget_model_ids_are_numbered_by_position(tmp_path):
    cell = nbformat.v4.new_code_cell("slider", execution_count=1)
    view = {"model_id": "243e221bc6ba48f3b59ad3269f124c62", "version_major": 2, "version_minor": 0}
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        notebook_metadata.WIDGET_VIEW: view, "text/plain": "interactive(...)"})]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x"), cell])
    path = tmp_path / "widgets.ipynb"
    nbformat.write(notebook, path)
    notebook_metadata.main([str(path)])
    first = path.read_text()
    output = json.loads(first)["cells"][1]["outputs"][0]["data"]
    assert output[notebook_metadata.WIDGET_VIEW]["model_id"] == "cell1-output0"
    assert "".join(output["text/plain"]) == "interactive(...)"
    notebook_metadata.main([str(path)])
    assert path.read_text() == first


def test_a_line_printed_in_two_pieces_is_stored_as_one(tmp_path):
    cell = nbformat.v4.new_code_cell("print", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="parameters:"),
                    nbformat.v4.new_output("stream", name="stdout", text=" ['W1']\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="done\n")]
    path = tmp_path / "streams.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    notebook_metadata.main([str(path)])
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "parameters: ['W1']\n"), ("stderr", "warning\n"),
                                                   ("stdout", "done\n")]


def test_metadata_cleaner_accepts_a_notebook_without_them(tmp_path):
    path = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    before = json.loads(path.read_text())
    notebook_metadata.main([str(path)])
    assert json.loads(path.read_text()) == before


# make help


def test_every_rule_of_the_makefile_is_phony():
    phony, rules = makefile_rules()
    assert set(rules) <= set(phony), f"add to .PHONY: {sorted(set(rules) - set(phony))}"


@needs_make
def test_make_help_lists_every_target_with_a_description(tmp_path):
    phony, _ = makefile_rules()
    listed = dict(re.findall(r"^\s+make (\S+)\s+(\S.*)$", make("help", tmp_path=tmp_path), flags=re.MULTILINE))
    missing = [target for target in phony if target not in listed]
    assert not missing, f"give these targets a '## description' in the Makefile: {missing}"

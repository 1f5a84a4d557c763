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

from tools import chapters, contents, lab_settings, notebook_metadata, runtimes

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
    assert sources
    for path in sources:
        relative = path.relative_to(chapters.CHAPTERS_DIR)
        assert re.fullmatch(r"\d\d_\w+/\d\d_\w+\.py|\d\d_\w+\.py", relative.as_posix()), relative
        assert not relative.name.startswith("00_")
    keys = [path.relative_to(chapters.CHAPTERS_DIR).with_suffix("").as_posix() for path in sources]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [p.with_suffix("") for p in chapters.chapter_notebooks()] == [
        p.with_suffix("") for p in sources if p.with_suffix(".ipynb").exists()]


def write(folder, *names):
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("")


def test_sections_in_folders_and_the_old_single_files(tmp_path):
    write(tmp_path, "glossary.md", "1_short.py", "helper.py", "01_a.txt",
          "01_a/00_overview.md", "01_a/02_second.py", "01_a/01_first.py", "01_a/01_first.ipynb", "01_a/helper.py",
          "01_a.py", "01_a.ipynb",                      # moved: its folder holds sections
          "02_b.py", "02_b.ipynb", "02_b/00_overview.md",  # not moved yet: a folder without sections
          "03_c/01_only.py", "03_c/01_only.ipynb")
    names = lambda paths: [p.relative_to(tmp_path).as_posix() for p in paths]  # noqa: E731
    assert names(chapters.chapter_sources(tmp_path)) == ["01_a/01_first.py", "01_a/02_second.py", "02_b.py",
                                                         "03_c/01_only.py"]
    assert names(chapters.chapter_notebooks(tmp_path)) == ["01_a/01_first.ipynb", "02_b.ipynb", "03_c/01_only.ipynb"]
    assert names(chapters.chapter_folders(tmp_path)) == ["01_a", "02_b", "03_c"]
    assert names(chapters.overviews(tmp_path)) == ["01_a/00_overview.md", "02_b/00_overview.md",
                                                   "03_c/00_overview.md"]
    assert names(chapters.superseded_sources(tmp_path)) == ["01_a.py"]
    assert chapters.is_section(tmp_path / "01_a/01_first.py") and not chapters.is_section(tmp_path / "02_b.py")
    assert chapters.lab_page(tmp_path) == "01_a/00_overview.md"


def test_a_selection_names_sections_folders_or_notebooks():
    sources = chapters.chapter_sources()
    first = sources[0]
    as_given = first.relative_to(ROOT).as_posix()
    assert chapters.select([as_given]) == [first]
    assert chapters.select([first.with_suffix(".ipynb").relative_to(ROOT).as_posix()]) == [first]
    if chapters.is_section(first):
        folder = first.parent.relative_to(ROOT).as_posix()
        assert chapters.select([folder + "/"]) == chapters.section_sources(first.parent)
        assert chapters.select([as_given, folder]) == chapters.section_sources(first.parent)  # each once
    for bad in (["chapters/no_such_thing.py"], ["README.md"], ["tools"]):
        with pytest.raises(chapters.SelectionError, match="no section there"):
            chapters.select(bad)


def test_chapters_module_prints_the_list_and_imports_only_the_standard_library():
    result = subprocess.run([sys.executable, "-m", "tools.chapters"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [p.relative_to(ROOT).as_posix() for p in chapters.chapter_sources()]
    wrong = subprocess.run([sys.executable, "-m", "tools.chapters", "chapters/no_such_thing"], cwd=ROOT,
                           capture_output=True, text=True)
    assert wrong.returncode == 1 and wrong.stdout == "" and "no section there" in wrong.stderr
    # The Makefile runs it with the system python3, before any environment exists.
    tree = ast.parse((ROOT / "tools" / "chapters.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


@needs_make
def test_makefile_takes_its_chapter_list_from_the_module(tmp_path):
    printed = make("--eval", "print-chapters: ; @echo $(CHAPTERS_PY)", "print-chapters", tmp_path=tmp_path)
    assert printed.split() == [p.relative_to(ROOT).as_posix() for p in chapters.chapter_sources()]
    first = chapters.chapter_sources()[0]
    selected = chapters.select([first.parent.relative_to(ROOT).as_posix()]) if chapters.is_section(first) else [first]
    printed = make("--eval", "print-chapters: ; @echo $(CHAPTERS_NB)", "print-chapters",
                   f"CHAPTERS={first.parent.relative_to(ROOT).as_posix() if chapters.is_section(first) else first}",
                   tmp_path=tmp_path)
    assert printed.split() == [p.with_suffix(".ipynb").relative_to(ROOT).as_posix() for p in selected]


@needs_make
def test_a_selection_that_names_nothing_stops_make(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "CHAPTERS"}}
    result = subprocess.run(["make", "-s", "--eval", "check: ; $(NEED_CHAPTERS)", "check",
                             "CHAPTERS=chapters/no_such_thing"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "no section there" in result.stderr and "no section selected by CHAPTERS=" in result.stderr


# lab settings


def test_lab_settings_are_written_into_a_new_environment(tmp_path):
    lab_settings.main(["--prefix", str(tmp_path)])
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(path.read_text()) == {lab_settings.PLUGIN: {"defaultViewers": {
        "python": "Jupytext Notebook", "markdown": "Markdown Preview"}}}


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


# runtimes and the README's contents


def test_the_contents_table_has_one_row_per_section_with_its_run_all(tmp_path):
    folder = tmp_path / "chapters" / "01_demo"
    folder.mkdir(parents=True)
    for number, title in [(1, "1.1 First"), (2, "1.2 Second (optional)")]:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {title}\n\nText.")])
        nbformat.write(notebook, folder / f"0{number}_s{number}.ipynb")
        (folder / f"0{number}_s{number}.py").write_text("")
    (folder / "00_overview.md").write_text("# 1 — Demo\n")
    measured = {runtimes.key(folder / "01_s1.ipynb"): {"seconds": 12.4, "words": 1500}}
    lines, missing = contents.rows(measured, tmp_path / "chapters")
    assert missing == 1
    assert lines[2:] == ["| [1 — Demo](chapters/01_demo/00_overview.md) | [1.1 First](chapters/01_demo/01_s1.ipynb) "
                         "| 12 s |",
                         "|  | [1.2 Second (optional)](chapters/01_demo/02_s2.ipynb) | — |",
                         "| | all 2 sections | 12 s (1 not measured) |"]
    assert contents.rows({}, tmp_path / "chapters")[0][-1] == "| | all 2 sections | — |"
    assert [contents.duration(s) for s in (0.4, 0.99, 1.0, 29.6)] == ["< 1 s", "< 1 s", "1 s", "30 s"]
    readme = "# Book\n\n## Contents\n\n| old | table |\n| --- | --- |\n| a | b |\n\nAfter.\n\n## Next\n\n| x |\n"
    assert contents.replace_table(readme, ["| new |"]) == (
        "# Book\n\n## Contents\n\n| new |\n\nAfter.\n\n## Next\n\n| x |\n")
    with pytest.raises(ValueError, match="Contents"):
        contents.replace_table("# Book\n\n## Contents\n\nNo table.\n\n## Next\n\n| x |\n", ["| new |"])


def test_runtimes_table_and_file(tmp_path):
    records = {"chapters/01_a/01_b.ipynb": {"seconds": 12.345, "words": 1800},
               "chapters/01_a/02_c.ipynb": {"seconds": 7.0, "words": 900}}
    assert runtimes.table(records).splitlines() == [
        "| section | words | Run All (s) |", "| --- | ---: | ---: |",
        "| chapters/01_a/01_b.ipynb | 1800 | 12.3 |", "| chapters/01_a/02_c.ipynb | 900 | 7.0 |",
        "| total (2 sections) | 2700 | 19.3 |"]
    assert runtimes.load(tmp_path / "none.json") == {}
    (tmp_path / "r.json").write_text(json.dumps({"machine": {}, "sections": records}))
    assert runtimes.load(tmp_path / "r.json") == records


def test_runtimes_fastest_keeps_the_quicker_of_two_passes(tmp_path, monkeypatch):
    notebook = tmp_path / "01_a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A\n\nfour words of prose")]),
                   notebook)
    out = tmp_path / "runtimes.json"
    for seconds, flags, expected in ((10.0, [], 10.0), (20.0, ["--fastest"], 10.0), (5.0, ["--fastest"], 5.0),
                                     (8.0, [], 8.0)):
        monkeypatch.setattr(runtimes, "run_all_seconds", lambda path, seconds=seconds: seconds)
        runtimes.main(["--out", str(out), *flags, str(notebook)])
        assert runtimes.load(out)[runtimes.key(notebook)]["seconds"] == expected, (seconds, flags)


def test_the_readme_contents_lists_every_section_and_its_links_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = contents.replace_table(text, ["@@TABLE@@"])  # raises when there is no Contents table
    assert "@@TABLE@@" in table
    start = text.index("## Contents")
    rows = text[start:].split("\n\n", 2)[1]
    links = re.findall(r"\]\(([^)#]+)", rows)
    assert all((ROOT / link).exists() for link in links), [link for link in links if not (ROOT / link).exists()]
    listed = set(links)
    missing = [p.relative_to(ROOT).as_posix() for p in chapters.chapter_notebooks()
               if p.relative_to(ROOT).as_posix() not in listed]
    assert not missing, (f"the README's Contents lacks {missing}: "
                         "make runtimes, then python -m tools.contents --write README.md")

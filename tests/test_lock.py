"""requirements-lock.txt pins what pyproject.toml asks for, and environment.yml uses it."""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")   # Python 3.11 and later

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)$")


def read_lock(text):
    """{canonical name: Version} from the lock's ``name==version`` lines (comments and blanks skipped)."""
    pins = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirements-lock.txt line {number} is not name==version: {line!r}"
        name = canonicalize_name(match["name"])
        assert name not in pins, f"requirements-lock.txt pins {name} twice"
        pins[name] = Version(match["version"])
    return pins


def project_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in listed]


def disagreements(pins, requirements):
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name} is in pyproject.toml but not pinned")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement.name}=={pins[name]} is outside pyproject.toml's {requirement.specifier}")
    return problems


def test_lock_agrees_with_pyproject():
    pins = read_lock((ROOT / "requirements-lock.txt").read_text(encoding="utf-8"))
    problems = disagreements(pins, project_requirements())
    assert not problems, "run make lock after changing pyproject.toml:\n" + "\n".join(problems)


def test_a_disagreement_is_found():
    pins = read_lock("# header\nnumpy==1.20.0\nmatplotlib==3.9.0\n")
    problems = disagreements(pins, [Requirement("numpy>=1.26,<3"), Requirement("matplotlib>=3.8"),
                                    Requirement("pooch>=1.8")])
    assert problems == ["numpy==1.20.0 is outside pyproject.toml's <3,>=1.26",
                        "pooch is in pyproject.toml but not pinned"]
    with pytest.raises(AssertionError, match="twice"):
        read_lock("numpy==2.0\nNumPy==2.1\n")


def test_setup_and_environment_use_the_lock():
    assert "-c requirements-lock.txt" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c requirements-lock.txt" in (ROOT / "environment.yml").read_text(encoding="utf-8")

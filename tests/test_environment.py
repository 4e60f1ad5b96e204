"""environment.yml (conda) and pyproject.toml (pip) must declare the same dependencies."""
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    return dict(_name_and_spec(r) for r in reqs)


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    return {name: spec for name, spec in map(_name_and_spec, specs) if name not in ("python", "pip")}


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pip_requirements()


def test_environment_installs_the_course_package_itself():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_python_versions_agree():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_forbidden_arabic_shaping_libraries_are_absent():
    # They render Arabic reversed on matplotlib >= 3.11, which shapes it natively.
    names = set(pip_requirements()) | set(conda_requirements())
    assert not names & {"arabic-reshaper", "python-bidi"}
    assert pip_requirements()["matplotlib"] == ">=3.11"

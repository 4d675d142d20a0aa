"""Set-up files stay in step: environment.yml mirrors pyproject.toml; CI runs the README's command."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pip_names = {_name(d) for d in pip if not d.startswith("-e")}
    assert conda | pip_names == wanted
    assert "-e ." in pip and "python=3.11" in env["dependencies"]
    assert "conda-forge" in env["channels"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.search(r"```bash\n(.*?)\n```", readme, re.S).group(1).splitlines()
    assert len(commands) == 2 and "fuchan run" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_outputs_are_git_ignored():
    assert "outputs/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_every_package_folder_and_the_notebooks_ship_in_the_wheel():
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "fuchan_lib").rglob("__init__.py")}
    assert folders | {"fuchan_lib.resources", "fuchan_lib.notebooks"} == set(setup["packages"])
    assert setup["package-dir"] == {"fuchan_lib.notebooks": "notebooks"}
    assert setup["package-data"]["fuchan_lib.notebooks"] == ["*.ipynb"]

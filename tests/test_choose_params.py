"""`fuchan lab` without a params file (开始周报.bat) opens the county's own params, not the
example's: one at once, several by number, the example only when there are none."""

import os
import shutil
from pathlib import Path

import pytest

from fuchan_lib.core.exceptions import FuchanInputError
from fuchan_lib.run.choose_params import choose_params, own_params
from fuchan_lib.run.new_county import new_county

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "params" / "示例县_2023Q1.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder holding the shipped params (the example county, the city's two
    example counties and the city)."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    return tmp_path


def choose(folder, answers=()):
    said, replies = [], iter(answers)

    def ask(prompt):
        said.append(prompt)
        return next(replies)

    path = choose_params(folder, lambda: EXAMPLE, ask=ask, say=said.append)
    return path, said


def test_with_only_the_shipped_examples_the_example_is_opened_and_新县_suggested(project):
    assert own_params(project) == []
    path, said = choose(project)
    assert path == EXAMPLE
    assert "fuchan 新县" in said[0]


def test_the_countys_one_params_file_is_opened_without_asking(project):
    new_county("青石县", period="2024Q1", folder=project)
    path, said = choose(project)
    assert path == project / "params" / "青石县_2024Q1.yaml"
    assert said == ["使用参数文件：params/青石县_2024Q1.yaml".replace("/", os.sep)]


def test_several_are_offered_newest_first_and_a_wrong_number_is_asked_again(project):
    new_county("青石县", period="2024Q1", folder=project)
    later = project / "params" / "青石县_2024Q2.yaml"
    later.write_text((project / "params" / "青石县_2024Q1.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(later, (2_000_000_000, 2_000_000_000))
    path, said = choose(project, ["7", "甲", "2"])
    assert path == project / "params" / "青石县_2024Q1.yaml"
    assert said[1:3] == [f"  1. {Path('params/青石县_2024Q2.yaml')}", f"  2. {Path('params/青石县_2024Q1.yaml')}"]
    assert "“7”不是1到2之间的编号，请重新输入。" in said and "“甲”不是1到2之间的编号，请重新输入。" in said
    assert choose(project, [""])[0] == later  # Enter takes the first (the newest)


def test_without_a_console_to_ask_the_message_says_to_name_the_file(project):
    new_county("青石县", period="2024Q1", folder=project)
    new_county("东岭区", period="2024Q1", folder=project)

    def no_console(prompt):
        raise EOFError

    with pytest.raises(FuchanInputError, match="请在命令中写明.*fuchan lab params"):
        choose_params(project, lambda: EXAMPLE, ask=no_console, say=lambda text: None)


def test_fuchan_lab_without_a_params_file_opens_the_countys_own(project, monkeypatch, capsys):
    import fuchan_lib.run.lab as lab
    from fuchan_lib.run.cli import main

    new_county("青石县", period="2024Q1", folder=project)
    opened = []
    monkeypatch.setattr(lab, "start_lab", lambda path, **options: opened.append(path) or 0)
    monkeypatch.chdir(project)
    assert main(["lab"]) == 0
    assert [p.resolve() for p in opened] == [(project / "params" / "青石县_2024Q1.yaml").resolve()]
    assert "示例县" not in capsys.readouterr().out

"""fuchan new-period: the next params file, edited as text, validated, never overwriting."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from fuchan_lib.run.cli import main
from fuchan_lib.core.exceptions import OutputExistsError, ParamsError
from fuchan_lib.report.narrative import default_template_text
from fuchan_lib.core.params import load_params
from fuchan_lib.core.quarters import Quarter, parse_quarter
from fuchan_lib.run.period import edit_text, new_period, retell_period_words

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "params" / "示例县_2023Q1.yaml"
NARRATIVE = ROOT / "narrative" / "示例县.md"


@pytest.fixture()
def county(tmp_path):
    """A copy of the example layout: params/ and narrative/ side by side."""
    (tmp_path / "params").mkdir()
    (tmp_path / "narrative").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "params" / EXAMPLE.name)
    shutil.copy(NARRATIVE, tmp_path / "narrative" / NARRATIVE.name)
    return tmp_path / "params" / EXAMPLE.name


def changed_lines(old: Path, new: Path) -> list[tuple[str, str]]:
    a = old.read_text(encoding="utf-8").splitlines()
    b = new.read_text(encoding="utf-8").splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


def test_a_new_quarter_moves_the_dates_and_keeps_the_comments(county):
    summary = new_period(county, quarter="2023Q2")
    target = county.with_name("示例县_2023Q2.yaml")
    assert summary.splitlines()[-1] == str(target)
    assert changed_lines(county, target) == [
        ("# 示例县 2023年一季度 复工复产周报参数（示例）。本县第一次使用请运行 fuchan 新县 县名，生成本县自己的参数文件，"
         "不要复制本文件；下一期用 fuchan new-period。",
         "# 示例县 2023年二季度 复工复产周报参数（示例）。本县第一次使用请运行 fuchan 新县 县名，生成本县自己的参数文件，"
         "不要复制本文件；下一期用 fuchan new-period。"),
        ("名录截止日期: 2022-12-31      # 报告中“截至2022年末”",
         "名录截止日期: 2023-03-31      # 报告中“截至2023年3月31日”"),
        ("截止日期: 2023-02-15          # “截至目前”：复工日期不晚于此日的企业算已复工",
         "截止日期: 2023-05-15          # “截至目前”：复工日期不晚于此日的企业算已复工"),
        ("报告日期: 2023-02-16          # 成文日期；用 --as-of 改截止日期时，成文日期与截止日期保持同样间隔；不填则为截止日期次日", "报告日期: 2023-05-16          # 成文日期；用 --as-of 改截止日期时，成文日期与截止日期保持同样间隔；不填则为截止日期次日"),
        ("目标截止: 2023-03-31          # “力争3月底前，完成……”：经济指标中“目标”所指的期末",
         "目标截止: 2023-06-30          # “力争6月底前，完成……”：经济指标中“目标”所指的期末"),
        ("指标期末: 2023-01-31          # 经济指标“本期”所到的日期（1月份数据）",
         "指标期末: 2023-04-30          # 经济指标“本期”所到的日期（4月份数据）"),
        ("叙述模板: ../narrative/示例县.md", "叙述模板: ../narrative/示例县_2023Q2.md"),
    ]
    params = load_params(target)
    assert (params.as_of, params.report_date, params.target_end, params.indicator_period,
            params.directory_date, params.spring_festival) == (
        date(2023, 5, 15), date(2023, 5, 16), date(2023, 6, 30), date(2023, 4, 30),
        date(2023, 3, 31), date(2023, 1, 22),
    )
    copy = county.parent.parent / "narrative" / "示例县_2023Q2.md"
    assert params.narrative_path == copy.resolve()
    # the copy is the narrative with its period words told of the new quarter, nothing else
    assert copy.read_text(encoding="utf-8") == retell_period_words(
        NARRATIVE.read_text(encoding="utf-8"), Quarter(2023, 1), Quarter(2023, 2),
        date(2023, 3, 31), date(2023, 6, 30))[0]
    assert "一季度" not in copy.read_text(encoding="utf-8")
    assert "春节 2023-01-22（同一年的春节不变）" in summary
    assert county.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


def test_q1_of_another_year_takes_that_years_spring_festival(county):
    new_period(county, quarter="2026Q1")
    params = load_params(county.with_name("示例县_2026Q1.yaml"))
    # 春节 2026-02-17 falls after the 15th: the as-of date is a week after it
    assert (params.spring_festival, params.as_of, params.report_date, params.directory_date,
            params.target_end, params.indicator_period) == (
        date(2026, 2, 17), date(2026, 2, 24), date(2026, 2, 25), date(2025, 12, 31),
        date(2026, 3, 31), date(2026, 1, 31),
    )
    assert "截至2025年末" in county.with_name("示例县_2026Q1.yaml").read_text(encoding="utf-8")


def test_a_new_as_of_date_changes_only_the_two_dates(county):
    summary = new_period(county, as_of=date(2023, 2, 22))
    target = county.with_name("示例县_2023Q1_0222.yaml")
    assert summary.splitlines()[-1] == str(target)
    assert changed_lines(county, target) == [
        ("截止日期: 2023-02-15          # “截至目前”：复工日期不晚于此日的企业算已复工",
         "截止日期: 2023-02-22          # “截至目前”：复工日期不晚于此日的企业算已复工"),
        ("报告日期: 2023-02-16          # 成文日期；用 --as-of 改截止日期时，成文日期与截止日期保持同样间隔；不填则为截止日期次日", "报告日期: 2023-02-23          # 成文日期；用 --as-of 改截止日期时，成文日期与截止日期保持同样间隔；不填则为截止日期次日"),
    ]
    assert load_params(target).as_of == date(2023, 2, 22)
    assert sorted(p.name for p in (county.parent.parent / "narrative").iterdir()) == ["示例县.md"]


def test_file_names_follow_the_period(county):
    new_period(county, as_of=date(2023, 2, 22))
    weekly = county.with_name("示例县_2023Q1_0222.yaml")
    assert new_period(weekly, as_of=date(2023, 3, 1)).endswith("示例县_2023Q1_0301.yaml")
    assert new_period(weekly, quarter="2023Q2").endswith("示例县_2023Q2.yaml")


def test_an_as_of_date_in_another_quarter_points_to_quarter(county):
    with pytest.raises(ParamsError, match="不在本期参数的季度（2023Q1）内.*--quarter 2023Q2"):
        new_period(county, as_of=date(2023, 4, 5))


def test_an_invalid_result_is_not_written(county):
    with pytest.raises(ParamsError, match="(?s)未通过校验.*早于春节") as caught:
        new_period(county, as_of=date(2023, 1, 10))
    assert ".tmp" not in str(caught.value)
    assert sorted(p.name for p in county.parent.iterdir()) == [county.name]


@pytest.mark.parametrize("text", ["2023Q5", "2023Q0", "23Q1", "2023-2", "", "二季度"])
def test_a_bad_quarter_is_a_params_error(text):
    with pytest.raises(ParamsError, match="季度.*写法不对"):
        parse_quarter(text)


def test_the_cli_rejects_a_bad_quarter_with_exit_code_2(county, capsys):
    assert main(["new-period", str(county), "--quarter", "2023Q5"]) == 2
    assert "季度“2023Q5”的写法不对" in capsys.readouterr().err


def test_an_existing_params_file_is_never_overwritten(county, capsys):
    assert main(["new-period", str(county), "--as-of", "2023-02-22"]) == 0
    target = county.with_name("示例县_2023Q1_0222.yaml")
    target.write_text("# 我改过的\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["new-period", str(county), "--as-of", "2023-02-22"]) == 2
    err = capsys.readouterr().err
    assert "示例县_2023Q1_0222.yaml" in err and "已存在" in err
    assert target.read_text(encoding="utf-8") == "# 我改过的\n"


def test_an_existing_narrative_is_never_overwritten(county):
    copy = county.parent.parent / "narrative" / "示例县_2023Q2.md"
    copy.write_text("本季度已写好的叙述", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="叙述模板.*示例县_2023Q2.md.*已存在"):
        new_period(county, quarter="2023Q2")
    assert copy.read_text(encoding="utf-8") == "本季度已写好的叙述"
    assert not county.with_name("示例县_2023Q2.yaml").exists()


def test_without_a_narrative_the_default_is_copied_and_referenced(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("叙述模板: ../narrative/示例县.md\n", "")
    (tmp_path / "params").mkdir()
    source = tmp_path / "params" / "本县.yaml"
    source.write_text(text, encoding="utf-8")
    new_period(source, quarter="2023Q3")
    params = load_params(tmp_path / "params" / "本县_2023Q3.yaml")
    assert params.narrative == "../narrative/示例县_2023Q3.md"
    assert params.narrative_path.read_text(encoding="utf-8") == retell_period_words(
        default_template_text(), Quarter(2023, 1), Quarter(2023, 3), date(2023, 3, 31), date(2023, 9, 30))[0]
    assert (params.as_of, params.directory_date) == (date(2023, 8, 15), date(2023, 6, 30))


def test_editing_keeps_quotes_line_endings_and_nested_keys():
    text = '截止日期: "2023-02-15"  # 注\r\n审核说明:\r\n  - 截止日期: x\r\n报告日期: 2023-02-16'
    edited = edit_text(text, {"截止日期": "2023-02-22", "报告日期": "2023-02-23"})
    assert edited == (
        '截止日期: "2023-02-22"  # 注\r\n审核说明:\r\n  - 截止日期: x\r\n报告日期: 2023-02-23'
    )


def test_a_new_quarter_updates_period_words_in_the_narrative_and_flags_the_rest(county):
    """一季度 -> 二季度 and 3月底 -> 6月底 outside placeholders; 开门稳 lines must be rewritten."""
    narrative = county.parent.parent / "narrative" / "示例县.md"
    narrative.write_text("# 基本情况\n确保实现一季度“开门稳”。\n力争3月底前，{经济指标.目标}。\n{指标期间}一季度\n",
                         encoding="utf-8")
    said = new_period(county, quarter="2023Q2")
    copied = (county.parent.parent / "narrative" / "示例县_2023Q2.md").read_text(encoding="utf-8")
    assert copied == "# 基本情况\n确保实现二季度“开门稳”。\n力争6月底前，{经济指标.目标}。\n{指标期间}二季度\n"
    assert "第2行：“一季度”→“二季度”" in said and "第3行：“3月底”→“6月底”" in said
    assert "叙述模板中以下各行须改写：\n  第2行：“开门稳”是一季度的说法" in said
    assert said.splitlines()[-1].endswith("示例县_2023Q2.yaml")


@pytest.mark.parametrize(
    "old, new, target_old, target_new, line, expected",
    [
        (Quarter(2023, 1), Quarter(2023, 2), date(2023, 3, 31), date(2023, 6, 30), "一季度3月底", "二季度6月底"),
        (Quarter(2023, 4), Quarter(2024, 1), date(2023, 12, 31), date(2024, 3, 31), "2023年四季度", "2024年一季度"),
        (Quarter(2023, 1), Quarter(2023, 2), None, None, "{一季度}3月底", "{一季度}3月底"),
    ],
)
def test_period_words_table(old, new, target_old, target_new, line, expected):
    assert retell_period_words(line, old, new, target_old, target_new)[0] == expected


def borrowed(county: Path, narrative: str = "示例县.md") -> Path:
    """青石县's params copied from the example, as its comment once said to: 县名 changed, the
    example's narrative (or a copy of it under `narrative`) still referenced."""
    text = county.read_text(encoding="utf-8").replace("县名: 示例县", "县名: 青石县").replace(
        "../narrative/示例县.md", f"../narrative/{narrative}")
    if narrative != "示例县.md":
        shutil.copy(NARRATIVE, county.parent.parent / "narrative" / narrative)
    target = county.with_name("青石县_2023Q1.yaml")
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("narrative, reason", [
    ("示例县.md", "文件名是示例县的"),
    ("青石县.md", "文中提到示例县"),  # renamed, but the text still names the example's firms
])
def test_another_countys_narrative_is_not_carried_into_the_new_period(county, narrative, reason):
    source = borrowed(county, narrative)
    summary = new_period(source, quarter="2023Q2")
    params = load_params(county.with_name("青石县_2023Q2.yaml"))
    assert params.narrative == "../narrative/青石县_2023Q2.md"
    text = params.narrative_path.read_text(encoding="utf-8")
    assert text == retell_period_words(default_template_text(), Quarter(2023, 1), Quarter(2023, 2),
                                       date(2023, 3, 31), date(2023, 6, 30))[0]
    assert "示例" not in text
    assert reason in summary and "没有沿用" in summary and "青石县自己的叙述模板" in summary
    assert not (county.parent.parent / "narrative" / "示例县_2023Q2.md").exists()


def test_a_countys_own_narrative_is_still_copied_forward(county):
    own = county.parent.parent / "narrative" / "青石县.md"
    source = borrowed(county, "青石县.md")
    own.write_text("# 基本情况\n青石县宏达建材有限公司稳定生产。\n", encoding="utf-8")
    new_period(source, quarter="2023Q2")
    copy = county.parent.parent / "narrative" / "青石县_2023Q2.md"
    assert copy.read_text(encoding="utf-8") == own.read_text(encoding="utf-8")


@pytest.mark.parametrize("text, expected", [
    ("2024Q1", Quarter(2024, 1)), ("2024q3", Quarter(2024, 3)), ("2024年二季度", Quarter(2024, 2)),
    ("2024年第四季度", Quarter(2024, 4)), ("2024年第1季度", Quarter(2024, 1)),
])
def test_a_quarter_is_read_as_statisticians_write_it(text, expected):
    assert parse_quarter(text) == expected

"""The narrative template: headings, placeholders, optional parts, gaps and error messages."""

import pytest

from fuchan_lib.core.exceptions import TemplateError
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.report.gongwen import Heading, Paragraph, Run
from fuchan_lib.report.narrative import count_gaps, default_template_text, render_template


def facts():
    f = FactSet()
    f.count("工业.企业数", 1200, "工业企业数")
    f.percent("工业.复工率", 81.25, "复工率", 1)
    f.growth("零售业销售额.增速", -3.24, "同比", 1)
    f.text("周比.工业.复工率变化", None, "较上周")
    f.percent("规上服务业.复工率", None, "无分母", 1)
    return f


def test_headings_levels_and_run_in_body():
    blocks = render_template("# 基本情况\n## 工业情况。全县{工业.企业数}户。\n## 服务业情况\n### 小项。正文", facts())
    assert blocks[0] == Heading(1, "基本情况")
    assert blocks[1] == Heading(2, "工业情况。", (Run("全县1200户。"),))
    assert blocks[2] == Heading(2, "服务业情况")
    assert blocks[3] == Heading(3, "小项。", (Run("正文"),))


def test_figures_use_the_wording_rules():
    (para,) = render_template("复工率达{工业.复工率}，零售业销售额同比{零售业销售额.增速}。", facts())
    assert para == Paragraph((Run("复工率达81.3%，零售业销售额同比下降3.2%。"),))


def test_missing_value_is_a_highlighted_gap_never_nan():
    (para,) = render_template("规上服务业复工营业率{规上服务业.复工率}。", facts())
    assert para.runs == (Run("规上服务业复工营业率"), Run("【待补充】", missing=True), Run("。"))
    assert count_gaps([para]) == 1


def test_optional_part_is_dropped_without_a_value_and_kept_with_one():
    text = "复工率{工业.复工率}[[，较上周{周比.工业.复工率变化}]]；[[共{工业.企业数}户]]。"
    (para,) = render_template(text, facts())
    assert "".join(r.text for r in para.runs) == "复工率81.3%；共1200户。"


def test_literal_gap_marker_and_braces():
    (para,) = render_template("协调【待补充】银行，{{不是数字}}", facts())
    assert para.runs == (Run("协调"), Run("【待补充】", missing=True), Run("银行，{不是数字}"))


def test_unknown_placeholder_names_line_and_close_names():
    with pytest.raises(TemplateError, match=r"(?s)第3行.*“\{工业.复工律\}”.*是不是想写：「\{工业.复工率\}」.*facts.json"):
        render_template("# 一\n<!-- 注释 -->\n复工率{工业.复工律}", facts(), "本县.md")


def test_unknown_placeholder_inside_optional_part_is_also_an_error():
    with pytest.raises(TemplateError, match="第1行"):
        render_template("[[较上周{周比.工业.复工率变}]]", facts())


def test_too_deep_heading_is_refused():
    with pytest.raises(TemplateError, match="标题最多四级"):
        render_template("##### 太深", facts())


def test_comments_and_blank_lines_are_skipped():
    blocks = render_template("<!-- 多行\n注释 -->\n\n正文\n", facts())
    assert blocks == [Paragraph((Run("正文"),))]


def test_default_template_follows_the_seed_sections():
    text = default_template_text()
    headings = [line for line in text.splitlines() if line.startswith("# ")]
    assert headings == ["# 基本情况", "# 工作措施", "# 存在的问题", "# 下步工作打算"]
    assert "*" not in text


@pytest.mark.parametrize(
    "template, line, problem",
    [
        ("第一行\n复工率｛工业.复工率｝。", 2, "全角大括号“｛｝”"),
        ("复工率{工业.复工率。", 1, "有“{”却没有对应的“}”"),
        ("复工率工业.复工率}。", 1, "有“}”却没有对应的“{”"),
        ("# 标题\n\n[[较上周{周比.工业.复工率变化}。", 3, "有“[[”却没有对应的“]]”"),
        ("较上周{周比.工业.复工率变化}]]。", 1, "有“]]”却没有对应的“[["),
        ("[[较上周[[{周比.工业.复工率变化}]]]]", 1, "可选部分 [[…]] 里面又有“[[”"),
        ("复工率{工业.{工业.企业数}复工率}。", 1, "写在另一个 {名称} 里面"),
        ("<!-- 注释 -->\n复工率［［{工业.复工率}］］", 2, "全角方括号“［］”"),
    ],
)
def test_each_template_typo_is_an_error_naming_its_line(template, line, problem):
    with pytest.raises(TemplateError) as caught:
        render_template(template, facts(), "测试模板")
    message = str(caught.value)
    assert f"第{line}行：" in message and problem in message and "测试模板" in message


def test_every_typo_is_reported_at_once():
    with pytest.raises(TemplateError, match="有2处格式错误") as caught:
        render_template("甲｛工业.复工率｝\n乙{工业.复工率", facts())
    assert "第1行" in str(caught.value) and "第2行" in str(caught.value)


def test_escaped_braces_and_single_brackets_are_not_typos():
    (para,) = render_template("{{原文}} [注] {工业.企业数}户", facts())
    assert "".join(r.text for r in para.runs) == "{原文} [注] 1200户"


@pytest.mark.slow  # `fuchan run` starts its kernel before reading the template
def test_typo_stops_the_cli_with_exit_2_before_any_notebook(tmp_path, capsys):
    """`fuchan run` refuses a broken template before papermill starts (exit 2, line named)."""
    import shutil
    from pathlib import Path

    from fuchan_lib.run import cli

    root = Path(__file__).resolve().parents[1]
    params = (root / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
    (tmp_path / "params").mkdir()
    shutil.copytree(root / "data" / "example", tmp_path / "data" / "example")
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "示例县.md").write_text("# 基本情况\n复工率｛工业.复工率｝。\n", encoding="utf-8")
    (tmp_path / "params" / "p.yaml").write_text(params, encoding="utf-8")
    code = cli.main(["run", str(tmp_path / "params" / "p.yaml")])
    out = capsys.readouterr()
    assert code == 2
    assert "第2行：全角大括号“｛｝”" in out.out + out.err
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").glob("示例县_*"))


def test_a_misspelt_placeholder_lists_the_closest_few_names_first():
    many = facts()
    for town in range(60):
        for what in ("企业数", "已复工", "复工率"):
            many.count(f"工业.乡镇{town}.{what}", 1, what)
    many.count("工业.规上.企业数", 123, "规上企业数")
    many.count("工业.规下.企业数", 1077, "规下企业数")
    with pytest.raises(TemplateError) as err:
        render_template("规上{工业.规上企业数}户", many, "本县.md")
    message = str(err.value)
    suggested = message.split("是不是想写：")[1].split("？")[0]
    assert suggested.startswith("「{工业.规上.企业数}」") and suggested.count("「") <= 5
    assert "乡镇59" not in message


def test_an_unknown_section_lists_the_sections():
    with pytest.raises(TemplateError, match="名称都以这些开头：「工业.」「零售业销售额.」「周比.」「规上服务业.」"):
        render_template("{农业.产值}", facts())


def test_a_template_over_one_megabyte_is_refused_unread(tmp_path):
    from fuchan_lib.report.narrative import read_template

    path = tmp_path / "大.md"
    path.write_text("全县{工业.企业数}户。\n" * 45_000, encoding="utf-8")
    with pytest.raises(TemplateError, match="叙述模板“大.md”有1.4 MB，太大（最多 1 MB）"):
        read_template(path)


def test_a_long_line_is_copied_into_runs_a_bounded_number_of_times(monkeypatch):
    """Neighbouring runs are joined in one pass. Joining them pairwise copied the growing text
    at every step (n²/2 characters: 0.8 MB of template took 7 s); here the characters put into
    runs stay within three times the rendered line. The time itself is measured in
    benchmarks/run.py (measure 6, narrative), not here."""
    from fuchan_lib.report import narrative

    copied = []

    def counted(text, missing=False):
        copied.append(len(text))
        return Run(text, missing)

    monkeypatch.setattr(narrative, "Run", counted)
    (para,) = render_template("a{{b{工业.企业数}" * 2000, facts())
    assert para.runs == (Run("a{b1200" * 2000),)
    assert sum(copied) <= 3 * len("a{b1200" * 2000)  # pairwise: 56 million

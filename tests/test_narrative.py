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
    with pytest.raises(TemplateError, match=r"(?s)第3行.*“\{工业.复工律\}”.*是不是想写：\{工业.复工率\}.*可用的名称有：工业.企业数"):
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

"""Which 附件 go into the .docx: the params 报告附件 choice (short by default)."""

from __future__ import annotations

import pandas as pd
import pytest

from fuchan_lib.core.params import ATTACHMENT_CHOICES, DEFAULT_ATTACHMENTS
from fuchan_lib.report import document, gongwen
from fuchan_lib.core import run_folder
from fuchan_lib.stats.build import Built, Part
from fuchan_lib.stats.facts import FactSet


class Attached:
    """The build result and run folder `attachments` reads: 附表 frames (rates in percent)."""

    def __init__(self, folder):
        rates = pd.DataFrame({"类别": ["规上工业"], "企业总数": [3], "复工率": [66.7]})
        groups = ["规上工业", "规下工业", "限上批零住餐", "大个体", "规上服务业", "规下工业"]
        not_resumed = pd.DataFrame({
            "企业名称": [f"企业{i}" for i in range(len(groups))], "乡镇（园区）": "城关镇",
            "规模或类别": groups, "行业": "工业", "未复工原因": "用工不足"})
        tables = {name: {"表": rates} for name in (run_folder.TABLE_CATEGORY, run_folder.TABLE_TRADE, run_folder.TABLE_TOWN)}
        tables[run_folder.TABLE_NOT_RESUMED] = {"未复工企业": not_resumed}
        parts = [Part(str(i), FactSet()) for i in range(4)]
        self.built = Built(*parts, Part("附件", FactSet(), tables))
        self.folder = run_folder.RunFolder(folder)


@pytest.fixture
def run_dir(tmp_path):
    return Attached(tmp_path)


def attachments(run, choices):
    from fuchan_lib.report.document import attachments as attach

    return attach(run.built, run.folder, choices)


def titles(result):
    return [(a.number, a.title) for a in result]


def test_by_default_the_key_firms_are_attached_and_the_full_list_is_not(run_dir):
    result = attachments(run_dir, DEFAULT_ATTACHMENTS)
    assert titles(result) == [(1, "服务业分行业复工营业情况表"), (2, "各乡镇（园区）复工复产情况表"),
                              (3, "规上限上未复工企业名单")]
    note, table = result[2].blocks
    assert note.runs[0].text == ("规模以上工业、限额以上批零住餐和规模以上服务业未复工企业3户"
                                 "（全部6户未复工企业见附表《未复工企业清单》）。")
    assert [row[2] for row in table.rows] == ["规上工业", "限上批零住餐", "规上服务业"]


def test_every_choice_in_fixed_order_whatever_order_the_params_list(run_dir):
    result = attachments(run_dir, tuple(reversed(ATTACHMENT_CHOICES)))
    # no 复工变化 without a previous run, no 图表 without figures
    assert [t for _, t in titles(result)] == [
        "各类企业复工复产情况表", "服务业分行业复工营业情况表", "各乡镇（园区）复工复产情况表",
        "规上限上未复工企业名单", "未复工企业清单"]
    full = result[4].blocks[0]
    assert isinstance(full, gongwen.Table) and len(full.rows) == 6
    assert [r[2] for r in result[0].blocks[0].rows] == ["66.7%"]


def test_no_attachments_at_all(run_dir):
    assert attachments(run_dir, ()) == []


@pytest.mark.parametrize(
    "key, everyone, note",
    [
        (11, 154, "规模以上工业、限额以上批零住餐和规模以上服务业未复工企业11户（全部154户未复工企业见附表《未复工企业清单》）。"),
        # none of the key firms waiting: said in words, not "未复工企业0户"
        (0, 36, "节后需复工的规模以上工业、限额以上批零住餐和规模以上服务业企业均已复工（其余36户未复工企业见附表《未复工企业清单》）。"),
        (0, 0, "节后需复工的企业均已复工。"),
    ],
)
def test_key_not_resumed_note_never_lists_0户(key, everyone, note):
    assert document.key_not_resumed_note(key, everyone) == note

"""人员到岗率90%以上的企业: counted by hand on a small ledger, and its params threshold."""

from pathlib import Path

import pandas as pd
import pytest

import small_counties
from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.params import load_params
from fuchan_lib.ingest.inputs import with_states
from fuchan_lib.stats.facts import industry_facts

ROOT = Path(__file__).resolve().parent.parent
PARAMS = load_params(ROOT / "params" / "示例县_2023Q1.yaml")
RESUMED, WAITING = "2023-02-01", None

# (name, status, 复工日期, 从业人员, 已返岗人数)
FIRMS = [
    ("甲", "停产放假", RESUMED, 10, 9),  # 90.0%: at the threshold, counts
    ("乙", "停产放假", RESUMED, 10, 8),  # 80.0%
    ("丙", "停产放假", RESUMED, 3, 3),  # 100.0%
    ("丁", "停产放假", RESUMED, None, 5),  # does not report 从业人员: outside the base
    ("戊", "停产放假", RESUMED, 0, 0),  # no staff: no rate, outside the base
    ("己", "停产放假", WAITING, 10, 10),  # not resumed
    ("庚", "正常生产", None, 10, 10),  # open through the festival: not a resumed firm
]


def ledger():
    frame = small_counties.industry([(n, None, "城关镇", "规上", s, d, None) for n, s, d, _st, _b in FIRMS])
    frame["从业人员"] = pd.array([f[3] for f in FIRMS], dtype="Int64")
    frame["已返岗人数"] = pd.array([f[4] for f in FIRMS], dtype="Int64")
    return with_states(frame)


@pytest.mark.parametrize(
    "threshold, reaching, share",
    [
        (90.0, 2, "66.7%"),  # 甲 and 丙 of 甲乙丙: 2/3
        (80.0, 3, "100.0%"),  # 乙 at 80.0% counts too
        (95.0, 1, "33.3%"),  # only 丙
    ],
)
def test_firms_at_work_are_counted_among_resumed_firms_reporting_both(threshold, reaching, share):
    params = PARAMS.model_copy(update={"at_work_threshold": threshold})
    facts = industry_facts(ledger(), params)
    assert facts["工业.填报人数的已复工企业数"].value == 3
    assert facts["工业.到岗率达标企业数"].value == reaching
    assert facts["工业.到岗率达标占比"].text == share
    # 5 resumed, 3 report both: the sentence says its base
    assert facts["工业.到岗率口径"].text == "（按填报了从业人员和已返岗人数的3户已复工企业计算）"


@pytest.mark.parametrize("written, value", [("90", 90.0), ("85.5%", 85.5), ("80％", 80.0)])
def test_threshold_is_read_as_a_percent(tmp_path, written, value):
    text = (ROOT / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("到岗率门槛: 90 ", f"到岗率门槛: {written} "), encoding="utf-8")
    assert load_params(path).at_work_threshold == value


def test_a_threshold_over_100_is_refused_with_its_line(tmp_path):
    text = (ROOT / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("到岗率门槛: 90 ", "到岗率门槛: 120 "), encoding="utf-8")
    with pytest.raises(ParamsError, match="到岗率门槛.*120.*应为大于0、不超过100的百分数"):
        load_params(path)

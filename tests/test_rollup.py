"""City roll-up on three tiny counties with hand-counted answers: rates from summed counts,
a firm in two counties counted once, counties cut at their own as-of dates, refusals."""

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.stats import rollup
from fuchan_lib.stats.facts import FactSet
from small_counties import industry, service

FESTIVAL, AS_OF = date(2023, 1, 22), date(2023, 2, 15)
NO_SERVICE = service([])

# 甲县: industry 2 needing, both resumed (100%); one running; services 1 needing, resumed
JIA = rollup.CountyLedgers(
    "甲县",
    industry([
        ("甲一", "X1", "城关镇", "规上", "停产放假", "2023-02-01", None),
        ("甲二", "X2", "城关镇", "规下", "停产放假", "2023-02-10", None),
        ("甲三", "X3", "东乡", "规下", "正常生产", None, None),
    ]),
    service([("甲店", "Y1", "城关镇", "大个体", "零售业", "停业放假", "2023-02-05", None)]),
    AS_OF, FESTIVAL, "需复工", date(2022, 12, 31))
# 乙县: 8 needing, 4 resumed (50%); 乙五 resumes after the as-of date; 乙九 is 甲一 again
YI = rollup.CountyLedgers(
    "乙县",
    industry(
        [(f"乙{i}", f"Z{i}", "北镇", "规下", "停产放假", "2023-02-0" + str(i + 1), None) for i in range(1, 5)]
        + [("乙五", "Z5", "北镇", "规下", "停产放假", "2023-02-20", "订单不足")]
        + [(f"乙{i}", f"Z{i}", "北镇", "规下", "停产放假", None, "用工不足") for i in range(6, 9)]
        + [("甲一（迁入）", "X1", "北镇", "规上", "停产放假", None, "搬迁")]),
    NO_SERVICE, AS_OF, FESTIVAL, "需复工", date(2022, 12, 31))
BING = replace(JIA, name="丙县", rate_basis="含正常生产")
BASIS = rollup.CityBasis(AS_OF, FESTIVAL, "需复工", 1, date(2022, 12, 31))


def city_of(*counties):
    return rollup.combine(list(counties))


def test_a_firm_in_two_counties_is_counted_once_in_the_first_listed():
    city = city_of(JIA, YI)
    assert len(city.industry) == 3 + 8  # 乙县's copy of 甲一 dropped
    assert city.duplicates.values.tolist() == [["X1", "甲一（迁入）", "甲县", "乙县"]]
    (warning,) = rollup.duplicate_warnings(city.duplicates)
    assert "X1（甲一（迁入））同时出现在甲县和乙县的台账中，只计入列在前面的甲县" in warning


def test_the_first_listed_county_keeps_the_firm_whichever_order():
    city = city_of(YI, JIA)
    assert city.duplicates.values.tolist() == [["X1", "甲一", "乙县", "甲县"]]
    assert "甲一" not in set(city.industry["企业名称"])


def test_city_rate_is_summed_counts_not_the_average_of_county_rates():
    facts = rollup.city_facts(city_of(JIA, YI), [JIA, YI], BASIS)
    # industry: (2 + 4) / (2 + 8) = 60%; the average of 100% and 50% would be 75%
    assert facts["工业.需复工"].value == 10 and facts["工业.已复工"].value == 6
    assert facts["工业.复工率"].value == 60.0 and facts["工业.复工率"].text == "60.0%"
    # both ledgers: 7 / 11 = 63.63…% -> 63.6%
    assert facts["合计.复工率"].text == "63.6%"
    assert facts["最高县"].text == "甲县" and facts["最低县"].text == "乙县"
    assert facts["各县复工率"].text == "甲县100.0%，乙县50.0%"
    assert facts["截止日期说明"].text is None


def _county(name, needing, resumed):
    """A county of `needing` industrial firms on holiday, `resumed` of them back by 2月10日."""
    rows = [(f"{name}{i}", f"{name}{i}", "城关镇", "规下", "停产放假", "2023-02-10" if i < resumed else None, None)
            for i in range(needing)]
    return rollup.CountyLedgers(name, industry(rows), NO_SERVICE, AS_OF, FESTIVAL, "需复工", date(2022, 12, 31))


@pytest.mark.parametrize(
    "shape, highest, lowest",
    [
        ({"甲县": (4, 4), "乙县": (2, 2)}, None, None),  # all at 100%: no county is slower
        ({"甲县": (4, 3)}, None, None),  # one county: nothing to compare
        ({"甲县": (4, 4), "乙县": (4, 2), "丙县": (2, 1)}, "甲县", "乙县、丙县"),  # 50.0% twice: both named
        ({"甲县": (3, 2), "乙县": (1000, 667), "丙县": (2, 1)}, "甲县、乙县", "丙县"),  # 66.7% as printed
    ],
)
def test_highest_and_lowest_county_name_every_tie_and_none_without_a_spread(shape, highest, lowest):
    counties = [_county(n, *c) for n, c in shape.items()]
    facts = rollup.city_facts(city_of(*counties), counties, BASIS)
    assert facts["最高县"].text == highest and facts["最低县"].text == lowest
    assert (facts["最低县.复工率"].text is None) == (lowest is None)


def test_county_table_counts_ranks_and_city_row():
    counts = rollup.county_counts(city_of(JIA, YI), ["甲县", "乙县"], BASIS.as_of)
    table = rollup.county_table(counts, BASIS, {"甲县": 90.04, "乙县": 50.0})
    rows = table.set_index(schema.COUNTY)
    assert rows.loc["甲县", ["节后需复工", "已复工", "排名"]].tolist() == [3, 3, 1]
    assert rows.loc["乙县", ["节后需复工", "已复工", "排名"]].tolist() == [8, 4, 2]
    assert rows.loc["全市", ["节后需复工", "已复工"]].tolist() == [11, 7]
    assert rows.loc["全市", "复工率"] == pytest.approx(700 / 11)
    assert rows.loc["乙县", "工业复工率"] == 50.0 and pd.isna(rows.loc["乙县", "服务业复工率"])
    # change from the rounded rates: 100.0 − 90.0 = 10.0; 50.0 − 50.0 = 0
    assert rows.loc["甲县", "较上次（百分点）"] == 10.0 and rows.loc["乙县", "较上次（百分点）"] == 0.0


def test_ties_share_a_rank():
    twin = replace(JIA, name="双县", industry=JIA.industry.assign(统一社会信用代码=["W1", "W2", "W3"]),
                   service=NO_SERVICE)
    table = rollup.county_table(rollup.county_counts(city_of(JIA, twin), ["甲县", "双县"], BASIS.as_of), BASIS)
    assert table["排名"].tolist()[:2] == [1, 1]


def test_each_county_is_cut_at_its_own_as_of_date():
    early = replace(YI, as_of=date(2023, 2, 4))  # 乙1–乙3 (2月2–4日) resumed, 乙4 (2月5日) not yet
    city = city_of(JIA, early)
    facts = rollup.city_facts(city, [JIA, early], BASIS)
    assert facts["工业.已复工"].value == 2 + 3
    assert facts["截止日期说明"].text == "各县数据截至日期不同：乙县截至2023年2月4日，甲县截至2023年2月15日"


def test_consistent_counties_pass():
    assert rollup.check_consistency([JIA, YI], "需复工", AS_OF, False) == []


def test_another_rate_basis_is_refused_naming_the_county():
    (problem,) = rollup.check_consistency([JIA, YI, BING], "需复工", AS_OF, False)
    assert "复工率口径与市参数文件的“需复工”不同：丙县为“含正常生产”" in problem


def test_another_spring_festival_is_refused_naming_the_counties():
    other = replace(YI, spring_festival=date(2024, 2, 10))
    (problem,) = rollup.check_consistency([JIA, other], "需复工", AS_OF, False)
    assert "各县的春节日期不同（甲县为2023年1月22日；乙县为2024年2月10日）" in problem


def test_different_as_of_dates_are_refused_unless_allowed():
    early = replace(YI, as_of=date(2023, 2, 14))
    (problem,) = rollup.check_consistency([JIA, early], "需复工", AS_OF, False)
    assert "甲县截至2023年2月15日；乙县截至2023年2月14日" in problem and "允许截止日期不同: 是" in problem
    assert rollup.check_consistency([JIA, early], "需复工", AS_OF, True) == []


def test_changes_since_the_previous_city_run_come_from_its_facts():
    previous = rollup.city_facts(city_of(JIA, YI), [JIA, YI], BASIS)
    stamp = FactSet()
    stamp.date("截止日期", date(2023, 2, 8), "上次汇总的截止日期")
    previous = stamp.merge(previous)
    later = replace(YI, industry=YI.industry.assign(复工日期=YI.industry["复工日期"].fillna(pd.Timestamp("2023-02-12"))))
    facts = rollup.city_facts(city_of(JIA, later), [JIA, later], BASIS, previous)
    # 乙县: 50.0% -> 7/8 = 87.5% (乙五 still after the as-of date); 甲县 unchanged
    assert facts["各县.乙县.复工率变化"].text == "提高37.5个百分点"
    assert facts["各县.甲县.复工率变化"].text == "持平"
    assert facts["较上次.工业.复工率变化"].text == "提高30.0个百分点"  # 60.0% -> 9/10 = 90.0%
    assert facts["较上次.说法"].text == "较上周"  # 2月8日 -> 2月15日


def test_without_a_previous_city_run_no_change_is_stated():
    facts = rollup.city_facts(city_of(JIA, YI), [JIA, YI], BASIS)
    assert facts["较上次.说法"].text is None and facts["各县.甲县.复工率变化"].text is None


@pytest.mark.parametrize("directory, opening", [
    (date(2022, 12, 31), "截至2022年末，全市共有工业企业11户"),
    (None, "全市共有工业企业11户"),  # counties' 名录截止日期 differ: no date, and no 【待补充】
])
def test_city_text_names_the_directory_date_only_when_the_counties_share_it(directory, opening):
    from types import SimpleNamespace
    from fuchan_lib.report.narrative import CITY_DEFAULT, default_template_text, render_template

    basis = replace(BASIS, directory_date=directory)
    params = SimpleNamespace(city="测试市", organisation="测试市工信局", addressee="市人大常委会",
                             as_of=AS_OF, report_date=date(2023, 2, 16))
    facts = rollup.city_general_facts(params, basis).merge(
        rollup.city_facts(city_of(JIA, YI), [JIA, YI], basis))
    blocks = render_template(default_template_text(CITY_DEFAULT), facts)
    industry = next(b for b in blocks if getattr(b, "text", "").startswith("工业复工复产情况"))
    body = "".join(r.text for r in industry.body)
    assert body.startswith(opening) and "【待补充】" not in body

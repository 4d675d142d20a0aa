"""The city roll-up (DESIGN §8): many counties' enterprises -> the city's figures.

Every city figure is counted from enterprise rows put together, never averaged from county
rates. Before counting, each county's resumption dates after its own as-of date are dropped
(a county says nothing about later days), and an enterprise (统一社会信用代码) found in two
counties is kept only in the first county listed. Consistency between counties (same 春节, same
口径, same as-of date unless allowed) is checked here and refused with one message naming them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import FuchanInputError
from fuchan_lib.core.params import DEFAULT_AT_WORK_THRESHOLD
from fuchan_lib.core.wording import (
    format_date, format_percent, interval_words, points_phrase, round_half_up,
)
from fuchan_lib.stats.facts import (
    FactSet, basis_note, directory_date_text, industry_facts, service_facts,
)
from fuchan_lib.stats.groupings import Groupings, count_groupings
from fuchan_lib.stats.lists import county_towns
from fuchan_lib.stats.rates import Resumption, count_by



class RollupError(FuchanInputError):
    """Raised when the counties of a city roll-up cannot be added up (their names are given)."""


@dataclass(frozen=True)
class CountyLedgers:
    """One county as the roll-up sees it: its ledgers and the settings they were counted under."""

    name: str
    industry: pd.DataFrame
    service: pd.DataFrame
    as_of: date
    spring_festival: date
    rate_basis: str
    directory_date: date | None = None
    towns: tuple[str, ...] = ()  # the county's params 乡镇 (its own order), if it lists them


@dataclass(frozen=True)
class CityBasis:
    """The city's counting basis (a `groupings.CountingBasis`, as a county's Params is): what
    the shared counting functions read, for the city as a whole."""

    as_of: date  # the latest county as-of date (each county was cut at its own)
    spring_festival: date
    rate_basis: str
    digits: int
    directory_date: date | None
    towns: tuple[str, ...] = ()  # every county's townships, named with the county, city order
    at_work_threshold: float = DEFAULT_AT_WORK_THRESHOLD  # "人员到岗率90%以上" (the county default)


def _names(counties) -> str:
    return "、".join(c.name for c in counties)


def _by_value(counties, value) -> dict:
    groups: dict = {}
    for county in counties:
        groups.setdefault(value(county), []).append(county)
    return groups


def check_consistency(counties: list[CountyLedgers], rate_basis: str, as_of: date,
                      allow_different_as_of: bool) -> list[str]:
    """Every reason the counties cannot be added up, each naming the counties; [] when fine."""
    problems = []
    festivals = _by_value(counties, lambda c: c.spring_festival)
    if len(festivals) > 1:
        parts = "；".join(f"{_names(cs)}为{format_date(day)}" for day, cs in festivals.items())
        problems.append(f"各县的春节日期不同（{parts}），不能汇总。请核对各县参数文件中的“春节”")
    other_basis = [c for c in counties if c.rate_basis != rate_basis]
    if other_basis:
        parts = "；".join(f"{c.name}为“{c.rate_basis}”" for c in other_basis)
        problems.append(f"复工率口径与市参数文件的“{rate_basis}”不同：{parts}。"
                        "请统一口径后重新运行这些县，或修改市参数文件的“复工率口径”")
    dates = _by_value(counties, lambda c: c.as_of)
    if not allow_different_as_of and (len(dates) > 1 or as_of not in dates):
        parts = "；".join(f"{_names(cs)}截至{format_date(day)}" for day, cs in dates.items())
        problems.append(f"各县数据的截止日期与市参数文件的{format_date(as_of)}不一致（{parts}）。"
                        "请用同一截止日期的运行，或在市参数文件中写“允许截止日期不同: 是”")
    return problems


def as_of_note(counties: list[CountyLedgers]) -> str | None:
    """"各县数据截至日期不同：…" when they differ (allowed by params), else None."""
    dates = _by_value(counties, lambda c: c.as_of)
    if len(dates) < 2:
        return None
    parts = "，".join(f"{_names(cs)}截至{format_date(day)}" for day, cs in sorted(dates.items()))
    return f"各县数据截至日期不同：{parts}"


def _censored(ledger: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The ledger with resumption dates after `as_of` blanked: not known at that county's date."""
    dates = ledger[schema.RESUMED_ON]
    late = (dates > pd.Timestamp(as_of)).to_numpy(dtype=bool)
    if not late.any():
        return ledger
    return ledger.assign(**{schema.RESUMED_ON: dates.mask(late)})


def _stack(counties: list[CountyLedgers], kind: str) -> pd.DataFrame:
    order = [c.name for c in counties]
    parts = []
    for county in counties:
        ledger = _censored(county.industry if kind == schema.INDUSTRY else county.service,
                           county.as_of)
        columns = [c.name for c in schema.COLUMNS_BY_KIND[kind]]
        part = ledger[columns].copy()
        part[schema.TOWN] = county.name + part[schema.TOWN].astype(object)  # 城关镇 is in many
        part.insert(0, schema.COUNTY, county.name)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame[schema.COUNTY] = pd.Categorical(frame[schema.COUNTY], categories=order)
    for column in schema.COLUMNS_BY_KIND[kind]:
        if column.kind == "choice":  # concat of categoricals with the same categories stays so
            frame[column.name] = pd.Categorical(frame[column.name], categories=list(column.choices))
    frame[schema.TOWN] = pd.Categorical(frame[schema.TOWN])
    return frame


@dataclass(frozen=True)
class CityLedgers:
    """All counties' enterprises, each counted once, with the county (city order) as a column."""

    industry: pd.DataFrame
    service: pd.DataFrame
    duplicates: pd.DataFrame  # 统一社会信用代码, 企业名称, 计入, 又见于


def combine(counties: list[CountyLedgers]) -> CityLedgers:
    """Stack the counties; an enterprise whose credit code an earlier county already has is
    dropped (and listed in `duplicates`), so it is counted once, in the first county listed."""
    industry, service = _stack(counties, schema.INDUSTRY), _stack(counties, schema.SERVICE)
    both = pd.concat([
        pd.DataFrame({"code": df[schema.CREDIT_CODE], "county": df[schema.COUNTY].cat.codes,
                      "name": df[schema.NAME], "ledger": i, "row": np.arange(len(df))})
        for i, df in enumerate((industry, service))
    ], ignore_index=True)
    both = both[both["code"].notna()]
    first = both.groupby("code", sort=False)["county"].transform("min")
    later = both[both["county"] > first]
    names = [c.name for c in counties]
    firsts = both[both["county"] == first].drop_duplicates("code").set_index("code")
    duplicates = pd.DataFrame({
        schema.CREDIT_CODE: later["code"].to_numpy(),
        schema.NAME: later["name"].to_numpy(),
        "计入": [names[i] for i in firsts.loc[later["code"], "county"]],
        "又见于": [names[i] for i in later["county"]],
    })
    keep = []
    for i, df in enumerate((industry, service)):
        mask = np.ones(len(df), dtype=bool)
        mask[later.loc[later["ledger"] == i, "row"].to_numpy()] = False
        keep.append(df[mask].reset_index(drop=True))
    return CityLedgers(keep[0], keep[1], duplicates)


def duplicate_warnings(duplicates: pd.DataFrame) -> list[str]:
    """One audit warning per enterprise found in two counties, naming both."""
    return [
        f"统一社会信用代码 {row[schema.CREDIT_CODE]}（{row[schema.NAME]}）同时出现在"
        f"{row['计入']}和{row['又见于']}的台账中，只计入列在前面的{row['计入']}。请两县核实该企业归属"
        for _, row in duplicates.iterrows()
    ]


def city_basis(counties: list[CountyLedgers], rate_basis: str, digits: int) -> CityBasis:
    directories = {c.directory_date for c in counties}
    towns = tuple(c.name + t for c in counties
                  for t in county_towns(c.industry, c.service, listed=c.towns))
    return CityBasis(
        as_of=max(c.as_of for c in counties), spring_festival=counties[0].spring_festival,
        rate_basis=rate_basis, digits=digits,
        directory_date=directories.pop() if len(directories) == 1 else None, towns=towns,
    )


def county_counts(city: CityLedgers, names: list[str], as_of: date) -> dict[str, tuple[Resumption, Resumption]]:
    """Each county's (industry, services) counts, in the city's order: counted once per run."""
    empty = Resumption.none()
    industry = count_by(city.industry, schema.COUNTY, as_of)
    service = count_by(city.service, schema.COUNTY, as_of)
    return {n: (industry.get(n, empty), service.get(n, empty)) for n in names}


def county_table(counts: dict[str, tuple[Resumption, Resumption]], basis: CityBasis,
                 previous_rates: dict[str, float] | None = None) -> pd.DataFrame:
    """Per county (`counts`: county_counts, city order): counts and 复工率 of industry, services
    and both; rank by the combined rate (1 = highest, ties share a rank); change in 百分点 since
    the previous city run, taken from the two rounded rates. Last row: 全市, from the summed counts."""
    names = list(counts)
    digits, rate_basis = basis.digits, basis.rate_basis

    def rate(counts_: Resumption) -> float:
        value = counts_.rate(rate_basis)
        return np.nan if value is None else float(value)

    def rounded(value) -> float:
        return np.nan if value is None or pd.isna(value) else float(round_half_up(value, digits))

    rows = []
    for name in names + ["全市"]:
        if name == "全市":
            industry = Resumption.total_of(c[0] for c in counts.values())
            service = Resumption.total_of(c[1] for c in counts.values())
        else:
            industry, service = counts[name]
        both = industry + service
        before = (previous_rates or {}).get(name)
        rows.append({
            schema.COUNTY: name,
            "企业总数": both.total, "节后需复工": both.needing, "已复工": both.resumed,
            "复工率": rate(both),
            "工业需复工": industry.needing, "工业已复工": industry.resumed, "工业复工率": rate(industry),
            "服务业需复工": service.needing, "服务业已复工": service.resumed,
            "服务业复工率": rate(service),
            "较上次（百分点）": (np.nan if before is None or pd.isna(rate(both))
                          else rounded(rounded(rate(both)) - rounded(before))),
        })
    table = pd.DataFrame(rows)
    ranks = table["复工率"].iloc[:-1].rank(ascending=False, method="min")
    table.insert(5, "排名", list(ranks.astype("Int64")) + [pd.NA])
    return table


def previous_county_rates(previous: FactSet | None, names: list[str]) -> dict[str, float]:
    """Each county's combined 复工率 in the previous city run's facts (those it had)."""
    if previous is None:
        return {}
    keys = {n: f"各县.{n}.复工率" for n in names}
    return {n: previous[k].value for n, k in keys.items() if k in previous and previous[k].value is not None}


CHANGE_GROUPS = ("工业", "限上和大个体", "规上服务业", "合计")


def city_facts(city: CityLedgers, counties: list[CountyLedgers], basis: CityBasis,
               previous: FactSet | None = None, groupings: Groupings | None = None,
               counts: dict[str, tuple[Resumption, Resumption]] | None = None) -> FactSet:
    """The city's figures: the county report's facts over all enterprises, the counties' rates
    (list, highest, lowest), changes since the previous city run, and the as-of note.
    `groupings`, `counts`: the city's groupings and county_counts when the build step counted
    them already (each is counted once per run)."""
    names = [c.name for c in counties]
    groupings = count_groupings(city.industry, city.service, basis.as_of) if groupings is None else groupings
    counts = county_counts(city, names, basis.as_of) if counts is None else counts
    facts = industry_facts(city.industry, basis, groupings.industry).merge(
        service_facts(city.service, basis, groupings.service))
    digits = basis.digits
    total = Resumption.total_of(i + s for i, s in counts.values())
    facts.count("合计.企业数", total.total, "工业和服务业企业总数")
    facts.count("合计.需复工", total.needing, "工业和服务业节后需复工户数")
    facts.count("合计.已复工", total.resumed, "工业和服务业已复工户数")
    facts.percent("合计.复工率", total.rate(basis.rate_basis), "工业和服务业合计复工率", digits)
    facts.count("县数", len(names), "汇总的县（市、区）数")
    facts.text("各县名单", "、".join(names), "汇总的县（市、区），按市参数文件的顺序")
    rates = {n: (i + s).rate(basis.rate_basis) for n, (i, s) in counts.items()}
    rated = {n: r for n, r in rates.items() if r is not None}
    shown = {n: format_percent(r, digits) for n, r in rated.items()}
    best, worst = extreme_counties(rated, digits)
    for key, which, chosen in (("最高县", "最高", best), ("最低县", "最低", worst)):
        facts.text(key, "、".join(chosen) or None,
                   f"合计复工率{which}的县（并列的都写；各县相同时无值）")
        facts.text(f"{key}.复工率", shown[chosen[0]] if chosen else None, f"合计复工率{which}的县的复工率")
    listing = "，".join(f"{n}{shown.get(n) or '（无需复工企业）'}" for n in names)
    facts.text("各县复工率", listing, "各县合计复工率，按市参数文件的顺序")
    before = previous_county_rates(previous, names)
    for name in names:
        facts.percent(f"各县.{name}.复工率", rates[name], f"{name}合计复工率", digits)
        phrase = (points_phrase(rates[name], before[name], digits)
                  if name in before and rates[name] is not None else None)
        facts.text(f"各县.{name}.复工率变化", phrase, f"{name}复工率较上次汇总的变化", kind="points")
    was_as_of = previous["截止日期"].value if previous is not None and "截止日期" in previous else None
    compared, _ = interval_words(None if was_as_of is None else date.fromisoformat(was_as_of),
                                 basis.as_of)
    facts.text("较上次.说法", compared, "与上次汇总比较的说法：相隔7天为“较上周”，否则“较2月8日”")
    for group in CHANGE_GROUPS:
        key, now = f"{group}.复工率", facts[f"{group}.复工率"].value
        was = previous[key].value if previous is not None and key in previous else None
        phrase = None if was is None or now is None else points_phrase(now, was, digits)
        facts.text(f"较上次.{group}.复工率变化", phrase, f"{group}复工率较上次汇总的变化", kind="points")
    facts.text("截止日期说明", as_of_note(counties), "各县截止日期不同时的说明")
    return facts


def extreme_counties(rated: dict[str, Fraction], digits: int) -> tuple[list[str], list[str]]:
    """(highest, lowest): every county at the highest / lowest rate as printed, in the city's
    order ("甲县、乙县" on a tie, never one of them picked at random); neither when all print
    alike (one county, or all at 100%): no county is then slower than another."""
    shown = {n: round_half_up(r, digits) for n, r in rated.items()}
    if len(set(shown.values())) < 2:
        return [], []
    top, bottom = max(shown.values()), min(shown.values())
    return [n for n, v in shown.items() if v == top], [n for n, v in shown.items() if v == bottom]


def city_general_facts(params, basis: CityBasis) -> FactSet:
    """Names and dates of the city report (params: the city params)."""
    facts = FactSet()
    facts.text("市名", params.city, "市名")
    facts.text("报告单位", params.organisation, "报告单位")
    facts.text("主送机关", params.addressee, "主送机关")
    directory = basis.directory_date
    facts.text("名录截止", None if directory is None else directory_date_text(directory),
               "名录截止日期（文字；各县不同时无值）")
    facts.date("截止日期", params.as_of, "截止日期（截至目前）")
    facts.date("报告日期", params.report_date, "成文日期")
    facts.text("春节年份", str(basis.spring_festival.year), "春节所在年份")
    facts.text("复工率口径", basis_note(basis.rate_basis), "复工率口径说明")
    return facts

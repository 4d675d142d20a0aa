"""Facts: every figure the report states, under a stable Chinese key, with its wording.

A notebook computes the facts of its section and saves them as JSON; the report reads only
facts, so the .docx, the tables and the notebooks always agree. A fact keeps its raw value
(for tables and comparisons) and its text (四舍五入 and wording already applied); a fact with
no value has text None and is rendered 【待补充】.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from fuchan_lib.stats import growth as growth_mod
from fuchan_lib.core import schema
from fuchan_lib.core import wording
from fuchan_lib.core.params import RATE_BASIS_NEEDING, Params
from fuchan_lib.stats import indicators as indicators_mod
from fuchan_lib.stats import at_work, lists, reasons
from fuchan_lib.stats.groupings import CountingBasis, Grouped, group_ledger
from fuchan_lib.stats.rates import Resumption, return_to_work


COUNT = "count"  # the kind of a count fact: a count of 0 leaves the narrative's [[…]] part out


@dataclass(frozen=True)
class Fact:
    key: str
    kind: str  # count | percent | money | growth | points | progress | date | text
    value: int | float | str | None
    text: str | None
    label: str


class FactSet:
    """An ordered collection of facts; keys are unique."""

    def __init__(self, facts: list[Fact] | None = None):
        self._facts: dict[str, Fact] = {}
        for fact in facts or []:
            self._put(fact)

    def _put(self, fact: Fact) -> None:
        if fact.key in self._facts:
            raise ValueError(f"duplicate fact key {fact.key!r}")
        self._facts[fact.key] = fact

    # --- adding, one method per kind so wording is applied in one place ---
    def count(self, key: str, value, label: str) -> None:
        missing = wording.is_missing(value)
        self._put(Fact(key, COUNT, None if missing else int(value),
                       wording.format_count(value), label))

    def percent(self, key: str, value: Fraction | None, label: str, digits: int) -> None:
        self._put(Fact(key, "percent", _num(value), wording.format_percent(value, digits), label))

    def money(self, key: str, wan_yuan, label: str, unit: str = "自动") -> None:
        self._put(Fact(key, "money", _num(wan_yuan), wording.format_money_as(wan_yuan, unit), label))

    def growth(self, key: str, value: Fraction | None, label: str, digits: int) -> None:
        self._put(Fact(key, "growth", _num(value), wording.growth_phrase(value, digits), label))

    def text(self, key: str, value: str | None, label: str, kind: str = "text") -> None:
        self._put(Fact(key, kind, value, value, label))

    def date(self, key: str, value: date | None, label: str) -> None:
        self._put(Fact(key, "date", None if value is None else value.isoformat(),
                       wording.format_date(value), label))

    # --- reading ---
    def __getitem__(self, key: str) -> Fact:
        return self._facts[key]

    def __contains__(self, key: str) -> bool:
        return key in self._facts

    def __iter__(self):
        return iter(self._facts.values())

    def __len__(self) -> int:
        return len(self._facts)

    def keys(self) -> list[str]:
        return list(self._facts)

    def merge(self, other: "FactSet") -> "FactSet":
        return FactSet(list(self) + list(other))

    def to_frame(self) -> pd.DataFrame:
        """The facts as a table for notebooks: 键, 说明, 数值, 报告文字."""
        return pd.DataFrame(
            [(f.key, f.label, f.value, f.text if f.text is not None else "【待补充】") for f in self],
            columns=["键", "说明", "数值", "报告文字"],
        )

    # --- JSON ---
    def to_json(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = [asdict(f) for f in self]
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    @classmethod
    def from_json(cls, path: Path) -> "FactSet":
        return cls([Fact(**item) for item in json.loads(path.read_text(encoding="utf-8"))])


def _num(value) -> float | None:
    return None if wording.is_missing(value) else float(value)


def _resumption(facts: FactSet, prefix: str, counts: Resumption, params: CountingBasis,
                words: tuple[str, str, str]) -> None:
    """The standard counts and rate of one group. words: (正常, 长期停, 已复工) in its trade's terms."""
    running, stopped, resumed = words
    facts.count(f"{prefix}.企业数", counts.total, "企业（户）总数")
    facts.count(f"{prefix}.{running}", counts.running, f"春节期间{running}户数")
    facts.count(f"{prefix}.{stopped}", counts.long_stopped, f"{stopped}户数")
    facts.count(f"{prefix}.有{stopped}", counts.long_stopped or None,
                f"{stopped}户数（为0时没有值，[[…]]中的句子不写）")
    facts.count(f"{prefix}.需复工", counts.needing, "节后需复工户数（春节期间停产/停业放假）")
    facts.count(f"{prefix}.{resumed}", counts.resumed, f"截止日期前{resumed}户数")
    facts.count(f"{prefix}.未复工", counts.needing - counts.resumed, "需复工但尚未复工户数")
    facts.text(f"{prefix}.均已复工", "均已复工" if counts.needing and counts.resumed == counts.needing
               else None, "节后需复工的企业都已复工时为“均已复工”（否则没有值，[[…]]中的句子不写）")
    facts.percent(f"{prefix}.复工率", counts.rate(params.rate_basis),
                  f"复工率（口径：{params.rate_basis}）", params.digits)


def basis_note(basis: str) -> str:
    """How the rate's denominator reads in the report."""
    if basis == RATE_BASIS_NEEDING:
        return "按节后需复工企业计算"
    return "含春节期间正常生产（营业）企业，不含长期停产（停业）企业"


def directory_date_text(day: date) -> str:
    """'2022年末' for 12月31日 (the seed's "截止2022年末"), else the full date."""
    if (day.month, day.day) == (12, 31):
        return f"{day.year}年末"
    return wording.format_date(day)


COUNTY_LEVELS = ("县", "区", "市", "旗")


def county_level(name: str) -> str:
    """What a county-level area calls itself, from the end of its name: 东湖区 -> 区, 瑞金市 ->
    市, 示例县 -> 县 (县 when the name does not say): a 区 reports 全区, not 全县."""
    return name[-1] if name[-1:] in COUNTY_LEVELS else "县"


def general_facts(params: Params) -> FactSet:
    facts = FactSet()
    facts.text("县名", params.county, "县名")
    facts.text("县级", county_level(params.county),
               "县、区、市或旗（由县名末字定：××区为“区”，××县为“县”）：模板中写“全{县级}”“{县级}人民政府”")
    facts.text("报告单位", params.organisation, "报告单位")
    facts.text("主送机关", params.addressee, "主送机关")
    facts.text("名录截止", directory_date_text(params.directory_date), "名录截止日期（文字）")
    facts.date("截止日期", params.as_of, "截止日期（截至目前）")
    facts.date("报告日期", params.report_date, "成文日期")
    facts.text("春节年份", str(params.spring_festival.year), "春节所在年份")
    facts.text("复工率口径", basis_note(params.rate_basis), "复工率口径说明")
    facts.text("到岗率门槛", at_work.threshold_text(params), "参数“到岗率门槛”（“人员到岗率90%以上”）")
    return facts


@dataclass(frozen=True)
class Sector:
    """Industry or services as their facts are keyed and worded."""

    prefix: str  # the facts' key prefix
    kind: str  # schema.INDUSTRY | schema.SERVICE
    words: tuple[str, str, str]  # (正常, 长期停, 已复工) in the sector's terms
    reasons_by: tuple[str, tuple[str, ...]] | None = None  # column and groups with their own 未复工原因


INDUSTRY = Sector("工业", schema.INDUSTRY, ("正常生产", "长期停产", "已复工"), (schema.SCALE, schema.SCALES))
SERVICES = Sector("服务业", schema.SERVICE, ("坚持营业", "长期停业", "已复工"))


def sector_facts(sector: Sector, ledger: pd.DataFrame, params: CountingBasis, groups: Grouped | None,
                 group_facts) -> FactSet:
    """The skeleton both sectors' facts share: the sector's counts and rate, its own groups'
    facts (`group_facts(facts, groups, params)`), 返岗, 未复工原因 (also per `sector.reasons_by`
    group), the lagging townships. `groups`: the ledger's groupings, counted once per run."""
    groups = group_ledger(ledger, sector.kind, params.as_of) if groups is None else groups
    facts = FactSet()
    _resumption(facts, sector.prefix, groups.total, params, sector.words)
    group_facts(facts, groups, params)
    _return_to_work(facts, sector.prefix, ledger, params)
    at_work.at_work_facts(facts, sector.prefix, ledger, params, groups.states)
    # the waiting firms' reasons coded once (groupings); each group's breakdown tallies its rows' codes
    late, codes, found = groups.waiting, groups.reason_codes, groups.reasons
    names = ledger[schema.NAME].to_numpy(dtype=object)
    _waiting_reasons(facts, sector.prefix, _named(reasons.tally_reasons(codes, found), names, late), params)
    if sector.reasons_by is not None:
        column, values = sector.reasons_by
        of_late = ledger[column].array.take(late)
        for value in values:
            mine = np.flatnonzero(of_late == value)
            _waiting_reasons(facts, f"{sector.prefix}.{value}",
                             _named(reasons.tally_reasons(codes[mine], found), names, late[mine]), params)
    _lagging_towns(facts, sector.prefix, ledger, params, groups.by_town)
    return facts


def industry_facts(ledger: pd.DataFrame, params: CountingBasis, groups: Grouped | None = None) -> FactSet:
    """Figures of 一（一）工业复工复产情况."""
    return sector_facts(INDUSTRY, ledger, params, groups, _scale_facts)


def _scale_facts(facts: FactSet, groups: Grouped, params: CountingBasis) -> None:
    """规上 and 规下 industry."""
    words, by_scale = INDUSTRY.words, groups.by_kind
    empty = Resumption.none()
    for scale in schema.SCALES:
        _resumption(facts, f"工业.{scale}", by_scale.get(scale, empty), params, words)
    scale_words = {schema.ABOVE_SCALE: "规模以上工业企业", schema.BELOW_SCALE: "规模以下工业企业"}
    facts.text("工业.规模列表",
               "，".join(lists.labelled_counts((scale_words[s], by_scale.get(s, empty).total)
                                               for s in schema.SCALES)) or None,
               "规上、规下工业企业户数（为0的不写；相加等于工业.企业数）")
    parts = [f"{scale_words[s]}{c.resumed}户，复工复产率达{wording.format_percent(c.rate(params.rate_basis), params.digits)}"
             if c.resumed else f"{scale_words[s]}尚未复工"
             for s in schema.SCALES if (c := by_scale.get(s, empty)).rate(params.rate_basis) is not None]
    facts.text("工业.规模复工列表", "，".join(parts) or None,
               "规上、规下工业已复工户数和复工率（没有复工率的不写，无一复工的写“尚未复工”；户数相加等于已复工）")


def _named(tallied: tuple[dict[str, int], dict[str, np.ndarray]], names: np.ndarray,
           rows: np.ndarray) -> tuple[dict[str, int], dict[str, list[str]]]:
    """`reasons.tally_reasons` of a ledger's `rows` with the first firms' names looked up."""
    counts, first = tallied
    return counts, {r: [str(n) for n in names[rows[p]]] for r, p in first.items()}


def _waiting_reasons(facts: FactSet, prefix: str,
                     tallied: tuple[dict[str, int], dict[str, list[str]]], params: CountingBasis) -> None:
    """未复工原因 of the firms still waiting (`tallied`: their counts and first names per reason,
    from `reasons.tally_reasons`): the breakdown sentence, and a count and the first names per reason (the common reasons always have a
    key; a count of 0 has no value)."""
    counts, names = tallied
    facts.text(f"{prefix}.未复工原因", reasons.reason_breakdown(counts),
               "未复工企业按原因分（前五项，其余合为其他原因）")
    for reason in dict.fromkeys(reasons.COMMON_REASONS + tuple(counts)):
        if reason == reasons.NO_REASON:
            continue
        facts.count(f"{prefix}.未复工原因.{reason}", counts.get(reason) or None,
                    f"未复工原因为“{reason}”的户数")
        facts.text(f"{prefix}.未复工原因.{reason}.企业",
                   reasons.name_firms(names.get(reason, []), counts.get(reason, 0)),
                   f"未复工原因为“{reason}”的企业（从业人员最多的两户，多于两户时加“等N户”）")


def _lagging_towns(facts: FactSet, prefix: str, ledger: pd.DataFrame, params: CountingBasis,
                   by_town: dict) -> None:
    towns = lists.county_towns(ledger, listed=params.towns)
    facts.text(f"{prefix}.复工率较低乡镇",
               reasons.lagging_towns(by_town, params.rate_basis, towns, params.digits),
               "复工率最低的乡镇（园区）及其复工率，最低的在前")


def _return_to_work(facts: FactSet, prefix: str, ledger: pd.DataFrame, params: CountingBasis) -> None:
    back = return_to_work(ledger)
    facts.count(f"{prefix}.返岗企业数", back.enterprises or None, "填报了从业人员和返岗人数的企业数")
    facts.count(f"{prefix}.从业人员", back.staff if back.enterprises else None, "从业人员（人）")
    facts.count(f"{prefix}.已返岗人数", back.returned if back.enterprises else None, "已返岗人数（人）")
    facts.percent(f"{prefix}.返岗率", back.rate, "返岗率（报了两项人数的企业）", params.digits)


def service_facts(ledger: pd.DataFrame, params: CountingBasis, groups: Grouped | None = None) -> FactSet:
    """Figures of 一（二）服务业复工营业情况."""
    return sector_facts(SERVICES, ledger, params, groups, _category_facts)


def _category_facts(facts: FactSet, groups: Grouped, params: CountingBasis) -> None:
    """限上批零住餐, 大个体 and 规上服务业, and their 行业."""
    words, by_category, by_trade = SERVICES.words, groups.by_kind, groups.by_trade
    empty = Resumption.none()
    retail = by_category.get(schema.RETAIL_ABOVE_QUOTA, empty)
    individual = by_category.get(schema.BIG_INDIVIDUAL, empty)
    services = by_category.get(schema.SERVICE_ABOVE_SCALE, empty)
    _resumption(facts, "限上", retail, params, words)
    _resumption(facts, "大个体", individual, params, words)
    _resumption(facts, "限上和大个体", retail + individual, params, words)
    _resumption(facts, "规上服务业", services, params, words)
    for trade in schema.RETAIL_TRADES:
        facts.count(f"限上.{trade}", by_trade.get((schema.RETAIL_ABOVE_QUOTA, trade), empty).total,
                    f"限上{trade}企业数")
    present = [t for (c, t) in by_trade if c == schema.SERVICE_ABOVE_SCALE]
    for trade in dict.fromkeys(list(schema.SERVICE_SECTORS) + present):
        counts = by_trade.get((schema.SERVICE_ABOVE_SCALE, trade), empty)
        facts.count(f"规上服务业.{trade}", counts.total, f"规上服务业中{trade}企业数")
    for prefix, category, what in (("限上", schema.RETAIL_ABOVE_QUOTA, "行业"),
                                   ("大个体", schema.BIG_INDIVIDUAL, "行业"),
                                   ("规上服务业", schema.SERVICE_ABOVE_SCALE, "门类")):
        totals = {t: v.total for (c, t), v in by_trade.items() if c == category}
        facts.text(f"{prefix}.{what}列表", lists.count_list(totals, lists.TRADE_ORDER),
                   f"{category}按{what}的户数（标准顺序，合计等于{prefix}.企业数）")
    retail_words = (("限额以上批零住餐企业", retail), ("大个体", individual))
    _retail_lists(facts, retail_words)
    facts.text("服务业.复工率口径", "" if params.rate_basis == RATE_BASIS_NEEDING
               else "（含春节期间坚持营业企业，不含长期停业企业）",
               "服务业复工营业率的口径说明（按需复工计算时为空，句中不写）")
    facts.text("限上和大个体.长期停业列表",
               "、".join(lists.labelled_counts((w, c.long_stopped) for w, c in retail_words)) or None,
               "长期停业的限上批零住餐企业和大个体（为0的不写）")
    resumed_words = (("限额以上批零住餐企业", retail), ("规模以上服务业企业", services),
                     ("大个体", individual))
    facts.text("服务业.已复工列表",
               wording.join_with_and([f"{c.resumed}家{w}" for w, c in resumed_words if c.resumed]),
               "已复工的服务业企业按类别（为0的不写）")


def _retail_lists(facts: FactSet, groups: tuple[tuple[str, Resumption], ...]) -> None:
    """'限额以上批零住餐企业149户、大个体345户' for each count of the paragraph: a group with 0 is
    left out ("全县共有大个体115户"); no group, no value (the template's [[…]] part drops)."""
    for key, what, attr in (("企业数", "企业总数", "total"), ("坚持营业", "春节期间坚持营业", "running"),
                            ("需复工", "节后需复工", "needing"), ("已复工", "已复工", "resumed")):
        items = lists.labelled_counts((w, getattr(c, attr)) for w, c in groups)
        facts.text(f"限上和大个体.{key}列表", "、".join(items) or None,
                   f"{what}的限上批零住餐企业和大个体（为0的不写；都为0时没有值，[[…]]中的句子不写）")


def indicator_facts(rows: list[growth_mod.IndicatorGrowth], params: Params,
                    stale: tuple[str, ...] = ()) -> FactSet:
    """Figures of 二（三） from the run's `indicator_rows` (computed once); none with `stale`
    reasons (run.history.stale_indicators): an earlier period's are not stated as this one's."""
    rows = [] if stale else rows
    facts = FactSet()
    period_end = params.indicator_period
    target_end = params.target_end
    facts.text("指标期末月", f"{period_end.month}", "经济指标本期所到月份")
    facts.text("指标期间", indicators_mod.period_name(period_end), "经济指标本期期间（文字）")
    facts.text("目标截止月", None if target_end is None else f"{target_end.month}", "目标所指期末月份")
    facts.text("目标截止", indicators_mod.deadline_words(target_end), "目标所指期末（“3月底前”）")
    progress = None if target_end is None else growth_mod.schedule_progress(period_end, target_end)
    facts.percent("时序进度", progress, "时序进度（本期已过时间占目标期）", params.digits)
    sentences = indicators_mod.indicator_text(rows, period_end, target_end, progress,
                                              digits=params.digits, unit=params.money_unit,
                                              whole="全" + county_level(params.county))
    facts.text("经济指标.实绩", sentences.actual, "各项指标本期完成情况（只写有数据的分句）")
    facts.text("经济指标.目标", sentences.target, "各项指标的目标（只写有数据的分句）")
    by_name = {r.name: r for r in rows}
    for name in dict.fromkeys(list(schema.SEED_INDICATORS) + list(by_name)):
        row = by_name.get(name)
        get = (lambda attr: getattr(row, attr)) if row else (lambda attr: None)
        unit = params.money_unit
        facts.money(f"{name}.本期", get("current"), f"{name}本期", unit)
        facts.money(f"{name}.上年同期", get("last_year"), f"{name}上年同期", unit)
        facts.growth(f"{name}.增速", get("growth"), f"{name}同比（{get('growth_source') or '无'}）",
                     params.digits)
        facts.percent(f"{name}.增速值", get("growth"), f"{name}同比（带符号数值）", params.digits)
        facts.money(f"{name}.目标", get("target"), f"{name}目标（至目标截止）", unit)
        facts.growth(f"{name}.目标增速", get("target_growth"), f"{name}目标同比", params.digits)
        facts.percent(f"{name}.完成率", get("completion"), f"{name}本期占目标", params.digits)
        facts.text(f"{name}.进度", wording.progress_phrase(get("completion"), progress, params.digits),
                   f"{name}完成率对时序进度", kind="progress")
    return facts


def indicator_rows(indicators: pd.DataFrame | None, enterprise_rows: pd.DataFrame | None,
                   params: Params) -> list[growth_mod.IndicatorGrowth]:
    """Each 经济指标 row with its stated growth; none without the file."""
    if indicators is None:
        return []
    target_end = params.target_end
    return growth_mod.indicator_growth(
        indicators, enterprise_rows,
        same_period_target=target_end is not None and target_end == params.indicator_period)


def indicator_omissions(indicators: pd.DataFrame | None, rows: list[growth_mod.IndicatorGrowth],
                        params: Params, stale: tuple[str, ...] = ()) -> list[str]:
    """Which indicator clauses the report leaves out and why (for `fuchan check`; `rows`: the
    run's `indicator_rows`)."""
    if indicators is None:
        return ["没有经济指标文件：报告不写经济指标的句子"]
    if stale:
        return ["经济指标不是本期的数：报告不写经济指标的句子（原因见警告“经济指标不是本期的”）"]
    target_end, period_end = params.target_end, params.indicator_period
    progress = None if target_end is None else growth_mod.schedule_progress(period_end, target_end)
    text = indicators_mod.indicator_text(rows, period_end, target_end, progress, digits=params.digits)
    return indicators_mod.describe_omissions(text.omissions)

"""数据审核 (logic checks) as a rule table: errors stop the run, warnings are listed.

Each rule is one vectorised function over a clean ledger returning the offending rows. A warning
can be acknowledged in params (`审核说明`, like 联网直报's 强制上报 with an explanation): it is
then listed once as explained, not repeated as a warning. Errors cannot be acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.creditcode import valid_mask
from fuchan_lib.core.exceptions import AuditError, ParamsError
from fuchan_lib.core.messages import did_you_mean, did_you_mean_firm, quoted
from fuchan_lib.core import wording
from fuchan_lib.core.params import Acknowledgement, Params
from fuchan_lib.ingest.expected_dates import unreadable
from fuchan_lib.stats.groupings import Groupings, group_ledger
from fuchan_lib.stats.lists import county_towns
from fuchan_lib.stats.reasons import unfilled_by_town

ERROR, WARNING = "错误", "警告"
LIST_COLUMNS = ["级别", "文件", "工作表", "行号", "单元格", "列", "企业名称", "规则", "问题", "处理办法", "说明"]


def list_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows in `LIST_COLUMNS` order as the 审核清单 frame; None and "" both become ""."""
    return pd.DataFrame([["" if v is None else v for v in row] for row in rows],
                        columns=LIST_COLUMNS, dtype=object)


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    file: str
    sheet: str
    row: int | None
    enterprise: str
    column: str
    message: str
    note: str | None = None  # the statistician's 说明 when acknowledged

    def describe(self) -> str:
        where = f"文件“{self.file}”" + (f"工作表“{self.sheet}”" if self.sheet else "")
        where += f"第{self.row}行" if self.row is not None else ""
        column = f"“{self.column}”列" if self.column else ""
        return f"[{self.level}·{self.rule}] {where}{column}（{self.enterprise}）：{self.message}"


@dataclass(frozen=True)
class Rule:
    name: str
    level: str
    column: str
    applies_to: tuple[str, ...]
    select: Callable[[pd.DataFrame, Params], pd.Series]  # boolean mask of offending rows
    message: Callable[[pd.Series], str]  # one offending row -> what is wrong and what to do


def _dates(df: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(df[schema.RESUMED_ON])


def _returned_over_staff(df: pd.DataFrame, _params: Params) -> pd.Series:
    staff = pd.to_numeric(df[schema.STAFF], errors="coerce")
    back = pd.to_numeric(df[schema.RETURNED], errors="coerce")
    return (back > staff).fillna(False).astype(bool)


STAFF_PLAUSIBLE = 200_000  # more people than the largest firms employ at one site


def _negative(column: str):
    def select(df: pd.DataFrame, _params: Params) -> pd.Series:
        return (pd.to_numeric(df[column], errors="coerce") < 0).fillna(False).astype(bool)
    return select


def _staff_implausible(df: pd.DataFrame, _params: Params) -> pd.Series:
    return (pd.to_numeric(df[schema.STAFF], errors="coerce") > STAFF_PLAUSIBLE).fillna(False).astype(bool)


def _long_stopped_with_date(df: pd.DataFrame, _params: Params) -> pd.Series:
    return df[schema.STATUS].isin(schema.LONG_STOPPED) & _dates(df).notna()


def _before_festival(df: pd.DataFrame, params: Params) -> pd.Series:
    early = (_dates(df) < pd.Timestamp(params.spring_festival)).fillna(False).astype(bool)
    return df[schema.STATUS].isin(schema.ON_HOLIDAY) & early


def _trade_outside_category(df: pd.DataFrame, _params: Params) -> pd.Series:
    retail = df[schema.CATEGORY].isin([schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL])
    in_retail = df[schema.TRADE].isin(schema.RETAIL_TRADES)
    services = df[schema.CATEGORY] == schema.SERVICE_ABOVE_SCALE
    in_sectors = df[schema.TRADE].isin(schema.SERVICE_SECTORS)
    return (retail & ~in_retail) | (services & ~in_sectors)


def _bad_check_digit(df: pd.DataFrame, _params: Params) -> pd.Series:
    codes = df[schema.CREDIT_CODE]
    return codes.notna() & ~valid_mask(codes)


def _town_missing(df: pd.DataFrame, _params: Params) -> pd.Series:
    return df[schema.TOWN].isna()


def _after_as_of(df: pd.DataFrame, params: Params) -> pd.Series:
    late = (_dates(df) > pd.Timestamp(params.as_of)).fillna(False).astype(bool)
    return df[schema.STATUS].isin(schema.ON_HOLIDAY) & late


def _low_return(df: pd.DataFrame, params: Params) -> pd.Series:
    staff = pd.to_numeric(df[schema.STAFF], errors="coerce")
    back = pd.to_numeric(df[schema.RETURNED], errors="coerce")
    resumed = df[schema.STATUS].isin(schema.ON_HOLIDAY) & (
        _dates(df) <= pd.Timestamp(params.as_of)
    ).fillna(False).astype(bool)
    running = df[schema.STATUS].isin(schema.RUNNING)
    counted = (staff > 0).fillna(False) & (back >= 0).fillna(False)  # a negative count is an error
    low = (back * 10 < staff * 3).fillna(False).astype(bool) & counted
    return (resumed | running) & low


def _running_with_date(df: pd.DataFrame, _params: Params) -> pd.Series:
    return df[schema.STATUS].isin(schema.RUNNING) & _dates(df).notna()


def _unreadable_expected(df: pd.DataFrame, params: Params) -> pd.Series:
    return unreadable(df, params.spring_festival.year)


BOTH = (schema.INDUSTRY, schema.SERVICE)

RULES: tuple[Rule, ...] = (
    Rule("返岗人数超过从业人员", ERROR, schema.RETURNED, BOTH, _returned_over_staff,
         lambda r: f"已返岗人数 {r[schema.RETURNED]} 大于从业人员 {r[schema.STAFF]}，请核实两项人数"),
    Rule("从业人员为负数", ERROR, schema.STAFF, BOTH, _negative(schema.STAFF),
         lambda r: f"从业人员填了 {r[schema.STAFF]}，人数不能为负数，请改正（不知道的留空）"),
    Rule("已返岗人数为负数", ERROR, schema.RETURNED, BOTH, _negative(schema.RETURNED),
         lambda r: f"已返岗人数填了 {r[schema.RETURNED]}，人数不能为负数，请改正（不知道的留空）"),
    Rule("长期停产却有复工日期", ERROR, schema.RESUMED_ON, BOTH, _long_stopped_with_date,
         lambda r: f"春节期间状态为“{r[schema.STATUS]}”却填了复工日期 {_day(r)}；"
                   "若已复工请把状态改为停产放假/停业放假，否则清空复工日期"),
    Rule("复工日期早于春节", ERROR, schema.RESUMED_ON, BOTH, _before_festival,
         lambda r: f"状态为“{r[schema.STATUS]}”，复工日期 {_day(r)} 却早于春节；"
                   "请核实复工日期，或把状态改为正常生产/正常营业"),
    Rule("行业与类别不符", ERROR, schema.TRADE, (schema.SERVICE,), _trade_outside_category,
         lambda r: f"类别“{r[schema.CATEGORY]}”不应填行业“{r[schema.TRADE]}”"
                   "（限上批零住餐、大个体填批发业/零售业/住宿业/餐饮业，规上服务业填国民经济行业门类）"),
    Rule("信用代码校验位错误", WARNING, schema.CREDIT_CODE, BOTH, _bad_check_digit,
         lambda r: f"统一社会信用代码 {r[schema.CREDIT_CODE]} 的校验位不符合 GB 32100，请核对营业执照"),
    Rule("乡镇未填", WARNING, schema.TOWN, BOTH, _town_missing,
         lambda r: "未填乡镇（园区），按乡镇的统计中计入“未填”"),
    Rule("复工日期晚于截止日期", WARNING, schema.RESUMED_ON, BOTH, _after_as_of,
         lambda r: f"复工日期 {_day(r)} 晚于截止日期，本期按未复工统计"),
    Rule("返岗率低于30%", WARNING, schema.RETURNED, BOTH, _low_return,
         lambda r: f"已复工但返岗 {r[schema.RETURNED]} 人、从业 {r[schema.STAFF]} 人，返岗率不足30%，请核实"),
    Rule("从业人员过多", WARNING, schema.STAFF, BOTH, _staff_implausible,
         lambda r: f"从业人员 {r[schema.STAFF]} 人，超过 {STAFF_PLAUSIBLE} 人，不像是一家企业的人数，"
                   "请核实（是否多填了几位或填成了金额）"),
    Rule("正常生产却有复工日期", WARNING, schema.RESUMED_ON, BOTH, _running_with_date,
         lambda r: f"春节期间“{r[schema.STATUS]}”的企业填了复工日期 {_day(r)}，计算时不使用该日期"),
    Rule("预计复工日期无法识别", WARNING, schema.EXPECTED, BOTH, _unreadable_expected,
         lambda r: f"预计复工日期“{r[schema.EXPECTED]}”说不准是哪一天（可写 2023-03-10、3月上旬、3月中旬、"
                   "3月下旬、3月底），本期按“复工时间待定”统计"),
)

FEWER_RESUMED = "已复工企业少于上次"
UNREPORTED = "乡镇未报送"
DIRECTION_MARKS = "含文字方向控制字符"
UNFILLED_REASONS = "未复工原因未填"  # per 乡镇: the report can only say "另有N户未填报原因"
STALE_INDICATORS = "经济指标不是本期的"  # run.history.stale_indicators: the text leaves them out
# the ledger against the previous run's (stats.ledger_changes)
LEFT_LEDGER = "台账中删除的企业"
NEW_FIRM = "新列入台账的企业"
DATE_WITHDRAWN = "复工日期被清空或推后"
CLASS_CHANGED = "状态、规模或类别有变化"
WEEK_RULES = (LEFT_LEDGER, NEW_FIRM, DATE_WITHDRAWN, CLASS_CHANGED)
# firms the narrative names (stats.mentions): checked against the ledgers
MENTION_UNKNOWN = "叙述中的企业不在台账中"
ACK_UNUSED = "审核说明用不上"
MENTION_NOT_RESUMED = "叙述说在生产的企业未复工"
MENTION_OTHER_COUNTY = "叙述提到其他县"


def row_issue_findings(issues) -> list[Finding]:
    """Errors found while reading (`ingest.firms.RowIssue`): a firm entered twice, a status
    against its status ledger."""
    return [Finding(i.rule, ERROR, i.file, i.sheet, i.row, i.enterprise, i.column, i.message)
            for i in issues]


def unreported_findings(towns: list[str], params: Params) -> list[Finding]:
    """Townships listed in params `乡镇` with no row in this week's ledgers (未报送)."""
    source = params.source.name if params.source else "参数文件"
    return [Finding(UNREPORTED, WARNING, source, "", None, town, "",
                    f"参数“乡镇”列有“{town}”，但本期台账中没有该乡镇（园区）的企业：未报送，"
                    "按乡镇的统计中该乡镇没有数字；请催报，或核实乡镇名称与台账是否一致")
            for town in towns]


def _day(row: pd.Series) -> str:
    value = row[schema.RESUMED_ON]
    return "" if pd.isna(value) else wording.format_date(value.date())


def _findings(rule: Rule, ledger: pd.DataFrame, params: Params) -> list[Finding]:
    mask = rule.select(ledger, params).to_numpy(dtype=bool)
    return [
        Finding(
            rule=rule.name, level=rule.level, file=str(row[schema.SOURCE_FILE]),
            sheet=str(row[schema.SOURCE_SHEET] or ""),
            row=None if pd.isna(row[schema.SOURCE_ROW]) else int(row[schema.SOURCE_ROW]),
            enterprise=str(row[schema.NAME]), column=rule.column, message=rule.message(row),
        )
        for _, row in ledger[mask].iterrows()
    ]


def _acknowledgement(finding: Finding, notes: tuple[Acknowledgement, ...]) -> str | None:
    for ack in notes:
        if ack.rule == finding.rule and ack.enterprise in (None, finding.enterprise):
            return ack.note
    return None


@dataclass(frozen=True)
class AuditReport:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING and f.note is None]

    @property
    def acknowledged(self) -> list[Finding]:
        return [f for f in self.findings if f.note is not None]

    def to_frame(self, layouts=()) -> pd.DataFrame:
        """审核清单 (`LIST_COLUMNS`): errors, then warnings, then explained ones. `layouts` (the
        sheets' `ingest.sheet.SheetMapping`s) give each finding its cell; an unknown cell is ""
        (blank in Excel and in a notebook; the 附表 "—" is for missing numbers)."""
        return list_frame(self.list_rows(layouts))

    def list_rows(self, layouts=()) -> list[tuple]:
        """The findings as 审核清单 rows (see `to_frame`)."""
        letters = {(lay.file, lay.sheet, name): letter
                   for lay in (layouts or ()) for name, letter, _ in lay.columns}
        rows = []
        for f in self.errors + self.warnings + self.acknowledged:
            letter = letters.get((f.file, f.sheet, f.column))
            rows.append((f.level if f.note is None else "已说明", f.file, f.sheet, f.row,
                         f"{letter}{f.row}" if letter and f.row is not None else None, f.column,
                         f.enterprise, f.rule, f.message, None, f.note))
        return rows

    def summary(self) -> str:
        return (f"审核：错误{len(self.errors)}条，警告{len(self.warnings)}条，"
                f"已说明{len(self.acknowledged)}条")

    def raise_for_errors(self, limit: int = 20, listed_in=None) -> None:
        """Stop the run when any error is found, listing them (the first `limit`; all of them,
        warnings too, are in the 审核清单 at `listed_in` when given)."""
        if not self.errors:
            return
        shown = "\n".join(f"  {f.describe()}" for f in self.errors[:limit])
        more = f"\n  ……另有{len(self.errors) - limit}条，见审核清单" if len(self.errors) > limit else ""
        tail = f"\n全部错误和警告已写入审核清单：{listed_in}" if listed_in else ""
        raise AuditError(
            f"数据审核发现{len(self.errors)}条错误，请在台账中改正后重新运行：\n{shown}{more}{tail}",
            findings=self.errors,
        )


def audit(
    ledgers: dict[str, pd.DataFrame], params: Params, *, previous_resumed: dict[str, int] | None = None,
    current_resumed: dict[str, int] | None = None, extra: list[Finding] | None = None,
    groupings: Groupings | None = None,
) -> AuditReport:
    """Run every rule on every ledger; compare resumed counts with the previous run if given.
    `extra`: findings made elsewhere (the narrative's firm names), acknowledged the same way.
    `groupings`: the run's counts of these ledgers (stats.groupings), when counted already."""
    warning_rules = [r.name for r in RULES if r.level == WARNING] + [
        FEWER_RESUMED, UNREPORTED, UNFILLED_REASONS, STALE_INDICATORS, MENTION_UNKNOWN, MENTION_NOT_RESUMED,
        MENTION_OTHER_COUNTY, DIRECTION_MARKS, *WEEK_RULES]
    for ack in params.acknowledged:
        if ack.rule not in warning_rules:
            hint = did_you_mean(ack.rule, warning_rules)
            raise ParamsError(
                f"参数“审核说明”中的规则“{ack.rule}”不是可以说明的警告。{hint}"
                f"可以说明的有：{quoted(warning_rules)}（错误必须在台账中改正）"
            )
    found: list[Finding] = []
    for rule in RULES:
        for kind in rule.applies_to:
            if kind in ledgers and ledgers[kind] is not None and len(ledgers[kind]):
                found.extend(_findings(rule, ledgers[kind], params))
    for kind, before in (previous_resumed or {}).items():
        now = (current_resumed or {}).get(kind)
        if now is not None and now < before:
            found.append(Finding(
                FEWER_RESUMED, WARNING, kind, "", None, "（全部企业）", schema.RESUMED_ON,
                f"已复工企业 {now} 户，少于上次运行的 {before} 户；请核实是否有企业复工日期被删改或重新停产",
            ))
    found.extend(_unfilled_reasons(ledgers, params, groupings))
    found.extend(extra or [])
    found = [replace(f, note=_acknowledgement(f, params.acknowledged))
             if f.level == WARNING else f for f in found]
    return AuditReport(tuple(found + _unused_acknowledgements(found, ledgers, params)))


def direction_mark_findings(layouts) -> list[Finding]:
    """A warning per cell whose direction marks reading removed (`ingest.ledger.SheetMapping`)."""
    return [Finding(DIRECTION_MARKS, WARNING, layout.file, layout.sheet, row, name, column,
                    f"“{column}”中有看不见的文字方向控制字符（如 U+202E，会让文字倒着显示），已删去；"
                    "请核对原表中的这个单元格")
            for layout in layouts for row, column, name in layout.direction_marks]


def stale_indicator_findings(reasons: tuple[str, ...], file: str) -> list[Finding]:
    """The 审核清单 warnings of 经济指标 that are not this period's (one per reason)."""
    return [Finding(STALE_INDICATORS, WARNING, file, "", None, "经济指标文件", "",
                    f"{reason}。报告不写经济指标的句子；请换上本期的经济指标文件，并核对参数“指标期末”")
            for reason in reasons]


def _unfilled_reasons(ledgers: dict[str, pd.DataFrame], params: Params,
                      groupings: Groupings | None) -> list[Finding]:
    """One warning per 乡镇 and ledger whose firms still waiting did not give a 未复工原因 (their
    reason codes as `groupings` coded them; coded here when not given)."""
    found = []
    for kind, df in ledgers.items():
        if df is None or not len(df) or kind not in BOTH:
            continue
        if groupings is None:
            grouped = group_ledger(df, kind, params.as_of)
        else:
            grouped = groupings.industry if kind == schema.INDUSTRY else groupings.service
        towns = county_towns(df, listed=params.towns)
        for town, count in unfilled_by_town(df, grouped.waiting, grouped.reason_codes, towns).items():
            found.append(Finding(
                UNFILLED_REASONS, WARNING, kind, "", None, f"{town}的未复工企业", schema.REASON,
                f"{town}有{count}户尚未复工的企业没有填报未复工原因，报告中只能写“另有{count}户未填报原因”；"
                "请该乡镇（园区）在台账“未复工原因”列补填",
            ))
    return found


def _unused_acknowledgements(found: list[Finding], ledgers: dict[str, pd.DataFrame],
                             params: Params) -> list[Finding]:
    """审核说明 entries that explain nothing: a firm not in any ledger (a misspelt name leaves
    its real warning unexplained) or no such warning this period (the entry can go)."""
    names = [str(n) for df in ledgers.values() if df is not None and schema.NAME in df
             for n in df[schema.NAME].dropna().unique()]
    known = set(names) | set(params.towns)  # 乡镇未报送 is explained by township
    unused = []
    for number, ack in enumerate(params.acknowledged, start=1):
        entry = f"参数“审核说明”第{number}条（规则“{ack.rule}”" + (
            f"，企业“{ack.enterprise}”）" if ack.enterprise else "）")
        if ack.enterprise and ack.enterprise not in known:
            hint = did_you_mean_firm(ack.enterprise, names, params.county)
            message = (f"{entry}：台账中没有这家企业。{hint}"
                       "请把企业名称改成与台账“企业名称”列完全一致，或删去这条说明")
        elif not any(f.rule == ack.rule and ack.enterprise in (None, f.enterprise) for f in found):
            message = f"{entry}：本期没有这条警告，说明用不上了，可以删去"
        else:
            continue
        source = params.source.name if params.source else "参数文件"
        unused.append(Finding(ACK_UNUSED, WARNING, source, "", None, ack.enterprise or "", "", message))
    return unused

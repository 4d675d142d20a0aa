"""The canonical ledger format (DESIGN §2): column names, allowed values and their aliases.

This module is the glossary where Chinese domain terms meet the code. Ingestion maps whatever
a township sends onto these names; everything downstream sees only canonical values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# --- ledger kinds (the keys of params `数据`) ---
INDUSTRY = "工业企业台账"
SERVICE = "服务业企业台账"
INDICATORS = "经济指标"
ENTERPRISE_INDICATORS = "企业指标"  # optional enterprise-level form for comparable-scope growth

# --- canonical column names ---
NAME = "企业名称"
CREDIT_CODE = "统一社会信用代码"
TOWN = "乡镇（园区）"
SCALE = "企业规模"
CATEGORY = "类别"
TRADE = "行业"
STATUS = "春节期间状态"
RESUMED_ON = "复工日期"
STAFF = "从业人员"
RETURNED = "已返岗人数"
REASON = "未复工原因"
EXPECTED = "预计复工日期"  # optional; free text read by stats.expected ("3月上旬", "3月底", a date)

INDICATOR = "指标"
UNIT = "单位"
CURRENT = "本期"
LAST_YEAR = "上年同期"
GROWTH = "增速"
TARGET = "目标"
TARGET_GROWTH = "目标增速"

# free-text columns with few distinct values that the rates group by: read as categorical
GROUPING_TEXT = (TOWN,)

# provenance columns added by ingestion (never in the user's file)
SOURCE_FILE = "_文件"
SOURCE_SHEET = "_工作表"
SOURCE_ROW = "_行号"
# set when the ledgers of a run are read (ingest.inputs.with_states): 春节期间状态 as a small
# code, so every rate counts from one integer column instead of matching text again
STATE = "_状态类"
STATE_OTHER, STATE_RUNNING, STATE_LONG_STOPPED, STATE_ON_HOLIDAY = 0, 1, 2, 3
# set with it (ingest.expected_dates.with_expected_days): 预计复工日期 read as a date (NaT when
# blank or not a date that can be told), so the audit, the facts and the 督办 lists parse it once
EXPECTED_DAY = "_预计复工日"

# --- allowed values ---
ABOVE_SCALE, BELOW_SCALE = "规上", "规下"
SCALES = (ABOVE_SCALE, BELOW_SCALE)
# the group names of 规上/规下 in the report, its 附表 and snapshots (industry_group_label's rule)
INDUSTRY_ABOVE, INDUSTRY_BELOW = (f"{s}工业" for s in SCALES)
# the county column of a city roll-up's combined ledgers and tables
COUNTY = "县（市、区）"

RETAIL_ABOVE_QUOTA = "限上批零住餐"
BIG_INDIVIDUAL = "大个体"
SERVICE_ABOVE_SCALE = "规上服务业"
CATEGORIES = (RETAIL_ABOVE_QUOTA, BIG_INDIVIDUAL, SERVICE_ABOVE_SCALE)

RETAIL_TRADES = ("批发业", "零售业", "住宿业", "餐饮业")
# 国民经济行业分类 (GB/T 4754-2017) 门类 that 规上服务业 covers
SERVICE_SECTORS = (
    "交通运输、仓储和邮政业",
    "信息传输、软件和信息技术服务业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业",
    "教育",
    "卫生和社会工作",
    "文化、体育和娱乐业",
)

# 春节期间状态: industry and service words, one meaning each
RUNNING = {"正常生产", "正常营业"}
ON_HOLIDAY = {"停产放假", "停业放假"}
LONG_STOPPED = {"长期停产", "长期停业"}
INDUSTRY_STATUSES = ("正常生产", "停产放假", "长期停产")
SERVICE_STATUSES = ("正常营业", "停业放假", "长期停业")

INDICATOR_UNITS = ("万元", "亿元")


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, whether required, its kind and accepted aliases."""

    name: str
    required: bool
    kind: str  # text | code | choice | date | int | number
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    value_aliases: dict[str, str] = field(default_factory=dict)


_NAME_ALIASES = ("单位名称", "单位详细名称", "企业（单位）名称", "企业(单位)名称", "名称", "企业全称")
_CODE_ALIASES = ("社会信用代码", "统一信用代码", "信用代码", "统一社会信用代码（组织机构代码）")
_TOWN_ALIASES = ("乡镇(园区)", "乡镇", "乡镇园区", "所属乡镇", "乡镇（街道）", "园区", "所在乡镇")
_STATUS_ALIASES = ("春节状态", "春节期间生产状态", "春节期间经营状态", "节日期间状态", "春节期间情况")
_DATE_ALIASES = ("复工时间", "复产日期", "复工复产日期", "复工复产时间", "复工营业日期", "开工日期")
_STAFF_ALIASES = ("从业人员数", "职工人数", "员工人数", "从业人数", "从业人员（人）", "从业人员(人)")
_RETURNED_ALIASES = ("返岗人数", "已返岗人员", "已返岗", "到岗人数", "已返岗人数（人）", "已返岗人数(人)")
_REASON_ALIASES = ("未复工复产原因", "未复工营业原因", "原因", "备注")
_EXPECTED_ALIASES = ("预计复工时间", "计划复工日期", "计划复工时间", "预计复工营业日期")

_STATUS_VALUE_ALIASES = {
    "正常": "正常生产", "生产": "正常生产", "坚持生产": "正常生产", "春节期间正常生产": "正常生产",
    "放假": "停产放假", "停产": "停产放假", "停工放假": "停产放假", "节日放假": "停产放假",
    "长期停工": "长期停产", "停产半停产": "长期停产",
}
_SERVICE_STATUS_VALUE_ALIASES = {
    "正常": "正常营业", "营业": "正常营业", "坚持营业": "正常营业", "春节期间正常营业": "正常营业",
    "放假": "停业放假", "停业": "停业放假", "歇业放假": "停业放假", "节日放假": "停业放假",
    "长期歇业": "长期停业",
}

INDUSTRY_COLUMNS: tuple[Column, ...] = (
    Column(NAME, True, "text", _NAME_ALIASES),
    Column(CREDIT_CODE, False, "code", _CODE_ALIASES),
    Column(TOWN, False, "text", _TOWN_ALIASES),
    Column(
        SCALE, True, "choice", ("规模", "企业类型", "规模类型", "是否规上", "规上/规下"), SCALES,
        {
            "规模以上": ABOVE_SCALE, "规模以上工业": ABOVE_SCALE, "规模以上工业企业": ABOVE_SCALE,
            "规上工业": ABOVE_SCALE, "规上企业": ABOVE_SCALE, "是": ABOVE_SCALE, "√": ABOVE_SCALE,
            "规模以下": BELOW_SCALE, "规模以下工业": BELOW_SCALE, "规模以下工业企业": BELOW_SCALE,
            "规下工业": BELOW_SCALE, "规下企业": BELOW_SCALE, "否": BELOW_SCALE,
        },
    ),
    Column(STATUS, True, "choice", _STATUS_ALIASES, INDUSTRY_STATUSES, _STATUS_VALUE_ALIASES),
    Column(RESUMED_ON, False, "date", _DATE_ALIASES),
    Column(STAFF, False, "int", _STAFF_ALIASES),
    Column(RETURNED, False, "int", _RETURNED_ALIASES),
    Column(REASON, False, "text", _REASON_ALIASES),
    Column(EXPECTED, False, "text", _EXPECTED_ALIASES),
)

SERVICE_COLUMNS: tuple[Column, ...] = (
    Column(NAME, True, "text", _NAME_ALIASES),
    Column(CREDIT_CODE, False, "code", _CODE_ALIASES),
    Column(TOWN, False, "text", _TOWN_ALIASES),
    Column(
        CATEGORY, True, "choice", ("企业类别", "单位类别", "类型", "分类"), CATEGORIES,
        {
            "限上": RETAIL_ABOVE_QUOTA, "限额以上": RETAIL_ABOVE_QUOTA,
            "限额以上批零住餐": RETAIL_ABOVE_QUOTA, "限额以上批零住餐企业": RETAIL_ABOVE_QUOTA,
            "限上批零住餐企业": RETAIL_ABOVE_QUOTA, "个体": BIG_INDIVIDUAL,
            "大个体户": BIG_INDIVIDUAL, "规模以上服务业": SERVICE_ABOVE_SCALE,
            "规上服务业企业": SERVICE_ABOVE_SCALE, "规模以上服务业企业": SERVICE_ABOVE_SCALE,
        },
    ),
    Column(
        TRADE, True, "choice", ("所属行业", "行业门类", "行业类别", "国民经济行业"),
        RETAIL_TRADES + SERVICE_SECTORS,
        {
            "批发": "批发业", "零售": "零售业", "住宿": "住宿业", "餐饮": "餐饮业",
            "卫生": "卫生和社会工作", "文化、体育和娱乐": "文化、体育和娱乐业",
            "水利、环境和公共设施管理": "水利、环境和公共设施管理业",
            "居民服务、修理和其他服务": "居民服务、修理和其他服务业",
            "租赁和商务服务": "租赁和商务服务业", "交通运输、仓储和邮政": "交通运输、仓储和邮政业",
        },
    ),
    Column(STATUS, True, "choice", _STATUS_ALIASES, SERVICE_STATUSES, _SERVICE_STATUS_VALUE_ALIASES),
    Column(RESUMED_ON, False, "date", _DATE_ALIASES + ("复业日期", "复工营业时间")),
    Column(STAFF, False, "int", _STAFF_ALIASES),
    Column(RETURNED, False, "int", _RETURNED_ALIASES),
    Column(REASON, False, "text", _REASON_ALIASES),
    Column(EXPECTED, False, "text", _EXPECTED_ALIASES),
)

INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column(INDICATOR, True, "text", ("指标名称", "项目", "指标项")),
    Column(UNIT, True, "choice", ("计量单位", "单位（万元）"), INDICATOR_UNITS),
    Column(CURRENT, True, "number", ("本期数", "本年累计", "1-本月", "本月止累计", "本期值")),
    Column(LAST_YEAR, False, "number", ("上年同期数", "去年同期", "上年同期累计", "上年同期值")),
    Column(GROWTH, False, "number", ("增速（%）", "增速(%)", "同比增长", "同比增速", "增长（%）", "增长(%)")),
    Column(TARGET, False, "number", ("目标值", "计划", "目标数", "全年目标", "阶段目标")),
    Column(TARGET_GROWTH, False, "number", ("目标增速（%）", "目标增速(%)", "计划增速")),
)

ENTERPRISE_INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column(NAME, True, "text", _NAME_ALIASES),
    Column(INDICATOR, True, "text", ("指标名称", "项目")),
    Column(CURRENT, True, "number", ("本期数", "本年累计", "本期值")),
    Column(LAST_YEAR, True, "number", ("上年同期数", "去年同期", "上年同期值")),
)

COLUMNS_BY_KIND: dict[str, tuple[Column, ...]] = {
    INDUSTRY: INDUSTRY_COLUMNS,
    SERVICE: SERVICE_COLUMNS,
    INDICATORS: INDICATOR_COLUMNS,
    ENTERPRISE_INDICATORS: ENTERPRISE_INDICATOR_COLUMNS,
}

# the indicators the seed report names, in its order, with the verb it uses
SEED_INDICATORS = (
    "规模以上工业总产值",
    "规模以上工业增加值",
    "批发业销售额",
    "零售业销售额",
    "住宿业营业额",
    "餐饮业营业额",
)


def industry_group_label(scales: pd.Series) -> pd.Series:
    """规上/规下 -> 规上工业/规下工业, the group names the report and its 附表 use (categorical
    as read: the few categories renamed, codes kept)."""
    if scales.dtype == "category":
        return scales.cat.rename_categories([f"{c}工业" for c in scales.cat.categories])
    return scales.astype(object) + "工业"

# Columns of the 附表 holding percent values (81.25 means 81.25 %).
PERCENT_COLUMNS = ("复工率", "增速", "目标增速", "完成率", "时序进度", "返岗率",
                   "工业复工率", "服务业复工率")  # the last two: the city's per-county table

"""A seeded, realistic example county in the canonical (clean) ledger format.

It feeds the shipped example data (`data/example/`), tests and performance runs. Every value is
drawn from one seed with vectorised numpy (no per-row Python), so a million rows take seconds
and a seed always gives the same data. Each ledger draws from its own stream, so changing the
number of service rows leaves the industry ledger unchanged. Messy real-world variants (title
rows, aliases, numbers as text) are derived elsewhere from these clean frames.

Model, in brief: 春节 is day 0; enterprises on holiday resume on 正月初八 (day 7), 正月十六
(day 15) or a gamma-shaped day peaking around day 7–10; a share has no date yet (not resumed)
and a few resume after the as-of date. 规上 resume faster than 规下. Service indicators are
county-level figures that do not scale with the number of service rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from fuchan_lib.core import creditcode
from fuchan_lib.core import schema
from fuchan_lib.core.text import excel_width

REGION_CODE = "369901"  # 行政区划码 of the fictitious county (36 = 江西; 3699xx is not real)
TOWNS = tuple("城关镇 工业园区 东山镇 西河镇 南岭乡 北坪镇 石桥镇 龙口镇 新田乡 高坪乡".split())

# 字号 characters: two of them (three or more for huge ledgers) make a unique 字号 per enterprise
_ZIHAO_CHARS = tuple(dict.fromkeys(
    "鑫达华盛恒泰宏源兴隆昌顺丰瑞祥福康宁安永佳信诚明辉光正中和新金银宝德利民众联合"
    "创远通海天山川江河湖森林绿青蓝红东南北春秋阳晨星月龙凤鹏腾飞跃升荣旺发富贵嘉豪"
    "雅博智睿航宇晟昊坤乾元亨锦绣鸿运景峰泉溪岭竹松梅兰禾田润泽汇聚邦成业美家乐平友"
    "谊好百万吉如意广益久亿洪振建骏"
))
_COMPANY = ("有限公司", "有限责任公司", "股份有限公司")
_INDUSTRY_WORDS = tuple("""
    机械制造 装备制造 新型建材 水泥 商品混凝土 砂石 食品 生态食品 农产品开发 茶业 米业 酒业
    饮品 药业 生物科技 电子科技 光电科技 新材料 化工 塑料制品 纺织 服饰 鞋业 家具 竹木制品
    五金制品 金属制品 矿业 陶瓷 印刷包装 电力设备 汽车配件 环保科技 石材 再生资源
""".split())


def _tails(words: str, suffix: str = "有限公司") -> tuple[str, ...]:
    """Name endings from space-separated words; a word ending in "!" takes no suffix."""
    return tuple(w[:-1] if w.endswith("!") else w + suffix for w in words.split())


# endings per (类别, 行业); every ending is a complete tail, so names are county + 字号 + ending
_QUOTA, _INDIVIDUAL, _ABOVE = schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL, schema.SERVICE_ABOVE_SCALE
_SERVICE_ENDINGS = {
    (_QUOTA, "批发业"): _tails("商贸 贸易 物资 医药 农资 粮油贸易"),
    (_QUOTA, "零售业"): _tails("超市 百货 购物广场 汽车销售服务 大药房 家电"),
    (_QUOTA, "住宿业"): _tails("酒店 大酒店 宾馆 酒店管理 度假村"),
    (_QUOTA, "餐饮业"): _tails("餐饮 餐饮管理 饮食服务 食府"),
    (_INDIVIDUAL, "批发业"): _tails("商行 批发部 粮油批发部 建材经营部", ""),
    (_INDIVIDUAL, "零售业"): _tails("超市 便利店 副食商店 家电商场 药店 日杂店", ""),
    (_INDIVIDUAL, "住宿业"): _tails("宾馆 旅社 客栈 民宿", ""),
    (_INDIVIDUAL, "餐饮业"): _tails("饭店 餐馆 酒楼 小吃店 火锅店 农家乐", ""),
    (_ABOVE, "交通运输、仓储和邮政业"): _tails("物流 运输 公共交通 客运"),
    (_ABOVE, "信息传输、软件和信息技术服务业"): _tails("网络科技 信息技术 软件"),
    (_ABOVE, "房地产业"): _tails("物业服务 物业管理 房产经纪"),
    (_ABOVE, "租赁和商务服务业"): _tails("人力资源 商务咨询 企业管理 广告 设备租赁 旅行社"),
    (_ABOVE, "科学研究和技术服务业"): _tails("工程设计 检测 勘察设计 技术服务"),
    (_ABOVE, "水利、环境和公共设施管理业"): _tails("环卫 园林绿化 水务 旅游开发"),
    (_ABOVE, "居民服务、修理和其他服务业"): _tails("家政服务 汽车维修 洗涤服务 殡葬服务"),
    (_ABOVE, "教育"): _tails("职业技能培训学校! 教育科技 培训学校"),
    (_ABOVE, "卫生和社会工作"): _tails("医院! 医院 养老服务 康复中心"),
    (_ABOVE, "文化、体育和娱乐业"): _tails("文化传媒 影城 体育发展 文化旅游"),
}

INDUSTRY_REASONS = tuple("订单不足 原材料短缺 设备检修 用工不足 资金困难 用电受限 技术改造 环保整改".split())
SERVICE_REASONS = tuple("客流不足 用工不足 店面装修 资金困难 经营者返乡未归 租约到期 货源不足".split())
INDUSTRY_LONG_STOP_REASONS = ("经营困难", "停产整顿", "拟注销", "订单不足", "厂房搬迁")
SERVICE_LONG_STOP_REASONS = ("经营困难", "停业整顿", "拟注销", "拟转让", "店面拆迁")
# reason weights per group (rows as the groups below, columns as the reason tuples)
_INDUSTRY_REASON_W = np.array([
    [2.0, 1.5, 1.5, 1.0, 1.0, 3.0, 1.0, 0.5],  # 规上: power limits hit the big plants
    [3.0, 1.5, 1.2, 1.5, 1.5, 1.0, 0.5, 0.5],
])
_SERVICE_REASON_W = np.array([
    [2.0, 1.5, 1.0, 1.0, 0.5, 0.5, 1.0],
    [2.0, 1.5, 1.0, 1.5, 1.5, 1.0, 0.5],
    [1.0, 2.0, 0.5, 1.5, 0.5, 0.5, 0.5],
])

# --- per-group behaviour. Groups: industry 0 = 规上, 1 = 规下; service = index in CATEGORIES ---
# 春节期间状态 probabilities (正常, 放假, 长期)
_INDUSTRY_STATUS_P = np.array([[0.22, 0.75, 0.03], [0.11, 0.838, 0.052]])
_SERVICE_STATUS_P = np.array([[0.35, 0.62, 0.03], [0.30, 0.65, 0.05], [0.25, 0.73, 0.02]])


class _Resumption:
    """How an on-holiday group resumes: shares blank / late / 初八 / 正月十六, gamma otherwise."""

    def __init__(self, blank, late, day7, day15, shift, theta):
        self.p = np.array([blank, late, day7, day15])
        self.shift, self.theta = shift, theta


_INDUSTRY_RESUMPTION = (
    _Resumption(0.02, 0.02, 0.35, 0.08, 3, 1.6),
    _Resumption(0.09, 0.03, 0.22, 0.10, 4, 2.6),
)
_SERVICE_RESUMPTION = (
    _Resumption(0.04, 0.02, 0.30, 0.08, 2, 1.8),
    _Resumption(0.09, 0.03, 0.22, 0.10, 3, 2.4),
    _Resumption(0.03, 0.02, 0.35, 0.08, 3, 1.6),
)
# staff: (median, sigma, min, max) of a log-normal
_INDUSTRY_STAFF = ((110, 0.7, 20, 5000), (14, 0.6, 3, 300))
_SERVICE_STAFF = ((22, 0.6, 5, 800), (5, 0.5, 1, 50), (60, 0.7, 10, 3000))

_TOWN_P_INDUSTRY = np.array([
    [0.20, 0.45] + [0.35 / 8] * 8,  # 规上: mostly in the park
    [0.16, 0.26] + [0.58 / 8] * 8,
])
_TOWN_P_SERVICE = np.array([0.42, 0.06] + [0.52 / 8] * 8)
_CATEGORY_P = np.array([0.25, 0.55, 0.20])
_RETAIL_TRADE_P = {schema.RETAIL_ABOVE_QUOTA: [0.30, 0.35, 0.12, 0.23], schema.BIG_INDIVIDUAL: [0.15, 0.45, 0.10, 0.30]}
_SECTOR_P = dict(zip(schema.SERVICE_SECTORS, (0.16, 0.06, 0.07, 0.20, 0.06, 0.10, 0.10, 0.07, 0.09, 0.09)))

# indicators: (base 本期 in 万元 or None = from the enterprise form, growth range %, 目标增速 %)
_INDICATOR_MODEL = {
    "规模以上工业总产值": (None, (7.0, 11.0), 10.0),
    "规模以上工业增加值": (None, (5.0, 8.0), 8.0),
    "批发业销售额": (31000.0, (3.0, 9.0), 8.0),
    "零售业销售额": (19500.0, (3.0, 8.0), 7.0),
    "住宿业营业额": (950.0, (-8.0, -2.0), 5.0),
    "餐饮业营业额": (3700.0, (8.0, 15.0), 12.0),
}
# 本期 is January (the as-of date is mid-February, so January is the latest month published);
# the targets are for the first quarter, about 3.2 × January (the festival month is weak)
_Q1_OVER_JANUARY = 3.2
_GROSS_OUTPUT_PER_FIRM = 650.0  # 万元 per 规上 enterprise in January (120 firms ≈ 7.8 亿元)

_STREAM_INDUSTRY, _STREAM_SERVICE, _STREAM_INDICATORS = 1, 2, 3
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_CORE_TIME = "2023-01-01T00:00:00Z"


def make_county(
    n_industry: int = 1200,
    n_service: int = 600,
    *,
    seed: int = 2023,
    spring_festival: date = date(2023, 1, 22),
    as_of: date = date(2023, 2, 15),
    county: str = "示例县",
) -> dict[str, pd.DataFrame]:
    """The four canonical frames of one fictitious county, keyed by schema ledger kind."""
    if n_industry < 0 or n_service < 0:
        raise ValueError(f"企业户数不能为负：工业 {n_industry}，服务业 {n_service}")
    if as_of < spring_festival:
        raise ValueError(f"截止日期 {as_of} 早于春节 {spring_festival}")
    festival = np.datetime64(spring_festival, "D")
    cutoff = np.datetime64(as_of, "D")
    rng_industry = np.random.default_rng([seed, _STREAM_INDUSTRY])
    rng_service = np.random.default_rng([seed, _STREAM_SERVICE])
    industry = _make_industry(rng_industry, n_industry, festival, cutoff, county)
    service = _make_service(rng_service, n_service, festival, cutoff, county)
    rng = np.random.default_rng([seed, _STREAM_INDICATORS])
    enterprise = _make_enterprise_indicators(rng, industry)
    indicators = _make_indicators(rng, enterprise)
    return {
        schema.INDUSTRY: industry,
        schema.SERVICE: service,
        schema.INDICATORS: indicators,
        schema.ENTERPRISE_INDICATORS: enterprise,
    }


def write_county(frames: dict[str, pd.DataFrame], out_dir: Path, fmt: str = "xlsx") -> list[Path]:
    """Write one `<key>.<fmt>` per frame; xlsx is byte-stable for equal data, csv is UTF-8 with BOM."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"不支持的输出格式“{fmt}”，可选：xlsx、csv")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, frame in frames.items():
        path = out_dir / f"{key}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")
        else:
            _write_xlsx(frame, path, sheet=key)
        paths.append(path)
    return paths


# --- ledgers ---------------------------------------------------------------------------------


def _make_industry(rng, n, festival, cutoff, county) -> pd.DataFrame:
    group = (rng.random(n) >= 0.10).astype(np.intp)  # 0 = 规上 (~10%), 1 = 规下
    status = _pick(rng, _INDUSTRY_STATUS_P, group)
    town = _pick(rng, _TOWN_P_INDUSTRY, group)
    words = np.array(_INDUSTRY_WORDS)[rng.integers(0, len(_INDUSTRY_WORDS), n)]
    suffix = _pick(rng, [[0.70, 0.15, 0.15], [0.80, 0.20, 0.0]], group)
    endings = np.strings.add(words, np.array(_COMPANY)[suffix])
    names = np.strings.add(np.strings.add(county, _unique_zihao(rng, n)), endings)
    codes = _credit_codes(rng, n, np.full(n, 1), id_offset=0, ma_share=0.5)
    frame = _ledger_body(
        rng, group, status, festival, cutoff, _INDUSTRY_RESUMPTION, _INDUSTRY_STAFF,
        (INDUSTRY_REASONS, _INDUSTRY_REASON_W, INDUSTRY_LONG_STOP_REASONS),
    )
    frame.insert(0, schema.NAME, pd.array(names, dtype="str"))
    frame.insert(1, schema.CREDIT_CODE, pd.array(codes, dtype="str"))
    frame.insert(2, schema.TOWN, _labels(TOWNS, town))
    frame.insert(3, schema.SCALE, _labels(schema.SCALES, group))
    frame.insert(4, schema.STATUS, _labels(schema.INDUSTRY_STATUSES, status))
    return frame[[c.name for c in schema.INDUSTRY_COLUMNS if c.name in frame]]  # 预计复工日期 not made


def _make_service(rng, n, festival, cutoff, county) -> pd.DataFrame:
    group = _pick(rng, _CATEGORY_P, n=n)
    trades = np.array(schema.RETAIL_TRADES + schema.SERVICE_SECTORS)
    trade = np.empty(n, dtype=np.intp)
    for g, category in enumerate(schema.CATEGORIES):
        rows = np.flatnonzero(group == g)
        if category == schema.SERVICE_ABOVE_SCALE:
            p = np.array([_SECTOR_P[s] for s in schema.SERVICE_SECTORS])
            trade[rows] = len(schema.RETAIL_TRADES) + _pick(rng, p, n=len(rows))
        else:
            p = np.array(_RETAIL_TRADE_P[category])
            trade[rows] = _pick(rng, p, n=len(rows))
    status = _pick(rng, _SERVICE_STATUS_P, group)
    town = _pick(rng, _TOWN_P_SERVICE, n=n)
    endings = np.empty(n, dtype=object)
    for (category, trade_name), options in _SERVICE_ENDINGS.items():
        rows = np.flatnonzero((group == schema.CATEGORIES.index(category)) & (trades[trade] == trade_name))
        endings[rows] = np.array(options, dtype=object)[rng.integers(0, len(options), len(rows))]
    individual = group == schema.CATEGORIES.index(schema.BIG_INDIVIDUAL)
    prefix = np.where(individual, np.strings.add(county, np.array(TOWNS)[town]), county)  # 个体 carry the town
    names = np.strings.add(np.strings.add(prefix, _unique_zihao(rng, n)), endings.astype(str))
    kind = np.where(individual, 2, 1)  # 机构类别: 1 企业, 2 个体工商户
    codes = _credit_codes(rng, n, kind, id_offset=50_000_000, ma_share=np.where(individual, 1.0, 0.5))
    frame = _ledger_body(
        rng, group, status, festival, cutoff, _SERVICE_RESUMPTION, _SERVICE_STAFF,
        (SERVICE_REASONS, _SERVICE_REASON_W, SERVICE_LONG_STOP_REASONS),
    )
    frame.insert(0, schema.NAME, pd.array(names, dtype="str"))
    frame.insert(1, schema.CREDIT_CODE, pd.array(codes, dtype="str"))
    frame.insert(2, schema.TOWN, _labels(TOWNS, town))
    frame.insert(3, schema.CATEGORY, _labels(schema.CATEGORIES, group))
    frame.insert(4, schema.TRADE, _labels(trades, trade))
    frame.insert(5, schema.STATUS, _labels(schema.SERVICE_STATUSES, status))
    return frame[[c.name for c in schema.SERVICE_COLUMNS if c.name in frame]]


def _ledger_body(rng, group, status, festival, cutoff, resumption, staff_model, reasons) -> pd.DataFrame:
    """复工日期, 从业人员, 已返岗人数, 未复工原因 for rows with the given group and status (0/1/2).

    `reasons` is (reasons for not yet resumed, their weights per group, reasons for 长期停产/停业).
    """
    n = len(group)
    holiday, long_stopped = status == 1, status == 2
    dates = _resumption_dates(rng, group, festival, cutoff, resumption)
    dates[~holiday] = np.datetime64("NaT")
    resumed = holiday & (dates <= cutoff)  # NaT compares False
    waiting = holiday & ~resumed

    median, sigma, low, high = (np.array(col)[group] for col in zip(*staff_model))
    staff = np.clip(np.rint(median * rng.lognormal(0.0, sigma)), low, high).astype(np.int64)
    share = np.where(waiting, rng.beta(0.8, 6.0, n), rng.beta(12.0, 1.5, n))
    share = np.where(long_stopped, rng.beta(0.3, 12.0, n), share)
    returned = np.floor(staff * share).astype(np.int64)
    returned = np.where(long_stopped | waiting, returned, np.maximum(returned, 1))

    waiting_reasons, weights, long_reasons = reasons
    reason = np.full(n, None, dtype=object)
    reason[waiting] = np.array(waiting_reasons, dtype=object)[_pick(rng, weights, group[waiting])]
    picks = rng.integers(0, len(long_reasons), int(long_stopped.sum()))
    reason[long_stopped] = np.array(long_reasons, dtype=object)[picks]
    return pd.DataFrame({
        schema.RESUMED_ON: dates.astype("datetime64[s]"),
        schema.STAFF: staff,
        schema.RETURNED: returned,
        schema.REASON: pd.array(reason, dtype="str"),
    })


def _resumption_dates(rng, group, festival, cutoff, resumption) -> np.ndarray:
    """A resumption date per row (NaT = not resumed yet); never before the festival day + 1."""
    n = len(group)
    p = np.array([r.p for r in resumption])
    kind = _pick(rng, np.column_stack([p, 1.0 - p.sum(axis=1)]), group)  # blank late 初八 十六 gamma
    shift = np.array([r.shift for r in resumption])[group]
    theta = np.array([r.theta for r in resumption])[group]
    offset = shift + np.floor(rng.gamma(3.0, theta)).astype(np.int64)
    offset = np.where(kind == 2, 7, np.where(kind == 3, 15, np.maximum(offset, 1)))
    dates = festival + offset.astype("timedelta64[D]")
    late = cutoff + rng.integers(1, 22, n).astype("timedelta64[D]")
    dates = np.where(kind == 1, late, dates)
    return np.where(kind == 0, np.datetime64("NaT", "D"), dates)


# --- indicators ------------------------------------------------------------------------------


def _make_enterprise_indicators(rng, industry: pd.DataFrame) -> pd.DataFrame:
    """Gross output of each 规上 enterprise, this period and the same period last year (万元)."""
    above = industry[industry[schema.SCALE] == schema.ABOVE_SCALE]
    k = len(above)
    weight = above[schema.STAFF].to_numpy(float) * rng.lognormal(0.0, 0.6, k)
    total = _GROSS_OUTPUT_PER_FIRM * k * rng.uniform(0.9, 1.1)
    current = np.maximum(np.rint(weight / max(weight.sum(), 1.0) * total), 1.0)
    growth = np.clip(rng.normal(0.07, 0.18, k), -0.6, 1.5)
    last = np.maximum(np.rint(current / (1.0 + growth)), 1.0)
    stopped = (above[schema.STATUS] == "长期停产").to_numpy()
    last = np.where(stopped, np.maximum(np.rint(current * rng.uniform(0.3, 1.0, k)), 1.0), last)
    current = np.where(stopped, 0.0, current)
    return pd.DataFrame({
        schema.NAME: above[schema.NAME].to_numpy(),
        schema.INDICATOR: pd.array(["规模以上工业总产值"] * k, dtype="str"),
        schema.CURRENT: current,
        schema.LAST_YEAR: last,
    })[[c.name for c in schema.ENTERPRISE_INDICATOR_COLUMNS]]


def _make_indicators(rng, enterprise: pd.DataFrame) -> pd.DataFrame:
    """One row per seed indicator in 万元; 增速 only for 增加值 (the official comparable-price rate)."""
    gross = float(enterprise[schema.CURRENT].sum())
    rows = []
    for name, (base, (low, high), target_growth) in _INDICATOR_MODEL.items():
        growth = round(rng.uniform(low, high), 1)
        official = None
        if name == "规模以上工业总产值":
            current = gross
        elif name == "规模以上工业增加值":
            current = round(gross * rng.uniform(0.25, 0.29), 1)
            official = growth
            growth = growth + rng.uniform(1.0, 3.0)  # nominal growth runs above the real rate
        else:
            current = round(base * rng.uniform(0.9, 1.1), 1)
        last = round(current / (1.0 + growth / 100.0), 1)
        target = _round_target(last * _Q1_OVER_JANUARY * (1.0 + target_growth / 100.0))
        rows.append((name, "万元", current, last, official, target, target_growth))
    columns = [c.name for c in schema.INDICATOR_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    frame[schema.GROWTH] = frame[schema.GROWTH].astype(float)
    for col in (schema.INDICATOR, schema.UNIT):
        frame[col] = frame[col].astype("str")
    return frame


def _round_target(value: float) -> float:
    """Targets are round numbers: to 100 万元 above 10000, to 10 below."""
    step = 100.0 if value >= 10000 else 10.0
    return float(np.floor(value / step + 0.5) * step)


# --- identities ------------------------------------------------------------------------------


def _unique_zihao(rng, n) -> np.ndarray:
    """n distinct 字号 of 2 characters (more when n is large), as a numpy str array."""
    chars = np.array(_ZIHAO_CHARS)
    size = len(chars)
    length = 2
    while size**length < 4 * n:
        length += 1
    ids = rng.choice(size**length, n, replace=False) if n else np.zeros(0, np.int64)
    out = np.full(n, "", dtype=f"<U{length}")
    for _ in range(length):
        out = np.strings.add(out, chars[ids % size])
        ids = ids // size
    return out


def _credit_codes(rng, n, kind, *, id_offset, ma_share) -> np.ndarray:
    """n distinct valid codes: 9 (市场监管) + kind + region + 主体标识码 + check digit."""
    charset = creditcode.CHARSET
    ids = rng.choice(50_000_000, n, replace=False).astype(np.int64) + id_offset
    ma = rng.random(n) < ma_share  # newer registrations: "MA" + 6 base-31 characters
    body = np.empty((n, 8), dtype=np.uint8)  # 主体标识码 body as charset values
    rest = ids.copy()
    for col in range(7, -1, -1):  # 8 decimal digits for the old style
        body[:, col] = rest % 10
        rest //= 10
    rest = ids.copy()
    for col in range(7, 1, -1):
        body[ma, col] = (rest % 31)[ma]
        rest //= 31
    body[ma, 0], body[ma, 1] = charset.index("M"), charset.index("A")
    values = np.empty((n, 17), dtype=np.uint8)
    values[:, 0] = 9
    values[:, 1] = kind
    values[:, 2:8] = [int(c) for c in REGION_CODE]
    values[:, 8:16] = body
    values[:, 16] = _org_check(body)
    return creditcode.codes_from_values(values)


def _org_check(body: np.ndarray) -> np.ndarray:
    """GB 11714 check character (as a charset value) of an 8-character 组织机构代码 body."""
    gb_value = np.array([int(c, 36) for c in creditcode.CHARSET], dtype=np.int32)[body]
    c = 11 - (gb_value @ np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int32)) % 11
    return np.where(c == 10, creditcode.CHARSET.index("X"), np.where(c == 11, 0, c))


def _pick(rng, table: np.ndarray, group: np.ndarray | None = None, n: int | None = None) -> np.ndarray:
    """One category index per row: row i draws from probabilities table[group[i]] (inverse CDF).

    Without `group`, `table` is one probability vector shared by `n` rows.
    """
    table = np.atleast_2d(np.asarray(table, dtype=float))
    if group is None:
        group = np.zeros(n, dtype=np.intp)
    cum = np.cumsum(table, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(group))
    out = np.empty(len(group), dtype=np.intp)
    for g in range(len(table)):
        rows = group == g
        out[rows] = np.searchsorted(cum[g], u[rows], side="right")
    return np.minimum(out, table.shape[1] - 1)


def _labels(values, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A str column from a few labels; rows share the label objects, which keeps memory small."""
    return pd.array(np.array(values, dtype=object)[index], dtype="str")


# --- xlsx ------------------------------------------------------------------------------------


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """Header in row 1, dates as yyyy-mm-dd, readable widths; timestamps fixed for byte stability."""
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as writer:  # its date_format is ignored by openpyxl
        frame.to_excel(writer, sheet_name=sheet, index=False)
        sheet_obj = writer.sheets[sheet]
        for i, column in enumerate(frame.columns):
            letter = get_column_letter(i + 1)
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                for (cell,) in sheet_obj.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                    cell.number_format = "yyyy-mm-dd"
                width = max(excel_width(str(column)), 10)
            else:
                sample = [str(column)] + [str(v) for v in frame[column].head(500) if not pd.isna(v)]
                width = max(excel_width(s) for s in sample)
            sheet_obj.column_dimensions[letter].width = min(width + 2, 60)
        sheet_obj.freeze_panes = "A2"
    _fix_timestamps(path)



def _fix_timestamps(path: Path) -> None:
    """Rewrite the xlsx zip with fixed entry times and document dates, so equal data = equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + _FIXED_CORE_TIME.encode() + rb"\g<3>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())

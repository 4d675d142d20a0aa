"""The params file: one YAML per county and period, edited by the statistician (DESIGN §2).

Loaded into a frozen, strict pydantic model: an unknown key is an error naming the key and the
allowed ones. YAML is read with every scalar as text (`yaml_text`, which also explains the usual typing
slips); pydantic then converts each value to the declared type, and dates must be real dates.
Every problem of the file is reported at once, each with its line and, for a misspelt key or
value, the closest allowed one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.names import name_validator
from fuchan_lib.core.quarters import last_full_month_end
from fuchan_lib.core.text import DATE_YMD
from fuchan_lib.core.messages import closest, did_you_mean, quoted
from fuchan_lib.core.yaml_text import describe_slip, raise_problems, read_yaml

# what the .docx may carry after the 附件说明, in this order (the 附表 in tables/ are always written)
ATTACHMENT_CHOICES = ("分类表", "行业表", "乡镇表", "规上限上未复工企业", "未复工企业清单", "复工变化",
                      "图表")
# short by default (the example under 12 pages): the full list runs to a dozen pages, the charts
# to three, and the 分类表 repeats what the text states group by group
DEFAULT_ATTACHMENTS = ("行业表", "乡镇表", "规上限上未复工企业", "复工变化")
AttachmentChoice = Literal[ATTACHMENT_CHOICES]

RATE_BASIS_NEEDING = "需复工"
RATE_BASIS_INCLUDING_RUNNING = "含正常生产"


def _date_or_text(value):
    """2023-2-22, 2023年2月22日, 2023/2/22, 2023.2.22 -> date; anything else left for pydantic."""
    if isinstance(value, str) and (m := DATE_YMD.fullmatch(value.strip())):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return value
    return value


def parse_date_text(value: str | date, what: str = "截止日期") -> date:
    """A date the user typed (CLI option, notebook cell) in any form the params accept."""
    if isinstance(value, date):
        return value
    day = _date_or_text(str(value))
    if isinstance(day, date):
        return day
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParamsError(
            f"{what}的值“{value}”不是有效日期，请写成 2023-02-22 或 2023年2月22日 这样的日期"
        ) from None


UserDate = Annotated[date, BeforeValidator(_date_or_text)]


def _percent_text(value):
    """'90%' or '90％' -> '90' (a share typed as a percent); anything else left for pydantic."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return value.strip()[:-1].strip()
    return value


# a percent from 0 to 100, written 90 or 90%
UserPercent = Annotated[float, BeforeValidator(_percent_text)]
DEFAULT_AT_WORK_THRESHOLD = 90.0


class StrictModel(BaseModel):
    """Frozen, and an unknown key is an error: every model of a params file."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=False)


class LedgerSource(StrictModel):
    """One ledger file (or folder), with the one sheet to read when not every sheet whose
    header fits should be read."""

    path: str = Field(alias="路径")
    sheet: str | None = Field(default=None, alias="工作表")


# a ledger entry: a file or folder, one with its sheet, or a list of them (ingest.ledger reads it)
LedgerEntry = str | LedgerSource | Annotated[tuple[str | LedgerSource, ...], Field(min_length=1)]


class DataFiles(StrictModel):
    industry: LedgerEntry = Field(alias=schema.INDUSTRY)
    service: LedgerEntry = Field(alias=schema.SERVICE)
    indicators: LedgerEntry | None = Field(default=None, alias=schema.INDICATORS)
    enterprise_indicators: LedgerEntry | None = Field(default=None, alias=schema.ENTERPRISE_INDICATORS)


class Fonts(StrictModel):
    """Font names of the .docx; many offices use plain 仿宋/楷体 instead of the GB2312 ones."""

    title: str = Field(default="方正小标宋简体", alias="标题")
    body: str = Field(default="仿宋_GB2312", alias="正文")
    heading1: str = Field(default="黑体", alias="一级标题")
    heading2: str = Field(default="楷体_GB2312", alias="二级标题")
    page_number: str = Field(default="宋体", alias="页码")


class Acknowledgement(StrictModel):
    """A 数据审核 warning the statistician has checked and explained (like 强制上报 with 说明)."""

    rule: str = Field(alias="规则")
    enterprise: str | None = Field(default=None, alias="企业")
    note: str = Field(alias="说明", min_length=2)


class ReportParams(StrictModel):
    """What county and city params share, declared once: the sender, the as-of date, 口径 and
    digits, the template, the output folder and fonts; paths relative to the file, the title.
    Each level puts its own name (and 主送机关) first by a small base class before this one,
    so messages list the keys in the order a params file is written."""

    # set by load_model: the folder paths are relative to, and the file itself
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)
    organisation: Annotated[str, name_validator("报告单位")] = Field(alias="报告单位", min_length=1)
    as_of: UserDate = Field(alias="截止日期")
    rate_basis: Literal["需复工", "含正常生产"] = Field(default=RATE_BASIS_NEEDING, alias="复工率口径")
    digits: int = Field(default=1, ge=0, le=4, alias="小数位数")
    narrative: str | None = Field(default=None, alias="叙述模板")
    output_dir: str = Field(default="../outputs", alias="输出目录")
    fonts: Fonts = Field(default_factory=Fonts, alias="字体")

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def output_path(self) -> Path:
        return self.resolve(self.output_dir)

    @property
    def narrative_path(self) -> Path | None:
        return None if self.narrative is None else self.resolve(self.narrative)

    @property
    def report_title(self) -> str:
        return f"{self.organisation}关于工业和服务业复工复产工作情况的报告"


class CountyName(StrictModel):
    """The county's name and whom its report is addressed to (first in a county's params)."""

    county: Annotated[str, name_validator("县名")] = Field(alias="县名", min_length=1)
    addressee: str = Field(default="县人大常委会", alias="主送机关")


class Params(ReportParams, CountyName):
    directory_date: UserDate = Field(alias="名录截止日期")
    spring_festival: UserDate = Field(alias="春节")
    stated_report_date: UserDate | None = Field(default=None, alias="报告日期")
    target_end: UserDate | None = Field(default=None, alias="目标截止")
    indicator_period_end: UserDate | None = Field(default=None, alias="指标期末")
    money_unit: Literal["自动", "万元", "亿元"] = Field(default="自动", alias="金额单位")
    data: DataFiles = Field(alias="数据")
    attachments: tuple[AttachmentChoice, ...] = Field(default=DEFAULT_ATTACHMENTS, alias="报告附件")
    acknowledged: tuple[Acknowledgement, ...] = Field(default=(), alias="审核说明")
    towns: tuple[str, ...] = Field(default=(), alias="乡镇")  # the county's own order of townships
    # "人员到岗率90%以上的企业": a resumed firm counts when 已返岗人数/从业人员 reaches this percent
    at_work_threshold: UserPercent = Field(default=DEFAULT_AT_WORK_THRESHOLD, gt=0, le=100, alias="到岗率门槛")
    # 较上年同期: a run folder of last year's 春节 (else the output folder is searched for one)
    last_year_run: str | None = Field(default=None, alias="上年同期运行")

    # set by with_as_of: the 截止日期 the file states, which its 报告日期 goes with
    stated_as_of: date | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.as_of < self.spring_festival:
            raise ValueError(
                f"截止日期 {self.as_of} 早于春节 {self.spring_festival}：截止日期应在春节之后"
            )
        if self.stated_report_date is not None and self.stated_report_date < self.as_of:
            raise ValueError(f"报告日期 {self.stated_report_date} 早于截止日期 {self.as_of}")
        return self

    def ledger(self, kind: str) -> list[tuple[Path, str | None]] | None:
        """(path, sheet) of each file or folder of a ledger kind, in the order written, or None
        when the params do not name one."""
        field = {
            schema.INDUSTRY: "industry",
            schema.SERVICE: "service",
            schema.INDICATORS: "indicators",
            schema.ENTERPRISE_INDICATORS: "enterprise_indicators",
        }[kind]
        source = getattr(self.data, field)
        if source is None:
            return None
        entries = source if isinstance(source, tuple) else (source,)
        return [(self.resolve(e), None) if isinstance(e, str) else (self.resolve(e.path), e.sheet)
                for e in entries]

    @property
    def indicator_period(self) -> date:
        """End of the period 经济指标 本期 covers: 指标期末, else the month before 截止日期."""
        if self.indicator_period_end is not None:
            return self.indicator_period_end
        return last_full_month_end(self.as_of)

    # --- 成文日期: one rule (docs in the params template and README) ---
    @property
    def report_gap_days(self) -> int:
        """Days from 截止日期 to 成文日期 the params file states (its 报告日期), else 1."""
        if self.stated_report_date is None:
            return 1
        return (self.stated_report_date - (self.stated_as_of or self.as_of)).days

    @property
    def report_date(self) -> date:
        """成文日期 = 截止日期 + (报告日期 − 截止日期 as the params file states them); the day
        after 截止日期 when the file has no 报告日期. Without --as-of this is the file's 报告日期;
        with --as-of the report is signed as many days after its own 截止日期."""
        return self.as_of + timedelta(days=self.report_gap_days)

    @property
    def report_date_rule(self) -> str:
        """Which rule gave the 成文日期, in the words `fuchan run` prints."""
        day = f"{self.report_date.year}年{self.report_date.month}月{self.report_date.day}日"
        if self.stated_report_date is None:
            return f"成文日期：{day}（参数文件没有填“报告日期”，取截止日期的次日）"
        if self.stated_as_of is None or self.stated_as_of == self.as_of:
            return f"成文日期：{day}（参数文件“报告日期”）"
        return (f"成文日期：{day}（截止日期改为{self.as_of.month}月{self.as_of.day}日，成文日期为其后"
                f"{self.report_gap_days}天，与参数文件中“报告日期”和“截止日期”的间隔相同）")

    def with_as_of(self, as_of: date) -> "Params":
        """The same params for another as-of date (`fuchan run --as-of`)."""
        if as_of < self.spring_festival:
            raise ParamsError(f"截止日期 {as_of} 早于春节 {self.spring_festival}，请检查 --as-of")
        return self.model_copy(update={"as_of": as_of, "stated_as_of": self.stated_as_of or self.as_of})


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias for n, f in model.model_fields.items() if f.alias and not f.exclude]


def _nested_model(annotation) -> type[BaseModel] | None:
    """The pydantic model inside a field's annotation (`Fonts`, `tuple[Acknowledgement, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: tuple, root: type[BaseModel] | None = None) -> type[BaseModel] | None:
    """The pydantic model that holds the key at `loc` (for listing allowed keys)."""
    model: type[BaseModel] = root or Params
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = next((f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        model = _nested_model(field.annotation)
        if model is None:
            return None
    return model


def _key_path(error: dict) -> tuple:
    """The user's key path of a pydantic error (without pydantic's union-branch names)."""
    return tuple(
        p for p in error["loc"]
        if not (isinstance(p, str) and (p in ("str", "LedgerSource")
                                        or p.startswith(("function-", "tagged-"))))
    )


def _describe(error: dict, suggested: set[tuple], root: type[BaseModel]) -> str | None:
    """One validation error in Chinese (None when another message already covers it)."""
    loc = _key_path(error)
    key = "·".join(f"第{p + 1}条" if isinstance(p, int) else p for p in loc) or "（整个文件）"
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(_model_at(loc, root) or root)
        hint = did_you_mean(loc[-1], allowed) if isinstance(loc[-1], str) else ""
        return (f"未知的参数“{key}”。{hint or '请检查拼写。'}"
                f"这一级允许的参数有：{quoted(allowed)}")
    if kind == "missing":
        return None if loc in suggested else f"缺少必填参数“{key}”，请补上"
    if kind.startswith("date"):
        return f"参数“{key}”的值“{value}”不是有效日期，请写成 2023-02-15 或 2023年2月15日 这样的日期"
    if kind in ("literal_error", "enum"):
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        hint = did_you_mean(str(value), allowed)
        return f"参数“{key}”的值“{value}”不在允许范围内，可选：{quoted(allowed)}。{hint}".rstrip("。")
    if kind.startswith(("int", "float", "greater", "less")):
        return f"参数“{key}”的值“{value}”应为{_number_words(_field_at(loc, root))}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "too_short":
        return f"参数“{key}”的列表是空的：请写上文件或文件夹，每个一行，以“- ”开头"
    if kind.startswith("string_too_short"):
        return f"参数“{key}”" + ("不能为空" if not value else f"的值“{value}”太短，请写清楚")
    if kind in ("model_type", "dict_type", "model_attributes_type", "string_type", "tuple_type"):
        return f"参数“{key}”的写法不对（得到“{value}”），请对照示例参数文件的缩进和写法"
    return f"参数“{key}”有误：{error['msg']}（值：{value!r}）"


def _field_at(loc: tuple, root: type[BaseModel]) -> FieldInfo | None:
    """The declared field of the key at `loc` (None when the key is not a field)."""
    model = _model_at(loc, root) if loc else None
    return next((f for f in model.model_fields.values() if f.alias == loc[-1]), None) if model else None


_BOUND_WORDS = (("gt", "大于"), ("ge", "不小于"), ("lt", "小于"), ("le", "不超过"))


def _number_words(field: FieldInfo | None) -> str:
    """What a numeric field takes, from its declared bounds (ge/gt/le/lt) and type: "0 到 4 之间
    的整数", "大于0、不超过100的百分数，如 90 或 90%". One wording for every bounded field."""
    bounds = {name: getattr(m, name) for m in (field.metadata if field else ())
              for name, _word in _BOUND_WORDS if hasattr(m, name)}
    noun = "整数" if field is not None and field.annotation is int else "数"
    if field is not None and any(getattr(m, "func", None) is _percent_text for m in field.metadata):
        example = field.default if isinstance(field.default, (int, float)) else None
        noun = "百分数" + (f"，如 {example:g} 或 {example:g}%" if example is not None else "")
    if bounds.keys() == {"ge", "le"}:
        return f" {bounds['ge']:g} 到 {bounds['le']:g} 之间的{noun}"  # "应为 0 到 4 之间的整数"
    limits = "、".join(f"{word}{bounds[name]:g}" for name, word in _BOUND_WORDS if name in bounds)
    return f"{limits}的{noun}" if limits else noun


def _suggested_missing(errors: list[dict], root: type[BaseModel]) -> set[tuple]:
    """Missing keys that an unknown key's "是不是想写" already points to (said once)."""
    found = set()
    for error in errors:
        loc = _key_path(error)
        if error["type"] == "extra_forbidden" and isinstance(loc[-1], str):
            for name in closest(loc[-1], _allowed_keys(_model_at(loc, root) or root), n=1):
                found.add(loc[:-1] + (name,))
    return found


def load_params(path: str | Path) -> Params:
    """Read and validate a params YAML; every problem becomes one Chinese ParamsError."""
    return load_model(path, Params, "请检查路径；本县第一次使用时，用 fuchan 新县 县名 生成参数文件")


def load_model(path: str | Path, model: type[StrictModel], missing_hint: str):
    """Read a YAML file (every scalar as text) into a strict model with `base_dir` and `source`
    set; every problem of the file in one Chinese ParamsError, each with its line. Shared by
    the county and city params."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"找不到参数文件“{path}”。{missing_hint}")
    doc = read_yaml(path, "参数文件")
    slips = [describe_slip(s, doc.lines) for s in doc.slips]
    if not isinstance(doc.data, dict):
        raise_problems("参数文件", path.name, slips + ["应是一行一个“键: 值”，请对照示例参数文件"])
    try:
        loaded = model.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors()
        suggested = _suggested_missing(errors, model)
        problems = []
        for error in errors:
            text = _describe(error, suggested, model)
            line = doc.line_of(_key_path(error))
            if text is not None and line not in {s.line for s in doc.slips}:
                problems.append((line or 0, f"第{line}行：{text}" if line else text))
        raise_problems("参数文件", path.name, slips + [t for _, t in sorted(problems, key=lambda p: p[0])])
    if slips:
        raise_problems("参数文件", path.name, slips)
    return loaded.model_copy(update={"base_dir": path.resolve().parent, "source": path.resolve()})


def default_params_path() -> Path:
    """The example county's params: in the working folder, else beside the installed package."""
    name = Path("params") / "示例县_2023Q1.yaml"
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (root / name).is_file():
            return root / name
    raise ParamsError(
        "没有指定参数文件，也找不到示例参数 params/示例县_2023Q1.yaml。"
        "请写明参数文件，例如：fuchan run params/本县_2023Q1.yaml"
    )

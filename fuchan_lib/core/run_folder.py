"""The run-folder contract: every file name in a run folder, the manifest, the fact-key registry.

A run folder (DESIGN §4) is written by `run.pipeline`, read back by `run.history` (`fuchan
list`, the week-over-week comparison) and by the notebooks; each name is defined here once and
imported everywhere else, and the manifest is one typed model that both writes and reads
manifest.json. The fact keys that other runs look up (headline, trend, week-over-week groups)
are registered here too, because a run reads them from runs that an older version wrote.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from fuchan_lib.core import schema
from fuchan_lib.core.text import atomic_write

# --- names inside a run folder -------------------------------------------------------------
FACTS_FILE = "facts.json"
MANIFEST_FILE = "manifest.json"
TABLES_DIR = "tables"
FIGURES_DIR = "figures"
NOTEBOOKS_DIR = "notebooks"
SNAPSHOT_FILE = "企业状态.csv"  # every enterprise's state, so the next week can name who changed
STAGED_INPUTS = ".inputs.pickle"  # canonical frames for the notebooks; removed before the move
STAGING_OWNER = ".owner.json"  # pid, host, start of the process building it; removed before the move
FAILED_DIR = "失败的运行"  # failed runs, beside the good ones in the output folder
STAGING_PREFIX = ".运行中-"  # a run being built; renamed into place only when it succeeded

TABLE_SECTIONS_INDUSTRY = "工业复工情况.xlsx"
TABLE_CATEGORY = "复工率_分类.xlsx"
TABLE_TRADE = "复工率_行业.xlsx"
TABLE_TOWN = "复工率_乡镇.xlsx"
TABLE_NOT_RESUMED = "未复工企业清单.xlsx"
TABLE_INDICATORS = "经济指标.xlsx"
TABLE_AUDIT = "审核清单.xlsx"
TABLE_CHANGES = "复工变化企业.xlsx"  # no "本周": the previous run may be 14 days back
FIGURE_CURVE = "1_复工进度曲线.png"
FIGURE_CATEGORY = "2_分类复工率.png"
FIGURE_TOWN = "3_乡镇复工率.png"
FIGURE_INDICATORS = "4_经济指标.png"
FIGURE_TREND = "5_复工率趋势.png"
TABLE_COUNTIES = "各县复工情况.xlsx"  # city roll-up
FIGURE_COUNTIES = "3_各县复工率.png"  # city roll-up

STATUS_OK = "成功"
STATUS_FAILED = "失败"


def run_name(county: str, as_of: date, started: datetime) -> str:
    """`<县名>_截至<日期>_<运行时间>`: sorts by as-of date, then by when it ran."""
    return f"{county}_截至{as_of:%Y%m%d}_{started:%Y%m%d-%H%M%S}"


class RunFolder:
    """Paths inside one run folder (finished, failed or still staging)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    @property
    def facts(self) -> Path:
        return self.path / FACTS_FILE

    @property
    def manifest(self) -> Path:
        return self.path / MANIFEST_FILE

    @property
    def snapshot(self) -> Path:
        return self.path / SNAPSHOT_FILE

    @property
    def staged_inputs(self) -> Path:
        return self.path / STAGED_INPUTS

    @property
    def owner(self) -> Path:
        return self.path / STAGING_OWNER

    @property
    def notebooks(self) -> Path:
        return self.path / NOTEBOOKS_DIR

    @property
    def figures_dir(self) -> Path:
        return self.path / FIGURES_DIR

    def table(self, name: str) -> Path:
        """A 附表 file; its folder is created on demand."""
        (self.path / TABLES_DIR).mkdir(parents=True, exist_ok=True)
        return self.path / TABLES_DIR / name

    def figure(self, name: str) -> Path:
        (self.path / FIGURES_DIR).mkdir(parents=True, exist_ok=True)
        return self.path / FIGURES_DIR / name


# --- fact keys other runs look up ------------------------------------------------------------
# groups whose 复工率 and 已复工 are compared week over week
WEEK_GROUPS = ("工业", "工业.规上", "工业.规下", "限上和大个体", "规上服务业", "服务业")
# series of the 复工率 trend chart: fact key -> legend label
TREND_SERIES = {"工业.复工率": "工业", "工业.规上.复工率": "规上工业", "工业.规下.复工率": "规下工业",
                "限上和大个体.复工率": "限上批零住餐和大个体", "规上服务业.复工率": "规上服务业"}
# columns of `fuchan list`: fact key -> column title
LIST_COLUMNS = {"工业.复工率": "工业", "工业.规上.复工率": "规上工业",
                "限上和大个体.复工率": "限上和大个体", "规上服务业.复工率": "规上服务业"}
# resumed counts the audit compares with the previous run, per ledger
RESUMED_KEYS = {schema.INDUSTRY: "工业.已复工", schema.SERVICE: "服务业.已复工"}
# what the manifest keeps of a run's facts: everything the three lists above need
HEADLINE_KEYS = tuple(dict.fromkeys([*TREND_SERIES, *LIST_COLUMNS, *RESUMED_KEYS.values()]))
# the figures the weekly notebook shows first
OVERVIEW_KEYS = ("截止日期", "工业.企业数", "工业.需复工", "工业.已复工", "工业.复工率", "工业.规上.复工率",
                 "工业.规下.复工率", "限上和大个体.复工率", "规上服务业.复工率", "工业.返岗率",
                 "周比.工业.复工率变化", "周比.工业.新增复工")


# --- the manifest -----------------------------------------------------------------------------

class InputFile(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    path: str = Field(alias="路径")
    sha256: str
    size: int = Field(alias="字节")


class Manifest(BaseModel):
    """manifest.json: what a run read, with which versions, how long it took, how it ended.

    Written by the pipeline and read by `fuchan list` and the next week's run through this one
    class. Unknown keys are ignored on reading, so runs of other versions still list.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    status: str = Field(alias="状态")
    run: str = Field(alias="运行")
    county: str = Field(alias="县名")
    as_of: date = Field(alias="截止日期")
    created: str = Field(alias="生成时间")
    error: str | None = Field(default=None, alias="错误")
    params_file: str = Field(default="", alias="参数文件")
    params: dict = Field(default_factory=dict, alias="参数")
    params_sha256: str = Field(default="", alias="参数文件sha256")  # the values are in 参数
    inputs: list[InputFile] = Field(default_factory=list, alias="输入文件")
    versions: dict[str, str] = Field(default_factory=dict, alias="版本")
    timings: dict[str, float] = Field(default_factory=dict, alias="耗时秒")
    report: str = Field(default="", alias="报告")
    gaps: int = Field(default=0, alias="待补充处数")
    audit: dict[str, int] = Field(default_factory=dict, alias="审核")
    # numbers only (a run written before the key registry nests its resumed counts one level)
    headline: dict[str, int | float | None | dict[str, int | float | None]] = Field(
        default_factory=dict, alias="主要数字")

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    @property
    def spring_festival(self) -> str:
        return str(self.params.get("春节", ""))

    @property
    def rate_basis(self) -> str:
        return str(self.params.get("复工率口径", ""))

    def write(self, folder: str | Path) -> Path:
        path = RunFolder(folder).manifest
        text = json.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True),
                          ensure_ascii=False, indent=1)
        with atomic_write(path) as temporary:
            Path(temporary).write_text(text, encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: str | Path) -> "Manifest":
        """The manifest of a run folder; ValueError/OSError when it is missing or unreadable."""
        return cls.model_validate_json(RunFolder(folder).manifest.read_text(encoding="utf-8"))


class CountySourceRecord(BaseModel):
    """Where one county of a city roll-up came from: its params file or its run folder."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    name: str = Field(alias="名称")
    kind: str = Field(alias="来源")  # 参数 | 运行
    path: str = Field(alias="路径")
    as_of: date = Field(alias="截止日期")
    files: list[InputFile] = Field(default_factory=list, alias="文件")


class CityManifest(Manifest):
    """manifest.json of a city roll-up (`fuchan 汇总`): a Manifest whose 县名 is the city (so
    `fuchan list` and the next roll-up find it), plus every county source with its files' hashes."""

    level: str = Field(default="市", alias="级别")
    counties: list[CountySourceRecord] = Field(default_factory=list, alias="各县")

"""The city params file of `fuchan 汇总` (DESIGN §8): one YAML naming the city and its counties.

Strict like the county params (same loader, same Chinese messages): an unknown key is an error
naming the allowed ones, dates must be real dates, paths are relative to the file. Each county
is given either as a county params file (its ledgers are read and audited) or as a finished
county run folder; the list order is the city's own order, used in text and tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from fuchan_lib.core.names import name_validator
from fuchan_lib.core.params import (
    ReportParams, StrictModel, UserDate, load_model,
)

YES, NO = "是", "否"


class CountySource(StrictModel):
    """One county of the city: a params file (参数) or a finished run folder (运行), not both."""

    name: Annotated[str, name_validator("名称")] = Field(alias="名称", min_length=1)
    params: str | None = Field(default=None, alias="参数")
    run: str | None = Field(default=None, alias="运行")

    @model_validator(mode="after")
    def _one_source(self):
        if (self.params is None) == (self.run is None):
            raise ValueError(
                f"“各县”中的“{self.name}”应写“参数”（县参数文件）或“运行”（县的运行文件夹）二者之一"
            )
        return self


class CityName(StrictModel):
    """The city's name and whom its report is addressed to (first in the city params)."""

    city: Annotated[str, name_validator("市名")] = Field(alias="市名", min_length=1)
    addressee: str = Field(default="市人大常委会", alias="主送机关")


class CityParams(ReportParams, CityName):
    report_date: UserDate = Field(alias="报告日期")
    counties: tuple[CountySource, ...] = Field(alias="各县", min_length=1)
    allow_different_as_of: Literal["是", "否"] = Field(default=NO, alias="允许截止日期不同")

    @model_validator(mode="after")
    def _checks(self):
        if self.report_date < self.as_of:
            raise ValueError(f"报告日期 {self.report_date} 早于截止日期 {self.as_of}")
        names = [c.name for c in self.counties]
        repeated = sorted({n for n in names if names.count(n) > 1}, key=names.index)
        if repeated:
            raise ValueError(f"“各县”中重复列出了：{'、'.join(repeated)}。每个县只能列一次")
        return self

    @property
    def different_as_of_allowed(self) -> bool:
        return self.allow_different_as_of == YES


def load_city_params(path: str | Path) -> CityParams:
    """Read and validate a city params YAML; every problem becomes one Chinese ParamsError."""
    return load_model(path, CityParams, "请检查路径，或先复制示例 params/示例市_2023Q1.yaml")


def is_city_params(path: str | Path) -> bool:
    """Whether a params file is a city's (it names 市名), so commands taking either can choose."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False  # the county loader explains what is wrong with the file
    return any(line.startswith("市名") for line in text.splitlines())

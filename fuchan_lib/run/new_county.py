"""`fuchan 新县 县名`: a county's first params file, narrative template and ledger folder.

A county that starts by copying the example's params keeps the example's narrative, and with it
the example's firms and facts. This writes the county's own files instead, from built-in
templates that name no firm and state no fact:

- `params/<县名>_<期>.yaml`, every line commented, dates from the quarter's calendar
  (core.quarters), 数据 pointing at `台账/<县名>/`;
- `narrative/<县名>.md`, the built-in narrative (its period words moved to the quarter);
- `台账/<县名>/`: a folder each for the townships' 工业 and 服务业 ledgers (a 数据 entry may be a
  folder: every file in it is read), the county's 经济指标.xlsx, and 空白模板/ with the blank
  ledgers of `fuchan template` to send out (what exists there is kept).

Nothing that exists is overwritten: every target is checked before anything is written, and a
failure removes what this call wrote.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from importlib import resources
from pathlib import Path

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import OutputExistsError, ParamsError
from fuchan_lib.core.names import name_problem, visible
from fuchan_lib.core.quarters import SPRING_FESTIVALS, Quarter, first_season, parse_quarter, quarter_dates
from fuchan_lib.core.wording import format_date
from fuchan_lib.stats.facts import COUNTY_LEVELS, county_level

PARAMS_TEMPLATE = "params_new_county.yaml"
LEDGER_ROOT = "台账"
DATA_FOLDERS = (schema.INDUSTRY, schema.SERVICE)  # one folder per kind of ledger the townships send
BLANKS = "空白模板"
_NOT_IN_NAME = re.compile(r"[\s{}\[\]#,&*!%@`'\"]")  # spaces, and what YAML reads as syntax


def check_county_name(name: str) -> str:
    """The county's name as typed, trimmed; a ParamsError when it cannot name a county and the
    files made from it: core.names' test (no path characters …), and no spaces or characters
    YAML reads as syntax, ending in 县/区/市/旗."""
    name = (name or "").strip()
    problem = name_problem(name)
    if problem is None:
        bad = sorted(set(_NOT_IN_NAME.findall(name)), key=name.index)
        if bad:
            shown = "、".join("空格" if c.isspace() else f"“{c}”" for c in bad)
            problem = f"中有{shown}，县名只能是文字（它也是文件名的一部分），请删去"
        elif len(name) < 2 or name[-1] not in COUNTY_LEVELS:
            problem = "应是完整的县（市、区、旗）名，以“县”“区”“市”或“旗”结尾"
    if problem is not None:
        raise ParamsError(f"县名“{visible(name)}”{problem}。写法如：fuchan 新县 本县县名 --期 2024Q1")
    return name


def _festival(quarter: Quarter) -> date:
    if quarter.year not in SPRING_FESTIVALS:
        years = f"{min(SPRING_FESTIVALS)}–{max(SPRING_FESTIVALS)}"
        raise ParamsError(f"不知道{quarter.year}年的春节日期（程序知道{years}年的），"
                          "请选这些年份的季度，生成后再改参数文件中的“春节”")
    return SPRING_FESTIVALS[quarter.year]


def params_text(county: str, quarter: Quarter, ledgers: str, narrative: str) -> str:
    """The new params file: the built-in commented template filled for this county and quarter."""
    dates = quarter_dates(quarter, _festival(quarter))
    template = resources.files("fuchan_lib").joinpath(f"resources/{PARAMS_TEMPLATE}")
    return template.read_text(encoding="utf-8").format(
        county=county, period_words=quarter.words, organisation=f"{county}工业和信息化局",
        level=county_level(county), ledgers=ledgers, ledger_folder=ledgers.removeprefix("../"), narrative=narrative,
        target_month=dates["目标截止"].month, indicator_month=dates["指标期末"].month,
        **{key: day.isoformat() for key, day in dates.items()})


def narrative_text(county: str, quarter: Quarter) -> tuple[str, list[str]]:
    """The built-in narrative for this county and quarter, and the lines to rewrite."""
    from fuchan_lib.report.narrative import default_template_text
    from fuchan_lib.run.period import retell_period_words

    text = default_template_text().replace(
        "内置默认叙述模板：", f"{county}的叙述模板（由 fuchan 新县 从内置默认模板生成）：", 1)
    first = Quarter(quarter.year, 1)
    text, _, to_rewrite = retell_period_words(text, first, quarter, first.end, quarter.end)
    return text, to_rewrite


def _ledger_folder(ledgers: Path) -> list[Path]:
    """台账/<县名>/: a folder for each kind of ledger the townships send (every file in it is
    read), the county's 经济指标.xlsx and 空白模板/ to send out; what exists is kept. Returns what
    was created, for undoing."""
    from fuchan_lib.ingest.blank_ledgers import TEMPLATE_KINDS, write_templates

    created = [p for p in (ledgers, *(ledgers / kind for kind in DATA_FOLDERS)) if not p.exists()]
    for path in created:
        path.mkdir(parents=True)
    blanks = ledgers / BLANKS
    if not any((blanks / f"{kind}.xlsx").exists() for kind in TEMPLATE_KINDS):
        created += [blanks] if not blanks.exists() else []
        created += write_templates(blanks)
    indicators = ledgers / f"{schema.INDICATORS}.xlsx"
    if not indicators.exists():
        shutil.copyfile(blanks / f"{schema.INDICATORS}.xlsx", indicators)
        created.append(indicators)
    return created


def _undo(created: list[Path]) -> None:
    for path in reversed(created):
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink(missing_ok=True)


def new_county(name: str, *, period: str | None = None, folder: Path = Path("."),
               today: date | None = None) -> str:
    """Write the county's params, narrative and ledger folder under `folder`; return a Chinese
    summary (what was written, what to do next) whose last line is the params file."""
    from fuchan_lib.run.period import write_validated

    county = check_county_name(name)
    quarter = parse_quarter(period) if period else first_season(today or date.today())
    folder = Path(folder)
    params = folder / "params" / f"{county}_{quarter}.yaml"
    narrative = folder / "narrative" / f"{county}.md"
    ledgers = folder / LEDGER_ROOT / county
    for path, what in ((params, "参数文件"), (narrative, "叙述模板")):
        if path.exists():
            raise OutputExistsError(f"{what}“{path}”已存在，为免覆盖，没有生成新县的文件。"
                                    f"如要重新生成，请先把它移走或改名；接着用已有的参数文件即可：fuchan check {params}")
    text = params_text(county, quarter, f"../{LEDGER_ROOT}/{county}", f"../narrative/{county}.md")
    story, to_rewrite = narrative_text(county, quarter)

    created = [p for p in (params.parent, narrative.parent, ledgers.parent) if not p.exists()]
    try:
        created += _ledger_folder(ledgers)
        narrative.parent.mkdir(parents=True, exist_ok=True)
        with narrative.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(story)
        created.append(narrative)
        params.parent.mkdir(parents=True, exist_ok=True)
        write_validated(text, params)
    except BaseException:
        _undo(created)
        raise
    as_of = quarter_dates(quarter, _festival(quarter))["截止日期"]
    lines = [f"已为{county}生成{quarter.words}的周报文件（由内置模板生成，不含任何企业名称和事例）：",
             f"  参数文件：{params}（截止日期 {format_date(as_of)}，请核对报告单位、春节和截止日期）",
             f"  叙述模板：{narrative}（内置默认模板；【待补充】处和工作措施等请按本县情况改写）",
             f"  台账文件夹：{ledgers}",
             f"    {'/、'.join(DATA_FOLDERS)}/：各乡镇报来的台账放进去（一个乡镇一个文件，或一个文件每个乡镇一个工作表，"
             "文件夹中的 .xlsx、.xls、.csv 都会读入）",
             f"    {schema.INDICATORS}.xlsx：本县的经济指标，填本期、上年同期和目标（可选）",
             f"    {BLANKS}/：空白台账，发给乡镇填写"]
    if to_rewrite:
        lines.append("  叙述模板中以下各行是一季度的说法，须改写：")
        lines += [f"    {line}" for line in to_rewrite]
    lines += ["下一步：",
              f"  1. 把本周各乡镇的台账放进 {ledgers} 下的{'、'.join(DATA_FOLDERS)}两个文件夹；",
              f"  2. fuchan check {params}    （读台账、做审核，列出要改的地方）；",
              f"  3. fuchan run {params}      （生成报告）。",
              str(params)]
    return "\n".join(lines)

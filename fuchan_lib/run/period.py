"""The next period's params file (`fuchan new-period`), written from the current one.

The statistician's file is edited as text, line by line (only top-level `键: 值` lines), so
their comments, order and spacing survive; a dumped dict would lose all of them. The result is
written under a hidden temporary name, validated with `load_params`, then renamed. Nothing that
exists is ever overwritten.

Two modes:

- `as_of` (the weekly update, same quarter): 截止日期 = as_of, 报告日期 = as_of + 1 day; all
  else unchanged (the narrative stays: same quarter, same text). File name: the `_MMDD` of the
  new as-of date is appended after the quarter, replacing an earlier one:
  示例县_2023Q1.yaml -> 示例县_2023Q1_0222.yaml -> 示例县_2023Q1_0301.yaml.
- `quarter` ("2023Q2"): 截止日期 = the 15th of the quarter's second month (in Q1 at least a
  week after 春节), 报告日期 = the next day, 目标截止 = quarter end, 指标期末 = end of the month
  before 截止日期, 名录截止日期 = end of the previous quarter (for Q1 that is the previous
  year-end, "截止2022年末"). 春节 stays within the same year (it is the same festival); for
  another year it is taken from a table of 春节 dates. The narrative template is copied to
  `<its stem>_<季度>.md` beside it (示例县.md -> 示例县_2023Q2.md) and the new params point at
  the copy. File name: the quarter in the name replaced (示例县_2023Q1_0222.yaml ->
  示例县_2023Q2.yaml), or appended when the name has none. A template that is another
  county's (named after it, or naming it: a county set up from the example's params) is not
  carried forward: the new period gets the county's own copy of the built-in template,
  `<县名>_<季度>.md`, and the summary says so.

In both modes, comments on a changed line that name the old date ("1月份数据", "3月底",
"2022年末") and the header's "2023年一季度" are updated to the new period.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

from fuchan_lib.core.exceptions import OutputExistsError, ParamsError
from fuchan_lib.core.params import Params, load_params
from fuchan_lib.core.quarters import (QUARTER_WORDS, SPRING_FESTIVALS, Quarter, parse_quarter,
                                      quarter_dates, quarter_of)
from fuchan_lib.core.text import atomic_write
from fuchan_lib.core.wording import format_date

_STEM = re.compile(r"^(?P<prefix>.*?)(?P<quarter>\d{4}[Qq][1-4])(?:_\d{4})?$")
# a top-level `键: 值  # 注释` line; the value may be quoted
_LINE = re.compile(
    r"^(?P<key>[^\s#:'\"-][^:#]*?)(?P<colon>\s*:[ \t]*)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^#]*?)(?P<gap>[ \t]*)(?P<comment>#.*)?$"
)

DATE_KEYS = ("名录截止日期", "春节", "截止日期", "报告日期", "目标截止", "指标期末")
OPTIONAL_DATE_KEYS = ("目标截止", "指标期末")
NARRATIVE_KEY = "叙述模板"


# --- text editing --------------------------------------------------------------------------


def _split_newline(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _retell(comment: str, old: date, new: date) -> str:
    """A comment's mentions of the old date, told of the new one."""
    full = format_date
    comment = comment.replace(full(old), full(new))
    if (old.month, old.day) == (12, 31):
        new_text = f"{new.year}年末" if (new.month, new.day) == (12, 31) else full(new)
        comment = comment.replace(f"{old.year}年末", new_text)
    if old.month != new.month:
        comment = re.sub(rf"(?<!\d){old.month}(?=月(?:份|底|末))", str(new.month), comment)
    return comment


def _set_value(match: re.Match, new_value: str, old: date | None, new: date | None) -> str:
    value = match["value"]
    quote = value[0] if value[:1] in "\"'" and len(value) > 1 else ""
    shown = f"{quote}{new_value}{quote}"
    comment = match["comment"] or ""
    if not comment:
        return f"{match['key']}{match['colon']}{shown}"
    if old is not None and new is not None:
        comment = _retell(comment, old, new)
    gap = " " * max(1, len(value) + len(match["gap"]) - len(shown))  # keep the comment column
    return f"{match['key']}{match['colon']}{shown}{gap}{comment}"


def edit_text(text: str, changes: dict[str, str], *, header: tuple[str, str] | None = None) -> str:
    """Replace the values of top-level keys; keys absent from the text are appended at the end.

    `header`, (old, new): replaced in comment-only lines ("2023年一季度" -> "2023年二季度").
    """
    lines = text.splitlines(keepends=True)
    done = set()
    for i, line in enumerate(lines):
        body, newline = _split_newline(line)
        if header and body.lstrip().startswith("#"):
            lines[i] = body.replace(*header) + newline
            continue
        match = _LINE.match(body)
        if not match or match["key"] not in changes or match["key"] in done:
            continue
        key = match["key"]
        old, new = _iso_date_or_none(match["value"].strip("\"'")), _iso_date_or_none(changes[key])
        lines[i] = _set_value(match, changes[key], old, new) + newline
        done.add(key)
    missing = [k for k in changes if k not in done]
    if missing and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines += [f"{key}: {changes[key]}\n" for key in missing]
    return "".join(lines)


def _iso_date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


# --- the two modes ------------------------------------------------------------------------


def _as_of_name(stem: str, as_of: date) -> str:
    quarter, suffix = quarter_of(as_of), f"_{as_of:%m%d}"
    match = _STEM.match(stem)
    base = f"{match['prefix']}{quarter}" if match else f"{stem}_{quarter}"
    return f"{base}{suffix}"


def _quarter_name(stem: str, quarter: Quarter) -> str:
    match = _STEM.match(stem)
    return f"{match['prefix']}{quarter}" if match else f"{stem}_{quarter}"


def _quarter_dates(params: Params, quarter: Quarter) -> tuple[dict[str, date], list[str]]:
    """The new dates of a quarter, and notes for what the statistician should check."""
    notes = []
    festival = params.spring_festival
    if festival.year != quarter.year:
        if quarter.year in SPRING_FESTIVALS:
            festival = SPRING_FESTIVALS[quarter.year]
        else:
            notes.append(f"{quarter.year}年的春节日期未知，春节仍为 {festival}，请手动修改")
    return quarter_dates(quarter, festival), notes


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def _refuse_existing(path: Path, what: str) -> None:
    if path.exists():
        raise OutputExistsError(
            f"{what}“{path}”已存在，为免覆盖，没有生成新一期。"
            "如要重新生成，请先把该文件移走或改名"
        )


def _narrative_target(params: Params, params_path: Path, quarter: Quarter, own_copy: bool) -> Path:
    """Beside the current template, named after it; `own_copy` (the current one is another
    county's, or there is none): named after this county."""
    current = params.narrative_path
    if current is not None and not own_copy:
        return current.parent / f"{_quarter_name(current.stem, quarter)}{current.suffix}"
    folder = current.parent if current is not None else params_path.parent
    folder = folder.parent / "narrative" if folder.resolve().name == "params" else folder
    return folder / f"{params.county}_{quarter}.md"


def foreign_template(params: Params) -> str | None:
    """Why the params' narrative template is another county's ("文件名是示例县的"), or None: a
    new county that started from another's params must not carry that county's text forward."""
    from fuchan_lib.report.narrative import template_lines
    from fuchan_lib.run.prepare import counties_beside
    from fuchan_lib.stats.mentions import other_places, template_county

    current = params.narrative_path
    if current is None or not current.is_file():
        return None
    owner = template_county(current)
    if owner is not None and owner != params.county:
        return f"文件名是{owner}的"
    lines = [(line.number, line.text) for line in template_lines(current.read_text(encoding="utf-8-sig"))]
    places = other_places(lines, params.county, tuple(counties_beside(params.source)))
    return f"文中提到{'、'.join(places)}" if places else None


# words that belong to the first quarter only: a line with them is flagged in another quarter
FIRST_QUARTER_WORDS = ("开门稳", "开门红")


def retell_period_words(text: str, old: Quarter, new: Quarter, old_target: date | None,
                        new_target: date | None) -> tuple[str, list[str], list[str]]:
    """The copied narrative told of the new quarter: quarter words ("一季度"), the target's
    month ("3月底") and the year are updated outside placeholders; lines whose words belong to
    the first quarter only ("开门稳", "开门红") are flagged. Returns (text, updated, to_rewrite),
    the last two as "第N行…" lines for the statistician."""
    swaps = [(f"{QUARTER_WORDS[old.number - 1]}季度", f"{QUARTER_WORDS[new.number - 1]}季度")]
    if old_target is not None and new_target is not None and old_target.month != new_target.month:
        swaps.append((f"{old_target.month}月底", f"{new_target.month}月底"))
    if old.year != new.year:
        swaps.append((f"{old.year}年", f"{new.year}年"))
    swaps = [(a, b) for a, b in swaps if a != b]
    updated, to_rewrite, out = [], [], []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        pieces = re.split(r"(\{[^{}]*\})", line)  # odd pieces are placeholders: never edited
        done = []
        for i, piece in enumerate(pieces):
            for a, b in swaps if i % 2 == 0 else ():
                if a in piece:
                    piece = piece.replace(a, b)
                    done.append(f"“{a}”→“{b}”")
            pieces[i] = piece
        line = "".join(pieces)
        out.append(line)
        if done:
            updated.append(f"第{number}行：{'，'.join(dict.fromkeys(done))}")
        stale = [w for w in FIRST_QUARTER_WORDS if w in re.sub(r"\{[^{}]*\}", "", line)]
        if new.number != 1 and stale and not line.lstrip().startswith("<!--"):
            to_rewrite.append(f"第{number}行：“{'”“'.join(stale)}”是一季度的说法")
    return "".join(out), updated, to_rewrite


def _narrative_text(params: Params, own_copy: bool) -> str:
    from fuchan_lib.report.narrative import default_template_text

    current = params.narrative_path
    if current is None or own_copy:
        return default_template_text()
    if not current.is_file():
        raise ParamsError(
            f"参数“{NARRATIVE_KEY}”所指的文件“{current}”不存在，无法复制为新一期的叙述模板。"
            "请改正路径，或删去这一行（将使用内置默认模板）"
        )
    return current.read_text(encoding="utf-8-sig")


def write_validated(text: str, target: Path) -> None:
    """Write under a temporary name, load it as params, then rename; clean up on failure."""
    with atomic_write(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
        try:
            load_params(temporary)
        except ParamsError as exc:
            problems = "；".join(exc.problems)
            raise ParamsError(f"生成的新参数文件未通过校验，没有写入“{target.name}”：{problems}") from None
        _refuse_existing(target, "参数文件")


def new_period(
    params_path: Path, *, as_of: date | None = None, quarter: str | None = None
) -> str:
    """Write the next params file from `params_path`; return a Chinese summary whose last
    line is the new file's path. Exactly one of `as_of` and `quarter` is given."""
    if (as_of is None) == (quarter is None):
        raise ParamsError("请指定 --as-of（同一季度的新截止日期）或 --quarter（新的季度）中的一个")
    params_path = Path(params_path)
    params = load_params(params_path)
    stem, suffix = params_path.stem, params_path.suffix or ".yaml"
    text = params_path.read_text(encoding="utf-8-sig")
    old_dates = {
        "名录截止日期": params.directory_date, "春节": params.spring_festival,
        "截止日期": params.as_of, "报告日期": params.stated_report_date,
        "目标截止": params.target_end, "指标期末": params.indicator_period_end,
    }
    notes: list[str] = []
    narrative: Path | None = None
    header = foreign = None
    if as_of is not None:
        current = quarter_of(params.as_of)
        if quarter_of(as_of) != current:
            raise ParamsError(
                f"新的截止日期 {as_of} 不在本期参数的季度（{current}）内。"
                f"换季度请用 --quarter {quarter_of(as_of)}"
            )
        new_dates = {"截止日期": as_of, "报告日期": as_of + timedelta(days=1)}
        if params.stated_report_date is None:  # the file leaves 成文日期 to the rule: keep it so
            del new_dates["报告日期"]
        target = params_path.with_name(_as_of_name(stem, as_of) + suffix)
        label = f"{current.words}截至{as_of}的"
        notes.append("叙述模板、目标截止、指标期末未改；经济指标更新到新的月份时，请手动修改“指标期末”")
    else:
        new_quarter = parse_quarter(quarter)
        new_dates, notes = _quarter_dates(params, new_quarter)
        # optional dates are moved only where the file has them (absent 指标期末 follows 截止日期)
        new_dates = {k: v for k, v in new_dates.items()
                     if k not in OPTIONAL_DATE_KEYS + ("报告日期",) or old_dates[k] is not None}
        target = params_path.with_name(_quarter_name(stem, new_quarter) + suffix)
        foreign = foreign_template(params)
        narrative = _narrative_target(params, params_path, new_quarter, foreign is not None)
        label = f"{new_quarter.words}的"
        header = (quarter_of(params.as_of).words, new_quarter.words)
    _refuse_existing(target, "参数文件")
    if narrative is not None:
        _refuse_existing(narrative, "叙述模板")

    changes = {k: v.isoformat() for k, v in new_dates.items() if v != old_dates[k]}
    lines = [f"已生成{label}参数文件（由“{params_path.name}”复制修改，原文件未改动）。", "改动："]
    lines += [f"  {k}：{old_dates[k] or '（无）'} → {changes[k]}" for k in changes]
    unchanged = [f"{k} {old_dates[k]}" for k in DATE_KEYS
                 if k not in changes and old_dates[k] is not None]
    if narrative is not None and "春节" not in changes:
        unchanged = [u + "（同一年的春节不变）" if u.startswith("春节") else u for u in unchanged]
    if narrative is not None:
        relative = _relative(narrative, target.parent)
        changes[NARRATIVE_KEY] = relative
        if foreign is not None:
            lines.append(f"  {NARRATIVE_KEY}：{params.narrative} → {relative}（原叙述模板是其他县的：{foreign}，"
                         f"没有沿用；已按内置默认模板生成{params.county}自己的叙述模板，请补写本县的工作措施、"
                         "存在的问题和下步工作打算）")
        else:
            lines.append(f"  {NARRATIVE_KEY}：{params.narrative or '（内置默认模板）'} → {relative}"
                         "（已复制，请改写本季度的工作措施、存在的问题和下步工作打算）")
    if unchanged:
        lines.append(f"未改：{'；'.join(unchanged)}。")
    lines.append("台账路径未改：请把本期台账放在原路径，或修改“数据”下的路径。")
    lines += [f"请注意：{note}。" for note in notes]

    new_text = edit_text(text, changes, header=header)
    own_copy = foreign is not None or params.narrative_path is None
    narrative_text = _narrative_text(params, own_copy) if narrative is not None else ""
    if narrative is not None:
        # the built-in template is worded for the first quarter (目标 by the end of March)
        old_quarter = Quarter(new_quarter.year, 1) if own_copy else quarter_of(params.as_of)
        old_target = Quarter(new_quarter.year, 1).end if own_copy else params.target_end
        narrative_text, updated, to_rewrite = retell_period_words(
            narrative_text, old_quarter, new_quarter, old_target,
            new_dates.get("目标截止", params.target_end))
        if updated:
            lines.append("叙述模板中已改为新一期的说法（请核对）：")
            lines += [f"  {line}" for line in updated]
        if to_rewrite:
            lines.append("叙述模板中以下各行须改写：")
            lines += [f"  {line}" for line in to_rewrite]
    written_narrative = False
    try:
        if narrative is not None:
            narrative.parent.mkdir(parents=True, exist_ok=True)
            with narrative.open("x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(narrative_text)
            written_narrative = True
        write_validated(new_text, target)
    except BaseException:
        if written_narrative:
            narrative.unlink()
        raise
    lines.append(str(target))
    return "\n".join(lines)

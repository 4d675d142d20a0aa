"""The narrative template: the report's words, written by the statistician, figures filled in.

A plain-text file (a Markdown subset) editable in JupyterLab's editor without Python:

    # 基本情况                      heading level 1 -> 一、   (numbered automatically)
    ## 工业复工复产情况。截止…      level 2 -> （一）; text after the first "。" runs on in body type
    ### …                          level 3 -> 1.
    #### …                         level 4 -> （1）
    any other line                  one paragraph (blank lines are ignored)
    {工业.复工率}                   a computed figure (the keys are listed in facts.json / the notebooks)
    [[较上周{周比.工业.复工率变化}]] an optional part: left out when any figure in it has no value
                                   or is a count of 0 (one level only: no [[ inside [[…]])
    [[A||B||C]]                    alternatives: the first that is not left out (a clause said
                                   differently when its group is empty: "…||全县无规模以上服务业企业")
    【待补充】                       a gap the statistician still has to fill; highlighted in the report
    <!-- … -->                     a comment line, not printed
    {{ and }}                       literal braces

A part left out takes the separator beside it along ("A，[[B]]。" -> "A。", "。[[B]]，C" ->
"。C"), so clauses can be made optional one by one without dangling commas.

A figure with no value renders as a highlighted 【待补充】; an unknown placeholder is an error
naming the template line and the names available. So are typos that would otherwise pass into
the report: full-width ｛｝, an unclosed { or }, unbalanced [[ ]], a placeholder inside another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from importlib import resources
from pathlib import Path

from fuchan_lib.core.exceptions import TemplateError
from fuchan_lib.core.messages import closest, quoted
from fuchan_lib.stats.facts import COUNT, FactSet
from fuchan_lib.report.gongwen import Heading, Paragraph, Run

MISSING = "【待补充】"
MAX_TEMPLATE_BYTES = 1_000_000  # a report's words are a few thousand characters
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|【待补充】")
_OPTIONAL = re.compile(r"\[\[(.*?)\]\]")


@dataclass(frozen=True)
class TemplateLine:
    number: int
    text: str


COUNTY_DEFAULT = "narrative_default.md"
CITY_DEFAULT = "narrative_city_default.md"


def default_template_text(resource: str = COUNTY_DEFAULT) -> str:
    """A built-in template: the county one follows the seed report; the city one its roll-up."""
    return resources.files("fuchan_lib").joinpath(f"resources/{resource}").read_text(
        encoding="utf-8"
    )


def read_template(path: Path | None, default: str = COUNTY_DEFAULT) -> tuple[str, str]:
    """(template text, name for messages); the built-in `default` when no path is given."""
    if path is None:
        return default_template_text(default), "内置默认叙述模板"
    if not path.is_file():
        raise TemplateError(f"找不到叙述模板“{path}”。请检查参数文件中的“叙述模板”，或删去该行使用内置默认模板")
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"叙述模板“{path.name}”有{size / 1e6:.1f} MB，太大（最多 1 MB）：叙述模板是报告的文字，"
                            "一般只有几千字。请检查参数文件中的“叙述模板”是否选错了文件")
    try:
        return path.read_text(encoding="utf-8-sig"), path.name
    except UnicodeDecodeError:
        raise TemplateError(f"叙述模板“{path.name}”不是 UTF-8 编码，请另存为 UTF-8") from None


def template_lines(text: str):
    """The template's non-blank lines outside comments, with their line numbers."""
    in_comment = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_comment or line.startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if line:
            yield TemplateLine(number, line)


def _typos(line: TemplateLine) -> list[str]:
    """What is wrong with the braces and brackets of one line (empty when nothing)."""
    found = []
    for what, wide, narrow in (("大括号", "｛｝", "{ }"), ("方括号", "［］", "[[ ]]")):
        if any(char in line.text for char in wide):
            found.append(f"全角{what}“{wide}”，请改为半角“{narrow}”")
    text = line.text.replace("{{", "  ").replace("}}", "  ")
    depth = 0
    for char in text:
        if char == "{":
            if depth:
                found.append("一个 {名称} 写在另一个 {名称} 里面（{ 之后、} 之前又有 {），请分开写")
                break
            depth = 1
        elif char == "}":
            if not depth:
                found.append("有“}”却没有对应的“{”（要写大括号本身请用 }}）")
                break
            depth = 0
    else:
        if depth:
            found.append("有“{”却没有对应的“}”（要写大括号本身请用 {{）")
    opened = 0
    for token in re.findall(r"\[\[|\]\]", line.text):
        if token == "[[":
            if opened:
                found.append("可选部分 [[…]] 里面又有“[[”，可选部分不能套用")
                break
            opened = 1
        elif not opened:
            found.append("有“]]”却没有对应的“[[”")
            break
        else:
            opened = 0
    else:
        if opened:
            found.append("有“[[”却没有对应的“]]”")
    return found


def check_template(text: str, name: str = "叙述模板") -> None:
    """Every typo in braces and brackets, all at once, each naming its line (exit 2 upstream),
    so a template cannot pass a broken placeholder silently into the report."""
    problems = [f"第{line.number}行：{problem}" for line in template_lines(text) for problem in _typos(line)]
    if problems:
        raise TemplateError(f"叙述模板“{name}”有{len(problems)}处格式错误：\n" + "\n".join(
            "  " + p for p in problems) + "\n改正后重新运行")


def _unknown(key: str, line: TemplateLine, name: str, facts: FactSet) -> TemplateError:
    """A misspelt placeholder: the closest names first (a few), else the names of its section."""
    keys = list(facts.keys())
    close = closest(key, keys, n=5, cutoff=0.4)
    if close:
        hint = f"是不是想写：{quoted('{' + c + '}' for c in close)}？"
    else:
        section = key.split(".", 1)[0]
        same = [k for k in keys if k.split(".", 1)[0] == section]
        sections = list(dict.fromkeys(k.split(".", 1)[0] + "." for k in keys))
        hint = (f"以“{section}.”开头的名称有：{quoted(same[:30])}" + ("等" if len(same) > 30 else "")
                if same else f"名称都以这些开头：{quoted(sections)}")
    return TemplateError(
        f"叙述模板“{name}”第{line.number}行：没有名为“{{{key}}}”的数字。{hint}\n"
        "全部名称见运行文件夹中的 facts.json（或各部分笔记本的数字表）"
    )


def _fill(text: str, line: TemplateLine, name: str, facts: FactSet) -> list[Run]:
    """Replace placeholders in one piece of text; missing values become highlighted gaps."""
    runs: list[Run] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        runs.append(Run(text[position:match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            runs.append(Run(token[0]))
        elif token == MISSING:
            runs.append(Run(MISSING, missing=True))
        else:
            key = match.group(1).strip()
            if key not in facts:
                raise _unknown(key, line, name, facts)
            value = facts[key].text
            runs.append(Run(MISSING, missing=True) if value is None else Run(value))
        position = match.end()
    runs.append(Run(text[position:]))
    return _merge([r for r in runs if r.text])


def _merge(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of the same kind as one (joined once: adding texts pairwise made a
    long line quadratic, a 5 MB template took a minute)."""
    return [Run("".join(r.text for r in group), missing)
            for missing, group in groupby(runs, key=lambda r: r.missing)]


def _empty(fact) -> bool:
    """A figure that leaves its [[…]] part out: no value, or a count of 0 (a clause about an
    empty group says nothing: "坚持营业的企业0户")."""
    return fact.text is None or (fact.kind == COUNT and fact.value == 0)


_DROPPED = "\x00"  # where a part was left out, until the separators beside it are tidied
# a part left out at a sentence's start takes the separator after it; after a separator and
# before another (or the sentence's end), the separator before it
_AFTER_START = re.compile(rf"(?<![^。；：！？]){_DROPPED}+[，、；。]?")
_BEFORE_END = re.compile(rf"[，、；]{_DROPPED}+(?=[，、；。：！？]|$)")


def _resolve_optional(text: str, line: TemplateLine, name: str, facts: FactSet) -> str:
    """Each [[…]] part: its first alternative (split by ||) whose figures all have a value and
    no count among them is 0, without brackets; left out when none is."""

    def keeps(part: str) -> bool:
        kept = True
        for key in re.findall(r"(?<!\{)\{([^{}]*)\}(?!\})", part):
            if key.strip() not in facts:
                raise _unknown(key.strip(), line, name, facts)
            kept = kept and not _empty(facts[key.strip()])
        return kept

    def choose(match: re.Match) -> str:
        alternatives = match.group(1).split("||")
        kept = [part for part in alternatives if keeps(part)]  # every name checked, even unused
        return kept[0] if kept else _DROPPED

    resolved = _BEFORE_END.sub("", _AFTER_START.sub("", _OPTIONAL.sub(choose, text)))
    return resolved.replace(_DROPPED, "")


def render_template(text: str, facts: FactSet, name: str = "叙述模板") -> list[Heading | Paragraph]:
    """Template text + facts -> document blocks (headings and paragraphs)."""
    check_template(text, name)
    blocks: list[Heading | Paragraph] = []
    for line in template_lines(text):
        content = _resolve_optional(line.text, line, name, facts).strip()
        if not content:
            continue  # a line made only of optional parts, all left out: no empty paragraph
        level = len(content) - len(content.lstrip("#"))
        if level > 4:
            raise TemplateError(f"叙述模板“{name}”第{line.number}行：标题最多四级（####），这里有{level}个 #")
        if level == 0:
            blocks.append(Paragraph(tuple(_fill(content, line, name, facts))))
            continue
        body = content[level:].strip()
        head, stop, rest = body.partition("。")
        if level == 1 or not rest.strip():
            runs = _fill(body, line, name, facts)
            blocks.append(Heading(level, "".join(r.text for r in runs)))
        else:
            title = _fill(head + stop, line, name, facts)
            blocks.append(Heading(level, "".join(r.text for r in title),
                                  tuple(_fill(rest, line, name, facts))))
    return blocks


def count_gaps(blocks) -> int:
    """How many highlighted 【待补充】 gaps the rendered narrative still has."""
    total = 0
    for block in blocks:
        runs = getattr(block, "runs", ()) or getattr(block, "body", ())
        total += sum(1 for r in runs if r.missing)
        total += getattr(block, "text", "").count(MISSING) if isinstance(block, Heading) else 0
    return total

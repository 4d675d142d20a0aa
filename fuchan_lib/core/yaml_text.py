"""The statistician's YAML: read as text, each key's line kept, the usual slips explained.

Every scalar is read as text (`yaml.BaseLoader`), so the YAML 1.1 traps (`no` -> False,
`0571` -> octal, `12:30` -> 750) cannot happen. What people type by mistake in a Chinese
editor is recognised by name and reported all at once, each with its line quoted and the
corrected line: a full-width colon `：`, a tab, no space after the colon, a value wrapped in
full-width quotes, a key written twice. Other YAML errors are translated, pointing at the
line where the broken entry starts (PyYAML often points at the line after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.names import code_point

MAX_YAML_BYTES = 1_000_000  # a params file is a few dozen lines; anything near this is not one
# what YAML refuses to read (PyYAML's Reader.NON_PRINTABLE), reported by code point, never echoed
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as its marks count
# a tag (`!!python/object:…`, `!x`) where a value starts, after "key:" or "- "
_TAG = re.compile(r"^(?P<before>\s*(?:-\s+)?(?:[^\s#:：'\"][^#:：]*?\s*[:：]\s*)?)(?P<tag>![^\s,\[\]{}]*)\s*")
_REFERENCE = "found an anchor or alias"
_TAGGED = "found a tag"
_TOO_DEEP = "nested too deep"
MAX_DEPTH = 20

# a key at the start of a line (or of a "- " list item), up to its colon
_KEY = r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s#:：'\"“‘\-][^#:：]*?)"
_FULL_WIDTH_COLON = re.compile(_KEY + r"\s*：\s*")
_NO_SPACE = re.compile(_KEY + r":(?=[^\s/\\])")
_WRAPPED_IN_FULL_WIDTH_QUOTES = re.compile(_KEY + r":\s+(?P<value>[“‘「](?P<inner>[^“”‘’「」]*)[”’」])\s*(?:#.*)?$")

_PROBLEMS = {  # PyYAML's words -> what they mean for a hand-edited params file
    "could not find expected ':'": "这一项缺少“键: 值”中的英文冒号",
    "mapping values are not allowed here": "这里出现了意外的“: ”",
    "found unexpected end of stream": "引号没有配对：值开头的引号在行末要有对应的引号",
    "did not find expected key": "缩进没有对齐",
    "did not find expected '-' indicator": "列表项的缩进没有对齐",
    "expected <block end>, but found '<block mapping start>'": "缩进没有对齐",
    "expected <block end>, but found '<block sequence start>'": "缩进没有对齐",
    "found undefined alias": "出现了“*”开头的值（YAML 把它当作引用）",
    _REFERENCE: ("用了 YAML 的锚点或引用（“&名称”“*名称”）：参数文件从不需要它们，程序不读。"
                 "请把引用处直接写成要的值（值本身以 & 或 * 开头时，请给整个值加英文引号）"),
    _TOO_DEEP: f"层次太深（超过{MAX_DEPTH}层）：参数文件最多三四层缩进，请检查这里的括号或缩进",
    _TAGGED: "用了 YAML 标签（以“!”开头，如 !!python/…）：参数文件不需要标签，程序不读。请删去标签",
    "found character '@' that cannot start any token": "值不能以“@”开头",
    "found character '`' that cannot start any token": "值不能以“`”开头",
}


@dataclass(frozen=True)
class Slip:
    """One mistake at a line of the file, with the corrected line when we can write it."""

    line: int  # 1-based
    column: int | None
    problem: str
    corrected: str | None = None


@dataclass
class YamlText:
    """The parsed data, where each key is, and the lines for quoting."""

    data: object
    key_lines: dict[tuple, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    slips: list[Slip] = field(default_factory=list)

    def line_of(self, loc: tuple) -> int | None:
        """Line of the deepest key of `loc` the file has (a missing key: its parent's)."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.key_lines:
                return self.key_lines[loc[:end]]
        return None


def find_slips(lines: list[str]) -> list[Slip]:
    """The usual hand-editing slips, line by line (comments ignored)."""
    slips = []
    for number, line in enumerate(lines, start=1):
        if hidden := _NON_PRINTABLE.findall(line):
            points = "、".join(dict.fromkeys(code_point(ch) for ch in hidden))
            line = _NON_PRINTABLE.sub("", line)
            slips.append(Slip(number, None, f"有看不见的控制字符（{points}），YAML 不允许：请删去"
                                            "（可删除这一行后重新输入）", line.rstrip()))
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if m := _TAG.match(line):
            before = m["before"].rstrip()
            before = before[:-1] + ": " if before.endswith((":", "：")) else m["before"]
            line = (before + line[m.end():]).rstrip()
            slips.append(Slip(number, m.start("tag") + 1, _PROBLEMS[_TAGGED], line))
        if "\t" in line:
            fixed = line.expandtabs(2)
            slips.append(Slip(number, line.index("\t") + 1,
                              "有制表符（Tab 键）：YAML 只能用空格，请把 Tab 换成空格（缩进用两个空格）",
                              fixed.rstrip()))
        if m := _FULL_WIDTH_COLON.match(line):
            fixed = f"{m['indent']}{m['key'].rstrip()}: {line[m.end():]}".rstrip()
            slips.append(Slip(number, m.end("key") + 1,
                              "用了中文冒号“：”：键和值之间要用英文冒号加一个空格", fixed))
        elif m := _NO_SPACE.match(line):
            fixed = f"{m['indent']}{m['key']}: {line[m.end():]}".rstrip()
            slips.append(Slip(number, m.end("key") + 1, "英文冒号“:”后面少了一个空格", fixed))
        if m := _WRAPPED_IN_FULL_WIDTH_QUOTES.match(line):
            fixed = line[:m.start("value")] + m["inner"] + line[m.end("value"):]
            slips.append(Slip(number, m.start("value") + 1,
                              "值两边用了中文引号，引号会被当作值的一部分：请删去引号"
                              "（值里有“: ”或以 # 开头时才需要引号，且要用英文引号）", fixed.rstrip()))
    return slips


def _key_lines(node, path: tuple, found: dict, duplicates: list[Slip]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name, line = key.value, key.start_mark.line + 1
            if name in seen:
                duplicates.append(Slip(line, None, f"“{name}”写了两次（另一处在第{seen[name]}行），"
                                                   "YAML 只用最后一处：请删去多余的一处"))
            seen.setdefault(name, line)
            found[path + (name,)] = line
            _key_lines(value, path + (name,), found, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found[path + (i,)] = item.start_mark.line + 1
            _key_lines(item, path + (i,), found, duplicates)


def _syntax_slip(exc: yaml.YAMLError, lines: list[str]) -> Slip:
    """A PyYAML error as a Slip at the line where the broken entry starts."""
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", "") or exc)
    meaning = _PROBLEMS.get(problem)
    if mark is None:
        return Slip(1, None, f"YAML 格式有误：{meaning or problem}")
    line, column = mark.line + 1, mark.column + 1
    if context is not None and problem in ("could not find expected ':'",
                                           "found unexpected end of stream"):
        line, column = context.line + 1, None  # where the broken entry starts, not where it ends
    if problem == "mapping values are not allowed here" and 0 < line <= len(lines):
        before = lines[line - 1][: mark.column]
        if ": " in before:
            meaning = "值里有“: ”：请给整个值加英文引号，如 主送机关: \"县人大: 常委会\""
        else:
            meaning = "缩进没有对齐：同一级的键要从同一列开始（用两个空格缩进）"
    if meaning is None:
        meaning = f"YAML 格式有误（{problem}）。请检查冒号后是否有空格、缩进是否对齐"
    return Slip(line, column, meaning)


def read_yaml(path: Path, what: str) -> YamlText:
    """Parse a YAML file the user edits; every slip and syntax error as one ParamsError.
    Files over 1 MB, anchors, aliases and tags are refused before anything is built from them."""
    if not path.is_file():
        raise ParamsError(f"找不到{what}“{path}”。请检查路径")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ParamsError(f"{what}“{path.name}”有{size / 1e6:.1f} MB，太大（最多 1 MB）：{what}只有几十行，"
                          "请检查是否选错了文件")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ParamsError(f"{what}“{path.name}”不是 UTF-8 编码，请在编辑器中另存为 UTF-8") from None
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    slips = find_slips(lines)
    try:
        node, data = _parse(text)
    except yaml.YAMLError:
        # read past the recognised slips (their corrections applied) to report the rest too
        corrected = list(lines)
        for slip in slips:
            if slip.corrected is not None:
                corrected[slip.line - 1] = slip.corrected
        try:
            if corrected == lines:
                raise
            node, data = _parse("\n".join(corrected))
        except yaml.YAMLError as remaining:
            syntax = _syntax_slip(remaining, corrected)
            explained = {s.line for s in slips}
            raise_slips(what, path.name, lines, slips + ([] if syntax.line in explained else [syntax]))
    found: dict[tuple, int] = {}
    duplicates: list[Slip] = []
    _key_lines(node, (), found, duplicates)
    return YamlText(data, found, lines, slips + duplicates)


class _PlainLoader(yaml.BaseLoader):
    """Every scalar as text; an anchor, alias or tag is refused where it appears, before any
    node is composed (so nine levels of `&a [*a, *a, …]` cost nothing)."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self.depth >= MAX_DEPTH:  # params nest three levels; 50,000 "[" overflowed the stack
            raise yaml.MarkedYAMLError(problem=_TOO_DEEP, problem_mark=event.start_mark)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.MarkedYAMLError(problem=_REFERENCE, problem_mark=event.start_mark)
        if getattr(event, "tag", None) is not None:
            raise yaml.MarkedYAMLError(problem=_TAGGED, problem_mark=event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _parse(text: str):
    """(node, data) with every scalar as text."""
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _shown(line: str) -> str:
    """A line as quoted in a message: what YAML refuses shown as its code point, never echoed;
    a very long line cut short."""
    line = line if len(line) <= 200 else line[:200] + "……"
    return _NON_PRINTABLE.sub(lambda m: f"[{code_point(m[0])}]", line)


def describe_slip(slip: Slip, lines: list[str]) -> str:
    where = f"第{slip.line}行" + (f"第{slip.column}列" if slip.column else "")
    text = f"{where}：{slip.problem}"
    if 1 <= slip.line <= len(lines):
        text += f"\n      原文：{_shown(lines[slip.line - 1].rstrip())}"
    if slip.corrected is not None:
        text += f"\n      改为：{_shown(slip.corrected)}"
    return text


def raise_problems(what: str, name: str, problems: list[str]) -> None:
    """One ParamsError listing every problem of the file."""
    if len(problems) == 1:
        raise ParamsError(f"{what}“{name}”{problems[0]}", problems)
    listed = "\n".join(f"  {i}. {p}" for i, p in enumerate(problems, start=1))
    raise ParamsError(f"{what}“{name}”有{len(problems)}处问题：\n{listed}", problems)


def raise_slips(what: str, name: str, lines: list[str], slips: list[Slip]) -> None:
    raise_problems(what, name, [describe_slip(s, lines) for s in sorted(slips, key=lambda s: s.line)])

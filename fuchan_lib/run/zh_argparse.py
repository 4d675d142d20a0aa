"""argparse in Chinese: help, usage, errors and "是不是想用 …？" for the `fuchan` command.

argparse writes English (`usage:`, `options`, `error:`, `invalid choice`, …). This module
subclasses its parser and help formatter so that nothing English reaches the statistician:
section titles and the usage prefix are Chinese, and every error argparse can raise is
translated (unknown command or option with the closest spelling suggested, a missing argument
named by its Chinese metavar).

A command is declared once as a `Command` (name, one-line purpose, example, arguments,
handler); `build_parser` turns a list of them into the parser, so a new subcommand is one
more `Command` in `cli.py`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fuchan_lib.core.messages import closest
from fuchan_lib.core.text import display_width

_TYPE_NAMES = {"int": "整数", "float": "数字"}


def _quote_names(text: str) -> str:
    """argparse's "'a', 'b'" or "a, b" -> 「a」「b」."""
    return "".join(f"「{n.strip(chr(39))}」" for n in re.split(r",\s*|\s+", text.strip()) if n)


def translate(message: str) -> str:
    """One argparse error message (English) -> Chinese. Unknown messages keep their text."""
    if m := re.fullmatch(r"argument (.+?): (.*)", message, re.S):
        return f"{m[1]} {translate(m[2])}"
    patterns: list[tuple[str, Callable[[re.Match], str]]] = [
        (r"the following arguments are required: (.*)",
         lambda m: f"缺少必填的参数：{_quote_names(m[1])}"),
        (r"one of the arguments (.*) is required",
         lambda m: f"须给出以下选项之一：{_quote_names(m[1])}"),
        (r"expected one argument", lambda m: "后面要写一个值"),
        (r"expected at most one argument", lambda m: "后面最多写一个值"),
        (r"expected at least one argument", lambda m: "后面至少要写一个值"),
        (r"expected (\d+) arguments?", lambda m: f"后面要写{m[1]}个值"),
        (r"not allowed with argument (.*)", lambda m: f"不能与 {m[1]} 同时使用"),
        (r"ambiguous option: (\S+) could match (.*)",
         lambda m: f"选项 {m[1]} 不明确，可能是：{_quote_names(m[2])}"),
        (r"invalid (\w+) value: '(.*)'",
         lambda m: f"的值“{m[2]}”不是{_TYPE_NAMES.get(m[1], '有效的值')}"),
        (r"ignored explicit argument '(.*)'", lambda m: f"不接受值“{m[1]}”"),
        (r"unexpected option string: (.*)", lambda m: f"不认识的选项 {m[1]}"),
        (r"unrecognized arguments: (.*)", lambda m: f"多余的参数：{m[1]}"),
    ]
    for pattern, chinese in patterns:
        if m := re.fullmatch(pattern, message, re.S):
            return chinese(m)
    if re.search(r"[\u4e00-\u9fff]", message):  # already Chinese (raised by this module)
        return message
    return f"命令行有误（{message}）"


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help with Chinese usage prefix and titles, columns aligned for double-width characters;
    descriptions and examples keep their line breaks."""

    def __init__(self, prog, indent_increment=2, max_help_position=30, width=None):
        super().__init__(prog, indent_increment, max_help_position, width)

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)

    def add_argument(self, action):
        """Measure invocations by display width (a Chinese metavar is two columns a character)."""
        super().add_argument(action)
        if action.help is argparse.SUPPRESS:
            return
        subactions = getattr(action, "_get_subactions", list)()
        for item, indent in [(action, 0)] + [(a, self._indent_increment) for a in subactions]:
            width = _display_width(self._format_action_invocation(item)) + self._current_indent + indent
            self._action_max_length = max(self._action_max_length, width)

    def format_help(self):
        return re.sub(r"(?m)^(\S[^\n]*):$", r"\1：", super().format_help())

    def _format_action(self, action):
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):  # drop the "命令" line above the list
            text = text.split("\n", 1)[1]
        return "".join(_narrow_padding(line) for line in text.splitlines(keepends=True))


def _narrow_padding(line: str) -> str:
    """Take one space of padding per double-width character before the help column."""
    m = re.match(r"(\s*\S.*?)(  +)(\S.*)", line, re.S)
    if not m:
        return line
    wide = _display_width(m[1]) - len(m[1])
    return m[1] + " " * max(2, len(m[2]) - wide) + m[3]


def _display_width(text: str) -> int:
    """Terminal columns: two for a full-width character."""
    return round(2 * display_width(text))


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; errors exit 2 on stderr."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="显示本说明并退出")

    def _check_value(self, action, value):
        if action.choices is None or value in action.choices:
            return
        if isinstance(action, argparse._SubParsersAction):
            hint = _hint(value, list(action.choices), f"{self.prog} ")
            raise argparse.ArgumentError(None, f"没有“{value}”这个命令。{hint}"
                                               f"全部命令见 {self.prog} --help")
        allowed = "".join(f"「{c}」" for c in action.choices)
        raise argparse.ArgumentError(None, f"“{value}”不是允许的值，可选：{allowed}")

    def parse_args(self, args=None, namespace=None):
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            owner = self._subparser_for(parsed)
            options = [o for a in owner._actions for o in a.option_strings]
            first = extras[0]
            if first.startswith("-"):
                name = first.split("=", 1)[0]
                hint = _hint(name, options, "")
                owner.error(f"没有选项“{name}”。{hint}" if hint else
                            f"没有选项“{name}”。可用的选项见 {owner.prog} --help")
            owner.error(f"多余的参数：{' '.join(extras)}（含空格的路径请加英文引号）")
        return parsed

    def _subparser_for(self, parsed) -> "ChineseArgumentParser":
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = getattr(parsed, action.dest, None)
                if chosen in action.choices:
                    return action.choices[chosen]
        return self

    def error(self, message):
        self.exit(2, f"错误：{translate(message)}\n{self.format_usage()}查看说明：{self.prog} --help\n")


def _hint(word: str, names: Sequence[str], prefix: str) -> str:
    found = closest(word, names, n=2, cutoff=0.6)
    return f"是不是想用 {' 或 '.join(prefix + f for f in found)}？" if found else ""


@dataclass(frozen=True)
class Command:
    """One subcommand: its one-line purpose and example appear in `fuchan --help` and its own."""

    name: str
    purpose: str
    example: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]
    aliases: tuple[str, ...] = ()


def build_parser(prog: str, description: str, commands: Sequence[Command],
                 epilog: str = "") -> ChineseArgumentParser:
    """The top-level parser with one Chinese subparser per command."""
    examples = "\n".join(f"  {c.example}" for c in commands)
    parser = ChineseArgumentParser(prog=prog, description=description,
                                   epilog=f"示例：\n{examples}" + (f"\n\n{epilog}" if epilog else ""))
    sub = parser.add_subparsers(dest="command", title="命令", metavar="命令")
    for command in commands:
        child = sub.add_parser(command.name, aliases=list(command.aliases), help=command.purpose,
                               description=command.purpose, epilog=f"示例：\n  {command.example}")
        command.arguments(child)
    return parser


def configure_console() -> None:
    """Chinese output on any console (a Windows code page would raise on 复工)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")

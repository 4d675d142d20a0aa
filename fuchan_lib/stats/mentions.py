"""Names the narrative gives, checked against this county (warnings in the 审核清单).

The narrative is the statistician's text, so a firm or a place named there is not computed: it
may be misspelt, missing from the ledgers, or copied from another county's text (a new county
that starts from the example's params keeps the example's narrative, firms and all).

- Firm-like names: any run of characters ending in a form of business (…公司, …厂, …合作社,
  …商行 …), whatever its prefix. Forms that are also ordinary nouns of 公文 prose (…店, …中心,
  …超市, …酒店: "政务服务中心", "星级酒店") count only when the name starts with a place
  ("青石县城关镇鑫达超市"). A name is known when a ledger firm ends the same way; 有限/有限责任/股份
  are ignored, so "宏达建材公司" finds "青石县宏达建材有限公司". Unknown names are warnings, and
  so are firms named as producing whose ledger row says not resumed.
- Other counties: a county-like place (…县, …旗; …区, …市 when known) that starts a firm name,
  any county name known from the params folder or the shipped example, and a template file
  named after another county. Placeholders ({…}) and 【待补充】 are computed or blank: not checked.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.stats.audit import (MENTION_NOT_RESUMED, MENTION_OTHER_COUNTY, MENTION_UNKNOWN, WARNING,
                                    Finding)
from fuchan_lib.stats.rates import status_flags

# the shipped example's names: never right in another county's text
EXAMPLE_PLACES = ("示例县", "示例市")

# forms that mark a firm wherever they stand, and forms that are also common nouns (longest first)
STRONG_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司", "合作社", "经营部", "门市部", "批发部",
                "商行", "厂")
WEAK_FORMS = ("商店", "超市", "酒店", "宾馆", "饭店", "酒楼", "药店", "店", "中心")
_FORM = re.compile("|".join(f for f in STRONG_FORMS + WEAK_FORMS if f != "厂")
                   + "|厂(?![房区家长商内外矿址])")  # not 厂房, 厂区 …
_STRONG_AHEAD = re.compile(rf"[\u4e00-\u9fff]{{0,8}}?(?:{'|'.join(STRONG_FORMS)})")
# public bodies and generic words that end like a firm but name none ("供电公司" is named as a
# firm only with its place, "县供销合作社", "政务服务中心" never)
GENERIC_CORES = ("供电", "电力", "电网", "燃气", "供水", "自来水", "水务", "邮政", "电信", "移动", "联通",
                 "铁塔", "烟草", "保险", "担保", "农民专业", "专业", "供销", "水泥", "加工", "发电", "污水处理",
                 "工厂", "门店", "分店", "连锁")
PUBLIC_WORDS = ("政务", "政府", "人民", "便民", "服务", "党群", "指挥", "调度", "培训", "就业", "社保", "医疗",
                "卫生", "文化", "融媒体", "会展", "数据")
# words that stand before a name in a sentence ("撬动…", "为…", "例如…"), stripped from its start
LEAD_WORDS = tuple(sorted((
    "例如", "比如", "如", "为", "以", "由", "向", "对", "与", "和", "及", "同", "在", "从", "把", "将", "让",
    "帮助", "推动", "动员", "撬动", "跟进", "协调", "组织", "支持", "指导", "督促", "包括", "其中", "持续",
    "积极", "全力", "重点", "依托", "通过", "引进", "新增", "新建", "建成", "关停", "整治", "淘汰", "是", "有", "等", "该", "本", "此", "各", "这",
    "县", "区", "市", "全县", "全区", "全市", "全旗", "本县", "本区", "本市", "该县", "该区", "该市", "县内", "区内", "市内",
), key=len, reverse=True))
SHORTEST_CORE = 4  # characters before the form that name a firm on their own ("绿源食品")
COUNTY_ENDS = "县旗"  # a 2-character place before these is a county ("青石县")
PLACE_ENDS = "省市县区旗镇乡"
_NOT_PLACE_BEFORE = "全本该各每外两多省市县区"
_NAME_CHARS = r"\u4e00-\u9fff·（）()"
_SEGMENT_BREAK = re.compile(rf"[^{_NAME_CHARS}]+")
# a sentence that says the firm is producing (or supplying, running at night …)
_PRODUCING = ("生产", "复工", "投产", "达产", "营业", "供应", "开工")
# words that say the opposite: the sentence names the firm for a problem it has
_TROUBLE = ("未复工", "停产", "停业", "歇业", "受限", "退库", "注销", "受阻", "暴跌", "放缓", "困难",
            "未能", "尚未", "不足")


@dataclass(frozen=True)
class Mention:
    """A firm-like name in one sentence of the narrative."""

    line: int
    name: str
    place: str  # the county-like place that starts it ("示例县"), or ""
    sentence: str
    segment: str  # the words from the last break before the name to its end (for matching)
    form: str  # the form of business that ends it ("有限公司")


_IGNORED = "股份|有限责任|有限"  # "宏达建材公司" names "宏达建材有限公司"


def _key(name: str) -> str:
    return re.sub(_IGNORED, "", name.replace("(", "（").replace(")", "）"))


def plain_text(text: str) -> str:
    """A template line without placeholders, optional brackets and 【待补充】 (each a break)."""
    return re.sub(r"\{[^{}]*\}|【[^【】]*】|\[\[|\]\]", "…", text)


def _strip_lead(segment: str) -> str:
    changed = True
    while changed:
        changed = False
        for word in LEAD_WORDS:
            if segment.startswith(word) and len(segment) > len(word):
                segment, changed = segment[len(word):], True
                break
    return segment


def _start(segment: str, places: tuple[str, ...]) -> tuple[str, str]:
    """(name, place) from the words before a form of business: the name starts at a known place,
    else after the words that stand before names, at a county-like place when there is one
    ("县工商银行为示例县宝聚机械制造" -> "示例县宝聚机械制造")."""
    for place in places:
        at = segment.find(place)
        if at >= 0 and len(segment) - at - len(place) >= 2:
            return segment[at:], place
    segment = _strip_lead(segment)
    for j, char in enumerate(segment):
        if (char in PLACE_ENDS and j >= 2 and segment[j - 1] not in _NOT_PLACE_BEFORE
                and segment[j - 2] not in _NOT_PLACE_BEFORE and len(segment) - j - 1 >= 2):
            if char in COUNTY_ENDS:
                return segment[j - 2:], segment[j - 2: j + 1]
            if j == 2:
                return segment, ""
    return segment, ""


def _core(name: str, place: str, form: str) -> str:
    """The part that tells one firm from another: no place, no form, no town before it."""
    core = name[len(place):] if place else name
    core = re.sub(rf"^[\u4e00-\u9fff]{{1,4}}?[{PLACE_ENDS}](?=[\u4e00-\u9fff]{{2}})", "", core, count=1)
    return core[: len(core) - len(form)]


def find_mentions(lines, places: tuple[str, ...] = ()) -> list[Mention]:
    """Firm-like names of the narrative's (line number, text) pairs; `places`: county names
    known to start names (this county's and others')."""
    places = tuple(sorted(set(places), key=len, reverse=True))
    found: list[Mention] = []
    for number, text in lines:
        for sentence in re.split(r"[。；！？]", plain_text(text)):
            start = 0
            for match in _FORM.finditer(sentence):
                form, end = match.group(), match.end()
                segment = _SEGMENT_BREAK.split(sentence[start: match.start()])[-1] + form
                strong = form in STRONG_FORMS
                if not strong and _STRONG_AHEAD.match(sentence, end):
                    continue  # "…酒店管理有限公司": the weak form is inside a longer name
                name, place = _start(segment[: -len(form)], places)
                name += form
                core = _core(name, place, form)
                has_place = bool(place) or core != name[: len(name) - len(form)]
                if (len(core) < 2 or core in GENERIC_CORES
                        or (not strong and (not has_place or any(w in core for w in PUBLIC_WORDS)))):
                    start = end
                    continue
                found.append(Mention(number, name, place, sentence, segment, form))
                start = end
    return found


class LedgerNames:
    """This county's firm names (normalised), each with whether it is producing by the as-of
    date; a narrative name is known when a ledger name ends the same way, or it ends as one."""

    def __init__(self, ledgers: list[pd.DataFrame], as_of: date):
        frames = [df for df in ledgers if df is not None and len(df)]
        if not frames:
            self.states: dict[str, bool] = {}
            return
        names = pd.concat([df[schema.NAME].astype(str) for df in frames], ignore_index=True)
        producing = pd.concat([pd.Series(f.running | f.resumed).reset_index(drop=True)
                               for f in (status_flags(df, as_of) for df in frames)], ignore_index=True)
        keys = names.str.replace(_IGNORED, "", regex=True).str.replace("(", "（").str.replace(")", "）")
        producing = producing.astype(bool).to_numpy()
        self.states = dict.fromkeys(keys[~producing], False)  # then any producing row of a key wins
        self.states.update(dict.fromkeys(keys[producing], True))

    @cached_property
    def _reversed(self) -> list[str]:
        """The keys reversed and sorted: a ledger name ending with a narrative's name is a prefix
        search (sorted only when a name is not found by its own words)."""
        return sorted(key[::-1] for key in self.states)

    def match(self, mention: Mention) -> str | None:
        """The ledger key the mention names, or None: a ledger name the words before the form
        end with; else, for a name without a county of its own ("保障绿源食品公司"), a ledger
        name ending with its last words, at least four characters before the form ("绿源食品公司"
        finds "青石县绿源食品有限公司"; "示例县绿源食品公司" never finds 青石县's)."""
        segment = _key(mention.segment)
        for i in range(len(segment) - 3):
            if segment[i:] in self.states:
                return segment[i:]
        if mention.place:
            return None
        shortest = len(_key(mention.form)) + SHORTEST_CORE
        for i in range(len(segment) - shortest + 1):
            wanted = segment[i:][::-1]
            at = bisect.bisect_left(self._reversed, wanted)
            if at < len(self._reversed) and self._reversed[at].startswith(wanted):
                return self._reversed[at][::-1]
        return None


def _around(sentence: str, name: str, width: int = 12) -> str:
    """The words around a name in its sentence, for the message."""
    start = sentence.index(name)
    return sentence[max(0, start - width): start + len(name) + width].strip("，、 …")


def firm_mentions(lines, ledgers: list[pd.DataFrame], as_of: date, county: str,
                  template: str, other_places: tuple[str, ...] = ()) -> list[Finding]:
    """Warnings for firms the narrative names: unknown to the ledgers, or named in a sentence
    about producing while the ledger says not resumed. `lines`: (line number, text) pairs."""
    mentions = find_mentions(lines, (county, *other_places))
    names = LedgerNames(ledgers, as_of) if mentions else None
    found: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for m in mentions:
        if (m.line, m.name) in seen:
            continue
        seen.add((m.line, m.name))
        key = names.match(m)
        if key is None:
            elsewhere = f"（“{m.place}”不是本县）" if m.place and m.place != county else ""
            found.append(Finding(
                MENTION_UNKNOWN, WARNING, template, "", m.line, m.name, "",
                f"叙述中提到的“{m.name}”在本县（{county}）的工业和服务业企业台账中都找不到{elsewhere}；"
                "请核对企业名称，或改写这句话，或在台账中补上该企业"))
        elif (not names.states[key] and any(w in m.sentence for w in _PRODUCING)
              and not any(w in m.sentence for w in _TROUBLE)):
            found.append(Finding(
                MENTION_NOT_RESUMED, WARNING, template, "", m.line, m.name, "",
                f"叙述中说“{m.name}”在生产（“{_around(m.sentence, m.name)}”），"
                "台账中它截至截止日期尚未复工；请改写叙述或核实台账的复工日期"))
    return found


def template_county(path: Path | None) -> str | None:
    """The county a template file is named after ("示例县_2023Q2.md" -> "示例县"), if any."""
    if path is None:
        return None
    stem = re.sub(r"_\d{4}[Qq][1-4](?:_\d{4})?$", "", path.stem)
    return stem if len(stem) >= 2 and stem[-1] in "县区市旗" else None


def other_places(lines, county: str, known: tuple[str, ...] = ()) -> dict[str, list[int]]:
    """Other counties the narrative names -> the lines naming them: a county-like place starting
    a firm name, or any place in `known` (other counties' names from the params folder and the
    example). `county` itself, and names that are part of it, are never listed."""
    lines = list(lines)
    known = tuple(p for p in dict.fromkeys((*known, *EXAMPLE_PLACES)) if p and p != county)
    places: dict[str, list[int]] = {}
    for m in find_mentions(lines, (county, *known)):
        if m.place and m.place != county and m.place[-1] in COUNTY_ENDS + ("区市" if m.place in known else ""):
            places.setdefault(m.place, [])
    names = tuple(dict.fromkeys((*places, *known)))
    for number, text in lines:
        plain = plain_text(text)
        for place in names:
            if place in plain and place not in county and number not in places.get(place, []):
                places.setdefault(place, []).append(number)
    return {place: numbers for place, numbers in places.items() if numbers}


def other_county_findings(lines, county: str, template: str, template_path: Path | None,
                          known: tuple[str, ...] = ()) -> list[Finding]:
    """One warning per other county the narrative (or its file name) names."""
    found = []
    owner = template_county(template_path)
    if owner is not None and owner != county:
        found.append(Finding(
            MENTION_OTHER_COUNTY, WARNING, template, "", None, owner, "",
            f"叙述模板“{template}”是按{owner}命名的，不是本县（{county}）的；它的文字可能是从{owner}"
            f"复制来的。请用 fuchan 新县 {county} 生成本县的叙述模板，或改写后改名"))
    for place, numbers in other_places(lines, county, (*known, *([owner] if owner else []))).items():
        where = "、".join(f"第{n}行" for n in numbers)
        found.append(Finding(
            MENTION_OTHER_COUNTY, WARNING, template, "", numbers[0], place, "",
            f"叙述中{where}提到“{place}”，不是本县（{county}）；这些文字可能是从{place}的材料复制来的，"
            "请改写为本县的情况"))
    return found


def other_county_warnings(warnings: list[Finding]) -> list[str]:
    """The other-county warnings among an audit's (unexplained) warnings, as `check` and `run`
    print them first: a report in another county's words is the costliest mistake to miss."""
    return [f"警告：{f.message}" for f in warnings if f.rule == MENTION_OTHER_COUNTY]

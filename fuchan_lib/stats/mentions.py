"""Firms the narrative names, checked against the ledgers (warnings in the 审核清单).

The narrative is the statistician's text, so a firm named there is not computed: it may be
misspelt, missing from the ledgers, or named as producing while its ledger row says it has not
resumed. Names are recognised when they start with the county's name and end in a firm suffix
("示例县宏达建材有限公司"); 有限/有限责任/股份 are ignored when matching, so "示例县宏达建材公司"
finds "示例县宏达建材有限公司". Placeholders ({…}) are computed, so they are not checked.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.messages import FIRM_FORM
from fuchan_lib.stats.audit import MENTION_NOT_RESUMED, MENTION_UNKNOWN, WARNING, Finding
from fuchan_lib.stats.rates import status_flags

_SUFFIX = FIRM_FORM
# a sentence that says the firm is producing (or supplying, running at night …)
_PRODUCING = ("生产", "复工", "投产", "达产", "营业", "供应", "开工")
# words that say the opposite: the sentence names the firm for a problem it has
_TROUBLE = ("未复工", "停产", "停业", "歇业", "受限", "退库", "注销", "受阻", "暴跌", "放缓", "困难",
            "未能", "尚未", "不足")


def _around(sentence: str, name: str, width: int = 12) -> str:
    """The words around a name in its sentence, for the message."""
    start = sentence.index(name)
    return sentence[max(0, start - width): start + len(name) + width].strip("，、 ")


def _key(name: str) -> str:
    return re.sub("股份|有限责任|有限", "", name)


def _states(ledgers: list[pd.DataFrame], as_of: date) -> dict[str, bool]:
    """Normalised firm name -> producing (running or resumed by as_of)."""
    states: dict[str, bool] = {}
    for df in ledgers:
        flags = status_flags(df, as_of)
        for name, producing in zip(df[schema.NAME].astype(str), flags.running | flags.resumed):
            states[_key(name)] = states.get(_key(name), False) or bool(producing)
    return states


def firm_mentions(lines, ledgers: list[pd.DataFrame], as_of: date, county: str,
                  template: str) -> list[Finding]:
    """Warnings for firms the narrative names: unknown to the ledgers, or named in a sentence
    about producing while the ledger says not resumed. `lines`: (line number, text) pairs."""
    pattern = re.compile(re.escape(county) + r"[\u4e00-\u9fff·]{1,30}?" + _SUFFIX)
    states = _states(ledgers, as_of)
    found: list[Finding] = []
    for number, text in lines:
        plain = re.sub(r"\{[^{}]*\}", "", text)
        for sentence in re.split(r"[。；！？]", plain):
            for name in dict.fromkeys(pattern.findall(sentence)):
                producing = states.get(_key(name))
                if producing is None:
                    found.append(Finding(
                        MENTION_UNKNOWN, WARNING, template, "", number, name, "",
                        f"叙述中提到的“{name}”在工业和服务业企业台账中都找不到；"
                        "请核对企业名称，或在台账中补上该企业"))
                elif (not producing and any(w in sentence for w in _PRODUCING)
                      and not any(w in sentence for w in _TROUBLE)):
                    found.append(Finding(
                        MENTION_NOT_RESUMED, WARNING, template, "", number, name, "",
                        f"叙述中说“{name}”在生产（“{_around(sentence, name)}”），"
                        "台账中它截至截止日期尚未复工；请改写叙述或核实台账的复工日期"))
    return found

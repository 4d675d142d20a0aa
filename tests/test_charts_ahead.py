"""Charts drawn ahead by a forked child: the same bytes as drawn in place, and anything the child
did not draw cleanly (an error, a warning, the child gone) drawn in place instead."""

from __future__ import annotations

import os
import signal
import warnings

import pandas as pd
import pytest

from fuchan_lib.report import figures
from fuchan_lib.report.charts_ahead import ChartsAhead, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this system: charts are drawn in place")

TOWNS = pd.DataFrame({"乡镇（园区）": ["城关镇", "工业园区", "新街镇"], "复工率": [81.25, 100.0, 45.5]})
CATEGORIES = pd.DataFrame({"类别": ["规上工业", "规下工业"], "复工率": [81.25, 92.0]})


def _charts():
    return {"3_乡镇复工率.png": (TOWNS,), "2_分类复工率.png": (CATEGORIES,)}


def test_charts_drawn_ahead_are_byte_identical_to_charts_drawn_in_place(tmp_path):
    (tmp_path / "here").mkdir(), (tmp_path / "ahead").mkdir()
    in_place = figures.draw_charts(_charts(), lambda name: tmp_path / "here" / name)
    jobs = figures.chart_jobs(_charts(), lambda name: tmp_path / "ahead" / name)
    ahead = ChartsAhead(jobs)
    assert all(ahead.drawn(path) for _, _, path in jobs)
    drawn = figures.draw_charts(_charts(), lambda name: tmp_path / "ahead" / name, ahead)
    assert [p.name for p in drawn] == [p.name for p in in_place]
    assert [p.read_bytes() for p in drawn] == [p.read_bytes() for p in in_place]
    assert not ahead._process.is_alive() and ahead._process.exitcode == 0  # reaped


def failing(path):
    raise ValueError("no chart")


def warning(path):
    warnings.warn("Glyph 12345 missing from font")
    path.write_bytes(b"half a chart")


def test_a_chart_the_child_failed_or_warned_on_is_left_to_the_notebook(tmp_path):
    good = tmp_path / "good.png"
    jobs = [(failing, (), tmp_path / "failed.png"), (warning, (), tmp_path / "warned.png"),
            (figures.plot_town_rates, (TOWNS,), good)]
    ahead = ChartsAhead(jobs)
    assert [ahead.drawn(path) for _, _, path in jobs] == [False, False, True]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.png"]  # nothing half-written left
    assert ahead.drawn(tmp_path / "never asked.png") is False


def test_when_the_child_is_gone_every_chart_not_yet_drawn_is_drawn_in_place(tmp_path):
    dies = lambda path: os.kill(os.getpid(), signal.SIGKILL)  # the child dies on its first chart
    ahead = ChartsAhead([(dies, (), tmp_path / "a.png"), (figures.plot_town_rates, (TOWNS,), tmp_path / "b.png")])
    drawn = figures.draw_charts({"3_乡镇复工率.png": (TOWNS,)}, lambda name: tmp_path / "b.png", ahead)
    assert ahead.drawn(tmp_path / "a.png") is False
    assert drawn == [tmp_path / "b.png"] and (tmp_path / "b.png").read_bytes()[:4] == b"\x89PNG"
    assert ahead._process.exitcode == -signal.SIGKILL


def test_a_child_that_says_nothing_for_too_long_is_stopped_and_the_chart_drawn_in_place(tmp_path, monkeypatch):
    import time

    from fuchan_lib.report import charts_ahead

    monkeypatch.setattr(charts_ahead, "STUCK_AFTER", 0.5)
    stuck = lambda path: time.sleep(60)
    started = time.monotonic()
    ahead = ChartsAhead([(stuck, (), tmp_path / "a.png")])
    assert ahead.drawn(tmp_path / "a.png") is False
    assert time.monotonic() - started < 10 and ahead._process.exitcode == -signal.SIGKILL

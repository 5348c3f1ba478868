"""Diagnosis: built-in warning rules at their thresholds, countermeasures, and properties."""

from __future__ import annotations

import classguide as cg
from classguide.results import warning_sort_key


def _w(level: cg.WarningLevel, code: str, subject: str = "", zh: str = "预警") -> cg.Warning:
    return cg.Warning(
        level=level,
        code=code,
        message=cg.Text(zh=zh, en="warning"),
        evidence=(cg.Evidence(subject=subject),) if subject else (),
    )


def test_sort_key_is_total_and_independent_of_input_order() -> None:
    ws = [
        _w(cg.WarningLevel.YELLOW, "floor", "b"),
        _w(cg.WarningLevel.BLUE, "incomplete"),
        _w(cg.WarningLevel.YELLOW, "floor", "a"),
        _w(cg.WarningLevel.RED, "veto", "a"),
        _w(cg.WarningLevel.YELLOW, "disconnect.study", "study"),
    ]
    a = sorted(ws, key=warning_sort_key)
    b = sorted(reversed(ws), key=warning_sort_key)
    assert a == b
    assert [(w.code, w.evidence[0].subject if w.evidence else "") for w in a] == [
        ("veto", "a"),
        ("disconnect.study", "study"),
        ("floor", "a"),
        ("floor", "b"),
        ("incomplete", ""),
    ]

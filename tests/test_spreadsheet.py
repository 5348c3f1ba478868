"""Spreadsheet-safe CSV: formula injection is neutralised, nothing else changes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classguide.spreadsheet import FORMULA_TRIGGERS, protect_cell, write_csv


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("县财政局", "县财政局"),
        ("", ""),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
        (True, True),
    ],
)
def test_protect_cell(cell: object, expected: object) -> None:
    assert protect_cell(cell) == expected  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.text())
def test_protected_text_never_starts_a_formula_and_keeps_its_content(text: str) -> None:
    out = protect_cell(text)
    assert isinstance(out, str)
    assert not out.startswith(FORMULA_TRIGGERS)
    assert out == text or (out == "'" + text and text.startswith(FORMULA_TRIGGERS))


def test_write_csv_protects_every_text_cell_and_counts_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    n = write_csv(path, ["=h", "x"], [["=a", 1.5], ["b", None], ["-c", -2]])
    assert n == 3
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["'=h", "x"], ["'=a", "1.5"], ["b", ""], ["'-c", "-2"]]

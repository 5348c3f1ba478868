"""The sector pages in docs/sectors are generated from the rule files and kept current."""

from __future__ import annotations

from pathlib import Path

import pytest

import classguide as cg
from classguide.rulesetdocs import main, sector_page, write_sector_pages

DOCS = Path(__file__).resolve().parents[1] / "docs" / "sectors"
SECTORS = ("organ", "soe", "university", "school", "hospital")


@pytest.fixture(scope="module")
def guide() -> cg.Guide:
    return cg.Guide()


@pytest.mark.parametrize("sector", SECTORS)
def test_committed_sector_pages_are_current(guide: cg.Guide, sector: str) -> None:
    rulesets = [rs for rs in guide.rulesets.values() if rs.unit_type == sector]
    expected = sector_page(
        guide.unit_types[sector], rulesets, origin=f"plugins/classguide_{sector}/rules/"
    )
    committed = (DOCS / f"{sector}.md").read_text(encoding="utf-8")
    assert committed == expected, (
        f"docs/sectors/{sector}.md is stale: run `python -m classguide.rulesetdocs docs/sectors`"
    )


@pytest.mark.parametrize("sector", SECTORS)
def test_page_names_every_indicator_with_source_basis_floor_target_and_weight(
    guide: cg.Guide, sector: str
) -> None:
    rulesets = [rs for rs in guide.rulesets.values() if rs.unit_type == sector]
    page = sector_page(guide.unit_types[sector], rulesets)
    for rs in rulesets:
        assert f"## {rs.id} — {rs.name.zh}" in page
        for src in rs.sources:
            assert src.title.zh in page
        for ind in rs.indicators:
            assert f"| `{ind.id}` | {ind.name.zh} |" in page
    for word in ("floor 底线", "target 高线", "weight", "basis", "cadence", "evidence", "line"):
        assert word in page


def test_write_sector_pages_and_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = write_sector_pages(tmp_path / "a")
    assert sorted(p.stem for p in written) == sorted(SECTORS)
    assert main([str(tmp_path / "b")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(SECTORS)
    assert main([]) == 2

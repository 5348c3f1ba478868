"""Reading real-world files: encodings, formats, every bad-input case in both modes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import classguide as cg
from classguide.demo import example_ruleset
from classguide.io import (
    InputProblem,
    detect_encoding,
    evaluate_files,
    read_table,
    safe_text,
    write_xlsx,
)
from classguide.io.readers import read_raw

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
RS = example_ruleset()
UNITS_HEADER = "unit_id,name,unit_type,level,foundation\n"
OBS_HEADER = (
    "unit_id,branch_standardised,organisational_life,study_hours,discipline_cases,"
    "tasks_completed,public_satisfaction,joint_planning,joint_assessment\n"
)
GOOD_OBS = "u1,1,1,50,0,0.98,0.96,true,好\nu2,0.7,85%,20,0,1,0.93,false,一般\n"


def write(tmp: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp / name
    p.write_bytes(text.encode(encoding))
    return p


def units_file(tmp: Path, extra: str = "") -> Path:
    body = "u1,县委办公室,organ,county,standard\nu2,县发改局,organ,county,standard\n" + extra
    return write(tmp, "units.csv", UNITS_HEADER + body)


def fixture_population() -> list[tuple[cg.Unit, dict[str, object]]]:
    """The fixtures' units and observations, as the single-unit path takes them."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = []
    for (uid, name, utype, level, foundation), row in zip(module.UNITS, module.OBS, strict=True):
        unit = cg.Unit(id=uid, name=name, unit_type=utype,
                       attributes={"level": level, "foundation": foundation})  # fmt: skip
        obs = {k: v for k, v in zip(module.HEADER[1:], row[1:], strict=True) if v is not None}
        out.append((unit, {k: float(v) if type(v) is int else v for k, v in obs.items()}))
    return out


# --- encodings and formats -------------------------------------------------------------------


def test_gbk_csv_with_chinese_names_is_detected_and_read() -> None:
    raw = (FIXTURES / "units_gbk.csv").read_bytes()
    assert detect_encoding(raw) == "gb18030"
    table = read_table(FIXTURES / "units_gbk.csv")
    assert table.column("name").to_pylist()[:2] == ["县委办公室", "县发展和改革局"]
    assert table.column_names == ["unit_id", "name", "unit_type", "level", "foundation"]


def test_utf8_bom_header_has_no_bom_and_utf8_is_utf8() -> None:
    assert detect_encoding("unit_id,名称\n".encode()) == "utf-8"
    table = read_table(FIXTURES / "observations_utf8bom.csv")
    assert table.column_names[0] == "unit_id"
    # a UTF-8 file cut inside a character is still UTF-8
    assert detect_encoding("县委办公室".encode()[:-1], truncated=True) == "utf-8"


def test_xlsx_export_reads_like_the_csv_and_evaluates_the_same() -> None:
    raw = read_raw(FIXTURES / "observations.xlsx")
    assert raw.rows.tolist() == [2, 3, 4, 5, 6]  # the formatted empty row 8 is no record
    assert raw.table.column("organisational_life").to_pylist()[1] == "0.85"  # text cell
    assert raw.table.column("joint_planning").to_pylist()[:2] == ["true", "false"]
    units = FIXTURES / "units_gbk.csv"
    from_xlsx = evaluate_files(RS, units, FIXTURES / "observations.xlsx")
    from_csv = evaluate_files(RS, units, FIXTURES / "observations_utf8bom.csv")
    assert from_xlsx.table.equals(from_csv.table)
    assert from_xlsx.counts.add_up and not from_xlsx.problems
    evs = cg.rank([cg.evaluate(RS, u, o) for u, o in fixture_population()], rulesets=[RS])
    rows = from_csv.table.to_pylist()
    assert [r["name"] for r in rows][:1] == ["县委办公室"]
    for row, ev in zip(rows, evs, strict=True):
        assert row["grade"] == ev.grade and row["rank"] == ev.rank
        assert row["score"] == pytest.approx(ev.score, abs=1e-9)


def test_parquet_and_json_read_the_same_as_csv(tmp_path: Path) -> None:
    obs = read_table(FIXTURES / "observations_utf8bom.csv")
    pq.write_table(obs, tmp_path / "obs.parquet")
    (tmp_path / "obs.json").write_text(json.dumps(obs.to_pylist(), ensure_ascii=False), "utf-8")
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in obs.to_pylist())
    (tmp_path / "obs.jsonl").write_text(lines, "utf-8")
    units = FIXTURES / "units_gbk.csv"
    base = evaluate_files(RS, units, FIXTURES / "observations_utf8bom.csv").table
    for name in ("obs.parquet", "obs.json", "obs.jsonl"):
        assert evaluate_files(RS, units, tmp_path / name).table.equals(base), name


def test_typed_parquet_is_read_as_text_then_parsed(tmp_path: Path) -> None:
    typed = pa.table(
        {
            "unit_id": ["u1", "u2"],
            "branch_standardised": [1.0, 0.7],
            "organisational_life": [1.0, 0.85],
            "joint_planning": [True, False],
        }
    )
    pq.write_table(typed, tmp_path / "obs.parquet")
    result = evaluate_files(RS, units_file(tmp_path), tmp_path / "obs.parquet")
    assert not result.problems and result.counts.units_evaluated == 2


# --- every bad-input case, both modes --------------------------------------------------------

CASES = {
    "unknown unit type": (
        "u3,火星局,martian,county,standard\n",
        GOOD_OBS,
        ("units.csv", 4, "unit_type", "unknown unit type"),
    ),
    "not a number": (
        "",
        GOOD_OBS.replace("50,0", "五十,0"),
        ("obs.csv", 2, "study_hours", "not a number"),
    ),
    "percentage over 100": (
        "",
        GOOD_OBS.replace("85%", "120%"),
        ("obs.csv", 3, "organisational_life", "percentage over 100%"),
    ),
    "ratio as a percentage number": (
        "",
        GOOD_OBS.replace("0.93", "93"),
        ("obs.csv", 3, "public_satisfaction", "over 1 where the indicator is a ratio"),
    ),
    "duplicate unit id": (
        "u1,重复,organ,county,standard\n",
        GOOD_OBS,
        ("units.csv", 4, "unit_id", "unit id given twice (first in row 2"),
    ),
    "observation for a unit that does not exist": (
        "",
        GOOD_OBS + "u9,1,1,1,0,1,1,true,好\n",
        ("obs.csv", 4, "unit_id", "no such unit"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_lenient_sets_aside_and_counts_add_up(tmp_path: Path, case: str) -> None:
    extra_units, obs, (file, row, column, reason) = CASES[case]
    units = units_file(tmp_path, extra_units)
    observations = write(tmp_path, "obs.csv", OBS_HEADER + obs)
    quarantine = tmp_path / "q.csv"
    result = evaluate_files(RS, units, observations, quarantine=quarantine)
    hits = [p for p in result.problems if p.file.endswith(file) and p.row == row]
    assert hits and hits[0].column == column and reason in hits[0].reason, result.problems
    c = result.counts
    assert c.add_up
    assert c.units_read == c.units_evaluated + c.units_set_aside
    assert c.rows_read == c.rows_used + c.rows_set_aside
    assert result.table.num_rows == c.units_evaluated
    text = quarantine.read_text("utf-8-sig")
    assert reason.split(" (")[0] in text and f",{row}," in text
    assert len(result.set_aside) == c.units_set_aside + c.rows_set_aside


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_strict_raises_listing_the_problem(tmp_path: Path, case: str) -> None:
    extra_units, obs, (file, row, column, reason) = CASES[case]
    units = units_file(tmp_path, extra_units)
    observations = write(tmp_path, "obs.csv", OBS_HEADER + obs)
    with pytest.raises(cg.InputError) as info:
        evaluate_files(RS, units, observations, strict=True)
    message = str(info.value)
    assert f"{file}, row {row}, column {column!r}: " in message and reason in message
    assert any(isinstance(p, InputProblem) for p in info.value.problems)


def test_unknown_indicator_column_and_long_row(tmp_path: Path) -> None:
    units = units_file(tmp_path)
    wide = write(tmp_path, "obs.csv", OBS_HEADER.replace("\n", ",mystery\n") +
                 GOOD_OBS.replace("好\n", "好,7\n", 1).replace("一般\n", "一般,\n"))  # fmt: skip
    result = evaluate_files(RS, units, wide)
    (p,) = result.problems
    assert (p.row, p.column, p.value) == (2, "mystery", "7") and "not an indicator" in p.reason
    assert result.counts.units_evaluated == 1 and result.counts.add_up
    long = write(tmp_path, "long.csv", "unit_id,indicator_id,value\nu1,study_hours,50\n"
                 "u1,mystery,3\nu2,study_hours,20\n")  # fmt: skip
    result = evaluate_files(RS, units, long)
    (p,) = result.problems
    assert (p.row, p.column, p.value) == (3, "indicator_id", "mystery")
    assert result.counts.rows_read == 3 and result.counts.rows_set_aside == 2  # u1's two rows
    with pytest.raises(cg.InputError, match="unknown indicator"):
        evaluate_files(RS, units, long, strict=True)


def test_empty_file_and_missing_column(tmp_path: Path) -> None:
    units = units_file(tmp_path)
    empty = write(tmp_path, "obs.csv", "")
    result = evaluate_files(RS, units, empty)
    assert any("empty" in p.reason and p.row is None for p in result.problems)
    assert result.counts.add_up and result.counts.units_evaluated == 2  # evaluated, no data
    assert result.table.column("complete").to_pylist() == [False, False]
    with pytest.raises(cg.InputError, match="empty"):
        evaluate_files(RS, units, empty, strict=True)
    no_type = write(tmp_path, "u2.csv", "unit_id,name,level\nu1,甲,county\n")
    result = evaluate_files(RS, no_type, write(tmp_path, "o.csv", OBS_HEADER + GOOD_OBS))
    assert any("missing column(s) unit_type" in p.reason for p in result.problems)
    assert result.counts.units_evaluated == 0 and result.counts.add_up
    with pytest.raises(cg.InputError, match="missing column"):
        evaluate_files(RS, no_type, tmp_path / "o.csv", strict=True)
    no_id = write(tmp_path, "o2.csv", "id,study_hours\nu1,5\n")
    with pytest.raises(cg.InputError, match="missing column 'unit_id'"):
        evaluate_files(RS, units, no_id, strict=True)


def test_malformed_row_is_reported_with_its_row(tmp_path: Path) -> None:
    units = write(tmp_path, "units.csv", UNITS_HEADER + "u1,甲,organ,county,standard\n"
                  "u2,乙,organ\nu3,丙,organ,county,weak\n")  # fmt: skip
    obs = write(tmp_path, "obs.csv", OBS_HEADER + GOOD_OBS)
    result = evaluate_files(RS, units, obs)
    bad = [p for p in result.problems if p.file.endswith("units.csv")]
    assert [(p.row, p.value) for p in bad] == [(3, "u2,乙,organ")]
    assert result.counts.units_read == 3 and result.counts.add_up
    assert result.table.column("unit_id").to_pylist() == ["u1", "u3"]


# --- formula injection ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x"])
def test_text_never_becomes_a_formula(tmp_path: Path, name: str) -> None:
    assert safe_text(name) == "'" + name
    assert safe_text("县委") == "县委"
    units = write(tmp_path, "units.csv", UNITS_HEADER + f'u1,"{name}",organ,county,standard\n')
    obs = write(tmp_path, "obs.csv", OBS_HEADER + GOOD_OBS.splitlines()[0] + "\n")
    out = tmp_path / "out"
    from classguide.streaming import stream_evaluate

    stream_evaluate(RS, units, obs, out, progress=False)
    text = (out / "results.csv").read_text("utf-8-sig")
    assert f',"\'{name}",' in text
    table = pq.read_table(out / "results.parquet")
    assert table.column("name").to_pylist() == [name]  # Parquet keeps the text as it is
    write_xlsx(table, tmp_path / "r.xlsx")
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    cell = sheet.cell(row=2, column=table.column_names.index("name") + 1)
    assert cell.value == name and cell.data_type == "s"


def test_short_observation_ids_are_found_among_long_unit_ids(tmp_path: Path) -> None:
    # observation ids are looked up among the units' by fingerprint: an id's fingerprint must
    # not depend on how long the other ids of its file are (a credit code beside "u1")
    units = units_file(tmp_path, "91110000600037341L,县财政局,organ,county,standard\n")
    obs = write(tmp_path, "obs.csv", OBS_HEADER + GOOD_OBS)
    result = evaluate_files(RS, units, obs, strict=True)
    assert result.counts.units_evaluated == 3 and result.counts.add_up
    assert result.table.column("complete").to_pylist() == [True, True, False]

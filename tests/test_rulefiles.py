"""Rule-set files: the three formats, problems with file and line, hostile input, round trips."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.validation import STRUCTURAL
from rulefile_cases import (
    EXAMPLE,
    evaluates_examples,
    example,
    example_data,
    shipped_rule_files,
)

TOML_TEXT = EXAMPLE.read_text("utf-8")


def problems_of(call) -> list[cg.Problem]:  # type: ignore[no-untyped-def]
    with pytest.raises(cg.RuleSetError) as info:
        call()
    assert isinstance(info.value, cg.ClassguideError)
    assert isinstance(info.value, ValueError)
    return list(info.value.problems)


def test_shipped_files_are_found() -> None:
    assert EXAMPLE in shipped_rule_files()


@pytest.mark.parametrize("path", shipped_rule_files(), ids=lambda p: p.name)
def test_shipped_rule_files_load_and_validate(path: Path) -> None:
    ruleset = cg.load_ruleset(path, validate=True)
    assert [p for p in cg.validate_ruleset(ruleset) if p.severity == "error"] == []
    assert cg.check_ruleset_file(path) == [
        p for p in cg.check_ruleset_file(path) if p.severity == "warning"
    ]


@pytest.mark.parametrize("path", shipped_rule_files(), ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_round_trip_is_the_identity(path: Path, fmt: str) -> None:
    ruleset = cg.load_ruleset(path)
    text = cg.dumps_ruleset(ruleset, format=fmt)
    again = cg.loads_ruleset(text, format=fmt)
    assert again == ruleset
    assert cg.dumps_ruleset(again, format=fmt) == text


def test_the_three_formats_agree(tmp_path: Path) -> None:
    data = example_data()
    (tmp_path / "r.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (tmp_path / "r.yml").write_bytes((tmp_path / "r.yaml").read_bytes())
    rs = example()
    for name in ("r.json", "r.yaml", "r.yml"):
        assert cg.load_ruleset(tmp_path / name) == rs
    assert cg.loads_ruleset(TOML_TEXT.encode("utf-8")) == rs
    assert cg.loads_ruleset("\ufeff" + TOML_TEXT) == rs  # a byte-order mark is dropped


# --- problems name the file, the line and the path -----------------------------------------------


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [k + 1 for k, line in enumerate(text.splitlines()) if needle in line]
    return lines[occurrence - 1]


def test_toml_problems_have_lines(tmp_path: Path) -> None:
    text = TOML_TEXT.replace("weight = 0.4\n", 'weight = "0,4"\n', 1)
    text = text.replace(
        'kind = "count"\ndirection = "lower"', 'kind = "counts"\ndirection = "lower"'
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    problems = problems_of(lambda: cg.load_ruleset(path))
    by_path = {p.path: p for p in problems}
    assert set(by_path) == {"groups[3].weight", "indicators[3].kind"}
    weight = by_path["groups[3].weight"]
    assert weight.file == str(path)
    assert weight.line == line_of(text, '"0,4"')
    assert weight.message == "expected a number, got str '0,4'"
    kind = by_path["indicators[3].kind"]
    assert kind.line == line_of(text, '"counts"')
    assert "expected one of 'ratio', 'count', 'boolean', 'grade', got 'counts'" in kind.message
    rendered = str(problems_of(lambda: cg.load_ruleset(path))[0])
    assert rendered.startswith(f"{path}:{weight.line}: error: groups[3].weight")


def test_toml_lines_inside_sub_tables() -> None:
    text = TOML_TEXT + '\n[alerts]\nlag_gap = "big"\nbottom_n = 3\n'
    (problem,) = problems_of(lambda: cg.loads_ruleset(text, source="x.toml"))
    assert (problem.path, problem.line) == ("alerts.lag_gap", line_of(text, 'lag_gap = "big"'))
    text = TOML_TEXT + "\n[groups.ahp]\nmethod = 'column'\nchildren = 3\n"
    (problem,) = problems_of(lambda: cg.loads_ruleset(text, source="x.toml"))
    assert (problem.path, problem.line) == ("groups[3].ahp.children", line_of(text, "children = 3"))


def test_json_problems_have_lines() -> None:
    data = example_data()
    data["indicators"][5]["floor"] = "0.8"
    data["grades"][1]["name"] = {"zh": "较好", "en": "fairly good", "fr": "assez bien"}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    problems = problems_of(lambda: cg.loads_ruleset(text, format="json", source="r.json"))
    lines = {p.path: p.line for p in problems}
    assert lines["indicators[5].floor"] == line_of(text, '"floor": "0.8"')
    assert lines["grades[1].name"] == line_of(text, '"fr": "assez bien"')  # the unknown key
    assert all(p.file == "r.json" for p in problems)


def test_yaml_problems_have_lines() -> None:
    data = example_data()
    data["indicators"][2]["tags"] = "study"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    problems = problems_of(lambda: cg.loads_ruleset(text, format="yaml"))
    assert [(p.path, p.line) for p in problems] == [
        ("indicators[2].tags", line_of(text, "tags: study"))
    ]
    assert "expected a list, got str 'study'" in problems[0].message


def test_validation_problems_are_located_too() -> None:
    text = TOML_TEXT.replace('source = "organ-regulation"\narticle = "第二十五条"', 'source = "x"')
    problems = problems_of(lambda: cg.loads_ruleset(text, validate=True))
    assert [(p.path, p.code, p.line) for p in problems] == [
        ("indicators[1].source", "unknown-source", line_of(text, 'source = "x"'))
    ]
    assert cg.loads_ruleset(text).indicators[1].source == "x"  # not structural: loads


def test_str_lists_every_problem() -> None:
    data = example_data()
    data["id"] = 3
    data["indicators"][0]["weight"] = True
    data["extra"] = 1
    err = problems_of(lambda: cg.loads_ruleset(json.dumps(data), format="json"))
    with pytest.raises(cg.RuleSetError) as info:
        cg.loads_ruleset(json.dumps(data), format="json", source="r.json")
    text = str(info.value)
    assert "3 problem(s)" in text
    for fragment in ("id: expected a string", "indicators[0].weight", "unknown key(s): extra"):
        assert fragment in text
    assert len(err) == 3


# --- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fmt", "fragment"),
    [
        (b"id = '\xff\xfe'\n", "toml", "not UTF-8"),
        (b"\x80abc", "yaml", "not UTF-8"),
        ("id = nan", "toml", "finite"),
        ("weight = inf", "toml", "finite"),
        ('{"id": NaN}', "json", "NaN is not allowed"),
        ('{"id": 1e400}', "json", "finite"),
        ("id: .nan", "yaml", "finite"),
        (f"id = {10**400}", "toml", "too large"),
        (f'{{"id": {10**60}}}', "json", "too large"),
        ("x = " + "[" * 5000 + "]" * 5000, "toml", "deep"),
        ("[" * 100_000 + "]" * 100_000, "json", "deep"),
        ("a: " + "[" * 5000 + "]" * 5000, "yaml", "deep"),
        ('{"id": "a", "id": "b"}', "json", "duplicate key 'id'"),
        ("id: a\nid: b\n", "yaml", "duplicate key 'id'"),
        ("id = 'a'\nid = 'b'\n", "toml", "not valid TOML"),
        ("!!python/object/apply:os.system ['true']", "yaml", "not valid YAML"),
        ("id: !!binary aGVsbG8=", "yaml", "got bytes"),
        ("id: 2020-01-01", "yaml", "got date"),
        ("{1: a}", "yaml", "keys must be strings"),
        ("", "yaml", "empty"),
        ("[]", "json", "expected a table"),
        ("- a\n- b\n", "yaml", "expected a table"),
        ('"just a string"', "json", "expected a table"),
        ('{"id": "\\ud800"}', "json", "surrogate"),
        ("id = 'x'\n", "ini", "unknown format"),
        ("{", "json", "line 1, column 2"),
        ("a = [1,", "toml", "not valid TOML"),
        ("a = [1,\nb = 2", "toml", "line 2"),
        ("a: [1,", "yaml", "not valid YAML: line"),
    ],
)
def test_hostile_input_raises_rule_set_error(data: str | bytes, fmt: str, fragment: str) -> None:
    problems = problems_of(lambda: cg.loads_ruleset(data, format=fmt))
    assert any(fragment in p.message for p in problems), problems


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 9)]
    problems = problems_of(lambda: cg.loads_ruleset("\n".join(lines), format="yaml"))
    assert "more than" in problems[0].message


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("selector", {"level": "county"}, "expected a list, got str"),
        ("indicators", {"a": 1}, "expected a list, got dict"),
        ("indicators", "abc", "expected a list, got str"),
        ("name", "示例", "expected a table (record)"),
        ("selector", ["level"], "expected a table (table of key → value)"),
        ("weights", [0.5, 0.5], "expected a table (record)"),
    ],
)
def test_shapes_are_not_coerced(key: str, value: object, fragment: str) -> None:
    data = example_data()
    data[key] = value
    problems = problems_of(lambda: cg.loads_ruleset(json.dumps(data), format="json"))
    assert any(fragment in p.message for p in problems), problems


def test_file_errors(tmp_path: Path) -> None:
    (problem,) = problems_of(lambda: cg.load_ruleset(tmp_path / "missing.toml"))
    assert "cannot read the file" in problem.message
    assert problem.file == str(tmp_path / "missing.toml")
    (tmp_path / "r.ini").write_text("x", "utf-8")
    (problem,) = problems_of(lambda: cg.load_ruleset(tmp_path / "r.ini"))
    assert "unknown rule-file suffix '.ini'" in problem.message
    (tmp_path / "r.toml").write_bytes(b"id = 1\n\xc3\x28 = 2\n")
    (problem,) = problems_of(lambda: cg.load_ruleset(tmp_path / "r.toml"))
    assert "line 2: not UTF-8" in problem.message
    with pytest.raises(cg.RuleSetError, match="unknown format"):
        cg.dumps_ruleset(example(), format="ini")


def test_toml_cannot_write_a_null() -> None:
    import attrs

    rs = example()
    silent = attrs.evolve(rs, alerts=attrs.evolve(rs.alerts, red_at_or_below=None))
    with pytest.raises(cg.RuleSetError, match="TOML has no null"):
        cg.dumps_ruleset(silent, format="toml")
    assert cg.loads_ruleset(cg.dumps_ruleset(silent, format="yaml"), format="yaml") == silent


def test_written_toml_reads_like_a_rule_file() -> None:
    text = cg.dumps_ruleset(example(), format="toml")
    assert text.startswith("# rule set example-organ 1.0, written by classguide")
    assert 'name = { zh = "示例：机关党建与业务融合评价"' in text
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert headers[:3] == ["[selector]", "[[sources]]", "[weights]"] or headers[:2] == [
        "[[sources]]",
        "[weights]",
    ]
    assert headers.index("[[groups]]") < headers.index("[[indicators]]")


# --- AHP judgement matrices in rule files --------------------------------------------------------

AHP_GROUP = """
[groups.ahp]
children = ["public_satisfaction", "tasks_completed"]
matrix = [[1, 0.5], [2, 1]]
"""


def with_ahp(block: str) -> str:
    """The example with an AHP block on its third group ("performance"), children unweighted."""
    head, sep, tail = TOML_TEXT.partition('[[groups]]\nid = "integration"')
    head = head.rstrip("\n") + "\n" + block + "\n\n"
    tail = tail.replace('group = "performance"\nweight = 0.6\n', 'group = "performance"\n')
    tail = tail.replace('group = "performance"\nweight = 0.4\n', 'group = "performance"\n')
    return head + sep + tail


def test_ahp_matrix_gives_the_childrens_weights() -> None:
    rs = cg.loads_ruleset(with_ahp(AHP_GROUP))
    group = next(g for g in rs.groups if g.id == "performance")
    assert group.ahp is not None
    assert group.ahp.weights == pytest.approx((1 / 3, 2 / 3))
    assert group.ahp.cr == 0.0
    assert group.ahp.method == "eigenvector"
    assert rs.indicator("tasks_completed").weight == pytest.approx(2 / 3)
    assert rs.indicator("public_satisfaction").weight == pytest.approx(1 / 3)
    assert [p for p in cg.validate_ruleset(rs) if p.severity == "error"] == []
    again = cg.loads_ruleset(cg.dumps_ruleset(rs), format="json")
    assert again == rs


def test_ahp_three_children_with_o1_matrix() -> None:
    data = example_data()
    data["indicators"] = [i for i in data["indicators"] if i.get("group") != "performance"]
    for k, iid in enumerate("abc"):
        data["indicators"].append(
            {
                "id": iid,
                "name": {"zh": iid, "en": iid},
                "dimension": "business",
                "kind": "ratio",
                "group": "performance",
                "source": "organ-regulation",
                **({"weight": 0.5396} if k == 0 else {}),
            }
        )
    data["groups"][2]["ahp"] = {
        "children": ["a", "b", "c"],
        "matrix": [[1, 3, 2], [0.3333, 1, 0.5], [0.5, 2, 1]],
        "ri": "saaty",
        "method": "geometric",
    }
    problems = problems_of(lambda: cg.loads_ruleset(json.dumps(data), format="json"))
    assert [p.code for p in problems] == ["load"]
    assert "disagrees with 0.539" in problems[0].message
    del data["indicators"][-3]["weight"]
    rs = cg.loads_ruleset(json.dumps(data), format="json")
    weights = [rs.indicator(i).weight for i in "abc"]
    assert weights == pytest.approx([0.5396, 0.1634, 0.2970], abs=1e-4)  # sectors.md O1


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        ('children = ["public_satisfaction"]\nmatrix = [[1, 2], [0.5, 1]]', "1 children for a 2×2"),
        (
            'children = ["public_satisfaction", "x"]\nmatrix = [[1, 2], [0.5, 1]]',
            "'x' is not a child",
        ),
        (
            'children = ["public_satisfaction", "tasks_completed"]\nmatrix = [[1, 2], [2, 1]]',
            "reciprocal",
        ),
        (
            'children = ["public_satisfaction", "tasks_completed"]\nmatrix = [[1, 2], [0.5, 1]]\n'
            'method = "power"',
            "unknown AHP method",
        ),
        (
            'children = ["public_satisfaction", "tasks_completed"]\nmatrix = [[1, 2], [0.5, 1]]\n'
            "cr = 0.5",
            "stated CR",
        ),
        (
            'children = ["public_satisfaction", "tasks_completed"]\nmatrix = [[1, 2], [0.5, 1]]\n'
            "weights = [0.5, 0.5]",
            "stated weights disagree",
        ),
    ],
)
def test_bad_ahp_blocks(block: str, fragment: str) -> None:
    text = with_ahp("\n[groups.ahp]\n" + block + "\n")
    problems = problems_of(lambda: cg.loads_ruleset(text))
    assert any(fragment in p.message for p in problems), problems


def test_inconsistent_ahp_matrix_loads_but_does_not_validate() -> None:
    data = example_data()
    for ind in data["indicators"]:
        if ind["group"] == "organisation":
            del ind["weight"]
    data["indicators"].insert(
        2,
        {
            "id": "extra",
            "name": {"zh": "附加", "en": "extra"},
            "dimension": "party",
            "kind": "boolean",
            "group": "organisation",
            "source": "organ-regulation",
        },
    )
    data["groups"][0]["ahp"] = {
        "children": ["branch_standardised", "organisational_life", "extra"],
        "matrix": [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]],
    }
    text = json.dumps(data)
    rs = cg.loads_ruleset(text, format="json")
    (problem,) = [p for p in cg.validate_ruleset(rs) if p.severity == "error"]
    assert problem.code == "ahp-inconsistent"
    assert problem.path == "groups[0].ahp.matrix"
    assert "CR = " in problem.message
    problems = problems_of(lambda: cg.loads_ruleset(text, format="json", validate=True))
    assert [p.code for p in problems] == ["ahp-inconsistent"]
    assert problems[0].line == line_of(text, '"matrix"') if "\n" in text else True


def test_apply_ahp_on_a_python_rule_set() -> None:
    rs = example()
    performance = rs.groups[2]
    judged = cg.AhpJudgement(
        children=("public_satisfaction", "tasks_completed"), matrix=((1.0, 0.5), (2.0, 1.0))
    )
    groups = (*rs.groups[:2], cg.Group(**{**_fields(performance), "ahp": judged}), rs.groups[3])
    raw = cg.RuleSet(**{**_fields(rs), "groups": groups})
    problems = cg.validate_ruleset(raw)
    assert {p.code for p in problems if p.severity == "error"} == {"ahp-weights"}
    fixed, problems = cg.rulefiles.apply_ahp(raw)
    assert {p.code for p in problems} == {"ahp-weights"}  # stated weights 0.6/0.4 disagree
    derived = frozenset({("indicators", 4), ("indicators", 5)})
    fixed, problems = cg.rulefiles.apply_ahp(raw, derived=derived)
    assert problems == []
    assert fixed.indicator("tasks_completed").weight == pytest.approx(2 / 3)
    assert [p for p in cg.validate_ruleset(fixed) if p.severity == "error"] == []


def _fields(record: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(record, recurse=False)  # type: ignore[arg-type]


# --- fuzzing -------------------------------------------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.just(10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["", "party", "ratio", "higher", "poor", "organisation", "0,3", "1/3"]),
    st.lists(st.integers(-3, 3), max_size=3),
    st.lists(st.lists(st.floats(-2, 10), max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.integers(33, 120).map(lambda n: _nested(n)),
)


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            out += _paths(value, (*prefix, k))
    return out


def _get(data: object, path: tuple[object, ...]) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, object]:
    data = example_data()
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)[1:]
        path = draw(st.sampled_from(paths))
        parent = _get(data, path[:-1])
        key = path[-1]
        action = draw(
            st.sampled_from(
                ["replace", "replace", "delete", "extra", "duplicate", "scale", "weights"]
            )
        )
        if action == "replace":
            parent[key] = draw(JUNK)  # type: ignore[index]
        elif action == "delete":
            del parent[key]  # type: ignore[arg-type, union-attr]
        elif action == "extra" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["weigth", "note", "id", "ahp"]))] = draw(JUNK)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(parent[key])  # type: ignore[index]
        elif action == "weights":
            data["weights"] = {
                "party": draw(st.sampled_from([-0.5, 0.0, 0.3, 0.5])),
                "business": draw(st.sampled_from([-0.5, 0.0, 0.5, 0.7, 1.5])),
            }
        elif action == "scale" and isinstance(parent[key], float):  # type: ignore[index]
            parent[key] *= draw(st.sampled_from([0.0, -1.0, 0.5, 2.0, 1e300]))  # type: ignore[index]
    return data


def _check_outcome(text: str | bytes, fmt: str) -> None:
    """Either a rule set that validates (and evaluates), or RuleSetError — nothing else."""
    try:
        ruleset = cg.loads_ruleset(text, format=fmt, source=f"fuzz.{fmt}")
    except cg.RuleSetError as exc:
        error = exc
    else:
        _check_loaded(ruleset, text, fmt)
        return
    assert error.problems
    assert str(error).count("\n") == len(error.problems)  # one line per problem
    assert all(p.file == f"fuzz.{fmt}" for p in error.problems)


def _check_loaded(ruleset: cg.RuleSet, text: str | bytes, fmt: str) -> None:
    problems = cg.validate_ruleset(ruleset)
    errors = [p for p in problems if p.severity == "error"]
    assert not [p for p in errors if p.code in STRUCTURAL]
    evaluates_examples(ruleset)  # whatever non-structural errors it has, the engine copes
    if errors:
        with pytest.raises(cg.RuleSetError):
            cg.loads_ruleset(text, format=fmt, validate=True)
        return
    assert cg.loads_ruleset(text, format=fmt, validate=True) == ruleset
    unit = cg.Unit(id="u", name="u", unit_type=ruleset.unit_type, attributes={"foundation": "weak"})
    evaluation = cg.evaluate(ruleset, unit, {})
    assert evaluation.grade is None
    try:
        toml_text = cg.dumps_ruleset(ruleset, format="toml")
    except cg.RuleSetError as exc:
        assert "TOML has no null" in str(exc)  # noqa: PT017 - the one refusal allowed
    else:
        assert cg.loads_ruleset(toml_text) == ruleset
    for fmt in ("json", "yaml"):  # TOML was round-tripped above, where it can be written
        assert cg.loads_ruleset(cg.dumps_ruleset(ruleset, format=fmt), format=fmt) == ruleset


@settings(max_examples=120, deadline=None)
@given(mutated_documents(), st.sampled_from(["json", "yaml"]))
def test_fuzz_mutated_documents(data: dict[str, object], fmt: str) -> None:
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False)
    else:
        text = yaml.safe_dump(data, allow_unicode=True)
    _check_outcome(text, fmt)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from(["toml", "json", "yaml"]))
def test_fuzz_corrupted_bytes(data: st.DataObject, fmt: str) -> None:
    if fmt == "toml":
        raw = TOML_TEXT.encode("utf-8")
    elif fmt == "json":
        raw = cg.dumps_ruleset(example()).encode("utf-8")
    else:
        raw = cg.dumps_ruleset(example(), format="yaml").encode("utf-8")
    buffer = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(buffer) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            buffer[pos] = data.draw(st.integers(0, 255))
        elif action == "insert":
            buffer[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
        else:
            del buffer[pos : pos + data.draw(st.integers(1, 40))]
    _check_outcome(bytes(buffer), fmt)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["toml", "json", "yaml"]))
def test_fuzz_arbitrary_text(text: str, fmt: str) -> None:
    _check_outcome(text, fmt)


# --- the annotated example of docs/rulefiles.md --------------------------------------------------


def _doc_block(language: str, marker: str) -> str:
    text = (EXAMPLE.parents[3] / "docs" / "rulefiles.md").read_text("utf-8")
    blocks = text.split(f"```{language}\n")[1:]
    return next(b.split("```")[0] for b in blocks if marker in b)


def test_documented_example_loads_validates_andevaluates_examples() -> None:
    ruleset = cg.loads_ruleset(_doc_block("toml", 'id = "example-school"'), validate=True)
    assert cg.validate_ruleset(ruleset) == []
    teaching = next(g for g in ruleset.groups if g.id == "teaching")
    assert teaching.ahp is not None
    assert teaching.ahp.weights == pytest.approx([0.5396, 0.1634, 0.2970], abs=1e-3)
    literal = _doc_block("python", "observations = {").split("=", 1)[1]
    observations = ast.literal_eval(literal)  # the docs' own dict literal
    unit = cg.Unit(
        id="s1",
        name="一小",
        unit_type="school",
        attributes={"stage": "primary", "foundation": "weak"},
    )
    ev = cg.evaluate(ruleset, unit, observations)
    assert ev.complete
    assert ev.indicators["trained_share"].value == pytest.approx(0.9)
    assert ev.grade in {"excellent", "qualified", "basic", "poor"}
    for fmt in ("json", "yaml", "toml"):
        assert cg.loads_ruleset(cg.dumps_ruleset(ruleset, format=fmt), format=fmt) == ruleset


@settings(max_examples=50, deadline=None)
@given(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20).filter(str.strip),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8),
)
def test_toml_writer_keeps_any_text(zh: str, en: str, label: str) -> None:
    import attrs

    rs = example()
    grade = rs.indicators[7]
    changed = attrs.evolve(
        rs,
        name=cg.Text(zh=zh, en=en),
        indicators=(
            *rs.indicators[:7],
            attrs.evolve(grade, grades={label: 100.0, "差": 20.0}, article=en or None),
        ),
        selector={label: ("county",)},
    )
    text = cg.dumps_ruleset(changed, format="toml")
    assert cg.loads_ruleset(text) == changed


@pytest.mark.parametrize("party", [-0.5, 0.0, 0.3, 0.5, 2.0])
@pytest.mark.parametrize("business", [-1.0, 0.0, 0.5, 0.7])
def test_what_loads_evaluates_whatever_the_composite_weights(party: float, business: float) -> None:
    data = example_data()
    data["weights"] = {"party": party, "business": business}
    try:
        ruleset = cg.loads_ruleset(json.dumps(data), format="json")
    except cg.RuleSetError as exc:
        codes = {p.code for p in exc.problems}
    else:
        evaluates_examples(ruleset)
        codes = set()
    assert ("composite-weight" in codes) == (party <= 0 or business <= 0)


def test_toml_lines_survive_multi_line_arrays() -> None:
    # A row of a multi-line matrix starts with "[" but is no table header; a problem inside it
    # points at its key's line, and later tables are still counted right.
    block = (
        '\n[groups.ahp]\nchildren = ["public_satisfaction", "tasks_completed"]\n'
        'matrix = [\n  [1, 2],\n  [0.5, "one"],\n]\n'
    )
    text = with_ahp(block)
    text = text.replace('id = "joint_assessment"', 'id = "joint_assessment"\nbogus = 1')
    problems = problems_of(lambda: cg.loads_ruleset(text))
    lines = {p.path: p.line for p in problems}
    assert lines["groups[2].ahp.matrix[1][1]"] == line_of(text, "matrix = [")
    assert lines["indicators[7]"] == line_of(text, "bogus = 1")  # the unknown key itself


# --- rule files shipped inside a package -------------------------------------------------


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, files: dict[str, str]):  # type: ignore[no-untyped-def]
    pkg = tmp_path / name
    (pkg / "rules").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", "utf-8")
    for file, text in files.items():
        (pkg / "rules" / file).write_text(text, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return pkg


def test_package_rulesets_read_every_format_in_file_name_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from classguide.rulefiles import load_package_rulesets

    base = example_data()
    second = dict(base, id="second")
    _package(
        tmp_path,
        monkeypatch,
        "cg_pkg_formats",
        {
            "b.json": json.dumps(second),
            "a.toml": TOML_TEXT,
            "c.yml": yaml.safe_dump(dict(base, id="third"), allow_unicode=True),
            "notes.txt": "not a rule file",
        },
    )
    rulesets = load_package_rulesets("cg_pkg_formats")
    assert [rs.id for rs in rulesets] == [example().id, "second", "third"]
    assert load_package_rulesets("cg_pkg_formats") is rulesets  # read once per process


def test_package_rulesets_name_the_packaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from classguide.rulefiles import load_package_rulesets

    _package(tmp_path, monkeypatch, "cg_pkg_bad", {"bad.toml": 'id = "x"\nversion = 3\n'})
    problems = problems_of(lambda: load_package_rulesets("cg_pkg_bad"))
    assert problems and all(p.file == "cg_pkg_bad/rules/bad.toml" for p in problems)
    with pytest.raises(FileNotFoundError, match="no rule-file folder 'rulesets'"):
        load_package_rulesets("cg_pkg_bad", "rulesets")


def test_shipped_sector_plugins_load_their_packaged_files() -> None:
    from classguide.rulefiles import load_package_rulesets

    organ = load_package_rulesets("classguide_organ")
    assert [rs.id for rs in organ] == sorted(rs.id for rs in organ)
    assert {rs.unit_type for rs in organ} == {"organ"}
    assert len(organ) == 3


@pytest.mark.parametrize("odd", ["\x1b", "a\x00b", "x\x7f", "two\nlines", "\u2028", "tab\there"])
def test_toml_writer_comment_header_survives_control_characters(odd: str) -> None:
    # Found by test_fuzz_mutated_documents: the id is echoed in the file's header comment,
    # where TOML allows no control characters and escapes do not apply.
    import attrs

    ruleset = attrs.evolve(example(), id=f"id{odd}", version=f"v{odd}")
    text = cg.dumps_ruleset(ruleset, format="toml")
    assert cg.loads_ruleset(text) == ruleset
    assert text.startswith("# rule set id")

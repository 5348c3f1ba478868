"""The ``classguide`` command (click): output for people, ``--json`` where offered for programs."""

from __future__ import annotations

from pathlib import Path

import click

from classguide._version import __version__

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="classguide")
def main() -> None:
    """classguide: classified guidance of Party building and its integration with business work.

    分类指导：党建与业务融合评价、耦合协调与分级预警。
    """


@main.command()
@click.option(
    "--size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Number of sample units.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the sample.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, writable=True),
    default="classguide-demo",
    show_default=True,
    help="Folder for results.csv and results.json.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def demo(size: int, seed: int, out: str, lang: str) -> None:
    """Evaluate a generated sample population with the installed plugins (演示).

    Prints a summary per sector (grades, coordination bands, lag types, most frequent
    warnings) and writes one row / record per unit to OUT/results.csv and OUT/results.json.
    """
    from classguide.demo import run_demo

    run_demo(size=size, seed=seed, out=out, lang=lang, echo=click.echo)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate(files: tuple[str, ...], as_json: bool) -> None:
    """Check rule-set files (TOML, JSON, YAML) as a whole (校验规则文件).

    Prints every error and warning with file, line and rule-set path; exits with status 1 when
    any file has an error.
    """
    from classguide.rulefiles import run_validate

    status = run_validate(files, as_json=as_json, echo=click.echo)
    if status:
        raise SystemExit(status)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for programs).")
@click.option("--all", "show_all", is_flag=True, help="Include the core's built-in plugin.")
def plugins(as_json: bool, show_all: bool) -> None:
    """List installed plugins, what they contribute, and load failures (插件)."""
    from classguide.pluginlist import run_plugins

    code = run_plugins(
        as_json=as_json,
        show_all=show_all,
        echo=click.echo,
        echo_err=lambda text: click.echo(text, err=True),
    )
    if code:
        raise SystemExit(code)


@main.command("new-plugin")
@click.argument("name")
@click.option(
    "--unit-type",
    default="organ",
    show_default=True,
    help="Built-in unit type the rule set is for (organ, soe, university, school, hospital).",
)
@click.option(
    "--new-unit-type",
    metavar="ID",
    help="Instead: a new unit type the plugin registers (e.g. community).",
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="NAME=V1,V2",
    help="An attribute of the new unit type and its values (repeatable); foundation is added.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder in which to create classguide-NAME/.",
)
def new_plugin(
    name: str,
    unit_type: str,
    new_unit_type: str | None,
    attributes: tuple[str, ...],
    out: Path,
) -> None:
    """Scaffold a plugin distribution classguide-NAME with a passing contract suite (新建插件)."""
    from classguide.errors import ScaffoldError
    from classguide.scaffold import (
        NewUnitType,
        describe,
        parse_attribute,
        plan_scaffold,
        write_scaffold,
    )

    try:
        if attributes and new_unit_type is None:
            raise ScaffoldError("--attribute describes a new unit type: give --new-unit-type too")
        new = None
        if new_unit_type is not None:
            new = NewUnitType(id=new_unit_type, attributes=dict(map(parse_attribute, attributes)))
        scaffold = plan_scaffold(name, out=out, unit_type=unit_type, new_unit_type=new)
        written = write_scaffold(scaffold)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    for line in describe(written, scaffold, name):
        click.echo(line)


@main.command()
@click.option(
    "--units",
    "units",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Units file: unit_id, name, unit_type and one column per attribute.",
)
@click.option(
    "--observations",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Observations file: wide (unit_id + indicators) or long (unit_id, indicator_id, value).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for results.parquet, results.csv, quarantine.csv, summary.json.",
)
@click.option("--strict", is_flag=True, help="Any problem in the files is an error (exit 1).")
@click.option("--period", default=None, help="The assessment period, e.g. 2025.")
@click.option(
    "--ruleset",
    "ruleset_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Evaluate every unit with this rule-set file instead of the installed plugins' rule sets.",
)
@click.option(
    "--chunk-rows",
    default=200_000,
    show_default=True,
    help="Observation rows read and evaluated at a time (bounds the memory).",
)
@click.option(
    "--warnings",
    "with_warnings",
    is_flag=True,
    help="Add the list of warnings of each unit to the results.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def evaluate(
    units: str,
    observations: str,
    out: str,
    strict: bool,
    period: str | None,
    ruleset_file: str | None,
    chunk_rows: int,
    with_warnings: bool,
    no_progress: bool,
) -> None:
    """Evaluate units from files, in chunks, into results files (批量评价).

    CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, Parquet and JSON are read. Rows with
    problems are set aside to quarantine.csv with their reasons (or, with --strict, reported
    and nothing is written); the counts always add up.
    """
    from classguide.streaming import run_evaluate_command

    code = run_evaluate_command(
        units=units,
        observations=observations,
        out=out,
        strict=strict,
        period=period,
        ruleset_file=ruleset_file,
        chunk_rows=chunk_rows,
        warnings=with_warnings,
        progress=not no_progress,
        echo=click.echo,
    )
    if code:
        raise SystemExit(code)

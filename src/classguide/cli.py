"""The ``classguide`` command (click): output for people, ``--json`` where offered for programs."""

from __future__ import annotations

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
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def demo(lang: str) -> None:
    """Evaluate example units and print the results (演示)."""
    from classguide.demo import run_demo

    run_demo(lang=lang, echo=click.echo)


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

"""Commands: init, check, open (the TUI) and demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
)
from workbench.i18n import _, choose_language, counted, set_language


@click.command()
@PROJECT
@click.option(
    "--codebook",
    "codebook_path",
    default=None,
    metavar="FILE",
    help="A codebook YAML file, or the name of a shipped one (sociale-infrastructuur).",
)
@click.option(
    "--language",
    default="nl",
    show_default=True,
    type=click.Choice(["nl", "en"]),
    help="The usual language of the transcripts.",
)
@CODER
@JSON
@handle_errors
def init(
    project: ProjectTarget,
    codebook_path: str | None,
    language: str,
    coder: str | None,
    as_json: bool,
) -> None:
    """Create a new project file."""
    from workbench.services.project import init_project

    done = init_project(project, language=language, codebook_path=codebook_path, coder=coder)
    set_language(choose_language(done.language))  # the new project's language
    if as_json:
        emit_json(done.to_dict())
    elif done.codebook:
        click.echo(
            _("created {project} with {codes} from {codebook}").format(
                project=done.project,
                codes=counted(done.codes, "code", "codes"),
                codebook=repr(done.codebook),
            )
        )
    else:
        click.echo(_("created {project}").format(project=done.project))


@click.command()
@PROJECT
@JSON
@handle_errors
def check(project: ProjectTarget, as_json: bool) -> None:
    """Check the project: SQLite integrity, text hashes, offsets, orphans."""
    from workbench.services.project import check as check_project

    with opened(project) as proj:
        problems = check_project(proj)
    if as_json:
        emit_json({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            click.echo(problem)
        click.echo(_("ok") if not problems else counted(len(problems), "problem", "problems"))
    if problems:
        sys.exit(1)


@click.command("open")
@PROJECT
@handle_errors
def open_(project: ProjectTarget) -> None:
    """Open a project in the terminal workbench (the TUI)."""
    with opened(project):  # migrate (with a backup) and fail early, in one line
        pass
    from workbench.tui import run

    run(project)


@click.command()
@click.option(
    "--path",
    "target",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to build the demo project (default: a new file in your data folder).",
)
@click.option("--build-only", is_flag=True, help="Build the demo project without opening it.")
@handle_errors
def demo(target: Path | None, build_only: bool) -> None:
    """Build a fresh demo project (fictional transcripts, codebook, places, coding) and open it."""
    from workbench.demo import build_demo

    if target is None:
        import time

        import platformdirs

        folder = Path(platformdirs.user_data_dir("workbench"))
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"demo-{time.strftime('%Y%m%d-%H%M%S')}.db"
    build_demo(target)
    click.echo(_("demo project: {path}").format(path=target), err=True)
    if not build_only:
        from workbench.tui import run

        run(target)

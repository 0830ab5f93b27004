"""Commands: undo, redo and history (the change log)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import JSON, PROJECT, emit_json, handle_errors, opened, table


def _step(project: Path, undo: bool, as_json: bool) -> None:
    from workbench.services import history

    with opened(project) as proj:
        info = history.step(proj, undo=undo)
    result = {
        "change": info.id,
        "action": info.action,
        "summary": info.summary,
        "state": info.state,
        "coder": info.coder,
    }
    if as_json:
        emit_json(result)
    else:
        click.echo(f"{'undone' if undo else 'redone'}: {info.summary or info.action}")


@click.command()
@PROJECT
@JSON
@handle_errors
def undo(project: Path, as_json: bool) -> None:
    """Undo the last change (also one made in an earlier session)."""
    _step(project, True, as_json)


@click.command()
@PROJECT
@JSON
@handle_errors
def redo(project: Path, as_json: bool) -> None:
    """Redo the last undone change."""
    _step(project, False, as_json)


@click.command()
@PROJECT
@click.option("--limit", default=30, show_default=True)
@JSON
@handle_errors
def history(project: Path, limit: int, as_json: bool) -> None:
    """The change log, newest first."""
    from workbench.services import history as service

    with opened(project) as proj:
        rows = service.history(proj, limit)
    if as_json:
        emit_json([vars(row) for row in rows])
        return
    table(
        [
            (
                r.id,
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                r.coder or "",
                r.state,
                r.summary or r.action,
            )
            for r in rows
        ],
        ["#", "when", "coder", "state", "change"],
    )

"""Commands: undo, redo and history (the change log).

Each coder undoes and redoes their own changes (``--coder``, ``$WORKBENCH_CODER`` or the login
name); a step another coder's change depends on is refused in one line naming that change.
``history`` lists the current coder's changes (what their undo walks through) by default,
``--coder NAME``'s, or with ``--all`` everyone's.
"""

from __future__ import annotations

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
    table,
)
from workbench.i18n import _


def _step(project: ProjectTarget, undo: bool, coder: str | None, as_json: bool) -> None:
    from workbench.services import history

    with opened(project) as proj:
        info = history.step(proj, undo=undo, coder=coder)
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
        # The summary is the change log's own text (English, as the project keeps it).
        shown = info.summary or info.action
        click.echo((_("undone: {change}") if undo else _("redone: {change}")).format(change=shown))


@click.command()
@PROJECT
@CODER
@JSON
@handle_errors
def undo(project: ProjectTarget, coder: str | None, as_json: bool) -> None:
    """Undo your last change (also one made in an earlier session).

    Only the coder's own changes are undone (--coder, $WORKBENCH_CODER or your login name).
    When another coder's later change depends on it (they coded the segment it made), the
    undo is refused and that change is named.
    """
    _step(project, True, coder, as_json)


@click.command()
@PROJECT
@CODER
@JSON
@handle_errors
def redo(project: ProjectTarget, coder: str | None, as_json: bool) -> None:
    """Redo your last undone change.

    Refused, naming the change in the way, when another coder has changed the same data since.
    """
    _step(project, False, coder, as_json)


@click.command()
@PROJECT
@click.option(
    "--coder",
    default=None,
    metavar="NAME",
    help="Whose changes (default: yours: $WORKBENCH_CODER or your login name).",
)
@click.option("--all", "everyone", is_flag=True, help="Every coder's changes.")
@click.option("--limit", default=30, show_default=True)
@JSON
@handle_errors
def history(
    project: ProjectTarget, coder: str | None, everyone: bool, limit: int, as_json: bool
) -> None:
    """The change log, newest first: your changes, --coder NAME's, or --all.

    By default the list shows your own changes, the ones `undo` and `redo` walk through
    (yours: $WORKBENCH_CODER or your login name); the coder column says who made each.
    """
    from workbench.services import history as service

    if everyone and coder is not None:
        raise click.UsageError(_("give --coder NAME or --all, not both"))
    with opened(project) as proj:
        rows = service.history(proj, limit, coder=coder, everyone=everyone)
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
        ["#", _("when"), _("coder"), _("state"), _("change")],
    )

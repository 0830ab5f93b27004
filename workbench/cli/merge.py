"""Command: merge (bring an offline copy of the project back into it)."""

from __future__ import annotations

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    PROJECT_TYPE,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
)
from workbench.i18n import _


@click.command()
@PROJECT
@click.argument("theirs", type=PROJECT_TYPE)
@click.option("--dry-run", is_flag=True, help="Say what the merge would do; change nothing.")
@CODER
@JSON
@handle_errors
def merge(
    project: ProjectTarget,
    theirs: ProjectTarget,
    dry_run: bool,
    coder: str | None,
    as_json: bool,
) -> None:
    """Bring THEIRS, another copy of the project coded elsewhere, into PROJECT.

    Documents are matched by their text, codes, places and cases by GUID and then by name;
    segments, codings and place links are joined, each with its coder and time, and memos
    added. Where the copies hold different values, the change logs say which side changed
    them since the copies parted; changed in both is a conflict: it is reported and PROJECT's
    value kept. One change: `undo` takes the merge back (documents it copied stay). THEIRS is
    only read.
    """
    from workbench.services import merge as service

    with opened(project) as proj:
        report = service.merge(proj, theirs, dry_run=dry_run, coder=coder)
    if as_json:
        emit_json(report.to_dict())
        return
    click.echo(report.shown_summary())
    lists = (
        (_("coders added"), report.coders_added),
        (_("documents added"), report.documents_added),
        (_("codes added"), report.codes_added),
        (_("codes changed"), report.codes_changed),
        (_("places added"), report.places_added),
        (_("places changed"), report.places_changed),
        (_("cases added"), report.cases_added),
        (_("cases changed"), report.cases_changed),
    )
    for title, names in lists:
        if names:
            click.echo(f"  {title}: {', '.join(names)}")
    if report.not_restored:
        click.echo(
            "  "
            + _("left out (removed here since the copies parted): {count}").format(
                count=report.not_restored
            )
        )
    for line in report.shown_notes:
        click.echo("  " + _("note: {note}").format(note=line))
    for line in report.shown_conflicts:
        click.echo("  " + _("conflict: {conflict}").format(conflict=line))
    if dry_run:
        click.echo(_("nothing was changed (--dry-run)"))

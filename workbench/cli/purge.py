"""Command: purge (make what was erased permanent: no copy left in the project)."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    ProjectTarget,
    emit_json,
    fail,
    handle_errors,
    opened,
    warn,
)
from workbench.i18n import _


@click.command()
@PROJECT
@click.option(
    "--document",
    "documents",
    multiple=True,
    metavar="NAME",
    help="Also delete this document for good, with its segments, codings and memos; repeatable.",
)
@click.option("--yes", "-y", is_flag=True, help="Purge without asking first.")
@CODER
@JSON
@handle_errors
def purge(
    project: ProjectTarget,
    documents: tuple[str, ...],
    yes: bool,
    coder: str | None,
    as_json: bool,
) -> None:
    """Make erasures permanent: remove erased text from the change log and compact the file.

    Deleted memos, pseudonym entries, codes, places and segments, and text since replaced (a
    memo rewritten, a code renamed), stay in the change log so that undo can bring them
    back, and old copies stay in the file's free pages. A purge removes them from the log
    (undo then stops at the purge), with --document deletes documents for good, and compacts
    the database so that no copy stays in the project. It asks first (--yes skips the
    question; without a terminal --yes is required). Backups beside the project are listed,
    not touched.
    """
    from workbench.services import purge as service

    with opened(project) as proj:
        planned = service.plan(proj, documents=documents)
        if not yes:
            if not sys.stdin.isatty():
                fail(
                    _(
                        "purge asks before it erases for good: give --yes to purge without"
                        " a terminal"
                    )
                )
            click.echo(_("The purge will:"), err=True)
            for line in planned.lines():
                click.echo(f"  - {line}", err=True)
            if not click.confirm(_("This cannot be undone. Purge?"), default=False, err=True):
                fail(_("nothing was purged"))
        done = service.purge(proj, documents=documents, coder=coder)
    for note in done.shown_notes:
        warn(note)
    if as_json:
        emit_json(done.to_dict())
    else:
        click.echo(done.summary)

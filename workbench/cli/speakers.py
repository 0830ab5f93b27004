"""Commands: turns (a document's speaker turns) and speaker rename|set|split|join.

Each ``speaker`` command is one change in the change log (``workbench undo`` takes it back);
segments, codings and memos are untouched, and citations and ``speaker:`` queries follow at
once.
"""

from __future__ import annotations

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
    table,
)
from workbench.i18n import _, counted


@click.command()
@PROJECT
@click.argument("document")
@JSON
@handle_errors
def turns(project: ProjectTarget, document: str, as_json: bool) -> None:
    """List the speaker turns of DOCUMENT: number, line, speaker, offsets, words.

    The terminal table shows the first words of each turn; --json gives no transcript text.
    """
    from workbench.services import speakers

    with opened(project) as proj:
        rows = speakers.turns(proj, document)
    if as_json:
        emit_json([row.to_dict() for row in rows])
        return
    table(
        [
            (row.number, row.line, row.speaker or "-", row.start, row.end, row.words, row.preview)
            for row in rows
        ],
        [_("turn"), _("line"), _("speaker"), _("start"), _("end"), _("words"), _("begins")],
    )


@click.group()
def speaker() -> None:
    """Fix the speakers: rename a speaker, set a turn's speaker, split or join turns.

    \b
    speaker rename study.db DOC OLD NEW       # in one document
    speaker rename study.db --all OLD NEW     # in every document
    speaker set study.db DOC TURN SPEAKER
    speaker split study.db DOC OFFSET [--speaker S]   (or --line N)
    speaker join study.db DOC TURN            # join TURN to the turn before it
    """


@speaker.command("rename")
@PROJECT
@click.argument("names", nargs=-1, required=True, metavar="[DOC] OLD NEW")
@click.option("--all", "everywhere", is_flag=True, help="Rename in every document.")
@CODER
@JSON
@handle_errors
def speaker_rename(
    project: ProjectTarget,
    names: tuple[str, ...],
    everywhere: bool,
    coder: str | None,
    as_json: bool,
) -> None:
    """Rename the speaker OLD to NEW in every turn of DOC (or with --all, of every document)."""
    from workbench.services import speakers

    wanted = 2 if everywhere else 3
    if len(names) != wanted:
        shape = "--all OLD NEW" if everywhere else _("DOC OLD NEW (or --all OLD NEW)")
        fail(
            _("speaker rename takes {shape}; got {names}").format(
                shape=shape, names=counted(len(names), "name", "names")
            )
        )
    document = None if everywhere else names[0]
    old, new = names[-2:]
    with opened(project) as proj:
        renamed = speakers.rename(proj, old, new, document=document, coder=coder)
    if as_json:
        emit_json(renamed.to_dict())
        return
    where = (
        document
        if document is not None
        else counted(len(renamed.documents), "document", "documents")
    )
    click.echo(
        _("renamed speaker {old} to {new} in {where} ({turns})").format(
            old=renamed.old,
            new=renamed.new,
            where=where,
            turns=counted(renamed.turns, "turn", "turns"),
        )
    )


def _turn_line(row: object) -> str:
    from workbench.services.speakers import TurnRow

    assert isinstance(row, TurnRow)
    return _("turn {number} (line {line}, {start}-{end}): {speaker}, {words}").format(
        number=row.number,
        line=row.line,
        start=row.start,
        end=row.end,
        speaker=row.speaker or "-",
        words=counted(row.words, "word", "words"),
    )


@speaker.command("set")
@PROJECT
@click.argument("document")
@click.argument("turn", type=int)
@click.argument("name", metavar="SPEAKER")
@CODER
@JSON
@handle_errors
def speaker_set(
    project: ProjectTarget,
    document: str,
    turn: int,
    name: str,
    coder: str | None,
    as_json: bool,
) -> None:
    """Make SPEAKER the speaker of turn TURN (numbered from 1, see `turns`) of DOCUMENT."""
    from workbench.services import speakers

    with opened(project) as proj:
        row = speakers.set_speaker(proj, document, turn, name, coder=coder)
    emit_json(row.to_dict()) if as_json else click.echo(_turn_line(row))


@speaker.command("split")
@PROJECT
@click.argument("document")
@click.argument("offset", type=int, required=False)
@click.option("--line", type=int, default=None, help="Split at the start of line N (1-based).")
@click.option("--speaker", "name", default=None, help="The new turn's speaker (default: the same).")
@CODER
@JSON
@handle_errors
def speaker_split(
    project: ProjectTarget,
    document: str,
    offset: int | None,
    line: int | None,
    name: str | None,
    coder: str | None,
    as_json: bool,
) -> None:
    """Split the turn of DOCUMENT at OFFSET (a code point): a new turn starts there.

    OFFSET must lie in the speech of a turn, not in its speaker label. With --line N the new
    turn starts at line N. The new turn has the speaker of --speaker, else the same speaker.
    """
    from workbench.services import speakers

    if (offset is None) == (line is None):
        fail(_("speaker split takes OFFSET or --line N (one of them)"))
    with opened(project) as proj:
        done = speakers.split(proj, document, offset, line=line, speaker=name, coder=coder)
    if as_json:
        emit_json(done.to_dict())
        return
    click.echo(_turn_line(done.before))
    click.echo(_turn_line(done.after))


@speaker.command("join")
@PROJECT
@click.argument("document")
@click.argument("turn", type=int)
@CODER
@JSON
@handle_errors
def speaker_join(
    project: ProjectTarget, document: str, turn: int, coder: str | None, as_json: bool
) -> None:
    """Join turn TURN of DOCUMENT to the turn before it (which keeps its speaker)."""
    from workbench.services import speakers

    with opened(project) as proj:
        row = speakers.join(proj, document, turn, coder=coder)
    emit_json(row.to_dict()) if as_json else click.echo(_turn_line(row))

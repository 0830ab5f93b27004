"""Speakers: list a document's turns, rename a speaker, set the speaker of a turn, split a
turn, join a turn to the one before it.

One transaction per function, named in the change log with the command line's text, so each
is undone and redone (per coder) like a coding. Segments, codings and memos are untouched;
citations and ``speaker:`` queries follow at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.coding import speakers
from workbench.coding.speakers import Renamed, TurnRow
from workbench.i18n import tally
from workbench.project import changelog
from workbench.project.db import Project
from workbench.services._tx import coder_id

__all__ = [
    "Renamed",
    "Split",
    "TurnRow",
    "join",
    "rename",
    "set_speaker",
    "split",
    "turns",
]


def turns(project: Project, document: str) -> list[TurnRow]:
    """The speaker turns of ``document``, in text order (numbered from 1)."""
    with project.session() as session:
        return speakers.list_turns(session, document)


def set_speaker(
    project: Project, document: str, turn: int, speaker: str, *, coder: str | None = None
) -> TurnRow:
    """Make ``speaker`` the speaker of turn ``turn`` (1-based) of ``document``, as one change."""
    with project.transaction("speaker set", coder=coder) as session:
        coder_id(session, coder)
        row = speakers.set_speaker(session, document, turn, speaker)
        changelog.describe(session, f"speaker of {document} turn {turn}: {row.speaker}")
    return row


def rename(
    project: Project,
    old: str,
    new: str,
    *,
    document: str | None = None,
    coder: str | None = None,
) -> Renamed:
    """Rename the speaker ``old`` to ``new`` in every turn of ``document`` (with ``document``
    None: of every document), as one change."""
    with project.transaction("speaker rename", coder=coder) as session:
        coder_id(session, coder)
        renamed = speakers.rename_speaker(session, old, new, document=document)
        where = document if document is not None else "all documents"
        changelog.describe(
            session,
            f"rename speaker {renamed.old} to {renamed.new} in {where}"
            f" ({tally(renamed.turns, 'turn')})",
        )
    return renamed


@dataclass(frozen=True)
class Split:
    """A turn split in two."""

    before: TurnRow
    """The turn that was split, now ending before the offset."""
    after: TurnRow
    """The new turn, from the offset on."""

    def to_dict(self) -> dict[str, object]:
        """The ``speaker split --json`` object."""
        return {"before": self.before.to_dict(), "after": self.after.to_dict()}


def split(
    project: Project,
    document: str,
    offset: int | None,
    *,
    line: int | None = None,
    speaker: str | None = None,
    coder: str | None = None,
) -> Split:
    """Split the turn of ``document`` at ``offset``, or at the start of ``line`` (1-based): a
    new turn starts there, with ``speaker`` or the split turn's speaker, as one change."""
    with project.transaction("speaker split", coder=coder) as session:
        coder_id(session, coder)
        before, after = speakers.split_turn(session, document, offset, line=line, speaker=speaker)
        changelog.describe(session, f"split {document} turn {before.number} at {after.start}")
    return Split(before, after)


def join(project: Project, document: str, turn: int, *, coder: str | None = None) -> TurnRow:
    """Join turn ``turn`` (1-based) of ``document`` to the turn before it, which keeps its
    speaker, as one change."""
    with project.transaction("speaker join", coder=coder) as session:
        coder_id(session, coder)
        row = speakers.join_turn(session, document, turn)
        changelog.describe(session, f"join {document} turn {turn} to turn {turn - 1}")
    return row

"""Messages that workers post when their work is done (past tense, like Harlequin's).

Workers never touch widgets: they read or write through :mod:`workbench.services` and post
one of these; handlers on the app or a screen own the state and update the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from workbench.services.activity import Activity, Watch
from workbench.services.coding import SegmentView
from workbench.services.merge import MergeReport
from workbench.services.positions import Position
from workbench.services.project import Project
from workbench.services.reading import (
    DocumentText,
    Overview,
    PlaceKindRow,
    SegmentInfo,
    SuggestionInfo,
    TurnSpan,
)


@dataclass(frozen=True)
class WriteDone:
    """A change written through a service, as the screens report it."""

    summary: str
    """One line for the user (the change log's text)."""
    segment: int | None = None
    """The segment changed or created (None when it was deleted, or for a codebook change)."""


@dataclass(frozen=True)
class StepDone:
    """An undo or a redo that happened."""

    undo: bool
    action: str
    summary: str


class ProjectOpened(Message):
    """The project file is open (and migrated, if it was older)."""

    def __init__(
        self, project: Project, watch: Watch | None = None, language: str | None = None
    ) -> None:
        super().__init__()
        self.project = project
        """The open project."""
        self.watch = watch
        """What watches it for changes made elsewhere (from the moment it was opened)."""
        self.language = language
        """The interface language chosen for it (None: keep the one shown)."""


class ProjectChanged(Message):
    """Something was written to the project: screens read what they show again."""

    def __init__(self, *, elsewhere: bool = False) -> None:
        super().__init__()
        self.elsewhere = elsewhere
        """True when it was written elsewhere (another process or coder): nothing the screen
        read with a write of its own is up to date."""


class ProjectChangedElsewhere(Message):
    """Another process or coder changed the project (seen by the app's live-update poll)."""

    def __init__(self, activity: Activity) -> None:
        super().__init__()
        self.activity = activity
        """What moved, and who did what."""


class OverviewLoaded(Message):
    """Documents, codes and places were read."""

    def __init__(self, overview: Overview) -> None:
        super().__init__()
        self.overview = overview
        """What was read."""


class DocumentLoaded(Message):
    """A document's text, turns and segments were read for the coding view."""

    def __init__(self, document: DocumentText, position: Position | None = None) -> None:
        super().__init__()
        self.document = document
        """The document read."""
        self.position = position
        """Where the reader left it last time (None: never opened, or opened at a span)."""


class SegmentsLoaded(Message):
    """The segments of the open document were read again: all of them, or (right after a
    write, in the write's own worker) the one the write touched."""

    def __init__(
        self,
        document_id: int,
        segments: tuple[SegmentInfo, ...],
        *,
        partial: bool = False,
        after_write: bool = False,
    ) -> None:
        super().__init__()
        self.document_id = document_id
        """The document they belong to."""
        self.segments = segments
        """The segments, in text order."""
        self.partial = partial
        """True when ``segments`` are only the ones a write touched, each to take the place of
        its earlier reading (and of a segment painted over its span while it was written)."""
        self.after_write = after_write
        """True when read right after a write: the change it makes known needs no reading."""


class TurnsLoaded(Message):
    """The speaker turns of the open document were read again (after a change to them, an
    undo or redo, or a change made elsewhere)."""

    def __init__(self, document_id: int, turns: tuple[TurnSpan, ...]) -> None:
        super().__init__()
        self.document_id = document_id
        """The document they belong to."""
        self.turns = turns
        """The turns, in text order."""


class SpanCoded(Message):
    """A span was coded (one change in the change log)."""

    def __init__(self, view: SegmentView) -> None:
        super().__init__()
        self.view = view
        """The segment as the core reports it."""


class StepApplied(Message):
    """An undo or a redo was applied."""

    def __init__(self, step: StepDone) -> None:
        super().__init__()
        self.step = step
        """What was undone or redone."""


class ChangeWritten(Message):
    """A change was written from the coding screen (a link, a memo, a removal, an accepted
    suggestion): one change in the change log."""

    def __init__(self, done: WriteDone) -> None:
        super().__init__()
        self.done = done
        """What was done, and the segment it touched."""


class WatchPaused(Message):
    """A look for changes made elsewhere failed (the next one, a second later, tries again)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
        """Why, in one line."""


class CopyMerged(Message):
    """Another copy of the project was merged in (one change in the change log)."""

    def __init__(self, report: MergeReport) -> None:
        super().__init__()
        self.report = report
        """What the merge did, with its conflicts."""


class PlaceKindsLoaded(Message):
    """The codebook's place kinds were read (for a new place's kind)."""

    def __init__(self, kinds: tuple[PlaceKindRow, ...]) -> None:
        super().__init__()
        self.kinds = kinds
        """The kinds, in codebook order."""


class SearchDone(Message):
    """The matches of a search in the open document were found."""

    def __init__(self, text: str, matches: tuple[tuple[int, int], ...]) -> None:
        super().__init__()
        self.text = text
        """What was searched for."""
        self.matches = matches
        """(start, end) of every match, in text order."""


class SuggestionsLoaded(Message):
    """The suggestions for the open document were found."""

    def __init__(self, document: str, suggestions: tuple[SuggestionInfo, ...]) -> None:
        super().__init__()
        self.document = document
        """The document they are for."""
        self.suggestions = suggestions
        """The suggestions, in the order the core gives them."""

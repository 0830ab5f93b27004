"""Messages that workers post when their work is done (past tense, like Harlequin's).

Workers never touch widgets: they read or write through :mod:`workbench.tui.data` and post
one of these; handlers on the app or a screen own the state and update the widgets.
"""

from __future__ import annotations

from textual.message import Message

from workbench.coding import SegmentView
from workbench.db import Project
from workbench.tui.data import DocumentText, Overview, SegmentInfo, StepDone


class ProjectOpened(Message):
    """The project file is open (and migrated, if it was older)."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        """The open project."""


class ProjectChanged(Message):
    """Something was written to the project: screens read what they show again."""


class OverviewLoaded(Message):
    """Documents, codes and places were read."""

    def __init__(self, overview: Overview) -> None:
        super().__init__()
        self.overview = overview
        """What was read."""


class DocumentLoaded(Message):
    """A document's text, turns and segments were read for the coding view."""

    def __init__(self, document: DocumentText) -> None:
        super().__init__()
        self.document = document
        """The document read."""


class SegmentsLoaded(Message):
    """The segments of the open document were read again."""

    def __init__(self, document_id: int, segments: tuple[SegmentInfo, ...]) -> None:
        super().__init__()
        self.document_id = document_id
        """The document they belong to."""
        self.segments = segments
        """The segments, in text order."""


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

"""The coding screen's writes through the services, and what it reads right after one.

Each function here runs in the app's write worker (see ``WorkbenchApp.submit_write``): it
calls the services and returns, or posts, a message; none touches a widget or the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from workbench.errors import InvalidValue
from workbench.i18n import _
from workbench.services import coding as coding_service
from workbench.services import reading
from workbench.services.project import Project
from workbench.services.reading import SuggestionInfo
from workbench.tui.messages import (
    ChangeWritten,
    SegmentsLoaded,
    SpanCoded,
    TurnsLoaded,
    WriteDone,
)


def linked(
    project: Project,
    place: str,
    *,
    segment: int | None,
    document: str,
    span: tuple[int, int],
    new_kind: str | None,
) -> WriteDone:
    """Link a segment (or the span, made a segment) to a place, creating the place with
    ``new_kind`` when it is given."""
    view = coding_service.link_place(
        project, place, segment=segment, document=document, span=span, new_kind=new_kind
    )
    prefix = (
        _("add place {place} ({kind}); ").format(place=place, kind=new_kind)
        if new_kind is not None
        else ""
    )
    linked = _("link segment {segment} to {place}").format(segment=view.segment, place=place)
    return WriteDone(prefix + linked, view.segment)


def memo_saved(
    project: Project,
    text: str,
    *,
    memo: int | None,
    segment: int | None,
    document: str,
    span: tuple[int, int],
) -> WriteDone:
    """Write a memo on a segment (or the span, made a segment): a new one, or ``memo``."""
    written = coding_service.save_segment_memo(
        project, text, memo=memo, segment=segment, document=document, span=span
    )
    return WriteDone(written.summary, written.segment)


def removed(project: Project, segment: int, *, code: str | None, place: str | None) -> WriteDone:
    """Take a code or a place link off a segment."""
    if code is not None:
        view = coding_service.uncode(project, segment, [code])
        summary = _("uncode segment {segment}: {code}").format(segment=segment, code=code)
    elif place is not None:
        view = coding_service.unlink(project, segment, place)
        summary = _("unlink segment {segment} from {place}").format(segment=segment, place=place)
    else:
        raise InvalidValue(_("name the code or the place to remove"))
    left = bool(view.codes or view.places) or reading.segment_exists(project, segment)
    return WriteDone(summary, segment if left else None)


def accepted(project: Project, item: SuggestionInfo) -> WriteDone:
    """Accept one suggestion."""
    views = coding_service.accept_suggestions(project, [item.id])
    accepted_text = (
        _("accepted: line {line} coded {target}")
        if item.kind == "code"
        else _("accepted: line {line} linked to {target}")
    )
    summary = accepted_text.format(line=item.line, target=item.target)
    return WriteDone(summary, views[0].segment if views else None)


def turns_written(
    post: Callable[[Message], object],
    document_id: int,
    project: Project,
    write: Callable[[Project], str],
) -> ChangeWritten:
    """Run a speaker write (``write`` returns its summary), then read the document's turns
    again and ``post`` them (``TurnsLoaded``), so the margin shows the change at once."""
    summary = write(project)
    post(TurnsLoaded(document_id, reading.document_turns(project, document_id)))
    return ChangeWritten(WriteDone(summary))


def read_back(
    post: Callable[[Message], object], document_id: int, project: Project, message: Message
) -> None:
    """Read the document's segments right after a write, in the write's own worker, and
    ``post`` them (``SegmentsLoaded``): only the segment written when the write's message
    names one, else all of them."""
    segment_id: int | None = None
    if isinstance(message, SpanCoded):
        segment_id = message.view.segment
    elif isinstance(message, ChangeWritten):
        segment_id = message.done.segment
    segment = None
    if segment_id is not None:
        segment = reading.segment_in(project, document_id, segment_id)
    if segment is not None:
        post(SegmentsLoaded(document_id, (segment,), partial=True, after_write=True))
    else:
        segments = reading.document_segments(project, document_id)
        post(SegmentsLoaded(document_id, segments, after_write=True))

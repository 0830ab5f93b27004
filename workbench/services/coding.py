"""Coding: code a span, uncode, link, unlink, memos, and accepting suggestions.

One transaction per function, named in the change log with the command line's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.coding import lookups, memos, places, segments
from workbench.coding.segments import SegmentView
from workbench.errors import InvalidValue
from workbench.i18n import _
from workbench.project import changelog
from workbench.project.db import Project
from workbench.project.models import Segment
from workbench.services._tx import coder_id

__all__ = [
    "MemoWritten",
    "SegmentView",
    "accept_suggestions",
    "add_memo",
    "code_span",
    "link",
    "link_place",
    "save_segment_memo",
    "uncode",
    "unlink",
]


def code_span(
    project: Project,
    document: str,
    start: int,
    end: int,
    codes: Sequence[str],
    *,
    places: Sequence[str] = (),
    memo: str | None = None,
    create: bool = False,
    coder: str | None = None,
) -> SegmentView:
    """Code ``start``..``end`` (code points, end exclusive) of ``document`` with ``codes``,
    link it to ``places`` and put ``memo`` on it, as one change; with ``create`` the codes that
    do not exist yet are created in the same change."""
    with project.transaction("code", coder=coder) as session:
        view = segments.code_span(
            session,
            document,
            start,
            end,
            list(codes),
            places=list(places),
            memo=memo,
            coder_id=coder_id(session, coder),
            create_codes=create,
        )
        # The codes this change gives (not all the segment has: in a team, others' are there).
        given = ", ".join(dict.fromkeys(codes)) or ", ".join(view.codes)
        changelog.describe(session, f"code {document} {start}-{end} with {given}")
    return view


def uncode(
    project: Project, segment: int, codes: Sequence[str] = (), *, coder: str | None = None
) -> SegmentView:
    """Remove ``codes`` (all when none are named) from a segment, as one change. A segment
    left with nothing on it is deleted (its view then has no codes)."""
    with project.transaction("uncode", coder=coder) as session:
        coder_id(session, coder)
        view = segments.uncode(session, segment, list(codes))
        changelog.describe(session, f"uncode segment {segment}: {', '.join(codes) or 'all codes'}")
    return view


def link(project: Project, segment: int, place: str, *, coder: str | None = None) -> SegmentView:
    """Link a segment to a place (a name or an alias), as one change."""
    with project.transaction("link", coder=coder) as session:
        view = segments.link(session, segment, place, coder_id=coder_id(session, coder))
        changelog.describe(session, f"link segment {segment} to {place}")
    return view


def unlink(project: Project, segment: int, place: str, *, coder: str | None = None) -> SegmentView:
    """Remove a segment's link to a place, as one change."""
    with project.transaction("unlink", coder=coder) as session:
        coder_id(session, coder)
        view = segments.unlink(session, segment, place)
        changelog.describe(session, f"unlink segment {segment} from {place}")
    return view


def link_place(
    project: Project,
    place: str,
    *,
    segment: int | None = None,
    document: str | None = None,
    span: tuple[int, int] | None = None,
    new_kind: str | None = None,
    coder: str | None = None,
) -> SegmentView:
    """Link a place to ``segment``, or to the segment over ``span`` of ``document`` (created
    when there is none), as one change; with ``new_kind`` the place is created first, in the
    same change. (The TUI's place picker; the command line links with :func:`link` and adds
    places with :func:`workbench.services.places.add_place`.)"""
    with project.transaction("link", coder=coder) as session:
        cid = coder_id(session, coder)
        summary = ""
        if new_kind is not None:
            place = places.add_place(session, place, kind=new_kind, coder_id=cid).name
            summary = f"add place {place}; "
        if segment is not None:
            view = segments.link(session, segment, place, coder_id=cid)
        elif document is not None and span is not None:
            view = segments.code_span(
                session, document, span[0], span[1], [], places=[place], coder_id=cid
            )
        else:
            raise InvalidValue(_("select the text to link, or put the cursor on a segment"))
        changelog.describe(session, summary + f"link segment {view.segment} to {place}")
    return view


@dataclass(frozen=True)
class MemoWritten:
    """A memo written, changed or deleted."""

    memo: int
    on: str
    """What it is on: project, doc, code, segment, case or place."""
    target: str | None
    summary: str
    """The change log's text."""
    segment: int | None = None
    """The segment it is on, if any (None too when deleting the memo deleted the segment)."""

    def to_dict(self) -> dict[str, object]:
        """The ``memo --json`` object."""
        return {"memo": self.memo, "on": self.on, "target": self.target}


def add_memo(
    project: Project, kind: str, target: str | None, text: str, *, coder: str | None = None
) -> MemoWritten:
    """Write a memo on the project (``kind`` "project", no target) or on a document, code,
    segment, case or place, as one change."""
    with project.transaction("memo", coder=coder) as session:
        row = memos.add_memo(session, kind, target, text, coder_id=coder_id(session, coder))
        summary = f"memo on {kind} {target or ''}".strip()
        changelog.describe(session, summary)
        assert row.id is not None
        return MemoWritten(row.id, kind, target, summary, row.segment_id)


def save_segment_memo(
    project: Project,
    text: str,
    *,
    memo: int | None = None,
    segment: int | None = None,
    document: str | None = None,
    span: tuple[int, int] | None = None,
    coder: str | None = None,
) -> MemoWritten:
    """Write a segment memo as one change (the TUI's memo dialog).

    With ``memo`` the memo's text is replaced, or the memo deleted when ``text`` is blank.
    Otherwise a new memo goes on ``segment``, or on the segment over ``span`` of ``document``
    (created when there is none): the same change as :func:`add_memo` on a segment.
    """
    with project.transaction("memo", coder=coder) as session:
        cid = coder_id(session, coder)
        if memo is not None:
            segment = lookups.find_memo(session, memo).segment_id
            if text.strip():
                memos.update_memo(session, memo, text)
                summary = f"edit memo {memo} on segment {segment}"
            else:
                memos.delete_memo(session, memo)
                summary = f"delete memo {memo} on segment {segment}"
                if segment is not None and session.get(Segment, segment) is None:
                    segment = None
            memo_id = memo
        else:
            if segment is None:
                if document is None or span is None:
                    raise InvalidValue(
                        _("select the text for the memo, or put the cursor on a segment")
                    )
                doc = lookups.find_document(session, document)
                segment = segments.ensure_segment(session, doc, *span, coder_id=cid).id
            row = memos.add_memo(session, "segment", str(segment), text, coder_id=cid)
            assert row.id is not None
            memo_id = row.id
            summary = f"memo on segment {segment}"
        changelog.describe(session, summary)
    return MemoWritten(
        memo_id, "segment", None if segment is None else str(segment), summary, segment
    )


def accept_suggestions(
    project: Project, ids: Sequence[str], *, coder: str | None = None
) -> list[SegmentView]:
    """Apply the suggestions with these ids (as :func:`workbench.analysis.suggest.suggest`
    lists them) as one change: codes applied and places linked like any coding, so ``undo``
    reverts them whole. An id is accepted only while it still stands."""
    from workbench.analysis import suggest  # spaCy's tables and numpy: only when accepting
    from workbench.text import lemmas

    lemmas.index_project(project)  # documents not yet indexed: once (derived data)
    with project.transaction("accept suggestions", coder=coder) as session:
        cid = coder_id(session, coder)
        chosen = suggest.chosen(session, ids)
        views = []
        for item in chosen:
            is_code = item.kind == "code"
            views.append(
                segments.code_span(
                    session,
                    item.document,
                    item.start,
                    item.end,
                    [item.target] if is_code else [],
                    places=[] if is_code else [item.target],
                    coder_id=cid,
                )
            )
        changelog.describe(session, suggest.summary(chosen))
    return views

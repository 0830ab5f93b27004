"""Memos on the project, a document, a code, a segment, a case or a place.

Every function works inside the caller's write transaction (a service opens it).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from workbench.coding.lookups import find_code, find_document, find_memo, find_place, find_segment
from workbench.coding.prune import drop_empty_segments
from workbench.errors import InvalidValue
from workbench.i18n import _
from workbench.project.models import (
    Memo,
    utcnow,
)

# --- memos -----------------------------------------------------------------------------------

MEMO_TARGETS = ("project", "doc", "code", "segment", "case", "place")


def add_memo(
    session: Session, target_type: str, target: str | None, text: str, *, coder_id: int
) -> Memo:
    """Write a memo on the project or on a document, code, segment, case or place."""
    text = text.strip()
    if not text:
        raise InvalidValue(_("a memo cannot be empty"))
    memo = Memo(text=text, coder_id=coder_id)
    if target_type == "project":
        if target:
            raise InvalidValue(_("a project memo has no target"))
    elif not target:
        raise InvalidValue(_("name the {kind} the memo is about").format(kind=target_type))
    elif target_type == "doc":
        memo.document_id = find_document(session, target).id
    elif target_type == "code":
        memo.code_id = find_code(session, target).id
    elif target_type == "segment":
        try:
            memo.segment_id = find_segment(session, int(target)).id
        except ValueError:
            raise InvalidValue(
                _("a segment is named by its number, not {target}").format(target=repr(target))
            ) from None
    elif target_type == "case":
        from workbench.coding.cases import find_case

        memo.case_id = find_case(session, target).id
    elif target_type == "place":
        memo.place_id = find_place(session, target).id
    else:
        raise InvalidValue(
            _("memos go on {kinds}, not {kind}").format(
                kinds=", ".join(MEMO_TARGETS), kind=repr(target_type)
            )
        )
    session.add(memo)
    session.flush()
    return memo


def memos_of(session: Session, **target: int | None) -> list[Memo]:
    """The memos on one target (``segment_id=3``), or the project's with no argument."""
    query = select(Memo)
    columns = ("document_id", "code_id", "segment_id", "case_id", "place_id")
    for column in columns:
        value = target.get(column)
        attr = getattr(Memo, column)
        query = query.where(attr == value) if value is not None else query.where(attr.is_(None))
    return list(session.exec(query.order_by(col(Memo.id))))


def update_memo(session: Session, memo_id: int, text: str) -> Memo:
    """Replace a memo's text (and mark the time it was changed)."""
    memo = find_memo(session, memo_id)
    text = text.strip()
    if not text:
        raise InvalidValue(_("a memo cannot be empty; delete it instead"))
    memo.text = text
    memo.updated_at = utcnow()
    session.flush()
    return memo


def delete_memo(session: Session, memo_id: int) -> None:
    """Delete a memo; a segment left with no code, no place and no memo goes with it."""
    memo = find_memo(session, memo_id)
    segment_id = memo.segment_id
    session.delete(memo)
    session.flush()
    if segment_id is not None:
        drop_empty_segments(session, {segment_id})

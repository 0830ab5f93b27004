"""Dropping segments that nothing is left on (no coding, no place link, no memo).

Every function works inside the caller's write transaction.
"""

from __future__ import annotations

from sqlmodel import Session, select

from workbench.project.models import Coding, Memo, Segment, SegmentPlace


def drop_empty_segments(session: Session, segment_ids: set[int]) -> None:
    """Delete segments left with no codings, no place links and no memos."""
    for segment_id in sorted(segment_ids):
        has_coding = session.exec(select(Coding.id).where(Coding.segment_id == segment_id)).first()
        has_link = session.exec(
            select(SegmentPlace.id).where(SegmentPlace.segment_id == segment_id)
        ).first()
        has_memo = session.exec(select(Memo.id).where(Memo.segment_id == segment_id)).first()
        if has_coding is None and has_link is None and has_memo is None:
            segment = session.get(Segment, segment_id)
            if segment is not None:
                session.delete(segment)
    session.flush()

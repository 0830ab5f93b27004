"""Round trip through REFI-QDA: our ``.qdpx`` export, imported into a new project, gives the
same codes, documents, segments (same text), codings and coders, places, links, cases with
typed attributes, and memos on the same targets.

Both projects are read with the same plain queries into comparable structures (names, not
ids or GUIDs), so any loss on the way out or back in shows up as a difference.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.conftest import Targets
from tests.test_qdpx_export import build_rich_project
from workbench.exchange.refi.writer import export_qdpx
from workbench.project import db, settings
from workbench.project.models import (
    Case,
    CaseValue,
    Code,
    Coder,
    Coding,
    Document,
    DocumentCase,
    Memo,
    Place,
    PlaceAlias,
    Segment,
    SegmentPlace,
    Variable,
)
from workbench.services.importing import import_qdpx


def snapshot(session: Session) -> dict[str, Any]:
    """Everything the round trip must keep, keyed by names."""
    codes = {c.id: c for c in session.exec(select(Code))}
    documents = {d.id: d for d in session.exec(select(Document))}
    coders = {c.id: c.name for c in session.exec(select(Coder))}
    places = {p.id: p for p in session.exec(select(Place))}
    cases = {c.id: c for c in session.exec(select(Case))}
    variables = {v.id: v for v in session.exec(select(Variable))}
    segments = {s.id: s for s in session.exec(select(Segment))}

    def where(segment_id: int) -> tuple[str, int, int]:
        segment = segments[segment_id]
        return documents[segment.document_id].name, segment.start, segment.end

    aliases: dict[str, set[str]] = defaultdict(set)
    for row in session.exec(select(PlaceAlias)):
        aliases[places[row.place_id].name].add(row.alias)
    codings: dict[tuple[str, int, int], Counter[tuple[str, str]]] = defaultdict(Counter)
    for row in session.exec(select(Coding)):
        codings[where(row.segment_id)][(codes[row.code_id].name, coders[row.coder_id])] += 1
    links: dict[tuple[str, int, int], set[tuple[str, str]]] = defaultdict(set)
    for row in session.exec(select(SegmentPlace)):
        links[where(row.segment_id)].add((places[row.place_id].name, coders[row.coder_id]))
    case_docs: dict[str, set[str]] = defaultdict(set)
    for row in session.exec(select(DocumentCase)):
        case_docs[cases[row.case_id].name].add(documents[row.document_id].name)
    values: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for row in session.exec(select(CaseValue)):
        variable = variables[row.variable_id]
        values[cases[row.case_id].name].add((variable.name, variable.type, row.value))
    memos: Counter[tuple[str, object, str, str]] = Counter()
    for memo in session.exec(select(Memo)):
        if memo.document_id is not None:
            target: tuple[str, object] = ("doc", documents[memo.document_id].name)
        elif memo.code_id is not None:
            target = ("code", codes[memo.code_id].name)
        elif memo.segment_id is not None:
            target = ("segment", where(memo.segment_id))
        elif memo.case_id is not None:
            target = ("case", cases[memo.case_id].name)
        elif memo.place_id is not None:
            target = ("place", places[memo.place_id].name)
        else:
            target = ("project", None)
        memos[(*target, memo.text, coders[memo.coder_id])] += 1
    return {
        "codes": {
            c.name: (
                codes[c.parent_id].name if c.parent_id else None,
                c.color,
                c.description,
                c.label,
                c.inclusion,
                c.exclusion,
                c.example,
                c.keywords,
            )
            for c in codes.values()
        },
        "documents": {d.name: d.text for d in documents.values()},
        "segments": {
            where(s.id): (documents[s.document_id].text[s.start : s.end], coders[s.coder_id])
            for s in segments.values()
        },
        "codings": dict(codings),
        "links": dict(links),
        "places": {
            p.name: (
                p.kind,
                p.status,
                p.neighbourhood,
                p.municipality,
                p.address,
                p.latitude,
                p.longitude,
                p.description,
                frozenset(aliases[p.name]),
            )
            for p in places.values()
        },
        "cases": {
            c.name: (c.description, frozenset(case_docs[c.name]), frozenset(values[c.name]))
            for c in cases.values()
        },
        "memos": memos,
        "coders": set(coders.values()),
    }


@pytest.fixture(scope="module")
def both(module_targets: Targets) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(original snapshot, round-tripped snapshot, import report)."""
    folder = module_targets.folder
    original = db.open_project(build_rich_project(module_targets.new("original"), folder))
    try:
        with original.session() as session:
            export_qdpx(session, folder / "out.qdpx", name="original")
            before = snapshot(session)
            language = settings.get(session, "language")
    finally:
        original.dispose()
    target = db.create_project(module_targets.new("copy"))
    try:
        with target.transaction("init", record=False) as session:
            settings.put(session, "language", language)
        report = import_qdpx(target, folder / "out.qdpx", coder="importer")
        with target.session() as session:
            after = snapshot(session)
    finally:
        target.dispose()
    return before, after, report


@pytest.mark.parametrize(
    "part", ["documents", "codes", "segments", "codings", "places", "links", "cases", "memos"]
)
def test_round_trip_keeps(both: tuple[dict[str, Any], dict[str, Any], Any], part: str) -> None:
    before, after, _ = both
    if before[part] != after[part]:
        lost = {k: before[part][k] for k in before[part] if k not in after[part]}
        added = {k: after[part][k] for k in after[part] if k not in before[part]}
        changed = {
            k: (before[part][k], after[part][k])
            for k in before[part]
            if k in after[part] and before[part][k] != after[part][k]
        }
        pytest.fail(f"{part}: lost {lost!r}; added {added!r}; changed {changed!r}")


def test_round_trip_keeps_the_coders(both: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    before, after, _ = both
    # The importing coder may be added; everyone who coded must be there.
    assert before["coders"] <= after["coders"]
    assert after["coders"] - before["coders"] <= {"importer"}


def test_round_trip_reads_our_offsets(both: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
    _, _, report = both
    assert report.offsets in (None, "codepoints")


def test_round_trip_warns_about_nothing_but_new_place_kinds(
    both: tuple[dict[str, Any], dict[str, Any], Any],
) -> None:
    """The new project has no codebook, so the place kinds arrive with the places (a note
    each); anything else would be a loss."""
    _, _, report = both
    assert [w for w in report.warnings if not w.startswith("place kind ")] == []

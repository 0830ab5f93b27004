"""Tests for the bundled demo project (``workbench.demo.build_demo``).

The demo is built once into a temporary folder, then opened again with
:func:`workbench.project.db.open_project` and checked through the core (listings, models, settings,
change log), never through what the demo module itself returns or holds: documents with
turns of two speakers, places of several statuses, cases with typed attributes, two coders
who both coded, an overlap where both coded the same spans, memos, and an empty undo
history. Also the shipped transcript files themselves, and that building twice refuses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import Targets, dump_file
from workbench.coding import cases, codebook, listings, lookups
from workbench.coding import memos as memo_ops
from workbench.demo import build_demo
from workbench.errors import ProjectError
from workbench.project import changelog, coders, db, settings
from workbench.project.models import (
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    PlaceKind,
    Segment,
    SegmentPlace,
    Variable,
)
from workbench.project.target import ProjectTarget

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "workbench" / "demo" / "transcripts"
FICTION_LINE = "Fictief interview, geschreven voor de demo van de workbench; geen echte personen."
TITLE = re.compile(r"^Interview \d+ – .+ \(fictief\)$")


@pytest.fixture(scope="module")
def built(module_targets: Targets) -> tuple[ProjectTarget, float]:
    """The demo built once (its target; the second item is unused, kept for the fixtures)."""
    path = module_targets.new("demo")
    build_demo(path)
    return path, 0.0


@pytest.fixture
def project(built: tuple[ProjectTarget, float]) -> Iterator[db.Project]:
    proj = db.open_project(built[0])
    yield proj
    proj.dispose()


@pytest.mark.sqlite_only(reason="about the project file that build_demo writes")
def test_build_leaves_a_project_file(built: tuple[Path, float]) -> None:
    path, _ = built
    assert path.is_file()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_documents_are_dutch_interviews_with_two_speakers(project: db.Project) -> None:
    with project.session() as session:
        documents = listings.list_documents(session)
        assert settings.get(session, "language") == "nl"
    assert len(documents) >= 6
    for doc in documents:
        assert doc["language"] == "nl", doc["name"]
        assert len(doc["speakers"]) >= 2, (doc["name"], doc["speakers"])  # type: ignore[arg-type]
        assert doc["turns"] >= 10, (doc["name"], doc["turns"])  # type: ignore[operator]
        assert all(count >= 5 for count in doc["speakers"].values()), doc["speakers"]  # type: ignore[attr-defined]
    # At least two labelling styles across the files: "Interviewer:" and "I:".
    labels = {label for doc in documents for label in doc["speakers"]}  # type: ignore[attr-defined]
    assert {"Interviewer", "I"} <= labels


def test_stored_text_is_the_shipped_transcript(project: db.Project) -> None:
    files = {path.stem: path.read_text(encoding="utf-8") for path in TRANSCRIPTS.glob("*.txt")}
    with project.session() as session:
        stored = {doc.name: doc.text for doc in session.exec(select(Document))}
    assert stored == files


@pytest.mark.parametrize("path", sorted(TRANSCRIPTS.glob("*.txt")), ids=lambda p: p.name)
def test_transcript_files_are_marked_fictional(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")  # strict: the files are UTF-8
    lines = text.splitlines()
    assert TITLE.match(lines[0]), lines[0]
    assert lines[1] == FICTION_LINE
    assert 600 <= len(text.split()) <= 1200, len(text.split())
    assert "“" in text and "”" in text, "typographic quotes"
    assert re.search("[éëïí]", text), "accented letters"


def test_transcripts_are_six_or_more(built: tuple[Path, float]) -> None:
    assert len(list(TRANSCRIPTS.glob("*.txt"))) >= 6


def test_places_with_kinds_statuses_areas_and_coordinates(project: db.Project) -> None:
    with project.session() as session:
        places = listings.list_places(session)
        kinds = set(session.exec(select(PlaceKind.name)))
    assert len(places) >= 12
    statuses = {place["status"] for place in places}
    assert {"existing", "lost", "missed"} <= statuses
    assert all(place["kind"] in kinds for place in places)
    assert len({place["kind"] for place in places}) >= 8
    assert {"Nijmegen", "Lingewaard"} <= {place["municipality"] for place in places}
    assert all(place["neighbourhood"] for place in places)
    located = [place for place in places if place["latitude"] is not None]
    assert len(places) > len(located) >= len(places) // 2  # most, not all
    for place in located:
        assert 51.7 < place["latitude"] < 52.0, place["name"]  # type: ignore[operator]
        assert 5.7 < place["longitude"] < 6.0, place["name"]  # type: ignore[operator]
    assert sum(1 for place in places if place["aliases"]) >= len(places) - 2
    # Every place is talked about: at least one segment is linked to it.
    assert all(place["segments"] >= 1 for place in places), [
        place["name"] for place in places if not place["segments"]
    ]


def test_cases_have_typed_attributes(project: db.Project) -> None:
    with project.session() as session:
        views = cases.list_cases(session)
        documents = set(session.exec(select(Document.name)))
        types = {v.name: v.type for v in session.exec(select(Variable))}
    assert {doc for view in views for doc in view.documents} == documents
    assert types["jaren_in_wijk"] == "integer"
    assert types["wijk"] == types["gemeente"] == types["leeftijdsgroep"] == "text"
    for view in views:
        assert {"wijk", "gemeente", "leeftijdsgroep", "jaren_in_wijk"} <= set(view.attributes)
        assert int(view.attributes["jaren_in_wijk"]) >= 0
    assert {view.attributes["gemeente"] for view in views} == {"Nijmegen", "Lingewaard"}


def test_two_coders_who_both_coded(project: db.Project) -> None:
    with project.session() as session:
        names = {coder.name: coder.id for coder in coders.list_coders(session)}
        counts = defaultdict(int)
        for coder_id in session.exec(select(Coding.coder_id)):
            counts[coder_id] += 1
    assert {"anouk", "bram"} <= set(names)
    assert counts[names["anouk"]] >= 20
    assert counts[names["bram"]] >= 20


def test_segments_hold_text_and_several_codes(project: db.Project) -> None:
    with project.session() as session:
        texts = {doc.id: doc.text for doc in session.exec(select(Document))}
        segments = [
            (segment.id, segment.document_id, segment.start, segment.end)
            for segment in session.exec(select(Segment))
        ]
        codes_of: dict[int, set[int]] = defaultdict(set)
        for segment_id, code_id in session.exec(select(Coding.segment_id, Coding.code_id)):
            codes_of[segment_id].add(code_id)
        linked = set(session.exec(select(SegmentPlace.segment_id)))
    assert len(segments) >= 40
    for segment_id, document_id, start, end in segments:
        span = texts[document_id][start:end]
        assert span.strip(), (segment_id, start, end)
        assert len(span) == end - start
        assert codes_of[segment_id], f"segment {segment_id} has no code"
    # Coding is spread over every document, most segments have several codes, many link places.
    assert {document_id for _, document_id, _, _ in segments} == set(texts)
    several = sum(1 for segment_id, *_ in segments if len(codes_of[segment_id]) >= 2)
    assert several >= len(segments) // 2
    assert len(linked) >= 40


def test_both_coders_coded_the_same_spans(project: db.Project) -> None:
    with project.session() as session:
        anouk = session.exec(select(Coder.id).where(Coder.name == "anouk")).one()
        bram = session.exec(select(Coder.id).where(Coder.name == "bram")).one()
        coders_by_span: dict[tuple[int, int, int], set[int]] = defaultdict(set)
        for document_id, start, end, coder_id in session.exec(
            select(Segment.document_id, Segment.start, Segment.end, Coding.coder_id).join(
                Coding, Coding.segment_id == Segment.id
            )
        ):
            coders_by_span[(document_id, start, end)].add(coder_id)
    shared = [span for span, who in coders_by_span.items() if {anouk, bram} <= who]
    assert len(shared) >= 5
    # The overlap is useful for agreement: on some shared spans the coders chose different codes.
    with project.session() as session:
        differing = 0
        for document_id, start, end in shared:
            segment = session.exec(
                select(Segment).where(
                    Segment.document_id == document_id, Segment.start == start, Segment.end == end
                )
            ).one()
            rows = session.exec(
                select(Coding.coder_id, Coding.code_id).where(Coding.segment_id == segment.id)
            ).all()
            by_coder = {coder: {code for c, code in rows if c == coder} for coder in (anouk, bram)}
            differing += by_coder[anouk] != by_coder[bram]
    assert 0 < differing < len(shared)


def test_memos_on_project_segments_codes_and_places(project: db.Project) -> None:
    with project.session() as session:
        memos = [
            (memo.text, memo.segment_id, memo.code_id, memo.place_id)
            for memo in session.exec(select(Memo))
        ]
        project_memos = [memo.text for memo in memo_ops.memos_of(session)]
        writers = {
            lookups.coder_name(session, coder_id)
            for coder_id in session.exec(select(Memo.coder_id))
        }
    assert project_memos and all(text.strip() for text in project_memos)
    assert sum(segment_id is not None for _, segment_id, _, _ in memos) >= 3
    assert any(code_id is not None for _, _, code_id, _ in memos)
    assert any(place_id is not None for _, _, _, place_id in memos)
    assert all(text.strip() for text, *_ in memos)
    assert {"anouk", "bram"} <= writers


def test_codes_are_those_of_the_shipped_codebook(project: db.Project) -> None:
    spec = codebook.load_codebook(codebook.shipped_codebooks()["sociale-infrastructuur"])
    expected = {code.name for code, _ in spec.all_codes()}
    with project.session() as session:
        names = set(session.exec(select(Code.name)))
        used = set(session.exec(select(Code.name).join(Coding, Coding.code_id == Code.id)))
    assert names == expected
    assert len(used) >= 30  # the demo shows most of the codebook in use


def test_demo_starts_with_an_empty_undo_history(project: db.Project) -> None:
    with project.session() as session:
        assert changelog.history(session) == []
        assert session.exec(select(Segment.id)).first() is not None  # not empty for nothing


def test_building_twice_at_the_same_path_refuses(built: tuple[ProjectTarget, float]) -> None:
    path = built[0]
    before = dump_file(path)
    touched = (path.stat().st_size, path.stat().st_mtime_ns) if isinstance(path, Path) else None
    with pytest.raises(ProjectError, match="already (exists|holds a workbench project)"):
        build_demo(path)
    assert dump_file(path) == before
    if isinstance(path, Path):  # the file is not even touched
        assert (path.stat().st_size, path.stat().st_mtime_ns) == touched
    project = db.open_project(path)  # the first demo is untouched and still opens
    try:
        with project.session() as session:
            assert len(session.exec(select(Segment.id)).all()) >= 40
    finally:
        project.dispose()


@pytest.mark.sqlite_only(reason="about folders of project files")
def test_building_into_a_missing_folder_refuses(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "demo.db"
    with pytest.raises(ProjectError, match="does not exist"):
        build_demo(target)
    assert not target.parent.exists()

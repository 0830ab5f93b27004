"""REFI-QDA files shaped as the peer tools read them (issue 15): one selection per coder,
memos where peers read them, isCodable, no invented colour, sets reported, and the export
profiles for NVivo (UTF-16 offsets over CRLF text) and qc (``line:N`` selections).

The transcript is fictional, written for these tests.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree

from tests.conftest import Targets
from workbench.coding import cases, segments
from workbench.coding import codes as code_ops
from workbench.coding import memos as memo_ops
from workbench.exchange.refi.reader import read_refi
from workbench.exchange.refi.writer import export_qdpx, project_schema
from workbench.project import coders, db
from workbench.project.models import SQLModel
from workbench.services.importing import import_qdpx

NS = "{urn:QDA-XML:project:1.0}"
TEXT = (
    "I: Where do you meet people?\n"
    "R: At the café on the corner 😀, the owner knows my name.\n"
    "I: And the library?\n"
    "R: The library 📚 is where I feel welcome, every Tuesday.\n"
)
PASSAGE = "the owner knows my name"


def _build(project: db.Project, folder: Path) -> None:
    source = folder / "interview.txt"
    source.write_text(TEXT, encoding="utf-8")
    from workbench.services import importing as import_service

    import_service.import_files(project, [source], coder="ann", name="interview one")
    start = TEXT.index(PASSAGE)
    library = TEXT.index("The library")
    with project.transaction("build", coder="ann") as session:
        ann = coders.ensure(session, "ann").id
        bob = coders.ensure(session, "bob").id
        assert ann is not None and bob is not None
        group = code_ops.add_code(session, "meeting places", coder_id=ann)
        group.codable = False
        plain = code_ops.add_code(session, "host", parent="meeting places", coder_id=ann)
        plain.color = ""  # no colour chosen
        code_ops.add_code(session, "welcome here", color="#aa3300", coder_id=ann)
        session.flush()
        one = segments.code_span(
            session, "interview one", start, start + len(PASSAGE), ["host"], coder_id=ann
        )
        segments.code_span(
            session, "interview one", start, start + len(PASSAGE), ["welcome here"], coder_id=bob
        )
        segments.code_span(
            session, "interview one", library, library + 45, ["welcome here"], coder_id=bob
        )
        memo_ops.add_memo(
            session, "segment", str(one.segment), "Bob: the owner as host.", coder_id=bob
        )
        memo_ops.add_memo(session, "doc", "interview one", "Recorded at home.", coder_id=ann)
        memo_ops.add_memo(session, "code", "host", "Merge with staff?", coder_id=ann)
        memo_ops.add_memo(session, "project", None, "Pilot study.", coder_id=ann)
        case = cases.ensure_case(session, "R01", coder_id=ann)
        document = session.execute(sa.text("SELECT id FROM document")).scalar_one()
        cases.link_document(session, case.id, document)  # type: ignore[arg-type]
        memo_ops.add_memo(session, "case", "R01", "Retired, lives alone.", coder_id=bob)


@pytest.fixture
def study(targets: Targets, tmp_path: Path) -> Any:
    project = db.create_project(targets.new("peers"))
    try:
        _build(project, tmp_path)
        yield project
    finally:
        project.dispose()


def _export(project: db.Project, path: Path, profile: str = "refi") -> etree._Element:
    with project.session() as session:
        export_qdpx(session, path, profile=profile)
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert project_schema().validate(etree.ElementTree(root))
    return root


def test_two_coders_on_one_passage_are_two_selections(study: db.Project, tmp_path: Path) -> None:
    root = _export(study, tmp_path / "p.qdpx")
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    start = TEXT.index(PASSAGE)
    on_passage = [
        s for s in root.iter(f"{NS}PlainTextSelection") if s.get("startPosition") == str(start)
    ]
    owners = {}
    for selection in on_passage:
        owner = users[selection.get("creatingUser")]
        assert selection.get("endPosition") == str(start + len(PASSAGE))
        for coding in selection.findall(f"{NS}Coding"):
            assert users[coding.get("creatingUser")] == owner  # the owner QualCoder reads
        owners[owner] = sorted(
            codes[c.find(f"{NS}CodeRef").get("targetGUID")]
            for c in selection.findall(f"{NS}Coding")
        )
    assert owners == {"ann": ["host"], "bob": ["welcome here"]}


def test_memos_are_where_peers_read_them(study: db.Project, tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    root = _export(study, path)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    bobs = [
        s
        for s in root.iter(f"{NS}PlainTextSelection")
        if users[s.get("creatingUser")] == "bob" and s.find(f"{NS}Description") is not None
    ]
    assert [s.find(f"{NS}Description").text for s in bobs] == ["Bob: the owner as host."]
    source = next(root.iter(f"{NS}TextSource"))
    assert source.find(f"{NS}Description").text == "Recorded at home."
    assert root.find(f"{NS}Description").text == "Pilot study."
    notes = {n.get("guid"): n for n in root.iter(f"{NS}Note")}
    assert len(notes) == 2  # the code memo and the case memo: free-standing
    with zipfile.ZipFile(path) as archive:
        texts = {
            g: archive.read(n.get("plainTextPath").replace("internal://", "sources/")).decode()
            for g, n in notes.items()
        }
    assert sorted(texts.values()) == ["Merge with staff?", "Retired, lives alone."]
    host = next(c for c in root.iter(f"{NS}Code") if c.get("name") == "host")
    [ref] = host.findall(f"{NS}NoteRef")
    assert texts[ref.get("targetGUID")] == "Merge with staff?"
    assert all(n.find(f"{NS}PlainTextContent") is None for n in notes.values())


def test_iscodable_and_no_invented_colour(study: db.Project, tmp_path: Path) -> None:
    root = _export(study, tmp_path / "p.qdpx")
    codes = {c.get("name"): c for c in root.iter(f"{NS}Code")}
    assert codes["meeting places"].get("isCodable") == "false"
    assert codes["host"].get("isCodable") == "true"
    assert "color" not in codes["host"].attrib
    assert codes["welcome here"].get("color") == "#aa3300"


_SKIPPED_COLUMNS = {"id", "created_at", "updated_at", "imported_at", "indexed_at"}
# Not carried by REFI-QDA, on purpose: where a document came from, its citation label, a
# code's anchor quote (a segment id), and the GUID of a memo that travels in a Description.
_NOT_CARRIED = {
    ("document", "source_name"),
    ("document", "label"),
    ("code", "anchor_segment_id"),
    ("memo", "guid"),
    # The importing coder (ann) exists before the file is read, so keeps her own GUID:
    # coders are compared by name.
    ("coder", "guid"),
}
_TABLES = (
    "coder",
    "document",
    "turn",
    "paragraph",
    "sentence",
    "case",
    "document_case",
    "variable",
    "case_value",
    "code",
    "segment",
    "coding",
    "place",
    "place_alias",
    "segment_place",
    "memo",
)


def _snapshot(project: db.Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ids replaced by what they point to (a GUID or a name)."""
    metadata = SQLModel.metadata
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with project.session() as session:
        keys: dict[str, dict[int, Any]] = {}
        for name in _TABLES:
            table = metadata.tables[name]
            natural = table.c.get("guid") if name != "coder" else table.c.get("name")
            if natural is None:
                natural = table.c.get("name")
            if natural is not None:
                keys[name] = dict(session.execute(sa.select(table.c.id, natural)).all())
        for name in _TABLES:
            table = metadata.tables[name]
            columns = [
                c
                for c in table.columns
                if c.name not in _SKIPPED_COLUMNS and (name, c.name) not in _NOT_CARRIED
            ]
            rows = []
            for row in session.execute(sa.select(*columns)):
                values = []
                for column, value in zip(columns, row, strict=True):
                    target = next(iter(column.foreign_keys), None)
                    if target is not None and value is not None:
                        value = keys[target.column.table.name][value]
                    values.append(value)
                rows.append(tuple(values))
            snapshot[name] = sorted(rows, key=repr)
    return snapshot


def test_our_export_imports_back_to_the_same_project(study: db.Project, targets: Targets) -> None:
    with tempfile.TemporaryDirectory(prefix="refi-peers-") as name:
        path = Path(name) / "p.qdpx"
        _export(study, path)
        target = db.create_project(targets.new("back"))
        try:
            report = import_qdpx(target, path, coder="ann")
            assert report.segments == 2 and report.codings == 3
            assert _snapshot(target) == _snapshot(study)
        finally:
            target.dispose()


def test_code_sets_of_a_codebook_are_reported(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent.parent / "shared/refi-qda/samples/atlasti9_codebook.qdc"
    if not sample.is_file():
        pytest.skip(f"the ATLAS.ti sample is not here ({sample})")
    root = etree.parse(str(sample)).getroot()
    sets = [e for e in root.iter() if etree.QName(e).localname == "Set"]
    refi = read_refi(sample)
    [warning] = [w for w in refi.warnings if "set left out" in w or "sets left out" in w]
    assert warning.startswith(f"{len(sets)} {'set' if len(sets) == 1 else 'sets'} left out")
    for element in sets:
        assert repr(element.get("name")) in warning
    codable = {c.name: c.codable for c in _walk(refi.codes)}
    not_codable = {e.get("name") for e in root.iter() if e.get("isCodable") == "false"}
    assert not_codable and {n for n, ok in codable.items() if not ok} == not_codable


def _walk(codes: list[Any]) -> list[Any]:
    return [c for code in codes for c in (code, *_walk(code.children))]


def _utf16_crlf(text: str, offset: int) -> int:
    """Independent: the length in UTF-16 units of the CRLF text before ``offset``."""
    return len(text[:offset].replace("\n", "\r\n").encode("utf-16-le")) // 2


def test_nvivo_profile_writes_utf16_offsets_over_crlf_text(
    study: db.Project, tmp_path: Path, targets: Targets
) -> None:
    path = tmp_path / "nvivo.qdpx"
    root = _export(study, path, "nvivo")
    source = next(root.iter(f"{NS}TextSource"))
    with zipfile.ZipFile(path) as archive:
        data = archive.read(f"sources/{source.get('guid')}.txt")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    raw = data[3:].decode("utf-8")
    units = raw.encode("utf-16-le")
    library = TEXT.index("The library")
    spans = {
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in root.iter(f"{NS}PlainTextSelection")
    }
    expected = _utf16_crlf(TEXT, library), _utf16_crlf(TEXT, library + 45)
    assert expected in spans and expected != (library, library + 45)
    start, end = expected
    assert units[2 * start : 2 * end].decode("utf-16-le") == TEXT[library : library + 45]
    # Our import reads it back to the same passages.
    back = db.create_project(targets.new("nvivo-back"))
    try:
        import_qdpx(back, path, coder="ann")
        with back.session() as session:
            found = sorted(session.execute(sa.text('SELECT start, "end" FROM segment')).all())
    finally:
        back.dispose()
    start = TEXT.index(PASSAGE)
    assert found == [(start, start + len(PASSAGE)), (library, library + 45)]


def test_qc_profile_writes_line_names_with_correct_lines(study: db.Project, tmp_path: Path) -> None:
    root = _export(study, tmp_path / "qc.qdpx", "qc")
    lines = TEXT.split("\n")
    found = {}
    for selection in root.iter(f"{NS}PlainTextSelection"):
        index = int(selection.get("name").removeprefix("line:"))
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert TEXT[start:end] == lines[index] + "\n"  # the whole line, as qc writes it
        found[index] = sorted(
            c.find(f"{NS}CodeRef").get("targetGUID") for c in selection.findall(f"{NS}Coding")
        )
        assert all(c.get("creatingUser") for c in selection.findall(f"{NS}Coding"))
    # The café passage is on line 1 (0-based), the library one on line 3.
    assert sorted(found) == [1, 3]
    assert len(found[1]) == 2 and len(found[3]) == 1


def test_qualcoder_profile_links_cases_as_qualcoder_reads_them(
    study: db.Project, tmp_path: Path, targets: Targets
) -> None:
    path = tmp_path / "qc.qdpx"
    root = _export(study, path, "qualcoder")
    case = next(root.iter(f"{NS}Case"))
    source = next(root.iter(f"{NS}TextSource"))
    assert [r.get("targetGUID") for r in case.findall(f"{NS}SourceRef")] == [source.get("guid")]
    # QualCoder: a code with the case's GUID, coding the whole document.
    code = next(c for c in root.iter(f"{NS}Code") if c.get("guid") == case.get("guid"))
    assert code.get("name") == "Case: R01"
    whole = [
        s
        for s in source.findall(f"{NS}PlainTextSelection")
        if s.find(f"{NS}Coding/{NS}CodeRef").get("targetGUID") == case.get("guid")
    ]
    assert [(s.get("startPosition"), s.get("endPosition")) for s in whole] == [
        ("0", str(len(TEXT)))
    ]
    back = db.create_project(targets.new("qualcoder-back"))
    try:
        import_qdpx(back, path, coder="ann")
        assert _snapshot(back) == _snapshot(study)  # the case code is no code here
    finally:
        back.dispose()

"""REFI-QDA export (``workbench export --format qdpx|qdc``): schema validity, the zip layout,
and that every code, place, segment, coding, case and memo is in the file where it belongs.

The project is the bundled demo plus a document with characters outside the Basic
Multilingual Plane, a third coder, a passage linked to a place without a code, a memo-only
case and typed attributes (float with an exponent, date). The checks read the exported file
with lxml and zipfile and compare it with the project's tables read directly: never with
what the writer reports.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree
from sqlmodel import select

from tests.conftest import SHARED, Targets, as_json, corpus_file, dump, needs_corpus
from workbench.coding import cases, lookups, segments
from workbench.coding import codes as code_ops
from workbench.coding import memos as memo_ops
from workbench.coding import places as place_ops
from workbench.demo import build_demo
from workbench.errors import Conflict, InputError
from workbench.exchange.refi import (
    CASE_NOTE_PREFIX,
    CODE_MARKER,
    PLACES_CODE,
    parse_code_block,
    parse_place_block,
    writer,
)
from workbench.exchange.refi.writer import InvalidExport, export_qdc, export_qdpx
from workbench.project import coders, db
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
from workbench.project.target import ProjectTarget
from workbench.services import importing as import_service

NS = "{urn:QDA-XML:project:1.0}"
CB = "{urn:QDA-XML:codebook:1.0}"
SHIPPED_XSD = Path(writer.__file__).parent / "schema"
SHARED_XSD = SHARED / "refi-qda" / "schema"
EXTRA_TEXT = (
    "I: Vertel eens over ’t Hoekje. 😀 Zoë zei het al.\n"
    "R1: Naïef misschien, maar het café is m’n tweede huis 🏠 – écht waar.\n"
    "I: En de bieb?\n"
    "R1: Daar kom ik voor de krant, elke ochtend.\n"
)


def build_rich_project(path: ProjectTarget, folder: Path) -> ProjectTarget:
    """The demo project with extra hard cases for exchange (see the module docstring), at
    ``path``; ``folder`` holds the extra transcript."""
    build_demo(path)
    source = folder / "extra-unicode.txt"
    source.write_text(EXTRA_TEXT, encoding="utf-8")
    project = db.open_project(path)
    try:
        import_service.import_files(project, [source], language="nl", coder="carla")
        with project.transaction("extra", coder="carla", record=False) as session:
            carla = coders.ensure(session, "carla").id
            assert carla is not None
            text = lookups.find_document(session, "extra-unicode").text
            start = text.index("Naïef")
            end = text.index("waar.") + len("waar.")
            view = segments.code_span(
                session,
                "extra-unicode",
                start,
                end,
                ["second home"],
                coder_id=carla,
                places=["Café ’t Hoekje"],
                memo="Emoji vóór deze passage: offsets in code points 😀.",
            )
            start = text.index("Daar kom")
            segments.code_span(
                session,
                "extra-unicode",
                start,
                start + len("Daar kom ik voor de krant"),
                [],
                coder_id=carla,
                places=["Bibliotheek Hatert"],
            )
            case = cases.ensure_case(session, "R08", coder_id=carla)
            cases.link_document(
                session, case.id, lookups.find_document(session, "extra-unicode").id
            )  # type: ignore[arg-type]
            cases.set_value(session, case, "score", "1e-05", type_name="float")
            cases.set_value(session, case, "gesprek", "2024-03-01", type_name="date")
            cases.set_value(session, case, "alleenwonend", "nee")
            memo_ops.add_memo(
                session, "case", "R08", "Memo op een case & <tekens>.", coder_id=carla
            )
            place_ops.add_place(
                session,
                "Speeltuin Zoë",
                kind="park",
                status="wished",
                address="Weg 1, achterom",
                description="Twee regels\nmet ‘quotes’ & <tags>",
                aliases=["de speeltuin", "speeltuin; Zoë\\"],
                latitude=51.5,
                longitude=5.75,
                coder_id=carla,
            )
            # Line breaks, semicolons, backslashes, white space at the ends: all travel.
            place_ops.add_place(
                session,
                "Buurthuis Noord",
                kind="community_centre",
                neighbourhood="Noord;\nZuid",
                municipality=" Nijmegen\\n ",
                address="Weg 2\r\nachterom; 1e etage",
                description=" spatie ervoor\n\n[workbench place]\nkind: park\n",
                coder_id=carla,
            )
            code_ops.update_code(
                session,
                "atmosphere",
                label='Sfeer; "stemming"\nregel 2',
                example=" Het is daar\r\n gezellig \\ druk ",
                exclusion="[workbench code]\nlabel: nep",
                keywords=["a;b", "c\\d", "gezellig"],
            )
            assert view.places
    finally:
        project.dispose()
    return path


@pytest.fixture(scope="module")
def rich(module_targets: Targets) -> ProjectTarget:
    """The rich project, built once for the module."""
    return build_rich_project(module_targets.new("rich"), module_targets.folder)


@pytest.fixture(scope="module")
def exported(rich: ProjectTarget, module_targets: Targets) -> Path:
    """The rich project exported to .qdpx once."""
    out = module_targets.folder / "rich.qdpx"
    project = db.open_project(rich)
    try:
        with project.session() as session:
            export_qdpx(session, out, name="rich")
    finally:
        project.dispose()
    return out


@pytest.fixture
def proj(rich: ProjectTarget) -> Iterator[db.Project]:
    project = db.open_project(rich)
    yield project
    project.dispose()


def qde(path: Path) -> etree._ElementTree:
    with zipfile.ZipFile(path) as archive:
        return etree.ElementTree(etree.fromstring(archive.read("project.qde")))


def schemas(name: str) -> list[tuple[str, etree.XMLSchema]]:
    """The schema from ../shared (when present) and the shipped copy."""
    found = [("shipped", etree.XMLSchema(etree.parse(str(SHIPPED_XSD / name))))]
    if (SHARED_XSD / name).is_file():
        found.append(("shared", etree.XMLSchema(etree.parse(str(SHARED_XSD / name)))))
    return found


# --- validity and layout ---------------------------------------------------------------------


def test_shipped_schemas_are_the_shared_ones() -> None:
    if not SHARED_XSD.is_dir():
        pytest.skip("../shared/refi-qda is absent")
    for name in ("Project-mrt2019.xsd", "Codebook.xsd"):
        assert (SHIPPED_XSD / name).read_bytes() == (SHARED_XSD / name).read_bytes()
    assert "MIT" in (SHIPPED_XSD / "LICENSE.md").read_text(encoding="utf-8")


def test_project_qde_validates(exported: Path) -> None:
    tree = qde(exported)
    for label, schema in schemas("Project-mrt2019.xsd"):
        assert schema.validate(tree), (label, schema.error_log.last_error)
    if not (SHARED_XSD / "Project-mrt2019.xsd").is_file():
        pytest.skip("validated against the shipped schema only: ../shared/refi-qda is absent")


def test_qdc_validates_and_holds_the_code_tree(proj: db.Project, tmp_path: Path) -> None:
    out = tmp_path / "codes.qdc"
    with proj.session() as session:
        export_qdc(session, out)
        codes = list(session.exec(select(Code)))
        places = list(session.exec(select(Place)))
    tree = etree.parse(str(out))
    for label, schema in schemas("Codebook.xsd"):
        assert schema.validate(tree), (label, schema.error_log.last_error)
    root = tree.getroot()
    assert root.tag == f"{CB}CodeBook"
    by_id = {c.id: c for c in codes}
    expected = {(c.name, by_id[c.parent_id].name if c.parent_id else None) for c in codes}
    expected |= {(p.name, PLACES_CODE) for p in places} | {(PLACES_CODE, None)}
    found = set()
    for element in root.iter(f"{CB}Code"):
        parent = element.getparent()
        found.add((element.get("name"), parent.get("name") if parent.tag == f"{CB}Code" else None))
    assert found == expected
    members = {m.get("guid") for m in root.iter(f"{CB}MemberCode")}
    assert members == {p.guid for p in places}


def test_zip_layout_and_texts(exported: Path, proj: db.Project) -> None:
    with proj.session() as session:
        documents = {d.guid: (d.name, d.text) for d in session.exec(select(Document))}
    with zipfile.ZipFile(exported) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        notes = {n.get("guid") for n in qde(exported).getroot().iter(f"{NS}Note")}
        assert sorted(names[1:]) == sorted(f"sources/{guid}.txt" for guid in [*documents, *notes])
        assert len(set(names)) == len(names)
        tree = etree.fromstring(archive.read("project.qde"))
        sources = tree.findall(f"{NS}Sources/{NS}TextSource")
        assert len(sources) == len(documents)
        for source in sources:
            name, text = documents[source.get("guid")]
            assert source.get("name") == name
            assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
            assert source.find(f"{NS}PlainTextContent") is None
            data = archive.read(f"sources/{source.get('guid')}.txt")
            assert not data.startswith(b"\xef\xbb\xbf")
            assert data.decode("utf-8") == text


def test_selection_texts_equal_segment_texts(exported: Path, proj: db.Project) -> None:
    with proj.session() as session:
        expected = {
            guid: text[start:end]
            for guid, start, end, text in session.execute(
                select(Segment.guid, Segment.start, Segment.end, Document.text).join(
                    Document, Document.id == Segment.document_id
                )
            )
        }
    found = {}
    with zipfile.ZipFile(exported) as archive:
        tree = etree.fromstring(archive.read("project.qde"))
        for source in tree.iter(f"{NS}TextSource"):
            text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
            for selection in source.iter(f"{NS}PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                found[selection.get("guid")] = text[start:end]
    # One selection per coder of a passage: the creator's carries the segment's GUID.
    assert {g: t for g, t in found.items() if g in expected} == expected
    assert set(found.values()) == set(expected.values())
    emoji = [t for t in found.values() if t.startswith("Naïef")]
    assert emoji == ["Naïef misschien, maar het café is m’n tweede huis 🏠 – écht waar."]


def _names(tree: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    users = {u.get("guid"): u.get("name") for u in tree.iter(f"{NS}User")}
    codes = {c.get("guid"): c.get("name") for c in tree.iter(f"{NS}Code")}
    return users, codes


def test_codings_and_place_links_per_selection(exported: Path, proj: db.Project) -> None:
    """Each segment's (code, coder) pairs, and each place link as (place, coder)."""
    expected: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    with proj.session() as session:
        for guid, code, coder in session.execute(
            select(Segment.guid, Code.name, Coder.name)
            .join(Coding, Coding.segment_id == Segment.id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
        ):
            expected[guid][(code, coder)] += 1
        for guid, place, coder in session.execute(
            select(Segment.guid, Place.name, Coder.name)
            .join(SegmentPlace, SegmentPlace.segment_id == Segment.id)
            .join(Place, Place.id == SegmentPlace.place_id)
            .join(Coder, Coder.id == SegmentPlace.coder_id)
        ):
            expected[guid][(place, coder)] += 1
        segment_coders = dict(
            session.execute(
                select(Segment.guid, Coder.name).join(Coder, Coder.id == Segment.coder_id)
            ).all()
        )
    tree = qde(exported).getroot()
    users, codes = _names(tree)
    found: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    # One selection per coder: the creator's has the segment's GUID, the others follow it.
    segment_of: dict[str, str] = {}
    for source in tree.iter(f"{NS}TextSource"):
        current = None
        for selection in source.iter(f"{NS}PlainTextSelection"):
            guid = selection.get("guid")
            if guid in segment_coders:
                current = guid
                assert users[selection.get("creatingUser")] == segment_coders[guid]
            assert current is not None
            segment_of[guid] = current
            owner = users[selection.get("creatingUser")]
            for item in selection.findall(f"{NS}Coding"):
                ref = item.find(f"{NS}CodeRef").get("targetGUID")
                assert users[item.get("creatingUser")] == owner
                found[current][(codes[ref], owner)] += 1
    assert found == expected
    assert sum(sum(c.values()) for c in found.values()) == sum(
        sum(c.values()) for c in expected.values()
    )


def test_code_tree_colours_and_descriptions(exported: Path, proj: db.Project) -> None:
    with proj.session() as session:
        codes = list(session.exec(select(Code)))
    by_id = {c.id: c for c in codes}
    description_of = {c.guid: c.description for c in codes}
    tree = qde(exported).getroot()
    book = tree.find(f"{NS}CodeBook/{NS}Codes")
    found = {}
    for element in book.iter(f"{NS}Code"):
        parent = element.getparent()
        if element.get("name") == PLACES_CODE or parent.get("name") == PLACES_CODE:
            continue
        description = element.find(f"{NS}Description")
        text = "" if description is None else description.text
        found[element.get("guid")] = (
            element.get("name"),
            parent.get("name") if parent.tag == f"{NS}Code" else None,
            element.get("color"),
            parse_code_block(text),
            text.startswith(description_of[element.get("guid")]),
            element.get("isCodable"),
        )

    def extra(code: Code) -> dict[str, object]:
        fields: dict[str, object] = {
            "label": code.label,
            "inclusion": code.inclusion,
            "exclusion": code.exclusion,
            "example": code.example,
            "keywords": json.loads(code.keywords),
        }
        return {key: value for key, value in fields.items() if value not in ("", [])}

    assert found == {
        c.guid: (
            c.name,
            by_id[c.parent_id].name if c.parent_id else None,
            c.color,
            (c.description, extra(c)),
            True,  # readable for other tools: the description first, as it is
            "true",
        )
        for c in codes
    }
    assert any(c.name == "atmosphere" and extra(c)["exclusion"] for c in codes)


def test_places_travel_as_codes_with_their_block(exported: Path, proj: db.Project) -> None:
    with proj.session() as session:
        places = list(session.exec(select(Place)))
        aliases: dict[int, set[str]] = defaultdict(set)
        for place_id, alias in session.execute(select(PlaceAlias.place_id, PlaceAlias.alias)):
            aliases[place_id].add(alias)
    tree = qde(exported).getroot()
    tops = tree.findall(f"{NS}CodeBook/{NS}Codes/{NS}Code[@name='{PLACES_CODE}']")
    assert len(tops) == 1 and tops[0].get("isCodable") == "false"
    children = tops[0].findall(f"{NS}Code")
    assert {c.get("guid") for c in children} == {p.guid for p in places}
    for place in places:
        element = next(c for c in children if c.get("guid") == place.guid)
        assert element.get("name") == place.name and element.get("isCodable") == "true"
        parsed = parse_place_block(element.find(f"{NS}Description").text)
        assert parsed is not None
        description, fields = parsed
        assert description == place.description
        assert fields.get("kind") == place.kind and fields.get("status") == place.status
        assert fields.get("neighbourhood", "") == place.neighbourhood
        assert fields.get("municipality", "") == place.municipality
        assert fields.get("latitude") == place.latitude
        assert fields.get("longitude") == place.longitude
        assert set(fields.get("aliases", [])) == aliases[place.id]  # type: ignore[arg-type]
        assert fields.get("address", "") == place.address
    members = tree.findall(f"{NS}Sets/{NS}Set[@name='{PLACES_CODE}']/{NS}MemberCode")
    assert {m.get("targetGUID") for m in members} == {p.guid for p in places}


def test_cases_and_typed_values(exported: Path, proj: db.Project) -> None:
    with proj.session() as session:
        variables = {v.id: v for v in session.exec(select(Variable))}
        expected: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for case_name, variable_id, value in session.execute(
            select(Case.name, CaseValue.variable_id, CaseValue.value).join(
                CaseValue, CaseValue.case_id == Case.id
            )
        ):
            expected[case_name].add((variables[variable_id].name, value))
        docs: dict[str, set[str]] = defaultdict(set)
        for case_name, guid in session.execute(
            select(Case.name, Document.guid)
            .join(DocumentCase, DocumentCase.case_id == Case.id)
            .join(Document, Document.id == DocumentCase.document_id)
        ):
            docs[case_name].add(guid)
        case_names = set(session.exec(select(Case.name)))
    tree = qde(exported).getroot()
    kinds = {"text": "Text", "integer": "Integer", "float": "Float", "date": "Date"}
    kinds["boolean"] = "Boolean"
    declared = {v.get("guid"): v for v in tree.iter(f"{NS}Variable")}
    assert {(v.get("name"), v.get("typeOfVariable")) for v in declared.values()} == {
        (v.name, kinds[v.type]) for v in variables.values()
    }
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for case in tree.iter(f"{NS}Case"):
        assert {s.get("targetGUID") for s in case.findall(f"{NS}SourceRef")} == docs[
            case.get("name")
        ]
        for value in case.findall(f"{NS}VariableValue"):
            variable = declared[value.find(f"{NS}VariableRef").get("targetGUID")]
            element = value[1]
            assert element.tag == f"{NS}{variable.get('typeOfVariable')}Value"
            text = element.text
            if variable.get("typeOfVariable") == "Float":
                assert "e" not in text.lower()
                text = repr(float(text))
            found[case.get("name")].add((variable.get("name"), text))
    assert {c.get("name") for c in tree.iter(f"{NS}Case")} == case_names
    assert found == expected
    assert ("score", "1e-05") in found["R08"]


def test_memos_are_notes_referred_to_from_their_targets(exported: Path, proj: db.Project) -> None:
    with proj.session() as session:
        memos = list(session.exec(select(Memo)))
        guid_of = {
            "document_id": dict(session.execute(select(Document.id, Document.guid)).all()),
            "code_id": dict(session.execute(select(Code.id, Code.guid)).all()),
            "segment_id": dict(session.execute(select(Segment.id, Segment.guid)).all()),
            "place_id": dict(session.execute(select(Place.id, Place.guid)).all()),
        }
        case_names = dict(session.execute(select(Case.id, Case.name)).all())
    assert {m.case_id for m in memos} - {None} and {m.segment_id for m in memos} - {None}
    tree = qde(exported).getroot()
    notes = {n.get("guid"): n for n in tree.iter(f"{NS}Note")}
    with zipfile.ZipFile(exported) as archive:
        texts = {
            g: archive.read(f"sources/{g}.txt").decode("utf-8")
            for g, n in notes.items()
            if n.get("plainTextPath") == f"internal://{g}.txt"
        }
    assert all(n.find(f"{NS}PlainTextContent") is None for n in notes.values())
    # A memo is a Note (with its text as a file), or the Description of what it is on.
    descriptions = [
        d.text for d in tree.iter(f"{NS}Description") if d.getparent().tag != f"{NS}Code"
    ]
    in_notes = {m.guid: m.text for m in memos if m.guid in notes}
    assert texts == in_notes
    assert sorted(m.text for m in memos if m.guid not in notes) == sorted(
        t for t in descriptions if t in {m.text for m in memos}
    )
    referrers: dict[str, list[etree._Element]] = defaultdict(list)
    for ref in tree.iter(f"{NS}NoteRef"):
        referrers[ref.get("targetGUID")].append(ref.getparent())
    for memo in memos:
        if memo.guid not in notes:
            continue
        holders = referrers.get(memo.guid, [])
        if memo.case_id is not None:
            assert holders == []
            assert notes[memo.guid].get("name") == CASE_NOTE_PREFIX + case_names[memo.case_id]
            continue
        assert len(holders) == 1, memo.text
        holder = holders[0]
        column = next(
            (c for c in guid_of if getattr(memo, c) is not None),
            None,
        )
        if column is None:
            assert holder.tag == f"{NS}Project"
        else:
            tag = {
                "document_id": "TextSource",
                "code_id": "Code",
                "segment_id": "PlainTextSelection",
                "place_id": "Code",
            }[column]
            assert holder.tag == f"{NS}{tag}"
            if column != "segment_id":  # a passage: one of its coders' selections
                assert holder.get("guid") == guid_of[column][getattr(memo, column)]


# --- behaviour -------------------------------------------------------------------------------


def test_export_leaves_the_project_unchanged(proj: db.Project, tmp_path: Path) -> None:
    before = dump(proj)
    with proj.session() as session:
        export_qdpx(session, tmp_path / "a.qdpx")
        export_qdc(session, tmp_path / "a.qdc")
    assert dump(proj) == before


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "second-process"])
@pytest.mark.parametrize(
    ("name", "broken"),
    [
        ("_stamp", lambda value: "yesterday"),  # the project element (written by lxml)
        ("_who", lambda guids, coder, at: ' creationDateTime="later"'),  # selections (ours)
    ],
)
def test_an_invalid_export_writes_nothing(
    proj: db.Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    broken: Any,
    parallel: bool,
) -> None:
    out = tmp_path / "out.qdpx"
    out.write_bytes(b"old")
    monkeypatch.setattr(writer, name, broken)
    with proj.session() as session, pytest.raises(InvalidExport, match="does not validate"):
        export_qdpx(session, out, parallel=parallel)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.qdpx"]


def test_a_place_field_on_two_lines_travels_escaped_on_one(
    project: db.Project, tmp_path: Path
) -> None:
    """The place block holds one line per field: a line break in an address is written
    ``\\n``, a semicolon in an alias ``\\;``, and both are read back exactly."""
    with project.transaction("t", coder="ann") as session:
        place_ops.add_place(
            session, "Hall", kind="library", address="Weg 1\nachterom", aliases=["a;b", "c"]
        )
    with project.session() as session:
        export_qdc(session, tmp_path / "c.qdc")
    tree = etree.parse(str(tmp_path / "c.qdc"))
    hall = next(c for c in tree.iter(f"{CB}Code") if c.get("name") == "Hall")
    text = hall.find(f"{CB}Description").text
    assert "Address: Weg 1\\nachterom" in text.splitlines()
    assert "Also called: a\\;b; c" in text.splitlines()
    parsed = parse_place_block(text)
    assert parsed is not None and parsed[1]["address"] == "Weg 1\nachterom"
    assert parsed[1]["aliases"] == ["a;b", "c"]


def test_a_code_without_extra_fields_has_no_block(project: db.Project, tmp_path: Path) -> None:
    """Only a code with a label, criteria, an example or keywords gets a block."""
    with project.transaction("t", coder="ann") as session:
        code_ops.add_code(session, "plain", description="Just this.")
        code_ops.add_code(session, "bare")
    with project.session() as session:
        export_qdc(session, tmp_path / "c.qdc")
    tree = etree.parse(str(tmp_path / "c.qdc"))
    by_name = {c.get("name"): c for c in tree.iter(f"{CB}Code")}
    assert by_name["plain"].find(f"{CB}Description").text == "Just this."
    assert by_name["bare"].find(f"{CB}Description") is None
    assert CODE_MARKER not in etree.tostring(by_name["plain"]).decode()


def test_validation_in_a_second_process_gives_the_same_file(
    exported: Path, proj: db.Project, tmp_path: Path
) -> None:
    out = tmp_path / "parallel.qdpx"
    with proj.session() as session:
        export_qdpx(session, out, name="rich", parallel=True)

    def content(path: Path) -> tuple[bytes, list[tuple[str, bytes]]]:
        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("project.qde"))
            del root.attrib["modifiedDateTime"]
            members = [(n, archive.read(n)) for n in archive.namelist()[1:]]
            return etree.tostring(root), members

    assert content(out) == content(exported)


def test_a_validator_that_cannot_run_fails_the_export(
    proj: db.Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "_VALIDATOR_SCRIPT", "import sys; sys.exit(5)")
    with proj.session() as session, pytest.raises(InvalidExport, match="failed to run"):
        export_qdpx(session, tmp_path / "x.qdpx", parallel=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "second-process"])
def test_a_failure_half_way_leaves_nothing(
    proj: db.Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "_write_notes", fail)
    with proj.session() as session, pytest.raises(RuntimeError, match="disk on fire"):
        export_qdpx(session, tmp_path / "x.qdpx", parallel=parallel)
    assert list(tmp_path.iterdir()) == []


def test_without_a_second_process_the_export_validates_inline(
    proj: db.Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(writer.subprocess, "Popen", refuse)
    monkeypatch.setattr(writer, "_who", lambda guids, coder, at: ' creationDateTime="later"')
    with proj.session() as session, pytest.raises(InvalidExport, match="does not validate"):
        export_qdpx(session, tmp_path / "x.qdpx", parallel=True)


def test_output_in_a_missing_folder_is_an_input_error(proj: db.Project, tmp_path: Path) -> None:
    with proj.session() as session, pytest.raises(InputError, match="does not exist"):
        export_qdpx(session, tmp_path / "nope" / "out.qdpx")


def test_odd_guids_and_characters_still_validate(project: db.Project, tmp_path: Path) -> None:
    with project.transaction("t", coder="ann") as session:
        cid = coders.ensure(session, "ann").id
        first = code_ops.add_code(session, "odd", coder_id=cid)  # type: ignore[arg-type]
        first.guid = "NOT-A-GUID"
        second = lookups.find_code(session, "welcome")
        second.guid = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
        memo_ops.add_memo(session, "code", "odd", "bell \x07 and form \x0c feed", coder_id=cid)  # type: ignore[arg-type]
    source = tmp_path / "doc.txt"
    source.write_text("I: Hello there.\nR: We met at the library.\n", encoding="utf-8")
    import_service.import_files(project, [source], coder="ann", name='Tom & "Jerry" <1>')
    with project.transaction("t", coder="ann") as session:
        segments.code_span(session, 'Tom & "Jerry" <1>', 16, 40, ["odd", "welcome"], coder_id=cid)  # type: ignore[arg-type]
    out = tmp_path / "odd.qdpx"
    with project.session() as session:
        export_qdpx(session, out)
    tree = qde(out)
    assert schemas("Project-mrt2019.xsd")[0][1].validate(tree)
    codes = {c.get("name"): c.get("guid") for c in tree.iter(f"{NS}Code")}
    assert codes["welcome"] == "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
    refs = {r.get("targetGUID") for r in tree.iter(f"{NS}CodeRef")}
    assert refs == {codes["odd"], codes["welcome"]}
    assert next(tree.iter(f"{NS}TextSource")).get("name") == 'Tom & "Jerry" <1>'
    note = next(tree.iter(f"{NS}Note"))
    with zipfile.ZipFile(out) as archive:  # a note's text is a file: it carries any character
        text = archive.read(f"sources/{note.get('guid')}.txt").decode("utf-8")
    assert text == "bell \x07 and form \x0c feed"


def test_a_code_named_places_blocks_the_export_of_places(
    project: db.Project, tmp_path: Path
) -> None:
    with project.transaction("t", coder="ann") as session:
        cid = coders.ensure(session, "ann").id
        code_ops.add_code(session, "places", coder_id=cid)  # type: ignore[arg-type]
        place_ops.add_place(session, "De Klup", kind="library", coder_id=cid)
    with project.session() as session, pytest.raises(Conflict, match="rename that code"):
        export_qdpx(session, tmp_path / "x.qdpx")
    assert not (tmp_path / "x.qdpx").exists()


def test_empty_project_exports_and_validates(tmp_path: Path, targets: Targets) -> None:
    project = db.create_project(targets.new("empty"))
    try:
        with project.session() as session:
            report = export_qdpx(session, tmp_path / "empty.qdpx")
    finally:
        project.dispose()
    assert report.documents == 0
    with zipfile.ZipFile(tmp_path / "empty.qdpx") as archive:
        assert archive.namelist() == ["project.qde"]
    assert schemas("Project-mrt2019.xsd")[0][1].validate(qde(tmp_path / "empty.qdpx"))


@needs_corpus
def test_corpus_transcript_exports_valid(project: db.Project, tmp_path: Path) -> None:
    path = corpus_file("P01_male_24_Newham")
    import_service.import_files(project, [path], coder="ann")
    with project.transaction("t", coder="ann") as session:
        cid = coders.ensure(session, "ann").id
        document = session.exec(select(Document)).one()
        text = document.text
        spans = []
        for word in ("library", "park", "friends", "school", "church"):
            start = text.find(word)
            if start >= 0:
                spans.append((start, start + len(word)))
        assert spans
        for start, end in spans:
            segments.code_span(session, document.name, start, end, ["welcome"], coder_id=cid)  # type: ignore[arg-type]
    out = tmp_path / "corpus.qdpx"
    with project.session() as session:
        export_qdpx(session, out)
    tree = qde(out)
    for label, schema in schemas("Project-mrt2019.xsd"):
        assert schema.validate(tree), (label, schema.error_log.last_error)
    with zipfile.ZipFile(out) as archive:
        stored = archive.read(f"sources/{document.guid}.txt").decode("utf-8")
    assert stored == text
    found = sorted(
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in tree.iter(f"{NS}PlainTextSelection")
    )
    assert found == sorted(spans)


# --- the command line ------------------------------------------------------------------------


def test_cli_export_formats(
    cli: Any, rich: ProjectTarget, proj: db.Project, tmp_path: Path
) -> None:
    result = as_json(cli("export", rich, "--format", "qdpx", "-o", tmp_path / "p.qdpx", "--json"))
    with proj.session() as session:
        n_docs = session.execute(select(sa.func.count(Document.id))).scalar_one()
        n_segments = session.execute(select(sa.func.count(Segment.id))).scalar_one()
    assert result["documents"] == n_docs and result["selections"] >= n_segments
    assert zipfile.is_zipfile(tmp_path / "p.qdpx")
    cli("export", rich, "-o", tmp_path / "c.qdc")  # format from the suffix
    assert etree.parse(str(tmp_path / "c.qdc")).getroot().tag == f"{CB}CodeBook"
    out = cli("export", rich, "--format", "codebook", "-o", tmp_path / "c.yaml")
    assert "codes" in out.stdout and (tmp_path / "c.yaml").read_text(encoding="utf-8")
    bad = cli("export", rich, "-o", tmp_path / "x.txt", ok=False)
    assert bad.exit_code != 0 and "--format" in bad.stderr
    missing = cli("export", rich, "-o", tmp_path / "no" / "x.qdpx", ok=False)
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
    assert not (tmp_path / "x.txt").exists()
    if not isinstance(rich, Path):
        return  # a project on a server has no file that an export could overwrite
    before = rich.read_bytes()
    itself = cli("export", rich, "--format", "qdpx", "-o", rich, ok=False)
    assert itself.exit_code == 1 and "project file itself" in itself.stderr
    assert rich.read_bytes() == before

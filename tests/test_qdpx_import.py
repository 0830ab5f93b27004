"""REFI-QDA import: the real exports in ../shared/refi-qda/samples, and crafted files for
what the samples do not hold (cases, variables, notes, places, merging, offset conventions).

Expected counts are derived here from the XML with plain lxml/xpath, expected selection texts
by slicing the source text the way the writing tool counts (UTF-16 units for NVivo), and a
few texts are hard-coded after reading them in the source text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import SHARED, Targets, as_json, dump_file
from workbench.coding.names import check_name
from workbench.exchange.refi import PLACE_MARKER, place_block
from workbench.exchange.refi.reader import OffsetMap, code_name, read_refi
from workbench.project import db
from workbench.project.target import ProjectTarget
from workbench.services.importing import import_qdpx

SAMPLES = SHARED / "refi-qda" / "samples"
NVIVO = SAMPLES / "nvivo12_oltas0517.qdpx"
#: Every sample but NVivo's, which is imported once for several tests (it is the slow one).
OTHER_SAMPLES = sorted(p for p in SAMPLES.iterdir() if p != NVIVO) if SAMPLES.is_dir() else []
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="../shared/refi-qda/samples is absent (third-party exports, not in the repository)",
)


# --- independent readings of the files -------------------------------------------------------


def _xml_and_members(path: Path) -> tuple[etree._Element, dict[str, bytes]]:
    """The project/codebook XML and the zip's other members by lower-case base name."""
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            qde = next(n for n in names if n.lower().endswith(".qde"))
            root = etree.fromstring(archive.read(qde))
            members = {n.rsplit("/", 1)[-1].lower(): archive.read(n) for n in names if n != qde}
        return root, members
    return etree.fromstring(path.read_bytes()), {}


def _x(node: Any, name: str) -> list[Any]:
    return node.xpath(f'.//*[local-name()="{name}"]')


def _available_sources(root: Any, members: dict[str, bytes]) -> list[Any]:
    out = []
    for source in _x(root, "TextSource"):
        path = (source.get("plainTextPath") or "").split("internal://")[-1].lower()
        if path in members or source.xpath('./*[local-name()="PlainTextContent"]'):
            out.append(source)
    return out


def _expected_counts(path: Path) -> dict[str, int]:
    root, members = _xml_and_members(path)
    sources = _available_sources(root, members)
    spans: set[tuple[str, str, str]] = set()
    codings: set[tuple[str, str, str, str, str]] = set()
    selections = 0
    for source in sources:
        for sel in source.xpath('./*[local-name()="PlainTextSelection"]'):
            key = (source.get("guid"), sel.get("startPosition"), sel.get("endPosition"))
            refs = sel.xpath('./*[local-name()="Coding"]')
            described = "".join(sel.xpath('./*[local-name()="Description"]//text()')).strip()
            if refs or described:
                spans.add(key)
                selections += 1
            for coding in refs:
                code = coding.xpath('./*[local-name()="CodeRef"]')[0].get("targetGUID").lower()
                codings.add((*key, code, coding.get("creatingUser") or ""))
    all_sources = root.xpath('./*[local-name()="Sources"]/*')
    return {
        "skipped": len(all_sources) - len(sources),
        "codes": len(_x(root, "Code")),
        "top_codes": len(root.xpath('./*[local-name()="CodeBook"]/*/*[local-name()="Code"]'))
        + len(root.xpath('./*[local-name()="Codes"]/*[local-name()="Code"]')),
        "users": len(_x(root, "User")),
        "documents": len(sources),
        "selections": selections,
        "segments": len(spans),
        "codings": len(codings),
        "cases": len(_x(root, "Case")),
        "variables": len(_x(root, "Variable")),
    }


def _rows(path: ProjectTarget, query: str, **params: object) -> list[Any]:
    engine = db.make_engine(db.database_url(path))
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(query), params))
    finally:
        engine.dispose()


def _count(path: ProjectTarget, table: str) -> int:
    return _rows(path, f'SELECT COUNT(*) FROM "{table}"')[0][0]


# --- every real sample -----------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("sample", OTHER_SAMPLES, ids=lambda p: p.name)
def test_every_sample_imports_with_the_counts_of_its_xml(
    sample: Path, tmp_path: Path, cli, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    target = targets.new("imported")
    result = cli("import-qdpx", sample, target, "--json", "--coder", "tester")
    report = as_json(result)
    expected = _expected_counts(sample)
    assert report["codes_added"] == expected["codes"] == _count(target, "code")
    top = _rows(target, "SELECT COUNT(*) FROM code WHERE parent_id IS NULL")[0][0]
    assert top == expected["top_codes"]
    assert report["documents"] == expected["documents"] == _count(target, "document")
    assert report["sources_skipped"] == expected["skipped"]
    assert report["segments"] == expected["segments"] == _count(target, "segment")
    assert report["codings"] == expected["codings"] == _count(target, "coding")
    assert report["cases"] == expected["cases"] == _count(target, "case")
    assert report["variables"] == expected["variables"] == _count(target, "variable")
    coders = {row[0] for row in _rows(target, "SELECT name FROM coder")}
    assert len(coders - {"tester"}) == expected["users"]


@needs_samples
def test_maxqda_code_tree_keeps_hierarchy_colours_and_descriptions(
    tmp_path: Path, cli, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    sample = SAMPLES / "maxqda24_ICLS_project.qde"
    target = targets.new("m")
    result = cli("import-qdpx", sample, target)
    assert "10 text sources left out" in result.stderr
    root, _ = _xml_and_members(sample)
    by_name = {
        row.name: row
        for row in _rows(
            target,
            "SELECT c.name, c.color, c.description, c.guid, p.name AS parent "
            "FROM code c LEFT JOIN code p ON p.id = c.parent_id",
        )
    }
    for element in _x(root, "Code"):
        name = element.get("name")  # kept exactly, parentheses and all
        row = by_name[name]
        assert row.color == element.get("color").lower()
        assert row.guid == element.get("guid").lower()  # upper-case GUIDs compared lower
        parent = element.getparent()
        expected_parent = parent.get("name") if parent.tag.endswith("}Code") else None
        assert row.parent == expected_parent
        description = "".join(element.xpath('./*[local-name()="Description"]//text()'))
        assert row.description == description.strip()
    assert by_name["Additional Themes and Ideas"].description.startswith(
        "This category encompasses a range of specific theoretical concepts"
    )
    assert by_name["THEME - Affinity Spaces (Gee)"].parent == "Additional Themes and Ideas"


@needs_samples
def test_codebook_samples_keep_nesting_and_names(tmp_path: Path, cli, targets: Targets) -> None:  # type: ignore[no-untyped-def]
    atlas = targets.new("a")
    cli("import-qdpx", SAMPLES / "atlasti9_codebook.qdc", atlas)  # namespace ...codebook:0:4
    tree = {
        row[0]: row[1]
        for row in _rows(
            atlas, "SELECT c.name, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id"
        )
    }
    assert tree == {
        "code2": None,
        "code1": None,
        "code1.1": "code1",
        "code3": None,
        "code:3.1": "code3",  # any name: a query quotes it ("code:3.1")
    }
    taguette = targets.new("t")
    result = cli("import-qdpx", SAMPLES / "taguette141_codebook.qdc", taguette)  # empty <Sets/>
    names = sorted(row[0] for row in _rows(taguette, "SELECT name FROM code"))
    assert names == ["CodeBook", "Variables", "xsd:element name"]
    assert "changed" not in result.stderr


@needs_samples
def test_f4_sample_imports_its_code_and_reports_what_is_missing(
    tmp_path: Path, cli, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    target = targets.new("f4")
    result = cli("import-qdpx", SAMPLES / "f4analyse2025_project.qde", target, "--json")
    report = as_json(result)
    [code] = _rows(target, "SELECT name, description, color, guid FROM code")
    assert code == (
        "Dies ist ein Test-Code",
        "Dies ist der Kommentar vom Test-Code",
        "#044b9b",
        "206750b8-d3c8-4bc6-a922-5c8c1475f36f",
    )
    # The .qde came without its sources/ folder: its 4 sources and 3 notes have no text.
    assert report["documents"] == 0
    assert any("4 text sources left out" in w for w in report["warnings"])
    assert any("3 notes left out" in w for w in report["warnings"])


# --- the NVivo sample: UTF-16 offsets over CRLF text -------------------------------------------

#: Selections of the NVivo sample and the text NVivo shows for them, read in
#: Sources/68bbdc14-....txt (UTF-8 with BOM, CRLF). All lie after hundreds of CRLFs and
#: dozens of emoji, where code-point offsets would land elsewhere.
NVIVO_SELECTIONS = {
    "7154a758-6873-4134-badd-ae1dc04d3086": (
        "Senkit nem lehet kötelezni oltásra, ilyet csak ostoba",
        "aki nem szaporodhat és nem élhet.",
    ),
    "f3a0ccc3-97d5-41ea-81dd-ae1dc0c4860f": (
        "Egy kis kormánypénzből, vagy egy kis vakcina gyártó pénzéből támogatott propaganda.",
        "propaganda.",
    ),
    "764c572e-2cab-4b2e-bfdd-ae1dc1af7a43": (  # ends with an emoji (two UTF-16 units)
        "Szépen hangzik! De bizhatunk-e benne??\U0001f637",
        "benne??\U0001f637",
    ),
    "d3b80e30-e53d-48b5-90dd-ae1dc14a981d": (
        "A. HAZUGSÁG FOLYIK \U0001f44d\U0001f44d\U0001f44d\U0001f44d",
        "FOLYIK \U0001f44d\U0001f44d\U0001f44d\U0001f44d",
    ),
    "e3a6e477-2b94-48fd-a9dd-ae1f25874146": (  # ends with the line end: CRLF became one \n
        "@@",
        "És milyen igazad lett!\u261d\ufe0f\U0001f44c\U0001f44d\U0001f44d\U0001f44d\n",
    ),
    "6931d3f6-2d76-4fa4-98dd-ae1dc3398251": (
        "Társadalmi felelősség mások pl oltatlanok jogainak tiszteletben",
        "időkben és nem jogaik tiprása!",
    ),
    "d5c94880-2a7c-4431-aedd-ae1dc33b12c1": (
        "Mindenki maga dönti el. Egy darabig. Legalábbis itthon.",
        "A franciák is visszavonták a kötelezővé tételt",
    ),
    "246304c5-80c1-46cd-99dd-ae1dc1e49017": (  # the last selection of the file
        "CDC announces 79% of all U.S. omicron cases have occurred in vaccinated individuals",
        "vaccinated individuals",
    ),
}


@pytest.fixture(scope="module")
def nvivo(module_targets: Targets) -> tuple[ProjectTarget, dict[str, Any]]:
    """The NVivo sample imported once through the command line (a new project)."""
    if not NVIVO.is_file():
        pytest.skip("../shared/refi-qda/samples/nvivo12_oltas0517.qdpx is absent")
    from click.testing import CliRunner

    from workbench.cli import main

    target = module_targets.new("nvivo")
    result = CliRunner().invoke(
        main, ["import-qdpx", str(NVIVO), str(target), "--json", "--coder", "tester"]
    )
    assert result.exit_code == 0, result.stderr
    return target, as_json(result)


def test_nvivo_counts_match_the_xml(nvivo) -> None:  # type: ignore[no-untyped-def]
    target, report = nvivo
    expected = _expected_counts(NVIVO)
    assert expected["selections"] == 303  # the README's figure, as a sanity check
    assert report["offsets"] == "utf16"
    assert report["codes_added"] == expected["codes"] == _count(target, "code") == 152
    assert report["documents"] == expected["documents"] == _count(target, "document") == 2
    assert report["selections"] == expected["selections"]
    assert report["segments"] == expected["segments"] == _count(target, "segment")
    assert report["codings"] == expected["codings"] == _count(target, "coding")
    coders = {row[0] for row in _rows(target, "SELECT name FROM coder")}
    assert coders == {"tester", "Gergo", "floriansipos"}


def test_nvivo_selections_cover_the_text_nvivo_shows(nvivo) -> None:  # type: ignore[no-untyped-def]
    target, _report = nvivo
    texts = {
        row.guid: row.text
        for row in _rows(
            target,
            'SELECT s.guid, substr(d.text, s.start + 1, s."end" - s.start) AS text '
            "FROM segment s JOIN document d ON d.id = s.document_id",
        )
    }
    for guid, (begins, ends) in NVIVO_SELECTIONS.items():
        assert texts[guid].startswith(begins), guid
        assert texts[guid].endswith(ends), guid


def test_nvivo_every_coding_covers_its_utf16_slice(nvivo) -> None:  # type: ignore[no-untyped-def]
    """Brute force: every Coding's passage equals the UTF-16 slice of the raw text."""
    target, _report = nvivo
    root, members = _xml_and_members(NVIVO)
    stored = {
        row.guid: row.text
        for row in _rows(
            target,
            'SELECT c.guid, substr(d.text, s.start + 1, s."end" - s.start) AS text '
            "FROM coding c JOIN segment s ON s.id = c.segment_id "
            "JOIN document d ON d.id = s.document_id",
        )
    }
    checked = 0
    for source in _x(root, "TextSource"):
        raw = members[source.get("plainTextPath").split("//")[1].lower()]
        units = raw.decode("utf-8-sig").encode("utf-16-le")
        for sel in source.xpath('./*[local-name()="PlainTextSelection"]'):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            shown = units[2 * start : 2 * end].decode("utf-16-le").replace("\r\n", "\n")
            for coding in sel.xpath('./*[local-name()="Coding"]'):
                assert stored[coding.get("guid")] == shown
                checked += 1
    assert checked == 303


def test_nvivo_documents_are_analysed_like_imported_transcripts(nvivo) -> None:  # type: ignore[no-untyped-def]
    target, _report = nvivo
    for name, text, chars in _rows(target, "SELECT name, text, char_count FROM document"):
        assert "\r" not in text and not text.startswith("\ufeff")
        assert chars == len(text)
        paragraphs = _rows(
            target,
            "SELECT COUNT(*) FROM paragraph p JOIN document d ON d.id = p.document_id "
            "WHERE d.name = :name",
            name=name,
        )[0][0]
        assert paragraphs == sum(1 for line in text.split("\n") if line.strip())
    assert _count(target, "sentence") > 0


# --- crafted files: what the samples do not hold --------------------------------------------

G = {
    key: f"{index:08x}-0000-4000-8000-{index:012x}"
    for index, key in enumerate(
        "user code child place places var1 var2 var3 var4 case1 src1 src2 sel1 sel2 sel3 "
        "cod1 cod2 cod3 note1 note2 note3 note4 note5 pdf set".split(),
        start=1,
    )
}

#: A source text with CRLF line ends and characters outside the BMP before the selections.
RAW = (
    "I: Where do you meet people? \U0001f600\r\n"
    "R1: At De Klup, the community centre. They welcome everyone.\r\n"
    "I: And the library?\r\n"
    "R1: It closed \U0001f622 in 2019; we miss it.\r\n"
)
PHRASES = ("De Klup, the community centre", "They welcome everyone.", "we miss it.")


def _utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _selection_offsets(utf16: bool) -> list[tuple[int, int]]:
    spans = []
    for phrase in PHRASES:
        start = RAW.index(phrase)
        end = start + len(phrase)
        if utf16:
            start, end = _utf16_offset(RAW, start), _utf16_offset(RAW, end)
        spans.append((start, end))
    return spans


def _project_xml(origin: str, *, utf16: bool = False, guid_style: str = "plain") -> str:
    def g(key: str) -> str:
        value = G[key]
        if guid_style == "braced-upper":
            return "{" + value.upper() + "}"
        return value

    (s1, e1), (s2, e2), (s3, e3) = _selection_offsets(utf16)
    block = place_block(
        "The community centre on the square.",
        {"kind": "community centre", "status": "existing", "aliases": ["Klup", "the centre"]},
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="crafted" origin="{origin}">
  <Users><User guid="{g("user")}" name="Ann"/></Users>
  <CodeBook><Codes>
    <Code guid="{g("code")}" name="welcome (felt)" isCodable="true" color="#F0A">
      <Description>Being made welcome</Description>
      <NoteRef targetGUID="{g("note1")}"/>
      <Code guid="{g("child")}" name="host role" isCodable="true"><Description/></Code>
    </Code>
    <Code guid="{g("places")}" name="Places" isCodable="false">
      <Description>Places.</Description>
      <Code guid="{g("place")}" name="De Klup" isCodable="true">
        <Description>{block}</Description>
        <NoteRef targetGUID="{g("note5")}"/>
      </Code>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{g("var1")}" name="age" typeOfVariable="Integer"/>
    <Variable guid="{g("var2")}" name="born" typeOfVariable="Date"/>
    <Variable guid="{g("var3")}" name="member" typeOfVariable="Boolean"/>
    <Variable guid="{g("var4")}" name="first seen" typeOfVariable="DateTime"><Description/>
      </Variable>
  </Variables>
  <Cases>
    <Case guid="{g("case1")}" name="R01">
      <Description>First respondent</Description>
      <VariableValue><VariableRef targetGUID="{g("var1")}"/><IntegerValue>34</IntegerValue>
        </VariableValue>
      <VariableValue><VariableRef targetGUID="{g("var2")}"/><DateValue>1990-04-01</DateValue>
        </VariableValue>
      <VariableValue><VariableRef targetGUID="{g("var3")}"/><BooleanValue>true</BooleanValue>
        </VariableValue>
      <VariableValue><VariableRef targetGUID="{g("var4")}"/>
        <DateTimeValue>2024-05-01T10:00:00Z</DateTimeValue></VariableValue>
      <SourceRef targetGUID="{g("src1")}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{g("src1")}" name="interview one" plainTextPath="internal://{G["src1"]}.txt"
        creatingUser="{g("user")}">
      <Description>Recorded at home</Description>
      <PlainTextSelection guid="{g("sel1")}" name="" startPosition="{s1}" endPosition="{e1}"
          creatingUser="{g("user")}">
        <Description />
        <Coding guid="{g("cod1")}" creatingUser="{g("user")}"><CodeRef targetGUID="{g("place")}"/>
          </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g("sel2")}" name="" startPosition="{s2}" endPosition="{e2}"
          creatingUser="{g("user")}">
        <Coding guid="{g("cod2")}" creatingUser="{g("user")}"><CodeRef targetGUID="{g("code")}"/>
          </Coding>
        <Coding guid="{g("cod3")}" creatingUser="{g("user")}"><CodeRef targetGUID="{g("child")}"/>
          </Coding>
        <NoteRef targetGUID="{g("note2")}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{g("sel3")}" name="" startPosition="{s3}" endPosition="{e3}">
        <Description>A memo on this passage</Description>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="{g("var1")}"/><IntegerValue>35</IntegerValue>
        </VariableValue>
    </TextSource>
    <TextSource guid="{g("src2")}" name="inline note">
      <PlainTextContent>A short inline text about the market.</PlainTextContent>
    </TextSource>
    <PDFSource guid="{g("pdf")}" name="scan" path="internal://{G["pdf"]}.pdf"/>
  </Sources>
  <Notes>
    <Note guid="{g("note1")}" name="On welcome"><PlainTextContent>Code memo text</PlainTextContent>
      </Note>
    <Note guid="{g("note2")}"><PlainTextContent>Passage memo text</PlainTextContent></Note>
    <Note guid="{g("note3")}" name="Memo on case: R01">
      <PlainTextContent>Case memo text</PlainTextContent></Note>
    <Note guid="{g("note4")}" name="Loose"><PlainTextContent>Project memo text</PlainTextContent>
      </Note>
    <Note guid="{g("note5")}"><PlainTextContent>Place memo text</PlainTextContent></Note>
  </Notes>
  <Sets><Set guid="{g("set")}" name="Places"><MemberCode targetGUID="{g("place")}"/></Set></Sets>
</Project>
"""


def _qdpx(
    path: Path,
    xml: str,
    *,
    folder: str = "Sources",
    qde: str = "project.qde",
    text: bytes | None = None,
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde, xml.encode("utf-8"))
        # Upper-case file name: plainTextPath is matched without regard to case.
        name = f"{folder}/{G['src1'].upper()}.TXT"
        archive.writestr(name, text if text is not None else b"\xef\xbb\xbf" + RAW.encode())
    return path


def _texts_by_code(path: ProjectTarget) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, text in _rows(
        path,
        'SELECT c.name, substr(d.text, s.start + 1, s."end" - s.start) FROM coding g '
        "JOIN code c ON c.id = g.code_id JOIN segment s ON s.id = g.segment_id "
        "JOIN document d ON d.id = s.document_id ORDER BY c.name, d.name, s.start",
    ):
        out.setdefault(code, []).append(text)
    return out


@pytest.mark.parametrize(
    ("origin", "utf16", "folder", "qde", "guid_style"),
    [
        ("QualCoder 3.6", False, "sources", "project.qde", "plain"),
        ("NVivo 14", True, "Sources", "project.qde", "plain"),
        ("ATLAS.ti 26", False, "sources", "Trial.qde", "braced-upper"),
    ],
)
def test_crafted_project_imports_every_kind_of_thing(
    tmp_path: Path,
    cli,
    origin: str,
    utf16: bool,
    folder: str,
    qde: str,
    guid_style: str,
    targets: Targets,
) -> None:  # type: ignore[no-untyped-def]
    source = _qdpx(
        tmp_path / "crafted.qdpx",
        _project_xml(origin, utf16=utf16, guid_style=guid_style),
        folder=folder,
        qde=qde,
    )
    target = targets.new("new")
    result = cli("import-qdpx", source, target, "--json", "--coder", "tester")
    report = as_json(result)
    assert "PDFSource left out" in result.stderr
    assert report["offsets"] == ("utf16" if utf16 else "codepoints")
    normalised = RAW.replace("\r\n", "\n")
    # Texts: each passage covers the phrase it was made on.
    assert _texts_by_code(target) == {
        "welcome (felt)": ["They welcome everyone."],
        "host role": ["They welcome everyone."],
    }
    [link] = _rows(
        target,
        'SELECT p.name, substr(d.text, s.start + 1, s."end" - s.start) FROM segment_place l '
        "JOIN place p ON p.id = l.place_id JOIN segment s ON s.id = l.segment_id "
        "JOIN document d ON d.id = s.document_id",
    )
    assert link == ("De Klup", "De Klup, the community centre")
    [place] = _rows(target, "SELECT name, kind, status, description, guid FROM place")
    assert place == (
        "De Klup",
        "community centre",
        "existing",
        "The community centre on the square.",
        G["place"],
    )
    assert sorted(r[0] for r in _rows(target, "SELECT alias FROM place_alias")) == [
        "Klup",
        "the centre",
    ]
    # Places travel as codes but are not codes here.
    codes = {r[0]: r[1] for r in _rows(target, "SELECT name, color FROM code")}
    # A code without a colour gets none (not its parent's, not an invented grey).
    assert codes == {"welcome (felt)": "#ff00aa", "host role": ""}
    documents = dict(_rows(target, "SELECT name, text FROM document"))
    assert documents == {
        "interview one": normalised,
        "inline note": "A short inline text about the market.",
    }
    # Cases, typed attributes (DateTime kept as text), the source's value on its own case.
    values = {
        (case, variable): (kind, value)
        for case, variable, kind, value in _rows(
            target,
            "SELECT c.name, v.name, v.type, cv.value FROM case_value cv "
            'JOIN "case" c ON c.id = cv.case_id JOIN variable v ON v.id = cv.variable_id',
        )
    }
    assert values == {
        ("R01", "age"): ("integer", "34"),
        ("R01", "born"): ("date", "1990-04-01"),
        ("R01", "member"): ("boolean", "true"),
        ("R01", "first seen"): ("text", "2024-05-01T10:00:00Z"),
        ("interview one", "age"): ("integer", "35"),
    }
    links = sorted(
        _rows(
            target,
            'SELECT c.name, d.name FROM document_case x JOIN "case" c ON c.id = x.case_id '
            "JOIN document d ON d.id = x.document_id",
        )
    )
    assert links == [("R01", "interview one"), ("interview one", "interview one")]
    # Memos on what the notes and descriptions belong to.
    memos = sorted(
        _rows(
            target,
            "SELECT m.text, d.name, c.name, s.start, k.name, p.name FROM memo m "
            "LEFT JOIN document d ON d.id = m.document_id LEFT JOIN code c ON c.id = m.code_id "
            "LEFT JOIN segment s ON s.id = m.segment_id "
            'LEFT JOIN "case" k ON k.id = m.case_id LEFT JOIN place p ON p.id = m.place_id',
        ),
        key=lambda r: r[0],
    )
    passage = normalised.index("They welcome")
    memo_on = normalised.index("we miss it.")
    assert memos == [
        ("A memo on this passage", None, None, memo_on, None, None),
        ("Case memo text", None, None, None, "R01", None),
        ("Loose\n\nProject memo text", None, None, None, None, None),
        ("On welcome\n\nCode memo text", None, "welcome (felt)", None, None, None),
        ("Passage memo text", None, None, passage, None, None),
        ("Place memo text", None, None, None, None, "De Klup"),
        ("Recorded at home", "interview one", None, None, None, None),
    ]
    [(coder, guid)] = _rows(target, "SELECT name, guid FROM coder WHERE name = 'Ann'")
    assert guid == G["user"]
    assert report["codes_added"] == 2 and report["places_added"] == 1
    assert report["segments"] == 3 and report["codings"] == 2 and report["place_links"] == 1


OUR_SET = f'<Set guid="{G["set"]}" name="Places"><MemberCode targetGUID="{G["place"]}"/></Set>'


@pytest.mark.parametrize(
    ("sets", "warned"),
    [
        (f"<Sets>{OUR_SET}</Sets>", False),
        (f"<Sets>\n  <!-- ours -->\n  {OUR_SET}\n</Sets>", False),
        ("<Sets/>", False),
        (
            f'<Sets>{OUR_SET}<Set guid="{G["var4"]}" name="Favourites">'
            f'<MemberCode targetGUID="{G["code"]}"/></Set></Sets>',
            True,
        ),
        # A set called Places that holds something else than the places is not ours.
        (
            f'<Sets><Set guid="{G["set"]}" name="Places"><MemberCode targetGUID="{G["place"]}"/>'
            f'<MemberCode targetGUID="{G["code"]}"/></Set></Sets>',
            True,
        ),
        (
            f'<Sets><Set guid="{G["set"]}" name="Places">'
            f'<MemberSource targetGUID="{G["src1"]}"/></Set></Sets>',
            True,
        ),
    ],
)
def test_only_sets_other_than_our_places_set_are_reported(
    tmp_path: Path, sets: str, warned: bool
) -> None:
    """Our export writes a Places set of the place codes: nothing of it is lost on import, so
    it warns nothing; any other set is left out with a warning."""
    xml = _project_xml("QualCoder 3.6")
    original = f"  <Sets>{OUR_SET}</Sets>\n"
    assert original in xml
    source = _qdpx(tmp_path / "sets.qdpx", xml.replace(original, f"  {sets}\n"))
    warnings = read_refi(source).warnings
    assert any("set left out" in w or "sets left out" in w for w in warnings) is warned, warnings


def test_offsets_are_told_apart_by_the_selections(tmp_path: Path, targets: Targets) -> None:
    """A tool not known to count UTF-16 units, whose selections only fit that reading."""
    raw = "".join(f"Line {i} \U0001f600\U0001f600 with a word here.\r\n" for i in range(30))
    spans = []
    for i in range(0, 30, 3):
        start = raw.index(f"Line {i} ")
        start = raw.index("with", start)
        end = start + len("with a word")
        spans.append((_utf16_offset(raw, start), _utf16_offset(raw, end)))
    selections = "".join(
        f'<PlainTextSelection guid="{index:08x}-1111-4111-8111-000000000000" '
        f'startPosition="{s}" endPosition="{e}"><Coding guid="{index:08x}-2222-4222-8222-'
        f'000000000000"><CodeRef targetGUID="{G["code"]}"/></Coding></PlainTextSelection>'
        for index, (s, e) in enumerate(spans)
    )
    xml = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="Some Tool 1.0">
  <CodeBook><Codes><Code guid="{G["code"]}" name="w" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{G["src1"]}" name="doc" plainTextPath="internal://a.txt">
  {selections}</TextSource></Sources></Project>"""
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/a.txt", raw.encode())
    target = targets.new("p")
    proj = db.create_project(target)
    try:
        report = import_qdpx(proj, path, coder="tester")
    finally:
        proj.dispose()
    assert report.offsets == "utf16"
    assert any("read as utf16" in w for w in report.warnings)
    texts = _texts_by_code(target)["w"]
    assert texts == ["with a word"] * 10


@given(st.text(alphabet=st.sampled_from("\"'()&|!: \tab\u00e9\n\x00\x07"), max_size=12))
def test_code_names_from_other_tools_become_usable_names(raw: str) -> None:
    name = code_name(raw)
    if name:
        assert check_name(name) == name
        # Kept as written: only control characters go (a tab or line break as a space).
        kept = raw.replace("\x00", "").replace("\x07", "").replace("\t", " ").replace("\n", " ")
        assert name == kept.strip()
    else:
        assert not raw.replace("\x00", "").replace("\x07", "").strip()


def test_offset_map_against_brute_force() -> None:
    raw = "a\r\nb\U0001f600c\r\n\U0001f44d\U0001f44dd\re\r\n"
    ours = raw.replace("\r\n", "\n").replace("\r", "\n")
    lf = raw.replace("\r\n", "\n")
    mapping = OffsetMap(raw)
    assert mapping.text == ours

    def index_of_raw(i: int) -> int:  # raw code point -> ours, by counting
        prefix = raw[:i]
        ours_length = len(prefix.replace("\r\n", "\n"))
        # Between the \r and \n of a CRLF: the place of our \n.
        return ours_length - 1 if prefix.endswith("\r") and raw[i : i + 1] == "\n" else ours_length

    for i in range(len(raw) + 1):
        assert mapping.convert(i, "codepoints", end=True) == index_of_raw(i)
        units = _utf16_offset(raw, i)
        assert mapping.convert(units, "utf16", end=True) == index_of_raw(i)
    for i in range(len(lf) + 1):
        assert mapping.convert(i, "codepoints-lf", end=True) == i
        assert mapping.convert(_utf16_offset(lf, i), "utf16-lf", end=False) == i
    assert mapping.convert(len(raw) + 1, "codepoints", end=True) is None


def test_utf16_source_text_and_bare_qde_with_sources_folder(
    tmp_path: Path, cli, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "unpacked"
    (folder / "Sources").mkdir(parents=True)
    (folder / "project.qde").write_text(_project_xml("QualCoder"), encoding="utf-8")
    (folder / "Sources" / f"{G['src1']}.txt").write_bytes(RAW.encode("utf-16"))  # with BOM
    target = targets.new("p")
    cli("import-qdpx", folder / "project.qde", target)
    assert _texts_by_code(target)["host role"] == ["They welcome everyone."]
    [(encoding,)] = _rows(target, "SELECT encoding FROM document WHERE name = 'interview one'")
    assert encoding == "utf-16"


@pytest.mark.parametrize(
    "namespace",
    ["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"],
)
def test_codebook_namespace_variants(tmp_path: Path, cli, namespace: str, targets: Targets) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "book.qdc"
    path.write_text(
        f'<CodeBook xmlns="{namespace}" origin="x"><Codes>'
        f'<Code guid="{G["code"]}" name="welcome" isCodable="true" color="#112233">'
        f'<Description>d</Description><Code guid="{G["child"]}" name="host" isCodable="true"/>'
        "</Code></Codes><Sets/></CodeBook>"
    )
    target = targets.new("p")
    cli("import-qdpx", path, target)
    assert sorted(_rows(target, "SELECT name, color, description FROM code")) == [
        ("host", "", ""),
        ("welcome", "#112233", "d"),
    ]


def test_import_into_an_existing_project_merges(tmp_path: Path, cli, project) -> None:  # type: ignore[no-untyped-def]
    path = project.target
    project.dispose()
    # "host role" is a code of the shipped codebook: reused by name, its definition kept.
    shipped = _rows(path, "SELECT description FROM code WHERE name = 'host role'")[0][0]
    source = _qdpx(tmp_path / "c.qdpx", _project_xml("QualCoder"))
    before_codes = _count(path, "code")
    report = as_json(cli("import-qdpx", source, path, "--json"))
    assert report["codes_added"] == 1 and report["codes_reused"] == 1
    assert _count(path, "code") == before_codes + 1
    assert _rows(path, "SELECT description FROM code WHERE name = 'host role'")[0][0] == shipped
    assert "place kind 'community centre' added" in " ".join(report["warnings"])
    # Again: codes and the place match by GUID; the document name is taken.
    before = dump_file(path)
    result = cli("import-qdpx", source, path, ok=False)
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0
    assert "a document called 'interview one' is already in the project" in result.stderr
    assert dump_file(path) == before
    again = as_json(cli("import-qdpx", source, path, "--rename", "--json"))
    assert again["codes_added"] == 0 and again["codes_reused"] == 2
    assert again["places_added"] == 0 and again["places_reused"] == 1
    assert "interview one (2)" in again["document_names"]
    texts = _texts_by_code(path)
    assert texts["host role"] == ["They welcome everyone."] * 2


def test_import_is_one_undoable_change(tmp_path: Path, cli, project) -> None:  # type: ignore[no-untyped-def]
    path = project.target
    project.dispose()
    source = _qdpx(tmp_path / "c.qdpx", _project_xml("QualCoder"))
    before = dump_file(path)
    cli("import-qdpx", source, path)
    cli("undo", path)
    after = dump_file(path)
    # Documents (with their turns, sentences, paragraphs) stay, as after `import`.
    for table in ("code", "segment", "coding", "memo", "place", "case", "case_value"):
        assert after[table] == before[table], table


def test_round_trip_through_our_own_export(
    tmp_path: Path, cli, targets: Targets, demo: ProjectTarget
) -> None:  # type: ignore[no-untyped-def]
    exported = tmp_path / "demo.qdpx"
    cli("export", demo, "--format", "qdpx", "-o", exported)
    target = targets.new("copy")
    cli("import-qdpx", exported, target)

    def passages(path: ProjectTarget) -> list[tuple[object, ...]]:
        codes = _rows(
            path,
            'SELECT d.name, s.start, s."end", c.name, k.name FROM coding g '
            "JOIN segment s ON s.id = g.segment_id JOIN document d ON d.id = s.document_id "
            "JOIN code c ON c.id = g.code_id JOIN coder k ON k.id = g.coder_id",
        )
        places = _rows(
            path,
            'SELECT d.name, s.start, s."end", p.name, k.name FROM segment_place l '
            "JOIN segment s ON s.id = l.segment_id JOIN document d ON d.id = s.document_id "
            "JOIN place p ON p.id = l.place_id JOIN coder k ON k.id = l.coder_id",
        )
        return sorted(tuple(r) for r in codes + places)

    assert passages(target) == passages(demo)
    for query in (
        "SELECT name, text FROM document",
        "SELECT name, kind, status, latitude, longitude FROM place",
        "SELECT alias FROM place_alias",
        'SELECT name FROM "case"',
        "SELECT text FROM memo",
    ):
        assert sorted(_rows(target, query)) == sorted(_rows(demo, query)), query
    assert PLACE_MARKER not in "".join(r[0] for r in _rows(target, "SELECT description FROM place"))


def test_links_case_codings_and_pdf_representations(tmp_path: Path, cli, targets: Targets) -> None:  # type: ignore[no-untyped-def]
    """NVivo attaches annotations by Links and puts passages in cases by coding them with the
    case; ATLAS.ti codes a PDF through its text Representation and counts a CRLF as one."""
    raw = "Intro line\r\nThe market hall is where we meet.\r\nWe miss the old library.\r\n"
    lf = raw.replace("\r\n", "\n")

    def span(phrase: str) -> str:  # code points over the text with CRLF as one line end
        start = lf.index(phrase)
        return f'startPosition="{start}" endPosition="{start + len(phrase)}"'

    xml = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="ATLAS.ti Mac 26">
  <CodeBook><Codes><Code guid="{G["code"]}" name="meeting" isCodable="true"/></Codes></CodeBook>
  <Cases><Case guid="{G["case1"]}" name="R01"/></Cases>
  <Sources>
    <PDFSource guid="{G["pdf"]}" name="scan.pdf" path="internal://{G["pdf"]}.pdf">
      <Representation guid="{G["src1"]}" plainTextPath="internal://{G["src1"]}.txt">
        <PlainTextSelection guid="{G["sel1"]}" {span("The market hall")}>
          <Coding guid="{G["cod1"]}"><CodeRef targetGUID="{G["code"]}"/></Coding>
        </PlainTextSelection>
        <PlainTextSelection guid="{G["sel2"]}" {span("We miss the old library.")}>
          <Coding guid="{G["cod2"]}"><CodeRef targetGUID="{G["case1"]}"/></Coding>
        </PlainTextSelection>
        <PlainTextSelection guid="{G["sel3"]}" {span("old library")}/>
      </Representation>
    </PDFSource>
  </Sources>
  <Notes><Note guid="{G["note1"]}"><PlainTextContent>Closed in 2019</PlainTextContent>
  </Note></Notes>
  <Links><Link guid="{G["set"]}" originGUID="{G["note1"]}" targetGUID="{G["sel3"]}"/></Links>
</Project>"""
    path = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Study.qde", xml)
        archive.writestr(f"sources/{G['src1']}.txt", raw)
    target = targets.new("p")
    result = cli("import-qdpx", path, target, "--json")
    report = as_json(result)
    assert report["offsets"] == "codepoints-lf"
    assert "PDFSource 'scan.pdf' imported as the text of its Representation" in result.stderr
    assert _texts_by_code(target) == {"meeting": ["The market hall"]}
    assert _rows(target, "SELECT name, text FROM document") == [("scan.pdf", lf)]
    assert _rows(
        target,
        'SELECT c.name FROM document_case x JOIN "case" c ON c.id = x.case_id',
    ) == [("R01",)]
    assert _rows(
        target,
        'SELECT m.text, substr(d.text, s.start + 1, s."end" - s.start) FROM memo m '
        "JOIN segment s ON s.id = m.segment_id JOIN document d ON d.id = s.document_id",
    ) == [("Closed in 2019", "old library")]
    assert report["codings"] == 1 and report["segments"] == 2

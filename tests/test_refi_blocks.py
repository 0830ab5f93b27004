"""The ``[workbench place]`` and ``[workbench code]`` blocks that carry what REFI-QDA has no
place for: any text (line breaks, semicolons, backslashes, white space at the ends,
characters XML cannot carry) round-trips exactly, through the block functions and through a
whole ``export_qdpx`` → ``import_qdpx``; blocks written before escaping existed still read as
they did; a description without a block imports unchanged.

The round trips through files compare the two projects' tables read with plain SQL.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from tests.backends import on_postgresql
from tests.conftest import Targets, sql_rows
from workbench.coding import codes, places
from workbench.coding.names import PLACE_STATUS_NAMES, check_name, name_key
from workbench.exchange.refi import (
    CODE_MARKER,
    LEGACY_CODE_MARKER,
    LEGACY_PLACE_MARKER,
    PLACE_MARKER,
    code_block,
    escape_value,
    parse_code_block,
    parse_place_block,
    place_block,
    unescape_value,
)
from workbench.exchange.refi.reader import read_refi
from workbench.exchange.refi.writer import export_qdpx
from workbench.project import coders, db
from workbench.project.target import ProjectTarget
from workbench.services.importing import import_qdpx

#: Any character, but NUL on PostgreSQL: its text cannot hold it (a write is refused there).
CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00" if on_postgresql() else "")


def is_name(value: str) -> bool:
    """A place kind the name rule accepts (the rule itself is tested in test_free_names)."""
    try:
        check_name(value)
    except ValueError:
        return False
    return True


TEXT = st.text(CHARACTERS, max_size=40)
#: Text made of the pieces that break naive formats: separators, escapes, line breaks,
#: characters XML cannot carry, and the markers themselves.
HARD = st.lists(
    st.sampled_from(
        ["a", " ", "\t", "\n", "\r", "\r\n", ";", "; ", "\\", "\\n", "\\u0020", ":"]
        + ([] if on_postgresql() else ["\x00"])  # see CHARACTERS
        + ["\x0b", "\x85", "\u2028", "\ufffe", "é", "😀", "key: v"]
        + ["[workbench place]", "\n[workbench place]\n", "\n[workbench code]\n"]
        + [f"\n{PLACE_MARKER}\n", f"\n{CODE_MARKER}\n", "Include: x"]
    ),
    max_size=12,
).map("".join)
ANY = st.one_of(TEXT, HARD)
CODE_TEXT_FIELDS = ("label", "inclusion", "exclusion", "example")
ITEMS = st.lists(
    st.one_of(st.text(CHARACTERS, min_size=1, max_size=20), HARD.filter(bool)), max_size=4
)
COORDINATE = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@given(text=ANY)
def test_escape_value_is_one_line_without_edges_and_reversible(text: str) -> None:
    escaped = escape_value(text)
    assert unescape_value(escaped) == text
    assert escaped.splitlines() in ([], [escaped])
    assert escaped == escaped.strip()
    assert ";" not in escaped.replace("\\\\", "").replace("\\;", "")


@given(
    description=ANY,
    scalars=st.fixed_dictionaries(
        dict.fromkeys(("kind", "status", "neighbourhood", "municipality", "address"), ANY)
    ),
    aliases=ITEMS,
    latitude=COORDINATE,
    longitude=COORDINATE,
)
def test_place_block_round_trips_any_text(
    description: str,
    scalars: dict[str, str],
    aliases: list[str],
    latitude: float | None,
    longitude: float | None,
) -> None:
    fields: dict[str, object] = {
        **scalars,
        "aliases": aliases,
        "latitude": latitude,
        "longitude": longitude,
    }
    parsed = parse_place_block(place_block(description, fields))
    assert parsed is not None
    back_description, back = parsed
    assert back_description == description
    for key, value in scalars.items():
        assert back.get(key, "") == value
    assert back.get("aliases", []) == aliases
    assert back.get("latitude") == latitude and back.get("longitude") == longitude


@given(
    description=ANY,
    scalars=st.fixed_dictionaries(dict.fromkeys(CODE_TEXT_FIELDS, ANY)),
    keywords=ITEMS,
    as_json=st.booleans(),
)
@example(
    description="x\n[workbench code]",
    scalars=dict.fromkeys(CODE_TEXT_FIELDS, ""),
    keywords=[],
    as_json=False,
)
def test_code_block_round_trips_any_text(
    description: str, scalars: dict[str, str], keywords: list[str], as_json: bool
) -> None:
    given_keywords: object = json.dumps(keywords) if as_json else keywords
    text = code_block(description, {**scalars, "keywords": given_keywords})
    back_description, back = parse_code_block(text)
    assert back_description == description
    for key, value in scalars.items():
        assert back.get(key, "") == value
    assert back.get("keywords", []) == keywords
    plain = description == description.strip() and all(
        c == "\n" or c.isprintable() for c in description
    )
    markers = (CODE_MARKER, PLACE_MARKER, LEGACY_CODE_MARKER, LEGACY_PLACE_MARKER)
    if (
        not any(scalars.values())
        and not keywords
        and plain
        and not any(marker in description for marker in markers)
    ):
        assert text == description  # nothing to add: other tools see the description alone


def test_a_block_is_readable_for_other_tools() -> None:
    text = place_block("Het buurthuis.", {"kind": "buurthuis", "address": "Weg 1\nachterom"})
    assert text == (
        "Het buurthuis.\n\nPlace details (workbench):\nKind: buurthuis\nAddress: Weg 1\\nachterom"
    )
    # A semicolon is escaped only inside a list item; a single value keeps it readable.
    fields = {"label": "Sfeer", "inclusion": "host; staff", "keywords": ["a;b", "c"]}
    assert code_block("Gezellig.", fields) == (
        "Gezellig.\n\nCoding rules (workbench):\nLabel: Sfeer\nInclude: host; staff\n"
        "Keywords: a\\;b; c"
    )
    assert parse_code_block(code_block("Gezellig.", fields)) == ("Gezellig.", fields)


def test_legacy_blocks_of_older_exports_still_read() -> None:
    assert parse_code_block("Gezellig.\n\n[workbench code]\nlabel: Sfeer\nkeywords: a\\;b; c") == (
        "Gezellig.",
        {"label": "Sfeer", "keywords": ["a;b", "c"]},
    )
    legacy = "Bieb.\n\n[workbench place]\nformat: 2\nkind: library\naddress: Weg 1\\nachter"
    assert parse_place_block(legacy) == ("Bieb.", {"kind": "library", "address": "Weg 1\nachter"})


def test_old_place_blocks_read_as_they_were_written() -> None:
    """Before escaping (no ``format`` line) a backslash was itself and ``;`` split aliases."""
    old = (
        "De bieb.\n\n[workbench place]\nkind: library\naddress: C:\\new road\\;x\n"
        "aliases: de bieb; bibliotheek ;  \nlatitude: 51.5\nlongitude: nope"
    )
    assert parse_place_block(old) == (
        "De bieb.",
        {
            "kind": "library",
            "address": "C:\\new road\\;x",
            "latitude": 51.5,
            "longitude": None,
            "aliases": ["de bieb", "bibliotheek"],
        },
    )
    assert parse_place_block(f"{LEGACY_PLACE_MARKER}\nstatus: lost") == ("", {"status": "lost"})


def test_a_description_without_a_block_is_unchanged() -> None:
    for text in ("", "Plain.", "Two lines\nwith a; semicolon and C:\\new", "label: not a block"):
        assert parse_code_block(text) == (text, {})
        assert parse_place_block(text) is None
    # The marker inside a line is not a block.
    inline = f"See {CODE_MARKER} in the manual."
    assert parse_code_block(inline) == (inline, {})


def _rows(path: ProjectTarget, sql: str) -> list[tuple[object, ...]]:
    return sorted(sql_rows(path, sql))


def _round_trip(
    targets: Targets, build: Callable[[Session, int], None], queries: Sequence[str]
) -> tuple[list[list[tuple[object, ...]]], list[list[tuple[object, ...]]], list[str]]:
    """Build a project, export it, import the file into a new one: the rows of ``queries``
    in both projects, and the import's warnings."""
    with tempfile.TemporaryDirectory(prefix="refi-blocks-") as name:
        folder = Path(name)
        source_target, target_target = targets.new("source"), targets.new("target")
        source = db.create_project(source_target)
        try:
            with source.transaction("build", coder="ann") as session:
                build(session, coders.ensure(session, "ann").id)  # type: ignore[arg-type]
            with source.session() as session:
                export_qdpx(session, folder / "out.qdpx")
        finally:
            source.dispose()
        target = db.create_project(target_target)
        try:
            report = import_qdpx(target, folder / "out.qdpx", coder="importer")
        finally:
            target.dispose()
        before = [_rows(source_target, query) for query in queries]
        after = [_rows(target_target, query) for query in queries]
    return before, after, report.warnings


FILE_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    # The examples share the test's ``targets`` (each takes new projects from it).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FILE_SETTINGS
@given(
    kind=ANY.map(str.strip).filter(is_name),
    status=st.sampled_from(PLACE_STATUS_NAMES),
    texts=st.fixed_dictionaries(
        dict.fromkeys(("neighbourhood", "municipality", "address", "description"), ANY)
    ),
    aliases=st.lists(ANY.map(str.strip).filter(is_name), max_size=4, unique_by=name_key),
    point=st.one_of(
        st.none(),
        st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    ),
)
def test_place_fields_round_trip_through_a_qdpx(
    targets: Targets,
    kind: str,
    status: str,
    texts: dict[str, str],
    aliases: list[str],
    point: tuple[float, float] | None,
) -> None:
    def build(session: object, coder_id: int) -> None:
        places.add_place(
            session,  # type: ignore[arg-type]
            "Plek",
            kind=kind,
            status=status,
            aliases=[a for a in aliases if a.split()],
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            coder_id=coder_id,
            **texts,
        )

    before, after, warnings = _round_trip(
        targets,
        build,
        [
            "SELECT name, kind, status, neighbourhood, municipality, address, latitude, "
            "longitude, description, guid FROM place",
            "SELECT p.name, a.alias FROM place_alias a JOIN place p ON p.id = a.place_id",
        ],
    )
    assert after == before
    assert len(before[0]) == 1 and before[0][0][1] == kind
    assert [w for w in warnings if not w.startswith("place kind ")] == []


@FILE_SETTINGS
@given(
    description=ANY,
    texts=st.fixed_dictionaries(dict.fromkeys(CODE_TEXT_FIELDS, ANY)),
    keywords=ITEMS,
)
def test_code_fields_round_trip_through_a_qdpx(
    targets: Targets, description: str, texts: dict[str, str], keywords: list[str]
) -> None:
    def build(session: object, coder_id: int) -> None:
        codes.add_code(session, "code", coder_id=coder_id)  # type: ignore[arg-type]
        codes.update_code(
            session,  # type: ignore[arg-type]
            "code",
            description=description,
            keywords=keywords,
            **texts,
        )

    before, after, _warnings = _round_trip(
        targets,
        build,
        [
            "SELECT name, description, label, inclusion, exclusion, example, keywords, guid "
            "FROM code"
        ],
    )
    assert after == before
    [(name, stored_description, *stored, stored_keywords, _guid)] = after[0]
    assert (name, stored_description) == ("code", description)
    assert dict(zip(CODE_TEXT_FIELDS, stored, strict=True)) == texts
    assert json.loads(stored_keywords) == keywords


def test_a_code_description_from_another_tool_imports_unchanged(
    tmp_path: Path, targets: Targets
) -> None:
    """No block: the description is the code's, and label, criteria and keywords stay empty."""
    description = "Being made welcome; see C:\\notes.\nSecond line: [workbench] not a block."
    path = tmp_path / "other.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Other tool"><Codes>'
        '<Code guid="6f1b8f0e-8a64-4b4e-9d7b-3f3a4c2d1e0f" name="welcome" isCodable="true">'
        f"<Description>{description}</Description></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    [code] = read_refi(path).codes
    assert (code.description, code.fields) == (description, {})
    target = targets.new("p")
    project = db.create_project(target)
    try:
        import_qdpx(project, path, coder="importer")
    finally:
        project.dispose()
    assert _rows(
        target,
        "SELECT description, label, inclusion, exclusion, example, keywords FROM code",
    ) == [(description, "", "", "", "", "[]")]

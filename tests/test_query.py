"""The fragment query language: a table of queries checked against a brute-force evaluation.

The project is the demo (seven interviews, two coders, places of every status, cases with
attributes). For every query the expected segments come from a Python predicate over plain
rows read from the tables, written here independently of the SQL compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.backends import Backend, Template
from tests.conftest import Targets
from workbench.analysis.fragments import find_fragments
from workbench.analysis.query import (
    And,
    CodeTerm,
    FieldTerm,
    Not,
    Or,
    Overlaps,
    QueryError,
    compile_query,
    parse,
)
from workbench.coding import segments
from workbench.project import coders, db
from workbench.project.models import Document, Turn
from workbench.project.target import ProjectTarget


@dataclass
class Seg:
    """A segment as plain data, for the brute force."""

    id: int
    doc: str
    start: int
    end: int
    codes: set[str] = field(default_factory=set)
    coders: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)
    attrs: dict[str, set[str]] = field(default_factory=dict)
    speaker: str | None = None


@pytest.fixture(scope="module")
def demo_file(
    backend: Backend, demo_template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Template:
    """The demo with the edge cases below, made once for the module."""
    return backend.template(
        "query-demo", tmp_path_factory.mktemp("demo"), add_edge_cases, start=demo_template
    )


def add_edge_cases(path: ProjectTarget) -> None:
    """Segments the demo lacks: one starting between two turns, and touching segments."""
    project = db.open_project(path)
    try:
        with project.transaction("edge cases") as session:
            coder = coders.ensure(session, "tester").id
            doc = session.exec(select(Document).where(Document.name == "interview-02-lindenholt"))
            document = doc.one()
            turns = session.exec(
                select(Turn).where(Turn.document_id == document.id).order_by(Turn.start)
            ).all()
            first, second = turns[1], turns[2]
            assert first.end < second.start  # a gap (the line break) between the turns
            # Starts in the gap, ends inside the next turn: the speaker is the next turn's.
            segments.code_span(
                session, document.name, first.end, second.start + 5, ["welcome"], coder_id=coder
            )
            # Two segments that touch (end == start) but do not overlap, and one that overlaps
            # the second by one character.
            a, b = second.text_start, second.text_start + 10
            segments.code_span(session, document.name, a, b, ["routine"], coder_id=coder)
            segments.code_span(session, document.name, b, b + 10, ["affordability"], coder_id=coder)
            segments.code_span(session, document.name, b + 9, b + 20, ["welcome"], coder_id=coder)
    finally:
        project.dispose()


@pytest.fixture
def demo(demo_file: Template, targets: Targets) -> db.Project:
    project = db.open_project(targets.copy(demo_file, "demo"))
    yield project
    project.dispose()


def load(project: db.Project) -> tuple[dict[int, Seg], dict[str, str]]:
    """Every segment with its properties, from raw rows; and the document texts."""
    with project.engine.connect() as c:
        docs = dict(c.execute(sa.text("SELECT id, name FROM document")).all())
        texts = dict(c.execute(sa.text("SELECT name, text FROM document")).all())
        segs = {
            i: Seg(i, docs[d], s, e)
            for i, d, s, e in c.execute(
                sa.text('SELECT id, document_id, start, "end" FROM segment')
            )
        }
        for sid, code, coder in c.execute(
            sa.text(
                "SELECT segment_id, code.name, coder.name FROM coding "
                "JOIN code ON code.id = code_id JOIN coder ON coder.id = coding.coder_id"
            )
        ):
            segs[sid].codes.add(code)
            segs[sid].coders.add(coder)
        for sid, name, kind, status in c.execute(
            sa.text(
                "SELECT segment_id, name, kind, status FROM segment_place "
                "JOIN place ON place.id = place_id"
            )
        ):
            segs[sid].places.add(name)
            segs[sid].kinds.add(kind)
            segs[sid].statuses.add(status)
        doc_cases: dict[str, set[str]] = {}
        for d, case in c.execute(
            sa.text(
                'SELECT document_id, "case".name FROM document_case '
                'JOIN "case" ON "case".id = case_id'
            )
        ):
            doc_cases.setdefault(docs[d], set()).add(case)
        case_attrs: dict[str, dict[str, set[str]]] = {}
        for case, var, value in c.execute(
            sa.text(
                'SELECT "case".name, variable.name, value FROM case_value '
                'JOIN "case" ON "case".id = case_id JOIN variable ON variable.id = variable_id'
            )
        ):
            case_attrs.setdefault(case, {}).setdefault(var, set()).add(value)
        turns: dict[str, list[tuple[int, int, str | None]]] = {}
        for d, s, e, speaker in c.execute(
            sa.text('SELECT document_id, start, "end", speaker FROM turn ORDER BY start')
        ):
            turns.setdefault(docs[d], []).append((s, e, speaker))
    for seg in segs.values():
        seg.cases = doc_cases.get(seg.doc, set())
        for case in seg.cases:
            for var, values in case_attrs.get(case, {}).items():
                seg.attrs.setdefault(var, set()).update(values)
        seg.speaker = speaker_brute(turns.get(seg.doc, []), seg.start, seg.end)
    return segs, texts


def speaker_brute(turns: list[tuple[int, int, str | None]], start: int, end: int) -> str | None:
    """The documented rule: the turn holding the first character, else the first turn
    beginning inside the segment."""
    for s, e, speaker in turns:
        if s <= start < e:
            return speaker
    for s, _e, speaker in turns:
        if start < s < end:
            return speaker
    return None


def overlaps(segs: dict[int, Seg], left: Callable[[Seg], bool], right: Callable[[Seg], bool]):
    def predicate(s: Seg) -> bool:
        return left(s) and any(
            right(t) and t.doc == s.doc and s.start < t.end and t.start < s.end
            for t in segs.values()
        )

    return predicate


def has(code: str) -> Callable[[Seg], bool]:
    return lambda s: code in s.codes


# (query, predicate factory over all segments). Code names are the demo's English names.
VALID: list[tuple[str, Callable[[dict[int, Seg]], Callable[[Seg], bool]]]] = [
    ("welcome", lambda S: has("welcome")),
    ("WELCOME", lambda S: has("welcome")),  # any letter case when unambiguous
    ('"host role"', lambda S: has("host role")),
    ('"lost place"', lambda S: has("lost place")),
    ("welcome & routine", lambda S: lambda s: {"welcome", "routine"} <= s.codes),
    ("welcome | routine", lambda S: lambda s: bool({"welcome", "routine"} & s.codes)),
    ("!welcome", lambda S: lambda s: "welcome" not in s.codes),
    ("!!welcome", lambda S: has("welcome")),
    ("welcome & !routine", lambda S: lambda s: "welcome" in s.codes and "routine" not in s.codes),
    (
        '(welcome | "host role") & place:"Huiskamer De Klaproos"',
        lambda S: (
            lambda s: (
                bool({"welcome", "host role"} & s.codes) and "Huiskamer De Klaproos" in s.places
            )
        ),
    ),
    (
        "welcome | routine & affordability",  # & binds tighter than |
        lambda S: lambda s: "welcome" in s.codes or {"routine", "affordability"} <= s.codes,
    ),
    (
        "(welcome | routine) & affordability",
        lambda S: lambda s: bool({"welcome", "routine"} & s.codes) and "affordability" in s.codes,
    ),
    (
        "!(welcome | routine)",
        lambda S: lambda s: not ({"welcome", "routine"} & s.codes),
    ),
    ('place:"de bieb"', lambda S: lambda s: "Bibliotheek Hatert" in s.places),  # an alias
    ("kind:library", lambda S: lambda s: "library" in s.kinds),
    (
        "kind:cafe_pub & status:missed",
        lambda S: lambda s: "cafe_pub" in s.kinds and "missed" in s.statuses,
    ),
    ("status:lost", lambda S: lambda s: "lost" in s.statuses),
    ("status:lost | status:missed", lambda S: lambda s: bool({"lost", "missed"} & s.statuses)),
    ("case:R02", lambda S: lambda s: "R02" in s.cases),
    ("doc:interview-03-bemmel", lambda S: lambda s: s.doc == "interview-03-bemmel"),
    ("coder:bram", lambda S: lambda s: "bram" in s.coders),
    ("coder:anouk & coder:bram", lambda S: lambda s: {"anouk", "bram"} <= s.coders),
    ("speaker:R", lambda S: lambda s: (s.speaker or "").lower() == "r"),
    ("speaker:bewoner", lambda S: lambda s: (s.speaker or "").lower() == "bewoner"),
    ("attr:wijk=Hatert", lambda S: lambda s: "Hatert" in s.attrs.get("wijk", set())),
    ("attr:jaren_in_wijk=041", lambda S: lambda s: "41" in s.attrs.get("jaren_in_wijk", set())),
    ("attr:alleenwonend=ja", lambda S: lambda s: "true" in s.attrs.get("alleenwonend", set())),
    (
        'attr:leeftijdsgroep="75+" & !welcome',
        lambda S: (
            lambda s: "75+" in s.attrs.get("leeftijdsgroep", set()) and "welcome" not in s.codes
        ),
    ),
    ("welcome overlaps routine", lambda S: overlaps(S, has("welcome"), has("routine"))),
    ("routine overlaps affordability", lambda S: overlaps(S, has("routine"), has("affordability"))),
    ("affordability overlaps welcome", lambda S: overlaps(S, has("affordability"), has("welcome"))),
    (
        '"lost place" overlaps (routine | welcome)',
        lambda S: overlaps(S, has("lost place"), lambda t: bool({"routine", "welcome"} & t.codes)),
    ),
    (
        "!welcome overlaps coder:bram",  # ! binds tighter than overlaps
        lambda S: overlaps(S, lambda s: "welcome" not in s.codes, lambda t: "bram" in t.coders),
    ),
    (
        "(welcome overlaps routine) & case:R01 | status:wished",
        lambda S: (
            lambda s: (
                (overlaps(S, has("welcome"), has("routine"))(s) and "R01" in s.cases)
                or "wished" in s.statuses
            )
        ),
    ),
    (
        "welcome overlaps routine overlaps affordability",  # left-associative
        lambda S: overlaps(S, overlaps(S, has("welcome"), has("routine")), has("affordability")),
    ),
]

# (query, the 1-based column of the error, a word the message must contain)
MALFORMED: list[tuple[str, int, str]] = [
    ("", 1, "empty"),
    ("welcome &", 10, "expected"),
    ("& welcome", 1, "expected"),
    ("welcome routine", 9, "expected '&'"),
    ("(welcome | routine", 19, "')'"),
    ("welcome)", 8, "no matching"),
    ("()", 2, "empty parentheses"),
    ('"host role', 1, "never closed"),
    ("welcome & #stigma", 11, "unexpected character"),
    ("colour:red", 1, "unknown field"),
    ("place:", 7, "value"),
    ("attr:wijk", 10, "'='"),
    ("attr:wijk=", 11, "value"),
    ("overlaps welcome", 1, "overlaps"),
    ("welcome overlaps", 17, "expected"),
    ("welkom & routine", 1, 'no code called "welkom"'),
    ("routine & welkom", 11, 'did you mean "welcome"'),
    ('place:"Nergens"', 7, "no place"),
    ("place:Kanaalpad-Lindenholt", 7, 'did you mean "Kanaalpad Lindenholt"'),
    ("kind:castle", 6, "no place kind"),
    ("status:gone", 8, "no place status"),
    ("case:R99", 6, "no case"),
    ("doc:nope", 5, "no document"),
    ("coder:carla", 7, "no coder"),
    ("speaker:Q", 9, "no speaker"),
    ("attr:wijkje=Hatert", 6, "no attribute"),
    ("attr:jaren_in_wijk=veel", 20, "not a valid integer"),
    ("host.role", 5, "double quotes"),
]


def test_table_is_large_enough() -> None:
    assert len(VALID) >= 25
    assert len(MALFORMED) >= 25


@pytest.mark.parametrize(("query", "make"), VALID, ids=[q for q, _ in VALID])
def test_query_matches_brute_force(demo: db.Project, query: str, make) -> None:
    segs, texts = load(demo)
    predicate = make(segs)
    expected = sorted(s.id for s in segs.values() if predicate(s))
    with demo.session() as session:
        found = find_fragments(session, query)
    assert sorted(f.segment for f in found) == expected
    # Fragments carry the right text, lines and speaker (independent computation).
    for fragment in found:
        seg = segs[fragment.segment]
        text = texts[seg.doc]
        assert fragment.text == text[seg.start : seg.end]
        assert fragment.line_start == len(text[: seg.start].split("\n"))
        assert fragment.line_end == len(text[: seg.end - 1].split("\n")) if seg.end > 0 else 1
        assert fragment.speaker == seg.speaker
        assert set(fragment.codes) == seg.codes
        assert set(fragment.places) == seg.places


def test_queries_select_something(demo: db.Project) -> None:
    """Guard against a table of vacuous queries: most select a proper, non-empty subset."""
    segs, _ = load(demo)
    sizes = [sum(make(segs)(s) for s in segs.values()) for _, make in VALID]
    proper = [n for n in sizes if 0 < n < len(segs)]
    assert len(proper) >= 22, sizes


@pytest.mark.parametrize(("query", "column", "words"), MALFORMED, ids=[q for q, _, _ in MALFORMED])
def test_bad_query_names_the_column(demo: db.Project, query: str, column: int, words: str) -> None:
    with demo.session() as session, pytest.raises(QueryError) as info:
        compile_query(session, query)
    error = info.value
    assert error.column == column, str(error)
    assert words in str(error)
    assert f"column {column}" in str(error)
    assert "\n" not in str(error)
    assert error.pointer().splitlines()[1] == " " * (column - 1) + "^"


def test_empty_query_is_an_error_for_parse_but_all_for_fragments(demo: db.Project) -> None:
    with pytest.raises(QueryError):
        parse("")
    segs, _ = load(demo)
    with demo.session() as session:
        assert len(find_fragments(session, None)) == len(segs)


def test_tree_shapes_and_precedence() -> None:
    tree = parse('a | b & !c overlaps "d e"')
    assert tree == Or(
        CodeTerm("a", 1),
        And(CodeTerm("b", 5), Overlaps(Not(CodeTerm("c", 10)), CodeTerm("d e", 21))),
    )
    assert parse('attr:"age group"="65+"') == FieldTerm("attr", "65+", 1, 18, key="age group")
    assert parse('place:"De Klup"') == FieldTerm("place", "De Klup", 1, 7)
    assert parse(r'"say \"hi\""') == CodeTerm('say "hi"', 1)


@pytest.mark.parametrize(
    "query",
    [q for q, _ in VALID] + ['"a \\" b"', "a & (b | c) & !(d overlaps e)", '"overlaps"'],
)
def test_printing_a_tree_gives_the_same_tree(query: str) -> None:
    tree = parse(query)
    again = parse(str(tree))
    assert _shape(again) == _shape(tree)


def _shape(node):  # the tree without columns
    if isinstance(node, CodeTerm):
        return ("code", node.name)
    if isinstance(node, FieldTerm):
        return (node.field, node.key, node.value)
    if isinstance(node, Not):
        return ("not", _shape(node.operand))
    return (type(node).__name__, _shape(node.left), _shape(node.right))


def test_coder_filter_and_rollup(demo: db.Project) -> None:
    segs, _ = load(demo)
    with demo.engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT segment_id, code.name, coder.name FROM coding JOIN code ON code.id = "
                "code_id JOIN coder ON coder.id = coding.coder_id"
            )
        ).all()
        parents = dict(
            c.execute(
                sa.text("SELECT c.name, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id")
            ).all()
        )
    by_bram = {sid for sid, code, coder in rows if coder == "bram" and code == "welcome"}
    with demo.session() as session:
        found = find_fragments(session, "welcome", coder="bram")
        assert {f.segment for f in found} == by_bram
        assert all(f.coders == ["bram"] for f in found)

        def under(code: str, ancestor: str) -> bool:
            while code is not None:
                if code == ancestor:
                    return True
                code = parents.get(code)
            return False

        expected = {sid for sid, code, _ in rows if under(code, "being welcome")}
        rolled = find_fragments(session, '"being welcome"', rollup=True)
        assert {f.segment for f in rolled} == expected
        assert len(expected) > len({s for s, c, _ in rows if c == "being welcome"})

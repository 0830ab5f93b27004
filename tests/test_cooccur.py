"""Co-occurrence and matrices against a brute-force count written separately here.

The property test builds random projects (documents, turns, sentences and paragraphs as
random character ranges, a small code tree, several coders, random segments, codings, place
links, cases with attributes) and checks every scope of
:func:`workbench.analysis.cooccurrence.cooccur`, both kinds of
:func:`workbench.analysis.cooccurrence.matrix`, and the segments behind cells, with and without
rollup and filters, against plain loops over sets of character offsets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel

from tests.conftest import Targets, as_json
from workbench.analysis import cooccurrence
from workbench.analysis.cooccurrence import Filters
from workbench.coding import codes as code_ops
from workbench.coding import places as place_ops
from workbench.coding import segments as segment_ops
from workbench.errors import InvalidValue, NotFound
from workbench.project import db
from workbench.project.models import (
    Case,
    CaseValue,
    Code,
    Coder,
    Coding,
    Document,
    DocumentCase,
    Paragraph,
    Place,
    Segment,
    SegmentPlace,
    Sentence,
    Turn,
    Variable,
)
from workbench.project.target import ProjectTarget

# --- the random world ----------------------------------------------------------------------

# A small code tree; names are chosen so that name order differs from id order.
CODE_TREE: list[tuple[str, str | None]] = [
    ("zorg", None),  # 1
    ("buren", "zorg"),  # 2
    ("angst", "buren"),  # 3 (grandchild of zorg)
    ("welkom", None),  # 4
    ("Eten", "welkom"),  # 5
    ("los", None),  # 6
]
CODERS = ["ann", "bo", "cy"]
PLACES = ["Bieb", "De Klup", "park"]
UNIT_KINDS = ("turn", "sentence", "paragraph")


@dataclass
class World:
    """A random project, as plain Python data."""

    lengths: list[int]
    units: dict[str, list[list[tuple[int, int]]]]  # kind -> per document -> spans
    segments: list[tuple[int, int, int]]  # (document index, start, end)
    codings: list[tuple[int, int, int]]  # (segment index, code index, coder index)
    links: list[tuple[int, int]]  # (segment index, place index)
    case_docs: list[list[int]]  # per case: document indexes
    case_ages: list[int | None]  # per case: integer attribute "age" (or none)
    case_areas: list[str | None]  # per case: text attribute "area" (or none)


@st.composite
def spans(draw: st.DrawFn, length: int, max_count: int) -> list[tuple[int, int]]:
    """Random ranges in ``0..length``: overlapping, nested, empty or long, as may be."""
    count = draw(st.integers(0, max_count))
    result: list[tuple[int, int]] = []
    for _ in range(count):
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start, length))
        result.append((start, end))
    return result


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A random :class:`World`."""
    n_docs = draw(st.integers(1, 3))
    lengths = [draw(st.integers(5, 40)) for _ in range(n_docs)]
    units = {kind: [draw(spans(length, 6)) for length in lengths] for kind in UNIT_KINDS}
    segments: list[tuple[int, int, int]] = []
    for doc, length in enumerate(lengths):
        seen: set[tuple[int, int]] = set()
        for start, end in draw(spans(length, 7)):
            if end > start and (start, end) not in seen:
                seen.add((start, end))
                segments.append((doc, start, end))
    codings: list[tuple[int, int, int]] = []
    for index in range(len(segments)):
        pairs = draw(
            st.sets(
                st.tuples(st.integers(0, len(CODE_TREE) - 1), st.integers(0, len(CODERS) - 1)),
                min_size=1,
                max_size=4,
            )
        )
        codings.extend((index, code, coder) for code, coder in sorted(pairs))
    links = sorted(
        draw(
            st.sets(
                st.tuples(
                    st.integers(0, max(len(segments) - 1, 0)), st.integers(0, len(PLACES) - 1)
                ),
                max_size=2 * len(segments),
            )
        )
        if segments
        else set()
    )
    n_cases = draw(st.integers(0, 3))
    case_docs = [sorted(draw(st.sets(st.integers(0, n_docs - 1)))) for _ in range(n_cases)]
    case_ages = [draw(st.one_of(st.none(), st.sampled_from([30, 45, 9]))) for _ in range(n_cases)]
    case_areas = [
        draw(st.one_of(st.none(), st.sampled_from(["Oost", "West"]))) for _ in range(n_cases)
    ]
    return World(lengths, units, segments, codings, links, case_docs, case_ages, case_areas)


def build(session: Session, world: World) -> None:
    """Store a world in an empty project database (ids: index + 1)."""

    def insert(model: type[SQLModel], rows: list[dict[str, object]]) -> None:
        if rows:
            session.execute(sa.insert(model), rows)

    names = [name for name, _ in CODE_TREE]
    insert(Coder, [{"id": i + 1, "name": name, "guid": name} for i, name in enumerate(CODERS)])
    insert(
        Code,
        [
            {
                "id": i + 1,
                "name": name,
                "parent_id": names.index(parent) + 1 if parent else None,
                "guid": name,
            }
            for i, (name, parent) in enumerate(CODE_TREE)
        ],
    )
    insert(
        Document,
        [
            {"id": i + 1, "name": f"doc{i}", "text": "x" * n, "sha256": str(i), "guid": str(i)}
            for i, n in enumerate(world.lengths)
        ],
    )
    for kind, model in (("turn", Turn), ("sentence", Sentence), ("paragraph", Paragraph)):
        rows: list[dict[str, object]] = []
        for doc, doc_spans in enumerate(world.units[kind]):
            for position, (start, end) in enumerate(doc_spans):
                extra = {"position": position, "text_start": start} if kind == "turn" else {}
                rows.append({"document_id": doc + 1, "start": start, "end": end, **extra})
        insert(model, rows)
    insert(
        Segment,
        [
            {"id": i + 1, "document_id": d + 1, "start": s, "end": e, "coder_id": 1, "guid": str(i)}
            for i, (d, s, e) in enumerate(world.segments)
        ],
    )
    insert(
        Coding,
        [
            {"segment_id": s + 1, "code_id": c + 1, "coder_id": k + 1, "guid": str(i)}
            for i, (s, c, k) in enumerate(world.codings)
        ],
    )
    insert(Place, [{"id": i + 1, "name": n, "guid": n} for i, n in enumerate(PLACES)])
    insert(
        SegmentPlace,
        [{"segment_id": s + 1, "place_id": p + 1, "coder_id": 2} for s, p in world.links],
    )
    insert(
        Variable,
        [
            {"id": 1, "name": "age", "type": "integer", "guid": "age"},
            {"id": 2, "name": "area", "type": "text", "guid": "area"},
        ],
    )
    insert(
        Case,
        [{"id": i + 1, "name": f"case{i}", "guid": str(i)} for i in range(len(world.case_docs))],
    )
    insert(
        DocumentCase,
        [
            {"document_id": d + 1, "case_id": i + 1}
            for i, docs in enumerate(world.case_docs)
            for d in docs
        ],
    )
    values = [(i, 1, str(v)) for i, v in enumerate(world.case_ages) if v is not None]
    values += [(i, 2, v) for i, v in enumerate(world.case_areas) if v is not None]
    insert(CaseValue, [{"case_id": i + 1, "variable_id": var, "value": v} for i, var, v in values])


@pytest.fixture
def memory_session(targets: Targets) -> Iterator[Session]:
    """A session on a fresh database with the project tables (not the migrations:
    ``test_migrations`` proves the migrations build the same schema): in memory on SQLite,
    a new database on PostgreSQL."""
    engine = (
        sa.create_engine("sqlite://")
        if targets.sqlite
        else db.make_engine(db.database_url(targets.new("memory")))
    )
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


# --- the brute force -------------------------------------------------------------------------


@dataclass
class Brute:
    """Plain-loop counting over a world, independent of the SQL."""

    world: World
    rollup: bool
    coder: int | None = None
    docs: set[int] = field(default_factory=set)
    cache: dict[int, set[int]] = field(default_factory=dict)

    def ancestors(self, code: int) -> set[int]:
        """The code itself and, with rollup, its ancestors (by index)."""
        names = [name for name, _ in CODE_TREE]
        found = {code}
        parent = CODE_TREE[code][1]
        while self.rollup and parent is not None:
            found.add(names.index(parent))
            parent = CODE_TREE[names.index(parent)][1]
        return found

    def codes_of(self, seg: int) -> set[int]:
        """Codes (indexes) a segment counts as coded with, after the filters."""
        if not self.cache:
            for s in range(len(self.world.segments)):
                self.cache[s] = set()
            for s, code, coder in self.world.codings:
                if self.world.segments[s][0] in self.docs and self.coder in (None, coder):
                    self.cache[s] |= self.ancestors(code)
        return self.cache[seg]

    def chars(self, seg: int) -> set[int]:
        """The character offsets of a segment."""
        _doc, start, end = self.world.segments[seg]
        return set(range(start, end))

    def coded(self, code: int) -> list[int]:
        """Segments coded ``code``."""
        return [s for s in range(len(self.world.segments)) if code in self.codes_of(s)]

    def cooccur(self, scope: str) -> dict[str, object]:
        """The expected ``Cooccurrence.to_dict()``."""
        names = [name for name, _ in CODE_TREE]
        segs = self.world.segments
        if scope == "overlap":

            def holders(code: int) -> set[object]:
                return set(self.coded(code))

            def n_pair(a: int, b: int) -> int:
                return sum(
                    1
                    for s in self.coded(a)
                    for t in self.coded(b)
                    if segs[s][0] == segs[t][0] and self.chars(s) & self.chars(t)
                )
        else:
            containers: list[tuple[int, set[int]]] = []  # (document, character set)
            if scope == "document":
                containers = [(d, set(range(n))) for d, n in enumerate(self.world.lengths)]
            else:
                for d, doc_spans in enumerate(self.world.units[scope]):
                    containers += [(d, set(range(s, e))) for s, e in doc_spans]

            def holders(code: int) -> set[object]:
                return {
                    i
                    for i, (d, chars) in enumerate(containers)
                    if any(segs[s][0] == d and self.chars(s) & chars for s in self.coded(code))
                }

            def n_pair(a: int, b: int) -> int:
                return len(holders(a) & holders(b))

        singles = {code: len(holders(code)) for code in range(len(names))}
        pairs = []
        for a, b in itertools.combinations(range(len(names)), 2):
            n = n_pair(a, b)
            if n:
                denominator = singles[a] + singles[b] - n
                c = n / denominator if denominator > 0 else None
                lo, hi = sorted((names[a], names[b]))
                pairs.append({"a": lo, "b": hi, "n": n, "c": c})
        return {
            "scope": scope,
            "codes": [
                {"code": names[i], "n": singles[i]} for i in sorted(singles, key=names.__getitem__)
            ],
            "pairs": sorted(pairs, key=lambda p: (p["a"], p["b"])),
        }

    def column_sets(self, cols: str) -> tuple[list[str], list[set[int]]]:
        """Column labels and, per column, the segments in it."""
        segs = range(len(self.world.segments))
        if cols == "place":
            return PLACES, [
                {s for s, p in self.world.links if p == place} for place in range(len(PLACES))
            ]
        values_of = self.world.case_ages if cols == "attr:age" else self.world.case_areas
        labels = sorted({v for v in values_of if v is not None})  # ints sort numerically
        sets = []
        for value in labels:
            docs = {
                d
                for i, docs in enumerate(self.world.case_docs)
                if values_of[i] == value
                for d in docs
            }
            sets.append({s for s in segs if self.world.segments[s][0] in docs})
        return [str(v) for v in labels], sets

    def matrix(self, cols: str) -> dict[str, object]:
        """The expected ``Matrix.to_dict()``."""
        order = sorted(range(len(CODE_TREE)), key=lambda i: CODE_TREE[i][0])
        labels, sets = self.column_sets(cols)
        coded = {code: set(self.coded(code)) for code in order}
        anywhere = set().union(*sets) if sets else set()
        return {
            "rows": [CODE_TREE[i][0] for i in order],
            "cols": labels,
            "cells": [[len(coded[i] & column) for column in sets] for i in order],
            "row_totals": [len(coded[i] & anywhere) for i in order],
            "col_totals": [len(column & set().union(*coded.values())) for column in sets],
            "total": len(anywhere & set().union(*coded.values())),
        }

    def cell_segments(self, scope: str, a: int, b: int) -> set[int]:
        """Segments behind one co-occurrence cell (as :func:`cooccur_segments` defines them)."""
        segs = self.world.segments
        if a == b:
            return set(self.coded(a))
        ca, cb = set(self.coded(a)), set(self.coded(b))
        if scope == "overlap":
            found = set()
            for s in ca | cb:
                others = cb if s in ca else set()
                others2 = ca if s in cb else set()
                for t in others | others2:
                    if segs[s][0] == segs[t][0] and self.chars(s) & self.chars(t):
                        if (s in ca and t in cb) or (s in cb and t in ca):
                            found.add(s)
            return found
        if scope == "document":
            both = {segs[s][0] for s in ca} & {segs[s][0] for s in cb}
            return {s for s in ca | cb if segs[s][0] in both}
        found = set()
        for d, doc_spans in enumerate(self.world.units[scope]):
            for start, end in doc_spans:
                chars = set(range(start, end))
                hit_a = {s for s in ca if segs[s][0] == d and self.chars(s) & chars}
                hit_b = {s for s in cb if segs[s][0] == d and self.chars(s) & chars}
                if hit_a and hit_b:
                    found |= hit_a | hit_b
        return found


# --- the property test -----------------------------------------------------------------------


@st.composite
def filter_choices(draw: st.DrawFn, world: World) -> tuple[Filters, int | None, set[int]]:
    """Random filters, with the coder index and document set they mean."""
    docs = set(range(len(world.lengths)))
    filters = Filters()
    coder = None
    if draw(st.booleans()):
        coder = draw(st.integers(0, len(CODERS) - 1))
        filters.coder = CODERS[coder]
    kind = draw(st.sampled_from(["none", "documents", "cases", "attrs"]))
    if kind == "documents":
        chosen = sorted(draw(st.sets(st.sampled_from(sorted(docs)), min_size=1)))
        filters.documents = [f"doc{d}" for d in chosen]
        docs = set(chosen)
    elif kind == "cases" and world.case_docs:
        chosen = sorted(draw(st.sets(st.integers(0, len(world.case_docs) - 1), min_size=1)))
        filters.cases = [f"case{c}" for c in chosen]
        docs = {d for c in chosen for d in world.case_docs[c]}
    elif kind == "attrs":
        age = draw(st.sampled_from([30, 45, 9]))
        area = draw(st.one_of(st.none(), st.sampled_from(["Oost", "West"])))
        # "045" is given on purpose: values are compared in their canonical integer form.
        filters.attrs = [("age", f"0{age}")]
        docs = {d for i, ds in enumerate(world.case_docs) if world.case_ages[i] == age for d in ds}
        if area is not None:
            filters.attrs.append(("area", area))
            docs &= {
                d for i, ds in enumerate(world.case_docs) if world.case_areas[i] == area for d in ds
            }
    return filters, coder, docs


def _normalised(result: dict[str, object]) -> dict[str, object]:
    """c to 12 digits, so that float division order cannot make equal counts differ."""
    pairs = [
        {**p, "c": None if p["c"] is None else round(p["c"], 12)}  # type: ignore[index]
        for p in result["pairs"]  # type: ignore[attr-defined]
    ]
    return {**result, "pairs": pairs}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), data=st.data(), rollup=st.booleans())
def test_counts_match_brute_force(
    memory_session: Session, world: World, data: st.DataObject, rollup: bool
) -> None:
    """Every scope, both matrices and the cell segments equal the brute-force counts."""
    session = memory_session
    session.rollback()
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(table.delete())
    build(session, world)
    filters, coder, docs = data.draw(filter_choices(world))
    brute = Brute(world, rollup=rollup, coder=coder, docs=docs)
    seg_ids = list(
        session.execute(sa.select(Segment.id).order_by(Segment.id)).scalars()  # type: ignore[arg-type]
    )
    for scope in cooccurrence.SCOPES:
        expected_counts = _normalised(brute.cooccur(scope))
        for method in ("bitsets", "pairs") if scope != "overlap" else ("auto",):
            cooccurrence.PAIR_METHOD = method  # both exact ways of counting pairs
            try:
                got = cooccurrence.cooccur(session, scope=scope, filters=filters, rollup=rollup)
            finally:
                cooccurrence.PAIR_METHOD = "auto"
            assert _normalised(got.to_dict()) == expected_counts, (scope, method)
        a = data.draw(st.integers(0, len(CODE_TREE) - 1), label=f"a ({scope})")
        b = data.draw(st.integers(0, len(CODE_TREE) - 1), label=f"b ({scope})")
        behind = cooccurrence.cooccur_segments(
            session, CODE_TREE[a][0], CODE_TREE[b][0], scope=scope, filters=filters, rollup=rollup
        )
        expected = {seg_ids[s] for s in brute.cell_segments(scope, a, b)}
        assert set(behind) == expected and len(behind) == len(expected), scope
        positions = [world.segments[seg_ids.index(i)] for i in behind]
        assert positions == sorted(positions)  # by document (doc0 < doc1 < doc2), then start
    for cols in ("place", "attr:age", "attr:area"):
        got_matrix = cooccurrence.matrix(session, cols=cols, filters=filters, rollup=rollup)
        assert got_matrix.to_dict() == brute.matrix(cols), cols
        if got_matrix.cols:
            code = data.draw(st.integers(0, len(CODE_TREE) - 1), label=f"row ({cols})")
            j = data.draw(st.integers(0, len(got_matrix.cols) - 1), label=f"col ({cols})")
            behind = cooccurrence.matrix_segments(
                session,
                CODE_TREE[code][0],
                got_matrix.cols[j],
                cols=cols,
                filters=filters,
                rollup=rollup,
            )
            _labels, sets = brute.column_sets(cols)
            expected = {seg_ids[s] for s in set(brute.coded(code)) & sets[j]}
            assert set(behind) == expected and len(behind) == len(expected)


def test_a_project_without_codes(memory_session: Session) -> None:
    """No codes, no documents: every code list, pair list and matrix is empty."""
    for scope in cooccurrence.SCOPES:
        assert cooccurrence.cooccur(memory_session, scope=scope).to_dict() == {
            "scope": scope,
            "codes": [],
            "pairs": [],
        }
    memory_session.add(Place(name="Bieb", guid="p"))
    memory_session.flush()
    assert cooccurrence.matrix(memory_session, cols="place").to_dict() == {
        "rows": [],
        "cols": ["Bieb"],
        "cells": [],
        "row_totals": [],
        "col_totals": [0],
        "total": 0,
    }


# --- examples counted on paper -----------------------------------------------------------------


@pytest.fixture
def paper(project, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A project with one imported document and hand-placed segments (see each test)."""
    from workbench.services import importing as import_service

    text = (
        "Interviewer: Where do you go?\n"
        "Resident: To the library. It is warm there. The staff know me.\n"
        "Interviewer: And the park?\n"
        "Resident: The park is gone now. I miss it.\n"
    )
    source = tmp_path / "one.txt"
    source.write_text(text, encoding="utf-8")
    import_service.import_files(
        project, [source], language="en", case="anna", attributes=["age=70"]
    )
    with project.transaction("codes", coder="ann") as session:
        for name in ("A", "B", "C"):
            code_ops.add_code(session, name)
    return project, text


def _code(project, start: int, end: int, *codes: str, coder: str = "ann", places=()):  # type: ignore[no-untyped-def]
    with project.transaction("code", coder=coder) as session:
        from workbench.project.coders import ensure

        return segment_ops.code_span(
            session,
            "one",
            start,
            end,
            list(codes),
            places=list(places),
            coder_id=ensure(session, coder).id,
        ).segment


def test_overlap_c_above_one(paper) -> None:  # type: ignore[no-untyped-def]
    """c > 1 in ``overlap``: A = {s1, s2}, B = {s3, s4} in the resident's first line.

    s1 overlaps s3 and s4; s2 overlaps s4 only. Ordered pairs (s coded A, t coded B) that
    overlap: (s1,s3) (s1,s4) (s2,s4) = 3. c = 3 / (2 + 2 - 3) = 3.0, marked.
    """
    project, text = paper
    base = text.index("To the library")
    _code(project, base, base + 10, "A")  # s1
    _code(project, base + 20, base + 25, "A")  # s2
    _code(project, base + 4, base + 14, "B")  # s3
    _code(project, base + 8, base + 30, "B")  # s4
    with project.session() as session:
        result = cooccurrence.cooccur(session, scope="overlap", codes=["A", "B"])
    assert result.to_dict() == {
        "scope": "overlap",
        "codes": [{"code": "A", "n": 2}, {"code": "B", "n": 2}],
        "pairs": [{"a": "A", "b": "B", "n": 3, "c": 3.0}],
    }
    assert result.pairs[0].marked


def test_overlap_many_to_many_leaves_c_undefined(paper) -> None:  # type: ignore[no-untyped-def]
    """s1 = A, s2 = A, s3 = B, s4 = A+B, all overlapping each other.

    n(A) = 3 (s1, s2, s4), n(B) = 2 (s3, s4). Ordered pairs (s coded A, t coded B):
    (s1,s3) (s1,s4) (s2,s3) (s2,s4) (s4,s3) (s4,s4) = 6, the pair (s4, s4) once.
    c = 6 / (3 + 2 - 6): the denominator is negative, so c is None (JSON null), marked.
    """
    project, text = paper
    base = text.index("To the library")
    _code(project, base, base + 10, "A")
    _code(project, base + 2, base + 12, "A")
    _code(project, base + 4, base + 14, "B")
    _code(project, base + 6, base + 16, "A", "B")
    with project.session() as session:
        result = cooccurrence.cooccur(session, scope="overlap", codes=["A", "B"])
        behind = cooccurrence.cooccur_segments(session, "A", "B", scope="overlap")
    assert result.to_dict()["codes"] == [{"code": "A", "n": 3}, {"code": "B", "n": 2}]
    assert [(p.a, p.b, p.n, p.c, p.marked) for p in result.pairs] == [("A", "B", 6, None, True)]
    assert len(behind) == 4


def test_units_documents_and_one_segment_with_two_codes(paper) -> None:  # type: ignore[no-untyped-def]
    """Three segments counted on paper in every scope.

    Line 2 (turn 2, a paragraph, three sentences): "To the library." "It is warm there."
    "The staff know me."  s1 = A on "library" (sentence 1), s2 = B on "warm" (sentence 2),
    s3 = A+C on "staff" (sentence 3). Line 4: s4 = B on "park" (turn 4).
    """
    project, text = paper
    spot = {w: text.index(w) for w in ("library", "warm", "staff", "park is")}
    _code(project, spot["library"], spot["library"] + 7, "A")
    _code(project, spot["warm"], spot["warm"] + 4, "B")
    _code(project, spot["staff"], spot["staff"] + 5, "A", "C")
    _code(project, spot["park is"], spot["park is"] + 4, "B")
    with project.session() as session:
        got = {
            scope: cooccurrence.cooccur(session, scope=scope).to_dict()
            for scope in cooccurrence.SCOPES
        }
    n = {scope: {c["code"]: c["n"] for c in got[scope]["codes"]} for scope in got}  # type: ignore[union-attr,index]
    pairs = {
        scope: {(p["a"], p["b"]): (p["n"], p["c"]) for p in got[scope]["pairs"]}  # type: ignore[union-attr,index]
        for scope in got
    }
    assert n["overlap"]["A"] == 2 and n["overlap"]["B"] == 2 and n["overlap"]["C"] == 1
    assert pairs["overlap"] == {("A", "C"): (1, 0.5)}  # s3 is (s3, s3); 1 / (2 + 1 - 1)
    assert n["sentence"] == {**n["sentence"], "A": 2, "B": 2, "C": 1}
    assert pairs["sentence"] == {("A", "C"): (1, 0.5)}
    # one turn and one paragraph (line 2) hold A, B and C; B alone in line 4
    assert n["turn"]["A"] == 1 and n["turn"]["B"] == 2 and n["turn"]["C"] == 1
    assert pairs["turn"] == {("A", "B"): (1, 0.5), ("A", "C"): (1, 1.0), ("B", "C"): (1, 0.5)}
    assert pairs["paragraph"] == pairs["turn"]
    assert pairs["document"] == {("A", "B"): (1, 1.0), ("A", "C"): (1, 1.0), ("B", "C"): (1, 1.0)}
    assert n["document"]["welcome"] == 0  # codes with no segment are listed with n = 0


def test_rollup_counts_a_segment_once_for_the_ancestor(paper) -> None:  # type: ignore[no-untyped-def]
    """A segment coded with two children of P counts once for P; P co-occurs with each child."""
    project, text = paper
    with project.transaction("tree", coder="ann") as session:
        code_ops.add_code(session, "P")
        code_ops.add_code(session, "P1", parent="P")
        code_ops.add_code(session, "P2", parent="P")
    start = text.index("library")
    _code(project, start, start + 7, "P1", "P2")
    _code(project, start, start + 7, "P1", coder="bo")  # a second coder: still one segment
    with project.session() as session:
        plain = cooccurrence.cooccur(session, codes=["P", "P1", "P2"])
        rolled = cooccurrence.cooccur(session, codes=["P", "P1", "P2"], rollup=True)
        only_bo = cooccurrence.cooccur(
            session, codes=["P", "P1", "P2"], rollup=True, filters=Filters(coder="bo")
        )
    assert [(c.code, c.n) for c in plain.codes] == [("P", 0), ("P1", 1), ("P2", 1)]
    assert [(p.a, p.b, p.n) for p in plain.pairs] == [("P1", "P2", 1)]
    assert [(c.code, c.n) for c in rolled.codes] == [("P", 1), ("P1", 1), ("P2", 1)]
    assert [(p.a, p.b, p.n) for p in rolled.pairs] == [
        ("P", "P1", 1),
        ("P", "P2", 1),
        ("P1", "P2", 1),
    ]
    assert [(c.code, c.n) for c in only_bo.codes] == [("P", 1), ("P1", 1), ("P2", 0)]
    assert [(p.a, p.b, p.n) for p in only_bo.pairs] == [("P", "P1", 1)]


def test_matrix_totals_count_distinct_segments(paper) -> None:  # type: ignore[no-untyped-def]
    """One A segment linked to two places: two cells of 1, row total 1."""
    project, text = paper
    with project.transaction("places", coder="ann") as session:
        place_ops.add_place(session, "Library", kind="library")
        place_ops.add_place(session, "Park", kind="park", status="lost")
    start = text.index("library")
    _code(project, start, start + 7, "A", places=["Library", "Park"])
    _code(project, text.index("park is"), text.index("park is") + 4, "B", places=["Park"])
    with project.session() as session:
        result = cooccurrence.matrix(session, cols="place")
        by_age = cooccurrence.matrix(session, cols="attr:age")
    i, j = result.rows.index("A"), result.rows.index("B")
    assert result.cols == ["Library", "Park"]
    assert result.cells[i] == [1, 1] and result.row_totals[i] == 1
    assert result.cells[j] == [0, 1] and result.row_totals[j] == 1
    assert result.col_totals == [1, 2] and result.total == 2
    assert by_age.cols == ["70"] and by_age.cells[i] == [1] and by_age.total == 2


def test_bad_names_and_values(paper) -> None:  # type: ignore[no-untyped-def]
    """Unknown names raise NotFound, bad scopes and values InvalidValue."""
    project, _text = paper
    with project.session() as session:
        with pytest.raises(InvalidValue, match="scope"):
            cooccurrence.cooccur(session, scope="line")
        with pytest.raises(NotFound, match="attribute"):
            cooccurrence.cooccur(session, filters=Filters(attrs=[("shoe", "42")]))
        with pytest.raises(InvalidValue, match="integer"):
            cooccurrence.cooccur(session, filters=Filters(attrs=[("age", "old")]))
        with pytest.raises(NotFound, match="coder"):
            cooccurrence.cooccur(session, filters=Filters(coder="nobody"))
        with pytest.raises(NotFound, match="document"):
            cooccurrence.cooccur(session, filters=Filters(documents=["two"]))
        with pytest.raises(InvalidValue, match="attr:KEY"):
            cooccurrence.matrix(session, cols="attribute")
    with pytest.raises(InvalidValue):
        cooccurrence.parse_attr_filter("age")


# --- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def study(module_targets: Targets) -> tuple[ProjectTarget, str]:
    """A project made through the command line: one document, A = {s1, s2}, B = {s3, s4}
    as in :func:`test_overlap_c_above_one` (c = 3.0 with overlap), s4 linked to a place.
    Shared by the command-line tests, which only read it."""
    from click.testing import CliRunner

    from workbench.cli import main

    runner = CliRunner()

    def cli(*args: object) -> Any:
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result

    folder = module_targets.folder
    text = "Resident: To the library. It is warm there. The staff know me and I like it.\n"
    source = folder / "one.txt"
    source.write_text(text, encoding="utf-8")
    path = module_targets.new()
    cli("init", path, "--language", "en")
    cli("import", path, source, "--case", "anna", "--attr", "age=70")
    base = text.index("To the library")
    for start, end, code in ((0, 10, "A"), (20, 25, "A"), (4, 14, "B"), (8, 30, "B")):
        cli("code", path, "one", base + start, base + end, code, "--new")
    cli("place", "add", path, "Library", "--kind", "library")
    s4 = as_json(cli("code", path, "one", base + 8, base + 30, "B", "--json"))["segment"]
    cli("link", path, s4, "Library")
    return path, text


def test_cli_cooccur_json_csv_and_table(study, cli) -> None:  # type: ignore[no-untyped-def]
    """--json is the contract's shape, --csv one row per pair, the table marks c > 1."""
    path, _text = study
    data = as_json(cli("cooccur", path, "--json"))
    assert data == {
        "scope": "overlap",
        "codes": [{"code": "A", "n": 2}, {"code": "B", "n": 2}],
        "pairs": [{"a": "A", "b": "B", "n": 3, "c": 3.0}],
    }
    by_doc = as_json(cli("cooccur", path, "--scope", "document", "--json"))
    assert by_doc["pairs"] == [{"a": "A", "b": "B", "n": 1, "c": 1.0}]
    assert as_json(cli("cooccur", path, "--attr", "age=71", "--json"))["pairs"] == []
    lines = cli("cooccur", path, "--csv").stdout.splitlines()
    assert lines == ["a,b,n_a,n_b,n,c", "A,B,2,2,3,3.0"]
    shown = cli("cooccur", path).stdout
    assert "3.000 *" in shown
    assert "* c above 1" in shown


def test_cli_matrix_json_and_csv(study, cli) -> None:  # type: ignore[no-untyped-def]
    """The place and attribute matrices with their totals."""
    path, _text = study
    places = as_json(cli("matrix", path, "--cols", "place", "--json"))
    assert places == {
        "rows": ["A", "B"],
        "cols": ["Library"],
        "cells": [[0], [1]],
        "row_totals": [0, 1],
        "col_totals": [1],
        "total": 1,
    }
    lines = cli("matrix", path, "--cols", "attr:age", "--csv").stdout.splitlines()
    assert lines == ["code,70,total", "A,2,2", "B,2,2", "total,4,4"]
    assert "total" in cli("matrix", path).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cooccur", "--scope", "line"), "unknown scope 'line'"),
        (("cooccur", "--attr", "age"), "must look like KEY=VALUE"),
        (("cooccur", "--attr", "shoe=42"), 'no case attribute called "shoe"'),
        (("cooccur", "--attr", "age=old"), "not a valid integer"),
        (("cooccur", "--coder", "nobody"), 'no coder called "nobody"'),
        (("cooccur", "--json", "--csv"), "not both"),
        (("matrix", "--cols", "codes"), "'place' or 'attr:KEY'"),
        (("matrix", "--cols", "attr:shoe"), 'no case attribute called "shoe"'),
    ],
)
def test_cli_bad_options_give_one_line(study, cli, args, message) -> None:  # type: ignore[no-untyped-def]
    """Bad scopes, attributes, coders and columns: one line on stderr, non-zero exit."""
    path, _text = study
    command, *rest = args
    result = cli(command, path, *rest, ok=False)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


# --- unit scopes: how the spans travel, and units as an importer makes them -----------------
#
# cooccurrence._span_rows sends spans packed into integers under bounds guessed from the
# documents' char_count: right for imported documents ("guessed"), wrong (0) in the worlds
# above ("measured": the bounds are measured and the query runs again); when a pack cannot
# fit PACK_LIMIT the rows come one by one ("rows").

SPAN_PATHS = ("guessed", "measured", "rows")


def _count_units(session: Session, world: World, path: str, **kwargs: Any) -> dict[str, Any]:
    """Every unit scope's ``to_dict()`` with the spans sent along ``path``."""
    if path == "guessed":
        for doc, length in enumerate(world.lengths):
            session.execute(
                sa.update(Document).where(Document.id == doc + 1).values(char_count=length)  # type: ignore[arg-type]
            )
    limit = cooccurrence.PACK_LIMIT
    cooccurrence.PACK_LIMIT = 1 if path == "rows" else limit
    try:
        return {
            scope: _normalised(cooccurrence.cooccur(session, scope=scope, **kwargs).to_dict())
            for scope in UNIT_KINDS
        }
    finally:
        cooccurrence.PACK_LIMIT = limit


@st.composite
def tiled(draw: st.DrawFn, length: int) -> list[tuple[int, int]]:
    """Units as an importer makes them: in order, not overlapping, with gaps between some,
    and (from other sources) some empty."""
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=12)))
    units = []
    for start, end in itertools.pairwise([0, *cuts, length]):
        if draw(st.integers(0, 3)):  # else a gap
            units.append((start, end))
    return units


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), data=st.data(), rollup=st.booleans(), path=st.sampled_from(SPAN_PATHS))
def test_unit_scopes_with_tiled_units_and_every_span_path(
    memory_session: Session, world: World, data: st.DataObject, rollup: bool, path: str
) -> None:
    """Turns, sentences and paragraphs that tile the text (with gaps and empty units), along
    every way the spans can travel, equal the brute-force counts."""
    session = memory_session
    session.rollback()
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(table.delete())
    for kind in UNIT_KINDS:
        world.units[kind] = [data.draw(tiled(length), label=kind) for length in world.lengths]
    build(session, world)
    filters, coder, docs = data.draw(filter_choices(world))
    brute = Brute(world, rollup=rollup, coder=coder, docs=docs)
    got = _count_units(session, world, path, filters=filters, rollup=rollup)
    assert got == {scope: _normalised(brute.cooccur(scope)) for scope in UNIT_KINDS}


@pytest.mark.parametrize("path", SPAN_PATHS)
def test_unit_boundaries_counted_on_paper(memory_session: Session, path: str) -> None:
    """Edge cases of the unit scopes, counted by hand.

    doc0 (30 characters) has units [0,10) [10,20) [20,20) (empty) [22,30); 20..22 is a gap.
    welkom [5,10) ends where unit 2 starts: unit 1 only. los [10,11) starts there: unit 2
    only. zorg [8,25) spans units 1, 2 and 4 (and the gap, and the empty unit's offset).
    Eten [20,22) lies in the gap: no unit. doc1 has no units at all: its segment coded
    welkom and los counts for nothing. So n(welkom) = 1, n(los) = 1, n(zorg) = 3, n(Eten) = 0;
    welkom and los never share a unit; (los, zorg) = 1 (unit 2), (welkom, zorg) = 1 (unit 1),
    c = 1 / (1 + 3 - 1) each.
    """
    names = [name for name, _ in CODE_TREE]
    welkom, los, zorg, eten = (names.index(n) for n in ("welkom", "los", "zorg", "Eten"))
    units = [[(0, 10), (10, 20), (20, 20), (22, 30)], []]
    world = World(
        lengths=[30, 12],
        units=dict.fromkeys(UNIT_KINDS, units),
        segments=[(0, 5, 10), (0, 10, 11), (0, 8, 25), (0, 20, 22), (1, 0, 5)],
        codings=[(0, welkom, 0), (1, los, 1), (2, zorg, 2), (3, eten, 0)]
        + [(4, welkom, 0), (4, los, 0)],
        links=[],
        case_docs=[],
        case_ages=[],
        case_areas=[],
    )
    build(memory_session, world)
    expected = {
        "codes": sorted(
            [{"code": n, "n": {"welkom": 1, "los": 1, "zorg": 3}.get(n, 0)} for n in names],
            key=lambda c: c["code"],
        ),
        "pairs": [
            {"a": "los", "b": "zorg", "n": 1, "c": round(1 / 3, 12)},
            {"a": "welkom", "b": "zorg", "n": 1, "c": round(1 / 3, 12)},
        ],
    }
    got = _count_units(memory_session, world, path)
    assert got == {scope: {"scope": scope, **expected} for scope in UNIT_KINDS}
    # with rollup Eten (in the gap) still adds nothing; welkom's other children are absent
    rolled = _count_units(memory_session, world, path, rollup=True)
    assert rolled["sentence"] == got["sentence"]


@pytest.mark.parametrize("path", SPAN_PATHS)
def test_overlapping_and_nested_units_counted_on_paper(memory_session: Session, path: str) -> None:
    """Units that overlap and nest (no importer of ours makes them; other sources may).

    Units U1 [0,10), U2 [2,5) (inside U1), U3 [4,12) (overlaps U1 and U2), U4 [12,20).
    welkom [5,8) shares characters with U1 and U3, not U2 (which ends at 5). los [3,4)
    with U1 and U2, not U3 (which starts at 4). zorg [12,13) with U4 only (U3 ends at 12).
    n(welkom) = 2, n(los) = 2, n(zorg) = 1; (los, welkom) = 1 (U1), c = 1 / (2 + 2 - 1).
    """
    names = [name for name, _ in CODE_TREE]
    welkom, los, zorg = (names.index(n) for n in ("welkom", "los", "zorg"))
    units = [[(0, 10), (2, 5), (4, 12), (12, 20)]]
    world = World(
        lengths=[20],
        units=dict.fromkeys(UNIT_KINDS, units),
        segments=[(0, 5, 8), (0, 3, 4), (0, 12, 13)],
        codings=[(0, welkom, 0), (1, los, 0), (2, zorg, 0)],
        links=[],
        case_docs=[],
        case_ages=[],
        case_areas=[],
    )
    build(memory_session, world)
    counts = {"welkom": 2, "los": 2, "zorg": 1}
    expected = {
        "codes": sorted(
            [{"code": n, "n": counts.get(n, 0)} for n in names], key=lambda c: c["code"]
        ),
        "pairs": [{"a": "los", "b": "welkom", "n": 1, "c": round(1 / 3, 12)}],
    }
    got = _count_units(memory_session, world, path)
    assert got == {scope: {"scope": scope, **expected} for scope in UNIT_KINDS}

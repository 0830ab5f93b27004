"""Co-occurrence of codes and code × place / code × attribute matrices.

These numbers get published, so their meaning is fixed here exactly as DESIGN.md ("The
meaning of the numbers") states it, with every edge case decided and written down.

**Segments coded A.** A segment is *coded A* when it carries a coding with code A (with
``rollup``: with A or any descendant of A). It counts once however many codings give it A: two
coders applying A, or two descendants of A under ``rollup``, still make one segment coded A.

**Filters** (:class:`Filters`) apply before anything is counted:

- ``coder``: only that coder's codings count. A segment coded A by another coder only is not
  coded A. The coder of a place link does not matter (links are not codings).
- ``documents``, ``cases``, ``attrs`` select documents; only segments (and units) of the
  selected documents count. Several documents: any of them; several cases: documents of any
  of them; several attributes: a document must satisfy every one (a document satisfies
  ``KEY=VALUE`` when one of its cases has that value). Different kinds of filter combine
  with *and*. Attribute values are compared in their canonical stored form
  (:func:`workbench.coding.cases.canonical` for the attribute's type: ``age=042`` matches 42).

**Co-occurrence** (:func:`cooccur`), by ``scope``:

- ``overlap``: n(A,B) counts the distinct *ordered* pairs (s, t), s a segment coded A and t a
  segment coded B, in the same document, sharing at least one character
  (``s.start < t.end and t.start < s.end``). A segment carrying both A and B is the pair
  (s, s) and counts once. When s and t *both* carry A and B and overlap, (s, t) and (t, s)
  are two different pairs and both count. n(A) is the number of segments coded A.
- ``turn``, ``sentence``, ``paragraph``: n(A,B) is the number of such units that share a
  character with a segment coded A and with a segment coded B (possibly the same segment);
  n(A) the number of units that share a character with a segment coded A.
- ``document``: n(A,B) is the number of documents with a segment coded A and a segment coded
  B; n(A) the number of documents with a segment coded A.
- c(A,B) = n(A,B) / (n(A) + n(B) − n(A,B)). For the unit scopes and ``document`` it lies in
  (0, 1]. For ``overlap`` a segment can overlap several others, so n(A,B) can exceed n(A) and
  n(B): c can then exceed 1 (:attr:`Pair.marked`), and when n(A,B) ≥ n(A) + n(B) the
  denominator is zero or negative and c is undefined: it is ``None`` (JSON ``null``), also
  marked. Nothing is rounded in the core.

**What is listed.** ``codes`` lists every code of the project (or the ``codes`` asked for),
by name, *including* codes with n = 0, so that a table of the result has a row for every
code. ``pairs`` holds only pairs with n(A,B) > 0, a < b by name, sorted by (a, b). The
diagonal (a == b) is never a pair; its natural value is n(A) (see :func:`cooccur_segments`).

**Rollup.** With ``rollup`` a segment coded with a descendant of A is coded A (once). A code
then co-occurs with each of its ancestors wherever it occurs: with ``overlap`` the pair
(ancestor, descendant) counts the pair (s, s) for every segment coded the descendant.

**Matrices** (:func:`matrix`): rows are the codes by name, columns the places by name
(``cols="place"``), or the values of attribute KEY (``cols="attr:KEY"``) that cases have,
ordered by the attribute's type (numbers numerically, dates by date, text by text). Every
code and every column is listed, also when all its cells are 0.

- place cell = number of segments coded the row code and linked to the column place;
- attribute cell = number of segments coded the row code in documents of cases with that
  value. A document in two cases with different values counts in both columns; segments of
  documents with no value for KEY are in no column.
- Totals count *distinct segments*, not cells: a row total is the number of segments coded
  the row code and linked to any place (in a document with any value); a column total the
  number of segments in the column coded any code; ``total`` the number of segments coded
  any code and in any column. A segment linked to two places is one segment in its row total
  but adds 1 to two cells, so a total can be less than the sum of its cells.

**How.** SQL (portable SQLAlchemy expressions) applies the filters and finds which segments
overlap, as a range join on the ``(document_id, start)`` index of the segments. It returns
the incidences (document, code), (segment, code) or (segment, segment) as one aggregated
string of integers. For the unit scopes it returns the spans of the units and of the coded
segments instead, and numpy finds the units each segment shares a character with by binary
search (``searchsorted``) over the units sorted by start (on the benchmark project joining
its 617,000 sentences to their segments in SQL took longer than all of this). numpy removes
duplicates and counts, vectorised: no query per code pair, no Python loop over segments. On
the benchmark project (1,000 transcripts, 200,000 segments) this is 3 to 6 times faster than
doing the DISTINCT and the self-join in SQLite, whose sorter dominates
(``benchmarks/README.md``). The segments behind one cell (:func:`cooccur_segments`,
:func:`matrix_segments`) are plain SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.coding import cases as cases_module
from workbench.coding.lookups import find_code, find_document, find_place
from workbench.errors import InvalidValue, NotFound, quoted
from workbench.errors import did_you_mean as _did_you_mean
from workbench.i18n import _
from workbench.project.coders import find_coder
from workbench.project.models import (
    CaseValue,
    Code,
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
    id_of,
    table_of,
)

#: The co-occurrence scopes, as the command line spells them.
SCOPES: tuple[str, ...] = ("overlap", "turn", "sentence", "paragraph", "document")

_UNIT_TABLES: dict[str, sa.Table] = {
    "turn": table_of(Turn),
    "sentence": table_of(Sentence),
    "paragraph": table_of(Paragraph),
}

_SEGMENT: sa.Table = table_of(Segment)
_CODING: sa.Table = table_of(Coding)
_CODE: sa.Table = table_of(Code)
_LINK: sa.Table = table_of(SegmentPlace)


@functools.lru_cache(maxsize=64)
def _alias(table: Any, name: str) -> Any:
    """An alias of a table, made once (building aliases is a large part of small queries)."""
    return table.alias(name)


# --- filters ---------------------------------------------------------------------------------


@dataclass
class Filters:
    """What to count: applied before counting (see the module docstring for the rules)."""

    coder: str | None = None
    """Only codings by this coder count (None: every coder's)."""
    documents: list[str] = field(default_factory=list)
    """Document names; empty means all documents."""
    cases: list[str] = field(default_factory=list)
    """Case names: only documents of these cases (any of them)."""
    attrs: list[tuple[str, str]] = field(default_factory=list)
    """``(KEY, VALUE)``: only documents of cases whose attribute KEY has VALUE; all must hold."""

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.coder or self.documents or self.cases or self.attrs)


def parse_attr_filter(item: str) -> tuple[str, str]:
    """``KEY=VALUE`` (as given to ``--attr``) into ``(KEY, VALUE)``."""
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise InvalidValue(
            _("attribute filter {item} must look like KEY=VALUE").format(item=repr(item))
        )
    return key.strip(), value.strip()


def _find_variable(session: Session, key: str) -> Variable:
    variable = session.exec(select(Variable).where(Variable.name == key)).first()
    if variable is None:
        known = list(session.exec(select(Variable.name)))
        raise NotFound(
            _("no case attribute called {name}").format(name=quoted(key))
            + _did_you_mean(key, known)
        )
    return variable


@dataclass
class _Resolved:
    """Filters resolved to ids and SQL conditions."""

    coder_id: int | None
    documents: Any | None  # a SELECT of document ids, or None for all documents


def _resolve(session: Session, filters: Filters | None) -> _Resolved:
    """Check every name in ``filters`` (NotFound / InvalidValue) and build the SQL."""
    filters = filters or Filters()
    coder_id = find_coder(session, filters.coder).id if filters.coder else None
    conditions: list[Any] = []
    if filters.documents:
        ids = [find_document(session, name).id for name in filters.documents]
        conditions.append(col(Document.id).in_(ids))
    if filters.cases:
        case_ids = [cases_module.find_case(session, name).id for name in filters.cases]
        conditions.append(
            col(Document.id).in_(
                select(DocumentCase.document_id).where(col(DocumentCase.case_id).in_(case_ids))
            )
        )
    for key, value in filters.attrs:
        variable = _find_variable(session, key)
        try:
            wanted = cases_module.canonical(variable.type, value)
        except InvalidValue as exc:
            raise InvalidValue(
                _("attribute filter {key}={value}: {reason}").format(
                    key=key, value=value, reason=exc
                )
            ) from None
        conditions.append(
            col(Document.id).in_(
                select(DocumentCase.document_id)
                .join(CaseValue, col(CaseValue.case_id) == DocumentCase.case_id)
                .where(CaseValue.variable_id == variable.id, CaseValue.value == wanted)
            )
        )
    documents = select(Document.id).where(*conditions) if conditions else None
    return _Resolved(coder_id=coder_id, documents=documents)


def check_filters(session: Session, filters: Filters) -> None:
    """Raise NotFound or InvalidValue when ``filters`` name a coder, document, case or
    attribute that does not exist, or give an attribute value of the wrong type."""
    _resolve(session, filters)


# --- the coded-segment relation ------------------------------------------------------------


def _code_closure(name: str = "code_tree") -> Any:
    """A recursive CTE ``(code_id, target_id)``: each code with itself and every ancestor."""
    base = sa.select(_CODE.c.id.label("code_id"), _CODE.c.id.label("target_id"))
    tree = base.cte(name, recursive=True)
    parent = _alias(_CODE, "parent_code")
    step = sa.select(tree.c.code_id, parent.c.parent_id).join(
        parent, parent.c.id == tree.c.target_id
    )
    step = step.where(parent.c.parent_id.is_not(None))
    return tree.union(step)  # UNION, not UNION ALL: ends even on a (forbidden) cycle


@dataclass
class _CodedJoin:
    """A segment alias joined with its codings (after the filters): the building block of
    the queries here. Real tables, not a materialised CTE, so that joins run along their
    indexes (SQLite gives a CTE only automatic indexes, on equality)."""

    segment: Any
    """The segment alias."""
    joined: Any
    """The segment joined with its codings (and the code closure with rollup)."""
    code: Any
    """The code column: the coding's code, or with rollup each of its ancestors too."""
    where: list[Any]
    """The conditions of the filters."""


def _coded_join(
    resolved: _Resolved,
    *,
    rollup: bool,
    code_ids: Sequence[int] | None,
    name: str,
    tree: Any | None = None,
    documents: bool = True,
) -> _CodedJoin:
    """Segment ``name`` joined with its codings (see :class:`_CodedJoin`).

    ``documents=False`` leaves the document filter out (for a segment that is joined to one
    that is filtered already, in the same document).
    """
    segment = _alias(_SEGMENT, name)
    coding = _alias(_CODING, f"{name}_coding")
    joined = segment.join(coding, coding.c.segment_id == segment.c.id)
    code_col = coding.c.code_id
    if rollup:
        closure = (tree if tree is not None else _code_closure(f"{name}_closure")).alias(
            f"{name}_tree"
        )
        joined = joined.join(closure, closure.c.code_id == coding.c.code_id)
        code_col = closure.c.target_id
    where: list[Any] = []
    if resolved.coder_id is not None:
        where.append(coding.c.coder_id == resolved.coder_id)
    if documents and resolved.documents is not None:
        where.append(segment.c.document_id.in_(resolved.documents))
    if code_ids is not None:
        where.append(code_col.in_(list(code_ids)))
    return _CodedJoin(segment=segment, joined=joined, code=code_col, where=where)


def _code_rows(session: Session, codes: list[str] | None) -> list[tuple[int, str]]:
    """``(id, name)`` of the codes to report, by name (all codes when ``codes`` is None)."""
    if codes is None:
        rows = session.execute(sa.select(_CODE.c.id, _CODE.c.name)).all()
        # Sorted here, by code point, so that every database gives the same order as a < b.
        return sorted(((row[0], row[1]) for row in rows), key=lambda item: item[1])
    found: dict[int, str] = {}
    for name in codes:
        code = find_code(session, name)
        found[id_of(code)] = code.name
    return sorted(found.items(), key=lambda item: item[1])


# --- co-occurrence ---------------------------------------------------------------------------


@dataclass
class CodeCount:
    """n(A) of one code in a co-occurrence."""

    code: str
    """The code name."""
    n: int
    """Segments (overlap), units (turn, sentence, paragraph) or documents coded A."""


@dataclass
class Pair:
    """One pair of codes that co-occur (n > 0), ``a < b`` by name."""

    a: str
    """The first code name (the smaller by name)."""
    b: str
    """The second code name."""
    n: int
    """n(A,B) in the scope's unit of counting (see the module docstring)."""
    c: float | None
    """The c-coefficient n(A,B) / (n(A) + n(B) − n(A,B)); None when that is undefined."""

    @property
    def marked(self) -> bool:
        """True when c exceeds 1 or is undefined (only possible with ``overlap``)."""
        return self.c is None or self.c > 1


@dataclass
class Cooccurrence:
    """The result of :func:`cooccur`."""

    scope: str
    """The scope counted in: one of :data:`SCOPES`."""
    codes: list[CodeCount]
    """Every code asked for, by name, with n(A) (also when 0)."""
    pairs: list[Pair]
    """Pairs with n(A,B) > 0, a < b by name, sorted by (a, b)."""

    def to_dict(self) -> dict[str, object]:
        """The command-line contract's JSON: ``{"scope", "codes", "pairs"}``."""
        return {
            "scope": self.scope,
            "codes": [{"code": c.code, "n": c.n} for c in self.codes],
            "pairs": [{"a": p.a, "b": p.b, "n": p.n, "c": p.c} for p in self.pairs],
        }

    def n(self, a: str, b: str | None = None) -> int:
        """n(A) (``b`` None or equal to ``a``), else n(A,B); 0 for codes not counted."""
        if b is None or a == b:
            return next((c.n for c in self.codes if c.code == a), 0)
        lo, hi = sorted((a, b))
        return next((p.n for p in self.pairs if p.a == lo and p.b == hi), 0)

    @property
    def marked(self) -> bool:
        """True when some pair's c exceeds 1 or is undefined."""
        return any(p.marked for p in self.pairs)


def c_coefficient(n_a: int, n_b: int, n_ab: int) -> float | None:
    """c = n(A,B) / (n(A) + n(B) − n(A,B)), None when the denominator is not positive."""
    denominator = n_a + n_b - n_ab
    return n_ab / denominator if denominator > 0 else None


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise InvalidValue(
            _("unknown scope {scope}; use one of {scopes}").format(
                scope=repr(scope), scopes=", ".join(SCOPES)
            )
        )


def _max_length(session: Session, table: Any, resolved: _Resolved) -> int:
    """The length of the longest row of a unit or segment table (in the filtered documents):
    it bounds the range scans of the intersection joins."""
    query = sa.select(sa.func.max(table.c.end - table.c.start))
    if resolved.documents is not None:
        query = query.where(table.c.document_id.in_(resolved.documents))
    return int(session.execute(query).scalar() or 0)


def _unit_condition(
    unit: Any, segment: Any, longest_segment: int, longest_unit: int | None = None
) -> Any:
    """``unit`` shares a character with ``segment`` (same document, overlapping ranges).

    ``segment.start > unit.start - longest_segment`` follows from the intersection (a segment
    ends at most ``longest_segment`` after it starts). It gives a join run from the units a
    range on both sides in the segment index (document_id, start, end), which covers the
    query: the query planner takes that path when every unit is wanted. A join run from a
    few segments (those of two codes) needs ``longest_unit`` for the same reason in the unit
    index. Empty units share no character.
    """
    conditions = [
        unit.c.document_id == segment.c.document_id,
        segment.c.start < unit.c.end,
        segment.c.start > unit.c.start - longest_segment,
        segment.c.end > unit.c.start,
        unit.c.start < unit.c.end,
    ]
    if longest_unit is not None:
        conditions.append(unit.c.start > segment.c.start - longest_unit)
    return sa.and_(*conditions)


def _unit_join(session: Session, scope: str, segment: Any, resolved: _Resolved) -> Any:
    """The unit table of ``scope`` (aliased ``<segment>_unit``) and the condition joining it
    to ``segment``, for a join that starts from a few segments (those of two codes)."""
    table = _UNIT_TABLES[scope]
    unit = _alias(table, f"{segment.name}_unit")
    longest_unit = _max_length(session, table, resolved)
    longest_segment = _max_length(session, _SEGMENT, resolved)
    return unit, _unit_condition(unit, segment, longest_segment, longest_unit)


def _containers(
    session: Session,
    scope: str,
    resolved: _Resolved,
    *,
    rollup: bool,
    code_ids: Sequence[int] | None,
) -> Any:
    """The CTE ``(container, code)``, distinct: units (or documents) holding a segment coded
    the code. Used for the segments behind one cell (two codes: small)."""
    coded = _coded_join(resolved, rollup=rollup, code_ids=code_ids, name="cs")
    if scope == "document":
        query = sa.select(coded.segment.c.document_id.label("container"), coded.code.label("code"))
        query = query.select_from(coded.joined)
    else:
        unit, condition = _unit_join(session, scope, coded.segment, resolved)
        query = sa.select(unit.c.id.label("container"), coded.code.label("code")).select_from(
            coded.joined.join(unit, condition)
        )
    return query.where(*coded.where).distinct().cte("container")


# --- counting: SQL finds the incidences, numpy counts them -----------------------------------
#
# SQL applies the filters and finds which segments overlap. What comes back is a list of
# incidences (document, code), (segment, code) or (segment, segment), or for the unit scopes
# the spans of units and coded segments (_unit_incidences), sent as one aggregated string of
# integers rather than as millions of rows. numpy then removes duplicates (codings by several
# coders, descendants under rollup) and counts (see _count_containers and _overlap_counts).


def _integers(session: Session, value: Any, from_: Any, where: Sequence[Any]) -> Any:
    """``value`` for every row of ``from_`` where ``where`` holds, as a numpy int64 array.

    The database joins the values into one string (``aggregate_strings``: ``group_concat`` on
    SQLite, ``string_agg`` on PostgreSQL), which moves millions of integers far faster than
    rows do.
    """
    text = session.execute(
        sa.select(sa.func.aggregate_strings(sa.cast(value, sa.String), ","))
        .select_from(from_)
        .where(*where)
    ).scalar()
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _integer_groups(
    session: Session, key: Any, value: Any, from_: Any, where: Sequence[Any]
) -> tuple[Any, Any]:
    """:func:`_integers` with one string per value of the integer column ``key`` (GROUP BY):
    returns (key, value) for every row, as two numpy int64 arrays."""
    result = session.execute(
        sa.select(key, sa.func.aggregate_strings(sa.cast(value, sa.String), ","))
        .select_from(from_)
        .where(*where)
        .group_by(key)
    ).all()
    parts = [np.fromstring(text, dtype=np.int64, sep=",") for _key, text in result if text]
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = np.array([row[0] for row in result if row[1]], dtype=np.int64)
    return np.repeat(keys, [len(part) for part in parts]), np.concatenate(parts)


@dataclass
class _CodeIndex:
    """The codes as dense indexes 0..n-1, with their ancestors for rollup."""

    ids: Any
    """Code ids in index order (numpy array)."""
    by_id: Any
    """``by_id[code_id]``: the index of a code (numpy array; -1 for no code)."""
    ancestors_ptr: Any
    """CSR pointers: the ancestors (self included) of index i are
    ``ancestors[ancestors_ptr[i]:ancestors_ptr[i + 1]]``."""
    ancestors: Any
    """CSR values (code indexes)."""

    @property
    def size(self) -> int:
        """The number of codes."""
        return len(self.ids)

    @property
    def stride(self) -> int:
        """A number above every code id, to pack (x, code id) as ``x * stride + code id``."""
        return len(self.by_id)


def _code_index(session: Session) -> _CodeIndex:
    """Every code of the project, with the ancestor lists the rollup needs."""
    rows = session.execute(sa.select(_CODE.c.id, _CODE.c.parent_id).order_by(_CODE.c.id)).all()
    parent = {row[0]: row[1] for row in rows}
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    by_id = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
    by_id[ids] = np.arange(len(ids))
    pointers: list[int] = [0]
    values: list[int] = []
    for code_id, _parent in rows:  # the code tree, not the segments
        chain: list[int] = []
        current = code_id
        while current is not None and current in parent and current not in chain:
            chain.append(current)
            current = parent[current]
        values.extend(int(by_id[c]) for c in chain)
        pointers.append(len(values))
    return _CodeIndex(
        ids=ids,
        by_id=by_id,
        ancestors_ptr=np.array(pointers, dtype=np.int64),
        ancestors=np.array(values, dtype=np.int64),
    )


def _expand(pointers: Any, values: Any, rows: Any) -> tuple[Any, Any]:
    """For each ``r`` in ``rows`` every value of ``values[pointers[r]:pointers[r + 1]]``:
    returns (position in ``rows``, value) for all of them, vectorised."""
    counts = pointers[rows + 1] - pointers[rows]
    total = int(counts.sum())
    which = np.repeat(np.arange(len(rows)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return which, values[np.repeat(pointers[rows], counts) + offsets]


def _incidences(packed: Any, index: _CodeIndex, *, rollup: bool, wanted: Any) -> tuple[Any, Any]:
    """``x * stride + code id`` unpacked to (x, code index), with the ancestors added under
    rollup and only ``wanted`` code indexes kept. May hold duplicates."""
    owners, code_ids = np.divmod(packed, index.stride)
    return _code_incidences(owners, code_ids, index, rollup=rollup, wanted=wanted)


def _code_incidences(
    owners: Any, code_ids: Any, index: _CodeIndex, *, rollup: bool, wanted: Any
) -> tuple[Any, Any]:
    """(owner, code id) pairs as (owner, code index), with the ancestors added under rollup
    and only ``wanted`` code indexes kept, in the order of ``owners``. May hold duplicates."""
    codes = index.by_id[code_ids]
    if rollup:
        which, codes = _expand(index.ancestors_ptr, index.ancestors, codes)
        owners = owners[which]
    keep = wanted[codes]
    return owners[keep], codes[keep]


def _distinct(keys: Any) -> Any:
    """The distinct values of an int64 array, sorted."""
    keys = np.sort(keys)
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def _popcount(bits: Any) -> Any:
    """Set bits per row of a uint8 array."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(bits).sum(axis=-1, dtype=np.int64)
    return np.unpackbits(bits, axis=-1).sum(axis=-1, dtype=np.int64)  # pragma: no cover


def _bitsets(owners: Any, codes: Any, n_codes: int) -> Any:
    """One bitset per code over the containers (uint8 rows), built a block of codes at a
    time so that the dense boolean block stays below ~32 MB."""
    if not len(owners):
        return np.zeros((n_codes, 1), dtype=np.uint8)
    positions = owners - owners.min()
    width = int(positions.max()) + 1
    n_bytes = (width + 7) // 8
    bits = np.zeros((n_codes, n_bytes), dtype=np.uint8)
    block = max(1, 32_000_000 // (n_bytes * 8))
    for first in range(0, n_codes, block):
        last = min(first + block, n_codes)
        inside = (codes >= first) & (codes < last)
        dense = np.zeros((last - first, n_bytes * 8), dtype=bool)
        dense[codes[inside] - first, positions[inside]] = True
        bits[first:last] = np.packbits(dense, axis=1)
    return bits


def _segment_codes(
    session: Session,
    resolved: _Resolved,
    index: _CodeIndex,
    *,
    rollup: bool,
    wanted: Any,
    sql_codes: Sequence[int] | None,
) -> tuple[Any, Any, int]:
    """The distinct (segment, code index) incidences after the filters, sorted by segment,
    as CSR: ``(pointers, codes, stride)`` with the codes of segment ``s`` in
    ``codes[pointers[s]:pointers[s + 1]]`` for every segment id ``s < stride``."""
    coded = _coded_join(resolved, rollup=False, code_ids=sql_codes, name="s")
    packed = _integers(
        session,
        sa.cast(coded.segment.c.id, sa.BigInteger) * index.stride + coded.code,
        coded.joined,
        coded.where,
    )
    owners, codes = _incidences(packed, index, rollup=rollup, wanted=wanted)
    keys = _distinct(owners * index.size + codes)  # sorted by segment
    segments, codes = np.divmod(keys, index.size)
    stride = int(segments.max()) + 1 if len(segments) else 1
    return np.searchsorted(segments, np.arange(stride + 1)), codes, stride


def _container_counts(
    session: Session,
    scope: str,
    resolved: _Resolved,
    index: _CodeIndex,
    *,
    rollup: bool,
    wanted: Any,
    sql_codes: Sequence[int] | None,
) -> tuple[Any, Any]:
    """n(A) and n(A, B) (an n × n array, upper triangle) for a unit scope or ``document``.

    For a unit scope the (unit, code) incidences come from :func:`_unit_incidences`.
    """
    if scope == "document":
        coded = _coded_join(resolved, rollup=False, code_ids=sql_codes, name="s")
        packed = _integers(
            session,
            sa.cast(coded.segment.c.document_id, sa.BigInteger) * index.stride + coded.code,
            coded.joined,
            coded.where,
        )
        owners, codes = _incidences(packed, index, rollup=rollup, wanted=wanted)
    else:
        owners, codes = _unit_incidences(
            session, scope, resolved, index, rollup=rollup, wanted=wanted, sql_codes=sql_codes
        )
    return _count_containers(owners, codes, index.size)


#: The largest integer a mixed-radix pack of one row, or a position on the axis of
#: :func:`_unit_incidences`, may reach (int64, the widest integer that SQL databases and
#: numpy share); tests lower it to take the row-by-row path and document ranks.
PACK_LIMIT = 2**63 - 1


def _span_bounds(session: Session) -> tuple[int, int]:
    """A guess at the bounds of :func:`_span_rows`: (largest document id + 1, longest
    document + 1). Right for every imported document; :func:`_span_rows` checks it."""
    docs, length = session.execute(
        sa.select(sa.func.max(Document.id), sa.func.max(Document.char_count))
    ).one()
    return int(docs or 0) + 1, int(length or 0) + 1


def _span_rows(
    session: Session,
    table: Any,
    from_: Any,
    where: Sequence[Any],
    bounds: tuple[int, int],
    *,
    extra: Any | None = None,
    extra_bound: int = 1,
    by_document: bool = False,
) -> Any:
    """``(document_id, start, end[, extra])`` of every row of ``from_`` where ``where`` holds,
    as an int64 array with one row per row; ``table`` holds the span columns, ``extra`` is a
    column in ``0..extra_bound - 1``, ``bounds`` (D, W) a guess at the bounds of the document
    ids and offsets (:func:`_span_bounds`).

    The columns travel as one integer per row through :func:`_integers`, in mixed radix:
    ``((document_id · W + start) · W + end − start) · extra_bound + extra``; with
    ``by_document`` (GROUP BY document_id, for a table indexed on it) one string per
    document, without the document id in the integers, which makes them shorter. A row
    outside the guessed bounds (``document_id ≥ D``, ``end ≥ W``, ``start < 0``) is sent as
    −1 instead; then the bounds are measured and the query runs again. When the pack cannot fit
    :data:`PACK_LIMIT` (or a start is negative) the rows come one by one instead.
    """
    columns = [table.c.document_id, table.c.start, table.c.end]
    if extra is not None:
        columns.append(extra)
    docs, width = bounds
    for attempt in range(2):
        if (1 if by_document else docs) * width * width * extra_bound > PACK_LIMIT:
            break
        inside = [table.c.start >= 0, table.c.end < width]
        packed = sa.cast(table.c.start, sa.BigInteger)
        if not by_document:
            inside.append(table.c.document_id < docs)
            packed = sa.cast(table.c.document_id, sa.BigInteger) * width + table.c.start
        packed = packed * width + (table.c.end - table.c.start)
        if extra is not None:
            packed = packed * extra_bound + extra
        value = sa.case((sa.and_(*inside), packed), else_=-1)
        if by_document:
            documents, values = _integer_groups(session, table.c.document_id, value, from_, where)
        else:
            values = _integers(session, value, from_, where)
        if not len(values) or values.min() >= 0:
            rows = np.empty((len(values), len(columns)), dtype=np.int64)
            if extra is not None:
                values, rows[:, 3] = np.divmod(values, extra_bound)
            values, length = np.divmod(values, width)
            if by_document:
                rows[:, 0], rows[:, 1] = documents, values
            else:
                rows[:, 0], rows[:, 1] = np.divmod(values, width)
            rows[:, 2] = rows[:, 1] + length
            return rows
        if attempt:
            break
        top_doc, top_end, low_start = session.execute(
            sa.select(
                sa.func.max(table.c.document_id),
                sa.func.max(table.c.end),
                sa.func.min(table.c.start),
            )
            .select_from(from_)
            .where(*where)
        ).one()
        if low_start < 0:
            break
        docs, width = max(docs, top_doc + 1), max(width, top_end + 1)
    result = session.execute(sa.select(*columns).select_from(from_).where(*where)).all()
    return np.array(result, dtype=np.int64).reshape(-1, len(columns))


def _ranges(first: Any, counts: Any) -> tuple[Any, Any]:
    """For each i every integer of ``first[i] .. first[i] + counts[i] - 1``: returns
    (i, integer) for all of them, vectorised."""
    total = int(counts.sum())
    which = np.repeat(np.arange(len(first)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return which, np.repeat(first, counts) + offsets


def _unit_incidences(
    session: Session,
    scope: str,
    resolved: _Resolved,
    index: _CodeIndex,
    *,
    rollup: bool,
    wanted: Any,
    sql_codes: Sequence[int] | None,
) -> tuple[Any, Any]:
    """The (unit, code index) incidences of a unit scope: units that share a character with
    a segment coded the code. Units are numbered 0..n-1 here (not by id). May hold
    duplicates.

    SQL applies the filters and sends the spans of the non-empty units and of the coded
    segments (one row per coding); there is no join of units and segments in SQL. numpy
    places both on one axis, ``document_id · W + offset``, and sorts the units by start. The
    units a segment [s, e) shares a character with all lie between the first unit whose
    running maximum end exceeds s and the last unit that starts before e (``searchsorted``);
    of those, the ones that end after s. Units of one kind never overlap in an imported
    document, so there every unit in that range qualifies; overlapping or nested units (which
    other sources could give) cost more rows, never a wrong count.
    """
    table = _UNIT_TABLES[scope]
    unit_where: list[Any] = [table.c.start < table.c.end]  # empty units share no character
    if resolved.documents is not None:
        unit_where.append(table.c.document_id.in_(resolved.documents))
    bounds = _span_bounds(session)
    units = _span_rows(session, table, table, unit_where, bounds, by_document=True)
    coded = _coded_join(resolved, rollup=False, code_ids=sql_codes, name="s")
    segments = _span_rows(
        session,
        coded.segment,
        coded.joined,
        coded.where,
        bounds,
        extra=coded.code,
        extra_bound=index.stride,
    )
    if not len(units) or not len(segments):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = min(int(units[:, 1].min()), int(segments[:, 1].min()), 0)
    width = max(int(units[:, 2].max()), int(segments[:, 2].max())) - low + 1
    documents = np.concatenate((units[:, 0], segments[:, 0]))
    if (int(np.abs(documents).max()) + 1) * width > PACK_LIMIT:  # the axis needs ranks
        ranks = np.unique(documents, return_inverse=True)[1].reshape(-1)
        units[:, 0], segments[:, 0] = ranks[: len(units)], ranks[len(units) :]
    unit_starts = units[:, 0] * width + (units[:, 1] - low)
    order = np.argsort(unit_starts, kind="stable")
    unit_starts = unit_starts[order]
    unit_ends = (units[:, 0] * width + (units[:, 2] - low))[order]
    reach = np.maximum.accumulate(unit_ends)  # the furthest end of any unit up to here
    starts = segments[:, 0] * width + (segments[:, 1] - low)
    ends = starts + (segments[:, 2] - segments[:, 1])
    order = np.argsort(starts, kind="stable")  # searches in order are faster
    rows, codes = _code_incidences(order, segments[order, 3], index, rollup=rollup, wanted=wanted)
    starts, ends = starts[rows], ends[rows]  # still in order: _code_incidences keeps it
    first = np.searchsorted(reach, starts, side="right")
    last = np.searchsorted(unit_starts, ends, side="left")
    which, owners = _ranges(first, np.maximum(last - first, 0))
    keep = unit_ends[owners] > starts[which]
    return owners[keep], codes[which[keep]]


#: How :func:`_count_containers` counts pairs: "auto", "bitsets" or "pairs" (tests set it).
PAIR_METHOD = "auto"


def _count_containers(owners: Any, codes: Any, n_codes: int) -> tuple[Any, Any]:
    """n(A) and n(A, B) from (container, code) incidences (duplicates allowed).

    Two exact ways, chosen by their cost: bitsets (one per code over the containers; n(A,B)
    the population count of an AND), cheap when containers are few (documents); or, per
    container, every pair of its codes, counted with ``bincount``, cheap when containers hold
    few codes (sentences, turns).
    """
    keys = _distinct(owners * n_codes + codes)  # sorted by container, then code
    owners, codes = np.divmod(keys, n_codes)
    singles = np.bincount(codes, minlength=n_codes)
    starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
    sizes = np.diff(np.append(starts, len(keys)))
    pair_total = int((sizes * (sizes - 1) // 2).sum())
    width = int(owners.max() - owners.min()) + 1 if len(owners) else 1
    active = int(np.count_nonzero(singles))
    # Costs in units of one counted pair, measured on the benchmark project: building the
    # bitsets, then AND and population count of each pair of code rows.
    bitset_cost = n_codes * width // 10 + active * active // 2 * ((width + 7) // 8) // 175
    method = PAIR_METHOD
    if method == "auto":
        method = "bitsets" if bitset_cost < pair_total else "pairs"
    pairs = np.zeros((n_codes, n_codes), dtype=np.int64)
    if method == "bitsets":
        bits = _bitsets(owners, codes, n_codes)
        ordered = np.flatnonzero(singles)
        for position, a in enumerate(ordered[:-1]):  # over codes, vectorised over containers
            others = ordered[position + 1 :]
            pairs[a, others] = _popcount(bits[a] & bits[others])
        return singles, pairs
    # Pair each element with the one d places after it in its container, for d = 1, 2, ...
    # while any container is longer than d: work in proportion to the number of pairs.
    ends = np.repeat(starts + sizes, sizes)
    codes = codes.astype(np.int64)
    flat = pairs.reshape(-1)
    step, current = 1, np.flatnonzero(ends > np.arange(len(keys)) + 1)
    while len(current):
        flat += np.bincount(codes[current] * n_codes + codes[current + step], minlength=flat.size)
        step += 1
        current = current[ends[current] > current + step]
    return singles, pairs


def _overlap_counts(
    session: Session,
    resolved: _Resolved,
    index: _CodeIndex,
    *,
    rollup: bool,
    wanted: Any,
    sql_codes: Sequence[int] | None,
) -> tuple[Any, Any]:
    """n(A) and n(A, B) for ``overlap``.

    SQL lists each ordered overlapping pair of segments (s, t) once as a row (x, y) with
    ``y.start`` in ``[x.start, x.end)``: (x, y) = (s, t) when t starts at or after s, else
    (t, s); with a flag for ``y.start > x.start``. numpy gives each row the codes of x and y:
    codes (p, q) stand for (s coded p, t coded q) read either way; when x and y start at the
    same offset both orders are rows of their own, so there only p < q counts.
    """
    pointers, codes, stride = _segment_codes(
        session, resolved, index, rollup=rollup, wanted=wanted, sql_codes=sql_codes
    )
    singles = np.bincount(codes, minlength=index.size)

    x, y = _alias(_SEGMENT, "x"), _alias(_SEGMENT, "y")
    later = sa.case((y.c.start > x.c.start, 1), else_=0)
    pair_value = (sa.cast(x.c.id, sa.BigInteger) * stride + y.c.id) * 2 + later
    joined = x.join(
        y,
        sa.and_(
            y.c.document_id == x.c.document_id,
            y.c.start >= x.c.start,
            y.c.start < x.c.end,
        ),
    )
    where: list[Any] = [x.c.id < stride, y.c.id < stride]  # segments with no code: no pairs
    if resolved.documents is not None:
        where.append(x.c.document_id.in_(resolved.documents))
    rows = _integers(session, pair_value, joined, where)
    rows, later_flags = np.divmod(rows, 2)
    xs, ys = np.divmod(rows, stride)
    which, p = _expand(pointers, codes, xs)
    ys, later_flags = ys[which], later_flags[which]
    which, q = _expand(pointers, codes, ys)
    p, later_flags = p[which], later_flags[which]
    keep = (p < q) | ((p > q) & (later_flags == 1))
    lo, hi = np.minimum(p[keep], q[keep]), np.maximum(p[keep], q[keep])
    pairs = np.bincount(lo * index.size + hi, minlength=index.size * index.size)
    return singles, pairs.reshape(index.size, index.size)


def cooccur(
    session: Session,
    *,
    scope: str = "overlap",
    filters: Filters | None = None,
    rollup: bool = False,
    codes: list[str] | None = None,
) -> Cooccurrence:
    """Co-occurrence of codes in ``scope`` (see the module docstring for what is counted).

    ``codes`` restricts the result to these codes (with ``rollup`` their descendants still
    count for them). Unknown codes, documents, cases, attributes and coders raise NotFound; a
    bad scope or attribute value raises InvalidValue.
    """
    _check_scope(scope)
    resolved = _resolve(session, filters)
    code_rows = _code_rows(session, codes)
    if not code_rows:  # a project without codes
        return Cooccurrence(scope=scope, codes=[], pairs=[])
    index = _code_index(session)
    wanted = np.zeros(index.size, dtype=bool)
    for code_id, _name in code_rows:
        wanted[index.by_id[code_id]] = True
    # Without rollup only the wanted codes need to leave the database.
    sql_codes = None if codes is None or rollup else [code_id for code_id, _ in code_rows]
    if scope == "overlap":
        singles, pairs = _overlap_counts(
            session, resolved, index, rollup=rollup, wanted=wanted, sql_codes=sql_codes
        )
    else:
        singles, pairs = _container_counts(
            session, scope, resolved, index, rollup=rollup, wanted=wanted, sql_codes=sql_codes
        )
    position = {int(code_id): i for i, code_id in enumerate(index.ids)}
    code_names = dict(code_rows)
    code_counts = [CodeCount(name, int(singles[position[code_id]])) for code_id, name in code_rows]
    result: list[Pair] = []
    for lo, hi in zip(*np.nonzero(pairs), strict=True):
        n = int(pairs[lo, hi])
        if not wanted[lo] or not wanted[hi]:
            continue
        a, b = sorted((code_names[int(index.ids[lo])], code_names[int(index.ids[hi])]))
        result.append(Pair(a, b, n, c_coefficient(int(singles[lo]), int(singles[hi]), n)))
    result.sort(key=lambda p: (p.a, p.b))
    return Cooccurrence(scope=scope, codes=code_counts, pairs=result)


def _ordered_segment_ids(session: Session, ids_query: Any) -> list[int]:
    """Segment ids of a query, distinct, ordered by document name, start, end, id."""
    wanted = ids_query.subquery("wanted")
    query = (
        sa.select(_SEGMENT.c.id)
        .join(Document, col(Document.id) == _SEGMENT.c.document_id)
        .where(_SEGMENT.c.id.in_(sa.select(wanted.c[0])))
        .order_by(Document.name, _SEGMENT.c.start, _SEGMENT.c.end, _SEGMENT.c.id)
    )
    return [row[0] for row in session.execute(query)]


def cooccur_segments(
    session: Session,
    a: str,
    b: str,
    *,
    scope: str,
    filters: Filters | None = None,
    rollup: bool = False,
) -> list[int]:
    """The ids of the segments behind one cell of a co-occurrence, for listing as fragments.

    For ``a == b``: the segments coded A. Otherwise the segments coded A or B that take part
    in what n(A,B) counts: for ``overlap`` a segment coded A that overlaps a segment coded B
    (itself included, when it carries both) and vice versa; for a unit scope the segments coded
    A or B that share a character with a unit counted in n(A,B); for ``document`` the segments
    coded A or B in documents with both. Ordered by document name, then start.
    """
    _check_scope(scope)
    resolved = _resolve(session, filters)
    code_a = id_of(find_code(session, a))
    code_b = id_of(find_code(session, b))
    code_ids: list[int] = sorted({code_a, code_b})
    coded = _coded_join(resolved, rollup=rollup, code_ids=code_ids, name="s")
    if code_a == code_b:
        query = sa.select(coded.segment.c.id).select_from(coded.joined).where(*coded.where)
        return _ordered_segment_ids(session, query)
    if scope == "overlap":
        tree = _code_closure() if rollup else None
        x = _coded_join(resolved, rollup=rollup, code_ids=code_ids, name="x", tree=tree)
        y = _coded_join(
            resolved, rollup=rollup, code_ids=code_ids, name="y", tree=tree, documents=False
        )
        xs, ys = x.segment, y.segment
        pairs = (
            sa.select(xs.c.id.label("x_id"), ys.c.id.label("y_id"))
            .select_from(
                x.joined.join(
                    y.joined,
                    sa.and_(
                        ys.c.document_id == xs.c.document_id,
                        ys.c.start >= xs.c.start,
                        ys.c.start < xs.c.end,
                    ),
                )
            )
            .where(*x.where, *y.where, x.code != y.code)
            .subquery("pairs")
        )
        both_ids = sa.union(sa.select(pairs.c.x_id), sa.select(pairs.c.y_id))
        return _ordered_segment_ids(session, both_ids)
    container = _containers(session, scope, resolved, rollup=rollup, code_ids=code_ids)
    both = (
        sa.select(container.c.container)
        .group_by(container.c.container)
        .having(sa.func.count() == 2)
    )
    if scope == "document":
        query = (
            sa.select(coded.segment.c.id)
            .select_from(coded.joined)
            .where(*coded.where, coded.segment.c.document_id.in_(both))
        )
        return _ordered_segment_ids(session, query)
    unit, condition = _unit_join(session, scope, coded.segment, resolved)
    query = (
        sa.select(coded.segment.c.id)
        .select_from(coded.joined.join(unit, condition))
        .where(*coded.where, unit.c.id.in_(both))
    )
    return _ordered_segment_ids(session, query)


# --- matrices --------------------------------------------------------------------------------


@dataclass
class Matrix:
    """The result of :func:`matrix`: code rows × place or attribute-value columns."""

    cols_spec: str
    """What the columns are: ``place`` or ``attr:KEY``."""
    rows: list[str]
    """Code names, by name (every code, also those with no segment)."""
    cols: list[str]
    """Place names by name, or the attribute's values in the order of its type."""
    cells: list[list[int]]
    """``cells[i][j]``: segments coded ``rows[i]`` in column ``cols[j]``."""
    row_totals: list[int]
    """Distinct segments coded the row code in any column (≤ the sum of the row's cells)."""
    col_totals: list[int]
    """Distinct segments in the column coded any row code (≤ the sum of the column's cells)."""
    total: int
    """Distinct segments coded any row code and in any column."""

    def to_dict(self) -> dict[str, object]:
        """The contract's ``{"rows", "cols", "cells"}`` plus ``row_totals``, ``col_totals``,
        ``total``."""
        return {
            "rows": self.rows,
            "cols": self.cols,
            "cells": self.cells,
            "row_totals": self.row_totals,
            "col_totals": self.col_totals,
            "total": self.total,
        }


def parse_cols(cols: str) -> tuple[str, str | None]:
    """``place`` → ("place", None); ``attr:KEY`` → ("attr", KEY); anything else: InvalidValue."""
    text = cols.strip()
    if text == "place":
        return "place", None
    if text.startswith("attr:") and text[5:].strip():
        return "attr", text[5:].strip()
    raise InvalidValue(_("columns {cols} must be 'place' or 'attr:KEY'").format(cols=repr(cols)))


def _value_sort_key(type_name: str, value: str) -> tuple[Any, ...]:
    """Order attribute values by their type; values that do not parse go last, by text."""
    try:
        if type_name == "integer":
            return (0, int(value), value)
        if type_name == "float":
            return (0, float(value), value)
        if type_name == "date":
            return (0, dt.date.fromisoformat(value), value)
        if type_name == "boolean":
            return (0, value == "true", value)
    except ValueError:
        return (1, value, value)
    return (0, value, value)


def _columns(
    session: Session, kind: str, key: str | None
) -> tuple[list[tuple[Any, str]], Variable | None]:
    """The columns ``[(column key, label)]`` in order (and the attribute for ``attr:KEY``)."""
    if kind == "place":
        places = session.execute(
            sa.select(col(Place.id), col(Place.name)).order_by(col(Place.name))
        ).all()
        return [(row[0], row[1]) for row in places], None
    variable = _find_variable(session, key or "")
    values = session.execute(
        sa.select(col(CaseValue.value)).where(col(CaseValue.variable_id) == variable.id).distinct()
    ).scalars()
    ordered = sorted(values, key=lambda v: _value_sort_key(variable.type, v))
    return [(v, v) for v in ordered], variable


def _in_columns(coded: _CodedJoin, variable: Variable | None) -> tuple[Any, Any]:
    """``coded`` joined to its columns (place links, or the attribute values of the
    document's cases), and the column key."""
    segment = coded.segment
    if variable is None:
        link = _alias(_LINK, "link")
        return coded.joined.join(link, link.c.segment_id == segment.c.id), link.c.place_id
    member = _alias(table_of(DocumentCase), "member")
    value = _alias(table_of(CaseValue), "value")
    joined = coded.joined.join(member, member.c.document_id == segment.c.document_id).join(
        value, sa.and_(value.c.case_id == member.c.case_id, value.c.variable_id == variable.id)
    )
    return joined, value.c.value


def matrix(
    session: Session, *, cols: str = "place", filters: Filters | None = None, rollup: bool = False
) -> Matrix:
    """The code × place (``cols="place"``) or code × attribute (``cols="attr:KEY"``) matrix.

    See the module docstring for what a cell and a total count. SQL lists the (segment, code)
    and (segment, column) incidences after the filters; numpy counts them (as for
    :func:`cooccur`).
    """
    kind, key = parse_cols(cols)
    resolved = _resolve(session, filters)
    columns, variable = _columns(session, kind, key)
    code_rows = _code_rows(session, None)
    if not code_rows:  # a project without codes
        return Matrix(
            cols.strip(), [], [label for _k, label in columns], [], [], [0] * len(columns), 0
        )
    index = _code_index(session)
    wanted = np.ones(index.size, dtype=bool)
    pointers, segment_codes, stride = _segment_codes(
        session, resolved, index, rollup=rollup, wanted=wanted, sql_codes=None
    )
    column_of: dict[Any, int] = {}  # a link's place id, or a case value row id -> column
    from_: sa.FromClause
    if variable is None:
        column_of = {place_id: j for j, (place_id, _label) in enumerate(columns)}
        link = _LINK
        owner_col, key_col, from_, where = link.c.segment_id, link.c.place_id, link, []
    else:
        position = {value: j for j, (value, _label) in enumerate(columns)}
        value_rows = session.execute(
            sa.select(col(CaseValue.id), col(CaseValue.value)).where(
                col(CaseValue.variable_id) == variable.id
            )
        ).all()
        column_of = {row[0]: position[row[1]] for row in value_rows}
        member = table_of(DocumentCase)
        value = table_of(CaseValue)
        from_ = _SEGMENT.join(member, member.c.document_id == _SEGMENT.c.document_id).join(
            value, value.c.case_id == member.c.case_id
        )
        owner_col, key_col = _SEGMENT.c.id, value.c.id
        where = [value.c.variable_id == variable.id]
    key_width = max(column_of, default=0) + 1
    lookup = np.full(key_width, -1, dtype=np.int64)
    for column_key, j in column_of.items():
        lookup[column_key] = j
    packed = _integers(
        session, sa.cast(owner_col, sa.BigInteger) * key_width + key_col, from_, where
    )
    n_cols = max(len(columns), 1)
    columns_of_rows = lookup[packed % key_width]
    known = columns_of_rows >= 0
    keys = _distinct(packed[known] // key_width * n_cols + columns_of_rows[known])
    segments, in_column = np.divmod(keys, n_cols)
    keep = segments < stride
    segments, in_column = segments[keep], in_column[keep]
    has_codes = pointers[segments + 1] > pointers[segments]
    segments, in_column = segments[has_codes], in_column[has_codes]
    which, codes = _expand(pointers, segment_codes, segments)
    cell_counts = np.bincount(codes * n_cols + in_column[which], minlength=index.size * n_cols)
    cell_counts = cell_counts.reshape(index.size, n_cols)
    linked = _distinct(segments)
    _which, linked_codes = _expand(pointers, segment_codes, linked)
    row_counts = np.bincount(linked_codes, minlength=index.size)
    col_counts = np.bincount(in_column, minlength=n_cols)
    order = [int(index.by_id[code_id]) for code_id, _name in code_rows]
    return Matrix(
        cols_spec=cols.strip(),
        rows=[name for _id, name in code_rows],
        cols=[label for _key, label in columns],
        cells=[[int(n) for n in cell_counts[i, : len(columns)]] for i in order],
        row_totals=[int(row_counts[i]) for i in order],
        col_totals=[int(n) for n in col_counts[: len(columns)]],
        total=len(linked),
    )


def matrix_segments(
    session: Session,
    code: str,
    col: str,
    *,
    cols: str = "place",
    filters: Filters | None = None,
    rollup: bool = False,
) -> list[int]:
    """The ids of the segments behind one matrix cell, by document name, then start.

    ``col`` is a place name (or alias) for ``cols="place"``, else an attribute value (compared
    in its canonical form).
    """
    kind, key = parse_cols(cols)
    resolved = _resolve(session, filters)
    code_id = id_of(find_code(session, code))
    variable = _find_variable(session, key or "") if kind == "attr" else None
    coded = _coded_join(resolved, rollup=rollup, code_ids=[code_id], name="s")
    joined, col_key = _in_columns(coded, variable)
    if variable is None:
        wanted: Any = find_place(session, col).id
    else:
        try:
            wanted = cases_module.canonical(variable.type, col)
        except InvalidValue as exc:
            raise InvalidValue(
                _("attribute {name}: {reason}").format(name=repr(variable.name), reason=exc)
            ) from None
    query = sa.select(coded.segment.c.id).select_from(joined).where(*coded.where, col_key == wanted)
    return _ordered_segment_ids(session, query)

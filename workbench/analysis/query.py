"""The fragment query language: parsed into a tree, compiled to one SQL condition.

A query selects segments. Examples::

    welcome & !stigma
    (welcome | "host role") & place:"De Klup"
    stigma overlaps "community centre"
    attr:neighbourhood=Noord & speaker:R & kind:library

Terms
    ``NAME`` or ``"a name"``
        segments carrying that code (by any coder; only by the filter coder when
        :func:`compile_query` gets one; with ``rollup`` also a descendant of it).
    ``place:NAME``
        segments linked to that place (its name or an alias).
    ``kind:KIND``, ``status:STATUS``
        segments linked to a place of that kind or status.
    ``case:NAME``, ``doc:NAME``
        segments in a document of that case, or in that document.
    ``coder:NAME``
        segments carrying a coding by that coder.
    ``speaker:LABEL``
        segments whose speaker (see :func:`speaker_of`) has that label (any letter case).
    ``attr:KEY=VALUE``
        segments in documents of a case whose attribute KEY has VALUE (compared in the
        attribute's type: ``attr:age=067`` matches 67).

Operators, from the loosest to the tightest binding: ``|`` (or), ``&`` (and),
``overlaps``, ``!`` (not); parentheses group. ``A overlaps B`` selects the segments matching A
that share at least one character with a segment matching B in the same document; a segment
overlaps itself, so ``welcome overlaps stigma`` includes segments coded with both.

Bare words are letters, digits, ``_`` and ``-``; anything else (spaces, ``&``, a code named
``overlaps``) goes in double quotes, with ``\\"`` for a quote inside. Field values may also
contain ``.``, ``+``, ``/`` and ``'`` unquoted (``doc:interview-3.txt``). Errors raise
:class:`QueryError` with the 1-based column where the query went wrong.

Limits: parentheses and ``!`` nest at most :data:`MAX_NESTING` deep, and the tree at most
:data:`MAX_DEPTH` (a long chain of ``overlaps`` makes a deep tree); a query beyond them gets
a :class:`QueryError` that names the limit. Chains of ``&`` and ``|`` are built as balanced
trees, so a query of a thousand terms (``place:a | place:b | ...``) is only a few levels deep.

The compiled condition is a SQLAlchemy expression over a segment table alias, built from
``IN (subquery)`` tests that the database evaluates once per term, so a query costs a few
index lookups per segment, never a Python loop over segments.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, select

from workbench.coding.names import name_key
from workbench.errors import InvalidValue, quoted
from workbench.i18n import N_, _
from workbench.project.models import (
    Case,
    CaseValue,
    Code,
    Coder,
    Coding,
    Document,
    DocumentCase,
    Place,
    PlaceAlias,
    PlaceKind,
    PlaceStatus,
    Segment,
    SegmentPlace,
    Turn,
    Variable,
    id_col,
    table_of,
)

FIELDS = ("place", "case", "doc", "coder", "speaker", "attr", "kind", "status")
"""The prefixes of field terms."""

MAX_NESTING = 32
"""The deepest nesting of parentheses and ``!`` in a query."""

MAX_DEPTH = 64
"""The deepest query tree (each ``overlaps`` of a chain is a level)."""

MAX_OVERLAPS_NESTING = 6
"""The deepest nesting of ``overlaps`` in the right side of another ``overlaps`` (each is a
subquery inside the one before; SQLite's parser overflows at about ten)."""

MAX_TERMS = 500
"""The most terms in a query (SQLAlchemy joins a chain of ``&`` or ``|`` into one list, which
SQLite parses into an expression as deep as the chain is long; it refuses 1,000)."""


class QueryError(InvalidValue):
    """A query that cannot be parsed or names something that does not exist."""

    def __init__(self, query: str, column: int, reason: str) -> None:
        self.query = query
        """The query text."""
        self.column = column
        """1-based column where it went wrong."""
        self.reason = reason
        """What went wrong, without the position."""
        super().__init__(
            _("query: {reason} at column {column}").format(reason=reason, column=column)
        )

    def pointer(self) -> str:
        """The query with a caret under the column (two lines, for the TUI)."""
        return f"{self.query}\n{' ' * (self.column - 1)}^"


# --- the tree --------------------------------------------------------------------------------


def quote_term(name: str) -> str:
    """``name`` as a query writes it: as it is when it is a bare word (letters, digits, ``_``,
    ``-``; not ``overlaps``), else in double quotes with ``\\"`` and ``\\\\`` for a quote and a
    backslash. :func:`parse` reads it back as exactly ``name``, whatever it holds
    (``Theme: stigma``, ``a & b | !c``, ``"Home" feeling``)."""
    if name and all(ch.isalnum() or ch in "_-" for ch in name) and name.lower() != "overlaps":
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def code_term(name: str) -> str:
    """The query selecting the segments of the code called ``name``."""
    return quote_term(name)


def field_term(field: str, value: str) -> str:
    """The query term ``field:value`` (``place:"De Klup"``), the value quoted as needed."""
    if field not in FIELDS:
        raise ValueError(f"unknown query field {field!r}")
    return f"{field}:{quote_term(value)}"


@dataclass(frozen=True)
class CodeTerm:
    """Segments carrying a code."""

    name: str
    column: int

    def __str__(self) -> str:
        return quote_term(self.name)


@dataclass(frozen=True)
class FieldTerm:
    """``field:value`` (``attr`` has a ``key`` too)."""

    field: str
    value: str
    column: int
    value_column: int
    key: str | None = None

    def __str__(self) -> str:
        if self.key is not None:
            return f"{self.field}:{quote_term(self.key)}={quote_term(self.value)}"
        return f"{self.field}:{quote_term(self.value)}"


@dataclass(frozen=True)
class Not:
    """``!operand``."""

    operand: Node

    def __str__(self) -> str:
        return f"!{_wrap(self.operand, Not)}"


@dataclass(frozen=True)
class And:
    """``left & right``."""

    left: Node
    right: Node

    def __str__(self) -> str:
        return f"{_wrap(self.left, And)} & {_wrap(self.right, And)}"


@dataclass(frozen=True)
class Or:
    """``left | right``."""

    left: Node
    right: Node

    def __str__(self) -> str:
        return f"{_wrap(self.left, Or)} | {_wrap(self.right, Or)}"


@dataclass(frozen=True)
class Overlaps:
    """``left overlaps right``."""

    left: Node
    right: Node

    def __str__(self) -> str:
        return f"{_wrap(self.left, Overlaps)} overlaps {_wrap(self.right, Not)}"


Node = CodeTerm | FieldTerm | Not | And | Or | Overlaps
"""A node of the query tree."""

_RANK: dict[type, int] = {Or: 0, And: 1, Overlaps: 2, Not: 3, CodeTerm: 4, FieldTerm: 4}


def _wrap(node: Node, parent: type) -> str:
    """``node`` as text, in parentheses when it binds more loosely than its parent."""
    text = str(node)
    return f"({text})" if _RANK[type(node)] < _RANK[parent] else text


# --- the parser ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # word | string | op | end
    text: str
    column: int  # 1-based


_OPERATORS = "()!&|:="
_VALUE_EXTRA = ".+/'"


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in _OPERATORS:
            tokens.append(_Token("op", ch, i + 1))
            i += 1
        elif ch == '"':
            start, i, out = i, i + 1, []
            while i < n and query[i] != '"':
                if query[i] == "\\" and i + 1 < n:
                    i += 1
                out.append(query[i])
                i += 1
            if i >= n:
                raise QueryError(query, start + 1, _("this quote is never closed"))
            tokens.append(_Token("string", "".join(out), start + 1))
            i += 1
        elif ch.isalnum() or ch in "_-" or ch in _VALUE_EXTRA:
            start = i
            while i < n and (query[i].isalnum() or query[i] in "_-" or query[i] in _VALUE_EXTRA):
                i += 1
            tokens.append(_Token("word", query[start:i], start + 1))
        else:
            raise QueryError(query, i + 1, _("unexpected character {char}").format(char=repr(ch)))
    tokens.append(_Token("end", "", n + 1))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.index = 0
        self.nesting = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, reason: str, token: _Token | None = None) -> QueryError:
        token = token or self.token
        return QueryError(self.query, token.column, reason)

    def is_op(self, text: str) -> bool:
        return self.token.kind == "op" and self.token.text == text

    def is_overlaps(self) -> bool:
        return self.token.kind == "word" and self.token.text.lower() == "overlaps"

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise self.error(_("the query is empty"))
        terms = sum(1 for token in self.tokens if token.kind in ("word", "string"))
        if terms > MAX_TERMS:
            raise QueryError(
                self.query,
                1,
                _("the query has more than the limit of {limit} terms").format(limit=MAX_TERMS),
            )
        node = self.parse_or()
        if self.token.kind != "end":
            if self.is_op(")"):
                raise self.error(_("this ')' has no matching '('"))
            raise self.error(
                _("expected '&', '|' or 'overlaps' before {found}").format(found=self.describe())
            )
        deepest = depth(node)
        if deepest > MAX_DEPTH:
            raise QueryError(
                self.query,
                1,
                _(
                    "the query is {depth} levels deep, more than the limit of {limit} "
                    "(a long chain of 'overlaps'?)"
                ).format(depth=deepest, limit=MAX_DEPTH),
            )
        if _overlaps_nesting(node) > MAX_OVERLAPS_NESTING:
            raise QueryError(
                self.query,
                1,
                _(
                    "'overlaps' nests in the right side of another 'overlaps' deeper than the "
                    "limit of {limit} levels"
                ).format(limit=MAX_OVERLAPS_NESTING),
            )
        return node

    def nest(self) -> None:
        """Enter a '(' or '!': refused beyond :data:`MAX_NESTING` (the parser recurses)."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(
                _("parentheses and '!' nest deeper than the limit of {limit} levels").format(
                    limit=MAX_NESTING
                )
            )

    def describe(self, token: _Token | None = None) -> str:
        token = token or self.token
        if token.kind == "end":
            return _("the end of the query")
        if token.kind == "string":
            return f'"{token.text}"'
        return repr(token.text)

    def parse_or(self) -> Node:
        nodes = [self.parse_and()]
        while self.is_op("|"):
            self.take()
            nodes.append(self.parse_and())
        return _balanced(Or, nodes)

    def parse_and(self) -> Node:
        nodes = [self.parse_overlaps()]
        while self.is_op("&"):
            self.take()
            nodes.append(self.parse_overlaps())
        return _balanced(And, nodes)

    def parse_overlaps(self) -> Node:
        node = self.parse_not()
        while self.is_overlaps():
            self.take()
            node = Overlaps(node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.is_op("!"):
            self.nest()
            self.take()
            node = Not(self.parse_not())
            self.nesting -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.token
        if self.is_op("("):
            self.nest()
            self.take()
            if self.is_op(")"):
                raise self.error(_("empty parentheses"))
            node = self.parse_or()
            if not self.is_op(")"):
                raise self.error(
                    _("expected ')' to close the '(' at column {column}").format(
                        column=token.column
                    )
                )
            self.take()
            self.nesting -= 1
            return node
        if token.kind == "string":
            self.take()
            if not token.text.strip():
                raise self.error(_("a code name cannot be empty"), token)
            return CodeTerm(token.text, token.column)
        if token.kind == "word":
            if token.text.lower() == "overlaps":
                raise self.error(_("'overlaps' needs a term on each side (quote a code so named)"))
            self.take()
            if self.is_op(":"):
                return self.parse_field(token)
            if any(ch in _VALUE_EXTRA for ch in token.text):
                bad = next(i for i, ch in enumerate(token.text) if ch in _VALUE_EXTRA)
                raise QueryError(
                    self.query,
                    token.column + bad,
                    _(
                        "{char} cannot be part of a bare code name; put the name in double quotes"
                    ).format(char=repr(token.text[bad])),
                )
            return CodeTerm(token.text, token.column)
        raise self.error(
            _("expected a code name or a field (place:, case:, ...), found {found}").format(
                found=self.describe()
            )
        )

    def parse_field(self, word: _Token) -> Node:
        field = word.text.lower()
        if field not in FIELDS:
            raise self.error(
                _("unknown field '{name}:' (fields: {fields})").format(
                    name=word.text, fields=", ".join(f + ":" for f in FIELDS)
                ),
                word,
            )
        self.take()  # the colon
        if field == "attr":
            key = self.value_token(_("an attribute name after 'attr:'"))
            if not self.is_op("="):
                raise self.error(
                    _("expected '=' after the attribute name {name}").format(name=repr(key.text))
                )
            self.take()
            value = self.value_token(_("a value after 'attr:{name}='").format(name=key.text))
            return FieldTerm(field, value.text, word.column, value.column, key=key.text)
        value = self.value_token(_("a value after '{field}:'").format(field=field))
        return FieldTerm(field, value.text, word.column, value.column)

    def value_token(self, what: str) -> _Token:
        token = self.token
        if token.kind in ("word", "string") and token.text.strip():
            self.take()
            return token
        raise self.error(
            _("expected {what}, found {found}").format(what=what, found=self.describe())
        )


def _balanced(kind: type[And] | type[Or], nodes: list[Node]) -> Node:
    """``a & b & c & ...`` as a balanced tree of ``kind`` (the same query: ``&`` and ``|``
    are associative), so that a long chain is shallow. Two or three terms keep the
    left-leaning shape ``(a & b) & c``."""
    if len(nodes) == 1:
        return nodes[0]
    middle = (len(nodes) + 1) // 2
    return kind(_balanced(kind, nodes[:middle]), _balanced(kind, nodes[middle:]))


def depth(node: Node) -> int:
    """The depth of a query tree (a single term is 1), found without recursion."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, Not):
            stack.append((current.operand, level + 1))
        elif isinstance(current, And | Or | Overlaps):
            stack.append((current.left, level + 1))
            stack.append((current.right, level + 1))
    return deepest


def _overlaps_nesting(node: Node) -> int:
    """How deep ``overlaps`` nest in right sides of ``overlaps`` (each one is a subquery)."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 0)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, Not):
            stack.append((current.operand, level))
        elif isinstance(current, And | Or):
            stack += [(current.left, level), (current.right, level)]
        elif isinstance(current, Overlaps):
            stack += [(current.left, level), (current.right, level + 1)]
    return deepest


def parse(query: str) -> Node:
    """The tree of ``query``; raises :class:`QueryError` with the column of the first problem
    (a query nested beyond :data:`MAX_NESTING` or :data:`MAX_DEPTH` too)."""
    return _Parser(query).parse()


# --- compiling to SQL ------------------------------------------------------------------------


def speaker_of(segment: sa.FromClause) -> sa.ColumnElement[str | None]:
    """The speaker of a segment, as a SQL expression over a segment table (or alias).

    The speaker is that of the turn containing the segment's first character, or when that
    character lies outside every turn (a blank line, a heading), of the first turn that begins
    inside the segment; None when the segment touches no turn. Each branch is one index seek.
    """
    turn = table_of(Turn)
    containing = (
        sa.select(turn.c.speaker)
        .where(turn.c.document_id == segment.c.document_id, turn.c.start <= segment.c.start)
        .order_by(turn.c.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    containing_end = (
        sa.select(turn.c.end)
        .where(turn.c.document_id == segment.c.document_id, turn.c.start <= segment.c.start)
        .order_by(turn.c.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    following = (
        sa.select(turn.c.speaker)
        .where(
            turn.c.document_id == segment.c.document_id,
            turn.c.start > segment.c.start,
            turn.c.start < segment.c.end,
        )
        .order_by(turn.c.start)
        .limit(1)
        .scalar_subquery()
    )
    return sa.case((containing_end > segment.c.start, containing), else_=following)


class _Stored(Protocol):
    """A table model: its rows have an integer ``id``."""

    id: int | None


_UNKNOWN = {
    "code": N_("no code called {name}"),
    "place": N_("no place called {name}"),
    "place kind": N_("no place kind called {name}"),
    "place status": N_("no place status called {name}"),
    "document": N_("no document called {name}"),
    "case": N_("no case called {name}"),
    "coder": N_("no coder called {name}"),
    "speaker": N_("no speaker called {name}"),
    "attribute": N_("no attribute called {name}"),
}
"""The error for a name that is not in the project, per kind of thing the query names."""


class _Compiler:
    def __init__(self, session: Session, query: str, *, coder_id: int | None, rollup: bool) -> None:
        self.session = session
        self.query = query
        self.coder_id = coder_id
        self.rollup = rollup
        self._children: dict[int | None, list[int]] | None = None

    def fail(self, column: int, reason: str) -> QueryError:
        return QueryError(self.query, column, reason)

    def unknown(self, column: int, what: str, name: str, names: list[str]) -> QueryError:
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        reason = _(_UNKNOWN[what]).format(name=quoted(name))
        if close:
            hint = _("did you mean {names}?").format(names=", ".join(quoted(c) for c in close))
            reason = f"{reason} ({hint})"
        return self.fail(column, reason)

    def lookup(
        self, model: type[_Stored], column: int, what: str, name: str, attribute: str = "name"
    ) -> int:
        """The id of the row whose ``attribute`` is ``name`` (exact, else in any letter case
        and spacing: :func:`workbench.coding.names.name_key`, compared in Python because
        SQLite's ``lower`` knows only ASCII letters)."""
        field = getattr(model, attribute)
        found = self.session.exec(select(id_col(model.id)).where(field == name)).all()
        if not found:
            key = name_key(name)
            rows = self.session.exec(
                select(id_col(model.id), field).order_by(id_col(model.id))
            ).all()
            found = [row_id for row_id, row_name in rows if name_key(row_name) == key]
        if len(found) != 1:
            names = list(self.session.exec(select(field).order_by(field)))
            raise self.unknown(column, what, name, names)
        return int(found[0])

    def descendants(self, code_id: int) -> list[int]:
        if self._children is None:
            self._children = {}
            for cid, parent in self.session.exec(select(id_col(Code.id), Code.parent_id)):
                self._children.setdefault(parent, []).append(cid)
        out, stack = [], [code_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(self._children.get(current, []))
        return out

    def codings(self, *conditions: sa.ColumnElement[bool]) -> sa.Select[*tuple[Any, ...]]:
        coding = table_of(Coding)
        stmt = sa.select(coding.c.segment_id).where(*conditions)
        if self.coder_id is not None:
            stmt = stmt.where(coding.c.coder_id == self.coder_id)
        return stmt

    def links(self, *conditions: sa.ColumnElement[bool]) -> sa.Select[*tuple[Any, ...]]:
        link, place = table_of(SegmentPlace), table_of(Place)
        return (
            sa.select(link.c.segment_id)
            .select_from(link.join(place, place.c.id == link.c.place_id))
            .where(*conditions)
        )

    def documents_of_cases(
        self, *conditions: sa.ColumnElement[bool]
    ) -> sa.Select[*tuple[Any, ...]]:
        dc = table_of(DocumentCase)
        return sa.select(dc.c.document_id).where(*conditions)

    def compile(self, node: Node, seg: sa.FromClause) -> sa.ColumnElement[bool]:
        if isinstance(node, And):
            return sa.and_(self.compile(node.left, seg), self.compile(node.right, seg))
        if isinstance(node, Or):
            return sa.or_(self.compile(node.left, seg), self.compile(node.right, seg))
        if isinstance(node, Not):
            return sa.not_(self.compile(node.operand, seg))
        if isinstance(node, Overlaps):
            inner = table_of(Segment).alias()
            outer = table_of(Segment).alias()
            pairs = (
                sa.select(outer.c.id)
                .select_from(
                    outer.join(
                        inner,
                        sa.and_(
                            inner.c.document_id == outer.c.document_id,
                            inner.c.start < outer.c.end,
                            outer.c.start < inner.c.end,
                        ),
                    )
                )
                .where(self.compile(node.right, inner))
            )
            return sa.and_(self.compile(node.left, seg), seg.c.id.in_(pairs))
        if isinstance(node, CodeTerm):
            code_id = self.lookup(Code, node.column, "code", node.name)
            ids = self.descendants(code_id) if self.rollup else [code_id]
            coding = table_of(Coding)
            return seg.c.id.in_(self.codings(coding.c.code_id.in_(ids)))
        return self.field(node, seg)

    def field(self, node: FieldTerm, seg: sa.FromClause) -> sa.ColumnElement[bool]:
        place = table_of(Place)
        column, value = node.value_column, node.value
        if node.field == "place":
            try:
                place_id = self.lookup(Place, column, "place", value)
            except QueryError:
                aliased = self.session.exec(
                    select(PlaceAlias.place_id)
                    .where(sa.func.lower(PlaceAlias.alias) == value.lower())
                    .distinct()
                ).all()
                if len(aliased) != 1:
                    raise
                place_id = int(aliased[0])
            return seg.c.id.in_(self.links(place.c.id == place_id))
        if node.field in ("kind", "status"):
            model = PlaceKind if node.field == "kind" else PlaceStatus
            what = "place kind" if node.field == "kind" else "place status"
            found_id = self.lookup(model, column, what, value)
            name = self.session.exec(select(model.name).where(model.id == found_id)).one()
            target = place.c.kind if node.field == "kind" else place.c.status
            return seg.c.id.in_(self.links(target == name))
        if node.field == "doc":
            document_id = self.lookup(Document, column, "document", value)
            return seg.c.document_id == document_id
        if node.field == "case":
            case_id = self.lookup(Case, column, "case", value)
            dc = table_of(DocumentCase)
            return seg.c.document_id.in_(self.documents_of_cases(dc.c.case_id == case_id))
        if node.field == "coder":
            coder_id = self.lookup(Coder, column, "coder", value)
            coding = table_of(Coding)
            return seg.c.id.in_(sa.select(coding.c.segment_id).where(coding.c.coder_id == coder_id))
        if node.field == "speaker":
            labels = [s for s in self.session.exec(select(Turn.speaker).distinct()) if s]
            if value.lower() not in {label.lower() for label in labels}:
                raise self.unknown(column, "speaker", value, labels)
            return sa.func.lower(speaker_of(seg)) == value.lower()
        if node.field == "attr":
            return self.attribute(node, seg)
        raise AssertionError(node.field)  # pragma: no cover - the parser knows FIELDS

    def attribute(self, node: FieldTerm, seg: sa.FromClause) -> sa.ColumnElement[bool]:
        from workbench.coding.cases import canonical

        assert node.key is not None
        key_column = node.column + len("attr:")
        variable_id = self.lookup(Variable, key_column, "attribute", node.key)
        variable = self.session.get(Variable, variable_id)
        assert variable is not None
        try:
            value = canonical(variable.type, node.value)
        except InvalidValue as exc:
            raise self.fail(
                node.value_column,
                _("{reason} (attribute {name})").format(reason=exc, name=repr(variable.name)),
            ) from None
        dc, cv = table_of(DocumentCase), table_of(CaseValue)
        cases = sa.select(cv.c.case_id).where(cv.c.variable_id == variable_id, cv.c.value == value)
        return seg.c.document_id.in_(self.documents_of_cases(dc.c.case_id.in_(cases)))


def compile_query(
    session: Session,
    query: str | Node,
    segment: sa.FromClause | None = None,
    *,
    coder_id: int | None = None,
    rollup: bool = False,
) -> sa.ColumnElement[bool]:
    """The SQL condition selecting the rows of ``segment`` (default: the segment table) that
    match ``query``. Names are looked up now; unknown ones raise :class:`QueryError`."""
    text = query if isinstance(query, str) else str(query)
    tree = parse(query) if isinstance(query, str) else query
    target = table_of(Segment) if segment is None else segment
    return _Compiler(session, text, coder_id=coder_id, rollup=rollup).compile(tree, target)


def matching_segments(
    session: Session, query: str, *, coder_id: int | None = None, rollup: bool = False
) -> sa.Select[*tuple[Any, ...]]:
    """A ``SELECT id FROM segment WHERE <query>`` statement (for use as a subquery)."""
    segment = table_of(Segment)
    condition = compile_query(session, query, segment, coder_id=coder_id, rollup=rollup)
    return sa.select(segment.c.id).where(condition)


Visitor = Callable[[Node], None]


def walk(node: Node, visit: Visitor) -> None:
    """Call ``visit`` on every node of the tree, parents first."""
    visit(node)
    if isinstance(node, Not):
        walk(node.operand, visit)
    elif isinstance(node, And | Or | Overlaps):
        walk(node.left, visit)
        walk(node.right, visit)

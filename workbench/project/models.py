"""The tables of a project database.

One SQLite file per project (or a PostgreSQL database: nothing here is SQLite-only). The
tables follow the data model of DESIGN.md. Offsets are zero-based code-point offsets into
``Document.text``, end exclusive, the same convention as REFI-QDA ``PlainTextSelection``.

Link tables (document–case, segment–place, codings) have a surrogate integer key of their
own, so that the change log can record and restore every row the same way.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Protocol, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Field, SQLModel, col

# Named constraints let Alembic's batch mode (SQLite cannot ALTER) find them again.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Start-up: pydantic builds a model's validator and serializer when it is first used, not at
# class creation. Table models never validate on construction (SQLModel sets their fields
# directly), so a command that only reads and writes rows never builds them at all.
SQLModel.model_config["defer_build"] = True


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (as SQLModel's UTCDateTime requires)."""
    return datetime.now(UTC)


def new_guid() -> str:
    """A fresh GUID for exchange (REFI-QDA), lower case without braces."""
    return str(uuid.uuid4())


def table_of(model: type[SQLModel]) -> sa.Table:
    """The ``sa.Table`` of a table model (its ``__table__``).

    SQLAlchemy sets ``__table__`` when it maps the class, but SQLModel does not declare it, so
    type checkers cannot see it; the mapper's ``local_table`` is the same object.
    """
    table = sa.inspect(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The primary key of a row that has been flushed.

    SQLModel types ``id`` as ``int | None`` because it is None until the first flush; raises
    :class:`ValueError` for a row that has not been flushed yet.
    """
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet (it has not been flushed)")
    return row.id


def id_col(column: int | None) -> Mapped[int]:
    """``col(Model.id)`` typed as the ``int`` it is in a query.

    SQLModel types primary keys as ``int | None`` (None before the first flush); a key read
    from the database is never NULL.
    """
    return cast("Mapped[int]", col(column))


def _fk(target: str, *, index: bool = True, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(sa.Integer, sa.ForeignKey(target), index=index, nullable=nullable)


class Coder(SQLModel, table=True):
    """A person who codes. Every segment, coding, link and memo records its coder."""

    __tablename__ = "coder"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """A transcript. Its text is normalised once at import and never changes afterwards."""

    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    source_name: str = ""
    sha256: str = Field(index=True)
    language: str = "en"
    encoding: str = "utf-8"
    paragraph_mode: str = "lines"
    # The citation label the researcher set (0005): cited instead of the file name when
    # pseudonyms are on and the document has no case.
    label: str = Field(
        default="", sa_column=sa.Column(sa.String, nullable=False, server_default="")
    )
    char_count: int = 0
    word_count: int = 0
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)
    coder_id: int | None = Field(
        default=None, sa_column=_fk("coder.id", index=False, nullable=True)
    )


class Turn(SQLModel, table=True):
    """A speaker turn: ``start``..``end`` covers label and speech, ``text_start`` the speech."""

    __tablename__ = "turn"
    # Covering (id, document_id, start, end): span joins read the index alone (0004).
    __table_args__ = (sa.Index("ix_turn_doc_start_end", "document_id", "start", "end"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", index=False))
    position: int
    start: int
    end: int
    text_start: int
    speaker: str | None = Field(default=None, index=True)


class Sentence(SQLModel, table=True):
    """A sentence found by spaCy's sentencizer (or a trained parser), stored at import."""

    __tablename__ = "sentence"
    # Covering (id, document_id, start, end): span joins read the index alone (0004).
    __table_args__ = (sa.Index("ix_sentence_doc_start_end", "document_id", "start", "end"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", index=False))
    start: int
    end: int


class Paragraph(SQLModel, table=True):
    """A paragraph: one non-empty line, or a block between blank lines."""

    __tablename__ = "paragraph"
    # Covering (id, document_id, start, end): span joins read the index alone (0004).
    __table_args__ = (sa.Index("ix_paragraph_doc_start_end", "document_id", "start", "end"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", index=False))
    start: int
    end: int


class Case(SQLModel, table=True):
    """A participant or other unit of analysis, with typed attributes."""

    __tablename__ = "case"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    description: str = ""
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    coder_id: int | None = Field(
        default=None, sa_column=_fk("coder.id", index=False, nullable=True)
    )


class DocumentCase(SQLModel, table=True):
    """A document belongs to zero or more cases."""

    __tablename__ = "document_case"
    __table_args__ = (sa.UniqueConstraint("document_id", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", index=False))
    case_id: int = Field(sa_column=_fk("case.id"))


class Variable(SQLModel, table=True):
    """An attribute that cases can have, with its type (REFI-QDA calls these variables)."""

    __tablename__ = "variable"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    type: str = "text"  # text | integer | float | date | boolean
    description: str = ""
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))


class CaseValue(SQLModel, table=True):
    """The value of one attribute for one case, stored in its canonical text form."""

    __tablename__ = "case_value"
    __table_args__ = (sa.UniqueConstraint("case_id", "variable_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=_fk("case.id", index=False))
    variable_id: int = Field(sa_column=_fk("variable.id"))
    value: str


class Code(SQLModel, table=True):
    """A code in the code tree."""

    __tablename__ = "code"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    label: str = ""
    parent_id: int | None = Field(default=None, sa_column=_fk("code.id", nullable=True))
    position: int = 0
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str = ""  # "" is no colour: drawn in coding.codes.DEFAULT_COLOR, exported without
    # REFI-QDA's isCodable (0005): False for a code that only groups others.
    codable: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default="1")
    )
    # The anchor quote for the codebook report (0005); not a foreign key, see the migration.
    anchor_segment_id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    keywords: str = "[]"  # JSON list of strings
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    coder_id: int | None = Field(
        default=None, sa_column=_fk("coder.id", index=False, nullable=True)
    )


class Segment(SQLModel, table=True):
    """A coded passage of a document: ``start``..``end`` in code points, end exclusive."""

    __tablename__ = "segment"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "start", "end", name="uq_segment_span"),
        sa.CheckConstraint('start >= 0 AND start < "end"', name="span"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", index=False))
    start: int
    end: int
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    coder_id: int = Field(sa_column=_fk("coder.id"))


class Coding(SQLModel, table=True):
    """One code applied to one segment by one coder."""

    __tablename__ = "coding"
    __table_args__ = (sa.UniqueConstraint("segment_id", "code_id", "coder_id"),)
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(sa_column=_fk("segment.id", index=False))
    code_id: int = Field(sa_column=_fk("code.id"))
    coder_id: int = Field(sa_column=_fk("coder.id"))
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class PlaceKind(SQLModel, table=True):
    """A kind of place (library, community centre, park), from the codebook."""

    __tablename__ = "place_kind"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    label: str = ""
    description: str = ""
    position: int = 0


class PlaceStatus(SQLModel, table=True):
    """A status of a place (existing, lost, missed, wished), with its label."""

    __tablename__ = "place_status"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    label: str = ""
    description: str = ""
    position: int = 0


class Place(SQLModel, table=True):
    """A place people talk about: a first-class object that segments link to."""

    __tablename__ = "place"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    kind: str = Field(default="other", index=True)
    status: str = Field(default="existing", index=True)
    neighbourhood: str = ""
    municipality: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    coder_id: int | None = Field(
        default=None, sa_column=_fk("coder.id", index=False, nullable=True)
    )


class PlaceAlias(SQLModel, table=True):
    """Another name of a place ("the library", "bieb")."""

    __tablename__ = "place_alias"
    __table_args__ = (sa.UniqueConstraint("place_id", "alias"),)
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(sa_column=_fk("place.id", index=False))
    alias: str


class SegmentPlace(SQLModel, table=True):
    """A link from a segment to a place it talks about."""

    __tablename__ = "segment_place"
    __table_args__ = (sa.UniqueConstraint("segment_id", "place_id"),)
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(sa_column=_fk("segment.id", index=False))
    place_id: int = Field(sa_column=_fk("place.id"))
    coder_id: int = Field(sa_column=_fk("coder.id", index=False))
    created_at: datetime = Field(default_factory=utcnow)


#: At most one target per memo. Counted with CASE, which every database accepts (adding the
#: booleans of ``IS NOT NULL``, as this check first did, works only in SQLite); it means the
#: same, so projects made with the older text need no migration.
ONE_TARGET_CHECK = (
    " + ".join(
        f"CASE WHEN {column} IS NULL THEN 0 ELSE 1 END"
        for column in ("document_id", "code_id", "segment_id", "case_id", "place_id")
    )
    + " <= 1"
)


class Memo(SQLModel, table=True):
    """Free text on the project (no target) or on one document, code, segment, case or place."""

    __tablename__ = "memo"
    __table_args__ = (
        sa.CheckConstraint(
            ONE_TARGET_CHECK,
            name="one_target",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    document_id: int | None = Field(default=None, sa_column=_fk("document.id", nullable=True))
    code_id: int | None = Field(default=None, sa_column=_fk("code.id", nullable=True))
    segment_id: int | None = Field(default=None, sa_column=_fk("segment.id", nullable=True))
    case_id: int | None = Field(default=None, sa_column=_fk("case.id", nullable=True))
    place_id: int | None = Field(default=None, sa_column=_fk("place.id", nullable=True))
    guid: str = Field(default_factory=new_guid, sa_column=sa.Column(sa.String, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    coder_id: int = Field(sa_column=_fk("coder.id", index=False))


class Setting(SQLModel, table=True):
    """Project settings and codebook metadata, as JSON values under a key."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str = "null"


class Change(SQLModel, table=True):
    """One user action (a command, a TUI action): the unit of undo and redo.

    ``state`` is ``done``, ``undone`` (on the redo stack) or ``dropped`` (undone and then
    replaced by a new change; kept for the audit trail).
    """

    __tablename__ = "change"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    coder_id: int | None = Field(
        default=None, sa_column=_fk("coder.id", index=False, nullable=True)
    )
    action: str
    summary: str = ""
    state: str = Field(default="done", index=True)


class ChangeRow(SQLModel, table=True):
    """The before and after image of one row touched by a change (JSON, null when absent)."""

    __tablename__ = "change_row"
    __table_args__ = (sa.Index("ix_change_row_change_seq", "change_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(sa_column=_fk("change.id", index=False))
    seq: int
    table_name: str
    row_id: int
    before: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    after: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))


#: Tables whose rows the change log records (undo/redo applies to them).
TRACKED_TABLES: tuple[type[SQLModel], ...] = (
    Code,
    Segment,
    Coding,
    Place,
    PlaceAlias,
    SegmentPlace,
    Memo,
    Case,
    DocumentCase,
    Variable,
    CaseValue,
    PlaceKind,
    # Speaker turns as the researcher fixes them (workbench.coding.speakers); the import
    # writes its turns with Core inserts, which the log does not record.
    Turn,
)


class Pseudonym(SQLModel, table=True):
    """A real name (of a person or a place) and the pseudonym that replaces it in exports.

    ``variants`` is a JSON list of other spellings of the real name that are replaced too.
    """

    __tablename__ = "pseudonym"
    id: int | None = Field(default=None, primary_key=True)
    real: str = Field(sa_column=sa.Column(sa.String, unique=True, nullable=False))
    pseudonym: str
    kind: str = "person"  # person | place
    variants: str = "[]"
    created_at: datetime = Field(default_factory=utcnow)


TRACKED_TABLES = (*TRACKED_TABLES, Pseudonym)


class Erasure(SQLModel, table=True):
    """What a purge erased, as a keyed fingerprint: never the erased text itself.

    A merge of an older copy of the project reads these, so that it does not bring back what
    the researcher purged (see :mod:`workbench.project.erasures`). Not tracked by the change
    log: a purge cannot be undone.
    """

    __tablename__ = "erasure"
    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    purged_at: datetime = Field(default_factory=utcnow)


# --- the lemma index (derived data: rebuilt, never undone; see workbench.text.lemmas) -------------


class IndexForm(SQLModel, table=True):
    """A word form of the lemma index: lower-cased surface form and its lemma, per language."""

    __tablename__ = "index_form"
    __table_args__ = (
        sa.UniqueConstraint("language", "form", name="uq_index_form_language_form"),
        sa.Index("ix_index_form_language_lemma", "language", "lemma"),
    )
    id: int | None = Field(
        default=None, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    language: str
    form: str
    lemma: str | None = None  # None until the first search after the import fills it


class IndexPosting(SQLModel, table=True):
    """Where one form occurs in the documents of one chunk of the index.

    A chunk is a batch of documents indexed together (an import, or a lazy indexing run),
    so a form has one row per chunk, not one per document. ``data`` packs the documents,
    their occurrence counts and the offsets: see :func:`workbench.text.lemmas.encode_postings`.
    """

    __tablename__ = "index_posting"
    form_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("index_form.id"), primary_key=True)
    )
    chunk: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True))
    documents: int
    count: int
    data: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))


class IndexedDocument(SQLModel, table=True):
    """A document in the lemma index, and the chunk that holds its postings.

    A document without a row is not indexed yet. Postings of a document in another chunk
    than the one named here are stale and ignored.
    """

    __tablename__ = "indexed_document"
    document_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("document.id"), primary_key=True)
    )
    chunk: int
    tokens: int = 0
    lemmatiser: str = ""
    indexed_at: datetime = Field(default_factory=utcnow)

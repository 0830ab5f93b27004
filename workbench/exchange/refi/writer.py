"""Export to REFI-QDA: a ``.qdpx`` project (``project.qde`` plus ``sources/*.txt``) or a ``.qdc``
codebook, validated against the shipped QDA-XML 1.0 schemas before the file is written.

What travels where in ``project.qde``:

- coders are ``Users``; codes are the ``CodeBook`` tree (colour, description; label,
  criteria, example and keywords in a block of :func:`~workbench.exchange.refi.code_block` at
  the end of the description);
- places are codes too: a top-level, not codable code
  :data:`~workbench.exchange.refi.PLACES_CODE` holds one child per place whose description ends
  with the block of :func:`~workbench.exchange.refi.place_block`, and a Set of the same name
  lists them, so that other tools show the places and our import restores them; every link of a
  passage to a place is a ``Coding`` of the place's code on that passage's selection;
- case attributes are ``Variables``; cases are ``Cases`` with ``VariableValue`` and
  ``SourceRef`` (their documents);
- documents are ``TextSource`` elements with their text as ``sources/<guid>.txt`` (UTF-8, no
  BOM) and one ``PlainTextSelection`` per segment (offsets in code points, end exclusive, as
  ours), carrying one ``Coding`` per (code, coder);
- memos are ``Notes`` (inline ``PlainTextContent``), referred to by a ``NoteRef`` from the
  project, a document, a code, a place's code or a selection. A case cannot hold a
  ``NoteRef`` in the schema, so a case memo is a Note named
  :data:`~workbench.exchange.refi.CASE_NOTE_PREFIX` followed by the case name.

Streaming: ``project.qde`` is written with lxml's incremental writer (``etree.xmlfile``) into
the zip member, one document at a time, and the texts are streamed into the zip after it, so
memory stays bounded whatever the project size. lxml builds every element except the
selections and their codings: those are formatted directly (they are 95 % of the file and
lxml elements cost twenty times more). Everything written is fed at the same time to a
validating lxml pull parser with the shipped ``schema/Project-mrt2019.xsd``, which drops each
document once it is checked. The zip is built under a temporary name beside the target and
renamed into place only when it is complete and valid: a failed export leaves no file behind.
An export that does not validate is a bug of the workbench and raises :class:`InvalidExport`.
"""

from __future__ import annotations

import bisect
import os
import queue
import re
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Protocol

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workbench import __version__
from workbench.errors import Conflict, InvalidValue, WorkbenchError
from workbench.exchange.files import temporary_beside
from workbench.exchange.refi import (
    CASE_NOTE_PREFIX,
    CODEBOOK_NS,
    PLACES_CODE,
    PROJECT_NS,
    code_block,
    place_block,
)
from workbench.i18n import N_, _
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
    id_of,
)

SCHEMA_DIR = Path(__file__).parent / "schema"
"""The shipped REFI-QDA schemas (MIT, see ``schema/LICENSE.md``)."""
PROJECT_XSD = SCHEMA_DIR / "Project-mrt2019.xsd"
"""The schema of ``project.qde`` (``urn:QDA-XML:project:1.0``)."""
CODEBOOK_XSD = SCHEMA_DIR / "Codebook.xsd"
"""The schema of ``.qdc`` codebooks (``urn:QDA-XML:codebook:1.0``)."""

SOURCES_FOLDER = "sources"
"""The folder of the source texts inside a ``.qdpx`` (spec §8)."""
ORIGIN = f"workbench {__version__}"
"""The ``origin`` attribute of what we export."""

PLACE_COLORS = {"existing": "#2e7d32", "lost": "#757575", "missed": "#ef6c00", "wished": "#1565c0"}
"""The colour of a place's code by status, for the tools that show code colours."""

_GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:workbench:refi-qda")
PLACES_CODE_GUID = str(uuid.uuid5(_GUID_NS, "places-code"))
"""The GUID of the top-level Places code (fixed, so that repeated exports agree)."""
PLACES_SET_GUID = str(uuid.uuid5(_GUID_NS, "places-set"))
"""The GUID of the Places set."""

_BATCH = 2000
_RGB = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")  # the schema's RGBType (fullmatch)
_HEX_GUID = r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
_GUID = re.compile(rf"{_HEX_GUID}|\{{{_HEX_GUID}\}}")  # the schema's GUIDType (fullmatch)
# Characters XML 1.0 cannot carry at all (lxml refuses them); replaced by U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)
_VARIABLE_TYPES = {
    "text": ("Text", "TextValue"),
    "integer": ("Integer", "IntegerValue"),
    "float": ("Float", "FloatValue"),
    "date": ("Date", "DateValue"),
    "boolean": ("Boolean", "BooleanValue"),
}


@dataclass(frozen=True)
class Profile:
    """How an export is shaped for one peer tool (see ``docs/refi-qda.md``)."""

    name: str
    tool: str
    utf16: bool = False
    """Offsets in UTF-16 code units over CRLF text, texts written with CRLF and a BOM."""
    lines: bool = False
    """One selection per coded line, named ``line:N`` (0-based), as qc writes and reads."""
    case_codes: bool = False
    """Each case also as a code with the case's GUID, coding its documents whole."""


PROFILES: dict[str, Profile] = {
    "refi": Profile("refi", "REFI-QDA 1.5 (any tool)"),
    "qualcoder": Profile("qualcoder", "QualCoder", case_codes=True),
    "nvivo": Profile("nvivo", "NVivo", utf16=True),
    "atlasti": Profile("atlasti", "ATLAS.ti"),
    "maxqda": Profile("maxqda", "MAXQDA"),
    "qc": Profile("qc", "qc", lines=True),
}
"""The export profiles by name: ``refi`` is the standard; the others add a peer's quirks."""


class InvalidExport(WorkbenchError):
    """The file we generated does not validate against the REFI-QDA schema: a workbench bug."""


@dataclass
class ExportReport:
    """What an export wrote: the file, its format and how many of each thing."""

    path: str
    format: str
    profile: str = "refi"
    users: int = 0
    codes: int = 0
    places: int = 0
    variables: int = 0
    cases: int = 0
    documents: int = 0
    selections: int = 0
    codings: int = 0
    notes: int = 0

    def to_dict(self) -> dict[str, object]:
        """The report as the ``--json`` output of ``workbench export``."""
        return asdict(self)


# --- schemas and validation ------------------------------------------------------------------


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@lru_cache(maxsize=1)
def project_schema() -> etree.XMLSchema:
    """The QDA-XML project schema (``project.qde``), loaded once."""
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD), _safe_parser()))


@lru_cache(maxsize=1)
def codebook_schema() -> etree.XMLSchema:
    """The QDA-XML codebook schema (``.qdc``), loaded once."""
    return etree.XMLSchema(etree.parse(str(CODEBOOK_XSD), _safe_parser()))


_SCHEMA_BUG = N_(
    "{what} does not validate against the REFI-QDA schema ({detail}); "
    "this is a workbench bug, please report it"
)


def _invalid(what: str, exc: Exception | None = None, log: Any = None) -> InvalidExport:
    log = log if log is not None else getattr(exc, "error_log", None)
    entry = log.last_error if log else None
    if entry is not None:
        detail = _("line {line}: {message}").format(line=entry.line, message=entry.message)
    else:
        detail = str(exc)
    return InvalidExport(_(_SCHEMA_BUG).format(what=what, detail=detail))


_DROPPED_TAGS = ("TextSource", "Note", "Case")

# The validator that runs in a second process: lxml alone, reading the XML from stdin.
_VALIDATOR_SCRIPT = """
import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1], etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False)))
tags = tuple("{%s}%s" % (sys.argv[2], tag) for tag in sys.argv[3:])
try:
    for _event, element in etree.iterparse(
        sys.stdin.buffer, events=("end",), tag=tags, schema=schema, huge_tree=True,
        resolve_entities=False, no_network=True,
    ):
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
except etree.XMLSyntaxError as exc:
    entry = exc.error_log.last_error if exc.error_log else None
    sys.stdout.write("line %s: %s" % (entry.line, entry.message) if entry else str(exc))
    sys.exit(3)
"""


class _InlineValidator:
    """Validates XML fed to it, in this process: a pull parser that keeps only the element
    being checked (each ``TextSource``, ``Note`` and ``Case`` is dropped once validated)."""

    def __init__(self, schema: etree.XMLSchema, what: str) -> None:
        self.what = what
        self.parser = etree.XMLPullParser(
            events=("end",),
            tag=tuple(_q(tag) for tag in _DROPPED_TAGS),
            schema=schema,
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
        )

    def feed(self, data: bytes) -> None:
        """Validate the next piece of the document."""
        try:
            self.parser.feed(data)
        except etree.XMLSyntaxError as exc:
            raise _invalid(self.what, exc) from exc
        for _event, element in self.parser.read_events():
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]

    def close(self) -> None:
        """End the document: raises :class:`InvalidExport` when it is incomplete or invalid."""
        try:
            self.parser.close()
        except etree.XMLSyntaxError as exc:
            raise _invalid(self.what, exc) from exc

    def abort(self) -> None:
        """Give up (the export failed for another reason)."""


class _ProcessValidator:
    """Validates XML fed to it in a second Python process, so that checking a large export
    runs on another core while this process writes it (the validation is about 40 % of the
    work). A thread moves the XML through the pipe, so that neither side waits for the
    other while a chunk is in flight (a pipe holds only 64 KiB); the queue between them is
    bounded, and so is memory. The process answers with its exit status and first error."""

    _QUEUED = 64  # chunks: a document's markup, or a piece of lxml's output

    def __init__(self, what: str) -> None:
        self.what = what
        self.process = subprocess.Popen(
            [sys.executable, "-c", _VALIDATOR_SCRIPT, str(PROJECT_XSD), PROJECT_NS]
            + list(_DROPPED_TAGS),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=self._QUEUED)
        self.stopped = threading.Event()
        self.feeder = threading.Thread(target=self._feed_pipe, name="qdpx-validator", daemon=True)
        self.feeder.start()

    def _feed_pipe(self) -> None:
        pipe = self.process.stdin
        assert pipe is not None
        while (data := self.queue.get()) is not None:
            if self.stopped.is_set():
                continue  # drain: the validator has stopped reading
            try:
                pipe.write(data)
            except (BrokenPipeError, OSError):
                self.stopped.set()
        try:
            pipe.close()
        except (BrokenPipeError, OSError):
            pass

    def feed(self, data: bytes) -> None:
        """Send the next piece of the document (once the validator has found an error and
        stopped reading, the rest is dropped; :meth:`close` reports the error)."""
        if not self.stopped.is_set():
            self.queue.put(data)

    def close(self) -> None:
        """Wait for the verdict: raises :class:`InvalidExport` when the document is invalid."""
        self.queue.put(None)
        self.feeder.join()
        stdout, stderr = self.process.stdout, self.process.stderr
        assert stdout is not None and stderr is not None  # opened with PIPE
        message = stdout.read().decode("utf-8", "replace")
        errors = stderr.read().decode("utf-8", "replace")
        status = self.process.wait()
        stdout.close()
        stderr.close()
        if status == 3:
            raise InvalidExport(_(_SCHEMA_BUG).format(what=self.what, detail=message))
        if status != 0:
            last = errors.strip().splitlines()[-1:] or [f"exit status {status}"]
            raise InvalidExport(
                _("{what}: the schema check failed to run ({reason})").format(
                    what=self.what, reason=last[0]
                )
            )

    def abort(self) -> None:
        """Stop the validator (the export failed for another reason)."""
        self.stopped.set()
        if self.process.poll() is None:
            self.process.kill()
        self.queue.put(None)
        self.feeder.join()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None  # opened with PIPE
            stream.close()


PARALLEL_FROM_SEGMENTS = 20_000
"""From this many segments on, the export validates in a second process (when it can start
one): below it, starting the process costs more than it saves."""


def _validator(
    what: str, segments: int, parallel: bool | None
) -> _InlineValidator | _ProcessValidator:
    if parallel is None:
        parallel = segments >= PARALLEL_FROM_SEGMENTS and (os.cpu_count() or 1) > 1
    if parallel and sys.executable and not getattr(sys, "frozen", False):
        try:
            return _ProcessValidator(what)
        except OSError:
            pass  # no second process here: validate in this one
    return _InlineValidator(project_schema(), what)


class _Sink(Protocol):
    """Where ``project.qde`` is written: a zip member, or a :class:`_ValidatingSink`."""

    def write(self, data: bytes, /) -> int: ...


class _ValidatingSink:
    """A write-only stream that passes everything on to ``target`` and to a validator."""

    def __init__(self, target: IO[bytes], validator: _InlineValidator | _ProcessValidator) -> None:
        self.target, self.validator = target, validator

    def write(self, data: bytes) -> int:
        """Write ``data`` and validate it."""
        self.target.write(data)
        self.validator.feed(data)
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the target is flushed when it is closed."""


# --- small helpers ---------------------------------------------------------------------------


def _q(tag: str, ns: str = PROJECT_NS) -> str:
    return f"{{{ns}}}{tag}"


def _x(text: str | None) -> str:
    """Text safe for XML 1.0 (characters it cannot carry become U+FFFD)."""
    if not text:
        return ""
    return _NOT_XML.sub("\ufffd", text)


def _attr(text: str) -> str:
    """Text escaped for a double-quoted attribute value we format ourselves."""
    return _x(text).translate(_ATTR_ESCAPES)


def _guid(value: str) -> str:
    """A GUID as the schema wants it. GUIDs we made always are; one that came in from an
    imported file in another form is replaced by a GUID derived from it (the same one every
    time, so references to it still agree)."""
    if _GUID.fullmatch(value):
        return value
    return str(uuid.uuid5(_GUID_NS, f"guid:{value}"))


def _stamp(value: datetime | str | None) -> str | None:
    """An ``xsd:dateTime`` in UTC with a ``Z`` (times without an offset are UTC).

    Takes a datetime, or the text SQLite stores (``2024-05-01 12:30:00.123456``), which is
    what :func:`_raw_time` columns give there: converting 300,000 of them costs seconds.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) >= 19 and value[10] in " T" and (len(value) == 19 or value[19] == "."):
            return f"{value[:10]}T{value[11:19]}Z"
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def _attrs(**values: str | None) -> dict[str, str]:
    return {key: value for key, value in values.items() if value is not None}


def _decimal(value: str) -> str | None:
    """A float's stored text as an ``xsd:decimal`` (no exponent), None when it is not finite."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return format(number, "f")


def _variable_value(parent: etree._Element, variable: Variable, value: str) -> None:
    element = etree.SubElement(parent, _q("VariableValue"))
    etree.SubElement(element, _q("VariableRef"), targetGUID=_guid(variable.guid))
    tag = _VARIABLE_TYPES.get(variable.type, ("Text", "TextValue"))[1]
    text: str | None = value
    if tag == "FloatValue":
        text = _decimal(value)
    elif tag == "BooleanValue" and value not in ("true", "false"):
        text = None
    elif tag == "IntegerValue" and not re.fullmatch(r"[+-]?\d+", value):
        text = None
    if text is None:  # a stored value the type cannot express: keep it as text
        tag, text = "TextValue", value
    etree.SubElement(element, _q(tag)).text = _x(text)


#: The kinds of things a GUID belongs to, as the GUID-conflict error names them.
_GUID_KINDS = {
    "coder": N_("a coder"),
    "code": N_("a code"),
    "place": N_("a place"),
    "attribute": N_("an attribute"),
    "case": N_("a case"),
}


def _check_unique(kind_guids: Sequence[tuple[str, str]]) -> None:
    """GUIDs that references point to must be unique (compared like REFI: case, braces)."""
    seen: dict[str, str] = {}
    for kind, guid in kind_guids:
        key = guid.strip("{}").lower()
        if key in seen:
            raise Conflict(
                _(
                    "the GUID {guid} is used by {first} and {second}; the export would be "
                    "ambiguous (was the same file imported twice?)"
                ).format(guid=guid, first=_(_GUID_KINDS[seen[key]]), second=_(_GUID_KINDS[kind]))
            )
        seen[key] = kind


# --- what the project holds ------------------------------------------------------------------


class _Catalogue:
    """The small tables of a project, read once: coders, codes, places, cases, memo targets.

    GUIDs in the ``*_guid`` maps are already in the form the schema wants (:func:`_guid`).
    """

    def __init__(self, session: Session, profile: str = "refi") -> None:
        self.profile = profile
        self.coders = list(session.exec(select(Coder).order_by(col(Coder.id))))
        self.coder_guid = {c.id: _guid(c.guid) for c in self.coders}
        codes = list(session.exec(select(Code).order_by(col(Code.position), col(Code.name))))
        self.places = list(session.exec(select(Place).order_by(Place.name)))
        taken = [c.name for c in codes if c.name.casefold() == PLACES_CODE.casefold()]
        if taken and self.places:
            raise Conflict(
                _(
                    "the project has a code called {name}, the name under which places are "
                    "exported; rename that code first"
                ).format(name=repr(taken[0]))
            )
        self.codes = codes
        self.code_guid = {c.id: _guid(c.guid) for c in codes}
        self.children: dict[int | None, list[Code]] = {}
        for code in codes:
            self.children.setdefault(code.parent_id, []).append(code)
        self.place_guid = {p.id: _guid(p.guid) for p in self.places}
        self.aliases: dict[int, list[str]] = {}
        for place_id, alias in session.exec(
            select(PlaceAlias.place_id, PlaceAlias.alias).order_by(col(PlaceAlias.id))
        ):
            self.aliases.setdefault(place_id, []).append(alias)
        self.variables = list(session.exec(select(Variable).order_by(Variable.name)))
        self.cases = list(session.exec(select(Case).order_by(Case.name)))
        # QualCoder: a case's documents as codings of a code that has the case's GUID.
        self.case_codes: dict[int, list[str]] = {}
        if PROFILES[profile].case_codes:
            for document_id, guid in session.execute(
                sa.select(col(DocumentCase.document_id), col(Case.guid))
                .join(Case, col(Case.id) == DocumentCase.case_id)
                .order_by(col(Case.name))
            ):
                self.case_codes.setdefault(document_id, []).append(_guid(guid))
        self.memo_count: int = session.execute(select(sa.func.count(col(Memo.id)))).scalar_one()
        # Where each memo travels (see _write_notes): the first memo of a coder on a passage
        # in the Description of that coder's selection, the first memo on a document (by the
        # document's coder) in the TextSource's, the first project memo (by the project's
        # first coder) in the Project's; every other memo is a Note with a plainTextPath file.
        self.described: set[int] = set(
            session.execute(
                sa.select(sa.func.min(col(Memo.id)))
                .where(col(Memo.segment_id).is_not(None))
                .group_by(col(Memo.segment_id), col(Memo.coder_id))
            ).scalars()
        )
        self.descriptions: dict[tuple[str, int | None], str] = {}
        document_coder: dict[int, int | None] = {}
        for document_id, coder_id in session.execute(
            sa.select(col(Document.id), col(Document.coder_id))
        ):
            document_coder[document_id] = coder_id
        first_coder = self.coders[0].id if self.coders else None
        # Memos on segments can be many: they are merged in with the segments as a stream.
        self.memos_by: dict[tuple[str, int | None], list[str]] = {}
        for row in session.execute(
            sa.select(
                col(Memo.id),
                col(Memo.guid),
                col(Memo.text),
                col(Memo.coder_id),
                col(Memo.document_id),
                col(Memo.code_id),
                col(Memo.case_id),
                col(Memo.place_id),
            )
            .where(col(Memo.segment_id).is_(None))
            .order_by(col(Memo.id))
        ):
            target, target_id = _memo_target(row)
            key = (target, target_id)
            owner = document_coder.get(row.document_id) if target == "doc" else first_coder
            if (
                target in ("doc", "project")
                and key not in self.descriptions
                and row.coder_id == owner
                and row.text == row.text.strip()
            ):
                self.descriptions[key] = row.text
                self.described.add(row.id)
                continue
            self.memos_by.setdefault(key, []).append(_guid(row.guid))
        _check_unique(
            [("coder", g) for g in self.coder_guid.values()]
            + [("code", g) for g in self.code_guid.values()]
            + [("place", g) for g in self.place_guid.values()]
            + [("attribute", _guid(v.guid)) for v in self.variables]
            + [("case", _guid(c.guid)) for c in self.cases]
            + [("code", PLACES_CODE_GUID)]
        )

    def memo_refs(self, target: str, target_id: int | None) -> list[str]:
        """The GUIDs of the memos on one target (``project``, ``doc``, ``code``, ``place``)."""
        return self.memos_by.get((target, target_id), [])


def _memo_target(row: Any) -> tuple[str, int | None]:
    for target, value in (
        ("doc", row.document_id),
        ("code", row.code_id),
        ("case", row.case_id),
        ("place", row.place_id),
    ):
        if value is not None:
            return target, value
    return "project", None


def _place_fields(place: Place, aliases: list[str]) -> dict[str, object]:
    """The fields of a place's block (:func:`~workbench.exchange.refi.place_block` escapes line
    breaks and semicolons, so every value travels exactly)."""
    return {
        "kind": place.kind,
        "status": place.status,
        "neighbourhood": place.neighbourhood,
        "municipality": place.municipality,
        "address": place.address,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "aliases": aliases,
    }


def _code_description(code: Code) -> str:
    """The code's description with the block of :func:`~workbench.exchange.refi.code_block` (label,
    criteria, example, keywords) when it has any of those."""
    return code_block(
        code.description,
        {
            "label": code.label,
            "inclusion": code.inclusion,
            "exclusion": code.exclusion,
            "example": code.example,
            "keywords": code.keywords,
        },
    )


def _code_element(code: Code, cat: _Catalogue, ns: str, *, note_refs: bool) -> etree._Element:
    attrs = {
        "guid": cat.code_guid[code.id],
        "name": _x(code.name),
        "isCodable": "true" if code.codable else "false",
    }
    if code.color and _RGB.fullmatch(code.color):  # no colour: no attribute (none invented)
        attrs["color"] = code.color
    element = etree.Element(_q("Code", ns), attrs)
    description = _code_description(code)
    if description.strip():
        etree.SubElement(element, _q("Description", ns)).text = _x(description)
    if note_refs:
        for guid in cat.memo_refs("code", code.id):
            etree.SubElement(element, _q("NoteRef", ns), targetGUID=guid)
    for child in cat.children.get(code.id, []):
        element.append(_code_element(child, cat, ns, note_refs=note_refs))
    return element


def _codes_element(cat: _Catalogue, ns: str, *, note_refs: bool) -> etree._Element | None:
    """``<Codes>``: the code tree, then the Places code with one child per place."""
    codes = etree.Element(_q("Codes", ns), nsmap={None: ns})
    for code in cat.children.get(None, []):
        codes.append(_code_element(code, cat, ns, note_refs=note_refs))
    if cat.case_codes:
        linked = {guid for guids in cat.case_codes.values() for guid in guids}
        for case in cat.cases:
            if _guid(case.guid) in linked:
                etree.SubElement(
                    codes,
                    _q("Code", ns),
                    guid=_guid(case.guid),
                    name=_x(f"Case: {case.name}"),
                    isCodable="true",
                )
    if cat.places:
        top = etree.SubElement(
            codes, _q("Code", ns), guid=PLACES_CODE_GUID, name=PLACES_CODE, isCodable="false"
        )
        etree.SubElement(top, _q("Description", ns)).text = (
            "Places linked to passages, exported by the workbench. Each child code is a place; "
            "its description ends with the place's attributes."
        )
        for place in cat.places:
            attrs = {
                "guid": cat.place_guid[place.id],
                "name": _x(place.name),
                "isCodable": "true",
                "color": PLACE_COLORS.get(place.status, "#888888"),
            }
            element = etree.SubElement(top, _q("Code", ns), attrs)
            fields = _place_fields(place, cat.aliases.get(id_of(place), []))
            block = place_block(place.description, fields)
            etree.SubElement(element, _q("Description", ns)).text = _x(block)
            if note_refs:
                for guid in cat.memo_refs("place", place.id):
                    etree.SubElement(element, _q("NoteRef", ns), targetGUID=guid)
    return codes if len(codes) else None


def _places_set(cat: _Catalogue, ns: str, member_attr: str) -> etree._Element | None:
    if not cat.places:
        return None
    sets = etree.Element(_q("Sets", ns), nsmap={None: ns})
    place_set = etree.SubElement(sets, _q("Set", ns), guid=PLACES_SET_GUID, name=PLACES_CODE)
    etree.SubElement(place_set, _q("Description", ns)).text = "The places of the project."
    for place in cat.places:
        etree.SubElement(place_set, _q("MemberCode", ns), {member_attr: cat.place_guid[place.id]})
    return sets


# --- project.qde: the sources ----------------------------------------------------------------


def _stream(session: Session, statement: sa.Select[Any]) -> Iterator[Any]:
    """Rows of a Core statement, fetched in batches (no ORM overhead per row)."""
    result = session.connection().execute(statement.execution_options(yield_per=_BATCH))
    for partition in result.partitions():
        yield from partition


def _raw_time(column: Any) -> Any:
    """A timestamp column read without conversion (SQLite hands its stored text over)."""
    return sa.type_coerce(column, sa.String)


class _Follower:
    """Rows ordered by (document, start, end), taken segment by segment by a loop over the
    segments in the same order."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def take(self, key: tuple[int, int, int]) -> list[Any]:
        """The rows of the segment ``key`` (empty when it has none)."""
        head, rows, found = self._head, self._rows, []
        while head is not None and (head[0], head[1], head[2]) < key:
            head = next(rows, None)
        while head is not None and (head[0], head[1], head[2]) == key:
            found.append(head)
            head = next(rows, None)
        self._head = head
        return found


def _segment_key_columns() -> tuple[Any, ...]:
    return (Segment.document_id, Segment.start, Segment.end)


def _who(coder_guid: dict[int | None, str], coder: int | None, at: Any) -> str:
    """The ``creatingUser`` and ``creationDateTime`` attributes (those that are known)."""
    user = coder_guid.get(coder)
    if type(at) is str and len(at) == 26 and at[10] == " " and at[19] == ".":
        when: str | None = f"{at[:10]}T{at[11:19]}Z"  # SQLite's text, the common case
    else:
        when = _stamp(at)
    out = f' creatingUser="{user}"' if user else ""
    return f'{out} creationDateTime="{when}"' if when else out


def _write_sources(
    xf: Any, stream: _Sink, session: Session, cat: _Catalogue, report: ExportReport
) -> None:
    """The ``Sources`` element: a ``TextSource`` per document, written one at a time.

    Three streams in segment order feed it: the segments with their codings, the place
    links, and the segment memos. A segment becomes one ``PlainTextSelection`` per coder
    (that coder its ``creatingUser``), as QualCoder reads owners and as NVivo writes: the
    segment's creator first, under the segment's GUID, then every other coder of a coding, a
    place link or a memo of the passage under a GUID derived from both. The first memo of a
    coder on the passage is that selection's ``Description``; the others are ``NoteRef``. The
    ``qc`` profile writes one selection per coded line instead (:func:`_qc_lines`).

    The markup of a document is formatted here (the hot loop of the export); only GUIDs
    (checked by :func:`_guid`), numbers and timestamps go into it, besides the document name
    and memo texts, which :func:`_attr` and :func:`_text_node` escape.
    """
    documents = list(
        _stream(
            session,
            sa.select(
                col(Document.id),
                col(Document.name),
                col(Document.guid),
                col(Document.coder_id),
                _raw_time(Document.imported_at),
            ).order_by(col(Document.id)),
        )
    )
    if not documents:
        return
    segments = _stream(
        session,
        sa.select(
            *_segment_key_columns(),
            col(Segment.guid),
            col(Segment.coder_id),
            _raw_time(Segment.created_at),
            col(Coding.guid),
            col(Coding.code_id),
            col(Coding.coder_id),
            _raw_time(Coding.created_at),
        )
        .outerjoin(Coding, col(Coding.segment_id) == Segment.id)
        # code and coder follow the unique index on coding: no sort needed
        .order_by(*_segment_key_columns(), col(Coding.code_id), col(Coding.coder_id)),
    )
    links = _Follower(
        _stream(
            session,
            sa.select(
                *_segment_key_columns(),
                col(Segment.guid),
                col(SegmentPlace.place_id),
                col(SegmentPlace.coder_id),
                _raw_time(SegmentPlace.created_at),
            )
            .join(Segment, col(Segment.id) == SegmentPlace.segment_id)
            .order_by(*_segment_key_columns(), col(SegmentPlace.place_id)),
        )
    )
    notes = _Follower(
        _stream(
            session,
            sa.select(
                *_segment_key_columns(),
                col(Memo.id),
                col(Memo.guid),
                col(Memo.coder_id),
                col(Memo.text),
            )
            .join(Segment, col(Segment.id) == Memo.segment_id)
            .order_by(*_segment_key_columns(), col(Memo.id)),
        )
    )
    code_guid, place_guid, coder_guid = cat.code_guid, cat.place_guid, cat.coder_guid
    profile = PROFILES[cat.profile]
    parts: list[str] = []
    append = parts.append
    counts = {"selections": 0, "codings": 0}
    text: str | None = None
    to_units: _Units | None = None
    qc_lines: dict[int, dict[str, str]] = {}

    def open_source(document: Any) -> None:
        nonlocal text, to_units
        guid = _guid(document[2])
        parts.clear()
        qc_lines.clear()
        append(
            f'<TextSource guid="{guid}" name="{_attr(document[1])}" '
            f'plainTextPath="internal://{_member_stem(guid)}.txt"'
            f"{_who(coder_guid, document[3], document[4])}>\n"
        )
        described = cat.descriptions.get(("doc", document[0]))
        if described is not None:
            append(f"<Description>{_text_node(described)}</Description>\n")
        if profile.utf16 or profile.lines or cat.case_codes.get(document[0]):
            text = session.execute(
                select(Document.text).where(col(Document.id) == document[0])
            ).scalar_one()
            to_units = _Units(text) if profile.utf16 else None

    def position(offset: int) -> int:
        return to_units.convert(offset) if to_units is not None else offset

    def close_selection(key: tuple[int, int, int], head: Any, codings: list[Any]) -> None:
        # Everything one coder did on the passage: (GUID, coder, time, code GUID) codings.
        by_coder: dict[int | None, list[tuple[str, Any, str]]] = {head[4]: []}
        for row in codings:
            by_coder.setdefault(row[8], []).append((_guid(row[6]), row[9], code_guid[row[7]]))
        for link in links.take(key):
            place = place_guid[link[4]]
            guid = str(uuid.uuid5(_GUID_NS, f"link:{link[3]}:{place}"))  # the same every export
            by_coder.setdefault(link[5], []).append((guid, link[6], place))
        memos: dict[int | None, list[Any]] = {}
        for note in notes.take(key):
            memos.setdefault(note[5], []).append(note)
            by_coder.setdefault(note[5], [])
        if profile.lines:
            _qc_lines(text or "", key[1], key[2], by_coder, coder_guid, qc_lines)
            return
        start, end = position(key[1]), position(key[2])
        for coder, items in by_coder.items():
            if coder == head[4]:
                guid, at = _guid(head[3]), head[5]
            else:
                guid = str(uuid.uuid5(_GUID_NS, f"selection:{head[3]}:{coder_guid.get(coder)}"))
                at = min((item[1] for item in items if item[1] is not None), default=head[5])
            append(
                f'<PlainTextSelection guid="{guid}" startPosition="{start}" '
                f'endPosition="{end}"{_who(coder_guid, coder, at)}>\n'
            )
            counts["selections"] += 1
            refs = []
            for note in memos.get(coder, []):
                if note[3] in cat.described:
                    append(f"<Description>{_text_node(note[6])}</Description>\n")
                else:
                    refs.append(_guid(note[4]))
            for coding_guid, when, target in items:
                append(
                    f'<Coding guid="{coding_guid}"{_who(coder_guid, coder, when)}>'
                    f'<CodeRef targetGUID="{target}"/></Coding>\n'
                )
                counts["codings"] += 1
            for ref in refs:
                append(f'<NoteRef targetGUID="{ref}"/>\n')
            append("</PlainTextSelection>\n")

    def close_source(document: Any) -> None:
        for index in sorted(qc_lines):
            line_start, line_end = _line_span(text or "", index)
            append(
                f'<PlainTextSelection guid="{uuid.uuid5(_GUID_NS, f"line:{document[2]}:{index}")}"'
                f' name="line:{index}" startPosition="{line_start}" endPosition="{line_end}">\n'
            )
            counts["selections"] += 1
            for coding in qc_lines[index].values():
                append(coding)
                counts["codings"] += 1
            append("</PlainTextSelection>\n")
        for guid in cat.case_codes.get(document[0], []):
            # QualCoder reads a case's documents from codings of a code with the case's GUID.
            end = position(len(text or ""))
            append(
                f'<PlainTextSelection guid="{uuid.uuid5(_GUID_NS, f"case:{guid}:{document[2]}")}"'
                f' startPosition="0" endPosition="{end}">\n'
                f'<Coding guid="{uuid.uuid5(_GUID_NS, f"case-coding:{guid}:{document[2]}")}">'
                f'<CodeRef targetGUID="{guid}"/></Coding>\n</PlainTextSelection>\n'
            )
        for guid in cat.memo_refs("doc", document[0]):
            append(f'<NoteRef targetGUID="{guid}"/>\n')
        append("</TextSource>\n")
        xf.flush()  # what lxml holds goes out first
        stream.write("".join(parts).encode("utf-8"))
        report.documents += 1

    pending = iter(documents)
    document: Any = None
    key: tuple[int, int, int] | None = None
    head: Any = None
    codings: list[Any] = []
    with xf.element(_q("Sources")):
        xf.write("\n")
        for row in segments:
            if document is None or row[0] != document[0]:
                if key is not None:
                    close_selection(key, head, codings)
                    key = None
                if document is not None:
                    close_source(document)
                for document in pending:  # documents without segments are written whole
                    open_source(document)
                    if document[0] == row[0]:
                        break
                    close_source(document)
            if key is None or row[1] != key[1] or row[2] != key[2]:
                if key is not None:
                    close_selection(key, head, codings)
                key, head, codings = (row[0], row[1], row[2]), row, []
            if row[6] is not None:
                codings.append(row)
        if key is not None:
            close_selection(key, head, codings)
        if document is not None:
            close_source(document)
        for document in pending:
            open_source(document)
            close_source(document)
    report.selections += counts["selections"]
    report.codings += counts["codings"]


def _text_node(text: str) -> str:
    """Text escaped for element content we format ourselves."""
    return _x(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _line_span(text: str, index: int) -> tuple[int, int]:
    """The code-point span of the 0-based line ``index`` of ``text``, its line end included
    (as qc counts a line)."""
    start = 0
    for _line in range(index):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    return start, (len(text) if end < 0 else end + 1)


def _qc_lines(
    text: str,
    start: int,
    end: int,
    by_coder: dict[int | None, list[tuple[str, Any, str]]],
    coder_guid: dict[int | None, str],
    lines: dict[int, dict[str, str]],
) -> None:
    """qc codes lines, not spans: every line the passage touches gets its codings (once per
    code and coder), keyed by 0-based line number."""
    first = text.count("\n", 0, start)
    last = text.count("\n", 0, max(start, end - 1))
    for coder, items in by_coder.items():
        user = coder_guid.get(coder)
        if user is None:
            continue  # qc needs Coding@creatingUser
        for _guid_of, _when, target in items:
            for line in range(first, last + 1):
                guid = uuid.uuid5(_GUID_NS, f"qc:{start}:{line}:{user}:{target}")
                lines.setdefault(line, {}).setdefault(
                    f"{user}:{target}",
                    f'<Coding guid="{guid}" creatingUser="{user}">'
                    f'<CodeRef targetGUID="{target}"/></Coding>\n',
                )


class _Units:
    """Code-point offsets of a ``\\n`` text to UTF-16 code units over the same text with
    CRLF line ends (what NVivo writes and reads; the BOM is not counted)."""

    def __init__(self, text: str) -> None:
        self.extra = [i for i, char in enumerate(text) if char == "\n" or ord(char) > 0xFFFF]

    def convert(self, offset: int) -> int:
        """The UTF-16 offset over CRLF text of code-point ``offset``."""
        return offset + bisect.bisect_left(self.extra, offset)


def _member_stem(guid: str) -> str:
    return guid.strip("{}")


def _member_info(name: str, level: int) -> zipfile.ZipInfo:
    """A deflated zip member stamped with the current time."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    # Python 3.13 renamed the attribute; both spellings are honoured by ZipFile.
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", level)
    return info


# --- project.qde: the rest -------------------------------------------------------------------


def _memo_name(row: Any) -> str:
    if row.document_name is not None:
        return f"Memo on document {row.document_name}"
    if row.code_name is not None:
        return f"Memo on code {row.code_name}"
    if row.segment_document is not None:
        return f"Memo on a passage of {row.segment_document} ({row.start}-{row.end})"
    if row.case_name is not None:
        return f"{CASE_NOTE_PREFIX}{row.case_name}"
    if row.place_name is not None:
        return f"Memo on place {row.place_name}"
    return "Project memo"


def _notes_statement() -> sa.Select[Any]:
    segment_document = aliased(Document)
    return (
        sa.select(
            col(Memo.id),
            col(Memo.guid),
            col(Memo.text),
            col(Memo.coder_id),
            _raw_time(Memo.created_at).label("created_at"),
            _raw_time(Memo.updated_at).label("updated_at"),
            col(Document.name).label("document_name"),
            col(Code.name).label("code_name"),
            col(segment_document.name).label("segment_document"),
            col(Segment.start),
            col(Segment.end),
            col(Case.name).label("case_name"),
            col(Place.name).label("place_name"),
        )
        .outerjoin(Document, col(Document.id) == Memo.document_id)
        .outerjoin(Code, col(Code.id) == Memo.code_id)
        .outerjoin(Segment, col(Segment.id) == Memo.segment_id)
        .outerjoin(segment_document, col(segment_document.id) == Segment.document_id)
        .outerjoin(Case, col(Case.id) == Memo.case_id)
        .outerjoin(Place, col(Place.id) == Memo.place_id)
        .order_by(col(Memo.id))
    )


def _write_notes(xf: Any, session: Session, cat: _Catalogue, report: ExportReport) -> None:
    """``Notes``: every memo that does not travel in a Description, as a Note whose text is a
    ``sources/<guid>.txt`` file (``plainTextPath``): QualCoder reads notes only so, as
    journals, and so do the other tools."""
    if cat.memo_count <= len(cat.described):
        return
    with xf.element(_q("Notes")):
        xf.write("\n")
        for row in _stream(session, _notes_statement()):
            if row.id in cat.described:
                continue
            guid = _guid(row.guid)
            note = etree.Element(
                _q("Note"),
                _attrs(
                    guid=guid,
                    name=_x(_memo_name(row)),
                    plainTextPath=f"internal://{_member_stem(guid)}.txt",
                    creatingUser=cat.coder_guid.get(row.coder_id),
                    creationDateTime=_stamp(row.created_at),
                    modifiedDateTime=_stamp(row.updated_at),
                ),
                nsmap={None: PROJECT_NS},
            )
            xf.write(note, pretty_print=True)
            report.notes += 1


def _write_cases(xf: Any, session: Session, cat: _Catalogue) -> None:
    if not cat.cases:
        return
    variables = {id_of(v): v for v in cat.variables}
    values: dict[int, list[tuple[int, str]]] = {}
    for case_id, variable_id, value in session.execute(
        select(CaseValue.case_id, CaseValue.variable_id, CaseValue.value)
    ):
        values.setdefault(case_id, []).append((variable_id, value))
    documents: dict[int, list[str]] = {}
    for case_id, guid in session.execute(
        select(DocumentCase.case_id, Document.guid)
        .join(Document, col(Document.id) == DocumentCase.document_id)
        .order_by(col(Document.id))
    ):
        documents.setdefault(case_id, []).append(_guid(guid))
    with xf.element(_q("Cases")):
        xf.write("\n")
        for case in cat.cases:
            element = etree.Element(
                _q("Case"), guid=_guid(case.guid), name=_x(case.name), nsmap={None: PROJECT_NS}
            )
            if case.description.strip():
                etree.SubElement(element, _q("Description")).text = _x(case.description)
            for variable_id, value in sorted(
                values.get(id_of(case), []),
                key=lambda item: variables[item[0]].name,
            ):
                _variable_value(element, variables[variable_id], value)
            for guid in documents.get(id_of(case), []):
                etree.SubElement(element, _q("SourceRef"), targetGUID=guid)
            xf.write(element, pretty_print=True)


def _variables_element(cat: _Catalogue) -> etree._Element | None:
    if not cat.variables:
        return None
    variables = etree.Element(_q("Variables"), nsmap={None: PROJECT_NS})
    for variable in cat.variables:
        element = etree.SubElement(
            variables,
            _q("Variable"),
            guid=_guid(variable.guid),
            name=_x(variable.name),
            typeOfVariable=_VARIABLE_TYPES.get(variable.type, ("Text", ""))[0],
        )
        if variable.description.strip():
            etree.SubElement(element, _q("Description")).text = _x(variable.description)
    return variables


def _write_project(
    stream: _Sink, session: Session, cat: _Catalogue, name: str, report: ExportReport
) -> None:
    first = cat.coders[0] if cat.coders else None
    profile = PROFILES[cat.profile]
    attrs = _attrs(
        name=_x(name),
        # Our import reads the offsets of an NVivo-shaped export as NVivo's (UTF-16).
        origin=f"{ORIGIN} (for NVivo)" if profile.utf16 else ORIGIN,
        creatingUserGUID=cat.coder_guid[first.id] if first else None,
        creationDateTime=_stamp(first.created_at) if first else None,
        modifiedDateTime=_stamp(datetime.now(UTC)),
    )
    with etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(_q("Project"), attrs, nsmap={None: PROJECT_NS}):
            xf.write("\n")
            if cat.coders:
                users = etree.Element(_q("Users"), nsmap={None: PROJECT_NS})
                for coder in cat.coders:
                    attributes = {"guid": cat.coder_guid[coder.id], "name": _x(coder.name)}
                    etree.SubElement(users, _q("User"), attributes)
                xf.write(users, pretty_print=True)
            codes = _codes_element(cat, PROJECT_NS, note_refs=True)
            if codes is not None:
                book = etree.Element(_q("CodeBook"), nsmap={None: PROJECT_NS})
                book.append(codes)
                xf.write(book, pretty_print=True)
            variables = _variables_element(cat)
            if variables is not None:
                xf.write(variables, pretty_print=True)
            _write_cases(xf, session, cat)
            _write_sources(xf, stream, session, cat, report)
            xf.write("\n")
            _write_notes(xf, session, cat, report)
            xf.write("\n")
            sets = _places_set(cat, PROJECT_NS, "targetGUID")
            if sets is not None:
                xf.write(sets, pretty_print=True)
            described = cat.descriptions.get(("project", None))
            if described is not None:
                description = etree.Element(_q("Description"), nsmap={None: PROJECT_NS})
                description.text = _x(described)
                xf.write(description, pretty_print=True)
            for guid in cat.memo_refs("project", None):
                ref = etree.Element(_q("NoteRef"), targetGUID=guid, nsmap={None: PROJECT_NS})
                xf.write(ref, pretty_print=True)
    report.users, report.codes, report.places = len(cat.coders), len(cat.codes), len(cat.places)
    report.variables, report.cases = len(cat.variables), len(cat.cases)


def export_qdpx(
    session: Session,
    path: str | Path,
    *,
    name: str = "workbench project",
    profile: str = "refi",
    compresslevel: int = 1,
    parallel: bool | None = None,
) -> ExportReport:
    """Export the whole project to a REFI-QDA ``.qdpx`` file at ``path``.

    ``name`` is the project name other tools show. The file appears only when it is complete
    and its ``project.qde`` validates against the shipped schema (else :class:`InvalidExport`,
    and nothing is written). The session is only read. ``compresslevel`` is zlib's (1 is the
    fastest; text compresses to about a third either way). ``parallel`` validates in a
    second process (True), in this one (False), or decides by size (None, see
    :data:`PARALLEL_FROM_SEGMENTS`). ``profile`` (one of :data:`PROFILES`) shapes the file
    for one peer tool's quirks.
    """
    if profile not in PROFILES:
        known = ", ".join(PROFILES)
        raise InvalidValue(
            _("unknown export profile {name}; use one of {known}").format(
                name=repr(profile), known=known
            )
        )
    path = Path(path)
    report = ExportReport(path=str(path), format="qdpx", profile=profile)
    cat = _Catalogue(session, profile)
    utf16 = PROFILES[profile].utf16
    segments = session.execute(select(sa.func.count(col(Segment.id)))).scalar_one()
    with temporary_beside(path) as temporary:
        validator = _validator(f"{path} (project.qde)", segments, parallel)
        try:
            with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                with archive.open(_member_info("project.qde", compresslevel), "w") as member:
                    _write_project(_ValidatingSink(member, validator), session, cat, name, report)
                texts = session.connection().execute(
                    select(Document.guid, Document.text)
                    .order_by(col(Document.id))
                    .execution_options(yield_per=16)
                )
                for guid, text in texts:
                    member_name = f"{SOURCES_FOLDER}/{_member_stem(_guid(guid))}.txt"
                    if utf16:  # as NVivo writes its texts: UTF-8 with a BOM, CRLF line ends
                        data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
                    else:
                        data = text.encode("utf-8")
                    archive.writestr(_member_info(member_name, compresslevel), data)
                if cat.memo_count > len(cat.described):
                    for row in _stream(session, _notes_statement()):
                        if row.id in cat.described:
                            continue
                        member_name = f"{SOURCES_FOLDER}/{_member_stem(_guid(row.guid))}.txt"
                        archive.writestr(
                            _member_info(member_name, compresslevel), row.text.encode("utf-8")
                        )
        except BaseException:
            validator.abort()
            raise
        validator.close()  # the verdict, before the file is renamed into place
    return report


# --- .qdc ------------------------------------------------------------------------------------


def _codebook_root(cat: _Catalogue) -> etree._Element:
    root = etree.Element(_q("CodeBook", CODEBOOK_NS), origin=ORIGIN, nsmap={None: CODEBOOK_NS})
    codes = _codes_element(cat, CODEBOOK_NS, note_refs=False)
    if codes is None:
        raise InvalidValue(
            _("the project has no codes and no places: there is no codebook to export")
        )
    root.append(codes)
    sets = _places_set(cat, CODEBOOK_NS, "guid")
    if sets is not None:
        root.append(sets)
    return root


def codebook_tree(session: Session) -> etree._ElementTree:
    """The project's codebook (codes, then places under the Places code) as a ``.qdc`` tree."""
    return etree.ElementTree(_codebook_root(_Catalogue(session)))


def export_qdc(session: Session, path: str | Path) -> ExportReport:
    """Export the code tree and the places to a REFI-QDA ``.qdc`` codebook at ``path``.

    The file appears only when it validates against the shipped codebook schema.
    """
    path = Path(path)
    cat = _Catalogue(session)
    tree = etree.ElementTree(_codebook_root(cat))
    schema = codebook_schema()
    if not schema.validate(tree):
        raise _invalid(str(path), log=schema.error_log)
    with temporary_beside(path) as temporary:
        tree.write(str(temporary), encoding="utf-8", xml_declaration=True, pretty_print=True)
    return ExportReport(path=str(path), format="qdc", codes=len(cat.codes), places=len(cat.places))

"""Import REFI-QDA files: ``.qdpx`` projects, bare ``project.qde`` files, ``.qdc`` codebooks.

Real exports bend the standard, and the reader bends with them (see
``../shared/refi-qda/README.md``): any single ``*.qde`` in the zip, ``sources/`` or
``Sources/`` (base names matched without regard to case), GUIDs in any case and with or
without braces, empty elements everywhere, codebook namespaces ``urn:QDA-XML:codebook:1.0``,
``1:0`` and ``0:4`` (elements are matched by local name, whatever their namespace), and
selection offsets in more than one convention:

- REFI-QDA 1.5 §10.2: Unicode code points over the source text as stored (``codepoints``);
- NVivo: UTF-16 code units over the text as stored, CRLF counting two (``utf16``);
- code points or UTF-16 units over the text with CRLF read as one line end
  (``codepoints-lf``, ``utf16-lf``).

Which one a file uses is decided per file: the tool named in ``origin`` gives the first guess
(NVivo: ``utf16``, every other tool: ``codepoints``), and the selections themselves are the
evidence. Only selections on which the conventions disagree tell them apart (text before them
holds a CRLF or a character outside the Basic Multilingual Plane); a human selection starts and
ends on word boundaries, so the convention under which clearly more of those selections do
wins. Offsets are then converted to ours: code points over the normalised text (``\\n`` line
ends, no BOM), so that every segment covers the text the tool that wrote it showed.

The import runs in two phases. :func:`read_refi` reads, checks and converts everything without
touching a project (every archive and XML guard of :mod:`workbench.exchange.refi.safety`
applies), and :func:`store_refi` writes it in one transaction: a bad file changes nothing. Into
an existing project the import merges: a code, place, case, attribute or coder with the same
GUID or name is reused; a document whose name is taken is a :class:`~workbench.errors.Conflict`
unless ``rename`` is given, which imports it as ``NAME (2)``. Like ``import``, the documents
themselves stay when the import is undone; the codes, places, cases, segments, codings and memos
it added go.

What maps to what: ``Users`` are coders (by GUID, else name); the ``CodeBook`` is the code tree
(``Description`` is the code's description, ``color`` its colour; a block of
:func:`~workbench.exchange.refi.code_block` at its end, as our export writes, gives label,
criteria, example and keywords and is taken out of the description); a top-level code
:data:`~workbench.exchange.refi.PLACES_CODE` whose children carry a place block
(:func:`~workbench.exchange.refi.parse_place_block`) brings those children as places, and
codings with them become links of the passage to the place; ``TextSource`` elements are
documents (turns, paragraphs and sentences found as by ``import``); ``PlainTextSelection``
elements are segments (selections on one span become one segment) with a ``Coding`` per code and
coder; a ``Coding`` on a whole source is a segment over the whole text; ``Variables`` are case
attributes (``DateTime`` becomes a text attribute), ``Cases`` are cases with their values and
documents; the ``VariableValue`` elements of a source go to a case named after the document;
``Notes`` are memos on what refers to them (the project, a document, a code, a place, a passage;
a Note named :data:`~workbench.exchange.refi.CASE_NOTE_PREFIX` + a case's name, as our export
writes case memos, goes to that case), or on the project when nothing refers to them; the
``Description`` of a source, a passage or the project becomes a memo on it. Sets, links and
graphs are left out, and so are picture, PDF, audio and video sources (with a warning); the
Places set our export writes is no loss (its members come back as places) and warns nothing.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from lxml import etree
from sqlmodel import Session, select

from workbench.coding import cases
from workbench.coding.importing import PreparedDocument, store
from workbench.coding.names import fit_name, name_key
from workbench.errors import Conflict, InputError, InvalidValue, quoted
from workbench.exchange.refi import (
    CASE_NOTE_PREFIX,
    PLACES_CODE,
    parse_code_block,
    parse_place_block,
)
from workbench.exchange.refi.safety import (
    DEFAULT_LIMITS,
    Limits,
    SafeArchive,
    parse_xml,
    read_file_bounded,
)
from workbench.i18n import _, ngettext, number, tally
from workbench.project import coders
from workbench.project.models import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    Place,
    PlaceKind,
    PlaceStatus,
    Segment,
    SegmentPlace,
    Variable,
    id_of,
    utcnow,
)
from workbench.text import nlp
from workbench.text.readers import SourceText, check_length, normalise
from workbench.text.turns import find_turns
from workbench.text.units import paragraph_spans, sentence_pieces

OFFSET_CONVENTIONS: dict[str, str] = {
    "codepoints": "Unicode code points over the text as stored (REFI-QDA 1.5)",
    "utf16": "UTF-16 code units over the text as stored, CRLF counting two (NVivo)",
    "codepoints-lf": "Unicode code points over the text with CRLF as one line end",
    "utf16-lf": "UTF-16 code units over the text with CRLF as one line end",
}
"""The conventions selection offsets are read in, by name."""

#: Types of REFI-QDA variables and the attribute types they become.
VARIABLE_TYPES = {
    "text": "text",
    "integer": "integer",
    "float": "float",
    "date": "date",
    "datetime": "text",
    "boolean": "boolean",
}

SUFFIXES = (".qdpx", ".qde", ".qdc")
"""The file types :func:`read_refi` reads."""

_DISCRIMINATING_MINIMUM = 3
_OVERRIDE_MARGIN = 0.1
_COLOR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# --- what a file holds ---------------------------------------------------------------------


@dataclass
class RefiCode:
    """A code of the file's code book."""

    guid: str
    name: str
    description: str
    color: str | None
    note_refs: list[str] = field(default_factory=list)
    children: list[RefiCode] = field(default_factory=list)
    codable: bool = True
    """REFI-QDA ``isCodable`` (a code that only groups others is not)."""
    fields: dict[str, object] = field(default_factory=dict)
    """Label, criteria, example, keywords from a ``[workbench code]`` block."""


@dataclass
class RefiPlace:
    """A place that travelled as a child of the Places code."""

    guid: str
    name: str
    description: str
    fields: dict[str, object]
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiCoding:
    """One code applied to a selection (or a whole source)."""

    guid: str
    code_guid: str
    user: str | None
    created: datetime | None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    """A selection with its offsets as written and, once converted, as ours."""

    guid: str
    start: int
    end: int
    user: str | None
    created: datetime | None
    description: str
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None


@dataclass
class RefiSource:
    """A text source; ``text`` is None when its text is not in the file."""

    guid: str
    name: str
    label: str
    raw: str | None
    encoding: str
    description: str
    user: str | None
    created: datetime | None
    selections: list[RefiSelection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    case_refs: set[str] = field(default_factory=set)
    text: str = ""
    offsets: OffsetMap | None = None


@dataclass
class RefiVariable:
    """A variable (case attribute) with its REFI-QDA type."""

    guid: str
    name: str
    type: str
    description: str


@dataclass
class RefiCase:
    """A case with its variable values and the GUIDs of its sources."""

    guid: str
    name: str
    description: str
    values: list[tuple[str, str]] = field(default_factory=list)
    source_refs: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    """A note (memo); ``text`` is None when its text is not in the file."""

    guid: str
    name: str
    text: str | None
    user: str | None
    created: datetime | None


@dataclass
class RefiFile:
    """Everything read from one file, checked and converted, ready for :func:`store_refi`."""

    path: Path
    kind: str  # project | codebook
    origin: str
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)
    places: list[RefiPlace] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    note_targets: list[tuple[str, str, str]] = field(default_factory=list)
    description: str = ""
    creating_user: str | None = None
    offsets: str | None = None
    prepared: dict[str, PreparedDocument] = field(default_factory=dict)
    renamed_codes: list[str] = field(default_factory=list)
    sources_skipped: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import brought into the project (counts, and warnings; no transcript text)."""

    file: str
    format: str
    origin: str
    offsets: str | None = None
    coders: int = 0
    codes_added: int = 0
    codes_reused: int = 0
    places_added: int = 0
    places_reused: int = 0
    documents: int = 0
    document_names: list[str] = field(default_factory=list)
    sources_skipped: int = 0
    selections: int = 0
    selections_skipped: int = 0
    segments: int = 0
    codings: int = 0
    place_links: int = 0
    cases: int = 0
    variables: int = 0
    values: int = 0
    memos: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready data."""
        return asdict(self)


# --- small helpers -------------------------------------------------------------------------


def norm_guid(value: str | None) -> str:
    """A GUID without braces and in lower case, for comparing GUIDs from any tool."""
    return (value or "").strip().strip("{}").strip().lower()


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _kids(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        if _local(child) in names:
            yield child


def _kid(element: etree._Element, name: str) -> etree._Element | None:
    return next(_kids(element, name), None)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _refs(element: etree._Element, name: str = "NoteRef") -> list[str]:
    return [
        norm_guid(ref.get("targetGUID")) for ref in _kids(element, name) if ref.get("targetGUID")
    ]


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _color(value: str | None) -> str | None:
    match = _COLOR.match((value or "").strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits.lower()}"


def code_name(raw: str) -> str:
    """A name from another tool as the workbench keeps it: exactly as written but trimmed,
    and without the control characters a name cannot hold (a tab or line break becomes a
    space: :func:`workbench.coding.names.fit_name`); "" when nothing is left."""
    return fit_name(raw)


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _listing(items: list[str], limit: int = 3) -> str:
    """The first ``limit`` items, and how many more there are: "'a', 'b', 'c' and 2 more"."""
    shown = ", ".join(items[:limit])
    if len(items) <= limit:
        return shown
    return _("{shown} and {count} more").format(shown=shown, count=number(len(items) - limit))


# --- offsets -------------------------------------------------------------------------------


class OffsetMap:
    """Converts selection offsets of a source's text (as stored in the file) to ours.

    ``raw`` is the decoded text without its BOM, CRLF and all. Our text is
    :func:`workbench.text.readers.normalise` of it: only a CRLF changes length (two characters
    become one ``\\n``), so a raw code point ``i`` is our ``i`` minus the CRLFs before it; the
    ``\\r`` and the ``\\n`` of a CRLF both map to our ``\\n``. UTF-16 offsets first become code
    points by subtracting the characters outside the BMP before them (each two units).
    """

    def __init__(self, raw: str) -> None:
        self.raw_length = len(raw)
        self.text = normalise(raw)
        self._crlf = [m.start() for m in re.finditer("\r\n", raw)]
        self._astral_raw = self._astral_units(raw)
        self._astral_lf = self._astral_units(raw.replace("\r\n", "\n"))

    @staticmethod
    def _astral_units(text: str) -> list[int]:
        units: list[int] = []
        extra = 0
        for index, char in enumerate(text):
            if ord(char) > 0xFFFF:
                units.append(index + extra)
                extra += 1
        return units

    @staticmethod
    def _from_units(units: list[int], position: int, *, end: bool) -> int:
        before = bisect.bisect_right(units, position - 2)
        inside = before < len(units) and units[before] == position - 1
        return position - before - (1 if inside and not end else 0)

    def convert(self, position: int, convention: str, *, end: bool) -> int | None:
        """Our offset for ``position`` written in ``convention``; None when out of range."""
        if position < 0:
            return None
        if convention in ("codepoints", "utf16"):
            index = (
                position
                if convention == "codepoints"
                else self._from_units(self._astral_raw, position, end=end)
            )
            if index > self.raw_length:
                return None
            return index - bisect.bisect_left(self._crlf, index)
        index = (
            position
            if convention == "codepoints-lf"
            else self._from_units(self._astral_lf, position, end=end)
        )
        return index if index <= len(self.text) else None

    def span(self, start: int, end: int, convention: str) -> tuple[int, int] | None:
        """Our ``(start, end)`` for a selection, or None when it is out of range or empty."""
        first = self.convert(start, convention, end=False)
        last = self.convert(end, convention, end=True)
        if first is None or last is None or last <= first:
            return None
        return first, last

    def same_everywhere(self, start: int, end: int) -> bool:
        """Whether every convention gives this selection the same span."""
        spans = {self.span(start, end, c) for c in OFFSET_CONVENTIONS}
        return len(spans) == 1


def _on_boundaries(text: str, span: tuple[int, int] | None) -> bool:
    if span is None:
        return False
    start, end = span
    length = len(text)
    if end > length:
        return False
    starts = start == 0 or not text[start - 1].isalnum() or not text[start].isalnum()
    ends = end >= length or not text[end].isalnum() or not text[end - 1].isalnum()
    return starts and ends


def guess_convention(origin: str) -> str:
    """The offset convention the tool named in ``origin`` is known to use: NVivo counts
    UTF-16 units over CRLF text; ATLAS.ti counts a CRLF of its .txt as one character (as
    QualCoder's importer notes); the standard says code points."""
    folded = origin.casefold()
    if "nvivo" in folded:
        return "utf16"
    if "atlas" in folded:
        return "codepoints-lf"
    return "codepoints"


def choose_convention(
    origin: str, sources: Iterable[RefiSource]
) -> tuple[str, str | None, dict[str, float]]:
    """The offset convention of a file, a note when the evidence overrode the tool's
    known habit, and the share of telling selections on word boundaries per convention."""
    prior = guess_convention(origin)
    telling: list[tuple[str, OffsetMap, RefiSelection]] = []
    for source in sources:
        if source.offsets is None:
            continue
        for selection in source.selections:
            if not source.offsets.same_everywhere(selection.start, selection.end):
                telling.append((source.text, source.offsets, selection))
    if len(telling) < _DISCRIMINATING_MINIMUM:
        return prior, None, {}
    scores: dict[str, float] = {}
    for convention in OFFSET_CONVENTIONS:
        fits = sum(
            _on_boundaries(text, offsets.span(s.start, s.end, convention))
            for text, offsets, s in telling
        )
        scores[convention] = fits / len(telling)
    best = max(OFFSET_CONVENTIONS, key=lambda c: (scores[c], c == prior))
    if scores[best] - scores[prior] > _OVERRIDE_MARGIN:
        note = _(
            "selection offsets read as {best} ({share} of {count} telling selections on word "
            "boundaries, {prior_share} as {prior})"
        ).format(
            best=best,
            share=f"{scores[best]:.0%}",
            count=number(len(telling)),
            prior_share=f"{scores[prior]:.0%}",
            prior=prior,
        )
        return best, note, scores
    return prior, None, scores


# --- reading the file ----------------------------------------------------------------------


class _Texts:
    """Where ``internal://`` files are found: the zip's members, or a folder beside a .qde."""

    def __init__(
        self, path: Path, archive: SafeArchive | None, folder: Path | None, limits: Limits
    ) -> None:
        self.path = path
        self.archive = archive
        self.limits = limits
        self.index: dict[str, str] = {}
        if archive is not None:
            # Prefer a member in a top-level sources/ folder (any case) over one elsewhere.
            for name in archive.names():
                if name.endswith("/"):
                    continue
                base = PurePosixPath(name).name.casefold()
                parts = PurePosixPath(name).parts
                in_sources = len(parts) == 2 and parts[0].casefold() == "sources"
                if base not in self.index or in_sources:
                    self.index[base] = name
        elif folder is not None and folder.is_dir() and not folder.is_symlink():
            for entry in folder.iterdir():
                self.index.setdefault(entry.name.casefold(), entry.name)
        self.folder = folder

    def read(self, reference: str) -> tuple[bytes, str] | None:
        """The bytes of an ``internal://`` file and a label for it, or None if absent."""
        if not reference.casefold().startswith("internal://"):
            return None
        name = reference[len("internal://") :].replace("\\", "/").rsplit("/", 1)[-1]
        if not name or name in (".", ".."):
            return None
        found = self.index.get(name.casefold())
        if found is None:
            return None
        # A source's text is bounded more tightly than other members: it is parsed and
        # indexed, which costs many times its size (refused before it is decompressed).
        text_limits = replace(
            self.limits,
            max_member_bytes=min(self.limits.max_member_bytes, self.limits.max_text_bytes),
        )
        if self.archive is not None:
            data = self.archive.read(found, limit=text_limits.max_member_bytes)
            return data, _("member {name}").format(name=found)
        assert self.folder is not None
        return read_file_bounded(self.folder / found, text_limits), str(self.folder / found)


def _decode(path: Path, label: str, data: bytes, warnings: list[str]) -> tuple[str, str]:
    """Text of a source file: UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise InputError(
                path,
                _("{source}: not valid {encoding} text").format(
                    source=label, encoding=encoding.upper()
                ),
            ) from exc
        text = body.decode("cp1252", errors="replace")
        encoding = "cp1252"
        warnings.append(
            _("{source}: not UTF-8; read as Windows-1252 (check accented letters)").format(
                source=label
            )
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text or len(_CONTROL.findall(text)) > max(8, len(text) // 1000):
        raise InputError(
            path, _("{source}: looks like a binary file, not text").format(source=label)
        )
    return text, encoding


def _text_of(
    element: etree._Element, texts: _Texts, path: Path, warnings: list[str]
) -> tuple[str | None, str, str]:
    """The text of a TextSource-like element (inline or a file), its encoding and a label."""
    inline = _kid(element, "PlainTextContent")
    if inline is not None:
        text = "".join(inline.itertext())
        label = _("inline text")
        check_length(path, text, label)
        return text, "utf-8", label
    reference = (element.get("plainTextPath") or "").strip()
    if not reference:
        return None, "", _("no plainTextPath")
    found = texts.read(reference)
    if found is None:
        return None, "", reference
    data, label = found
    text, encoding = _decode(path, label, data, warnings)
    check_length(path, text, label)
    return text, encoding, label


def _coding(element: etree._Element) -> RefiCoding | None:
    ref = _kid(element, "CodeRef")
    if ref is None or not ref.get("targetGUID"):
        return None
    return RefiCoding(
        guid=norm_guid(element.get("guid")),
        code_guid=norm_guid(ref.get("targetGUID")),
        user=norm_guid(element.get("creatingUser")) or None,
        created=_when(element.get("creationDateTime")),
        note_refs=_refs(element),
    )


def _read_codes(parent: etree._Element, refi: RefiFile, top: bool) -> list[RefiCode]:
    codes: list[RefiCode] = []
    for element in _kids(parent, "Code"):
        guid = norm_guid(element.get("guid"))
        raw = element.get("name") or ""
        name = code_name(raw) or f"Code {guid[:8]}".strip()
        if name != raw.strip():
            refi.renamed_codes.append(_("{old} as {new}").format(old=quoted(raw), new=quoted(name)))
        description, extra = parse_code_block(_text(_kid(element, "Description")))
        code = RefiCode(
            guid=guid,
            name=name,
            description=description,
            color=_color(element.get("color")),
            note_refs=_refs(element),
            fields=extra,
            codable=(element.get("isCodable") or "true").strip().casefold() not in ("false", "0"),
        )
        if top and name.casefold() == PLACES_CODE.casefold() and _read_places(element, code, refi):
            if code.children:  # children without a place block stay codes under Places
                codes.append(code)
            continue
        code.children = _read_codes(element, refi, False)
        codes.append(code)
    return codes


def _read_places(element: etree._Element, code: RefiCode, refi: RefiFile) -> bool:
    """Children of a top-level Places code with a place block become places."""
    places: list[RefiPlace] = []
    others: list[etree._Element] = []
    for child in _kids(element, "Code"):
        parsed = parse_place_block(_text(_kid(child, "Description")))
        if parsed is None:
            others.append(child)
            continue
        description, fields = parsed
        raw = child.get("name") or ""
        name = fit_name(raw)
        if not name:
            refi.warnings.append(_("a place without a name was left out"))
            continue
        if name != raw.strip():
            refi.warnings.append(
                _("place {old} imported as {new}").format(old=quoted(raw), new=quoted(name))
            )
        places.append(
            RefiPlace(norm_guid(child.get("guid")), name, description, fields, _refs(child))
        )
        nested = [c.get("name") or "?" for c in _kids(child, "Code")]
        if nested:
            refi.warnings.append(
                _("codes under place {name} left out: {items}").format(
                    name=repr(name), items=_listing(nested)
                )
            )
    if not places:
        return False
    refi.places.extend(places)
    holder = etree.Element("Holder")
    for child in others:
        holder.append(child)
    code.children = _read_codes(holder, refi, False)
    return True


def _read_values(element: etree._Element) -> list[tuple[str, str]]:
    values: list[tuple[str, str]] = []
    for value in _kids(element, "VariableValue"):
        ref = _kid(value, "VariableRef")
        if ref is None:
            continue
        content = next(
            (
                child
                for child in value
                if _local(child).endswith("Value") and _local(child) != "VariableValue"
            ),
            None,
        )
        if content is None:
            continue
        values.append((norm_guid(ref.get("targetGUID")), _text(content)))
    return values


def _read_source(
    element: etree._Element, refi: RefiFile, texts: _Texts, missing: list[str]
) -> RefiSource | None:
    guid = norm_guid(element.get("guid"))
    raw, encoding, label = _text_of(element, texts, refi.path, refi.warnings)
    name = " ".join((element.get("name") or "").split()) or guid or label
    if raw is None:
        missing.append(f"{name!r} ({label})")
        refi.sources_skipped += 1
        return None
    source = RefiSource(
        guid=guid,
        name=name,
        label=label,
        raw=raw,
        encoding=encoding,
        description=_text(_kid(element, "Description")),
        user=norm_guid(element.get("creatingUser")) or None,
        created=_when(element.get("creationDateTime")),
        note_refs=_refs(element),
        values=_read_values(element),
    )
    if not normalise(raw).strip():
        refi.warnings.append(_("source {name} has no text; left out").format(name=repr(name)))
        refi.sources_skipped += 1
        return None
    source.offsets = OffsetMap(raw)
    source.text = source.offsets.text
    for selection in _kids(element, "PlainTextSelection"):
        start, end = _int(selection.get("startPosition")), _int(selection.get("endPosition"))
        if start is None or end is None:
            raise InputError(
                refi.path,
                _(
                    "selection {guid} of source {source} has no valid startPosition/endPosition"
                ).format(guid=selection.get("guid"), source=repr(name)),
            )
        item = RefiSelection(
            guid=norm_guid(selection.get("guid")),
            start=start,
            end=end,
            user=norm_guid(selection.get("creatingUser")) or None,
            created=_when(selection.get("creationDateTime")),
            description=_text(_kid(selection, "Description")),
            note_refs=_refs(selection),
        )
        item.codings = [c for c in map(_coding, _kids(selection, "Coding")) if c is not None]
        source.selections.append(item)
    source.codings = [c for c in map(_coding, _kids(element, "Coding")) if c is not None]
    return source


def _read_project(root: etree._Element, refi: RefiFile, texts: _Texts) -> None:
    users = _kid(root, "Users")
    if users is not None:
        for user in _kids(users, "User"):
            guid = norm_guid(user.get("guid"))
            name = " ".join((user.get("name") or user.get("id") or "").split())
            if guid:
                refi.users[guid] = name or f"user {guid[:8]}"
    codebook = _kid(root, "CodeBook")
    codes = _kid(codebook, "Codes") if codebook is not None else None
    if codes is not None:
        refi.codes = _read_codes(codes, refi, True)
    variables = _kid(root, "Variables")
    if variables is not None:
        for variable in _kids(variables, "Variable"):
            kind = (variable.get("typeOfVariable") or "Text").strip().casefold()
            name = " ".join((variable.get("name") or "").split())
            if not name:
                refi.warnings.append(_("a variable without a name was left out"))
                continue
            if kind not in VARIABLE_TYPES:
                refi.warnings.append(
                    _("variable {name} of unknown type {kind} read as text").format(
                        name=repr(name), kind=repr(kind)
                    )
                )
                kind = "text"
            refi.variables.append(
                RefiVariable(
                    norm_guid(variable.get("guid")),
                    name,
                    kind,
                    _text(_kid(variable, "Description")),
                )
            )
    case_list = _kid(root, "Cases")
    partial_cases: list[str] = []
    if case_list is not None:
        for index, case in enumerate(_kids(case_list, "Case"), start=1):
            guid = norm_guid(case.get("guid"))
            name = " ".join((case.get("name") or "").split()) or f"Case {guid[:8] or index}"
            if list(_kids(case, "SelectionRef", "CodeRef")):
                partial_cases.append(repr(name))
            refi.cases.append(
                RefiCase(
                    guid=guid,
                    name=name,
                    description=_text(_kid(case, "Description")),
                    values=_read_values(case),
                    source_refs=_refs(case, "SourceRef"),
                )
            )
    if partial_cases:
        refi.warnings.append(
            _(
                "cases hold whole documents only; selections and codes in cases left out: {items}"
            ).format(items=_listing(partial_cases))
        )
    sources = _kid(root, "Sources")
    missing: list[str] = []
    other_kinds: dict[str, list[str]] = {}
    if sources is not None:
        for element in sources:
            kind = _local(element)
            if kind == "TextSource":
                source = _read_source(element, refi, texts, missing)
                if source is not None:
                    refi.sources.append(source)
            elif kind:
                label = element.get("name") or norm_guid(element.get("guid"))
                representation = _kid(element, "Representation")
                if representation is not None and label:
                    # A PDF's text rendering (ATLAS.ti writes one), coded like a text source.
                    representation.set("name", label)
                    source = _read_source(representation, refi, texts, missing)
                    if source is not None:
                        # Cases and notes refer to the PDF, not to its rendering.
                        source.guid = norm_guid(element.get("guid")) or source.guid
                        refi.sources.append(source)
                        refi.warnings.append(
                            _("{kind} {name} imported as the text of its Representation").format(
                                kind=kind, name=repr(label)
                            )
                        )
                        continue
                other_kinds.setdefault(kind, []).append(repr(label))
                refi.sources_skipped += 1
    if missing:
        refi.warnings.append(
            ngettext(
                "{count} text source left out: its text is not in the file: {items}",
                "{count} text sources left out: their text is not in the file: {items}",
                len(missing),
            ).format(count=number(len(missing)), items=_listing(missing))
        )
    for kind, labels in other_kinds.items():
        refi.warnings.append(
            _("{kind} left out (only text sources are imported): {items}").format(
                kind=kind, items=_listing(labels)
            )
        )
    notes = _kid(root, "Notes")
    missing_notes: list[str] = []
    if notes is not None:
        for note in _kids(notes, "Note"):
            guid = norm_guid(note.get("guid"))
            text, _encoding, label = _text_of(note, texts, refi.path, refi.warnings)
            if text is not None:
                text = normalise(text).strip()
            if not text:
                text = _text(_kid(note, "Description")) or None
            if text is None:
                missing_notes.append(f"{note.get('name') or guid} ({label})")
            refi.notes[guid] = RefiNote(
                guid=guid,
                name=" ".join((note.get("name") or "").split()),
                text=text,
                user=norm_guid(note.get("creatingUser")) or None,
                created=_when(note.get("creationDateTime")),
            )
    if missing_notes:
        refi.warnings.append(
            ngettext(
                "{count} note left out: its text is not in the file: {items}",
                "{count} notes left out: their text is not in the file: {items}",
                len(missing_notes),
            ).format(count=number(len(missing_notes)), items=_listing(missing_notes))
        )
    refi.description = _text(_kid(root, "Description"))
    refi.creating_user = norm_guid(root.get("creatingUserGUID")) or None
    for guid in _refs(root):
        refi.note_targets.append((guid, "project", ""))
    _links_and_case_codings(root, refi)
    _report_sets(root, refi)
    ignored = [
        _local(e)
        for e in root
        if _local(e) in ("Links", "Graphs") and any(isinstance(i.tag, str) for i in e)
    ]
    if ignored:
        refi.warnings.append(
            _("{parts} left out (not part of a workbench project)").format(parts=", ".join(ignored))
        )


def _report_sets(root: etree._Element, refi: RefiFile) -> None:
    """Sets (ATLAS.ti code groups, MAXQDA document sets) have no table of their own here: a
    warning names how many were left out, and which codes and documents they held, so that
    they can be made again (as parent codes, or as cases). Our own Places set is no loss."""
    holder = _kid(root, "Sets")
    if holder is None:
        return
    code_names: dict[str, str] = {}

    def walk(codes: list[RefiCode]) -> None:
        for code in codes:
            code_names[code.guid] = code.name
            walk(code.children)

    walk(refi.codes)
    source_names = {source.guid: source.name for source in refi.sources}
    described: list[str] = []
    for element in _kids(holder, "Set"):
        if _our_places_set(element, refi):
            continue
        name = " ".join((element.get("name") or "").split()) or "?"
        members = [
            code_names.get(norm_guid(m.get("targetGUID") or m.get("guid")), "?")
            for m in _kids(element, "MemberCode")
        ] + [
            source_names.get(norm_guid(m.get("targetGUID") or m.get("guid")), "?")
            for m in _kids(element, "MemberSource")
        ]
        shown = _listing(members, 6) if members else _("empty")
        described.append(f"{name!r} ({shown})")
    if described:
        refi.warnings.append(
            ngettext(
                "{count} set left out (a workbench project has no groups of codes or "
                "documents): {sets}",
                "{count} sets left out (a workbench project has no groups of codes or "
                "documents): {sets}",
                len(described),
            ).format(count=number(len(described)), sets="; ".join(described))
        )


def _our_places_set(element: etree._Element, refi: RefiFile) -> bool:
    """Whether a ``Set`` is the Places set our export writes: named
    :data:`~workbench.exchange.refi.PLACES_CODE`, with only the places read from this file as
    members (those are restored as places, so nothing of it is lost)."""
    if _local(element) != "Set":
        return False
    if " ".join((element.get("name") or "").split()).casefold() != PLACES_CODE.casefold():
        return False
    places = {place.guid for place in refi.places}
    members = list(_kids(element, "MemberCode", "MemberSource"))
    return bool(places) and all(
        _local(member) == "MemberCode"
        and norm_guid(member.get("targetGUID") or member.get("guid")) in places
        for member in members
    )


def _links_and_case_codings(root: etree._Element, refi: RefiFile) -> None:
    """Two habits of NVivo: a ``Link`` between a Note and a selection (or a code, a source)
    attaches the note to it, and a ``Coding`` whose CodeRef names a Case puts the source in
    that case (we keep whole documents in cases)."""
    selections = {s.guid: s for source in refi.sources for s in source.selections}
    sources = {source.guid: source for source in refi.sources}
    codes: dict[str, RefiCode] = {}

    def walk(items: list[RefiCode]) -> None:
        for code in items:
            codes[code.guid] = code
            walk(code.children)

    walk(refi.codes)
    links = _kid(root, "Links")
    for link in _kids(links, "Link") if links is not None else ():
        ends = norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))
        for note, other in (ends, ends[::-1]):
            if note not in refi.notes:
                continue
            target = selections.get(other) or sources.get(other) or codes.get(other)
            if target is not None and note not in target.note_refs:
                target.note_refs.append(note)
    case_guids = {case.guid for case in refi.cases}
    if not case_guids:
        return

    def drop_case_codes(items: list[RefiCode]) -> list[RefiCode]:
        # QualCoder (and our export for it) writes a code with a case's GUID whose codings
        # are the case's documents: a case, not a code.
        kept = [code for code in items if code.guid not in case_guids]
        for code in kept:
            code.children = drop_case_codes(code.children)
        return kept

    refi.codes = drop_case_codes(refi.codes)
    for source in refi.sources:
        holders: list[RefiSource | RefiSelection] = [source, *source.selections]
        for holder in holders:
            kept = []
            for coding in holder.codings:
                if coding.code_guid in case_guids:
                    source.case_refs.add(coding.code_guid)
                else:
                    kept.append(coding)
            holder.codings = kept


def _collect_note_targets(refi: RefiFile) -> None:
    def walk(codes: list[RefiCode]) -> None:
        for code in codes:
            refi.note_targets.extend((g, "code", code.guid) for g in code.note_refs)
            walk(code.children)

    walk(refi.codes)
    for place in refi.places:
        refi.note_targets.extend((g, "place", place.guid) for g in place.note_refs)
    for source in refi.sources:
        refi.note_targets.extend((g, "source", source.guid) for g in source.note_refs)
        for coding in source.codings:
            refi.note_targets.extend((g, "source", source.guid) for g in coding.note_refs)
        for selection in source.selections:
            refi.note_targets.extend((g, "selection", selection.guid) for g in selection.note_refs)
            for coding in selection.codings:
                refi.note_targets.extend((g, "selection", selection.guid) for g in coding.note_refs)


def _sniff(path: Path) -> str:
    suffix = path.suffix.casefold()
    if suffix in SUFFIXES:
        return suffix
    if not path.is_file():
        raise InputError(path, _("no such file") if not path.exists() else _("is not a file"))
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        return ".qdpx"
    raise InputError(path, _("not a REFI-QDA file (.qdpx, .qde or .qdc)"))


def read_refi(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    offsets: str = "auto",
    language: str = "en",
    paragraph_mode: str = "lines",
) -> RefiFile:
    """Read, check and convert a REFI-QDA file without touching any project.

    ``offsets`` is ``auto`` or one of :data:`OFFSET_CONVENTIONS`. Documents are analysed in
    ``language`` (turns, paragraphs, sentences) so that storing them is quick.
    """
    path = Path(path)
    if offsets != "auto" and offsets not in OFFSET_CONVENTIONS:
        known = ", ".join(("auto", *OFFSET_CONVENTIONS))
        raise InvalidValue(
            _("unknown offset convention {name}; use one of {known}").format(
                name=repr(offsets), known=known
            )
        )
    suffix = _sniff(path)
    archive: SafeArchive | None = None
    try:
        if suffix == ".qdpx":
            archive = SafeArchive(path, limits)
            qdes = [n for n in archive.names() if n.casefold().endswith(".qde")]
            if not qdes:
                raise InputError(path, _("no .qde file inside (not a REFI-QDA project archive)"))
            if len(qdes) > 1:
                top = [n for n in qdes if n.casefold() == "project.qde"]
                if len(top) != 1:
                    raise InputError(
                        path,
                        _("more than one .qde file inside ({names})").format(
                            names=", ".join(qdes[:3])
                        ),
                    )
                qdes = top
            member = qdes[0]
            tree = parse_xml(archive.read(member), path, member)
            texts = _Texts(path, archive, None, limits)
        else:
            tree = parse_xml(read_file_bounded(path, limits, follow_symlink=True), path)
            folder = (
                next((p for p in path.parent.iterdir() if p.name.casefold() == "sources"), None)
                if suffix == ".qde" and path.parent.is_dir()
                else None
            )
            texts = _Texts(path, None, folder, limits)
        root = tree.getroot()
        kind = _local(root)
        namespace = etree.QName(root).namespace or ""
        if namespace and not namespace.startswith("urn:QDA-XML:"):
            raise InputError(
                path,
                _("not a REFI-QDA file (root namespace {namespace})").format(
                    namespace=repr(namespace)
                ),
            )
        if kind not in ("Project", "CodeBook"):
            raise InputError(
                path,
                _("not a REFI-QDA project or codebook (root element <{name}>)").format(name=kind),
            )
        refi = RefiFile(
            path=path,
            kind="project" if kind == "Project" else "codebook",
            origin=(root.get("origin") or "").strip(),
        )
        if kind == "Project":
            _read_project(root, refi, texts)
        else:
            codes = _kid(root, "Codes")
            if codes is not None:
                refi.codes = _read_codes(codes, refi, True)
            _report_sets(root, refi)
        if not refi.codes and not refi.places and not refi.sources and kind == "CodeBook":
            refi.warnings.append(_("the codebook holds no codes"))
    finally:
        if archive is not None:
            archive.close()
    if refi.renamed_codes:
        refi.warnings.insert(
            0,
            ngettext(
                "{count} code name changed: a name cannot be empty or hold control "
                "characters (imported: {items})",
                "{count} code names changed: a name cannot be empty or hold control "
                "characters (imported: {items})",
                len(refi.renamed_codes),
            ).format(count=number(len(refi.renamed_codes)), items=_listing(refi.renamed_codes)),
        )
    _collect_note_targets(refi)
    _convert_offsets(refi, offsets)
    _prepare_documents(refi, language, paragraph_mode)
    return refi


def _convert_offsets(refi: RefiFile, offsets: str) -> None:
    if not any(source.selections for source in refi.sources):
        return
    if offsets == "auto":
        convention, note, _scores = choose_convention(refi.origin, refi.sources)
        if note:
            refi.warnings.append(note)
    else:
        convention = offsets
    refi.offsets = convention
    bad: list[str] = []
    for source in refi.sources:
        assert source.offsets is not None
        for selection in source.selections:
            span = source.offsets.span(selection.start, selection.end, convention)
            if span is not None and not source.text[span[0] : span[1]].strip():
                span = None
            selection.span = span
            if span is None:
                bad.append(
                    _("{start}-{end} in {document}").format(
                        start=selection.start, end=selection.end, document=repr(source.name)
                    )
                )
    if bad:
        refi.warnings.append(
            ngettext(
                "{count} selection out of range or blank, left out: {items}",
                "{count} selections out of range or blank, left out: {items}",
                len(bad),
            ).format(count=number(len(bad)), items=_listing(bad))
        )


def _prepare_documents(refi: RefiFile, language: str, paragraph_mode: str) -> None:
    from workbench.text.lemmas import TokenCollector

    for source in refi.sources:
        text = source.text
        found = find_turns(text, paragraph_mode)
        turns = found.turns
        paragraphs = paragraph_spans(text, paragraph_mode)
        collector = TokenCollector()  # the lemma index reuses the spaCy docs, as import does
        pieces = sentence_pieces(paragraphs, turns, text)
        sentences = list(nlp.sentence_spans(language, pieces, on_doc=collector.add))
        refi.prepared[source.guid or source.name] = PreparedDocument(
            name=source.name,
            source=f"{refi.path.name}: {source.label}",
            source_text=SourceText(text=text, encoding=source.encoding),
            turns=turns,
            paragraphs=paragraphs,
            sentences=sentences,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            tokens=collector.finish(),  # stored with the document, in the import's transaction
            found=found,
        )


# --- storing -------------------------------------------------------------------------------


class _Store:
    """The write phase: one instance per import, inside the caller's transaction."""

    def __init__(
        self, session: Session, refi: RefiFile, report: ImportReport, coder: str | None
    ) -> None:
        self.session = session
        self.refi = refi
        self.report = report
        self.importer = coders.ensure(session, coder)
        self.coder_ids: dict[str, int] = {}
        self.code_ids: dict[str, int] = {}
        self.place_ids: dict[str, int] = {}
        self.document_ids: dict[str, int] = {}
        self.segment_ids: dict[str, int] = {}
        self.case_ids: dict[str, int] = {}
        self.document_names: dict[str, str] = {}
        self.case_names: dict[str, int] = {}

    def coder_of(self, guid: str | None) -> int:
        """The coder for a user GUID of the file (the importing coder when unknown)."""
        found = self.coder_ids.get(guid or "")
        return found if found is not None else id_of(self.importer)

    def users(self) -> None:
        by_guid = {norm_guid(c.guid): c for c in self.session.exec(select(Coder))}
        by_name = {c.name: c for c in by_guid.values()}
        for guid, name in self.refi.users.items():
            coder = by_guid.get(guid) or by_name.get(name)
            if coder is None:
                coder = Coder(name=name, guid=guid)
                self.session.add(coder)
                self.session.flush()
                by_name[name] = coder
            self.coder_ids[guid] = id_of(coder)
            self.report.coders += 1

    def codes(self) -> None:
        existing = list(self.session.exec(select(Code)))
        by_guid = {norm_guid(c.guid): c for c in existing}
        by_name = {name_key(c.name): c for c in existing}
        position = max((c.position for c in existing), default=0)
        taken: set[str] = set()

        def unique(code: RefiCode, parent: RefiCode | None) -> str:
            name = code.name
            if name_key(name) in taken and parent is not None:
                name = f"{code.name} [{parent.name}]"
            base, counter = name, 1
            while name_key(name) in taken:
                counter += 1
                name = f"{base} {counter}"
            if name != code.name:
                self.refi.warnings.append(
                    _(
                        "a second code {name} imported as {new} (names are unique in any "
                        "letter case and spacing)"
                    ).format(name=quoted(code.name), new=quoted(name))
                )
            taken.add(name_key(name))
            return name

        def walk(codes: list[RefiCode], parent: RefiCode | None, parent_id: int | None) -> None:
            nonlocal position
            for code in codes:
                name = unique(code, parent)
                match = by_guid.get(code.guid) if code.guid else None
                match = match or by_name.get(name_key(name))
                if match is not None:
                    self.report.codes_reused += 1
                else:
                    position += 1
                    extra = code.fields
                    keywords = extra.get("keywords")
                    match = Code(
                        name=name,
                        description=code.description,
                        label=str(extra.get("label") or ""),
                        inclusion=str(extra.get("inclusion") or ""),
                        exclusion=str(extra.get("exclusion") or ""),
                        example=str(extra.get("example") or ""),
                        keywords=json.dumps(
                            keywords if isinstance(keywords, list) else [], ensure_ascii=False
                        ),
                        color=code.color or "",  # none given: none invented
                        codable=code.codable,
                        parent_id=parent_id,
                        position=position,
                        coder_id=self.importer.id,
                    )
                    if code.guid:
                        match.guid = code.guid
                    self.session.add(match)
                    self.session.flush()
                    by_name[name_key(name)] = match
                    self.report.codes_added += 1
                if code.guid:
                    self.code_ids[code.guid] = id_of(match)
                walk(code.children, code, match.id)

        walk(self.refi.codes, None, None)

    def places(self) -> None:
        from workbench.coding.places import add_place

        if not self.refi.places:
            return
        existing = list(self.session.exec(select(Place)))
        by_guid = {norm_guid(p.guid): p for p in existing}
        by_name = {name_key(p.name): p for p in existing}
        kinds = set(self.session.exec(select(PlaceKind.name)))
        statuses = set(self.session.exec(select(PlaceStatus.name)))
        for item in self.refi.places:
            place = by_guid.get(item.guid) or by_name.get(name_key(item.name))
            if place is not None:
                self.report.places_reused += 1
            else:
                fields = item.fields
                kind = str(fields.get("kind") or "other")
                if kinds and kind not in kinds:
                    self.session.add(PlaceKind(name=kind, label=kind, position=len(kinds)))
                    self.session.flush()
                    kinds.add(kind)
                    self.refi.warnings.append(
                        _("place kind {kind} added (place {name})").format(
                            kind=repr(kind), name=repr(item.name)
                        )
                    )
                status = str(fields.get("status") or "existing")
                if statuses and status not in statuses:
                    self.refi.warnings.append(
                        _("place {name}: unknown status {status}, imported as existing").format(
                            name=repr(item.name), status=repr(status)
                        )
                    )
                    status = "existing"
                latitude, longitude = fields.get("latitude"), fields.get("longitude")
                if not (
                    isinstance(latitude, float)
                    and isinstance(longitude, float)
                    and -90 <= latitude <= 90
                    and -180 <= longitude <= 180
                ):
                    if latitude is not None or longitude is not None:
                        self.refi.warnings.append(
                            _("place {name}: coordinates unreadable, left out").format(
                                name=repr(item.name)
                            )
                        )
                    latitude = longitude = None
                aliases = fields.get("aliases") or []
                place = add_place(
                    self.session,
                    item.name,
                    kind=kind,
                    status=status,
                    neighbourhood=str(fields.get("neighbourhood") or ""),
                    municipality=str(fields.get("municipality") or ""),
                    address=str(fields.get("address") or ""),
                    aliases=list(aliases) if isinstance(aliases, list) else [],
                    latitude=latitude,
                    longitude=longitude,
                    description=item.description,
                    coder_id=self.importer.id,
                )
                kinds.add(kind)  # a project without kinds learnt this one
                if item.guid:
                    place.guid = item.guid
                by_name[name_key(item.name)] = place
                self.report.places_added += 1
            if item.guid:
                self.place_ids[item.guid] = id_of(place)

    def documents(self, rename: bool, language: str, paragraph_mode: str) -> None:
        taken = {n.casefold() for n in self.session.exec(select(Document.name))}
        in_file: set[str] = set()
        for source in self.refi.sources:
            prepared = self.refi.prepared[source.guid or source.name]
            name = source.name
            clash = name.casefold() in taken
            if clash and not rename:
                raise Conflict(
                    _(
                        "{path}: a document called {name} is already in the project; "
                        "import with --rename to add it under another name"
                    ).format(path=self.refi.path, name=repr(name))
                )
            if clash or name.casefold() in in_file:
                base, counter = name, 2
                while f"{base} ({counter})".casefold() in taken | in_file:
                    counter += 1
                name = f"{base} ({counter})"
                self.refi.warnings.append(
                    _("document {name} imported as {new}").format(name=repr(base), new=repr(name))
                )
            in_file.add(name.casefold())
            prepared.name = name
            imported = store(
                self.session,
                prepared,
                language=language,
                paragraph_mode=paragraph_mode,
                coder_id=self.coder_of(source.user),
            )
            document = self.session.get(Document, imported.id)
            assert document is not None
            if source.guid:
                document.guid = source.guid
            self.document_ids[source.guid] = imported.id
            self.document_names[source.guid] = name
            self.report.documents += 1
            self.report.document_names.append(name)

    def segments(self) -> None:
        session = self.session
        for source in self.refi.sources:
            document_id = self.document_ids[source.guid]
            by_span: dict[tuple[int, int], Segment] = {}
            codings: set[tuple[int, int, int]] = set()
            links: set[tuple[int, int]] = set()
            items: list[tuple[tuple[int, int], RefiSelection | None, list[RefiCoding]]] = [
                (s.span, s, s.codings) for s in source.selections if s.span is not None
            ]
            self.report.selections_skipped += len(source.selections) - len(items)
            if source.codings:
                items.append(((0, len(source.text)), None, source.codings))
            dangling = 0
            # Spans with something on them: an empty selection (our export writes the
            # segment's creator's selection even when only others coded the passage) still
            # gives the segment its GUID and creator, but alone it is no segment.
            alive: set[tuple[int, int]] = set()
            for span, selection, selection_codings in items:
                if (
                    selection is None
                    or selection.description
                    or any(
                        c.code_guid in self.code_ids or c.code_guid in self.place_ids
                        for c in selection_codings
                    )
                    or any(self._note_text(g) for g in self._selection_notes(selection))
                ):
                    alive.add(span)
            for span, selection, selection_codings in items:
                resolved = [
                    c
                    for c in selection_codings
                    if c.code_guid in self.code_ids or c.code_guid in self.place_ids
                ]
                dangling += len(selection_codings) - len(resolved)
                if span not in alive:
                    self.report.selections_skipped += 1
                    continue
                segment = by_span.get(span)
                if segment is None:
                    user = selection.user if selection else (resolved[0].user if resolved else None)
                    segment = Segment(
                        document_id=document_id,
                        start=span[0],
                        end=span[1],
                        coder_id=self.coder_of(user),
                        created_at=(selection.created if selection else None) or utcnow(),
                    )
                    if selection is not None and selection.guid:
                        segment.guid = selection.guid
                    session.add(segment)
                    session.flush()
                    by_span[span] = segment
                    self.report.segments += 1
                segment_id = id_of(segment)
                if selection is not None:
                    self.report.selections += 1
                    if selection.guid:
                        self.segment_ids[selection.guid] = segment_id
                    if selection.description:
                        self._memo(
                            selection.description,
                            segment_id=segment_id,
                            coder_id=self.coder_of(selection.user),
                            created=selection.created,
                        )
                for coding in resolved:
                    coder_id = self.coder_of(coding.user or (selection.user if selection else None))
                    if coding.code_guid in self.place_ids:
                        key = (segment_id, self.place_ids[coding.code_guid])
                        if key in links:
                            continue
                        links.add(key)
                        session.add(
                            SegmentPlace(
                                segment_id=segment_id,
                                place_id=key[1],
                                coder_id=coder_id,
                                created_at=coding.created or utcnow(),
                            )
                        )
                        self.report.place_links += 1
                        continue
                    triple = (segment_id, self.code_ids[coding.code_guid], coder_id)
                    if triple in codings:
                        continue
                    codings.add(triple)
                    row = Coding(
                        segment_id=segment_id,
                        code_id=triple[1],
                        coder_id=coder_id,
                        created_at=coding.created or utcnow(),
                    )
                    if coding.guid:
                        row.guid = coding.guid
                    session.add(row)
                    self.report.codings += 1
            if dangling:
                self.refi.warnings.append(
                    ngettext(
                        "{count} coding in {document} refers to no code of the file; left out",
                        "{count} codings in {document} refer to no code of the file; left out",
                        dangling,
                    ).format(count=number(dangling), document=repr(source.name))
                )
            session.flush()

    def _selection_notes(self, selection: RefiSelection) -> list[str]:
        return selection.note_refs + [g for c in selection.codings for g in c.note_refs]

    def _note_text(self, guid: str) -> str | None:
        note = self.refi.notes.get(guid)
        return note.text if note is not None else None

    def _memo(
        self,
        text: str,
        *,
        coder_id: int,
        created: datetime | None = None,
        guid: str | None = None,
        document_id: int | None = None,
        code_id: int | None = None,
        segment_id: int | None = None,
        case_id: int | None = None,
        place_id: int | None = None,
    ) -> None:
        memo = Memo(
            text=text,
            coder_id=coder_id,
            document_id=document_id,
            code_id=code_id,
            segment_id=segment_id,
            case_id=case_id,
            place_id=place_id,
        )
        if created:
            memo.created_at = memo.updated_at = created
        if guid:
            memo.guid = guid
        self.session.add(memo)
        self.report.memos += 1

    def variables_and_cases(self) -> None:
        session = self.session
        variables: dict[str, Variable] = {}
        existing = {v.name: v for v in session.exec(select(Variable))}
        for refi_variable in self.refi.variables:
            variable = existing.get(refi_variable.name)
            if variable is None:
                variable = Variable(
                    name=refi_variable.name,
                    type=VARIABLE_TYPES[refi_variable.type],
                    description=refi_variable.description,
                )
                if refi_variable.guid:
                    variable.guid = refi_variable.guid
                session.add(variable)
                session.flush()
                existing[refi_variable.name] = variable
                self.report.variables += 1
            variables[refi_variable.guid] = variable
        unknown_sources: list[str] = []
        for item in self.refi.cases:
            case = session.exec(select(Case).where(Case.name == item.name)).first()
            if case is None:
                case = Case(name=item.name, description=item.description, coder_id=self.importer.id)
                if item.guid:
                    case.guid = item.guid
                session.add(case)
                session.flush()
            self.case_ids[item.guid] = id_of(case)
            self.case_names[item.name] = id_of(case)
            self.report.cases += 1
            self._values(case, item.values, variables)
            sources_of_case = [
                *item.source_refs,
                *(s.guid for s in self.refi.sources if item.guid in s.case_refs),
            ]
            for guid in dict.fromkeys(sources_of_case):
                document_id = self.document_ids.get(guid)
                if document_id is None:
                    unknown_sources.append(f"{item.name!r}")
                    continue
                cases.link_document(session, id_of(case), document_id)
        if unknown_sources:
            self.refi.warnings.append(
                _("cases refer to sources not imported: {items}").format(
                    items=_listing(sorted(set(unknown_sources)))
                )
            )
        for source in self.refi.sources:
            if not source.values:
                continue
            case = cases.ensure_case(
                session, self.document_names[source.guid], coder_id=self.importer.id
            )
            cases.link_document(session, id_of(case), self.document_ids[source.guid])
            self._values(case, source.values, variables)

    def _values(
        self, case: Case, values: list[tuple[str, str]], variables: dict[str, Variable]
    ) -> None:
        for guid, value in values:
            variable = variables.get(guid)
            if variable is None:
                self.refi.warnings.append(
                    _("case {name}: a value of an unknown variable").format(name=repr(case.name))
                )
                continue
            if variable.type == "date" and "T" in value:
                value = value.split("T", 1)[0]
            try:
                cases.set_value(self.session, case, variable.name, value)
            except InvalidValue as exc:
                self.refi.warnings.append(_("{error}; left out").format(error=exc))
                continue
            self.report.values += 1

    def memos(self) -> None:
        refi = self.refi
        referenced: set[str] = set()
        done: set[tuple[str, str, str]] = set()
        guids_used: set[str] = set()
        for guid, kind, target in refi.note_targets:
            note = refi.notes.get(guid)
            referenced.add(guid)
            if note is None or not note.text or (guid, kind, target) in done:
                continue
            done.add((guid, kind, target))
            columns: dict[str, int | None] = {}
            if kind == "code" and target in self.code_ids:
                columns["code_id"] = self.code_ids[target]
            elif kind == "place" and target in self.place_ids:
                columns["place_id"] = self.place_ids[target]
            elif kind == "source" and target in self.document_ids:
                columns["document_id"] = self.document_ids[target]
            elif kind == "selection" and target in self.segment_ids:
                columns["segment_id"] = self.segment_ids[target]
            elif kind != "project":
                continue  # the target was left out (a warning says why)
            fresh = guid not in guids_used
            guids_used.add(guid)
            self._memo(
                self._note_body(note),
                coder_id=self.coder_of(note.user),
                created=note.created,
                guid=note.guid if fresh else None,
                **columns,
            )
        for guid, note in refi.notes.items():
            if guid in referenced or not note.text:
                continue
            columns = {}
            if note.name.startswith(CASE_NOTE_PREFIX):
                case_name = note.name[len(CASE_NOTE_PREFIX) :]
                case_id = (
                    self.case_names.get(case_name)
                    or self.session.exec(select(Case.id).where(Case.name == case_name)).first()
                )
                if case_id is not None:
                    columns["case_id"] = case_id
            body = note.text if columns else self._note_body(note)
            self._memo(
                body,
                coder_id=self.coder_of(note.user),
                created=note.created,
                guid=note.guid,
                **columns,
            )
        for source in refi.sources:
            if source.description and source.guid in self.document_ids:
                self._memo(
                    source.description,
                    coder_id=self.coder_of(source.user),
                    document_id=self.document_ids[source.guid],
                )
        if refi.description:
            self._memo(refi.description, coder_id=self.coder_of(refi.creating_user))
        self.session.flush()

    @staticmethod
    def _note_body(note: RefiNote) -> str:
        text = note.text or ""
        name = note.name
        if (
            not name
            or text.startswith(name)
            or name.startswith("Memo on ")
            or name in ("Project memo",)
        ):
            return text
        return f"{name}\n\n{text}"


def store_refi(
    session: Session,
    refi: RefiFile,
    *,
    coder: str | None = None,
    rename: bool = False,
    language: str,
    paragraph_mode: str = "lines",
) -> ImportReport:
    """Write what :func:`read_refi` read, in the caller's write transaction; returns the
    report and names the change (:func:`workbench.services.importing.import_qdpx` opens the
    transaction)."""
    report = ImportReport(
        file=str(refi.path),
        format=refi.path.suffix.lstrip(".").lower() or refi.kind,
        origin=refi.origin,
        offsets=refi.offsets,
        sources_skipped=refi.sources_skipped,
    )
    writer = _Store(session, refi, report, coder)
    writer.users()
    writer.codes()
    writer.places()
    writer.documents(rename, language, paragraph_mode)
    writer.segments()
    writer.variables_and_cases()
    writer.memos()
    parts = [
        tally(report.codes_added, "code"),
        tally(report.documents, "document"),
        tally(report.segments, "segment"),
    ]
    from workbench.project.changelog import describe

    describe(session, f"import {refi.path.name}: {', '.join(parts)}")
    report.warnings = list(refi.warnings)
    return report

"""REFI-QDA exchange: ``.qdpx`` projects and ``.qdc`` codebooks (https://www.qdasoftware.org).

``reader`` imports the files other tools write (with their quirks), ``writer`` exports ours,
validated against the shipped schemas; ``docs/refi-qda.md`` lists every peer quirk handled.
Places travel as codes: a top-level code named :data:`PLACES_CODE` (and a Set of the same name)
holds one child code per place, whose description ends with a block that :func:`place_block`
writes and :func:`parse_place_block` reads back, so other tools see the places and our import
restores them. What a code carries beyond its name, colour and description (label, criteria,
example, keywords) travels the same way, in a block that :func:`code_block` writes and
:func:`parse_code_block` reads.

A block is written for people first: other tools show a code's description as its memo, so
the block is a heading line, then one ``Label: value`` line per field that has a value::

    Passages where someone says they felt welcome.

    Coding rules (workbench):
    Include: the speaker says a host or visitor made them feel at home
    Exclude: welcome as a formula ("welcome to the meeting")
    Keywords: welkom; thuis

Values are escaped so that any text survives one line and any XML: ``\\\\`` a backslash,
``\\n`` and ``\\r`` line breaks, ``\\;`` a semicolon inside a list item (lists are joined with
``"; "``), and ``\\uXXXX`` a white-space character at either end of a value, another character
that breaks lines, or one that XML 1.0 cannot carry. A description that would not survive as
it stands (white space at its ends, characters XML cannot carry) travels once more, escaped, as
the block's ``Exact description`` line. Blocks of older exports (``[workbench code]`` and
``[workbench place]`` markers with lower-case keys; place blocks without a ``format: 2`` line
unescaped) are read as they were written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

PROJECT_NS = "urn:QDA-XML:project:1.0"
"""Namespace of ``project.qde``."""
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
"""Namespace of ``.qdc`` codebooks."""

PLACES_CODE = "Places"
"""The top-level code (and Set) under which places travel."""
PLACE_MARKER = "Place details (workbench):"
"""The line that opens a place's attribute block in its code description."""
CODE_MARKER = "Coding rules (workbench):"
"""The line that opens a code's block (label, criteria, example, keywords) in its
description."""
LEGACY_PLACE_MARKER = "[workbench place]"
"""The place marker of exports before the readable blocks (still read)."""
LEGACY_CODE_MARKER = "[workbench code]"
"""The code marker of exports before the readable blocks (still read)."""
BLOCK_FORMAT = "2"
"""The ``format`` line of legacy place blocks whose values are escaped (older ones have
none)."""
CASE_NOTE_PREFIX = "Memo on case: "
"""A ``Note`` named this followed by a case name holds a memo on that case (REFI-QDA cases
cannot carry a ``NoteRef``, so the name is the only link)."""

LABELS = {
    "label": "Label",
    "inclusion": "Include",
    "exclusion": "Exclude",
    "example": "Example",
    "keywords": "Keywords",
    "kind": "Kind",
    "status": "Status",
    "neighbourhood": "Neighbourhood",
    "municipality": "Municipality",
    "address": "Address",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "aliases": "Also called",
    "description": "Exact description",
}
"""The readable label of each block field (the field names are the keys of legacy blocks)."""
_FIELD_OF_LABEL = {label.casefold(): key for key, label in LABELS.items()}

PLACE_FIELDS = (
    "kind",
    "status",
    "neighbourhood",
    "municipality",
    "address",
    "latitude",
    "longitude",
    "aliases",
)
"""The attributes of a place, in the order of the block."""
CODE_FIELDS = ("label", "inclusion", "exclusion", "example", "keywords")
"""The fields of a code's block, in order: the :class:`~workbench.project.models.Code` columns other
tools have no place for (``keywords`` a list)."""

_LIST_FIELDS = frozenset({"aliases", "keywords"})
_FLOAT_FIELDS = frozenset({"latitude", "longitude"})
# Characters written as \uXXXX anywhere: those XML 1.0 cannot carry, and those that
# str.splitlines() (or another tool) would take for a line break (\n and \r have short forms).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_SHORT = {"\\": "\\\\", "\n": "\\n", "\r": "\\r"}
_SHORT_ITEM = {**_SHORT, ";": "\\;"}
_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r", ";": ";"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def _code_point(char: str) -> str:
    return f"\\u{ord(char):04x}"


def escape_value(text: str, *, item: bool = True) -> str:
    """``text`` as one line of a block (see the module docstring); :func:`unescape_value`
    gives it back exactly. ``item`` escapes semicolons too (a list item; a single value
    keeps its semicolons readable)."""
    short = _SHORT_ITEM if item else _SHORT
    out = "".join(short.get(char, char) for char in text)
    out = _UNSAFE.sub(lambda match: _code_point(match.group()), out)
    # White space at either end would be lost to stripping (ours, XML tools'): spell it out.
    core = out.strip()
    if core == out:
        return out
    lead = len(out) - len(out.lstrip())
    trail = len(out) - len(out.rstrip())
    if not core:
        return "".join(_code_point(char) for char in out)
    head = "".join(_code_point(char) for char in out[:lead])
    tail = "".join(_code_point(char) for char in out[len(out) - trail :])
    return head + core + tail


def unescape_value(text: str) -> str:
    """The text a value of :func:`escape_value` stands for (an unknown escape stays as it
    is)."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) == 5:
            return chr(int(code[1:], 16))
        return _UNESCAPES.get(code, match.group())

    return _ESCAPE.sub(replace, text)


def _split_escaped(value: str) -> list[str]:
    """``value`` cut at every ``;`` that is not escaped."""
    pieces: list[str] = []
    start = index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
            continue
        if char == ";":
            pieces.append(value[start:index])
            start = index + 1
        index += 1
    pieces.append(value[start:])
    return pieces


def _needs_exact_copy(description: str) -> bool:
    return description != description.strip() or _UNSAFE.search(description) is not None


def _write_block(marker: str, description: str, values: Iterable[tuple[str, object]]) -> str:
    """``description``, a blank line, then the block (``Label: value`` lines, escaped)."""
    lines = [marker]
    for key, value in values:
        if isinstance(value, list | tuple):
            items = [escape_value(str(item)) for item in value if str(item) != ""]
            text = "; ".join(items)
        elif value is None:
            continue
        elif isinstance(value, float):
            text = repr(value)
        else:
            text = escape_value(str(value), item=False)
        if text == "":
            continue
        lines.append(f"{LABELS.get(key, key)}: {text}")
    visible = description.strip()
    if _needs_exact_copy(description) or _has_marker(visible):
        lines.append(f"{LABELS['description']}: {escape_value(description, item=False)}")
    block = "\n".join(lines)
    return f"{visible}\n\n{block}" if visible else block


def _has_marker(text: str) -> bool:
    markers = {CODE_MARKER, PLACE_MARKER, LEGACY_CODE_MARKER, LEGACY_PLACE_MARKER}
    return any(line.strip() in markers for line in text.splitlines())


def _find_block(marker: str, text: str) -> tuple[str, list[str]] | None:
    """(the description before the block, the block's lines), or None without a block.

    The block opens at the last line that is the marker (a value never is one: its line
    breaks are escaped, and it follows ``Label:``)."""
    lines = text.splitlines(keepends=True)
    offset = len(text)
    for line in reversed(lines):
        offset -= len(line)
        if line.strip() == marker:
            rest = text[offset + len(line) :]
            return text[:offset].rstrip(), rest.splitlines()
    return None


def _find_any(markers: Sequence[str], text: str) -> tuple[str, list[str], bool] | None:
    """The block of the first of ``markers`` found (readable first, then legacy), and
    whether it is a readable one."""
    for index, marker in enumerate(markers):
        found = _find_block(marker, text)
        if found is not None:
            return found[0], found[1], index == 0
    return None


def _read_values(
    lines: Sequence[str], known: Iterable[str], *, escaped: bool | None
) -> tuple[dict[str, object], str | None]:
    """The fields of a block's lines, and its exact description when it has one.

    ``escaped`` None decides by the ``format`` line (place blocks), True always unescapes.
    """
    raw: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        if sep:
            label = key.strip().casefold()
            raw[_FIELD_OF_LABEL.get(label, label)] = value.strip()
    if escaped is None:
        escaped = raw.get("format") == BLOCK_FORMAT
    fields: dict[str, object] = {}
    for key in known:
        if key not in raw:
            continue
        value = raw[key]
        if key in _FLOAT_FIELDS:
            try:
                fields[key] = float(value)
            except ValueError:
                fields[key] = None
        elif key in _LIST_FIELDS:
            pieces = _split_escaped(value) if escaped else value.split(";")
            items = [piece.strip() for piece in pieces]
            fields[key] = [unescape_value(i) if escaped else i for i in items if i]
        else:
            fields[key] = unescape_value(value) if escaped else value
    exact = raw.get("description") if escaped else None
    return fields, None if exact is None else unescape_value(exact)


def place_block(description: str, fields: dict[str, object]) -> str:
    """A place code's description: the place's description, then the place block.

    Aliases are a list; empty and None values are left out.
    """
    values = [(key, fields.get(key)) for key in PLACE_FIELDS]
    return _write_block(PLACE_MARKER, description, values)


def parse_place_block(text: str) -> tuple[str, dict[str, object]] | None:
    """Split a place code's description into (description, fields), or None without a block.

    ``latitude``/``longitude`` become floats (None when unreadable), ``aliases`` a list.
    """
    found = _find_any((PLACE_MARKER, LEGACY_PLACE_MARKER), text)
    if found is None:
        return None
    description, lines, readable = found
    fields, exact = _read_values(lines, PLACE_FIELDS, escaped=True if readable else None)
    return (description if exact is None else exact), fields


def code_block(description: str, fields: dict[str, object]) -> str:
    """A code's description for export: ``description``, then a block with the fields of
    :data:`CODE_FIELDS` that have a value (``keywords`` a list, or the JSON text of one).
    Without any such field, and with a description that survives as it stands (and has no
    line that would read as a block), the description is returned as it is."""
    values: list[tuple[str, object]] = []
    for key in CODE_FIELDS:
        value = fields.get(key)
        if key == "keywords" and isinstance(value, str):
            try:
                value = json.loads(value or "[]")
            except ValueError:
                value = []
            if not isinstance(value, list):
                value = []
        values.append((key, value))
    if not any(v not in (None, "") and v != [] for _key, v in values):
        if not _needs_exact_copy(description) and not _has_marker(description):
            return description
    return _write_block(CODE_MARKER, description, values)


def parse_code_block(text: str) -> tuple[str, dict[str, object]]:
    """Split a code's description into (description, fields of :data:`CODE_FIELDS`); a
    description without a block comes back as it is, with no fields."""
    found = _find_any((CODE_MARKER, LEGACY_CODE_MARKER), text)
    if found is None:
        return text, {}
    description, lines, _readable = found
    fields, exact = _read_values(lines, CODE_FIELDS, escaped=True)
    return (description if exact is None else exact), fields

"""REFI-QDA exchange: ``.qdpx`` projects and ``.qdc`` codebooks (https://www.qdasoftware.org).

``reader`` imports the files other tools write (with their quirks), ``writer`` exports ours,
validated against the shipped schemas. Places travel as codes: a top-level code named
:data:`PLACES_CODE` (and a Set of the same name) holds one child code per place, whose
description ends with a block that :func:`place_block` writes and :func:`parse_place_block`
reads back, so other tools see the places and our import restores them.
"""

from __future__ import annotations

PROJECT_NS = "urn:QDA-XML:project:1.0"
"""Namespace of ``project.qde``."""
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
"""Namespace of ``.qdc`` codebooks."""

PLACES_CODE = "Places"
"""The top-level code (and Set) under which places travel."""
PLACE_MARKER = "[workbench place]"
"""The line that opens a place's attribute block in its code description."""
CASE_NOTE_PREFIX = "Memo on case: "
"""A ``Note`` named this followed by a case name holds a memo on that case (REFI-QDA cases
cannot carry a ``NoteRef``, so the name is the only link)."""

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


def place_block(description: str, fields: dict[str, object]) -> str:
    """A place code's description: the place's description, then ``key: value`` lines.

    Aliases are a list joined with ``"; "``; empty and None values are left out.
    """
    lines = [PLACE_MARKER]
    for key in PLACE_FIELDS:
        value = fields.get(key)
        if isinstance(value, list | tuple):
            value = "; ".join(str(v) for v in value)
        if value is None or value == "":
            continue
        lines.append(f"{key}: {value}")
    text = "\n".join(lines)
    return f"{description.rstrip()}\n\n{text}" if description.strip() else text


def parse_place_block(text: str) -> tuple[str, dict[str, object]] | None:
    """Split a place code's description into (description, fields), or None without a block.

    ``latitude``/``longitude`` become floats (None when unreadable), ``aliases`` a list.
    """
    index = text.rfind(PLACE_MARKER)
    if index < 0:
        return None
    description = text[:index].rstrip()
    fields: dict[str, object] = {}
    for line in text[index + len(PLACE_MARKER) :].splitlines():
        key, sep, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in PLACE_FIELDS:
            continue
        if key in ("latitude", "longitude"):
            try:
                fields[key] = float(value)
            except ValueError:
                fields[key] = None
        elif key == "aliases":
            fields[key] = [a.strip() for a in value.split(";") if a.strip()]
        else:
            fields[key] = value
    return description, fields

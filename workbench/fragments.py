"""Fragments: coded segments with everything needed to cite them.

A fragment is the contract's JSON object of ``workbench fragments --format json``: the
segment, its document and case, its offsets and 1-based line range, the speaker of the turn
it starts in, its text, its codes and places, and its memo. :func:`find_fragments` evaluates a
query of the fragment query language (:mod:`workbench.query`) in SQL and loads the fragments
of the matching segments in a few set-based queries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Fragment:
    """One coded segment, ready to cite."""

    segment: int
    """The segment id."""
    document: str
    """The document name."""
    case: str | None
    """The name of the document's case (the first by name when it has several), or None."""
    start: int
    """Start offset (code points, zero-based)."""
    end: int
    """End offset (exclusive)."""
    line_start: int
    """1-based line of the first character."""
    line_end: int
    """1-based line of the last character."""
    speaker: str | None
    """The speaker label of the turn the segment starts in, or None outside turns."""
    text: str
    """The text of the segment."""
    codes: list[str] = field(default_factory=list)
    """Names of its codes (all coders), sorted."""
    places: list[str] = field(default_factory=list)
    """Names of its linked places, sorted."""
    memo: str | None = None
    """Its memo (several memos joined by blank lines), or None."""
    coders: list[str] = field(default_factory=list)
    """Names of the coders of its codings, sorted (not part of the JSON contract)."""

    def to_dict(self) -> dict[str, object]:
        """The contract's JSON object (without ``coders``)."""
        data = asdict(self)
        del data["coders"]
        return data

"""Cases (participants, units of analysis) and their attributes.

One transaction per function, named in the change log with the command line's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.coding import cases, lookups
from workbench.project import changelog
from workbench.project.db import Project
from workbench.services._tx import coder_id


@dataclass(frozen=True)
class CaseSaved:
    """A case added or extended."""

    name: str
    documents: int
    attributes: int
    summary: str


def add_case(
    project: Project,
    name: str,
    *,
    documents: Sequence[str] = (),
    attributes: Sequence[str] = (),
    coder: str | None = None,
) -> CaseSaved:
    """Add a case, or add documents and attributes (``KEY=VALUE`` or ``KEY:TYPE=VALUE``) to an
    existing one, as one change. Attributes are parsed before the transaction starts."""
    parsed = [cases.parse_assignment(item) for item in attributes]
    with project.transaction("case add", coder=coder) as session:
        row = cases.ensure_case(session, name, coder_id=coder_id(session, coder))
        assert row.id is not None
        for doc in documents:
            document_id = lookups.find_document(session, doc).id
            assert document_id is not None
            cases.link_document(session, row.id, document_id)
        for key, type_name, value in parsed:
            cases.set_value(session, row, key, value, type_name=type_name)
        summary = f"case {name}"
        changelog.describe(session, summary)
    return CaseSaved(name, len(documents), len(parsed), summary)

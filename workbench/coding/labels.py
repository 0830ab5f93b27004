"""Citation labels of documents: what a pseudonymised export cites instead of a file name.

Transcript file names very often carry the participant's name (``FTF17_Willis_StMarys_1991``),
so a pseudonymised export never shows them. It cites a document by its *citation label*:

1. the name of its case (the first by name when it has several), pseudonymised like every
   other string of the export;
2. else the label the researcher set (``workbench doc label``), pseudonymised too;
3. else ``Doc N``, N being the document's id: stable while documents are added and removed,
   so that a citation in a draft keeps pointing at the same transcript.

Where an export needs a document's own name (a heading per document, the ``document`` field,
an archive's transcript file), it uses rules 2 and 3: the document label.
"""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from workbench.coding.lookups import find_document
from workbench.errors import Conflict, InvalidValue
from workbench.i18n import _, counted
from workbench.project.models import Document

#: The longest citation label.
MAX_LABEL = 200
_DEFAULT = re.compile(r"doc\s*(\d+)", re.IGNORECASE)


def default_label(document_id: int) -> str:
    """The neutral label of a document without one: ``Doc 3``."""
    return f"Doc {document_id}"


def document_labels(session: Session) -> dict[str, str]:
    """Every document's label by its name: the label set, else ``Doc N``."""
    rows = session.exec(
        select(Document.id, Document.name, Document.label).order_by(col(Document.id))
    )
    return {name: (label or default_label(doc_id or 0)) for doc_id, name, label in rows}


def set_label(session: Session, document: str, label: str) -> tuple[str, str]:
    """Set (or with a blank ``label``, clear) the citation label of ``document``; returns the
    label before and after. Two documents never share a label, and ``Doc N`` is only the
    label of document N: citations stay unambiguous."""
    row = find_document(session, document)
    assert row.id is not None
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        raise InvalidValue(
            _("a citation label has at most {characters}").format(
                characters=counted(MAX_LABEL, "character", "characters")
            )
        )
    default = _DEFAULT.fullmatch(label)
    if default is not None and int(default.group(1)) != row.id:
        raise Conflict(
            _("{label} is the neutral label of another document; choose another label").format(
                label=repr(label)
            )
        )
    if label:
        for other_name, other in session.exec(
            select(Document.name, Document.label).where(Document.id != row.id)
        ):
            if other and other.casefold() == label.casefold():
                raise Conflict(
                    _("the label {label} is taken by the document {document}").format(
                        label=repr(label), document=other_name
                    )
                )
    before = row.label
    row.label = label
    session.add(row)
    session.flush()
    return before, label

"""Cases (participants, units of analysis) and their typed attributes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from workbench.errors import Conflict, InvalidValue, NotFound
from workbench.i18n import _
from workbench.project.models import (
    Case,
    CaseValue,
    Document,
    DocumentCase,
    Variable,
    id_of,
)

ATTRIBUTE_TYPES = ("text", "integer", "float", "date", "boolean")
_TRUE = {"true", "yes", "y", "1", "ja", "waar"}
_FALSE = {"false", "no", "n", "0", "nee", "onwaar"}


def parse_assignment(item: str) -> tuple[str, str | None, str]:
    """``KEY=VALUE`` or ``KEY:TYPE=VALUE`` into (key, type or None, value)."""
    if "=" not in item:
        raise InvalidValue(
            _("attribute {item} must look like KEY=VALUE (or KEY:TYPE=VALUE)").format(
                item=repr(item)
            )
        )
    key, value = item.split("=", 1)
    type_name = None
    if ":" in key:
        key, type_name = key.split(":", 1)
        type_name = type_name.strip().lower()
        if type_name not in ATTRIBUTE_TYPES:
            raise InvalidValue(
                _("attribute type {type} is unknown; use one of {types}").format(
                    type=repr(type_name), types=", ".join(ATTRIBUTE_TYPES)
                )
            )
    key = key.strip()
    if not key:
        raise InvalidValue(_("attribute {item} has no name").format(item=repr(item)))
    return key, type_name, value.strip()


def infer_type(value: str) -> str:
    """The type a new attribute gets from its first value."""
    for type_name in ("integer", "float", "date", "boolean"):
        try:
            canonical(type_name, value)
        except InvalidValue:
            continue
        return type_name
    return "text"


def canonical(type_name: str, value: str) -> str:
    """The stored text form of ``value`` as ``type_name``; raises InvalidValue if it is not."""
    text = value.strip()
    try:
        if type_name == "integer":
            return str(int(text))
        if type_name == "float":
            if not any(ch.isdigit() for ch in text):
                raise ValueError(text)
            return repr(float(text.replace(",", ".")))
        if type_name == "date":
            return dt.date.fromisoformat(text).isoformat()
        if type_name == "boolean":
            folded = text.casefold()
            if folded in _TRUE:
                return "true"
            if folded in _FALSE:
                return "false"
            raise ValueError(text)
    except ValueError:
        raise InvalidValue(
            _("{value} is not a valid {type}").format(value=repr(value), type=type_name)
        ) from None
    return value


def find_case(session: Session, name: str) -> Case:
    """The case called ``name``."""
    case = session.exec(select(Case).where(Case.name == name)).first()
    if case is None:
        raise NotFound(_("no case called {name}").format(name=repr(name)))
    return case


def ensure_case(session: Session, name: str, *, coder_id: int | None = None) -> Case:
    """The case called ``name``, created when missing."""
    name = name.strip()
    if not name:
        raise InvalidValue(_("a case needs a name"))
    case = session.exec(select(Case).where(Case.name == name)).first()
    if case is None:
        case = Case(name=name, coder_id=coder_id)
        session.add(case)
        session.flush()
    return case


def add_case(session: Session, name: str, *, coder_id: int | None = None) -> Case:
    """Create a case; refuses an existing name."""
    if session.exec(select(Case.id).where(Case.name == name.strip())).first() is not None:
        raise Conflict(_("a case called {name} already exists").format(name=repr(name)))
    return ensure_case(session, name, coder_id=coder_id)


def link_document(session: Session, case_id: int, document_id: int) -> None:
    """Make a document part of a case (idempotent)."""
    exists = session.exec(
        select(DocumentCase.id).where(
            DocumentCase.case_id == case_id, DocumentCase.document_id == document_id
        )
    ).first()
    if exists is None:
        session.add(DocumentCase(case_id=case_id, document_id=document_id))
        session.flush()


def set_value(
    session: Session, case: Case, key: str, value: str, *, type_name: str | None = None
) -> CaseValue:
    """Set an attribute of a case; a new attribute gets ``type_name`` or an inferred type."""
    variable = session.exec(select(Variable).where(Variable.name == key)).first()
    if variable is None:
        variable = Variable(name=key, type=type_name or infer_type(value))
        session.add(variable)
        session.flush()
    elif type_name is not None and type_name != variable.type:
        raise InvalidValue(
            _("attribute {name} is of type {type}, not {given}").format(
                name=repr(key), type=variable.type, given=type_name
            )
        )
    try:
        stored = canonical(variable.type, value)
    except InvalidValue as exc:
        raise InvalidValue(
            _("attribute {name} of case {case}: {reason}").format(
                name=repr(key), case=repr(case.name), reason=exc
            )
        ) from None
    row = session.exec(
        select(CaseValue).where(CaseValue.case_id == case.id, CaseValue.variable_id == variable.id)
    ).first()
    if row is None:
        row = CaseValue(case_id=id_of(case), variable_id=id_of(variable), value=stored)
        session.add(row)
    else:
        row.value = stored
    session.flush()
    return row


@dataclass
class CaseView:
    """A case with its documents and attributes, for listings."""

    id: int
    name: str
    documents: list[str]
    attributes: dict[str, str]


def list_cases(session: Session) -> list[CaseView]:
    """Every case with its documents and attribute values."""
    views: dict[int, CaseView] = {}
    for case in session.exec(select(Case).order_by(Case.name)):
        views[id_of(case)] = CaseView(id_of(case), case.name, [], {})
    for case_id, doc_name in session.exec(
        select(DocumentCase.case_id, Document.name)
        .join(Document, col(Document.id) == DocumentCase.document_id)
        .order_by(Document.name)
    ):
        views[case_id].documents.append(doc_name)
    for case_id, var_name, value in session.exec(
        select(CaseValue.case_id, Variable.name, CaseValue.value)
        .join(Variable, col(Variable.id) == CaseValue.variable_id)
        .order_by(Variable.name)
    ):
        views[case_id].attributes[var_name] = value
    return list(views.values())

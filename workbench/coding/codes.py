"""The code tree: add, edit, rename, move, merge and delete codes.

Every function works inside the caller's write transaction (a service opens it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.coding import names
from workbench.coding.lookups import find_code
from workbench.coding.prune import drop_empty_segments
from workbench.errors import Conflict, InvalidValue, quoted
from workbench.i18n import _, counted
from workbench.project.models import (
    Code,
    Coding,
    Memo,
    id_of,
)

# --- the code tree ---------------------------------------------------------------------------


def _valid_name(name: str) -> str:
    try:
        return names.check_name(name, "a code name")
    except ValueError as exc:
        raise InvalidValue(str(exc)) from None


def _valid_color(color: str) -> str:
    if color == "":  # no colour (drawn in DEFAULT_COLOR)
        return ""
    if not names.COLOR_PATTERN.match(color):
        raise InvalidValue(_("colour {color} is not of the form #RRGGBB").format(color=repr(color)))
    return color.lower()


DEFAULT_COLOR = "#888888"
"""The colour a code without one (``color`` "", as codes from other tools may come) is
drawn in; it is never stored or exported."""

_PALETTE = ("#e6a23c", "#5dade2", "#58d68d", "#ec7063", "#af7ac5", "#f4d03f", "#48c9b0", "#eb984e")


def add_code(
    session: Session,
    name: str,
    *,
    parent: str | None = None,
    label: str = "",
    description: str = "",
    color: str | None = None,
    coder_id: int | None = None,
) -> Code:
    """Create a code (under ``parent`` if given)."""
    name = _valid_name(name)
    names.refuse_duplicate(session, name)
    parent_code = find_code(session, parent) if parent else None
    if color is None:
        color = (
            parent_code.color
            if parent_code
            else _PALETTE[session.exec(select(sa.func.count(col(Code.id)))).one() % len(_PALETTE)]
        )
    position = session.exec(select(sa.func.coalesce(sa.func.max(Code.position), 0))).one() + 1
    code = Code(
        name=name,
        label=label,
        description=description,
        color=_valid_color(color),
        parent_id=parent_code.id if parent_code else None,
        position=position,
        coder_id=coder_id,
    )
    session.add(code)
    session.flush()
    return code


def update_code(session: Session, name: str, **fields: object) -> Code:
    """Change a code's label, description, criteria, example, colour or keywords."""
    code = find_code(session, name)
    allowed = {"label", "description", "inclusion", "exclusion", "example", "color", "keywords"}
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidValue(_("a code has no field {field}").format(field=repr(key)))
        if value is None:
            continue
        if key == "color":
            value = _valid_color(str(value))
        if key == "keywords":
            if not isinstance(value, Iterable):
                raise TypeError(f"keywords must be a list, not {type(value).__name__}")
            value = json.dumps(list(value), ensure_ascii=False)
        setattr(code, key, value)
    session.flush()
    return code


def rename_code(session: Session, old: str, new: str) -> Code:
    """Rename a code; its codings stay."""
    code = find_code(session, old)
    new = _valid_name(new)
    names.refuse_duplicate(session, new, except_id=code.id)
    code.name = new
    session.flush()
    return code


def _ancestors(session: Session, code: Code) -> list[int]:
    parents = dict(session.exec(select(Code.id, Code.parent_id)).all())
    chain: list[int] = []
    current = code.id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def move_code(session: Session, name: str, parent: str | None) -> Code:
    """Move a code (with its subtree) under ``parent``, or to the top with None."""
    code = find_code(session, name)
    if parent is None:
        code.parent_id = None
    else:
        new_parent = find_code(session, parent)
        if code.id in _ancestors(session, new_parent):
            raise Conflict(
                _("cannot move {code} under itself or its descendant {parent}").format(
                    code=quoted(code.name), parent=quoted(new_parent.name)
                )
            )
        code.parent_id = new_parent.id
    session.flush()
    return code


def merge_codes(session: Session, source: str, target: str) -> Code:
    """Merge ``source`` into ``target``: codings, children and memos move; source goes."""
    from_code = find_code(session, source)
    into = find_code(session, target)
    if from_code.id == into.id:
        raise Conflict(_("cannot merge a code into itself"))
    if from_code.id in _ancestors(session, into):
        raise Conflict(
            _("cannot merge {code} into its own descendant {target}").format(
                code=quoted(from_code.name), target=quoted(into.name)
            )
        )
    existing = {
        (row.segment_id, row.coder_id)
        for row in session.exec(select(Coding).where(Coding.code_id == into.id))
    }
    for coding in session.exec(select(Coding).where(Coding.code_id == from_code.id)).all():
        if (coding.segment_id, coding.coder_id) in existing:
            session.delete(coding)
        else:
            coding.code_id = id_of(into)
            existing.add((coding.segment_id, coding.coder_id))
    for child in session.exec(select(Code).where(Code.parent_id == from_code.id)).all():
        child.parent_id = into.id
    for memo in session.exec(select(Memo).where(Memo.code_id == from_code.id)).all():
        memo.code_id = into.id
    session.flush()
    session.delete(from_code)
    session.flush()
    return into


def delete_code(session: Session, name: str, *, recursive: bool = False) -> list[str]:
    """Delete a code and its codings (with ``recursive``, its subtree too). Returns names."""
    code = find_code(session, name)
    children = session.exec(select(Code).where(Code.parent_id == code.id)).all()
    if children and not recursive:
        raise Conflict(
            _("{code} has {children}; move them first or delete recursively").format(
                code=quoted(code.name), children=counted(len(children), "child code", "child codes")
            )
        )
    deleted: list[str] = []
    touched: set[int] = set()
    for child in children:
        deleted += delete_code(session, child.name, recursive=True)
    for coding in session.exec(select(Coding).where(Coding.code_id == code.id)).all():
        touched.add(coding.segment_id)
        session.delete(coding)
    for memo in session.exec(select(Memo).where(Memo.code_id == code.id)).all():
        session.delete(memo)
    session.flush()
    session.delete(code)
    session.flush()
    drop_empty_segments(session, touched)
    return [*deleted, code.name]

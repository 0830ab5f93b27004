"""Coders: the people who code. The current coder comes from ``--coder``, the
``WORKBENCH_CODER`` environment variable, or the login name, in that order."""

from __future__ import annotations

import getpass
import os

import sqlalchemy as sa
from sqlmodel import Session, select

from workbench.errors import InvalidValue, NotFound
from workbench.i18n import _
from workbench.project.models import Coder


def default_name() -> str:
    """The coder to record when none is given."""
    name = os.environ.get("WORKBENCH_CODER")
    if name:
        return name
    try:
        return getpass.getuser() or "coder"
    except Exception:  # no login name in some containers
        return "coder"


def ensure(session: Session, name: str | None) -> Coder:
    """The coder called ``name`` (or the default), created on first use."""
    name = (name or default_name()).strip()
    if not name:
        raise InvalidValue(_("a coder needs a name"))
    coder = session.exec(select(Coder).where(Coder.name == name)).first()
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder


def list_coders(session: Session) -> list[Coder]:
    """All coders by name."""
    return list(session.exec(select(Coder).order_by(Coder.name)))


def find_coder(session: Session, name: str) -> Coder:
    """The coder called ``name`` (exact, else case-insensitive); NotFound with a suggestion."""
    coder = session.exec(select(Coder).where(Coder.name == name)).first()
    if coder is None:
        coder = session.exec(select(Coder).where(sa.func.lower(Coder.name) == name.lower())).first()
    if coder is None:
        from workbench.errors import did_you_mean as _did_you_mean
        from workbench.errors import quoted

        names = list(session.exec(select(Coder.name)))
        raise NotFound(
            _("no coder called {name}").format(name=quoted(name)) + _did_you_mean(name, names)
        )
    return coder

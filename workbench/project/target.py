"""Where a project lives: the one project-target type of the workbench.

A project target (:data:`ProjectTarget`) is

- a :class:`~pathlib.Path`: a SQLite file. A path is always a path: no character of a file
  name is read as URL syntax (``./postgresql://x`` is a file in a folder ``postgresql:``);
- a ``str`` with a URL scheme (``postgresql+psycopg://user@host/study``, ``sqlite:///x.db``):
  a database the workbench reaches through SQLAlchemy;
- a ``str`` ``@NAME``: a named connection from the user's ``connections.toml`` (so that
  passwords stay out of shell history and process lists)::

      [team]
      url = "postgresql+psycopg://anouk:secret@db.example.org/study"

  The file is ``connections.toml`` in the user's configuration folder
  (``~/.config/workbench/`` on Linux), or the file named by ``WORKBENCH_CONNECTIONS``;
- any other ``str``: a path written as text (what the shells get from their users).

:func:`parse_target` turns what a user typed into a target; :func:`database_url` gives the
SQLAlchemy URL of any target, :func:`display_name` what to show (never a password) and
:func:`stem` a short name for default file names (the file's stem or the database's name).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TypeAlias

# Nothing else at module level: the command line imports this module to parse its project
# argument, before it knows whether the command needs anything more.

ProjectTarget: TypeAlias = str | Path
"""A project: a SQLite file (a Path), a database URL, or ``@NAME`` (see the module)."""

CONNECTIONS_ENVIRONMENT = "WORKBENCH_CONNECTIONS"
"""The environment variable naming another connections file."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NAME = re.compile(r"^@[A-Za-z0-9_.-]+$")


def is_url(text: str) -> bool:
    """True when ``text`` starts with a URL scheme (``postgresql+psycopg://``)."""
    return bool(_URL.match(text))


def is_named(text: str) -> bool:
    """True when ``text`` names a connection (``@team``)."""
    return bool(_NAME.match(text))


def parse_target(text: str) -> ProjectTarget:
    """What a user typed as a project: a URL or ``@NAME`` stays text, anything else is a
    path."""
    if is_url(text) or is_named(text):
        return text
    return Path(text).expanduser()


def connections_file() -> Path:
    """Where named connections are looked up."""
    named = os.environ.get(CONNECTIONS_ENVIRONMENT)
    if named:
        return Path(named).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("workbench")) / "connections.toml"


def connection_url(name: str) -> str:
    """The URL of the named connection ``name`` (with or without its ``@``)."""
    import tomllib

    from workbench.errors import InputError, ProjectError
    from workbench.i18n import _

    name = name.removeprefix("@")
    path = connections_file()
    if not path.exists():
        raise ProjectError(
            _(
                "@{name}: no connections file {path}; write one with a [{name}] table "
                'and url = "postgresql+psycopg://..."'
            ).format(name=name, path=path)
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(
            path, _("not a TOML connections file ({reason})").format(reason=error)
        ) from None
    entry = data.get(name)
    if not isinstance(entry, dict):
        known = ", ".join(f"@{key}" for key, value in data.items() if isinstance(value, dict))
        if known:
            message = _("@{name}: no connection of that name in {path} (it has {known})")
        else:
            message = _("@{name}: no connection of that name in {path}")
        raise ProjectError(message.format(name=name, path=path, known=known))
    url = entry.get("url")
    if not isinstance(url, str) or not is_url(url):
        raise InputError(
            path, _('[{name}] needs url = "postgresql+psycopg://..."').format(name=name)
        )
    return url


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file: every character of the path is quoted, so that
    none is read as URL syntax (``?``, ``#``, ``%41``, ``&``, ``=``, ``+``); the URL gives
    back exactly ``path`` when SQLAlchemy parses it, or :class:`ProjectError` says why not."""
    import sqlalchemy as sa

    from workbench.errors import ProjectError
    from workbench.i18n import _

    url = sa.engine.URL.create("sqlite", database=str(path))
    text = url.render_as_string(hide_password=False)
    if sa.engine.make_url(text).database != str(path):  # SQLAlchemy < 2.1 does not quote
        raise ProjectError(
            _("{path}: this file name cannot be given to SQLAlchemy; rename it").format(path=path)
        )
    return text


def database_url(target: ProjectTarget) -> str:
    """The SQLAlchemy URL of a project target (a path through :func:`sqlite_url`)."""
    if isinstance(target, Path):
        return sqlite_url(target.expanduser())
    if is_named(target):
        return connection_url(target)
    if is_url(target):
        return target
    return sqlite_url(Path(target).expanduser())


def is_server(target: ProjectTarget) -> bool:
    """True when the project is not a SQLite file (a database server)."""
    if isinstance(target, Path):
        return False
    if is_named(target):
        return True
    return is_url(target) and not target.lower().startswith("sqlite")


def display_name(target: ProjectTarget) -> str:
    """The target as shown to users: a path, ``@NAME``, or a URL without its password."""
    if isinstance(target, Path) or not is_url(target):
        return str(target)
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(target).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return target


def stem(target: ProjectTarget) -> str:
    """A short name of the project for default file names: the file's stem, or the
    database's name (``study`` for ``postgresql+psycopg://host/study`` and for ``@study``
    whose URL names no database)."""
    if isinstance(target, Path) or not (is_url(target) or is_named(target)):
        return Path(target).stem or "project"
    url = target
    if is_named(target):
        from workbench.errors import WorkbenchError

        try:
            url = connection_url(target)
        except WorkbenchError:
            return target.removeprefix("@")
    import sqlalchemy as sa

    try:
        database = sa.engine.make_url(url).database
    except sa.exc.ArgumentError:
        database = None
    if not database:
        return target.removeprefix("@") if is_named(target) else "project"
    return Path(database).stem or "project"

"""The two database backends the suite runs on: SQLite files, or a PostgreSQL server.

The backend is chosen once per test session: PostgreSQL when ``--database URL`` or the
environment variable ``WORKBENCH_TEST_DATABASE`` names a server
(``postgresql+psycopg://workbench@127.0.0.1:5432/workbench``; its role needs CREATEDB),
else SQLite. ``.ci/pg-server start`` starts a throwaway server and prints such a URL.

Tests ask for project targets through the ``targets`` fixture (see ``conftest.py``): a new
file name in the test's folder on SQLite, a new empty database on PostgreSQL (dropped after
the test). Prepared projects (the ``project`` fixture's, the demo) are built once per session
as templates and copied per test: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE``
on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from workbench.project.target import ProjectTarget

ENVIRONMENT = "WORKBENCH_TEST_DATABASE"


@dataclass
class Template:
    """A prepared project to copy: a SQLite file, or a PostgreSQL template database."""

    name: str
    location: ProjectTarget


class Backend:
    """Where the tests' projects live."""

    name = "sqlite"

    def new(self, folder: Path, stem: str) -> ProjectTarget:
        """A target where no project is yet (a file name; an empty database)."""
        return folder / f"{stem}.db"

    def copy(self, template: Template, folder: Path, stem: str) -> ProjectTarget:
        """A new project with the contents of ``template``."""
        path = folder / f"{stem}.db"
        assert isinstance(template.location, Path)
        shutil.copy(template.location, path)
        return path

    def template(
        self,
        name: str,
        folder: Path,
        build: Callable[[ProjectTarget], Any],
        *,
        start: Template | None = None,
    ) -> Template:
        """Build a template once: ``build(target)`` fills a new target (or a copy of
        ``start``)."""
        target = self.new(folder, name) if start is None else self.copy(start, folder, name)
        build(target)
        return Template(name, target)

    def drop(self, target: ProjectTarget) -> None:
        """Remove a target made by :meth:`new` or :meth:`copy` (files go with their folder)."""

    def close(self) -> None:
        """Remove everything the backend made for the session."""


@dataclass
class PostgresBackend(Backend):
    """Projects as databases on one PostgreSQL server."""

    server: str
    """A URL of the server; its database is used to create and drop the others."""
    prefix: str = field(default_factory=lambda: f"wbt_{uuid.uuid4().hex[:8]}")
    _admin: sa.Engine | None = None
    _templates: list[str] = field(default_factory=list)
    _left: list[str] = field(default_factory=list)

    name = "postgresql"

    @property
    def admin(self) -> sa.Engine:
        if self._admin is None:
            self._admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        return self._admin

    def url(self, database: str) -> str:
        """The URL of a database on the server."""
        return (
            sa.engine.make_url(self.server)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    def _create(self, template: str | None = None) -> str:
        database = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        source = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{database}"{source}')
        return database

    def new(self, folder: Path, stem: str) -> ProjectTarget:
        return self.url(self._create())

    def copy(self, template: Template, folder: Path, stem: str) -> ProjectTarget:
        assert isinstance(template.location, str)
        return self.url(self._create(sa.engine.make_url(template.location).database))

    def template(
        self,
        name: str,
        folder: Path,
        build: Callable[[ProjectTarget], Any],
        *,
        start: Template | None = None,
    ) -> Template:
        target = self.new(folder, name) if start is None else self.copy(start, folder, name)
        database = sa.engine.make_url(target).database
        assert database is not None
        self._templates.append(database)
        build(target)
        # A template database can be copied only while nobody is connected to it.
        self._drop_connections(database)
        return Template(name, target)

    def _drop_connections(self, database: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )

    def drop(self, target: ProjectTarget) -> None:
        if not isinstance(target, str):
            return
        database = sa.engine.make_url(target).database
        if not database or not database.startswith(self.prefix):
            return
        statement = f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
        for attempt in range(5):
            try:
                with self.admin.connect() as connection:
                    connection.exec_driver_sql(statement)
                return
            except sa.exc.DBAPIError:
                # A session the role may not end (without pg_signal_backend: an autovacuum
                # worker in the database), gone in a moment.
                time.sleep(0.2 * (attempt + 1))
        self._left.append(database)  # tried again when the session ends

    def close(self) -> None:
        for database in [*self._left, *self._templates]:
            self.drop(self.url(database))
        if self._admin is not None:
            self._admin.dispose()


def on_postgresql() -> bool:
    """Whether this session runs on PostgreSQL (for decisions made when a test module is
    imported; ``conftest.py`` sets the environment variable from ``--database`` too)."""
    return bool(os.environ.get(ENVIRONMENT))


def backend_for(url: str | None) -> Backend:
    """The backend for a server URL, or SQLite without one."""
    if not url:
        return Backend()
    backend = sa.engine.make_url(url).get_backend_name()
    if backend != "postgresql":
        raise ValueError(f"{ENVIRONMENT}: only PostgreSQL servers are supported, not {backend}")
    return PostgresBackend(url)

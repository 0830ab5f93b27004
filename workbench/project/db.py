"""Opening a project: the engine, connection settings, migrations, sessions and transactions.

The database URL is decided in one place, :func:`database_url`: a plain path is a SQLite
file; anything with ``://`` is taken as a SQLAlchemy URL (e.g. a PostgreSQL server).

SQLite connections run in WAL mode with foreign keys on and a busy timeout, so that a TUI
and a CLI can work on one project at the same time. Write transactions start with
``BEGIN IMMEDIATE``: a writer waits for another writer (up to the busy timeout) instead of
failing half-way through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from workbench.errors import ProjectError
from workbench.project import changelog

if TYPE_CHECKING:  # Alembic is imported only when a project is migrated (start-up time).
    from alembic.config import Config

#: Revisions of the project schema, oldest first. A test checks this against migrations/.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
HEAD_REVISION = REVISIONS[-1]

BUSY_TIMEOUT_MS = 10_000


def database_url(target: str | Path) -> str:
    """The SQLAlchemy URL for a project given as a file path or a URL."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Take transaction control away from the sqlite3 module: we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    if connection.get_execution_options().get("workbench_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> sa.Engine:
    """An engine with the workbench's connection settings."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:  # pragma: no cover - PostgreSQL is not available on the test machine
        engine = sa.create_engine(url, pool_pre_ping=True)
    return engine


def migrations_dir() -> Path:
    """The Alembic environment: inside the installed package, or ``migrations/`` in a checkout."""
    packaged = Path(__file__).parent.parent / "_migrations"
    if (packaged / "env.py").exists():
        return packaged
    checkout = Path(__file__).parent.parent.parent / "migrations"
    if (checkout / "env.py").exists():
        return checkout
    raise ProjectError("the workbench installation has no migrations (reinstall the package)")


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """An Alembic ``Config`` for the shipped migrations, bound to a connection or URL."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision stamped in the database, or None for an empty database."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        if not inspector.has_table("alembic_version"):
            if inspector.get_table_names():
                raise ProjectError("not a workbench project (it has tables but no schema version)")
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def backup_path(path: Path, revision: str) -> Path:
    """Where the copy of a project is written before it is migrated."""
    candidate = path.with_name(f"{path.name}.bak-{revision}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.bak-{revision}-{number}")
    return candidate


def _backup_sqlite(engine: sa.Engine, path: Path, revision: str) -> Path:
    """Copy a SQLite project consistently (the online backup API includes the WAL)."""
    target = backup_path(path, revision)
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            source = raw.driver_connection
            if not isinstance(source, sqlite3.Connection):
                raise TypeError(f"not a sqlite3 connection: {source!r}")
            source.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    return target


@dataclass
class Project:
    """An open project: an engine plus the sessions and transactions the core works in."""

    engine: sa.Engine
    path: Path | None
    backup: Path | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session. Nothing written through it is committed; objects read in it stay
        readable after the block (closing detaches them without expiring them)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def transaction(
        self, action: str, *, coder: str | None = None, record: bool = True
    ) -> Iterator[Session]:
        """One write transaction: everything in the block happens, or nothing does.

        With ``record`` the rows changed in tracked tables are written to the change log as
        one change named ``action``, which ``undo`` and ``redo`` act on as a whole.
        """
        from workbench.project.coders import default_name

        coder = coder or default_name()
        bind = self.engine.execution_options(workbench_write=True)
        with Session(bind, expire_on_commit=False, autoflush=True) as session:
            recorder = changelog.Recorder(action=action, coder=coder) if record else None
            session.info["recorder"] = recorder
            session.info["coder_name"] = coder
            try:
                yield session
                session.flush()
                if recorder is not None:
                    recorder.write(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every connection of the project."""
        self.engine.dispose()


def _sqlite_path(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def create_project(target: str | Path) -> Project:
    """Create a new, empty project at the head revision. Refuses to overwrite a file."""
    url = database_url(target)
    path = _sqlite_path(url)
    if path is not None:
        if path.exists():
            raise ProjectError(f"{path}: a file already exists there; choose another name")
        if not path.parent.exists():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
    engine = make_engine(url)
    try:
        if current_revision(engine) is not None:
            raise ProjectError(f"{target}: already holds a workbench project")
        upgrade(engine)
    except BaseException:
        engine.dispose()
        if path is not None:
            remove_project_files(path)
        raise
    return Project(engine=engine, path=path)


def open_project(target: str | Path) -> Project:
    """Open an existing project, migrating it (after a backup) when its schema is older."""
    url = database_url(target)
    path = _sqlite_path(url)
    if path is not None:
        if not path.exists():
            raise ProjectError(f"{path}: no project there; create one with `workbench init {path}`")
        if path.is_dir():
            raise ProjectError(f"{path}: is a folder, not a project file")
        with path.open("rb") as handle:
            header = handle.read(16)
        if header and header != b"SQLite format 3\x00":
            raise ProjectError(f"{path}: not a workbench project (not a SQLite database)")
    engine = make_engine(url)
    try:
        try:
            revision = current_revision(engine)
        except sa.exc.DatabaseError as exc:
            raise ProjectError(f"{target}: cannot be read as a project ({exc.orig})") from exc
        if revision is None:
            raise ProjectError(f"{target}: empty database; create a project with `workbench init`")
        if revision not in REVISIONS:
            raise ProjectError(
                f"{target}: schema revision {revision!r} is unknown to this workbench "
                f"(it knows {', '.join(REVISIONS)}); was it made by a newer version?"
            )
        backup = None
        if revision != HEAD_REVISION:
            if path is not None:
                backup = _backup_sqlite(engine, path, revision)
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Project(engine=engine, path=path, backup=backup)


def remove_project_files(path: str | Path) -> None:
    """Delete a SQLite project file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

"""Opening a project: the engine, connection settings, migrations, sessions and transactions.

The database URL is decided in one place, :func:`workbench.project.target.database_url`: a
path is a SQLite file; a URL (``postgresql+psycopg://host/study``) or a named connection
(``@team``) is a database server.

SQLite connections run in WAL mode with foreign keys on and a busy timeout, so that a TUI
and a CLI can work on one project at the same time. Write transactions start with
``BEGIN IMMEDIATE``: a writer waits for another writer (up to the busy timeout) instead of
failing half-way through. On PostgreSQL a write transaction starts by taking a
transaction-level advisory lock (:data:`WRITE_LOCK`), so writers are serialised there too:
each sees everything the one before it committed (no duplicate spans, no two writers taking
the same next id of the lemma index, no undo racing another undo). Read sessions on
PostgreSQL run in REPEATABLE READ, so that a read sees one state throughout, as a SQLite read
transaction does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from workbench.errors import ProjectError
from workbench.i18n import _
from workbench.project import changelog, sqlitefile
from workbench.project.target import ProjectTarget, database_url, display_name

__all__ = [
    "BUSY_TIMEOUT_MS",
    "HEAD_REVISION",
    "REVISIONS",
    "WRITE_LOCK",
    "Project",
    "ProjectTarget",
    "create_project",
    "database_url",
    "make_engine",
    "open_project",
]

if TYPE_CHECKING:  # Alembic is imported only when a project is migrated (start-up time).
    from alembic.config import Config

#: Revisions of the project schema, oldest first. A test checks this against migrations/.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD_REVISION = REVISIONS[-1]

BUSY_TIMEOUT_MS = 10_000

#: The key of the PostgreSQL advisory lock every write transaction takes first (any constant
#: will do; this one is "workbench" in the letters' alphabet positions, to be recognisable
#: in ``pg_locks``).
WRITE_LOCK = 23_15_18_11_02_05_14_03_08


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


def _postgresql_begin(connection: sa.Connection) -> None:
    if connection.get_execution_options().get("workbench_write"):
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def make_engine(url: str) -> sa.Engine:
    """An engine with the workbench's connection settings.

    Raises :class:`ProjectError` (one line) for a URL that cannot be used: a malformed one,
    or one whose database driver is not installed.
    """
    shown = display_name(url)
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise ProjectError(_("{project}: not a database URL").format(project=shown)) from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        elif backend == "postgresql":
            engine = sa.create_engine(url, pool_pre_ping=True)
            event.listen(engine, "begin", _postgresql_begin)
        else:
            raise ProjectError(
                _(
                    "{project}: the workbench works with SQLite files and PostgreSQL servers,"
                    " not {backend}"
                ).format(project=shown, backend=backend)
            )
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        hint = "pip install 'workbench[postgres]'" if backend == "postgresql" else "install it"
        raise ProjectError(
            _("{project}: the database driver {driver} is not installed ({hint})").format(
                project=shown, driver=repr(parsed.get_driver_name()), hint=hint
            )
        ) from exc
    return engine


def migrations_dir() -> Path:
    """The Alembic environment: inside the installed package, or ``migrations/`` in a checkout."""
    packaged = Path(__file__).parent.parent / "_migrations"
    if (packaged / "env.py").exists():
        return packaged
    checkout = Path(__file__).parent.parent.parent / "migrations"
    if (checkout / "env.py").exists():
        return checkout
    raise ProjectError(_("the workbench installation has no migrations (reinstall the package)"))


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
                raise ProjectError(
                    _("not a workbench project (it has tables but no schema version)")
                )
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    from alembic import command

    with engine.execution_options(workbench_write=True).begin() as connection:
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
    """Copy a SQLite project consistently (the online backup API includes the WAL), with the
    project file's permission bits, under a temporary name until the copy is whole."""
    from workbench.project import files

    target = backup_path(path, revision)
    temporary = files.temporary_path(target)
    files.create_new(temporary, like=path)
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(temporary)
        try:
            source = raw.driver_connection
            if not isinstance(source, sqlite3.Connection):
                raise TypeError(f"not a sqlite3 connection: {source!r}")
            source.backup(destination)
        finally:
            destination.close()
        files.publish(temporary, target)
    except BaseException:
        remove_project_files(temporary)
        raise
    finally:
        raw.close()
    return target


@dataclass
class Project:
    """An open project: an engine plus the sessions and transactions the core works in."""

    engine: sa.Engine
    path: Path | None
    """The SQLite file; None for a project on a database server."""
    backup: Path | None = None
    label: str = ""
    """How to show the project: its path, ``@NAME`` or its URL without the password."""
    read_only: bool = False
    """Opened read-only (its file or folder cannot be written): a write transaction is
    refused with a :class:`ProjectError` that says so."""

    def __post_init__(self) -> None:
        if not self.label:
            self.label = (
                str(self.path)
                if self.path is not None
                else self.engine.url.render_as_string(hide_password=True)
            )

    @property
    def name(self) -> str:
        """A short name for default file names: the file's stem, or the database's name."""
        if self.path is not None:
            return self.path.stem
        return Path(self.engine.url.database or "project").stem

    @property
    def target(self) -> ProjectTarget:
        """What opens this project again: the SQLite file, or the database URL (with its
        password: never show it, show :attr:`label`)."""
        if self.path is not None:
            return self.path
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def is_sqlite(self) -> bool:
        """True for a SQLite project (a file), False for one on a database server."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session. Nothing written through it is committed; objects read in it stay
        readable after the block (closing detaches them without expiring them).

        It reads one state throughout: a SQLite read transaction, REPEATABLE READ on
        PostgreSQL."""
        bind = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="REPEATABLE READ")
        )
        with Session(bind, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def transaction(
        self, action: str, *, coder: str | None = None, record: bool = True
    ) -> Iterator[Session]:
        """One write transaction: everything in the block happens, or nothing does.

        It waits for any other writer first (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL
        advisory lock), so it sees everything committed before it. With ``record`` the rows
        changed in tracked tables are written to the change log as one change named
        ``action``, which ``undo`` and ``redo`` act on as a whole.
        """
        from workbench.project.coders import default_name

        if self.read_only:
            raise ProjectError(
                _(
                    "{project}: cannot {action}: the project is read-only here (its file or "
                    "folder cannot be written); nothing was changed"
                ).format(project=self.label, action=action)
            )
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


def _revision_or_error(engine: sa.Engine, shown: str) -> str | None:
    """:func:`current_revision`, with a database that cannot be reached or read as one line."""
    try:
        return current_revision(engine)
    except sa.exc.DatabaseError as exc:
        reason = " ".join(str(exc.orig).split())
        raise ProjectError(
            _("{project}: cannot be read as a project ({reason})").format(
                project=shown, reason=reason
            )
        ) from exc


def create_project(
    target: ProjectTarget, *, setup: Callable[[Project], None] | None = None
) -> Project:
    """Create a new project at the head revision, filled by ``setup`` (its settings, a
    codebook, an import). Refuses to overwrite a file, and on a database server needs an
    existing, empty database.

    A SQLite project is built under a hidden temporary name beside ``target`` and appears
    under its own name only when complete: a process killed half-way leaves no file that
    commands refuse (the next writer in the folder removes the temporary). When ``setup``
    fails nothing is left: the temporary is removed, or on a server the tables dropped."""
    url = database_url(target)
    shown = display_name(target)
    path = _sqlite_path(url)
    if path is not None:
        return _create_sqlite(path, shown, setup)
    engine = make_engine(url)
    try:
        if _revision_or_error(engine, shown) is not None:
            raise ProjectError(
                _("{project}: already holds a workbench project").format(project=shown)
            )
        upgrade(engine)
        project = Project(engine=engine, path=None, label=shown)
        if setup is not None:
            try:
                setup(project)
            except BaseException:
                engine.dispose()
                discard_project(target)
                raise
    except BaseException:
        engine.dispose()
        raise
    return project


def _create_sqlite(path: Path, shown: str, setup: Callable[[Project], None] | None) -> Project:
    from workbench.project import files
    from workbench.project.target import sqlite_url

    if path.is_dir():
        raise ProjectError(
            _("{path}: is a folder; give the name of a new project file").format(path=path)
        )
    if path.exists():
        raise ProjectError(
            _("{path}: a file already exists there; choose another name").format(path=path)
        )
    if not path.parent.exists():
        raise ProjectError(
            _("{path}: the folder {folder} does not exist").format(path=path, folder=path.parent)
        )
    files.remove_stale_temporaries(path.parent)
    temporary = files.temporary_path(path)
    engine = make_engine(sqlite_url(temporary))
    try:
        upgrade(engine)
        if setup is not None:
            setup(Project(engine=engine, path=temporary, label=shown))
        with engine.connect() as connection:  # everything into the file: the WAL stays empty
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        try:
            files.publish(temporary, path)
        except FileExistsError:
            raise ProjectError(
                _("{path}: a file already exists there; choose another name").format(path=path)
            ) from None
        except OSError as exc:
            raise ProjectError(
                _("{path}: cannot be created ({reason})").format(
                    path=path, reason=exc.strerror or exc
                )
            ) from None
    except BaseException:
        engine.dispose()
        remove_project_files(temporary)
        raise
    remove_project_files(temporary)  # the empty -wal and -shm of the temporary name
    return Project(engine=make_engine(sqlite_url(path)), path=path, label=shown)


def open_project(target: ProjectTarget) -> Project:
    """Open an existing project, migrating it (after a backup) when its schema is older."""
    url = database_url(target)
    shown = display_name(target)
    path = _sqlite_path(url)
    read_only = False
    if path is not None:
        # Recognised by reading only: nothing is written to a file that is not a project.
        found = sqlitefile.recognise(path, REVISIONS)
        read_only = found.read_only
        if read_only and found.revision != HEAD_REVISION:
            raise ProjectError(
                _(
                    "{path}: the project needs an upgrade (schema {revision}), but its file or"
                    " folder cannot be written; copy it where it can be"
                ).format(path=path, revision=found.revision)
            )
    engine = _read_only_engine(path, found.immutable) if path and read_only else make_engine(url)
    try:
        revision = _revision_or_error(engine, shown)
        if revision is None:
            raise ProjectError(
                _("{project}: empty database; create a project with `workbench init`").format(
                    project=shown
                )
            )
        if revision not in REVISIONS:
            raise ProjectError(
                _(
                    "{project}: schema revision {revision} is unknown to this workbench"
                    " (it knows {known}); was it made by a newer version?"
                ).format(project=shown, revision=repr(revision), known=", ".join(REVISIONS))
            )
        backup = None
        if revision != HEAD_REVISION:
            if path is not None:
                backup = _backup_sqlite(engine, path, revision)
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Project(engine=engine, path=path, backup=backup, label=shown, read_only=read_only)


def _sqlite_read_only_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def _read_only_engine(path: Path, immutable: bool) -> sa.Engine:
    """An engine that only reads a SQLite project (see :mod:`workbench.project.sqlitefile`)."""
    url = sqlitefile.read_only_url(path, immutable=immutable)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_read_only_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def project_exists(target: ProjectTarget) -> bool:
    """Whether a project is at ``target``: the file exists, or the database holds one (a
    database with other tables raises :class:`ProjectError`)."""
    url = database_url(target)
    path = _sqlite_path(url)
    if path is not None:
        return path.exists()
    engine = make_engine(url)
    try:
        return _revision_or_error(engine, display_name(target)) is not None
    finally:
        engine.dispose()


def discard_project(target: ProjectTarget) -> None:
    """Remove a project that was just created, when filling it failed: delete the SQLite
    file, or drop the tables from the (then again empty) database."""
    url = database_url(target)
    path = _sqlite_path(url)
    if path is not None:
        remove_project_files(path)
        return
    from sqlmodel import SQLModel

    from workbench.project import models  # noqa: F401  (the tables, on SQLModel.metadata)

    engine = make_engine(url)
    try:
        with engine.execution_options(workbench_write=True).begin() as connection:
            SQLModel.metadata.drop_all(connection)
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


def remove_project_files(path: str | Path) -> None:
    """Delete a SQLite project file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

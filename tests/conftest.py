"""Shared fixtures: projects on the test backend (SQLite files, or PostgreSQL databases), the
dev corpus, a CLI runner, table dumps.

The backend is SQLite unless ``--database URL`` or ``WORKBENCH_TEST_DATABASE`` names a
PostgreSQL server (see ``tests/backends.py``). Every project a test makes comes from the
``targets`` fixture, which the ``project``, ``demo`` and ``cli`` fixtures use too; a test that
is about SQLite itself (WAL, file backups, PRAGMAs, file permissions) carries
``@pytest.mark.sqlite_only(reason=...)`` and is skipped, with that reason, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlmodel import SQLModel

from tests.backends import ENVIRONMENT, Backend, Template, backend_for
from workbench.cli import main
from workbench.coding import codebook
from workbench.project import db, settings
from workbench.project.target import ProjectTarget

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SHIPPED_CODEBOOK = REPO / "codebook" / "sociale-infrastructuur.yaml"

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason="../shared/corpus is absent (third-party research data, not part of the repository)",
)


def corpus_file(stem: str, suffix: str = ".txt") -> Path:
    """A file of the dev corpus by its stem (``P01_male_24_Newham``)."""
    folder = CORPUS / "original_docx" if suffix == ".docx" else CORPUS
    return folder / f"{stem}{suffix}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        default=None,
        metavar="URL",
        help=f"run on this PostgreSQL server (default: ${ENVIRONMENT}, else SQLite files)",
    )


def _server(config: pytest.Config) -> str | None:
    url = config.getoption("--database") or os.environ.get(ENVIRONMENT)
    return str(url) if url else None


def pytest_configure(config: pytest.Config) -> None:
    server = _server(config)
    if server:  # one source for what is decided at import time (tests.backends.on_postgresql)
        os.environ[ENVIRONMENT] = server


def pytest_report_header(config: pytest.Config) -> str:
    server = _server(config)
    if not server:
        return "database backend: sqlite"
    shown = sa.engine.make_url(server).render_as_string(hide_password=True)
    return f"database backend: postgresql ({shown})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``sqlite_only`` on another backend, with their reason."""
    if not _server(config):
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            assert reason, f"{item.nodeid}: sqlite_only needs a reason"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> Iterator[Backend]:
    """Where the tests' projects live, for the whole session."""
    chosen = backend_for(_server(pytestconfig))
    yield chosen
    chosen.close()


class Targets:
    """Project targets for one test: ``targets.new("study")`` is where no project is yet (a
    file name in the test's folder; a new, empty database), ``targets.copy(template)`` a
    new project copied from a session template. Databases are dropped after the test."""

    def __init__(self, backend: Backend, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.made: list[ProjectTarget] = []

    @property
    def sqlite(self) -> bool:
        """True when the projects are SQLite files."""
        return self.backend.name == "sqlite"

    def new(self, stem: str = "study") -> ProjectTarget:
        taken = {str(made) for made in self.made}
        base, number = stem, 1
        while str(self.folder / f"{stem}.db") in taken or (self.folder / f"{stem}.db").exists():
            number += 1  # a name asked for again (hypothesis examples): a new file
            stem = f"{base}-{number}"
        target = self.backend.new(self.folder, stem)
        self.made.append(target)
        return target

    def copy(self, template: Template, stem: str = "study") -> ProjectTarget:
        if (self.folder / f"{stem}.db").exists():
            return self.copy(template, f"{stem}-copy")
        target = self.backend.copy(template, self.folder, stem)
        self.made.append(target)
        return target

    def close(self) -> None:
        for target in self.made:
            self.backend.drop(target)


@pytest.fixture
def targets(backend: Backend, tmp_path: Path) -> Iterator[Targets]:
    """The one source of project targets (see :class:`Targets`)."""
    made = Targets(backend, tmp_path)
    yield made
    made.close()


@pytest.fixture(scope="module")
def module_targets(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Targets]:
    """:func:`targets` for module-scoped fixtures: dropped after the module's tests."""
    made = Targets(backend, tmp_path_factory.mktemp("module"))
    yield made
    made.close()


def _fill_project(target: ProjectTarget) -> None:
    proj = db.create_project(target)
    with proj.transaction("init", record=False) as session:
        settings.put(session, "language", "en")
        codebook.apply_codebook(session, codebook.load_codebook(SHIPPED_CODEBOOK))
    proj.dispose()


@pytest.fixture(scope="session")
def project_template(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A project with the shipped codebook, language English, built once for the session."""
    return backend.template("project", tmp_path_factory.mktemp("project"), _fill_project)


@pytest.fixture
def project(targets: Targets, project_template: Template) -> Iterator[db.Project]:
    """A new project with the shipped codebook, language English."""
    proj = db.open_project(targets.copy(project_template))
    yield proj
    proj.dispose()


def dump(project: db.Project, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (change log and ``skip`` excluded), to compare states."""
    skip = ("change", "change_row", *skip)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with project.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


def dump_file(target: ProjectTarget) -> dict[str, list[tuple[Any, ...]]]:
    """:func:`dump` for a project given by its target, including the change log."""
    engine = db.make_engine(db.database_url(target))
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
                out[table.name] = [tuple(row) for row in rows]
        return out
    finally:
        engine.dispose()


def _bound(
    statement: str, parameters: tuple[object, ...]
) -> tuple[sa.TextClause, dict[str, object]]:
    """``statement`` with its ``?`` placeholders as named ones, for any backend."""
    pieces = statement.split("?")
    assert len(pieces) == len(parameters) + 1, statement
    text = "".join(f"{piece}:p{i}" for i, piece in enumerate(pieces[:-1])) + pieces[-1]
    return sa.text(text), {f"p{i}": value for i, value in enumerate(parameters)}


def run_sql(target: ProjectTarget, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Run SQL statements (``?`` placeholders) on a project, in one transaction of a
    connection of its own: changes made behind the workbench's back."""
    engine = db.make_engine(db.database_url(target))
    try:
        with engine.begin() as connection:
            for statement, parameters in statements:
                connection.execute(*_bound(statement, parameters))
    finally:
        engine.dispose()


def sql_rows(target: ProjectTarget, query: str, *parameters: object) -> list[tuple[Any, ...]]:
    """The rows of one query (``?`` placeholders) on a project, read in a connection of its
    own."""
    engine = db.make_engine(db.database_url(target))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(*_bound(query, parameters))]
    finally:
        engine.dispose()


@pytest.fixture
def cli(targets: Targets) -> Callable[..., Result]:
    """Run the command line in-process: ``cli("docs", target, "--json")``; project targets
    (paths, database URLs, from ``targets``, ``project.target`` or ``demo``) are passed as
    text, as a shell would. ``cli.targets`` is the test's :class:`Targets`, for helpers that
    get only ``cli`` and need a new project."""
    runner = CliRunner()

    def run(*args: object, ok: bool = True) -> Result:
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"{args} failed ({result.exit_code}): {result.stderr}")
        return result

    run.targets = targets  # type: ignore[attr-defined]
    return run


def as_json(result: Result) -> Any:
    """The one JSON document a ``--json`` command printed."""
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _no_user_files(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own keys file (``keys.toml`` in their configuration folder) plays no part
    in the tests: the TUI looks for one that does not exist."""
    missing = tmp_path_factory.getbasetemp() / "no-keys.toml"
    monkeypatch.setenv("WORKBENCH_KEYS", str(missing))
    # Nor do the user's named connections (``connections.toml``).
    monkeypatch.setenv("WORKBENCH_CONNECTIONS", str(missing.with_name("no-connections.toml")))
    # The theme of the screens in the tests; the environment's choice is never remembered
    # in the user's config folder.
    monkeypatch.setenv("WORKBENCH_THEME", "workbench-dark")
    # Nor the user's state folder: where each transcript was left is kept per test.
    monkeypatch.setenv("WORKBENCH_STATE", str(tmp_path_factory.mktemp("state")))
    # The interface in English, whatever the project's language or the user's locale (the
    # tests of the Dutch interface set WORKBENCH_LANGUAGE=nl themselves).
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "en")
    from workbench import i18n

    i18n.set_language("en")


@pytest.fixture(scope="session")
def demo_template(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The bundled demo project, built once for the session (tests work on copies)."""
    from workbench.demo import build_demo

    return backend.template("demo", tmp_path_factory.mktemp("demo"), build_demo)


@pytest.fixture
def demo(
    demo_template: Template,
    targets: Targets,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ProjectTarget:
    """A fresh copy of the demo project for one test (a file in the current folder on
    SQLite); the TUI writes as "tester"."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    monkeypatch.chdir(tmp_path)
    return targets.copy(demo_template)

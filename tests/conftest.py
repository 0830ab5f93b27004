"""Shared fixtures: projects in temporary folders, the dev corpus, a CLI runner, table dumps."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlmodel import SQLModel

from workbench.cli import main
from workbench.coding import codebook
from workbench.project import db, settings

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


@pytest.fixture
def project(tmp_path: Path) -> Iterator[db.Project]:
    """A new project with the shipped codebook, language English."""
    proj = db.create_project(tmp_path / "study.db")
    with proj.transaction("init", record=False) as session:
        settings.put(session, "language", "en")
        codebook.apply_codebook(session, codebook.load_codebook(SHIPPED_CODEBOOK))
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


def dump_file(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """:func:`dump` for a project file, including the change log."""
    engine = db.make_engine(db.database_url(path))
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
                out[table.name] = [tuple(row) for row in rows]
        return out
    finally:
        engine.dispose()


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the command line in-process: ``cli("docs", path, "--json")``."""
    runner = CliRunner()

    def run(*args: object, ok: bool = True) -> Result:
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"{args} failed ({result.exit_code}): {result.stderr}")
        return result

    return run


def as_json(result: Result) -> Any:
    """The one JSON document a ``--json`` command printed."""
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _no_user_keys(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own keys file (``keys.toml`` in their configuration folder) plays no part
    in the tests: the TUI looks for one that does not exist."""
    missing = tmp_path_factory.getbasetemp() / "no-keys.toml"
    monkeypatch.setenv("WORKBENCH_KEYS", str(missing))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo project, built once for the session (tests work on copies)."""
    from workbench.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the demo project for one test, in the current folder; the TUI writes
    as "tester"."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "study.db"
    shutil.copy(demo_template, path)
    return path

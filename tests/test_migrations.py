"""The schema: migrations produce exactly the models (on SQLite and on PostgreSQL); opening old,
new and foreign projects; backups of SQLite files before a migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from tests.conftest import Targets, dump_file, run_sql, sql_rows
from workbench.errors import ProjectError
from workbench.project import db


def test_migrations_produce_exactly_the_models(targets: Targets) -> None:
    project = db.create_project(targets.new("new"))
    with project.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        tables = set(sa.inspect(connection).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    project.dispose()


def test_revision_list_matches_the_migration_scripts() -> None:
    scripts = ScriptDirectory.from_config(db.alembic_config())
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert tuple(chain) == db.REVISIONS
    assert scripts.get_current_head() == db.HEAD_REVISION


@pytest.mark.sqlite_only(reason="SQLite's connection settings (WAL, foreign keys, busy timeout)")
def test_new_project_is_stamped_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    project = db.create_project(tmp_path / "p.db")
    assert db.current_revision(project.engine) == db.HEAD_REVISION
    with project.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    project.dispose()


def test_older_project_is_backed_up_then_upgraded(targets: Targets) -> None:
    path = targets.new("old")
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine, "0001")  # a project as the first version of the workbench made it
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO coder (name, guid, created_at) VALUES ('ann', 'g', '2026-01-01 00:00:00')"
        )
    engine.dispose()

    project = db.open_project(path)
    assert db.current_revision(project.engine) == db.HEAD_REVISION
    assert "pseudonym" in sa.inspect(project.engine).get_table_names()
    project.dispose()
    assert sql_rows(path, "SELECT name FROM coder") == [("ann",)]
    if not targets.sqlite:  # a file is copied first; a database server has its own backups
        assert project.backup is None
        return
    assert project.backup is not None and project.backup.exists()
    backup = sqlite3.connect(project.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT name FROM coder").fetchall() == [("ann",)]
    tables = {r[0] for r in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "pseudonym" not in tables
    backup.close()
    # Opening it again needs no migration and makes no second backup.
    again = db.open_project(path)
    assert again.backup is None
    again.dispose()


def test_unknown_revision_is_a_clear_error(targets: Targets) -> None:
    path = targets.new("future")
    db.create_project(path).dispose()
    run_sql(path, ("UPDATE alembic_version SET version_num = '9999'", ()))
    with pytest.raises(ProjectError, match="9999.*unknown"):
        db.open_project(path)


@pytest.mark.sqlite_only(reason="files that are not SQLite databases, or no file at all")
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"just some text, not a database", "not a SQLite database"), (None, "no project there")],
)
def test_open_refuses_what_is_not_a_project(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "x.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        db.open_project(path)


def test_open_refuses_an_empty_database_and_create_a_full_one(targets: Targets) -> None:
    empty = targets.new("empty")
    if isinstance(empty, Path):
        empty.touch()  # an empty file is an empty SQLite database
    with pytest.raises(ProjectError, match="empty database|no project|not a workbench"):
        db.open_project(empty)
    full = targets.new("full")
    db.create_project(full).dispose()
    before = dump_file(full)
    with pytest.raises(ProjectError, match="already (exists|holds a workbench project)"):
        db.create_project(full)
    assert dump_file(full) == before


@pytest.mark.sqlite_only(reason="a file that is not a project, in the project's place")
def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.txt"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        db.create_project(path)
    assert path.read_text() == "precious"


def test_foreign_database_is_refused(targets: Targets) -> None:
    path = targets.new("other")
    if isinstance(path, Path):  # a SQLite file another program made
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE notes (x)")
        connection.close()
    else:
        run_sql(path, ("CREATE TABLE notes (x integer)", ()))
    with pytest.raises(ProjectError, match="not a workbench project"):
        db.open_project(path)


UNIT_TABLES = ("turn", "sentence", "paragraph")


def _indexes(connection: sa.Connection, table: str) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in sa.inspect(connection).get_indexes(table)}


def _plan(connection: sqlite3.Connection | sa.Connection, table: str) -> str:
    sql = f'EXPLAIN QUERY PLAN SELECT id, start, "end" FROM {table} WHERE document_id = 1'
    if isinstance(connection, sqlite3.Connection):
        rows = connection.execute(sql).fetchall()
    else:
        rows = connection.exec_driver_sql(sql).fetchall()
    return " ".join(str(row[-1]) for row in rows)


def test_migration_0004_makes_the_unit_indexes_covering(targets: Targets) -> None:
    path = targets.new("old")
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO document (id, name, text, source_name, sha256, language, encoding,"
            " paragraph_mode, char_count, word_count, guid, imported_at)"
            " VALUES (1, 'd', 'One. Two.', '', 'h', 'en', 'utf-8', 'lines', 9, 2, 'g',"
            " '2026-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            'INSERT INTO sentence (document_id, start, "end") VALUES (1, 0, 4), (1, 5, 9)'
        )
        connection.exec_driver_sql(
            'INSERT INTO paragraph (document_id, start, "end") VALUES (1, 0, 9)'
        )
        connection.exec_driver_sql(
            'INSERT INTO turn (document_id, position, start, "end", text_start, speaker)'
            " VALUES (1, 0, 0, 9, 0, NULL)"
        )
    engine.dispose()

    project = db.open_project(path)
    assert (project.backup is not None and project.backup.exists()) is targets.sqlite
    assert db.current_revision(project.engine) == db.HEAD_REVISION == "0006"
    fresh = db.create_project(targets.new("fresh"))
    with project.engine.connect() as migrated, fresh.engine.connect() as new:
        context = MigrationContext.configure(migrated, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        for table in UNIT_TABLES:
            assert _indexes(migrated, table) == _indexes(new, table)
            assert _indexes(migrated, table)[f"ix_{table}_doc_start_end"] == [
                "document_id",
                "start",
                "end",
            ]
            assert f"ix_{table}_doc_start" not in _indexes(migrated, table)
            if targets.sqlite:  # SQLite's query plan
                assert f"COVERING INDEX ix_{table}_doc_start_end" in _plan(migrated, table)
        rows = migrated.exec_driver_sql('SELECT start, "end" FROM sentence ORDER BY start')
        assert rows.fetchall() == [(0, 4), (5, 9)]
    fresh.dispose()
    project.dispose()
    if project.backup is None:
        return
    backup = sqlite3.connect(project.backup)  # the copy still has the old, non-covering index
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert "COVERING" not in _plan(backup, "sentence")
    assert "ix_sentence_doc_start" in _plan(backup, "sentence")
    backup.close()


def test_migration_0004_downgrades_to_the_old_indexes(targets: Targets) -> None:
    project = db.create_project(targets.new("p"))
    with project.engine.begin() as connection:
        command.downgrade(db.alembic_config(connection), "0003")
    with project.engine.connect() as connection:
        assert db.current_revision(project.engine) == "0003"
        for table in UNIT_TABLES:
            names = _indexes(connection, table)
            assert names[f"ix_{table}_doc_start"] == ["document_id", "start"]
            assert f"ix_{table}_doc_start_end" not in names
    project.dispose()


def test_migration_0005_keeps_old_codes_codable_and_documents_unlabelled(
    targets: Targets,
) -> None:
    path = targets.new("old")
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO document (id, name, text, source_name, sha256, language, encoding,"
            " paragraph_mode, char_count, word_count, guid, imported_at)"
            " VALUES (1, 'd', 'One.', '', 'h', 'en', 'utf-8', 'lines', 4, 1, 'g',"
            " '2026-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO code (id, name, label, position, description, inclusion, exclusion,"
            " example, color, keywords, guid, created_at)"
            " VALUES (1, 'welcome', '', 0, '', '', '', '', '#ff0000', '[]', 'g1',"
            " '2026-01-01 00:00:00')"
        )
    engine.dispose()
    project = db.open_project(path)
    assert db.current_revision(project.engine) == db.HEAD_REVISION
    with project.engine.connect() as connection:
        code = connection.exec_driver_sql(
            "SELECT codable, anchor_segment_id, color FROM code"
        ).one()
        assert (bool(code[0]), code[1], code[2]) == (True, None, "#ff0000")
        label = connection.exec_driver_sql("SELECT label FROM document").scalar_one()
        assert label == ""
        command.downgrade(db.alembic_config(connection), "0004")
        connection.commit()
    with project.engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("code")}
        assert "codable" not in columns and "anchor_segment_id" not in columns
        assert "label" not in {c["name"] for c in sa.inspect(connection).get_columns("document")}
    project.dispose()


def test_migration_0006_adds_an_empty_erasure_table(targets: Targets) -> None:
    """A project from before 0006 gets the erasure table, empty (nothing was purged with this
    record), and merges as before; downgrading drops it."""
    path = targets.new("old")
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine, "0005")
    with engine.connect() as connection:
        assert "erasure" not in sa.inspect(connection).get_table_names()
    engine.dispose()
    project = db.open_project(path)
    assert db.current_revision(project.engine) == "0006"
    with project.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM erasure").scalar_one() == 0
        columns = {c["name"] for c in sa.inspect(connection).get_columns("erasure")}
        assert columns == {"id", "fingerprint", "purged_at"}
        command.downgrade(db.alembic_config(connection), "0005")
        connection.commit()
    with project.engine.connect() as connection:
        assert "erasure" not in sa.inspect(connection).get_table_names()
    project.dispose()

"""The project target: a path is a file, a URL a database server, ``@NAME`` a named
connection; the same on the command line, in the core and in the TUI's defaults."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import Targets, as_json
from workbench.errors import InputError, ProjectError
from workbench.project import db
from workbench.project.target import (
    database_url,
    display_name,
    is_server,
    parse_target,
    stem,
)

SERVER = "postgresql+psycopg://anouk:s3cret@db.example.org:5433/study"


def test_what_a_user_types_becomes_a_path_a_url_or_a_name() -> None:
    assert parse_target(SERVER) == SERVER  # kept whole: click.Path would make it "…:/db…"
    assert parse_target("sqlite:///x.db") == "sqlite:///x.db"
    assert parse_target("@team") == "@team"
    assert parse_target("study.db") == Path("study.db")
    # A path is always a path, whatever its characters.
    assert parse_target("./postgresql://x") == Path("postgresql:/x")
    assert parse_target("my @team.db") == Path("my @team.db")
    assert parse_target("~/study.db") == Path.home() / "study.db"
    for path, file in ((Path("postgresql://x"), "postgresql:/x"), ("study.db", "study.db")):
        url = sa.engine.make_url(database_url(path))
        assert (url.get_backend_name(), url.database) == ("sqlite", file)
    assert is_server(SERVER) and is_server("@team")
    assert not is_server(Path("x.db")) and not is_server("sqlite:///x.db")


def test_passwords_are_never_shown() -> None:
    shown = display_name(SERVER)
    assert "s3cret" not in shown and shown.startswith("postgresql+psycopg://anouk:***@")
    assert display_name("@team") == "@team"
    assert display_name(Path("a/study.db")) == "a/study.db"
    project = db.Project(engine=sa.create_engine(SERVER), path=None)
    try:
        assert "s3cret" not in project.label and project.name == "study"
        assert project.target == SERVER  # what opens it again
    finally:
        project.dispose()


def test_default_file_names_come_from_the_file_or_the_database() -> None:
    assert stem(Path("/work/study.db")) == "study"
    assert stem(SERVER) == "study"
    assert stem("postgresql+psycopg://host/") == "project"
    assert stem("@team") == "team"  # no connections file here: the name itself


def test_the_export_dialog_names_files_after_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.tui.dialogs.export import ExportDialog

    monkeypatch.chdir(tmp_path)
    project = db.Project(engine=sa.create_engine(SERVER), path=None)
    try:
        dialog = ExportDialog(project)
        assert dialog._default_path("md") == str(tmp_path / "study-fragments.md")
        assert dialog._default_path("qdpx") == str(tmp_path / "study.qdpx")
        assert dialog._default_path("codebook") == str(tmp_path / "study-codebook.yaml")
    finally:
        project.dispose()


def test_a_url_reaches_the_core_unmangled(cli) -> None:  # type: ignore[no-untyped-def]
    url = "postgresql+psycopg://nobody:pw@127.0.0.1:1/nowhere"  # port 1: refused at once
    result = cli("docs", url, ok=False)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("workbench: error: postgresql+psycopg://nobody:***@127.0.0.1:1/nowhere")
    assert "pw@" not in result.stderr


def test_without_a_driver_a_url_is_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("docs", "postgresql+nosuchdriver://host/study", ok=False)
    [line] = unknown.stderr.strip().splitlines()
    assert "driver 'nosuchdriver' is not installed" in line
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    missing = cli("docs", "postgresql+psycopg://host/study", ok=False)
    [line] = missing.stderr.strip().splitlines()
    assert "driver 'psycopg' is not installed (pip install 'workbench[postgres]')" in line
    other = cli("docs", "mysql://host/study", ok=False)
    assert "SQLite files and PostgreSQL servers, not mysql" in other.stderr


def test_a_named_connection_from_the_user_config(
    cli, targets: Targets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    target = targets.new()
    cli("init", target, "--language", "en")
    config = tmp_path / "connections.toml"
    url = database_url(target)
    config.write_text(f'[team]\nurl = "{url}"\n\n[broken]\nurl = 5\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONNECTIONS", str(config))
    cli("codebook", "add", "@team", "bench chat")
    assert [code["name"] for code in as_json(cli("codes", "@team", "--json"))] == ["bench chat"]
    assert stem("@team") == stem(target)
    unknown = cli("docs", "@nope", ok=False)
    [line] = unknown.stderr.strip().splitlines()
    assert f"@nope: no connection of that name in {config} (it has @team, @broken)" in line
    broken = cli("docs", "@broken", ok=False)
    assert f"{config}: [broken] needs url =" in broken.stderr
    with pytest.raises(InputError, match="not a TOML connections file"):
        config.write_text("[team", encoding="utf-8")
        database_url("@team")
    config.unlink()
    with pytest.raises(ProjectError, match="no connections file"):
        database_url("@team")


def test_a_nul_character_is_one_line_on_postgresql(cli, targets: Targets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SQLite stores a NUL character in a text; PostgreSQL's text cannot hold one: the write
    is refused in one line and changes nothing."""
    from tests.conftest import dump_file

    target = targets.new()
    cli("init", target, "--language", "en")
    book = tmp_path / "book.yaml"
    book.write_text('name: t\ncodes:\n  - name: welcome\n    description: "a\\0b"\n')
    before = dump_file(target)
    result = cli("codebook", "load", target, book, ok=targets.sqlite)
    if targets.sqlite:
        assert as_json(cli("codes", target, "--json"))[0]["description"] == "a\x00b"
        return
    [line] = result.stderr.strip().splitlines()
    assert line == (
        "workbench: error: refused by the database: "
        "PostgreSQL text fields cannot contain NUL (0x00) bytes"
    )
    assert dump_file(target) == before

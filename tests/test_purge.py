"""Purge (``workbench purge study.db``): what the researcher erased leaves no copy in the project.

A memo deleted, a memo rewritten, a pseudonym entry removed and a document deleted with the
purge itself: afterwards their words are in no column of any table (every text column of
every table is searched, the change log's images included) and, on SQLite, not in the bytes
of the project file or its write-ahead log. Undo then stops at the purge, saying so; a change
made after it is undone as usual. The words are checked to be there before the purge, so that
the test would fail if the search could not see them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from sqlmodel import SQLModel

from tests.conftest import as_json, dump, sql_rows
from workbench.project import db
from workbench.services import coding as coding_service

Cli = Callable[..., Result]

#: Fictional transcripts written for these tests; the odd words are what must disappear.
KEPT = """I: Where do you go on Saturdays?
R: To the market square. The fishmonger knows what I like.
I: Anything else?
R: The reading room in the library, when it rains.
"""
ERASED = """I: Tell me about your street.
R: My neighbour Zyrkowitz brings soup when I am ill. We sit on the Quorandel bench.
I: And the park?
R: Too dark in winter. I stay in.
"""
MEMO_DELETED = "Vexmoorian remark about the neighbour"
MEMO_REWRITTEN = "first draft mentions Wexcombe"
PSEUDONYM_REAL = "Brannigan Oxhollow"
DOCUMENT_WORDS = ("Zyrkowitz", "Quorandel")
GONE = ("Vexmoorian", "Wexcombe", "Oxhollow", *DOCUMENT_WORDS)


def _text_columns() -> list[tuple[sa.Table, sa.Column[Any]]]:
    return [
        (table, column)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(getattr(column.type, "impl_instance", column.type), sa.String)
    ]  # sa.Text is a String; SQLModel's AutoString (every plain str field) wraps one


def found_in_tables(target: object, word: str) -> list[str]:
    """``table.column`` of every text column holding ``word`` (any case), over all tables."""
    engine = db.make_engine(db.database_url(target))  # type: ignore[arg-type]
    hits = []
    try:
        with engine.connect() as connection:
            for table, column in _text_columns():
                query = (
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(sa.func.lower(column).contains(word.lower()))
                )
                if connection.execute(query).scalar():
                    hits.append(f"{table.name}.{column.name}")
    finally:
        engine.dispose()
    return hits


def found_in_files(path: Path, word: str) -> list[str]:
    """The project's files (database, -wal) whose bytes hold ``word`` (any case)."""
    hits = []
    for suffix in ("", "-wal"):
        file = Path(f"{path}{suffix}")
        if file.exists() and word.lower().encode() in file.read_bytes().lower():
            hits.append(file.name)
    return hits


def _span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


@pytest.fixture
def erased(project: db.Project, cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """A project where a memo was deleted, one rewritten and a pseudonym removed; the
    document "street" is still there (the purge deletes it)."""
    target = project.target
    for name, text in (("market", KEPT), ("street", ERASED)):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        cli("import", target, path)
    start, end = _span(KEPT, "The fishmonger knows what I like")
    kept = as_json(cli("code", target, "market", start, end, "weak ties", "--json"))["segment"]
    start, end = _span(ERASED, "My neighbour Zyrkowitz brings soup")
    cli("code", target, "street", start, end, "strong ties", "--memo", "soup on sick days")
    memo = coding_service.save_segment_memo(project, MEMO_DELETED, segment=kept).memo
    coding_service.save_segment_memo(project, "", memo=memo)  # deleted
    rewritten = coding_service.save_segment_memo(project, MEMO_REWRITTEN, segment=kept).memo
    coding_service.save_segment_memo(project, "second draft, no names", memo=rewritten)
    cli("pseudonym", "add", target, PSEUDONYM_REAL, "Piet Smit")
    cli("pseudonym", "remove", target, PSEUDONYM_REAL)
    cli("codebook", "add", target, "market life")  # a change that erases nothing
    return {"target": target, "kept": kept}


def test_purge_leaves_no_copy_in_any_table_and_undo_stops_there(
    erased: dict[str, Any], cli: Cli, project: db.Project
) -> None:
    target = erased["target"]
    for word in GONE:  # the search sees them before the purge
        assert found_in_tables(target, word), word
    assert "change_row.before" in found_in_tables(target, "Vexmoorian")

    result = cli("purge", target, "--document", "street", "--yes", "--json")
    done = as_json(result)
    assert done["documents"] == ["street"] and done["segments"] == 1
    assert done["log_rows_by_table"]["memo"] >= 4 and done["log_rows_by_table"]["pseudonym"] == 2
    assert done["index_dropped"] is True

    for word in GONE:
        assert found_in_tables(target, word) == [], word
    # What was not erased is all there.
    assert sql_rows(target, "SELECT name FROM document ORDER BY name") == [("market",)]
    assert sql_rows(target, "SELECT text FROM memo ORDER BY id") == [("second draft, no names",)]
    assert sql_rows(target, "SELECT id FROM segment") == [(erased["kept"],)]
    history = cli("history", target, "--all").stdout
    assert "add code market life" in history and "purge" in history

    before = dump(project)
    refused = cli("undo", target, ok=False)
    assert refused.exit_code != 0
    assert "undo cannot reach past the purge on" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert dump(project) == before

    cli("codebook", "add", target, "after the purge")
    cli("undo", target)
    assert sql_rows(target, "SELECT id FROM code WHERE name = 'after the purge'") == []
    cli("redo", target)
    assert len(sql_rows(target, "SELECT id FROM code WHERE name = 'after the purge'")) == 1
    check = cli("check", target, ok=False)
    assert check.exit_code == 0, check.stdout
    # The index was built again from the documents that are left.
    assert "fishmonger" in cli("search", target, "fishmonger").stdout


@pytest.mark.sqlite_only(reason="the bytes of the project file and its write-ahead log")
def test_after_a_purge_the_words_are_not_in_the_files_bytes(
    erased: dict[str, Any], cli: Cli
) -> None:
    path = Path(erased["target"])
    for word in GONE:  # present before: in the log's images, free pages or the WAL
        assert found_in_files(path, word), word
    done = as_json(cli("purge", path, "--document", "street", "--yes", "--json"))
    assert done["wal_emptied"] is True
    for word in GONE:
        assert found_in_files(path, word) == [], word
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_purge_asks_first_and_changes_nothing_without_yes(
    erased: dict[str, Any], cli: Cli, project: db.Project
) -> None:
    target = erased["target"]
    before = dump(project, skip=())
    result = cli("purge", target, "--document", "street", ok=False)
    assert result.exit_code == 1
    assert "--yes" in result.stderr and len(result.stderr.splitlines()) == 1
    assert dump(project, skip=()) == before
    result = cli("purge", target, "--document", "no such doc", "--yes", ok=False)
    assert result.exit_code == 1 and "no document called" in result.stderr
    assert dump(project, skip=()) == before


@pytest.mark.sqlite_only(reason="backups are files beside a SQLite project")
def test_backups_beside_the_project_are_named_not_touched(erased: dict[str, Any], cli: Cli) -> None:
    path = Path(erased["target"])
    backup = path.with_name(f"{path.name}.bak-0004")
    backup.write_bytes(path.read_bytes())
    result = cli("purge", path, "--yes")
    assert str(backup) in result.stderr and "may still hold the erased text" in result.stderr
    assert backup.exists()


async def test_tui_purge_from_the_command_palette_after_a_question(
    demo: Any,
) -> None:
    from tests.test_tui_screens import SIZE, settle
    from workbench.services.project import open_project
    from workbench.tui import WorkbenchApp
    from workbench.tui.commands import palette_commands
    from workbench.tui.dialogs.purge import PurgeDialog
    from workbench.tui.screens.main import MainScreen

    project = open_project(demo)
    try:
        segment = sql_rows(demo, "SELECT id FROM segment ORDER BY id")[0][0]
        memo = coding_service.save_segment_memo(project, MEMO_DELETED, segment=segment).memo
        coding_service.save_segment_memo(project, "", memo=memo)
    finally:
        project.dispose()
    assert found_in_tables(demo, "Vexmoorian")

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        command = next(c for c in palette_commands(app) if c.title == "Purge erased data for good")
        command.run()
        await settle(app, pilot)
        assert isinstance(app.screen, PurgeDialog)
        assert app.screen.plan is not None and app.screen.plan.log_rows.get("memo") == 2
        await pilot.press("n")  # no: nothing happens
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert found_in_tables(demo, "Vexmoorian")

        command.run()
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert found_in_tables(demo, "Vexmoorian") == []

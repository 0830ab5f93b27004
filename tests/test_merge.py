"""Merging offline copies: ``workbench merge study.db theirs.db``.

Two copies of one project (the file copied) are coded apart by two coders and merged: the
inter-coder agreement computed on the merged project equals the agreement on a project
where both coded the same passages directly. The merge is one change (undo takes it back),
``--dry-run`` changes nothing and says the same, conflicts are reported with ours kept, and
work removed here since the copies parted is not brought back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.backends import Backend, Template
from tests.conftest import SHIPPED_CODEBOOK, Targets, as_json, dump
from workbench.analysis.agreement import agreement
from workbench.analysis.integrity import check_project
from workbench.errors import InvalidValue
from workbench.project import db
from workbench.project.target import ProjectTarget, display_name
from workbench.services import codebook, coding, history
from workbench.services.importing import import_files
from workbench.services.merge import merge

TALK = (
    "Interviewer: Where do you feel at home?\n"
    "Interviewee: At the library, the staff know my name. It is my second home.\n"
    "Interviewer: And the youth club?\n"
    "Interviewee: It closed. Now there is nowhere to go after school, so I stay in.\n"
)
WALK = (
    "Interviewer: Tell me about the park.\n"
    "Interviewee: We walk there every morning; people greet you, even strangers.\n"
    "Interviewer: Always?\n"
    "Interviewee: Not since they closed the cafe. Now it feels empty and a bit unsafe.\n"
)
SKIP = ("coder",)

Op = tuple[str, int, int, list[str]]
ANN: list[Op] = [
    ("talk", 0, 11, ["welcome"]),
    ("talk", 41, 60, ["stigma", "welcome"]),
    ("walk", 5, 30, ["lost place"]),
    ("walk", 60, 100, ["second home"]),
]
BRAM: list[Op] = [
    ("talk", 0, 11, ["welcome"]),  # the same passage, the same code
    ("talk", 45, 70, ["stigma"]),  # overlapping
    ("walk", 5, 30, ["second home"]),  # the same passage, another code
    ("walk", 120, 150, ["welcome"]),  # only Bram
]


def _fill(folder: Path) -> Callable[[ProjectTarget], None]:
    def fill(target: ProjectTarget) -> None:
        from workbench.coding import codebook as books
        from workbench.project import settings

        for name, text in (("talk", TALK), ("walk", WALK)):
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        project = db.create_project(target)
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "en")
            books.apply_codebook(session, books.load_codebook(SHIPPED_CODEBOOK))
        sources = [folder / "talk.txt", folder / "walk.txt"]
        import_files(project, sources, language="en", coder="ann")
        coding.code_span(project, "talk", 90, 110, ["loneliness"], coder="ann")
        project.dispose()

    return fill


@pytest.fixture(scope="module")
def base(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The project before the copies part: two transcripts, the shipped codebook, and one
    coding both copies start with."""
    folder = tmp_path_factory.mktemp("merge")
    return backend.template("merge", folder, _fill(folder))


@pytest.fixture
def copies(base: Template, targets: Targets) -> Callable[[str], ProjectTarget]:
    """A fresh copy of the base project under a name."""

    def copy(name: str) -> ProjectTarget:
        return targets.copy(base, name)

    return copy


def code(path: ProjectTarget, ops: list[Op], coder: str) -> None:
    project = db.open_project(path)
    try:
        for document, start, end, codes in ops:
            coding.code_span(project, document, start, end, codes, coder=coder)
    finally:
        project.dispose()


def agreement_of(path: ProjectTarget) -> dict[str, object]:
    project = db.open_project(path)
    try:
        with project.session() as session:
            return agreement(session, "ann", "bram").to_dict()
    finally:
        project.dispose()


def test_agreement_after_a_merge_equals_agreement_of_coding_together(copies) -> None:  # type: ignore[no-untyped-def]
    ours, theirs, together = copies("ours"), copies("theirs"), copies("together")
    code(ours, ANN, "ann")
    code(theirs, BRAM, "bram")
    code(together, ANN, "ann")
    code(together, BRAM, "bram")

    project = db.open_project(ours)
    try:
        report = merge(project, theirs, coder="ann")
        assert report.conflicts == []
        assert report.shared_changes == 1  # the coding made before the copies parted
        assert report.documents_matched == 2 and report.documents_added == []
        assert report.coders_added == ["bram"]
        assert report.codings_added == 4
        assert report.segments_added == 2  # talk 45-70 and walk 120-150; the others exist
        assert check_project(project) == []
    finally:
        project.dispose()
    merged = agreement_of(ours)
    assert merged == agreement_of(together)
    assert merged["units"] == len(TALK) + len(WALK)
    assert merged["per_code"]  # (something was compared)


def test_the_merge_is_one_change_that_undo_takes_back(copies) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = copies("ours"), copies("theirs")
    code(ours, ANN, "ann")
    code(theirs, BRAM, "bram")
    project = db.open_project(ours)
    try:
        before = dump(project, skip=SKIP)
        report = merge(project, theirs, coder="ann")
        newest = history.history(project, coder="ann")[0]
        assert (newest.action, newest.summary) == ("merge", report.summary())
        assert report.summary().startswith(f"merge {display_name(theirs)}: 2 segments, 4 codings")
        undone = history.step(project, undo=True, coder="ann")
        assert undone.id == newest.id
        assert dump(project, skip=SKIP) == before
        history.step(project, undo=False, coder="ann")
        assert dump(project, skip=SKIP) != before
    finally:
        project.dispose()


def test_a_dry_run_changes_nothing_and_says_what_a_merge_does(copies) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = copies("ours"), copies("theirs")
    code(ours, ANN, "ann")
    code(theirs, BRAM, "bram")
    project = db.open_project(ours)
    try:
        before = dump(project)
        dry = merge(project, theirs, dry_run=True, coder="ann")
        assert dump(project) == before
        assert dry.dry_run
        done = merge(project, theirs, coder="ann")
        assert {**dry.to_dict(), "dry_run": False} == done.to_dict()
        # Merging the same copy again brings nothing new.
        again = merge(project, theirs, coder="ann")
        assert not again.changed_anything and again.conflicts == []
    finally:
        project.dispose()


def test_conflicts_are_reported_and_ours_kept(copies, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = copies("ours"), copies("theirs")
    mine, other = db.open_project(ours), db.open_project(theirs)
    try:
        # A code renamed differently in both: a conflict. Renamed in theirs only: taken.
        codebook.rename_code(mine, "welcome", "feeling welcome", coder="ann")
        codebook.rename_code(other, "welcome", "being welcomed", coder="bram")
        codebook.rename_code(other, "stigma", "stigmatisation", coder="bram")
        # A document of the same name with another text in each copy: a conflict.
        for project, text, who in ((mine, "R: ours.\n", "ann"), (other, "R: theirs.\n", "bram")):
            source = tmp_path / who / "extra.txt"
            source.parent.mkdir()
            source.write_text(text, encoding="utf-8")
            import_files(project, [source], language="en", coder=who)
        coding.code_span(other, "extra", 0, 5, ["loneliness"], coder="bram")
        # What only they have comes in: a code, a document and its coding, a memo.
        codebook.add_code(other, "bench talk", coder="bram")
        source = tmp_path / "bench.txt"
        source.write_text("Interviewer: And the bench?\nR: We sit there.\n", encoding="utf-8")
        import_files(other, [source], language="en", coder="bram")
        coding.code_span(other, "bench", 0, 11, ["bench talk"], coder="bram")
        coding.add_memo(other, "code", "bench talk", "Sitting together outside.", coder="bram")

        report = merge(mine, theirs, coder="ann")
        shown = display_name(theirs)
        assert report.conflicts == [
            f"document 'extra': its text differs in the two copies; its 1 segment in {shown} "
            "was not brought in",
            "code 'feeling welcome': name is 'feeling welcome' here and 'being welcomed' in "
            f"{shown}; kept 'feeling welcome'",
        ]
        assert report.codes_changed == ["stigma"]
        assert report.codes_added == ["bench talk"]
        assert report.documents_added == ["bench"]
        assert report.memos_added == 1
        with mine.session() as session:
            names = {row[0] for row in session.execute(sa.text("SELECT name FROM code"))}
            texts = {
                row[0]: row[1]
                for row in session.connection().exec_driver_sql("SELECT name, text FROM document")
            }
        assert {"feeling welcome", "stigmatisation", "bench talk"} <= names
        assert "being welcomed" not in names and "stigma" not in names
        assert texts["extra"] == "R: ours.\n"
        assert check_project(mine) == []  # the new document is indexed too
        # Undo takes it all back but the copied document.
        history.step(mine, undo=True, coder="ann")
        with mine.session() as session:
            names = {row[0] for row in session.execute(sa.text("SELECT name FROM code"))}
        assert "stigma" in names and "bench talk" not in names
    finally:
        mine.dispose()
        other.dispose()


def test_work_removed_here_is_not_brought_back(copies) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = copies("ours"), copies("theirs")
    project = db.open_project(ours)
    try:
        with project.session() as session:
            segment = session.connection().exec_driver_sql("SELECT id FROM segment").scalar()
        assert isinstance(segment, int)
        coding.uncode(project, segment, ["loneliness"], coder="ann")  # made before the copy
        code(theirs, BRAM, "bram")
        report = merge(project, theirs, coder="ann")
        assert report.not_restored == 1
        with project.session() as session:
            left = (
                session.connection()
                .exec_driver_sql(
                    "SELECT count(*) FROM coding JOIN code ON code.id = coding.code_id"
                    " WHERE code.name = 'loneliness'"
                )
                .scalar()
            )
        assert left == 0
    finally:
        project.dispose()


def test_memos_edited_in_both_copies_are_both_kept(copies, targets) -> None:  # type: ignore[no-untyped-def]
    base_memo = copies("with-memo")
    project = db.open_project(base_memo)
    coding.add_memo(project, "code", "welcome", "First thoughts.", coder="ann")
    project.dispose()
    with_memo = Template("with-memo", base_memo)
    ours, theirs = targets.copy(with_memo, "ours"), targets.copy(with_memo, "theirs")
    for path, text, who in ((ours, "Ours, later.", "ann"), (theirs, "Theirs, later.", "bram")):
        project = db.open_project(path)
        with project.transaction("memo", coder=who) as session:
            from workbench.coding import memos

            memo = session.connection().exec_driver_sql("SELECT id FROM memo").scalar()
            memos.update_memo(session, memo, text)  # type: ignore[arg-type]
        project.dispose()
    project = db.open_project(ours)
    try:
        report = merge(project, theirs, coder="ann")
        assert len(report.conflicts) == 1 and report.conflicts[0].startswith("memo ")
        with project.session() as session:
            texts = sorted(
                row[0] for row in session.connection().exec_driver_sql("SELECT text FROM memo")
            )
        assert texts == ["Ours, later.", "Theirs, later."]
    finally:
        project.dispose()


def test_a_project_is_not_merged_with_itself(copies) -> None:  # type: ignore[no-untyped-def]
    ours = copies("ours")
    project = db.open_project(ours)
    try:
        with pytest.raises(InvalidValue, match="this project itself"):
            merge(project, ours)
    finally:
        project.dispose()


def test_the_merge_command(copies, cli) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = copies("ours"), copies("theirs")
    code(ours, ANN, "ann")
    code(theirs, BRAM, "bram")
    before = dump_of(ours)
    dry = as_json(cli("merge", ours, theirs, "--dry-run", "--json", "--coder", "ann"))
    assert dump_of(ours) == before
    assert dry["dry_run"] is True and dry["codings_added"] == 4
    assert set(dry) >= {"source", "documents_matched", "codes_added", "conflicts", "notes"}
    text = cli("merge", ours, theirs, "--coder", "ann").stdout
    assert text.splitlines()[0].startswith(f"merge {display_name(theirs)}: 2 segments, 4 codings")
    assert "coders added: bram" in text
    assert as_json(cli("history", ours, "--coder", "ann", "--json"))[0]["action"] == "merge"
    cli("undo", ours, "--coder", "ann")
    assert dump_of(ours) == before
    itself = cli("merge", ours, ours, ok=False)
    assert itself.exit_code == 1 and "this project itself" in itself.stderr


def dump_of(path: ProjectTarget) -> dict[str, list[tuple[object, ...]]]:
    project = db.open_project(path)
    try:
        return dump(project, skip=SKIP)
    finally:
        project.dispose()


async def test_merging_from_the_tui(demo, demo_template, targets) -> None:  # type: ignore[no-untyped-def]
    from textual.message import Message
    from textual.notifications import Notification, Notify
    from textual.widgets import Input

    from tests.test_live_updates import settle, tree_counts
    from workbench.tui import WorkbenchApp
    from workbench.tui.dialogs.forms import TextPrompt
    from workbench.tui.widgets.panels import CodeTree

    theirs = targets.copy(demo_template, "theirs")
    other = db.open_project(theirs)
    coding.code_span(other, "interview-01-hatert", 200, 260, ["safety"], coder="bram")
    other.dispose()
    app = WorkbenchApp(demo)
    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = str(theirs)
        await pilot.press("enter")
        shown = display_name(theirs)
        await settle(app, pilot)
        assert tree_counts(app.screen.query_one("#codes-tree", CodeTree))["safety"] == "1"
        assert any(n.message.startswith(f"Merge {shown}: 1 segment, 1 coding") for n in notes)
        await pilot.press("ctrl+z")  # one change: undone at once
        await settle(app, pilot)
        assert tree_counts(app.screen.query_one("#codes-tree", CodeTree))["safety"] == "0"

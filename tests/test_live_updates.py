"""Live updates: an open TUI shows what another process or coder changes, within a second.

The watch itself (:class:`workbench.services.activity.Watch`) is tested headless: what moves
its mark, who it says did what, and that its own shell's writes are not news. Then Pilot on
the demo project: a coding, an undo and an import made through the services in another
connection, as another coder, appear in the open transcript and in the code trees without
moving the cursor, the selection or the scroll position, and a notification says who did it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.widgets import TabbedContent
from textual.worker import WorkerCancelled

from workbench.project import db
from workbench.services import coding, history
from workbench.services.activity import Watch, read_mark
from workbench.services.codebook import rename_code
from workbench.services.importing import import_files
from workbench.tui import WorkbenchApp
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.panels import CodeTree, DocumentsTable
from workbench.tui.widgets.transcript import TranscriptArea

DOC = "interview-01-hatert"
SIZE = (120, 30)


def test_the_watch_tells_who_did_what_and_keeps_quiet_about_its_own_writes(demo: Path) -> None:
    mine = db.open_project(demo)
    theirs = db.open_project(demo)  # another connection: another process, another coder
    try:
        watch = Watch(mine, coder="tester")
        assert watch.poll() is None  # nothing moved
        coding.code_span(theirs, DOC, 200, 260, ["safety"], coder="bram")
        coding.code_span(theirs, DOC, 300, 320, ["safety", "routine"], coder="bram")
        coding.code_span(theirs, "interview-02-lindenholt", 10, 40, ["safety"], coder="bram")
        rename_code(theirs, "routine", "daily routine", coder="anouk")
        seen = watch.poll()
        assert seen is not None
        assert seen.lines == (
            f"bram coded 3 passages in {DOC} and interview-02-lindenholt",
            "anouk made a change: rename code routine to daily routine",
        )
        assert watch.poll() is None  # the next poll starts from there

        # The watching shell's own write, reported with wrote(): not news.
        coding.code_span(mine, DOC, 200, 260, ["welcome"], coder="tester")
        watch.wrote()
        assert watch.poll() is None
        # The same coder in another window: the screens read again, no one is named.
        coding.code_span(theirs, DOC, 400, 420, ["welcome"], coder="tester")
        seen = watch.poll()
        assert seen is not None and seen.lines == ()
        assert [c.coder for c in seen.changes] == ["tester"]

        # Undo and redo are not changes of their own, but move the mark and are told.
        undone = history.step(theirs, undo=True, coder="anouk")
        seen = watch.poll()
        assert seen is not None and [c.id for c in seen.undone] == [undone.id]
        assert seen.lines == (f"anouk undid {undone.summary}",)
        history.step(theirs, undo=False, coder="anouk")
        seen = watch.poll()
        assert seen is not None and seen.lines == (f"anouk redid {undone.summary}",)
    finally:
        mine.dispose()
        theirs.dispose()


def test_who_did_what_is_told_in_the_interface_language(demo: Path) -> None:
    """The lines name the coders and quote the change log's summaries as stored (English);
    the rest is in the interface's language."""
    from workbench import i18n

    mine = db.open_project(demo)
    theirs = db.open_project(demo)
    i18n.set_language("nl")
    try:
        watch = Watch(mine, coder="tester")
        coding.code_span(theirs, DOC, 200, 260, ["safety"], coder="bram")
        coding.code_span(theirs, DOC, 300, 320, ["routine"], coder="bram")
        rename_code(theirs, "routine", "daily routine", coder="anouk")
        seen = watch.poll()
        assert seen is not None
        assert seen.lines == (
            f"bram codeerde 2 passages in {DOC}",
            "anouk maakte een wijziging: rename code routine to daily routine",
        )
        undone = history.step(theirs, undo=True, coder="anouk")
        seen = watch.poll()
        assert seen is not None and seen.lines == (f"anouk maakte ongedaan: {undone.summary}",)
    finally:
        i18n.set_language("en")
        mine.dispose()
        theirs.dispose()


def test_imports_move_the_mark(demo: Path, tmp_path: Path) -> None:
    project = db.open_project(demo)
    try:
        before = read_mark(project)
        watch = Watch(project, coder="tester")
        source = tmp_path / "extra.txt"
        source.write_text("Interviewer: Hello?\nR: Hello.\n", encoding="utf-8")
        import_files(project, [source], language="nl", coder="bram")
        after = read_mark(project)
        assert (after.documents, after.last_change) == (before.documents + 1, before.last_change)
        seen = watch.poll()
        assert seen is not None and seen.lines == ("bram imported extra",)
    finally:
        project.dispose()


# --- the TUI ------------------------------------------------------------------------------


async def settle(app: WorkbenchApp, pilot: Pilot[None], seconds: float = 0.0) -> None:
    """Let ``seconds`` pass (for the live-update poll), then wait for every worker, write and
    message to be done."""
    if seconds:
        await pilot.pause(seconds)
    for _ in range(100):
        await pilot.pause(0.05)
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive worker replaced by a newer one: look again
            continue
        await pilot.pause()
        if not app.busy and not any(w.is_running for w in app.workers):
            return
    raise AssertionError("the app did not settle")


def tree_counts(tree: CodeTree) -> dict[str, str]:
    """Code name -> the count shown after it in a code tree."""
    out: dict[str, str] = {}
    pending = list(tree.root.children)
    while pending:
        node = pending.pop()
        pending.extend(node.children)
        if node.data is not None:
            out[str(node.data)] = str(node.label).split("  ")[-1].strip()
    return out


async def test_changes_made_elsewhere_appear_in_an_open_transcript_and_the_code_trees(
    demo: Path, tmp_path: Path
) -> None:
    app = WorkbenchApp(demo)
    app.LIVE_INTERVAL = 0.3  # (a second in use; shorter here)
    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    other = db.open_project(demo)  # another connection, coding as bram
    try:
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            await settle(app, pilot)
            main = app.screen
            assert isinstance(main, MainScreen)
            assert tree_counts(main.query_one("#codes-tree", CodeTree))["safety"] == "0"
            await pilot.press("enter")  # the first document
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, CodingScreen) and screen.document_name == DOC
            transcript = screen.query_one(TranscriptArea)
            # Read further down, with a selection there.
            transcript.select_span(3000, 3040)
            await settle(app, pilot)
            scroll = transcript.scroll_offset
            selection = transcript.selection
            assert scroll.y > 0
            side = screen.query_one(CodeTree)
            assert tree_counts(side)["safety"] == "0"
            assert "safety" not in transcript.codes_at(210)

            # bram codes a passage in this transcript, from another connection.
            coding.code_span(other, DOC, 200, 260, ["safety"], coder="bram")
            await settle(app, pilot, 0.8)
            assert "safety" in transcript.codes_at(210)
            assert tree_counts(side)["safety"] == "1"
            assert (transcript.scroll_offset, transcript.selection) == (scroll, selection)
            assert any(f"bram coded 1 passage in {DOC}" in n.message for n in notes)

            # bram undoes it: gone again, and the view stays where it was.
            history.step(other, undo=True, coder="bram")
            await settle(app, pilot, 0.8)
            assert "safety" not in transcript.codes_at(210)
            assert tree_counts(side)["safety"] == "0"
            assert (transcript.scroll_offset, transcript.selection) == (scroll, selection)
            assert any("bram undid code" in n.message for n in notes)

            # The project screen under the transcript followed as well.
            coding.code_span(other, DOC, 200, 260, ["safety"], coder="bram")
            await settle(app, pilot, 0.8)
            await pilot.press("escape")  # the first Escape clears the selection
            await settle(app, pilot)
            assert app.screen is not main and transcript.selection.is_empty
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen is main
            assert tree_counts(main.query_one("#codes-tree", CodeTree))["safety"] == "1"

            # An import from elsewhere shows in the documents table, the cursor kept.
            table = main.query_one(DocumentsTable)
            table.move_cursor(row=3)
            await settle(app, pilot)
            before = table.cursor_coordinate
            kept = str(table.ordered_rows[before.row].key.value)
            source = tmp_path / "aaa-extra.txt"
            source.write_text("Interviewer: Hallo?\nBewoner: Hallo.\n", encoding="utf-8")
            import_files(other, [source], language="nl", coder="bram")
            await settle(app, pilot, 0.8)
            assert table.row_count == 8
            assert main.query_one(TabbedContent).active == "documents"
            keys = [str(row.key.value) for row in table.ordered_rows]
            assert "aaa-extra" in keys
            assert keys[table.cursor_coordinate.row] == kept  # the same document
    finally:
        other.dispose()


async def test_the_tuis_own_writes_are_not_reported_as_changes_elsewhere(demo: Path) -> None:
    app = WorkbenchApp(demo)
    app.LIVE_INTERVAL = 0.3
    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        transcript = app.screen.query_one(TranscriptArea)
        transcript.select_span(200, 260)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press(*"safety", "enter")
        await settle(app, pilot, 0.8)
        assert "safety" in transcript.codes_at(210)
        await pilot.press("ctrl+z")
        await settle(app, pilot, 0.8)
        assert "safety" not in transcript.codes_at(210)
        assert not any(n.title == "Changed elsewhere" for n in notes)


def test_the_app_looks_about_once_a_second() -> None:
    assert WorkbenchApp.LIVE_INTERVAL == 1.0


async def test_the_tuis_undo_is_its_coders_own(demo: Path) -> None:
    """ctrl+z takes back the TUI coder's own last change, not a newer one of someone else;
    when someone else's change depends on it, it is refused, naming that change."""
    app = WorkbenchApp(demo)
    app.LIVE_INTERVAL = 0.3
    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    other = db.open_project(demo)
    try:
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            transcript = app.screen.query_one(TranscriptArea)
            transcript.select_span(200, 260)
            await pilot.press("c")
            await settle(app, pilot)
            await pilot.press(*"safety", "enter")
            await settle(app, pilot)
            # bram codes elsewhere (newer than the TUI's coding) and on the TUI's segment.
            coding.code_span(other, DOC, 300, 320, ["routine"], coder="bram")
            coding.code_span(other, DOC, 200, 260, ["welcome"], coder="bram")
            await settle(app, pilot, 0.8)
            assert transcript.codes_at(210) >= {"safety", "welcome"}
            await pilot.press("ctrl+z")
            await settle(app, pilot)
            refused = [n for n in notes if n.title == "Not done"]
            assert len(refused) == 1
            assert "by bram (code interview-01-hatert 200-260 with welcome) depends on it" in (
                refused[0].message
            )
            assert transcript.codes_at(210) >= {"safety", "welcome"}
            # Once bram took his coding back, the TUI's undo takes back its own, and only that.
            history.step(other, undo=True, coder="bram")
            await settle(app, pilot, 0.8)
            await pilot.press("ctrl+z")
            await settle(app, pilot)
            assert "safety" not in transcript.codes_at(210)
            assert "routine" in transcript.codes_at(305)
    finally:
        other.dispose()


async def test_a_failing_look_is_said_once_and_the_app_goes_on(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: Watch) -> None:
        raise RuntimeError("server closed the connection unexpectedly")

    monkeypatch.setattr(Watch, "poll", fail)
    app = WorkbenchApp(demo)
    app.LIVE_INTERVAL = 0.2
    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(app, pilot, 1.0)
        paused = [n for n in notes if n.message.startswith("Live updates paused")]
        assert [n.message for n in paused] == [
            "Live updates paused: server closed the connection unexpectedly"
        ]
        assert isinstance(app.screen, MainScreen)

"""A day of work in the TUI (issue 14): the bugs found at 80 × 24 and 200 × 50, reading and
moving through a transcript, choosing from the pickers, and the import dialog.

Expected positions (the start of a turn, of line 40, of a word) are computed here from the
stored rows and the text, not taken from the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.widgets._tabbed_content import ContentTabs

from tests.conftest import Targets
from tests.test_tui_coding import front, notes_hook, open_coding, select_with_keys, type_text
from tests.test_tui_screens import open_tab
from tests.test_tui_screens import settle as settle_main
from workbench.coding import lookups
from workbench.coding import segments as segment_ops
from workbench.project import db, settings
from workbench.project.models import Document, Segment, Turn
from workbench.project.target import ProjectTarget
from workbench.services import importing as import_service
from workbench.services import positions
from workbench.tui import WorkbenchApp
from workbench.tui.dialogs.common import Choice, CodePicker, KindPicker, rank, ranked
from workbench.tui.dialogs.forms import ImportDialog, MessageDialog, TextPrompt, TranscriptTree
from workbench.tui.panes.analysis import AnalysisPane
from workbench.tui.panes.codebook import CodebookPane
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.panels import CodeTree, FragmentsView
from workbench.tui.widgets.transcript import TranscriptArea

SIZE = (120, 40)
DOCUMENT = "market-day"


def fictional_transcript() -> str:
    """An invented interview of 80 lines, one speaker turn a line."""
    lines = []
    for number in range(1, 41):
        lines.append(f"Interviewer: What about the corner at stall {number}, who do you meet?")
        lines.append(
            f"Respondent: I talk about someone from the street, we share coffee at stall {number}."
        )
    return "\n".join(lines) + "\n"


TEXT = fictional_transcript()


@pytest.fixture
def day_path(
    targets: Targets, project_template: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ProjectTarget:
    """The shipped codebook (with "being welcome" above its child "welcome") and one invented
    transcript of 80 lines."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    source = tmp_path / f"{DOCUMENT}.txt"
    source.write_text(TEXT, encoding="utf-8")
    path = targets.copy(project_template)  # type: ignore[arg-type]
    project = db.open_project(path)
    try:
        import_service.import_files(project, [source], language="en", coder="tester")
    finally:
        project.dispose()
    return path


def turn_starts(path: ProjectTarget) -> list[int]:
    """Where each turn of the transcript starts, from the database."""
    project = db.open_project(path)
    try:
        with project.session() as session:
            document = lookups.find_document(session, DOCUMENT)
            return list(
                session.exec(
                    select(Turn.start).where(Turn.document_id == document.id).order_by(Turn.start)
                )
            )
    finally:
        project.dispose()


def line_start(number: int) -> int:
    """The offset of 1-based line ``number`` of :data:`TEXT`."""
    return sum(len(line) + 1 for line in TEXT.split("\n")[: number - 1])


async def settle(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    """Wait until the app is idle (debounce timers included)."""
    await settle_main(app, pilot)


def footer_line(app: WorkbenchApp) -> str:
    """The characters of the screen's last line (the footer), as composed on the screen."""
    strips = app.screen._compositor.render_strips()
    return strips[-1].text


# --- bugs --------------------------------------------------------------------------------------


async def test_a_refused_rename_leaves_the_tree_cursor_on_the_code(demo: ProjectTarget) -> None:
    app = WorkbenchApp(demo)
    notes: list[Notification] = []
    async with app.run_test(size=SIZE, message_hook=notes_hook(notes)) as pilot:
        await open_tab(app, pilot, "2")
        pane = app.screen.query_one(CodebookPane)
        tree = pane.query_one(CodeTree)
        names = [code.name for code in pane.codes]
        first, clash = names[0], names[3]
        tree.select_code(first)
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = clash
        await pilot.press("enter")
        await settle(app, pilot)
        assert any(n.severity == "error" and clash in n.message for n in notes)
        assert tree.current_name == first  # not on the code whose name clashed
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.query_one(Input).value == first


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_footer_ends_with_the_palette_key(
    day_path: ProjectTarget, size: tuple[int, int]
) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=size) as pilot:
        await open_coding(app, pilot, DOCUMENT)
        await settle(app, pilot)
        assert footer_line(app).rstrip().endswith("^p palette"), footer_line(app)
        # ... and after a redraw: a picker opened and closed, the search line opened and closed.
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.press("slash")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        app.screen.refresh(layout=True)
        await settle(app, pilot)
        assert footer_line(app).rstrip().endswith("^p palette"), footer_line(app)


async def test_the_search_line_offers_no_key_that_it_types(day_path: ProjectTarget) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        cursor = transcript.cursor_offset
        await pilot.press("slash")
        await settle(app, pilot)
        field = app.screen.query_one("#search-input", Input)
        assert app.focused is field
        shown = {
            (active.binding.key_display or active.binding.key)
            for active in app.screen.active_bindings.values()
            if active.binding.show
        }
        assert not shown & {"N", "/", "n", "c", "t", "."}, shown
        assert "N Previous" not in footer_line(app) and "/ Find" not in footer_line(app)
        await pilot.press("N", "slash", "n")
        await settle(app, pilot)
        assert field.value == "N/n"
        assert transcript.cursor_offset == cursor


async def test_the_import_tick_shows_as_soon_as_space_is_pressed(
    demo: ProjectTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text("Interviewer: Hello?\nRespondent: Hello.\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "1")
        await pilot.press("i")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        tree = dialog.query_one(TranscriptTree)
        await pilot.press("down")  # a.txt
        await settle(app, pilot)
        line = tree.cursor_line - tree.scroll_offset.y
        assert "✔" not in tree.render_line(line).text
        await pilot.press("space")
        await pilot.pause()
        assert tree.marked == {folder / "a.txt": None}
        assert "✔" in tree.render_line(line).text
        await pilot.press("space")
        await pilot.pause()
        assert "✔" not in tree.render_line(line).text


# --- reading and moving --------------------------------------------------------------------------


async def test_go_to_a_line(day_path: ProjectTarget) -> None:
    notes: list[Notification] = []
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE, message_hook=notes_hook(notes)) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        await type_text(pilot, "40")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert transcript.cursor_offset == line_start(40)
        assert transcript.cursor_location == (39, 0)
        top = transcript.scroll_offset.y
        assert (
            top
            <= transcript.wrapped_document.location_to_offset((39, 0)).y
            < top + (transcript.scrollable_content_region.height)
        )
        for bad in ("0", "81", "forty"):
            await pilot.press("ctrl+g")
            await settle(app, pilot)
            await type_text(pilot, bad)
            await pilot.press("enter")
            await settle(app, pilot)
            assert transcript.cursor_offset == line_start(40)
        warnings = [n.message for n in notes if n.severity == "warning"]
        assert len([w for w in warnings if "1–80" in w]) == 3


async def test_next_and_previous_speaker_turn(day_path: ProjectTarget) -> None:
    starts = turn_starts(day_path)
    assert len(starts) == 80
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        transcript.move_cursor(transcript.location_of(starts[5] + 7))
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert transcript.cursor_offset == starts[6]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert transcript.cursor_offset == starts[8]
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert transcript.cursor_offset == starts[7]
        transcript.move_cursor(transcript.location_of(starts[7] + 3))
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert transcript.cursor_offset == starts[7]  # first to the start of its own turn


async def test_a_transcript_reopens_where_it_was_left(day_path: ProjectTarget) -> None:
    before = db.open_project(day_path)
    try:
        from tests.conftest import dump

        rows_before = dump(before)
    finally:
        before.dispose()
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        assert transcript.cursor_offset == 0
        transcript.move_cursor((61, 5), center=True)
        await settle(app, pilot)
        top = transcript.scroll_offset.y
        assert top > 0
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        transcript = await open_coding(app, pilot, DOCUMENT)
        await settle(app, pilot)
        assert transcript.cursor_offset == line_start(62) + 5
        assert transcript.scroll_offset.y == top
    # After a restart too (the app quits with the transcript open).
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        await settle(app, pilot)
        assert transcript.cursor_offset == line_start(62) + 5
        transcript.move_cursor((20, 0))
        await settle(app, pilot)
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        await settle(app, pilot)
        assert transcript.cursor_offset == line_start(21)
        # A fragment opened from a list goes to the fragment, not to the remembered place.
        await pilot.press("escape")
        await settle(app, pilot)
        app.open_document(DOCUMENT, select=(line_start(70), line_start(70) + 11))
        await settle(app, pilot)
        assert app.screen.query_one(TranscriptArea).selected_span == (
            line_start(70),
            line_start(70) + 11,
        )
    # Kept for the user, outside the project: the project has not changed.
    after = db.open_project(day_path)
    try:
        from tests.conftest import dump

        assert dump(after) == rows_before
        remembered = positions.remembered(after, DOCUMENT)
        assert remembered is not None and remembered.cursor == line_start(70) + 11
    finally:
        after.dispose()


def test_a_bad_positions_file_is_ignored_and_rewritten(
    project: db.Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "state"
    monkeypatch.setenv(positions.ENVIRONMENT, str(folder))
    folder.mkdir()
    (folder / positions.FILE_NAME).write_bytes(b"\xff\x00 not json")
    assert positions.remembered(project, "anything") is None
    positions.remember(project, "anything", cursor=12, top=3)
    assert positions.remembered(project, "anything") == positions.Position(12, 3)
    assert positions.remembered(project, "another") is None


async def test_a_mouse_drag_snaps_to_whole_words(day_path: ProjectTarget) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        row = 1  # "Respondent: I talk about someone from the street, ..."
        line = TEXT.split("\n")[row]
        inside_about = line.index("about") + 2  # "ab|out"
        inside_street = line.index("street") + 3  # "str|eet"

        def cell(column: int) -> tuple[int, int]:
            where = transcript.wrapped_document.location_to_offset((row, column))
            region, content = transcript.region, transcript.content_region
            x = content.x - region.x + transcript.gutter_width + where.x
            y = content.y - region.y + where.y - transcript.scroll_offset.y
            return x, y

        await pilot.mouse_down(transcript, offset=cell(inside_about))
        await pilot.hover(transcript, offset=cell(inside_street))
        await pilot.mouse_up(transcript, offset=cell(inside_street))
        await settle(app, pilot)
        start = line_start(2) + line.index("about")
        end = line_start(2) + line.index("street") + len("street")
        assert transcript.selected_span == (start, end)
        assert TEXT[start:end] == "about someone from the street"

        # Dragged backwards: whole words too, the cursor at the start.
        await pilot.mouse_down(transcript, offset=cell(inside_street))
        await pilot.hover(transcript, offset=cell(inside_about))
        await pilot.mouse_up(transcript, offset=cell(inside_about))
        await settle(app, pilot)
        assert transcript.selected_span == (start, end)
        assert transcript.cursor_offset == start

        # A click without a drag only moves the cursor.
        await pilot.click(transcript, offset=cell(inside_about))
        await settle(app, pilot)
        assert transcript.selected_span is None
        assert transcript.cursor_offset == line_start(2) + inside_about


async def test_ctrl_shift_arrows_extend_the_selection_by_word(day_path: ProjectTarget) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        line = TEXT.split("\n")[1]
        start = line_start(2) + line.index("about")
        transcript.move_cursor(transcript.location_of(start))
        await pilot.press("ctrl+shift+right", "ctrl+shift+right")
        await settle(app, pilot)
        assert transcript.selected_span == (start, start + len("about someone"))
        await pilot.press("ctrl+shift+left")
        await settle(app, pilot)
        assert transcript.selected_span == (start, start + len("about "))


async def test_escape_clears_the_selection_before_it_closes_the_transcript(
    day_path: ProjectTarget,
) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        await select_with_keys(pilot, transcript, 13, 30)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert transcript.selected_span is None
        assert transcript.cursor_offset == 30
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)


async def test_analysis_says_where_the_focus_went_and_escape_leaves_the_query(
    demo: ProjectTarget,
) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(app, pilot, "4")
        pane = app.screen.query_one(AnalysisPane)
        table = pane.query_one("#cooccur-table", DataTable)
        fragments = pane.query_one(FragmentsView)
        assert app.focused is table
        await pilot.press("enter")  # the first code's own cell
        await settle(app, pilot)
        assert app.focused is fragments and fragments.listed is not None
        hint = str(pane.query_one("#cooccur-cell").render())
        assert "Esc" in hint and "Enter opens" in hint
        for _ in range(3):  # Tab goes between the table and the list, both on the screen
            await pilot.press("tab")
            await settle(app, pilot)
            focused = app.focused
            assert focused is not None and not isinstance(focused, ContentTabs)
            assert focused in (table, fragments)
            assert app.screen.find_widget(focused).region.area > 0
        await pilot.press("slash")
        await settle(app, pilot)
        query = pane.query_one("#query-input", Input)
        assert app.focused is query
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.focused is table and pane.mode == "cooccur"


# --- choosing ------------------------------------------------------------------------------------


def test_rank_puts_exact_then_prefix_then_word_then_substring_then_fuzzy() -> None:
    assert rank("welcome", "welcome") == rank("WELCOME", "Welcome")
    tiers = [
        rank("welc", "welcome"),  # a prefix
        rank("welc", "being welcome"),  # a word's prefix
        rank("elco", "welcome"),  # inside a word
        rank("wlcm", "welcome"),  # fuzzy
    ]
    assert rank("welc", "welc") is not None
    assert all(tier is not None for tier in tiers)
    assert rank("welc", "welc") < tiers[0] < tiers[1] < tiers[2] < tiers[3]  # type: ignore[operator]
    assert rank("xyz", "welcome") is None
    choices = [
        Choice(key="being welcome", name="being welcome"),
        Choice(key="feeling unwelcome", name="feeling unwelcome"),
        Choice(key="welcome", name="welcome"),
        Choice(key="welcome desk", name="welcome desk"),
    ]
    order = [choice.key for choice, _ in ranked("welc", choices)]
    assert order == ["welcome", "welcome desk", "being welcome", "feeling unwelcome"]
    assert [c.key for c, _ in ranked("welcome", choices)][0] == "welcome"
    # Other text (a kind's label, its description) matches after every name.
    park = Choice(key="park", name="park", search=("Park", "Parks, green spaces"))
    green = Choice(key="greengrocer", name="greengrocer")
    assert [c.key for c, _ in ranked("green", [park, green])] == ["greengrocer", "park"]
    assert [c.key for c, _ in ranked("spaces", [park, green])] == ["park"]


async def test_welc_codes_welcome_not_being_welcome(day_path: ProjectTarget) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        await select_with_keys(pilot, transcript, 13, 30)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(front(app), CodePicker)
        await type_text(pilot, "welc")
        await pilot.press("enter")
        await settle(app, pilot)
    project = db.open_project(day_path)
    try:
        with project.session() as session:
            document = lookups.find_document(session, DOCUMENT)
            ids = session.exec(
                select(Segment.id).where(Segment.document_id == document.id).order_by(Segment.id)
            ).all()
            views = [segment_ops.segment_view(session, segment_id) for segment_id in ids]
        assert [(v.start, v.end, v.codes) for v in views] == [(13, 30, ["welcome"])]
    finally:
        project.dispose()


async def test_the_kind_picker_finds_a_kind_by_its_description(day_path: ProjectTarget) -> None:
    app = WorkbenchApp(day_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, DOCUMENT)
        await select_with_keys(pilot, transcript, 13, 30)
        await pilot.press("p")
        await settle(app, pilot)
        await type_text(pilot, "The Little Wood")
        await pilot.press("enter")
        await settle(app, pilot)
        picker = front(app)
        assert isinstance(picker, KindPicker)
        await type_text(pilot, "green")
        await settle(app, pilot)
        options = picker.query_one("#picker-options")
        assert options.highlighted_option is not None  # type: ignore[attr-defined]
        assert options.highlighted_option.id == "park"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
    project = db.open_project(day_path)
    try:
        with project.session() as session:
            assert lookups.find_place(session, "The Little Wood").kind == "park"
    finally:
        project.dispose()


async def test_the_rename_field_starts_with_the_cursor_at_the_end(demo: ProjectTarget) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "2")
        tree = app.screen.query_one(CodeTree)
        name = tree.current_name
        assert name
        await pilot.press("r")
        await settle(app, pilot)
        field = app.screen.query_one(Input)
        assert field.selection.is_empty and field.cursor_position == len(name)
        await pilot.press("backspace")
        assert field.value == name[:-1]


# --- the import dialog ---------------------------------------------------------------------------


async def test_the_import_dialog_keeps_its_marks_and_marks_a_folder(
    demo: ProjectTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "interviews"
    (folder / "more").mkdir(parents=True)
    names = [f"interview-{n:02d}-fictional.txt" for n in range(1, 6)]
    for number, name in enumerate(names, 1):
        (folder / name).write_text(
            f"Interviewer: How was market day {number}?\nRespondent: Busy, day {number}.\n",
            encoding="utf-8",
        )
    (folder / "notes.csv").write_text("not a transcript\n", encoding="utf-8")
    (folder / "more" / "deeper.txt").write_text("Interviewer: And?\n", encoding="utf-8")
    # The demo's own first interview again under another file name: a refusal.
    demo_project = db.open_project(demo)
    try:
        with demo_project.session() as session:
            first = session.exec(select(Document).order_by(Document.id)).first()
            assert first is not None
            same_text, same_name = first.text, first.name
    finally:
        demo_project.dispose()
    (folder / f"{same_name}.txt").write_text(same_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "1")
        await pilot.press("i")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        tree = dialog.query_one(TranscriptTree)
        await pilot.press("down")  # the folder "interviews"
        await settle(app, pilot)
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.path == folder
        await pilot.press("a")  # every transcript in it (not the sub-folder's, not the csv)
        await settle(app, pilot)
        expected = sorted([*names, f"{same_name}.txt"])
        assert [path.name for path in tree.marked] == expected
        assert "6 files" in str(dialog.query_one("#import-marked").render())
        await pilot.press("a")  # again: all unmarked
        await settle(app, pilot)
        assert tree.marked == {}
        await pilot.press("a")
        await settle(app, pilot)

        # Esc, then i again: the marks are still there.
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportDialog)
        tree = app.screen.query_one(TranscriptTree)
        assert [path.name for path in tree.marked] == expected
        assert "6 files" in str(app.screen.query_one("#import-marked").render())

        # Refused (the same text is in the project): told what to do here, marks kept.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        message = app.screen.message
        assert "--name" not in message and "Name" in message and same_name in message
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        tree = app.screen.query_one(TranscriptTree)
        assert [path.name for path in tree.marked] == expected

        # Unmark the clash and import the rest: afterwards the dialog starts empty.
        tree.toggle(folder / f"{same_name}.txt")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("i")
        await settle(app, pilot)
        assert app.screen.query_one(TranscriptTree).marked == {}
    project = db.open_project(demo)
    try:
        with project.session() as session:
            stored = set(session.exec(select(Document.name)))
    finally:
        project.dispose()
    assert {name.removesuffix(".txt") for name in names} <= stored


async def test_a_clashing_file_is_imported_under_the_name_typed_in_the_dialog(
    demo: ProjectTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_project = db.open_project(demo)
    try:
        with demo_project.session() as session:
            first = session.exec(select(Document).order_by(Document.id)).first()
            assert first is not None
            same_name = first.name
    finally:
        demo_project.dispose()
    source = tmp_path / f"{same_name}.txt"
    source.write_text("Interviewer: A new talk?\nRespondent: Yes, a new one.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "1")
        await pilot.press("i")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one(TranscriptTree).toggle(source)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "--name" not in app.screen.message
        await pilot.press("escape")
        await pilot.press("i")
        await settle(app, pilot)
        app.screen.query_one("#import-name", Input).value = "second talk"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    project = db.open_project(demo)
    try:
        with project.session() as session:
            found = session.exec(select(Document.text).where(Document.name == "second talk")).all()
    finally:
        project.dispose()
    assert found == ["Interviewer: A new talk?\nRespondent: Yes, a new one.\n"]


def test_positions_are_kept_per_project_and_document(
    project: db.Project, targets: Targets, project_template: object
) -> None:
    other = db.open_project(targets.copy(project_template, "other"))  # type: ignore[arg-type]
    try:
        positions.remember(project, "P01", cursor=100, top=40)
        positions.remember(project, "P02", cursor=7, top=0)
        positions.remember(other, "P01", cursor=5, top=1)
        assert positions.remembered(project, "P01") == positions.Position(100, 40)
        assert positions.remembered(project, "P02") == positions.Position(7, 0)
        assert positions.remembered(other, "P01") == positions.Position(5, 1)
        with project.session() as session:
            assert settings.get(session, "positions") is None  # nothing in the shared project
    finally:
        other.dispose()

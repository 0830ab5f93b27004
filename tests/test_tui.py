"""The Textual app, driven with Pilot on a small project with hard text.

The transcript has non-ASCII text (é, ë, —, curly quotes) and two overlapping segments that
cross a line end. The key test renders the transcript's lines and checks that the characters
painted in each code's colour are exactly the stored spans (``document.text[start:end]``).
Every write is checked in the database through the core, not on the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color as RichColor
from sqlmodel import select
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.widgets.text_area import Selection

from tests.backends import Backend, Template
from tests.conftest import Targets
from tests.test_tui_screens import settle as settle_app
from workbench.coding import codes as code_ops
from workbench.coding import segments as segment_ops
from workbench.project import coders, db, settings
from workbench.project.models import Segment
from workbench.project.target import ProjectTarget
from workbench.services import importing as import_service
from workbench.tui import WorkbenchApp
from workbench.tui.dialogs.common import CodePicker
from workbench.tui.messages import SpanCoded
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.panels import DocumentsTable
from workbench.tui.widgets.transcript import TranscriptArea, display_text, pieces

TEXT = (
    "Interviewer: Where do you go in the évening?\n"
    "Respondent: To the café — “De Klup” on the corner.\n"
    "Interviewer: And is it welcoming?\n"
    "Respondent: Yes — the host, Zoë, knows everyone’s name.\n"
    "Interviewer: Thank you.\n"
    "Respondent: It’s my “second home”, really.\n"
)
DOC = "interview"
CODES = {"place use": "#5dade2", "welcome": "#e6a23c", "belonging": "#58d68d"}
#: Two segments that overlap ("“De Klup” … welcoming?") and cross line ends.
SPAN_A = (TEXT.index("café"), TEXT.index("welcoming?") + len("welcoming?"))
SPAN_B = (TEXT.index("“De Klup”"), TEXT.index("Zoë") + len("Zoë"))
SIZE = (120, 40)


@pytest.fixture(scope="module")
def template(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A project built once through the core: one document, three codes, two segments."""
    folder = tmp_path_factory.mktemp("tui")
    source = folder / f"{DOC}.txt"
    source.write_text(TEXT, encoding="utf-8")
    return backend.template("tui", folder, lambda path: _build(path, source))


def _build(path: ProjectTarget, source: Path) -> None:
    project = db.create_project(path)
    try:
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "en")
        import_service.import_files(project, [source], language="en", coder="tester")
        with project.transaction("codes", coder="tester") as session:
            for name, color in CODES.items():
                code_ops.add_code(session, name, color=color)
        for span, code in ((SPAN_A, "place use"), (SPAN_B, "welcome")):
            with project.transaction("code", coder="tester") as session:
                coder_id = coders.ensure(session, "tester").id
                assert coder_id is not None
                segment_ops.code_span(session, DOC, *span, [code], coder_id=coder_id)
    finally:
        project.dispose()


@pytest.fixture
def project_path(
    template: Template, targets: Targets, monkeypatch: pytest.MonkeyPatch
) -> ProjectTarget:
    """A fresh copy of the template project for one test; the TUI codes as "tester"."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    return targets.copy(template)


async def settle(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    """Wait until every worker is done, the write queue is empty and messages are handled
    (one helper for every TUI test: a worker replaced by a newer one is waited past)."""
    await settle_app(app, pilot)


async def open_document(app: WorkbenchApp, pilot: Pilot[None]) -> TranscriptArea:
    """From the documents table, open the first document in the coding view."""
    await settle(app, pilot)
    assert isinstance(app.screen, MainScreen)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, CodingScreen)
    return app.screen.query_one(TranscriptArea)


def segments_in_db(path: Path) -> dict[tuple[int, int], list[str]]:
    """Every segment of the project as (start, end) -> code names, read through the core."""
    project = db.open_project(path)
    try:
        with project.session() as session:
            rows = session.exec(select(Segment.id, Segment.start, Segment.end)).all()
            return {
                (start, end): segment_ops.segment_view(session, segment_id).codes
                for segment_id, start, end in rows
            }
    finally:
        project.dispose()


def painted(transcript: TranscriptArea) -> dict[int, tuple[str, frozenset[str], bool]]:
    """Render every line of the transcript; for each character offset on screen, the
    character drawn, the codes whose colour it is painted in, and whether it is bold."""
    assert transcript.scroll_offset.y == 0
    assert transcript.wrapped_document.height == transcript.document.line_count, "no wrap"
    by_background: dict[RichColor | None, frozenset[str]] = {}
    for names, name in transcript.piece_names.items():
        background = transcript.piece_styles[name].bgcolor
        assert background not in by_background, "two code sets share a colour"
        by_background[background] = names
    lines = TEXT.split("\n")
    offsets: dict[int, tuple[str, frozenset[str], bool]] = {}
    start = 0
    for row, line in enumerate(lines[:-1]):
        strip = transcript.render_line(row)
        cells = [(char, segment.style) for segment in list(strip) for char in segment.text][
            transcript.gutter_width :
        ]
        drawn = "".join(char for char, _ in cells[: len(line)])
        assert drawn == line, f"line {row + 1} is drawn as {drawn!r}"
        for column, (char, style) in enumerate(cells[: len(line)]):
            codes = by_background.get(style.bgcolor if style else None, frozenset())
            offsets[start + column] = (char, codes, bool(style and style.bold))
        start += len(line) + 1
    return offsets


# --- pure helpers ----------------------------------------------------------------------------


def test_display_text_keeps_every_offset() -> None:
    text = "a\x0cb\u2028c\x85d\re\tf\n"
    shown = display_text(text)
    assert len(shown) == len(text)
    assert shown.splitlines() == shown.split("\n")[:-1]
    assert shown == "a␌b↵c↵d␍e\tf\n"


def test_pieces_cut_overlaps() -> None:
    from workbench.services.reading import SegmentInfo

    a = SegmentInfo(1, 0, 10, ("x",), ("#ff0000",), ())
    b = SegmentInfo(2, 5, 15, ("y",), ("#00ff00",), ())
    got = [(p.start, p.end, sorted(p.codes)) for p in pieces([a, b])]
    assert got == [(0, 5, ["x"]), (5, 10, ["x", "y"]), (10, 15, ["y"])]
    masked = [(p.start, p.end) for p in pieces([a, b], mask=(3, 12))]
    assert masked == [(0, 3), (12, 15)]


# --- the app ---------------------------------------------------------------------------------


async def test_documents_table_opens_a_document_and_n_moves_between_segments(
    project_path: ProjectTarget,
) -> None:
    app = WorkbenchApp(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DocumentsTable)
        assert table.row_count == 1
        name, _cases, words, turns, segments, _attributes = table.get_row_at(0)
        assert name == DOC
        assert int(str(turns)) == 6
        assert int(str(segments)) == 2
        assert int(str(words).replace(",", "")) > 0

        transcript = await open_document(app, pilot)
        assert transcript.text == TEXT
        assert transcript.read_only
        assert transcript.border_title == DOC
        strip = transcript.render_line(1)
        assert "2  Respondent: To the café — “De Klup” on the corner." in strip.text

        # n and N move the cursor between segment starts.
        transcript.move_cursor((0, 0))
        await pilot.press("n")
        assert transcript.cursor_offset == SPAN_A[0]
        await pilot.press("n")
        assert transcript.cursor_offset == SPAN_B[0]
        await pilot.press("n")  # no further segment: the cursor stays
        assert transcript.cursor_offset == SPAN_B[0]
        await pilot.press("N")
        assert transcript.cursor_offset == SPAN_A[0]


async def test_highlights_on_screen_match_the_stored_offsets(project_path: ProjectTarget) -> None:
    """The key test: overlapping segments over non-ASCII text, read back from the screen."""
    app = WorkbenchApp(project_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_document(app, pilot)
        transcript.move_cursor((0, 0))
        await pilot.pause()
        screen = painted(transcript)
        stored = segments_in_db(project_path)
        assert stored == {SPAN_A: ["place use"], SPAN_B: ["welcome"]}
        for (start, end), (code,) in stored.items():
            offsets = sorted(o for o, (_, codes, _) in screen.items() if code in codes)
            expected = [o for o in range(start, end) if TEXT[o] != "\n"]
            assert offsets == expected, code
            # The characters painted in the code's colour, line by line, are the stored text.
            runs: list[str] = []
            for offset in offsets:
                if runs and offset - 1 in screen and code in screen[offset - 1][1]:
                    runs[-1] += screen[offset][0]
                else:
                    runs.append(screen[offset][0])
            assert "\n".join(runs) == TEXT[start:end]
        both = sorted(o for o, (_, codes, _) in screen.items() if len(codes) == 2)
        overlap = (max(SPAN_A[0], SPAN_B[0]), min(SPAN_A[1], SPAN_B[1]))
        assert both == [o for o in range(*overlap) if TEXT[o] != "\n"]
        # Speaker labels are bold, the speech after them is not.
        assert all(screen[o][2] for o in range(len("Interviewer:")))
        assert not screen[TEXT.index("Where")][2]


async def test_code_a_selection_then_undo_and_redo(project_path: ProjectTarget) -> None:
    app = WorkbenchApp(project_path)
    coded: list[SpanCoded] = []

    def hook(message: Message) -> None:
        if isinstance(message, SpanCoded):
            coded.append(message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        transcript = await open_document(app, pilot)
        start = TEXT.index("Zoë, knows")
        end = start + len("Zoë, knows")
        # Select as a mouse drag would (keyboard selection is tested below).
        transcript.selection = Selection(transcript.location_of(start), transcript.location_of(end))
        assert transcript.selected_text == "Zoë, knows"
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen.picker, CodePicker)  # type: ignore[attr-defined]
        await pilot.press("b", "l", "n", "g")  # fuzzy for "belonging"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.picker is None
        assert segments_in_db(project_path)[(start, end)] == ["belonging"]
        assert [(m.view.start, m.view.end, m.view.codes) for m in coded] == [
            (start, end, ["belonging"])
        ]
        # The screen shows it too, in the new code's colour.
        assert transcript.codes_at(start) == frozenset({"belonging", "welcome"})

        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert (start, end) not in segments_in_db(project_path)
        assert "belonging" not in transcript.codes_at(start)

        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert segments_in_db(project_path)[(start, end)] == ["belonging"]
        assert "belonging" in transcript.codes_at(start)


async def test_keyboard_selection_shows_and_a_cancelled_or_refused_code_writes_nothing(
    project_path: ProjectTarget,
) -> None:
    app = WorkbenchApp(project_path)
    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        transcript = await open_document(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)  # nothing selected: a warning, no picker
        assert app.screen.picker is None

        # A selection inside coded text is not hidden by the code colours.
        start = SPAN_B[0]
        transcript.move_cursor(transcript.location_of(start))
        await pilot.press(*["shift+right"] * 4)
        assert transcript.selected_span == (start, start + 4)
        screen = painted(transcript)
        assert all(not screen[o][1] for o in range(start, start + 4))
        # (start + 4 holds the cursor, drawn in its own style)
        assert screen[start + 5][1] == frozenset({"place use", "welcome"})

        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen.picker, CodePicker)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.picker is None
        assert set(segments_in_db(project_path)) == {SPAN_A, SPAN_B}

        # The core refuses a span of white space: its one-line error becomes a notification.
        space = TEXT.index("Yes —") + 3
        transcript.selection = Selection(
            transcript.location_of(space), transcript.location_of(space + 1)
        )
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        errors = [n for n in notes if n.severity == "error"]
        assert errors and "white space" in errors[-1].message
        assert set(segments_in_db(project_path)) == {SPAN_A, SPAN_B}
        # What was painted ahead of the refused write is gone from the screen again.
        assert {(s.start, s.end) for s in transcript.segments} == {SPAN_A, SPAN_B}

        # A read that fails (a document that is not there) is reported too. (Escape clears
        # the selection first, then goes back to the documents.)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        app.open_document("no such document")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert 'no document called "no such document"' in notes[-1].message


async def test_usable_at_80_by_24_with_help(project_path: ProjectTarget) -> None:
    app = WorkbenchApp(project_path)
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = await open_document(app, pilot)
        assert app.screen.has_class("-narrow")
        assert transcript.size.width >= 40
        assert transcript.size.height >= 15
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = " ".join(str(label.render()) for label in app.screen.query(".help-text"))
        for words in ("next segment", "Code the selected text", "Undo", "Quit"):
            assert words in help_text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0

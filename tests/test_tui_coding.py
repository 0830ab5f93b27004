"""The coding screen, driven with Pilot: whole coding sessions on the demo project and on a
real transcript of the dev corpus, the painted spans against the stored offsets, and each key.

Every step is checked in the database through the core (``segment_ops.segment_view``,
``memo_ops.memos_of``, ``lookups.find_place``, the table dump of ``conftest``), not on the
screen only. Expected values (the span of a sentence, the next segment's start) are computed
here from the stored rows, not taken from the screen.
"""

from __future__ import annotations

import contextlib
import gc
import weakref
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from sqlmodel import select
from textual.app import App, ComposeResult
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Footer, Input, OptionList, TextArea
from textual.widgets.text_area import Selection
from textual.worker import WorkerCancelled

from tests.conftest import CORPUS, Targets, dump, needs_corpus
from workbench.coding import codes as code_ops
from workbench.coding import listings, lookups
from workbench.coding import memos as memo_ops
from workbench.coding import segments as segment_ops
from workbench.errors import InvalidValue
from workbench.project import coders, db, settings
from workbench.project.models import Document, Memo, Segment, Sentence, Turn
from workbench.project.target import ProjectTarget
from workbench.services import importing as import_service
from workbench.tui import WorkbenchApp
from workbench.tui.dialogs.common import (
    CodePicker,
    ConfirmDialog,
    FuzzyPicker,
    KindPicker,
    MemoDialog,
    PlacePicker,
)
from workbench.tui.screens.coding import CodingScreen, SuggestionPanel
from workbench.tui.widgets.transcript import UNCODED, TranscriptArea

SIZE = (120, 40)
CORPUS_FILE = CORPUS / "P01_male_24_Newham.txt"


# --- projects ------------------------------------------------------------------------------


@pytest.fixture
def corpus_path(project: db.Project, monkeypatch: pytest.MonkeyPatch) -> ProjectTarget:
    """The shipped codebook's project with one real interview of the dev corpus."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    import_service.import_files(project, [CORPUS_FILE], language="en", coder="tester")
    path = project.target
    project.dispose()
    return path


HARD_TEXT = (
    "Interviewer: Where do you go in the évening?\n"
    "Respondent: To the café — “De Klup” on the corner.\n"
    "Interviewer: And is it welcoming?\n"
    "Respondent: Yes — the host, Zoë, knows everyone’s name.\n"
    "Interviewer: Thank you.\n"
    "Respondent: It’s my “second home”, really.\n"
)


@pytest.fixture
def hard_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, targets: Targets) -> ProjectTarget:
    """A project with one short transcript full of non-ASCII text, and three codes."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    source = tmp_path / "hard.txt"
    source.write_text(HARD_TEXT, encoding="utf-8")
    path = targets.new("hard")
    project = db.create_project(path)
    try:
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "en")
        import_service.import_files(project, [source], language="en", coder="tester")
        with project.transaction("codes", coder="tester") as session:
            for name, color in (("place use", "#5dade2"), ("welcome", "#e6a23c")):
                code_ops.add_code(session, name, color=color)
    finally:
        project.dispose()
    return path


def read(path: ProjectTarget) -> db.Project:
    """Open a project for checking (the caller disposes of it)."""
    return db.open_project(path)


def view_of(
    path: ProjectTarget, document: str, start: int, end: int
) -> segment_ops.SegmentView | None:
    """The segment over exactly ``start``..``end``, as the core reports it, or None."""
    project = read(path)
    try:
        with project.session() as session:
            doc = lookups.find_document(session, document)
            segment_id = session.exec(
                select(Segment.id).where(
                    Segment.document_id == doc.id, Segment.start == start, Segment.end == end
                )
            ).first()
            return None if segment_id is None else segment_ops.segment_view(session, segment_id)
    finally:
        project.dispose()


def segment_memos(path: ProjectTarget, segment_id: int) -> list[str]:
    """The texts of the memos on a segment, through the core."""
    project = read(path)
    try:
        with project.session() as session:
            return [memo.text for memo in memo_ops.memos_of(session, segment_id=segment_id)]
    finally:
        project.dispose()


def state(path: ProjectTarget) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the project but the change log and the coders (a coder is added on first
    use and not taken away by undo)."""
    project = read(path)
    try:
        return dump(project, skip=("coder",))
    finally:
        project.dispose()


def free_sentence(
    path: ProjectTarget, document: str, *, shortest: int = 15, longest: int = 70
) -> tuple[int, int]:
    """A stored sentence of ``document`` on one line that no segment touches."""
    project = read(path)
    try:
        with project.session() as session:
            doc = lookups.find_document(session, document)
            spans = session.exec(
                select(Segment.start, Segment.end).where(Segment.document_id == doc.id)
            ).all()
            for start, end in session.exec(
                select(Sentence.start, Sentence.end)
                .where(Sentence.document_id == doc.id)
                .order_by(Sentence.start)
            ):
                text = doc.text[start:end]
                if (
                    shortest <= len(text) <= longest
                    and "\n" not in text
                    and text == text.strip()
                    and not any(s < end and start < e for s, e in spans)
                ):
                    return start, end
    finally:
        project.dispose()
    raise AssertionError(f"no free sentence in {document}")


# --- driving the app -----------------------------------------------------------------------


async def settle(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    """Wait until every worker is done, the write queue is empty and messages are handled."""
    for _ in range(100):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):  # replaced by a newer read: fine
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.busy and not any(w.is_running for w in app.workers):
            return
    raise AssertionError("the app did not settle")


async def open_coding(app: WorkbenchApp, pilot: Pilot[None], name: str) -> TranscriptArea:
    """Open ``name`` in the coding screen and wait until it is shown."""
    await settle(app, pilot)
    app.open_document(name)
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    assert screen.document is not None and screen.document.name == name
    return screen.query_one(TranscriptArea)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key."""
    await pilot.press(*["space" if char == " " else char for char in text])


async def select_with_keys(
    pilot: Pilot[None], transcript: TranscriptArea, start: int, end: int
) -> None:
    """Put the cursor at ``start`` and select up to ``end`` with shift+right."""
    transcript.move_cursor(transcript.location_of(start))
    await pilot.pause()
    await pilot.press(*["shift+right"] * (end - start))
    assert transcript.selected_span == (start, end)


def front(app: WorkbenchApp) -> object:
    """What has the keys: the picker open over the coding screen, else the screen in front
    (a dialog or the coding screen itself)."""
    picker = getattr(app.screen, "picker", None)
    return picker if picker is not None else app.screen


def notes_hook(notes: list[Notification]):  # type: ignore[no-untyped-def]
    """A message hook that collects notifications."""

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    return hook


# --- a whole coding session ----------------------------------------------------------------


async def coding_session(path: ProjectTarget, document: str) -> None:
    """Select, code with a new and an existing code, link a new place, memo, remove a code,
    undo, redo, next segment: each step checked in the database."""
    start, end = free_sentence(path, document)
    app = WorkbenchApp(path)
    notes: list[Notification] = []
    async with app.run_test(size=SIZE, message_hook=notes_hook(notes)) as pilot:
        transcript = await open_coding(app, pilot, document)
        await select_with_keys(pilot, transcript, start, end)

        # c + a new name: the code is created and applied in one change.
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(front(app), CodePicker)
        await type_text(pilot, "tui new code")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(front(app), CodingScreen)
        view = view_of(path, document, start, end)
        assert view is not None and view.codes == ["tui new code"]
        project = read(path)
        try:
            with project.session() as session:
                code = lookups.find_code(session, "tui new code")
                assert listings.code_tree(session)[-1]["name"] == code.name
        finally:
            project.dispose()
        # The selection stays, so the next keys work on the same passage.
        assert transcript.selected_span == (start, end)
        assert "tui new code" in transcript.codes_at(start)

        # c + an existing code.
        await pilot.press("c")
        await settle(app, pilot)
        await type_text(pilot, "welcome")
        await pilot.press("enter")
        await settle(app, pilot)
        view = view_of(path, document, start, end)
        assert view is not None and view.codes == ["tui new code", "welcome"]

        # p + a new place: its kind is asked ("other" offered first), then it is linked.
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(front(app), PlacePicker)
        await type_text(pilot, "Tui Corner Shop")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(front(app), KindPicker)
        await pilot.press("enter")
        await settle(app, pilot)
        view = view_of(path, document, start, end)
        assert view is not None and view.places == ["Tui Corner Shop"]
        project = read(path)
        try:
            with project.session() as session:
                place = lookups.find_place(session, "Tui Corner Shop")
                assert (place.kind, place.status) == ("other", "existing")
        finally:
            project.dispose()

        # m: a memo on the segment.
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(front(app), MemoDialog)
        await type_text(pilot, "first reading")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(path, view.segment) == ["first reading"]
        assert transcript.selected_span == (start, end)

        # x: a picker over the codes and places here; take "welcome" off.
        before_x = state(path)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(front(app), FuzzyPicker)
        await type_text(pilot, "welcome")
        await pilot.press("enter")
        await settle(app, pilot)
        after_x = state(path)
        view = view_of(path, document, start, end)
        assert view is not None and view.codes == ["tui new code"]
        assert view.places == ["Tui Corner Shop"]
        assert "welcome" not in transcript.codes_at(start)

        # ctrl+z: exactly the state before x; ctrl+y: exactly the state after it.
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert state(path) == before_x
        assert "welcome" in transcript.codes_at(start)
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert state(path) == after_x
        assert "welcome" not in transcript.codes_at(start)

        # n: the cursor goes to the start of the next segment (computed from the database).
        here = transcript.cursor_offset
        project = read(path)
        try:
            with project.session() as session:
                doc = lookups.find_document(session, document)
                starts = session.exec(
                    select(Segment.start).where(Segment.document_id == doc.id, Segment.start > here)
                ).all()
        finally:
            project.dispose()
        await pilot.press("n")
        await pilot.pause()
        if starts:
            assert transcript.cursor_offset == min(starts)
        else:
            assert transcript.cursor_offset == here
        assert not [n for n in notes if n.severity == "error"]


async def test_a_whole_coding_session_on_the_demo(demo: ProjectTarget) -> None:
    await coding_session(demo, "interview-01-hatert")


@needs_corpus
async def test_a_whole_coding_session_on_a_real_transcript(corpus_path: ProjectTarget) -> None:
    await coding_session(corpus_path, CORPUS_FILE.stem)


# --- what is painted is what is stored -----------------------------------------------------


def painted(transcript: TranscriptArea, text: str) -> dict[int, tuple[str, frozenset[str]]]:
    """Render every line; for each character offset, the character drawn and the set of codes
    whose colour it is painted in (by the background colour of the cell)."""
    assert transcript.scroll_offset.y == 0
    assert transcript.wrapped_document.height == transcript.document.line_count, "no wrap"
    by_background: dict[RichColor | None, frozenset[str]] = {}
    for names, name in transcript.piece_names.items():
        background = transcript.piece_styles[name].bgcolor
        assert background not in by_background, "two code sets share a colour"
        by_background[background] = names
    offsets: dict[int, tuple[str, frozenset[str]]] = {}
    start = 0
    for row, line in enumerate(text.split("\n")[:-1]):
        strip = transcript.render_line(row)
        cells = [(char, segment.style) for segment in list(strip) for char in segment.text][
            transcript.gutter_width :
        ]
        drawn = "".join(char for char, _ in cells[: len(line)])
        assert drawn == line, f"line {row + 1} is drawn as {drawn!r}"
        for column, (char, style) in enumerate(cells[: len(line)]):
            background = style.bgcolor if style else None
            offsets[start + column] = (char, by_background.get(background, frozenset()))
        start += len(line) + 1
    return offsets


async def test_spans_coded_with_keys_are_painted_at_their_stored_offsets(
    hard_path: ProjectTarget,
) -> None:
    """Code overlapping spans over é, —, curly quotes through the keys, link a place to a third
    span, then read the colours back from the rendered lines: each code's characters are
    exactly ``text[start:end]`` of its stored segments (character offsets, not bytes)."""
    text = HARD_TEXT
    span_a = (text.index("café"), text.index("welcoming?") + len("welcoming?"))
    span_b = (text.index("“De Klup”"), text.index("Zoë") + len("Zoë"))
    span_c = (text.index("“second home”"), text.index("“second home”") + len("“second home”"))
    app = WorkbenchApp(hard_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, "hard")
        for span, code in ((span_a, "place use"), (span_b, "welcome")):
            transcript.selection = Selection(
                transcript.location_of(span[0]), transcript.location_of(span[1])
            )
            await pilot.press("c")
            await settle(app, pilot)
            await type_text(pilot, code)
            await pilot.press("enter")
            await settle(app, pilot)
        await select_with_keys(pilot, transcript, *span_c)
        await pilot.press("p")
        await settle(app, pilot)
        await type_text(pilot, "Home")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")  # the kind
        await settle(app, pilot)
        transcript.move_cursor((0, 0))
        await pilot.pause()

        project = read(hard_path)
        try:
            with project.session() as session:
                stored = {
                    (s.start, s.end): segment_ops.segment_view(session, s.id)  # type: ignore[arg-type]
                    for s in session.exec(select(Segment))
                }
        finally:
            project.dispose()
        assert set(stored) == {span_a, span_b, span_c}
        assert stored[span_c].codes == [] and stored[span_c].places == ["Home"]

        screen = painted(transcript, text)
        expected: dict[str, set[int]] = {}
        for (start, end), view in stored.items():
            for name in view.codes or [UNCODED]:
                expected.setdefault(name, set()).update(
                    o for o in range(start, end) if text[o] != "\n"
                )
        for name, offsets in expected.items():
            got = {o for o, (_, codes) in screen.items() if name in codes}
            assert got == offsets, name
            # Read back line by line, the painted characters are the stored text.
            runs: list[str] = []
            for offset in sorted(got):
                if runs and offset - 1 in got:
                    runs[-1] += screen[offset][0]
                else:
                    runs.append(screen[offset][0])
            whole = [
                text[start:end]
                for (start, end), v in stored.items()
                if name in (v.codes or [UNCODED])
            ]
            assert "\n".join(runs) == "\n".join(whole), name
        overlap = range(max(span_a[0], span_b[0]), min(span_a[1], span_b[1]))
        both = {o for o, (_, codes) in screen.items() if codes == {"place use", "welcome"}}
        assert both == {o for o in overlap if text[o] != "\n"}
        # The other characters are not painted at all.
        painted_at = {o for o, (_, codes) in screen.items() if codes}
        assert painted_at == set().union(*expected.values())


# --- the keys one by one -------------------------------------------------------------------


async def test_sentence_and_turn_keys_select_the_stored_units(demo: ProjectTarget) -> None:
    document = "interview-01-hatert"
    project = read(demo)
    try:
        with project.session() as session:
            doc = lookups.find_document(session, document)
            text = doc.text
            sentences = session.exec(
                select(Sentence.start, Sentence.end)
                .where(Sentence.document_id == doc.id)
                .order_by(Sentence.start)
            ).all()
            turns = session.exec(
                select(Turn.text_start, Turn.end)
                .where(Turn.document_id == doc.id)
                .order_by(Turn.start)
            ).all()
    finally:
        project.dispose()
    # The first turn with three sentences or more, and the turn after it.
    number = next(
        i
        for i, (turn_start, turn_end) in enumerate(turns[:-1])
        if sum(turn_start <= s < turn_end for s, _ in sentences) >= 3
    )
    turn_start, turn_end = turns[number]
    inside = [(s, e) for s, e in sentences if turn_start <= s < turn_end]

    def strip(start: int, end: int) -> tuple[int, int]:
        piece = text[start:end]
        return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, document)
        middle = (inside[1][0] + inside[1][1]) // 2
        transcript.move_cursor(transcript.location_of(middle))
        await pilot.press("full_stop")
        assert transcript.selected_span == strip(*inside[1])
        await pilot.press("full_stop")  # again: the next sentence is added
        assert transcript.selected_span == (strip(*inside[1])[0], strip(*inside[2])[1])
        await pilot.press("right")  # drop the selection
        transcript.move_cursor(transcript.location_of(middle))
        await pilot.press("t")
        assert transcript.selected_span == strip(turn_start, turn_end)
        await pilot.press("t")  # again: up to the end of the next turn
        both = (strip(turn_start, turn_end)[0], strip(*turns[number + 1])[1])
        assert transcript.selected_span == both
        assert transcript.selected_text == text[both[0] : both[1]]


async def test_keys_without_a_selection_work_on_the_segment_under_the_cursor(
    hard_path: ProjectTarget,
) -> None:
    """c adds a code to the segment under the cursor; with two overlapping segments there a
    picker asks which; x with one code asks to confirm; m edits and deletes a memo."""
    text = HARD_TEXT
    span_a = (text.index("café"), text.index("welcoming?") + len("welcoming?"))
    span_b = (text.index("“De Klup”"), text.index("Zoë") + len("Zoë"))
    project = db.open_project(hard_path)
    try:
        for span, code in ((span_a, "place use"), (span_b, "welcome")):
            with project.transaction("code", coder="tester") as session:
                coder_id = coders.ensure(session, "tester").id
                assert coder_id is not None
                segment_ops.code_span(session, "hard", *span, [code], coder_id=coder_id)
    finally:
        project.dispose()
    notes: list[Notification] = []
    app = WorkbenchApp(hard_path)
    async with app.run_test(size=SIZE, message_hook=notes_hook(notes)) as pilot:
        transcript = await open_coding(app, pilot, "hard")

        # Only segment A under the cursor: c codes it, no question asked.
        transcript.move_cursor(transcript.location_of(span_a[0] + 1))
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(front(app), CodePicker)
        await type_text(pilot, "welcome")
        await pilot.press("enter")
        await settle(app, pilot)
        view = view_of(hard_path, "hard", *span_a)
        assert view is not None and view.codes == ["place use", "welcome"]

        # Both segments under the cursor: which one?
        transcript.move_cursor(transcript.location_of(span_b[0] + 1))
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(front(app), FuzzyPicker) and not isinstance(front(app), CodePicker)
        choices = [choice.key for choice in front(app).choices]
        segment_b = view_of(hard_path, "hard", *span_b)
        assert segment_b is not None
        assert sorted(choices) == sorted([str(view.segment), str(segment_b.segment)])
        await pilot.press(*["down"] * choices.index(str(segment_b.segment)))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(front(app), MemoDialog)
        await type_text(pilot, "why here")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(hard_path, segment_b.segment) == ["why here"]

        # Past segment A's end only segment B lies under the cursor. It has a memo, so m
        # offers it (highlighted) and "a new memo": Enter edits it.
        transcript.move_cursor(transcript.location_of(span_a[1] + 2))
        await pilot.press("m")
        await settle(app, pilot)
        picker = front(app)
        assert isinstance(picker, FuzzyPicker)
        assert [choice.name for choice in picker.choices] == ["why here", "+ a new memo"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(front(app), MemoDialog)
        memo_area = app.screen.query_one(TextArea)
        assert memo_area.text == "why here"
        await pilot.press("space", "n", "o", "w")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(hard_path, segment_b.segment) == ["why here now"]

        # "a new memo" writes a second one; then the second is picked and edited alone.
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == ""
        await type_text(pilot, "second thought")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(hard_path, segment_b.segment) == ["why here now", "second thought"]
        await pilot.press("m")
        await settle(app, pilot)
        await type_text(pilot, "second")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "second thought"
        app.screen.query_one(TextArea).text = "second thought, edited"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(hard_path, segment_b.segment) == [
            "why here now",
            "second thought, edited",
        ]

        # An emptied memo is deleted, the other stays.
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one(TextArea).text = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(hard_path, segment_b.segment) == ["second thought, edited"]
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one(TextArea).text = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert segment_memos(hard_path, segment_b.segment) == []

        # x with one code here: a question; "n" leaves everything, "y" removes the code.
        before = state(hard_path)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(front(app), ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert state(hard_path) == before
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert view_of(hard_path, "hard", *span_b) is None  # no code, place or memo left

        # Nothing under the cursor and nothing selected: a warning, no dialog.
        transcript.move_cursor((0, 0))
        for key in ("c", "p", "m", "x"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(front(app), CodingScreen), key
        assert sum(n.severity == "warning" for n in notes) >= 4
        assert not [n for n in notes if n.severity == "error"]


async def test_cancelled_dialogs_write_nothing(demo: ProjectTarget) -> None:
    document = "interview-03-bemmel"
    start, end = free_sentence(demo, document)
    before = state(demo)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, document)
        await select_with_keys(pilot, transcript, start, end)
        for key, dialog in (("c", CodePicker), ("p", PlacePicker), ("m", MemoDialog)):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(front(app), dialog)
            await type_text(pilot, "abc")
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(front(app), CodingScreen)
        # A new place whose kind is not chosen is not created.
        await pilot.press("p")
        await settle(app, pilot)
        await type_text(pilot, "Nowhere")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(front(app), KindPicker)
        await pilot.press("escape")
        await settle(app, pilot)
    assert state(demo) == before


async def test_the_code_picker_offers_to_create_only_a_new_name(hard_path: ProjectTarget) -> None:
    app = WorkbenchApp(hard_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, "hard")
        await select_with_keys(pilot, transcript, 0, 5)
        await pilot.press("c")
        await settle(app, pilot)
        picker = front(app)
        assert isinstance(picker, CodePicker)

        def offered() -> list[str | None]:
            options = picker.query_one("#picker-options")
            return [options.get_option_at_index(i).id for i in range(options.option_count)]  # type: ignore[attr-defined]

        assert offered() == ["place use", "welcome"]  # the tree, no "create" yet
        await type_text(pilot, "WELCOME")  # an existing name in other case: no "create"
        assert offered() == ["welcome"]
        picker.query_one(Input).value = "wel"
        await pilot.pause()
        assert offered()[0] == "welcome" and offered()[-1] == "\x00create"
        picker.query_one(Input).value = "zzz"
        await pilot.pause()
        assert offered() == ["\x00create"]
        await pilot.press("escape")


async def test_the_pickers_open_on_the_code_and_the_place_used_last(demo: ProjectTarget) -> None:
    """A day's coding applies one code many times: the code picker opens on the code picked
    last, in this document or another, so ``c`` Enter codes with it again; the place picker
    likewise for ``p`` Enter. Before anything was picked, they open on their first choice."""
    first, second = "interview-03-bemmel", "interview-05-nijmegen-oost"
    code, place = "routine", "Buurthuis De Meiboom"
    done: list[tuple[str, int, int]] = []
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        for document, typed in ((first, True), (first, False), (second, False)):
            if not done or done[-1][0] != document:
                while isinstance(app.screen, CodingScreen):  # back to the documents
                    await pilot.press("escape")
                    await settle(app, pilot)
                transcript = await open_coding(app, pilot, document)
            start, end = free_sentence(demo, document)
            await select_with_keys(pilot, transcript, start, end)
            for key, picker_type, name in (("c", CodePicker, code), ("p", PlacePicker, place)):
                await pilot.press(key)
                await settle(app, pilot)
                picker = front(app)
                assert isinstance(picker, picker_type)
                options = picker.query_one("#picker-options", OptionList)
                highlighted = options.highlighted_option
                assert highlighted is not None
                if typed:
                    assert highlighted.id == picker.choices[0].key != name
                    await type_text(pilot, name)
                else:
                    assert highlighted.id == name
                await pilot.press("enter")
                await settle(app, pilot)
                assert isinstance(front(app), CodingScreen)
            done.append((document, start, end))
    for document, start, end in done:
        view = view_of(demo, document, start, end)
        assert view is not None, (document, start, end)
        assert (view.codes, view.places) == ([code], [place])


async def test_a_closed_picker_is_let_go(demo: ProjectTarget) -> None:
    """Pickers are widgets of the coding screen, one per code or place applied: once closed
    and replaced by the next, nothing may keep them. (Textual's ``Input`` subscribes to its
    screen's selection signal and never unsubscribes, so every picker's field stayed alive:
    600 codings in one session left some 40,000 more objects on the heap per hundred.)"""
    document = "interview-03-bemmel"
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, document)
        start, end = free_sentence(demo, document)
        await select_with_keys(pilot, transcript, start, end)
        fields = []
        for _ in range(3):
            await pilot.press("c")
            await settle(app, pilot)
            picker = front(app)
            assert isinstance(picker, CodePicker)
            fields.append(weakref.ref(picker.query_one(Input)))
            await pilot.press("escape")
            await settle(app, pilot)
            assert transcript.selected_span == (start, end)
        del picker
        gc.collect()
        # The last picker stays, hidden, until the next one opens.
        assert [field() is not None for field in fields] == [False, False, True]


async def test_search_marks_the_matches_and_enter_walks_through_them(demo: ProjectTarget) -> None:
    """The core's search as typed: case ignored, also inside longer words. The matches are
    compared with a plain scan of the text written here."""
    document = "interview-01-hatert"
    word = "Koffie"
    project = read(demo)
    try:
        with project.session() as session:
            text = lookups.find_document(session, document).text
    finally:
        project.dispose()
    expected = []
    at = text.lower().find(word.lower())
    while at != -1:
        expected.append((at, at + len(word)))
        at = text.lower().find(word.lower(), at + 1)
    assert len(expected) >= 2, "the demo interview mentions koffie more than once"
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, document)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        transcript.move_cursor(transcript.location_of(expected[0][0] + 1))  # past the first
        await pilot.press("slash")
        await type_text(pilot, word)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.matches == tuple(expected)
        assert transcript.matches == tuple(expected)  # all painted
        assert transcript.selected_span == expected[1]  # the first one after the cursor
        await pilot.press("enter")  # Enter again: the next one (round to the first at the end)
        assert transcript.selected_span == (expected + expected[:1])[2]
        await pilot.press("up")
        assert transcript.selected_span == expected[1]
        await pilot.press("escape")  # closes the search line, not the screen
        await pilot.pause()
        assert isinstance(front(app), CodingScreen)
        assert transcript.has_focus and transcript.matches == tuple(expected)
        await pilot.press("f3")
        assert transcript.selected_span == (expected + expected[:1])[2]
        # Nothing found: said so, nothing painted.
        await pilot.press("slash")
        await pilot.press("ctrl+a")
        await type_text(pilot, "zzqx")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.matches == () and transcript.matches == ()


async def test_suggestions_are_accepted_and_rejected_one_by_one(demo: ProjectTarget) -> None:
    from workbench.analysis import suggest
    from workbench.text import lemmas

    document = "interview-02-lindenholt"
    project = read(demo)
    try:
        lemmas.index_project(project)
        with project.session() as session:
            offered = suggest.suggest(session, document=document)
    finally:
        project.dispose()
    # The core ranks them; the coding screen goes through them in the order of the text.
    offered.sort(key=lambda s: (s.start, s.end, s.kind, s.target))
    assert len(offered) >= 3, "the demo gives suggestions for this interview"
    app = WorkbenchApp(demo)
    notes: list[Notification] = []
    async with app.run_test(size=SIZE, message_hook=notes_hook(notes)) as pilot:
        transcript = await open_coding(app, pilot, document)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await pilot.press("s")
        await settle(app, pilot)
        panel = screen.query_one(SuggestionPanel)
        assert panel.display and panel.has_focus
        assert [s.id for s in screen.suggestions] == [s.id for s in offered]
        first, second = offered[0], offered[1]
        assert transcript.selected_span == (first.start, first.end)
        before = state(demo)
        await pilot.press("r")  # reject: nothing written, the next one shown
        await settle(app, pilot)
        assert state(demo) == before
        assert transcript.selected_span == (second.start, second.end)
        await pilot.press("a")  # accept: written through the core
        await settle(app, pilot)
        view = view_of(demo, document, second.start, second.end)
        assert view is not None
        assert second.target in (view.codes if second.kind == "code" else view.places)
        assert [s.id for s in screen.suggestions] == [s.id for s in offered[2:]]
        assert transcript.selected_span == (offered[2].start, offered[2].end)
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.display and isinstance(front(app), CodingScreen)
        # Opened again: the rejected one stays away, the accepted one is done.
        await pilot.press("s")
        await settle(app, pilot)
        shown = {s.id for s in screen.suggestions}
        assert first.id not in shown and second.id not in shown
        assert offered[2].id in shown
        # ctrl+z undoes the accepted suggestion.
        await pilot.press("escape")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert state(demo) == before
        assert not [n for n in notes if n.severity == "error"]


async def test_every_key_has_an_id_and_a_tooltip_and_help_lists_them(
    hard_path: ProjectTarget,
) -> None:
    for binding in CodingScreen.BINDINGS:
        assert binding.id and binding.id.startswith("coding."), binding  # type: ignore[union-attr]
        assert binding.tooltip, binding  # type: ignore[union-attr]
    app = WorkbenchApp(hard_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_coding(app, pilot, "hard")
        # At 80 columns the footer still shows the help key, inside the screen.
        footer = app.screen.query_one(Footer)
        keys = {key.key: key for key in footer.query("FooterKey")}  # type: ignore[attr-defined]
        assert "question_mark" in keys
        assert keys["question_mark"].region.right <= 80
        await pilot.press("question_mark")
        await pilot.pause()
        shown = " ".join(str(label.render()) for label in app.screen.query(".help-text"))
        for words in (
            "Code the selected text",
            "place",
            "memo",
            "Remove a code",
            "sentence",
            "turn",
            "Search this document",
            "suggestions",
            "next segment",
            "Undo",
        ):
            assert words in shown, words


# --- the core functions added for the memo dialog ------------------------------------------


def test_update_and_delete_memo_are_undoable(hard_path: ProjectTarget) -> None:
    from workbench.project import changelog

    project = db.open_project(hard_path)
    try:
        with project.transaction("code", coder="tester") as session:
            coder_id = coders.ensure(session, "tester").id
            assert coder_id is not None
            view = segment_ops.code_span(session, "hard", 0, 11, ["welcome"], coder_id=coder_id)
            memo_id = memo_ops.add_memo(
                session, "segment", str(view.segment), "one", coder_id=coder_id
            ).id
        with project.transaction("memo", coder="tester") as session:
            memo_ops.update_memo(session, memo_id, "  two  ")  # type: ignore[arg-type]
        with project.session() as session:
            assert session.get(Memo, memo_id).text == "two"  # type: ignore[union-attr]
        with project.session() as session, pytest.raises(InvalidValue):
            memo_ops.update_memo(session, memo_id, "   ")  # type: ignore[arg-type]
        with project.transaction("memo", coder="tester") as session:
            memo_ops.delete_memo(session, memo_id)  # type: ignore[arg-type]
        with project.session() as session:
            assert session.get(Memo, memo_id) is None
            assert session.get(Segment, view.segment) is not None  # still coded
        with project.transaction("undo", record=False) as session:
            changelog.undo(session)
        with project.session() as session:
            assert session.get(Memo, memo_id).text == "two"  # type: ignore[union-attr]
        with project.transaction("undo", record=False) as session:
            changelog.undo(session)
        with project.session() as session:
            assert session.get(Memo, memo_id).text == "one"  # type: ignore[union-attr]
            assert session.exec(select(Document.name)).all() == ["hard"]
    finally:
        project.dispose()


# --- the paragraph cache draws what Textual draws ------------------------------------------


class _OneTranscript(App[None]):
    """A bare app with one transcript, to compare rows at a narrow width."""

    def compose(self) -> ComposeResult:
        yield TranscriptArea(id="transcript")


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """A rendered row as (character, style) per cell, whatever its segments."""
    return [(char, segment.style) for segment in strip for char in segment.text]


async def test_paragraph_rows_are_drawn_as_textual_draws_them() -> None:
    """Every row of the transcript, rendered a paragraph at a time, equals the row Textual's
    own ``TextArea._render_line`` draws: with codes over wrapped lines, a tab, an empty line,
    the cursor, a selection over several lines and one inside a line, with and without focus."""
    text = HARD_TEXT.replace("Thank you.", "Thank\tyou.") + "\n" + HARD_TEXT
    from workbench.services.reading import SegmentInfo, TurnSpan

    segments = (
        SegmentInfo(1, text.index("café"), text.index("corner"), ("a",), ("#5dade2",), ()),
        SegmentInfo(2, text.index("“De"), text.index("Zoë"), ("b",), ("#e6a23c",), ()),
        SegmentInfo(3, text.index("Thank"), text.index("really"), (), (), ("Home",)),
    )
    # The researcher named the speaker: not the label the text writes, so the margin shows it.
    turns = (TurnSpan(0, len("Interviewer: "), 44, "Ann"),)
    app = _OneTranscript()
    async with app.run_test(size=(34, 60)) as pilot:
        transcript = app.query_one(TranscriptArea)
        transcript.show_document(text, turns, segments)
        transcript.show_matches([(text.index("corner"), text.index("corner") + 6)])
        await pilot.pause()
        assert transcript.wrapped_document.height > transcript.document.line_count  # wraps

        async def compare(label: str) -> None:
            await pilot.pause()
            height = min(transcript.size.height, transcript.wrapped_document.height)
            # Textual leaves the speaker margin blank: the row of a turn's start differs
            # there (its speaker is drawn), every other cell is Textual's.
            margin = transcript.margin_width
            assert margin == len("Ann") + 1
            for y in range(height):
                ours = transcript._render_line(y)
                theirs = TextArea._render_line(transcript, y)
                if y == 0:
                    assert "".join(c for c, _ in cells(ours)[:margin]) == "Ann "
                    assert cells(ours)[margin:] == cells(theirs)[margin:], f"{label}: row {y}"
                else:
                    assert cells(ours) == cells(theirs), f"{label}: row {y}"
            assert transcript._sections, "the rows came from the paragraph cache"

        await compare("cursor at the start, not focused")
        transcript.focus()
        transcript.move_cursor(transcript.location_of(text.index("host")))
        await compare("cursor in a coded line, focused")
        transcript.selection = Selection(
            transcript.location_of(text.index("welcoming")),
            transcript.location_of(text.index("Thank")),
        )
        await compare("a selection over several lines and an empty one")
        transcript.selection = Selection(
            transcript.location_of(text.index("Zoë")), transcript.location_of(text.index("Zoë") + 3)
        )
        await compare("a selection inside a line")
        transcript.show_segments(segments[:1])
        await compare("after the segments changed")


async def test_the_mouse_selects_by_dragging_and_a_click_shows_a_segment(
    hard_path: ProjectTarget,
) -> None:
    """A drag selects the characters under it (then ``c`` codes exactly them); a click on a
    coded span lists its segment in the Here panel."""
    text = HARD_TEXT
    start = text.index("Zoë")
    end = start + len("Zoë, knows")
    app = WorkbenchApp(hard_path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, "hard")

        def at(offset: int) -> tuple[int, int]:
            """The widget-relative cell of a character (lines do not wrap at this size)."""
            row, column = transcript.location_of(offset)
            content = transcript.content_region.offset - transcript.region.offset
            return content.x + transcript.gutter_width + column, content.y + row

        await pilot.mouse_down(transcript, offset=at(start))
        await pilot.hover(transcript, offset=at(end))
        await pilot.mouse_up(transcript, offset=at(end))
        await pilot.pause()
        assert transcript.selected_span == (start, end)
        await pilot.press("c")
        await settle(app, pilot)
        await type_text(pilot, "welcome")
        await pilot.press("enter")
        await settle(app, pilot)
        view = view_of(hard_path, "hard", start, end)
        assert view is not None and view.codes == ["welcome"]

        await pilot.click(transcript, offset=at(text.index("Klup")))
        await pilot.pause()
        assert transcript.selected_span is None
        assert transcript.cursor_offset == text.index("Klup")
        here = str(app.screen.query_one("#here").render())
        assert "no segment here" in here
        await pilot.click(transcript, offset=at(start + 2))
        await pilot.pause()
        assert transcript.cursor_offset == start + 2
        here = str(app.screen.query_one("#here").render())
        assert f"#{view.segment}" in here and "welcome" in here

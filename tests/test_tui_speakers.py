"""The speaker keys of the coding screen, driven with Pilot: the margin shows each turn's
speaker; ``S`` sets the speaker of the turn under the cursor, ``R`` renames its speaker in
the document, ``T`` splits the turn at the cursor, ``J`` joins it to the turn before it, and
ctrl+z undoes each. Every step is checked in the database through the core, and the
segments, codings and memos are checked to stay exactly as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.conftest import Targets, dump
from tests.test_tui_coding import front, open_coding, settle, type_text
from workbench.coding import speakers as speaker_ops
from workbench.project import db, settings
from workbench.project.target import ProjectTarget
from workbench.services import coding as coding_service
from workbench.services import importing as import_service
from workbench.tui import WorkbenchApp
from workbench.tui.dialogs.common import FuzzyPicker
from workbench.tui.dialogs.forms import TextPrompt
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.widgets.transcript import TranscriptArea

SIZE = (120, 30)

# A fictional interview, written for these tests.
TEXT = (
    "Speaker 1: Where do you go when you want company?\n"
    "Speaker 2: To the community centre on Tuesdays. The volunteers there know my name.\n"
    "Speaker 1: And before the centre opened?\n"
    "Speaker 2: There was a bakery on the square. It closed, and I miss it.\n"
    "Speaker 1: Thank you.\n"
)
ORIGINAL = ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2", "Speaker 1"]


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, targets: Targets) -> ProjectTarget:
    """A project with the interview, a segment over two turns, and a memo."""
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    source = tmp_path / "visit.txt"
    source.write_text(TEXT, encoding="utf-8")
    target = targets.new("speakers")
    project = db.create_project(target)
    try:
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "en")
        import_service.import_files(project, [source], language="en", coder="tester")
        start, end = TEXT.index("The volunteers"), TEXT.index("And before")
        view = coding_service.code_span(project, "visit", start, end, ["welcome"], create=True)
        coding_service.add_memo(project, "segment", str(view.segment), "Known by name.")
    finally:
        project.dispose()
    return target


def turns(target: ProjectTarget) -> list[tuple[str | None, int, int]]:
    """(speaker, start, end) of every turn, through the core."""
    project = db.open_project(target)
    try:
        with project.session() as session:
            return [(t.speaker, t.start, t.end) for t in speaker_ops.list_turns(session, "visit")]
    finally:
        project.dispose()


def coding_rows(target: ProjectTarget) -> dict[str, list[tuple[Any, ...]]]:
    """The segments, codings and memos (and the document): what the keys must not touch."""
    project = db.open_project(target)
    try:
        tables = dump(project)
    finally:
        project.dispose()
    return {name: tables[name] for name in ("document", "segment", "coding", "memo", "code")}


def line_starts() -> list[int]:
    starts = [0]
    for line in TEXT.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


def drawn(transcript: TranscriptArea, row: int) -> str:
    """The characters drawn on the first screen line of a row (a line) of the text."""
    assert transcript.scroll_offset.y == 0
    strip = transcript.render_line(transcript._screen_lines(row).start)
    return "".join(segment.text for segment in strip)


def margin_text(transcript: TranscriptArea, row: int) -> str:
    """The characters of the speaker margin drawn on a row of the transcript."""
    return drawn(transcript, row)[: transcript.margin_width]


async def put_cursor(transcript: TranscriptArea, offset: int) -> None:
    transcript.move_cursor(transcript.location_of(offset))


async def test_the_margin_shows_each_turns_speaker(path: ProjectTarget) -> None:
    app = WorkbenchApp(path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, "visit")
        # The transcript writes every speaker at the start of the turn: no margin.
        assert transcript.margin == {}
        assert transcript.margin_width == 0
        # Speakers named by the researcher differ from the written labels: the margin
        # shows them.
        for word, name in (("company", "Interviewer"), ("community", "Mrs W.")):
            await put_cursor(transcript, TEXT.index(word))
            await pilot.press("R")
            await settle(app, pilot)
            assert isinstance(app.screen, TextPrompt)
            app.screen.query_one(Input).value = name
            await pilot.press("enter")
            await settle(app, pilot)
        named = ["Interviewer" if s == "Speaker 1" else "Mrs W." for s in ORIGINAL]
        assert transcript.margin == dict(enumerate(named))
        assert transcript.margin_width == len("Interviewer") + 1
        for row, speaker in enumerate(named):
            shown = drawn(transcript, row)
            # The speaker, then the line number, then the line itself.
            assert shown.startswith(f"{speaker:<{transcript.margin_width}}{row + 1}  ")
            line = TEXT.split("\n")[row]
            assert shown[transcript.gutter_width :].startswith(line[:40])
        # Mouse and cursor maths go through the wider gutter: a click on "community" lands
        # on its offset.
        content = transcript.content_region.offset - transcript.region.offset
        column = TEXT.index("community") - line_starts()[1]
        cell = (content.x + transcript.gutter_width + column, content.y + 1)
        await pilot.click(transcript, offset=cell)
        await pilot.pause()
        assert transcript.cursor_offset == TEXT.index("community")


async def test_set_split_join_rename_and_undo_with_keys(path: ProjectTarget) -> None:
    rows = coding_rows(path)
    original = turns(path)
    assert [speaker for speaker, _, _ in original] == ORIGINAL
    app = WorkbenchApp(path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, "visit")
        screen = app.screen
        assert isinstance(screen, CodingScreen)

        # S on turn 2: a picker of the document's speakers; a new name typed is set.
        await put_cursor(transcript, TEXT.index("community"))
        await pilot.press("S")
        await settle(app, pilot)
        picker = front(app)
        assert isinstance(picker, FuzzyPicker)
        assert [choice.name for choice in picker.choices] == ["Speaker 1", "Speaker 2"]
        await type_text(pilot, "Mrs W.")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert [t[0] for t in turns(path)] == [
            "Speaker 1",
            "Mrs W.",
            "Speaker 1",
            "Speaker 2",
            "Speaker 1",
        ]
        assert transcript.margin[1] == "Mrs W."
        assert margin_text(transcript, 1).rstrip() == "Mrs W."
        assert coding_rows(path) == rows

        # T at "The volunteers": the turn splits there; the new turn keeps the speaker.
        volunteers = TEXT.index("The volunteers")
        await put_cursor(transcript, volunteers)
        await pilot.press("T")
        await settle(app, pilot)
        after_split = turns(path)
        assert len(after_split) == 6
        assert after_split[1] == ("Mrs W.", line_starts()[1], volunteers - 1)
        assert after_split[2] == ("Mrs W.", volunteers, line_starts()[2] - 1)
        assert screen.document is not None and len(screen.document.turns) == 6
        assert coding_rows(path) == rows

        # J on the bakery turn (now turn 5): it joins turn 4, whose speaker it takes.
        await put_cursor(transcript, TEXT.index("bakery"))
        await pilot.press("J")
        await settle(app, pilot)
        after_join = turns(path)
        assert len(after_join) == 5
        assert after_join[3] == ("Speaker 1", line_starts()[2], line_starts()[4] - 1)
        assert 3 not in transcript.margin  # the joined turn's row has no speaker of its own
        assert coding_rows(path) == rows

        # R on turn 1: rename "Speaker 1" in the document.
        await put_cursor(transcript, TEXT.index("company"))
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "Interviewer"
        await pilot.press("enter")
        await settle(app, pilot)
        assert [t[0] for t in turns(path)] == [
            "Interviewer",
            "Mrs W.",
            "Mrs W.",
            "Interviewer",
            "Interviewer",
        ]
        assert transcript.margin[0] == "Interviewer"
        assert transcript.margin_width == len("Interviewer") + 1
        assert margin_text(transcript, 0).rstrip() == "Interviewer"

        # ctrl+z four times: rename, join, split and set are undone, one at a time.
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert turns(path) == after_join
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert turns(path) == after_split
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert [t[0] for t in turns(path)][1] == "Mrs W." and len(turns(path)) == 5
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert turns(path) == original
        # The screen read the turns again after each undo: the margin is as at first.
        assert transcript.margin == {}  # every speaker written in the text again
        assert screen.document is not None
        assert [t.speaker for t in screen.document.turns] == ORIGINAL
        assert coding_rows(path) == rows


async def test_split_in_the_label_is_refused_and_changes_nothing(path: ProjectTarget) -> None:
    original = turns(path)
    app = WorkbenchApp(path)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, "visit")
        await put_cursor(transcript, line_starts()[1] + 3)  # inside "Speaker 2: "
        await pilot.press("T")
        await settle(app, pilot)
        await put_cursor(transcript, TEXT.index("company"))
        await pilot.press("J")  # turn 1 has no turn before it
        await settle(app, pilot)
        assert turns(path) == original
        assert transcript.margin == {}

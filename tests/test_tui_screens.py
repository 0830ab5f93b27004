"""The project screens of the TUI (documents, codebook, places, analysis, export, palette),
driven with Pilot on the demo project.

Every write is checked in the database (through the core's finders or plain selects), and every
number shown is checked against a brute-force count written here, not against the analysis
module that produced it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from workbench.coding import lookups
from workbench.coding import segments as segment_ops
from workbench.project import coders, db
from workbench.project.models import (
    Code,
    Coding,
    Document,
    Place,
    PlaceAlias,
    Segment,
    SegmentPlace,
    Turn,
)
from workbench.project.target import ProjectTarget
from workbench.project.target import stem as target_stem
from workbench.services.project import open_project
from workbench.tui import WorkbenchApp
from workbench.tui.commands import palette_commands
from workbench.tui.dialogs.common import ConfirmDialog, PickerScreen
from workbench.tui.dialogs.export import ExportDialog
from workbench.tui.dialogs.forms import (
    CodeForm,
    ColourDialog,
    ImportDialog,
    MessageDialog,
    NewCodeForm,
    PlaceForm,
    TextPrompt,
)
from workbench.tui.panes.analysis import AnalysisPane, HeatTable
from workbench.tui.panes.codebook import CodebookPane
from workbench.tui.panes.documents import DocumentsPane, ImportProgressed
from workbench.tui.panes.places import AreasTable, PlacesPane
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.main import TABS, MainScreen
from workbench.tui.widgets.panels import CodeTree, DocumentsTable, FragmentsView, PlacesTable
from workbench.tui.widgets.transcript import TranscriptArea

SIZE = (120, 40)


async def settle(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    """Wait until debounce timers fired, every worker is done, the write queue is empty and
    the messages are handled."""
    for _ in range(100):
        await pilot.pause(0.15)
        # (A directory tree's loader is a worker that waits for work as long as it lives.)
        workers = [w for w in app.workers if w.group != "_loader"]
        try:
            if workers:  # (an empty list would mean "all workers")
                await app.workers.wait_for_complete(workers)
        except (WorkerCancelled, WorkerFailed):
            continue
        await pilot.pause()
        if not app.busy and not any(w.is_running for w in workers):
            return
    raise AssertionError("the app did not settle")


def rows(path: ProjectTarget, query: sa.Select) -> list[tuple]:  # type: ignore[type-arg]
    """Rows of a plain select on the project file."""
    project = db.open_project(path)
    try:
        with project.session() as session:
            return [tuple(row) for row in session.execute(query).all()]
    finally:
        project.dispose()


def coded(path: ProjectTarget) -> dict[str, set[int]]:
    """Code name → ids of the segments coded with it (any coder)."""
    out: dict[str, set[int]] = {}
    for name, segment_id in rows(
        path, select(Code.name, Coding.segment_id).join(Coding, Coding.code_id == Code.id)
    ):
        out.setdefault(name, set()).add(segment_id)
    return out


def spans(path: ProjectTarget) -> dict[int, tuple[int, int, int]]:
    """Segment id → (document id, start, end)."""
    return {
        sid: (doc, start, end)
        for sid, doc, start, end in rows(
            path, select(Segment.id, Segment.document_id, Segment.start, Segment.end)
        )
    }


def overlapping(path: ProjectTarget, a: str, b: str) -> tuple[int, set[int]]:
    """Brute force: n(A,B) in the overlap scope (pairs (s, t) of segments coded A and B in one
    document sharing a character, (s, s) counted once) and the segments taking part."""
    by_code, where = coded(path), spans(path)
    pairs: set[tuple[int, int]] = set()
    members: set[int] = set()
    for s in by_code.get(a, set()):
        for t in by_code.get(b, set()):
            (ds, s0, s1), (dt, t0, t1) = where[s], where[t]
            if ds == dt and s0 < t1 and t0 < s1:
                pairs.add((s, t))
                members |= {s, t}
    return len(pairs), members


async def open_tab(app: WorkbenchApp, pilot: Pilot[None], key: str) -> None:
    """Open the app, wait for the project, press a tab's key."""
    await settle(app, pilot)
    assert isinstance(app.screen, MainScreen)
    await pilot.press(key)
    await settle(app, pilot)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type text as keys."""
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def parent_of(path: ProjectTarget, name: str) -> str | None:
    """The name of a code's parent, read through the core."""
    project = db.open_project(path)
    try:
        with project.session() as session:
            code = lookups.find_code(session, name)
            parent = session.get(Code, code.parent_id) if code.parent_id else None
            return parent.name if parent else None
    finally:
        project.dispose()


def fragment_ids(view: FragmentsView) -> list[int]:
    """The segment ids a fragment list shows, in order."""
    assert view.listed is not None
    return [fragment.segment for fragment in view.listed.fragments]


# --- codebook --------------------------------------------------------------------------------


async def test_codebook_add_rename_recolour_edit_and_move(demo: ProjectTarget) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "2")
        pane = app.screen.query_one(CodebookPane)
        tree = pane.query_one(CodeTree)
        assert app.screen.focused is tree

        # a: a new code, beside the code under the cursor (a top-level code: at the top).
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, NewCodeForm)
        await type_text(pilot, "tea time")
        await pilot.press("enter")
        await settle(app, pilot)
        assert parent_of(demo, "tea time") is None
        assert tree.current_name == "tea time"  # the cursor follows the new code

        # r: rename it.
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.query_one(Input).value == "tea time"
        await pilot.press("ctrl+u")
        await type_text(pilot, "coffee time")
        await pilot.press("enter")
        await settle(app, pilot)
        assert rows(demo, select(Code.name).where(Code.name.in_(["tea time", "coffee time"]))) == [
            ("coffee time",)
        ]
        assert tree.current_name == "coffee time"

        # k: a typed colour.
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, ColourDialog)
        await type_text(pilot, "#1A2b3c")
        await pilot.press("enter")
        await settle(app, pilot)
        assert rows(demo, select(Code.color).where(Code.name == "coffee time")) == [("#1a2b3c",)]

        # e: the definition, every field.
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CodeForm)
        form = app.screen
        await type_text(pilot, "Koffietijd")  # the label field has the focus
        form.query_one("#code-description", TextArea).text = "Drinking coffee together."
        form.query_one("#code-inclusion", TextArea).text = "a shared cup"
        form.query_one("#code-exclusion", TextArea).text = "coffee alone"
        form.query_one("#code-example", TextArea).text = "We drink coffee at ten."
        form.query_one("#code-keywords", Input).value = "koffie, coffee,  "
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        code = rows(
            demo,
            select(
                Code.label,
                Code.description,
                Code.inclusion,
                Code.exclusion,
                Code.example,
                Code.keywords,
            ).where(Code.name == "coffee time"),
        )[0]
        assert code[:5] == (
            "Koffietijd",
            "Drinking coffee together.",
            "a shared cup",
            "coffee alone",
            "We drink coffee at ten.",
        )
        assert json.loads(code[5]) == ["koffie", "coffee"]
        detail = str(pane.query_one("#code-detail").render())
        # Saved, but not shown: the demo's codebook is Dutch and the interface English (its
        # labels show in a Dutch interface, see tests/test_i18n.py).
        assert "Koffietijd" not in detail and "Use when: a shared cup" in detail

        # M: move it under "contact" (picked by typing).
        await pilot.press("M")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await type_text(pilot, "contact")
        await pilot.press("enter")
        await settle(app, pilot)
        assert parent_of(demo, "coffee time") == "contact"

        # ctrl+z undoes the move (one change), the code is back at the top.
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert parent_of(demo, "coffee time") is None


async def test_codebook_merge_moves_the_codings_and_undo_restores_them(demo: ProjectTarget) -> None:
    before = coded(demo)
    source, target = "atmosphere", "welcome"
    assert before[source] and before[target]
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "2")
        tree = app.screen.query_one(CodeTree)
        assert tree.select_code(source)
        await settle(app, pilot)
        assert tree.current_name == source
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await type_text(pilot, target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        after = coded(demo)
        assert source not in after
        assert after[target] == before[target] | before[source]
        assert tree.current_name == target

        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert coded(demo) == before


async def test_a_codes_fragments_and_enter_opens_the_transcript_there(demo: ProjectTarget) -> None:
    code = "host role"
    expected = coded(demo)[code]
    where = spans(demo)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "2")
        tree = app.screen.query_one(CodeTree)
        tree.select_code(code)
        await settle(app, pilot)
        view = app.screen.query_one("#code-fragments", FragmentsView)
        listed = fragment_ids(view)
        assert set(listed) == expected and len(listed) == len(expected)
        # Ordered by document name, then start.
        names = dict(rows(demo, select(Document.id, Document.name)))
        keys = [(names[where[s][0]], where[s][1]) for s in listed]
        assert keys == sorted(keys)

        await pilot.press("enter")  # from the tree to the fragments
        assert app.screen.focused is view
        await pilot.press("down", "down")
        chosen = view.current
        assert chosen is not None and chosen.segment == listed[2]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document_name == names[where[chosen.segment][0]]
        transcript = app.screen.query_one(TranscriptArea)
        # The fragment is selected (start to end), its end (the cursor) in view.
        assert transcript.selected_span == where[chosen.segment][1:]
        assert transcript.region.contains(*transcript.cursor_screen_offset)


# --- places ----------------------------------------------------------------------------------


async def test_places_add_edit_with_aliases_and_a_places_fragments(demo: ProjectTarget) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "3")
        pane = app.screen.query_one(PlacesPane)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, PlaceForm)
        form = app.screen
        await type_text(pilot, "Bankje bij de vijver")
        form.query_one("#place-kind", Select).value = "park"
        form.query_one("#place-neighbourhood", Input).value = "Lindenholt"
        form.query_one("#place-municipality", Input).value = "Nijmegen"
        form.query_one("#place-aliases", Input).value = "het bankje, de bank"
        form.query_one("#place-latitude", Input).value = "51.82"
        form.query_one("#place-longitude", Input).value = "5,79"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        project = db.open_project(demo)
        try:
            with project.session() as session:
                place = lookups.find_place(session, "Bankje bij de vijver")
                assert (place.kind, place.status, place.neighbourhood) == (
                    "park",
                    "existing",
                    "Lindenholt",
                )
                assert (place.latitude, place.longitude) == (51.82, 5.79)
                assert lookups.find_place(session, "het bankje").id == place.id
        finally:
            project.dispose()
        table = pane.query_one(PlacesTable)
        assert table.current_name == "Bankje bij de vijver"

        # e: now lost, one alias dropped and one added, renamed.
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, PlaceForm)
        form.query_one("#place-status", Select).value = "lost"
        form.query_one("#place-aliases", Input).value = "het bankje, de oude bank"
        form.query_one("#place-name", Input).value = "Oud bankje bij de vijver"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        found = rows(
            demo,
            select(Place.name, Place.status).where(Place.name.like("%bankje bij de vijver")),
        )
        assert found == [("Oud bankje bij de vijver", "lost")]
        aliases = rows(
            demo,
            select(PlaceAlias.alias)
            .join(Place, Place.id == PlaceAlias.place_id)
            .where(Place.name == "Oud bankje bij de vijver")
            .order_by(PlaceAlias.alias),
        )
        assert aliases == [("de oude bank",), ("het bankje",)]

        # A place's fragments: the segments linked to it.
        name = "Café ’t Hoekje"
        linked = {
            s
            for (s,) in rows(
                demo,
                select(SegmentPlace.segment_id)
                .join(Place, Place.id == SegmentPlace.place_id)
                .where(Place.name == name),
            )
        }
        assert table.select_name(name)
        await settle(app, pilot)
        view = pane.query_one(FragmentsView)
        assert set(fragment_ids(view)) == linked and len(linked) > 1


async def test_area_summary_counts_places_by_status_and_kind(demo: ProjectTarget) -> None:
    places = rows(demo, select(Place.neighbourhood, Place.municipality, Place.status, Place.kind))
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "3")
        await pilot.press("s")
        await settle(app, pilot)
        table = app.screen.query_one(AreasTable)
        assert app.screen.focused is table
        areas = {(n, m) for n, m, _, _ in places}
        assert table.row_count == len(areas)
        for row in range(table.row_count):
            area, count, lost, missed, wished, *_rest, kinds = table.get_row_at(row)
            neighbourhood, municipality = str(area).split(", ")
            mine = [p for p in places if p[:2] == (neighbourhood, municipality)]
            shown = [int(str(v)) if str(v) != "·" else 0 for v in (count, lost, missed, wished)]
            assert shown == [
                len(mine),
                sum(p[2] == "lost" for p in mine),
                sum(p[2] == "missed" for p in mine),
                sum(p[2] == "wished" for p in mine),
            ]
            for kind in {p[3] for p in mine}:
                assert f"{kind} {sum(p[3] == kind for p in mine)}" in str(kinds)
        detail = str(app.screen.query_one("#place-detail").render())
        assert "By kind:" in detail


# --- analysis --------------------------------------------------------------------------------


def pick_pair(path: ProjectTarget) -> tuple[str, str, int, set[int]]:
    """A pair of different codes that overlap in several segments (brute force)."""
    by_code = coded(path)
    best: tuple[str, str, int, set[int]] | None = None
    names = sorted(n for n, s in by_code.items() if s)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            n, members = overlapping(path, a, b)
            if n >= 2 and (best is None or n > best[2]):
                best = (a, b, n, members)
    assert best is not None, "the demo has overlapping codes"
    return best


def cell_text(table: HeatTable, row: int, column: int) -> str:
    """The text of a table cell, without padding."""
    return str(table.get_cell_at((row, column))).strip()  # type: ignore[arg-type]


async def test_cooccurrence_cell_lists_its_fragments_and_enter_jumps_to_one(
    demo: ProjectTarget,
) -> None:
    a, b, n_ab, members = pick_pair(demo)
    where = spans(demo)
    names = dict(rows(demo, select(Document.id, Document.name)))
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "4")
        pane = app.screen.query_one(AnalysisPane)
        table = pane.query_one("#cooccur-table", HeatTable)
        assert app.screen.focused is table
        row, column = pane.names.index(a), pane.names.index(b) + 1
        # The cell shows c; with "b" it shows n, the brute-force count.
        n_a, n_b = len(coded(demo)[a]), len(coded(demo)[b])
        c = n_ab / (n_a + n_b - n_ab)
        assert cell_text(table, row, column) in (f"{c:.2f}".lstrip("0"), f"{c:.1f}!", "1.0")
        await pilot.press("b")
        assert cell_text(table, row, column) == str(n_ab)
        assert cell_text(table, column - 1, row + 1) == str(n_ab)  # symmetric

        table.move_cursor(row=row, column=column)
        await pilot.pause()
        line = str(pane.query_one("#cooccur-cell").render())
        assert f"{a} × {b}: n = {n_ab}" in line
        await pilot.press("enter")
        await settle(app, pilot)
        view = pane.query_one(FragmentsView)
        listed = fragment_ids(view)
        assert set(listed) == members and len(listed) == len(members)
        assert app.screen.focused is view
        await pilot.press("down")
        chosen = view.current
        assert chosen is not None and chosen.segment == listed[1]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document_name == names[where[chosen.segment][0]]
        assert app.screen.query_one(TranscriptArea).selected_span == where[chosen.segment][1:]


def unit_count(path: ProjectTarget, a: str, b: str) -> int:
    """Brute force: the turns that share a character with a segment coded A and with one
    coded B."""
    by_code, where = coded(path), spans(path)
    turns = rows(path, select(Turn.document_id, Turn.start, Turn.end))

    def touches(turn: tuple[int, int, int], segments: Iterable[int]) -> bool:
        doc, start, end = turn
        return any(
            where[s][0] == doc and where[s][1] < end and start < where[s][2] for s in segments
        )

    return sum(1 for t in turns if touches(t, by_code[a]) and touches(t, by_code[b]))


async def test_scope_key_counts_in_turns(demo: ProjectTarget) -> None:
    a, b, _n, _members = pick_pair(demo)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "4")
        pane = app.screen.query_one(AnalysisPane)
        await pilot.press("b", "s")  # show n; overlap -> turn
        await settle(app, pilot)
        assert pane.scope == "turn"
        table = pane.query_one("#cooccur-table", HeatTable)
        assert "turns" in str(table.columns[table.coordinate_to_cell_key((0, 0)).column_key].label)
        row, column = pane.names.index(a), pane.names.index(b) + 1
        assert cell_text(table, row, column) == str(unit_count(demo, a, b))
        bar = str(pane.query_one("#analysis-bar").render())
        assert "scope turn" in bar


async def test_matrix_cell_counts_and_lists_segments(demo: ProjectTarget) -> None:
    by_code = coded(demo)
    links: dict[str, set[int]] = {}
    for name, segment_id in rows(
        demo,
        select(Place.name, SegmentPlace.segment_id).join(
            SegmentPlace, SegmentPlace.place_id == Place.id
        ),
    ):
        links.setdefault(name, set()).add(segment_id)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "4")
        await pilot.press("m")
        await settle(app, pilot)
        pane = app.screen.query_one(AnalysisPane)
        table = pane.query_one("#matrix-table", HeatTable)
        assert app.screen.focused is table
        assert pane.matrix is not None
        checked = 0
        for row, code in enumerate(pane.matrix_rows):
            for column, place in enumerate(pane.matrix.cols, 1):
                n = len(by_code.get(code, set()) & links.get(place, set()))
                assert cell_text(table, row, column) == (str(n) if n else "·")
                checked += n > 0
        assert checked > 3
        code = pane.matrix_rows[0]
        place = next(p for p in pane.matrix.cols if by_code[code] & links.get(p, set()))
        table.move_cursor(row=0, column=pane.matrix.cols.index(place) + 1)
        await pilot.press("enter")
        await settle(app, pilot)
        assert set(fragment_ids(pane.query_one(FragmentsView))) == by_code[code] & links[place]


async def test_query_box_lists_fragments_and_shows_an_error_at_its_column(
    demo: ProjectTarget,
) -> None:
    by_code = coded(demo)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "4")
        pane = app.screen.query_one(AnalysisPane)
        await pilot.press("slash")
        await settle(app, pilot)
        box = pane.query_one("#query-input", Input)
        assert app.screen.focused is box
        await type_text(pilot, "welcome & !weak-ties")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "weak-ties" not in by_code  # the code is "weak ties": an unknown name...
        error = pane.query_one("#query-error")
        assert error.display  # ...so the query is refused, with the column of the name
        assert "column 12" in str(error.render())

        box.value = ""
        await type_text(pilot, 'welcome & !"weak ties"')
        await pilot.press("enter")
        await settle(app, pilot)
        expected = by_code["welcome"] - by_code["weak ties"]
        assert not error.display
        assert set(fragment_ids(pane.query_one(FragmentsView))) == expected

        box.value = ""
        await type_text(pilot, "welcome & & stigma")
        await pilot.press("enter")
        await settle(app, pilot)
        assert error.display
        shown = str(error.render()).splitlines()
        assert shown[0] == "welcome & & stigma"
        assert shown[1].index("^") == 10  # under the second "&", column 11
        assert "column 11" in shown[1]
        assert pane.query_one(FragmentsView).listed is None


# --- documents: import -----------------------------------------------------------------------

TRANSCRIPT = "Interviewer: Waar gaat u heen?\nBewoner: Naar de markt, elke zaterdag.\n"


async def test_import_a_file_through_the_dialog_with_progress(
    demo: ProjectTarget, tmp_path: Path
) -> None:
    source = tmp_path / "interview-08-markt.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    progress: list[ImportProgressed] = []

    def hook(message: Message) -> None:
        if isinstance(message, ImportProgressed):
            progress.append(message)

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await open_tab(app, pilot, "1")
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one("#import-path", Input).focus()
        await type_text(pilot, str(source))
        await pilot.press("enter")  # marks the file
        app.screen.query_one("#import-case", Input).value = "R08"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        found = rows(demo, select(Document.name, Document.text).where(Document.name.like("%08%")))
        assert found == [("interview-08-markt", TRANSCRIPT)]
        assert progress and progress[-1].done == progress[-1].total == 2
        table = app.screen.query_one(DocumentsTable)
        assert table.current_name == "interview-08-markt"
        assert str(table.get_row_at(table.cursor_row)[1]) == "R08"
        assert not app.screen.query_one("#import-progress").display


async def test_a_bad_file_is_refused_in_one_line_and_a_cancelled_import_stores_nothing(
    demo: ProjectTarget, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(TRANSCRIPT, encoding="utf-8")
    documents = rows(demo, select(Document.name))
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "1")
        pane = app.screen.query_one(DocumentsPane)
        from workbench.tui.dialogs.forms import ImportRequest

        pane._start_import(ImportRequest((good, empty)))
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "empty.txt" in app.screen.message and "\n" not in app.screen.message
        await pilot.press("escape")
        assert rows(demo, select(Document.name)) == documents  # not even good.txt

        pane._start_import(ImportRequest((good,)))
        pane.action_cancel_import()  # before its first step
        await settle(app, pilot)
        assert rows(demo, select(Document.name)) == documents
        assert pane.importing is None


# --- export, palette, small screens ----------------------------------------------------------


async def test_export_dialog_writes_fragments_and_a_qdpx(
    demo: ProjectTarget, tmp_path: Path
) -> None:
    segments = len(spans(demo))
    # Beside the project file, named after it; on a server, in the current folder (the
    # test's), named after the database.
    stem = target_stem(demo)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        fragments = tmp_path / f"{stem}-fragments.md"
        assert dialog.query_one("#export-path", Input).value == str(fragments)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = fragments.read_text(encoding="utf-8")
        citations = [line for line in text.splitlines() if line.startswith("> (")]
        assert len(citations) == segments
        result = str(dialog.query_one("#export-result").render())
        assert f"Wrote {segments} fragments" in result

        dialog.query_one("#export-kind", Select).value = "qdpx"
        await pilot.pause()
        assert dialog.query_one("#export-path", Input).value == str(tmp_path / f"{stem}.qdpx")
        assert not dialog.query_one("#export-query").display
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert (tmp_path / f"{stem}.qdpx").stat().st_size > 1000
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.sqlite_only(reason="a project on a server has no file that an export could overwrite")
async def test_export_dialog_refuses_to_write_over_the_project_file(demo: ProjectTarget) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = hashlib.sha256(demo.read_bytes()).hexdigest()
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        for kind in ("qdpx", "md"):  # a project export, then a fragments export
            dialog.query_one("#export-kind", Select).value = kind
            await pilot.pause()
            dialog.query_one("#export-path", Input).value = str(demo)
            await pilot.pause()
            result = dialog.query_one("#export-result", Static)
            result.update("")  # what the previous export said
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            shown = str(result.render())
            assert "is the project file itself" in shown, (kind, shown)
            assert hashlib.sha256(demo.read_bytes()).hexdigest() == before, kind
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before
    open_project(demo).dispose()  # still a project


async def test_command_palette_lists_every_action_and_runs_one(demo: ProjectTarget) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in palette_commands(app)]
        main = app.screen
        assert isinstance(main, MainScreen)
        for tab, (_key, title, pane) in TABS.items():
            assert f"{title}: show the tab" in titles, tab
            for binding in pane.BINDINGS:
                if binding.action in ("back",):  # type: ignore[union-attr]
                    continue
                listed = f"{title}: {binding.tooltip}" in titles  # type: ignore[union-attr]
                runs = main.pane(tab).check_action(binding.action, ()) is not False  # type: ignore[union-attr]
                assert listed == runs, (tab, binding.action)  # type: ignore[union-attr]
        assert not any("Stop the import" in title for title in titles)  # nothing is imported
        for words in ("Undo", "Redo", "Quit", "Export", "keys of this screen"):
            assert any(words in title for title in titles), words

        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await type_text(pilot, "rename the code")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await settle(app, pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.query_one("#main-tabs").active == "codebook"  # type: ignore[attr-defined]

        # In the coding view its own keys come first; a tab's command run from there goes
        # back to the project first.
        app.open_document("interview-01-hatert")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen)
        titles = [command.title for command in palette_commands(app)]
        for binding in CodingScreen.BINDINGS:
            if binding.id and binding.action not in ("back",) and "." not in binding.action:  # type: ignore[union-attr]
                assert f"Transcript: {binding.tooltip}" in titles, binding.action  # type: ignore[union-attr]
        command = next(c for c in palette_commands(app) if c.title == "Places: show the tab")
        command.run()
        await settle(app, pilot)
        assert app.screen is main
        assert main.query_one("#main-tabs").active == "places"  # type: ignore[attr-defined]
        assert app.screen.focused is main.query_one(PlacesTable)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_tab_is_usable_at_small_and_large_sizes(
    demo: ProjectTarget, size: tuple[int, int]
) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for key, tab in zip("1234", TABS, strict=True):
            await pilot.press(key)
            await settle(app, pilot)
            pane = app.screen.query_one(f"#{tab}-pane")
            assert pane.region.height >= size[1] - 5
            focused = app.screen.focused
            assert focused is not None and pane in focused.ancestors, tab
            assert focused.region.width >= 30 and focused.region.height >= 5, tab
        for view in app.screen.query(FragmentsView):
            if view.display and view.region.width:
                # An empty list (Analysis, before a cell is chosen) keeps to its one line.
                least = 3 if view.has_class("-empty") else 5
                assert view.region.width >= 38 and view.region.height >= least


async def test_the_hidden_analysis_tab_counts_only_when_it_comes_into_view(
    demo: ProjectTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change made while another tab is shown does not recount the co-occurrence (that
    made every coding slow); showing the Analysis tab again counts the new state."""
    from workbench.services import reading

    counted: list[int] = []
    real = reading.cooccurrence

    def counting(project: db.Project, *, scope: str, rollup: bool):  # type: ignore[no-untyped-def]
        result = real(project, scope=scope, rollup=rollup)
        counted.append(sum(code.n for code in result.codes))
        return result

    monkeypatch.setattr(reading, "cooccurrence", counting)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "4")
        assert len(counted) == 1
        await pilot.press("1")
        await settle(app, pilot)
        # A coding made elsewhere (another process, say): the app hears of it.
        project = db.open_project(demo)
        try:
            with project.transaction("code", coder="tester") as session:
                document = session.exec(select(Document)).first()
                assert document is not None
                segment_ops.code_span(
                    session,
                    document.name,
                    0,
                    20,
                    ["welcome"],
                    coder_id=coders.ensure(session, "tester").id,  # type: ignore[arg-type]
                )
        finally:
            project.dispose()
        await pilot.pause(app.LIVE_INTERVAL + 0.3)  # the app's look for changes elsewhere
        await settle(app, pilot)
        assert len(counted) == 1  # hidden: nothing counted
        await pilot.press("4")
        await settle(app, pilot)
        assert len(counted) == 2
        assert counted[1] == counted[0] + 1  # the new segment coded welcome is counted

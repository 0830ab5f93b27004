"""The Analysis tab's filters (``f`` opens the form, ``x`` clears), driven with Pilot on the
demo project.

Every number shown under a filter is checked against a brute-force count written here over
the database rows (segments as sets of character offsets, as ``tests/test_cooccur.py`` does),
never against :mod:`workbench.analysis.cooccurrence`; every fragment listed is checked in the
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, SelectionList

from tests.conftest import dump_file
from tests.test_tui_screens import cell_text, fragment_ids, rows, settle, type_text
from workbench.analysis.cooccurrence import Filters
from workbench.project.models import (
    Case,
    CaseValue,
    Code,
    Coder,
    Coding,
    Document,
    DocumentCase,
    Place,
    Segment,
    SegmentPlace,
    Variable,
)
from workbench.tui import WorkbenchApp
from workbench.tui.dialogs.forms import FilterForm
from workbench.tui.panes.analysis import AnalysisPane, HeatTable
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.panels import FragmentsView

SIZE = (120, 40)


# --- brute force over the database rows -------------------------------------------------------


@dataclass(frozen=True)
class Coded:
    """One coding of the database, with its segment."""

    segment: int
    code: str
    coder: str
    document: str
    start: int
    end: int


def codings(path: Path) -> list[Coded]:
    """Every coding with its code, coder, document and span."""
    return [
        Coded(*row)
        for row in rows(
            path,
            select(Segment.id, Code.name, Coder.name, Document.name, Segment.start, Segment.end)
            .join(Coding, Coding.segment_id == Segment.id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Document, Document.id == Segment.document_id),
        )
    ]


def documents_with(path: Path, key: str, value: str) -> set[str]:
    """Documents of a case whose attribute ``key`` is stored as ``value``."""
    return {
        name
        for (name,) in rows(
            path,
            select(Document.name)
            .join(DocumentCase, DocumentCase.document_id == Document.id)
            .join(CaseValue, CaseValue.case_id == DocumentCase.case_id)
            .join(Variable, Variable.id == CaseValue.variable_id)
            .where(Variable.name == key, CaseValue.value == value),
        )
    }


def case_documents(path: Path, case: str) -> set[str]:
    """The documents of a case."""
    return {
        name
        for (name,) in rows(
            path,
            select(Document.name)
            .join(DocumentCase, DocumentCase.document_id == Document.id)
            .join(Case, Case.id == DocumentCase.case_id)
            .where(Case.name == case),
        )
    }


@dataclass
class Counts:
    """Brute-force co-occurrence in the overlap scope under a coder and a set of documents."""

    by_code: dict[str, set[int]]
    span: dict[int, tuple[str, set[int]]]

    def n(self, a: str, b: str | None = None) -> int:
        """n(A); or n(A,B): ordered pairs (s, t), s coded A, t coded B, sharing a character."""
        if b is None or a == b:
            return len(self.by_code.get(a, set()))
        return len(self.pairs(a, b))

    def pairs(self, a: str, b: str) -> set[tuple[int, int]]:
        """The pairs n(A,B) counts."""
        out = set()
        for s in self.by_code.get(a, set()):
            for t in self.by_code.get(b, set()):
                (ds, cs), (dt, ct) = self.span[s], self.span[t]
                if ds == dt and cs & ct:
                    out.add((s, t))
        return out


def brute(path: Path, *, coder: str | None = None, documents: set[str] | None = None) -> Counts:
    """:class:`Counts` of the codings by ``coder`` (all: None) in ``documents`` (all: None)."""
    by_code: dict[str, set[int]] = {}
    span: dict[int, tuple[str, set[int]]] = {}
    for row in codings(path):
        if coder is not None and row.coder != coder:
            continue
        if documents is not None and row.document not in documents:
            continue
        by_code.setdefault(row.code, set()).add(row.segment)
        span[row.segment] = (row.document, set(range(row.start, row.end)))
    return Counts(by_code, span)


def check_heatmap(pane: AnalysisPane, counts: Counts) -> int:
    """Every cell of the heatmap (shown by n) against the brute force; the pairs checked."""
    table = pane.query_one("#cooccur-table", HeatTable)
    assert set(pane.names) == {code for code, segments in counts.by_code.items() if segments}
    checked = 0
    for row, a in enumerate(pane.names):
        for column, b in enumerate(pane.names, 1):
            n = counts.n(a, b)
            assert cell_text(table, row, column) == (str(n) if n or a == b else "·"), (a, b)
            checked += a != b and n > 0
    return checked


# --- driving the form -------------------------------------------------------------------------


async def open_analysis(app: WorkbenchApp, pilot: Pilot[None]) -> AnalysisPane:
    """Wait for the project, show the Analysis tab, colour (and show) the cells by n."""
    await settle(app, pilot)
    assert isinstance(app.screen, MainScreen)
    await pilot.press("4")
    await settle(app, pilot)
    await pilot.press("b")
    await settle(app, pilot)
    return app.screen.query_one(AnalysisPane)


async def open_form(app: WorkbenchApp, pilot: Pilot[None]) -> FilterForm:
    """Press f and wait for the filter form."""
    await pilot.press("f")
    await settle(app, pilot)
    assert isinstance(app.screen, FilterForm)
    return app.screen


async def choose(
    app: WorkbenchApp,
    pilot: Pilot[None],
    *,
    coder: str | None = None,
    documents: tuple[str, ...] = (),
    cases: tuple[str, ...] = (),
    attrs: str = "",
) -> None:
    """Fill the filter form with the keyboard (the coder's Select, Space in the lists, the
    attribute field) and apply it with ctrl+s."""
    form = await open_form(app, pilot)
    select_widget = form.query_one("#filter-coder", Select)
    assert app.screen.focused is select_widget  # the form starts on the coder
    if coder is not None:
        await pilot.press("enter")  # open the drop-down, move to the coder, take it
        await pilot.press(*["down"] * (form.choices.coders.index(coder) + 1), "enter")
        await pilot.pause()
        assert select_widget.value == coder
    for list_id, names, every in (
        ("filter-documents", documents, form.choices.documents),
        ("filter-cases", cases, tuple(name for name, _docs in form.choices.cases)),
    ):
        await pilot.press("tab")
        selection = form.query_one(f"#{list_id}", SelectionList)
        assert app.screen.focused is selection
        at = 0
        for index in sorted(every.index(name) for name in names):
            await pilot.press(*["down"] * (index - at), "space")
            at = index
        assert set(selection.selected) == set(names)
    await pilot.press("tab")
    assert app.screen.focused is form.query_one("#filter-attrs", Input)
    await type_text(pilot, attrs)
    await pilot.press("ctrl+s")
    await settle(app, pilot)


def filter_line(pane: AnalysisPane) -> str:
    """The summary line of the filters, or "" while it is hidden."""
    line = pane.query_one("#analysis-filters")
    return str(line.render()) if line.display else ""


def form_error(app: WorkbenchApp) -> str:
    """The error line of the open form."""
    return str(app.screen.query_one(".form-error", Label).render())


# --- the tests ----------------------------------------------------------------------------


async def test_coder_and_document_filter_counts_and_fragments(demo: Path) -> None:
    documents = ("interview-01-hatert", "interview-05-nijmegen-oost")
    everything = brute(demo)
    counts = brute(demo, coder="bram", documents=set(documents))
    # Not vacuous: the filter leaves segments out, and some pairs still co-occur.
    assert sum(map(len, counts.by_code.values())) < sum(map(len, everything.by_code.values()))
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_analysis(app, pilot)
        check_heatmap(pane, everything)

        await choose(app, pilot, coder="bram", documents=documents)
        assert isinstance(app.screen, MainScreen)
        assert pane.filters == Filters(coder="bram", documents=list(documents))
        assert "coder bram · 2 documents" in filter_line(pane)
        assert check_heatmap(pane, counts) >= 3

        # The fragments behind the pair with the most overlaps: the brute-force segments, each
        # in a chosen document, coded A or B by bram, listing bram's codes only.
        a, b = max(
            ((a, b) for a in pane.names for b in pane.names if a != b),
            key=lambda pair: counts.n(*pair),
        )
        members = {s for pair in counts.pairs(a, b) for s in pair}
        table = pane.query_one("#cooccur-table", HeatTable)
        table.move_cursor(row=pane.names.index(a), column=pane.names.index(b) + 1)
        await pilot.press("enter")
        await settle(app, pilot)
        view = pane.query_one(FragmentsView)
        listed = fragment_ids(view)
        assert set(listed) == members and len(listed) == len(members)
        by_bram: dict[int, set[str]] = {}
        where: dict[int, str] = {}
        for row in codings(demo):
            where[row.segment] = row.document
            if row.coder == "bram":
                by_bram.setdefault(row.segment, set()).add(row.code)
        assert view.listed is not None
        for fragment in view.listed.fragments:
            assert where[fragment.segment] in documents
            assert by_bram[fragment.segment] & {a, b}
            assert set(fragment.codes) == by_bram[fragment.segment]

        # x clears: the unfiltered counts again.
        await pilot.press("escape", "x")
        await settle(app, pilot)
        assert pane.filters is None and filter_line(pane) == ""
        check_heatmap(pane, everything)


async def test_a_bad_attribute_filter_shows_its_error_and_changes_nothing(demo: Path) -> None:
    before = dump_file(demo)
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_analysis(app, pilot)
        table = pane.query_one("#cooccur-table", HeatTable)
        shown = [cell_text(table, 0, column) for column in range(1, len(pane.names) + 1)]
        form = await open_form(app, pilot)
        field = form.query_one("#filter-attrs", Input)
        field.focus()
        for typed, error in (
            ("wijk", "must look like KEY=VALUE"),  # parse_attr_filter
            ("buurt=Hatert", 'no case attribute called "buurt"'),  # the core's check
            ("jaren_in_wijk=veel", "not a valid integer"),  # the attribute's type
        ):
            field.value = ""
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form, typed  # the form stays open...
            assert error in form_error(app), typed  # ...with the error
        await pilot.press("escape")
        await settle(app, pilot)
        assert pane.filters is None and filter_line(pane) == ""
        assert [cell_text(table, 0, column) for column in range(1, len(pane.names) + 1)] == shown
    assert dump_file(demo) == before


async def test_attribute_filter_applies_to_the_matrix_and_its_cells(demo: Path) -> None:
    hatert = documents_with(demo, "wijk", "Hatert")
    assert hatert and len(hatert) < len(rows(demo, select(Document.id)))
    coded: dict[str, set[int]] = {}
    where: dict[int, str] = {}
    for row in codings(demo):
        where[row.segment] = row.document
        if row.document in hatert:
            coded.setdefault(row.code, set()).add(row.segment)
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
        pane = await open_analysis(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        await choose(app, pilot, attrs="wijk=Hatert")
        assert pane.filters == Filters(attrs=[("wijk", "Hatert")])
        assert "wijk=Hatert" in filter_line(pane)
        table = pane.query_one("#matrix-table", HeatTable)
        assert pane.matrix is not None
        assert set(pane.matrix_rows) == {
            code for code, segments in coded.items() if any(segments & s for s in links.values())
        }
        checked = 0
        for row, code in enumerate(pane.matrix_rows):
            for column, place in enumerate(pane.matrix.cols, 1):
                n = len(coded.get(code, set()) & links.get(place, set()))
                assert cell_text(table, row, column) == (str(n) if n else "·")
                checked += n > 0
        assert checked >= 2
        code = pane.matrix_rows[0]
        place = next(p for p in pane.matrix.cols if coded[code] & links.get(p, set()))
        table.move_cursor(row=0, column=pane.matrix.cols.index(place) + 1)
        await pilot.press("enter")
        await settle(app, pilot)
        listed = fragment_ids(pane.query_one(FragmentsView))
        assert set(listed) == coded[code] & links[place]
        assert {where[s] for s in listed} <= hatert


async def test_the_query_box_runs_under_the_filters(demo: Path) -> None:
    r01 = case_documents(demo, "R01")
    expected = {
        row.segment
        for row in codings(demo)
        if row.code == "welcome" and row.coder == "bram" and row.document in r01
    }
    unfiltered = {row.segment for row in codings(demo) if row.code == "welcome"}
    assert expected and expected < unfiltered
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_analysis(app, pilot)
        await choose(app, pilot, coder="bram", cases=("R01",))
        assert "coder bram · case R01" in filter_line(pane)
        await pilot.press("slash")
        await settle(app, pilot)
        await type_text(pilot, "welcome")
        await pilot.press("enter")
        await settle(app, pilot)
        view = pane.query_one(FragmentsView)
        assert set(fragment_ids(view)) == expected
        assert "case:R01" in str(view.border_subtitle)  # the query that was run
        # An error in the typed query keeps the column of what was typed.
        box = pane.query_one("#query-input", Input)
        box.value = ""
        await type_text(pilot, "welcome & & stigma")
        await pilot.press("enter")
        await settle(app, pilot)
        shown = str(pane.query_one("#query-error").render()).splitlines()
        assert shown[0] == "welcome & & stigma" and "column 11" in shown[1]
        # Clearing the filters runs the last query again, unfiltered.
        box.value = "welcome"
        await pilot.press("enter")
        await settle(app, pilot)
        view.focus()  # (in the query box x is a letter of the query)
        await pilot.press("x")
        await settle(app, pilot)
        assert pane.filters is None
        assert set(fragment_ids(view)) == unfiltered


async def test_nothing_under_the_filters_says_so_and_fits_80_by_24(demo: Path) -> None:
    # bram coded no segment of interview-02: nothing is counted under that filter.
    assert not brute(demo, coder="bram", documents={"interview-02-lindenholt"}).by_code
    app = WorkbenchApp(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_analysis(app, pilot)
        await choose(app, pilot, coder="bram", documents=("interview-02-lindenholt",))
        line = pane.query_one("#analysis-filters")
        assert "coder bram · interview-02-lindenholt" in filter_line(pane)
        table = pane.query_one("#cooccur-table", HeatTable)
        assert pane.names == [] and table.row_count == 1 and len(table.columns) == 1
        assert "No coded segment under the filters" in cell_text(table, 0, 0)
        await pilot.press("m")
        await settle(app, pilot)
        matrix = pane.query_one("#matrix-table", HeatTable)
        assert pane.matrix_rows == [] and matrix.row_count == 1
        assert "No linked segment under the filters" in cell_text(matrix, 0, 0)
        # At 80 × 24 the summary takes one line and the table keeps its room.
        await pilot.press("c", "x")
        await choose(app, pilot, coder="anouk")
        assert line.region.height == 1 and line.region.bottom <= 24
        assert table.region.height >= 4 and table.region.bottom < 24
        assert table.row_count > 1
        fragments = pane.query_one(FragmentsView)  # empty: a line saying how to fill it
        assert fragments.has_class("-empty")
        assert fragments.region.height == 3 and fragments.region.bottom <= 23

"""The Analysis tab: the co-occurrence heatmap, the code × place (or attribute) matrix and the
fragment query box, with the fragments behind a cell or a query below.

``c``, ``m`` and ``/`` switch between the three; ``s`` cycles the co-occurrence scope, ``r``
counts sub-codes with their parents (rollup), ``b`` colours by the c-coefficient or by n, ``k``
changes the matrix's columns. Enter on a cell lists its fragments; Enter on a fragment opens
the transcript there. Every number comes from :mod:`workbench.analysis.cooccurrence` (see
DESIGN.md, "The meaning of the numbers"); this module only shows them.

``f`` filters what is counted (a coder, documents, cases, attribute values: the command line's
``--coder``, ``--doc``, ``--case``, ``--attr``, as the same
:class:`workbench.analysis.cooccurrence.Filters`) and ``x`` clears the filters. They apply to both
tables, to the fragments behind a cell and to the query box; a line under the bar says which are in
use.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Input, Static
from textual.worker import get_current_worker

from workbench.analysis.cooccurrence import SCOPES, Cooccurrence, Filters, Matrix
from workbench.analysis.query import QueryError
from workbench.errors import WorkbenchError
from workbench.i18n import N_, _, counted
from workbench.services import reading
from workbench.services.project import Project
from workbench.services.reading import CodeRow, FilterChoices, FragmentList, Overview
from workbench.tui.dialogs.forms import FilterForm
from workbench.tui.themes import readable_on
from workbench.tui.widgets.panels import FragmentsView, Pane

FRAGMENT_LIMIT = 1000
"""The most fragments listed for one cell or query."""

UNITS = {
    "overlap": N_("segments"),
    "turn": N_("turns"),
    "sentence": N_("sentences"),
    "paragraph": N_("paragraphs"),
    "document": N_("documents"),
}
"""What n counts in each scope (translated when shown)."""

SCOPE_NAMES = {
    "overlap": N_("overlap"),
    "turn": N_("turn"),
    "sentence": N_("sentence"),
    "paragraph": N_("paragraph"),
    "document": N_("document"),
}
"""The scopes as the bar shows them (translated when shown)."""

CELL_WIDTH = 5
"""The width of a co-occurrence cell (a c-coefficient as ".33" with a space each side)."""

LOW = Color(38, 70, 110)
HIGH = Color(250, 190, 60)
"""The two ends of the heat colours."""

QUERY_HELP = (
    'code  "two words"  place:NAME  case:  doc:  coder:  speaker:  kind:  status:  '
    "attr:KEY=VALUE   !  &  |  ( )  overlaps"
)


def heat(text: str, share: float, *, bold: bool = False) -> Text:
    """A cell's text on a background from :data:`LOW` to :data:`HIGH` by ``share`` (0..1)."""
    share = max(0.0, min(1.0, share))
    background = LOW.blend(HIGH, share)
    foreground = readable_on(background)
    style = f"{'bold ' if bold else ''}{foreground.hex} on {background.hex}"
    return Text(f" {text} ", style=style, justify="right")


def empty() -> Text:
    """A cell with nothing to count."""
    return Text(" · ", style="dim", justify="right")


def counted_in(n: int, scope: str) -> str:
    """``n`` with the unit a scope counts, singular for one ("1 segment", "3 turns")."""
    if scope == "turn":
        return counted(n, "turn", "turns")
    if scope == "sentence":
        return counted(n, "sentence", "sentences")
    if scope == "paragraph":
        return counted(n, "paragraph", "paragraphs")
    if scope == "document":
        return counted(n, "document", "documents")
    return counted(n, "segment", "segments")


def short(name: str, width: int) -> str:
    """A name cut to ``width`` characters with an ellipsis in the middle: names that share
    their start ("Mt Druitt Hall", "Mt Druitt grove") still differ at their ends."""
    if len(name) <= width:
        return name
    tail = (width - 1) // 2
    return name[: width - 1 - tail] + "…" + name[len(name) - tail :]


def name_width(columns: int, narrow: int) -> int:
    """How many characters of a row's or column's name fit at a screen ``columns`` wide."""
    if columns >= 170:
        return narrow + 16
    if columns >= 110:
        return narrow + 8
    return narrow


def describe_filters(filters: Filters) -> str:
    """The filters in one short line: "coder ann · 3 documents · case R01 · gender=female"."""
    parts: list[str] = []
    if filters.coder:
        parts.append(_("coder {coder}").format(coder=filters.coder))
    if len(filters.documents) == 1:
        parts.append(filters.documents[0])
    elif filters.documents:
        parts.append(counted(len(filters.documents), "document", "documents"))
    if len(filters.cases) == 1:
        parts.append(_("case {case}").format(case=filters.cases[0]))
    elif filters.cases:
        parts.append(counted(len(filters.cases), "case", "cases"))
    parts += [f"{key}={value}" for key, value in filters.attrs]
    return " · ".join(parts)


def filtering(filters: Filters | None) -> dict[str, Filters]:
    """``filters=`` for the :mod:`workbench.services.reading` readers, left out when nothing is
    filtered (they are then called exactly as without filters)."""
    return {} if filters is None else {"filters": filters}


def c_text(c: float | None) -> str:
    """A c-coefficient in three or four characters (marked "!" above 1, "?" undefined)."""
    if c is None:
        return "?"
    if c > 1:
        return f"{c:.1f}!"
    return "1.0" if c == 1 else f"{c:.2f}".lstrip("0")


class CooccurrenceLoaded(Message):
    """A co-occurrence was counted."""

    def __init__(self, result: Cooccurrence, rollup: bool) -> None:
        super().__init__()
        self.result = result
        """What :func:`workbench.analysis.cooccurrence.cooccur` returned."""
        self.rollup = rollup
        """Whether sub-codes counted with their parents."""


class MatrixLoaded(Message):
    """A matrix was counted."""

    def __init__(self, result: Matrix, keys: tuple[str, ...]) -> None:
        super().__init__()
        self.result = result
        """What :func:`workbench.analysis.cooccurrence.matrix` returned."""
        self.keys = keys
        """The case attributes, for the other column choices."""


class CellFragmentsLoaded(Message):
    """The fragments behind a cell, or matching a query, were read."""

    def __init__(self, fragments: FragmentList, *, focus: bool) -> None:
        super().__init__()
        self.fragments = fragments
        """What was read."""
        self.focus = focus
        """Whether to put the focus on the list (after Enter on a cell)."""


class FilterChoicesLoaded(Message):
    """What the filters can choose from was read (to open the filter form)."""

    def __init__(self, choices: FilterChoices) -> None:
        super().__init__()
        self.choices = choices
        """The coders, documents, cases and attributes of the project."""


class FiltersRefused(Message):
    """A count under the filters failed: they name something that is gone (renamed, deleted)."""

    def __init__(self, filters: Filters, error: str) -> None:
        super().__init__()
        self.filters = filters
        """The filters the count used."""
        self.error = error
        """The core's one-line error."""


class QueryChecked(Message):
    """A typed query was run, or could not be."""

    def __init__(self, error: QueryError | None) -> None:
        super().__init__()
        self.error = error
        """The error, with the column where the query went wrong; None when it ran."""


class HeatTable(DataTable[object]):
    """A table of counts with coloured cells; the first column names the row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            cursor_type="cell",
            fixed_columns=1,
            zebra_stripes=False,
            cursor_background_priority="css",
            cell_padding=0,
        )


class AnalysisPane(Pane):
    """Co-occurrence, matrix and query, each with the fragments behind it."""

    DEFAULT_FOCUS = "#cooccur-table"

    BINDINGS = [
        Binding(
            "c",
            "mode('cooccur')",
            N_("Co-occur"),
            show=False,
            id="analysis.cooccur",
            tooltip=N_("Show the co-occurrence table of the codes"),
        ),
        Binding(
            "m",
            "mode('matrix')",
            N_("Matrix"),
            show=False,
            id="analysis.matrix",
            tooltip=N_("Show the code × place (or attribute) matrix"),
        ),
        Binding(
            "slash",
            "mode('query')",
            N_("Query"),
            key_display="/",
            id="analysis.query",
            tooltip=N_("Type a fragment query (welcome & !stigma)"),
        ),
        Binding(
            "s",
            "scope",
            N_("Scope"),
            id="analysis.scope",
            tooltip=N_("Count co-occurrence by overlap, turn, sentence, paragraph or document"),
        ),
        Binding(
            "r",
            "rollup",
            N_("Rollup"),
            id="analysis.rollup",
            tooltip=N_("Count sub-codes with their parent codes, or not"),
        ),
        Binding(
            "b",
            "measure",
            N_("Colour"),
            show=False,
            id="analysis.measure",
            tooltip=N_("Colour and show the co-occurrence cells by c-coefficient or by n"),
        ),
        Binding(
            "k",
            "columns",
            N_("Columns"),
            show=False,
            id="analysis.columns",
            tooltip=N_("Matrix columns: places, or the values of a case attribute"),
        ),
        Binding(
            "f",
            "filter",
            N_("Filter"),
            id="analysis.filter",
            tooltip=N_("Count only one coder's codings, some documents, cases or attribute values"),
        ),
        Binding(
            "x",
            "clear_filters",
            N_("Unfilter"),
            show=False,
            id="analysis.clear_filters",
            tooltip=N_("Clear the filters: count every coder's codings in every document"),
        ),
        Binding(
            "escape",
            "back",
            N_("Back"),
            show=False,
            id="analysis.back",
            tooltip=N_("Back from the fragments to the table"),
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = "cooccur"
        """What is shown: ``cooccur``, ``matrix`` or ``query``."""
        self.scope = "overlap"
        """The co-occurrence scope."""
        self.rollup = False
        """Whether sub-codes count with their parents."""
        self.measure = "c"
        """What the co-occurrence cells show and are coloured by: ``c`` or ``n``."""
        self.cols = "place"
        """The matrix's columns: ``place`` or ``attr:KEY``."""
        self.keys: tuple[str, ...] = ()
        """The case attributes (other matrix columns)."""
        self.codes: tuple[CodeRow, ...] = ()
        """The code tree, for the order of the rows."""
        self.cooccurrence: Cooccurrence | None = None
        """The co-occurrence shown."""
        self.matrix: Matrix | None = None
        """The matrix shown."""
        self.names: list[str] = []
        """The codes of the co-occurrence table's rows (and columns), in order."""
        self.matrix_rows: list[str] = []
        """The codes of the matrix's rows, in order."""
        self.filters: Filters | None = None
        """What is counted (None: everything)."""
        self._query = ""
        """The last query run, to run again when the filters change."""
        self._before_query = "cooccur"
        """The table shown before the query box (Escape there goes back to it)."""
        self._stale = {"cooccur": True, "matrix": True}

    def compose(self) -> ComposeResult:
        yield Static("", id="analysis-bar")
        yield Static("", id="analysis-filters")
        with ContentSwitcher(id="analysis-views", initial="cooccur-view"):
            with Vertical(id="cooccur-view"):
                yield HeatTable(id="cooccur-table")
                yield Static("", id="cooccur-cell", classes="cell-line")
            with Vertical(id="matrix-view"):
                yield HeatTable(id="matrix-table")
                yield Static("", id="matrix-cell", classes="cell-line")
            with Vertical(id="query-view"):
                yield Input(
                    placeholder=_('welcome & !stigma    (welcome | "host role") & place:Hatert'),
                    id="query-input",
                )
                yield Static("", id="query-error")
                yield Static(Content.styled(QUERY_HELP, "dim"), id="query-help")
        yield FragmentsView(id="analysis-fragments")

    def on_mount(self) -> None:
        self._show_bar()
        self._show_filters()
        self.query_one(FragmentsView).clear_fragments(_("Fragments: Enter on a cell lists them"))

    # --- the bar ------------------------------------------------------------------------

    def _show_bar(self) -> None:
        parts: list[Content | tuple[str, str] | str] = []
        for mode, label, key in (
            ("cooccur", _("Co-occurrence"), "c"),
            ("matrix", _("Matrix"), "m"),
            ("query", _("Query"), "/"),
        ):
            parts += [(f"{key} ", "dim"), (label, "bold reverse" if mode == self.mode else "")]
            parts.append("  ")
        settings: list[str] = []
        if self.mode == "cooccur":
            settings += [
                _("scope {scope}").format(scope=_(SCOPE_NAMES.get(self.scope, self.scope))),
                _("colour by {measure}").format(measure=self.measure),
            ]
        if self.mode == "matrix":
            settings.append(_("columns {cols}").format(cols=self.cols))
        if self.mode != "query":
            settings.append(_("rollup on") if self.rollup else _("rollup off"))
        parts.append((" · ".join(settings), "italic"))
        self.query_one("#analysis-bar", Static).update(Content.assemble(*parts))

    def _show_filters(self) -> None:
        line = self.query_one("#analysis-filters", Static)
        line.display = self.filters is not None
        if self.filters is not None:
            line.update(
                Content.assemble(
                    ("f ", "dim"),
                    (_("Filter"), "bold"),
                    "  ",
                    describe_filters(self.filters),
                    (_("   x clears"), "dim"),
                )
            )

    # --- reading -------------------------------------------------------------------------

    def show_overview(self, overview: Overview) -> None:
        """The project changed: count again what is shown (the rest when it is shown)."""
        self.codes = overview.codes
        self._stale = {"cooccur": True, "matrix": True}
        if self.shown:  # otherwise count when the tab comes into view, not on every change
            self._load_mode()

    def tab_shown(self) -> None:
        """Count what went stale while the tab was hidden."""
        self._load_mode()

    def _load_mode(self) -> None:
        project = self.project
        if project is None or not self._stale.get(self.mode, False):
            return
        self._stale[self.mode] = False
        if self.mode == "cooccur":
            self._counting("#cooccur-cell")
            self.load_cooccurrence(project, self.scope, self.rollup, self.filters)
        elif self.mode == "matrix":
            self._counting("#matrix-cell")
            self.load_matrix(project, self.cols, self.rollup, self.filters)

    def _counting(self, line: str) -> None:
        # Not the tables' loading indicator: it would take the focus away from the table.
        self.query_one(line, Static).update(Content.styled(_("Counting…"), "italic"))

    @work(thread=True, exclusive=True, group="cooccur", exit_on_error=False)
    def load_cooccurrence(
        self, project: Project, scope: str, rollup: bool, filters: Filters | None = None
    ) -> None:
        """Count the co-occurrence (posts ``CooccurrenceLoaded``, or ``FiltersRefused``)."""
        try:
            result = reading.cooccurrence(project, scope=scope, rollup=rollup, **filtering(filters))
        except WorkbenchError as error:
            if filters is None:
                raise
            self.post_message(FiltersRefused(filters, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(CooccurrenceLoaded(result, rollup))

    @work(thread=True, exclusive=True, group="matrix", exit_on_error=False)
    def load_matrix(
        self, project: Project, cols: str, rollup: bool, filters: Filters | None = None
    ) -> None:
        """Count the matrix (posts ``MatrixLoaded``, or ``FiltersRefused``)."""
        keys = reading.attribute_keys(project)
        try:
            result = reading.code_matrix(project, cols=cols, rollup=rollup, **filtering(filters))
        except WorkbenchError as error:
            if filters is None:
                raise
            self.post_message(FiltersRefused(filters, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(MatrixLoaded(result, keys))

    def on_filters_refused(self, message: FiltersRefused) -> None:
        message.stop()
        if message.filters is not self.filters:
            return  # filters changed since
        self.notify(
            _("The filters were cleared: {error}").format(error=message.error),
            severity="warning",
            timeout=6,
        )
        self.set_filters(None)

    def worker_failed(self, worker: object) -> None:
        """A count that failed may be tried again (with the next change of settings)."""
        self._stale = {"cooccur": True, "matrix": True}

    def _order(self, names: set[str]) -> list[str]:
        """Code names in code-tree order (names not in the tree last, by name)."""
        ordered = [code.name for code in self.codes if code.name in names]
        return ordered + sorted(names - set(ordered))

    def on_cooccurrence_loaded(self, message: CooccurrenceLoaded) -> None:
        message.stop()
        self.cooccurrence = message.result
        self._fill_cooccurrence()

    def _fill_cooccurrence(self) -> None:
        result = self.cooccurrence
        if result is None:
            return
        table = self.query_one("#cooccur-table", HeatTable)
        keep = table.cursor_coordinate
        counts = {count.code: count.n for count in result.codes}
        self.names = self._order({name for name, n in counts.items() if n > 0})
        pairs = {(pair.a, pair.b): pair for pair in result.pairs}
        top_n = max((pair.n for pair in result.pairs), default=1)
        table.clear(columns=True)
        table.add_column(_(" Code ({unit})").format(unit=_(UNITS[result.scope])), key="code")
        for index, name in enumerate(self.names, 1):
            table.add_column(Text(f"{index} ", justify="right"), key=name, width=CELL_WIDTH)
        wide = name_width(self.app.size.width, 20)
        for index, a in enumerate(self.names, 1):
            cells: list[Text] = [Text(f" {index:>2} {short(a, wide):<{wide}} ", no_wrap=True)]
            cells[0].append(f"{counts[a]:>4} ", style="italic")
            for b in self.names:
                if a == b:
                    cells.append(Text(f" {counts[a]} ", style="bold underline", justify="right"))
                    continue
                pair = pairs.get((a, b) if a < b else (b, a))
                if pair is None:
                    cells.append(empty())
                elif self.measure == "c":
                    share = 1.0 if pair.c is None else pair.c
                    cells.append(heat(c_text(pair.c), share))
                else:
                    cells.append(heat(str(pair.n), pair.n / top_n))
            table.add_row(*cells, key=a)
        if not self.names:
            empty_text = _("No coded segments yet.")
            if self.filters is not None:
                empty_text = _(
                    "No coded segment under the filters (f changes them, x clears them)."
                )
            table.add_row(Text(empty_text, style="dim italic"))
        elif keep.row < table.row_count and keep.column < len(table.columns):
            table.move_cursor(row=keep.row, column=keep.column)
        self._show_cooccurrence_cell(table.cursor_coordinate)

    def on_matrix_loaded(self, message: MatrixLoaded) -> None:
        message.stop()
        self.matrix = message.result
        self.keys = message.keys
        table = self.query_one("#matrix-table", HeatTable)
        keep = table.cursor_coordinate
        result = message.result
        totals = dict(zip(result.rows, result.row_totals, strict=True))
        self.matrix_rows = self._order({row for row, n in totals.items() if n > 0})
        index = {row: i for i, row in enumerate(result.rows)}
        top = max((n for row in result.cells for n in row), default=0) or 1
        table.clear(columns=True)
        what = (
            _("places") if result.cols_spec == "place" else result.cols_spec.removeprefix("attr:")
        )
        table.add_column(_(" Code × {what}").format(what=what), key="code")
        label_width = name_width(self.app.size.width, 12)
        for column, label in enumerate(result.cols):
            table.add_column(
                Text(f" {short(label, label_width)} ", justify="right"), key=f"col{column}"
            )
        table.add_column(Text(_(" All "), justify="right"), key="total")
        wide = name_width(self.app.size.width, 24)
        for row in self.matrix_rows:
            values = result.cells[index[row]]
            cells: list[Text] = [Text(f" {short(row, wide):<{wide}} ", no_wrap=True)]
            cells += [heat(str(n), n / top) if n else empty() for n in values]
            cells.append(Text(f" {totals[row]:,} ", justify="right", style="bold"))
            table.add_row(*cells, key=row)
        if self.matrix_rows:
            table.add_row(
                Text(_(" All codes "), style="bold"),
                *(Text(f" {n:,} ", justify="right", style="bold") for n in result.col_totals),
                Text(f" {result.total:,} ", justify="right", style="bold"),
                key="\x00total",
            )
            if keep.row < table.row_count and keep.column < len(table.columns):
                table.move_cursor(row=keep.row, column=keep.column)
        elif self.filters is not None:
            table.add_row(
                Text(
                    _("No linked segment under the filters (f changes them, x clears them)."),
                    style="dim italic",
                )
            )
        else:
            table.add_row(Text(_("No segment is linked yet."), style="dim italic"))
        self._show_matrix_cell(table.cursor_coordinate)
        self._show_bar()

    # --- the cell under the cursor ----------------------------------------------------------

    def _cooccurrence_cell(self, coordinate: Coordinate) -> tuple[str, str] | None:
        """The codes (a, b) of a cell of the co-occurrence table; (a, a) on its first column."""
        if not self.names or coordinate.row >= len(self.names):
            return None
        a = self.names[coordinate.row]
        if coordinate.column == 0 or coordinate.column > len(self.names):
            return a, a
        return a, self.names[coordinate.column - 1]

    def _show_cooccurrence_cell(self, coordinate: Coordinate) -> None:
        line = self.query_one("#cooccur-cell", Static)
        cell = self._cooccurrence_cell(coordinate)
        result = self.cooccurrence
        if cell is None or result is None:
            nothing = result is not None and not self.names and self.filters is not None
            line.update(
                Content.styled(_("Nothing counted under the filters."), "dim") if nothing else ""
            )
            return
        a, b = cell
        scope = result.scope
        if a == b:
            text = Content.assemble(
                (a, "bold"), f": {counted_in(result.n(a), scope)}", (_("  Enter lists them"), "dim")
            )
        else:
            pair = next((p for p in result.pairs if {p.a, p.b} == {a, b}), None)
            c = "" if pair is None else f", c = {c_text(pair.c)}"
            text = Content.assemble(
                (a, "bold"),
                " × ",
                (b, "bold"),
                ": "
                + _("n = {n}{c}  (of {a} and {b})").format(
                    n=result.n(a, b), c=c, a=result.n(a), b=counted_in(result.n(b), scope)
                ),
                (_("  Enter lists them"), "dim"),
            )
        line.update(text)

    def _matrix_cell(self, coordinate: Coordinate) -> tuple[str, str] | None:
        """The (code, column label) of a matrix cell; None outside the counted cells."""
        result = self.matrix
        if result is None or coordinate.row >= len(self.matrix_rows):
            return None
        if not 1 <= coordinate.column <= len(result.cols):
            return None
        return self.matrix_rows[coordinate.row], result.cols[coordinate.column - 1]

    def _show_matrix_cell(self, coordinate: Coordinate) -> None:
        line = self.query_one("#matrix-cell", Static)
        cell = self._matrix_cell(coordinate)
        result = self.matrix
        if cell is None or result is None:
            line.update(
                Content.styled(_("A cell counts the segments coded the row's code."), "dim")
            )
            return
        code, column = cell
        n = result.cells[result.rows.index(code)][result.cols.index(column)]
        line.update(
            Content.assemble(
                (code, "bold"),
                " × ",
                (column, "bold"),
                f": {counted(n, 'segment', 'segments')}",
                (_("  Enter lists them"), "dim"),
            )
        )

    @on(DataTable.CellHighlighted)
    def _cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        if event.data_table.id == "cooccur-table":
            self._show_cooccurrence_cell(event.coordinate)
        else:
            self._show_matrix_cell(event.coordinate)

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        project = self.project
        if project is None:
            return
        if event.data_table.id == "cooccur-table":
            cell = self._cooccurrence_cell(event.coordinate)
            if cell is not None and self.cooccurrence is not None:
                scope = self.cooccurrence.scope
                self.load_cell(project, "cooccur", *cell, scope, self.rollup, self.filters)
        else:
            matrix_cell = self._matrix_cell(event.coordinate)
            if matrix_cell is not None and self.matrix is not None:
                cols = self.matrix.cols_spec
                self.load_cell(project, "matrix", *matrix_cell, cols, self.rollup, self.filters)

    @work(thread=True, exclusive=True, group="cell", exit_on_error=False)
    def load_cell(
        self,
        project: Project,
        kind: str,
        a: str,
        b: str,
        spec: str,
        rollup: bool,
        filters: Filters | None = None,
    ) -> None:
        """Read the fragments behind a cell (posts ``CellFragmentsLoaded``)."""
        limit = FRAGMENT_LIMIT + 1
        if kind == "cooccur":
            found = reading.cooccurrence_fragments(
                project, a, b, scope=spec, rollup=rollup, limit=limit, **filtering(filters)
            )
        else:
            found = reading.matrix_fragments(
                project, a, b, cols=spec, rollup=rollup, limit=limit, **filtering(filters)
            )
        if not get_current_worker().is_cancelled:
            self.post_message(CellFragmentsLoaded(found, focus=True))

    def on_cell_fragments_loaded(self, message: CellFragmentsLoaded) -> None:
        message.stop()
        fragments = self.query_one(FragmentsView)
        fragments.show_fragments(message.fragments, limit=FRAGMENT_LIMIT)
        if message.focus and message.fragments.fragments:
            fragments.focus()
            self._show_fragments_hint()

    def _cell_line(self) -> Static | None:
        """The line under the table of the mode shown (none in the query mode)."""
        if self.mode == "query":
            return None
        return self.query_one(f"#{self.mode}-cell", Static)

    def _show_fragments_hint(self) -> None:
        """Say, under the table, that the keys now go to the fragments below."""
        line = self._cell_line()
        fragments = self.query_one(FragmentsView)
        if line is not None and fragments.listed is not None:
            count = counted(len(fragments.listed.fragments), "fragment", "fragments")
            hint = (
                _(
                    "[b]↓ {fragments}[/b] below, the cursor is there: [b]Enter[/b] opens one,"
                    " [b]Esc[/b] back to the table"
                )
                if self.size.width >= 100
                else _("[b]↓ {fragments}[/b] below: [b]Enter[/b] opens one, [b]Esc[/b] back")
            )
            line.update(Content.from_markup(hint.format(fragments=count)))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The table again: its cell line shows the cell (not the fragments' keys)."""
        table = event.widget
        if isinstance(table, HeatTable):
            if table.id == "cooccur-table":
                self._show_cooccurrence_cell(table.cursor_coordinate)
            else:
                self._show_matrix_cell(table.cursor_coordinate)
        elif isinstance(table, FragmentsView):
            self._show_fragments_hint()

    # --- the query -----------------------------------------------------------------------

    @on(Input.Submitted, "#query-input")
    def _query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#query-error", Static).update("")
            return
        self._query = text
        if self.project is not None:
            self.run_query(self.project, text, self.filters)

    @work(thread=True, exclusive=True, group="query", exit_on_error=False)
    def run_query(self, project: Project, text: str, filters: Filters | None = None) -> None:
        """Find the fragments matching a query, under the filters (posts
        ``CellFragmentsLoaded`` or ``QueryChecked``)."""
        try:
            found = reading.query_fragments(
                project, text, limit=FRAGMENT_LIMIT + 1, **filtering(filters)
            )
        except QueryError as error:
            self.post_message(QueryChecked(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(CellFragmentsLoaded(found, focus=False))
            self.post_message(QueryChecked(None))

    def on_query_checked(self, message: QueryChecked) -> None:
        message.stop()
        box = self.query_one("#query-error", Static)
        error = message.error
        if error is None:
            box.update("")
            box.remove_class("-error")
            return
        box.add_class("-error")
        box.update(
            Content.assemble(
                error.query,
                "\n",
                " " * (error.column - 1),
                ("^ ", "bold $error"),
                (
                    _("{reason} (column {column})").format(
                        reason=error.reason, column=error.column
                    ),
                    "bold $error",
                ),
            )
        )
        self.query_one(FragmentsView).clear_fragments(_("Fragments: fix the query"))

    # --- actions -------------------------------------------------------------------------

    def focus_default(self) -> None:
        """Focus the table or the query box of the current mode."""
        target = {
            "cooccur": "#cooccur-table",
            "matrix": "#matrix-table",
            "query": "#query-input",
        }[self.mode]
        self.screen.set_focus(self.query_one(target))

    def action_mode(self, mode: str) -> None:
        """Show the co-occurrence table, the matrix or the query box."""
        if mode == "query" and self.mode != "query":
            self._before_query = self.mode
        self.mode = mode
        self.set_class(mode == "query", "-query")
        self.query_one(ContentSwitcher).current = f"{mode}-view"
        self._show_bar()
        self._load_mode()
        self.focus_default()

    def action_scope(self) -> None:
        """Count the co-occurrence in the next scope."""
        self.scope = SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)]
        self._stale["cooccur"] = True
        self._show_bar()
        self._load_mode()
        scope = _(SCOPE_NAMES.get(self.scope, self.scope))
        self.notify(_("Co-occurrence by {scope}.").format(scope=scope), timeout=2)

    def action_rollup(self) -> None:
        """Count sub-codes with their parents, or not."""
        self.rollup = not self.rollup
        self._stale = {"cooccur": True, "matrix": True}
        self._show_bar()
        self._load_mode()

    def action_measure(self) -> None:
        """Show and colour the co-occurrence by c or by n."""
        self.measure = "n" if self.measure == "c" else "c"
        self._show_bar()
        self._fill_cooccurrence()

    def action_columns(self) -> None:
        """Use the next choice of matrix columns: places, then each case attribute."""
        choices = ["place", *(f"attr:{key}" for key in self.keys)]
        current = choices.index(self.cols) if self.cols in choices else 0
        self.cols = choices[(current + 1) % len(choices)]
        self._stale["matrix"] = True
        self._show_bar()
        self._load_mode()

    def action_back(self) -> None:
        """Back from the fragments to the table (or the query box); from the query box, back
        to the table shown before it (the query is kept for the next ``/``)."""
        if self.mode == "query" and self.screen.focused is self.query_one("#query-input"):
            self.action_mode(self._before_query)
            return
        self.focus_default()

    def action_filter(self) -> None:
        """Open the filter form (once what it offers is read)."""
        if self.project is not None:
            self.load_filter_choices(self.project)

    @work(thread=True, exclusive=True, group="filter-choices", exit_on_error=False)
    def load_filter_choices(self, project: Project) -> None:
        """Read the coders, documents, cases and attributes (posts ``FilterChoicesLoaded``)."""
        choices = reading.filter_choices(project)
        if not get_current_worker().is_cancelled:
            self.post_message(FilterChoicesLoaded(choices))

    def on_filter_choices_loaded(self, message: FilterChoicesLoaded) -> None:
        message.stop()
        project = self.project
        if project is None:
            return

        def check(filters: Filters) -> None:
            reading.check_filters(project, filters)

        def chosen(filters: Filters | None) -> None:
            if filters is not None:
                self.set_filters(None if filters.is_empty() else filters)

        self.app.push_screen(FilterForm(message.choices, self.filters, check=check), chosen)

    def set_filters(self, filters: Filters | None) -> None:
        """Count under ``filters`` (None: everything), both tables and the query."""
        self.filters = filters
        self._stale = {"cooccur": True, "matrix": True}
        self._show_filters()
        self.refresh_bindings()
        if self.mode == "query" and self._query and self.project is not None:
            self.run_query(self.project, self._query, filters)
        else:
            # The fragments listed were of a cell counted under the old filters.
            self.query_one(FragmentsView).clear_fragments(
                _("Fragments: Enter on a cell lists them")
            )
        self._load_mode()

    def action_clear_filters(self) -> None:
        """Count everything again."""
        if self.filters is not None:
            self.set_filters(None)
            self.notify(_("Filters cleared: counting everything."), timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Scope and colour belong to the co-occurrence, columns to the matrix."""
        if action in ("scope", "measure"):
            return self.mode == "cooccur"
        if action == "columns":
            return self.mode == "matrix"
        if action == "rollup":
            return self.mode != "query"
        if action == "clear_filters":
            return self.filters is not None
        return True

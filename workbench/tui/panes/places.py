"""The Places tab: the places with kind, status, area and counts, or a summary per area.

``a`` adds a place, ``e`` edits the one under the cursor (aliases and status included), ``s``
switches between the places and the summary per neighbourhood (places by kind; lost, missed
and wished places). Beside the table: the place's (or the area's) details and fragments.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, DataTable, Static
from textual.worker import get_current_worker

from workbench.coding.names import PLACE_STATUS_NAMES
from workbench.i18n import N_, _, counted
from workbench.services import places as places_service
from workbench.services import reading
from workbench.services.project import Project
from workbench.services.reading import AreaSummary, FragmentList, Overview, PlaceRow
from workbench.tui.dialogs.forms import PlaceEdit, PlaceForm
from workbench.tui.messages import ChangeWritten, WriteDone
from workbench.tui.widgets.panels import (
    FragmentsView,
    Pane,
    PlacesTable,
    PlaceWords,
    number,
    row_name,
)

FRAGMENT_LIMIT = 1000
"""The most fragments listed for one place or area."""


class PlaceFragmentsLoaded(Message):
    """The fragments of a place or an area were read."""

    def __init__(self, key: str, fragments: FragmentList) -> None:
        super().__init__()
        self.key = key
        """The place's name, or the area's key."""
        self.fragments = fragments
        """What was read."""


class VocabularyLoaded(Message):
    """The place kinds and statuses were read."""

    def __init__(self, kinds: tuple[str, ...], statuses: tuple[str, ...]) -> None:
        super().__init__()
        self.kinds = kinds
        """The kinds, in codebook order."""
        self.statuses = statuses
        """The statuses."""


def area_key(area: AreaSummary) -> str:
    """The row key of an area in the summary table."""
    return f"{area.municipality}\x00{area.neighbourhood}"


def area_name(area: AreaSummary) -> str:
    """An area as shown: "Hatert, Nijmegen"."""
    name = ", ".join(part for part in (area.neighbourhood, area.municipality) if part)
    return name or _("(no area)")


def place_details(place: PlaceRow, words: PlaceWords | None = None) -> Content:
    """A place's details for the panel beside the table."""
    words = words or PlaceWords()
    lines = [
        Content.assemble(
            (place.name, "bold"),
            (f"  {words.kind(place.kind)} · ", "dim"),
            (words.status(place.status), "bold"),
        )
    ]
    area = ", ".join(p for p in (place.neighbourhood, place.municipality) if p)
    where = " · ".join(p for p in (area, place.address) if p)
    if where:
        lines.append(Content(where))
    if place.latitude is not None and place.longitude is not None:
        lines.append(Content.styled(f"{place.latitude:.5f}, {place.longitude:.5f}", "dim"))
    if place.aliases:
        lines.append(Content.assemble((_("Also") + ": ", "bold"), ", ".join(place.aliases)))
    if place.description:
        lines.append(Content(place.description))
    return Content("\n").join(lines)


def area_details(area: AreaSummary, words: PlaceWords | None = None) -> Content:
    """An area's summary for the panel beside the table."""
    words = words or PlaceWords()
    lines = [
        Content.assemble(
            (area_name(area), "bold"),
            (
                "  "
                + counted(area.places, "place", "places")
                + ", "
                + counted(area.segments, "linked segment", "linked segments"),
                "dim",
            ),
        ),
        Content.assemble(
            (_("By kind") + ": ", "bold"),
            ", ".join(f"{words.kind(kind)} {n}" for kind, n in area.kinds),
        ),
    ]
    for label, names, style in (
        (_("Lost"), area.lost, "bold $error"),
        (_("Missed"), area.missed, "bold $warning"),
        (_("Wished"), area.wished, "bold $secondary"),
    ):
        if names:
            lines.append(Content.assemble((f"{label}: ", style), ", ".join(names)))
    return Content("\n").join(lines)


def count(value: int) -> Text:
    """A count in the summary, with a dim dot for none."""
    return number(value) if value else Text("·", justify="right", style="dim")


class AreasTable(DataTable[object]):
    """The summary per neighbourhood: places, by status, links, and the kinds."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(_("Area"), key="area")
        self.add_column(_("Places"), key="places")
        self.add_column(_("Lost"), key="lost")
        self.add_column(_("Missed"), key="missed")
        self.add_column(_("Wished"), key="wished")
        self.add_column(_("Segments"), key="segments")
        self.add_column(_("Kinds"), key="kinds")

    def show_areas(self, areas: tuple[AreaSummary, ...], words: PlaceWords | None = None) -> None:
        """Fill the table, keeping the cursor on the same area."""
        words = words or PlaceWords()
        keep = row_name(self)
        self.clear()
        for area in areas:
            kinds = ", ".join(f"{words.kind(kind)} {n}" for kind, n in area.kinds)
            self.add_row(
                area_name(area),
                number(area.places),
                count(len(area.lost)),
                count(len(area.missed)),
                count(len(area.wished)),
                number(area.segments),
                Text(kinds, style="dim"),
                key=area_key(area),
            )
        if keep is not None:
            try:
                self.move_cursor(row=self.get_row_index(keep))
            except Exception:
                pass


class PlacesPane(Pane):
    """The places (or the summary per area) and the details and fragments of the one chosen."""

    DEFAULT_FOCUS = "#places-table"

    BINDINGS = [
        Binding("a", "add", N_("Add"), id="places.add", tooltip=N_("Add a place")),
        Binding(
            "e",
            "edit",
            N_("Edit"),
            id="places.edit",
            tooltip=N_("Edit the place: name, kind, status, area, aliases, coordinates"),
        ),
        Binding(
            "s",
            "summary",
            N_("Areas"),
            id="places.summary",
            tooltip=N_("Switch between the places and the summary per neighbourhood"),
        ),
        Binding(
            "escape",
            "back",
            N_("Table"),
            show=False,
            id="places.back",
            tooltip=N_("Back from the fragments to the table"),
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.places: tuple[PlaceRow, ...] = ()
        """The places, as last read."""
        self.areas: tuple[AreaSummary, ...] = ()
        """The summary per area, from the places."""
        self.kinds: tuple[str, ...] = ()
        self.words = PlaceWords()
        """How kinds and statuses are shown (labels in the codebook's language)."""
        """The place kinds of the codebook."""
        self.statuses: tuple[str, ...] = PLACE_STATUS_NAMES
        """The place statuses."""
        self._select_after: str | None = None
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Container(id="places-body"):
            with ContentSwitcher(id="places-switcher", initial="places-table"):
                yield PlacesTable(id="places-table")
                yield AreasTable(id="areas-table")
            with Vertical(id="place-side"):
                with VerticalScroll(id="place-detail-scroll"):
                    yield Static(Content.styled(_("No place chosen."), "dim"), id="place-detail")
                yield FragmentsView(id="place-fragments")

    def on_mount(self) -> None:
        self.query_one("#place-detail-scroll").border_title = _("Place")

    @property
    def showing_areas(self) -> bool:
        """True while the summary per area is shown."""
        return self.query_one(ContentSwitcher).current == "areas-table"

    @property
    def current_place(self) -> PlaceRow | None:
        """The place under the cursor (in the places table)."""
        name = self.query_one(PlacesTable).current_name
        return next((place for place in self.places if place.name == name), None)

    @property
    def current_area(self) -> AreaSummary | None:
        """The area under the cursor (in the summary)."""
        key = row_name(self.query_one(AreasTable))
        return next((area for area in self.areas if area_key(area) == key), None)

    # --- reading -------------------------------------------------------------------------

    def show_overview(self, overview: Overview) -> None:
        """Fill both tables and read the one under the cursor again."""
        self.places = overview.places
        self.words = PlaceWords.of(overview)
        self.areas = reading.area_summary(overview.places)
        table = self.query_one(PlacesTable)
        table.show_places(overview.places, self.words)
        if self._select_after is not None:
            table.select_name(self._select_after)
            self._select_after = None
        self.query_one(AreasTable).show_areas(self.areas, self.words)
        if self.project is not None:
            self.load_vocabulary(self.project)
        self.call_after_refresh(self._load_current)

    @work(thread=True, exclusive=True, group="place-vocabulary", exit_on_error=False)
    def load_vocabulary(self, project: Project) -> None:
        """Read the place kinds and statuses (for the place form)."""
        kinds, statuses = reading.place_vocabulary(project)
        if not get_current_worker().is_cancelled:
            self.post_message(VocabularyLoaded(kinds, statuses))

    def on_vocabulary_loaded(self, message: VocabularyLoaded) -> None:
        message.stop()
        self.kinds, self.statuses = message.kinds, message.statuses

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.12, self._load_current)

    @property
    def pending(self) -> bool:
        """True while a read waits for the cursor to rest."""
        return self._debounce is not None

    def _load_current(self) -> None:
        self._debounce = None
        project = self.project
        if project is None:
            return
        detail = self.query_one("#place-detail", Static)
        scroll = self.query_one("#place-detail-scroll")
        if self.showing_areas:
            area = self.current_area
            scroll.border_title = _("Area")
            if area is None:
                return
            detail.update(area_details(area, self.words))
            names = [p.name for p in self.places if area_key_of(p) == area_key(area)]
            self.load_fragments(
                project,
                area_key(area),
                _("at places in {area}").format(area=area_name(area)),
                names,
            )
        else:
            place = self.current_place
            scroll.border_title = _("Place")
            if place is None:
                return
            detail.update(place_details(place, self.words))
            self.load_fragments(project, place.name, "", [place.name])

    @work(thread=True, exclusive=True, group="place-view", exit_on_error=False)
    def load_fragments(self, project: Project, key: str, title: str, names: list[str]) -> None:
        """Read the fragments of one place, or of the places of an area."""
        if title:
            found = reading.places_view(project, title, names, limit=FRAGMENT_LIMIT + 1)
        else:
            found = reading.place_view(project, names[0], limit=FRAGMENT_LIMIT + 1)
        if not get_current_worker().is_cancelled:
            self.post_message(PlaceFragmentsLoaded(key, found))

    def on_place_fragments_loaded(self, message: PlaceFragmentsLoaded) -> None:
        message.stop()
        self.query_one(FragmentsView).show_fragments(message.fragments, limit=FRAGMENT_LIMIT)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        fragments = self.query_one(FragmentsView)
        if fragments.current is not None:
            fragments.focus()

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the table."""
        switcher = self.query_one(ContentSwitcher)
        self.screen.set_focus(self.query_one(f"#{switcher.current}"))

    def action_summary(self) -> None:
        """Switch between the places and the summary per area."""
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "places-table" if self.showing_areas else "areas-table"
        self.screen.set_focus(self.query_one(f"#{switcher.current}"))
        self._load_current()

    def _save(self, edit: PlaceEdit | None) -> None:
        if edit is None:
            return
        self._select_after = str(edit.fields.get("name") or edit.original or "")
        self.workbench.submit_write(lambda project: ChangeWritten(save_place(project, edit)))

    def action_add(self) -> None:
        """Add a place."""
        form = PlaceForm(
            None,
            kinds=self.kinds,
            statuses=self.statuses,
            kind_label=self.words.kind,
            status_label=self.words.status,
        )
        self.app.push_screen(form, self._save)

    def action_edit(self) -> None:
        """Edit the place under the cursor."""
        if self.showing_areas:
            self.notify(_("Switch to the places (s) to edit one."), severity="warning", timeout=3)
            return
        place = self.current_place
        if place is None:
            self.notify(_("Choose a place in the table first."), severity="warning", timeout=3)
            return
        form = PlaceForm(
            place,
            kinds=self.kinds,
            statuses=self.statuses,
            kind_label=self.words.kind,
            status_label=self.words.status,
        )
        self.app.push_screen(form, self._save)


def area_key_of(place: PlaceRow) -> str:
    """The key of the area a place lies in."""
    return f"{place.municipality}\x00{place.neighbourhood}"


def save_place(project: Project, edit: PlaceEdit) -> WriteDone:
    """Add the place of the form (``original`` None) or change it, aliases included, through
    the same services as ``place add`` and ``place edit`` (a write worker calls this)."""
    fields: dict[str, Any] = dict(edit.fields)
    name = str(fields.pop("name", "") or "")
    if edit.original is None:
        kind = str(fields.pop("kind", "") or "")
        saved = places_service.add_place(project, name, kind=kind, aliases=edit.aliases, **fields)
    else:
        saved = places_service.edit_place(
            project, edit.original, new_name=name or None, aliases=edit.aliases, **fields
        )
    return WriteDone(saved.summary)

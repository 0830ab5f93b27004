"""The project: documents, codebook, places and analysis, one tab each (keys 1 to 4).

The screen reads the overview (documents, code tree, places) in a thread worker and hands it
to every tab; each tab reads what only it shows in its own workers. A fragment chosen in any
tab opens its transcript at the fragment.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Header, TabbedContent, TabPane, Tabs

from workbench.i18n import N_, _
from workbench.tui.messages import OverviewLoaded, ProjectChanged
from workbench.tui.panes.analysis import AnalysisPane
from workbench.tui.panes.codebook import CodebookPane
from workbench.tui.panes.documents import DocumentsPane
from workbench.tui.panes.places import PlacesPane
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.footer import FittingFooter
from workbench.tui.widgets.panels import FragmentChosen, Pane

TABS: dict[str, tuple[str, str, type[Pane]]] = {
    "documents": ("1", N_("Documents"), DocumentsPane),
    "codebook": ("2", N_("Codebook"), CodebookPane),
    "places": ("3", N_("Places"), PlacesPane),
    "analysis": ("4", N_("Analysis"), AnalysisPane),
}
"""Tab id → (key, title (English: see ``tab_label``), pane class)."""

TAB_TOOLTIPS = {
    "documents": N_("Show the Documents tab"),
    "codebook": N_("Show the Codebook tab"),
    "places": N_("Show the Places tab"),
    "analysis": N_("Show the Analysis tab"),
}
"""Tab id → the tooltip of its key."""


def tab_label(key: str, title: str, count: int | None = None) -> Content:
    """A tab's label: its key, its title (translated) and how many things it lists."""
    label = Content.assemble(f"{key} ", _(title))
    if count is not None:
        label += Content(f" {count}")
    return label


class MainScreen(WorkbenchScreen):
    """The project: its documents, codebook, places and analysis, one tab each."""

    AUTO_FOCUS = "#documents-table"

    BINDINGS = [
        Binding(
            key,
            f"tab('{tab}')",
            title,
            show=False,
            id=f"main.{tab}",
            tooltip=TAB_TOOLTIPS[tab],
        )
        for tab, (key, title, _pane) in TABS.items()
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="main-tabs"):
            for tab, (key, title, pane) in TABS.items():
                with TabPane(tab_label(key, title), id=tab):
                    yield pane(id=f"{tab}-pane")
        yield FittingFooter()

    def on_mount(self) -> None:
        self._tabs_take_no_focus()
        if self.project is not None:
            self.load_overview(self.project)

    def _tabs_take_no_focus(self) -> None:
        # The row of tabs takes no focus: 1-4 and the mouse choose a tab, and Tab then goes
        # between the lists of a tab only (focused, the row of tabs showed no cursor at all).
        for tabs in self.query_one(TabbedContent).query(Tabs):
            tabs.can_focus = False

    async def retranslate(self) -> None:
        await super().retranslate()
        self._tabs_take_no_focus()
        self.set_focus(None)
        if self.AUTO_FOCUS:
            self.query_one(self.AUTO_FOCUS).focus()

    @property
    def pending(self) -> bool:
        return any(self.pane(tab).pending for tab in TABS)

    def pane(self, tab: str) -> Pane:
        """The pane of a tab."""
        return self.query_one(f"#{tab}-pane", Pane)

    def on_project_changed(self, _message: ProjectChanged) -> None:
        if self.project is not None:
            self.load_overview(self.project)

    def on_screen_resume(self) -> None:
        """Back from a transcript: the visible tab catches up with changes made there."""
        active = self.query_one(TabbedContent).active
        if active in TABS:
            self.pane(active).tab_shown()

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        overview = message.overview
        for tab in TABS:
            self.pane(tab).show_overview(overview)
        tabs = self.query_one(TabbedContent)
        counts = {
            "documents": len(overview.documents),
            "codebook": len(overview.codes),
            "places": len(overview.places),
        }
        for tab, (key, title, _pane) in TABS.items():
            tabs.get_tab(tab).label = tab_label(key, title, counts.get(tab))
        if self.focused is None and tabs.active in TABS:
            self.pane(tabs.active).focus_default()

    @on(DataTable.RowSelected, "#documents-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.workbench.open_document(str(event.row_key.value))

    @on(FragmentChosen)
    def _read(self, event: FragmentChosen) -> None:
        fragment = event.fragment
        self.workbench.open_document(fragment.document, select=(fragment.start, fragment.end))

    @on(TabbedContent.TabActivated, "#main-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        # A tab clicked with the mouse: put the focus in it, as its key does.
        pane_id = event.pane.id
        if pane_id in TABS:
            self.pane(pane_id).tab_shown()
        focused = self.focused
        if pane_id in TABS and (focused is None or event.pane not in focused.ancestors):
            self.pane(pane_id).focus_default()

    def action_tab(self, tab: str) -> None:
        """Show one of the tabs and put the focus in it."""
        self.query_one(TabbedContent).active = tab
        # Focus now, not later: a key typed right after (Enter) must reach the new tab.
        self.pane(tab).focus_default()

    def run_pane_action(self, tab: str, action: str) -> None:
        """Show a tab and run one of its pane's actions (for the command palette)."""
        self.action_tab(tab)
        self.call_after_refresh(self.pane(tab).run_action, action)

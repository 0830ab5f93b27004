"""Panels shown on more than one screen: the documents table, the code tree, the places table,
the list of what lies under the transcript's cursor, and the list of fragments; and
:class:`Pane`, the base of the main screen's tabs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState

from workbench.analysis.fragments import Fragment
from workbench.i18n import N_, _, counted, ngettext, shows_labels
from workbench.i18n import number as grouped
from workbench.services.reading import (
    CodeRow,
    DocumentRow,
    FragmentList,
    Overview,
    PlaceRow,
    SegmentInfo,
)
from workbench.tui.dialogs.common import swatch
from workbench.tui.themes import current_background, legible
from workbench.tui.widgets.transcript import LineIndex

if TYPE_CHECKING:
    from workbench.services.project import Project
    from workbench.tui.app import WorkbenchApp


def number(value: int) -> Text:
    """A count, right-aligned in its column."""
    return Text(grouped(value), justify="right")


def lines_text(first: int, last: int) -> str:
    """Where a passage is: "line 12" or "lines 12–14"."""
    if first == last:
        return _("line {line}").format(line=first)
    return _("lines {first}–{last}").format(first=first, last=last)


def shown_codes(overview: Overview) -> tuple[CodeRow, ...]:
    """The overview's codes as the interface shows them: with the codebook's labels only
    when they are in the interface's language (a Dutch codebook's labels in a Dutch
    interface; in an English one, the names only)."""
    if shows_labels(overview.labels_language):
        return overview.codes
    return tuple(replace(code, label="") if code.label else code for code in overview.codes)


#: The statuses every project has, in the interface's language where the codebook gives no
#: label to show.
_STATUS_WORDS = {
    "existing": N_("existing"),
    "lost": N_("lost"),
    "missed": N_("missed"),
    "wished": N_("wished"),
}


@dataclass(frozen=True)
class PlaceWords:
    """How place kinds and statuses are shown: by the codebook's label where the interface
    shows its labels (a Dutch codebook's "Bibliotheek" in a Dutch interface), else by name
    (the four usual statuses in the interface's language)."""

    kinds: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, overview: Overview) -> PlaceWords:
        if not shows_labels(overview.labels_language):
            return cls()
        return cls(dict(overview.kind_labels), dict(overview.status_labels))

    def kind(self, name: str) -> str:
        return self.kinds.get(name) or name

    def status(self, name: str) -> str:
        label = self.statuses.get(name)
        if label:
            return label
        return _(_STATUS_WORDS[name]) if name in _STATUS_WORDS else name


def row_name(table: DataTable[object]) -> str | None:
    """The key of the row under a table's cursor (the name of what the row shows)."""
    if not table.row_count:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    except Exception:
        return None
    return None if key.value is None else str(key.value)


class DocumentsTable(DataTable[object]):
    """The documents: name, cases, words, turns, segments, attributes. Enter opens one."""

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            N_("Open"),
            id="documents.open",
            tooltip=N_("Open the document under the cursor to read and code it"),
        ),
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(_("Document"), key="name")
        self.add_column(_("Cases"), key="cases")
        self.add_column(_("Words"), key="words")
        self.add_column(_("Turns"), key="turns")
        self.add_column(_("Segments"), key="segments")
        self.add_column(_("Attributes"), key="attributes")

    def show_documents(self, documents: Sequence[DocumentRow]) -> None:
        """Fill the table, keeping the cursor on the same document when it is still there."""
        keep = self.current_name
        self.clear()
        for doc in documents:
            self.add_row(
                doc.name,
                ", ".join(doc.cases) or Text("—", style="dim"),
                number(doc.words),
                number(doc.turns),
                number(doc.segments),
                Text(", ".join(f"{key}={value}" for key, value in doc.attributes), style="dim"),
                key=doc.name,
            )
        if keep is not None and keep in {doc.name for doc in documents}:
            self.move_cursor(row=self.get_row_index(keep))

    @property
    def current_name(self) -> str | None:
        """The name of the document under the cursor."""
        return row_name(self)

    def select_name(self, name: str) -> bool:
        """Put the cursor on the document called ``name``; False when it is not listed."""
        try:
            self.move_cursor(row=self.get_row_index(name))
        except Exception:
            return False
        return True


class CodeTree(Tree[str]):
    """The code tree with the number of segments coded with each code (and its descendants)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Codes", id=id)
        self.show_root = False
        self.guide_depth = 2

    @property
    def current_name(self) -> str | None:
        """The name of the code under the cursor."""
        node = self.cursor_node
        return None if node is None or node.data is None else str(node.data)

    def select_code(self, name: str) -> bool:
        """Put the cursor on the code called ``name``; False when there is none."""
        found = self._find(self.root, name)
        if found is None:
            return False
        # Line numbers exist once the tree has been laid out again.
        self.call_after_refresh(self.move_cursor, found)
        return True

    def _find(self, node: TreeNode[str], name: str) -> TreeNode[str] | None:
        for child in node.children:
            if child.data == name:
                return child
            found = self._find(child, name)
            if found is not None:
                return found
        return None

    def show_codes(self, codes: Sequence[CodeRow]) -> None:
        """Rebuild the tree from the core's code tree, all branches open, keeping the cursor
        on the same code when it is still there."""
        keep = self.current_name
        self.clear()
        parents = {code.parent for code in codes if code.parent}
        nodes: dict[str, TreeNode[str]] = {}
        for code in codes:
            count = str(code.segments)
            if code.segments_total != code.segments:
                count += f" ({code.segments_total})"
            label = Text.assemble(
                ("■ ", legible(code.color, current_background()) or "default"),
                code.name,
                (f"  {count}", "dim" if not code.segments else ""),
            )
            parent = (nodes.get(code.parent) if code.parent else None) or self.root
            if code.name in parents:
                nodes[code.name] = parent.add(label, data=code.name, expand=True)
            else:
                parent.add_leaf(label, data=code.name)
        self.root.expand_all()
        if keep is not None:
            self.select_code(keep)


STATUS_STYLES = {"lost": "error", "missed": "warning", "wished": "secondary"}
"""The theme colour a place status is shown in (in bold, besides its name)."""


class PlacesTable(DataTable[object]):
    """The places: name, status, kind, linked segments, neighbourhood and municipality."""

    def _status_style(self, status: str) -> str:
        variable = STATUS_STYLES.get(status)
        color = self.app.theme_variables.get(variable, "") if variable else ""
        return f"bold {color}" if color else ""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(_("Place"), key="name")
        self.add_column(_("Status"), key="status")
        self.add_column(_("Kind"), key="kind")
        self.add_column(_("Segments"), key="segments")
        self.add_column(_("Area"), key="area")

    def show_places(self, places: Sequence[PlaceRow], words: PlaceWords | None = None) -> None:
        """Fill the table, keeping the cursor on the same place when it is still there."""
        words = words or PlaceWords()
        keep = self.current_name
        self.clear()
        # At 80 columns every column fits: long names are cut in the middle and the area
        # is the neighbourhood alone (the panel below shows both in full).
        narrow = self.app.size.width < 110
        for place in places:
            parts = (place.neighbourhood,) if narrow else (place.neighbourhood, place.municipality)
            area = ", ".join(p for p in parts if p)
            name = place.name
            if narrow and len(name) > 24:
                name = name[:15] + "…" + name[-8:]
            self.add_row(
                name,
                Text(words.status(place.status), style=self._status_style(place.status)),
                words.kind(place.kind),
                number(place.segments),
                area,
                key=place.name,
            )
        if keep is not None:
            self.select_name(keep)

    @property
    def current_name(self) -> str | None:
        """The name of the place under the cursor."""
        return row_name(self)

    def select_name(self, name: str) -> bool:
        """Put the cursor on the place called ``name``; False when it is not listed."""
        try:
            self.move_cursor(row=self.get_row_index(name))
        except Exception:
            return False
        return True


class HerePanel(Static):
    """The codes and places of the segments under the cursor (or touching the selection)."""

    def show_here(
        self,
        segments: Sequence[SegmentInfo],
        index: LineIndex,
        *,
        offset: int,
        selection: tuple[int, int] | None,
    ) -> None:
        """List the segments at ``offset`` or intersecting ``selection``."""
        if selection is not None:
            found = [s for s in segments if s.intersects(*selection)]
            row0, _column = index.location(selection[0])
            row1, _column = index.location(max(selection[0], selection[1] - 1))
            lines = lines_text(row0 + 1, row1 + 1)
            head = Content.styled(
                _("selected {characters}, {lines}").format(
                    characters=counted(selection[1] - selection[0], "char", "chars"), lines=lines
                ),
                "dim",
            )
        else:
            found = [s for s in segments if s.covers(offset)]
            row, column = index.location(offset)
            head = Content.styled(
                _("line {line}, column {column}").format(line=row + 1, column=column + 1), "dim"
            )
        parts: list[Content] = [head]
        if not found:
            parts.append(Content.styled(_("no segment here"), "dim italic"))
        for segment in found:
            first, _column = index.location(segment.start)
            last, _column = index.location(max(segment.start, segment.end - 1))
            where = lines_text(first + 1, last + 1)
            number = f"#{segment.id}" if segment.id > 0 else _("new")  # still being written
            parts.append(
                Content.styled(f"{number}  {where}  ({segment.start}–{segment.end})", "bold")
            )
            for name, color in zip(segment.codes, segment.colors, strict=True):
                parts.append(Content.assemble(" ", swatch(color), name))
            for place in segment.places:
                parts.append(Content.assemble((" ⌖ ", "bold"), place))
            for memo in segment.memos:
                note = " ".join(memo.text.split())
                note = note if len(note) <= 60 else note[:59] + "…"
                parts.append(Content.assemble((" ✎ ", "bold"), (note, "italic")))
        # A fixed height (app.tcss): no layout pass for every cursor move.
        self.update(Content("\n").join(parts), layout=False)


# --- fragments ---------------------------------------------------------------------------------


class FragmentChosen(Message):
    """The user chose a fragment to read in its transcript."""

    def __init__(self, fragment: Fragment) -> None:
        super().__init__()
        self.fragment = fragment
        """The fragment chosen."""


def fragment_prompt(fragment: Fragment, *, excerpt: int = 240) -> Content:
    """A fragment as a list entry: where it is, its text (shortened), its codes and places."""
    where = [lines_text(fragment.line_start, fragment.line_end)]
    if fragment.speaker:
        where.append(fragment.speaker)
    if fragment.case:
        where.append(fragment.case)
    text = " ".join(fragment.text.split())
    if len(text) > excerpt:
        text = text[: excerpt - 1] + "…"
    tags = ", ".join(fragment.codes)
    if fragment.places:
        tags += "  ⌖ " + ", ".join(fragment.places)
    return Content.assemble(
        (fragment.document, "bold"),
        (f"  {' · '.join(where)}  #{fragment.segment}\n", "dim"),
        text,
        "\n",
        (tags, "italic"),
    )


class FragmentsView(OptionList):
    """A list of fragments; Enter (or a click) posts :class:`FragmentChosen`."""

    BINDINGS = [
        Binding(
            "enter",
            "select",
            N_("Read"),
            id="fragments.read",
            tooltip=N_("Open the transcript at the highlighted fragment"),
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listed: FragmentList | None = None
        """What is listed, or None before anything was."""
        self.border_title = _("Fragments")

    def show_fragments(self, listed: FragmentList, *, limit: int | None = None) -> None:
        """List the fragments of ``listed``; ``limit`` is how many were read at most. The
        same list read again (after a write) keeps its highlighted fragment."""
        before = self.current if self.listed is not None else None
        same = before is not None and self.listed is not None and self.listed.title == listed.title
        self.listed = listed
        count = len(listed.fragments)
        self.set_class(not count, "-empty")
        more = limit is not None and count > limit
        shown = listed.fragments[:limit] if more else listed.fragments
        options: list[Option | None] = []
        for index, fragment in enumerate(shown):
            if index:
                options.append(None)  # a separator line
            options.append(Option(fragment_prompt(fragment), id=str(index)))
        if not options:
            options.append(Option(Content.styled(_("no fragments"), "italic"), disabled=True))
        self.set_options(options)
        self.highlighted = 0 if shown else None
        if same and before is not None:
            kept = next((i for i, f in enumerate(shown) if f.segment == before.segment), None)
            if kept is not None:
                self.highlighted = self.get_option_index(str(kept))
        if more:
            total = ngettext("first {count} fragment", "first {count} fragments", len(shown))
            total = total.format(count=grouped(len(shown)))
        else:
            total = counted(count, "fragment", "fragments")
        self.border_title = f"{total} {listed.title}"
        self.border_subtitle = listed.query

    def clear_fragments(self, title: str = "") -> None:
        """Show nothing."""
        self.listed = None
        self.add_class("-empty")
        self.clear_options()
        self.border_title = title or _("Fragments")
        self.border_subtitle = ""

    @property
    def current(self) -> Fragment | None:
        """The highlighted fragment."""
        option = self.highlighted_option
        if self.listed is None or option is None or option.id is None:
            return None
        return self.listed.fragments[int(option.id)]

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.listed is not None and event.option.id is not None:
            self.post_message(FragmentChosen(self.listed.fragments[int(event.option.id)]))


# --- the tabs of the main screen -------------------------------------------------------------


class Pane(Vertical):
    """A tab of the main screen. It reads in thread workers and hands their failures to the
    app; the main screen gives it every new overview of the project."""

    DEFAULT_FOCUS = ""
    """A selector for the widget to focus when the tab is shown."""

    @property
    def workbench(self) -> WorkbenchApp:
        """The app (typed)."""
        return cast("WorkbenchApp", self.app)  # the only app these screens run in

    @property
    def project(self) -> Project | None:
        """The open project, or None while it is being opened."""
        return self.workbench.project

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: show this pane's failures."""
        if event.state == WorkerState.ERROR:
            self.workbench.report_error(event.worker.error)
            self.worker_failed(event.worker)

    @property
    def pending(self) -> bool:
        """True while a read of this pane waits on a timer (see ``WorkbenchScreen.pending``)."""
        return False

    def worker_failed(self, worker: Worker[object]) -> None:
        """Called after a worker of this pane failed (and the error was shown)."""

    def show_overview(self, overview: Overview) -> None:
        """The project was read (again): show what changed."""

    @property
    def shown(self) -> bool:
        """Whether the user sees this pane: its tab is active and its screen on top."""
        return self.screen is self.app.screen and all(
            node.display for node in self.ancestors_with_self if isinstance(node, Widget)
        )

    def tab_shown(self) -> None:
        """The pane came into view (its tab was activated, or its screen came back)."""

    def focus_default(self) -> None:
        """Focus the widget this tab starts in."""
        if self.DEFAULT_FOCUS:
            self.screen.set_focus(self.query_one(self.DEFAULT_FOCUS))

"""Panels shown on more than one screen: the documents table, the code tree, the places table,
and the list of what lies under the transcript's cursor."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Static, Tree
from textual.widgets.tree import TreeNode

from workbench.tui.data import CodeRow, DocumentRow, PlaceRow, SegmentInfo
from workbench.tui.dialogs import swatch
from workbench.tui.transcript import LineIndex


def number(value: int) -> Text:
    """A count, right-aligned in its column."""
    return Text(f"{value:,}", justify="right")


class DocumentsTable(DataTable[object]):
    """The documents: name, cases, words, turns, segments. Enter opens one."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Document", key="name")
        self.add_column("Cases", key="cases")
        self.add_column("Words", key="words")
        self.add_column("Turns", key="turns")
        self.add_column("Segments", key="segments")

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
                key=doc.name,
            )
        if keep is not None and keep in {doc.name for doc in documents}:
            self.move_cursor(row=self.get_row_index(keep))

    @property
    def current_name(self) -> str | None:
        """The name of the document under the cursor."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return None if key.value is None else str(key.value)


class CodeTree(Tree[str]):
    """The code tree with the number of segments coded with each code (and its descendants)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Codes", id=id)
        self.show_root = False
        self.guide_depth = 2

    def show_codes(self, codes: Sequence[CodeRow]) -> None:
        """Rebuild the tree from the core's code tree, all branches open."""
        self.clear()
        parents = {code.parent for code in codes if code.parent}
        nodes: dict[str, TreeNode[str]] = {}
        for code in codes:
            count = str(code.segments)
            if code.segments_total != code.segments:
                count += f" ({code.segments_total})"
            label = Text.assemble(
                ("■ ", code.color), code.name, (f"  {count}", "dim" if not code.segments else "")
            )
            parent = (nodes.get(code.parent) if code.parent else None) or self.root
            if code.name in parents:
                nodes[code.name] = parent.add(label, data=code.name, expand=True)
            else:
                parent.add_leaf(label, data=code.name)
        self.root.expand_all()


class PlacesTable(DataTable[object]):
    """The places: name, kind, status, neighbourhood, linked segments."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Place", key="name")
        self.add_column("Kind", key="kind")
        self.add_column("Status", key="status")
        self.add_column("Area", key="area")
        self.add_column("Segments", key="segments")

    def show_places(self, places: Sequence[PlaceRow]) -> None:
        """Fill the table."""
        self.clear()
        for place in places:
            area = ", ".join(p for p in (place.neighbourhood, place.municipality) if p)
            self.add_row(
                place.name,
                place.kind,
                place.status,
                area,
                number(place.segments),
                key=place.name,
            )


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
            row0, _ = index.location(selection[0])
            row1, _ = index.location(max(selection[0], selection[1] - 1))
            lines = f"{row0 + 1}" if row0 == row1 else f"{row0 + 1}–{row1 + 1}"
            head = Content.styled(
                f"selected {selection[1] - selection[0]} chars, line {lines}", "dim"
            )
        else:
            found = [s for s in segments if s.covers(offset)]
            row, column = index.location(offset)
            head = Content.styled(f"line {row + 1}, column {column + 1}", "dim")
        parts: list[Content] = [head]
        if not found:
            parts.append(Content.styled("no segment here", "dim italic"))
        for segment in found:
            first, _ = index.location(segment.start)
            last, _ = index.location(max(segment.start, segment.end - 1))
            where = f"line {first + 1}" if first == last else f"lines {first + 1}–{last + 1}"
            parts.append(
                Content.styled(f"#{segment.id}  {where}  ({segment.start}–{segment.end})", "bold")
            )
            for name, color in zip(segment.codes, segment.colors, strict=True):
                parts.append(Content.assemble(" ", swatch(color), name))
            for place in segment.places:
                parts.append(Content.assemble((" ⌖ ", "bold"), place))
        self.update(Content("\n").join(parts))

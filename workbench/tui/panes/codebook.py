"""The Codebook tab: the code tree with counts, the selected code's definition and fragments.

Keys act on the code under the tree's cursor: ``a`` add, ``r`` rename, ``M`` move, ``g`` merge,
``e`` edit the definition, ``k`` colour, ``x`` delete. Each is one write on the app's queue (one
transaction, one change that ctrl+z undoes). Enter on the tree goes to the code's fragments;
Enter on a fragment opens its transcript there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, Tree
from textual.worker import get_current_worker

from workbench.services import codebook as codebook_service
from workbench.services import reading
from workbench.services.project import Project
from workbench.services.reading import CodeDetail, CodeRow, FragmentList, Overview
from workbench.tui.dialogs.common import Choice, ConfirmDialog, FuzzyPicker, Picked, PickerScreen
from workbench.tui.dialogs.forms import (
    TOP,
    CodeForm,
    ColourDialog,
    NewCode,
    NewCodeForm,
    TextPrompt,
)
from workbench.tui.messages import ChangeWritten, WriteDone
from workbench.tui.widgets.panels import CodeTree, FragmentsView, Pane

FRAGMENT_LIMIT = 1000
"""The most fragments listed for one code."""


class CodeViewLoaded(Message):
    """A code's definition and fragments were read."""

    def __init__(self, detail: CodeDetail, fragments: FragmentList) -> None:
        super().__init__()
        self.detail = detail
        """The code's definition."""
        self.fragments = fragments
        """Its fragments."""


def definition(detail: CodeDetail, row: CodeRow | None) -> Content:
    """A code's definition for the detail panel."""
    head = [Content.styled("■ ", detail.color), Content.styled(detail.name, "bold")]
    if detail.label:
        head.append(Content.styled(f"  {detail.label}", "italic"))
    if detail.parent:
        head.append(Content.styled(f"  under {detail.parent}", "dim"))
    lines = [Content.assemble(*head)]
    if row is not None:
        counts = f"{row.segments:,} segments in {row.documents:,} documents"
        if row.segments_total != row.segments:
            counts += f"; {row.segments_total:,} with its sub-codes"
        lines.append(Content.styled(counts, "dim"))
    if detail.description:
        lines.append(Content(detail.description))
    for label, text in (
        ("Use when", detail.inclusion),
        ("Not when", detail.exclusion),
        ("Example", detail.example),
    ):
        if text:
            lines.append(Content.assemble((f"{label}: ", "bold"), text))
    if detail.keywords:
        lines.append(Content.assemble(("Keywords: ", "bold"), ", ".join(detail.keywords)))
    if len(lines) == 2:
        lines.append(Content.styled("No definition yet: e edits it.", "dim italic"))
    return Content("\n").join(lines)


class CodebookPane(Pane):
    """The code tree, and beside it the definition and fragments of the code under the cursor."""

    DEFAULT_FOCUS = "#codes-tree"

    BINDINGS = [
        Binding("a", "add", "Add", id="codebook.add", tooltip="Add a code"),
        Binding("r", "rename", "Rename", id="codebook.rename", tooltip="Rename the code"),
        Binding(
            "M,shift+m",
            "move",
            "Move",
            key_display="M",
            show=False,
            id="codebook.move",
            tooltip="Move the code (with its sub-codes) under another code",
        ),
        Binding(
            "g",
            "merge",
            "Merge",
            id="codebook.merge",
            tooltip="Merge the code into another: its codings move there",
        ),
        Binding(
            "e",
            "edit",
            "Define",
            id="codebook.edit",
            tooltip="Edit the definition: label, description, criteria, example, keywords",
        ),
        Binding(
            "k", "colour", "Colour", show=False, id="codebook.colour", tooltip="Change the colour"
        ),
        Binding(
            "x,delete",
            "delete",
            "Delete",
            key_display="x",
            show=False,
            id="codebook.delete",
            tooltip="Delete the code, its sub-codes and their codings",
        ),
        Binding(
            "escape",
            "back",
            "Tree",
            show=False,
            id="codebook.back",
            tooltip="Back from the fragments to the code tree",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: tuple[CodeRow, ...] = ()
        """The code tree, as last read."""
        self.detail: CodeDetail | None = None
        """The definition of the code shown beside the tree."""
        self._select_after: str | None = None
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="codebook-body"):
            yield CodeTree(id="codes-tree")
            with Vertical(id="code-side"):
                with VerticalScroll(id="code-detail-scroll"):
                    yield Static(Content.styled("No code chosen.", "dim"), id="code-detail")
                yield FragmentsView(id="code-fragments")

    def on_mount(self) -> None:
        self.query_one("#code-detail-scroll").border_title = "Definition"

    @property
    def code_tree(self) -> CodeTree:
        """The code tree."""
        return self.query_one(CodeTree)

    @property
    def current(self) -> CodeRow | None:
        """The code under the tree's cursor."""
        name = self.code_tree.current_name
        return next((code for code in self.codes if code.name == name), None)

    # --- reading -------------------------------------------------------------------------

    def show_overview(self, overview: Overview) -> None:
        """Rebuild the tree (keeping the cursor, or on the code just written) and read the
        code under the cursor again."""
        self.codes = overview.codes
        tree = self.code_tree
        tree.show_codes(overview.codes)
        if self._select_after is not None:
            tree.select_code(self._select_after)
            self._select_after = None
        self.call_after_refresh(self._after_rebuild)

    def _after_rebuild(self) -> None:
        tree = self.code_tree
        if tree.cursor_node is None and tree.last_line >= 0:
            tree.move_cursor_to_line(0)
        self._load_current()

    @on(Tree.NodeHighlighted, "#codes-tree")
    def _highlighted(self) -> None:
        # Wait a moment: holding an arrow key should not start a read per code passed.
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.12, self._load_current)

    def _load_current(self) -> None:
        name = self.code_tree.current_name
        if name is not None and self.project is not None:
            self.load_code(self.project, name)

    @work(thread=True, exclusive=True, group="code-view", exit_on_error=False)
    def load_code(self, project: Project, name: str) -> None:
        """Read a code's definition and fragments (posts ``CodeViewLoaded``)."""
        detail, fragments = reading.code_view(project, name, limit=FRAGMENT_LIMIT + 1)
        if not get_current_worker().is_cancelled:
            self.post_message(CodeViewLoaded(detail, fragments))

    def on_code_view_loaded(self, message: CodeViewLoaded) -> None:
        message.stop()
        detail = message.detail
        self.detail = detail
        row = next((code for code in self.codes if code.name == detail.name), None)
        self.query_one("#code-detail", Static).update(definition(detail, row))
        self.query_one(FragmentsView).show_fragments(message.fragments, limit=FRAGMENT_LIMIT)

    @on(Tree.NodeSelected, "#codes-tree")
    def _selected(self) -> None:
        fragments = self.query_one(FragmentsView)
        if fragments.current is not None:
            fragments.focus()

    def action_back(self) -> None:
        """Back to the code tree."""
        self.code_tree.focus()

    # --- writing -------------------------------------------------------------------------

    def _write(self, job: Callable[[Project], str], *, select: str | None = None) -> None:
        self._select_after = select
        self.workbench.submit_write(lambda project: ChangeWritten(WriteDone(job(project))))

    def _need_code(self) -> CodeRow | None:
        code = self.current
        if code is None:
            self.notify("Choose a code in the tree first.", severity="warning", timeout=3)
        return code

    def _subtree(self, name: str) -> set[str]:
        """A code and its descendants."""
        names = {name}
        for code in self.codes:  # depth first: a parent comes before its children
            if code.parent in names:
                names.add(code.name)
        return names

    def action_add(self) -> None:
        """Add a code, beside the code under the cursor (or anywhere in the tree)."""
        current = self.current

        def done(new: NewCode | None) -> None:
            if new is not None:
                self._write(
                    lambda project: (
                        codebook_service.add_code(project, new.name, parent=new.parent).summary
                    ),
                    select=new.name,
                )

        parent = current.parent if current is not None else None
        self.app.push_screen(NewCodeForm([c.name for c in self.codes], under=parent), done)

    def action_rename(self) -> None:
        """Rename the code under the cursor (its codings stay)."""
        code = self._need_code()
        if code is None:
            return
        old = code.name

        def done(new: str | None) -> None:
            if new is not None and new != old:
                self._write(
                    lambda project: codebook_service.rename_code(project, old, new), select=new
                )

        self.app.push_screen(TextPrompt(f"Rename the code {old}", value=old), done)

    def _code_choices(self, exclude: set[str]) -> list[Choice]:
        return [
            Choice(
                key=code.name,
                name=code.name,
                detail=code.parent or "",
                help=code.description,
                color=code.color,
                depth=code.depth,
            )
            for code in self.codes
            if code.name not in exclude
        ]

    def action_move(self) -> None:
        """Move the code under the cursor (with its sub-codes) under another code."""
        code = self._need_code()
        if code is None:
            return
        name = code.name
        choices = [Choice(key=TOP, name="(top of the tree)")]
        choices += self._code_choices(self._subtree(name))
        title = Content.assemble(("Move ", "bold"), (name, "bold"), " under")

        def done(picked: Picked | None) -> None:
            if picked is None:
                return
            parent = None if picked.key == TOP else picked.key
            if parent == code.parent:
                return
            self._write(
                lambda project: codebook_service.move_code(project, name, parent), select=name
            )

        picker = FuzzyPicker(
            choices, title=title, noun="code", initial=code.parent or TOP, verb="move"
        )
        self.app.push_screen(PickerScreen(picker), done)

    def action_merge(self) -> None:
        """Merge the code under the cursor into another code (after a question)."""
        code = self._need_code()
        if code is None:
            return
        source = code.name
        title = Content.assemble(("Merge ", "bold"), (source, "bold"), " into")
        children = sum(1 for c in self.codes if c.parent == source)

        def confirmed(target: str, yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda project: codebook_service.merge_codes(project, source, target),
                    select=target,
                )

        def picked(choice: Picked | None) -> None:
            if choice is None:
                return
            target = choice.key
            moves = [f"its codings on {code.segments:,} segments"]
            if children:
                moves.append(f"its {children} sub-codes")
            question = (
                f"Merge “{source}” into “{target}”? {', '.join(moves).capitalize()} and its "
                f"memos move to “{target}”; “{source}” is removed. ctrl+z undoes it."
            )
            self.app.push_screen(ConfirmDialog(question), lambda yes: confirmed(target, yes))

        picker = FuzzyPicker(
            self._code_choices(self._subtree(source)), title=title, noun="code", verb="merge"
        )
        self.app.push_screen(PickerScreen(picker), picked)

    def action_edit(self) -> None:
        """Edit the definition of the code under the cursor."""
        code = self._need_code()
        if code is None:
            return
        if self.detail is None or self.detail.name != code.name:
            self.notify("Still reading the code; try again.", severity="warning", timeout=2)
            return
        name = code.name

        def done(fields: dict[str, object] | None) -> None:
            if fields is not None:
                changed: dict[str, Any] = dict(fields)
                self._write(
                    lambda project: codebook_service.edit_code(project, name, **changed),
                    select=name,
                )

        self.app.push_screen(CodeForm(self.detail), done)

    def action_colour(self) -> None:
        """Change the colour of the code under the cursor."""
        code = self._need_code()
        if code is None:
            return
        name = code.name

        def done(colour: str | None) -> None:
            if colour is not None and colour != code.color:
                self._write(
                    lambda project: codebook_service.edit_code(project, name, color=colour),
                    select=name,
                )

        self.app.push_screen(ColourDialog(name, code.color), done)

    def action_delete(self) -> None:
        """Delete the code under the cursor, its sub-codes and their codings (after a question)."""
        code = self._need_code()
        if code is None:
            return
        name = code.name
        below = len(self._subtree(name)) - 1
        what = f"“{name}”" + (f" and its {below} sub-codes" if below else "")
        question = (
            f"Delete {what}, with their codings on {code.segments_total:,} segments? "
            "ctrl+z undoes it."
        )

        def done(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda project: (
                        codebook_service.delete_code(project, name, recursive=True).summary
                    )
                )

        self.app.push_screen(ConfirmDialog(question), done)

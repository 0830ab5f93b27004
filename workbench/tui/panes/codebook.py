"""The Codebook tab: the code tree with counts, the selected code's definition and fragments.

Keys act on the code under the tree's cursor: ``a`` add, ``r`` rename, ``M`` move, ``g`` merge,
``e`` edit the definition, ``k`` colour, ``x`` delete, ``A`` make the fragment under the cursor
the code's anchor quote. Each is one write on the app's queue (one transaction, one change that
ctrl+z undoes). Enter on the tree goes to the code's fragments;
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

from workbench.i18n import N_, _, counted, number, shows_labels
from workbench.services import codebook as codebook_service
from workbench.services import reading
from workbench.services.project import Project
from workbench.services.reading import CodeDetail, CodeRow, FragmentList, Overview
from workbench.tui.dialogs.common import (
    Choice,
    ConfirmDialog,
    FuzzyPicker,
    Picked,
    PickerScreen,
    swatch,
)
from workbench.tui.dialogs.forms import (
    TOP,
    CodeForm,
    ColourDialog,
    NewCode,
    NewCodeForm,
    TextPrompt,
)
from workbench.tui.messages import ChangeWritten, WriteDone
from workbench.tui.widgets.panels import CodeTree, FragmentsView, Pane, shown_codes

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


def definition(detail: CodeDetail, row: CodeRow | None, *, label: bool = True) -> Content:
    """A code's definition for the detail panel; with ``label``, its codebook label too (shown
    only when the codebook is in the interface's language)."""
    head = [swatch(detail.color), Content.styled(detail.name, "bold")]
    if detail.label and label:
        head.append(Content.styled(f"  {detail.label}", "italic"))
    if detail.parent:
        head.append(Content.styled("  " + _("under {parent}").format(parent=detail.parent), "dim"))
    lines = [Content.assemble(*head)]
    if row is not None:
        counts = _("{segments} in {documents}").format(
            segments=counted(row.segments, "segment", "segments"),
            documents=counted(row.documents, "document", "documents"),
        )
        if row.segments_total != row.segments:
            counts += "; " + _("{count} with its sub-codes").format(
                count=number(row.segments_total)
            )
        lines.append(Content.styled(counts, "dim"))
    if detail.description:
        lines.append(Content(detail.description))
    for title, text in (
        (_("Use when"), detail.inclusion),
        (_("Not when"), detail.exclusion),
        (_("Example"), detail.example),
    ):
        if text:
            lines.append(Content.assemble((f"{title}: ", "bold"), text))
    if detail.keywords:
        lines.append(Content.assemble((_("Keywords") + ": ", "bold"), ", ".join(detail.keywords)))
    if detail.anchor is not None:
        lines.append(
            Content.assemble(
                (_("Anchor quote") + ": ", "bold"),
                _("segment {segment} (A changes it)").format(segment=detail.anchor),
            )
        )
    if len(lines) == 2:
        lines.append(Content.styled(_("No definition yet: e edits it."), "dim italic"))
    return Content("\n").join(lines)


class CodebookPane(Pane):
    """The code tree, and beside it the definition and fragments of the code under the cursor."""

    DEFAULT_FOCUS = "#codes-tree"

    BINDINGS = [
        Binding("a", "add", N_("Add"), id="codebook.add", tooltip=N_("Add a code")),
        Binding("r", "rename", N_("Rename"), id="codebook.rename", tooltip=N_("Rename the code")),
        Binding(
            "M,shift+m",
            "move",
            N_("Move"),
            key_display="M",
            show=False,
            id="codebook.move",
            tooltip=N_("Move the code (with its sub-codes) under another code"),
        ),
        Binding(
            "g",
            "merge",
            N_("Merge"),
            id="codebook.merge",
            tooltip=N_("Merge the code into another: its codings move there"),
        ),
        Binding(
            "e",
            "edit",
            N_("Define"),
            id="codebook.edit",
            tooltip=N_("Edit the definition: label, description, criteria, example, keywords"),
        ),
        Binding(
            "k",
            "colour",
            N_("Colour"),
            show=False,
            id="codebook.colour",
            tooltip=N_("Change the colour"),
        ),
        Binding(
            "A,shift+a",
            "anchor",
            N_("Anchor"),
            key_display="A",
            show=False,
            id="codebook.anchor",
            tooltip=N_(
                "Make the fragment under the cursor the code's anchor quote (again: clear it)"
            ),
        ),
        Binding(
            "x,delete",
            "delete",
            N_("Delete"),
            key_display="x",
            show=False,
            id="codebook.delete",
            tooltip=N_("Delete the code, its sub-codes and their codings"),
        ),
        Binding(
            "escape",
            "back",
            N_("Tree"),
            show=False,
            id="codebook.back",
            tooltip=N_("Back from the fragments to the code tree"),
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: tuple[CodeRow, ...] = ()
        """The code tree, as last read."""
        self.detail: CodeDetail | None = None
        """The definition of the code shown beside the tree."""
        self.labels = True
        """Whether the codebook's labels are shown (they are in the interface's language)."""
        self._select_after: str | None = None
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="codebook-body"):
            yield CodeTree(id="codes-tree")
            with Vertical(id="code-side"):
                with VerticalScroll(id="code-detail-scroll"):
                    yield Static(Content.styled(_("No code chosen."), "dim"), id="code-detail")
                yield FragmentsView(id="code-fragments")

    def on_mount(self) -> None:
        self.query_one("#code-detail-scroll").border_title = _("Definition")

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
        self.labels = shows_labels(overview.labels_language)
        self.codes = shown_codes(overview)
        tree = self.code_tree
        tree.show_codes(self.codes)
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

    @property
    def pending(self) -> bool:
        """True while a read waits for the cursor to rest."""
        return self._debounce is not None

    def _load_current(self) -> None:
        self._debounce = None
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
        self.query_one("#code-detail", Static).update(definition(detail, row, label=self.labels))
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
        """Queue ``job``; once it is done, the tree's cursor goes to ``select``. A refused
        write leaves the cursor where it is (the name asked for may be another code's)."""
        self._select_after = None

        def run(project: Project) -> ChangeWritten:
            summary = job(project)
            # Set in the write's worker, before the change is told to the screens.
            self._select_after = select
            return ChangeWritten(WriteDone(summary))

        self.workbench.submit_write(run)

    def _need_code(self) -> CodeRow | None:
        code = self.current
        if code is None:
            self.notify(_("Choose a code in the tree first."), severity="warning", timeout=3)
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

        self.app.push_screen(
            TextPrompt(_("Rename the code {code}").format(code=old), value=old), done
        )

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
        choices = [Choice(key=TOP, name=_("(top of the tree)"))]
        choices += self._code_choices(self._subtree(name))
        before, _code, after = _("Move {code} under").partition("{code}")
        title = Content.assemble((before, "bold"), (name, "bold"), after)

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
        before, _code, after = _("Merge {code} into").partition("{code}")
        title = Content.assemble((before, "bold"), (source, "bold"), after)
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
            codings = counted(code.segments, "segment", "segments")
            if children:
                question = _(
                    "Merge “{source}” into “{target}”? Its codings on {codings}, its "
                    "{children} and its memos move to “{target}”; “{source}” is removed. "
                    "ctrl+z undoes it."
                ).format(
                    source=source,
                    target=target,
                    codings=codings,
                    children=counted(children, "sub-code", "sub-codes"),
                )
            else:
                question = _(
                    "Merge “{source}” into “{target}”? Its codings on {codings} and its "
                    "memos move to “{target}”; “{source}” is removed. ctrl+z undoes it."
                ).format(source=source, target=target, codings=codings)
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
            self.notify(_("Still reading the code; try again."), severity="warning", timeout=2)
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

    def action_anchor(self) -> None:
        """Make the fragment under the cursor of the fragment list the anchor quote of the code
        (the codebook report quotes it); on the anchor itself, clear it."""
        code = self._need_code()
        if code is None:
            return
        fragment = self.query_one(FragmentsView).current
        if fragment is None:
            self.notify(
                _("Choose a fragment of the code first (Enter on the code goes to its fragments)."),
                severity="warning",
                timeout=4,
            )
            return
        name = code.name
        detail = self.detail
        anchor = detail.anchor if detail is not None and detail.name == name else None
        segment = None if anchor == fragment.segment else fragment.segment
        self._write(
            lambda project: codebook_service.set_anchor(project, name, segment), select=name
        )

    def action_delete(self) -> None:
        """Delete the code under the cursor, its sub-codes and their codings (after a question)."""
        code = self._need_code()
        if code is None:
            return
        name = code.name
        below = len(self._subtree(name)) - 1
        segments = counted(code.segments_total, "segment", "segments")
        if below:
            question = _(
                "Delete “{code}” and its {children}, with their codings on {segments}? "
                "ctrl+z undoes it."
            ).format(code=name, children=counted(below, "sub-code", "sub-codes"), segments=segments)
        else:
            question = _(
                "Delete “{code}”, with its codings on {segments}? ctrl+z undoes it."
            ).format(code=name, segments=segments)

        def done(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda project: (
                        codebook_service.delete_code(project, name, recursive=True).summary
                    )
                )

        self.app.push_screen(ConfirmDialog(question), done)

"""The dialogs of the project screens: a prompt, a message, the colour picker and forms.

Each is a ``ModalScreen[T]`` that ``dismiss``-es with its result (None when cancelled) and
none reads or writes the project: the panes turn a result into one write on the app's queue.
Every dialog closes with Escape; forms save with Enter in a one-line field or ctrl+s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import (
    DirectoryTree,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.directory_tree import DirEntry
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState

from workbench.analysis.cooccurrence import Filters, parse_attr_filter
from workbench.coding.names import COLOR_PATTERN, PLACE_STATUS_NAMES, check_name
from workbench.errors import InvalidValue, WorkbenchError
from workbench.i18n import N_, _, counted
from workbench.services.reading import CodeDetail, FilterChoices, PlaceRow
from workbench.text.readers import SUPPORTED_SUFFIXES
from workbench.tui.dialogs.marklist import MarkList

T = TypeVar("T")

CANCEL = Binding(
    "escape", "cancel", N_("Cancel"), id="dialog.cancel", tooltip=N_("Close, change nothing")
)


def hint(text: str) -> Label:
    """The line of keys at the bottom of a dialog (markup: ``[b]Enter[/] save``)."""
    return Label(Content.from_markup(text), classes="dialog-hint")


class Dialog(ModalScreen[T | None], Generic[T]):
    """A dialog that Escape cancels (dismissing with None)."""

    BINDINGS = [CANCEL]

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)


# --- small dialogs ---------------------------------------------------------------------------


class TextPrompt(Dialog[str]):
    """Ask for one line of text (a new name); dismisses with the stripped text."""

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", allow_empty: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        """The question."""
        self.allow_empty = allow_empty
        """Whether an empty answer is one (it clears something) rather than refused."""
        self.value = value
        """The text to start from."""
        self.placeholder = placeholder
        """Shown while the field is empty."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content.styled(self.title_text, "bold"), classes="dialog-title")
            # The cursor at the end, nothing selected: the first Backspace takes one letter,
            # not the whole name (ctrl+u empties the field).
            yield Input(
                self.value,
                placeholder=self.placeholder,
                select_on_focus=False,
                id="prompt-input",
            )
            yield hint(_("[b]Enter[/] OK  [b]Esc[/] cancel"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text and not self.allow_empty:
            self.app.bell()
            return
        self.dismiss(text)


class MessageDialog(Dialog[None]):
    """Tell the user something went wrong, in one line, until they close it."""

    BINDINGS = [Binding("escape,enter", "cancel", N_("Close"), id="dialog.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        """What failed."""
        self.message = message
        """The one-line reason."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -error"):
            yield Label(Content.styled(self.title_text, "bold"), classes="dialog-title")
            yield Static(Content(self.message), classes="dialog-message")
            yield hint(_("[b]Enter[/]/[b]Esc[/] close"))


PALETTE = (
    (N_("amber"), "#e6a23c"),
    (N_("sky"), "#5dade2"),
    (N_("green"), "#58d68d"),
    (N_("coral"), "#ec7063"),
    (N_("lilac"), "#af7ac5"),
    (N_("yellow"), "#f4d03f"),
    (N_("teal"), "#48c9b0"),
    (N_("orange"), "#eb984e"),
    (N_("rose"), "#f1948a"),
    (N_("blue"), "#2e86c1"),
    (N_("olive"), "#a9b94b"),
    (N_("grey"), "#aab7b8"),
)
"""Colours offered for codes (any #RRGGBB can be typed)."""


class ColourDialog(Dialog[str]):
    """Choose a code's colour from the palette or type #RRGGBB; dismisses with the colour."""

    BINDINGS = [
        CANCEL,
        Binding("down", "move(1)", N_("Next"), show=False, id="colour.down"),
        Binding("up", "move(-1)", N_("Previous"), show=False, id="colour.up"),
    ]

    def __init__(self, code: str, current: str) -> None:
        super().__init__()
        self.code = code
        """The code being recoloured."""
        self.current = current
        """Its colour now."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                Content.assemble(
                    (_("Colour of") + " ", "bold"), (self.code, "bold"), " " + _("now") + " "
                )
                + Content.styled("■■", self.current),
                classes="dialog-title",
            )
            yield Input(placeholder=_("#RRGGBB, or choose below"), id="colour-input")
            yield OptionList(
                *(
                    Option(
                        Content.assemble(Content.styled("■■■ ", value), _(name), "  ", value),
                        id=value,
                    )
                    for name, value in PALETTE
                ),
                id="colour-options",
            )
            yield hint(_("[b]Enter[/] choose  [b]↑↓[/] move  [b]Esc[/] cancel"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for _name, value in PALETTE]
        options.highlighted = values.index(self.current) if self.current in values else 0
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if typed:
            if not typed.startswith("#"):
                typed = "#" + typed
            if not COLOR_PATTERN.match(typed):
                self.notify(
                    _("{typed} is not a colour of the form #RRGGBB").format(typed=typed),
                    severity="error",
                )
                return
            self.dismiss(typed.lower())
            return
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight while the field has the focus."""
        options = self.query_one(OptionList)
        current = options.highlighted or 0
        options.highlighted = (current + step) % options.option_count


# --- forms -----------------------------------------------------------------------------------

TOP = "\x00top"
"""The parent value that means "no parent" (not a valid code name)."""


class Form(Dialog[T], Generic[T]):
    """A dialog of labelled fields; Enter in a one-line field or ctrl+s saves."""

    BINDINGS = [
        CANCEL,
        Binding("ctrl+s", "save", N_("Save"), id="form.save", tooltip=N_("Save and close")),
    ]

    TITLE_TEXT = ""

    def compose_fields(self) -> ComposeResult:
        """Yield label, field, label, field, ... for the form's grid."""
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Content.styled(self.form_title(), "bold"), classes="dialog-title")
            with VerticalScroll(classes="form-body"), Grid(classes="form-grid"):
                yield from self.compose_fields()
            yield Label("", classes="form-error")
            yield hint(_("[b]Enter[/]/[b]ctrl+s[/] save  [b]Tab[/] next field  [b]Esc[/] cancel"))

    def form_title(self) -> str:
        """The title shown at the top."""
        return _(self.TITLE_TEXT)

    def on_mount(self) -> None:
        """Start in the first field."""
        first = self.query(".form-grid > Input, .form-grid > Select, .form-grid > TextArea")
        if first:
            first.first().focus()

    def value(self, field_id: str) -> str:
        """The text of a field, stripped."""
        widget = self.query_one(f"#{field_id}")
        if isinstance(widget, TextArea):
            return widget.text.strip()
        if isinstance(widget, Select):
            return "" if widget.value is Select.BLANK else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value.strip()

    def fail(self, message: str) -> None:
        """Show why the form cannot be saved (it stays open)."""
        self.query_one(".form-error", Label).update(Content.styled(message, "bold $error"))

    def result(self) -> T | None:
        """The form's result, or None (after :meth:`fail`) when it cannot be saved."""
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save: dismiss with the result when the fields are valid."""
        result = self.result()
        if result is not None:
            self.dismiss(result)


def field_label(text: str, *, classes: str = "form-label") -> Label:
    """A field's label in a form grid."""
    return Label(text, classes=classes)


@dataclass(frozen=True)
class NewCode:
    """A code to create."""

    name: str
    parent: str | None


class NewCodeForm(Form[NewCode]):
    """Name a new code and choose where in the tree it goes."""

    TITLE_TEXT = N_("New code")

    def __init__(self, codes: Sequence[str], *, under: str | None = None) -> None:
        super().__init__()
        self.codes = tuple(codes)
        """The existing code names, in tree order."""
        self.under = under
        """The parent to offer first, or None for the top of the tree."""

    def compose_fields(self) -> ComposeResult:
        yield field_label(_("Name"))
        yield Input(placeholder=_("the new code's name"), id="code-name", compact=True)
        yield field_label(_("Under"))
        yield Select(
            [(_("(top of the tree)"), TOP), *((name, name) for name in self.codes)],
            value=self.under if self.under in self.codes else TOP,
            allow_blank=False,
            compact=True,
            id="code-parent",
        )

    def result(self) -> NewCode | None:
        name = self.value("code-name")
        if not name:
            self.fail(_("Give the code a name."))
            return None
        try:  # the core's rule, shown in the form (the service checks it again)
            check_name(name, "a code name")
        except ValueError as error:
            self.fail(str(error))
            return None
        parent = self.value("code-parent")
        return NewCode(name, None if parent == TOP else parent)


CODE_FIELDS = (
    ("label", N_("Label")),
    ("description", N_("Description")),
    ("inclusion", N_("Use when")),
    ("exclusion", N_("Not when")),
    ("example", N_("Example")),
)
"""The definition fields of a code and their labels in the form (translated when shown)."""


class CodeForm(Form[dict[str, object]]):
    """Edit a code's definition; dismisses with the fields for ``update_code``."""

    def __init__(self, detail: CodeDetail) -> None:
        super().__init__()
        self.detail = detail
        """The code as it is now."""

    def form_title(self) -> str:
        return _("Definition of {code}").format(code=self.detail.name)

    def compose_fields(self) -> ComposeResult:
        for key, label in CODE_FIELDS:
            yield field_label(_(label))
            current = str(getattr(self.detail, key))
            if key != "label":
                area = TextArea(current, id=f"code-{key}", soft_wrap=True, compact=True)
                area.show_line_numbers = False
                yield area
            else:
                yield Input(current, id=f"code-{key}", compact=True)
        yield field_label(_("Keywords"))
        yield Input(
            ", ".join(self.detail.keywords),
            placeholder=_("comma-separated, for suggestions"),
            id="code-keywords",
            compact=True,
        )

    def result(self) -> dict[str, object] | None:
        fields: dict[str, object] = {key: self.value(f"code-{key}") for key, _ in CODE_FIELDS}
        fields["keywords"] = [
            k.strip() for k in self.value("code-keywords").split(",") if k.strip()
        ]
        return fields


@dataclass
class PlaceEdit:
    """A place to add (``original`` None) or the new values of one."""

    original: str | None
    fields: dict[str, object] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class PlaceForm(Form[PlaceEdit]):
    """Add a place or edit one: name, kind, status, area, address, aliases, coordinates."""

    def __init__(
        self,
        place: PlaceRow | None,
        *,
        kinds: Sequence[str],
        statuses: Sequence[str] = PLACE_STATUS_NAMES,
        kind_label: Callable[[str], str] = str,
        status_label: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self.place = place
        self.kind_label = kind_label
        """How a kind is shown (its codebook label where the interface shows labels)."""
        self.status_label = status_label
        """How a status is shown."""
        """The place to edit, or None for a new one."""
        self.kinds = tuple(kinds)
        """The place kinds of the codebook."""
        self.statuses = tuple(statuses) or PLACE_STATUS_NAMES
        """The place statuses."""

    def form_title(self) -> str:
        if self.place is None:
            return _("New place")
        return _("Place {place}").format(place=self.place.name)

    def compose_fields(self) -> ComposeResult:
        place = self.place
        kinds = list(self.kinds)
        if place is not None and place.kind not in kinds:
            kinds.append(place.kind)
        yield field_label(_("Name"))
        yield Input(place.name if place else "", id="place-name", compact=True)
        yield field_label(_("Kind"))
        if kinds:
            yield Select(
                [(self.kind_label(kind), kind) for kind in kinds],
                value=place.kind if place else ("other" if "other" in kinds else kinds[0]),
                allow_blank=False,
                compact=True,
                id="place-kind",
            )
        else:  # a project without a codebook learns kinds as they are used
            yield Input("other", id="place-kind", compact=True)
        yield field_label(_("Status"))
        yield Select(
            [(self.status_label(status), status) for status in self.statuses],
            value=place.status if place and place.status in self.statuses else self.statuses[0],
            allow_blank=False,
            compact=True,
            id="place-status",
        )
        for key, label in (
            ("neighbourhood", N_("Neighbourhood")),
            ("municipality", N_("Municipality")),
            ("address", N_("Address")),
        ):
            yield field_label(_(label))
            yield Input(str(getattr(place, key)) if place else "", id=f"place-{key}", compact=True)
        yield field_label(_("Aliases"))
        yield Input(
            ", ".join(place.aliases) if place else "",
            placeholder=_("other names, comma-separated"),
            id="place-aliases",
            compact=True,
        )
        for key, label in (("latitude", N_("Latitude")), ("longitude", N_("Longitude"))):
            current = getattr(place, key) if place else None
            yield field_label(_(label))
            yield Input(
                "" if current is None else str(current),
                placeholder=_("optional"),
                id=f"place-{key}",
                compact=True,
            )
        yield field_label(_("Description"))
        area = TextArea(place.description if place else "", id="place-description", compact=True)
        area.show_line_numbers = False
        yield area

    def result(self) -> PlaceEdit | None:
        name = self.value("place-name")
        if not name:
            self.fail(_("Give the place a name."))
            return None
        try:  # the core's rule, shown in the form (the service checks it again)
            check_name(name, "a place name")
        except ValueError as error:
            self.fail(str(error))
            return None
        fields: dict[str, object] = {"name": name}
        for key in ("kind", "status", "neighbourhood", "municipality", "address", "description"):
            fields[key] = self.value(f"place-{key}")
        for key in ("latitude", "longitude"):
            text = self.value(f"place-{key}").replace(",", ".")
            if text and not _NUMBER.match(text):
                self.fail(
                    _("The latitude must be a number, like 51.8425.")
                    if key == "latitude"
                    else _("The longitude must be a number, like 5.8528.")
                )
                return None
            fields[key] = float(text) if text else None
        if (fields["latitude"] is None) != (fields["longitude"] is None):
            self.fail(_("Give both the latitude and the longitude, or neither."))
            return None
        if self.place is not None:
            if fields["latitude"] is None and self.place.latitude is not None:
                self.fail(_("Coordinates cannot be removed here, only changed."))
                return None
            if name == self.place.name:
                del fields["name"]
        aliases = [a.strip() for a in self.value("place-aliases").split(",") if a.strip()]
        return PlaceEdit(None if self.place is None else self.place.name, fields, aliases)


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRequest:
    """Files to import, with the options of the import."""

    paths: tuple[Path, ...]
    case: str | None = None
    language: str | None = None
    name: str | None = None
    """The name in the project of the one file imported (None: from its file name)."""


@dataclass
class ImportChoices:
    """What the import dialog has chosen so far. The Documents tab keeps it between two
    openings of the dialog, so that a cancel or a refused import loses no marked file; it
    starts afresh after an import that went through."""

    folder: Path
    """The folder the tree shows."""
    marked: dict[Path, None] = field(default_factory=dict)
    """The files marked for import, in the order they were marked."""
    case: str = ""
    """The case typed."""
    language: str = ""
    """The language chosen ("": the project's)."""
    name: str = ""
    """The name typed for a single file."""


class TranscriptTree(DirectoryTree):
    """Folders and transcript files; Space or Enter marks a file for import, ``a`` every
    transcript file of a folder."""

    BINDINGS = [
        Binding(
            "space",
            "toggle_file",
            N_("Mark"),
            id="import.mark",
            tooltip=N_("Mark or unmark the file for import"),
        ),
        Binding(
            "a",
            "mark_folder",
            N_("Mark folder"),
            id="import.mark_folder",
            tooltip=N_(
                "Mark every transcript file of the folder under the cursor (again: unmark "
                "them); its sub-folders are left out"
            ),
        ),
    ]

    def __init__(
        self, path: Path, *, marked: dict[Path, None] | None = None, id: str | None = None
    ) -> None:
        super().__init__(path, id=id)
        self.marked: dict[Path, None] = {} if marked is None else marked
        """The files marked for import, in the order they were marked."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Folders and files the importer reads; no hidden ones."""
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (path.is_dir() or path.suffix.lower() in SUPPORTED_SUFFIXES)
        ]

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        """A file's label, with a mark when it is marked for import."""
        label = super().render_label(node, base_style, style)
        if node.data is not None and node.data.path in self.marked:
            return Text("✔ ", style="bold green") + label
        return label

    def _repaint(self, paths: set[Path]) -> None:
        """Draw the lines of these files again. (``refresh`` alone is not enough: the tree
        keeps its drawn lines until a node's own refresh, or a cursor move, renews them, so
        the tick of Space showed only once the cursor moved.)"""
        pending = [self.root]
        while pending:
            node = pending.pop()
            if node.data is not None and node.data.path in paths:
                node.refresh()
            pending.extend(node.children)

    def toggle(self, path: Path) -> None:
        """Mark or unmark a file."""
        if path in self.marked:
            del self.marked[path]
        else:
            self.marked[path] = None
        self._repaint({path})
        self.post_message(TranscriptTree.MarksChanged())

    def action_toggle_file(self) -> None:
        """Mark or unmark the file under the cursor (Space on a folder opens or closes it)."""
        node = self.cursor_node
        if node is None or node.data is None:
            return
        if node.data.path.is_dir():
            self.action_toggle_node()
        else:
            self.toggle(node.data.path)

    def action_mark_folder(self) -> None:
        """Mark every transcript file of the folder under the cursor (of the file's folder
        on a file), in name order; when all are marked already, unmark them."""
        node = self.cursor_node
        if node is None or node.data is None:
            return
        path = node.data.path
        folder = path if path.is_dir() else path.parent
        try:
            files = sorted(
                child for child in self.filter_paths(folder.iterdir()) if child.is_file()
            )
        except OSError as error:
            self.notify(f"{folder}: {error.strerror or error}", severity="error")
            return
        if not files:
            self.notify(
                _("{folder}: no transcript files in it.").format(folder=folder.name),
                severity="warning",
            )
            return
        if all(file in self.marked for file in files):
            for file in files:
                del self.marked[file]
        else:
            for file in files:
                self.marked.setdefault(file, None)
        self._repaint(set(files))
        self.post_message(TranscriptTree.MarksChanged())

    class MarksChanged(Message):
        """The set of marked files changed."""


class ImportDialog(Dialog[ImportRequest]):
    """Choose transcript files (a folder tree and a path field), a case, a language and, for
    one file, the name it gets in the project.

    What is chosen lives in an :class:`ImportChoices` that the caller may keep: opened again
    with it, the dialog shows the same folder, marks and fields.
    """

    BINDINGS = [
        CANCEL,
        Binding(
            "ctrl+s",
            "start",
            N_("Import"),
            id="import.start",
            tooltip=N_("Import the marked files"),
        ),
    ]

    def __init__(
        self,
        folder: Path,
        *,
        languages: Sequence[str] = ("nl", "en"),
        choices: ImportChoices | None = None,
    ) -> None:
        super().__init__()
        self.choices = choices if choices is not None else ImportChoices(folder)
        """What is chosen (shared with whoever keeps it)."""
        self.folder = self.choices.folder
        """The folder the tree starts in."""
        self.languages = tuple(languages)
        """The languages offered (the project's is the default)."""

    def compose(self) -> ComposeResult:
        choices = self.choices
        languages = [(_("project's"), ""), *((lang, lang) for lang in self.languages)]
        with Vertical(classes="dialog", id="import-dialog"):
            yield Label(Content.styled(_("Import transcripts"), "bold"), classes="dialog-title")
            yield Input(
                placeholder=_("a folder or file; Enter goes there or marks it"),
                id="import-path",
                compact=True,
            )
            yield TranscriptTree(self.folder, marked=choices.marked, id="import-tree")
            yield Label(self._marked_text(), id="import-marked")
            with Horizontal(id="import-options"):
                yield Label(_("Case"), classes="form-label")
                yield Input(choices.case, placeholder=_("optional"), id="import-case", compact=True)
                yield Label(_("Language"), classes="form-label")
                yield Select(
                    languages,
                    value=choices.language if choices.language in self.languages else "",
                    allow_blank=False,
                    compact=True,
                    id="import-language",
                )
            with Horizontal(id="import-naming"):
                yield Label(_("Name"), classes="form-label")
                yield Input(
                    choices.name,
                    placeholder=_("one file only: its name in the project (else its file name)"),
                    id="import-name",
                    compact=True,
                )
            yield hint(
                _(
                    "[b]Space[/] mark  [b]a[/] mark the folder  "
                    "[b]ctrl+s[/] import  [b]Esc[/] cancel"
                )
            )

    def on_mount(self) -> None:
        self.query_one(TranscriptTree).focus()

    def _marked_text(self) -> Content:
        marked = list(self.choices.marked)
        if not marked:
            return Content.styled(_("No file marked yet."), "dim")
        names = ", ".join(path.name for path in marked)
        return Content.assemble((counted(len(marked), "file", "files") + ": ", "bold"), names)

    @on(TranscriptTree.MarksChanged)
    def _marks_changed(self) -> None:
        self.query_one("#import-marked", Label).update(self._marked_text())

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one(TranscriptTree).toggle(event.path)

    @on(Input.Submitted, "#import-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            return
        if not path.is_absolute():
            path = Path(self.query_one(TranscriptTree).path) / path
        tree = self.query_one(TranscriptTree)
        if path.is_dir():
            tree.path = path
            event.input.value = ""
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                known = ", ".join(sorted(SUPPORTED_SUFFIXES))
                self.notify(
                    _("{file}: not a transcript file ({known})").format(
                        file=path.name, known=known
                    ),
                    severity="error",
                )
                return
            tree.toggle(path.resolve())
            event.input.value = ""
        else:
            self.notify(_("{path}: no such file or folder").format(path=path), severity="error")

    @on(Input.Submitted, "#import-case")
    @on(Input.Submitted, "#import-name")
    def _case_typed(self) -> None:
        self.action_start()

    def _keep_choices(self) -> None:
        """Copy the fields into :attr:`choices` (the marks are kept there already)."""
        choices = self.choices
        choices.folder = Path(self.query_one(TranscriptTree).path)
        choices.case = self.query_one("#import-case", Input).value
        choices.name = self.query_one("#import-name", Input).value
        choices.language = str(self.query_one("#import-language", Select).value or "")

    def action_cancel(self) -> None:
        """Close without importing (what was chosen is kept for the next time)."""
        self._keep_choices()
        self.dismiss(None)

    def action_start(self) -> None:
        """Import the marked files."""
        self._keep_choices()
        choices = self.choices
        marked = tuple(choices.marked)
        if not marked:
            self.notify(
                _("Mark one or more files first (Space, or a for a folder)."), severity="warning"
            )
            return
        name = " ".join(choices.name.split()) or None
        if name is not None and len(marked) != 1:
            self.notify(
                _(
                    "A name is for one file, and {count} are marked: mark only the file to "
                    "name, or empty the Name field."
                ).format(count=len(marked)),
                severity="warning",
            )
            return
        case = choices.case.strip() or None
        self.dismiss(ImportRequest(marked, case, choices.language or None, name))


# --- the Analysis tab's filters --------------------------------------------------------------

ALL_CODERS = "\x00all"
"""The coder value that means "every coder" (not a valid coder name)."""


class FiltersChecked(Message):
    """The filters of a :class:`FilterForm` were checked against the project."""

    def __init__(self, filters: Filters, error: str | None) -> None:
        super().__init__()
        self.filters = filters
        """What was checked."""
        self.error = error
        """Why they cannot be used (the core's one-line error), or None when they can."""


class FilterForm(Form[Filters]):
    """Choose what the Analysis tab counts: one coder's codings, some documents, the documents
    of some cases, of cases with attribute values (the command line's ``--coder``, ``--doc``,
    ``--case``, ``--attr``). Dismisses with :class:`workbench.analysis.cooccurrence.Filters`
    (empty: count everything), or None when cancelled.

    ``KEY=VALUE`` is read by :func:`workbench.analysis.cooccurrence.parse_attr_filter`; ``check``
    (run in a thread) is the core's check of the names and values: its error shows in the form,
    which stays open.
    """

    BINDINGS = [
        CANCEL,
        Binding(
            "ctrl+s",
            "save",
            N_("Apply"),
            id="filters.apply",
            tooltip=N_("Count with these filters"),
        ),
    ]

    TITLE_TEXT = N_("Filter the analysis")

    def __init__(
        self,
        choices: FilterChoices,
        current: Filters | None = None,
        *,
        check: Callable[[Filters], None] | None = None,
    ) -> None:
        super().__init__()
        self.choices = choices
        """The coders, documents, cases and attributes to choose from."""
        self.current = current or Filters()
        """The filters in use when the form opened."""
        self.check = check
        """Raises a :class:`workbench.errors.WorkbenchError` for filters the project refuses."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form", id="filter-form"):
            yield Label(Content.styled(self.form_title(), "bold"), classes="dialog-title")
            with VerticalScroll(classes="form-body"), Grid(classes="form-grid"):
                yield from self.compose_fields()
            yield Label("", classes="form-error")
            yield hint(
                _("[b]Space[/] mark  [b]ctrl+s[/] apply  [b]Tab[/] next field  [b]Esc[/] cancel")
            )

    def compose_fields(self) -> ComposeResult:
        current = self.current
        coders = list(self.choices.coders)
        if current.coder and current.coder not in coders:
            coders.append(current.coder)
        yield field_label(_("Coder"))
        yield Select(
            [(_("every coder"), ALL_CODERS), *((name, name) for name in coders)],
            value=current.coder or ALL_CODERS,
            allow_blank=False,
            compact=True,
            id="filter-coder",
        )
        yield field_label(_("Documents"))
        if self.choices.documents:
            yield MarkList(
                *((name, name, name in current.documents) for name in self.choices.documents),
                compact=True,
                id="filter-documents",
                classes="filter-list",
            )
        else:
            yield Label(Content.styled(_("no documents yet"), "dim"))
        yield field_label(_("Cases"))
        if self.choices.cases:
            yield MarkList(
                *(
                    (
                        Content.assemble(name, (f"  {', '.join(documents)}", "dim")),
                        name,
                        name in current.cases,
                    )
                    for name, documents in self.choices.cases
                ),
                compact=True,
                id="filter-cases",
                classes="filter-list",
            )
        else:
            yield Label(Content.styled(_("no cases in this project"), "dim"))
        yield field_label(_("Attributes"))
        yield Input(
            "; ".join(f"{key}={value}" for key, value in current.attrs),
            placeholder=_("KEY=VALUE; KEY=VALUE (all must hold)"),
            id="filter-attrs",
            compact=True,
        )
        yield field_label("")
        yield Static(self._attribute_help(), id="filter-attrs-help")

    def _attribute_help(self) -> Content:
        if not self.choices.attributes:
            return Content.styled(_("no case attributes in this project"), "dim")
        lines = []
        for key, values in self.choices.attributes:
            shown = ", ".join(values[:4]) + (", …" if len(values) > 4 else "")
            lines.append(f"{key}: {shown}")
        return Content.styled("\n".join(lines), "dim")

    def _selected(self, list_id: str) -> list[str]:
        found = self.query(f"#{list_id}")
        if not found:
            return []
        selection = found.first(SelectionList)
        return [str(value) for value in selection.selected]

    def result(self) -> Filters | None:
        coder = self.value("filter-coder")
        attrs: list[tuple[str, str]] = []
        for item in self.value("filter-attrs").split(";"):
            if not item.strip():
                continue
            try:
                attrs.append(parse_attr_filter(item.strip()))
            except InvalidValue as error:
                self.fail(str(error))
                return None
        return Filters(
            coder=None if coder in ("", ALL_CODERS) else coder,
            documents=self._selected("filter-documents"),
            cases=self._selected("filter-cases"),
            attrs=attrs,
        )

    def action_save(self) -> None:
        """Apply: check the filters with the project (when a check was given), then close."""
        filters = self.result()
        if filters is None:
            return
        if self.check is None or filters.is_empty():
            self.dismiss(filters)
            return
        self.query_one(".form-error", Label).update(Content.styled(_("Checking…"), "italic"))
        self.run_check(self.check, filters)

    @work(thread=True, exclusive=True, group="filter-check", exit_on_error=False)
    def run_check(self, check: Callable[[Filters], None], filters: Filters) -> None:
        """Check the filters with ``check`` (posts ``FiltersChecked``)."""
        try:
            check(filters)
        except WorkbenchError as error:
            self.post_message(FiltersChecked(filters, str(error)))
            return
        self.post_message(FiltersChecked(filters, None))

    def on_filters_checked(self, message: FiltersChecked) -> None:
        message.stop()
        if message.error is None:
            self.dismiss(message.filters)
        else:
            self.fail(message.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A check that failed unexpectedly: say so in the form."""
        if event.state == WorkerState.ERROR:
            self.fail(
                _("the filters could not be checked: {error}").format(error=event.worker.error)
            )

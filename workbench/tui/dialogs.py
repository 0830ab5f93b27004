"""Modal dialogs: the code picker, the help screen and the error dialog.

Each is a ``ModalScreen[T]`` that ``dismiss``-es with its result; none reads the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workbench.tui.data import CodeRow


def swatch(color: str) -> Content:
    """A small block in a code's colour."""
    return Content.styled("■ ", color)


class CodePicker(ModalScreen[str | None]):
    """Choose an existing code by typing part of its name (fuzzy); Enter picks, Escape cancels.

    Dismisses with the code's name, or None when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(self, codes: Sequence[CodeRow], *, excerpt: str = "") -> None:
        super().__init__()
        self.codes = tuple(codes)
        """The codes to choose from, in code-tree order."""
        self.excerpt = excerpt
        """The start of the text to be coded, shown in the title."""

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self._title(), id="picker-title")
            yield Input(placeholder="type to filter codes", id="picker-input")
            yield OptionList(id="picker-options")
            yield Label(
                Content.from_markup("[b]Enter[/] code  [b]↑↓[/] choose  [b]Esc[/] cancel"),
                id="picker-hint",
            )

    def _title(self) -> Content:
        excerpt = " ".join(self.excerpt.split())
        if len(excerpt) > 40:
            excerpt = excerpt[:39] + "…"
        return Content.assemble(("Code ", "bold"), (f"“{excerpt}”", "italic"))

    def on_mount(self) -> None:
        self.filter("")
        self.query_one(Input).focus()

    def filter(self, query: str) -> None:
        """Show the codes that match ``query`` (all of them, as a tree, when it is empty)."""
        options: list[Option] = []
        if not query.strip():
            for code in self.codes:
                prompt = Content.assemble("  " * code.depth, swatch(code.color), code.name)
                options.append(Option(prompt, id=code.name))
        else:
            matcher = Matcher(query.strip())
            scored = []
            for position, code in enumerate(self.codes):
                score = matcher.match(code.name)
                if score > 0:
                    scored.append((-score, position, code))
            for _, _, code in sorted(scored):
                parts: list[Content | tuple[str, str] | str] = [
                    swatch(code.color),
                    matcher.highlight(code.name),
                ]
                if code.parent:
                    parts.append((f"  {code.parent}", "dim"))
                options.append(Option(Content.assemble(*parts), id=code.name))
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        option_list.highlighted = 0 if options else None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.filter(event.value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            self.app.bell()
            return
        self.dismiss(option_list.get_option_at_index(option_list.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight in the list while typing."""
        option_list = self.query_one(OptionList)
        if option_list.option_count:
            current = option_list.highlighted or 0
            option_list.highlighted = (current + step) % option_list.option_count

    def action_cancel(self) -> None:
        """Close without coding."""
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below, with what they do, and how to select text."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    SELECTING = (
        ("shift+arrows", "select text in the transcript"),
        ("mouse drag", "select text in the transcript"),
        ("ctrl+left/right", "move by word"),
        ("pageup/pagedown", "scroll"),
    )

    def __init__(self, keys: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.keys = tuple(keys)
        """(key, description, tooltip) of each binding to explain."""

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Label(Content.styled("Keys", "bold"), id="help-title")
            with VerticalScroll(id="help-body"), Grid(id="help-keys"):
                rows = [(key, text) for key, text, _ in self.keys] + list(self.SELECTING)
                for key, text in rows:
                    yield Label(key, classes="help-key")
                    yield Label(text, classes="help-text")
            yield Label(Content.from_markup("[dim]Esc to close[/]"), id="help-hint")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)


class ErrorScreen(ModalScreen[None]):
    """An unexpected error, shown in full so it can be reported."""

    BINDINGS = [Binding("escape,enter", "close", "Close", id="error.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        """What failed."""
        self.message = message
        """The error message."""

    def compose(self) -> ComposeResult:
        with Vertical(id="error"):
            yield Label(Content.styled(self.title_text, "bold"), id="error-title")
            with VerticalScroll(id="error-body"):
                yield Static(Content(self.message))
            yield Button("OK", variant="error", id="error-ok")

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)

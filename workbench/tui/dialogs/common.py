"""Dialogs: the fuzzy pickers (codes, places, place kinds, segments), the memo editor, a yes/no
question, the help screen and the error dialog.

The pickers are widgets that hand their result to a callback: the coding screen shows them in
place, over the transcript (no screen to push and pop, so a coding is painted at once), and
:class:`PickerScreen` shows one as a modal dialog elsewhere. The others are a
``ModalScreen[T]`` that ``dismiss``-es with its result. None reads the project (the screens
hand them what they show).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workbench.coding.names import name_key
from workbench.i18n import N_, _
from workbench.services.reading import CodeRow, PlaceKindRow, PlaceRow
from workbench.tui.themes import current_background, legible

CREATE = "\x00create"
"""The option id of "Create …" in a picker (no name can contain a NUL)."""


def swatch(color: str) -> Content:
    """A small block in a code's colour, made to stand out from the running app's background
    (see :func:`workbench.tui.themes.legible`)."""
    return Content.styled("■ ", legible(color, current_background()))


def excerpt_of(text: str, width: int = 40) -> str:
    """The start of a passage on one line, cut at ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass(frozen=True)
class Choice:
    """One thing a picker offers."""

    key: str
    """What the picker returns when this is picked."""
    name: str
    """The name shown and matched."""
    aliases: tuple[str, ...] = ()
    """Other names that match it too (a place's aliases)."""
    detail: str = ""
    """Shown dimmed after the name (a code's label, a place's kind and status)."""
    context: str = ""
    """Shown dimmed after the detail once filtered, when the tree is not shown (the parent)."""
    help: str = ""
    """Shown under the list while this is highlighted (a code's description)."""
    color: str | None = None
    """A code's colour, shown as a swatch."""
    depth: int = 0
    """Indentation in the unfiltered list (the code tree)."""
    search: tuple[str, ...] = ()
    """Other text that matches it, after every name (a code's or a kind's label, a kind's
    description: "green" finds the kind park by "Parks, green spaces")."""


@dataclass(frozen=True)
class PickerTexts:
    """What a picker says about what it picks (marked with ``N_``; translated when shown)."""

    filter: str
    """The placeholder of its input."""
    filter_new: str = ""
    """The placeholder when a new name can be typed."""
    create: str = ""
    """The option that creates what is typed: "Create code “{name}”"."""
    creates: str = ""
    """The help line under that option."""
    exists: str = ""
    """The warning when the typed name exists already."""


PICKER_TEXTS: dict[str, PickerTexts] = {
    "code": PickerTexts(
        N_("type to filter codes"),
        N_("type to filter codes or a new code's name"),
        N_("Create code “{name}”"),
        N_("Enter creates the new code “{name}”."),
        N_("A code called “{name}” exists already."),
    ),
    "place": PickerTexts(
        N_("type to filter places"),
        N_("type to filter places or a new place's name"),
        N_("Create place “{name}”"),
        N_("Enter creates the new place “{name}”."),
        N_("A place called “{name}” exists already."),
    ),
    "speaker": PickerTexts(
        N_("type to filter speakers"),
        N_("type to filter speakers or a new speaker's name"),
        N_("Create speaker “{name}”"),
        N_("Enter creates the new speaker “{name}”."),
        N_("A speaker called “{name}” exists already."),
    ),
    "kind": PickerTexts(N_("type to filter kinds")),
    "segment": PickerTexts(N_("type to filter segments")),
    "memo": PickerTexts(N_("type to filter memos")),
}
"""A picker's texts by what it picks (its ``noun``)."""

PICKER_VERBS: dict[str, str] = {
    "choose": N_("choose"),
    "code": N_("code"),
    "link": N_("link"),
    "create": N_("create"),
    "move": N_("move"),
    "merge": N_("merge"),
    "set": N_("set"),
    "edit": N_("edit"),
    "remove": N_("remove"),
}
"""What Enter does in a picker, by its ``verb``, for its hint line."""

EXACT, PREFIX, WORD_PREFIX, SUBSTRING, FUZZY = range(5)
"""How well a typed text matches a name, best first (see :func:`rank`)."""

OTHER_TEXT = 10
"""Added to the rank of a match in a choice's other text (:attr:`Choice.search`)."""

_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")
"""The first character of every word (letters and digits)."""


def rank(
    query: str, candidate: str, matcher: Matcher | None = None, *, fuzzy: bool = True
) -> tuple[int, float] | None:
    """How well ``query`` matches ``candidate``: (tier, -fuzzy score), lower is better; None
    when it does not match. The tiers: the whole name (case ignored), its start, the start
    of one of its words, anywhere in it, then (unless ``fuzzy`` is False) a fuzzy match
    (the letters in order; ``matcher`` is a :class:`Matcher` of ``query`` to reuse).

    So "welc" puts "welcome" before "being welcome", and "being welcome" before "feeling
    unwelcome".
    """
    wanted = " ".join(query.split()).casefold()
    name = " ".join(candidate.split()).casefold()
    if not wanted:
        return None
    if name == wanted:
        return EXACT, 0.0
    if name.startswith(wanted):
        return PREFIX, 0.0
    found = name.find(wanted)
    if found >= 0:
        starts = {match.start() for match in _WORD_START.finditer(name)}
        while found >= 0:
            if found in starts:
                return WORD_PREFIX, 0.0
            found = name.find(wanted, found + 1)
        return SUBSTRING, 0.0
    if not fuzzy:
        return None
    score = (matcher or Matcher(query)).match(candidate)
    return (FUZZY, -score) if score > 0 else None


def ranked(query: str, choices: Sequence[Choice]) -> list[tuple[Choice, int]]:
    """The choices that match ``query``, best first (ties in their own order), each with
    what matched: 0 its name, 1.. an alias, -1 its other text (:attr:`Choice.search`)."""
    matcher = Matcher(query)
    found: list[tuple[tuple[int, float], int, Choice, int]] = []
    for position, choice in enumerate(choices):
        best: tuple[tuple[int, float], int] | None = None
        for which, candidate in enumerate((choice.name, *choice.aliases)):
            score = rank(query, candidate, matcher)
            if score is not None and (best is None or score < best[0]):
                best = (score, which)
        if best is None:
            for text in choice.search:  # no fuzzy match: a description has most letters
                score = rank(query, text, fuzzy=False)
                if score is not None and (best is None or score[0] + OTHER_TEXT < best[0][0]):
                    best = ((score[0] + OTHER_TEXT, 0.0), -1)
        if best is not None:
            found.append((best[0], position, choice, best[1]))
    found.sort(key=lambda item: item[:2])
    return [(choice, which) for _score, _position, choice, which in found]


@dataclass(frozen=True)
class Picked:
    """What a picker returns: an existing choice's key, or a new name to create."""

    key: str
    """The chosen key, or the typed name when ``new``."""
    new: bool = False
    """True when the user asked to create ``key`` (a name that matched nothing)."""


class PickerInput(Input):
    """The picker's field: an ``Input`` that its screen lets go of when it is removed.

    Textual's ``Input`` subscribes to its screen's ``text_selection_started_signal`` with a
    callback that holds the field, and never unsubscribes: the screen keeps every removed
    field alive while it lives. Pickers are widgets of the coding screen, one per code or
    place applied, so a day's coding kept thousands of them (their styles and caches; 600
    codings left some 40,000 more objects on the heap for every hundred codings)."""

    def on_mount(self) -> None:
        self._subscribed_to = self.screen

    def on_unmount(self) -> None:
        self._subscribed_to.text_selection_started_signal.unsubscribe(self)


class FuzzyPicker(Vertical):
    """Choose by typing part of a name (fuzzy); Enter picks, Escape cancels.

    With ``create`` a typed name that is not an existing name is offered as "Create …"
    (highlighted when nothing else matches; ``ctrl+n`` takes it whatever is highlighted).
    Calls ``on_done`` with a :class:`Picked`, or None when cancelled (or when the focus goes
    elsewhere, a click outside it); :class:`PickerScreen` shows one as a modal dialog.

    Its keys are not shown in the footer (its own hint line lists them): the footer then stays
    the same while it is open, and is not built again on every coding.
    """

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            N_("Cancel"),
            show=False,
            id="picker.cancel",
            tooltip=N_("Close without choosing"),
        ),
        Binding("down", "move(1)", N_("Next"), show=False, id="picker.down"),
        Binding("up", "move(-1)", N_("Previous"), show=False, id="picker.up"),
        Binding("pagedown", "move(8)", N_("Page down"), show=False, id="picker.page_down"),
        Binding("pageup", "move(-8)", N_("Page up"), show=False, id="picker.page_up"),
        Binding(
            "ctrl+n",
            "create",
            N_("New"),
            show=False,
            id="picker.create",
            tooltip=N_("Create what is typed, even when it matches something"),
        ),
    ]

    def __init__(
        self,
        choices: Sequence[Choice],
        *,
        title: Content | str,
        noun: str,
        create: bool = False,
        initial: str | None = None,
        verb: str = "choose",
    ) -> None:
        super().__init__(classes="picker")
        self.choices = tuple(choices)
        """What can be picked, in the order shown when nothing is typed."""
        self.title_content = Content(title) if isinstance(title, str) else title
        """The dialog's first line."""
        self.noun = noun
        """What is picked ("code", "place"), for the prompts (see ``PICKER_TEXTS``)."""
        self.texts = PICKER_TEXTS.get(noun) or PickerTexts(N_("type to filter"))
        """What the picker says about what it picks."""
        self.create = create
        """Whether a new name can be typed."""
        self.initial = initial
        """The key highlighted at first (None: the first choice)."""
        self.verb = verb
        """What Enter does, for the hint line (see ``PICKER_VERBS``)."""
        self.on_done: Callable[[Picked | None], None] | None = None
        """Called once with the result (set by whoever shows the picker)."""
        self.take_focus = True
        """Whether its input takes the focus when shown (else keys come by ``take_key``)."""
        self._by_key = {choice.key: choice for choice in self.choices}
        self._finished = False

    def finish(self, result: Picked | None) -> None:
        """Hand ``result`` to ``on_done`` (once)."""
        if self._finished:
            return
        self._finished = True
        if self.on_done is not None:
            self.on_done(result)

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        # A click elsewhere moved the focus out of the picker: that cancels it. Checked after
        # the refresh, once the focus has landed (moving from the input to the list is fine).
        self.call_after_refresh(self._check_focus)

    def _check_focus(self) -> None:
        if self._finished or not self.is_attached:
            return
        focused = self.screen.focused
        if focused is None or not (focused is self or self in focused.ancestors):
            self.finish(None)

    def compose(self) -> ComposeResult:
        yield Label(self.title_content, id="picker-title")
        texts = self.texts
        placeholder = _(texts.filter_new if self.create and texts.filter_new else texts.filter)
        yield PickerInput(placeholder=placeholder, id="picker-input")
        yield OptionList(id="picker-options")
        yield Static("", id="picker-help")
        verb = _(PICKER_VERBS.get(self.verb, self.verb))
        hint = _("[b]Enter[/] {verb}  [b]↑↓[/] move  [b]Esc[/] cancel").format(verb=verb)
        if self.create:
            hint += _("  [b]^n[/] new")
        yield Label(Content.from_markup(hint), id="picker-hint")

    def on_mount(self) -> None:
        self.filter("")
        if self.take_focus:
            self.query_one(Input).focus()

    def take_key(self, event: events.Key) -> bool:
        """Handle a key typed while another widget keeps the focus (the coding screen leaves
        it on the transcript, so that opening and closing the picker changes no style there);
        True when the key was the picker's."""
        field = self.query_one(Input)
        key = event.key
        moves = {"down": 1, "up": -1, "pagedown": 8, "pageup": -8}
        if key == "escape":
            self.action_cancel()
        elif key == "enter":
            self._submitted()
        elif key in moves:
            self.action_move(moves[key])
        elif key == "ctrl+n":
            self.action_create()
        elif key == "backspace":
            field.action_delete_left()
        elif key == "delete":
            field.action_delete_right()
        elif key in ("left", "right", "home", "end"):
            movements = {
                "left": field.action_cursor_left,
                "right": field.action_cursor_right,
                "home": field.action_home,
                "end": field.action_end,
            }
            movements[key]()
        elif event.is_printable and event.character is not None:
            field.insert_text_at_cursor(event.character)
        else:
            return False
        return True

    @property
    def typed(self) -> str:
        """The name typed, with spaces tidied."""
        return " ".join(self.query_one(Input).value.split())

    def _exists(self, name: str) -> bool:
        wanted = name_key(name)  # the core's sameness: any letter case and spacing
        return any(
            wanted == name_key(candidate)
            for choice in self.choices
            for candidate in (choice.name, *choice.aliases)
        )

    def filter(self, query: str) -> None:
        """Show the choices that match ``query`` (all, in their order, when it is empty)."""
        options: list[Option] = []
        query = " ".join(query.split())
        if not query:
            for choice in self.choices:
                parts: list[Content | tuple[str, str] | str] = ["  " * choice.depth]
                if choice.color:
                    parts.append(swatch(choice.color))
                parts.append(choice.name)
                if choice.detail:
                    parts.append((f"  {choice.detail}", "dim"))
                options.append(Option(Content.assemble(*parts), id=choice.key))
        else:
            matcher = Matcher(query)
            for choice, best in ranked(query, self.choices):
                parts = [swatch(choice.color)] if choice.color else []
                if best <= 0:
                    parts.append(matcher.highlight(choice.name) if best == 0 else choice.name)
                else:
                    parts += [
                        choice.name,
                        ("  = ", "dim"),
                        matcher.highlight(choice.aliases[best - 1]),
                    ]
                detail = " · ".join(part for part in (choice.detail, choice.context) if part)
                if detail:
                    parts.append((f"  {detail}", "dim"))
                options.append(Option(Content.assemble(*parts), id=choice.key))
            if self.create and not self._exists(query):
                before, _name, after = _(self.texts.create or "{name}").partition("{name}")
                prompt = Content.assemble(("+ ", "bold $success"), before, (query, "bold"), after)
                options.append(Option(prompt, id=CREATE))
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        highlight = 0 if options else None
        if not query and self.initial is not None:
            keys = [option.id for option in options]
            if self.initial in keys:
                highlight = keys.index(self.initial)
        option_list.highlighted = highlight
        if highlight:
            self.call_after_refresh(option_list.scroll_to_highlight, top=True)
        self._show_help()

    def _show_help(self) -> None:
        option_list = self.query_one(OptionList)
        text = ""
        if option_list.highlighted is not None:
            key = option_list.get_option_at_index(option_list.highlighted).id
            if key == CREATE:
                text = _(self.texts.creates).format(name=self.typed)
            elif key in self._by_key:
                text = self._by_key[key].help
        help_line = self.query_one("#picker-help", Static)
        help_line.update(Content(text))
        help_line.display = bool(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.filter(event.value)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_help()

    def _pick(self, key: str | None) -> None:
        if key is None:
            self.app.bell()
        elif key == CREATE:
            self.finish(Picked(self.typed, new=True))
        else:
            self.finish(Picked(key))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            self._pick(None)
        else:
            self._pick(option_list.get_option_at_index(option_list.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight in the list while typing."""
        option_list = self.query_one(OptionList)
        if option_list.option_count:
            current = option_list.highlighted or 0
            if abs(step) == 1:
                option_list.highlighted = (current + step) % option_list.option_count
            else:
                option_list.highlighted = max(0, min(option_list.option_count - 1, current + step))

    def action_create(self) -> None:
        """Create what is typed (when this picker creates)."""
        if not self.create or not self.typed:
            self.app.bell()
        elif self._exists(self.typed):
            self.notify(_(self.texts.exists).format(name=self.typed), severity="warning")
        else:
            self.finish(Picked(self.typed, new=True))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.finish(None)


class PickerScreen(ModalScreen[Picked | None]):
    """A picker as a modal dialog: dismisses with what it picked (None when cancelled)."""

    def __init__(self, picker: FuzzyPicker) -> None:
        super().__init__()
        self.picker = picker
        """The picker shown."""
        picker.on_done = self._picked

    def _picked(self, result: Picked | None) -> None:
        self.dismiss(result)

    def compose(self) -> ComposeResult:
        yield self.picker


def _title(verb: str, excerpt: str) -> Content:
    if not excerpt:
        return Content.styled(verb, "bold")
    return Content.assemble((f"{verb} ", "bold"), (f"“{excerpt_of(excerpt)}”", "italic"))


class CodePicker(FuzzyPicker):
    """Choose a code of the code tree (its description as help), or type a new code's name."""

    def __init__(
        self,
        codes: Sequence[CodeRow],
        *,
        excerpt: str = "",
        create: bool = True,
        initial: str | None = None,
    ) -> None:
        """``initial``: the code the cursor starts on (the one last used: Enter codes with it
        again)."""
        choices = [
            Choice(
                key=code.name,
                name=code.name,
                detail=code.label,
                context=_("in {parent}").format(parent=code.parent) if code.parent else "",
                help=code.description,
                color=code.color,
                depth=code.depth,
                search=(code.label,) if code.label else (),
            )
            for code in codes
        ]
        super().__init__(
            choices,
            title=_title(_("Code"), excerpt),
            noun="code",
            create=create,
            verb="code",
            initial=initial,
        )


class PlacePicker(FuzzyPicker):
    """Choose a place by its name or an alias (kind and status shown), or type a new name."""

    def __init__(
        self,
        places: Sequence[PlaceRow],
        *,
        excerpt: str = "",
        initial: str | None = None,
        kind_label: Callable[[str], str] = str,
        status_label: Callable[[str], str] = str,
    ) -> None:
        """``initial``: the place the cursor starts on (the one last linked); ``kind_label``
        and ``status_label`` show a kind and a status (by the codebook's label in a Dutch
        interface: see ``PlaceWords``)."""
        choices = []
        for place in places:
            area = ", ".join(p for p in (place.neighbourhood, place.municipality) if p)
            aliases = (
                _("also: {aliases}").format(aliases=", ".join(place.aliases))
                if place.aliases
                else ""
            )
            choices.append(
                Choice(
                    key=place.name,
                    name=place.name,
                    aliases=place.aliases,
                    detail=f"{kind_label(place.kind)} · {status_label(place.status)}",
                    help=" — ".join(part for part in (area, aliases) if part),
                )
            )
        super().__init__(
            choices,
            title=_title(_("Link"), excerpt),
            noun="place",
            create=True,
            verb="link",
            initial=initial,
        )


class KindPicker(FuzzyPicker):
    """Choose the kind of a new place from the codebook's place kinds."""

    def __init__(
        self,
        place: str,
        kinds: Sequence[PlaceKindRow],
        *,
        default: str = "other",
        labels: bool = True,
    ):
        """With ``labels`` the kinds' labels are shown (the codebook is in the interface's
        language); they are matched either way."""
        choices = [
            Choice(
                key=kind.name,
                name=kind.name,
                detail=kind.label if labels else "",
                help=kind.description,
                search=tuple(text for text in (kind.label, kind.description) if text),
            )
            for kind in kinds
        ]
        title = Content.assemble(
            (_("New place") + " ", "bold"), (f"“{place}”", "italic"), _(": its kind")
        )
        super().__init__(choices, title=title, noun="kind", initial=default, verb="create")


class MemoDialog(ModalScreen[str | None]):
    """Write or edit a memo. Dismisses with the text (blank: delete an existing memo), or None
    when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="memo.save", tooltip=N_("Save the memo")),
        Binding(
            "escape", "cancel", N_("Cancel"), id="memo.cancel", tooltip=N_("Close without saving")
        ),
    ]

    def __init__(self, title: Content | str, text: str = "", *, existing: bool = False) -> None:
        super().__init__()
        self.title_content = Content(title) if isinstance(title, str) else title
        """The dialog's first line (which segment the memo is on)."""
        self.text = text
        """The memo's text when the dialog opened."""
        self.existing = existing
        """True when an existing memo is edited (blank text then deletes it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="memo"):
            yield Label(self.title_content, id="memo-title")
            yield TextArea(self.text, soft_wrap=True, id="memo-text")
            hint = _("[b]^s[/] save  [b]Esc[/] cancel")
            if self.existing:
                hint += _("  [dim](empty the text to delete the memo)[/]")
            yield Label(Content.from_markup(hint), id="memo-hint")
            with Horizontal(id="memo-buttons"):
                yield Button(_("Save"), variant="primary", id="memo-save")
                yield Button(_("Cancel"), id="memo-cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @on(Button.Pressed, "#memo-save")
    def action_save(self) -> None:
        """Save (an unchanged text is the same as cancelling)."""
        text = self.query_one(TextArea).text
        if text.strip() == self.text.strip():
            self.dismiss(None)
        elif not text.strip() and not self.existing:
            self.notify(_("The memo is empty: nothing to save."), severity="warning")
        else:
            self.dismiss(text)

    @on(Button.Pressed, "#memo-cancel")
    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: ``y`` or Enter says yes, ``n`` or Escape says no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, question: Content | str) -> None:
        super().__init__()
        self.question = Content(question) if isinstance(question, str) else question
        """What is asked."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(_("Yes (y)"), variant="warning", id="confirm-yes")
                yield Button(_("No (n)"), id="confirm-no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below, with what they do, and how to select text."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", N_("Close"), id="help.close"),
    ]

    SELECTING = (
        ("shift+arrows", N_("select text in the transcript")),
        ("ctrl+shift+left/right", N_("extend the selection by a word")),
        (N_("mouse drag"), N_("select whole words in the transcript")),
        (N_("mouse click"), N_("show the codes of a segment")),
        ("ctrl+left/right", N_("move by word")),
        ("pageup/pagedown", N_("scroll")),
    )
    """How to select text (keys of the text area, not bindings): translated when shown."""

    def __init__(self, keys: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.keys = tuple(keys)
        """(key, description, tooltip) of each binding to explain."""

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Label(Content.styled(_("Keys"), "bold"), id="help-title")
            with VerticalScroll(id="help-body"), Grid(id="help-keys"):
                rows = [(key, text) for key, text, _tooltip in self.keys] + [
                    (_(key), _(text)) for key, text in self.SELECTING
                ]
                for key, text in rows:
                    yield Label(key, classes="help-key")
                    yield Label(text, classes="help-text")
            yield Label(Content.from_markup(_("[dim]Esc to close[/]")), id="help-hint")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)


class ErrorScreen(ModalScreen[None]):
    """An unexpected error, shown in full so it can be reported."""

    BINDINGS = [Binding("escape,enter", "close", N_("Close"), id="error.close")]

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
            yield Button(_("OK"), variant="error", id="error-ok")

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)

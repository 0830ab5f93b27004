"""The code and place suggestions for the open document, one at a time in a panel under the
transcript, with the reason and score: accept one (one change), reject it (not shown again
while the workbench runs), or skip it. Closing the panel takes the reader back to where it
was when the suggestions were opened (going through them moves the selection)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Offset
from textual.widgets import Static
from textual.widgets.text_area import Selection
from textual.worker import get_current_worker

from workbench.i18n import N_, _
from workbench.services import reading
from workbench.services.project import Project
from workbench.tui.dialogs.common import excerpt_of
from workbench.tui.messages import ChangeWritten, SuggestionsLoaded
from workbench.tui.screens.coding.base import CodingBase
from workbench.tui.screens.coding.writes import accepted

_REJECTED: WeakKeyDictionary[App[None], dict[str, set[str]]] = WeakKeyDictionary()
"""Suggestions rejected in this run of the app, per document (kept in memory only)."""


class SuggestionPanel(Static, can_focus=True):
    """The current suggestion for the document: accept it, reject it, or move on."""

    BINDINGS = [
        Binding(
            "a,enter",
            "screen.accept_suggestion",
            N_("Accept"),
            id="suggest.accept",
            tooltip=N_("Accept the suggestion: code or link the selected span"),
        ),
        Binding(
            "r,delete",
            "screen.reject_suggestion",
            N_("Reject"),
            id="suggest.reject",
            tooltip=N_("Reject the suggestion (not shown again while the workbench runs)"),
        ),
        Binding(
            "right",
            "screen.step_suggestion(1)",
            N_("Next"),
            id="suggest.next",
            tooltip=N_("Skip to the next suggestion"),
        ),
        Binding(
            "left",
            "screen.step_suggestion(-1)",
            N_("Previous"),
            id="suggest.previous",
            tooltip=N_("Back to the previous suggestion"),
        ),
        Binding(
            "escape",
            "screen.close_suggestions",
            N_("Close"),
            id="suggest.close",
            tooltip=N_("Close the suggestions"),
        ),
    ]


class SuggestionsMixin(CodingBase):
    """The coding screen's suggestions: find them, show one, accept, reject or skip it."""

    _reader_mark: tuple[Selection, Offset] | None = None
    """The transcript's selection and scroll position when the suggestions were opened."""

    def _rejected(self) -> set[str]:
        return _REJECTED.setdefault(self.workbench, {}).setdefault(self.document_name, set())

    def action_suggest(self) -> None:
        """Open the suggestions for this document (found in a worker)."""
        project = self.project
        if self.document is None or project is None:
            return
        panel = self.query_one(SuggestionPanel)
        if not panel.display:  # opened again while open: keep the first mark
            self._reader_mark = (self.transcript.selection, self.transcript.scroll_offset)
        panel.display = True
        panel.update(Content.styled(_("Looking for suggestions…"), "dim italic"))
        panel.focus()
        self.suggestions = []
        self.load_suggestions(project, self.document_name)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def load_suggestions(self, project: Project, document: str) -> None:
        """Find the suggestions for ``document`` through the core (a thread worker; posts
        ``SuggestionsLoaded``)."""
        found = reading.suggestions(project, document)
        if not get_current_worker().is_cancelled:
            self.post_message(SuggestionsLoaded(document, found))

    def on_suggestions_loaded(self, message: SuggestionsLoaded) -> None:
        rejected = self._rejected()
        self.suggestions = [s for s in message.suggestions if s.id not in rejected]
        self.suggestion_index = 0
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        panel = self.query_one(SuggestionPanel)
        if not panel.display:
            return
        if not self.suggestions:
            panel.update(
                Content.from_markup(
                    _("[i]No suggestions left for this document.[/]  [b]Esc[/] close")
                )
            )
            return
        self.suggestion_index %= len(self.suggestions)
        item = self.suggestions[self.suggestion_index]
        verb = _("code with") if item.kind == "code" else _("link to place")
        panel.update(
            Content.assemble(
                (f"{self.suggestion_index + 1}/{len(self.suggestions)}  ", "dim"),
                (f"{verb} ", ""),
                (item.target, "bold"),
                ("  " + _("line {line}").format(line=item.line) + "  ", "dim"),
                (f"“{excerpt_of(item.text, 50)}”", "italic"),
                "\n",
                (_("why: {reason}").format(reason=item.reason), "dim"),
                ("  " + _("(score {score})").format(score=f"{item.score:.2f}"), "dim"),
                "\n",
                Content.from_markup(
                    _("[b]a[/] accept  [b]r[/] reject  [b]←→[/] skip  [b]Esc[/] close")
                ),
            )
        )
        self.transcript.select_span(item.start, item.end)

    def action_accept_suggestion(self) -> None:
        """Accept the suggestion shown (one change), then show the next."""
        if not self.suggestions:
            return
        item = self.suggestions.pop(self.suggestion_index)
        self._write(lambda project: ChangeWritten(accepted(project, item)))
        self._show_suggestion()

    def action_reject_suggestion(self) -> None:
        """Reject the suggestion shown (remembered while the workbench runs), show the next."""
        if not self.suggestions:
            return
        item = self.suggestions.pop(self.suggestion_index)
        self._rejected().add(item.id)
        self._show_suggestion()

    def action_step_suggestion(self, step: int) -> None:
        """Show the next or the previous suggestion without deciding."""
        if self.suggestions:
            self.suggestion_index = (self.suggestion_index + step) % len(self.suggestions)
            self._show_suggestion()

    def action_close_suggestions(self) -> None:
        """Close the suggestions; the reader goes back to where it was when they opened."""
        self.query_one(SuggestionPanel).display = False
        transcript = self.transcript
        mark, self._reader_mark = self._reader_mark, None
        if mark is not None:
            selection, scroll = mark
            transcript.selection = selection
            transcript.scroll_to(scroll.x, scroll.y, animate=False, immediate=True)
        transcript.focus()

"""The code and place suggestions for the open document, one at a time in a panel under the
transcript: accept one (one change), reject it (not shown again while the workbench runs),
or skip it."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

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
            "Accept",
            id="suggest.accept",
            tooltip="Accept the suggestion: code or link the selected span",
        ),
        Binding(
            "r,delete",
            "screen.reject_suggestion",
            "Reject",
            id="suggest.reject",
            tooltip="Reject the suggestion (not shown again while the workbench runs)",
        ),
        Binding(
            "right",
            "screen.step_suggestion(1)",
            "Next",
            id="suggest.next",
            tooltip="Skip to the next suggestion",
        ),
        Binding(
            "left",
            "screen.step_suggestion(-1)",
            "Previous",
            id="suggest.previous",
            tooltip="Back to the previous suggestion",
        ),
        Binding(
            "escape",
            "screen.close_suggestions",
            "Close",
            id="suggest.close",
            tooltip="Close the suggestions",
        ),
    ]


class SuggestionsMixin(CodingBase):
    """The coding screen's suggestions: find them, show one, accept, reject or skip it."""

    def _rejected(self) -> set[str]:
        return _REJECTED.setdefault(self.workbench, {}).setdefault(self.document_name, set())

    def action_suggest(self) -> None:
        """Open the suggestions for this document (found in a worker)."""
        project = self.project
        if self.document is None or project is None:
            return
        panel = self.query_one(SuggestionPanel)
        panel.display = True
        panel.update(Content.styled("Looking for suggestions…", "dim italic"))
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
                Content.from_markup("[i]No suggestions left for this document.[/]  [b]Esc[/] close")
            )
            return
        self.suggestion_index %= len(self.suggestions)
        item = self.suggestions[self.suggestion_index]
        verb = "code" if item.kind == "code" else "link to place"
        panel.update(
            Content.assemble(
                (f"{self.suggestion_index + 1}/{len(self.suggestions)}  ", "dim"),
                (f"{verb} ", ""),
                (item.target, "bold"),
                (f"  line {item.line}  ", "dim"),
                (f"“{excerpt_of(item.text, 50)}”", "italic"),
                "\n",
                (item.reason, "dim"),
                "\n",
                Content.from_markup(
                    "[b]a[/] accept  [b]r[/] reject  [b]←→[/] skip  [b]Esc[/] close"
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
        """Close the suggestions."""
        self.query_one(SuggestionPanel).display = False
        self.transcript.focus()

"""Searching the open document: the search line under the transcript, and its matches.

The core finds the matches (in a worker); they stay marked in the transcript, and F3 and
shift+F3 go through them after the search line is closed.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from workbench.i18n import N_, _
from workbench.services import reading
from workbench.services.project import Project
from workbench.tui.messages import SearchDone
from workbench.tui.screens.coding.base import CodingBase


class SearchBar(Horizontal):
    """The search line under the transcript: Enter or ↓ next match, ↑ previous, Esc closes."""

    BINDINGS = [
        Binding(
            "down,shift+enter",
            "screen.next_match(1)",
            N_("Next match"),
            show=False,
            id="search.next",
            tooltip=N_("Go to the next match"),
        ),
        Binding(
            "up",
            "screen.next_match(-1)",
            N_("Previous match"),
            show=False,
            id="search.previous",
            tooltip=N_("Go to the previous match"),
        ),
        Binding(
            "escape",
            "screen.close_search",
            N_("Close"),
            id="search.close",
            tooltip=N_("Back to the transcript (the matches stay marked; F3 goes on)"),
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-slash")
        yield Input(placeholder=_("search this document; Enter: next match"), id="search-input")
        yield Label("", id="search-count")


class SearchMixin(CodingBase):
    """The coding screen's search: open and close the search line, find, go to the matches."""

    def action_search(self) -> None:
        """Open the search line under the transcript."""
        bar = self.query_one(SearchBar)
        bar.display = True
        field = self.query_one("#search-input", Input)
        field.focus()
        field.select_all()

    def action_close_search(self) -> None:
        """Close the search line; the matches stay marked and F3 goes on through them."""
        self.query_one(SearchBar).display = False
        self.transcript.focus()

    @on(Input.Submitted, "#search-input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        if not text:
            self.search_text = ""
            self._show_matches(())
            return
        if text == self.search_text:
            self.action_next_match(1)
            return
        project = self.project
        if project is not None:
            self.search_text = text
            self.query_one("#search-count", Label).update("…")
            self.run_search(project, self.document_name, text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, project: Project, document: str, text: str) -> None:
        """Find ``text`` in ``document`` through the core (a thread worker; posts
        ``SearchDone``)."""
        matches = reading.search_document(project, document, text)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(text, matches))

    def on_search_done(self, message: SearchDone) -> None:
        if message.text != self.search_text:
            return
        self._show_matches(message.matches)
        if not message.matches:
            self.notify(
                _("“{text}” is not in this document.").format(text=message.text),
                severity="warning",
            )
            return
        here = self.transcript.cursor_offset
        following = [m for m in message.matches if m[0] >= here]
        self._jump((following or list(message.matches))[0], wrapped=not following)

    def _show_matches(self, matches: tuple[tuple[int, int], ...]) -> None:
        self.matches = matches
        self.transcript.show_matches(matches)
        self._count_matches()

    def _count_matches(self, current: tuple[int, int] | None = None) -> None:
        label = self.query_one("#search-count", Label)
        if not self.search_text:
            label.update("")
        elif current is None or current not in self.matches:
            label.update(_("{count} found").format(count=len(self.matches)))
        else:
            label.update(f"{self.matches.index(current) + 1}/{len(self.matches)}")

    def _jump(self, match: tuple[int, int], *, wrapped: bool = False) -> None:
        self.transcript.select_span(*match)
        self._count_matches(match)
        if wrapped:
            self.notify(_("Search went round to the other end."), timeout=2)

    def action_next_match(self, step: int) -> None:
        """Go to the next (``step`` 1) or previous (-1) match of the last search."""
        if not self.matches:
            if self.search_text:
                self.notify(
                    _("“{text}” is not in this document.").format(text=self.search_text),
                    severity="warning",
                )
            else:
                self.action_search()
            return
        transcript = self.transcript
        span = transcript.selected_span
        here = span[0] if span is not None else transcript.cursor_offset
        if step > 0:
            after = [m for m in self.matches if m[0] > here]
            self._jump(after[0] if after else self.matches[0], wrapped=not after)
        else:
            before = [m for m in self.matches if m[0] < here]
            self._jump(before[-1] if before else self.matches[-1], wrapped=not before)

"""Reading through a transcript: go to a line, to the next or previous speaker turn, and the
place where the reader left it, remembered across restarts (see
:mod:`workbench.services.positions`: the reader's own, kept outside the shared project).
"""

from __future__ import annotations

from textual.geometry import Offset

from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.services import positions
from workbench.services.positions import Position
from workbench.tui.dialogs.forms import TextPrompt
from workbench.tui.screens.coding.selection import SelectionMixin
from workbench.tui.widgets.transcript import TranscriptArea


class MovingMixin(SelectionMixin):
    """Go to a line, move by speaker turn, and come back where the reader left off."""

    """Where the document was left last time (read with the document, in its worker)."""

    _shown_in: TranscriptArea | None = None
    """The transcript the document is shown in (kept to read its place as the screen goes)."""

    # --- lines and turns -------------------------------------------------------------------

    def line_count(self) -> int:
        """The number of lines of the document (a last line break starts no line)."""
        if self.document is None:
            return 0
        lines = len(self.index.lines)
        return max(1, lines - 1 if self.document.text.endswith("\n") else lines)

    def action_go_to_line(self) -> None:
        """Ask for a line number and put the cursor at the start of that line."""
        count = self.line_count()
        if not count:
            return

        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                number = int(text.strip())
            except ValueError:
                number = 0
            if not 1 <= number <= count:
                self.notify(
                    _("No line {typed}: the lines are 1–{count}.").format(
                        typed=repr(text.strip()), count=count
                    ),
                    severity="warning",
                    timeout=3,
                )
                return
            self._go_to(self.index.starts[number - 1])

        here = self.index.location(self.transcript.cursor_offset)[0] + 1
        self.app.push_screen(
            TextPrompt(
                _("Go to line (1–{count}; the cursor is on {here})").format(count=count, here=here),
                placeholder=_("line"),
            ),
            chosen,
        )

    def action_next_turn(self, step: int) -> None:
        """Put the cursor at the start of the next (``step`` 1) or previous (-1) speaker turn;
        back from inside a turn goes to the start of that turn first."""
        if self.document is None:
            return
        starts = sorted({turn.start for turn in self.document.turns})
        if not starts:
            self.notify(_("This document has no speaker turns."), severity="warning", timeout=3)
            return
        transcript = self.transcript
        here = transcript.cursor_offset
        if step > 0:
            following = [start for start in starts if start > here]
            target = following[0] if following else None
        else:
            before = [start for start in starts if start < here]
            target = before[-1] if before else None
        if target is None:
            none = (
                _("No speaker turn after the cursor.")
                if step > 0
                else _("No speaker turn before the cursor.")
            )
            self.notify(none, severity="warning", timeout=2)
            return
        transcript.move_cursor(transcript.location_of(target))
        transcript.focus()

    # --- where the reader left off ---------------------------------------------------------

    def restore_position(self, place: Position | None, *, move: bool = True) -> None:
        """Put the cursor and the view back at ``place``, where the document was left (called
        once it is shown; with ``move`` False, when a span was selected instead, only from
        then on is the place kept)."""
        transcript = self.transcript
        self._shown_in = transcript
        if place is None or self.document is None or not move:
            return
        length = len(self.document.text)
        cursor = transcript.location_of(min(place.cursor, length))
        transcript.move_cursor(cursor)
        top = transcript.location_of(min(place.top, length))
        self.call_after_refresh(self._show_from, top)

    def _show_from(self, top: tuple[int, int]) -> None:
        """Scroll the transcript so that the screen line starting at ``top`` is at the top."""
        transcript = self.transcript
        y = transcript.wrapped_document.location_to_offset(top).y
        transcript.scroll_to(y=y, animate=False, immediate=True)

    def remember_position(self) -> None:
        """Keep where the reader is for next time (the user's own file; a failure to write
        it only loses the convenience)."""
        transcript = self._shown_in
        project = self.project
        if transcript is None or project is None or self.document is None:
            return
        try:
            cursor = transcript.offset_of(transcript.selection.end)
            top_location = transcript.wrapped_document.offset_to_location(
                Offset(0, transcript.scroll_offset.y)
            )
            top = transcript.offset_of(top_location)
        except (IndexError, ValueError):  # the text was never laid out
            return
        try:
            positions.remember(project, self.document.name, cursor=cursor, top=top)
        except WorkbenchError:
            pass

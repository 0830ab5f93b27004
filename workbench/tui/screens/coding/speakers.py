"""The coding screen's speaker keys: set the speaker of the turn under the cursor, rename its
speaker in this document, split the turn at the cursor, join it to the turn before it.

Each queues one write (one change in the change log, undone with ctrl+z); the write's worker
reads the document's turns again and the transcript repaints its speaker margin. Segments,
codings and memos are untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from textual.content import Content

from workbench.i18n import _, counted
from workbench.services import speakers as speaker_service
from workbench.services.project import Project
from workbench.services.reading import TurnSpan
from workbench.tui.dialogs.common import Choice, FuzzyPicker, Picked
from workbench.tui.dialogs.forms import TextPrompt
from workbench.tui.screens.coding.selection import SelectionMixin
from workbench.tui.screens.coding.writes import turns_written


class SpeakersMixin(SelectionMixin):
    """Set, rename, split and join speaker turns from the transcript."""

    def turn_here(self) -> tuple[int, TurnSpan] | None:
        """The turn under the cursor, with its number (from 1), or None: the turn holding the
        cursor's character, else the one the cursor stands just after (at a line's end)."""
        if self.document is None:
            return None
        offset = self.transcript.cursor_offset
        turns = self.document.turns
        for number, turn in enumerate(turns, 1):
            if turn.start <= offset < turn.end:
                return number, turn
        for number, turn in enumerate(turns, 1):
            if turn.end == offset:
                return number, turn
        return None

    def _turn_or_warn(self) -> tuple[int, TurnSpan] | None:
        found = self.turn_here()
        if found is None and self.document is not None:
            what = (
                _("This document has no speaker turns.")
                if not self.document.turns
                else _("This document has no speaker turn here.")
            )
            self.notify(what, severity="warning", timeout=3)
        return found

    def _write_turns(self, job: Callable[[Project], str]) -> None:
        """Queue a speaker write; its worker reads the turns again for the margin."""
        assert self.document is not None
        post, document_id = self.post_message, self.document.id
        self._write(lambda project: turns_written(post, document_id, project, job))

    def action_set_speaker(self) -> None:
        """Set the speaker of the turn under the cursor: one of the document's speakers, or a
        new one typed."""
        found = self._turn_or_warn()
        if found is None or self.document is None:
            return
        number, turn = found
        document = self.document.name
        labels = [t.speaker for t in self.document.turns if t.speaker]
        counts = Counter(labels)
        choices = [
            Choice(key=label, name=label, detail=counted(counts[label], "turn", "turns"))
            for label in dict.fromkeys(labels)
        ]
        title = Content.assemble(
            (_("Speaker of turn {number}").format(number=number) + " ", "bold"),
            (
                _("({lines}, now {speaker})").format(
                    lines=self._lines(turn.start, turn.end), speaker=turn.speaker or _("unknown")
                ),
                "dim",
            ),
        )
        picker = FuzzyPicker(
            choices, title=title, noun="speaker", create=True, initial=turn.speaker, verb="set"
        )

        def picked(result: Picked | None) -> None:
            if result is None:
                return
            name = result.key

            def job(project: Project) -> str:
                row = speaker_service.set_speaker(project, document, number, name)
                return _("speaker of turn {number}: {speaker}").format(
                    number=number, speaker=row.speaker
                )

            self._write_turns(job)

        self.open_picker(picker, picked)

    def action_rename_speaker(self) -> None:
        """Rename the speaker of the turn under the cursor in every turn of this document."""
        found = self._turn_or_warn()
        if found is None or self.document is None:
            return
        _number, turn = found
        old = turn.speaker
        if not old:
            self.notify(_("This turn has no speaker yet: set one first."), severity="warning")
            return
        document = self.document.name

        def answered(new: str | None) -> None:
            if not new or new == old:
                return

            def job(project: Project) -> str:
                done = speaker_service.rename(project, old, new, document=document)
                return _("renamed speaker {old} to {new} ({turns})").format(
                    old=done.old, new=done.new, turns=counted(done.turns, "turn", "turns")
                )

            self._write_turns(job)

        prompt = TextPrompt(
            _("Rename the speaker “{old}” in {document} to").format(old=old, document=document),
            value=old,
        )
        self.app.push_screen(prompt, answered)

    def action_split_turn(self) -> None:
        """Split the turn under the cursor: a new turn (same speaker) starts at the cursor."""
        if self._turn_or_warn() is None or self.document is None:
            return
        document = self.document.name
        offset = self.transcript.cursor_offset

        def job(project: Project) -> str:
            done = speaker_service.split(project, document, offset)
            after = done.after
            return _("split turn {before}: turn {after} from line {line}").format(
                before=done.before.number, after=after.number, line=after.line
            )

        self._write_turns(job)

    def action_join_turn(self) -> None:
        """Join the turn under the cursor to the turn before it (which keeps its speaker)."""
        found = self._turn_or_warn()
        if found is None or self.document is None:
            return
        number, _turn = found
        document = self.document.name

        def job(project: Project) -> str:
            row = speaker_service.join(project, document, number)
            return _("joined turn {number} to turn {before} ({speaker})").format(
                number=number, before=row.number, speaker=row.speaker or _("unknown")
            )

        self._write_turns(job)

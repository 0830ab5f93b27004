"""The keys of the coding screen, in the order the footer and the help screen show them.

They are bound on :class:`~workbench.tui.screens.coding.screen.CodingScreen` itself (not on
its parts), so the command palette and the keys file find them all in one ``BINDINGS``.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from workbench.i18n import N_
from workbench.tui.screens.base import SEGMENT_KEYS

SELECT_KEYS = Binding.Group(N_("Select"))
"""The footer group of the sentence and turn selection keys."""

SPEAKER_KEYS = Binding.Group(N_("Speakers"))
"""The footer group of the speaker keys (set, rename, split, join)."""

CODING_BINDINGS: list[BindingType] = [
    # Help first, so that the footer shows it even on a narrow terminal.
    Binding(
        "question_mark",
        "app.help",
        N_("Help"),
        key_display="?",
        id="coding.help",
        tooltip=N_("The keys of the coding screen"),
    ),
    Binding(
        "c",
        "code",
        N_("Code"),
        id="coding.code",
        tooltip=N_(
            "Code the selected text (or the segment under the cursor); "
            "typing a new name creates the code"
        ),
    ),
    Binding(
        "p",
        "place",
        N_("Place"),
        id="coding.place",
        tooltip=N_(
            "Link the selected text (or the segment under the cursor) to a place; "
            "a new name creates the place"
        ),
    ),
    Binding(
        "m",
        "memo",
        N_("Memo"),
        id="coding.memo",
        tooltip=N_("Write or edit the memo of the selected text or the segment under the cursor"),
    ),
    Binding(
        "x",
        "remove",
        N_("Uncode"),
        id="coding.remove",
        tooltip=N_("Remove a code or a place link from the segment under the cursor"),
    ),
    Binding(
        "n",
        "next_segment",
        N_("Next"),
        id="coding.next_segment",
        group=SEGMENT_KEYS,
        tooltip=N_("Move the cursor to the start of the next segment"),
    ),
    Binding(
        "N,shift+n",
        "previous_segment",
        N_("Previous"),
        key_display="N",
        id="coding.previous_segment",
        group=SEGMENT_KEYS,
        tooltip=N_("Move the cursor to the start of the previous segment"),
    ),
    Binding(
        "slash",
        "search",
        N_("Find"),
        key_display="/",
        id="coding.search",
        tooltip=N_("Search this document (Enter: next match)"),
    ),
    Binding(
        "f3",
        "next_match(1)",
        N_("Next match"),
        show=False,
        id="coding.next_match",
        tooltip=N_("Go to the next match of the last search"),
    ),
    Binding(
        "shift+f3",
        "next_match(-1)",
        N_("Previous match"),
        show=False,
        id="coding.previous_match",
        tooltip=N_("Go to the previous match of the last search"),
    ),
    Binding(
        "s",
        "suggest",
        N_("Suggest"),
        id="coding.suggest",
        tooltip=N_("Go through the code and place suggestions for this document"),
    ),
    Binding(
        "full_stop",
        "select_unit('sentence')",
        N_("Sentence"),
        key_display=".",
        id="coding.select_sentence",
        group=SELECT_KEYS,
        tooltip=N_("Select the sentence at the cursor; again: add the next sentence"),
    ),
    Binding(
        "t",
        "select_unit('turn')",
        N_("Turn"),
        id="coding.select_turn",
        group=SELECT_KEYS,
        tooltip=N_("Select the speaker turn at the cursor; again: add the next turn"),
    ),
    Binding(
        "S,shift+s",
        "set_speaker",
        N_("Speaker"),
        key_display="S",
        id="coding.set_speaker",
        group=SPEAKER_KEYS,
        tooltip=N_(
            "Set the speaker of the turn under the cursor (a speaker of this document or a new one)"
        ),
    ),
    Binding(
        "R,shift+r",
        "rename_speaker",
        N_("Rename speaker"),
        key_display="R",
        show=False,
        id="coding.rename_speaker",
        group=SPEAKER_KEYS,
        tooltip=N_(
            "Rename the speaker of the turn under the cursor in every turn of this document"
        ),
    ),
    Binding(
        "T,shift+t",
        "split_turn",
        N_("Split turn"),
        key_display="T",
        show=False,
        id="coding.split_turn",
        group=SPEAKER_KEYS,
        tooltip=N_("Split the speaker turn at the cursor: a new turn starts there"),
    ),
    Binding(
        "J,shift+j",
        "join_turn",
        N_("Join turn"),
        key_display="J",
        show=False,
        id="coding.join_turn",
        group=SPEAKER_KEYS,
        tooltip=N_("Join the speaker turn under the cursor to the turn before it"),
    ),
    Binding(
        "right_square_bracket",
        "next_turn(1)",
        N_("Next turn"),
        key_display="]",
        show=False,
        id="coding.next_turn",
        tooltip=N_("Move the cursor to the start of the next speaker turn"),
    ),
    Binding(
        "left_square_bracket",
        "next_turn(-1)",
        N_("Previous turn"),
        key_display="[",
        show=False,
        id="coding.previous_turn",
        tooltip=N_("Move the cursor to the start of the speaker turn (again: the one before)"),
    ),
    Binding(
        "ctrl+g",
        "go_to_line",
        N_("Go to line"),
        show=False,
        id="coding.go_to_line",
        tooltip=N_("Go to a line by its number"),
    ),
    Binding(
        "ctrl+b",
        "toggle_sidebar",
        N_("Sidebar"),
        id="coding.sidebar",
        show=False,
        tooltip=N_("Show or hide the side panel"),
    ),
    Binding(
        "escape",
        "back",
        N_("Back"),
        show=False,
        id="coding.back",
        tooltip=N_("Clear the selection; with nothing selected, back to the list of documents"),
    ),
]

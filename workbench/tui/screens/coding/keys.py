"""The keys of the coding screen, in the order the footer and the help screen show them.

They are bound on :class:`~workbench.tui.screens.coding.screen.CodingScreen` itself (not on
its parts), so the command palette and the keys file find them all in one ``BINDINGS``.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from workbench.tui.screens.base import SEGMENT_KEYS

SELECT_KEYS = Binding.Group("Select")
"""The footer group of the sentence and turn selection keys."""

CODING_BINDINGS: list[BindingType] = [
    # Help first, so that the footer shows it even on a narrow terminal.
    Binding(
        "question_mark",
        "app.help",
        "Help",
        key_display="?",
        id="coding.help",
        tooltip="The keys of the coding screen",
    ),
    Binding(
        "c",
        "code",
        "Code",
        id="coding.code",
        tooltip="Code the selected text (or the segment under the cursor); "
        "typing a new name creates the code",
    ),
    Binding(
        "p",
        "place",
        "Place",
        id="coding.place",
        tooltip="Link the selected text (or the segment under the cursor) to a place; "
        "a new name creates the place",
    ),
    Binding(
        "m",
        "memo",
        "Memo",
        id="coding.memo",
        tooltip="Write or edit the memo of the selected text or the segment under the cursor",
    ),
    Binding(
        "x",
        "remove",
        "Uncode",
        id="coding.remove",
        tooltip="Remove a code or a place link from the segment under the cursor",
    ),
    Binding(
        "n",
        "next_segment",
        "Next",
        id="coding.next_segment",
        group=SEGMENT_KEYS,
        tooltip="Move the cursor to the start of the next segment",
    ),
    Binding(
        "N,shift+n",
        "previous_segment",
        "Previous",
        key_display="N",
        id="coding.previous_segment",
        group=SEGMENT_KEYS,
        tooltip="Move the cursor to the start of the previous segment",
    ),
    Binding(
        "slash",
        "search",
        "Find",
        key_display="/",
        id="coding.search",
        tooltip="Search this document (Enter: next match)",
    ),
    Binding(
        "f3",
        "next_match(1)",
        "Next match",
        show=False,
        id="coding.next_match",
        tooltip="Go to the next match of the last search",
    ),
    Binding(
        "shift+f3",
        "next_match(-1)",
        "Previous match",
        show=False,
        id="coding.previous_match",
        tooltip="Go to the previous match of the last search",
    ),
    Binding(
        "s",
        "suggest",
        "Suggest",
        id="coding.suggest",
        tooltip="Go through the code and place suggestions for this document",
    ),
    Binding(
        "full_stop",
        "select_unit('sentence')",
        "Sentence",
        key_display=".",
        id="coding.select_sentence",
        group=SELECT_KEYS,
        tooltip="Select the sentence at the cursor; again: add the next sentence",
    ),
    Binding(
        "t",
        "select_unit('turn')",
        "Turn",
        id="coding.select_turn",
        group=SELECT_KEYS,
        tooltip="Select the speaker turn at the cursor; again: add the next turn",
    ),
    Binding(
        "ctrl+b",
        "toggle_sidebar",
        "Sidebar",
        id="coding.sidebar",
        show=False,
        tooltip="Show or hide the side panel",
    ),
    Binding(
        "escape",
        "back",
        "Back",
        show=False,
        id="coding.back",
        tooltip="Back to the list of documents",
    ),
]

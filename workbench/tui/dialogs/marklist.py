"""A selection list whose marks read without colour.

Textual's :class:`SelectionList` draws the same ``X`` beside every option and shows which
are marked by its colour alone: with ``NO_COLOR``, in grey, or to a colour-blind reader,
marked and unmarked options look the same. Here a marked option shows ``✔`` and an unmarked
one an empty box.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton

MARKED = "✔"
UNMARKED = " "


class MarkList(SelectionList[str]):
    """A :class:`SelectionList` of strings with ``✔`` on the marked options."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip  # a line that is not an option (no button drawn)
        option = self.scroll_offset.y + y
        try:
            value = self.get_option_at_index(option).value
        except Exception:  # noqa: BLE001 (the same guard as the line drawn above)
            return strip
        mark = MARKED if value in self.selected else UNMARKED
        segments[1] = Segment(mark, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)

"""The footer: Textual's, showing only the keys that fit whole.

Textual's footer lays its keys out in a row and cuts the row at the edge, so a narrow terminal
(or a language with longer words) shows half a key: ``^z Ongedaan ma``. Here a key that does
not fit whole is hidden, with every key after it; each key is still in the help (``?``) and in
the command palette, whose key stays at the right.

A key's width is worked out from its text and its styles, as the footer's horizontal layout
places it (margins between neighbours collapse to the larger one), so fitting needs no layout
pass of its own: it runs once the keys are mounted, and again on a resize.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

__all__ = ["FittingFooter"]

PALETTE = "-command-palette"
"""The class of the command palette's key (docked at the right)."""


def _units(children: list[Widget]) -> list[list[Widget]]:
    """The footer's keys as shown together: a key, or a group of keys with the label after
    it (``n N Segment``), which is hidden whole or shown whole."""
    units: list[list[Widget]] = []
    for child in children:
        if isinstance(child, FooterLabel) and units:
            units[-1].append(child)
        else:
            units.append([child])
    return units


class FittingFooter(Footer):
    """A footer that hides the keys that would be cut at its right edge."""

    def __init__(self, *, compact: bool = True) -> None:
        super().__init__(compact=compact)
        self._fitted_width = -1

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit)

    def on_resize(self, event: events.Resize) -> None:
        # Only a new width: hiding keys changes the row's virtual size, which is a resize too.
        if event.size.width != self._fitted_width:
            self.call_after_refresh(self.fit)

    def _width(self, widget: Widget) -> int:
        """The columns ``widget`` takes in a row, its own margins included."""
        if isinstance(widget, (FooterKey, FooterLabel)):
            inner = widget.get_content_width(self.size, self.app.size)
        else:  # a group of keys: its keys side by side, margins between them collapsed
            parts = list(widget.children)
            inner = sum(
                part.get_content_width(self.size, self.app.size) + part.styles.gutter.width
                for part in parts
            )
            if parts:
                inner += parts[0].styles.margin.left + parts[-1].styles.margin.right
                inner += sum(
                    max(left.styles.margin.right, right.styles.margin.left)
                    for left, right in zip(parts, parts[1:], strict=False)
                )
        return inner + widget.styles.gutter.width + widget.styles.margin.width

    def fit(self) -> None:
        """Show the keys, in order, as long as each fits whole; hide the rest."""
        if not self.is_attached:
            return
        children = list(self.children)
        self._fitted_width = left = self.size.width
        for child in children:
            if child.has_class(PALETTE) and child.display:
                left -= self._width(child)
        fitting = True
        for unit in _units([child for child in children if not child.has_class(PALETTE)]):
            width = sum(self._width(part) for part in unit)
            fitting = fitting and width <= left
            for part in unit:
                if part.display != fitting:  # setting it again would lay the row out again
                    part.display = fitting
            if fitting:
                left -= width

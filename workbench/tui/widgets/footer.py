"""The footer: Textual's, showing only the keys that fit whole.

Textual's footer lays its keys out in a row and cuts the row at the edge, so a narrow terminal
(or a language with longer words) shows half a key: ``^z Ongedaan ma``. Here a key that does
not fit whole is hidden, with every key after it; each key is still in the help (``?``) and in
the command palette, whose key stays at the right.

Widths are measured once per key (its key and description), with every key shown for one
refresh; after that, fitting on a resize or a new set of keys needs no second layout.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

__all__ = ["FittingFooter"]

PALETTE = "-command-palette"
"""The class of the command palette's key (docked at the right)."""


def _name(child: Widget) -> str:
    """What identifies a widget's width: its keys and descriptions, or a label's text."""
    if isinstance(child, FooterLabel):
        return f"\x02{child.content}"
    keys = [child] if isinstance(child, FooterKey) else list(child.query(FooterKey))
    return "\x01".join(
        f"{key.key}\x00{key.key_display}\x00{key.description}"
        for key in keys
        if isinstance(key, FooterKey)
    )


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
        self._widths: dict[str, int] = {}

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit)

    def _keys(self) -> list[Widget]:
        return [child for child in self.children if not child.has_class(PALETTE)]

    def _available(self) -> int:
        width = self.size.width
        for child in self.children:
            if child.has_class(PALETTE) and child.display:
                width -= child.outer_size.width + child.styles.margin.width
        return width

    def _fit(self) -> None:
        """Show the keys, in order, as long as each fits whole; hide the rest."""
        if not self.is_attached:
            return
        keys = self._keys()
        if any(_name(key) not in self._widths for key in keys):
            for key in keys:
                key.display = True
            self.call_after_refresh(self._measure)
            return
        left = self._available()
        fitting = True
        for unit in _units(keys):
            width = sum(self._widths[_name(part)] for part in unit)
            fitting = fitting and width <= left
            for part in unit:
                part.display = fitting
            if fitting:
                left -= width

    def _measure(self) -> None:
        """Remember the widths of the keys shown, then fit."""
        if not self.is_attached:
            return
        for key in self._keys():
            if key.display and key.outer_size.width:
                self._widths[_name(key)] = key.outer_size.width + key.styles.margin.width
        if all(_name(key) in self._widths for key in self._keys()):
            self._fit()

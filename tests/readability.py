"""How readable the screen is: the contrast of every character of text against the cell
behind it, as the terminal shows it.

The screen is rendered the way Textual writes it to a terminal (the compositor's full update,
then the app's line filters: NO_COLOR's monochrome one included), and every cell holding
text is measured with the WCAG 2 contrast ratio between its foreground and background colour
(the same formula as https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio, computed here from
the sRGB values). With ``colors=256`` each colour is first reduced to the nearest of the 256
colours of an xterm palette, as Rich does for a terminal without true colour.

Box-drawing and block characters are not text (borders, scroll bars, bars of a chart, the
colour swatch of a code next to its name) and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.app import App
from textual.color import Color

AA_TEXT = 4.5
"""WCAG 2 AA for text."""
AA_GRAPHIC = 3.0
"""WCAG 2 AA for a graphic that carries meaning."""
SWATCH = set("■●")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = rgb
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _rgb(color: RichColor | None, colors: Literal["true", "256"]) -> tuple[int, int, int] | None:
    if color is None or color.is_default:
        return None
    if colors == "256":
        color = color.downgrade(ColorSystem.EIGHT_BIT)
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _decorative(text: str) -> bool:
    return all(0x2500 <= ord(c) <= 0x259F or c.isspace() for c in text)


@dataclass(frozen=True)
class Finding:
    ratio: float
    row: int
    column: int
    text: str
    foreground: tuple[int, int, int]
    background: tuple[int, int, int]

    def __str__(self) -> str:
        return (
            f"{self.ratio:.2f}:1 at row {self.row}, column {self.column}: {self.text!r}"
            f" (#{bytes(self.foreground).hex()} on #{bytes(self.background).hex()})"
        )


def low_contrast(
    app: App[object], *, colors: Literal["true", "256"] = "true", minimum: float = AA_TEXT
) -> list[Finding]:
    """Every run of text on the current screen whose contrast is below ``minimum``."""
    screen = app.screen
    update = screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    filters = list(app.get_line_filters())
    black = Color(0, 0, 0)
    findings: list[Finding] = []
    for row, line in enumerate(update.strips):
        column = 0
        for strip in line:
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, black)
            for segment in strip:
                text, style = segment.text, segment.style
                width = segment.cell_length
                if style is not None and text.strip() and not _decorative(text):
                    fg = _rgb(style.color, colors)
                    bg = _rgb(style.bgcolor, colors)
                    if style.reverse:
                        fg, bg = bg, fg
                    if fg is not None and bg is not None:
                        if style.dim:  # a terminal draws dim text halfway to the background
                            fg = (
                                (fg[0] + bg[0]) // 2,
                                (fg[1] + bg[1]) // 2,
                                (fg[2] + bg[2]) // 2,
                            )
                        ratio = contrast(fg, bg)
                        # A swatch (a code's colour beside its name) is a graphic: 3:1
                        # (WCAG's non-text contrast).
                        least = min(minimum, AA_GRAPHIC) if set(text.strip()) <= SWATCH else minimum
                        if ratio < least:
                            findings.append(
                                Finding(round(ratio, 2), row, column, text.strip(), fg, bg)
                            )
                column += width
    return findings


def report(findings: list[Finding], limit: int = 12) -> str:
    """The findings as lines for an assertion message, the worst first, one per text."""
    seen: dict[str, Finding] = {}
    for finding in sorted(findings, key=lambda f: f.ratio):
        seen.setdefault(finding.text, finding)
    return "\n".join(str(f) for f in list(seen.values())[:limit])

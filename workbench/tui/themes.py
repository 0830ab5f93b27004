"""The workbench's two themes, dark and light, and the user's choice between them.

Textual's own themes put some text below the contrast a long day of reading needs: the
inactive tab names, the line numbers, the keys in the footer of the light theme, the text on
a table's cursor (3.8:1). These two keep every text at 4.5:1 or more (WCAG AA) against what
is behind it, in true colour and when a terminal with 256 colours rounds each colour to its
palette (``tests/test_tui_readability.py`` measures every screen). With ``NO_COLOR`` set,
Textual draws in shades of grey, and state is never shown by colour alone.

The choice: ``WORKBENCH_THEME`` if set, else the theme last chosen in the command palette
(kept in the user's config folder), else the dark theme. ``textual-ansi`` (the terminal's own
colours) is offered too, for terminals whose palette the researcher has set up to read well.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from textual.color import Color
from textual.theme import Theme

ENVIRONMENT = "WORKBENCH_THEME"
DEFAULT = "workbench-dark"

DARK = Theme(
    name="workbench-dark",
    primary="#3A96DD",
    secondary="#7AB8E8",
    accent="#FFB454",
    foreground="#E6E6E6",
    background="#121212",
    surface="#1E1E1E",
    panel="#262626",
    warning="#FFB454",
    error="#FF7B72",
    success="#5FD068",
    dark=True,
    variables={
        "text-muted": "#B0B0B0",
        # A light bar under dark text: seen at a glance on the dark screen, and the dim
        # parts of a row stay readable on it (colours of the 256-colour palette, so that a
        # terminal without true colour shows the same).
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#D7D7FF",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#3A3A3A",
        "footer-key-foreground": "#FFB454",
        "input-selection-background": "#0A5A9C",
        "border-blurred": "#5A5A5A",
    },
)

LIGHT = Theme(
    name="workbench-light",
    primary="#0A5A9C",
    secondary="#0A4A80",
    accent="#5F5F00",
    foreground="#1A1A1A",
    background="#F5F5F5",
    surface="#EBEBEB",
    panel="#E0E0E0",
    warning="#5F5F00",
    error="#B3261E",
    success="#1E6B2A",
    dark=False,
    variables={
        "text-muted": "#4A4A4A",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-background": "#00005F",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#DADADA",
        "footer-key-foreground": "#0A4A80",
        "input-selection-background": "#9CC3E6",
        "border-blurred": "#9A9A9A",
    },
)

THEMES = (DARK, LIGHT)


def _choice_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("workbench")) / "theme"


def chosen_theme(available: set[str]) -> str:
    """The theme to start with: the environment's, else the one last chosen, else dark.
    A name that is not a theme is passed over."""
    named = os.environ.get(ENVIRONMENT, "").strip()
    if named in available:
        return named
    try:
        remembered = _choice_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        remembered = ""
    return remembered if remembered in available else DEFAULT


def remember_theme(name: str) -> None:
    """Keep the theme chosen in the palette for the next start (not when the environment
    chooses: that choice is the environment's)."""
    if os.environ.get(ENVIRONMENT):
        return
    path = _choice_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only home: the theme is only not remembered


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


BLACK = Color(0, 0, 0)
WHITE = Color(255, 255, 255)


def readable_on(background: Color) -> Color:
    """Black or white, whichever stands out more from ``background`` (by the WCAG contrast
    ratio: white on a mid grey reads worse than black on it)."""
    light = _luminance(background)
    on_white = 1.05 / (light + 0.05)
    on_black = (light + 0.05) / 0.05
    return WHITE if on_white >= on_black else BLACK


def contrast(a: Color, b: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def current_background() -> str | None:
    """Of the running app's theme's background, surface and panel colours (the colours that
    lists and panels are drawn on), the one a colour stands out least from: the one closest
    to mid grey. None outside an app."""
    from textual._context import active_app

    try:
        theme = active_app.get().current_theme
    except LookupError:
        return None
    shades = [Color.parse(c) for c in (theme.background, theme.surface, theme.panel) if c]
    if not shades:
        return None
    return min(shades, key=lambda shade: abs(_luminance(shade) - 0.18)).hex


@lru_cache(maxsize=1024)
def legible(color: str, background: str | None, minimum: float = 4.5) -> str:
    """``color`` (a code's or a place's own colour), moved toward black or white just enough
    to stand ``minimum`` : 1 out from ``background``: a pale code colour chosen on a dark
    screen stays visible on a light one. ``""`` for a colour that cannot be read (none).

    The default leaves room above WCAG's 3:1 for a graphic, for the terminal with 256
    colours that rounds both colours to its palette. Cached: every swatch of a tree or a
    picker asks again at each redraw, with a handful of distinct colours."""
    try:
        parsed = Color.parse(color)
        behind = Color.parse(background) if background else BLACK
    except Exception:  # noqa: BLE001 (a colour Textual cannot read: show none)
        return ""
    toward = readable_on(behind)
    for step in range(11):
        moved = parsed.blend(toward, step / 10)
        if contrast(moved, behind) >= minimum:
            return moved.hex
    return toward.hex

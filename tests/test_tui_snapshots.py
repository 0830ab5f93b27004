"""Snapshots of every tab and the coding screen at 80×24 and at 200×50, in the dark theme,
the light theme and with ``NO_COLOR``, on the demo project.

Each screen is stored as its text (``NAME-SIZE.txt``, the same in every look; compared
first, so a failure shows a readable diff) and as an SVG screenshot per look
(``NAME-SIZE-LOOK.svg``: colours included, the heatmap, the code colours). The demo is built
fresh with fixed content; nothing on these screens depends on the time. Regenerate after an
intended change with::

    WORKBENCH_UPDATE_SNAPSHOTS=1 .venv/bin/pytest -q tests/test_tui_snapshots.py

and look at the SVG files before committing them.

(``pytest-textual-snapshot`` would do the same, but its syrupy pin needs pytest < 9.)
"""

from __future__ import annotations

import io
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input

from tests.test_tui_screens import settle, type_text
from workbench.project.target import ProjectTarget
from workbench.tui import WorkbenchApp
from workbench.tui.panes.analysis import AnalysisPane, HeatTable
from workbench.tui.widgets.panels import CodeTree

pytestmark = pytest.mark.sqlite_only(
    reason="what a screen looks like does not depend on where the project is stored (the"
    " Pilot tests of every screen run on both backends)"
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZES = {"80x24": (80, 24), "200x50": (200, 50)}
LOOKS = ("dark", "light", "nocolor")
UPDATE = os.environ.get("WORKBENCH_UPDATE_SNAPSHOTS") == "1"


def screen_text(app: WorkbenchApp) -> str:
    """The characters on the screen, line by line, without trailing spaces."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        record=True,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    text = console.export_text(styles=False)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def check(name: str, look: str, app: WorkbenchApp) -> None:
    """Compare the screen with the stored snapshot (or store it with the update flag)."""
    text, svg = screen_text(app), app.export_screenshot(title="workbench")
    text_file, svg_file = SNAPSHOTS / f"{name}.txt", SNAPSHOTS / f"{name}-{look}.svg"
    if UPDATE or not svg_file.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        text_file.write_text(text, encoding="utf-8")
        svg_file.write_text(svg, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"no snapshot {name} yet: written, look at {svg_file} and run again")
        return
    assert text == text_file.read_text(encoding="utf-8"), f"the {name} screen changed"
    assert svg == svg_file.read_text(encoding="utf-8"), f"the colours of {name}-{look} changed"


async def steady(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    """Settle, and stop every cursor blinking."""
    await settle(app, pilot)
    for widget in app.screen.query("*"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


async def documents(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("down", "down")


async def codebook(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("2")
    await settle(app, pilot)
    app.screen.query_one(CodeTree).select_code("host role")


async def areas(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("3")
    await settle(app, pilot)
    await pilot.press("s", "down")


async def coding(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    """The first transcript, a sentence just coded: the confirmation in the Here panel."""
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press("down", "down", "down", "full_stop", "c")
    await settle(app, pilot)
    await type_text(pilot, "welcome")
    await pilot.press("enter")


async def cooccurrence(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("4")
    await settle(app, pilot)
    pane = app.screen.query_one(AnalysisPane)
    table = pane.query_one("#cooccur-table", HeatTable)
    table.move_cursor(row=pane.names.index("host role"), column=pane.names.index("welcome") + 1)
    await pilot.press("enter")


async def bad_query(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("4")
    await settle(app, pilot)
    await pilot.press("slash")
    await settle(app, pilot)
    await type_text(pilot, 'welcome & (place:"Lunchroom Bij Joost" |')
    await pilot.press("enter")
    await settle(app, pilot)
    app.screen.query_one("#query-input", Input).cursor_position = 0


SCREENS: dict[str, Callable[[WorkbenchApp, Pilot[None]], Awaitable[None]]] = {
    "documents": documents,
    "codebook": codebook,
    "places-areas": areas,
    "analysis-cooccurrence": cooccurrence,
    "analysis-bad-query": bad_query,
    "coding": coding,
}


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(SCREENS))
async def test_snapshot(
    demo: ProjectTarget, monkeypatch: pytest.MonkeyPatch, name: str, size: str, look: str
) -> None:
    if look == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.setenv("WORKBENCH_THEME", f"workbench-{look}")
    app = WorkbenchApp(demo)
    app.sub_title = "study.db"  # the title names the project: a file, or a database URL
    async with app.run_test(size=SIZES[size]) as pilot:
        await settle(app, pilot)
        await SCREENS[name](app, pilot)
        await steady(app, pilot)
        check(f"{name}-{size}", look, app)

"""Snapshots of the main screens at a fixed size (100 × 30), on the demo project.

Each snapshot is stored twice under ``tests/snapshots/``: the screen's text (compared first,
so a failure shows a readable diff) and the SVG screenshot (colours included: the heatmap,
the code colours). The demo is built fresh with fixed content; nothing on these screens
depends on the time. Regenerate after an intended change with::

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

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (100, 30)
UPDATE = os.environ.get("WORKBENCH_UPDATE_SNAPSHOTS") == "1"


def screen_text(app: WorkbenchApp) -> str:
    """The characters on the screen, line by line, without trailing spaces."""
    console = Console(
        width=SIZE[0],
        height=SIZE[1],
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


def check(name: str, app: WorkbenchApp) -> None:
    """Compare the screen with the stored snapshot (or store it with the update flag)."""
    text, svg = screen_text(app), app.export_screenshot(title="workbench")
    text_file, svg_file = SNAPSHOTS / f"{name}.txt", SNAPSHOTS / f"{name}.svg"
    if UPDATE or not text_file.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        text_file.write_text(text, encoding="utf-8")
        svg_file.write_text(svg, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"no snapshot {name} yet: written, look at {svg_file} and run again")
        return
    assert text == text_file.read_text(encoding="utf-8"), f"the {name} screen changed"
    assert svg == svg_file.read_text(encoding="utf-8"), f"the colours of {name} changed"


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
}


@pytest.mark.parametrize("name", list(SCREENS))
async def test_snapshot(demo: ProjectTarget, name: str) -> None:
    app = WorkbenchApp(demo)
    app.sub_title = "study.db"  # the title names the project: a file, or a database URL
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await SCREENS[name](app, pilot)
        await steady(app, pilot)
        check(name, app)

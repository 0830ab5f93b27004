"""Every text on every screen is readable: at least 4.5:1 against what is behind it (WCAG
AA), in the dark theme, the light theme and with ``NO_COLOR``; in true colour and in a
terminal with 256 colours; at 80×24 and at 200×50.

Measured on what the terminal is sent (``tests/readability.py``), on the demo project, over
the four tabs, the coding screen with a passage just coded (its confirmation shown) and the
code picker open over the transcript.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from tests.readability import low_contrast, report
from tests.test_tui_screens import settle, type_text
from workbench.project.target import ProjectTarget
from workbench.tui import WorkbenchApp
from workbench.tui.panes.analysis import AnalysisPane, HeatTable
from workbench.tui.screens.coding import CodingScreen

pytestmark = pytest.mark.sqlite_only(
    reason="what the screen looks like does not depend on where the project is stored"
)

View = Callable[[WorkbenchApp, Pilot[None]], Awaitable[None]]


async def documents(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("down")


async def codebook(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("2")


async def places(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("3")


async def analysis(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("4")
    await settle(app, pilot)
    pane = app.screen.query_one(AnalysisPane)
    table = pane.query_one("#cooccur-table", HeatTable)
    table.move_cursor(row=pane.names.index("host role"), column=pane.names.index("welcome") + 1)
    await pilot.press("enter")


async def coding(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("1")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, CodingScreen)


async def coded(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("full_stop", "c")
    await settle(app, pilot)
    await type_text(pilot, "welcome")
    await pilot.press("enter")
    await settle(app, pilot)
    here = app.screen.query_one("#here")
    assert str(here.border_subtitle).startswith("✓"), "the coding was confirmed"


async def picker(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    await pilot.press("down", "full_stop", "c")
    await settle(app, pilot)
    await type_text(pilot, "pla")


VIEWS: list[tuple[str, View]] = [
    ("documents", documents),
    ("codebook", codebook),
    ("places", places),
    ("analysis", analysis),
    ("coding", coding),
    ("coded", coded),
    ("picker", picker),
]


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
@pytest.mark.parametrize("look", ["workbench-dark", "workbench-light", "NO_COLOR"])
async def test_every_text_is_readable(
    demo: ProjectTarget, monkeypatch: pytest.MonkeyPatch, look: str, size: tuple[int, int]
) -> None:
    if look == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.setenv("WORKBENCH_THEME", look)
    app = WorkbenchApp(demo)
    problems: list[str] = []
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert app.theme == (look if look != "NO_COLOR" else "workbench-dark")
        assert app.no_color is (look == "NO_COLOR")
        for name, view in VIEWS:
            await view(app, pilot)
            await settle(app, pilot)
            for colors in ("true", "256"):
                findings = low_contrast(app, colors=colors)  # type: ignore[arg-type]
                if findings:
                    problems.append(f"{name} ({colors} colour):\n{report(findings)}")
    assert not problems, "\n".join(problems)


def test_the_measure_agrees_with_wcag() -> None:
    """The contrast formula against the values WCAG's own examples give."""
    from tests.readability import contrast

    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    # #767676 on white is the lightest grey that passes AA (4.54:1).
    assert contrast((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((0x77, 0x77, 0x77), (255, 255, 255)) < 4.5


async def test_marks_show_without_colour(
    demo: ProjectTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the filter form, a marked document carries a ✔ and an unmarked one does not: its
    state is not shown by colour alone (NO_COLOR set)."""
    from tests.test_tui_analysis import open_analysis, open_form
    from workbench.tui.dialogs.marklist import MarkList

    monkeypatch.setenv("NO_COLOR", "1")
    app = WorkbenchApp(demo)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_analysis(app, pilot)
        form = await open_form(app, pilot)
        documents = form.query_one("#filter-documents", MarkList)
        documents.focus()
        await pilot.pause()
        assert documents.selected == []
        assert documents.render_line(0).text.startswith("▐ ▌ ")
        await pilot.press("space")
        await pilot.pause()
        assert len(documents.selected) == 1
        assert documents.render_line(0).text.startswith("▐✔▌ ")
        assert "✔" not in documents.render_line(1).text

"""The base of the workbench screens (the screens are in main_screen.py and coding.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.services import reading
from workbench.tui.messages import (
    OverviewLoaded,
)

if TYPE_CHECKING:
    from workbench.project.db import Project
    from workbench.tui.app import WorkbenchApp

SEGMENT_KEYS = Binding.Group("Segment")


class WorkbenchScreen(Screen[None]):
    """A screen of the workbench app: reads the project the app opened."""

    @property
    def project(self) -> Project | None:
        """The open project, or None while it is being opened."""
        app: WorkbenchApp = self.app  # type: ignore[assignment]
        return app.project

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: hand this screen's failures to the app."""
        if event.state == WorkerState.ERROR:
            app: WorkbenchApp = self.app  # type: ignore[assignment]
            app.report_error(event.worker.error)
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[None]) -> None:
        """Called after a worker of this screen failed (and the error was shown)."""

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load_overview(self) -> None:
        """Read documents, codes and places (a thread worker; posts ``OverviewLoaded``)."""
        project = self.project
        if project is not None:
            overview = reading.overview(project)
            if not get_current_worker().is_cancelled:  # a newer read replaced this one
                self.post_message(OverviewLoaded(overview))

"""The base of the workbench screens (the screens are in main.py and the coding package)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.services import reading
from workbench.tui.messages import (
    OverviewLoaded,
)

if TYPE_CHECKING:
    from workbench.services.project import Project
    from workbench.tui.app import AfterWrite, WorkbenchApp

SEGMENT_KEYS = Binding.Group("Segment")


class WorkbenchScreen(Screen[None]):
    """A screen of the workbench app: reads the project the app opened."""

    @property
    def workbench(self) -> WorkbenchApp:
        """The app (typed)."""
        return cast("WorkbenchApp", self.app)  # the only app these screens run in

    @property
    def project(self) -> Project | None:
        """The open project, or None while it is being opened."""
        return self.workbench.project

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: hand this screen's failures to the app."""
        if event.state == WorkerState.ERROR:
            self.workbench.report_error(event.worker.error)
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[None]) -> None:
        """Called after a worker of this screen failed (and the error was shown)."""

    def write_follow_up(self) -> AfterWrite | None:
        """What to run in a write's own worker right after it, for a write queued while this
        screen is in front (see ``WorkbenchApp.submit_write``); None: nothing.

        Called on the main thread when the write is queued: what the follow-up needs of the
        screen is copied then, as it runs in the worker, which must not read the screen.
        """
        return None

    def report_change(self, summary: str) -> bool:
        """Show what a write did in the screen itself; False (the default) when the screen
        has no place for it (the app then notifies)."""
        return False

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load_overview(self, project: Project) -> None:
        """Read documents, codes and places (a thread worker; posts ``OverviewLoaded``)."""
        overview = reading.overview(project)
        if not get_current_worker().is_cancelled:  # a newer read replaced this one
            self.post_message(OverviewLoaded(overview))

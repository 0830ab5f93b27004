"""The purge dialog (command palette: "Purge erased data for good").

It reads what a purge would do in a thread worker (:func:`workbench.services.purge.plan`),
shows it, and asks: ``y`` purges, ``n`` or Escape closes without a change. The purge itself
is a write on the app's queue (:func:`start_purge`), like every other change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Static

from workbench.errors import WorkbenchError
from workbench.i18n import N_, _
from workbench.services import purge as purge_service
from workbench.services.project import Project
from workbench.services.purge import PurgePlan
from workbench.tui.dialogs.forms import Dialog, hint
from workbench.tui.messages import ChangeWritten, WriteDone

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class PurgePlanRead(Message):
    """What a purge would do was read (or why it cannot be)."""

    def __init__(self, plan: PurgePlan | None, error: str | None = None) -> None:
        super().__init__()
        self.plan = plan
        """The plan, or None when reading it failed."""
        self.error = error
        """Why it failed."""


class PurgeDialog(Dialog[bool]):
    """Show what a purge would do and ask before doing it; dismisses with True for yes."""

    BINDINGS = [
        Binding(
            "y", "purge", N_("Purge"), id="purge.yes", tooltip=N_("Purge: this cannot be undone")
        ),
        Binding(
            "n,escape", "cancel", N_("Cancel"), id="purge.no", tooltip=N_("Close, change nothing")
        ),
    ]

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        """The open project."""
        self.plan: PurgePlan | None = None
        """What the purge would do, once read."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="purge-dialog"):
            title = Content.styled(_("Purge erased data for good"), "bold")
            yield Label(title, classes="dialog-title")
            yield Static(Content.styled(_("Reading the change log…"), "italic"), id="purge-plan")
            yield hint(_("[b]y[/] purge  [b]n[/]/[b]Esc[/] cancel"))

    def on_mount(self) -> None:
        self.read_plan(self.project)

    @work(thread=True, exclusive=True, group="purge-plan", exit_on_error=False)
    def read_plan(self, project: Project) -> None:
        """Read what a purge would do (posts :class:`PurgePlanRead`)."""
        try:
            self.post_message(PurgePlanRead(purge_service.plan(project)))
        except WorkbenchError as error:
            self.post_message(PurgePlanRead(None, str(error)))

    def on_purge_plan_read(self, message: PurgePlanRead) -> None:
        message.stop()
        shown = self.query_one("#purge-plan", Static)
        if message.plan is None:
            shown.update(Content.styled(message.error or _("cannot purge"), "bold $error"))
            return
        self.plan = message.plan
        lines = [Content(_("Erased memos, pseudonyms, codes and text replaced since stay in the"))]
        lines.append(Content(_("change log for undo. A purge will:")))
        lines += [Content(f"• {line}") for line in message.plan.lines()]
        lines.append(Content.styled(_("This cannot be undone. Purge? (y/n)"), "bold $warning"))
        shown.update(Content("\n").join(lines))

    def action_purge(self) -> None:
        """Purge (once the plan has been shown)."""
        if self.plan is None:
            self.app.bell()
            return
        self.dismiss(True)


def _purge(project: Project) -> ChangeWritten:
    done = purge_service.purge(project)
    summary = "; ".join([done.summary, *done.shown_notes])
    return ChangeWritten(WriteDone(summary))


def start_purge(app: App[object]) -> None:
    """Open the purge dialog; on yes, queue the purge as a write on the app's queue."""
    workbench = cast("WorkbenchApp", app)  # the only app this dialog runs in
    project = workbench.project
    if project is None:
        return

    def answered(yes: bool | None) -> None:
        if yes:
            workbench.submit_write(_purge)

    workbench.push_screen(PurgeDialog(project), answered)

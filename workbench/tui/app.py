"""The workbench app: opens the project, owns the write queue, undo and redo, help and errors.

State flows one way: workers read or write through :mod:`workbench.services` and post
past-tense messages (:mod:`workbench.tui.messages`); handlers update the widgets. Writes go
through one queue, one at a time and in the order the user asked for them, each in its own
transaction (so ``c`` then ``ctrl+z`` typed quickly undo the coding just made).

Changes made elsewhere (another process, another coder) show within about a second: a timer
polls the project (:class:`workbench.services.activity.Watch`) from a thread worker every
:attr:`WorkbenchApp.LIVE_INTERVAL` seconds, and when something moved that the app's own
writes do not explain, every screen reads what it shows again and a notification says who did
what.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from workbench.errors import InputError, NothingToDo, WorkbenchError
from workbench.i18n import N_, _, choose_language, ngettext, set_language
from workbench.i18n import language as shown_language
from workbench.project.target import ProjectTarget, display_name, parse_target
from workbench.services import history, merge
from workbench.services.activity import Watch
from workbench.services.project import Project, interface_language, open_project
from workbench.tui.commands import WorkbenchCommands
from workbench.tui.dialogs.common import ErrorScreen, HelpScreen
from workbench.tui.keys import keys_file, load_keymap
from workbench.tui.messages import (
    ChangeWritten,
    CopyMerged,
    ProjectChanged,
    ProjectChangedElsewhere,
    ProjectOpened,
    SpanCoded,
    StepApplied,
    StepDone,
    WatchPaused,
)
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.main import MainScreen
from workbench.tui.themes import THEMES, chosen_theme, remember_theme

WriteJob = Callable[[Project], Message]
"""A write: runs in a worker thread with the project and returns the message to post."""

AfterWrite = Callable[[Project, Message], None]
"""Runs in the same worker right after a write succeeded, with the write's message (the coding
screen reads its segments there, so the change is painted without waiting for another
worker)."""

GC_THRESHOLD = 20_000
"""Allocations between two collections of the youngest generation (Python's default: 700)."""

CHANGE_DELAY = 0.12
"""Seconds between a change and telling the screens to read the project again: the screen in
front paints the change first, and several quick changes cost one reading."""

LIVE_INTERVAL = 1.0
"""Seconds between two looks at the project for changes made elsewhere."""


def _step(project: Project, *, undo: bool) -> StepDone:
    """Undo or redo through the service (in a write worker); what the app reports."""
    info = history.step(project, undo=undo)
    return StepDone(undo=undo, action=info.action, summary=info.summary)


def binding_ids() -> set[str]:
    """The id of every key of the workbench's screens, panes and dialogs."""
    import workbench.tui.dialogs.export  # noqa: F401  (its dialogs have keys too)

    ids: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("workbench.tui"):
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


#: Textual's own commands in the palette (title and help), shown in the interface's language.
TEXTUAL_COMMANDS = frozenset(
    {
        N_("Theme"),
        N_("Change the current theme"),
        N_("Quit"),
        N_("Quit the application as soon as possible"),
        N_("Keys"),
        N_("Hide the keys and widget help panel"),
        N_("Show help for the focused widget and a summary of available keys"),
        N_("Minimize"),
        N_("Minimize the widget and restore to normal size"),
        N_("Maximize"),
        N_("Maximize the focused widget"),
        N_("Screenshot"),
        N_("Save an SVG 'screenshot' of the current screen"),
    }
)


class WorkbenchApp(App[None]):
    """The Textual app of the workbench, on one project file."""

    CSS_PATH = "app.tcss"
    TITLE = "workbench"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-normal"), (170, "-wide")]
    LIVE_INTERVAL = LIVE_INTERVAL
    """Seconds between two looks at the project for changes made elsewhere."""
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]

    BINDINGS = [
        Binding(
            "ctrl+z",
            "undo",
            N_("Undo"),
            priority=True,
            id="app.undo",
            tooltip=N_("Undo your last change (also one made earlier or in the CLI)"),
        ),
        Binding(
            "ctrl+y",
            "redo",
            N_("Redo"),
            priority=True,
            id="app.redo",
            tooltip=N_("Redo your last undone change"),
        ),
        Binding(
            "question_mark",
            "help",
            N_("Help"),
            key_display="?",
            id="app.help",
            tooltip=N_("The keys of this screen"),
        ),
        Binding("q", "quit", N_("Quit"), id="app.quit", tooltip=N_("Quit the workbench")),
        Binding(
            "ctrl+o",
            "merge",
            N_("Merge"),
            show=False,
            id="app.merge",
            tooltip=N_("Merge another copy of the project (coded elsewhere) into this one"),
        ),
        Binding(
            "ctrl+e",
            "export",
            N_("Export"),
            show=False,
            id="app.export",
            tooltip=N_("Export fragments, the project (REFI-QDA), the codebook or the places"),
        ),
    ]

    def __init__(self, target: ProjectTarget) -> None:
        super().__init__()
        self.target = target
        """The project to open: a file, a database URL or a named connection."""
        self.project: Project | None = None
        """The open project; None until the opening worker is done."""
        self._writes: deque[tuple[WriteJob, AfterWrite | None]] = deque()
        self._writing = False
        self._change_timer: Timer | None = None
        self._gc_threshold = gc.get_threshold()
        self.watcher: Watch | None = None
        """Watches the project for changes made elsewhere; None until it is open."""
        self._watch_failing = False
        self.last_picked: dict[str, str] = {}
        """The code and the place picked last ("code", "place" → name), in any document: a
        picker opens on it, so Enter applies it again."""
        self.sub_title = target.name if isinstance(target, Path) else display_name(target)
        # The language the setting or the locale choose, before any screen is built; the
        # project's own language (when no setting overrides it) is known once it is open.
        set_language(choose_language())

    def on_load(self) -> None:
        # The garbage collector: Textual makes many short-lived objects while it draws, and
        # with Python's default threshold a collection (5-30 ms, now and then 300 ms over the
        # objects of a long transcript) fell into most codings. Collections are made rarer,
        # and what a loaded document keeps is frozen out of them (see ``resume_gc``); both
        # are undone when the app ends.
        gc.set_threshold(GC_THRESHOLD, *self._gc_threshold[1:])

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = chosen_theme(set(self.available_themes))
        self.theme_changed_signal.subscribe(self, lambda theme: remember_theme(theme.name))
        self.push_screen(MainScreen())
        self.load_project()
        self.load_keys()

    def load_keys(self) -> None:
        """Apply the user's keys file (see :mod:`workbench.tui.keys`), or say why not."""
        path = keys_file()
        try:
            keymap = load_keymap(path, binding_ids())
        except InputError as error:
            self.notify(str(error), title=_("Keys file not used"), severity="error", timeout=10)
            return
        if keymap:
            self.set_keymap(keymap)

    def on_unmount(self) -> None:
        gc.set_threshold(*self._gc_threshold)
        gc.unfreeze()
        gc.enable()
        if self.project is not None:
            self.project.dispose()

    def pause_gc(self) -> None:
        """No garbage collection until :meth:`resume_gc` (a document being opened makes
        some 100,000 objects that all live on; collecting among them only costs time)."""
        gc.disable()

    def resume_gc(self, *, freeze: bool = True) -> None:
        """Collect again; with ``freeze``, leaving what exists now (the project, a loaded
        document and its widgets) out of later collections, which then only look at what is
        new."""
        if freeze:
            gc.freeze()
        gc.enable()

    # --- opening -------------------------------------------------------------------------

    def load_project(self) -> None:
        """Open (and if needed migrate) the project in a worker; posts ``ProjectOpened``."""
        self._open_project(self.target)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_project(self, target: ProjectTarget) -> None:
        project = open_project(target)
        # The mark to watch from is read before any screen reads the project.
        watch = Watch(project)
        self.post_message(ProjectOpened(project, watch, interface_language(project)))

    async def on_project_opened(self, message: ProjectOpened) -> None:
        if message.language is not None and message.language != shown_language():
            # The screens were built before the project told its language: built again.
            set_language(message.language)
            for screen in self.screen_stack:
                if isinstance(screen, WorkbenchScreen):
                    await screen.retranslate()
        self.project = message.project
        self.watcher = message.watch
        self.set_interval(self.LIVE_INTERVAL, self._poll, name="live updates")
        if message.project.backup is not None:
            self.notify(
                _("The project was upgraded; the old file is kept as {backup}.").format(
                    backup=message.project.backup
                ),
                timeout=10,
            )
        self._broadcast()
        self._next_write()

    def changed(self) -> None:
        """Tell every screen, a moment from now, that the project changed, so each reads what
        it shows again (changes that come quicker than that are told once)."""
        if self._change_timer is None:
            self._change_timer = self.set_timer(CHANGE_DELAY, self._broadcast)

    def _broadcast(self, *, elsewhere: bool = False) -> None:
        if self._change_timer is not None:
            self._change_timer.stop()
            self._change_timer = None
        for screen in self.screen_stack:
            screen.post_message(ProjectChanged(elsewhere=elsewhere))

    # --- live updates --------------------------------------------------------------------

    def _poll(self) -> None:
        watch = self.watcher
        if watch is None or any(
            worker.group == "watch" and worker.is_running for worker in self.workers
        ):
            return
        self._watch_project(watch)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _watch_project(self, watch: Watch) -> None:
        try:
            activity = watch.poll()
        except Exception as error:  # a server gone for a moment: the next poll tries again
            self.post_message(WatchPaused(str(error).splitlines()[0] if str(error) else ""))
            return
        if activity is not None:
            self.post_message(ProjectChangedElsewhere(activity))

    def on_watch_paused(self, message: WatchPaused) -> None:
        if not self._watch_failing:  # said once (again only once changes came through)
            self._watch_failing = True
            self.notify(
                _("Live updates paused: {reason}").format(reason=message.reason),
                severity="warning",
                timeout=5,
            )

    def on_project_changed_elsewhere(self, message: ProjectChangedElsewhere) -> None:
        self._watch_failing = False
        self._broadcast(elsewhere=True)
        lines = message.activity.lines
        if lines:
            self.notify("\n".join(lines), title=_("Changed elsewhere"), timeout=5)

    # --- writing -------------------------------------------------------------------------

    def submit_write(self, job: WriteJob, *, after_paint: bool = False) -> None:
        """Queue a write; writes run one at a time, in order, each in a thread worker.

        The follow-up of the screen in front (``WorkbenchScreen.write_follow_up``) runs in the
        same worker once the write is done (the coding screen reads its segments there).
        With ``after_paint`` the write waits for the screen's next refresh (the coding screen
        has painted the change ahead of it, and the worker would only slow that paint down);
        it keeps its place in the queue, so an undo typed meanwhile still comes after it.
        """
        screen = self.screen
        after = screen.write_follow_up() if isinstance(screen, WorkbenchScreen) else None
        self._writes.append((job, after))
        if after_paint:
            self.screen.call_after_refresh(self._next_write)
            self.set_timer(0.1, self._next_write)  # should the screen go before it refreshes
        else:
            self._next_write()

    @property
    def busy(self) -> bool:
        """True while a write runs or waits, the screens are still to be told of one, or a
        screen's redraw waits on a timer."""
        return (
            self._writing
            or bool(self._writes)
            or self._change_timer is not None
            or any(
                screen.pending
                for screen in self.screen_stack
                if isinstance(screen, WorkbenchScreen)
            )
        )

    def _next_write(self) -> None:
        if self._writing or not self._writes or self.project is None:
            return
        self._writing = True
        job, after = self._writes.popleft()
        self._write(self.project, job, after, self.watcher)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(
        self, project: Project, job: WriteJob, after: AfterWrite | None, watch: Watch | None
    ) -> None:
        message = job(project)
        if watch is not None:
            watch.wrote()  # what this write moved is not news from elsewhere
        if after is not None:
            after(project, message)
        self.post_message(message)

    def on_span_coded(self, message: SpanCoded) -> None:
        view = message.view
        self._report(
            _("coded {start}–{end} with {codes}").format(
                start=view.start, end=view.end, codes=", ".join(view.codes)
            )
        )

    def on_change_written(self, message: ChangeWritten) -> None:
        self._report(message.done.summary)

    def _report(self, summary: str) -> None:
        """Say what a write did: in the coding screen's status line when it has one (a toast
        there would cost a layout pass on every coding), else as a notification."""
        screen = self.screen
        if not (isinstance(screen, WorkbenchScreen) and screen.report_change(summary)):
            self.notify(summary[:1].upper() + summary[1:] + ".", timeout=3)
        self.changed()

    def on_step_applied(self, message: StepApplied) -> None:
        step = message.step
        done = _("Undone: {change}") if step.undo else _("Redone: {change}")
        self.notify(done.format(change=step.summary or step.action), timeout=3)
        self.changed()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "write" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._writing = False
            self.call_later(self._next_write)
            if event.state != WorkerState.SUCCESS:
                self._broadcast()  # at once: what was painted ahead of the write goes
        if event.state != WorkerState.ERROR:
            return
        if worker.group == "open":
            self.exit(return_code=1, message=f"workbench: {worker.error}")
        else:
            self.report_error(worker.error)

    def report_error(self, error: BaseException | None) -> None:
        """Show a failed worker's error: the core's one-line errors as notifications,
        anything unexpected in a dialog."""
        if isinstance(error, NothingToDo):
            self.notify(str(error).capitalize() + ".", severity="warning", timeout=3)
        elif isinstance(error, WorkbenchError):
            self.notify(str(error), title=_("Not done"), severity="error", timeout=8)
        else:
            self.push_screen(
                ErrorScreen(
                    _("Unexpected error ({kind})").format(kind=type(error).__name__), str(error)
                )
            )

    # --- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Undo, redo and help wait while a dialog is open (the dialog's keys come first)."""
        if action in ("undo", "redo", "help") and isinstance(self.screen, ModalScreen):
            return False
        return True

    def _picking(self) -> bool:
        """True while a picker is open in the screen in front (its input has the keys)."""
        screen = self.screen
        return isinstance(screen, CodingScreen) and screen.picker is not None

    def action_undo(self) -> None:
        """Undo the newest change (one transaction, not itself recorded)."""
        if self._picking():
            return
        self.submit_write(lambda project: StepApplied(_step(project, undo=True)))

    def action_redo(self) -> None:
        """Redo the oldest undone change."""
        if self._picking():
            return
        self.submit_write(lambda project: StepApplied(_step(project, undo=False)))

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        keys: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            # Only the workbench's own keys (they all have an id); the text-area's movement
            # keys are summarised by the help screen itself.
            if binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            shown = binding.key_display or self.get_key_display(binding)
            # The screen's active keys are translated already (WorkbenchScreen).
            keys.append((shown, binding.tooltip or binding.description, binding.description))
        self.push_screen(HelpScreen(keys))

    def open_document(self, name: str, select: tuple[int, int] | None = None) -> None:
        """Show a document in the coding view; with ``select`` (a fragment's start and end),
        with that span selected and scrolled into view."""
        self.push_screen(CodingScreen(name, select=select))

    def action_merge(self) -> None:
        """Ask for another copy of the project and merge it in (one change, undoable)."""
        from workbench.tui.dialogs.forms import TextPrompt

        if self.project is None or isinstance(self.screen, ModalScreen):
            return

        def chosen(theirs: str | None) -> None:
            if theirs:
                target = parse_target(theirs)
                self.submit_write(lambda project: CopyMerged(merge.merge(project, target)))

        self.push_screen(
            TextPrompt(
                _("Merge another copy of this project into it"),
                placeholder=_("its file (theirs.db) or database URL"),
            ),
            chosen,
        )

    def on_copy_merged(self, message: CopyMerged) -> None:
        report = message.report
        self._report(report.shown_summary())
        if report.conflicts:
            from workbench.tui.dialogs.forms import MessageDialog

            count = len(report.conflicts)
            self.push_screen(
                MessageDialog(
                    ngettext(
                        "Merged, with {count} conflict (ours kept)",
                        "Merged, with {count} conflicts (ours kept)",
                        count,
                    ).format(count=count),
                    "\n".join(report.shown_conflicts),
                )
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands in the palette (theme, keys, screenshot...), in the interface's
        language."""
        for command in super().get_system_commands(screen):
            yield command._replace(
                title=_(command.title) if command.title in TEXTUAL_COMMANDS else command.title,
                help=_(command.help) if command.help in TEXTUAL_COMMANDS else command.help,
            )

    def action_command_palette(self) -> None:
        """The command palette, its search field in the interface's language."""
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def search_themes(self) -> None:
        """The theme list of the palette's Theme command, its search field translated."""
        from textual.theme import ThemeProvider

        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def action_export(self) -> None:
        """Open the export dialog."""
        from workbench.tui.dialogs.export import AnalysisSettings, ExportDialog
        from workbench.tui.panes.analysis import AnalysisPane

        if self.project is None or isinstance(self.screen, ModalScreen):
            return
        settings = None  # the figures follow the Analysis tab's settings
        for screen in self.screen_stack:
            for pane in screen.query(AnalysisPane):
                settings = AnalysisSettings(
                    scope=pane.scope, value=pane.measure, cols=pane.cols, rollup=pane.rollup
                )
        self.push_screen(ExportDialog(self.project, settings))

"""The base of the workbench screens (the screens are in main.py and the coding package)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, cast

from textual import work
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.i18n import N_, _
from workbench.services import reading
from workbench.tui.messages import (
    OverviewLoaded,
)

if TYPE_CHECKING:
    from workbench.services.project import Project
    from workbench.tui.app import AfterWrite, WorkbenchApp

SEGMENT_KEYS = Binding.Group(N_("Segment"))

TEXTUAL_TEXTS = (N_("palette"), N_("Open the command palette"))
"""The texts of Textual's own key for the command palette (shown in the footer), marked so
that the catalog has them: :func:`translated` translates them with the workbench's own."""


@cache
def _named_characters() -> dict[str, str]:
    """Key name → the printable ASCII character it types (``slash`` → ``/``), as Textual
    names the key of a one-character binding."""
    named: dict[str, str] = {}
    for code in range(0x21, 0x7F):
        character = chr(code)
        if character == ",":  # separates keys; Textual names it "comma"
            named["comma"] = character
            continue
        key = next(iter(Binding.make_bindings([(character, "noop")]))).key
        if key != character:
            named[key] = character
    return named


def translated(active: ActiveBinding) -> ActiveBinding:
    """An active key with its description, tooltip and group in the interface's language
    (bindings are class attributes, made before the language is chosen: their texts are
    marked with ``N_`` and translated here, where the footer, the help screen and the
    palette read them)."""
    binding = active.binding
    group = binding.group
    shown = replace(
        binding,
        description=_(binding.description),
        tooltip=_(binding.tooltip),
        group=None if group is None else replace(group, description=_(group.description)),
    )
    return active._replace(binding=shown, tooltip=_(active.tooltip))


def typed_character(key: str) -> str | None:
    """The character a key types into a text field, or None: ``n``, ``N`` and ``shift+n``
    type a letter, ``slash`` a ``/``; ``ctrl+n`` or ``f3`` type nothing."""
    modifiers, _plus, name = key.rpartition("+")
    if modifiers:
        return name.upper() if modifiers == "shift" and len(name) == 1 else None
    if len(name) == 1:
        return name
    return _named_characters().get(name)


class WorkbenchScreen(Screen[None]):
    """A screen of the workbench app: reads the project the app opened."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active keys, less those the focused widget types itself.

        Textual leaves out the keys a text field takes, but not all of them: ``slash`` or
        ``shift+n`` stayed, so the search line's footer offered ``N Previous`` and ``/ Find``
        while those keys went into the query. The footer, the help screen and the palette
        read this, so they show only keys that act (a priority key always acts). Their texts
        are in the interface's language.
        """
        bindings = super().active_bindings
        focused = self.focused
        if focused is None:
            return {key: translated(active) for key, active in bindings.items()}
        kept: dict[str, ActiveBinding] = {}
        for key, active in bindings.items():
            character = typed_character(key)
            if (
                character is not None
                and active.node is not focused
                and not active.binding.priority
                and focused.check_consume_key(key, character)
            ):
                continue
            kept[key] = translated(active)
        return kept

    @property
    def workbench(self) -> WorkbenchApp:
        """The app (typed)."""
        return cast("WorkbenchApp", self.app)  # the only app these screens run in

    @property
    def project(self) -> Project | None:
        """The open project, or None while it is being opened."""
        return self.workbench.project

    async def retranslate(self) -> None:
        """Build the screen again in the interface's language (chosen when the project
        opened, after the screen was built)."""
        await self.recompose()
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: hand this screen's failures to the app."""
        if event.state == WorkerState.ERROR:
            self.workbench.report_error(event.worker.error)
            self.worker_failed(event.worker)

    @property
    def pending(self) -> bool:
        """True while a redraw of this screen waits on a timer (a debounce): the app is not
        settled until it ran (see ``WorkbenchApp.busy``)."""
        return False

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

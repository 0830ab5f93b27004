"""The command palette (ctrl+p): every action of the workbench, found by typing.

The list is made from the key bindings themselves (the tabs' keys, each tab's actions, the
app's undo, redo, export, help and quit), so a new binding shows up here without being
written twice. A tab's action run from the coding screen goes back to the project first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from workbench.tui.screens.main import MainScreen

SKIPPED_ACTIONS = {"back", "cancel"}
"""Actions that only make sense from the keyboard in place (Escape to go back)."""


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the command palette."""

    title: str
    """What the user types to find it ("Codebook: Rename the code")."""
    help: str
    """Shown under the title: the key that does the same."""
    run: Callable[[], object]
    """What it does."""


def _key_help(binding: Binding) -> str:
    key = binding.key_display or binding.key.split(",")[0]
    return _("key {key}").format(key=key)


def main_screen(app: App[object]) -> MainScreen:
    """The project screen, after closing the screens above it (the coding view)."""
    from workbench.tui.screens.main import MainScreen

    while not isinstance(app.screen, MainScreen) and len(app.screen_stack) > 1:
        app.pop_screen()
    screen = app.screen_stack[-1] if app.screen_stack else None
    if not isinstance(screen, MainScreen):
        screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    return screen


def _run_tab(app: App[object], tab: str, action: str | None) -> None:
    screen = main_screen(app)
    if action is None:
        screen.action_tab(tab)
    else:
        screen.run_pane_action(tab, action)


def _available(node: DOMNode, action: str) -> bool:
    """False when ``node`` (a pane or a screen) says the action cannot run now (Stop the
    import while nothing is imported)."""
    return node.check_action(action, ()) is not False


def palette_commands(app: App[object]) -> Iterator[PaletteCommand]:
    """Every command that can run now: the transcript's keys when a transcript is open, each
    tab and its actions, then the app's own."""
    from workbench.tui.screens.coding import CodingScreen
    from workbench.tui.screens.main import TABS, MainScreen

    screen = app.screen
    if isinstance(screen, CodingScreen):
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or binding.id is None:
                continue
            if binding.action in SKIPPED_ACTIONS or binding.action.startswith("app."):
                continue
            if _available(screen, binding.action):
                text = _(binding.tooltip or binding.description)
                yield PaletteCommand(
                    _("Transcript: {command}").format(command=text),
                    _key_help(binding),
                    partial(screen.run_action, binding.action),
                )
    main = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
    for tab, (key, title, pane) in TABS.items():
        yield PaletteCommand(
            _("{tab}: show the tab").format(tab=_(title)),
            _("key {key}").format(key=key),
            partial(_run_tab, app, tab, None),
        )
        shown = main.pane(tab) if main is not None and main.is_mounted else None
        for binding in pane.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in SKIPPED_ACTIONS:
                continue
            if shown is not None and not _available(shown, binding.action):
                continue
            text = _(binding.tooltip or binding.description)
            yield PaletteCommand(
                f"{_(title)}: {text}",
                _key_help(binding),
                partial(_run_tab, app, tab, binding.action),
            )
    for binding in app.BINDINGS:
        if not isinstance(binding, Binding) or binding.id is None:
            continue
        text = _(binding.tooltip or binding.description)
        yield PaletteCommand(text, _key_help(binding), partial(app.run_action, binding.action))
    yield from _without_keys(app)


def _without_keys(app: App[object]) -> Iterator[PaletteCommand]:
    """Commands that are only here, with no key (rare and weighty: a purge)."""
    if getattr(app, "project", None) is not None:  # the project is open
        from workbench.tui.dialogs.purge import start_purge

        yield PaletteCommand(
            _("Purge erased data for good"),
            _("remove deleted memos, pseudonyms and replaced text from the change log and file"),
            partial(start_purge, app),
        )


class WorkbenchCommands(Provider):
    """The workbench's actions in the command palette."""

    def _commands(self) -> list[PaletteCommand]:
        return list(palette_commands(self.app))

    async def discover(self) -> Hits:
        """Everything, in order, before anything is typed."""
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        """The commands whose title matches what is typed (fuzzy)."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)

"""The coding screen: one transcript to read and code (see :mod:`.screen`)."""

from workbench.tui.screens.coding.screen import CodingScreen
from workbench.tui.screens.coding.search import SearchBar
from workbench.tui.screens.coding.selection import Target, trimmed
from workbench.tui.screens.coding.suggestions import SuggestionPanel

__all__ = ["CodingScreen", "SearchBar", "SuggestionPanel", "Target", "trimmed"]

"""Errors the core raises for the user to read.

Every error is one line: what went wrong, and where (a file, a document, a code). The
command line prints ``str(error)`` on stderr and exits non-zero; the TUI shows it in a
notification. Nothing about the error is ever logged with transcript text.
"""

from __future__ import annotations

import difflib


def did_you_mean(name: str, names: list[str]) -> str:
    """A "; did you mean ...?" tail for a NotFound message, or "" when nothing is close."""
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


class WorkbenchError(Exception):
    """Base class: a problem the user can act on, reported in one line."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class InputError(WorkbenchError):
    """A file given to the workbench cannot be read (binary, empty, malformed, too large)."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotFound(WorkbenchError):
    """A named object (document, code, place, case, segment, coder) does not exist."""


class Conflict(WorkbenchError):
    """The change would break a rule: a duplicate name, a cycle in the code tree."""


class InvalidValue(WorkbenchError):
    """A value is out of range or of the wrong type (an offset past the end, a bad colour)."""


class ProjectError(WorkbenchError):
    """The project file cannot be opened or migrated."""


class NothingToDo(WorkbenchError):
    """Undo with nothing to undo, redo with nothing to redo."""

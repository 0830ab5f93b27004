"""Errors the core raises for the user to read.

Every error is one line: what went wrong, and where (a file, a document, a code). The
command line prints ``str(error)`` on stderr and exits non-zero; the TUI shows it in a
notification. Nothing about the error is ever logged with transcript text.
"""

from __future__ import annotations


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

"""Errors the core raises for the user to read.

Every error is one line: what went wrong, and where (a file, a document, a code). The
command line prints ``str(error)`` on stderr and exits non-zero; the TUI shows it in a
notification. Nothing about the error is ever logged with transcript text.

The messages the user reads are written in English and translated where they are raised
(``raise NotFound(_("no code {name}").format(name=quoted(name)))``), so they are in the
interface's language; messages of internal errors a user never sees stay English.
"""

from __future__ import annotations

import difflib
import re

from workbench.i18n import _

#: Characters a double-quoted name escapes with a backslash: the query language's two
#: (``\\`` and ``"``) and the two a POSIX shell expands inside double quotes (``$``, a
#: backquote). The query language reads ``\\x`` as ``x``, so one form serves both.
_QUOTE_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("$"): "\\$", ord("`"): "\\`"}


def quoted(name: str) -> str:
    """``name`` in double quotes, as a message shows it: pasted back into a shell command
    line or a query it is the same name (``"Theme: stigma"``, ``"\\"Home\\" feeling"``).

    Characters that are not printable text (control characters, lone surrogates: only a name
    that was refused can hold them) are shown as ``\\xNN``/``\\uNNNN`` escapes, so that the
    message stays one printable line.
    """
    out = []
    for ch in name.translate(_QUOTE_ESCAPES):
        point = ord(ch)
        if point < 0x20 or 0x7F <= point < 0xA0:
            out.append(f"\\x{point:02x}")
        elif 0xD800 <= point < 0xE000 or point in (0x2028, 0x2029, 0xFFFE, 0xFFFF):
            out.append(f"\\u{point:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


#: A run of white space with a line break, tab or other control character in it.
_LINE_BREAKING = re.compile(r" *[^\S ]\s*")


def did_you_mean(name: str, names: list[str]) -> str:
    """A "; did you mean ...?" tail for a NotFound message, or "" when nothing is close.
    The names are :func:`quoted`, so that one can be pasted back."""
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if not close:
        return ""
    return _("; did you mean {names}?").format(names=", ".join(quoted(c) for c in close))


class WorkbenchError(Exception):
    """Base class: a problem the user can act on, reported in one line."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        # One line: white space that breaks the line becomes one space; spaces in a row stay
        # (a name may hold two, and a message shows it as it is).
        super().__init__(_LINE_BREAKING.sub(" ", message).strip())


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

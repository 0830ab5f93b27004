"""Rules for names and colours shared by the codebook files and the coding core.

A code, place or place-kind name is any text that is not empty and holds no control
characters: ``Theme: stigma``, ``Welcome (host)``, ``"Home" feeling``, ``a & b | !c`` are all
names, as in every other QDA tool. The query language writes such a name in double quotes
(:func:`workbench.analysis.query.quote_term`). A name is trimmed at both ends and otherwise
kept exactly as typed or imported. Two names are the same name when they differ only in
letter case or in the white space inside them (``Lost place`` and ``lost  place``): a second
one is refused, so that a name typed by hand never silently finds another code.

Kept apart from :mod:`workbench.coding.codebook` (YAML and pydantic) so that commands which only
code or list start fast.
"""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, col, select

from workbench.errors import Conflict, quoted
from workbench.i18n import N_, _
from workbench.project.models import Code

COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
#: The place statuses the workbench knows (DESIGN.md); codebooks give them labels.
PLACE_STATUS_NAMES = ("existing", "lost", "missed", "wished")

#: Characters that are not text a name can hold besides the control characters (Unicode
#: category Cc) and lone surrogates (Cs): line and paragraph separators, and the two
#: noncharacters XML cannot carry.
_NOT_TEXT = frozenset("\u2028\u2029\ufffe\uffff")
#: Control characters an imported name may hold as white space (a tab, a line break).
_SPACE_LIKE = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]")


def _bad(ch: str) -> bool:
    return ch in _NOT_TEXT or unicodedata.category(ch) in ("Cc", "Cs")


def _describe(ch: str) -> str:
    point = f"U+{ord(ch):04X}"
    if unicodedata.category(ch) == "Cs":
        return _("a lone surrogate ({point}, not valid Unicode text)").format(point=point)
    if ch in "\u2028\u2029":
        return _("a line separator ({point})").format(point=point)
    if ch in "\ufffe\uffff":
        return _("a noncharacter ({point})").format(point=point)
    return _("a control character ({point})").format(point=point)


#: What :func:`check_name` says, per kind of name: one whole sentence each (the word order
#: differs between languages), translated when the error is raised.
_NAME_RULES = {
    "a name": (
        N_("a name cannot be empty"),
        N_("a name cannot hold {character}: {name} has one at character {position}"),
    ),
    "a code name": (
        N_("a code name cannot be empty"),
        N_("a code name cannot hold {character}: {name} has one at character {position}"),
    ),
    "a place name": (
        N_("a place name cannot be empty"),
        N_("a place name cannot hold {character}: {name} has one at character {position}"),
    ),
    "a place kind": (
        N_("a place kind cannot be empty"),
        N_("a place kind cannot hold {character}: {name} has one at character {position}"),
    ),
    "an alias": (
        N_("an alias cannot be empty"),
        N_("an alias cannot hold {character}: {name} has one at character {position}"),
    ),
}


def check_name(value: str, what: str = "a name") -> str:
    """``value`` trimmed at both ends; ValueError (one line, the name :func:`quoted`) when it
    is empty or holds a control character, a line separator or a lone surrogate. ``what``
    is one of the kinds of name in ``_NAME_RULES`` (another is said as "a name")."""
    empty, holds = _NAME_RULES.get(what, _NAME_RULES["a name"])
    name = value.strip()
    if not name:
        raise ValueError(_(empty))
    for position, ch in enumerate(name, 1):
        if _bad(ch):
            raise ValueError(
                _(holds).format(character=_describe(ch), name=quoted(name), position=position)
            )
    return name


def name_key(name: str) -> str:
    """What two names must not share: the name without regard to letter case or to the
    white space inside it (compared in Python: SQLite's ``lower`` knows only ASCII)."""
    return " ".join(name.split()).casefold()


def fit_name(raw: str) -> str:
    """A name from a file (another tool's project, a codebook) made usable, as close to
    ``raw`` as it can be: trimmed; control characters that act as white space (a tab, a line
    break) become a space, other characters a name cannot hold are dropped. "" when
    nothing is left; the caller reports any change and names the original."""
    name = _SPACE_LIKE.sub(" ", raw)
    return "".join(ch for ch in name if not _bad(ch)).strip()


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... whose :func:`name_key` is not in ``taken``
    (a set of keys)."""
    candidate, number = name, 1
    while name_key(candidate) in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def refuse_duplicate(session: Session, name: str, *, except_id: int | None = None) -> None:
    """Raise Conflict when a code (other than ``except_id``) already has ``name``, in any
    letter case or spacing (:func:`name_key`)."""
    key = name_key(name)
    for code_id, code_name in session.exec(select(Code.id, Code.name).order_by(col(Code.id))):
        if code_id != except_id and name_key(code_name) == key:
            raise Conflict(_("a code called {name} already exists").format(name=quoted(code_name)))

"""The user's own keys: a TOML file that maps binding ids to keys.

Every key of the TUI is a ``Binding`` with an id (``coding.code``, ``app.undo``, ...; the help
screen, ``?``, lists them). A file ``keys.toml`` in the user's configuration folder (or the
file named by ``WORKBENCH_KEYS``) remaps them::

    [keys]
    "coding.code" = "k"          # code with k instead of c
    "app.undo" = "ctrl+z,u"      # several keys, separated by commas

Textual applies it with ``App.set_keymap``. A file that cannot be read gives one line naming
the file and the reason; the default keys then stay. So does a file that is larger than
:data:`MAX_BYTES`, nested deeper than :data:`MAX_NESTING` (the TOML reader would recurse) or
that gives a key string Textual cannot mean (``ctrl+`` alone, control characters, an unknown
modifier: such a string would silently disable the key).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from workbench.errors import InputError
from workbench.i18n import _, number

ENVIRONMENT = "WORKBENCH_KEYS"
"""The environment variable naming another keys file."""

MAX_BYTES = 64 * 1024
"""The largest keys file read."""

MAX_NESTING = 8
"""The deepest nesting of arrays and inline tables in a keys file."""

MODIFIERS = frozenset({"ctrl", "alt", "shift", "meta", "super", "hyper"})
"""The modifiers a key string may name before its key (``ctrl+shift+k``)."""

_KEY_NAME = re.compile(r"[a-z][a-z0-9_]*")


def check_key(key: str) -> str | None:
    """Why ``key`` (one key of a comma-separated key string) is not a key, or None: modifiers
    from :data:`MODIFIERS` joined by ``+``, then one printable character or a key name
    (``f1``, ``escape``, ``question_mark``)."""
    parts = key.split("+")
    *modifiers, last = parts
    for modifier in modifiers:
        if modifier.lower() not in MODIFIERS:
            return _("{modifier} is not a modifier ({modifiers})").format(
                modifier=repr(modifier), modifiers=", ".join(sorted(MODIFIERS))
            )
    if not last:
        return _("a key is missing after the last '+'") if modifiers else _("a key is missing")
    if len(last) == 1:
        return None if last.isprintable() and not last.isspace() else _("not a printable key")
    if not _KEY_NAME.fullmatch(last.lower()):
        return _("{key} is not a key name (a letter, f1, escape, question_mark...)").format(
            key=repr(last)
        )
    return None


def _nesting(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in TOML text, strings and comments skipped."""
    deepest = depth = 0
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
        elif char in "\"'":
            quote = text[index : index + 3] if text[index : index + 3] in ('"""', "'''") else char
            index += len(quote)
            while index < length and not text.startswith(quote, index):
                index += 2 if text[index] == "\\" and quote[0] == '"' else 1
            index += len(quote)
            continue
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1
    return deepest


def keys_file() -> Path:
    """Where the keys file is looked for."""
    named = os.environ.get(ENVIRONMENT)
    if named:
        return Path(named)
    import platformdirs

    return Path(platformdirs.user_config_dir("workbench")) / "keys.toml"


def load_keymap(path: Path, known: set[str]) -> dict[str, str]:
    """The ``[keys]`` table of ``path``: binding id to key string; ``{}`` when there is no
    file. Raises :class:`InputError` for a file that is not TOML, values that are not key
    strings, or ids that no binding has (with the known ones named)."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise InputError(
                path,
                _("larger than the limit of {limit} bytes for a keys file").format(
                    limit=number(MAX_BYTES)
                ),
            )
        text = raw.decode("utf-8")
        if _nesting(text) > MAX_NESTING:
            raise InputError(
                path,
                _("nested deeper than the limit of {limit} levels").format(limit=MAX_NESTING),
            )
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(path, _("not a TOML keys file ({reason})").format(reason=reason)) from None
    except (RecursionError, MemoryError):
        raise InputError(path, _("not a TOML keys file (nested too deeply or too large)")) from None
    table = data.get("keys", {})
    if not isinstance(table, dict):
        raise InputError(path, _('[keys] must be a table of binding id = "key"'))
    keymap: dict[str, str] = {}
    for binding_id, key in table.items():
        if not isinstance(key, str) or not key.strip():
            raise InputError(
                path,
                _("the key for {id} must be a non-empty string").format(id=repr(binding_id)),
            )
        for one in key.split(","):
            problem = check_key(one.strip())
            if problem:
                raise InputError(
                    path,
                    _("the key for {id} is not a key string: {problem}").format(
                        id=repr(binding_id), problem=problem
                    ),
                )
        if binding_id not in known:
            raise InputError(
                path,
                _("no key has the id {id} (press ? in the workbench for the ids)").format(
                    id=repr(binding_id)
                ),
            )
        keymap[binding_id] = key.strip()
    return keymap

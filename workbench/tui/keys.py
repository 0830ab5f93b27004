"""The user's own keys: a TOML file that maps binding ids to keys.

Every key of the TUI is a ``Binding`` with an id (``coding.code``, ``app.undo``, ...; the help
screen, ``?``, lists them). A file ``keys.toml`` in the user's configuration folder (or the
file named by ``WORKBENCH_KEYS``) remaps them::

    [keys]
    "coding.code" = "k"          # code with k instead of c
    "app.undo" = "ctrl+z,u"      # several keys, separated by commas

Textual applies it with ``App.set_keymap``. A file that cannot be read gives one line naming
the file and the reason; the default keys then stay.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from workbench.errors import InputError

ENVIRONMENT = "WORKBENCH_KEYS"
"""The environment variable naming another keys file."""


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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(path, f"not a TOML keys file ({error})") from None
    table = data.get("keys", {})
    if not isinstance(table, dict):
        raise InputError(path, '[keys] must be a table of binding id = "key"')
    keymap: dict[str, str] = {}
    for binding_id, key in table.items():
        if not isinstance(key, str) or not key.strip():
            raise InputError(path, f"the key for {binding_id!r} must be a non-empty string")
        if binding_id not in known:
            raise InputError(
                path, f"no key has the id {binding_id!r} (press ? in the workbench for the ids)"
            )
        keymap[binding_id] = key.strip()
    return keymap

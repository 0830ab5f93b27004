"""What a purge erased, kept as keyed fingerprints, so that a merge does not bring it back.

A purge (:mod:`workbench.services.purge`) deletes documents and removes from the change log
every image of erased data. The change log was also what told a merge that a row had been
deleted here since the copies parted ("work removed here is not brought back"): without it, a
copy of the project made before the purge would put the deleted memo, code or document back.

So the purge leaves, for each thing it erased, a fingerprint of its *identity*, never of its
text where an identity exists:

- a row that is gone: its GUID (``guid|…``); rows without one by what a merge matches them
  on: a pseudonym by its real name, a place alias by its place and text, a case value by its
  case and attribute, a link by its segment and place, a place kind by its name;
- a document purged with ``--document``: its GUID and the SHA-256 of its text;
- text that was replaced (a memo rewritten, a code renamed): "this column of this row" (the
  row's GUID or key and the column's name), so that a merge keeps the value here.

Each fingerprint is an HMAC-SHA-256 under a random key of the project (the ``erasure_key``
setting), so the table lists no GUID and no name. A real name of a deleted pseudonym entry is
the one key that is text: someone who has the project file and guesses the name can confirm
the guess, as with any keyed hash whose key is beside it. It cannot be read back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from workbench.project import models

__all__ = [
    "Erasures",
    "Identities",
    "alias_key",
    "case_value_key",
    "document_case_key",
    "document_key",
    "guid_key",
    "kind_key",
    "link_key",
    "pin_key",
    "pseudonym_key",
    "record",
]

KEY_SETTING = "erasure_key"
"""The setting that holds the project's random key for the fingerprints (hex)."""


def guid_key(guid: str) -> str:
    return f"guid|{guid.lower()}"


def document_key(sha256: str) -> str:
    return f"document|{sha256.lower()}"


def pseudonym_key(real: str) -> str:
    return f"pseudonym|{real}"


def alias_key(place_guid: str, alias: str) -> str:
    return f"place_alias|{place_guid.lower()}|{alias.casefold()}"


def case_value_key(case_guid: str, variable_guid: str) -> str:
    return f"case_value|{case_guid.lower()}|{variable_guid.lower()}"


def link_key(segment_guid: str, place_guid: str) -> str:
    return f"segment_place|{segment_guid.lower()}|{place_guid.lower()}"


def document_case_key(document_guid: str, case_guid: str) -> str:
    return f"document_case|{document_guid.lower()}|{case_guid.lower()}"


def kind_key(name: str) -> str:
    return f"place_kind|{name.casefold()}"


def pin_key(table: str, identity: str, column: str) -> str:
    """The value of ``column`` of the row ``identity`` of ``table`` was replaced and purged:
    the value here wins over any other copy's."""
    return f"pin|{table}|{identity.lower()}|{column}"


def _fingerprint(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _project_key(connection: sa.Connection, *, create: bool) -> bytes | None:
    setting = models.table_of(models.Setting)
    stored = connection.execute(
        sa.select(setting.c.value).where(setting.c.key == KEY_SETTING)
    ).scalar_one_or_none()
    if stored is not None:
        return bytes.fromhex(str(json.loads(stored)))
    if not create:
        return None
    fresh = secrets.token_hex(32)
    connection.execute(setting.insert().values(key=KEY_SETTING, value=json.dumps(fresh)))
    return bytes.fromhex(fresh)


def record(connection: sa.Connection, keys: Iterable[str]) -> int:
    """Store the fingerprints of ``keys`` (in the caller's transaction); the number new."""
    wanted = sorted(set(keys))
    if not wanted:
        return 0
    secret = _project_key(connection, create=True)
    assert secret is not None
    table = models.table_of(models.Erasure)
    prints = sorted({_fingerprint(secret, key) for key in wanted})
    have: set[str] = set()
    for start in range(0, len(prints), 500):
        chunk = prints[start : start + 500]
        have.update(
            connection.execute(
                sa.select(table.c.fingerprint).where(table.c.fingerprint.in_(chunk))
            ).scalars()
        )
    new = [p for p in prints if p not in have]
    now = models.utcnow()
    for start in range(0, len(new), 500):
        connection.execute(
            table.insert(), [{"fingerprint": p, "purged_at": now} for p in new[start : start + 500]]
        )
    return len(new)


class Erasures:
    """The fingerprints of a project, to ask "was this purged here?" (``key in erasures``)."""

    def __init__(self, secret: bytes | None, prints: frozenset[str]) -> None:
        self._secret = secret
        self._prints = prints

    @classmethod
    def read(cls, connection: sa.Connection) -> Erasures:
        secret = _project_key(connection, create=False)
        if secret is None:
            return cls(None, frozenset())
        table = models.table_of(models.Erasure)
        return cls(
            secret,
            frozenset(connection.execute(sa.select(table.c.fingerprint)).scalars()),
        )

    def __bool__(self) -> bool:
        return bool(self._prints)

    def __contains__(self, key: object) -> bool:
        if not self._prints or self._secret is None or not isinstance(key, str):
            return False
        return _fingerprint(self._secret, key) in self._prints

    def any(self, keys: Iterable[str]) -> bool:
        return any(key in self for key in keys)


class Identities:
    """The keys of rows of the change log's images, looked up in the project as it is."""

    _GUIDED = ("code", "segment", "coding", "place", "memo", "case", "variable", "document")

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._guids: dict[str, dict[int, str]] = {}

    def guid(self, table_name: str, row_id: Any) -> str | None:
        """The GUID of the row ``row_id`` of ``table_name`` as it is now (None: gone)."""
        if row_id is None or table_name not in self._GUIDED:
            return None
        if table_name not in self._guids:
            table = SQLModel.metadata.tables[table_name]
            self._guids[table_name] = {
                int(i): str(g)
                for i, g in self._connection.execute(
                    sa.select(table.c.id, table.c.guid).order_by(table.c.id)
                )
            }
        return self._guids[table_name].get(int(row_id))

    def _pair(self, first: tuple[str, Any], second: tuple[str, Any]) -> tuple[str, str] | None:
        a, b = self.guid(*first), self.guid(*second)
        return (a, b) if a is not None and b is not None else None

    def gone(self, table_name: str, image: Mapping[str, Any]) -> list[str]:
        """The keys of a row that no longer exists, from its last image."""
        guid = image.get("guid")
        if isinstance(guid, str) and guid:
            return [guid_key(guid)]
        if table_name == "pseudonym" and isinstance(image.get("real"), str):
            return [pseudonym_key(image["real"])]
        if table_name == "place_kind" and isinstance(image.get("name"), str):
            return [kind_key(image["name"])]
        if table_name == "place_alias" and isinstance(image.get("alias"), str):
            place = self.guid("place", image.get("place_id"))
            return [alias_key(place, image["alias"])] if place else []
        pairs = {
            "case_value": (("case", "case_id"), ("variable", "variable_id"), case_value_key),
            "segment_place": (("segment", "segment_id"), ("place", "place_id"), link_key),
            "document_case": (("document", "document_id"), ("case", "case_id"), document_case_key),
        }
        if table_name in pairs:
            (t1, c1), (t2, c2), make = pairs[table_name]
            found = self._pair((t1, image.get(c1)), (t2, image.get(c2)))
            return [make(*found)] if found else []
        return []

    def identity(self, table_name: str, row_id: int, now: Mapping[str, Any]) -> str | None:
        """How a merge knows the row ``row_id`` (as it is now) in another copy."""
        if table_name in self._GUIDED:
            return self.guid(table_name, row_id)
        if table_name == "pseudonym" and isinstance(now.get("real"), str):
            return pseudonym_key(now["real"])
        if table_name == "case_value":
            found = self._pair(("case", now.get("case_id")), ("variable", now.get("variable_id")))
            return case_value_key(*found) if found else None
        if table_name == "place_kind" and isinstance(now.get("name"), str):
            return kind_key(now["name"])
        return None

    def replaced(
        self,
        table_name: str,
        row_id: int,
        image: Mapping[str, Any],
        now: Mapping[str, Any],
        columns: Iterable[str],
    ) -> list[str]:
        """The keys for the columns of ``image`` that hold another value now."""
        changed = [c for c in columns if c in image and image[c] != now.get(c)]
        if not changed:
            return []
        keys: list[str] = []
        if table_name == "pseudonym" and "real" in changed and isinstance(image.get("real"), str):
            keys.append(pseudonym_key(image["real"]))  # the old real name, as if deleted
        identity = self.identity(table_name, row_id, now)
        if identity is not None:
            keys.extend(pin_key(table_name, identity, column) for column in changed)
        return keys

"""Project settings stored in the project file (language, codebook metadata)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from workbench.project.models import Setting


def get(session: Session, key: str, default: Any = None) -> Any:
    """The setting ``key``, or ``default`` when it is not set."""
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value)


def put(session: Session, key: str, value: Any) -> None:
    """Set ``key`` to a JSON-serialisable value."""
    row = session.get(Setting, key)
    encoded = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=encoded))
    else:
        row.value = encoded
    session.flush()

"""Output files written whole or not at all: a temporary file beside the target, then a rename.

The helpers live in :mod:`workbench.project.files` (with the permission rule every written
file follows), so that the project room's backups use them too; exports import them here.
"""

from __future__ import annotations

from workbench.project.files import (
    folder_beside,
    permissions_like,
    temporary_beside,
    write_atomic,
    write_new,
)

__all__ = ["folder_beside", "permissions_like", "temporary_beside", "write_atomic", "write_new"]

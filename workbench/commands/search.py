"""Commands: search."""

from __future__ import annotations

"""Commands: publish."""

from __future__ import annotations

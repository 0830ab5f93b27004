"""Commands: qdpx."""

from __future__ import annotations

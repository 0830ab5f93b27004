"""Commands: agreement."""

from __future__ import annotations

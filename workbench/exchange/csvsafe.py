"""CSV that a spreadsheet opens as data, never as formulas.

A spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula, so a quote, code name or place name such as
``=HYPERLINK(...)`` would become live content in the researcher's spreadsheet. Following
OWASP's advice on CSV injection, every text cell that starts with one of those characters is
written with a leading ``'``; numbers are written as numbers (a negative number is data).
Every CSV the workbench writes goes through :func:`writer` or :class:`DictWriter`.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol

#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> object:  # pragma: no cover - a protocol
        """Write text."""


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula;
    anything else (numbers, ``None``, other text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """A row with every cell passed through :func:`safe_cell`."""
    return [safe_cell(value) for value in row]


class SafeWriter:
    """A :func:`csv.writer` whose rows go through :func:`safe_row`."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        """Write to ``stream`` with the :mod:`csv` format ``options``."""
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, formula-like text cells escaped."""
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write rows, formula-like text cells escaped."""
        for row in rows:
            self.writerow(row)


def writer(stream: _Writable, **options: Any) -> SafeWriter:
    """Like :func:`csv.writer`, with formula-like text cells escaped."""
    return SafeWriter(stream, **options)


class DictWriter:
    """Like :class:`csv.DictWriter`, with formula-like text cells (header included) escaped."""

    def __init__(self, stream: _Writable, fieldnames: Collection[str], **options: Any) -> None:
        """Write rows with the keys ``fieldnames`` to ``stream``."""
        self.fieldnames = list(fieldnames)
        self._writer = csv.DictWriter(stream, fieldnames=self.fieldnames, **options)

    def writeheader(self) -> None:
        """Write the header row."""
        self._writer.writerow({name: safe_cell(name) for name in self.fieldnames})

    def writerow(self, row: Mapping[str, Any]) -> None:
        """Write one row, formula-like text cells escaped."""
        self._writer.writerow({key: safe_cell(value) for key, value in row.items()})

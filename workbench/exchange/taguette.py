"""Taguette's CSV codebook: written for Taguette to import, read from Taguette's export.

Taguette (1.4) imports a codebook only as CSV and exports one the same way. Its reader
(``taguette/import_codebook.py``) takes the first row as the header, compared without regard to
case; the tag name comes from the one column called ``tag``, ``name`` or ``path`` and the
description from ``description``; a ``parent`` column is optional, other columns are ignored,
every cell is trimmed, empty rows are skipped. Its export writes
``tag,description,number of highlights,number of documents``.

What the workbench writes: ``tag,description`` and one row per code in tree order (Taguette's
codebook is flat, so the tree is left out and the export says so), UTF-8 with a byte-order mark
(Taguette guesses the encoding with chardet, which reads the mark for certain; without it a
short file with a few accented letters can be guessed as Latin-1), lines ended by CRLF like
Python's and Taguette's own CSV.

No formula escaping. Every other CSV the workbench writes goes through
:mod:`workbench.exchange.csvsafe`, which puts a ``'`` before a cell starting with ``=``, ``+``,
``-`` or ``@``. Taguette reads that ``'`` as part of the name, so an escaped code
``- other`` would come back from Taguette as ``'- other``: the file is for Taguette, not for a
spreadsheet, so names and descriptions are written exactly, and the export warns when a cell
would start a formula in a spreadsheet that opens the file.

What the workbench reads: the same columns as Taguette (``tag``, ``name`` or ``path``;
``description``), as UTF-8 (with or without the mark). A ``parent`` column is ignored with a
warning (the codes are loaded at the top of the tree). Names are kept as written, only trimmed;
a name that is empty or holds control characters, or that repeats an earlier one in any letter
case or spacing, is loaded under a visible new name with a warning naming the original. Codes
that exist already are matched by name: their description is replaced by a non-empty one from
the file, their codings stay.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from workbench.coding import codes as code_ops
from workbench.coding.names import fit_name, name_key, unique_name
from workbench.errors import InputError, quoted
from workbench.exchange.csvsafe import FORMULA_STARTS
from workbench.i18n import _, ngettext, number
from workbench.project.files import write_atomic
from workbench.project.models import Code

#: The header the workbench writes.
HEADER = ("tag", "description")
#: The columns Taguette takes a tag's name from (exactly one of them must be present).
NAME_COLUMNS = ("tag", "name", "path")
#: The largest CSV codebook read.
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class TaguetteTag:
    """One row of a Taguette codebook."""

    name: str
    description: str
    line: int
    """The line of the file the row starts on (1-based; the header is line 1)."""


@dataclass
class TaguetteCodebook:
    """A Taguette CSV codebook as read: the tags under their workbench names."""

    tags: list[TaguetteTag] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- writing ---------------------------------------------------------------------------------


def _tree_order(session: Session) -> Iterator[Code]:
    rows = list(session.exec(select(Code).order_by(col(Code.position), col(Code.name))))
    children: dict[int | None, list[Code]] = {}
    for code in rows:
        children.setdefault(code.parent_id, []).append(code)
    stack = list(reversed(children.get(None, [])))
    while stack:
        code = stack.pop()
        yield code
        stack.extend(reversed(children.get(code.id, [])))


def taguette_csv(session: Session) -> tuple[str, int, list[str]]:
    """The project's codes as Taguette's CSV codebook: the text (without the byte-order
    mark), the number of codes and the warnings."""
    out = io.StringIO()
    writer = csv.writer(out)  # plain csv: see the module's note on formula escaping
    writer.writerow(HEADER)
    count, nested, formula_like = 0, 0, []
    for code in _tree_order(session):
        writer.writerow((code.name, code.description))
        count += 1
        nested += code.parent_id is not None
        if code.name.startswith(FORMULA_STARTS) or code.description.startswith(FORMULA_STARTS):
            formula_like.append(quoted(code.name))
    warnings = []
    if nested:
        warnings.append(
            ngettext(
                "the code tree is flattened: Taguette's CSV codebook has no hierarchy "
                "({count} code under a parent is listed at the top)",
                "the code tree is flattened: Taguette's CSV codebook has no hierarchy "
                "({count} codes under a parent are listed at the top)",
                nested,
            ).format(count=number(nested))
        )
    if formula_like:
        shown = ", ".join(formula_like[:3])
        if len(formula_like) > 3:
            shown = _("{shown} and {count} more").format(
                shown=shown, count=number(len(formula_like) - 3)
            )
        warnings.append(
            ngettext(
                "{count} code has a name or description starting with = + - or @, which a "
                "spreadsheet would read as a formula: {items} (written as it is, for "
                "Taguette; do not open the file in a spreadsheet)",
                "{count} codes have a name or description starting with = + - or @, which a "
                "spreadsheet would read as a formula: {items} (written as they are, for "
                "Taguette; do not open the file in a spreadsheet)",
                len(formula_like),
            ).format(count=number(len(formula_like)), items=shown)
        )
    return out.getvalue(), count, warnings


def export_taguette(session: Session, path: Path) -> tuple[int, list[str]]:
    """Write the project's codes to ``path`` as Taguette's CSV codebook (UTF-8 with a
    byte-order mark); returns the number of codes and the warnings."""
    text, count, warnings = taguette_csv(session)
    write_atomic(Path(path), "\ufeff" + text)
    return count, warnings


# --- reading ---------------------------------------------------------------------------------


def parse_taguette(text: str, source: str = "<codebook>") -> TaguetteCodebook:
    """Read a Taguette CSV codebook; errors name ``source``, the line and the problem."""
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows, None)
    except csv.Error as exc:
        raise InputError(
            source, _("line {line}: not valid CSV ({reason})").format(line=1, reason=exc)
        ) from None
    if header is None:
        raise InputError(source, _("empty file: a Taguette codebook starts with a header row"))
    columns = [cell.strip().lower() for cell in header]
    present = [name for name in NAME_COLUMNS if name in columns]
    if not present:
        raise InputError(
            source, _("line 1: no 'tag', 'name' or 'path' column (a Taguette codebook's header)")
        )
    if len(present) > 1:
        raise InputError(
            source,
            _("line 1: columns {columns} both could hold the tag name; keep one").format(
                columns=", ".join(repr(c) for c in present)
            ),
        )
    name_at = columns.index(present[0])
    description_at = columns.index("description") if "description" in columns else None
    parent_at = columns.index("parent") if "parent" in columns else None
    needed = max(i for i in (name_at, description_at, parent_at) if i is not None) + 1
    book = TaguetteCodebook()
    taken: set[str] = set()
    with_parent = 0
    ended = rows.line_num
    try:
        for row in rows:
            line, ended = ended + 1, rows.line_num  # the line the row starts on
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < needed:
                raise InputError(
                    source,
                    ngettext(
                        "line {line}: {count} column, the header has {needed}",
                        "line {line}: {count} columns, the header has {needed}",
                        len(row),
                    ).format(line=line, count=number(len(row)), needed=number(needed)),
                )
            raw = row[name_at]
            name = fit_name(raw)
            if not name:
                name = f"Tag on line {line}"
                book.warnings.append(
                    _("line {line}: a tag without a name loaded as {name}").format(
                        line=line, name=quoted(name)
                    )
                )
            elif name != raw.strip():
                book.warnings.append(
                    _(
                        "line {line}: tag {old} loaded as {new} (a name cannot hold control "
                        "characters)"
                    ).format(line=line, old=quoted(raw), new=quoted(name))
                )
            unique = unique_name(name, taken)
            if unique != name:
                book.warnings.append(
                    _(
                        "line {line}: a second tag {name} loaded as {new} (names are unique in "
                        "any letter case and spacing)"
                    ).format(line=line, name=quoted(name), new=quoted(unique))
                )
            taken.add(name_key(unique))
            description = row[description_at].strip() if description_at is not None else ""
            with_parent += parent_at is not None and bool(row[parent_at].strip())
            book.tags.append(TaguetteTag(unique, description, line))
    except csv.Error as exc:
        raise InputError(
            source, _("line {line}: not valid CSV ({reason})").format(line=ended + 1, reason=exc)
        ) from None
    if with_parent:
        book.warnings.append(
            ngettext(
                "the 'parent' column was ignored: {count} tag loaded at the top of the tree",
                "the 'parent' column was ignored: {count} tags loaded at the top of the tree",
                with_parent,
            ).format(count=number(with_parent))
        )
    if not book.tags:
        book.warnings.append(_("the codebook holds no tags"))
    return book


def load_taguette(path: str | Path) -> TaguetteCodebook:
    """Read a Taguette CSV codebook file (UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(
            path, _("cannot be read ({reason})").format(reason=exc.strerror or exc)
        ) from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            path, _("larger than the limit of {limit} bytes").format(limit=number(MAX_BYTES))
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, _("not UTF-8 text (save the CSV as UTF-8)")) from None
    return parse_taguette(text, str(path))


@dataclass(frozen=True)
class TaguetteApplied:
    """What loading a Taguette codebook changed."""

    added: int
    updated: int


def apply_taguette(
    session: Session, book: TaguetteCodebook, *, coder_id: int | None = None
) -> TaguetteApplied:
    """Add the codebook's tags as codes at the top of the tree; a code that exists (by
    name, in any letter case or spacing) gets the tag's description when it has one."""
    existing = {name_key(code.name): code for code in session.exec(select(Code))}
    added = updated = 0
    for tag in book.tags:
        code = existing.get(name_key(tag.name))
        if code is None:
            code = code_ops.add_code(
                session, tag.name, description=tag.description, coder_id=coder_id
            )
            existing[name_key(code.name)] = code
            added += 1
        elif tag.description and tag.description != code.description:
            code.description = tag.description
            session.flush()
            updated += 1
    return TaguetteApplied(added, updated)

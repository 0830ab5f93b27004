"""Compile the workbench's translation catalogs (``.po`` → ``.mo``), check or update them.

    python tools/compile_translations.py            # write every workbench.mo from its .po
    python tools/compile_translations.py --check    # exit 1 if a .mo differs from its .po
    python tools/compile_translations.py --update   # add the texts the source marks and the
                                                    # .po lacks (empty msgstr: to translate),
                                                    # drop the ones it no longer marks

Standard library only (no Babel, no CPython's ``Tools/i18n/msgfmt.py``). The ``.mo`` written is
byte-for-byte the same for the same ``.po`` (entries sorted, no hash table), so a test can
compare the shipped file with a fresh compilation.

The texts are found with :mod:`ast` in ``workbench/``: the literal arguments of ``_(...)``,
``N_(...)``, ``ngettext(singular, plural, n)`` and ``counted(n, singular, plural)``; in
``workbench/cli/`` also the help click shows: the docstrings of commands and ``help=``.
"""

from __future__ import annotations

import argparse
import ast
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "workbench"
LOCALE = PACKAGE / "locale"
DOMAIN = "workbench"

HEADER = (
    "Project-Id-Version: workbench\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Language: {language}\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)


@dataclass
class Entry:
    """One message of a catalog: its English text (and plural) and the translation(s)."""

    msgid: str
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    fuzzy: bool = False
    comments: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        """True when every form has a translation and it is not marked fuzzy."""
        return not self.fuzzy and all(self.msgstr)


# --- reading and writing .po -----------------------------------------------------------------


def _unquote(text: str) -> str:
    body = text.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    value = ast.literal_eval(body)
    assert isinstance(value, str)
    return value


def parse_po(text: str) -> list[Entry]:
    """The entries of a ``.po`` file (the header is the entry with msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    field_name: str | None = None
    index = 0
    pending_comments: list[str] = []
    pending_fuzzy = False

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if current is not None and field_name is not None:
                finish()
                field_name = None
            if line.startswith("#,") and "fuzzy" in line:
                pending_fuzzy = True
            else:
                pending_comments.append(raw)
            continue
        try:
            if line.startswith("msgid_plural "):
                assert current is not None
                current.msgid_plural = _unquote(line[len("msgid_plural ") :])
                field_name = "msgid_plural"
            elif line.startswith("msgid "):
                finish()
                current = Entry(
                    _unquote(line[len("msgid ") :]), fuzzy=pending_fuzzy, comments=pending_comments
                )
                pending_comments, pending_fuzzy = [], False
                field_name = "msgid"
            elif line.startswith("msgstr["):
                assert current is not None
                index = int(line[len("msgstr[") : line.index("]")])
                while len(current.msgstr) <= index:
                    current.msgstr.append("")
                current.msgstr[index] = _unquote(line[line.index("]") + 1 :])
                field_name = "msgstr"
            elif line.startswith("msgstr "):
                assert current is not None
                index = 0
                current.msgstr[0] = _unquote(line[len("msgstr ") :])
                field_name = "msgstr"
            elif line.startswith('"'):
                assert current is not None and field_name is not None
                more = _unquote(line)
                if field_name == "msgid":
                    current.msgid += more
                elif field_name == "msgid_plural":
                    current.msgid_plural = (current.msgid_plural or "") + more
                else:
                    current.msgstr[index] += more
            else:
                raise ValueError(f"unexpected line: {raw!r}")
        except (AssertionError, ValueError, SyntaxError) as error:
            raise ValueError(f"line {number}: {error}") from None
    finish()
    return entries


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


def _field(name: str, text: str) -> str:
    if "\n" in text[:-1]:  # a text of several lines: one quoted line each
        parts = text.splitlines(keepends=True)
        return f'{name} ""\n' + "\n".join(_quote(part) for part in parts)
    return f"{name} {_quote(text)}"


def format_po(entries: list[Entry]) -> str:
    """The text of a ``.po`` file with these entries, in their order."""
    blocks: list[str] = []
    for entry in entries:
        lines = list(entry.comments)
        if entry.fuzzy:
            lines.append("#, fuzzy")
        lines.append(_field("msgid", entry.msgid))
        if entry.msgid_plural is not None:
            lines.append(_field("msgid_plural", entry.msgid_plural))
            for index, text in enumerate(entry.msgstr):
                lines.append(_field(f"msgstr[{index}]", text))
        else:
            lines.append(_field("msgstr", entry.msgstr[0]))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --- compiling -------------------------------------------------------------------------------


def compile_mo(entries: list[Entry]) -> bytes:
    """The GNU ``.mo`` file of a catalog: the header and every translated entry, sorted by
    msgid, without a hash table (gettext reads it as msgfmt's)."""
    pairs: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.msgid and not entry.translated:
            continue  # untranslated or fuzzy: the English text shows
        if entry.msgid_plural is not None:
            key = f"{entry.msgid}\0{entry.msgid_plural}"
            value = "\0".join(entry.msgstr)
        else:
            key, value = entry.msgid, entry.msgstr[0]
        pairs[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    originals, translations, data = [], [], b""
    for key in keys:
        originals.append((len(key), data_at + len(data)))
        data += key + b"\0"
    for key in keys:
        value = pairs[key]
        translations.append((len(value), data_at + len(data)))
        data += value + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, 0)
    table = b"".join(struct.pack("<2I", *pair) for pair in originals + translations)
    return header + table + data


# --- finding the texts -----------------------------------------------------------------------


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked(tree: ast.AST) -> Iterator[tuple[int, str, str | None]]:
    """The texts marked for translation in a module: (line, msgid, msgid_plural or None)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        args = node.args
        if name in ("_", "N_") and len(args) == 1:
            text = _literal(args[0])
            if text:
                yield node.lineno, text, None
        elif name == "ngettext" and len(args) == 3:
            singular, plural = _literal(args[0]), _literal(args[1])
            if singular and plural:
                yield node.lineno, singular, plural
        elif name == "counted" and len(args) == 3:
            singular, plural = _literal(args[1]), _literal(args[2])
            if singular and plural:
                yield node.lineno, singular, plural


def _decorator_name(node: ast.expr) -> str:
    """``command`` for ``@click.command()``, ``@codebook.command("add")``, ``@click.command``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def click_texts(tree: ast.AST) -> Iterator[tuple[int, str, str | None]]:
    """The command line's help texts, which click takes from the source: the docstring of a
    function decorated as a click command or group (cleaned as click shows it) and the
    literal ``help=`` of an option; :func:`workbench.cli.localize` translates them."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            _decorator_name(d) in ("command", "group") for d in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, doc, None
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                text = _literal(keyword.value) if keyword.arg == "help" else None
                if text:
                    yield node.lineno, text, None


def source_texts(root: Path = PACKAGE) -> dict[tuple[str, str | None], list[str]]:
    """Every text marked in the package: (msgid, msgid_plural) → where ("tui/app.py:12")."""
    found: dict[tuple[str, str | None], list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        texts = list(marked(tree))
        if path.relative_to(root).parts[0] == "cli":
            texts += click_texts(tree)
        for line, msgid, plural in texts:
            where = f"{path.relative_to(root).as_posix()}:{line}"
            found.setdefault((msgid, plural), []).append(where)
    return found


def catalogs() -> list[Path]:
    """The ``.po`` files of the package."""
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update(po: Path) -> tuple[int, int]:
    """Add the marked texts the catalog lacks (untranslated) and drop the ones the source no
    longer marks; the numbers added and dropped."""
    language = po.parents[1].name
    entries = parse_po(po.read_text(encoding="utf-8")) if po.exists() else []
    if not entries or entries[0].msgid != "":
        entries.insert(0, Entry("", msgstr=[HEADER.format(language=language)]))
    marked_now = source_texts()
    kept = [e for e in entries if not e.msgid or (e.msgid, e.msgid_plural) in marked_now]
    dropped = len(entries) - len(kept)
    entries = kept
    have = {(entry.msgid, entry.msgid_plural) for entry in entries}
    added = 0
    for (msgid, plural), places in marked_now.items():
        if (msgid, plural) in have:
            continue
        entry = Entry(msgid, plural, ["", ""] if plural else [""])
        entry.comments = [f"#: {places[0]}"]
        entries.append(entry)
        added += 1
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(format_po(entries), encoding="utf-8")
    return added, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the .mo files")
    parser.add_argument("--update", action="store_true", help="add new texts to the .po files")
    options = parser.parse_args(argv)
    status = 0
    for po in catalogs():
        if options.update:
            added, dropped = update(po)
            print(f"{po.relative_to(REPO)}: {added} new texts, {dropped} no longer used")
        mo = po.with_suffix(".mo")
        compiled = compile_mo(parse_po(po.read_text(encoding="utf-8")))
        if options.check:
            if not mo.exists() or mo.read_bytes() != compiled:
                print(f"{mo.relative_to(REPO)}: out of date (run tools/compile_translations.py)")
                status = 1
        elif not mo.exists() or mo.read_bytes() != compiled:
            mo.write_bytes(compiled)
            print(f"{mo.relative_to(REPO)}: written")
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Reading transcript files into normalised text.

Each reader returns a :class:`SourceText`: the text with ``\\n`` line ends and no BOM (fixed
from then on), the encoding it was read in, notes for the user (a Windows-1252 fallback), and
for subtitle formats the speaker turns taken from the cues themselves.

Formats: ``.txt`` and ``.md`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, or Windows-1252 as a
reported fallback), ``.docx`` (python-docx), ``.odt`` (odfpy), ``.vtt`` (webvtt-py) and
``.srt`` (pysrt). Every failure is an :class:`~workbench.errors.InputError` naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from workbench.errors import InputError

if TYPE_CHECKING:  # python-docx is imported when a Word file is read (start-up time)
    from docx.table import Table

#: Files above this size are refused (a transcript is rarely over a few MB).
MAX_FILE_BYTES = 64 * 1024 * 1024

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".odt", ".vtt", ".srt"}


@dataclass(frozen=True)
class SourceTurn:
    """A speaker turn known from the file's structure (a VTT voice, an SRT label)."""

    start: int
    end: int
    text_start: int
    speaker: str | None


@dataclass
class SourceText:
    """Text read from a file, normalised, with what the reader learnt on the way."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)
    turns: list[SourceTurn] | None = None


def normalise(text: str) -> str:
    """Line ends to ``\\n``, a leading BOM removed. Applied once, at import.

    Unicode line and paragraph separators (U+2028, U+2029: Word's soft breaks) become
    ``\\n`` too; being one character each, they keep every offset after them.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _check_text(path: Path, text: str) -> str:
    text = normalise(text)
    if not text.strip():
        raise InputError(path, "the file is empty (no text to import)")
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(8, len(text) // 1000):
        raise InputError(path, "looks like a binary file, not text")
    return text


def decode_bytes(path: Path, data: bytes) -> SourceText:
    """Decode a plain-text file: BOMs first, then strict UTF-8, then Windows-1252."""
    if not data.strip():
        raise InputError(path, "the file is empty (no text to import)")
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if encoding == "utf-8" and b"\x00" in data:
        raise InputError(path, "looks like a binary file, not text (it contains NUL bytes)")
    notes: list[str] = []
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise InputError(path, f"not valid {encoding.upper()} text ({exc.reason})") from exc
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                path, "not valid UTF-8 and not Windows-1252 text; save it as UTF-8 and retry"
            ) from None
        encoding = "cp1252"
        notes.append(
            f"{path.name}: not UTF-8; read as Windows-1252 (check accented letters and quotes)"
        )
    return SourceText(text=_check_text(path, text), encoding=encoding, notes=notes)


def read_plain(path: Path, data: bytes) -> SourceText:
    """A ``.txt`` or ``.md`` file."""
    return decode_bytes(path, data)


def _open_zip(path: Path, data: bytes, kind: str) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise InputError(path, f"not a {kind} file (it is not a zip package)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        bad = archive.testzip()
    except Exception as exc:  # BadZipFile, EOFError, zlib.error from a corrupt member...
        raise InputError(path, f"damaged or truncated {kind} file ({exc})") from exc
    if bad is not None:
        raise InputError(path, f"damaged or truncated {kind} file (member {bad} is corrupt)")
    return archive


def _docx_table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            value = " ".join(p.text for p in cell.paragraphs).strip()
            if not cells or value != cells[-1]:  # merged cells repeat their text
                cells.append(value)
        if len(cells) == 2 and cells[0] and len(cells[0]) <= 30 and "\n" not in cells[0]:
            label = cells[0].rstrip(":")
            lines.append(f"{label}: {cells[1]}")
        else:
            lines.append("\t".join(cells))
    return lines


def read_docx(path: Path, data: bytes) -> SourceText:
    """A Word file: one line per paragraph (empty paragraphs kept), tables row by row.

    A two-column table (speaker | text) becomes ``speaker: text`` lines.
    """
    _open_zip(path, data, "Word (.docx)")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.element.body.iterchildren():
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(block, document).text)
            elif tag == "tbl":
                lines.extend(_docx_table_lines(Table(block, document)))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(path, f"cannot read this Word file ({type(exc).__name__}: {exc})") from exc
    return SourceText(text=_check_text(path, "\n".join(lines)), encoding="docx")


def read_odt(path: Path, data: bytes) -> SourceText:
    """An OpenDocument text file: one line per paragraph or heading."""
    archive = _open_zip(path, data, "OpenDocument (.odt)")
    if "content.xml" not in archive.namelist():
        raise InputError(path, "not an OpenDocument text file (no content.xml)")
    try:
        from odf import teletype
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        lines: list[str] = []
        for element in document.text.childNodes:
            lines.extend(_odt_lines(element, teletype))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            path, f"cannot read this OpenDocument file ({type(exc).__name__}: {exc})"
        ) from exc
    return SourceText(text=_check_text(path, "\n".join(lines)), encoding="odt")


_ODF_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_PARAGRAPHS = {(_ODF_TEXT_NS, "p"), (_ODF_TEXT_NS, "h")}


def _odt_lines(element: object, teletype: ModuleType) -> list[str]:
    """Paragraphs and headings in document order, also inside lists, sections and tables."""
    if getattr(element, "qname", None) in _ODF_PARAGRAPHS:
        return [teletype.extractText(element)]
    lines: list[str] = []
    for child in getattr(element, "childNodes", []):
        lines.extend(_odt_lines(child, teletype))
    return lines


_SRT_LABEL = re.compile(r"^\s*(?:-\s*)?([A-Z][\w .'\-]{0,30}?)\s*:\s+(.*)$", re.S)


def _cues_to_text(cues: list[tuple[str | None, str]]) -> SourceText:
    """Build text from (speaker, text) cues: one paragraph per run of one speaker."""
    merged: list[tuple[str | None, str]] = []
    for speaker, body in cues:
        body = " ".join(body.split())
        if not body:
            continue
        if merged and merged[-1][0] == speaker and speaker is not None:
            merged[-1] = (speaker, f"{merged[-1][1]} {body}")
        else:
            merged.append((speaker, body))
    parts: list[str] = []
    turns: list[SourceTurn] = []
    offset = 0
    for speaker, body in merged:
        prefix = f"{speaker}: " if speaker else ""
        line = prefix + body
        turns.append(SourceTurn(offset, offset + len(line), offset + len(prefix), speaker))
        parts.append(line)
        offset += len(line) + 2  # paragraphs separated by a blank line
    return SourceText(text="\n\n".join(parts), encoding="utf-8", turns=turns)


def read_vtt(path: Path, data: bytes) -> SourceText:
    """A WebVTT file: cue voices (``<v Name>``) give the speakers."""
    decoded = decode_bytes(path, data)
    try:
        import webvtt

        captions = webvtt.from_buffer(io.StringIO(decoded.text))
        cues: list[tuple[str | None, str]] = []
        for caption in captions.captions:
            voice = getattr(caption, "voice", None)
            raw = caption.raw_text if hasattr(caption, "raw_text") else caption.text
            if voice is None:
                match = re.match(r"\s*<v(?:\.[\w.]+)?\s+([^>]+)>", raw)
                voice = match.group(1).strip() if match else None
            cues.append((voice, caption.text))
    except Exception as exc:
        raise InputError(path, f"not a valid WebVTT file ({type(exc).__name__}: {exc})") from exc
    if not cues:
        raise InputError(path, "the WebVTT file has no cues")
    result = _cues_to_text(cues)
    result.encoding, result.notes = decoded.encoding, decoded.notes
    return result


def read_srt(path: Path, data: bytes) -> SourceText:
    """A SubRip file: a ``Name:`` at the start of a cue gives its speaker."""
    decoded = decode_bytes(path, data)
    try:
        import pysrt

        items = pysrt.from_string(decoded.text, error_handling=pysrt.ERROR_RAISE)
    except Exception as exc:
        raise InputError(path, f"not a valid SubRip file ({type(exc).__name__}: {exc})") from exc
    if not len(items):
        raise InputError(path, "the SubRip file has no cues")
    cues: list[tuple[str | None, str]] = []
    speaker: str | None = None
    for item in items:
        body = re.sub(r"<[^>]+>", "", item.text)
        match = _SRT_LABEL.match(body)
        if match:
            speaker, body = match.group(1).strip(), match.group(2)
        cues.append((speaker, body))
    result = _cues_to_text(cues)
    result.encoding, result.notes = decoded.encoding, decoded.notes
    return result


READERS: dict[str, Callable[[Path, bytes], SourceText]] = {
    ".txt": read_plain,
    ".text": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".docx": read_docx,
    ".odt": read_odt,
    ".vtt": read_vtt,
    ".srt": read_srt,
}


def read_file(path: str | Path) -> SourceText:
    """Read any supported transcript file. Raises :class:`InputError` naming the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(path, f"unsupported file type {suffix or '(none)'!r}; use one of {known}")
    try:
        if not path.is_file():
            raise InputError(path, "no such file" if not path.exists() else "not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(path, f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return reader(path, data)

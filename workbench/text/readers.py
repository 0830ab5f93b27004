"""Reading transcript files into normalised text.

Each reader returns a :class:`SourceText`: the text with ``\\n`` line ends and no BOM (fixed
from then on), the encoding it was read in, notes for the user (a Windows-1252 fallback), and
for subtitle formats the speaker turns taken from the cues themselves.

Formats: ``.txt`` and ``.md`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, or Windows-1252 as a
reported fallback), ``.docx`` (python-docx), ``.odt`` (odfpy), ``.vtt`` (webvtt-py) and
``.srt`` (pysrt). Every failure is an :class:`~workbench.errors.InputError` naming the file,
and the line where there is one, never the text (a transcript is personal data).

Nothing is dropped silently: a VTT or SRT cue that the library cannot read refuses the file
naming its line; a Word or OpenDocument file whose words are partly in places a transcript
does not use (text boxes, frames, comments) is imported with a note that counts the words
left out. Word and OpenDocument files are zip packages read through the one safe archive
reader (:mod:`workbench.text.archive`): sizes, ratios and DOCTYPEs are checked before a
library decompresses or parses anything.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import InputError
from workbench.i18n import _, ngettext, number
from workbench.text.archive import DOCUMENT_LIMITS, DamagedArchive, SafeArchive

if TYPE_CHECKING:  # python-docx is imported when a Word file is read (start-up time)
    from docx.table import Table

#: Files above this size are refused (a transcript is rarely over a few MB).
MAX_FILE_BYTES = 64 * 1024 * 1024

#: The longest text of one document, in characters (some 5,000 pages): a document's text is
#: split into sentences, tokens and lemmas, which costs many times its size in memory.
MAX_TEXT_CHARS = 10_000_000

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


def check_length(path: Path | str, text: str, where: str = "") -> None:
    """Refuse a text longer than :data:`MAX_TEXT_CHARS` (``where``: a member, a source; it
    starts the message, before a colon)."""
    if len(text) > MAX_TEXT_CHARS:
        if where:
            message = _(
                "{where}: the text is {length} characters long, more than the limit of "
                "{limit} for one document; split it into smaller files"
            )
        else:
            message = _(
                "the text is {length} characters long, more than the limit of {limit} for "
                "one document; split it into smaller files"
            )
        raise InputError(
            path,
            message.format(where=where, length=number(len(text)), limit=number(MAX_TEXT_CHARS)),
        )


def _check_text(path: Path, text: str) -> str:
    text = normalise(text)
    if not text.strip():
        raise InputError(path, _("the file is empty (no text to import)"))
    check_length(path, text)
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(8, len(text) // 1000):
        raise InputError(path, _("looks like a binary file, not text"))
    return text


def decode_bytes(path: Path, data: bytes) -> SourceText:
    """Decode a plain-text file: BOMs first, then strict UTF-8, then Windows-1252."""
    if not data.strip():
        raise InputError(path, _("the file is empty (no text to import)"))
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if encoding == "utf-8" and b"\x00" in data:
        raise InputError(path, _("looks like a binary file, not text (it contains NUL bytes)"))
    notes: list[str] = []
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise InputError(
                path,
                _("not valid {encoding} text ({reason})").format(
                    encoding=encoding.upper(), reason=exc.reason
                ),
            ) from exc
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                path, _("not valid UTF-8 and not Windows-1252 text; save it as UTF-8 and retry")
            ) from None
        encoding = "cp1252"
        notes.append(
            _("{name}: not UTF-8; read as Windows-1252 (check accented letters and quotes)").format(
                name=path.name
            )
        )
    return SourceText(text=_check_text(path, text), encoding=encoding, notes=notes)


def read_plain(path: Path, data: bytes) -> SourceText:
    """A ``.txt`` or ``.md`` file."""
    return decode_bytes(path, data)


def _open_zip(path: Path, data: bytes, kind: str) -> SafeArchive:
    """The package checked by the safe archive reader before any library reads it: member
    paths, sizes, ratios and counts (zip bombs), every member decompressed once, streamed
    and counted, and no XML part with a DOCTYPE."""
    if not data.startswith(b"PK"):
        raise InputError(path, _("not a {kind} file (it is not a zip package)").format(kind=kind))
    try:
        archive = SafeArchive(
            path, DOCUMENT_LIMITS, data=data, kind=_("a {kind} file").format(kind=kind)
        )
    except DamagedArchive as error:
        raise InputError(
            path,
            _("damaged or truncated {kind} file ({detail})").format(kind=kind, detail=error.detail),
        ) from None
    try:
        archive.verify()
        archive.refuse_doctypes()
    except BaseException:
        archive.close()
        raise
    return archive


_WORD = re.compile(r"\w+")


def _missing_words(source: Iterable[str], text: str) -> int:
    """How many words of the source's text (its pieces in document order) are not in the
    text read from it: words the reader left out."""
    wanted = Counter(word for piece in source for word in _WORD.findall(piece))
    missing = wanted - Counter(_WORD.findall(text))
    return sum(missing.values())


def _left_out_note(path: Path, missing: int, where: str) -> list[str]:
    """The note on words the reader left out: ``where`` is ``boxes`` (a Word file's text
    boxes and fields) or ``outside`` (an OpenDocument file's text outside paragraphs)."""
    if not missing:
        return []
    if where == "boxes":
        note = ngettext(
            "{name}: {count} word in text boxes or fields was not imported (only "
            "paragraphs and tables are); copy it into the text if it belongs to the "
            "transcript",
            "{name}: {count} words in text boxes or fields were not imported (only "
            "paragraphs and tables are); copy them into the text if they belong to the "
            "transcript",
            missing,
        )
    else:
        note = ngettext(
            "{name}: {count} word outside paragraphs was not imported (only paragraphs "
            "and tables are); copy it into the text if it belongs to the transcript",
            "{name}: {count} words outside paragraphs were not imported (only paragraphs "
            "and tables are); copy them into the text if they belong to the transcript",
            missing,
        )
    return [note.format(name=path.name, count=number(missing))]


def _docx_table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            value = " ".join(_docx_text(p._p) for p in cell.paragraphs).strip()
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
    _open_zip(path, data, "Word (.docx)").close()
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in _docx_blocks(document.element.body):
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(_docx_text(block))
            elif tag == "tbl":
                lines.extend(_docx_table_lines(Table(block, document)))
        source = _docx_source_pieces(document.element.body)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            path,
            _("cannot read this Word file ({error})").format(error=f"{type(exc).__name__}: {exc}"),
        ) from exc
    text = _check_text(path, "\n".join(lines))
    notes = _left_out_note(path, _missing_words(source, text), "boxes")
    return SourceText(text=text, encoding="docx", notes=notes)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_blocks(body: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order, also inside content controls (``w:sdt``,
    which Word templates put around whole passages)."""
    stack = [iter(body.iterchildren())]
    while stack:
        block = next(stack[-1], None)
        if block is None:
            stack.pop()
        elif block.tag == f"{_W}sdt":
            content = block.find(f"{_W}sdtContent")
            if content is not None:
                stack.append(iter(content.iterchildren()))
        else:
            yield block


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DELETED = {f"{_W}del", f"{_W}moveFrom"}


def _shown_in(element: Any, paragraph: Any) -> bool:
    """Whether ``element`` (a run, a text) is text of ``paragraph`` itself as Word shows it:
    not in a paragraph nested inside it (a text box) and not deleted (a tracked change)."""
    node = element.getparent()
    while node is not None and node is not paragraph:
        if node.tag == f"{_W}p" or node.tag in _DELETED:
            return False
        node = node.getparent()
    return node is paragraph


def _docx_text(paragraph: Any) -> str:
    """A paragraph's text as Word shows it: its runs, also inside hyperlinks, tracked
    insertions, fields, smart tags and content controls (python-docx's ``Paragraph.text``
    takes only direct runs and hyperlinks, and so lost inserted words)."""
    return "".join(run.text for run in paragraph.iter(f"{_W}r") if _shown_in(run, paragraph))


def _docx_source_pieces(body: Any) -> Iterator[str]:
    """The text of the body as Word holds it, one piece per paragraph (for counting what
    was read): also the paragraphs of text boxes, which the reader leaves out."""
    for paragraph in body.iter(f"{_W}p"):
        ancestor = paragraph.getparent()
        while ancestor is not None and ancestor.tag != _MC_FALLBACK:
            ancestor = ancestor.getparent()
        if ancestor is not None:  # the fallback copy of a text box: counted once
            continue
        yield "".join(
            text.text or "" for text in paragraph.iter(f"{_W}t") if _shown_in(text, paragraph)
        )


def read_odt(path: Path, data: bytes) -> SourceText:
    """An OpenDocument text file: one line per paragraph or heading."""
    archive = _open_zip(path, data, "OpenDocument (.odt)")
    try:
        if "content.xml" not in archive.names():
            raise InputError(path, _("not an OpenDocument text file (no content.xml)"))
    finally:
        archive.close()
    try:
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        lines = _odt_lines(document.text)
        source = _odt_source_pieces(document.text)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            path,
            _("cannot read this OpenDocument file ({error})").format(
                error=f"{type(exc).__name__}: {exc}"
            ),
        ) from exc
    text = _check_text(path, "\n".join(lines))
    notes = _left_out_note(path, _missing_words(source, text), "outside")
    return SourceText(text=text, encoding="odt", notes=notes)


_ODF_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_PARAGRAPHS = {(_ODF_TEXT_NS, "p"), (_ODF_TEXT_NS, "h")}


def _odt_lines(root: object) -> list[str]:
    """Paragraphs and headings in document order, also inside lists, sections and tables
    (walked with a stack: a file nested thousands deep is read like any other)."""
    lines: list[str] = []
    stack = [iter(getattr(root, "childNodes", []))]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
        elif getattr(element, "qname", None) in _ODF_PARAGRAPHS:
            lines.append(_odt_text(element))
        else:
            stack.append(iter(getattr(element, "childNodes", [])))
    return lines


_ODF_SPACE = (_ODF_TEXT_NS, "s")
_ODF_TAB = (_ODF_TEXT_NS, "tab")
_ODF_BREAK = (_ODF_TEXT_NS, "line-break")
#: More spaces than this in one ``text:s`` are taken as this many (a crafted count would
#: otherwise make a string of any size).
_ODF_MAX_SPACES = 1_000


def _odt_text(paragraph: object) -> str:
    """The text of a paragraph as odfpy's ``teletype.extractText`` gives it (spaces, tabs
    and line breaks as characters), without its recursion."""
    parts: list[str] = []
    stack = [iter(getattr(paragraph, "childNodes", []))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        if getattr(node, "nodeType", None) == 3:  # a text node
            parts.append(str(getattr(node, "data", "")))
            continue
        qname = getattr(node, "qname", None)
        if qname == _ODF_SPACE:
            count = node.getAttribute("c") if hasattr(node, "getAttribute") else None
            parts.append(" " * min(int(count or 1), _ODF_MAX_SPACES))
        elif qname == _ODF_TAB:
            parts.append("\t")
        elif qname == _ODF_BREAK:
            parts.append("\n")
        else:
            stack.append(iter(getattr(node, "childNodes", [])))
    return "".join(parts)


def _odt_source_pieces(root: object) -> Iterator[str]:
    """Every text node of the document body (for counting what was read)."""
    stack = [iter(getattr(root, "childNodes", []))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif getattr(node, "nodeType", None) == 3:
            yield str(getattr(node, "data", ""))
        else:
            stack.append(iter(getattr(node, "childNodes", [])))


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


_VTT_TIMING = re.compile(
    r"\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}"
)
_VTT_OTHER_BLOCKS = ("NOTE", "STYLE", "REGION")


def _vtt_blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Blocks of a WebVTT file as webvtt-py splits them, with the 1-based line of each: a
    blank line ends a block, and a line with ``-->`` that cannot be the timing line of the
    current block starts a new one."""
    block: list[str] = []
    first = 0
    in_header = True
    for line_number, line in enumerate(lines, 1):
        arrow_starts = bool(
            block and "-->" in line and (in_header or len(block) > 1 or "-->" in block[0])
        )
        if not line or arrow_starts:
            if block:
                yield first, block
                block = []
                in_header = False
        if line:
            if not block:
                first = line_number
            block.append(line)
    if block:
        yield first, block


def _vtt_cue_blocks(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """The cue blocks of a WebVTT file (line number, payload lines). Any other block with
    text (but the header, NOTE, STYLE and REGION blocks) refuses the file naming its line:
    its text would otherwise be lost without a word."""
    cues: list[tuple[int, list[str]]] = []
    blocks = list(_vtt_blocks(text.split("\n")))
    for first, block in blocks[1:]:  # the first block is the header
        if _VTT_TIMING.match(block[0]):
            cues.append((first, block[1:]))
        elif len(block) > 1 and "-->" not in block[0] and _VTT_TIMING.match(block[1]):
            cues.append((first + 1, block[2:]))
        elif block[0].split(maxsplit=1)[0] in _VTT_OTHER_BLOCKS:
            continue
        else:
            at = first + 1 if len(block) > 1 and "-->" in block[1] else first
            raise InputError(
                path,
                _(
                    "line {line}: a cue without a valid timing line (such as 00:01.000 --> "
                    "00:02.500); correct it so that no text is lost"
                ).format(line=at),
            )
    return cues


def read_vtt(path: Path, data: bytes) -> SourceText:
    """A WebVTT file: cue voices (``<v Name>``) give the speakers. Every cue is accounted
    for: one the library does not read refuses the file, naming its line."""
    decoded = decode_bytes(path, data)
    if not decoded.text.startswith("WEBVTT"):
        raise InputError(path, _("not a valid WebVTT file (line 1 must start with WEBVTT)"))
    blocks = _vtt_cue_blocks(path, decoded.text)
    try:
        import webvtt

        captions = webvtt.from_buffer(io.StringIO(decoded.text))
        cues: list[tuple[str | None, str]] = []
        read: list[list[str]] = []
        for caption in captions.captions:
            voice = getattr(caption, "voice", None)
            raw = caption.raw_text if hasattr(caption, "raw_text") else caption.text
            if voice is None:
                match = re.match(r"\s*<v(?:\.[\w.]+)?\s+([^>]+)>", raw)
                voice = match.group(1).strip() if match else None
            cues.append((voice, caption.text))
            read.append(list(caption.lines))
    except Exception as exc:
        raise InputError(
            path, _("not a valid WebVTT file ({error})").format(error=type(exc).__name__)
        ) from exc
    if not cues:
        raise InputError(path, _("the WebVTT file has no cues"))
    position = 0
    for first, payload in blocks:  # the library skips a cue it cannot read: find it
        if position < len(read) and read[position] == payload:
            position += 1
        else:
            raise InputError(
                path,
                _(
                    "line {line}: a cue the WebVTT reader cannot read (check its timing line)"
                ).format(line=first),
            )
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
        # pysrt's error holds the cue's text: only its line is named (a transcript is
        # personal data, and an error line ends up in logs and bug reports).
        line = _srt_line(exc)
        if line is None:
            message = _(
                "not a valid SubRip file (a cue must be a number, a timing line such as "
                "00:00:01,000 --> 00:00:02,500, then its text)"
            )
        else:
            message = _(
                "not a valid SubRip file (line {line}: a cue must be a number, a timing line "
                "such as 00:00:01,000 --> 00:00:02,500, then its text)"
            )
        raise InputError(path, message.format(line=line)) from None
    if not len(items):
        raise InputError(path, _("the SubRip file has no cues"))
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


def _srt_line(error: Exception) -> int | None:
    """The line of a pysrt error (its arguments: the 0-based index of the blank line after
    the block, ..., the block's text), or None when they are not so."""
    args = error.args
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[-1], str):
        lines = args[-1].count("\n") or 1
        return max(1, args[0] - lines + 1)
    return None


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
        if suffix:
            message = _("unsupported file type {suffix}; use one of {known}")
        else:
            message = _("unsupported file type '(none)'; use one of {known}")
        raise InputError(path, message.format(suffix=repr(suffix), known=known))
    try:
        if not path.is_file():
            raise InputError(
                path, _("no such file") if not path.exists() else _("not a regular file")
            )
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                path,
                _("too large ({size} bytes; the limit is {limit})").format(
                    size=number(size), limit=number(MAX_FILE_BYTES)
                ),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            path, _("cannot be read ({reason})").format(reason=exc.strerror or exc)
        ) from exc
    return reader(path, data)

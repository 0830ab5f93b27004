"""Reading zip packages and XML that come from elsewhere: ``.qdpx``, ``.docx`` and ``.odt``.

Nothing in such a file is trusted. Before a byte is decompressed every member of the zip is
checked: its path (absolute, drive letters, ``..``, backslashes, NUL), its type (no
symlinks, no encrypted members, no duplicates), the number of members, each member's size,
the total size and the compression ratio (zip bombs). Members are read into memory with a
bounded, streamed and counted read, never extracted to disk; what a member holds beyond the
size it declares is never decompressed. XML is parsed by lxml with entities, DTDs and network
access turned off, and a document that has a DOCTYPE at all is refused: that rules out
external entities (XXE) and entity expansion (billion laughs) before a parser sees them. A
Word or OpenDocument file is checked the same way (:data:`DOCUMENT_LIMITS`,
:meth:`SafeArchive.refuse_doctypes`) before python-docx or odfpy read it.

Every refusal is an :class:`~workbench.errors.InputError` naming the file, and the member
when there is one: ``study.qdpx: member project.qde: XML with a DOCTYPE is refused``.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from lxml import etree

from workbench.errors import InputError
from workbench.i18n import _

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The bounds an import enforces. Tests pass small ones to keep crafted files small."""

    max_members: int = 10_000
    """Most members a ``.qdpx`` may have."""
    max_member_bytes: int = 200 * MB
    """Largest uncompressed member (and largest bare ``.qde``/``.qdc`` file)."""
    max_total_bytes: int = 2048 * MB
    """Largest sum of uncompressed member sizes."""
    max_ratio: int = 250
    """Highest compression ratio of a member larger than :attr:`ratio_floor`."""
    ratio_floor: int = 1 * MB
    """Members smaller than this are not checked for their ratio."""
    max_text_bytes: int = 40 * MB
    """Largest text of one source document (a transcript in a ``.qdpx``): its text is
    indexed and parsed, which costs many times its size in memory."""


DEFAULT_LIMITS = Limits()
"""The bounds of a REFI-QDA import."""

DOCUMENT_LIMITS = Limits(
    max_members=2_000,
    max_member_bytes=32 * MB,
    max_total_bytes=128 * MB,
    max_ratio=100,
    max_text_bytes=32 * MB,
)
"""The bounds of a Word or OpenDocument transcript: python-docx and odfpy hold every part
in memory, and parse their XML into trees several times its size."""

_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 16


def check_member_name(name: str) -> str | None:
    """Why a member path is refused, or None when it is a safe relative path."""
    if "\x00" in name:
        return _("has a NUL character in its path")
    if "\\" in name:
        return _("has a backslash in its path")
    if name.startswith("/") or _DRIVE.match(name):
        return _("has an absolute path")
    if any(part == ".." for part in name.split("/")):
        return _("has a path that escapes the archive folder (..)")
    if not name.strip("/"):
        return _("has an empty path")
    return None


def _declared_entries(handle: BinaryIO) -> int | None:
    """The member count in the zip's end record, read before zipfile parses the directory.

    A directory of millions of entries would cost memory and time to parse; the end record
    says how many there are in a few bytes. None when no end record is found (zipfile will
    then report the damage itself).
    """
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, 22 + 65_535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    index = tail.rfind(b"PK\x05\x06")
    if index < 0 or len(tail) - index < 22:
        return None
    entries: int = struct.unpack("<H", tail[index + 10 : index + 12])[0]
    if entries != 0xFFFF:
        return entries
    # ZIP64: a locator 20 bytes before the end record points at the zip64 end record.
    locator = tail[index - 20 : index] if index >= 20 else b""
    if not locator.startswith(b"PK\x06\x07"):
        return None
    offset = struct.unpack("<Q", locator[8:16])[0]
    if offset >= size:
        return None
    handle.seek(offset)
    record = handle.read(56)
    if not record.startswith(b"PK\x06\x06") or len(record) < 40:
        return None
    return int(struct.unpack("<Q", record[32:40])[0])


class DamagedArchive(InputError):
    """A zip archive that :mod:`zipfile` cannot open (truncated, damaged); ``detail`` is
    zipfile's own reason, for a reader that names the file's kind in its own error."""

    def __init__(self, path: object, detail: str) -> None:
        self.detail = detail
        super().__init__(path, _("damaged zip archive ({detail})").format(detail=detail))


class SafeArchive:
    """A zip package whose members have all been checked; read members with :meth:`read`.

    The zip is the file at ``path``, or ``data`` when given (a file already read, bounded);
    ``path`` then only names it in errors. ``kind`` says what the file should be (``a .qdpx
    file``, ``a Word (.docx) file``, in the interface's language) in the error for a file
    that is not a zip."""

    def __init__(
        self,
        path: str | Path,
        limits: Limits = DEFAULT_LIMITS,
        *,
        data: bytes | None = None,
        kind: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.limits = limits
        self._data = data
        self._kind = kind or _("a .qdpx file")
        self._handle: BinaryIO | None = None
        self._zip = self._open()
        try:
            self.members: dict[str, zipfile.ZipInfo] = self._check_members()
        except BaseException:
            self.close()
            raise

    def _fail(self, reason: str) -> InputError:
        return InputError(self.path, reason)

    def _open(self) -> zipfile.ZipFile:
        path = self.path
        handle: BinaryIO
        if self._data is not None:
            handle = io.BytesIO(self._data)
        else:
            if not path.is_file():
                raise self._fail(_("no such file") if not path.exists() else _("is not a file"))
            handle = path.open("rb")
        try:
            magic = handle.read(4)
            if not magic.startswith(b"PK"):
                raise self._fail(_("not a zip archive ({kind} is a zip)").format(kind=self._kind))
            declared = _declared_entries(handle)
            if declared is not None and declared > self.limits.max_members:
                raise self._fail(
                    _("the archive has {count} members, more than the limit of {limit}").format(
                        count=declared, limit=self.limits.max_members
                    )
                )
            handle.seek(0)
            archive = zipfile.ZipFile(handle)
            self._handle = handle
            return archive
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            handle.close()
            raise DamagedArchive(self.path, str(exc)) from None
        except BaseException:
            handle.close()
            raise

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_members:
            raise self._fail(
                _("the archive has {count} members, more than the limit of {limit}").format(
                    count=len(infos), limit=limits.max_members
                )
            )
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            shown = name.replace("\x00", "?")
            problem = check_member_name(name)
            if problem:
                raise self._fail(
                    _("member {name} {problem}").format(name=repr(shown), problem=problem)
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise self._fail(_("member {name} is a symbolic link").format(name=repr(shown)))
            if info.flag_bits & 0x1:
                raise self._fail(_("member {name} is encrypted").format(name=repr(shown)))
            if name in members:
                raise self._fail(
                    _("member {name} appears twice in the archive").format(name=repr(shown))
                )
            if info.file_size > limits.max_member_bytes:
                raise self._fail(
                    _(
                        "member {name} is {size} bytes uncompressed, more than the limit of {limit}"
                    ).format(name=repr(shown), size=info.file_size, limit=limits.max_member_bytes)
                )
            total += info.file_size
            if total > limits.max_total_bytes:
                raise self._fail(
                    _("the members add up to more than {limit} bytes uncompressed").format(
                        limit=limits.max_total_bytes
                    )
                )
            if info.file_size > limits.ratio_floor:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise self._fail(
                        _(
                            "member {name} is compressed {ratio} to 1, more than the limit "
                            "of {limit} to 1 (a zip bomb?)"
                        ).format(name=repr(shown), ratio=f"{ratio:.0f}", limit=limits.max_ratio)
                    )
            members[name] = info
        return members

    def names(self) -> list[str]:
        """The member paths (folders included), in archive order."""
        return list(self.members)

    def read(self, name: str, limit: int | None = None) -> bytes:
        """A member's bytes, reading no more than its declared size and the member limit
        (or ``limit``, when smaller: what is read beyond it is refused, not decompressed)."""
        info = self.members[name]
        bound = min(info.file_size, self.limits.max_member_bytes)
        if limit is not None and info.file_size > limit:
            raise self._fail(
                _(
                    "member {name} is {size} bytes uncompressed, more than the limit of {limit}"
                ).format(name=repr(name), size=info.file_size, limit=limit)
            )
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(min(_CHUNK, bound + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > bound:
                        raise self._fail(
                            _("member {name} is larger than it declares").format(name=repr(name))
                        )
                    chunks.append(chunk)
        except InputError:
            raise
        except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError, NotImplementedError
            raise self._fail(
                _("member {name} is damaged ({reason})").format(name=repr(name), reason=exc)
            ) from None
        return b"".join(chunks)

    def head(self, name: str, size: int) -> bytes:
        """The first ``size`` bytes of a member (no more is decompressed)."""
        info = self.members[name]
        try:
            with self._zip.open(info) as handle:
                return handle.read(min(size, info.file_size))
        except Exception as exc:  # BadZipFile, zlib.error, EOFError, NotImplementedError
            raise self._fail(
                _("member {name} is damaged ({reason})").format(name=repr(name), reason=exc)
            ) from None

    def verify(self) -> None:
        """Decompress every member once, streamed and counted (nothing kept): a damaged
        member, a wrong checksum or a member larger than it declares is refused."""
        for name, info in self.members.items():
            if info.is_dir():
                continue
            size = 0
            try:
                with self._zip.open(info) as handle:
                    while chunk := handle.read(_CHUNK):
                        size += len(chunk)
            except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError...
                raise self._fail(
                    _("member {name} is damaged ({reason})").format(name=repr(name), reason=exc)
                ) from None
            if size != info.file_size:
                raise self._fail(
                    _("member {name} is not the size it declares").format(name=repr(name))
                )

    def refuse_doctypes(self) -> None:
        """Refuse the package when any of its XML members (``.xml``, ``.rels``) has a
        DOCTYPE, as :func:`parse_xml` refuses one: the file is not read any further."""
        for name, info in self.members.items():
            if info.is_dir() or not name.lower().endswith((".xml", ".rels")):
                continue
            if has_doctype(self.head(name, _PROLOG_BYTES + 1)):
                raise self._fail(
                    _("member {name}: XML with a DOCTYPE is refused").format(name=name)
                )

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_file_bounded(
    path: str | Path, limits: Limits = DEFAULT_LIMITS, *, follow_symlink: bool = False
) -> bytes:
    """A bare file's bytes (a ``.qde`` or ``.qdc``, a source beside it), refusing large ones
    and, unless ``follow_symlink`` (the file the user named), symbolic links."""
    path = Path(path)
    if path.is_symlink() and not follow_symlink:
        raise InputError(path, _("is a symbolic link; give the file itself"))
    if not path.is_file():
        raise InputError(path, _("no such file") if not path.exists() else _("is not a file"))
    size = path.stat().st_size
    if size > limits.max_member_bytes:
        raise InputError(
            path,
            _("is {size} bytes, more than the limit of {limit}").format(
                size=size, limit=limits.max_member_bytes
            ),
        )
    with path.open("rb") as handle:
        data = handle.read(limits.max_member_bytes + 1)
    if len(data) > limits.max_member_bytes:
        raise InputError(
            path,
            _("is more than the limit of {limit} bytes").format(limit=limits.max_member_bytes),
        )
    return data


_PROLOG_BYTES = 1 << 20


def _prolog_text(data: bytes) -> str:
    """The start of an XML document as text, enough to find a DOCTYPE in its prolog."""
    head = data[:_PROLOG_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    # Every ASCII-compatible encoding spells markup in ASCII: Latin-1 keeps it byte for byte.
    return head.decode("latin-1")


def has_doctype(data: bytes) -> bool:
    """Whether the XML's prolog (before the root element) holds a ``<!DOCTYPE``.

    Skips white space, the XML declaration, processing instructions and comments the way
    the XML grammar allows them; anything else (the root element, a DOCTYPE, garbage) ends
    the prolog. A prolog that does not end within the first megabyte counts as a DOCTYPE.
    """
    text = _prolog_text(data)
    truncated = len(data) > _PROLOG_BYTES
    position = 0
    length = len(text)
    while position < length:
        if text[position] in " \t\r\n":
            position += 1
            continue
        for opening, closing in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opening, position):
                end = text.find(closing, position + len(opening))
                if end < 0:
                    return truncated
                position = end + len(closing)
                break
        else:
            return text[position : position + 9].upper() == "<!DOCTYPE"
    return truncated


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities, loads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, path: str | Path, member: str | None = None) -> etree._ElementTree:
    """Parse untrusted XML; refuse a DOCTYPE (XXE, entity bombs) and malformed XML."""

    def refused(reason: str) -> InputError:
        if member:
            reason = _("member {name}: {reason}").format(name=member, reason=reason)
        return InputError(path, reason)

    if has_doctype(data):
        raise refused(_("XML with a DOCTYPE is refused"))
    try:
        tree = etree.parse(io.BytesIO(data), safe_parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc).splitlines()[0] if str(exc) else _("syntax error")
        raise refused(_("not well-formed XML ({reason})").format(reason=message)) from None
    except ValueError as exc:  # e.g. a str with an encoding declaration
        raise refused(_("cannot be parsed as XML ({reason})").format(reason=exc)) from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise refused(_("XML with a DOCTYPE is refused"))
    for _entity in tree.getroot().iter(etree.Entity):
        raise refused(_("XML with entity references is refused"))
    return tree

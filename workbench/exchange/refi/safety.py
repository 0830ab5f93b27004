"""Guards for reading REFI-QDA files that come from elsewhere: the archive and its XML.

Nothing in a ``.qdpx`` is trusted: every member of the zip is checked before a byte is
decompressed (paths, symbolic links, encryption, duplicates, the number of members, sizes,
compression ratios), members are read with a bounded, streamed read, and XML with a DOCTYPE
is refused. The guards are those of :mod:`workbench.text.archive`, the one safe reader of zip
packages and XML that Word and OpenDocument transcripts go through too; this module names
them for the REFI-QDA reader, with the limits of a REFI-QDA import (:data:`DEFAULT_LIMITS`).

Every refusal is an :class:`~workbench.errors.InputError` naming the file, and the member
when there is one: ``study.qdpx: member project.qde: XML with a DOCTYPE is refused``.
"""

from __future__ import annotations

from workbench.text.archive import (
    DEFAULT_LIMITS,
    MB,
    Limits,
    SafeArchive,
    check_member_name,
    has_doctype,
    parse_xml,
    read_file_bounded,
    safe_parser,
)

__all__ = [
    "DEFAULT_LIMITS",
    "MB",
    "Limits",
    "SafeArchive",
    "check_member_name",
    "has_doctype",
    "parse_xml",
    "read_file_bounded",
    "safe_parser",
]

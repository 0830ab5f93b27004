"""The archive export: pseudonymised transcripts and their coding for a data archive.

Data archives (DANS in the Netherlands, the UK Data Service) take pseudonymised transcripts.
``workbench export study.db -o archive/ --format archive`` writes one folder::

    README.txt              what every file holds, and how it was made
    transcripts/Doc_3.txt   every transcript, pseudonymised (UTF-8, ``\\n`` line ends)
    transcripts/Doc_3.docx  the same text in Word, one paragraph per line, speaker labels bold
    codebook.csv            the codes with their definitions
    segments.csv            the coded passages: offsets into the .txt files, codes, places
    cases.csv               the cases with their documents and attributes

Every string is pseudonymised with the pseudonym table: texts, speaker labels, memos, code,
place and case names, attribute values, and the names of the files. A transcript is named
by its document label (:mod:`workbench.coding.labels`), never by its file name, which often
carries the participant's name. The table itself (the key) is never part of the archive.

:func:`build_archive` makes the files in memory; the service scans every byte of them for
listed names (:class:`workbench.exchange.pseudonyms.NameScanner`) before
:func:`write_archive` writes the folder, whole or not at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench import __version__
from workbench.analysis.fragments import find_fragments
from workbench.coding import cases as case_rows
from workbench.coding.labels import document_labels
from workbench.exchange import csvsafe
from workbench.exchange.files import folder_beside, write_new
from workbench.exchange.pseudonyms import Entry, OffsetMap, PseudonymTable
from workbench.exchange.publish import W_NS, xml_safe
from workbench.i18n import tally
from workbench.project.models import Code, Coding, Document, Turn

#: The files of an archive besides the transcripts.
README = "README.txt"
CODEBOOK = "codebook.csv"
SEGMENTS = "segments.csv"
CASES = "cases.csv"
TRANSCRIPTS = "transcripts"
#: The columns of ``segments.csv``.
SEGMENT_COLUMNS = (
    "segment",
    "document",
    "case",
    "start",
    "end",
    "line_start",
    "line_end",
    "speaker",
    "codes",
    "places",
    "memo",
    "text",
)
#: The columns of ``codebook.csv``.
CODEBOOK_COLUMNS = (
    "code",
    "parent",
    "description",
    "inclusion",
    "exclusion",
    "example",
    "segments",
)
#: The columns of a pseudonym key written on request: what ``workbench pseudonym load`` reads.
KEY_COLUMNS = ("real", "pseudonym", "kind", "variants")

_FILE_STEM = re.compile(r"[^\w-]+")


@dataclass(frozen=True)
class Archive:
    """The files of an archive, made in memory and not yet written."""

    files: tuple[tuple[str, bytes], ...]
    """(path inside the folder with ``/``, content), README first."""
    documents: int
    segments: int
    codes: int
    cases: int


@dataclass(frozen=True)
class _Transcript:
    stem: str
    text: str
    map: OffsetMap
    label: str


def file_stem(label: str, taken: set[str]) -> str:
    """A file name for a document label: ``Doc 3`` gives ``Doc_3``; a second ``Doc_3``
    (two labels that differ only in punctuation) gets ``Doc_3-2``."""
    stem = _FILE_STEM.sub("_", label).strip("_") or "Doc"
    candidate, number = stem, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate.casefold())
    return candidate


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def transcript_docx(text: str, labels: Sequence[tuple[int, int]], title: str) -> bytes:
    """A transcript as a Word document: one paragraph per line, the speaker label of each
    turn (``labels``: (start, end) in ``text``) in bold; no author, the title ``title``."""
    import docx
    from docx.oxml import parse_xml

    starts = dict(labels)
    paragraphs: list[str] = []
    offset = 0
    for line in text.split("\n"):
        runs: list[tuple[str, bool]] = []
        end = starts.get(offset)
        if end is not None and offset < end <= offset + len(line):
            runs.append((line[: end - offset], True))
            runs.append((line[end - offset :], False))
        else:
            runs.append((line, False))
        xml = "".join(
            f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}"
            f'<w:t xml:space="preserve">{xml_escape(xml_safe(part))}</w:t></w:r>'
            for part, bold in runs
            if part
        )
        paragraphs.append(f"<w:p>{xml}</w:p>")
        offset += len(line) + 1
    document = docx.Document()
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = xml_safe(title)
    body = document.element.body
    section = body.find(f"{{{W_NS}}}sectPr")
    for child in list(body):
        body.remove(child)
    body.extend(list(parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(paragraphs)}</w:body>')))
    if section is not None:
        body.append(section)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_archive(
    session: Session, names: PseudonymTable, *, made: datetime | None = None
) -> Archive:
    """Every file of the archive of the project in ``session``, pseudonymised with ``names``."""
    made = made or datetime.now(UTC)
    labels = document_labels(session)
    taken: set[str] = set()
    transcripts: dict[str, _Transcript] = {}
    files: list[tuple[str, bytes]] = []
    documents = session.exec(select(Document).order_by(col(Document.id))).all()
    for document in documents:
        assert document.id is not None
        label = names.apply(labels[document.name])
        text, offsets = names.apply_mapped(document.text)
        stem = file_stem(label, taken)
        transcripts[document.name] = _Transcript(stem, text, offsets, label)
        turns = session.exec(
            select(Turn.start, Turn.text_start)
            .where(Turn.document_id == document.id)
            .order_by(col(Turn.position))
        ).all()
        spoken = [
            (offsets(start), offsets(text_start, end=True))
            for start, text_start in turns
            if text_start > start
        ]
        files.append((f"{TRANSCRIPTS}/{stem}.txt", text.encode("utf-8")))
        files.append((f"{TRANSCRIPTS}/{stem}.docx", transcript_docx(text, spoken, label)))

    sorted_rows: list[tuple[str, int, int, list[object]]] = []
    for fragment in find_fragments(session):
        done = transcripts[fragment.document]
        start = done.map(fragment.start)
        end = max(start, done.map(fragment.end, end=True))
        sorted_rows.append(
            (
                done.label,
                start,
                fragment.segment,
                [
                    fragment.segment,
                    done.label,
                    names.apply(fragment.case) if fragment.case else "",
                    start,
                    end,
                    _line(done.text, start),
                    _line(done.text, max(start, end - 1)),
                    names.apply(fragment.speaker) if fragment.speaker else "",
                    "; ".join(names.apply(c) for c in fragment.codes),
                    "; ".join(sorted(names.apply(p) for p in fragment.places)),
                    names.apply(fragment.memo) if fragment.memo else "",
                    done.text[start:end],
                ],
            )
        )
    sorted_rows.sort(key=lambda row: row[:3])
    segment_rows = [row[3] for row in sorted_rows]

    codes = session.exec(select(Code).order_by(col(Code.name))).all()
    code_names = {code.id: code.name for code in codes}
    counts = dict(
        session.exec(
            select(Coding.code_id, func.count(func.distinct(Coding.segment_id))).group_by(
                col(Coding.code_id)
            )
        ).all()
    )
    codebook_rows = [
        [
            names.apply(code.name),
            names.apply(code_names.get(code.parent_id, "")) if code.parent_id else "",
            names.apply(code.description),
            names.apply(code.inclusion),
            names.apply(code.exclusion),
            names.apply(code.example),
            counts.get(code.id or 0, 0),
        ]
        for code in codes
    ]

    views = case_rows.list_cases(session)
    keys = sorted({key for view in views for key in view.attributes})
    case_table = [
        [
            names.apply(view.name),
            "; ".join(sorted(transcripts[d].label for d in view.documents if d in transcripts)),
            *(names.apply(view.attributes.get(key, "")) for key in keys),
        ]
        for view in views
    ]
    case_table.sort(key=lambda row: str(row[0]).casefold())

    readme = _readme(
        made,
        documents=len(documents),
        segments=len(segment_rows),
        codes=len(codebook_rows),
        cases=len(case_table),
        names=len(names.entries),
        attributes=[names.apply(k) for k in keys],
    )
    return Archive(
        (
            (README, readme.encode("utf-8")),
            *files,
            (CODEBOOK, _csv(CODEBOOK_COLUMNS, codebook_rows)),
            (SEGMENTS, _csv(SEGMENT_COLUMNS, segment_rows)),
            (CASES, _csv(["case", "documents", *(names.apply(k) for k in keys)], case_table)),
        ),
        documents=len(documents),
        segments=len(segment_rows),
        codes=len(codebook_rows),
        cases=len(case_table),
    )


def _readme(
    made: datetime,
    *,
    documents: int,
    segments: int,
    codes: int,
    cases: int,
    names: int,
    attributes: Sequence[str],
) -> str:
    attribute_list = ", ".join(attributes) if attributes else "(none)"
    counts = ", ".join(
        (
            tally(documents, "transcript"),
            tally(segments, "coded segment"),
            tally(codes, "code"),
            tally(cases, "case"),
        )
    )
    return f"""Pseudonymised interview transcripts and their qualitative coding
=================================================================

Made by the workbench {__version__} on {made.strftime("%Y-%m-%d")} (UTC) from one project:
{counts}.

Pseudonymisation
----------------
Real names of people and places were replaced by pseudonyms ({tally(names, "name")} in the
pseudonym table, with their spelling variants) in every file: the transcripts, speaker
labels, memos, and code, place, case and attribute names and values. Every file was checked
for the listed names (in any letter case, with or without accents, inside file names and
words joined by underscores or capitals) before it was written. The pseudonym table (the
key linking pseudonyms to real names) is NOT part of this archive. Transcripts are named by
a neutral label ("Doc 3", or a label the researchers set), not by their original file names.
Names that were not in the pseudonym table cannot have been replaced: other identifying
details (ages, streets, employers) were not changed by this export.

Files
-----
{README}
    This file.

{TRANSCRIPTS}/LABEL.txt
    One transcript, UTF-8 plain text with \\n line ends. Speaker turns start with their
    speaker label ("I:", "R1:"). The offsets in segments.csv count characters (Unicode code
    points) of this file from 0.

{TRANSCRIPTS}/LABEL.docx
    The same transcript as a Word document: one paragraph per line, speaker labels in bold.

{CODEBOOK}
    The codes. Columns: code; parent (the code above it in the code tree, empty at the
    top); description; inclusion and exclusion (criteria for applying the code); example;
    segments (the number of coded segments with this code).

{SEGMENTS}
    The coded passages, one row per segment, by document and start. Columns: segment (an
    id); document (the transcript's label, its file name in {TRANSCRIPTS}/); case; start
    and end (character offsets into the .txt file, end exclusive); line_start and line_end
    (1-based lines of the .txt file); speaker (of the turn the passage starts in); codes
    and places (separated by "; "); memo (the coders' note, if any); text (the passage,
    exactly the characters start..end of the .txt file).

{CASES}
    The cases (participants or other units of analysis), one row each. Columns: case;
    documents (transcript labels, separated by "; "); then one column per attribute:
    {attribute_list}.

CSV files are UTF-8 with a header row. A cell that a spreadsheet would read as a formula
(starting with =, +, - or @) starts with an apostrophe.
"""


def write_archive(folder: Path, archive: Archive) -> None:
    """Write the archive's files into ``folder`` (new, or an empty folder), whole or not at
    all (:func:`workbench.project.files.folder_beside`)."""
    with folder_beside(folder) as temporary:
        (temporary / TRANSCRIPTS).mkdir(mode=0o700)
        for name, data in archive.files:
            write_new(temporary.joinpath(*name.split("/")), data)
        (temporary / TRANSCRIPTS).chmod(temporary.stat().st_mode & 0o777)


def key_csv(entries: Sequence[Entry]) -> bytes:
    """The pseudonym table as CSV, the columns ``workbench pseudonym load`` reads (variants
    separated by ``;``); written only to a file of its own, never into an archive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(KEY_COLUMNS)
    for entry in entries:
        writer.writerow([entry.real, entry.pseudonym, entry.kind, ";".join(entry.variants)])
    return buffer.getvalue().encode("utf-8")

"""Importing transcripts: read, normalise, find turns, paragraphs and sentences, store.

All files of one import are stored in one transaction: if one file is bad, none is
imported and the error names the file. The text stored is the normalised text; it never
changes afterwards (its sha256 is kept so ``check`` can prove it).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from workbench.coding import cases
from workbench.errors import Conflict, InvalidValue
from workbench.i18n import _, ngettext, number
from workbench.project.models import Document, Paragraph, Sentence, Turn, utcnow
from workbench.text import lemmas, nlp
from workbench.text.readers import SourceText, read_file
from workbench.text.turns import FoundTurns, ParsedTurn, find_turns
from workbench.text.units import paragraph_spans, sentence_pieces

#: ``progress(done, total, what)``: steps done of all steps, and what is being done now.
ProgressCallback = Callable[[int, int, str], None]


@dataclass
class ImportedDocument:
    """What an import stored for one file (no transcript text: safe to print or log)."""

    id: int
    name: str
    source: str
    encoding: str
    characters: int
    words: int
    turns: int
    speakers: dict[str, int]
    sentences: int
    paragraphs: int
    notes: list[str] = field(default_factory=list)
    turns_found: str = "labels"
    """How the turns were found: ``labels`` (the transcript's speaker labels), ``cues``
    (the speakers of subtitle cues), ``guessed`` (no labels: from questions and answers) or
    ``none``."""
    turns_sure: int | None = None
    """For guessed turns: how sure the guess is, in percent (the expected share of
    paragraphs given the right speaker)."""
    turns_unsure: int = 0
    """For guessed turns: paragraphs whose speaker is less than 80 % likely."""

    def how_turns_were_found(self) -> str:
        """The way the turns were found, for the import's report."""
        if self.turns_found == "guessed":
            if self.turns_unsure:
                return ngettext(
                    "no speaker labels: turns guessed from questions and answers, "
                    "{sure} % sure, {count} paragraph unsure (Speaker 1 asks)",
                    "no speaker labels: turns guessed from questions and answers, "
                    "{sure} % sure, {count} paragraphs unsure (Speaker 1 asks)",
                    self.turns_unsure,
                ).format(sure=self.turns_sure, count=number(self.turns_unsure))
            return _(
                "no speaker labels: turns guessed from questions and answers, "
                "{sure} % sure (Speaker 1 asks)"
            ).format(sure=self.turns_sure)
        if self.turns_found == "labels":
            return _("turns from the speaker labels")
        if self.turns_found == "cues":
            return _("turns from the subtitle cues")
        return _("no turns found")


@dataclass
class PreparedDocument:
    """A file read and analysed, ready to store."""

    name: str
    source: str
    source_text: SourceText
    turns: list[ParsedTurn]
    paragraphs: list[tuple[int, int]]
    sentences: list[tuple[int, int]]
    sha256: str
    tokens: lemmas.DocumentTokens | None = None
    """Words for the lemma index (None: the document is indexed later, on first search)."""
    found: FoundTurns | None = None
    """How the turns were found (None: from the subtitle cues)."""


def prepare(
    path: Path, *, name: str | None, language: str, paragraph_mode: str
) -> PreparedDocument:
    """Read and analyse one file (no database access)."""
    source = read_file(path)
    text = source.text
    found = None if source.turns is not None else find_turns(text, paragraph_mode)
    turns = (
        found.turns
        if found is not None
        else [ParsedTurn(t.start, t.end, t.text_start, t.speaker) for t in source.turns or []]
    )
    paragraphs = paragraph_spans(text, paragraph_mode)
    collector = lemmas.TokenCollector()  # the lemma index reuses the spaCy docs
    pieces = sentence_pieces(paragraphs, turns, text)
    sentences = list(nlp.sentence_spans(language, pieces, on_doc=collector.add))
    return PreparedDocument(
        name=name or path.stem,
        source=path.name,
        source_text=source,
        turns=turns,
        paragraphs=paragraphs,
        sentences=sentences,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        tokens=collector.finish(),
        found=found,
    )


def store(
    session: Session,
    prepared: PreparedDocument,
    *,
    language: str,
    paragraph_mode: str,
    coder_id: int | None,
) -> ImportedDocument:
    """Insert one prepared document with its turns, paragraphs and sentences."""
    text = prepared.source_text.text
    document = Document(
        name=prepared.name,
        text=text,
        source_name=prepared.source,
        sha256=prepared.sha256,
        language=language,
        encoding=prepared.source_text.encoding,
        paragraph_mode=paragraph_mode,
        char_count=len(text),
        word_count=len(text.split()),
        imported_at=utcnow(),
        coder_id=coder_id,
    )
    session.add(document)
    session.flush()
    doc_id = document.id
    assert doc_id is not None
    connection = session.connection()
    if prepared.turns:
        connection.execute(
            sa.insert(Turn),
            [
                {
                    "document_id": doc_id,
                    "position": i,
                    "start": t.start,
                    "end": t.end,
                    "text_start": t.text_start,
                    "speaker": t.speaker,
                }
                for i, t in enumerate(prepared.turns)
            ],
        )
    if prepared.paragraphs:
        connection.execute(
            sa.insert(Paragraph),
            [{"document_id": doc_id, "start": s, "end": e} for s, e in prepared.paragraphs],
        )
    if prepared.sentences:
        connection.execute(
            sa.insert(Sentence),
            [{"document_id": doc_id, "start": s, "end": e} for s, e in prepared.sentences],
        )
    if prepared.tokens is not None:
        lemmas.store_tokens(session, doc_id, language, prepared.tokens)
    speakers: dict[str, int] = {}
    for turn in prepared.turns:
        label = turn.speaker or "?"
        speakers[label] = speakers.get(label, 0) + 1
    found = prepared.found
    sure = found.sure if found is not None else None
    return ImportedDocument(
        id=doc_id,
        name=prepared.name,
        source=prepared.source,
        encoding=prepared.source_text.encoding,
        characters=len(text),
        words=document.word_count,
        turns=len(prepared.turns),
        speakers=speakers,
        sentences=len(prepared.sentences),
        paragraphs=len(prepared.paragraphs),
        notes=list(prepared.source_text.notes),
        turns_found="cues" if found is None else found.method,
        turns_sure=None if sure is None else math.floor(100 * sure),
        turns_unsure=found.uncertain if found is not None else 0,
    )


def check_request(
    paths: Sequence[str | Path], *, name: str | None, attributes: Sequence[str]
) -> list[tuple[str, str | None, str]]:
    """Refuse an import request that cannot work; the attributes parsed (``KEY=VALUE`` or
    ``KEY:TYPE=VALUE``)."""
    if not paths:
        raise InvalidValue(_("no files to import"))
    if name is not None and len(paths) != 1:
        raise InvalidValue(_("--name renames one file; give a single file with it"))
    return [cases.parse_assignment(item) for item in attributes]


def check_language(language: str) -> None:
    """Refuse a language the workbench has no pipeline for."""
    if language not in nlp.SUPPORTED_LANGUAGES and not nlp.configured_model(language):
        raise InvalidValue(
            _("unsupported language {language}; use nl or en").format(language=repr(language))
        )


def prepare_files(
    paths: Sequence[str | Path],
    *,
    name: str | None = None,
    language: str,
    paragraph_mode: str = "lines",
    progress: ProgressCallback | None = None,
) -> list[tuple[Path, PreparedDocument]]:
    """Read and analyse every file, before any transaction: a bad file is refused (naming
    it) before the project is touched, and the project is locked only while storing."""
    prepared_all: list[tuple[Path, PreparedDocument]] = []
    total = len(paths)
    for index, raw_path in enumerate(paths):
        path = Path(raw_path)
        if progress:
            progress(index, 2 * total, _("reading {file}").format(file=path.name))
        prepared_all.append(
            (path, prepare(path, name=name, language=language, paragraph_mode=paragraph_mode))
        )
    return prepared_all


def store_files(
    session: Session,
    prepared_all: Sequence[tuple[Path, PreparedDocument]],
    *,
    case: str | None,
    attributes: Sequence[tuple[str, str | None, str]],
    language: str,
    paragraph_mode: str,
    renamed: bool,
    coder_id: int,
    progress: ProgressCallback | None = None,
) -> list[ImportedDocument]:
    """Store prepared files in the caller's write transaction; with ``attributes`` and no
    ``case`` each document goes to a case named after it."""
    names_seen: dict[str, Path] = {}
    results: list[ImportedDocument] = []
    total = len(prepared_all)
    for index, (path, prepared) in enumerate(prepared_all):
        if progress:
            progress(total + index, 2 * total, _("storing {file}").format(file=path.name))
        _check_unique(session, prepared, path, names_seen, renamed=renamed)
        names_seen[prepared.name] = path
        imported = store(
            session,
            prepared,
            language=language,
            paragraph_mode=paragraph_mode,
            coder_id=coder_id,
        )
        case_name = case or (prepared.name if attributes else None)
        if case_name:
            case_row = cases.ensure_case(session, case_name, coder_id=coder_id)
            assert case_row.id is not None
            cases.link_document(session, case_row.id, imported.id)
            for key, type_name, value in attributes:
                cases.set_value(session, case_row, key, value, type_name=type_name)
        results.append(imported)
    return results


class NameTaken(Conflict):
    """A file cannot be imported under the name it would get (the name, or the text, is in
    the project already); importing it under another name is the way out. ``str()`` is the
    command line's text (with ``--name``); ``path`` and ``problem`` let another shell say
    how to give the name there."""

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        self.path = str(path)
        """The file refused."""
        self.problem = problem
        """What is wrong, without the remedy."""
        super().__init__(
            _("{path}: {problem}; {remedy}").format(path=path, problem=problem, remedy=remedy)
        )


def _check_unique(
    session: Session,
    prepared: PreparedDocument,
    path: Path,
    names_seen: dict[str, Path],
    *,
    renamed: bool,
) -> None:
    if prepared.name in names_seen:
        raise NameTaken(
            path,
            _("two files would be called {name} (also {other})").format(
                name=repr(prepared.name), other=names_seen[prepared.name]
            ),
            _("import one with --name"),
        )
    existing = session.exec(select(Document.id).where(Document.name == prepared.name)).first()
    if existing is not None:
        raise NameTaken(
            path,
            _("a document called {name} is already in the project").format(
                name=repr(prepared.name)
            ),
            _("import it under another name with --name"),
        )
    if not renamed:
        same = session.exec(select(Document.name).where(Document.sha256 == prepared.sha256)).first()
        if same is not None:
            raise NameTaken(
                path,
                _("the same text is already in the project as {name}").format(name=repr(same)),
                _("import it again only under another name with --name"),
            )

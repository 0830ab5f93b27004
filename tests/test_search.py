"""Keyword in context: exact and lemma search, the lemma index, lazy indexing, migration 0003.

Expected hits are computed here independently of the index: regular expressions over the
document text (word-bounded, case ignored) for the forms of a lemma, and the speaker, line
and context straight from the text and the turn table.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from tests.conftest import Targets, as_json, corpus_file, needs_corpus, sql_rows
from workbench.analysis.search import one_line, search
from workbench.coding import segments
from workbench.errors import InvalidValue, NotFound, WorkbenchError
from workbench.project import coders, db
from workbench.project.models import Document, IndexedDocument, IndexForm, IndexPosting, Turn
from workbench.services.importing import import_files
from workbench.text import lemmas, nlp


def _coder(session) -> int:  # type: ignore[no-untyped-def]
    return coders.ensure(session, "tester").id  # type: ignore[return-value]


DUTCH = (
    "Interviewer: Waar voel je je thuis?\n"
    "Respondent: In de bibliotheken van Nijmegen. De Bibliotheek in Hatert is mijn\n"
    "tweede huis. De bieb is dicht op zondag.\n"
    "Interviewer: En De Klup?\n"
    "Respondent: De Klup is gesloten. Eenzame mensen voelen zich daar eenzaam.\n"
)

ENGLISH = (
    "Interviewer: Where do you go after school?\n"
    "Interviewee: I went to the libraries in Newham, and the Library in Stratford. The\n"
    "youth\nclub closed, so I felt lonelier. Youth clubs were my second home.\n"
    "Interviewer: And now?\n"
    "Interviewee: Now I feel- I feel lonely. I go nowhere.\n"
)

# Corpus transcripts with both speakers and enough talk about feelings and places.
STEMS = ("P01_male_24_Newham", "P16_male_24_Hackney", "P24_female_18_Hackney")


def _imported(project: db.Project, paths: list[Path], *, language: str) -> None:
    """Import, then bring the lemma index up to date (lemmas are filled on first use)."""
    import_files(project, paths, language=language)
    lemmas.index_project(project)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _texts(project: db.Project) -> dict[str, str]:
    with project.session() as session:
        return {d.name: d.text for d in session.exec(select(Document))}


def _expected(texts: dict[str, str], forms: str) -> set[tuple[str, int, int]]:
    """Word-bounded, case-insensitive occurrences of the alternatives in ``forms``."""
    pattern = re.compile(rf"\b(?:{forms})\b", re.IGNORECASE)
    return {
        (name, m.start(), m.end()) for name, text in texts.items() for m in pattern.finditer(text)
    }


def _spans(hits) -> set[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return {(h.document, h.start, h.end) for h in hits}


# --- the lemmatiser -------------------------------------------------------------------------


def test_lookup_lemmas_map_inflected_forms_to_their_lemma() -> None:
    assert lemmas.lemma_of("nl", "bibliotheken") == "bibliotheek"
    assert lemmas.lemma_of("nl", "eenzame") == "eenzaam"
    assert lemmas.lemma_of("en", "libraries") == "library"
    assert lemmas.lemma_of("en", "went") == "go"
    # The English table keys some forms capitalised only; the index still finds them.
    assert lemmas.lemma_of("en", "tuesdays") == "tuesday"
    # Curly apostrophes read as straight ones.
    assert lemmas.lemma_of("en", "n\u2019t") == lemmas.lemma_of("en", "n't") == "not"
    # spaCy's own lookup lemmatizer agrees where it finds a lemma.
    [doc] = list(nlp.lemmatise("nl", ["De bibliotheken en eenzame mensen."]))
    for token in doc:
        if token.lemma_ != token.text.lower():
            assert lemmas.lemma_of("nl", token.lower_) == token.lemma_


def test_postings_pack_and_unpack_exactly() -> None:
    rng = random.Random(7)
    for _ in range(50):
        occurrences = set()
        for _ in range(rng.randint(1, 40)):
            doc = rng.randint(1, 6)
            start = rng.choice([rng.randint(0, 300), rng.randint(0, 5_000_000)])
            length = rng.choice([3, 3, rng.randint(1, 300), rng.randint(1, 70_000)])
            occurrences.add((doc, start, start + length))
        documents, count, data = lemmas.encode_postings(sorted(occurrences))
        assert documents == len({o[0] for o in occurrences}) and count == len(occurrences)
        docs, starts, ends = lemmas.decode_postings(data, documents, count)
        decoded = set(zip(docs.tolist(), starts.tolist(), ends.tolist(), strict=True))
        assert decoded == occurrences


# --- lemma and exact search ------------------------------------------------------------------


def test_dutch_lemma_search_finds_the_plural(project: db.Project, tmp_path: Path) -> None:
    _imported(project, [_write(tmp_path, "gesprek", DUTCH)], language="nl")
    with project.session() as session:
        lemma_hits = search(session, "bibliotheek", lemma=True)
        exact_hits = search(session, "bibliotheek")
    text = DUTCH
    assert [text[h.start : h.end] for h in lemma_hits] == ["bibliotheken", "Bibliotheek"]
    assert [h.start for h in lemma_hits] == [text.index("bibliotheken"), text.index("Bibliotheek")]
    # As typed, "bibliotheek" is not inside "bibliotheken".
    assert [text[h.start : h.end] for h in exact_hits] == ["Bibliotheek"]
    assert {h.speaker for h in lemma_hits} == {"Respondent"} and {h.line for h in lemma_hits} == {2}


def test_phrases_by_lemma_and_exactly_across_a_line_break(
    project: db.Project, tmp_path: Path
) -> None:
    _imported(project, [_write(tmp_path, "talk", ENGLISH)], language="en")
    with project.session() as session:
        by_lemma = search(session, "youth club", lemma=True)
        exact = search(session, "Youth Club")
        felt = search(session, "feel lonely", lemma=True)
        broken = search(session, "feel", lemma=True)
    text = ENGLISH
    assert [text[h.start : h.end] for h in by_lemma] == ["youth\nclub", "Youth clubs"]
    assert [h.match for h in by_lemma] == ["youth club", "Youth clubs"]  # shown on one line
    assert [text[h.start : h.end] for h in exact] == ["youth\nclub", "Youth club"]
    # Consecutive words only: "felt lonelier", "feel lonely", not "feel- I feel".
    assert [text[h.start : h.end] for h in felt] == ["felt lonelier", "feel lonely"]
    # A word broken off with a hyphen is found, without the hyphen.
    assert [text[h.start : h.end] for h in broken] == ["felt", "feel", "feel"]


def test_hits_carry_line_speaker_context_and_segments(project: db.Project, tmp_path: Path) -> None:
    _imported(project, [_write(tmp_path, "talk", ENGLISH)], language="en")
    text = ENGLISH
    first = text.index("libraries")
    with project.transaction("code") as session:
        view = segments.code_span(
            session, "talk", first - 4, first + 20, ["welcome"], coder_id=_coder(session)
        )
        other = segments.code_span(session, "talk", 0, 10, ["welcome"], coder_id=_coder(session))
    with project.session() as session:
        hits = search(session, "library", lemma=True, context=15)
        turns = list(session.exec(select(Turn).order_by(Turn.start)))
    assert [text[h.start : h.end] for h in hits] == ["libraries", "Library"]
    for hit in hits:
        assert hit.line == text.count("\n", 0, hit.start) + 1
        [turn] = [t for t in turns if t.start <= hit.start < t.end]
        assert hit.speaker == turn.speaker == "Interviewee"
        assert hit.before == text[hit.start - 15 : hit.start].replace("\n", " ")
        assert hit.after == text[hit.end : hit.end + 15].replace("\n", " ")
        assert "\n" not in hit.before + hit.match + hit.after
    assert hits[0].segments == [view.segment] and other.segment not in hits[1].segments
    assert hits[1].segments == []


def test_limit_documents_and_bad_queries(project: db.Project, tmp_path: Path) -> None:
    _imported(
        project,
        [_write(tmp_path, "a", ENGLISH), _write(tmp_path, "b", ENGLISH + "\nThe end.\n")],
        language="en",
    )
    with project.session() as session:
        everything = search(session, "library", lemma=True)
        assert [(h.document, ENGLISH[h.start : h.end]) for h in everything] == [
            ("a", "libraries"),
            ("a", "Library"),
            ("b", "libraries"),
            ("b", "Library"),
        ]
        assert search(session, "library", lemma=True, limit=3) == everything[:3]
        assert search(session, "library", lemma=True, documents=["b"]) == everything[2:]
        assert search(session, "no such words here", lemma=True) == []
        with pytest.raises(NotFound, match='no document called "c"'):
            search(session, "library", documents=["c"])
        with pytest.raises(InvalidValue):
            search(session, "   ")
        with pytest.raises(InvalidValue, match="no words"):
            search(session, "?!", lemma=True)


@needs_corpus
def test_corpus_lemma_search_finds_the_inflected_forms(project: db.Project) -> None:
    _imported(project, [corpus_file(stem) for stem in STEMS], language="en")
    texts = _texts(project)
    cases = {
        "feel": "feel|feels|feeling|felt",
        "go": "go|goes|going|gone|went",
        "friend": "friend|friends",
        "park": "park|parks",
    }
    with project.session() as session:
        for lemma, forms in cases.items():
            hits = search(session, lemma, lemma=True)
            assert _spans(hits) == _expected(texts, forms), lemma
            exact = search(session, lemma)
            for hit in exact:
                assert texts[hit.document][hit.start : hit.end].lower() == lemma
        lemma_words = {
            texts[h.document][h.start : h.end].lower() for h in search(session, "feel", lemma=True)
        }
        exact_words = {texts[h.document][h.start : h.end].lower() for h in search(session, "feel")}
    assert "felt" in lemma_words and "feeling" in lemma_words
    assert exact_words == {"feel"}  # "felt" is no substring match of "feel"


@needs_corpus
def test_corpus_hits_have_the_speaker_of_their_turn(project: db.Project) -> None:
    _imported(project, [corpus_file(STEMS[0])], language="en")
    texts = _texts(project)
    with project.session() as session:
        hits = search(session, "lonely", lemma=True)
        turns = list(session.exec(select(Turn.start, Turn.end, Turn.speaker)))
    assert hits
    for hit in hits:
        text = texts[hit.document]
        speakers = [speaker for start, end, speaker in turns if start <= hit.start < end]
        assert hit.speaker == (speakers[0] if speakers else None)
        assert hit.line == len(text[: hit.start].split("\n"))
        assert hit.before == one_line(text[max(0, hit.start - 60) : hit.start])


# --- the index: lazy indexing, stale chunks, migration ---------------------------------------


def _unindex(project: db.Project, name: str) -> None:
    """Simulate a document imported without the index: drop its index row."""
    with project.transaction("test", record=False) as session:
        doc_id = session.exec(select(Document.id).where(Document.name == name)).one()
        session.connection().execute(
            sa.delete(IndexedDocument).where(IndexedDocument.document_id == doc_id)  # type: ignore[arg-type]
        )


def test_a_document_without_index_is_indexed_once(project: db.Project, tmp_path: Path) -> None:
    _imported(
        project,
        [_write(tmp_path, "a", ENGLISH), _write(tmp_path, "b", ENGLISH + "\nMore.\n")],
        language="en",
    )
    with project.session() as session:
        before = search(session, "went", lemma=True)
    _unindex(project, "b")
    with project.session() as session:
        assert lemmas.missing_documents(session) != []
        with pytest.raises(WorkbenchError, match="lemma index is not complete"):
            search(session, "went", lemma=True)
        exact = search(session, "went")  # exact search needs no index
        assert exact == [hit for hit in before if hit.match == "went"]
    with project.session() as session:
        chunks_before = set(session.exec(select(IndexPosting.chunk)))
    assert lemmas.index_project(project) == 1
    assert lemmas.index_project(project) == 0  # once: nothing left to do
    with project.session() as session:
        # Indexed again, into a new chunk; its postings in the old chunk are ignored.
        assert set(session.exec(select(IndexPosting.chunk))) > chunks_before
        assert search(session, "went", lemma=True) == before
        assert [(h.document, h.match) for h in before] == [
            (name, word) for name in ("a", "b") for word in ("go", "went", "go")
        ]


def test_import_leaves_lemmas_to_the_first_search(project: db.Project, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path, "talk", ENGLISH)], language="en")
    with project.session() as session:
        assert lemmas.missing_documents(session) == []  # the words are indexed at import
        assert not lemmas.is_complete(session)  # but their lemmas are not looked up yet
        with pytest.raises(WorkbenchError, match="not complete"):
            search(session, "library", lemma=True)
    assert lemmas.index_project(project) == 0  # no document to parse again
    with project.session() as session:
        assert lemmas.is_complete(session)
        lemma_of = dict(session.exec(select(IndexForm.form, IndexForm.lemma)).all())
        assert [ENGLISH[h.start : h.end] for h in search(session, "library", lemma=True)] == [
            "libraries",
            "Library",
        ]
    assert lemma_of["libraries"] == lemma_of["library"] == "library"
    assert lemma_of["went"] == lemma_of["go"] == "go" and lemma_of["feel"] == "feel"
    assert "feel-" not in lemma_of and "," not in lemma_of  # hyphen cut off; no punctuation


def test_search_command_indexes_on_first_lemma_search(
    project: db.Project, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    _imported(project, [_write(tmp_path, "talk", ENGLISH)], language="en")
    _unindex(project, "talk")
    path = project.target
    project.dispose()
    hits = as_json(cli("search", path, "library", "--lemma", "--json"))
    assert [ENGLISH[h["start"] : h["end"]] for h in hits] == ["libraries", "Library"]
    assert set(hits[0]) == {
        "document",
        "start",
        "end",
        "line",
        "speaker",
        "before",
        "match",
        "after",
        "segments",
    }
    reopened = db.open_project(path)  # type: ignore[arg-type]
    with reopened.session() as session:
        assert lemmas.missing_documents(session) == []
    reopened.dispose()
    shown = cli("search", path, "youth club", "--lemma", "--context", "10").stdout.splitlines()
    assert shown[-1] == "2 hits in 1 document"
    assert shown[0].startswith("talk:3  Interviewee  ") and "[youth club]" in shown[0]
    limited = cli("search", path, "the", "--limit", "1").stdout.splitlines()
    assert limited[-1] == "1 hit in 1 document (limit 1 reached)"
    failed = cli("search", path, "x", "--doc", "nope", ok=False)
    assert failed.exit_code != 0 and 'no document called "nope"' in failed.stderr


def test_migration_0003_leaves_documents_unindexed_until_the_first_search(
    tmp_path: Path, cli, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    source = _write(tmp_path, "talk", ENGLISH)
    path = targets.new("old")
    made = db.create_project(path)  # make a document the way the importer does, then
    import_files(made, [source], language="en")  # take the project back to schema 0002
    with made.engine.begin() as connection:  # (the downgrades of 0004 and 0003)
        command.downgrade(db.alembic_config(connection), "0002")
        inspector = sa.inspect(connection)
        tables = set(inspector.get_table_names())
        indexes = {index["name"] for index in inspector.get_indexes("sentence")}
    made.dispose()
    assert "indexed_document" not in tables and "ix_sentence_doc_start" in indexes
    project = db.open_project(path)
    assert (project.backup is not None) is targets.sqlite  # a backup of a file
    assert db.current_revision(project.engine) == db.HEAD_REVISION
    with project.session() as session:
        assert session.exec(select(sa.func.count()).select_from(IndexForm)).one() == 0
        assert len(lemmas.missing_documents(session)) == 1
    project.dispose()
    hits = as_json(cli("search", path, "libraries", "--lemma", "--json"))
    assert [ENGLISH[h["start"] : h["end"]] for h in hits] == ["libraries", "Library"]
    hits = as_json(cli("search", path, "go", "--lemma", "--json"))
    assert [ENGLISH[h["start"] : h["end"]] for h in hits] == ["go", "went", "go"]


# --- QDPX imports are indexed at import -------------------------------------------------------

WALK = "Interviewer: And the park?\nInterviewee: We walked to the parks. I walk there daily.\n"


def _small_qdpx(path: Path, *, names: tuple[str, str] = ("talk", "walk")) -> Path:
    """A REFI-QDA project written by hand: one source in the archive, one inline."""
    import zipfile

    guid = "5a0e8d7c-1111-4c2b-9d3e-0123456789ab"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="small" origin="QualCoder 3.6">
  <Sources>
    <TextSource guid="{guid}" name="{names[0]}" plainTextPath="internal://{guid}.txt"/>
    <TextSource guid="6b1f9e8d-2222-4d3c-8e4f-123456789abc" name="{names[1]}">
      <PlainTextContent>{WALK}</PlainTextContent>
    </TextSource>
  </Sources>
</Project>
"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        archive.writestr(f"sources/{guid}.txt", ENGLISH.encode("utf-8"))
    return path


def test_qdpx_import_indexes_its_documents(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    path = targets.new()
    cli("import-qdpx", _small_qdpx(tmp_path / "small.qdpx"), path, "--language", "en")
    documents = dict(sql_rows(path, "SELECT name, id FROM document"))
    indexed = sql_rows(
        path, "SELECT document_id, chunk, tokens FROM indexed_document ORDER BY document_id"
    )
    postings = sql_rows(path, "SELECT form_id, chunk FROM index_posting ORDER BY form_id, chunk")
    assert set(documents) == {"talk", "walk"}
    assert sorted(doc_id for doc_id, _chunk, _tokens in indexed) == sorted(documents.values())
    assert all(tokens > 5 for _doc, _chunk, tokens in indexed)
    # A lemma search must not index anything (it may only look up the new forms' lemmas).
    monkeypatch.setattr(lemmas, "collect_tokens", lambda *a, **k: pytest.fail("indexed lazily"))
    project = db.open_project(path)
    texts = _texts(project)
    project.dispose()
    assert texts == {"talk": ENGLISH, "walk": WALK}
    for word, forms in (("library", "library|libraries"), ("walk", "walk|walked")):
        hits = as_json(cli("search", path, word, "--lemma", "--json"))
        assert {(h["document"], h["start"], h["end"]) for h in hits} == _expected(texts, forms)
    assert len(_expected(texts, "walk|walked")) == len(_expected(texts, "library|libraries")) == 2
    assert (
        sql_rows(
            path, "SELECT document_id, chunk, tokens FROM indexed_document ORDER BY document_id"
        )
        == indexed
    )
    assert (
        sql_rows(path, "SELECT form_id, chunk FROM index_posting ORDER BY form_id, chunk")
        == postings
    )


def test_a_failed_qdpx_import_leaves_no_index_behind(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch, targets: Targets
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import dump_file

    path = targets.new()
    cli("import-qdpx", _small_qdpx(tmp_path / "first.qdpx", names=("a", "walk")), path)
    before = dump_file(path)
    # The second file's first document is stored and its words written as a chunk of the
    # index (a chunk is forced after every document) before its second document clashes.
    monkeypatch.setattr(lemmas, "CHUNK_TOKENS", 1)
    clash = _small_qdpx(tmp_path / "second.qdpx", names=("b", "walk"))
    failed = cli("import-qdpx", clash, path, ok=False)
    assert failed.exit_code != 0 and "called 'walk' is already in the project" in failed.stderr
    assert dump_file(path) == before
    assert len(before["indexed_document"]) == 2

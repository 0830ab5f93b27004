"""``workbench check`` and the lemma index: each kind of stale or damaged index is found.

The index of a freshly imported project is whole. Each test then damages it by hand, with
SQL on the project, in one known way, and expects ``check`` to name the document and
the kind of damage, counted independently here (the posting row written by hand with
``struct``, the words changed counted with a regular expression).
"""

from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

import pytest

from tests.conftest import as_json, corpus_file, needs_corpus, run_sql, sql_rows
from workbench.analysis.integrity import check_project
from workbench.project import db
from workbench.project.target import ProjectTarget
from workbench.services.importing import import_files

TALK = (
    "Interviewer: Where do you go after school?\n"
    "Interviewee: I went to the library in Newham, and the Library in Stratford. The\n"
    "youth club closed, so I felt lonelier. The library is my second home.\n"
    "Interviewer: And now?\n"
    "Interviewee: Now I feel- I feel lonely. I don\u2019t go to the library.\n"
)
WALK = (
    "Interviewer: Tell me about the park.\n"
    "Interviewee: I walk in the park on Tuesdays with \u0130lknur. It's quiet there.\n"
)


@pytest.fixture
def indexed(project: db.Project, tmp_path: Path) -> ProjectTarget:
    """The project with two imported (and so indexed) English documents."""
    paths = []
    for name, text in (("talk", TALK), ("walk", WALK)):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    import_files(project, paths, language="en")
    return project.target


_sql = run_sql


def _one(target: ProjectTarget, query: str, *parameters: object) -> tuple[object, ...]:
    return sql_rows(target, query, *parameters)[0]


def _problems(path: ProjectTarget) -> list[str]:
    project = db.open_project(path)
    try:
        return check_project(project)
    finally:
        project.dispose()


def test_a_freshly_imported_project_passes(indexed: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    assert _one(indexed, "SELECT count(*) FROM indexed_document") == (2,)
    assert _problems(indexed) == []
    assert as_json(cli("check", indexed, "--json")) == {"ok": True, "problems": []}
    assert cli("check", indexed).stdout == "ok\n"


def test_a_document_missing_from_the_index(indexed: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    (doc_id,) = _one(indexed, "SELECT id FROM document WHERE name = 'walk'")
    _sql(indexed, ("DELETE FROM indexed_document WHERE document_id = ?", (doc_id,)))
    assert _problems(indexed) == ["document 'walk': not in the lemma index"]
    failed = cli("check", indexed, ok=False)
    assert failed.exit_code == 1
    assert failed.stdout == "document 'walk': not in the lemma index\n1 problem\n"
    result = cli("check", indexed, "--json", ok=False)
    assert result.exit_code == 1
    assert as_json(result) == {"ok": False, "problems": ["document 'walk': not in the lemma index"]}


def test_a_document_indexed_by_another_lemmatiser(indexed: ProjectTarget) -> None:
    (made_by,) = _one(indexed, "SELECT lemmatiser FROM indexed_document LIMIT 1")
    assert isinstance(made_by, str) and made_by.startswith("spacy-lookups-data ")
    _sql(
        indexed,
        (
            "UPDATE indexed_document SET lemmatiser = 'spacy-lookups-data 0.0.1' WHERE "
            "document_id = (SELECT id FROM document WHERE name = 'talk')",
            (),
        ),
    )
    assert _problems(indexed) == [
        "document 'talk': lemma index made by spacy-lookups-data 0.0.1 lemmatiser, "
        f"the workbench now uses {made_by}"
    ]


def test_a_token_count_that_does_not_match_the_postings(indexed: ProjectTarget) -> None:
    (tokens,) = _one(
        indexed,
        "SELECT tokens FROM indexed_document JOIN document ON document.id = document_id "
        "WHERE name = 'walk'",
    )
    assert isinstance(tokens, int) and tokens > 10
    _sql(
        indexed,
        (
            "UPDATE indexed_document SET tokens = tokens + 3 WHERE "
            "document_id = (SELECT id FROM document WHERE name = 'walk')",
            (),
        ),
    )
    assert _problems(indexed) == [
        f"document 'walk': the lemma index holds {tokens} words of it, {tokens + 3} were indexed"
    ]


def _posting(doc_id: int, start: int, length: int) -> bytes:
    """One occurrence packed by hand: flags 0 (16-bit start, 8-bit length), the document,
    its count, the start and the length (see ``workbench.text.lemmas.encode_postings``)."""
    return bytes([0]) + struct.pack("<IIHB", doc_id, 1, start, length)


def _add_posting(
    path: ProjectTarget, name: str, start: int, length: int, *, chunk: int | None
) -> None:
    """File one occurrence of a new form under document ``name``, in its current chunk (or
    ``chunk``), and count it in the document's tokens when it is in the current chunk."""
    doc_id, current = _one(
        path,
        "SELECT id, chunk FROM document JOIN indexed_document ON document_id = id WHERE name = ?",
        name,
    )
    (form_id,) = _one(path, "SELECT max(id) + 1 FROM index_form")
    where = current if chunk is None else chunk
    statements = [
        ("INSERT INTO index_form (id, language, form) VALUES (?, 'en', 'zzz')", (form_id,)),
        (
            "INSERT INTO index_posting (form_id, chunk, documents, count, data) "
            "VALUES (?, ?, 1, 1, ?)",
            (form_id, where, _posting(doc_id, start, length)),  # type: ignore[arg-type]
        ),
    ]
    if chunk is None:
        statements.append(
            ("UPDATE indexed_document SET tokens = tokens + 1 WHERE document_id = ?", (doc_id,))
        )
    _sql(path, *statements)


def test_postings_past_the_end_of_the_text(indexed: ProjectTarget) -> None:
    _add_posting(indexed, "walk", len(WALK) + 2, 3, chunk=None)
    assert _problems(indexed) == [
        f"document 'walk': 1 word of the lemma index lies outside its text "
        f"(which has {len(WALK)} characters)"
    ]


def test_postings_in_a_stale_chunk_are_ignored(indexed: ProjectTarget) -> None:
    (top,) = _one(indexed, "SELECT max(chunk) FROM indexed_document")
    _add_posting(indexed, "walk", len(WALK) + 2, 3, chunk=int(top) + 5)  # type: ignore[call-overload]
    assert _problems(indexed) == []


def test_a_posting_filed_under_the_wrong_form(indexed: ProjectTarget) -> None:
    start = WALK.index("park")  # "park" filed as "zzz": inside the text, but misspelt
    _add_posting(indexed, "walk", start, 4, chunk=None)
    (tokens,) = _one(
        indexed,
        "SELECT tokens FROM indexed_document JOIN document ON id = document_id WHERE name = 'walk'",
    )
    assert _problems(indexed) == [
        f"document 'walk': the lemma index does not match its text (1 of {tokens} words differ)"
    ]


def test_a_document_indexed_from_another_text(indexed: ProjectTarget) -> None:
    # The text is changed (with its hash, so that only the index tells): every "library"
    # becomes "gallery", a word of the same length, so no span leaves the text.
    changed = re.sub("library", "gallery", TALK, flags=re.IGNORECASE)
    differ = len(re.findall(r"\blibrary\b", TALK, flags=re.IGNORECASE))
    assert differ == 4 and len(changed) == len(TALK)
    digest = hashlib.sha256(changed.encode("utf-8")).hexdigest()
    _sql(
        indexed,
        ("UPDATE document SET text = ?, sha256 = ? WHERE name = 'talk'", (changed, digest)),
    )
    (tokens,) = _one(
        indexed,
        "SELECT tokens FROM indexed_document JOIN document ON id = document_id WHERE name = 'talk'",
    )
    assert _problems(indexed) == [
        f"document 'talk': the lemma index does not match its text ({differ} of {tokens} "
        "words differ)"
    ]


@needs_corpus
def test_corpus_transcripts_pass(project: db.Project) -> None:
    stems = ("P01_male_24_Newham", "P16_male_24_Hackney", "P24_female_18_Hackney")
    import_files(project, [corpus_file(stem) for stem in stems], language="en")
    assert check_project(project) == []

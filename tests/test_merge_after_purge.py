"""A merge does not bring back what a purge erased.

Two copies part; here the researcher deletes a memo, rewrites another, deletes a code, renames
one, removes a pseudonym entry, changes a case's attribute and purges, deleting a whole
document with the purge (a participant withdrew). The other copy still holds all of it, and
goes on coding. Merging that copy back must bring its new work in and none of the erased
words: they are searched for in every text column of every table afterwards, and in the
merge's report. Before the fix, the document, the memo and the pseudonym came back, and the
renamed code's old name was printed as a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.backends import Backend, Template
from tests.conftest import Targets, as_json, sql_rows
from tests.test_purge import ERASED as ERASED_TEXT
from tests.test_purge import KEPT, found_in_tables
from workbench.analysis.integrity import check_project
from workbench.project import db, erasures, settings
from workbench.project.target import ProjectTarget
from workbench.services import cases, codebook, coding, pseudonyms
from workbench.services.importing import import_files

Cli = Callable[..., Result]

#: The fictional transcripts of the purge tests; the odd words must not come back.
MARKET, STREET = KEPT, ERASED_TEXT
MEMO_DELETED = "Vexmoorian remark about the neighbour"
MEMO_REWRITTEN = "first draft mentions Wexcombe"
CODE_DELETED = "Thurlowick club"
CODE_RENAMED = "Ombersley folk"
REAL_NAME = "Brannigan Oxhollow"
OLD_VALUE = "Kellerdine Lane"
ERASED = (
    "Zyrkowitz",
    "Quorandel",
    "Vexmoorian",
    "Wexcombe",
    "Thurlowick",
    "Ombersley",
    "Oxhollow",
    "Kellerdine",
)


def _span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def _fill(folder: Path) -> Callable[[ProjectTarget], None]:
    def fill(target: ProjectTarget) -> None:
        for name, text in (("market", MARKET), ("street", STREET)):
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        project = db.create_project(target)
        try:
            with project.transaction("init", record=False) as session:
                settings.put(session, "language", "en")
            import_files(
                project, [folder / "market.txt", folder / "street.txt"], language="en", coder="ann"
            )
            for name in ("welcome", CODE_DELETED, CODE_RENAMED):
                codebook.add_code(project, name, coder="ann")
            start, end = _span(MARKET, "The fishmonger knows what I like")
            segment = coding.code_span(project, "market", start, end, ["welcome"], coder="ann")
            coding.save_segment_memo(project, MEMO_DELETED, segment=segment.segment, coder="ann")
            coding.add_memo(project, "doc", "market", MEMO_REWRITTEN, coder="ann")
            start, end = _span(STREET, "My neighbour Zyrkowitz brings soup")
            coding.code_span(project, "street", start, end, [CODE_RENAMED], coder="ann")
            start, end = _span(MARKET, "The reading room in the library")
            coding.code_span(project, "market", start, end, [CODE_DELETED], coder="ann")
            pseudonyms.add(project, REAL_NAME, "Piet Smit", coder="ann")
            cases.add_case(
                project, "P7", documents=["market"], attributes=[f"street={OLD_VALUE}"], coder="ann"
            )
        finally:
            project.dispose()

    return fill


@pytest.fixture(scope="module")
def parted(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The project when the two copies part."""
    folder = tmp_path_factory.mktemp("parted")
    return backend.template("parted", folder, _fill(folder))


def _memo_id(target: ProjectTarget, text: str) -> int:
    rows = sql_rows(target, f"SELECT id FROM memo WHERE text = '{text}'")
    assert len(rows) == 1, rows
    return int(rows[0][0])


def _erase_and_purge(target: ProjectTarget, cli: Cli) -> dict[str, Any]:
    """Here: erase every kind of thing, then purge (deleting the document "street")."""
    project = db.open_project(target)
    try:
        coding.save_segment_memo(project, "", memo=_memo_id(target, MEMO_DELETED), coder="ann")
        coding.save_segment_memo(
            project, "second draft, no names", memo=_memo_id(target, MEMO_REWRITTEN), coder="ann"
        )
        codebook.delete_code(project, CODE_DELETED, coder="ann")
        codebook.rename_code(project, CODE_RENAMED, "neighbours", coder="ann")
        pseudonyms.remove(project, REAL_NAME, coder="ann")
        cases.add_case(project, "P7", attributes=["street=somewhere"], coder="ann")
    finally:
        project.dispose()
    for word in ERASED:  # the search sees them before the purge (in the log, in the text)
        assert found_in_tables(target, word), word
    return as_json(cli("purge", target, "--document", "street", "--yes", "--json"))


def _go_on_coding(target: ProjectTarget) -> None:
    """There: new work, on the document kept and on the one purged here."""
    project = db.open_project(target)
    try:
        start, end = _span(MARKET, "when it rains")
        coding.code_span(project, "market", start, end, ["welcome"], coder="bram")
        start, end = _span(STREET, "Too dark in winter")
        coding.code_span(project, "street", start, end, ["welcome"], coder="bram")
        coding.add_memo(project, "doc", "street", "Zyrkowitz again, says bram", coder="bram")
    finally:
        project.dispose()


def test_a_merge_after_a_purge_brings_in_new_work_and_nothing_erased(
    parted: Template, targets: Targets, cli: Cli
) -> None:
    ours, theirs = targets.copy(parted, "ours"), targets.copy(parted, "theirs")
    _erase_and_purge(ours, cli)
    _go_on_coding(theirs)
    for word in ERASED:
        assert found_in_tables(ours, word) == [], word  # the purge did its part

    result = cli("merge", ours, theirs, "--json")
    report = as_json(result)
    for word in ERASED:
        assert found_in_tables(ours, word) == [], word
        assert word not in json.dumps(report), word
        assert word not in result.stderr, word
    # The new work on the document kept came in; the document purged here did not.
    assert report["codings_added"] == 1, report
    assert sql_rows(ours, "SELECT name FROM document ORDER BY name") == [("market",)]
    assert sql_rows(ours, "SELECT name FROM code ORDER BY name") == [
        ("neighbours",),
        ("welcome",),
    ]
    assert sql_rows(ours, "SELECT text FROM memo ORDER BY id") == [("second draft, no names",)]
    assert sql_rows(ours, "SELECT real FROM pseudonym") == []
    assert sql_rows(ours, "SELECT value FROM case_value") == [("somewhere",)]
    # What was left out is said, without naming it.
    assert report["purged_left_out"] >= 5, report
    said = cli("merge", ours, theirs, "--dry-run").stdout
    assert "erased by a purge here" in said, said
    project = db.open_project(ours)
    try:
        assert check_project(project) == []
    finally:
        project.dispose()


def test_without_a_purge_a_merge_is_as_before(parted: Template, targets: Targets, cli: Cli) -> None:
    """The erasure table is read only when a purge wrote it: an unpurged project merges the
    same document and memo back only if they were not removed here (the change log says)."""
    ours, theirs = targets.copy(parted, "ours"), targets.copy(parted, "theirs")
    _go_on_coding(theirs)
    report = as_json(cli("merge", ours, theirs, "--json"))
    assert report["purged_left_out"] == 0
    assert report["codings_added"] == 2 and report["memos_added"] == 1
    assert sql_rows(ours, "SELECT count(*) FROM erasure") == [(0,)]


def test_the_erasure_table_holds_no_name_and_no_guid(
    parted: Template, targets: Targets, cli: Cli
) -> None:
    ours = targets.copy(parted, "ours")
    guids = {str(g) for (g,) in sql_rows(ours, "SELECT guid FROM memo")}
    guids |= {str(g) for (g,) in sql_rows(ours, "SELECT guid FROM document")}
    _erase_and_purge(ours, cli)
    prints = [str(p) for (p,) in sql_rows(ours, "SELECT fingerprint FROM erasure ORDER BY id")]
    assert len(prints) >= 7
    assert all(len(p) == 64 and set(p) <= set("0123456789abcdef") for p in prints)
    assert not guids & set(prints)
    # The fingerprints are keyed: the same GUID does not give its plain SHA-256.
    assert not {hashlib.sha256(erasures.guid_key(g).encode()).hexdigest() for g in guids} & set(
        prints
    )
    engine = db.make_engine(db.database_url(ours))
    try:
        with engine.connect() as connection:
            found = erasures.Erasures.read(connection)
            assert found and erasures.pseudonym_key(REAL_NAME) in found
            assert erasures.pseudonym_key("Somebody Else") not in found
    finally:
        engine.dispose()

"""Hostile input, paths, files and permissions (issue 13): one test per finding, the hostile
transcripts through both shells' import, a property-based fuzz of every reader and parser of
outside input, and the peak memory of the bombs measured in a subprocess.

The hostile inputs are made by the tests (nothing large is kept in the repository):
:func:`hostile_transcripts` is the corpus of broken and crafted transcript files that the
command line and the TUI's import service both run through.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import InputError, WorkbenchError

POSIX = os.name == "posix"
REPO = Path(__file__).resolve().parents[1]
SQLITE_ONLY = pytest.mark.sqlite_only(reason="SQLite project files: paths, bytes, permissions")
#: Peak memory (resident set) allowed for a command refusing a bomb.
MAX_RSS_BYTES = 300 * 1024 * 1024
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --- helpers ---------------------------------------------------------------------------------


def one_line_error(result: Any, *expected: str) -> str:
    """The one error line of a refused command (exit status non-zero, nothing on stdout)."""
    assert result.exit_code != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return str(lines[0])


#: Runs the command line like ``python -m workbench`` and, at exit, writes the process's peak
#: resident memory since it started (VmHWM, in kB) to the file named by $HWM_FILE. (The
#: ``ru_maxrss`` of a child counts the pages of the forking test process too.)
_MEASURED = (
    "import atexit, os, runpy, sys\n"
    "def peak():\n"
    "    with open('/proc/self/status') as status:\n"
    "        for line in status:\n"
    "            if line.startswith('VmHWM:'):\n"
    "                with open(os.environ['HWM_FILE'], 'w') as out:\n"
    "                    out.write(line.split()[1])\n"
    "atexit.register(peak)\n"
    "sys.argv[0] = 'workbench'\n"
    "runpy.run_module('workbench', run_name='__main__', alter_sys=True)\n"
)
MEASURABLE = Path("/proc/self/status").exists()


def run_workbench(*args: object, timeout: float = 120) -> tuple[int, str, int]:
    """Run the command line in a subprocess: exit status, stderr, and the peak resident
    memory of that process in bytes."""
    with tempfile.TemporaryDirectory() as folder:
        hwm = Path(folder) / "hwm"
        result = subprocess.run(
            [sys.executable, "-c", _MEASURED, *map(str, args)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            env={**os.environ, "HWM_FILE": str(hwm)},
        )
        return result.returncode, result.stderr, int(hwm.read_text()) * 1024


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def make_docx(
    path: Path, paragraphs: list[str], *, edit: Callable[[Any], None] | None = None
) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if edit is not None:
        edit(document)
    document.save(str(path))
    return path


def rezip(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """``source`` copied member by member; ``change(name, data)`` returns new bytes or None."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            changed = change(info.filename, data)
            new.writestr(info.filename, data if changed is None else changed)
    return target


def project(cli: Any, folder: Path, name: str = "study.db") -> Path:
    path = folder / name
    cli("init", path, "--language", "en")
    return path


VTT = """WEBVTT

00:00.000 --> 00:01.000
<v Anna>The first cue is fine.

00:01.000 -> 00:02.000
<v Anna>This cue has a malformed timing line and must not vanish.

00:02.000 --> 00:03.000
<v Bob>The third cue.
"""

SRT_WITH_HEALTH_DATA = """1
00:00:01,000 --> 00:00:02,000
Hello.

2
My HIV status is positive
and I told nobody.
"""


def zip_bomb(path: Path, member: str, size: int, others: dict[str, bytes] | None = None) -> Path:
    """A zip whose ``member`` is ``size`` zero bytes (honestly declared, compressed ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in (others or {}).items():
            archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                handle.write(chunk)
    return path


def hostile_transcripts(folder: Path) -> list[tuple[Path, str]]:
    """The corpus of hostile transcript files, made in ``folder``, each with a piece of the
    reason its refusal must give."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[Path, str]] = []

    def add(name: str, data: bytes | str, reason: str) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        files.append((path, reason))

    add("empty.txt", b"", "empty")
    add("binary.txt", bytes(range(256)) * 4, "binary")
    add("nul.md", "Interviewer: a\x00b\n", "binary")
    add("bad-utf16.txt", b"\xff\xfe\x00\xd8", "not valid UTF-16")
    add("malformed-timing.vtt", VTT, "line 6")
    add("no-header.vtt", VTT.replace("WEBVTT", "WEBVTX"), "WEBVTT")
    add("health.srt", SRT_WITH_HEALTH_DATA, "line 5")
    add("text.docx", "Interviewer: I am not a Word file", "not a Word (.docx) file")
    add("text.odt", "Interviewer: I am not an OpenDocument file", "OpenDocument")
    good = make_docx(folder / "good.docx.tmp", ["Interviewer: Hello?", "Interviewee: Hi."])
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY e "expanded">]>\n'
    rezip(
        good,
        folder / "doctype.docx",
        lambda name, data: (
            doctype + data.split(b"?>", 1)[1] if name == "word/document.xml" else None
        ),
    )
    files.append((folder / "doctype.docx", "DOCTYPE"))
    zip_bomb(folder / "bomb.docx", "word/document.xml", 64 << 20, {"[Content_Types].xml": b""})
    files.append((folder / "bomb.docx", "limit"))
    zip_bomb(folder / "bomb.odt", "content.xml", 64 << 20, {"mimetype": b""})
    files.append((folder / "bomb.odt", "limit"))
    good.unlink()
    return files


# --- 1. a path is a path ---------------------------------------------------------------------


PATH_NAMES = [
    "study?v2.db",
    "notes#2.db",
    "s%41.db",
    "a&b=c+d.db",
    "with space.db",
    "naïve ünïcode проект.db",
    "%3F%23.db",
]


@SQLITE_ONLY
@pytest.mark.parametrize("name", PATH_NAMES)
def test_1_no_character_of_a_path_is_url_syntax(cli: Any, tmp_path: Path, name: str) -> None:
    from workbench.project.target import database_url

    target = tmp_path / name
    assert sa.engine.make_url(database_url(target)).database == str(target)
    cli("init", target, "--language", "en")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    transcript = tmp_path / "t.txt"
    transcript.write_text("Interviewer: Where do you go?\nInterviewee: To the library.\n")
    cli("import", target, transcript)
    cli("codebook", "add", target, "opening")
    cli("code", target, "t", 0, 11, "--coder", "ann", "opening")
    docs = cli("docs", target, "--json")
    assert '"t"' in docs.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "t.txt"])


@SQLITE_ONLY
def test_1_a_question_mark_never_writes_into_another_project(cli: Any, tmp_path: Path) -> None:
    interviews = project(cli, tmp_path, "interviews")
    before = sha256(interviews)
    result = cli("codebook", "add", tmp_path / "interviews?backup.db", "stigma", ok=False)
    one_line_error(result, "interviews?backup.db", "no project there")
    assert sha256(interviews) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interviews"]


# --- 2. a killed init or import-qdpx leaves no file (see also tests/test_crash.py) -----------


@SQLITE_ONLY
def test_2_a_failed_init_leaves_nothing_and_a_later_one_cleans_up(cli: Any, tmp_path: Path) -> None:
    from workbench.project import files

    # A temporary of a writer that is gone (a killed init): removed by the next writer.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    pid = int(dead.stdout)
    stale = files.temporary_path(tmp_path / "study.db")
    stale = stale.with_name(stale.name.replace(f"-{os.getpid()}-", f"-{pid}-"))
    stale.write_bytes(b"")
    Path(f"{stale}-wal").write_bytes(b"")
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes:\n  - name: [not, a, name]\n")
    result = cli("init", tmp_path / "study.db", "--codebook", bad, ok=False)
    assert result.exit_code != 0
    cli("init", tmp_path / "study.db", "--language", "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "study.db"]


# --- 3. nothing is dropped silently ----------------------------------------------------------


def test_3_a_vtt_cue_with_a_malformed_timing_line_refuses_the_file(tmp_path: Path) -> None:
    from workbench.text.readers import read_file

    path = tmp_path / "cues.vtt"
    path.write_text(VTT, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert "line 6" in str(caught.value) and "timing" in str(caught.value)
    assert "vanish" not in str(caught.value)  # no transcript text in the error
    path.write_text(VTT.replace(" -> ", " --> "), encoding="utf-8")
    text = read_file(path).text
    for words in ("first cue is fine", "must not vanish", "third cue"):
        assert words in text


def test_3_the_import_of_a_bad_vtt_imports_nothing(cli: Any, tmp_path: Path) -> None:
    study = project(cli, tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: Hello?\n")
    bad = tmp_path / "cues.vtt"
    bad.write_text(VTT, encoding="utf-8")
    result = cli("import", study, good, bad, ok=False)
    one_line_error(result, str(bad), "line 6")
    assert cli("docs", study, "--json").stdout.strip() == "[]"


def test_3_words_in_tracked_insertions_are_imported_and_text_boxes_are_counted(
    tmp_path: Path,
) -> None:
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn

    from workbench.text.readers import read_file

    def edit(document: Any) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run("that is just your body doing that, you are biolog")
        inserted = paragraph.add_run("icall")
        paragraph.add_run("y doing it")
        insertion = OxmlElement("w:ins")
        insertion.set(qn("w:id"), "9")
        insertion.set(qn("w:author"), "transcriber")
        inserted._r.addprevious(insertion)
        insertion.append(inserted._r)
        boxed = document.add_paragraph("Beside the picture:")
        boxed._p.append(
            parse_xml(
                f"<w:r {nsdecls('w')} xmlns:v='urn:schemas-microsoft-com:vml'>"
                "<w:pict><v:shape><v:textbox><w:txbxContent>"
                "<w:p><w:r><w:t>boxed words here</w:t></w:r></w:p>"
                "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
            )
        )

    path = make_docx(tmp_path / "tracked.docx", ["Interviewer: And then?"], edit=edit)
    source = read_file(path)
    assert "you are biologically doing it" in source.text
    assert "boxed" not in source.text
    assert any("3 words" in note for note in source.notes), source.notes


@given(
    st.lists(
        st.lists(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), min_size=1, max_size=8),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["vtt", "srt"]),
)
@FUZZ
def test_3_every_word_of_every_cue_is_imported(cues: list[list[str]], kind: str) -> None:
    from workbench.text.readers import READERS

    blocks = []
    for number, words in enumerate(cues, 1):
        start, end = f"00:00:{number:02},000", f"00:00:{number:02},900"
        if kind == "vtt":
            timing = f"{start} --> {end}".replace(",", ".")
            blocks.append(f"{timing}\n{' '.join(words)}")
        else:
            blocks.append(f"{number}\n{start} --> {end}\n{' '.join(words)}")
    text = ("WEBVTT\n\n" if kind == "vtt" else "") + "\n\n".join(blocks) + "\n"
    read = READERS[f".{kind}"](Path(f"cues.{kind}"), text.encode("utf-8")).text
    assert read.split() == [word for words in cues for word in words]


# --- 4. one permission rule ------------------------------------------------------------------


@SQLITE_ONLY
@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_4_backups_exports_and_temporaries_are_never_wider_than_the_project(
    cli: Any, tmp_path: Path
) -> None:
    from workbench.project import db
    from workbench.project.files import permissions_like, temporary_beside

    with umask(0o022):
        old = tmp_path / "old.db"
        engine = db.make_engine(db.database_url(old))
        db.upgrade(engine, "0003")
        engine.dispose()
        old.chmod(0o600)
        cli("docs", old)  # migrates, after a backup
        backups = [p for p in tmp_path.iterdir() if ".bak-" in p.name]
        assert len(backups) == 1
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600

        study = project(cli, tmp_path)
        study.chmod(0o600)
        transcript = tmp_path / "t.txt"
        transcript.write_text("Interviewer: Where do you go?\nInterviewee: To the library.\n")
        cli("import", study, transcript)
        cli("codebook", "add", study, "opening")
        cli("codebook", "add", study, "closing")
        cli("code", study, "t", 0, 11, "opening", "closing")
        out = tmp_path / "out"
        out.mkdir()
        written = [
            out / "study.qdpx",
            out / "codes.qdc",
            out / "codes.yaml",
            out / "places.geojson",
        ]
        for path in written:
            cli("export", study, "-o", path)
        cli("codebook", "export", study, "-o", out / "book.yaml")
        cli("fragments", study, "opening", "-o", out / "quotes.md")
        cli("figure", "cooccur", study, "-o", out / "figure.svg")
        for path in [*written, out / "book.yaml", out / "quotes.md", out / "figure.svg"]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

        with permissions_like(study), temporary_beside(out / "x.txt") as temporary:
            assert stat.S_IMODE(temporary.stat().st_mode) == 0o600
        study.chmod(0o640)
        with umask(0o002), permissions_like(study), temporary_beside(out / "y.txt") as temporary:
            assert stat.S_IMODE(temporary.stat().st_mode) == 0o640  # the umask gives 0664


# --- 5. errors never hold transcript text ----------------------------------------------------


def test_5_a_subrip_error_names_the_line_not_the_text(cli: Any, tmp_path: Path) -> None:
    study = project(cli, tmp_path)
    bad = tmp_path / "health.srt"
    bad.write_text(SRT_WITH_HEALTH_DATA, encoding="utf-8")
    line = one_line_error(cli("import", study, bad, ok=False), str(bad), "line 5")
    for private in ("HIV", "positive", "nobody"):
        assert private not in line


# --- 6. a foreign file is recognised before anything writes ----------------------------------


@SQLITE_ONLY
def test_6_another_applications_database_is_refused_unchanged(cli: Any, tmp_path: Path) -> None:
    foreign = tmp_path / "contacts.db"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE contact (name TEXT)")
    connection.execute("INSERT INTO contact VALUES ('Gerda')")
    connection.commit()
    connection.close()
    before = sha256(foreign)
    assert foreign.read_bytes()[18:20] == b"\x01\x01"  # a rollback journal, not WAL
    one_line_error(cli("docs", foreign, ok=False), "not a workbench project")
    one_line_error(cli("import-qdpx", tmp_path / "none.qdpx", foreign, ok=False))
    assert sha256(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db"]


@SQLITE_ONLY
def test_6_an_empty_file_stays_empty(cli: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    one_line_error(cli("docs", empty, ok=False), "empty")
    one_line_error(cli("codebook", "add", empty, "x", ok=False), "empty")
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


@SQLITE_ONLY
def test_6_a_foreign_file_with_a_schema_version_gets_no_backup(cli: Any, tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    connection.execute("INSERT INTO alembic_version VALUES ('0003')")
    connection.execute("CREATE TABLE invoice (id INTEGER)")
    connection.commit()
    connection.close()
    before = sha256(foreign)
    one_line_error(cli("docs", foreign, ok=False), "not a workbench project")
    assert sha256(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


# --- 7. a YAML alias bomb --------------------------------------------------------------------

ALIAS_BOMB = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(9)
)


def test_7_a_yaml_alias_bomb_is_refused_by_the_bounded_loader(tmp_path: Path) -> None:
    from workbench.coding.codebook import load_codebook
    from workbench.errors import InvalidValue
    from workbench.exchange.pseudonyms import read_file as read_pseudonyms

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    with pytest.raises(InputError) as caught:
        load_codebook(bomb)
    assert "limit" in str(caught.value) and "alias" in str(caught.value)
    with pytest.raises((InputError, InvalidValue)) as refused:
        read_pseudonyms(bomb)
    assert "limit" in str(refused.value)
    recursive = tmp_path / "recursive.yaml"
    recursive.write_text("codes: &c [{name: a, children: *c}]\n")
    with pytest.raises(InputError, match="recursive alias"):
        load_codebook(recursive)


@pytest.mark.skipif(not MEASURABLE, reason="the peak memory is read from /proc")
def test_7_an_alias_bomb_costs_no_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    status, stderr, rss = run_workbench("init", tmp_path / "s.db", "--codebook", bomb)
    assert status == 1 and "limit" in stderr and len(stderr.strip().splitlines()) == 1
    assert rss < MAX_RSS_BYTES, rss
    assert not (tmp_path / "s.db").exists()


# --- 8. deep nesting: limits named, never a RecursionError -----------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "(" * 200 + "welcome" + ")" * 200,
        "!" * 1000 + "welcome",
        " & ".join(["welcome"] * 1000),
        " | ".join(f"place:p{i}" for i in range(1000)),
        " overlaps ".join(["welcome"] * 200),
        "(a overlaps " * 50 + "a" + ")" * 50,
    ],
)
def test_8_a_deep_or_long_query_names_a_limit(query: str) -> None:
    from workbench.analysis.query import QueryError, parse

    with pytest.raises(QueryError) as caught:
        parse(query)
    assert "limit" in str(caught.value)


def test_8_long_chains_within_the_limit_work(cli: Any, tmp_path: Path) -> None:
    from workbench.analysis.query import MAX_TERMS, parse

    study = project(cli, tmp_path)
    cli("codebook", "add", study, "welcome")
    transcript = tmp_path / "t.txt"
    transcript.write_text("Interviewer: Where do you go?\nInterviewee: To the library.\n")
    cli("import", study, transcript)
    cli("code", study, "t", 0, 11, "welcome")
    for operator in (" & ", " | "):
        query = operator.join(["welcome"] * MAX_TERMS)
        assert len(str(parse(query))) == len(query)
        result = cli("fragments", study, query, "--format", "json")
        assert '"welcome"' in result.stdout
    deep = "(" * 30 + "welcome" + ")" * 30
    assert '"welcome"' in cli("fragments", study, deep, "--format", "json").stdout
    one_line_error(cli("fragments", study, "(" * 200 + "welcome" + ")" * 200, ok=False), "limit")


def test_8_a_codebook_nested_250_deep_names_the_limit(tmp_path: Path) -> None:
    from workbench.coding.codebook import load_codebook

    lines = ["codes:"]
    for level in range(250):
        indent = "  " * (2 * level + 1)
        lines += [f"{indent}- name: c{level}", f"{indent}  children:"]
    lines.append("  " * 502 + "[]")
    path = tmp_path / "deep.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    assert "limit of 64 levels" in str(caught.value)
    flow = tmp_path / "flow.yaml"
    flow.write_text("codes: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError, match="limit"):
        load_codebook(flow)


def test_8_a_keys_file_nested_500_deep_names_the_limit(tmp_path: Path) -> None:
    from workbench.tui.keys import load_keymap

    for text in (
        "a = " + "[" * 500 + "]" * 500 + "\n",
        "a = " + "{b = " * 500 + "1" + "}" * 500 + "\n",
    ):
        path = tmp_path / "keys.toml"
        path.write_text(text)
        with pytest.raises(InputError, match="limit of 8 levels"):
            load_keymap(path, {"coding.code"})


async def test_8_the_tui_starts_with_a_keys_file_nested_500_deep(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.notifications import Notification

    from tests.test_tui_coding import notes_hook, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.keys import ENVIRONMENT

    keys = tmp_path / "keys.toml"
    keys.write_text("a = " + "[" * 500 + "]" * 500 + "\n")
    monkeypatch.setenv(ENVIRONMENT, str(keys))
    notes: list[Notification] = []
    app = WorkbenchApp(demo)
    async with app.run_test(size=(120, 40), message_hook=notes_hook(notes)) as pilot:
        await settle(app, pilot)
        errors = [note for note in notes if note.severity == "error"]
        assert len(errors) == 1 and "limit" in errors[0].message
        assert app.project is not None


# --- 9. a 50 MB single-line text -------------------------------------------------------------


def test_9_a_paragraph_longer_than_spacy_takes_is_split(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.text import nlp

    pipeline = nlp.pipeline("en")
    monkeypatch.setattr(pipeline, "max_length", 5_000)
    monkeypatch.setattr(nlp, "MAX_PIECE_CHARS", 1_000)
    text = "We talk in the library. " * 1_000  # 24,000 characters on one line
    spans = list(nlp.sentence_spans("en", [(7, text)]))
    assert len(spans) >= 900
    assert all(7 <= start < end <= 7 + len(text) for start, end in spans)
    assert all(text[start - 7 : end - 7].strip() for start, end in spans)


def test_9_a_long_single_line_imports_and_a_50_mb_one_is_refused(cli: Any, tmp_path: Path) -> None:
    study = project(cli, tmp_path)
    line = tmp_path / "line.txt"
    line.write_text("Interviewee: " + "we meet at the library and talk " * 8_000)  # 256 KB
    cli("import", study, line)
    huge = tmp_path / "huge.txt"
    with huge.open("w") as handle:
        for _ in range(50):
            handle.write("the library " * 87_382)  # 50 MB, no line break
    one_line_error(cli("import", study, huge, ok=False), str(huge), "limit of 10,000,000")


# --- 10. zip bombs ---------------------------------------------------------------------------


@pytest.mark.skipif(not MEASURABLE, reason="the peak memory is read from /proc")
@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_10_a_zip_bomb_is_refused_before_it_is_decompressed(
    cli: Any, tmp_path: Path, kind: str
) -> None:
    study = project(cli, tmp_path)
    member, other = (
        ("word/document.xml", "[Content_Types].xml")
        if kind == "docx"
        else (
            "content.xml",
            "mimetype",
        )
    )
    bomb = zip_bomb(tmp_path / f"bomb.{kind}", member, 1 << 30, {other: b""})
    assert bomb.stat().st_size < 10 << 20
    status, stderr, rss = run_workbench("import", study, bomb)
    assert status == 1 and "limit" in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert rss < MAX_RSS_BYTES, rss


@pytest.mark.skipif(not MEASURABLE, reason="the peak memory is read from /proc")
def test_10_a_qdpx_with_a_huge_source_is_refused_before_it_is_read(tmp_path: Path) -> None:
    guid = "00000002-0000-4000-8000-000000000002"
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="test"><Sources>'
        f'<TextSource guid="{guid}" name="doc" plainTextPath="internal://{guid}.txt"/>'
        "</Sources></Project>"
    )
    qdpx = tmp_path / "big.qdpx"
    with zipfile.ZipFile(qdpx, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", qde)
        with archive.open(f"sources/{guid}.txt", "w", force_zip64=True) as handle:
            chunk = (b"Interviewee: the library is where we meet. " * 24_000)[: 1 << 20]
            for _ in range(48):
                handle.write(chunk)
    status, stderr, rss = run_workbench("import-qdpx", qdpx, tmp_path / "new.db")
    assert status == 1 and "limit" in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert rss < MAX_RSS_BYTES, rss
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.qdpx"]


# --- 11. a read-only project -----------------------------------------------------------------


def _read_only_runner() -> list[str] | None:
    """A command prefix that runs without the power to write what the permission bits
    forbid: nothing for a normal user; for root, ``setpriv`` dropping CAP_DAC_OVERRIDE."""
    if not POSIX:
        return None
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@SQLITE_ONLY
@pytest.mark.skipif(_read_only_runner() is None, reason="needs POSIX, or setpriv as root")
def test_11_a_project_in_a_read_only_folder_is_read_and_exported(cli: Any, tmp_path: Path) -> None:
    prefix = _read_only_runner()
    assert prefix is not None
    shared = tmp_path / "shared"
    shared.mkdir()
    study = project(cli, shared)
    transcript = tmp_path / "t.txt"
    transcript.write_text("Interviewer: Where do you go?\nInterviewee: To the library.\n")
    cli("import", study, transcript)
    cli("codebook", "add", study, "opening")
    cli("code", study, "t", 0, 11, "opening")
    before = {p.name: sha256(p) for p in shared.iterdir()}
    out = tmp_path / "out"
    out.mkdir()

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        command = [*prefix, sys.executable, "-m", "workbench", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    shared.chmod(0o555)
    try:
        for args in (
            ("docs", study, "--json"),
            ("codes", study),
            ("fragments", study, "opening", "--format", "json"),
            ("cooccur", study, "--json"),
            ("check", study),
            ("export", study, "-o", out / "study.qdpx"),
        ):
            result = run(*args)
            assert result.returncode == 0, (args, result.stderr)
        assert (out / "study.qdpx").exists()
        refused = run("codebook", "add", study, "stigma")
        assert refused.returncode == 1
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "read-only" in refused.stderr
    finally:
        shared.chmod(0o755)
    assert {p.name: sha256(p) for p in shared.iterdir()} == before


# --- 12. temporaries of killed writers are cleaned up ----------------------------------------


@SQLITE_ONLY
@pytest.mark.skipif(not POSIX, reason="needs POSIX signals")
def test_12_a_killed_exports_temporary_is_removed_by_the_next_export(
    cli: Any, tmp_path: Path
) -> None:
    study = project(cli, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from pathlib import Path\n"
            "from workbench.exchange.files import temporary_beside\n"
            "with temporary_beside(Path(sys.argv[1])) as temporary:\n"
            "    temporary.write_bytes(b'half an export')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n",
            str(out / "study.qdpx"),
        ],
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL
    left = list(out.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".study.qdpx.")
    cli("export", study, "-o", out / "codes.yaml")
    assert sorted(p.name for p in out.iterdir()) == ["codes.yaml"]


def test_12_a_running_writers_temporary_is_kept(tmp_path: Path) -> None:
    from workbench.project.files import remove_stale_temporaries, temporary_path

    mine = temporary_path(tmp_path / "a.qdpx")
    mine.write_bytes(b"")
    other = tmp_path / ".notes.txt.tmp"  # not ours: never touched
    other.write_bytes(b"")
    assert remove_stale_temporaries(tmp_path) == []
    assert mine.exists() and other.exists()


# --- 13. minor -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["ctrl+alt+shift+\u0000,,,+++", "ctrl+", "k,,u", "hyperspace+k", "ctrl+\t", "no such key"],
)
def test_13_odd_key_strings_are_refused(tmp_path: Path, key: str) -> None:
    import json

    from workbench.tui.keys import load_keymap

    path = tmp_path / "keys.toml"
    path.write_text(f'[keys]\n"coding.code" = {json.dumps(key)}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a key string"):
        load_keymap(path, {"coding.code"})
    path.write_text('[keys]\n"coding.code" = "ctrl+shift+f1, question_mark ,K"\n')
    assert load_keymap(path, {"coding.code"}) == {"coding.code": "ctrl+shift+f1, question_mark ,K"}


def test_13_a_docx_with_a_doctype_is_refused(tmp_path: Path) -> None:
    from workbench.text.readers import read_file

    for path, reason in hostile_transcripts(tmp_path / "hostile"):
        if path.name == "doctype.docx":
            with pytest.raises(InputError, match=reason) as caught:
                read_file(path)
            assert "member word/document.xml" in str(caught.value)


def test_13_a_folder_as_the_project_gets_one_line(cli: Any, tmp_path: Path) -> None:
    for args in (("docs", tmp_path), ("init", tmp_path), ("codebook", "add", tmp_path, "x")):
        one_line_error(cli(*args, ok=False), str(tmp_path), "folder")


# --- the hostile corpus through both shells --------------------------------------------------


def test_hostile_transcripts_are_refused_by_the_cli_and_the_tuis_import(
    cli: Any, tmp_path: Path
) -> None:
    from workbench.project import db
    from workbench.services.importing import import_files

    study = project(cli, tmp_path)
    before = sha256(study)
    for path, reason in hostile_transcripts(tmp_path / "hostile"):
        one_line_error(cli("import", study, path, ok=False), str(path), reason)
        opened = db.open_project(study)
        try:  # what the TUI's import calls
            with pytest.raises(WorkbenchError) as caught:
                import_files(opened, [path])
            assert reason in str(caught.value) and str(path) in str(caught.value)
        finally:
            opened.dispose()
    assert sha256(study) == before


# --- fuzz: any input gives a result or one of the workbench's own errors ---------------------


SUFFIXES = [".txt", ".md", ".docx", ".odt", ".vtt", ".srt"]


@given(st.sampled_from(SUFFIXES), st.binary(max_size=2_000))
@FUZZ
def test_fuzz_every_reader_with_bytes(suffix: str, data: bytes) -> None:
    from workbench.text.readers import READERS

    try:
        READERS[suffix](Path(f"fuzz{suffix}"), data)
    except WorkbenchError:
        pass


SUBTITLE_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "WEBVTT",
                "",
                "1",
                "NOTE a note",
                "STYLE",
                "00:00:01.000 --> 00:00:02.000",
                "00:00:01,000 --> 00:00:02,000",
                "00:01.000 -> 00:02.000",
                "00:00:01.000 --> 00:00:02.000 align:start line:0%",
                "<v Anna>Hello there",
                "Interviewer: a question?",
                "-->",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=30,
)


@given(st.sampled_from([".vtt", ".srt", ".txt"]), SUBTITLE_LINES)
@FUZZ
def test_fuzz_the_subtitle_readers_with_lines(suffix: str, lines: list[str]) -> None:
    from workbench.text.readers import READERS

    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    try:
        READERS[suffix](Path(f"fuzz{suffix}"), data)
    except WorkbenchError:
        pass


def _package(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@given(
    st.sampled_from([".docx", ".odt"]),
    st.dictionaries(
        st.sampled_from(
            [
                "word/document.xml",
                "[Content_Types].xml",
                "_rels/.rels",
                "content.xml",
                "mimetype",
                "../escape.xml",
                "/absolute.xml",
            ]
        ),
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from(
                [
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
                    b"<w:document xmlns:w='urn:x'><w:body/></w:document>",
                    b"<office:document-content/>",
                ]
            ),
        ),
        max_size=4,
    ),
)
@FUZZ
def test_fuzz_the_package_readers_with_zips(suffix: str, members: dict[str, bytes]) -> None:
    from workbench.text.readers import READERS

    try:
        READERS[suffix](Path(f"fuzz{suffix}"), _package(members))
    except WorkbenchError:
        pass


QUERY_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(
        st.sampled_from(
            ["(", ")", "!", "&", "|", " ", "overlaps", "a", '"b c"', "place:", "attr:", "=", "x"]
        ),
        max_size=60,
    ).map("".join),
)


@given(QUERY_TEXT)
@FUZZ
def test_fuzz_the_query_parser(text: str) -> None:
    from workbench.analysis.query import QueryError, parse

    try:
        tree = parse(text)
    except QueryError as error:
        assert 1 <= error.column <= len(text) + 1
    else:
        assert parse(str(tree)) == tree or str(parse(str(tree))) == str(tree)


@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "codes:",
                    "  - name: a",
                    "    children:",
                    "      - name: b",
                    "place_kinds: [{name: library}]",
                    "x: &x [1, 2]",
                    "y: [*x, *x]",
                    "- ",
                    "  ",
                    "[",
                    "{",
                    "!!python/object:os.system",
                    "<<: *x",
                ]
            ),
            max_size=20,
        ).map("\n".join),
    )
)
@FUZZ
def test_fuzz_the_codebook_loader(text: str) -> None:
    from workbench.coding.codebook import parse_codebook

    try:
        parse_codebook(text, "fuzz.yaml")
    except WorkbenchError:
        pass


@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                ["[keys]", '"coding.code" = ', '"k"', '"ctrl+', "[", "{", "]", "}", "a = ", "\n"]
            ),
            max_size=40,
        ).map("".join),
    )
)
@FUZZ
def test_fuzz_the_keys_loader(tmp_path: Path, text: str) -> None:
    from workbench.tui.keys import load_keymap

    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_keymap(path, {"coding.code", "app.undo"})
    except WorkbenchError:
        pass

"""Bad input: a one-line error naming the file and the reason, a non-zero exit, and a
project left exactly as it was (every table compared row by row)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import SHIPPED_CODEBOOK, Targets, as_json, dump_file
from workbench.project import db
from workbench.project.target import ProjectTarget


@pytest.fixture
def study(tmp_path: Path, cli, targets: Targets) -> ProjectTarget:  # type: ignore[no-untyped-def]
    path = targets.new()
    cli("init", path, "--codebook", SHIPPED_CODEBOOK, "--language", "en")
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: How is the library?\nInterviewee: It feels welcoming.\n")
    cli("import", path, good)
    cli("code", path, "good", 0, 11, "welcome")
    return path


def _refused(cli, study: ProjectTarget, *args: object, expect: str) -> str:  # type: ignore[no-untyped-def]
    before = dump_file(study)
    result = cli(*args, ok=False)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expect in lines[0], lines[0]
    assert result.stdout == ""
    assert dump_file(study) == before
    return lines[0]


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Interviewer: Where do you meet people?")
    document.add_paragraph("Interviewee: At the market, every Saturday.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_binary_file(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    line = _refused(cli, study, "import", study, bad, expect="binary")
    assert str(bad) in line


def test_empty_file(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    _refused(cli, study, "import", study, bad, expect=f"{bad}: the file is empty")
    blank = tmp_path / "blank.md"
    blank.write_text(" \n\n\t\n")
    _refused(cli, study, "import", study, blank, expect="empty")


def test_truncated_docx(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _docx_bytes()
    bad = tmp_path / "cut.docx"
    bad.write_bytes(data[: len(data) // 2])
    _refused(cli, study, "import", study, bad, expect=f"{bad}: damaged or truncated")


def test_docx_with_a_corrupt_member(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    bad = tmp_path / "corrupt.docx"
    with zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "word/document.xml":
                body = body[:200]  # not well-formed XML any more
            target.writestr(item, body)
    _refused(cli, study, "import", study, bad, expect=f"{bad}: cannot read this Word file")


def test_text_file_named_docx(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.docx"
    bad.write_text("I am not a Word file")
    _refused(cli, study, "import", study, bad, expect="not a Word (.docx) file")


def test_windows_1252_is_imported_and_reported(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "cp.txt"
    text = "Interviewer: Was het café “gezellig”?\nInterviewee: Ja – zeker, één keer per week.\n"
    source.write_bytes(text.encode("cp1252"))
    result = cli("import", study, source)
    assert "read as Windows-1252" in result.stderr
    from workbench.project.db import open_project

    project = open_project(study)
    with project.session() as session:
        from workbench.coding.lookups import find_document

        document = find_document(session, "cp")
        assert document.text == text.rstrip("\n") + "\n"
        assert document.encoding == "cp1252"
    project.dispose()


def test_neither_utf8_nor_windows_1252(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "odd.txt"
    bad.write_bytes(b"Interviewer: caf\xe9 \x81\x8d\x90 end\n")  # 0x81 0x8D 0x90: unused in cp1252
    _refused(cli, study, "import", study, bad, expect="not valid UTF-8 and not Windows-1252")


def test_one_bad_file_in_a_batch_imports_nothing(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fine = tmp_path / "fine.txt"
    fine.write_text("Interviewer: Hello\nInterviewee: Hi\n")
    empty = tmp_path / "nothing.txt"
    empty.write_text("")
    _refused(cli, study, "import", study, fine, empty, expect=str(empty))
    assert [d["name"] for d in as_json(cli("docs", study, "--json"))] == ["good"]


def test_same_file_twice_is_refused_unless_renamed(
    cli, study: ProjectTarget, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "good.txt"
    _refused(cli, study, "import", study, copy, expect="already in the project")
    moved = tmp_path / "other-name.txt"
    moved.write_text(copy.read_text())
    _refused(
        cli, study, "import", study, moved, expect="same text is already in the project as 'good'"
    )
    cli("import", study, moved, "--name", "good (second reading)")
    names = [d["name"] for d in as_json(cli("docs", study, "--json"))]
    assert names == ["good", "good (second reading)"]


def test_codebook_with_duplicate_code_name(cli, tmp_path: Path, targets: Targets) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "dup.yaml"
    book.write_text(
        "name: test\n"
        "codes:\n"
        "  - name: welcome\n"
        "    children:\n"
        "      - name: host role\n"
        "  - name: stigma\n"
        "    children:\n"
        "      - name: Welcome\n"
    )
    target = targets.new("new")
    result = cli("init", target, "--codebook", book, ok=False)
    assert result.exit_code != 0
    assert result.stderr.strip() == (
        f'workbench: error: {book}: line 8: duplicate code name "Welcome" (as "welcome" on '
        "line 3: names are unique in any letter case and spacing)"
    )
    assert not db.project_exists(target)


def test_loading_a_bad_codebook_into_a_project(cli, study: ProjectTarget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "bad.yaml"
    book.write_text("codes:\n  - name: ok\n  - name: broken\n    color: red\n")
    _refused(cli, study, "codebook", "load", study, book, expect=f"{book}: line 4: codes.1.color")


def test_offset_past_the_end(cli, study: ProjectTarget) -> None:  # type: ignore[no-untyped-def]
    _refused(
        cli,
        study,
        "code",
        study,
        "good",
        10,
        100000,
        "welcome",
        expect="offset 100000 is past the end of document 'good'",
    )
    _refused(cli, study, "code", study, "good", 20, 10, "welcome", expect="must be greater")


def test_code_that_does_not_exist(cli, study: ProjectTarget) -> None:  # type: ignore[no-untyped-def]
    line = _refused(
        cli,
        study,
        "code",
        study,
        "good",
        0,
        11,
        "welcome",
        "welcom3",
        expect='no code called "welcom3"',
    )
    assert 'did you mean "welcome"' in line


def test_unknown_document_place_segment_and_kind(cli, study: ProjectTarget) -> None:  # type: ignore[no-untyped-def]
    _refused(cli, study, "code", study, "nope", 0, 5, "welcome", expect='no document called "nope"')
    _refused(cli, study, "link", study, 999, "Library", expect="no segment 999")
    _refused(
        cli,
        study,
        "place",
        "add",
        study,
        "Somewhere",
        "--kind",
        "spaceport",
        expect='unknown place kind "spaceport"',
    )
    _refused(
        cli,
        study,
        "place",
        "add",
        study,
        "Somewhere",
        "--kind",
        "park",
        "--status",
        "gone",
        expect="unknown place status 'gone'",
    )

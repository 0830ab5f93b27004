"""The archive export (issue 12): a folder for a data archive, pseudonymised, read back.

The study of :mod:`tests.test_pseudonym_leaks` (fictional transcripts named after people)
is exported with ``--format archive``; every file is read back (DOCX member by member) and
checked against values computed here: the transcripts with the names replaced by a plain
regular expression, the segments against the database's codings, the cases, the codebook
counts, and the key read back by ``pseudonym load``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.conftest import as_json, sql_rows
from tests.test_pseudonym_leaks import (
    JAN,
    OKAFOR,
    TABLE,
    WILLIS,
    build_study,
    leftovers_in_folder,
    names_in,
    written,
)

ORIGINALS = {
    "FTF17_Willis_StMarys_1991": WILLIS,
    "interview-JanDeVries": JAN,
    "Okafor_N_lunchroom": OKAFOR,
}


def pseudonymised(text: str) -> str:
    """The names of :data:`TABLE` replaced, longest first, by a plain regular expression
    (independent of the code under test; the pseudonyms hold no listed name)."""
    pairs = [(name, p) for real, p, _kind, variants in TABLE for name in (real, *variants)]
    for name, pseudonym in sorted(pairs, key=lambda pair: -len(pair[0])):
        text = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", pseudonym, text)
    return text


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def archive_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def study(cli, targets, tmp_path: Path) -> tuple[Any, dict[str, Any]]:  # type: ignore[no-untyped-def]
    source = tmp_path / "sources"
    source.mkdir()
    target = targets.new("study")
    return target, build_study(cli, target, source)


def test_the_archive_holds_every_part_pseudonymised(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path, targets
) -> None:  # type: ignore[no-untyped-def]
    target, facts = study
    ids = facts["ids"]
    folder, key = tmp_path / "archive", tmp_path / "private" / "key.csv"
    key.parent.mkdir()
    done = as_json(
        cli("export", target, "-o", folder, "--format", "archive", "--with-key", key, "--json")
    )
    assert done["documents"] == 3 and done["segments"] == 4 and done["cases"] == 1
    stems = {
        "FTF17_Willis_StMarys_1991": f"Doc_{ids['FTF17_Willis_StMarys_1991']}",
        "interview-JanDeVries": "Interview_Piet_Bakker",
        "Okafor_N_lunchroom": f"Doc_{ids['Okafor_N_lunchroom']}",
    }
    files = archive_files(folder)
    expected = {"README.txt", "codebook.csv", "segments.csv", "cases.csv"}
    expected |= {f"transcripts/{s}.{suffix}" for s in stems.values() for suffix in ("txt", "docx")}
    assert set(files) == expected
    assert done["files"] == len(expected)

    # no real name anywhere: names of the files, their text, every part of every DOCX
    for name, path in files.items():
        assert names_in([name, *written(path)]) == set(), name
    readme = files["README.txt"].read_text(encoding="utf-8")
    for name in ("codebook.csv", "segments.csv", "cases.csv", "transcripts/"):
        assert name in readme
    assert "NOT part of this archive" in readme

    # the transcripts: the original with the names replaced, as .txt and as .docx
    texts: dict[str, str] = {}
    for document, stem in stems.items():
        text = files[f"transcripts/{stem}.txt"].read_text(encoding="utf-8")
        assert text == pseudonymised(ORIGINALS[document])
        texts[stem.replace("_", " ")] = text
        word = docx.Document(str(files[f"transcripts/{stem}.docx"]))
        paragraphs = word.paragraphs
        assert [p.text for p in paragraphs] == text.split("\n")
        interviewer = [p for p in paragraphs if p.text.startswith("I:")]
        assert interviewer
        for paragraph in interviewer:  # a turn with its label: the label bold, the speech not
            assert paragraph.runs[0].text.strip() == "I:" and paragraph.runs[0].bold
            assert not any(run.bold for run in paragraph.runs[1:])
        assert word.core_properties.author == ""
        assert word.core_properties.title == stem.replace("_", " ")
    assert "Parker" in texts[f"Doc {ids['FTF17_Willis_StMarys_1991']}"]

    # the segments: offsets into the archived .txt files, codes as in the database
    codes_of: dict[int, set[str]] = {}
    for segment_id, code in sql_rows(
        target,
        "SELECT coding.segment_id, code.name FROM coding JOIN code ON code.id = coding.code_id"
        " ORDER BY coding.segment_id",
    ):
        codes_of.setdefault(int(segment_id), set()).add(str(code))
    originals = {
        int(i): (str(name), int(s), int(e))
        for i, name, s, e in sql_rows(
            target,
            'SELECT segment.id, document.name, segment.start, segment."end" FROM segment'
            " JOIN document ON document.id = segment.document_id ORDER BY segment.id",
        )
    }
    rows = read_csv(files["segments.csv"])
    assert sorted(int(r["segment"]) for r in rows) == sorted(originals)
    for row in rows:
        segment = int(row["segment"])
        text = texts[row["document"]]
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == row["text"]
        document, o_start, o_end = originals[segment]
        assert row["text"] == pseudonymised(ORIGINALS[document][o_start:o_end])
        assert int(row["line_start"]) == text.count("\n", 0, start) + 1
        assert set(row["codes"].split("; ")) == codes_of[segment]
    memos = {r["memo"] for r in rows} - {""}
    assert memos == {"Parker feels at home", "Mensah as host", "regulars: Ann Parker, Kees"}
    assert {r["places"] for r in rows} - {""} == {"Oakfield Library"}

    # the cases with their attributes; the codebook with its counts
    assert read_csv(files["cases.csv"]) == [
        {
            "case": "Ann Parker",
            "documents": f"Doc {ids['FTF17_Willis_StMarys_1991']}",
            "street": "Oakfield",
        }
    ]
    counts = {
        str(name): int(n)
        for name, n in sql_rows(
            target,
            "SELECT code.name, COUNT(DISTINCT coding.segment_id) FROM code"
            " JOIN coding ON coding.code_id = code.id GROUP BY code.name ORDER BY code.name",
        )
    }
    codebook = {r["code"]: int(r["segments"]) for r in read_csv(files["codebook.csv"])}
    assert {k: v for k, v in codebook.items() if v} == counts

    # the key: only where asked, outside the archive, and readable by `pseudonym load`
    assert key.is_file() and not any("key" in name for name in files)
    fresh = targets.new("fresh")
    cli("init", fresh)
    cli("pseudonym", "load", fresh, key)
    listed = as_json(cli("pseudonym", "list", fresh, "--json"))
    assert sorted((e["real"], e["pseudonym"], e["kind"], e["variants"]) for e in listed) == sorted(
        (r, p, k, v) for r, p, k, v in TABLE
    )


def test_strict_by_default_writes_nothing_when_a_name_is_left(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    cli("memo", target, "doc", "Okafor_N_lunchroom", "not exported")
    segment = as_json(cli("fragments", target, '"host role"', "--format", "json"))[0]["segment"]
    cli("memo", target, "segment", segment, "met at the StMarys market")
    folder = tmp_path / "archive"
    refused = cli("export", target, "-o", folder, "--format", "archive", ok=False)
    assert refused.exit_code != 0
    assert len(refused.stderr.strip().splitlines()) == 1
    assert str(folder) in refused.stderr and "'St Marys'" in refused.stderr
    assert "segments.csv" in refused.stderr
    assert not folder.exists() and leftovers_in_folder(tmp_path) == []
    lenient = cli("export", target, "-o", folder, "--format", "archive", "--no-strict")
    assert "'St Marys'" in lenient.stderr and (folder / "segments.csv").is_file()


def test_folders_keys_and_an_empty_table_are_refused_in_one_line(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path, targets
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine", encoding="utf-8")
    refused = cli("export", target, "-o", full, "--format", "archive", ok=False)
    assert "not empty" in refused.stderr and sorted(os.listdir(full)) == ["notes.txt"]
    inside = tmp_path / "new"
    refused = cli(
        "export", target, "-o", inside, "--format", "archive", "--with-key", inside / "k.csv",
        ok=False,
    )  # fmt: skip
    assert "never goes into the archive" in refused.stderr and not inside.exists()
    refused = cli(
        "export", target, "-o", inside, "--format", "archive", "--with-key", tmp_path / "k.yaml",
        ok=False,
    )  # fmt: skip
    assert ".csv" in refused.stderr and not inside.exists()
    misused = cli("export", target, "-o", tmp_path / "x.qdpx", "--no-strict", ok=False)
    assert "--format archive" in misused.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    cli("export", target, "-o", empty, "--format", "archive")  # an empty folder will do
    assert (empty / "README.txt").is_file()

    bare = targets.new("bare")
    cli("init", bare)
    refused = cli("export", bare, "-o", tmp_path / "bare", "--format", "archive", ok=False)
    assert "table is empty" in refused.stderr and not (tmp_path / "bare").exists()
    lenient = cli("export", bare, "-o", tmp_path / "bare", "--format", "archive", "--no-strict")
    assert "table is empty" in lenient.stderr and (tmp_path / "bare" / "README.txt").is_file()


@pytest.mark.sqlite_only(reason="file permissions follow the project file")
def test_the_archive_gets_the_project_files_permissions(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    os.chmod(target, 0o600)
    folder = tmp_path / "archive"
    cli("export", target, "-o", folder, "--format", "archive")
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


async def test_the_export_dialog_writes_an_archive(demo, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input, Select

    from tests.test_tui_screens import SIZE, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.dialogs.export import ExportDialog

    cli("pseudonym", "add", demo, "Gerda", "Marja")
    folder = tmp_path / "deposit"
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-kind", Select).value = "archive"
        await pilot.pause()
        assert dialog.query_one("#export-path", Input).value.endswith("-archive")
        dialog.query_one("#export-path", Input).value = str(folder)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Wrote" in str(dialog.query_one("#export-result").render())
    texts = [t for path in folder.rglob("*") if path.is_file() for t in written(path)]
    assert not any("Gerda" in text for text in texts)
    assert any("Marja" in text for text in texts)


def test_a_killed_archive_export_leaves_a_folder_the_next_one_removes(tmp_path: Path) -> None:
    import subprocess
    import sys

    from workbench.project.files import folder_beside, temporary_path, write_new

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    ours = temporary_path(tmp_path / "archive").name
    stale = tmp_path / re.sub(r"-\d+-([0-9a-f]{8})$", rf"-{ended.pid}-\1", ours)
    (stale / "transcripts").mkdir(parents=True)
    (stale / "transcripts" / "Doc_1.txt").write_text("half", encoding="utf-8")
    with folder_beside(tmp_path / "archive") as folder:
        write_new(folder / "README.txt", "whole")
    assert sorted(os.listdir(tmp_path)) == ["archive"]
    assert (tmp_path / "archive" / "README.txt").read_text(encoding="utf-8") == "whole"
    with pytest.raises(RuntimeError), folder_beside(tmp_path / "second") as folder:
        write_new(folder / "README.txt", "half")
        raise RuntimeError("killed")
    assert sorted(os.listdir(tmp_path)) == ["archive"]

"""A process killed (SIGKILL) in the middle of an import leaves a project that opens, passes
``check`` (on SQLite ``PRAGMA integrity_check`` too), and holds no half-imported document."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Targets, sql_rows
from workbench.analysis.integrity import check_project
from workbench.project import db

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")


def _transcript(number: int, turns: int = 1200) -> str:
    lines = [f"Interview {number} (generated for a test)", ""]
    for turn in range(turns):
        lines.append(
            f"Interviewer: Question {turn} about the library and the park, number {number}?"
        )
        lines.append(
            f"Interviewee: Answer {turn}. I go to the community centre on Tuesdays. "
            "The staff there make me feel welcome, and I meet neighbours. It is my second home."
        )
    return "\n".join(lines)


def test_sigkill_during_import_leaves_a_whole_project(tmp_path: Path, targets: Targets) -> None:
    project_path = targets.new()
    db.create_project(project_path).dispose()
    files = []
    for number in range(24):
        path = tmp_path / f"interview{number:02}.txt"
        path.write_text(_transcript(number))
        files.append(path)

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "import",
            str(project_path),
            *map(str, files),
            "--language",
            "en",
            "--progress",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen = line
        if line.startswith("[27/48] storing") or not line:
            break
    # 24 files read, 2 stored inside the open transaction, the 3rd being stored.
    assert seen.startswith("[27/48] storing"), f"import did not get under way: {seen!r}"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    if targets.sqlite:
        with sqlite3.connect(project_path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.close()
    for table in ("document", "turn", "sentence", "paragraph"):
        assert sql_rows(project_path, f"SELECT count(*) FROM {table}") == [(0,)]
    project = db.open_project(project_path)
    assert check_project(project) == []
    project.dispose()

    # The project is still usable: the same import now goes through whole.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "import",
            str(project_path),
            *map(str, files[:3]),
            "--language",
            "en",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert sql_rows(project_path, "SELECT count(*) FROM document") == [(3,)]
    assert sql_rows(project_path, "SELECT count(*) FROM turn") == [(3 * 2400,)]


# --- a new project appears whole or not at all ----------------------------------------------


def _big_codebook(path: Path, codes: int = 2000) -> Path:
    lines = ["name: Big", "codes:"]
    for number in range(codes):
        lines += [f"  - name: code-{number}", f"    description: Code number {number}."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _big_qdpx(path: Path, documents: int = 24) -> Path:
    import zipfile

    sources = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(documents):
            guid = f"00000002-0000-4000-8000-{number:012d}"
            archive.writestr(f"sources/{guid}.txt", _transcript(number))
            sources.append(
                f'<TextSource guid="{guid}" name="interview-{number:02}" '
                f'plainTextPath="internal://{guid}.txt"/>'
            )
        archive.writestr(
            "project.qde",
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="test">'
            '<CodeBook><Codes><Code guid="00000001-0000-4000-8000-000000000001" name="imported"'
            ' isCodable="true"/></Codes></CodeBook>'
            f"<Sources>{''.join(sources)}</Sources></Project>",
        )
    return path


@pytest.mark.sqlite_only(reason="a new SQLite file appears under its name only when complete")
@pytest.mark.parametrize("command", ["init", "import-qdpx"])
def test_sigkill_while_a_new_project_is_made_leaves_no_file(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    target = folder / "study.db"
    if command == "init":
        args = ["init", str(target), "--codebook", str(_big_codebook(tmp_path / "big.yaml"))]
    else:
        args = ["import-qdpx", str(_big_qdpx(tmp_path / "big.qdpx")), str(target)]
    args += ["--language", "en"]
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not any(folder.iterdir()) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    # The project is being made (its file, or its temporary, has just appeared).
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the command ended before it was killed"
    assert not target.exists()
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []

    # The same command now goes through, and the killed one's temporary is gone.
    done = subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["study.db"]
    project = db.open_project(target)
    assert check_project(project) == []
    project.dispose()
    if command == "init":
        assert sql_rows(target, "SELECT count(*) FROM code") == [(2000,)]
    else:
        assert sql_rows(target, "SELECT count(*) FROM document") == [(24,)]

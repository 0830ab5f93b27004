"""A process killed (SIGKILL) in the middle of an import leaves a project that opens, passes
``PRAGMA integrity_check``, and holds no half-imported document."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def test_sigkill_during_import_leaves_a_whole_project(tmp_path: Path) -> None:
    project_path = tmp_path / "study.db"
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

    with sqlite3.connect(project_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM document").fetchone() == (0,)
        for table in ("turn", "sentence", "paragraph"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
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
    with sqlite3.connect(project_path) as connection:
        assert connection.execute("SELECT count(*) FROM document").fetchone() == (3,)
        turns = connection.execute("SELECT count(*) FROM turn").fetchone()[0]
        assert turns == 3 * 2400

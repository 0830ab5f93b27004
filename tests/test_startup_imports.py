"""Start-up stays lean: what a command loads, checked in a fresh interpreter (no timings here;
those are in ``benchmarks/startup.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import Targets
from workbench.project import db

REPO = Path(__file__).resolve().parents[1]

#: Heavy libraries that no read command on an up-to-date project needs.
NOT_FOR_READING = ("alembic", "mako", "spacy", "textual", "rich", "yaml", "lxml", "docx")

PROBE = """
import json, sys
argv = json.loads(sys.argv[1])
sys.argv = ["workbench", *argv]
from workbench.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
models = sys.modules.get("workbench.project.models")
built = []
if models is not None:
    from sqlmodel import SQLModel
    built = sorted(
        name for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, SQLModel) and value is not SQLModel
        and value.__pydantic_complete__
    )
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules), "built": built}))
"""


def probe(*argv: object) -> tuple[str, dict[str, object]]:
    """Run ``workbench ARGV`` in a fresh interpreter: its output and what it had loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([str(a) for a in argv])],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    output, _, last = done.stdout.rstrip("\n").rpartition("\n")
    return output, json.loads(last)


def loaded(report: dict[str, object], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (packages) were imported."""
    modules = report["modules"]
    assert isinstance(modules, list)
    return sorted({n for n in names for m in modules if m == n or m.startswith(n + ".")})


def test_help_and_version_load_no_database_layer() -> None:
    for argv in (["--help"], ["--version"]):
        _, report = probe(*argv)
        assert report["code"] == 0
        assert loaded(report, ("sqlalchemy", "sqlmodel", "pydantic", "importlib.metadata")) == []


def test_version_is_the_one_in_pyproject() -> None:
    expected = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    output, report = probe("--version")
    assert report["code"] == 0
    assert output.strip().endswith(f"version {expected}")


def test_reading_a_current_project_loads_no_migrations_and_builds_no_validators(
    project: db.Project,
) -> None:
    output, report = probe("docs", project.target, "--json")
    assert report["code"] == 0
    assert json.loads(output) == []  # the command really ran on the project
    assert "sqlalchemy" in loaded(report, ("sqlalchemy",))  # the probe sees imports
    assert loaded(report, NOT_FOR_READING) == []
    # Table models are used without ever building their pydantic validators.
    assert report["built"] == []


def test_an_old_project_is_still_migrated_when_opened(tmp_path: Path, targets: Targets) -> None:
    """The control: opening a project one revision behind does load Alembic, migrates it
    and (a file) keeps a backup, so the check above would notice an eager import."""
    path = targets.new("old")
    engine = db.make_engine(db.database_url(path))
    db.upgrade(engine, db.REVISIONS[-2])
    engine.dispose()
    output, report = probe("docs", path, "--json")
    assert report["code"] == 0 and json.loads(output) == []
    assert loaded(report, ("alembic",)) == ["alembic"]
    engine = db.make_engine(db.database_url(path))
    assert db.current_revision(engine) == db.HEAD_REVISION
    engine.dispose()
    assert bool(list(tmp_path.glob("old.db.bak-*"))) is targets.sqlite

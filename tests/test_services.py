"""One core for both shells: every user action is one service function, reached from the
command line and from the TUI alike, and neither shell opens a session or a transaction.

These tests read the shells' source (their imports and calls), so that a write added to a
shell without a service, or a service one shell forgot, fails here.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import workbench
from workbench.cli import COMMANDS, load_command

PACKAGE = Path(workbench.__file__).parent
SERVICES = PACKAGE / "services"
SHELLS = {"cli": PACKAGE / "cli", "tui": PACKAGE / "tui"}
#: The service modules that change a project or write files (reading.py only reads).
ACTION_MODULES = (
    "codebook",
    "coding",
    "places",
    "cases",
    "history",
    "importing",
    "exports",
    "pseudonyms",
    "project",
    "merge",
    "speakers",
    "documents",
    "purge",
    "positions",
)

#: Service functions that only one shell calls, and why. Everything else must be called by both.
SHELL_SPECIFIC: dict[str, tuple[str, str]] = {
    "project.init_project": ("cli", "the TUI opens existing projects; `workbench init` makes them"),
    "project.check": ("cli", "`workbench check`; the TUI has no integrity view"),
    "project.interface_language": (
        "tui",
        "the TUI chooses its language when the project opens; the command line speaks English",
    ),
    "codebook.load_codebook": ("cli", "`codebook load`; the TUI edits codes one at a time"),
    "exports.export_codebook": (
        "cli",
        "`codebook export`; the TUI's export dialog writes the same file through export_project",
    ),
    "exports.project_format_for": (
        "cli",
        "the suffix of -o names the format; the TUI's export dialog lists the formats",
    ),
    "coding.link": ("cli", "`link SEGMENT PLACE`; the TUI's place picker uses link_place"),
    "coding.add_memo": (
        "cli",
        "memos on any target; the TUI writes segment memos through save_segment_memo",
    ),
    "coding.link_place": ("tui", "the place picker: link a selection, creating its segment"),
    "coding.save_segment_memo": ("tui", "the memo dialog: add, edit or delete a segment memo"),
    "cases.add_case": ("cli", "`case add`; the TUI shows cases but does not edit them yet"),
    "history.history": ("cli", "`history`; the TUI reports each undo and redo as it happens"),
    "importing.import_qdpx_file": ("cli", "`import-qdpx`, which can also create the project"),
    "importing.import_qdpx": ("none", "called by import_qdpx_file, into an open project"),
    "pseudonyms.add": ("cli", "`pseudonym add`; the TUI's exports use the table"),
    "pseudonyms.remove": ("cli", "`pseudonym remove`"),
    "pseudonyms.load": ("cli", "`pseudonym load`"),
    "pseudonyms.entries": ("cli", "`pseudonym list`"),
    "positions.remembered": ("tui", "where the reader left a transcript, to open it there"),
    "positions.remember": ("tui", "kept as a transcript closes (the user's file, not the project)"),
    "speakers.turns": (
        "cli",
        "`turns DOC`; the TUI shows the turns in the transcript's speaker margin",
    ),
}


def _python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py"))


def _service_functions(module: str) -> set[str]:
    tree = ast.parse((SERVICES / f"{module}.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


def _calls_into_services(path: Path) -> set[str]:
    """``module.function`` of every service function a shell module calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # local name -> service module
    names: dict[str, str] = {}  # local name -> "module.function"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "workbench.services":
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "workbench.services."
        ):
            module = (node.module or "").rsplit(".", 1)[1]
            for alias in node.names:
                names[alias.asname or alias.name] = f"{module}.{alias.name}"
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in aliases
        ):
            found.add(f"{aliases[func.value.id]}.{func.attr}")
        elif isinstance(func, ast.Name) and func.id in names:
            found.add(names[func.id])
    return found


def _reached(shell: str) -> set[str]:
    reached: set[str] = set()
    for path in _python_files(SHELLS[shell]):
        reached |= _calls_into_services(path)
    return reached


def test_the_scan_sees_calls_into_services() -> None:
    # The scan itself: known calls of each shell are found (else the tests below prove nothing).
    cli, tui = _reached("cli"), _reached("tui")
    assert {"coding.code_span", "codebook.rename_code", "exports.export_project"} <= cli
    assert {"coding.code_span", "codebook.rename_code", "exports.export_project"} <= tui
    assert "history.step" in cli and "history.step" in tui


@pytest.mark.parametrize("module", ACTION_MODULES)
def test_every_action_is_reached_from_both_shells_or_documented(module: str) -> None:
    cli, tui = _reached("cli"), _reached("tui")
    for name in sorted(_service_functions(module)):
        key = f"{module}.{name}"
        if key in SHELL_SPECIFIC:
            shell, why = SHELL_SPECIFIC[key]
            assert why
            if shell == "none":
                assert key not in cli | tui, f"{key}: documented as called by no shell"
            else:
                assert key in (cli if shell == "cli" else tui), f"{key}: documented for {shell}"
            continue
        assert key in cli, f"{key} is not called from the command line"
        assert key in tui, f"{key} is not called from the TUI"


def test_the_documented_exceptions_exist() -> None:
    for key in SHELL_SPECIFIC:
        module, name = key.split(".")
        assert name in _service_functions(module), f"{key} is no service function"


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_shells_open_no_session_or_transaction(shell: str) -> None:
    offenders = []
    for path in _python_files(SHELLS[shell]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("session", "transaction", "connect", "begin")
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module in (
                "workbench.project.db",
                "sqlmodel",
                "sqlalchemy.orm",
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {node.module}")
    assert offenders == []


def test_every_service_write_opens_its_own_transaction() -> None:
    # A write service names its change with the command line's text, in its own transaction.
    for module in ACTION_MODULES:
        source = (SERVICES / f"{module}.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            body = ast.get_source_segment(source, node) or ""
            if "changelog.describe(" in body:
                assert "project.transaction(" in body, f"{module}.{node.name}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_command_list_matches_each_command(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    first = inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")
    assert COMMANDS[name][2] == first


def test_the_export_formats_of_the_command_line_are_the_services() -> None:
    from workbench.cli.exchange import FORMATS
    from workbench.services.exports import PROJECT_FORMATS

    assert FORMATS == PROJECT_FORMATS


@pytest.mark.sqlite_only(reason="a project on a server has no file that an export could overwrite")
@pytest.mark.parametrize(
    "command",
    [
        ("export", "{p}", "--format", "qdpx", "-o", "{p}"),
        ("export", "{p}", "--format", "geojson", "-o", "{p}-wal"),
        ("fragments", "{p}", "--format", "md", "-o", "{p}"),
        ("codebook", "export", "{p}", "-o", "{p}"),
    ],
)
def test_no_export_writes_over_the_project(command: tuple[str, ...], demo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    before = demo.read_bytes()
    result = cli(*(part.format(p=demo) for part in command), ok=False)
    assert result.exit_code == 1
    assert "is the project file itself" in result.stderr
    assert demo.read_bytes() == before
    assert cli("check", demo).exit_code == 0

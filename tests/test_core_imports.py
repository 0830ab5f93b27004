"""The core never imports the UI: importing every module outside ``workbench.tui`` and
``workbench.cli`` loads neither Textual nor Rich (checked in a fresh interpreter)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import workbench

UI_MODULES = {"workbench.cli", "workbench.__main__"}


def core_modules() -> list[str]:
    found = []
    for info in pkgutil.walk_packages([str(Path(workbench.__file__).parent)], "workbench."):
        if info.name in UI_MODULES or info.name.startswith("workbench.tui"):
            continue
        found.append(info.name)
    return sorted(found)


def test_there_is_a_core_to_check() -> None:
    modules = core_modules()
    assert {
        "workbench.project.models",
        "workbench.project.db",
        "workbench.coding.importing",
        "workbench.coding",
    } <= set(modules)


def test_core_imports_neither_textual_nor_rich() -> None:
    modules = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    bad = sorted(m for m in ('textual', 'rich') if m in sys.modules)\n"
        "    if bad:\n"
        "        raise SystemExit(f'{name} loaded {bad}')\n"
        "print('clean', len(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("clean")


def test_the_checker_would_notice_a_ui_import() -> None:
    """The same check run on a module that does import Rich fails."""
    code = "import sys, rich.text\nraise SystemExit(0 if 'rich' in sys.modules else 1)\n"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0

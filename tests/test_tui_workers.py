"""The TUI's house rules, checked on its source: thread workers only post messages, and the
app and its screens are reached through typed accessors, not duck typing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import workbench.tui

TUI = Path(workbench.tui.__file__).parent


def thread_workers() -> list[tuple[str, ast.FunctionDef]]:
    """Every method decorated with ``@work(thread=True, ...)`` in the TUI."""
    found = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) == "work"
                    and any(
                        k.arg == "thread" and ast.unparse(k.value) == "True"
                        for k in decorator.keywords
                    )
                ):
                    found.append((f"{path.relative_to(TUI)}:{node.lineno} {node.name}", node))
    return found


def test_thread_workers_only_post_messages() -> None:
    workers = thread_workers()
    assert len(workers) >= 15, "the workers were not found"
    for where, worker in workers:
        used = {
            node.attr
            for node in ast.walk(worker)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        }
        assert used <= {"post_message"}, (where, sorted(used))


def test_no_duck_typing_between_the_app_and_its_screens() -> None:
    pattern = re.compile(r"\b(getattr|hasattr)\(\s*self\.(app|screen)\b")
    for path in sorted(TUI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), path.relative_to(TUI)

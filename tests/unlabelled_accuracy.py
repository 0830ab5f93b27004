"""How well speaker turns are guessed on the hand-marked unlabelled transcripts.

``python -m tests.unlabelled_accuracy`` prints, per file of ``tests/data/unlabelled``, the
share of paragraphs given to the right speaker by ``parse_turns`` and by strict alternation
(the method used before, from git: every paragraph flips the speaker). See the README there for the
marks. The tests in ``test_turns_unlabelled.py`` use the same functions.
"""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.text.turns import ParsedTurn, parse_turns

DATA = Path(__file__).resolve().parent / "data" / "unlabelled"
FILES = sorted(path.name for path in DATA.glob("*.txt"))

#: The last commit with the old parser (every paragraph flipped the speaker).
OLD_COMMIT = "848c61c"

#: The label each marked role must get: the interviewer is "Speaker 1" in every document.
EXPECTED_LABEL = {"I": "Speaker 1", "R": "Speaker 2", "-": None}


@dataclass(frozen=True)
class Marked:
    """A transcript without its marks, and each non-blank line's (start, end, mark)."""

    text: str
    paragraphs: list[tuple[int, int, str]]


def load(name: str) -> Marked:
    """Read a marked file: strip the ``I|``/``R|``/``-|`` marks, keep where each line is."""
    lines: list[str] = []
    paragraphs: list[tuple[int, int, str]] = []
    offset = 0
    for raw in (DATA / name).read_text(encoding="utf-8").split("\n"):
        if raw.strip():
            mark, bar, line = raw.partition("|")
            assert bar and mark in EXPECTED_LABEL, f"{name}: unmarked line {raw[:30]!r}"
        else:
            line, mark = raw, ""
        if mark:
            paragraphs.append((offset, offset + len(line), mark))
        lines.append(line)
        offset += len(line) + 1
    return Marked("\n".join(lines), paragraphs)


def speaker_at(turns: list[ParsedTurn], start: int, end: int) -> str | None:
    """The speaker of the turn that covers the paragraph (None when no turn does)."""
    for turn in turns:
        if turn.start < end and start < turn.end:
            return turn.speaker
    return None


def accuracy(marked: Marked, turns: list[ParsedTurn]) -> tuple[int, int]:
    """(paragraphs given the marked speaker, all marked paragraphs)."""
    right = sum(
        speaker_at(turns, start, end) == EXPECTED_LABEL[mark]
        for start, end, mark in marked.paragraphs
    )
    return right, len(marked.paragraphs)


def old_parse_turns() -> Callable[[str], list[ParsedTurn]] | None:
    """``parse_turns`` as it was before turns were guessed (strict alternation of
    paragraphs), read from git; None outside a git checkout."""
    try:
        source = subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:workbench/text/turns.py"],
            cwd=DATA,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_turns")
    sys.modules["old_turns"] = module  # dataclasses look their module up
    exec(compile(source, "old_turns.py", "exec"), module.__dict__)
    parse: Callable[[str], list[ParsedTurn]] = module.parse_turns
    return parse


def report() -> list[tuple[str, int, int, int]]:
    """Per file: (name, paragraphs, right now, right by the old parser or -1)."""
    old_parse = old_parse_turns()
    rows = []
    for name in FILES:
        marked = load(name)
        right, total = accuracy(marked, parse_turns(marked.text))
        old = accuracy(marked, old_parse(marked.text))[0] if old_parse else -1
        rows.append((name, total, right, old))
    return rows


def main() -> None:
    """Print the accuracy table."""
    print(f"{'file':<20} {'paragraphs':>10} {'guessed':>9} {'alternation':>12}")
    totals = [0, 0, 0]
    for name, total, right, old in report():
        print(f"{name:<20} {total:>10} {right / total:>9.1%} {old / total:>12.1%}")
        totals = [totals[0] + total, totals[1] + right, totals[2] + old]
    all_, right, old = totals
    print(f"{'all':<20} {all_:>10} {right / all_:>9.1%} {old / all_:>12.1%}")


if __name__ == "__main__":
    main()

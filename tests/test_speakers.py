"""Speakers are the researcher's to fix: ``turns`` lists a document's turns, ``speaker
rename|set|split|join`` change them, each one change that ``undo`` takes back and ``redo``
brings again. Segments, codings and memos stay exactly as they were; citations, ``speaker:``
queries and the fragments' ``speaker`` follow at once. Bad input is one line and changes
nothing.

Every expected turn is worked out here from the fictional transcripts' text (``str.index``),
not taken from the workbench; the turn rows are read with SQL of the test's own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import as_json, dump_file, sql_rows
from workbench.project import db
from workbench.project.target import ProjectTarget
from workbench.services import coding as coding_service
from workbench.services import importing as import_service

# Fictional transcripts, written for these tests.
FIRST = (
    "Speaker 1: Where do you go when you want company?\n"
    "Speaker 2: To the community centre on Tuesdays. The volunteers there know my name.\n"
    "Speaker 1: And before the centre opened?\n"
    "Speaker 2: There was a bakery on the square. It closed, and I miss it.\n"
    "Speaker 1: Thank you.\n"
)
SECOND = (
    "Speaker 1: Which places matter to you?\n"
    "Speaker 2: The library. The librarian always asks about my garden.\n"
)

Cli = Callable[..., Result]


@pytest.fixture
def study(project: db.Project, tmp_path: Path) -> ProjectTarget:
    """Two fictional interviews, three coded segments (one over two turns) and a memo."""
    for name, text in (("first", FIRST), ("second", SECOND)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    import_service.import_files(
        project, [tmp_path / "first.txt", tmp_path / "second.txt"], language="en", coder="ann"
    )
    spans = [
        ("first", FIRST.index("The volunteers"), FIRST.index(" know"), "volunteers"),
        ("first", FIRST.index("There was"), FIRST.index(" It closed"), "lost bakery"),
        ("first", FIRST.index("To the"), FIRST.index("And before"), "welcome here"),
        ("second", SECOND.index("The librarian"), len(SECOND) - 1, "host role here"),
    ]
    for document, start, end, code in spans:
        coding_service.code_span(project, document, start, end, [code], create=True, coder="ann")
    coding_service.add_memo(project, "segment", "1", "She is known there.", coder="ann")
    target = project.target
    project.dispose()
    return target


def turn_rows(target: ProjectTarget, document: str) -> list[tuple[Any, ...]]:
    """(position, start, end, text_start, speaker) of a document's turns, by start."""
    return sql_rows(
        target,
        'SELECT t.position, t.start, t."end", t.text_start, t.speaker FROM turn t '
        "JOIN document d ON d.id = t.document_id WHERE d.name = ? ORDER BY t.start",
        document,
    )


def speakers(target: ProjectTarget, document: str) -> list[str | None]:
    return [row[4] for row in turn_rows(target, document)]


def the_rest(target: ProjectTarget) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the turns, the change log and the coders: what a speaker change must
    leave exactly as it was (documents, segments, codings, memos, sentences...)."""
    tables = dump_file(target)
    for name in ("turn", "change", "change_row", "coder"):
        tables.pop(name)
    return tables


def fragments(cli: Cli, target: ProjectTarget, query: str | None = None) -> list[dict[str, Any]]:
    args = ["fragments", target] + ([query] if query else []) + ["--format", "json"]
    result: list[dict[str, Any]] = as_json(cli(*args))
    return result


def speaker_of_segment(cli: Cli, target: ProjectTarget, start: int) -> str | None:
    """The ``speaker`` field of the fragment starting at ``start`` in the first document."""
    found = [f for f in fragments(cli, target) if f["document"] == "first" and f["start"] == start]
    assert len(found) == 1
    speaker: str | None = found[0]["speaker"]
    return speaker


def starts_of(text: str) -> list[tuple[int, int, int]]:
    """(start, text_start, end) of each line of ``text`` labelled ``Speaker N: ``."""
    spans = []
    offset = 0
    for line in text.split("\n")[:-1]:
        spans.append((offset, offset + len("Speaker 1: "), offset + len(line)))
        offset += len(line) + 1
    return spans


# --- listing -------------------------------------------------------------------------------


def test_turns_lists_every_turn_with_its_line_offsets_and_words(
    cli: Cli, study: ProjectTarget
) -> None:
    listed = as_json(cli("turns", study, "first", "--json"))
    lines = FIRST.split("\n")[:-1]
    expected = [
        {
            "turn": number,
            "line": number,
            "speaker": f"Speaker {1 if number % 2 else 2}",
            "start": start,
            "text_start": text_start,
            "end": end,
            "words": len(lines[number - 1].split()) - 2,  # "Speaker", "N:"
        }
        for number, (start, text_start, end) in enumerate(starts_of(FIRST), 1)
    ]
    assert listed == expected
    shown = cli("turns", study, "first").stdout
    assert "To the community centre on Tuesdays. The volunteers …" in shown  # a preview
    assert "Tuesdays" not in cli("turns", study, "first", "--json").stdout  # no text in JSON


# --- set -----------------------------------------------------------------------------------


def test_set_a_speaker_undo_and_redo(cli: Cli, study: ProjectTarget) -> None:
    rest = the_rest(study)
    before = turn_rows(study, "first")
    volunteers = FIRST.index("The volunteers")
    unknown = cli("fragments", study, 'speaker:"Mrs W."', "--format", "json", ok=False)
    assert "no speaker called" in unknown.stderr  # not a speaker yet

    row = as_json(cli("speaker", "set", study, "first", "2", "Mrs W.", "--json"))
    assert row["turn"] == 2 and row["speaker"] == "Mrs W."
    assert speakers(study, "first") == [
        "Speaker 1",
        "Mrs W.",
        "Speaker 1",
        "Speaker 2",
        "Speaker 1",
    ]
    assert speakers(study, "second") == ["Speaker 1", "Speaker 2"]
    assert the_rest(study) == rest
    # The query and the fragments' speaker follow at once: the two segments in turn 2.
    found = fragments(cli, study, 'speaker:"Mrs W."')
    assert sorted(f["start"] for f in found) == [FIRST.index("To the"), volunteers]
    assert speaker_of_segment(cli, study, volunteers) == "Mrs W."

    assert "speaker of first turn 2: Mrs W." in cli("undo", study).stdout
    assert turn_rows(study, "first") == before
    assert speaker_of_segment(cli, study, volunteers) == "Speaker 2"
    gone = cli("fragments", study, 'speaker:"Mrs W."', "--format", "json", ok=False)
    assert "no speaker called" in gone.stderr
    cli("redo", study)
    assert speakers(study, "first")[1] == "Mrs W."
    assert the_rest(study) == rest


# --- rename --------------------------------------------------------------------------------


def test_rename_a_speaker_in_one_document_undo_and_redo(cli: Cli, study: ProjectTarget) -> None:
    rest = the_rest(study)
    before = turn_rows(study, "first")
    done = as_json(
        cli("speaker", "rename", study, "first", "speaker 2", "Mrs W.", "--json")
    )  # any letter case finds the label, as speaker: queries do
    assert done == {"old": "Speaker 2", "new": "Mrs W.", "turns": 2, "documents": ["first"]}
    assert speakers(study, "first") == ["Speaker 1", "Mrs W.", "Speaker 1", "Mrs W.", "Speaker 1"]
    assert speakers(study, "second") == ["Speaker 1", "Speaker 2"]  # another document
    assert the_rest(study) == rest
    found = fragments(cli, study, 'speaker:"Mrs W."')
    assert len(found) == 3 and {f["document"] for f in found} == {"first"}

    cli("undo", study)
    assert turn_rows(study, "first") == before
    cli("redo", study)
    assert speakers(study, "first").count("Mrs W.") == 2
    assert the_rest(study) == rest


def test_rename_a_speaker_across_the_project(cli: Cli, study: ProjectTarget) -> None:
    rest = the_rest(study)
    before = {name: turn_rows(study, name) for name in ("first", "second")}
    out = cli("speaker", "rename", study, "--all", "Speaker 1", "Interviewer").stdout
    assert "in 2 documents (4 turns)" in out
    assert speakers(study, "first") == [
        "Interviewer",
        "Speaker 2",
        "Interviewer",
        "Speaker 2",
        "Interviewer",
    ]
    assert speakers(study, "second") == ["Interviewer", "Speaker 2"]
    assert the_rest(study) == rest
    cli("undo", study)
    assert {name: turn_rows(study, name) for name in ("first", "second")} == before
    cli("redo", study)
    assert speakers(study, "second") == ["Interviewer", "Speaker 2"]


# --- split and join -------------------------------------------------------------------------


def test_split_a_turn_undo_and_redo(cli: Cli, study: ProjectTarget) -> None:
    rest = the_rest(study)
    before = turn_rows(study, "first")
    volunteers = FIRST.index("The volunteers")
    # From the space before "The volunteers": the new turn starts at "The".
    done = as_json(
        cli("speaker", "split", study, "first", volunteers - 1, "--speaker", "Mrs W.", "--json")
    )
    assert done["before"]["turn"] == 2 and done["after"]["turn"] == 3
    spans = starts_of(FIRST)
    expected = [
        (0, *spans[0][:1], spans[0][2], spans[0][1], "Speaker 1"),
        (1, spans[1][0], volunteers - 1, spans[1][1], "Speaker 2"),  # ends after "Tuesdays."
        (2, volunteers, spans[1][2], volunteers, "Mrs W."),  # no label of its own
        (3, spans[2][0], spans[2][2], spans[2][1], "Speaker 1"),
        (4, spans[3][0], spans[3][2], spans[3][1], "Speaker 2"),
        (5, spans[4][0], spans[4][2], spans[4][1], "Speaker 1"),
    ]
    assert turn_rows(study, "first") == expected
    assert FIRST[volunteers - 2] == "." and FIRST[volunteers - 1] == " "
    assert the_rest(study) == rest  # the segment over both halves too
    assert speaker_of_segment(cli, study, volunteers) == "Mrs W."
    assert speaker_of_segment(cli, study, FIRST.index("To the")) == "Speaker 2"
    # `turns` numbers them again: 6 turns, 1 to 6.
    assert [t["turn"] for t in as_json(cli("turns", study, "first", "--json"))] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]

    cli("undo", study)
    assert turn_rows(study, "first") == before
    assert speaker_of_segment(cli, study, volunteers) == "Speaker 2"
    cli("redo", study)
    assert turn_rows(study, "first") == expected
    assert the_rest(study) == rest


def test_split_at_the_start_of_a_line(cli: Cli, study: ProjectTarget, tmp_path: Path) -> None:
    # A turn over two lines (the label on the first), split where the second line starts.
    text = "Speaker 1: How was it?\nSpeaker 2: Quiet at first.\nThen the neighbours came.\n"
    (tmp_path / "third.txt").write_text(text, encoding="utf-8")
    cli("import", study, tmp_path / "third.txt", "--language", "en")
    assert len(turn_rows(study, "third")) == 2
    cli("speaker", "split", study, "third", "--line", "3", "--speaker", "Speaker 1")
    second_line = text.index("Speaker 2")
    third_line = text.index("Then")
    assert turn_rows(study, "third") == [
        (0, 0, text.index("\n"), len("Speaker 1: "), "Speaker 1"),
        (1, second_line, third_line - 1, second_line + len("Speaker 2: "), "Speaker 2"),
        (2, third_line, len(text) - 1, third_line, "Speaker 1"),
    ]


def test_join_a_turn_undo_and_redo(cli: Cli, study: ProjectTarget) -> None:
    rest = the_rest(study)
    before = turn_rows(study, "first")
    bakery = FIRST.index("There was")
    spans = starts_of(FIRST)
    row = as_json(cli("speaker", "join", study, "first", "4", "--json"))
    # Turn 4 (Speaker 2) joins turn 3 (Speaker 1), which keeps its speaker.
    assert row == {
        "turn": 3,
        "line": 3,
        "speaker": "Speaker 1",
        "start": spans[2][0],
        "text_start": spans[2][1],
        "end": spans[3][2],
        "words": len(FIRST[spans[2][1] : spans[3][2]].split()),
    }
    assert turn_rows(study, "first") == [
        (0, spans[0][0], spans[0][2], spans[0][1], "Speaker 1"),
        (1, spans[1][0], spans[1][2], spans[1][1], "Speaker 2"),
        (2, spans[2][0], spans[3][2], spans[2][1], "Speaker 1"),
        (3, spans[4][0], spans[4][2], spans[4][1], "Speaker 1"),
    ]
    assert the_rest(study) == rest
    assert speaker_of_segment(cli, study, bakery) == "Speaker 1"
    # The citation names the joined turn's speaker (the md format cites every quote).
    markdown = cli("fragments", study, '"lost bakery"', "--format", "md").stdout
    assert "Speaker 1" in markdown and "Speaker 2" not in markdown

    cli("undo", study)
    assert turn_rows(study, "first") == before
    assert speaker_of_segment(cli, study, bakery) == "Speaker 2"
    cli("redo", study)
    assert len(turn_rows(study, "first")) == 4
    assert the_rest(study) == rest


def test_each_change_is_one_entry_of_the_history(cli: Cli, study: ProjectTarget) -> None:
    cli("speaker", "set", study, "first", "1", "Interviewer")
    cli("speaker", "split", study, "first", FIRST.index("The volunteers"))
    cli("speaker", "join", study, "first", "3")
    cli("speaker", "rename", study, "--all", "Speaker 2", "Resident")
    history = as_json(cli("history", study, "--json", "--all"))
    assert [h["action"] for h in history[:4]] == [
        "speaker rename",
        "speaker join",
        "speaker split",
        "speaker set",
    ]
    for _ in range(4):
        cli("undo", study)
    assert speakers(study, "first") == [f"Speaker {1 if n % 2 else 2}" for n in range(1, 6)]
    assert speakers(study, "second") == ["Speaker 1", "Speaker 2"]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("turns", "{p}", "nobody"), "no document called 'nobody'"),
        (("speaker", "set", "{p}", "nobody", "1", "X"), "no document called 'nobody'"),
        (
            ("speaker", "set", "{p}", "first", "0", "X"),
            "first has turns 1 to 5; there is no turn 0",
        ),
        (("speaker", "set", "{p}", "first", "6", "X"), "there is no turn 6"),
        (("speaker", "set", "{p}", "first", "2", "   "), "a speaker label cannot be empty"),
        (("speaker", "set", "{p}", "first", "2", "Speaker 2"), "is already 'Speaker 2'"),
        (("speaker", "rename", "{p}", "first", "Nobody", "X"), "no speaker called 'Nobody'"),
        (("speaker", "rename", "{p}", "first", "X"), "takes DOC OLD NEW"),
        (("speaker", "split", "{p}", "first", "3"), "in the speaker label of turn 1"),
        (("speaker", "split", "{p}", "first", "0"), "at the start of turn 1"),
        (("speaker", "split", "{p}", "first", str(len(FIRST))), "is not inside a speaker turn"),
        (("speaker", "split", "{p}", "first", "99999"), "outside the text"),
        (("speaker", "split", "{p}", "first", "--line", "40"), "there is no line 40"),
        (("speaker", "split", "{p}", "first"), "OFFSET or --line N"),
        (("speaker", "join", "{p}", "first", "1"), "turn 1 of first is the first"),
        (("speaker", "join", "{p}", "first", "9"), "there is no turn 9"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    cli: Cli, study: ProjectTarget, args: tuple[str, ...], reason: str
) -> None:
    before = dump_file(study)
    result = cli(*[str(study) if a == "{p}" else a for a in args], ok=False)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: "), result.stderr
    assert reason.replace("'", '"') in lines[0] or reason in lines[0], lines[0]
    assert "Tuesdays" not in result.stderr  # no transcript text in errors
    assert dump_file(study) == before

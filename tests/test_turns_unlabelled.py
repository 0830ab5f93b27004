"""Speaker turns guessed for transcripts without speaker labels, against turns marked by hand.

The four fictional transcripts in ``tests/data/unlabelled`` (see its README) carry a mark
per paragraph (interviewer, narrator, or no one: header lines and transcriber's notes). The
marks are stripped, the turns found, and each paragraph's speaker compared with its mark:
at least 95 % right in each file, the interviewer "Speaker 1" in every file, the header and
the notes in no turn. The import reports how the turns were found and how sure the guess
is; that number is checked against the measured accuracy.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from tests.conftest import Targets, as_json
from tests.unlabelled_accuracy import EXPECTED_LABEL, FILES, Marked, accuracy, load, speaker_at
from workbench.project import db
from workbench.project.models import Document, Turn
from workbench.text.turns import find_turns, parse_turns


def test_there_are_four_files_of_forty_paragraphs_or_more() -> None:
    assert len(FILES) == 4
    for name in FILES:
        spoken = [mark for _, _, mark in load(name).paragraphs if mark != "-"]
        assert len(spoken) >= 40, name
        assert {"I", "R"} == set(spoken)


@pytest.mark.parametrize("name", FILES)
def test_guessed_speakers_match_the_hand_marks(name: str) -> None:
    marked = load(name)
    found = find_turns(marked.text)
    assert found.method == "guessed"
    right, total = accuracy(marked, found.turns)
    assert right / total >= 0.95, f"{name}: {right} of {total} paragraphs right"


@pytest.mark.parametrize("name", FILES)
def test_the_interviewer_is_speaker_1_in_every_document(name: str) -> None:
    marked = load(name)
    turns = parse_turns(marked.text)
    for mark, label in (("I", "Speaker 1"), ("R", "Speaker 2")):
        said = [speaker_at(turns, s, e) for s, e, m in marked.paragraphs if m == mark]
        assert said.count(label) > 0.9 * len(said), (name, mark)
    assert {turn.speaker for turn in turns} == {"Speaker 1", "Speaker 2"}


@pytest.mark.parametrize("name", FILES)
def test_header_and_notes_belong_to_no_turn(name: str) -> None:
    marked = load(name)
    turns = parse_turns(marked.text)
    no_one = [(s, e) for s, e, mark in marked.paragraphs if mark == "-"]
    assert no_one[0][0] == 0, "each file starts with a header"
    for start, end in no_one:
        assert speaker_at(turns, start, end) is None, marked.text[start:end]


@pytest.mark.parametrize("name", FILES)
def test_turns_are_well_formed_and_counters_are_not_speech(name: str) -> None:
    text = load(name).text
    previous_end = 0
    for turn in parse_turns(text):
        assert previous_end <= turn.start <= turn.text_start < turn.end <= len(text)
        assert not text[turn.start].isspace() and not text[turn.end - 1].isspace()
        speech = text[turn.text_start : turn.end]
        assert not speech[0].isdigit() and not speech.startswith("["), speech[:12]
        previous_end = turn.end


def test_an_answer_over_two_paragraphs_is_one_turn_and_a_note_ends_a_turn() -> None:
    text = load("mill_street.txt").text
    turns = parse_turns(text)

    def turn_of(fragment: str) -> tuple[int, int]:
        start = text.index(fragment)
        return next((t.start, t.end) for t in turns if t.start <= start < t.end)

    assert turn_of("He was a tackler") == turn_of("My mother took in washing")
    # "(laughs)" between two paragraphs of one answer: two turns of the same speaker
    assert turn_of("The chapel was Sundays") != turn_of("She'd have made a good newspaper")
    counter = text.index("0.48\tWhat did your father do?")
    question = next(t for t in turns if t.start == counter)
    assert text[question.text_start : question.end] == "What did your father do?"


def test_header_fields_named_like_speakers_are_not_labels() -> None:
    # mill_street's header says "Interviewer: P. Lowe", westerhaven's also "Interviewee: ..."
    assert find_turns(load("mill_street.txt").text).method == "guessed"
    assert find_turns(load("westerhaven.txt").text).method == "guessed"
    # a short labelled transcript keeps its labels
    text = "Interviewer: Where did you grow up?\nInterviewee: In Hatert.\n"
    assert [t.speaker for t in parse_turns(text)] == ["Interviewer", "Interviewee"]


def hard_wrapped(marked: Marked) -> tuple[str, list[tuple[str, str]]]:
    """The transcript with each paragraph wrapped at 60 characters, blank lines between
    them; with each paragraph's first words and mark."""
    blocks = []
    firsts = []
    for start, end, mark in marked.paragraphs:
        paragraph = marked.text[start:end]
        blocks.append(textwrap.fill(paragraph, 60) if mark != "-" else paragraph)
        firsts.append((textwrap.fill(paragraph, 60).split("\n")[0], mark))
    return "\n\n".join(blocks) + "\n", firsts


@pytest.mark.parametrize("name", FILES)
def test_hard_wrapped_text_with_blank_line_paragraphs(name: str) -> None:
    text, firsts = hard_wrapped(load(name))
    turns = parse_turns(text, "blank-lines")
    right = 0
    position = 0
    for first, mark in firsts:
        start = text.index(first, position)
        position = start + len(first)
        right += speaker_at(turns, start, start + 1) == EXPECTED_LABEL[mark]
    assert right / len(firsts) >= 0.95, f"{name}: {right} of {len(firsts)}"


def test_import_reports_how_turns_were_found_and_how_sure(
    cli: Callable[..., Result], targets: Targets, tmp_path: Path
) -> None:
    study = targets.new()
    cli("init", study, "--language", "en")
    paths = []
    measured = {}
    for name in FILES:
        marked = load(name)
        path = tmp_path / name
        path.write_text(marked.text, encoding="utf-8")
        paths.append(path)
        right, total = accuracy(marked, parse_turns(marked.text))
        measured[path.stem] = 100 * right / total
    labelled = tmp_path / "labelled.txt"
    labelled.write_text("I: Where is the shop?\nR: On the corner.\n", encoding="utf-8")
    report = as_json(cli("import", study, *paths, labelled, "--json"))
    by_name = {row["name"]: row for row in report}
    assert by_name["labelled"]["turns_found"] == "labels"
    assert by_name["labelled"]["turns_sure"] is None
    for stem, accurate in measured.items():
        row = by_name[stem]
        assert row["turns_found"] == "guessed"
        # the sureness claimed is the measured accuracy, give or take 8 points
        assert abs(row["turns_sure"] - accurate) <= 8, (stem, row["turns_sure"], accurate)
        assert 0 <= row["turns_unsure"] < row["paragraphs"]
    mean_sure = sum(by_name[stem]["turns_sure"] for stem in measured) / len(measured)
    assert abs(mean_sure - sum(measured.values()) / len(measured)) <= 5

    project = db.open_project(study)
    try:
        with project.session() as session:
            rows = session.exec(
                sa.select(Document.name, Turn.speaker, Turn.start)
                .join(Turn, Turn.document_id == Document.id)
                .order_by(Document.name, Turn.position)
            ).all()
    finally:
        project.dispose()
    speakers = {(name, speaker) for name, speaker, _ in rows if name != "labelled"}
    assert {speaker for _, speaker in speakers} == {"Speaker 1", "Speaker 2"}
    assert all(start > 0 for name, _, start in rows if name != "labelled")  # header first

    other = targets.new("second")
    cli("init", other, "--language", "en")
    result = cli("import", other, paths[0], labelled)
    lines = result.stdout.splitlines()
    assert lines[1].startswith("  no speaker labels: turns guessed from questions and answers, ")
    assert "% sure" in lines[1] and "Speaker 1 asks" in lines[1]
    assert lines[3] == "  turns from the speaker labels"

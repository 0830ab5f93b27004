"""Importing the whole dev corpus, plain text and the original Word files.

The expected turns per speaker were counted by hand (grep counts, then read through; see
test_turns.py) for files of all five speaker-turn styles. Here they are checked after a
real import, in the database, for the .txt and the .docx of each file. Paragraphs and
sentences are checked against independent computations on the text.
"""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import CORPUS, Targets, needs_corpus
from tests.test_readers import with_tracked_insertions
from workbench.project import db
from workbench.project.models import Document, Paragraph, Sentence, Turn
from workbench.services.importing import import_files

pytestmark = needs_corpus

#: Turns per speaker, counted by hand; the style of each file in the comment.
EXPECTED = {
    "P01_male_24_Newham": {"Interviewer": 27, "Interviewee": 27},  # label alone on a line
    "P16_male_24_Hackney": {"I": 38, "R": 36},  # I:/R: inline (two after a no-break space)
    "P17_female_20_Newham": {"Interviewer": 88, "Interviewee": 88},  # inline
    "P20_female_18_BarkingDagenham": {"Interviewer": 69, "Interviewee": 66},  # back-channels
    "P24_female_18_Hackney": {"Interviewer": 61, "Interviewee": 59},  # inline, Part headings
    "P25_female_18_Hackney": {"Interviewer": 98, "Interviewee": 96},
    "P26_female_23_Newham": {"Interviewer": 82, "Interviewee": 78},
    "P29_female_22_TowerHamlets": {"Interviewer": 66, "Interviewee": 65},
    "P32_male_24_TowerHamlets": {"I": 66, "R": 66},  # Key: header, I:<TAB>
    "P34_female_19_TowerHamlets": {"I": 128, "R": 128},  # Key: header
    "P36_male_18_BarkingDagenham": {"I": 85, "R": 84},  # two Key: blocks
    "P39_female_22_TowerHamlets": {"I": 83, "R": 82},  # U+2028 between turns
    "P44_male_24_TowerHamlets": {"I": 90, "R": 87},  # only the interviewer labelled
    "P46_female_18_BarkingDagenham": {"Interviewer": 116, "Interviewee": 117},  # label alone
    "P47_male_24_BarkingDagenham": {"Interviewer": 126, "Interviewee": 126},  # label alone
    "P48_female_23_BarkingDagenham": {"Interviewer": 117, "Interviewee": 113},  # label alone
    # No labels: guessed, the interviewer "Speaker 1" (each paragraph's speaker is checked
    # against marks made by hand in test_turns.py); a turn is a run of one speaker's paragraphs.
    "P42_male_24_BarkingDagenham": {"Speaker 1": 58, "Speaker 2": 58},
}


@pytest.fixture(scope="module", params=[".txt", ".docx"])
def imported(request: pytest.FixtureRequest, module_targets: Targets):  # type: ignore[no-untyped-def]
    suffix = request.param
    folder = CORPUS / "original_docx" if suffix == ".docx" else CORPUS
    files = sorted(folder.glob(f"*{suffix}"))
    assert len(files) == 17
    project = db.create_project(module_targets.new(f"corpus{suffix}"))
    results = import_files(project, files, language="en")
    yield suffix, project, results
    project.dispose()


def test_every_file_is_imported(imported) -> None:  # type: ignore[no-untyped-def]
    _suffix, project, results = imported
    assert sorted(r.name for r in results) == sorted(EXPECTED)
    with project.session() as session:
        assert session.exec(sa.select(sa.func.count(Document.id))).one()[0] == 17


def test_turns_per_speaker_match_the_hand_counts(imported) -> None:  # type: ignore[no-untyped-def]
    _suffix, project, _results = imported
    with project.session() as session:
        rows = session.exec(
            sa.select(Document.name, Turn.speaker, sa.func.count(Turn.id))
            .join(Turn, Turn.document_id == Document.id)
            .group_by(Document.name, Turn.speaker)
        ).all()
    found: dict[str, dict[str, int]] = {}
    for name, speaker, count in rows:
        found.setdefault(name, {})[speaker] = count
    assert found == EXPECTED


def test_paragraphs_are_the_non_empty_lines(imported) -> None:  # type: ignore[no-untyped-def]
    _suffix, project, _results = imported
    with project.session() as session:
        for document in session.exec(sa.select(Document)).scalars():
            stored = session.exec(
                sa.select(Paragraph.start, Paragraph.end)
                .where(Paragraph.document_id == document.id)
                .order_by(Paragraph.start)
            ).all()
            expected = [line.strip() for line in document.text.split("\n") if line.strip()]
            assert [document.text[s:e] for s, e in stored] == expected


def test_sentences_stay_inside_paragraphs_and_skip_labels(imported) -> None:  # type: ignore[no-untyped-def]
    _suffix, project, _results = imported
    with project.session() as session:
        for document in session.exec(sa.select(Document)).scalars():
            text = document.text
            sentences = session.exec(
                sa.select(Sentence.start, Sentence.end).where(Sentence.document_id == document.id)
            ).all()
            assert len(sentences) > 50
            for start, end in sentences:
                piece = text[start:end]
                assert piece and piece == piece.strip()
                assert "\n" not in piece  # a sentence never crosses a paragraph
            turns = session.exec(
                sa.select(Turn.start, Turn.text_start, Turn.end)
                .where(Turn.document_id == document.id)
                .order_by(Turn.start)
            ).all()
            labels = [(start, text_start) for start, text_start, _ in turns if text_start > start]
            assert labels or document.name == "P42_male_24_BarkingDagenham"  # the unlabelled one
            starts = sorted(start for start, _ in sentences)
            for label_start, label_end in labels:
                # No sentence begins inside a speaker label ("Interviewer: ").
                index = bisect.bisect_left(starts, label_start)
                assert index == len(starts) or starts[index] >= label_end, (
                    f"{document.name}: a sentence starts in the label at {label_start}"
                )
            for (start, text_start, end), following in zip(turns, turns[1:] + [None], strict=True):
                assert start <= text_start <= end
                if following is not None:
                    assert end <= following[0]


def test_docx_and_txt_give_the_same_text_up_to_trailing_blank_lines(tmp_path: Path) -> None:
    from workbench.text.readers import normalise, read_file

    for txt in sorted(CORPUS.glob("*.txt")):
        from_docx = read_file(CORPUS / "original_docx" / f"{txt.stem}.docx").text
        from_txt = with_tracked_insertions(txt.stem, normalise(txt.read_text(encoding="utf-8")))
        assert from_docx.rstrip("\n") == from_txt.rstrip("\n")

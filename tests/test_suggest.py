"""Suggestions: places from names and aliases, codes from keywords; accept, undo.

Mentions are counted here independently: word-bounded, case-insensitive regular
expressions over the document text for a place's name and aliases.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import as_json, corpus_file, dump, needs_corpus
from workbench.analysis.suggest import suggest
from workbench.coding import lookups
from workbench.coding import places as place_ops
from workbench.coding import segments as segment_ops
from workbench.errors import NotFound
from workbench.project import coders, db
from workbench.project.models import Code, Document, Segment, Sentence, Turn
from workbench.services.coding import accept_suggestions
from workbench.services.importing import import_files
from workbench.text import lemmas


def _coder(session) -> int:  # type: ignore[no-untyped-def]
    return coders.ensure(session, "tester").id  # type: ignore[return-value]


TEXT = (
    "Interviewer: Where do you go after school?\n"
    "Interviewee: I went to the libraries in Newham. The Library in Stratford is quiet.\n"
    "The youth club closed, so I felt lonelier. Now I feel lonely at home.\n"
    "Interviewer: Is there a club nearby?\n"
    "Interviewee: No club, no library, nothing.\n"
)

# Places named after what the interviewees talk about; aliases that do not overlap.
PLACES = {
    "Library": ["libraries"],
    "Youth club": ["youth clubs"],
    "Park": ["parks"],
}


def _import(project: db.Project, tmp_path: Path, text: str = TEXT, name: str = "talk") -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    import_files(project, [path], language="en")
    lemmas.index_project(project)  # the lemmas of new forms are filled on first use


def _add_places(project: db.Project, places: dict[str, list[str]]) -> None:
    with project.transaction("places") as session:
        for name, aliases in places.items():
            place_ops.add_place(
                session, name, kind="library", aliases=aliases, coder_id=_coder(session)
            )


def _keywords(project: db.Project, code: str, words: list[str]) -> None:
    with project.transaction("keywords", record=False) as session:
        row = session.exec(select(Code).where(Code.name == code)).one()
        row.keywords = json.dumps(words)
        session.add(row)


def _mentions(texts: dict[str, str], terms: list[str]) -> set[tuple[str, int, int]]:
    words = "|".join(r"\s+".join(map(re.escape, t.split())) for t in terms)
    pattern = re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    return {
        (name, m.start(), m.end()) for name, text in texts.items() for m in pattern.finditer(text)
    }


def test_add_place_accepts_aliases(project: db.Project) -> None:
    # The tests below rely on add_place's aliases argument.
    _add_places(project, {"Library": ["libraries", "bieb"]})
    with project.session() as session:
        assert lookups.find_place(session, "bieb").name == "Library"


def test_place_suggestions_are_sentences_around_each_mention(
    project: db.Project, tmp_path: Path
) -> None:
    _import(project, tmp_path)
    _add_places(project, {"Library": ["libraries"], "Youth club": ["club"]})
    with project.session() as session:
        found = suggest(session, codes=False, every=True)  # every match, weak ones too
        sentences = list(session.exec(select(Sentence.start, Sentence.end)))
    assert {s.kind for s in found} == {"place"}
    by_target: dict[str, list[str]] = {}
    for s in found:
        by_target.setdefault(s.target, []).extend(TEXT[a:b] for a, b in s.matches)
        assert (s.start, s.end) in sentences  # the sentence holding the mention
        assert all(s.start <= a < b <= s.end for a, b in s.matches)
        assert s.text == TEXT[s.start : s.end].replace("\n", " ")
        assert s.line == TEXT.count("\n", 0, s.start) + 1
    assert by_target == {
        "Library": ["libraries", "Library", "library"],
        # "club" inside the name's match "youth club" is not suggested twice.
        "Youth club": ["youth club", "club", "club"],
    }
    reasons = {TEXT[s.matches[0][0] : s.matches[0][1]]: s.reason for s in found}
    assert reasons["libraries"] == "name 'Library' (as 'libraries')"
    assert reasons["Library"] == "name 'Library'"


def test_code_suggestions_from_keywords_by_lemma(project: db.Project, tmp_path: Path) -> None:
    _import(project, tmp_path)
    _keywords(project, "loneliness", ["lonely"])
    with project.session() as session:
        found = [s for s in suggest(session, places=False) if s.target == "loneliness"]
    assert [[TEXT[a:b] for a, b in s.matches] for s in found] == [["lonelier"], ["lonely"]]
    assert [TEXT[s.start : s.end] for s in found] == [
        "The youth club closed, so I felt lonelier.",
        "Now I feel lonely at home.",
    ]
    assert [s.reason for s in found] == [
        "keyword 'lonely' (as 'lonelier')",
        "keyword 'lonely'",
    ]


def test_units_turn_and_match(project: db.Project, tmp_path: Path) -> None:
    _import(project, tmp_path)
    _add_places(project, {"Library": ["libraries"]})
    with project.session() as session:
        by_match = suggest(session, codes=False, unit="match")
        by_turn = suggest(session, codes=False, unit="turn")
        turns = list(session.exec(select(Turn.text_start, Turn.end)))
    assert [TEXT[s.start : s.end] for s in by_match] == ["libraries", "Library", "library"]
    assert len(by_turn) == 2  # two turns mention the library
    for s in by_turn:
        [(start, end)] = [(a, b) for a, b in turns if a <= s.start < b]
        assert TEXT[s.start : s.end] == TEXT[start:end].strip()


def test_nothing_is_applied_and_coded_mentions_are_not_suggested_again(
    project: db.Project, tmp_path: Path
) -> None:
    _import(project, tmp_path)
    _add_places(project, {"Library": ["libraries"]})
    before = dump(project)
    with project.session() as session:
        found = suggest(session, codes=False)
    assert dump(project) == before  # listing suggestions changes nothing
    first = found[0]
    with project.transaction("link") as session:
        segment_ops.code_span(
            session,
            "talk",
            first.start,
            first.end,
            [],
            places=["Library"],
            coder_id=_coder(session),
        )
    with project.session() as session:
        again = suggest(session, codes=False)
    assert [s.id for s in again] == [s.id for s in found[1:]]


def test_accept_applies_exactly_the_chosen_ones(project: db.Project, tmp_path: Path) -> None:
    _import(project, tmp_path)
    _add_places(project, {"Library": ["libraries"]})
    _keywords(project, "loneliness", ["lonely"])
    with project.session() as session:
        found = suggest(session)
    chosen = [s for s in found if s.kind == "place"][:2] + [
        s for s in found if s.target == "loneliness"
    ]
    views = accept_suggestions(project, [s.id for s in chosen])
    with pytest.raises(NotFound, match="no suggestion 'p1-0000000000'"):
        accept_suggestions(project, ["p1-0000000000"])
    with pytest.raises(NotFound):
        accept_suggestions(project, ["nonsense"])
    assert [(v.start, v.end) for v in views] == [(s.start, s.end) for s in chosen]
    with project.session() as session:
        segments = list(session.exec(select(Segment.start, Segment.end)))
    assert sorted(segments) == sorted({(s.start, s.end) for s in chosen})
    assert views[0].places == ["Library"] and views[-1].codes == ["loneliness"]


def test_accept_through_the_command_line_and_undo(project: db.Project, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _import(project, tmp_path)
    _add_places(project, {"Library": ["libraries"]})
    path = project.target
    before = dump(project)
    project.dispose()
    listed = as_json(cli("suggest", path, "--no-codes", "--json"))
    assert as_json(cli("suggest", path, "--no-codes", "--json")) == listed  # stable ids
    assert set(listed[0]) == {
        "id",
        "kind",
        "target",
        "document",
        "start",
        "end",
        "line",
        "text",
        "reason",
        "unit",
        "matches",
        "score",
    }
    terminal = cli("suggest", path, "--no-codes").stdout
    assert listed[0]["id"] in terminal and "3 suggestions" in terminal
    assert dump_of(path) == before  # nothing applied without --accept

    wanted = [listed[0]["id"], listed[2]["id"]]
    views = as_json(cli("suggest", path, "--accept", *wanted, "--coder", "ann", "--json"))
    assert [(v["start"], v["end"], v["places"]) for v in views] == [
        (listed[i]["start"], listed[i]["end"], ["Library"]) for i in (0, 2)
    ]
    history = as_json(cli("history", path, "--coder", "ann", "--json"))
    assert history[0]["summary"].startswith("accept 2 suggestions: link talk")
    assert history[0]["coder"] == "ann"
    left = as_json(cli("suggest", path, "--no-codes", "--json"))
    assert [s["id"] for s in left] == [listed[1]["id"]]
    again = cli("suggest", path, "--accept", listed[0]["id"], ok=False)
    assert again.exit_code != 0 and "no suggestion" in again.stderr

    cli("undo", path, "--coder", "ann")  # each coder undoes their own changes
    assert dump_of(path, skip=("coder",)) == {k: v for k, v in before.items() if k != "coder"}
    assert as_json(cli("suggest", path, "--no-codes", "--json")) == listed


def dump_of(path: Path | None, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[object, ...]]]:
    project = db.open_project(path)  # type: ignore[arg-type]
    try:
        return dump(project, skip=skip)
    finally:
        project.dispose()


@needs_corpus
def test_place_suggestions_find_every_mention_in_the_corpus(project: db.Project) -> None:
    stems = (
        "P16_male_24_Hackney",
        "P20_female_18_BarkingDagenham",
        "P24_female_18_Hackney",
        "P25_female_18_Hackney",
        "P29_female_22_TowerHamlets",
    )
    import_files(project, [corpus_file(stem) for stem in stems], language="en")
    lemmas.index_project(project)
    _add_places(project, PLACES)
    with project.session() as session:
        texts = {d.name: d.text for d in session.exec(select(Document))}
        found = suggest(session, codes=False, every=True)  # every match, weak ones too
        sentences = {
            (name, start, end)
            for name, start, end in session.exec(
                select(Document.name, Sentence.start, Sentence.end).join(
                    Document, Document.id == Sentence.document_id
                )
            )
        }
    for place, aliases in PLACES.items():
        expected = _mentions(texts, [place, *aliases])
        got = {(s.document, a, b) for s in found if s.target == place for a, b in s.matches}
        assert got == expected, place
        assert expected, f"no mention of {place!r} in the sample: pick other transcripts"
    for s in found:
        assert (s.document, s.start, s.end) in sentences

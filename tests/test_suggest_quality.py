"""Few and good suggestions: which word forms match a keyword, phrases, scores and ranking,
the limit per page, the reason shown, and the coding screen that gives the reader back its
place when the suggestions close.

The transcripts are fictional, written for these tests. Expected spans are found here with
plain string searches over the text, not with the index.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlmodel import select

from tests.conftest import as_json
from workbench.analysis import suggest as suggest_module
from workbench.analysis.suggest import MIN_SCORE, PAGE_CHARS, PER_PAGE, suggest
from workbench.project import db
from workbench.project.models import Code
from workbench.project.target import ProjectTarget
from workbench.services.importing import import_files
from workbench.text import lemmas


def _import(project: db.Project, tmp_path: Path, text: str, name: str = "talk") -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    import_files(project, [path], language="en")
    lemmas.index_project(project)


def _only_keywords(project: db.Project, keywords: dict[str, list[str]]) -> None:
    """These keywords on these codes, none on any other code (the shipped ones cleared)."""
    with project.transaction("keywords", record=False) as session:
        for row in session.exec(select(Code)):
            row.keywords = json.dumps(keywords.get(row.name, []))
            session.add(row)


def _spans(text: str, word: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(word)}\b", text)]


def _matched(text: str, found: list[suggest_module.Suggestion]) -> list[str]:
    return sorted(text[a:b] for s in found for a, b in s.matches)


# --- which forms match -----------------------------------------------------------------------

FORMS = (
    "Interviewee: There wasn't even a road here. The evenings were long.\n"
    "Interviewee: One evening the club was gone. We were going to the park.\n"
    "Interviewee: I go there, she goes there, we went there.\n"
    "Interviewee: I never understood them. I understand them now.\n"
    "Interviewee: I felt lonelier than before.\n"
)


def test_evening_does_not_match_even(project: db.Project, tmp_path: Path) -> None:
    # The English lookup table gives "evening" the lemma "even": matching by that lemma
    # suggested "opening hours" for "there wasn't even a road".
    assert lemmas.lemma_of("en", "evening") == "even"
    _import(project, tmp_path, FORMS)
    _only_keywords(project, {"opening hours": ["evening"]})
    with project.session() as session:
        found = suggest(session, every=True)
    assert _matched(FORMS, found) == ["evening", "evenings"]
    assert {s.target for s in found} == {"opening hours"}


def test_gone_matches_only_gone_and_go_not_went(project: db.Project, tmp_path: Path) -> None:
    _import(project, tmp_path, FORMS)
    _only_keywords(project, {"lost place": ["gone"], "place use": ["go"]})
    with project.session() as session:
        found = suggest(session, every=True)
    lost = [s for s in found if s.target == "lost place"]
    use = [s for s in found if s.target == "place use"]
    assert _matched(FORMS, lost) == ["gone"]  # not go, going, goes, went
    # "go" is its own lemma: its regular forms count, the irregular "went" does not.
    assert _matched(FORMS, use) == sorted(["going", "go", "goes", "gone"])
    assert "went" not in _matched(FORMS, use)


def test_a_stem_shared_with_the_keyword_counts(project: db.Project, tmp_path: Path) -> None:
    _import(project, tmp_path, FORMS)
    _only_keywords(project, {"emotional loneliness": ["understand"], "loneliness": ["lonely"]})
    with project.session() as session:
        found = suggest(session, every=True)
    assert _matched(FORMS, found) == sorted(["understood", "understand", "lonelier"])
    reasons = {FORMS[s.matches[0][0] : s.matches[0][1]]: s.reason for s in found}
    assert reasons["understood"] == "keyword 'understand' (as 'understood')"
    assert reasons["understand"] == "keyword 'understand'"
    assert reasons["lonelier"] == "keyword 'lonely' (as 'lonelier')"


PHRASES = (
    "Interviewee: The community centre on the corner was my second home.\n"
    "Interviewee: The centre of the community was the market, a community of traders.\n"
    "Interviewee: Our community, centre stage: the community centres were full.\n"
    "Interviewee: The in crowd stood at the door; the in-crowd never let us in.\n"
    "Interviewee: I used to go there, I went to it every day.\n"
)


def test_a_keyword_of_several_words_matches_as_a_phrase(
    project: db.Project, tmp_path: Path
) -> None:
    _import(project, tmp_path, PHRASES)
    _only_keywords(
        project,
        {
            "belonging": ["community centre"],
            "in-group closure": ["in-crowd"],
            "changing places": ["used to"],
        },
    )
    with project.session() as session:
        found = suggest(session, every=True)
    belonging = [s for s in found if s.target == "belonging"]
    expected = [
        *_spans(PHRASES, "community centre"),
        *_spans(PHRASES, "community, centre"),  # punctuation between joins, as in search
        *_spans(PHRASES, "community centres"),
    ]
    assert sorted(tuple(m) for s in belonging for m in s.matches) == sorted(expected)
    assert len(expected) == 3  # "centre of the community", "community of" are not phrases
    assert [s.reason for s in belonging if s.matches[0] == list(expected[0])] == [
        "keyword 'community centre' (phrase)"
    ]
    # A hyphenated keyword is not the two words apart.
    closure = [s for s in found if s.target == "in-group closure"]
    assert [tuple(m) for s in closure for m in s.matches] == _spans(PHRASES, "in-crowd")
    # Function words inside a phrase match only as written ("used to", not "use to").
    changing = [s for s in found if s.target == "changing places"]
    assert [tuple(m) for s in changing for m in s.matches] == _spans(PHRASES, "used to")


# --- scores, ranking, limits ------------------------------------------------------------------

SCORES = (
    "Interviewer: Where do you feel lonely?\n"
    "Interviewee: I feel lonely at night.\n"
    "Interviewee: I am alone and lonely in my flat.\n"
    "Interviewee: I am alone a lot.\n"
    "Interviewee: It is a different area now.\n"
)


def test_scores_combine_keywords_and_rank_the_best_first(
    project: db.Project, tmp_path: Path
) -> None:
    _import(project, tmp_path, SCORES)
    _only_keywords(project, {"loneliness": ["lonely", "alone"], "places and use": ["area"]})
    with project.session() as session:
        every = suggest(session, every=True)
        shown = suggest(session)
    by_sentence = {s.text: s for s in every}
    lonely = by_sentence["I feel lonely at night."]
    alone = by_sentence["I am alone a lot."]
    both = by_sentence["I am alone and lonely in my flat."]
    area = by_sentence["It is a different area now."]
    asked = by_sentence["Where do you feel lonely?"]
    # A rare word says more than a common one; two keywords more than either alone.
    assert lonely.score > alone.score and lonely.score > area.score
    assert both.score == round(1 - (1 - lonely.score) * (1 - alone.score), 2)
    assert both.reason == "2 keywords: 'alone', 'lonely'"
    # The interviewer's question: the same keyword, a lower score, below the threshold.
    assert asked.score < MIN_SCORE < lonely.score
    assert asked.reason == "keyword 'lonely'; said by the interviewer"
    # Shown: those at or above the threshold, best first.
    assert [s.id for s in shown] == [
        s.id for s in sorted(every, key=lambda s: (-s.score, s.start)) if s.score >= MIN_SCORE
    ]
    assert shown[0].id == both.id and asked.id not in {s.id for s in shown}
    assert area.score < MIN_SCORE  # "area": a common word, not shown on its own


def test_at_most_a_few_per_page_the_best_ones(project: db.Project, tmp_path: Path) -> None:
    lines = [f"Interviewee: Day {n}: I felt lonely." for n in range(6)]
    lines.insert(4, "Interviewee: I felt lonely and alone, so lonely.")
    first_page = "\n".join(lines) + "\n"
    filler = "Interviewee: " + "We talked about the weather. " * 100 + "\n"
    second_page = "Interviewee: Later I felt lonely again.\n"
    text = first_page + filler + second_page
    assert len(first_page) < PAGE_CHARS < text.index(second_page)
    _import(project, tmp_path, text)
    _only_keywords(project, {"loneliness": ["lonely", "alone"]})
    with project.session() as session:
        every = suggest(session, every=True)
        shown = suggest(session)
    on_first = [s for s in every if s.start < len(first_page)]
    assert len(on_first) == 7 > PER_PAGE
    best = sorted(on_first, key=lambda s: (-s.score, s.start))[:PER_PAGE]
    assert [s.id for s in shown if s.start < len(first_page)] == [s.id for s in best]
    assert best[0].text == "I felt lonely and alone, so lonely."
    # The next page has its own few.
    assert [s.text for s in shown if s.start > len(first_page)] == ["Later I felt lonely again."]


def test_transcriber_notes_are_not_the_narrators_words(project: db.Project, tmp_path: Path) -> None:
    text = "Interviewee: That was it [sounds lonely]. I felt lonely there.\n"
    _import(project, tmp_path, text)
    _only_keywords(project, {"loneliness": ["lonely"]})
    with project.session() as session:
        found = suggest(session, every=True)
    assert [tuple(m) for s in found for m in s.matches] == [_spans(text, "lonely")[1]]


def test_the_interviewer_is_the_one_who_asks_when_labels_do_not_say(
    project: db.Project, tmp_path: Path
) -> None:
    text = (
        "Speaker 1: Do you feel lonely? Where?\n"
        "Speaker 2: I feel lonely at home.\n"
        "Speaker 1: And at school, lonely too?\n"
        "Speaker 2: Not at school.\n"
    )
    _import(project, tmp_path, text)
    _only_keywords(project, {"loneliness": ["lonely"]})
    with project.session() as session:
        shown = suggest(session)
        every = suggest(session, every=True)
    assert [s.text for s in shown] == ["I feel lonely at home."]
    assert len(every) == 3


def test_the_command_line_shows_scores_and_lists_every_match_with_all(
    project: db.Project, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    _import(project, tmp_path, SCORES)
    _only_keywords(project, {"loneliness": ["lonely", "alone"]})
    target = project.target
    project.dispose()
    shown = as_json(cli("suggest", target, "--json"))
    every = as_json(cli("suggest", target, "--all", "--json"))
    assert {s["id"] for s in shown} < {s["id"] for s in every}
    assert all(s["score"] >= MIN_SCORE for s in shown)
    assert [s["score"] for s in shown] == sorted((s["score"] for s in shown), reverse=True)
    terminal = cli("suggest", target).stdout
    assert f"{shown[0]['id']}  {shown[0]['score']:.2f}  code " in terminal
    # A weak one, listed only with --all, can still be accepted by its id.
    weak = next(s for s in every if s["id"] not in {t["id"] for t in shown})
    views = as_json(cli("suggest", target, "--accept", weak["id"], "--json"))
    assert [(v["start"], v["end"], v["codes"]) for v in views] == [
        (weak["start"], weak["end"], ["loneliness"])
    ]


# --- the coding screen --------------------------------------------------------------------


async def test_closing_the_suggestions_gives_the_reader_back_its_place(
    demo: ProjectTarget,
) -> None:
    from tests.test_tui_coding import SIZE, open_coding, read, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.screens.coding import CodingScreen, SuggestionPanel

    document = "interview-02-lindenholt"
    project = read(demo)
    try:
        lemmas.index_project(project)
        with project.session() as session:
            offered = suggest(session, document=document)
            text = session.exec(
                select(suggest_module.Document.text).where(suggest_module.Document.name == document)
            ).one()
    finally:
        project.dispose()
    assert len(offered) >= 2, "the demo gives suggestions for this interview"
    last_line = text.count("\n")
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        transcript = await open_coding(app, pilot, document)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        # The reader is at the end of the interview, far from the first suggestion.
        transcript.move_cursor((last_line, 0))
        transcript.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        cursor, scroll = transcript.cursor_location, transcript.scroll_offset
        await pilot.press("s")
        await settle(app, pilot)
        assert screen.query_one(SuggestionPanel).display
        first = min(offered, key=lambda s: s.start)
        assert transcript.selected_span == (first.start, first.end)  # it moved
        assert transcript.scroll_offset != scroll
        await pilot.press("right")  # look at the next one too
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.query_one(SuggestionPanel).display
        assert transcript.cursor_location == cursor
        assert transcript.selected_span is None
        assert transcript.scroll_offset == scroll
        assert transcript.has_focus

"""Undo is yours: two coders on one project, each undoing and redoing their own changes.

A coder's undo takes back that coder's newest change, never anyone else's; when another
coder's later change depends on it (they coded the segment it made, used the code it added),
the undo is refused in one line naming that change, and nothing changes. Redo is symmetric.
A random interleaving of two coders' codings, uncodings, undos and redos checks that no undo
takes away the other coder's codings, and no coding or redone coding changes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.backends import Backend, Template
from tests.conftest import SHIPPED_CODEBOOK, Targets, as_json, dump
from workbench.errors import Conflict, NothingToDo, WorkbenchError
from workbench.project import db
from workbench.project.target import ProjectTarget
from workbench.services import codebook, coding, history
from workbench.services.importing import import_files

TEXT = (
    "Interviewer: Where do you feel at home?\n"
    "Interviewee: At the library, the staff know my name. It is my second home.\n"
    "Interviewer: And the youth club?\n"
    "Interviewee: It closed. Now there is nowhere to go after school, so I stay in.\n"
)
SKIP = ("coder",)


def _fill(folder: Path) -> Callable[[ProjectTarget], None]:
    def fill(target: ProjectTarget) -> None:
        from workbench.coding import codebook as books
        from workbench.project import settings as project_settings

        source = folder / "talk.txt"
        source.write_text(TEXT, encoding="utf-8")
        project = db.create_project(target)
        with project.transaction("init", record=False) as session:
            project_settings.put(session, "language", "en")
            books.apply_codebook(session, books.load_codebook(SHIPPED_CODEBOOK))
        import_files(project, [source], language="en", coder="setup")
        project.dispose()

    return fill


@pytest.fixture(scope="module")
def template(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A project with one transcript and the shipped codebook (copied for each test)."""
    folder = tmp_path_factory.mktemp("team")
    return backend.template("team", folder, _fill(folder))


@pytest.fixture
def team(template: Template, targets: Targets) -> Iterator[db.Project]:
    project = db.open_project(targets.copy(template))
    yield project
    project.dispose()


def codings(project: db.Project, coder: str) -> set[tuple[int, int, str]]:
    """(start, end, code) of every coding by ``coder``."""
    with project.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                'SELECT s.start, s."end", c.name FROM coding g'
                " JOIN segment s ON s.id = g.segment_id"
                " JOIN code c ON c.id = g.code_id JOIN coder k ON k.id = g.coder_id"
                " WHERE k.name = :coder"
            ),
            {"coder": coder},
        ).all()
    return {(row[0], row[1], row[2]) for row in rows}


def test_each_coder_undoes_and_redoes_only_their_own_changes(team: db.Project) -> None:
    coding.code_span(team, "talk", 0, 11, ["welcome"], coder="ann")
    coding.code_span(team, "talk", 41, 60, ["stigma"], coder="bram")
    undone = history.step(team, undo=True, coder="ann")
    assert (undone.coder, undone.state, undone.action) == ("ann", "undone", "code")
    assert codings(team, "ann") == set()
    assert codings(team, "bram") == {(41, 60, "stigma")}
    # Ann has nothing more to undo, though Bram's change is newer than hers was.
    with pytest.raises(NothingToDo, match="nothing to undo for ann"):
        history.step(team, undo=True, coder="ann")
    # A new change by Bram keeps Ann's redo stack.
    coding.code_span(team, "talk", 70, 80, ["welcome"], coder="bram")
    redone = history.step(team, undo=False, coder="ann")
    assert (redone.id, redone.state) == (undone.id, "done")
    assert codings(team, "ann") == {(0, 11, "welcome")}
    assert history.step(team, undo=True, coder="bram").summary.startswith("code talk 70-80")
    assert codings(team, "bram") == {(41, 60, "stigma")}
    assert codings(team, "ann") == {(0, 11, "welcome")}


def test_undo_is_refused_when_another_coder_coded_the_segment(team: db.Project) -> None:
    coding.code_span(team, "talk", 0, 11, ["welcome"], coder="ann")
    coding.code_span(team, "talk", 0, 11, ["stigma"], coder="bram")  # the same segment
    before = dump(team, skip=SKIP)
    with pytest.raises(Conflict) as refused:
        history.step(team, undo=True, coder="ann")
    message = str(refused.value)
    bram = history.history(team, coder="bram")[0]
    assert "\n" not in message
    assert message.startswith("cannot undo change ")
    assert f"change {bram.id} by bram (code talk 0-11 with stigma) depends on it" in message
    assert dump(team, skip=SKIP) == before
    # Once Bram took his coding back, Ann's undo goes through (and removes the segment).
    history.step(team, undo=True, coder="bram")
    history.step(team, undo=True, coder="ann")
    assert codings(team, "ann") == codings(team, "bram") == set()
    with team.session() as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM segment").scalar() == 0


def test_adding_to_a_segment_someone_else_made_is_undone_alone(team: db.Project) -> None:
    coding.code_span(team, "talk", 0, 11, ["welcome"], coder="bram")
    coding.code_span(team, "talk", 0, 11, ["stigma"], coder="ann")
    coding.code_span(team, "talk", 0, 11, ["lost place"], coder="bram")
    history.step(team, undo=True, coder="ann")  # Bram's later coding does not need Ann's
    assert codings(team, "ann") == set()
    assert codings(team, "bram") == {(0, 11, "welcome"), (0, 11, "lost place")}


def test_undo_of_a_new_code_another_coder_used_is_refused(team: db.Project) -> None:
    codebook.add_code(team, "bench talk", coder="ann")
    coding.code_span(team, "talk", 41, 60, ["bench talk"], coder="bram")
    with pytest.raises(Conflict, match=r"by bram \(code talk 41-60 with bench talk\) depends"):
        history.step(team, undo=True, coder="ann")
    # A rename of a code someone coded with is Ann's alone: undoing it takes nothing away.
    codebook.rename_code(team, "welcome", "feeling welcome", coder="ann")
    coding.code_span(team, "talk", 70, 80, ["feeling welcome"], coder="bram")
    history.step(team, undo=True, coder="ann")
    assert codings(team, "bram") == {(41, 60, "bench talk"), (70, 80, "welcome")}


def test_redo_is_refused_when_another_coder_took_the_span(team: db.Project) -> None:
    coding.code_span(team, "talk", 0, 11, ["welcome"], coder="ann")
    history.step(team, undo=True, coder="ann")
    coding.code_span(team, "talk", 0, 11, ["stigma"], coder="bram")  # a new segment there
    before = dump(team, skip=SKIP)
    with pytest.raises(Conflict, match=r"^cannot redo change \d+ by ann .*by bram"):
        history.step(team, undo=False, coder="ann")
    assert dump(team, skip=SKIP) == before
    history.step(team, undo=True, coder="bram")
    history.step(team, undo=False, coder="ann")
    assert codings(team, "ann") == {(0, 11, "welcome")}


def test_redo_is_refused_when_what_it_builds_on_was_undone(team: db.Project) -> None:
    codebook.add_code(team, "bench talk", coder="bram")
    coding.code_span(team, "talk", 41, 60, ["bench talk"], coder="ann")
    history.step(team, undo=True, coder="ann")
    history.step(team, undo=True, coder="bram")  # nothing of Ann's needs the code now
    with pytest.raises(Conflict, match=r"builds on change \d+ by bram .*which is undone"):
        history.step(team, undo=False, coder="ann")
    history.step(team, undo=False, coder="bram")
    history.step(team, undo=False, coder="ann")
    assert codings(team, "ann") == {(41, 60, "bench talk")}


def test_history_shows_whose_change_is_whose(team: db.Project) -> None:
    coding.code_span(team, "talk", 0, 11, ["welcome"], coder="ann")
    coding.code_span(team, "talk", 41, 60, ["stigma"], coder="bram")
    coding.code_span(team, "talk", 70, 80, ["stigma"], coder="ann")
    everyone = history.history(team, everyone=True)
    assert [c.coder for c in everyone] == ["ann", "bram", "ann"]
    assert [c.coder for c in history.history(team, coder="ann")] == ["ann", "ann"]
    assert [c.summary for c in history.history(team, coder="bram")] == [
        "code talk 41-60 with stigma"
    ]


# --- a random interleaving of two coders ---------------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bram"]),
        st.sampled_from(["code", "code", "code", "uncode", "undo", "undo", "redo"]),
        st.integers(0, 5),
        st.sampled_from(["welcome", "stigma", "lost place"]),
    ),
    min_size=1,
    max_size=14,
)
SPANS = [(0, 11), (13, 40), (41, 60), (0, 11), (62, 80), (13, 40)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_no_step_of_one_coder_touches_the_other_coders_codings(
    template: Template, targets: Targets, steps: list[tuple[str, str, int, str]]
) -> None:
    project = db.open_project(targets.copy(template, f"run-{len(targets.made)}"))
    try:
        for coder, action, span, code in steps:
            other = "bram" if coder == "ann" else "ann"
            theirs = codings(project, other)
            try:
                if action == "code":
                    coding.code_span(project, "talk", *SPANS[span], [code], coder=coder)
                elif action == "uncode":
                    mine = sorted(codings(project, coder))
                    if not mine:
                        continue
                    start, end, name = mine[span % len(mine)]
                    with project.session() as session:
                        segment = (
                            session.connection()
                            .exec_driver_sql(
                                f'SELECT id FROM segment WHERE start = {start} AND "end" = {end}'
                            )
                            .scalar()
                        )
                    assert isinstance(segment, int)
                    coding.uncode(project, segment, [name], coder=coder)
                else:
                    stepped = history.step(project, undo=action == "undo", coder=coder)
            except (Conflict, NothingToDo):
                continue
            except WorkbenchError as error:  # uncoding a code someone else gave the segment
                assert action == "uncode", error
                continue
            after = codings(project, other)
            if action == "code" or (action == "redo" and stepped.action == "code"):
                assert after == theirs, (coder, action)
            elif action == "undo":
                # Never takes away the other's work; it can give back what this coder's own
                # uncode took away (uncode takes a code off a segment for everyone).
                assert theirs <= after, (coder, action)
        from workbench.analysis.integrity import check_project

        assert check_project(project) == []
    finally:
        project.dispose()


# --- the command line ---------------------------------------------------------------------


def test_cli_undo_redo_and_history_per_coder(template, targets, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = targets.copy(template)
    monkeypatch.setenv("WORKBENCH_CODER", "ann")
    cli("code", path, "talk", 0, 11, "welcome")
    cli("code", path, "talk", 0, 11, "stigma", "--coder", "bram")
    refused = cli("undo", path, ok=False)
    assert refused.exit_code == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "by bram (code talk 0-11 with stigma) depends on it" in lines[0]
    bram_undo = as_json(cli("undo", path, "--coder", "bram", "--json"))
    assert set(bram_undo) == {"change", "action", "summary", "state", "coder"}
    assert (bram_undo["coder"], bram_undo["state"]) == ("bram", "undone")
    assert as_json(cli("undo", path, "--json"))["coder"] == "ann"
    # history: your own changes by default, --coder someone's, --all everyone's.
    # Bram's redo is refused: his coding was on Ann's segment, which her undo took away.
    again = cli("redo", path, "--coder", "bram", ok=False)
    assert again.exit_code == 1 and "by ann (code talk 0-11 with welcome), which is undone" in (
        again.stderr
    )
    mine = as_json(cli("history", path, "--json"))
    assert [h["coder"] for h in mine] == ["ann"]
    assert set(mine[0]) == {"id", "action", "summary", "state", "created_at", "coder"}
    assert [h["coder"] for h in as_json(cli("history", path, "--coder", "bram", "--json"))] == [
        "bram"
    ]
    everyone = as_json(cli("history", path, "--all", "--json"))
    assert [h["coder"] for h in everyone] == ["bram", "ann"]
    table = cli("history", path, "--all").stdout
    assert "bram" in table and "ann" in table
    both = cli("history", path, "--all", "--coder", "bram", ok=False)
    assert both.exit_code != 0

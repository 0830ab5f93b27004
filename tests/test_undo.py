"""Undo and redo restore every table exactly.

(Coders are the one exception: a coder is an identity created on first use and referred to
by the change log itself, so undo leaves the row; it holds no research data.)

A random sequence of coding operations is applied, one transaction each, and the whole
project is dumped after each. Undoing step by step must give back each earlier dump, down
to the start; redoing must give each later dump again. A new change after an undo drops the
redo stack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.backends import Backend, Template
from tests.conftest import Targets, dump, sql_rows
from workbench.coding import cases
from workbench.coding import codes as code_ops
from workbench.coding import memos as memo_ops
from workbench.coding import places as place_ops
from workbench.coding import segments as segment_ops
from workbench.errors import NothingToDo, WorkbenchError
from workbench.project import changelog, coders, db
from workbench.project.models import Code, Place, Segment
from workbench.project.target import ProjectTarget
from workbench.services.importing import import_files

TEXT = (
    "Interviewer: Where do you feel at home?\n"
    "Interviewee: At the library — the staff know my name. It’s my second home.\n"
    "Interviewer: And the youth club?\n"
    "Interviewee: It closed. Now there is nowhere to go after school, so I stay in.\n"
)


@pytest.fixture(scope="module")
def template(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Template:
    folder = tmp_path_factory.mktemp("template")
    source = folder / "talk.txt"
    source.write_text(TEXT, encoding="utf-8")
    return backend.template("undo", folder, lambda path: _build(path, source))


def _build(path: ProjectTarget, source: Path) -> None:
    project = db.create_project(path)
    with project.transaction("init", record=False) as session:
        for name in ("welcome", "stigma", "lost place", "second home"):
            code_ops.add_code(session, name)
        place_ops.add_place(session, "Central Library", kind="library")
    import_files(project, [source], language="en")
    if project.is_sqlite:  # everything into the file, which is copied
        with project.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    project.dispose()


SKIP = ("coder",)

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "code",
                "code",
                "code",
                "uncode",
                "add_code",
                "rename",
                "move",
                "merge",
                "delete",
                "add_place",
                "edit_place",
                "link",
                "unlink",
                "memo",
                "case",
                "edit_code",
            ]
        ),
        st.integers(0, 1000),
        st.integers(0, 1000),
        st.integers(0, 1000),
    ),
    min_size=1,
    max_size=12,
)


def _pick(items: list, index: int):  # type: ignore[no-untyped-def,type-arg]
    return items[index % len(items)] if items else None


def _apply(session, op: str, a: int, b: int, c: int, step: int) -> None:  # type: ignore[no-untyped-def]
    cid = coders.ensure(session, "ann" if a % 2 else "bob").id
    codes = list(session.exec(select(Code).order_by(Code.id)))
    places = list(session.exec(select(Place).order_by(Place.id)))
    segments = list(session.exec(select(Segment).order_by(Segment.id)))
    if op == "code":
        start = a % (len(TEXT) - 2)
        end = start + 1 + b % 40
        names = {_pick(codes, b).name, _pick(codes, c).name} if codes else set()
        chosen = [_pick(places, c).name] if places and c % 3 == 0 else []
        segment_ops.code_span(
            session,
            "talk",
            start,
            min(end, len(TEXT)),
            sorted(names),
            places=chosen,
            coder_id=cid,
            memo="a memo" if c % 5 == 0 else None,
        )
    elif op == "uncode" and segments:
        segment = _pick(segments, a)
        view = segment_ops.segment_view(session, segment.id)
        segment_ops.uncode(session, segment.id, view.codes[:1] if b % 2 else [])
    elif op == "add_code":
        parent = _pick(codes, a).name if codes and b % 2 else None
        code_ops.add_code(session, f"code {step}-{a}", parent=parent, coder_id=cid)
    elif op == "rename" and codes:
        code_ops.rename_code(session, _pick(codes, a).name, f"renamed {step}-{b}")
    elif op == "move" and codes:
        code_ops.move_code(session, _pick(codes, a).name, _pick(codes, b).name if c % 3 else None)
    elif op == "merge" and len(codes) > 1:
        code_ops.merge_codes(session, _pick(codes, a).name, _pick(codes, b).name)
    elif op == "delete" and codes:
        code_ops.delete_code(session, _pick(codes, a).name, recursive=True)
    elif op == "add_place":
        place_ops.add_place(
            session, f"Place {step}-{a}", kind="park", aliases=[f"alias {b}"], coder_id=cid
        )
    elif op == "edit_place" and places:
        place_ops.edit_place(
            session,
            _pick(places, a).name,
            status=("lost", "missed", "wished")[b % 3],
            latitude=51.5,
            longitude=-0.1,
        )
    elif op == "link" and segments and places:
        segment_ops.link(session, _pick(segments, a).id, _pick(places, b).name, coder_id=cid)
    elif op == "unlink" and segments and places:
        segment_ops.unlink(session, _pick(segments, a).id, _pick(places, b).name)
    elif op == "memo" and codes:
        memo_ops.add_memo(session, "code", _pick(codes, a).name, f"memo {step}", coder_id=cid)
    elif op == "case":
        case = cases.ensure_case(session, f"case {a % 3}", coder_id=cid)
        cases.set_value(session, case, "age", str(18 + b % 10))
    else:
        raise WorkbenchError("nothing to do for this operation")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_undo_and_redo_walk_the_history_exactly(template: Template, targets: Targets, ops) -> None:  # type: ignore[no-untyped-def]
    path = targets.copy(template, f"run-{abs(hash(tuple(ops)))}")
    project = db.open_project(path)
    try:
        states = [dump(project, skip=SKIP)]
        for step, (op, a, b, c) in enumerate(ops):
            try:
                with project.transaction(op, coder="ann") as session:
                    _apply(session, op, a, b, c, step)
            except WorkbenchError:
                continue  # refused: nothing changed, nothing logged
            if dump(project, skip=SKIP) != states[-1]:
                states.append(dump(project, skip=SKIP))
        for expected in reversed(states[:-1]):
            with project.transaction("undo", record=False) as session:
                changelog.undo(session)
            assert dump(project, skip=SKIP) == expected
        with pytest.raises(NothingToDo), project.transaction("undo", record=False) as session:
            changelog.undo(session)
        for expected in states[1:]:
            with project.transaction("redo", record=False) as session:
                changelog.redo(session)
            assert dump(project, skip=SKIP) == expected
        with pytest.raises(NothingToDo), project.transaction("redo", record=False) as session:
            changelog.redo(session)
    finally:
        project.dispose()


def test_a_new_change_drops_the_redo_stack(template: Template, targets: Targets) -> None:
    path = targets.copy(template, "p")
    project = db.open_project(path)
    with project.transaction("code", coder="ann") as session:
        segment_ops.code_span(
            session, "talk", 0, 11, ["welcome"], coder_id=coders.ensure(session, "ann").id
        )
    with project.transaction("undo", record=False) as session:
        changelog.undo(session)
    with project.transaction("code", coder="ann") as session:
        segment_ops.code_span(
            session, "talk", 13, 20, ["stigma"], coder_id=coders.ensure(session, "ann").id
        )
    with pytest.raises(NothingToDo), project.transaction("redo", record=False) as session:
        changelog.redo(session)
    with project.session() as session:
        states = [change.state for change in changelog.history(session)]
    assert states == ["done", "dropped"]
    project.dispose()


def test_undo_refuses_when_a_row_changed_outside_the_log(
    template: Template, targets: Targets
) -> None:
    path = targets.copy(template, "p")
    project = db.open_project(path)
    with project.transaction("rename", coder="ann") as session:
        code_ops.rename_code(session, "welcome", "feeling welcome")
    with project.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE code SET color = '#000000' WHERE name = 'feeling welcome'"
        )
    before = dump(project, skip=SKIP)
    with (
        pytest.raises(WorkbenchError, match="changed outside the change log"),
        project.transaction("undo", record=False) as session,
    ):
        changelog.undo(session)
    assert dump(project, skip=SKIP) == before
    project.dispose()


def _rows(path: ProjectTarget, sql: str) -> list[tuple[object, ...]]:
    """Rows read with plain SQL, independent of the ORM."""
    return sql_rows(path, sql)


def test_unlink_deletes_a_segment_left_empty_and_undo_brings_it_back(
    template: Template, targets: Targets
) -> None:
    """A code-free segment linked to one place goes with its last link, in the same change;
    undo restores segment and link; a segment that still has a code (or a memo) stays."""
    path = targets.copy(template, "p")
    project = db.open_project(path)
    try:
        with project.transaction("code", coder="ann") as session:
            cid = coders.ensure(session, "ann").id
            bare = segment_ops.code_span(
                session, "talk", 0, 11, [], places=["Central Library"], coder_id=cid
            ).segment
            coded = segment_ops.code_span(
                session, "talk", 13, 20, ["welcome"], places=["Central Library"], coder_id=cid
            ).segment
            memoed = segment_ops.code_span(
                session, "talk", 22, 30, [], places=["Central Library"], memo="m", coder_id=cid
            ).segment
        before = dump(project, skip=SKIP)
        with project.transaction("unlink", coder="ann") as session:
            view = segment_ops.unlink(session, bare, "Central Library")
        assert (view.segment, view.places, view.codes) == (bare, [], [])
        assert _rows(path, f"SELECT id FROM segment WHERE id = {bare}") == []
        assert _rows(path, f"SELECT id FROM segment_place WHERE segment_id = {bare}") == []
        with project.session() as session:
            assert changelog.history(session)[0].action == "unlink"
        with project.transaction("undo", record=False) as session:
            changelog.undo(session)
        assert dump(project, skip=SKIP) == before
        assert _rows(path, f'SELECT id, start, "end" FROM segment WHERE id = {bare}') == [
            (bare, 0, 11)
        ]
        assert len(_rows(path, f"SELECT id FROM segment_place WHERE segment_id = {bare}")) == 1
        for kept in (coded, memoed):
            with project.transaction("unlink", coder="ann") as session:
                view = segment_ops.unlink(session, kept, "Central Library")
            assert view.places == []
            assert _rows(path, f"SELECT id FROM segment WHERE id = {kept}") == [(kept,)]
        assert _rows(path, f"SELECT segment_id FROM coding WHERE segment_id = {coded}") == [
            (coded,)
        ]
    finally:
        project.dispose()


def test_cli_unlink_of_the_last_link_then_undo(template: Template, targets: Targets, cli) -> None:  # type: ignore[no-untyped-def]
    """The ``unlink`` command drops the emptied segment; ``undo`` puts it back."""
    path = targets.copy(template, "p")
    project = db.open_project(path)
    with project.transaction("code", coder="ann") as session:
        cid = coders.ensure(session, "ann").id
        bare = segment_ops.code_span(
            session, "talk", 0, 11, [], places=["Central Library"], coder_id=cid
        ).segment
    project.dispose()
    cli("unlink", path, bare, "Central Library")
    assert _rows(path, "SELECT id FROM segment") == []
    cli("undo", path)
    assert _rows(path, "SELECT id FROM segment") == [(bare,)]
    assert _rows(path, "SELECT segment_id FROM segment_place") == [(bare,)]

"""Two processes on one project (a TUI and a CLI) both work: readers are not blocked by a
writer, and a second writer waits for the first instead of failing."""

from __future__ import annotations

import threading
import time

from sqlmodel import select

from workbench.coding import codes
from workbench.project import coders, db
from workbench.project.models import Code


def test_reader_sees_committed_state_while_a_writer_works(project) -> None:  # type: ignore[no-untyped-def]
    other = db.open_project(project.path)  # a second engine: like a second process
    try:
        with other.session() as reader:
            before = len(reader.exec(select(Code)).all())
            with project.transaction("add", coder="ann") as session:
                codes.add_code(session, "bench chat")
                # The reader still works while the write transaction is open.
                assert len(reader.exec(select(Code)).all()) == before
        with other.session() as reader:
            assert len(reader.exec(select(Code)).all()) == before + 1
    finally:
        other.dispose()


def test_second_writer_waits_for_the_first(project) -> None:  # type: ignore[no-untyped-def]
    other = db.open_project(project.path)
    holding = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def first_writer() -> None:
        try:
            with project.transaction("slow", coder="ann") as session:
                codes.add_code(session, "first")
                holding.set()
                release.wait(5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert holding.wait(5)
    timer = threading.Timer(0.5, release.set)
    timer.start()
    started = time.monotonic()
    with other.transaction("second", coder="bob") as session:
        codes.add_code(session, "second", coder_id=coders.ensure(session, "bob").id)
    waited = time.monotonic() - started
    thread.join(5)
    other.dispose()
    assert not errors
    assert waited >= 0.3  # it waited for the lock rather than failing
    with project.session() as session:
        names = set(session.exec(select(Code.name)).all())
    assert {"first", "second"} <= names

"""The bundled demo project: seven fictional Dutch interviews about neighbourhood places,
with the shipped codebook, cases, places and coding by two coders.

:func:`build_demo` makes it through the core functions only, each step in a transaction
that is not recorded, so the demo starts with an empty undo history. The transcripts live in
``transcripts/`` next to this file (found from ``__file__``, so an installed package works
too); the cases, places, codings and memos are in :mod:`workbench.demo.plan`. Spans are found
by searching the stored document text for literal phrases: no offset is written down.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from workbench.coding import cases, codebook, lookups, segments
from workbench.coding import memos as memo_ops
from workbench.coding import places as place_ops
from workbench.demo import plan
from workbench.errors import ProjectError
from workbench.i18n import _
from workbench.project import coders, db, settings
from workbench.project.models import id_of
from workbench.services import importing as import_service

TRANSCRIPTS = Path(__file__).parent / "transcripts"

#: A project target (:data:`workbench.project.target.ProjectTarget`), given back as it came.
T = TypeVar("T", str, Path)

__all__ = ["TRANSCRIPTS", "build_demo", "transcript_files"]


def transcript_files() -> list[Path]:
    """The shipped demo transcripts, in order."""
    files = sorted(TRANSCRIPTS.glob("*.txt"))
    if not files:
        raise ProjectError(
            _("the demo transcripts are missing from {folder} (reinstall)").format(
                folder=TRANSCRIPTS
            )
        )
    return files


def build_demo(target: T) -> T:
    """Create the demo project at ``target`` (a file, or an empty database on a server) and
    return ``target``.

    Refuses (:class:`~workbench.errors.ProjectError`) when something exists there. If building
    fails half-way, the half-built project is removed again.
    """
    project = db.create_project(target)  # raises ProjectError when the file exists
    try:
        _build(project)
    except BaseException:
        project.dispose()
        db.discard_project(target)
        raise
    project.dispose()
    return target


def _build(project: db.Project) -> None:
    shipped = codebook.shipped_codebooks()
    if plan.CODEBOOK not in shipped:
        raise ProjectError(
            _("the shipped codebook {codebook} is missing (reinstall)").format(
                codebook=repr(plan.CODEBOOK)
            )
        )
    spec = codebook.load_codebook(shipped[plan.CODEBOOK])
    first = plan.CODERS[0]

    with project.transaction("demo", coder=first, record=False) as session:
        settings.put(session, "language", plan.LANGUAGE)
        ids = {name: id_of(coders.ensure(session, name)) for name in plan.CODERS}
        codebook.apply_codebook(session, spec, coder_id=ids[first])

    import_service.import_files(project, transcript_files(), language=plan.LANGUAGE, coder=first)

    with project.transaction("demo", coder=first, record=False) as session:
        _add_cases(session)
        for fields in plan.PLACES:
            place_ops.add_place(session, coder_id=ids[first], **fields)

    for coder_name, documents in plan.CODINGS.items():
        with project.transaction("demo", coder=coder_name, record=False) as session:
            coder_id = coders.ensure(session, coder_name).id
            assert coder_id is not None
            for document_name, passages in documents.items():
                _code_document(session, document_name, passages, coder_id)

    with project.transaction("demo", coder=first, record=False) as session:
        for coder_name, target_type, target, text in plan.MEMOS:
            memo_ops.add_memo(session, target_type, target, text, coder_id=ids[coder_name])


def _add_cases(session: Session) -> None:
    for case_name, document_name, attributes in plan.CASES:
        case = cases.ensure_case(session, case_name)
        document = lookups.find_document(session, document_name)
        cases.link_document(session, id_of(case), id_of(document))
        for key, value in attributes.items():
            cases.set_value(session, case, key, value, type_name=plan.ATTRIBUTE_TYPES[key])


def find_span(text: str, phrase: str, document: str) -> tuple[int, int]:
    """Where ``phrase`` is in ``text``: it must occur exactly once."""
    count = text.count(phrase)
    if count != 1:
        where = "not found" if count == 0 else f"found {count} times"
        raise ValueError(f"demo data: phrase {phrase[:50]!r}... {where} in {document!r}")
    start = text.index(phrase)
    return start, start + len(phrase)


def _code_document(
    session: Session, document_name: str, passages: list[plan.Passage], coder_id: int
) -> None:
    text = lookups.find_document(session, document_name).text
    for passage in passages:
        start, end = find_span(text, passage.phrase, document_name)
        segments.code_span(
            session,
            document_name,
            start,
            end,
            list(passage.codes),
            coder_id=coder_id,
            places=list(passage.places),
            memo=passage.memo,
        )

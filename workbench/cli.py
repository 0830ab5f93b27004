"""The ``workbench`` command: a thin shell over the core.

Every command takes the project file first, runs as one transaction, prints a table (or with
``--json`` one JSON document and nothing else) on stdout, and reports errors as one line on
stderr with a non-zero exit status, leaving the project unchanged. Core modules are imported
inside the commands so that ``workbench --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from workbench import __version__
from workbench.coding import codes as code_ops
from workbench.coding import lookups, memos, segments
from workbench.coding import places as place_ops

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from workbench.project.db import Project

F = TypeVar("F", bound=Callable[..., Any])

PROJECT = click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
CODER = click.option(
    "--coder",
    default=None,
    metavar="NAME",
    help="Who does this (default: $WORKBENCH_CODER or your login name).",
)


def emit_json(data: Any) -> None:
    """Print ``data`` as the one JSON document of a ``--json`` command."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 1) -> None:
    """Print one error line on stderr and exit."""
    click.echo(f"workbench: error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Turn core errors into one line on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from workbench.errors import WorkbenchError

        try:
            return func(*args, **kwargs)
        except WorkbenchError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; nothing was changed", 130)
        except Exception as exc:  # database locked, disk full: still one line
            import sqlalchemy as sa

            if isinstance(exc, sa.exc.OperationalError):
                fail(f"database error: {str(exc.orig).splitlines()[0]}")
            if isinstance(exc, sa.exc.IntegrityError):
                fail(f"refused by the database: {str(exc.orig).splitlines()[0]}")
            raise

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened(path: Path) -> Iterator[Project]:
    """Open a project (migrating it if needed) and close it afterwards."""
    from workbench.project.db import open_project

    project = open_project(path)
    if project.backup is not None:
        click.echo(
            f"workbench: upgraded the project; the old file is kept as {project.backup}", err=True
        )
    try:
        yield project
    finally:
        project.dispose()


def coder_id(session: Session, name: str | None) -> int:
    """The id of the coder doing this command (created on first use)."""
    from workbench.project import coders

    return coders.ensure(session, name).id  # type: ignore[return-value]


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Print rows as aligned columns."""
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            click.echo("  ".join("-" * w for w in widths))


def describe(session: Session, summary: str) -> None:
    """Name the change (core: :func:`workbench.project.changelog.describe`, imported lazily)."""
    from workbench.project.changelog import describe as name_change

    name_change(session, summary)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
# The version from the package itself: looking it up in the installed metadata would import
# importlib.metadata (about 20-50 ms) for --version alone.
@click.version_option(__version__, package_name="workbench")
def main() -> None:
    """The workbench: code interview transcripts, link passages to places, query and export.

    Every command takes the project file first (a SQLite file, e.g. study.db).
    """


# --- project ---------------------------------------------------------------------------------


@main.command()
@PROJECT
@click.option(
    "--codebook",
    "codebook_path",
    default=None,
    metavar="FILE",
    help="A codebook YAML file, or the name of a shipped one (sociale-infrastructuur).",
)
@click.option(
    "--language",
    default="nl",
    show_default=True,
    type=click.Choice(["nl", "en"]),
    help="The usual language of the transcripts.",
)
@CODER
@JSON
@handle_errors
def init(
    project: Path, codebook_path: str | None, language: str, coder: str | None, as_json: bool
) -> None:
    """Create a new project file."""
    from workbench.coding import codebook
    from workbench.project import settings
    from workbench.project.db import create_project, database_url, remove_project_files

    spec = (
        codebook.load_codebook(codebook.resolve_codebook(codebook_path)) if codebook_path else None
    )
    created = create_project(project)
    try:
        with created.transaction("init", coder=coder, record=False) as session:
            settings.put(session, "language", language)
            added = 0
            cid = coder_id(session, coder)
            if spec is not None:
                added = codebook.apply_codebook(session, spec, coder_id=cid)
            else:
                codebook.ensure_default_statuses(session)
    except BaseException:
        created.dispose()
        if "://" not in database_url(project):
            remove_project_files(project)
        raise
    created.dispose()
    if as_json:
        emit_json(
            {
                "project": str(project),
                "language": language,
                "codes": added,
                "codebook": spec.name if spec else None,
            }
        )
    else:
        extra = f" with {added} codes from {spec.name!r}" if spec else ""
        click.echo(f"created {project}{extra}")


@main.command("import")
@PROJECT
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", default=None, metavar="NAME", help="Put the documents in this case.")
@click.option(
    "--attr",
    "attrs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A case attribute (KEY:TYPE=VALUE to give its type); repeatable.",
)
@click.option(
    "--language",
    default=None,
    type=click.Choice(["nl", "en"]),
    help="Language of these files (default: the project's).",
)
@click.option(
    "--paragraphs",
    default="lines",
    show_default=True,
    type=click.Choice(["lines", "blank-lines"]),
    help="A paragraph is a line, or a block between blank lines (hard-wrapped text).",
)
@click.option("--name", default=None, help="Import a single file under this name.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr (default: when stderr is a terminal).",
)
@CODER
@JSON
@handle_errors
def import_(
    project: Path,
    files: tuple[Path, ...],
    case: str | None,
    attrs: tuple[str, ...],
    language: str | None,
    paragraphs: str,
    name: str | None,
    progress: bool | None,
    coder: str | None,
    as_json: bool,
) -> None:
    """Import transcripts (.txt .md .docx .odt .vtt .srt), all or none."""
    from workbench.coding.importing import import_files

    show = sys.stderr.isatty() if progress is None else progress

    def report(done: int, total: int, what: str) -> None:
        if show and what:
            click.echo(f"[{done + 1}/{total}] {what}", err=True)

    with opened(project) as proj:
        results = import_files(
            proj,
            files,
            case=case,
            attributes=attrs,
            language=language,
            paragraph_mode=paragraphs,
            name=name,
            coder=coder,
            progress=report,
        )
    if as_json:
        emit_json([vars(result) for result in results])
        return
    for result in results:
        for note in result.notes:
            click.echo(f"workbench: note: {note}", err=True)
        speakers = ", ".join(f"{k} {v}" for k, v in result.speakers.items())
        click.echo(
            f"imported {result.name}: {result.words} words, {result.turns} turns ({speakers}), "
            f"{result.sentences} sentences, {result.paragraphs} paragraphs"
        )


@main.command()
@PROJECT
@JSON
@handle_errors
def docs(project: Path, as_json: bool) -> None:
    """List the documents."""
    from workbench.coding.listings import list_documents

    with opened(project) as proj, proj.session() as session:
        rows = list_documents(session)
    if as_json:
        emit_json(rows)
        return
    table(
        [
            (r["name"], ", ".join(r["cases"]), r["words"], r["turns"], r["segments"], r["language"])  # type: ignore[arg-type]
            for r in rows
        ],
        ["document", "cases", "words", "turns", "segments", "lang"],
    )


@main.command()
@PROJECT
@JSON
@handle_errors
def codes(project: Path, as_json: bool) -> None:
    """The code tree with counts (segments with the code; with descendants; documents)."""
    from workbench.coding.listings import code_tree

    with opened(project) as proj, proj.session() as session:
        rows = code_tree(session)
    if as_json:
        emit_json(rows)
        return
    table(
        [
            (
                "  " * int(r["depth"]) + str(r["name"]),
                r["label"],
                r["segments"],  # type: ignore[call-overload]
                r["segments_total"],
                r["documents"],
            )
            for r in rows
        ],
        ["code", "label", "segments", "with children", "documents"],
    )


# --- codebook --------------------------------------------------------------------------------


@main.group()
def codebook() -> None:
    """Create, rename, move, merge and delete codes; export and load codebooks."""


@codebook.command("add")
@PROJECT
@click.argument("name")
@click.option("--parent", default=None)
@click.option("--label", default="")
@click.option("--description", default="")
@click.option("--color", default=None, help="#RRGGBB")
@CODER
@JSON
@handle_errors
def codebook_add(
    project: Path,
    name: str,
    parent: str | None,
    label: str,
    description: str,
    color: str | None,
    coder: str | None,
    as_json: bool,
) -> None:
    """Add a code."""


    with opened(project) as proj, proj.transaction("code add", coder=coder) as session:
        code = code_ops.add_code(
            session,
            name,
            parent=parent,
            label=label,
            description=description,
            color=color,
            coder_id=coder_id(session, coder),
        )
        describe(session, f"add code {code.name}")
        result = {"id": code.id, "name": code.name, "parent": parent, "color": code.color}
    emit_json(result) if as_json else click.echo(f"added code {result['name']}")


@codebook.command("rename")
@PROJECT
@click.argument("old")
@click.argument("new")
@CODER
@handle_errors
def codebook_rename(project: Path, old: str, new: str, coder: str | None) -> None:
    """Rename a code (its codings stay)."""


    with opened(project) as proj, proj.transaction("code rename", coder=coder) as session:
        coder_id(session, coder)
        code = code_ops.rename_code(session, old, new)
        describe(session, f"rename code {old} to {code.name}")
    click.echo(f"renamed {old} to {new}")


@codebook.command("move")
@PROJECT
@click.argument("name")
@click.option("--parent", default=None, help="The new parent; leave out to move to the top.")
@CODER
@handle_errors
def codebook_move(project: Path, name: str, parent: str | None, coder: str | None) -> None:
    """Move a code (with its children) under another code or to the top."""


    with opened(project) as proj, proj.transaction("code move", coder=coder) as session:
        coder_id(session, coder)
        code_ops.move_code(session, name, parent)
        describe(session, f"move code {name} under {parent or '(top)'}")
    click.echo(f"moved {name} under {parent or '(top)'}")


@codebook.command("merge")
@PROJECT
@click.argument("source")
@click.argument("target")
@CODER
@handle_errors
def codebook_merge(project: Path, source: str, target: str, coder: str | None) -> None:
    """Merge SOURCE into TARGET: codings, children and memos move; SOURCE is deleted."""


    with opened(project) as proj, proj.transaction("code merge", coder=coder) as session:
        coder_id(session, coder)
        code_ops.merge_codes(session, source, target)
        describe(session, f"merge code {source} into {target}")
    click.echo(f"merged {source} into {target}")


@codebook.command("delete")
@PROJECT
@click.argument("name")
@click.option("--recursive", is_flag=True, help="Also delete the code's children.")
@CODER
@handle_errors
def codebook_delete(project: Path, name: str, recursive: bool, coder: str | None) -> None:
    """Delete a code and its codings (undo brings them back)."""


    with opened(project) as proj, proj.transaction("code delete", coder=coder) as session:
        coder_id(session, coder)
        deleted = code_ops.delete_code(session, name, recursive=recursive)
        describe(session, f"delete code {', '.join(deleted)}")
    click.echo(f"deleted {', '.join(deleted)}")


@codebook.command("edit")
@PROJECT
@click.argument("name")
@click.option("--label", default=None)
@click.option("--description", default=None)
@click.option("--inclusion", default=None)
@click.option("--exclusion", default=None)
@click.option("--example", default=None)
@click.option("--color", default=None)
@click.option("--keyword", "keywords", multiple=True, help="Replaces the keywords; repeatable.")
@CODER
@handle_errors
def codebook_edit(
    project: Path, name: str, keywords: tuple[str, ...], coder: str | None, **fields: str | None
) -> None:
    """Change a code's definition, colour or keywords."""


    with opened(project) as proj, proj.transaction("code edit", coder=coder) as session:
        coder_id(session, coder)
        code_ops.update_code(session, name, keywords=list(keywords) if keywords else None, **fields)
        describe(session, f"edit code {name}")
    click.echo(f"changed {name}")


@codebook.command("export")
@PROJECT
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def codebook_export(project: Path, output: Path) -> None:
    """Write the project's codebook to a YAML file."""
    from workbench.coding import codebook as cb

    with opened(project) as proj, proj.session() as session:
        spec = cb.export_codebook(session, output)
    click.echo(f"wrote {sum(1 for _ in spec.all_codes())} codes to {output}")


@codebook.command("load")
@PROJECT
@click.argument("file", type=click.Path(path_type=Path))
@CODER
@handle_errors
def codebook_load(project: Path, file: Path, coder: str | None) -> None:
    """Add the codes, place kinds and statuses of a codebook YAML file."""
    from workbench.coding import codebook as cb

    spec = cb.load_codebook(cb.resolve_codebook(file))
    with opened(project) as proj, proj.transaction("codebook load", coder=coder) as session:
        added = cb.apply_codebook(session, spec, coder_id=coder_id(session, coder))
        describe(session, f"load codebook {spec.name}")
    click.echo(f"loaded {spec.name!r}: {added} new codes")


# --- cases and memos -------------------------------------------------------------------------


@main.group()
def case() -> None:
    """Cases (participants, units of analysis) and their attributes."""


@case.command("add")
@PROJECT
@click.argument("name")
@click.option("--doc", "documents", multiple=True, metavar="DOC")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE")
@CODER
@handle_errors
def case_add(
    project: Path, name: str, documents: tuple[str, ...], attrs: tuple[str, ...], coder: str | None
) -> None:
    """Add a case, or add documents and attributes to an existing one."""
    from workbench.coding import cases

    parsed = [cases.parse_assignment(item) for item in attrs]
    with opened(project) as proj, proj.transaction("case add", coder=coder) as session:
        row = cases.ensure_case(session, name, coder_id=coder_id(session, coder))
        for doc in documents:
            cases.link_document(session, row.id, lookups.find_document(session, doc).id)  # type: ignore[arg-type]
        for key, type_name, value in parsed:
            cases.set_value(session, row, key, value, type_name=type_name)
        describe(session, f"case {name}")
    click.echo(f"case {name}: {len(documents)} document(s), {len(parsed)} attribute(s)")


@main.command("cases")
@PROJECT
@JSON
@handle_errors
def cases_list(project: Path, as_json: bool) -> None:
    """List cases with their documents and attributes."""
    from workbench.coding import cases

    with opened(project) as proj, proj.session() as session:
        rows = cases.list_cases(session)
    if as_json:
        emit_json([vars(row) for row in rows])
        return
    table(
        [
            (r.name, ", ".join(r.documents), ", ".join(f"{k}={v}" for k, v in r.attributes.items()))
            for r in rows
        ],
        ["case", "documents", "attributes"],
    )


@main.command()
@PROJECT
@click.argument("kind", type=click.Choice(["project", "doc", "code", "segment", "case", "place"]))
@click.argument("args", nargs=-1, required=True)
@CODER
@JSON
@handle_errors
def memo(project: Path, kind: str, args: tuple[str, ...], coder: str | None, as_json: bool) -> None:
    """Write a memo: memo study.db (doc|code|segment|case|place|project) [TARGET] TEXT."""


    if kind == "project":
        target, text = None, " ".join(args)
    elif len(args) < 2:
        raise click.UsageError(f"give the {kind} and the memo text")
    else:
        target, text = args[0], " ".join(args[1:])
    with opened(project) as proj, proj.transaction("memo", coder=coder) as session:
        row = memos.add_memo(session, kind, target, text, coder_id=coder_id(session, coder))
        describe(session, f"memo on {kind} {target or ''}".strip())
        memo_id = row.id
    emit_json({"memo": memo_id, "on": kind, "target": target}) if as_json else click.echo(
        f"memo {memo_id} on {kind} {target or ''}".rstrip()
    )


# --- coding ----------------------------------------------------------------------------------


@main.command()
@PROJECT
@click.argument("document")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("code_names", nargs=-1, metavar="CODE...")
@click.option(
    "--place", "places", multiple=True, metavar="NAME", help="Link to a place; repeatable."
)
@click.option("--memo", "memo_text", default=None, help="A memo on the segment.")
@click.option("--new", "create", is_flag=True, help="Create codes that do not exist yet.")
@CODER
@JSON
@handle_errors
def code(
    project: Path,
    document: str,
    start: int,
    end: int,
    code_names: tuple[str, ...],
    places: tuple[str, ...],
    memo_text: str | None,
    create: bool,
    coder: str | None,
    as_json: bool,
) -> None:
    """Code the span START..END (code points, end exclusive) of DOCUMENT with CODEs."""


    with opened(project) as proj, proj.transaction("code", coder=coder) as session:
        view = segments.code_span(
            session,
            document,
            start,
            end,
            list(code_names),
            places=list(places),
            memo=memo_text,
            coder_id=coder_id(session, coder),
            create_codes=create,
        )
        describe(session, f"code {document} {start}-{end} with {', '.join(view.codes)}")
    if as_json:
        emit_json(view.to_dict())
    else:
        click.echo(
            f"segment {view.segment} ({view.document} {view.start}-{view.end}): "
            f"{', '.join(view.codes) or '-'}; places: {', '.join(view.places) or '-'}"
        )


@main.command()
@PROJECT
@click.argument("segment", type=int)
@click.argument("code_names", nargs=-1, metavar="[CODE...]")
@CODER
@JSON
@handle_errors
def uncode(
    project: Path, segment: int, code_names: tuple[str, ...], coder: str | None, as_json: bool
) -> None:
    """Remove codes (all when none are named) from a segment."""


    with opened(project) as proj, proj.transaction("uncode", coder=coder) as session:
        coder_id(session, coder)
        view = segments.uncode(session, segment, list(code_names))
        describe(session, f"uncode segment {segment}: {', '.join(code_names) or 'all codes'}")
    if as_json:
        emit_json(view.to_dict())
    else:
        click.echo(f"segment {segment}: {', '.join(view.codes) or 'no codes left'}")


@main.command()
@PROJECT
@click.argument("segment", type=int)
@click.argument("place")
@CODER
@JSON
@handle_errors
def link(project: Path, segment: int, place: str, coder: str | None, as_json: bool) -> None:
    """Link a segment to a place."""


    with opened(project) as proj, proj.transaction("link", coder=coder) as session:
        view = segments.link(session, segment, place, coder_id=coder_id(session, coder))
        describe(session, f"link segment {segment} to {place}")
    emit_json(view.to_dict()) if as_json else click.echo(
        f"segment {segment} linked to {', '.join(view.places)}"
    )


@main.command()
@PROJECT
@click.argument("segment", type=int)
@click.argument("place")
@CODER
@handle_errors
def unlink(project: Path, segment: int, place: str, coder: str | None) -> None:
    """Remove a segment's link to a place."""


    with opened(project) as proj, proj.transaction("unlink", coder=coder) as session:
        coder_id(session, coder)
        segments.unlink(session, segment, place)
        describe(session, f"unlink segment {segment} from {place}")
    click.echo(f"segment {segment} unlinked from {place}")


# --- places ----------------------------------------------------------------------------------


@main.command()
@PROJECT
@JSON
@handle_errors
def places(project: Path, as_json: bool) -> None:
    """List places with kind, status, area and the number of linked segments."""
    from workbench.coding.listings import list_places

    with opened(project) as proj, proj.session() as session:
        rows = list_places(session)
    if as_json:
        emit_json(rows)
        return
    table(
        [
            (
                r["name"],
                r["kind"],
                r["status"],
                r["neighbourhood"],
                r["municipality"],
                r["segments"],
                ", ".join(r["aliases"]),
            )
            for r in rows
        ],  # type: ignore[arg-type]
        ["place", "kind", "status", "neighbourhood", "municipality", "segments", "aliases"],
    )


@main.group()
def place() -> None:
    """Add and edit places."""


def _place_options(func: F) -> F:
    for option in reversed(
        [
            click.option("--status", default=None, help="existing, lost, missed or wished."),
            click.option("--neighbourhood", default=None),
            click.option("--municipality", default=None),
            click.option("--address", default=None),
            click.option("--lat", "latitude", type=float, default=None),
            click.option("--lon", "longitude", type=float, default=None),
            click.option("--description", default=None),
        ]
    ):
        func = option(func)
    return func


@place.command("add")
@PROJECT
@click.argument("name")
@click.option("--kind", required=True, help="A place kind of the codebook (library, park...).")
@_place_options
@click.option("--alias", "aliases", multiple=True, help="Another name; repeatable.")
@CODER
@JSON
@handle_errors
def place_add(
    project: Path,
    name: str,
    kind: str,
    aliases: tuple[str, ...],
    coder: str | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """Add a place."""


    values = {k: v for k, v in fields.items() if v is not None}
    with opened(project) as proj, proj.transaction("place add", coder=coder) as session:
        row = place_ops.add_place(
            session,
            name,
            kind=kind,
            aliases=list(aliases),
            coder_id=coder_id(session, coder),
            **values,
        )
        describe(session, f"add place {row.name}")
        result = {"id": row.id, "name": row.name, "kind": row.kind, "status": row.status}
    emit_json(result) if as_json else click.echo(f"added place {result['name']} ({kind})")


@place.command("edit")
@PROJECT
@click.argument("name")
@click.option("--rename", "new_name", default=None)
@click.option("--kind", default=None)
@_place_options
@click.option("--add-alias", "add_aliases", multiple=True)
@click.option("--remove-alias", "remove_aliases", multiple=True)
@CODER
@handle_errors
def place_edit(
    project: Path,
    name: str,
    new_name: str | None,
    kind: str | None,
    add_aliases: tuple[str, ...],
    remove_aliases: tuple[str, ...],
    coder: str | None,
    **fields: Any,
) -> None:
    """Change a place: name, kind, status, area, coordinates, aliases."""


    with opened(project) as proj, proj.transaction("place edit", coder=coder) as session:
        coder_id(session, coder)
        row = place_ops.edit_place(session, name, name=new_name, kind=kind, **fields)
        for alias in add_aliases:
            place_ops.add_alias(session, row, alias)
        for alias in remove_aliases:
            place_ops.remove_alias(session, row, alias)
        describe(session, f"edit place {row.name}")
    click.echo(f"changed place {new_name or name}")


# --- undo, redo, history, check --------------------------------------------------------------


def _step(project: Path, undo: bool, as_json: bool) -> None:
    from workbench.project import changelog

    with (
        opened(project) as proj,
        proj.transaction("undo" if undo else "redo", record=False) as session,
    ):
        info = changelog.undo(session) if undo else changelog.redo(session)
    result = {
        "change": info.id,
        "action": info.action,
        "summary": info.summary,
        "state": info.state,
        "coder": info.coder,
    }
    if as_json:
        emit_json(result)
    else:
        click.echo(f"{'undone' if undo else 'redone'}: {info.summary or info.action}")


@main.command()
@PROJECT
@JSON
@handle_errors
def undo(project: Path, as_json: bool) -> None:
    """Undo the last change (also one made in an earlier session)."""
    _step(project, True, as_json)


@main.command()
@PROJECT
@JSON
@handle_errors
def redo(project: Path, as_json: bool) -> None:
    """Redo the last undone change."""
    _step(project, False, as_json)


@main.command()
@PROJECT
@click.option("--limit", default=30, show_default=True)
@JSON
@handle_errors
def history(project: Path, limit: int, as_json: bool) -> None:
    """The change log, newest first."""
    from workbench.project import changelog

    with opened(project) as proj, proj.session() as session:
        rows = changelog.history(session, limit)
    if as_json:
        emit_json([vars(row) for row in rows])
        return
    table(
        [
            (
                r.id,
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                r.coder or "",
                r.state,
                r.summary or r.action,
            )
            for r in rows
        ],
        ["#", "when", "coder", "state", "change"],
    )


@main.command()
@PROJECT
@JSON
@handle_errors
def check(project: Path, as_json: bool) -> None:
    """Check the project: SQLite integrity, text hashes, offsets, orphans."""
    from workbench.analysis.integrity import check_project

    with opened(project) as proj:
        problems = check_project(proj)
    if as_json:
        emit_json({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            click.echo(problem)
        click.echo("ok" if not problems else f"{len(problems)} problem(s)")
    if problems:
        sys.exit(1)


# --- the terminal workbench ------------------------------------------------------------------


@main.command("open")
@PROJECT
@handle_errors
def open_(project: Path) -> None:
    """Open a project in the terminal workbench (the TUI)."""
    from workbench.project.db import open_project

    open_project(project).dispose()  # migrate (with a backup) and fail early, in one line
    from workbench.tui import run

    run(project)


@main.command()
@click.option(
    "--path",
    "target",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to build the demo project (default: a new file in your data folder).",
)
@click.option("--build-only", is_flag=True, help="Build the demo project without opening it.")
@handle_errors
def demo(target: Path | None, build_only: bool) -> None:
    """Build a fresh demo project (fictional transcripts, codebook, places, coding) and open it."""
    from workbench.demo import build_demo

    if target is None:
        import time

        import platformdirs

        folder = Path(platformdirs.user_data_dir("workbench"))
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"demo-{time.strftime('%Y%m%d-%H%M%S')}.db"
    build_demo(target)
    click.echo(f"demo project: {target}", err=True)
    if not build_only:
        from workbench.tui import run

        run(target)


# The commands of the other capabilities register themselves on ``main``.
from workbench.commands import (  # noqa: E402, F401  (imported for their side effect)
    agreement,
    analysis,
    export,
    publish,
    qdpx,
    search,
)

if __name__ == "__main__":  # pragma: no cover
    main()

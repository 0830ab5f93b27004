"""Commands: import-qdpx (REFI-QDA projects and codebooks from other QDA tools)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import CODER, JSON, emit_json, handle_errors, main, opened, table

_OFFSETS = ("auto", "codepoints", "utf16", "codepoints-lf", "utf16-lf")


@main.command("import-qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--rename",
    is_flag=True,
    help="Import a document whose name is taken as 'NAME (2)' instead of refusing.",
)
@click.option(
    "--offsets",
    default="auto",
    show_default=True,
    type=click.Choice(_OFFSETS),
    help="How the file counts selection offsets (auto: from the tool and the selections).",
)
@click.option(
    "--language",
    default=None,
    type=click.Choice(["nl", "en"]),
    help="Language of the documents (default: the project's; nl for a new project, as init).",
)
@click.option(
    "--paragraphs",
    default="lines",
    show_default=True,
    type=click.Choice(["lines", "blank-lines"]),
    help="A paragraph is a line, or a block between blank lines.",
)
@click.option(
    "--max-member-mb",
    default=200,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="Refuse archive members (and bare files) larger than this, uncompressed.",
)
@CODER
@JSON
@handle_errors
def import_qdpx(
    file: Path,
    project: Path,
    rename: bool,
    offsets: str,
    language: str | None,
    paragraphs: str,
    max_member_mb: int,
    coder: str | None,
    as_json: bool,
) -> None:
    """Import a REFI-QDA project (.qdpx, .qde) or codebook (.qdc) into PROJECT.

    FILE comes first. PROJECT is created (as by init) when it does not exist; into an
    existing project the import merges codes, places, cases and attributes by GUID or name.
    All or nothing: a bad or unsafe file changes nothing.
    """
    from workbench.coding import codebook
    from workbench.exchange.refi.reader import read_refi, store_refi
    from workbench.exchange.refi.safety import MB, Limits
    from workbench.project import db, settings

    limits = Limits(max_member_bytes=max_member_mb * MB)
    options = {"limits": limits, "offsets": offsets, "paragraph_mode": paragraphs}
    if "://" in str(project) or project.exists():
        with opened(project) as proj:
            with proj.session() as session:
                lang = language or settings.get(session, "language", "en")
            refi = read_refi(file, language=lang, **options)  # type: ignore[arg-type]
            report = store_refi(
                proj, refi, coder=coder, rename=rename, language=lang, paragraph_mode=paragraphs
            )
    else:
        # Read and check the whole file before the project file exists: a bad file leaves
        # nothing behind, not even an empty project.
        lang = language or "nl"
        refi = read_refi(file, language=lang, **options)  # type: ignore[arg-type]
        created = db.create_project(project)
        try:
            with created.transaction("init", coder=coder, record=False) as session:
                settings.put(session, "language", lang)
                codebook.ensure_default_statuses(session)
            report = store_refi(
                created,
                refi,
                coder=coder,
                rename=rename,
                language=lang,
                paragraph_mode=paragraphs,
            )
        except BaseException:
            created.dispose()
            db.remove_project_files(project)
            raise
        created.dispose()
        click.echo(f"created {project}", err=True)
    for warning in report.warnings:
        click.echo(f"workbench: warning: {file}: {warning}", err=True)
    if as_json:
        emit_json(report.to_dict())
        return
    offsets_note = f" (offsets: {report.offsets})" if report.offsets else ""
    click.echo(f"imported {file} from {report.origin or 'an unnamed tool'}{offsets_note}")
    rows = [
        ("coders", report.coders),
        ("codes added", report.codes_added),
        ("codes reused", report.codes_reused),
        ("places added", report.places_added),
        ("places reused", report.places_reused),
        ("documents", report.documents),
        ("selections", report.selections),
        ("segments", report.segments),
        ("codings", report.codings),
        ("place links", report.place_links),
        ("cases", report.cases),
        ("attributes", report.variables),
        ("attribute values", report.values),
        ("memos", report.memos),
    ]
    table([(label, count) for label, count in rows if count], ["what", "count"])

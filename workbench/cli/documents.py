"""Commands: import (transcripts), docs, and doc label (the citation label)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
    table,
)
from workbench.i18n import _, counted


@click.command("import")
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
    project: ProjectTarget,
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
    from workbench.services.importing import import_files

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
            click.echo(_("workbench: note: {note}").format(note=note), err=True)
        speakers = ", ".join(f"{k} {v}" for k, v in result.speakers.items())
        click.echo(
            _("imported {name}: {words}, {turns} ({speakers}), {sentences}, {paragraphs}").format(
                name=result.name,
                words=counted(result.words, "word", "words"),
                turns=counted(result.turns, "turn", "turns"),
                speakers=speakers,
                sentences=counted(result.sentences, "sentence", "sentences"),
                paragraphs=counted(result.paragraphs, "paragraph", "paragraphs"),
            )
        )
        click.echo(f"  {result.how_turns_were_found()}")


@click.command()
@PROJECT
@JSON
@handle_errors
def docs(project: ProjectTarget, as_json: bool) -> None:
    """List the documents."""
    from workbench.services import listings

    with opened(project) as proj:
        rows = listings.documents(proj)
    if as_json:
        emit_json(rows)
        return
    table(
        [
            (r["name"], ", ".join(r["cases"]), r["words"], r["turns"], r["segments"], r["language"])
            for r in rows
        ],
        [_("document"), _("cases"), _("words"), _("turns"), _("segments"), _("lang")],
    )


@click.group()
def doc() -> None:
    """Document settings: the citation label that pseudonymised exports cite."""


@doc.command("label")
@PROJECT
@click.argument("document")
@click.argument("label")
@CODER
@JSON
@handle_errors
def doc_label(
    project: ProjectTarget, document: str, label: str, coder: str | None, as_json: bool
) -> None:
    """Set the citation label of DOCUMENT ("" clears it).

    With pseudonyms on, exports never show a document's file name: a quote is cited by its
    case, else by this label, else as "Doc N" (N the document's id). The label is
    pseudonymised too.
    """
    from workbench.services import documents

    with opened(project) as proj:
        done = documents.set_label(proj, document, label, coder=coder)
    if as_json:
        emit_json(done.to_dict())
    elif done.label:
        click.echo(
            _("{document}: cited as {label}").format(document=done.document, label=done.label)
        )
    else:
        click.echo(_("{document}: label cleared").format(document=done.document))

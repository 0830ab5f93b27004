"""Commands: export (REFI-QDA project or codebook, YAML codebook, GeoJSON places map, the
codebook report) and import-qdpx (REFI-QDA projects and codebooks from other QDA tools)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    PROJECT_TYPE,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
    table,
    warn,
)
from workbench.i18n import _

#: The formats of ``workbench export`` (:data:`workbench.services.exports.PROJECT_FORMATS`,
#: written out so that ``--help`` imports no core module; a test checks they agree).
FORMATS = ("qdpx", "qdc", "codebook", "taguette", "geojson", "report", "archive")
#: The peers ``export --for`` shapes a .qdpx for
#: (:data:`workbench.exchange.refi.writer.PROFILES`, kept here so that --help loads no lxml).
EXPORT_PROFILES = ("refi", "qualcoder", "nvivo", "atlasti", "maxqda", "qc")
#: The ``--pseudonyms`` value that means "the project's own table".
_PROJECT_TABLE = "\0project"


def format_for(output: Path, given: str | None) -> str:
    """The export format: the one given, or the one the output file's suffix names."""
    if given:
        return given
    from workbench.services.exports import project_format_for

    found = project_format_for(output)
    if found is None:
        raise click.UsageError(
            _("give --format ({formats}); the suffix of {name} does not say").format(
                formats=", ".join(FORMATS), name=repr(output.name)
            )
        )
    return found


@click.command("export")
@PROJECT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="qdpx: REFI-QDA project; qdc: REFI-QDA codebook; codebook: our YAML codebook; "
    "taguette: Taguette's CSV codebook; geojson: the places map; "
    "report: the codebook report (.docx, .md, .html); archive: a folder for a data archive "
    "(pseudonymised transcripts, codebook, segments, cases). Default: from the suffix of -o.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write (replaced only when the export is complete and valid); for an "
    "archive a new or empty folder.",
)
@click.option(
    "--for",
    "for_tool",
    type=click.Choice(EXPORT_PROFILES),
    default=None,
    help="qdpx: shape the file for one tool's quirks (qualcoder: cases as QualCoder reads "
    "them; nvivo: UTF-16 offsets over CRLF text; qc: one selection per line named line:N; "
    "atlasti, maxqda: the standard). Default: the REFI-QDA standard. See docs/refi-qda.md.",
)
@click.option(
    "--pseudonyms",
    "pseudonyms",
    is_flag=False,
    flag_value=_PROJECT_TABLE,
    default=None,
    metavar="[FILE]",
    help="The codebook report (and the archive): replace real names by pseudonyms, from the "
    "project's table (no value) or a CSV/YAML table file.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="The codebook report: write nothing when a listed name is still present.",
)
@click.option(
    "--no-strict",
    "lenient",
    is_flag=True,
    help="The archive (strict by default): write it even when a listed name is still "
    "present, or the pseudonym table is empty (warnings say where).",
)
@click.option(
    "--with-key",
    "key_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.csv",
    help="The archive: also write the pseudonym table (the key) to this CSV file, outside "
    "the archive folder.",
)
@JSON
@handle_errors
def export(
    project: ProjectTarget,
    fmt: str | None,
    output: Path,
    pseudonyms: str | None,
    strict: bool,
    lenient: bool,
    key_file: Path | None,
    as_json: bool,
    for_tool: str | None = None,
) -> None:
    """Export the project: REFI-QDA (.qdpx, .qdc), the YAML codebook, or a GeoJSON places map.

    Exports only read the project. REFI-QDA files are validated against the QDA-XML schema
    before they are written; places travel there as codes under a top-level "Places" code.
    The codebook report (.docx, .md, .html) is the code tree for a methods appendix: each
    code's definition, criteria, example, counts and anchor quote (`codebook anchor`).
    An archive (--format archive -o FOLDER) holds every transcript pseudonymised (.txt and
    .docx), the codebook, the coded segments, the cases and a README, never the pseudonym
    key (--with-key writes it to a separate file); it is checked for every listed name and
    written whole, or not at all when one is found (unless --no-strict).
    """
    from workbench.services import exports

    fmt = format_for(output, fmt)
    if fmt != "archive" and (lenient or key_file is not None):
        raise click.UsageError(_("--no-strict and --with-key are for --format archive"))
    with opened(project) as proj:
        if fmt == "archive":
            written = exports.export_archive(
                proj,
                output,
                pseudonym_file=(
                    Path(pseudonyms) if pseudonyms not in (None, _PROJECT_TABLE) else None
                ),
                strict=not lenient,
                key_file=key_file,
            )
            done = exports.Exported(written.summary, written.to_dict(), written.warnings)
        elif fmt == "report":
            done = exports.export_codebook_report(
                proj,
                output,
                pseudonyms=pseudonyms == _PROJECT_TABLE,
                pseudonym_file=(
                    Path(pseudonyms) if pseudonyms not in (None, _PROJECT_TABLE) else None
                ),
                strict=strict,
            )
        elif pseudonyms is not None or strict:
            raise click.UsageError(_("--pseudonyms and --strict are for the codebook report"))
        else:
            done = exports.export_project(proj, output, fmt=fmt, for_tool=for_tool)
    for warning in done.warnings:
        warn(warning)
    if as_json:
        emit_json(done.data)
    else:
        click.echo(done.summary)


_OFFSETS = ("auto", "codepoints", "utf16", "codepoints-lf", "utf16-lf")


@click.command("import-qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("project", type=PROJECT_TYPE)
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
    project: ProjectTarget,
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
    from workbench.exchange.refi.safety import MB, Limits
    from workbench.services.importing import import_qdpx_file

    done = import_qdpx_file(
        file,
        project,
        coder=coder,
        rename=rename,
        offsets=offsets,
        limits=Limits(max_member_bytes=max_member_mb * MB),
        language=language,
        paragraph_mode=paragraphs,
    )
    report = done.report
    if done.created:
        from workbench.project.target import display_name

        click.echo(_("created {project}").format(project=display_name(project)), err=True)
    for warning in report.warnings:
        warn(f"{file}: {warning}")
    if as_json:
        emit_json(report.to_dict())
        return
    line = _("imported {file} from {tool}").format(
        file=file, tool=report.origin or _("an unnamed tool")
    )
    if report.offsets:
        line += " " + _("(offsets: {offsets})").format(offsets=report.offsets)
    click.echo(line)
    rows = [
        (_("coders"), report.coders),
        (_("codes added"), report.codes_added),
        (_("codes reused"), report.codes_reused),
        (_("places added"), report.places_added),
        (_("places reused"), report.places_reused),
        (_("documents"), report.documents),
        (_("selections"), report.selections),
        (_("segments"), report.segments),
        (_("codings"), report.codings),
        (_("place links"), report.place_links),
        (_("cases"), report.cases),
        (_("attributes"), report.variables),
        (_("attribute values"), report.values),
        (_("memos"), report.memos),
    ]
    table([(label, count) for label, count in rows if count], [_("what"), _("count")])

"""Commands: export (REFI-QDA project or codebook, YAML codebook, GeoJSON places map)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli import JSON, PROJECT, emit_json, handle_errors, main, opened

FORMATS = ("qdpx", "qdc", "codebook", "geojson")
"""The formats of ``workbench export``."""

_SUFFIXES = {
    ".qdpx": "qdpx",
    ".qdc": "qdc",
    ".yaml": "codebook",
    ".yml": "codebook",
    ".geojson": "geojson",
}


def format_for(output: Path, given: str | None) -> str:
    """The export format: the one given, or the one the output file's suffix names."""
    if given:
        return given
    found = _SUFFIXES.get(output.suffix.lower())
    if found is None:
        raise click.UsageError(
            f"give --format ({', '.join(FORMATS)}); the suffix of {output.name!r} does not say"
        )
    return found


@main.command("export")
@PROJECT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="qdpx: REFI-QDA project; qdc: REFI-QDA codebook; codebook: our YAML codebook; "
    "geojson: the places map. Default: from the suffix of -o.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (replaced only when the export is complete and valid).",
)
@JSON
@handle_errors
def export(project: Path, fmt: str | None, output: Path, as_json: bool) -> None:
    """Export the project: REFI-QDA (.qdpx, .qdc), the YAML codebook, or a GeoJSON places map.

    Exports only read the project. REFI-QDA files are validated against the QDA-XML schema
    before they are written; places travel there as codes under a top-level "Places" code.
    """
    from workbench.errors import InputError

    fmt = format_for(output, fmt)
    project_files = {Path(f"{project}{suffix}").resolve() for suffix in ("", "-wal", "-shm")}
    if output.resolve() in project_files:
        raise InputError(output, "is the project file itself; choose another output file")
    result: dict[str, object]
    with opened(project) as proj, proj.session() as session:
        if fmt == "qdpx":
            from workbench.exchange.refi.writer import export_qdpx

            report = export_qdpx(session, output, name=Path(project).stem)
            result = report.to_dict()
            message = (
                f"wrote {output}: {report.documents} documents, {report.selections} coded "
                f"passages, {report.codings} codings, {report.codes} codes, "
                f"{report.places} places, {report.cases} cases, {report.notes} memos"
            )
        elif fmt == "qdc":
            from workbench.exchange.refi.writer import export_qdc

            report = export_qdc(session, output)
            result = report.to_dict()
            message = f"wrote {output}: {report.codes} codes and {report.places} places"
        elif fmt == "codebook":
            from workbench.coding import codebook as cb

            spec = cb.export_codebook(session, output)
            count = sum(1 for _ in spec.all_codes())
            result = {"path": str(output), "format": fmt, "codes": count}
            message = f"wrote {output}: {count} codes"
        else:
            from workbench.exchange.geojson import export_geojson

            geo = export_geojson(session, output)
            result = geo.to_dict()
            message = f"wrote {output}: {geo.features} places"
            if geo.without_coordinates:
                click.echo(
                    f"workbench: warning: {len(geo.without_coordinates)} place(s) without "
                    f"coordinates are not on the map: {', '.join(geo.without_coordinates)}",
                    err=True,
                )
    if as_json:
        emit_json(result)
    else:
        click.echo(message)

"""Commands: publish (cited fragments, the pseudonym table, figures).

``workbench fragments`` exports the fragments a query finds as Markdown, HTML, DOCX, CSV or
JSON, optionally pseudonymised; ``workbench pseudonym add|list|remove|load`` keeps the
project's pseudonym table; ``workbench figure cooccur|matrix`` draws the co-occurrence heatmap
and the code × place matrix for print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from workbench.cli.analysis import filter_options, filters_from
from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    F,
    ProjectTarget,
    emit_json,
    fail,
    handle_errors,
    opened,
    table,
    warn,
)
from workbench.i18n import _, counted

#: The ``--pseudonyms`` value that means "the project's own table".
PROJECT_TABLE = "\0project"
_TABLE_SUFFIXES = (".csv", ".yaml", ".yml")
#: Leftover warnings printed before the rest are summarised.
MAX_WARNINGS = 20

PSEUDONYMS = click.option(
    "--pseudonyms",
    "pseudonyms",
    is_flag=False,
    flag_value=PROJECT_TABLE,
    default=None,
    metavar="[FILE]",
    help="Replace real names by pseudonyms: the project's table (no value) or a table in a "
    "CSV/YAML file (real,pseudonym,kind,variants). Put QUERY before this option.",
)


def _table_choice(value: str | None) -> tuple[bool, Path | None]:
    """What ``--pseudonyms`` asks for: (the project's table, a table file)."""
    if value is None:
        return False, None
    if value == PROJECT_TABLE:
        return True, None
    return False, Path(value)


def _report_warnings(warnings: Sequence[object]) -> None:
    for warning in warnings[:MAX_WARNINGS]:
        warn(str(warning))
    if len(warnings) > MAX_WARNINGS:
        warn(_("... and {count} more").format(count=len(warnings) - MAX_WARNINGS))


# --- fragments -------------------------------------------------------------------------------


@click.command()
@PROJECT
@click.argument("query", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "docx", "csv", "json"]),
    default=None,
    help="Default: from the suffix of -o, else md.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: standard output; DOCX needs a file).",
)
@PSEUDONYMS
@click.option(
    "--group-by",
    type=click.Choice(["none", "code", "place", "document"]),
    default=None,
    help="Headings per code, place or document (md, html, docx). A fragment with two codes "
    "appears under both.",
)
@click.option("--memos", is_flag=True, help="Show segment memos under the quotes.")
@click.option("--coder", default=None, metavar="NAME", help="Only this coder's codings.")
@click.option("--rollup", is_flag=True, help="A code in the query also matches its descendants.")
@click.option("--title", default=None, help="The title of the document.")
@click.option(
    "--language",
    type=click.Choice(["en", "nl"]),
    default=None,
    help="Language of labels and line abbreviations (default: the project's).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="With --pseudonyms: read the output back (DOCX included, file name too) and write "
    "nothing when a listed name or variant is still present in any spelling.",
)
@handle_errors
def fragments(
    project: ProjectTarget,
    query: str | None,
    fmt: str | None,
    output: Path | None,
    pseudonyms: str | None,
    group_by: str | None,
    memos: bool,
    coder: str | None,
    rollup: bool,
    title: str | None,
    language: str | None,
    strict: bool,
) -> None:
    """Export cited fragments (the segments QUERY finds; all when it is left out).

    Each quote is cited as (CASE or DOCUMENT, SPEAKER; PLACES; LINES), e.g.
    "(R03, Bewoner; De Klup; r. 12–14)". Fragments are ordered by document and start.
    --pseudonyms replaces real names everywhere (text, citations, headings, memos) and
    warns about any listed name still present. It never shows a document's file name: a
    quote is cited by its case, else by the document's label (`doc label`), else "Doc N".
    """
    from workbench.exchange.publish import format_for
    from workbench.services import exports

    if (
        pseudonyms not in (None, PROJECT_TABLE)
        and query is None
        and not str(pseudonyms).lower().endswith(_TABLE_SUFFIXES)
    ):
        query, pseudonyms = pseudonyms, PROJECT_TABLE  # `--pseudonyms QUERY`: a query, not a file
    fmt = format_for(output, fmt)
    if fmt == "docx" and output is None:
        raise click.UsageError(_("DOCX needs a file: give -o FILE.docx"))
    if group_by not in (None, "none") and fmt in ("csv", "json"):
        raise click.UsageError(_("--group-by applies to md, html and docx; CSV and JSON are flat"))
    use_table, table_file = _table_choice(pseudonyms)
    with opened(project) as proj:
        try:
            done = exports.export_fragments(
                proj,
                output,
                fmt=fmt,
                query=query,
                coder=coder,
                rollup=rollup,
                group_by=group_by or "none",
                memos=memos,
                title=title,
                language=language,
                pseudonyms=use_table,
                pseudonym_file=table_file,
                strict=strict,
            )
        except exports.NamesLeft as left:
            _report_warnings(left.leftovers)
            fail(str(left))
    _report_warnings(done.warnings)
    if done.text is not None:
        click.echo(done.text, nl=False)
        return
    click.echo(
        _("wrote {fragments} to {path} ({format})").format(
            fragments=counted(done.count, "fragment", "fragments"), path=output, format=fmt
        )
    )


# --- the pseudonym table ---------------------------------------------------------------------


@click.group()
def pseudonym() -> None:
    """The project's pseudonym table: real names of people and places and their pseudonyms."""


@pseudonym.command("add")
@PROJECT
@click.argument("real")
@click.argument("pseudonym_", metavar="PSEUDONYM")
@click.option(
    "--variant", "variants", multiple=True, metavar="V", help="Another spelling; repeatable."
)
@click.option("--kind", type=click.Choice(["person", "place"]), default="person", show_default=True)
@click.option("--replace", is_flag=True, help="Change the entry when REAL is listed already.")
@CODER
@JSON
@handle_errors
def pseudonym_add(
    project: ProjectTarget,
    real: str,
    pseudonym_: str,
    variants: tuple[str, ...],
    kind: str,
    replace: bool,
    coder: str | None,
    as_json: bool,
) -> None:
    """Add REAL with its PSEUDONYM (and spelling variants) to the table."""
    from workbench.services import pseudonyms

    with opened(project) as proj:
        entry = pseudonyms.add(
            proj, real, pseudonym_, kind=kind, variants=variants, replace=replace, coder=coder
        )
    if as_json:
        emit_json(entry.to_dict())
    else:
        line = f"{entry.real} -> {entry.pseudonym}"
        if entry.variants:
            line += " " + _("(variants: {variants})").format(variants=", ".join(entry.variants))
        click.echo(line)


@pseudonym.command("list")
@PROJECT
@JSON
@handle_errors
def pseudonym_list(project: ProjectTarget, as_json: bool) -> None:
    """List the table: real name, pseudonym, kind, variants."""
    from workbench.services import pseudonyms

    with opened(project) as proj:
        rows = pseudonyms.entries(proj)
    if as_json:
        emit_json([row.to_dict() for row in rows])
        return
    table(
        [(r.real, r.pseudonym, r.kind, ", ".join(r.variants)) for r in rows],
        [_("real"), _("pseudonym"), _("kind"), _("variants")],
    )


@pseudonym.command("remove")
@PROJECT
@click.argument("real")
@CODER
@handle_errors
def pseudonym_remove(project: ProjectTarget, real: str, coder: str | None) -> None:
    """Remove REAL from the table."""
    from workbench.services import pseudonyms

    with opened(project) as proj:
        entry = pseudonyms.remove(proj, real, coder=coder)
    click.echo(_("removed {name}").format(name=entry.real))


@pseudonym.command("load")
@PROJECT
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace the whole table instead of adding to it.")
@CODER
@JSON
@handle_errors
def pseudonym_load(
    project: ProjectTarget, file: Path, replace: bool, coder: str | None, as_json: bool
) -> None:
    """Add the entries of a CSV or YAML file (real,pseudonym,kind,variants) to the table.

    Entries for names already listed are changed; all or nothing.
    """
    from workbench.services import pseudonyms

    with opened(project) as proj:
        loaded = pseudonyms.load(proj, file, replace=replace, coder=coder)
    if as_json:
        emit_json(loaded.to_dict())
    else:
        click.echo(
            _("loaded {pseudonyms} from {path}; the table holds {total}").format(
                pseudonyms=counted(loaded.loaded, "pseudonym", "pseudonyms"),
                path=file,
                total=loaded.total,
            )
        )


# --- figures ---------------------------------------------------------------------------------


def _figure_options(func: F) -> F:
    """The options of both figures: the output, the filters of the analysis commands, looks."""
    func = filter_options(func)
    for option in reversed(
        [
            click.option(
                "-o",
                "--output",
                required=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="The file to write: .svg, .png or .pdf.",
            ),
            click.option("--top", type=int, default=None, help="Only the N most frequent codes."),
            click.option("--dpi", type=int, default=200, show_default=True, help="For PNG."),
            click.option(
                "--cmap",
                default="Greys",
                show_default=True,
                help="A matplotlib colour map (Greys and viridis print well in grey).",
            ),
            click.option("--title", default=None, help="The figure's title."),
            click.option(
                "--pseudonyms",
                "pseudonyms",
                is_flag=False,
                flag_value=PROJECT_TABLE,
                default=None,
                metavar="[FILE]",
                help="Show pseudonyms for place and code names: the project's table (no "
                "value) or a CSV/YAML table file.",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="With --pseudonyms: write nothing when a label drawn still holds a "
                "listed name.",
            ),
        ]
    ):
        func = option(func)
    return func


@click.group()
def figure() -> None:
    """Figures for publications (SVG, PNG or PDF)."""


@figure.command("cooccur")
@PROJECT
@click.option(
    "--scope",
    type=click.Choice(["overlap", "turn", "sentence", "paragraph", "document"]),
    default="overlap",
    show_default=True,
)
@click.option(
    "--value",
    type=click.Choice(["c", "n"]),
    default="c",
    show_default=True,
    help="Show the c-coefficient or the count n(A,B).",
)
@_figure_options
@handle_errors
def figure_cooccur(
    project: ProjectTarget,
    scope: str,
    value: str,
    output: Path,
    top: int | None,
    coder: str | None,
    documents: tuple[str, ...],
    cases: tuple[str, ...],
    attrs: tuple[str, ...],
    rollup: bool,
    dpi: int,
    cmap: str,
    title: str | None,
    pseudonyms: str | None,
    strict: bool,
) -> None:
    """The co-occurrence heatmap of the codes."""
    _draw(
        project,
        output,
        "cooccur",
        FigureSettings(scope, value, "place", rollup, top, dpi, cmap, title, strict),
        filters_from(coder, documents, cases, attrs),
        pseudonyms,
    )


@figure.command("matrix")
@PROJECT
@click.option(
    "--cols",
    default="place",
    show_default=True,
    metavar="place|attr:KEY",
    help="Columns: the places, or the values of a case attribute.",
)
@_figure_options
@handle_errors
def figure_matrix(
    project: ProjectTarget,
    cols: str,
    output: Path,
    top: int | None,
    coder: str | None,
    documents: tuple[str, ...],
    cases: tuple[str, ...],
    attrs: tuple[str, ...],
    rollup: bool,
    dpi: int,
    cmap: str,
    title: str | None,
    pseudonyms: str | None,
    strict: bool,
) -> None:
    """The code × place (or code × attribute value) matrix of segment counts."""
    _draw(
        project,
        output,
        "matrix",
        FigureSettings("overlap", "c", cols, rollup, top, dpi, cmap, title, strict),
        filters_from(coder, documents, cases, attrs),
        pseudonyms,
    )


@dataclass(frozen=True)
class FigureSettings:
    """The looks and counting options of ``figure cooccur|matrix``."""

    scope: str
    value: str
    cols: str
    rollup: bool
    top: int | None
    dpi: int
    cmap: str
    title: str | None
    strict: bool = False


def _draw(
    project: ProjectTarget,
    output: Path,
    figure: str,
    settings: FigureSettings,
    filters: Any,
    pseudonyms: str | None,
) -> None:
    from workbench.services import exports

    use_table, table_file = _table_choice(pseudonyms)
    with opened(project) as proj:
        done = exports.export_figure(
            proj,
            output,
            figure=figure,
            options=exports.FigureOptions(
                scope=settings.scope,
                value=settings.value,
                cols=settings.cols,
                rollup=settings.rollup,
                top=settings.top,
                dpi=settings.dpi,
                cmap=settings.cmap,
                title=settings.title,
            ),
            filters=filters,
            pseudonyms=use_table,
            pseudonym_file=table_file,
            strict=settings.strict,
        )
    _report_warnings(done.warnings)
    click.echo(done.summary)

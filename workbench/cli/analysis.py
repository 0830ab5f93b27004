"""Commands: cooccur, matrix and agreement (:mod:`workbench.analysis.cooccurrence`).

``workbench cooccur study.db [--scope S] [filters] [--rollup] [--json|--csv]`` and
``workbench matrix study.db --cols place|attr:KEY [filters] [--rollup] [--json|--csv]``.
The numbers and their edge cases are defined in :mod:`workbench.analysis.cooccurrence`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from workbench.cli.common import (
    JSON,
    PROJECT,
    F,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
    table,
)
from workbench.i18n import N_, _, counted

if TYPE_CHECKING:  # pragma: no cover
    from workbench.analysis.agreement import AgreementReport, CodeAgreement
    from workbench.analysis.cooccurrence import Cooccurrence, Filters, Matrix

#: What n(A) and n(A,B) count, per scope, for the table's heading.
_COUNTED = {
    "overlap": (
        N_("segments coded the code"),
        N_(
            "ordered pairs (s, t) of overlapping segments, s coded A, t coded B\n"
            "        (a segment with both codes is the pair (s, s), once)"
        ),
    ),
    "turn": (N_("speaker turns touching a segment coded the code"), N_("turns touching both")),
    "sentence": (
        N_("sentences touching a segment coded the code"),
        N_("sentences touching both"),
    ),
    "paragraph": (
        N_("paragraphs touching a segment coded the code"),
        N_("paragraphs touching both"),
    ),
    "document": (N_("documents with a segment coded the code"), N_("documents with both")),
}


def filter_options(func: F) -> F:
    """The filter options of every analysis command (also ``figure``): ``--coder``, ``--doc``,
    ``--case``, ``--attr`` and ``--rollup``; turn them into Filters with :func:`filters_from`."""
    for option in reversed(
        [
            click.option(
                "--coder", default=None, metavar="NAME", help="Count only this coder's codings."
            ),
            click.option(
                "--doc", "documents", multiple=True, metavar="NAME", help="Only this document."
            ),
            click.option(
                "--case", "cases", multiple=True, metavar="NAME", help="Only this case's documents."
            ),
            click.option(
                "--attr",
                "attrs",
                multiple=True,
                metavar="KEY=VALUE",
                help="Only documents of cases with this attribute value (several: all hold).",
            ),
            click.option(
                "--rollup",
                is_flag=True,
                help="A segment coded with a subcode counts for its parents.",
            ),
        ]
    ):
        func = option(func)
    return func


def _output_options(func: F) -> F:
    """``--json`` and ``--csv``."""
    return JSON(click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(func))


def filters_from(
    coder: str | None, documents: tuple[str, ...], cases: tuple[str, ...], attrs: tuple[str, ...]
) -> Filters:
    """The :class:`workbench.analysis.cooccurrence.Filters` of the :func:`filter_options` values."""
    from workbench.analysis.cooccurrence import Filters, parse_attr_filter

    return Filters(
        coder=coder,
        documents=list(documents),
        cases=list(cases),
        attrs=[parse_attr_filter(item) for item in attrs],
    )


def _one_format(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        from workbench.errors import InvalidValue

        raise InvalidValue(_("give --json or --csv, not both"))


def _describe_filters(filters: Filters, rollup: bool) -> str:
    parts = []
    if filters.coder:
        parts.append(_("coder {name}").format(name=filters.coder))
    if filters.documents:
        parts.append(_("documents {names}").format(names=", ".join(filters.documents)))
    if filters.cases:
        parts.append(_("cases {names}").format(names=", ".join(filters.cases)))
    parts += [f"{key}={value}" for key, value in filters.attrs]
    if rollup:
        parts.append(_("subcodes counted for their parents"))
    return "; ".join(parts)


def _c_text(c: float | None) -> str:
    if c is None:
        return "n/a *"
    return f"{c:.3f} *" if c > 1 else f"{c:.3f}"


def _print_cooccurrence(result: Cooccurrence, filters: Filters, rollup: bool) -> None:
    single, pair = _COUNTED[result.scope]
    click.echo(_("co-occurrence by {scope}").format(scope=result.scope))
    described = _describe_filters(filters, rollup)
    if described:
        click.echo(_("counting: {filters}").format(filters=described))
    click.echo(f"n: {_(single)}")
    click.echo(f"n(A,B): {_(pair)}")
    click.echo("c: n(A,B) / (n(A) + n(B) - n(A,B))")
    click.echo()
    present = [c for c in result.codes if c.n]
    table([(c.code, c.n) for c in present], ["code", "n"])
    missing = len(result.codes) - len(present)
    if missing:
        click.echo(
            _("({codes} with n = 0 not shown; --json lists every code)").format(
                codes=counted(missing, "code", "codes")
            )
        )
    click.echo()
    if not result.pairs:
        click.echo(_("no two codes co-occur"))
        return
    n_of = {c.code: c.n for c in result.codes}
    table(
        [(p.a, p.b, n_of[p.a], n_of[p.b], p.n, _c_text(p.c)) for p in result.pairs],
        ["a", "b", "n(a)", "n(b)", "n(a,b)", "c"],
    )
    if result.marked:
        click.echo()
        click.echo(
            _(
                "* c above 1 (or n/a: undefined, n(A,B) >= n(A) + n(B)): with overlap a segment"
                " can overlap several others, so pairs outnumber segments and c is no"
                " proportion; read n(A,B), or count by turn, sentence or paragraph."
            )
        )


@click.command()
@PROJECT
@click.option(
    "--scope",
    default="overlap",
    show_default=True,
    metavar="overlap|turn|sentence|paragraph|document",
    help="What counts as co-occurring: overlapping segments, or a shared unit.",
)
@filter_options
@_output_options
@handle_errors
def cooccur(
    project: ProjectTarget,
    scope: str,
    coder: str | None,
    documents: tuple[str, ...],
    cases: tuple[str, ...],
    attrs: tuple[str, ...],
    rollup: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Co-occurrence of codes: n per code, and n and the c-coefficient per pair of codes."""
    from workbench.services import reading

    _one_format(as_json, as_csv)
    filters = filters_from(coder, documents, cases, attrs)
    with opened(project) as proj:
        result = reading.cooccurrence(proj, scope=scope, filters=filters, rollup=rollup)
    if as_json:
        emit_json(result.to_dict())
    elif as_csv:
        from workbench.exchange import csvsafe

        n_of = {c.code: c.n for c in result.codes}
        writer = csvsafe.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["a", "b", "n_a", "n_b", "n", "c"])
        for p in result.pairs:
            writer.writerow([p.a, p.b, n_of[p.a], n_of[p.b], p.n, "" if p.c is None else p.c])
    else:
        _print_cooccurrence(result, filters, rollup)


def _print_matrix(result: Matrix, filters: Filters, rollup: bool) -> None:
    described = _describe_filters(filters, rollup)
    what = _("places") if result.cols_spec == "place" else result.cols_spec.split(":", 1)[1]
    heading = _("segments per code and {columns}").format(columns=what)
    click.echo(heading + (f" ({described})" if described else ""))
    rows = [i for i, total in enumerate(result.row_totals) if total]
    cols = [j for j, total in enumerate(result.col_totals) if total]
    if not rows:
        click.echo(_("no coded segment in any column"))
        return
    body: list[list[object]] = [
        [result.rows[i], *(result.cells[i][j] for j in cols), result.row_totals[i]] for i in rows
    ]
    body.append([_("total"), *(result.col_totals[j] for j in cols), result.total])
    table(body, ["code", *(result.cols[j] for j in cols), _("total")])
    hidden_rows, hidden_cols = len(result.rows) - len(rows), len(result.cols) - len(cols)
    if hidden_rows or hidden_cols:
        click.echo(
            _("({rows} and {columns} not shown; --csv and --json list them)").format(
                rows=counted(hidden_rows, "empty row", "empty rows"),
                columns=counted(hidden_cols, "empty column", "empty columns"),
            )
        )
    click.echo(
        _(
            "totals count distinct segments: a segment in two columns adds to two cells but"
            " counts once in its row total"
        )
    )


@click.command()
@PROJECT
@click.option(
    "--cols",
    default="place",
    show_default=True,
    metavar="place|attr:KEY",
    help="Columns: the places, or the values of a case attribute.",
)
@filter_options
@_output_options
@handle_errors
def matrix(
    project: ProjectTarget,
    cols: str,
    coder: str | None,
    documents: tuple[str, ...],
    cases: tuple[str, ...],
    attrs: tuple[str, ...],
    rollup: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """A code × place or code × attribute matrix: segments per code and column."""
    from workbench.services import reading

    _one_format(as_json, as_csv)
    filters = filters_from(coder, documents, cases, attrs)
    with opened(project) as proj:
        result = reading.code_matrix(proj, cols=cols, filters=filters, rollup=rollup)
    if as_json:
        emit_json(result.to_dict())
    elif as_csv:
        from workbench.exchange import csvsafe

        writer = csvsafe.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["code", *result.cols, "total"])
        for name, cells, total in zip(result.rows, result.cells, result.row_totals, strict=True):
            writer.writerow([name, *cells, total])
        writer.writerow(["total", *result.col_totals, result.total])
    else:
        _print_matrix(result, filters, rollup)


#: Disagreement passages the table output lists when ``--disagreements`` is not given.
DEFAULT_SHOWN = 10


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _row(label: str, row: CodeAgreement) -> list[object]:
    return [
        label,
        row.units,
        row.both_yes,
        row.a_only,
        row.b_only,
        _number(row.percent, 1),
        _number(row.kappa),
        _number(row.alpha),
    ]


def _print_report(report: AgreementReport) -> None:
    first, second = report.coders
    for name in report.skipped_documents:
        click.echo(
            _("workbench: note: {document} is not coded by both {a} and {b}").format(
                document=name, a=first, b=second
            ),
            err=True,
        )
    if not report.documents:
        click.echo(
            _("no document is coded by both {a} and {b}; nothing to compare").format(
                a=first, b=second
            )
        )
        return
    line = _("agreement of {a} and {b} over {documents}: {characters}, each a unit").format(
        a=first,
        b=second,
        documents=counted(len(report.documents), "document", "documents"),
        characters=counted(report.units, "character", "characters"),
    )
    if report.rollup:
        line += ", " + _("codings of subcodes counted for their parents")
    click.echo(line)
    click.echo()
    rows = [_row(row.code or "", row) for row in report.per_code]
    rows.append(_row(_("overall (pooled)"), report.overall))
    rows.append(
        [
            _("mean of codes"),
            "",
            "",
            "",
            "",
            "",
            _number(report.mean_kappa),
            _number(report.mean_alpha),
        ]
    )
    table(
        rows,
        [
            "code",
            _("units"),
            _("both"),
            _("{coder} only").format(coder=first),
            _("{coder} only").format(coder=second),
            _("agree %"),
            "kappa",
            "alpha",
        ],
    )
    undefined = [row for row in report.per_code if row.kappa is None]
    if undefined:
        click.echo()
        click.echo(
            _("– kappa and alpha are undefined when both coders agree on one value everywhere:")
        )
        for row in undefined:
            click.echo(f"  {row.code}: {_(row.note or '')}")
    click.echo()
    total = report.disagreements_total
    if not total:
        click.echo(_("no disagreements"))
        return
    listed = report.disagreements
    click.echo(
        _("disagreements: {shown} of {total}, by document and position").format(
            shown=len(listed), total=total
        )
    )
    if listed:
        table(
            [
                (
                    f"{d.document}:{d.line_start}"
                    + (f"-{d.line_end}" if d.line_end != d.line_start else ""),
                    d.code,
                    _("{coder} only").format(coder=d.coded_by),
                    d.excerpt,
                )
                for d in listed
            ],
            [_("where"), "code", _("coded by"), _("excerpt")],
        )


@click.command("agreement")
@PROJECT
@click.option(
    "--coders", required=True, metavar="A,B", help="The two coders to compare, e.g. anouk,bram."
)
@click.option("--code", "codes", multiple=True, metavar="NAME", help="Only this code; repeatable.")
@click.option(
    "--doc", "documents", multiple=True, metavar="NAME", help="Only this document; repeatable."
)
@click.option("--rollup", is_flag=True, help="A coding of a subcode counts for its parents.")
@click.option(
    "--disagreements",
    "shown",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help=f"List the first N disagreements (default {DEFAULT_SHOWN}; with --json, all).",
)
@JSON
@handle_errors
def agreement_(
    project: ProjectTarget,
    coders: str,
    codes: tuple[str, ...],
    documents: tuple[str, ...],
    rollup: bool,
    shown: int | None,
    as_json: bool,
) -> None:
    """Inter-coder agreement of two coders, per code and overall, character by character.

    Units are the characters of the documents both coders coded. Per code: percentage
    agreement, Cohen's kappa and Krippendorff's alpha (nominal); overall: the tables of all
    codes pooled, and the mean of the per-code values. Then the passages they disagree on.
    """
    from workbench.errors import InvalidValue
    from workbench.services import reading

    names = [name.strip() for name in coders.split(",")]
    if len(names) != 2 or not all(names):
        raise InvalidValue(
            _("--coders takes two names separated by a comma, not {given}").format(
                given=repr(coders)
            )
        )
    with opened(project) as proj:
        report = reading.agreement(
            proj,
            names[0],
            names[1],
            codes=list(codes) or None,
            documents=list(documents) or None,
            rollup=rollup,
            max_disagreements=shown if as_json or shown is not None else DEFAULT_SHOWN,
        )
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_report(report)

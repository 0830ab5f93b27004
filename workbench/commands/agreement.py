"""Commands: agreement (inter-coder agreement of two coders, :mod:`workbench.analysis.agreement`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.cli import JSON, PROJECT, emit_json, handle_errors, main, opened, table

if TYPE_CHECKING:  # pragma: no cover
    from workbench.analysis.agreement import AgreementReport, CodeAgreement

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
        click.echo(f"workbench: note: {name} is not coded by both {first} and {second}", err=True)
    if not report.documents:
        click.echo(f"no document is coded by both {first} and {second}; nothing to compare")
        return
    rollup = ", codings of subcodes counted for their parents" if report.rollup else ""
    click.echo(
        f"agreement of {first} and {second} over {len(report.documents)} document(s): "
        f"{report.units} characters, each a unit{rollup}"
    )
    click.echo()
    rows = [_row(row.code or "", row) for row in report.per_code]
    rows.append(_row("overall (pooled)", report.overall))
    rows.append(
        [
            "mean of codes",
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
        ["code", "units", "both", f"{first} only", f"{second} only", "agree %", "kappa", "alpha"],
    )
    undefined = [row for row in report.per_code if row.kappa is None]
    if undefined:
        click.echo()
        click.echo(
            "– kappa and alpha are undefined when both coders agree on one value everywhere:"
        )
        for row in undefined:
            click.echo(f"  {row.code}: {row.note}")
    click.echo()
    total = report.disagreements_total
    if not total:
        click.echo("no disagreements")
        return
    listed = report.disagreements
    click.echo(f"disagreements: {len(listed)} of {total}, by document and position")
    if listed:
        table(
            [
                (
                    f"{d.document}:{d.line_start}"
                    + (f"-{d.line_end}" if d.line_end != d.line_start else ""),
                    d.code,
                    f"{d.coded_by} only",
                    d.excerpt,
                )
                for d in listed
            ],
            ["where", "code", "coded by", "excerpt"],
        )


@main.command("agreement")
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
def agreement_command(
    project: Path,
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
    from workbench.analysis.agreement import agreement
    from workbench.errors import InvalidValue

    names = [name.strip() for name in coders.split(",")]
    if len(names) != 2 or not all(names):
        raise InvalidValue(f"--coders takes two names separated by a comma, not {coders!r}")
    with opened(project) as proj, proj.session() as session:
        report = agreement(
            session,
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

"""Commands: case add and cases."""

from __future__ import annotations

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


@click.group()
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
    project: ProjectTarget,
    name: str,
    documents: tuple[str, ...],
    attrs: tuple[str, ...],
    coder: str | None,
) -> None:
    """Add a case, or add documents and attributes to an existing one."""
    from workbench.services.cases import add_case

    with opened(project) as proj:
        saved = add_case(proj, name, documents=documents, attributes=attrs, coder=coder)
    click.echo(
        _("case {name}: {documents}, {attributes}").format(
            name=name,
            documents=counted(saved.documents, "document", "documents"),
            attributes=counted(saved.attributes, "attribute", "attributes"),
        )
    )


@click.command("cases")
@PROJECT
@JSON
@handle_errors
def cases_list(project: ProjectTarget, as_json: bool) -> None:
    """List cases with their documents and attributes."""
    from workbench.services import listings

    with opened(project) as proj:
        rows = listings.case_list(proj)
    if as_json:
        emit_json([vars(row) for row in rows])
        return
    table(
        [
            (r.name, ", ".join(r.documents), ", ".join(f"{k}={v}" for k, v in r.attributes.items()))
            for r in rows
        ],
        [_("case"), _("documents"), _("attributes")],
    )

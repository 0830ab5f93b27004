"""Commands: places, place add and place edit."""

from __future__ import annotations

from typing import Any

import click

from workbench.cli.common import (
    CODER,
    JSON,
    PROJECT,
    F,
    ProjectTarget,
    emit_json,
    handle_errors,
    opened,
    table,
)
from workbench.i18n import _


@click.command()
@PROJECT
@JSON
@handle_errors
def places(project: ProjectTarget, as_json: bool) -> None:
    """List places with kind, status, area and the number of linked segments."""
    from workbench.services import listings

    with opened(project) as proj:
        rows = listings.places(proj)
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
        ],
        [
            _("place"),
            _("kind"),
            _("status"),
            _("neighbourhood"),
            _("municipality"),
            _("segments"),
            _("aliases"),
        ],
    )


@click.group()
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
    project: ProjectTarget,
    name: str,
    kind: str,
    aliases: tuple[str, ...],
    coder: str | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """Add a place."""
    from workbench.services.places import add_place

    with opened(project) as proj:
        saved = add_place(proj, name, kind=kind, aliases=aliases, coder=coder, **fields)
    emit_json(saved.to_dict()) if as_json else click.echo(
        _("added place {name} ({kind})").format(name=saved.name, kind=kind)
    )


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
    project: ProjectTarget,
    name: str,
    new_name: str | None,
    kind: str | None,
    add_aliases: tuple[str, ...],
    remove_aliases: tuple[str, ...],
    coder: str | None,
    **fields: Any,
) -> None:
    """Change a place: name, kind, status, area, coordinates, aliases."""
    from workbench.services.places import edit_place

    with opened(project) as proj:
        edit_place(
            proj,
            name,
            new_name=new_name,
            kind=kind,
            add_aliases=add_aliases,
            remove_aliases=remove_aliases,
            coder=coder,
            **fields,
        )
    click.echo(_("changed place {name}").format(name=new_name or name))

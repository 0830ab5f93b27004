"""Commands: code, uncode, link, unlink and memo."""

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
    segment_line,
)
from workbench.i18n import _


@click.command()
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
    project: ProjectTarget,
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
    from workbench.services import coding

    with opened(project) as proj:
        view = coding.code_span(
            proj,
            document,
            start,
            end,
            code_names,
            places=places,
            memo=memo_text,
            create=create,
            coder=coder,
        )
    emit_json(view.to_dict()) if as_json else click.echo(segment_line(view))


@click.command()
@PROJECT
@click.argument("segment", type=int)
@click.argument("code_names", nargs=-1, metavar="[CODE...]")
@CODER
@JSON
@handle_errors
def uncode(
    project: ProjectTarget,
    segment: int,
    code_names: tuple[str, ...],
    coder: str | None,
    as_json: bool,
) -> None:
    """Remove codes (all when none are named) from a segment."""
    from workbench.services import coding

    with opened(project) as proj:
        view = coding.uncode(proj, segment, code_names, coder=coder)
    if as_json:
        emit_json(view.to_dict())
    else:
        click.echo(
            _("segment {segment}: {codes}").format(
                segment=segment, codes=", ".join(view.codes) or _("no codes left")
            )
        )


@click.command()
@PROJECT
@click.argument("segment", type=int)
@click.argument("place")
@CODER
@JSON
@handle_errors
def link(
    project: ProjectTarget, segment: int, place: str, coder: str | None, as_json: bool
) -> None:
    """Link a segment to a place."""
    from workbench.services import coding

    with opened(project) as proj:
        view = coding.link(proj, segment, place, coder=coder)
    emit_json(view.to_dict()) if as_json else click.echo(
        _("segment {segment} linked to {places}").format(
            segment=segment, places=", ".join(view.places)
        )
    )


@click.command()
@PROJECT
@click.argument("segment", type=int)
@click.argument("place")
@CODER
@handle_errors
def unlink(project: ProjectTarget, segment: int, place: str, coder: str | None) -> None:
    """Remove a segment's link to a place."""
    from workbench.services import coding

    with opened(project) as proj:
        coding.unlink(proj, segment, place, coder=coder)
    click.echo(_("segment {segment} unlinked from {place}").format(segment=segment, place=place))


@click.command()
@PROJECT
@click.argument("kind", type=click.Choice(["project", "doc", "code", "segment", "case", "place"]))
@click.argument("args", nargs=-1, required=True)
@CODER
@JSON
@handle_errors
def memo(
    project: ProjectTarget, kind: str, args: tuple[str, ...], coder: str | None, as_json: bool
) -> None:
    """Write a memo: memo study.db (doc|code|segment|case|place|project) [TARGET] TEXT."""
    from workbench.services import coding

    if kind == "project":
        target, text = None, " ".join(args)
    elif len(args) < 2:
        raise click.UsageError(_("give the {kind} and the memo text").format(kind=kind))
    else:
        target, text = args[0], " ".join(args[1:])
    with opened(project) as proj:
        written = coding.add_memo(proj, kind, target, text, coder=coder)
    emit_json(written.to_dict()) if as_json else click.echo(
        _("memo {memo} on {kind} {target}")
        .format(memo=written.memo, kind=kind, target=target or "")
        .rstrip()
    )

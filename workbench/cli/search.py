"""Commands: search (keyword in context) and suggest (code and place suggestions)."""

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
from workbench.i18n import _, counted

_UNITS = (
    "sentence",
    "turn",
    "match",
)  # workbench.analysis.suggest.UNITS, without importing the core


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command()
@PROJECT
@click.argument("text")
@click.option(
    "--lemma",
    is_flag=True,
    help="Match words by lemma, so inflected forms are found too (library: libraries).",
)
@click.option(
    "--doc",
    "documents",
    multiple=True,
    metavar="NAME",
    help="Search only this document; repeatable.",
)
@click.option(
    "--context",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Characters of context on each side.",
)
@click.option("--limit", default=None, type=click.IntRange(min=1), help="Show at most N hits.")
@JSON
@handle_errors
def search(
    project: ProjectTarget,
    text: str,
    lemma: bool,
    documents: tuple[str, ...],
    context: int,
    limit: int | None,
    as_json: bool,
) -> None:
    """Keyword in context: every place TEXT occurs, with line, speaker and context.

    Without --lemma the text is found as typed (case ignored, also inside longer words;
    any white space matches a line break). With --lemma the words are matched by lemma.
    """
    from workbench.analysis.search import count_line
    from workbench.services import reading

    with opened(project) as proj:
        hits = reading.search(
            proj, text, lemma=lemma, documents=documents, context=context, limit=limit
        )
    if as_json:
        emit_json([hit.to_dict() for hit in hits])
        return
    places = [f"{hit.document}:{hit.line}" for hit in hits]
    speakers = [hit.speaker or "-" for hit in hits]
    place_width = max((len(p) for p in places), default=0)
    speaker_width = max((len(s) for s in speakers), default=0)
    for hit, place, speaker in zip(hits, places, speakers, strict=True):
        before = ("…" if len(hit.before) == context and hit.start > context else "") + hit.before
        after = hit.after + ("…" if len(hit.after) == context else "")
        click.echo(
            f"{place.ljust(place_width)}  {speaker.ljust(speaker_width)}  "
            f"{before}[{hit.match}]{after}"
        )
    click.echo(count_line(hits, limit=limit))


@click.command()
@PROJECT
@click.option("--doc", "document", default=None, metavar="NAME", help="Only this document.")
@click.option("--codes/--no-codes", default=True, show_default=True, help="Suggest codes.")
@click.option("--places/--no-places", default=True, show_default=True, help="Suggest places.")
@click.option(
    "--unit",
    type=click.Choice(_UNITS),
    default="sentence",
    show_default=True,
    help="What to propose: the sentence with the match, the speaker's turn, or the match.",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="List every match, not only the best few per page (weak ones too).",
)
@click.option(
    "--accept",
    "accepting",
    is_flag=True,
    help="Apply the suggestions with the IDs given (as listed before).",
)
@click.argument("accept_ids", nargs=-1, metavar="[ID...]")
@CODER
@JSON
@handle_errors
def suggest(
    project: ProjectTarget,
    document: str | None,
    codes: bool,
    places: bool,
    unit: str,
    every: bool,
    accepting: bool,
    accept_ids: tuple[str, ...],
    coder: str | None,
    as_json: bool,
) -> None:
    """Suggest codes (from codebook keywords) and places (names, aliases) for passages.

    Lists the best suggestions first, with an id, a score (0-1), what matched and why: only
    strong ones, at most a few per page of a transcript (--all lists every match). Nothing
    is applied: apply chosen ones with --accept ID ... (one change in the log: `workbench
    undo` reverts it).
    """
    from workbench.errors import InvalidValue
    from workbench.services import coding, reading

    if accept_ids and not accepting:
        raise InvalidValue(_("to apply suggestions, give their ids after --accept"))
    if accepting and not accept_ids:
        raise InvalidValue(_("--accept needs the ids of the suggestions to apply"))
    if accept_ids:
        with opened(project) as proj:
            views = coding.accept_suggestions(proj, accept_ids, coder=coder)
        if as_json:
            emit_json([view.to_dict() for view in views])
        else:
            for view in views:
                click.echo(segment_line(view))
        return
    with opened(project) as proj:
        found = reading.suggest(
            proj, document=document, codes=codes, places=places, unit=unit, every=every
        )
    if as_json:
        emit_json([item.to_dict() for item in found])
        return
    for item in found:
        click.echo(
            f"{item.id}  {item.score:.2f}  {item.kind:<5}  {item.target}  "
            f"{item.document}:{item.line}  {item.reason}"
        )
        click.echo(f"    {_shorten(item.text, 100)}")
    click.echo(counted(len(found), "suggestion", "suggestions"))
    if found:
        from workbench.project.target import display_name

        click.echo(
            _("accept with: {command}").format(
                command=f"workbench suggest {display_name(project)} --accept ID ..."
            )
        )

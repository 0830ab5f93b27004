"""Commands: codes (the code tree) and codebook add|rename|move|merge|delete|edit|export|load."""

from __future__ import annotations

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
    warn,
)
from workbench.i18n import _, counted


@click.command()
@PROJECT
@JSON
@handle_errors
def codes(project: ProjectTarget, as_json: bool) -> None:
    """The code tree with counts (segments with the code; with descendants; documents)."""
    from workbench.services import listings

    with opened(project) as proj:
        rows = listings.code_tree(proj)
    if as_json:
        emit_json(rows)
        return
    table(
        [
            (
                "  " * int(r["depth"]) + str(r["name"]),
                r["label"],
                r["segments"],
                r["segments_total"],
                r["documents"],
            )
            for r in rows
        ],
        # "code" is the same word in Dutch (the catalog's "code" is the verb: "coderen").
        ["code", _("label"), _("segments"), _("with children"), _("documents")],
    )


@click.group()
def codebook() -> None:
    """Create, rename, move, merge and delete codes; export and load codebooks."""


@codebook.command("add")
@PROJECT
@click.argument("name")
@click.option("--parent", default=None)
@click.option("--label", default="")
@click.option("--description", default="")
@click.option("--color", default=None, help="#RRGGBB")
@CODER
@JSON
@handle_errors
def codebook_add(
    project: ProjectTarget,
    name: str,
    parent: str | None,
    label: str,
    description: str,
    color: str | None,
    coder: str | None,
    as_json: bool,
) -> None:
    """Add a code."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        added = service.add_code(
            proj,
            name,
            parent=parent,
            label=label,
            description=description,
            color=color,
            coder=coder,
        )
    emit_json(added.to_dict()) if as_json else click.echo(
        _("added code {name}").format(name=added.name)
    )


@codebook.command("rename")
@PROJECT
@click.argument("old")
@click.argument("new")
@CODER
@handle_errors
def codebook_rename(project: ProjectTarget, old: str, new: str, coder: str | None) -> None:
    """Rename a code (its codings stay)."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        service.rename_code(proj, old, new, coder=coder)
    click.echo(_("renamed {old} to {new}").format(old=old, new=new))


@codebook.command("move")
@PROJECT
@click.argument("name")
@click.option("--parent", default=None, help="The new parent; leave out to move to the top.")
@CODER
@handle_errors
def codebook_move(project: ProjectTarget, name: str, parent: str | None, coder: str | None) -> None:
    """Move a code (with its children) under another code or to the top."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        service.move_code(proj, name, parent, coder=coder)
    click.echo(_("moved {name} under {parent}").format(name=name, parent=parent or _("(top)")))


@codebook.command("merge")
@PROJECT
@click.argument("source")
@click.argument("target")
@CODER
@handle_errors
def codebook_merge(project: ProjectTarget, source: str, target: str, coder: str | None) -> None:
    """Merge SOURCE into TARGET: codings, children and memos move; SOURCE is deleted."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        service.merge_codes(proj, source, target, coder=coder)
    click.echo(_("merged {source} into {target}").format(source=source, target=target))


@codebook.command("delete")
@PROJECT
@click.argument("name")
@click.option("--recursive", is_flag=True, help="Also delete the code's children.")
@CODER
@handle_errors
def codebook_delete(project: ProjectTarget, name: str, recursive: bool, coder: str | None) -> None:
    """Delete a code and its codings (undo brings them back)."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        deleted = service.delete_code(proj, name, recursive=recursive, coder=coder)
    click.echo(_("deleted {names}").format(names=", ".join(deleted.names)))


@codebook.command("edit")
@PROJECT
@click.argument("name")
@click.option("--label", default=None)
@click.option("--description", default=None)
@click.option("--inclusion", default=None)
@click.option("--exclusion", default=None)
@click.option("--example", default=None)
@click.option("--color", default=None)
@click.option("--keyword", "keywords", multiple=True, help="Replaces the keywords; repeatable.")
@CODER
@handle_errors
def codebook_edit(
    project: ProjectTarget,
    name: str,
    keywords: tuple[str, ...],
    coder: str | None,
    **fields: str | None,
) -> None:
    """Change a code's definition, colour or keywords."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        service.edit_code(proj, name, keywords=keywords or None, coder=coder, **fields)
    click.echo(_("changed {name}").format(name=name))


@codebook.command("anchor")
@PROJECT
@click.argument("name")
@click.argument("segment", type=int, required=False)
@click.option("--clear", is_flag=True, help="Remove the code's anchor quote.")
@CODER
@handle_errors
def codebook_anchor(
    project: ProjectTarget, name: str, segment: int | None, clear: bool, coder: str | None
) -> None:
    """Choose the anchor quote of a code for the codebook report: a segment coded with it.

    The report (`workbench export study.db -o codebook.docx`) quotes it, cited and, with
    --pseudonyms, pseudonymised. --clear removes it; undo takes either back.
    """
    from workbench.services import codebook as service

    if clear == (segment is not None):
        raise click.UsageError(_("give SEGMENT_ID, or --clear (not both)"))
    with opened(project) as proj:
        summary = service.set_anchor(proj, name, None if clear else segment, coder=coder)
    click.echo(summary)


@codebook.command("export")
@PROJECT
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def codebook_export(project: ProjectTarget, output: Path) -> None:
    """Write the project's codebook: our YAML (.yaml), or Taguette's CSV codebook (.csv:
    tag,description; the tree flattened)."""
    from workbench.services import exports

    with opened(project) as proj:
        done = exports.export_codebook(proj, output)
    for message in done.warnings:
        warn(message)
    click.echo(
        _("wrote {codes} to {path}").format(
            codes=counted(int(done.data["codes"]), "code", "codes"), path=output
        )
    )


@codebook.command("load")
@PROJECT
@click.argument("file", type=click.Path(path_type=Path))
@CODER
@handle_errors
def codebook_load(project: ProjectTarget, file: Path, coder: str | None) -> None:
    """Add the codes, place kinds and statuses of a codebook YAML file, or the tags of
    Taguette's CSV codebook (.csv: tag and description; codes that exist keep their codings)."""
    from workbench.services import codebook as service

    with opened(project) as proj:
        loaded = service.load_codebook(proj, file, coder=coder)
    for message in loaded.warnings:
        warn(message)
    message = _("loaded {name}: {added}").format(
        name=repr(loaded.name), added=counted(loaded.added, "new code", "new codes")
    )
    if loaded.updated:
        message += ", " + counted(loaded.updated, "description updated", "descriptions updated")
    click.echo(message)

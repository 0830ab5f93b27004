"""Every file the workbench writes from a project: REFI-QDA, codebooks, the places map,
cited fragments and figures.

Exports only read the project (one read session each). Every one of them refuses to write
over the project's own file (or its ``-wal``/``-shm`` companions) before anything is read,
from the command line and from the TUI alike; a file appears only when it is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import update_wrapper
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from workbench.errors import InputError, InvalidValue, WorkbenchError
from workbench.project import settings
from workbench.project.db import Project
from workbench.project.files import permissions_like

if TYPE_CHECKING:
    from workbench.exchange.pseudonyms import PseudonymTable

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _written_like_project(
    export: Callable[Concatenate[Project, _P], _R],
) -> Callable[Concatenate[Project, _P], _R]:
    """Every file the export writes (and its temporary) gets the project file's permission
    bits, never wider (see :mod:`workbench.project.files`)."""

    def wrapper(project: Project, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with permissions_like(project.path):
            return export(project, *args, **kwargs)

    update_wrapper(wrapper, export)
    return wrapper


#: The formats of :func:`export_project`, and the suffixes that name them.
PROJECT_FORMATS = ("qdpx", "qdc", "codebook", "geojson")
PROJECT_SUFFIXES = {
    ".qdpx": "qdpx",
    ".qdc": "qdc",
    ".yaml": "codebook",
    ".yml": "codebook",
    ".geojson": "geojson",
}
#: The files of a SQLite project: the database, its write-ahead log and its shared memory.
_PROJECT_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _refuse_project_file(project: Project, output: Path) -> None:
    """Raise :class:`InputError` when ``output`` is the project file itself (or one of its
    companion files): an export must never replace the project."""
    if project.path is None:
        return
    own = {Path(f"{project.path}{suffix}").resolve() for suffix in _PROJECT_FILE_SUFFIXES}
    if Path(output).expanduser().resolve() in own:
        raise InputError(output, "is the project file itself; choose another output file")


def project_format_for(output: Path) -> str | None:
    """The :func:`export_project` format the suffix of ``output`` names, or None."""
    return PROJECT_SUFFIXES.get(Path(output).suffix.lower())


@dataclass(frozen=True)
class Exported:
    """What an export wrote: one line for the user, the ``--json`` object, and warnings."""

    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@_written_like_project
def export_project(project: Project, output: Path, *, fmt: str) -> Exported:
    """Export the project as a REFI-QDA project (``qdpx``) or codebook (``qdc``), our YAML
    ``codebook``, or the places map (``geojson``)."""
    if fmt not in PROJECT_FORMATS:
        raise InvalidValue(
            f"unknown export format {fmt!r}; use one of {', '.join(PROJECT_FORMATS)}"
        )
    _refuse_project_file(project, output)
    with project.session() as session:
        if fmt == "qdpx":
            from workbench.exchange.refi.writer import export_qdpx

            report = export_qdpx(session, output, name=project.name)
            return Exported(
                f"wrote {output}: {report.documents} documents, {report.selections} coded "
                f"passages, {report.codings} codings, {report.codes} codes, "
                f"{report.places} places, {report.cases} cases, {report.notes} memos",
                report.to_dict(),
            )
        if fmt == "qdc":
            from workbench.exchange.refi.writer import export_qdc

            qdc = export_qdc(session, output)
            return Exported(
                f"wrote {output}: {qdc.codes} codes and {qdc.places} places", qdc.to_dict()
            )
        if fmt == "codebook":
            count = _write_codebook(session, output)
            return Exported(
                f"wrote {output}: {count} codes",
                {"path": str(output), "format": fmt, "codes": count},
            )
        from workbench.exchange.geojson import export_geojson

        geo = export_geojson(session, output)
        left = geo.without_coordinates
        warnings = (
            (f"{len(left)} place(s) without coordinates are not on the map: {', '.join(left)}",)
            if left
            else ()
        )
        return Exported(f"wrote {output}: {geo.features} places", geo.to_dict(), warnings)


def _write_codebook(session: Any, output: Path) -> int:
    from workbench.coding import codebook

    spec = codebook.export_codebook(session, output)
    return sum(1 for _ in spec.all_codes())


@_written_like_project
def export_codebook(project: Project, output: Path) -> int:
    """Write the project's codebook to a YAML file; returns the number of codes."""
    _refuse_project_file(project, output)
    with project.session() as session:
        return _write_codebook(session, output)


# --- fragments -------------------------------------------------------------------------------


class NamesLeft(WorkbenchError):
    """``strict``: listed names are still present after pseudonymising; nothing was written."""

    def __init__(self, leftovers: list[Any]) -> None:
        self.leftovers = leftovers
        super().__init__(
            f"{len(leftovers)} listed name(s) still present; nothing was written (--strict)"
        )


@dataclass(frozen=True)
class FragmentsExported:
    """Fragments written to a file, or rendered as text (no file)."""

    count: int
    fmt: str
    output: Path | None
    text: str | None
    """The rendered fragments when there was no file."""
    warnings: tuple[str, ...]
    """The pseudonym table was empty; names still present in another spelling."""

    @property
    def summary(self) -> str:
        """One line for the user."""
        noun = "fragment" if self.count == 1 else "fragments"
        return f"wrote {self.count} {noun} to {self.output} ({self.fmt})"


EMPTY_TABLE = "the project's pseudonym table is empty; add names with `workbench pseudonym add`"


def _pseudonym_table(
    session: Any, project_table: bool, file: Path | None, warnings: list[str]
) -> PseudonymTable | None:
    """The names to replace: a table file, else the project's table (warning when it is
    empty), else none."""
    from workbench.exchange import pseudonyms

    if file is not None:
        return pseudonyms.PseudonymTable(pseudonyms.read_file(file))
    if not project_table:
        return None
    table = pseudonyms.table(session)
    if not table:
        warnings.append(EMPTY_TABLE)
    return table


@_written_like_project
def export_fragments(
    project: Project,
    output: Path | None,
    *,
    fmt: str,
    query: str | None = None,
    coder: str | None = None,
    rollup: bool = False,
    group_by: str = "none",
    memos: bool = False,
    title: str | None = None,
    language: str | None = None,
    pseudonyms: bool = False,
    pseudonym_file: Path | None = None,
    strict: bool = False,
) -> FragmentsExported:
    """The fragments ``query`` finds (all with None), cited, as ``fmt`` (md, html, docx, csv,
    json) in ``output``, or rendered as text when ``output`` is None.

    With ``pseudonyms`` (the project's table) or ``pseudonym_file`` real names are replaced
    in texts, citations, headings, memos, the title and the query; names still present in
    another spelling are warned about, and with ``strict`` nothing is written
    (:class:`NamesLeft`). ``group_by`` applies to md, html and docx only.
    """
    from workbench.analysis.fragments import find_fragments
    from workbench.exchange import publish

    if output is not None:
        _refuse_project_file(project, output)
    if fmt == "docx" and output is None:
        raise InvalidValue("DOCX needs a file: give -o FILE.docx")
    warnings: list[str] = []
    with project.session() as session:
        names = _pseudonym_table(session, pseudonyms, pseudonym_file, warnings)
        found = find_fragments(session, query, coder=coder, rollup=rollup)
        lang = language or str(settings.get(session, "language", "en"))
    leftovers: list[Any] = []
    shown_query = query
    if names is not None:
        found = names.fragments(found)
        shown_query = names.apply_optional(query)
        title = names.apply_optional(title)
        leftovers = names.check_fragments(found)
        for text in (shown_query, title):
            leftovers += names.leftovers(text or "", "the title or query")
    if leftovers and strict:
        raise NamesLeft(leftovers)
    warnings += [str(left) for left in leftovers]
    options = publish.Options(
        group_by=group_by if fmt in ("md", "html", "docx") else "none",
        memos=memos,
        title=title,
        query=shown_query.strip() if shown_query and shown_query.strip() else None,
        language=lang,
    )
    if output is None:
        rendered = publish.render(found, fmt, options)
        assert isinstance(rendered, str)  # only DOCX renders to bytes, and it needs a file
        return FragmentsExported(len(found), fmt, None, rendered, tuple(warnings))
    publish.write(found, output, fmt, options)
    return FragmentsExported(len(found), fmt, output, None, tuple(warnings))


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureOptions:
    """How a figure looks and what it counts."""

    scope: str = "overlap"
    """The co-occurrence heatmap's unit (overlap, turn, sentence, paragraph, document)."""
    value: str = "c"
    """The heatmap shows the c-coefficient (``c``) or the count (``n``)."""
    cols: str = "place"
    """The matrix's columns: ``place`` or ``attr:KEY``."""
    rollup: bool = False
    top: int | None = None
    dpi: int = 200
    cmap: str = "Greys"
    title: str | None = None


@_written_like_project
def export_figure(
    project: Project,
    output: Path,
    *,
    figure: str,
    options: FigureOptions | None = None,
    filters: Any = None,
    pseudonyms: bool = False,
    pseudonym_file: Path | None = None,
) -> Exported:
    """Draw the co-occurrence heatmap (``figure="cooccur"``) or the code × column matrix
    (``"matrix"``) for print, as SVG, PNG or PDF (from the suffix of ``output``); with
    ``pseudonyms`` or ``pseudonym_file`` names are shown as their pseudonyms."""
    from workbench.analysis import cooccurrence
    from workbench.exchange import figures

    options = options or FigureOptions()
    figures.figure_format(output)
    _refuse_project_file(project, output)
    warnings: list[str] = []
    with project.session() as session:
        if figure == "cooccur":
            counted: Any = cooccurrence.cooccur(
                session, scope=options.scope, filters=filters, rollup=options.rollup
            )
        elif figure == "matrix":
            counted = cooccurrence.matrix(
                session, cols=options.cols, filters=filters, rollup=options.rollup
            )
        else:
            raise InvalidValue(f"unknown figure {figure!r}; use cooccur or matrix")
        names = _pseudonym_table(session, pseudonyms, pseudonym_file, warnings)
    rename = names.apply if names else None
    if figure == "cooccur":
        drawing = figures.cooccurrence_figure(
            counted,
            value=options.value,
            top=options.top,
            cmap=options.cmap,
            title=options.title,
            rename=rename,
        )
    else:
        drawing = figures.matrix_figure(
            counted, top=options.top, cmap=options.cmap, title=options.title, rename=rename
        )
    figures.save(drawing, output, dpi=options.dpi)
    return Exported(f"wrote {output}", {"path": str(output)}, tuple(warnings))

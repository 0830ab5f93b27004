"""Every file the workbench writes from a project: REFI-QDA, codebooks, the places map,
cited fragments and figures.

Exports only read the project (one read session each). Every one of them refuses to write
over the project's own file (or its ``-wal``/``-shm`` companions) before anything is read,
from the command line and from the TUI alike; a file appears only when it is complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import update_wrapper
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from workbench.errors import InputError, InvalidValue, WorkbenchError
from workbench.i18n import N_, _, counted, ngettext, number
from workbench.project import settings
from workbench.project.db import Project
from workbench.project.files import permissions_like, write_atomic

if TYPE_CHECKING:
    from workbench.exchange.pseudonyms import Leak, PseudonymTable

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
PROJECT_FORMATS = ("qdpx", "qdc", "codebook", "taguette", "geojson", "report", "archive")
PROJECT_SUFFIXES = {
    ".qdpx": "qdpx",
    ".qdc": "qdc",
    ".yaml": "codebook",
    ".yml": "codebook",
    ".geojson": "geojson",
    # the codebook report for a methods appendix (export_codebook_report)
    ".docx": "report",
    ".md": "report",
    ".markdown": "report",
    ".html": "report",
    ".htm": "report",
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
        raise InputError(output, _("is the project file itself; choose another output file"))


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
def export_project(
    project: Project, output: Path, *, fmt: str, for_tool: str | None = None
) -> Exported:
    """Export the project as a REFI-QDA project (``qdpx``) or codebook (``qdc``), our YAML
    ``codebook``, the places map (``geojson``), or the codebook ``report`` (its format from
    the suffix; :func:`export_codebook_report` takes the pseudonym options).

    ``for_tool`` shapes a ``qdpx`` for one peer's quirks (one of
    :data:`workbench.exchange.refi.writer.PROFILES`: ``qualcoder``, ``nvivo``, ``atlasti``,
    ``maxqda``, ``qc``; None or ``refi`` is the standard; see ``docs/refi-qda.md``)."""
    if for_tool not in (None, "refi") and fmt != "qdpx":
        raise InvalidValue(_("--for shapes a REFI-QDA project: use it with --format qdpx"))
    if fmt not in PROJECT_FORMATS:
        raise InvalidValue(
            _("unknown export format {name}; use one of {formats}").format(
                name=repr(fmt), formats=", ".join(PROJECT_FORMATS)
            )
        )
    if fmt == "report":
        return export_codebook_report(project, output)
    if fmt == "archive":  # with the defaults: the project's table, strict, no key
        return _as_exported(export_archive(project, output))
    _refuse_project_file(project, output)
    with project.session() as session:
        if fmt == "qdpx":
            from workbench.exchange.refi.writer import export_qdpx

            report = export_qdpx(session, output, name=project.name, profile=for_tool or "refi")
            if report.profile != "refi":
                wrote = _(
                    "wrote {path} for {tool}: {documents}, {selections} (one per coder of a"
                    " passage), {codings}, {codes}, {places}, {cases}, {memos}"
                )
            else:
                wrote = _(
                    "wrote {path}: {documents}, {selections} (one per coder of a passage),"
                    " {codings}, {codes}, {places}, {cases}, {memos}"
                )
            return Exported(
                wrote.format(
                    path=output,
                    tool=report.profile,
                    documents=counted(report.documents, "document", "documents"),
                    selections=counted(report.selections, "selection", "selections"),
                    codings=counted(report.codings, "coding", "codings"),
                    codes=counted(report.codes, "code", "codes"),
                    places=counted(report.places, "place", "places"),
                    cases=counted(report.cases, "case", "cases"),
                    memos=counted(report.notes, "memo", "memos"),
                ),
                report.to_dict(),
            )
        if fmt == "qdc":
            from workbench.exchange.refi.writer import export_qdc

            qdc = export_qdc(session, output)
            return Exported(
                _("wrote {path}: {codes} and {places}").format(
                    path=output,
                    codes=counted(qdc.codes, "code", "codes"),
                    places=counted(qdc.places, "place", "places"),
                ),
                qdc.to_dict(),
            )
        if fmt in ("codebook", "taguette"):
            return _write_codebook(session, output, taguette=fmt == "taguette")
        from workbench.exchange.geojson import export_geojson

        geo = export_geojson(session, output)
        left = geo.without_coordinates
        warnings = (
            (
                ngettext(
                    "{count} place without coordinates is not on the map: {places}",
                    "{count} places without coordinates are not on the map: {places}",
                    len(left),
                ).format(count=number(len(left)), places=", ".join(left)),
            )
            if left
            else ()
        )
        return Exported(
            _("wrote {path}: {places}").format(
                path=output, places=counted(geo.features, "place", "places")
            ),
            geo.to_dict(),
            warnings,
        )


def _write_codebook(session: Any, output: Path, *, taguette: bool) -> Exported:
    """Our YAML codebook, or Taguette's CSV codebook (:mod:`workbench.exchange.taguette`)."""
    warnings: list[str] = []
    if taguette:
        from workbench.exchange.taguette import export_taguette

        count, warnings = export_taguette(session, output)
    else:
        from workbench.coding import codebook

        spec = codebook.export_codebook(session, output)
        count = sum(1 for _code in spec.all_codes())
    fmt = "taguette" if taguette else "codebook"
    return Exported(
        _("wrote {path}: {codes}").format(path=output, codes=counted(count, "code", "codes")),
        {"path": str(output), "format": fmt, "codes": count},
        tuple(warnings),
    )


@_written_like_project
def export_codebook(project: Project, output: Path) -> Exported:
    """Write the project's codebook: Taguette's CSV codebook when ``output`` ends in
    ``.csv``, else our YAML codebook."""
    _refuse_project_file(project, output)
    with project.session() as session:
        return _write_codebook(session, output, taguette=output.suffix.lower() == ".csv")


# --- the codebook report --------------------------------------------------------------------


@_written_like_project
def export_codebook_report(
    project: Project,
    output: Path,
    *,
    fmt: str | None = None,
    title: str | None = None,
    language: str | None = None,
    pseudonyms: bool = False,
    pseudonym_file: Path | None = None,
    strict: bool = False,
) -> Exported:
    """Write the codebook report for a methods appendix (``docx``, ``md`` or ``html``, by
    default from the suffix): the code tree with definitions, counts and anchor quotes
    (:mod:`workbench.exchange.codebook_report`).

    With ``pseudonyms`` (the project's table) or ``pseudonym_file`` every string is
    pseudonymised; names still present in another spelling are warned about, and with
    ``strict`` nothing is written (:class:`NamesLeft`).
    """
    from workbench.exchange import codebook_report

    _refuse_project_file(project, output)
    fmt = codebook_report.report_format(output, fmt)
    warnings: list[str] = []
    with project.session() as session:
        names = _pseudonym_table(session, pseudonyms, pseudonym_file, warnings)
        lang = language or str(settings.get(session, "language", "en"))
        report = codebook_report.build_report(session, language=lang, title=title, names=names)
    if report.leftovers and strict:
        raise NamesLeft(list(report.leftovers))
    warnings += report.warnings
    warnings += [str(left) for left in report.leftovers]
    codebook_report.write_report(report, output, fmt)
    return Exported(
        _("wrote {path}: codebook report of {codes}, {anchors} ({format})").format(
            path=output,
            codes=counted(len(report.codes), "code", "codes"),
            anchors=counted(report.anchors, "anchor quote", "anchor quotes"),
            format=fmt,
        ),
        {
            "path": str(output),
            "format": "report",
            "report": fmt,
            "codes": len(report.codes),
            "anchors": report.anchors,
        },
        tuple(warnings),
    )


# --- fragments -------------------------------------------------------------------------------


class NamesLeft(WorkbenchError):
    """``strict``: listed names are still present after pseudonymising; nothing was written.

    The message names the output and which real names were found where (in the terminal
    only: the researcher holds the key anyway; nothing of it goes to a log)."""

    def __init__(self, leftovers: list[Any], output: Path | None = None) -> None:
        self.leftovers = leftovers
        self.output = output
        where: dict[str, list[str]] = {}
        for left in leftovers:
            kinds = where.setdefault(str(getattr(left, "name", left)), [])
            kind = str(getattr(left, "where", "") or _("the text"))
            part = getattr(left, "part", None)
            if part:
                kind = _("{where} of {part}").format(where=kind, part=part)
            if kind not in kinds:
                kinds.append(kind)
        shown = [f"{name!r} ({', '.join(kinds)})" for name, kinds in list(where.items())[:3]]
        if len(where) > 3:
            message = ngettext(
                "{count} listed real name still present: {names} and {more} more;"
                " nothing was written (--strict)",
                "{count} listed real names still present: {names} and {more} more;"
                " nothing was written (--strict)",
                len(where),
            )
        else:
            message = ngettext(
                "{count} listed real name still present: {names}; nothing was written (--strict)",
                "{count} listed real names still present: {names}; nothing was written (--strict)",
                len(where),
            )
        text = message.format(
            count=number(len(where)), names=", ".join(shown), more=number(len(where) - 3)
        )
        super().__init__(f"{output}: {text}" if output is not None else text)


#: Why ``strict`` needs pseudonyms.
STRICT_NEEDS_PSEUDONYMS = N_(
    "--strict checks pseudonymised output against the pseudonym table: give --pseudonyms too"
)


def _check_written(
    names: PseudonymTable, parts: Sequence[tuple[str, bytes]], known: Sequence[Any] = ()
) -> list[Leak]:
    """The strict check of an export: every listed name (and variant) in the bytes about to
    be written, file names included (:meth:`PseudonymTable.scanner`). Names already in
    ``known`` (leftovers reported field by field) are not reported twice."""
    reported = {str(getattr(left, "name", "")) for left in known}
    return [leak for leak in names.scanner().scan_all(parts) if leak.name not in reported]


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
        return _("wrote {fragments} to {path} ({format})").format(
            fragments=counted(self.count, "fragment", "fragments"),
            path=self.output,
            format=self.fmt,
        )


EMPTY_TABLE = N_("the project's pseudonym table is empty; add names with `workbench pseudonym add`")


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
        warnings.append(_(EMPTY_TABLE))
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
    in texts, citations, headings, memos, the title and the query, and a document is named
    by its label, never its file name (cited by its case, else its label, else ``Doc N``:
    :mod:`workbench.coding.labels`). The rendered output is then read back whole (a DOCX
    part by part, its properties and the file name included) for every listed name in any
    spelling the check knows (:func:`_check_written`): names found are warned about, and
    with ``strict`` nothing is written (:class:`NamesLeft`). ``strict`` needs pseudonyms.
    ``group_by`` applies to md, html and docx only.
    """
    from workbench.analysis.fragments import find_fragments
    from workbench.coding.labels import document_labels
    from workbench.exchange import publish

    if output is not None:
        _refuse_project_file(project, output)
    if fmt == "docx" and output is None:
        raise InvalidValue(_("DOCX needs a file: give -o FILE.docx"))
    warnings: list[str] = []
    with project.session() as session:
        names = _pseudonym_table(session, pseudonyms, pseudonym_file, warnings)
        if strict and names is None:
            raise InvalidValue(_(STRICT_NEEDS_PSEUDONYMS))
        found = find_fragments(session, query, coder=coder, rollup=rollup)
        lang = language or str(settings.get(session, "language", "en"))
        labels = document_labels(session) if names is not None else {}
    leftovers: list[Any] = []
    shown_query = query
    if names is not None:
        # never a file name: a document is its label (the researcher's, else "Doc N")
        found = [replace(f, document=labels.get(f.document, f.document)) for f in found]
        shown_query = names.apply_optional(_query_with_labels(query, labels))
        title = names.apply_optional(title)
        found = names.fragments(found)
        leftovers = names.check_fragments(found)
        for text in (shown_query, title):
            leftovers += names.leftovers(text or "", _("the title or query"))
    if leftovers and strict:
        raise NamesLeft(leftovers, output)
    warnings += [str(left) for left in leftovers]
    options = publish.Options(
        group_by=group_by if fmt in ("md", "html", "docx") else "none",
        memos=memos,
        title=title,
        query=shown_query.strip() if shown_query and shown_query.strip() else None,
        language=lang,
    )
    rendered = publish.render(found, fmt, options)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if names is not None:  # every byte about to be written, DOCX part by part
        shown = output.name if output is not None else f"fragments.{fmt}"
        leaks = _check_written(names, [(shown, data)], leftovers)
        if leaks and strict:
            raise NamesLeft(leaks, output)
        warnings += [str(leak) for leak in leaks]
    if output is None:
        assert isinstance(rendered, str)  # only DOCX renders to bytes, and it needs a file
        return FragmentsExported(len(found), fmt, None, rendered, tuple(warnings))
    write_atomic(output, data)
    return FragmentsExported(len(found), fmt, output, None, tuple(warnings))


_DOC_TERM = re.compile(r"""(?i)(?<![\w])doc\s*:\s*("(?:[^"\\]|\\.)*"|[\w.+/'-]+)""")


def _query_with_labels(query: str | None, labels: dict[str, str]) -> str | None:
    """``query`` with every ``doc:NAME`` term naming a document by its label instead (the
    query is shown under the title of pseudonymised fragments)."""
    if not query or not labels:
        return query
    from workbench.analysis.query import quote_term

    def relabel(found: re.Match[str]) -> str:
        value = found.group(1)
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        label = labels.get(value)
        return found.group(0) if label is None else f"doc:{quote_term(label)}"

    return _DOC_TERM.sub(relabel, query)


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
    strict: bool = False,
) -> Exported:
    """Draw the co-occurrence heatmap (``figure="cooccur"``) or the code × column matrix
    (``"matrix"``) for print, as SVG, PNG or PDF (from the suffix of ``output``); with
    ``pseudonyms`` or ``pseudonym_file`` names (and the title) are shown as their
    pseudonyms, and every label drawn is checked for listed names (warnings; with
    ``strict`` nothing is written, :class:`NamesLeft`)."""
    from workbench.analysis import cooccurrence
    from workbench.exchange import figures

    options = options or FigureOptions()
    figures.figure_format(output)
    _refuse_project_file(project, output)
    warnings: list[str] = []
    with project.session() as session:
        if figure == "cooccur":
            counts: Any = cooccurrence.cooccur(
                session, scope=options.scope, filters=filters, rollup=options.rollup
            )
        elif figure == "matrix":
            counts = cooccurrence.matrix(
                session, cols=options.cols, filters=filters, rollup=options.rollup
            )
        else:
            raise InvalidValue(
                _("unknown figure {name}; use cooccur or matrix").format(name=repr(figure))
            )
        names = _pseudonym_table(session, pseudonyms, pseudonym_file, warnings)
        if strict and names is None:
            raise InvalidValue(_(STRICT_NEEDS_PSEUDONYMS))
        language = str(settings.get(session, "language", "en"))
    drawn: list[str] = []
    title = options.title

    def renamed(name: str) -> str:
        shown = names.apply(name) if names is not None else name
        drawn.append(shown)
        return shown

    if names is not None:
        title = names.apply_optional(title)
    if figure == "cooccur":
        drawing = figures.cooccurrence_figure(
            counts,
            value=options.value,
            top=options.top,
            cmap=options.cmap,
            title=title,
            rename=renamed,
            language=language,
        )
    else:
        drawing = figures.matrix_figure(
            counts,
            top=options.top,
            cmap=options.cmap,
            title=title,
            rename=renamed,
            language=language,
        )
    if names is not None:  # the labels drawn (a PNG or PDF cannot be read back as text)
        leaks = _check_written(names, [(output.name, "\n".join([title or "", *drawn]).encode())])
        if leaks and strict:
            raise NamesLeft(leaks, output)
        warnings += [str(leak) for leak in leaks]
    figures.save(drawing, output, dpi=options.dpi)
    return Exported(_("wrote {path}").format(path=output), {"path": str(output)}, tuple(warnings))


# --- the archive -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveExported:
    """An archive written: its folder, what it holds, the key file if asked for."""

    folder: Path
    documents: int
    segments: int
    codes: int
    cases: int
    files: int
    key: Path | None
    warnings: tuple[str, ...]

    @property
    def summary(self) -> str:
        """One line for the user."""
        if self.key is not None:
            wrote = _(
                "wrote {path}: {transcripts} (.txt, .docx), {segments}, {codes}, {cases};"
                " the pseudonym key in {key}"
            )
        else:
            wrote = _("wrote {path}: {transcripts} (.txt, .docx), {segments}, {codes}, {cases}")
        return wrote.format(
            path=self.folder,
            transcripts=counted(
                self.documents, "pseudonymised transcript", "pseudonymised transcripts"
            ),
            segments=counted(self.segments, "segment", "segments"),
            codes=counted(self.codes, "code", "codes"),
            cases=counted(self.cases, "case", "cases"),
            key=self.key,
        )

    def to_dict(self) -> dict[str, object]:
        """The ``export --format archive --json`` object."""
        return {
            "path": str(self.folder),
            "format": "archive",
            "documents": self.documents,
            "segments": self.segments,
            "codes": self.codes,
            "cases": self.cases,
            "files": self.files,
            "key": None if self.key is None else str(self.key),
        }


def _refuse_key_inside(folder: Path, key: Path) -> None:
    inside = Path(key).expanduser().resolve()
    if inside.is_relative_to(Path(folder).expanduser().resolve()):
        raise InvalidValue(
            _(
                "{key}: the pseudonym key never goes into the archive; give a file outside {folder}"
            ).format(key=key, folder=folder)
        )
    if inside.suffix.lower() != ".csv":
        raise InvalidValue(
            _("{key}: the pseudonym key is written as CSV; give a .csv file").format(key=key)
        )


@_written_like_project
def export_archive(
    project: Project,
    folder: Path,
    *,
    pseudonym_file: Path | None = None,
    strict: bool = True,
    key_file: Path | None = None,
) -> ArchiveExported:
    """Write the archive for a data archive (:mod:`workbench.exchange.archive`) into
    ``folder`` (new or empty): every transcript pseudonymised as .txt and .docx, the
    codebook, the coded segments, the cases and a README; never the pseudonym key, which
    goes only to ``key_file`` (a CSV outside the folder) when asked for.

    Pseudonyms come from the project's table, or from ``pseudonym_file``. Strict by
    default: every file is read back before it is written, and one listed name left
    anywhere (file names included), or an empty table, writes nothing (:class:`NamesLeft`,
    :class:`InvalidValue`).
    """
    from workbench.exchange import archive, pseudonyms

    _refuse_project_file(project, folder)
    if key_file is not None:
        _refuse_key_inside(folder, key_file)
        _refuse_project_file(project, key_file)
    warnings: list[str] = []
    with project.session() as session:
        names = _pseudonym_table(session, True, pseudonym_file, warnings)
        assert names is not None
        if strict and not names:
            raise InvalidValue(
                _(
                    "the pseudonym table is empty, so nothing would be pseudonymised; add names "
                    "with `workbench pseudonym add` (or write it anyway with --no-strict)"
                )
            )
        built = archive.build_archive(session, names)
    leaks: list[pseudonyms.Leak] = _check_written(names, built.files)
    if leaks and strict:
        raise NamesLeft(leaks, folder)
    warnings += [str(leak) for leak in leaks]
    archive.write_archive(folder, built)
    if key_file is not None:
        write_atomic(key_file, archive.key_csv(names.entries))
    return ArchiveExported(
        folder,
        built.documents,
        built.segments,
        built.codes,
        built.cases,
        len(built.files),
        key_file,
        tuple(warnings),
    )


def _as_exported(done: ArchiveExported) -> Exported:
    return Exported(done.summary, done.to_dict(), done.warnings)

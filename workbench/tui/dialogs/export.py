"""The export dialog (ctrl+e): every export the core has, written in a thread worker.

Fragments (Markdown, HTML, Word, CSV, JSON: cited, optionally pseudonymised, for a query or
all), the project and the codebook for other QDA tools (REFI-QDA ``.qdpx`` and ``.qdc``), the
YAML codebook, the places map (GeoJSON), the two figures for print, and an archive folder for a
data archive (every transcript pseudonymised, the codebook, segments and cases; strict: not
written when a listed name is left anywhere). Exports only read the
project; a file appears only when it is complete. The result or the one-line error shows in the
dialog, which stays open until closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.worker import get_current_worker

from workbench.errors import WorkbenchError
from workbench.i18n import N_, _
from workbench.services import exports
from workbench.services.exports import Exported
from workbench.services.project import Project
from workbench.tui.dialogs.forms import CANCEL, Dialog, field_label, hint


@dataclass(frozen=True)
class ExportKind:
    """One thing the dialog can export."""

    key: str
    """The format (``md``) or the figure (``figure-cooccur``)."""
    label: str
    """Shown in the list (marked with ``N_``: translated when shown)."""
    suffix: str
    """The default file suffix."""
    kind: str
    """``fragments``, ``project``, ``figure`` or ``archive``."""


EXPORTS = (
    ExportKind("md", N_("Fragments as Markdown"), ".md", "fragments"),
    ExportKind("docx", N_("Fragments as Word (.docx)"), ".docx", "fragments"),
    ExportKind("html", N_("Fragments as HTML"), ".html", "fragments"),
    ExportKind("csv", N_("Fragments as CSV"), ".csv", "fragments"),
    ExportKind("json", N_("Fragments as JSON"), ".json", "fragments"),
    ExportKind("qdpx", N_("Project for other QDA tools (REFI-QDA .qdpx)"), ".qdpx", "project"),
    ExportKind("qdc", N_("Codebook for other QDA tools (REFI-QDA .qdc)"), ".qdc", "project"),
    ExportKind("codebook", N_("Codebook as YAML"), ".yaml", "project"),
    ExportKind("taguette", N_("Codebook for Taguette (CSV)"), ".csv", "project"),
    ExportKind("geojson", N_("Places map (GeoJSON)"), ".geojson", "project"),
    ExportKind("report", N_("Codebook report (.docx, .md or .html)"), ".docx", "report"),
    ExportKind("figure-cooccur", N_("Co-occurrence heatmap (SVG, PNG or PDF)"), ".svg", "figure"),
    ExportKind("figure-matrix", N_("Code × place matrix (SVG, PNG or PDF)"), ".svg", "figure"),
    ExportKind("archive", N_("Archive for a data archive (pseudonymised folder)"), "", "archive"),
)
"""Everything the dialog offers."""

REFI_PEERS = (
    ("refi", N_("any tool (the REFI-QDA standard)")),
    ("qualcoder", "QualCoder"),
    ("nvivo", N_("NVivo (UTF-16 offsets, CRLF texts)")),
    ("atlasti", "ATLAS.ti"),
    ("maxqda", "MAXQDA"),
    ("qc", N_("qc (one selection per line)")),
)
"""The tools a ``.qdpx`` can be shaped for (``workbench export --for``), with their labels."""


@dataclass(frozen=True)
class AnalysisSettings:
    """The Analysis tab's settings, which the figures follow."""

    scope: str = "overlap"
    value: str = "c"
    cols: str = "place"
    rollup: bool = False


@dataclass(frozen=True)
class ExportRequest:
    """One export, as chosen in the dialog (handed to the worker that writes it)."""

    kind: ExportKind
    """What to export."""
    path: Path
    """The file to write."""
    query: str | None = None
    """The fragments' query (None: all fragments)."""
    group: str = "none"
    """The fragments' headings: ``none``, ``code``, ``place`` or ``document``."""
    memos: bool = False
    """Fragments with their segment memos."""
    pseudonymise: bool = False
    """Names replaced by the project's pseudonyms."""
    settings: AnalysisSettings = AnalysisSettings()
    """The Analysis tab's settings, for the figures."""
    for_tool: str = "refi"
    """The tool a ``.qdpx`` is shaped for (``export --for``; ``refi``: the standard)."""


class ExportFinished(Message):
    """An export ended: written, or failed with a one-line reason."""

    def __init__(self, done: Exported | None, error: str | None = None) -> None:
        super().__init__()
        self.done = done
        """What was written, or None when it failed."""
        self.error = error
        """Why it failed."""


class ExportDialog(Dialog[None]):
    """Choose what to export and where; the export runs in a worker."""

    BINDINGS = [
        CANCEL,
        Binding("ctrl+s", "export", N_("Export"), id="export.start", tooltip=N_("Write the file")),
    ]

    def __init__(self, project: Project, settings: AnalysisSettings | None = None) -> None:
        super().__init__()
        self.project = project
        """The open project, to export from."""
        self.folder = project.path.parent if project.path is not None else Path.cwd()
        """Where files go by default: beside the project file, or (for a project on a
        database server) in the current folder."""
        self.stem = project.name
        """The start of default file names: the project file's stem or the database's name."""
        self.settings = settings or AnalysisSettings()
        """The Analysis tab's settings, for the figures."""
        self._path_edited = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form", id="export-dialog"):
            yield Label(Content.styled(_("Export"), "bold"), classes="dialog-title")
            with Grid(classes="form-grid"):
                yield field_label(_("What"))
                yield Select(
                    [(_(kind.label), kind.key) for kind in EXPORTS],
                    value="md",
                    allow_blank=False,
                    compact=True,
                    id="export-kind",
                )
                yield field_label(_("File"))
                yield Input(self._default_path("md"), id="export-path", compact=True)
                yield field_label(_("Query"), classes="form-label -fragments")
                yield Input(
                    placeholder=_("all fragments, or a query: welcome & place:Hatert"),
                    id="export-query",
                    compact=True,
                    classes="-fragments",
                )
                yield field_label(_("Headings"), classes="form-label -grouped")
                yield Select(
                    [(_("none"), "none"), (_("per code"), "code"), (_("per place"), "place")]
                    + [(_("per document"), "document")],
                    value="none",
                    allow_blank=False,
                    compact=True,
                    id="export-group",
                    classes="-grouped",
                )
                yield field_label(_("For"), classes="form-label -refi")
                yield Select(
                    [(_(label), key) for key, label in REFI_PEERS],
                    value="refi",
                    allow_blank=False,
                    compact=True,
                    id="export-for",
                    classes="-refi",
                )
                yield field_label("", classes="form-label -fragments")
                yield Checkbox(
                    _("with segment memos"), id="export-memos", classes="-fragments", compact=True
                )
                yield field_label("", classes="form-label -names")
                yield Checkbox(
                    _("pseudonymise (the project's pseudonym table)"),
                    id="export-pseudonyms",
                    classes="-names",
                    compact=True,
                )
            yield Static("", id="export-note")
            yield Static("", id="export-result")
            yield hint(_("[b]ctrl+s[/] export  [b]Tab[/] next field  [b]Esc[/] close"))

    def on_mount(self) -> None:
        self._show_fields("md")
        self.query_one("#export-kind", Select).focus()

    def _kind(self, key: str) -> ExportKind:
        return next(kind for kind in EXPORTS if kind.key == key)

    def _default_path(self, key: str) -> str:
        kind = self._kind(key)
        stem = self.stem
        name = {
            "fragments": f"{stem}-fragments{kind.suffix}",
            "figure": f"{stem}-{key.removeprefix('figure-')}{kind.suffix}",
        }.get(kind.kind, f"{stem}{kind.suffix}")
        if key == "codebook":
            name = f"{stem}-codebook.yaml"
        elif key == "report":
            name = f"{stem}-codebook.docx"
        elif key == "archive":
            name = f"{stem}-archive"
        if key == "taguette":
            name = f"{stem}-taguette.csv"
        return str(self.folder / name)

    def _show_fields(self, key: str) -> None:
        kind = self._kind(key)
        for widget in self.query(".-fragments"):
            widget.display = kind.kind == "fragments"
        for widget in self.query(".-grouped"):
            widget.display = key in ("md", "html", "docx")
        for widget in self.query(".-names"):
            widget.display = kind.kind in ("fragments", "figure", "report")
        for widget in self.query(".-refi"):
            widget.display = key == "qdpx"
        note = ""
        if key == "figure-cooccur":
            s = self.settings
            note = _(
                "As in the Analysis tab: scope {scope}, cells show {value}, rollup {rollup}."
            ).format(scope=s.scope, value=s.value, rollup=_("on") if s.rollup else _("off"))
        elif key == "figure-matrix":
            rollup = _("on") if self.settings.rollup else _("off")
            note = _("As in the Analysis tab: columns {cols}, rollup {rollup}.").format(
                cols=self.settings.cols, rollup=rollup
            )
        elif key == "qdpx":
            note = _(
                "Validated against the REFI-QDA schema; places travel as codes under “Places”."
            )
        elif key == "archive":
            note = _(
                "A new or empty folder: every transcript pseudonymised with the project's "
                "table (.txt, .docx), codebook, segments, cases, README; never the key. "
                "Nothing is written when a listed name is left anywhere."
            )
        elif key == "taguette":
            note = _("Taguette's codebook import: tag and description; the tree is flattened.")
        self.query_one("#export-note", Static).update(Content.styled(note, "dim"))

    @on(Select.Changed, "#export-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        key = str(event.value)
        self._show_fields(key)
        if not self._path_edited:
            path = self.query_one("#export-path", Input)
            path.value = self._default_path(key)
            self._path_edited = False

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        key = str(self.query_one("#export-kind", Select).value)
        self._path_edited = event.value != self._default_path(key)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        """Write the file (in a worker)."""
        key = str(self.query_one("#export-kind", Select).value)
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._show_result(Content.styled(_("Give the file to write."), "bold $error"))
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        query = self.query_one("#export-query", Input).value.strip() or None
        group = str(self.query_one("#export-group", Select).value)
        memos = self.query_one("#export-memos", Checkbox).value
        pseudonymise = self.query_one("#export-pseudonyms", Checkbox).value
        self._show_result(Content.styled(_("Writing {file}…").format(file=path.name), "italic"))
        request = ExportRequest(
            self._kind(key),
            path,
            query,
            group,
            memos,
            pseudonymise,
            self.settings,
            str(self.query_one("#export-for", Select).value),
        )
        self.run_export(self.project, request)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def run_export(self, project: Project, request: ExportRequest) -> None:
        """Run one export (a thread worker; posts ``ExportFinished``)."""
        kind, path, settings = request.kind, request.path, request.settings
        key = kind.key
        try:
            if kind.kind == "fragments":
                written = exports.export_fragments(
                    project,
                    path,
                    fmt=key,
                    query=request.query,
                    group_by=request.group,
                    memos=request.memos,
                    pseudonyms=request.pseudonymise,
                )
                done = Exported(written.summary, {}, written.warnings)
            elif kind.kind == "figure":
                done = exports.export_figure(
                    project,
                    path,
                    figure=key.removeprefix("figure-"),
                    options=exports.FigureOptions(
                        scope=settings.scope,
                        value=settings.value,
                        cols=settings.cols,
                        rollup=settings.rollup,
                    ),
                    pseudonyms=request.pseudonymise,
                )
            elif kind.kind == "report":
                done = exports.export_codebook_report(
                    project, path, pseudonyms=request.pseudonymise
                )
            elif kind.kind == "archive":
                archived = exports.export_archive(project, path)
                done = Exported(archived.summary, archived.to_dict(), archived.warnings)
            else:
                done = exports.export_project(
                    project, path, fmt=key, for_tool=request.for_tool if key == "qdpx" else None
                )
        except WorkbenchError as error:
            self.post_message(ExportFinished(None, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(ExportFinished(done))

    def on_export_finished(self, message: ExportFinished) -> None:
        message.stop()
        if message.done is None:
            self._show_result(Content.styled(message.error or _("failed"), "bold $error"))
            return
        done = message.done
        lines = [Content.styled(done.summary[:1].upper() + done.summary[1:] + ".", "bold $success")]
        shown = done.warnings[:5]
        lines += [
            Content.styled(_("warning: {warning}").format(warning=warning), "$warning")
            for warning in shown
        ]
        if len(done.warnings) > len(shown):
            more = len(done.warnings) - len(shown)
            lines.append(Content.styled(_("… and {count} more").format(count=more), "dim"))
        self._show_result(Content("\n").join(lines))

    def _show_result(self, content: Content) -> None:
        self.query_one("#export-result", Static).update(content)

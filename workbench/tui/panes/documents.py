"""The Documents tab: the transcripts with case, attributes, length and segments; importing.

Enter opens a document in the coding view. ``i`` opens the file picker; the import then runs
in a thread worker that reports its progress in small messages (shown in a progress bar under
the table) while the screen stays usable; Escape cancels it, leaving the project unchanged.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Static
from textual.worker import Worker

from workbench.errors import WorkbenchError
from workbench.services import importing
from workbench.services.project import Project
from workbench.services.reading import DocumentRow, Overview
from workbench.tui.dialogs.forms import ImportDialog, ImportRequest, MessageDialog
from workbench.tui.widgets.panels import DocumentsTable, Pane


class ImportCancelled(Exception):
    """Raised from the progress callback to stop an import (its transaction rolls back)."""


class ImportProgressed(Message):
    """An import moved on (posted from its worker; newer ones replace older ones)."""

    def __init__(self, done: int, total: int, what: str) -> None:
        super().__init__()
        self.done = done
        """Steps done."""
        self.total = total
        """All steps."""
        self.what = what
        """What is being done now ("reading a.txt")."""

    def can_replace(self, message: Message) -> bool:
        """Only the newest progress matters."""
        return isinstance(message, ImportProgressed)


class ImportFinished(Message):
    """An import ended: with new documents, cancelled, or failed with a one-line reason."""

    def __init__(
        self, names: tuple[str, ...], *, error: str | None = None, cancelled: bool = False
    ) -> None:
        super().__init__()
        self.names = names
        """The new documents."""
        self.error = error
        """Why it failed (one line), or None."""
        self.cancelled = cancelled
        """True when the user cancelled it."""


def document_details(document: DocumentRow) -> Content:
    """One line about the document under the cursor."""
    parts: list[Content | tuple[str, str] | str] = [(document.name, "bold")]
    if document.cases:
        parts += [("  case ", "dim"), ", ".join(document.cases)]
    for key, value in document.attributes:
        parts += [(f"  {key} ", "dim"), value]
    parts += [
        (
            f"  {document.characters:,} characters, {document.turns} turns, "
            f"{document.segments} segments, {document.language}",
            "dim",
        )
    ]
    return Content.assemble(*parts)


class DocumentsPane(Pane):
    """The documents table, a line about the one under the cursor, and the import's progress."""

    DEFAULT_FOCUS = "#documents-table"

    BINDINGS = [
        Binding(
            "i",
            "import",
            "Import",
            id="documents.import",
            tooltip="Import transcripts (.txt, .md, .docx, .odt, .vtt, .srt)",
        ),
        Binding(
            "escape",
            "cancel_import",
            "Cancel import",
            id="documents.cancel_import",
            tooltip="Stop the import that is running (nothing is stored)",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.documents: tuple[DocumentRow, ...] = ()
        """The documents, as last read."""
        self.importing: Worker[None] | None = None
        """The import that is running, if any."""
        self._cancel = threading.Event()
        self._select_after: str | None = None

    def compose(self) -> ComposeResult:
        yield DocumentsTable(id="documents-table")
        yield Static("", id="document-detail")
        with Horizontal(id="import-progress"):
            yield Label("", id="import-what")
            yield ProgressBar(total=None, show_eta=False, id="import-bar")
            yield Label(Content.styled(" Esc cancels", "dim"), id="import-hint")

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one(DocumentsTable).loading = True

    def show_overview(self, overview: Overview) -> None:
        """Fill the table (on a new document after an import)."""
        self.documents = overview.documents
        table = self.query_one(DocumentsTable)
        table.loading = False
        table.show_documents(overview.documents)
        if self._select_after is not None:
            table.select_name(self._select_after)
            self._select_after = None
        self._show_current()

    @on(DataTable.RowHighlighted, "#documents-table")
    def _highlighted(self) -> None:
        self._show_current()

    def _show_current(self) -> None:
        name = self.query_one(DocumentsTable).current_name
        document = next((d for d in self.documents if d.name == name), None)
        detail = self.query_one("#document-detail", Static)
        if document is None:
            detail.update(
                Content.styled("No documents yet: i imports transcripts.", "dim italic")
                if not self.documents
                else ""
            )
        else:
            detail.update(document_details(document))

    # --- importing -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape cancels only while an import runs; one import at a time."""
        if action == "cancel_import":
            return self.importing is not None
        if action == "import":
            return self.importing is None or None
        return True

    def action_import(self) -> None:
        """Choose files and import them."""
        self.app.push_screen(ImportDialog(Path.cwd()), self._start_import)

    def _start_import(self, request: ImportRequest | None) -> None:
        if request is None or self.project is None:
            return
        self.query_one("#import-progress").display = True
        self.query_one("#import-what", Label).update("starting")
        self.query_one(ProgressBar).update(total=None, progress=0)
        self._cancel = threading.Event()
        self.importing = self.run_import(self.project, request, self._cancel)
        self.refresh_bindings()

    @work(thread=True, group="import", exit_on_error=False)
    def run_import(self, project: Project, request: ImportRequest, cancel: threading.Event) -> None:
        """Import the files in one transaction, posting progress (a thread worker).

        Setting ``cancel`` stops it at its next step; the worker runs until the import has
        really stopped (its transaction rolled back), so the screen never says "cancelled"
        while the import still writes.
        """

        def progress(done: int, total: int, what: str) -> None:
            if cancel.is_set():
                raise ImportCancelled
            self.post_message(ImportProgressed(done, total, what))

        try:
            imported = importing.import_files(
                project,
                request.paths,
                case=request.case,
                language=request.language,
                progress=progress,
            )
        except ImportCancelled:
            self.post_message(ImportFinished((), cancelled=True))
        except WorkbenchError as error:
            self.post_message(ImportFinished((), error=str(error)))
        else:
            self.post_message(ImportFinished(tuple(document.name for document in imported)))

    def on_import_progressed(self, message: ImportProgressed) -> None:
        message.stop()
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self.query_one("#import-what", Label).update(message.what)

    def on_import_finished(self, message: ImportFinished) -> None:
        message.stop()
        self._end_import()
        if message.cancelled:
            self.notify("Import cancelled: nothing was imported.", severity="warning", timeout=4)
        elif message.error is not None:
            self.app.push_screen(MessageDialog("Not imported", message.error))
        else:
            names = message.names
            noun = "document" if len(names) == 1 else "documents"
            self.notify(f"Imported {len(names)} {noun}: {', '.join(names)}.", timeout=5)
            if names:
                self._select_after = names[0]
            self.workbench.changed()

    def _end_import(self) -> None:
        self.importing = None
        self.query_one("#import-progress").display = False
        self.refresh_bindings()

    def worker_failed(self, worker: Worker[object]) -> None:
        """An unexpected failure of the import (shown by the app) ends it too."""
        if worker.group == "import":
            self._end_import()

    def action_cancel_import(self) -> None:
        """Stop the import that is running (at its next step; nothing is stored)."""
        if self.importing is not None:
            self._cancel.set()
            self.query_one("#import-what", Label).update("cancelling…")

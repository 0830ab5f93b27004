"""The Documents tab: the transcripts with case, attributes, length and segments; importing.

Enter opens a document in the coding view; ``l`` sets its citation label (what pseudonymised
exports cite instead of its file name). ``i`` opens the file picker; the import then runs
in a thread worker that reports its progress in small messages (shown in a progress bar under
the table) while the screen stays usable; Escape cancels it, leaving the project unchanged.
The dialog's marked files and fields are kept until an import goes through, so a cancel or
a refusal (a name taken: the dialog's Name field gives another) loses nothing.
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

from workbench.coding.importing import NameTaken
from workbench.errors import WorkbenchError
from workbench.i18n import N_, _, counted
from workbench.services import documents as documents_service
from workbench.services import importing
from workbench.services.project import Project
from workbench.services.reading import DocumentRow, Overview
from workbench.tui.dialogs.forms import (
    ImportChoices,
    ImportDialog,
    ImportRequest,
    MessageDialog,
    TextPrompt,
)
from workbench.tui.messages import ChangeWritten, WriteDone
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
        self,
        names: tuple[str, ...],
        *,
        error: str | None = None,
        cancelled: bool = False,
        guessed: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.names = names
        """The new documents."""
        self.guessed = guessed
        """For each new document without speaker labels: its name and how sure its guessed
        turns are (one line each)."""
        self.error = error
        """Why it failed (one line), or None."""
        self.cancelled = cancelled
        """True when the user cancelled it."""


def document_details(document: DocumentRow) -> Content:
    """One line about the document under the cursor."""
    parts: list[Content | tuple[str, str] | str] = [(document.name, "bold")]
    if document.cases:
        parts += [("  " + _("case") + " ", "dim"), ", ".join(document.cases)]
    if document.label:
        parts += [("  " + _("cited as") + " ", "dim"), document.label]
    for key, value in document.attributes:
        parts += [(f"  {key} ", "dim"), value]
    parts += [
        (
            "  "
            + ", ".join(
                (
                    counted(document.characters, "character", "characters"),
                    counted(document.turns, "turn", "turns"),
                    counted(document.segments, "segment", "segments"),
                    document.language,
                )
            ),
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
            N_("Import"),
            id="documents.import",
            tooltip=N_("Import transcripts (.txt, .md, .docx, .odt, .vtt, .srt)"),
        ),
        Binding(
            "l",
            "label",
            N_("Label"),
            id="documents.label",
            tooltip=N_(
                "Set the citation label pseudonymised exports cite instead of the file name"
            ),
        ),
        Binding(
            "escape",
            "cancel_import",
            N_("Cancel import"),
            id="documents.cancel_import",
            tooltip=N_("Stop the import that is running (nothing is stored)"),
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
        self.import_choices: ImportChoices | None = None
        """What the import dialog had chosen, kept until an import goes through (a cancel
        or a refusal loses no marked file)."""

    def compose(self) -> ComposeResult:
        yield DocumentsTable(id="documents-table")
        yield Static("", id="document-detail")
        with Horizontal(id="import-progress"):
            yield Label("", id="import-what")
            yield ProgressBar(total=None, show_eta=False, id="import-bar")
            yield Label(Content.styled(_(" Esc cancels"), "dim"), id="import-hint")

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
                Content.styled(_("No documents yet: i imports transcripts."), "dim italic")
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

    def action_label(self) -> None:
        """Set the citation label of the document under the cursor (empty clears it)."""
        name = self.query_one(DocumentsTable).current_name
        document = next((d for d in self.documents if d.name == name), None)
        if document is None:
            self.notify(_("Choose a document first."), severity="warning", timeout=3)
            return

        def done(label: str | None) -> None:
            if label is None or label == document.label:
                return
            self._select_after = document.name
            self.workbench.submit_write(
                lambda project: ChangeWritten(
                    WriteDone(
                        f"label {document.name}: "
                        + (
                            documents_service.set_label(project, document.name, label).label
                            or "cleared"
                        )
                    )
                )
            )

        self.app.push_screen(
            TextPrompt(
                _("Citation label of {document} (empty: cited by case, else Doc N)").format(
                    document=document.name
                ),
                value=document.label,
                placeholder=_("e.g. R07, interview 3"),
                allow_empty=True,
            ),
            done,
        )

    def action_import(self) -> None:
        """Choose files and import them."""
        if self.import_choices is None:
            self.import_choices = ImportChoices(Path.cwd())
        dialog = ImportDialog(self.import_choices.folder, choices=self.import_choices)
        self.app.push_screen(dialog, self._start_import)

    def _start_import(self, request: ImportRequest | None) -> None:
        if request is None or self.project is None:
            return
        self.query_one("#import-progress").display = True
        self.query_one("#import-what", Label).update(_("starting"))
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
                name=request.name,
                progress=progress,
            )
        except ImportCancelled:
            self.post_message(ImportFinished((), cancelled=True))
        except NameTaken as error:  # the command line's text says --name
            self.post_message(
                ImportFinished(
                    (),
                    error=_(
                        "{path}: {problem}. To import it under another name, "
                        "press i, mark only this file and type the name in the Name field."
                    ).format(path=error.path, problem=error.problem),
                )
            )
        except WorkbenchError as error:
            self.post_message(ImportFinished((), error=str(error)))
        else:
            guessed = tuple(
                f"{document.name}: {document.how_turns_were_found()}"
                for document in imported
                if document.turns_found == "guessed"
            )
            names = tuple(document.name for document in imported)
            self.post_message(ImportFinished(names, guessed=guessed))

    def on_import_progressed(self, message: ImportProgressed) -> None:
        message.stop()
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self.query_one("#import-what", Label).update(message.what)

    def on_import_finished(self, message: ImportFinished) -> None:
        message.stop()
        self._end_import()
        if message.cancelled:
            self.notify(_("Import cancelled: nothing was imported."), severity="warning", timeout=4)
        elif message.error is not None:
            self.app.push_screen(MessageDialog(_("Not imported"), message.error))
        else:
            self.import_choices = None  # the next import starts afresh
            names = message.names
            guessed = "".join(f"\n{line}" for line in message.guessed)
            self.notify(
                _("Imported {documents}: {names}.").format(
                    documents=counted(len(names), "document", "documents"), names=", ".join(names)
                )
                + guessed,
                timeout=10 if guessed else 5,
            )
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
            self.query_one("#import-what", Label).update(_("cancelling…"))

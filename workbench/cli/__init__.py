"""The ``workbench`` command: a thin shell over :mod:`workbench.services`.

Every command takes the project file first, calls one service (one transaction for a
change), prints a table (or with ``--json`` one JSON document and nothing else) on stdout,
and reports errors as one line on stderr with a non-zero exit status, leaving the project
unchanged.

One module per group of commands (``project``, ``documents``, ``codebook``, ``coding``,
``speakers``, ``places``, ``cases``, ``history``, ``search``, ``analysis``, ``publish``,
``exchange``, ``merge``). The group loads a command's module only when that command runs (as
Harlequin loads its ``hsql`` modes), and ``workbench --help`` lists them from
:data:`COMMANDS` without loading any, so start-up pays only for the command used. The
modules import nothing of this package but :mod:`workbench.cli.common`: no cycle.
"""

from __future__ import annotations

import importlib

import click

from workbench import __version__

#: Every top-level command: name -> (module in this package, attribute, the first paragraph
#: of its help). ``--help`` lists them from here; a test checks each against the command.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("project", "init", "Create a new project file."),
    "import": (
        "documents",
        "import_",
        "Import transcripts (.txt .md .docx .odt .vtt .srt), all or none.",
    ),
    "docs": ("documents", "docs", "List the documents."),
    "doc": (
        "documents",
        "doc",
        "Document settings: the citation label that pseudonymised exports cite.",
    ),
    "codes": (
        "codebook",
        "codes",
        "The code tree with counts (segments with the code; with descendants; documents).",
    ),
    "codebook": (
        "codebook",
        "codebook",
        "Create, rename, move, merge and delete codes; export and load codebooks.",
    ),
    "case": ("cases", "case", "Cases (participants, units of analysis) and their attributes."),
    "cases": ("cases", "cases_list", "List cases with their documents and attributes."),
    "memo": (
        "coding",
        "memo",
        "Write a memo: memo study.db (doc|code|segment|case|place|project) [TARGET] TEXT.",
    ),
    "code": (
        "coding",
        "code",
        "Code the span START..END (code points, end exclusive) of DOCUMENT with CODEs.",
    ),
    "uncode": ("coding", "uncode", "Remove codes (all when none are named) from a segment."),
    "turns": (
        "speakers",
        "turns",
        "List the speaker turns of DOCUMENT: number, line, speaker, offsets, words.",
    ),
    "speaker": (
        "speakers",
        "speaker",
        "Fix the speakers: rename a speaker, set a turn's speaker, split or join turns.",
    ),
    "link": ("coding", "link", "Link a segment to a place."),
    "unlink": ("coding", "unlink", "Remove a segment's link to a place."),
    "places": (
        "places",
        "places",
        "List places with kind, status, area and the number of linked segments.",
    ),
    "place": ("places", "place", "Add and edit places."),
    "undo": ("history", "undo", "Undo your last change (also one made in an earlier session)."),
    "redo": ("history", "redo", "Redo your last undone change."),
    "history": (
        "history",
        "history",
        "The change log, newest first: your changes, --coder NAME's, or --all.",
    ),
    "check": (
        "project",
        "check",
        "Check the project: SQLite integrity, text hashes, offsets, orphans.",
    ),
    "open": ("project", "open_", "Open a project in the terminal workbench (the TUI)."),
    "demo": (
        "project",
        "demo",
        "Build a fresh demo project (fictional transcripts, codebook, places, coding) and open it.",
    ),
    "search": (
        "search",
        "search",
        "Keyword in context: every place TEXT occurs, with line, speaker and context.",
    ),
    "suggest": (
        "search",
        "suggest",
        "Suggest codes (from codebook keywords) and places (names, aliases) for passages.",
    ),
    "cooccur": (
        "analysis",
        "cooccur",
        "Co-occurrence of codes: n per code, and n and the c-coefficient per pair of codes.",
    ),
    "matrix": (
        "analysis",
        "matrix",
        "A code × place or code × attribute matrix: segments per code and column.",
    ),
    "agreement": (
        "analysis",
        "agreement_",
        "Inter-coder agreement of two coders, per code and overall, character by character.",
    ),
    "fragments": (
        "publish",
        "fragments",
        "Export cited fragments (the segments QUERY finds; all when it is left out).",
    ),
    "pseudonym": (
        "publish",
        "pseudonym",
        "The project's pseudonym table: real names of people and places and their pseudonyms.",
    ),
    "figure": ("publish", "figure", "Figures for publications (SVG, PNG or PDF)."),
    "export": (
        "exchange",
        "export",
        "Export the project: REFI-QDA (.qdpx, .qdc), the YAML codebook, or a GeoJSON places map.",
    ),
    "merge": (
        "merge",
        "merge",
        "Bring THEIRS, another copy of the project coded elsewhere, into PROJECT.",
    ),
    "purge": (
        "purge",
        "purge",
        "Make erasures permanent: remove erased text from the change log and compact the file.",
    ),
    "import-qdpx": (
        "exchange",
        "import_qdpx",
        "Import a REFI-QDA project (.qdpx, .qde) or codebook (.qdc) into PROJECT.",
    ),
}


def load_command(name: str) -> click.Command:
    """The command ``name``, importing its module."""
    module_name, attribute, _ = COMMANDS[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    command = getattr(module, attribute)
    assert isinstance(command, click.Command)
    return command


class LazyGroup(click.Group):
    """A group whose commands are imported when used, and listed without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        return load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
# The version from the package itself: looking it up in the installed metadata would import
# importlib.metadata (about 20-50 ms) for --version alone.
@click.version_option(__version__, package_name="workbench")
def main() -> None:
    """The workbench: code interview transcripts, link passages to places, query and export.

    Every command takes the project first: a SQLite file (study.db), a PostgreSQL database
    (postgresql+psycopg://host/study) or a named connection from connections.toml (@team).
    """

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
import inspect
import re
from collections.abc import Iterable
from typing import Any

import click

from workbench import __version__
from workbench.i18n import N_, _, choose_language, ngettext, set_language

#: Every top-level command: name -> (module in this package, attribute, the first paragraph
#: of its help). ``--help`` lists them from here; a test checks each against the command.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("project", "init", N_("Create a new project file.")),
    "import": (
        "documents",
        "import_",
        N_("Import transcripts (.txt .md .docx .odt .vtt .srt), all or none."),
    ),
    "docs": ("documents", "docs", N_("List the documents.")),
    "doc": (
        "documents",
        "doc",
        N_("Document settings: the citation label that pseudonymised exports cite."),
    ),
    "codes": (
        "codebook",
        "codes",
        N_("The code tree with counts (segments with the code; with descendants; documents)."),
    ),
    "codebook": (
        "codebook",
        "codebook",
        N_("Create, rename, move, merge and delete codes; export and load codebooks."),
    ),
    "case": ("cases", "case", N_("Cases (participants, units of analysis) and their attributes.")),
    "cases": ("cases", "cases_list", N_("List cases with their documents and attributes.")),
    "memo": (
        "coding",
        "memo",
        N_("Write a memo: memo study.db (doc|code|segment|case|place|project) [TARGET] TEXT."),
    ),
    "code": (
        "coding",
        "code",
        N_("Code the span START..END (code points, end exclusive) of DOCUMENT with CODEs."),
    ),
    "uncode": ("coding", "uncode", N_("Remove codes (all when none are named) from a segment.")),
    "turns": (
        "speakers",
        "turns",
        N_("List the speaker turns of DOCUMENT: number, line, speaker, offsets, words."),
    ),
    "speaker": (
        "speakers",
        "speaker",
        N_("Fix the speakers: rename a speaker, set a turn's speaker, split or join turns."),
    ),
    "link": ("coding", "link", N_("Link a segment to a place.")),
    "unlink": ("coding", "unlink", N_("Remove a segment's link to a place.")),
    "places": (
        "places",
        "places",
        N_("List places with kind, status, area and the number of linked segments."),
    ),
    "place": ("places", "place", N_("Add and edit places.")),
    "undo": ("history", "undo", N_("Undo your last change (also one made in an earlier session).")),
    "redo": ("history", "redo", N_("Redo your last undone change.")),
    "history": (
        "history",
        "history",
        N_("The change log, newest first: your changes, --coder NAME's, or --all."),
    ),
    "check": (
        "project",
        "check",
        N_("Check the project: SQLite integrity, text hashes, offsets, orphans."),
    ),
    "open": ("project", "open_", N_("Open a project in the terminal workbench (the TUI).")),
    "demo": (
        "project",
        "demo",
        N_(
            "Build a fresh demo project (fictional transcripts, codebook, places, coding)"
            " and open it."
        ),
    ),
    "search": (
        "search",
        "search",
        N_("Keyword in context: every place TEXT occurs, with line, speaker and context."),
    ),
    "suggest": (
        "search",
        "suggest",
        N_("Suggest codes (from codebook keywords) and places (names, aliases) for passages."),
    ),
    "cooccur": (
        "analysis",
        "cooccur",
        N_("Co-occurrence of codes: n per code, and n and the c-coefficient per pair of codes."),
    ),
    "matrix": (
        "analysis",
        "matrix",
        N_(
            "A code × place or code × attribute matrix: segments per code and column.",
        ),
    ),
    "agreement": (
        "analysis",
        "agreement_",
        N_("Inter-coder agreement of two coders, per code and overall, character by character."),
    ),
    "fragments": (
        "publish",
        "fragments",
        N_("Export cited fragments (the segments QUERY finds; all when it is left out)."),
    ),
    "pseudonym": (
        "publish",
        "pseudonym",
        N_("The project's pseudonym table: real names of people and places and their pseudonyms."),
    ),
    "figure": ("publish", "figure", N_("Figures for publications (SVG, PNG or PDF).")),
    "export": (
        "exchange",
        "export",
        N_(
            "Export the project: REFI-QDA (.qdpx, .qdc), the YAML codebook,"
            " or a GeoJSON places map."
        ),
    ),
    "merge": (
        "merge",
        "merge",
        N_("Bring THEIRS, another copy of the project coded elsewhere, into PROJECT."),
    ),
    "purge": (
        "purge",
        "purge",
        N_("Make erasures permanent: remove erased text from the change log and compact the file."),
    ),
    "import-qdpx": (
        "exchange",
        "import_qdpx",
        N_("Import a REFI-QDA project (.qdpx, .qde) or codebook (.qdc) into PROJECT."),
    ),
}


def load_command(name: str) -> click.Command:
    """The command ``name``, importing its module."""
    module_name, attribute, _help = COMMANDS[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    command = getattr(module, attribute)
    assert isinstance(command, click.Command)
    return command


_CLICK_TEXTS = {
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
}
"""click's own words in a help page, which :class:`_Formatter` shows translated."""


class _Formatter(click.HelpFormatter):
    """click's help formatter, with click's own words ("Usage:", "Options", the help option's
    help) in the interface's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_(name) if name in _CLICK_TEXTS else name)

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        shown = [(term, _(text) if text in _CLICK_TEXTS else text) for term, text in rows]
        super().write_dl(shown, col_max, col_spacing)


class _Context(click.Context):
    formatter_class = _Formatter

    def invoke(self, callback: Any, /, *args: Any, **kwargs: Any) -> Any:
        # A command asked for --json writes its document in English, notes and reasons
        # included, whatever the user's language (see workbench.cli.common.opened).
        if kwargs.get("as_json") is True:
            set_language("en")
        return super().invoke(callback, *args, **kwargs)


_ENGLISH = "_workbench_english_help"
"""The attribute where :func:`localize` keeps a command's or option's English help."""


def _english(thing: click.Command | click.Parameter) -> str | None:
    """The English help of a command or an option, as the source writes it."""
    if not hasattr(thing, _ENGLISH):
        text = getattr(thing, "help", None)
        setattr(thing, _ENGLISH, inspect.cleandoc(text) if text else text)
    english = getattr(thing, _ENGLISH)
    return english if isinstance(english, str) else None


def localize(command: click.Command) -> click.Command:
    """``command`` (its sub-commands too) with its help and its options' help in the
    interface's language, from the English texts the source writes (a command's docstring,
    ``help=``; ``tools/compile_translations.py`` extracts them). Done again at every use, so
    that the help follows the language chosen for this run."""
    command.context_class = _Context
    english = _english(command)
    if english:
        command.help = _(english)
    for param in command.params:
        text = _english(param)
        if text and isinstance(param, click.Option):
            param.help = _(text)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
    return command


_CLICK_ERRORS = (
    (
        re.compile(r"(?P<head>.*) Did you mean (?P<possibility>[^?]*)\?"),
        N_("Did you mean {possibility}?"),
    ),
    (
        re.compile(r"(?P<head>.*) \(Did you mean one of: (?P<possibilities>[^?]*)\?\)"),
        N_("(Did you mean one of: {possibilities}?)"),
    ),
    (re.compile(r"No such command '(?P<name>.*)'\."), N_("No such command '{name}'.")),
    (re.compile(r"No such option '(?P<name>.*)'\."), N_("No such option '{name}'.")),
    (re.compile(r"Missing argument '(?P<name>.*)'\."), N_("Missing argument '{name}'.")),
    (re.compile(r"Missing option '(?P<name>.*)'\."), N_("Missing option '{name}'.")),
    (re.compile(r"Missing command\."), N_("Missing command.")),
    (
        re.compile(r"Option '(?P<name>.*)' requires an argument\."),
        N_("Option '{name}' requires an argument."),
    ),
    (
        re.compile(r"Option '(?P<name>.*)' does not take a value\."),
        N_("Option '{name}' does not take a value."),
    ),
    (
        re.compile(r"Invalid value for (?P<name>[^:]*): (?P<reason>.*)", re.DOTALL),
        N_("Invalid value for {name}: {reason}"),
    ),
    (
        re.compile(r"'(?P<value>.*)' is not a valid integer\."),
        N_("'{value}' is not a valid integer."),
    ),
    (re.compile(r"'(?P<value>.*)' is not a valid float\."), N_("'{value}' is not a valid float.")),
    (
        re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*)\."),
        N_("'{value}' is not one of {choices}."),
    ),
)
"""click's own error messages (built with click's gettext domain, not ours) as patterns, with
the text the workbench shows in their place; ``head`` and ``reason`` are translated in turn."""


def _click_message(message: str) -> str:
    """One of click's error messages in the interface's language (a message no pattern knows,
    the workbench's own for one, as it is)."""
    extra = re.fullmatch(r"Got unexpected extra arguments? \((?P<args>.*)\)", message, re.DOTALL)
    if extra:
        count = len(extra["args"].split())
        return ngettext(
            "Got unexpected extra argument ({args})",
            "Got unexpected extra arguments ({args})",
            count,
        ).format(args=extra["args"])
    for pattern, text in _CLICK_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            fields = found.groupdict()
            head = fields.pop("head", None)
            if "reason" in fields:
                fields["reason"] = _click_message(fields["reason"])
            shown = _(text).format(**fields)
            return shown if head is None else f"{_click_message(head)} {shown}"
    return message


def _show(error: click.ClickException, file: Any = None) -> None:
    """What ``click.UsageError.show`` prints (the usage, the hint, the error), in the
    interface's language."""
    color = None
    if isinstance(error, click.UsageError) and error.ctx is not None:
        ctx = error.ctx
        color = ctx.color
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            option = max(ctx.command.get_help_option_names(ctx), key=len)
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=option
            )
            hint += "\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", file=file, err=True, color=color)
    message = _click_message(error.format_message())
    click.echo(_("Error: {message}").format(message=message), file=file, err=True, color=color)


def _translated(error: click.ClickException) -> click.ClickException:
    """``error``, shown in the interface's language when click's ``main`` shows it."""
    setattr(error, "show", lambda file=None: _show(error, file))  # noqa: B010
    return error


class LazyGroup(click.Group):
    """A group whose commands are imported when used, and listed without importing them.

    It chooses the language before anything is printed: the ``WORKBENCH_LANGUAGE`` setting,
    else the locale (a command that opens a project then switches to the project's language,
    see :func:`workbench.cli.common.opened`; ``--help`` knows no project)."""

    context_class = _Context

    def main(self, *args: Any, **kwargs: Any) -> Any:
        set_language(choose_language())
        localize(self)
        return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as error:
            raise _translated(error) from error.__cause__

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            raise _translated(error) from error.__cause__
        except (EOFError, KeyboardInterrupt, click.Abort) as stop:
            # What click's main does for these ("Aborted!", status 1), in our language.
            if not isinstance(stop, click.Abort):
                click.echo(err=True)
            click.echo(_("Aborted!"), err=True)
            raise click.exceptions.Exit(1) from stop

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        return localize(load_command(cmd_name))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=_(COMMANDS[name][2])).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section(_("Commands")):
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

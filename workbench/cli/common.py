"""What every command shares: the project argument, ``--json``, ``--coder``, one-line errors,
opening a project, printing tables.

Nothing here imports the core at module level, so ``workbench --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from workbench.i18n import N_, _, set_language
from workbench.project.target import ProjectTarget as ProjectTarget
from workbench.project.target import parse_target

if TYPE_CHECKING:  # pragma: no cover
    from workbench.services.project import Project

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")


if TYPE_CHECKING:  # pragma: no cover
    _ProjectParamType = click.ParamType[ProjectTarget]
else:  # click's ParamType is generic only in newer versions
    _ProjectParamType = click.ParamType


class ProjectType(_ProjectParamType):
    """The project argument: a SQLite file (a Path), a database URL
    (``postgresql+psycopg://host/study``, kept as text) or a named connection (``@team``,
    from ``connections.toml`` in the user's configuration folder). See
    :mod:`workbench.project.target`; ``click.Path`` would turn ``//`` into ``/``."""

    name = "project"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> ProjectTarget:
        target = value if isinstance(value, Path) else parse_target(str(value))
        if isinstance(target, Path) and target.is_dir():
            # One line like every other error (not click's three-line usage error).
            fail(_("{path}: is a folder, not a project file").format(path=target))
        return target


PROJECT_TYPE = ProjectType()
PROJECT = click.argument("project", type=PROJECT_TYPE)
JSON = click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON document."))
CODER = click.option(
    "--coder",
    default=None,
    metavar="NAME",
    help=N_("Who does this (default: $WORKBENCH_CODER or your login name)."),
)


def emit_json(data: Any) -> None:
    """Print ``data`` as the one JSON document of a ``--json`` command."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one error line on stderr and exit."""
    click.echo(_("workbench: error: {message}").format(message=message), err=True)
    sys.exit(code)


def warn(message: str) -> None:
    """Print one warning line on stderr."""
    click.echo(_("workbench: warning: {message}").format(message=message), err=True)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn core errors into one line on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from workbench.errors import WorkbenchError

        try:
            return func(*args, **kwargs)
        except WorkbenchError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail(_("interrupted; nothing was changed"), 130)
        except Exception as exc:  # database locked, disk full: still one line
            import sqlalchemy as sa

            if isinstance(exc, sa.exc.OperationalError):
                fail(_("database error: {reason}").format(reason=str(exc.orig).splitlines()[0]))
            if isinstance(exc, sa.exc.IntegrityError | sa.exc.DataError):
                # DataError: a value the database cannot hold (PostgreSQL text cannot hold
                # the NUL character that SQLite takes).
                fail(
                    _("refused by the database: {reason}").format(
                        reason=str(exc.orig).splitlines()[0]
                    )
                )
            raise

    return wrapper


@contextmanager
def opened(target: ProjectTarget) -> Iterator[Project]:
    """Open a project (migrating it if needed) and close it afterwards. From then on the
    command speaks the project's language (unless ``WORKBENCH_LANGUAGE`` says otherwise);
    a command asked for ``--json`` speaks English, so that every text in its document (notes,
    problems, reasons) reads the same whatever the user's language."""
    from workbench.services.project import interface_language, open_project

    project = open_project(target)
    try:
        context = click.get_current_context(silent=True)
        as_json = context is not None and bool(context.params.get("as_json"))
        set_language("en" if as_json else interface_language(project))
    except BaseException:
        project.dispose()
        raise
    if project.backup is not None:
        click.echo(
            _("workbench: upgraded the project; the old file is kept as {path}").format(
                path=project.backup
            ),
            err=True,
        )
    try:
        yield project
    finally:
        project.dispose()


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Print rows as aligned columns (the caller translates the headers: a column may be
    named after data, a place or an attribute value, which is never translated)."""
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            click.echo("  ".join("-" * w for w in widths))


def segment_line(view: Any) -> str:
    """A segment as ``code`` and ``suggest --accept`` print it."""
    return _("segment {segment} ({document} {start}-{end}): {codes}; places: {places}").format(
        segment=view.segment,
        document=view.document,
        start=view.start,
        end=view.end,
        codes=", ".join(view.codes) or "-",
        places=", ".join(view.places) or "-",
    )

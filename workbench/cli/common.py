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
            fail(f"{target}: is a folder, not a project file")
        return target


PROJECT_TYPE = ProjectType()
PROJECT = click.argument("project", type=PROJECT_TYPE)
JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
CODER = click.option(
    "--coder",
    default=None,
    metavar="NAME",
    help="Who does this (default: $WORKBENCH_CODER or your login name).",
)


def emit_json(data: Any) -> None:
    """Print ``data`` as the one JSON document of a ``--json`` command."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one error line on stderr and exit."""
    click.echo(f"workbench: error: {message}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    """Print one warning line on stderr."""
    click.echo(f"workbench: warning: {message}", err=True)


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
            fail("interrupted; nothing was changed", 130)
        except Exception as exc:  # database locked, disk full: still one line
            import sqlalchemy as sa

            if isinstance(exc, sa.exc.OperationalError):
                fail(f"database error: {str(exc.orig).splitlines()[0]}")
            if isinstance(exc, sa.exc.IntegrityError | sa.exc.DataError):
                # DataError: a value the database cannot hold (PostgreSQL text cannot hold
                # the NUL character that SQLite takes).
                fail(f"refused by the database: {str(exc.orig).splitlines()[0]}")
            raise

    return wrapper


@contextmanager
def opened(target: ProjectTarget) -> Iterator[Project]:
    """Open a project (migrating it if needed) and close it afterwards."""
    from workbench.services.project import open_project

    project = open_project(target)
    if project.backup is not None:
        click.echo(
            f"workbench: upgraded the project; the old file is kept as {project.backup}", err=True
        )
    try:
        yield project
    finally:
        project.dispose()


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Print rows as aligned columns."""
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
    return (
        f"segment {view.segment} ({view.document} {view.start}-{view.end}): "
        f"{', '.join(view.codes) or '-'}; places: {', '.join(view.places) or '-'}"
    )

"""The Textual app of the workbench (a thin shell over the core, like the CLI).

``WorkbenchApp(target)`` builds the app, for real use and for tests alike; :func:`run` runs
it on a project (a file, a database URL or a named connection).
"""

from __future__ import annotations

from workbench.project.target import ProjectTarget
from workbench.tui.app import WorkbenchApp

__all__ = ["WorkbenchApp", "run"]


def run(target: ProjectTarget) -> None:
    """Run the app on a project; exits with status 1 if the project cannot be opened."""
    app = WorkbenchApp(target)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)

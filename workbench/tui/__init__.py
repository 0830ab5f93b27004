"""The Textual app of the workbench (a thin shell over the core, like the CLI).

``WorkbenchApp(project_path)`` builds the app, for real use and for tests alike;
:func:`run` runs it on a project file.
"""

from __future__ import annotations

from pathlib import Path

from workbench.tui.app import WorkbenchApp

__all__ = ["WorkbenchApp", "run"]


def run(project_path: Path) -> None:
    """Run the app on a project file; exits with status 1 if the project cannot be opened."""
    app = WorkbenchApp(Path(project_path))
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)

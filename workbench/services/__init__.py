"""The service layer: one function per user action, called by both shells.

Each write function opens one transaction (:meth:`workbench.project.db.Project.transaction`),
makes sure the coder exists, applies every rule through the core (``workbench.coding``,
``workbench.exchange``...), names the change in the change log with the command line's
canonical text, and returns a plain result. Each read function opens one read session and
returns plain values. The command line (:mod:`workbench.cli`) and the terminal workbench
(:mod:`workbench.tui`) only parse input, call a service and show its result: neither opens a
session or a transaction itself (``tests/test_services.py`` checks both).

The modules, by subject:

- :mod:`~workbench.services.project`: create (init), open and check a project.
- :mod:`~workbench.services.codebook`: codes (add, rename, move, merge, delete, edit),
  codebook files.
- :mod:`~workbench.services.coding`: code a span, uncode, link, unlink, memos, accept
  suggestions.
- :mod:`~workbench.services.places`: add and edit places.
- :mod:`~workbench.services.cases`: cases and their attributes.
- :mod:`~workbench.services.history`: undo, redo and the change log.
- :mod:`~workbench.services.importing`: transcripts and REFI-QDA files.
- :mod:`~workbench.services.exports`: every file the workbench writes from a project.
- :mod:`~workbench.services.pseudonyms`: the pseudonym table.
- :mod:`~workbench.services.reading`: what the shells list and show.
"""

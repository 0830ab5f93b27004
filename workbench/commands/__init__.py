"""Command groups of the ``workbench`` command, one module per capability.

Each module registers its commands on :data:`workbench.cli.main` when imported; ``cli.py``
imports them all at the end. Like ``cli.py`` they import only ``click`` at module level and
the core inside the commands, so that ``workbench --help`` starts fast.
"""

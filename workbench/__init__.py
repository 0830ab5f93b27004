"""The workbench: qualitative coding of interview transcripts, with places as first-class objects.

The package is split into a pure Python core (everything outside ``workbench.tui`` and
``workbench.cli``) and two thin shells over it: the command line and the Textual app.
The core never imports Textual or Rich.
"""

__version__ = "0.1.0"

"""What the command line lists: documents, the code tree, places, cases.

Light on purpose (a listing command imports this, not :mod:`workbench.services.reading`):
one read session per function, plain values back.
"""

from __future__ import annotations

from workbench.coding import cases, listings
from workbench.project.db import Project


def documents(project: Project) -> list[listings.DocumentListing]:
    """Documents with their cases, size, turns, speakers and number of segments (``docs``)."""
    with project.session() as session:
        return listings.list_documents(session)


def code_tree(project: Project) -> list[listings.CodeListing]:
    """The code tree with counts (``codes``)."""
    with project.session() as session:
        return listings.code_tree(session)


def places(project: Project) -> list[listings.PlaceListing]:
    """Places with kind, status, area, aliases and linked segments (``places``)."""
    with project.session() as session:
        return listings.list_places(session)


def case_list(project: Project) -> list[cases.CaseView]:
    """Cases with their documents and attributes (``cases``)."""
    with project.session() as session:
        return cases.list_cases(session)

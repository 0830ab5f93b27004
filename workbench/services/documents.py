"""Documents: the citation label that pseudonymised exports cite (see
:mod:`workbench.coding.labels`).

One transaction per function, named in the change log with the command line's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.coding import labels
from workbench.project import changelog
from workbench.project.db import Project
from workbench.services._tx import coder_id


@dataclass(frozen=True)
class LabelSet:
    """A document's citation label, changed."""

    document: str
    before: str
    label: str
    """The new label; empty: cited as ``Doc N`` (or by its case)."""

    def to_dict(self) -> dict[str, object]:
        """The ``doc label --json`` object."""
        return {"document": self.document, "label": self.label, "before": self.before}


def set_label(project: Project, document: str, label: str, *, coder: str | None = None) -> LabelSet:
    """Set the citation label of ``document`` (a blank ``label`` clears it) as one change,
    which undo takes back."""
    with project.transaction("doc label", coder=coder) as session:
        coder_id(session, coder)
        before, after = labels.set_label(session, document, label)
        changelog.describe(
            session,
            f"label {document} {after!r}" if after else f"clear the label of {document}",
        )
    return LabelSet(document, before, after)

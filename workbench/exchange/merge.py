"""Merging an offline copy of a project back into it (``workbench merge study.db theirs.db``).

A team that codes apart (field work, laptops) copies the project file, codes in each copy and
brings the copies together again. :func:`merge_copy` reads *theirs* (another copy of the same
project) and writes into *ours*, in the caller's one write transaction, so that the change log
records everything it adds or changes as one change that ``undo`` takes back.

Matching:

- **coders** by name; **documents** by the sha256 of their text (a document of theirs whose
  name is taken here by another text is a conflict: its segments stay out); documents only
  they have are copied with their turns, sentences and paragraphs (and indexed);
- **codes**, **places**, **cases** and **variables** by GUID, then by name (any case);
  those only they have are added; **place kinds** by name;
- **segments** by document and span; **codings** by segment, code and coder, **place links**
  by segment and place: the union, each keeping its coder and time; **memos** by GUID, the
  others added; **pseudonyms** by the real name.

Nothing is silently overwritten. Where both copies hold a different value (a code's name,
description or parent, a place's status, a case's attribute value, a memo's text), the change
logs decide: each copy's changes since the last change the two logs share (the moment they
parted) say which side changed it. Changed only in theirs: theirs is taken (that is the work
being brought in). Changed only here: ours stays. Changed in both, or unknown: a conflict,
reported in one line; ours stays (and a memo's other text is added as a memo of its own, so
no one's writing is lost). Work removed here since the copies parted (a coding, a memo) is
not brought back. What they removed is not removed here; it is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from workbench import i18n
from workbench.i18n import _, counted, number
from workbench.project import changelog, erasures
from workbench.project.models import (
    Case,
    CaseValue,
    Change,
    Code,
    Coder,
    Coding,
    Document,
    DocumentCase,
    Memo,
    Paragraph,
    Place,
    PlaceAlias,
    PlaceKind,
    PlaceStatus,
    Pseudonym,
    Segment,
    SegmentPlace,
    Sentence,
    Turn,
    Variable,
    id_of,
    new_guid,
    table_of,
    utcnow,
)

__all__ = ["MergeReport", "merge_copy"]

T = TypeVar("T", bound=SQLModel)

CODE_FIELDS = (
    "name",
    "label",
    "parent_id",
    "description",
    "inclusion",
    "exclusion",
    "example",
    "color",
    "keywords",
)
PLACE_FIELDS = (
    "name",
    "kind",
    "status",
    "neighbourhood",
    "municipality",
    "address",
    "latitude",
    "longitude",
    "description",
)
CASE_FIELDS = ("name", "description")


@dataclass(frozen=True)
class _Said:
    """A line of the report in English (kept for ``--json``) and as shown to the user."""

    english: str
    shown: str


class _Text:
    """A report text in English and in the interface's language, filled in with
    :meth:`format` (a value that is a :class:`_Said` is taken in the same language)."""

    def __init__(self, english: str, shown: str) -> None:
        self.english = english
        self.shown = shown

    def format(self, **values: object) -> _Said:
        english = {k: v.english if isinstance(v, _Said) else v for k, v in values.items()}
        shown = {k: v.shown if isinstance(v, _Said) else v for k, v in values.items()}
        return _Said(self.english.format(**english), self.shown.format(**shown))


class _Both:
    """Marks the report's texts for translation (``BOTH._``, ``BOTH.ngettext``) and keeps
    their English beside them: ``--json`` keeps the English, the terminal shows the
    translation."""

    @staticmethod
    def _(message: str) -> _Text:
        return _Text(message, i18n._(message))

    @staticmethod
    def ngettext(singular: str, plural: str, n: int) -> _Text:
        return _Text(singular if n == 1 else plural, i18n.ngettext(singular, plural, n))


BOTH = _Both()


@dataclass
class MergeReport:
    """What a merge did (or, with ``dry_run``, would do)."""

    source: str
    """The copy merged in, as shown to the user."""
    dry_run: bool = False
    """True when nothing was written."""
    shared_changes: int = 0
    """The last change both change logs share (0: none): where the copies parted."""
    coders_added: list[str] = field(default_factory=list)
    documents_matched: int = 0
    documents_added: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_changed: list[str] = field(default_factory=list)
    places_added: list[str] = field(default_factory=list)
    places_changed: list[str] = field(default_factory=list)
    cases_added: list[str] = field(default_factory=list)
    cases_changed: list[str] = field(default_factory=list)
    variables_added: list[str] = field(default_factory=list)
    values_added: int = 0
    segments_added: int = 0
    codings_added: int = 0
    links_added: int = 0
    memos_added: int = 0
    memos_changed: int = 0
    pseudonyms_added: int = 0
    not_restored: int = 0
    """Codings, links and memos they still have that were removed here since the copies
    parted (left out)."""
    purged_left_out: int = 0
    """Things they still have that a purge here erased (documents, codes, memos, pseudonym
    entries, old values...), left out: see :mod:`workbench.project.erasures`."""
    conflicts: list[str] = field(default_factory=list)
    """One line per conflict: what differs, and what was kept (English, for ``--json``)."""
    notes: list[str] = field(default_factory=list)
    """Other things worth knowing (a document with another name there, removals there;
    English, for ``--json``)."""
    shown_conflicts: list[str] = field(default_factory=list)
    """:attr:`conflicts` in the interface's language."""
    shown_notes: list[str] = field(default_factory=list)
    """:attr:`notes` in the interface's language."""

    @property
    def changed_anything(self) -> bool:
        """True when the merge adds or changes something."""
        return bool(
            self.coders_added
            or self.documents_added
            or self.codes_added
            or self.codes_changed
            or self.places_added
            or self.places_changed
            or self.cases_added
            or self.cases_changed
            or self.variables_added
            or self.values_added
            or self.segments_added
            or self.codings_added
            or self.links_added
            or self.memos_added
            or self.memos_changed
            or self.pseudonyms_added
        )

    def summary(self) -> str:
        """One line for the change log and the terminal."""
        parts = [
            (len(self.documents_added), "document"),
            (len(self.codes_added), "code"),
            (len(self.places_added), "place"),
            (len(self.cases_added), "case"),
            (self.segments_added, "segment"),
            (self.codings_added, "coding"),
            (self.links_added, "place link"),
            (self.memos_added, "memo"),
        ]
        added = [f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in parts if n]
        changed = (
            len(self.codes_changed)
            + len(self.places_changed)
            + len(self.cases_changed)
            + self.memos_changed
        )
        text = f"merge {self.source}: " + (", ".join(added) if added else "nothing new")
        if changed:
            text += f"; {changed} changed"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflict{'' if len(self.conflicts) == 1 else 's'}"
        return text

    def shown_summary(self) -> str:
        """:meth:`summary` in the interface's language, for the terminal (on a dry run:
        what the merge would do)."""
        added = []
        if self.documents_added:
            added.append(counted(len(self.documents_added), "document", "documents"))
        if self.codes_added:
            added.append(counted(len(self.codes_added), "code", "codes"))
        if self.places_added:
            added.append(counted(len(self.places_added), "place", "places"))
        if self.cases_added:
            added.append(counted(len(self.cases_added), "case", "cases"))
        if self.segments_added:
            added.append(counted(self.segments_added, "segment", "segments"))
        if self.codings_added:
            added.append(counted(self.codings_added, "coding", "codings"))
        if self.links_added:
            added.append(counted(self.links_added, "place link", "place links"))
        if self.memos_added:
            added.append(counted(self.memos_added, "memo", "memos"))
        head = _("would merge {source}: {added}") if self.dry_run else _("merge {source}: {added}")
        clauses = [
            head.format(source=self.source, added=", ".join(added) if added else _("nothing new"))
        ]
        changed = (
            len(self.codes_changed)
            + len(self.places_changed)
            + len(self.cases_changed)
            + self.memos_changed
        )
        if changed:
            clauses.append(_("{count} changed").format(count=number(changed)))
        if self.conflicts:
            clauses.append(counted(len(self.conflicts), "conflict", "conflicts"))
        if self.purged_left_out:
            clauses.append(
                _("{count} left out (erased by a purge here)").format(
                    count=number(self.purged_left_out)
                )
            )
        return "; ".join(clauses)

    def add_conflict(self, line: _Said) -> None:
        """Report a conflict (in English and as shown)."""
        self.conflicts.append(line.english)
        self.shown_conflicts.append(line.shown)

    def add_note(self, line: _Said) -> None:
        """Report a note (in English and as shown)."""
        self.notes.append(line.english)
        self.shown_notes.append(line.shown)

    def to_dict(self) -> dict[str, object]:
        """The ``merge --json`` document."""
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "shared_changes": self.shared_changes,
            "coders_added": self.coders_added,
            "documents_matched": self.documents_matched,
            "documents_added": self.documents_added,
            "codes_added": self.codes_added,
            "codes_changed": self.codes_changed,
            "places_added": self.places_added,
            "places_changed": self.places_changed,
            "cases_added": self.cases_added,
            "cases_changed": self.cases_changed,
            "variables_added": self.variables_added,
            "values_added": self.values_added,
            "segments_added": self.segments_added,
            "codings_added": self.codings_added,
            "links_added": self.links_added,
            "memos_added": self.memos_added,
            "memos_changed": self.memos_changed,
            "pseudonyms_added": self.pseudonyms_added,
            "not_restored": self.not_restored,
            "purged_left_out": self.purged_left_out,
            "conflicts": self.conflicts,
            "notes": self.notes,
        }


# --- where the copies parted, and what each changed since ----------------------------------


def shared_changes(ours: Session, theirs: Session) -> int:
    """The id of the last change both change logs hold alike (0 when none): the change logs
    of two copies are the same up to the moment the file was copied."""
    change = table_of(Change)
    query = sa.select(change.c.id, change.c.created_at, change.c.action, change.c.summary).order_by(
        change.c.id
    )
    shared = 0
    for mine, other in zip(
        ours.connection().execute(query), theirs.connection().execute(query), strict=False
    ):
        if tuple(mine) != tuple(other):
            break
        shared = int(mine.id)
    return shared


@dataclass
class Since:
    """What one copy changed since the copies parted (its done changes after the shared ones)."""

    changed: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    """Per row that existed before: the columns with another value now."""
    new: set[tuple[str, int]] = field(default_factory=set)
    """The rows made since."""
    removed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per table: the rows removed since, as they were."""

    @classmethod
    def read(cls, session: Session, after: int) -> Since:
        """Since change ``after``, from the change log of ``session``'s project."""
        change = table_of(Change)
        ids = [
            int(i)
            for i in session.connection()
            .execute(
                sa.select(change.c.id)
                .where(change.c.id > after, change.c.state == "done")
                .order_by(change.c.id)
            )
            .scalars()
        ]
        first: dict[tuple[str, int], dict[str, Any] | None] = {}
        last: dict[tuple[str, int], dict[str, Any] | None] = {}
        images = changelog.net_images(session, ids)
        for change_id in ids:
            for key, (before, after_image) in images.get(change_id, {}).items():
                first.setdefault(key, before)
                last[key] = after_image
        since = cls()
        for key, before in first.items():
            now = last[key]
            if before is None and now is not None:
                since.new.add(key)
            elif before is not None and now is None:
                since.removed.setdefault(key[0], []).append(before)
            elif before is not None and now is not None:
                since.changed[key] = {k for k in now if before.get(k) != now.get(k)}
        return since

    def touched(self, table: str, row_id: int, column: str) -> bool:
        """Whether this copy made the row, or changed ``column`` of it, since."""
        key = (table, row_id)
        return key in self.new or column in self.changed.get(key, set())

    def removed_guids(self, table: str) -> set[str]:
        """The GUIDs of the rows of ``table`` removed since."""
        return {str(row["guid"]) for row in self.removed.get(table, []) if row.get("guid")}


# --- the merge -----------------------------------------------------------------------------


def _all(session: Session, model: type[T]) -> list[T]:
    """Every row of ``model``, in the order of its key."""
    return list(session.exec(select(model).order_by(*table_of(model).primary_key.columns)))


def _by_lower_name(rows: Iterable[Any]) -> dict[str, Any]:
    return {str(row.name).lower(): row for row in rows}


class _Merge:
    """One merge of ``theirs`` into ``ours`` (see the module)."""

    def __init__(self, ours: Session, theirs: Session, report: MergeReport) -> None:
        self.ours = ours
        self.theirs = theirs
        self.report = report
        report.shared_changes = shared_changes(ours, theirs)
        self.erased = erasures.Erasures.read(ours.connection())
        self.ours_since = Since.read(ours, report.shared_changes)
        self.theirs_since = Since.read(theirs, report.shared_changes)
        self.coders: dict[int, int] = {}
        self.documents: dict[int, int] = {}
        self.codes: dict[int, int] = {}
        self.places: dict[int, int] = {}
        self.cases: dict[int, int] = {}
        self.variables: dict[int, int] = {}
        self.segments: dict[int, int] = {}
        self.their_segments: dict[int, Segment] = {id_of(s): s for s in _all(theirs, Segment)}
        self.segments_purged: set[str] = set()
        self.spans: dict[tuple[int, int, int], int] = {
            (s.document_id, s.start, s.end): id_of(s) for s in _all(ours, Segment)
        }

    # -- helpers --

    def purged(self, *keys: str | None) -> bool:
        """Whether a purge here erased what one of ``keys`` names (then it is counted as
        left out): the merge never brings that back."""
        if self.erased and self.erased.any(key for key in keys if key is not None):
            self.report.purged_left_out += 1
            return True
        return False

    def pinned(self, table: str, identity: str | None, column: str) -> bool:
        """Whether the value of ``column`` of the row ``identity`` here replaced a value a
        purge erased: ours stays, whatever theirs holds (theirs may be the erased text)."""
        if identity is None or not self.erased:
            return False
        return self.purged(erasures.pin_key(table, identity, column))

    def identity_of(self, table: str, mine: Any) -> str | None:
        """How :mod:`workbench.project.erasures` names one of our rows of ``table``."""
        if table == "pseudonym":
            return erasures.pseudonym_key(mine.real)
        if table == "case_value":
            return self.case_value_key(mine.case_id, mine.variable_id)
        guid = getattr(mine, "guid", None)
        return guid if isinstance(guid, str) else None

    def case_value_key(self, case_id: int, variable_id: int) -> str | None:
        """The erasure key of our case value of case ``case_id`` and attribute ``variable_id``."""
        case, variable = self.ours.get(Case, case_id), self.ours.get(Variable, variable_id)
        if case is None or variable is None:
            return None
        return erasures.case_value_key(case.guid, variable.guid)

    def conflict(self, line: _Said) -> None:
        self.report.add_conflict(line)

    def reconcile(
        self,
        table: str,
        mine: Any,
        other: Any,
        columns: Sequence[str],
        *,
        label: _Said,
        value_of: Callable[[str, Any], Any] | None = None,
        check: Callable[[str, Any], _Said | None] | None = None,
    ) -> bool:
        """Bring ``other``'s values (a row of theirs) into ``mine`` (the matching row here)
        where only they changed them since the copies parted; report the columns both hold
        differently otherwise. Returns True when ``mine`` changed."""
        changed = False
        for column in columns:
            theirs_value = getattr(other, column)
            if value_of is not None:
                theirs_value = value_of(column, theirs_value)
                if theirs_value is _UNMAPPED:
                    continue
            ours_value = getattr(mine, column)
            if ours_value == theirs_value:
                continue
            if self.pinned(table, self.identity_of(table, mine), column):
                continue
            they = self.theirs_since.touched(table, id_of(other), column)
            we = self.ours_since.touched(table, id_of(mine), column)
            if we and not they:
                continue  # our own change since: ours stays
            shown = "parent" if column == "parent_id" else column
            problem = check(column, theirs_value) if check is not None else None
            if they and not we and problem is None:
                setattr(mine, column, theirs_value)
                changed = True
                continue
            if problem is not None:
                line = BOTH._(
                    "{label}: {field} is {ours} here and {theirs} in {source} ({reason});"
                    " kept {ours}"
                )
            else:
                line = BOTH._(
                    "{label}: {field} is {ours} here and {theirs} in {source}; kept {ours}"
                )
            self.conflict(
                line.format(
                    label=label,
                    field=shown,
                    ours=self.show(column, ours_value),
                    theirs=self.show(column, theirs_value),
                    source=self.report.source,
                    reason=problem,
                )
            )
        if changed:
            self.ours.add(mine)
            self.ours.flush()
        return changed

    def show(self, column: str, value: Any) -> str | _Said:
        if column == "parent_id":
            if value is None:
                return BOTH._("(top)").format()
            code = self.ours.get(Code, value)
            return repr(code.name) if code is not None else repr(value)
        return repr(value)

    def segment_for(self, their_segment_id: int) -> int | None:
        """Our segment for one of theirs, made when there is none yet (None when its document
        was not brought in)."""
        if their_segment_id in self.segments:
            return self.segments[their_segment_id]
        segment = self.their_segments.get(their_segment_id)
        if segment is None or segment.document_id not in self.documents:
            return None
        key = (self.documents[segment.document_id], segment.start, segment.end)
        found = self.spans.get(key)
        if found is None:
            if segment.guid in self.segments_purged or self.purged(erasures.guid_key(segment.guid)):
                self.segments_purged.add(segment.guid)
                return None
            made = Segment(
                document_id=key[0],
                start=segment.start,
                end=segment.end,
                guid=segment.guid,
                created_at=segment.created_at,
                coder_id=self.coders[segment.coder_id],
            )
            self.ours.add(made)
            self.ours.flush()
            found = id_of(made)
            self.spans[key] = found
            self.report.segments_added += 1
        self.segments[their_segment_id] = found
        return found

    # -- the steps, in order --

    def run(self) -> None:
        self.merge_coders()
        self.merge_documents()
        self.merge_kinds()
        self.merge_codes()
        self.merge_places()
        self.merge_variables()
        self.merge_cases()
        self.merge_codings()
        self.merge_links()
        self.merge_memos()
        self.merge_pseudonyms()
        self.index_new_documents()

    def merge_coders(self) -> None:
        ours = {c.name: c for c in _all(self.ours, Coder)}
        for coder in _all(self.theirs, Coder):
            found = ours.get(coder.name)
            if found is None:
                found = Coder(name=coder.name, guid=coder.guid, created_at=coder.created_at)
                self.ours.add(found)
                self.ours.flush()
                ours[coder.name] = found
                self.report.coders_added.append(coder.name)
            self.coders[id_of(coder)] = id_of(found)

    def merge_documents(self) -> None:
        ours = _all(self.ours, Document)
        by_hash: dict[str, list[Document]] = {}
        for document in ours:
            by_hash.setdefault(document.sha256, []).append(document)
        names = {d.name for d in ours}
        self.new_documents: list[int] = []
        for document in _all(self.theirs, Document):
            same = by_hash.get(document.sha256, [])
            if same:
                match = next((d for d in same if d.name == document.name), same[0])
                self.documents[id_of(document)] = id_of(match)
                self.report.documents_matched += 1
                if match.name != document.name:
                    self.report.add_note(
                        BOTH._("document {name} is called {other} in {source}").format(
                            name=repr(match.name),
                            other=repr(document.name),
                            source=self.report.source,
                        )
                    )
                continue
            if self.purged(
                erasures.guid_key(document.guid), erasures.document_key(document.sha256)
            ):
                continue
            if document.name in names:
                coded = sum(1 for s in self.their_segments.values() if s.document_id == document.id)
                self.conflict(
                    BOTH.ngettext(
                        "document {name}: its text differs in the two copies; its {count}"
                        " segment in {source} was not brought in",
                        "document {name}: its text differs in the two copies; its {count}"
                        " segments in {source} were not brought in",
                        coded,
                    ).format(name=repr(document.name), count=coded, source=self.report.source)
                )
                continue
            self.documents[id_of(document)] = self.copy_document(document)
            names.add(document.name)
            self.report.documents_added.append(document.name)

    def copy_document(self, document: Document) -> int:
        """Copy a document of theirs with its turns, sentences and paragraphs."""
        copy = Document(
            name=document.name,
            label=document.label,
            text=document.text,
            source_name=document.source_name,
            sha256=document.sha256,
            language=document.language,
            encoding=document.encoding,
            paragraph_mode=document.paragraph_mode,
            char_count=document.char_count,
            word_count=document.word_count,
            guid=document.guid,
            imported_at=document.imported_at,
            coder_id=None if document.coder_id is None else self.coders[document.coder_id],
        )
        self.ours.add(copy)
        self.ours.flush()
        new_id = id_of(copy)
        connection = self.ours.connection()
        for model in (Turn, Sentence, Paragraph):
            table = table_of(model)
            rows = [
                {key: value for key, value in row._mapping.items() if key != "id"}
                | {"document_id": new_id}
                for row in self.theirs.connection().execute(
                    sa.select(table).where(table.c.document_id == document.id).order_by(table.c.id)
                )
            ]
            if rows:
                connection.execute(table.insert(), rows)
        self.new_documents.append(new_id)
        return new_id

    def merge_kinds(self) -> None:
        ours = {k.name for k in _all(self.ours, PlaceKind)}
        for kind in _all(self.theirs, PlaceKind):
            if kind.name not in ours and not self.purged(erasures.kind_key(kind.name)):
                self.ours.add(
                    PlaceKind(
                        name=kind.name,
                        label=kind.label,
                        description=kind.description,
                        position=kind.position,
                    )
                )
                ours.add(kind.name)
        self.ours.flush()
        self.statuses = {s.name for s in _all(self.ours, PlaceStatus)}

    @staticmethod
    def _match(guid: str, name: str, by_guid: dict[str, T], by_name: dict[str, T]) -> T | None:
        """Ours for a row of theirs: by GUID, then by name (any case)."""
        found = by_guid.get(guid)
        return by_name.get(name.lower()) if found is None else found

    def merge_codes(self) -> None:
        ours = _all(self.ours, Code)
        by_guid = {c.guid: c for c in ours}
        by_name = _by_lower_name(ours)
        theirs = _all(self.theirs, Code)
        # Parents first, so that a new code's parent is known.
        pending = {id_of(c): c for c in theirs}
        ordered: list[Code] = []
        while pending:
            ready = [c for c in pending.values() if c.parent_id not in pending]
            if not ready:  # a cycle cannot be stored; keep the rest in order
                ready = list(pending.values())
            for code in ready:
                ordered.append(code)
                del pending[id_of(code)]
        matched: list[tuple[Code, Code]] = []
        for code in ordered:
            found = self._match(code.guid, code.name, by_guid, by_name)
            if found is None and self.purged(erasures.guid_key(code.guid)):
                continue  # deleted here and purged: its codings stay out too
            if found is None:
                found = Code(
                    name=code.name,
                    label=code.label,
                    parent_id=None if code.parent_id is None else self.codes.get(code.parent_id),
                    position=code.position,
                    description=code.description,
                    inclusion=code.inclusion,
                    exclusion=code.exclusion,
                    example=code.example,
                    color=code.color,
                    keywords=code.keywords,
                    guid=code.guid,
                    created_at=code.created_at,
                    coder_id=None if code.coder_id is None else self.coders[code.coder_id],
                )
                self.ours.add(found)
                self.ours.flush()
                by_guid[found.guid] = found
                by_name[found.name.lower()] = found
                self.report.codes_added.append(code.name)
            else:
                matched.append((found, code))
            self.codes[id_of(code)] = id_of(found)

        def value_of(column: str, value: Any) -> Any:
            if column != "parent_id" or value is None:
                return value
            return self.codes.get(value, _UNMAPPED)

        for mine, other in matched:
            before = mine.name

            def check(column: str, value: Any, mine: Code = mine) -> _Said | None:
                if column == "name":
                    clash = by_name.get(str(value).lower())
                    if clash is not None and clash.id != mine.id:
                        return BOTH._("another code is called {name} here").format(
                            name=repr(clash.name)
                        )
                if column == "parent_id" and value is not None:
                    node: int | None = value
                    while node is not None:
                        if node == mine.id:
                            return BOTH._("that would put it under itself").format()
                        parent = self.ours.get(Code, node)
                        node = None if parent is None else parent.parent_id
                return None

            if self.reconcile(
                "code",
                mine,
                other,
                CODE_FIELDS,
                label=BOTH._("code {name}").format(name=repr(before)),
                value_of=value_of,
                check=check,
            ):
                by_name.pop(before.lower(), None)
                by_name[mine.name.lower()] = mine
                self.report.codes_changed.append(before)

    def merge_places(self) -> None:
        ours = _all(self.ours, Place)
        by_guid = {p.guid: p for p in ours}
        by_name = _by_lower_name(ours)
        aliases = {(a.place_id, a.alias.lower()) for a in _all(self.ours, PlaceAlias)}
        their_aliases: dict[int, list[str]] = {}
        for row in _all(self.theirs, PlaceAlias):
            their_aliases.setdefault(row.place_id, []).append(row.alias)
        for place in _all(self.theirs, Place):
            found = self._match(place.guid, place.name, by_guid, by_name)
            if found is None and self.purged(erasures.guid_key(place.guid)):
                continue
            if found is None:
                if place.status not in self.statuses:
                    self.conflict(
                        BOTH._(
                            "place {name}: its status {status} is unknown here; the place and"
                            " its links were not brought in"
                        ).format(name=repr(place.name), status=repr(place.status))
                    )
                    continue
                found = Place(
                    **{column: getattr(place, column) for column in PLACE_FIELDS},
                    guid=place.guid,
                    created_at=place.created_at,
                    coder_id=None if place.coder_id is None else self.coders[place.coder_id],
                )
                self.ours.add(found)
                self.ours.flush()
                by_guid[found.guid] = found
                by_name[found.name.lower()] = found
                self.report.places_added.append(place.name)
            else:
                before = found.name

                def check(column: str, value: Any, mine: Place = found) -> _Said | None:
                    if column == "name":
                        clash = by_name.get(str(value).lower())
                        if clash is not None and clash.id != mine.id:
                            return BOTH._("another place is called {name} here").format(
                                name=repr(clash.name)
                            )
                    if column == "status" and value not in self.statuses:
                        return BOTH._("no status {status} here").format(status=repr(value))
                    return None

                if self.reconcile(
                    "place",
                    found,
                    place,
                    PLACE_FIELDS,
                    label=BOTH._("place {name}").format(name=repr(before)),
                    check=check,
                ):
                    by_name.pop(before.lower(), None)
                    by_name[found.name.lower()] = found
                    self.report.places_changed.append(before)
            self.places[id_of(place)] = id_of(found)
            for alias in their_aliases.get(id_of(place), []):
                if (id_of(found), alias.lower()) not in aliases:
                    if self.purged(erasures.alias_key(found.guid, alias)):
                        continue
                    self.ours.add(PlaceAlias(place_id=id_of(found), alias=alias))
                    aliases.add((id_of(found), alias.lower()))
        self.ours.flush()

    def merge_variables(self) -> None:
        ours = _all(self.ours, Variable)
        by_guid = {v.guid: v for v in ours}
        by_name = _by_lower_name(ours)
        for variable in _all(self.theirs, Variable):
            found = self._match(variable.guid, variable.name, by_guid, by_name)
            if found is None and self.purged(erasures.guid_key(variable.guid)):
                continue
            if found is None:
                found = Variable(
                    name=variable.name,
                    type=variable.type,
                    description=variable.description,
                    guid=variable.guid,
                )
                self.ours.add(found)
                self.ours.flush()
                self.report.variables_added.append(variable.name)
            elif found.type != variable.type:
                self.conflict(
                    BOTH._(
                        "attribute {name}: of type {type} here and {other} in {source}; its"
                        " values there were not brought in"
                    ).format(
                        name=repr(found.name),
                        type=found.type,
                        other=variable.type,
                        source=self.report.source,
                    )
                )
                continue
            self.variables[id_of(variable)] = id_of(found)

    def merge_cases(self) -> None:
        ours = _all(self.ours, Case)
        by_guid = {c.guid: c for c in ours}
        by_name = _by_lower_name(ours)
        for case in _all(self.theirs, Case):
            found = self._match(case.guid, case.name, by_guid, by_name)
            if found is None and self.purged(erasures.guid_key(case.guid)):
                continue
            if found is None:
                found = Case(
                    name=case.name,
                    description=case.description,
                    guid=case.guid,
                    created_at=case.created_at,
                    coder_id=None if case.coder_id is None else self.coders[case.coder_id],
                )
                self.ours.add(found)
                self.ours.flush()
                self.report.cases_added.append(case.name)
            else:
                before = found.name

                def check(column: str, value: Any, mine: Case = found) -> _Said | None:
                    clash = by_name.get(str(value).lower()) if column == "name" else None
                    if clash is not None and clash.id != mine.id:
                        return BOTH._("another case is called {name} here").format(
                            name=repr(clash.name)
                        )
                    return None

                if self.reconcile(
                    "case",
                    found,
                    case,
                    CASE_FIELDS,
                    label=BOTH._("case {name}").format(name=repr(before)),
                    check=check,
                ):
                    self.report.cases_changed.append(before)
            by_name[found.name.lower()] = found
            self.cases[id_of(case)] = id_of(found)
        links = {(dc.document_id, dc.case_id) for dc in _all(self.ours, DocumentCase)}
        for link in _all(self.theirs, DocumentCase):
            if link.document_id not in self.documents or link.case_id not in self.cases:
                continue
            key = (self.documents[link.document_id], self.cases[link.case_id])
            if key not in links:
                document, owner = self.ours.get(Document, key[0]), self.ours.get(Case, key[1])
                if (
                    document
                    and owner
                    and self.purged(erasures.document_case_key(document.guid, owner.guid))
                ):
                    continue
                self.ours.add(DocumentCase(document_id=key[0], case_id=key[1]))
                links.add(key)
        values = {(v.case_id, v.variable_id): v for v in _all(self.ours, CaseValue)}
        for value in _all(self.theirs, CaseValue):
            if value.case_id not in self.cases or value.variable_id not in self.variables:
                continue
            key = (self.cases[value.case_id], self.variables[value.variable_id])
            mine = values.get(key)
            if mine is None:
                if self.purged(self.case_value_key(*key)):
                    continue
                self.ours.add(CaseValue(case_id=key[0], variable_id=key[1], value=value.value))
                self.report.values_added += 1
                continue
            case_name = self.ours.get(Case, key[0])
            variable = self.ours.get(Variable, key[1])
            label = BOTH._("case {name}: {attribute}").format(
                name=repr(case_name.name if case_name else key[0]),
                attribute=variable.name if variable else key[1],
            )
            self.reconcile("case_value", mine, value, ("value",), label=label)
        self.ours.flush()

    def merge_codings(self) -> None:
        gone = self.ours_since.removed_guids("coding")
        existing = {(c.segment_id, c.code_id, c.coder_id) for c in _all(self.ours, Coding)}
        for coding in _all(self.theirs, Coding):
            if coding.code_id not in self.codes:
                continue
            if coding.guid in gone:
                self.report.not_restored += 1
                continue
            if self.purged(erasures.guid_key(coding.guid)):
                continue
            segment = self.segment_for(coding.segment_id)
            if segment is None:
                continue
            key = (segment, self.codes[coding.code_id], self.coders[coding.coder_id])
            if key in existing:
                continue
            self.ours.add(
                Coding(
                    segment_id=key[0],
                    code_id=key[1],
                    coder_id=key[2],
                    guid=coding.guid,
                    created_at=coding.created_at,
                )
            )
            existing.add(key)
            self.report.codings_added += 1
        self.ours.flush()
        removed = len(self.theirs_since.removed.get("coding", []))
        if removed:
            self.report.add_note(
                BOTH.ngettext(
                    "{count} coding removed in {source} since the copies parted is kept here"
                    " (remove them here if they should go)",
                    "{count} codings removed in {source} since the copies parted are kept here"
                    " (remove them here if they should go)",
                    removed,
                ).format(count=removed, source=self.report.source)
            )

    def merge_links(self) -> None:
        # Links removed here since the copies parted, by span and place, to leave them out.
        spans = {id_of(s): (s.document_id, s.start, s.end) for s in _all(self.ours, Segment)}
        for image in self.ours_since.removed.get("segment", []):
            spans.setdefault(int(image["id"]), (image["document_id"], image["start"], image["end"]))
        gone = {
            (*spans[int(image["segment_id"])], int(image["place_id"]))
            for image in self.ours_since.removed.get("segment_place", [])
            if int(image["segment_id"]) in spans
        }
        existing = {(sp.segment_id, sp.place_id) for sp in _all(self.ours, SegmentPlace)}
        for link in _all(self.theirs, SegmentPlace):
            if link.place_id not in self.places:
                continue
            segment = self.their_segments.get(link.segment_id)
            if segment is None or segment.document_id not in self.documents:
                continue
            place = self.places[link.place_id]
            span = (self.documents[segment.document_id], segment.start, segment.end)
            if (*span, place) in gone:
                self.report.not_restored += 1
                continue
            ours_segment = self.segment_for(link.segment_id)
            if ours_segment is None or (ours_segment, place) in existing:
                continue
            made, linked = self.ours.get(Segment, ours_segment), self.ours.get(Place, place)
            if made and linked and self.purged(erasures.link_key(made.guid, linked.guid)):
                continue
            self.ours.add(
                SegmentPlace(
                    segment_id=ours_segment,
                    place_id=place,
                    coder_id=self.coders[link.coder_id],
                    created_at=link.created_at,
                )
            )
            existing.add((ours_segment, place))
            self.report.links_added += 1
        self.ours.flush()

    def merge_memos(self) -> None:
        gone = self.ours_since.removed_guids("memo")
        ours = {m.guid: m for m in _all(self.ours, Memo)}
        targets: tuple[tuple[str, dict[int, int] | None], ...] = (
            ("document_id", self.documents),
            ("code_id", self.codes),
            ("case_id", self.cases),
            ("place_id", self.places),
            ("segment_id", None),
        )
        for memo in _all(self.theirs, Memo):
            mine = ours.get(memo.guid)
            if mine is None and self.purged(erasures.guid_key(memo.guid)):
                continue
            if mine is not None:
                if mine.text == memo.text or self.pinned("memo", mine.guid, "text"):
                    continue  # (pinned: rewritten here and purged; theirs may be the old text)
                they = self.theirs_since.touched("memo", id_of(memo), "text")
                we = self.ours_since.touched("memo", id_of(mine), "text")
                if we and not they:
                    continue
                if they and not we:
                    mine.text = memo.text
                    mine.updated_at = memo.updated_at
                    self.ours.add(mine)
                    self.report.memos_changed += 1
                    continue
                self.conflict(
                    BOTH._(
                        "memo {number}: its text differs in the two copies; both are kept"
                        " (theirs as a memo of its own on the same target)"
                    ).format(number=mine.id)
                )
            elif memo.guid in gone:
                self.report.not_restored += 1
                continue
            where: dict[str, int | None] = {}
            lost = False
            for column, mapping in targets:
                value = getattr(memo, column)
                if value is None:
                    where[column] = None
                elif mapping is None:
                    where[column] = self.segment_for(value)
                    lost = lost or where[column] is None
                else:
                    where[column] = mapping.get(value)
                    lost = lost or where[column] is None
            if lost:
                self.report.add_note(
                    BOTH._("a memo of {source} on something not brought in was left out").format(
                        source=self.report.source
                    )
                )
                continue
            self.ours.add(
                Memo(
                    text=memo.text,
                    guid=memo.guid if mine is None else new_guid(),
                    created_at=memo.created_at,
                    updated_at=memo.updated_at if mine is None else utcnow(),
                    coder_id=self.coders[memo.coder_id],
                    **where,
                )
            )
            self.report.memos_added += 1
        self.ours.flush()

    def merge_pseudonyms(self) -> None:
        ours = {p.real: p for p in _all(self.ours, Pseudonym)}
        for entry in _all(self.theirs, Pseudonym):
            mine = ours.get(entry.real)
            if mine is None and self.purged(erasures.pseudonym_key(entry.real)):
                continue
            if mine is None:
                self.ours.add(
                    Pseudonym(
                        real=entry.real,
                        pseudonym=entry.pseudonym,
                        kind=entry.kind,
                        variants=entry.variants,
                        created_at=entry.created_at,
                    )
                )
                self.report.pseudonyms_added += 1
            else:
                self.reconcile(
                    "pseudonym",
                    mine,
                    entry,
                    ("pseudonym", "kind", "variants"),
                    label=BOTH._("pseudonym of {name}").format(name=repr(entry.real)),
                )
        self.ours.flush()

    def index_new_documents(self) -> None:
        if self.new_documents:
            from workbench.text.lemmas import ensure_index

            ensure_index(self.ours, self.new_documents)


class _Unmapped:
    """A value of theirs that has no counterpart here (a parent code not brought in)."""


_UNMAPPED = _Unmapped()


def merge_copy(ours: Session, theirs: Session, *, source: str) -> MergeReport:
    """Bring the copy read through ``theirs`` into the project of ``ours`` (a write session,
    in the caller's transaction); see the module for the rules."""
    report = MergeReport(source=source)
    _Merge(ours, theirs, report).run()
    return report

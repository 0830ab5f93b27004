"""Inter-coder agreement between two coders, at the character level.

Definitions (the ``agreement`` command and :func:`agreement` compute exactly these):

- **Units.** Every character (Unicode code point) of every document in which *both* coders
  have at least one coding, of any code (after the optional ``documents`` filter; the
  optional ``codes`` filter does not change which documents count). N is the total number of
  characters of those documents; every code is judged over the same N units.
- **Yes and no.** For a code K and a coder X, a character is *yes* when it lies inside a
  segment that carries a coding of K made by X (``Coding.coder_id``; one segment can carry
  the same code from both coders), and *no* otherwise. With ``rollup``, a coding of a
  descendant of K counts as a coding of K.
- **Codes.** Those for which at least one of the two coders has a *yes* character in the
  units (with ``rollup`` this includes the ancestors of the codes used), by name; or exactly
  the codes given in ``codes``, in the order given.
- **Per code**, a 2x2 table over the N units: ``both_yes``, ``a_only`` (coder A yes, B no),
  ``b_only``, ``both_no``. From it:

  * percentage agreement = 100 * (both_yes + both_no) / N;
  * Cohen's kappa = (Po - Pe) / (1 - Pe), Po = (both_yes + both_no) / N,
    Pe = pA(yes) * pB(yes) + pA(no) * pB(no), with each coder's own marginals
    (pA(yes) = (both_yes + a_only) / N, pB(yes) = (both_yes + b_only) / N);
  * Krippendorff's alpha (nominal data, two coders, no missing values) = 1 - Do / De from
    the coincidence matrix: each unit gives the ordered pairs (a, b) and (b, a), so
    o(yes,yes) = 2 * both_yes, o(no,no) = 2 * both_no, o(yes,no) = o(no,yes) =
    a_only + b_only; the totals are n(yes) = 2 * both_yes + a_only + b_only,
    n(no) = 2 * both_no + a_only + b_only and n = 2N pairable values.
    Do = (o(yes,no) + o(no,yes)) / n and De = 2 * n(yes) * n(no) / (n * (n - 1)), hence
    alpha = 1 - (n - 1) * (a_only + b_only) / (n(yes) * n(no)).

  When Pe = 1 (equivalently De = 0: both coders say *no* everywhere, or *yes* everywhere)
  kappa and alpha are undefined and are ``None``, never a made-up 1.0; with N = 0 the
  percentage is ``None`` too.
- **Overall** (``overall``): the 2x2 tables of all reported codes summed (pooled: a unit is a
  pair of a character and a code, N times the number of codes), then the same three
  formulas. ``mean_kappa`` and ``mean_alpha`` are the plain means of the defined per-code
  values (``None`` when no code has one).
- **Disagreements**: per document and per code, the maximal runs of characters in which one
  coder says *yes* and the other *no*, with the coder who said yes (``coded_by``). A run
  where A alone says yes that touches a run where B alone says yes are two passages; nothing
  is merged across codes. Ordered by document name, start, code.

The computation is interval arithmetic: one SQL query loads the two coders' codings in the
documents concerned, and a sweep over the sorted segment boundaries of each document and code
gives the 2x2 tables and the runs, so the cost grows with the number of segments, not of
characters. Document text is only read for the line numbers and excerpts of disagreements.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.coding.lookups import find_code, find_document
from workbench.errors import InvalidValue
from workbench.i18n import N_, _
from workbench.project.coders import find_coder
from workbench.project.models import Code, Coding, Document, Segment, id_col, id_of

#: Characters of a disagreement's text shown in its excerpt.
EXCERPT_LENGTH = 60

#: Most document ids passed as query parameters at once (SQLite's old limit is 999).
_MAX_PARAMETERS = 500


@dataclass
class CodeAgreement:
    """The 2x2 table of one code (or of all codes pooled) and the three measures."""

    code: str | None
    """The code's name; ``None`` for the pooled overall line."""
    units: int
    """Number of units (characters; for the pooled line, character-code pairs)."""
    both_yes: int
    """Units both coders coded."""
    a_only: int
    """Units only the first coder coded."""
    b_only: int
    """Units only the second coder coded."""
    both_no: int
    """Units neither coder coded."""
    percent: float | None
    """Percentage agreement, 0 to 100; ``None`` without units."""
    kappa: float | None
    """Cohen's kappa; ``None`` when undefined (Pe = 1)."""
    alpha: float | None
    """Krippendorff's alpha (nominal); ``None`` when undefined (De = 0)."""

    @classmethod
    def from_counts(
        cls, code: str | None, both_yes: int, a_only: int, b_only: int, both_no: int
    ) -> CodeAgreement:
        """The measures of a 2x2 table (see the module docstring for the formulas)."""
        n_units = both_yes + a_only + b_only + both_no
        if n_units == 0:
            return cls(code, 0, both_yes, a_only, b_only, both_no, None, None, None)
        agree = both_yes + both_no
        percent = 100.0 * agree / n_units
        # Kappa with integer arithmetic: multiply Po and Pe by N * N.
        a_yes, b_yes = both_yes + a_only, both_yes + b_only
        chance = a_yes * b_yes + (n_units - a_yes) * (n_units - b_yes)  # Pe * N^2
        kappa_den = n_units * n_units - chance
        kappa = None if kappa_den == 0 else (n_units * agree - chance) / kappa_den
        # Alpha from the coincidence matrix: n = 2N values, n(yes), n(no).
        n_values = 2 * n_units
        n_yes = a_yes + b_yes
        n_no = n_values - n_yes
        alpha_den = n_yes * n_no
        disagree = a_only + b_only
        alpha = None if alpha_den == 0 else (alpha_den - (n_values - 1) * disagree) / alpha_den
        return cls(code, n_units, both_yes, a_only, b_only, both_no, percent, kappa, alpha)

    @property
    def note(self) -> str | None:
        """Why kappa and alpha are undefined, or ``None`` when they are defined: in English
        (``--json`` shows it so); translate it with ``_()`` where it is shown."""
        if self.units == 0:
            return N_("no units: no document is coded by both coders")
        if self.kappa is not None:
            return None
        if self.both_no == self.units:
            return N_("neither coder used the code in these documents")
        return N_("both coders coded every character")

    def to_dict(self) -> dict[str, object]:
        """A JSON object with the table, the measures and ``note``."""
        return {**asdict(self), "note": self.note}


@dataclass
class Disagreement:
    """A maximal run of characters of one document where one coder gave a code, the other not."""

    document: str
    """The document name."""
    code: str
    """The code one coder gave and the other did not."""
    start: int
    """Start offset (code points, zero-based)."""
    end: int
    """End offset (exclusive)."""
    line_start: int
    """1-based line of the first character."""
    line_end: int
    """1-based line of the last character."""
    coded_by: str
    """The coder who coded the run."""
    not_coded_by: str
    """The coder who did not."""
    excerpt: str
    """The run's text, white space collapsed, cut at :data:`EXCERPT_LENGTH` characters."""

    def to_dict(self) -> dict[str, object]:
        """A JSON object with the fields above."""
        return asdict(self)


@dataclass
class AgreementReport:
    """Agreement between two coders: per code, pooled, and the passages they disagree on."""

    coders: tuple[str, str]
    """The two coders (A, B) by name."""
    rollup: bool
    """Whether codings of descendants counted for their ancestors."""
    documents: list[str]
    """Names of the documents both coders coded (the units), sorted."""
    units: int
    """Characters in those documents: the units of every per-code table."""
    per_code: list[CodeAgreement] = field(default_factory=list)
    """One table per code."""
    overall: CodeAgreement = field(
        default_factory=lambda: CodeAgreement.from_counts(None, 0, 0, 0, 0)
    )
    """The per-code tables summed, with the measures of that pooled table."""
    mean_kappa: float | None = None
    """Mean of the defined per-code kappas."""
    mean_alpha: float | None = None
    """Mean of the defined per-code alphas."""
    disagreements: list[Disagreement] = field(default_factory=list)
    """The passages where the coders disagree, by document, start and code (the first
    ``max_disagreements`` of them when :func:`agreement` was given a limit)."""
    disagreements_total: int = 0
    """How many such passages there are in all."""
    skipped_documents: list[str] = field(default_factory=list)
    """Documents named in the ``documents`` filter that are not coded by both coders."""

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` document."""
        return {
            "coders": list(self.coders),
            "rollup": self.rollup,
            "documents": self.documents,
            "skipped_documents": self.skipped_documents,
            "units": self.units,
            "per_code": [row.to_dict() for row in self.per_code],
            "overall": self.overall.to_dict(),
            "mean_kappa": self.mean_kappa,
            "mean_alpha": self.mean_alpha,
            "disagreements_total": self.disagreements_total,
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


def _sweep(
    a_spans: Iterable[tuple[int, int]], b_spans: Iterable[tuple[int, int]]
) -> tuple[int, int, int, list[tuple[int, int, bool]]]:
    """Both-yes, A-only and B-only lengths of two sets of spans, and the disagreement runs
    as (start, end, a_said_yes). Spans of one coder may overlap; they count once."""
    events: list[tuple[int, int, int]] = []
    for start, end in a_spans:
        events += ((start, 1, 0), (end, -1, 0))
    for start, end in b_spans:
        events += ((start, 0, 1), (end, 0, -1))
    events.sort()
    both = a_only = b_only = 0
    runs: list[tuple[int, int, bool]] = []
    depth_a = depth_b = 0
    run_start = 0
    run_state: tuple[bool, bool] = (False, False)
    index = 0
    while index < len(events):
        position = events[index][0]
        while index < len(events) and events[index][0] == position:
            depth_a += events[index][1]
            depth_b += events[index][2]
            index += 1
        state = (depth_a > 0, depth_b > 0)
        if state == run_state:
            continue
        # The run of ``run_state`` covers run_start..position.
        length = position - run_start
        if run_state == (True, True):
            both += length
        elif run_state == (True, False):
            a_only += length
            runs.append((run_start, position, True))
        elif run_state == (False, True):
            b_only += length
            runs.append((run_start, position, False))
        run_start, run_state = position, state
    return both, a_only, b_only, runs


def _excerpt(text: str, start: int, end: int) -> str:
    """The start of ``text[start:end]``, white space collapsed, reading only a window of it."""
    window_end = min(end, start + 4 * EXCERPT_LENGTH)
    flat = " ".join(text[start:window_end].split())
    if len(flat) <= EXCERPT_LENGTH and window_end == end:
        return flat
    return flat[: EXCERPT_LENGTH - 1].rstrip() + "…"


def agreement(
    session: Session,
    coder_a: str,
    coder_b: str,
    *,
    codes: list[str] | None = None,
    documents: list[str] | None = None,
    rollup: bool = False,
    max_disagreements: int | None = None,
) -> AgreementReport:
    """Character-level agreement of ``coder_a`` and ``coder_b`` (see the module docstring).

    Raises :class:`NotFound` for an unknown coder, code or document and
    :class:`InvalidValue` when both names are the same coder. With no document coded by both,
    the report is empty (no units, no codes, measures ``None``). ``max_disagreements``
    describes only the first so many disagreement passages (``disagreements_total`` still
    counts them all), so that documents are only read for the passages shown.
    """
    first, second = find_coder(session, coder_a), find_coder(session, coder_b)
    if first.id == second.id:
        raise InvalidValue(
            _("give two different coders, not {coder} twice").format(coder=repr(first.name))
        )
    a_id, b_id = first.id, second.id
    wanted_codes = list(dict.fromkeys(id_of(find_code(session, name)) for name in codes or []))
    found_docs = [find_document(session, name) for name in documents or []]
    wanted_docs = list(dict.fromkeys(id_of(doc) for doc in found_docs))
    wanted_names = {id_of(doc): doc.name for doc in found_docs}

    both_coded = (
        select(Segment.document_id)
        .join(Coding, col(Coding.segment_id) == Segment.id)
        .where(col(Coding.coder_id).in_([a_id, b_id]))
        .group_by(col(Segment.document_id))
        .having(sa.func.count(sa.distinct(col(Coding.coder_id))) == 2)
    )
    if documents is not None:
        both_coded = both_coded.where(col(Segment.document_id).in_(wanted_docs))
    both_coded_sq = both_coded.subquery()
    doc_rows = session.exec(
        select(id_col(Document.id), Document.name, sa.func.length(Document.text)).where(
            col(Document.id).in_(select(both_coded_sq.c.document_id))
        )
    ).all()
    lengths = {doc_id: length for doc_id, _, length in doc_rows}
    doc_names = {doc_id: name for doc_id, name, _ in doc_rows}
    report = AgreementReport(
        coders=(first.name, second.name),
        rollup=rollup,
        documents=sorted(doc_names.values()),
        units=sum(lengths.values()),
    )
    if documents is not None:
        used = set(doc_names)
        report.skipped_documents = [
            wanted_names[doc_id] for doc_id in wanted_docs if doc_id not in used
        ]
    if not doc_rows:
        return report

    code_rows = session.exec(select(id_col(Code.id), Code.name, Code.parent_id)).all()
    code_names = {code_id: name for code_id, name, _ in code_rows}
    parents = {code_id: parent for code_id, _, parent in code_rows}

    def counted_as(code_id: int) -> list[int]:
        if not rollup:
            return [code_id]
        chain: list[int] = []
        current: int | None = code_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        return chain

    keep = set(wanted_codes) if codes is not None else None
    # spans[(document, code)] = (A's spans, B's spans)
    spans: dict[tuple[int, int], tuple[set[tuple[int, int]], set[tuple[int, int]]]] = defaultdict(
        lambda: (set(), set())
    )
    # sqlmodel's select() is typed for up to four columns: five go through sa.select().
    rows = session.execute(
        sa.select(
            col(Segment.document_id),
            col(Segment.start),
            col(Segment.end),
            col(Coding.code_id),
            col(Coding.coder_id),
        )
        .join(Coding, col(Coding.segment_id) == Segment.id)
        .where(
            col(Coding.coder_id).in_([a_id, b_id]),
            col(Segment.document_id).in_(select(both_coded_sq.c.document_id)),
        )
    )
    for doc_id, start, end, code_id, who in rows:
        start, end = max(start, 0), min(end, lengths[doc_id])
        if start >= end:
            continue
        for counted in counted_as(code_id):
            if keep is None or counted in keep:
                spans[doc_id, counted][0 if who == a_id else 1].add((start, end))

    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    runs: list[tuple[int, int, int, int, bool]] = []  # document, code, start, end, by A
    for (doc_id, code_id), (a_spans, b_spans) in spans.items():
        both, a_only, b_only, found = _sweep(a_spans, b_spans)
        cell = totals[code_id]
        cell[0] += both
        cell[1] += a_only
        cell[2] += b_only
        runs += [(doc_id, code_id, start, end, by_a) for start, end, by_a in found]

    if codes is not None:
        reported = wanted_codes
    else:
        reported = sorted(
            (c for c, cell in totals.items() if any(cell)),
            key=lambda c: (code_names[c].casefold(), code_names[c]),
        )
    n_units = report.units
    for code_id in reported:
        both, a_only, b_only = totals.get(code_id, (0, 0, 0))
        report.per_code.append(
            CodeAgreement.from_counts(
                code_names[code_id], both, a_only, b_only, n_units - both - a_only - b_only
            )
        )
    report.overall = CodeAgreement.from_counts(
        None,
        sum(row.both_yes for row in report.per_code),
        sum(row.a_only for row in report.per_code),
        sum(row.b_only for row in report.per_code),
        sum(row.both_no for row in report.per_code),
    )
    kappas = [row.kappa for row in report.per_code if row.kappa is not None]
    alphas = [row.alpha for row in report.per_code if row.alpha is not None]
    report.mean_kappa = sum(kappas) / len(kappas) if kappas else None
    report.mean_alpha = sum(alphas) / len(alphas) if alphas else None
    folded = {code_id: name.casefold() for code_id, name in code_names.items()}
    runs.sort(key=lambda r: (doc_names[r[0]], r[2], folded[r[1]], r[3]))
    report.disagreements_total = len(runs)
    if max_disagreements is not None:
        runs = runs[: max(max_disagreements, 0)]
    report.disagreements = _describe_runs(
        session, runs, select(both_coded_sq.c.document_id), doc_names, code_names, report.coders
    )
    return report


def _describe_runs(
    session: Session,
    runs: list[tuple[int, int, int, int, bool]],
    document_ids: sa.Select[Any],
    doc_names: dict[int, str],
    code_names: dict[int, str],
    coders: tuple[str, str],
) -> list[Disagreement]:
    """The runs (sorted) with line numbers and excerpts, in the same order. Reads the text of
    each document concerned once, a few documents at a time; ``document_ids`` selects them
    when there are too many to list as parameters."""
    by_document: dict[int, list[int]] = defaultdict(list)
    for index, run in enumerate(runs):
        by_document[run[0]].append(index)
    if not by_document:
        return []
    wanted = sorted(by_document)
    query = select(Document.id, Document.text).execution_options(yield_per=16)
    if len(wanted) <= _MAX_PARAMETERS:
        query = query.where(col(Document.id).in_(wanted))
    else:
        query = query.where(col(Document.id).in_(document_ids))
    out: list[Disagreement | None] = [None] * len(runs)
    for doc_id, text in session.exec(query):
        if doc_id not in by_document:
            continue
        newlines = [match.start() for match in re.finditer("\n", text)]
        for index in by_document[doc_id]:
            _doc, code_id, start, end, by_a = runs[index]
            out[index] = Disagreement(
                document=doc_names[doc_id],
                code=code_names[code_id],
                start=start,
                end=end,
                line_start=bisect.bisect_left(newlines, start) + 1,
                line_end=bisect.bisect_left(newlines, end - 1) + 1,
                coded_by=coders[0] if by_a else coders[1],
                not_coded_by=coders[1] if by_a else coders[0],
                excerpt=_excerpt(text, start, end),
            )
    return [d for d in out if d is not None]

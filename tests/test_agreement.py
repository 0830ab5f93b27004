"""Inter-coder agreement (``workbench.analysis.agreement`` and ``workbench agreement``).

The numbers are checked two ways, neither of them the module's own output: a small example
worked out by hand (the arithmetic is in the comments, the asserts hold literal numbers), and
a property test that compares the module with a brute-force computation, character by
character, written here from the textbook definitions (kappa from Po and Pe, alpha from a
coincidence matrix built unit by unit).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.backends import Template
from tests.conftest import SHIPPED_CODEBOOK, Targets, as_json
from workbench.analysis.agreement import agreement
from workbench.coding import codebook
from workbench.coding import segments as segment_ops
from workbench.errors import InvalidValue, NotFound
from workbench.project import coders, db
from workbench.project.models import Code, Coder, Coding, Document, Segment
from workbench.project.target import ProjectTarget

# The worked example: one document of 20 characters (a newline at offset 9).
#
#   offset  0123456789 0123456789
#   text    abcdefghi\ nklmnopqrst
TEXT = "abcdefghi\nklmnopqrst"


def _document(session: Session, name: str, text: str) -> Document:
    doc = Document(
        name=name,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        char_count=len(text),
    )
    session.add(doc)
    session.flush()
    return doc


@pytest.fixture
def worked(project: db.Project) -> db.Project:
    """The worked example: coders ann and ben on document ``d``, plus distractions."""
    with project.transaction("setup", record=False) as session:
        _document(session, "d", TEXT)
        _document(session, "only-ann", "ann alone coded this one")
        _document(session, "full", "x" * 20)
        ann = coders.ensure(session, "ann").id
        ben = coders.ensure(session, "ben").id
        cas = coders.ensure(session, "cas").id
        assert ann and ben and cas

        def code(doc: str, start: int, end: int, name: str, who: int) -> None:
            segment_ops.code_span(session, doc, start, end, [name], coder_id=who)

        code("d", 2, 12, "welcome", ann)
        code("d", 4, 10, "welcome", ben)
        code("d", 12, 18, "stigma", ann)
        code("d", 15, 20, "stigma", ben)
        code("d", 0, 5, "host role", ann)  # the same segment, coded by both
        code("d", 0, 5, "host role", ben)
        code("d", 0, 20, "routine", cas)  # a third coder: ignored
        code("only-ann", 0, 3, "welcome", ann)  # not coded by ben: not a unit
        code("full", 0, 20, "routine", ann)
        code("full", 0, 20, "routine", ben)
    return project


def test_worked_example_by_hand(worked: db.Project) -> None:
    with worked.session() as session:
        report = agreement(session, "ann", "ben", documents=["d"])
    assert report.documents == ["d"]
    assert report.units == 20
    rows = {row.code: row for row in report.per_code}
    assert list(rows) == ["host role", "stigma", "welcome"]  # by name; routine is cas's only

    # welcome: ann 2..12 (10 chars), ben 4..10 (6 chars).
    #   both yes 4..10 = 6; ann only 2..4 + 10..12 = 4; ben only 0; both no 20-10 = 10.
    #   Po = (6+10)/20 = 0.8;  pA(yes) = 10/20 = 0.5, pB(yes) = 6/20 = 0.3
    #   Pe = 0.5*0.3 + 0.5*0.7 = 0.15 + 0.35 = 0.5
    #   kappa = (0.8-0.5)/(1-0.5) = 0.6
    #   alpha: n = 40 values; coincidences o(y,y) = 12, o(n,n) = 20, o(y,n) = o(n,y) = 4;
    #   n(yes) = 16, n(no) = 24.  Do = 8/40 = 0.2;  De = 2*16*24/(40*39) = 768/1560
    #   alpha = 1 - 0.2*1560/768 = 1 - 312/768 = 1 - 0.40625 = 0.59375
    w = rows["welcome"]
    assert (w.units, w.both_yes, w.a_only, w.b_only, w.both_no) == (20, 6, 4, 0, 10)
    assert w.percent == pytest.approx(80.0)
    assert w.kappa == pytest.approx(0.6)
    assert w.alpha == pytest.approx(0.59375)

    # stigma: ann 12..18 (6), ben 15..20 (5).
    #   both 15..18 = 3; ann only 12..15 = 3; ben only 18..20 = 2; both no 20-8 = 12.
    #   Po = 15/20 = 0.75;  pA(yes) = 0.3, pB(yes) = 0.25
    #   Pe = 0.3*0.25 + 0.7*0.75 = 0.075 + 0.525 = 0.6;  kappa = 0.15/0.4 = 0.375
    #   alpha: n = 40, n(yes) = 6+5 = 11, n(no) = 29, disagreeing units 5
    #   alpha = 1 - 39*5/(11*29) = 1 - 195/319 = 124/319 = 0.388714...
    s = rows["stigma"]
    assert (s.both_yes, s.a_only, s.b_only, s.both_no) == (3, 3, 2, 12)
    assert s.percent == pytest.approx(75.0)
    assert s.kappa == pytest.approx(0.375)
    assert s.alpha == pytest.approx(0.3887147335)

    # host role: both 0..5 on one segment: both 5, both no 15.
    #   Po = 1; Pe = 0.25*0.25 + 0.75*0.75 = 0.625; kappa = 0.375/0.375 = 1
    #   alpha: no disagreeing unit, n(yes) = 10, n(no) = 30: alpha = 1 - 0 = 1
    h = rows["host role"]
    assert (h.both_yes, h.a_only, h.b_only, h.both_no) == (5, 0, 0, 15)
    assert h.kappa == pytest.approx(1.0)
    assert h.alpha == pytest.approx(1.0)

    # pooled over the three codes: both 5+3+6 = 14, ann only 0+3+4 = 7, ben only 0+2+0 = 2,
    # both no 15+12+10 = 37, N = 60.
    #   Po = 51/60 = 0.85;  pA(yes) = 21/60 = 0.35, pB(yes) = 16/60
    #   Pe = 0.35*16/60 + 0.65*44/60 = (5.6 + 28.6)/60 = 0.57
    #   kappa = (0.85-0.57)/(1-0.57) = 0.28/0.43 = 0.651163
    #   alpha: n = 120, n(yes) = 21+16 = 37, n(no) = 83, disagreeing 9
    #   alpha = 1 - 119*9/(37*83) = 1 - 1071/3071 = 2000/3071 = 0.651254
    o = report.overall
    assert (o.units, o.both_yes, o.a_only, o.b_only, o.both_no) == (60, 14, 7, 2, 37)
    assert o.percent == pytest.approx(85.0)
    assert o.kappa == pytest.approx(0.6511627907)
    assert o.alpha == pytest.approx(0.6512536633)
    # means: kappa (1 + 0.6 + 0.375)/3 = 0.658333; alpha (1 + 0.59375 + 0.388715)/3 = 0.660822
    assert report.mean_kappa == pytest.approx(0.6583333333)
    assert report.mean_alpha == pytest.approx(0.6608215778)

    # Disagreements: welcome 2..4 and 10..12 (ann), stigma 12..15 (ann) and 18..20 (ben).
    # Offsets 0-9 are line 1 (the newline at 9 ends it), 10-19 line 2.
    found = [
        (d.document, d.code, d.start, d.end, d.line_start, d.line_end, d.coded_by, d.excerpt)
        for d in report.disagreements
    ]
    assert found == [
        ("d", "welcome", 2, 4, 1, 1, "ann", "cd"),
        ("d", "welcome", 10, 12, 2, 2, "ann", "kl"),
        ("d", "stigma", 12, 15, 2, 2, "ann", "mno"),
        ("d", "stigma", 18, 20, 2, 2, "ben", "st"),
    ]
    assert {d.not_coded_by for d in report.disagreements if d.coded_by == "ann"} == {"ben"}
    assert report.disagreements_total == 4

    with worked.session() as session:
        first_two = agreement(session, "ann", "ben", documents=["d"], max_disagreements=2)
    assert first_two.disagreements == report.disagreements[:2]
    assert first_two.disagreements_total == 4
    assert first_two.per_code == report.per_code


def test_documents_are_those_both_coded(worked: db.Project) -> None:
    with worked.session() as session:
        report = agreement(session, "ann", "ben")
        # cas coded d, ann alone coded only-ann: neither changes the units.
        assert report.documents == ["d", "full"]
        assert report.units == 40
        filtered = agreement(session, "ann", "ben", documents=["d", "only-ann"])
    assert filtered.documents == ["d"]
    assert filtered.skipped_documents == ["only-ann"]


def test_undefined_kappa_and_alpha_are_none(worked: db.Project) -> None:
    with worked.session() as session:
        unused = agreement(session, "ann", "ben", documents=["d"], codes=["welcome", "belonging"])
        everywhere = agreement(session, "ann", "ben", documents=["full"], codes=["routine"])
    rows = {row.code: row for row in unused.per_code}
    assert list(rows) == ["welcome", "belonging"]  # the order given
    belonging = rows["belonging"]
    assert (belonging.both_no, belonging.percent) == (20, pytest.approx(100.0))
    assert belonging.kappa is None and belonging.alpha is None
    assert "neither coder" in (belonging.note or "")
    # The means leave the undefined code out: only welcome's values remain.
    assert unused.mean_kappa == pytest.approx(0.6)
    assert unused.mean_alpha == pytest.approx(0.59375)
    (routine,) = everywhere.per_code
    assert (routine.both_yes, routine.units) == (20, 20)
    assert routine.kappa is None and routine.alpha is None
    assert "every character" in (routine.note or "")
    assert everywhere.overall.kappa is None and everywhere.mean_kappa is None


def test_rollup_counts_subcodes_for_their_parents(worked: db.Project) -> None:
    # stigma and welcome sit under exclusion and being welcome; host role under being welcome.
    with worked.session() as session:
        report = agreement(session, "ann", "ben", documents=["d"], rollup=True)
    rows = {row.code: row for row in report.per_code}
    assert {"exclusion", "being welcome"} <= set(rows)
    assert (rows["exclusion"].both_yes, rows["exclusion"].a_only) == (3, 3)
    # being welcome: ann 0..5 and 2..12 = 0..12 (12), ben 0..5 and 4..10 = 0..10 (10).
    bw = rows["being welcome"]
    assert (bw.both_yes, bw.a_only, bw.b_only, bw.both_no) == (10, 2, 0, 8)


def test_unknown_or_same_coder(worked: db.Project) -> None:
    with worked.session() as session:
        with pytest.raises(NotFound, match='did you mean "ann"'):
            agreement(session, "anne", "ben")
        with pytest.raises(InvalidValue, match="twice"):
            agreement(session, "ann", "ANN")
        with pytest.raises(NotFound, match="no code"):
            agreement(session, "ann", "ben", codes=["no such code"])
        with pytest.raises(NotFound, match="no document"):
            agreement(session, "ann", "ben", documents=["nope"])


def test_no_document_coded_by_both(worked: db.Project, cli) -> None:  # type: ignore[no-untyped-def]
    with worked.session() as session:
        report = agreement(session, "ann", "ben", documents=["only-ann"])
    assert (report.documents, report.units, report.per_code) == ([], 0, [])
    assert report.overall.kappa is None and report.overall.percent is None
    worked.dispose()  # the command line opens the file itself
    result = cli("agreement", worked.target, "--coders", "ann,ben", "--doc", "only-ann")
    assert result.exit_code == 0
    assert "no document is coded by both ann and ben" in result.stdout
    data = as_json(
        cli("agreement", worked.target, "--coders", "ann,ben", "--doc", "only-ann", "--json")
    )
    assert (data["documents"], data["per_code"], data["disagreements"]) == ([], [], [])
    assert data["skipped_documents"] == ["only-ann"]


# --- the property test: the module against a brute force, character by character -------------

CODER_NAMES = ("ann", "ben", "cas")
WHO = ("ann", "ben", "ann", "ben", "cas")  # cas (ignored) less often
CODE_NAMES = ("exclusion", "stigma", "group association", "welcome", "being welcome")


@pytest.fixture(scope="module")
def blank(module_targets: Targets) -> Iterator[db.Project]:
    """A project with the shipped codebook; each example writes in a session rolled back."""
    proj = db.create_project(module_targets.new("p"))
    with proj.transaction("init", record=False) as session:
        codebook.apply_codebook(session, codebook.load_codebook(SHIPPED_CODEBOOK))
    yield proj
    proj.dispose()


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    texts = draw(st.lists(st.text("ab \nxé", min_size=1, max_size=30), min_size=1, max_size=3))
    codings = []
    for _ in range(draw(st.integers(0, 20))):
        doc = draw(st.integers(0, len(texts) - 1))
        start = draw(st.integers(0, len(texts[doc]) - 1))
        end = draw(st.integers(start + 1, len(texts[doc])))
        codings.append(
            (doc, start, end, draw(st.sampled_from(CODE_NAMES)), draw(st.sampled_from(WHO)))
        )
    names = [f"doc{i}" for i in range(len(texts))]
    return {
        "texts": texts,
        "codings": codings,
        "rollup": draw(st.booleans()),
        "codes": draw(st.none() | st.lists(st.sampled_from(CODE_NAMES), min_size=1, unique=True)),
        "documents": draw(st.none() | st.lists(st.sampled_from(names), min_size=1, unique=True)),
    }


def _brute_alpha(pairs: list[tuple[bool, bool]]) -> float | None:
    """Krippendorff's alpha (nominal) from a coincidence matrix built unit by unit."""
    o: dict[tuple[bool, bool], float] = defaultdict(float)
    for a, b in pairs:  # two values per unit: each ordered pair counts 1/(m-1) = 1
        o[a, b] += 1
        o[b, a] += 1
    values = (False, True)
    n_c = {c: sum(o[c, k] for k in values) for c in values}
    n = sum(n_c.values())
    observed = sum(o[c, k] for c in values for k in values if c != k) / n
    expected = sum(n_c[c] * n_c[k] for c in values for k in values if c != k) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


def _brute_kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return None if abs(1 - pe) < 1e-12 else (po - pe) / (1 - pe)


def _approx(value: float | None) -> object:
    return None if value is None else pytest.approx(value, abs=1e-9)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=scenarios())
def test_matches_brute_force(blank: db.Project, case: dict) -> None:  # type: ignore[type-arg]
    texts: list[str] = case["texts"]
    names = [f"doc{i}" for i in range(len(texts))]
    codings = case["codings"]
    rollup = case["rollup"]
    with Session(blank.engine) as session:
        try:
            all_codes = session.exec(select(Code)).all()
            parent = {c.name: c.parent_id for c in all_codes}  # name -> parent id
            by_id = {c.id: c.name for c in all_codes}
            code_id = {name: cid for cid, name in by_id.items()}
            coder_id = {}
            for name in CODER_NAMES:
                coder = Coder(name=name)
                session.add(coder)
                session.flush()
                coder_id[name] = coder.id
            docs = [_document(session, name, text) for name, text in zip(names, texts, strict=True)]
            segments: dict[tuple[int, int, int], Segment] = {}
            done = set()
            for doc, start, end, code, who in codings:
                key = (doc, start, end)
                if key not in segments:
                    segments[key] = Segment(
                        document_id=docs[doc].id, start=start, end=end, coder_id=coder_id[who]
                    )
                    session.add(segments[key])
                    session.flush()
                if (key, code, who) not in done:
                    done.add((key, code, who))
                    session.add(
                        Coding(
                            segment_id=segments[key].id,
                            code_id=code_id[code],
                            coder_id=coder_id[who],
                        )
                    )
            session.flush()
            report = agreement(
                session,
                "ann",
                "ben",
                codes=case["codes"],
                documents=case["documents"],
                rollup=rollup,
            )
        finally:
            session.rollback()

    def ancestors(name: str) -> set[str]:
        out = {name}
        current = parent[name]
        while rollup and current is not None:
            out.add(by_id[current])
            current = parent[by_id[current]]
        return out

    allowed = set(case["documents"] or names)
    unit_docs = [
        i
        for i in range(len(texts))
        if names[i] in allowed
        and all(any(c[0] == i and c[4] == who for c in codings) for who in ("ann", "ben"))
    ]
    # yes[(doc, code, coder)] = a list of booleans, one per character
    yes: dict[tuple[int, str, str], list[bool]] = {}
    for doc in unit_docs:
        for doc_, start, end, code, who in codings:
            if doc_ != doc or who == "cas":
                continue
            for counted in ancestors(code):
                flags = yes.setdefault((doc, counted, who), [False] * len(texts[doc]))
                for i in range(start, end):
                    flags[i] = True
    if case["codes"] is not None:
        reported = list(case["codes"])
    else:
        used = {code for (_, code, _), flags in yes.items() if any(flags)}
        reported = sorted(used, key=lambda c: (c.casefold(), c))

    assert report.documents == sorted(names[i] for i in unit_docs)
    assert report.units == sum(len(texts[i]) for i in unit_docs)
    assert [row.code for row in report.per_code] == (reported if unit_docs else [])
    pooled: list[tuple[bool, bool]] = []
    runs = []
    for row in report.per_code:
        pairs = []
        for doc in unit_docs:
            blank_flags = [False] * len(texts[doc])
            a = yes.get((doc, row.code, "ann"), blank_flags)
            b = yes.get((doc, row.code, "ben"), blank_flags)
            pairs += list(zip(a, b, strict=True))
            i = 0
            while i < len(a):  # maximal runs of one state where the coders differ
                j = i
                while j < len(a) and (a[j], b[j]) == (a[i], b[i]):
                    j += 1
                if a[i] != b[i]:
                    runs.append((names[doc], row.code, i, j, "ann" if a[i] else "ben", texts[doc]))
                i = j
        pooled += pairs
        table = (
            sum(a and b for a, b in pairs),
            sum(a and not b for a, b in pairs),
            sum(b and not a for a, b in pairs),
            sum(not a and not b for a, b in pairs),
        )
        assert (row.both_yes, row.a_only, row.b_only, row.both_no) == table, row.code
        assert row.units == len(pairs)
        assert row.percent == pytest.approx(100 * (table[0] + table[3]) / len(pairs))
        assert row.kappa == _approx(_brute_kappa(pairs))
        assert row.alpha == _approx(_brute_alpha(pairs))
    if pooled:
        assert report.overall.units == len(pooled)
        assert report.overall.kappa == _approx(_brute_kappa(pooled))
        assert report.overall.alpha == _approx(_brute_alpha(pooled))
    defined = [row.kappa for row in report.per_code if row.kappa is not None]
    assert report.mean_kappa == _approx(sum(defined) / len(defined) if defined else None)

    event(f"{len(unit_docs)} document(s) coded by both")
    event("with disagreements" if runs else "no disagreements")
    runs.sort(key=lambda r: (r[0], r[2], r[1].casefold(), r[3]))
    assert report.disagreements_total == len(runs)
    assert [(d.document, d.code, d.start, d.end, d.coded_by) for d in report.disagreements] == [
        r[:5] for r in runs
    ]
    for d, (_, _, start, end, _, text) in zip(report.disagreements, runs, strict=True):
        assert d.line_start == text[:start].count("\n") + 1
        assert d.line_end == text[: end - 1].count("\n") + 1
        assert d.excerpt.rstrip("…") in " ".join(text[start:end].split())


# --- the command line on the demo project ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(module_targets: Targets, demo_template: Template) -> ProjectTarget:
    return module_targets.copy(demo_template, "demo")


def test_cli_on_the_demo(demo: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    data = as_json(cli("agreement", demo, "--coders", "anouk,bram", "--json"))
    assert set(data) == {
        "coders",
        "rollup",
        "documents",
        "skipped_documents",
        "units",
        "per_code",
        "overall",
        "mean_kappa",
        "mean_alpha",
        "disagreements_total",
        "disagreements",
    }
    assert data["coders"] == ["anouk", "bram"]
    # The documents both coded, found here with the ORM: interviews 1 and 3.
    project = db.open_project(demo)
    try:
        with project.session() as session:
            coded: dict[str, set[str]] = defaultdict(set)
            for doc, who in session.exec(
                select(Document.name, Coder.name)
                .join(Segment, Segment.document_id == Document.id)
                .join(Coding, Coding.segment_id == Segment.id)
                .join(Coder, Coder.id == Coding.coder_id)
            ):
                coded[doc].add(who)
            both = sorted(doc for doc, who in coded.items() if {"anouk", "bram"} <= who)
            lengths = {d.name: len(d.text) for d in session.exec(select(Document))}
    finally:
        project.dispose()
    assert data["documents"] == both and len(both) == 2
    assert data["units"] == sum(lengths[d] for d in both)
    assert data["per_code"], "the demo's coders used codes"
    for row in [*data["per_code"], data["overall"]]:
        cells = row["both_yes"] + row["a_only"] + row["b_only"] + row["both_no"]
        assert cells == row["units"]
        assert 0 <= row["percent"] <= 100
        for key in ("kappa", "alpha"):
            assert row[key] is None or -1 <= row[key] <= 1
    assert data["overall"]["units"] == data["units"] * len(data["per_code"])
    # Both coded some of the same spans with the same codes: perfect codes exist, and
    # disagreements too.
    assert any(row["kappa"] == 1 for row in data["per_code"])
    assert any(row["kappa"] is not None and row["kappa"] < 1 for row in data["per_code"])
    assert data["disagreements_total"] == len(data["disagreements"]) > 0
    for d in data["disagreements"]:
        assert d["document"] in both and d["coded_by"] in ("anouk", "bram")
        assert d["coded_by"] != d["not_coded_by"]
        assert 0 <= d["start"] < d["end"] <= lengths[d["document"]]
        assert 1 <= d["line_start"] <= d["line_end"]

    limited = as_json(
        cli("agreement", demo, "--coders", "anouk,bram", "--json", "--disagreements", "2")
    )
    assert len(limited["disagreements"]) == 2
    assert limited["disagreements_total"] == data["disagreements_total"]

    text = cli("agreement", demo, "--coders", "anouk,bram").stdout
    assert "overall (pooled)" in text and "mean of codes" in text
    assert f"disagreements: 10 of {data['disagreements_total']}" in text
    first = data["disagreements"][0]
    assert f"{first['document']}:{first['line_start']}" in text


def test_cli_errors(demo: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("agreement", demo, "--coders", "anouk,bran", ok=False)
    assert result.exit_code != 0
    assert 'no coder called "bran"; did you mean "bram"?' in result.stderr
    assert result.stdout == ""
    result = cli("agreement", demo, "--coders", "anouk", ok=False)
    assert result.exit_code != 0 and "two names" in result.stderr
    result = cli("agreement", demo, "--coders", "anouk,anouk", "--json", ok=False)
    assert result.exit_code != 0 and result.stdout == ""

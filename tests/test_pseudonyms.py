"""Pseudonyms: whole-word, case-preserving replacement; the leftover check; the project's table
through the command line (undoable, all or nothing); table files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Targets, as_json, dump_file
from workbench.analysis.fragments import Fragment
from workbench.errors import Conflict, InputError, InvalidValue
from workbench.exchange import pseudonyms
from workbench.exchange.pseudonyms import PseudonymTable, make_entry


@pytest.fixture
def names() -> PseudonymTable:
    return PseudonymTable(
        [
            make_entry("Els", "Anna"),
            make_entry("Jan de Vries", "Piet Bos", variants=["J. de Vries"]),
            make_entry("Jan", "Kees"),
            make_entry("Gerda", "Marja", variants=["Gerdaatje", "Gerdie"]),
            make_entry("De Klup", "Het Honk", kind="place"),
            make_entry("Lindenholt", "Westwijk", kind="place"),
            make_entry("Café 't Hoekje", "Café De Hoek", kind="place"),
        ]
    )


# --- replacing -------------------------------------------------------------------------------


def test_a_name_capitalised_lower_case_upper_case_possessive_and_inside_words(
    names: PseudonymTable,
) -> None:
    text = (
        "Els zei het al. Toen kwam els binnen. ELS! Els's fiets, Els' huis, Els z'n jas, "
        "Els\u2019s tas. Maar Elsa, Elsje, kelsey en hELSinki blijven."
    )
    assert names.apply(text) == (
        "Anna zei het al. Toen kwam anna binnen. ANNA! Anna's fiets, Anna' huis, Anna z'n jas, "
        "Anna\u2019s tas. Maar Elsa, Elsje, kelsey en hELSinki blijven."
    )


def test_longest_name_first_variants_and_separators(names: PseudonymTable) -> None:
    text = (
        "Jan de Vries en Jan zijn buren. J. de Vries tekende. Jan  de\nVries, Jan-de-Vries, "
        "JAN DE VRIES, jan de vries. Gerdaatje en Gerdie en Gerda. Janssen blijft."
    )
    assert names.apply(text) == (
        "Piet Bos en Kees zijn buren. Piet Bos tekende. Piet Bos, Piet Bos, "
        "PIET BOS, piet bos. Marja en Marja en Marja. Janssen blijft."
    )


def test_place_names_and_case_of_the_first_letter() -> None:
    table = PseudonymTable([make_entry("van Dijk", "de Boer"), make_entry("De Klup", "Het Honk")])
    assert table.apply("Van Dijk zei tegen van Dijk: in de klup, De Klup!") == (
        "De Boer zei tegen de Boer: in het honk, Het Honk!"
    )


def test_unicode_word_boundaries() -> None:
    table = PseudonymTable([make_entry("José", "Luis"), make_entry("Zoë", "Mia")])
    assert table.apply("José en Josétje; Zoë, Zoëtje, ZOË") == "Luis en Josétje; Mia, Zoëtje, MIA"


def test_no_chains_a_pseudonym_is_not_replaced_again() -> None:
    table = PseudonymTable([make_entry("Els", "Anna"), make_entry("Anneke", "Els-Marie")])
    # single pass: Anneke -> Els-Marie, and that Els is not turned into Anna
    assert table.apply("Els en Anneke") == "Anna en Els-Marie"


# --- the leftover check ----------------------------------------------------------------------


def test_leftovers_report_spellings_outside_the_table(names: PseudonymTable) -> None:
    text = names.apply("Éls kwam, en Jans fiets stond bij Cafe \u2019t  Hoekje. Els ging.")
    assert text == "Éls kwam, en Jans fiets stond bij Cafe \u2019t  Hoekje. Anna ging."
    found = names.leftovers(text, "segment 3 text")
    assert [(f.name, f.found, f.possessive) for f in found] == [
        ("Els", "Éls", False),
        ("Jan", "Jans", True),
        ("Café 't Hoekje", "Cafe \u2019t  Hoekje", False),
    ]
    assert all(f.where == "segment 3 text" for f in found)
    assert "'Éls'" in str(found[0]) and "segment 3 text" in str(found[0])


def test_no_leftovers_after_a_clean_replacement(names: PseudonymTable) -> None:
    text = "Els en Jan de Vries in De Klup, Lindenholt, de\u00a0klup, Café ’t Hoekje. Gerdie ook."
    assert names.leftovers(text)  # before: every name is there
    assert names.leftovers(names.apply(text)) == []


def test_a_pseudonym_containing_a_real_name_is_not_a_leftover() -> None:
    table = PseudonymTable([make_entry("Jan", "Jan-Willem"), make_entry("Piet", "Karel")])
    out = table.apply("Jan en Piet")
    assert out == "Jan-Willem en Karel"
    assert table.leftovers(out) == []
    assert [f.found for f in table.leftovers(out + " en ook Jan")] == ["Jan"]


def test_fragments_are_pseudonymised_in_every_field(names: PseudonymTable) -> None:
    fragment = Fragment(
        segment=7,
        document="interview Els",
        case="Els",
        start=0,
        end=10,
        line_start=1,
        line_end=1,
        speaker="Gerda",
        text="Els gaat naar De Klup.",
        codes=["welcome"],
        places=["Lindenholt", "De Klup"],
        memo="Gerda zegt dat Jan de Vries er was.",
    )
    before = names.check_fragments([fragment])
    assert {f.where for f in before} == {
        "segment 7 text",
        "segment 7 document",
        "segment 7 case",
        "segment 7 speaker",
        "segment 7 memo",
        "segment 7 place",
    }
    done = names.fragment(fragment)
    assert (done.document, done.case, done.speaker) == ("interview Anna", "Anna", "Marja")
    assert done.text == "Anna gaat naar Het Honk."
    assert done.places == ["Het Honk", "Westwijk"]
    assert done.memo == "Marja zegt dat Piet Bos er was."
    assert names.check_fragments([done]) == []
    assert fragment.text == "Els gaat naar De Klup."  # the original is untouched


# --- the rules of a table --------------------------------------------------------------------


def test_a_table_refuses_ambiguous_entries() -> None:
    with pytest.raises(Conflict, match="listed for both"):
        PseudonymTable([make_entry("Els", "Anna", variants=["Elsje"]), make_entry("Elsje", "B")])
    with pytest.raises(Conflict, match="itself a listed name"):
        PseudonymTable([make_entry("Els", "Anna"), make_entry("Anna", "Mia")])
    with pytest.raises(InvalidValue, match="is the name itself"):
        make_entry("Els", "els")
    with pytest.raises(InvalidValue, match="kind"):
        make_entry("Els", "Anna", kind="pet")
    with pytest.raises(InvalidValue, match="letter"):
        make_entry("  ", "Anna")


def test_table_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "names.csv"
    csv_file.write_text(
        "real,pseudonym,kind,variants\nEls,Anna,person,Elsje;Elske\nDe Klup,Het Honk,place,\n",
        encoding="utf-8",
    )
    assert pseudonyms.read_file(csv_file) == [
        make_entry("Els", "Anna", "person", ["Elsje", "Elske"]),
        make_entry("De Klup", "Het Honk", "place"),
    ]
    yaml_file = tmp_path / "names.yaml"
    yaml_file.write_text(
        "- real: Els\n  pseudonym: Anna\n  variants: [Elsje]\n"
        "- {real: De Klup, pseudonym: Het Honk, kind: place}\n",
        encoding="utf-8",
    )
    assert [e.to_dict() for e in pseudonyms.read_file(yaml_file)] == [
        {"real": "Els", "pseudonym": "Anna", "kind": "person", "variants": ["Elsje"]},
        {"real": "De Klup", "pseudonym": "Het Honk", "kind": "place", "variants": []},
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.csv", b"naam,schuilnaam\nEls,Anna\n", "real,pseudonym"),
        ("b.csv", b"real,pseudonym\nEls,\n", "line 2"),
        ("c.yaml", b"- real: Els\n  pseudonym: [\n", "invalid YAML"),
        ("d.csv", b"real,pseudonym\n\xff\xfe,x\n", "not UTF-8"),
        ("e.txt", b"Els,Anna\n", ".csv or .yaml"),
        ("f.csv", b"real,pseudonym\nEls,Anna\nAnna,Mia\n", "itself a listed name"),
        ("g.yaml", b"", "expected a list"),
    ],
)
def test_bad_table_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason) as caught:
        pseudonyms.read_file(path)
    assert str(path) in str(caught.value)


# --- the project's table through the command line --------------------------------------------


@pytest.fixture
def study(tmp_path: Path, cli, targets: Targets) -> Path:  # type: ignore[no-untyped-def]
    path = targets.new("study")
    cli("init", path, "--language", "nl")
    return path


def test_pseudonym_commands_and_undo(study: Path, cli) -> None:  # type: ignore[no-untyped-def]
    added = as_json(cli("pseudonym", "add", study, "Els", "Anna", "--variant", "Elsje", "--json"))
    assert added == {"real": "Els", "pseudonym": "Anna", "kind": "person", "variants": ["Elsje"]}
    cli("pseudonym", "add", study, "De Klup", "Het Honk", "--kind", "place")
    listed = as_json(cli("pseudonym", "list", study, "--json"))
    assert [(e["real"], e["pseudonym"], e["kind"]) for e in listed] == [
        ("De Klup", "Het Honk", "place"),
        ("Els", "Anna", "person"),
    ]
    cli("undo", study)
    assert [e["real"] for e in as_json(cli("pseudonym", "list", study, "--json"))] == ["Els"]
    cli("redo", study)
    cli("pseudonym", "remove", study, "Els")
    assert [e["real"] for e in as_json(cli("pseudonym", "list", study, "--json"))] == ["De Klup"]
    cli("undo", study)
    assert len(as_json(cli("pseudonym", "list", study, "--json"))) == 2


def test_refused_changes_leave_the_table_unchanged(study: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("pseudonym", "add", study, "Els", "Anna")
    before = dump_file(study)
    result = cli("pseudonym", "add", study, "Els", "Mia", ok=False)
    assert result.exit_code != 0 and "already has the pseudonym" in result.stderr
    result = cli("pseudonym", "add", study, "Mia", "Els", ok=False)
    assert "itself a listed name" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("real,pseudonym\nJan,Kees\nKees,Anna\n", encoding="utf-8")
    result = cli("pseudonym", "load", study, bad, ok=False)
    assert str(bad) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    clash = tmp_path / "clash.csv"
    clash.write_text("real,pseudonym\nJan,Kees\nPiet,Els\n", encoding="utf-8")
    result = cli("pseudonym", "load", study, clash, ok=False)
    assert "itself a listed name" in result.stderr
    assert dump_file(study) == before
    cli("pseudonym", "add", study, "Els", "Mia", "--replace")
    assert as_json(cli("pseudonym", "list", study, "--json"))[0]["pseudonym"] == "Mia"


def test_load_adds_or_replaces(study: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("pseudonym", "add", study, "Els", "Anna")
    cli("pseudonym", "add", study, "Gerda", "Marja")
    file = tmp_path / "names.csv"
    file.write_text("real,pseudonym,kind,variants\nEls,Mia,person,Elsje\nJan,Kees,,\n", "utf-8")
    assert as_json(cli("pseudonym", "load", study, file, "--json")) == {
        "loaded": 2,
        "total": 3,
        "replaced": False,
    }
    rows = {e["real"]: e for e in as_json(cli("pseudonym", "list", study, "--json"))}
    assert {k: v["pseudonym"] for k, v in rows.items()} == {
        "Els": "Mia",
        "Gerda": "Marja",
        "Jan": "Kees",
    }
    assert rows["Els"]["variants"] == ["Elsje"]
    cli("pseudonym", "load", study, file, "--replace")
    assert [e["real"] for e in as_json(cli("pseudonym", "list", study, "--json"))] == [
        "Els",
        "Jan",
    ]
    cli("undo", study)  # one change: the table as it was before the load
    assert [e["real"] for e in as_json(cli("pseudonym", "list", study, "--json"))] == [
        "Els",
        "Gerda",
        "Jan",
    ]

"""CSV injection: every CSV the workbench writes escapes text cells a spreadsheet would run as
a formula (a leading ``'``), and leaves numbers and harmless text alone. Checked on the helper,
on :func:`workbench.exchange.publish.render_csv`, and end to end on ``fragments --format csv``,
``cooccur --csv`` and ``matrix --csv`` with names and texts that start with ``=+-@``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import Targets, as_json
from workbench.analysis.fragments import Fragment
from workbench.exchange import csvsafe, publish

#: Text a spreadsheet runs (or would, after the first character) as a formula.
DANGEROUS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
HARMLESS = ["", "welcome", "De Klup", "a=b", "1-2", " =1", "'=already", "(R01; l. 3)"]


def expected(text: str) -> str:
    """The escaped form, written out independently of the helper."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_text_gets_a_leading_quote(text: str) -> None:
    assert csvsafe.safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_unchanged(text: str) -> None:
    assert csvsafe.safe_cell(text) == text


def test_numbers_stay_numbers() -> None:
    buffer = io.StringIO()
    csvsafe.writer(buffer, lineterminator="\n").writerow([-3, -0.5, 0, 2.25, None, "-3"])
    assert buffer.getvalue() == "-3,-0.5,0,2.25,,'-3\n"


def test_render_csv_escapes_every_text_cell() -> None:
    frag = Fragment(
        segment=7,
        document="=doc",
        case="@case",
        start=0,
        end=9,
        line_start=1,
        line_end=1,
        speaker="-R1",
        text="=1+1 said she",
        codes=["+code", "welcome"],
        places=["=place"],
        memo="@memo",
    )
    header, row = read(publish.render_csv([frag]))
    assert header == list(publish.CSV_COLUMNS)
    cells = dict(zip(header, row, strict=True))
    assert cells["segment"] == "7" and cells["start"] == "0" and cells["end"] == "9"
    assert cells["document"] == "'=doc"
    assert cells["case"] == "'@case"
    assert cells["speaker"] == "'-R1"
    assert cells["text"] == "'=1+1 said she"
    assert cells["codes"] == "'+code; welcome"
    assert cells["places"] == "'=place"
    assert cells["memo"] == "'@memo"
    assert cells["citation"] == publish.citation(frag)  # starts with "(": harmless


@pytest.fixture
def hostile(tmp_path: Path, cli, targets: Targets):  # type: ignore[no-untyped-def]
    """A project whose document, codes, place, attribute value and memo start with ``=+@-``."""
    text = "I: Where do you go?\nR: To the library. It is warm there.\n"
    source = tmp_path / "=doc.txt"
    source.write_text(text, encoding="utf-8")
    path = targets.new()
    cli("init", path, "--language", "en")
    cli("import", path, source, "--case", "@anna", "--attr", "home=-Hatert")
    start = text.index("To the library")
    end = start + len("To the library")
    segment = as_json(
        cli("code", path, "=doc", start, end, "=cmd", "+plus", "--new", "--json", "--memo", "@m")
    )["segment"]
    cli("place", "add", path, "@SUM(A1)", "--kind", "library")
    cli("link", path, segment, "@SUM(A1)")
    return path, text[start:end]


def test_fragments_csv_end_to_end(hostile, cli) -> None:  # type: ignore[no-untyped-def]
    path, quote = hostile
    header, row = read(cli("fragments", path, "--format", "csv").stdout)
    cells = dict(zip(header, row, strict=True))
    assert cells["document"] == "'=doc"
    assert cells["case"] == "'@anna"
    assert cells["text"] == quote
    assert cells["codes"] == "'+plus; =cmd" or cells["codes"] == "'=cmd; +plus"
    assert cells["places"] == "'@SUM(A1)"
    assert cells["memo"] == "'@m"


def test_cooccur_csv_end_to_end(hostile, cli) -> None:  # type: ignore[no-untyped-def]
    path, _quote = hostile
    rows = read(cli("cooccur", path, "--csv").stdout)
    data = as_json(cli("cooccur", path, "--json"))
    assert rows[0] == ["a", "b", "n_a", "n_b", "n", "c"]
    n_of = {c["code"]: c["n"] for c in data["codes"]}
    assert rows[1:] == [
        [expected(p["a"]), expected(p["b"]), str(n_of[p["a"]]), str(n_of[p["b"]]), "1", "1.0"]
        for p in data["pairs"]
    ]
    assert {rows[1][0], rows[1][1]} == {"'=cmd", "'+plus"}


def test_matrix_csv_end_to_end(hostile, cli) -> None:  # type: ignore[no-untyped-def]
    path, _quote = hostile
    places = read(cli("matrix", path, "--cols", "place", "--csv").stdout)
    assert places[0] == ["code", "'@SUM(A1)", "total"]
    by_code = {row[0]: row[1:] for row in places[1:]}
    assert by_code["'=cmd"] == ["1", "1"] and by_code["'+plus"] == ["1", "1"]
    assert by_code["total"] == ["1", "1"]
    assert not any(row[0][:1] in "=+-@" for row in places[1:])
    attrs = read(cli("matrix", path, "--cols", "attr:home", "--csv").stdout)
    assert attrs[0] == ["code", "'-Hatert", "total"]

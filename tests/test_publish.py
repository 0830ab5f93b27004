"""Fragments for publications: citations, grouping, Markdown/HTML escaping (checked by rendering
and parsing), CSV and JSON shapes, DOCX opened with python-docx, and the ``fragments`` command
end to end on the demo project (checked against the database read directly with SQL)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import lxml.html
import pytest

from tests.conftest import as_json, sql_rows
from workbench.analysis.fragments import Fragment
from workbench.exchange import publish
from workbench.exchange.publish import Options
from workbench.project.target import ProjectTarget

MALICIOUS = (
    "<script>alert('x')</script> **bold** and _em_ and `code`\n"
    "# heading\n"
    "[link](http://evil.example) ![img](http://evil.example/i.png) &amp; &lt;b&gt;\n"
    "- item\n"
    "12. twelve\n"
    "    indented code\n"
    "===\n"
    "| a | b |\n"
    "~~strike~~ and $x^2$ and <b>bold</b> \\* star"
)


def fragment(segment: int = 1, **fields: object) -> Fragment:
    values: dict[str, object] = {
        "segment": segment,
        "document": "interview-01",
        "case": "R01",
        "start": 10 * segment,
        "end": 10 * segment + 5,
        "line_start": 12,
        "line_end": 14,
        "speaker": "Bewoner",
        "text": "Daar staat de koffie klaar.",
        "codes": ["welcome"],
        "places": ["De Klup"],
        "memo": None,
    }
    values.update(fields)
    return Fragment(**values)  # type: ignore[arg-type]


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- citations and grouping ------------------------------------------------------------------


def test_citation_convention() -> None:
    assert publish.citation(fragment()) == "(R01, Bewoner; De Klup; ll. 12\u201314)"
    assert publish.citation(fragment(), language="nl") == "(R01, Bewoner; De Klup; r. 12\u201314)"
    no_case = fragment(case=None, speaker=None, places=[], line_start=7, line_end=7)
    assert publish.citation(no_case) == "(interview-01; l. 7)"
    two_places = fragment(places=["Bibliotheek", "De Klup"], speaker=None)
    assert publish.citation(two_places, language="nl") == (
        "(R01; Bibliotheek, De Klup; r. 12\u201314)"
    )


def test_grouping_puts_a_fragment_under_each_of_its_codes() -> None:
    a = fragment(1, document="b-doc", start=50, codes=["welcome", "host role"])
    b = fragment(2, document="a-doc", start=90, codes=["welcome"])
    c = fragment(3, document="a-doc", start=10, codes=[], places=[])
    d = fragment(4, document="a-doc", start=40, codes=["Routine"], places=["Park", "De Klup"])
    by_code = publish.group_fragments([a, b, c, d], "code")
    assert [(g.title, [f.segment for f in g.fragments]) for g in by_code] == [
        ("host role", [1]),
        ("Routine", [4]),
        ("welcome", [2, 1]),
        ("(no code)", [3]),
    ]
    by_place = publish.group_fragments([a, b, c, d], "place", language="nl")
    assert [(g.title, [f.segment for f in g.fragments]) for g in by_place] == [
        ("De Klup", [4, 2, 1]),
        ("Park", [4]),
        ("(geen plek)", [3]),
    ]
    by_doc = publish.group_fragments([a, b, c, d], "document")
    assert [(g.title, [f.segment for f in g.fragments]) for g in by_doc] == [
        ("a-doc", [3, 4, 2]),
        ("b-doc", [1]),
    ]
    assert [f.segment for f in publish.group_fragments([a, b, c, d])[0].fragments] == [3, 4, 2, 1]


# --- Markdown --------------------------------------------------------------------------------


def _markdown_to_html(text: str) -> lxml.html.HtmlElement:
    markdown_it = pytest.importorskip("markdown_it")
    renderer = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return lxml.html.fromstring(f"<div>{renderer.render(text)}</div>")


def test_markdown_transcript_text_never_becomes_markup() -> None:
    frags = [
        fragment(1, text=MALICIOUS, memo="memo with **stars** and <i>tags</i>"),
        fragment(2, text="Gewoon een zin.", places=["<b>Café</b> *Hoek*"], codes=["_x_"]),
    ]
    out = publish.render_markdown(
        frags, Options(group_by="place", memos=True, title="Quotes *draft*")
    )
    tree = _markdown_to_html(out)
    for tag in ("script", "strong", "a", "img", "code", "ul", "ol", "pre", "table", "s"):
        assert tree.findall(f".//{tag}") == [], tag
    assert [e.text_content() for e in tree.findall(".//em")] == ["Memo:"]  # our own label
    assert [h.text_content() for h in tree.findall(".//h1")] == ["Quotes *draft*"]
    assert [h.text_content() for h in tree.findall(".//h2")] == [
        "<b>Café</b> *Hoek* (1)",
        "De Klup (1)",
    ]
    quotes = tree.findall(".//blockquote")
    assert len(quotes) == 2
    first = [p.text_content() for p in quotes[1].findall("p")]
    # every transcript line comes out literally, then the citation
    assert first == [*lines_of(MALICIOUS), publish.citation(frags[0])]
    memo = [p.text_content() for p in tree.findall("p") if p.text_content().startswith("Memo")]
    assert memo == ["Memo: memo with **stars** and <i>tags</i>"]


def test_markdown_without_memos_and_empty() -> None:
    out = publish.render_markdown([fragment(memo="secret memo")])
    assert "secret memo" not in out
    assert "> (R01, Bewoner; De Klup; ll. 12\u201314)" in out
    assert "No fragments." in publish.render_markdown([])


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_a_standalone_escaped_document() -> None:
    frags = [fragment(1, text=MALICIOUS, memo="<img src=x onerror=alert(1)>"), fragment(2)]
    out = publish.render_html(frags, Options(group_by="code", memos=True, query="welcome & !x"))
    assert out.startswith("<!DOCTYPE html>")
    tree = lxml.html.document_fromstring(out)
    assert tree.find("head/title").text == "Fragments"
    assert tree.find("head/style") is not None
    assert tree.findall(".//script") == [] and tree.findall(".//img") == []
    assert tree.findall(".//a") == [] and tree.findall(".//b") == []
    figures = tree.findall(".//figure")
    assert [f.get("data-segment") for f in figures] == ["1", "2"]
    quote = [p.text_content() for p in figures[0].find("blockquote").findall("p")]
    assert quote == lines_of(MALICIOUS)
    assert figures[0].find(".//cite").text_content() == publish.citation(frags[0])
    assert figures[0].find(".//div").text_content() == "Memo:<img src=x onerror=alert(1)>"
    assert tree.find(".//p").text_content() == "Query: welcome & !x \u00b7 2 fragments"
    assert [h.text_content() for h in tree.findall(".//h2")] == ["welcome (2)"]


# --- CSV and JSON ----------------------------------------------------------------------------


def test_csv_has_one_row_per_fragment_with_every_field() -> None:
    tricky = 'Hij zei: "nee, dank je",\nen ging weg; echt.'
    frags = [
        fragment(2, document="b", codes=["a", "b"], places=["P", "Q"], memo="m"),
        fragment(1, document="a", text=tricky, case=None, speaker=None, places=[]),
    ]
    rows = list(csv.DictReader(io.StringIO(publish.render_csv(frags))))
    assert list(rows[0]) == [
        "segment",
        "document",
        "case",
        "start",
        "end",
        "line_start",
        "line_end",
        "speaker",
        "text",
        "codes",
        "places",
        "memo",
        "citation",
    ]
    assert rows[0] == {
        "segment": "1",
        "document": "a",
        "case": "",
        "start": "10",
        "end": "15",
        "line_start": "12",
        "line_end": "14",
        "speaker": "",
        "text": tricky,
        "codes": "welcome",
        "places": "",
        "memo": "",
        "citation": "(a; ll. 12\u201314)",
    }
    assert (rows[1]["codes"], rows[1]["places"], rows[1]["memo"]) == ("a; b", "P; Q", "m")


def test_json_is_the_contract_list() -> None:
    frags = [fragment(2, document="b"), fragment(1, document="a", memo="m", codes=[])]
    data = json.loads(publish.render_json(frags))
    assert data == [
        {
            "segment": 1,
            "document": "a",
            "case": "R01",
            "start": 10,
            "end": 15,
            "line_start": 12,
            "line_end": 14,
            "speaker": "Bewoner",
            "text": "Daar staat de koffie klaar.",
            "codes": [],
            "places": ["De Klup"],
            "memo": "m",
        },
        {**data[0], "segment": 2, "document": "b", "start": 20, "end": 25, "memo": None}
        | {"codes": ["welcome"]},
    ]
    assert data == [f.to_dict() for f in (frags[1], frags[0])]


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_quotes_citations_styles_and_headings(tmp_path: Path) -> None:
    frags = [
        fragment(1, text="Eerste regel\nTweede\tregel", codes=["welcome", "host role"]),
        fragment(2, text="  Bij de <bieb> & zo \x0b.  ", codes=["welcome"], memo="Let op."),
        fragment(3, text="Zonder code.", codes=[], places=[], case=None, line_end=12),
    ]
    path = tmp_path / "quotes.docx"
    assert publish.write(frags, path, options=Options(group_by="code", memos=True)) == "docx"
    document = docx.Document(str(path))
    got = [(p.style.name, p.text) for p in document.paragraphs]
    cite = "Fragment Citation"
    assert got == [
        ("Title", "Fragments"),
        ("Normal", "3 fragments"),
        ("Heading 1", "host role (1)"),
        ("Quote", "Eerste regel\nTweede\tregel"),
        (cite, "(R01, Bewoner; De Klup; ll. 12\u201314)"),
        ("Heading 1", "welcome (2)"),
        ("Quote", "Eerste regel\nTweede\tregel"),
        (cite, "(R01, Bewoner; De Klup; ll. 12\u201314)"),
        ("Quote", "Bij de <bieb> & zo \ufffd."),
        (cite, "(R01, Bewoner; De Klup; ll. 12\u201314)"),
        ("Fragment Memo", "Memo: Let op."),
        ("Heading 1", "(no code) (1)"),
        ("Quote", "Zonder code."),
        (cite, "(interview-01, Bewoner; l. 12)"),
    ]
    quote_style = document.styles["Quote"]
    assert quote_style.font.italic is True
    assert quote_style.paragraph_format.left_indent is not None
    assert document.core_properties.author == ""
    memo = next(p for p in document.paragraphs if p.style.name == "Fragment Memo")
    assert memo.runs[0].bold is True and memo.runs[0].text == "Memo: "


def test_docx_needs_no_fragments_to_be_valid(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    publish.write([], path)
    assert [p.text for p in docx.Document(str(path)).paragraphs] == [
        "Fragments",
        "0 fragments",
        "No fragments.",
    ]


def test_write_is_atomic_and_checks_the_folder(tmp_path: Path) -> None:
    from workbench.errors import InputError, InvalidValue

    with pytest.raises(InputError, match="does not exist"):
        publish.write([fragment()], tmp_path / "missing" / "x.md")
    with pytest.raises(InvalidValue, match="suffix"):
        publish.write([fragment()], tmp_path / "x.txt")
    target = tmp_path / "x.md"
    target.write_text("old", encoding="utf-8")
    publish.write([fragment()], target)
    assert target.read_text(encoding="utf-8").startswith("# Fragments")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]  # no temporary file left


# --- the command, end to end on the demo project ---------------------------------------------


def _segments_coded(path: ProjectTarget, code: str) -> list[tuple[int, str, int, int, str]]:
    """Independently: (id, document, start, end, document text) of segments with ``code``."""
    rows = sql_rows(
        path,
        "SELECT DISTINCT s.id, d.name, s.start, s.end, d.text FROM segment s"
        " JOIN document d ON d.id = s.document_id"
        " JOIN coding c ON c.segment_id = s.id JOIN code k ON k.id = c.code_id"
        " WHERE k.name = ?",
        code,
    )
    return sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0]))


def test_fragments_command_json_matches_the_database(demo: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    data = as_json(cli("fragments", demo, "welcome", "--format", "json"))
    expected = _segments_coded(demo, "welcome")
    assert len(expected) > 3
    assert [(f["segment"], f["document"], f["start"], f["end"]) for f in data] == [
        r[:4] for r in expected
    ]
    for item, (_id, _doc, start, end, text) in zip(data, expected, strict=True):
        assert item["text"] == text[start:end]
        assert item["line_start"] == len(text[:start].split("\n"))
        assert item["line_end"] == len(text[: end - 1].split("\n"))
        assert "welcome" in item["codes"]
        assert set(item) == {
            "segment",
            "document",
            "case",
            "start",
            "end",
            "line_start",
            "line_end",
            "speaker",
            "text",
            "codes",
            "places",
            "memo",
        }


def test_fragments_command_formats_to_stdout_and_files(
    demo: ProjectTarget, cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    count = len(_segments_coded(demo, "welcome"))
    md = cli("fragments", demo, "welcome", "--group-by", "place").stdout
    assert md.startswith("# Fragmenten")  # the demo project is Dutch
    assert md.count("\n> (R0") >= count
    html = cli("fragments", demo, "welcome", "--format", "html").stdout
    assert len(lxml.html.document_fromstring(html).findall(".//figure")) == count
    rows = list(
        csv.DictReader(io.StringIO(cli("fragments", demo, "welcome", "--format", "csv").stdout))
    )
    assert len(rows) == count
    out = tmp_path / "welcome.docx"
    result = cli("fragments", demo, "welcome", "-o", out)
    assert f"wrote {count} fragment{'' if count == 1 else 's'} to" in result.stdout
    quotes = [p for p in docx.Document(str(out)).paragraphs if p.style.name == "Quote"]
    assert len(quotes) == count
    refused = cli("fragments", demo, "welcome", "--format", "docx", ok=False)
    assert refused.exit_code != 0 and "-o" in refused.stderr
    refused = cli("fragments", demo, "--format", "csv", "--group-by", "code", ok=False)
    assert refused.exit_code != 0 and "flat" in refused.stderr
    bad = cli("fragments", demo, "welcome & (", ok=False)
    assert bad.exit_code != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert "column" in bad.stderr


def test_pseudonymised_docx_export(demo: ProjectTarget, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = as_json(cli("fragments", demo, '"host role"', "--format", "json"))
    assert any("Gerda" in f["text"] for f in plain)
    places = sorted({p for f in plain for p in f["places"]})
    cli("pseudonym", "add", demo, "Gerda", "Marja")
    cli("pseudonym", "add", demo, "Joost", "Pieter")
    cli("pseudonym", "add", demo, places[0], "Buurtplek Oost", "--kind", "place")
    out = tmp_path / "quotes.docx"
    cli("fragments", demo, '"host role"', "-o", out, "--pseudonyms", "--group-by", "place")
    document = docx.Document(str(out))
    paragraphs = document.paragraphs
    quotes = [p.text for p in paragraphs if p.style.name == "Quote"]
    citations = [p.text for p in paragraphs if p.style.name == "Fragment Citation"]
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    everything = "\n".join(p.text for p in paragraphs)
    for name in ("Gerda", "Joost", places[0]):
        assert name not in everything
    assert any("Marja" in q for q in quotes) and any("Pieter" in q for q in quotes)
    assert any(h.startswith("Buurtplek Oost (") for h in headings)
    # the quotes are exactly the fragments' texts with the names replaced
    pseudo = as_json(cli("fragments", demo, '"host role"', "--format", "json", "--pseudonyms"))
    expected = [
        f["text"].strip().replace("Gerda", "Marja").replace("Joost", "Pieter") for f in plain
    ]
    assert sorted(f["text"].strip() for f in pseudo) == sorted(expected)
    by_place = {}
    for f in pseudo:
        for place in f["places"] or ["(geen plek)"]:
            by_place.setdefault(place, []).append(f)
    assert len(quotes) == sum(len(v) for v in by_place.values()) == len(citations)
    assert all(c.startswith("(R0") and c.endswith(")") for c in citations)


def test_pseudonym_leftovers_are_reported_and_strict_refuses(
    demo: ProjectTarget, cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "names.csv"
    # "Gérda" is listed, the text has "Gerda": the accent-insensitive check notices it
    table.write_text("real,pseudonym\nGérda,Marja\n", encoding="utf-8")
    result = cli("fragments", demo, '"host role"', "--format", "json", "--pseudonyms", table)
    assert "still present as 'Gerda'" in result.stderr
    assert "Gerda" in result.stdout
    out = tmp_path / "x.md"
    strict = cli(
        "fragments", demo, '"host role"', "-o", out, "--pseudonyms", table, "--strict", ok=False
    )
    assert strict.exit_code != 0 and not out.exists()
    table.write_text("real,pseudonym\nGerda,Marja\n", encoding="utf-8")
    result = cli("fragments", demo, '"host role"', "-o", out, "--pseudonyms", table, "--strict")
    assert "warning" not in result.stderr and "Gerda" not in out.read_text(encoding="utf-8")


def test_pseudonyms_option_without_a_file_before_the_query(demo: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    cli("pseudonym", "add", demo, "Gerda", "Marja")
    result = cli("fragments", demo, "--pseudonyms", '"host role"', "--format", "json")
    data = json.loads(result.stdout)
    assert data and all("host role" in f["codes"] for f in data)
    assert not any("Gerda" in f["text"] for f in data)
    assert any("Marja" in f["text"] for f in data)

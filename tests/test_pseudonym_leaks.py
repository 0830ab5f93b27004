"""No real name in any pseudonymised output (issue 12).

A study whose transcripts are named after the people in them (``FTF17_Willis_StMarys_1991``,
``interview-JanDeVries``), a case named after a participant, speakers named in the text,
memos and a document label mentioning names, and a pseudonym table with variants. Every
fragment format and the figures are written with ``--pseudonyms --strict`` and read back
(a DOCX member by member, the file names too); the check here is independent of the one
under test: every letter and digit of the output run together, then searched for the names
run together. ``--strict`` refuses, and writes nothing, when a spelling the table misses
is left. The transcripts are fictional, written for these tests.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.conftest import as_json, sql_rows
from workbench.exchange.pseudonyms import NameScanner, make_entry, scan_tokens

WILLIS = """I: Thank you for meeting me here at St Marys.
Willis: You are welcome. Everybody calls me Willis, or Margaret Willis when I am in trouble.
I: Where do you meet people?
Willis: At the library of St. Mary's. Jan de Vries reads the paper there every morning.
"""
JAN = """I: Tell me about your week.
Jan: On Thursday I go to the lunchroom. The owner, Ngozi Okafor, seats us at one table.
I: Do you see Willis there?
Jan: Wyllis, yes, she comes on Fridays. Jan de Vries never does.
"""
OKAFOR = """I: How long have you run the lunchroom?
Okafor: Twelve years. Margaret comes every day, and Jan on Thursdays.
"""
TABLE = [
    ("Margaret Willis", "Ann Parker", "person", ["Margaret"]),
    ("Willis", "Parker", "person", ["Wyllis"]),
    ("Jan de Vries", "Piet Bakker", "person", []),
    ("Jan", "Kees", "person", []),
    ("Ngozi Okafor", "Ama Mensah", "person", []),
    ("Okafor", "Mensah", "person", []),
    ("St Marys", "Oakfield", "place", ["St. Mary's"]),
]
#: The real names, each with every letter and digit run together, as the check looks for them.
REAL = ("willis", "wyllis", "margaret", "jandevries", "okafor", "ngozi", "stmary")
PSEUDONYMS = ("Ann Parker", "Parker", "Piet Bakker", "Kees", "Ama Mensah", "Oakfield")
FORMATS = ("md", "html", "docx", "csv", "json")


def run_together(text: str) -> str:
    """Casefolded, accents dropped, and only letters and digits kept: "St. Mary's" gives
    "stmarys", "FTF17_Willis" "ftf17willis"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.casefold())


def names_in(texts: list[str]) -> set[str]:
    """The real names found in any of ``texts`` (also as the word "jan" on its own)."""
    found = {name for text in texts for name in REAL if name in run_together(text)}
    for text in texts:
        words = re.split(r"[\W_]+|(?<=[a-z])(?=[A-Z])", text)
        if any(word.casefold() == "jan" for word in words):
            found.add("jan")
    return found


def written(path: Path) -> list[str]:
    """Everything a file holds as text: its name, and for a zip (DOCX) the name and the text
    of every member (document, styles, headers, footers, properties)."""
    texts = [path.name]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                texts.append(info.filename)
                texts.append(archive.read(info).decode("utf-8", errors="replace"))
    else:
        texts.append(path.read_text(encoding="utf-8"))
    return texts


def leftovers_in_folder(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".wbtmp-" in p.name]


def build_study(cli: Any, target: Any, folder: Path) -> dict[str, Any]:
    """The study: three transcripts named after people, one in a case named after one, one
    with a label that holds a real name, one with neither; codes, memos, a place."""
    files = {
        "FTF17_Willis_StMarys_1991": WILLIS,
        "interview-JanDeVries": JAN,
        "Okafor_N_lunchroom": OKAFOR,
    }
    cli("init", target, "--language", "en")
    for stem, text in files.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    willis, jan, okafor = (folder / f"{stem}.txt" for stem in files)
    cli("import", target, willis, "--case", "Margaret Willis", "--attr", "street=St Marys")
    cli("import", target, jan, okafor)
    cli("doc", "label", target, "interview-JanDeVries", "Interview Jan de Vries")
    cli("place", "add", target, "St Marys Library", "--kind", "library")

    def span(text: str, part: str) -> tuple[int, int]:
        start = text.index(part)
        return start, start + len(part)

    doc1, doc2, doc3 = files
    codes = [
        (doc1, *span(WILLIS, "Willis: You are welcome."), "welcome", "Willis feels at home"),
        (doc1, *span(WILLIS, "At the library of St. Mary's."), "meeting", None),
        (doc2, *span(JAN, "The owner, Ngozi Okafor, seats us"), "host role", "Okafor as host"),
        (doc3, *span(OKAFOR, "Margaret comes every day"), "meeting", "regulars: Margaret, Jan"),
    ]
    for document, start, end, code, memo in codes:
        memo_args = ["--memo", memo] if memo else []
        cli("code", target, document, start, end, code, "--new", *memo_args)
    segment = as_json(cli("fragments", target, "meeting", "--format", "json"))[0]["segment"]
    cli("link", target, segment, "St Marys Library")
    for real, pseudonym, kind, variants in TABLE:
        extra = [a for v in variants for a in ("--variant", v)]
        cli("pseudonym", "add", target, real, pseudonym, "--kind", kind, *extra)
    ids = {row["name"]: row["id"] for row in as_json(cli("docs", target, "--json"))}
    return {"ids": ids, "segments": len(codes)}


@pytest.fixture
def study(cli, targets, tmp_path: Path) -> tuple[Any, dict[str, Any]]:  # type: ignore[no-untyped-def]
    target = targets.new("study")
    return target, build_study(cli, target, tmp_path)


# --- the check itself ------------------------------------------------------------------------


def test_the_normal_form_splits_file_names_camel_case_and_accents() -> None:
    words = ["ftf", "17", "willis", "st", "marys", "1991"]
    assert scan_tokens("FTF17_Willis_StMarys_1991") == words
    assert scan_tokens("interview-JanDeVries.txt") == ["interview", "jan", "de", "vries", "txt"]
    assert scan_tokens("Zoë O'Brien") == ["zoe", "o", "brien"]
    scanner = NameScanner(
        [make_entry("Jan de Vries", "Piet Bakker"), make_entry("Jan", "Jan-Willem")]
    )
    found = [name for name, _ in scanner.find("JANDEVRIES, jan-de-vries and JanDeVries")]
    assert found == ["Jan de Vries"] * 3
    # a pseudonym that holds a listed name is not a leak; the name on its own is
    assert scanner.find("Jan-Willem said so") == []
    assert scanner.find("jan said so") == [("Jan", "jan")]
    assert scanner.find("Janssen and Jantje") == []  # whole words only


def test_a_docx_is_read_part_by_part_runs_split_inside_a_word_included(tmp_path: Path) -> None:
    scanner = NameScanner([make_entry("Willis", "Parker")])
    body = "<w:p><w:r><w:t>Wil</w:t></w:r><w:r><w:t>lis</w:t></w:r></w:p>"
    members = {
        "word/document.xml": "<w:p><w:r><w:t>clean</w:t></w:r></w:p>",
        "word/footer1.xml": body,
        "docProps/core.xml": "<dc:creator>M. Willis</dc:creator>",
        "media/willis.png": "",
    }
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    leaks = scanner.scan(path.name, path.read_bytes())
    assert {(leak.part, leak.where) for leak in leaks} == {
        ("x.docx: word/footer1.xml", "the text"),
        ("x.docx: docProps/core.xml", "the document properties"),
        ("x.docx: media/willis.png", "a part name"),
    }


# --- every fragment format -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_real_name_in_any_fragment_format(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    target, facts = study
    plain = tmp_path / f"plain.{fmt}"
    cli("fragments", target, "-o", plain, "--memos")
    # without pseudonyms the names are there, file names included (the check can see them)
    assert {"willis", "okafor", "jandevries"} <= names_in(written(plain))

    out = tmp_path / f"quotes.{fmt}"
    grouping = ["--group-by", "document"] if fmt in ("md", "html", "docx") else []
    title = ["--title", "Quotes from Willis and Okafor"]
    result = cli(
        "fragments", target, "-o", out, "--pseudonyms", "--strict", "--memos", *grouping, *title
    )
    assert "warning" not in result.stderr
    texts = written(out)
    assert names_in(texts) == set()
    everything = "\n".join(texts)
    for pseudonym in ("Ann Parker", "Parker", "Mensah", "Kees"):
        assert pseudonym in everything, pseudonym
    # cited by the case, else the label the researcher set (pseudonymised), else "Doc N"
    doc3 = f"Doc {facts['ids']['Okafor_N_lunchroom']}"
    for citation in ("Ann Parker", "Interview Piet Bakker", doc3):
        assert citation in everything, citation
    if fmt == "json":
        import json

        data = json.loads(out.read_text(encoding="utf-8"))
        assert len(data) == facts["segments"]
        assert {f["document"] for f in data} == {
            f"Doc {facts['ids']['FTF17_Willis_StMarys_1991']}",
            "Interview Piet Bakker",
            doc3,
        }
        assert {f["case"] for f in data} == {"Ann Parker", None}
    if fmt == "docx":
        props = docx.Document(str(out)).core_properties
        assert props.title == "Quotes from Parker and Mensah"
        assert props.author == "" and props.last_modified_by == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_strict_refuses_a_spelling_the_table_misses_and_writes_nothing(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    # Written together and glued by an underscore: the replacement (whole words) misses it,
    # the strict check of the written output does not.
    doc = "Okafor_N_lunchroom"
    cli("memo", target, "segment", _segment_of(target, doc), "see the StMarys_walk notes")
    out = tmp_path / f"quotes.{fmt}"
    refused = cli("fragments", target, "-o", out, "--pseudonyms", "--strict", "--memos", ok=False)
    assert refused.exit_code != 0
    error = [line for line in refused.stderr.splitlines() if "error" in line]
    assert len(error) == 1 and str(out) in error[0] and "'St Marys'" in error[0]
    assert "nothing was written" in error[0]
    assert not out.exists() and leftovers_in_folder(tmp_path) == []
    # without --strict it is written, with a warning naming the name and the file
    lenient = cli("fragments", target, "-o", out, "--pseudonyms", "--memos")
    assert "'St Marys'" in lenient.stderr and out.name in lenient.stderr
    assert "stmary" in run_together("\n".join(written(out)))
    # the spelling added as a variant: replaced, and strict lets it through
    cli("pseudonym", "add", target, "St Marys", "Oakfield", "--kind", "place", "--replace")
    cli(
        "pseudonym", "add", target, "St Marys", "Oakfield", "--kind", "place", "--replace",
        "--variant", "St. Mary's", "--variant", "StMarys",
    )  # fmt: skip
    out.unlink()
    cli("fragments", target, "-o", out, "--pseudonyms", "--strict", "--memos")
    assert names_in(written(out)) == set()


def _segment_of(target: Any, document: str) -> int:
    rows = sql_rows(
        target,
        "SELECT segment.id FROM segment JOIN document ON document.id = segment.document_id"
        " WHERE document.name = ? ORDER BY segment.id",
        document,
    )
    return int(rows[0][0])


def test_strict_reads_the_file_name_and_a_label_written_in_camel_case(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    named = tmp_path / "willis-quotes.md"
    refused = cli("fragments", target, "-o", named, "--pseudonyms", "--strict", ok=False)
    assert "a file name" in refused.stderr and not named.exists()
    cli("doc", "label", target, "Okafor_N_lunchroom", "OkaforInterview")
    out = tmp_path / "quotes.docx"
    refused = cli("fragments", target, "-o", out, "--pseudonyms", "--strict", ok=False)
    assert "'Okafor'" in refused.stderr and "word/document.xml" in refused.stderr
    assert not out.exists()
    cli("undo", target)  # the label is one change, undone like any other
    cli("fragments", target, "-o", out, "--pseudonyms", "--strict")
    assert names_in(written(out)) == set()


def test_strict_needs_pseudonyms(study: tuple[Any, dict[str, Any]], cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    out = tmp_path / "quotes.md"
    refused = cli("fragments", target, "-o", out, "--strict", ok=False)
    assert "--pseudonyms" in refused.stderr and not out.exists()


def test_a_table_file_is_used_the_same_way(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    table = tmp_path / "key.csv"
    rows = ["real,pseudonym,kind,variants"]
    rows += [f"{r},{p},{k},{';'.join(v)}" for r, p, k, v in TABLE]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "quotes.html"
    cli("fragments", target, "-o", out, "--pseudonyms", table, "--strict", "--memos")
    assert names_in(written(out)) == set()


# --- figures ---------------------------------------------------------------------------------


def test_figures_show_pseudonyms_and_strict_refuses_a_name_left(
    study: tuple[Any, dict[str, Any]], cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target, _facts = study
    svg = tmp_path / "matrix.svg"
    cli("figure", "matrix", target, "-o", svg, "--pseudonyms", "--strict", "--title", "Willis")
    text = svg.read_text(encoding="utf-8")
    assert "Oakfield Library" in text and "Parker" in text
    assert names_in(written(svg)) == set()
    cli("place", "add", target, "StMarys Hall", "--kind", "library")
    segment = _segment_of(target, "interview-JanDeVries")
    cli("link", target, segment, "StMarys Hall")
    again = tmp_path / "again.svg"
    refused = cli("figure", "matrix", target, "-o", again, "--pseudonyms", "--strict", ok=False)
    assert "'St Marys'" in refused.stderr and not again.exists()


# --- the citation label ----------------------------------------------------------------------


def test_the_label_command_its_rules_and_undo(study: tuple[Any, dict[str, Any]], cli) -> None:  # type: ignore[no-untyped-def]
    target, facts = study
    ids = facts["ids"]
    done = as_json(cli("doc", "label", target, "Okafor_N_lunchroom", "  R 09 ", "--json"))
    assert done == {"document": "Okafor_N_lunchroom", "label": "R 09", "before": ""}
    taken = cli("doc", "label", target, "FTF17_Willis_StMarys_1991", "r 09", ok=False)
    assert "taken" in taken.stderr
    other = f"Doc {ids['interview-JanDeVries']}"
    neutral = cli("doc", "label", target, "Okafor_N_lunchroom", other, ok=False)
    assert "neutral label of another document" in neutral.stderr
    own = f"Doc {ids['Okafor_N_lunchroom']}"
    cli("doc", "label", target, "Okafor_N_lunchroom", own)
    labels = {r["name"]: r["label"] for r in as_json(cli("docs", target, "--json"))}
    assert labels["Okafor_N_lunchroom"] == own
    cli("undo", target)
    labels = {r["name"]: r["label"] for r in as_json(cli("docs", target, "--json"))}
    assert labels["Okafor_N_lunchroom"] == "R 09"
    cli("redo", target)
    cli("doc", "label", target, "Okafor_N_lunchroom", "")
    rows = sql_rows(target, "SELECT label FROM document WHERE name = ?", "Okafor_N_lunchroom")
    assert rows == [("",)]
    missing = cli("doc", "label", target, "nope", "x", ok=False)
    assert "no document" in missing.stderr


async def test_the_documents_tab_sets_a_label(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_tui_screens import SIZE, open_tab, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.dialogs.forms import TextPrompt
    from workbench.tui.widgets.panels import DocumentsTable

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "1")
        name = app.screen.query_one(DocumentsTable).current_name
        assert name
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("#prompt-input").value = "Interview 1"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        rows = sql_rows(demo, "SELECT label FROM document WHERE name = ?", name)
        assert rows == [("Interview 1",)]
        detail = str(app.screen.query_one("#document-detail").render())
        assert "cited as" in detail and "Interview 1" in detail
        await pilot.press("l")  # an empty label clears it
        await settle(app, pilot)
        app.screen.query_one("#prompt-input").value = ""  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        assert sql_rows(demo, "SELECT label FROM document WHERE name = ?", name) == [("",)]

"""The codebook report (``workbench export study.db -o codebook.docx|.md|.html``) and anchor
quotes (``workbench codebook anchor``).

Every report is read back from the file written (DOCX with python-docx, HTML with lxml,
Markdown line by line), and its counts are checked against counts computed here from the
database rows with plain SQL, not with the listing the report uses.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import lxml.html
import pytest
from click.testing import Result

from tests.conftest import dump, sql_rows
from workbench.project import db

Cli = Callable[..., Result]

#: Fictional transcripts written for these tests.
INTERVIEW_A = """I: What does the library mean to you?
R: Every Tuesday Henrike Vossenberg at the desk says hello to me by name. I feel welcome there.
I: And the community centre?
R: I never go in. It is full of people who all know each other already.
I: Is there a place you miss?
R: The bakery on the corner closed last year. We used to chat there every morning.
"""
INTERVIEW_B = """I: Where do you meet people?
R: At the allotment garden. Somebody always waves and we drink coffee in the shed.
I: Do you feel at home there?
R: Yes, it is my second home. Without it my week would have no shape.
"""


def _import(cli: Cli, target: object, tmp_path: Path) -> None:
    for name, text in (("interview-a", INTERVIEW_A), ("interview-b", INTERVIEW_B)):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        cli("import", target, path)


def _span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def _code(cli: Cli, target: object, doc: str, text: str, passage: str, *args: str) -> int:
    start, end = _span(text, passage)
    result = cli("code", target, doc, start, end, *args, "--json")
    return int(re.search(r'"segment": (\d+)', result.stdout).group(1))  # type: ignore[union-attr]


@pytest.fixture
def coded(project: db.Project, cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """A project with the shipped codebook, two fictional interviews coded by two coders, a
    pseudonym for the librarian's name and an anchor quote naming her."""
    target = project.target
    _import(cli, target, tmp_path)
    desk = "Every Tuesday Henrike Vossenberg at the desk says hello to me by name"
    anchor = _code(cli, target, "interview-a", INTERVIEW_A, desk, "welcome", "host role")
    _code(cli, target, "interview-a", INTERVIEW_A, desk, "welcome", "--coder", "bram")
    _code(cli, target, "interview-a", INTERVIEW_A, "It is full of people", "in-group closure")
    _code(cli, target, "interview-a", INTERVIEW_A, "The bakery on the corner", "lost place")
    _code(
        cli,
        target,
        "interview-b",
        INTERVIEW_B,
        "Somebody always waves",
        "welcome",
        "fleeting encounter",
        "--coder",
        "bram",
    )
    _code(cli, target, "interview-b", INTERVIEW_B, "it is my second home", "second home")
    cli("codebook", "anchor", target, "welcome", anchor)
    cli("pseudonym", "add", target, "Henrike Vossenberg", "Ria Jansen", "--variant", "Henrike")
    return {"target": target, "anchor": anchor}


def _tree_order(target: object) -> list[tuple[str, int]]:
    """(name, depth) of every code depth first by (position, name): computed from the rows."""
    rows = sql_rows(target, "SELECT id, name, parent_id, position FROM code")
    children: dict[int | None, list[tuple[int, str, int]]] = {}
    for code_id, name, parent, position in rows:
        children.setdefault(parent, []).append((position, name, code_id))
    order: list[tuple[str, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for _position, name, code_id in sorted(children.get(parent, [])):
            order.append((name, depth))
            walk(code_id, depth + 1)

    walk(None, 0)
    return order


def _counts(target: object) -> dict[str, tuple[int, int, int]]:
    """Per code: segments coded with it, documents with such a segment, its coders (SQL)."""
    found = {name: (0, 0, 0) for (name,) in sql_rows(target, "SELECT name FROM code")}
    for name, segments, documents, coders in sql_rows(
        target,
        "SELECT k.name, COUNT(DISTINCT c.segment_id), COUNT(DISTINCT s.document_id),"
        " COUNT(DISTINCT c.coder_id) FROM coding c JOIN code k ON k.id = c.code_id"
        " JOIN segment s ON s.id = c.segment_id GROUP BY k.name",
    ):
        found[name] = (segments, documents, coders)
    return found


def _numbers(order: list[tuple[str, int]]) -> list[str]:
    counters: list[int] = []
    out = []
    for _name, depth in order:
        counters = counters[: depth + 1] + [0] * (depth + 1 - len(counters[: depth + 1]))
        counters[depth] += 1
        out.append(".".join(map(str, counters[: depth + 1])))
    return out


def test_docx_report_has_the_tree_in_order_with_counts_and_the_cited_pseudonymised_anchor(
    coded: dict[str, Any], cli: Cli, tmp_path: Path
) -> None:
    target = coded["target"]
    out = tmp_path / "codebook.docx"
    result = cli("export", target, "-o", out, "--pseudonyms")
    assert "55 codes, 1 anchor quote (docx)" in result.stdout

    order = _tree_order(target)
    counts = _counts(target)
    numbers = _numbers(order)
    assert counts["welcome"] == (2, 2, 2)  # the fixture's own arithmetic, independently

    document = docx.Document(str(out))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    code_headings = headings[1:]  # after "Overview"
    assert [text for _style, text in code_headings] == [
        f"{number} {name}" for number, (name, _depth) in zip(numbers, order, strict=True)
    ]
    assert [style for style, _text in code_headings] == [
        f"Heading {depth + 1}" for _name, depth in order
    ]
    table = document.tables[0]
    shown = {
        row.cells[0].text.split(" ", 1)[1]: tuple(int(c.text) for c in row.cells[1:])
        for row in table.rows[1:]
    }
    assert shown == counts

    texts = [p.text for p in document.paragraphs]
    quote = next(p.text for p in document.paragraphs if p.style.name == "Quote")
    assert quote == "Every Tuesday Ria Jansen at the desk says hello to me by name"
    citation = texts[texts.index(quote) + 1]
    # The document in no case is cited by its neutral label, never its file name.
    doc_id = sql_rows(target, "SELECT id FROM document WHERE name = 'interview-a'")[0][0]
    assert citation == f"(Doc {doc_id}, R; l. 2)"
    # No real name anywhere in the file, not in its properties either.
    with zipfile.ZipFile(out) as archive:
        xml = " ".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )
    assert "Vossenberg" not in xml and "Henrike" not in xml
    assert "Ria Jansen" in xml


def test_markdown_and_html_reports_read_back_with_the_same_counts(
    coded: dict[str, Any], cli: Cli, tmp_path: Path
) -> None:
    target = coded["target"]
    counts = _counts(target)
    order = _tree_order(target)

    md = tmp_path / "codebook.md"
    cli("export", target, "-o", md, "--pseudonyms")
    text = md.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    table = {}
    for line in rows[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name = cells[0].split(" ", 1)[1].replace("\\", "")
        table[name] = tuple(int(c) for c in cells[1:])
    assert table == counts
    headings = [line for line in text.splitlines() if re.match(r"#{2,6} \d", line)]
    assert [h.split(" ", 2)[2] for h in headings] == [name for name, _ in order]
    assert "> Every Tuesday Ria Jansen at the desk says hello to me by name" in text
    assert "Vossenberg" not in text

    page = tmp_path / "codebook.html"
    cli("export", target, "-o", page, "--pseudonyms")
    tree = lxml.html.fromstring(page.read_bytes())
    cells = {
        row.xpath("./td")[0].text_content().split(" ", 1)[1]: tuple(
            int(td.text_content()) for td in row.xpath("./td")[1:]
        )
        for row in tree.xpath("//table[@class='overview']/tr[td]")
    }
    assert cells == counts
    sections = tree.xpath("//section[@class='code']")
    assert [int(s.get("data-depth")) for s in sections] == [depth for _, depth in order]
    anchor = tree.xpath("//figure[contains(@class, 'anchor')]")
    assert len(anchor) == 1 and anchor[0].get("data-segment") == str(coded["anchor"])
    assert "Ria Jansen" in anchor[0].text_content()
    assert "Vossenberg" not in page.read_text(encoding="utf-8")


def test_without_pseudonyms_the_anchor_is_quoted_as_written(
    coded: dict[str, Any], cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "plain.md"
    cli("export", coded["target"], "--format", "report", "-o", out)
    assert "Henrike Vossenberg at the desk" in out.read_text(encoding="utf-8")


def test_strict_writes_nothing_when_a_name_is_left(
    coded: dict[str, Any], cli: Cli, tmp_path: Path
) -> None:
    target = coded["target"]
    # A spelling the table does not list, in a definition the report prints.
    cli("codebook", "edit", target, "welcome", "--example", "De balie van Henrïke")
    out = tmp_path / "strict.docx"
    result = cli("export", target, "-o", out, "--pseudonyms", "--strict", ok=False)
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not out.exists()


def test_markup_in_definitions_is_escaped(project: db.Project, cli: Cli, tmp_path: Path) -> None:
    target = project.target
    cli(
        "codebook",
        "edit",
        target,
        "welcome",
        "--description",
        "<script>alert(1)</script> *not bold* [link](http://x)",
    )
    page = tmp_path / "book.html"
    cli("export", target, "-o", page)
    html_text = page.read_text(encoding="utf-8")
    assert "<script>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    md = tmp_path / "book.md"
    cli("export", target, "-o", md)
    md_text = md.read_text(encoding="utf-8")
    assert "\\<script\\>" in md_text and "\\*not bold\\*" in md_text and "\\[link\\]" in md_text


def test_anchor_must_carry_its_code_and_undo_takes_it_back(
    coded: dict[str, Any], cli: Cli, project: db.Project
) -> None:
    target, anchor = coded["target"], coded["anchor"]
    before = dump(project)
    result = cli("codebook", "anchor", target, "stigma", anchor, ok=False)
    assert result.exit_code == 1
    assert f"segment {anchor} is not coded" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    result = cli("codebook", "anchor", target, "welcome", 9999, ok=False)
    assert result.exit_code == 1 and "no segment 9999" in result.stderr
    assert dump(project) == before

    def anchor_of(name: str) -> int | None:
        return sql_rows(target, "SELECT anchor_segment_id FROM code WHERE name = ?", name)[0][0]

    cli("codebook", "anchor", target, "welcome", "--clear")
    assert anchor_of("welcome") is None
    cli("undo", target)
    assert anchor_of("welcome") == anchor
    cli("codebook", "anchor", target, "host role", anchor)
    assert anchor_of("host role") == anchor
    cli("undo", target)
    assert anchor_of("host role") is None
    usage = cli("codebook", "anchor", target, "welcome", ok=False)
    assert usage.exit_code == 2


def test_an_anchor_no_longer_coded_is_left_out_with_a_warning(
    coded: dict[str, Any], cli: Cli, tmp_path: Path
) -> None:
    target, anchor = coded["target"], coded["anchor"]
    cli("uncode", target, anchor, "welcome")
    assert not sql_rows(
        target,
        "SELECT c.id FROM coding c JOIN code k ON k.id = c.code_id"
        " WHERE c.segment_id = ? AND k.name = 'welcome'",
        anchor,
    )
    out = tmp_path / "book.md"
    result = cli("export", target, "-o", out)
    assert "no longer carries the code" in result.stderr
    assert "Henrike" not in out.read_text(encoding="utf-8")


@pytest.mark.sqlite_only(reason="a project on a server has no file that an export could overwrite")
def test_the_report_never_replaces_the_project_file(project: db.Project, cli: Cli) -> None:
    path = project.path
    assert path is not None
    before = path.read_bytes()
    result = cli("export", path, "--format", "report", "-o", path, ok=False)
    assert result.exit_code == 1
    assert "is the project file itself" in result.stderr
    assert path.read_bytes() == before


def test_a_report_with_another_suffix_is_refused_in_one_line(
    project: db.Project, cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "book.txt"
    result = cli("export", project.target, "--format", "report", "-o", out, ok=False)
    assert result.exit_code == 1
    assert str(out) in result.stderr and ".docx, .md or .html" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()
    missing = tmp_path / "no" / "such" / "folder" / "book.docx"
    result = cli("export", project.target, "-o", missing, ok=False)
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- the TUI ---------------------------------------------------------------------------------


async def test_tui_anchor_key_makes_the_fragment_the_anchor_and_again_clears_it(
    demo: Any,
) -> None:
    from tests.test_tui_screens import SIZE, open_tab, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.panes.codebook import CodebookPane
    from workbench.tui.widgets.panels import CodeTree, FragmentsView

    def anchor_of(name: str) -> int | None:
        return sql_rows(demo, "SELECT anchor_segment_id FROM code WHERE name = ?", name)[0][0]

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "2")
        tree = app.screen.query_one(CodeTree)
        assert tree.select_code("host role")
        await settle(app, pilot)
        await pilot.press("enter")  # to the fragments
        await pilot.press("down")
        view = app.screen.query_one("#code-fragments", FragmentsView)
        chosen = view.current
        assert chosen is not None
        await pilot.press("A")
        await settle(app, pilot)
        assert anchor_of("host role") == chosen.segment
        pane = app.screen.query_one(CodebookPane)
        assert pane.detail is not None and pane.detail.anchor == chosen.segment, pane.detail
        assert view.current is not None and view.current.segment == chosen.segment
        await pilot.press("A")  # on the anchor itself: cleared
        await settle(app, pilot)
        assert anchor_of("host role") is None
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert anchor_of("host role") == chosen.segment

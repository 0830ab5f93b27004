"""Taguette's CSV codebook (issue 15): ``codebook export -o codes.csv`` writes what Taguette's
codebook import reads, ``codebook load codes.csv`` reads what Taguette's export writes.

Taguette's reader is re-stated here from its source (``taguette/import_codebook.py``, 1.4):
header compared in lower case, the name from the one ``tag``/``name``/``path`` column, the
description from ``description``, cells trimmed, empty rows skipped. The CSV files read are
written by hand for the test (fictional codes).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import as_json, dump_file, sql_rows
from workbench.project.target import ProjectTarget

NAMES = (
    "Theme: stigma",
    "Welcome (host)",
    '"Home" feeling',
    "a & b | !c",
    "back\\slash",
    "2022-05-10T02:05:59Z 19e4dce",
    "café ‘t hoekje",
)
DESCRIPTIONS = {
    "Theme: stigma": 'People avoid a place, "it is for others", they say.',
    "Welcome (host)": "The host, owner or volunteer\nmakes someone feel welcome.",
    "café ‘t hoekje": "Het café op de hoek, met een komma, en meer.",
}


def taguette_reads(data: bytes) -> list[tuple[str, str]]:
    """(tag, description) as Taguette's codebook import reads ``data`` (a BOM tells it the
    encoding; it then reads with Python's csv module)."""
    text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode()
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [cell.lower() for cell in next(rows)]
    tag_at = header.index("tag")
    description_at = header.index("description") if "description" in header else None
    out = []
    for row in rows:
        if not any(row):
            continue
        description = row[description_at].strip() if description_at is not None else ""
        out.append((row[tag_at].strip(), description))
    return out


def _codes(target: ProjectTarget) -> dict[str, str]:
    return dict(sql_rows(target, "SELECT name, description FROM code"))


@pytest.fixture
def study(cli: Any, targets: Any) -> ProjectTarget:
    """A project with the free names (one of them under another) and some descriptions."""
    target = targets.new("taguette")
    cli("init", target)
    for name in NAMES:
        description = DESCRIPTIONS.get(name, "")
        cli("codebook", "add", target, name, "--description", description)
    cli("codebook", "add", target, "child (of home)", "--parent", '"Home" feeling')
    return target


def test_export_writes_what_taguette_reads(study: ProjectTarget, cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "codes.csv"
    result = cli("codebook", "export", study, "-o", out)
    assert result.stdout.strip() == f"wrote {len(NAMES) + 1} codes to {out}"
    assert "the code tree is flattened" in result.stderr  # the child is listed at the top
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbftag,description\r\n")
    expected = [(name, DESCRIPTIONS.get(name, "")) for name in NAMES]
    expected.insert(3, ("child (of home)", ""))  # tree order: after its parent
    assert taguette_reads(data) == expected


def test_formula_like_names_are_written_exactly_with_a_warning(
    cli: Any, targets: Any, tmp_path: Path
) -> None:
    target = targets.new("formula")
    cli("init", target)
    for name in ("=SUM(A1)", "- other", "+Internationale organisaties, (WHO, EU)", "@home"):
        cli("codebook", "add", target, "--", name)  # (-- : a name may start with -)
    out = tmp_path / "codes.csv"
    result = cli("codebook", "export", target, "-o", out)
    assert "4 codes have a name or description starting with = + - or @" in result.stderr
    names = [tag for tag, _ in taguette_reads(out.read_bytes())]
    assert names == ["=SUM(A1)", "- other", "+Internationale organisaties, (WHO, EU)", "@home"]


def test_load_reads_taguettes_export(
    study: ProjectTarget, cli: Any, targets: Any, tmp_path: Path
) -> None:
    # As Taguette 1.4 exports a codebook: four columns, CRLF, no BOM.
    book = tmp_path / "codebook.csv"
    book.write_bytes(
        b"tag,description,number of highlights,number of documents\r\n"
        b'Theme: stigma,"Avoiding a place, ""not for me"".",4,2\r\n'
        b'"""Home"" feeling",,1,1\r\n'
        b"gezelligheid,Warm en vertrouwd,0,0\r\n"
        b",,,\r\n"
        b"caf\xc3\xa9 \xe2\x80\x98t hoekje,,2,1\r\n"
    )
    before = _codes(study)
    result = cli("codebook", "load", study, book)
    assert result.stdout.strip() == "loaded 'codebook.csv': 1 new code, 1 description updated"
    after = _codes(study)
    assert after["Theme: stigma"] == 'Avoiding a place, "not for me".'  # updated
    assert after['"Home" feeling'] == before['"Home" feeling']  # no description: kept
    assert after["café ‘t hoekje"] == before["café ‘t hoekje"]
    assert after["gezelligheid"] == "Warm en vertrouwd"
    assert set(after) == set(before) | {"gezelligheid"}
    # One change: undo takes the whole load back.
    cli("undo", study)
    assert _codes(study) == before


def test_round_trip_through_the_csv(
    study: ProjectTarget, cli: Any, targets: Any, tmp_path: Path
) -> None:
    out = tmp_path / "codes.csv"
    cli("codebook", "export", study, "-o", out)
    again = targets.new("again")
    cli("init", again)
    cli("codebook", "load", again, out)
    assert _codes(again) == _codes(study)
    # The same file through `export --format taguette`, and in the JSON report.
    out2 = tmp_path / "codes2.csv"
    report = as_json(cli("export", study, "--format", "taguette", "-o", out2, "--json"))
    assert report == {"path": str(out2), "format": "taguette", "codes": len(NAMES) + 1}
    assert out2.read_bytes() == out.read_bytes()


def test_load_makes_clashing_and_unusable_names_visible(
    cli: Any, targets: Any, tmp_path: Path
) -> None:
    target = targets.new("clash")
    cli("init", target)
    book = tmp_path / "odd.csv"
    book.write_text(
        "Name,Description,Parent\n"  # Taguette also takes a 'name' column, any case
        "Lost place,first,\n"
        "lost  PLACE,second,Lost place\n"
        '"tab\there",third,\n'
        ",fourth,\n"
        "  Welcome (host)  ,fifth,\n",
        encoding="utf-8",
    )
    result = cli("codebook", "load", target, book)
    assert _codes(target) == {
        "Lost place": "first",
        "lost  PLACE (2)": "second",
        "tab here": "third",
        "Tag on line 5": "fourth",
        "Welcome (host)": "fifth",
    }
    warnings = result.stderr
    assert 'line 3: a second tag "lost  PLACE" loaded as "lost  PLACE (2)"' in warnings
    assert 'line 4: tag "tab\\x09here" loaded as "tab here"' in warnings
    assert 'line 5: a tag without a name loaded as "Tag on line 5"' in warnings
    assert "the 'parent' column was ignored: 1 tag loaded" in warnings
    assert all(line.startswith("workbench: warning: ") for line in warnings.splitlines())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"code,description\nx,y\n", "no 'tag', 'name' or 'path' column"),
        (b"tag,name\nx,y\n", "columns 'tag', 'name' both could hold the tag name"),
        (b"tag,description\ncaf\xe9,latin-1\n", "not UTF-8 text"),
        (b"description,tag\nonly one cell\n", "line 2: 1 column, the header has 2"),
        (b"", "empty file"),
        (b"tag,description\nx," + b"y" * 200_000 + b"\n", "not valid CSV (field larger"),
        (b'tag,description\n"never closed,x\n', "line 2: 1 column, the header has 2"),
    ],
)
def test_a_bad_file_is_refused_in_one_line(
    cli: Any, targets: Any, tmp_path: Path, content: bytes, reason: str
) -> None:
    target = targets.new("bad")
    cli("init", target)
    before = dump_file(target)
    book = tmp_path / "bad.csv"
    book.write_bytes(content)
    result = cli("codebook", "load", target, book, ok=False)
    assert result.exit_code != 0
    [line] = result.stderr.splitlines()
    assert line.startswith(f"workbench: error: {book}: ") and reason in line, line
    assert dump_file(target) == before


async def test_tui_export_dialog_writes_the_taguette_codebook(demo: ProjectTarget) -> None:
    from textual.widgets import Input, Select

    from tests.test_tui_screens import SIZE, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.dialogs.export import ExportDialog
    from workbench.tui.screens.main import MainScreen

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-kind", Select).value = "taguette"
        await pilot.pause()
        path = Path(dialog.query_one("#export-path", Input).value)
        assert path.name.endswith("-taguette.csv")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        shown = str(dialog.query_one("#export-result").render())
        assert "Wrote" in shown and "codes" in shown
    codes = sql_rows(demo, "SELECT name, description FROM code")
    written = taguette_reads(path.read_bytes())
    assert sorted(written) == sorted((name, description.strip()) for name, description in codes)

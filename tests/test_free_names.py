"""Any code or place name (issue 15): names with the characters the query language uses,
quotes, backslashes and accents are created from the command line and the TUI, queried,
exported to REFI-QDA and YAML and read back unchanged; names another tool wrote import as
written; names that cannot be used are refused in one line, the project unchanged.

The transcript is fictional, written for this test. The expected segments of every query come
from the codings this test made, not from the query module.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from textual.widgets import Input

from tests.conftest import SHARED, as_json, dump_file, sql_rows
from workbench.analysis import query
from workbench.coding.names import check_name, fit_name, name_key
from workbench.errors import did_you_mean, quoted
from workbench.project.target import ProjectTarget

SAMPLES = SHARED / "refi-qda" / "samples"

#: Names real codebooks use, with every character the query language gives a meaning.
NAMES = (
    "Theme: stigma",
    "Welcome (host)",
    '"Home" feeling',
    "a & b | !c",
    "back\\slash",
    "2022-05-10T02:05:59Z 19e4dce",
    "café ‘t hoekje",
)
#: Names that cannot be used: a control character, empty, only spaces, a lone surrogate.
BAD_NAMES = ("bell\x07here", "", "   ", "half \udcff surrogate", "two\nlines")

TRANSCRIPT = (
    "Interviewer 1: Hoe vaak kom je in het buurthuis?\n"
    "Interviewee 1: Elke dinsdag, voor de koffie en het praatje met de gastvrouw.\n"
    "Interviewer 1: En de bibliotheek aan het plein?\n"
    "Interviewee 1: Daar voel ik me echt welkom, ook als ik alleen kom.\n"
    "Interviewer 1: Mis je iets in de wijk?\n"
    "Interviewee 1: Het oude café op de hoek, dat is al jaren dicht.\n"
    "Interviewer 1: Waarom ga je niet naar het wijkcentrum?\n"
    "Interviewee 1: Dat is voor mensen met problemen, zeggen ze hier.\n"
)
DOCUMENT = "gesprek: 7 (Noord & Zuid)"
CASE = 'R7 "Jansen" (Noord)'
KIND = "buurthuis (oud) & nieuw"
PLACES = ("De Klup (oud)", 'Café "De Hoek" | dicht', "back\\slash plein")


def _lines() -> list[tuple[int, int]]:
    """(start, end) of every line of the transcript."""
    spans, start = [], 0
    for line in TRANSCRIPT.split("\n")[:-1]:
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _fragment_ids(cli: Any, target: ProjectTarget, text: str) -> set[int]:
    return {f["segment"] for f in as_json(cli("fragments", target, text, "--format", "json"))}


def _code_names(target: ProjectTarget) -> set[str]:
    return {row[0] for row in sql_rows(target, "SELECT name FROM code")}


@pytest.fixture
def study(cli: Any, targets: Any, tmp_path: Path) -> tuple[ProjectTarget, dict[str, int]]:
    """A project with the transcript, a code per name (made with ``codebook add``), places
    with free names, and one segment per code on its own line; returns the segment ids."""
    target = targets.new("names")
    cli("init", target, "--language", "nl")
    transcript = tmp_path / f"{DOCUMENT}.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    cli("import", target, transcript)
    cli("case", "add", target, CASE, "--doc", DOCUMENT)
    for name in NAMES:
        assert cli("codebook", "add", target, name).stdout.strip() == f"added code {name}"
    for place in PLACES:
        cli("place", "add", target, place, "--kind", KIND)
    segments: dict[str, int] = {}
    for name, (start, end) in zip(NAMES, _lines(), strict=False):
        coded = as_json(cli("code", target, DOCUMENT, start, end, name, "--json"))
        assert coded["codes"] == [name]
        segments[name] = coded["segment"]
    cli("link", target, segments[NAMES[0]], PLACES[0])
    cli("link", target, segments[NAMES[1]], PLACES[1])
    return target, segments


# --- the rule --------------------------------------------------------------------------------


def test_the_rule_keeps_names_and_refuses_what_is_not_text() -> None:
    for name in NAMES:
        assert check_name(name) == name
        assert check_name(f"  {name}\t ") == name  # trimmed at both ends only
    assert check_name("a  b") == "a  b"  # white space inside is kept...
    assert name_key("a  b") == name_key("A b")  # ...but two such names are the same name
    for bad in BAD_NAMES:
        with pytest.raises(ValueError) as refused:
            check_name(bad)
        message = str(refused.value)
        assert "\n" not in message and "\udcff" not in message and "\x07" not in message
    assert fit_name(" tab\there\r\nand\x00nul ") == "tab here  andnul"


@given(st.text(min_size=1).filter(lambda s: s.strip() and s == check_name_or_none(s)))
def test_any_name_is_written_in_a_query_and_read_back(name: str) -> None:
    node = query.parse(query.quote_term(name))
    assert isinstance(node, query.CodeTerm) and node.name == name
    for field in ("place", "case", "doc", "coder", "speaker", "kind", "status"):
        term = query.parse(query.field_term(field, name))
        assert isinstance(term, query.FieldTerm)
        assert (term.field, term.value) == (field, name)
    # An error's quoting is read back by the query language as the same name.
    node = query.parse(quoted(name))
    assert isinstance(node, query.CodeTerm) and node.name == name


def check_name_or_none(value: str) -> str | None:
    try:
        return check_name(value)
    except ValueError:
        return None


def test_quoting_by_hand() -> None:
    """The escapes written out (not by the function under test)."""
    assert query.quote_term("welcome") == "welcome"
    assert query.quote_term("host-role_2") == "host-role_2"
    assert query.quote_term("overlaps") == '"overlaps"'
    assert query.quote_term("Theme: stigma") == '"Theme: stigma"'
    assert query.quote_term('"Home" feeling') == '"\\"Home\\" feeling"'
    assert query.quote_term("back\\slash") == '"back\\\\slash"'
    assert query.field_term("place", "De Klup") == 'place:"De Klup"'
    assert (
        str(query.parse('"a & b | !c" & !"Welcome (host)"')) == '"a & b | !c" & !"Welcome (host)"'
    )


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="no POSIX shell to paste into")
def test_a_quoted_name_pastes_into_a_shell_unchanged() -> None:
    names = [*NAMES, "cost $HOME `date`", "tab-free \\$x"]
    for name in names:
        shown = quoted(name)
        echoed = subprocess.run(
            ["/bin/sh", "-c", f"printf '%s' {shown}"], capture_output=True, text=True, check=True
        ).stdout
        assert echoed == name, shown
    assert did_you_mean("Theme: stigm", list(NAMES)) == '; did you mean "Theme: stigma"?'


# --- the command line ------------------------------------------------------------------------


def test_cli_names_are_kept_and_queried_quoted(study: Any, cli: Any) -> None:
    target, segments = study
    assert _code_names(target) == set(NAMES)
    places = {row[0] for row in sql_rows(target, "SELECT name FROM place")}
    assert places == set(PLACES)
    assert {row[0] for row in sql_rows(target, "SELECT kind FROM place")} == {KIND}
    everything = set(segments.values())
    for name in NAMES:
        assert _fragment_ids(cli, target, query.quote_term(name)) == {segments[name]}
        assert _fragment_ids(cli, target, f"!{query.quote_term(name)}") == everything - {
            segments[name]
        }
    # Written by hand, with the escapes.
    assert _fragment_ids(cli, target, '"\\"Home\\" feeling"') == {segments['"Home" feeling']}
    assert _fragment_ids(cli, target, '"back\\\\slash"') == {segments["back\\slash"]}
    assert _fragment_ids(cli, target, '"a & b | !c" | "Theme: stigma"') == {
        segments["a & b | !c"],
        segments["Theme: stigma"],
    }
    assert _fragment_ids(cli, target, '"THEME:  stigma"') == {segments["Theme: stigma"]}
    # Field terms with free names.
    assert _fragment_ids(cli, target, 'place:"De Klup (oud)"') == {segments[NAMES[0]]}
    assert _fragment_ids(cli, target, 'place:"Café \\"De Hoek\\" | dicht"') == {segments[NAMES[1]]}
    assert _fragment_ids(cli, target, f"kind:{query.quote_term(KIND)}") == {
        segments[NAMES[0]],
        segments[NAMES[1]],
    }
    assert _fragment_ids(cli, target, f"doc:{query.quote_term(DOCUMENT)}") == everything
    assert _fragment_ids(cli, target, 'case:"R7 \\"Jansen\\" (Noord)"') == everything
    speakers = {row[0] for row in sql_rows(target, "SELECT DISTINCT speaker FROM turn")}
    assert speakers == {"Interviewer 1", "Interviewee 1"}  # labels with a space
    odd_lines = {segments[name] for i, name in enumerate(NAMES) if i % 2 == 0}
    assert _fragment_ids(cli, target, 'speaker:"Interviewer 1"') == odd_lines
    assert _fragment_ids(cli, target, 'speaker:"Interviewee 1"') == everything - odd_lines


def test_cli_renames_to_and_from_free_names(study: Any, cli: Any) -> None:
    target, segments = study
    cli("codebook", "rename", target, "Theme: stigma", "Thema: stigma (wijkcentrum)")
    cli("codebook", "rename", target, "back\\slash", 'slash/"quoted"')
    names = _code_names(target)
    assert "Thema: stigma (wijkcentrum)" in names and 'slash/"quoted"' in names
    assert _fragment_ids(cli, target, '"Thema: stigma (wijkcentrum)"') == {
        segments["Theme: stigma"]
    }
    assert _fragment_ids(cli, target, '"slash/\\"quoted\\""') == {segments["back\\slash"]}
    cli("place", "edit", target, "De Klup (oud)", "--rename", "De Klup: nieuw & (beter)")
    assert _fragment_ids(cli, target, 'place:"De Klup: nieuw & (beter)"') == {segments[NAMES[0]]}
    # The same name in another letter case or spacing is taken.
    taken = cli("codebook", "add", target, "welcome  (HOST)", ok=False)
    assert taken.exit_code != 0
    assert taken.stderr.strip() == 'workbench: error: a code called "Welcome (host)" already exists'
    # An error quotes the names so that they can be pasted back.
    missing = cli("codebook", "rename", target, "Welcome (hos)", "x", ok=False)
    assert missing.stderr.strip().endswith('did you mean "Welcome (host)"?')


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_cli_refuses_a_bad_name_in_one_line(study: Any, cli: Any, bad: str) -> None:
    target, _ = study
    before = dump_file(target)
    for args in (
        ("codebook", "add", target, bad),
        ("codebook", "rename", target, "Theme: stigma", bad),
        ("place", "add", target, bad, "--kind", KIND),
        ("place", "edit", target, PLACES[0], "--rename", bad),
        ("place", "add", target, "Nieuwe plek", "--kind", bad),
    ):
        result = cli(*args, ok=False)
        assert result.exit_code != 0, args
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("workbench: error: "), (args, lines)
        assert "cannot" in lines[0] and "Traceback" not in result.stderr
        assert "\x07" not in lines[0] and "\udcff" not in lines[0]
    assert dump_file(target) == before


# --- exchange --------------------------------------------------------------------------------


def test_names_travel_through_qdpx_qdc_and_yaml_unchanged(
    study: Any, cli: Any, targets: Any, tmp_path: Path
) -> None:
    target, segments = study
    cli("codebook", "add", target, 'child: (under) "Home"', "--parent", '"Home" feeling')
    names = _code_names(target)
    for suffix in ("qdpx", "qdc"):
        out = tmp_path / f"out.{suffix}"
        cli("export", target, "-o", out)
        again = targets.new(f"again-{suffix}")
        result = cli("import-qdpx", out, again)
        assert "changed" not in result.stderr and "imported as" not in result.stderr
        assert _code_names(again) == names
        assert {row[0] for row in sql_rows(again, "SELECT name FROM place")} == set(PLACES)
        parent = sql_rows(
            again,
            "SELECT p.name FROM code c JOIN code p ON p.id = c.parent_id WHERE c.name = ?",
            'child: (under) "Home"',
        )
        assert parent == [('"Home" feeling',)]
        if suffix == "qdpx":  # the codings came along: the quoted queries still find them
            for name in NAMES:
                assert len(_fragment_ids(cli, again, query.quote_term(name))) == 1
    book = tmp_path / "book.yaml"
    cli("codebook", "export", target, "-o", book)
    loaded = targets.new("loaded")
    cli("init", loaded)
    cli("codebook", "load", loaded, book)
    assert _code_names(loaded) == names
    kinds = {row[0] for row in sql_rows(loaded, "SELECT name FROM place_kind")}
    assert KIND in kinds


def test_yaml_codebook_refuses_names_that_clash_or_cannot_be_used(
    cli: Any, targets: Any, tmp_path: Path
) -> None:
    target = targets.new("y")
    cli("init", target)
    before = dump_file(target)
    cases = {
        'codes:\n- name: "Lost  place"\n- name: lost place\n': (
            'line 3: duplicate code name "lost place" (as "Lost  place" on line 2: names are '
            "unique in any letter case and spacing)"
        ),
        'codes:\n- name: "bell\\a"\n': "a code name cannot hold a control character (U+0007)",
        'codes:\n- name: "  "\n': "a code name cannot be empty",
    }
    for text, expected in cases.items():
        book = tmp_path / "bad.yaml"
        book.write_text(text, encoding="utf-8")
        result = cli("codebook", "load", target, book, ok=False)
        assert result.exit_code != 0
        [line] = result.stderr.splitlines()
        assert str(book) in line and expected in line, line
    assert dump_file(target) == before


SAMPLE_FILES = sorted(SAMPLES.glob("*")) if SAMPLES.is_dir() else []


def _xml_of(sample: Path) -> bytes:
    if sample.suffix == ".qdpx":
        with zipfile.ZipFile(sample) as archive:
            [member] = [n for n in archive.namelist() if n.casefold().endswith(".qde")]
            return archive.read(member)
    return sample.read_bytes()


@pytest.mark.skipif(
    not SAMPLE_FILES,
    reason="../shared/refi-qda/samples is absent (third-party files, not part of the repository)",
)
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_refi_sample_keeps_its_code_names(sample: Path, cli: Any, targets: Any) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(_xml_of(sample), parser)
    expected = sorted(
        (element.get("name") or "").strip()
        for element in root.iter()
        if isinstance(element.tag, str) and etree.QName(element).localname == "Code"
    )
    assert expected, sample
    target = targets.new("sample")
    result = cli("import-qdpx", sample, target)
    assert "name changed" not in result.stderr
    assert "names changed" not in result.stderr
    assert sorted(row[0] for row in sql_rows(target, "SELECT name FROM code")) == expected


def test_refi_import_makes_clashing_and_unusable_names_visible(
    cli: Any, targets: Any, tmp_path: Path
) -> None:
    guid = "{:08d}-1111-4111-8111-111111111111".format
    codes = [
        (guid(1), "Lost place"),
        (guid(2), "lost  PLACE"),  # the same name in another case and spacing
        (guid(3), "line&#10;break"),
        (guid(4), "   "),
        (guid(5), "Theme: stigma"),
    ]
    body = "".join(f'<Code guid="{g}" name="{n}" isCodable="true"/>' for g, n in codes)
    path = tmp_path / "book.qdc"
    path.write_text(
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{body}</Codes></CodeBook>',
        encoding="utf-8",
    )
    target = targets.new("clash")
    result = cli("import-qdpx", path, target)
    assert _code_names(target) == {
        "Lost place",
        "lost  PLACE 2",
        "line break",
        f"Code {guid(4)[:8]}",
        "Theme: stigma",
    }
    warnings = result.stderr
    assert '"lost  PLACE" imported as "lost  PLACE 2"' in warnings
    assert '"line\\x0abreak" as "line break"' in warnings
    assert f'"   " as "Code {guid(4)[:8]}"' in warnings


# --- the TUI ---------------------------------------------------------------------------------


async def test_tui_adds_and_renames_free_names_and_refuses_bad_ones(demo: ProjectTarget) -> None:
    from textual.message import Message
    from textual.notifications import Notification, Notify
    from textual.widgets import Label

    from tests.test_tui_screens import SIZE, open_tab, settle
    from workbench.tui import WorkbenchApp
    from workbench.tui.dialogs.forms import NewCodeForm, TextPrompt
    from workbench.tui.panes.codebook import CodebookPane
    from workbench.tui.widgets.panels import CodeTree

    notes: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification)

    def names() -> set[str]:
        return _code_names(demo)

    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await open_tab(app, pilot, "2")
        pane = app.screen.query_one(CodebookPane)
        tree = pane.query_one(CodeTree)
        start = names()
        for name in NAMES:
            await pilot.press("a")
            await settle(app, pilot)
            assert isinstance(app.screen, NewCodeForm)
            app.screen.query_one("#code-name", Input).value = name
            await pilot.press("enter")
            await settle(app, pilot)
            assert tree.current_name == name
        assert names() == start | set(NAMES)

        # A bad name: the form says why and stays open; nothing is written.
        before = dump_file(demo)
        for bad in BAD_NAMES:
            await pilot.press("a")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, NewCodeForm)
            form.query_one("#code-name", Input).value = bad
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form
            shown = str(form.query_one(".form-error", Label).render())
            assert ("cannot" in shown or "Give the code a name" in shown) and "\n" not in shown
            await pilot.press("escape")
            await settle(app, pilot)
        assert dump_file(demo) == before

        # Rename the code under the cursor (the last one added) to a free name, and back.
        assert tree.current_name == NAMES[-1]
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = 'Het "oude" café: (dicht) & weg'
        await pilot.press("enter")
        await settle(app, pilot)
        assert 'Het "oude" café: (dicht) & weg' in names() and NAMES[-1] not in names()
        assert tree.current_name == 'Het "oude" café: (dicht) & weg'

        # A rename to a bad name is refused by the core: one line, the project unchanged.
        before = dump_file(demo)
        await pilot.press("r")
        await settle(app, pilot)
        app.screen.query_one(Input).value = "bell\x07here"
        await pilot.press("enter")
        await settle(app, pilot)
        errors = [note for note in notes if note.severity == "error"]
        assert errors and "cannot hold a control character" in errors[-1].message
        assert "\n" not in errors[-1].message and "\x07" not in errors[-1].message
        assert dump_file(demo) == before
    assert {c for c in names() if c in NAMES} == set(NAMES[:-1])

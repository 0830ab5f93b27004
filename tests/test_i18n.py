"""The interface in English and Dutch (gettext): the catalog, the choice of language, plurals,
and the TUI in both languages.

The catalog checks scan the source themselves (with :mod:`ast`) and read the shipped ``.mo``
with the standard library's gettext, so they do not trust ``tools/compile_translations.py``
beyond the byte comparison that says the ``.mo`` was compiled from the ``.po`` as it is now.
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static, TabbedContent

from tests.conftest import REPO, SHIPPED_CODEBOOK, Targets
from workbench import i18n
from workbench.project.target import ProjectTarget
from workbench.services import coding as coding_service
from workbench.services import importing
from workbench.services.project import init_project, open_project
from workbench.tui import WorkbenchApp
from workbench.tui.dialogs.common import HelpScreen
from workbench.tui.screens.main import MainScreen

PACKAGE = REPO / "workbench"
PO = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "workbench.po"
MO = PO.with_suffix(".mo")

# A fictional interview, written for these tests.
TRANSCRIPT = (
    "Interviewer: Waar kom je graag in de buurt?\n"
    "Noor: In de bibliotheek aan het plein. Daar kennen de vrijwilligers mijn naam.\n"
    "Interviewer: En verder?\n"
    "Noor: Op woensdag in het buurthuis, dan drinken we samen koffie.\n"
)


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Whatever a test chose, the next one starts in English."""
    yield
    i18n.set_language("en")


# --- the catalog -----------------------------------------------------------------------------


def _po_entries() -> dict[tuple[str, str | None], list[str]]:
    """(msgid, msgid_plural) → translations, read from the .po with a small reader of its
    own (one quoted string per line, continuation lines joined)."""
    entries: dict[tuple[str, str | None], list[str]] = {}
    current: dict[str, str] = {}
    last = ""

    def flush() -> None:
        if "msgid" in current:
            forms = [current[k] for k in sorted(current) if k.startswith("msgstr")]
            entries[(current["msgid"], current.get("msgid_plural"))] = forms
        current.clear()

    for line in PO.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            current[last] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        if key == "msgid":
            flush()
        current[key] = ast.literal_eval(value)
        last = key
    flush()
    return entries


def _marked_in(root: Path) -> Iterator[tuple[str, int, str, str | None]]:
    """(file, line, msgid, msgid_plural) of every literal text marked for translation."""
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            args = [a.value if isinstance(a, ast.Constant) else a for a in node.args]
            where = str(path.relative_to(REPO))
            if name in ("_", "N_") and len(args) == 1 and isinstance(args[0], str):
                yield where, node.lineno, args[0], None
            elif name == "ngettext" and len(args) == 3 and isinstance(args[0], str):
                assert isinstance(args[1], str), f"{where}:{node.lineno}: plural not literal"
                yield where, node.lineno, args[0], args[1]
            elif name == "counted" and len(args) == 3 and isinstance(args[1], str):
                assert isinstance(args[2], str), f"{where}:{node.lineno}: plural not literal"
                yield where, node.lineno, args[1], args[2]


def test_every_marked_text_of_the_tui_has_a_dutch_translation() -> None:
    entries = _po_entries()
    missing = []
    found = 0
    for root in (PACKAGE / "tui", PACKAGE / "services"):
        for where, line, msgid, plural in _marked_in(root):
            found += 1
            forms = entries.get((msgid, plural))
            if not forms or not all(forms) or len(forms) != (2 if plural else 1):
                missing.append(f"{where}:{line}: {msgid!r}")
    assert found > 400  # the scan found the TUI's texts (not an empty tree)
    assert not missing, "texts without a Dutch translation:\n" + "\n".join(missing)


def test_no_text_is_built_before_it_is_translated() -> None:
    """``_(f"...")`` or ``_("..." % x)`` would look up a text no catalog holds."""
    offenders = []
    for path in sorted((PACKAGE / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_", "ngettext")
                and node.args
                and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))
            ):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders


def _fields(text: str) -> list[str]:
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


def test_translations_keep_the_placeholders_and_the_markup() -> None:
    problems = []
    for (msgid, plural), forms in _po_entries().items():
        if not msgid:
            continue
        for form in forms:
            if _fields(form) not in (_fields(msgid), _fields(plural or msgid)):
                problems.append(f"{msgid!r}: placeholders of {form!r}")
            tags = re.compile(r"\[/?[a-z]*\]")
            if sorted(tags.findall(form)) != sorted(tags.findall(msgid)):
                problems.append(f"{msgid!r}: markup of {form!r}")
    assert not problems, "\n".join(problems)


def _compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compile_translations", REPO / "tools" / "compile_translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    compiler = _compiler()
    fresh = compiler.compile_mo(compiler.parse_po(PO.read_text(encoding="utf-8")))
    assert MO.read_bytes() == fresh, "run: python tools/compile_translations.py"
    # And the standard library reads every entry of it back as the .po says.
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for (msgid, plural), forms in _po_entries().items():
        if not msgid:
            continue
        if plural is None:
            assert catalog.gettext(msgid) == forms[0]
        else:
            assert catalog.ngettext(msgid, plural, 1) == forms[0]
            assert catalog.ngettext(msgid, plural, 2) == forms[1]
            assert catalog.ngettext(msgid, plural, 0) == forms[1]


def test_the_catalogs_are_in_the_package_data() -> None:
    """The wheel takes every file of the package folder that git does not ignore."""
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    catalogs = ("*.mo", "*.po", "locale/", "workbench/locale/")
    assert not any(pattern in catalogs for pattern in ignored)
    assert i18n.LOCALE_DIR == PO.parents[2]


# --- choosing the language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "project", "chosen"),
    [
        ({}, None, "en"),
        ({"LANG": "nl_NL.UTF-8"}, None, "nl"),
        ({"LANG": "nl_BE.UTF-8", "LC_ALL": "de_DE.UTF-8"}, None, "en"),  # LC_ALL first
        ({"LC_MESSAGES": "nl_NL", "LANG": "en_GB.UTF-8"}, None, "nl"),
        ({"LANG": "C"}, None, "en"),
        ({"LANG": "en_GB.UTF-8"}, "nl", "nl"),  # the project's language before the locale
        ({"LANG": "nl_NL.UTF-8"}, "en", "en"),
        ({"LANG": "nl_NL.UTF-8"}, "de", "nl"),  # a language the interface lacks: the locale
        ({"WORKBENCH_LANGUAGE": "en", "LANG": "nl_NL.UTF-8"}, "nl", "en"),  # the setting first
        ({"WORKBENCH_LANGUAGE": "nl"}, "en", "nl"),
        ({"WORKBENCH_LANGUAGE": "fr"}, "nl", "en"),
    ],
)
def test_choose_language(environ: dict[str, str], project: str | None, chosen: str) -> None:
    assert i18n.choose_language(project, environ) == chosen


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["0 segments", "1 segment", "2 segments", "1,500 segments"]),
        ("nl", ["0 segmenten", "1 segment", "2 segmenten", "1.500 segmenten"]),
    ],
)
def test_counts_take_the_right_form(language: str, expected: list[str]) -> None:
    i18n.set_language(language)
    assert [i18n.counted(n, "segment", "segments") for n in (0, 1, 2, 1500)] == expected


@pytest.mark.parametrize(
    ("singular", "plural", "dutch"),
    [
        ("document", "documents", ("document", "documenten")),
        ("case", "cases", ("casus", "casussen")),
        ("turn", "turns", ("beurt", "beurten")),
        ("fragment", "fragments", ("fragment", "fragmenten")),
        ("sub-code", "sub-codes", ("subcode", "subcodes")),
        ("place", "places", ("plek", "plekken")),
    ],
)
def test_every_unit_counts_right_in_both_languages(
    singular: str, plural: str, dutch: tuple[str, str]
) -> None:
    for language, one, many in (("en", singular, plural), ("nl", *dutch)):
        i18n.set_language(language)
        assert i18n.counted(0, singular, plural) == f"0 {many}"
        assert i18n.counted(1, singular, plural) == f"1 {one}"
        assert i18n.counted(2, singular, plural) == f"2 {many}"


def test_labels_show_only_in_their_language() -> None:
    i18n.set_language("en")
    assert not i18n.shows_labels("nl") and i18n.shows_labels("en") and i18n.shows_labels(None)
    i18n.set_language("nl")
    assert i18n.shows_labels("nl") and i18n.shows_labels("nl_NL") and not i18n.shows_labels("en")


# --- the TUI ---------------------------------------------------------------------------------


def _study(targets: Targets, folder: Path, language: str) -> ProjectTarget:
    """A project in ``language`` with the shipped (Dutch) codebook and one interview whose
    first turn is coded twice with the code "places and use" (2 segments, 1 document)."""
    target = targets.new(f"study-{language}")
    init_project(target, language=language, codebook_path=SHIPPED_CODEBOOK)
    source = folder / "noor.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    project = open_project(target)
    try:
        (document,) = importing.import_files(project, [source])
        for word in ("bibliotheek", "vrijwilligers"):
            start = TRANSCRIPT.index(word)
            coding_service.code_span(
                project, document.name, start, start + len(word), ["places and use"]
            )
    finally:
        project.dispose()
    return target


async def _settle(app: WorkbenchApp, pilot: Pilot[None]) -> None:
    for _ in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.busy and not any(w.is_running for w in app.workers):
            return
    raise AssertionError("the app did not settle")


def _tab_titles(app: WorkbenchApp) -> list[str]:
    tabs = app.screen.query_one(TabbedContent)
    return [str(tabs.get_tab(tab).label) for tab in ("documents", "codebook", "places", "analysis")]


def _footer(app: WorkbenchApp) -> set[str]:
    return {str(getattr(key, "description", "")) for key in app.screen.query("FooterKey")}


def _text(widget: Static | Label) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Content) else str(rendered)


SHOWN: dict[str, dict[str, Any]] = {
    "en": {
        "tabs": ["Documents", "Codebook", "Places", "Analysis"],
        "footer": {"Undo", "Help", "Quit"},
        "help": ("Keys", "The keys of this screen", "select text in the transcript"),
        "counts": "2 segments in 1 document",
        "columns": ["Document", "Cases", "Words", "Turns", "Segments"],
        "definition": "Definition",
    },
    "nl": {
        "tabs": ["Documenten", "Codeboek", "Plekken", "Analyse"],
        "footer": {"Ongedaan maken", "Help", "Afsluiten"},
        "help": ("Toetsen", "De toetsen van dit scherm", "tekst in het transcript selecteren"),
        "counts": "2 segmenten in 1 document",
        "columns": ["Document", "Casussen", "Woorden", "Beurten", "Segmenten"],
        "definition": "Definitie",
    },
}
"""What each language shows: written out here, not read from the catalog."""


async def _check_language(app: WorkbenchApp, pilot: Pilot[None], language: str) -> None:
    shown = SHOWN[language]
    assert isinstance(app.screen, MainScreen)
    assert i18n.language() == language
    titles = _tab_titles(app)
    for title, expected in zip(titles, shown["tabs"], strict=True):
        assert expected in title, titles
    assert set(shown["footer"]) <= _footer(app), _footer(app)
    # Texts made when the screen was built (before the project told its language).
    table = app.screen.query_one("#documents-table", DataTable)
    columns = [str(column.label) for column in table.columns.values()]
    assert columns[:5] == shown["columns"], columns
    # The codebook: the Dutch codebook's label only in a Dutch interface, and the counts.
    await pilot.press("2")
    await _settle(app, pilot)
    assert app.screen.query_one("#code-detail-scroll").border_title == shown["definition"]
    detail = _text(app.screen.query_one("#code-detail", Static))
    assert detail.startswith("■ places and use")
    assert ("Plekken en gebruik" in detail) == (language == "nl"), detail
    assert shown["counts"] in detail, detail
    assert "segmenten" not in detail if language == "en" else "segments" not in detail
    # The help screen.
    await pilot.press("question_mark")
    await _settle(app, pilot)
    assert isinstance(app.screen, HelpScreen)
    texts = [_text(label) for label in app.screen.query(Label)]
    for expected in shown["help"]:
        assert expected in texts, texts
    await pilot.press("escape")
    await _settle(app, pilot)


@pytest.mark.parametrize("language", ["en", "nl"])
async def test_the_setting_chooses_the_language_of_the_tui(
    targets: Targets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    # The project is Dutch in both: the setting decides.
    target = _study(targets, tmp_path, "nl")
    monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
    app = WorkbenchApp(target)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await _check_language(app, pilot, language)


@pytest.mark.parametrize(("project", "locale"), [("nl", "en_GB.UTF-8"), ("en", "nl_NL.UTF-8")])
async def test_without_the_setting_the_project_chooses(
    targets: Targets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: str, locale: str
) -> None:
    """The screens are built before the project is open; they are built again in its
    language, and work as before (the tab keys, the focus)."""
    target = _study(targets, tmp_path, project)
    monkeypatch.delenv("WORKBENCH_LANGUAGE")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", locale)
    app = WorkbenchApp(target)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        assert app.screen.focused is not None  # the documents table, as before
        await _check_language(app, pilot, project)
        await pilot.press("1")
        await _settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "documents"


async def test_the_code_picker_shows_labels_only_in_their_language(
    targets: Targets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input, OptionList

    from workbench.tui.screens.coding import CodingScreen

    target = _study(targets, tmp_path, "nl")
    for language in ("en", "nl"):
        monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
        app = WorkbenchApp(target)
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(app, pilot)
            await pilot.press("enter")  # open the interview
            await _settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, CodingScreen)
            start = TRANSCRIPT.index("buurthuis")
            screen.transcript.select_span(start, start + len("buurthuis"))
            await pilot.press("c")
            await _settle(app, pilot)
            assert screen.picker is not None
            options = screen.picker.query_one(OptionList)
            shown = [str(options.get_option_at_index(i).prompt) for i in range(5)]
            assert any(s.strip().startswith("■ places and use") for s in shown), shown
            labelled = any("Plekken en gebruik" in s for s in shown)
            assert labelled == (language == "nl"), shown
            placeholder = screen.picker.query_one(Input).placeholder
            assert placeholder == (
                "type to filter codes or a new code's name"
                if language == "en"
                else "typ om codes te filteren, of de naam van een nieuwe code"
            )
            await pilot.press("escape")
            await _settle(app, pilot)

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
import json
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static, TabbedContent

from tests.conftest import REPO, SHIPPED_CODEBOOK, Targets
from tests.test_tui_screens import settle as settle_app
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
    """Whatever a test chose, the next one starts in English (the command line's help
    texts too, which a run of a command translates in place)."""
    yield
    i18n.set_language("en")
    from workbench.cli import COMMANDS, load_command, localize

    for name in COMMANDS:
        localize(load_command(name))


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


def _package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _click_help_texts() -> Iterator[tuple[str, int, str]]:
    """The command line's help as click shows it: every command's docstring (cleaned as
    click cleans it) and every literal ``help=`` in ``workbench/cli``."""
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        where = str(path.relative_to(REPO))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [
                    getattr(d.func if isinstance(d, ast.Call) else d, "attr", "")
                    for d in node.decorator_list
                ]
                doc = ast.get_docstring(node)
                if doc and {"command", "group"} & set(names):
                    yield where, node.lineno, doc
            elif isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg == "help" and isinstance(value, ast.Constant):
                        yield where, node.lineno, str(value.value)


def test_every_marked_text_of_the_package_and_the_help_has_a_dutch_translation() -> None:
    entries = _po_entries()
    missing = []
    found = 0
    for where, line, msgid, plural in _marked_in(PACKAGE):
        found += 1
        forms = entries.get((msgid, plural))
        if not forms or not all(forms) or len(forms) != (2 if plural else 1):
            missing.append(f"{where}:{line}: {msgid!r}")
    helps = list(_click_help_texts())
    for where, line, msgid in helps:
        if not all(entries.get((msgid, None), [""])):
            missing.append(f"{where}:{line}: help {msgid[:60]!r}")
    assert found > 1000 and len(helps) > 100  # the scans found the texts
    assert not missing, "texts without a Dutch translation:\n" + "\n".join(missing)


def _user_error_classes() -> set[str]:
    """The names of the exceptions a user reads: WorkbenchError and every class deriving from
    it anywhere in the package (found in the source, to a fixed point)."""
    bases: dict[str, set[str]] = {}
    for path in _package_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                )
    found = {"WorkbenchError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def _has_words(node: ast.expr) -> bool:
    """An English text literal: a string constant, or an f-string, with a word in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.search(r"[a-z]{2,}", node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    return False


def test_every_error_a_user_reads_is_marked_for_translation() -> None:
    """No ``raise NotFound(f"no such ...")`` anywhere: a user-facing error's message is a
    literal only inside ``_()`` (or ``ngettext``), so that it is shown in the user's language."""
    classes = _user_error_classes()
    assert {"InvalidValue", "NotFound", "InputError", "QueryError", "DamagedArchive"} <= classes
    offenders = []
    for path in _package_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in classes and any(_has_words(arg) for arg in node.exc.args):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}")
    assert not offenders, "errors raised with an English text not marked:\n" + "\n".join(offenders)


def test_no_text_is_built_before_it_is_translated() -> None:
    """``_(f"...")`` or ``_("..." % x)`` would look up a text no catalog holds."""
    offenders = []
    for path in _package_modules():
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


def test_the_catalog_holds_only_texts_the_source_marks() -> None:
    """A text the source no longer marks is dropped (``--update`` does it), so the catalog
    does not grow stale translations a translator would keep up for nothing."""
    marked = _compiler().source_texts()
    stale = [key for key in _po_entries() if key[0] and key not in marked]
    assert len(marked) > 1000
    assert not stale, "run: python tools/compile_translations.py --update\n" + "\n".join(
        repr(msgid) for msgid, _plural in stale
    )


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
    """Wait until every worker is done, the write queue is empty and messages are handled
    (one helper for every TUI test: a worker replaced by a newer one is waited past)."""
    await settle_app(app, pilot)


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


@pytest.mark.parametrize(
    ("language", "kind", "status", "area_kinds"),
    [
        ("nl", "Bibliotheek", "Verdwenen", "Horeca (café, kroeg, lunchroom) 1, Bibliotheek 1"),
        ("en", "library", "lost", "cafe_pub 1, library 1"),
    ],
)
async def test_place_kinds_and_statuses_show_in_the_interface_language(
    targets: Targets,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    kind: str,
    status: str,
    area_kinds: str,
) -> None:
    """The Places tab shows a kind and a status by the (Dutch) codebook's label in a Dutch
    interface, by name in an English one, as it does for codes."""
    from workbench.services import places as places_service
    from workbench.tui.dialogs.common import PlacePicker
    from workbench.tui.panes.places import AreasTable, PlacesPane
    from workbench.tui.widgets.panels import PlacesTable

    target = _study(targets, tmp_path, "nl")
    project = open_project(target)
    try:
        places_service.add_place(
            project, "De Boekenkast", kind="library", status="lost", neighbourhood="Hatert"
        )
        places_service.add_place(project, "Het Hoekje", kind="cafe_pub", neighbourhood="Hatert")
    finally:
        project.dispose()
    monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
    app = WorkbenchApp(target)
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        await _settle(app, pilot)
        table = app.screen.query_one(PlacesTable)
        row = [str(cell) for cell in table.get_row("De Boekenkast")]
        assert row[1:3] == [status, kind], row
        pane = app.screen.query_one(PlacesPane)
        assert pane.words.status("existing") == ("Bestaand" if language == "nl" else "existing")
        areas = app.screen.query_one(AreasTable)
        assert str(areas.get_row(areas.coordinate_to_cell_key((0, 0)).row_key)[-1]) == area_kinds
        # The same words beside a transcript: its places list and the place picker.
        await pilot.press("1")
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        side = app.screen.query_one(PlacesTable)
        assert [str(cell) for cell in side.get_row("De Boekenkast")][1:3] == [status, kind]
        await pilot.press("full_stop", "p")  # a sentence to link
        await _settle(app, pilot)
        picker = app.screen.picker  # type: ignore[attr-defined]
        assert isinstance(picker, PlacePicker)
        (choice,) = [c for c in picker.choices if c.key == "De Boekenkast"]
        assert choice.detail == f"{kind} · {status}"


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
async def test_the_footer_shows_only_whole_keys_in_dutch(
    targets: Targets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Dutch descriptions are longer: at 80 columns the keys that do not fit whole are hidden
    (no "^z Ongedaan ma"), the palette key stays at the right; at 200 columns all show."""
    from textual.widgets._footer import FooterKey, FooterLabel

    from workbench.tui.widgets.footer import PALETTE, FittingFooter

    target = _study(targets, tmp_path, "nl")
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "nl")
    app = WorkbenchApp(target)
    hidden = 0
    async with app.run_test(size=size) as pilot:
        for key in ("2", "3", "4", "1", "enter"):  # the four tabs, then a transcript
            await pilot.press(key)
            await _settle(app, pilot)
            footer = app.screen.query_one(FittingFooter)
            # Textual recomposes the footer over a few refreshes (more under load): while it
            # does, the old keys are being removed and read as hidden (`display` is False for a
            # widget being removed), the palette key's too, which the footer never hides. Look
            # until the palette key is there and shown, then check without waiting in between.
            for _wait in range(600):
                if [k for k in footer.query(FooterKey) if k.has_class(PALETTE) and k.display]:
                    break
                await pilot.pause(0.05)
            footer.fit()
            # What the footer decided, against widths worked out here from the text: the keys
            # shown fit whole beside the palette key, and the next one would not have.
            (palette,) = [k for k in footer.query(FooterKey) if k.has_class(PALETTE)]
            room = footer.size.width - len(f"{palette.key_display} {palette.description}") - 2
            used, first_hidden = 0, None
            for child in footer.children:
                if child is palette:
                    continue
                texts = [
                    f"{k.key_display} {k.description}".strip()
                    for k in ([child] if isinstance(child, FooterKey) else child.query(FooterKey))
                ]
                if isinstance(child, FooterLabel):
                    texts = [str(child.content)]
                width = sum(len(t) for t in texts) + len(texts)  # a space or margin after each
                if child.display:
                    assert first_hidden is None, (first_hidden, texts)  # hidden: the rest too
                    used += width
                elif first_hidden is None:
                    first_hidden = width
            assert used <= room + 1, (used, room)
            assert first_hidden is None or used + first_hidden > room - 1, (used, first_hidden)
            keys = [key for key in footer.query(FooterKey) if not key.has_class(PALETTE)]
            shown = [key for key in keys if key.display and key.parent.display]
            hidden += len(keys) - len(shown)
    assert (hidden > 0) is (size[0] < 200)


@pytest.mark.parametrize(
    ("language", "titles", "placeholder"),
    [
        ("nl", {"Thema", "Afsluiten", "Toetsen", "Schermafbeelding"}, "Opdrachten zoeken…"),
        ("en", {"Theme", "Quit", "Keys", "Screenshot"}, "Search for commands…"),
    ],
)
async def test_the_command_palette_speaks_the_interface_language(
    targets: Targets,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    titles: set[str],
    placeholder: str,
) -> None:
    """Textual's own commands (theme, quit, keys, screenshot) and the search field."""
    from textual.command import CommandPalette
    from textual.widgets import Input

    target = _study(targets, tmp_path, "nl")
    monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
    app = WorkbenchApp(target)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        commands = list(app.get_system_commands(app.screen))
        assert titles <= {command.title for command in commands}
        assert all(command.help for command in commands)
        await pilot.press("ctrl+p")
        await _settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == placeholder
        await pilot.press("escape")
        app.search_themes()  # what the palette's Theme command opens
        await _settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        themes = app.screen.query_one(Input).placeholder
        assert themes == ("Thema's zoeken…" if language == "nl" else "Search for themes…")


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


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_helps_in_dutch_and_in_english(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "nl")
    shown = cli("--help").stdout
    assert "Opdrachten:" in shown and "Opties:" in shown and shown.startswith("Gebruik: ")
    assert "Deze hulptekst tonen en stoppen." in shown  # click's own words too
    assert "Een nieuw projectbestand maken." in shown  # init, from the list of commands
    assert "De workbench: interviewtranscripten coderen" in shown  # the group's own help
    assert "Create a new project file." not in shown
    shown = cli("code", "--help").stdout
    assert "Het stuk START..END (codepunten, END niet meegerekend)" in shown
    assert "Aan een plek koppelen; herhaalbaar." in shown  # an option of its own
    assert "Wie dit doet (standaard: $WORKBENCH_CODER of je inlognaam)." in shown  # shared
    assert "Link to a place" not in shown
    shown = cli("codebook", "--help").stdout
    assert "Een code hernoemen (de coderingen blijven)." in shown  # a sub-command's line
    # The same command objects, in English again.
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "en")
    shown = cli("code", "--help").stdout
    assert "Code the span START..END (code points, end exclusive)" in shown
    assert "Link to a place; repeatable." in shown
    assert "Aan een plek" not in shown
    shown = cli("--help").stdout
    assert "Create a new project file." in shown and shown.startswith("Usage: ")
    assert "Options:" in shown and "Show this message and exit." in shown


def test_help_follows_the_locale_without_the_setting(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBENCH_LANGUAGE")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert "Een code toevoegen." in cli("codebook", "--help").stdout
    monkeypatch.setenv("LANG", "C")
    assert "Add a code." in cli("codebook", "--help").stdout


def _close_code(target: ProjectTarget) -> list[str]:
    """The argument list of ``code`` with a misspelt code name ("places and us")."""
    start = TRANSCRIPT.index("koffie")
    return ["code", str(target), "noor", str(start), str(start + 6), "places and us"]


def test_an_error_in_dutch_and_in_english(
    targets: Targets, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _study(targets, tmp_path, "nl")
    before = cli("history", target, "--all", "--json").stdout
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "nl")
    failed = cli(*_close_code(target), ok=False)
    assert failed.exit_code == 1
    assert failed.stderr.startswith(
        'workbench: fout: geen code met de naam "places and us"; bedoel je "places and use"'
    ), failed.stderr
    assert failed.stderr.rstrip().endswith("?") and failed.stderr.count("\n") == 1
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "en")
    failed = cli(*_close_code(target), ok=False)
    assert failed.stderr.startswith(
        'workbench: error: no code called "places and us"; did you mean "places and use"'
    ), failed.stderr
    assert cli("history", target, "--all", "--json").stdout == before  # nothing changed
    # An error the command line itself raises, before any project is opened.
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "nl")
    failed = cli("history", target, "--all", "--coder", "x", ok=False)
    assert "geef --coder NAME of --all, niet allebei" in failed.stderr


def test_json_output_is_the_same_in_both_languages(
    targets: Targets, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _study(targets, tmp_path, "nl")
    commands = [
        ("docs", target, "--json"),
        ("codes", target, "--json"),
        ("history", target, "--all", "--json"),
        ("turns", target, "noor", "--json"),
        ("suggest", target, "--all", "--json"),
        ("check", target, "--json"),
    ]
    shown = {}
    for language in ("en", "nl"):
        monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
        shown[language] = [cli(*command, ok=False).stdout for command in commands]
    assert shown["en"] == shown["nl"]
    # The texts inside a document (a suggestion's reason) are English too.
    reasons = [row["reason"] for row in json.loads(shown["nl"][4])]
    assert reasons and all("keyword" in reason for reason in reasons), reasons
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "nl")
    assert "trefwoord" in cli("suggest", target, "--all").stdout  # shown: Dutch
    history = json.loads(shown["nl"][2])
    summaries = [row["summary"] for row in history]  # the two codings of _study
    assert len(summaries) == 2 and all(
        text.startswith("code noor ") and text.endswith(" with places and use")
        for text in summaries
    ), summaries  # English, as the change log keeps them
    # A change made from a Dutch command line is logged in English, and undone alike.
    start = TRANSCRIPT.index("koffie")
    made = cli("code", target, "noor", start, start + 6, "places and use", "--json").stdout
    assert json.loads(made)["codes"] == ["places and use"]
    summary = json.loads(cli("history", target, "--json").stdout)[0]["summary"]
    assert summary == f"code noor {start}-{start + 6} with places and use", summary
    undone = cli("undo", target).stdout
    assert undone == f"ongedaan gemaakt: {summary}\n"


def test_a_json_document_is_english_whatever_the_language(
    targets: Targets, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes built deep in the core (here the reader's note on a Windows-1252 file) are in
    the user's language on the terminal, and English in ``--json``: a command asked for JSON
    runs in English."""
    source = tmp_path / "oud.txt"
    text = "Interviewer: Hoe was het café?\n\nP1: Gezellig, naïef misschien.\n"
    source.write_bytes(text.encode("cp1252"))
    documents = {}
    for language in ("en", "nl"):
        monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
        target = targets.new(f"json-{language}")
        cli("init", target, "--language", "nl")
        documents[language] = json.loads(cli("import", target, source, "--json").stdout)
    assert documents["en"] == documents["nl"]
    (note,) = documents["nl"][0]["notes"]
    assert note.startswith("oud.txt: not UTF-8; read as Windows-1252"), note
    target = targets.new("shown")
    cli("init", target, "--language", "nl")
    shown = cli("import", target, source)
    assert "geen UTF-8; gelezen als Windows-1252" in shown.stderr + shown.stdout
    assert "not UTF-8" not in shown.stderr + shown.stdout


@pytest.mark.parametrize(("project", "locale"), [("nl", "en_GB.UTF-8"), ("en", "nl_NL.UTF-8")])
def test_the_project_chooses_the_language_of_the_command_line(
    targets: Targets,
    tmp_path: Path,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
    project: str,
    locale: str,
) -> None:
    target = _study(targets, tmp_path, project)
    monkeypatch.delenv("WORKBENCH_LANGUAGE")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", locale)
    added = cli("codebook", "add", target, "buurthuis").stdout
    listed = cli("docs", target).stdout.splitlines()[0].split()
    missing = cli("codebook", "rename", target, "buurthuiz", "x", ok=False).stderr
    if project == "nl":
        assert added == "code buurthuis toegevoegd\n"
        assert listed == ["document", "casussen", "woorden", "beurten", "segmenten", "taal"]
        assert missing.startswith('workbench: fout: geen code met de naam "buurthuiz"; bedoel')
    else:
        assert added == "added code buurthuis\n"
        assert listed == ["document", "cases", "words", "turns", "segments", "lang"]
        assert missing.startswith('workbench: error: no code called "buurthuiz"; did you mean')


def test_the_core_raises_its_errors_in_the_interface_language(
    targets: Targets, tmp_path: Path
) -> None:
    from workbench.errors import WorkbenchError
    from workbench.services import history

    target = _study(targets, tmp_path, "nl")
    empty = tmp_path / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    project = open_project(target)
    try:
        start = TRANSCRIPT.index("koffie")
        attempts = {
            "span": lambda: coding_service.code_span(
                project, "noor", start + 6, start, ["places and use"]
            ),
            "empty": lambda: importing.import_files(project, [empty]),
            "redo": lambda: history.step(project, undo=False, coder="noor"),
        }
        said: dict[str, dict[str, str]] = {}
        for language in ("en", "nl"):
            i18n.set_language(language)
            said[language] = {}
            for name, attempt in attempts.items():
                with pytest.raises(WorkbenchError) as caught:
                    attempt()
                said[language][name] = str(caught.value)
    finally:
        project.dispose()
    end = start + 6
    assert said["en"] == {
        "span": f"end ({start}) must be greater than start ({end})",
        "empty": f"{empty}: the file is empty (no text to import)",
        "redo": "nothing to redo for noor",
    }
    assert said["nl"] == {
        "span": f"het einde ({start}) moet groter zijn dan het begin ({end})",
        "empty": f"{empty}: het bestand is leeg (geen tekst om te importeren)",
        "redo": "niets om opnieuw te doen voor noor",
    }


def test_clicks_usage_errors_in_dutch_and_in_english(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click's own error lines (the usage, the hint, "Error:" and the message) follow the
    interface's language: click translates them with a gettext domain of its own. (click's
    test runner calls the program "main".)"""
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "nl")
    failed = cli("code", "study.db", "noor", "1", "zz", "x", ok=False)
    assert failed.exit_code == 2
    assert failed.stderr == (
        "Gebruik: main code [OPTIONS] PROJECT DOCUMENT START END CODE...\n"
        "Typ 'main code --help' voor hulp.\n\n"
        "Fout: Ongeldige waarde voor 'END': 'zz' is geen geheel getal.\n"
    ), failed.stderr
    failed = cli("docs", "--jsn", "study.db", ok=False)
    assert failed.stderr.endswith("Fout: Er is geen optie '--jsn'. Bedoel je '--json'?\n")
    failed = cli("codez", ok=False)
    assert failed.stderr.endswith("Fout: Er is geen opdracht 'codez'.\n"), failed.stderr
    failed = cli("docs", ok=False)
    assert failed.stderr.endswith("Fout: Het argument 'PROJECT' ontbreekt.\n")
    assert "Usage" not in failed.stderr and "Error" not in failed.stderr
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "en")
    failed = cli("code", "study.db", "noor", "1", "zz", "x", ok=False)
    assert failed.exit_code == 2
    assert failed.stderr == (
        "Usage: main code [OPTIONS] PROJECT DOCUMENT START END CODE...\n"
        "Try 'main code --help' for help.\n\n"
        "Error: Invalid value for 'END': 'zz' is not a valid integer.\n"
    ), failed.stderr
    failed = cli("docs", "--jsn", "study.db", ok=False)
    assert failed.stderr.endswith("Error: No such option '--jsn'. Did you mean '--json'?\n")


@pytest.mark.parametrize(("language", "said"), [("nl", "Afgebroken!"), ("en", "Aborted!")])
@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError, click.Abort])
def test_an_interrupted_command_says_so_in_the_interface_language(
    cli: Any, monkeypatch: pytest.MonkeyPatch, language: str, said: str, stop: type
) -> None:
    """ctrl+c, the end of input at a prompt, or a refused confirmation: click would print its
    own English "Aborted!"; the workbench prints it in the user's language, status 1."""

    @click.command()
    def interrupted() -> None:
        raise stop()

    monkeypatch.setattr("workbench.cli.load_command", lambda name: interrupted)
    monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
    result = cli("docs", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip() == said


def test_a_malformed_archive_is_refused_in_dutch_and_in_english(
    targets: Targets, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safe archive reader's errors (a .qdpx that is no zip, a zip cut short, a member
    escaping the folder, a root that is not REFI-QDA's, a Word file cut short) in both
    languages; the project unchanged."""
    import zipfile

    target = _study(targets, tmp_path, "en")
    before = cli("history", target, "--all", "--json").stdout
    notes = tmp_path / "notes.qdpx"
    notes.write_text("These are my notes, not an archive.\n", encoding="utf-8")
    whole = tmp_path / "whole.qdpx"
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("project.qde", "<Project/>")
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(whole.read_bytes()[:40])
    escaping = tmp_path / "escaping.qdpx"
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr("../project.qde", "<Project/>")
    foreign = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("project.qde", "<Notes/>")
    word = tmp_path / "cut.docx"
    word.write_bytes(whole.read_bytes()[:40])
    expected = {
        "en": [
            f"{notes}: not a zip archive (a .qdpx file is a zip)",
            f"{cut}: damaged zip archive (",
            f"{escaping}: member '../project.qde' has a path that escapes the archive folder (..)",
            f"{foreign}: not a REFI-QDA project or codebook (root element <Notes>)",
            f"{word}: damaged or truncated Word (.docx) file (",
        ],
        "nl": [
            f"{notes}: geen zip-archief (een .qdpx-bestand is een zip)",
            f"{cut}: beschadigd zip-archief (",
            f"{escaping}: onderdeel '../project.qde' heeft een pad dat buiten de map van het "
            "archief gaat (..)",
            f"{foreign}: geen REFI-QDA-project of -codeboek (hoofdelement <Notes>)",
            f"{word}: beschadigd of afgebroken Word (.docx)-bestand (",
        ],
    }
    prefix = {"en": "workbench: error: ", "nl": "workbench: fout: "}
    for language, messages in expected.items():
        monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
        commands = [("import-qdpx", bad, target) for bad in (notes, cut, escaping, foreign)]
        commands.append(("import", target, word))
        for command, message in zip(commands, messages, strict=True):
            failed = cli(*command, ok=False)
            assert failed.exit_code != 0
            assert failed.stderr.count("\n") == 1, failed.stderr
            assert failed.stderr.startswith(prefix[language] + message), failed.stderr
    assert cli("history", target, "--all", "--json").stdout == before  # nothing changed


@pytest.mark.sqlite_only(reason="the errors of a project file that is not a project")
def test_a_file_that_is_no_project_is_refused_in_dutch_and_in_english(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("These are my notes.\n", encoding="utf-8")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    expected = {
        "en": [
            f"workbench: error: {notes}: not a workbench project (not a SQLite database)",
            f"workbench: error: {empty}: an empty file, not a workbench project",
        ],
        "nl": [
            f"workbench: fout: {notes}: geen workbench-project (geen SQLite-database)",
            f"workbench: fout: {empty}: een leeg bestand, geen workbench-project",
        ],
    }
    for language, messages in expected.items():
        monkeypatch.setenv("WORKBENCH_LANGUAGE", language)
        said = [cli("docs", path, ok=False).stderr for path in (notes, empty)]
        assert said == [message + "\n" for message in messages], said
    assert notes.read_text(encoding="utf-8") == "These are my notes.\n"


def test_query_errors_in_dutch_and_in_english(targets: Targets, tmp_path: Path) -> None:
    """A malformed query and a query naming a code the project lacks, in both languages:
    the column stays, the words follow the interface."""
    from workbench.analysis.query import QueryError, compile_query, parse

    target = _study(targets, tmp_path, "nl")
    project = open_project(target)
    said: dict[str, list[str]] = {}
    try:
        for language in ("en", "nl"):
            i18n.set_language(language)
            said[language] = []
            with pytest.raises(QueryError) as caught:
                parse("place:")
            said[language].append(str(caught.value))
            with pytest.raises(QueryError) as caught:
                parse('"places')
            said[language].append(str(caught.value))
            with project.session() as session, pytest.raises(QueryError) as caught:
                compile_query(session, '"places and us" & !case:noor')
            said[language].append(str(caught.value))
            assert caught.value.column == 1
    finally:
        project.dispose()
    assert said["en"] == [
        "query: expected a value after 'place:', found the end of the query at column 7",
        "query: this quote is never closed at column 1",
        'query: no code called "places and us" (did you mean "places and use", '
        '"place use"?) at column 1',
    ]
    assert said["nl"] == [
        "query: een waarde na 'place:' verwacht, maar het einde van de query gevonden in kolom 7",
        "query: dit aanhalingsteken wordt nooit gesloten in kolom 1",
        'query: geen code met de naam "places and us" (bedoel je "places and use", '
        '"place use"?) in kolom 1',
    ]


def test_export_format_errors_in_dutch_and_in_english() -> None:
    from workbench.errors import InvalidValue
    from workbench.exchange import codebook_report, figures, publish

    attempts = {
        "publish": lambda: publish.format_for(Path("out.rtf"), None),
        "report": lambda: codebook_report.report_format(Path("codebook"), None),
        "figure": lambda: figures.figure_format(Path("figure.gif")),
    }
    said: dict[str, dict[str, str]] = {}
    for language in ("en", "nl"):
        i18n.set_language(language)
        said[language] = {}
        for name, attempt in attempts.items():
            with pytest.raises(InvalidValue) as caught:
                attempt()
            said[language][name] = str(caught.value)
    formats = ", ".join(publish.FORMATS)
    assert said["en"] == {
        "publish": f"out.rtf: cannot tell the format from the suffix '.rtf'; give --format "
        f"({formats})",
        "report": "codebook: a codebook report is written as .docx, .md or .html, not (no suffix)",
        "figure": "figure.gif: a figure is written as .svg, .png, .pdf; give one of those suffixes",
    }
    assert said["nl"] == {
        "publish": f"out.rtf: de extensie '.rtf' zegt niet welk formaat; geef --format ({formats})",
        "report": "codebook: een codeboekrapport wordt geschreven als .docx, .md of .html, "
        "niet (geen extensie)",
        "figure": "figure.gif: een figuur wordt geschreven als .svg, .png, .pdf; geef een van "
        "die extensies",
    }


def test_an_export_service_error_in_dutch_and_in_english(targets: Targets, tmp_path: Path) -> None:
    from workbench.errors import InvalidValue
    from workbench.services import exports

    target = _study(targets, tmp_path, "nl")
    project = open_project(target)
    said = {}
    try:
        for language in ("en", "nl"):
            i18n.set_language(language)
            with pytest.raises(InvalidValue) as caught:
                exports.export_project(project, tmp_path / "out.xyz", fmt="xyz")
            said[language] = str(caught.value)
    finally:
        project.dispose()
    formats = ", ".join(exports.PROJECT_FORMATS)
    assert said == {
        "en": f"unknown export format 'xyz'; use one of {formats}",
        "nl": f"onbekend exportformaat 'xyz'; gebruik een van {formats}",
    }
    assert not (tmp_path / "out.xyz").exists()


def test_a_bad_taguette_codebook_is_refused_in_dutch_and_in_english() -> None:
    from workbench.errors import InputError
    from workbench.exchange.taguette import parse_taguette

    said: dict[str, list[str]] = {}
    for language in ("en", "nl"):
        i18n.set_language(language)
        said[language] = []
        for text in ("", "colour,description\nred,warm\n", "tag,description\nred\n"):
            with pytest.raises(InputError) as caught:
                parse_taguette(text, "tags.csv")
            said[language].append(str(caught.value))
    assert said["en"] == [
        "tags.csv: empty file: a Taguette codebook starts with a header row",
        "tags.csv: line 1: no 'tag', 'name' or 'path' column (a Taguette codebook's header)",
        "tags.csv: line 2: 1 column, the header has 2",
    ]
    assert said["nl"] == [
        "tags.csv: leeg bestand: een Taguette-codeboek begint met een kopregel",
        "tags.csv: regel 1: geen kolom 'tag', 'name' of 'path' (de kopregel van een "
        "Taguette-codeboek)",
        "tags.csv: regel 2: 1 kolom, de kopregel heeft er 2",
    ]

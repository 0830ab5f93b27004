"""The user's keys file: binding ids remapped to other keys, and a bad file refused in one
line with the defaults kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.notifications import Notification

from tests.test_tui_coding import front, notes_hook, open_coding, settle
from workbench.errors import InputError
from workbench.tui import WorkbenchApp
from workbench.tui.app import binding_ids
from workbench.tui.dialogs.common import CodePicker
from workbench.tui.keys import ENVIRONMENT, load_keymap
from workbench.tui.screens.coding import CodingScreen

SIZE = (120, 40)


def test_every_key_id_is_known_and_a_missing_file_changes_nothing(tmp_path: Path) -> None:
    ids = binding_ids()
    for expected in ("coding.code", "coding.place", "app.undo", "analysis.filter"):
        assert expected in ids
    assert load_keymap(tmp_path / "none.toml", ids) == {}


def test_a_keys_file_maps_ids_to_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('[keys]\n"coding.code" = " k "\n"app.undo" = "ctrl+z,u"\n', encoding="utf-8")
    assert load_keymap(path, binding_ids()) == {"coding.code": "k", "app.undo": "ctrl+z,u"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[keys\n", "not a TOML keys file"),
        ('keys = "k"\n', "[keys] must be a table"),
        ('[keys]\n"coding.code" = 3\n', "must be a non-empty string"),
        ('[keys]\n"coding.code" = ""\n', "must be a non-empty string"),
        ('[keys]\n"coding.cod" = "k"\n', "no key has the id 'coding.cod'"),
    ],
)
def test_a_bad_keys_file_is_refused_naming_it(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_keymap(path, binding_ids())
    assert str(caught.value).startswith(str(path)) and reason in str(caught.value)


async def test_a_remapped_key_opens_the_code_picker(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\n"coding.code" = "k"\n', encoding="utf-8")
    monkeypatch.setenv(ENVIRONMENT, str(keys))
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(app, pilot, "interview-01-hatert")
        await pilot.press("full_stop")  # a sentence selected
        await settle(app, pilot)
        await pilot.press("c")  # no longer the code key
        await settle(app, pilot)
        assert isinstance(front(app), CodingScreen)
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(front(app), CodePicker)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(front(app), CodingScreen)


async def test_a_bad_keys_file_is_reported_and_the_default_keys_stay(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\n"no.such.key" = "k"\n', encoding="utf-8")
    monkeypatch.setenv(ENVIRONMENT, str(keys))
    notes: list[Notification] = []
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE, message_hook=notes_hook(notes)) as pilot:
        await open_coding(app, pilot, "interview-01-hatert")
        errors = [n for n in notes if n.severity == "error"]
        assert len(errors) == 1 and str(keys) in errors[0].message
        assert "no.such.key" in errors[0].message
        await pilot.press("full_stop")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(front(app), CodePicker)
        await pilot.press("escape")


async def test_garbage_collection_is_paused_only_while_a_document_opens(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI collects less often while it runs, pauses collecting while a transcript
    opens, collects again once it is shown, and leaves Python as it found it."""
    import gc

    from workbench.services import reading as reading_service

    while_reading: list[bool] = []
    read = reading_service.document_text

    def reading(*args: object, **kwargs: object) -> object:
        while_reading.append(gc.isenabled())
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reading_service, "document_text", reading)
    before = gc.get_threshold()
    app = WorkbenchApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert gc.get_threshold()[0] > before[0]
        await open_coding(app, pilot, "interview-01-hatert")
        await settle(app, pilot)
        assert while_reading == [False]
        assert gc.isenabled()
    assert gc.get_threshold() == before and gc.isenabled()

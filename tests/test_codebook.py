"""Codebook files: the shipped codebook, errors with file and line, export and load back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHIPPED_CODEBOOK
from workbench.coding import codebook
from workbench.coding import codes as code_ops
from workbench.errors import InputError


def test_shipped_codebook_is_valid_and_complete() -> None:
    spec = codebook.load_codebook(SHIPPED_CODEBOOK)
    codes = list(spec.all_codes())
    names = [code.name for code, _ in codes]
    assert len(names) >= 20
    assert len({n.casefold() for n in names}) == len(names)
    assert {"welcome", "stigma", "lost place", "host role", "in-group closure"} <= set(names)
    # A hierarchy: several top-level groups, each with children.
    assert len(spec.codes) >= 5 and all(top.children for top in spec.codes)
    # Dutch labels on every code; English names.
    assert all(code.label for code, _ in codes)
    labels = {code.name: code.label for code, _ in codes}
    assert labels["lost place"] == "Verdwenen plek"
    assert [s.name for s in spec.place_statuses] == ["existing", "lost", "missed", "wished"]
    assert {"library", "community_centre", "park", "supermarket"} <= {
        k.name for k in spec.place_kinds
    }
    assert all(code.keywords for code, _ in codes if not code.children)
    assert "sociale-infrastructuur" in codebook.shipped_codebooks()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "codes:\n  - name: a\n  - name: b\n    colour: '#ffffff'\n",
            "line 4: codes.1.colour: Extra inputs are not permitted",
        ),
        (
            "codes:\n  - name: a\n    children:\n      - name: b\n        color: blue\n",
            "line 5: codes.0.children.0.color: colour 'blue' is not of the form #RRGGBB",
        ),
        ('codes:\n  - name: a\n  - name: "x\\ty"\n', "line 3: codes.1.name:"),
        ("codes:\n  - name: a\n    label: [unclosed\n", "line 4: invalid YAML"),
        ("codes:\n  - name: a\n    name: b\n", "line 3: invalid YAML (duplicate key 'name')"),
        ("- just\n- a list\n", "line 1: a codebook must be a mapping"),
        (
            "place_statuses:\n  - name: demolished\n",
            'line 2: place_statuses.0.name: unknown place status "demolished"',
        ),
        ("place_kinds:\n  - name: park\n  - name: Park\n", 'duplicate place kind "Park"'),
        (
            "codes:\n  - name: a\n    children:\n      - name: A\n",
            'line 4: duplicate code name "A" (as "a" on line 2',
        ),
    ],
)
def test_invalid_codebooks_name_file_line_and_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        codebook.load_codebook(path)
    error = str(caught.value)
    assert error.startswith(f"{path}: ")
    assert message in error
    assert "\n" not in error


def test_export_and_load_back_give_the_same_codebook(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with project.transaction("edit", coder="ann") as session:
        code_ops.add_code(session, "bench chat", parent="weak ties", color="#123456")
        code_ops.update_code(session, "welcome", keywords=["welkom", "gastvrij"])
    out = tmp_path / "out.yaml"
    with project.session() as session:
        exported = codebook.export_codebook(session, out)
    again = codebook.load_codebook(out)
    assert again == exported
    original = codebook.load_codebook(SHIPPED_CODEBOOK)
    original_names = [(c.name, p.name if p else None) for c, p in original.all_codes()]
    again_names = [(c.name, p.name if p else None) for c, p in again.all_codes()]
    assert [pair for pair in again_names if pair[0] != "bench chat"] == original_names
    assert ("bench chat", "weak ties") in again_names
    welcome = next(c for c, _ in again.all_codes() if c.name == "welcome")
    assert welcome.keywords == ["welkom", "gastvrij"]
    assert welcome.label == next(c for c, _ in original.all_codes() if c.name == "welcome").label
    assert again.place_kinds == original.place_kinds


def test_loading_a_codebook_twice_adds_nothing_and_keeps_codings(project) -> None:  # type: ignore[no-untyped-def]
    spec = codebook.load_codebook(SHIPPED_CODEBOOK)
    with project.transaction("load") as session:
        assert codebook.apply_codebook(session, spec) == 0

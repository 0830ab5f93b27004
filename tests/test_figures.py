"""Figures: the co-occurrence heatmap and the code × place matrix as SVG (parsed as XML, the
labels and values found as text), PNG and PDF (file signatures); clear errors when there is
nothing to draw."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.backends import Template
from tests.conftest import Targets
from workbench.analysis.cooccurrence import CodeCount, Cooccurrence, Matrix, Pair
from workbench.errors import InvalidValue
from workbench.exchange import figures
from workbench.project.target import ProjectTarget

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path: Path) -> list[str]:
    """Every text drawn in an SVG file (the file must be well-formed XML)."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def cooccurrence() -> Cooccurrence:
    # n(welcome)=4, n(host role)=3, n(welcome, host role)=2: c = 2 / (4 + 3 - 2) = 0.4
    return Cooccurrence(
        scope="overlap",
        codes=[
            CodeCount("host role", 3),
            CodeCount("never used", 0),
            CodeCount("stigma", 1),
            CodeCount("welcome", 4),
        ],
        pairs=[
            Pair("host role", "welcome", 2, 2 / 5),
            Pair("stigma", "welcome", 3, 3 / 2),  # overlap many-to-many: c > 1, marked
        ],
    )


def test_heatmap_svg_has_code_names_values_and_marks(tmp_path: Path) -> None:
    path = figures.save(figures.cooccurrence_figure(cooccurrence()), tmp_path / "co.svg")
    texts = svg_texts(path)
    for label in ("host role (3)", "stigma (1)", "welcome (4)"):
        assert texts.count(label) == 2  # a row and a column label
    assert not any("never used" in t for t in texts)  # n = 0: left out
    assert texts.count("0.40") == 2 and texts.count("1.50*") == 2
    assert any("c > 1" in t for t in texts)


def test_heatmap_counts_top_and_rename(tmp_path: Path) -> None:
    drawing = figures.cooccurrence_figure(
        cooccurrence(), value="n", top=2, rename=lambda name: name.upper()
    )
    texts = svg_texts(figures.save(drawing, tmp_path / "co.svg"))
    assert "WELCOME (4)" in texts and "HOST ROLE (3)" in texts
    assert not any("STIGMA" in t for t in texts)  # only the top 2 by n
    assert texts.count("2") >= 2  # n(host role, welcome) in both cells


def test_png_and_pdf_files(tmp_path: Path) -> None:
    drawing = figures.cooccurrence_figure(cooccurrence())
    png = figures.save(drawing, tmp_path / "co.png", dpi=100)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = figures.save(drawing, tmp_path / "co.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_matrix_svg(tmp_path: Path) -> None:
    result = Matrix(
        cols_spec="place",
        rows=["host role", "unused", "welcome"],
        cols=["Bibliotheek", "De Klup", "Nowhere"],
        cells=[[1, 2, 0], [0, 0, 0], [0, 5, 0]],
        row_totals=[3, 0, 5],
        col_totals=[1, 7, 0],
        total=8,
    )
    texts = svg_texts(figures.save(figures.matrix_figure(result), tmp_path / "m.svg"))
    assert {"host role (3)", "welcome (5)", "Bibliotheek", "De Klup"} <= set(texts)
    assert "Nowhere" not in texts and not any("unused" in t for t in texts)
    assert {"1", "2", "5"} <= set(texts)


def test_nothing_to_draw_and_bad_input(tmp_path: Path) -> None:
    empty = Cooccurrence(scope="overlap", codes=[CodeCount("welcome", 0)], pairs=[])
    with pytest.raises(InvalidValue, match="nothing to draw"):
        figures.cooccurrence_figure(empty)
    with pytest.raises(InvalidValue, match=r"\.svg"):
        figures.figure_format(tmp_path / "x.jpg")
    with pytest.raises(InvalidValue, match="colour map"):
        figures.cooccurrence_figure(cooccurrence(), cmap="no-such-map")
    with pytest.raises(InvalidValue, match="top"):
        figures.cooccurrence_figure(cooccurrence(), top=0)


# --- the command -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(module_targets: Targets, demo_template: Template) -> ProjectTarget:
    return module_targets.copy(demo_template, "demo")


def test_figure_commands_on_the_demo(demo: ProjectTarget, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "co.svg"
    cli("figure", "cooccur", demo, "-o", out, "--scope", "paragraph", "--top", "8")
    labels = [t for t in svg_texts(out) if re.fullmatch(r".+ \(\d+\)", t)]
    assert len(labels) == 16  # 8 codes, as rows and as columns
    assert any(t.startswith("host role (") for t in labels)
    png = tmp_path / "m.png"
    cli("figure", "matrix", demo, "-o", png, "--dpi", "80")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "m.svg"
    cli("figure", "matrix", demo, "-o", svg, "--cols", "attr:wijk")
    assert {"Hatert", "Lindenholt"} <= set(svg_texts(svg))
    # The demo is a Dutch study: its figures speak Dutch, whatever the interface's language.
    assert "Samen voorkomen van codes (c-coëfficiënt, bereik paragraph)" in svg_texts(out)
    assert "Gecodeerde segmenten per code en wijk" in svg_texts(svg)
    assert not any("segments" in text or "Coded" in text for text in svg_texts(svg))


@pytest.mark.parametrize(
    ("language", "title", "note"),
    [
        ("en", "Co-occurrence of codes (c-coefficient, scope overlap)", "In brackets: n(A)"),
        ("nl", "Samen voorkomen van codes (c-coëfficiënt, bereik overlap)", "Tussen haakjes"),
    ],
)
def test_a_figure_speaks_the_studys_language(
    tmp_path: Path, language: str, title: str, note: str
) -> None:
    drawing = figures.cooccurrence_figure(cooccurrence(), language=language)
    texts = svg_texts(figures.save(drawing, tmp_path / "co.svg"))
    assert title in texts
    assert any(text.startswith(note) for text in texts), texts


def test_figure_matrix_with_pseudonyms(demo: ProjectTarget, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "names.yaml"
    table.write_text(
        "- {real: Lunchroom Bij Joost, pseudonym: Lunchroom Centrum, kind: place}\n", "utf-8"
    )
    out = tmp_path / "m.svg"
    cli("figure", "matrix", demo, "-o", out, "--pseudonyms", table)
    texts = svg_texts(out)
    assert "Lunchroom Centrum" in texts and "Lunchroom Bij Joost" not in texts


def test_figure_on_an_empty_project(tmp_path: Path, cli, targets: Targets) -> None:  # type: ignore[no-untyped-def]
    study = targets.new()
    cli("init", study)
    for kind in ("cooccur", "matrix"):
        out = tmp_path / f"{kind}.svg"
        result = cli("figure", kind, study, "-o", out, ok=False)
        assert result.exit_code != 0 and "nothing to draw" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    result = cli("figure", "cooccur", study, "-o", tmp_path / "x.jpg", ok=False)
    assert result.exit_code != 0 and "x.jpg" in result.stderr

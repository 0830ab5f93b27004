"""Figures for publications: the co-occurrence heatmap and the code × place (or attribute)
matrix, as SVG, PNG or PDF, drawn with matplotlib.

Readable in print: a grey-scale colour map by default ("Greys"; any matplotlib colour map can
be given, "viridis" also survives grey-scale printing), every cell annotated with its value in
black or white after the cell's lightness, a colour bar, text of at least 8 pt, and a figure
that grows with the number of codes so the labels never shrink. SVG keeps its text as text
(``svg.fonttype: none``), so the code names can be edited and searched, and no date is
written into SVG or PDF files (the same data gives the same file).

The heatmap leaves the diagonal empty (n(A) is in the row labels: ``welcome (12)``) and marks
pairs whose c exceeds 1 or is undefined (only with the ``overlap`` scope) with ``*`` and a
note under the figure. matplotlib is imported inside the functions, with the object-oriented
API (no pyplot, no global state), so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import InvalidValue
from workbench.exchange.files import temporary_beside
from workbench.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from workbench.analysis.cooccurrence import Cooccurrence, Matrix

#: File suffixes a figure can be written as.
FIGURE_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
#: Values the co-occurrence heatmap can show.
VALUES = ("c", "n")
#: Smallest font size used anywhere in a figure (points).
MIN_FONT = 8.0
#: Cells are annotated up to this many rows or columns; beyond, only the colours remain.
ANNOTATE_LIMIT = 60

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "workbench",
    "font.size": 9.0,
    "axes.titlesize": 11.0,
    "pdf.fonttype": 42,
}


#: The words a figure draws, per language of the project (like the fragments' and the
#: codebook report's: a publication's language is the study's, not the interface's).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "cooccur title": "Co-occurrence of codes ({value}, scope {scope})",
        "c": "c-coefficient",
        "n": "n",
        "cooccurrences": "co-occurrences ({unit})",
        "unit overlap": "segments",
        "unit turn": "turns",
        "unit sentence": "sentences",
        "unit paragraph": "paragraphs",
        "unit document": "documents",
        "n(A) overlap": "In brackets: n(A), the segments coded with the code.",
        "n(A)": "In brackets: n(A), the {unit} with a segment coded with the code.",
        "many-to-many": "* c > 1 or undefined: segments overlap many-to-many.",
        "matrix title place": "Coded segments by code and place",
        "matrix title": "Coded segments by code and {attribute}",
        "segments": "segments",
        "matrix note": "In brackets: the segments coded with the code in any column.",
    },
    "nl": {
        "cooccur title": "Samen voorkomen van codes ({value}, bereik {scope})",
        "c": "c-coëfficiënt",
        "n": "n",
        "cooccurrences": "keren samen ({unit})",
        "unit overlap": "segmenten",
        "unit turn": "beurten",
        "unit sentence": "zinnen",
        "unit paragraph": "alinea's",
        "unit document": "documenten",
        "n(A) overlap": "Tussen haakjes: n(A), de segmenten gecodeerd met de code.",
        "n(A)": "Tussen haakjes: n(A), de {unit} met een segment gecodeerd met de code.",
        "many-to-many": "* c > 1 of onbepaald: segmenten overlappen veel-op-veel.",
        "matrix title place": "Gecodeerde segmenten per code en plek",
        "matrix title": "Gecodeerde segmenten per code en {attribute}",
        "segments": "segmenten",
        "matrix note": "Tussen haakjes: de segmenten gecodeerd met de code, in alle kolommen.",
    },
}


def words(language: str) -> dict[str, str]:
    """A figure's words in ``language`` (English when there are none for it)."""
    return WORDS.get(language, WORDS["en"])


def figure_format(path: Path) -> str:
    """``svg``, ``png`` or ``pdf`` from the file's suffix; InvalidValue otherwise."""
    fmt = FIGURE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InvalidValue(
            _("{path}: a figure is written as {formats}; give one of those suffixes").format(
                path=path, formats=", ".join(FIGURE_FORMATS)
            )
        )
    return fmt


def save(figure: Figure, path: Path, *, dpi: int = 200) -> Path:
    """Write a figure to ``path`` (format from the suffix) via a temporary file and a rename."""
    fmt = figure_format(path)
    if dpi < 50 or dpi > 1200:
        raise InvalidValue(_("--dpi must lie between 50 and 1200, not {dpi}").format(dpi=dpi))
    import matplotlib

    metadata: dict[str, Any] = {"Date": None} if fmt in ("svg", "pdf") else {}
    if fmt == "pdf":
        metadata["CreationDate"] = None
        del metadata["Date"]
    with temporary_beside(Path(path)) as temp, matplotlib.rc_context(_RC):
        figure.savefig(
            temp, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight", pad_inches=0.15
        )
    return Path(path)


def _new_figure(width: float, height: float) -> Figure:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        return Figure(figsize=(width, height), layout="constrained")


def _draw_grid(
    figure: Figure,
    values: Sequence[Sequence[float | None]],
    row_labels: list[str],
    col_labels: list[str],
    *,
    cmap: str,
    vmax: float,
    colorbar_label: str,
    annotate: Callable[[int, int], str],
    title: str,
) -> Axes:
    """A heatmap of ``values`` (None cells left blank) with labels, annotations and a colour
    bar."""
    import matplotlib
    import numpy as np
    from matplotlib.colors import Normalize

    try:
        colours = matplotlib.colormaps[cmap].with_extremes(bad="white")
    except KeyError:
        raise InvalidValue(
            _("unknown colour map {name} (try Greys or viridis)").format(name=repr(cmap))
        ) from None
    data = np.ma.masked_invalid(
        np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    )
    norm = Normalize(vmin=0.0, vmax=vmax if vmax > 0 else 1.0)
    with matplotlib.rc_context(_RC):
        axes = figure.add_subplot()
        # vector cells (sharp in print and editable in SVG), centres at integer positions
        image = axes.pcolormesh(
            np.arange(len(col_labels) + 1) - 0.5,
            np.arange(len(row_labels) + 1) - 0.5,
            data,
            cmap=colours,
            norm=norm,
        )
        axes.set_xlim(-0.5, len(col_labels) - 0.5)
        axes.set_ylim(len(row_labels) - 0.5, -0.5)  # the first row at the top
        axes.set_aspect("equal")
        axes.set_xticks(range(len(col_labels)), labels=col_labels)
        axes.set_yticks(range(len(row_labels)), labels=row_labels)
        axes.tick_params(axis="both", labelsize=9, length=0)
        for label in axes.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
        axes.set_xticks(np.arange(len(col_labels) + 1) - 0.5, minor=True)
        axes.set_yticks(np.arange(len(row_labels) + 1) - 0.5, minor=True)
        axes.grid(which="minor", color="#bbbbbb", linewidth=0.5)
        axes.tick_params(which="minor", length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        if max(len(row_labels), len(col_labels)) <= ANNOTATE_LIMIT:
            rgba = colours(norm(data.filled(0.0)))  # one call for every cell
            dark = rgba[..., :3] @ np.array([0.299, 0.587, 0.114]) < 0.5
            for i in range(len(row_labels)):
                for j in range(len(col_labels)):
                    text = annotate(i, j)
                    if not text:
                        continue
                    colour = "white" if values[i][j] is not None and dark[i, j] else "black"
                    axes.text(j, i, text, ha="center", va="center", fontsize=MIN_FONT, color=colour)
        bar = figure.colorbar(image, ax=axes, shrink=0.8, pad=0.02)
        bar.set_label(colorbar_label, fontsize=9)
        bar.ax.tick_params(labelsize=MIN_FONT)
        figure.suptitle(title, fontsize=11)
    return axes


def _side(count: int) -> float:
    """Inches for ``count`` rows or columns: about 0.42 in a cell, at least 4 in, at most 40."""
    return min(max(4.0, 0.42 * count + 2.5), 40.0)


def cooccurrence_figure(
    result: Cooccurrence,
    *,
    value: str = "c",
    top: int | None = None,
    cmap: str = "Greys",
    title: str | None = None,
    rename: Callable[[str], str] | None = None,
    language: str = "en",
) -> Figure:
    """The co-occurrence heatmap of a :func:`workbench.analysis.cooccurrence.cooccur` result.

    Codes with n(A) = 0 are left out; ``top`` keeps the N codes with the largest n(A) (ties
    by name). Cells show c (two decimals) or n; the diagonal stays empty. ``rename`` maps
    code names to the labels shown (pseudonyms). InvalidValue when nothing is coded.
    """
    if value not in VALUES:
        raise InvalidValue(_("the heatmap shows c or n, not {value}").format(value=repr(value)))
    if top is not None and top < 1:
        raise InvalidValue(_("--top must be at least 1, not {top}").format(top=top))
    counts = [c for c in result.codes if c.n > 0]
    if not counts:
        raise InvalidValue(_("nothing to draw: no segment is coded (with these filters)"))
    if top is not None:
        counts = sorted(counts, key=lambda c: (-c.n, c.code))[:top]
    counts.sort(key=lambda c: (c.code.casefold(), c.code))
    names = [c.code for c in counts]
    index = {name: i for i, name in enumerate(names)}
    size = len(names)
    values: list[list[float | None]] = [[None] * size for _row in range(size)]
    marked: set[tuple[int, int]] = set()
    for pair in result.pairs:
        if pair.a not in index or pair.b not in index:
            continue
        i, j = index[pair.a], index[pair.b]
        shown: float | None = float(pair.n) if value == "n" else pair.c
        if value == "c" and (pair.c is None or pair.c > 1):
            marked.update({(i, j), (j, i)})
        values[i][j] = values[j][i] = shown
    for i in range(size):  # pairs that never co-occur are 0, the diagonal stays empty
        for j in range(size):
            if i != j and values[i][j] is None and (i, j) not in marked:
                values[i][j] = 0.0
    finite = [v for row in values for v in row if v is not None]
    vmax = max([1.0, *finite])

    def annotate(i: int, j: int) -> str:
        if i == j:
            return ""
        v = values[i][j]
        star = "*" if (i, j) in marked else ""
        if v is None:
            return star
        if value == "n":
            return f"{int(v)}" if v else ""
        return f"{v:.2f}{star}" if v or star else ""

    label = rename or (lambda name: name)
    labels = [f"{label(c.code)} ({c.n})" for c in counts]
    w = words(language)
    unit = w.get(f"unit {result.scope}", result.scope)
    heading = title or w["cooccur title"].format(value=w[value], scope=result.scope)
    figure = _new_figure(_side(size) + 1.2, _side(size))
    axes = _draw_grid(
        figure,
        values,
        labels,
        labels,
        cmap=cmap,
        vmax=vmax,
        colorbar_label=w["c"] if value == "c" else w["cooccurrences"].format(unit=unit),
        annotate=annotate,
        title=heading,
    )
    from matplotlib.patches import Rectangle

    for i in range(size):  # the diagonal is hatched: not a value, n(A) is in the labels
        axes.add_patch(
            Rectangle((i - 0.5, i - 0.5), 1, 1, hatch="///", fill=False, edgecolor="#aaaaaa", lw=0)
        )
    notes = [w["n(A) overlap"] if result.scope == "overlap" else w["n(A)"].format(unit=unit)]
    if marked:
        notes.append(w["many-to-many"])
    axes.set_xlabel(" ".join(notes), fontsize=MIN_FONT)
    return figure


def matrix_figure(
    result: Matrix,
    *,
    top: int | None = None,
    cmap: str = "Greys",
    title: str | None = None,
    rename: Callable[[str], str] | None = None,
    language: str = "en",
) -> Figure:
    """The code × place (or code × attribute value) matrix of
    :func:`workbench.analysis.cooccurrence.matrix` as a heatmap of segment counts.

    Rows and columns without any segment are left out; ``top`` keeps the N codes with the
    most segments. ``rename`` maps code and place names to the labels shown (pseudonyms).
    InvalidValue when no coded segment is in any column.
    """
    if top is not None and top < 1:
        raise InvalidValue(_("--top must be at least 1, not {top}").format(top=top))
    rows = [i for i, row in enumerate(result.cells) if any(row)]
    cols = [j for j in range(len(result.cols)) if any(row[j] for row in result.cells)]
    if not rows or not cols:
        if result.cols_spec == "place":
            raise InvalidValue(_("nothing to draw: no coded segment has a place"))
        raise InvalidValue(
            _("nothing to draw: no coded segment has a value of {attribute}").format(
                attribute=result.cols_spec[5:]
            )
        )
    if top is not None:
        rows = sorted(rows, key=lambda i: (-result.row_totals[i], result.rows[i]))[:top]
        rows.sort()
        cols = [j for j in cols if any(result.cells[i][j] for i in rows)]
    values = [[float(result.cells[i][j]) for j in cols] for i in rows]
    label = rename or (lambda name: name)
    row_labels = [f"{label(result.rows[i])} ({result.row_totals[i]})" for i in rows]
    col_labels = [label(result.cols[j]) for j in cols]
    vmax = max(max(row) for row in values if row) or 1.0

    def annotate(i: int, j: int) -> str:
        v = values[i][j]
        return f"{int(v)}" if v else ""

    w = words(language)
    heading = title or (
        w["matrix title place"]
        if result.cols_spec == "place"
        else w["matrix title"].format(attribute=result.cols_spec[5:])
    )
    figure = _new_figure(_side(len(cols)) + 1.5, _side(len(rows)))
    axes = _draw_grid(
        figure,
        values,
        row_labels,
        col_labels,
        cmap=cmap,
        vmax=float(vmax),
        colorbar_label=w["segments"],
        annotate=annotate,
        title=heading,
    )
    axes.set_xlabel(w["matrix note"], fontsize=MIN_FONT)
    return figure

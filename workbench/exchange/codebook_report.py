"""The codebook report for a methods appendix: the code tree with definitions and counts.

``workbench export study.db -o codebook.docx`` (or ``.md``, ``.html``) writes, in the order of
the code tree (position, then name; children under their parent, numbered ``1``, ``1.1``...):

- the code's name and label, its definition (description), inclusion and exclusion criteria
  and example;
- its counts: the segments coded with it (and, for a code with sub-codes, with it or one of
  them), the documents with such a segment, and the coders who applied it;
- the anchor quote the researcher chose for it (``workbench codebook anchor``), cited as
  fragments are (:func:`workbench.exchange.publish.citation`; with pseudonyms a document is
  cited by its citation label, never its file name). An anchor whose segment no longer
  carries the code is left out with a warning.

An overview table (code, segments, documents, coders) comes first. With a pseudonym table
every string of the report passes through it (names, definitions, quotes, citations), and
:attr:`CodebookReport.leftovers` lists listed names still present in another spelling.
Markdown and HTML escape everything that comes from the project; DOCX is built with
python-docx, without an author in its properties.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.analysis.fragments import find_fragments
from workbench.coding.labels import document_labels
from workbench.coding.listings import code_tree
from workbench.errors import InvalidValue
from workbench.exchange import publish
from workbench.exchange.files import write_atomic
from workbench.i18n import _
from workbench.project.models import Code, Coding, Document, id_of

if TYPE_CHECKING:  # pragma: no cover
    from workbench.exchange.pseudonyms import Leftover, PseudonymTable

#: Formats of the report and the suffixes that name them.
FORMATS = ("md", "html", "docx")
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Codebook",
        "overview": "Overview",
        "code": "Code",
        "label": "Label",
        "definition": "Definition",
        "inclusion": "Include when",
        "exclusion": "Exclude when",
        "example": "Example",
        "anchor": "Anchor quote",
        "segments": "segments",
        "with children": "with sub-codes",
        "documents": "documents",
        "coders": "coders",
        "Segments": "Segments",
        "Documents": "Documents",
        "Coders": "Coders",
        "codes": "codes",
        "none": "No codes.",
        "summary": "{codes} codes; {documents} documents; {coders} coders",
    },
    "nl": {
        "title": "Codeboek",
        "overview": "Overzicht",
        "code": "Code",
        "label": "Label",
        "definition": "Definitie",
        "inclusion": "Gebruiken als",
        "exclusion": "Niet gebruiken als",
        "example": "Voorbeeld",
        "anchor": "Ankercitaat",
        "segments": "segmenten",
        "with children": "met subcodes",
        "documents": "documenten",
        "coders": "codeurs",
        "Segments": "Segmenten",
        "Documents": "Documenten",
        "Coders": "Codeurs",
        "codes": "codes",
        "none": "Geen codes.",
        "summary": "{codes} codes; {documents} documenten; {coders} codeurs",
    },
}


def words(language: str) -> dict[str, str]:
    """The report's words in ``language`` (English when there are none for it)."""
    return WORDS.get(language, WORDS["en"])


@dataclass(frozen=True)
class Anchor:
    """A code's anchor quote, ready to print."""

    segment: int
    """The segment quoted."""
    quote: str
    """Its text (pseudonymised when asked)."""
    citation: str
    """Its citation, as fragments are cited."""


@dataclass(frozen=True)
class ReportCode:
    """One code of the report."""

    number: str
    """Its number in the tree: ``2``, ``2.1``."""
    name: str
    depth: int
    label: str
    description: str
    inclusion: str
    exclusion: str
    example: str
    segments: int
    """Segments coded with the code itself."""
    segments_total: int
    """Segments coded with it or one of its descendants."""
    documents: int
    """Documents with a segment coded with it."""
    coders: int
    """Coders who applied it."""
    has_children: bool
    anchor: Anchor | None = None


@dataclass(frozen=True)
class CodebookReport:
    """The whole report, with what was left out and names still present."""

    title: str
    language: str
    codes: tuple[ReportCode, ...]
    documents: int
    """Documents in the project."""
    coders: int
    """Coders with at least one coding."""
    warnings: tuple[str, ...] = ()
    leftovers: tuple[Leftover, ...] = field(default=())
    """Listed names still present after pseudonymising (another spelling)."""

    @property
    def anchors(self) -> int:
        """How many codes have their anchor quote in the report."""
        return sum(1 for code in self.codes if code.anchor is not None)

    def summary_line(self) -> str:
        """``12 codes; 8 documents; 2 coders``."""
        return words(self.language)["summary"].format(
            codes=len(self.codes), documents=self.documents, coders=self.coders
        )


def _coders_per_code(session: Session) -> dict[int, int]:
    return {
        int(code_id): int(count)
        for code_id, count in session.exec(
            select(Coding.code_id, sa.func.count(sa.distinct(col(Coding.coder_id))))
            .group_by(col(Coding.code_id))
            .order_by(col(Coding.code_id))
        )
    }


def _numbers(depths: list[int]) -> list[str]:
    """Tree numbers (``1``, ``1.1``, ``1.2``, ``2``) for codes listed depth first."""
    counters: list[int] = []
    numbers: list[str] = []
    for depth in depths:
        del counters[depth + 1 :]
        while len(counters) <= depth:
            counters.append(0)
        counters[depth] += 1
        numbers.append(".".join(str(n) for n in counters[: depth + 1]))
    return numbers


def build_report(
    session: Session,
    *,
    language: str = "en",
    title: str | None = None,
    names: PseudonymTable | None = None,
) -> CodebookReport:
    """The codebook report of the project (one read session); with ``names`` every string
    is pseudonymised and checked for leftovers."""
    rows = code_tree(session)
    codes = {id_of(code): code for code in session.exec(select(Code).order_by(col(Code.id)))}
    coders = _coders_per_code(session)
    anchors = {
        code_id: code.anchor_segment_id
        for code_id, code in codes.items()
        if code.anchor_segment_id is not None
    }
    found = {
        fragment.segment: fragment
        for fragment in find_fragments(session, segment_ids=sorted(set(anchors.values())))
    }
    warnings: list[str] = []
    apply: Callable[[str], str] = names.apply if names else (lambda text: text)
    labels = document_labels(session) if names else {}
    cache: dict[str, str] = {}
    numbers = _numbers([int(row["depth"]) for row in rows])
    parents = {row["parent"] for row in rows if row["parent"] is not None}
    result: list[ReportCode] = []
    for number, row in zip(numbers, rows, strict=True):
        code = codes[row["id"]]
        anchor: Anchor | None = None
        segment = anchors.get(row["id"])
        if segment is not None:
            fragment = found.get(segment)
            if fragment is None or code.name not in fragment.codes:
                warnings.append(
                    _(
                        "the anchor quote of {code} (segment {segment}) no longer carries the"
                        " code; it is left out"
                    ).format(code=apply(code.name), segment=segment)
                )
            else:
                if names:
                    # never a file name: a document is cited by its label (else "Doc N")
                    fragment = replace(fragment, document=labels.get(fragment.document, ""))
                    fragment = names.fragment(fragment, cache=cache)
                anchor = Anchor(
                    segment,
                    publish.quote_text(fragment),
                    publish.citation(fragment, language=language),
                )
        result.append(
            ReportCode(
                number=number,
                name=apply(code.name),
                depth=int(row["depth"]),
                label=apply(code.label),
                description=apply(code.description),
                inclusion=apply(code.inclusion),
                exclusion=apply(code.exclusion),
                example=apply(code.example),
                segments=int(row["segments"]),
                segments_total=int(row["segments_total"]),
                documents=int(row["documents"]),
                coders=coders.get(row["id"], 0),
                has_children=row["name"] in parents,
                anchor=anchor,
            )
        )
    document_count = int(session.exec(select(sa.func.count(col(Document.id)))).one())
    coder_count = int(session.exec(select(sa.func.count(sa.distinct(col(Coding.coder_id))))).one())
    report = CodebookReport(
        title=apply(title) if title else words(language)["title"],
        language=language,
        codes=tuple(result),
        documents=document_count,
        coders=coder_count,
        warnings=tuple(warnings),
    )
    if names:
        report = replace(report, leftovers=tuple(_leftovers(report, names)))
    return report


def _leftovers(report: CodebookReport, names: PseudonymTable) -> list[Leftover]:
    found = list(names.leftovers(report.title, _("the title")))
    for code in report.codes:
        where = _("code {number}").format(number=code.number)
        texts = [code.name, code.label, code.description, code.inclusion, code.exclusion]
        texts.append(code.example)
        if code.anchor is not None:
            texts += [code.anchor.quote, code.anchor.citation]
        for text in texts:
            found.extend(names.leftovers(text, where))
    return found


# --- rendering -------------------------------------------------------------------------------


def _counts(code: ReportCode, language: str) -> str:
    w = words(language)
    segments = f"{code.segments} {w['segments']}"
    if code.has_children:
        segments += f" ({code.segments_total} {w['with children']})"
    return f"{segments} \u00b7 {code.documents} {w['documents']} \u00b7 {code.coders} {w['coders']}"


def _fields(code: ReportCode, language: str) -> list[tuple[str, str]]:
    """The code's filled-in fields, as (label, text)."""
    w = words(language)
    pairs = [
        (w["label"], code.label),
        (w["definition"], code.description),
        (w["inclusion"], code.inclusion),
        (w["exclusion"], code.exclusion),
        (w["example"], code.example),
    ]
    return [(label, text.strip()) for label, text in pairs if text.strip()]


def _heading(code: ReportCode) -> str:
    return f"{code.number} {' '.join(code.name.split())}"


def render_markdown(report: CodebookReport) -> str:
    """The report as Markdown: an overview table, then a section per code."""
    w = words(report.language)
    esc = publish.escape_markdown
    out = [f"# {esc(report.title)}\n", esc(report.summary_line()) + "\n"]
    if not report.codes:
        out.append(w["none"] + "\n")
        return "\n".join(out)
    out.append(f"## {w['overview']}\n")
    table = [
        f"| {w['code']} | {w['Segments']} | {w['Documents']} | {w['Coders']} |",
        "| --- | ---: | ---: | ---: |",
    ]
    for code in report.codes:
        table.append(
            f"| {esc(_heading(code))} | {code.segments} | {code.documents} | {code.coders} |"
        )
    out.append("\n".join(table) + "\n")
    for code in report.codes:
        level = "#" * min(code.depth + 2, 6)
        out.append(f"{level} {esc(_heading(code))}\n")
        out.append(f"*{esc(_counts(code, report.language))}*\n")
        for label, text in _fields(code, report.language):
            out.append(f"**{esc(label)}:** " + "  \n".join(publish.markdown_lines(text)) + "\n")
        if code.anchor is not None:
            quote = "\n>\n> ".join(publish.markdown_lines(code.anchor.quote))
            out.append(f"**{esc(w['anchor'])}:**\n")
            out.append(f"> {quote}\n>\n> {esc(code.anchor.citation)}\n")
    return "\n".join(out)


_REPORT_CSS = (
    publish.HTML_CSS
    + """
table.overview { border-collapse: collapse; margin: 1em 0; }
table.overview th, table.overview td { border-bottom: 1px solid #bbb; padding: .2em .6em; }
table.overview td.n { text-align: right; }
.counts { color: #444; font-size: .9em; margin-top: 0; }
dl.fields dt { font-weight: bold; }
dl.fields dd { margin: 0 0 .4em 1.2em; }
"""
)


def _html_text(text: str) -> str:
    return "<br>".join(html.escape(line.strip()) for line in text.split("\n") if line.strip())


def render_html(report: CodebookReport) -> str:
    """The report as a standalone, print-friendly HTML document."""
    w = words(report.language)
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(report.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title>",
        f"<style>\n{_REPORT_CSS}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="info">{esc(report.summary_line())}</p>',
    ]
    if not report.codes:
        out.append(f"<p>{esc(w['none'])}</p>")
    else:
        out.append(f"<h2>{esc(w['overview'])}</h2>")
        out.append('<table class="overview">')
        out.append(
            f"<tr><th>{esc(w['code'])}</th><th>{esc(w['Segments'])}</th>"
            f"<th>{esc(w['Documents'])}</th><th>{esc(w['Coders'])}</th></tr>"
        )
        for code in report.codes:
            out.append(
                f'<tr><td>{esc(_heading(code))}</td><td class="n">{code.segments}</td>'
                f'<td class="n">{code.documents}</td><td class="n">{code.coders}</td></tr>'
            )
        out.append("</table>")
    for code in report.codes:
        level = min(code.depth + 2, 6)
        out.append(f'<section class="code" data-depth="{code.depth}">')
        out.append(f"<h{level}>{esc(_heading(code))}</h{level}>")
        out.append(f'<p class="counts">{esc(_counts(code, report.language))}</p>')
        fields = _fields(code, report.language)
        if fields:
            out.append('<dl class="fields">')
            for label, text in fields:
                out.append(f"<dt>{esc(label)}</dt><dd>{_html_text(text)}</dd>")
            out.append("</dl>")
        if code.anchor is not None:
            out.append(
                f'<figure class="fragment anchor" data-segment="{code.anchor.segment}">'
                f"<figcaption><strong>{esc(w['anchor'])}</strong></figcaption>"
                f"<blockquote>{_html_text(code.anchor.quote)}</blockquote>"
                f"<figcaption><cite>{esc(code.anchor.citation)}</cite></figcaption></figure>"
            )
        out.append("</section>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def render_docx(report: CodebookReport) -> bytes:
    """The report as a Word document: headings per code (nested to the tree's depth), the
    overview as a table, the anchor quote in the "Quote" style."""
    import docx

    safe = publish.xml_safe
    w = words(report.language)
    document: Any = docx.Document()
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = safe(report.title)
    document.add_heading(safe(report.title), 0)
    document.add_paragraph(safe(report.summary_line()))
    if not report.codes:
        document.add_paragraph(safe(w["none"]))
    else:
        document.add_heading(safe(w["overview"]), 1)
        table = document.add_table(rows=1, cols=4)
        header = table.rows[0].cells
        for cell, text in zip(
            header, (w["code"], w["Segments"], w["Documents"], w["Coders"]), strict=True
        ):
            cell.text = safe(text)
        for code in report.codes:
            cells = table.add_row().cells
            values = (_heading(code), str(code.segments), str(code.documents), str(code.coders))
            for cell, text in zip(cells, values, strict=True):
                cell.text = safe(text)
    for code in report.codes:
        document.add_heading(safe(_heading(code)), min(code.depth + 1, 9))
        counts = document.add_paragraph()
        counts.add_run(safe(_counts(code, report.language))).italic = True
        for label, text in _fields(code, report.language):
            paragraph = document.add_paragraph()
            paragraph.add_run(safe(f"{label}: ")).bold = True
            paragraph.add_run(safe(text))
        if code.anchor is not None:
            paragraph = document.add_paragraph()
            paragraph.add_run(safe(f"{w['anchor']}:")).bold = True
            document.add_paragraph(safe(code.anchor.quote), style="Quote")
            document.add_paragraph(safe(code.anchor.citation))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_format(path: Path, fmt: str | None = None) -> str:
    """The report format: ``fmt`` when given, else the one the suffix of ``path`` names."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InvalidValue(
                _("a codebook report is one of {formats}, not {value}").format(
                    formats=", ".join(FORMATS), value=repr(fmt)
                )
            )
        return fmt
    found = SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        suffix = Path(path).suffix
        raise InvalidValue(
            _("{path}: a codebook report is written as .docx, .md or .html, not {suffix}").format(
                path=path, suffix=repr(suffix) if suffix else _("(no suffix)")
            )
        )
    return found


def render(report: CodebookReport, fmt: str) -> str | bytes:
    """The report in ``fmt``: text for md and html, the file's bytes for docx."""
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "docx":
        return render_docx(report)
    raise InvalidValue(
        _("a codebook report is one of {formats}, not {value}").format(
            formats=", ".join(FORMATS), value=repr(fmt)
        )
    )


def write_report(report: CodebookReport, path: Path, fmt: str | None = None) -> str:
    """Write the report to ``path`` atomically; returns the format used."""
    fmt = report_format(path, fmt)
    write_atomic(path, render(report, fmt))
    return fmt

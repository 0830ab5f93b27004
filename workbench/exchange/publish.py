"""Fragments for publications: cited quotes as Markdown, HTML, DOCX, CSV or JSON.

Every format cites a fragment with one function, :func:`citation`::

    (R03, Bewoner; De Klup, bibliotheek; r. 12–14)

that is: the case (or, for a document in no case, the document), the speaker of the turn the
fragment starts in, the places it is linked to, and the 1-based line range in the document
(``l.``/``ll.`` in English, ``r.`` in Dutch). Parts that are empty are left out.

Markdown, HTML and DOCX group the fragments under headings (:func:`group_fragments`): by
code, by place, by document, or not at all. A fragment with two codes (or two places)
appears under both groups. Within a group fragments are ordered by document, then start.
CSV and JSON are flat lists, one row or object per fragment.

Transcript text never becomes markup: Markdown escapes every character that could start
emphasis, a link, HTML, a heading or a list; HTML escapes everything that comes from the
project. DOCX uses the template's "Quote" paragraph style for the quotes, with the citation in
a paragraph of its own ("Fragment Citation"); the document XML is built directly (python-docx
adds paragraphs one at a time in quadratic time, far too slowly for thousands of quotes) and
then saved by python-docx.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from workbench.analysis.fragments import Fragment
from workbench.errors import InvalidValue
from workbench.exchange import csvsafe
from workbench.exchange.files import write_atomic
from workbench.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument

#: Output formats of :func:`render` and :func:`write`.
FORMATS = ("md", "html", "docx", "csv", "json")
#: What fragments can be grouped by in Markdown, HTML and DOCX.
GROUPINGS = ("none", "code", "place", "document")
#: File suffixes and the format they imply.
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".csv": "csv",
    ".json": "json",
}
#: The columns of the CSV export: the JSON contract's fields, then the citation.
CSV_COLUMNS = (
    "segment",
    "document",
    "case",
    "start",
    "end",
    "line_start",
    "line_end",
    "speaker",
    "text",
    "codes",
    "places",
    "memo",
    "citation",
)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "line": "l.",
        "lines": "ll.",
        "title": "Fragments",
        "query": "Query",
        "fragment": "fragment",
        "fragments": "fragments",
        "memo": "Memo",
        "no code": "(no code)",
        "no place": "(no place)",
        "none": "No fragments.",
    },
    "nl": {
        "line": "r.",
        "lines": "r.",
        "title": "Fragmenten",
        "query": "Zoekvraag",
        "fragment": "fragment",
        "fragments": "fragmenten",
        "memo": "Memo",
        "no code": "(geen code)",
        "no place": "(geen plek)",
        "none": "Geen fragmenten.",
    },
}


def labels(language: str) -> dict[str, str]:
    """The words of the exports in ``language`` (English for a language without labels)."""
    return LABELS.get(language, LABELS["en"])


# --- citing, ordering, grouping --------------------------------------------------------------


def line_range(fragment: Fragment, *, language: str = "en") -> str:
    """``ll. 12–14`` (English) or ``r. 12–14`` (Dutch); one line gives ``l. 12``."""
    words = LABELS.get(language) or LABELS["en"]
    if fragment.line_end <= fragment.line_start:
        return f"{words['line']} {fragment.line_start}"
    return f"{words['lines']} {fragment.line_start}\u2013{fragment.line_end}"


def citation(fragment: Fragment, *, language: str = "en") -> str:
    """The citation of a fragment, used by every format:
    ``(CASE or DOCUMENT, SPEAKER; PLACE, PLACE; LINES)``."""
    source = fragment.case or fragment.document
    parts = [f"{source}, {fragment.speaker}" if fragment.speaker else source]
    if fragment.places:
        parts.append(", ".join(fragment.places))
    parts.append(line_range(fragment, language=language))
    return "(" + "; ".join(parts) + ")"


def ordered(fragments: Iterable[Fragment]) -> list[Fragment]:
    """Fragments by document, then start (then segment id)."""
    return sorted(fragments, key=lambda f: (f.document, f.start, f.end, f.segment))


@dataclass
class Group:
    """Fragments under one heading."""

    title: str | None
    """The heading (a code, place or document), or None when not grouped."""
    fragments: list[Fragment]
    """The fragments, by document and start."""


def group_fragments(
    fragments: Sequence[Fragment], by: str = "none", *, language: str = "en"
) -> list[Group]:
    """Fragments grouped by ``code``, ``place`` or ``document`` (or ``none``: one group).

    A fragment appears in the group of each of its codes (or places); fragments without any
    are gathered last under "(no code)" / "(no place)". Groups are sorted by name.
    """
    if by not in GROUPINGS:
        raise InvalidValue(
            _("group by {groupings}, not {value}").format(
                groupings=", ".join(GROUPINGS), value=repr(by)
            )
        )
    items = ordered(fragments)
    if by == "none":
        return [Group(None, items)]
    words = labels(language)
    groups: dict[str, list[Fragment]] = {}
    rest: list[Fragment] = []
    for fragment in items:
        keys: list[str]
        if by == "document":
            keys = [fragment.document]
        elif by == "code":
            keys = list(dict.fromkeys(fragment.codes))
        else:
            keys = list(dict.fromkeys(fragment.places))
        if not keys:
            rest.append(fragment)
        for key in keys:
            groups.setdefault(key, []).append(fragment)
    result = [Group(k, groups[k]) for k in sorted(groups, key=lambda k: (k.casefold(), k))]
    if rest:
        result.append(Group(words["no code"] if by == "code" else words["no place"], rest))
    return result


def quote_text(fragment: Fragment) -> str:
    """The text shown in a quote: the fragment's text without white space around it."""
    return fragment.text.strip()


@dataclass
class Options:
    """How to render fragments."""

    group_by: str = "none"
    """``none``, ``code``, ``place`` or ``document`` (Markdown, HTML, DOCX)."""
    memos: bool = False
    """Show segment memos under the quotes (Markdown, HTML, DOCX; CSV and JSON always
    carry them)."""
    title: str | None = None
    """The document title (default: "Fragments" in the language)."""
    query: str | None = None
    """The query the fragments answer, shown under the title."""
    language: str = "en"
    """Language of the labels and line abbreviations (``en`` or ``nl``)."""

    def heading(self) -> str:
        """The title."""
        return self.title or labels(self.language)["title"]

    def count(self, n: int) -> str:
        """``12 fragments``."""
        words = labels(self.language)
        return f"{n} {words['fragment'] if n == 1 else words['fragments']}"

    def subtitle(self, n: int) -> str:
        """The line under the title: the query and the number of fragments."""
        if self.query:
            return f"{labels(self.language)['query']}: {self.query} \u00b7 {self.count(n)}"
        return self.count(n)


# --- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]<>#|~&$"
_MD_SEARCH = re.compile("[" + re.escape(_MD_SPECIAL) + "]")
_MD_ORDERED = re.compile(r"(\d+)([.)])")
_MD_LINE_START = frozenset("-+=0123456789")


def _escape_line_start(line: str) -> str:
    first = line[:1]
    if first not in _MD_LINE_START:
        return line
    if not first.isdigit():
        return "\\" + line
    return _MD_ORDERED.sub(r"\1\\\2", line, count=1) if _MD_ORDERED.match(line) else line


def markdown_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each escaped for Markdown (see
    :func:`escape_markdown`)."""
    if _MD_SEARCH.search(text) is not None:
        text = _MD_SEARCH.sub(r"\\\g<0>", text)
    if "\n" not in text:
        text = text.strip()
        if not text:
            return []
        return [text if text[0] not in _MD_LINE_START else _escape_line_start(text)]
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            lines.append(line if line[0] not in _MD_LINE_START else _escape_line_start(line))
    return lines


def escape_markdown(text: str) -> str:
    """Text that renders literally in Markdown (CommonMark and GitHub flavour).

    Inline markup characters get a backslash everywhere; at the start of a line also list
    markers, setext underlines and ordered-list numbers. Leading white space is dropped so a
    line cannot become an indented code block, and empty lines are dropped.
    """
    return "\n".join(markdown_lines(text))


def _md_block(fragment: Fragment, options: Options, memo_label: str) -> str:
    quote = "\n>\n> ".join(markdown_lines(fragment.text))
    cite = citation(fragment, language=options.language)
    if _MD_SEARCH.search(cite) is not None:  # names with markup characters, rarely
        cite = escape_markdown(cite)
    block = f"> {quote}\n>\n> {cite}\n" if quote else f"> {cite}\n"
    if options.memos and fragment.memo:
        memo = "\n\n".join(markdown_lines(fragment.memo))
        block += f"\n*{memo_label}:* {memo}\n"
    return block


def render_markdown(fragments: Sequence[Fragment], options: Options | None = None) -> str:
    """Fragments as Markdown: a title, a heading per group, each fragment a blockquote
    ending in its citation (and its memo when asked)."""
    options = options or Options()
    words = labels(options.language)
    out = [
        f"# {escape_markdown(options.heading())}\n",
        escape_markdown(options.subtitle(len(fragments))) + "\n",
    ]
    if not fragments:
        out.append(words["none"] + "\n")
    blocks: dict[int, str] = {}  # a fragment under two groups is rendered once
    for group in group_fragments(fragments, options.group_by, language=options.language):
        if group.title is not None:
            title = escape_markdown(" ".join(group.title.split()))
            out.append(f"## {title} ({len(group.fragments)})\n")
        for fragment in group.fragments:
            block = blocks.get(id(fragment))
            if block is None:
                block = blocks[id(fragment)] = _md_block(fragment, options, words["memo"])
            out.append(block)
    return "\n".join(out)


# --- HTML ------------------------------------------------------------------------------------

HTML_CSS = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; color: #111;
       max-width: 42em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #999;
     break-after: avoid; page-break-after: avoid; }
.info { color: #444; margin-top: 0; }
figure.fragment { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
blockquote { margin: 0; padding: 0 0 0 1em; border-left: 3px solid #777; font-style: italic; }
blockquote p { margin: 0 0 .4em 0; }
figcaption { margin: .2em 0 0 1.2em; font-size: .9em; }
cite { font-style: normal; }
.memo { margin: .3em 0 0 1.2em; font-size: .9em; color: #333; }
.count { font-weight: normal; color: #555; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; color: #000; }
  blockquote { border-left-color: #000; }
}
""".strip()


def _html_lines(text: str) -> str:
    return "".join(
        f"<p>{html.escape(line.strip())}</p>" for line in text.split("\n") if line.strip()
    )


def render_html(fragments: Sequence[Fragment], options: Options | None = None) -> str:
    """Fragments as a standalone, print-friendly HTML document: each fragment a
    ``<figure>`` with a ``<blockquote>`` and a ``<figcaption>`` holding the ``<cite>``."""
    options = options or Options()
    words = labels(options.language)
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(options.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(options.heading())}</title>",
        f"<style>\n{HTML_CSS}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{esc(options.heading())}</h1>",
        f'<p class="info">{esc(options.subtitle(len(fragments)))}</p>',
    ]
    if not fragments:
        out.append(f"<p>{esc(words['none'])}</p>")
    for group in group_fragments(fragments, options.group_by, language=options.language):
        if not group.fragments:
            continue
        if group.title is not None:
            out.append("<section>")
            out.append(
                f'<h2>{esc(group.title)} <span class="count">({len(group.fragments)})</span></h2>'
            )
        for fragment in group.fragments:
            memo = ""
            if options.memos and fragment.memo:
                memo = (
                    f'<div class="memo"><strong>{esc(words["memo"])}:</strong>'
                    f"{_html_lines(fragment.memo)}</div>"
                )
            out.append(
                f'<figure class="fragment" data-segment="{fragment.segment}">'
                f"<blockquote>{_html_lines(quote_text(fragment))}</blockquote>"
                f"<figcaption><cite>{esc(citation(fragment, language=options.language))}"
                f"</cite></figcaption>{memo}</figure>"
            )
        if group.title is not None:
            out.append("</section>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


# --- CSV and JSON ----------------------------------------------------------------------------


def contract(fragment: Fragment) -> dict[str, Any]:
    """The contract's JSON object of a fragment (:meth:`Fragment.to_dict` without the slow
    deep copy of :func:`dataclasses.asdict`)."""
    return {
        "segment": fragment.segment,
        "document": fragment.document,
        "case": fragment.case,
        "start": fragment.start,
        "end": fragment.end,
        "line_start": fragment.line_start,
        "line_end": fragment.line_end,
        "speaker": fragment.speaker,
        "text": fragment.text,
        "codes": list(fragment.codes),
        "places": list(fragment.places),
        "memo": fragment.memo,
    }


def csv_row(fragment: Fragment, *, language: str = "en") -> dict[str, object]:
    """One CSV row: the contract's fields, codes and places joined with ``"; "``."""
    data: dict[str, Any] = contract(fragment)
    data["codes"] = "; ".join(fragment.codes)
    data["places"] = "; ".join(fragment.places)
    data["citation"] = citation(fragment, language=language)
    return {k: "" if data[k] is None else data[k] for k in CSV_COLUMNS}


def render_csv(fragments: Sequence[Fragment], options: Options | None = None) -> str:
    """Fragments as CSV: a header, then one row per fragment (by document and start); text
    cells a spreadsheet would run as a formula get a leading ``'``
    (:mod:`workbench.exchange.csvsafe`)."""
    options = options or Options()
    buffer = io.StringIO()
    writer = csvsafe.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for fragment in ordered(fragments):
        writer.writerow(csv_row(fragment, language=options.language))
    return buffer.getvalue()


def render_json(fragments: Sequence[Fragment], options: Options | None = None) -> str:
    """Fragments as the contract's JSON list (by document and start)."""
    return (
        json.dumps([contract(f) for f in ordered(fragments)], ensure_ascii=False, indent=2) + "\n"
    )


# --- DOCX ------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CITATION_STYLE = "Fragment Citation"
MEMO_STYLE = "Fragment Memo"
QUOTE_STYLE = "Quote"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (each becomes U+FFFD); ``\\r``
    dropped."""
    if "\r" in text:
        text = text.replace("\r", "")
    return _XML_INVALID.sub("\ufffd", text) if _XML_INVALID.search(text) else text


def _w_run(text: str, *, bold: bool = False) -> str:
    """One ``w:r`` with line breaks as ``w:br`` and tabs as ``w:tab``."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    text = xml_safe(text)
    if "\n" not in text and "\t" not in text:
        return f'<w:r>{props}<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>'
    pieces: list[str] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            pieces.append("<w:br/>")
        for number, part in enumerate(line.split("\t")):
            if number:
                pieces.append("<w:tab/>")
            if part:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(part)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def _w_paragraph(style_id: str, *runs: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{"".join(runs)}</w:p>'


def _docx_styles(document: DocxDocument) -> dict[str, str]:
    """Set up the quotation, citation and memo styles once; their style ids by role."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    styles = document.styles
    quote = styles[QUOTE_STYLE]
    quote.font.italic = True
    quote.paragraph_format.left_indent = Cm(1)
    quote.paragraph_format.right_indent = Cm(1)
    quote.paragraph_format.space_before = Pt(6)
    quote.paragraph_format.space_after = Pt(2)
    quote.paragraph_format.keep_with_next = True
    cite = styles.add_style(CITATION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cite.base_style = styles["Normal"]
    cite.font.size = Pt(9.5)
    cite.paragraph_format.left_indent = Cm(1)
    cite.paragraph_format.right_indent = Cm(1)
    cite.paragraph_format.space_after = Pt(10)
    memo = styles.add_style(MEMO_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    memo.base_style = styles["Normal"]
    memo.font.size = Pt(9)
    memo.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    memo.paragraph_format.left_indent = Cm(1)
    memo.paragraph_format.space_before = Pt(0)
    memo.paragraph_format.space_after = Pt(10)
    cite.paragraph_format.keep_with_next = False
    return {
        "title": styles["Title"].style_id,
        "heading": styles["Heading 1"].style_id,
        "normal": styles["Normal"].style_id,
        "quote": quote.style_id,
        "citation": cite.style_id,
        "memo": memo.style_id,
    }


def build_docx(fragments: Sequence[Fragment], options: Options | None = None) -> DocxDocument:
    """Fragments as a Word document (python-docx): a title, a "Heading 1" per group, each
    quote in the "Quote" style with its citation in a "Fragment Citation" paragraph."""
    import docx
    from docx.oxml import parse_xml

    options = options or Options()
    words = labels(options.language)
    document = docx.Document()
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = xml_safe(options.heading())
    ids = _docx_styles(document)
    parts = [
        _w_paragraph(ids["title"], _w_run(options.heading())),
        _w_paragraph(ids["normal"], _w_run(options.subtitle(len(fragments)))),
    ]
    if not fragments:
        parts.append(_w_paragraph(ids["normal"], _w_run(words["none"])))
    for group in group_fragments(fragments, options.group_by, language=options.language):
        if not group.fragments:
            continue
        if group.title is not None:
            heading = f"{' '.join(group.title.split())} ({len(group.fragments)})"
            parts.append(_w_paragraph(ids["heading"], _w_run(heading)))
        for fragment in group.fragments:
            parts.append(_w_paragraph(ids["quote"], _w_run(quote_text(fragment))))
            parts.append(
                _w_paragraph(ids["citation"], _w_run(citation(fragment, language=options.language)))
            )
            if options.memos and fragment.memo:
                parts.append(
                    _w_paragraph(
                        ids["memo"],
                        _w_run(f"{words['memo']}: ", bold=True),
                        _w_run(fragment.memo.strip()),
                    )
                )
    container = parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(parts)}</w:body>')
    body = document.element.body
    for child in list(body):  # the template's empty body: keep only the section properties
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    section = body.find(f"{{{W_NS}}}sectPr")
    if section is not None:
        body.remove(section)
    body.extend(list(container))
    if section is not None:
        body.append(section)
    return document


# --- rendering and writing -------------------------------------------------------------------

_RENDERERS: dict[str, Callable[[Sequence[Fragment], Options | None], str]] = {
    "md": render_markdown,
    "html": render_html,
    "csv": render_csv,
    "json": render_json,
}


def format_for(path: Path | None, fmt: str | None) -> str:
    """The format to write: ``fmt`` when given, else from the file's suffix, else ``md``."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InvalidValue(
                _("the format is one of {formats}, not {value}").format(
                    formats=", ".join(FORMATS), value=repr(fmt)
                )
            )
        return fmt
    if path is None:
        return "md"
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidValue(
            _(
                "{path}: cannot tell the format from the suffix {suffix}; give --format ({formats})"
            ).format(
                path=path,
                suffix=repr(suffix) if suffix else _("(none)"),
                formats=", ".join(FORMATS),
            )
        )
    return SUFFIXES[suffix]


def render(fragments: Sequence[Fragment], fmt: str, options: Options | None = None) -> str | bytes:
    """Fragments in a format: text for md/html/csv/json, the file's bytes for docx."""
    if fmt == "docx":
        buffer = io.BytesIO()
        build_docx(fragments, options).save(buffer)
        return buffer.getvalue()
    if fmt not in _RENDERERS:
        raise InvalidValue(
            _("the format is one of {formats}, not {value}").format(
                formats=", ".join(FORMATS), value=repr(fmt)
            )
        )
    return _RENDERERS[fmt](fragments, options)


def write(
    fragments: Sequence[Fragment],
    path: Path,
    fmt: str | None = None,
    options: Options | None = None,
) -> str:
    """Render fragments and write them to ``path`` atomically; returns the format used."""
    fmt = format_for(path, fmt)
    write_atomic(path, render(fragments, fmt, options))
    return fmt


def as_options(**values: Any) -> Options:
    """:class:`Options` from keyword values, ignoring None (for callers with optional flags)."""
    return Options(**{k: v for k, v in values.items() if v is not None})

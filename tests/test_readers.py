"""Tests for ``workbench.text.readers``: reading transcript files into normalised text.

What is checked:

- plain text (``.txt``, ``.md``): UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM (BOM removed,
  text identical to the original string); CRLF and lone CR become ``\\n``; U+2028/U+2029 become
  ``\\n`` without changing any offset; the Windows-1252 fallback (decoded text, ``encoding``
  and one note naming the file);
- every refusal is an ``InputError`` whose message is one line starting with the path: bytes
  that are neither UTF-8 nor Windows-1252, binary files, empty and whitespace-only files, an
  unsupported suffix, a missing file, a truncated ``.docx`` and a ``.docx`` that is plain text;
- ``.docx`` (built with python-docx): paragraphs joined by ``\\n``, empty paragraphs kept as
  empty lines, non-ASCII kept; a two-column table (speaker | text) becomes ``Speaker: text``;
- ``.odt`` (built with odfpy): headings and paragraphs in order;
- ``.vtt`` and ``.srt``: the turns come from the cues (voices, ``Name:`` prefixes), consecutive
  cues of one speaker are merged, and ``text[turn.text_start:turn.end]`` is the spoken text;
- the dev corpus (``../shared/corpus``, skipped when absent): every original ``.docx`` reads to
  exactly the text of its ``.txt`` conversion.

Expected values are written by hand from the literal inputs, never taken from the code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.text.readers import SourceText, SourceTurn, decode_bytes, normalise, read_file

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
corpus_only = pytest.mark.skipif(
    not CORPUS.exists(), reason="../shared/corpus is absent (third-party data, not in the repo)"
)

SAMPLE = "Interviewer: Où est le café?\nInterviewee: Près du marché – “là-bas”. ✓\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check_input_error(error: InputError, path: Path) -> str:
    """The message is one line that starts with the path; returns it for further checks."""
    message = str(error)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(str(path))
    assert error.path == str(path)
    return message


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    ("data", "encodings"),
    [
        pytest.param(SAMPLE.encode("utf-8"), {"utf-8"}, id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), {"utf-8-sig"}, id="utf-8-bom"),
        pytest.param(
            b"\xff\xfe" + SAMPLE.encode("utf-16-le"), {"utf-16", "utf-16-le"}, id="utf-16-le"
        ),
        pytest.param(
            b"\xfe\xff" + SAMPLE.encode("utf-16-be"), {"utf-16", "utf-16-be"}, id="utf-16-be"
        ),
    ],
)
def test_txt_unicode_encodings_give_the_original_text(
    tmp_path: Path, data: bytes, encodings: set[str]
) -> None:
    result = read_file(write(tmp_path, "t.txt", data))
    assert isinstance(result, SourceText)
    assert result.text == SAMPLE  # BOM gone, every character as written
    assert not result.text.startswith("\ufeff")
    assert result.encoding in encodings
    assert result.notes == []  # no fallback warning for a valid Unicode file
    assert result.turns is None  # plain text has no structural turns


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("one\r\ntwo\r\n\r\nthree", "one\ntwo\n\nthree", id="crlf"),
        pytest.param("one\rtwo\r\rthree", "one\ntwo\n\nthree", id="lone-cr"),
        pytest.param("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour", id="mixed"),
    ],
)
def test_txt_line_ends_become_lf(tmp_path: Path, raw: str, expected: str) -> None:
    assert read_file(write(tmp_path, "t.txt", raw.encode("utf-8"))).text == expected


def test_crlf_in_utf16_becomes_lf(tmp_path: Path) -> None:
    data = b"\xff\xfe" + "a\r\nb\rc".encode("utf-16-le")
    assert read_file(write(tmp_path, "t.txt", data)).text == "a\nb\nc"


def test_line_separators_become_lf_keeping_offsets(tmp_path: Path) -> None:
    raw = "I: Hello.\u2028R: Hi.\u2029I: Bye."
    result = read_file(write(tmp_path, "t.txt", raw.encode("utf-8")))
    assert result.text == "I: Hello.\nR: Hi.\nI: Bye."
    assert len(result.text) == len(raw)
    # every offset after the separators still points at the same character
    assert result.text.index("R: Hi.") == raw.index("R: Hi.")
    assert result.text.index("I: Bye.") == raw.index("I: Bye.")


def test_normalise_directly() -> None:
    assert normalise("\ufeffa\r\nb\rc\u2028d\u2029e") == "a\nb\nc\nd\ne"
    assert normalise("x\ufeffy") == "x\ufeffy"  # only a leading BOM is removed
    assert normalise("no change\n") == "no change\n"


def test_windows_1252_fallback(tmp_path: Path) -> None:
    original = "café – ‘quoted’ “double” …"
    data = original.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the input really is not UTF-8
    path = write(tmp_path, "legacy.txt", data)
    result = read_file(path)
    assert result.text == original
    assert result.encoding == "cp1252"
    assert len(result.notes) == 1
    assert "legacy.txt" in result.notes[0]


def test_decode_bytes_fallback_note_names_the_file() -> None:
    result = decode_bytes(Path("somewhere/notes 2019.txt"), "naïve\r\n".encode("cp1252"))
    assert result.text == "naïve\n"
    assert result.encoding == "cp1252"
    assert len(result.notes) == 1 and "notes 2019.txt" in result.notes[0]


def test_neither_utf8_nor_cp1252_is_refused(tmp_path: Path) -> None:
    data = b"abc \x81\x8d def"  # 0x81 and 0x8D are undefined in Windows-1252
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp1252")
    path = write(tmp_path, "odd-bytes.txt", data)
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = check_input_error(caught.value, path)
    assert "odd-bytes.txt" in message


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"IHDR\x00\x00\x01")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert "binary" in check_input_error(caught.value, path)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"  \n\t \r\n \r", id="whitespace"),
        pytest.param(b"\xef\xbb\xbf \n", id="utf-8-bom-whitespace"),
        pytest.param(b"\xff\xfe" + " \n\t".encode("utf-16-le"), id="utf-16-whitespace"),
    ],
)
def test_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "blank.txt", data)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert "empty" in check_input_error(caught.value, path)


def test_unsupported_suffix_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "paper.pdf", b"%PDF-1.4\nInterviewer: hello\n")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert ".pdf" in check_input_error(caught.value, path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-there.txt"
    with pytest.raises(InputError) as caught:
        read_file(path)
    check_input_error(caught.value, path)


def test_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "folder.txt"
    path.mkdir()
    with pytest.raises(InputError) as caught:
        read_file(path)
    check_input_error(caught.value, path)


def test_md_is_read_like_txt(tmp_path: Path) -> None:
    raw = "# Interview 3\r\n\r\nInterviewer: Où?\rInterviewee: Ici – “here”.\r\n"
    expected = "# Interview 3\n\nInterviewer: Où?\nInterviewee: Ici – “here”.\n"
    md = read_file(write(tmp_path, "t.md", b"\xef\xbb\xbf" + raw.encode("utf-8")))
    assert md.text == expected
    assert md.notes == [] and md.turns is None
    legacy = read_file(write(tmp_path, "legacy.md", raw.encode("cp1252")))
    assert legacy.text == expected
    assert legacy.encoding == "cp1252" and len(legacy.notes) == 1


# --------------------------------------------------------------------------- .docx


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


DOCX_PARAGRAPHS = [
    "Interview 3 – Female, 21, Newham",
    "",
    "Interviewer: Where do you go? é — “curly” ‘single’",
    "Interviewee: The café… near the station.",
]


def test_docx_paragraphs_joined_with_empty_lines_kept(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", DOCX_PARAGRAPHS)
    result = read_file(path)
    assert result.text == (
        "Interview 3 – Female, 21, Newham\n"
        "\n"
        "Interviewer: Where do you go? é — “curly” ‘single’\n"
        "Interviewee: The café… near the station."
    )
    assert result.notes == []


def test_docx_two_column_table_becomes_speaker_lines(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Before the table")
    table = document.add_table(rows=3, cols=2)
    rows = [
        ("Interviewer", "Where do you feel connected?"),
        ("Interviewee:", "At the gym – every day."),
        ("Interviewer", "Why there?"),
    ]
    for index, (speaker, text) in enumerate(rows):
        table.cell(index, 0).text = speaker
        table.cell(index, 1).text = text
    document.add_paragraph("After the table")
    path = tmp_path / "table.docx"
    document.save(str(path))
    assert read_file(path).text == (
        "Before the table\n"
        "Interviewer: Where do you feel connected?\n"
        "Interviewee: At the gym – every day.\n"
        "Interviewer: Why there?\n"
        "After the table"
    )


def test_truncated_docx_is_refused(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "whole.docx", DOCX_PARAGRAPHS).read_bytes()
    path = write(tmp_path, "half.docx", data[: len(data) // 2])
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = check_input_error(caught.value, path)
    assert "damaged" in message or "truncated" in message


def test_docx_that_is_plain_text_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "fake.docx", b"Interviewer: hello\nInterviewee: hi\n")
    with pytest.raises(InputError) as caught:
        read_file(path)
    check_input_error(caught.value, path)


# --------------------------------------------------------------------------- .odt


def test_odt_heading_and_paragraphs_in_order(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Interview 5 – Part 1"))
    document.text.addElement(P(text="Interviewer: Ça va? “Good”"))
    document.text.addElement(P(text=""))
    document.text.addElement(P(text="Interviewee: Yes, fine."))
    document.text.addElement(H(outlinelevel=2, text="Part 2"))
    document.text.addElement(P(text="Interviewer: And the park?"))
    path = tmp_path / "t.odt"
    document.save(str(path))
    assert read_file(path).text == (
        "Interview 5 – Part 1\n"
        "Interviewer: Ça va? “Good”\n"
        "\n"
        "Interviewee: Yes, fine.\n"
        "Part 2\n"
        "Interviewer: And the park?"
    )


def test_odt_with_one_paragraph(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="Interviewer: Hello."))
    path = tmp_path / "one.odt"
    document.save(str(path))
    assert read_file(path).text == "Interviewer: Hello."


def test_odt_that_is_plain_text_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "fake.odt", b"Interviewer: hello\n")
    with pytest.raises(InputError) as caught:
        read_file(path)
    check_input_error(caught.value, path)


# --------------------------------------------------------------------------- subtitles


def turn_view(result: SourceText) -> list[tuple[str | None, str, str]]:
    """(speaker, whole turn, spoken text) for each turn."""
    assert result.turns is not None
    text = result.text
    return [(t.speaker, text[t.start : t.end], text[t.text_start : t.end]) for t in result.turns]


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Anna>Hello there,
how are you?

00:00:04.500 --> 00:00:06.000
<v Bram>Fine, thanks.</v>

00:00:06.500 --> 00:00:08.000
<v Bram>And you?

00:00:08.500 --> 00:00:10.000
<v Anna>Très bien.
"""


def test_vtt_voices_give_turns_and_same_voice_cues_merge(tmp_path: Path) -> None:
    result = read_file(write(tmp_path, "t.vtt", VTT.encode("utf-8")))
    assert result.text == (
        "Anna: Hello there, how are you?\n\nBram: Fine, thanks. And you?\n\nAnna: Très bien."
    )
    assert turn_view(result) == [
        ("Anna", "Anna: Hello there, how are you?", "Hello there, how are you?"),
        ("Bram", "Bram: Fine, thanks. And you?", "Fine, thanks. And you?"),
        ("Anna", "Anna: Très bien.", "Très bien."),
    ]
    assert all(isinstance(turn, SourceTurn) for turn in result.turns or [])
    assert result.notes == []


def test_vtt_with_crlf_and_bom(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + VTT.replace("\n", "\r\n").encode("utf-8")
    result = read_file(write(tmp_path, "t.vtt", data))
    assert [speaker for speaker, _, _ in turn_view(result)] == ["Anna", "Bram", "Anna"]
    assert turn_view(result)[1][2] == "Fine, thanks. And you?"


SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: How long have you lived here?

2
00:00:03,500 --> 00:00:06,000
Respondent: About ten years.

3
00:00:06,500 --> 00:00:08,000
It feels like <i>home</i> now.

4
00:00:08,500 --> 00:00:10,000
Interviewer: Why?
"""


def test_srt_prefixes_give_turns_and_unprefixed_cue_continues(tmp_path: Path) -> None:
    result = read_file(write(tmp_path, "t.srt", SRT.encode("utf-8")))
    assert result.text == (
        "Interviewer: How long have you lived here?\n\n"
        "Respondent: About ten years. It feels like home now.\n\n"
        "Interviewer: Why?"
    )
    assert turn_view(result) == [
        (
            "Interviewer",
            "Interviewer: How long have you lived here?",
            "How long have you lived here?",
        ),
        (
            "Respondent",
            "Respondent: About ten years. It feels like home now.",
            "About ten years. It feels like home now.",
        ),
        ("Interviewer", "Interviewer: Why?", "Why?"),
    ]


# --------------------------------------------------------------------------- corpus


_CORPUS_PAIRS: dict[str, tuple[str, str]] = {}

#: Words in tracked insertions (``w:ins``) of the corpus .docx files. The corpus .txt files
#: were made with python-docx, whose ``Paragraph.text`` leaves such runs out ("so gulfed");
#: the reader keeps them, as Word shows them ("so engulfed").
TRACKED_INSERTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "P01_male_24_Newham": (
        ("you’re so gulfed,", "you’re so engulfed,"),
        ("you’re biology doing,", "you’re biologically doing,"),
    ),
}


def with_tracked_insertions(name: str, text: str) -> str:
    """A corpus .txt with the words of the .docx's tracked insertions put back."""
    for lost, shown in TRACKED_INSERTIONS.get(name, ()):
        assert text.count(lost) == 1, lost
        text = text.replace(lost, shown)
    return text


def corpus_pair(name: str) -> tuple[str, str]:
    """(text read from the .docx, the .txt normalised, with the docx's tracked insertions),
    read once per file."""
    if name not in _CORPUS_PAIRS:
        _CORPUS_PAIRS[name] = (
            read_file(CORPUS / "original_docx" / f"{name}.docx").text,
            with_tracked_insertions(
                name, normalise((CORPUS / f"{name}.txt").read_text(encoding="utf-8"))
            ),
        )
    return _CORPUS_PAIRS[name]


def corpus_docx_names() -> list[str]:
    folder = CORPUS / "original_docx"
    names = sorted(path.stem for path in folder.glob("*.docx")) if folder.is_dir() else []
    return names or ["(no corpus)"]


@pytest.mark.parametrize("name", corpus_docx_names())
@corpus_only
@pytest.mark.corpus
def test_corpus_docx_matches_its_txt_up_to_trailing_blank_lines(name: str) -> None:
    """All the content matches; only the file's end may
    differ, because the corpus .txt ends with exactly one newline after the last non-empty
    line (trailing empty paragraphs of the .docx are not in it)."""
    from_docx, from_txt = corpus_pair(name)
    assert from_txt.endswith("\n") and not from_txt.endswith("\n\n")
    assert from_docx.rstrip("\n") + "\n" == from_txt

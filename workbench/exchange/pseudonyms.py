"""Pseudonyms: replace real names of people and places in everything the workbench exports.

A project keeps a table of real names and their pseudonyms
(:class:`workbench.project.models.Pseudonym`: real name, pseudonym, kind ``person`` or
``place``, other spellings as ``variants``). A :class:`PseudonymTable` built from it (or from
a CSV/YAML file, :func:`read_file`) replaces names in text:

- whole words only: ``Els`` changes in "Els zei", "ELS" and "Els_notes" but not in "Elsa"
  or "kelsey" (Unicode word boundaries, so accented letters count as letters; an underscore
  separates words);
- case-preserving: ``ELS`` becomes the pseudonym in capitals, ``els`` in lower case, ``Els``
  as the table gives it (with the first letter's case following the text);
- possessives keep their suffix: "Els's", "Els'", "Els z'n" become "Anna's", "Anna'",
  "Anna z'n";
- every variant is replaced by the same pseudonym, and longer names win over shorter ones
  ("Jan de Vries" before "Jan"); the parts of a name may be separated by any white space
  or a hyphen ("Jan-de-Vries").

After replacing, :meth:`PseudonymTable.leftovers` looks for listed names that are still
there, with a looser match than the replacement (accents, case, curly apostrophes, hyphens or
line breaks between the parts of a name are ignored), plus the Dutch genitive without an
apostrophe ("Jans fiets"), which is flagged as a possible leftover. That catches spellings
that are not in the table and text that an exporter forgot to pass through :meth:`apply`.

The strict check of an export (:class:`NameScanner`, :meth:`PseudonymTable.scanner`) reads
what is about to be written, every byte of it: text files, and DOCX files part by part (the
document, headers, footers, the document properties, the names of the parts) and the output's
file names. It compares words in a normal form (:func:`scan_tokens`: no accents, casefolded,
camelCase and underscores split, so ``FTF17_Willis_StMarys`` reads ``ftf 17 willis st
marys``), whole words only, and also finds a name of several words written together
(``JanDeVries``, ``jandevries``). A name glued to other letters in the same case
(``INTERVIEWWILLIS``) is not found: no word boundary says where it starts.
"""

from __future__ import annotations

import bisect
import csv
import html
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import Conflict, InputError, InvalidValue, NotFound
from workbench.i18n import N_, _

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from workbench.analysis.fragments import Fragment
    from workbench.project.models import Pseudonym

#: The kinds of names a pseudonym table holds.
KINDS = ("person", "place")
#: Largest pseudonym file read (bytes).
MAX_FILE_BYTES = 5_000_000

_APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_FOLD_TRANSLATION = str.maketrans(
    {**dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_DASHES, "-"), "\u00a0": " "}
)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _collapse(name: str) -> str:
    return " ".join(name.split())


def _key(name: str) -> str:
    """The exact-match key of a name: white space collapsed, apostrophes unified, casefolded."""
    return _collapse(name).translate(_FOLD_TRANSLATION).casefold()


# A word: letters and digits. An underscore separates words as a space does, so that a name
# inside a file-name-like string ("Willis_notes") is replaced too.
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Text folded for the loose leftover search: no accents, casefolded, one apostrophe."""
    if text.isascii():  # the common case, and much faster
        text = text.lower()
        return text.replace("`", "'") if "`" in text else text
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.translate(_FOLD_TRANSLATION).casefold()


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """:func:`fold` one character at a time, with the original index of every folded char."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return "".join(pieces), origin


def _fold_word(word: str) -> str:
    return word.lower() if word.isascii() else fold(word)


def _first_word(name: str) -> tuple[str, int]:
    """The folded first word of a name and the number of characters before it."""
    name = _collapse(name)
    found = _WORD.search(name)
    if found is None:
        return "", 0
    return _fold_word(found.group()), found.start()


def match_case(found: str, pseudonym: str) -> str:
    """The pseudonym in the case of the name ``found`` in the text.

    All capitals (two letters or more) give the pseudonym in capitals, all lower case gives it
    in lower case; otherwise the pseudonym as written, its first letter's case following the
    text ("van Dijk" at the start of a sentence, "Van Dijk", gives "De Boer" for "de Boer").
    """
    letters = sum(1 for c in found if c.isalpha())
    if letters > 1 and found.isupper():
        return pseudonym.upper()
    if found.islower():
        return pseudonym.lower()
    first = found[:1]
    if first.isupper() and pseudonym[:1].islower():
        return pseudonym[:1].upper() + pseudonym[1:]
    if first.islower() and pseudonym[:1].isupper():
        return pseudonym[:1].lower() + pseudonym[1:]
    return pseudonym


@dataclass(frozen=True)
class Entry:
    """One row of a pseudonym table."""

    real: str
    """The real name."""
    pseudonym: str
    """What replaces it."""
    kind: str = "person"
    """``person`` or ``place``."""
    variants: tuple[str, ...] = ()
    """Other spellings of the real name, replaced by the same pseudonym."""

    @property
    def names(self) -> tuple[str, ...]:
        """The real name and its variants."""
        return (self.real, *self.variants)

    def to_dict(self) -> dict[str, object]:
        """A JSON object: real, pseudonym, kind, variants."""
        return {
            "real": self.real,
            "pseudonym": self.pseudonym,
            "kind": self.kind,
            "variants": list(self.variants),
        }


@dataclass(frozen=True)
class Leftover:
    """A listed name still present after pseudonymisation."""

    name: str
    """The listed real name (or variant) it matches."""
    found: str
    """The spelling found in the text."""
    where: str
    """Where it was found (``segment 12 text``), or ``""``."""
    possessive: bool = False
    """True when it is the name plus ``s`` (a Dutch genitive such as "Jans"): possibly a
    leftover, possibly another word."""

    def __str__(self) -> str:
        values = {"found": repr(self.found), "name": repr(self.name), "where": self.where}
        if self.possessive:
            if self.where:
                return _(
                    "{found} in {where} may be a possessive of the listed name {name};"
                    " add it as a variant if it is"
                ).format(**values)
            return _(
                "{found} may be a possessive of the listed name {name};"
                " add it as a variant if it is"
            ).format(**values)
        if self.where:
            return _(
                "the listed name {name} is still present as {found} in {where};"
                " add that spelling as a variant"
            ).format(**values)
        return _(
            "the listed name {name} is still present as {found}; add that spelling as a variant"
        ).format(**values)


def make_entry(
    real: str, pseudonym: str, kind: str = "person", variants: Iterable[str] = ()
) -> Entry:
    """An :class:`Entry` with white space collapsed; InvalidValue when a part is unusable."""
    real, pseudonym = _collapse(real), _collapse(pseudonym)
    if not real or not re.search(r"\w", real):
        raise InvalidValue(
            _("a real name needs at least one letter or digit, not {name}").format(name=repr(real))
        )
    if not pseudonym:
        raise InvalidValue(_("the pseudonym for {name} is empty").format(name=repr(real)))
    if kind not in KINDS:  # KINDS: person, place
        raise InvalidValue(
            _("the kind of a name is person or place, not {kind}").format(kind=repr(kind))
        )
    seen = {_key(real)}
    clean: list[str] = []
    for variant in variants:
        variant = _collapse(variant)
        if not variant or not re.search(r"\w", variant):
            raise InvalidValue(_("an empty variant for {name}").format(name=repr(real)))
        if _key(variant) in seen:
            continue
        seen.add(_key(variant))
        clean.append(variant)
    if fold(pseudonym) in {fold(n) for n in (real, *clean)}:
        raise InvalidValue(_("the pseudonym of {name} is the name itself").format(name=repr(real)))
    return Entry(real, pseudonym, kind, tuple(clean))


def check_entries(entries: Sequence[Entry]) -> None:
    """Raise Conflict when two entries list the same name, or a pseudonym is a listed name.

    A pseudonym that is also somebody's real name would make the output ambiguous and the
    leftover check useless, so it is refused.
    """
    owner: dict[str, str] = {}
    folded_names: dict[str, str] = {}
    for entry in entries:
        for name in entry.names:
            other = owner.get(_key(name))
            if other is not None and other != entry.real:
                raise Conflict(
                    _("the name {name} is listed for both {other} and {real}").format(
                        name=repr(name), other=repr(other), real=repr(entry.real)
                    )
                )
            owner[_key(name)] = entry.real
            folded_names[fold(_collapse(name))] = name
    for entry in entries:
        clash = folded_names.get(fold(entry.pseudonym))
        if clash is not None:
            raise Conflict(
                _(
                    "the pseudonym {pseudonym} (for {real}) is itself a listed name ({name});"
                    " choose another pseudonym"
                ).format(pseudonym=repr(entry.pseudonym), real=repr(entry.real), name=repr(clash))
            )


def _exact_pattern(name: str) -> str:
    parts = []
    for char in _collapse(name):
        if char == " ":  # any white space, or a hyphen: "Jan de Vries", "Jan-de-Vries"
            parts.append(r"(?:\s*[-\u2010\u2011]\s*|\s+)")
        elif char in _APOSTROPHES:
            parts.append(f"[{re.escape(_APOSTROPHES)}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _loose_pattern(name: str) -> str:
    tokens = [t for t in re.split(r"\W+", fold(name)) if t]
    return r"\W+".join(re.escape(t) for t in tokens)


@dataclass
class _Candidate:
    """Names that start with one folded word, as a pattern anchored at that word."""

    offset: int
    """Characters of the name before its first word (``'t Hoekje``: 1)."""
    pattern: re.Pattern[str]
    """Matches one of the names at a position (longest name first)."""
    names: list[str]
    """The names, in the order of the pattern's groups ``n0``, ``n1``..."""


def _index(
    names: list[str], to_pattern: Callable[[str], str], *, flags: int = 0, genitive: bool = False
) -> dict[str, list[_Candidate]]:
    """Names grouped by their folded first word, each group one anchored pattern."""
    groups: dict[tuple[str, int], list[str]] = {}
    for name in names:
        word, offset = _first_word(name)
        if word and to_pattern(name):
            groups.setdefault((word, offset), []).append(name)
    index: dict[str, list[_Candidate]] = {}
    for (word, offset), members in groups.items():
        members.sort(key=lambda n: (-len(_collapse(n)), n))
        body = "|".join(f"(?P<n{i}>{to_pattern(n)})" for i, n in enumerate(members))
        tail = r"(?P<gen>s)?(?![^\W_])" if genitive else r"(?![^\W_])"
        pattern = re.compile(r"(?<![^\W_])(?:" + body + ")" + tail, flags)
        index.setdefault(word, []).append(_Candidate(offset, pattern, members))
    for candidates in index.values():
        candidates.sort(key=lambda c: -c.offset)
    return index


def _scan(
    text: str, index: dict[str, list[_Candidate]], *, genitive: bool = False
) -> Iterator[tuple[re.Match[str], _Candidate]]:
    """Non-overlapping matches of indexed names in ``text``, left to right.

    Only the positions of words that start a listed name are tried, so a text without any
    listed name costs one pass over its words, however long the table.
    """
    last = 0
    for word in _WORD.finditer(text):
        if word.start() < last:
            continue
        key = _fold_word(word.group())
        candidates = index.get(key)
        if candidates is None and genitive and key.endswith("s"):
            candidates = index.get(key[:-1])
        for candidate in candidates or ():
            start = word.start() - candidate.offset
            if start < last:
                continue
            found = candidate.pattern.match(text, start)
            if found is not None:
                yield found, candidate
                last = found.end()
                break


@dataclass
class PseudonymTable:
    """Real names and their pseudonyms, compiled for replacing and checking text."""

    entries: list[Entry] = field(default_factory=list)
    """The table's rows."""

    def __post_init__(self) -> None:
        check_entries(self.entries)
        self._by_key: dict[str, Entry] = {}
        names: list[tuple[str, Entry]] = []
        for entry in self.entries:
            for name in entry.names:
                self._by_key[_key(name)] = entry
                names.append((name, entry))
        names.sort(key=lambda item: (-len(_collapse(item[0])), item[0]))
        self._names = names
        all_names = [n for n, _ in names]
        self._exact = _index(all_names, _exact_pattern, flags=re.IGNORECASE)
        self._loose = _index([fold(n) for n in all_names], _loose_pattern, genitive=True)
        self._loose_name = {fold(n): n for n in reversed(all_names)}
        masks = _index(sorted({fold(e.pseudonym) for e in self.entries}), _loose_pattern)
        # the leftover check skips over pseudonyms first, then looks for listed names
        self._check = {
            w: [*masks.get(w, ()), *self._loose.get(w, ())] for w in set(masks) | set(self._loose)
        }
        # quick screens: a text none of whose words starts a listed name is passed over
        self._exact_words = frozenset(
            w for n in all_names for w in _WORD.findall(_collapse(n).lower())[:1]
        ) | frozenset(self._exact)
        self._loose_words = frozenset(self._loose) | frozenset(w + "s" for w in self._loose)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _entry_for(self, found: str) -> Entry:
        entry = self._by_key.get(_key(found))
        if entry is not None:
            return entry
        for name, candidate in self._names:  # case folding rules that differ from re's
            if re.fullmatch(_exact_pattern(name), found, re.IGNORECASE):
                return candidate
        raise AssertionError(f"no entry for a matched name ({len(found)} characters)")

    def apply(self, text: str) -> str:
        """``text`` with every listed name (whole words) replaced by its pseudonym."""
        if not self._exact or not text:
            return text
        if self._exact_words.isdisjoint(_WORD.findall(text.lower())):
            return text
        pieces: list[str] = []
        last = 0
        for found, _candidate in _scan(text, self._exact):
            pieces.append(text[last : found.start()])
            name = found.group(0)
            pieces.append(match_case(name, self._entry_for(name).pseudonym))
            last = found.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def apply_mapped(self, text: str) -> tuple[str, OffsetMap]:
        """:meth:`apply`, with the map from offsets in ``text`` to offsets in the result (so
        that segments keep pointing at their passage in a pseudonymised transcript)."""
        if not self._exact or not text:
            return text, OffsetMap(())
        if self._exact_words.isdisjoint(_WORD.findall(text.lower())):
            return text, OffsetMap(())
        pieces: list[str] = []
        spans: list[tuple[int, int, int]] = []
        last = 0
        for found, _candidate in _scan(text, self._exact):
            pieces.append(text[last : found.start()])
            name = found.group(0)
            new = match_case(name, self._entry_for(name).pseudonym)
            spans.append((found.start(), found.end(), len(new)))
            pieces.append(new)
            last = found.end()
        pieces.append(text[last:])
        return "".join(pieces), OffsetMap(tuple(spans))

    def apply_optional(self, text: str | None) -> str | None:
        """:meth:`apply` that passes None through."""
        return None if text is None else self.apply(text)

    def leftovers(self, text: str, where: str = "") -> list[Leftover]:
        """Listed names still present in ``text`` (already pseudonymised), loosely matched.

        Accents, case, apostrophe and dash forms, and the separators between the parts of a
        name are ignored; occurrences of the pseudonyms themselves are not counted (so a
        pseudonym "Jan-Willem" does not report the listed name "Jan"). A name followed by
        ``s`` is reported as a possible possessive.
        """
        if not self._loose or not text:
            return []
        folded = fold(text)
        if self._loose_words.isdisjoint(_WORD.findall(folded)):
            return []
        hits = self._loose_hits(folded)
        if not hits:
            return []
        origin: Sequence[int]
        if text.isascii():  # folding kept every character in place
            origin = range(len(text))
        else:
            per_char, origin = _fold_with_map(text)
            if per_char != folded:  # rare: folding the whole text differs from char by char
                hits = self._loose_hits(per_char)
        return [
            Leftover(name, text[origin[s] : origin[e - 1] + 1], where, possessive)
            for s, e, name, possessive in hits
        ]

    def _loose_hits(self, folded: str) -> list[tuple[int, int, str, bool]]:
        hits: list[tuple[int, int, str, bool]] = []
        for found, candidate in _scan(folded, self._check, genitive=True):
            if "gen" not in candidate.pattern.groupindex:
                continue  # a pseudonym: skipped over
            index = next(int(k[1:]) for k, v in found.groupdict().items() if k != "gen" and v)
            name = self._loose_name.get(candidate.names[index], candidate.names[index])
            hits.append((found.start(), found.end(), name, found.group("gen") is not None))
        return hits

    def fragment(self, fragment: Fragment, *, cache: dict[str, str] | None = None) -> Fragment:
        """A copy of a fragment with its text, names, speaker, places, codes and memo
        pseudonymised. ``cache`` remembers the short fields (names, labels) across calls."""
        memo = {} if cache is None else cache

        def short(value: str) -> str:
            done = memo.get(value)
            if done is None:
                done = memo[value] = self.apply(value)
            return done

        return replace(
            fragment,
            text=self.apply(fragment.text),
            document=short(fragment.document),
            case=None if fragment.case is None else short(fragment.case),
            speaker=None if fragment.speaker is None else short(fragment.speaker),
            codes=[short(c) for c in fragment.codes],
            places=sorted(short(p) for p in fragment.places),
            memo=self.apply_optional(fragment.memo),
            coders=list(fragment.coders),
        )

    def fragments(self, fragments: Iterable[Fragment]) -> list[Fragment]:
        """:meth:`fragment` for each fragment."""
        if not self:
            return list(fragments)
        cache: dict[str, str] = {}
        return [self.fragment(f, cache=cache) for f in fragments]

    def check_fragments(self, fragments: Iterable[Fragment]) -> list[Leftover]:
        """The leftovers in every exported field of (pseudonymised) fragments.

        Texts and memos are reported per segment; a document, case, speaker, place or code
        name once, at the first segment that carries it.
        """
        found: list[Leftover] = []
        seen: set[tuple[str, str]] = set()
        for fragment in fragments:
            for name, value in (("text", fragment.text), ("memo", fragment.memo)):
                if value:
                    where = _(_SEGMENT_FIELDS[name]).format(number=fragment.segment)
                    found.extend(self.leftovers(value, where))
            shorts: list[tuple[str, str | None]] = [
                ("document", fragment.document),
                ("case", fragment.case),
                ("speaker", fragment.speaker),
                *(("place", p) for p in fragment.places),
                *(("code", c) for c in fragment.codes),
            ]
            for name, value in shorts:
                if value and (name, value) not in seen:
                    seen.add((name, value))
                    where = _(_SEGMENT_FIELDS[name]).format(number=fragment.segment)
                    found.extend(self.leftovers(value, where))
        return found

    def scanner(self) -> NameScanner:
        """The strict check of written output for this table's names (built once)."""
        built: NameScanner | None = getattr(self, "_scanner", None)
        if built is None:
            built = self._scanner = NameScanner(self.entries)
        return built


# --- offsets in a pseudonymised text ---------------------------------------------------------


class OffsetMap:
    """Offsets in a text to offsets in the text :meth:`PseudonymTable.apply_mapped` made of it."""

    def __init__(self, spans: Sequence[tuple[int, int, int]]) -> None:
        self.spans = tuple(spans)
        """The replaced names: (start, end) in the original text, and the pseudonym's length."""
        self._stops = [stop for _start, stop, _length in self.spans]
        shifts = [0]
        for start, stop, length in self.spans:
            shifts.append(shifts[-1] + length - (stop - start))
        self._shifts = shifts

    def __call__(self, offset: int, *, end: bool = False) -> int:
        """Where ``offset`` is after the replacements. An offset inside a replaced name moves to
        the start of its pseudonym (with ``end``: to its end, so a span keeps the name)."""
        index = bisect.bisect_right(self._stops, offset)  # spans ending at or before offset
        shift = self._shifts[index]
        if index < len(self.spans):
            start, _stop, length = self.spans[index]
            if start < offset:  # inside the name
                return start + shift + (length if end else 0)
        return offset + shift


# --- the strict check of written output ------------------------------------------------------

# camelCase, an acronym before a word, and letters against digits: "FTF17_Willis_StMarys"
# reads "FTF 17 Willis St Marys", "interview-JanDeVries" "interview Jan De Vries".
_CAMEL = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])"
)
_TOKEN = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^<>]*>")
#: Where in a fragment a leftover was found (:meth:`PseudonymTable.check_fragments`).
_SEGMENT_FIELDS = {
    "text": N_("segment {number} text"),
    "memo": N_("segment {number} memo"),
    "document": N_("segment {number} document"),
    "case": N_("segment {number} case"),
    "speaker": N_("segment {number} speaker"),
    "place": N_("segment {number} place"),
    "code": N_("segment {number} code"),
}
#: Parts of an output that are shown by name in a leak report.
_PROPERTIES = ("docProps/",)


def scan_tokens(text: str) -> list[str]:
    """The words of ``text`` as the strict check compares them: accents stripped, camelCase
    and letters-against-digits split, casefolded, and everything that is not a letter or a
    digit (underscores, hyphens, dots, apostrophes, markup) a separator."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _TOKEN.findall(_CAMEL.sub(" ", text).casefold())


@dataclass(frozen=True)
class Leak:
    """A listed real name found in written output."""

    name: str
    """The listed real name (or variant) found."""
    found: str
    """How it was found, in the check's normal form (``willis``)."""
    part: str
    """The output file, and inside a DOCX the part (``quotes.docx: word/document.xml``)."""
    where: str
    """What holds it: ``the text``, ``a file name``, ``the document properties``."""

    def __str__(self) -> str:
        return _("the real name {name} is in {part} ({where})").format(
            name=repr(self.name), part=self.part, where=self.where
        )


class NameScanner:
    """Finds every listed real name and variant in any text, whole words in the normal form
    of :func:`scan_tokens` (so also inside ``File_Names``, ``camelCase`` and other
    spellings of case and accents), and written together (``JANDEVRIES``). Where a
    pseudonym stands the check skips over it, so a pseudonym that contains a listed name
    ("Jan-Willem" for "Jan") is not a leak."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        index: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}

        def add(text: str, name: str | None) -> None:
            tokens = tuple(scan_tokens(text))
            if not tokens:
                return
            forms = {tokens}
            if len(tokens) > 1:
                forms.add(("".join(tokens),))
            for form in forms:
                index.setdefault(form[0], []).append((form, name))

        for entry in entries:
            for name in entry.names:
                add(name, name)
            add(entry.pseudonym, None)
        for candidates in index.values():  # longest first; a real name before a pseudonym
            candidates.sort(key=lambda c: (-len(c[0]), c[1] is None, c[1] or ""))
        self._index = index

    def __bool__(self) -> bool:
        return any(name is not None for c in self._index.values() for _f, name in c)

    def find(self, text: str) -> list[tuple[str, str]]:
        """The listed names in ``text``: (the listed name, the words found)."""
        tokens = scan_tokens(text)
        if self._index.keys().isdisjoint(tokens):
            return []
        found: list[tuple[str, str]] = []
        index, count = 0, len(tokens)
        while index < count:
            for form, name in self._index.get(tokens[index], ()):
                width = len(form)
                if tuple(tokens[index : index + width]) == form:
                    if name is not None:
                        found.append((name, " ".join(form)))
                    index += width
                    break
            else:
                index += 1
        return found

    def _texts(self, data: bytes, markup: bool) -> list[str]:
        text = data.decode("utf-8", errors="replace")
        if not markup:
            return [text]
        # the markup as it is (attribute values), the text between tags, and the text of runs
        # a writer split inside a word ("Wil</w:t></w:r><w:r><w:t>lis")
        return [text, html.unescape(_TAG.sub(" ", text)), html.unescape(_TAG.sub("", text))]

    def scan(self, label: str, data: bytes) -> list[Leak]:
        """The leaks in one written file called ``label`` (a path as the user gave it, or a
        path inside an output folder): its name, and its content; a DOCX (any zip) member by
        member, the names of its parts and its properties included."""
        leaks: dict[tuple[str, str, str], Leak] = {}

        def note(text: str, part: str, where: str) -> None:
            for name, found in self.find(text):
                leaks.setdefault((name, part, where), Leak(name, found, part, where))

        note(label, label, _("a file name"))
        if data[:4] == b"PK\x03\x04":
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile:
                archive = None
            if archive is not None:
                with archive:
                    for info in archive.infolist():
                        part = f"{label}: {info.filename}"
                        note(info.filename, part, _("a part name"))
                        where = (
                            _("the document properties")
                            if info.filename.startswith(_PROPERTIES)
                            else _("the text")
                        )
                        markup = info.filename.endswith((".xml", ".rels", ".html", ".svg"))
                        for text in self._texts(archive.read(info), markup):
                            note(text, part, where)
                return list(leaks.values())
        markup = label.lower().endswith((".html", ".htm", ".svg", ".xml", ".md"))
        for text in self._texts(data, markup):
            note(text, label, _("the text"))
        return list(leaks.values())

    def scan_all(self, parts: Iterable[tuple[str, bytes]]) -> list[Leak]:
        """:meth:`scan` over every written file."""
        return [leak for label, data in parts for leak in self.scan(label, data)]


# --- the project's table ---------------------------------------------------------------------


def _entry_of(row: Pseudonym) -> Entry:
    return Entry(row.real, row.pseudonym, row.kind, tuple(json.loads(row.variants or "[]")))


def entries(session: Session) -> list[Entry]:
    """The project's pseudonym table, by real name."""
    from sqlmodel import select

    from workbench.project.models import Pseudonym

    rows = session.exec(select(Pseudonym).order_by(Pseudonym.real)).all()
    return [_entry_of(row) for row in rows]


def table(session: Session) -> PseudonymTable:
    """The project's pseudonym table, compiled."""
    return PseudonymTable(entries(session))


def _find_row(session: Session, real: str) -> Pseudonym | None:
    from sqlmodel import select

    from workbench.project.models import Pseudonym

    real = _collapse(real)
    row = session.exec(select(Pseudonym).where(Pseudonym.real == real)).first()
    if row is None:
        for candidate in session.exec(select(Pseudonym)).all():
            if _key(candidate.real) == _key(real):
                return candidate
    return row


def add(
    session: Session,
    real: str,
    pseudonym: str,
    *,
    kind: str = "person",
    variants: Iterable[str] = (),
    replace_existing: bool = False,
) -> Entry:
    """Add a real name with its pseudonym (and variants) to the project's table.

    An existing real name is a Conflict unless ``replace_existing``; a name listed for
    another entry, or a pseudonym that is a listed name, is a Conflict too.
    """
    from workbench.project.models import Pseudonym

    entry = make_entry(real, pseudonym, kind, variants)
    row = _find_row(session, entry.real)
    if row is not None and not replace_existing:
        raise Conflict(
            _("{real} already has the pseudonym {pseudonym}; use --replace to change it").format(
                real=repr(row.real), pseudonym=repr(row.pseudonym)
            )
        )
    others = [e for e in entries(session) if row is None or e.real != row.real]
    check_entries([*others, entry])
    if row is None:
        row = Pseudonym(real=entry.real, pseudonym=entry.pseudonym)
    row.real = entry.real
    row.pseudonym = entry.pseudonym
    row.kind = entry.kind
    row.variants = json.dumps(list(entry.variants), ensure_ascii=False)
    session.add(row)
    session.flush()
    return entry


def remove(session: Session, real: str) -> Entry:
    """Remove a real name from the project's table."""
    row = _find_row(session, real)
    if row is None:
        raise NotFound(_("no pseudonym for {name} in the table").format(name=repr(real)))
    entry = _entry_of(row)
    session.delete(row)
    session.flush()
    return entry


def load(session: Session, new: Sequence[Entry], *, replace_table: bool = False) -> int:
    """Add entries from a file to the project's table (or replace the whole table).

    All or nothing: a conflict with the table or within the file changes nothing (the
    caller's transaction rolls back). Returns the number of entries added or changed.
    """
    from sqlmodel import col, select

    from workbench.project.models import Pseudonym

    rows = list(session.exec(select(Pseudonym).order_by(col(Pseudonym.id))).all())
    incoming = {_key(e.real) for e in new}
    kept = [] if replace_table else [_entry_of(r) for r in rows if _key(r.real) not in incoming]
    check_entries([*kept, *new])
    by_key = {_key(row.real): row for row in rows}
    if replace_table:  # rows of names that stay are updated, not deleted and inserted again
        for key, row in by_key.items():
            if key not in incoming:
                session.delete(row)
        session.flush()
    for entry in new:
        row = by_key.get(_key(entry.real)) or Pseudonym(real=entry.real, pseudonym=entry.pseudonym)
        row.real = entry.real
        row.pseudonym = entry.pseudonym
        row.kind = entry.kind
        row.variants = json.dumps(list(entry.variants), ensure_ascii=False)
        session.add(row)
    session.flush()
    return len(new)


# --- files -----------------------------------------------------------------------------------


def _split_variants(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[;|]", value) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise InvalidValue(_("variants must be a list of names or a text separated by ';'"))


def _rows_from_csv(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "real" not in header or "pseudonym" not in header:
        raise InvalidValue(_("the first line must name the columns real,pseudonym[,kind,variants]"))
    reader.fieldnames = header
    return [
        (
            _("line {line}").format(line=reader.line_num),
            {k: v for k, v in row.items() if k is not None},
        )
        for row in reader
        if any((v or "").strip() for k, v in row.items() if k is not None)
    ]


def _rows_from_yaml(text: str) -> list[tuple[str, dict[str, Any]]]:
    import yaml

    from workbench.text import safeyaml

    try:
        data = safeyaml.load(text)  # bounded: nesting depth, alias expansion
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        reason = problem if problem and "limit" in problem else None
        if mark is not None and reason:
            message = _("invalid YAML at line {line} ({reason})")
        elif mark is not None:
            message = _("invalid YAML at line {line}")
        elif reason:
            message = _("invalid YAML ({reason})")
        else:
            message = _("invalid YAML")
        line = mark.line + 1 if mark is not None else 0
        raise InvalidValue(message.format(line=line, reason=reason)) from None
    if isinstance(data, dict) and "pseudonyms" in data:
        data = data["pseudonyms"]
    if isinstance(data, dict):  # real: pseudonym
        data = [{"real": str(k), "pseudonym": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise InvalidValue(_("expected a list of entries with real and pseudonym"))
    rows = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InvalidValue(
                _("entry {number} is not a mapping with real and pseudonym").format(number=number)
            )
        rows.append((_("entry {number}").format(number=number), item))
    return rows


def read_file(path: Path) -> list[Entry]:
    """A pseudonym table from a CSV (columns real,pseudonym,kind,variants; variants separated
    by ``;``) or YAML file (a list of mappings with those keys). InputError when unreadable."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(
                path, _("larger than {size} MB").format(size=MAX_FILE_BYTES // 1_000_000)
            )
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, _("no such file")) from None
    except IsADirectoryError:
        raise InputError(path, _("is a folder, not a pseudonym file")) from None
    except UnicodeDecodeError:
        raise InputError(path, _("not UTF-8 text")) from None
    except OSError as exc:
        raise InputError(path, exc.strerror or _("cannot be read")) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            rows = _rows_from_csv(text)
        elif suffix in (".yaml", ".yml"):
            rows = _rows_from_yaml(text)
        else:
            raise InvalidValue(_("a pseudonym file is .csv or .yaml"))
        result: list[Entry] = []
        for where, row in rows:
            real, pseudonym = row.get("real"), row.get("pseudonym")
            if not isinstance(real, str | int) or not isinstance(pseudonym, str | int):
                raise InvalidValue(
                    _("{where}: needs a real name and a pseudonym").format(where=where)
                )
            try:
                result.append(
                    make_entry(
                        str(real),
                        str(pseudonym),
                        str(row.get("kind") or "person").strip(),
                        _split_variants(row.get("variants")),
                    )
                )
            except InvalidValue as exc:
                raise InvalidValue(f"{where}: {exc}") from None
        if not result:
            raise InvalidValue(_("no entries"))
        check_entries(result)
    except (InvalidValue, Conflict) as exc:
        raise InputError(path, str(exc)) from None
    return result

"""The one spaCy pipeline factory.

Offline by design: ``spacy.blank(lang)`` with a ``sentencizer`` and the ``lemmatizer`` in
lookup mode (tables from the ``spacy-lookups-data`` package) gives tokens, sentences and
lemmas for Dutch and English with nothing downloaded. When a trained pipeline is installed
and configured (``WORKBENCH_SPACY_MODEL_NL=nl_core_news_sm``), it is used instead. A
pipeline is built once per language, on first use; spaCy itself is imported only then.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

SUPPORTED_LANGUAGES = ("nl", "en")
_pipelines: dict[tuple[str, bool], Language] = {}
_lock = threading.Lock()


def configured_model(lang: str) -> str | None:
    """The name of a trained pipeline configured for ``lang``, if any."""
    return os.environ.get(f"WORKBENCH_SPACY_MODEL_{lang.upper()}") or None


def _build(lang: str, lemmas: bool) -> Language:
    import spacy

    model = configured_model(lang)
    if model:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise WorkbenchError(
                _(
                    "spaCy pipeline {model} (set for {language}) is not installed; unset "
                    "{setting} to use the built-in one"
                ).format(
                    model=repr(model),
                    language=repr(lang),
                    setting=f"WORKBENCH_SPACY_MODEL_{lang.upper()}",
                )
            ) from exc
        if not lemmas:
            keep = {"senter", "parser", "sentencizer", "tok2vec", "transformer"}
            for name in list(nlp.pipe_names):
                if name not in keep:
                    nlp.disable_pipe(name)
        return nlp
    try:
        nlp = spacy.blank(lang)
    except Exception as exc:  # ImportError / KeyError for an unknown language code
        raise WorkbenchError(
            _("spaCy has no language {language}").format(language=repr(lang))
        ) from exc
    nlp.add_pipe("sentencizer")
    if lemmas:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    nlp.max_length = 20_000_000  # above any document (MAX_TEXT_CHARS); pieces are far shorter
    return nlp


def pipeline(lang: str, *, lemmas: bool = False) -> Language:
    """The shared pipeline for ``lang``: sentences always, lemmas when asked for."""
    key = (lang, lemmas)
    with _lock:
        nlp = _pipelines.get(key)
        if nlp is None:
            nlp = _pipelines[key] = _build(lang, lemmas)
    return nlp


def sentence_spans(
    lang: str,
    pieces: Iterable[tuple[int, str]],
    batch_size: int = 256,
    *,
    on_doc: Callable[[int, Any], None] | None = None,
) -> Iterator[tuple[int, int]]:
    """Sentences of text pieces given as ``(offset, text)``, as absolute ``(start, end)``.

    Pieces are spans that no sentence crosses (paragraphs, or a turn's speech in one
    paragraph). Leading and trailing white space is not part of a sentence. ``on_doc``
    receives each piece's offset and spaCy doc, so that the tokens can be used without
    parsing the text twice (the lemma index does).
    """
    nlp = pipeline(lang)
    items = [part for offset, text in pieces for part in split_long(offset, text)]
    docs = nlp.pipe((text for _, text in items), batch_size=batch_size)
    for (offset, _text), doc in zip(items, docs, strict=True):
        if on_doc is not None:
            on_doc(offset, doc)
        for sent in doc.sents:
            span = sent.text
            stripped = span.strip()
            if not stripped:
                continue
            lead = len(span) - len(span.lstrip())
            start = offset + sent.start_char + lead
            yield start, start + len(stripped)


#: The longest piece of text given to spaCy at once. A longer paragraph (a transcript saved
#: as one line) is cut at white space into pieces of about this size: spaCy refuses a text
#: over ``max_length`` (its error E088) and holds a whole doc in memory at once.
MAX_PIECE_CHARS = 100_000


def split_long(offset: int, text: str, limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` cut into pieces of at most ``limit`` characters (default
    :data:`MAX_PIECE_CHARS`), at the last white space before the limit when there is one (a
    sentence is then cut in two only in a paragraph far longer than any real one)."""
    limit = limit or MAX_PIECE_CHARS
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = max(text.rfind(" ", start + limit // 2, end), text.rfind("\n", start, end))
        if cut <= start:
            cut = end
        yield offset + start, text[start:cut]
        start = cut
    yield offset + start, text[start:]


def lemmatise(lang: str, texts: Iterable[str]) -> Iterator[Any]:
    """spaCy docs with lemmas for the texts (used by search and suggestions)."""
    yield from pipeline(lang, lemmas=True).pipe(texts, batch_size=256)

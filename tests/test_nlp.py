"""The one spaCy pipeline factory: offline, built once, trained pipelines only when set."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.text import nlp


def test_pipeline_is_built_once_per_language_and_mode() -> None:
    assert nlp.pipeline("en") is nlp.pipeline("en")
    assert nlp.pipeline("nl", lemmas=True) is not nlp.pipeline("nl")
    assert "sentencizer" in nlp.pipeline("nl").pipe_names


def test_dutch_lemmas_from_the_lookup_tables() -> None:
    [doc] = list(nlp.lemmatise("nl", ["De bibliotheken en de buurthuizen waren dicht."]))
    lemmas = [token.lemma_ for token in doc]
    assert "bibliotheek" in lemmas and "buurthuis" in lemmas


def test_sentences_are_absolute_offsets_without_surrounding_space() -> None:
    text = "Intro line\n  Ik ga naar de markt. Daar zie ik mensen!  "
    spans = list(nlp.sentence_spans("nl", [(13, text[13:])]))
    assert [text[s:e] for s, e in spans] == ["Ik ga naar de markt.", "Daar zie ik mensen!"]


def test_a_configured_but_missing_trained_pipeline_is_a_clear_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WORKBENCH_SPACY_MODEL_NL", "nl_core_news_doesnotexist")
    monkeypatch.setattr(nlp, "_pipelines", {})
    with pytest.raises(WorkbenchError, match="nl_core_news_doesnotexist.*not installed"):
        nlp.pipeline("nl")

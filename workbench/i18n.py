"""The language of the interface: English (the source texts) or Dutch, with stdlib gettext.

Every text a user reads is written in English and wrapped: ``_("Codebook")`` at the moment it
is shown, ``N_("Codebook")`` where it is defined before a language is chosen (a binding's
description: translated when the footer or the help screen shows it), ``ngettext`` or
:func:`counted` where a number decides the form ("1 segment", "2 segments").

The catalogs are ``workbench/locale/<language>/LC_MESSAGES/workbench.po`` and the compiled
``.mo`` beside it (``python tools/compile_translations.py`` compiles them; a test checks
that the ``.mo`` matches its ``.po``).

Which language: :func:`choose_language` — the ``WORKBENCH_LANGUAGE`` setting, else the
project's language, else the user's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
English. :func:`set_language` makes the choice for the process.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "DOMAIN",
    "ENVIRONMENT",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "choose_language",
    "counted",
    "language",
    "ngettext",
    "number",
    "set_language",
    "shows_labels",
]

DOMAIN = "workbench"
"""The gettext domain: the catalogs are ``workbench.po`` / ``workbench.mo``."""

LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the catalogs are: ``LOCALE_DIR/nl/LC_MESSAGES/workbench.mo``."""

LANGUAGES = ("en", "nl")
"""The languages of the interface; English is the source text (it has no catalog)."""

ENVIRONMENT = "WORKBENCH_LANGUAGE"
"""The setting that chooses the language whatever the project or the locale say."""

_current = "en"
_catalog: gettext.NullTranslations = gettext.NullTranslations()


def _supported(code: str | None) -> str | None:
    """The interface language a language code or locale names (``nl_BE.UTF-8`` → ``nl``),
    or None when it names none the workbench speaks."""
    if not code:
        return None
    base = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def choose_language(
    project_language: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The interface language: the ``WORKBENCH_LANGUAGE`` setting, else the project's
    language, else the locale (the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is
    set, as gettext reads them), else English. A setting or locale the workbench does not
    speak counts as English (``de``, ``C``, ``POSIX``)."""
    env = os.environ if environ is None else environ
    setting = env.get(ENVIRONMENT, "").strip()
    if setting:
        return _supported(setting) or "en"
    chosen = _supported(project_language)
    if chosen:
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "").strip()
        if value:
            return _supported(value.split(":")[0]) or "en"
    return "en"


def set_language(code: str) -> str:
    """Show the interface in ``code`` (``nl``, ``en``; anything else: English) from now on;
    returns the language chosen."""
    global _current, _catalog
    chosen = _supported(code) or "en"
    if chosen == "en":
        catalog: gettext.NullTranslations = gettext.NullTranslations()
    else:
        catalog = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[chosen])
    _current, _catalog = chosen, catalog
    return chosen


def language() -> str:
    """The language the interface is shown in (``en`` or ``nl``)."""
    return _current


def shows_labels(labels_language: str | None) -> bool:
    """Whether labels written in ``labels_language`` are shown: a codebook's labels (Dutch
    translations of English code names) only in an interface in that language; labels of
    unknown language always."""
    return labels_language is None or _supported(labels_language) == _current


def _(message: str) -> str:
    """``message`` (an English text) in the interface's language."""
    return _catalog.gettext(message) if message else message


def N_(message: str) -> str:
    """Marks a text for translation where it is defined; it is translated with :func:`_`
    where it is shown (a binding's description, a table of names)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or the plural text for ``n``, in the interface's language."""
    return _catalog.ngettext(singular, plural, n)


def number(n: int) -> str:
    """A whole number grouped by thousands as the language writes it ("1,234"; "1.234")."""
    shown = f"{n:,}"
    return shown.replace(",", ".") if _current == "nl" else shown


def counted(n: int, singular: str, plural: str) -> str:
    """``n`` with its unit in the right form: ``counted(1, "segment", "segments")`` is
    "1 segment", with 2 "2 segments" ("2 segmenten" in Dutch)."""
    return f"{number(n)} {ngettext(singular, plural, n)}"


def tally(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` with its English unit in the right form, never translated: for the texts the
    project keeps (a change's summary in the change log) and the service summaries that are
    English only ("1 code", "3 codes"; ``plural`` defaults to ``singular`` + "s"). The command
    line's own texts use :func:`counted`."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"

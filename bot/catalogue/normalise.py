"""Words for lexical search: lemmas from spaCy's lookup tables, lower-case, without accents.

Citizens often type without å/ä/ö ("forsorjningsstod") and inflect freely; folding accents and
reducing words to their dictionary form lets BM25 match the catalogue's wording anyway. spaCy's
blank pipelines give tokenisers for most languages; lookup lemmatisers exist for some (sv, en,
es, tr, hr, sr). Languages spaCy lacks (Somali, Bosnian, easy-Swedish's tag) fall back to a
close relative or the multilingual tokeniser.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

import spacy
from spacy.language import Language

_SPACY_CODE = {"sv-x-easy": "sv", "bs": "hr", "so": "xx", "kmr": "xx"}
_LEMMA_LANGUAGES = {"sv", "en", "es", "tr", "hr", "sr"}
log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _pipeline(language: str) -> Language:
    code = _SPACY_CODE.get(language, language)
    try:
        nlp = spacy.blank(code)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank("xx")
    if code in _LEMMA_LANGUAGES:
        try:
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
        except (ValueError, OSError):  # lookups missing: tokens only
            log.warning("no lemma lookups for %s", code)
            nlp = spacy.blank(code)
    return nlp


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def fold(text: str) -> str:
    """Lower-case without accents, phone apostrophes made plain: 'Försörjningsstöd' ->
    'forsorjningsstod', "don’t" -> "don't"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Arabic-script words carry clitics ("والايجار" = "and the rent") and letters people write
# interchangeably; a light stemmer (after Larkey et al., "light10") strips the common ones so
# that "السوسيال", "بالسوسيال" and "سوسيال" match. Used for Arabic and Persian alike.
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ک": "ك",
        "ـ": None,
        "\u200c": None,
    }
)
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_ARABIC_SUFFIXES = ("هاي", "ها", "ات", "ان", "ون", "ين", "يه", "ه", "ي")


def _light_stem(word: str) -> str:
    word = word.translate(_ARABIC_LETTERS)
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _is_arabic_script(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def search_terms(text: str, language: str) -> list[str]:
    """The words of `text` that matter for search, as folded lemmas."""
    nlp = _pipeline(language)
    stop_words = nlp.Defaults.stop_words
    terms = []
    for token in nlp(text.casefold()):  # the lookup tables are lower-case
        if token.is_punct or token.is_space or token.lower_ in stop_words:
            continue
        lemma = fold(token.lemma_ or token.text)
        terms.append(_light_stem(lemma) if _is_arabic_script(lemma) else lemma)
    return terms

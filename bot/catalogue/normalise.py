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


def search_terms(text: str, language: str) -> list[str]:
    """The words of `text` that matter for search, as folded lemmas."""
    nlp = _pipeline(language)
    stop_words = nlp.Defaults.stop_words
    terms = []
    for token in nlp(text.casefold()):  # the lookup tables are lower-case
        if token.is_punct or token.is_space or token.lower_ in stop_words:
            continue
        lemma = token.lemma_ or token.text
        terms.append(fold(lemma))
    return terms

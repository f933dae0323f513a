"""Which language a citizen writes in, offline, and whether that is reason to switch.

Short chat messages are hard for any detector ("ok", "ja", a name, a number), so the conversation
keeps its language unless the evidence is strong: another script, or a few words that the
detector is sure about. The combination below (Ethiopic script → Tigrinya; py3langid for
Kurdish, which langidentify lacks; langidentify restricted to our languages for the rest) was
measured best on short messages (docs/architecture.md, "Languages").

Usage:
    detector = LanguageDetector(["sv", "en", "ar", "ti"])
    detector.detect("hur ansöker jag")                # -> Detection(language="sv", ...)
    detector.choose("ok", current="ar")               # -> "ar" (too little evidence to switch)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import py3langid
from langidentify import Detector, Language, Model

# Our codes → the detectors' codes; Bosnian/Croatian/Serbian are one language for us.
_ALIASES = {"bs": ("hr", "sr", "bs"), "kmr": ("ku",)}
# Below this margin between its two best languages langidentify's answer is a coin toss on
# short Latin-script messages ("goodbye", "ma fahmin"); py3langid decides instead. Chosen on
# the detection sets in tests/eval/languages/ (0.02–0.05 all do better than no tie-break).
TIE_GAP = 0.05
_KURDISH = "kmr"
_TIGRINYA = "ti"
EASY_SWEDISH = "sv-x-easy"
_WORD = re.compile(r"[^\W\d_]{2,}")

# Arabic and Persian share a script and many words; some letters and words belong to one only.
_PERSIAN_ONLY = frozenset("پچژگکی")  # پ چ ژ گ, and Persian kāf and yeh (U+06A9, U+06CC)
_ARABIC_ONLY = frozenset("ةيىكأإؤئ")  # tā marbūta, Arabic yeh and kāf, hamza forms
_ARABIC_WORDS = frozenset(
    "شو ليش وين بدي اريد أريد هل هاد هذا هذه ماذا لماذا متى عندي الى إلى على عن".split()  # noqa: SIM905
)
_PERSIAN_WORDS = frozenset(
    "است هست می چی چطور برای را رو که این آن نمی میخوام میخواهم".split()  # noqa: SIM905
)

# When a message in the same script may move the conversation to another language: (words,
# letters, langidentify's margin) — a few words the detector is fairly sure of, or two words it
# is very sure of ("kiitos paljon"). "ok", "ja", a name or a number never qualify.
STRONG_EVIDENCE = ((3, 12, 0.05), (2, 10, 0.2))


@dataclass(frozen=True)
class Detection:
    language: str | None  # None: no letters, or nothing we support
    script: str | None
    words: int
    letters: int
    gap: float  # langidentify's margin between the best and the second language, 0–1


class LanguageDetector:
    """Detects one of the service's languages in a short message; lazy (the two models load
    in a few seconds: call warm_up() at start-up)."""

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = sorted({code for code in languages if code != EASY_SWEDISH})

    @cached_property
    def _detector(self) -> Detector:
        codes = [c for code in self.languages for c in _ALIASES.get(code, (code,))]
        known = {language.value[0] for language in Language}  # no Bosnian or Kurdish there
        return Detector(Model.load([Language.from_string(c) for c in codes if c in known]))

    @cached_property
    def _py3langid(self) -> py3langid.langid.LanguageIdentifier:
        identifier = py3langid.langid._load_identifier()
        supported = set(identifier.nb_classes)
        wanted = {"ku" if code == _KURDISH else code for code in self.languages}
        identifier.set_languages([code for code in wanted | {"en", "sv"} if code in supported])
        return identifier

    def warm_up(self) -> None:
        _ = self._detector, self._py3langid

    def detect(self, text: str) -> Detection:
        text = _main_script_words(text)
        letters = [ch for ch in text if ch.isalpha()]
        script = _script(letters)
        words = len(_WORD.findall(text))
        if not letters:
            return Detection(None, None, words, 0, 0.0)
        if script == "ETHIOPIC" and _TIGRINYA in self.languages:
            return Detection(_TIGRINYA, script, words, len(letters), 1.0)
        second_opinion = self._py3langid.classify(text)[0]
        if _KURDISH in self.languages and second_opinion == "ku":
            return Detection(_KURDISH, script, words, len(letters), 1.0)
        found = self._detector.detect(text).value[0]
        gap = float(self._detector.results.gap)
        if script == "LATIN" and gap < TIE_GAP:  # langidentify is unsure: ask py3langid
            found = second_opinion
        if found in {"ar", "fa"}:
            found = _arabic_or_persian(text, found)
        language = next((code for code, aliases in _ALIASES.items() if found in aliases), found)
        return Detection(
            language if language in self.languages else None, script, words, len(letters), gap
        )

    def choose(self, text: str, current: str) -> str:
        """The language after this message: `current` unless the evidence is strong."""
        found = self.detect(text)
        base = "sv" if current == EASY_SWEDISH else current
        if found.language is None or found.language == base:
            return current
        if found.script not in {"LATIN", self._script_of(base)}:
            # Arabic, Ethiopic or Cyrillic letters are evidence in themselves. Latin letters are
            # not: names and chat spellings like Arabizi are written in them by everyone.
            return found.language if found.letters >= 3 else current
        strong = any(
            found.words >= words and found.letters >= letters and found.gap >= gap
            for words, letters, gap in STRONG_EVIDENCE
        )
        return found.language if strong else current

    @staticmethod
    def _script_of(language: str) -> str:
        return {"ar": "ARABIC", "fa": "ARABIC", "ti": "ETHIOPIC", "uk": "CYRILLIC"}.get(
            language, "LATIN"
        )


def _arabic_or_persian(text: str, guess: str) -> str:
    """Letters and words only one of the two languages uses outvote the detector's guess."""
    words = text.split()
    arabic = sum(ch in _ARABIC_ONLY for ch in text) + sum(w in _ARABIC_WORDS for w in words)
    persian = sum(ch in _PERSIAN_ONLY for ch in text) + sum(w in _PERSIAN_WORDS for w in words)
    if arabic == persian:
        return guess
    return "ar" if arabic > persian else "fa"


def _script_of_letter(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "UNKNOWN"


def _script(letters: list[str]) -> str | None:
    """The most common Unicode script among the letters (first word of the character name)."""
    counts: dict[str, int] = {}
    for ch in letters:
        script = _script_of_letter(ch)
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _main_script_words(text: str) -> str:
    """An Arabic, Persian or Tigrinya message with Swedish words in it ("شو يعني försörjningsstöd")
    is written in that language: keep only its words in the non-Latin script."""
    other = [ch for ch in text if ch.isalpha() and _script_of_letter(ch) != "LATIN"]
    if len(other) < 3:
        return text
    script = _script(other)
    kept = [w for w in text.split() if any(ch.isalpha() and _script_of_letter(ch) == script
                                           for ch in w)]  # fmt: skip
    return " ".join(kept)

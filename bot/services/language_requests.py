"""Recognise a citizen asking for a language: "can you speak Arabic?", "på svenska", "meänkieli?".

The names, cues and limits live in `bot/language_requests.yml` so editors can add spellings.

Usage:
    requests = LanguageRequests.load()
    requests.find("kan du prata arabiska?")     # -> LanguageRequest(language="ar", minority=None)
    requests.find("my name is Sami")            # -> None
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REQUESTS_FILE = Path(__file__).resolve().parent.parent / "language_requests.yml"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class LanguageRequest:
    language: str | None  # a language the chat writes in
    minority: str | None  # or a minority language it cannot write ("meankieli", "sami")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1))


class LanguageRequests:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.max_words = int(raw["max_words"])
        self.short_words = int(raw["short_words"])
        self.cues = [_tokens(cue) for cue in raw["cues"]]
        self.stop = [_tokens(word) for word in raw["not_a_request"]]
        self.names = [
            (kind, code, _tokens(name))
            for kind in ("languages", "minority")
            for code, names in raw[kind].items()
            for name in names
        ]

    @classmethod
    def load(cls, path: Path = REQUESTS_FILE) -> LanguageRequests:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def find(self, text: str) -> LanguageRequest | None:
        tokens = _tokens(text)
        if not tokens or len(tokens) > self.max_words:
            return None
        if any(_contains(tokens, word) for word in self.stop):
            return None
        named = {(kind, code) for kind, code, name in self.names if _contains(tokens, name)}
        # "lättläst svenska" names easy Swedish and, through "svenska", Swedish: the longer wins.
        if ("languages", "sv-x-easy") in named:
            named.discard(("languages", "sv"))
        if len(named) != 1:
            return None
        cued = len(tokens) <= self.short_words or any(_contains(tokens, c) for c in self.cues)
        if not cued:
            return None
        kind, code = named.pop()
        return LanguageRequest(code, None) if kind == "languages" else LanguageRequest(None, code)

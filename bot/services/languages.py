"""The languages the service speaks, read from `bot/locales/<code>.yml`.

A language exists when its locale file exists; nothing else in the code lists languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    dir: str
    ui: dict[str, str]
    errors: dict[str, str]
    topics: dict[str, str]
    guide: dict[str, str]
    notes: dict[str, str]
    acute: dict[str, str]
    language: dict[str, str]  # switching language, missing translations, minority languages
    handoff: dict[str, str]  # reaching a person: the queue, outside hours, call-back requests
    booking: dict[str, str]  # booking, cancelling and moving a meeting at the district office
    tier: int  # 1: everything must be translated; 2: dialogue and the most asked articles


class LanguageRegistry:
    """Lookup of languages and their own UI and error texts.

    Usage:
        languages = LanguageRegistry.load()
        languages.negotiate("en-GB")            # -> "en"
        languages.error_text("en", "empty_text")
    """

    def __init__(self, languages: dict[str, Language], default: str) -> None:
        if default not in languages:
            raise ValueError(f"default language {default!r} has no locale file in {LOCALES_DIR}")
        self._languages = languages
        self.default = default

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR, default: str = "sv") -> LanguageRegistry:
        languages: dict[str, Language] = {}
        for path in sorted(directory.glob("*.yml")):
            raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
            code = raw["code"]
            if code != path.stem:
                raise ValueError(f"{path}: code {code!r} must match the file name")
            try:
                languages[code] = Language(
                    code, raw["name"], raw["dir"], raw["ui"], raw["errors"], raw["topics"],
                    raw["guide"], raw["notes"], raw["acute"], raw["language"], raw["handoff"],
                    raw["booking"], int(raw["tier"]),
                )  # fmt: skip
            except KeyError as missing:
                raise ValueError(f"{path}: the section {missing} is missing") from None

        # Menus list tier 1 first, Swedish and easy Swedish on top, then English, then the rest.
        def menu_order(code: str) -> tuple[int, int, str]:
            return (
                languages[code].tier,
                0 if code.startswith("sv") else 1 if code == "en" else 2,
                code,
            )

        return cls({code: languages[code] for code in sorted(languages, key=menu_order)}, default)

    def __contains__(self, code: object) -> bool:
        return code in self._languages

    def all(self) -> list[Language]:
        return list(self._languages.values())

    def codes(self, tier: int | None = None) -> list[str]:
        return [code for code, lang in self._languages.items() if tier in (None, lang.tier)]

    def get(self, code: str) -> Language:
        return self._languages.get(code) or self._languages[self.default]

    def negotiate(self, *candidates: str | None) -> str:
        """The first supported language among the candidates (exact tag, then primary subtag)."""
        for candidate in candidates:
            if not candidate:
                continue
            for tag in _accept_language_tags(candidate):
                if tag in self._languages:
                    return tag
                primary = tag.split("-")[0]
                if primary in self._languages:
                    return primary
        return self.default

    def error_text(self, code: str, key: str, **values: object) -> str:
        return self._text("errors", code, key, values)

    def handoff_text(self, code: str, key: str, **values: object) -> str:
        return self._text("handoff", code, key, values)

    def booking_text(self, code: str, key: str, **values: object) -> str:
        return self._text("booking", code, key, values)

    def _text(self, section: str, code: str, key: str, values: dict[str, object]) -> str:
        """A text of the language's `section`, else the default language's, filled in."""
        texts: dict[str, str] = getattr(self.get(code), section)
        template = texts.get(key) or getattr(self.get(self.default), section)[key]
        return template.format(**values)


def full_date(moment: datetime, code: str) -> str:
    """CLDR's full date in the language ('tisdag 1 december 2026'); easy Swedish is Swedish."""
    return format_date(moment, "full", locale=code.split("-")[0])


def _accept_language_tags(header: str) -> list[str]:
    """Tags from a language code or an Accept-Language header, best first."""
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((quality, tag.lower()))
    return [tag for _, tag in sorted(weighted, key=lambda item: -item[0])]

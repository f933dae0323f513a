"""The assistant's responses in every language: the app is Rasa's NLG server.

Rasa decides *which* response to give (`utter_greet`); this module decides *what it says* in
the conversation's language. The Swedish original of each response lives in the Rasa domain
(`bot/domain/*.yml`, so `rasa data validate` and conversation tests see it); translations live
in `bot/responses/<language>/*.yml` with the same keys. Adding a language is adding files.
A response missing in a language falls back to Swedish.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DOMAIN_DIR = PACKAGE_DIR / "domain"
TRANSLATIONS_DIR = PACKAGE_DIR / "responses"
SOURCE_LANGUAGE = "sv"

Variation = dict[str, Any]


class ResponseCatalog:
    """All response variations per language.

    Usage:
        catalog = ResponseCatalog.load()
        catalog.render("utter_greet", "en", {"contact_centre_phone": "08-508 00 508"})
        # -> {"text": "Hello! ...", "buttons": [...], "custom": None}
    """

    def __init__(self, responses: dict[str, dict[str, list[Variation]]]) -> None:
        if SOURCE_LANGUAGE not in responses:
            raise ValueError("the Swedish responses (the Rasa domain) are missing")
        self._responses = responses

    @classmethod
    def load(
        cls, domain_dir: Path = DOMAIN_DIR, translations_dir: Path = TRANSLATIONS_DIR
    ) -> ResponseCatalog:
        responses = {SOURCE_LANGUAGE: _read_responses(domain_dir.rglob("*.yml"))}
        for language_dir in sorted(p for p in translations_dir.iterdir() if p.is_dir()):
            responses[language_dir.name] = _read_responses(language_dir.glob("*.yml"))
        return cls(responses)

    def names(self, language: str = SOURCE_LANGUAGE) -> set[str]:
        return set(self._responses.get(language, {}))

    def worded_names(self, language: str = SOURCE_LANGUAGE) -> set[str]:
        """Responses with words in them: the ones a language needs a translation of (a response
        with only `custom`, e.g. `booking: book`, is the same in every language)."""
        return {
            name
            for name, variations in self._responses.get(language, {}).items()
            if any(variation.get("text") for variation in variations)
        }

    def languages(self) -> list[str]:
        return list(self._responses)

    def render(
        self,
        name: str,
        language: str,
        values: Mapping[str, object],
        rng: random.Random | None = None,
    ) -> Variation:
        """One variation of `name` in `language` (else Swedish), placeholders filled."""
        variations = self._responses.get(language, {}).get(name) or self._responses[
            SOURCE_LANGUAGE
        ].get(name)
        if not variations:
            raise KeyError(f"no response named {name!r}")
        chosen = (rng or random).choice(variations)
        return {
            "text": _fill(chosen.get("text"), values),
            "buttons": [
                {"title": _fill(b["title"], values), "payload": _fill(b["payload"], values)}
                for b in chosen.get("buttons", [])
            ],
            "custom": _fill_custom(chosen.get("custom"), values),
        }


def _read_responses(paths: Any) -> dict[str, list[Variation]]:
    responses: dict[str, list[Variation]] = {}
    for path in sorted(paths):
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for name, variations in (document.get("responses") or {}).items():
            if name in responses:
                raise ValueError(f"{path}: response {name!r} is defined twice")
            responses[name] = variations
    return responses


class _KeepMissing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str | None, values: Mapping[str, object]) -> str | None:
    """Fill `{name}` placeholders; unknown names stay as written instead of failing."""
    if template is None:
        return None
    known = _KeepMissing({k: "" if v is None else v for k, v in values.items()})
    return string.Formatter().vformat(template, (), known)


def _fill_custom(custom: Any, values: Mapping[str, object]) -> Any:
    if isinstance(custom, str):
        return _fill(custom, values)
    if isinstance(custom, list):
        return [_fill_custom(item, values) for item in custom]
    if isinstance(custom, dict):
        return {key: _fill_custom(item, values) for key, item in custom.items()}
    return custom

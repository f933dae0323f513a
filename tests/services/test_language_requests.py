"""Recognising "can you speak Arabic?" and a wish for Meänkieli or Sami, in many languages."""

from __future__ import annotations

import pytest

from bot.services.language_requests import LanguageRequest, LanguageRequests


@pytest.fixture(scope="module")
def requests() -> LanguageRequests:
    return LanguageRequests.load()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can you speak Arabic?", "ar"),
        ("kan du prata arabiska", "ar"),
        ("تتكلم عربي؟", "ar"),
        ("på svenska tack", "sv"),
        ("English please", "en"),
        ("puhutko suomea", "fi"),
        ("ትግርኛ ትዛረብ ዶ", "ti"),
        ("ma ku hadli kartaa af soomaali", "so"),
        ("فارسی بلدی؟", "fa"),
        ("lättläst svenska", "sv-x-easy"),
    ],
)
def test_a_language_asked_for(requests: LanguageRequests, text: str, language: str) -> None:
    assert requests.find(text) == LanguageRequest(language, None)


@pytest.mark.parametrize(
    ("text", "minority"),
    [("kan jag prata meänkieli med kommunen", "meankieli"), ("samiska?", "sami")],
)
def test_a_minority_language_wish(requests: LanguageRequests, text: str, minority: str) -> None:
    assert requests.find(text) == LanguageRequest(None, minority)


@pytest.mark.parametrize(
    "text",
    [
        "my name is Sami",  # a name, no wish
        "I come from Somalia how do I apply",  # a country, no wish
        "tolk på arabiska",  # an interpreter: a question for the catalogue
        "i speak english and arabic",  # two languages: ambiguous
        "can I get an interpreter who speaks Arabic at the first meeting with the social worker",
        "",
    ],
)
def test_not_a_request(requests: LanguageRequests, text: str) -> None:
    assert requests.find(text) is None

"""Responses: every Swedish response translated, translations consistent, placeholders known."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.services.answers import ArticleView
from bot.services.contacts import load_contacts
from bot.services.responses import ResponseCatalog

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def catalog() -> ResponseCatalog:
    return ResponseCatalog.load()


def test_every_response_is_translated_and_nothing_else(catalog: ResponseCatalog) -> None:
    # Responses without words (only `custom`, e.g. `booking: book`) need no translation.
    assert "utter_book_meeting" not in catalog.worded_names()
    for language in catalog.languages():
        assert catalog.worded_names() <= catalog.names(language) <= catalog.names("sv"), language


def test_translations_keep_buttons_and_placeholders(catalog: ResponseCatalog) -> None:
    # Placeholders come from bot/contacts.yml or are an article's fields sent by the action.
    known = set(load_contacts()) | {f"article_{name}" for name in ArticleView.model_fields}
    for language in catalog.languages():
        for name in catalog.names("sv"):
            original = catalog.render(name, "sv", {}, random.Random(0))
            translated = catalog.render(name, language, {}, random.Random(0))
            assert [b["payload"] for b in translated["buttons"]] == [
                b["payload"] for b in original["buttons"]
            ], (language, name)
            for placeholder in PLACEHOLDER.findall(str(translated)):
                assert placeholder in known, (language, name, placeholder)


def test_render_fills_contacts_and_keeps_unknown_placeholders(catalog: ResponseCatalog) -> None:
    rendered = catalog.render("utter_iamabot", "en", load_contacts())
    assert "08-508 00 508" in rendered["text"]
    assert rendered["custom"]["links"][0]["url"] == "tel:+46850800508"
    unfilled = catalog.render("utter_iamabot", "en", {})
    assert "{contact_centre_phone}" in unfilled["text"]


def test_language_without_responses_falls_back_to_swedish(catalog: ResponseCatalog) -> None:
    assert catalog.render("utter_greet", "xx", {}) == catalog.render("utter_greet", "sv", {})


def test_unknown_response_is_an_error(catalog: ResponseCatalog) -> None:
    with pytest.raises(KeyError):
        catalog.render("utter_not_there", "sv", {})


def test_a_response_defined_twice_is_refused(tmp_path: Path) -> None:
    domain = tmp_path / "domain"
    domain.mkdir()
    for area in ("a", "b"):
        (domain / f"{area}.yml").write_text("responses:\n  utter_x:\n    - text: hi\n")
    (tmp_path / "translations").mkdir()
    with pytest.raises(ValueError, match="defined twice"):
        ResponseCatalog.load(domain, tmp_path / "translations")

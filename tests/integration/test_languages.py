"""Every tier-1 language end to end: welcome, answer, buttons and guide link in that language,
and switching language in the middle of a conversation (real model, action server and app)."""

from __future__ import annotations

import pytest

from bot.catalogue.articles import load_catalogue
from bot.services.contacts import load_contacts
from bot.services.responses import ResponseCatalog
from tests.integration.stack import Stack
from tests.integration.test_assistant import Citizen, texts

pytestmark = pytest.mark.integration

TRANSLATED = ["ar", "so", "fa", "ti", "fi"]
ARTICLE = "riksnormen-2026"


@pytest.mark.parametrize("language", TRANSLATED)
def test_welcome_answer_buttons_and_guide_link_in_the_language(stack: Stack, language: str) -> None:
    responses = ResponseCatalog.load()
    welcome = responses.render("utter_welcome", language, load_contacts())
    citizen = Citizen(stack, language)
    assert citizen.started["language"] == language
    assert citizen.started["messages"][0]["text"] == welcome["text"]

    # The article's own phrasing that names the norm ("riksnormen … this year").
    question = load_catalogue().articles[ARTICLE].texts[language].questions[1]
    reply = citizen.say(question)
    assert reply["language"] == language
    assert reply["meta"]["topic"] == "norm"
    assert reply["meta"]["article_ids"] == [ARTICLE]
    summary = load_catalogue().articles[ARTICLE].texts[language].summary
    assert summary in texts(reply)
    answer = responses.render("utter_article_answer", language, {"article_id": ARTICLE})
    shown = [b["title"] for m in reply["messages"] for b in m["buttons"]]
    assert shown == [b["title"] for b in answer["buttons"]]
    links = [link["url"] for m in reply["messages"] for link in m["links"]]
    assert any(url.endswith(f"/guide/{language}/norm/{ARTICLE}") for url in links), links


def test_switching_language_mid_conversation(stack: Stack) -> None:
    citizen = Citizen(stack, "ar")
    switched = citizen.say("puhutko suomea?")
    assert switched["language"] == "fi"
    question = load_catalogue().articles[ARTICLE].texts["fi"].questions[2]
    reply = citizen.say(question)
    assert reply["language"] == "fi"
    assert reply["meta"]["article_ids"] == [ARTICLE]
    assert load_catalogue().articles[ARTICLE].texts["fi"].summary in texts(reply)

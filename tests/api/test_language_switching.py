"""The conversation's language: asked for, chosen in the menu, detected, or kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from bot.services.contacts import load_contacts
from bot.services.languages import Language, LanguageRegistry
from tests.api.test_conversations import send, start
from tests.conftest import FakeRasa


def locale(code: str) -> Language:
    return LanguageRegistry.load().get(code)


def switch(client: TestClient, conversation: dict[str, Any], **body: Any) -> Any:
    return client.put(
        f"/api/conversations/{conversation['conversation_id']}/language",
        json=body,
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )


def test_asking_for_a_language_switches_without_asking_the_assistant(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    conversation = start(client, language="sv")
    body = send(client, conversation, text="can you speak Arabic?").json()
    assert body["language"] == "ar"
    assert [m["text"] for m in body["messages"]] == [locale("ar").language["switched"]]
    assert len(fake_rasa.received) == 1  # only the welcome: the request needs no answer

    send(client, conversation, text="ok")
    assert fake_rasa.received[-1]["metadata"] == {"language": "ar"}


def test_a_question_in_another_language_switches_and_is_answered(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    conversation = start(client, language="sv")
    body = send(client, conversation, text="how do I apply for money from the city").json()
    assert body["language"] == "en"
    assert body["messages"][0]["text"] == locale("en").language["switched"]
    assert body["messages"][1]["text"] == "Hej!"  # the assistant's answer follows
    assert fake_rasa.received[-1]["metadata"] == {"language": "en"}


def test_short_or_ambiguous_messages_keep_the_language(client: TestClient) -> None:
    conversation = start(client, language="fi")
    for text in ("ok", "ja", "Ahmed", "12345"):
        assert send(client, conversation, text=text).json()["language"] == "fi"


def test_the_menu_switches_and_replies_in_the_new_language(client: TestClient) -> None:
    conversation = start(client, language="sv")
    response = switch(client, conversation, language="ti")
    assert response.status_code == 200
    assert response.json()["language"] == "ti"
    assert response.json()["messages"][0]["text"] == locale("ti").language["switched"]
    transcript = client.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert transcript["language"] == "ti"


def test_the_menu_refuses_an_unknown_language_and_a_wrong_token(client: TestClient) -> None:
    conversation = start(client, language="en")
    unknown = switch(client, conversation, language="xx")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "unknown_language"
    stranger = {**conversation, "token": "not-the-token"}
    assert switch(client, stranger, language="ar").status_code == 401


def test_meankieli_is_recognised_and_a_person_offered(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    conversation = start(client, language="sv")
    body = send(client, conversation, text="kan jag prata meänkieli med er?").json()
    assert body["language"] == "sv"
    (message,) = body["messages"]
    assert "meänkieli" in message["text"]
    assert message["links"][0]["url"] == load_contacts()["contact_centre_phone_tel"]
    assert len(fake_rasa.received) == 1


def test_acute_help_comes_first_in_the_language_the_citizen_writes(
    client: TestClient,
) -> None:
    conversation = start(client, language="sv")
    body = send(client, conversation, text="زوجي يضربني كل يوم وأنا خائفة").json()
    assert body["meta"]["emergency"] is True
    assert body["language"] == "ar"
    assert body["messages"][0]["text"] == locale("ar").acute["violence"].format(**load_contacts())

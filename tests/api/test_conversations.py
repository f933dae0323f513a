"""The conversation API contract, on SQLite and PostgreSQL, with a stand-in Rasa."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from bot.api.deps import Components
from tests.conftest import AppFactory, FakeRasa


def start(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/conversations", json=body or None)
    assert response.status_code == 201, response.text
    return response.json()


def send(client: TestClient, conversation: dict[str, Any], **body: Any) -> Any:
    return client.post(
        f"/api/conversations/{conversation['conversation_id']}/messages",
        json=body,
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )


def test_start_returns_welcome_in_chosen_language(client: TestClient, fake_rasa: FakeRasa) -> None:
    started = start(client, language="en")
    assert started["language"] == "en"
    assert started["messages"][0]["text"] == "Hej!"
    assert len(started["token"]) >= 40
    assert fake_rasa.received[0]["message"] == "/welcome"
    assert fake_rasa.received[0]["metadata"] == {"language": "en"}


def test_start_negotiates_browser_language(client: TestClient) -> None:
    response = client.post("/api/conversations", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.json()["language"] == "en"
    unsupported = client.post("/api/conversations", json={"language": "xx"})
    assert unsupported.json()["language"] == "sv"


def test_message_reply_carries_meta_and_is_stored(client: TestClient, fake_rasa: FakeRasa) -> None:
    conversation = start(client)
    fake_rasa.reply = [
        {
            "text": "Hej! Vad vill du fråga?",
            "buttons": [{"title": "Hjälp", "payload": "/ask_capabilities"}],
        },
        {"custom": {"links": [{"title": "Ring", "url": "tel:+46850800508"}]}},
    ]
    response = send(client, conversation, text="hej")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "bot"
    assert body["language"] == "sv"
    assert body["meta"]["intent"] == "greet"
    assert body["meta"]["confidence"] == 0.97
    assert body["meta"]["emergency"] is False
    assert body["meta"]["article_ids"] == []
    message = body["messages"][0]
    assert message["buttons"] == [{"title": "Hjälp", "payload": "/ask_capabilities"}]
    assert message["links"] == [{"title": "Ring", "url": "tel:+46850800508"}]

    transcript = client.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert [m["sender"] for m in transcript["messages"]] == ["bot", "citizen", "bot"]
    assert transcript["messages"][1]["text"] == "hej"


def test_button_payload_is_recorded_with_its_title(client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply = [
        {"text": "Välkommen", "buttons": [{"title": "Vad kan du?", "payload": "/ask_capabilities"}]}
    ]
    conversation = start(client)
    assert send(client, conversation, payload="/ask_capabilities").status_code == 200
    assert fake_rasa.received[-1]["message"] == "/ask_capabilities"
    transcript = client.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert transcript["messages"][1]["text"] == "Vad kan du?"


def test_typed_slash_command_is_not_an_intent(client: TestClient, fake_rasa: FakeRasa) -> None:
    conversation = start(client)
    send(client, conversation, text="/restart")
    assert fake_rasa.received[-1]["message"] == "restart"


def test_bad_input_gets_clear_messages_in_the_conversation_language(client: TestClient) -> None:
    conversation = start(client, language="en")
    cases = {
        "empty_text": {"text": "   \n\t "},
        "text_too_long": {"text": "a" * 2001},
        "invalid_payload": {"payload": "/no_such_intent"},
        "invalid_body": {"text": "hi", "payload": "/greet"},
    }
    for code, body in cases.items():
        response = send(client, conversation, **body)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["error"]["code"] == code
        assert "Please" in response.json()["error"]["message"] or code == "invalid_payload"


def test_payload_with_broken_entities_is_rejected(client: TestClient) -> None:
    conversation = start(client)
    response = send(client, conversation, payload='/greet{"a": ')
    assert response.json()["error"]["code"] == "invalid_payload"


def test_very_long_and_invalid_bodies_never_500(client: TestClient) -> None:
    conversation = start(client)
    url = f"/api/conversations/{conversation['conversation_id']}/messages"
    headers = {
        "Authorization": f"Bearer {conversation['token']}",
        "Content-Type": "application/json",
    }
    for raw in (
        b"{bad json",
        b"\xff\xfe\xfa",
        b"[]",
        b'{"text": 5}',
        b'{"text": "' + b"x" * 30000 + b'"}',
    ):
        response = client.post(url, content=raw, headers=headers)
        assert 400 <= response.status_code < 500, raw[:20]
        assert response.json()["error"]["code"] in {"invalid_body", "text_too_long"}


def test_token_is_required_and_checked(client: TestClient) -> None:
    conversation = start(client)
    other = start(client)
    url = f"/api/conversations/{conversation['conversation_id']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {other['token']}"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer "}).status_code == 401
    unknown = client.get("/api/conversations/nope", headers={"Authorization": "Bearer x"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_rasa_down_gives_503_and_keeps_the_message(client: TestClient, fake_rasa: FakeRasa) -> None:
    conversation = start(client, language="en")
    fake_rasa.up = False
    response = send(client, conversation, text="is anyone there?")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "assistant_unavailable"
    assert "08-508 00 508" in error["message"]
    assert "saved" in error["message"]

    fake_rasa.up = True
    transcript = client.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert transcript["messages"][-1] == {
        "text": "is anyone there?",
        "buttons": [],
        "links": [],
        "sender": "citizen",
        "author": None,
    }


def test_action_server_down_gives_503(client: TestClient, fake_rasa: FakeRasa) -> None:
    conversation = start(client)
    fake_rasa.actions_up = False
    assert send(client, conversation, text="hej").status_code == 503


def test_start_when_rasa_down_is_503_in_request_language(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.up = False
    response = client.post("/api/conversations", json={"language": "en"})
    assert response.status_code == 503
    assert "contact centre" in response.json()["error"]["message"]


def test_conversation_survives_an_app_restart(make_client: AppFactory) -> None:
    first = make_client()
    conversation = start(first)
    send(first, conversation, text="hej")
    second = make_client()  # a new app process on the same database
    response = send(second, conversation, text="hej igen")
    assert response.status_code == 200
    transcript = second.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert [m["text"] for m in transcript["messages"] if m["sender"] == "citizen"] == [
        "hej",
        "hej igen",
    ]


def test_health_and_readiness(client: TestClient, fake_rasa: FakeRasa) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").status_code == 200
    fake_rasa.up = False
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {
        "rasa": False,
        "action_server": True,
        "database": True,
        "search_index": True,
    }


def test_languages_list_own_names_and_ui_texts(client: TestClient) -> None:
    languages = {lang["code"]: lang for lang in client.get("/api/languages").json()["languages"]}
    assert languages["sv"]["name"] == "Svenska"
    assert languages["en"]["ui"]["send"] == "Send"
    assert set(languages["sv"]["ui"]) == set(languages["en"]["ui"])


def test_openapi_describes_the_conversation_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/conversations",
        "/api/conversations/{conversation_id}/messages",
        "/api/conversations/{conversation_id}",
        "/api/conversations/{conversation_id}/events",
        "/healthz",
        "/readyz",
    } <= set(paths)
    assert not any(path.startswith("/internal") for path in paths)


def test_index_page_embeds_widget(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr"' in page.text
    assert "/static/widget.js" in page.text
    assert "<script>" not in page.text  # no inline scripts


def test_personal_data_is_removed_before_storing_and_the_citizen_is_told(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    conversation = start(client, language="en")
    reply = send(client, conversation, text="my number is 070-123 45 67, can you call me?")
    assert reply.status_code == 200
    assert "I removed personal details" in reply.json()["messages"][0]["text"]
    assert fake_rasa.received[-1]["message"] == "my number is [telefonnummer], can you call me?"
    transcript = client.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    stored = [m["text"] for m in transcript["messages"] if m["sender"] == "citizen"]
    assert stored == ["my number is [telefonnummer], can you call me?"]
    assert "070" not in str(transcript)


def test_acute_message_gets_help_first_even_when_rasa_is_down(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    conversation = start(client, language="en")
    reply = send(client, conversation, text="I want to kill myself")
    assert reply.status_code == 200
    body = reply.json()
    assert body["meta"]["emergency"] is True
    first = body["messages"][0]
    assert "call 112 now" in first["text"]
    assert {"title": "Call 112", "url": "tel:112"} in first["links"]
    assert body["messages"][-1]["text"] == "Hej!"  # the assistant still answers after it

    fake_rasa.up = False
    down = send(client, conversation, text="my husband hits me and I am scared")
    assert down.status_code == 200
    assert down.json()["meta"]["emergency"] is True
    assert "Kvinnofridslinjen" in down.json()["messages"][0]["text"]


def test_at_night_the_out_of_hours_number_comes_first(client: TestClient) -> None:
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: datetime(2026, 11, 29, 22, 0, tzinfo=UTC)  # a Sunday night
    reply = send(client, start(client, language="en"), text="I have nowhere to sleep tonight")
    assert reply.json()["meta"]["emergency"] is True
    assert reply.json()["messages"][0]["links"][0]["url"] == "tel:+46850840000"  # socialjouren


def test_everyday_message_is_not_an_emergency(client: TestClient) -> None:
    reply = send(client, start(client), text="när kommer pengarna i december")
    assert reply.json()["meta"]["emergency"] is False

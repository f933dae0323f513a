"""A citizen and an agent through the API and the WebSocket, with a stand-in Rasa: ask for a
person, wait, get accepted, talk both ways, go back to the bot; the bot is silent meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from bot.api.deps import Components
from bot.api.staff import COOKIE
from bot.services.staff import StaffAccounts
from tests.conftest import AppFactory, FakeRasa

TUESDAY_MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm
PASSWORD = "correct horse battery staple"


class Agent:
    """An agent's browser: the session cookie, the CSRF token, the console's API."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = client
        response = client.post(
            "/agent/api/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrf_token"]
        self.cookie = response.cookies[COOKIE]
        client.cookies.clear()  # each agent sends its own cookie; several share the client

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.client.request(
            method,
            f"/agent/api{path}",
            json=body,
            headers={"X-CSRF-Token": self.csrf, "Cookie": f"{COOKIE}={self.cookie}"},
        )

    def console(self) -> WebSocketTestSession:
        return self.client.websocket_connect(
            "/agent/ws", headers={"cookie": f"{COOKIE}={self.cookie}"}
        )


def add_staff(client: TestClient, username: str, role: str = "agent") -> None:
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    with components.database.session() as session:
        accounts = StaffAccounts(session, 5, timedelta(minutes=15), timedelta(hours=8))
        accounts.create(username, PASSWORD, role, username.title(), ["sv", "en"])


def staff_client(make_client: AppFactory, now: datetime, **overrides: Any) -> TestClient:
    """The app over https (the staff cookie is Secure) with its clock stopped at `now`."""
    client = make_client(staff_cookie_secure=True, **overrides)
    client.base_url = httpx.URL("https://testserver")
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: now
    return client


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return staff_client(make_client, TUESDAY_MORNING)


def start(client: TestClient, language: str = "en") -> dict[str, Any]:
    response = client.post("/api/conversations", json={"language": language})
    assert response.status_code == 201, response.text
    return dict(response.json())


def send(client: TestClient, conversation: dict[str, Any], **body: str) -> dict[str, Any]:
    response = client.post(
        f"/api/conversations/{conversation['conversation_id']}/messages",
        json=body,
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def next_event(console: WebSocketTestSession, kind: str) -> dict[str, Any]:
    for _ in range(20):
        event: dict[str, Any] = console.receive_json()
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


def test_citizen_reaches_an_agent_and_comes_back_to_the_bot(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    add_staff(client, "anna")
    anna = Agent(client, "anna")
    assert anna.call("PUT", "/me/status", {"status": "online"}).status_code == 204
    citizen = start(client)
    auth = {"Authorization": f"Bearer {citizen['token']}"}
    conversation_id = citizen["conversation_id"]

    with anna.console() as console:
        assert console.receive_json()["type"] == "hello"
        asked = send(client, citizen, payload="/contact_person")
        assert asked["meta"]["handoff"] is True
        assert asked["state"] == "queued"
        assert asked["meta"]["handoff_status"]["position"] == 1
        assert "number 1 in the queue" in asked["messages"][0]["text"]
        assert next_event(console, "queue_changed")["data"]["new"]["language"] == "en"

        waiting = anna.call("GET", "/queue").json()["waiting"]
        assert [w["conversation_id"] for w in waiting] == [conversation_id]
        transcript = anna.call("GET", f"/chats/{conversation_id}").json()
        assert transcript["messages"][0]["text"] == "Hej!"  # the welcome: the whole transcript
        assert any("number 1 in the queue" in (m["text"] or "") for m in transcript["messages"])

        assert anna.call("POST", f"/chats/{conversation_id}/accept").status_code == 204
        assert (
            client.get(f"/api/conversations/{conversation_id}", headers=auth).json()["state"]
            == "agent"
        )

        asked_rasa = len(fake_rasa.received)
        while_held = send(client, citizen, text="Has my decision come?")
        assert while_held["messages"] == []  # the bot stays silent
        assert while_held["state"] == "agent"
        assert len(fake_rasa.received) == asked_rasa
        relayed = next_event(console, "message")["data"]
        assert relayed["message"]["text"] == "Has my decision come?"

        assert (
            anna.call(
                "POST", f"/chats/{conversation_id}/messages", {"text": "Hi, I can check."}
            ).status_code
            == 201
        )
        assert (
            anna.call(
                "POST", f"/chats/{conversation_id}/notes", {"text": "asks about decision"}
            ).status_code
            == 201
        )
        assert anna.call("POST", f"/chats/{conversation_id}/handback").status_code == 204

    transcript = client.get(f"/api/conversations/{conversation_id}", headers=auth).json()
    assert transcript["state"] == "bot"
    agent_messages = [m for m in transcript["messages"] if m["sender"] == "agent"]
    assert agent_messages == [
        {
            "text": "Hi, I can check.",
            "buttons": [],
            "links": [],
            "sender": "agent",
            "author": "Anna",
        }
    ]
    assert "asks about decision" not in str(transcript)  # internal notes are never shown
    assert "Guiderum, the chatbot, again" in transcript["messages"][-1]["text"]
    assert fake_rasa.tracker_events == [{"event": "pause"}, {"event": "resume"}]

    back = send(client, citizen, text="hello")
    assert back["messages"][-1]["text"] == "Hej!"  # the bot answers again
    assert len(fake_rasa.received) == asked_rasa + 1


def test_the_dialogue_can_start_a_handoff_with_its_reason(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    add_staff(client, "anna")
    Agent(client, "anna").call("PUT", "/me/status", {"status": "online"})
    fake_rasa.intent = "own_case"
    fake_rasa.reply = [{"text": "I cannot see your own case."}, {"custom": {"handoff": "own_case"}}]
    reply = send(client, start(client), text="has my decision come")
    assert reply["meta"]["handoff"] is True
    assert reply["state"] == "queued"
    assert reply["messages"][0]["text"] == "I cannot see your own case."
    queue = Agent(client, "anna").call("GET", "/queue").json()["waiting"]
    assert queue[0]["reason"] == "own_case"


def test_the_citizen_can_stop_waiting_and_a_second_stop_is_refused(client: TestClient) -> None:
    add_staff(client, "anna")
    Agent(client, "anna").call("PUT", "/me/status", {"status": "online"})
    citizen = start(client, "sv")
    send(client, citizen, payload="/contact_person")
    path = f"/api/conversations/{citizen['conversation_id']}/handoff"
    auth = {"Authorization": f"Bearer {citizen['token']}"}
    stopped = client.delete(path, headers=auth)
    assert stopped.status_code == 200
    assert stopped.json()["state"] == "bot"
    assert "lämnat kön" in stopped.json()["messages"][0]["text"]
    again = client.delete(path, headers=auth)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "Du väntar inte på en person just nu."


def test_outside_hours_the_reply_offers_a_call_back_that_agents_then_see(
    client: TestClient,
) -> None:
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday
    citizen = start(client, "en")
    reply = send(client, citizen, payload="/contact_person")
    status = reply["meta"]["handoff_status"]
    assert (reply["meta"]["handoff"], reply["state"]) == (True, "bot")
    assert (status["status"], status["callback"]) == ("closed", True)
    assert status["next_available"].startswith("2026-11-30T08:00:00+01:00")
    path = f"/api/conversations/{citizen['conversation_id']}/callback"
    auth = {"Authorization": f"Bearer {citizen['token']}"}
    wrong = client.post(path, json={"phone": "call me"}, headers=auth)
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "phone_invalid"
    saved = client.post(
        path, json={"phone": "070-123 45 67", "preferred_time": "morning"}, headers=auth
    )
    assert saved.status_code == 201
    assert "070-123 45 67" in saved.json()["messages"][0]["text"]

    add_staff(client, "anna")
    callbacks = Agent(client, "anna").call("GET", "/callbacks").json()
    assert [(c["phone"], c["preferred_time"], c["language"]) for c in callbacks] == [
        ("+46701234567", "morning", "en")
    ]


def test_acute_help_in_opening_hours_offers_a_priority_person(client: TestClient) -> None:
    add_staff(client, "anna")
    anna = Agent(client, "anna")
    anna.call("PUT", "/me/status", {"status": "online"})
    calm = start(client)
    send(client, calm, payload="/contact_person")
    scared = start(client)
    help_first = send(client, scared, text="my husband hits me and I am scared")
    assert help_first["meta"]["emergency"] is True
    button = help_first["messages"][0]["buttons"][0]
    assert button == {"title": "Talk to a person now", "payload": "/contact_person"}
    priority = send(client, scared, payload=button["payload"])
    assert priority["meta"]["handoff_status"]["position"] == 1
    waiting = anna.call("GET", "/queue").json()["waiting"]
    assert [w["priority"] for w in waiting] == [True, False]
    assert waiting[0]["conversation_id"] == scared["conversation_id"]

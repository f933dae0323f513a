"""Staff login, sessions, CSRF, lockout and roles: who may do what in the agent console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from bot.api.deps import Components
from bot.api.staff import COOKIE
from bot.db.models import AuditEntry
from tests.api.test_handoff import PASSWORD, Agent, add_staff, send, start
from tests.conftest import AppFactory

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    client = make_client()
    client.base_url = httpx.URL("https://testserver")
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: NOW
    for name, role in (("anna", "agent"), ("erik", "editor"), ("ada", "admin")):
        add_staff(client, name, role)
    return client


def login(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/agent/api/login", json={"username": username, "password": password})


def test_login_sets_a_secure_http_only_strict_cookie(client: TestClient) -> None:
    response = login(client, "anna")
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    for attribute in ("httponly", "secure", "samesite=strict", "path=/;"):
        assert attribute in cookie
    assert response.json()["role"] == "agent"
    assert "password" not in response.text


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client: TestClient) -> None:
    for _ in range(4):
        assert login(client, "anna", "wrong password!").status_code == 401
    locked = login(client, "anna", "wrong password!")
    assert locked.status_code == 429
    assert "låst i 15 minuter" in locked.json()["error"]["message"]
    assert login(client, "anna").status_code == 429  # right password, still locked
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: NOW + timedelta(minutes=16)
    assert login(client, "anna").status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_answer(client: TestClient) -> None:
    unknown, wrong = login(client, "nobody"), login(client, "anna", "not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_changes_need_the_csrf_token_and_a_same_site_origin(client: TestClient) -> None:
    anna = Agent(client, "anna")
    cookie = {"Cookie": f"{COOKIE}={anna.cookie}"}
    no_token = client.put("/agent/api/me/status", json={"status": "online"}, headers=cookie)
    assert no_token.status_code == 403
    assert no_token.json()["error"]["code"] == "csrf"
    other_site = client.put(
        "/agent/api/me/status",
        json={"status": "online"},
        headers={**cookie, "X-CSRF-Token": anna.csrf, "Origin": "https://evil.example"},
    )
    assert other_site.status_code == 403
    assert anna.call("PUT", "/me/status", {"status": "online"}).status_code == 204


def test_a_citizen_token_never_opens_a_staff_endpoint(client: TestClient) -> None:
    citizen = start(client)
    anna = Agent(client, "anna")
    response = client.get(
        "/agent/api/queue",
        headers={
            "Authorization": f"Bearer {citizen['token']}",
            "Cookie": f"{COOKIE}={anna.cookie}",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "staff_only"


@pytest.mark.parametrize(
    ("user", "method", "path", "body", "expected"),
    [
        (None, "GET", "/queue", None, 401),
        (None, "GET", "/callbacks", None, 401),
        ("erik", "GET", "/queue", None, 403),  # editors keep content, they take no chats
        ("erik", "POST", "/canned", {"language": "sv", "title": "Hej", "text": "Hej!"}, 201),
        ("anna", "GET", "/queue", None, 200),
        ("anna", "POST", "/canned", {"language": "sv", "title": "Hej", "text": "Hej!"}, 403),
        ("anna", "GET", "/canned", None, 200),
        ("ada", "GET", "/queue", None, 200),
        ("ada", "POST", "/canned", {"language": "sv", "title": "Hej", "text": "Hej!"}, 201),
    ],
)
def test_authorisation_matrix(
    client: TestClient, user: str | None, method: str, path: str, body: object, expected: int
) -> None:
    if user is None:
        response = client.request(method, f"/agent/api{path}", json=body)
    else:
        response = Agent(client, user).call(method, path, body)
    assert response.status_code == expected, response.text


def test_canned_responses_are_validated_with_a_clear_message(client: TestClient) -> None:
    erik = Agent(client, "erik")
    bad = erik.call("POST", "/canned", {"language": "xx", "title": "Hej", "text": "Hej!"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "unknown_language")
    empty = erik.call("POST", "/canned", {"language": "sv", "title": " ", "text": "Hej!"})
    assert empty.json()["error"]["message"] == "Rubriken ska ha 1–80 tecken."


def test_logout_ends_the_session(client: TestClient) -> None:
    anna = Agent(client, "anna")
    assert anna.call("GET", "/me").status_code == 200
    assert anna.call("POST", "/logout").status_code == 204
    assert anna.call("GET", "/me").status_code == 401


def test_the_console_websocket_needs_a_session(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/agent/ws") as ws:
        ws.receive_json()
    erik = Agent(client, "erik")  # an editor takes no chats
    with pytest.raises(WebSocketDisconnect), erik.console() as ws:
        ws.receive_json()


def test_opening_a_transcript_is_audited(client: TestClient) -> None:
    anna = Agent(client, "anna")
    anna.call("PUT", "/me/status", {"status": "online"})
    citizen = start(client)
    send(client, citizen, payload="/contact_person")
    assert anna.call("GET", f"/chats/{citizen['conversation_id']}").status_code == 200
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    with components.database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "opened_transcript")
        ).one()
        assert (entry.username, entry.conversation_id) == ("anna", citizen["conversation_id"])

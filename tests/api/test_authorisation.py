"""Who may do what, across the whole API: citizen A against citizen B's chat, no session,
a citizen's chat key on staff endpoints, and agent / editor / admin on every staff area."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_handoff import TUESDAY_MORNING, staff_client, start
from tests.api.test_stats import logged_in
from tests.conftest import AppFactory

CHAT_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "", None),
    ("GET", "/events", None),
    ("POST", "/messages", {"text": "visa mig allt"}),
    ("PUT", "/language", {"language": "en"}),
    ("DELETE", "/handoff", None),
    ("POST", "/callback", {"phone": "070-123 45 67"}),
    ("POST", "/typing", None),
]
# Each staff area and who may use it: agent, editor, admin (anyone else is 401).
STAFF_ROUTES: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/agent/api/queue", None, {"agent", "admin"}),
    ("GET", "/agent/api/callbacks", None, {"agent", "admin"}),
    ("GET", "/agent/api/canned", None, {"agent", "editor", "admin"}),
    ("POST", "/agent/api/canned", {"language": "sv", "title": "Hej", "text": "Hej!"},
     {"editor", "admin"}),
    ("GET", "/agent/api/districts", None, {"agent", "admin"}),
    ("GET", "/agent/api/slots", None, {"agent", "admin"}),
    ("POST", "/agent/api/slots/publish", None, {"admin"}),
    ("GET", "/admin/stats", None, {"editor", "admin"}),
    ("GET", "/admin/stats/sprak.csv", None, {"editor", "admin"}),
    ("GET", "/admin/api/inbox", None, {"editor", "admin"}),
    ("GET", "/admin/api/training", None, {"editor", "admin"}),
    ("GET", "/admin/subject-access", None, {"admin"}),
]  # fmt: skip


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return staff_client(make_client, TUESDAY_MORNING)


@pytest.mark.parametrize(("method", "suffix", "body"), CHAT_ROUTES)
def test_citizen_b_cannot_read_or_act_in_citizen_a_s_chat(
    client: TestClient, method: str, suffix: str, body: Any
) -> None:
    a, b = start(client, "sv"), start(client, "sv")
    url = f"/api/conversations/{a['conversation_id']}{suffix}"
    for headers in ({"Authorization": f"Bearer {b['token']}"}, {}):
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
    own = client.get(
        f"/api/conversations/{a['conversation_id']}",
        headers={"Authorization": f"Bearer {a['token']}"},
    ).json()
    assert own["language"] == "sv"
    assert own["state"] == "bot"
    assert [m["sender"] for m in own["messages"]] == ["bot"]  # only the welcome: nothing added


@pytest.mark.parametrize(("method", "path", "body", "allowed"), STAFF_ROUTES)
def test_each_staff_role_reaches_only_its_own_areas(
    client: TestClient, method: str, path: str, body: Any, allowed: set[str]
) -> None:
    citizen = start(client, "sv")
    anonymous = client.request(method, path, json=body)
    assert anonymous.status_code == 401, anonymous.text
    with_chat_key = client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {citizen['token']}"}
    )
    assert with_chat_key.status_code == 401
    for role in ("agent", "editor", "admin"):
        headers = logged_in(client, role)
        csrf = client.get("/agent/api/me", headers=headers).json()["csrf_token"]
        headers["X-CSRF-Token"] = csrf
        response = client.request(method, path, json=body, headers=headers)
        if role in allowed:
            assert response.status_code < 400, (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)

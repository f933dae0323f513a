"""A data-subject access request: an admin exports everything stored about one chat, found by
the chat's reference or by a booking made in it; nobody else can, and the export is logged."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.deps import Components
from bot.db.models import AuditEntry
from tests.api.test_booking import MONDAY_MORNING, Citizen, book, with_meeting_times
from tests.api.test_handoff import staff_client
from tests.api.test_stats import logged_in
from tests.conftest import AppFactory, FakeRasa

EXPORT = "/admin/subject-access/export"


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return with_meeting_times(staff_client(make_client, MONDAY_MORNING))


def test_an_admin_exports_a_chat_found_by_its_booking(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    citizen = Citizen(client, fake_rasa, "sv")
    conversation_id = citizen.conversation["conversation_id"]
    citizen.say("mitt personnummer är 811218-9876, hur söker jag?")
    reference = book(citizen)
    agent = logged_in(client, "agent")
    assert client.get(f"/agent/api/chats/{conversation_id}", headers=agent).status_code == 200
    admin = logged_in(client, "admin")

    response = client.get(EXPORT, params={"booking": reference.lower()}, headers=admin)

    assert response.status_code == 200, response.text
    assert conversation_id in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert document["conversation"]["id"] == conversation_id
    assert "token_hash" not in document["conversation"]  # the chat key is not the citizen's data
    texts = [m["text"] for m in document["messages"] if m["sender"] == "citizen"]
    assert any("hur söker jag" in (t or "") for t in texts)
    assert not any("811218-9876" in (t or "") for t in texts)  # stored redacted, exported so
    assert document["bookings"][0]["reference"] == reference
    assert document["bookings"][0]["name"] == "Amina Hassan"
    assert [e["action"] for e in document["access_log"]] == ["opened_transcript"]
    assert "sekretess" in document["note"]
    by_id = client.get(EXPORT, params={"conversation": conversation_id}, headers=admin)
    assert json.loads(by_id.content)["messages"] == document["messages"]
    pasted = {"conversation": f" {conversation_id} ", "booking": " "}  # copied with spaces
    assert client.get(EXPORT, params=pasted, headers=admin).status_code == 200
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    with components.database.session() as session:
        exports = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "subject_access_export")
        ).all()
    assert [(e.username, e.conversation_id) for e in exports] == [("admin", conversation_id)] * 3


def test_only_an_admin_may_export(client: TestClient, fake_rasa: FakeRasa) -> None:
    conversation_id = Citizen(client, fake_rasa, "sv").conversation["conversation_id"]
    agent = logged_in(client, "agent")
    refused = client.get(EXPORT, params={"conversation": conversation_id}, headers=agent)
    assert refused.status_code == 403
    assert client.get(EXPORT, params={"conversation": conversation_id}).status_code == 401
    editor = logged_in(client, "editor")
    assert client.get("/admin/subject-access", headers=editor).status_code == 403


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({}, 422, "Skriv chattens referens"),
        ({"conversation": "finns-inte"}, 404, "Ingen chatt med referensen"),
        ({"booking": "ZZZZZZ"}, 404, "Ingen bokning har referensen"),
    ],
)
def test_a_wrong_reference_gets_a_page_that_says_what_is_wrong(
    client: TestClient, params: dict[str, str], status: int, words: str
) -> None:
    admin = logged_in(client, "admin")
    form = client.get("/admin/subject-access", headers=admin)
    assert form.status_code == 200
    assert 'action="/admin/subject-access/export"' in form.text
    response = client.get(EXPORT, params=params, headers=admin)
    assert response.status_code == status
    assert words in response.text
    assert response.headers["content-type"].startswith("text/html")

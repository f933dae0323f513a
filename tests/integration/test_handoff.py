"""A citizen on one app process and an agent on another, through Redis and PostgreSQL, with the
real Rasa model: ask for a person in words, wait, be accepted, talk both ways, back to the bot."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.clients import CitizenStream, Console, create_agent
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration


@pytest.fixture
def anna(stack: Stack) -> Iterator[Console]:
    create_agent(stack, "anna.integration", "Anna")
    console = Console(stack.urls[1], "anna.integration")  # the agent is on the second process
    yield console
    console.close()  # offline again: other tests see no agent


def test_citizen_and_agent_on_different_processes(stack: Stack, anna: Console) -> None:
    assert anna.http.put("/me/status", json={"status": "online"}).status_code == 204
    citizen_http = httpx.Client(base_url=stack.urls[0], timeout=60)  # the citizen on the first
    started = citizen_http.post("/api/conversations", json={"language": "en"}).json()
    citizen_http.headers["Authorization"] = f"Bearer {started['token']}"
    messages = f"/api/conversations/{started['conversation_id']}/messages"
    stream = CitizenStream(stack.urls[0], started)

    asked = citizen_http.post(messages, json={"text": "I want to talk to a real person"}).json()
    assert asked["meta"]["intent"] == "contact_person"
    assert asked["meta"]["handoff"] is True
    assert asked["state"] == "queued"
    assert anna.next("queue_changed", "new")["new"]["conversation_id"] == started["conversation_id"]

    chat = f"/chats/{started['conversation_id']}"
    assert anna.http.post(f"{chat}/accept").status_code == 204
    assert "Anna" in stream.next("message")["text"]  # "Anna from the contact centre has joined"
    assert stream.next("handoff")["state"] == "agent"

    held = citizen_http.post(messages, json={"text": "When is my money paid?"}).json()
    assert held["messages"] == []  # the bot is silent while Anna holds the chat
    assert anna.next("message")["message"]["text"] == "When is my money paid?"

    assert anna.http.post(f"{chat}/messages", json={"text": "Let me look."}).status_code == 201
    reply = stream.next("message")
    assert (reply["sender"], reply["author"], reply["text"]) == ("agent", "Anna", "Let me look.")

    assert anna.http.post(f"{chat}/handback").status_code == 204
    assert "chatbot, again" in stream.next("message")["text"]
    again = citizen_http.post(messages, json={"text": "hello"}).json()
    assert again["state"] == "bot"
    assert again["meta"]["intent"] == "greet"  # Rasa answers again after it was resumed
    assert again["messages"]
    citizen_http.close()

"""Restarting every process loses nothing: the app's records and Rasa's tracker are in
PostgreSQL, and the conversation continues where it was."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.db import migrate
from tests.integration.stack import Stack
from tests.integration.test_assistant import Citizen

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_all_processes_restart_without_losing_the_conversation(
    postgres_url: str, tmp_path: Path
) -> None:
    migrate.upgrade(postgres_url)
    first = Stack(postgres_url, tmp_path / "first")
    first.start()
    try:
        citizen = Citizen(first, "en")
        citizen.say("hello")
        tracker_before = _rasa_events(first, citizen.id)
    finally:
        first.stop()

    second = Stack(postgres_url, tmp_path / "second", ports=first.ports)
    second.start()
    try:
        reply = citizen.say("thank you")
        assert reply["meta"]["intent"] == "thank"
        assert "welcome" in reply["messages"][0]["text"]  # still in English
        transcript = citizen.http.get(f"/api/conversations/{citizen.id}").json()
        assert [m["text"] for m in transcript["messages"] if m["sender"] == "citizen"] == [
            "hello",
            "thank you",
        ]
        tracker_after = _rasa_events(second, citizen.id)
        assert tracker_after[: len(tracker_before)] == tracker_before
        assert len(tracker_after) > len(tracker_before)
    finally:
        second.stop()


def _rasa_events(stack: Stack, conversation_id: str) -> list[tuple[str, str | None]]:
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": stack.env["INTERNAL_TOKEN"]},
    ).json()
    return [(e["event"], e.get("name") or e.get("text")) for e in tracker["events"]]

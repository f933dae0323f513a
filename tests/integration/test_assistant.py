"""The real assistant end to end over HTTP: trained Rasa model, action server, app."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.stack import Stack

pytestmark = pytest.mark.integration


class Citizen:
    """A citizen's side of a conversation, through the public API only."""

    def __init__(self, stack: Stack, language: str | None = None) -> None:
        self.http = httpx.Client(base_url=stack.url, timeout=60)
        started = self.http.post(
            "/api/conversations", json={"language": language} if language else None
        )
        assert started.status_code == 201, started.text
        self.started: dict[str, Any] = started.json()
        self.http.headers["Authorization"] = f"Bearer {self.started['token']}"
        self.id = self.started["conversation_id"]

    def say(self, text: str) -> dict[str, Any]:
        return self._send({"text": text})

    def press(self, payload: str) -> dict[str, Any]:
        return self._send({"payload": payload})

    def _send(self, body: dict[str, str]) -> dict[str, Any]:
        response = self.http.post(f"/api/conversations/{self.id}/messages", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())


def texts(reply: dict[str, Any]) -> str:
    return " ".join(m["text"] or "" for m in reply["messages"])


def test_welcome_has_privacy_notice_and_a_button(stack: Stack) -> None:
    swedish = Citizen(stack, "sv").started
    assert swedish["language"] == "sv"
    assert "Guiderum" in swedish["messages"][0]["text"]
    assert "personnummer" in swedish["messages"][1]["text"]
    assert swedish["messages"][0]["buttons"][0]["payload"] == "/ask_capabilities"
    english = Citizen(stack, "en").started
    assert "do not write your personal identity number" in english["messages"][1]["text"]


@pytest.mark.parametrize(
    ("language", "text", "intent", "expected"),
    [
        ("sv", "hej", "greet", "Vad vill du fråga"),
        ("sv", "tack så mycket", "thank", "Varsågod"),
        ("sv", "är du en robot", "bot_challenge", "chattrobot"),
        ("sv", "vad kan du hjälpa mig med", "ask_capabilities", "allmänna frågor"),
        ("sv", "hej då", "goodbye", "Hej då"),
        ("sv", "hur söker jag bygglov", "out_of_scope", "08-508 00 508"),
        ("en", "hello", "greet", "What would you like to ask"),
        ("en", "thank you", "thank", "welcome"),
        ("en", "am I talking to a human", "bot_challenge", "not a person"),
        ("en", "what can you do", "ask_capabilities", "general questions"),
        ("en", "bye", "goodbye", "Goodbye"),
        ("en", "when is the garbage collected", "out_of_scope", "08-508 00 508"),
    ],
)
def test_first_dialogue(stack: Stack, language: str, text: str, intent: str, expected: str) -> None:
    reply = Citizen(stack, language).say(text)
    assert reply["meta"]["intent"] == intent
    assert reply["meta"]["confidence"] > 0.5
    assert expected in texts(reply)
    assert reply["language"] == language
    assert reply["state"] == "bot"


def test_out_of_scope_offers_a_tappable_phone_link(stack: Stack) -> None:
    reply = Citizen(stack, "en").say("where can I park my car")
    assert {"title": "Call the contact centre 08-508 00 508", "url": "tel:+46850800508"} in [
        link for message in reply["messages"] for link in message["links"]
    ]


def test_button_payload_and_restart(stack: Stack) -> None:
    citizen = Citizen(stack, "sv")
    assert "allmänna frågor" in texts(citizen.press("/ask_capabilities"))
    assert "börjar om" in texts(citizen.say("börja om"))
    assert "Vad vill du fråga" in texts(citizen.say("hej"))  # the conversation goes on


def test_answer_action_with_a_tracker_fixture(stack: Stack) -> None:
    """The action server's action, given a tracker, asks the real app and relays its answer."""
    citizen = Citizen(stack, "en")
    tracker = {
        "sender_id": citizen.id, "slots": {}, "events": [], "paused": False,
        "latest_message": {"text": "how much is the national norm for one adult in 2026",
                           "intent": {"name": "ask_question", "confidence": 0.9},
                           "entities": [], "metadata": {"language": "en"}},
        "active_loop": {}, "latest_action_name": "action_listen",
    }  # fmt: skip
    body = {"next_action": "action_answer_question", "sender_id": citizen.id,
            "tracker": tracker, "domain": {}, "version": "3.6.2"}  # fmt: skip
    result = httpx.post(f"{stack.action_url}/webhook", json=body, timeout=30).json()
    [response] = result["responses"]
    assert response["response"] == "utter_article_answer"
    assert response["article_topic"] == "norm"
    assert response["article_language"] == "en"


def test_question_in_the_chat_gets_a_sourced_dated_answer(stack: Stack) -> None:
    citizen = Citizen(stack, "sv")
    reply = citizen.say("hur mycket är riksnormen för en vuxen som bor ensam")
    assert reply["meta"]["topic"] == "norm"
    assert reply["meta"]["article_ids"] == ["riksnormen-2026"]
    answer = reply["messages"][0]
    assert "5 220" in answer["text"]
    assert "Källa:" in answer["text"]
    assert "Senast granskad" in answer["text"]
    assert answer["links"][0]["url"].endswith("/guide/sv/norm/riksnormen-2026")
    helpful = answer["buttons"][0]
    assert helpful["payload"] == '/feedback{"article_id": "riksnormen-2026", "helpful": true}'
    assert "Tack" in texts(citizen.press(helpful["payload"]))


def test_question_in_english_and_a_person_button(stack: Stack) -> None:
    citizen = Citizen(stack, "en")
    reply = citizen.say("Can I appeal the decision on my financial assistance?")
    assert reply["meta"]["topic"] == "overklaga"
    assert reply["messages"][0]["text"].split("\n")[-1].startswith("Source:")
    person = citizen.press("/contact_person")
    assert "08-508 00 508" in texts(person)


def test_nonsense_twice_points_to_a_person(stack: Stack) -> None:
    citizen = Citizen(stack, "sv")
    first = citizen.say("asdf asdf")
    second = citizen.say("zzzz pppp")
    assert "förstod inte" in texts(first)
    assert "08-508 00 508" in texts(second)


def test_transcript_has_both_directions_with_understanding(stack: Stack) -> None:
    citizen = Citizen(stack, "en")
    citizen.say("hello")
    transcript = citizen.http.get(f"/api/conversations/{citizen.id}").json()
    assert [m["sender"] for m in transcript["messages"]] == ["bot", "bot", "citizen", "bot"]


def test_readiness_reports_every_part(stack: Stack) -> None:
    ready = httpx.get(f"{stack.url}/readyz").json()
    assert ready == {
        "status": "ok",
        "checks": {"rasa": True, "action_server": True, "database": True, "search_index": True},
    }


def test_rasa_api_needs_the_shared_secret(stack: Stack) -> None:
    assert httpx.get(f"{stack.rasa_url}/status").status_code == 401
    token = stack.env["INTERNAL_TOKEN"]
    assert httpx.get(f"{stack.rasa_url}/status", params={"token": token}).status_code == 200


def test_rasa_and_action_server_listen_on_loopback_only(stack: Stack) -> None:
    for url in (stack.rasa_url, stack.action_url):
        port = int(url.rsplit(":", 1)[1])
        listening = _listening_addresses(port)
        assert listening, f"nothing listens on {port}"
        assert all(address.startswith("127.") for address in listening), listening


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp)."""
    found: set[str] = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:  # noqa: SIM115
        local, state = line.split()[1], line.split()[3]
        address_hex, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            octets = [str(int(address_hex[i : i + 2], 16)) for i in range(6, -1, -2)]
            found.add(".".join(octets))
    return found


def test_event_stream_needs_the_token_and_opens(stack: Stack) -> None:
    citizen = Citizen(stack, "sv")
    url = f"{stack.url}/api/conversations/{citizen.id}/events"
    assert httpx.get(url, params={"token": "wrong"}).status_code == 401
    with httpx.stream("GET", url, params={"token": citizen.started["token"]}, timeout=10) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert next(stream.iter_text()).startswith(": connected")


def test_acute_message_gets_help_first_through_the_real_system(stack: Stack) -> None:
    reply = Citizen(stack, "sv").say("jag orkar inte mer och vill inte leva längre")
    assert reply["meta"]["emergency"] is True
    first = reply["messages"][0]
    assert "ring 112 nu" in first["text"]
    assert [link["url"] for link in first["links"]][:2] == ["tel:112", "tel:90101"]

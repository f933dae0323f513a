"""The endpoints Rasa and the action server call: NLG rendering and unanswered messages."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import AppFactory


def nlg(client: TestClient, response: str, language: str | None, token: str = "") -> Any:
    metadata = {"language": language} if language else {}
    return client.post(
        f"/internal/nlg?token={token}",
        json={
            "response": response,
            "arguments": {},
            "tracker": {"slots": {}, "latest_message": {"metadata": metadata}},
        },
    )


def test_nlg_renders_in_the_message_language_with_contacts(client: TestClient) -> None:
    english = nlg(client, "utter_iamabot", "en").json()
    assert english["text"].startswith("Yes, I am a chat assistant")
    assert "08-508 00 508" in english["text"]
    assert english["custom"]["links"][0]["url"] == "tel:+46850800508"
    swedish = nlg(client, "utter_iamabot", None).json()
    assert swedish["text"].startswith("Ja, jag är en chattrobot")


def test_nlg_falls_back_to_swedish_for_a_language_without_translation(client: TestClient) -> None:
    rendered = nlg(client, "utter_greet", "sv-x-unknown").json()
    assert rendered["text"].startswith("Hej!")


def test_nlg_unknown_response_is_404(client: TestClient) -> None:
    assert nlg(client, "utter_nothing_like_this", "sv").status_code == 404


def test_internal_endpoints_require_the_shared_token(make_client: AppFactory) -> None:
    client = make_client(internal_token="s3cret")
    assert nlg(client, "utter_greet", "sv").status_code == 403
    assert nlg(client, "utter_greet", "sv", token="wrong").status_code == 403
    assert nlg(client, "utter_greet", "sv", token="s3cret").status_code == 200

"""Answering factual questions from the catalogue: the app decides, the action relays.

The action sends the citizen's text to the app's answer API and utters the response the app's
decision calls for; the app's NLG endpoint renders it in the citizen's language.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action, Tracker
from rasa_sdk.types import DomainDict

from actions.app_client import AppClient

log = logging.getLogger(__name__)
REPEATED_MISSES = 2


def _language(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("metadata") or {}).get("language") or "sv")


def _entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


def utter_answer(dispatcher: CollectingDispatcher, answer: dict[str, Any]) -> None:
    """Utter what the app decided: an article, a choice of articles, or 'I don't know'."""
    if answer["decision"] == "answer":
        article = answer["article"]
        dispatcher.utter_message(
            response="utter_article_answer",
            **{f"article_{key}": value for key, value in article.items()},
        )
    elif answer["decision"] == "clarify":
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[
                {"title": c["title"], "payload": f'/choose_article{{"article_id": "{c["id"]}"}}'}
                for c in answer["candidates"]
            ],
        )
    elif answer.get("misses_in_a_row", 1) >= REPEATED_MISSES:
        dispatcher.utter_message(response="utter_did_not_understand_again")
    else:
        dispatcher.utter_message(response="utter_did_not_understand")


class ActionAnswerQuestion(Action):
    def __init__(self, app: AppClient | None = None) -> None:
        self.app = app or AppClient.from_environment()

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        question = {
            "text": latest.get("text") or "",
            "language": _language(tracker),
            "intent": intent.get("name"),
            "confidence": intent.get("confidence"),
        }
        try:
            answer = await self.app.post(
                f"/internal/conversations/{tracker.sender_id}/answers", question
            )
        except Exception:  # the citizen still gets an honest answer if the app fails
            log.exception("the app's answer API failed")
            answer = {"decision": "unknown", "misses_in_a_row": 1}
        utter_answer(dispatcher, answer)
        return []


class ActionShowArticle(Action):
    """The citizen chose an article from "Did you mean…?"."""

    def __init__(self, app: AppClient | None = None) -> None:
        self.app = app or AppClient.from_environment()

    def name(self) -> str:
        return "action_show_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        choice = {"article_id": str(_entity(tracker, "article_id")), "language": _language(tracker)}
        answer = await self.app.post(
            f"/internal/conversations/{tracker.sender_id}/articles", choice
        )
        utter_answer(dispatcher, answer)
        return []


class ActionRecordFeedback(Action):
    """'Was this helpful?' is stored per article."""

    def __init__(self, app: AppClient | None = None) -> None:
        self.app = app or AppClient.from_environment()

    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        helpful = _entity(tracker, "helpful")
        feedback = {"article_id": str(_entity(tracker, "article_id")), "helpful": bool(helpful)}
        await self.app.post(f"/internal/conversations/{tracker.sender_id}/feedback", feedback)
        dispatcher.utter_message(
            response="utter_thanks_for_feedback" if helpful else "utter_sorry_not_helpful"
        )
        return []
